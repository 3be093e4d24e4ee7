//! `promptcost check`: every prompt the editor would show, counted over a tree, compared with
//! budgets and (optionally) with a git base, reported for people and machines.
//!
//! Exit codes: 0 all within budget, 1 budget / context-window / growth violations,
//! 2 usage, configuration, git or I/O errors ([`CheckError`]). Files that cannot be read, are
//! binary, too large or not UTF-8 are skipped with a note; they never change the exit code.
//! Never: modifies the tree.
//!
//! The parts: `walk` (the work tree), `git` (the `--base` revision), `compare` (each prompt
//! against its budgets and base), `context` (agent context), `report` (the report and the
//! dispatch to its renderings: `render`, `wire` (JSON), `github`, `markdown`).

mod cache;
mod compare;
mod context;
mod error;
mod git;
mod github;
mod growth;
mod markdown;
mod merge;
mod render;
mod report;
mod rules;
mod shard;
mod walk;
mod wire;

pub use context::ContextEntry;
pub use error::CheckError;
pub use growth::Growth;
pub use report::{PromptEntry, Report, Summary, Violation};
pub use rules::Rule;
pub use shard::Shard;

pub(crate) use report::repo_path;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::config::{Overrides, Settings};

/// The report's rendering (`--format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
    Markdown,
}

/// What a check runs with (the binary fills it from `promptcost check`'s flags).
#[derive(Debug)]
pub struct CheckOptions {
    /// Files or directories to scan (default: the current directory).
    pub paths: Vec<PathBuf>,
    /// Output format.
    pub format: Format,
    /// Compare every prompt with its version at this git revision (e.g. origin/main).
    pub base: Option<String>,
    /// Fail when a prompt (or an agent's always-loaded context) grows more than this since
    /// --base: a percentage (10%, with a floor of 50 tokens), tokens (500), or both (10%:200).
    pub max_growth: Option<String>,
    /// Use this promptcost.toml instead of searching upward from the first path.
    pub config: Option<PathBuf>,
    /// Model to count for (repeatable; the first is the one budgets are checked in).
    pub models: Vec<String>,
    /// Default token budget for each prompt file (overrides the configuration).
    pub budget: Option<u64>,
    /// A LiteLLM-format JSON price file to merge over the embedded table.
    pub prices: Option<PathBuf>,
    /// Worker threads (default: all cores).
    pub jobs: Option<usize>,
    /// Write the report to this file instead of standard output.
    pub output: Option<PathBuf>,
    /// Check only this shard's files (`--shard i/n`).
    pub shard: Option<Shard>,
    /// Keep each file's result in this directory and reuse it while the file, the settings
    /// and the promptcost version are unchanged (`--cache`, `PROMPTCOST_CACHE_DIR`).
    pub cache: Option<PathBuf>,
    /// Merge these `--format json` reports of shards instead of checking (`--merge`).
    pub merge: Vec<PathBuf>,
}

pub fn run(args: CheckOptions) -> ExitCode {
    let result = check(&args).and_then(|(report, text)| {
        write(args.output.as_deref(), &text)?;
        Ok(report)
    });
    match result {
        Ok(report) => ExitCode::from(if report.violations.is_empty() { 0 } else { 1 }),
        Err(e) => {
            crate::log::stderr(&format!("promptcost: {e}"));
            ExitCode::from(2)
        }
    }
}

/// The report to `output`, else to standard output (a closed pipe is not an error).
fn write(output: Option<&Path>, text: &str) -> Result<(), CheckError> {
    match output {
        Some(p) => std::fs::write(p, text.as_bytes()).map_err(|source| CheckError::Io {
            path: p.to_path_buf(),
            source,
        }),
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(CheckError::Process(e)),
                _ => Ok(()),
            }
        }
    }
}

/// What a check runs on: the paths (absolute), the settings, the directories that matter.
struct Setup {
    paths: Vec<PathBuf>,
    settings: Settings,
    growth: Option<Growth>,
    /// The working directory (canonical): report paths are relative to it.
    cwd: PathBuf,
    /// The first path's directory: where configuration is searched and sessions start.
    start_dir: PathBuf,
}

fn setup(args: &CheckOptions) -> Result<Setup, CheckError> {
    let cwd = std::env::current_dir().map_err(CheckError::Process)?;
    let paths: Vec<PathBuf> = if args.paths.is_empty() {
        vec![cwd.clone()]
    } else {
        args.paths.iter().map(|p| cwd.join(p)).collect()
    };
    if let Some(p) = paths.iter().find(|p| !p.exists()) {
        return Err(CheckError::NoSuchPath(p.clone()));
    }
    let growth = args.max_growth.as_deref().map(Growth::parse).transpose()?;
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
        return Err(CheckError::ZeroBudget);
    }
    let start = paths[0].canonicalize().map_err(|source| CheckError::Io {
        path: paths[0].clone(),
        source,
    })?;
    let start_dir = if start.is_dir() {
        start.clone()
    } else {
        start.parent().unwrap_or(&start).to_path_buf()
    };
    let settings = match &args.config {
        Some(c) => Settings::load_named(&cwd, c, &overrides),
        None => Settings::discover(&start_dir, &overrides),
    }?;
    let settings = Settings {
        root: settings
            .root
            .canonicalize()
            .unwrap_or(settings.root.clone()),
        ..settings
    };
    Ok(Setup {
        paths,
        settings,
        growth,
        cwd: cwd.canonicalize().unwrap_or(cwd),
        start_dir,
    })
}

