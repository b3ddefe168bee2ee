//! The master key that encrypts app and webhook secrets at rest.
//!
//! Taken from `CALLSCOPE_MASTER_KEY` (64 hex digits) when set; otherwise
//! generated once into `<data dir>/master.key` (mode 0600) and read from
//! there on every later start. Several instances sharing one database must
//! share the key: set the variable for them.

use std::fs;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use anyhow::{Context, anyhow, bail};
use hmac::{Hmac, Mac};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretBox, SecretString};
use sha2::Sha256;

/// File name of the generated key inside the data directory.
pub const FILE_NAME: &str = "master.key";

/// A 256-bit key, zeroed on drop and never printed.
pub struct MasterKey(SecretBox<[u8; 32]>);

impl MasterKey {
    /// The configured key, or the one kept in `data_dir` (created on first use).
    pub fn load(configured: Option<&SecretString>, data_dir: &Path) -> anyhow::Result<Self> {
        if let Some(hex) = configured {
            return Self::parse(hex.expose_secret()).context("CALLSCOPE_MASTER_KEY");
        }
        let path = data_dir.join(FILE_NAME);
        match fs::read_to_string(&path) {
            Ok(contents) => Self::parse(contents.trim()).with_context(|| format!("reading {}", path.display())),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => match Self::create(&path) {
                // Another process created it first: use theirs.
                Err(error) if path.exists() => {
                    tracing::debug!(error = format!("{error:#}"), "master key created concurrently");
                    Self::parse(fs::read_to_string(&path)?.trim())
                }
                created => created,
            },
            Err(error) => Err(error).with_context(|| format!("reading {}", path.display())),
        }
    }

    /// The key's bytes.
    pub fn expose(&self) -> &[u8; 32] {
        self.0.expose_secret()
    }

    /// Encrypts `plaintext` with AES-256-GCM under a fresh random nonce,
    /// authenticating `associated_data` with it (see `server::sealed`: it
    /// names the row the ciphertext belongs to); returns `(ciphertext, nonce)`.
    pub fn encrypt(&self, plaintext: &[u8], associated_data: &[u8]) -> anyhow::Result<(Vec<u8>, Vec<u8>)> {
        let cipher = Aes256Gcm::new(self.expose().into());
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let ciphertext = cipher
            .encrypt(&nonce, Payload { msg: plaintext, aad: associated_data })
            .map_err(|_| anyhow!("encryption failed"))?;
        Ok((ciphertext, nonce.to_vec()))
    }

    /// Decrypts what [`MasterKey::encrypt`] produced with the same
    /// `associated_data` (empty for data sealed without any). Fails when
    /// the data was altered, encrypted under another key, or for other
    /// associated data.
    pub fn decrypt(&self, ciphertext: &[u8], nonce: &[u8], associated_data: &[u8]) -> anyhow::Result<SecretBox<[u8]>> {
        if nonce.len() != 12 {
            bail!("stored nonce has {} bytes, expected 12", nonce.len());
        }
        let cipher = Aes256Gcm::new(self.expose().into());
        let plaintext = cipher
            .decrypt(Nonce::from_slice(nonce), Payload { msg: ciphertext, aad: associated_data })
            .map_err(|_| anyhow!("cannot decrypt: the data was altered, moved, or the master key changed"))?;
        Ok(SecretBox::new(plaintext.into_boxed_slice()))
    }

