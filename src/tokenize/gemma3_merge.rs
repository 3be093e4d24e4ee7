//! Gemma 3's BPE merge loop, fast: SentencePiece's rule (repeatedly merge the adjacent pair
//! whose concatenation is the highest-scoring piece, leftmost first; never a frozen symbol),
//! with the bookkeeping chosen by segment length.
//!
//! Owns: the merge loop and its per-thread scratch buffers, generic over how a candidate
//! pair is looked up ([`Pairs`]: by the pair's text, ready at once, or by the two symbols'
//! piece ids in `gemma3_pairs.rs`'s table, once it is built). Short segments (words) scan the
//! live pairs for the best one (no heap, no allocation); long ones (text without whitespace)
//! use a two-level heap: one small heap per block of symbols plus a tournament tree over the
//! blocks' best keys, so that every operation stays in cache. Both pick exactly the pair
//! SentencePiece's single heap picks (equal against [`super::gemma3::Model::count_reference`]
//! on every vocabulary piece and on long texts, in `gemma3.rs`'s tests; equal to
//! `sentencepiece` in the oracle tests).
//! Never: splits text into segments, normalizes or caches (`gemma3.rs` does).

use std::cell::RefCell;
use std::collections::BinaryHeap;

use super::gemma3::{score_rank, Model};

pub(super) const NONE: u32 = u32::MAX;

#[derive(Clone, Copy)]
pub(super) struct Sym {
    start: u32,
    len: u32,
    prev: u32,
    next: u32,
    /// Its piece id for [`Pairs`] ([`NONE`]: frozen, or a character that is not a piece).
    pub(super) id: u32,
    frozen: bool,
}

/// How the merge loop finds what merging two adjacent symbols gives.
pub(super) trait Pairs {
    /// The id a one-character symbol starts with ([`NONE`] if it is not a piece).
    fn char_id(&self, s: &str, start: usize, len: usize) -> u32;
    /// (score rank + 1, id of the concatenation) if the concatenation of `a` and `b` (in
    /// that order, adjacent in `s`) is a piece.
    fn pair(&self, s: &str, a: &Sym, b: &Sym) -> Option<(u32, u32)>;
}

/// Pairs looked up by their text in the model's piece table (ids: 0 for a piece).
pub(super) struct ByText<'m>(pub &'m Model);

impl Pairs for ByText<'_> {
    #[inline]
    fn char_id(&self, s: &str, start: usize, len: usize) -> u32 {
        if self.0.score(&s[start..start + len]).is_some() {
            0
        } else {
            NONE
        }
    }

    #[inline]
    fn pair(&self, s: &str, a: &Sym, b: &Sym) -> Option<(u32, u32)> {
        self.0
            .score(&s[a.start as usize..(a.start + a.len + b.len) as usize])
            .map(|score| (score_rank(score) + 1, 0))
    }
}

/// Up to this many symbols the best pair is found by a scan.
const SCAN_MAX: usize = 48;
/// From this many symbols on, the two-level heap (below: one heap).
const BLOCKED_FROM: usize = 8192;
/// Symbols per block of the two-level heap.
const BLOCK: usize = 256;

