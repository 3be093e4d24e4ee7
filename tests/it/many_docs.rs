//! Many open documents over stdio with the real binary: 200 prompt files of 100 KB each, counted
//! with all three tokenizer families (o200k, cl100k, Gemma 3; Claude as an estimate), stay under
//! the documented memory figure (README "Reliability": under 350 MB resident), and every
//! document is counted exactly. The keystroke cost with 200 documents open against one is a
//! benchmark (`cargo bench --bench lsp -- many`), not a test: tests never assert times.

use crate::stdio_client::Server;
use serde_json::json;

const DOCS: usize = 200;
const DOC_BYTES: usize = 100_000;
/// 300 MiB until toktok (the fast o200k counter) joined bpe-openai: its tables are 67 MB.
const RSS_LIMIT_MIB: u64 = 350;

#[test]
fn two_hundred_100kb_documents_with_three_tokenizers_stay_under_350_mb() {
    let mut s = Server::start(env!("CARGO_BIN_EXE_promptcost"));
    s.initialize(json!({"models": ["gpt-4o", "gpt-4", "gemini-2.5-pro", "claude-sonnet-4-5"]}));
    let idle = s.rss_kib();
    let mut texts = Vec::new();
    for i in 0..DOCS {
        // Distinct text per file (no sharing through caches): numbered prose and code.
        let mut t = String::with_capacity(DOC_BYTES + 200);
        let mut k = 0;
        while t.len() < DOC_BYTES {
            t.push_str(&format!("## Part {i}.{k}\nDocument {i} paragraph {k}: the assistant answers in full sentences, cites sources and never invents prices. `fn f{k}(x: u32) -> u32 {{ x * {i} }}`\n\n"));
            k += 1;
        }
        let uri = format!("file:///tmp/promptcost-many/prompts/doc{i}.md");
        s.notify("textDocument/didOpen", json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": t}}));
        texts.push((uri, t));
    }
    // Each document is counted (the count request waits for the worker) and exactly.
    for (i, (uri, t)) in texts.iter().enumerate().step_by(20) {
        let r = s.request("promptcost/count", json!({"textDocument": {"uri": uri}}));
        let models = r["result"]["models"]
            .as_array()
            .unwrap_or_else(|| panic!("{r}"));
        let gemini = models
            .iter()
            .find(|m| m["model"] == "gemini-2.5-pro")
            .unwrap();
        assert_eq!(gemini["exact"], true);
        assert_eq!(
            gemini["tokens"].as_u64().unwrap(),
            promptcost::tokenize::Encoding::Gemma3.count(t) as u64,
            "doc {i}"
        );
        let gpt4 = models.iter().find(|m| m["model"] == "gpt-4").unwrap();
        assert_eq!(
            gpt4["tokens"].as_u64().unwrap(),
            promptcost::tokenize::Encoding::Cl100kBase.count(t) as u64,
            "doc {i}"
        );
    }
    let status = s.request("promptcost/status", json!({}));
    assert_eq!(status["result"]["documents"], DOCS, "{status}");
    let rss = s.rss_kib();
    eprintln!(
        "many_docs: {DOCS} x {} KB open: RSS {} MiB (idle server {} MiB)",
        DOC_BYTES / 1000,
        rss / 1024,
        idle / 1024
    );
    assert!(rss > idle, "RSS was read");
    assert!(
        rss / 1024 < RSS_LIMIT_MIB,
        "RSS {} MiB with {DOCS} documents open (limit {RSS_LIMIT_MIB} MiB)",
        rss / 1024
    );
    assert!(s.stop().success());
}
