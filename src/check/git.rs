//! The `--base` revision: its tree listed once (`git ls-tree -r -z`) and its files read
//! through one `git cat-file --batch` process ([`crate::git`], via `context::tree::GitTree`),
//! shared by the prompts' comparison and the agent context's.
//!
//! Owns: finding the repository, the scopes `check` was given as paths from the top level,
//! which files of the revision are prompt files. Symlinks (mode 120000) are resolved inside
//! the revision as the work tree resolves them: a link is read as the file it points to,
//! under that file's path, and each real file once. Never: writes to the repository.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::report::relative_path;
use super::walk::file_kind;
use super::CheckError;
use crate::config::Settings;
use crate::context::tree::{GitTree, Tree};

/// The base revision of a check.
pub(super) struct Base {
    pub rev: String,
    /// The repository's top level (canonical).
    pub top: PathBuf,
    pub tree: GitTree,
}

impl Base {
    /// `rev` in the repository `start_dir` is in (`top`: its top level, if any).
    pub(super) fn open(
        rev: &str,
        top: Option<&Path>,
        start_dir: &Path,
    ) -> Result<Base, CheckError> {
        let top = top.ok_or_else(|| CheckError::NotInRepo {
            rev: rev.to_string(),
            dir: start_dir.to_path_buf(),
        })?;
        Ok(Base {
            rev: rev.to_string(),
            top: top.to_path_buf(),
            tree: GitTree::new(top, rev)?,
        })
    }

    /// The prompt and source files under `paths` at the base, as (path from the top level
    /// after symlinks, text). Files git cannot give as text are left out, as a file that
    /// was not there.
    pub(super) fn files(&self, paths: &[PathBuf], settings: &Settings) -> Vec<(String, String)> {
        let scopes: Vec<String> = paths
            .iter()
            .map(|p| {
                // Scopes are paths from the top level, as `git ls-tree` lists them.
                let r = relative_path(&p.canonicalize().unwrap_or(p.clone()), &self.top);
                if r == "." {
                    String::new()
                } else {
                    r
                }
            })
            .collect();
        let mut out: Vec<(String, String)> = Vec::new();
        let mut seen = HashSet::new();
        for name in self.tree.files() {
            let in_scope = scopes
                .iter()
                .any(|s| s.is_empty() || name == s || name.starts_with(&format!("{s}/")));
            let Ok(r) = self.tree.resolve(name) else {
                continue;
            };
            if !in_scope
                || file_kind(settings, &self.top.join(&r.real)).is_none()
                || !seen.insert(r.real.clone())
            {
                continue;
            }
            if let Ok(text) = self.tree.read(&r.real) {
                out.push((r.real, text));
            }
        }
        out
    }
}
