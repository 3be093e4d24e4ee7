//! A parsed source file: bounded parse, incremental re-parse, the extraction windows.
//! Never decides what a prompt is (that is `select`).

use std::collections::HashSet;
use std::ops::{ControlFlow, Range};

use tree_sitter::{InputEdit, Node, ParseOptions, ParseState, Parser, Point, Tree};

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{LazyLock, Mutex};

use super::facts::{is_word_byte, top_level, Facts};
use super::lang::{Family, Lang};
use super::query::lang_query;
use super::rules::CompiledRules;
use super::select::Cx;
use super::CodePrompt;

/// A parsed source file (language + syntax tree), re-parsable incrementally.
#[derive(Debug)]
pub struct SourceFile {
    lang: Lang,
    tree: Option<Tree>,
    /// The file's stem, then the folders above it, nearest first: a prompt module is
    /// named like the pattern (stem or folder); Python's relative imports climb the folders.
    names: Vec<String>,
    /// Fingerprint of the file-wide facts of the last extraction (see `facts.rs`).
    facts_seen: AtomicU64,
    /// Byte ranges (new text) whose syntax changed in the last `edit`.
    changed: Vec<Range<usize>>,
    /// What the whole text gave last time, kept up to date by edits inside a literal
    /// (`None`: to be computed again from the text).
    memo: Mutex<Memo>,
}

/// File-wide scans of the current text that an edit inside a string literal updates in
/// place instead of scanning the text again.
#[derive(Clone, Debug, Default)]
struct Memo {
    /// How often each top-level constant's name occurs as a word (see `facts.rs`).
    uses: Option<HashMap<String, usize>>,
    /// The byte offset of each line's start.
    lines: Option<Vec<usize>>,
    /// The top-level names that prompt parts crossed to in the last whole-file extraction
    /// (`Cx::linked`): a window that mentions one is extracted with the whole file.
    linked: Vec<String>,
    /// An edit since the last whole-file extraction removed text that mentions a linked name.
    linked_dirty: bool,
}

impl Memo {
    /// Forgets what an edit invalidates (the links are names, which edits do not move).
    fn reset(&mut self) {
        self.uses = None;
        self.lines = None;
    }
}

/// How an edit is applied to the tree (see [`SourceFile::begin_edit`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EditKind {
    /// Inside the content of a string literal, in characters that cannot end or split it:
    /// the tree keeps its shape, `Tree::edit` alone moves its nodes (no re-parse).
    InString,
    /// Anything else: an incremental re-parse.
    Reparse,
}

pub(crate) fn new_parser(lang: Lang) -> Option<Parser> {
    let mut parser = Parser::new();
    parser.set_language(&lang.ts_language()).ok()?;
    Some(parser)
}

