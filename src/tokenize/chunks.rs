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
pub(crate) const TARGET_CHUNK: usize = 512;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Chunk {
    len: usize,
    tokens: u64,
}

/// Chunks are stored in blocks so that finding and replacing the chunks an edit touches
/// costs O(blocks + block size), not O(chunks): per-keystroke work stays nearly flat in the
/// document's size.
#[derive(Clone, Debug, Default)]
struct Block {
    chunks: Vec<Chunk>,
    len: usize,
    tokens: u64,
}

const BLOCK_TARGET: usize = 128;

impl Block {
    fn new(chunks: Vec<Chunk>) -> Block {
        let len = chunks.iter().map(|c| c.len).sum();
        let tokens = chunks.iter().map(|c| c.tokens).sum();
        Block {
            chunks,
            len,
            tokens,
        }
    }
}

fn into_blocks(chunks: Vec<Chunk>) -> Vec<Block> {
    if chunks.is_empty() {
        return Vec::new();
    }
    chunks
        .chunks(BLOCK_TARGET)
        .map(|c| Block::new(c.to_vec()))
        .collect()
}

/// Token count of one text in one encoding, cached per chunk.
#[derive(Clone, Debug)]
pub struct ChunkedCount {
    enc: Encoding,
    blocks: Vec<Block>,
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
    tokens: Vec<u64>,
}

/// A chunk's place: block index, index in the block, byte offset of the chunk.
#[derive(Clone, Copy, Debug)]
struct Place {
    block: usize,
    chunk: usize,
    start: usize,
}

impl ChunkedCount {
    /// Counts `rope` from scratch. `anchors` (sorted byte offsets) become chunk boundaries
    /// where they are exact cut points.
    pub fn new(enc: Encoding, rope: &Rope, anchors: &[usize]) -> Self {
        let text = rope.to_string();
        let mut chunks = Vec::with_capacity(text.len() / TARGET_CHUNK + 1);
        chunk_text(enc, &text, anchors, &mut chunks);
        let total = chunks.iter().map(|c| c.tokens).sum();
        ChunkedCount {
            enc,
            blocks: into_blocks(chunks),
            len: text.len(),
            total,
        }
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
        self.blocks.iter().map(|b| b.chunks.len()).sum()
    }

    fn chunks(&self) -> impl Iterator<Item = &Chunk> {
        self.blocks.iter().flat_map(|b| b.chunks.iter())
    }

    /// Updates the count after the bytes `start..old_end` of the previous text were replaced
    /// by `new_len` bytes; `rope` is the text after the edit. `anchors(a, b)` returns the
    /// sorted anchors in `a..b` of the new text.
    ///
    /// Recounts the chunks the edit touches plus one neighbour on each side (a cut's
    /// validity depends on the characters on both sides of it).
    pub fn apply_edit(
        &mut self,
        rope: &Rope,
        start: usize,
        old_end: usize,
        new_len: usize,
        anchors: &dyn Fn(usize, usize) -> Vec<usize>,
    ) {
        let old_end = old_end.max(start).min(self.len);
        let start = start.min(old_end);
        let new_doc_len = self.len - (old_end - start) + new_len;
        debug_assert_eq!(new_doc_len, rope.len_bytes());
        if self.blocks.is_empty() {
            *self = ChunkedCount::new(self.enc, rope, &anchors(0, rope.len_bytes()));
            return;
        }
        // First chunk: the one holding the byte before the edit (its start is unaffected).
        let first = if start == 0 {
            Place {
                block: 0,
                chunk: 0,
                start: 0,
            }
        } else {
            self.locate(start - 1)
        };
        // Last chunk: the one holding the first byte after the edit (its end is unaffected).
        let mut last = self.locate(old_end.min(self.len - 1));
        let mut region_end = last.start + self.blocks[last.block].chunks[last.chunk].len;
        if old_end >= self.len {
            last = self.last_place();
            region_end = self.len;
        }
        // Keep chunks from fragmenting: absorb a small right remainder into the next chunk.
        if region_end - old_end < TARGET_CHUNK / 4 {
            if let Some(next) = self.next_place(last) {
                region_end += self.blocks[next.block].chunks[next.chunk].len;
                last = next;
            }
        }
        let region_start = first.start;
        let new_region_end = region_end + new_len - (old_end - start);
        let text = rope.byte_slice(region_start..new_region_end).to_string();
        let local: Vec<usize> = anchors(region_start, new_region_end)
            .into_iter()
            .filter(|&a| a > region_start && a < new_region_end)
            .map(|a| a - region_start)
            .collect();
        let mut fresh = Vec::with_capacity(text.len() / TARGET_CHUNK + 1);
        chunk_text(self.enc, &text, &local, &mut fresh);
        self.replace_chunks(first, last, fresh);
        self.len = new_doc_len;
    }

