//! Shared helpers for the benchmarks: real text found on the machine, timing statistics.
#![allow(dead_code)]

use std::process::Command;
use std::time::{Duration, Instant};

fn python_lib() -> String {
    Command::new("python3")
        .args([
            "-c",
            "import os, textwrap; print(os.path.dirname(textwrap.__file__))",
        ])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

/// ~`size` bytes of English prose: Python's documentation topics (pydoc_data), else this repo's docs.
pub fn prose(size: usize) -> String {
    let base = std::fs::read_to_string(format!("{}/pydoc_data/topics.py", python_lib()))
        .unwrap_or_else(|_| {
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
                .unwrap_or_else(|_| "The quick brown fox jumps over the lazy dog. ".repeat(100))
        });
    repeat_to(&base, size)
}

/// ~`size` bytes of source code: Python's standard library, else this crate's sources.
pub fn code(size: usize) -> String {
    let lib = python_lib();
    let mut text = String::new();
    for m in [
        "argparse.py",
        "textwrap.py",
        "difflib.py",
        "inspect.py",
        "typing.py",
        "dataclasses.py",
        "pathlib.py",
        "subprocess.py",
    ] {
        if let Ok(t) = std::fs::read_to_string(format!("{lib}/{m}")) {
            text.push_str(&t);
        }
    }
    if text.is_empty() {
        for f in [
            "src/document/code.rs",
            "src/document/mod.rs",
            "src/config.rs",
            "src/tokenize/chunks.rs",
        ] {
            text.push_str(
                &std::fs::read_to_string(format!("{}/{f}", env!("CARGO_MANIFEST_DIR")))
                    .unwrap_or_default(),
            );
        }
    }
    repeat_to(&text, size)
}

/// A Markdown prompt file of ~`size` bytes: prose with a heading every 40 lines.
pub fn markdown(size: usize) -> String {
    let p = prose(size + size / 10);
    let mut out = String::with_capacity(size + 1024);
    for (i, line) in p.lines().enumerate() {
        if i % 40 == 0 {
            out.push_str(&format!("## Section {}\n", i / 40));
        }
        out.push_str(line.trim_start_matches('#'));
        out.push('\n');
        if out.len() >= size {
            break;
        }
    }
    out
}

pub fn repeat_to(base: &str, size: usize) -> String {
    let mut s = String::with_capacity(size + base.len());
    while s.len() < size {
        s.push_str(base);
    }
    let mut cut = size.min(s.len());
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    s.truncate(cut);
    s
}

/// Deterministic pseudo-random numbers (no dependency).
pub struct Lcg(pub u64);
impl Lcg {
    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() as usize) % n.max(1)
    }
}

/// ~`size` bytes of base64 (no whitespace at all).
pub fn base64(size: usize) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut r = Lcg(7);
    (0..size).map(|_| A[r.below(64)] as char).collect()
}

/// ~`size` bytes of letters without whitespace or punctuation (one pre-tokenizer piece).
pub fn no_whitespace(size: usize) -> String {
    let mut r = Lcg(11);
    (0..size)
        .map(|_| (b'a' + r.below(26) as u8) as char)
        .collect()
}

/// Median of a few runs of `f`.
pub fn median_time(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut t: Vec<Duration> = (0..runs)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed()
        })
        .collect();
    t.sort();
    t[t.len() / 2]
}

pub struct Stats {
    pub p50: Duration,
    pub p99: Duration,
    pub max: Duration,
}

pub fn stats(mut samples: Vec<Duration>) -> Stats {
    samples.sort();
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    Stats {
        p50: at(0.5),
        p99: at(0.99),
        max: *samples.last().unwrap(),
    }
}

pub fn us(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

pub fn mbps(bytes: usize, d: Duration) -> f64 {
    bytes as f64 / 1e6 / d.as_secs_f64()
}

/// The group filter of `cargo bench --bench NAME -- FILTER` (`cargo bench` itself passes
/// `--bench`, so the first argument without a dash).
pub fn filter() -> Option<String> {
    std::env::args().skip(1).find(|a| !a.starts_with('-'))
}

/// Medians of `runs` rounds, each round running every one of `fs` once in turn: machine load
/// that drifts during a run then weighs on all of them alike (ratios between them stay fair).
pub fn interleaved(runs: usize, fs: &mut [&mut dyn FnMut()]) -> Vec<Duration> {
    let mut t: Vec<Vec<Duration>> = vec![Vec::with_capacity(runs); fs.len()];
    for _ in 0..runs {
        for (f, t) in fs.iter_mut().zip(t.iter_mut()) {
            let s = Instant::now();
            f();
            t.push(s.elapsed());
        }
    }
    t.into_iter()
        .map(|mut v| {
            v.sort();
            v[v.len() / 2]
        })
        .collect()
}
