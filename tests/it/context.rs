//! Agent context end to end: `promptcost context --json` on fixture trees for each agent
//! (every file's count checked against the reference tokenizers on the text the agent is
//! sent), and `check` on a git history whose `CLAUDE.md` is a symlink to `AGENTS.md`.

use crate::git;
use crate::oracle;

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_promptcost")
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(bin())
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn json_of(o: &Output) -> Value {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn agent<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["agents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["agent"] == id)
        .unwrap_or_else(|| panic!("no agent {id} in {v:#}"))
}

/// `(path, load)` -> the file row.
fn rows(a: &Value) -> HashMap<(String, String), Value> {
    a["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                (
                    f["path"].as_str().unwrap().to_string(),
                    f["load"].as_str().unwrap().to_string(),
                ),
                f.clone(),
            )
        })
        .collect()
}

/// Checks every row's count in both models against the oracle on the text we expect the agent
/// to be sent, and that the per-class totals are the sums of the rows.
fn check_counts(a: &Value, sent: &[(&str, &str, String)]) {
    let rows = rows(a);
    for (path, load, _) in sent {
        assert!(
            rows.contains_key(&(path.to_string(), load.to_string())),
            "{} {path} {load} missing in {a:#}",
            a["agent"]
        );
    }
    assert_eq!(
        rows.len(),
        sent.len(),
        "{}: unexpected rows {:?}",
        a["agent"],
        rows.keys().collect::<Vec<_>>()
    );
    let texts: Vec<String> = sent.iter().map(|s| s.2.clone()).collect();
    for (i, enc) in ["o200k_base", "gemma3"].iter().enumerate() {
        let want = oracle::counts(enc, &texts);
        for ((path, load, _), w) in sent.iter().zip(&want) {
            let row = &rows[&(path.to_string(), load.to_string())];
            assert_eq!(
                row["models"][i]["tokens"], *w,
                "{} {path} ({load}) in {enc}",
                a["agent"]
            );
            assert_eq!(row["models"][i]["exact"], true);
        }
        for class in ["always", "conditional", "on-demand"] {
            let sum: u64 = sent
                .iter()
                .zip(&want)
                .filter(|(s, _)| s.1 == class)
                .map(|(_, w)| w)
                .sum();
            let key = if class == "on-demand" {
                "on_demand"
            } else {
                class
            };
            assert_eq!(
                a[key]["models"][i]["tokens"], sum,
                "{} {class} total in {enc}",
                a["agent"]
            );
        }
    }
}

const MODELS: [&str; 4] = ["-m", "gpt-4o", "-m", "gemini-2.5-flash"];

