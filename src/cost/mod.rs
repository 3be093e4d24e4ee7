//! What a prompt costs when it is used: per call (input + output + reasoning + cache reads
//! and writes + the long-context tier), per 1,000 calls, per day and per month at a volume,
//! over a conversation, and from real usage records.
//!
//! Owns: the cost model and its inputs (expected output, volume, cache share, turns), the
//! dollar budgets, and the cost rows every output shows (hover, lens, `count`, `check`).
//! Never: counts text (counts come from `document/` / `tokenize`), or invents a price: a
//! model without one costs `None`, shown as "no price", never $0.

pub mod call;
pub mod count;
pub mod directive;
pub mod prompt;
pub mod report;
pub mod rules;
pub mod tools;
pub mod usage;

use globset::GlobSet;
use serde::Serialize;

pub use call::{Cache, CallCost, Request, Ttl};
pub use directive::CostDirective;

/// Where the expected output tokens come from, in order of precedence.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum OutputSource {
    /// `promptcost: output=N` (or a range) on the prompt.
    Directive,
    /// The prompt's own settings (Prompty `parameters.max_tokens`, dotprompt
    /// `config.maxOutputTokens`): an upper bound.
    PromptSettings,
    /// The average of the usage file named in `promptcost.toml`.
    Usage {
        calls: u64,
    },
    /// `--output-tokens N` or the editor setting.
    Flag,
    /// `expected_output_tokens` in `promptcost.toml`.
    Config,
    Default,
}

impl OutputSource {
    pub fn label(&self) -> String {
        match self {
            OutputSource::Directive => "directive".into(),
            OutputSource::PromptSettings => {
                "max output tokens of the prompt: an upper bound".into()
            }
            OutputSource::Usage { calls } => format!(
                "average of {} recorded calls",
                crate::format::thousands(*calls)
            ),
            OutputSource::Flag => "setting".into(),
            OutputSource::Config => "promptcost.toml".into(),
            OutputSource::Default => "default".into(),
        }
    }
}

/// Expected output tokens: `low == high` unless a range was given.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Expected {
    pub low: u64,
    pub high: u64,
    pub source: OutputSource,
}

impl Expected {
    /// The point used for projections: the middle of a range.
    pub fn point(&self) -> u64 {
        (self.low + self.high) / 2
    }

    pub(crate) fn is_range(&self) -> bool {
        self.low != self.high
    }

    /// `300`, `200–800`, `≤4,096`.
    pub fn label(&self) -> String {
        use crate::format::thousands;
        if self.is_range() {
            format!("{}–{}", thousands(self.low), thousands(self.high))
        } else if self.source == OutputSource::PromptSettings {
            format!("≤{}", thousands(self.high))
        } else {
            thousands(self.high)
        }
    }
}

/// The resolved cost settings of a project (part of [`crate::config::Settings`]).
#[derive(Clone, Debug, Default)]
pub struct CostConfig {
    /// Where `Settings::expected_output_tokens` came from.
    pub output_source: Option<OutputSource>,
    pub reasoning_tokens: u64,
    /// `cache_hit` (+ `cache_ttl`); `None`: no cache assumed.
    pub cache: Option<Cache>,
    /// `--calls-per-day` / the editor setting: over the per-glob volumes.
    pub calls_per_day: Option<f64>,
    /// `[volume]`: calls per day per glob (longest glob wins).
    pub volume: Vec<(String, GlobSet, f64)>,
    /// `turns`: conversation turns for chat prompts.
    pub turns: Option<u64>,
    /// `budget_usd`: per call, every prompt file.
    pub budget_usd: Option<f64>,
    /// `[monthly_budget_usd]`: per glob (longest glob wins).
    pub monthly_budgets: Vec<(String, GlobSet, f64)>,
    /// From the `usage` file: (model id, average output tokens, calls).
    pub usage_output: Vec<(String, f64, u64)>,
}

/// The value of the longest glob matching `rel`.
pub(crate) fn by_glob(rules: &[(String, GlobSet, f64)], rel: &std::path::Path) -> Option<f64> {
    rules
        .iter()
        .filter(|(_, set, _)| set.is_match(rel))
        .max_by_key(|(g, _, _)| g.len())
        .map(|(_, _, v)| *v)
}

/// `0.8`, `80%` → 0.8; a share must lie in 0..=1.
pub fn parse_share(s: &str) -> Option<f64> {
    let s = s.trim();
    let v = match s.strip_suffix('%') {
        Some(p) => p.trim().parse::<f64>().ok()? / 100.0,
        None => s.parse::<f64>().ok()?,
    };
    (v.is_finite() && (0.0..=1.0).contains(&v)).then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_and_labels() {
        assert_eq!(parse_share("80%"), Some(0.8));
        assert_eq!(parse_share("0.25"), Some(0.25));
        assert_eq!(parse_share("120%"), None);
        assert_eq!(parse_share("x"), None);
        let e = Expected {
            low: 200,
            high: 800,
            source: OutputSource::Directive,
        };
        assert_eq!((e.point(), e.label()), (500, "200–800".to_string()));
        let ub = Expected {
            low: 4096,
            high: 4096,
            source: OutputSource::PromptSettings,
        };
        assert_eq!(ub.label(), "≤4,096");
    }
}
