//! Counts of what each agent loads: per load class and per file, in every configured model,
//! with the problems found and paragraphs loaded twice; the JSON of `promptcost context --json`
//! and its text rendering.
//!
//! Owns: counting the sent text of each piece. Never: decides what loads (see `load.rs`).

use std::collections::HashMap;
use std::ops::Range;

use serde::Serialize;

use super::agents::Agent;
use super::load::{load, Load, Loaded, ProblemKind};
use super::markdown::paragraphs;
use super::tree::Tree;
use crate::document::ModelCount;
use crate::format;
use crate::pricing::Model;

/// Paragraphs shorter than this (bytes, whitespace collapsed) are not reported when repeated.
pub const MIN_DUPLICATE_BYTES: usize = 80;

#[derive(Clone, Debug, Serialize)]
pub struct Totals {
    /// In the first model.
    pub tokens: u64,
    pub input_cost_usd: Option<f64>,
    #[serde(serialize_with = "crate::wire::serialize_counts")]
    pub models: Vec<ModelCount>,
}

impl Totals {
    fn of(models: &[Model], sums: &[u64]) -> Totals {
        let counts: Vec<ModelCount> = models
            .iter()
            .zip(sums)
            .map(|(m, &t)| ModelCount::new(m, t))
            .collect();
        Totals {
            tokens: counts.first().map_or(0, |c| c.tokens),
            input_cost_usd: counts.first().and_then(|c| c.input_cost_usd),
            models: counts,
        }
    }