    /// How many bytes [`ChunkedCount::apply_edit`] would recount for an edit of
    /// `start..old_end`: the chunks it touches. Large only inside text without cut points.
    pub(crate) fn edit_cost(&self, start: usize, old_end: usize) -> usize {
        if self.blocks.is_empty() {
            return self.len;
        }
        let old_end = old_end.max(start).min(self.len);
        let start = start.min(old_end);
        let first = if start == 0 {
            0
        } else {
            self.locate(start - 1).start
        };
        let end = if old_end >= self.len {
            self.len
        } else {
            let l = self.locate(old_end);
            l.start + self.blocks[l.block].chunks[l.chunk].len
        };
        end - first
    }

    /// Replaces the chunks from `first` to `last` (inclusive) with `fresh`.
    fn replace_chunks(&mut self, first: Place, last: Place, fresh: Vec<Chunk>) {
        let mut merged: Vec<Chunk> = Vec::with_capacity(fresh.len() + 2 * BLOCK_TARGET);
        merged.extend_from_slice(&self.blocks[first.block].chunks[..first.chunk]);
        merged.extend(fresh);
        merged.extend_from_slice(&self.blocks[last.block].chunks[last.chunk + 1..]);
        let removed: u64 = self.blocks[first.block..=last.block]
            .iter()
            .map(|b| b.tokens)
            .sum();
        let blocks = into_blocks(merged);
        let added: u64 = blocks.iter().map(|b| b.tokens).sum();
        self.blocks.splice(first.block..=last.block, blocks);
        self.total = self.total - removed + added;
    }

    /// Splits chunks so that each of `anchors` (sorted) that is an exact cut point is a chunk
    /// boundary (used when an anchor moves without an edit next to it, e.g. front matter).
    pub(crate) fn ensure_anchors(&mut self, rope: &Rope, anchors: &[usize]) {
        for &a in anchors {
            if a == 0 || a >= self.len {
                continue;
            }
            let p = self.locate(a);
            if p.start == a {
                continue;
            }
            let end = p.start + self.blocks[p.block].chunks[p.chunk].len;
            let left = rope.byte_slice(p.start..a).to_string();
            let right = rope.byte_slice(a..end).to_string();
            let (Some(prev), Some(next)) = (left.chars().next_back(), right.chars().next()) else {
                continue;
            };
            if self.enc.is_cut(prev, next) {
                let l = Chunk {
                    len: left.len(),
                    tokens: self.enc.count(&left) as u64,
                };
                let r = Chunk {
                    len: right.len(),
                    tokens: self.enc.count(&right) as u64,
                };
                self.replace_chunks(p, p, vec![l, r]);
            }
        }
    }

    /// The chunk holding byte `b` (the last chunk if `b` is past the end).
    fn locate(&self, b: usize) -> Place {
        let mut start = 0;
        for (bi, block) in self.blocks.iter().enumerate() {
            if b < start + block.len {
                for (ci, c) in block.chunks.iter().enumerate() {
                    if b < start + c.len {
                        return Place {
                            block: bi,
                            chunk: ci,
                            start,
                        };
                    }
                    start += c.len;
                }
            }
            start += block.len;
        }
        self.last_place()
    }

