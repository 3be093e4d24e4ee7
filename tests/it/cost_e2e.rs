//! What a prompt costs, end to end: `count`'s cost flags and JSON, `promptcost usage` on every
//! record shape, `check`'s dollar budgets and monthly change since a git base (every format,
//! exit codes, the JSON schema), and the cost rows of the hover and the code lens. Expected
//! figures are computed by hand from the embedded price table (snapshot 2026-11-10):
//! gpt-4o $2.50 input, $1.25 cached input, $10 output per 1M tokens.

use crate::git;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::{json, Value};

use crate::common::{o200k, utf16_caps, Client};

const IN: f64 = 2.5e-6;
const CACHED: f64 = 1.25e-6;
const OUT: f64 = 10e-6;

fn promptcost(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_promptcost"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn json_of(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stdout)))
}

fn near(a: &Value, b: f64) -> bool {
    a.as_f64()
        .is_some_and(|a| (a - b).abs() <= 1e-9 * b.abs().max(1.0))
}

#[test]
fn count_prices_output_volume_and_cache() {
    let dir = tempfile::tempdir().unwrap();
    // ~3,000 tokens without placeholders: the whole text is a static prefix.
    let text =
        "You are a careful support agent for Acme Cloud. Answer billing questions.\n".repeat(200);
    std::fs::write(dir.path().join("p.txt"), &text).unwrap();
    let n = o200k(&text);
    assert!(n > 2_000, "{n}");
    let o = promptcost(
        dir.path(),
        &[
            "count",
            "-m",
            "gpt-4o",
            "--output-tokens",
            "300",
            "--calls-per-day",
            "10000",
            "--json",
            "p.txt",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let m = &json_of(&o)["models"][0];
    assert_eq!(m["tokens"], n);
    assert_eq!(m["output_tokens"], 300);
    let per_call = n as f64 * IN + 300.0 * OUT;
    assert!(near(&m["per_call_usd"], per_call), "{m}");
    assert!(near(&m["monthly_usd"], per_call * 10_000.0 * 30.0), "{m}");
    assert!(near(&m["daily_usd"], per_call * 10_000.0), "{m}");

    // All calls hit the cache: 1,024 + a multiple of 128 tokens at the cached price.
    let o = promptcost(
        dir.path(),
        &[
            "count",
            "-m",
            "gpt-4o",
            "--output-tokens",
            "300",
            "--cache-hit",
            "100%",
            "--json",
            "p.txt",
        ],
    );
    let m = &json_of(&o)["models"][0];
    let cached = 1024 + (n - 1024) / 128 * 128;
    let expected = cached as f64 * CACHED + (n - cached) as f64 * IN + 300.0 * OUT;
    assert!(near(&m["per_call_usd"], expected), "{m} vs {expected}");
    assert_eq!(m["monthly_usd"], Value::Null, "no volume: null, not 0");

    let text_out =
        String::from_utf8(promptcost(dir.path(), &["count", "-m", "gpt-4o", "p.txt"]).stdout)
            .unwrap();
    assert!(
        text_out.contains("per call") && text_out.contains("pass --calls-per-day"),
        "{text_out}"
    );

    let bad = promptcost(dir.path(), &["count", "--cache-hit", "150%", "p.txt"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--cache-hit"));
}

#[test]
fn count_includes_tool_definitions() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("p.txt"),
        "What's the weather like in San Francisco?",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("tools.json"),
        r#"[{"type": "function", "function": {"name": "get_current_weather", "description": "Get the current weather in a given location",
            "parameters": {"type": "object", "properties": {"location": {"type": "string", "description": "The city and state, e.g. San Francisco, CA"}}}}}]"#,
    )
    .unwrap();
    let o = promptcost(
        dir.path(),
        &[
            "count",
            "-m",
            "gpt-4o",
            "-m",
            "gemini-2.5-flash",
            "--output-tokens",
            "0",
            "--tools",
            "tools.json",
            "--json",
            "p.txt",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v = json_of(&o);
    let gpt = &v["models"][0];
    let tools = gpt["tools_tokens"].as_u64().unwrap();
    // OpenAI's framing: 7 + "name:description" + 3 + (3 + "location:string:...") + 12.
    let framed = 7
        + o200k("get_current_weather:Get the current weather in a given location")
        + 3
        + 3
        + o200k("location:string:The city and state, e.g. San Francisco, CA")
        + 12;
    assert_eq!(tools, framed);
    assert_eq!(gpt["tools_framing_documented"], true);
    assert!(
        near(
            &gpt["per_call_usd"],
            (gpt["tokens"].as_u64().unwrap() + tools) as f64 * IN
        ),
        "{gpt}"
    );
    assert_eq!(
        v["models"][1]["tools_framing_documented"], false,
        "Gemini documents no framing: an estimate"
    );
    let bad = std::fs::write(dir.path().join("bad.json"), "[{]");
    bad.unwrap();
    let o = promptcost(dir.path(), &["count", "--tools", "bad.json", "p.txt"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("bad.json"));
}

#[test]
fn usage_reads_every_shape_and_reports_bad_lines() {
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        r#"{"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o-2024-08-06","usage":{"prompt_tokens":2048,"completion_tokens":400,"prompt_tokens_details":{"cached_tokens":1024},"completion_tokens_details":{"reasoning_tokens":0}}}"#,
        r#"{"id":"resp_1","object":"response","model":"gpt-4o","usage":{"input_tokens":1000,"output_tokens":200,"input_tokens_details":{"cached_tokens":0},"output_tokens_details":{"reasoning_tokens":0}}}"#,
        r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"chat gpt-4o","attributes":[{"key":"gen_ai.response.model","value":{"stringValue":"gpt-4o-2024-08-06"}},{"key":"gen_ai.usage.input_tokens","value":{"intValue":"3000"}},{"key":"gen_ai.usage.output_tokens","value":{"intValue":"600"}}]}]}]}]}"#,
        "{\"model\": \"gpt-4o\", \"usage\": ",
        r#"{"type":"message","model":"claude-sonnet-4-5-20250929","usage":{"input_tokens":100,"cache_creation_input_tokens":0,"cache_read_input_tokens":4000,"output_tokens":500}}"#,
        r#"{"modelVersion":"gemini-2.5-flash","usageMetadata":{"promptTokenCount":5000,"cachedContentTokenCount":4096,"candidatesTokenCount":200,"thoughtsTokenCount":800}}"#,
        r#"{"model":"acme-9000","usage":{"prompt_tokens":10,"completion_tokens":10}}"#,
    ];
    std::fs::write(dir.path().join("runs.jsonl"), lines.join("\n") + "\n").unwrap();
    let o = promptcost(
        dir.path(),
        &["usage", "runs.jsonl", "--calls-per-day", "1000", "--json"],
    );
    assert_eq!(o.status.code(), Some(1), "bad lines fail the run");
    let v = json_of(&o);
    let model = |id: &str| {
        v["models"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["model"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("{id}: {v}"))
    };
    let gpt = model("gpt-4o");
    assert_eq!(gpt["calls"], 3);
    assert!(
        near(&gpt["avg_input_tokens"], 2016.0) && near(&gpt["avg_output_tokens"], 400.0),
        "{gpt}"
    );
    assert_eq!(gpt["p90_input_tokens"], 3000);
    let cost = (1024.0 * IN + 1024.0 * CACHED + 400.0 * OUT)
        + (1000.0 * IN + 200.0 * OUT)
        + (3000.0 * IN + 600.0 * OUT);
    assert!(near(&gpt["cost_usd"], cost), "{gpt} vs {cost}");
    assert!(near(&gpt["per_call_usd"], cost / 3.0));
    assert!(near(&gpt["monthly_usd"], cost / 3.0 * 1000.0 * 30.0));
    // claude-sonnet-4-5: $3 in, $0.30 cache read, $15 out.
    let claude = model("claude-sonnet-4-5");
    assert!(
        near(
            &claude["cost_usd"],
            100.0 * 3e-6 + 4000.0 * 0.3e-6 + 500.0 * 15e-6
        ),
        "{claude}"
    );
    assert!(near(&claude["avg_cached_tokens"], 4000.0));
    // gemini-2.5-flash: $0.30 in, $0.03 cached, $2.50 out; thoughts are output.
    let gemini = model("gemini-2.5-flash");
    assert!(
        near(
            &gemini["cost_usd"],
            904.0 * 0.3e-6 + 4096.0 * 0.03e-6 + 1000.0 * 2.5e-6
        ),
        "{gemini}"
    );
    let problems: Vec<(u64, String)> = v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["line"].as_u64().unwrap(),
                p["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        problems.iter().map(|p| p.0).collect::<Vec<_>>(),
        [4, 7],
        "{problems:?}"
    );
    assert!(
        problems[0].1.contains("invalid JSON")
            && problems[1].1.contains("unknown model 'acme-9000'"),
        "{problems:?}"
    );

    let text = String::from_utf8(promptcost(dir.path(), &["usage", "runs.jsonl"]).stdout).unwrap();
    assert!(
        text.contains("runs.jsonl:4:") && text.contains("runs.jsonl:7:"),
        "{text}"
    );
    assert!(text.contains("pass --calls-per-day"), "{text}");
    let good = dir.path().join("good.jsonl");
    std::fs::write(&good, lines[1]).unwrap();
    let o = promptcost(dir.path(), &["usage", "good.jsonl", "--json"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(json_of(&o)["models"][0]["monthly_usd"], Value::Null);
    assert_eq!(
        promptcost(dir.path(), &["usage", "missing.jsonl"])
            .status
            .code(),
        Some(2)
    );
}

const V1: &str = "<!-- promptcost: output=300 -->\n# Support\nYou help customers.\n\n## Question\n{{question}}\n";
const V2: &str = "<!-- promptcost: output=300 -->\n# Support\nYou help customers of Acme Cloud with billing, refunds and outages. Be brief and kind.\n\n## Question\n{{question}}\n";

#[test]
fn check_reports_monthly_change_and_dollar_budgets_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("prompts")).unwrap();
    std::fs::write(
        d.join("promptcost.toml"),
        "models = [\"gpt-4o\"]\n[volume]\n\"prompts/**\" = 10000\n",
    )
    .unwrap();
    std::fs::write(d.join("prompts/support.md"), V1).unwrap();
    git(d, &["init", "-q"]);
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "v1"]);
    std::fs::write(d.join("prompts/support.md"), V2).unwrap();
    // The file prompt is the whole text (no front matter), directive line included.
    let body = o200k;
    let (t1, t2) = (body(V1), body(V2));
    let per_call = |t: u64| t as f64 * IN + 300.0 * OUT;
    let change = (per_call(t2) - per_call(t1)) * 10_000.0 * 30.0;

    let o = promptcost(d, &["check", "--base", "HEAD", "--format", "json"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "no dollar budget yet: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = String::from_utf8(o.stdout.clone()).unwrap();
    crate::check_e2e::validate_schema(&text);
    let v: Value = serde_json::from_str(&text).unwrap();
    let file = &v["prompts"][0];
    assert_eq!(file["kind"], "file");
    let cost = &file["cost"];
    assert_eq!(cost["output_source"], "directive");
    assert!(near(&cost["per_call_usd"], per_call(t2)), "{cost}");
    assert!(
        near(&cost["monthly_usd"], per_call(t2) * 300_000.0),
        "{cost}"
    );
    assert!(near(&cost["daily_usd"], per_call(t2) * 10_000.0), "{cost}");
    assert!(
        near(&cost["monthly_change_usd"], change),
        "{cost} vs {change}"
    );
    assert!(
        v["prompts"][1].get("cost").is_none(),
        "a section is part of its file's request"
    );

    let label = format!("+${:.2}/month at 10,000 calls/day", change);
    for format in ["human", "markdown", "github"] {
        let out = String::from_utf8(
            promptcost(d, &["check", "--base", "HEAD", "--format", format]).stdout,
        )
        .unwrap();
        assert!(out.contains(&label), "{format}: {label} in {out}");
    }

    // Dollar budgets: per call (directive) and per month (glob), exit 1 in every format.
    std::fs::write(d.join("promptcost.toml"), "models = [\"gpt-4o\"]\n[volume]\n\"prompts/**\" = 10000\n[monthly_budget_usd]\n\"prompts/**\" = 100\n").unwrap();
    std::fs::write(
        d.join("prompts/support.md"),
        V2.replace("output=300", "output=300 budget_usd=0.001"),
    )
    .unwrap();
    for format in ["human", "json", "sarif", "github", "markdown"] {
        let o = promptcost(d, &["check", "--format", format]);
        assert_eq!(o.status.code(), Some(1), "{format}");
        let out = String::from_utf8(o.stdout).unwrap();
        match format {
            "json" => {
                crate::check_e2e::validate_schema(&out);
                let v: Value = serde_json::from_str(&out).unwrap();
                let rules: Vec<&str> = v["violations"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x["rule"].as_str().unwrap())
                    .collect();
                assert_eq!(rules, ["cost-budget", "monthly-budget"]);
                assert_eq!(v["prompts"][0]["status"], "over_budget");
            }
            "sarif" => {
                assert!(out.contains("PC1004") && out.contains("PC1005"), "{out}");
                let file = d.join("report.sarif");
                std::fs::write(&file, &out).unwrap();
                crate::check_e2e::sarif_multitool_validates(&file);
            }
            _ => assert!(
                out.contains("over its budget of $0.0010") || format == "markdown",
                "{format}: {out}"
            ),
        }
    }
    // Within the budgets: exit 0.
    std::fs::write(
        d.join("prompts/support.md"),
        V2.replace(
            "output=300",
            "output=300 budget_usd=1 monthly_budget_usd=100000",
        ),
    )
    .unwrap();
    let o = promptcost(d, &["check"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}

#[tokio::test]
async fn hover_and_lens_show_cost_per_call_and_month() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("promptcost.toml"),
        "models = [\"gpt-4o\"]\n",
    )
    .unwrap();
    let path = dir.path().join("prompts/chat.prompty");
    let doc = "---\nmodel: gpt-4o\n---\n<!-- promptcost: output=300 calls=10000/day turns=20 -->\nsystem:\nYou are a helpful assistant for Acme Cloud billing.\nuser:\nWhy was I charged twice this month?\n";
    let mut c = Client::start().await;
    c.settings = json!({});
    c.initialize(utf16_caps(), Value::Null, dir.path()).await;
    let uri = c.open(&path, doc).await;
    let md = c.hover_markdown(&uri, 5, 3).await;
    // The file: two messages (3 framing tokens each) + 3 priming; each further turn adds the
    // reply (300) and a user message of the same size as the file's, 3 framing tokens each.
    let system = o200k("You are a helpful assistant for Acme Cloud billing.\n");
    let user = o200k("Why was I charged twice this month?\n");
    let input = system + user + 3 * 2 + 3;
    let user_msg = user + 2 * 3;
    let turns: u64 = 20;
    let tokens_in: u64 = (0..turns).map(|k| input + k * (300 + user_msg)).sum();
    let total = tokens_in as f64 * IN + (turns * 300) as f64 * OUT;
    let alone = turns as f64 * (input as f64 * IN + 300.0 * OUT);
    let history = (total - alone) / total * 100.0;
    assert!(md.contains("per conversation"), "{md}");
    assert!(
        md.contains(&promptcost::format::usd(total)),
        "{} in {md}",
        promptcost::format::usd(total)
    );
    assert!(
        md.contains(&promptcost::format::usd(total * 10_000.0 * 30.0)),
        "{md}"
    );
    assert!(
        md.contains(&promptcost::format::usd(total * 10_000.0)),
        "per day: {md}"
    );
    assert!(
        md.contains(&format!("20 turns, {history:.0}% of it re-sent history")),
        "{history} in {md}"
    );
    assert!(md.contains("Output: 300 tokens (directive)"), "{md}");

    let r = c.code_lens(&uri).await;
    let title = r["result"][0]["command"]["title"].as_str().unwrap();
    assert!(
        title.contains(&format!("{}/conversation", promptcost::format::usd(total))),
        "{title}"
    );
    assert!(title.contains("/month"), "{title}");
    c.shutdown().await;
}

#[test]
fn check_prices_each_literal_of_a_source_file_as_a_request() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("promptcost.toml"),
        "models = [\"gpt-4o\"]\ncache_hit = 1.0\n[volume]\n\"*.py\" = 1000\n",
    )
    .unwrap();
    let value = format!(
        "{}Customer: {{name}}",
        "You are a billing assistant. ".repeat(300)
    );
    std::fs::write(
        d.join("app.py"),
        format!("SYSTEM_PROMPT = \"\"\"{value}\"\"\"\n"),
    )
    .unwrap();
    let o = promptcost(d, &["check", "--format", "json"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v = json_of(&o);
    let prompts = v["prompts"].as_array().unwrap();
    assert_eq!(prompts[0]["kind"], "file");
    assert!(
        prompts[0].get("cost").is_none(),
        "a source file is not one request"
    );
    let lit = prompts.iter().find(|p| p["kind"] == "literal").unwrap();
    // Every call reads the part before {name} from the cache, in 128-token steps past 1,024.
    let n = o200k(&value);
    let prefix = o200k(&value[..value.find("{name}").unwrap()]);
    let cached = 1024 + (prefix - 1024) / 128 * 128;
    let per_call = cached as f64 * CACHED + (n - cached) as f64 * IN + 500.0 * OUT;
    assert!(
        near(&lit["cost"]["per_call_usd"], per_call),
        "{} vs {per_call}",
        lit["cost"]
    );
    assert!(near(&lit["cost"]["monthly_usd"], per_call * 1000.0 * 30.0));
}

#[test]
fn a_project_usage_file_sets_the_expected_output() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("runs")).unwrap();
    let runs = [(900, 250), (1100, 350)]
        .iter()
        .map(|(i, o)| {
            format!(
                r#"{{"model":"gpt-4o","usage":{{"prompt_tokens":{i},"completion_tokens":{o}}}}}"#
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(d.join("runs/usage.jsonl"), runs).unwrap();
    std::fs::write(
        d.join("promptcost.toml"),
        "models = [\"gpt-4o\"]\nusage = \"runs/usage.jsonl\"\n",
    )
    .unwrap();
    std::fs::write(d.join("a.prompt.md"), "# A\nYou answer questions.\n").unwrap();
    let v = json_of(&promptcost(d, &["check", "--format", "json"]));
    let cost = &v["prompts"][0]["cost"];
    assert_eq!(
        (
            cost["output_tokens"].as_u64(),
            cost["output_source"].as_str()
        ),
        (Some(300), Some("usage")),
        "{cost}"
    );
    let tokens = v["prompts"][0]["models"][0]["tokens"].as_u64().unwrap();
    assert!(
        near(&cost["per_call_usd"], tokens as f64 * IN + 300.0 * OUT),
        "{cost}"
    );
    // A directive still wins over measured averages.
    std::fs::write(
        d.join("a.prompt.md"),
        "<!-- promptcost: output=100 -->\n# A\nYou answer questions.\n",
    )
    .unwrap();
    let v = json_of(&promptcost(d, &["check", "--format", "json"]));
    assert_eq!(v["prompts"][0]["cost"]["output_source"], "directive");
}

// The editor settings `callsPerDay` and `cacheHit` (as VS Code and Neovim send them) change
// the hover's per-month column and its notes, on workspace/configuration and on a change.
#[tokio::test]
async fn editor_settings_set_the_volume_and_cache_of_the_hover() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("promptcost.toml"),
        "models = [\"gpt-4o\"]\nexpected_output_tokens = 100\n",
    )
    .unwrap();
    let text = "You are a helpful assistant for Acme Cloud billing.\n";
    let per_call = o200k(text) as f64 * IN + 100.0 * OUT;
    let mut c = Client::start().await;
    c.settings = json!({"callsPerDay": 1000});
    c.initialize(utf16_caps(), Value::Null, dir.path()).await;
    let uri = c.open(&dir.path().join("a.prompt.md"), text).await;
    let md = hover_md(&mut c, &uri).await;
    assert_eq!(
        &month_cell(&md),
        &promptcost::format::usd(per_call * 1000.0 * 30.0),
        "{md}"
    );
    assert!(md.contains("per month: 1,000 calls/day, 30 days"), "{md}");
    assert!(md.contains("no cache assumed"), "{md}");
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"promptcost": {"callsPerDay": 5000, "cacheHit": 0.5}}}),
    )
    .await;
    let mut md = String::new();
    for _ in 0..100 {
        md = hover_md(&mut c, &uri).await;
        if md.contains("5,000 calls/day") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    // The prompt is below OpenAI's 1,024-token cache minimum: the cache share changes nothing.
    assert_eq!(
        &month_cell(&md),
        &promptcost::format::usd(per_call * 5000.0 * 30.0),
        "{md}"
    );
    assert!(md.contains("static prefix cached on 50% of calls"), "{md}");
    c.shutdown().await;
}

