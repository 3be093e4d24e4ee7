//! Renderings of a check [`Report`]: human table and SARIF 2.1.0 (GitHub workflow commands:
//! `github.rs`, the pull-request comment: `markdown.rs`; JSON is the report itself, serialised).

use std::path::Path;

use serde_json::json;

use super::{PromptEntry, Report, Rule};
use crate::document::{PromptKind, Severity};
use crate::format;

fn paint(color: bool, code: &str, s: &str) -> String {
    if color {
        format!("\x1b[{code}m{s}\x1b[0m")
    } else {
        s.to_string()
    }
}

pub(super) fn change_text(e: &PromptEntry) -> String {
    match &e.base {
        None => String::new(),
        Some(b) if b.state == "new" => "new".into(),
        Some(b) => {
            let sign = if b.change >= 0 { "+" } else { "-" };
            let pct = b
                .change_pct
                .map_or(String::new(), |p| format!(" ({sign}{:.0}%)", p.abs()));
            if b.change == 0 {
                "±0".into()
            } else {
                format!("{sign}{}{pct}", format::thousands(b.change.unsigned_abs()))
            }
        }
    }
}

fn label(e: &PromptEntry) -> String {
    match e.kind {
        PromptKind::File => e.path.clone(),
        PromptKind::Section => format!("  § {}", e.name),
        PromptKind::Message => format!("  {} message", e.name),
        PromptKind::Literal => format!("  {}", e.name),
    }
}

pub fn human(r: &Report, color: bool) -> String {
    let primary = r.models.first().cloned().unwrap_or_default();
    // Every row in the primary model, so the totals below are the sums of the file rows; a
    // budget measured in another model says so, with that model's count.
    let mut rows: Vec<[String; 6]> = vec![[
        "prompt".into(),
        "line".into(),
        format!("tokens ({primary})"),
        "input cost".into(),
        "budget".into(),
        if r.base.is_some() {
            "change".into()
        } else {
            String::new()
        },
    ]];
    let mut styles: Vec<Option<&str>> = vec![Some("1")];
    for e in &r.prompts {
        let c = e
            .models
            .iter()
            .find(|m| m.model == primary)
            .unwrap_or(&e.models[0]);
        let budget = match e.budget {
            None => String::new(),
            Some(b) if e.budget_model == c.model => format::thousands(b),
            Some(b) => {
                let own = e.models.iter().find(|m| m.model == e.budget_model);
                match own {
                    Some(o) => format!(
                        "{} ({}: {})",
                        format::thousands(b),
                        o.model,
                        format::tokens(o.tokens, o.exact)
                    ),
                    None => format!("{} ({})", format::thousands(b), e.budget_model),
                }
            }
        };
        rows.push([
            label(e),
            if e.kind == PromptKind::File {
                String::new()
            } else {
                e.start.line.to_string()
            },
            format::tokens(c.tokens, c.exact),
            format::cost(c.input_cost_usd),
            budget,
            change_text(e),
        ]);
        styles.push(match e.status {
            "ok" if e.kind == PromptKind::File => Some("1"),
            "ok" => None,
            "over_context" => Some("31;1"),
            _ => Some("33;1"),
        });
    }
    let table = format::table(&rows, &[false, true, true, true, true, true]);
    let mut out = String::new();
    for (line, style) in table.lines().zip(styles) {
        out.push_str(&match style {
            Some(s) => paint(color, s, line),
            None => line.to_string(),
        });
        out.push('\n');
    }
    if !r.deleted.is_empty() {
        out.push_str("\nDeleted since the base:\n");
        for d in &r.deleted {
            out.push_str(&format!(
                "  {} {} (was {} tokens)\n",
                d.path,
                if d.kind == PromptKind::File {
                    String::new()
                } else {
                    format!("'{}'", d.name)
                },
                format::thousands(d.base_tokens)
            ));
        }
    }
    if !r.violations.is_empty() {
        out.push('\n');
        for v in &r.violations {
            let tag = match v.severity {
                Severity::Error => paint(color, "31;1", "error"),
                _ => paint(color, "33;1", "warning"),
            };
            out.push_str(&format!(
                "{tag}: {}:{}:{}: {}\n",
                v.path, v.start.line, v.start.column, v.message
            ));
        }
    }
    for s in &r.skipped {
        out.push_str(&format!("note: skipped {}: {}\n", s.path, s.reason));
    }
    let costs = cost_lines(r);
    if !costs.is_empty() {
        out.push_str("\nCost per call and per month (30 days), in each prompt's budget model:\n");
        for l in costs.iter().take(50) {
            out.push_str(&format!("  {l}\n"));
        }
        if costs.len() > 50 {
            out.push_str(&format!(
                "  …and {} more (largest changes first; all in --format json).\n",
                costs.len() - 50
            ));
        }
    }
    let estimates = estimated_models(r);
    let totals: Vec<String> = r
        .summary
        .tokens
        .iter()
        .zip(&r.summary.input_cost_usd)
        .map(|((m, t), (_, c))| {
            let exact = !estimates.iter().any(|(e, _)| e == m);
            format!("{m} {} tok {}", format::tokens(*t, exact), format::cost(*c))
        })
        .collect();
    out.push_str(&format!(
        "\n{}, {}: {}. {}\n",
        format::plural(r.summary.files as u64, "file", "files"),
        format::plural(r.summary.prompts as u64, "prompt", "prompts"),
        totals.join(" · "),
        if r.violations.is_empty() {
            paint(color, "32;1", "All within budget.")
        } else {
            paint(
                color,
                "33;1",
                &format!(
                    "{}.",
                    format::plural(r.violations.len() as u64, "violation", "violations")
                ),
            )
        }
    ));
    if !estimates.is_empty() {
        out.push_str(&format!(
            "≈ estimates (no public tokenizer): {}.\n",
            estimate_notes(&estimates)
        ));
    }
    out
}

