//! End-to-end tests of the language server over an in-process duplex pipe, framed as on stdio.

use crate::common::{o200k, utf16_caps, utf8_caps, Client};
use serde_json::{json, Value};

const DOC: &str = "---\nmodel: gpt-4o\n---\nIntro line.\n# Support agent\nYou help customers of Acme. 😀 日本語\n## Tools\nUse {{tool}} and {user}.\n```\n# not a heading\n```\n# Style\nBe brief.\n";

fn settings() -> Value {
    json!({"models": ["gpt-4o", "claude-sonnet-4-5"], "expectedOutputTokens": 200})
}

fn hint_labels(r: &Value) -> Vec<(u64, String)> {
    r["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["position"]["line"].as_u64().unwrap(),
                h["label"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn section(doc: &str, from: &str, to: Option<&str>) -> String {
    let a = doc.find(from).unwrap();
    let b = to.map_or(doc.len(), |t| doc[a + 1..].find(t).unwrap() + a + 1);
    doc[a..b].to_string()
}

#[tokio::test]
async fn hints_hover_lens_and_count_match_exact_counts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("prompts/support.md");
    let mut c = Client::start().await;
    c.settings = settings();
    let init = c.initialize(utf16_caps(), Value::Null, dir.path()).await;
    let caps = &init["result"]["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(caps["inlayHintProvider"], true);
    assert_eq!(caps["hoverProvider"], true);
    assert!(caps["codeLensProvider"].is_object());
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental sync");

    let uri = c.open(&path, DOC).await;
    let diags = c.diagnostics(&uri, 1).await;
    assert!(diags.is_empty(), "{diags:?}");

    let r = c.inlay_hints(&uri, 0, 100).await;
    let support = section(DOC, "# Support agent", Some("\n# Style"));
    let support = support.as_str();
    let tools = section(DOC, "## Tools", Some("\n# Style"));
    let style = section(DOC, "# Style", None);
    let gpt4o = 2.5e-6;
    let label = |s: &str| {
        format!(
            "{} tok · {}",
            promptcost::format::thousands(o200k(s)),
            promptcost::format::usd(o200k(s) as f64 * gpt4o)
        )
    };
    // Section ranges end at the newline before the next heading of the same level.
    let support_text = &DOC[DOC.find("# Support").unwrap()..DOC.find("# Style").unwrap()];
    let tools_text = &DOC[DOC.find("## Tools").unwrap()..DOC.find("# Style").unwrap()];
    let _ = (support, tools);
    assert_eq!(
        hint_labels(&r),
        vec![
            (4, label(support_text)),
            (6, label(tools_text)),
            (11, label(&style))
        ],
        "front matter's model: gpt-4o is the budget model and comes first"
    );
    assert!(
        r["result"][0]["position"]["character"].as_u64().unwrap() == "# Support agent".len() as u64
    );

    let md = c.hover_markdown(&uri, 7, 3).await;
    insta::assert_snapshot!("hover_tools_section", md);
    assert_eq!(
        crate::hover_tokens(&md, "gpt-4o"),
        Some((o200k(tools_text).to_string(), "exact (o200k_base)".into())),
        "{md}"
    );
    assert!(md.contains("2 placeholders not filled"), "{md}");

    let r = c.code_lens(&uri).await;
    let title = r["result"][0]["command"]["title"].as_str().unwrap();
    let body = &DOC[DOC.find("Intro").unwrap()..];
    assert!(
        title.starts_with(&format!("{} tokens · ", o200k(body))),
        "{title}"
    );
    assert!(
        title.contains("gpt-4o") && title.contains("of 128k"),
        "{title}"
    );

    // promptcost/count: whole document and a range (line 5, the emoji line, in UTF-16 units).
    let r = c
        .request("promptcost/count", json!({"textDocument": {"uri": uri}}))
        .await;
    assert_eq!(r["result"]["models"][0]["model"], "gpt-4o");
    assert_eq!(r["result"]["models"][0]["tokens"], o200k(DOC));
    assert_eq!(r["result"]["models"][1]["exact"], false);
    let line5 = DOC.lines().nth(5).unwrap();
    let utf16_len = line5.encode_utf16().count();
    let r = c.request("promptcost/count", json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 5, "character": 0}, "end": {"line": 5, "character": utf16_len}}})).await;
    assert_eq!(r["result"]["models"][0]["tokens"], o200k(line5));
    assert_eq!(r["result"]["chars"], line5.chars().count());

    let r = c.request("promptcost/models", json!({})).await;
    assert!(r["result"]["models"].as_array().unwrap().len() >= 30);
    assert_eq!(
        r["result"]["configured"],
        json!(["gpt-4o", "claude-sonnet-4-5"])
    );
    c.shutdown().await;
}

