//! YAML prompt files (`*.prompt.yml`, `prompts/**/*.yaml`): GitHub Models, LangChain and
//! Semantic Kernel files, values decoded as PyYAML's `safe_load` does (the reference, run
//! from the venv at `.venv`), the file's model, and which YAML files are scanned at all.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use promptcost::extract::code::{
    extract, CodePrompt, CodeRules, CompiledRules, Lang, ModelSource, Reason, YAML_PROMPT_FILES,
};

fn fixture(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/code/yaml")
        .join(name);
    std::fs::read_to_string(p).expect("fixture")
}

fn run_with(text: &str, rules: &CompiledRules) -> Vec<CodePrompt> {
    let ps = extract(Lang::Yaml, text, rules);
    for w in ps.windows(2) {
        assert!(w[0].range.end <= w[1].range.start, "overlap: {ps:#?}");
    }
    for p in &ps {
        assert!(p.range.end <= text.len() && !p.value.is_empty(), "{p:?}");
    }
    ps
}

fn run(text: &str) -> Vec<CodePrompt> {
    run_with(text, &CompiledRules::default())
}

/// (name, value) of every prompt.
fn values(ps: &[CodePrompt]) -> Vec<(&str, &str)> {
    ps.iter()
        .map(|p| (p.name.as_str(), p.value.as_str()))
        .collect()
}

#[test]
fn github_models_prompt_file_counts_its_messages_in_its_model() {
    let ps = run(&fixture("summarize.prompt.yml"));
    assert_eq!(
        values(&ps),
        [
            (
                "system.content",
                "You are a text summarizer. Your only job is to summarize text given to you.\nKeep it short.\n"
            ),
            (
                "user.content",
                "Summarize the given text, beginning with \"Summary -\": <text>{{input}}</text>"
            ),
        ],
        "testData, evaluators, name and description are never sent"
    );
    for p in &ps {
        assert_eq!(p.reason, Reason::Sdk, "role messages are not judged");
        assert_eq!(p.model.as_deref(), Some("openai/gpt-4o-mini"));
        assert_eq!(p.model_source, Some(ModelSource::File));
    }
    assert_eq!(ps[1].placeholders, ["{{input}}"]);
}

#[test]
fn langchain_prompt_yaml_is_its_template() {
    let ps = run(&fixture("langchain.yaml"));
    assert_eq!(
        values(&ps),
        [(
            "template",
            "Tell me a {adjective} joke about {content}.\nKeep it under fifty words, please."
        )],
        "`_type`, `input_variables` and `template_format` are not prompts"
    );
    assert_eq!(ps[0].placeholders, ["{adjective}", "{content}"]);
    assert_eq!(ps[0].reason, Reason::Name);
    assert_eq!(ps[0].model, None);
}

#[test]
fn semantic_kernel_prompt_yaml_is_its_template_in_its_model() {
    let ps = run(&fixture("semantic_kernel.yaml"));
    assert_eq!(
        values(&ps),
        [(
            "template",
            "Tell a story about {{$topic}} that is {{$length}} sentences long.\nMake it funny.\n"
        )],
        "descriptions of the function and its variables are not prompts"
    );
    assert_eq!(ps[0].placeholders, ["{{$topic}}", "{{$length}}"]);
    assert_eq!(ps[0].model.as_deref(), Some("gpt-4o"));
    assert_eq!(ps[0].model_source, Some(ModelSource::File));
}

#[test]
fn ad_hoc_prompt_yaml_keys_named_like_prompts() {
    let ps = run(&fixture("assistant.yaml"));
    assert_eq!(
        values(&ps),
        [
            (
                "system_prompt",
                "You are a support agent for Acme. Answer in the customer's language.\n\nNever promise refunds.\n"
            ),
            ("prompts.greeting", "Hello! How can I help you with your order today?"),
            ("prompts.farewell", "Thanks for contacting Acme.\tGoodbye!"),
        ],
        "`retry` is not named like a prompt; `version` and the labels are not text"
    );
}

