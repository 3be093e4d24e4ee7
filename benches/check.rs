//! `cargo bench --bench check`: `promptcost check` (the release binary) on a generated tree of
//! 10,000 files (prompt files and source files with prompt literals, about 200 MB): files per
//! second with 1 and 2 threads, against the raw counting time of the engine's counter on the same
//! bytes, measured in the same run; then with `--cache`: a cold run filling the cache, a warm
//! run, and a re-run after a one-file change, against the cold run without a cache.

mod support;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use promptcost::tokenize::Encoding;
use support::*;

const FILES: usize = 10_000;
const FILE_BYTES: usize = 28_000;

/// Writes the tree; returns the texts (for the counting baseline).
fn generate(root: &Path) -> Vec<String> {
    let prose = prose(2 * 1024 * 1024);
    let mut r = Lcg(11);
    let mut texts = Vec::with_capacity(FILES);
    for i in 0..FILES {
        let dir = root.join(format!("pkg{}/mod{}", i % 50, i % 7));
        std::fs::create_dir_all(&dir).unwrap();
        let start = r.below(prose.len() - FILE_BYTES - 8);
        let start = (start..).find(|&s| prose.is_char_boundary(s)).unwrap();
        let end = ((start + FILE_BYTES)..)
            .find(|&e| prose.is_char_boundary(e))
            .unwrap();
        let body = &prose[start..end];
        let (name, text) = match i % 10 {
            // Prompt files: Markdown with sections.
            0..=2 => (
                format!("prompt{i}.prompt.md"),
                format!("# Prompt {i}\n\n## Task\n{body}\n"),
            ),
            3 => (
                format!("agent{i}/AGENTS.md"),
                format!("# Agent notes {i}\n{body}\n"),
            ),
            // Source files: a few prompt literals in ordinary code.
            4..=6 => {
                let quarter = &body[..(body.len() / 4..)
                    .find(|&e| body.is_char_boundary(e))
                    .unwrap()];
                let code: String = (0..40)
                    .map(|k| {
                        format!(
                            "def handler_{k}(request):\n    return request.get(\"item_{k}\")\n\n"
                        )
                    })
                    .collect();
                (
                    format!("app{i}.py"),
                    format!(
                        "SYSTEM_PROMPT = \"\"\"{}\"\"\"\n\n{code}",
                        quarter.replace('"', "'").replace('\\', "/")
                    ),
                )
            }
            7..=8 => {
                let quarter = &body[..(body.len() / 4..)
                    .find(|&e| body.is_char_boundary(e))
                    .unwrap()];
                let code: String = (0..40)
                    .map(|k| {
                        format!(
                            "export function handler{k}(req) {{ return req.get(\"item{k}\"); }}\n"
                        )
                    })
                    .collect();
                (
                    format!("agent{i}.ts"),
                    format!(
                        "const systemPrompt = `{}`;\n\n{code}",
                        quarter
                            .replace('`', "'")
                            .replace('\\', "/")
                            .replace("${", "$ {")
                    ),
                )
            }
            _ => (format!("notes{i}.txt"), body.to_string()),
        };
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, &text).unwrap();
        texts.push(text);
    }
    texts
}

fn scan(root: &Path, jobs: usize) -> Duration {
    scan_with(root, jobs, &[])
}

fn scan_with(root: &Path, jobs: usize, extra: &[&str]) -> Duration {
    let t = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_promptcost"))
        .args([
            "check",
            "--format",
            "json",
            "--model",
            "gpt-4o",
            "--jobs",
            &jobs.to_string(),
        ])
        .args(extra)
        .arg(root)
        .output()
        .unwrap();
    let d = t.elapsed();
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // Every prompt file and source file is reported; the text files are walked and skipped.
    assert_eq!(
        v["summary"]["files"].as_u64().unwrap(),
        (FILES * 9 / 10) as u64,
        "{}",
        v["summary"]
    );
    d
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    // PROMPTCOST_BENCH_TREE=DIR: generate the tree there and keep it (for profiling).
    let kept = std::env::var_os("PROMPTCOST_BENCH_TREE").map(std::path::PathBuf::from);
    let root = kept.clone().unwrap_or_else(|| dir.path().to_path_buf());
    let texts = generate(&root);
    if kept.is_some() {
        println!("tree kept in {}", root.display());
        return;
    }
    let bytes: usize = texts.iter().map(String::len).sum();
    println!("## `promptcost check` on {FILES} files ({} MB): prompt files and AGENTS.md (40%), Python and TypeScript with prompt literals (50%), plain text (10%, walked, not prompts)", bytes / 1_000_000);
    println!("Model gpt-4o (o200k_base). Baseline: counting every byte of every file with the engine's counter (toktok) on one");
    println!("thread, in memory (no walking, reading, parsing or reporting). The tree was just written, so");
    println!("it is in the page cache for every run.\n");
    Encoding::O200kBase.warm_up();
    let count_time = median_time(3, || {
        let total: usize = texts.iter().map(|t| Encoding::O200kBase.count(t)).sum();
        assert!(total > 0);
    });
    scan(&root, 2); // warm-up
    println!("| run | time | files/s | MB/s | vs counting all bytes |");
    println!("|---|--:|--:|--:|--:|");
    println!(
        "| count all bytes (the engine's o200k counter, 1 thread; median of 3) | {} | | {:.1} | 1.00x |",
        ms(count_time),
        mbps(bytes, count_time)
    );
    let mut cold2 = Duration::ZERO;
    for jobs in [1, 2] {
        let d = median_time(3, || {
            scan(&root, jobs);
        });
        cold2 = d;
        println!(
            "| `check --jobs {jobs}` (median of 3) | {} | {:.0} | {:.1} | {:.2}x |",
            ms(d),
            FILES as f64 / d.as_secs_f64(),
            mbps(bytes, d),
            d.as_secs_f64() / count_time.as_secs_f64()
        );
    }

    // The cache (outside the tree, as in CI).
    let cache_dir = tempfile::tempdir().unwrap();
    let flags = ["--cache", cache_dir.path().to_str().unwrap()];
    println!(
        "\n| `check --jobs 2 --cache DIR` | time | files/s | vs the cold run without a cache |"
    );
    println!("|---|--:|--:|--:|");
    let row = |name: &str, d: Duration| {
        println!(
            "| {name} | {} | {:.0} | {:.1}% |",
            ms(d),
            FILES as f64 / d.as_secs_f64(),
            d.as_secs_f64() / cold2.as_secs_f64() * 100.0
        );
    };
    row("empty cache (fills it)", scan_with(&root, 2, &flags));
    row(
        "warm, nothing changed (median of 3)",
        median_time(3, || {
            scan_with(&root, 2, &flags);
        }),
    );
    // Each run after one more prompt file changed (pkg0/mod0/prompt0..., a line added).
    let mut k = 0;
    let changed = median_time(3, || {
        let path = root.join(format!("pkg{}/mod{}/prompt{}.prompt.md", k % 50, k % 7, k));
        k += 350; // i % 10 == 0 keeps it a prompt file
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str("\nOne more line of instructions.\n");
        std::fs::write(&path, text).unwrap();
        scan_with(&root, 2, &flags);
    });
    row("one file changed (median of 3)", changed);
    let goal = changed.as_secs_f64() / cold2.as_secs_f64() <= 0.10;
    println!(
        "\nGoal (a re-run after a one-file change ≤ 10% of the cold run): {}",
        if goal { "met" } else { "missed" }
    );
}
