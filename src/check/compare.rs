//! Each prompt against its budgets and its base: the report's rows (new, changed, unchanged),
//! the prompts deleted since the base, and the violations of prompts (token and dollar
//! budgets, context windows, growth).
//!
//! Owns: a prompt's identity across revisions (path, kind, name; `#2` for a repeated name),
//! folding a section that is its whole file, statuses. Never: reads files or git (`walk.rs`,
//! `git.rs`), or renders.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::cache::{cached, Cache};
use super::growth::Growth;
use super::report::{relative_path, BaseInfo, Deleted, PromptEntry, Violation};
use super::walk::{analyse, file_kind, FileResult};
use super::Rule;
use crate::config::Settings;
use crate::document::{Analysis, Prompt, PromptKind, Severity};
use crate::pricing::encodings_of;

/// A prompt's identity for matching with the base.
type Key = (String, PromptKind, String);

/// The base revision's prompts: tokens in the budget model and cost per call, by identity.
#[derive(Default)]
pub(super) struct BaseCounts {
    tokens: HashMap<Key, u64>,
    per_call_usd: HashMap<Key, Option<f64>>,
}

impl BaseCounts {
    /// The base's `files` (paths from `top`, text) analysed as the work tree's are; keys use
    /// paths relative to `cwd`, as the report's rows do.
    pub(super) fn of(
        files: Vec<(String, String)>,
        top: &Path,
        settings: &Settings,
        cwd: &Path,
        cache: Option<&Cache>,
    ) -> BaseCounts {
        let mut out = BaseCounts::default();
        let encodings = encodings_of(&settings.models);
        for (path, text) in files {
            let abs = top.join(&path);
            let Some(kind) = file_kind(settings, &abs) else {
                continue;
            };
            // The same key as the work tree's file with this path and text: an unchanged
            // file's base is read from the cache the work tree's run filled.
            let Some((a, facts)) = cached(cache, settings, &abs, &text, |text| {
                analyse(settings, &abs, text, kind, &encodings)
            }) else {
                continue;
            };
            for ((key, tokens), cost) in keyed(&relative_path(&abs, cwd), &a)
                .into_iter()
                .zip(facts.costs)
            {
                if let Some(c) = cost {
                    out.per_call_usd.insert(key.clone(), c.per_call_usd);
                }
                out.tokens.insert(key, tokens);
            }
        }
        out
    }
}

/// The prompts' part of a report.
#[derive(Default)]
pub(super) struct Compared {
    pub prompts: Vec<PromptEntry>,
    pub deleted: Vec<Deleted>,
    pub violations: Vec<Violation>,
}

/// The base a check compares with: its revision's name and counts.
pub(super) struct Against<'a> {
    pub rev: &'a str,
    pub counts: &'a BaseCounts,
    pub growth: Option<Growth>,
}

/// Every file's prompts as report rows, with their budgets and (with a base) their change.
pub(super) fn compare(files: &[FileResult], base: Option<&Against>) -> Compared {
    let mut out = Compared::default();
    let mut seen_keys = HashSet::new();
    for f in files {
        if f.analysis.ignored {
            continue;
        }
        let keys = keyed(&f.rel, &f.analysis);
        for (((p, (key, tokens)), &(start, end, placeholders)), cost) in f
            .analysis
            .all()
            .zip(keys)
            .zip(&f.facts.prompts)
            .zip(&f.facts.costs)
        {
            // A part that is the whole file's text is the file's row.
            if folds_into_file(p, &f.analysis) {
                seen_keys.insert(key);
                continue;
            }
            let mut entry = PromptEntry {
                path: f.rel.clone(),
                kind: p.kind,
                name: key.2.clone(),
                start,
                end,
                budget: p.budget,
                budget_model: p.budget_count().model.clone(),
                tokens,
                status: "ok",
                models: p.counts.clone(),
                placeholders,
                base: None,
                cost: cost.clone(),
            };
            if let (Some(c), Some(b)) = (entry.cost.as_mut(), base) {
                c.set_base(b.counts.per_call_usd.get(&key).copied().flatten());
            }
            for (rule, message) in entry
                .cost
                .as_ref()
                .map_or(Vec::new(), |c| c.violations(&describe(&entry)))
            {
                entry.status = "over_budget";
                out.violations.push(violation(&entry, rule, message));
            }
            if let Some(b) = base {
                grown(&mut entry, b.counts.tokens.get(&key).copied(), b, &mut out);
            }
            seen_keys.insert(key);
            out.prompts.push(entry);
        }
        for (prob, &(start, end)) in f.analysis.problems.iter().zip(&f.facts.problems) {
            let rule = match prob.code {
                "budget" => Rule::Budget,
                "context-window" => Rule::ContextWindow,
                _ => continue,
            };
            if let Some(e) = out
                .prompts
                .iter_mut()
                .rev()
                .find(|e| e.path == f.rel && e.start == start && e.status == "ok")
            {
                e.status = if rule == Rule::Budget {
                    "over_budget"
                } else {
                    "over_context"
                };
            }
            out.violations.push(Violation {
                path: f.rel.clone(),
                start,
                end,
                rule,
                severity: prob.severity,
                message: prob.message.clone(),
            });
        }
    }
    if let Some(b) = base {
        out.deleted = b
            .counts
            .tokens
            .iter()
            .filter(|(k, _)| !seen_keys.contains(*k))
            .map(|((path, kind, name), &t)| Deleted {
                path: path.clone(),
                kind: *kind,
                name: name.clone(),
                base_tokens: t,
            })
            .collect();
        out.deleted
            .sort_by(|a, b| (&a.path, &a.name).cmp(&(&b.path, &b.name)));
    }
    out
}