/// Parses with a work budget. The tree-sitter runtime (0.25 and 0.26) loops
/// forever on some broken TSX (e.g. `([<""]}P.f(c `, fixed in 0.27); its
/// progress callback runs about every 100 parse operations, and healthy parses
/// (even of random bytes) stay under 0.03 calls per byte, so `2000 + len/8`
/// calls only stops runaway parses. A stopped parse gives no tree (no prompts).
pub(crate) fn parse_bounded(parser: &mut Parser, text: &str, old: Option<&Tree>) -> Option<Tree> {
    let limit = 2_000 + text.len() / 8;
    let mut calls = 0usize;
    let mut progress = |_: &ParseState| {
        calls += 1;
        if calls > limit {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    let bytes = text.as_bytes();
    let tree = parser.parse_with_options(
        &mut |i, _| bytes.get(i..).unwrap_or(&[]),
        old,
        Some(ParseOptions::new().progress_callback(&mut progress)),
    );
    if tree.is_none() {
        parser.reset();
    }
    tree
}

impl Clone for SourceFile {
    fn clone(&self) -> Self {
        SourceFile {
            lang: self.lang,
            tree: self.tree.clone(),
            names: self.names.clone(),
            facts_seen: AtomicU64::new(self.facts_seen.load(Ordering::Relaxed)),
            changed: self.changed.clone(),
            memo: Mutex::new(self.memo()),
        }
    }
}

/// A minified bundle (no prompts are reported in it): long lines on average, dense with
/// statement punctuation (a long literal alone is not minified code).
fn is_minified(text: &str) -> bool {
    let lines = text.bytes().filter(|&b| b == b'\n').count() + 1;
    let punct = text
        .bytes()
        .filter(|b| matches!(b, b';' | b'{' | b'}'))
        .count();
    text.len() > 4096 && text.len() / lines > 400 && punct * 50 > text.len()
}

impl SourceFile {
    /// Parses `text`. Never panics; any input gives a (possibly error-laden) tree.
    pub fn parse(lang: Lang, text: &str) -> SourceFile {
        let tree = new_parser(lang).and_then(|mut p| parse_bounded(&mut p, text, None));
        SourceFile {
            lang,
            tree,
            names: Vec::new(),
            facts_seen: AtomicU64::new(0),
            changed: Vec::new(),
            memo: Mutex::new(Memo::default()),
        }
    }

    fn memo(&self) -> Memo {
        self.memo.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Before replacing `text[start..old_end]` with `inserted` (`text` is the old text):
    /// how the tree will follow the edit. Call [`SourceFile::finish_edit`] with the answer
    /// once the text is edited.
    pub(crate) fn begin_edit(
        &mut self,
        text: &str,
        start: usize,
        old_end: usize,
        inserted: &str,
    ) -> EditKind {
        let kind = if self.in_string_content(text, start, old_end, inserted) {
            EditKind::InString
        } else {
            EditKind::Reparse
        };
        let memo = self.memo.get_mut().unwrap_or_else(|p| p.into_inner());
        if !memo.linked.is_empty() && !memo.linked_dirty {
            // the removed text, out to whole words
            let b = text.as_bytes();
            let mut a = start.min(b.len());
            let mut e = old_end.min(b.len());
            while a > 0 && is_word_byte(b[a - 1]) {
                a -= 1;
            }
            while e < b.len() && is_word_byte(b[e]) {
                e += 1;
            }
            memo.linked_dirty = mentions(text.get(a..e).unwrap_or(""), &memo.linked);
        }
        match kind {
            EditKind::InString => {
                if let Some(uses) = memo.uses.as_mut() {
                    count_words_around(uses, text, start, old_end, false);
                }
            }
            EditKind::Reparse => memo.reset(),
        }
        kind
    }

    /// After the edit that [`SourceFile::begin_edit`] saw (`new_text` is the whole new text):
    /// moves the tree's nodes (`EditKind::InString`) or re-parses (see [`SourceFile::edit`]).
    pub(crate) fn finish_edit(&mut self, edit: &InputEdit, new_text: &str, kind: EditKind) {
        match (kind, self.tree.as_mut()) {
            (EditKind::InString, Some(tree)) => {
                tree.edit(edit);
                // The shape is the same: nothing but the edit itself changed.
                self.changed.clear();
                let memo = self.memo.get_mut().unwrap_or_else(|p| p.into_inner());
                if let Some(uses) = memo.uses.as_mut() {
                    let (s, e) = (edit.start_byte, edit.new_end_byte);
                    count_words_around(uses, new_text, s, e, true);
                }
                if let Some(lines) = memo.lines.as_mut() {
                    // No line break was inserted or removed: later lines move.
                    let delta = edit.new_end_byte as isize - edit.old_end_byte as isize;
                    let from = lines.partition_point(|&l| l <= edit.start_byte);
                    for l in &mut lines[from..] {
                        *l = (*l as isize + delta) as usize;
                    }
                }
            }
            _ => self.edit(edit, new_text),
        }
    }

    /// Whether replacing `text[start..old_end]` with `inserted` stays inside the content of
    /// one Python string literal and cannot change how it is tokenized: no quote, backslash,
    /// brace, line break or NUL is inserted, removed or next to the edit, and the literal's
    /// content holds no escape or interpolation (the scanner splits content only there). A
    /// fresh parse of the new text then gives the same tree with the content resized.
    fn in_string_content(&self, text: &str, start: usize, old_end: usize, inserted: &str) -> bool {
        let Some(tree) = self.tree.as_ref() else {
            return false;
        };
        let b = text.as_bytes();
        let splits = |c: &u8| matches!(c, b'\\' | b'{' | b'}' | b'"' | b'\'' | 0);
        let breaks = |c: &u8| splits(c) || matches!(c, b'\n' | b'\r');
        if self.lang.family() != Family::Py
            || start == 0
            || old_end >= b.len()
            || start > old_end
            || splits(&b[start - 1])
            || splits(&b[old_end])
            || b[start..old_end].iter().any(breaks)
            || inserted.as_bytes().iter().any(breaks)
        {
            return false;
        }
        let root = tree.root_node();
        if root.has_error() {
            return false;
        }
        root.descendant_for_byte_range(start, old_end)
            .is_some_and(|n| {
                n.kind() == "string_content"
                    && n.child_count() == 0
                    && n.start_byte() < start
                    && old_end < n.end_byte()
                    && !b[n.byte_range()]
                        .iter()
                        .any(|c| matches!(c, b'\\' | b'{' | b'}' | 0))
            })
    }

    /// Tells the file's path: a file or folder named like the pattern (`prompts.py`,
    /// `*_prompts.py`, `prompts/*.ts`) is a prompt module, whose top-level strings count.
    pub fn for_path(mut self, path: &Path) -> SourceFile {
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        self.names = std::iter::once(stem.to_string())
            .chain(
                path.ancestors()
                    .skip(1)
                    .take(6)
                    .filter_map(|a| a.file_name().and_then(|s| s.to_str()).map(str::to_string)),
            )
            .collect();
        self
    }

    /// The folders above the file, nearest first.
    fn packages(&self) -> &[String] {
        self.names.get(1..).unwrap_or(&[])
    }

    /// Python's relative imports resolved against the file's folder (`from .utils import x`
    /// in `smolagents/agents.py` is `smolagents.utils`): a framework's own code uses it.
    fn with_package<'t>(&self, mut facts: Facts<'t>) -> Facts<'t> {
        if self.lang.family() == Family::Py && !self.packages().is_empty() {
            {
                let mut resolved = Vec::new();
                for m in facts.imports.iter().filter(|m| m.starts_with('.')) {
                    let rest = m.trim_start_matches('.');
                    let up = m.len() - rest.len();
                    // `..x` in `pkg/sub/f.py` is `pkg.x`; the package root is not known, so
                    // each enclosing folder is tried as the root
                    for root in (up - 1)..self.packages().len().min(up + 3) {
                        let mut name: Vec<&str> = self.packages()[up - 1..=root]
                            .iter()
                            .rev()
                            .map(String::as_str)
                            .collect();
                        if !rest.is_empty() {
                            name.push(rest);
                        }
                        resolved.push(name.join("."));
                    }
                }
                facts.written_imports = Some(facts.imports.len());
                facts.imports.extend(resolved);
            }
        }
        facts
    }

    /// Incremental re-parse after an edit: `Tree::edit`, then parse `new_text`
    /// (the whole new document) reusing the old tree.
    pub fn edit(&mut self, edit: &InputEdit, new_text: &str) {
        self.memo
            .get_mut()
            .unwrap_or_else(|p| p.into_inner())
            .reset();
        let Some(mut parser) = new_parser(self.lang) else {
            self.tree = None;
            return;
        };
        let mut new_tree = match self.tree.as_mut() {
            Some(old) => {
                old.edit(edit);
                parse_bounded(&mut parser, new_text, Some(old))
            }
            None => parse_bounded(&mut parser, new_text, None),
        };
        // Error recovery can group a broken file differently when it reuses the old tree;
        // a file with syntax errors is parsed afresh so that it reads as a fresh parse would.
        if new_tree.as_ref().is_some_and(|t| t.root_node().has_error()) {
            parser.reset();
            new_tree = parse_bounded(&mut parser, new_text, None);
        }
        self.changed = match (self.tree.as_ref(), new_tree.as_ref()) {
            (Some(old), Some(new)) => old
                .changed_ranges(new)
                .map(|r| r.start_byte..r.end_byte)
                .collect(),
            #[allow(clippy::single_range_in_vec_init)] // one range: the whole text
            _ => vec![0..new_text.len()],
        };
        self.tree = new_tree;
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The syntax tree; `None` if parsing was stopped (runaway parse, see above).
    pub fn tree(&self) -> Option<&Tree> {
        self.tree.as_ref()
    }

    /// The prompts in `text` (the text this tree was parsed from), sorted by
    /// `range.start`, without overlaps or duplicates.
    pub fn prompts(&self, text: &str, rules: &CompiledRules) -> Vec<CodePrompt> {
        let Some(tree) = self.tree.as_ref() else {
            return Vec::new();
        };
        let tops = top_nodes(tree);
        let Some((facts, fp)) = self.facts(text, &tops) else {
            return Vec::new();
        };
        self.prompts_in(text, rules, None, &tops, facts, fp).1
    }

    /// Whether the tree holds syntax errors (then error recovery may regroup statements far
    /// from an edit, and windowed extraction is not trusted).
    pub fn has_error(&self) -> bool {
        self.tree.as_ref().is_none_or(|t| t.root_node().has_error())
    }

    /// Byte ranges whose syntax changed in the last [`SourceFile::edit`].
    pub(crate) fn changed_ranges(&self) -> &[Range<usize>] {
        &self.changed
    }

    /// The prompts of the top-level statements around `window` (plus one statement on
    /// each side and the comments before them: a tag comment and its statement are always
    /// taken together), and the byte range those statements cover. Prompts never span
    /// top-level statements, so the result equals [`SourceFile::prompts`] restricted to the
    /// covered range: an edit re-extracts only what it can have changed.
    pub(crate) fn prompts_around(
        &self,
        text: &str,
        rules: &CompiledRules,
        window: Range<usize>,
    ) -> (Range<usize>, Vec<CodePrompt>) {
        let Some(tree) = self.tree.as_ref() else {
            return (0..text.len(), Vec::new());
        };
        let all = top_nodes(tree);
        let Some((facts, fp)) = self.facts(text, &all) else {
            return (0..text.len(), Vec::new());
        };
        if fp != self.facts_seen.load(Ordering::Relaxed) {
            return (
                0..text.len(),
                self.prompts_in(text, rules, None, &all, facts, fp).1,
            );
        }
        if all.is_empty() {
            return (0..text.len(), self.prompts(text, rules));
        }
        let first_hit = all.partition_point(|n| n.end_byte() < window.start);
        let last_hit = all.partition_point(|n| n.start_byte() <= window.end);
        let mut a = first_hit.saturating_sub(1);
        while a > 0 && all[a - 1].kind().contains("comment") {
            a -= 1;
        }
        let mut b = (last_hit + 1).min(all.len());
        // the statement after comments that follow the window: a tag or directive comment
        // there (`# prompt`) reaches it, and an edit can turn a comment into code
        while b < all.len() && all[b - 1].kind().contains("comment") {
            b += 1;
        }
        // a trailing comment (`x = "..."  # prompt`) goes with the statement it follows
        while b < all.len()
            && b > 0
            && all[b].kind().contains("comment")
            && !text
                .get(all[b - 1].end_byte()..all[b].start_byte())
                .unwrap_or("\n")
                .contains('\n')
        {
            b += 1;
        }
        let covered = if a == 0 { 0 } else { all[a].start_byte() }..if b >= all.len() {
            text.len()
        } else {
            all[b - 1].end_byte()
        };
        let covered = covered.start.min(window.start)..covered.end.max(window.end).min(text.len());
        let (whole, prompts) = self.prompts_in(text, rules, Some(covered.clone()), &all, facts, fp);
        (if whole { 0..text.len() } else { covered }, prompts)
    }

    /// Whether `window`'s text mentions a name that parts crossed to last time.
    fn mentions_linked(&self, text: &str, window: &Range<usize>) -> bool {
        let memo = self.memo.lock().unwrap_or_else(|p| p.into_inner());
        memo.linked_dirty
            || (!memo.linked.is_empty()
                && mentions(text.get(window.clone()).unwrap_or(""), &memo.linked))
    }

    /// The prompts of `window` (else the whole text), given the file-wide facts, and
    /// whether they are the whole text's: a window whose prompt parts reach other
    /// top-level statements (a constant, a function) is extracted with the whole file.
    fn prompts_in<'t>(
        &'t self,
        text: &'t str,
        rules: &'t CompiledRules,
        window: Option<Range<usize>>,
        tops: &[Node<'t>],
        facts: Facts<'t>,
        fingerprint: u64,
    ) -> (bool, Vec<CodePrompt>) {
        let (Some(tree), Ok(lq)) = (self.tree.as_ref(), lang_query(self.lang).as_ref()) else {
            return (true, Vec::new());
        };
        let fam = self.lang.family();
        if fam == Family::Js && is_minified(text) {
            return (true, Vec::new());
        }
        if window
            .as_ref()
            .is_some_and(|w| self.mentions_linked(text, w))
        {
            return self.prompts_in(text, rules, None, tops, facts, fingerprint);
        }
        let root = tree.root_node();
        let mut cx = Cx {
            fam,
            jsx: HashSet::new(),
            text,
            rules,
            lines: self.line_starts(text),
            facts,
            prompt_module: self
                .names
                .iter()
                .take(2)
                .any(|n| !n.is_empty() && rules.name_matches(n)),
            sinks: Default::default(),
            linked: Default::default(),
        };
        self.facts_seen.store(fingerprint, Ordering::Relaxed);
        let sites = cx.collect(root, tops, lq, window.clone());
        cx.jsx = sites.jsx.clone();
        let mut out = cx.run(root, sites);
        let linked = cx.linked.into_inner();
        match window {
            Some(_) if !linked.is_empty() => {
                // the window's parts reach outside it: the whole file, with fresh facts
                match self.facts(text, tops) {
                    Some((facts, fp)) => self.prompts_in(text, rules, None, tops, facts, fp),
                    None => (true, Vec::new()),
                }
            }
            Some(w) => {
                out.retain(|p| p.range.start >= w.start && p.range.end <= w.end);
                (false, out)
            }
            None => {
                let mut memo = self.memo.lock().unwrap_or_else(|p| p.into_inner());
                memo.linked = linked.into_iter().collect();
                memo.linked_dirty = false;
                (true, out)
            }
        }
    }

    /// The line starts of `text` (the text this tree was parsed from), kept between edits.
    fn line_starts(&self, text: &str) -> Vec<usize> {
        let mut memo = self.memo.lock().unwrap_or_else(|p| p.into_inner());
        memo.lines.get_or_insert_with(|| line_starts(text)).clone()
    }

    /// The file-wide facts (constants, imports, model links) and their fingerprint.
    fn facts<'t>(&'t self, text: &'t str, tops: &[Node<'t>]) -> Option<(Facts<'t>, u64)> {
        static RULES: LazyLock<CompiledRules> = LazyLock::new(CompiledRules::default);
        self.tree.as_ref()?;
        let fam = self.lang.family();
        let mut cx = Cx {
            fam,
            jsx: HashSet::new(),
            text,
            rules: &RULES,
            lines: Vec::new(),
            facts: self.with_package(top_level(tops, text, fam)),
            prompt_module: false,
            sinks: Default::default(),
            linked: Default::default(),
        };
        cx.link_models(tops);
        let mut memo = self.memo.lock().unwrap_or_else(|p| p.into_inner());
        let consts = &cx.facts.consts;
        let fresh = memo
            .uses
            .as_ref()
            .is_none_or(|u| u.len() != consts.len() || consts.keys().any(|k| !u.contains_key(k)));
        if fresh {
            let uses = cx.word_counts();
            memo.uses = Some(uses.into_iter().map(|(k, n)| (k.to_string(), n)).collect());
        }
        let uses = memo.uses.as_ref();
        let fp =
            cx.facts_fingerprint_with(&|name| uses.and_then(|u| u.get(name)).copied().unwrap_or(0));
        drop(memo);
        Some((std::mem::take(&mut cx.facts), fp))
    }
}

