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
    println!("## Full count, 1 MB (o200k_base): throughput and ratio to raw bpe-openai");
    println!("| text | bpe-openai | promptcost engine (chunked) | tiktoken-rs |");
    println!("|---|--:|--:|--:|");
    let tik = tiktoken_rs::o200k_base().unwrap();
    for (name, text) in [("prose", prose(MB)), ("code", code(MB))] {
        let n = bpe_openai::o200k_base().count(text.as_str());
        let t_bpe = median_time(5, || {
            black_box(bpe_openai::o200k_base().count(black_box(text.as_str())));
        });
        let rope = Rope::from_str(&text);
        let t_engine = median_time(5, || {
            let c = ChunkedCount::new(Encoding::O200kBase, &rope, &[]);
            assert_eq!(c.total() as usize, n);
        });
        let t_tik = median_time(5, || {
            black_box(tik.encode_ordinary(black_box(&text)).len());
        });
        assert_eq!(
            tik.encode_ordinary(&text).len(),
            n,
            "tiktoken-rs and bpe-openai agree"
        );
        println!(
            "| {name} | {:.1} MB/s (1.00x) | {:.1} MB/s ({:.2}x) | {:.1} MB/s ({:.2}x) |",
            mbps(text.len(), t_bpe),
            mbps(text.len(), t_engine),
            t_bpe.as_secs_f64() / t_engine.as_secs_f64(),
            mbps(text.len(), t_tik),
            t_bpe.as_secs_f64() / t_tik.as_secs_f64()
        );
    }
}

fn gemini() {
    println!("\n## Gemma 3 (Gemini) vs o200k_base on the same 1 MB (goal: within 2x)");
    println!(
        "Cold: the segment cache emptied before each run; warm: counted again (what an editor"
    );
    println!("sees after the first count). Ratios are Gemma 3 time / bpe-openai o200k time.\n");
    println!("| text | o200k (bpe-openai) | Gemma 3 cold | ratio | Gemma 3 warm | ratio |");
    println!("|---|--:|--:|--:|--:|--:|");
    Encoding::Gemma3.warm_up();
    let cjk = repeat_to(
        "日本語のテキストと中文文本，한국어 텍스트도 함께。絵文字😀も。\n",
        MB,
    );
    let spaces = " ".repeat(MB);
    for (name, text) in [
        ("prose", prose(MB)),
        ("code", code(MB)),
        ("CJK", cjk),
        ("no whitespace", no_whitespace(MB)),
        ("1 MB of spaces", spaces),
    ] {
        let t_o200k = median_time(5, || {
            black_box(Encoding::O200kBase.count(black_box(&text)));
        });
        let t_cold = median_time(5, || {
            promptcost::tokenize::gemma3::clear_cache();
            black_box(Encoding::Gemma3.count(black_box(&text)));
        });
        let t_warm = median_time(5, || {
            black_box(Encoding::Gemma3.count(black_box(&text)));
        });
        println!(
            "| {name} | {} | {} | {:.2}x | {} | {:.2}x |",
            ms(t_o200k),
            ms(t_cold),
            t_cold.as_secs_f64() / t_o200k.as_secs_f64(),
            ms(t_warm),
            t_warm.as_secs_f64() / t_o200k.as_secs_f64()
        );
    }
}

fn pathological() {
    println!("\n## Pathological text, 1 MB: time per byte relative to prose (goal: within 3x)");
    println!("| text | bpe-openai | ratio to prose | tiktoken-rs |");
    println!("|---|--:|--:|--:|");
    let prose_only = {
        let p = prose(MB);
        median_time(3, || {
            black_box(bpe_openai::o200k_base().count(p.as_str()));
        })
    };
    let tik = tiktoken_rs::o200k_base().unwrap();
    for (name, text) in [
        ("no whitespace (letters)", no_whitespace(MB)),
        ("base64", base64(MB)),
    ] {
        let t = median_time(3, || {
            black_box(bpe_openai::o200k_base().count(text.as_str()));
        });
        let t_tik = median_time(1, || {
            black_box(tik.encode_ordinary(&text).len());
        });
        println!(
            "| {name} | {} | {:.2}x | {} |",
            ms(t),
            t.as_secs_f64() / prose_only.as_secs_f64(),
            ms(t_tik)
        );
    }
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
    println!("| document | sections | analyze p50 | p99 |");
    println!("|---|--:|--:|--:|");
    let settings = promptcost::config::Settings::load(
        Path::new("/"),
        None,
        &promptcost::config::Overrides {
            models: Some(vec!["gpt-4o".into(), "claude-sonnet-4-5".into()]),
            ..Default::default()
        },
    )
    .unwrap();
    for size in [100_000, MB, 10 * MB] {
        let text = markdown(size);
        let mut doc = Document::new(Path::new("prompts/bench.md"), &text, &[Encoding::O200kBase]);
        let mut samples = Vec::new();
        let mut sections = 0;
        for i in 0..200 {
            let at = (i * 7919) % text.len();
            let at = (0..=at).rev().find(|&a| text.is_char_boundary(a)).unwrap();
            doc.replace(at..at, "x");
            let t = Instant::now();
            let a = doc.analyze(&settings);
            samples.push(t.elapsed());
            sections = a.parts.len();
            doc.replace(at..at + 1, "");
        }
        let s = stats(samples);
        println!(
            "| {} KB | {} | {} | {} |",
            size / 1000,
            sections,
            us(s.p50),
            us(s.p99)
        );
    }
}

fn code_prompts() {
    println!("\n## Source code: a keystroke inside a prompt literal of a 1 MB Python file with 500 prompts");
    println!(
        "Incremental: rope edit, tree-sitter re-parse with `Tree::edit`, re-extraction of the"
    );
    println!(
        "statements around the edit, counting only the literal whose value changed. Full: parse,"
    );
    println!("extract and count from scratch.\n");
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
    let n = doc.code.as_ref().unwrap().prompts.len();
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
        doc.code.as_ref().unwrap().prompts.len(),
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
    // A filter argument selects one group.
    let filter = filter();
    let on = |name: &str| filter.as_deref().is_none_or(|f| name.contains(f));
    Encoding::O200kBase.warm_up();
    if on("throughput") {
        throughput();
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
