//! Range counts over one version of a document: from its chunk counters when it has them
//! (a prompt file), else by counting the range's text (a source file, or a prompt file whose
//! counts were dropped).
//!
//! Owns: choosing between block walks and a range index. Never: edits counters.

use std::ops::Range;

use ropey::Rope;

use super::analysis::ModelCount;
use super::Document;
use crate::pricing::Model;
use crate::tokenize::chunks::{ChunkedCount, RangeIndex};
use crate::tokenize::Encoding;

/// Counts many ranges of one version of a document: the chunk index of each encoding is
/// built once (O(chunks)), then each range costs O(log chunks) plus its partial chunks.
pub struct RangeCounter<'a> {
    rope: &'a Rope,
    counters: &'a [ChunkedCount],
    indexes: Vec<(Encoding, RangeIndex<'a>)>,
    /// Ranges counted without an index so far.
    direct: usize,
}

/// Ranges counted by walking blocks before an index is built.
const DIRECT_RANGES: usize = 32;

impl<'a> RangeCounter<'a> {
    pub fn new(doc: &'a Document) -> Self {
        RangeCounter::over(&doc.rope, doc.counters())
    }

    /// Counts ranges of `rope` with `counters` (made for this version of it).
    pub(crate) fn over(rope: &'a Rope, counters: &'a [ChunkedCount]) -> Self {
        RangeCounter {
            rope,
            counters,
            indexes: Vec::new(),
            direct: 0,
        }
    }

    pub fn encoding(&mut self, e: Encoding, range: Range<usize>) -> u64 {
        let len = self.rope.len_bytes();
        let range = range.start.min(len)..range.end.min(len).max(range.start.min(len));
        if let Some((_, idx)) = self.indexes.iter().find(|(x, _)| *x == e) {
            return idx.count(range);
        }
        match self.counters.iter().find(|c| c.encoding() == e) {
            // A few ranges: walk the blocks. Many: build the index once (O(chunks)).
            Some(c) if self.direct < DIRECT_RANGES => {
                self.direct += 1;
                c.count_range(self.rope, range)
            }
            Some(c) => {
                let idx = c.ranges(self.rope);
                let n = idx.count(range);
                self.indexes.push((e, idx));
                n
            }
            None => {
                let (a, b) = (
                    super::floor(self.rope, range.start),
                    super::floor(self.rope, range.end),
                );
                e.count(&self.rope.byte_slice(a..b).to_string()) as u64
            }
        }
    }

    pub fn models<'m>(
        &mut self,
        range: Range<usize>,
        models: impl Iterator<Item = &'m Model>,
    ) -> Vec<ModelCount> {
        let mut by_enc: Vec<(Encoding, u64)> = Vec::new();
        models
            .map(|m| {
                let e = m.counting.encoding();
                let base = match by_enc.iter().find(|(x, _)| *x == e) {
                    Some(&(_, n)) => n,
                    None => {
                        let n = self.encoding(e, range.clone());
                        by_enc.push((e, n));
                        n
                    }
                };
                ModelCount::new(m, m.counting.from_base(base))
            })
            .collect()
    }
}