/// Whether `text` has one of `names` as a whole word.
fn mentions(text: &str, names: &[String]) -> bool {
    text.split(|c: char| !c.is_ascii() || !is_word_byte(c as u8))
        .any(|word| !word.is_empty() && names.iter().any(|l| l == word))
}

/// The root's children (top-level statements and comments), walked once per extraction:
/// the facts, the windows and the query roots all read them.
fn top_nodes(tree: &Tree) -> Vec<Node<'_>> {
    let root = tree.root_node();
    let mut c = root.walk();
    root.children(&mut c).collect()
}

/// Adds (`add`) or takes away the words of `text` around `start..end` that are constants'
/// names in `uses`: the words that touch the edited range (the rest of the text is the same
/// before and after the edit).
fn count_words_around(
    uses: &mut HashMap<String, usize>,
    text: &str,
    start: usize,
    end: usize,
    add: bool,
) {
    let b = text.as_bytes();
    let (mut l, mut r) = (start.min(b.len()), end.min(b.len()));
    while l > 0 && is_word_byte(b[l - 1]) {
        l -= 1;
    }
    while r < b.len() && is_word_byte(b[r]) {
        r += 1;
    }
    let mut i = l;
    while i < r {
        if is_word_byte(b[i]) {
            let s = i;
            while i < r && is_word_byte(b[i]) {
                i += 1;
            }
            if let Some(n) = text.get(s..i).and_then(|w| uses.get_mut(w)) {
                *n = if add { *n + 1 } else { n.saturating_sub(1) };
            }
        } else {
            i += 1;
        }
    }
}