#[test]
fn a_yaml_file_without_prompt_keys_gets_nothing() {
    assert!(run("name: CI\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n").is_empty());
    assert!(run("prompt: 42\ntemplate: true\ninstructions: ~\n").is_empty());
    assert!(run("").is_empty());
    assert!(run("prompt: [unclosed\n  - : :\n\"").len() <= 1);
}

#[test]
fn only_yaml_prompt_files_are_scanned() {
    assert_eq!(
        YAML_PROMPT_FILES,
        [
            "**/*.prompt.yml",
            "**/*.prompt.yaml",
            "**/prompts/**/*.{yml,yaml}"
        ]
    );
    for p in [
        "summarize.prompt.yml",
        "a/b/summarize.prompt.yaml",
        "prompts/assistant.yaml",
        "app/prompts/agents/support.yml",
    ] {
        assert_eq!(Lang::from_path(Path::new(p)), Some(Lang::Yaml), "{p}");
    }
    for p in [
        ".github/workflows/ci.yml",
        "docker-compose.yml",
        "config.yaml",
        "prompts.yaml",
        "src/prompt.yml",
    ] {
        assert_eq!(Lang::from_path(Path::new(p)), None, "{p}");
    }
    assert_eq!(Lang::from_language_id("yaml"), None, "by path only");
}

#[test]
fn nested_and_flow_mappings() {
    let src = "agent:\n  instructions: >\n    Be brief\n    and kind.\n  tools: [search]\nflow: {prompt: 'Say ''hi'' to them', n: 1}\nmessages: [{role: user, content: \"Hi there, \\u00e9t\\u00e9!\"}]\n";
    assert_eq!(
        values(&run(src)),
        [
            ("instructions", "Be brief and kind.\n"),
            ("prompt", "Say 'hi' to them"),
            ("user.content", "Hi there, été!"),
        ]
    );
}

// ---------------------------------------------------------------------------
// Decoding, checked against PyYAML's safe_load
// ---------------------------------------------------------------------------

/// The values of the `prompt:` key of each document, decoded the way promptcost reads them.
const CASES: &[&str] = &[
    "prompt: plain words here\n",
    "prompt: plain words\n  folded onto\n\n  two lines\n\n\n  and three\n",
    "prompt:   spaced   inside  \n",
    "prompt: 'single ''quoted'' text'\n",
    "prompt: 'single\n  folded  \n\n  line'\n",
    "prompt: \"tab\\there\\nnew line \\\"quoted\\\" back\\\\slash\"\n",
    "prompt: \"hex \\x41 \\u00e9 \\U0001F600 nul-free \\e \\_ \\N \\L \\P \\/\"\n",
    "prompt: \"folded\n  double   \n\n  quoted \"\n",
    "prompt: \"line \\\n  continued \\\n    and\\\n  joined\"\n",
    "prompt: \"escaped space\\ \n  then\"\n",
    "prompt: \"  leading and trailing  \"\n",
    "prompt: |\n  literal\n    indented\n  text\n",
    "prompt: |-\n  strip\n  chomped\n\n\n",
    "prompt: |+\n  keep\n  chomped\n\n\nother: x\n",
    "prompt: |\n  clip\n\n\n",
    "prompt: >\n  folded\n  text\n\n  next paragraph\n    more indented\n    lines\n  back\n",
    "prompt: >-\n  folded strip\n  text\n",
    "prompt: >+\n  folded keep\n\n",
    "prompt: |2\n    explicit\n   indent\n",
    "prompt: >1-\n  explicit folded\n  x\n",
    "prompt: |  # a comment\n  after a comment\n",
    "prompt: |\n\n  leading empty line\n",
    "prompt: |\n  trailing spaces   \n  kept  \n",
    "prompt: |\n  unicode é 中文 😀\n",
    "messages:\n  - prompt: |\n      in a sequence\n      two lines\n",
    "a:\n  b:\n    prompt: >-\n      deep\n      folded\n",
    "prompt: !!str tagged text\n",
    "prompt: &anchor anchored text\n",
    "prompt: \"{{var}} and {x}\"\n",
    "prompt: text with # not a comment\n",
    "prompt: text  # a comment\n",
    "prompt: >\n  a\n\n\n  b\n",
    "prompt: |\n  a\n   \n  b\n",
    "prompt: \"a\\\n\n  b\"\n",
    "prompt: \"crlf\r\n  folded\"\r\n",
    "prompt: |\r\n  crlf\r\n  literal\r\n",
];

