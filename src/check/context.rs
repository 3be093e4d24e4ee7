//! `check` for agent context: each agent's always-loaded context (a session started where
//! `check` starts) against the `[context]` budgets, and its growth since `--base`, with the
//! revision's tree read the way the work tree is (symlinks resolved, each real file once).
//!
//! Owns: the `context` part of the report and its violations (`context-budget`,
//! `context-growth`). Never: decides what agents load (see `crate::context`).

use std::path::Path;

use super::growth::Growth;
use super::report::{relative_path, BaseInfo, LineCol, Violation};
use crate::config::Settings;
use crate::context::agents::{self, Agent};
use crate::context::load::Load;
use crate::context::report::{always_report, AgentReport};
use crate::context::tree::{FsTree, GitTree, Tree};
use crate::document::{ModelCount, Severity};
use crate::format;

#[derive(Clone, Debug)]
pub struct ContextFile {
    pub path: String,
    pub real: Option<String>,
    pub via: String,
    pub tokens: u64,
}

/// One agent's always-loaded context.
#[derive(Clone, Debug)]
pub struct ContextEntry {
    pub agent: String,
    pub name: String,
    /// In the budget model (the first configured model).
    pub tokens: u64,
    pub budget_model: String,
    pub models: Vec<ModelCount>,
    pub budget: Option<u64>,
    /// `ok`, `over_budget`, `over_growth`.
    pub status: &'static str,
    pub base: Option<BaseInfo>,
    pub files: Vec<ContextFile>,
    /// Broken imports, cycles, caps (`path:line: message`).
    pub problems: Vec<String>,
}

impl ContextEntry {
    /// `Claude Code: always-loaded context +1,240 tok (+18%)`.
    pub fn headline(&self) -> String {
        let exact = self.models.first().is_none_or(|c| c.exact);
        let change = match &self.base {
            Some(b) if b.state == "new" => " (new)".to_string(),
            Some(b) if b.change == 0 => " ±0 tok".to_string(),
            Some(b) => format!(
                " {}{} tok{}",
                if b.change > 0 { "+" } else { "-" },
                format::thousands(b.change.unsigned_abs()),
                b.change_pct.map_or(String::new(), |p| format!(
                    " ({}{:.0}%)",
                    if p >= 0.0 { "+" } else { "-" },
                    p.abs()
                ))
            ),
            None => String::new(),
        };
        format!(
            "{}: always-loaded context{change} → {} tok ({})",
            self.name,
            format::tokens(self.tokens, exact),
            self.budget_model
        )
    }
}

pub(super) struct ContextCheck {
    pub entries: Vec<ContextEntry>,
    pub violations: Vec<Violation>,
}

fn entry(r: &AgentReport, settings: &Settings, rel: &dyn Fn(&str) -> String) -> ContextEntry {
    let files = r
        .files
        .iter()
        .filter(|f| f.load == Load::Always)
        .map(|f| ContextFile {
            path: rel(&f.path),
            real: f.real.as_deref().map(rel),
            via: f.via.clone(),
            tokens: f.tokens,
        })
        .collect();
    ContextEntry {
        agent: r.agent.clone(),
        name: r.name.clone(),
        tokens: r.always.tokens,
        budget_model: settings.models[0].id.clone(),
        models: r.always.models.clone(),
        budget: settings.context.budget_for(&r.agent),
        status: "ok",
        base: None,
        files,
        problems: r
            .problems
            .iter()
            .map(|p| format!("{}:{}: {}", rel(&p.path), p.line, p.message))
            .collect(),
    }
}

