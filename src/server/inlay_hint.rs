//! `textDocument/inlayHint`: one hint per section / message / literal in the visible range,
//! in the prompt's own model (its directive or front-matter model, else the primary one), with
//! a budget marker when over (`412/400 tok ⚠`); a prompt file without sections gets its
//! total at the end of its first line.

use tower_lsp_server::ls_types::*;

use super::session::Session;
use crate::document::{Analysis, Document, Prompt};
use crate::format;
use crate::position::{self, PosEncoding};

pub fn handle(s: &Session, uri: &Uri, visible: Range) -> Option<Vec<InlayHint>> {
    let enc = s.enc();
    let d = s.prompt_doc(uri)?;
    if d.counting() {
        return Some(vec![counting(&d.doc, enc)]);
    }
    let rope = &d.doc.rope;
    let from = position::to_offset(rope, enc, visible.start.line, 0);
    let to = position::to_offset(rope, enc, visible.end.line.saturating_add(1), 0);
    let a = s.analysis(uri, d, &|p| p.hint_in(&(from..to)));
    let mut hints = render(&d.doc, &a, enc, visible);
    hints.extend(super::agent_context::hints(
        &d.doc,
        &d.settings,
        enc,
        visible,
    ));
    Some(hints)
}

/// The hint text: `412 tok · $0.0010`, `≈412 tok · $0.0012`, `412/400 tok ⚠ · $0.0010`.
pub fn label(p: &Prompt) -> String {
    let c = p.budget_count();
    match p.budget {
        Some(b) if c.tokens > b => format!(
            "{}/{} tok ⚠ · {}",
            format::tokens(c.tokens, c.exact),
            format::thousands(b),
            format::cost(c.input_cost_usd)
        ),
        _ => c.short_label(),
    }
}

pub fn render(doc: &Document, a: &Analysis, enc: PosEncoding, visible: Range) -> Vec<InlayHint> {
    let mut hints: Vec<InlayHint> = a
        .parts
        .iter()
        .filter_map(|p| {
            let (line, character) = position::to_position(&doc.rope, enc, p.hint_at);
            if line < visible.start.line || line > visible.end.line {
                return None;
            }
            let c = p.budget_count();
            let mut tooltip = format!("{} · {}", c.model, super::hover::kind_label(p));
            if let Some(note) = doc.model_note(p) {
                tooltip.push_str(&format!(" · {note}"));
            }
            if let Some(e) = c.error_pct {
                tooltip.push_str(&format!(" · estimate ±{e:.0}%"));
            }
            if let Some(b) = p.budget {
                tooltip.push_str(&format!(" · budget {}", format::thousands(b)));
            }
            Some(InlayHint {
                position: Position::new(line, character),
                label: InlayHintLabel::String(label(p)),
                kind: None,
                text_edits: None,
                tooltip: Some(InlayHintTooltip::String(tooltip)),
                padding_left: Some(true),
                padding_right: None,
                data: None,
            })
        })
        .collect();
    hints.extend(whole_file(doc, a, enc, visible));
    hints
}

/// A prompt file without sections (no headings, no roles) gets its total as a hint at the end
/// of its first line, so clients without code lenses (Helix, Neovim by default) show a count.
/// Source files never do: their prompts are the literals.
fn whole_file(doc: &Document, a: &Analysis, enc: PosEncoding, visible: Range) -> Option<InlayHint> {
    let structure = doc.structure()?;
    if a.ignored || !a.parts.is_empty() {
        return None;
    }
    let start = a.file.range.start.min(doc.len());
    let line = doc.rope.byte_to_line(start);
    let line_end = doc.rope.line_to_byte(line) + doc.rope.line(line).len_bytes();
    let mut at = line_end;
    while at > start && matches!(doc.rope.byte(at - 1), b'\n' | b'\r') {
        at -= 1;
    }
    let (l, character) = position::to_position(&doc.rope, enc, at);
    if l < visible.start.line || l > visible.end.line {
        return None;
    }
    // `a.parts` holds only the visible sections: only now (no section in view, the first line
    // is) ask the structure whether there are any at all (O(markers)).
    if !structure.outline(&doc.rope).spans.is_empty() {
        return None;
    }
    let c = a.file.budget_count();
    Some(InlayHint {
        position: Position::new(l, character),
        label: InlayHintLabel::String(label(&a.file)),
        kind: None,
        text_edits: None,
        tooltip: Some(InlayHintTooltip::String(format!(
            "{} · whole file",
            c.model
        ))),
        padding_left: Some(true),
        padding_right: None,
        data: None,
    })
}

/// While a large file is counted in the background.
pub fn counting(doc: &Document, enc: PosEncoding) -> InlayHint {
    let end = doc.rope.line(0).len_bytes();
    let first_line_end = doc.text_prefix_line_end(end);
    let (line, character) = position::to_position(&doc.rope, enc, first_line_end);
    InlayHint {
        position: Position::new(line, character),
        label: InlayHintLabel::String("counting…".into()),
        kind: None,
        text_edits: None,
        tooltip: Some(InlayHintTooltip::String(format!(
            "promptcost is counting {} bytes in the background",
            format::thousands(doc.len() as u64)
        ))),
        padding_left: Some(true),
        padding_right: None,
        data: None,
    }
}
