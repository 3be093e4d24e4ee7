//! Prompts found in realistic source files (insta snapshots), the queries, the
//! rules (names, SDK calls, tags, directives, ignore) and the public API.

use std::path::Path;

use promptcost::extract::code::{
    check_query, extract, query_capture_names, CodePrompt, CodeRules, CompiledRules, Lang, Reason,
    APPROVED_CAPTURES,
};

fn fixture(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/code")
        .join(name);
    std::fs::read_to_string(p).expect("fixture")
}

/// Sorted, non-overlapping, in bounds, non-empty: true of every result.
fn check_invariants(text: &str, ps: &[CodePrompt]) {
    for w in ps.windows(2) {
        assert!(
            w[0].range.end <= w[1].range.start,
            "unsorted or overlapping: {:?} {:?}",
            w[0],
            w[1]
        );
    }
    for p in ps {
        assert!(
            p.range.start < p.range.end && p.range.end <= text.len(),
            "{p:?}"
        );
        assert!(text.is_char_boundary(p.range.start) && text.is_char_boundary(p.range.end));
        assert!(!p.value.is_empty());
        assert!(!p.name.is_empty());
    }
}

fn run(lang: Lang, text: &str) -> Vec<CodePrompt> {
    run_with(lang, text, &CompiledRules::default())
}

fn run_with(lang: Lang, text: &str, rules: &CompiledRules) -> Vec<CodePrompt> {
    let ps = extract(lang, text, rules);
    check_invariants(text, &ps);
    ps
}

/// 1-based line:column (byte column) of a byte offset.
fn pos(text: &str, byte: usize) -> String {
    let before = &text[..byte];
    let line = before.matches('\n').count() + 1;
    let col = byte - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    format!("{line}:{col}")
}

fn render(text: &str, ps: &[CodePrompt]) -> String {
    let mut out = format!(
        "{} prompts (ranges: line:byte-column, 1-based, end exclusive)\n",
        ps.len()
    );
    for p in ps {
        out.push_str(&format!("- name: {}\n", p.name));
        out.push_str(&format!("  reason: {:?}\n", p.reason));
        out.push_str(&format!(
            "  range: {}-{}\n",
            pos(text, p.range.start),
            pos(text, p.range.end)
        ));
        if let Some(b) = p.budget {
            out.push_str(&format!("  budget: {b}\n"));
        }
        if let Some(m) = &p.model {
            out.push_str(&format!("  model: {m}\n"));
        }
        if !p.placeholders.is_empty() {
            out.push_str(&format!("  placeholders: {:?}\n", p.placeholders));
        }
        out.push_str(&format!("  value: {:?}\n", p.value));
    }
    out
}

fn snapshot_of(file: &str) -> (String, Vec<CodePrompt>) {
    let text = fixture(file);
    let lang = Lang::from_path(Path::new(file)).expect("known extension");
    let ps = run(lang, &text);
    (render(&text, &ps), ps)
}

fn names(ps: &[CodePrompt]) -> Vec<&str> {
    ps.iter().map(|p| p.name.as_str()).collect()
}

fn find<'a>(ps: &'a [CodePrompt], name: &str) -> &'a CodePrompt {
    ps.iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no prompt {name} in {:?}", names(ps)))
}

// ---------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------

#[test]
fn fixture_app_py() {
    let (snap, ps) = snapshot_of("app.py");
    insta::assert_snapshot!("app_py", snap);
    let text = fixture("app.py");
    // not prompts: docstrings, ignored, bytes, empty, names that don't match
    for absent in [
        "DEBUG_PROMPT",
        "binary_prompt",
        "empty_prompt",
        "greeting",
        "MODEL",
    ] {
        assert!(
            !names(&ps).contains(&absent),
            "{absent} must not be a prompt"
        );
    }
    assert!(ps
        .iter()
        .all(|p| !p.value.contains("docstring") && !p.value.contains("Docstring")));
    let sys = find(&ps, "SYSTEM_PROMPT");
    assert_eq!(
        (sys.budget, sys.model.as_deref(), sys.reason),
        (Some(400), Some("gpt-4o-mini"), Reason::Name)
    );
    assert!(text[sys.range.clone()].starts_with("\"\"\"You are"));
    assert_eq!(
        find(&ps, "qa_template").value,
        "Use the context to answer.\n\nContext:\n    {context}\nQuestion: {question}\n"
    );
    assert_eq!(find(&ps, "retry_hint").reason, Reason::Tag);
    assert_eq!(find(&ps, "system").reason, Reason::Sdk);
    assert_eq!(
        find(&ps, "messages[2].content[0].text").value,
        "Let me check."
    );
    assert_eq!(
        find(&ps, "contents[0]").value,
        "Describe this image in one sentence."
    );
    assert_eq!(find(&ps, "review_chain").placeholders, ["{code}"]);
    assert_eq!(find(&ps, "SystemMessage.content").value, "Be concise.");
}

