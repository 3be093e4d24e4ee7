//! `promptcost check` end to end: the real binary on fixture git repositories, every format
//! and exit code; JSON validated against its schema, SARIF by Microsoft's SARIF Multitool,
//! counts against the oracle.

use crate::git;
use crate::oracle;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_promptcost")
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(bin())
        .current_dir(dir)
        .args(["check"])
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// `check --format json` in `dir`, which must exit 0: the report.
fn json_ok(dir: &Path) -> Value {
    let o = run(dir, &["--format", "json"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_str(&stdout(&o)).unwrap()
}

const AGENTS_V1: &str = "# Agents\n\nRun the tests before committing.\n\n## Style\nKeep functions small.\n\n## Old section\nThis goes away.\n";
const AGENTS_V2: &str = "# Agents\n\nRun the tests before committing. Always run the linter too, and update the changelog for every user-visible change, with a link to the issue.\n\n## Style\nKeep functions small.\n\n## Release\nTag releases with the version number.\n";

/// A repository with a commit (v1) and a working tree at v2.
fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("prompts")).unwrap();
    std::fs::write(
        d.join("promptcost.toml"),
        "models = [\"gpt-4o\", \"claude-sonnet-4-5\"]\n[budgets]\n\"prompts/**\" = 1000\n",
    )
    .unwrap();
    std::fs::write(d.join("AGENTS.md"), AGENTS_V1).unwrap();
    std::fs::write(d.join("prompts/gone.md"), "# Gone\nbye\n").unwrap();
    std::fs::write(d.join("README.md"), "# Not a prompt\n").unwrap();
    git(d, &["init", "-q"]);
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "v1"]);
    std::fs::write(d.join("AGENTS.md"), AGENTS_V2).unwrap();
    std::fs::remove_file(d.join("prompts/gone.md")).unwrap();
    std::fs::write(
        d.join("prompts/new.prompt.md"),
        "# New\nA brand new prompt with {{var}}.\n",
    )
    .unwrap();
    dir
}