#[tokio::test]
async fn budget_warning_appears_and_goes_with_edits_in_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("AGENTS.md");
    let mut c = Client::start().await;
    let init = c
        .initialize(
            utf8_caps(),
            json!({"models": ["gpt-4o"], "budget": 20}),
            dir.path(),
        )
        .await;
    assert_eq!(init["result"]["capabilities"]["positionEncoding"], "utf-8");
    let text =
        "# Rules\nAlways run the tests before you commit. Never push to main directly. 日本語 😀\n";
    let uri = c.open(&path, text).await;
    let d = c.diagnostics(&uri, 1).await;
    let n = o200k(text);
    assert!(n > 20);
    assert_eq!(d.len(), 1, "{d:?}");
    let pct = (n - 20) as f64 / 20.0 * 100.0;
    assert_eq!(
        d[0]["message"],
        format!("{n} tokens exceeds budget 20 (+{pct:.0}%) for this file (gpt-4o)")
    );
    assert_eq!(d[0]["severity"], 2);
    assert_eq!(d[0]["range"]["start"]["line"], 0);

    // Delete from after "Always" to the end of line 1, in UTF-8 byte columns (past the emoji).
    let line1 = text.lines().nth(1).unwrap();
    c.notify("textDocument/didChange", json!({"textDocument": {"uri": uri, "version": 2},
        "contentChanges": [{"range": {"start": {"line": 1, "character": 6}, "end": {"line": 1, "character": line1.len()}}, "text": ""}]})).await;
    let d = c.diagnostics(&uri, 2).await;
    assert!(d.is_empty(), "{d:?}");
    let r = c
        .request("promptcost/count", json!({"textDocument": {"uri": uri}}))
        .await;
    assert_eq!(
        r["result"]["models"][0]["tokens"],
        o200k("# Rules\nAlways\n")
    );
    c.shutdown().await;
}

#[tokio::test]
async fn section_directive_budget_and_context_window_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Client::start().await;
    c.initialize(utf16_caps(), json!({"models": ["gpt-4o"]}), dir.path())
        .await;
    let text = "# Small <!-- promptcost: budget=3 model=gpt-4 -->\none two three four five six\n# Fine\nok\n";
    let uri = c.open(&dir.path().join("x.prompt.md"), text).await;
    let d = c.diagnostics(&uri, 1).await;
    assert_eq!(d.len(), 1, "{d:?}");
    let msg = d[0]["message"].as_str().unwrap();
    assert!(
        msg.contains("exceeds budget 3")
            && msg.contains("section 'Small'")
            && msg.contains("(gpt-4)"),
        "{msg}"
    );
    assert_eq!(d[0]["range"]["start"]["line"], 0);

    // A file larger than a model's context window is an error (gpt-3.5-turbo: 16k tokens).
    let big = "word ".repeat(20_000);
    let uri2 = c.open(&dir.path().join("big.prompt"), &big).await;
    let _ = c.diagnostics(&uri2, 1).await;
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"promptcost": {"models": ["gpt-3.5-turbo"]}}}),
    )
    .await;
    let d = c
        .wait_for("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri2.as_str() && !p["diagnostics"].as_array().unwrap().is_empty()
        })
        .await;
    let d = &d["params"]["diagnostics"][0];
    assert_eq!(d["severity"], 1);
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("exceeds the context window of gpt-3.5-turbo"),
        "{d}"
    );
    c.shutdown().await;
}