#[test]
fn fixture_app_ts() {
    let (snap, ps) = snapshot_of("app.ts");
    insta::assert_snapshot!("app_ts", snap);
    assert!(!names(&ps).contains(&"debugPrompt"));
    assert!(!names(&ps).contains(&"label"));
    // a comment that mentions the word is not a tag: FALLBACK is found as prose of a file
    // that uses an LLM SDK, not because of its JSDoc comment
    assert_eq!(find(&ps, "FALLBACK").reason, Reason::Prose);
    assert_eq!(
        find(&ps, "tagged").reason,
        Reason::Tag,
        "prompt`...` tagged template"
    );
    assert_eq!(find(&ps, "system[0].text").value, "You are terse.");
    // a join with a variable element: the variable is a placeholder
    assert_eq!(find(&ps, "input").placeholders, ["${text}"]);
}

#[test]
fn fixture_component_tsx() {
    let (snap, ps) = snapshot_of("component.tsx");
    insta::assert_snapshot!("component_tsx", snap);
    assert_eq!(
        ps.iter().filter(|p| p.name == "systemPrompt").count(),
        2,
        "object key and JSX attribute"
    );
    assert!(!names(&ps).contains(&"title"));
}

#[test]
fn fixture_app_js() {
    let (snap, ps) = snapshot_of("app.js");
    insta::assert_snapshot!("app_js", snap);
    assert_eq!(find(&ps, "welcome").reason, Reason::Tag);
    assert!(!names(&ps).contains(&"label"));
    assert!(!ps.iter().any(|p| p.value == "gpt-4o"));
}

#[test]
fn fixture_component_jsx() {
    let (snap, ps) = snapshot_of("component.jsx");
    insta::assert_snapshot!("component_jsx", snap);
    assert_eq!(find(&ps, "systemMessage").value, "You \"love\" cats 🐱");
}

#[test]
fn fixture_main_rs() {
    let (snap, ps) = snapshot_of("main.rs");
    insta::assert_snapshot!("main_rs", snap);
    for absent in ["debug_prompt", "bytes_prompt", "label", "VERSION", "model"] {
        assert!(
            !names(&ps).contains(&absent),
            "{absent} must not be a prompt"
        );
    }
    let sys = find(&ps, "SYSTEM_PROMPT");
    assert_eq!(
        (sys.budget, sys.model.as_deref()),
        (Some(250), Some("claude-sonnet-4-5"))
    );
}

#[test]
fn fixture_main_go() {
    let (snap, ps) = snapshot_of("main.go");
    insta::assert_snapshot!("main_go", snap);
    for absent in ["debugPrompt", "labelText", "version", "Model", "mode"] {
        assert!(
            !names(&ps).contains(&absent),
            "{absent} must not be a prompt"
        );
    }
    assert_eq!(find(&ps, "userPrompt").placeholders, ["%d", "%-10s", "%s"]);
}

// ---------------------------------------------------------------------------
// Queries and languages
// ---------------------------------------------------------------------------

#[test]
fn every_query_compiles_with_approved_captures_only() {
    for lang in Lang::ALL {
        check_query(lang).unwrap_or_else(|e| panic!("{e}"));
        let caps = query_capture_names(lang);
        assert!(
            caps.iter().any(|c| c == "comment") && caps.iter().any(|c| c == "name"),
            "{lang:?}: {caps:?}"
        );
        for c in &caps {
            assert!(
                APPROVED_CAPTURES.contains(&c.as_str()),
                "{lang:?} uses unapproved capture @{c}"
            );
        }
    }
}

