//! A report's `Tags` cell as a set of `key=value` pairs, and the sets as small numbers.
//!
//! The cell's format is unconfirmed (the sandbox writes `env=dev,app=erp`). Read here:
//! - pairs are separated by `,`, `|` or `;` (the last only inside a quoted cell);
//! - within one of those pieces, whitespace separates pairs too when the piece holds more than one
//!   `=` (`env=prod app=web`); a piece with a single `=` keeps its spaces in the value
//!   (`owner=IT ops`), since cloud tag values may hold spaces;
//! - keys and values are trimmed; a token without `=` is a key with an empty value (a bare label
//!   such as `critical` is a tag that exists, so grouping by it and filtering on it still work);
//!   a token with an empty key (`=x`) is ignored;
//! - the set is sorted and duplicates dropped, so `b=2,a=1` and `a=1|b=2` are the same set.
//!
//! Why sets are interned: thousands of rows share a handful of tag cells. The reader maps a cell's
//! raw bytes to its set's id in one lookup and parses a cell's text only the first time it is seen.

use super::intern::{FxHashMap, Interner};

/// The `(key, value)` pairs of a `Tags` cell, sorted, without duplicates.
pub fn parse_tags(text: &[u8]) -> Vec<(&[u8], &[u8])> {
    let mut pairs = Vec::new();
    for piece in text.split(|b| matches!(b, b',' | b'|' | b';')) {
        let piece = piece.trim_ascii();
        if piece.iter().filter(|&&b| b == b'=').count() > 1 {
            for token in piece.split(u8::is_ascii_whitespace) {
                push_pair(&mut pairs, token);
            }
        } else {
            push_pair(&mut pairs, piece);
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

fn push_pair<'a>(pairs: &mut Vec<(&'a [u8], &'a [u8])>, token: &'a [u8]) {
    let token = token.trim_ascii();
    let (key, value) = match token.iter().position(|&b| b == b'=') {
        Some(at) => (token[..at].trim_ascii(), token[at + 1..].trim_ascii()),
        None => (token, &b""[..]),
    };
    if !key.is_empty() {
        pairs.push((key, value));
    }
}

/// The distinct tag sets of a cube, with the keys and values they use.
#[derive(Default)]
pub(crate) struct TagSets {
    /// A raw cell's bytes → its set.
    raw: FxHashMap<Box<[u8]>, u32>,
    last_raw: Vec<u8>,
    last_id: Option<u32>,
    /// A set (sorted `(key id, value id)` pairs) → its id.
    ids: FxHashMap<Box<[(u32, u32)]>, u32>,
    /// The sets, by id.
    pub(crate) sets: Vec<Box<[(u32, u32)]>>,
    /// The tag keys.
    pub(crate) keys: Interner,
    /// The tag values.
    pub(crate) values: Interner,
}

impl TagSets {
    /// The id of the set a raw `Tags` cell holds.
    #[inline]
    pub(crate) fn id_of_cell(&mut self, raw: &[u8]) -> u32 {
        if let Some(id) = self.last_id {
            if self.last_raw.as_slice() == raw {
                return id;
            }
        }
        let id = match self.raw.get(raw) {
            Some(&id) => id,
            None => self.parse_new_cell(raw),
        };
        self.last_raw.clear();
        self.last_raw.extend_from_slice(raw);
        self.last_id = Some(id);
        id
    }

    #[cold]
    fn parse_new_cell(&mut self, raw: &[u8]) -> u32 {
        let pairs: Vec<(u32, u32)> = parse_tags(raw)
            .into_iter()
            .map(|(key, value)| (self.keys.id(key), self.values.id(value)))
            .collect();
        let id = self.id_of_pairs(pairs);
        self.raw.insert(raw.into(), id);
        id
    }

    /// The id of a set of `(key id, value id)` pairs (sorted and deduplicated here).
    pub(crate) fn id_of_pairs(&mut self, mut pairs: Vec<(u32, u32)>) -> u32 {
        pairs.sort_unstable();
        pairs.dedup();
        if let Some(&id) = self.ids.get(pairs.as_slice()) {
            return id;
        }
        let id = u32::try_from(self.sets.len()).unwrap_or(u32::MAX);
        let pairs: Box<[(u32, u32)]> = pairs.into();
        self.sets.push(pairs.clone());
        self.ids.insert(pairs, id);
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Vec<(String, String)> {
        parse_tags(text.as_bytes())
            .into_iter()
            .map(|(k, v)| {
                (
                    String::from_utf8_lossy(k).into_owned(),
                    String::from_utf8_lossy(v).into_owned(),
                )
            })
            .collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn separators_and_bare_tokens() {
        let expected = pairs(&[("app", "erp"), ("env", "dev")]);
        assert_eq!(read("env=dev,app=erp"), expected);
        assert_eq!(read("app=erp|env=dev"), expected);
        assert_eq!(read(" env=dev  app=erp "), expected);
        assert_eq!(read("env = dev ; app=erp"), expected);
        assert_eq!(read("owner=IT ops"), pairs(&[("owner", "IT ops")]));
        assert_eq!(
            read("critical,env=prod"),
            pairs(&[("critical", ""), ("env", "prod")])
        );
        assert_eq!(read("=x,,|"), pairs(&[]));
        assert_eq!(read(""), pairs(&[]));
        assert_eq!(read("a=1,a=1"), pairs(&[("a", "1")]));
    }

    #[test]
    fn same_set_same_id_whatever_the_writing() {
        let mut sets = TagSets::default();
        let a = sets.id_of_cell(b"env=dev,app=erp");
        let b = sets.id_of_cell(b"app=erp|env=dev");
        let c = sets.id_of_cell(b"app=web");
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(sets.sets.len(), 2);
    }
}
