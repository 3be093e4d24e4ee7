//! The tree-sitter queries (`src/queries/*.scm`), compiled once per process, and their
//! approved capture names. Never decides what a capture means.

use std::sync::LazyLock;

use tree_sitter::Query;

use super::lang::Lang;

/// The only capture names the queries may use (`src/queries/README.md`).
/// Names starting with `_` are helpers for `#eq?`/`#match?` predicates only.
pub const APPROVED_CAPTURES: &[&str] = &[
    "comment",
    "name",
    "value",
    "name.list",
    "value.list",
    "sdk.call",
    "sdk.role_message",
    "sdk.template",
    "sdk.messages",
    "sdk.message",
    "tagged",
    "docstring.body",
    "jsx.attribute",
    "prose",
    "function",
    "_method",
    "_ctor",
    "_tag",
    "_key",
    "_fn",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cap {
    Comment,
    Name,
    Value,
    NameList,
    ValueList,
    SdkCall,
    SdkRoleMessage,
    SdkTemplate,
    SdkMessages,
    SdkMessage,
    Tagged,
    DocstringBody,
    JsxAttribute,
    Prose,
    Function,
    Helper,
}

pub(crate) fn cap_of(name: &str) -> Option<Cap> {
    Some(match name {
        "comment" => Cap::Comment,
        "name" => Cap::Name,
        "value" => Cap::Value,
        "name.list" => Cap::NameList,
        "value.list" => Cap::ValueList,
        "sdk.call" => Cap::SdkCall,
        "sdk.role_message" => Cap::SdkRoleMessage,
        "sdk.template" => Cap::SdkTemplate,
        "sdk.messages" => Cap::SdkMessages,
        "sdk.message" => Cap::SdkMessage,
        "tagged" => Cap::Tagged,
        "docstring.body" => Cap::DocstringBody,
        "jsx.attribute" => Cap::JsxAttribute,
        "prose" => Cap::Prose,
        "function" => Cap::Function,
        "_method" | "_ctor" | "_tag" | "_key" | "_fn" => Cap::Helper,
        _ => return None,
    })
}

pub(crate) struct LangQuery {
    pub(crate) query: Query,
    pub(crate) caps: Vec<Cap>,
}

/// A language's query that does not compile or uses a capture that is not approved.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum QueryError {
    /// Tree-sitter's message (syntax, unknown node or field).
    #[error("{lang} query: {message}")]
    Compile { lang: &'static str, message: String },
    #[error("{lang} query: capture @{capture} is not approved")]
    Unapproved { lang: &'static str, capture: String },
}

/// Compiles a language's query and checks its capture names.
pub(crate) fn compile_query(lang: Lang) -> Result<LangQuery, QueryError> {
    let query =
        Query::new(&lang.ts_language(), &lang.query_source()).map_err(|e| QueryError::Compile {
            lang: lang.name(),
            message: e.to_string(),
        })?;
    let mut caps = Vec::new();
    for name in query.capture_names() {
        match cap_of(name) {
            Some(c) if APPROVED_CAPTURES.contains(name) => caps.push(c),
            _ => {
                return Err(QueryError::Unapproved {
                    lang: lang.name(),
                    capture: name.to_string(),
                })
            }
        }
    }
    Ok(LangQuery { query, caps })
}

pub(crate) static Q_PY: LazyLock<Result<LangQuery, QueryError>> =
    LazyLock::new(|| compile_query(Lang::Python));
pub(crate) static Q_TS: LazyLock<Result<LangQuery, QueryError>> =
    LazyLock::new(|| compile_query(Lang::TypeScript));
pub(crate) static Q_TSX: LazyLock<Result<LangQuery, QueryError>> =
    LazyLock::new(|| compile_query(Lang::Tsx));
pub(crate) static Q_JS: LazyLock<Result<LangQuery, QueryError>> =
    LazyLock::new(|| compile_query(Lang::JavaScript));
pub(crate) static Q_RS: LazyLock<Result<LangQuery, QueryError>> =
    LazyLock::new(|| compile_query(Lang::Rust));
pub(crate) static Q_GO: LazyLock<Result<LangQuery, QueryError>> =
    LazyLock::new(|| compile_query(Lang::Go));
pub(crate) static Q_YAML: LazyLock<Result<LangQuery, QueryError>> =
    LazyLock::new(|| compile_query(Lang::Yaml));

pub(crate) fn lang_query(lang: Lang) -> &'static Result<LangQuery, QueryError> {
    match lang {
        Lang::Python => &Q_PY,
        Lang::TypeScript => &Q_TS,
        Lang::Tsx => &Q_TSX,
        Lang::JavaScript => &Q_JS,
        Lang::Rust => &Q_RS,
        Lang::Go => &Q_GO,
        Lang::Yaml => &Q_YAML,
    }
}

/// Compiles (once; cached for the process) and checks the query of `lang`:
/// `Err` names the language and the problem (syntax, unknown node, unapproved capture).
pub fn check_query(lang: Lang) -> Result<(), QueryError> {
    lang_query(lang).as_ref().map(|_| ()).map_err(Clone::clone)
}

/// The capture names `lang`'s query uses (empty if it does not compile).
pub fn query_capture_names(lang: Lang) -> Vec<String> {
    match lang_query(lang) {
        Ok(q) => q
            .query
            .capture_names()
            .iter()
            .map(|s| s.to_string())
            .collect(),
        Err(_) => Vec::new(),
    }
}
