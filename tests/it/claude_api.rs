//! Exact Claude counts through Anthropic's `POST /v1/messages/count_tokens`, opt-in: against
//! a local HTTP server that implements the documented request (`x-api-key`,
//! `anthropic-version`, `{"model", "messages"}`) and response (`{"input_tokens"}`, or an
//! error object). Off by default: then not one connection is made.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::stdio_client::Server;
use serde_json::{json, Value};

#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<(String, String)>>>);

/// The fake API's count: deterministic and unlike any estimate.
fn fake_tokens(text: &str) -> u64 {
    text.chars().count() as u64 + 7
}

/// Serves the count_tokens endpoint on a free local port; `refuse` answers 401.
fn fake_api(refuse: bool) -> (String, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Seen::default();
    let s = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let mut r = BufReader::new(stream.try_clone().unwrap());
            let mut w = stream;
            let mut request_line = String::new();
            if r.read_line(&mut request_line).unwrap_or(0) == 0 {
                continue;
            }
            let (mut len, mut key, mut version, mut ctype) =
                (0usize, String::new(), String::new(), String::new());
            loop {
                let mut h = String::new();
                r.read_line(&mut h).unwrap();
                let h = h.trim_end();
                if h.is_empty() {
                    break;
                }
                let (name, value) = h.split_once(':').unwrap();
                match name.to_ascii_lowercase().as_str() {
                    "content-length" => len = value.trim().parse().unwrap(),
                    "x-api-key" => key = value.trim().to_string(),
                    "anthropic-version" => version = value.trim().to_string(),
                    "content-type" => ctype = value.trim().to_string(),
                    _ => {}
                }
            }
            let mut body = vec![0; len];
            r.read_exact(&mut body).unwrap();
            let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            let (status, answer) = if !request_line.starts_with("POST /v1/messages/count_tokens ") {
                (
                    404,
                    json!({"type": "error", "error": {"type": "not_found_error", "message": request_line.trim()}}),
                )
            } else if refuse || key != "test-key" {
                (
                    401,
                    json!({"type": "error", "error": {"type": "authentication_error", "message": "invalid x-api-key"}}),
                )
            } else if version != "2023-06-01" || !ctype.starts_with("application/json") {
                (
                    400,
                    json!({"type": "error", "error": {"type": "invalid_request_error", "message": "bad headers"}}),
                )
            } else {
                let model = v["model"].as_str().unwrap_or("").to_string();
                let msgs = v["messages"].as_array().cloned().unwrap_or_default();
                let text = msgs
                    .first()
                    .and_then(|m| {
                        (m["role"] == "user")
                            .then(|| m["content"].as_str())
                            .flatten()
                    })
                    .unwrap_or("")
                    .to_string();
                s.0.lock().unwrap().push((model, text.clone()));
                (200, json!({"input_tokens": fake_tokens(&text)}))
            };
            let body = answer.to_string();
            let _ = write!(w, "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len());
        }
    });
    (url, seen)
}

fn count(args: &[&str], stdin: &str, env: &[(&str, Option<&str>)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_promptcost"));
    cmd.arg("count")
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    for (k, v) in env {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    let mut child = cmd.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn claude(o: &Output) -> Value {
    let v: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&o.stderr)));
    v["models"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["model"] == "claude-sonnet-4-5")
        .unwrap()
        .clone()
}

const TEXT: &str = "You are a careful assistant. Answer in one paragraph.\n";

#[test]
fn count_with_claude_api_is_exact_from_the_api_and_only_then_connects() {
    let (url, seen) = fake_api(false);
    let env = [
        ("PROMPTCOST_ANTHROPIC_BASE_URL", Some(url.as_str())),
        ("ANTHROPIC_API_KEY", Some("test-key")),
    ];
    // Off by default: an estimate, and no request.
    let o = count(
        &["--json", "-m", "claude-sonnet-4-5", "-m", "gpt-4o"],
        TEXT,
        &env,
    );
    assert!(o.status.success());
    let c = claude(&o);
    assert_eq!(c["exact"], false);
    assert!(c.get("via_api").is_none());
    assert!(
        seen.0.lock().unwrap().is_empty(),
        "a request without --claude-api"
    );
    // On: the API's number, marked exact via API; OpenAI counts unchanged.
    let o = count(
        &[
            "--json",
            "--claude-api",
            "-m",
            "claude-sonnet-4-5",
            "-m",
            "gpt-4o",
        ],
        TEXT,
        &env,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let c = claude(&o);
    assert_eq!(c["tokens"], fake_tokens(TEXT));
    assert_eq!(c["exact"], true);
    assert_eq!(c["via_api"], true);
    assert!(c["error_pct"].is_null());
    assert_eq!(
        seen.0.lock().unwrap().as_slice(),
        &[("claude-sonnet-4-5".to_string(), TEXT.to_string())]
    );
    // Text output names the source.
    let o = count(&["--claude-api", "-m", "claude-sonnet-4-5"], TEXT, &env);
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("exact via API"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}

#[test]
fn api_failures_keep_the_estimate_and_say_why() {
    // Refused (bad key).
    let (url, _) = fake_api(true);
    let o = count(
        &["--json", "--claude-api", "-m", "claude-sonnet-4-5"],
        TEXT,
        &[
            ("PROMPTCOST_ANTHROPIC_BASE_URL", Some(&url)),
            ("ANTHROPIC_API_KEY", Some("bad")),
        ],
    );
    assert!(o.status.success());
    assert_eq!(claude(&o)["exact"], false);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("refused (HTTP 401: invalid x-api-key)")
            && err.contains("showing the estimate"),
        "{err}"
    );
    // No key.
    let o = count(
        &["--json", "--claude-api", "-m", "claude-sonnet-4-5"],
        TEXT,
        &[
            ("PROMPTCOST_ANTHROPIC_BASE_URL", Some(&url)),
            ("ANTHROPIC_API_KEY", None),
        ],
    );
    assert_eq!(claude(&o)["exact"], false);
    assert!(String::from_utf8_lossy(&o.stderr).contains("ANTHROPIC_API_KEY is not set"));
    // Offline: nothing listens there.
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let o = count(
        &["--json", "--claude-api", "-m", "claude-sonnet-4-5"],
        TEXT,
        &[
            (
                "PROMPTCOST_ANTHROPIC_BASE_URL",
                Some(&format!("http://{closed}")),
            ),
            ("ANTHROPIC_API_KEY", Some("test-key")),
        ],
    );
    assert!(o.status.success());
    assert_eq!(claude(&o)["exact"], false);
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("offline"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn hover_text(s: &mut Server, uri: &str) -> String {
    let h = s.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 1}}),
    );
    h["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_else(|| panic!("{h}"))
        .to_string()
}

