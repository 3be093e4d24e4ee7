//! A document: its text (a rope), its structure, and its token counts kept incrementally.
//! The analysis of a document (per-prompt counts, costs, budgets) is shared by the language
//! server and `check`, so both always agree.
//!
//! Owns: applying edits (byte ranges) to the rope, the structure and the counters, in order.
//! Never: converts LSP positions (see `position.rs`) or talks to a client.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ropey::Rope;
use serde::Serialize;

use crate::config::Settings;
use crate::extract::code::{CodePrompt, CompiledRules, Lang, ModelSource, SourceFile};
use crate::extract::prompt_file::{placeholders, Directive, Flavor, SectionKind, Structure};
use crate::format;
use crate::pricing::Model;
use crate::tokenize::{chunks::ChunkedCount, Encoding};

/// Per-message framing tokens that OpenAI documents for its chat models ("How to count tokens
/// with tiktoken": 3 per message, plus 3 priming the reply). Other providers document none.
pub const OPENAI_TOKENS_PER_MESSAGE: u64 = 3;
pub const OPENAI_REPLY_PRIMING: u64 = 3;

/// A model's count and cost for one piece of text. Field names are part of the JSON output
/// of `count --json`, `check --format json` and `promptcost/count`.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ModelCount {
    pub model: String,
    /// The tokenizer the count was made with (for an estimate: the exact base count).
    pub encoding: String,
    /// `o200k_base`, `cl100k_base`, `gemma3`, `claude` or `estimate`: the model's tokenizer.
    pub tokenizer: String,
    pub tokens: u64,
    pub exact: bool,
    /// For estimates: the stated error bound, in percent.
    pub error_pct: Option<f64>,
    /// `null` when the model has no price (never 0).
    pub input_cost_usd: Option<f64>,
    pub cached_input_cost_usd: Option<f64>,
    pub context_window: Option<u64>,
    pub context_share: Option<f64>,
    /// Counted by Anthropic's `count_tokens` API (opt-in): exact, framing of one user
    /// message included.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub via_api: bool,
}

impl ModelCount {
    /// An exact count from the provider's API in place of an estimate.
    pub fn from_api(model: &Model, tokens: u64) -> ModelCount {
        ModelCount {
            exact: true,
            error_pct: None,
            via_api: true,
            ..ModelCount::new(model, tokens)
        }
    }

    /// "exact (o200k_base)", "≈ ±15%" or "exact via API".
    pub fn accuracy_label(&self, model: Option<&Model>) -> String {
        match (self.via_api, model, self.error_pct) {
            (true, _, _) => crate::anthropic::EXACT_VIA_API.to_string(),
            (_, Some(m), _) => m.accuracy_label(),
            (_, None, Some(e)) => format!("≈ ±{e:.0}%"),
            (_, None, None) => format!("exact ({})", self.encoding),
        }
    }

    pub fn new(model: &Model, tokens: u64) -> ModelCount {
        ModelCount {
            model: model.id.clone(),
            encoding: model.counting.encoding().name().to_string(),
            tokenizer: model.tokenizer.clone(),
            tokens,
            exact: model.counting.is_exact(),
            error_pct: model.counting.error_pct(),
            input_cost_usd: model.input_cost(tokens),
            cached_input_cost_usd: model.cached_input_cost(tokens),
            context_window: model.max_input_tokens,
            context_share: model.context_share(tokens),
            via_api: false,
        }
    }

    /// `412 tok · $0.0010` (estimates: `≈412 tok · $0.0012`).
    pub fn short_label(&self) -> String {
        format!(
            "{} tok · {}",
            format::tokens(self.tokens, self.exact),
            format::cost(self.input_cost_usd)
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PromptKind {
    File,
    Section,
    Message,
    Literal,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
    Information,
}

/// A problem to show: budget exceeded, context window exceeded, bad directive.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Problem {
    pub range: Range<usize>,
    pub severity: Severity,
    pub message: String,
    /// `budget`, `context-window`, `directive`, `model`.
    pub code: &'static str,
}

/// One prompt of a document: the file, a section, a chat message or a code literal.
#[derive(Clone, Debug, PartialEq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub name: String,
    /// The range shown to the user (a section with its heading, a literal with its quotes).
    pub range: Range<usize>,
    /// Where an inlay hint goes (end of the heading line / of the literal's first line).
    pub hint_at: usize,
    pub budget: Option<u64>,
    /// The model the budget is measured in (from a directive or front matter), else primary.
    pub budget_model: String,
    pub counts: Vec<ModelCount>,
    pub placeholders: Vec<String>,
}

impl Prompt {
    pub fn count_for(&self, model: &str) -> Option<&ModelCount> {
        self.counts.iter().find(|c| c.model == model)
    }

