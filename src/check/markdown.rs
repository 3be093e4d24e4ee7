//! The pull-request comment (`check --format markdown`): agent context on top, then prompts
//! grouped by file, largest change first; the first files in view, the rest in `<details>`.
//!
//! Owns: that layout. Never: computes counts or decides violations.

use super::{PromptEntry, Report};
use crate::document::PromptKind;
use crate::format;

/// Files shown before the rest is folded.
const SHOWN_FILES: usize = 10;

fn change(e: &PromptEntry) -> String {
    super::render::change_text(e)
}

fn status(e: &PromptEntry) -> &'static str {
    match e.status {
        "ok" => "ok",
        "over_budget" => "⚠️ over budget",
        "over_context" => "❌ over context window",
        _ => "⚠️ grew too much",
    }
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

fn row(e: &PromptEntry, out: &mut String) {
    let c = e
        .models
        .iter()
        .find(|m| m.model == e.budget_model)
        .unwrap_or(&e.models[0]);
    let name = match e.kind {
        PromptKind::File => format!("`{}`", e.path),
        PromptKind::Section => format!("↳ § {}", e.name),
        PromptKind::Message => format!("↳ {} message", e.name),
        PromptKind::Literal => format!("↳ `{}`", e.name),
    };
    out.push_str(&format!(
        "| {} | {} | {} | {} | {} | {} |\n",
        cell(&name),
        format::tokens(c.tokens, c.exact),
        change(e),
        format::cost(c.input_cost_usd),
        e.budget.map_or("—".into(), format::thousands),
        status(e)
    ));
}

/// A file's rows (the file first, then its parts in order) and how much it matters.
struct Group<'a> {
    rows: Vec<&'a PromptEntry>,
    weight: u64,
    failing: bool,
}

pub fn render(r: &Report) -> String {
    let primary = r.models.first().cloned().unwrap_or_default();
    let mut out = String::from("### promptcost\n\n");
    // Agents that load the same files show the same numbers: one line for them.
    let mut lines: Vec<(String, String)> = Vec::new();
    for e in &r.context {
        let flag = match e.status {
            "over_budget" => format!(
                " ⚠️ over its budget of {}",
                e.budget.map_or(String::new(), format::thousands)
            ),
            "over_growth" => " ⚠️ grew too much".into(),
            _ => String::new(),
        };
        let rest = e
            .headline()
            .split_once(": ")
            .map_or(String::new(), |(_, b)| b.to_string())
            + &flag;
        match lines.iter_mut().find(|(_, r)| *r == rest) {
            Some((names, _)) => names.push_str(&format!(" · {}", e.name)),
            None => lines.push((e.name.clone(), rest)),
        }
    }
    for (names, rest) in &lines {
        out.push_str(&format!("**{names}**: {rest}  \n"));
    }
    if !r.context.is_empty() {
        out.push('\n');
    }
    let total = r.summary.tokens.first().map_or(0, |t| t.1);
    out.push_str(&format!(
        "{}, {}, **{} tokens** ({primary}){}. {}\n\n",
        format::plural(r.summary.files as u64, "prompt file", "prompt files"),
        format::plural(r.summary.prompts as u64, "prompt", "prompts"),
        format::thousands(total),
        r.base
            .as_ref()
            .map_or(String::new(), |b| format!(", compared with `{b}`")),
        if r.violations.is_empty() {
            "All within budget ✅".to_string()
        } else {
            format!("**{} violation(s)** ⚠️", r.violations.len())
        }
    ));
    let mut groups: Vec<Group> = Vec::new();
    for e in &r.prompts {
        let changed = e.base.as_ref().is_some_and(|b| b.change != 0);
        let keep = r.base.is_none() || changed || e.status != "ok";
        match groups.last_mut() {
            Some(g) if g.rows[0].path == e.path => {
                if keep {
                    g.rows.push(e);
                    g.failing |= e.status != "ok";
                }
            }
            _ => groups.push(Group {
                rows: vec![e],
                weight: 0,
                failing: e.status != "ok",
            }),
        }
    }
    for g in &mut groups {
        let file = g.rows[0];
        g.weight = if r.base.is_some() {
            g.rows
                .iter()
                .map(|e| e.base.as_ref().map_or(0, |b| b.change.unsigned_abs()))
                .max()
                .unwrap_or(0)
        } else {
            file.tokens
        };
        if r.base.is_none() {
            g.rows.truncate(1 + 5);
        }
    }
    if r.base.is_some() {
        groups.retain(|g| g.weight > 0 || g.failing);
    }
    groups.sort_by_key(|g| (std::cmp::Reverse(g.failing), std::cmp::Reverse(g.weight)));
    let header = format!("| prompt | tokens ({primary}) | change | input cost | budget | status |\n|---|--:|--:|--:|--:|---|\n");
    if groups.is_empty() {
        out.push_str(if r.base.is_some() {
            "No prompt changed.\n"
        } else {
            "No prompts found.\n"
        });
    } else {
        out.push_str(&header);
        for g in groups.iter().take(SHOWN_FILES) {
            g.rows.iter().for_each(|e| row(e, &mut out));
        }
        if groups.len() > SHOWN_FILES {
            let rest = &groups[SHOWN_FILES..];
            out.push_str(&format!(
                "\n<details><summary>{} more file{} ({} prompts)</summary>\n\n{header}",
                rest.len(),
                if rest.len() == 1 { "" } else { "s" },
                rest.iter().map(|g| g.rows.len()).sum::<usize>()
            ));
            rest.iter()
                .for_each(|g| g.rows.iter().for_each(|e| row(e, &mut out)));
            out.push_str("\n</details>\n");
        }
    }
    let costs = super::render::cost_lines(r);
    if !costs.is_empty() {
        out.push_str("\n**Cost** per call and per month (30 days):\n\n");
        for l in costs.iter().take(50) {
            out.push_str(&format!("- {}\n", cell(l)));
        }
        if costs.len() > 50 {
            out.push_str(&format!("\n…and {} more.\n", costs.len() - 50));
        }
    }
    if !r.deleted.is_empty() {
        out.push_str("\nDeleted: ");
        out.push_str(
            &r.deleted
                .iter()
                .map(|d| {
                    format!(
                        "`{}` {} (−{})",
                        d.path,
                        d.name,
                        format::thousands(d.base_tokens)
                    )
                })
                .collect::<Vec<_>>()
                .join(", "),
        );
        out.push('\n');
    }
    let estimates = super::render::estimated_models(r);
    if !estimates.is_empty() {
        out.push_str(&format!(
            "\n≈ estimates (no public tokenizer): {}.\n",
            super::render::estimate_notes(&estimates)
        ));
    }
    out
}
