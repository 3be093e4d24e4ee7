//! `cargo bench --bench engine`: the counting engine. Every figure is a ratio against a
//! baseline measured in the same run (absolute times depend on the machine).

mod support;

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use promptcost::document::Document;
use promptcost::tokenize::{chunks::ChunkedCount, Encoding};
use ropey::Rope;
use support::*;

const MB: usize = 1_000_000;

fn throughput() {
    println!("## Full count, 1 MB: throughput and ratio to the fastest exact crate (toktok)");
    println!("Goal: promptcost's count (and the chunked engine) ≥ 0.9x toktok on prose and code. bpe-openai");
    println!("is what promptcost counted with before; every column is checked equal to it.\n");
    println!("| encoding | text | toktok 0.3 | promptcost count | ratio | engine (chunked) | ratio | bpe-openai (before) | speedup | tiktoken-rs |");
    println!("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|");
    for (enc, tik) in [
        (Encoding::O200kBase, tiktoken_rs::o200k_base().unwrap()),
        (Encoding::Cl100kBase, tiktoken_rs::cl100k_base().unwrap()),
    ] {
        // Both counters built, so `enc.count` is the fast one from the first run on.
        enc.count_both("warm up");
        let tok = toktok::Tokenizer::builtin(enc.name()).unwrap();
        let bpe = if enc == Encoding::O200kBase {
            bpe_openai::o200k_base()
        } else {
            bpe_openai::cl100k_base()
        };
        for (name, text) in [("prose", prose(MB)), ("code", code(MB))] {
            let n = bpe.count(text.as_str());
            let rope = Rope::from_str(&text);
            let t = interleaved(
                9,
                &mut [
                    &mut || {
                        black_box(tok.count(black_box(text.as_bytes())));
                    },
                    &mut || {
                        black_box(enc.count(black_box(&text)));
                    },
                    &mut || {
                        let c = ChunkedCount::new(enc, &rope, &[]);
                        assert_eq!(c.total() as usize, n);
                    },
                    &mut || {
                        black_box(bpe.count(black_box(text.as_str())));
                    },
                ],
            );
            let (t_tok, t_ours, t_engine, t_bpe) = (t[0], t[1], t[2], t[3]);
            let t_tik = median_time(1, || {
                black_box(tik.encode_ordinary(black_box(&text)).len());
            });
            assert_eq!(tok.count(text.as_bytes()), n, "toktok and bpe-openai agree");
            assert_eq!(enc.count(&text), n, "promptcost and bpe-openai agree");
            assert_eq!(
                tik.encode_ordinary(&text).len(),
                n,
                "tiktoken-rs and bpe-openai agree"
            );
            let r = |t: std::time::Duration| t_tok.as_secs_f64() / t.as_secs_f64();
            println!(
                "| {enc} | {name} | {:.0} MB/s | {:.0} MB/s | {:.2}x | {:.0} MB/s | {:.2}x | {:.0} MB/s | {:.1}x | {:.0} MB/s |",
                mbps(text.len(), t_tok),
                mbps(text.len(), t_ours),
                r(t_ours),
                mbps(text.len(), t_engine),
                r(t_engine),
                mbps(text.len(), t_bpe),
                t_bpe.as_secs_f64() / t_ours.as_secs_f64(),
                mbps(text.len(), t_tik),
            );
        }
    }
}

fn engine_vs_before() {
    println!("\n## Chunked engine: counting a 1 MB file's chunks now vs with bpe-openai (before)");
    println!("The same chunks (cut by the same rules), counted one by one as the engine does; goal: no regression.\n");
    println!("| text | chunks | now | before (bpe-openai per chunk) | speedup |");
    println!("|---|--:|--:|--:|--:|");
    let enc = Encoding::O200kBase;
    for (name, text) in [
        ("prose", prose(MB)),
        ("code", code(MB)),
        ("markdown", markdown(MB)),
    ] {
        let rope = Rope::from_str(&text);
        let lens = ChunkedCount::new(enc, &rope, &[]).chunk_lens();
        let pieces: Vec<&str> = {
            let mut at = 0;
            lens.iter()
                .map(|&l| {
                    at += l;
                    &text[at - l..at]
                })
                .collect()
        };
        let t_now = median_time(5, || {
            black_box(pieces.iter().map(|p| enc.count(p)).sum::<usize>());
        });
        let t_before = median_time(5, || {
            black_box(
                pieces
                    .iter()
                    .map(|p| bpe_openai::o200k_base().count(p))
                    .sum::<usize>(),
            );
        });
        println!(
            "| {name} | {} | {} | {} | {:.1}x |",
            pieces.len(),
            ms(t_now),
            ms(t_before),
            t_before.as_secs_f64() / t_now.as_secs_f64()
        );
    }
}

