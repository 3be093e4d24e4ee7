//! The per-message framing tokens a chat request adds to its messages' text, as providers
//! document them. Only OpenAI documents any ("How to count tokens with tiktoken").
//!
//! Owns: the framing constants and arithmetic. Never: counts text.

use crate::pricing::{Model, Provider};

/// Per-message framing tokens that OpenAI documents for its chat models ("How to count tokens
/// with tiktoken": 3 per message, plus 3 priming the reply). Other providers document none.
pub const OPENAI_TOKENS_PER_MESSAGE: u64 = 3;
pub const OPENAI_REPLY_PRIMING: u64 = 3;

/// The framing of `messages` chat messages for model `m`.
pub(crate) fn framing(m: &Model, messages: u64) -> u64 {
    if m.provider == Provider::OpenAi {
        OPENAI_TOKENS_PER_MESSAGE * messages
    } else {
        0
    }
}

/// The tokens priming the reply of a whole chat for model `m`.
pub(crate) fn reply_priming(m: &Model) -> u64 {
    if m.provider == Provider::OpenAi {
        OPENAI_REPLY_PRIMING
    } else {
        0
    }
}
