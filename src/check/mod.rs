//! `promptcost check`: every prompt the editor would show, counted over a tree, compared with
//! budgets and (optionally) with a git base, reported for people and machines.
//!
//! Exit codes: 0 all within budget, 1 budget / context-window / growth violations,
//! 2 usage, configuration, git or I/O errors. Files that cannot be read, are binary, too
//! large or not UTF-8 are skipped with a note; they never change the exit code.
//! Never: modifies the tree. Git is run as a subprocess (`git show`, `git ls-tree`): the
//! `git` CLI is always there in CI, and a libgit2 binding would double the build.

mod context;
mod github;
mod growth;
mod markdown;
mod render;
mod rules;

pub use context::ContextEntry;
pub use growth::Growth;
pub use rules::Rule;

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::Mutex;

use serde::Serialize;

use crate::config::{Overrides, Settings};
use crate::document::{Analysis, Document, ModelCount, PromptKind, Severity};
use crate::pricing::encodings_of;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
    Markdown,
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Files or directories to scan (default: the current directory).
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Compare every prompt with its version at this git revision (e.g. origin/main).
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// Fail when a prompt (or an agent's always-loaded context) grows more than this since
    /// --base: a percentage (10%, with a floor of 50 tokens), tokens (500), or both (10%:200).
    #[arg(long, value_name = "LIMIT", requires = "base")]
    pub max_growth: Option<String>,
    /// Use this promptcost.toml instead of searching upward from the first path.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Model to count for (repeatable; the first is the one budgets are checked in).
    #[arg(long = "model", short = 'm', value_name = "MODEL")]
    pub models: Vec<String>,
    /// Default token budget for each prompt file (overrides the configuration).
    #[arg(long, value_name = "TOKENS")]
    pub budget: Option<u64>,
    /// A LiteLLM-format JSON price file to merge over the embedded table.
    #[arg(long, value_name = "FILE")]
    pub prices: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    /// Write the report to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, Serialize, PartialEq)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct BaseInfo {
    /// `changed`, `unchanged` or `new`.
    pub state: &'static str,
    /// Tokens at the base in the budget model (`null` for a new prompt).
    pub tokens: Option<u64>,
    pub change: i64,
    pub change_pct: Option<f64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PromptEntry {
    pub path: String,
    pub kind: PromptKind,
    pub name: String,
    pub start: LineCol,
    pub end: LineCol,
    pub budget: Option<u64>,
    pub budget_model: String,
    /// `ok`, `over_budget`, `over_context`, `over_growth`.
    pub status: &'static str,
    pub models: Vec<ModelCount>,
    pub placeholders: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base: Option<BaseInfo>,
    /// A request's cost per call and per month (files and literals; see `cost::report`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost: Option<crate::cost::report::PromptCost>,
}

