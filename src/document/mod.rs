//! A document: its text (a rope) and what it is, a prompt file (its structure and chunk
//! counters) or a source file (its syntax tree and prompt literals), kept incrementally.
//! The analysis of a document (per-prompt counts, costs, budgets) is shared by the language
//! server and `check`, so both always agree.
//!
//! Owns: applying edits (byte ranges) to the rope and then to the document's kind, in order;
//! one `match` on the kind per operation. Never: converts LSP positions (see `position.rs`)
//! or talks to a client.

mod analysis;
mod code;
mod counter;
mod framing;
mod prompt_file;

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ropey::Rope;

pub use analysis::{
    budget_problems, Analysis, ModelCount, PartInfo, Problem, Prompt, PromptKind, Severity,
};
pub use code::CodeState;
pub use counter::RangeCounter;
pub use framing::{OPENAI_REPLY_PRIMING, OPENAI_TOKENS_PER_MESSAGE};
pub use prompt_file::PromptFileState;

use crate::config::Settings;
use crate::extract::code::{CompiledRules, Lang, ModelSource};
use crate::extract::prompt_file::{placeholders, Structure};
use crate::pricing::Model;
use crate::tokenize::{chunks::ChunkedCount, Encoding};

#[derive(Clone, Debug)]
pub struct Document {
    pub path: PathBuf,
    pub rope: Rope,
    body: Body,
}

/// What a document is: a prompt file has a structure and no code prompts, a source file
/// prompts in code and no structure.
#[derive(Clone, Debug)]
pub enum Body {
    /// A prompt file (Markdown, `.prompt`, `.prompty`, agent files, plain text): marker
    /// lines, front matter, sections, and one chunked counter per encoding.
    PromptFile(PromptFileState),
    /// A source file whose prompts are its string literals (tagged, named or passed to an
    /// LLM call), counted by value.
    Source(CodeState),
}

impl Document {
    /// A prompt file.
    pub fn new(path: &Path, text: &str, encodings: &[Encoding]) -> Document {
        let rope = Rope::from_str(text);
        let file = PromptFileState::new(path, &rope, encodings);
        Document {
            path: path.to_path_buf(),
            rope,
            body: Body::PromptFile(file),
        }
    }

    /// A source file whose prompts are its string literals.
    pub fn new_code(
        path: &Path,
        lang: Lang,
        text: &str,
        rules: Arc<CompiledRules>,
        encodings: &[Encoding],
    ) -> Document {
        Document {
            path: path.to_path_buf(),
            rope: Rope::from_str(text),
            body: Body::Source(CodeState::new(path, lang, text, rules, encodings)),
        }
    }

    pub fn body(&self) -> &Body {
        &self.body
    }

    /// A prompt file's structure (`None` for a source file).
    pub fn structure(&self) -> Option<&Structure> {
        match &self.body {
            Body::PromptFile(f) => Some(&f.structure),
            Body::Source(_) => None,
        }
    }

    /// A source file's syntax tree and prompts (`None` for a prompt file).
    pub fn code(&self) -> Option<&CodeState> {
        match &self.body {
            Body::PromptFile(_) => None,
            Body::Source(c) => Some(c),
        }
    }

    pub(crate) fn is_source(&self) -> bool {
        matches!(self.body, Body::Source(_))
    }

    /// The chunk counters ranges are counted with (none for a source file).
    fn counters(&self) -> &[ChunkedCount] {
        match &self.body {
            Body::PromptFile(f) => f.counters(),
            Body::Source(_) => &[],
        }
    }

    /// Adds counters for encodings not counted yet (after a configuration change); a source
    /// file counts its literals' values in them from its next edit on (on demand until then).
    pub(crate) fn ensure_encodings(&mut self, encodings: &[Encoding]) {
        match &mut self.body {
            Body::PromptFile(f) => f.ensure_encodings(&self.rope, encodings),
            Body::Source(c) => encodings.iter().for_each(|&e| c.add_encoding(e)),
        }
    }

    /// The encodings among `encodings` not counted yet.
    pub(crate) fn missing_encodings(&self, encodings: &[Encoding]) -> Vec<Encoding> {
        let has = |e: Encoding| match &self.body {
            Body::PromptFile(f) => f.has_encoding(e),
            Body::Source(c) => c.has_encoding(e),
        };
        encodings.iter().copied().filter(|&e| !has(e)).collect()
    }

