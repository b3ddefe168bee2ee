//! A distinct count that can be stored per day and merged over a year:
//! the exact set of hashes while it is small, then a HyperLogLog of
//! 2^[`PRECISION`] registers (about 1.6 % standard error). It holds hashes,
//! never the values, so a rollup keeps no identifier.
//!
//! Written here rather than taken from a crate because it is stored: its
//! byte layout and its hash must never change between releases, and the
//! crates that offer one either hash with an unspecified algorithm or store
//! a pointer-tagged internal state.

use std::collections::BTreeSet;

/// Index bits of a register.
const PRECISION: u32 = 12;
/// Registers of the HyperLogLog form.
const REGISTERS: usize = 1 << PRECISION;
/// Hashes kept exactly before the sketch turns into registers.
const EXACT: usize = 512;
/// First byte of the stored form.
const TAG_EXACT: u8 = 0;
const TAG_REGISTERS: u8 = 1;

/// A sketch of a set of strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sketch {
    /// The hashes themselves.
    Exact(BTreeSet<u64>),
    /// HyperLogLog registers: the longest run of leading zeros + 1 seen.
    Registers(Box<[u8; REGISTERS]>),
}

impl Default for Sketch {
    fn default() -> Self {
        Sketch::Exact(BTreeSet::new())
    }
}

impl Sketch {
    /// Adds `value`.
    pub fn insert(&mut self, value: &str) {
        self.insert_hash(hash(value.as_bytes()));
    }

    fn insert_hash(&mut self, hash: u64) {
        match self {
            Sketch::Exact(hashes) => {
                hashes.insert(hash);
                if hashes.len() > EXACT {
                    let mut registers = Box::new([0u8; REGISTERS]);
                    for &hash in hashes.iter() {
                        record(&mut registers, hash);
                    }
                    *self = Sketch::Registers(registers);
                }
            }
            Sketch::Registers(registers) => record(registers, hash),
        }
    }

    /// Adds every value of `other`.
    pub fn merge(&mut self, other: &Sketch) {
        match other {
            Sketch::Exact(hashes) => hashes.iter().for_each(|&hash| self.insert_hash(hash)),
            Sketch::Registers(theirs) => {
                if let Sketch::Exact(hashes) = self {
                    let mut registers = theirs.clone();
                    hashes.iter().for_each(|&hash| record(&mut registers, hash));
                    *self = Sketch::Registers(registers);
                } else if let Sketch::Registers(ours) = self {
                    ours.iter_mut().zip(theirs.iter()).for_each(|(ours, theirs)| *ours = (*ours).max(*theirs));
                }
            }
        }
    }

    /// How many distinct values were added: exact while few, else the
    /// HyperLogLog estimate (linear counting while registers are empty).
    pub fn count(&self) -> i64 {
        match self {
            Sketch::Exact(hashes) => hashes.len() as i64,
            Sketch::Registers(registers) => {
                let m = REGISTERS as f64;
                let empty = registers.iter().filter(|r| **r == 0).count();
                let sum: f64 = registers.iter().map(|r| 2f64.powi(-i32::from(*r))).sum();
                let raw = 0.7213 / (1.0 + 1.079 / m) * m * m / sum;
                let estimate = if raw <= 2.5 * m && empty > 0 { m * (m / empty as f64).ln() } else { raw };
                estimate.round() as i64
            }
        }
    }

    /// The stored form.
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            Sketch::Exact(hashes) => {
                let mut bytes = Vec::with_capacity(1 + 8 * hashes.len());
                bytes.push(TAG_EXACT);
                hashes.iter().for_each(|hash| bytes.extend_from_slice(&hash.to_le_bytes()));
                bytes
            }
            Sketch::Registers(registers) => {
                let mut bytes = Vec::with_capacity(1 + REGISTERS);
                bytes.push(TAG_REGISTERS);
                bytes.extend_from_slice(&registers[..]);
                bytes
            }
        }
    }

    /// Reads the stored form; `None` when it is not one.
    pub fn from_bytes(bytes: &[u8]) -> Option<Sketch> {
        match bytes.split_first()? {
            (&TAG_EXACT, rest) if rest.len() % 8 == 0 && rest.len() / 8 <= EXACT => Some(Sketch::Exact(
                rest.chunks_exact(8).filter_map(|chunk| chunk.try_into().ok().map(u64::from_le_bytes)).collect(),
            )),
            (&TAG_REGISTERS, rest) => Some(Sketch::Registers(Box::new(rest.try_into().ok()?))),
            _ => None,
        }
    }
}

/// Records `hash` in `registers`: its low bits pick the register, the rest
/// its run of leading zeros.
fn record(registers: &mut [u8; REGISTERS], hash: u64) {
    let index = (hash & (REGISTERS as u64 - 1)) as usize;
    let rest = hash >> PRECISION;
    let run = (rest.leading_zeros() - PRECISION + 1).min(64 - PRECISION + 1) as u8;
    if let Some(register) = registers.get_mut(index) {
        *register = (*register).max(run);
    }
}

/// A 64-bit hash fixed by definition: FNV-1a, then the SplitMix64
/// finaliser so that every bit depends on every byte.
fn hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &byte in bytes {
        h ^= u64::from(byte);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(values: impl IntoIterator<Item = String>) -> Sketch {
        let mut sketch = Sketch::default();
        values.into_iter().for_each(|value| sketch.insert(&value));
        sketch
    }

    #[test]
    fn a_small_set_is_counted_exactly_and_duplicates_once() {
        let sketch = of((0..300).map(|i| format!("user-{}", i % 200)));
        assert!(matches!(sketch, Sketch::Exact(_)));
        assert_eq!(sketch.count(), 200);
    }

    #[test]
    fn a_large_set_is_estimated_within_five_percent_and_merges_as_a_union() {
        let a = of((0..60_000).map(|i| format!("user-{i}")));
        let b = of((40_000..100_000).map(|i| format!("user-{i}")));
        assert!(matches!(a, Sketch::Registers(_)));
        let within = |sketch: &Sketch, n: f64| (sketch.count() as f64 - n).abs() / n < 0.05;
        assert!(within(&a, 60_000.0), "{}", a.count());
        let mut union = a.clone();
        union.merge(&b);
        assert!(within(&union, 100_000.0), "{}", union.count());
        let mut small = of((0..10).map(|i| format!("user-{i}")));
        small.merge(&b);
        assert!(within(&small, 60_010.0), "an exact set merges into registers: {}", small.count());
    }

    #[test]
    fn the_stored_form_reads_back_and_garbage_is_refused() {
        for sketch in [of((0..3).map(|i| format!("u{i}"))), of((0..5_000).map(|i| format!("u{i}")))] {
            assert_eq!(Sketch::from_bytes(&sketch.to_bytes()), Some(sketch));
        }
        assert_eq!(Sketch::from_bytes(&[]), None);
        assert_eq!(Sketch::from_bytes(&[TAG_EXACT, 1, 2]), None);
        assert_eq!(Sketch::from_bytes(&[TAG_REGISTERS, 1, 2]), None);
        assert_eq!(Sketch::from_bytes(&[7]), None);
    }

    #[test]
    fn the_hash_never_changes() {
        // Stored sketches depend on it: these values are fixed forever
        // (computed independently of this code).
        assert_eq!(hash(b"alice"), 0xc5d1_556d_6677_4a5c);
        assert_eq!(hash("山田".as_bytes()), 0x9f5f_7847_cfc5_e594);
    }
}
