//! `cargo bench --bench lsp`: the language server as an editor sees it, over stdio with the
//! real binary: `initialize` time, and the time from `didChange` (one character) to the
//! refreshed diagnostics and inlay hints, for 100 KB, 1 MB and 10 MB prompt files, and with
//! 200 other 100 KB files open against one file alone. Models: one per tokenizer family
//! (o200k exact, Claude estimate, Gemma 3 exact).

mod support;

use std::time::{Duration, Instant};

use serde_json::json;
use support::*;

#[path = "../tests/it/stdio_client/mod.rs"]
mod stdio_client;
use stdio_client::Server;

const MODELS: [&str; 3] = ["gpt-4o", "claude-sonnet-4-5", "gemini-2.5-pro"];

/// Edit `i` of a typing loop: even ones type `x` at a random place, odd ones delete it again.
fn keystroke(r: &mut Lcg, lines: &[&str], i: i64, typed: &mut (usize, usize)) -> serde_json::Value {
    if i % 2 == 0 {
        let line = r.below(lines.len());
        let col = lines[line].len().min(r.below(80));
        let col = (0..=col)
            .rev()
            .find(|&c| lines[line].is_char_boundary(c))
            .unwrap_or(0);
        *typed = (line, col);
        json!({"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col}}, "text": "x"})
    } else {
        json!({"range": {"start": {"line": typed.0, "character": typed.1}, "end": {"line": typed.0, "character": typed.1 + 1}}, "text": ""})
    }
}

/// `n` one-character edits (type, then delete) in the open document `uri`: the times from
/// `didChange` to the diagnostics for that version and to the inlay hints around the edit.
fn edit_loop(
    s: &mut Server,
    uri: &str,
    text: &str,
    n: i64,
    first_version: i64,
) -> (Vec<Duration>, Vec<Duration>) {
    let lines: Vec<&str> = text.lines().collect();
    let mut r = Lcg(3);
    let (mut diag, mut hints) = (Vec::new(), Vec::new());
    let mut typed: (usize, usize) = (0, 0);
    for i in 0..n {
        let version = first_version + i;
        let change = keystroke(&mut r, &lines, i, &mut typed);
        let t = Instant::now();
        s.send(json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}}));
        s.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == version
        });
        diag.push(t.elapsed());
        let from = typed.0.saturating_sub(30);
        let h = s.request("textDocument/inlayHint", json!({"textDocument": {"uri": uri}, "range": {"start": {"line": from, "character": 0}, "end": {"line": from + 60, "character": 0}}}));
        assert!(h["result"].is_array());
        hints.push(t.elapsed());
    }
    (diag, hints)
}

/// Typing as an editor does it: `didChange` and the inlay-hint request for the lines around
/// it sent back to back; the time to the hints (diagnostics are not waited for).
fn typing_loop(s: &mut Server, uri: &str, text: &str, n: i64, first_version: i64) -> Vec<Duration> {
    let lines: Vec<&str> = text.lines().collect();
    let mut r = Lcg(5);
    let mut out = Vec::new();
    let mut typed: (usize, usize) = (0, 0);
    for i in 0..n {
        let version = first_version + i;
        let change = keystroke(&mut r, &lines, i, &mut typed);
        let from = typed.0.saturating_sub(30);
        let t = Instant::now();
        s.send(json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}}));
        let h = s.request("textDocument/inlayHint", json!({"textDocument": {"uri": uri}, "range": {"start": {"line": from, "character": 0}, "end": {"line": from + 60, "character": 0}}}));
        out.push(t.elapsed());
        assert!(h["result"].is_array());
        // Let the diagnostics of this version go out before the next keystroke (a typist's
        // pause), so each sample starts from an idle server.
        s.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == version
        });
    }
    out
}