    fn last_place(&self) -> Place {
        let bi = self.blocks.len() - 1;
        let ci = self.blocks[bi].chunks.len() - 1;
        Place {
            block: bi,
            chunk: ci,
            start: self.len - self.blocks[bi].chunks[ci].len,
        }
    }

    fn next_place(&self, p: Place) -> Option<Place> {
        let start = p.start + self.blocks[p.block].chunks[p.chunk].len;
        if p.chunk + 1 < self.blocks[p.block].chunks.len() {
            Some(Place {
                block: p.block,
                chunk: p.chunk + 1,
                start,
            })
        } else if p.block + 1 < self.blocks.len() {
            Some(Place {
                block: p.block + 1,
                chunk: 0,
                start,
            })
        } else {
            None
        }
    }

    /// An index for counting many ranges of this version of the text (O(chunks) to build).
    pub fn ranges<'a>(&'a self, rope: &'a Rope) -> RangeIndex<'a> {
        let n = self.chunk_count();
        let mut starts = Vec::with_capacity(n + 1);
        let mut cum = Vec::with_capacity(n + 1);
        let mut tokens = Vec::with_capacity(n);
        let (mut s, mut t) = (0usize, 0u64);
        for c in self.chunks() {
            starts.push(s);
            cum.push(t);
            tokens.push(c.tokens);
            s += c.len;
            t += c.tokens;
        }
        starts.push(s);
        cum.push(t);
        RangeIndex {
            counter: self,
            rope,
            starts,
            cum,
            tokens,
        }
    }

    /// Exact token count of the bytes `range` of `rope` (the text this count is for), without
    /// building an index: O(blocks + block size) plus the partial chunks at either end (the
    /// same rule as [`RangeIndex::count`]).
    pub fn count_range(&self, rope: &Rope, range: Range<usize>) -> u64 {
        let (a, b) = (
            snap(rope, range.start.min(self.len)),
            snap(rope, range.end.min(self.len)),
        );
        if a >= b {
            return 0;
        }
        if a == 0 && b == self.len {
            return self.total;
        }
        let count = |r: Range<usize>| self.enc.count(&rope.byte_slice(r).to_string()) as u64;
        let (pa, ta) = self.locate_tokens(a);
        let (pb, tb) = self.locate_tokens(b - 1);
        let a_end = pa.start + self.blocks[pa.block].chunks[pa.chunk].len;
        let b_end = pb.start + self.blocks[pb.block].chunks[pb.chunk].len;
        if (pa.block, pa.chunk) == (pb.block, pb.chunk) {
            return if a == pa.start && b == a_end {
                self.blocks[pa.block].chunks[pa.chunk].tokens
            } else {
                count(a..b)
            };
        }
        // Whole chunks from the one after `a`'s (or `a`'s own, if `a` starts it) up to `b`'s.
        let (mut total, from) = if a == pa.start {
            (0, ta)
        } else {
            (
                count(a..a_end),
                ta + self.blocks[pa.block].chunks[pa.chunk].tokens,
            )
        };
        let to = if b == b_end {
            tb + self.blocks[pb.block].chunks[pb.chunk].tokens
        } else {
            total += count(pb.start..b);
            tb
        };
        total + (to - from)
    }

    /// Like `locate`, also returning the tokens of the chunks before the one found.
    fn locate_tokens(&self, b: usize) -> (Place, u64) {
        let (mut start, mut tokens) = (0usize, 0u64);
        for (bi, block) in self.blocks.iter().enumerate() {
            if b >= start + block.len {
                start += block.len;
                tokens += block.tokens;
                continue;
            }
            for (ci, c) in block.chunks.iter().enumerate() {
                if b < start + c.len {
                    return (
                        Place {
                            block: bi,
                            chunk: ci,
                            start,
                        },
                        tokens,
                    );
                }
                start += c.len;
                tokens += c.tokens;
            }
        }
        let p = self.last_place();
        (p, self.total - self.blocks[p.block].chunks[p.chunk].tokens)
    }

