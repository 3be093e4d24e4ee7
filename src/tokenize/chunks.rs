//! The incremental counting engine: a document's token count kept as a sum of chunk counts.
//!
//! Owns: cutting text into chunks at exact cut points ([`Encoding::is_cut`]), recounting only
//! the chunks an edit touches, and counting any byte range without recounting the rest.
//!
//! Architecture invariant: every chunk boundary is an exact cut point of the current text,
//! so `total()` equals a from-scratch count of the whole text, always. Chunks are cut at the
//! first exact cut point after [`TARGET_CHUNK`] bytes, and also at caller-given *anchors*
//! (section starts) so that section counts are plain sums. Text without any cut point (a
//! base64 blob, minified code, a long whitespace run) stays one chunk: still exact, and its
//! cost stays linear because the tokenizer (`bpe-openai`) is linear.
//! Never: holds the text (the caller's rope is passed in) or knows about models.

use std::ops::Range;

use ropey::Rope;

use super::Encoding;

/// Chunks are cut at the first exact cut point after this many bytes.
pub const TARGET_CHUNK: usize = 512;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Chunk {
    len: usize,
    tokens: u64,
}

/// Token count of one text in one encoding, cached per chunk.
#[derive(Clone, Debug)]
pub struct ChunkedCount {
    enc: Encoding,
    chunks: Vec<Chunk>,
    len: usize,
    total: u64,
}

/// Chunk starts and cumulative token sums, for counting many ranges of one text version.
pub struct RangeIndex<'a> {
    counter: &'a ChunkedCount,
    rope: &'a Rope,
    /// `starts[i]` is the byte offset of chunk `i`; `starts[n]` is the text length.
    starts: Vec<usize>,
    /// `cum[i]` is the number of tokens in chunks `0..i`.
    cum: Vec<u64>,
}

impl ChunkedCount {
    /// Counts `rope` from scratch. `anchors` (sorted byte offsets) become chunk boundaries
    /// where they are exact cut points.
    pub fn new(enc: Encoding, rope: &Rope, anchors: &[usize]) -> Self {
        let text = rope.to_string();
        let mut chunks = Vec::with_capacity(text.len() / TARGET_CHUNK + 1);
        chunk_text(enc, &text, anchors, &mut chunks);
        let total = chunks.iter().map(|c| c.tokens).sum();
        ChunkedCount { enc, chunks, len: text.len(), total }
    }

    pub fn encoding(&self) -> Encoding {
        self.enc
    }