#[tokio::test]
async fn invalid_config_gets_a_diagnostic_and_defaults_keep_working() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("promptcost.toml"),
        "budget = 5\nmodels = [\"gpt4o\"]\n",
    )
    .unwrap();
    let mut c = Client::start().await;
    c.initialize(utf16_caps(), Value::Null, dir.path()).await;
    let uri = c
        .open(&dir.path().join("CLAUDE.md"), "# Hi\nhello there\n")
        .await;
    let cfg_uri = format!("file://{}", dir.path().join("promptcost.toml").display());
    let n = c
        .wait_for("textDocument/publishDiagnostics", |p| {
            p["uri"] == cfg_uri.as_str()
        })
        .await;
    let d = &n["params"]["diagnostics"][0];
    assert_eq!(d["range"]["start"], json!({"line": 1, "character": 10}));
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("did you mean 'gpt-4o'"),
        "{d}"
    );
    // Defaults keep working: hints are there.
    let r = c.inlay_hints(&uri, 0, 9).await;
    assert_eq!(r["result"].as_array().unwrap().len(), 1);

    // Fix the file and tell the server: the diagnostic clears and the budget applies.
    std::fs::write(
        dir.path().join("promptcost.toml"),
        "budget = 2\nmodels = [\"gpt-4o\"]\n",
    )
    .unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": cfg_uri, "type": 2}]}),
    )
    .await;
    c.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == cfg_uri.as_str() && p["diagnostics"].as_array().unwrap().is_empty()
    })
    .await;
    let d = c
        .wait_for("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri.as_str() && !p["diagnostics"].as_array().unwrap().is_empty()
        })
        .await;
    assert!(d["params"]["diagnostics"][0]["message"]
        .as_str()
        .unwrap()
        .contains("exceeds budget 2"));
    c.wait_for("workspace/inlayHint/refresh", |_| true).await;
    c.shutdown().await;
}

#[tokio::test]
async fn bad_input_never_kills_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Client::start().await;
    c.initialize(utf16_caps(), Value::Null, dir.path()).await;
    // didChange for a document that is not open, reversed and past-the-end ranges, unknown methods.
    c.notify("textDocument/didChange", json!({"textDocument": {"uri": "file:///nope.md", "version": 2}, "contentChanges": [{"text": "x"}]})).await;
    let uri = c
        .open(&dir.path().join("a.prompt"), "hello 😀 world\n")
        .await;
    c.notify("textDocument/didChange", json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
        {"range": {"start": {"line": 0, "character": 8}, "end": {"line": 0, "character": 7}}, "text": "X"},
        {"range": {"start": {"line": 9, "character": 99}, "end": {"line": 12, "character": 0}}, "text": "tail"}]})).await;
    let r = c
        .request("promptcost/count", json!({"textDocument": {"uri": uri}}))
        .await;
    // Position 7 is inside the surrogate pair: it snaps to the emoji's start.
    assert_eq!(
        r["result"]["models"][0]["tokens"],
        o200k("hello X world\ntail")
    );
    let r = c.request("promptcost/unknown", json!({})).await;
    assert_eq!(r["error"]["code"], -32601);
    let r = c
        .request(
            "promptcost/count",
            json!({"textDocument": {"uri": "file:///not-open.md"}}),
        )
        .await;
    assert!(
        r["error"]["message"].as_str().unwrap().contains("not open"),
        "{r}"
    );
    let r = c.hover(&uri, 999, 999).await;
    assert!(r["result"]["contents"]["value"]
        .as_str()
        .unwrap()
        .contains("promptcost"));
    c.shutdown().await;
}

#[tokio::test]
async fn large_files_count_in_the_background_and_edits_meanwhile_are_not_lost() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Client::start().await;
    c.initialize(
        utf16_caps(),
        json!({"models": ["gpt-4o", "gpt-4"]}),
        dir.path(),
    )
    .await;
    let mut text = "# Big\n".to_string()
        + &"Some words of a very large prompt file, over and over.\n".repeat(40_000);
    assert!(text.len() > 2_000_000);
    let uri = c.open(&dir.path().join("big.prompt.md"), &text).await;
    // Edit right away, while the first count may still run: the result must be for the new text.
    c.notify("textDocument/didChange", json!({"textDocument": {"uri": uri, "version": 2},
        "contentChanges": [{"range": {"start": {"line": 0, "character": 2}, "end": {"line": 0, "character": 5}}, "text": "Huge and bigger"}]})).await;
    text.replace_range(2..5, "Huge and bigger");
    // A small document is served meanwhile.
    let small = c
        .open(&dir.path().join("small.prompt"), "hello there")
        .await;
    let r = c
        .request("promptcost/count", json!({"textDocument": {"uri": small}}))
        .await;
    assert_eq!(r["result"]["models"][0]["tokens"], o200k("hello there"));
    // Hints say "counting…" until the count is in; then diagnostics for version 2 arrive.
    let r = c.inlay_hints(&uri, 0, 5).await;
    let label = r["result"][0]["label"].as_str().unwrap().to_string();
    assert!(
        label == "counting…" || label.ends_with(" tok · $") || label.contains("tok ·"),
        "{label}"
    );
    c.diagnostics(&uri, 2).await;
    let r = c
        .request("promptcost/count", json!({"textDocument": {"uri": uri}}))
        .await;
    assert_eq!(r["result"]["models"][0]["tokens"], o200k(&text));
    assert_eq!(
        r["result"]["models"][1]["tokens"],
        promptcost::tokenize::Encoding::Cl100kBase.count(&text) as u64
    );
    let r = c.inlay_hints(&uri, 0, 5).await;
    assert!(
        r["result"][0]["label"].as_str().unwrap().contains("tok ·"),
        "{r}"
    );
    c.shutdown().await;
}