    /// The count the budget is checked against.
    pub fn budget_count(&self) -> &ModelCount {
        self.count_for(&self.budget_model)
            .unwrap_or(&self.counts[0])
    }
}

/// What a document holds: the file as a whole, then its sections/messages/literals.
#[derive(Clone, Debug)]
pub struct Analysis {
    pub file: Prompt,
    pub parts: Vec<Prompt>,
    pub problems: Vec<Problem>,
    /// `promptcost: ignore` at file level.
    pub ignored: bool,
}

impl Analysis {
    pub fn all(&self) -> impl Iterator<Item = &Prompt> {
        std::iter::once(&self.file).chain(self.parts.iter())
    }
}

/// Counts many ranges of one version of a document: the chunk index of each encoding is
/// built once (O(chunks)), then each range costs O(log chunks) plus its partial chunks.
pub struct RangeCounter<'a> {
    doc: &'a Document,
    indexes: Vec<(Encoding, crate::tokenize::chunks::RangeIndex<'a>)>,
    /// Ranges counted without an index so far.
    direct: usize,
}

/// Ranges counted by walking blocks before an index is built.
const DIRECT_RANGES: usize = 32;

impl<'a> RangeCounter<'a> {
    pub fn new(doc: &'a Document) -> Self {
        RangeCounter {
            doc,
            indexes: Vec::new(),
            direct: 0,
        }
    }

