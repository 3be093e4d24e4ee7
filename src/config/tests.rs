//! Loading, precedence and located errors of the configuration.

use super::*;
use crate::pricing::Provider;

/// The editors send the server the files it would annotate: VS Code's document selector
/// lists exactly the default prompt-file globs, and Neovim's config every code language.
#[test]
fn editors_agree_with_the_default_prompt_files_and_languages() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let ts = std::fs::read_to_string(root.join("editors/vscode/src/selector.ts")).unwrap();
    let list = ts
        .split("PROMPT_FILE_PATTERNS: readonly string[] = [")
        .nth(1)
        .and_then(|t| t.split("];").next())
        .expect("PROMPT_FILE_PATTERNS in selector.ts");
    let vscode: Vec<&str> = list.split('\'').skip(1).step_by(2).collect();
    assert_eq!(vscode, DEFAULT_INCLUDE, "editors/vscode/src/selector.ts");
    let lua = std::fs::read_to_string(root.join("editors/nvim/lsp/promptcost.lua")).unwrap();
    // YAML prompt files: by path in both editors, never every `yaml` document
    let quoted = |list: &str| -> Vec<String> {
        list.split('\'')
            .skip(1)
            .step_by(2)
            .map(String::from)
            .collect()
    };
    let yaml_ts = ts
        .split("YAML_PROMPT_FILE_PATTERNS: readonly string[] = [")
        .nth(1)
        .and_then(|t| t.split("];").next())
        .expect("YAML_PROMPT_FILE_PATTERNS in selector.ts");
    let yaml_lua = lua
        .split("local yaml_prompt_files = {")
        .nth(1)
        .and_then(|t| t.split("\n}").next())
        .expect("yaml_prompt_files in promptcost.lua");
    let server = crate::extract::code::YAML_PROMPT_FILES;
    assert_eq!(quoted(yaml_ts), server, "selector.ts YAML patterns");
    assert_eq!(quoted(yaml_lua), server, "promptcost.lua YAML patterns");
    assert!(lua.contains("'yaml'"), "Neovim filetypes lack yaml");
    for lang in [
        "python",
        "typescript",
        "typescriptreact",
        "javascript",
        "javascriptreact",
        "rust",
        "go",
    ] {
        assert!(
            lua.contains(&format!("'{lang}'")),
            "Neovim filetypes lack {lang}"
        );
        assert!(
            ts.contains(&format!("'{lang}'")),
            "VS Code languages lack {lang}"
        );
        assert!(
            crate::extract::code::Lang::from_language_id(lang).is_some(),
            "the server does not know {lang}"
        );
    }
}

fn load(text: &str) -> Result<Settings, ConfigError> {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(CONFIG_FILE);
    std::fs::write(&p, text).unwrap();
    Settings::load(dir.path(), Some(&p), &Overrides::default())
}

#[test]
fn defaults_put_an_exact_openai_model_first() {
    let s = Settings::defaults(Path::new("/w"));
    assert_eq!(s.models.len(), 3);
    assert!(s.models.primary().counting.is_exact());
    let ids = |ms: Vec<&crate::pricing::Model>| ms.iter().map(|m| m.id.clone()).collect::<Vec<_>>();
    let all = ids(s.models.iter().collect());
    assert_eq!(
        ids(s.models.for_prompt(None)),
        all,
        "no model of its own: the primary first"
    );
    let second = s.models[1].clone();
    let got = ids(s.models.for_prompt(Some(&second)));
    assert_eq!(
        got,
        vec![all[1].clone(), all[0].clone(), all[2].clone()],
        "its own first, once"
    );
    let table = crate::pricing::PriceTable::embedded();
    let other = table.resolve("gpt-4.1-mini").unwrap();
    assert_eq!(
        ids(s.models.for_prompt(Some(other))).len(),
        4,
        "an unconfigured model is added"
    );
    assert!(ModelSet::new(vec![]).is_none());
    assert_eq!(s.models[1].provider, Provider::Anthropic);
    assert_eq!(s.models[2].provider, Provider::Gemini);
}

