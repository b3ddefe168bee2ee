//! A body over the size limit is answered 413 on every kind of collector
//! route, and the connection it came on is either closed by an announced
//! `Connection: close` or still serves the next request. Raw HTTP/1.1 over
//! one TCP stream, because a client's pool would hide a broken connection.

use std::time::Duration;

use sqlx::PgPool;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::net::tcp::OwnedReadHalf;

use crate::collector::Collector;

#[sqlx::test]
async fn an_over_size_body_gets_413_and_leaves_the_connection_usable(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let alice = collector.join("conf", "alice").await;
    let host = collector.server.base.trim_start_matches("http://").to_owned();
    let join = collector.conference_url(&collector.app_id, "conf", &[]);
    let stats = collector.conference_url(&collector.app_id, "conf", &[&alice.uc_id, "stats"]);
    let routes = [
        ("/authenticate".to_owned(), "application/x-www-form-urlencoded"),
        (path_of(&join), "application/json"),
        (path_of(&stats), "application/json"),
    ];
    let mut problems = Vec::new();
    for (path, content_type) in routes {
        // Just over the test limit (64 KiB), far over it, and with no
        // length announced (chunked: the limit is hit while reading).
        for (size, chunked) in [(64 * 1024 + 1000, false), (4 * 1024 * 1024, false), (256 * 1024, true)] {
            let head = format!(
                "POST {path} HTTP/1.1\r\nhost: {host}\r\nauthorization: Bearer {}\r\ncontent-type: {content_type}\r\n",
                alice.token
            );
            let request = if chunked {
                format!("{head}transfer-encoding: chunked\r\n\r\n{size:x}\r\n{}\r\n0\r\n\r\n", "x".repeat(size))
            } else {
                format!("{head}content-length: {size}\r\n\r\n{}", "x".repeat(size))
            };
            if let Err(problem) = over_size_then_next(&host, request).await {
                let how = if chunked { "chunked" } else { "content-length" };
                problems.push(format!("{path} ({size} bytes, {how}): {problem}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Sends an over-size `request` (written while the answer is read, as a
/// server may answer before reading it all), then the next request on the
/// same connection unless the answer announced that it closes it.
async fn over_size_then_next(host: &str, request: String) -> Result<(), String> {
    let stream = TcpStream::connect(host).await.map_err(|error| format!("connect: {error}"))?;
    let (mut reader, mut writer) = stream.into_split();
    let writing = tokio::spawn(async move {
        let written = writer.write_all(request.as_bytes()).await;
        (writer, written)
    });
    let (status, head) = read_response(&mut reader).await?;
    if status != 413 {
        return Err(format!("answered {status}, not 413: {head:?}"));
    }
    if head.to_ascii_lowercase().contains("\r\nconnection: close") {
        return Ok(());
    }
    let (mut writer, written) = tokio::time::timeout(Duration::from_secs(10), writing)
        .await
        .map_err(|_| "the server neither read the rest of the body nor closed the connection".to_owned())?
        .map_err(|error| format!("writer: {error}"))?;
    written.map_err(|error| format!("the 413 did not say `Connection: close`, but the connection broke: {error}"))?;
    let next = format!("GET /v1/openapi.json HTTP/1.1\r\nhost: {host}\r\n\r\n");
    writer.write_all(next.as_bytes()).await.map_err(|error| format!("write after the 413: {error}"))?;
    let (status, _) = read_response(&mut reader).await.map_err(|error| {
        format!("the 413 did not say `Connection: close`, but the next request on the connection failed: {error}")
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
async fn read_response(stream: &mut OwnedReadHalf) -> Result<(u16, String), String> {
    tokio::time::timeout(Duration::from_secs(10), read_response_now(stream))
        .await
        .map_err(|_| "no answer within 10 s".to_owned())?
}

async fn read_response_now(stream: &mut OwnedReadHalf) -> Result<(u16, String), String> {
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

async fn read_more(stream: &mut OwnedReadHalf, buffer: &mut Vec<u8>) -> Result<(), String> {
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