impl PromptEntry {
    pub fn tokens(&self) -> u64 {
        self.models
            .iter()
            .find(|m| m.model == self.budget_model)
            .unwrap_or(&self.models[0])
            .tokens
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Deleted {
    pub path: String,
    pub kind: PromptKind,
    pub name: String,
    pub base_tokens: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Violation {
    pub path: String,
    pub start: LineCol,
    pub end: LineCol,
    /// `budget`, `context-window`, `growth`.
    pub rule: Rule,
    pub severity: Severity,
    pub message: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub version: u32,
    pub tool: serde_json::Value,
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
    #[serde(skip)]
    pub cwd_in_repo: Option<PathBuf>,
}

#[derive(Clone, Debug, Serialize, Default)]
pub struct Summary {
    pub files: usize,
    pub prompts: usize,
    pub violations: usize,
    pub skipped: usize,
    /// Sum over files (not sections) per model.
    pub tokens: Vec<(String, u64)>,
    pub input_cost_usd: Vec<(String, Option<f64>)>,
}

/// One scanned file.
struct FileResult {
    rel: String,
    analysis: Analysis,
    facts: Facts,
}

/// What the report needs of a document beyond its analysis, taken while the document is at
/// hand (in the parallel walk) so that the text need not be kept: positions of each prompt
/// and problem, and each prompt's placeholder count.
struct Facts {
    /// Per prompt of `analysis.all()`: start, end, placeholders.
    prompts: Vec<(LineCol, LineCol, usize)>,
    /// Per problem of `analysis.problems`: start, end.
    problems: Vec<(LineCol, LineCol)>,
    /// Per prompt of `analysis.all()`: its cost as a request.
    costs: Vec<Option<crate::cost::report::PromptCost>>,
}

impl Facts {
    fn of(doc: &Document, a: &Analysis, settings: &Settings) -> Facts {
        Facts {
            costs: crate::cost::report::prompt_costs(doc, a, settings),
            prompts: a
                .all()
                .map(|p| {
                    let placeholders = doc.placeholders_of(p).len();
                    (
                        line_col(doc, p.range.start),
                        line_col(doc, p.range.end),
                        placeholders,
                    )
                })
                .collect(),
            problems: a
                .problems
                .iter()
                .map(|x| (line_col(doc, x.range.start), line_col(doc, x.range.end)))
                .collect(),
        }
    }
}

pub fn run(args: CheckArgs) -> ExitCode {
    match check(&args) {
        Ok((report, text)) => {
            let written = match &args.output {
                Some(p) => {
                    std::fs::write(p, text.as_bytes()).map_err(|e| format!("{}: {e}", p.display()))
                }
                None => {
                    let mut out = std::io::stdout().lock();
                    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
                        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.to_string()),
                        _ => Ok(()),
                    }
                }
            };
            if let Err(e) = written {
                crate::log::stderr(&format!("promptcost: {e}"));
                return ExitCode::from(2);
            }
            ExitCode::from(if report.violations.is_empty() { 0 } else { 1 })
        }
        Err(e) => {
            crate::log::stderr(&format!("promptcost: {e}"));
            ExitCode::from(2)
        }
    }
}

/// Runs the check and renders it; `Err` is a usage, configuration, git or I/O error.
pub fn check(args: &CheckArgs) -> Result<(Report, String), String> {
    let cwd = std::env::current_dir().map_err(|e| e.to_string())?;
    let paths: Vec<PathBuf> = if args.paths.is_empty() {
        vec![cwd.clone()]
    } else {
        args.paths.iter().map(|p| cwd.join(p)).collect()
    };
    for p in &paths {
        if !p.exists() {
            return Err(format!("{}: no such file or directory", p.display()));
        }
    }
    let growth = args
        .max_growth
        .as_deref()
        .map(Growth::parse)
        .transpose()
        .map_err(|e| e.to_string())?;
    let overrides = Overrides {
        models: (!args.models.is_empty()).then(|| args.models.clone()),
        budget: args.budget,
        prices_file: args
            .prices
            .as_ref()
            .map(|p| cwd.join(p).display().to_string()),
        ..Overrides::default()
    };
    if args.budget == Some(0) {
        return Err("--budget must be a positive number of tokens".into());
    }
    let start = paths[0]
        .canonicalize()
        .map_err(|e| format!("{}: {e}", paths[0].display()))?;
    let start_dir = if start.is_dir() {
        start.clone()
    } else {
        start.parent().unwrap_or(&start).to_path_buf()
    };
    let settings = match &args.config {
        Some(c) => Settings::load_named(&cwd, c, &overrides),
        None => Settings::discover(&start_dir, &overrides),
    }
    .map_err(|e| e.to_string())?;
    let settings = Settings {
        root: settings
            .root
            .canonicalize()
            .unwrap_or(settings.root.clone()),
        ..settings
    };

    let (files, skipped) = scan(&paths, &settings, args.jobs)?;
    // Paths are reported relative to the working directory (`../` for files beside it);
    // SARIF and GitHub renderings add the working directory's place in the repository.
    let git_top = git_toplevel(&start_dir);
    let cwd_real = cwd.canonicalize().unwrap_or(cwd.clone());
    let rel = |p: &Path| -> String { relative_path(p, &cwd_real) };
    let mut files: Vec<FileResult> = files
        .into_iter()
        .map(|(p, facts, a)| FileResult {
            rel: rel(&p),
            analysis: a,
            facts,
        })
        .collect();
    files.sort_by(|a, b| a.rel.cmp(&b.rel));
    // A symlink is read as the file it points to: one row for both.
    files.dedup_by(|a, b| a.rel == b.rel);
    let mut skipped: Vec<Skipped> = skipped
        .into_iter()
        .map(|(p, reason)| Skipped {
            path: rel(&p),
            reason,
        })
        .collect();
    skipped.sort_by(|a, b| a.path.cmp(&b.path));

    // The base: the same files at REV.
    let mut base_counts: HashMap<(String, PromptKind, String), u64> = HashMap::new();
    let mut base_costs: HashMap<(String, PromptKind, String), Option<f64>> = HashMap::new();
    let mut base_seen_files: Vec<String> = Vec::new();
    if let Some(rev) = &args.base {
        let top = git_top.clone().ok_or_else(|| {
            format!(
                "--base {rev}: {} is not inside a git repository",
                start_dir.display()
            )
        })?;
        let scopes: Vec<String> = paths
            .iter()
            .map(|p| {
                // Scopes are paths from the top level, as `git ls-tree` lists them.
                let r = relative_path(&p.canonicalize().unwrap_or(p.clone()), &top);
                if r == "." {
                    String::new()
                } else {
                    r
                }
            })
            .collect();
        for (path, text) in git_files_at(&top, rev, &scopes, &settings)? {
            let abs = top.join(&path);
            let Some(kind) = file_kind(&settings, &abs) else {
                continue;
            };
            let Some((doc, a)) = open_document(
                &settings,
                &abs,
                &text,
                kind,
                &encodings_of(&settings.models),
            ) else {
                continue;
            };
            let costs = crate::cost::report::prompt_costs(&doc, &a, &settings);
            for ((key, tokens), cost) in keyed(&rel(&abs), &a).into_iter().zip(costs) {
                if let Some(c) = cost {
                    base_costs.insert(key.clone(), c.per_call_usd);
                }
                base_counts.insert(key, tokens);
            }
            base_seen_files.push(rel(&abs));
        }
    }

    let mut report = Report {
        version: 1,
        tool: serde_json::json!({"name": "promptcost", "version": env!("CARGO_PKG_VERSION")}),
        snapshot_date: settings.table.snapshot_date.clone(),
        models: settings.models.iter().map(|m| m.id.clone()).collect(),
        base: args.base.clone(),
        max_growth: args.max_growth.clone(),
        summary: Summary::default(),
        context: Vec::new(),
        prompts: Vec::new(),
        deleted: Vec::new(),
        violations: Vec::new(),
        skipped,
        cwd_in_repo: git_top
            .as_ref()
            .and_then(|t| cwd_real.strip_prefix(t).ok())
            .map(Path::to_path_buf),
    };
    let mut seen_keys = std::collections::HashSet::new();
    let mut totals: Vec<(String, u64, Option<f64>)> = settings
        .models
        .iter()
        .map(|m| (m.id.clone(), 0, Some(0.0)))
        .collect();
    for f in &files {
        if f.analysis.ignored {
            continue;
        }
        for t in totals.iter_mut() {
            if let Some(c) = f.analysis.file.count_for(&t.0) {
                t.1 += c.tokens;
                t.2 = t.2.zip(c.input_cost_usd).map(|(a, b)| a + b);
            }
        }
        let keys = keyed(&f.rel, &f.analysis);
        for (((p, (key, _)), &(start, end, placeholders)), cost) in f
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
                status: "ok",
                models: p.counts.clone(),
                placeholders,
                base: None,
                cost: cost.clone(),
            };
            if let (Some(c), true) = (entry.cost.as_mut(), args.base.is_some()) {
                c.set_base(base_costs.get(&key).copied().flatten());
            }
            for (rule, message) in entry
                .cost
                .as_ref()
                .map_or(Vec::new(), |c| c.violations(&describe(&entry)))
            {
                entry.status = "over_budget";
                report.violations.push(Violation {
                    path: f.rel.clone(),
                    start: entry.start,
                    end: entry.end,
                    rule,
                    severity: Severity::Warning,
                    message,
                });
            }
            if args.base.is_some() {
                let now = entry.tokens();
                entry.base = Some(match base_counts.get(&key) {
                    Some(&b) => BaseInfo {
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
                });
                if let (
                    Some(g),
                    Some(BaseInfo {
                        tokens: Some(b), ..
                    }),
                ) = (growth, &entry.base)
                {
                    if g.exceeded(*b, now) {
                        entry.status = "over_growth";
                        report.violations.push(Violation {
                            path: f.rel.clone(),
                            start: entry.start,
                            end: entry.end,
                            rule: Rule::Growth,
                            severity: Severity::Warning,
                            message: format!(
                                "{} grew by {} tokens (+{}) since {}, more than --max-growth {}",
                                describe(&entry),
                                crate::format::thousands(now - b),
                                entry
                                    .base
                                    .as_ref()
                                    .and_then(|x| x.change_pct)
                                    .map_or("new".into(), |p| format!("{p:.0}%")),
                                args.base.as_deref().unwrap_or(""),
                                g.describe()
                            ),
                        });
                    }
                }
            }
            seen_keys.insert(key);
            report.prompts.push(entry);
        }
        for (prob, &(start, end)) in f.analysis.problems.iter().zip(&f.facts.problems) {
            let rule = match prob.code {
                "budget" => Rule::Budget,
                "context-window" => Rule::ContextWindow,
                _ => continue,
            };
            if let Some(e) = report
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
            report.violations.push(Violation {
                path: f.rel.clone(),
                start,
                end,
                rule,
                severity: prob.severity,
                message: prob.message.clone(),
            });
        }
    }
    if args.base.is_some() {
        let mut deleted: Vec<Deleted> = base_counts
            .iter()
            .filter(|(k, _)| !seen_keys.contains(*k))
            .map(|((path, kind, name), &t)| Deleted {
                path: path.clone(),
                kind: *kind,
                name: name.clone(),
                base_tokens: t,
            })
            .collect();
        deleted.sort_by(|a, b| (&a.path, &a.name).cmp(&(&b.path, &b.name)));
        report.deleted = deleted;
    }
    let ctx_top = git_top.clone().unwrap_or_else(|| start_dir.clone());
    let ctx = context::check(
        &settings,
        &ctx_top,
        &start_dir,
        &cwd_real,
        args.base.as_deref(),
        growth,
    )?;
    report.context = ctx.entries;
    report.violations.extend(ctx.violations);
    report.violations.sort_by(|a, b| {
        (&a.path, a.start.line, a.start.column).cmp(&(&b.path, b.start.line, b.start.column))
    });
    report.summary = Summary {
        files: files.len(),
        prompts: report.prompts.len(),
        violations: report.violations.len(),
        skipped: report.skipped.len(),
        tokens: totals.iter().map(|(m, t, _)| (m.clone(), *t)).collect(),
        input_cost_usd: totals.iter().map(|(m, _, c)| (m.clone(), *c)).collect(),
    };
    let color = args.output.is_none()
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none();
    let text = match args.format {
        Format::Human => context::human(&report.context) + &render::human(&report, color),
        Format::Json => serde_json::to_string_pretty(&report).map_err(|e| e.to_string())? + "\n",
        Format::Sarif => render::sarif(&report, git_top.as_deref().unwrap_or(&cwd_real)),
        Format::Github => github::render(&report),
        Format::Markdown => markdown::render(&report),
    };
    Ok((report, text))
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
fn folds_into_file(p: &crate::document::Prompt, a: &Analysis) -> bool {
    let file = &a.file;
    p.kind == PromptKind::Section
        && p.range.end >= file.range.end
        && p.counts.len() == file.counts.len()
        && p.counts
            .iter()
            .zip(&file.counts)
            .all(|(x, y)| x.model == y.model && x.tokens == y.tokens)
}

fn line_col(doc: &Document, offset: usize) -> LineCol {
    let (l, c) =
        crate::position::to_position(&doc.rope, crate::position::PosEncoding::Utf32, offset);
    LineCol {
        line: l as usize + 1,
        column: c as usize + 1,
    }
}

/// Identity of each prompt for matching with the base: (path, kind, name), where a name
/// repeated in one file gets `#2`, `#3`...; the tokens are the budget model's.
fn keyed(path: &str, a: &Analysis) -> Vec<((String, PromptKind, String), u64)> {
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

type Scanned = (Vec<(PathBuf, Facts, Analysis)>, Vec<(PathBuf, String)>);

/// Walks `paths` (respecting .gitignore) in parallel and analyses every prompt file.
fn scan(paths: &[PathBuf], settings: &Settings, jobs: Option<usize>) -> Result<Scanned, String> {
    let mut builder = ignore::WalkBuilder::new(&paths[0]);
    for p in &paths[1..] {
        builder.add(p);
    }
    // Agent context files are often hidden (.cursorrules, .github/...): walk hidden files,
    // but never into .git.
    builder
        .hidden(false)
        .follow_links(true)
        .filter_entry(|e| e.file_name() != ".git");
    builder.threads(
        jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get())),
    );
    let found = Mutex::new(Vec::new());
    let skipped = Mutex::new(Vec::new());
    let progress = std::sync::atomic::AtomicUsize::new(0);
    let show_progress = std::io::stderr().is_terminal();
    let encodings = encodings_of(&settings.models);
    builder.build_parallel().run(|| {
        Box::new(|entry| {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let (path, reason) = walk_error(&e);
                    skipped.lock().unwrap().push((path, reason));
                    return ignore::WalkState::Continue;
                }
            };
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                return ignore::WalkState::Continue;
            }
            let path = entry
                .path()
                .canonicalize()
                .unwrap_or_else(|_| entry.path().to_path_buf());
            let Some(kind) = file_kind(settings, &path) else {
                return ignore::WalkState::Continue;
            };
            match read_prompt_file(&path, settings.max_file_size) {
                Ok(text) => {
                    if let Some((doc, a)) = open_document(settings, &path, &text, kind, &encodings)
                    {
                        let facts = Facts::of(&doc, &a, settings);
                        drop(doc);
                        found.lock().unwrap().push((path, facts, a));
                    }
                }
                Err(reason) => skipped.lock().unwrap().push((path, reason)),
            }
            let n = progress.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            if show_progress && n % 500 == 0 {
                crate::log::stderr(&format!("promptcost: {n} prompt files checked..."));
            }
            ignore::WalkState::Continue
        })
    });
    Ok((found.into_inner().unwrap(), skipped.into_inner().unwrap()))
}