#[test]
fn language_server_asks_the_api_once_typing_pauses_and_shows_exact_counts() {
    let (url, seen) = fake_api(false);
    let env = [
        ("PROMPTCOST_ANTHROPIC_BASE_URL", Some(url.as_str())),
        ("ANTHROPIC_API_KEY", Some("test-key")),
    ];
    let mut s = Server::start_with_env(env!("CARGO_BIN_EXE_promptcost"), &env);
    s.initialize(json!({"models": ["claude-sonnet-4-5"], "claudeApi": true}));
    let uri = "file:///tmp/promptcost-api/prompts/a.md";
    let mut text = String::from("Hello there.\n");
    s.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
    );
    // A burst of typing: each keystroke a new text.
    for (i, ch) in "abcdefgh".chars().enumerate() {
        text.insert(0, ch);
        s.notify("textDocument/didChange", json!({"textDocument": {"uri": uri, "version": i + 2}, "contentChanges": [{"text": text}]}));
        let _ = hover_text(&mut s, uri);
    }
    // After the pause: one request for the final text, then the hover is exact.
    let t = Instant::now();
    let md = loop {
        let md = hover_text(&mut s, uri);
        if md.contains("exact via API") || t.elapsed() > Duration::from_secs(15) {
            break md;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(
        crate::hover_tokens(&md, "claude-sonnet-4-5"),
        Some((fake_tokens(&text).to_string(), "exact via API".into())),
        "{md}"
    );
    assert!(
        md.contains("Claude counts: Anthropic API, exact via API."),
        "{md}"
    );
    let asked: Vec<String> = seen
        .0
        .lock()
        .unwrap()
        .iter()
        .map(|(_, t)| t.clone())
        .collect();
    assert!(asked.contains(&text), "{asked:?}");
    assert!(asked.len() <= 2, "typing was not debounced: {asked:?}");
    let st = s.request("promptcost/status", json!({}));
    assert_eq!(
        st["result"]["claude_api"]["status"], "exact via API",
        "{st}"
    );
    assert!(s.stop().success());
}

#[test]
fn language_server_without_the_setting_never_connects() {
    let (url, seen) = fake_api(false);
    let env = [
        ("PROMPTCOST_ANTHROPIC_BASE_URL", Some(url.as_str())),
        ("ANTHROPIC_API_KEY", Some("test-key")),
    ];
    let mut s = Server::start_with_env(env!("CARGO_BIN_EXE_promptcost"), &env);
    s.initialize(json!({"models": ["claude-sonnet-4-5"]}));
    let uri = "file:///tmp/promptcost-api/prompts/b.md";
    s.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": TEXT}}),
    );
    let md = hover_text(&mut s, uri);
    assert!(md.contains("≈"), "{md}");
    std::thread::sleep(Duration::from_millis(1500));
    assert!(seen.0.lock().unwrap().is_empty());
    let st = s.request("promptcost/status", json!({}));
    assert!(st["result"]["claude_api"].is_null(), "{st}");
    assert!(s.stop().success());
}

#[test]
fn models_shows_exact_via_api_only_with_the_flag_and_a_key() {
    let run = |args: &[&str], key: Option<&str>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_promptcost"));
        cmd.arg("models").args(args);
        match key {
            Some(k) => cmd.env("ANTHROPIC_API_KEY", k),
            None => cmd.env_remove("ANTHROPIC_API_KEY"),
        };
        cmd.output().unwrap()
    };
    let accuracy = |o: &Output, id: &str| -> String {
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        v["models"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["model"] == id)
            .unwrap()["accuracy"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let o = run(&["--json"], Some("k"));
    assert_eq!(accuracy(&o, "claude-sonnet-4-5"), "≈ ±15%");
    let o = run(&["--json", "--claude-api"], Some("k"));
    assert_eq!(accuracy(&o, "claude-sonnet-4-5"), "exact via API");
    assert_eq!(accuracy(&o, "gpt-4o"), "exact (o200k_base)");
    assert_eq!(accuracy(&o, "gemini-2.5-pro"), "exact (gemma3)");
    let o = run(&["--json", "--claude-api"], None);
    assert_eq!(accuracy(&o, "claude-sonnet-4-5"), "≈ ±15%");
    assert!(String::from_utf8_lossy(&o.stderr).contains("ANTHROPIC_API_KEY is not set"));
}
