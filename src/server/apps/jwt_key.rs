//! Validation of the ES256 public keys that verify third-party JWTs.

use p256::pkcs8::{DecodePublicKey, EncodePublicKey};
use sha2::{Digest, Sha256};

use crate::domain::InvalidField;

/// A P-256 public key in the canonical SPKI PEM form, with its fingerprint.
#[derive(Debug, Clone)]
pub struct Es256Key {
    /// `-----BEGIN PUBLIC KEY-----` PEM, re-encoded from the parsed key.
    pub pem: String,
    /// SHA-256 of the DER SubjectPublicKeyInfo, lowercase hex.
    pub fingerprint: String,
}

/// Parses `pem`; refuses anything but an EC P-256 public key, naming why.
pub fn parse(pem: &str) -> Result<Es256Key, InvalidField> {
    let pem = pem.trim();
    if pem.contains("PRIVATE KEY") {
        return Err(InvalidField::new("pem", "this is a private key; upload only the public key (openssl ec -pubout)"));
    }
    if !pem.starts_with("-----BEGIN PUBLIC KEY-----") {
        return Err(InvalidField::new("pem", "expected a PEM block starting with -----BEGIN PUBLIC KEY-----"));
    }
    let key = p256::PublicKey::from_public_key_pem(pem).map_err(|error| {
        let why = match error {
            p256::pkcs8::spki::Error::OidUnknown { .. } | p256::pkcs8::spki::Error::AlgorithmParametersMissing => {
                "not an EC P-256 public key (ES256 needs curve P-256, also called prime256v1 or secp256r1)".to_owned()
            }
            other => format!("not an EC P-256 public key ({other})"),
        };
        InvalidField::new("pem", why)
    })?;
    let der = key.to_public_key_der().map_err(|error| InvalidField::new("pem", error.to_string()))?;
    let pem = key
        .to_public_key_pem(p256::pkcs8::LineEnding::LF)
        .map_err(|error| InvalidField::new("pem", error.to_string()))?;
    Ok(Es256Key { pem, fingerprint: hex::encode(Sha256::digest(der.as_bytes())) })
}

#[cfg(test)]
mod tests {
    use super::*;

    // openssl ecparam -name prime256v1 -genkey | openssl ec -pubout
    const P256: &str = "-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEXjigN0g+PFNPz6BvyaOWWrWXa4qZ
tD99xHoBhh3yEwZrSn3p13j9/O4gsCg6cXD0gIR53KV4yU7+QTgQcg0QCQ==
-----END PUBLIC KEY-----";

    // openssl genrsa 1024 | openssl rsa -pubout
    const RSA: &str = "-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDTf2b0/94iKKB3HNF71iuItpQj
X8xZPGlWuGaRiZnuAUCgAWuwnMcTpamBcURgDxHdWuzHDNLzvmfUcO+N0JtW8dQh
ckcWxQbs3y6Co3ODODq/09s2+bZf16Y3Vi8W7fzh+7BgNIFclOf6n2nRStTjsZSf
N3WXIqfzJyuqZIjNBQIDAQAB
-----END PUBLIC KEY-----";

    #[test]
    fn a_p256_key_is_accepted_with_a_stable_fingerprint() {
        let key = parse(P256).expect("P-256");
        assert_eq!(key.fingerprint.len(), 64);
        assert_eq!(parse(&format!("\n{P256}\n")).expect("trimmed").fingerprint, key.fingerprint);
        assert!(key.pem.starts_with("-----BEGIN PUBLIC KEY-----"));
    }

    #[test]
    fn rsa_keys_private_keys_and_garbage_are_refused_with_a_reason() {
        let rsa = parse(RSA).expect_err("RSA");
        assert_eq!(rsa.field, "pem");
        assert!(rsa.message.contains("P-256"), "{}", rsa.message);
        let private = parse("-----BEGIN EC PRIVATE KEY-----\nabc\n-----END EC PRIVATE KEY-----").expect_err("private");
        assert!(private.message.contains("private key"), "{}", private.message);
        assert!(parse("hello").is_err());
        assert!(parse("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----").is_err());
    }
}