/// Parses and extracts in one go.
pub fn extract(lang: Lang, text: &str, rules: &CompiledRules) -> Vec<CodePrompt> {
    SourceFile::parse(lang, text).prompts(text, rules)
}

/// An [`InputEdit`] for replacing `old_text[start_byte..old_end_byte]` so that the
/// new document is `new_text`, the replacement ending at `new_end_byte`.
/// Points are (row, byte column). Out-of-range offsets are clamped.
pub fn input_edit(
    old_text: &str,
    start_byte: usize,
    old_end_byte: usize,
    new_text: &str,
    new_end_byte: usize,
) -> InputEdit {
    let start_byte = start_byte.min(old_text.len());
    let old_end_byte = old_end_byte.clamp(start_byte, old_text.len());
    let new_end_byte = new_end_byte.clamp(start_byte.min(new_text.len()), new_text.len());
    InputEdit {
        start_byte,
        old_end_byte,
        new_end_byte,
        start_position: point_at(old_text, start_byte),
        old_end_position: point_at(old_text, old_end_byte),
        new_end_position: point_at(new_text, new_end_byte),
    }
}

pub(crate) fn point_at(text: &str, byte: usize) -> Point {
    let bytes = &text.as_bytes()[..byte.min(text.len())];
    let row = bytes.iter().filter(|&&b| b == b'\n').count();
    let line_start = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    Point {
        row,
        column: bytes.len() - line_start,
    }
}

