//! Gemma 3 SentencePiece counting (Gemini 2.0, 2.5 and 3.x), exact and offline.
//!
//! Owns: the embedded model `gemma3_cleaned_262144_v2.spiece.model` (Apache-2.0; the file
//! Google's `google-genai` SDK loads for its local tokenizer; zlib-compressed in `data/`),
//! a reader for the parts of its protobuf we need, and SentencePiece's BPE `Encode`
//! re-implemented step for step, so that counts equal Google's `sentencepiece` (checked
//! token count for token count against the Python package in `tests/oracle_counts.rs`).
//! Never: decodes ids (we only count), or handles model types the embedded file doesn't use
//! (unigram, `UNUSED` pieces, a normalization charsmap): `tests` assert the file's spec.
//!
//! Why by hand: the algorithm is ~150 lines; a C++ sentencepiece build would add a C++
//! toolchain to every build; a protobuf crate would add a code generator for three fields.
//!
//! The algorithm (`bpe_model.cc`, `model_interface.cc`, `normalizer.cc` in sentencepiece):
//! 1. normalize: the model's normalizer is `identity`, without a dummy prefix and without
//!    removing whitespace; only ' ' becomes '▁' (U+2581);
//! 2. split into symbols: at each position the longest user-defined piece (runs of `\n`,
//!    `\t`, `▁`, HTML tags, `<unusedN>`…) is one frozen symbol, else one character;
//! 3. repeatedly merge the adjacent pair whose concatenation is a piece with the highest
//!    score, leftmost first (never a frozen symbol);
//! 4. each final symbol is one token if it is a piece, else one token per UTF-8 byte
//!    (byte fallback).
//!
//! Speed: no piece contains a character pair that [`is_cut`] accepts (asserted over the
//! whole vocabulary in a test), so no symbol and no merge crosses such a boundary and text
//! can be counted segment by segment; segments (mostly words) are cached per thread, and a
//! counting thread that ends hands its cache to the others. Candidate merges are looked up
//! in `gemma3_pairs.rs`'s table of piece ids once it is built.

use std::cell::RefCell;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use rustc_hash::FxBuildHasher;

use super::gemma3_pairs::PairTable;

/// The model file, zlib-compressed (4.7 MB → 2.2 MB); see `data/README.md`.
static MODEL_ZLIB: &[u8] = include_bytes!("../../data/gemma3_cleaned_262144_v2.spiece.model.zlib");

const SPACE: char = '\u{2581}';

/// Piece types in `sentencepiece_model.proto`.
const NORMAL: u64 = 1;
const USER_DEFINED: u64 = 4;
const UNUSED: u64 = 5;

/// The parts of the model that encoding uses.
pub struct Model {
    /// Every piece a merge may produce (`NORMAL`, `USER_DEFINED`, `UNUSED`) → its score.
    /// Scores are stored with `-0.0` turned into `0.0`: sentencepiece compares them with
    /// `<` and `==`, under which the two are equal.
    pieces: HashMap<&'static str, f32, FxBuildHasher>,
    /// User-defined pieces, matched greedily (longest first) before merging.
    user_defined: HashSet<&'static str, FxBuildHasher>,
    /// Every non-empty prefix of a user-defined piece (to stop the longest-match walk early).
    ud_prefixes: HashSet<&'static str, FxBuildHasher>,
    /// The ASCII bytes a user-defined piece starts with: at any other ASCII byte the symbol
    /// is that one character, without a lookup.
    ud_first_ascii: [bool; 128],
    /// How many pieces of each type the file holds (indexed by type number).
    pub type_counts: [usize; 7],
    /// `normalizer_spec`: name, add_dummy_prefix, remove_extra_whitespaces,
    /// escape_whitespaces, precompiled charsmap length.
    pub normalizer: (String, bool, bool, bool, usize),
    /// `trainer_spec`: model_type (2 = BPE) and byte_fallback.
    pub trainer: (u64, bool),
    /// Every piece's text and type, in id order.
    pub all_pieces: Vec<(&'static str, u8)>,
}

/// The decompressed model file (for tests: compared byte for byte with the oracle's copy).
pub fn model_bytes() -> Vec<u8> {
    miniz_oxide::inflate::decompress_to_vec_zlib(MODEL_ZLIB)
        .expect("embedded Gemma 3 model is valid zlib")
}

/// The model, parsed on first use (about 60 ms), once per process. The inflated file is
/// kept for the life of the process and every piece is a slice of it (no allocation per
/// piece).
pub fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| {
        Model::parse(Box::leak(model_bytes().into_boxed_slice()))
            .expect("embedded Gemma 3 model parses")
    })
}

