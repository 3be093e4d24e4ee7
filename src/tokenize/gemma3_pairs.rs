//! Gemma 3's pair table: for every two pieces whose concatenation is a piece, that piece's id
//! and score rank, keyed by the two ids. The merge loop then finds a candidate merge with one
//! integer look-up instead of hashing and comparing the pair's text.
//!
//! Owns: piece ids, the table (built once from the model, about 515,000 pairs, ~10 MB), and
//! its look-ups. Exact by construction: every character of every piece is a piece (asserted
//! over the vocabulary in a test), so a symbol that has no id (a character outside the
//! vocabulary) can never be part of a merge; a merged symbol is a piece, so it has an id.
//! Never: runs the merge loop (`gemma3_merge.rs`) or segments text.

use std::collections::HashMap;

use rustc_hash::FxBuildHasher;

use super::gemma3::{score_rank, Model};
use super::gemma3_merge::{Pairs, Sym, NONE};

pub(crate) struct PairTable {
    /// The id of each ASCII character that is a piece ([`NONE`] otherwise).
    ascii: [u32; 128],
    /// The id of each other character that is a piece.
    chars: HashMap<&'static str, u32, FxBuildHasher>,
    /// (left id, right id) → (score rank + 1, id of the concatenation).
    pairs: HashMap<u64, (u32, u32), FxBuildHasher>,
}

#[inline]
fn pair_key(l: u32, r: u32) -> u64 {
    (u64::from(l) << 32) | u64::from(r)
}

impl PairTable {
    pub(crate) fn build(m: &Model) -> PairTable {
        let mut ids: HashMap<&'static str, u32, FxBuildHasher> =
            HashMap::with_capacity_and_hasher(m.piece_count(), FxBuildHasher);
        for (i, (p, _)) in m.pieces().enumerate() {
            ids.insert(p, i as u32);
        }
        let mut ascii = [NONE; 128];
        for (b, slot) in ascii.iter_mut().enumerate() {
            let c = [b as u8];
            let s = std::str::from_utf8(&c).expect("ASCII");
            *slot = ids.get(s).copied().unwrap_or(NONE);
        }
        let mut pairs = HashMap::with_capacity_and_hasher(520_000, FxBuildHasher);
        for (p, score) in m.pieces() {
            let id = ids[p];
            for (i, _) in p.char_indices().skip(1) {
                if let (Some(&l), Some(&r)) = (ids.get(&p[..i]), ids.get(&p[i..])) {
                    pairs.insert(pair_key(l, r), (score_rank(score) + 1, id));
                }
            }
        }
        // Only one-character pieces are looked up by text later (a segment's first symbols).
        let chars = ids
            .into_iter()
            .filter(|(p, _)| p.chars().nth(1).is_none() && !p.is_ascii())
            .collect();
        PairTable {
            ascii,
            chars,
            pairs,
        }
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.pairs.len()
    }

    /// Approximate heap size: hashbrown keeps one control byte and one slot per bucket.
    pub(crate) fn size_bytes(&self) -> usize {
        self.pairs.capacity() * (1 + std::mem::size_of::<(u64, (u32, u32))>())
            + self.chars.capacity() * (1 + std::mem::size_of::<(&str, u32)>())
    }
}

impl Pairs for PairTable {
    #[inline]
    fn char_id(&self, s: &str, start: usize, len: usize) -> u32 {
        let b = s.as_bytes()[start];
        if b.is_ascii() {
            self.ascii[b as usize]
        } else {
            self.chars
                .get(&s[start..start + len])
                .copied()
                .unwrap_or(NONE)
        }
    }

    #[inline]
    fn pair(&self, _: &str, a: &Sym, b: &Sym) -> Option<(u32, u32)> {
        if a.id == NONE || b.id == NONE {
            return None;
        }
        self.pairs.get(&pair_key(a.id, b.id)).copied()
    }
}
