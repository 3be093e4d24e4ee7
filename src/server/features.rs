//! What the user sees: inlay hints, hovers, the code lens and diagnostics, rendered from an
//! [`Analysis`]. Pure functions of the document and its analysis (snapshot-tested).

use tower_lsp_server::ls_types::*;

use crate::config::Settings;
use crate::document::{Analysis, Document, Prompt, PromptKind, Severity};
use crate::format;
use crate::position::{self, PosEncoding};

fn range(doc: &Document, enc: PosEncoding, r: std::ops::Range<usize>) -> Range {
    let (sl, sc) = position::to_position(&doc.rope, enc, r.start);
    let (el, ec) = position::to_position(&doc.rope, enc, r.end);
    Range::new(Position::new(sl, sc), Position::new(el, ec))
}

/// One hint per section / message / literal whose hint position is in `visible`.
pub fn inlay_hints(
    doc: &Document,
    a: &Analysis,
    enc: PosEncoding,
    visible: Range,
) -> Vec<InlayHint> {
    let mut hints: Vec<InlayHint> = a
        .parts
        .iter()
        .filter_map(|p| {
            let (line, character) = position::to_position(&doc.rope, enc, p.hint_at);
            if line < visible.start.line || line > visible.end.line {
                return None;
            }
            let c = &p.counts[0];
            let mut tooltip = format!("{} · {}", c.model, p.kind_label());
            if let Some(e) = c.error_pct {
                tooltip.push_str(&format!(" · estimate ±{e:.0}%"));
            }
            Some(InlayHint {
                position: Position::new(line, character),
                label: InlayHintLabel::String(c.short_label()),
                kind: None,
                text_edits: None,
                tooltip: Some(InlayHintTooltip::String(tooltip)),
                padding_left: Some(true),
                padding_right: None,
                data: None,
            })
        })
        .collect();
    if let Some(h) = whole_file_hint(doc, a, enc, visible) {
        hints.push(h);
    }
    hints
}

/// A prompt file without sections (no headings, no roles) gets its total as a hint at the end
/// of its first line, so clients without code lenses (Helix, Neovim by default) show a count.
/// Source files never do: their prompts are the literals.
fn whole_file_hint(doc: &Document, a: &Analysis, enc: PosEncoding, visible: Range) -> Option<InlayHint> {
    if !a.parts.is_empty() || doc.code.is_some() || a.ignored {
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
    let c = a.file.counts.first()?;
    Some(InlayHint {
        position: Position::new(l, character),
        label: InlayHintLabel::String(c.short_label()),
        kind: None,
        text_edits: None,
        tooltip: Some(InlayHintTooltip::String(format!("{} · whole file", c.model))),
        padding_left: Some(true),
        padding_right: None,
        data: None,
    })
}

/// `2,345 tokens · $0.0059 gpt-4o · 1.8% of 128k` on the first line.
pub fn code_lens(a: &Analysis) -> Vec<CodeLens> {
    let c = &a.file.counts[0];
    let mut title = format!(
        "{} tokens · {} {}",
        format::tokens(c.tokens, c.exact),
        format::cost(c.input_cost_usd),
        c.model
    );
    if let (Some(s), Some(w)) = (c.context_share, c.context_window) {
        title.push_str(&format!(
            " · {} of {}",
            format::percent(s),
            format::window(w)
        ));
    }
    if let Some(b) = a.file.budget {
        title.push_str(&format!(" · budget {}", format::thousands(b)));
    }
    vec![CodeLens {
        range: Range::new(Position::new(0, 0), Position::new(0, 0)),
        command: Some(Command {
            title,
            command: "promptcost.showModels".into(),
            arguments: None,
        }),
        data: None,
    }]
}

impl Prompt {
    fn kind_label(&self) -> String {
        match self.kind {
            PromptKind::File => format!("file {}", self.name),
            PromptKind::Section => format!("section '{}'", self.name),
            PromptKind::Message => format!("{} message", self.name),
            PromptKind::Literal => format!("prompt {}", self.name),
        }
    }
}

/// The per-model table for the innermost prompt at `offset` (else the file).
pub fn hover(doc: &Document, a: &Analysis, s: &Settings, offset: usize) -> Hover {
    let p = a
        .parts
        .iter()
        .filter(|p| p.range.contains(&offset) || (p.range.end == offset && offset == doc.len()))
        .min_by_key(|p| p.range.len())
        .unwrap_or(&a.file);
    Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: hover_markdown(doc, p, s),
        }),
        range: None,
    }
}