fn gemini() {
    println!(
        "\n## Gemma 3 (Gemini), 1 MB: the merge loop now vs the reference transcription (before)"
    );
    println!("Now: candidate pairs looked up by the two symbols' piece ids in the pair table; before: the");
    println!("reference, by the pair's text.");
    println!("Cold: the segment cache emptied before each run (goal: ≥ 3x before on prose and code); warm:");
    println!("counted again. Last column: time per byte relative to prose, now (goal: ≤ 3x for no whitespace).\n");
    println!("| text | before, cold | now, cold | speedup | now, warm | per byte vs prose |");
    println!("|---|--:|--:|--:|--:|--:|");
    Encoding::Gemma3.warm_up();
    let (bytes, build) = promptcost::tokenize::gemma3::measure_pair_table();
    println!(
        "Pair table (piece ids, built once per process on a background thread): {:.1} MB, built in {}.\n",
        bytes as f64 / 1e6,
        ms(build)
    );
    let cjk = repeat_to(
        "日本語のテキストと中文文本，한국어 텍스트도 함께。絵文字😀も。\n",
        MB,
    );
    let spaces = " ".repeat(MB);
    let mut prose_time = None;
    for (name, text) in [
        ("prose", prose(MB)),
        ("code", code(MB)),
        ("CJK", cjk),
        ("no whitespace", no_whitespace(MB)),
        ("1 MB of spaces", spaces),
    ] {
        let gemma3 = promptcost::tokenize::gemma3::count;
        let t_before = median_time(3, || {
            promptcost::tokenize::gemma3::clear_cache();
            black_box(promptcost::tokenize::gemma3::count_by_reference(black_box(
                &text,
            )));
        });
        let t_cold = median_time(5, || {
            promptcost::tokenize::gemma3::clear_cache();
            black_box(gemma3(black_box(&text)));
        });
        let t_warm = median_time(5, || {
            black_box(gemma3(black_box(&text)));
        });
        assert_eq!(
            gemma3(&text),
            promptcost::tokenize::gemma3::count_by_reference(&text),
            "{name}"
        );
        let per_byte = *prose_time.get_or_insert(t_cold);
        println!(
            "| {name} | {} | {} | {:.2}x | {} | {:.2}x |",
            ms(t_before),
            ms(t_cold),
            t_before.as_secs_f64() / t_cold.as_secs_f64(),
            ms(t_warm),
            t_cold.as_secs_f64() / per_byte.as_secs_f64()
        );
    }
}

fn pathological() {
    println!("\n## Pathological text, 1 MB: time per byte relative to prose (goal: within 3x)");
    println!("| text | promptcost (toktok) | ratio to prose | bpe-openai | ratio to its prose |");
    println!("|---|--:|--:|--:|--:|");
    let enc = Encoding::O200kBase;
    let bpe = bpe_openai::o200k_base();
    let p = prose(MB);
    let ours_prose = median_time(5, || {
        black_box(enc.count(&p));
    });
    let bpe_prose = median_time(3, || {
        black_box(bpe.count(&p));
    });
    for (name, text) in [
        ("no whitespace (letters)", no_whitespace(MB)),
        ("base64", base64(MB)),
        ("1 MB of \"a\"", "a".repeat(MB)),
        ("1 MB of spaces", " ".repeat(MB)),
    ] {
        let t = median_time(3, || {
            black_box(enc.count(&text));
        });
        let t_bpe = median_time(3, || {
            black_box(bpe.count(&text));
        });
        assert_eq!(enc.count(&text), bpe.count(&text), "{name}");
        println!(
            "| {name} | {} | {:.2}x | {} | {:.2}x |",
            ms(t),
            t.as_secs_f64() / ours_prose.as_secs_f64(),
            ms(t_bpe),
            t_bpe.as_secs_f64() / bpe_prose.as_secs_f64()
        );
    }
}

/// Runs in a child process (`engine startup-child WHICH`): one small count from a cold start.
fn startup_child(which: &str) {
    let text = "# Support agent\nYou are a helpful assistant. Answer briefly.\n";
    let n = match which {
        "before" => bpe_openai::o200k_base().count(text),
        _ => Encoding::O200kBase.count(text),
    };
    black_box(n);
}

