//! Agent context: what each coding agent (Claude Code, Codex CLI, Cursor, GitHub Copilot,
//! Gemini CLI) loads into a session, from `data/agents.toml`: always, conditionally, on demand,
//! with the files behind each number. Serves `promptcost context`, the context budgets and
//! growth of `check`, and the editor's lens, hints, diagnostics and hover on agent files.
//!
//! Owns: the loading rules (`agents.rs`), the trees they are applied to (`tree.rs`: work tree
//! or git revision, symlinks resolved alike), the Markdown they read (`markdown.rs`), loading
//! (`load.rs`), counting and rendering (`report.rs`), the command (`command.rs`) and the
//! editor computations (`editor.rs`). Never: writes files, or counts a real file twice.

pub mod agents;
pub mod command;
pub mod editor;
pub mod load;
pub mod markdown;
pub mod report;
pub mod tree;

pub use command::ContextOptions;

use std::path::{Path, PathBuf};

/// The project a directory belongs to: the nearest ancestor holding `.git`, else `dir` itself.
pub fn project_root(dir: &Path) -> PathBuf {
    dir.ancestors()
        .find(|d| d.join(".git").exists())
        .unwrap_or(dir)
        .to_path_buf()
}

/// `dir` relative to `root`, `/`-separated (`""` for the root itself).
pub fn rel_dir(root: &Path, dir: &Path) -> String {
    dir.strip_prefix(root)
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default()
}