pub(crate) fn line_starts(text: &str) -> Vec<usize> {
    let mut v = vec![0];
    v.extend(
        text.bytes()
            .enumerate()
            .filter(|&(_, b)| b == b'\n')
            .map(|(i, _)| i + 1),
    );
    v
}

#[cfg(test)]
mod tests {
    use super::{input_edit, EditKind, Lang, SourceFile};

    /// Every node's kind, byte range and points, in pre-order.
    fn shape(f: &SourceFile) -> Vec<String> {
        let mut out = Vec::new();
        let mut c = f.tree().unwrap().walk();
        loop {
            let n = c.node();
            out.push(format!(
                "{} {:?} {:?}-{:?}",
                n.kind(),
                n.byte_range(),
                n.start_position(),
                n.end_position()
            ));
            if c.goto_first_child() || c.goto_next_sibling() {
                continue;
            }
            loop {
                if !c.goto_parent() {
                    return out;
                }
                if c.goto_next_sibling() {
                    break;
                }
            }
        }
    }

    #[test]
    fn an_edit_inside_a_literal_moves_the_tree_as_a_fresh_parse_would() {
        let mut text = String::from(
            "A = \"\"\"You are a bot that answers questions about billing.\nBe brief, it's fine to say so.\"\"\"\n\ndef f(x):\n    return g(x, f'no {x} and more words here', 'a short one with words')\n\nB = 'tail'\n",
        );
        let mut f = SourceFile::parse(Lang::Python, &text);
        let mut in_place = 0;
        let mut seed = 7u64;
        for _ in 0..1000 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let at = (seed >> 33) as usize % text.len();
            let del = (seed >> 20) as usize % 3;
            let end = (at + del).min(text.len());
            let ins = ["x", "", " ", "ab", "\"", "{", "\n", "é"][(seed >> 8) as usize % 8];
            if !text.is_char_boundary(at) || !text.is_char_boundary(end) {
                continue;
            }
            let old = text.clone();
            let kind = f.begin_edit(&old, at, end, ins);
            text.replace_range(at..end, ins);
            let e = input_edit(&old, at, end, &text, at + ins.len());
            f.finish_edit(&e, &text, kind);
            if kind == EditKind::InString {
                in_place += 1;
                assert_eq!(
                    shape(&f),
                    shape(&SourceFile::parse(Lang::Python, &text)),
                    "{text:?}"
                );
            }
            if f.has_error() {
                text = old;
                f = SourceFile::parse(Lang::Python, &text);
            }
        }
        assert!(in_place > 30, "{in_place} edits in place");
    }

    #[test]
    fn input_edit_clamps_inside_characters() {
        // byte 1 is inside 'é': the column is still a byte count, no panic
        let e = input_edit("é\nb", 1, 1, "é\nb", 1);
        assert_eq!((e.start_position.row, e.start_position.column), (0, 1));
    }
}