#[tokio::test]
async fn prompt_literals_in_python_get_hints_hover_and_budget_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Client::start().await;
    c.initialize(
        utf8_caps(),
        json!({"models": ["gpt-4o", "claude-sonnet-4-5"]}),
        dir.path(),
    )
    .await;
    let src = "import textwrap\n\nSYSTEM_PROMPT = textwrap.dedent(\"\"\"\\\n    You are a helpful assistant.\n    Answer briefly.\n\"\"\")\n\n# promptcost: budget=5\nGREETING_TEMPLATE = \"Hello {name}, welcome to Acme Cloud support!\"\n\ndocstring_not_a_prompt = 1\n";
    let path = dir.path().join("app.py");
    let uri = format!("file://{}", path.display());
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": src}}),
    )
    .await;
    let d = c.diagnostics(&uri, 1).await;
    let greeting = "Hello {name}, welcome to Acme Cloud support!";
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(
        d[0]["message"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{} tokens exceeds budget 5", o200k(greeting))),
        "{d:?}"
    );
    assert_eq!(d[0]["range"]["start"]["line"], 8);

    let r = c.inlay_hints(&uri, 0, 20).await;
    let hints = hint_labels(&r);
    let system = "You are a helpful assistant.\nAnswer briefly.\n";
    assert_eq!(hints.len(), 2, "{hints:?}");
    assert_eq!(
        hints[0],
        (
            2,
            format!(
                "{} tok · {}",
                o200k(system),
                promptcost::format::usd(o200k(system) as f64 * 2.5e-6)
            )
        )
    );
    assert_eq!(hints[1].0, 8);

    let r = c.hover(&uri, 8, 25).await;
    let md = r["result"]["contents"]["value"].as_str().unwrap();
    assert!(
        md.contains("prompt `GREETING_TEMPLATE`") && md.contains("1 placeholder not filled"),
        "{md}"
    );
    assert_eq!(
        crate::hover_tokens(md, "gpt-4o"),
        Some((o200k(greeting).to_string(), "exact (o200k_base)".into())),
        "{md}"
    );

    // Shrink the literal below its budget: the warning goes.
    c.notify("textDocument/didChange", json!({"textDocument": {"uri": uri, "version": 2},
        "contentChanges": [{"range": {"start": {"line": 8, "character": 21}, "end": {"line": 8, "character": 65}}, "text": "Hi"}]})).await;
    let d = c.diagnostics(&uri, 2).await;
    assert!(d.is_empty(), "{d:?}");
    let r = c.request("textDocument/inlayHint", json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 8, "character": 0}, "end": {"line": 8, "character": 99}}})).await;
    assert_eq!(
        hint_labels(&r)[0].1,
        format!(
            "{} tok · {}",
            o200k("Hi"),
            promptcost::format::usd(o200k("Hi") as f64 * 2.5e-6)
        )
    );
    c.shutdown().await;
}