#[derive(Default)]
struct Scratch {
    syms: Vec<Sym>,
    /// Scan: `rank[k]` is 1 + the score rank of the pair (k, next of k), 0 if none, and
    /// the id of the piece merging it makes.
    rank: Vec<(u32, u32)>,
    heap: BinaryHeap<Entry>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// A candidate merge as one integer: score rank (+ 1) in the high half (higher score first),
/// then `!left` (leftmost first): SentencePiece's `SymbolPairComparator`. Never 0.
#[inline]
fn key(rank1: u32, left: u32) -> u64 {
    (u64::from(rank1) << 32) | u64::from(!left)
}

/// A heap entry: the key, the pair's size in bytes when pushed (to tell a stale entry), the
/// id of the piece it makes.
type Entry = (u64, u32, u32);

/// Token count of a normalized segment (spaces already turned into '▁'): pairs looked up in
/// the pair table once it is built (see `gemma3.rs`), by their text until then.
pub(super) fn count(m: &Model, s: &str) -> usize {
    match super::gemma3::pair_table() {
        Some(t) => count_by(m, t, s),
        None => count_by(m, &ByText(m), s),
    }
}

/// [`count`] with the pairs looked up by `pairs`.
pub(super) fn count_by(m: &Model, pairs: &impl Pairs, s: &str) -> usize {
    SCRATCH.with(|c| match c.try_borrow_mut() {
        Ok(mut scratch) => count_with(m, pairs, s, &mut scratch),
        // Re-entered on this thread (cannot happen today): fresh buffers, same result.
        Err(_) => count_with(m, pairs, s, &mut Scratch::default()),
    })
}

fn count_with(m: &Model, p: &impl Pairs, s: &str, sc: &mut Scratch) -> usize {
    let syms = &mut sc.syms;
    syms.clear();
    let mut i = 0;
    while i < s.len() {
        let (len, frozen) = m.symbol_at(s, i);
        let n = syms.len() as u32;
        syms.push(Sym {
            start: i as u32,
            len: len as u32,
            prev: n.wrapping_sub(1),
            next: n + 1,
            id: if frozen { NONE } else { p.char_id(s, i, len) },
            frozen,
        });
        i += len;
    }
    let Some(last) = syms.last_mut() else {
        return 0;
    };
    last.next = NONE;
    syms[0].prev = NONE;
    let n = syms.len();
    if n <= SCAN_MAX {
        merge_scan(p, s, syms, &mut sc.rank);
    } else if n < BLOCKED_FROM {
        merge_heap(p, s, syms, &mut sc.heap);
    } else {
        merge_blocked(p, s, syms);
    }
    // One token per piece (a merged symbol is one); byte fallback for characters not in
    // the vocabulary.
    syms.iter()
        .filter(|y| y.len > 0)
        .map(|y| {
            if y.frozen || y.id != NONE {
                1
            } else {
                y.len as usize
            }
        })
        .sum()
}

/// (score rank + 1, id) of merging symbol `l` with its right neighbour, if that makes a piece.
#[inline]
fn pair_score(p: &impl Pairs, s: &str, syms: &[Sym], l: u32) -> Option<(u32, u32)> {
    if l == NONE {
        return None;
    }
    let a = syms[l as usize];
    if a.next == NONE {
        return None;
    }
    let b = syms[a.next as usize];
    if a.frozen || b.frozen {
        return None;
    }
    p.pair(s, &a, &b)
}

/// Merges symbol `l` with its right neighbour into the piece `id`; returns that neighbour's
/// old `next`.
#[inline]
fn merge_at(syms: &mut [Sym], l: usize, id: u32) -> u32 {
    let r = syms[l].next as usize;
    syms[l].id = id;
    syms[l].len += syms[r].len;
    syms[r].len = 0;
    let next = syms[r].next;
    syms[l].next = next;
    if next != NONE {
        syms[next as usize].prev = l as u32;
    }
    next
}

fn merge_scan(p: &impl Pairs, s: &str, syms: &mut [Sym], rank: &mut Vec<(u32, u32)>) {
    rank.clear();
    rank.extend((0..syms.len() as u32).map(|k| pair_score(p, s, syms, k).unwrap_or((0, NONE))));
    loop {
        // The live pair with the highest score; the first (leftmost) of equals.
        let (mut best, mut at) = (0, NONE);
        let mut k = 0u32;
        while k != NONE {
            let r = rank[k as usize].0;
            if r > best {
                best = r;
                at = k;
            }
            k = syms[k as usize].next;
        }
        if at == NONE {
            return;
        }
        merge_at(syms, at as usize, rank[at as usize].1);
        rank[at as usize] = pair_score(p, s, syms, at).unwrap_or((0, NONE));
        let before = syms[at as usize].prev;
        if before != NONE {
            rank[before as usize] = pair_score(p, s, syms, before).unwrap_or((0, NONE));
        }
    }
}

/// An entry is stale when either side has merged since it was pushed (SentencePiece's size
/// check: lengths only grow, so equal sizes mean the same two symbols).
#[inline]
fn live(syms: &[Sym], l: usize, size: u32) -> bool {
    let r = syms[l].next;
    syms[l].len != 0 && r != NONE && syms[l].len + syms[r as usize].len == size
}

#[inline]
fn size_of(syms: &[Sym], l: u32) -> u32 {
    syms[l as usize].len + syms[syms[l as usize].next as usize].len
}

fn merge_heap(p: &impl Pairs, s: &str, syms: &mut [Sym], heap: &mut BinaryHeap<Entry>) {
    let mut v = std::mem::take(heap).into_vec();
    v.clear();
    for k in 0..syms.len() as u32 {
        if let Some((r, id)) = pair_score(p, s, syms, k) {
            v.push((key(r, k), size_of(syms, k), id));
        }
    }
    let mut h = BinaryHeap::from(v);
    while let Some((k, size, id)) = h.pop() {
        let l = !(k as u32) as usize;
        if !live(syms, l, size) {
            continue;
        }
        merge_at(syms, l, id);
        for x in [syms[l].prev, l as u32] {
            if let Some((r, id)) = pair_score(p, s, syms, x) {
                h.push((key(r, x), size_of(syms, x), id));
            }
        }
    }
    *heap = h;
}

/// The two-level heap: `heaps[b]` holds the entries whose left symbol is in block `b`;
/// `tree` is a tournament tree whose leaves are the blocks' best keys (0 for none).
fn merge_blocked(p: &impl Pairs, s: &str, syms: &mut [Sym]) {
    let blocks = syms.len().div_ceil(BLOCK);
    let width = blocks.next_power_of_two();
    let mut heaps: Vec<BinaryHeap<Entry>> = Vec::with_capacity(blocks);
    let mut tree = vec![0u64; 2 * width];
    for b in 0..blocks {
        let mut v = Vec::with_capacity(BLOCK);
        for k in (b * BLOCK) as u32..((b + 1) * BLOCK).min(syms.len()) as u32 {
            if let Some((r, id)) = pair_score(p, s, syms, k) {
                v.push((key(r, k), size_of(syms, k), id));
            }
        }
        let h = BinaryHeap::from(v);
        tree[width + b] = h.peek().map_or(0, |e| e.0);
        heaps.push(h);
    }
    for i in (1..width).rev() {
        tree[i] = tree[2 * i].max(tree[2 * i + 1]);
    }
    let set = |tree: &mut [u64], b: usize, v: u64| {
        let mut i = width + b;
        tree[i] = v;
        while i > 1 {
            i /= 2;
            let best = tree[2 * i].max(tree[2 * i + 1]);
            if tree[i] == best {
                break;
            }
            tree[i] = best;
        }
    };
    while tree[1] != 0 {
        // Keys are unique (they hold the left index), so the best key names its block.
        let b = !(tree[1] as u32) as usize / BLOCK;
        let (k, size, id) = heaps[b].pop().expect("a block's best key is in its heap");
        set(&mut tree, b, heaps[b].peek().map_or(0, |e| e.0));
        let l = !(k as u32) as usize;
        if !live(syms, l, size) {
            continue;
        }
        merge_at(syms, l, id);
        for x in [syms[l].prev, l as u32] {
            if let Some((r, id)) = pair_score(p, s, syms, x) {
                let e = (key(r, x), size_of(syms, x), id);
                let xb = x as usize / BLOCK;
                heaps[xb].push(e);
                if e.0 > tree[width + xb] {
                    set(&mut tree, xb, e.0);
                }
            }
        }
    }
}
