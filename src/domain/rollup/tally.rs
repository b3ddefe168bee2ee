//! A count per key that keeps a bounded number of keys.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Keys a tally keeps a day; further keys are counted under [`OTHER`].
pub const TALLY_KEYS: usize = 200;
/// The key of what did not fit.
pub const OTHER: &str = "(other)";

/// A key of a tally, with the key that stands for every key that did not fit.
pub trait Key: Ord + Clone {
    /// The overflow key.
    fn other() -> Self;
}

impl Key for String {
    fn other() -> Self {
        OTHER.to_owned()
    }
}

impl Key for (String, String) {
    fn other() -> Self {
        (OTHER.to_owned(), OTHER.to_owned())
    }
}

impl Key for (String, String, String) {
    fn other() -> Self {
        (OTHER.to_owned(), OTHER.to_owned(), OTHER.to_owned())
    }
}

/// A count per key, of at most [`TALLY_KEYS`] keys; stored as `[[key, n], …]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "Vec<(K, i64)>", into = "Vec<(K, i64)>")]
pub struct Tally<K: Key>(BTreeMap<K, i64>);

impl<K: Key> Default for Tally<K> {
    fn default() -> Self {
        Tally(BTreeMap::new())
    }
}

impl<K: Key> From<Vec<(K, i64)>> for Tally<K> {
    fn from(pairs: Vec<(K, i64)>) -> Self {
        let mut tally = Tally::default();
        pairs.into_iter().for_each(|(key, n)| tally.add(key, n));
        tally
    }
}

impl<K: Key> From<Tally<K>> for Vec<(K, i64)> {
    fn from(tally: Tally<K>) -> Self {
        tally.0.into_iter().collect()
    }
}

impl<K: Key> Tally<K> {
    /// Adds `n` to `key`, or to the overflow key when the tally is full.
    pub fn add(&mut self, key: K, n: i64) {
        let full = self.0.len() >= TALLY_KEYS && !self.0.contains_key(&key);
        *self.0.entry(if full { K::other() } else { key }).or_insert(0) += n;
    }

    /// Takes `n` from `key` (or from the overflow key, where it was counted).
    pub(super) fn subtract(&mut self, key: &K, n: i64) {
        let key = if self.0.contains_key(key) { key.clone() } else { K::other() };
        if let Some(count) = self.0.get_mut(&key) {
            *count -= n;
            if *count <= 0 {
                self.0.remove(&key);
            }
        }
    }

    /// Adds every count of `other`.
    pub fn merge(&mut self, other: &Tally<K>) {
        other.0.iter().for_each(|(key, n)| self.add(key.clone(), *n));
    }

    /// The counts, by key.
    pub fn iter(&self) -> impl Iterator<Item = (&K, i64)> {
        self.0.iter().map(|(key, n)| (key, *n))
    }

    /// The count of `key`.
    pub fn get(&self, key: &K) -> i64 {
        self.0.get(key).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tally_keeps_a_bounded_number_of_keys_and_counts_the_rest_as_other() {
        let mut versions = Tally::<String>::default();
        for i in 0..TALLY_KEYS + 50 {
            versions.add(format!("v{i}"), 1);
        }
        versions.add("v0".into(), 1);
        assert_eq!(versions.iter().count(), TALLY_KEYS + 1);
        assert_eq!((versions.get(&"v0".into()), versions.get(&OTHER.into())), (2, 50));
        versions.subtract(&format!("v{}", TALLY_KEYS + 10), 1);
        assert_eq!(versions.get(&OTHER.into()), 49, "what went to other is taken from other");
    }
}
