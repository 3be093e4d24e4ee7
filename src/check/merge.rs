//! `check --merge a.json b.json ...`: the `--format json` reports of the shards of one
//! check (`--shard i/n`) read back and merged into one report, rendered in any format, with
//! the exit code of the merged violations. The reports must come from the same promptcost
//! version as this one, with the same models, price snapshot, base and growth limit, and
//! no file may be in two of them; otherwise the merge is an error (exit 2).
//!
//! Owns: reading the JSON report back (owned serde twins of `wire.rs`'s structs), the merge
//! and its order (the unsharded run's: prompts by path, in each file's order; deleted by
//! path and name; violations by position, a file's prompt violations before its agent
//! context's; skipped by path). Never: counts or re-decides a violation.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::context::{ContextEntry, ContextFile};
use super::report::{BaseInfo, Deleted, LineCol, PromptEntry, Report, Skipped, Summary, Violation};
use super::{CheckError, Rule};
use crate::cost::report::PromptCost;
use crate::document::{ModelCount, PromptKind, Severity};
use crate::wire::{ModelCountJson, PromptCostJson};

#[derive(Deserialize)]
struct CheckIn {
    version: u32,
    tool: ToolIn,
    snapshot_date: String,
    models: Vec<String>,
    base: Option<String>,
    max_growth: Option<String>,
    summary: SummaryIn,
    context: Vec<ContextIn>,
    prompts: Vec<PromptIn>,
    deleted: Vec<DeletedIn>,
    violations: Vec<ViolationIn>,
    skipped: Vec<SkippedIn>,
}

#[derive(Deserialize)]
struct ToolIn {
    name: String,
    version: String,
}

#[derive(Deserialize)]
struct SummaryIn {
    files: usize,
    skipped: usize,
    tokens: Vec<(String, u64)>,
    input_cost_usd: Vec<(String, Option<f64>)>,
}

#[derive(Deserialize)]
struct ContextIn {
    agent: String,
    name: String,
    tokens: u64,
    budget_model: String,
    models: Vec<ModelCountJson>,
    budget: Option<u64>,
    status: String,
    base: Option<BaseIn>,
    files: Vec<ContextFileIn>,
    problems: Vec<String>,
}

#[derive(Deserialize)]
struct ContextFileIn {
    path: String,
    real: Option<String>,
    via: String,
    tokens: u64,
}

#[derive(Deserialize)]
struct BaseIn {
    state: String,
    tokens: Option<u64>,
    change: i64,
    change_pct: Option<f64>,
}

#[derive(Deserialize, Clone, Copy)]
struct LineColIn {
    line: usize,
    column: usize,
}

#[derive(Deserialize)]
struct PromptIn {
    path: String,
    kind: String,
    name: String,
    start: LineColIn,
    end: LineColIn,
    budget: Option<u64>,
    budget_model: String,
    status: String,
    models: Vec<ModelCountJson>,
    placeholders: usize,
    base: Option<BaseIn>,
    cost: Option<PromptCostJson>,
}

#[derive(Deserialize)]
struct DeletedIn {
    path: String,
    kind: String,
    name: String,
    base_tokens: u64,
}

#[derive(Deserialize)]
struct ViolationIn {
    path: String,
    start: LineColIn,
    end: LineColIn,
    rule: String,
    severity: String,
    message: String,
}

#[derive(Deserialize)]
struct SkippedIn {
    path: String,
    reason: String,
}

/// A value the report cannot hold (another format, a hand edit).
struct Bad(String);

