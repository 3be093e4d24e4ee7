//! `promptcost check` at scale, end to end: `--shard i/n` (a partition of the prompts),
//! `--merge` (the shards' JSON reports as the unsharded run's, in every format) and
//! `--cache` (a warm run reads every file's result back, a changed file is recomputed, a
//! corrupt or foreign entry is never trusted).

use crate::git;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_promptcost"))
        .current_dir(dir)
        .arg("check")
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("PROMPTCOST_CACHE_DIR")
        .output()
        .unwrap()
}

fn out(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn err(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// A repository with 40 prompt files, 10 Python files with prompts, agent context; at the
/// base one file more (deleted since) and other texts (changed since).
fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("promptcost.toml"),
        "models = [\"gpt-4o\", \"claude-sonnet-4-5\"]\n[budgets]\n\"prompts/big/**\" = 20\n",
    )
    .unwrap();
    let write = |rel: &str, text: &str| {
        let p = d.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    let prompts = |v: &str| {
        for i in 0..40 {
            let dir = if i % 4 == 0 { "prompts/big" } else { "prompts" };
            write(
                &format!("{dir}/p{i}.prompt.md"),
                &format!("# Prompt {i}\n\n## Task\nSummarise ticket {i} ({v}) for {{{{user}}}}.\n\n## Rules\nBe brief, cite sources, never guess the number {i}.\n"),
            );
        }
        for i in 0..10 {
            write(
                &format!("app/m{i}.py"),
                &format!("SYSTEM_PROMPT = \"\"\"You are assistant {i} ({v}). Answer in French.\"\"\"\n\ndef f():\n    return {i}\n"),
            );
        }
        write("AGENTS.md", &format!("# Agents\n\nRun the tests ({v}).\n"));
    };
    prompts("v1");
    write("prompts/gone.prompt.md", "# Gone\nbye\n");
    git(d, &["init", "-q"]);
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "v1"]);
    prompts("version two, a little longer");
    std::fs::remove_file(d.join("prompts/gone.prompt.md")).unwrap();
    dir
}

type Id = (String, String, String);

