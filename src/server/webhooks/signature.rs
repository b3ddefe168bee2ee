//! The `X-Callscope-Signature` header: an HMAC-SHA-256, under the webhook's
//! secret, of the Unix time in seconds, a dot, and the exact body bytes:
//!
//! ```text
//! X-Callscope-Signature: t=1763726400,v1=5f2c…(64 hex digits)
//! v1 = hex(HMAC-SHA-256(key = secret as UTF-8, message = "1763726400." + body))
//! ```
//!
//! Signing the time with the body lets a receiver refuse a replayed request
//! (an old `t`) without trusting anything unsigned. `docs/webhooks.md`
//! shows a receiver doing what [`verify`] does.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The header's name.
pub const HEADER: &str = "x-callscope-signature";

/// How far a receiver should let `t` be from its own clock.
pub const TOLERANCE_SECS: i64 = 300;

/// The header value for `body` sent at `unix_secs`.
pub fn sign(secret: &[u8], unix_secs: i64, body: &[u8]) -> String {
    format!("t={unix_secs},v1={}", hex::encode(mac(secret, unix_secs, body).finalize().into_bytes()))
}

/// Why a signature was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    /// The header is not `t=<secs>,v1=<hex>`.
    #[error("malformed signature header")]
    Malformed,
    /// `t` is further than [`TOLERANCE_SECS`] from now.
    #[error("signature timestamp outside the tolerance")]
    Stale,
    /// No `v1` matches the body under the secret.
    #[error("signature does not match")]
    Mismatch,
}

/// Checks `header` for `body` as a receiver does at `now_secs`: the time is
/// within [`TOLERANCE_SECS`], and a `v1` is the HMAC (compared in constant time).
pub fn verify(secret: &[u8], header: &str, body: &[u8], now_secs: i64) -> Result<(), Refused> {
    let mut time = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => time = Some(value.parse::<i64>().map_err(|_| Refused::Malformed)?),
            Some(("v1", value)) => signatures.push(hex::decode(value).map_err(|_| Refused::Malformed)?),
            _ => {}
        }
    }
    let time = time.ok_or(Refused::Malformed)?;
    if signatures.is_empty() {
        return Err(Refused::Malformed);
    }
    if (now_secs - time).abs() > TOLERANCE_SECS {
        return Err(Refused::Stale);
    }
    let matches = signatures.iter().any(|signature| mac(secret, time, body).verify_slice(signature).is_ok());
    if matches { Ok(()) } else { Err(Refused::Mismatch) }
}

fn mac(secret: &[u8], unix_secs: i64, body: &[u8]) -> Hmac<Sha256> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(unix_secs.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"whsec_test";
    const BODY: &[u8] = br#"{"reason":"failedConferences"}"#;

    #[test]
    fn a_known_vector() {
        // printf '1700000000.{"reason":"failedConferences"}' | openssl dgst -sha256 -hmac whsec_test
        assert_eq!(
            sign(SECRET, 1_700_000_000, BODY),
            "t=1700000000,v1=fcedab9e09bfe04da77aec56d024cad3f195e3aa2b4182adf394acddfdd73ca9"
        );
    }

    #[test]
    fn verifies_its_own_signature_and_refuses_changes() {
        let header = sign(SECRET, 1_700_000_000, BODY);
        assert_eq!(verify(SECRET, &header, BODY, 1_700_000_100), Ok(()));
        assert_eq!(verify(SECRET, &header, br#"{"reason":"other"}"#, 1_700_000_100), Err(Refused::Mismatch));
        assert_eq!(verify(b"whsec_other", &header, BODY, 1_700_000_100), Err(Refused::Mismatch));
        assert_eq!(verify(SECRET, &header, BODY, 1_700_000_000 + TOLERANCE_SECS + 1), Err(Refused::Stale));
        let moved = header.replace("t=1700000000", "t=1700000001");
        assert_eq!(verify(SECRET, &moved, BODY, 1_700_000_100), Err(Refused::Mismatch));
        assert_eq!(verify(SECRET, "v1=00", BODY, 1_700_000_100), Err(Refused::Malformed));
        assert_eq!(verify(SECRET, "t=1700000000", BODY, 1_700_000_100), Err(Refused::Malformed));
    }
}
