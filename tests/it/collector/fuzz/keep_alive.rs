//! A body over the size limit is answered 413 on every kind of collector
//! route, and the connection it came on is either closed by an announced
//! `Connection: close` or still serves the next request. Raw HTTP/1.1 over
//! one TCP stream, because a client's pool would hide a broken connection.

use std::time::Duration;

use sqlx::PgPool;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::collector::Collector;

#[sqlx::test]
async fn an_over_size_body_gets_413_and_leaves_the_connection_usable(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let alice = collector.join("conf", "alice").await;
    let host = collector.server.base.trim_start_matches("http://").to_owned();
    let over = 64 * 1024 + 1000;
    let join = collector.conference_url(&collector.app_id, "conf", &[]);
    let stats = collector.conference_url(&collector.app_id, "conf", &[&alice.uc_id, "stats"]);
    let form =
        format!("grant_type=authorization_code&client_id=alice%40{}&code={}", collector.app_id, "x".repeat(over));
    let json = format!("{{\"localID\":\"{}\"}}", "x".repeat(over));
    let cases = [
        ("/authenticate".to_owned(), "application/x-www-form-urlencoded", form),
        (path_of(&join), "application/json", json.clone()),
        (path_of(&stats), "application/json", json),
    ];
    let mut problems = Vec::new();
    for (path, content_type, body) in cases {
        let mut stream = TcpStream::connect(&host).await.expect("connect");
        let request = format!(
            "POST {path} HTTP/1.1\r\nhost: {host}\r\nauthorization: Bearer {}\r\ncontent-type: {content_type}\r\n\
             content-length: {}\r\n\r\n{body}",
            alice.token,
            body.len()
        );
        stream.write_all(request.as_bytes()).await.expect("write");
        if let Err(problem) = over_size_then_next(&mut stream, &host).await {
            problems.push(format!("{path}: {problem}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Reads the answer to an over-size request, then sends the next request
/// on the same connection unless the answer closed it.
async fn over_size_then_next(stream: &mut TcpStream, host: &str) -> Result<(), String> {
    let (status, head) = read_response(stream).await?;
    if status != 413 {
        return Err(format!("answered {status}, not 413: {head:?}"));
    }
    if head.to_ascii_lowercase().contains("\r\nconnection: close") {
        return Ok(());
    }
    let next = format!("GET /v1/openapi.json HTTP/1.1\r\nhost: {host}\r\n\r\n");
    stream.write_all(next.as_bytes()).await.map_err(|error| format!("write after the 413: {error}"))?;
    let (status, _) = read_response(stream).await.map_err(|error| {
        format!("the 413 kept the connection open (no `Connection: close`), but the next request on it failed: {error}")
    })?;
    if status != 200 {
        return Err(format!("the request after the 413 was answered {status}"));
    }
    Ok(())
}

fn path_of(url: &str) -> String {
    let url = url::Url::parse(url).expect("url");
    url.path().to_owned()
}

/// Reads one response; returns its status and head.
async fn read_response(stream: &mut TcpStream) -> Result<(u16, String), String> {
    tokio::time::timeout(Duration::from_secs(10), read_response_now(stream))
        .await
        .map_err(|_| "no answer within 10 s".to_owned())?
}

async fn read_response_now(stream: &mut TcpStream) -> Result<(u16, String), String> {
    let mut buffer = Vec::new();
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
            break at + 4;
        }
        read_more(stream, &mut buffer).await?;
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let status =
        head.split(' ').nth(1).and_then(|code| code.parse().ok()).ok_or_else(|| format!("no status in {head:?}"))?;
    let lower = head.to_ascii_lowercase();
    if lower.contains("\r\ntransfer-encoding: chunked") {
        while !buffer[head_end..].windows(5).any(|window| window == b"0\r\n\r\n") {
            read_more(stream, &mut buffer).await?;
        }
    } else {
        let length: usize = lower
            .split("\r\n")
            .find_map(|line| line.strip_prefix("content-length: "))
            .and_then(|length| length.trim().parse().ok())
            .unwrap_or(0);
        while buffer.len() < head_end + length {
            read_more(stream, &mut buffer).await?;
        }
    }
    Ok((status, head))
}

async fn read_more(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Result<(), String> {
    let mut chunk = [0; 8192];
    match stream.read(&mut chunk).await {
        Ok(0) => Err(format!("the server closed the connection after {} bytes", buffer.len())),
        Ok(read) => {
            buffer.extend_from_slice(&chunk[..read]);
            Ok(())
        }
        Err(error) => Err(format!("read: {error}")),
    }
}
