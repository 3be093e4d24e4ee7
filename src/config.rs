//! Configuration: `promptcost.toml` (found by searching upward), editor settings and command
//! line flags, merged with a documented precedence into one [`Settings`].
//!
//! Precedence, lowest first: built-in defaults < `promptcost.toml` < editor settings that
//! are set (LSP) < command-line flags (`check`, `count`). Invalid configuration is an error
//! naming the file, line, column and key; nothing is silently ignored.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use crate::pricing::{Model, PriceTable};

pub const CONFIG_FILE: &str = "promptcost.toml";

/// The default models: a current OpenAI model first (exact counts out of the box), then a
/// current Claude and a current Gemini model.
pub const DEFAULT_MODELS: [&str; 3] = ["gpt-5.5", "claude-sonnet-4-6", "gemini-3.5-flash"];
pub const DEFAULT_EXPECTED_OUTPUT_TOKENS: u64 = 500;
pub const DEFAULT_MAX_FILE_SIZE: u64 = 20 * 1024 * 1024;
pub const DEFAULT_NAME_PATTERN: &str = crate::extract::code::DEFAULT_NAME_PATTERN;

/// Prompt files recognised by default (matched against the path relative to the root).
pub const DEFAULT_INCLUDE: &[&str] = &[
    "**/*.prompt",
    "**/*.prompty",
    "**/*.prompt.md",
    "**/*.instructions.md",
    "**/*.chatmode.md",
    "**/*.mdc",
    "**/prompts/**/*.{md,txt,j2,jinja,jinja2,hbs,mustache,prompt,prompty}",
    // Jinja prompt templates (`templates/*.jinja`; `.j2` alone is also Ansible's) and agent skills
    "**/*.jinja",
    "**/SKILL.md",
    "**/AGENTS.md",
    "**/CLAUDE.md",
    "**/GEMINI.md",
    "**/.github/copilot-instructions.md",
    "**/.cursorrules",
];

/// `promptcost.toml` as written. Every key is documented in the README.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub models: Option<Spanned<Vec<Spanned<String>>>>,
    pub budget: Option<Spanned<u64>>,
    pub expected_output_tokens: Option<u64>,
    pub prices: Option<Spanned<String>>,
    pub include: Option<Vec<Spanned<String>>>,
    pub exclude: Option<Vec<Spanned<String>>>,
    /// Per-glob budgets: `"prompts/**" = 1500`.
    pub budgets: Option<BTreeMap<String, Spanned<u64>>>,
    pub max_file_size: Option<u64>,
    pub code: Option<CodeSection>,
    /// Reasoning tokens expected per call, priced as output.
    pub expected_reasoning_tokens: Option<u64>,
    /// Share of calls that find the static prefix cached: `0.8` or `"80%"`.
    pub cache_hit: Option<Spanned<Number>>,
    /// Anthropic cache writes: `"5m"` (default) or `"1h"`.
    pub cache_ttl: Option<Spanned<String>>,
    /// Conversation turns for chat prompts.
    pub turns: Option<Spanned<u64>>,
    /// Dollar budget per call for every prompt file.
    pub budget_usd: Option<Spanned<Number>>,
    /// A file of API usage records (JSON lines) whose averages are the expected output.
    pub usage: Option<Spanned<String>>,
    /// Calls per day per glob: `"prompts/support/**" = 10000`.
    pub volume: Option<BTreeMap<String, Spanned<Number>>>,
    /// Dollar budget per month per glob.
    pub monthly_budget_usd: Option<BTreeMap<String, Spanned<Number>>>,
    pub context: Option<ContextSection>,
}

/// A number as TOML writes it (integer or float), or a string such as `"80%"`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum Number {
    Int(i64),
    Float(f64),
    Text(String),
}

impl Number {
    fn as_f64(&self) -> Option<f64> {
        match self {
            Number::Int(i) => Some(*i as f64),
            Number::Float(f) => Some(*f),
            Number::Text(t) => t
                .replace(['_', ','], "")
                .trim_start_matches('$')
                .parse()
                .ok(),
        }
    }
}

/// `[context]`: budgets for what coding agents load into every session (see README "Agent context").
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContextSection {
    /// Tokens (budget model) each agent's always-loaded context may have.
    pub budget: Option<Spanned<u64>>,
    /// Per agent, by id or alias: `claude-code = 12000`.
    pub budgets: Option<BTreeMap<String, Spanned<u64>>>,
    /// The agents `check` reports (default: every agent that loads something).
    pub agents: Option<Vec<Spanned<String>>>,
}

