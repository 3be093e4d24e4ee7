//! What one agent loads for a session started in a directory: every file with its load class
//! (always / conditional / on demand), the condition, and how it was reached (`via`); imports
//! followed recursively with the agent's depth limit; cycles, missing targets and caps reported.
//!
//! Owns: applying `data/agents.toml` to a [`Tree`]. Never: counts tokens (see `report.rs`),
//! reads outside the project, or counts one real file (symlink, hard link) twice.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use globset::Glob;
use serde::Serialize;

use super::agents::{Agent, FrontMatter as Fm, Kind, Mode, Source};
use super::markdown::{front_matter, imports};
use super::tree::{join, parent, Tree, TreeError};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Load {
    Always,
    Conditional,
    OnDemand,
}

impl Load {
    pub fn label(self) -> &'static str {
        match self {
            Load::Always => "always",
            Load::Conditional => "conditional",
            Load::OnDemand => "on demand",
        }
    }
}

/// One text an agent loads: a whole file, a file's body, or a description from its front matter.
#[derive(Clone, Debug)]
pub struct Piece {
    /// The path as the agent names it (`CLAUDE.md`), relative to the project root.
    pub path: String,
    /// The real file (`AGENTS.md` when `CLAUDE.md` links to it).
    pub real: String,
    pub load: Load,
    pub via: String,
    pub condition: Option<String>,
    /// The bytes of the real file that are sent.
    pub range: Range<usize>,
    /// Sent text that is not the file's own bytes (a skill's `name: description`).
    pub synthetic: Option<String>,
    /// For an import: the importing real file and the `@path` range in it.
    pub imported_from: Option<(String, Range<usize>)>,
    /// Other paths that reach the same text (symlinks, repeated imports): counted once.
    pub aliases: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProblemKind {
    BrokenImport,
    ImportCycle,
    ImportTooDeep,
    OutsideProject,
    Truncated,
    Unreadable,
}

#[derive(Clone, Debug)]
pub struct Problem {
    pub kind: ProblemKind,
    /// The real file the problem is in, and where.
    pub path: String,
    pub range: Range<usize>,
    pub message: String,
}

/// What an agent loads.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub pieces: Vec<Piece>,
    pub problems: Vec<Problem>,
    /// The text of every real file read.
    pub texts: HashMap<String, Arc<String>>,
}

impl Piece {
    pub fn text<'a>(&'a self, texts: &'a HashMap<String, Arc<String>>) -> &'a str {
        match &self.synthetic {
            Some(s) => s,
            None => texts.get(&self.real).map_or("", |t| &t[self.range.clone()]),
        }
    }
}

/// Whether `dir` is `start` or one of its ancestors (`""` is the root).
fn is_ancestor(dir: &str, start: &str) -> bool {
    dir.is_empty() || start == dir || start.starts_with(&format!("{dir}/"))
}

fn is_below(dir: &str, start: &str) -> bool {
    dir != start && (start.is_empty() || dir.starts_with(&format!("{start}/")))
}

/// The memory file names of an agent (a setting such as Gemini's `context.fileName` replaces them).
fn memory_names(agent: &Agent, src: &Source, tree: &dyn Tree) -> Vec<String> {
    if let Some((file, key)) = agent
        .names_setting
        .as_deref()
        .and_then(|s| s.split_once('#'))
    {
        let value = tree
            .resolve(file)
            .ok()
            .and_then(|r| tree.read(&r.real).ok())
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            .and_then(|v| key.split('.').try_fold(v, |v, k| v.get(k).cloned()));
        match value {
            Some(serde_json::Value::String(s)) => return vec![s],
            Some(serde_json::Value::Array(a)) => {
                let v: Vec<String> = a
                    .iter()
                    .filter_map(|x| x.as_str().map(String::from))
                    .collect();
                if !v.is_empty() {
                    return v;
                }
            }
            _ => {}
        }
    }
    src.names.clone()
}

