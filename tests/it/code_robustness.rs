//! Adversarial inputs (huge literals, many literals, deep nesting, broken and
//! random text) and incremental re-parsing.

use std::path::Path;

use promptcost::extract::code::{
    extract, input_edit, CodePrompt, CodeRules, CompiledRules, Lang, SourceFile,
};

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn check_invariants(text: &str, ps: &[CodePrompt]) {
    for w in ps.windows(2) {
        assert!(
            w[0].range.end <= w[1].range.start,
            "unsorted or overlapping: {:?} {:?}",
            w[0].range,
            w[1].range
        );
    }
    for p in ps {
        assert!(p.range.start < p.range.end && p.range.end <= text.len());
        assert!(text.is_char_boundary(p.range.start) && text.is_char_boundary(p.range.end));
        assert!(!p.value.is_empty() && !p.name.is_empty());
    }
}

fn run(lang: Lang, text: &str) -> Vec<CodePrompt> {
    let ps = extract(lang, text, &every_named_string());
    check_invariants(text, &ps);
    ps
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/code")
            .join(name),
    )
    .unwrap()
}

const FIXTURES: &[(&str, Lang)] = &[
    ("app.py", Lang::Python),
    ("app.ts", Lang::TypeScript),
    ("component.tsx", Lang::Tsx),
    ("app.js", Lang::JavaScript),
    ("component.jsx", Lang::JavaScript),
    ("main.rs", Lang::Rust),
    ("main.go", Lang::Go),
];

fn base64_blob(len: usize) -> String {
    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    (0..len).map(|_| B64[rng.below(64)] as char).collect()
}

/// `PROMPT = "<1 MiB of base64>"` in every language: found, value exactly 1 MiB.
#[test]
fn one_megabyte_literal() {
    let blob = base64_blob(1 << 20);
    let files = [
        (Lang::Python, format!("PROMPT = \"{blob}\"\n")),
        (
            Lang::TypeScript,
            format!("export const PROMPT = `{blob}`;\n"),
        ),
        (Lang::JavaScript, format!("const PROMPT = '{blob}';\n")),
        (
            Lang::Rust,
            format!("pub const PROMPT: &str = r\"{blob}\";\n"),
        ),
        (
            Lang::Go,
            format!("package main\n\nconst PROMPT = \"{blob}\"\n"),
        ),
    ];
    for (lang, text) in files {
        let ps = run(lang, &text);
        assert_eq!(ps.len(), 1, "{lang:?}");
        assert_eq!(ps[0].name, "PROMPT");
        assert_eq!(ps[0].value.len(), 1 << 20, "{lang:?}");
        assert_eq!(ps[0].value, blob);
    }
}

/// 10,000 literals, every other one bound to a prompt name.
#[test]
fn ten_thousand_literals() {
    type Gen = fn(usize, &str) -> String;
    let gens: [(Lang, Gen, &str); 4] = [
        (
            Lang::Python,
            |i, n| format!("{n}_{i} = \"value number {i}\"\n"),
            "",
        ),
        (
            Lang::TypeScript,
            |i, n| format!("const {n}_{i} = `value number {i}`;\n"),
            "",
        ),
        (
            Lang::Rust,
            |i, n| format!("const {n}_{i}: &str = \"value number {i}\";\n"),
            "",
        ),
        (
            Lang::Go,
            |i, n| format!("var {n}_{i} = \"value number {i}\"\n"),
            "package main\n",
        ),
    ];
    for (lang, line, header) in gens {
        let mut text = String::from(header);
        for i in 0..10_000 {
            text.push_str(&line(i, if i % 2 == 0 { "PROMPT" } else { "LABEL" }));
        }
        let ps = run(lang, &text);
        assert_eq!(ps.len(), 5_000, "{lang:?}");
        for (k, p) in ps.iter().enumerate() {
            assert_eq!(p.name, format!("PROMPT_{}", 2 * k));
            assert_eq!(p.value, format!("value number {}", 2 * k));
        }
    }
}

