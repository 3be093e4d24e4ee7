//! The JSON of `check --format json` (`schemas/check-report.v1.schema.json`): dedicated
//! serde structs, built from the report, so the core types can change without changing the
//! wire. Field names and order are the format; a test lists them.
//!
//! Owns: the JSON shape of the report. A model's count and a request's cost have the shapes
//! of `crate::wire` (shared with `count --json`). Never: computes anything.

use serde::Serialize;

use super::context::{ContextEntry, ContextFile};
use super::report::{BaseInfo, Deleted, LineCol, PromptEntry, Report, Skipped, Summary, Violation};
use crate::document::{PromptKind, Severity};
use crate::wire::{model_counts, ModelCountJson, PromptCostJson};

/// The report's format version (`version`).
pub(crate) const VERSION: u32 = 1;

#[derive(Serialize)]
pub(crate) struct CheckJson<'a> {
    pub version: u32,
    pub tool: ToolJson,
    pub snapshot_date: &'a str,
    pub models: &'a [String],
    pub base: Option<&'a str>,
    pub max_growth: Option<&'a str>,
    pub summary: SummaryJson<'a>,
    pub context: Vec<ContextJson<'a>>,
    pub prompts: Vec<PromptJson<'a>>,
    pub deleted: Vec<DeletedJson<'a>>,
    pub violations: Vec<ViolationJson<'a>>,
    pub skipped: Vec<SkippedJson<'a>>,
}

#[derive(Serialize)]
pub(crate) struct ToolJson {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Serialize)]
pub(crate) struct SummaryJson<'a> {
    pub files: usize,
    pub prompts: usize,
    pub violations: usize,
    pub skipped: usize,
    /// `[model, tokens]` pairs.
    pub tokens: &'a [(String, u64)],
    /// `[model, dollars or null]` pairs.
    pub input_cost_usd: &'a [(String, Option<f64>)],
}

#[derive(Serialize)]
pub(crate) struct ContextJson<'a> {
    pub agent: &'a str,
    pub name: &'a str,
    pub tokens: u64,
    pub budget_model: &'a str,
    pub models: Vec<ModelCountJson>,
    pub budget: Option<u64>,
    pub status: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base: Option<BaseJson<'a>>,
    pub files: Vec<ContextFileJson<'a>>,
    pub problems: &'a [String],
}

#[derive(Serialize)]
pub(crate) struct ContextFileJson<'a> {
    pub path: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub real: Option<&'a str>,
    pub via: &'a str,
    pub tokens: u64,
}

#[derive(Serialize)]
pub(crate) struct BaseJson<'a> {
    pub state: &'a str,
    pub tokens: Option<u64>,
    pub change: i64,
    pub change_pct: Option<f64>,
}

#[derive(Serialize)]
pub(crate) struct LineColJson {
    pub line: usize,
    pub column: usize,
}

#[derive(Serialize)]
pub(crate) struct PromptJson<'a> {
    pub path: &'a str,
    pub kind: &'static str,
    pub name: &'a str,
    pub start: LineColJson,
    pub end: LineColJson,
    pub budget: Option<u64>,
    pub budget_model: &'a str,
    pub status: &'a str,
    pub models: Vec<ModelCountJson>,
    pub placeholders: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base: Option<BaseJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost: Option<PromptCostJson>,
}

#[derive(Serialize)]
pub(crate) struct DeletedJson<'a> {
    pub path: &'a str,
    pub kind: &'static str,
    pub name: &'a str,
    pub base_tokens: u64,
}

#[derive(Serialize)]
pub(crate) struct ViolationJson<'a> {
    pub path: &'a str,
    pub start: LineColJson,
    pub end: LineColJson,
    /// The rule's name (`Rule::name`).
    pub rule: &'static str,
    pub severity: &'static str,
    pub message: &'a str,
}

#[derive(Serialize)]
pub(crate) struct SkippedJson<'a> {
    pub path: &'a str,
    pub reason: &'a str,
}

/// The report as `check --format json` prints it (pretty, with a final newline).
pub(super) fn json(r: &Report) -> Result<String, serde_json::Error> {
    Ok(serde_json::to_string_pretty(&CheckJson::from(r))? + "\n")
}

pub(crate) fn kind_name(k: PromptKind) -> &'static str {
    match k {
        PromptKind::File => "file",
        PromptKind::Section => "section",
        PromptKind::Message => "message",
        PromptKind::Literal => "literal",
    }
}

pub(super) fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Information => "information",
    }
}

