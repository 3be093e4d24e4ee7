//! A prompt file's side of a document: its structure (marker lines, front matter, sections)
//! and one chunked counter per encoding, kept in step with the rope; and its analysis (the
//! file, its sections and chat messages).
//!
//! Owns: chunk anchors (where counted ranges start and end), edits of the structure and
//! the counters, background-count results. Never: holds a syntax tree or code prompts.

use std::ops::Range;
use std::path::Path;

use ropey::Rope;

use super::analysis::{budget_problems, Analysis, ModelCount, PartInfo};
use super::analysis::{Problem, Prompt, PromptKind};
use super::counter::RangeCounter;
use super::framing::{framing, reply_priming};
use crate::config::Settings;
use crate::extract::prompt_file::{Directive, Flavor, SectionKind, Structure};
use crate::pricing::Model;
use crate::tokenize::{chunks::ChunkedCount, Encoding};

#[derive(Clone, Debug)]
pub struct PromptFileState {
    pub structure: Structure,
    counters: Vec<ChunkedCount>,
}

impl PromptFileState {
    /// Parses the structure of `rope` (its flavor from `path`) and counts it in `encodings`.
    pub(super) fn new(path: &Path, rope: &Rope, encodings: &[Encoding]) -> PromptFileState {
        let mut f = PromptFileState {
            structure: Structure::parse(Flavor::from_path(path), rope),
            counters: Vec::new(),
        };
        f.ensure_encodings(rope, encodings);
        f
    }

    pub(super) fn counters(&self) -> &[ChunkedCount] {
        &self.counters
    }

    pub(super) fn encodings(&self) -> Vec<Encoding> {
        self.counters.iter().map(|c| c.encoding()).collect()
    }

    pub(super) fn has_encoding(&self, e: Encoding) -> bool {
        self.counters.iter().any(|c| c.encoding() == e)
    }

    /// Adds counters for encodings not counted yet (counting the whole text in each).
    pub(super) fn ensure_encodings(&mut self, rope: &Rope, encodings: &[Encoding]) {
        for &e in encodings {
            if !self.has_encoding(e) {
                let anchors = self.anchors(rope);
                self.counters.push(ChunkedCount::new(e, rope, &anchors));
            }
        }
    }

    /// Bytes an edit of `range` would recount (the most over the encodings).
    pub(super) fn edit_cost(&self, range: Range<usize>) -> usize {
        self.counters
            .iter()
            .map(|c| c.edit_cost(range.start, range.end))
            .max()
            .unwrap_or(0)
    }

    pub(super) fn drop_counters(&mut self) {
        self.counters.clear();
    }

    /// Installs counters made for `rope` (by a background job) in encodings not counted yet.
    pub(super) fn install_counters(&mut self, rope: &Rope, counters: Vec<ChunkedCount>) {
        for c in counters {
            if c.len() == rope.len_bytes() && !self.has_encoding(c.encoding()) {
                self.counters.push(c);
            }
        }
    }

    /// Replaces the bytes `start..end` (char boundaries) of `rope` with `text`, then updates
    /// the marker lines of the edited lines and the chunks the edit touches.
    pub(super) fn replace(&mut self, rope: &mut Rope, start: usize, end: usize, text: &str) {
        super::edit_rope(rope, start, end, text);
        let rope: &Rope = rope;
        let old_body = self.structure.body_start();
        self.structure.apply_edit(rope, start, end, text.len());
        let mut counters = std::mem::take(&mut self.counters);
        let anchors = |a: usize, b: usize| self.anchors_in(rope, a, b);
        for c in &mut counters {
            c.apply_edit(rope, start, end, text.len(), &anchors);
        }
        // The body start moves when front matter changes: keep it a chunk boundary.
        let body = self.structure.body_start();
        if body != old_body {
            for c in &mut counters {
                c.ensure_anchors(rope, &[body]);
            }
        }
        self.counters = counters;
    }