/// Long `+` chains and deep nesting: no stack overflow, sane results.
#[test]
fn long_chains_and_deep_nesting() {
    let chain: Vec<String> = (0..20_000).map(|i| format!("\"{}\"", i % 10)).collect();
    let expected: String = (0..20_000)
        .map(|i| char::from(b'0' + (i % 10) as u8))
        .collect();
    for (lang, text) in [
        (Lang::Python, format!("PROMPT = {}\n", chain.join(" + "))),
        (
            Lang::JavaScript,
            format!("const PROMPT = {};\n", chain.join(" + ")),
        ),
        (
            Lang::Go,
            format!("package main\nconst PROMPT = {}\n", chain.join(" + ")),
        ),
        (
            Lang::Rust,
            format!("const PROMPT: &str = {};\n", chain.join(" + ")),
        ),
    ] {
        let ps = run(lang, &text);
        assert_eq!(ps.len(), 1, "{lang:?}");
        assert_eq!(ps[0].value, expected, "{lang:?}");
    }
    // a tag before a huge chain with one non-literal operand
    let text = format!("# prompt\nx = {} + name\n", chain.join(" + "));
    let ps = run(Lang::Python, &text);
    assert_eq!(ps.len(), 1);
    assert_eq!(
        ps[0].value,
        format!("{expected}{{name}}"),
        "the whole chain, the unresolved name a placeholder"
    );
    assert_eq!(ps[0].placeholders, ["{name}"]);

    let depth = 5_000;
    let nested = format!(
        "PROMPT = {}\"deep\"{}\n",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    let ps = run(Lang::Python, &nested);
    assert!(ps.len() <= 1, "deep parentheses: resolved or not, no crash");
    let unbalanced = format!(
        "const PROMPT = \"x\";\n{}\nconst systemPrompt = \"after\";\n",
        "{[(".repeat(20_000)
    );
    let _ = run(Lang::TypeScript, &unbalanced);
    let arrays = format!(
        "const prompt = {}\"x\"{};\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let _ = run(Lang::JavaScript, &arrays);
}

/// Broken code as it looks while typing: earlier prompts are still found.
#[test]
fn invalid_syntax_mid_edit() {
    let cases: &[(Lang, &str, &[&str])] = &[
        (
            Lang::Python,
            "SYSTEM_PROMPT = \"ok\"\nuser_prompt = \"unterminated\nx = (\n",
            &["SYSTEM_PROMPT"],
        ),
        (
            Lang::Python,
            "SYSTEM_PROMPT = \"ok\"\ndef f(:\n    qa_template = \"\"\"never closed\n",
            &["SYSTEM_PROMPT"],
        ),
        (
            Lang::TypeScript,
            "const systemPrompt = \"ok\";\nfunction f() { if (x) { const p = `open ${\n",
            &["systemPrompt"],
        ),
        (
            Lang::Tsx,
            "const systemPrompt = \"ok\";\nconst el = <Chat prompt=\"a\" <div>>>;\n",
            &["systemPrompt"],
        ),
        (
            Lang::JavaScript,
            "const systemPrompt = 'ok';\n}}}}))) const x = 'unterminated\n",
            &["systemPrompt"],
        ),
        (
            Lang::Rust,
            "const SYSTEM_PROMPT: &str = \"ok\";\nfn f() { let prompt = format!(\"open {\n",
            &["SYSTEM_PROMPT"],
        ),
        (
            Lang::Rust,
            "const SYSTEM_PROMPT: &str = \"ok\";\nfn f() { let x = r#\"never closed\n",
            &["SYSTEM_PROMPT"],
        ),
        (
            Lang::Go,
            "package main\nconst systemPrompt = \"ok\"\nfunc f() { p := `raw never closed\n",
            &["systemPrompt"],
        ),
    ];
    for (lang, text, must) in cases {
        let ps = run(*lang, text);
        let names: Vec<&str> = ps.iter().map(|p| p.name.as_str()).collect();
        for m in *must {
            assert!(names.contains(m), "{lang:?} {text:?}: {names:?}");
        }
        // every prefix of the text (typing it char by char) is fine too
        let mut cut = 0;
        while cut < text.len() {
            cut += text[cut..].chars().next().map_or(1, char::len_utf8);
            let _ = run(*lang, &text[..cut]);
        }
    }
}

/// Random bytes and random token soup in every language.
#[test]
fn random_input_never_panics() {
    const TOKENS: &[&str] = &[
        "\"",
        "'",
        "`",
        "\"\"\"",
        "r#\"",
        "\"#",
        "f\"",
        "b'",
        "${",
        "{",
        "}",
        "(",
        ")",
        "[",
        "]",
        "\\",
        "\\n",
        "\\u{",
        "\\x",
        "\n",
        " ",
        "\t",
        "# prompt\n",
        "// prompt\n",
        "/* prompt */",
        "/*",
        "*/",
        "// promptcost: budget=9 model=m\n",
        "# promptcost: ignore\n",
        "PROMPT = ",
        "const prompt = ",
        "let prompt = ",
        "prompt := ",
        "messages=[",
        "{\"role\": \"user\", \"content\": ",
        "format!(",
        "concat!(",
        "dedent(",
        "textwrap.dedent(",
        ".format(",
        " % ",
        " + ",
        "prompt`",
        "<Chat prompt=",
        "/>",
        "é",
        "😀",
        "\r\n",
        "fmt.Sprintf(",
        "String.raw`",
        "def f():\n    ",
        "class A:\n",
        "fn f() {",
        "func f() {",
        "system=",
        "contents=",
        "from_messages([",
        "(\"system\", ",
        "new SystemMessage(",
        ".into()",
    ];
    let mut rng = Rng(0xDEAD_BEEF_CAFE_F00D);
    for lang in promptcost::extract::code::Lang::ALL {
        for round in 0..100 {
            let text = if round % 3 == 0 {
                let bytes: Vec<u8> = (0..rng.below(3000)).map(|_| rng.next() as u8).collect();
                String::from_utf8_lossy(&bytes).into_owned()
            } else {
                (0..rng.below(400))
                    .map(|_| TOKENS[rng.below(TOKENS.len())])
                    .collect()
            };
            let _ = run(lang, &text);
        }
    }
}

/// The tree-sitter 0.25/0.26 runtime never returns on this TSX (0.27 parses it):
/// the parse budget stops it.
#[test]
fn runaway_tsx_parse_is_stopped() {
    for text in [
        "([<\"\"]}P.f(c ",
        "const systemPrompt = \"kept?\";\n([<\"\"]}P.f(c ",
    ] {
        let sf = SourceFile::parse(Lang::Tsx, text);
        let ps = sf.prompts(text, &CompiledRules::default());
        check_invariants(text, &ps);
        eprintln!("parsed: {}, prompts: {}", sf.tree().is_some(), ps.len());
    }
    // the same text is fine as TypeScript (no JSX)
    assert!(SourceFile::parse(Lang::TypeScript, "([<\"\"]}P.f(c ")
        .tree()
        .is_some());
}

/// Edits applied with `SourceFile::edit` give the same prompts as a fresh parse.
#[test]
fn incremental_edits_match_fresh_parse() {
    const SNIPPETS: &[&str] = &[
        "\"",
        "'",
        "`",
        "{",
        "}",
        "(",
        ")",
        "\n",
        " ",
        "x",
        "prompt",
        "_PROMPT",
        " = \"new value\"\n",
        "# prompt\n",
        "// prompt\n",
        "/* prompt */",
        "# promptcost: ignore\n",
        "\\n",
        "${a}",
        "{b}",
        "é",
        "😀",
        "\"\"\"",
        "+ \"more\"",
        ".strip()",
        "SYSTEM_PROMPT = 'x'\n",
        "const systemPrompt = `t`;\n",
    ];
    let rules = CompiledRules::default();
    let mut rng = Rng(0x1234_5678_9ABC_DEF1);
    let mut compared = 0;
    for (file, lang) in FIXTURES {
        let mut text = fixture(file);
        let mut sf = SourceFile::parse(*lang, &text);
        for step in 0..120 {
            // pick a char-boundary range and a replacement
            let mut a = rng.below(text.len() + 1);
            while !text.is_char_boundary(a) {
                a -= 1;
            }
            let mut b = (a + rng.below(24)).min(text.len());
            while !text.is_char_boundary(b) {
                b -= 1;
            }
            let insert: String = (0..rng.below(3))
                .map(|_| SNIPPETS[rng.below(SNIPPETS.len())])
                .collect();
            let mut new_text = String::with_capacity(text.len() + insert.len());
            new_text.push_str(&text[..a]);
            new_text.push_str(&insert);
            new_text.push_str(&text[b..]);
            let edit = input_edit(&text, a, b, &new_text, a + insert.len());
            sf.edit(&edit, &new_text);
            text = new_text;

            let incremental = sf.prompts(&text, &rules);
            let fresh = extract(*lang, &text, &rules);
            check_invariants(&text, &incremental);
            assert_eq!(
                incremental, fresh,
                "{file} step {step}: incremental != fresh"
            );
            compared += 1;
        }
    }
    assert_eq!(compared, FIXTURES.len() * 120);
}

#[test]
fn input_edit_points() {
    let old = "ab\ncdé\nf";
    let new = "ab\ncX\nY\nf";
    // replace "dé" (bytes 4..7) with "X\nY"
    let e = input_edit(old, 4, 7, new, 7);
    assert_eq!((e.start_position.row, e.start_position.column), (1, 1));
    assert_eq!((e.old_end_position.row, e.old_end_position.column), (1, 4));
    assert_eq!((e.new_end_position.row, e.new_end_position.column), (2, 1));
    // out-of-range offsets are clamped, not a panic
    let e = input_edit(old, 100, 200, new, 300);
    assert_eq!(
        (e.start_byte, e.old_end_byte, e.new_end_byte),
        (old.len(), old.len(), new.len())
    );
}

/// Text that does not belong to the tree (a caller bug) gives junk, not a panic.
#[test]
fn mismatched_text_does_not_panic() {
    let sf = SourceFile::parse(
        Lang::Python,
        "SYSTEM_PROMPT = \"a fairly long literal value here\"\n",
    );
    let _ = sf.prompts("é", &CompiledRules::default());
    let _ = sf.prompts("", &CompiledRules::default());
}

/// Decoding is tested apart from the literal judgement: every named string is kept.
fn every_named_string() -> CompiledRules {
    CodeRules {
        judge_text: false,
        ..CodeRules::default()
    }
    .compile()
    .expect("rules")
}
