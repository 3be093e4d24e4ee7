//! Counts checked against the reference implementations (via `tests/oracle/count.py`):
//! OpenAI's own `tiktoken` (both of promptcost's OpenAI counters, `bpe-openai` and `toktok`),
//! Google's `sentencepiece` with the Gemma 3 model, Hugging Face `tokenizers` with DeepSeek's
//! `tokenizer.json`, and `mistral-common`'s Tekkenizer. The plain counter, the incremental
//! engine, and section counts, on a corpus of real text; equality, not closeness.

use crate::oracle;

use promptcost::document::Document;
use promptcost::tokenize::{chunks::ChunkedCount, Encoding};
use ropey::Rope;

#[test]
fn plain_and_incremental_counts_equal_the_reference() {
    let corpus = oracle::corpus();
    assert!(
        oracle::corpus_size(&corpus) > 300_000,
        "corpus too small: {} bytes",
        oracle::corpus_size(&corpus)
    );
    assert!(
        corpus.iter().any(|(n, _)| n.starts_with("cjk/")),
        "no CJK text found"
    );
    let texts: Vec<String> = corpus.iter().map(|(_, t)| t.clone()).collect();
    for enc in Encoding::ALL {
        let expected = oracle::counts(enc.name(), &texts);
        for ((name, text), want) in corpus.iter().zip(&expected) {
            assert_eq!(enc.count(text) as u64, *want, "{enc} plain count of {name}");
            if let Some((slow, fast)) = enc.count_both(text) {
                assert_eq!(
                    (slow as u64, fast as u64),
                    (*want, *want),
                    "{enc} bpe-openai, toktok: {name}"
                );
            }
            let rope = Rope::from_str(text);
            let c = ChunkedCount::new(enc, &rope, &[]);
            assert!(
                text.len() < 4096 || c.chunk_count() > 1,
                "{name} was not chunked"
            );
            assert_eq!(c.total(), *want, "{enc} chunked count of {name}");
        }
    }
}

#[test]
fn random_strings_equal_the_reference() {
    // Deterministic pseudo-random strings from a hard alphabet (a fixed LCG, no dependency).
    let alphabet: Vec<&str> = vec![
        "a",
        "Z",
        " ",
        "  ",
        "\n",
        "\r\n",
        "\t",
        "/",
        "'s",
        "1",
        "234",
        "日",
        "😀",
        "é",
        // decomposed forms that NFC composes (Qwen normalizes first)
        "e\u{301}",
        "A\u{30a}",
        ".",
        ";",
        "#",
        "\u{a0}",
        "İ",
        "ǅ",
        // Gemma 3's user-defined pieces and byte fallback: HTML tags, <unusedN>, runs, '▁' itself.
        "<b>",
        "</td>",
        "<unused12>",
        "<start_of_turn>",
        "[multimodal]",
        "<",
        ">",
        "\u{2581}",
        "\r",
        "\0",
        "\u{7f}",
        "\u{10ffff}",
        "ꙮ",
    ];
    let mut seed: u64 = 42;
    let mut texts = Vec::new();
    for _ in 0..3000 {
        let mut s = String::new();
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let len = (seed >> 33) % 40 + 1;
        for _ in 0..len {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            s.push_str(alphabet[((seed >> 33) as usize) % alphabet.len()]);
        }
        texts.push(s);
    }
    for enc in Encoding::ALL {
        let expected = oracle::counts(enc.name(), &texts);
        for (t, want) in texts.iter().zip(&expected) {
            assert_eq!(enc.count(t) as u64, *want, "{enc}: {t:?}");
            if let Some((slow, fast)) = enc.count_both(t) {
                assert_eq!(
                    (slow as u64, fast as u64),
                    (*want, *want),
                    "{enc} bpe-openai, toktok: {t:?}"
                );
            }
        }
    }
}

#[test]
fn every_gemma3_vocabulary_piece_as_text_equals_sentencepiece() {
    // Each piece is reachable only through a chain of merges; text equal to a piece is where
    // a wrong merge order shows (kitoken 0.11.1 differs on 5 of these).
    let texts: Vec<String> = promptcost::tokenize::gemma3::model()
        .all_pieces
        .iter()
        .filter(|(p, ty)| *ty == 1 && !p.is_empty())
        .map(|(p, _)| p.replace('\u{2581}', " "))
        .collect();
    assert!(texts.len() > 250_000);
    let expected = oracle::counts("gemma3", &texts);
    let wrong: Vec<_> = texts
        .iter()
        .zip(&expected)
        .filter(|(t, want)| Encoding::Gemma3.count(t) as u64 != **want)
        .map(|(t, w)| (t.clone(), *w))
        .take(10)
        .collect();
    assert!(wrong.is_empty(), "{} differ, e.g. {wrong:?}", wrong.len());
}

#[test]
fn embedded_gemma3_model_is_googles_file() {
    // The oracle inflates the same embedded file and checks this hash too; this test says so
    // without Python: the model we count with is the one google-genai's LocalTokenizer pins.
    let ours = promptcost::tokenize::gemma3::model_bytes();
    let out = std::process::Command::new("sha256sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(&ours)?;
            c.wait_with_output()
        })
        .expect("sha256sum");
    let hex = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        hex.split_whitespace().next(),
        Some("1299c11d7cf632ef3b4e11937501358ada021bbdf7c47638d13c0ee982f2e79c")
    );
}

#[test]
fn section_counts_equal_tiktoken_on_the_section_text() {
    let text = std::fs::read_to_string(oracle::repo().join("examples/prompts/support.md"))
        .expect("examples/prompts/support.md");
    let doc = Document::new(
        std::path::Path::new("prompts/support.md"),
        &text,
        &[Encoding::O200kBase],
    );
    let settings = promptcost::config::Settings::load(
        std::path::Path::new("/"),
        None,
        &promptcost::config::Overrides {
            models: Some(vec!["gpt-4o".into()]),
            ..Default::default()
        },
    )
    .unwrap();
    let a = doc.analyze(&settings);
    assert!(a.parts.len() >= 3);
    let texts: Vec<String> = std::iter::once(text[a.file.range.clone()].to_string())
        .chain(a.parts.iter().map(|p| text[p.range.clone()].to_string()))
        .collect();
    let expected = oracle::counts("o200k_base", &texts);
    assert_eq!(a.file.counts[0].tokens, expected[0], "file");
    for (p, want) in a.parts.iter().zip(&expected[1..]) {
        assert_eq!(p.counts[0].tokens, *want, "section {}", p.name);
    }
}
