//! The editor side of agent context, as plain data with byte offsets (the server converts
//! them): a code lens per agent that loads the open file, an inlay hint on each `@import`
//! line, diagnostics for broken imports, cycles and paragraphs loaded twice, and a hover with
//! the per-agent breakdown.
//!
//! Owns: those computations for one document, with its unsaved text in place of the file on
//! disk. Never: talks LSP, walks the whole project (only the root's rule folders are listed),
//! or blocks on anything but reading the few files agents load.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::ops::Range;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::agents;
use super::load::{Load, Piece};
use super::report::{report_of, AgentReport};
use super::tree::{FsTree, Resolved, Tree, TreeError};
use crate::config::Settings;
use crate::format;

#[derive(Clone, Debug, PartialEq)]
pub struct Hint {
    pub offset: usize,
    pub label: String,
    pub tooltip: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Warning,
    Information,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Diag {
    pub range: Range<usize>,
    pub level: Level,
    pub code: &'static str,
    pub message: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct EditorContext {
    pub lenses: Vec<String>,
    pub hints: Vec<Hint>,
    pub diagnostics: Vec<Diag>,
    /// Markdown for the hover (empty when no agent loads the file).
    pub hover: String,
}

/// The work tree with one file's text replaced by the editor's.
struct Overlay<'a> {
    inner: &'a dyn Tree,
    real: String,
    text: &'a str,
}

impl Tree for Overlay<'_> {
    fn resolve(&self, rel: &str) -> Result<Resolved, TreeError> {
        self.inner.resolve(rel)
    }
    fn read(&self, real: &str) -> Result<String, TreeError> {
        if real == self.real {
            Ok(self.text.to_string())
        } else {
            self.inner.read(real)
        }
    }
    fn files(&self) -> &[String] {
        self.inner.files()
    }
}

/// Pieces imported (directly or not) by `real` within one agent's load.
fn imported_by<'a>(pieces: &'a [Piece], real: &str) -> Vec<&'a Piece> {
    let mut out: Vec<&Piece> = Vec::new();
    let mut frontier = vec![real.to_string()];
    while let Some(r) = frontier.pop() {
        for p in pieces
            .iter()
            .filter(|p| p.imported_from.as_ref().is_some_and(|(f, _)| *f == r))
        {
            if !out.iter().any(|q| q.real == p.real) && p.real != real {
                out.push(p);
                frontier.push(p.real.clone());
            }
        }
    }
    out
}

fn piece_tokens(r: &AgentReport, p: &Piece) -> u64 {
    r.loaded
        .pieces
        .iter()
        .position(|q| std::ptr::eq(q, p))
        .map_or(0, |i| r.files[i].tokens)
}

/// How long a result stands: other files may change on disk without the editor saying so.
const FRESH: Duration = Duration::from_secs(2);

/// Whether any agent loads the file at `path`, judged from the files on disk (the open file's
/// own unsaved text cannot change that), remembered for [`FRESH`]: most Markdown files are
/// not agent context, and for them the document's text is never copied.
fn loaded_by_an_agent(path: &Path, settings: &Settings) -> bool {
    type Known = Mutex<HashMap<String, (Instant, bool)>>;
    static KNOWN: std::sync::OnceLock<Known> = std::sync::OnceLock::new();
    let key = path.display().to_string();
    let known = KNOWN.get_or_init(Default::default);
    if let Some((at, v)) = known.lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
        if at.elapsed() < FRESH {
            return *v;
        }
    }
    let v = locate(path, settings).is_some_and(|(fs, real)| {
        agents::all().iter().any(|a| {
            super::load::load(a, &fs, "")
                .pieces
                .iter()
                .any(|p| p.real == real)
        })
    });
    let mut k = known.lock().unwrap_or_else(|p| p.into_inner());
    if k.len() > 256 {
        k.clear();
    }
    k.insert(key, (Instant::now(), v));
    v
}

/// The project tree the editor reads for `path`, and the file's real path in it.
fn locate(path: &Path, settings: &Settings) -> Option<(FsTree, String)> {
    let dir = path.parent()?;
    let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let root = super::project_root(&dir);
    let named = super::rel_dir(&root, &dir.join(path.file_name()?));
    if named.is_empty() || !dir.starts_with(&root) {
        return None;
    }
    let fs = FsTree::shallow(&root, settings.max_file_size, &named);
    let real = fs.resolve(&named).map(|r| r.real).unwrap_or(named);
    Some((fs, real))
}

/// What agents make of the open document at `path` (its text from `text`, asked for only when
/// an agent loads the file); `None` when no agent loads it.
pub fn for_document(
    path: &Path,
    text: impl FnOnce() -> String,
    settings: &Settings,
) -> Option<Arc<EditorContext>> {
    if !loaded_by_an_agent(path, settings) {
        return None;
    }
    let text = text();
    type Cache = Mutex<HashMap<String, (u64, Instant, Option<Arc<EditorContext>>)>>;
    static CACHE: std::sync::OnceLock<Cache> = std::sync::OnceLock::new();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    settings.models.iter().for_each(|m| m.id.hash(&mut h));
    let key = (path.display().to_string(), h.finish());
    let cache = CACHE.get_or_init(Default::default);
    if let Some((hash, at, v)) = cache.lock().unwrap_or_else(|p| p.into_inner()).get(&key.0) {
        if *hash == key.1 && at.elapsed() < FRESH {
            return v.clone();
        }
    }
    let v = compute(path, &text, settings).map(Arc::new);
    let mut c = cache.lock().unwrap_or_else(|p| p.into_inner());
    if c.len() > 64 {
        c.clear();
    }
    c.insert(key.0, (key.1, Instant::now(), v.clone()));
    v
}

