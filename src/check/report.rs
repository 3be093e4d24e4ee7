//! The report of a check: what every rendering reads (prompts with their base, deleted
//! prompts, violations, skipped files, agent context, totals), and the one dispatch to the
//! renderings (`render.rs`: human, SARIF; `wire.rs`: JSON; `github.rs`; `markdown.rs`).
//!
//! Owns: the core report types and report paths. Never: computes counts or decides
//! violations (`compare.rs`, `context.rs` do), or is itself a wire format.

use std::path::{Path, PathBuf};

use super::{context, github, markdown, render, wire, CheckError, ContextEntry, Format, Rule};
use crate::document::{ModelCount, PromptKind, Severity};

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

#[derive(Clone, Debug)]
pub struct BaseInfo {
    /// `changed`, `unchanged` or `new`.
    pub state: &'static str,
    /// Tokens at the base in the budget model (`None` for a new prompt).
    pub tokens: Option<u64>,
    pub change: i64,
    pub change_pct: Option<f64>,
}

impl BaseInfo {
    /// `now` tokens against `base` (`None`: there was nothing at the base).
    pub(crate) fn between(now: u64, base: Option<u64>) -> BaseInfo {
        match base {
            Some(b) => BaseInfo {
                state: if b == now { "unchanged" } else { "changed" },
                tokens: Some(b),
                change: now as i64 - b as i64,
                change_pct: (b > 0).then(|| (now as f64 - b as f64) / b as f64 * 100.0),
            },
            None => BaseInfo {
                state: "new",
                tokens: None,
                change: now as i64,
                change_pct: None,
            },
        }
    }
}

#[derive(Clone, Debug)]
pub struct PromptEntry {
    pub path: String,
    pub kind: PromptKind,
    pub name: String,
    pub start: LineCol,
    pub end: LineCol,
    pub budget: Option<u64>,
    /// The model the prompt is measured in (`Prompt::budget_count`).
    pub budget_model: String,
    /// Tokens in `budget_model`.
    pub tokens: u64,
    /// `ok`, `over_budget`, `over_context`, `over_growth`.
    pub status: &'static str,
    pub models: Vec<ModelCount>,
    pub placeholders: usize,
    pub base: Option<BaseInfo>,
    /// A request's cost per call and per month (files and literals; see `cost::report`).
    pub cost: Option<crate::cost::report::PromptCost>,
}

#[derive(Clone, Debug)]
pub struct Deleted {
    pub path: String,
    pub kind: PromptKind,
    pub name: String,
    pub base_tokens: u64,
}

#[derive(Clone, Debug)]
pub struct Violation {
    pub path: String,
    pub start: LineCol,
    pub end: LineCol,
    /// `budget`, `context-window`, `growth`.
    pub rule: Rule,
    pub severity: Severity,
    pub message: String,
}

#[derive(Clone, Debug)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

#[derive(Clone, Debug)]
pub struct Report {
    pub snapshot_date: String,
    pub models: Vec<String>,
    pub base: Option<String>,
    pub max_growth: Option<String>,
    pub summary: Summary,
    /// Per agent: what it loads into every session, with budget and growth.
    pub context: Vec<ContextEntry>,
    pub prompts: Vec<PromptEntry>,
    pub deleted: Vec<Deleted>,
    pub violations: Vec<Violation>,
    pub skipped: Vec<Skipped>,
    /// The working directory relative to the git top level (paths in the report are
    /// relative to the working directory; SARIF and GitHub want them from the top level).
    pub cwd_in_repo: Option<PathBuf>,
}

#[derive(Clone, Debug, Default)]
pub struct Summary {
    pub files: usize,
    pub prompts: usize,
    pub violations: usize,
    pub skipped: usize,
    /// Sum over files (not sections) per model.
    pub tokens: Vec<(String, u64)>,
    pub input_cost_usd: Vec<(String, Option<f64>)>,
}

/// The report in `format`; `root` is where SARIF's paths start (the repository's top level).
pub(super) fn render(
    report: &Report,
    format: Format,
    color: bool,
    root: &Path,
) -> Result<String, CheckError> {
    Ok(match format {
        Format::Human => context::human(&report.context) + &render::human(report, color),
        Format::Json => wire::json(report)?,
        Format::Sarif => render::sarif(report, root),
        Format::Github => github::render(report),
        Format::Markdown => markdown::render(report),
    })
}

/// `path` relative to `base` (both absolute): `a/b.md`, `../other/c.md`, with `/` separators.
pub(crate) fn relative_path(path: &Path, base: &Path) -> String {
    let p: Vec<_> = path.components().collect();
    let b: Vec<_> = base.components().collect();
    let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
    if common == 0 {
        return path.to_string_lossy().replace('\\', "/");
    }
    let mut parts: Vec<String> = std::iter::repeat_n("..".to_string(), b.len() - common).collect();
    parts.extend(
        p[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}

/// A report path (relative to the working directory) as a path from the repository's top
/// level, for SARIF and GitHub annotations.
pub(crate) fn repo_path(r: &Report, path: &str) -> String {
    let Some(prefix) = &r.cwd_in_repo else {
        return path.to_string();
    };
    let mut parts: Vec<String> = prefix
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    for seg in path.split('/') {
        match seg {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            s => parts.push(s.to_string()),
        }
    }
    parts.join("/")
}
