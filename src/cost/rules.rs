//! What each provider documents about billing a request: how its prompt cache works (automatic
//! or explicit, minimum cacheable length, granularity, write premium) and the framing tokens it
//! adds for tool definitions.
//!
//! Owns: these documented facts, dated, one table per fact.
//! Never: prices (they come from the price table, `pricing/`), counting text.

use crate::pricing::{Model, Provider};

/// How a provider caches a repeated prompt prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Caching {
    /// OpenAI: automatic for prompts of at least `min` tokens; the cached prefix grows in
    /// steps of `step` tokens (OpenAI, "Prompt caching", 2026: 1,024 tokens, then 128-token
    /// increments; cached input at the cached-input price, no write fee unless the price
    /// table lists one).
    Automatic { min: u64, step: u64 },
    /// Anthropic: explicit `cache_control` breakpoints. The prefix up to a breakpoint is written
    /// once (1.25x the input price for the 5-minute cache, 2x for the 1-hour one) and read at
    /// 0.1x on later calls; a prefix shorter than `min` is not cached at all (Anthropic,
    /// "Prompt caching", 2026).
    Explicit { min: u64 },
    /// Gemini 2.5 and later: implicit caching of prefixes of at least `min` tokens (Google,
    /// "Context caching", updated 2026-10-13), read at the cached-input price.
    Implicit { min: u64 },
    /// The model offers no discounted cache reads (no cached-input price in the table).
    None,
}

/// Anthropic's cache-write premiums and read discount over the base input price, used only
/// where the price table lacks the model's own cache prices.
pub(crate) const ANTHROPIC_WRITE_5M: f64 = 1.25;
pub(crate) const ANTHROPIC_WRITE_1H: f64 = 2.0;
pub(crate) const ANTHROPIC_READ: f64 = 0.1;

/// Minimum cacheable prompt length per Claude model (Anthropic, "Prompt caching", as quoted in
/// 2026). Where sources disagree the higher number is used, so a cost is never understated.
/// First match by id prefix wins.
const ANTHROPIC_MIN: &[(&str, u64)] = &[
    ("claude-opus-4-5", 4096),
    ("claude-opus-4-6", 4096),
    ("claude-opus-4-7", 4096),
    ("claude-haiku-4-5", 4096),
    ("claude-haiku-5", 4096),
    ("claude-sonnet-4-6", 2048),
    ("claude-3-5-haiku", 2048),
    ("claude-3-haiku", 2048),
    ("claude-opus-4-8", 1024),
    ("claude-opus-4", 1024),
    ("claude-sonnet-4", 1024),
    ("claude-3-7-sonnet", 1024),
    ("claude-3-5-sonnet", 1024),
];

/// Claude models not in the table: the documented floor of most models.
const ANTHROPIC_MIN_DEFAULT: u64 = 1024;

/// Implicit caching minimums (Google, updated 2026-10-13): Gemini 2.5 Pro / Flash 2,048;
/// Gemini 3.x and later 4,096. Gemini 2.0 has no implicit caching.
fn gemini_caching(id: &str) -> Caching {
    let name = id.rsplit('/').next().unwrap_or(id);
    if name.starts_with("gemini-1") || name.starts_with("gemini-2.0") {
        Caching::None
    } else if name.starts_with("gemini-2.5") {
        Caching::Implicit { min: 2048 }
    } else {
        Caching::Implicit { min: 4096 }
    }
}

/// The caching rule for a model. A model without a cached-input price caches nothing.
pub(crate) fn caching(m: &Model) -> Caching {
    match &m.provider {
        Provider::Anthropic => {
            let min = ANTHROPIC_MIN
                .iter()
                .find(|(p, _)| m.id.starts_with(p))
                .map_or(ANTHROPIC_MIN_DEFAULT, |&(_, n)| n);
            Caching::Explicit { min }
        }
        _ if m.base.cache_read.is_none() => Caching::None,
        Provider::OpenAi => Caching::Automatic {
            min: 1024,
            step: 128,
        },
        p if p.is_google() => gemini_caching(&m.id),
        // xAI, DeepSeek, Mistral: automatic prefix caching at the table's cached price; no
        // minimum is applied (none documented that we rely on).
        _ => Caching::Automatic { min: 0, step: 1 },
    }
}