fn compute(path: &Path, text: &str, settings: &Settings) -> Option<EditorContext> {
    let (fs, real) = locate(path, settings)?;
    let tree = Overlay {
        inner: &fs,
        real: real.clone(),
        text,
    };
    let models = &settings.models[..1];
    let mut out = EditorContext::default();
    let mut hover_rows = Vec::new();
    for agent in agents::all() {
        // Loading is a few reads; counting is only worth it for agents that load this file.
        let loaded = super::load::load(agent, &tree, "");
        if !loaded.pieces.iter().any(|p| p.real == real) {
            continue;
        }
        let r = report_of(agent, loaded, models);
        let Some(own) = r
            .loaded
            .pieces
            .iter()
            .find(|p| p.real == real && p.synthetic.is_none())
        else {
            continue;
        };
        let mine = piece_tokens(&r, own);
        let imports = imported_by(&r.loaded.pieces, &real);
        let import_tokens: u64 = imports.iter().map(|p| piece_tokens(&r, p)).sum();
        let total = format::tokens(r.always.tokens, r.always.exact());
        let with_imports = if imports.is_empty() {
            String::new()
        } else {
            format!(
                " + {} import{} {}",
                imports.len(),
                if imports.len() == 1 { "" } else { "s" },
                format::thousands(import_tokens)
            )
        };
        let lens = match own.load {
            Load::Always => format!(
                "{} loads {total} tok every session: this file {}{with_imports}",
                agent.name,
                format::thousands(mine)
            ),
            Load::Conditional => format!(
                "{} loads this file {}: {} tok{with_imports} (every session: {total})",
                agent.name,
                own.condition
                    .as_deref()
                    .map_or("conditionally".to_string(), |c| format!("when {c}")),
                format::thousands(mine)
            ),
            Load::OnDemand => {
                let desc = r
                    .loaded
                    .pieces
                    .iter()
                    .position(|p| p.real == real && p.synthetic.is_some())
                    .map(|i| r.files[i].tokens);
                match desc {
                    Some(d) => format!(
                        "{}: {} tok when used ({}); its description {d} tok every session",
                        agent.name,
                        format::thousands(mine),
                        own.via
                    ),
                    None => format!(
                        "{}: {} tok when used ({})",
                        agent.name,
                        format::thousands(mine),
                        own.via
                    ),
                }
            }
        };
        out.lenses.push(lens);
        hover_rows.push([
            agent.name.clone(),
            own.load.label().to_string(),
            format::thousands(mine),
            if imports.is_empty() {
                "—".to_string()
            } else {
                format!("{} ({})", format::thousands(import_tokens), imports.len())
            },
            total,
        ]);
        for p in r
            .loaded
            .pieces
            .iter()
            .filter(|p| p.imported_from.as_ref().is_some_and(|(f, _)| *f == real))
        {
            let (_, at) = p.imported_from.as_ref()?;
            let Some(line_end) = text[at.end..]
                .find('\n')
                .map(|i| at.end + i)
                .or(Some(text.len()))
            else {
                continue;
            };
            let line_end = if text[..line_end].ends_with('\r') {
                line_end - 1
            } else {
                line_end
            };
            if out.hints.iter().any(|h| h.offset == line_end) {
                continue;
            }
            let nested: u64 = imported_by(&r.loaded.pieces, &p.real)
                .iter()
                .map(|q| piece_tokens(&r, q))
                .sum();
            let label = if nested > 0 {
                format!(
                    "{} tok (+{} imported)",
                    format::thousands(piece_tokens(&r, p)),
                    format::thousands(nested)
                )
            } else {
                format!("{} tok", format::thousands(piece_tokens(&r, p)))
            };
            out.hints.push(Hint {
                offset: line_end,
                label,
                tooltip: format!("{} · {} · {}", p.real, agent.name, p.load.label()),
            });
        }
        for pr in r
            .loaded
            .problems
            .iter()
            .filter(|pr| pr.path == real && pr.range.end > 0)
        {
            if out.diagnostics.iter().any(|d| d.range == pr.range) {
                continue;
            }
            out.diagnostics.push(Diag {
                range: pr.range.clone(),
                level: Level::Warning,
                code: "context-import",
                message: format!("{} ({})", pr.message, agent.name),
            });
        }
        for d in &r.duplicates {
            let (range, other, other_line) = if d.path == real {
                (d.range.clone(), &d.also_in, d.also_line)
            } else if d.also_in == real {
                (d.also_range.clone(), &d.path, d.line)
            } else {
                continue;
            };
            if let Some(x) = out
                .diagnostics
                .iter_mut()
                .find(|x| x.range == range && x.code == "context-duplicate")
            {
                x.message.push_str(&format!(", {}", agent.name));
                continue;
            }
            out.diagnostics.push(Diag {
                range,
                level: Level::Information,
                code: "context-duplicate",
                message: format!("This paragraph is also loaded from {other}:{other_line}: {} tokens sent twice in every session of {}", format::thousands(d.tokens), agent.name),
            });
        }
    }
    if out.lenses.is_empty() {
        return None;
    }
    let mut rows = vec![[
        "agent".to_string(),
        "loads this file".into(),
        "this file".into(),
        "imports".into(),
        "every session".into(),
    ]];
    rows.extend(hover_rows);
    // A fixed-width table in a code block, like the prompt hover above it.
    out.hover = format!(
        "**promptcost** · agent context (`{}`, sessions started at the project root)\n\n```text\n{}```\n",
        settings.models[0].id,
        crate::format::table(&rows, &[false, false, true, true, true])
    );
    Some(out)
}