    pub fn encoding(&mut self, e: Encoding, range: Range<usize>) -> u64 {
        let len = self.doc.len();
        let range = range.start.min(len)..range.end.min(len).max(range.start.min(len));
        if let Some((_, idx)) = self.indexes.iter().find(|(x, _)| *x == e) {
            return idx.count(range);
        }
        match self.doc.counter(e) {
            // A few ranges: walk the blocks. Many: build the index once (O(chunks)).
            Some(c) if self.direct < DIRECT_RANGES => {
                self.direct += 1;
                c.count_range(&self.doc.rope, range)
            }
            Some(c) => {
                let idx = c.ranges(&self.doc.rope);
                let n = idx.count(range);
                self.indexes.push((e, idx));
                n
            }
            None => {
                let (a, b) = (self.doc.floor(range.start), self.doc.floor(range.end));
                e.count(&self.doc.rope.byte_slice(a..b).to_string()) as u64
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

#[derive(Clone, Debug)]
pub struct Document {
    pub path: PathBuf,
    pub rope: Rope,
    pub structure: Structure,
    counters: Vec<ChunkedCount>,
    /// For a source file: its syntax tree and the prompts found in it.
    pub code: Option<CodeState>,
}

/// A source file's prompts, kept up to date incrementally: the tree is re-parsed with
/// `Tree::edit`, and only literals whose value changed are counted again (counts are cached
/// by value).
#[derive(Clone, Debug)]
pub struct CodeState {
    pub lang: Lang,
    pub source: SourceFile,
    rules: Arc<CompiledRules>,
    pub prompts: Vec<CodePrompt>,
    encodings: Vec<Encoding>,
    /// (encoding, hash of a value) → tokens.
    counts: HashMap<(Encoding, u64), u64>,
}

fn hash_str(s: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

/// An unnamed tagged prompt is named by its line (`prompt@L12`): follow it when lines move.
fn rename_moved(p: &mut CodePrompt, line_delta: isize) {
    if !matches!(
        p.reason,
        crate::extract::code::Reason::Tag | crate::extract::code::Reason::Prose
    ) {
        return;
    }
    if let Some(n) = p
        .name
        .strip_prefix("prompt@L")
        .and_then(|n| n.parse::<isize>().ok())
    {
        p.name = format!("prompt@L{}", n + line_delta);
    }
}

impl CodeState {
    /// After an edit (bytes `start..old_end` became `new_len` bytes; `text` is the new
    /// text): re-extracts only the top-level statements around the edit and the ranges
    /// whose syntax changed, and keeps the other prompts (shifted). A tree with syntax
    /// errors is extracted whole (error recovery can regroup distant statements).
    fn refresh_edit(
        &mut self,
        text: &str,
        start: usize,
        old_end: usize,
        new_len: usize,
        line_delta: isize,
    ) {
        if self.source.has_error() {
            return self.refresh(text);
        }
        let new_end = start + new_len;
        let shift = |x: usize| x + new_len - (old_end - start);
        let mut window = start..new_end;
        for r in self.source.changed_ranges() {
            window = window.start.min(r.start)..window.end.max(r.end);
        }
        let old = std::mem::take(&mut self.prompts);
        let len = text.len();
        // An old prompt's range in new coordinates; one that overlaps the edit is stretched
        // over it (it is re-extracted in any case).
        let to_new = |r: &Range<usize>| -> Range<usize> {
            let (s, e) = if r.end <= start {
                (r.start, r.end)
            } else if r.start >= old_end {
                (shift(r.start), shift(r.end))
            } else {
                (
                    r.start.min(start),
                    if r.end > old_end {
                        shift(r.end)
                    } else {
                        new_end
                    },
                )
            };
            s.min(len)..e.min(len)
        };
        loop {
            let (covered, fresh) = self
                .source
                .prompts_around(text, &self.rules, window.clone());
            // Old prompts that reach into the covered range must be re-extracted too:
            // widen until none straddles it (the window only grows, within the text).
            let straddles = old.iter().map(|p| to_new(&p.range)).find(|r| {
                r.start < covered.end
                    && r.end > covered.start
                    && (r.start < covered.start || r.end > covered.end)
            });
            if let Some(r) = straddles.clone() {
                let wider = covered.start.min(r.start)..covered.end.max(r.end);
                if wider != window {
                    window = wider;
                    continue;
                }
            }
            let prompts_new: Vec<CodePrompt> = if straddles.is_some() {
                // Cannot happen (the window would have grown); stay correct regardless.
                self.source.prompts(text, &self.rules)
            } else {
                let mut kept: Vec<CodePrompt> = old
                    .into_iter()
                    .filter_map(|mut p| {
                        let r = to_new(&p.range);
                        let untouched = p.range.end <= start || p.range.start >= old_end;
                        if untouched && (r.end <= covered.start || r.start >= covered.end) {
                            if p.range.start >= old_end && line_delta != 0 {
                                rename_moved(&mut p, line_delta);
                            }
                            p.range = r;
                            Some(p)
                        } else {
                            None
                        }
                    })
                    .collect();
                kept.extend(fresh);
                kept.sort_by_key(|p| p.range.start);
                kept
            };
            self.prompts = prompts_new;
            break;
        }
        self.recount();
    }

    /// Finds the prompts in `text` and counts the values not counted before.
    fn refresh(&mut self, text: &str) {
        self.prompts = self.source.prompts(text, &self.rules);
        self.recount();
    }

    /// Counts the values not counted before; forgets values no longer present.
    fn recount(&mut self) {
        let mut counts = HashMap::with_capacity(self.prompts.len() * self.encodings.len());
        for p in &self.prompts {
            let h = hash_str(&p.value);
            for &e in &self.encodings {
                let n = match self.counts.get(&(e, h)) {
                    Some(&n) => n,
                    None => e.count(&p.value) as u64,
                };
                counts.insert((e, h), n);
            }
        }
        self.counts = counts;
    }

    /// A cache to count with during one analysis (values seen since are kept by `refresh`).
    fn clone_counts(&self) -> CountCache {
        CountCache {
            counts: self.counts.clone(),
        }
    }
}

struct CountCache {
    counts: HashMap<(Encoding, u64), u64>,
}

impl CountCache {
    fn tokens(&mut self, e: Encoding, value: &str) -> u64 {
        *self
            .counts
            .entry((e, hash_str(value)))
            .or_insert_with(|| e.count(value) as u64)
    }
}

fn point(rope: &Rope, byte: usize) -> tree_sitter::Point {
    let row = rope.byte_to_line(byte);
    tree_sitter::Point {
        row,
        column: byte - rope.line_to_byte(row),
    }
}

/// What `analyze_where`'s filter sees of a section or literal.
pub struct PartInfo {
    pub range: Range<usize>,
    pub hint_at: usize,
    pub has_budget: bool,
}

impl Document {
    pub fn new(path: &Path, text: &str, encodings: &[Encoding]) -> Document {
        let rope = Rope::from_str(text);
        let structure = Structure::parse(Flavor::from_path(path), &rope);
        let mut d = Document {
            path: path.to_path_buf(),
            rope,
            structure,
            counters: Vec::new(),
            code: None,
        };
        d.ensure_encodings(encodings);
        d
    }

    /// A source file whose prompts are its tagged string literals.
    pub fn new_code(
        path: &Path,
        lang: Lang,
        text: &str,
        rules: Arc<CompiledRules>,
        encodings: &[Encoding],
    ) -> Document {
        let rope = Rope::from_str(text);
        let structure = Structure {
            flavor: Flavor::Markdown,
            markers: Vec::new(),
            front_matter: None,
        };
        let mut code = CodeState {
            lang,
            source: SourceFile::parse(lang, text).for_path(path),
            rules,
            prompts: Vec::new(),
            encodings: encodings.to_vec(),
            counts: HashMap::new(),
        };
        code.refresh(text);
        Document {
            path: path.to_path_buf(),
            rope,
            structure,
            counters: Vec::new(),
            code: Some(code),
        }
    }

    /// Adds counters for encodings not counted yet (after a configuration change).
    pub fn ensure_encodings(&mut self, encodings: &[Encoding]) {
        if let Some(code) = &mut self.code {
            for &e in encodings {
                if !code.encodings.contains(&e) {
                    code.encodings.push(e);
                }
            }
            return;
        }
        for &e in encodings {
            if !self.counters.iter().any(|c| c.encoding() == e) {
                let anchors = self.anchors();
                self.counters
                    .push(ChunkedCount::new(e, &self.rope, &anchors));
            }
        }
    }

    /// The encodings among `encodings` not counted yet.
    pub fn missing_encodings(&self, encodings: &[Encoding]) -> Vec<Encoding> {
        if let Some(code) = &self.code {
            return encodings
                .iter()
                .copied()
                .filter(|e| !code.encodings.contains(e))
                .collect();
        }
        encodings
            .iter()
            .copied()
            .filter(|e| !self.counters.iter().any(|c| c.encoding() == *e))
            .collect()
    }

    /// Bytes an edit of `range` would recount (the most over the encodings; 0 for a source
    /// file, whose literals are counted by value).
    pub fn edit_cost(&self, range: Range<usize>) -> usize {
        self.counters
            .iter()
            .map(|c| c.edit_cost(range.start, range.end))
            .max()
            .unwrap_or(0)
    }

    /// Forgets the counts (they are made again, e.g. on a background thread, by
    /// [`Document::counting_job`]).
    pub fn drop_counters(&mut self) {
        self.counters.clear();
    }

    /// A self-contained job that counts this version of the text in `encodings` (for a
    /// background thread: the rope is shared, not copied). Each encoding counts on a thread
    /// of its own, so a large file's first numbers wait for the slowest encoding, not the sum.
    pub fn counting_job(
        &self,
        encodings: Vec<Encoding>,
    ) -> impl FnOnce() -> Vec<ChunkedCount> + Send + 'static {
        let rope = self.rope.clone();
        let anchors = self.anchors();
        move || {
            std::thread::scope(|scope| {
                let jobs: Vec<_> = encodings
                    .into_iter()
                    .map(|e| {
                        let (rope, anchors) = (&rope, &anchors);
                        scope.spawn(move || ChunkedCount::new(e, rope, anchors))
                    })
                    .collect();
                jobs.into_iter().filter_map(|j| j.join().ok()).collect()
            })
        }
    }

    /// Installs counters made by [`Document::counting_job`] for the current text.
    pub fn install_counters(&mut self, counters: Vec<ChunkedCount>) {
        for c in counters {
            if c.len() == self.rope.len_bytes()
                && !self.counters.iter().any(|x| x.encoding() == c.encoding())
            {
                self.counters.push(c);
            }
        }
    }

    /// The end of the first line (before its line break), given the line's byte length.
    pub fn text_prefix_line_end(&self, line_len: usize) -> usize {
        let mut e = line_len.min(self.len());
        while e > 0 && matches!(self.rope.byte(e - 1), b'\n' | b'\r') {
            e -= 1;
        }
        e
    }

    /// The decoded value of the code literal shown at `range` (source files only).
    pub fn literal_value(&self, range: Range<usize>) -> Option<String> {
        let code = self.code.as_ref()?;
        code.prompts
            .iter()
            .find(|cp| cp.range == range)
            .map(|cp| cp.value.clone())
    }

    pub fn text(&self) -> String {
        self.rope.to_string()
    }

    pub fn len(&self) -> usize {
        self.rope.len_bytes()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Replaces the bytes `range` (clamped to the text and to char boundaries) with `text`.
    pub fn replace(&mut self, range: Range<usize>, text: &str) {
        let len = self.rope.len_bytes();
        let start = self.floor(range.start.min(len));
        let end = self.floor(range.end.min(len)).max(start);
        let (cs, ce) = (self.rope.byte_to_char(start), self.rope.byte_to_char(end));
        let (start_position, old_end_position) = (point(&self.rope, start), point(&self.rope, end));
        self.rope.remove(cs..ce);
        self.rope.insert(cs, text);
        if let Some(code) = &mut self.code {
            let new_end = start + text.len();
            let edit = tree_sitter::InputEdit {
                start_byte: start,
                old_end_byte: end,
                new_end_byte: new_end,
                start_position,
                old_end_position,
                new_end_position: point(&self.rope, new_end),
            };
            let full = self.rope.to_string();
            code.source.edit(&edit, &full);
            let line_delta = edit.new_end_position.row as isize - old_end_position.row as isize;
            code.refresh_edit(&full, start, end, text.len(), line_delta);
            return;
        }
        let old_body = self.structure.body_start();
        self.structure
            .apply_edit(&self.rope, start, end, text.len());
        let mut counters = std::mem::take(&mut self.counters);
        let anchors = |a: usize, b: usize| self.anchors_in(a, b);
        for c in &mut counters {
            c.apply_edit(&self.rope, start, end, text.len(), &anchors);
        }
        // The body start moves when front matter changes: keep it a chunk boundary.
        let body = self.structure.body_start();
        if body != old_body {
            for c in &mut counters {
                c.ensure_anchors(&self.rope, &[body]);
            }
        }
        self.counters = counters;
    }

    /// Replaces the whole text (the fast path for full-document sync).
    pub fn set_text(&mut self, text: &str) {
        if let Some(code) = &self.code {
            *self = Document::new_code(
                &self.path,
                code.lang,
                text,
                code.rules.clone(),
                &code.encodings.clone(),
            );
            return;
        }
        let encodings: Vec<Encoding> = self.counters.iter().map(|c| c.encoding()).collect();
        *self = Document::new(&self.path, text, &encodings);
    }

    fn floor(&self, b: usize) -> usize {
        self.rope.char_to_byte(self.rope.byte_to_char(b))
    }

    /// Offsets where counted ranges start and end: chunk boundaries there make section counts
    /// sums. Only the anchors in `a..b` (O(log markers) to find).
    fn anchors_in(&self, a: usize, b: usize) -> Vec<usize> {
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
                    let l = self.rope.byte_to_line(m.offset);
                    if l + 1 < self.rope.len_lines() {
                        let next = self.rope.line_to_byte(l + 1);
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

    fn anchors(&self) -> Vec<usize> {
        self.anchors_in(0, self.rope.len_bytes() + 1)
    }

    fn counter(&self, e: Encoding) -> Option<&ChunkedCount> {
        self.counters.iter().find(|c| c.encoding() == e)
    }

    /// Exact count of `range` in encoding `e`.
    pub fn count_encoding(&self, e: Encoding, range: Range<usize>) -> u64 {
        RangeCounter::new(self).encoding(e, range)
    }

    /// Counts of `range` for each of `models`.
    pub fn count_range(&self, range: Range<usize>, models: &[Model]) -> Vec<ModelCount> {
        RangeCounter::new(self).models(range, models.iter())
    }

    /// Per-prompt counts, costs and budget problems, for the configured models.
    pub fn analyze(&self, settings: &Settings) -> Analysis {
        self.analyze_where(settings, &|_| true)
    }

    /// The analysis of a source file: each prompt literal, and the file as their sum.
    fn analyze_code(&self, settings: &Settings, keep: &dyn Fn(&PartInfo) -> bool) -> Analysis {
        let code = self.code.as_ref().expect("a source file");
        // Counting a value not seen yet (a model added since) needs the cache mutably.
        let cache = Mutex::new(code.clone_counts());
        let count = |e: Encoding, v: &str| -> u64 {
            let mut c = cache.lock().unwrap_or_else(|p| p.into_inner());
            c.tokens(e, v)
        };
        let mut problems = Vec::new();
        let mut parts = Vec::new();
        let mut totals: Vec<u64> = vec![0; settings.models.len()];
        let mut totals_exact: Vec<bool> = vec![true; settings.models.len()];
        // A call's tool definitions count with each of its prompts, once in the file's total.
        let mut calls = std::collections::HashSet::new();
        for p in &code.prompts {
            let tools = p.tools.as_ref().filter(|t| calls.insert(t.call));
            for (i, m) in settings.models.iter().enumerate() {
                let text = m.counting.from_base(count(m.counting.encoding(), &p.value));
                let c = crate::cost::tools::with_call_tools(m, tools, text);
                totals[i] += c.tokens;
                totals_exact[i] &= c.exact;
            }
            let line = self.rope.byte_to_line(p.range.start.min(self.len()));
            let line_end = if line + 1 < self.rope.len_lines() {
                self.rope.line_to_byte(line + 1)
            } else {
                self.len()
            };
            let mut hint_at = p.range.end.min(line_end);
            while hint_at > p.range.start && matches!(self.rope.byte(hint_at - 1), b'\n' | b'\r') {
                hint_at -= 1;
            }
            if !keep(&PartInfo {
                range: p.range.clone(),
                hint_at,
                has_budget: p.budget.is_some(),
            }) {
                continue;
            }
            let mut models: Vec<&Model> = settings.models.iter().collect();
            for e in &p.directive_errors {
                problems.push(Problem {
                    range: p.range.start..p.range.start,
                    severity: Severity::Warning,
                    message: e.clone(),
                    code: "directive",
                });
            }
            if let Some(name) = &p.model {
                match resolve_call_model(settings, name) {
                    Ok(m) => {
                        models.retain(|x| x.id != m.id);
                        models.insert(0, m);
                    }
                    Err(e) => problems.push(Problem {
                        range: p.range.start..p.range.start,
                        severity: Severity::Warning,
                        message: match p.model_source {
                            Some(ModelSource::Call) => format!("the call's model: {e}"),
                            _ => e.to_string(),
                        },
                        code: "model",
                    }),
                }
            }
            let counts: Vec<ModelCount> = models
                .iter()
                .map(|m| {
                    let text = m.counting.from_base(count(m.counting.encoding(), &p.value));
                    crate::cost::tools::with_call_tools(m, p.tools.as_ref(), text)
                })
                .collect();
            parts.push(Prompt {
                kind: PromptKind::Literal,
                name: p.name.clone(),
                range: p.range.clone(),
                hint_at,
                budget: p.budget,
                budget_model: models[0].id.clone(),
                counts,
                // Interpolations the detector saw, else template fields in the text itself
                // (`"Hello {name}"` kept for a later `.format`).
                placeholders: code_placeholders(p),
            });
        }
        let file = Prompt {
            kind: PromptKind::File,
            name: self
                .path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("")
                .to_string(),
            range: 0..self.len(),
            hint_at: 0,
            // Only an explicit per-glob budget applies to a source file as a whole.
            budget: settings.glob_budget_for(&self.path),
            budget_model: settings.models.primary().id.clone(),
            counts: settings
                .models
                .iter()
                .zip(totals.into_iter().zip(totals_exact))
                .map(|(m, (t, exact))| ModelCount {
                    exact: exact && m.counting.is_exact(),
                    ..ModelCount::new(m, t)
                })
                .collect(),
            // The file's placeholders are those of its prompts, not every `{...}` in the code.
            placeholders: code.prompts.iter().flat_map(code_placeholders).collect(),
        };
        let mut analysis = Analysis {
            file,
            parts,
            problems,
            ignored: false,
        };
        budget_problems(&mut analysis, &self.rope);
        analysis
    }

    /// Like [`Document::analyze`], but counts only the sections `keep` accepts (the file is
    /// always counted): the language server asks for the visible sections (hints), the one
    /// under the cursor (hover) or those with a budget (diagnostics), so a keystroke in a
    /// file with thousands of sections costs O(sections) cheap steps, not O(sections) counts.
    pub fn analyze_where(&self, settings: &Settings, keep: &dyn Fn(&PartInfo) -> bool) -> Analysis {
        if self.code.is_some() {
            return self.analyze_code(settings, keep);
        }
        let rope = &self.rope;
        let mut problems = Vec::new();
        let file_directive: Directive = self.structure.file_directive(rope);
        for e in &file_directive.errors {
            problems.push(Problem {
                range: 0..0,
                severity: Severity::Warning,
                message: e.clone(),
                code: "directive",
            });
        }
        // The models a prompt is counted for: the configured ones, with the prompt's own model
        // (directive / front matter) first. That first model is the one its budget is in.
        let models_for = |extra: Option<&str>,
                          problems: &mut Vec<Problem>,
                          at: usize|
         -> (Vec<&Model>, String) {
            let mut models: Vec<&Model> = settings.models.iter().collect();
            if let Some(name) = extra {
                match settings.table.resolve(name) {
                    Ok(m) => {
                        models.retain(|x| x.id != m.id);
                        models.insert(0, m);
                    }
                    Err(e) => problems.push(Problem {
                        range: at..at,
                        severity: Severity::Warning,
                        message: e.to_string(),
                        code: "model",
                    }),
                }
            }
            let budget_model = models[0].id.clone();
            (models, budget_model)
        };

        let mut counter = RangeCounter::new(self);
        let sections = self.structure.sections(rope);
        let n_messages = sections
            .iter()
            .filter(|s| matches!(s.kind, SectionKind::Message(_)))
            .count() as u64;
        let (file_models, file_budget_model) =
            models_for(file_directive.model.as_deref(), &mut problems, 0);
        let body = self.structure.body_start()..rope.len_bytes();
        let file_counts = if n_messages > 0 {
            // A chat file: the messages' contents plus their framing.
            let mut sum = vec![0u64; file_models.len()];
            for s in sections
                .iter()
                .filter(|s| matches!(s.kind, SectionKind::Message(_)))
            {
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
                .map(|(m, t)| {
                    ModelCount::new(
                        m,
                        t + framing(m, n_messages)
                            + if m.provider == "openai" {
                                OPENAI_REPLY_PRIMING
                            } else {
                                0
                            },
                    )
                })
                .collect()
        } else {
            counter.models(body.clone(), file_models.iter().copied())
        };
        let name = self
            .path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string();
        let file = Prompt {
            kind: PromptKind::File,
            name,
            range: body.clone(),
            hint_at: 0,
            budget: file_directive
                .budget
                .or_else(|| settings.budget_for(&self.path)),
            budget_model: file_budget_model,
            counts: file_counts,
            placeholders: Vec::new(),
        };

        let mut parts = Vec::new();
        for s in sections.iter().filter(|s| {
            keep(&PartInfo {
                range: s.range.clone(),
                hint_at: s.header_end,
                has_budget: s.budget.is_some(),
            })
        }) {
            // A section's model: its own directive, else the file's (front matter / directive).
            let (models, budget_model) = models_for(
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
                budget_model,
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

    /// The placeholders of a prompt: a source file's literals (and the file as their sum)
    /// carry their own; a prompt file's are read from its text.
    pub fn placeholders_of(&self, p: &Prompt) -> Vec<String> {
        if self.code.is_some() || p.kind == PromptKind::Literal {
            p.placeholders.clone()
        } else {
            self.placeholders_in(p.range.clone())
        }
    }

    /// How a code prompt's model was chosen, for hovers and hints: `priced as gpt-4o-mini,
    /// from the call` (`None` when it is priced in the configured models).
    pub fn model_note(&self, p: &Prompt) -> Option<String> {
        let code = self.code.as_ref()?;
        let cp = code.prompts.iter().find(|c| c.range == p.range)?;
        cp.model.as_ref()?;
        let from = match cp.model_source? {
            ModelSource::Call => "from the call",
            ModelSource::Directive => "from the directive",
        };
        Some(format!("priced as {}, {from}", p.budget_model))
    }

    /// Template placeholders in `range` (computed on demand: hovers, reports).
    pub fn placeholders_in(&self, range: Range<usize>) -> Vec<String> {
        placeholders(
            &self
                .rope
                .byte_slice(
                    self.floor(range.start.min(self.len()))..self.floor(range.end.min(self.len())),
                )
                .to_string(),
        )
    }
}

/// Interpolations the detector saw, else template fields in the text itself (`"Hello
/// {name}"` kept for a later `.format`).
fn code_placeholders(p: &CodePrompt) -> Vec<String> {
    if p.placeholders.is_empty() {
        placeholders(&p.value)
    } else {
        p.placeholders.clone()
    }
}

/// A model named in code: as written, else without a provider prefix (`openai:gpt-4o`,
/// `openai/gpt-4o-mini`, `googleai/gemini-2.5-flash`); the error is the one for the name
/// as written (with its suggestions).
fn resolve_call_model<'s>(
    settings: &'s Settings,
    name: &str,
) -> Result<&'s Model, crate::pricing::UnknownModel> {
    settings.table.resolve(name).or_else(|e| {
        name.rsplit_once(['/', ':'])
            .and_then(|(_, bare)| settings.table.resolve(bare).ok())
            .ok_or(e)
    })
}

fn framing(m: &Model, messages: u64) -> u64 {
    if m.provider == "openai" {
        OPENAI_TOKENS_PER_MESSAGE * messages
    } else {
        0
    }
}

/// Budget warnings (on the section's range, or the first line for a file) and context-window
/// errors (the file against every configured model).
pub fn budget_problems(a: &mut Analysis, rope: &Rope) {
    let first_line_end = {
        let end = if rope.len_lines() > 1 {
            rope.line_to_byte(1)
        } else {
            rope.len_bytes()
        };
        let mut e = end;
        while e > 0 && matches!(rope.byte(e - 1), b'\n' | b'\r') {
            e -= 1;
        }
        e
    };
    let mut out = Vec::new();
    for p in a.all() {
        let Some(budget) = p.budget else { continue };
        let c = p.budget_count();
        if c.tokens > budget {
            let over = (c.tokens - budget) as f64 / budget as f64 * 100.0;
            let range = if p.kind == PromptKind::File {
                0..first_line_end
            } else {
                p.range.start..p.hint_at
            };
            out.push(Problem {
                range,
                severity: Severity::Warning,
                message: format!(
                    "{} tokens exceeds budget {} (+{}) for {} ({})",
                    format::tokens(c.tokens, c.exact),
                    format::thousands(budget),
                    if over < 1.0 {
                        format!("{over:.1}%")
                    } else {
                        format!("{over:.0}%")
                    },
                    if p.kind == PromptKind::File {
                        "this file".to_string()
                    } else {
                        format!("{} '{}'", kind_word(p.kind), p.name)
                    },
                    c.model,
                ),
                code: "budget",
            });
        }
    }
    for c in &a.file.counts {
        if let Some(w) = c.context_window {
            if c.tokens > w {
                out.push(Problem {
                    range: 0..first_line_end,
                    severity: Severity::Error,
                    message: format!(
                        "{} tokens exceeds the context window of {} ({})",
                        format::tokens(c.tokens, c.exact),
                        c.model,
                        format::thousands(w)
                    ),
                    code: "context-window",
                });
            }
        }
    }
    a.problems.extend(out);
}

fn kind_word(k: PromptKind) -> &'static str {
    match k {
        PromptKind::File => "file",
        PromptKind::Section => "section",
        PromptKind::Message => "message",
        PromptKind::Literal => "prompt",
    }
}