/// The context part of a check. `top` is the project root (git top level, else the start
/// directory), `start` the directory sessions start in, `cwd` what report paths are relative to;
/// `base` the revision's name and tree.
pub(super) fn check(
    settings: &Settings,
    top: &Path,
    start: &Path,
    cwd: &Path,
    base: Option<(&str, &GitTree)>,
    growth: Option<Growth>,
) -> ContextCheck {
    let start_rel = crate::context::rel_dir(top, start);
    let rel = |p: &str| -> String { relative_path(&top.join(p), cwd) };
    let tree = FsTree::new(top, settings.max_file_size);
    let wanted: Vec<&'static Agent> = match &settings.context.agents {
        Some(ids) => ids.iter().filter_map(|i| agents::find(i).ok()).collect(),
        None => agents::all().iter().collect(),
    };
    let base_tree = base.map(|(_, t)| t);
    let mut out = ContextCheck {
        entries: Vec::new(),
        violations: Vec::new(),
    };
    for agent in wanted {
        let now = always_report(agent, &tree, &start_rel, &settings.models);
        let then = base_tree
            .as_ref()
            .map(|&t| always_report(agent, t as &dyn Tree, &start_rel, &settings.models[..1]));
        let has = |r: &AgentReport| r.files.iter().any(|f| f.load == Load::Always);
        if settings.context.agents.is_none() && !has(&now) && !then.as_ref().is_some_and(has) {
            continue;
        }
        let mut e = entry(&now, settings, &rel);
        let at = LineCol { line: 1, column: 1 };
        let path = e.files.first().map_or_else(|| rel(""), |f| f.path.clone());
        if let Some(then) = &then {
            let b = then.always.tokens;
            let had = has(then);
            e.base = Some(BaseInfo::between(e.tokens, had.then_some(b)));
            if let (Some(g), true) = (growth, had) {
                if g.exceeded(b, e.tokens) {
                    e.status = "over_growth";
                    out.violations.push(Violation {
                        path: path.clone(),
                        start: at,
                        end: at,
                        rule: super::Rule::ContextGrowth,
                        severity: Severity::Warning,
                        message: format!(
                            "{}: always-loaded context grew by {} tokens ({}) since {}, more than --max-growth {}",
                            e.name,
                            format::thousands(e.tokens - b),
                            e.base.as_ref().and_then(|x| x.change_pct).map_or("from 0".into(), |p| format!("+{p:.0}%")),
                            base.map_or("", |(rev, _)| rev),
                            g.describe()
                        ),
                    });
                }
            }
        }
        if let Some(budget) = e.budget {
            if e.tokens > budget {
                e.status = "over_budget";
                out.violations.push(Violation {
                    path,
                    start: at,
                    end: at,
                    rule: super::Rule::ContextBudget,
                    severity: Severity::Warning,
                    message: format!(
                        "{}: always-loaded context is {} tokens ({}), over the [context] budget of {} (+{:.0}%)",
                        e.name,
                        format::thousands(e.tokens),
                        e.budget_model,
                        format::thousands(budget),
                        (e.tokens - budget) as f64 / budget as f64 * 100.0
                    ),
                });
            }
        }
        out.entries.push(e);
    }
    out
}

/// Lines for the human report, above the prompt table.
pub(super) fn human(entries: &[ContextEntry]) -> String {
    if entries.is_empty() {
        return String::new();
    }
    let mut out = String::from("Agent context (loaded in every session):\n");
    // Agents that load the same files show the same numbers: one line for them.
    let mut lines: Vec<(String, String, &[String])> = Vec::new();
    for e in entries {
        let budget = e.budget.map_or(String::new(), |b| {
            format!(" · budget {}", format::thousands(b))
        });
        let rest = e
            .headline()
            .split_once(": ")
            .map_or(String::new(), |(_, r)| r.to_string())
            + &budget;
        match lines
            .iter_mut()
            .find(|(_, r, p)| *r == rest && *p == e.problems.as_slice())
        {
            Some((names, _, _)) => names.push_str(&format!(" · {}", e.name)),
            None => lines.push((e.name.clone(), rest, &e.problems)),
        }
    }
    for (names, rest, problems) in lines {
        out.push_str(&format!("  {names}: {rest}\n"));
        for p in problems {
            out.push_str(&format!("    warning: {p}\n"));
        }
    }
    out.push('\n');
    out
}