fn one_of(all: &[&'static str], s: &str, what: &str) -> Result<&'static str, Bad> {
    all.iter()
        .find(|x| **x == s)
        .copied()
        .ok_or_else(|| Bad(format!("unknown {what} '{s}'")))
}

fn kind(s: &str) -> Result<PromptKind, Bad> {
    [
        PromptKind::File,
        PromptKind::Section,
        PromptKind::Message,
        PromptKind::Literal,
    ]
    .into_iter()
    .find(|k| super::wire::kind_name(*k) == s)
    .ok_or_else(|| Bad(format!("unknown prompt kind '{s}'")))
}

const STATUSES: [&str; 4] = ["ok", "over_budget", "over_context", "over_growth"];

fn lc(p: LineColIn) -> LineCol {
    LineCol {
        line: p.line,
        column: p.column,
    }
}

fn base(b: Option<BaseIn>) -> Result<Option<BaseInfo>, Bad> {
    b.map(|b| {
        Ok(BaseInfo {
            state: one_of(&["changed", "unchanged", "new"], &b.state, "base state")?,
            tokens: b.tokens,
            change: b.change,
            change_pct: b.change_pct,
        })
    })
    .transpose()
}

fn counts(cs: Vec<ModelCountJson>) -> Vec<ModelCount> {
    cs.into_iter().map(ModelCount::from).collect()
}

fn prompt(p: PromptIn) -> Result<PromptEntry, Bad> {
    let models = counts(p.models);
    let tokens = models
        .iter()
        .find(|c| c.model == p.budget_model)
        .or(models.first())
        .map_or(0, |c| c.tokens);
    Ok(PromptEntry {
        kind: kind(&p.kind)?,
        status: one_of(&STATUSES, &p.status, "status")?,
        base: base(p.base)?,
        cost: p.cost.map(PromptCost::from),
        path: p.path,
        name: p.name,
        start: lc(p.start),
        end: lc(p.end),
        budget: p.budget,
        budget_model: p.budget_model,
        tokens,
        models,
        placeholders: p.placeholders,
    })
}

fn context(c: ContextIn) -> Result<ContextEntry, Bad> {
    Ok(ContextEntry {
        status: one_of(&STATUSES, &c.status, "status")?,
        base: base(c.base)?,
        agent: c.agent,
        name: c.name,
        tokens: c.tokens,
        budget_model: c.budget_model,
        models: counts(c.models),
        budget: c.budget,
        files: c
            .files
            .into_iter()
            .map(|f| ContextFile {
                path: f.path,
                real: f.real,
                via: f.via,
                tokens: f.tokens,
            })
            .collect(),
        problems: c.problems,
    })
}

fn violation(v: ViolationIn) -> Result<Violation, Bad> {
    Ok(Violation {
        rule: Rule::ALL
            .into_iter()
            .find(|r| r.name() == v.rule)
            .ok_or_else(|| Bad(format!("unknown rule '{}'", v.rule)))?,
        severity: [Severity::Error, Severity::Warning, Severity::Information]
            .into_iter()
            .find(|s| super::wire::severity_name(*s) == v.severity)
            .ok_or_else(|| Bad(format!("unknown severity '{}'", v.severity)))?,
        path: v.path,
        start: lc(v.start),
        end: lc(v.end),
        message: v.message,
    })
}

/// One shard's report, read and converted.
struct Part {
    file: PathBuf,
    head: (String, String, Vec<String>, Option<String>, Option<String>),
    files: usize,
    tokens: Vec<(String, u64)>,
    input_cost_usd: Vec<(String, Option<f64>)>,
    report: Report,
}

fn read(file: &Path) -> Result<Part, CheckError> {
    let err = |message: String| CheckError::Merge {
        path: file.to_path_buf(),
        message,
    };
    let text = std::fs::read_to_string(file).map_err(|source| CheckError::Io {
        path: file.to_path_buf(),
        source,
    })?;
    let r: CheckIn = serde_json::from_str(&text)
        .map_err(|e| err(format!("not a `check --format json` report ({e})")))?;
    if r.version != super::wire::VERSION || r.tool.name != "promptcost" {
        return Err(err(format!(
            "report format {} of {}, expected format {} of promptcost",
            r.version,
            r.tool.name,
            super::wire::VERSION
        )));
    }
    let convert = |r: CheckIn| -> Result<Report, Bad> {
        Ok(Report {
            snapshot_date: r.snapshot_date,
            models: r.models,
            base: r.base,
            max_growth: r.max_growth,
            summary: Summary {
                skipped: r.summary.skipped,
                ..Summary::default()
            },
            context: r
                .context
                .into_iter()
                .map(context)
                .collect::<Result<_, _>>()?,
            prompts: r
                .prompts
                .into_iter()
                .map(prompt)
                .collect::<Result<_, _>>()?,
            deleted: r
                .deleted
                .into_iter()
                .map(|d| {
                    Ok(Deleted {
                        kind: kind(&d.kind)?,
                        path: d.path,
                        name: d.name,
                        base_tokens: d.base_tokens,
                    })
                })
                .collect::<Result<_, _>>()?,
            violations: r
                .violations
                .into_iter()
                .map(violation)
                .collect::<Result<_, _>>()?,
            skipped: r
                .skipped
                .into_iter()
                .map(|s| Skipped {
                    path: s.path,
                    reason: s.reason,
                })
                .collect(),
            cwd_in_repo: None,
        })
    };
    let head = (
        r.tool.version.clone(),
        r.snapshot_date.clone(),
        r.models.clone(),
        r.base.clone(),
        r.max_growth.clone(),
    );
    let (files, tokens, input_cost_usd) = (
        r.summary.files,
        r.summary.tokens.clone(),
        r.summary.input_cost_usd.clone(),
    );
    let report = convert(r).map_err(|Bad(m)| err(m))?;
    Ok(Part {
        file: file.to_path_buf(),
        head,
        files,
        tokens,
        input_cost_usd,
        report,
    })
}

/// The merged report of the shards' JSON reports in `files` (`cwd_in_repo` left to the
/// caller).
pub(super) fn merge(files: &[PathBuf]) -> Result<Report, CheckError> {
    let parts: Vec<Part> = files.iter().map(|f| read(f)).collect::<Result<_, _>>()?;
    let first = &parts[0];
    let ours = env!("CARGO_PKG_VERSION");
    for p in &parts {
        let mismatch = |what: &str, a: String, b: String| CheckError::Merge {
            path: p.file.clone(),
            message: format!(
                "{what} {b}, but {} has {a}: not shards of one check",
                first.file.display()
            ),
        };
        let (v, snap, models, base, growth) = &p.head;
        if v != ours {
            return Err(CheckError::Merge {
                path: p.file.clone(),
                message: format!("written by promptcost {v}, this is {ours}: merge with the version that checked"),
            });
        }
        if *snap != first.head.1 {
            return Err(mismatch(
                "price snapshot",
                first.head.1.clone(),
                snap.clone(),
            ));
        }
        if *models != first.head.2 {
            return Err(mismatch(
                "models",
                first.head.2.join(", "),
                models.join(", "),
            ));
        }
        let none = || "none".to_string();
        if *base != first.head.3 {
            return Err(mismatch(
                "base",
                first.head.3.clone().unwrap_or_else(none),
                base.clone().unwrap_or_else(none),
            ));
        }
        if *growth != first.head.4 {
            return Err(mismatch(
                "max growth",
                first.head.4.clone().unwrap_or_else(none),
                growth.clone().unwrap_or_else(none),
            ));
        }
    }
    // A file is in one shard: a path in two reports means they are not one check's shards.
    let mut owner: HashMap<&str, usize> = HashMap::new();
    for (i, p) in parts.iter().enumerate() {
        let paths = p.report.prompts.iter().map(|e| e.path.as_str());
        for path in paths.chain(p.report.deleted.iter().map(|d| d.path.as_str())) {
            match owner.insert(path, i) {
                Some(other) if other != i => {
                    return Err(CheckError::Merge {
                        path: p.file.clone(),
                        message: format!(
                        "{path} is also in {}: not shards of one check (or a shard given twice)",
                        parts[other].file.display()
                    ),
                    })
                }
                _ => {}
            }
        }
    }
    // The tree-wide part (agent context) comes from shard 1 alone.
    if parts
        .iter()
        .filter(|p| !p.report.context.is_empty())
        .count()
        > 1
    {
        return Err(CheckError::Merge {
            path: parts[1].file.clone(),
            message: "more than one report has agent context: not shards of one check (or a shard given twice)".into(),
        });
    }

    let mut out = Report {
        snapshot_date: first.report.snapshot_date.clone(),
        models: first.report.models.clone(),
        base: first.report.base.clone(),
        max_growth: first.report.max_growth.clone(),
        summary: Summary::default(),
        context: Vec::new(),
        prompts: Vec::new(),
        deleted: Vec::new(),
        violations: Vec::new(),
        skipped: Vec::new(),
        cwd_in_repo: None,
    };
    let mut tokens: Vec<(String, u64)> = out.models.iter().map(|m| (m.clone(), 0)).collect();
    let mut costs: Vec<(String, Option<f64>)> =
        out.models.iter().map(|m| (m.clone(), Some(0.0))).collect();
    for p in parts {
        out.summary.files += p.files;
        for ((_, t), (_, n)) in tokens.iter_mut().zip(&p.tokens) {
            *t += n;
        }
        for ((_, c), (_, n)) in costs.iter_mut().zip(&p.input_cost_usd) {
            *c = c.zip(*n).map(|(a, b)| a + b);
        }
        let r = p.report;
        out.context.extend(r.context);
        out.prompts.extend(r.prompts);
        out.deleted.extend(r.deleted);
        out.violations.extend(r.violations);
        out.skipped.extend(r.skipped);
    }
    // Stable sorts: each file's rows keep their order (a file is in one report).
    out.prompts.sort_by(|a, b| a.path.cmp(&b.path));
    out.deleted
        .sort_by(|a, b| (&a.path, &a.name).cmp(&(&b.path, &b.name)));
    let is_context = |r: Rule| matches!(r, Rule::ContextBudget | Rule::ContextGrowth);
    out.violations.sort_by(|a, b| {
        (&a.path, a.start.line, a.start.column, is_context(a.rule)).cmp(&(
            &b.path,
            b.start.line,
            b.start.column,
            is_context(b.rule),
        ))
    });
    out.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    out.summary.prompts = out.prompts.len();
    out.summary.violations = out.violations.len();
    out.summary.skipped = out.skipped.len();
    out.summary.tokens = tokens;
    out.summary.input_cost_usd = costs;
    Ok(out)
}
