//! Tokenizers: which encodings exist, how a model's count is derived from them, and the
//! exact counting of a `&str`.
//!
//! Owns: the mapping from an [`Encoding`] to its implementation and the [`Counting`] rule
//! (exact, or an estimate derived from an exact count with a stated error bound).
//! Never: knows about documents, prices or the protocol.

pub mod chunks;
pub mod gemma3;
mod gemma3_merge;
mod gemma3_pairs;
mod openai;
mod vendors;

use openai::OpenAi;
use vendors::Vendor;

use std::fmt;

/// A tokenizer that promptcost implements exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Encoding {
    /// OpenAI `o200k_base` (GPT-4o, GPT-4.1, o-series, GPT-5 family).
    O200kBase,
    /// OpenAI `cl100k_base` (GPT-4, GPT-3.5).
    Cl100kBase,
    /// Google's Gemma 3 SentencePiece model (Gemini 2.0, 2.5, 3.x).
    Gemma3,
    /// DeepSeek's 128,000-token byte-level BPE (V3, V3.1, V4: one vocabulary).
    DeepSeekV4,
    /// Mistral's Tekken (`tekken_240911`: Mistral NeMo, Pixtral 12B, Ministral 8B, Small 24.09).
    Tekken,
    /// Meta's Llama 3 tokenizer (128,000 tokens: Llama 3, 3.1, 3.2, 3.3).
    Llama3,
    /// Alibaba's Qwen tokenizer (151,643 tokens, NFC first: Qwen 2, 2.5, 3 and the DashScope
    /// API models).
    Qwen,
}

impl Encoding {
    pub const ALL: [Encoding; 7] = [
        Encoding::O200kBase,
        Encoding::Cl100kBase,
        Encoding::Gemma3,
        Encoding::DeepSeekV4,
        Encoding::Tekken,
        Encoding::Llama3,
        Encoding::Qwen,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Encoding::O200kBase => "o200k_base",
            Encoding::Cl100kBase => "cl100k_base",
            Encoding::Gemma3 => "gemma3",
            Encoding::DeepSeekV4 => "deepseek_v4",
            Encoding::Tekken => "tekken",
            Encoding::Llama3 => "llama3",
            Encoding::Qwen => "qwen",
        }
    }

    /// Exact token count of `text` (plain text: no special tokens, no chat framing).
    ///
    /// The tokenizer tables load lazily on first use, once per process, and are shared
    /// across threads (`openai.rs` says which of two exact counters runs when).
    pub fn count(self, text: &str) -> usize {
        if text.is_empty() {
            return 0;
        }
        match self {
            Encoding::O200kBase => OpenAi::O200k.count(text),
            Encoding::Cl100kBase => OpenAi::Cl100k.count(text),
            Encoding::Gemma3 => gemma3::count(text),
            Encoding::DeepSeekV4 => Vendor::DeepSeek.count(text),
            Encoding::Tekken => Vendor::Tekken.count(text),
            Encoding::Llama3 => Vendor::Llama3.count(text),
            Encoding::Qwen => Vendor::Qwen.count(text),
        }
    }

    /// Loads the tokenizer tables now (used to warm up in the background): for `o200k_base`
    /// the fast counter's tables, which a small count would not wait for (`openai.rs`). The other vendors' tables load on first use instead (~0.1 s each): few
    /// configurations count them.
    pub fn warm_up(self) {
        match self {
            Encoding::O200kBase => openai::warm_up(OpenAi::O200k),
            Encoding::Cl100kBase => openai::warm_up(OpenAi::Cl100k),
            Encoding::Gemma3 => {
                gemma3::build_pair_table();
            }
            Encoding::DeepSeekV4 | Encoding::Tekken | Encoding::Llama3 | Encoding::Qwen => {}
        }
    }

    /// The OpenAI encodings' two exact counters, separately: `bpe-openai` and `toktok`
    /// (for the differential fuzz target and the benchmarks; `None` for other encodings).
    #[doc(hidden)]
    pub fn count_both(self, text: &str) -> Option<(usize, usize)> {
        let e = match self {
            Encoding::O200kBase => OpenAi::O200k,
            Encoding::Cl100kBase => OpenAi::Cl100k,
            _ => return None,
        };
        Some((e.count_reference(text), e.count_fast(text)))
    }

    /// Whether a count of `text` can be split at byte `p` (a char boundary, 0 < p < len)
    /// so that `count(text[..p]) + count(text[p..]) == count(text)` whatever surrounds it.
    ///
    /// The OpenAI, DeepSeek, Tekken, Llama 3 and Qwen encodings pre-tokenize with a regex and apply BPE to
    /// each piece, so a split is exact exactly where every left context ends a piece. Two
    /// local rules guarantee that (proved against each pattern in ARCHITECTURE.md, checked by
    /// property tests and the oracle tests against a from-scratch count):
    /// 1. after `\n`, before a character that is neither whitespace nor `/`
    ///    (o200k's punctuation rule `[^\s\p{L}\p{N}]+[\r\n/]*` swallows `;\n//`);
    /// 2. after a non-whitespace character, before a space or a tab (no piece continues
    ///    from a non-whitespace character into a space or tab).
    ///
    /// Gemma 3 is plain BPE over the whole text; a split is exact where no vocabulary
    /// piece contains the character pair ([`gemma3::is_cut`], checked over the vocabulary).
    #[inline]
    pub fn is_cut(self, prev: char, next: char) -> bool {
        match self {
            Encoding::O200kBase
            | Encoding::Cl100kBase
            | Encoding::DeepSeekV4
            | Encoding::Tekken
            | Encoding::Llama3
            | Encoding::Qwen => {
                (prev == '\n' && next != '/' && !next.is_whitespace())
                    || ((next == ' ' || next == '\t') && !prev.is_whitespace())
            }
            Encoding::Gemma3 => gemma3::is_cut(prev, next),
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How a model's token count is obtained.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Counting {
    /// The model's own tokenizer, implemented exactly.
    Exact(Encoding),
    /// No public tokenizer: `base` count times `factor`, within ± `error_pct` percent.
    Estimate {
        base: Encoding,
        factor: f64,
        error_pct: f64,
    },
}

impl Counting {
    pub fn encoding(&self) -> Encoding {
        match *self {
            Counting::Exact(e) => e,
            Counting::Estimate { base, .. } => base,
        }
    }

    pub(crate) fn is_exact(&self) -> bool {
        matches!(self, Counting::Exact(_))
    }

    pub fn error_pct(&self) -> Option<f64> {
        match *self {
            Counting::Exact(_) => None,
            Counting::Estimate { error_pct, .. } => Some(error_pct),
        }
    }

    /// The model's count, given the count of the same text in [`Counting::encoding`].
    pub fn from_base(&self, base_tokens: u64) -> u64 {
        match *self {
            Counting::Exact(_) => base_tokens,
            Counting::Estimate { factor, .. } => (base_tokens as f64 * factor).round() as u64,
        }
    }

    /// Counts `text` directly.
    pub fn count(&self, text: &str) -> u64 {
        self.from_base(self.encoding().count(text) as u64)
    }
}
