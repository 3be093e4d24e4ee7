//! One open document as the server holds it: what kind of file it is, its text and counts
//! ([`Document`]), the settings it is priced with, and whether its counts are ready or being
//! computed on a background thread. Edits are applied here, in order.
//! Never: sends anything to the client; decides how results look.

use std::sync::Arc;

use tower_lsp_server::ls_types::TextDocumentContentChangeEvent;

use crate::config::Settings;
use crate::document::Document;
use crate::position::{self, PosEncoding};

/// An edit that would recount more than this (text without cut points: a minified blob, a
/// long base64 string) is counted on a background thread instead, so that no document
/// blocks the others; the file shows "counting…" meanwhile.
pub const SLOW_EDIT_BYTES: usize = 64 * 1024;

/// Documents larger than this are counted on a background thread when opened.
pub const BACKGROUND_FROM: usize = 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    /// A prompt file or a source file with prompt literals: counted and shown.
    Prompt,
    /// Any other open file: text kept for `promptcost/count`, nothing shown.
    Other,
    /// Too large or binary: nothing counted (the reason was shown once).
    Skipped,
}

/// Whether the counts match the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counts {
    Ready,
    /// A background thread is counting this version; requests answer "counting…".
    InBackground,
}

/// Where recounts run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountPolicy {
    /// On the main loop (edits touch a few chunks).
    Inline,
    /// An edit here once had to recount a long run without cut points: in the background
    /// from then on, whatever the file's size.
    Background,
}

pub struct OpenDoc {
    pub version: i32,
    pub kind: DocKind,
    pub doc: Document,
    pub settings: Arc<Settings>,
    pub counts: Counts,
    pub policy: CountPolicy,
}

/// What applying an edit asks of the caller.
#[derive(Debug, PartialEq, Eq)]
pub enum AfterEdit {
    Nothing,
    /// The counts were dropped: count again (in the background).
    Recount,
}

impl OpenDoc {
    pub fn is_prompt(&self) -> bool {
        self.kind == DocKind::Prompt
    }

    pub fn counting(&self) -> bool {
        self.counts == Counts::InBackground
    }

    /// Counts in the main loop rather than on a background thread.
    pub fn counts_inline(&self) -> bool {
        self.doc.len() < BACKGROUND_FROM && self.policy == CountPolicy::Inline
    }

    /// Applies `didChange` content changes in order.
    pub fn apply_changes(
        &mut self,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
        enc: PosEncoding,
    ) -> AfterEdit {
        self.version = version;
        if self.kind == DocKind::Skipped {
            return AfterEdit::Nothing;
        }
        let mut after = AfterEdit::Nothing;
        for ch in changes {
            match ch.range {
                Some(r) => {
                    let rope = &self.doc.rope;
                    let a = position::to_offset(rope, enc, r.start.line, r.start.character);
                    let b = position::to_offset(rope, enc, r.end.line, r.end.character);
                    // A reversed range is taken as the range between its ends.
                    let range = a.min(b)..a.max(b);
                    if self.doc.edit_cost(range.clone()) > SLOW_EDIT_BYTES {
                        self.doc.drop_counters();
                        self.policy = CountPolicy::Background;
                        after = AfterEdit::Recount;
                    }
                    self.doc.replace(range, &ch.text);
                }
                None if ch.text.len() >= BACKGROUND_FROM && !self.doc.is_source() => {
                    // Full-text sync of a large file: count it in the background.
                    self.doc = Document::new(&self.doc.path, &ch.text, &[]);
                    after = AfterEdit::Recount;
                }
                None => self.doc.set_text(&ch.text),
            }
        }
        after
    }
}