    /// Token count of the whole text.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Length in bytes of the text this count is for.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn chunk_count(&self) -> usize {
        self.chunks.len()
    }

    /// Updates the count after the bytes `start..old_end` of the previous text were replaced
    /// by `new_len` bytes; `rope` is the text after the edit, `anchors` its sorted anchors.
    ///
    /// Recounts the chunks the edit touches plus one neighbour on each side (a cut's
    /// validity depends on the characters on both sides of it).
    pub fn apply_edit(&mut self, rope: &Rope, start: usize, old_end: usize, new_len: usize, anchors: &[usize]) {
        let old_end = old_end.max(start).min(self.len);
        let start = start.min(old_end);
        let new_doc_len = self.len - (old_end - start) + new_len;
        debug_assert_eq!(new_doc_len, rope.len_bytes());
        if self.chunks.is_empty() {
            *self = ChunkedCount::new(self.enc, rope, anchors);
            return;
        }
        // First chunk: the one holding the byte before the edit (its start is unaffected).
        let (mut first, mut region_start) = self.locate(start.saturating_sub(1));
        if start == 0 {
            first = 0;
            region_start = 0;
        }
        // Last chunk: the one holding the first byte after the edit (its end is unaffected).
        let (mut last, last_start) = self.locate(old_end.min(self.len - 1));
        let mut region_end = last_start + self.chunks[last].len;
        if old_end >= self.len {
            last = self.chunks.len() - 1;
            region_end = self.len;
        }
        // Keep chunks from fragmenting: absorb a small right remainder into the next chunk.
        if region_end - old_end < TARGET_CHUNK / 4 && last + 1 < self.chunks.len() {
            last += 1;
            region_end += self.chunks[last].len;
        }
        let new_region_end = region_end + new_len - (old_end - start);
        let text = rope.byte_slice(region_start..new_region_end).to_string();
        let local: Vec<usize> = anchors
            .iter()
            .filter(|&&a| a > region_start && a < new_region_end)
            .map(|&a| a - region_start)
            .collect();
        let mut fresh = Vec::with_capacity(text.len() / TARGET_CHUNK + 1);
        chunk_text(self.enc, &text, &local, &mut fresh);
        let removed: u64 = self.chunks[first..=last].iter().map(|c| c.tokens).sum();
        let added: u64 = fresh.iter().map(|c| c.tokens).sum();
        self.chunks.splice(first..=last, fresh);
        self.total = self.total - removed + added;
        self.len = new_doc_len;
        self.ensure_anchors(rope, anchors);
    }

    /// Splits chunks so that every anchor that is an exact cut point is a chunk boundary.
    /// One sweep over chunks and anchors; a split recounts the two halves of one chunk.
    pub fn ensure_anchors(&mut self, rope: &Rope, anchors: &[usize]) {
        let mut i = 0;
        let mut chunk_start = 0;
        let mut k = 0;
        while i < self.chunks.len() && k < anchors.len() {
            let chunk_end = chunk_start + self.chunks[i].len;
            let a = anchors[k];
            if a <= chunk_start {
                k += 1;
            } else if a >= chunk_end {
                chunk_start = chunk_end;
                i += 1;
            } else {
                // `a` falls strictly inside chunk i.
                let left = rope.byte_slice(chunk_start..a).to_string();
                let right = rope.byte_slice(a..chunk_end).to_string();
                let (Some(prev), Some(next)) = (left.chars().next_back(), right.chars().next()) else {
                    k += 1;
                    continue;
                };
                if self.enc.is_cut(prev, next) {
                    let l = Chunk { len: left.len(), tokens: self.enc.count(&left) as u64 };
                    let r = Chunk { len: right.len(), tokens: self.enc.count(&right) as u64 };
                    self.total = self.total - self.chunks[i].tokens + l.tokens + r.tokens;
                    self.chunks[i] = l;
                    self.chunks.insert(i + 1, r);
                    chunk_start = a;
                    i += 1;
                }
                k += 1;
            }
        }
    }

    /// Index of the chunk holding byte `b` (the last chunk if `b` is past the end), and its start.
    fn locate(&self, b: usize) -> (usize, usize) {
        let mut start = 0;
        for (i, c) in self.chunks.iter().enumerate() {
            if b < start + c.len {
                return (i, start);
            }
            start += c.len;
        }
        let last = self.chunks.len().saturating_sub(1);
        (last, start - self.chunks.last().map_or(0, |c| c.len))
    }

    /// An index for counting many ranges of this version of the text (O(chunks) to build).
    pub fn ranges<'a>(&'a self, rope: &'a Rope) -> RangeIndex<'a> {
        let mut starts = Vec::with_capacity(self.chunks.len() + 1);
        let mut cum = Vec::with_capacity(self.chunks.len() + 1);
        let (mut s, mut t) = (0usize, 0u64);
        for c in &self.chunks {
            starts.push(s);
            cum.push(t);
            s += c.len;
            t += c.tokens;
        }
        starts.push(s);
        cum.push(t);
        RangeIndex { counter: self, rope, starts, cum }
    }

    /// Exact token count of the bytes `range` of `rope` (the text this count is for).
    pub fn count_range(&self, rope: &Rope, range: Range<usize>) -> u64 {
        self.ranges(rope).count(range)
    }

    /// Chunk lengths (for tests and diagnostics of the engine).
    pub fn chunk_lens(&self) -> Vec<usize> {
        self.chunks.iter().map(|c| c.len).collect()
    }
}

impl RangeIndex<'_> {
    /// Exact token count of the bytes `range` (clamped to the text, snapped to char boundaries).
    ///
    /// Whole chunks inside the range are summed; the partial chunks at either end are counted
    /// directly. That is exact because a chunk boundary inside the range is a cut point whose
    /// neighbouring characters are the same in the range as in the whole text.
    pub fn count(&self, range: Range<usize>) -> u64 {
        let len = self.counter.len;
        let a = snap(self.rope, range.start.min(len));
        let b = snap(self.rope, range.end.min(len));
        if a >= b {
            return 0;
        }
        let n = self.counter.chunks.len();
        // i: chunk holding a; j: chunk holding b - 1.
        let i = self.starts.partition_point(|&s| s <= a) - 1;
        let j = self.starts.partition_point(|&s| s < b) - 1;
        debug_assert!(i < n && j < n && i <= j);
        let enc = self.counter.enc;
        let count = |r: Range<usize>| enc.count(&self.rope.byte_slice(r).to_string()) as u64;
        if i == j {
            if a == self.starts[i] && b == self.starts[i + 1] {
                return self.counter.chunks[i].tokens;
            }
            return count(a..b);
        }
        let mut total = 0;
        let mut from = i;
        if a != self.starts[i] {
            total += count(a..self.starts[i + 1]);
            from = i + 1;
        }
        let mut to = j + 1;
        if b != self.starts[j + 1] {
            total += count(self.starts[j]..b);
            to = j;
        }
        if from < to {
            total += self.cum[to] - self.cum[from];
        }
        total
    }
}

