//! `textDocument/codeLens`: the file total on the first line
//! (`2,345 tokens · $0.0059 gpt-4o · 1.8% of 128k · $0.0123/call · budget 3,000`); in a source
//! file, its prompts' total above the first prompt (none without prompts). Its command,
//! `promptcost.showModels`, is run by the client where it has one (VS Code) and by the server
//! otherwise (`workspace/executeCommand`).

use tower_lsp_server::ls_types::*;

use super::ext::SHOW_MODELS_COMMAND;
use super::session::Session;
use crate::document::Analysis;
use crate::format;

pub fn handle(s: &Session, uri: &Uri) -> Option<Vec<CodeLens>> {
    let d = s.prompt_doc(uri)?;
    if d.counting() {
        return Some(vec![lens(
            format!("counting {} bytes…", format::thousands(d.doc.len() as u64)),
            uri,
        )]);
    }
    if d.doc.is_source() {
        // A source file: its prompts' total, above the first prompt (nothing outside its
        // prompts; none without prompts).
        let a = s.analysis(uri, d, &|_| true);
        let Some(first) = a.parts.iter().map(|p| p.range.start).min() else {
            return Some(Vec::new());
        };
        let (line, _) = crate::position::to_position(&d.doc.rope, s.enc(), first);
        let mut l = lens(title(&a, ""), uri);
        l.range = Range::new(Position::new(line, 0), Position::new(line, 0));
        return Some(vec![l]);
    }
    let a = s.analysis(uri, d, &|_| false);
    let cost = crate::cost::prompt::lens_suffix(&d.doc, &a, &d.settings);
    let mut lenses = vec![lens(title(&a, &cost), uri)];
    lenses.extend(super::agent_context::lenses(&d.doc, &d.settings, uri));
    Some(lenses)
}

pub(super) fn lens(title: String, uri: &Uri) -> CodeLens {
    CodeLens {
        range: Range::new(Position::new(0, 0), Position::new(0, 0)),
        command: Some(Command {
            title,
            command: SHOW_MODELS_COMMAND.into(),
            arguments: Some(vec![serde_json::json!(uri.as_str())]),
        }),
        data: None,
    }
}

/// The lens title of a file; `cost` (` · $0.0050/call · $1,500.00/month`) goes before the budget.
pub fn title(a: &Analysis, cost: &str) -> String {
    let f = &a.file;
    let c = f.budget_count();
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
    title.push_str(cost);
    if let Some(b) = f.budget {
        let over = if c.tokens > b { " ⚠" } else { "" };
        title.push_str(&format!(" · budget {}{over}", format::thousands(b)));
    }
    title
}
