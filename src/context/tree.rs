//! The files an agent could load, from the work tree or from a git revision, with symlinks
//! resolved the same way in both: a file reached through a link is identified by its real
//! path, so it is read and counted once.
//!
//! Owns: listing, symlink resolution (work tree: the file system; git: mode 120000 blobs),
//! hard-link identity, reading text. Never: writes, or reads outside the project root.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::git::CatFile;

/// A path inside the project after symlinks: `/`-separated, relative to the project root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    pub real: String,
    /// The path named was (or went through) a symlink.
    pub via_link: bool,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TreeError {
    #[error("no such file")]
    Missing,
    #[error("points outside the project")]
    Outside,
    #[error("symlink loop")]
    Loop,
    #[error("{0}")]
    Unreadable(String),
    #[error("git: {0}")]
    Git(String),
}

pub trait Tree {
    /// The real file behind `rel`.
    fn resolve(&self, rel: &str) -> Result<Resolved, TreeError>;
    /// The text of a real file (as returned by `resolve`).
    fn read(&self, real: &str) -> Result<String, TreeError>;
    /// Every file path of the tree (as named, not resolved), `.gitignore`d ones left out.
    fn files(&self) -> &[String];
}

/// `a/./b/../c` -> `a/c`; `None` when it climbs above the root.
pub fn normalize(path: &str) -> Option<String> {
    let mut out: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                out.pop()?;
            }
            p => out.push(p),
        }
    }
    Some(out.join("/"))
}

/// The directory part of a relative path (`""` at the root).
pub fn parent(rel: &str) -> &str {
    rel.rfind('/').map_or("", |i| &rel[..i])
}

/// `dir` joined with `rel` (`dir` may be `""`).
pub fn join(dir: &str, rel: &str) -> String {
    if dir.is_empty() {
        rel.to_string()
    } else {
        format!("{dir}/{rel}")
    }
}

/// Text of a file's bytes, or why it is not text (the rules of [`crate::textfile`]).
pub fn text_of(bytes: Vec<u8>) -> Result<String, TreeError> {
    crate::textfile::decode(bytes).map_err(|e| TreeError::Unreadable(e.to_string()))
}

/// The folders at the project root that hold agent rules, skills and settings.
const AGENT_FOLDERS: [&str; 4] = [".claude", ".cursor", ".github", ".gemini"];