impl Caching {
    /// How many tokens of a `prefix`-token static prefix can be served from the cache.
    pub(crate) fn cacheable(&self, prefix: u64) -> u64 {
        match *self {
            Caching::Automatic { min, step } if prefix >= min => {
                let step = step.max(1);
                min + (prefix - min) / step * step
            }
            Caching::Explicit { min } | Caching::Implicit { min } if prefix >= min => prefix,
            _ => 0,
        }
    }
}

/// Tokens a provider adds to a request that has tools, beyond the definitions themselves.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum ToolFraming {
    /// OpenAI Cookbook, "How to count tokens with tiktoken" (2024, checked against the API):
    /// per function `func_init` + `name:description`, per property `prop_key` +
    /// `name:type:description`, enums, `func_end`.
    OpenAi {
        func_init: i64,
        prop_init: i64,
        prop_key: i64,
        enum_init: i64,
        enum_item: i64,
        func_end: i64,
    },
    /// Anthropic, "Tool use: pricing": a tool-use system prompt of this many tokens (tool
    /// choice `auto`/`none`; Claude 4.x models) plus the definitions.
    SystemPrompt(u64),
    /// No documented framing: the definitions as JSON (an estimate).
    JsonOnly,
}

/// Claude models whose tool-use system prompt Anthropic documents as 346 tokens ("Tool use:
/// pricing", 2026).
const ANTHROPIC_TOOL_PROMPT_346: &[&str] = &[
    "claude-opus-4-5",
    "claude-opus-4-1",
    "claude-opus-4-0",
    "claude-sonnet-4-5",
    "claude-sonnet-4-0",
    "claude-haiku-4-5",
    "claude-3-7-sonnet",
];

/// The framing and whether it is documented for this exact model family (else an estimate).
pub(crate) fn tool_framing(m: &Model) -> (ToolFraming, bool) {
    let id = m.id.as_str();
    match m.provider {
        Provider::OpenAi => {
            let gpt4 =
                id.starts_with("gpt-4") && !id.starts_with("gpt-4o") && !id.starts_with("gpt-4.");
            let documented = id.starts_with("gpt-4o") || gpt4 || id.starts_with("gpt-3.5");
            let func_init = if gpt4 || id.starts_with("gpt-3.5") {
                10
            } else {
                7
            };
            (
                ToolFraming::OpenAi {
                    func_init,
                    prop_init: 3,
                    prop_key: 3,
                    enum_init: -3,
                    enum_item: 3,
                    func_end: 12,
                },
                documented,
            )
        }
        Provider::Anthropic => {
            // The models Anthropic's table lists with 346 tokens (tool choice auto / none);
            // later models are assumed to keep it, marked as an estimate.
            let documented = ANTHROPIC_TOOL_PROMPT_346.contains(&id);
            (ToolFraming::SystemPrompt(346), documented)
        }
        _ => (ToolFraming::JsonOnly, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pricing::PriceTable;

    #[test]
    fn openai_caches_from_1024_in_steps_of_128() {
        let c = Caching::Automatic {
            min: 1024,
            step: 128,
        };
        assert_eq!(c.cacheable(1023), 0);
        assert_eq!(c.cacheable(1024), 1024);
        assert_eq!(c.cacheable(1151), 1024);
        assert_eq!(c.cacheable(1152), 1152);
        assert_eq!(c.cacheable(5000), 4992);
    }

    #[test]
    fn rules_follow_the_provider() {
        let t = PriceTable::embedded();
        assert_eq!(
            caching(t.resolve("gpt-4o").unwrap()),
            Caching::Automatic {
                min: 1024,
                step: 128
            }
        );
        assert_eq!(
            caching(t.resolve("gpt-4").unwrap()),
            Caching::None,
            "no cached price: no caching"
        );
        assert_eq!(
            caching(t.resolve("claude-sonnet-4-5").unwrap()),
            Caching::Explicit { min: 1024 }
        );
        assert_eq!(
            caching(t.resolve("claude-haiku-4-5").unwrap()),
            Caching::Explicit { min: 4096 }
        );
        assert_eq!(
            caching(t.resolve("gemini-2.5-pro").unwrap()),
            Caching::Implicit { min: 2048 }
        );
        assert_eq!(
            caching(t.resolve("gemini-3.5-flash").unwrap()),
            Caching::Implicit { min: 4096 }
        );
        assert_eq!(
            caching(t.resolve("gemini-2.0-flash").unwrap()),
            Caching::None
        );
        assert_eq!(Caching::Explicit { min: 1024 }.cacheable(1000), 0);
        assert_eq!(Caching::Implicit { min: 2048 }.cacheable(3000), 3000);
    }
}
