//! `check --cache DIR`: each file's result (its analysis and what the report needs of the
//! document) stored under a key that hashes (XXH3, 128 bits) everything the result depends
//! on: the promptcost version, the models with their tokenizers and prices, the settings
//! that shape an analysis, the file's path from the settings' root and its bytes. A re-run
//! reads a file, hashes it and loads its entry instead of parsing and counting it.
//!
//! Safe to share between CI runs and jobs: an entry is written to a temporary file and
//! renamed into place (readers see a whole entry or none); an entry that does not parse,
//! names another key or version, or holds a value this version cannot have is ignored and
//! recomputed, never trusted. Entries are never deleted (a CI cache is replaced as a whole).
//!
//! Owns: keys, the entry format (owned serde twins of the core types; a count and a cost in
//! `wire.rs`'s shapes), reads and writes.
//! Never: decides what a file's result is.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::{Deserialize, Serialize};

use super::report::LineCol;
use super::walk::Facts;
use crate::config::Settings;
use crate::cost::report::PromptCost;
use crate::document::{Analysis, ModelCount, Problem, Prompt, PromptKind, Severity};
use crate::wire::{ModelCountJson, PromptCostJson};

/// The entry format's version (part of every key).
const FORMAT: &str = "promptcost check cache 2";

/// A cache directory and the key part every entry of this run shares.
pub(crate) struct Cache {
    dir: PathBuf,
    /// The hash of the version and settings.
    salt: u128,
    pub hits: AtomicUsize,
    pub misses: AtomicUsize,
}

/// What a file's result is: `None` for a source file without prompts.
pub(crate) type Cached = Option<(Analysis, Facts)>;

impl Cache {
    pub(crate) fn new(dir: &Path, settings: &Settings) -> Cache {
        // Everything of the settings an analysis or a cost reads (Debug output: vectors and
        // glob sets print in a fixed order; the price table's index map is left out, its
        // models are in).
        let fingerprint = format!(
            "{FORMAT}\n{}\n{:?}\n{:?}",
            env!("CARGO_PKG_VERSION"),
            (
                &settings.table.snapshot_date,
                settings.table.models(),
                &*settings.models,
                settings.budget,
                &settings.budgets,
                settings.expected_output_tokens,
            ),
            (
                (&settings.include, &settings.exclude),
                settings.max_file_size,
                settings.code_enabled,
                &settings.code_name_pattern,
                settings.code_sdk_calls,
                &settings.code_rules,
                &settings.cost,
            )
        );
        Cache {
            dir: dir.to_path_buf(),
            salt: twox_hash::XxHash3_128::oneshot(fingerprint.as_bytes()),
            hits: AtomicUsize::new(0),
            misses: AtomicUsize::new(0),
        }
    }

    /// The key of the file at `rel` (from the settings' root) with this text.
    pub(crate) fn key(&self, rel: &str, text: &str) -> u128 {
        let mut h = twox_hash::XxHash3_128::new();
        h.write(&self.salt.to_le_bytes());
        h.write(&(rel.len() as u64).to_le_bytes());
        h.write(rel.as_bytes());
        h.write(text.as_bytes());
        h.finish_128()
    }

    fn path(&self, key: u128) -> PathBuf {
        let hex = format!("{key:032x}");
        self.dir.join(&hex[..2]).join(&hex[2..])
    }

