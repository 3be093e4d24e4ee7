//! GitHub Actions workflow commands (`check --format github`). GitHub shows ten error/warning
//! annotations and ten notices per step, so: at most one annotation per file and prompt kind,
//! the most important first, and a summary line for what is left out.
//!
//! Owns: choosing and writing the annotations. Never: decides violations.

use super::{Report, Violation};
use crate::document::{PromptKind, Severity};
use crate::format;

/// Annotations GitHub displays per step and type.
const SHOWN: usize = 10;

fn esc_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn esc_prop(s: &str) -> String {
    esc_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// What a violation is about: agent context, or the kind of the prompt it sits on.
fn kind_of(r: &Report, v: &Violation) -> &'static str {
    if v.rule.is_context() {
        return "context";
    }
    match r
        .prompts
        .iter()
        .find(|e| e.path == v.path && e.start == v.start)
        .map(|e| e.kind)
    {
        Some(PromptKind::File) | None => "file",
        Some(PromptKind::Section) => "section",
        Some(PromptKind::Message) => "message",
        Some(PromptKind::Literal) => "literal",
    }
}

/// How much a violation matters: errors first, then agent context, then the size of the change
/// (or of the prompt).
fn weight(r: &Report, v: &Violation) -> (bool, bool, u64) {
    let size = r
        .prompts
        .iter()
        .find(|e| e.path == v.path && e.start == v.start)
        .map_or(0, |e| {
            e.base
                .as_ref()
                .map_or(e.tokens, |b| b.change.unsigned_abs())
        });
    let size = if v.rule.is_context() {
        r.context.iter().map(|c| c.tokens).max().unwrap_or(0)
    } else {
        size
    };
    (v.severity == Severity::Error, v.rule.is_context(), size)
}

pub fn render(r: &Report) -> String {
    let mut out = String::new();
    let mut order: Vec<&Violation> = r.violations.iter().collect();
    order.sort_by_key(|v| std::cmp::Reverse(weight(r, v)));
    let mut groups: Vec<(String, &'static str, &Violation, usize)> = Vec::new();
    for v in order {
        let kind = kind_of(r, v);
        match groups
            .iter_mut()
            .find(|(p, k, _, _)| *p == v.path && *k == kind)
        {
            Some(g) => g.3 += 1,
            None => groups.push((v.path.clone(), kind, v, 0)),
        }
    }
    for (_, kind, v, more) in groups.iter().take(SHOWN) {
        let level = if v.severity == Severity::Error {
            "error"
        } else {
            "warning"
        };
        let mut msg = v.message.clone();
        if *more > 0 {
            msg.push_str(&format!(
                " (and {more} more {kind} finding{} in this file)",
                if *more == 1 { "" } else { "s" }
            ));
        }
        out.push_str(&format!(
            "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            esc_prop(&super::repo_path(r, &v.path)),
            v.start.line,
            v.start.column,
            v.end.line.max(v.start.line),
            v.end.column,
            esc_prop(&format!("promptcost {}", v.rule)),
            esc_data(&msg)
        ));
    }
    let annotated: usize = groups.iter().take(SHOWN).map(|g| 1 + g.3).sum();
    // Notices: the files that changed most, and agent context that changed.
    let mut notices: Vec<(u64, String)> = Vec::new();
    let mut by_file: Vec<(String, Vec<String>)> = Vec::new();
    for c in &r.context {
        if let (Some(b), Some(f)) = (&c.base, c.files.first()) {
            if b.change != 0 {
                match by_file.iter_mut().find(|(p, _)| *p == f.path) {
                    Some((_, v)) => v.push(c.headline()),
                    None => by_file.push((f.path.clone(), vec![c.headline()])),
                }
            }
        }
    }
    for (path, lines) in by_file {
        notices.push((
            u64::MAX,
            format!(
                "::notice file={},line=1,title=promptcost context::{}\n",
                esc_prop(&super::repo_path(r, &path)),
                esc_data(&lines.join("; "))
            ),
        ));
    }
    // Cost changes per month: one notice per file (its largest part first in report order).
    let mut cost_files: Vec<&str> = Vec::new();
    for e in &r.prompts {
        let Some(c) = &e.cost else { continue };
        let Some(label) = c.monthly_change_label() else {
            continue;
        };
        if c.monthly_change_usd == Some(0.0) || cost_files.contains(&e.path.as_str()) {
            continue;
        }
        cost_files.push(&e.path);
        notices.push((
            u64::MAX - 1,
            format!(
                "::notice file={},line={},title=promptcost cost::{} {}\n",
                esc_prop(&super::repo_path(r, &e.path)),
                e.start.line,
                esc_data(&e.path),
                esc_data(&label)
            ),
        ));
    }
    let mut files: Vec<_> = r
        .prompts
        .iter()
        .filter(|e| e.kind == PromptKind::File && e.base.as_ref().is_some_and(|b| b.change != 0))
        .collect();
    files
        .sort_by_key(|e| std::cmp::Reverse(e.base.as_ref().map_or(0, |b| b.change.unsigned_abs())));
    for e in files {
        notices.push((
            0,
            format!(
                "::notice file={},line=1,title=promptcost::{} {} tokens\n",
                esc_prop(&super::repo_path(r, &e.path)),
                e.path,
                super::render::change_text(e)
            ),
        ));
    }
    let notices_left = notices.len().saturating_sub(SHOWN);
    for (_, n) in notices.iter().take(SHOWN) {
        out.push_str(n);
    }
    let total = r.summary.tokens.first().map_or(0, |t| t.1);
    out.push_str(&format!(
        "promptcost: {}, {}, {} tokens ({}), {}",
        format::plural(r.summary.files as u64, "prompt file", "prompt files"),
        format::plural(r.summary.prompts as u64, "prompt", "prompts"),
        format::thousands(total),
        r.models.first().cloned().unwrap_or_default(),
        format::plural(r.violations.len() as u64, "violation", "violations")
    ));
    let left = r.violations.len() - annotated.min(r.violations.len());
    if annotated < r.violations.len() || notices_left > 0 || groups.iter().any(|g| g.3 > 0) {
        out.push_str(&format!(
            "; annotated {} of them (one per file and prompt kind, GitHub shows {SHOWN} per step){}{}",
            groups.len().min(SHOWN),
            if left > 0 { format!(", {left} more in files not annotated") } else { String::new() },
            if notices_left > 0 { format!(", {notices_left} more changed files not annotated") } else { String::new() }
        ));
    }
    out.push('\n');
    out
}
