//! Prompts in source code: string expressions that an LLM program sends, found with
//! tree-sitter in Python, TypeScript/TSX, JavaScript/JSX, Rust and Go, and the values of
//! YAML prompt files (`*.prompt.yml`, `prompts/**/*.yaml`).
//!
//! Owns the facade of extraction from code; never counts tokens or prices.
//!
//! A string expression is a prompt when (README "Prompts in code"):
//! 1. an explicit tag says so: a comment that *is* a tag (`# prompt`, `// promptcost: prompt`,
//!    `/* prompt */`, any `promptcost:` directive) or a `` prompt`...` `` tagged template;
//! 2. it is bound to a name matching [`CodeRules::name_pattern`] and reads as
//!    natural-language text ([`rules`]);
//! 3. it is a prompt argument of a known SDK or framework call (`src/queries/frameworks.toml`),
//!    or a role/content message in any container;
//! 4. it reads as prose in a file that imports an LLM SDK or framework (or a prompt module),
//!    outside contexts that are never prompts (keys, comparisons, descriptions, help texts).
//!
//! `promptcost: ignore` excludes the literal(s) of the next statement.
//!
//! | module | owns |
//! |---|---|
//! | `lang` | the language table, one row per language |
//! | `query` | the `.scm` queries and their capture names |
//! | `source` | the parsed file and incremental re-parse |
//! | `rules` | the user's rules and the literal judgement |
//! | `select` | candidates from captures, dedupe, the result |
//! | `tags` | comment tags and directives |
//! | `sdk` | the frameworks data file, message structures, call models and tools |
//! | `json` | literals as JSON (tool definitions) |
//! | `tree` | tree-sitter node helpers |
//! | `template` | resolved values and their placeholders |
//! | `dialect/*` | per language: string expressions, unescape, format rules |

mod calls;
mod dialect;
mod facts;
mod functions;
mod json;
mod lang;
mod messages;
mod parts;
mod query;
mod rules;
mod sdk;
mod select;
mod sites;
mod source;
mod tags;
mod template;
mod tree;

pub use dialect::ecma::{html_unescape, js_unescape};
pub use dialect::go::go_unescape;
pub use dialect::python::{py_cleandoc, py_dedent, py_unescape};
pub use dialect::rust::rust_unescape;
pub use lang::{Lang, YAML_PROMPT_FILES};
pub use query::{check_query, query_capture_names, QueryError, APPROVED_CAPTURES};
pub use rules::{CodeRules, CompiledRules, RulesError, DEFAULT_NAME_PATTERN};
pub use sdk::{frameworks_check, FrameworksError};
pub use source::{extract, input_edit, SourceFile};
pub use template::{brace_fields, go_verbs, percent_fields};

use std::ops::Range;

/// Why a literal was taken as a prompt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reason {
    /// A tag comment, a `promptcost:` directive, or a `` prompt`...` `` tagged template.
    Tag,
    /// Bound to a name matching the name pattern (or a member of a prompt class / module).
    Name,
    /// An argument of a known SDK / framework call, or a role/content message.
    Sdk,
    /// Prose (several words, sentence-like) in a file that uses an LLM SDK or framework.
    Prose,
    /// Text a function puts into a local variable that one of its prompts then uses
    /// (`task_context = f"Task: {t}"` before `f"...{task_context}..."`).
    Part,
}

/// Where a prompt's model comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ModelSource {
    /// A `promptcost: model=M` directive.
    Directive,
    /// The `model` argument of the call that sends the prompt.
    Call,
    /// The file's own `model:` (a YAML prompt file: GitHub Models, Semantic Kernel).
    File,
}

/// A prompt found in source code.
#[derive(Clone, Debug, PartialEq)]
pub struct CodePrompt {
    /// Variable / field / key / kwarg name; for SDK arguments a path such as
    /// `messages[0].content` or `system`; `prompt@L<line>` for an unnamed tagged literal.
    pub name: String,
    /// Byte range of the whole prompt expression (all parts, quotes, wrappers).
    pub range: Range<usize>,
    /// The text as the program sends it (same-file constants resolved; other
    /// interpolations kept as written).
    pub value: String,
    /// Interpolations / format fields as written: `{user}`, `${name}`, `{}`, `%s`.
    pub placeholders: Vec<String>,
    /// From a `promptcost: budget=N` directive.
    pub budget: Option<u64>,
    /// From a `promptcost: model=M` directive, else the call's `model=` argument.
    pub model: Option<String>,
    /// Where [`CodePrompt::model`] comes from.
    pub model_source: Option<ModelSource>,
    /// Problems in the directive that applies to this prompt (`budget=0`, unknown keys).
    pub directive_errors: Vec<String>,
    /// The directive's cost keys (`output=`, `calls=`, `turns=`, dollar budgets, ...).
    pub cost: crate::cost::CostDirective,
    pub reason: Reason,
    /// The tool definitions of the call that sends it (`tools=[...]`, `functions=[...]`,
    /// `tools: {...}`), when its SDK signature names a tools argument and the call passes one.
    pub tools: Option<CallTools>,
    /// Its text is also inside another prompt's value (a top-level constant that prompt
    /// resolves, `"\n".join([INTRO, ...])`): shown on its own, counted once in a total.
    pub inside: bool,
}

/// The tools argument of a call (`frameworks.toml` `tools`), as JSON when it is a literal.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CallTools {
    /// Identifies the call (a hash of its text): the prompts of one call share its tools,
    /// and a file's total counts them once.
    pub call: u64,
    /// The definitions as JSON; `None` when the argument is not a literal (a variable from
    /// elsewhere, a function's result): then they are not counted.
    pub json: Option<String>,
    /// Some values were not literals (a zod schema, a call) and were left out: a count of
    /// the rest is an estimate.
    pub partial: bool,
}
