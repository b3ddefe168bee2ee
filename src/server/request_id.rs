//! The `x-request-id` a client sends: kept when it is short and plain, so a
//! proxy's id follows the request into callscope's logs; otherwise dropped,
//! and `SetRequestIdLayer` gives the request a fresh UUID. The header's
//! bytes are the client's: unchecked, they would go into every log line of
//! the request and back into the response.

use axum::extract::Request;
use axum::http::HeaderValue;

/// The header carrying the id, in requests and responses.
pub const HEADER: &str = "x-request-id";

/// The longest id accepted from a client (a UUID has 36 characters).
const MAX_LEN: usize = 64;

/// Removes the client's `x-request-id` unless it is exactly one header
/// holding an [`acceptable`] id.
pub async fn drop_unacceptable(mut request: Request) -> Request {
    let headers = request.headers_mut();
    let mut sent = headers.get_all(HEADER).iter();
    let keep = match (sent.next(), sent.next()) {
        (Some(first), None) => acceptable(first),
        _ => false,
    };
    if !keep && headers.contains_key(HEADER) {
        headers.remove(HEADER);
    }
    request
}

/// Whether `value` may stand as a request id: 1 to 64 characters, each an
/// ASCII letter, digit or one of `-_.:+/=` (UUIDs, hex and base64 ids pass;
/// spaces, quotes, braces and anything that could pass for log syntax do not).
pub fn acceptable(value: &HeaderValue) -> bool {
    let bytes = value.as_bytes();
    (1..=MAX_LEN).contains(&bytes.len())
        && bytes.iter().all(|&byte| byte.is_ascii_alphanumeric() || b"-_.:+/=".contains(&byte))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &[u8]) -> HeaderValue {
        HeaderValue::from_bytes(text).expect("a header value")
    }

    #[test]
    fn plain_short_ids_are_acceptable() {
        for id in ["0b7f3c2e-5d1a-4e8f-9a6b-1c2d3e4f5a6b", "req-42", "aGVsbG8=", "a", "trace:span.1/x+y_z"] {
            assert!(acceptable(&value(id.as_bytes())), "{id}");
        }
        assert!(acceptable(&value("x".repeat(MAX_LEN).as_bytes())));
    }

    #[test]
    fn long_empty_or_unusual_ids_are_not() {
        let long = "x".repeat(MAX_LEN + 1);
        for id in [long.as_bytes(), b"", b"a b", b"a\"b", b"{x}", b"id\tx", b"caf\xc3\xa9", b"a,b", b"<script>"] {
            assert!(!acceptable(&value(id)), "{}", String::from_utf8_lossy(id));
        }
    }

    #[tokio::test]
    async fn only_a_single_acceptable_id_header_is_kept() {
        let mut request = Request::new(axum::body::Body::empty());
        request.headers_mut().append(HEADER, value(b"one"));
        request.headers_mut().append(HEADER, value(b"two"));
        assert!(drop_unacceptable(request).await.headers().get(HEADER).is_none());

        let mut request = Request::new(axum::body::Body::empty());
        request.headers_mut().insert(HEADER, value(b"one"));
        assert_eq!(drop_unacceptable(request).await.headers().get(HEADER), Some(&value(b"one")));
    }
}