#[test]
fn languages_from_paths_and_ids() {
    let cases = [
        ("a.py", Lang::Python),
        ("a.pyi", Lang::Python),
        ("a.ts", Lang::TypeScript),
        ("a.mts", Lang::TypeScript),
        ("a.cts", Lang::TypeScript),
        ("a.tsx", Lang::Tsx),
        ("a.js", Lang::JavaScript),
        ("a.mjs", Lang::JavaScript),
        ("a.cjs", Lang::JavaScript),
        ("a.jsx", Lang::JavaScript),
        ("src/main.rs", Lang::Rust),
        ("main.go", Lang::Go),
        ("UPPER.PY", Lang::Python),
    ];
    for (p, l) in cases {
        assert_eq!(Lang::from_path(Path::new(p)), Some(l), "{p}");
    }
    // declaration files and minified bundles hold no prompts
    for p in [
        "a.md",
        "a",
        "a.pyc",
        ".py",
        "a.rs.bak",
        "x.d.ts",
        "lib.d.mts",
        "app.min.js",
    ] {
        assert_eq!(Lang::from_path(Path::new(p)), None, "{p}");
    }
    let ids = [
        ("python", Lang::Python),
        ("typescript", Lang::TypeScript),
        ("typescriptreact", Lang::Tsx),
        ("javascript", Lang::JavaScript),
        ("javascriptreact", Lang::JavaScript),
        ("rust", Lang::Rust),
        ("go", Lang::Go),
    ];
    for (id, l) in ids {
        assert_eq!(Lang::from_language_id(id), Some(l));
    }
    assert_eq!(Lang::from_language_id("markdown"), None);
}

// ---------------------------------------------------------------------------
// Rules
// ---------------------------------------------------------------------------

#[test]
fn invalid_name_pattern_is_a_clear_error() {
    let err = CodeRules {
        name_pattern: "prompt(".into(),
        ..CodeRules::default()
    }
    .compile()
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("invalid name_pattern") && err.contains("prompt("),
        "{err}"
    );
    let err = CodeRules {
        extra_sdk_keywords: vec![" ".into()],
        ..CodeRules::default()
    }
    .compile()
    .unwrap_err()
    .to_string();
    assert!(err.contains("extra_sdk_keywords"), "{err}");
}

#[test]
fn default_name_pattern_matches_anywhere_case_insensitively() {
    let r = CompiledRules::default();
    for yes in [
        "SYSTEM_PROMPT",
        "qa_template",
        "instructions",
        "Instruction",
        "system_message",
        "systemMessage",
        "userPromptText",
    ] {
        assert!(r.name_matches(yes), "{yes}");
    }
    for no in ["message", "text", "system", "content", "model"] {
        assert!(!r.name_matches(no), "{no}");
    }
}

#[test]
fn custom_pattern_and_empty_pattern() {
    let src = "QUERY_TEXT = \"Find every cat in the picture\"\nSYSTEM_PROMPT = \"Be nice to the user.\"\n";
    let custom = CodeRules {
        name_pattern: "^query_".into(),
        ..CodeRules::default()
    }
    .compile()
    .unwrap();
    assert_eq!(names(&run_with(Lang::Python, src, &custom)), ["QUERY_TEXT"]);
    let off = CodeRules {
        name_pattern: "".into(),
        ..CodeRules::default()
    }
    .compile()
    .unwrap();
    assert!(
        run_with(Lang::Python, src, &off).is_empty(),
        "empty pattern disables the name rule"
    );
}