    /// The stored result, if there is a sound entry for `key`.
    pub(crate) fn get(&self, key: u128) -> Option<Cached> {
        let found = std::fs::read(self.path(key))
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Entry>(&bytes).ok())
            .filter(|e| e.key == format!("{key:032x}") && e.version == env!("CARGO_PKG_VERSION"))
            .and_then(|e| match e.result {
                None => Some(None),
                Some((a, f)) => {
                    let (a, f) = (a.into_core()?, f.into_core());
                    let prompts = 1 + a.parts.len();
                    let sound = f.prompts.len() == prompts
                        && f.costs.len() == prompts
                        && f.problems.len() == a.problems.len();
                    sound.then_some(Some((a, f)))
                }
            });
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    /// Stores a result (best effort: a cache that cannot be written is no cache).
    pub(crate) fn put(&self, key: u128, result: Option<(&Analysis, &Facts)>) {
        let entry = Entry {
            key: format!("{key:032x}"),
            version: env!("CARGO_PKG_VERSION").to_string(),
            result: result.map(|(a, f)| (AnalysisC::of(a), FactsC::of(f))),
        };
        let Ok(bytes) = serde_json::to_vec(&entry) else {
            return;
        };
        let path = self.path(key);
        let Some(dir) = path.parent() else { return };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        // A temporary file beside the entry (unique to this process and write), renamed
        // into place: atomic on one file system.
        static WRITES: AtomicUsize = AtomicUsize::new(0);
        let tmp = dir.join(format!(
            ".tmp-{}-{}",
            std::process::id(),
            WRITES.fetch_add(1, Ordering::Relaxed)
        ));
        let written = std::fs::File::create(&tmp).and_then(|mut f| f.write_all(&bytes));
        if written.is_err() || std::fs::rename(&tmp, &path).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}

/// The result for the file at `path` with `text`: from the cache when it has a sound
/// entry, else computed by `compute` (and stored). Without a cache, computed.
pub(crate) fn cached(
    cache: Option<&Cache>,
    settings: &Settings,
    path: &Path,
    text: &str,
    compute: impl FnOnce(&str) -> Cached,
) -> Cached {
    let Some(c) = cache else {
        return compute(text);
    };
    let key = c.key(
        &settings.rel(path).to_string_lossy().replace('\\', "/"),
        text,
    );
    if let Some(hit) = c.get(key) {
        return hit;
    }
    let result = compute(text);
    c.put(key, result.as_ref().map(|(a, f)| (a, f)));
    result
}

#[derive(Serialize, Deserialize)]
struct Entry {
    key: String,
    version: String,
    result: Option<(AnalysisC, FactsC)>,
}

#[derive(Serialize, Deserialize)]
struct AnalysisC {
    file: PromptC,
    parts: Vec<PromptC>,
    problems: Vec<ProblemC>,
    ignored: bool,
}

#[derive(Serialize, Deserialize)]
struct PromptC {
    kind: u8,
    name: String,
    range: (usize, usize),
    hint_at: usize,
    budget: Option<u64>,
    budget_model: String,
    counts: Vec<ModelCountJson>,
    placeholders: Vec<String>,
}

#[derive(Serialize, Deserialize)]
struct ProblemC {
    range: (usize, usize),
    severity: u8,
    message: String,
    code: String,
}

/// (line, column).
type Pos = (usize, usize);

#[derive(Serialize, Deserialize)]
struct FactsC {
    /// Start, end (line, column), placeholders.
    prompts: Vec<(Pos, Pos, usize)>,
    problems: Vec<(Pos, Pos)>,
    costs: Vec<Option<CostC>>,
}

/// A prompt's cost as `check --format json` writes it, and what only the deciding check
/// reads (the worst case of an output range).
#[derive(Serialize, Deserialize)]
struct CostC {
    #[serde(flatten)]
    cost: PromptCostJson,
    worst_per_call: Option<f64>,
    worst_monthly: Option<f64>,
}

const KINDS: [PromptKind; 4] = [
    PromptKind::File,
    PromptKind::Section,
    PromptKind::Message,
    PromptKind::Literal,
];
const SEVERITIES: [Severity; 3] = [Severity::Error, Severity::Warning, Severity::Information];
/// Every `Problem::code` an analysis can hold (another is a foreign entry).
const CODES: [&str; 4] = ["budget", "context-window", "directive", "model"];

fn index_of<T: PartialEq>(all: &[T], x: &T) -> u8 {
    all.iter().position(|y| y == x).unwrap_or(u8::MAX as usize) as u8
}

impl AnalysisC {
    fn of(a: &Analysis) -> AnalysisC {
        AnalysisC {
            file: PromptC::of(&a.file),
            parts: a.parts.iter().map(PromptC::of).collect(),
            problems: a
                .problems
                .iter()
                .map(|p| ProblemC {
                    range: (p.range.start, p.range.end),
                    severity: index_of(&SEVERITIES, &p.severity),
                    message: p.message.clone(),
                    code: p.code.to_string(),
                })
                .collect(),
            ignored: a.ignored,
        }
    }