/// The path and a plain reason for a walk error.
fn walk_error(e: &ignore::Error) -> (PathBuf, String) {
    match e {
        ignore::Error::WithPath { path, err } => (path.clone(), walk_error(err).1),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            walk_error(err)
        }
        ignore::Error::Loop { ancestor, child } => (
            child.clone(),
            format!(
                "cannot read: symlink loop (points to its ancestor {})",
                ancestor.display()
            ),
        ),
        ignore::Error::Io(io) => (PathBuf::from("?"), format!("cannot read: {io}")),
        other => (PathBuf::from("?"), format!("cannot read: {other}")),
    }
}

/// What `check` does with a file: a prompt file, a source file scanned for prompt literals,
/// or nothing.
#[derive(Clone, Copy)]
enum FileKind {
    Prompt,
    Code(crate::extract::code::Lang),
}

fn file_kind(settings: &Settings, path: &Path) -> Option<FileKind> {
    if settings.is_prompt_file(path) {
        Some(FileKind::Prompt)
    } else {
        settings.code_lang(path).map(FileKind::Code)
    }
}

/// The document and its analysis; a source file without prompts is not reported.
fn open_document(
    settings: &Settings,
    path: &Path,
    text: &str,
    kind: FileKind,
    encodings: &[crate::tokenize::Encoding],
) -> Option<(Document, Analysis)> {
    let doc = match kind {
        FileKind::Prompt => Document::new(path, text, encodings),
        FileKind::Code(lang) => {
            Document::new_code(path, lang, text, settings.code_rules(), encodings)
        }
    };
    let a = doc.analyze(settings);
    if matches!(kind, FileKind::Code(_)) && a.parts.is_empty() {
        return None;
    }
    Some((doc, a))
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

/// Reads a file as text, or says why it is skipped (the rules of [`crate::textfile`]).
fn read_prompt_file(path: &Path, max: u64) -> Result<String, String> {
    crate::textfile::read(path, max).map_err(|e| e.to_string())
}

fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(out.stdout)
}

