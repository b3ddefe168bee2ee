//! The master key that encrypts app secrets at rest.
//!
//! Taken from `CALLSCOPE_MASTER_KEY` (64 hex digits) when set; otherwise
//! generated once into `<data dir>/master.key` (mode 0600) and read from
//! there on every later start. Several instances sharing one database must
//! share the key: set the variable for them.

use std::fs;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use anyhow::{Context, bail};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretBox, SecretString};

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

    /// The key's bytes, for the cipher.
    pub fn expose(&self) -> &[u8; 32] {
        self.0.expose_secret()
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
    fn the_key_never_shows_in_debug_output() {
        let key = MasterKey::parse(&"ab".repeat(32)).expect("key");
        assert!(!format!("{key:?}").contains("ab"));
    }
}
