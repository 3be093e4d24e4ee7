//! `textDocument/hover`: the per-model table of the innermost prompt under the cursor (else the
//! file), as a fixed-width table in a code block so it reads the same in a terminal editor
//! as in VS Code; names in code spans. Nothing outside a source file's prompts.

use tower_lsp_server::ls_types::*;

use super::session::Session;
use crate::config::Settings;
use crate::document::{Document, Prompt, PromptKind};
use crate::format;
use crate::position;

pub fn handle(s: &Session, uri: &Uri, pos: Position) -> Option<Hover> {
    let enc = s.enc();
    let d = s.prompt_doc(uri)?;
    if d.counting() {
        return Some(markdown(format!(
            "**promptcost** · counting {} bytes…",
            format::thousands(d.doc.len() as u64)
        )));
    }
    let offset = position::to_offset(&d.doc.rope, enc, pos.line, pos.character);
    let len = d.doc.len();
    let inside =
        |r: &std::ops::Range<usize>| r.contains(&offset) || (r.end == offset && offset == len);
    let a = s.analysis(uri, d, &|p| inside(&p.range));
    let part = a
        .parts
        .iter()
        .filter(|p| inside(&p.range))
        .min_by_key(|p| p.range.len());
    let p = match part {
        Some(p) => p,
        // In a source file only its prompts have a hover.
        None if d.doc.is_source() => return None,
        None => &a.file,
    };
    let mut md = render(&d.doc, p, &d.settings);
    md.push_str(&crate::cost::prompt::hover_markdown(
        &d.doc,
        &a,
        p,
        &d.settings,
    ));
    md.push_str(&format!(
        "\nPrices: snapshot {}.",
        d.settings.table.snapshot_date
    ));
    if let Some(api) = &s.api {
        md.push_str(&api.hover_line());
    }
    if let Some(more) = super::agent_context::hover_section(&d.doc, &d.settings) {
        md.push_str(&more);
    }
    Some(markdown(md))
}

fn markdown(value: String) -> Hover {
    Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range: None,
    }
}

/// `section `Tools``, `` `system` message``, `prompt `messages[0].content``, `file `a.md``.
pub fn kind_label(p: &Prompt) -> String {
    match p.kind {
        PromptKind::File => format!("file `{}`", p.name),
        PromptKind::Section => format!("section `{}`", p.name),
        PromptKind::Message => format!("`{}` message", p.name),
        PromptKind::Literal => format!("prompt `{}`", p.name),
    }
}

/// The counts of a prompt (its cost follows, from `cost::prompt::hover_markdown`).
pub fn render(doc: &Document, p: &Prompt, s: &Settings) -> String {
    let mut md = format!("**promptcost** · {}", kind_label(p));
    let placeholders = doc.placeholders_of(p);
    if let Some(note) = doc.model_note(p) {
        md.push_str(&format!(" · {note}"));
    }
    if !placeholders.is_empty() {
        md.push_str(&format!(
            " · {} not filled",
            format::plural(placeholders.len() as u64, "placeholder", "placeholders")
        ));
    }
    let mut rows = vec![[
        "model".to_string(),
        "tokens".into(),
        "count".into(),
        "input".into(),
        "cached input".into(),
        "context".into(),
    ]];
    for c in &p.counts {
        let model = s.table.get(&c.model);
        let context = match (c.context_share, c.context_window) {
            (Some(sh), Some(w)) => format!("{} of {}", format::percent(sh), format::window(w)),
            _ => "unknown".into(),
        };
        rows.push([
            c.model.clone(),
            format::tokens(c.tokens, c.exact),
            // "exact (gemma3)", "≈ ±15%" or "exact via API", as `promptcost models` shows it.
            c.accuracy_label(model),
            format::cost(c.input_cost_usd),
            format::cost(c.cached_input_cost_usd),
            context,
        ]);
    }
    md.push_str("\n\n```text\n");
    md.push_str(&format::table(
        &rows,
        &[false, true, false, true, true, false],
    ));
    md.push_str("```\n");
    if let Some(b) = p.budget {
        let c = p.budget_count();
        let state = if c.tokens > b { " ⚠ over budget" } else { "" };
        md.push_str(&format!(
            "\nBudget: {} / {} tokens in `{}`{state}.\n",
            format::tokens(c.tokens, c.exact),
            format::thousands(b),
            c.model
        ));
    }
    md
}