fn git_toplevel(dir: &Path) -> Option<PathBuf> {
    let out = git(dir, &["rev-parse", "--show-toplevel"]).ok()?;
    let p = PathBuf::from(String::from_utf8_lossy(&out).trim());
    p.canonicalize().ok()
}

/// The prompt files under `scopes` (paths relative to the top level) at `rev`, with their text.
/// Symlinks (mode 120000) are resolved inside the revision as the work tree resolves them: a
/// link is read as the file it points to, under that file's path, and each real file once.
fn git_files_at(
    top: &Path,
    rev: &str,
    scopes: &[String],
    settings: &Settings,
) -> Result<Vec<(String, String)>, String> {
    use crate::context::tree::{GitTree, Tree};
    let tree = GitTree::new(top, rev).map_err(|e| e.to_string())?;
    let mut out: Vec<(String, String)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for name in tree.files() {
        let in_scope = scopes
            .iter()
            .any(|s| s.is_empty() || name == s || name.starts_with(&format!("{s}/")));
        let Ok(r) = tree.resolve(name) else { continue };
        if !in_scope
            || file_kind(settings, &top.join(&r.real)).is_none()
            || !seen.insert(r.real.clone())
        {
            continue;
        }
        if let Ok(text) = tree.read(&r.real) {
            out.push((r.real, text));
        }
    }
    Ok(out)
}