fn startup() {
    println!("\n## Process time of a small count (a fresh process each time; goal: within 1.5x of before)");
    println!("`before`: a process that counts with bpe-openai, as promptcost did; `now`: Encoding::count (toktok's");
    println!("tables are not built for a small text); `promptcost count`: the real binary on a 60-byte file.\n");
    println!("| process | p50 | ratio to before |");
    println!("|---|--:|--:|");
    let me = std::env::current_exe().unwrap();
    let dir = tempfile_dir();
    let file = dir.join("small.md");
    std::fs::write(
        &file,
        "# Support agent\nYou are a helpful assistant. Answer briefly.\n",
    )
    .unwrap();
    let run = |cmd: &mut std::process::Command| {
        median_time(15, || {
            let out = cmd.output().unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        })
    };
    let before = run(std::process::Command::new(&me).args(["startup-child", "before"]));
    let now = run(std::process::Command::new(&me).args(["startup-child", "now"]));
    let bin = run(std::process::Command::new(env!("CARGO_BIN_EXE_promptcost"))
        .args(["count", "--model", "gpt-4o"])
        .arg(&file));
    for (name, t) in [
        ("before (bpe-openai)", before),
        ("now (Encoding::count)", now),
        ("`promptcost count small.md`", bin),
    ] {
        println!(
            "| {name} | {} | {:.2}x |",
            ms(t),
            t.as_secs_f64() / before.as_secs_f64()
        );
    }
}

fn tempfile_dir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("promptcost-bench-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn edits() {
    println!("\n## One-character edit: incremental update vs full recount (o200k_base)");
    println!(
        "Each edit inserts one character at a random position (then deletes it): the rope, the"
    );
    println!("prompt structure and the chunk counts are all updated. 2,000 edits per size.\n");
    println!("| document | incremental p50 | p99 | max | full recount | full / p50 | full / p99 |");
    println!("|---|--:|--:|--:|--:|--:|--:|");
    for size in [100_000, MB, 10 * MB] {
        let text = markdown(size);
        let mut doc = Document::new(Path::new("prompts/bench.md"), &text, &[Encoding::O200kBase]);
        let full = median_time(3, || {
            black_box(Encoding::O200kBase.count(black_box(&text)));
        });
        let mut r = Lcg(1);
        let mut samples = Vec::with_capacity(2000);
        let mut typed_at = 0;
        for i in 0..2000 {
            let start;
            if i % 2 == 0 {
                // Type a character at a random char boundary (the text is the original here).
                let mut at = r.below(text.len());
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                start = Instant::now();
                doc.replace(at..at, "x");
                typed_at = at;
            } else {
                // Delete the character typed by the previous edit.
                start = Instant::now();
                doc.replace(typed_at..typed_at + 1, "");
            }
            samples.push(start.elapsed());
        }
        assert_eq!(
            doc.count_encoding(Encoding::O200kBase, 0..doc.len()),
            Encoding::O200kBase.count(&doc.text()) as u64
        );
        let s = stats(samples);
        println!(
            "| {} KB | {} | {} | {} | {} | {:.0}x | {:.0}x |",
            size / 1000,
            us(s.p50),
            us(s.p99),
            us(s.max),
            ms(full),
            full.as_secs_f64() / s.p50.as_secs_f64(),
            full.as_secs_f64() / s.p99.as_secs_f64()
        );
    }
}

fn analysis() {
    println!("\n## Analysis after an edit (sections, counts per model, budgets): what the server does per keystroke");
    println!("Models gpt-4o, claude-sonnet-4-5, gemini-2.5-pro (o200k_base and Gemma 3 counters). Whole: every");
    println!("section (a full report). Keystroke: a one-character edit and the analysis of the sections of");
    println!("the 60 lines around it (an inlay-hint request). 2,000 keystrokes per size.\n");
    println!("| document | sections | whole p50 | p99 | keystroke p50 | p99 |");
    println!("|---|--:|--:|--:|--:|--:|");
    let settings = promptcost::config::Settings::load(
        Path::new("/"),
        None,
        &promptcost::config::Overrides {
            models: Some(vec![
                "gpt-4o".into(),
                "claude-sonnet-4-5".into(),
                "gemini-2.5-pro".into(),
            ]),
            ..Default::default()
        },
    )
    .unwrap();
    let mut p99s = Vec::new();
    for size in [100_000, MB, 10 * MB] {
        let text = markdown(size);
        let encodings = [Encoding::O200kBase, Encoding::Gemma3];
        let mut doc = Document::new(Path::new("prompts/bench.md"), &text, &encodings);
        let (mut whole, mut keystroke) = (Vec::new(), Vec::new());
        let mut sections = 0;
        let mut r = Lcg(7);
        for i in 0..2000 {
            let at = r.below(text.len());
            let at = (0..=at).rev().find(|&a| text.is_char_boundary(a)).unwrap();
            let t = Instant::now();
            doc.replace(at..at, "x");
            let line = doc.rope.byte_to_line(at);
            let from = doc.rope.line_to_byte(line.saturating_sub(30));
            let to = doc.rope.line_to_byte((line + 30).min(doc.rope.len_lines()));
            black_box(doc.analyze_visible(&settings, from..to));
            keystroke.push(t.elapsed());
            if i % 10 == 0 {
                let t = Instant::now();
                let a = doc.analyze(&settings);
                whole.push(t.elapsed());
                sections = a.parts.len();
            }
            doc.replace(at..at + 1, "");
        }
        let (w, k) = (stats(whole), stats(keystroke));
        p99s.push(k.p99);
        println!(
            "| {} KB | {} | {} | {} | {} | {} |",
            size / 1000,
            sections,
            us(w.p50),
            us(w.p99),
            us(k.p50),
            us(k.p99)
        );
    }
    println!(
        "\nKeystroke p99 at 10 MB: {:.2}x the 100 KB p99.",
        p99s[2].as_secs_f64() / p99s[0].as_secs_f64()
    );
}

