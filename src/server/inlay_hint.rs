//! `textDocument/inlayHint`: one hint per section / message / literal in the visible range,
//! in the prompt's own model (its directive or front-matter model, else the primary one), with
//! a budget marker when over (`412/400 tok ⚠`).

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
    let a = s.analysis(uri, d, &|p| p.hint_at >= from && p.hint_at <= to);
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
    a.parts
        .iter()
        .filter_map(|p| {
            let (line, character) = position::to_position(&doc.rope, enc, p.hint_at);
            if line < visible.start.line || line > visible.end.line {
                return None;
            }
            let c = p.budget_count();
            let mut tooltip = format!("{} · {}", c.model, super::hover::kind_label(p));
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
        .collect()
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
