//! The language table: one row per language (name, LSP ids, extensions, grammar, query,
//! dialect). Adding a language is one row here, one dialect file and one query.
//! Never holds extraction logic.

use std::path::Path;

use tree_sitter::Language;

/// A source language whose string literals can hold prompts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    Python,
    TypeScript,
    Tsx,
    JavaScript,
    Rust,
    Go,
    /// YAML prompt files only (`*.prompt.yml`, `prompts/**/*.yaml`: [`YAML_PROMPT_FILES`]).
    Yaml,
}

/// The dialect (resolver, unescape and format rules): TypeScript, TSX and JavaScript share one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Family {
    Py,
    Js,
    Rs,
    Go,
    Yaml,
}

/// One language's facts.
pub(crate) struct Row {
    pub lang: Lang,
    pub name: &'static str,
    pub ids: &'static [&'static str],
    pub exts: &'static [&'static str],
    pub grammar: fn() -> Language,
    /// Query files, concatenated; `ecma.scm` blocks marked `; @only <name>` keep to their grammar.
    pub queries: &'static [&'static str],
    pub family: Family,
}

const PY: &str = include_str!("../../queries/python.scm");
const ECMA: &str = include_str!("../../queries/ecma.scm");
const JSX: &str = include_str!("../../queries/jsx.scm");
const RS: &str = include_str!("../../queries/rust.scm");
const GO: &str = include_str!("../../queries/go.scm");
const YAML: &str = include_str!("../../queries/yaml.scm");

/// The YAML files whose values can be prompts (matched against the path relative to the
/// root; every other YAML file, a CI workflow or a compose file, is never scanned). The
/// editors' file patterns mirror this list (a test in `config.rs` keeps them equal).
pub const YAML_PROMPT_FILES: &[&str] = &[
    "**/*.prompt.yml",
    "**/*.prompt.yaml",
    "**/prompts/**/*.{yml,yaml}",
];

static YAML_GLOBS: std::sync::LazyLock<globset::GlobSet> = std::sync::LazyLock::new(|| {
    let mut b = globset::GlobSetBuilder::new();
    for g in YAML_PROMPT_FILES {
        b.add(globset::Glob::new(g).expect("valid glob"));
    }
    b.build().expect("valid globs")
});

#[rustfmt::skip]
pub(crate) const TABLE: [Row; 7] = [
    Row { lang: Lang::Python, name: "python", ids: &["python"], exts: &["py", "pyi"], grammar: || tree_sitter_python::LANGUAGE.into(), queries: &[PY], family: Family::Py },
    Row { lang: Lang::TypeScript, name: "typescript", ids: &["typescript"], exts: &["ts", "mts", "cts"], grammar: || tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(), queries: &[ECMA], family: Family::Js },
    Row { lang: Lang::Tsx, name: "tsx", ids: &["typescriptreact"], exts: &["tsx"], grammar: || tree_sitter_typescript::LANGUAGE_TSX.into(), queries: &[ECMA, JSX], family: Family::Js },
    Row { lang: Lang::JavaScript, name: "javascript", ids: &["javascript", "javascriptreact"], exts: &["js", "mjs", "cjs", "jsx"], grammar: || tree_sitter_javascript::LANGUAGE.into(), queries: &[ECMA, JSX], family: Family::Js },
    Row { lang: Lang::Rust, name: "rust", ids: &["rust"], exts: &["rs"], grammar: || tree_sitter_rust::LANGUAGE.into(), queries: &[RS], family: Family::Rs },
    Row { lang: Lang::Go, name: "go", ids: &["go"], exts: &["go"], grammar: || tree_sitter_go::LANGUAGE.into(), queries: &[GO], family: Family::Go },
    // no LSP ids: a `yaml` document is scanned only when its path is a YAML prompt file
    Row { lang: Lang::Yaml, name: "yaml", ids: &[], exts: &["yml", "yaml"], grammar: || tree_sitter_yaml::LANGUAGE.into(), queries: &[YAML], family: Family::Yaml },
];

impl Lang {
    /// Every supported language.
    pub const ALL: [Lang; 7] = [
        Lang::Python,
        Lang::TypeScript,
        Lang::Tsx,
        Lang::JavaScript,
        Lang::Rust,
        Lang::Go,
        Lang::Yaml,
    ];

    fn row(self) -> &'static Row {
        TABLE
            .iter()
            .find(|r| r.lang == self)
            .expect("every language has a row")
    }

    /// By file extension (case-insensitive): `.py .pyi .ts .mts .cts .tsx .js .mjs .cjs .jsx
    /// .rs .go`. Declaration files (`.d.ts`, `.d.mts`, `.d.cts`) and minified bundles
    /// (`.min.js`) hold no prompts: `None`. `.yml` / `.yaml` only for [`YAML_PROMPT_FILES`]
    /// (pass the path relative to the project root).
    pub fn from_path(path: &Path) -> Option<Lang> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        let stem = path.file_stem()?.to_str()?.to_ascii_lowercase();
        if stem.ends_with(".d") || stem.ends_with(".min") {
            return None;
        }
        TABLE
            .iter()
            .find(|r| r.exts.contains(&ext.as_str()))
            .map(|r| r.lang)
            .filter(|&l| l != Lang::Yaml || YAML_GLOBS.is_match(path))
    }

    /// By LSP `languageId`: `python`, `typescript`, `typescriptreact`,
    /// `javascript`, `javascriptreact`, `rust`, `go`.
    pub fn from_language_id(id: &str) -> Option<Lang> {
        TABLE.iter().find(|r| r.ids.contains(&id)).map(|r| r.lang)
    }

    /// Short lowercase name (`python`, `typescript`, `tsx`, `javascript`, `rust`, `go`, `yaml`).
    pub fn name(self) -> &'static str {
        self.row().name
    }

    /// The tree-sitter grammar.
    pub(crate) fn ts_language(self) -> Language {
        (self.row().grammar)()
    }

    /// The query text used for this language (`src/queries/*.scm`), with the `; @only`
    /// blocks of other grammars left out.
    pub(crate) fn query_source(self) -> String {
        let row = self.row();
        // TSX is TypeScript with JSX: it takes the TypeScript blocks.
        let grammar = if self == Lang::Tsx {
            "typescript"
        } else {
            row.name
        };
        let mut out = String::new();
        for q in row.queries {
            let mut keep = true;
            for line in q.lines() {
                if let Some(only) = line.trim().strip_prefix("; @only ") {
                    keep = only.split_whitespace().any(|g| g == grammar);
                    continue;
                }
                if line.trim() == "; @end" {
                    keep = true;
                    continue;
                }
                if keep {
                    out.push_str(line);
                }
                out.push('\n');
            }
        }
        out
    }

    pub(crate) fn family(self) -> Family {
        self.row().family
    }
}