async fn hover_md(c: &mut Client, uri: &str) -> String {
    let r = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 3}}),
        )
        .await;
    r["result"]["contents"]["value"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The per-month cell of the hover's cost table (its last row for the model).
fn month_cell(md: &str) -> String {
    let line = md.lines().rev().find(|l| l.starts_with("gpt-4o")).unwrap();
    line.split_whitespace().last().unwrap().to_string()
}

// The same settings as initializationOptions, over stdio to the real binary (how VS Code and
// Neovim send them at start).
#[test]
fn editor_settings_as_initialization_options_over_stdio() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.prompt.md");
    let mut s = crate::stdio_client::Server::start(env!("CARGO_BIN_EXE_promptcost"));
    s.initialize(json!({"models": ["gpt-4o"], "callsPerDay": 2000, "cacheHit": 0.25}));
    let uri = format!("file://{}", path.display());
    s.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1,
               "text": "You are a helpful assistant for Acme Cloud billing.\n"}}),
    );
    let r = s.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 3}}),
    );
    let md = r["result"]["contents"]["value"].as_str().unwrap();
    assert!(md.contains("per month: 2,000 calls/day, 30 days"), "{md}");
    assert!(md.contains("static prefix cached on 25% of calls"), "{md}");
    s.stop();
}

/// A directive above a literal in code sets its expected output, volume and turns, as in a
/// prompt file: in `check` and in the editor's hover.
#[tokio::test]
async fn a_directive_above_a_literal_in_code_prices_that_call() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("promptcost.toml"), "models = [\"gpt-4o\"]\n").unwrap();
    let value = "You are a billing assistant. Answer in two sentences.";
    let src = format!(
        "# promptcost: output=300 calls=1000/day\nSYSTEM_PROMPT = \"{value}\"\nOTHER_PROMPT = \"{value} Be polite.\"\n"
    );
    std::fs::write(d.join("app.py"), &src).unwrap();
    let o = promptcost(d, &["check", "--format", "json"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v = json_of(&o);
    let lits: Vec<&serde_json::Value> = v["prompts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["kind"] == "literal")
        .collect();
    assert_eq!(lits.len(), 2, "{v}");
    let per_call = o200k(value) as f64 * IN + 300.0 * OUT;
    assert_eq!(lits[0]["cost"]["output_tokens"], 300);
    assert_eq!(lits[0]["cost"]["output_source"], "directive");
    assert!(
        near(&lits[0]["cost"]["per_call_usd"], per_call),
        "{}",
        lits[0]["cost"]
    );
    assert!(near(
        &lits[0]["cost"]["monthly_usd"],
        per_call * 1000.0 * 30.0
    ));
    // the next statement has no directive: the defaults
    assert_eq!(lits[1]["cost"]["output_tokens"], 500);
    assert!(
        lits[1]["cost"]["monthly_usd"].is_null(),
        "{}",
        lits[1]["cost"]
    );

    let mut c = Client::start().await;
    c.settings = json!({});
    c.initialize(utf16_caps(), Value::Null, d).await;
    let uri = c.open(&d.join("app.py"), &src).await;
    let md = c.hover_markdown(&uri, 1, 20).await;
    assert!(md.contains("Output: 300 tokens (directive)"), "{md}");
    assert!(
        md.contains(&promptcost::format::usd(per_call * 1000.0 * 30.0)),
        "{} in {md}",
        promptcost::format::usd(per_call * 1000.0 * 30.0)
    );
    c.shutdown().await;
}