#[test]
fn default_globs_match_prompt_files_only() {
    let s = Settings::defaults(Path::new("/w"));
    for p in [
        "/w/a.prompt",
        "/w/x/b.prompty",
        "/w/AGENTS.md",
        "/w/sub/CLAUDE.md",
        "/w/prompts/x/y.md",
        "/w/.github/copilot-instructions.md",
        "/w/.cursor/rules/r.mdc",
        "/w/.cursorrules",
        "/w/s.prompt.md",
    ] {
        assert!(s.is_prompt_file(Path::new(p)), "{p}");
    }
    for p in ["/w/README.md", "/w/src/main.rs", "/w/docs/prompts.md"] {
        assert!(!s.is_prompt_file(Path::new(p)), "{p}");
    }
}

#[test]
fn full_config_loads() {
    let s = load(
        "models = [\"gpt-4o\", \"claude-sonnet-4-5\"]\nbudget = 2000\nexpected_output_tokens = 100\n\
         include = [\"docs/**/*.md\"]\nexclude = [\"**/vendor/**\"]\n[budgets]\n\"AGENTS.md\" = 3000\n\
         \"prompts/**\" = 1500\n[code]\nenabled = false\n",
    )
    .unwrap();
    assert_eq!(s.models[0].id, "gpt-4o");
    assert_eq!(s.budget_for(&s.root.join("AGENTS.md")), Some(3000));
    assert_eq!(s.budget_for(&s.root.join("prompts/a.md")), Some(1500));
    assert_eq!(s.budget_for(&s.root.join("x.prompt")), Some(2000));
    assert!(s.is_prompt_file(&s.root.join("docs/a/b.md")));
    assert!(!s.is_prompt_file(&s.root.join("vendor/AGENTS.md")));
    assert!(!s.code_enabled);
    assert_eq!(s.expected_output_tokens, 100);
}

#[test]
fn errors_name_line_column_and_key() {
    let e = load("budget = 10\nmodles = [\"gpt-4o\"]\n").unwrap_err();
    assert_eq!((e.line, e.column), (2, 1), "{e}");
    assert!(e.message.contains("unknown field `modles`"), "{e}");
    let e = load("models = [\"gpt-4o\", \"gpt4o\"]\n").unwrap_err();
    assert_eq!((e.line, e.column), (1, 21), "{e}");
    assert!(
        e.to_string().contains(
            "promptcost.toml:1:21: key `models`: unknown model 'gpt4o'; did you mean 'gpt-4o'?"
        ),
        "{e}"
    );
    let e = load("budget = \"lots\"\n").unwrap_err();
    assert_eq!(e.line, 1, "{e}");
    let e = load("[budgets]\n\"a/[\" = 5\n").unwrap_err();
    assert!(e.message.contains("budgets"), "{e}");
    let e = load("[code]\nname_pattern = \"(\"\n").unwrap_err();
    assert!(
        e.message.contains("code.name_pattern") && e.line == 2,
        "{e}"
    );
    let e = load("budget = 0\n").unwrap_err();
    assert!(e.message.contains("positive"), "{e}");
}

#[test]
fn context_budgets_load_and_name_their_agents() {
    let s = load("[context]\nbudget = 8000\nagents = [\"claude\", \"codex\"]\n[context.budgets]\nclaude-code = 12000\n").unwrap();
    assert_eq!(s.context.budget_for("claude-code"), Some(12000));
    assert_eq!(s.context.budget_for("codex"), Some(8000));
    assert_eq!(
        s.context.agents.as_deref(),
        Some(&["claude-code".to_string(), "codex".to_string()][..])
    );
    let e = load("[context]\nagents = [\"claude-cod\"]\n").unwrap_err();
    assert!(
        e.line == 2 && e.message.contains("did you mean 'claude-code'"),
        "{e}"
    );
    let e = load("[context.budgets]\ncursor = 0\n").unwrap_err();
    assert!(
        e.message.contains("context.budgets.cursor") && e.message.contains("positive"),
        "{e}"
    );
    assert!(load("[context]\nbudgett = 1\n")
        .unwrap_err()
        .message
        .contains("unknown field"));
}

