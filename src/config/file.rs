//! `promptcost.toml` as written (the TOML schema) and configuration errors located in it.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

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
    pub(super) fn as_f64(&self) -> Option<f64> {
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
    pub(super) fn at(
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

    pub(super) fn plain(message: impl fmt::Display) -> ConfigError {
        ConfigError {
            path: None,
            span: None,
            line: 0,
            column: 0,
            message: message.to_string(),
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

/// Parses and checks a project file's text (errors carry spans for editor diagnostics).
pub fn parse_file_config(path: Option<&Path>, text: &str) -> Result<FileConfig, ConfigError> {
    toml::from_str::<FileConfig>(text).map_err(|e| {
        let msg = e.message().trim().to_string();
        ConfigError::at(path, text, e.span(), msg)
    })
}
