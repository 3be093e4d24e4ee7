//! A model's tokenizer as the table names it (`promptcost_tokenizer`): an encoding promptcost
//! implements exactly, or a kind of estimate.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How the table says a model tokenizes. Reads and writes the table's labels
/// (`o200k_base`, `claude`, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tokenizer {
    O200kBase,
    Cl100kBase,
    /// Gemma 3 (Gemini 2.0 – 3.x exactly; later Gemini models as an estimate over it).
    Gemma3,
    DeepSeekV4,
    Tekken,
    /// Meta's Llama 3 tokenizer (Llama 3 – 3.3).
    Llama3,
    /// Alibaba's Qwen tokenizer (Qwen 2 – 3, DashScope's API models).
    Qwen,
    /// Anthropic's unpublished tokenizers: per-family estimates, or the opt-in API.
    Claude,
    /// Any other model: an estimate over o200k with a wide bound.
    Estimate,
}

impl Tokenizer {
    /// Every label the model table may use.
    pub const ALL: [Tokenizer; 9] = [
        Tokenizer::O200kBase,
        Tokenizer::Cl100kBase,
        Tokenizer::Gemma3,
        Tokenizer::DeepSeekV4,
        Tokenizer::Tekken,
        Tokenizer::Llama3,
        Tokenizer::Qwen,
        Tokenizer::Claude,
        Tokenizer::Estimate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Tokenizer::O200kBase => "o200k_base",
            Tokenizer::Cl100kBase => "cl100k_base",
            Tokenizer::Gemma3 => "gemma3",
            Tokenizer::DeepSeekV4 => "deepseek_v4",
            Tokenizer::Tekken => "tekken",
            Tokenizer::Llama3 => "llama3",
            Tokenizer::Qwen => "qwen",
            Tokenizer::Claude => "claude",
            Tokenizer::Estimate => "estimate",
        }
    }

    /// The tokenizer a table label names; a label the table does not define is counted as
    /// an estimate, as it always was.
    pub(crate) fn from_label(label: &str) -> Tokenizer {
        Tokenizer::ALL
            .into_iter()
            .find(|t| t.as_str() == label)
            .unwrap_or(Tokenizer::Estimate)
    }
}

impl fmt::Display for Tokenizer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Tokenizer {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Tokenizer {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Tokenizer, D::Error> {
        Ok(Tokenizer::from_label(&String::deserialize(d)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_round_trip() {
        for t in Tokenizer::ALL {
            assert_eq!(Tokenizer::from_label(t.as_str()), t);
            assert_eq!(t.to_string(), t.as_str());
            let json = serde_json::to_string(&t).unwrap();
            assert_eq!(json, format!("\"{}\"", t.as_str()));
            assert_eq!(serde_json::from_str::<Tokenizer>(&json).unwrap(), t);
        }
        assert_eq!(Tokenizer::from_label("kimi_k2"), Tokenizer::Estimate);
    }
}
