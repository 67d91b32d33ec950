//! Texts as small numbers: each dimension's values (services, regions, resources…) stored once and
//! named by a `u32`.
//!
//! Why: a report repeats the same few texts on millions of rows. Looking a cell's bytes up without
//! copying them (`HashMap<Box<[u8]>, u32>` answers `get(&[u8])`) and remembering the previous row's
//! value (consecutive rows mostly share service, region and currency) keeps the reader from
//! allocating anything per row. The hash is the Fx hash (as in rustc): these keys are a person's own
//! billing data, not input from an adversary, and SipHash would cost more than the parse.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// The Fx hash: a rotate, a xor and a multiply per word.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word) ^ ((rest.len() as u64) << 59));
        }
    }

    #[inline]
    fn write_u32(&mut self, value: u32) {
        self.add(u64::from(value));
    }

    #[inline]
    fn write_u64(&mut self, value: u64) {
        self.add(value);
    }

    #[inline]
    fn write_usize(&mut self, value: usize) {
        self.add(value as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

/// A `HashMap` with the Fx hash.
pub(crate) type FxHashMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// One dimension's texts, each with its id (its index).
#[derive(Default)]
pub(crate) struct Interner {
    ids: FxHashMap<Box<[u8]>, u32>,
    /// The previous lookup, to skip hashing when a row repeats the row before.
    last: Vec<u8>,
    last_id: Option<u32>,
}

impl Interner {
    /// The id of `text`, added when new.
    #[inline]
    pub(crate) fn id(&mut self, text: &[u8]) -> u32 {
        if let Some(id) = self.last_id {
            if self.last.as_slice() == text {
                return id;
            }
        }
        let id = match self.ids.get(text) {
            Some(&id) => id,
            None => self.insert(text),
        };
        self.last.clear();
        self.last.extend_from_slice(text);
        self.last_id = Some(id);
        id
    }

    #[cold]
    fn insert(&mut self, text: &[u8]) -> u32 {
        // More than 4 billion distinct texts cannot come from files that fit a disk.
        let id = u32::try_from(self.ids.len()).unwrap_or(u32::MAX);
        self.ids.insert(text.into(), id);
        id
    }

    /// The texts, by id, as UTF-8 (invalid bytes replaced). Each text is held once, as the map's
    /// key: a cube of resources distinct on every row holds nothing twice.
    pub(crate) fn into_labels(self) -> Vec<String> {
        let mut labels = vec![String::new(); self.ids.len()];
        for (text, id) in self.ids {
            let label = match String::from_utf8(text.into_vec()) {
                Ok(text) => text,
                Err(error) => String::from_utf8_lossy(error.as_bytes()).into_owned(),
            };
            if let Some(slot) = labels.get_mut(id as usize) {
                *slot = label;
            }
        }
        labels
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_text_same_id() {
        let mut interner = Interner::default();
        let a = interner.id(b"Elastic Cloud Server");
        let b = interner.id(b"Object Storage Service");
        assert_eq!(interner.id(b"Elastic Cloud Server"), a);
        assert_eq!(interner.id(b"Object Storage Service"), b);
        assert_ne!(a, b);
        assert_eq!(
            interner.into_labels(),
            vec!["Elastic Cloud Server", "Object Storage Service"]
        );
    }
}
