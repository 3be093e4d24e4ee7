//! Estimates for models whose tokenizer is not public: a factor over the exact o200k count,
//! with a stated error bound. The sources of each factor are listed in the README
//! ("Accuracy"); change them there and here together.

use super::Tokenizer;
use crate::tokenize::{Counting, Encoding};

/// One estimate family: its factor over o200k and its error bound.
pub(crate) struct Family {
    pub factor: f64,
    pub error_pct: f64,
}

/// Claude 3.x to 4.6: o200k × 1.18 (calibrated against `count_tokens`, sammcj/ingest #65,
/// 2026-08); +16% (English prose) to +30% (Python) over GPT-4o (VentureBeat, 2025-05).
pub(crate) const CLAUDE_3_TO_4_6: Family = Family {
    factor: 1.18,
    error_pct: 15.0,
};
/// Claude Opus 4.7 and later: a new tokenizer; o200k × 1.53 (sammcj/ingest #65, 2026-08),
/// 1.0–1.47x the tokens of Opus 4.6 by content (Anthropic 2026-04: up to 1.35x; independent
/// measurements 2026-04: English prose 1.45x, code 1.13–1.33x, CJK 1.00x).
pub(crate) const CLAUDE_4_7_PLUS: Family = Family {
    factor: 1.53,
    error_pct: 25.0,
};
/// Gemini models after 3.x: Google has not said which tokenizer they use; counted with the
/// Gemma 3 model (what 2.0 – 3.x use) and marked as an estimate.
pub(crate) const GEMINI_UNPUBLISHED: Family = Family {
    factor: 1.0,
    error_pct: 15.0,
};
/// Other providers whose tokenizer is not published or not confirmed for the model (xAI,
/// Mistral's current API models...): no calibration, a wide bound.
pub(crate) const OTHER: Family = Family {
    factor: 1.1,
    error_pct: 30.0,
};

/// The family a Claude model id belongs to.
pub(crate) fn claude_family(id: &str) -> &'static Family {
    let lower = id.to_ascii_lowercase();
    // Version numbers in Anthropic ids: claude-opus-4-7, claude-3-5-sonnet, claude-sonnet-5 ...
    let nums: Vec<u32> = lower
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty() && s.len() <= 2)
        .filter_map(|s| s.parse().ok())
        .collect();
    let (major, minor) = (
        nums.first().copied().unwrap_or(0),
        nums.get(1).copied().unwrap_or(0),
    );
    if major >= 5 || (major == 4 && minor >= 7) {
        &CLAUDE_4_7_PLUS
    } else {
        &CLAUDE_3_TO_4_6
    }
}

/// The major version in a Gemini id (`gemini-2.5-pro` → 2, `models/gemini-4-argon` → 4).
fn gemini_major(id: &str) -> Option<u32> {
    let rest = &id[id.to_ascii_lowercase().find("gemini-")? + "gemini-".len()..];
    rest.split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

/// How a model with the table's `tokenizer` is counted.
pub(crate) fn counting_for(tokenizer: Tokenizer, id: &str) -> Counting {
    let est = |base: Encoding, f: &Family| Counting::Estimate {
        base,
        factor: f.factor,
        error_pct: f.error_pct,
    };
    match tokenizer {
        Tokenizer::O200kBase => Counting::Exact(Encoding::O200kBase),
        Tokenizer::Cl100kBase => Counting::Exact(Encoding::Cl100kBase),
        Tokenizer::DeepSeekV4 => Counting::Exact(Encoding::DeepSeekV4),
        Tokenizer::Tekken => Counting::Exact(Encoding::Tekken),
        Tokenizer::Llama3 => Counting::Exact(Encoding::Llama3),
        Tokenizer::Qwen => Counting::Exact(Encoding::Qwen),
        Tokenizer::Claude => est(Encoding::O200kBase, claude_family(id)),
        Tokenizer::Gemma3 if gemini_major(id).is_some_and(|v| v >= 4) => {
            est(Encoding::Gemma3, &GEMINI_UNPUBLISHED)
        }
        Tokenizer::Gemma3 => Counting::Exact(Encoding::Gemma3),
        Tokenizer::Estimate => est(Encoding::O200kBase, &OTHER),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claude_families_by_version() {
        assert_eq!(
            claude_family("claude-3-5-sonnet").factor,
            CLAUDE_3_TO_4_6.factor
        );
        assert_eq!(
            claude_family("claude-sonnet-4-5-20250929").factor,
            CLAUDE_3_TO_4_6.factor
        );
        assert_eq!(
            claude_family("claude-opus-4-6").factor,
            CLAUDE_3_TO_4_6.factor
        );
        assert_eq!(
            claude_family("claude-opus-4-7").factor,
            CLAUDE_4_7_PLUS.factor
        );
        assert_eq!(
            claude_family("claude-sonnet-5-5").factor,
            CLAUDE_4_7_PLUS.factor
        );
    }

    #[test]
    fn estimates_are_never_exact() {
        assert!(!counting_for(Tokenizer::Claude, "claude-opus-4-7").is_exact());
        assert!(!counting_for(Tokenizer::Estimate, "grok-4").is_exact());
        assert!(counting_for(Tokenizer::O200kBase, "gpt-4o").is_exact());
    }

    #[test]
    fn every_exact_label_names_its_encoding() {
        for t in Tokenizer::ALL {
            match counting_for(t, "some-model") {
                Counting::Exact(e) => assert_eq!(e.name(), t.as_str()),
                Counting::Estimate { .. } => {
                    assert!(matches!(t, Tokenizer::Claude | Tokenizer::Estimate), "{t}")
                }
            }
        }
    }

    #[test]
    fn gemini_2_to_3_are_exact_later_ones_estimates_over_gemma3() {
        for id in [
            "gemini-2.0-flash",
            "gemini-2.5-pro",
            "gemini-3-pro-preview",
            "gemini-3.8-flash",
            "models/gemini-3.5-flash",
        ] {
            assert_eq!(
                counting_for(Tokenizer::Gemma3, id),
                Counting::Exact(Encoding::Gemma3),
                "{id}"
            );
        }
        let c = counting_for(Tokenizer::Gemma3, "gemini-4-argon");
        assert!(!c.is_exact());
        assert_eq!(c.encoding(), Encoding::Gemma3);
    }
}