/// `$/cancelRequest`: a request cancelled before the worker reaches it is answered as
/// cancelled (-32800) and its work is skipped; the server goes on answering.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelled_requests_are_skipped_and_answered_as_cancelled() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Client::start().await;
    c.initialize(utf16_caps(), json!({}), dir.path()).await;
    let text = "# Section\nSome prose to count, with a few more words in it.\n".repeat(20_000);
    let uri = c.open(&dir.path().join("big.prompt.md"), &text).await;
    c.diagnostics(&uri, 1).await;
    let mut skipped = 0;
    for round in 0..5i64 {
        let first = 100_000 + round * 1_000;
        let mut burst = Vec::new();
        for id in first..first + 200 {
            burst.push(json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/hover",
                              "params": {"textDocument": {"uri": uri}, "position": {"line": (id % 1000) * 2, "character": 3}}}));
            burst
                .push(json!({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": id}}));
        }
        c.send_many(&burst).await;
        // Every request gets exactly one answer: a hover, or RequestCancelled.
        let (mut answered, mut cancelled) = (0, 0);
        while answered < 200 {
            let m = c.next_message().await;
            match m.get("id").and_then(Value::as_i64) {
                Some(id) if (first..first + 200).contains(&id) && m.get("method").is_none() => {
                    answered += 1;
                    if m["error"]["code"] == -32800 {
                        cancelled += 1;
                    } else {
                        assert!(
                            m["result"]["contents"]["value"]
                                .as_str()
                                .unwrap()
                                .contains("tokens"),
                            "{m}"
                        );
                    }
                }
                _ => {}
            }
        }
        let st = c.request("promptcost/status", json!({})).await;
        skipped = st["result"]["skipped_cancelled_requests"].as_u64().unwrap();
        assert!(
            skipped <= cancelled as u64 + (round as u64) * 200,
            "skipped work only for cancelled requests"
        );
        if skipped > 0 {
            break;
        }
    }
    assert!(
        skipped > 0,
        "no cancelled request was skipped in 5 bursts of 200"
    );
    let h = c.hover(&uri, 0, 3).await;
    assert!(
        h["result"]["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("tokens"),
        "{h}"
    );
    c.shutdown().await;
}

/// An edit inside a long run without cut points (a minified blob) is counted on a background
/// thread: the file shows "counting…" meanwhile, other files are served, and the count that
/// arrives is exact for the newest text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_in_a_long_uncuttable_run_counts_in_the_background() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Client::start().await;
    c.initialize(
        utf8_caps(),
        json!({"models": ["gpt-4o", "gemini-2.5-pro"]}),
        dir.path(),
    )
    .await;
    let mut text = format!(
        "# Data\n{}\n# After\nplain words\n",
        "Zm9vYmFy".repeat(40_000)
    );
    let uri = c.open(&dir.path().join("blob.prompt.md"), &text).await;
    c.diagnostics(&uri, 1).await;
    let other = c
        .open(&dir.path().join("other.prompt"), "hello there")
        .await;
    c.notify("textDocument/didChange", json!({"textDocument": {"uri": uri, "version": 2},
        "contentChanges": [{"range": {"start": {"line": 1, "character": 1000}, "end": {"line": 1, "character": 1000}}, "text": "QQ"}]})).await;
    text.insert_str(7 + 1000, "QQ");
    assert_eq!(first_hint(&mut c, &uri).await, "counting…");
    let r = c
        .request("promptcost/count", json!({"textDocument": {"uri": other}}))
        .await;
    assert_eq!(r["result"]["models"][0]["tokens"], o200k("hello there"));
    c.diagnostics(&uri, 2).await;
    let r = c
        .request("promptcost/count", json!({"textDocument": {"uri": uri}}))
        .await;
    assert_eq!(r["result"]["models"][0]["tokens"], o200k(&text));
    assert_eq!(
        r["result"]["models"][1]["tokens"],
        promptcost::tokenize::Encoding::Gemma3.count(&text) as u64
    );
    assert!(first_hint(&mut c, &uri).await.contains("tok ·"));
    // An edit elsewhere stays synchronous and exact.
    c.notify("textDocument/didChange", json!({"textDocument": {"uri": uri, "version": 3},
        "contentChanges": [{"range": {"start": {"line": 3, "character": 0}, "end": {"line": 3, "character": 5}}, "text": "many"}]})).await;
    let at = text.find("plain").unwrap();
    text.replace_range(at..at + 5, "many");
    c.diagnostics(&uri, 3).await;
    let r = c
        .request("promptcost/count", json!({"textDocument": {"uri": uri}}))
        .await;
    assert_eq!(
        r["result"]["models"][1]["tokens"],
        promptcost::tokenize::Encoding::Gemma3.count(&text) as u64
    );
    c.shutdown().await;
}

async fn first_hint(c: &mut Client, uri: &str) -> String {
    let r = c.inlay_hints(uri, 0, 4).await;
    r["result"][0]["label"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}