    fn into_core(self) -> Option<Analysis> {
        Some(Analysis {
            file: self.file.into_core()?,
            parts: self
                .parts
                .into_iter()
                .map(PromptC::into_core)
                .collect::<Option<_>>()?,
            problems: self
                .problems
                .into_iter()
                .map(|p| {
                    Some(Problem {
                        range: p.range.0..p.range.1,
                        severity: *SEVERITIES.get(p.severity as usize)?,
                        message: p.message,
                        code: CODES.iter().find(|c| **c == p.code)?,
                    })
                })
                .collect::<Option<_>>()?,
            ignored: self.ignored,
        })
    }
}

impl PromptC {
    fn of(p: &Prompt) -> PromptC {
        PromptC {
            kind: index_of(&KINDS, &p.kind),
            name: p.name.clone(),
            range: (p.range.start, p.range.end),
            hint_at: p.hint_at,
            budget: p.budget,
            budget_model: p.budget_model.clone(),
            counts: p.counts.iter().map(ModelCountJson::from).collect(),
            placeholders: p.placeholders.clone(),
        }
    }

    fn into_core(self) -> Option<Prompt> {
        // A prompt is counted in at least one model (`budget_count` relies on it).
        if self.counts.is_empty() {
            return None;
        }
        Some(Prompt {
            kind: *KINDS.get(self.kind as usize)?,
            name: self.name,
            range: self.range.0..self.range.1,
            hint_at: self.hint_at,
            budget: self.budget,
            budget_model: self.budget_model,
            counts: self.counts.into_iter().map(ModelCount::from).collect(),
            placeholders: self.placeholders,
        })
    }
}

fn lc(p: LineCol) -> Pos {
    (p.line, p.column)
}

fn un_lc((line, column): Pos) -> LineCol {
    LineCol { line, column }
}

impl FactsC {
    fn of(f: &Facts) -> FactsC {
        FactsC {
            prompts: f
                .prompts
                .iter()
                .map(|&(s, e, n)| (lc(s), lc(e), n))
                .collect(),
            problems: f.problems.iter().map(|&(s, e)| (lc(s), lc(e))).collect(),
            costs: f
                .costs
                .iter()
                .map(|c| {
                    c.as_ref().map(|c| CostC {
                        cost: PromptCostJson::from(c),
                        worst_per_call: c.worst_per_call,
                        worst_monthly: c.worst_monthly,
                    })
                })
                .collect(),
        }
    }

    fn into_core(self) -> Facts {
        Facts {
            prompts: self
                .prompts
                .into_iter()
                .map(|(s, e, n)| (un_lc(s), un_lc(e), n))
                .collect(),
            problems: self
                .problems
                .into_iter()
                .map(|(s, e)| (un_lc(s), un_lc(e)))
                .collect(),
            costs: self
                .costs
                .into_iter()
                .map(|c| {
                    c.map(|c| PromptCost {
                        // A cached result is the file's own; the base is compared afresh.
                        base_per_call_usd: None,
                        monthly_change_usd: None,
                        worst_per_call: c.worst_per_call,
                        worst_monthly: c.worst_monthly,
                        ..PromptCost::from(c.cost)
                    })
                })
                .collect(),
        }
    }
}