#[test]
fn claude_code_follows_imports_rules_and_skills() {
    let d = tempfile::tempdir().unwrap();
    let r = d.path();
    git(r, &["init", "-q"]);
    let agents = "# Agents\n\nRun the tests before every commit and keep the changelog current.\n";
    write(r, "AGENTS.md", agents);
    std::os::unix::fs::symlink("AGENTS.md", r.join("CLAUDE.md")).unwrap();
    let local = "Personal notes.\nSee @docs/style.md and @docs/missing.md.\nMail @octocat, not an import.\n```\n@docs/in-fence.md\n```\n@d1.md\n";
    write(r, "CLAUDE.local.md", local);
    let style = "Indent with four spaces.\nBack to @../CLAUDE.local.md (a cycle).\n";
    write(r, "docs/style.md", style);
    // A chain of 7 imports: Claude Code follows 5 hops.
    let chain: Vec<String> = (1..=7)
        .map(|i| format!("Level {i} text.\n@d{}.md\n", i + 1))
        .collect();
    for (i, t) in chain.iter().enumerate() {
        write(r, &format!("d{}.md", i + 1), t);
    }
    let api_fm = "---\npaths:\n  - \"src/api/**\"\n---\n";
    let api_body = "Validate every request body.\n";
    write(r, ".claude/rules/api.md", &format!("{api_fm}{api_body}"));
    write(
        r,
        ".claude/rules/general.md",
        "Prefer small pull requests.\n",
    );
    let skill_body = "Run `make deploy` and watch the logs.\n";
    write(
        r,
        ".claude/skills/deploy/SKILL.md",
        &format!("---\nname: deploy\ndescription: Deploy the app to staging\n---\n{skill_body}"),
    );
    write(r, "sub/CLAUDE.md", "Sub-project notes.\n");

    let v = json_of(&run(
        r,
        &[&["context", "--json", "--agent", "claude"][..], &MODELS[..]].concat(),
    ));
    assert_eq!(v["agents"].as_array().unwrap().len(), 1);
    let a = agent(&v, "claude-code");
    let mut sent = vec![
        ("CLAUDE.md", "always", agents.to_string()),
        ("CLAUDE.local.md", "always", local.to_string()),
        ("docs/style.md", "always", style.to_string()),
        (
            ".claude/rules/general.md",
            "always",
            "Prefer small pull requests.\n".to_string(),
        ),
        (".claude/rules/api.md", "conditional", api_body.to_string()),
        (
            ".claude/skills/deploy/SKILL.md",
            "always",
            "deploy: Deploy the app to staging".to_string(),
        ),
        (
            ".claude/skills/deploy/SKILL.md",
            "on-demand",
            skill_body.to_string(),
        ),
        (
            "sub/CLAUDE.md",
            "conditional",
            "Sub-project notes.\n".to_string(),
        ),
    ];
    let names = ["d1.md", "d2.md", "d3.md", "d4.md", "d5.md"];
    for (i, n) in names.iter().enumerate() {
        sent.push((n, "always", chain[i].clone()));
    }
    check_counts(a, &sent);
    let rows = rows(a);
    let claude = &rows[&("CLAUDE.md".into(), "always".into())];
    assert_eq!(
        claude["real"], "AGENTS.md",
        "the symlink is read as its target, once"
    );
    assert_eq!(
        rows[&("docs/style.md".into(), "always".into())]["via"],
        "@docs/style.md in CLAUDE.local.md"
    );
    assert_eq!(
        rows[&(".claude/rules/api.md".into(), "conditional".into())]["condition"],
        "files matching src/api/**"
    );
    assert_eq!(
        rows[&("sub/CLAUDE.md".into(), "conditional".into())]["condition"],
        "working in sub/"
    );
    let problems: Vec<(String, String)> = a["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["kind"].as_str().unwrap().into(),
                p["message"].as_str().unwrap().into(),
            )
        })
        .collect();
    let kinds: Vec<&str> = problems.iter().map(|p| p.0.as_str()).collect();
    assert_eq!(
        kinds,
        ["broken-import", "import-too-deep", "import-cycle"],
        "{problems:?}"
    );
    assert!(problems[0].1.contains("@docs/missing.md"), "{problems:?}");
    assert!(problems[1].1.contains("@d6.md"), "{problems:?}");
    assert!(
        problems[2]
            .1
            .contains("CLAUDE.local.md → docs/style.md → CLAUDE.local.md"),
        "{problems:?}"
    );
    assert_eq!(a["problems"][0]["line"], 2);
}

