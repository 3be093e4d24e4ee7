//! What editors show as they get it: a prompt file without headings gets its total as one hint
//! at the end of its first line (not when its headings are only scrolled out of view, never in
//! source code), and the custom requests carry the server's rendering of their numbers
//! (`chars_label`, `share_label`, `output_price_label`), so no editor formats them again.

use serde_json::{json, Value};

use crate::common::{o200k, utf16_caps, Client};

async fn hints(c: &mut Client, uri: &str, from: u32, to: u32) -> Vec<Value> {
    let r = c.inlay_hints(uri, from, to).await;
    r["result"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn a_prompt_file_without_headings_gets_its_total_on_the_first_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Client::start().await;
    c.initialize(utf16_caps(), json!({"models": ["gpt-4o"]}), dir.path())
        .await;
    let text = "Run the tests before you commit. Keep answers short — très court.\nNever guess.\n";
    let uri = c.open(&dir.path().join("AGENTS.md"), text).await;
    let got = hints(&mut c, &uri, 0, 99).await;
    assert_eq!(got.len(), 1, "{got:?}");
    let first = text.lines().next().unwrap();
    assert_eq!(got[0]["position"]["line"], 0);
    assert_eq!(
        got[0]["position"]["character"],
        first.encode_utf16().count() as u64
    );
    let label = got[0]["label"].as_str().unwrap();
    let tokens = format!("{} tok · $", promptcost::format::thousands(o200k(text)));
    assert!(label.starts_with(&tokens), "{label} (want {tokens}…)");
    // not in view: no hint
    assert!(hints(&mut c, &uri, 1, 1).await.is_empty());

    // A file with headings further down: the first lines alone show no file total.
    let headed = "Intro line.\nMore intro.\n\n# Rules\nBe brief.\n";
    let uri = c.open(&dir.path().join("CLAUDE.md"), headed).await;
    assert!(hints(&mut c, &uri, 0, 1).await.is_empty());
    let all = hints(&mut c, &uri, 0, 99).await;
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0]["position"]["line"], 3, "the heading's hint only");

    // Source code without prompt literals: nothing.
    let uri = c
        .open(&dir.path().join("app.py"), "x = 1\nprint(x)\n")
        .await;
    assert!(hints(&mut c, &uri, 0, 99).await.is_empty());
    c.shutdown().await;
}

#[tokio::test]
async fn custom_requests_carry_the_servers_strings() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Client::start().await;
    c.initialize(utf16_caps(), json!({"models": ["gpt-4o"]}), dir.path())
        .await;
    let text = "# Rules\n".to_string() + &"Be brief and kind. ".repeat(700);
    let uri = c.open(&dir.path().join("AGENTS.md"), &text).await;
    let r = c
        .request("promptcost/count", json!({"textDocument": {"uri": uri}}))
        .await;
    let res = &r["result"];
    let chars = res["chars"].as_u64().unwrap();
    assert!(chars > 1000);
    assert_eq!(res["chars_label"], promptcost::format::thousands(chars));
    let m = &res["models"][0];
    assert_eq!(m["model"], "gpt-4o");
    let share = m["share_label"].as_str().unwrap();
    assert!(share.ends_with(" of 128k"), "{share}");
    let pct: f64 = share.split('%').next().unwrap().parse().unwrap();
    let exact = 100.0 * m["tokens"].as_f64().unwrap() / 128_000.0;
    assert!(
        (pct - exact).abs() <= 0.05 + exact * 0.01,
        "{share} vs {exact}%"
    );

    let r = c.request("promptcost/models", json!({})).await;
    let models = r["result"]["models"].as_array().unwrap();
    let g = models.iter().find(|m| m["model"] == "gpt-4o").unwrap();
    let out = g["output_cost_per_mtok"].as_f64().unwrap();
    let label = g["output_price_label"].as_str().unwrap();
    let shown: f64 = label.trim_start_matches('$').parse().unwrap();
    assert!((shown - out).abs() < 1e-4, "{label} for {out}");
    assert!(
        models
            .iter()
            .filter(|m| m["output_cost_per_mtok"].is_null())
            .all(|m| m["output_price_label"] == "no price"),
        "never $0 for an unknown price"
    );
    c.shutdown().await;
}
