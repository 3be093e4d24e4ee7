//! The work tree's side of a check: a parallel walk (`ignore`: `.gitignore` respected, hidden
//! files included, `.git` left out, links followed) that reads each prompt or source file
//! through [`crate::textfile`] and analyses it, keeping what the report needs of the
//! document (positions, placeholders, costs) so that no text is kept.
//!
//! Owns: which files are looked at (`FileKind`), opening a document, skipped files and why.
//! Never: compares with the base or decides violations.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::cache::{cached, Cache};
use super::report::{relative_path, LineCol, Skipped};
use super::shard::Shard;
use crate::config::Settings;
use crate::cost::report::PromptCost;
use crate::document::{Analysis, Document};
use crate::pricing::encodings_of;

/// One scanned file.
pub(super) struct FileResult {
    /// Relative to the working directory.
    pub rel: String,
    pub analysis: Analysis,
    pub facts: Facts,
}

/// What the report needs of a document beyond its analysis, taken while the document is at
/// hand (in the parallel walk) so that the text need not be kept: positions of each prompt
/// and problem, and each prompt's placeholder count.
pub(super) struct Facts {
    /// Per prompt of `analysis.all()`: start, end, placeholders.
    pub prompts: Vec<(LineCol, LineCol, usize)>,
    /// Per problem of `analysis.problems`: start, end.
    pub problems: Vec<(LineCol, LineCol)>,
    /// Per prompt of `analysis.all()`: its cost as a request.
    pub costs: Vec<Option<PromptCost>>,
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

fn line_col(doc: &Document, offset: usize) -> LineCol {
    let (l, c) =
        crate::position::to_position(&doc.rope, crate::position::PosEncoding::Utf32, offset);
    LineCol {
        line: l as usize + 1,
        column: c as usize + 1,
    }
}

/// The analysed files under `paths`, sorted by path relative to `cwd` (one row for a file
/// and the links to it), and the files skipped, sorted too.
pub(super) fn scan(
    paths: &[PathBuf],
    settings: &Settings,
    jobs: Option<usize>,
    cwd: &Path,
    shard: Option<(Shard, &Path)>,
    cache: Option<&Cache>,
) -> (Vec<FileResult>, Vec<Skipped>) {
    let (found, skipped) = walk(paths, settings, jobs, shard, cache);
    let mut files: Vec<FileResult> = found
        .into_iter()
        .map(|(p, facts, analysis)| FileResult {
            rel: relative_path(&p, cwd),
            analysis,
            facts,
        })
        .collect();
    files.sort_by(|a, b| a.rel.cmp(&b.rel));
    // A symlink is read as the file it points to: one row for both.
    files.dedup_by(|a, b| a.rel == b.rel);
    let mut skipped: Vec<Skipped> = skipped
        .into_iter()
        .map(|(p, reason)| Skipped {
            path: relative_path(&p, cwd),
            reason,
        })
        .collect();
    skipped.sort_by(|a, b| a.path.cmp(&b.path));
    (files, skipped)
}

type Walked = (Vec<(PathBuf, Facts, Analysis)>, Vec<(PathBuf, String)>);

/// Walks `paths` (respecting .gitignore) in parallel and analyses every prompt file.
/// With a shard (and the directory its paths start from), only that shard's files.
fn walk(
    paths: &[PathBuf],
    settings: &Settings,
    jobs: Option<usize>,
    shard: Option<(Shard, &Path)>,
    cache: Option<&Cache>,
) -> Walked {
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
        // Per walking thread: the real paths of the directories it has seen.
        let mut dirs = HashMap::new();
        let (found, skipped, progress, encodings) = (&found, &skipped, &progress, &encodings);
        Box::new(move |entry| {
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
            let path = canonical(&entry, &mut dirs);
            let Some(kind) = file_kind(settings, &path) else {
                return ignore::WalkState::Continue;
            };
            if let Some((s, root)) = shard {
                if !s.contains(&relative_path(&path, root)) {
                    return ignore::WalkState::Continue;
                }
            }
            // Files that cannot be read as text are skipped with the reason (the rules of
            // `textfile`).
            match crate::textfile::read(&path, settings.max_file_size) {
                Ok(text) => {
                    let result = cached(cache, settings, &path, &text, |text| {
                        analyse(settings, &path, text, kind, encodings)
                    });
                    if let Some((a, facts)) = result {
                        found.lock().unwrap().push((path, facts, a));
                    }
                }
                Err(reason) => skipped.lock().unwrap().push((path, reason.to_string())),
            }
            let n = progress.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            if show_progress && n % 500 == 0 {
                crate::log::stderr(&format!("promptcost: {n} prompt files checked..."));
            }
            ignore::WalkState::Continue
        })
    });
    (found.into_inner().unwrap(), skipped.into_inner().unwrap())
}

/// The canonical path of a walked file: its directory's canonical path (resolved once per
/// directory and thread, kept in `dirs`) and its name; a symlink resolved on its own.
fn canonical(entry: &ignore::DirEntry, dirs: &mut HashMap<PathBuf, PathBuf>) -> PathBuf {
    let path = entry.path();
    let whole = || path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return whole();
    };
    if entry.path_is_symlink() || dir.as_os_str().is_empty() {
        return whole();
    }
    let real = dirs
        .entry(dir.to_path_buf())
        .or_insert_with(|| dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf()));
    real.join(name)
}

/// A file's analysis and facts (`None`: a source file without prompts).
pub(super) fn analyse(
    settings: &Settings,
    path: &Path,
    text: &str,
    kind: FileKind,
    encodings: &[crate::tokenize::Encoding],
) -> Option<(Analysis, Facts)> {
    let (doc, a) = open_document(settings, path, text, kind, encodings)?;
    let facts = Facts::of(&doc, &a, settings);
    Some((a, facts))
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
pub(super) enum FileKind {
    Prompt,
    Code(crate::extract::code::Lang),
}

pub(super) fn file_kind(settings: &Settings, path: &Path) -> Option<FileKind> {
    if settings.is_prompt_file(path) {
        Some(FileKind::Prompt)
    } else {
        settings.code_lang(path).map(FileKind::Code)
    }
}

/// The document and its analysis; a source file without prompts is not reported.
pub(super) fn open_document(
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
