//! `promptcost context [PATH] [--agent NAME]... [--model M]... [--json]`.
//!
//! Owns: argument handling and output. Never: decides what loads.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use serde::Serialize;

use super::agents::{self, Agent};
use super::report::{reports, AgentReport};
use super::tree::FsTree;
use crate::config::{Overrides, Settings};

/// What `promptcost context` runs with (the binary fills it from its flags).
#[derive(Debug)]
pub struct ContextOptions {
    /// The directory a session starts in (default: the current directory).
    pub path: Option<PathBuf>,
    /// Agent to report (repeatable): claude-code, codex, cursor, copilot, gemini. Default:
    /// every agent that loads something here.
    pub agents: Vec<String>,
    /// Model to count for (repeatable); default: the configured models.
    pub models: Vec<String>,
    /// Print JSON.
    pub json: bool,
    /// Use this promptcost.toml instead of searching upward.
    pub config: Option<PathBuf>,
    /// A LiteLLM-format JSON price file to merge over the embedded table.
    pub prices: Option<PathBuf>,
}

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    root: String,
    start: String,
    snapshot_date: &'a str,
    models: Vec<String>,
    agents: &'a [AgentReport],
}

#[derive(Debug, thiserror::Error)]
pub enum ContextError {
    #[error("{0}: not a directory")]
    NotADirectory(String),
    #[error("{0}")]
    Agent(#[from] agents::UnknownAgent),
    #[error("{0}")]
    Config(#[from] crate::config::ConfigError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Json(#[from] serde_json::Error),
}

/// The rendered output (text or JSON).
pub fn render(args: &ContextOptions) -> Result<String, ContextError> {
    let cwd = std::env::current_dir()?;
    let dir = args.path.as_ref().map_or(cwd.clone(), |p| cwd.join(p));
    if !dir.is_dir() {
        return Err(ContextError::NotADirectory(dir.display().to_string()));
    }
    let dir = dir.canonicalize()?;
    let picked: Vec<&'static Agent> = args
        .agents
        .iter()
        .map(|n| agents::find(n))
        .collect::<Result<_, _>>()?;
    let overrides = Overrides {
        models: (!args.models.is_empty()).then(|| args.models.clone()),
        prices_file: args
            .prices
            .as_ref()
            .map(|p| cwd.join(p).display().to_string()),
        ..Overrides::default()
    };
    let settings = match &args.config {
        Some(c) => Settings::load(&dir, Some(&cwd.join(c)), &overrides)?,
        None => Settings::discover(&dir, &overrides)?,
    };
    let root = super::project_root(&dir);
    let start = super::rel_dir(&root, &dir);
    let tree = FsTree::new(&root, settings.max_file_size);
    let list: Vec<&'static Agent> = if picked.is_empty() {
        agents::all().iter().collect()
    } else {
        picked.clone()
    };
    let reports = reports(&list, &tree, &start, &settings.models, !picked.is_empty());
    let start_label = if start.is_empty() {
        ".".to_string()
    } else {
        format!("{start}/")
    };
    Ok(if args.json {
        let o = Output {
            version: 1,
            root: root.display().to_string(),
            start: if start.is_empty() { ".".into() } else { start },
            snapshot_date: &settings.table.snapshot_date,
            models: settings.models.iter().map(|m| m.id.clone()).collect(),
            agents: &reports,
        };
        serde_json::to_string_pretty(&o)? + "\n"
    } else {
        super::report::render_text(&reports, &start_label)
    })
}

pub fn run(args: ContextOptions) -> ExitCode {
    match render(&args) {
        Ok(text) => {
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    crate::log::stderr(&format!("promptcost: {e}"));
                    ExitCode::from(2)
                }
                _ => ExitCode::SUCCESS,
            }
        }
        Err(e) => {
            crate::log::stderr(&format!("promptcost: {e}"));
            ExitCode::from(2)
        }
    }
}