#[test]
fn sdk_rule_can_be_disabled_and_extended() {
    let src = r#"import anthropic
client.messages.create(system="be brief", messages=[{"role": "user", "content": "hi"}], query="extra kw")"#;
    let on = run(Lang::Python, src);
    assert_eq!(names(&on), ["system", "messages[0].content"]);
    let off = CodeRules {
        sdk_calls: false,
        ..CodeRules::default()
    }
    .compile()
    .unwrap();
    assert!(run_with(Lang::Python, src, &off).is_empty());
    let extra = CodeRules {
        extra_sdk_keywords: vec!["query".into()],
        ..CodeRules::default()
    }
    .compile()
    .unwrap();
    assert_eq!(
        names(&run_with(Lang::Python, src, &extra)),
        ["system", "messages[0].content", "query"]
    );

    let ts = r#"import Anthropic from "@anthropic-ai/sdk";
await client.messages.create({ system: "be brief", query: "q", messages: [{ role: "user", content: "hi" }] });"#;
    assert_eq!(
        names(&run_with(Lang::TypeScript, ts, &extra)),
        ["system", "query", "messages[0].content"]
    );
}

#[test]
fn messages_lists_need_message_shapes() {
    // a list of plain strings called `messages` (UI text) is not a chat
    assert!(run(Lang::Python, "messages = [\"Saved!\", \"Deleted\"]\n").is_empty());
    // a request body built outside the call is
    let ps = run(
        Lang::Python,
        "body = {\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}\n",
    );
    assert_eq!(names(&ps), ["user.content"]);
    assert_eq!(ps[0].reason, Reason::Sdk);
}

#[test]
fn responses_input_only_for_responses_api() {
    let ps = run(
        Lang::Python,
        "from openai import OpenAI\nclient.responses.create(input=\"hello\")\nother.create(input=\"no\")\n",
    );
    assert_eq!(names(&ps), ["input"]);
    assert_eq!(ps[0].value, "hello");
}

// ---------------------------------------------------------------------------
// Tags and directives
// ---------------------------------------------------------------------------