#[test]
fn codex_reads_root_to_start_with_override_and_a_byte_cap() {
    let d = tempfile::tempdir().unwrap();
    let r = d.path();
    git(r, &["init", "-q"]);
    let para = "Keep every module small and documented; tests come with each change.\n";
    let root = para.repeat(20_000 / para.len());
    write(r, "AGENTS.md", &root);
    write(
        r,
        "svc/AGENTS.md",
        "Not read: the override wins in this folder.\n",
    );
    let over = para.repeat(20_000 / para.len());
    write(r, "svc/AGENTS.override.md", &over);
    write(r, "svc/api/AGENTS.md", "   \n");
    write(r, "svc/api/deep/AGENTS.md", "Deeper notes.\n");
    let v = json_of(&run(
        &r.join("svc/api"),
        &[&["context", "--json", "--agent", "codex"][..], &MODELS[..]].concat(),
    ));
    assert_eq!(v["start"], "svc/api");
    let a = agent(&v, "codex");
    // 32 KiB in all: the override is cut where the cap is reached; the empty file is skipped.
    let cut = 32 * 1024 - root.len();
    check_counts(
        a,
        &[
            ("AGENTS.md", "always", root.clone()),
            ("svc/AGENTS.override.md", "always", over[..cut].to_string()),
            (
                "svc/api/deep/AGENTS.md",
                "conditional",
                "Deeper notes.\n".to_string(),
            ),
        ],
    );
    assert!(
        a["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains(&format!("only the first {cut} of {} bytes", over.len())),
        "{a:#}"
    );
}

#[test]
fn cursor_copilot_and_gemini_rules() {
    let d = tempfile::tempdir().unwrap();
    let r = d.path();
    git(r, &["init", "-q"]);
    let agents = "Shared instructions for every agent.\n";
    write(r, "AGENTS.md", agents);
    write(
        r,
        ".cursor/rules/always.mdc",
        "---\ndescription: Core\nalwaysApply: true\n---\nAlways on.\n",
    );
    write(
        r,
        ".cursor/rules/ts.mdc",
        "---\nglobs: src/**/*.ts, lib/*.ts\nalwaysApply: false\n---\nTypeScript rules.\n",
    );
    write(
        r,
        ".cursor/rules/db.mdc",
        "---\ndescription: Database migrations and schema changes\n---\nMigration steps.\n",
    );
    write(
        r,
        ".cursor/rules/manual.mdc",
        "---\nalwaysApply: false\n---\nOnly when mentioned.\n",
    );
    write(r, ".cursorrules", "Legacy rules.\n");
    write(r, ".github/copilot-instructions.md", "Copilot, always.\n");
    write(
        r,
        ".github/instructions/all.instructions.md",
        "---\napplyTo: \"**\"\n---\nEverywhere.\n",
    );
    write(
        r,
        ".github/instructions/py.instructions.md",
        "---\napplyTo: '**/*.py'\n---\nPython style.\n",
    );
    write(r, "GEMINI.md", "Gemini notes.\n@./docs/extra.md\n");
    write(r, "docs/extra.md", "Extra context.\n");
    write(
        r,
        ".gemini/settings.json",
        "{\"context\": {\"fileName\": [\"AGENTS.md\", \"GEMINI.md\"]}}",
    );
    let v = json_of(&run(r, &[&["context", "--json"][..], &MODELS[..]].concat()));
    let ids: Vec<&str> = v["agents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["agent"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["codex", "cursor", "copilot", "gemini"],
        "Claude Code loads nothing here and is left out"
    );
    check_counts(
        agent(&v, "cursor"),
        &[
            (".cursor/rules/always.mdc", "always", "Always on.\n".into()),
            (
                ".cursor/rules/ts.mdc",
                "conditional",
                "TypeScript rules.\n".into(),
            ),
            (
                ".cursor/rules/db.mdc",
                "always",
                "Database migrations and schema changes".into(),
            ),
            (
                ".cursor/rules/db.mdc",
                "on-demand",
                "Migration steps.\n".into(),
            ),
            (
                ".cursor/rules/manual.mdc",
                "on-demand",
                "Only when mentioned.\n".into(),
            ),
            (".cursorrules", "always", "Legacy rules.\n".into()),
            ("AGENTS.md", "always", agents.into()),
        ],
    );
    check_counts(
        agent(&v, "copilot"),
        &[
            (
                ".github/copilot-instructions.md",
                "always",
                "Copilot, always.\n".into(),
            ),
            (
                ".github/instructions/all.instructions.md",
                "always",
                "Everywhere.\n".into(),
            ),
            (
                ".github/instructions/py.instructions.md",
                "conditional",
                "Python style.\n".into(),
            ),
            ("AGENTS.md", "always", agents.into()),
        ],
    );
    check_counts(
        agent(&v, "gemini"),
        &[
            ("AGENTS.md", "always", agents.into()),
            (
                "GEMINI.md",
                "always",
                "Gemini notes.\n@./docs/extra.md\n".into(),
            ),
            ("docs/extra.md", "always", "Extra context.\n".into()),
        ],
    );
    let cursor = rows(agent(&v, "cursor"));
    assert_eq!(
        cursor[&(".cursor/rules/ts.mdc".into(), "conditional".into())]["condition"],
        "files matching src/**/*.ts, lib/*.ts"
    );

    // Text output and a clear error for an unknown agent.
    let o = run(r, &["context", "-m", "gpt-4o"]);
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(
        text.contains("Cursor: ") && text.contains("tokens in every session started in ."),
        "{text}"
    );
    let o = run(r, &["context", "--agent", "cursr"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr)
        .contains("unknown agent 'cursr'; did you mean 'cursor'?"));
}

fn check(dir: &Path, args: &[&str]) -> Output {
    run(dir, &[&["check"][..], args].concat())
}

/// A history like the SDK of issue 17: `CLAUDE.md` is a symlink to `AGENTS.md`, whose H1 spans
/// the whole file; `AGENTS.md` grows; a tiny prompt literal in a test fixture grows by a few
/// tokens.
fn symlinked_history() -> (tempfile::TempDir, String, String) {
    let d = tempfile::tempdir().unwrap();
    let r = d.path();
    let para = "Every change ships with a test, a changelog entry and updated documentation.\n";
    let v1 = format!("# SDK agents\n\n{}", para.repeat(20));
    let v2 = format!(
        "{v1}\n## Releases\n\n{}",
        "Tag releases with the version and publish the notes.\n".repeat(6)
    );
    write(r, "promptcost.toml", "models = [\"gpt-4o\", \"gemini-2.5-flash\"]\n[context]\nbudget = 100000\n[context.budgets]\ncodex = 150\n");
    write(r, "AGENTS.md", &v1);
    std::os::unix::fs::symlink("AGENTS.md", r.join("CLAUDE.md")).unwrap();
    write(
        r,
        "tests/fixture.py",
        "SYSTEM_PROMPT = \"You are a greeter. Say hi to the user.\"\n",
    );
    git(r, &["init", "-q"]);
    git(r, &["add", "."]);
    git(r, &["commit", "-qm", "v1"]);
    write(r, "AGENTS.md", &v2);
    write(
        r,
        "tests/fixture.py",
        "SYSTEM_PROMPT = \"You are a greeter. Say hi to the user, politely, in their language.\"\n",
    );
    (d, v1, v2)
}

#[test]
fn a_symlinked_claude_md_is_one_row_now_and_at_the_base() {
    let (d, v1, v2) = symlinked_history();
    let r = d.path();
    let o = check(
        r,
        &["--base", "HEAD", "--max-growth", "10%", "--format", "json"],
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let prompts = v["prompts"].as_array().unwrap();
    assert!(
        prompts.iter().all(|p| p["path"] != "CLAUDE.md"),
        "the symlink is not a row of its own"
    );
    let agents: Vec<&Value> = prompts
        .iter()
        .filter(|p| p["path"] == "AGENTS.md")
        .collect();
    let names: Vec<&str> = agents.iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        ["AGENTS.md", "Releases"],
        "the H1 over the whole file folds into the file row"
    );
    assert_eq!(
        v["deleted"].as_array().unwrap().len(),
        0,
        "nothing was deleted: {:#}",
        v["deleted"]
    );
    let want = oracle::counts("o200k_base", &[v1.clone(), v2.clone()]);
    assert_eq!(agents[0]["base"]["tokens"], want[0]);
    assert_eq!(agents[0]["models"][0]["tokens"], want[1]);

    // Context per agent: Claude Code reads CLAUDE.md (really AGENTS.md), Codex AGENTS.md.
    let ctx = v["context"].as_array().unwrap();
    let ids: Vec<&str> = ctx.iter().map(|c| c["agent"].as_str().unwrap()).collect();
    assert_eq!(ids, ["claude-code", "codex", "cursor", "copilot"]);
    let claude = &ctx[0];
    assert_eq!(claude["tokens"], want[1]);
    assert_eq!(
        claude["base"]["tokens"], want[0],
        "at the base the symlink is resolved too"
    );
    assert_eq!(claude["files"][0]["path"], "CLAUDE.md");
    assert_eq!(claude["files"][0]["real"], "AGENTS.md");
    assert_eq!(claude["status"], "over_growth");
    assert_eq!(
        ctx[1]["status"], "over_budget",
        "codex has its own budget of 150"
    );

    let rules: Vec<(&str, &str)> = v["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| (x["rule"].as_str().unwrap(), x["path"].as_str().unwrap()))
        .collect();
    assert!(rules.contains(&("growth", "AGENTS.md")), "{rules:?}");
    assert!(
        rules.contains(&("context-growth", "CLAUDE.md")),
        "{rules:?}"
    );
    assert!(
        rules.contains(&("context-budget", "AGENTS.md")),
        "{rules:?}"
    );
    assert!(
        !rules.iter().any(|(_, p)| *p == "tests/fixture.py"),
        "a few tokens of growth stay under the default floor: {rules:?}"
    );
    // Without the floor, the literal fails the share gate.
    let o = check(
        r,
        &[
            "--base",
            "HEAD",
            "--max-growth",
            "10%:0",
            "--format",
            "json",
        ],
    );
    let v0: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v0["violations"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["path"] == "tests/fixture.py"));

    // The review comment leads with each agent's context, then files, largest change first.
    let o = check(
        r,
        &[
            "--base",
            "HEAD",
            "--max-growth",
            "10%",
            "--format",
            "markdown",
        ],
    );
    let md = String::from_utf8(o.stdout).unwrap();
    let grew = want[1] - want[0];
    let lead = format!(
        "**Claude Code · Cursor · GitHub Copilot**: always-loaded context +{} tok (+{:.0}%)",
        grew,
        grew as f64 / want[0] as f64 * 100.0
    );
    assert!(md.starts_with(&format!("### promptcost\n\n{lead}")), "{md}");
    assert_eq!(md.matches("| `AGENTS.md` |").count(), 1, "{md}");
    assert!(
        md.contains("\n**Codex CLI**: always-loaded context +"),
        "Codex is over its own budget: a line of its own: {md}"
    );
    assert!(
        md.find("`AGENTS.md`").unwrap() < md.find("`tests/fixture.py`").unwrap(),
        "{md}"
    );
    assert!(!md.contains("Deleted"), "{md}");

    // GitHub: at most one annotation per file and prompt kind, errors and context first.
    let o = check(
        r,
        &[
            "--base",
            "HEAD",
            "--max-growth",
            "10%:0",
            "--format",
            "github",
        ],
    );
    let gh = String::from_utf8(o.stdout).unwrap();
    let ann: Vec<&str> = gh
        .lines()
        .filter(|l| l.starts_with("::warning") || l.starts_with("::error"))
        .collect();
    let on = |file: &str, title: &str| {
        ann.iter()
            .filter(|l| {
                l.contains(&format!("file={file},"))
                    && l.contains(&format!("title=promptcost {title}::"))
            })
            .count()
    };
    assert_eq!(
        on("AGENTS.md", "context-growth") + on("AGENTS.md", "context-budget"),
        1,
        "Codex, Cursor and Copilot share one context annotation: {gh}"
    );
    assert!(
        ann.iter()
            .any(|l| l.contains("(and 3 more context findings in this file)")),
        "{gh}"
    );
    assert_eq!(on("AGENTS.md", "growth"), 1, "{gh}");
    assert_eq!(
        on("tests/fixture.py", "growth"),
        2,
        "one for the file, one for its literal (a request of its own): {gh}"
    );
    assert!(
        ann.len() <= 10 && ann[0].contains("promptcost context-"),
        "{gh}"
    );
    let notices: Vec<&str> = gh.lines().filter(|l| l.starts_with("::notice")).collect();
    let agents_notices = notices
        .iter()
        .filter(|l| l.contains("file=AGENTS.md,"))
        .count();
    assert_eq!(
        agents_notices, 2,
        "one context notice and one file notice for AGENTS.md: {gh}"
    );
    assert!(
        gh.lines().last().unwrap().starts_with("promptcost: "),
        "{gh}"
    );
}

#[test]
fn context_budgets_in_sarif_and_human_output() {
    let (d, _, _) = symlinked_history();
    let r = d.path();
    let o = check(r, &["--format", "sarif"]);
    assert_eq!(o.status.code(), Some(1));
    let s: Value = serde_json::from_slice(&o.stdout).unwrap();
    let results = s["runs"][0]["results"].as_array().unwrap();
    let codex = results
        .iter()
        .find(|x| x["ruleId"] == "PC1006")
        .expect("the context budget has its own rule id");
    assert!(
        codex["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with("Codex CLI: always-loaded context is "),
        "{codex:#}"
    );
    let rules = s["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules
        .iter()
        .any(|x| x["id"] == "PC1007" && x["name"] == "context-growth"));
    let o = check(r, &[]);
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(
        text.starts_with(
            "Agent context (loaded in every session):\n  Claude Code · Cursor · GitHub Copilot: always-loaded context → "
        ),
        "{text}"
    );
    assert!(
        text.contains("\n  Codex CLI: always-loaded context → ")
            && text.contains(" · budget 150\n"),
        "{text}"
    );
}

/// The editor on an agent file: a lens per agent with the session total, a hint on the
/// `@import` line, diagnostics for a broken import and a paragraph loaded twice, the hover table.
#[tokio::test]
async fn the_editor_shows_what_an_agent_file_adds_to_every_session() {
    use crate::common::{o200k, utf16_caps, Client};
    use serde_json::json;

    let d = tempfile::tempdir().unwrap();
    let r = d.path();
    std::fs::create_dir(r.join(".git")).unwrap();
    let shared = "Every change ships with a test, a changelog entry and updated documentation, reviewed by one person.";
    let style = format!("Indent with four spaces.\n\n{shared}\n");
    write(r, "docs/style.md", &style);
    let claude = format!("# Memory\n\nSee @docs/style.md\n@docs/missing.md\n\n{shared}\n");
    write(r, "CLAUDE.md", "on disk: replaced by the editor's text\n");
    let mut c = Client::start().await;
    c.settings = json!({"models": ["gpt-4o"]});
    c.initialize(utf16_caps(), serde_json::Value::Null, r).await;
    let uri = c.open(&r.join("CLAUDE.md"), &claude).await;
    let diags = c.diagnostics(&uri, 1).await;
    let broken = diags
        .iter()
        .find(|x| x["code"] == "context-import")
        .unwrap_or_else(|| panic!("{diags:?}"));
    assert_eq!(broken["range"]["start"], json!({"line": 3, "character": 0}));
    assert!(
        broken["message"]
            .as_str()
            .unwrap()
            .contains("@docs/missing.md: no such file"),
        "{broken}"
    );
    let dup = diags
        .iter()
        .find(|x| x["code"] == "context-duplicate")
        .unwrap_or_else(|| panic!("{diags:?}"));
    assert_eq!(dup["range"]["start"]["line"], 5);
    assert!(
        dup["message"]
            .as_str()
            .unwrap()
            .contains("also loaded from docs/style.md:3"),
        "{dup}"
    );

    let lens = c.code_lens(&uri).await;
    let titles: Vec<&str> = lens["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["command"]["title"].as_str().unwrap())
        .collect();
    let (me, imp) = (o200k(&claude), o200k(&style));
    let want = format!(
        "Claude Code loads {} tok every session: this file {me} + 1 import {imp}",
        me + imp
    );
    assert!(titles.contains(&want.as_str()), "{titles:?} lacks {want}");

    let h = c.inlay_hints(&uri, 0, 10).await;
    let hint = h["result"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["position"]["line"] == 2)
        .unwrap_or_else(|| panic!("{h}"));
    assert_eq!(hint["label"], format!("{imp} tok"));
    assert_eq!(hint["position"]["character"], "See @docs/style.md".len());

    let hover = c.hover(&uri, 0, 2).await;
    let md = hover["result"]["contents"]["value"].as_str().unwrap();
    let row: Vec<&str> = md
        .lines()
        .find(|l| l.starts_with("Claude Code "))
        .unwrap_or_else(|| panic!("{md}"))
        .split_whitespace()
        .collect();
    let (me_s, imp_s, total_s) = (me.to_string(), format!("{imp}"), (me + imp).to_string());
    assert_eq!(
        row,
        ["Claude", "Code", "always", &me_s, &imp_s, "(1)", &total_s],
        "{md}"
    );
    assert!(
        md.contains("```text\nagent "),
        "a fixed-width table like the prompt hover: {md}"
    );
    c.shutdown().await;
}
