//! A source file's side of a document: its syntax tree and the prompts found in it, kept up
//! to date incrementally, and their analysis (each prompt literal, the file as their sum).
//!
//! Owns: re-parsing after an edit, re-extracting the statements around it, moving the other
//! prompts (and the names that carry their line), counts cached by value.
//! Never: holds a Markdown structure or chunk counters (literals are counted by value).

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::ops::Range;
use std::path::Path;
use std::sync::{Arc, Mutex};

use ropey::Rope;

use super::analysis::{budget_problems, Analysis, ModelCount, PartInfo};
use super::analysis::{Problem, Prompt, PromptKind};
use crate::config::Settings;
use crate::extract::code::{CodePrompt, CompiledRules, Lang, ModelSource, Reason, SourceFile};
use crate::extract::prompt_file::placeholders;
use crate::pricing::Model;
use crate::tokenize::Encoding;

/// A source file's prompts, kept up to date incrementally: the tree is re-parsed with
/// `Tree::edit`, and only literals whose value changed are counted again (counts are cached
/// by value).
#[derive(Clone, Debug)]
pub struct CodeState {
    pub lang: Lang,
    pub source: SourceFile,
    /// The whole text, as the rope holds it (the tree and the extraction read a `&str`):
    /// edited in place, never copied from the rope.
    text: String,
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
    if !matches!(p.reason, Reason::Tag | Reason::Prose) {
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

fn point(rope: &Rope, byte: usize) -> tree_sitter::Point {
    let row = rope.byte_to_line(byte);
    tree_sitter::Point {
        row,
        column: byte - rope.line_to_byte(row),
    }
}

impl CodeState {
    /// Parses `text` and finds its prompts, counted in `encodings`.
    pub(super) fn new(
        path: &Path,
        lang: Lang,
        text: &str,
        rules: Arc<CompiledRules>,
        encodings: &[Encoding],
    ) -> CodeState {
        let mut code = CodeState {
            lang,
            source: SourceFile::parse(lang, text).for_path(path),
            text: text.to_string(),
            rules,
            prompts: Vec::new(),
            encodings: encodings.to_vec(),
            counts: HashMap::new(),
        };
        code.refresh(text);
        code
    }

    /// The same file with another text (full-document sync).
    pub(super) fn with_text(&self, path: &Path, text: &str) -> CodeState {
        CodeState::new(path, self.lang, text, self.rules.clone(), &self.encodings)
    }

    pub(super) fn has_encoding(&self, e: Encoding) -> bool {
        self.encodings.contains(&e)
    }

    /// Values are counted in `e` from the next refresh on (and on demand until then).
    pub(super) fn add_encoding(&mut self, e: Encoding) {
        if !self.has_encoding(e) {
            self.encodings.push(e);
        }
    }

    /// The decoded value of the literal shown at `range`.
    pub(super) fn literal_at(&self, range: &Range<usize>) -> Option<&CodePrompt> {
        self.prompts.iter().find(|cp| cp.range == *range)
    }

    /// Replaces the bytes `start..end` (char boundaries) of `rope` with `text`, then
    /// re-parses the tree and re-extracts the prompts around the edit.
    pub(super) fn replace(&mut self, rope: &mut Rope, start: usize, end: usize, text: &str) {
        let (start_position, old_end_position) = (point(rope, start), point(rope, end));
        let kind = self.source.begin_edit(&self.text, start, end, text);
        super::edit_rope(rope, start, end, text);
        self.text.replace_range(start..end, text);
        let new_end = start + text.len();
        let edit = tree_sitter::InputEdit {
            start_byte: start,
            old_end_byte: end,
            new_end_byte: new_end,
            start_position,
            old_end_position,
            new_end_position: point(rope, new_end),
        };
        self.source.finish_edit(&edit, &self.text, kind);
        let line_delta = edit.new_end_position.row as isize - old_end_position.row as isize;
        let full = std::mem::take(&mut self.text);
        self.refresh_edit(&full, start, end, text.len(), line_delta);
        self.text = full;
    }

    /// The whole text.
    pub(super) fn text(&self) -> &str {
        &self.text
    }

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

    /// The analysis of a source file: each prompt literal `keep` accepts, and the file as
    /// the sum of all of them.
    pub(super) fn analyze(
        &self,
        rope: &Rope,
        path: &Path,
        settings: &Settings,
        keep: &dyn Fn(&PartInfo) -> bool,
    ) -> Analysis {
        // Counting a value not seen yet (a model added since) needs the cache mutably.
        let cache = Mutex::new(self.clone_counts());
        let count = |e: Encoding, v: &str| -> u64 {
            let mut c = cache.lock().unwrap_or_else(|p| p.into_inner());
            c.tokens(e, v)
        };
        let len = rope.len_bytes();
        let mut problems = Vec::new();
        let mut parts = Vec::new();
        let mut totals: Vec<u64> = vec![0; settings.models.len()];
        let mut totals_exact: Vec<bool> = vec![true; settings.models.len()];
        // A call's tool definitions count with each of its prompts, once in the file's total.
        let mut calls = std::collections::HashSet::new();
        for p in &self.prompts {
            let tools = p.tools.as_ref().filter(|t| calls.insert(t.call));
            // a constant that another prompt resolves counts once, in that prompt
            for (i, m) in settings.models.iter().enumerate().filter(|_| !p.inside) {
                let text = m.counting.from_base(count(m.counting.encoding(), &p.value));
                let c = crate::cost::tools::with_call_tools(m, tools, text);
                totals[i] += c.tokens;
                totals_exact[i] &= c.exact;
            }
            let line = rope.byte_to_line(p.range.start.min(len));
            let hint_at = super::before_break(
                rope,
                p.range.start,
                p.range.end.min(super::line_end(rope, line)),
            );
            if !keep(&PartInfo {
                range: p.range.clone(),
                hint_at,
                has_budget: p.budget.is_some(),
            }) {
                continue;
            }
            for e in &p.directive_errors {
                problems.push(Problem::warning_at(p.range.start, "directive", e.clone()));
            }
            let own =
                p.model
                    .as_deref()
                    .and_then(|name| match resolve_call_model(settings, name) {
                        Ok(m) => Some(m),
                        Err(e) => {
                            let message = match p.model_source {
                                Some(ModelSource::Call) => format!("the call's model: {e}"),
                                Some(ModelSource::File) => format!("the file's model: {e}"),
                                _ => e.to_string(),
                            };
                            problems.push(Problem::warning_at(p.range.start, "model", message));
                            None
                        }
                    });
            let models = settings.models.for_prompt(own);
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
                placeholders: code_placeholders(p),
            });
        }
        let file = Prompt {
            kind: PromptKind::File,
            name: super::file_name(path),
            range: 0..len,
            hint_at: 0,
            // Only an explicit per-glob budget applies to a source file as a whole.
            budget: settings.glob_budget_for(path),
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
            placeholders: self.prompts.iter().flat_map(code_placeholders).collect(),
        };
        let mut analysis = Analysis {
            file,
            parts,
            problems,
            ignored: false,
        };
        budget_problems(&mut analysis, rope);
        analysis
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