static PAIRS: OnceLock<PairTable> = OnceLock::new();
static PAIRS_STARTED: AtomicBool = AtomicBool::new(false);

/// The pair table, if it is built; the first call starts building it on a background thread
/// (about 0.1 s), so a small count never waits for it.
pub(super) fn pair_table() -> Option<&'static PairTable> {
    if let Some(t) = PAIRS.get() {
        return Some(t);
    }
    // A load first: every segment counted while the table is built passes here.
    if !PAIRS_STARTED.load(Ordering::Relaxed) && !PAIRS_STARTED.swap(true, Ordering::AcqRel) {
        let spawned = std::thread::Builder::new()
            .name("promptcost-gemma3-pairs".into())
            .spawn(|| {
                build_pair_table();
            });
        if spawned.is_err() {
            PAIRS_STARTED.store(false, Ordering::Release);
        }
    }
    None
}

/// The pair table, built now if it is not yet (warm-up, tests).
pub(crate) fn build_pair_table() -> &'static PairTable {
    PAIRS.get_or_init(|| PairTable::build(model()))
}

/// Builds a pair table afresh and drops it: its size and build time (for the benchmarks).
#[doc(hidden)]
pub fn measure_pair_table() -> (usize, std::time::Duration) {
    let m = model();
    let t = std::time::Instant::now();
    let table = PairTable::build(m);
    (table.size_bytes(), t.elapsed())
}

/// A SentencePiece model file that cannot be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    #[error("malformed protobuf")]
    Malformed,
    #[error("unsupported protobuf wire type {0}")]
    WireType(u64),
    #[error("piece is not UTF-8")]
    PieceNotUtf8,
    #[error("model has no pieces")]
    NoPieces,
}

/// A minimal protobuf reader: varints and length-delimited fields, enough for
/// `ModelProto.pieces`, `.trainer_spec` and `.normalizer_spec`.
struct Proto<'a> {
    buf: &'a [u8],
}

enum Value<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    Fixed32(u32),
    Fixed64,
}

impl<'a> Proto<'a> {
    fn varint(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let (&b, rest) = self.buf.split_first()?;
            self.buf = rest;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.buf.len() {
            return None;
        }
        let (a, b) = self.buf.split_at(n);
        self.buf = b;
        Some(a)
    }

    /// The next field, or `None` at the end; `Err` on malformed input.
    fn field(&mut self) -> Result<Option<(u64, Value<'a>)>, ModelError> {
        if self.buf.is_empty() {
            return Ok(None);
        }
        let bad = ModelError::Malformed;
        let key = self.varint().ok_or(bad)?;
        let value = match key & 7 {
            0 => Value::Varint(self.varint().ok_or(bad)?),
            1 => {
                self.take(8).ok_or(bad)?;
                Value::Fixed64
            }
            2 => {
                let n = self.varint().ok_or(bad)? as usize;
                Value::Bytes(self.take(n).ok_or(bad)?)
            }
            5 => Value::Fixed32(u32::from_le_bytes(
                self.take(4).ok_or(bad)?.try_into().map_err(|_| bad)?,
            )),
            w => return Err(ModelError::WireType(w)),
        };
        Ok(Some((key >> 3, value)))
    }
}

