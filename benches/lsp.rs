//! `cargo bench --bench lsp`: the language server as an editor sees it, over stdio with the
//! real binary: `initialize` time, and the time from `didChange` (one character) to the
//! refreshed diagnostics and inlay hints, for 100 KB, 1 MB and 10 MB prompt files.

mod support;

use std::time::{Duration, Instant};

use serde_json::json;
use support::*;

#[path = "../tests/stdio_client/mod.rs"]
mod stdio_client;
use stdio_client::Server;

fn initialize(s: &mut Server) -> Duration {
    let t = Instant::now();
    s.initialize(json!({"models": ["gpt-4o", "claude-sonnet-4-5"], "budget": 100000000}));
    t.elapsed()
}

fn main() {
    println!("## Language server over stdio (release binary)\n");
    let mut init = Vec::new();
    for _ in 0..15 {
        let mut s = Server::start(env!("CARGO_BIN_EXE_promptcost"));
        init.push(initialize(&mut s));
        s.stop();
    }
    let st = stats(init);
    println!("`initialize` round trip (tokenizers load in the background): p50 {} · max {}\n", ms(st.p50), ms(st.max));

    println!("One-character edit → `publishDiagnostics` for the new version, then → `textDocument/inlayHint`");
    println!("for the 60 lines around the edit. 300 edits per size, models gpt-4o + claude-sonnet-4-5.\n");
    println!("| file | open → first diagnostics | edit → diagnostics p50 | p99 | edit → hints p50 | p99 |");
    println!("|---|--:|--:|--:|--:|--:|");
    let mut p50s = Vec::new();
    for size in [100_000usize, 1_000_000, 10_000_000] {
        let text = markdown(size);
        let mut s = Server::start(env!("CARGO_BIN_EXE_promptcost"));
        initialize(&mut s);
        let uri = format!("file:///tmp/promptcost-bench/prompts/bench-{size}.md");
        let t = Instant::now();
        s.send(json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}}));
        s.wait(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"] == 1);
        let open = t.elapsed();
        let lines: Vec<&str> = text.lines().collect();
        let mut r = Lcg(3);
        let (mut diag, mut hints) = (Vec::new(), Vec::new());
        let mut typed: (usize, usize) = (0, 0);
        for i in 0..300 {
            let version = i + 2;
            let change = if i % 2 == 0 {
                let line = r.below(lines.len());
                let col = lines[line].len().min(r.below(80));
                let col = (0..=col).rev().find(|&c| lines[line].is_char_boundary(c)).unwrap_or(0);
                typed = (line, col);
                json!({"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col}}, "text": "x"})
            } else {
                json!({"range": {"start": {"line": typed.0, "character": typed.1}, "end": {"line": typed.0, "character": typed.1 + 1}}, "text": ""})
            };
            let t = Instant::now();
            s.send(json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}}));
            s.wait(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"] == version);
            diag.push(t.elapsed());
            let from = typed.0.saturating_sub(30);
            let h = s.request("textDocument/inlayHint", json!({"textDocument": {"uri": uri}, "range": {"start": {"line": from, "character": 0}, "end": {"line": from + 60, "character": 0}}}));
            assert!(h["result"].is_array());
            hints.push(t.elapsed());
        }
        let (d, h) = (stats(diag), stats(hints));
        p50s.push(h.p50);
        println!("| {} KB | {} | {} | {} | {} | {} |", size / 1000, ms(open), ms(d.p50), ms(d.p99), ms(h.p50), ms(h.p99));
        s.stop();
    }
    println!(
        "\nFlatness: edit → hints p50 at 10 MB is {:.1}x the 100 KB figure.",
        p50s[2].as_secs_f64() / p50s[0].as_secs_f64()
    );
}