/// Moves `b` back to the nearest char boundary.
fn snap(rope: &Rope, b: usize) -> usize {
    rope.char_to_byte(rope.byte_to_char(b))
}

/// Cuts `text` into chunks at exact cut points: the first one at or after [`TARGET_CHUNK`]
/// bytes into a chunk, and every anchor (sorted offsets into `text`) that is one.
fn chunk_text(enc: Encoding, text: &str, anchors: &[usize], out: &mut Vec<Chunk>) {
    let mut start = 0;
    let mut k = 0;
    let mut prev: Option<char> = None;
    for (p, c) in text.char_indices() {
        if let Some(pc) = prev {
            while k < anchors.len() && anchors[k] < p {
                k += 1;
            }
            let anchored = k < anchors.len() && anchors[k] == p;
            if (anchored || p - start >= TARGET_CHUNK) && enc.is_cut(pc, c) {
                let piece = &text[start..p];
                out.push(Chunk { len: piece.len(), tokens: enc.count(piece) as u64 });
                start = p;
            }
        }
        prev = Some(c);
    }
    if start < text.len() {
        let piece = &text[start..];
        out.push(Chunk { len: piece.len(), tokens: enc.count(piece) as u64 });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full(enc: Encoding, s: &str) -> u64 {
        enc.count(s) as u64
    }

    #[test]
    fn empty_document_has_no_chunks() {
        let rope = Rope::new();
        let c = ChunkedCount::new(Encoding::O200kBase, &rope, &[]);
        assert_eq!(c.total(), 0);
        assert_eq!(c.chunk_count(), 0);
        assert_eq!(c.count_range(&rope, 0..10), 0);
    }

    #[test]
    fn long_text_is_cut_into_chunks_whose_sum_is_exact() {
        let text = "The quick brown fox jumps over the lazy dog.\n".repeat(200);
        let rope = Rope::from_str(&text);
        for enc in Encoding::ALL {
            let c = ChunkedCount::new(enc, &rope, &[]);
            assert!(c.chunk_count() > 10, "{} chunks", c.chunk_count());
            assert_eq!(c.total(), full(enc, &text));
        }
    }

    #[test]
    fn text_without_cut_points_stays_one_chunk() {
        let text = "QUJD".repeat(10_000);
        let rope = Rope::from_str(&text);
        let c = ChunkedCount::new(Encoding::O200kBase, &rope, &[]);
        assert_eq!(c.chunk_count(), 1);
        assert_eq!(c.total(), full(Encoding::O200kBase, &text));
    }

    #[test]
    fn anchors_become_boundaries_and_ranges_are_exact() {
        let text = "# A\nalpha beta gamma\n\n# B\ndelta epsilon\n## C\nzeta eta\n";
        let rope = Rope::from_str(text);
        let anchors: Vec<usize> = text.match_indices("\n#").map(|(i, _)| i + 1).collect();
        let c = ChunkedCount::new(Encoding::O200kBase, &rope, &anchors);
        let mut starts = vec![0];
        let mut s = 0;
        for l in c.chunk_lens() {
            s += l;
            starts.push(s);
        }
        for a in &anchors {
            assert!(starts.contains(a), "anchor {a} not a boundary: {starts:?}");
        }
        let idx = c.ranges(&rope);
        for a in 0..=text.len() {
            for b in a..=text.len() {
                if text.is_char_boundary(a) && text.is_char_boundary(b) {
                    assert_eq!(idx.count(a..b), full(Encoding::O200kBase, &text[a..b]), "{a}..{b}");
                }
            }
        }
    }

    #[test]
    fn slash_after_newline_is_not_a_cut_for_o200k() {
        // o200k's punctuation piece `;\n//` spans the newline.
        assert!(!Encoding::O200kBase.is_cut('\n', '/'));
        let a = "x;\n";
        let b = "// use";
        let whole = format!("{a}{b}");
        assert_ne!(
            full(Encoding::O200kBase, &whole),
            full(Encoding::O200kBase, a) + full(Encoding::O200kBase, b),
            "the rule's exception is real"
        );
    }
}
