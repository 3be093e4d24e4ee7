//! `cargo bench --bench lsp`: the language server as an editor sees it, over stdio with the
//! real binary: `initialize` time, and the time from `didChange` (one character) to the
//! refreshed diagnostics and inlay hints, for 100 KB, 1 MB and 10 MB prompt files.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::*;

struct Server {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<Value>,
    next_id: i64,
}

impl Server {
    fn start() -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_promptcost"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let (tx, rx) = channel();
        std::thread::spawn(move || loop {
            let mut len = 0;
            loop {
                let mut line = String::new();
                if out.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                let l = line.trim_end();
                if l.is_empty() {
                    break;
                }
                if let Some(v) = l.strip_prefix("Content-Length: ") {
                    len = v.parse().unwrap();
                }
            }
            let mut buf = vec![0; len];
            out.read_exact(&mut buf).unwrap();
            if tx.send(serde_json::from_slice::<Value>(&buf).unwrap()).is_err() {
                return;
            }
        });
        Server { child, stdin, rx, next_id: 1 }
    }

    fn send(&mut self, v: Value) {
        let body = v.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{}", body.len(), body).unwrap();
        self.stdin.flush().unwrap();
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait(|m| m["id"] == id && m.get("method").is_none())
    }

    fn wait(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        loop {
            let m = self.rx.recv_timeout(Duration::from_secs(120)).expect("server answered");
            if m.get("method").is_some() && m.get("id").is_some() {
                // A server-to-client request (configuration, refresh): answer it.
                let id = m["id"].clone();
                self.send(json!({"jsonrpc": "2.0", "id": id, "result": null}));
                continue;
            }
            if pred(&m) {
                return m;
            }
        }
    }

    fn stop(mut self) {
        self.request("shutdown", Value::Null);
        self.send(json!({"jsonrpc": "2.0", "method": "exit"}));
        let _ = self.child.wait();
    }
}

fn initialize(s: &mut Server) -> Duration {
    let t = Instant::now();
    s.request(
        "initialize",
        json!({"processId": null, "rootUri": "file:///tmp/promptcost-bench", "capabilities": {"general": {"positionEncodings": ["utf-8", "utf-16"]}},
               "initializationOptions": {"models": ["gpt-4o", "claude-sonnet-4-5"], "budget": 100000000}}),
    );
    let d = t.elapsed();
    s.send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    d
}

fn main() {
    println!("## Language server over stdio (release binary)\n");
    let mut init = Vec::new();
    for _ in 0..15 {
        let mut s = Server::start();
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
        let mut s = Server::start();
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
