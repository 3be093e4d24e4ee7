//! The independent oracle: `tests/oracle/count.py` counts with OpenAI's own Python `tiktoken`
//! and Google's `sentencepiece`, offline. `scripts/test.sh` installs them into `.venv`;
//! `PROMPTCOST_PYTHON` may point at another interpreter that has them. The OpenAI rank files
//! come from the `tiktoken-rs` crate (a dev-dependency, so cargo has already fetched it), found
//! by the script with `cargo metadata`; tiktoken checks them against the hashes it pins.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn python() -> PathBuf {
    if let Ok(p) = std::env::var("PROMPTCOST_PYTHON") {
        return PathBuf::from(p);
    }
    let venv = repo().join(".venv/bin/python");
    assert!(
        venv.exists(),
        "the oracle needs a Python with tiktoken and sentencepiece: run scripts/test.sh once (it creates .venv), or set PROMPTCOST_PYTHON"
    );
    venv
}

pub fn script() -> PathBuf {
    repo().join("tests/oracle/count.py")
}

/// Counts each string with the reference implementation (`o200k_base`, `cl100k_base`, `gemma3`).
pub fn counts(encoding: &str, texts: &[String]) -> Vec<u64> {
    let mut child = Command::new(python())
        .arg(script())
        .args(["--encoding", encoding, "--jsonl"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the oracle");
    let mut input = String::new();
    for t in texts {
        input.push_str(&serde_json::to_string(t).unwrap());
        input.push('\n');
    }
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("oracle ran");
    writer.join().unwrap().unwrap();
    assert!(out.status.success(), "oracle failed");
    let counts: Vec<u64> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.trim().parse().unwrap())
        .collect();
    assert_eq!(
        counts.len(),
        texts.len(),
        "one count per string (empty strings are skipped by the oracle)"
    );
    counts
}

/// Real text found on this machine: this repository's sources and docs, Python's standard
/// library (code and docstrings), Python's CJK test texts, plus generated hard cases.
pub fn corpus() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut add = |name: String, text: String| {
        if !text.trim().is_empty() {
            out.push((name, text));
        }
    };
    let root = repo();
    for rel in [
        "README.md",
        "ARCHITECTURE.md",
        "src/tokenize/chunks.rs",
        "src/document/code.rs",
        "src/document/mod.rs",
        "src/config.rs",
        "data/README.md",
        "scripts/gen_models.py",
    ] {
        if let Ok(t) = std::fs::read_to_string(root.join(rel)) {
            add(rel.to_string(), t);
        }
    }
    let stdlib = Command::new(python())
        .args([
            "-c",
            "import os, textwrap; print(os.path.dirname(textwrap.__file__))",
        ])
        .output()
        .ok()
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    if let Some(lib) = stdlib {
        for m in [
            "textwrap.py",
            "argparse.py",
            "json/decoder.py",
            "email/message.py",
            "difflib.py",
            "LICENSE.txt",
        ] {
            if let Ok(t) = std::fs::read_to_string(lib.join(m)) {
                add(format!("stdlib/{m}"), t);
            }
        }
        let cjk = lib.join("test/cjkencodings");
        for f in [
            "big5-utf8.txt",
            "cp949-utf8.txt",
            "euc_jp-utf8.txt",
            "gb18030-utf8.txt",
            "shift_jis-utf8.txt",
            "euc_kr-utf8.txt",
        ] {
            if let Ok(b) = std::fs::read(cjk.join(f)) {
                add(format!("cjk/{f}"), String::from_utf8_lossy(&b).into_owned());
            }
        }
    }
    add(
        "emoji".into(),
        "Emoji 😀👩‍💻🇯🇵 mixed with text, ZWJ sequences 👨‍👩‍👧‍👦 and skin tones 👍🏽.\n".repeat(20),
    );
    add(
        "whitespace".into(),
        "a  b\t\tc \n\n\n  d\r\n\r\n   \t e    \n".repeat(50),
    );
    add("markdown".into(), "# Title\n\n- item **bold** `code`\n\n```python\nprint('x')\n```\n\n> quote\n\n| a | b |\n|---|---|\n".repeat(30));
    add("html".into(), "<table><tr><td>1</td><td>two</td></tr></table>\n<h1>Title</h1> <b>bold</b> <unused7> <start_of_turn>user\n".repeat(30));
    add("json".into(), r#"{"role": "system", "content": "You are \"helpful\".\nRules:\n- one"}, [1, 2.5e-3, null, true]"#.repeat(40));
    out
}

pub fn corpus_size(c: &[(String, String)]) -> usize {
    c.iter().map(|(_, t)| t.len()).sum()
}

pub fn exists(p: &Path) -> bool {
    p.exists()
}