    /// Offsets where counted ranges start and end: chunk boundaries there make section counts
    /// sums. Only the anchors in `a..b` (O(log markers) to find).
    fn anchors_in(&self, rope: &Rope, a: usize, b: usize) -> Vec<usize> {
        let markers = &self.structure.markers;
        let mut out = Vec::new();
        let body = self.structure.body_start();
        if body >= a && body < b {
            out.push(body);
        }
        // One marker before `a`: a role line that starts before `a` may end inside it.
        let from = markers.partition_point(|m| m.offset < a).saturating_sub(1);
        for m in markers[from..].iter().take_while(|m| m.offset < b) {
            if m.heading > 0 || m.role.is_some() {
                if m.offset >= a {
                    out.push(m.offset);
                }
                if m.role.is_some() {
                    let l = rope.byte_to_line(m.offset);
                    if l + 1 < rope.len_lines() {
                        let next = rope.line_to_byte(l + 1);
                        if next >= a && next < b {
                            out.push(next);
                        }
                    }
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    pub(super) fn anchors(&self, rope: &Rope) -> Vec<usize> {
        self.anchors_in(rope, 0, rope.len_bytes() + 1)
    }

    /// The analysis of a prompt file: the file (its body, or its chat messages with their
    /// framing), then the sections and messages `keep` accepts.
    pub(super) fn analyze(
        &self,
        rope: &Rope,
        path: &Path,
        settings: &Settings,
        keep: &dyn Fn(&PartInfo) -> bool,
    ) -> Analysis {
        let mut problems = Vec::new();
        let file_directive: Directive = self.structure.file_directive(rope);
        for e in &file_directive.errors {
            problems.push(Problem::warning_at(0, "directive", e.clone()));
        }
        let mut counter = RangeCounter::over(rope, &self.counters);
        // The outline is a cheap pass; only the sections `keep` accepts are built below.
        let outline = self.structure.outline(rope);
        let n_messages = outline.messages().count() as u64;
        let file_models = own_models(settings, file_directive.model.as_deref(), &mut problems, 0);
        let body = self.structure.body_start()..rope.len_bytes();
        let file_counts = if n_messages > 0 {
            // A chat file: the messages' contents plus their framing.
            let mut sum = vec![0u64; file_models.len()];
            for s in outline.messages() {
                for (i, c) in counter
                    .models(s.counted.clone(), file_models.iter().copied())
                    .iter()
                    .enumerate()
                {
                    sum[i] += c.tokens;
                }
            }
            file_models
                .iter()
                .zip(sum)
                .map(|(m, t)| ModelCount::new(m, t + framing(m, n_messages) + reply_priming(m)))
                .collect()
        } else {
            counter.models(body.clone(), file_models.iter().copied())
        };
        let file = Prompt {
            kind: PromptKind::File,
            name: super::file_name(path),
            range: body.clone(),
            hint_at: 0,
            budget: file_directive.budget.or_else(|| settings.budget_for(path)),
            budget_model: file_models[0].id.clone(),
            counts: file_counts,
            placeholders: Vec::new(),
        };

        let mut parts = Vec::new();
        for span in outline.spans.iter().filter(|s| {
            keep(&PartInfo {
                range: s.range.clone(),
                hint_at: s.header_end,
                has_budget: s.has_budget(),
            })
        }) {
            let s = outline.section(&self.structure, span);
            // A section's model: its own directive, else the file's (front matter / directive).
            let models = own_models(
                settings,
                s.model.as_deref().or(file_directive.model.as_deref()),
                &mut problems,
                s.range.start,
            );
            let (kind, mut counts) = match &s.kind {
                SectionKind::Heading(_) => (
                    PromptKind::Section,
                    counter.models(s.counted.clone(), models.iter().copied()),
                ),
                SectionKind::Message(_) => (
                    PromptKind::Message,
                    counter.models(s.counted.clone(), models.iter().copied()),
                ),
            };
            if kind == PromptKind::Message {
                for (c, m) in counts.iter_mut().zip(models.iter().copied()) {
                    *c = ModelCount::new(m, c.tokens + framing(m, 1));
                }
            }
            parts.push(Prompt {
                kind,
                name: s.title.to_string(),
                range: s.range.clone(),
                hint_at: s.header_end,
                budget: s.budget,
                budget_model: models[0].id.clone(),
                counts,
                placeholders: Vec::new(),
            });
        }

        let mut analysis = Analysis {
            file,
            parts,
            problems,
            ignored: file_directive.ignore,
        };
        budget_problems(&mut analysis, rope);
        analysis
    }
}

/// The models a prompt is counted in, its own model (directive / front matter) first; an
/// unknown name is a problem at `at`.
fn own_models<'s>(
    settings: &'s Settings,
    own: Option<&str>,
    problems: &mut Vec<Problem>,
    at: usize,
) -> Vec<&'s Model> {
    let own = own.and_then(|name| match settings.table.resolve(name) {
        Ok(m) => Some(m),
        Err(e) => {
            problems.push(Problem::warning_at(at, "model", e.to_string()));
            None
        }
    });
    settings.models.for_prompt(own)
}