pub(crate) fn validate_schema(report: &str) {
    let py = oracle::python();
    let schema = oracle::repo().join("schemas/check-report.v1.schema.json");
    let mut child = Command::new(py)
        .args(["-c", "import json,sys,jsonschema; jsonschema.validate(json.load(sys.stdin), json.load(open(sys.argv[1]))); print('ok')"])
        .arg(schema)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(report.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "schema validation failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn within_budget_exits_0_and_reports_every_prompt() {
    let dir = fixture();
    let o = run(dir.path(), &[]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out = stdout(&o);
    assert!(
        out.contains("AGENTS.md") && out.contains("§ Style") && out.contains("§ Release"),
        "{out}"
    );
    assert!(!out.contains("README.md"), "not a prompt file: {out}");
    assert!(out.contains("2 files, "), "{out}");
    assert!(out.contains("All within budget."), "{out}");
}

#[test]
fn json_is_valid_and_counts_equal_the_oracle() {
    let dir = fixture();
    let o = run(dir.path(), &["--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    validate_schema(&text);
    let v: Value = serde_json::from_str(&text).unwrap();
    let prompts = v["prompts"].as_array().unwrap();
    let file = prompts
        .iter()
        .find(|p| p["path"] == "AGENTS.md" && p["kind"] == "file")
        .unwrap();
    let style = prompts
        .iter()
        .find(|p| p["path"] == "AGENTS.md" && p["name"] == "Style")
        .unwrap();
    assert_eq!(style["kind"], "section");
    assert_eq!(style["start"], serde_json::json!({"line": 5, "column": 1}));
    let want = oracle::counts(
        "o200k_base",
        &[
            AGENTS_V2.to_string(),
            "## Style\nKeep functions small.\n\n".to_string(),
        ],
    );
    assert_eq!(file["models"][0]["tokens"], want[0]);
    assert_eq!(style["models"][0]["tokens"], want[1]);
    assert_eq!(file["models"][0]["exact"], true);
    assert_eq!(file["models"][1]["exact"], false);
    let new = prompts
        .iter()
        .find(|p| p["path"] == "prompts/new.prompt.md" && p["kind"] == "file")
        .unwrap();
    assert_eq!(new["budget"], 1000);
    assert_eq!(new["placeholders"], 1);
}

#[test]
fn base_growth_new_and_deleted_prompts() {
    let dir = fixture();
    let o = run(dir.path(), &["--base", "HEAD", "--format", "json"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = stdout(&o);
    validate_schema(&text);
    let v: Value = serde_json::from_str(&text).unwrap();
    let agents = v["prompts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["path"] == "AGENTS.md" && p["kind"] == "file")
        .unwrap()
        .clone();
    let want = oracle::counts(
        "o200k_base",
        &[AGENTS_V1.to_string(), AGENTS_V2.to_string()],
    );
    assert_eq!(agents["base"]["tokens"], want[0]);
    assert_eq!(agents["base"]["change"], want[1] as i64 - want[0] as i64);
    assert_eq!(agents["base"]["state"], "changed");
    let release = v["prompts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Release")
        .unwrap();
    assert_eq!(release["base"]["state"], "new");
    let deleted: Vec<String> = v["deleted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{}:{}",
                d["path"].as_str().unwrap(),
                d["name"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        deleted,
        [
            "AGENTS.md:Old section",
            "prompts/gone.md:Gone",
            "prompts/gone.md:gone.md"
        ]
    );

    // The reviewer's view: Markdown, largest change first.
    let o = run(dir.path(), &["--base", "HEAD", "--format", "markdown"]);
    let md = stdout(&o);
    let grew = want[1] - want[0];
    let pct = grew as f64 / want[0] as f64 * 100.0;
    let row = format!("| `AGENTS.md` | {} | +{grew} (+{pct:.0}%) |", want[1]);
    assert!(md.contains(&row), "missing {row:?} in\n{md}");
    assert!(
        md.find("`AGENTS.md` |").unwrap()
            < md.find("`prompts/new.prompt.md` |").unwrap_or(usize::MAX)
            || md.contains("new"),
        "{md}"
    );
    assert!(
        md.contains("Deleted:") && md.contains("`prompts/gone.md`"),
        "{md}"
    );

    // --max-growth: in percent (the default floor of 50 tokens lets this small growth
    // pass; a zero floor does not) and in tokens.
    assert!(
        grew < 50,
        "the fixture grows by less than the default floor"
    );
    let o = run(dir.path(), &["--base", "HEAD", "--max-growth", "10%"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = run(dir.path(), &["--base", "HEAD", "--max-growth", "10%:0"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("AGENTS.md grew by"), "{}", stdout(&o));
    let o = run(
        dir.path(),
        &["--base", "HEAD", "--max-growth", &format!("{}", grew)],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "growth equal to the limit passes: {}",
        stdout(&o)
    );
    let o = run(
        dir.path(),
        &["--base", "HEAD", "--max-growth", &format!("{}", grew - 1)],
    );
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn budget_violations_exit_1_in_every_format() {
    let dir = fixture();
    let d = dir.path();
    let o = run(d, &["--budget", "10"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("warning: AGENTS.md:1:1:") && stdout(&o).contains("exceeds budget 10"),
        "{}",
        stdout(&o)
    );

    let o = run(d, &["--budget", "10", "--format", "github"]);
    assert_eq!(o.status.code(), Some(1));
    let gh = stdout(&o);
    assert!(
        gh.lines()
            .any(|l| l.starts_with("::warning file=AGENTS.md,line=1,col=1,")
                && l.contains("title=promptcost budget::")
                && l.contains("exceeds budget 10")),
        "{gh}"
    );

    // SARIF, validated by Microsoft's SARIF Multitool: no errors, no warnings.
    let sarif_path = d.join("out.sarif");
    let o = run(
        d,
        &[
            "--budget",
            "10",
            "--format",
            "sarif",
            "--output",
            sarif_path.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif_path).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    assert_eq!(results[0]["ruleId"], "PC1001");
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "AGENTS.md"
    );
    sarif_multitool_validates(&sarif_path);

    // Context window: a file larger than gpt-3.5-turbo's 16k window is an error.
    std::fs::write(d.join("CLAUDE.md"), "token ".repeat(20_000)).unwrap();
    let o = run(d, &["--model", "gpt-3.5-turbo", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let viol = v["violations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["rule"] == "context-window")
        .unwrap();
    assert_eq!(viol["severity"], "error");
    assert_eq!(viol["path"], "CLAUDE.md");
}

pub(crate) fn sarif_multitool_validates(path: &Path) {
    let tool = oracle::repo().join("tests/tools/node_modules/.bin/sarif-multitool");
    assert!(
        tool.exists(),
        "the SARIF Multitool is installed by scripts/test.sh (npm ci in tests/tools)"
    );
    let log = path.with_extension("validation.sarif");
    let out = Command::new(&tool)
        .args(["validate"])
        .arg(path)
        .args(["--output"])
        .arg(&log)
        .args([
            "--log",
            "ForceOverwrite",
            "--level",
            "Error",
            "Warning",
            "--kind",
            "Fail",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "multitool: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&log).unwrap()).unwrap();
    let findings: Vec<String> = v["runs"][0]["results"]
        .as_array()
        .map_or(vec![], |r| r.iter().map(|x| x.to_string()).collect());
    assert!(
        findings.is_empty(),
        "SARIF Multitool errors/warnings: {findings:?}"
    );
}

#[test]
fn usage_config_and_git_errors_exit_2() {
    let dir = fixture();
    let d = dir.path();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["--model", "gpt4o"], "did you mean 'gpt-4o'?"),
        (vec!["--base", "no-such-rev"], "unknown git revision"),
        (
            vec!["--base", "HEAD", "--max-growth", "lots"],
            "--max-growth takes",
        ),
        (vec!["missing-dir"], "no such file or directory"),
        (vec!["--format", "yaml"], "invalid value 'yaml'"),
    ];
    for (args, msg) in cases {
        let o = run(d, &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains(msg),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(o.stdout.is_empty(), "nothing on stdout for an error");
    }
    std::fs::write(d.join("promptcost.toml"), "budget = 10\nbuget = 3\n").unwrap();
    let o = run(d, &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("promptcost.toml:2:1: unknown field `buget`"),
        "{err}"
    );
}

#[test]
fn unreadable_binary_huge_and_looping_files_are_skipped_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("prompts")).unwrap();
    std::fs::write(d.join("promptcost.toml"), "max_file_size = 1000\n").unwrap();
    std::fs::write(d.join("prompts/ok.md"), "# Fine\ntext\n").unwrap();
    std::fs::write(d.join("prompts/bin.md"), b"\x00\x01\x02binary").unwrap();
    std::fs::write(d.join("prompts/latin1.md"), b"caf\xe9\n").unwrap();
    std::fs::write(d.join("prompts/huge.md"), "x".repeat(5000)).unwrap();
    std::os::unix::fs::symlink(d.join("prompts/missing.md"), d.join("prompts/dangling.md"))
        .unwrap();
    std::os::unix::fs::symlink(d, d.join("prompts/loop")).unwrap();
    let v = json_ok(d);
    let skipped: Vec<(String, String)> = v["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["path"].as_str().unwrap().to_string(),
                s["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let find = |p: &str| {
        skipped
            .iter()
            .find(|(x, _)| x.ends_with(p))
            .map(|(_, r)| r.clone())
            .unwrap_or_else(|| panic!("{p} not skipped: {skipped:?}"))
    };
    assert_eq!(find("bin.md"), "binary file");
    assert!(find("latin1.md").starts_with("not UTF-8"));
    assert!(find("huge.md").contains("above max_file_size"));
    assert!(find("dangling.md").contains("cannot read"));
    assert!(
        skipped
            .iter()
            .any(|(p, r)| p.contains("loop") && r.contains("cannot read")),
        "symlink loop reported: {skipped:?}"
    );
    assert_eq!(v["summary"]["files"], 1);
    let human = stdout(&run(d, &[]));
    assert!(
        human.contains("note: skipped prompts/bin.md: binary file"),
        "{human}"
    );
}

/// A file reached through a symlink (a linked directory, a linked file) is reported at its
/// real path, once, as a file reached directly is.
#[test]
fn files_behind_symlinks_are_reported_at_their_real_path() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("prompts/real")).unwrap();
    std::fs::write(d.join("prompts/a.md"), "# A\nYou are terse.\n").unwrap();
    std::fs::write(d.join("prompts/real/b.md"), "# B\nYou are kind.\n").unwrap();
    std::os::unix::fs::symlink(d.join("prompts/real"), d.join("prompts/shared")).unwrap();
    std::os::unix::fs::symlink(d.join("prompts/real/b.md"), d.join("prompts/alias.md")).unwrap();
    let v = json_ok(d);
    let mut paths: Vec<String> = v["prompts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["kind"] == "file")
        .map(|p| p["path"].as_str().unwrap().to_string())
        .collect();
    paths.sort();
    assert_eq!(paths, ["prompts/a.md", "prompts/real/b.md"]);
}

#[test]
fn bundled_examples_show_one_deliberate_violation() {
    let examples: PathBuf = oracle::repo().join("examples");
    let o = run(&examples, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let out = stdout(&o);
    assert!(
        out.contains("exceeds budget 60") && out.contains("section 'Output format'"),
        "{out}"
    );
}

#[test]
fn paths_are_relative_to_the_working_directory_and_utf16_files_are_text() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("app/prompts")).unwrap();
    std::fs::create_dir_all(root.join("docs")).unwrap();
    std::fs::write(root.join("promptcost.toml"), "budget = 3\n").unwrap();
    std::fs::write(
        root.join("app/prompts/a.prompt.md"),
        "Summarize the text.\n",
    )
    .unwrap();
    // UTF-16 LE with a byte-order mark, as Windows editors save it.
    let text = "Réponds en français, brièvement.\n";
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    std::fs::write(root.join("docs/AGENTS.md"), utf16).unwrap();
    git(root, &["init", "-q"]);

    // From a subfolder, with a second path beside it: both relative to the working directory.
    let o = run(
        &root.join("app"),
        &["prompts", "../docs", "--format", "json"],
    );
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let paths: Vec<&str> = v["prompts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["kind"] == "file")
        .map(|p| p["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["../docs/AGENTS.md", "prompts/a.prompt.md"], "{v}");
    assert!(v["skipped"].as_array().unwrap().is_empty(), "{v}");
    let agents = v["prompts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["path"] == "../docs/AGENTS.md")
        .unwrap();
    assert_eq!(
        agents["models"][0]["tokens"],
        crate::common::o200k(text),
        "decoded from UTF-16"
    );

    // GitHub annotations name files from the repository's top level.
    let o = run(&root.join("app"), &["prompts", "--format", "github"]);
    let out = stdout(&o);
    assert!(out.contains("file=app/prompts/a.prompt.md"), "{out}");
    assert!(out.contains("promptcost: 1 prompt file, "), "{out}");

    // The human summary: plural forms, totals equal to the sum of the file rows.
    let o = run(root, &[]);
    let out = stdout(&o);
    assert!(out.contains("\n2 files, "), "{out}");
    assert!(out.contains("2 violations."), "{out}");
}

#[test]
fn config_flag_resolves_the_same_way_for_count_and_check() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("conf/notes")).unwrap();
    std::fs::write(
        root.join("conf/promptcost.toml"),
        "models = [\"gpt-4o\"]\ninclude = [\"notes/*.txt\"]\n",
    )
    .unwrap();
    std::fs::write(root.join("conf/notes/a.txt"), "Answer in one sentence.\n").unwrap();
    let count = Command::new(bin())
        .current_dir(root)
        .args([
            "count",
            "--config",
            "conf/promptcost.toml",
            "--json",
            "conf/notes/a.txt",
        ])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&count.stdout).unwrap();
    assert_eq!(v["models"][0]["model"], "gpt-4o", "{v}");
    assert_eq!(v["models"].as_array().unwrap().len(), 1);
    // check: the include glob is relative to the config file's folder, as when discovered.
    let o = run(
        root,
        &["--config", "conf/promptcost.toml", "--format", "json"],
    );
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["models"], serde_json::json!(["gpt-4o"]));
    assert!(
        v["prompts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["path"] == "conf/notes/a.txt"),
        "{v}"
    );
}

/// Every key of a pretty-printed JSON document as a dotted path (array elements add no
/// name), in the order of first appearance.
fn key_outline(pretty: &str) -> Vec<String> {
    let mut stack: Vec<(usize, String)> = Vec::new();
    let mut out: Vec<String> = Vec::new();
    for line in pretty.lines() {
        let indent = line.len() - line.trim_start().len();
        let Some(rest) = line.trim_start().strip_prefix('"') else {
            continue;
        };
        let Some((key, _)) = rest.split_once("\": ") else {
            continue;
        };
        while stack.last().is_some_and(|(i, _)| *i >= indent) {
            stack.pop();
        }
        stack.push((indent, key.to_string()));
        let path = stack
            .iter()
            .map(|(_, k)| k.as_str())
            .collect::<Vec<_>>()
            .join(".");
        if !out.contains(&path) {
            out.push(path);
        }
    }
    out
}

/// The JSON's field names and their order are the format (the schema checks names only).
#[cfg(unix)]
#[test]
fn json_field_names_and_order_are_the_format() {
    let dir = fixture();
    let d = dir.path();
    std::os::unix::fs::symlink("AGENTS.md", d.join("CLAUDE.md")).unwrap();
    std::fs::write(d.join("prompts/bin.md"), b"# Bin\n\0\0").unwrap();
    let o = run(
        d,
        &["--base", "HEAD", "--max-growth", "1", "--format", "json"],
    );
    let text = stdout(&o);
    let outline = key_outline(&text);
    let expected = [
        "version",
        "tool",
        "tool.name",
        "tool.version",
        "snapshot_date",
        "models",
        "base",
        "max_growth",
        "summary",
        "summary.files",
        "summary.prompts",
        "summary.violations",
        "summary.skipped",
        "summary.tokens",
        "summary.input_cost_usd",
        "context",
        "context.agent",
        "context.name",
        "context.tokens",
        "context.budget_model",
        "context.models",
        "context.models.model",
        "context.models.encoding",
        "context.models.tokenizer",
        "context.models.tokens",
        "context.models.exact",
        "context.models.error_pct",
        "context.models.input_cost_usd",
        "context.models.cached_input_cost_usd",
        "context.models.context_window",
        "context.models.context_share",
        "context.budget",
        "context.status",
        "context.base",
        "context.base.state",
        "context.base.tokens",
        "context.base.change",
        "context.base.change_pct",
        "context.files",
        "context.files.path",
        "context.files.real",
        "context.files.via",
        "context.files.tokens",
        "context.problems",
        "prompts",
        "prompts.path",
        "prompts.kind",
        "prompts.name",
        "prompts.start",
        "prompts.start.line",
        "prompts.start.column",
        "prompts.end",
        "prompts.end.line",
        "prompts.end.column",
        "prompts.budget",
        "prompts.budget_model",
        "prompts.status",
        "prompts.models",
        "prompts.models.model",
        "prompts.models.encoding",
        "prompts.models.tokenizer",
        "prompts.models.tokens",
        "prompts.models.exact",
        "prompts.models.error_pct",
        "prompts.models.input_cost_usd",
        "prompts.models.cached_input_cost_usd",
        "prompts.models.context_window",
        "prompts.models.context_share",
        "prompts.placeholders",
        "prompts.base",
        "prompts.base.state",
        "prompts.base.tokens",
        "prompts.base.change",
        "prompts.base.change_pct",
        "prompts.cost",
        "prompts.cost.model",
        "prompts.cost.output_tokens",
        "prompts.cost.output_source",
        "prompts.cost.per_call_usd",
        "prompts.cost.calls_per_day",
        "prompts.cost.daily_usd",
        "prompts.cost.monthly_usd",
        "prompts.cost.budget_usd",
        "prompts.cost.monthly_budget_usd",
        "prompts.cost.base_per_call_usd",
        "deleted",
        "deleted.path",
        "deleted.kind",
        "deleted.name",
        "deleted.base_tokens",
        "violations",
        "violations.path",
        "violations.start",
        "violations.start.line",
        "violations.start.column",
        "violations.end",
        "violations.end.line",
        "violations.end.column",
        "violations.rule",
        "violations.severity",
        "violations.message",
        "skipped",
        "skipped.path",
        "skipped.reason",
    ];
    assert_eq!(outline, expected, "{text}");
}
