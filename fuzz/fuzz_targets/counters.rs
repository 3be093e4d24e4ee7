//! The counters against each other on arbitrary text: for the OpenAI encodings, `toktok` (the
//! fast counter) equals `bpe-openai` (the reference crate, itself checked against OpenAI's
//! `tiktoken` by the oracle tests); for every encoding, the count of a text equals the sum of
//! the counts of its pieces cut at every exact cut point (`Encoding::is_cut`, the rule the
//! incremental engine relies on).
//!
//! Under AddressSanitizer the seed `cjk_digits_marks` showed toktok 0.3.0 reading past its
//! input (now counted from a zero-padded copy: `src/tokenize/openai.rs`).
//!
//! Input: any bytes, read as UTF-8 with invalid sequences replaced.
#![no_main]

use libfuzzer_sys::fuzz_target;
use promptcost::tokenize::Encoding;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for enc in Encoding::ALL {
        let whole = enc.count(&text);
        if let Some((reference, fast)) = enc.count_both(&text) {
            assert_eq!(reference, fast, "{enc}: bpe-openai {reference}, toktok {fast} for {text:?}");
            assert_eq!(whole, reference, "{enc}");
        }
        let mut sum = 0;
        let mut start = 0;
        let mut prev: Option<char> = None;
        for (i, c) in text.char_indices() {
            if prev.is_some_and(|p| enc.is_cut(p, c)) {
                sum += enc.count(&text[start..i]);
                start = i;
            }
            prev = Some(c);
        }
        sum += enc.count(&text[start..]);
        assert_eq!(sum, whole, "{enc}: pieces cut at every cut point sum to {sum}, whole {whole}: {text:?}");
    }
});