fn push_files(root: &Path, walk: ignore::Walk, files: &mut Vec<String>) {
    for e in walk.flatten() {
        if e.file_type().is_some_and(|t| t.is_file()) || e.path().is_file() {
            if let Ok(rel) = e.path().strip_prefix(root) {
                files.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
}

fn agent_folders(root: &Path, files: &mut Vec<String>) {
    for d in AGENT_FOLDERS {
        let dir = root.join(d);
        if dir.is_dir() {
            let walk = ignore::WalkBuilder::new(&dir)
                .standard_filters(false)
                .follow_links(true)
                .build();
            push_files(root, walk, files);
        }
    }
}

/// The work tree under `root`.
pub struct FsTree {
    root: PathBuf,
    files: Vec<String>,
    max_file_size: u64,
    /// (device, inode) of a hard-linked file -> the first real path seen for it.
    inodes: Mutex<HashMap<(u64, u64), String>>,
}

impl FsTree {
    /// Lists `root` (respecting `.gitignore`, hidden files included, `.git` left out), and the
    /// agents' folders at the root whether ignored or not: agents read a git-ignored
    /// `.claude/` as they read a tracked one.
    pub fn new(root: &Path, max_file_size: u64) -> FsTree {
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let mut files = Vec::new();
        let walk = ignore::WalkBuilder::new(&root)
            .hidden(false)
            .follow_links(true)
            .filter_entry(|e| e.file_name() != ".git")
            .build();
        push_files(&root, walk, &mut files);
        agent_folders(&root, &mut files);
        files.sort();
        files.dedup();
        FsTree {
            root,
            files,
            max_file_size,
            inodes: Mutex::new(HashMap::new()),
        }
    }

    /// What the editor needs, cheaply: the files at the root, the agents' folders there, and
    /// `extra` (the open file).
    pub fn shallow(root: &Path, max_file_size: u64, extra: &str) -> FsTree {
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let mut files = Vec::new();
        for e in std::fs::read_dir(&root).into_iter().flatten().flatten() {
            if e.path().is_file() {
                files.push(e.file_name().to_string_lossy().into_owned());
            }
        }
        agent_folders(&root, &mut files);
        if !extra.is_empty() {
            files.push(extra.to_string());
        }
        files.sort();
        files.dedup();
        FsTree {
            root,
            files,
            max_file_size,
            inodes: Mutex::new(HashMap::new()),
        }
    }
}

impl Tree for FsTree {
    fn resolve(&self, rel: &str) -> Result<Resolved, TreeError> {
        let named = self.root.join(rel);
        let meta = std::fs::symlink_metadata(&named).map_err(|_| TreeError::Missing)?;
        let real_abs = match named.canonicalize() {
            Ok(p) => p,
            Err(e) if e.raw_os_error() == Some(40) => return Err(TreeError::Loop),
            Err(_) => return Err(TreeError::Missing),
        };
        if !real_abs.is_file() {
            return Err(TreeError::Missing);
        }
        let real = real_abs
            .strip_prefix(&self.root)
            .map_err(|_| TreeError::Outside)?
            .to_string_lossy()
            .replace('\\', "/");
        let via_link = meta.file_type().is_symlink() || real != normalize(rel).unwrap_or_default();
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            if let Ok(m) = std::fs::metadata(&real_abs) {
                if m.nlink() > 1 {
                    let mut seen = self.inodes.lock().unwrap_or_else(|p| p.into_inner());
                    let first = seen
                        .entry((m.dev(), m.ino()))
                        .or_insert_with(|| real.clone())
                        .clone();
                    return Ok(Resolved {
                        via_link: via_link || first != real,
                        real: first,
                    });
                }
            }
        }
        Ok(Resolved { real, via_link })
    }

    fn read(&self, real: &str) -> Result<String, TreeError> {
        crate::textfile::read(&self.root.join(real), self.max_file_size)
            .map_err(|e| TreeError::Unreadable(e.to_string()))
    }

    fn files(&self) -> &[String] {
        &self.files
    }
}

/// A git revision's tree: listed once with `git ls-tree`, read through one
/// `git cat-file --batch` process ([`crate::git::CatFile`]).
pub struct GitTree {
    /// path -> (mode, object id)
    entries: HashMap<String, (String, String)>,
    files: Vec<String>,
    cat: CatFile,
    blobs: Mutex<HashMap<String, Vec<u8>>>,
}

const SYMLINK_MODE: &str = "120000";

impl GitTree {
    /// The tree of `rev` in the repository whose top level is `top`.
    pub fn new(top: &Path, rev: &str) -> Result<GitTree, TreeError> {
        let git_err = |e: crate::git::GitError| TreeError::Git(e.to_string());
        crate::git::run(
            top,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{rev}^{{commit}}"),
            ],
        )
        .map_err(|_| TreeError::Git(format!("--base {rev}: unknown git revision")))?;
        let mut entries = HashMap::new();
        let mut files = Vec::new();
        for e in crate::git::ls_tree(top, rev).map_err(git_err)? {
            if e.kind != "blob" {
                continue;
            }
            files.push(e.path.clone());
            entries.insert(e.path, (e.mode, e.oid));
        }
        files.sort();
        Ok(GitTree {
            entries,
            files,
            cat: CatFile::new(top).map_err(git_err)?,
            blobs: Mutex::new(HashMap::new()),
        })
    }

    /// An object's bytes; a missing object (a shallow or partial clone) is an error, as any
    /// object git cannot give.
    fn blob(&self, oid: &str) -> Result<Vec<u8>, TreeError> {
        if let Some(b) = self
            .blobs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(oid)
        {
            return Ok(b.clone());
        }
        let b = self
            .cat
            .read(oid)
            .map_err(|e| TreeError::Git(e.to_string()))?
            .ok_or_else(|| TreeError::Git(format!("git cat-file: object {oid} is missing")))?;
        self.blobs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(oid.to_string(), b.clone());
        Ok(b)
    }

    /// Resolves symlinks in every component of `rel`, as the file system would.
    fn resolve_path(&self, rel: &str, hops: &mut usize) -> Result<(String, bool), TreeError> {
        let norm = normalize(rel).ok_or(TreeError::Outside)?;
        let parts: Vec<&str> = norm.split('/').collect();
        let mut done = String::new();
        for (i, part) in parts.iter().enumerate() {
            let cand = join(&done, part);
            match self.entries.get(&cand) {
                Some((mode, oid)) if mode == SYMLINK_MODE => {
                    *hops += 1;
                    if *hops > 40 {
                        return Err(TreeError::Loop);
                    }
                    let target = String::from_utf8_lossy(&self.blob(oid)?)
                        .trim_end_matches('\n')
                        .to_string();
                    if target.starts_with('/') {
                        return Err(TreeError::Outside);
                    }
                    let rest = parts[i + 1..].join("/");
                    let next = join(&join(parent(&cand), &target), &rest);
                    let next = next.trim_end_matches('/').to_string();
                    let (real, _) = self.resolve_path(&next, hops)?;
                    return Ok((real, true));
                }
                _ => done = cand,
            }
        }
        Ok((done, false))
    }
}

impl Tree for GitTree {
    fn resolve(&self, rel: &str) -> Result<Resolved, TreeError> {
        let (real, via_link) = self.resolve_path(rel, &mut 0)?;
        match self.entries.get(&real) {
            Some((mode, _)) if mode != SYMLINK_MODE && mode != "160000" => {
                Ok(Resolved { real, via_link })
            }
            _ => Err(TreeError::Missing),
        }
    }

    fn read(&self, real: &str) -> Result<String, TreeError> {
        let (_, oid) = self.entries.get(real).ok_or(TreeError::Missing)?;
        text_of(self.blob(oid)?)
    }

    fn files(&self) -> &[String] {
        &self.files
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_normalize_without_leaving_the_root() {
        assert_eq!(normalize("a/./b/../c").as_deref(), Some("a/c"));
        assert_eq!(normalize("./AGENTS.md").as_deref(), Some("AGENTS.md"));
        assert_eq!(normalize("../x"), None);
        assert_eq!(parent("a/b/c.md"), "a/b");
        assert_eq!(parent("c.md"), "");
        assert_eq!(join("", "x"), "x");
    }

    #[test]
    fn agent_folders_are_listed_even_when_git_ignores_them() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join(".git")).unwrap();
        std::fs::create_dir_all(d.path().join(".claude/rules")).unwrap();
        std::fs::create_dir_all(d.path().join("build")).unwrap();
        std::fs::write(d.path().join(".gitignore"), ".claude/\nbuild/\n").unwrap();
        std::fs::write(d.path().join(".claude/rules/a.md"), "A\n").unwrap();
        std::fs::write(d.path().join("build/AGENTS.md"), "generated\n").unwrap();
        let t = FsTree::new(d.path(), 1 << 20);
        assert!(
            t.files().iter().any(|f| f == ".claude/rules/a.md"),
            "{:?}",
            t.files()
        );
        assert!(
            !t.files().iter().any(|f| f.starts_with("build/")),
            "other ignored folders stay out: {:?}",
            t.files()
        );
        let s = FsTree::shallow(d.path(), 1 << 20, "docs/x.md");
        assert!(
            s.files().iter().any(|f| f == ".claude/rules/a.md")
                && s.files().iter().any(|f| f == "docs/x.md")
        );
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_and_hard_links_resolve_to_one_real_file() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("AGENTS.md"), "# A\n").unwrap();
        std::os::unix::fs::symlink("AGENTS.md", d.path().join("CLAUDE.md")).unwrap();
        std::fs::hard_link(d.path().join("AGENTS.md"), d.path().join("COPY.md")).unwrap();
        std::os::unix::fs::symlink("/etc/hostname", d.path().join("OUT.md")).unwrap();
        let t = FsTree::new(d.path(), 1 << 20);
        assert_eq!(
            t.resolve("AGENTS.md").unwrap(),
            Resolved {
                real: "AGENTS.md".into(),
                via_link: false
            }
        );
        assert_eq!(
            t.resolve("CLAUDE.md").unwrap(),
            Resolved {
                real: "AGENTS.md".into(),
                via_link: true
            }
        );
        assert_eq!(t.resolve("COPY.md").unwrap().real, "AGENTS.md");
        assert_eq!(t.resolve("NONE.md").unwrap_err(), TreeError::Missing);
        assert!(matches!(
            t.resolve("OUT.md"),
            Err(TreeError::Outside | TreeError::Missing)
        ));
        assert_eq!(t.read("AGENTS.md").unwrap(), "# A\n");
    }

    #[cfg(unix)]
    #[test]
    fn a_revision_reads_files_and_links_through_one_batch_reader() {
        let d = tempfile::tempdir().unwrap();
        let git = |args: &[&str]| {
            let ok = std::process::Command::new("git")
                .arg("-C")
                .arg(d.path())
                .args(["-c", "user.name=t", "-c", "user.email=t@t"])
                .args(args)
                .status()
                .unwrap()
                .success();
            assert!(ok, "git {args:?}");
        };
        std::fs::create_dir_all(d.path().join("docs")).unwrap();
        std::fs::write(d.path().join("AGENTS.md"), "# A\n").unwrap();
        std::fs::write(d.path().join("docs/b.md"), "# B\n").unwrap();
        std::os::unix::fs::symlink("AGENTS.md", d.path().join("CLAUDE.md")).unwrap();
        git(&["init", "-q"]);
        git(&["add", "."]);
        git(&["commit", "-qm", "v1"]);
        std::fs::remove_file(d.path().join("docs/b.md")).unwrap();
        let t = GitTree::new(d.path(), "HEAD").unwrap();
        assert_eq!(t.files(), ["AGENTS.md", "CLAUDE.md", "docs/b.md"]);
        assert_eq!(
            t.resolve("CLAUDE.md").unwrap(),
            Resolved {
                real: "AGENTS.md".into(),
                via_link: true
            }
        );
        assert_eq!(t.read("docs/b.md").unwrap(), "# B\n", "as at the revision");
        assert_eq!(t.read("AGENTS.md").unwrap(), "# A\n");
        assert_eq!(t.resolve("NONE.md").unwrap_err(), TreeError::Missing);
        assert_eq!(t.read("NONE.md").unwrap_err(), TreeError::Missing);
        assert_eq!(
            GitTree::new(d.path(), "nope").err(),
            Some(TreeError::Git("--base nope: unknown git revision".into()))
        );
    }
}