#[test]
fn cost_keys_load_and_bad_ones_are_located() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("runs.jsonl"),
        "{\"model\":\"gpt-4o\",\"usage\":{\"prompt_tokens\":900,\"completion_tokens\":250}}\n",
    )
    .unwrap();
    let p = dir.path().join(CONFIG_FILE);
    std::fs::write(
        &p,
        "cache_hit = \"80%\"\ncache_ttl = \"1h\"\nturns = 20\nbudget_usd = 0.05\nusage = \"runs.jsonl\"\n\
         expected_reasoning_tokens = 100\n[volume]\n\"prompts/**\" = 10000\n[monthly_budget_usd]\n\"**\" = 250.5\n",
    )
    .unwrap();
    let s = Settings::load(dir.path(), Some(&p), &Overrides::default()).unwrap();
    let c = &s.cost;
    assert_eq!(
        c.cache,
        Some(crate::cost::Cache {
            hit: 0.8,
            ttl: crate::cost::Ttl::OneHour
        })
    );
    assert_eq!(
        (c.turns, c.budget_usd, c.reasoning_tokens),
        (Some(20), Some(0.05), 100)
    );
    assert_eq!(
        crate::cost::by_glob(&c.volume, Path::new("prompts/a.md")),
        Some(10_000.0)
    );
    assert_eq!(
        crate::cost::by_glob(&c.monthly_budgets, Path::new("x.prompt")),
        Some(250.5)
    );
    assert_eq!(c.usage_output, vec![("gpt-4o".to_string(), 250.0, 1)]);
    for (bad, key) in [
        ("cache_hit = 1.5\n", "cache_hit"),
        ("cache_ttl = \"2h\"\n", "cache_ttl"),
        ("turns = 0\n", "turns"),
        ("budget_usd = -1\n", "budget_usd"),
        ("[volume]\n\"a\" = 0\n", "volume"),
        ("usage = \"../x.jsonl\"\n", "usage"),
    ] {
        std::fs::write(&p, bad).unwrap();
        let e = Settings::load(dir.path(), Some(&p), &Overrides::default()).unwrap_err();
        assert!(e.message.contains(key) && e.line >= 1, "{bad}: {e}");
    }
}

#[test]
fn project_price_file_must_stay_inside_the_project() {
    let outer = tempfile::tempdir().unwrap();
    let project = outer.path().join("project");
    std::fs::create_dir(&project).unwrap();
    std::fs::write(outer.path().join("prices.json"), "{}").unwrap();
    std::fs::write(project.join("prices.json"), "{}").unwrap();
    for bad in [
        "../prices.json",
        &outer.path().join("prices.json").display().to_string(),
    ] {
        let cfg = project.join("promptcost.toml");
        std::fs::write(&cfg, format!("prices = {bad:?}\n")).unwrap();
        let e = Settings::load(&project, Some(&cfg), &Overrides::default()).unwrap_err();
        assert!(e.to_string().contains("is outside this project"), "{e}");
    }
    let cfg = project.join("promptcost.toml");
    std::fs::write(&cfg, "prices = \"prices.json\"\n").unwrap();
    Settings::load(&project, Some(&cfg), &Overrides::default()).unwrap();
    // The user may name any file (editor setting or flag).
    let o = Overrides {
        prices_file: Some(outer.path().join("prices.json").display().to_string()),
        ..Default::default()
    };
    Settings::load(&project, Some(&cfg), &o).unwrap();
}

#[test]
fn overrides_win_and_ignore_unknown_editor_keys() {
    let o = Overrides::from_json(
        &serde_json::json!({"models": ["gpt-4o"], "budget": 5, "trace": {"server": "off"}}),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(CONFIG_FILE);
    std::fs::write(&p, "models = [\"claude-sonnet-4-5\"]\nbudget = 100\n").unwrap();
    let s = Settings::load(dir.path(), Some(&p), &o).unwrap();
    assert_eq!(s.models[0].id, "gpt-4o");
    assert_eq!(s.budget, Some(5));
    let o = Overrides::from_json(&serde_json::json!({"models": []})).unwrap();
    assert_eq!(o.models, None, "an empty list means not set");
    assert!(Overrides::from_json(&serde_json::json!({"budget": "x"})).is_err());
}