    pub fn exact(&self) -> bool {
        self.models.first().is_none_or(|c| c.exact)
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct FileRow {
    pub path: String,
    /// The file behind a symlink (or the first name of a hard link), when not `path`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub real: Option<String>,
    pub load: Load,
    pub via: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    pub tokens: u64,
    #[serde(serialize_with = "crate::wire::serialize_counts")]
    pub models: Vec<ModelCount>,
    /// Other names of the same text, counted once.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ProblemRow {
    pub kind: ProblemKind,
    pub path: String,
    pub line: usize,
    pub message: String,
}

/// A paragraph loaded in every session from two files.
#[derive(Clone, Debug, Serialize)]
pub struct Duplicate {
    pub path: String,
    pub line: usize,
    pub also_in: String,
    pub also_line: usize,
    /// The paragraph's tokens in the first model, paid twice.
    pub tokens: u64,
    #[serde(skip)]
    pub range: Range<usize>,
    #[serde(skip)]
    pub also_range: Range<usize>,
}

#[derive(Clone, Debug, Serialize)]
pub struct AgentReport {
    pub agent: String,
    pub name: String,
    pub always: Totals,
    pub conditional: Totals,
    pub on_demand: Totals,
    pub files: Vec<FileRow>,
    pub problems: Vec<ProblemRow>,
    pub duplicates: Vec<Duplicate>,
    #[serde(skip)]
    pub loaded: Loaded,
}

pub fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// Counts `text` in every model, sharing one count per encoding.
pub fn count(text: &str, models: &[Model]) -> Vec<ModelCount> {
    crate::cli::count_models(text, models)
}

/// The report of one agent for a session started in `start`.
pub fn agent_report(
    agent: &'static Agent,
    tree: &dyn Tree,
    start: &str,
    models: &[Model],
) -> AgentReport {
    report_of(agent, load(agent, tree, start), models)
}

/// Like [`agent_report`], for what loads in every session only (conditional and on-demand
/// files are neither read nor counted): what `check` budgets.
pub fn always_report(
    agent: &'static Agent,
    tree: &dyn Tree,
    start: &str,
    models: &[Model],
) -> AgentReport {
    report_of(agent, super::load::load_always(agent, tree, start), models)
}

/// Counts what `loaded` holds.
pub fn report_of(agent: &'static Agent, loaded: Loaded, models: &[Model]) -> AgentReport {
    let mut sums: HashMap<Load, Vec<u64>> = HashMap::new();
    let mut files = Vec::new();
    for p in &loaded.pieces {
        let counts = count(p.text(&loaded.texts), models);
        let s = sums.entry(p.load).or_insert_with(|| vec![0; models.len()]);
        for (acc, c) in s.iter_mut().zip(&counts) {
            *acc += c.tokens;
        }
        files.push(FileRow {
            path: p.path.clone(),
            real: (p.real != p.path).then(|| p.real.clone()),
            load: p.load,
            via: p.via.clone(),
            condition: p.condition.clone(),
            tokens: counts.first().map_or(0, |c| c.tokens),
            models: counts,
            aliases: p.aliases.clone(),
        });
    }
    let totals = |l: Load| Totals::of(models, sums.get(&l).map_or(&vec![0; models.len()], |v| v));
    let problems = loaded
        .problems
        .iter()
        .map(|p| ProblemRow {
            kind: p.kind,
            path: p.path.clone(),
            line: loaded
                .texts
                .get(&p.path)
                .map_or(1, |t| line_of(t, p.range.start)),
            message: p.message.clone(),
        })
        .collect();
    let duplicates = duplicates(&loaded, models);
    AgentReport {
        agent: agent.id.clone(),
        name: agent.name.clone(),
        always: totals(Load::Always),
        conditional: totals(Load::Conditional),
        on_demand: totals(Load::OnDemand),
        files,
        problems,
        duplicates,
        loaded,
    }
}

/// Paragraphs that two always-loaded files both send.
fn duplicates(l: &Loaded, models: &[Model]) -> Vec<Duplicate> {
    let mut first: HashMap<String, (String, Range<usize>)> = HashMap::new();
    let mut out = Vec::new();
    for p in l
        .pieces
        .iter()
        .filter(|p| p.load == Load::Always && p.synthetic.is_none())
    {
        let Some(text) = l.texts.get(&p.real) else {
            continue;
        };
        for (range, norm) in paragraphs(&text[..p.range.end], p.range.start, MIN_DUPLICATE_BYTES) {
            match first.get(&norm) {
                Some((real, r)) if *real != p.real => {
                    let other = &l.texts[real];
                    out.push(Duplicate {
                        path: p.real.clone(),
                        line: line_of(text, range.start),
                        also_in: real.clone(),
                        also_line: line_of(other, r.start),
                        tokens: models.first().map_or(0, |m| {
                            count(&text[range.clone()], std::slice::from_ref(m))[0].tokens
                        }),
                        range,
                        also_range: r.clone(),
                    });
                }
                Some(_) => {}
                None => {
                    first.insert(norm, (p.real.clone(), range));
                }
            }
        }
    }
    out
}

/// Reports for `agents`; with `keep_empty` false, agents that load nothing are left out.
pub fn reports(
    agents: &[&'static Agent],
    tree: &dyn Tree,
    start: &str,
    models: &[Model],
    keep_empty: bool,
) -> Vec<AgentReport> {
    agents
        .iter()
        .map(|a| agent_report(a, tree, start, models))
        .filter(|r| keep_empty || !r.files.is_empty() || !r.problems.is_empty())
        .collect()
}

/// `promptcost context` as text.
pub fn render_text(reports: &[AgentReport], start_label: &str) -> String {
    let mut out = String::new();
    if reports.is_empty() {
        out.push_str(&format!(
            "No agent context files found for a session started in {start_label}.\n"
        ));
        return out;
    }
    for r in reports {
        let a = &r.always;
        out.push_str(&format!(
            "{}: {} tokens in every session started in {start_label} ({}, {})\n",
            r.name,
            format::tokens(a.tokens, a.exact()),
            a.models.first().map_or("", |m| m.model.as_str()),
            format::cost(a.input_cost_usd)
        ));
        let mut rows: Vec<[String; 4]> = vec![[
            "  load".into(),
            "tokens".into(),
            "input cost".into(),
            if r.always.models.len() > 1 {
                "other models".into()
            } else {
                String::new()
            },
        ]];
        for (label, t) in [
            ("always", &r.always),
            ("conditional", &r.conditional),
            ("on demand", &r.on_demand),
        ] {
            let others: Vec<String> = t
                .models
                .iter()
                .skip(1)
                .map(|c| format!("{} {}", format::tokens(c.tokens, c.exact), c.model))
                .collect();
            rows.push([
                format!("  {label}"),
                format::tokens(t.tokens, t.exact()),
                format::cost(t.input_cost_usd),
                others.join(" · "),
            ]);
        }
        out.push_str(&crate::cli::table(&rows, &[false, true, true, false]));
        let mut rows: Vec<[String; 4]> = vec![[
            "  file".into(),
            "load".into(),
            "tokens".into(),
            "via".into(),
        ]];
        for f in &r.files {
            let name = match &f.real {
                Some(real) => format!("  {} → {real}", f.path),
                None => format!("  {}", f.path),
            };
            let exact = f.models.first().is_none_or(|c| c.exact);
            let via = match &f.condition {
                Some(c) => format!("{} ({c})", f.via),
                None => f.via.clone(),
            };
            let via = if f.aliases.is_empty() {
                via
            } else {
                format!("{via}; also {} (counted once)", f.aliases.join(", "))
            };
            rows.push([
                name,
                f.load.label().to_string(),
                format::tokens(f.tokens, exact),
                via,
            ]);
        }
        out.push_str(&crate::cli::table(&rows, &[false, false, true, false]));
        for p in &r.problems {
            out.push_str(&format!(
                "  warning: {}:{}: {}\n",
                p.path, p.line, p.message
            ));
        }
        for d in &r.duplicates {
            out.push_str(&format!(
                "  note: {}:{}: paragraph also loaded from {}:{} ({} tokens sent twice every session)\n",
                d.path,
                d.line,
                d.also_in,
                d.also_line,
                format::thousands(d.tokens)
            ));
        }
        out.push('\n');
    }
    out
}