/// The entry's change since the base, and a growth violation past `--max-growth`.
fn grown(entry: &mut PromptEntry, then: Option<u64>, base: &Against, out: &mut Compared) {
    let now = entry.tokens;
    entry.base = Some(BaseInfo::between(now, then));
    let (Some(g), Some(b)) = (base.growth, then) else {
        return;
    };
    if !g.exceeded(b, now) {
        return;
    }
    entry.status = "over_growth";
    let message = format!(
        "{} grew by {} tokens (+{}) since {}, more than --max-growth {}",
        describe(entry),
        crate::format::thousands(now - b),
        entry
            .base
            .as_ref()
            .and_then(|x| x.change_pct)
            .map_or("new".into(), |p| format!("{p:.0}%")),
        base.rev,
        g.describe()
    );
    out.violations.push(violation(entry, Rule::Growth, message));
}

fn violation(e: &PromptEntry, rule: Rule, message: String) -> Violation {
    Violation {
        path: e.path.clone(),
        start: e.start,
        end: e.end,
        rule,
        severity: Severity::Warning,
        message,
    }
}

/// Per model: tokens and input cost of every file (not its parts), `None` once a file's
/// model has no price.
pub(super) fn totals(files: &[FileResult], settings: &Settings) -> Vec<(String, u64, Option<f64>)> {
    let mut totals: Vec<(String, u64, Option<f64>)> = settings
        .models
        .iter()
        .map(|m| (m.id.clone(), 0, Some(0.0)))
        .collect();
    for f in files.iter().filter(|f| !f.analysis.ignored) {
        for t in totals.iter_mut() {
            if let Some(c) = f.analysis.file.count_for(&t.0) {
                t.1 += c.tokens;
                t.2 = t.2.zip(c.input_cost_usd).map(|(a, b)| a + b);
            }
        }
    }
    totals
}

fn describe(e: &PromptEntry) -> String {
    match e.kind {
        PromptKind::File => e.path.clone(),
        _ => format!(
            "{} '{}'",
            match e.kind {
                PromptKind::Section => "section",
                PromptKind::Message => "message",
                _ => "prompt",
            },
            e.name
        ),
    }
}

/// A section that is the same text as its whole file (an H1 spanning everything: it ends
/// where the file ends, with the file's counts in every model), reported once, as the file.
/// A source file's literals stay rows of their own: each is a request (and has a cost).
fn folds_into_file(p: &Prompt, a: &Analysis) -> bool {
    let file = &a.file;
    p.kind == PromptKind::Section
        && p.range.end >= file.range.end
        && p.counts.len() == file.counts.len()
        && p.counts
            .iter()
            .zip(&file.counts)
            .all(|(x, y)| x.model == y.model && x.tokens == y.tokens)
}

/// Identity of each prompt for matching with the base: (path, kind, name), where a name
/// repeated in one file gets `#2`, `#3`...; the tokens are the budget model's
/// (`Prompt::budget_count`).
fn keyed(path: &str, a: &Analysis) -> Vec<(Key, u64)> {
    let mut seen: HashMap<(PromptKind, String), usize> = HashMap::new();
    a.all()
        .map(|p| {
            let n = seen.entry((p.kind, p.name.clone())).or_insert(0);
            *n += 1;
            let name = if *n == 1 {
                p.name.clone()
            } else {
                format!("{}#{}", p.name, n)
            };
            ((path.to_string(), p.kind, name), p.budget_count().tokens)
        })
        .collect()
}
