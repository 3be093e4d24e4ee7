//! Configuration: `promptcost.toml` (found by searching upward), editor settings and command
//! line flags, merged with a documented precedence into one [`Settings`].
//!
//! Precedence, lowest first: built-in defaults < `promptcost.toml` < editor settings that
//! are set (LSP) < command-line flags (`check`, `count`). Invalid configuration is an error
//! naming the file, line, column and key; nothing is silently ignored.

mod context;
mod cost;
mod discover;
mod file;
mod globs;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::GlobSet;
use serde::Deserialize;

use crate::pricing::{Model, PriceTable};

pub use context::ContextSettings;
pub use discover::find_config;
pub use file::{parse_file_config, CodeSection, ConfigError, ContextSection, FileConfig, Number};
pub use globs::DEFAULT_INCLUDE;

pub(crate) const CONFIG_FILE: &str = "promptcost.toml";

/// The default models: a current OpenAI model first (exact counts out of the box), then a
/// current Claude and a current Gemini model.
pub(crate) const DEFAULT_MODELS: [&str; 3] = ["gpt-5.5", "claude-sonnet-4-6", "gemini-3.5-flash"];
pub(crate) const DEFAULT_EXPECTED_OUTPUT_TOKENS: u64 = 500;
pub(crate) const DEFAULT_MAX_FILE_SIZE: u64 = 20 * 1024 * 1024;
pub const DEFAULT_NAME_PATTERN: &str = crate::extract::code::DEFAULT_NAME_PATTERN;

/// Editor or command-line settings: each `Some` overrides the project file.
#[derive(Debug, Default, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct Overrides {
    pub models: Option<Vec<String>>,
    pub budget: Option<u64>,
    pub expected_output_tokens: Option<u64>,
    pub prices_file: Option<String>,
    pub include: Option<Vec<String>>,
    pub exclude: Option<Vec<String>>,
    pub max_file_size: Option<u64>,
    pub code: Option<CodeOverrides>,
    pub log_level: Option<String>,
    /// Exact Claude counts from Anthropic's API (editor setting `claudeApi`; never from a
    /// workspace file: `promptcost.toml` has no such key).
    pub claude_api: Option<bool>,
    /// Calls per day for every prompt (`count --calls-per-day`, editor `callsPerDay`).
    pub calls_per_day: Option<f64>,
    /// Share of cache hits, 0..=1 (`count --cache-hit`, editor `cacheHit`).
    pub cache_hit: Option<f64>,
}

#[derive(Debug, Default, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct CodeOverrides {
    pub enabled: Option<bool>,
    pub name_pattern: Option<String>,
    pub sdk_calls: Option<bool>,
}

impl Overrides {
    /// Editor settings as JSON (`{"models": [...], ...}`); empty lists and nulls mean "not set",
    /// unknown keys are ignored (editors send their own), wrong types are an error.
    pub(crate) fn from_json(value: &serde_json::Value) -> Result<Overrides, ConfigError> {
        let mut o: Overrides = serde_json::from_value(value.clone())
            .map_err(|e| ConfigError::plain(format!("invalid promptcost settings: {e}")))?;
        if o.models.as_ref().is_some_and(Vec::is_empty) {
            o.models = None;
        }
        if o.prices_file.as_ref().is_some_and(String::is_empty) {
            o.prices_file = None;
        }
        Ok(o)
    }
}

/// Everything the engine needs, resolved and validated.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The directory globs are relative to: the config file's directory, else the workspace.
    pub root: PathBuf,
    pub config_path: Option<PathBuf>,
    pub table: PriceTable,
    pub models: ModelSet,
    pub budget: Option<u64>,
    pub budgets: Vec<(String, GlobSet, u64)>,
    pub expected_output_tokens: u64,
    pub include: GlobSet,
    pub exclude: GlobSet,
    pub max_file_size: u64,
    pub code_enabled: bool,
    pub code_name_pattern: String,
    pub code_sdk_calls: bool,
    pub code_rules: Arc<crate::extract::code::CompiledRules>,
    pub context: ContextSettings,
    /// Output, volume, cache, turns and dollar budgets (see `cost/`).
    pub cost: crate::cost::CostConfig,
}

impl Settings {
    /// The path as matched by globs: relative to the root when under it.
    pub(crate) fn rel<'a>(&self, path: &'a Path) -> &'a Path {
        path.strip_prefix(&self.root).unwrap_or(path)
    }

    /// Whether `path` is a prompt file (default globs + `include`, minus `exclude`).
    pub(crate) fn is_prompt_file(&self, path: &Path) -> bool {
        let rel = self.rel(path);
        self.include.is_match(rel) && !self.is_excluded(path)
    }

    pub(crate) fn is_excluded(&self, path: &Path) -> bool {
        self.exclude.is_match(self.rel(path))
    }

    /// The file budget for `path`: the most specific per-glob budget, else the default.
    pub(crate) fn budget_for(&self, path: &Path) -> Option<u64> {
        self.glob_budget_for(path).or(self.budget)
    }

    /// A per-glob budget only (no default budget): what applies to a source file as a whole.
    pub(crate) fn glob_budget_for(&self, path: &Path) -> Option<u64> {
        let rel = self.rel(path);
        self.budgets
            .iter()
            .filter(|(_, set, _)| set.is_match(rel))
            .max_by_key(|(g, _, _)| g.len())
            .map(|(_, _, b)| *b)
    }

    /// The rules for prompts in source code.
    pub(crate) fn code_rules(&self) -> Arc<crate::extract::code::CompiledRules> {
        self.code_rules.clone()
    }

    /// The language of a source file whose literals are scanned for prompts, if any.
    pub(crate) fn code_lang(&self, path: &Path) -> Option<crate::extract::code::Lang> {
        if !self.code_enabled || self.is_excluded(path) {
            return None;
        }
        crate::extract::code::Lang::from_path(self.rel(path))
    }
}

/// The configured models, never empty: the first is the primary model (hints, lenses and
/// budgets without a model of their own are in it). Derefs to the slice of models.
#[derive(Debug, Clone)]
pub struct ModelSet(Vec<Model>);

impl ModelSet {
    /// `None` for an empty list.
    pub fn new(models: Vec<Model>) -> Option<ModelSet> {
        (!models.is_empty()).then_some(ModelSet(models))
    }

    pub fn primary(&self) -> &Model {
        &self.0[0]
    }

    /// The models a prompt is counted in: the configured ones, with the prompt's own model
    /// (directive, front matter, the call; configured or not) first. That first model is the
    /// one its budget is in: the primary model when the prompt has none of its own.
    pub fn for_prompt<'a>(&'a self, own: Option<&'a Model>) -> Vec<&'a Model> {
        let mut models: Vec<&Model> = self.0.iter().collect();
        if let Some(m) = own {
            models.retain(|x| x.id != m.id);
            models.insert(0, m);
        }
        models
    }
}

impl<'a> IntoIterator for &'a ModelSet {
    type Item = &'a Model;
    type IntoIter = std::slice::Iter<'a, Model>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl std::ops::Deref for ModelSet {
    type Target = [Model];
    fn deref(&self) -> &[Model] {
        &self.0
    }
}