#[test]
fn tag_comment_forms() {
    let src = "\
# prompt
greeting = \"tagged on the line before\"

# prompt

gap = \"a blank line breaks the tag\"
# promptcost: budget=1_000
# model note: promptcost: model=gpt-4o
grouped = \"a comment group\"
call(arg=\"x\", text=\"the longest literal of the statement wins\")  # prompt
x = 1  # prompt
after_trailing = \"a trailing comment does not reach the next line\"
# prompt
def f():
    inner = \"a tag before a definition does not reach into it\"
";
    let ps = run(Lang::Python, src);
    assert_eq!(names(&ps), ["greeting", "grouped", "text"]);
    assert!(ps.iter().all(|p| p.reason == Reason::Tag));
    assert_eq!(
        (ps[1].budget, ps[1].model.as_deref()),
        (Some(1000), Some("gpt-4o"))
    );
}

#[test]
fn inline_block_comment_tags_and_ignores() {
    let src = "send(/* prompt */ \"tagged inline\", \"not tagged\");\nconst systemPrompt = /* promptcost: ignore */ \"ignored\";\n";
    for lang in [Lang::JavaScript, Lang::TypeScript] {
        let ps = run(lang, src);
        assert_eq!(ps.len(), 1, "{ps:?}");
        assert_eq!(
            (ps[0].name.as_str(), ps[0].value.as_str()),
            ("prompt@L1", "tagged inline")
        );
    }
    let rs = "fn main() { send(/* prompt */ \"tagged\"); let prompt = /* promptcost: ignore */ \"no\"; }";
    assert_eq!(names(&run(Lang::Rust, rs)), ["prompt@L1"]);
}

#[test]
fn ignore_covers_the_whole_next_statement() {
    let src = "# promptcost: ignore\nclient.messages.create(system=\"a\", messages=[{\"role\": \"user\", \"content\": \"b\"}])\nSYSTEM_PROMPT = \"You are kept as a prompt.\"\n";
    assert_eq!(names(&run(Lang::Python, src)), ["SYSTEM_PROMPT"]);
}

#[test]
fn directives_attach_to_named_prompts_without_changing_reason() {
    let src = "package main\n\n// promptcost: budget=42 model=o3\nvar systemPrompt = \"x\"\n\nconst (\n\t// prompt\n\tgreeting = \"hello\"\n)\n";
    let ps = run(Lang::Go, src);
    assert_eq!(names(&ps), ["systemPrompt", "greeting"]);
    assert_eq!(
        (ps[0].reason, ps[0].budget, ps[0].model.as_deref()),
        (Reason::Name, Some(42), Some("o3"))
    );
    assert_eq!(ps[1].reason, Reason::Tag);
}

#[test]
fn tagged_template_without_a_name() {
    let ps = run(
        Lang::TypeScript,
        "\n\nawait llm(prompt`Summarize ${doc}`);\n",
    );
    assert_eq!(names(&ps), ["prompt@L3"]);
    assert_eq!(ps[0].placeholders, ["${doc}"]);
}

#[test]
fn docstrings_are_never_prompts_even_when_tagged() {
    let src = "# prompt\n\"\"\"Module docstring.\"\"\"\n\nclass A:\n    # prompt\n    \"\"\"Class docstring.\"\"\"\n\ndef f():\n    \"\"\"prompt docstring\"\"\"\n    # prompt\n    \"\"\"A bare string statement after the docstring: tagged.\"\"\"\n";
    let ps = run(Lang::Python, src);
    assert_eq!(ps.len(), 1, "{ps:?}");
    assert!(ps[0].value.starts_with("A bare string"));
}

#[test]
fn names_in_many_positions() {
    let all = every_named_string();
    let run = |lang, text| run_with(lang, text, &all);
    let py = "def f(prompt=\"default\", *, system_prompt: str = \"typed\"):\n    self.instructions = \"attr\"\n    a_prompt, b_prompt = \"one\", \"two\"\n    Agent(instructions=\"kwarg\")\n    d = {\"prompt\": \"key\"}\n";
    assert_eq!(
        run(Lang::Python, py)
            .iter()
            .map(|p| p.value.as_str())
            .collect::<Vec<_>>(),
        ["default", "typed", "attr", "one", "two", "kwarg", "key"]
    );
    let ts = "function f(prompt = \"p1\", systemPrompt: string = \"p2\") {}\nconst { promptText = \"p3\" } = o;\nthis.prompt = \"p4\";\nlet userPrompt: string;\nuserPrompt = \"p5\";\nconst o = { \"prompt\": 'p6' };\n";
    assert_eq!(
        run(Lang::TypeScript, ts)
            .iter()
            .map(|p| p.value.as_str())
            .collect::<Vec<_>>(),
        ["p1", "p2", "p3", "p4", "p5", "p6"]
    );
    let rs = "struct S; impl S { fn f(&mut self) { self.prompt = \"r1\"; let (a_prompt, b_prompt) = (\"r2\", \"r3\"); } }\nstatic PROMPT: &str = \"r4\";\n";
    assert_eq!(
        run(Lang::Rust, rs)
            .iter()
            .map(|p| p.value.as_str())
            .collect::<Vec<_>>(),
        ["r1", "r2", "r3", "r4"]
    );
    let go = "package main\nfunc f() {\n\tvar prompt string\n\tprompt = \"g1\"\n\tr.Prompt = \"g2\"\n\ta, bPrompt := 1, \"g3\"\n\t_ = map[string]any{\"system_prompt\": \"g4\"}\n}\n";
    assert_eq!(
        run(Lang::Go, go)
            .iter()
            .map(|p| p.value.as_str())
            .collect::<Vec<_>>(),
        ["g1", "g2", "g3", "g4"]
    );
}

#[test]
fn duplicates_collapse_to_the_strongest_reason() {
    // `instructions=` is both a name match and an SDK keyword: one prompt, reason Name
    let ps = run(
        Lang::Python,
        "import openai\nclient.responses.create(instructions=\"Answer in French, briefly.\")\n",
    );
    assert_eq!(ps.len(), 1);
    assert_eq!(ps[0].reason, Reason::Name);
    // a LangChain message inside from_messages: one prompt, named by the list path
    let ps = run(
        Lang::Python,
        "ChatPromptTemplate.from_messages([SystemMessage(content=\"x\")])\n",
    );
    assert_eq!(names(&ps), ["messages[0].content"]);
}

/// Positions and decoding are tested apart from the literal judgement.
fn every_named_string() -> CompiledRules {
    CodeRules {
        judge_text: false,
        ..CodeRules::default()
    }
    .compile()
    .expect("rules")
}