impl Model {
    pub fn parse(bytes: &'static [u8]) -> Result<Model, ModelError> {
        let mut m = Model {
            pieces: HashMap::with_capacity_and_hasher(270_000, FxBuildHasher),
            user_defined: HashSet::default(),
            ud_prefixes: HashSet::default(),
            ud_first_ascii: [false; 128],
            type_counts: [0; 7],
            normalizer: (String::new(), true, true, true, 0),
            trainer: (1, false),
            all_pieces: Vec::with_capacity(270_000),
        };
        let mut top = Proto { buf: bytes };
        while let Some((field, value)) = top.field()? {
            let Value::Bytes(body) = value else { continue };
            let mut p = Proto { buf: body };
            match field {
                1 => {
                    let (mut piece, mut score, mut ty) = ("", 0.0f32, NORMAL);
                    while let Some((f, v)) = p.field()? {
                        match (f, v) {
                            (1, Value::Bytes(b)) => {
                                piece =
                                    std::str::from_utf8(b).map_err(|_| ModelError::PieceNotUtf8)?
                            }
                            (2, Value::Fixed32(bits)) => score = f32::from_bits(bits),
                            (3, Value::Varint(t)) => ty = t,
                            _ => {}
                        }
                    }
                    m.type_counts[(ty as usize).min(6)] += 1;
                    m.all_pieces.push((piece, ty.min(255) as u8));
                    if matches!(ty, NORMAL | USER_DEFINED | UNUSED) {
                        // `+ 0.0` turns -0.0 into 0.0 (see the field's doc).
                        m.pieces.entry(piece).or_insert(score + 0.0);
                    }
                    if ty == USER_DEFINED {
                        if let Some(&b) = piece.as_bytes().first().filter(|b| b.is_ascii()) {
                            m.ud_first_ascii[b as usize] = true;
                        }
                        m.user_defined.insert(piece);
                        for (i, _) in piece.char_indices().skip(1) {
                            m.ud_prefixes.insert(&piece[..i]);
                        }
                        m.ud_prefixes.insert(piece);
                    }
                }
                2 => {
                    while let Some((f, v)) = p.field()? {
                        match (f, v) {
                            (3, Value::Varint(t)) => m.trainer.0 = t,
                            (35, Value::Varint(b)) => m.trainer.1 = b != 0,
                            _ => {}
                        }
                    }
                }
                3 => {
                    while let Some((f, v)) = p.field()? {
                        match (f, v) {
                            (1, Value::Bytes(b)) => {
                                m.normalizer.0 = String::from_utf8_lossy(b).into_owned()
                            }
                            (2, Value::Bytes(b)) => m.normalizer.4 = b.len(),
                            (3, Value::Varint(b)) => m.normalizer.1 = b != 0,
                            (4, Value::Varint(b)) => m.normalizer.2 = b != 0,
                            (5, Value::Varint(b)) => m.normalizer.3 = b != 0,
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        if m.pieces.is_empty() {
            return Err(ModelError::NoPieces);
        }
        Ok(m)
    }

    /// Length in bytes of the longest user-defined piece that `s` starts with, if any.
    fn user_defined_prefix(&self, s: &str) -> Option<usize> {
        let mut best = None;
        for (i, c) in s.char_indices() {
            let end = i + c.len_utf8();
            let prefix = &s[..end];
            if !self.ud_prefixes.contains(prefix) {
                break;
            }
            if self.user_defined.contains(prefix) {
                best = Some(end);
            }
        }
        best
    }

    /// The symbol that starts at byte `i` of a normalized segment: its length in bytes, and
    /// whether it is a user-defined piece (frozen: never merged).
    #[inline]
    pub(super) fn symbol_at(&self, s: &str, i: usize) -> (usize, bool) {
        let b = s.as_bytes()[i];
        if b.is_ascii() && !self.ud_first_ascii[b as usize] {
            return (1, false);
        }
        match self.user_defined_prefix(&s[i..]) {
            Some(n) => (n, true),
            None => (s[i..].chars().next().map_or(1, char::len_utf8), false),
        }
    }

    /// The score of `piece`, if it is a piece a merge may produce.
    #[inline]
    pub(super) fn score(&self, piece: &str) -> Option<f32> {
        self.pieces.get(piece).copied()
    }

    /// Every piece a merge may produce, with its score.
    pub(super) fn pieces(&self) -> impl Iterator<Item = (&'static str, f32)> + '_ {
        self.pieces.iter().map(|(&p, &s)| (p, s))
    }

    pub(super) fn piece_count(&self) -> usize {
        self.pieces.len()
    }

    /// Token count of a normalized segment (spaces already turned into '▁'), by the
    /// straightforward transcription of `bpe_model.cc` (one heap of candidate merges): the
    /// reference that the fast merge loop (`gemma3_merge.rs`) is tested and benchmarked
    /// against.
    #[doc(hidden)]
    pub(crate) fn count_reference(&self, s: &str) -> usize {
        #[derive(Clone, Copy)]
        struct Sym {
            start: u32,
            len: u32,
            prev: u32,
            next: u32,
            frozen: bool,
        }
        const NONE: u32 = u32::MAX;
        /// A candidate merge as one integer for the max-heap: score rank in the high half
        /// (higher score first), then `!left` (leftmost first): sentencepiece's
        /// `SymbolPairComparator`. One `u64` compare keeps the heap fast on long segments.
        #[inline]
        fn key(score: f32, left: u32) -> u64 {
            (u64::from(score_rank(score)) << 32) | u64::from(!left)
        }
        // 2. Symbols: user-defined pieces (frozen) or single characters.
        let mut syms: Vec<Sym> = Vec::with_capacity(s.len());
        let mut i = 0;
        while i < s.len() {
            let (len, frozen) = self.symbol_at(s, i);
            let n = syms.len() as u32;
            syms.push(Sym {
                start: i as u32,
                len: len as u32,
                prev: n.wrapping_sub(1),
                next: n + 1,
                frozen,
            });
            i += len;
        }
        if let Some(last) = syms.last_mut() {
            last.next = NONE;
        }
        if let Some(first) = syms.first_mut() {
            first.prev = NONE;
        }

        // 3. Merges.
        let mut heap = BinaryHeap::with_capacity(syms.len());
        let try_pair = |syms: &[Sym], heap: &mut BinaryHeap<(u64, u32)>, l: u32, r: u32| {
            if l == NONE || r == NONE {
                return;
            }
            let (a, b) = (syms[l as usize], syms[r as usize]);
            if a.frozen || b.frozen {
                return;
            }
            let size = a.len + b.len;
            let piece = &s[a.start as usize..(a.start + size) as usize];
            if let Some(&score) = self.pieces.get(piece) {
                heap.push((key(score, l), size));
            }
        };
        for k in 1..syms.len() as u32 {
            try_pair(&syms, &mut heap, k - 1, k);
        }
        while let Some((k, size)) = heap.pop() {
            let l = !(k as u32) as usize;
            // The right symbol is the left one's current neighbour; the entry is stale when
            // either side has merged since (sentencepiece's size check).
            let r = syms[l].next;
            if syms[l].len == 0 || r == NONE || syms[l].len + syms[r as usize].len != size {
                continue;
            }
            let r = r as usize;
            syms[l].len += syms[r].len;
            syms[r].len = 0;
            let next = syms[r].next;
            syms[l].next = next;
            if next != NONE {
                syms[next as usize].prev = l as u32;
            }
            try_pair(&syms, &mut heap, syms[l].prev, l as u32);
            try_pair(&syms, &mut heap, l as u32, next);
        }

        // 4. One token per piece; byte fallback for characters not in the vocabulary.
        syms.iter()
            .filter(|y| y.len > 0)
            .map(|y| {
                let piece = &s[y.start as usize..(y.start + y.len) as usize];
                if y.frozen || self.pieces.contains_key(piece) {
                    1
                } else {
                    piece.len()
                }
            })
            .sum()
    }
}

/// Scores as sortable integers: the model's scores are whole numbers from 0 (user-defined
/// pieces) down to -255,504 (the last merge); `tests` check every piece maps exactly.
#[inline]
pub(super) fn score_rank(score: f32) -> u32 {
    (score as i64 + (1 << 30)).clamp(0, u32::MAX as i64) as u32
}

/// Whether no piece of the model (and so no symbol or merge) can contain the character pair
/// `prev`,`next` (in the text as written: a space counts as '▁'): then the count of a text
/// is the sum of the counts of its two sides. Derived from the vocabulary and asserted over
/// all of it in a test: '▁' follows only '▁' and '>' inside a piece; `\n` and `\t` are
/// adjacent only to themselves; `\r` to nothing.
#[inline]
pub fn is_cut(prev: char, next: char) -> bool {
    let sp = |c: char| c == ' ' || c == SPACE;
    (sp(next) && !sp(prev) && prev != '>')
        || (matches!(prev, '\n' | '\t' | '\r') || matches!(next, '\n' | '\t' | '\r'))
            && !(prev == next && prev != '\r')
}

/// Segments longer than this are counted without the cache.
const CACHE_MAX_SEGMENT: usize = 64;
/// The per-thread cache is cleared when it grows past this many segments (a few MB).
const CACHE_MAX_ENTRIES: usize = 100_000;

type SegmentCache = HashMap<Box<str>, u32, FxBuildHasher>;

thread_local! {
    static CACHE: RefCell<SegmentCache> = RefCell::new(HashMap::default());
}

/// Segment caches that finished counting threads handed over ([`share_thread_cache`]),
/// newest last, looked up when a thread's own cache misses: the server's main loop edits a
/// file whose words a background count saw, and would otherwise merge them all again.
/// Handing a cache over moves it (O(1)); a thread that never counted in bulk only reads.
static SHARED: Mutex<Vec<Arc<SegmentCache>>> = Mutex::new(Vec::new());
/// Whether [`SHARED`] holds anything (until then no count takes its lock; after, one
/// snapshot per count).
static ANY_SHARED: AtomicBool = AtomicBool::new(false);
/// At most this many segments are kept in [`SHARED`] (the oldest caches are dropped).
const SHARED_MAX_ENTRIES: usize = 2 * CACHE_MAX_ENTRIES;
/// ...in at most this many caches (a miss looks at each).
const SHARED_MAX_CACHES: usize = 8;

fn shared() -> std::sync::MutexGuard<'static, Vec<Arc<SegmentCache>>> {
    SHARED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The shared caches as they are now (a few reference counts): taken once per count, so a
/// miss looks them up without a lock.
fn shared_snapshot() -> Vec<Arc<SegmentCache>> {
    if !ANY_SHARED.load(Ordering::Acquire) {
        return Vec::new();
    }
    shared().clone()
}

/// Hands this thread's segment cache to the others (a counting thread about to end: the
/// chunk engine's workers, a background count).
pub(crate) fn share_thread_cache() {
    let mine = CACHE.with(|c| std::mem::take(&mut *c.borrow_mut()));
    if mine.is_empty() {
        return;
    }
    let mut all = shared();
    all.push(Arc::new(mine));
    while all.len() > SHARED_MAX_CACHES
        || all.len() > 1 && all.iter().map(|c| c.len()).sum::<usize>() > SHARED_MAX_ENTRIES
    {
        all.remove(0);
    }
    ANY_SHARED.store(true, Ordering::Release);
}

/// Empties this thread's segment cache and the shared ones (benchmarks measure cold counts
/// with it).
#[doc(hidden)]
pub fn clear_cache() {
    CACHE.with(|c| c.borrow_mut().clear());
    ANY_SHARED.store(false, Ordering::Release);
    shared().clear();
}

/// Exact Gemma 3 token count of `text` (no BOS/EOS), equal to
/// `len(SentencePieceProcessor(model_file=...).encode(text))`.
pub fn count(text: &str) -> usize {
    count_by(text, super::gemma3_merge::count)
}

/// [`count`] with the reference merge loop ([`Model::count_reference`]): the benchmarks'
/// baseline and the tests' second opinion.
#[doc(hidden)]
pub fn count_by_reference(text: &str) -> usize {
    count_by(text, Model::count_reference)
}

fn count_by(text: &str, merge: fn(&Model, &str) -> usize) -> usize {
    let m = model();
    CACHE.with(|cache| {
        // Not re-entered: the merge loop never counts.
        let mut cache = cache.borrow_mut();
        let others = shared_snapshot();
        let mut normalized = String::new();
        let mut count_segment = |seg: &str| -> usize {
            let cacheable = seg.len() <= CACHE_MAX_SEGMENT;
            if cacheable {
                if let Some(&n) = cache.get(seg) {
                    return n as usize;
                }
                if cache.len() >= CACHE_MAX_ENTRIES {
                    cache.clear();
                }
                if let Some(n) = others.iter().rev().find_map(|c| c.get(seg).copied()) {
                    cache.insert(seg.into(), n);
                    return n as usize;
                }
            }
            normalized.clear();
            normalized.extend(seg.chars().map(|c| if c == ' ' { SPACE } else { c }));
            let n = merge(m, &normalized);
            if cacheable {
                cache.insert(seg.into(), n as u32);
            }
            n
        };
        // Cuts by byte class (`is_cut` looks only at ASCII characters and '▁').
        let b = text.as_bytes();
        let (mut total, mut seg_start) = (0, 0);
        let Some(&first) = b.first() else { return 0 };
        let mut prev = class_at(b, 0, first);
        for (i, &x) in b.iter().enumerate().skip(1) {
            if x & 0xC0 == 0x80 {
                continue; // inside a character
            }
            let next = class_at(b, i, x);
            if is_cut_class(prev, next) {
                total += count_segment(&text[seg_start..i]);
                seg_start = i;
            }
            prev = next;
        }
        total + count_segment(&text[seg_start..])
    })
}

/// The class of the character starting at `b[i]` (= `x`) for [`is_cut_class`]: ASCII as is,
/// '▁' as [`CLASS_SPACE`], anything else as [`CLASS_OTHER`].
#[inline]
fn class_at(b: &[u8], i: usize, x: u8) -> u8 {
    if x.is_ascii() {
        x
    } else if x == 0xE2 && b.get(i + 1) == Some(&0x96) && b.get(i + 2) == Some(&0x81) {
        CLASS_SPACE
    } else {
        CLASS_OTHER
    }
}

const CLASS_SPACE: u8 = 0x80;
const CLASS_OTHER: u8 = 0xFF;

/// [`is_cut`] on character classes.
#[inline]
fn is_cut_class(prev: u8, next: u8) -> bool {
    let sp = |c: u8| c == b' ' || c == CLASS_SPACE;
    let ws = |c: u8| matches!(c, b'\n' | b'\t' | b'\r');
    (sp(next) && !sp(prev) && prev != b'>')
        || (ws(prev) || ws(next)) && !(prev == next && prev != b'\r')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A thread finds the segments a finished counting thread handed over, without counting
    /// them: a value planted in a handed-over cache is what it reads.
    #[test]
    fn words_counted_on_another_thread_are_shared() {
        let word = "Zygomorphicquixotryflabbergast";
        std::thread::spawn(move || {
            CACHE.with(|c| c.borrow_mut().insert(word.into(), 12_345));
            share_thread_cache();
        })
        .join()
        .unwrap();
        let seen = std::thread::spawn(move || count(word)).join().unwrap();
        clear_cache();
        assert_eq!(seen, 12_345);
        assert_ne!(
            count(word),
            12_345,
            "counted afresh once the shared caches are cleared"
        );
    }

    #[test]
    fn embedded_model_has_the_spec_this_encoder_implements() {
        let m = model();
        assert_eq!(m.all_pieces.len(), 262_144);
        assert_eq!(
            m.normalizer,
            ("identity".to_string(), false, false, true, 0)
        );
        assert_eq!(m.trainer, (2, true), "BPE with byte fallback");
        assert_eq!(
            m.type_counts[UNUSED as usize], 0,
            "UNUSED pieces would need resegmentation"
        );
        assert_eq!(m.type_counts[6], 256, "one byte piece per byte value");
    }

    #[test]
    fn scores_are_whole_numbers_that_rank_exactly() {
        let m = model();
        for &score in m.pieces.values() {
            assert_eq!(score.fract(), 0.0);
            assert!(score <= 0.0 && score > -((1u32 << 29) as f32));
            assert_eq!(score_rank(score) as i64 - (1 << 30), score as i64);
        }
    }

    #[test]
    fn no_piece_crosses_a_cut() {
        let m = model();
        for &(piece, ty) in &m.all_pieces {
            if !matches!(u64::from(ty), NORMAL | USER_DEFINED | UNUSED) {
                continue;
            }
            let chars: Vec<char> = piece.chars().collect();
            for w in chars.windows(2) {
                assert!(
                    !is_cut(w[0], w[1]),
                    "piece {piece:?} contains the cut {:?}",
                    (w[0], w[1])
                );
            }
        }
    }

    /// What makes the pair table exact: a character that is not a piece is never inside one.
    #[test]
    fn every_character_of_a_piece_is_a_piece() {
        let m = model();
        let mut buf = [0u8; 4];
        let missing: Vec<char> = m
            .pieces()
            .flat_map(|(p, _)| p.chars())
            .filter(|c| m.score(c.encode_utf8(&mut buf)).is_none())
            .collect();
        assert!(
            missing.is_empty(),
            "{:?}",
            &missing[..missing.len().min(10)]
        );
    }

    #[test]
    fn known_counts() {
        // Values from `sentencepiece` 0.2.3 with the same model.
        assert_eq!(count(""), 0);
        assert_eq!(count("\n\n\n"), 1);
        assert_eq!(count("<b>bold</b>"), 3);
        assert_eq!(count("a  b"), 3);
        // Where kitoken 0.11.1 differs from sentencepiece (merge order): see ARCHITECTURE.md.
        assert_eq!(count("> </"), 1);
        assert_eq!(count("a> </"), 2);
        assert_eq!(count(" YYYY"), 3);
        assert_eq!(count(" ::::::::"), 3);
        assert_eq!(count(" diffformul"), 4);
    }

    /// The fast merge loop against the reference on every piece as text (where a wrong merge
    /// order shows) and on long texts that take the heap and the two-level heap.
    #[test]
    fn fast_merge_equals_the_reference() {
        use super::super::gemma3_merge::{count_by, ByText};
        let m = model();
        let table = build_pair_table();
        assert!(table.len() > 500_000, "{} pairs", table.len());
        let mut wrong = Vec::new();
        for &(piece, _) in &m.all_pieces {
            let want = m.count_reference(piece);
            if !piece.is_empty()
                && (count_by(m, &ByText(m), piece) != want || count_by(m, table, piece) != want)
            {
                wrong.push(piece);
            }
        }
        assert!(
            wrong.is_empty(),
            "{} pieces differ, e.g. {:?}",
            wrong.len(),
            &wrong[..wrong.len().min(5)]
        );
        let mut seed = 7u64;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        let alphabet: Vec<&str> = vec![
            "a", "e", "t", "n", "s", "X", "1", "0", "'", ".", "<", ">", "/", "b", "▁", "日", "😀",
            "é", "ing", "th",
        ];
        for len in [30, 47, 48, 49, 500, 5000, 8191, 8192, 20_000, 70_000] {
            let text: String = (0..len).map(|_| alphabet[next(alphabet.len())]).collect();
            let want = m.count_reference(&text);
            assert_eq!(
                count_by(m, &ByText(m), &text),
                want,
                "length {len}, by text"
            );
            assert_eq!(count_by(m, table, &text), want, "length {len}, by ids");
        }
    }

    #[test]
    fn cut_classes_agree_with_is_cut() {
        let chars = [
            ' ', SPACE, '>', '<', '\n', '\t', '\r', 'a', 'Z', '0', '.', 'é', '日', '😀',
            '\u{2580}', '\u{2582}', '\0', '\u{7f}',
        ];
        for p in chars {
            for n in chars {
                let mut buf = [0u8; 8];
                let pc = p.encode_utf8(&mut buf).as_bytes().to_vec();
                let nc = n.encode_utf8(&mut buf).as_bytes().to_vec();
                let (pk, nk) = (class_at(&pc, 0, pc[0]), class_at(&nc, 0, nc[0]));
                assert_eq!(is_cut_class(pk, nk), is_cut(p, n), "{p:?} {n:?}");
            }
        }
    }

    #[test]
    fn segmented_count_equals_one_pass() {
        let m = model();
        for text in [
            "Hello world, this is a test.\n\nNew paragraph\twith tabs  and  spaces.",
            "<h1>Title</h1>\n<b> x</b>",
            "日本語のテキスト 😀 emoji\r\n",
        ] {
            let normalized: String = text
                .chars()
                .map(|c| if c == ' ' { SPACE } else { c })
                .collect();
            assert_eq!(count(text), m.count_reference(&normalized), "{text:?}");
        }
    }
}
