//! Soak test over stdio with the real binary: a bounded loop (by count and by time) of mixed
//! valid, malformed and out-of-order JSON-RPC messages. Afterwards the server still answers
//! correctly, its memory is back near its baseline, and it exits cleanly.

use std::time::{Duration, Instant};

use crate::stdio_client::Server;
use serde_json::{json, Value};

const MESSAGES: usize = 6000;
const TIME_LIMIT: Duration = Duration::from_secs(90);

struct Rng(u64);
impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

fn o200k(s: &str) -> u64 {
    promptcost::tokenize::Encoding::O200kBase.count(s) as u64
}

#[test]
fn mixed_valid_malformed_and_out_of_order_messages() {
    let mut s = Server::start(env!("CARGO_BIN_EXE_promptcost"));
    s.initialize(json!({"models": ["gpt-4o", "gpt-4", "claude-sonnet-4-5", "gemini-2.5-pro"]}));
    // A tracked document: ASCII lines, so the expected text is easy to mirror here.
    let uri = "file:///tmp/promptcost-soak/prompts/tracked.md";
    let mut lines: Vec<String> = (0..200)
        .map(|i| format!("## Heading {i}\nline {i} with some words"))
        .collect::<Vec<_>>()
        .join("\n")
        .lines()
        .map(String::from)
        .collect();
    let mut version = 1;
    s.notify("textDocument/didOpen", json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": version, "text": lines.join("\n")}}));
    // Warm up, then take the memory baseline.
    for i in 0..20 {
        let u = format!("file:///tmp/promptcost-soak/prompts/churn{i}.md");
        s.notify("textDocument/didOpen", json!({"textDocument": {"uri": u, "languageId": "markdown", "version": 1, "text": "# x\nwords ".repeat(2000)}}));
        s.notify("textDocument/didClose", json!({"textDocument": {"uri": u}}));
    }
    s.request("promptcost/count", json!({"textDocument": {"uri": uri}}));
    let baseline = s.rss_kib();

    let mut r = Rng(2026);
    let start = Instant::now();
    let mut sent = 0;
    let (mut edits, mut malformed, mut requests) = (0, 0, 0);
    while sent < MESSAGES && start.elapsed() < TIME_LIMIT {
        sent += 1;
        match r.below(12) {
            0..=3 => {
                // A valid edit: type or delete in an ASCII line.
                version += 1;
                let line = r.below(lines.len());
                let col = r.below(lines[line].len() + 1);
                let (text, end) = if r.below(2) == 0 || col == lines[line].len() {
                    ("ab ", col)
                } else {
                    ("", col + 1)
                };
                lines[line].replace_range(col..end, text);
                s.notify("textDocument/didChange", json!({"textDocument": {"uri": uri, "version": version},
                    "contentChanges": [{"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": end}}, "text": text}]}));
                edits += 1;
            }
            4 => {
                malformed += 1;
                let bodies: [&[u8]; 4] = [
                    b"{not json",
                    b"[]",
                    b"{\"jsonrpc\": \"2.0\", \"id\": \"x\", \"method\": 5}",
                    b"\xff\xfe",
                ];
                s.send_raw(bodies[r.below(4)]);
            }
            5 => {
                malformed += 1;
                // Wrong parameter types, for a request and a notification.
                s.request_async("textDocument/hover", json!("not an object"));
                s.notify("textDocument/didChange", json!({"textDocument": 7}));
            }
            6 => {
                malformed += 1;
                s.request_async("promptcost/doesNotExist", json!({}));
                s.notify("textDocument/didChange", json!({"textDocument": {"uri": "file:///never/opened.md", "version": 3}, "contentChanges": [{"text": "x"}]}));
            }
            7 => {
                // A request and its immediate cancellation.
                let id = s.request_async("textDocument/inlayHint", json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 400, "character": 0}}}));
                s.notify("$/cancelRequest", json!({"id": id}));
                requests += 1;
            }
            8 => {
                // Out-of-range and reversed positions.
                s.request_async("textDocument/hover", json!({"textDocument": {"uri": uri}, "position": {"line": 1_000_000, "character": 99}}));
                s.request_async("promptcost/count", json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 9, "character": 5}, "end": {"line": 2, "character": 0}}}));
                requests += 2;
            }
            9 => {
                let u = format!(
                    "file:///tmp/promptcost-soak/prompts/churn{}.md",
                    r.below(50)
                );
                s.notify("textDocument/didOpen", json!({"textDocument": {"uri": u, "languageId": "markdown", "version": 1, "text": "# churn\nsome text ".repeat(500)}}));
                s.notify("textDocument/didClose", json!({"textDocument": {"uri": u}}));
            }
            10 => {
                s.notify("workspace/didChangeConfiguration", json!({"settings": {"promptcost": {"models": ["gpt-4o", "gpt-4", "claude-sonnet-4-5", "gemini-2.5-pro"], "budget": 1 + r.below(5000)}}}));
            }
            _ => {
                s.request_async(
                    "textDocument/codeLens",
                    json!({"textDocument": {"uri": uri}}),
                );
                requests += 1;
            }
        }
    }
    // The server still answers, with the exact count of the text it should have.
    let expected = lines.join("\n");
    let got = s.request("promptcost/count", json!({"textDocument": {"uri": uri}}));
    assert_eq!(
        got["result"]["models"][0]["tokens"],
        o200k(&expected),
        "after {sent} messages"
    );
    assert_eq!(got["result"]["bytes"], expected.len());
    let h = s.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 1}}),
    );
    assert!(
        crate::hover_row(h["result"]["contents"]["value"].as_str().unwrap(), "gpt-4o").is_some()
    );

    // Memory back near the baseline once the churn is closed.
    std::thread::sleep(Duration::from_millis(200));
    let after = s.rss_kib();
    eprintln!("soak: {sent} messages ({edits} edits, {malformed} malformed, {requests} requests) in {:?}; RSS {baseline} KiB -> {after} KiB", start.elapsed());
    assert!(
        after < baseline + baseline / 2 + 30 * 1024,
        "RSS grew from {baseline} KiB to {after} KiB"
    );

    // Requests after shutdown are refused; exit ends the process at once, with code 0.
    s.request("shutdown", Value::Null);
    let late = s.request("promptcost/count", json!({"textDocument": {"uri": uri}}));
    assert_eq!(late["error"]["code"], -32600, "{late}");
    s.notify("exit", Value::Null);
    let t = Instant::now();
    loop {
        if let Some(status) = s.child.try_wait().unwrap() {
            assert!(status.success(), "{status:?}");
            break;
        }
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "the server did not exit after `exit`"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn exit_ends_the_process_even_while_a_request_to_the_client_is_unanswered() {
    let mut s = Server::start(env!("CARGO_BIN_EXE_promptcost"));
    // The client offers workspace/configuration, so `initialized` asks for it; this client
    // never answers, and says shutdown + exit right away.
    s.request_async("initialize", json!({"processId": null, "capabilities": {"workspace": {"configuration": true, "didChangeWatchedFiles": {"dynamicRegistration": true}}}}));
    s.notify("initialized", json!({}));
    s.request_async("shutdown", Value::Null);
    s.notify("exit", Value::Null);
    let t = Instant::now();
    loop {
        if let Some(status) = s.child.try_wait().unwrap() {
            assert_eq!(status.code(), Some(0), "exit after shutdown is code 0");
            break;
        }
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "the server did not exit after `exit`"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    // Without shutdown first, exit is code 1.
    let mut s = Server::start(env!("CARGO_BIN_EXE_promptcost"));
    s.initialize(json!({}));
    s.notify("exit", Value::Null);
    assert_eq!(s.child.wait().unwrap().code(), Some(1));
}