fn many_docs() {
    println!(
        "\n## Many open files: a keystroke with 200 other 100 KB files open vs one file alone"
    );
    println!(
        "Same 100 KB file, same 300 edits; the other files are opened and counted first (all three"
    );
    println!("tokenizer families loaded). Resident memory read from /proc.\n");
    println!("| open files | edit → diagnostics p50 | p99 | edit → hints p50 | p99 | server RSS |");
    println!("|---|--:|--:|--:|--:|--:|");
    let text = markdown(100_000);
    let mut base = None;
    for others in [0usize, 200] {
        let mut s = Server::start(env!("CARGO_BIN_EXE_promptcost"));
        initialize(&mut s);
        for i in 0..others {
            let t = format!(
                "# Other file {i}\n{}",
                markdown(100_000).replace("assistant", &format!("assistant{i}"))
            );
            s.send(json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": format!("file:///tmp/promptcost-bench/prompts/other{i}.md"), "languageId": "markdown", "version": 1, "text": t}}}));
        }
        if others > 0 {
            let last = format!(
                "file:///tmp/promptcost-bench/prompts/other{}.md",
                others - 1
            );
            s.request("promptcost/count", json!({"textDocument": {"uri": last}}));
        }
        let uri = "file:///tmp/promptcost-bench/prompts/edited.md";
        s.send(json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}}));
        s.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == 1
        });
        let (d, h) = edit_loop(&mut s, uri, &text, 300, 2);
        let (d, h) = (stats(d), stats(h));
        let rss = s.rss_kib();
        let ratio = match base {
            None => {
                base = Some(h.p50);
                String::new()
            }
            Some(b) => format!(" ({:.2}x one file)", h.p50.as_secs_f64() / b.as_secs_f64()),
        };
        println!(
            "| {} | {} | {} | {}{ratio} | {} | {} MiB |",
            others + 1,
            ms(d.p50),
            ms(d.p99),
            ms(h.p50),
            ms(h.p99),
            rss / 1024
        );
        s.stop();
    }
}

fn initialize(s: &mut Server) -> Duration {
    let t = Instant::now();
    s.initialize(json!({"models": MODELS, "budget": 100000000}));
    t.elapsed()
}

fn main() {
    let filter = filter();
    if filter.as_deref().is_some_and(|f| "many".contains(f)) {
        return many_docs();
    }
    println!("## Language server over stdio (release binary)\n");
    let mut init = Vec::new();
    for _ in 0..15 {
        let mut s = Server::start(env!("CARGO_BIN_EXE_promptcost"));
        init.push(initialize(&mut s));
        s.stop();
    }
    let st = stats(init);
    println!(
        "`initialize` round trip (tokenizers load in the background): p50 {} · max {}\n",
        ms(st.p50),
        ms(st.max)
    );

    println!("One-character edit → `publishDiagnostics` for the new version, then → `textDocument/inlayHint`");
    println!("for the 60 lines around the edit. 300 edits per size (typing: 1,000), models gpt-4o, claude-sonnet-4-5, gemini-2.5-pro.\n");
    println!("Typing: `didChange` and the hint request sent back to back, time to the hints.\n");
    println!("| file | open → first diagnostics | edit → diagnostics p50 | p99 | edit → hints p50 | p99 | typing → hints p50 | p99 |");
    println!("|---|--:|--:|--:|--:|--:|--:|--:|");
    let mut p50s = Vec::new();
    let mut typing_p99 = Vec::new();
    for size in [100_000usize, 1_000_000, 10_000_000] {
        let text = markdown(size);
        let mut s = Server::start(env!("CARGO_BIN_EXE_promptcost"));
        initialize(&mut s);
        let uri = format!("file:///tmp/promptcost-bench/prompts/bench-{size}.md");
        let t = Instant::now();
        s.send(json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}}));
        s.wait(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"] == 1);
        let open = t.elapsed();
        let (diag, hints) = edit_loop(&mut s, &uri, &text, 300, 2);
        let typing = stats(typing_loop(&mut s, &uri, &text, 1000, 302));
        let (d, h) = (stats(diag), stats(hints));
        p50s.push(h.p50);
        typing_p99.push(typing.p99);
        println!(
            "| {} KB | {} | {} | {} | {} | {} | {} | {} |",
            size / 1000,
            ms(open),
            ms(d.p50),
            ms(d.p99),
            ms(h.p50),
            ms(h.p99),
            ms(typing.p50),
            ms(typing.p99)
        );
        s.stop();
    }
    println!(
        "\nFlatness: edit → hints p50 at 10 MB is {:.1}x the 100 KB figure; typing → hints p99 at 10 MB is {:.2}x the 100 KB p99 (goal: within 1.5x, and under 1 ms).",
        p50s[2].as_secs_f64() / p50s[0].as_secs_f64(),
        typing_p99[2].as_secs_f64() / typing_p99[0].as_secs_f64()
    );
    many_docs();
}