    /// Chunk lengths (for tests and diagnostics of the engine).
    pub fn chunk_lens(&self) -> Vec<usize> {
        self.chunks().map(|c| c.len).collect()
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
        // Chunk boundaries are char boundaries: snap (O(log n) in the rope) only other offsets.
        let aligned = |x: usize| self.starts.binary_search(&x).is_ok();
        let (a, b) = (range.start.min(len), range.end.min(len));
        let a = if aligned(a) { a } else { snap(self.rope, a) };
        let b = if aligned(b) { b } else { snap(self.rope, b) };
        if a >= b {
            return 0;
        }
        let n = self.tokens.len();
        // i: chunk holding a; j: chunk holding b - 1.
        let i = self.starts.partition_point(|&s| s <= a) - 1;
        let j = self.starts.partition_point(|&s| s < b) - 1;
        debug_assert!(i < n && j < n && i <= j);
        let enc = self.counter.enc;
        let count = |r: Range<usize>| enc.count(&self.rope.byte_slice(r).to_string()) as u64;
        if i == j {
            if a == self.starts[i] && b == self.starts[i + 1] {
                return self.tokens[i];
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
    let mut lens = Vec::with_capacity(text.len() / TARGET_CHUNK + 1);
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
                lens.push(p - start);
                start = p;
            }
        }
        prev = Some(c);
    }
    if start < text.len() {
        lens.push(text.len() - start);
    }
    count_chunks(enc, text, &lens, out);
}

/// Above this size, a text's chunks are counted on all cores (opening a 10 MB file).
const PARALLEL_FROM: usize = 256 * 1024;

/// Counts the chunks of `text` with the given lengths, in parallel for large texts.
fn count_chunks(enc: Encoding, text: &str, lens: &[usize], out: &mut Vec<Chunk>) {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    if text.len() < PARALLEL_FROM || threads < 2 || lens.len() < 2 * threads {
        count_sequential(enc, text, lens, out);
        return;
    }
    // Contiguous groups of chunks of about equal bytes, one per thread.
    let per = text.len() / threads + 1;
    let mut groups: Vec<(usize, &[usize])> = Vec::new();
    let (mut from, mut at, mut bytes) = (0, 0, 0);
    let mut group_start = 0;
    for (i, &len) in lens.iter().enumerate() {
        bytes += len;
        if bytes >= per || i + 1 == lens.len() {
            groups.push((group_start, &lens[from..=i]));
            from = i + 1;
            group_start = at + len;
            bytes = 0;
        }
        at += len;
    }
    let counted: Vec<Vec<Chunk>> = std::thread::scope(|scope| {
        let handles: Vec<_> = groups
            .iter()
            .map(|&(start, lens)| {
                scope.spawn(move || {
                    let mut v = Vec::with_capacity(lens.len());
                    count_sequential(
                        enc,
                        &text[start..start + lens.iter().sum::<usize>()],
                        lens,
                        &mut v,
                    );
                    // This thread ends: what it learnt about Gemma 3 segments serves others.
                    super::gemma3::share_thread_cache();
                    v
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    for v in counted {
        out.extend(v);
    }
}

fn count_sequential(enc: Encoding, text: &str, lens: &[usize], out: &mut Vec<Chunk>) {
    let mut at = 0;
    for &len in lens {
        out.push(Chunk {
            len,
            tokens: enc.count(&text[at..at + len]) as u64,
        });
        at += len;
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
    fn edit_cost_is_the_touched_chunks() {
        let text = format!(
            "{}\n{}\n{}",
            "word ".repeat(2000),
            "x".repeat(100_000),
            "word ".repeat(2000)
        );
        let c = ChunkedCount::new(Encoding::O200kBase, &Rope::from_str(&text), &[]);
        assert!(c.edit_cost(100, 101) < 4 * TARGET_CHUNK);
        assert!(c.edit_cost(10_000 + 50_000, 10_000 + 50_001) >= 100_000);
        assert!(c.edit_cost(text.len(), text.len()) < 4 * TARGET_CHUNK);
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
                    assert_eq!(
                        idx.count(a..b),
                        full(Encoding::O200kBase, &text[a..b]),
                        "{a}..{b}"
                    );
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