fn code_prompts() {
    println!("\n## Source code: a keystroke inside a prompt literal of a 1 MB Python file with 500 prompts");
    println!(
        "Incremental: rope edit and the text's `String` mirror edited in place; an edit inside a"
    );
    println!("string's content that cannot end or split it (no quote, backslash, brace or line break typed,");
    println!(
        "deleted or next to it; no escape or interpolation in that literal) moves the tree with"
    );
    println!("`Tree::edit` alone, anything else is re-parsed incrementally; re-extraction of the statements");
    println!(
        "around the edit, counting only the literal whose value changed. Full: parse, extract and"
    );
    println!("count from scratch.\n");
    println!("| file | prompts | incremental p50 | p99 | full | full / p50 |");
    println!("|---|--:|--:|--:|--:|--:|");
    // Valid Python: 500 prompt constants, each followed by ordinary functions.
    let mut text = String::new();
    let mut f = 0;
    for i in 0..500 {
        text.push_str(&format!("SYSTEM_PROMPT_{i} = \"\"\"You are assistant number {i}. Answer questions about billing and accounts.\nBe brief.\"\"\"\n\n"));
        while text.len() < (i + 1) * 2000 {
            f += 1;
            text.push_str(&format!(
                "def handler_{f}(request, context):\n    \"\"\"Handle request {f}.\"\"\"\n    user = context.get(\"user\")\n    if user is None:\n        raise ValueError(\"no user for request {f}\")\n    items = [x * 2 for x in range(10) if x % 3]\n    return {{\"status\": \"ok\", \"items\": items, \"user\": user}}\n\n\n"
            ));
        }
    }
    let rules = std::sync::Arc::new(promptcost::extract::code::CompiledRules::default());
    let path = Path::new("app.py");
    let lang = promptcost::extract::code::Lang::Python;
    let encs = [Encoding::O200kBase];
    let full = median_time(3, || {
        black_box(Document::new_code(path, lang, &text, rules.clone(), &encs));
    });
    let mut doc = Document::new_code(path, lang, &text, rules.clone(), &encs);
    let n = doc.code().unwrap().prompts.len();
    let targets: Vec<usize> = text
        .match_indices("You are assistant")
        .map(|(i, _)| i + 4)
        .collect();
    let mut samples = Vec::new();
    let mut r = Lcg(5);
    for _ in 0..100 {
        // Type a character into a prompt, then delete it: both timed; the text (and so every
        // target offset) is the same again after each pair.
        let at = targets[r.below(targets.len())];
        let t = Instant::now();
        doc.replace(at..at, "x");
        samples.push(t.elapsed());
        let t = Instant::now();
        doc.replace(at..at + 1, "");
        samples.push(t.elapsed());
    }
    assert_eq!(
        doc.code().unwrap().prompts.len(),
        n,
        "the edits kept every prompt"
    );
    let s = stats(samples);
    println!(
        "| {} KB | {n} | {} | {} | {} | {:.0}x |",
        text.len() / 1000,
        ms(s.p50),
        ms(s.p99),
        ms(full),
        full.as_secs_f64() / s.p50.as_secs_f64()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("startup-child") {
        startup_child(args.get(2).map_or("now", String::as_str));
        return;
    }
    // A filter argument selects one group.
    let filter = filter();
    let on = |name: &str| filter.as_deref().is_none_or(|f| name.contains(f));
    Encoding::O200kBase.warm_up();
    if on("throughput") {
        throughput();
    }
    if on("engine") {
        engine_vs_before();
    }
    if on("startup") {
        startup();
    }
    if on("gemini") {
        gemini();
    }
    if on("pathological") {
        pathological();
    }
    if on("edits") {
        edits();
    }
    if on("analysis") {
        analysis();
    }
    if on("code") {
        code_prompts();
    }
}