/// The report's requests with a volume, a dollar budget or a change in dollars.
pub(super) fn cost_lines(r: &Report) -> Vec<String> {
    crate::cost::report::summary_lines(r.prompts.iter().filter_map(|e| {
        let what = match e.kind {
            PromptKind::File => e.path.clone(),
            _ => format!("{} {}", e.path, e.name),
        };
        e.cost.as_ref().map(|c| (what, c))
    }))
}

pub fn sarif(r: &Report, root: &Path) -> String {
    let rules: Vec<_> = Rule::ALL
        .iter()
        .map(|rule| {
            let (short, full) = (rule.title(), rule.description());
            json!({
                "id": rule.sarif_id(),
                "name": rule.name(),
                "shortDescription": {"text": format!("{short}.")},
                "fullDescription": {"text": full},
                "helpUri": "https://github.com/promptcost/promptcost#promptcost-check",
                "help": {"text": format!("{full} Shrink the prompt, raise the budget in promptcost.toml, or move content elsewhere.")},
                "defaultConfiguration": {"level": rule.level()},
            })
        })
        .collect();
    let results: Vec<_> = r
        .violations
        .iter()
        .map(|v| {
            let rule_index = Rule::ALL.iter().position(|r| *r == v.rule).unwrap_or(0);
            let mut message = v.message.clone();
            if !message.ends_with('.') {
                message.push('.');
            }
            let (end_line, end_col) = if (v.end.line, v.end.column) > (v.start.line, v.start.column) { (v.end.line, v.end.column) } else { (v.start.line, v.start.column + 1) };
            json!({
                "ruleId": v.rule.sarif_id(),
                "ruleIndex": rule_index,
                "level": if v.severity == Severity::Error { "error" } else { "warning" },
                "message": {"text": message},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": super::repo_path(r, &v.path), "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": v.start.line, "startColumn": v.start.column, "endLine": end_line, "endColumn": end_col}
                    }
                }],
                "partialFingerprints": {"promptcost/v1": format!("{}:{}:{}", v.rule, super::repo_path(r, &v.path), v.message.split(" (").next().unwrap_or(""))},
            })
        })
        .collect();
    let root_uri = format!(
        "file://{}/",
        root.display().to_string().trim_end_matches('/')
    );
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "promptcost",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/promptcost/promptcost",
                "rules": rules,
            }},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": root_uri}},
            "invocations": [{"executionSuccessful": true}],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

/// The models of the report counted by estimate, each with its stated error, in order of
/// first appearance.
pub(super) fn estimated_models(r: &Report) -> Vec<(String, f64)> {
    let mut out: Vec<(String, f64)> = Vec::new();
    for c in r.prompts.iter().flat_map(|p| &p.models) {
        if let (false, Some(e)) = (c.exact, c.error_pct) {
            if !out.iter().any(|(m, _)| *m == c.model) {
                out.push((c.model.clone(), e));
            }
        }
    }
    out
}

/// `claude-sonnet-4-5 ±15%, ...`
pub(super) fn estimate_notes(estimates: &[(String, f64)]) -> String {
    estimates
        .iter()
        .map(|(m, e)| format!("{m} ±{e:.0}%"))
        .collect::<Vec<_>>()
        .join(", ")
}