/// `[context]`, validated: agent names resolved to their ids.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContextSettings {
    pub budget: Option<u64>,
    pub budgets: Vec<(String, u64)>,
    pub agents: Option<Vec<String>>,
}

impl ContextSettings {
    /// The budget of an agent's always-loaded context: its own, else the default.
    pub fn budget_for(&self, agent_id: &str) -> Option<u64> {
        self.budgets
            .iter()
            .find(|(a, _)| a == agent_id)
            .map(|(_, b)| *b)
            .or(self.budget)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeSection {
    pub enabled: Option<bool>,
    pub name_pattern: Option<Spanned<String>>,
    pub sdk_calls: Option<bool>,
}

/// A configuration error, located in its file where possible.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigError {
    pub path: Option<PathBuf>,
    /// Byte range in the file.
    pub span: Option<Range<usize>>,
    /// 1-based line and column of the span's start.
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl ConfigError {
    fn at(
        path: Option<&Path>,
        text: &str,
        span: Option<Range<usize>>,
        message: String,
    ) -> ConfigError {
        let (line, column) = span.as_ref().map_or((0, 0), |s| line_col(text, s.start));
        ConfigError {
            path: path.map(Path::to_path_buf),
            span,
            line,
            column,
            message,
        }
    }

    fn plain(message: String) -> ConfigError {
        ConfigError {
            path: None,
            span: None,
            line: 0,
            column: 0,
            message,
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.path, self.line) {
            (Some(p), 0) => write!(f, "{}: {}", p.display(), self.message),
            (Some(p), l) => write!(f, "{}:{}:{}: {}", p.display(), l, self.column, self.message),
            (None, _) => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

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
    pub fn from_json(value: &serde_json::Value) -> Result<Overrides, String> {
        let mut o: Overrides = serde_json::from_value(value.clone())
            .map_err(|e| format!("invalid promptcost settings: {e}"))?;
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

/// Finds `promptcost.toml` in `start` or its ancestors.
pub fn find_config(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|d| d.join(CONFIG_FILE))
        .find(|p| p.is_file())
}

/// Parses and checks a project file's text (errors carry spans for editor diagnostics).
pub fn parse_file_config(path: Option<&Path>, text: &str) -> Result<FileConfig, ConfigError> {
    toml::from_str::<FileConfig>(text).map_err(|e| {
        let msg = e.message().trim().to_string();
        ConfigError::at(path, text, e.span(), msg)
    })
}

impl Settings {
    /// Built-in defaults only.
    pub fn defaults(root: &Path) -> Settings {
        Settings::build(root, None, "", FileConfig::default(), &Overrides::default())
            .expect("built-in defaults are valid")
    }

    /// `--config FILE` (`count`, `check`): the file relative to the working directory, its
    /// globs relative to its own folder, as for a discovered `promptcost.toml`.
    pub fn load_named(
        cwd: &Path,
        file: &Path,
        overrides: &Overrides,
    ) -> Result<Settings, ConfigError> {
        let file = cwd.join(file);
        let root = file
            .parent()
            .map_or_else(|| cwd.to_path_buf(), Path::to_path_buf);
        Settings::load(&root, Some(&file), overrides)
    }

    /// Loads the project file at `config_path` (if any) and applies `overrides`.
    pub fn load(
        root: &Path,
        config_path: Option<&Path>,
        overrides: &Overrides,
    ) -> Result<Settings, ConfigError> {
        let (text, file) = match config_path {
            Some(p) => {
                let text = std::fs::read_to_string(p).map_err(|e| {
                    ConfigError::at(Some(p), "", None, format!("cannot read configuration: {e}"))
                })?;
                let file = parse_file_config(Some(p), &text)?;
                (text, file)
            }
            None => (String::new(), FileConfig::default()),
        };
        Settings::build(root, config_path, &text, file, overrides)
    }

    /// Searches upward from `start` for the project file, then loads it.
    pub fn discover(start: &Path, overrides: &Overrides) -> Result<Settings, ConfigError> {
        let path = find_config(start);
        let root = path
            .as_ref()
            .and_then(|p| p.parent())
            .unwrap_or(start)
            .to_path_buf();
        Settings::load(&root, path.as_deref(), overrides)
    }

    fn build(
        root: &Path,
        path: Option<&Path>,
        text: &str,
        file: FileConfig,
        o: &Overrides,
    ) -> Result<Settings, ConfigError> {
        let err = |span: Option<Range<usize>>, msg: String| ConfigError::at(path, text, span, msg);
        let base_dir = path.and_then(Path::parent).unwrap_or(root);

        // Prices: a file named by the user (flag/editor first, then the project file).
        let mut table = PriceTable::embedded();
        if let Some(p) = &o.prices_file {
            table
                .merge_file(&absolutize(root, p))
                .map_err(ConfigError::plain)?;
        } else if let Some(p) = &file.prices {
            // A project file may only name a price file inside its own directory tree: a
            // cloned repository must not make the tool read files elsewhere on the machine.
            let full = absolutize(base_dir, p.get_ref());
            let inside = match (
                std::fs::canonicalize(&full),
                std::fs::canonicalize(base_dir),
            ) {
                (Ok(f), Ok(b)) => f.starts_with(b),
                _ => {
                    !Path::new(p.get_ref()).is_absolute()
                        && !p.get_ref().split(['/', '\\']).any(|c| c == "..")
                }
            };
            if !inside {
                return Err(err(
                    Some(p.span()),
                    format!(
                        "key `prices`: {} is outside this project ({}); name a price file elsewhere with the editor setting `pricesFile` or `--prices`",
                        full.display(),
                        base_dir.display()
                    ),
                ));
            }
            table
                .merge_file(&full)
                .map_err(|m| err(Some(p.span()), format!("key `prices`: {m}")))?;
        }

        // Models.
        let mut models = Vec::new();
        if let Some(names) = &o.models {
            for n in names {
                models.push(
                    table
                        .resolve(n)
                        .map_err(|e| ConfigError::plain(e.to_string()))?
                        .clone(),
                );
            }
        } else if let Some(names) = &file.models {
            if names.get_ref().is_empty() {
                return Err(err(
                    Some(names.span()),
                    "key `models`: list at least one model".into(),
                ));
            }
            for n in names.get_ref() {
                let m = table
                    .resolve(n.get_ref())
                    .map_err(|e| err(Some(n.span()), format!("key `models`: {e}")))?;
                models.push(m.clone());
            }
        } else {
            for n in DEFAULT_MODELS {
                models.push(
                    table
                        .resolve(n)
                        .expect("default models are in the embedded table")
                        .clone(),
                );
            }
        }
        models.dedup_by(|a, b| a.id == b.id);
        let models = ModelSet::new(models).expect("at least one model: checked above or defaults");

        let budget = match (o.budget, &file.budget) {
            (Some(b), _) => Some(b),
            (None, Some(b)) => Some(*b.get_ref()),
            _ => None,
        };
        if let Some(b) = &file.budget {
            if *b.get_ref() == 0 {
                return Err(err(
                    Some(b.span()),
                    "key `budget`: a budget is a positive number of tokens".into(),
                ));
            }
        }

        let mut budgets = Vec::new();
        for (glob, b) in file.budgets.iter().flatten() {
            let set = glob_set(&[glob.as_str()])
                .map_err(|m| err(Some(b.span()), format!("key `budgets.\"{glob}\"`: {m}")))?;
            if *b.get_ref() == 0 {
                return Err(err(
                    Some(b.span()),
                    format!("key `budgets.\"{glob}\"`: a budget is a positive number of tokens"),
                ));
            }
            budgets.push((glob.clone(), set, *b.get_ref()));
        }

        let globs = |over: &Option<Vec<String>>,
                     file: &Option<Vec<Spanned<String>>>,
                     key: &str|
         -> Result<Vec<String>, ConfigError> {
            let mut v: Vec<String> = Vec::new();
            for g in file.iter().flatten() {
                Glob::new(g.get_ref())
                    .map_err(|e| err(Some(g.span()), format!("key `{key}`: {e}")))?;
                v.push(g.get_ref().clone());
            }
            if let Some(extra) = over {
                v.extend(extra.iter().cloned());
            }
            Ok(v)
        };
        let mut include: Vec<String> = DEFAULT_INCLUDE.iter().map(|s| s.to_string()).collect();
        include.extend(globs(&o.include, &file.include, "include")?);
        let exclude = globs(&o.exclude, &file.exclude, "exclude")?;
        let include = glob_set(&include.iter().map(String::as_str).collect::<Vec<_>>())
            .map_err(ConfigError::plain)?;
        let exclude = glob_set(&exclude.iter().map(String::as_str).collect::<Vec<_>>())
            .map_err(ConfigError::plain)?;

        let cost = cost_config(&file, o, base_dir, &table, &err)?;
        let code = file.code.unwrap_or_default();
        let oc = o.code.clone().unwrap_or_default();
        let code_name_pattern = match (&oc.name_pattern, &code.name_pattern) {
            (Some(p), _) => p.clone(),
            (None, Some(p)) => p.get_ref().clone(),
            _ => DEFAULT_NAME_PATTERN.to_string(),
        };
        let code_sdk_calls = oc.sdk_calls.or(code.sdk_calls).unwrap_or(true);
        let code_rules = crate::extract::code::CodeRules {
            name_pattern: code_name_pattern.clone(),
            sdk_calls: code_sdk_calls,
            extra_sdk_keywords: Vec::new(),
            ..Default::default()
        }
        .compile()
        .map_err(|e| {
            let span = code
                .name_pattern
                .as_ref()
                .filter(|_| oc.name_pattern.is_none())
                .map(|p| p.span());
            err(span, format!("key `code.name_pattern`: {e}"))
        })?;

        let context = context_settings(file.context.unwrap_or_default(), &err)?;

        Ok(Settings {
            root: root.to_path_buf(),
            config_path: path.map(Path::to_path_buf),
            table,
            models,
            budget,
            budgets,
            expected_output_tokens: o
                .expected_output_tokens
                .or(file.expected_output_tokens)
                .unwrap_or(DEFAULT_EXPECTED_OUTPUT_TOKENS),
            include,
            exclude,
            max_file_size: o
                .max_file_size
                .or(file.max_file_size)
                .unwrap_or(DEFAULT_MAX_FILE_SIZE),
            code_enabled: oc.enabled.or(code.enabled).unwrap_or(true),
            code_name_pattern,
            code_sdk_calls,
            code_rules: Arc::new(code_rules),
            context,
            cost,
        })
    }

    /// The path as matched by globs: relative to the root when under it.
    pub(crate) fn rel<'a>(&self, path: &'a Path) -> &'a Path {
        path.strip_prefix(&self.root).unwrap_or(path)
    }

    /// Whether `path` is a prompt file (default globs + `include`, minus `exclude`).
    pub fn is_prompt_file(&self, path: &Path) -> bool {
        let rel = self.rel(path);
        self.include.is_match(rel) && !self.is_excluded(path)
    }

    pub fn is_excluded(&self, path: &Path) -> bool {
        self.exclude.is_match(self.rel(path))
    }

    /// The file budget for `path`: the most specific per-glob budget, else the default.
    pub fn budget_for(&self, path: &Path) -> Option<u64> {
        let rel = self.rel(path);
        self.budgets
            .iter()
            .filter(|(_, set, _)| set.is_match(rel))
            .max_by_key(|(g, _, _)| g.len())
            .map(|(_, _, b)| *b)
            .or(self.budget)
    }

    /// A per-glob budget only (no default budget): what applies to a source file as a whole.
    pub fn glob_budget_for(&self, path: &Path) -> Option<u64> {
        let rel = self.rel(path);
        self.budgets
            .iter()
            .filter(|(_, set, _)| set.is_match(rel))
            .max_by_key(|(g, _, _)| g.len())
            .map(|(_, _, b)| *b)
    }

    /// The rules for prompts in source code.
    pub fn code_rules(&self) -> Arc<crate::extract::code::CompiledRules> {
        self.code_rules.clone()
    }

    /// The language of a source file whose literals are scanned for prompts, if any.
    pub fn code_lang(&self, path: &Path) -> Option<crate::extract::code::Lang> {
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

    /// The model a prompt is measured in: its own (directive or front matter) when that is
    /// one of the configured models, else the primary one.
    pub fn for_prompt(&self, own: Option<&str>) -> &Model {
        own.and_then(|id| self.0.iter().find(|m| m.id == id))
            .unwrap_or_else(|| self.primary())
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

/// Checks `[context]`: positive budgets, known agent names.
fn context_settings(
    c: ContextSection,
    err: &dyn Fn(Option<Range<usize>>, String) -> ConfigError,
) -> Result<ContextSettings, ConfigError> {
    let positive = |b: &Spanned<u64>, key: &str| {
        if *b.get_ref() == 0 {
            Err(err(
                Some(b.span()),
                format!("key `{key}`: a budget is a positive number of tokens"),
            ))
        } else {
            Ok(*b.get_ref())
        }
    };
    let mut out = ContextSettings {
        budget: c
            .budget
            .as_ref()
            .map(|b| positive(b, "context.budget"))
            .transpose()?,
        ..ContextSettings::default()
    };
    for (name, b) in c.budgets.iter().flatten() {
        let key = format!("context.budgets.{name}");
        let agent = crate::context::agents::find(name)
            .map_err(|e| err(Some(b.span()), format!("key `{key}`: {e}")))?;
        out.budgets.push((agent.id.clone(), positive(b, &key)?));
    }
    if let Some(list) = &c.agents {
        let mut ids = Vec::new();
        for n in list {
            let agent = crate::context::agents::find(n.get_ref())
                .map_err(|e| err(Some(n.span()), format!("key `context.agents`: {e}")))?;
            ids.push(agent.id.clone());
        }
        out.agents = Some(ids);
    }
    Ok(out)
}

/// The cost keys of `promptcost.toml` and the settings that override them.
fn cost_config(
    file: &FileConfig,
    o: &Overrides,
    base_dir: &Path,
    table: &PriceTable,
    err: &dyn Fn(Option<Range<usize>>, String) -> ConfigError,
) -> Result<crate::cost::CostConfig, ConfigError> {
    use crate::cost::{parse_share, Cache, CostConfig, OutputSource, Ttl};
    let positive = |v: &Spanned<Number>, key: &str, what: &str| -> Result<f64, ConfigError> {
        v.get_ref()
            .as_f64()
            .filter(|x| x.is_finite() && *x > 0.0)
            .ok_or_else(|| err(Some(v.span()), format!("key `{key}`: {what}")))
    };
    let hit = match (o.cache_hit, &file.cache_hit) {
        (Some(h), _) => Some(h.clamp(0.0, 1.0)),
        (None, Some(v)) => {
            let share = match v.get_ref() {
                Number::Text(t) => parse_share(t),
                n => n.as_f64().filter(|x| (0.0..=1.0).contains(x)),
            };
            Some(share.ok_or_else(|| {
                err(
                    Some(v.span()),
                    "key `cache_hit`: a share of calls, 0.0 to 1.0 or \"80%\"".into(),
                )
            })?)
        }
        _ => None,
    };
    let ttl = match &file.cache_ttl {
        Some(t) => Ttl::parse(t.get_ref())
            .ok_or_else(|| err(Some(t.span()), "key `cache_ttl`: \"5m\" or \"1h\"".into()))?,
        None => Ttl::default(),
    };
    let mut cfg = CostConfig {
        output_source: Some(if o.expected_output_tokens.is_some() {
            OutputSource::Flag
        } else if file.expected_output_tokens.is_some() {
            OutputSource::Config
        } else {
            OutputSource::Default
        }),
        reasoning_tokens: file.expected_reasoning_tokens.unwrap_or(0),
        cache: hit.map(|hit| Cache { hit, ttl }),
        calls_per_day: o.calls_per_day.filter(|d| d.is_finite() && *d > 0.0),
        ..CostConfig::default()
    };
    if let Some(t) = &file.turns {
        if *t.get_ref() == 0 {
            return Err(err(
                Some(t.span()),
                "key `turns`: a positive number of turns".into(),
            ));
        }
        cfg.turns = Some(*t.get_ref());
    }
    if let Some(b) = &file.budget_usd {
        cfg.budget_usd = Some(positive(
            b,
            "budget_usd",
            "a positive amount in USD per call",
        )?);
    }
    for (key, map, what) in [
        ("volume", &file.volume, "a positive number of calls per day"),
        (
            "monthly_budget_usd",
            &file.monthly_budget_usd,
            "a positive amount in USD per month",
        ),
    ] {
        for (glob, v) in map.iter().flatten() {
            let set = glob_set(&[glob.as_str()])
                .map_err(|m| err(Some(v.span()), format!("key `{key}.\"{glob}\"`: {m}")))?;
            let n = positive(v, &format!("{key}.\"{glob}\""), what)?;
            let rules = if key == "volume" {
                &mut cfg.volume
            } else {
                &mut cfg.monthly_budgets
            };
            rules.push((glob.clone(), set, n));
        }
    }
    if let Some(u) = &file.usage {
        let full = absolutize(base_dir, u.get_ref());
        let inside = match (
            std::fs::canonicalize(&full),
            std::fs::canonicalize(base_dir),
        ) {
            (Ok(f), Ok(b)) => f.starts_with(b),
            _ => false,
        };
        if !inside {
            return Err(err(
                Some(u.span()),
                format!(
                    "key `usage`: {} is not a file inside this project",
                    full.display()
                ),
            ));
        }
        let files = crate::cost::usage::read_files(&[&full])
            .map_err(|m| err(Some(u.span()), format!("key `usage`: {m}")))?;
        let report = crate::cost::usage::read(&files, table, None, None);
        cfg.usage_output = report
            .models
            .iter()
            .map(|m| (m.model.clone(), m.avg_output_tokens, m.calls))
            .collect();
    }
    Ok(cfg)
}

fn absolutize(base: &Path, p: &str) -> PathBuf {
    let p = Path::new(p);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        base.join(p)
    }
}

fn glob_set(globs: &[&str]) -> Result<GlobSet, String> {
    let mut b = GlobSetBuilder::new();
    for g in globs {
        b.add(Glob::new(g).map_err(|e| e.to_string())?);
    }
    b.build().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The editors send the server the files it would annotate: VS Code's document selector
    /// lists exactly the default prompt-file globs, and Neovim's config every code language.
    #[test]
    fn editors_agree_with_the_default_prompt_files_and_languages() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let ts = std::fs::read_to_string(root.join("editors/vscode/src/selector.ts")).unwrap();
        let list = ts
            .split("PROMPT_FILE_PATTERNS: readonly string[] = [")
            .nth(1)
            .and_then(|t| t.split("];").next())
            .expect("PROMPT_FILE_PATTERNS in selector.ts");
        let vscode: Vec<&str> = list.split('\'').skip(1).step_by(2).collect();
        assert_eq!(vscode, DEFAULT_INCLUDE, "editors/vscode/src/selector.ts");
        let lua = std::fs::read_to_string(root.join("editors/nvim/lsp/promptcost.lua")).unwrap();
        // YAML prompt files: by path in both editors, never every `yaml` document
        let quoted = |list: &str| -> Vec<String> {
            list.split('\'')
                .skip(1)
                .step_by(2)
                .map(String::from)
                .collect()
        };
        let yaml_ts = ts
            .split("YAML_PROMPT_FILE_PATTERNS: readonly string[] = [")
            .nth(1)
            .and_then(|t| t.split("];").next())
            .expect("YAML_PROMPT_FILE_PATTERNS in selector.ts");
        let yaml_lua = lua
            .split("local yaml_prompt_files = {")
            .nth(1)
            .and_then(|t| t.split("\n}").next())
            .expect("yaml_prompt_files in promptcost.lua");
        let server = crate::extract::code::YAML_PROMPT_FILES;
        assert_eq!(quoted(yaml_ts), server, "selector.ts YAML patterns");
        assert_eq!(quoted(yaml_lua), server, "promptcost.lua YAML patterns");
        assert!(lua.contains("'yaml'"), "Neovim filetypes lack yaml");
        for lang in [
            "python",
            "typescript",
            "typescriptreact",
            "javascript",
            "javascriptreact",
            "rust",
            "go",
        ] {
            assert!(
                lua.contains(&format!("'{lang}'")),
                "Neovim filetypes lack {lang}"
            );
            assert!(
                ts.contains(&format!("'{lang}'")),
                "VS Code languages lack {lang}"
            );
            assert!(
                crate::extract::code::Lang::from_language_id(lang).is_some(),
                "the server does not know {lang}"
            );
        }
    }

    fn load(text: &str) -> Result<Settings, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(CONFIG_FILE);
        std::fs::write(&p, text).unwrap();
        Settings::load(dir.path(), Some(&p), &Overrides::default())
    }

    #[test]
    fn defaults_put_an_exact_openai_model_first() {
        let s = Settings::defaults(Path::new("/w"));
        assert_eq!(s.models.len(), 3);
        assert!(s.models.primary().counting.is_exact());
        assert_eq!(s.models.for_prompt(Some("nope")).id, s.models.primary().id);
        assert_eq!(
            s.models.for_prompt(Some(&s.models[1].id)).id,
            s.models[1].id
        );
        assert!(ModelSet::new(vec![]).is_none());
        assert_eq!(s.models[1].provider, "anthropic");
        assert_eq!(s.models[2].provider, "gemini");
    }

    #[test]
    fn default_globs_match_prompt_files_only() {
        let s = Settings::defaults(Path::new("/w"));
        for p in [
            "/w/a.prompt",
            "/w/x/b.prompty",
            "/w/AGENTS.md",
            "/w/sub/CLAUDE.md",
            "/w/prompts/x/y.md",
            "/w/.github/copilot-instructions.md",
            "/w/.cursor/rules/r.mdc",
            "/w/.cursorrules",
            "/w/s.prompt.md",
        ] {
            assert!(s.is_prompt_file(Path::new(p)), "{p}");
        }
        for p in ["/w/README.md", "/w/src/main.rs", "/w/docs/prompts.md"] {
            assert!(!s.is_prompt_file(Path::new(p)), "{p}");
        }
    }

    #[test]
    fn full_config_loads() {
        let s = load(
            "models = [\"gpt-4o\", \"claude-sonnet-4-5\"]\nbudget = 2000\nexpected_output_tokens = 100\n\
             include = [\"docs/**/*.md\"]\nexclude = [\"**/vendor/**\"]\n[budgets]\n\"AGENTS.md\" = 3000\n\
             \"prompts/**\" = 1500\n[code]\nenabled = false\n",
        )
        .unwrap();
        assert_eq!(s.models[0].id, "gpt-4o");
        assert_eq!(s.budget_for(&s.root.join("AGENTS.md")), Some(3000));
        assert_eq!(s.budget_for(&s.root.join("prompts/a.md")), Some(1500));
        assert_eq!(s.budget_for(&s.root.join("x.prompt")), Some(2000));
        assert!(s.is_prompt_file(&s.root.join("docs/a/b.md")));
        assert!(!s.is_prompt_file(&s.root.join("vendor/AGENTS.md")));
        assert!(!s.code_enabled);
        assert_eq!(s.expected_output_tokens, 100);
    }

    #[test]
    fn errors_name_line_column_and_key() {
        let e = load("budget = 10\nmodles = [\"gpt-4o\"]\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 1), "{e}");
        assert!(e.message.contains("unknown field `modles`"), "{e}");
        let e = load("models = [\"gpt-4o\", \"gpt4o\"]\n").unwrap_err();
        assert_eq!((e.line, e.column), (1, 21), "{e}");
        assert!(
            e.to_string().contains(
                "promptcost.toml:1:21: key `models`: unknown model 'gpt4o'; did you mean 'gpt-4o'?"
            ),
            "{e}"
        );
        let e = load("budget = \"lots\"\n").unwrap_err();
        assert_eq!(e.line, 1, "{e}");
        let e = load("[budgets]\n\"a/[\" = 5\n").unwrap_err();
        assert!(e.message.contains("budgets"), "{e}");
        let e = load("[code]\nname_pattern = \"(\"\n").unwrap_err();
        assert!(
            e.message.contains("code.name_pattern") && e.line == 2,
            "{e}"
        );
        let e = load("budget = 0\n").unwrap_err();
        assert!(e.message.contains("positive"), "{e}");
    }

    #[test]
    fn context_budgets_load_and_name_their_agents() {
        let s = load("[context]\nbudget = 8000\nagents = [\"claude\", \"codex\"]\n[context.budgets]\nclaude-code = 12000\n").unwrap();
        assert_eq!(s.context.budget_for("claude-code"), Some(12000));
        assert_eq!(s.context.budget_for("codex"), Some(8000));
        assert_eq!(
            s.context.agents.as_deref(),
            Some(&["claude-code".to_string(), "codex".to_string()][..])
        );
        let e = load("[context]\nagents = [\"claude-cod\"]\n").unwrap_err();
        assert!(
            e.line == 2 && e.message.contains("did you mean 'claude-code'"),
            "{e}"
        );
        let e = load("[context.budgets]\ncursor = 0\n").unwrap_err();
        assert!(
            e.message.contains("context.budgets.cursor") && e.message.contains("positive"),
            "{e}"
        );
        assert!(load("[context]\nbudgett = 1\n")
            .unwrap_err()
            .message
            .contains("unknown field"));
    }

    #[test]
    fn cost_keys_load_and_bad_ones_are_located() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("runs.jsonl"),
            "{\"model\":\"gpt-4o\",\"usage\":{\"prompt_tokens\":900,\"completion_tokens\":250}}\n",
        )
        .unwrap();
        let p = dir.path().join(CONFIG_FILE);
        std::fs::write(
            &p,
            "cache_hit = \"80%\"\ncache_ttl = \"1h\"\nturns = 20\nbudget_usd = 0.05\nusage = \"runs.jsonl\"\n\
             expected_reasoning_tokens = 100\n[volume]\n\"prompts/**\" = 10000\n[monthly_budget_usd]\n\"**\" = 250.5\n",
        )
        .unwrap();
        let s = Settings::load(dir.path(), Some(&p), &Overrides::default()).unwrap();
        let c = &s.cost;
        assert_eq!(
            c.cache,
            Some(crate::cost::Cache {
                hit: 0.8,
                ttl: crate::cost::Ttl::OneHour
            })
        );
        assert_eq!(
            (c.turns, c.budget_usd, c.reasoning_tokens),
            (Some(20), Some(0.05), 100)
        );
        assert_eq!(
            crate::cost::by_glob(&c.volume, Path::new("prompts/a.md")),
            Some(10_000.0)
        );
        assert_eq!(
            crate::cost::by_glob(&c.monthly_budgets, Path::new("x.prompt")),
            Some(250.5)
        );
        assert_eq!(c.usage_output, vec![("gpt-4o".to_string(), 250.0, 1)]);
        for (bad, key) in [
            ("cache_hit = 1.5\n", "cache_hit"),
            ("cache_ttl = \"2h\"\n", "cache_ttl"),
            ("turns = 0\n", "turns"),
            ("budget_usd = -1\n", "budget_usd"),
            ("[volume]\n\"a\" = 0\n", "volume"),
            ("usage = \"../x.jsonl\"\n", "usage"),
        ] {
            std::fs::write(&p, bad).unwrap();
            let e = Settings::load(dir.path(), Some(&p), &Overrides::default()).unwrap_err();
            assert!(e.message.contains(key) && e.line >= 1, "{bad}: {e}");
        }
    }

    #[test]
    fn project_price_file_must_stay_inside_the_project() {
        let outer = tempfile::tempdir().unwrap();
        let project = outer.path().join("project");
        std::fs::create_dir(&project).unwrap();
        std::fs::write(outer.path().join("prices.json"), "{}").unwrap();
        std::fs::write(project.join("prices.json"), "{}").unwrap();
        for bad in [
            "../prices.json",
            &outer.path().join("prices.json").display().to_string(),
        ] {
            let cfg = project.join("promptcost.toml");
            std::fs::write(&cfg, format!("prices = {bad:?}\n")).unwrap();
            let e = Settings::load(&project, Some(&cfg), &Overrides::default()).unwrap_err();
            assert!(e.to_string().contains("is outside this project"), "{e}");
        }
        let cfg = project.join("promptcost.toml");
        std::fs::write(&cfg, "prices = \"prices.json\"\n").unwrap();
        Settings::load(&project, Some(&cfg), &Overrides::default()).unwrap();
        // The user may name any file (editor setting or flag).
        let o = Overrides {
            prices_file: Some(outer.path().join("prices.json").display().to_string()),
            ..Default::default()
        };
        Settings::load(&project, Some(&cfg), &o).unwrap();
    }

    #[test]
    fn overrides_win_and_ignore_unknown_editor_keys() {
        let o = Overrides::from_json(
            &serde_json::json!({"models": ["gpt-4o"], "budget": 5, "trace": {"server": "off"}}),
        )
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(CONFIG_FILE);
        std::fs::write(&p, "models = [\"claude-sonnet-4-5\"]\nbudget = 100\n").unwrap();
        let s = Settings::load(dir.path(), Some(&p), &o).unwrap();
        assert_eq!(s.models[0].id, "gpt-4o");
        assert_eq!(s.budget, Some(5));
        let o = Overrides::from_json(&serde_json::json!({"models": []})).unwrap();
        assert_eq!(o.models, None, "an empty list means not set");
        assert!(Overrides::from_json(&serde_json::json!({"budget": "x"})).is_err());
    }
}