    /// A sub-key for one purpose (HMAC-SHA-256 of `purpose` under the master
    /// key), so no two uses ever share key material.
    pub fn derive(&self, purpose: &str) -> SecretBox<[u8; 32]> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.expose()).expect("HMAC takes any key length");
        mac.update(purpose.as_bytes());
        SecretBox::new(Box::new(mac.finalize().into_bytes().into()))
    }

    fn parse(hex_key: &str) -> anyhow::Result<Self> {
        let mut key = Box::new([0u8; 32]);
        if hex_key.len() != 64 || hex::decode_to_slice(hex_key, key.as_mut_slice()).is_err() {
            bail!("the master key must be 64 hex digits");
        }
        Ok(Self(SecretBox::new(key)))
    }

    fn create(path: &Path) -> anyhow::Result<Self> {
        fs::create_dir_all(path.parent().unwrap_or(Path::new(".")))?;
        let mut key = Box::new([0u8; 32]);
        rand::rng().fill_bytes(key.as_mut_slice());
        // create_new: two instances racing on a fresh directory cannot both write.
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
            .with_context(|| format!("creating {}", path.display()))?;
        writeln!(file, "{}", hex::encode(key.as_slice()))?;
        file.sync_all()?;
        tracing::info!(path = %path.display(), "generated the master key; back it up with the database");
        Ok(Self(SecretBox::new(key)))
    }
}

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(redacted)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch_dir(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("cs-key-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn a_generated_key_is_kept_private_and_read_back_on_the_next_start() {
        let dir = scratch_dir("gen");
        let first = MasterKey::load(None, &dir).expect("generate");
        let second = MasterKey::load(None, &dir).expect("read back");
        assert_eq!(first.expose(), second.expose());
        let mode = fs::metadata(dir.join(FILE_NAME)).expect("file").permissions();
        assert_eq!(std::os::unix::fs::PermissionsExt::mode(&mode) & 0o777, 0o600);
        fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn a_configured_key_wins_and_must_be_64_hex_digits() {
        let dir = scratch_dir("cfg");
        let hex_key = "ab".repeat(32);
        let key = MasterKey::load(Some(&SecretString::from(hex_key)), &dir).expect("configured");
        assert_eq!(key.expose(), &[0xab; 32]);
        assert!(!dir.exists(), "a configured key writes nothing");
        assert!(MasterKey::load(Some(&SecretString::from("abc")), &dir).is_err());
        assert!(MasterKey::load(Some(&SecretString::from("zz".repeat(32))), &dir).is_err());
    }

    #[test]
    fn encryption_round_trips_and_detects_tampering_and_other_keys() {
        let key = MasterKey::parse(&"ab".repeat(32)).expect("key");
        let (mut ciphertext, nonce) = key.encrypt(b"app secret", b"row 1").expect("encrypt");
        assert!(!ciphertext.windows(10).any(|w| w == b"app secret"));
        assert_eq!(key.decrypt(&ciphertext, &nonce, b"row 1").expect("decrypt").expose_secret(), b"app secret");
        let (again, other_nonce) = key.encrypt(b"app secret", b"row 1").expect("encrypt");
        assert_ne!((&again, &other_nonce), (&ciphertext, &nonce), "a fresh nonce every time");
        let other = MasterKey::parse(&"cd".repeat(32)).expect("key");
        assert!(other.decrypt(&ciphertext, &nonce, b"row 1").is_err());
        ciphertext[0] ^= 1;
        assert!(key.decrypt(&ciphertext, &nonce, b"row 1").is_err());
    }

    #[test]
    fn a_ciphertext_opens_only_with_its_associated_data() {
        let key = MasterKey::parse(&"ab".repeat(32)).expect("key");
        let (ciphertext, nonce) = key.encrypt(b"app secret", b"row 1").expect("encrypt");
        assert!(key.decrypt(&ciphertext, &nonce, b"row 2").is_err());
        assert!(key.decrypt(&ciphertext, &nonce, b"").is_err());
        let (unbound, nonce) = key.encrypt(b"app secret", b"").expect("encrypt");
        assert!(key.decrypt(&unbound, &nonce, b"row 1").is_err());
        assert_eq!(key.decrypt(&unbound, &nonce, b"").expect("no associated data").expose_secret(), b"app secret");
    }

    #[test]
    fn derived_keys_differ_by_purpose_and_from_the_master_key() {
        let key = MasterKey::parse(&"ab".repeat(32)).expect("key");
        let a = key.derive("access tokens");
        assert_eq!(a.expose_secret(), key.derive("access tokens").expose_secret());
        assert_ne!(a.expose_secret(), key.derive("something else").expose_secret());
        assert_ne!(a.expose_secret(), key.expose());
    }

    #[test]
    fn the_key_never_shows_in_debug_output() {
        let key = MasterKey::parse(&"ab".repeat(32)).expect("key");
        assert!(!format!("{key:?}").contains("ab"));
    }
}
