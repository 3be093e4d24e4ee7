//! Who serves a model (LiteLLM's `litellm_provider`): the providers whose billing rules the
//! code knows, and the long tail by name.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A model's provider. Reads and writes LiteLLM's strings (`openai`, `anthropic`, ...);
/// any other provider keeps its name in [`Provider::Other`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Provider {
    OpenAi,
    Anthropic,
    Gemini,
    /// Google's Vertex AI (`vertex_ai`): Gemini's billing rules.
    VertexAi,
    DeepSeek,
    Mistral,
    Xai,
    /// Any other LiteLLM provider (`groq`, `openrouter`, ...), or `unknown` when the table
    /// names none.
    Other(String),
}

impl Provider {
    pub fn as_str(&self) -> &str {
        match self {
            Provider::OpenAi => "openai",
            Provider::Anthropic => "anthropic",
            Provider::Gemini => "gemini",
            Provider::VertexAi => "vertex_ai",
            Provider::DeepSeek => "deepseek",
            Provider::Mistral => "mistral",
            Provider::Xai => "xai",
            Provider::Other(name) => name,
        }
    }

    /// Google's Gemini API or Vertex AI.
    pub(crate) fn is_google(&self) -> bool {
        matches!(self, Provider::Gemini | Provider::VertexAi)
    }
}

impl From<&str> for Provider {
    fn from(s: &str) -> Provider {
        match s {
            "openai" => Provider::OpenAi,
            "anthropic" => Provider::Anthropic,
            "gemini" => Provider::Gemini,
            "vertex_ai" => Provider::VertexAi,
            "deepseek" => Provider::DeepSeek,
            "mistral" => Provider::Mistral,
            "xai" => Provider::Xai,
            other => Provider::Other(other.to_string()),
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Provider {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Provider {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Provider, D::Error> {
        Ok(Provider::from(String::deserialize(d)?.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_round_trip() {
        for s in [
            "openai",
            "anthropic",
            "gemini",
            "vertex_ai",
            "deepseek",
            "mistral",
            "xai",
            "groq",
            "unknown",
        ] {
            let p = Provider::from(s);
            assert_eq!(p.as_str(), s);
            assert_eq!(p.to_string(), s);
            let json = serde_json::to_string(&p).unwrap();
            assert_eq!(json, format!("\"{s}\""));
            assert_eq!(serde_json::from_str::<Provider>(&json).unwrap(), p);
        }
        assert_eq!(Provider::from("groq"), Provider::Other("groq".into()));
    }
}