impl<'a> From<&'a Report> for CheckJson<'a> {
    fn from(r: &'a Report) -> Self {
        CheckJson {
            version: VERSION,
            tool: ToolJson {
                name: "promptcost",
                version: env!("CARGO_PKG_VERSION"),
            },
            snapshot_date: &r.snapshot_date,
            models: &r.models,
            base: r.base.as_deref(),
            max_growth: r.max_growth.as_deref(),
            summary: (&r.summary).into(),
            context: r.context.iter().map(Into::into).collect(),
            prompts: r.prompts.iter().map(Into::into).collect(),
            deleted: r.deleted.iter().map(Into::into).collect(),
            violations: r.violations.iter().map(Into::into).collect(),
            skipped: r.skipped.iter().map(Into::into).collect(),
        }
    }
}

impl<'a> From<&'a Summary> for SummaryJson<'a> {
    fn from(s: &'a Summary) -> Self {
        SummaryJson {
            files: s.files,
            prompts: s.prompts,
            violations: s.violations,
            skipped: s.skipped,
            tokens: &s.tokens,
            input_cost_usd: &s.input_cost_usd,
        }
    }
}

impl<'a> From<&'a ContextEntry> for ContextJson<'a> {
    fn from(e: &'a ContextEntry) -> Self {
        ContextJson {
            agent: &e.agent,
            name: &e.name,
            tokens: e.tokens,
            budget_model: &e.budget_model,
            models: model_counts(&e.models),
            budget: e.budget,
            status: e.status,
            base: e.base.as_ref().map(Into::into),
            files: e.files.iter().map(Into::into).collect(),
            problems: &e.problems,
        }
    }
}

impl<'a> From<&'a ContextFile> for ContextFileJson<'a> {
    fn from(f: &'a ContextFile) -> Self {
        ContextFileJson {
            path: &f.path,
            real: f.real.as_deref(),
            via: &f.via,
            tokens: f.tokens,
        }
    }
}

impl<'a> From<&'a BaseInfo> for BaseJson<'a> {
    fn from(b: &'a BaseInfo) -> Self {
        BaseJson {
            state: b.state,
            tokens: b.tokens,
            change: b.change,
            change_pct: b.change_pct,
        }
    }
}

impl From<LineCol> for LineColJson {
    fn from(p: LineCol) -> Self {
        LineColJson {
            line: p.line,
            column: p.column,
        }
    }
}

impl<'a> From<&'a PromptEntry> for PromptJson<'a> {
    fn from(e: &'a PromptEntry) -> Self {
        PromptJson {
            path: &e.path,
            kind: kind_name(e.kind),
            name: &e.name,
            start: e.start.into(),
            end: e.end.into(),
            budget: e.budget,
            budget_model: &e.budget_model,
            status: e.status,
            models: model_counts(&e.models),
            placeholders: e.placeholders,
            base: e.base.as_ref().map(Into::into),
            cost: e.cost.as_ref().map(PromptCostJson::from),
        }
    }
}

impl<'a> From<&'a Deleted> for DeletedJson<'a> {
    fn from(d: &'a Deleted) -> Self {
        DeletedJson {
            path: &d.path,
            kind: kind_name(d.kind),
            name: &d.name,
            base_tokens: d.base_tokens,
        }
    }
}

impl<'a> From<&'a Violation> for ViolationJson<'a> {
    fn from(v: &'a Violation) -> Self {
        ViolationJson {
            path: &v.path,
            start: v.start.into(),
            end: v.end.into(),
            rule: v.rule.name(),
            severity: severity_name(v.severity),
            message: &v.message,
        }
    }
}

impl<'a> From<&'a Skipped> for SkippedJson<'a> {
    fn from(s: &'a Skipped) -> Self {
        SkippedJson {
            path: &s.path,
            reason: &s.reason,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Rule;

    /// The enums' wire names, as the schema (`schemas/check-report.v1.schema.json`) lists them.
    #[test]
    fn names_match_the_core_enums() {
        for (k, name) in [
            (PromptKind::File, "file"),
            (PromptKind::Section, "section"),
            (PromptKind::Message, "message"),
            (PromptKind::Literal, "literal"),
        ] {
            assert_eq!(kind_name(k), name);
        }
        for (s, name) in [
            (Severity::Error, "error"),
            (Severity::Warning, "warning"),
            (Severity::Information, "information"),
        ] {
            assert_eq!(severity_name(s), name);
        }
        let schema = include_str!("../../schemas/check-report.v1.schema.json");
        for name in ["\"section\"", "\"literal\"", "\"information\""] {
            assert!(schema.contains(name), "{name} not in the schema");
        }
        let v = Violation {
            path: "p.md".into(),
            start: LineCol { line: 1, column: 2 },
            end: LineCol { line: 3, column: 4 },
            rule: Rule::ContextWindow,
            severity: Severity::Error,
            message: "m".into(),
        };
        assert_eq!(
            serde_json::to_value(ViolationJson::from(&v)).unwrap(),
            serde_json::json!({
                "path": "p.md", "start": {"line": 1, "column": 2}, "end": {"line": 3, "column": 4},
                "rule": "context-window", "severity": "error", "message": "m"
            })
        );
    }
}
