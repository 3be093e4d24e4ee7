//! The one way promptcost reads git: the `git` CLI as a subprocess (always there in CI; a
//! libgit2 binding would double the build). Short commands (`rev-parse`, `ls-tree`) run once
//! each; object contents come through ONE long-lived `git cat-file --batch` per repository,
//! however many files are read.
//!
//! Owns: running git, the `ls-tree -r -z` listing, the batch protocol (a missing object is
//! `None`, not an error). Never: decides what a file means (see `context::tree`, `check::git`).

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Mutex;

#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("cannot run git: {0}")]
    Spawn(#[source] std::io::Error),
    /// `git ARGS` exited with an error; its message.
    #[error("git {args}: {stderr}")]
    Failed { args: String, stderr: String },
    /// The `cat-file --batch` process answered something unexpected or went away.
    #[error("git cat-file --batch: {0}")]
    Batch(String),
}

/// Runs `git -C dir ARGS` and returns its standard output.
pub(crate) fn run(dir: &Path, args: &[&str]) -> Result<Vec<u8>, GitError> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(GitError::Spawn)?;
    if !out.status.success() {
        return Err(GitError::Failed {
            args: args.join(" "),
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    Ok(out.stdout)
}

/// The top level of the work tree `dir` is in (canonical), if it is in one.
pub(crate) fn toplevel(dir: &Path) -> Option<PathBuf> {
    let out = run(dir, &["rev-parse", "--show-toplevel"]).ok()?;
    PathBuf::from(String::from_utf8_lossy(&out).trim())
        .canonicalize()
        .ok()
}

/// One entry of `git ls-tree -r`: a blob (file or symlink) or a commit (submodule).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TreeEntry {
    /// `100644`, `100755`, `120000` (symlink), `160000` (submodule).
    pub mode: String,
    /// `blob` or `commit`.
    pub kind: String,
    pub oid: String,
    /// From the top level, `/`-separated.
    pub path: String,
}

/// Every entry of `rev`'s whole tree (`git ls-tree -r -z --full-tree`).
pub(crate) fn ls_tree(top: &Path, rev: &str) -> Result<Vec<TreeEntry>, GitError> {
    let list = run(top, &["ls-tree", "-r", "-z", "--full-tree", rev])?;
    let mut out = Vec::new();
    for rec in list.split(|&b| b == 0).filter(|r| !r.is_empty()) {
        let rec = String::from_utf8_lossy(rec);
        let Some((meta, path)) = rec.split_once('\t') else {
            continue;
        };
        let mut m = meta.split(' ');
        let (Some(mode), Some(kind), Some(oid)) = (m.next(), m.next(), m.next()) else {
            continue;
        };
        out.push(TreeEntry {
            mode: mode.to_string(),
            kind: kind.to_string(),
            oid: oid.to_string(),
            path: path.to_string(),
        });
    }
    Ok(out)
}

struct Batch {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

/// A long-lived `git cat-file --batch`: one process for every object read from a repository.
/// Requests are answered one at a time (git flushes after each object), behind a lock, so a
/// reader can be shared by threads.
pub(crate) struct CatFile {
    batch: Mutex<Option<Batch>>,
}

impl CatFile {
    /// Starts the process in the repository `dir` is in.
    pub(crate) fn new(dir: &Path) -> Result<CatFile, GitError> {
        let mut child = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(GitError::Spawn)?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(GitError::Batch("no pipes".into()));
        };
        Ok(CatFile {
            batch: Mutex::new(Some(Batch {
                child,
                stdin,
                stdout: BufReader::new(stdout),
            })),
        })
    }

    /// The contents of an object: an object id or `REV:PATH`. `None` when git reports it
    /// missing (or the name is ambiguous).
    pub(crate) fn read(&self, object: &str) -> Result<Option<Vec<u8>>, GitError> {
        if object.contains('\n') {
            return Ok(None);
        }
        let mut guard = self.batch.lock().unwrap_or_else(|p| p.into_inner());
        let b = guard
            .as_mut()
            .ok_or_else(|| GitError::Batch("the process has stopped".into()))?;
        let answer = Self::ask(b, object);
        if answer.is_err() {
            // A broken exchange cannot be resumed: stop the process, later reads fail.
            if let Some(mut b) = guard.take() {
                let _ = b.child.kill();
                let _ = b.child.wait();
            }
        }
        answer
    }

    fn ask(b: &mut Batch, object: &str) -> Result<Option<Vec<u8>>, GitError> {
        let io = |e: std::io::Error| GitError::Batch(e.to_string());
        writeln!(b.stdin, "{object}").map_err(io)?;
        b.stdin.flush().map_err(io)?;
        let mut header = String::new();
        if b.stdout.read_line(&mut header).map_err(io)? == 0 {
            return Err(GitError::Batch("the process has stopped".into()));
        }
        let header = header.trim_end_matches('\n');
        // `<object> missing` / `<object> ambiguous`, else `<oid> <type> <size>`.
        if header.ends_with(" missing") || header.ends_with(" ambiguous") {
            return Ok(None);
        }
        let size: usize = header
            .rsplit(' ')
            .next()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| GitError::Batch(format!("unexpected answer '{header}'")))?;
        let mut body = vec![0; size + 1];
        b.stdout.read_exact(&mut body).map_err(io)?;
        body.pop(); // the newline after the contents
        Ok(Some(body))
    }
}

impl Drop for CatFile {
    fn drop(&mut self) {
        if let Some(b) = self
            .batch
            .get_mut()
            .unwrap_or_else(|p| p.into_inner())
            .take()
        {
            let Batch {
                mut child, stdin, ..
            } = b;
            drop(stdin); // end of input: git exits
            let _ = child.wait();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(dir: &Path, args: &[&str]) {
        let ok = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(["-c", "user.name=t", "-c", "user.email=t@t"])
            .args(args)
            .output()
            .unwrap()
            .status
            .success();
        assert!(ok, "git {args:?}");
    }

    #[test]
    fn one_batch_process_reads_several_files_and_reports_a_missing_one() {
        let d = tempfile::tempdir().unwrap();
        let d = d.path();
        std::fs::create_dir_all(d.join("docs")).unwrap();
        std::fs::write(d.join("a.md"), "# A\n").unwrap();
        std::fs::write(d.join("docs/b.md"), "B, no newline").unwrap();
        std::fs::write(d.join("empty.md"), "").unwrap();
        git(d, &["init", "-q"]);
        git(d, &["add", "."]);
        git(d, &["commit", "-qm", "v1"]);
        std::fs::write(d.join("a.md"), "# A, changed\n").unwrap();

        let entries = ls_tree(d, "HEAD").unwrap();
        let paths: Vec<&str> = entries.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, ["a.md", "docs/b.md", "empty.md"]);
        let cat = CatFile::new(d).unwrap();
        // By object id, by REV:PATH, interleaved with missing ones: the process carries on.
        let b = &entries[1];
        assert_eq!(cat.read(&b.oid).unwrap().unwrap(), b"B, no newline");
        assert_eq!(cat.read("HEAD:nope.md").unwrap(), None);
        assert_eq!(cat.read("HEAD:a.md").unwrap().unwrap(), b"# A\n");
        assert_eq!(cat.read(&"0".repeat(40)).unwrap(), None);
        assert_eq!(cat.read("HEAD:empty.md").unwrap().unwrap(), b"");
        assert_eq!(
            cat.read("HEAD:docs/b.md").unwrap().unwrap(),
            b"B, no newline"
        );
    }
}