fn python() -> PathBuf {
    if let Ok(p) = std::env::var("PROMPTCOST_PYTHON") {
        return PathBuf::from(p);
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    assert!(
        venv.exists(),
        "the YAML reference needs a Python with PyYAML (tests/requirements.txt): run scripts/test.sh once (it creates .venv), or set PROMPTCOST_PYTHON"
    );
    venv
}

/// PyYAML's values for `CASES` (the `prompt` key, found anywhere).
fn pyyaml(cases: &[&str]) -> Vec<String> {
    let script = r#"
import json, sys, yaml
def find(v):
    if isinstance(v, dict):
        for k, x in v.items():
            if k == "prompt":
                return x
            r = find(x)
            if r is not None:
                return r
    if isinstance(v, list):
        for x in v:
            r = find(x)
            if r is not None:
                return r
    return None
out = [find(yaml.safe_load(doc)) for doc in json.load(sys.stdin)]
sys.stdout.write(json.dumps(out))
"#;
    let mut child = Command::new(python())
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(serde_json::to_string(cases).unwrap().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "PyYAML failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("a string per case")
}

#[test]
fn yaml_values_match_pyyaml() {
    let rules = CodeRules {
        judge_text: false,
        ..CodeRules::default()
    }
    .compile()
    .unwrap();
    let want = pyyaml(CASES);
    for (src, want) in CASES.iter().zip(&want) {
        let ps = run_with(src, &rules);
        let got: Vec<&str> = ps
            .iter()
            .filter(|p| p.name.ends_with("prompt"))
            .map(|p| p.value.as_str())
            .collect();
        assert_eq!(got, [want.as_str()], "{src:?}");
    }
    assert!(CASES.len() >= 30);
}

// ---------------------------------------------------------------------------
// In the editor and in CI
// ---------------------------------------------------------------------------

fn hint_labels(r: &serde_json::Value) -> Vec<(u64, String)> {
    r["result"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|h| {
                    (
                        h["position"]["line"].as_u64().unwrap(),
                        h["label"].as_str().unwrap().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_prompt_yml_gets_a_hint_per_message_and_a_hover_a_workflow_gets_none() {
    use crate::common::{o200k, utf16_caps, Client};
    use serde_json::json;
    let dir = tempfile::tempdir().unwrap();
    let src = fixture("summarize.prompt.yml");
    let mut c = Client::start().await;
    c.initialize(
        utf16_caps(),
        json!({"models": ["gpt-4o"], "expectedOutputTokens": 200}),
        dir.path(),
    )
    .await;
    let path = dir.path().join("summarize.prompt.yml");
    let uri = format!("file://{}", path.display());
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": src}}),
    )
    .await;
    let r = c.inlay_hints(&uri, 0, 40).await;
    let hints = hint_labels(&r);
    let system =
        "You are a text summarizer. Your only job is to summarize text given to you.\nKeep it short.\n";
    assert_eq!(hints.len(), 2, "one per message: {hints:?}");
    assert_eq!(hints[0].0, 9, "{hints:?}");
    assert!(
        hints[0].1.starts_with(&format!("{} tok", o200k(system))),
        "{hints:?}"
    );
    assert_eq!(hints[1].0, 13, "{hints:?}");
    let md = c.hover_markdown(&uri, 10, 8).await;
    assert!(
        md.contains("priced as gpt-4o-mini, from the file"),
        "the file's model, provider prefix off: {md}"
    );
    let md = c.hover_markdown(&uri, 15, 10).await;
    assert!(
        md.contains("prompt `user.content`") && md.contains("1 placeholder not filled"),
        "{md}"
    );

    let wf = dir.path().join(".github/workflows/ci.yml");
    let wf_uri = format!("file://{}", wf.display());
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": wf_uri, "languageId": "yaml", "version": 1, "text": fixture("ci.yml")}}),
    )
    .await;
    let r = c.inlay_hints(&wf_uri, 0, 40).await;
    assert!(
        hint_labels(&r).is_empty(),
        "a CI workflow is not a prompt file: {r}"
    );
    let r = c.hover(&wf_uri, 9, 20).await;
    assert!(r["result"].is_null(), "{r}");
    c.shutdown().await;
}

#[test]
fn check_reports_the_prompts_of_yaml_prompt_files_only() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join(".github/workflows")).unwrap();
    std::fs::create_dir_all(d.join("app/prompts")).unwrap();
    std::fs::write(
        d.join("summarize.prompt.yml"),
        fixture("summarize.prompt.yml"),
    )
    .unwrap();
    std::fs::write(
        d.join("app/prompts/assistant.yaml"),
        fixture("assistant.yaml"),
    )
    .unwrap();
    std::fs::write(d.join(".github/workflows/ci.yml"), fixture("ci.yml")).unwrap();
    std::fs::write(d.join("docker-compose.yml"), fixture("ci.yml")).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_promptcost"))
        .current_dir(d)
        .args(["check", "--format", "json"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rows: Vec<(String, String, String)> = report["prompts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["path"].as_str().unwrap().to_string(),
                p["kind"].as_str().unwrap().to_string(),
                p["name"].as_str().unwrap().to_string(),
            )
        })
        .filter(|r| r.1 != "file")
        .collect();
    let names: Vec<(&str, &str)> = rows.iter().map(|r| (r.0.as_str(), r.2.as_str())).collect();
    assert_eq!(
        names,
        [
            ("app/prompts/assistant.yaml", "system_prompt"),
            ("app/prompts/assistant.yaml", "prompts.greeting"),
            ("app/prompts/assistant.yaml", "prompts.farewell"),
            ("summarize.prompt.yml", "system.content"),
            ("summarize.prompt.yml", "user.content"),
        ],
        "no workflow, no compose file: {rows:?}"
    );
    assert_eq!(report["summary"]["files"], 2);
}

#[test]
fn directives_in_yaml_comments() {
    let src = "# promptcost: budget=50\nsystem_prompt: You are a helpful and kind assistant.\n# promptcost: budget=7 model=gpt-4o\nuser_prompt: Answer the question in one short sentence.\n# promptcost: ignore\nother_prompt: This one is left out of every count.\n";
    let ps = run(src);
    let got: Vec<(&str, Option<u64>, Option<&str>)> = ps
        .iter()
        .map(|p| (p.name.as_str(), p.budget, p.model.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("system_prompt", Some(50), None),
            ("user_prompt", Some(7), Some("gpt-4o")),
        ]
    );
    // above the first key, a directive is the whole file's (as above a prompt file's first section)
    let src = "# promptcost: budget=50\nmodel: gpt-4o-mini\nsystem_prompt: You are a helpful and kind assistant.\nuser_prompt: Answer the question in one short sentence.\n";
    let ps = run(src);
    assert!(ps.iter().all(|p| p.budget == Some(50)), "{ps:#?}");
    assert!(
        ps.iter().all(|p| p.model_source == Some(ModelSource::File)),
        "{ps:#?}"
    );
}

#[test]
fn a_prompt_tag_takes_a_key_the_rules_miss() {
    let ps = run("name: x\n# prompt\nretry: Try again.\nother: not this one\n");
    assert_eq!(values(&ps), [("retry", "Try again.")]);
    assert_eq!(ps[0].reason, Reason::Tag);
}