    /// Bytes an edit of `range` would recount (the most over the encodings; 0 for a source
    /// file, whose literals are counted by value).
    pub(crate) fn edit_cost(&self, range: Range<usize>) -> usize {
        match &self.body {
            Body::PromptFile(f) => f.edit_cost(range),
            Body::Source(_) => 0,
        }
    }

    /// Forgets the counts (they are made again, e.g. on a background thread, by
    /// [`Document::counting_job`]). A source file has none to forget.
    pub(crate) fn drop_counters(&mut self) {
        match &mut self.body {
            Body::PromptFile(f) => f.drop_counters(),
            Body::Source(_) => {}
        }
    }

    /// A self-contained job that counts this version of the text in `encodings` (for a
    /// background thread: the rope is shared, not copied). Each encoding counts on a thread
    /// of its own, so a large file's first numbers wait for the slowest encoding, not the sum.
    /// A source file has no chunk counters: its job makes none (see `ensure_encodings`).
    pub(crate) fn counting_job(
        &self,
        encodings: Vec<Encoding>,
    ) -> impl FnOnce() -> Vec<ChunkedCount> + Send + 'static {
        let rope = self.rope.clone();
        let (anchors, encodings) = match &self.body {
            Body::PromptFile(f) => (f.anchors(&rope), encodings),
            Body::Source(_) => (Vec::new(), Vec::new()),
        };
        move || {
            std::thread::scope(|scope| {
                let jobs: Vec<_> = encodings
                    .into_iter()
                    .map(|e| {
                        let (rope, anchors) = (&rope, &anchors);
                        scope.spawn(move || {
                            let c = ChunkedCount::new(e, rope, anchors);
                            crate::tokenize::gemma3::share_thread_cache();
                            c
                        })
                    })
                    .collect();
                jobs.into_iter().filter_map(|j| j.join().ok()).collect()
            })
        }
    }

    /// Installs counters made by [`Document::counting_job`] for the current text.
    pub(crate) fn install_counters(&mut self, counters: Vec<ChunkedCount>) {
        match &mut self.body {
            Body::PromptFile(f) => f.install_counters(&self.rope, counters),
            Body::Source(_) => {}
        }
    }

    /// The end of the first line (before its line break), given the line's byte length.
    pub(crate) fn text_prefix_line_end(&self, line_len: usize) -> usize {
        before_break(&self.rope, 0, line_len.min(self.len()))
    }

    /// The decoded value of the code literal shown at `range` (source files only).
    pub(crate) fn literal_value(&self, range: Range<usize>) -> Option<String> {
        self.code()?.literal_at(&range).map(|cp| cp.value.clone())
    }

    pub fn text(&self) -> String {
        match &self.body {
            Body::PromptFile(_) => self.rope.to_string(),
            Body::Source(c) => c.text().to_string(),
        }
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
        let start = floor(&self.rope, range.start.min(len));
        let end = floor(&self.rope, range.end.min(len)).max(start);
        match &mut self.body {
            Body::PromptFile(f) => f.replace(&mut self.rope, start, end, text),
            Body::Source(c) => c.replace(&mut self.rope, start, end, text),
        }
    }

    /// Replaces the whole text (the fast path for full-document sync).
    pub(crate) fn set_text(&mut self, text: &str) {
        let rope = Rope::from_str(text);
        self.body = match &self.body {
            Body::PromptFile(f) => {
                Body::PromptFile(PromptFileState::new(&self.path, &rope, &f.encodings()))
            }
            Body::Source(c) => Body::Source(c.with_text(&self.path, text)),
        };
        self.rope = rope;
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

    /// The analysis an inlay-hint request needs: the file and the sections (or literals)
    /// whose hint falls in the byte range `visible`.
    pub fn analyze_visible(&self, settings: &Settings, visible: Range<usize>) -> Analysis {
        self.analyze_where(settings, &|p| p.hint_in(&visible))
    }

    /// Like [`Document::analyze`], but counts only the sections (or literals) `keep` accepts
    /// (the file is always counted): the language server asks for the visible sections
    /// (hints), the one under the cursor (hover) or those with a budget (diagnostics), so a
    /// keystroke in a file with thousands of sections costs O(sections) cheap steps, not
    /// O(sections) counts.
    pub(crate) fn analyze_where(
        &self,
        settings: &Settings,
        keep: &dyn Fn(&PartInfo) -> bool,
    ) -> Analysis {
        match &self.body {
            Body::PromptFile(f) => f.analyze(&self.rope, &self.path, settings, keep),
            Body::Source(c) => c.analyze(&self.rope, &self.path, settings, keep),
        }
    }

    /// The placeholders of a prompt: a source file's literals (and the file as their sum)
    /// carry their own; a prompt file's are read from its text.
    pub fn placeholders_of(&self, p: &Prompt) -> Vec<String> {
        match &self.body {
            Body::PromptFile(_) if p.kind != PromptKind::Literal => {
                self.placeholders_in(p.range.clone())
            }
            _ => p.placeholders.clone(),
        }
    }

    /// How a code prompt's model was chosen, for hovers and hints: `priced as gpt-4o-mini,
    /// from the call` (`None` when it is priced in the configured models).
    pub fn model_note(&self, p: &Prompt) -> Option<String> {
        let cp = self.code()?.literal_at(&p.range)?;
        cp.model.as_ref()?;
        let from = match cp.model_source? {
            ModelSource::Call => "from the call",
            ModelSource::Directive => "from the directive",
            ModelSource::File => "from the file",
        };
        Some(format!("priced as {}, {from}", p.budget_model))
    }

    /// Template placeholders in `range` (computed on demand: hovers, reports).
    pub(crate) fn placeholders_in(&self, range: Range<usize>) -> Vec<String> {
        let (a, b) = (range.start.min(self.len()), range.end.min(self.len()));
        placeholders(
            &self
                .rope
                .byte_slice(floor(&self.rope, a)..floor(&self.rope, b))
                .to_string(),
        )
    }
}