fn ids(report: &Value) -> Vec<Id> {
    report["prompts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["path"].as_str().unwrap().to_string(),
                p["kind"].as_str().unwrap().to_string(),
                p["name"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The summary's dollar totals are sums in another order after a merge: equal up to rounding.
fn without_cost_totals(mut v: Value) -> (Value, Vec<f64>) {
    let costs = v["summary"]["input_cost_usd"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| pair[1].as_f64().unwrap())
        .collect();
    v["summary"]["input_cost_usd"] = Value::Null;
    (v, costs)
}

#[test]
fn shards_partition_the_prompts_and_their_merge_is_the_unsharded_report() {
    let dir = tree();
    let d = dir.path();
    let base = ["--base", "HEAD", "--max-growth", "10%:1"];
    let all = run(d, &[&base[..], &["--format", "json"]].concat());
    assert_eq!(all.status.code(), Some(1), "{}", err(&all));
    let all_json: Value = serde_json::from_str(&out(&all)).unwrap();
    assert!(!all_json["deleted"].as_array().unwrap().is_empty());
    assert!(!all_json["context"].as_array().unwrap().is_empty());

    let mut seen: BTreeSet<Id> = BTreeSet::new();
    let mut files = Vec::new();
    for i in 1..=3 {
        let shard = format!("{i}/3");
        let o = run(
            d,
            &[&base[..], &["--format", "json", "--shard", &shard]].concat(),
        );
        assert!(matches!(o.status.code(), Some(0 | 1)), "{}", err(&o));
        let v: Value = serde_json::from_str(&out(&o)).unwrap();
        let mine = ids(&v);
        assert!(mine.len() > 10, "shard {shard}: {}", mine.len());
        for id in mine {
            assert!(seen.insert(id.clone()), "{id:?} in two shards");
        }
        // Agent context is checked once, by shard 1.
        assert_eq!(v["context"].as_array().unwrap().is_empty(), i != 1);
        let f = d.join(format!("shard{i}.json"));
        std::fs::write(&f, out(&o)).unwrap();
        files.push(f.file_name().unwrap().to_str().unwrap().to_string());
    }
    let unsharded: BTreeSet<Id> = ids(&all_json).into_iter().collect();
    assert_eq!(seen, unsharded);

    let merge: Vec<&str> = std::iter::once("--merge")
        .chain(files.iter().map(String::as_str))
        .collect();
    let m = run(d, &[&merge[..], &["--format", "json"]].concat());
    assert_eq!(m.status.code(), all.status.code(), "{}", err(&m));
    let merged: Value = serde_json::from_str(&out(&m)).unwrap();
    let (merged, merged_costs) = without_cost_totals(merged);
    let (expected, costs) = without_cost_totals(all_json);
    assert_eq!(merged, expected);
    for (a, b) in merged_costs.iter().zip(&costs) {
        assert!((a - b).abs() <= 1e-12 * b.abs().max(1.0), "{a} vs {b}");
    }
    // Every other format renders the merged report as the unsharded run renders its own.
    for format in ["human", "sarif", "github", "markdown"] {
        let a = run(d, &[&base[..], &["--format", format]].concat());
        let b = run(d, &[&merge[..], &["--format", format]].concat());
        assert_eq!(out(&b), out(&a), "--format {format}");
        assert_eq!(b.status.code(), a.status.code());
    }
}

#[test]
fn merging_reports_of_different_checks_is_an_error() {
    let dir = tree();
    let d = dir.path();
    let save = |name: &str, args: &[&str]| {
        let o = run(d, &[args, &["--format", "json"]].concat());
        assert!(matches!(o.status.code(), Some(0 | 1)), "{}", err(&o));
        std::fs::write(d.join(name), out(&o)).unwrap();
    };
    save("a.json", &["--shard", "1/2"]);
    save("b.json", &["--shard", "2/2", "--model", "gpt-4o"]);
    save("c.json", &["--shard", "2/2", "--base", "HEAD"]);
    save("d.json", &["--shard", "2/2"]);
    std::fs::write(d.join("e.json"), "{\"not\": \"a report\"}").unwrap();
    for (files, message) in [
        (["a.json", "b.json"], "models"),
        (["a.json", "c.json"], "base"),
        (["a.json", "a.json"], "given twice"),
        (["a.json", "e.json"], "not a `check --format json` report"),
    ] {
        let o = run(d, &["--merge", files[0], files[1]]);
        assert_eq!(o.status.code(), Some(2), "{files:?}");
        assert!(err(&o).contains(message), "{files:?}: {}", err(&o));
    }
    let o = run(d, &["--merge", "a.json", "d.json"]);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", err(&o));
}

#[test]
fn a_warm_cache_gives_the_same_report_and_never_trusts_a_bad_entry() {
    let dir = tree();
    let d = dir.path();
    let cache = d.join(".cache-dir");
    let args = [
        "--format",
        "json",
        "--base",
        "HEAD",
        "prompts",
        "app",
        "AGENTS.md",
    ];
    let plain = out(&run(d, &args));
    let with_cache = |extra: &[&str]| {
        let o = run(
            d,
            &[&args[..], &["--cache", cache.to_str().unwrap()], extra].concat(),
        );
        assert!(matches!(o.status.code(), Some(0 | 1)), "{}", err(&o));
        (out(&o), err(&o))
    };
    // The work tree's 51 files and the base's 52 (all of other texts, one deleted since).
    let files = 103;
    let (cold, note) = with_cache(&[]);
    assert_eq!(cold, plain);
    assert!(
        note.contains(&format!("cache: 0 of {files} files")),
        "{note}"
    );
    let (warm, note) = with_cache(&[]);
    assert_eq!(warm, plain);
    assert!(
        note.contains(&format!("cache: {files} of {files} files")),
        "{note}"
    );

    // A changed file is recomputed; the others come from the cache.
    std::fs::write(d.join("prompts/p1.prompt.md"), "# Changed\nA new text.\n").unwrap();
    let plain = out(&run(d, &args));
    let (after, note) = with_cache(&[]);
    assert_eq!(after, plain);
    assert!(
        note.contains(&format!("cache: {} of {files} files", files - 1)),
        "{note}"
    );

    // Other settings: other keys.
    let (_, note) = with_cache(&["--budget", "5000"]);
    assert!(
        note.contains(&format!("cache: 0 of {files} files")),
        "{note}"
    );

    // Corrupt entries (garbage, truncated, another key's entry) are recomputed.
    let mut entries: Vec<_> = walk(&cache);
    entries.sort();
    assert!(entries.len() >= 2 * files, "{}", entries.len());
    let other = std::fs::read(&entries[1]).unwrap();
    std::fs::write(&entries[0], &other).unwrap();
    for e in entries.iter().skip(2).step_by(2) {
        let bytes = std::fs::read(e).unwrap();
        std::fs::write(e, &bytes[..bytes.len() / 2]).unwrap();
    }
    std::fs::write(&entries[3], "{\"key\": 1}").unwrap();
    let (again, _) = with_cache(&[]);
    assert_eq!(again, plain);

    // PROMPTCOST_CACHE_DIR is the flag's default.
    let o = Command::new(env!("CARGO_BIN_EXE_promptcost"))
        .current_dir(d)
        .arg("check")
        .args(args)
        .env("PROMPTCOST_CACHE_DIR", &cache)
        .output()
        .unwrap();
    assert_eq!(out(&o), plain);
    assert!(
        err(&o).contains(&format!("cache: {files} of {files} files")),
        "{}",
        err(&o)
    );

    // A base file unchanged in the work tree is read from the work tree's entry.
    git(d, &["add", "prompts", "app", "AGENTS.md"]);
    git(d, &["commit", "-qm", "v2"]);
    let fresh = d.join(".cache-2");
    let flag = ["--cache", fresh.to_str().unwrap()];
    let o = run(d, &[&["prompts", "app", "AGENTS.md"][..], &flag].concat());
    assert!(err(&o).contains("cache: 0 of 51 files"), "{}", err(&o));
    let o = run(d, &[&args[..], &flag].concat());
    assert!(err(&o).contains("cache: 102 of 102 files"), "{}", err(&o));
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