pub fn hover_markdown(doc: &Document, p: &Prompt, s: &Settings) -> String {
    let out_tokens = s.expected_output_tokens;
    let mut md = format!("**promptcost** · {}", p.kind_label());
    let placeholders = if p.kind == PromptKind::Literal {
        p.placeholders.clone()
    } else {
        doc.placeholders_in(p.range.clone())
    };
    if !placeholders.is_empty() {
        md.push_str(&format!(
            " · {} placeholder{} not filled",
            placeholders.len(),
            if placeholders.len() == 1 { "" } else { "s" }
        ));
    }
    md.push_str("\n\n| model | tokens | count | input | cached input | context | 1,000 calls |\n|---|--:|---|--:|--:|--:|--:|\n");
    for c in &p.counts {
        let model = s.table.get(&c.model);
        let tokens = format::tokens(c.tokens, c.exact);
        // "exact (gemma3)", "≈ ±15%" or "exact via API", as `promptcost models` shows it.
        let accuracy = c.accuracy_label(model);
        let context = match (c.context_share, c.context_window) {
            (Some(sh), Some(w)) => format!("{} of {}", format::percent(sh), format::window(w)),
            _ => "unknown".into(),
        };
        let thousand = model
            .and_then(|m| m.call_cost(c.tokens, out_tokens))
            .map(|v| v * 1000.0);
        md.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} |\n",
            c.model,
            tokens,
            accuracy,
            format::cost(c.input_cost_usd),
            format::cost(c.cached_input_cost_usd),
            context,
            format::cost(thousand)
        ));
    }
    if let Some(b) = p.budget {
        let c = p.budget_count();
        md.push_str(&format!(
            "\nBudget: {} / {} tokens ({}).",
            format::tokens(c.tokens, c.exact),
            format::thousands(b),
            c.model
        ));
    }
    md.push_str(&format!(
        "\n\n1,000 calls assume {} output tokens each. Prices: snapshot {}.",
        format::thousands(out_tokens),
        s.table.snapshot_date
    ));
    md
}

pub fn diagnostics(doc: &Document, a: &Analysis, enc: PosEncoding) -> Vec<Diagnostic> {
    a.problems
        .iter()
        .map(|p| Diagnostic {
            range: range(doc, enc, p.range.clone()),
            severity: Some(match p.severity {
                Severity::Error => DiagnosticSeverity::ERROR,
                Severity::Warning => DiagnosticSeverity::WARNING,
                Severity::Information => DiagnosticSeverity::INFORMATION,
            }),
            code: Some(NumberOrString::String(p.code.to_string())),
            source: Some("promptcost".into()),
            message: p.message.clone(),
            ..Default::default()
        })
        .collect()
}

/// While a large file is counted in the background.
pub fn counting_hint(doc: &Document, enc: PosEncoding) -> InlayHint {
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

pub fn counting_hover(doc: &Document) -> Hover {
    Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: format!(
                "**promptcost** · counting {} bytes…",
                format::thousands(doc.len() as u64)
            ),
        }),
        range: None,
    }
}

pub fn counting_lens(doc: &Document) -> Vec<CodeLens> {
    vec![CodeLens {
        range: Range::new(Position::new(0, 0), Position::new(0, 0)),
        command: Some(Command {
            title: format!("counting {} bytes…", format::thousands(doc.len() as u64)),
            command: "promptcost.showModels".into(),
            arguments: None,
        }),
        data: None,
    }]
}