struct Loader<'t> {
    agent: &'static Agent,
    tree: &'t dyn Tree,
    start: String,
    /// Only what loads in every session (what `check` budgets): nested files are not read.
    always_only: bool,
    out: Loaded,
}

impl Loader<'_> {
    fn text(&mut self, real: &str) -> Result<Arc<String>, TreeError> {
        if let Some(t) = self.out.texts.get(real) {
            return Ok(t.clone());
        }
        let t = Arc::new(self.tree.read(real)?);
        self.out.texts.insert(real.to_string(), t.clone());
        Ok(t)
    }

    fn problem(&mut self, kind: ProblemKind, path: &str, range: Range<usize>, message: String) {
        self.out.problems.push(Problem {
            kind,
            path: path.to_string(),
            range,
            message,
        });
    }

    /// A file found by a source: resolved, read, its sent part.
    fn candidate(&mut self, src: &Source, named: &str) -> Option<(String, Arc<String>, usize)> {
        let r = match self.tree.resolve(named) {
            Ok(r) => r,
            Err(TreeError::Missing) => return None,
            Err(e) => {
                self.problem(
                    ProblemKind::OutsideProject,
                    named,
                    0..0,
                    format!("{named}: {e}; not counted"),
                );
                return None;
            }
        };
        let text = match self.text(&r.real) {
            Ok(t) => t,
            Err(e) => {
                self.problem(
                    ProblemKind::Unreadable,
                    &r.real,
                    0..0,
                    format!("{named}: {e}; not counted"),
                );
                return None;
            }
        };
        let body = if src.front_matter == Fm::Strip {
            front_matter(&text).end
        } else {
            0
        };
        Some((r.real, text, body))
    }

    fn piece(
        &self,
        path: &str,
        real: &str,
        load: Load,
        via: String,
        condition: Option<String>,
        range: Range<usize>,
    ) -> Piece {
        Piece {
            path: path.to_string(),
            real: real.to_string(),
            load,
            via,
            condition,
            range,
            synthetic: None,
            imported_from: None,
            aliases: Vec::new(),
        }
    }

    fn memory(&mut self, src: &Source, found: &mut Vec<Piece>) {
        let names = memory_names(self.agent, src, self.tree);
        // Root down to the start directory: every session.
        let mut dirs = vec![String::new()];
        let mut acc = String::new();
        for part in self.start.split('/').filter(|p| !p.is_empty()) {
            acc = join(&acc, part);
            dirs.push(acc.clone());
        }
        for dir in &dirs {
            for name in &names {
                let named = join(dir, name);
                let Some((real, text, body)) = self.candidate(src, &named) else {
                    continue;
                };
                if src.skip_empty && text[body..].trim().is_empty() {
                    continue;
                }
                let via = if dir.is_empty() {
                    "memory file at the project root".to_string()
                } else {
                    format!("memory file in {dir}/ (on the way to the start directory)")
                };
                found.push(self.piece(&named, &real, Load::Always, via, None, body..text.len()));
                if src.one_per_dir {
                    break;
                }
            }
        }
        // Further down: when the agent works there.
        if self.always_only {
            return;
        }
        let files: Vec<String> = self.tree.files().to_vec();
        let mut nested: Vec<(String, String)> = Vec::new();
        for f in &files {
            for name in &names {
                let dir = if f == name {
                    Some(String::new())
                } else {
                    f.strip_suffix(name.as_str())
                        .and_then(|d| d.strip_suffix('/'))
                        .map(String::from)
                };
                if let Some(dir) = dir.filter(|d| is_below(d, &self.start)) {
                    nested.push((dir, f.clone()));
                }
            }
        }
        let mut taken_dirs: Vec<String> = Vec::new();
        for (dir, named) in nested {
            if src.one_per_dir && taken_dirs.contains(&dir) {
                continue;
            }
            let Some((real, text, body)) = self.candidate(src, &named) else {
                continue;
            };
            if src.skip_empty && text[body..].trim().is_empty() {
                continue;
            }
            taken_dirs.push(dir.clone());
            let cond = src
                .nested
                .as_deref()
                .unwrap_or("working in {dir}/")
                .replace("{dir}", &dir);
            found.push(self.piece(
                &named,
                &real,
                Load::Conditional,
                "memory file in a subfolder".into(),
                Some(cond),
                body..text.len(),
            ));
        }
    }

    fn rules(&mut self, src: &Source, found: &mut Vec<Piece>) {
        let glob = src.glob.as_deref().unwrap_or_default();
        let Ok(g) = Glob::new(glob) else { return };
        let m = g.compile_matcher();
        // The folder that holds the rule directory (`.cursor`, `.claude`, `.github`).
        let anchor = glob
            .split('/')
            .find(|p| *p != "**")
            .unwrap_or("")
            .to_string();
        let files: Vec<String> = self
            .tree
            .files()
            .iter()
            .filter(|f| m.is_match(f.as_str()))
            .cloned()
            .collect();
        for named in files {
            let home = if named.starts_with(&format!("{anchor}/")) {
                String::new()
            } else {
                match named.find(&format!("/{anchor}/")) {
                    Some(i) => named[..i].to_string(),
                    None => continue,
                }
            };
            let place = if is_ancestor(&home, &self.start) {
                None
            } else if is_below(&home, &self.start) {
                Some(format!("working in {home}/"))
            } else {
                continue;
            };
            let Some((real, text, body)) = self.candidate(src, &named) else {
                continue;
            };
            let fm = front_matter(&text);
            let both = |c: String| {
                Some(match &place {
                    Some(p) => format!("{p}, {c}"),
                    None => c,
                })
            };
            if src.kind == Kind::Skills {
                let name = fm
                    .get("name")
                    .map(|v| v.text())
                    .unwrap_or_else(|| parent(&named).rsplit('/').next().unwrap_or("").to_string());
                let desc = fm.get("description").map(|v| v.text()).unwrap_or_default();
                let load = if place.is_some() {
                    Load::Conditional
                } else {
                    Load::Always
                };
                let mut p = self.piece(
                    &named,
                    &real,
                    load,
                    "skill name and description (front matter)".into(),
                    place.clone(),
                    0..fm.end,
                );
                p.synthetic = Some(format!("{name}: {desc}"));
                found.push(p);
                found.push(self.piece(
                    &named,
                    &real,
                    Load::OnDemand,
                    "skill body, loaded when the skill is used".into(),
                    place.clone(),
                    body..text.len(),
                ));
                continue;
            }
            let whole = body..text.len();
            let globs = |k: &str| fm.get(k).map(|v| v.text());
            let (load, via, cond) = match src.mode {
                Some(Mode::Paths) => match globs("paths") {
                    Some(p) => (
                        Load::Conditional,
                        "rule scoped by paths: front matter".to_string(),
                        both(format!("files matching {p}")),
                    ),
                    None => (
                        Load::Always,
                        "rule without paths: loads every session".to_string(),
                        place.clone(),
                    ),
                },
                Some(Mode::ApplyTo) => match fm.get("applyTo") {
                    Some(v) if v.items.iter().any(|g| g == "**" || g == "**/*") => (
                        Load::Always,
                        "instructions with applyTo: **".to_string(),
                        place.clone(),
                    ),
                    Some(v) => (
                        Load::Conditional,
                        "instructions scoped by applyTo".to_string(),
                        both(format!("files matching {}", v.text())),
                    ),
                    None => (
                        Load::OnDemand,
                        "instructions without applyTo: attached by hand".to_string(),
                        place.clone(),
                    ),
                },
                Some(Mode::Cursor) => {
                    if fm.get("alwaysApply").is_some_and(|v| v.is_true()) {
                        (
                            Load::Always,
                            "rule with alwaysApply: true".to_string(),
                            place.clone(),
                        )
                    } else if let Some(g) = globs("globs") {
                        (
                            Load::Conditional,
                            "rule auto-attached by globs".to_string(),
                            both(format!("files matching {g}")),
                        )
                    } else if let Some(d) = fm.get("description") {
                        let load = if place.is_some() {
                            Load::Conditional
                        } else {
                            Load::Always
                        };
                        let mut p = self.piece(
                            &named,
                            &real,
                            load,
                            "rule description: the agent decides whether to load the rule".into(),
                            place.clone(),
                            d.range.clone(),
                        );
                        p.synthetic = Some(d.text());
                        found.push(p);
                        (
                            Load::OnDemand,
                            "rule requested by the agent (from its description)".to_string(),
                            place.clone(),
                        )
                    } else {
                        (
                            Load::OnDemand,
                            "manual rule: loads when @-mentioned".to_string(),
                            place.clone(),
                        )
                    }
                }
                None => continue,
            };
            let load = if place.is_some() && load == Load::Always {
                Load::Conditional
            } else {
                load
            };
            found.push(self.piece(&named, &real, load, via, cond, whole));
        }
    }

    /// Adds `p` (unless its text is already loaded) and, for agents that import, what it imports.
    fn add(
        &mut self,
        p: Piece,
        seen: &mut HashMap<(String, usize), usize>,
        chain: &mut Vec<String>,
    ) {
        let key = (p.real.clone(), p.range.start);
        if let Some(&i) = seen.get(&key) {
            let path = p.path.clone();
            if !self.out.pieces[i].aliases.contains(&path) && self.out.pieces[i].path != path {
                self.out.pieces[i].aliases.push(path);
            }
            return;
        }
        seen.insert(key, self.out.pieces.len());
        // Skill bodies are read as instructions, not memory: their `@` are not imports.
        let expand = self.agent.imports && p.synthetic.is_none() && !p.via.starts_with("skill");
        let (real, from, load, cond) = (p.real.clone(), p.range.start, p.load, p.condition.clone());
        self.out.pieces.push(p);
        if !expand {
            return;
        }
        let Some(text) = self.out.texts.get(&real).cloned() else {
            return;
        };
        chain.push(real.clone());
        for imp in imports(&text, from) {
            let target_named = if imp.path.starts_with("~/") {
                self.problem(
                    ProblemKind::OutsideProject,
                    &real,
                    imp.range.clone(),
                    format!(
                        "@{}: in the home directory, outside the project; not counted",
                        imp.path
                    ),
                );
                continue;
            } else if imp.path.starts_with('/') {
                self.problem(
                    ProblemKind::OutsideProject,
                    &real,
                    imp.range.clone(),
                    format!(
                        "@{}: an absolute path, outside the project; not counted",
                        imp.path
                    ),
                );
                continue;
            } else {
                match super::tree::normalize(&join(parent(&real), &imp.path)) {
                    Some(p) => p,
                    None => {
                        self.problem(
                            ProblemKind::OutsideProject,
                            &real,
                            imp.range.clone(),
                            format!("@{}: outside the project; not counted", imp.path),
                        );
                        continue;
                    }
                }
            };
            let r = match self.tree.resolve(&target_named) {
                Ok(r) => r,
                Err(TreeError::Missing) => {
                    self.problem(
                        ProblemKind::BrokenImport,
                        &real,
                        imp.range.clone(),
                        format!("@{}: no such file ({target_named})", imp.path),
                    );
                    continue;
                }
                Err(e) => {
                    self.problem(
                        ProblemKind::OutsideProject,
                        &real,
                        imp.range.clone(),
                        format!("@{}: {e}; not counted", imp.path),
                    );
                    continue;
                }
            };
            if let Some(at) = chain.iter().position(|c| *c == r.real) {
                let cycle: Vec<&str> = chain[at..]
                    .iter()
                    .map(String::as_str)
                    .chain(std::iter::once(r.real.as_str()))
                    .collect();
                self.problem(
                    ProblemKind::ImportCycle,
                    &real,
                    imp.range.clone(),
                    format!("import cycle: {}; loaded once", cycle.join(" → ")),
                );
                continue;
            }
            if chain.len() > self.agent.import_depth {
                self.problem(
                    ProblemKind::ImportTooDeep,
                    &real,
                    imp.range.clone(),
                    format!(
                        "@{}: not loaded, {} allows {} levels of imports",
                        imp.path, self.agent.name, self.agent.import_depth
                    ),
                );
                continue;
            }
            let text = match self.text(&r.real) {
                Ok(t) => t,
                Err(e) => {
                    self.problem(
                        ProblemKind::Unreadable,
                        &real,
                        imp.range.clone(),
                        format!("@{}: {e}; not counted", imp.path),
                    );
                    continue;
                }
            };
            let via = format!("@{} in {}", imp.path, real);
            let mut piece = self.piece(
                &target_named,
                &r.real,
                load,
                via,
                cond.clone(),
                0..text.len(),
            );
            piece.imported_from = Some((real.clone(), imp.range.clone()));
            self.add(piece, seen, chain);
        }
        chain.pop();
    }

    /// Codex: the combined bytes of the always-loaded memory files stop at `max_bytes`.
    fn cap(&mut self) {
        let Some(max) = self.agent.max_bytes else {
            return;
        };
        let mut used = 0usize;
        let mut problems = Vec::new();
        for p in self
            .out
            .pieces
            .iter_mut()
            .filter(|p| p.load == Load::Always)
        {
            let len = p.range.len();
            if used >= max {
                problems.push((
                    p.real.clone(),
                    format!(
                        "{}: not loaded, {} bytes already reached project_doc_max_bytes ({max})",
                        p.path, used
                    ),
                ));
                p.range.end = p.range.start;
                p.via.push_str(" (not loaded: byte cap reached)");
            } else if used + len > max {
                let text = self
                    .out
                    .texts
                    .get(&p.real)
                    .map(|t| t.as_str())
                    .unwrap_or("");
                let mut end = p.range.start + (max - used);
                while end > p.range.start && !text.is_char_boundary(end) {
                    end -= 1;
                }
                problems.push((
                    p.real.clone(),
                    format!(
                        "{}: only the first {} of {len} bytes load (project_doc_max_bytes {max})",
                        p.path,
                        end - p.range.start
                    ),
                ));
                p.range.end = end;
                p.via.push_str(" (truncated at the byte cap)");
                used = max;
            } else {
                used += len;
            }
        }
        for (path, m) in problems {
            self.problem(ProblemKind::Truncated, &path, 0..0, m);
        }
    }
}

