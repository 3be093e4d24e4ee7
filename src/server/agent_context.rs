//! Agent context in the editor: LSP shapes for what `crate::context::editor` computes for an
//! agent file (code lenses, an inlay hint per `@import` line, diagnostics, a hover section).
//!
//! Owns: the conversion to LSP positions and types. Never: decides what agents load.

use std::sync::Arc;

use tower_lsp_server::ls_types::*;

use crate::config::Settings;
use crate::context::editor::{for_document, EditorContext, Level};
use crate::document::Document;
use crate::position::{self, PosEncoding};

use super::session::lsp_range;

/// Only Markdown-like files can be agent context (`.md`, `.mdc`, `.cursorrules`).
fn context_of(doc: &Document, s: &Settings) -> Option<Arc<EditorContext>> {
    let name = doc.path.file_name()?.to_str()?.to_ascii_lowercase();
    if doc.is_source()
        || !(name.ends_with(".md") || name.ends_with(".mdc") || name == ".cursorrules")
    {
        return None;
    }
    for_document(&doc.path, || doc.text(), s)
}

fn pos(doc: &Document, enc: PosEncoding, offset: usize) -> Position {
    let (l, c) = position::to_position(&doc.rope, enc, offset);
    Position::new(l, c)
}

pub(super) fn lenses(doc: &Document, s: &Settings, uri: &Uri) -> Vec<CodeLens> {
    context_of(doc, s).map_or_else(Vec::new, |c| {
        c.lenses
            .iter()
            .map(|title| super::code_lens::lens(title.clone(), uri))
            .collect()
    })
}

pub(super) fn hints(
    doc: &Document,
    s: &Settings,
    enc: PosEncoding,
    visible: Range,
) -> Vec<InlayHint> {
    let Some(c) = context_of(doc, s) else {
        return Vec::new();
    };
    c.hints
        .iter()
        .map(|h| (pos(doc, enc, h.offset), h))
        .filter(|(p, _)| p.line >= visible.start.line && p.line <= visible.end.line)
        .map(|(p, h)| InlayHint {
            position: p,
            label: InlayHintLabel::String(h.label.clone()),
            kind: None,
            text_edits: None,
            tooltip: Some(InlayHintTooltip::String(h.tooltip.clone())),
            padding_left: Some(true),
            padding_right: None,
            data: None,
        })
        .collect()
}

pub(super) fn diagnostics(doc: &Document, s: &Settings, enc: PosEncoding) -> Vec<Diagnostic> {
    let Some(c) = context_of(doc, s) else {
        return Vec::new();
    };
    c.diagnostics
        .iter()
        .map(|d| Diagnostic {
            range: lsp_range(&doc.rope, enc, d.range.clone()),
            severity: Some(match d.level {
                Level::Warning => DiagnosticSeverity::WARNING,
                Level::Information => DiagnosticSeverity::INFORMATION,
            }),
            code: Some(NumberOrString::String(d.code.to_string())),
            source: Some("promptcost".into()),
            message: d.message.clone(),
            ..Diagnostic::default()
        })
        .collect()
}

/// The per-agent table appended to the hover, if agents load the file.
pub(super) fn hover_section(doc: &Document, s: &Settings) -> Option<String> {
    context_of(doc, s).map(|c| format!("\n\n---\n\n{}", c.hover))
}