/// `b` snapped down to a char boundary.
fn floor(rope: &Rope, b: usize) -> usize {
    rope.char_to_byte(rope.byte_to_char(b))
}

/// Replaces the bytes `start..end` (char boundaries) of `rope` with `text`.
fn edit_rope(rope: &mut Rope, start: usize, end: usize, text: &str) {
    let (cs, ce) = (rope.byte_to_char(start), rope.byte_to_char(end));
    rope.remove(cs..ce);
    rope.insert(cs, text);
}

/// Where line `line` ends, its line break included (the text's end for the last line).
fn line_end(rope: &Rope, line: usize) -> usize {
    if line + 1 < rope.len_lines() {
        rope.line_to_byte(line + 1)
    } else {
        rope.len_bytes()
    }
}

/// `at` moved back over line-break bytes (`\n`, `\r`), never before `from`.
fn before_break(rope: &Rope, from: usize, mut at: usize) -> usize {
    while at > from && matches!(rope.byte(at - 1), b'\n' | b'\r') {
        at -= 1;
    }
    at
}

/// The name a file prompt shows: the file name.
fn file_name(path: &Path) -> String {
    path.file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Text that reads as both: a Markdown heading and a prompt in Python.
    const BOTH: &str = "# Title\n\nSYSTEM_PROMPT = \"You are a helpful assistant. Answer briefly.\"\n\n## Next\nmore\n";

    fn settings() -> Settings {
        Settings::defaults(Path::new("/w"))
    }

    #[test]
    fn a_source_document_has_no_prompt_file_sections() {
        let s = settings();
        let encs: Vec<Encoding> = s.models.iter().map(|m| m.counting.encoding()).collect();
        let path = Path::new("/w/a.py");
        let lang = Lang::from_path(path).expect("python");
        let mut doc = Document::new_code(path, lang, BOTH, s.code_rules(), &encs);
        for _ in 0..2 {
            assert!(doc.is_source());
            assert!(doc.structure().is_none());
            assert!(doc.counters().is_empty());
            let a = doc.analyze(&s);
            assert!(!a.parts.is_empty(), "the literal is a prompt");
            assert!(a.parts.iter().all(|p| p.kind == PromptKind::Literal));
            // Edits and full syncs keep it a source file.
            doc.replace(0..0, "# ");
            doc.set_text(BOTH);
        }
    }

    #[test]
    fn a_prompt_file_yields_no_code_prompts() {
        let s = settings();
        let encs: Vec<Encoding> = s.models.iter().map(|m| m.counting.encoding()).collect();
        let mut doc = Document::new(Path::new("/w/prompts/a.md"), BOTH, &encs);
        for _ in 0..2 {
            assert!(!doc.is_source());
            assert!(doc.code().is_none());
            let a = doc.analyze(&s);
            assert_eq!(a.parts.len(), 2, "two headings");
            assert!(a.parts.iter().all(|p| p.kind == PromptKind::Section));
            let quoted = BOTH.find('"').unwrap()..BOTH.rfind('"').unwrap() + 1;
            assert_eq!(doc.literal_value(quoted), None);
            doc.replace(0..0, "x");
            doc.set_text(BOTH);
        }
    }
}