/// What `agent` loads in a session started in `start` (`""`: the project root).
pub fn load(agent: &'static Agent, tree: &dyn Tree, start: &str) -> Loaded {
    load_with(agent, tree, start, false)
}

/// Only what `agent` loads in every session started in `start`.
pub fn load_always(agent: &'static Agent, tree: &dyn Tree, start: &str) -> Loaded {
    load_with(agent, tree, start, true)
}

fn load_with(agent: &'static Agent, tree: &dyn Tree, start: &str, always_only: bool) -> Loaded {
    let mut l = Loader {
        agent,
        tree,
        start: start.trim_matches('/').to_string(),
        always_only,
        out: Loaded {
            pieces: Vec::new(),
            problems: Vec::new(),
            texts: HashMap::new(),
        },
    };
    let mut found = Vec::new();
    for src in &agent.sources {
        match src.kind {
            Kind::Memory => l.memory(src, &mut found),
            Kind::File => {
                let path = src.path.clone().unwrap_or_default();
                if let Some((real, text, body)) = l.candidate(src, &path) {
                    found.push(l.piece(
                        &path,
                        &real,
                        Load::Always,
                        "loaded every session".into(),
                        None,
                        body..text.len(),
                    ));
                }
            }
            Kind::Rules | Kind::Skills => l.rules(src, &mut found),
        }
    }
    // Always first, so a file reached both ways counts where it costs most.
    found.sort_by_key(|p| p.load);
    if always_only {
        found.retain(|p| p.load == Load::Always);
    }
    let mut seen = HashMap::new();
    for p in found {
        l.add(p, &mut seen, &mut Vec::new());
    }
    l.cap();
    l.out
        .problems
        .sort_by(|a, b| (&a.path, a.range.start).cmp(&(&b.path, b.range.start)));
    l.out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::agents::find;
    use crate::context::tree::FsTree;

    fn tree(files: &[(&str, &str)]) -> (tempfile::TempDir, FsTree) {
        let d = tempfile::tempdir().unwrap();
        for (p, t) in files {
            let p = d.path().join(p);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, t).unwrap();
        }
        let t = FsTree::new(d.path(), 1 << 20);
        (d, t)
    }

    fn classes(l: &Loaded) -> Vec<(String, Load, Option<String>)> {
        l.pieces
            .iter()
            .map(|p| (p.path.clone(), p.load, p.condition.clone()))
            .collect()
    }

    #[test]
    fn nested_rule_folders_load_when_working_there() {
        let (_d, t) = tree(&[
            ("a/.cursor/rules/x.mdc", "---\nalwaysApply: true\n---\nX\n"),
            ("a/b/.cursor/rules/y.mdc", "---\nglobs: **/*.ts\n---\nY\n"),
            ("c/.cursor/rules/z.mdc", "---\nalwaysApply: true\n---\nZ\n"),
        ]);
        let cursor = find("cursor").unwrap();
        // From the root: both nested folders are below, so conditional.
        let l = load(cursor, &t, "");
        assert!(
            classes(&l).contains(&(
                "a/.cursor/rules/x.mdc".into(),
                Load::Conditional,
                Some("working in a/".into())
            )),
            "{:?}",
            classes(&l)
        );
        assert!(classes(&l).contains(&(
            "a/b/.cursor/rules/y.mdc".into(),
            Load::Conditional,
            Some("working in a/b/, files matching **/*.ts".into())
        )));
        // A session in a/: its own rules always, a/b's when working there, c's never.
        let l = load(cursor, &t, "a");
        let c = classes(&l);
        assert!(
            c.contains(&("a/.cursor/rules/x.mdc".into(), Load::Always, None)),
            "{c:?}"
        );
        assert!(c
            .iter()
            .any(|(p, l, _)| p == "a/b/.cursor/rules/y.mdc" && *l == Load::Conditional));
        assert!(!c.iter().any(|(p, _, _)| p.starts_with("c/")), "{c:?}");
        // check budgets only what loads every session, and reads nothing else.
        let l = load_always(cursor, &t, "a");
        assert_eq!(
            classes(&l),
            [("a/.cursor/rules/x.mdc".to_string(), Load::Always, None)]
        );
    }

    #[test]
    fn a_file_reached_twice_is_one_piece_with_an_alias() {
        let (_d, t) = tree(&[
            ("CLAUDE.md", "@docs/a.md\n@docs/b.md\n"),
            ("docs/a.md", "A @b.md\n"),
            ("docs/b.md", "B\n"),
        ]);
        let l = load(find("claude").unwrap(), &t, "");
        let paths: Vec<&str> = l.pieces.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, ["CLAUDE.md", "docs/a.md", "docs/b.md"]);
        assert!(
            l.problems.is_empty(),
            "a diamond is not a cycle: {:?}",
            l.problems
        );
        assert_eq!(l.pieces[2].via, "@b.md in docs/a.md");
    }
}