/// Runs the check and renders it; `Err` is a usage, configuration, git or I/O error.
pub fn check(args: &CheckOptions) -> Result<(Report, String), CheckError> {
    if !args.merge.is_empty() {
        return merged(args);
    }
    let Setup {
        paths,
        settings,
        growth,
        cwd,
        start_dir,
    } = setup(args)?;
    // Paths are reported relative to the working directory (`../` for files beside it);
    // SARIF and GitHub renderings add the working directory's place in the repository.
    let git_top = crate::git::toplevel(&start_dir);
    let base = args
        .base
        .as_deref()
        .map(|rev| git::Base::open(rev, git_top.as_deref(), &start_dir))
        .transpose()?;

    // Shards split files by their path from the repository's top level (else the root).
    let shard_root = git_top.clone().unwrap_or_else(|| settings.root.clone());
    let shard = args.shard.map(|s| (s, shard_root.as_path()));
    let cache = args
        .cache
        .as_ref()
        .map(|d| cache::Cache::new(&cwd.join(d), &settings));
    let (files, skipped) = walk::scan(&paths, &settings, args.jobs, &cwd, shard, cache.as_ref());
    let base_counts = base.as_ref().map(|b| {
        let mut files = b.files(&paths, &settings);
        if let Some(s) = args.shard {
            files.retain(|(path, _)| s.contains(path));
        }
        compare::BaseCounts::of(files, &b.top, &settings, &cwd, cache.as_ref())
    });
    if let Some(c) = &cache {
        let hits = c.hits.load(std::sync::atomic::Ordering::Relaxed);
        let misses = c.misses.load(std::sync::atomic::Ordering::Relaxed);
        crate::log::stderr(&format!(
            "promptcost: cache: {hits} of {} files from the cache",
            hits + misses
        ));
    }
    let against = base
        .as_ref()
        .zip(base_counts.as_ref())
        .map(|(b, counts)| compare::Against {
            rev: &b.rev,
            counts,
            growth,
        });
    let prompts = compare::compare(&files, against.as_ref());
    let ctx = if args.shard.is_some_and(|s| !s.is_first()) {
        context::ContextCheck {
            entries: Vec::new(),
            violations: Vec::new(),
        }
    } else {
        context::check(
            &settings,
            git_top.as_deref().unwrap_or(&start_dir),
            &start_dir,
            &cwd,
            base.as_ref().map(|b| (b.rev.as_str(), &b.tree)),
            growth,
        )
    };

    let mut violations = prompts.violations;
    violations.extend(ctx.violations);
    violations.sort_by(|a, b| {
        (&a.path, a.start.line, a.start.column).cmp(&(&b.path, b.start.line, b.start.column))
    });
    let totals = compare::totals(&files, &settings);
    let report = Report {
        snapshot_date: settings.table.snapshot_date.clone(),
        models: settings.models.iter().map(|m| m.id.clone()).collect(),
        base: args.base.clone(),
        max_growth: args.max_growth.clone(),
        summary: Summary {
            files: files.len(),
            prompts: prompts.prompts.len(),
            violations: violations.len(),
            skipped: skipped.len(),
            tokens: totals.iter().map(|(m, t, _)| (m.clone(), *t)).collect(),
            input_cost_usd: totals.iter().map(|(m, _, c)| (m.clone(), *c)).collect(),
        },
        context: ctx.entries,
        prompts: prompts.prompts,
        deleted: prompts.deleted,
        violations,
        skipped,
        cwd_in_repo: git_top
            .as_ref()
            .and_then(|t| cwd.strip_prefix(t).ok())
            .map(Path::to_path_buf),
    };
    let root = git_top.as_deref().unwrap_or(&cwd);
    let text = report::render(&report, args.format, color(args), root)?;
    Ok((report, text))
}

fn color(args: &CheckOptions) -> bool {
    args.output.is_none()
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none()
}

/// `--merge`: the shards' reports as one, rendered. Paths in the reports are relative to
/// the directory the shards ran in, which should be this one (as for SARIF's paths).
fn merged(args: &CheckOptions) -> Result<(Report, String), CheckError> {
    let cwd = std::env::current_dir().map_err(CheckError::Process)?;
    let cwd = cwd.canonicalize().unwrap_or(cwd);
    let mut report = merge::merge(&args.merge.iter().map(|p| cwd.join(p)).collect::<Vec<_>>())?;
    let git_top = crate::git::toplevel(&cwd);
    report.cwd_in_repo = git_top
        .as_ref()
        .and_then(|t| cwd.strip_prefix(t).ok())
        .map(Path::to_path_buf);
    let root = git_top.as_deref().unwrap_or(&cwd);
    let text = report::render(&report, args.format, color(args), root)?;
    Ok((report, text))
}
