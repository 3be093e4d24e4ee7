//! Prompts in source code: string literals that an LLM program sends, found with
//! tree-sitter in Python, TypeScript/TSX, JavaScript/JSX, Rust and Go.
//!
//! A literal is a prompt when (see `src/queries/README.md` for the details):
//! 1. a comment tags it (`# prompt`, `// promptcost: budget=500 model=gpt-4o`,
//!    `/* prompt */` inline, JS/TS `` prompt`...` ``), or
//! 2. it is bound to a name matching [`CodeRules::name_pattern`], or
//! 3. it is an argument of a well-known LLM SDK call (OpenAI, Anthropic, Google
//!    Gen AI, LangChain) in Python or TypeScript/JavaScript.
//!
//! `promptcost: ignore` excludes the literal(s) of the next statement.
//!
//! [`CodePrompt::value`] is the text as the program sends it: escapes decoded,
//! adjacent / `+` literals concatenated, `dedent`/`cleandoc`/`strip` applied;
//! interpolations (`{x}`, `${x}`, `%s`) are kept as written and listed in
//! [`CodePrompt::placeholders`].

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::{ControlFlow, Range};
use std::path::Path;
use std::sync::LazyLock;

use regex::{Regex, RegexBuilder};
use tree_sitter::{
    InputEdit, Language, Node, ParseOptions, ParseState, Parser, Point, Query, QueryCursor,
    StreamingIterator, Tree,
};

// ---------------------------------------------------------------------------
// Languages
// ---------------------------------------------------------------------------

/// A source language whose string literals can hold prompts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    Python,
    TypeScript,
    Tsx,
    JavaScript,
    Rust,
    Go,
}

/// Grammar family: TypeScript, TSX and JavaScript share one resolver.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Family {
    Py,
    Js,
    Rs,
    Go,
}

impl Lang {
    /// Every supported language.
    pub const ALL: [Lang; 6] = [
        Lang::Python,
        Lang::TypeScript,
        Lang::Tsx,
        Lang::JavaScript,
        Lang::Rust,
        Lang::Go,
    ];

    /// By file extension: `.py .pyi .ts .mts .cts .tsx .js .mjs .cjs .jsx .rs .go`
    /// (case-insensitive). `.d.ts` files are TypeScript too.
    pub fn from_path(path: &Path) -> Option<Lang> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "py" | "pyi" => Lang::Python,
            "ts" | "mts" | "cts" => Lang::TypeScript,
            "tsx" => Lang::Tsx,
            "js" | "mjs" | "cjs" | "jsx" => Lang::JavaScript,
            "rs" => Lang::Rust,
            "go" => Lang::Go,
            _ => return None,
        })
    }

    /// By LSP `languageId`: `python`, `typescript`, `typescriptreact`,
    /// `javascript`, `javascriptreact`, `rust`, `go`.
    pub fn from_language_id(id: &str) -> Option<Lang> {
        Some(match id {
            "python" => Lang::Python,
            "typescript" => Lang::TypeScript,
            "typescriptreact" => Lang::Tsx,
            "javascript" | "javascriptreact" => Lang::JavaScript,
            "rust" => Lang::Rust,
            "go" => Lang::Go,
            _ => return None,
        })
    }

    /// Short lowercase name (`python`, `typescript`, `tsx`, `javascript`, `rust`, `go`).
    pub fn name(self) -> &'static str {
        match self {
            Lang::Python => "python",
            Lang::TypeScript => "typescript",
            Lang::Tsx => "tsx",
            Lang::JavaScript => "javascript",
            Lang::Rust => "rust",
            Lang::Go => "go",
        }
    }

    /// The tree-sitter grammar.
    pub fn ts_language(self) -> Language {
        match self {
            Lang::Python => tree_sitter_python::LANGUAGE.into(),
            Lang::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Lang::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
            Lang::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            Lang::Rust => tree_sitter_rust::LANGUAGE.into(),
            Lang::Go => tree_sitter_go::LANGUAGE.into(),
        }
    }

    /// The query text used for this language (`src/queries/*.scm`).
    pub fn query_source(self) -> String {
        match self {
            Lang::Python => PY_QUERY.to_string(),
            Lang::TypeScript => TS_QUERY.to_string(),
            Lang::Tsx => format!("{TS_QUERY}\n{JSX_QUERY}"),
            Lang::JavaScript => format!("{JS_QUERY}\n{JSX_QUERY}"),
            Lang::Rust => RS_QUERY.to_string(),
            Lang::Go => GO_QUERY.to_string(),
        }
    }

    fn family(self) -> Family {
        match self {
            Lang::Python => Family::Py,
            Lang::TypeScript | Lang::Tsx | Lang::JavaScript => Family::Js,
            Lang::Rust => Family::Rs,
            Lang::Go => Family::Go,
        }
    }
}

const PY_QUERY: &str = include_str!("../queries/python.scm");
const TS_QUERY: &str = include_str!("../queries/typescript.scm");
const JS_QUERY: &str = include_str!("../queries/javascript.scm");
const JSX_QUERY: &str = include_str!("../queries/jsx.scm");
const RS_QUERY: &str = include_str!("../queries/rust.scm");
const GO_QUERY: &str = include_str!("../queries/go.scm");

/// The only capture names the queries may use (`src/queries/README.md`).
/// Names starting with `_` are helpers for `#eq?`/`#match?` predicates only.
pub const APPROVED_CAPTURES: &[&str] = &[
    "comment",
    "name",
    "value",
    "name.list",
    "value.list",
    "sdk.callee",
    "sdk.keyword",
    "sdk.value",
    "sdk.template",
    "sdk.messages",
    "sdk.message",
    "tagged",
    "docstring.body",
    "jsx.attribute",
    "_method",
    "_ctor",
    "_tag",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cap {
    Comment,
    Name,
    Value,
    NameList,
    ValueList,
    SdkCallee,
    SdkKeyword,
    SdkValue,
    SdkTemplate,
    SdkMessages,
    SdkMessage,
    Tagged,
    DocstringBody,
    JsxAttribute,
    Helper,
}

fn cap_of(name: &str) -> Option<Cap> {
    Some(match name {
        "comment" => Cap::Comment,
        "name" => Cap::Name,
        "value" => Cap::Value,
        "name.list" => Cap::NameList,
        "value.list" => Cap::ValueList,
        "sdk.callee" => Cap::SdkCallee,
        "sdk.keyword" => Cap::SdkKeyword,
        "sdk.value" => Cap::SdkValue,
        "sdk.template" => Cap::SdkTemplate,
        "sdk.messages" => Cap::SdkMessages,
        "sdk.message" => Cap::SdkMessage,
        "tagged" => Cap::Tagged,
        "docstring.body" => Cap::DocstringBody,
        "jsx.attribute" => Cap::JsxAttribute,
        "_method" | "_ctor" | "_tag" => Cap::Helper,
        _ => return None,
    })
}

struct LangQuery {
    query: Query,
    caps: Vec<Cap>,
}

/// Compiles a language's query and checks its capture names.
fn compile_query(lang: Lang) -> Result<LangQuery, String> {
    let query = Query::new(&lang.ts_language(), &lang.query_source())
        .map_err(|e| format!("{} query: {e}", lang.name()))?;
    let mut caps = Vec::new();
    for name in query.capture_names() {
        match cap_of(name) {
            Some(c) if APPROVED_CAPTURES.contains(name) => caps.push(c),
            _ => {
                return Err(format!(
                    "{} query: capture @{name} is not approved",
                    lang.name()
                ))
            }
        }
    }
    Ok(LangQuery { query, caps })
}

static Q_PY: LazyLock<Result<LangQuery, String>> = LazyLock::new(|| compile_query(Lang::Python));
static Q_TS: LazyLock<Result<LangQuery, String>> =
    LazyLock::new(|| compile_query(Lang::TypeScript));
static Q_TSX: LazyLock<Result<LangQuery, String>> = LazyLock::new(|| compile_query(Lang::Tsx));
static Q_JS: LazyLock<Result<LangQuery, String>> =
    LazyLock::new(|| compile_query(Lang::JavaScript));
static Q_RS: LazyLock<Result<LangQuery, String>> = LazyLock::new(|| compile_query(Lang::Rust));
static Q_GO: LazyLock<Result<LangQuery, String>> = LazyLock::new(|| compile_query(Lang::Go));

fn lang_query(lang: Lang) -> &'static Result<LangQuery, String> {
    match lang {
        Lang::Python => &Q_PY,
        Lang::TypeScript => &Q_TS,
        Lang::Tsx => &Q_TSX,
        Lang::JavaScript => &Q_JS,
        Lang::Rust => &Q_RS,
        Lang::Go => &Q_GO,
    }
}

/// Compiles (once; cached for the process) and checks the query of `lang`:
/// `Err` names the language and the problem (syntax, unknown node, unapproved capture).
pub fn check_query(lang: Lang) -> Result<(), String> {
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

// ---------------------------------------------------------------------------
// Rules
// ---------------------------------------------------------------------------

/// Which literals count as prompts (besides explicit tags, which always count).
#[derive(Clone, Debug)]
pub struct CodeRules {
    /// Regex matched case-insensitively, anywhere, against variable / constant /
    /// field / keyword-argument / object-key names. Empty disables the name rule.
    pub name_pattern: String,
    /// Detect arguments of well-known LLM SDK calls (Python, TypeScript/JavaScript).
    pub sdk_calls: bool,
    /// More keyword-argument / object-property names that hold prompts in calls
    /// (e.g. `"query"`), in addition to the built-in ones.
    pub extra_sdk_keywords: Vec<String>,
}

/// The default name pattern. `system_?message` also matches camelCase `systemMessage`.
pub const DEFAULT_NAME_PATTERN: &str = "prompt|template|instruction|instructions|system_?message";

impl Default for CodeRules {
    fn default() -> Self {
        CodeRules {
            name_pattern: DEFAULT_NAME_PATTERN.to_string(),
            sdk_calls: true,
            extra_sdk_keywords: Vec::new(),
        }
    }
}

impl CodeRules {
    /// Compiles the name regex; an invalid one gives a message naming the pattern.
    pub fn compile(&self) -> Result<CompiledRules, String> {
        let name_re = if self.name_pattern.trim().is_empty() {
            None
        } else {
            Some(
                RegexBuilder::new(&self.name_pattern)
                    .case_insensitive(true)
                    .size_limit(1 << 20)
                    .build()
                    .map_err(|e| format!("invalid name_pattern {:?}: {e}", self.name_pattern))?,
            )
        };
        let mut extra = Vec::new();
        for k in &self.extra_sdk_keywords {
            let k = k.trim();
            if k.is_empty() {
                return Err("extra_sdk_keywords: empty keyword".to_string());
            }
            extra.push(k.to_string());
        }
        Ok(CompiledRules {
            name_re,
            sdk_calls: self.sdk_calls,
            extra_sdk_keywords: extra,
        })
    }
}

/// [`CodeRules`] ready to use.
#[derive(Clone, Debug)]
pub struct CompiledRules {
    name_re: Option<Regex>,
    sdk_calls: bool,
    extra_sdk_keywords: Vec<String>,
}

impl CompiledRules {
    /// Whether `name` matches the name pattern.
    pub fn name_matches(&self, name: &str) -> bool {
        self.name_re.as_ref().is_some_and(|re| re.is_match(name))
    }
    /// Whether SDK call arguments are detected.
    pub fn sdk_calls(&self) -> bool {
        self.sdk_calls
    }
}

impl Default for CompiledRules {
    fn default() -> Self {
        CodeRules::default()
            .compile()
            .expect("the default rules compile")
    }
}

// ---------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------

/// Why a literal was taken as a prompt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reason {
    /// A `prompt` / `promptcost:` comment, or a `` prompt`...` `` tagged template.
    Tag,
    /// Bound to a name matching the name pattern.
    Name,
    /// An argument of a well-known SDK call.
    Sdk,
}

/// A prompt found in source code.
#[derive(Clone, Debug, PartialEq)]
pub struct CodePrompt {
    /// Variable / field / key / kwarg name; for SDK arguments a path such as
    /// `messages[0].content` or `system`; `prompt@L<line>` for an unnamed tagged literal.
    pub name: String,
    /// Byte range of the whole prompt expression (all parts, quotes, wrappers).
    pub range: Range<usize>,
    /// The text as the program sends it (interpolations kept as written).
    pub value: String,
    /// Interpolations / format fields as written: `{user}`, `${name}`, `{}`, `%s`.
    pub placeholders: Vec<String>,
    /// From a `promptcost: budget=N` directive.
    pub budget: Option<u64>,
    /// From a `promptcost: model=M` directive.
    pub model: Option<String>,
    pub reason: Reason,
}

// ---------------------------------------------------------------------------
// Parsed source files
// ---------------------------------------------------------------------------

/// A parsed source file (language + syntax tree), re-parsable incrementally.
#[derive(Clone, Debug)]
pub struct SourceFile {
    lang: Lang,
    tree: Option<Tree>,
    /// Byte ranges (new text) whose syntax changed in the last `edit`.
    changed: Vec<Range<usize>>,
}

fn new_parser(lang: Lang) -> Option<Parser> {
    let mut parser = Parser::new();
    parser.set_language(&lang.ts_language()).ok()?;
    Some(parser)
}

/// Parses with a work budget. The tree-sitter runtime (0.25 and 0.26) loops
/// forever on some broken TSX (e.g. `([<""]}P.f(c `, fixed in 0.27); its
/// progress callback runs about every 100 parse operations, and healthy parses
/// (even of random bytes) stay under 0.03 calls per byte, so `2000 + len/8`
/// calls only stops runaway parses. A stopped parse gives no tree (no prompts).
fn parse_bounded(parser: &mut Parser, text: &str, old: Option<&Tree>) -> Option<Tree> {
    let limit = 2_000 + text.len() / 8;
    let mut calls = 0usize;
    let mut progress = |_: &ParseState| {
        calls += 1;
        if calls > limit {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    let bytes = text.as_bytes();
    let tree = parser.parse_with_options(
        &mut |i, _| bytes.get(i..).unwrap_or(&[]),
        old,
        Some(ParseOptions::new().progress_callback(&mut progress)),
    );
    if tree.is_none() {
        parser.reset();
    }
    tree
}

impl SourceFile {
    /// Parses `text`. Never panics; any input gives a (possibly error-laden) tree.
    pub fn parse(lang: Lang, text: &str) -> SourceFile {
        let tree = new_parser(lang).and_then(|mut p| parse_bounded(&mut p, text, None));
        SourceFile {
            lang,
            tree,
            changed: Vec::new(),
        }
    }

    /// Incremental re-parse after an edit: `Tree::edit`, then parse `new_text`
    /// (the whole new document) reusing the old tree.
    pub fn edit(&mut self, edit: &InputEdit, new_text: &str) {
        let Some(mut parser) = new_parser(self.lang) else {
            self.tree = None;
            return;
        };
        let new_tree = match self.tree.as_mut() {
            Some(old) => {
                old.edit(edit);
                parse_bounded(&mut parser, new_text, Some(old))
            }
            None => parse_bounded(&mut parser, new_text, None),
        };
        self.changed = match (self.tree.as_ref(), new_tree.as_ref()) {
            (Some(old), Some(new)) => old
                .changed_ranges(new)
                .map(|r| r.start_byte..r.end_byte)
                .collect(),
            #[allow(clippy::single_range_in_vec_init)] // one range: the whole text
            _ => vec![0..new_text.len()],
        };
        self.tree = new_tree;
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The syntax tree; `None` if parsing was stopped (runaway parse, see above).
    pub fn tree(&self) -> Option<&Tree> {
        self.tree.as_ref()
    }

    /// The prompts in `text` (the text this tree was parsed from), sorted by
    /// `range.start`, without overlaps or duplicates.
    pub fn prompts(&self, text: &str, rules: &CompiledRules) -> Vec<CodePrompt> {
        self.prompts_in(text, rules, None)
    }

    /// Whether the tree holds syntax errors (then error recovery may regroup statements far
    /// from an edit, and windowed extraction is not trusted).
    pub fn has_error(&self) -> bool {
        self.tree.as_ref().is_none_or(|t| t.root_node().has_error())
    }

    /// Byte ranges whose syntax changed in the last [`SourceFile::edit`].
    pub fn changed_ranges(&self) -> &[Range<usize>] {
        &self.changed
    }

    /// The prompts of the top-level statements around `window` (plus one statement on
    /// each side and the comments before them: a tag comment and its statement are always
    /// taken together), and the byte range those statements cover. Prompts never span
    /// top-level statements, so the result equals [`SourceFile::prompts`] restricted to the
    /// covered range: an edit re-extracts only what it can have changed.
    pub fn prompts_around(
        &self,
        text: &str,
        rules: &CompiledRules,
        window: Range<usize>,
    ) -> (Range<usize>, Vec<CodePrompt>) {
        let Some(tree) = self.tree.as_ref() else {
            return (0..text.len(), Vec::new());
        };
        let root = tree.root_node();
        let all: Vec<Node> = {
            let mut c = root.walk();
            root.children(&mut c).collect()
        };
        if all.is_empty() {
            return (0..text.len(), self.prompts(text, rules));
        }
        let first_hit = all.partition_point(|n| n.end_byte() < window.start);
        let last_hit = all.partition_point(|n| n.start_byte() <= window.end);
        let mut a = first_hit.saturating_sub(1);
        while a > 0 && all[a - 1].kind().contains("comment") {
            a -= 1;
        }
        let b = (last_hit + 1).min(all.len());
        let covered = if a == 0 { 0 } else { all[a].start_byte() }..if b >= all.len() {
            text.len()
        } else {
            all[b - 1].end_byte()
        };
        let covered = covered.start.min(window.start)..covered.end.max(window.end).min(text.len());
        (covered.clone(), self.prompts_in(text, rules, Some(covered)))
    }

    fn prompts_in(
        &self,
        text: &str,
        rules: &CompiledRules,
        window: Option<Range<usize>>,
    ) -> Vec<CodePrompt> {
        let (Some(tree), Ok(lq)) = (self.tree.as_ref(), lang_query(self.lang).as_ref()) else {
            return Vec::new();
        };
        let mut cx = Cx {
            fam: self.lang.family(),
            jsx: HashSet::new(),
            text,
            rules,
            lines: line_starts(text),
        };
        let root = tree.root_node();
        let sites = cx.collect(root, lq, window.clone());
        cx.jsx = sites.jsx.clone();
        let mut out = cx.run(root, sites);
        if let Some(w) = window {
            out.retain(|p| p.range.start >= w.start && p.range.end <= w.end);
        }
        out
    }
}

/// Parses and extracts in one go.
pub fn extract(lang: Lang, text: &str, rules: &CompiledRules) -> Vec<CodePrompt> {
    SourceFile::parse(lang, text).prompts(text, rules)
}

/// An [`InputEdit`] for replacing `old_text[start_byte..old_end_byte]` so that the
/// new document is `new_text`, the replacement ending at `new_end_byte`.
/// Points are (row, byte column). Out-of-range offsets are clamped.
pub fn input_edit(
    old_text: &str,
    start_byte: usize,
    old_end_byte: usize,
    new_text: &str,
    new_end_byte: usize,
) -> InputEdit {
    let start_byte = start_byte.min(old_text.len());
    let old_end_byte = old_end_byte.clamp(start_byte, old_text.len());
    let new_end_byte = new_end_byte.clamp(start_byte.min(new_text.len()), new_text.len());
    InputEdit {
        start_byte,
        old_end_byte,
        new_end_byte,
        start_position: point_at(old_text, start_byte),
        old_end_position: point_at(old_text, old_end_byte),
        new_end_position: point_at(new_text, new_end_byte),
    }
}

fn point_at(text: &str, byte: usize) -> Point {
    let bytes = &text.as_bytes()[..byte.min(text.len())];
    let row = bytes.iter().filter(|&&b| b == b'\n').count();
    let line_start = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    Point {
        row,
        column: bytes.len() - line_start,
    }
}

fn line_starts(text: &str) -> Vec<usize> {
    let mut v = vec![0];
    v.extend(
        text.bytes()
            .enumerate()
            .filter(|&(_, b)| b == b'\n')
            .map(|(i, _)| i + 1),
    );
    v
}

// ---------------------------------------------------------------------------
// Resolved string expressions
// ---------------------------------------------------------------------------

#[derive(Clone, Debug, Default)]
struct Resolved {
    value: String,
    placeholders: Vec<String>,
    /// Format fields already parsed (`{{` decoded): don't parse them again.
    templated: bool,
}

impl Resolved {
    fn append(&mut self, other: Resolved) {
        self.value.push_str(&other.value);
        self.placeholders.extend(other.placeholders);
        self.templated |= other.templated;
    }
    /// `str.format` / LangChain / `format!` fields: `{{` -> `{`, fields listed.
    fn template(mut self) -> Resolved {
        if !self.templated {
            let (v, fields) = brace_fields(&self.value);
            self.value = v;
            self.placeholders.extend(fields);
            self.templated = true;
        }
        self
    }
    fn map(mut self, f: impl FnOnce(&str) -> String) -> Resolved {
        self.value = f(&self.value);
        self
    }
}

const MAX_DEPTH: u32 = 48;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Rank {
    Tag = 0,
    Name = 1,
    Sdk = 2,
    SdkMessage = 3,
}

#[derive(Debug)]
struct Cand {
    name: String,
    range: Range<usize>,
    res: Resolved,
    rank: Rank,
    budget: Option<u64>,
    model: Option<String>,
}

#[derive(Default, Clone, Debug)]
struct Directive {
    tag: bool,
    ignore: bool,
    budget: Option<u64>,
    model: Option<String>,
}

impl Directive {
    fn any(&self) -> bool {
        self.tag || self.ignore || self.budget.is_some() || self.model.is_some()
    }
    fn merge(&mut self, o: &Directive) {
        self.tag |= o.tag;
        self.ignore |= o.ignore;
        if o.budget.is_some() {
            self.budget = o.budget;
        }
        if o.model.is_some() {
            self.model.clone_from(&o.model);
        }
    }
}

static TAG_WORD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)\bprompt\b").expect("regex"));
static DIRECTIVE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\bpromptcost:([^\n]*)").expect("regex"));

fn parse_directive(comment: &str) -> Directive {
    let mut d = Directive::default();
    let mut rest_of_text = comment.to_string();
    if let Some(c) = DIRECTIVE.captures(comment) {
        d.tag = true;
        let body = c.get(1).map_or("", |m| m.as_str());
        let body = body.split("*/").next().unwrap_or("");
        for tok in body.split_whitespace() {
            let tok = tok.trim_end_matches([',', ';']);
            let lower = tok.to_ascii_lowercase();
            if lower == "ignore" {
                d.ignore = true;
            } else if let Some(v) = lower.strip_prefix("budget=") {
                let digits: String = v.chars().filter(|c| !matches!(c, '_' | ',')).collect();
                d.budget = digits.parse().ok().or(d.budget);
            } else if lower.starts_with("model=") {
                let m = tok["model=".len()..].trim_matches(|c| c == '"' || c == '\'');
                if !m.is_empty() {
                    d.model = Some(m.to_string());
                }
            }
        }
        rest_of_text = DIRECTIVE.replace_all(comment, "").into_owned();
    }
    if TAG_WORD.is_match(&rest_of_text) {
        d.tag = true;
    }
    if d.ignore {
        d.tag = false;
    }
    d
}

// ---------------------------------------------------------------------------
// Extraction
// ---------------------------------------------------------------------------

struct Cx<'a> {
    fam: Family,
    /// JSX attribute strings (HTML entities, no backslash escapes), by range.
    jsx: HashSet<(usize, usize)>,
    text: &'a str,
    rules: &'a CompiledRules,
    lines: Vec<usize>,
}

fn named_children(n: Node<'_>) -> Vec<Node<'_>> {
    let mut c = n.walk();
    n.named_children(&mut c)
        .filter(|x| !is_comment_kind(x.kind()))
        .collect()
}

fn all_children(n: Node<'_>) -> Vec<Node<'_>> {
    let mut c = n.walk();
    n.children(&mut c).collect()
}

fn is_comment_kind(k: &str) -> bool {
    matches!(
        k,
        "comment" | "line_comment" | "block_comment" | "html_comment"
    )
}

/// Sites collected from the query matches.
#[derive(Default)]
struct Sites<'t> {
    bindings: Vec<(Node<'t>, Node<'t>)>,
    lists: Vec<(Node<'t>, Node<'t>)>,
    sdk_kw: Vec<(Option<Node<'t>>, Node<'t>, Node<'t>)>,
    templates: Vec<Node<'t>>,
    messages: Vec<Node<'t>>,
    message_ctors: Vec<Node<'t>>,
    tagged: Vec<Node<'t>>,
    comments: Vec<Node<'t>>,
    docstrings: HashSet<(usize, usize)>,
    jsx: HashSet<(usize, usize)>,
}

impl<'a> Cx<'a> {
    fn t(&self, n: Node) -> &'a str {
        self.text.get(n.byte_range()).unwrap_or("")
    }

    fn row(&self, byte: usize) -> usize {
        self.lines.partition_point(|&s| s <= byte).saturating_sub(1)
    }

    fn run<'t>(&self, root: Node<'t>, sites: Sites<'t>) -> Vec<CodePrompt> {
        let mut cands: Vec<Cand> = Vec::new();
        let sdk = self.rules.sdk_calls;

        // Names of every binding, by value range, for naming tagged literals.
        let mut binding_names: HashMap<(usize, usize), String> = HashMap::new();
        let mut bindings: Vec<(String, Node)> = Vec::new();
        for &(name, value) in &sites.bindings {
            bindings.push((self.name_text(name), self.unwrap_value(value)));
        }
        for &(names, values) in &sites.lists {
            let ns = self.list_names(names);
            let vs = named_children(values);
            if ns.len() == vs.len() {
                for (n, v) in ns.into_iter().zip(vs) {
                    bindings.push((self.name_text(n), self.unwrap_value(v)));
                }
            }
        }
        for (name, value) in &bindings {
            binding_names
                .entry((value.start_byte(), value.end_byte()))
                .or_insert_with(|| name.clone());
            if self.rules.name_matches(name) {
                if let Some(mut r) = self.resolve(*value, 0) {
                    if name == "template" && self.in_prompt_template_call(*value) {
                        r = r.template();
                    }
                    cands.push(self.cand(name.clone(), *value, r, Rank::Name));
                }
            }
            if sdk && name == "messages" {
                self.walk_messages(*value, "messages", false, Rank::Sdk, &mut cands, 0);
            }
        }

        if sdk {
            for &(callee, kw, value) in &sites.sdk_kw {
                let kw = self.name_text(kw);
                let value = self.unwrap_value(value);
                let callee_text = callee.map_or("", |c| self.t(c));
                let builtin = matches!(
                    kw.as_str(),
                    "system"
                        | "contents"
                        | "instructions"
                        | "system_instruction"
                        | "systemInstruction"
                ) || (kw == "input" && callee_text.contains("responses"));
                if kw == "messages" {
                    self.walk_messages(value, "messages", false, Rank::Sdk, &mut cands, 0);
                } else if builtin || self.rules.extra_sdk_keywords.contains(&kw) {
                    self.walk_content(value, &kw, false, Rank::Sdk, &mut cands, 0);
                }
            }
            for &call in &sites.templates {
                if let Some(r) = self.resolve(call, 0) {
                    let name = binding_names
                        .get(&(call.start_byte(), call.end_byte()))
                        .cloned()
                        .unwrap_or_else(|| self.callee_text(call));
                    cands.push(self.cand(name, call, r, Rank::Sdk));
                }
            }
            for &list in &sites.messages {
                self.walk_messages(list, "messages", true, Rank::Sdk, &mut cands, 0);
            }
            for &call in &sites.message_ctors {
                let ctor = self.callee_text(call);
                let ctor = ctor.rsplit('.').next().unwrap_or("").to_string();
                self.walk_message_ctor(call, &ctor, false, Rank::SdkMessage, &mut cands, 0);
            }
        }

        for &call in &sites.tagged {
            if let Some(r) = self.resolve(call, 0) {
                let name = binding_names
                    .get(&(call.start_byte(), call.end_byte()))
                    .cloned()
                    .unwrap_or_else(|| format!("prompt@L{}", self.row(call.start_byte()) + 1));
                cands.push(self.cand(name, call, r, Rank::Tag));
            }
        }

        // Comments: tags, directives, ignores.
        cands.sort_by_key(|c| c.range.start);
        let mut tag_cands: Vec<Cand> = Vec::new();
        let mut ignores: Vec<Range<usize>> = Vec::new();
        let mut comments = sites.comments.clone();
        comments.sort_by_key(|c| c.start_byte());
        comments.dedup_by_key(|c| c.start_byte());
        let comment_starts: HashSet<usize> = comments.iter().map(|c| c.start_byte()).collect();
        let looks: Vec<(Node, Option<Look>)> = comments
            .iter()
            .map(|&c| (c, self.comment_lookup(c, &comment_starts)))
            .collect();
        let positions: HashSet<usize> = looks
            .iter()
            .filter_map(|(_, l)| match l {
                Some(Look::Node(p, _)) => Some(*p),
                _ => None,
            })
            .collect();
        let nodes_at = nodes_starting_at(root, &positions);
        let mut carry: Option<(usize, Directive)> = None;
        for (c, look) in looks {
            let mut d = parse_directive(self.t(c));
            if let Some((pos, prev)) = carry.take() {
                if pos == c.start_byte() {
                    let mut merged = prev;
                    merged.merge(&d);
                    d = merged;
                }
            }
            let n = match look {
                None => continue,
                Some(Look::Group(next)) => {
                    // the next line starts with another comment: the group goes on
                    if d.any() {
                        carry = Some((next, d));
                    }
                    continue;
                }
                Some(Look::Node(p, trailing)) => match nodes_at.get(&p) {
                    Some(n) if !trailing || n.end_byte() <= c.start_byte() => *n,
                    _ => continue,
                },
            };
            if !d.any() {
                continue;
            }
            let range = n.byte_range();
            if d.ignore {
                ignores.push(range);
                continue;
            }
            let mut found = false;
            let first = cands.partition_point(|c| c.range.start < range.start);
            for cand in cands[first..]
                .iter_mut()
                .take_while(|c| c.range.start < range.end)
            {
                if cand.range.end <= range.end {
                    found = true;
                    if d.budget.is_some() {
                        cand.budget = d.budget;
                    }
                    if d.model.is_some() {
                        cand.model.clone_from(&d.model);
                    }
                }
            }
            if !found && d.tag {
                if let Some((node, r)) = self.tag_target(n, &sites.docstrings) {
                    let name = binding_names
                        .get(&(node.start_byte(), node.end_byte()))
                        .cloned()
                        .unwrap_or_else(|| format!("prompt@L{}", self.row(node.start_byte()) + 1));
                    let mut cand = self.cand(name, node, r, Rank::Tag);
                    cand.budget = d.budget;
                    cand.model = d.model.clone();
                    tag_cands.push(cand);
                }
            }
        }
        cands.extend(tag_cands);

        // Ignored ranges, merged into disjoint sorted intervals.
        ignores.sort_by_key(|r| r.start);
        let mut merged: Vec<Range<usize>> = Vec::new();
        for r in ignores {
            match merged.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        let ignored = |c: &Range<usize>| {
            let i = merged.partition_point(|r| r.end <= c.start);
            merged.get(i).is_some_and(|r| r.start < c.end)
        };

        // Filter: ignored, docstrings, empty values.
        cands.retain(|c| {
            !c.res.value.is_empty()
                && !sites.docstrings.contains(&(c.range.start, c.range.end))
                && !ignored(&c.range)
        });

        // Dedupe: strongest reason first, then the larger expression.
        cands.sort_by(|a, b| {
            a.rank
                .cmp(&b.rank)
                .then((b.range.end - b.range.start).cmp(&(a.range.end - a.range.start)))
                .then(a.range.start.cmp(&b.range.start))
        });
        let mut kept: BTreeMap<usize, Cand> = BTreeMap::new();
        for c in cands {
            let overlaps_prev = kept
                .range(..=c.range.start)
                .next_back()
                .is_some_and(|(_, p)| {
                    p.range.end > c.range.start || (p.range.start == c.range.start)
                });
            let overlaps_next = kept
                .range(c.range.start..)
                .next()
                .is_some_and(|(&s, _)| s < c.range.end.max(c.range.start + 1));
            if !overlaps_prev && !overlaps_next {
                kept.insert(c.range.start, c);
            }
        }
        kept.into_values()
            .map(|c| CodePrompt {
                name: c.name,
                range: c.range,
                value: c.res.value,
                placeholders: c.res.placeholders,
                budget: c.budget,
                model: c.model,
                reason: match c.rank {
                    Rank::Tag => Reason::Tag,
                    Rank::Name => Reason::Name,
                    Rank::Sdk | Rank::SdkMessage => Reason::Sdk,
                },
            })
            .collect()
    }

    fn cand(&self, name: String, node: Node, res: Resolved, rank: Rank) -> Cand {
        Cand {
            name,
            range: node.byte_range(),
            res,
            rank,
            budget: None,
            model: None,
        }
    }

    fn collect<'t>(
        &self,
        root: Node<'t>,
        lq: &LangQuery,
        window: Option<Range<usize>>,
    ) -> Sites<'t> {
        let mut s = Sites::default();
        let mut cursor = QueryCursor::new();
        let roots = match &window {
            None => query_roots(root),
            Some(w) => {
                // Only the top-level nodes in the window; the whole root (so that patterns
                // anchored at it still match) with the cursor limited to the window when
                // none of them needs splitting.
                let mut c = root.walk();
                let tops: Vec<Node<'t>> = root
                    .children(&mut c)
                    .filter(|n| n.end_byte() > w.start && n.start_byte() < w.end)
                    .collect();
                let split: Vec<Node<'t>> = tops.iter().flat_map(|t| query_roots(*t)).collect();
                if split.len() == tops.len() {
                    cursor.set_byte_range(w.clone());
                    vec![root]
                } else {
                    split
                }
            }
        };
        for qroot in roots {
            let mut it = cursor.matches(&lq.query, qroot, self.text.as_bytes());
            while let Some(m) = it.next() {
                let mut get = [None::<Node<'t>>; 15];
                for c in m.captures() {
                    if let Some(cap) = lq.caps.get(c.index as usize) {
                        get[*cap as usize] = Some(c.node);
                    }
                }
                let g = |c: Cap| get[c as usize];
                if let Some(n) = g(Cap::Comment) {
                    s.comments.push(n);
                }
                if let (Some(n), Some(v)) = (g(Cap::Name), g(Cap::Value)) {
                    if g(Cap::JsxAttribute).is_some() && v.kind() == "string" {
                        s.jsx.insert((v.start_byte(), v.end_byte()));
                    }
                    s.bindings.push((n, v));
                }
                if let (Some(n), Some(v)) = (g(Cap::NameList), g(Cap::ValueList)) {
                    s.lists.push((n, v));
                }
                if let (Some(k), Some(v)) = (g(Cap::SdkKeyword), g(Cap::SdkValue)) {
                    s.sdk_kw.push((g(Cap::SdkCallee), k, v));
                }
                if let Some(n) = g(Cap::SdkTemplate) {
                    s.templates.push(n);
                }
                if let Some(n) = g(Cap::SdkMessages) {
                    s.messages.push(n);
                }
                if let Some(n) = g(Cap::SdkMessage) {
                    s.message_ctors.push(n);
                }
                if let Some(n) = g(Cap::Tagged) {
                    s.tagged.push(n);
                }
                if let Some(body) = g(Cap::DocstringBody) {
                    if let Some(doc) = docstring_of(body) {
                        s.docstrings.insert((doc.start_byte(), doc.end_byte()));
                    }
                }
            }
        }
        s
    }

    /// Names of a `name.list` capture, in order.
    fn list_names<'t>(&self, n: Node<'t>) -> Vec<Node<'t>> {
        if matches!(n.kind(), "const_spec" | "var_spec") {
            let mut c = n.walk();
            n.children_by_field_name("name", &mut c)
                .filter(|x| x.is_named())
                .collect()
        } else {
            named_children(n)
        }
    }

    fn unwrap_value<'t>(&self, mut n: Node<'t>) -> Node<'t> {
        for _ in 0..4 {
            if matches!(n.kind(), "literal_element" | "jsx_expression") {
                match named_children(n).first() {
                    Some(&c) => n = c,
                    None => break,
                }
            } else {
                break;
            }
        }
        n
    }

    fn name_text(&self, n: Node) -> String {
        let n = self.unwrap_value(n);
        match n.kind() {
            "string" | "interpreted_string_literal" | "raw_string_literal" | "string_literal" => {
                match self.resolve(n, 0) {
                    Some(r) => r.value,
                    None => self.t(n).to_string(),
                }
            }
            "attribute" | "member_expression" | "field_expression" | "selector_expression" => {
                let last = ["attribute", "property", "field"]
                    .iter()
                    .find_map(|f| n.child_by_field_name(f));
                last.map_or_else(|| self.t(n).to_string(), |l| self.t(l).to_string())
            }
            _ => self.t(n).to_string(),
        }
    }

    fn callee_text(&self, call: Node) -> String {
        let f = call
            .child_by_field_name("function")
            .or_else(|| call.child_by_field_name("constructor"));
        f.map_or_else(String::new, |f| self.t(f).to_string())
    }

    /// `template=` keyword / property of a `PromptTemplate(...)` call.
    fn in_prompt_template_call(&self, value: Node) -> bool {
        let mut n = value;
        for _ in 0..4 {
            let Some(p) = n.parent() else { return false };
            if matches!(p.kind(), "call" | "call_expression" | "new_expression") {
                return self.callee_text(p).ends_with("PromptTemplate");
            }
            n = p;
        }
        false
    }

    // ---- SDK structure -----------------------------------------------------

    fn is_list(&self, n: Node) -> bool {
        matches!(n.kind(), "list" | "tuple" | "array")
    }
    fn is_dict(&self, n: Node) -> bool {
        matches!(n.kind(), "dictionary" | "object")
    }
    fn is_call(&self, n: Node) -> bool {
        matches!(n.kind(), "call" | "call_expression" | "new_expression")
    }

    /// `(key name, value)` of a dict / object's pairs.
    fn pairs<'t>(&self, n: Node<'t>) -> Vec<(String, Node<'t>)> {
        named_children(n)
            .into_iter()
            .filter(|p| p.kind() == "pair")
            .filter_map(|p| {
                Some((
                    self.name_text(p.child_by_field_name("key")?),
                    p.child_by_field_name("value")?,
                ))
            })
            .collect()
    }

    /// Positional and keyword arguments of a call.
    fn call_args<'t>(&self, call: Node<'t>) -> (Vec<Node<'t>>, Vec<(String, Node<'t>)>) {
        let mut pos = Vec::new();
        let mut kw = Vec::new();
        if let Some(args) = call.child_by_field_name("arguments") {
            if matches!(args.kind(), "argument_list" | "arguments") {
                for a in named_children(args) {
                    if a.kind() == "keyword_argument" {
                        if let (Some(k), Some(v)) = (
                            a.child_by_field_name("name"),
                            a.child_by_field_name("value"),
                        ) {
                            kw.push((self.t(k).to_string(), v));
                        }
                    } else {
                        pos.push(a);
                    }
                }
            }
        }
        (pos, kw)
    }

    fn emit(
        &self,
        node: Node,
        path: &str,
        template: bool,
        rank: Rank,
        out: &mut Vec<Cand>,
    ) -> bool {
        match self.resolve(node, 0) {
            Some(r) => {
                let r = if template { r.template() } else { r };
                out.push(self.cand(path.to_string(), node, r, rank));
                true
            }
            None => false,
        }
    }

    /// A content-ish value: a string, a list of strings / blocks, a block
    /// (`{"type": "text", "text": ...}`, `{"parts": [...]}`), or a message object.
    fn walk_content(
        &self,
        n: Node,
        path: &str,
        template: bool,
        rank: Rank,
        out: &mut Vec<Cand>,
        d: u32,
    ) {
        let n = self.unwrap_value(n);
        if d > 6 || self.emit(n, path, template, rank, out) {
            return;
        }
        if self.is_list(n) {
            for (i, el) in named_children(n).into_iter().enumerate() {
                self.walk_content(el, &format!("{path}[{i}]"), template, rank, out, d + 1);
            }
        } else if self.is_dict(n) {
            for (k, v) in self.pairs(n) {
                if matches!(k.as_str(), "content" | "text" | "parts") {
                    self.walk_content(v, &format!("{path}.{k}"), template, rank, out, d + 1);
                }
            }
        } else if self.is_call(n) {
            let ctor = self.callee_text(n);
            let ctor = ctor.rsplit('.').next().unwrap_or("").to_string();
            if ctor.ends_with("Message") {
                self.walk_message_ctor(n, path, template, rank, out, d + 1);
            }
        }
    }

    /// `SystemMessage("...")`, `SystemMessage(content="...")`, `new SystemMessage({content})`.
    fn walk_message_ctor(
        &self,
        call: Node,
        path: &str,
        template: bool,
        rank: Rank,
        out: &mut Vec<Cand>,
        d: u32,
    ) {
        if d > 6 {
            return;
        }
        let (pos, kw) = self.call_args(call);
        let content = kw
            .iter()
            .find(|(k, _)| k == "content")
            .map(|(_, v)| *v)
            .or(pos.first().copied());
        if let Some(c) = content {
            let c = self.unwrap_value(c);
            if self.is_dict(c) {
                self.walk_content(c, path, template, rank, out, d + 1);
            } else {
                self.walk_content(c, &format!("{path}.content"), template, rank, out, d + 1);
            }
        }
    }

    /// An OpenAI / Anthropic / LangChain messages list. Elements must look like
    /// messages: a dict / object with `role`, a `(role, content)` pair, or a
    /// message object. LangChain pairs are templates.
    fn walk_messages(
        &self,
        n: Node,
        path: &str,
        template: bool,
        rank: Rank,
        out: &mut Vec<Cand>,
        d: u32,
    ) {
        let n = self.unwrap_value(n);
        if !self.is_list(n) || d > 6 {
            return;
        }
        for (i, el) in named_children(n).into_iter().enumerate() {
            let el = self.unwrap_value(el);
            let p = format!("{path}[{i}].content");
            if self.is_dict(el) {
                let pairs = self.pairs(el);
                if pairs.iter().any(|(k, _)| k == "role") {
                    if let Some((_, v)) = pairs.iter().find(|(k, _)| k == "content") {
                        self.walk_content(*v, &p, template, rank, out, d + 1);
                    }
                }
            } else if self.is_list(el) {
                let items = named_children(el);
                if items.len() == 2 {
                    let role = self.resolve(items[0], 0).map(|r| r.value);
                    if role.is_some_and(|r| {
                        matches!(
                            r.as_str(),
                            "system"
                                | "human"
                                | "user"
                                | "ai"
                                | "assistant"
                                | "developer"
                                | "placeholder"
                        )
                    }) {
                        self.walk_content(items[1], &p, true, rank, out, d + 1);
                    }
                }
            } else if self.is_call(el) {
                if self.emit(el, &p, template, rank, out) {
                    continue;
                }
                let ctor = self.callee_text(el);
                if ctor.rsplit('.').next().unwrap_or("").ends_with("Message") {
                    self.walk_message_ctor(el, &format!("{path}[{i}]"), template, rank, out, d + 1);
                }
            }
        }
    }

    // ---- comments ----------------------------------------------------------

    /// Where a comment's target starts: the next line (own-line comments; a
    /// comment there continues the group), the next token on the same line
    /// (inline block comments) or the start of the line (trailing comments).
    fn comment_lookup(&self, c: Node, comment_starts: &HashSet<usize>) -> Option<Look> {
        let text = self.text.as_bytes();
        let mut end = c.end_byte().min(text.len());
        while end > c.start_byte() && matches!(text[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        let line_start = self.lines[self.row(c.start_byte())];
        let own_line = text
            .get(line_start..c.start_byte())
            .is_some_and(|s| s.iter().all(|b| matches!(b, b' ' | b'\t' | b'\x0c')));
        let mut p = end;
        while p < text.len() && matches!(text[p], b' ' | b'\t' | b'\r' | b'\n' | b'\x0c') {
            p += 1;
        }
        let end_row = self.row(end.saturating_sub(1).max(c.start_byte()));
        let is_block = self.t(c).starts_with("/*");
        if p < text.len() && is_block && self.row(p) == end_row {
            return Some(Look::Node(p, false)); // inline: `/* prompt */ "..."`
        }
        if own_line {
            if p >= text.len() || self.row(p) != end_row + 1 {
                return None;
            }
            return Some(if comment_starts.contains(&p) {
                Look::Group(p)
            } else {
                Look::Node(p, false)
            });
        }
        let mut q = line_start;
        while q < c.start_byte() && matches!(text[q], b' ' | b'\t') {
            q += 1;
        }
        Some(Look::Node(q, true)) // trailing: the statement on the same line
    }

    /// The string expression a tag comment applies to: among the maximal string
    /// expressions in `n` (not in nested functions / classes, not dict keys, not
    /// docstrings), the longest one.
    fn tag_target<'t>(
        &self,
        n: Node<'t>,
        docstrings: &HashSet<(usize, usize)>,
    ) -> Option<(Node<'t>, Resolved)> {
        if is_scope(n.kind()) {
            return None;
        }
        let mut best: Option<(Node<'t>, Resolved)> = None;
        // (node, is a dict key): Node::parent is O(depth), so keys are marked when pushed
        let mut stack = vec![(n, false)];
        let mut steps = 0usize;
        while let Some((x, is_key)) = stack.pop() {
            steps += 1;
            if steps > 50_000 {
                break;
            }
            if is_scope(x.kind()) || is_comment_kind(x.kind()) || is_key {
                continue;
            }
            if let Some(r) = self.resolve(x, 0) {
                let key = (x.start_byte(), x.end_byte());
                if !r.value.is_empty()
                    && !docstrings.contains(&key)
                    && best
                        .as_ref()
                        .is_none_or(|(_, b)| r.value.len() > b.value.len())
                {
                    best = Some((x, r));
                }
                continue;
            }
            if self.is_plus(x) {
                let ops = self.flatten_plus(x);
                stack.extend(ops.into_iter().rev().map(|o| (o, false)));
                continue;
            }
            let key_id = match x.kind() {
                "pair" | "keyed_element" => x.child_by_field_name("key").map(|k| k.id()),
                _ => None,
            };
            let mut kids = named_children(x);
            kids.reverse();
            stack.extend(kids.into_iter().map(|k| (k, Some(k.id()) == key_id)));
        }
        best
    }

    // ---- resolving string expressions -----------------------------------

    fn is_plus(&self, n: Node) -> bool {
        matches!(n.kind(), "binary_operator" | "binary_expression")
            && n.child_by_field_name("operator")
                .is_some_and(|o| self.t(o) == "+")
    }

    /// Operands of a `+` chain, left to right (iterative: chains can be long).
    fn flatten_plus<'t>(&self, n: Node<'t>) -> Vec<Node<'t>> {
        let mut out = Vec::new();
        let mut stack = vec![n];
        while let Some(x) = stack.pop() {
            if self.is_plus(x) {
                match (
                    x.child_by_field_name("left"),
                    x.child_by_field_name("right"),
                ) {
                    (Some(l), Some(r)) => {
                        stack.push(r);
                        stack.push(l);
                    }
                    _ => out.push(x),
                }
            } else {
                out.push(x);
            }
        }
        out
    }

    fn resolve_plus(&self, n: Node, d: u32) -> Option<Resolved> {
        let mut r = Resolved::default();
        for op in self.flatten_plus(n) {
            if op.id() == n.id() {
                return None;
            }
            r.append(self.resolve(op, d + 1)?);
        }
        Some(r)
    }

    fn single_inner<'t>(&self, n: Node<'t>) -> Option<Node<'t>> {
        let kids = named_children(n);
        match kids.as_slice() {
            [one] => Some(*one),
            [first, ..] if n.kind() == "as_expression" || n.kind() == "satisfies_expression" => {
                Some(*first)
            }
            _ => None,
        }
    }

    /// The text of a string expression, or `None` if it is not one.
    fn resolve(&self, n: Node, d: u32) -> Option<Resolved> {
        if d > MAX_DEPTH || n.is_missing() {
            return None;
        }
        match self.fam {
            Family::Py => self.resolve_py(n, d),
            Family::Js => self.resolve_js(n, d),
            Family::Rs => self.resolve_rs(n, d),
            Family::Go => self.resolve_go(n, d),
        }
    }

    // ---- Python

    fn resolve_py(&self, n: Node, d: u32) -> Option<Resolved> {
        match n.kind() {
            "string" => self.py_string(n),
            "concatenated_string" => {
                let mut r = Resolved::default();
                for s in named_children(n) {
                    r.append(self.py_string(s)?);
                }
                Some(r)
            }
            "parenthesized_expression" => self.resolve(self.single_inner(n)?, d + 1),
            "binary_operator" => {
                let op = self.t(n.child_by_field_name("operator")?);
                match op {
                    "+" => self.resolve_plus(n, d),
                    "%" => {
                        let left = self.resolve(n.child_by_field_name("left")?, d + 1)?;
                        let (v, fields) = percent_fields(&left.value);
                        let mut placeholders = left.placeholders;
                        placeholders.extend(fields);
                        Some(Resolved {
                            value: v,
                            placeholders,
                            templated: true,
                        })
                    }
                    _ => None,
                }
            }
            "call" => self.py_call(n, d),
            _ => None,
        }
    }

    fn py_call(&self, n: Node, d: u32) -> Option<Resolved> {
        let func = n.child_by_field_name("function")?;
        let (pos, kw) = self.call_args(n);
        let only_arg = |d2: u32| -> Option<Resolved> {
            if pos.len() == 1 && kw.is_empty() {
                self.resolve(pos[0], d2)
            } else {
                None
            }
        };
        match func.kind() {
            "attribute" => {
                let obj = func.child_by_field_name("object")?;
                let attr = self.t(func.child_by_field_name("attribute")?);
                match attr {
                    "format" | "format_map" => Some(self.resolve(obj, d + 1)?.template()),
                    "strip" | "lstrip" | "rstrip" => {
                        let r = self.resolve(obj, d + 1)?;
                        if !kw.is_empty() || pos.len() > 1 {
                            return None;
                        }
                        let chars: Option<Vec<char>> = match pos.first() {
                            Some(a) => Some(self.resolve(*a, d + 1)?.value.chars().collect()),
                            None => None,
                        };
                        let f = |c: char| match &chars {
                            Some(cs) => cs.contains(&c),
                            None => py_isspace(c),
                        };
                        Some(r.map(|v| match attr {
                            "strip" => v.trim_matches(f).to_string(),
                            "lstrip" => v.trim_start_matches(f).to_string(),
                            _ => v.trim_end_matches(f).to_string(),
                        }))
                    }
                    "join" => {
                        let sep = self.resolve(obj, d + 1)?;
                        if pos.len() != 1
                            || !kw.is_empty()
                            || !matches!(pos[0].kind(), "list" | "tuple")
                        {
                            return None;
                        }
                        self.join(named_children(pos[0]), sep, d)
                    }
                    "dedent" if self.t(obj) == "textwrap" => Some(only_arg(d + 1)?.map(py_dedent)),
                    "cleandoc" if self.t(obj) == "inspect" => {
                        Some(only_arg(d + 1)?.map(py_cleandoc))
                    }
                    "from_template" => {
                        let arg = kw
                            .iter()
                            .find(|(k, _)| k == "template")
                            .map(|(_, v)| *v)
                            .or(pos.first().copied())?;
                        Some(self.resolve(arg, d + 1)?.template())
                    }
                    _ if attr.ends_with("PromptTemplate") => self.py_prompt_template(&kw, d),
                    _ => None,
                }
            }
            "identifier" => match self.t(func) {
                "dedent" => Some(only_arg(d + 1)?.map(py_dedent)),
                "cleandoc" => Some(only_arg(d + 1)?.map(py_cleandoc)),
                f if f.ends_with("PromptTemplate") => self.py_prompt_template(&kw, d),
                _ => None,
            },
            _ => None,
        }
    }

    /// `PromptTemplate(template="...", ...)`.
    fn py_prompt_template(&self, kw: &[(String, Node)], d: u32) -> Option<Resolved> {
        let (_, v) = kw.iter().find(|(k, _)| k == "template")?;
        Some(self.resolve(*v, d + 1)?.template())
    }

    fn join(&self, items: Vec<Node>, sep: Resolved, d: u32) -> Option<Resolved> {
        let mut r = Resolved {
            templated: sep.templated,
            ..Default::default()
        };
        for (i, it) in items.into_iter().enumerate() {
            if i > 0 {
                r.append(sep.clone());
            }
            r.append(self.resolve(it, d + 1)?);
        }
        Some(r)
    }

    fn py_string(&self, n: Node) -> Option<Resolved> {
        if n.kind() != "string" {
            return None;
        }
        let text = self.t(n);
        let q = text.find(['"', '\''])?;
        let prefix = text[..q].to_ascii_lowercase();
        if prefix.contains('b') {
            return None;
        }
        let raw = prefix.contains('r');
        let fmt = prefix.contains('f') || prefix.contains('t');
        let kids = all_children(n);
        let start = kids
            .iter()
            .find(|k| k.kind() == "string_start")
            .map_or(n.start_byte() + q + 1, |k| k.end_byte());
        let end = kids
            .iter()
            .rev()
            .find(|k| k.kind() == "string_end")
            .map_or(n.end_byte(), |k| k.start_byte())
            .max(start);
        let mut r = Resolved {
            templated: fmt,
            ..Default::default()
        };
        let mut pos = start;
        for k in kids.iter().filter(|k| k.kind() == "interpolation") {
            if k.start_byte() < pos || k.end_byte() > end {
                continue;
            }
            py_unescape(
                self.text.get(pos..k.start_byte()).unwrap_or(""),
                raw,
                fmt,
                &mut r.value,
            );
            let it = self.t(*k);
            r.value.push_str(it);
            r.placeholders.push(it.to_string());
            pos = k.end_byte();
        }
        py_unescape(
            self.text.get(pos..end).unwrap_or(""),
            raw,
            fmt,
            &mut r.value,
        );
        Some(r)
    }

    // ---- JavaScript / TypeScript

    fn resolve_js(&self, n: Node, d: u32) -> Option<Resolved> {
        match n.kind() {
            "string" => {
                let text = self.t(n);
                let inner = strip_quotes(text);
                let mut r = Resolved::default();
                if self.jsx.contains(&(n.start_byte(), n.end_byte())) {
                    html_unescape(inner, &mut r.value);
                } else {
                    js_unescape(inner, false, &mut r.value);
                }
                Some(r)
            }
            "template_string" => self.js_template(n, false),
            "binary_expression" => {
                if self.is_plus(n) {
                    self.resolve_plus(n, d)
                } else {
                    None
                }
            }
            "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
            | "jsx_expression" => self.resolve(self.single_inner(n)?, d + 1),
            "call_expression" => {
                let func = n.child_by_field_name("function")?;
                let args = n.child_by_field_name("arguments")?;
                if args.kind() == "template_string" {
                    return match self.t(func) {
                        "String.raw" => self.js_template(args, true),
                        "prompt" => self.js_template(args, false),
                        _ => None,
                    };
                }
                if func.kind() != "member_expression" {
                    return None;
                }
                let obj = func.child_by_field_name("object")?;
                let prop = self.t(func.child_by_field_name("property")?);
                let a = named_children(args);
                match prop {
                    "trim" | "trimStart" | "trimEnd" | "trimLeft" | "trimRight" if a.is_empty() => {
                        let r = self.resolve(obj, d + 1)?;
                        Some(r.map(|v| match prop {
                            "trim" => v.trim_matches(js_isspace).to_string(),
                            "trimStart" | "trimLeft" => {
                                v.trim_start_matches(js_isspace).to_string()
                            }
                            _ => v.trim_end_matches(js_isspace).to_string(),
                        }))
                    }
                    "join" if obj.kind() == "array" && a.len() <= 1 => {
                        let sep = match a.first() {
                            Some(s) => self.resolve(*s, d + 1)?,
                            None => Resolved {
                                value: ",".into(),
                                ..Default::default()
                            },
                        };
                        self.join(named_children(obj), sep, d)
                    }
                    "fromTemplate" if !a.is_empty() => Some(self.resolve(a[0], d + 1)?.template()),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    fn js_template(&self, n: Node, raw: bool) -> Option<Resolved> {
        if n.kind() != "template_string" {
            return None;
        }
        let start = n.start_byte() + 1;
        let end = if self.t(n).len() >= 2 && self.t(n).ends_with('`') {
            n.end_byte() - 1
        } else {
            n.end_byte()
        };
        let mut r = Resolved::default();
        let mut pos = start;
        let piece = |s: &str, out: &mut String| {
            let s = normalize_newlines(s);
            if raw {
                out.push_str(&s);
            } else {
                js_unescape(&s, true, out);
            }
        };
        for k in named_children(n)
            .into_iter()
            .filter(|k| k.kind() == "template_substitution")
        {
            if k.start_byte() < pos || k.end_byte() > end {
                continue;
            }
            piece(
                self.text.get(pos..k.start_byte()).unwrap_or(""),
                &mut r.value,
            );
            let it = self.t(k);
            r.value.push_str(it);
            r.placeholders.push(it.to_string());
            pos = k.end_byte();
        }
        piece(self.text.get(pos..end.max(pos)).unwrap_or(""), &mut r.value);
        Some(r)
    }

    // ---- Rust

    fn resolve_rs(&self, n: Node, d: u32) -> Option<Resolved> {
        match n.kind() {
            "string_literal" => {
                let text = self.t(n);
                if !text.starts_with('"') {
                    return None; // b"..." / c"..."
                }
                let mut r = Resolved::default();
                rust_unescape(&normalize_crlf(strip_quotes(text)), &mut r.value);
                Some(r)
            }
            "raw_string_literal" => {
                let text = self.t(n);
                let rest = text.strip_prefix('r')?;
                let hashes = rest.len() - rest.trim_start_matches('#').len();
                let body = rest
                    .get(hashes + 1..rest.len().saturating_sub(hashes + 1))
                    .unwrap_or("");
                Some(Resolved {
                    value: normalize_crlf(body).into_owned(),
                    ..Default::default()
                })
            }
            "char_literal" => None,
            "parenthesized_expression" => self.resolve(self.single_inner(n)?, d + 1),
            "reference_expression" => self.resolve(n.child_by_field_name("value")?, d + 1),
            "binary_expression" => {
                if self.is_plus(n) {
                    self.resolve_plus(n, d)
                } else {
                    None
                }
            }
            "call_expression" => {
                let func = n.child_by_field_name("function")?;
                let args = named_children(n.child_by_field_name("arguments")?);
                match func.kind() {
                    "field_expression" => {
                        let recv = func.child_by_field_name("value")?;
                        let field = self.t(func.child_by_field_name("field")?);
                        if !args.is_empty() {
                            return None;
                        }
                        let r = self.resolve(recv, d + 1)?;
                        match field {
                            "into" | "to_string" | "to_owned" => Some(r),
                            "trim" => Some(r.map(|v| v.trim().to_string())),
                            "trim_start" => Some(r.map(|v| v.trim_start().to_string())),
                            "trim_end" => Some(r.map(|v| v.trim_end().to_string())),
                            _ => None,
                        }
                    }
                    "scoped_identifier" => {
                        let path = self.t(func);
                        let known = matches!(
                            path,
                            "String::from"
                                | "std::string::String::from"
                                | "Cow::from"
                                | "Cow::Borrowed"
                                | "std::borrow::Cow::Borrowed"
                        );
                        if known && args.len() == 1 {
                            self.resolve(args[0], d + 1)
                        } else {
                            None
                        }
                    }
                    "identifier" if self.t(func) == "Borrowed" && args.len() == 1 => {
                        self.resolve(args[0], d + 1)
                    }
                    _ => None,
                }
            }
            "macro_invocation" => {
                let mac = n.child_by_field_name("macro")?;
                let name = self.t(mac).rsplit("::").next().unwrap_or("");
                let tt = all_children(n)
                    .into_iter()
                    .find(|c| c.kind() == "token_tree")?;
                let toks: Vec<Node> = all_children(tt)
                    .into_iter()
                    .filter(|c| !is_comment_kind(c.kind()))
                    .collect();
                // toks[0] / last are the delimiters
                let inner = toks.get(1..toks.len().saturating_sub(1)).unwrap_or(&[]);
                match name {
                    "format" | "format_args" => {
                        let first = *inner.first()?;
                        if !matches!(first.kind(), "string_literal" | "raw_string_literal") {
                            return None;
                        }
                        Some(self.resolve(first, d + 1)?.template())
                    }
                    "concat" => {
                        let mut r = Resolved::default();
                        for (i, t) in inner.iter().enumerate() {
                            if i % 2 == 1 {
                                if self.t(*t) != "," {
                                    return None;
                                }
                                continue;
                            }
                            match t.kind() {
                                "string_literal" | "raw_string_literal" => {
                                    r.append(self.resolve(*t, d + 1)?)
                                }
                                "integer_literal" | "float_literal" | "boolean_literal"
                                    if self
                                        .t(*t)
                                        .chars()
                                        .all(|c| c.is_ascii_digit() || c == '.')
                                        || matches!(self.t(*t), "true" | "false") =>
                                {
                                    r.value.push_str(self.t(*t))
                                }
                                "char_literal" => {
                                    let mut s = String::new();
                                    rust_unescape(strip_quotes(self.t(*t)), &mut s);
                                    r.value.push_str(&s);
                                }
                                _ => return None,
                            }
                        }
                        Some(r)
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }

    // ---- Go

    fn resolve_go(&self, n: Node, d: u32) -> Option<Resolved> {
        match n.kind() {
            "interpreted_string_literal" => Some(Resolved {
                value: go_unescape(strip_quotes(self.t(n))),
                ..Default::default()
            }),
            "raw_string_literal" => Some(Resolved {
                value: strip_quotes(self.t(n)).replace('\r', ""),
                ..Default::default()
            }),
            "binary_expression" => {
                if self.is_plus(n) {
                    self.resolve_plus(n, d)
                } else {
                    None
                }
            }
            "parenthesized_expression" | "literal_element" => {
                self.resolve(self.single_inner(n)?, d + 1)
            }
            "call_expression" => {
                let func = self.t(n.child_by_field_name("function")?);
                let args = named_children(n.child_by_field_name("arguments")?);
                match func {
                    "fmt.Sprintf" if !args.is_empty() => {
                        let r = self.resolve(args[0], d + 1)?;
                        let (v, verbs) = go_verbs(&r.value);
                        let mut placeholders = r.placeholders;
                        placeholders.extend(verbs);
                        Some(Resolved {
                            value: v,
                            placeholders,
                            templated: true,
                        })
                    }
                    "strings.TrimSpace" if args.len() == 1 => {
                        Some(self.resolve(args[0], d + 1)?.map(|v| v.trim().to_string()))
                    }
                    "strings.Join" if args.len() == 2 => {
                        let sep = self.resolve(args[1], d + 1)?;
                        let lit = args[0];
                        if lit.kind() != "composite_literal" {
                            return None;
                        }
                        let body = lit.child_by_field_name("body")?;
                        self.join(named_children(body), sep, d)
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

/// What a comment points at (see `Cx::comment_lookup`).
enum Look {
    /// Another comment starts the next line, at this byte: a comment group.
    Group(usize),
    /// The largest node starting at this byte; `true` for a trailing comment.
    Node(usize, bool),
}

/// Calls `visit` on every node in pre-order; `visit` returns whether to descend.
/// (A TreeCursor walk: `Node::parent` and sibling lookups cost O(depth × width).)
fn preorder<'t>(root: Node<'t>, mut visit: impl FnMut(Node<'t>) -> bool) {
    let mut cursor = root.walk();
    loop {
        if visit(cursor.node()) && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
        }
    }
}

/// For each position, the largest node starting there that is neither the root
/// nor a block-level container (one tree walk for all comments).
fn nodes_starting_at<'t>(root: Node<'t>, positions: &HashSet<usize>) -> HashMap<usize, Node<'t>> {
    let mut found: HashMap<usize, Node<'t>> = HashMap::new();
    let Some(&max) = positions.iter().max() else {
        return found;
    };
    let min = positions.iter().min().copied().unwrap_or(0);
    preorder(root, |n| {
        let s = n.start_byte();
        if n.id() != root.id()
            && s < n.end_byte()
            && !is_container(n.kind())
            && positions.contains(&s)
        {
            found.entry(s).or_insert(n);
        }
        s <= max && n.end_byte() > min
    });
    found
}

/// Where to run the query. The tree-sitter query cursor is quadratic in long
/// runs of anonymous siblings (as in a big ERROR node of unbalanced brackets), so
/// nodes with such runs are not queried whole: their children are, one by one.
fn query_roots(root: Node<'_>) -> Vec<Node<'_>> {
    let mut blocked: HashSet<usize> = HashSet::new();
    let mut path: Vec<usize> = Vec::new(); // ids of the ancestors of the cursor's node
    let mut cursor = root.walk();
    'walk: loop {
        let n = cursor.node();
        if n.child_count() > 256 && n.named_child_count() * 2 < n.child_count() as usize {
            blocked.insert(n.id());
            blocked.extend(path.iter().copied());
        }
        if cursor.goto_first_child() {
            path.push(n.id());
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                break 'walk;
            }
            path.pop();
        }
    }
    if blocked.is_empty() {
        return vec![root];
    }
    let mut roots = Vec::new();
    let mut todo = vec![root];
    while let Some(n) = todo.pop() {
        if blocked.contains(&n.id()) {
            let mut c = n.walk();
            todo.extend(n.children(&mut c));
        } else {
            roots.push(n);
        }
    }
    roots
}

/// The docstring of a Python module / function / class body: its first
/// statement (comments skipped) when that is a lone string.
fn docstring_of(body: Node<'_>) -> Option<Node<'_>> {
    let mut c = body.walk();
    if !c.goto_first_child() {
        return None;
    }
    loop {
        let n = c.node();
        if n.is_named() && !is_comment_kind(n.kind()) {
            if n.kind() != "expression_statement" || n.named_child_count() != 1 {
                return None;
            }
            let s = n.named_child(0)?;
            return matches!(s.kind(), "string" | "concatenated_string").then_some(s);
        }
        if !c.goto_next_sibling() {
            return None;
        }
    }
}

fn is_container(kind: &str) -> bool {
    matches!(
        kind,
        "module"
            | "block"
            | "program"
            | "statement_block"
            | "class_body"
            | "switch_body"
            | "source_file"
            | "declaration_list"
            | "field_declaration_list"
            | "match_block"
            | "statement_list"
    )
}

/// Nodes whose insides a tag before them does not reach.
fn is_scope(kind: &str) -> bool {
    matches!(
        kind,
        "function_definition"
            | "class_definition"
            | "decorated_definition"
            | "lambda"
            | "function_declaration"
            | "generator_function_declaration"
            | "function_expression"
            | "function"
            | "arrow_function"
            | "class_declaration"
            | "abstract_class_declaration"
            | "class"
            | "method_definition"
            | "interface_declaration"
            | "function_item"
            | "impl_item"
            | "trait_item"
            | "mod_item"
            | "closure_expression"
            | "method_declaration"
            | "func_literal"
    )
}

fn strip_quotes(text: &str) -> &str {
    let mut chars = text.chars();
    let Some(q) = chars.next() else { return "" };
    let rest = &text[q.len_utf8()..];
    rest.strip_suffix(q).unwrap_or(rest)
}

fn normalize_crlf(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains('\r') {
        std::borrow::Cow::Owned(s.replace("\r\n", "\n"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// CRLF and lone CR to LF (Python source, JS templates).
fn normalize_newlines(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains('\r') {
        std::borrow::Cow::Owned(s.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

// ---------------------------------------------------------------------------
// Escape decoding
// ---------------------------------------------------------------------------

fn hex_value(s: &str, n: usize) -> Option<u32> {
    let h = s.get(..n)?;
    if h.len() == n && h.bytes().all(|b| b.is_ascii_hexdigit()) {
        u32::from_str_radix(h, 16).ok()
    } else {
        None
    }
}

fn octal_run(s: &str, max: usize) -> (u32, usize) {
    let mut v = 0u32;
    let mut n = 0;
    for b in s.bytes().take(max) {
        if (b'0'..=b'7').contains(&b) {
            v = v * 8 + u32::from(b - b'0');
            n += 1;
        } else {
            break;
        }
    }
    (v, n)
}

/// Python string body (between the quotes). `raw`: no escapes; `fstring`:
/// `{{`/`}}` are escaped braces. Newlines are normalized as Python reads source.
pub fn py_unescape(s: &str, raw: bool, fstring: bool, out: &mut String) {
    let s = normalize_newlines(s);
    let mut rest: &str = &s;
    loop {
        let Some(i) = rest.find(['\\', '{', '}']) else {
            out.push_str(rest);
            return;
        };
        out.push_str(&rest[..i]);
        let c = rest.as_bytes()[i];
        let after = &rest[i + 1..];
        if c == b'{' || c == b'}' {
            out.push(c as char);
            rest = if fstring && after.as_bytes().first() == Some(&c) {
                &after[1..]
            } else {
                after
            };
            continue;
        }
        if raw {
            // a backslash still keeps the next char from ending / escaping anything
            out.push('\\');
            rest = after;
            continue;
        }
        let Some(e) = after.chars().next() else {
            out.push('\\');
            return;
        };
        let mut used = e.len_utf8();
        match e {
            '\n' => {}
            '\\' => out.push('\\'),
            '\'' => out.push('\''),
            '"' => out.push('"'),
            'a' => out.push('\x07'),
            'b' => out.push('\x08'),
            'f' => out.push('\x0c'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\x0b'),
            '0'..='7' => {
                let (v, n) = octal_run(after, 3);
                used = n;
                out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
            }
            'x' | 'u' | 'U' => {
                let n = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                match hex_value(&after[1..], n).and_then(char::from_u32) {
                    Some(ch) => {
                        out.push(ch);
                        used = 1 + n;
                    }
                    None => {
                        out.push('\\');
                        out.push(e);
                    }
                }
            }
            _ => {
                // unknown escapes (and \N{...}) stay as written
                out.push('\\');
                out.push(e);
            }
        }
        rest = &after[used..];
    }
}

/// JavaScript string (`template`: false) or template-literal (cooked) body.
pub fn js_unescape(s: &str, template: bool, out: &mut String) {
    let mut rest = s;
    let mut pending_high: Option<u32> = None;
    let flush = |out: &mut String, p: &mut Option<u32>| {
        if p.take().is_some() {
            out.push('\u{fffd}');
        }
    };
    loop {
        let Some(i) = rest.find('\\') else {
            flush(out, &mut pending_high);
            out.push_str(rest);
            return;
        };
        if i > 0 {
            flush(out, &mut pending_high);
        }
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let Some(e) = after.chars().next() else {
            flush(out, &mut pending_high);
            out.push('\\');
            return;
        };
        let mut used = e.len_utf8();
        let mut unit: Option<u32> = None; // a UTF-16 code unit or code point
        match e {
            '\n' | '\u{2028}' | '\u{2029}' => {}
            '\r' => {
                if after[1..].starts_with('\n') {
                    used = 2;
                }
            }
            'b' => unit = Some(8),
            'f' => unit = Some(12),
            'n' => unit = Some(10),
            'r' => unit = Some(13),
            't' => unit = Some(9),
            'v' => unit = Some(11),
            '0' if !after[1..].starts_with(|c: char| c.is_ascii_digit()) => unit = Some(0),
            '0'..='7' if !template => {
                let max = if e <= '3' { 3 } else { 2 };
                let (v, n) = octal_run(after, max);
                used = n;
                unit = Some(v);
            }
            'x' => match hex_value(&after[1..], 2) {
                Some(v) => {
                    unit = Some(v);
                    used = 3;
                }
                None => unit = Some('x' as u32),
            },
            'u' => {
                if after[1..].starts_with('{') {
                    let close = after[2..].find('}');
                    match close.and_then(|c| {
                        let h = &after[2..2 + c];
                        (!h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit()))
                            .then(|| u32::from_str_radix(h, 16).ok())
                            .flatten()
                            .map(|v| (v, c))
                    }) {
                        Some((v, c)) => {
                            unit = Some(v);
                            used = 3 + c;
                        }
                        None => unit = Some('u' as u32),
                    }
                } else {
                    match hex_value(&after[1..], 4) {
                        Some(v) => {
                            unit = Some(v);
                            used = 5;
                        }
                        None => unit = Some('u' as u32),
                    }
                }
            }
            _ => unit = Some(e as u32),
        }
        match unit {
            Some(u) if (0xD800..0xDC00).contains(&u) => {
                flush(out, &mut pending_high);
                pending_high = Some(u);
            }
            Some(u) if (0xDC00..0xE000).contains(&u) => match pending_high.take() {
                Some(h) => {
                    let cp = 0x10000 + ((h - 0xD800) << 10) + (u - 0xDC00);
                    out.push(char::from_u32(cp).unwrap_or('\u{fffd}'));
                }
                None => out.push('\u{fffd}'),
            },
            Some(u) => {
                flush(out, &mut pending_high);
                out.push(char::from_u32(u).unwrap_or('\u{fffd}'));
            }
            None => flush(out, &mut pending_high),
        }
        rest = &after[used..];
    }
}

/// JSX attribute strings have no backslash escapes, only HTML character references.
pub fn html_unescape(s: &str, out: &mut String) {
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let semi = after.find(';').filter(|&j| j <= 10);
        let decoded = semi.and_then(|j| {
            let ent = &after[..j];
            let ch = match ent {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => {
                    if let Some(h) = ent.strip_prefix("#x").or_else(|| ent.strip_prefix("#X")) {
                        u32::from_str_radix(h, 16).ok().and_then(char::from_u32)
                    } else if let Some(dd) = ent.strip_prefix('#') {
                        dd.parse::<u32>().ok().and_then(char::from_u32)
                    } else {
                        None
                    }
                }
            };
            ch.map(|c| (c, j))
        });
        match decoded {
            Some((c, j)) => {
                out.push(c);
                rest = &after[j + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
}

/// Rust string-literal body.
pub fn rust_unescape(s: &str, out: &mut String) {
    let mut rest = s;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let Some(e) = after.chars().next() else {
            out.push('\\');
            return;
        };
        let mut used = e.len_utf8();
        match e {
            '\n' | '\r' => {
                used = after.len() - after.trim_start_matches([' ', '\t', '\n', '\r']).len();
            }
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            '\\' => out.push('\\'),
            '0' => out.push('\0'),
            '\'' => out.push('\''),
            '"' => out.push('"'),
            'x' => match hex_value(&after[1..], 2).and_then(char::from_u32) {
                Some(c) => {
                    out.push(c);
                    used = 3;
                }
                None => out.push_str("\\x"),
            },
            'u' if after[1..].starts_with('{') => {
                let close = after[2..].find('}');
                let v = close.and_then(|c| {
                    let h: String = after[2..2 + c].chars().filter(|&ch| ch != '_').collect();
                    (!h.is_empty() && h.len() <= 6 && h.bytes().all(|b| b.is_ascii_hexdigit()))
                        .then(|| u32::from_str_radix(&h, 16).ok().and_then(char::from_u32))
                        .flatten()
                        .map(|ch| (ch, c))
                });
                match v {
                    Some((ch, c)) => {
                        out.push(ch);
                        used = 3 + c;
                    }
                    None => out.push_str("\\u"),
                }
            }
            _ => {
                out.push('\\');
                out.push(e);
            }
        }
        rest = &after[used..];
    }
    out.push_str(rest);
}

/// Go interpreted-string body. Byte escapes (`\xff`, `\377`) build raw bytes;
/// invalid UTF-8 becomes U+FFFD.
pub fn go_unescape(s: &str) -> String {
    let mut out: Vec<u8> = Vec::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('\\') {
        out.extend_from_slice(&rest.as_bytes()[..i]);
        let after = &rest[i + 1..];
        let Some(e) = after.chars().next() else {
            out.push(b'\\');
            rest = "";
            break;
        };
        let mut used = e.len_utf8();
        let simple = match e {
            'a' => Some(7u8),
            'b' => Some(8),
            'f' => Some(12),
            'n' => Some(b'\n'),
            'r' => Some(b'\r'),
            't' => Some(b'\t'),
            'v' => Some(11),
            '\\' => Some(b'\\'),
            '\'' => Some(b'\''),
            '"' => Some(b'"'),
            _ => None,
        };
        if let Some(b) = simple {
            out.push(b);
        } else {
            match e {
                '0'..='7' => {
                    let (v, n) = octal_run(after, 3);
                    if n == 3 && v <= 255 {
                        out.push(v as u8);
                        used = 3;
                    } else {
                        out.push(b'\\');
                        out.push(e as u8);
                    }
                }
                'x' => match hex_value(&after[1..], 2) {
                    Some(v) => {
                        out.push(v as u8);
                        used = 3;
                    }
                    None => out.extend_from_slice(b"\\x"),
                },
                'u' | 'U' => {
                    let n = if e == 'u' { 4 } else { 8 };
                    match hex_value(&after[1..], n).and_then(char::from_u32) {
                        Some(c) => {
                            let mut buf = [0u8; 4];
                            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                            used = 1 + n;
                        }
                        None => {
                            out.push(b'\\');
                            out.push(e as u8);
                        }
                    }
                }
                _ => {
                    out.push(b'\\');
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(e.encode_utf8(&mut buf).as_bytes());
                }
            }
        }
        rest = &after[used..];
    }
    out.extend_from_slice(rest.as_bytes());
    match String::from_utf8(out) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

// ---------------------------------------------------------------------------
// Placeholders
// ---------------------------------------------------------------------------

/// `str.format` / `format!` / LangChain fields: `{{` -> `{`, `}}` -> `}`,
/// `{field}` kept as written and listed (nested `{}` in the spec allowed).
pub fn brace_fields(s: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(s.len());
    let mut fields = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    let mut last = 0;
    while i < b.len() {
        match b[i] {
            b'{' if b.get(i + 1) == Some(&b'{') => {
                out.push_str(&s[last..i]);
                out.push('{');
                i += 2;
                last = i;
            }
            b'}' if b.get(i + 1) == Some(&b'}') => {
                out.push_str(&s[last..i]);
                out.push('}');
                i += 2;
                last = i;
            }
            b'{' => {
                let mut depth = 0usize;
                let mut j = i;
                let mut close = None;
                while j < b.len() {
                    match b[j] {
                        b'{' => depth += 1,
                        b'}' => {
                            depth -= 1;
                            if depth == 0 {
                                close = Some(j);
                                break;
                            }
                        }
                        b'\n' => break,
                        _ => {}
                    }
                    j += 1;
                }
                match close {
                    Some(j) => {
                        out.push_str(&s[last..=j]);
                        fields.push(s[i..=j].to_string());
                        i = j + 1;
                        last = i;
                    }
                    None => i += 1,
                }
            }
            _ => i += 1,
        }
    }
    out.push_str(&s[last..]);
    (out, fields)
}

/// Python `%` formatting: `%%` -> `%`, conversion specs listed.
pub fn percent_fields(s: &str) -> (String, Vec<String>) {
    static SPEC: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"%(?:%|(?:\([^)\n]*\))?[#0 +\-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[diouxXeEfFgGcrsa])",
        )
        .expect("regex")
    });
    spec_fields(s, &SPEC, "%%", "%")
}

/// Go `fmt` verbs: `%%` -> `%`, verbs listed (`%s`, `%-10v`, `%[1]d`, `%.2f`).
pub fn go_verbs(s: &str) -> (String, Vec<String>) {
    static SPEC: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"%(?:%|[+\-# 0]*(?:\[\d+\])?(?:\*|\d+)?(?:\.(?:\[\d+\])?(?:\*|\d+)?)?(?:\[\d+\])?[a-zA-Z])")
            .expect("regex")
    });
    spec_fields(s, &SPEC, "%%", "%")
}

fn spec_fields(s: &str, re: &Regex, escaped: &str, unescaped: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(s.len());
    let mut fields = Vec::new();
    let mut last = 0;
    for m in re.find_iter(s) {
        out.push_str(&s[last..m.start()]);
        if m.as_str() == escaped {
            out.push_str(unescaped);
        } else {
            out.push_str(m.as_str());
            fields.push(m.as_str().to_string());
        }
        last = m.end();
    }
    out.push_str(&s[last..]);
    (out, fields)
}

// ---------------------------------------------------------------------------
// Python's textwrap.dedent and inspect.cleandoc (CPython 3.11 semantics)
// ---------------------------------------------------------------------------

/// Python's `str.isspace` for one character.
fn py_isspace(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

fn js_isspace(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\x0b' | '\x0c' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202f}'
                | '\u{205f}'
                | '\u{3000}'
                | '\u{feff}'
    )
}

/// `textwrap.dedent`: lines of only spaces/tabs become empty; the longest common
/// leading run of spaces/tabs of the other lines is removed.
pub fn py_dedent(text: &str) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let cleaned: Vec<&str> = lines
        .iter()
        .map(|l| {
            if !l.is_empty() && l.bytes().all(|b| b == b' ' || b == b'\t') {
                ""
            } else {
                *l
            }
        })
        .collect();
    let mut margin: Option<&str> = None;
    for l in &cleaned {
        let indent_len = l.len() - l.trim_start_matches([' ', '\t']).len();
        if indent_len == l.len() {
            continue; // no non-whitespace character on this line
        }
        let indent = &l[..indent_len];
        margin = Some(match margin {
            None => indent,
            Some(m) if indent.starts_with(m) => m,
            Some(m) if m.starts_with(indent) => indent,
            Some(m) => {
                let common = m
                    .bytes()
                    .zip(indent.bytes())
                    .take_while(|(a, b)| a == b)
                    .count();
                &m[..common]
            }
        });
    }
    let margin = margin.unwrap_or("");
    cleaned
        .iter()
        .map(|l| {
            if margin.is_empty() {
                *l
            } else {
                l.strip_prefix(margin).unwrap_or(l)
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `str.expandtabs(8)`.
fn py_expandtabs(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut col = 0usize;
    for c in s.chars() {
        match c {
            '\t' => {
                let n = 8 - col % 8;
                out.extend(std::iter::repeat_n(' ', n));
                col += n;
            }
            '\n' | '\r' => {
                out.push(c);
                col = 0;
            }
            _ => {
                out.push(c);
                col += 1;
            }
        }
    }
    out
}

/// `inspect.cleandoc`.
pub fn py_cleandoc(doc: &str) -> String {
    let expanded = py_expandtabs(doc);
    let mut lines: Vec<String> = expanded.split('\n').map(str::to_string).collect();
    let mut margin = usize::MAX;
    for l in lines.iter().skip(1) {
        let content = l.trim_start_matches(py_isspace).chars().count();
        if content > 0 {
            margin = margin.min(l.chars().count() - content);
        }
    }
    if let Some(first) = lines.first_mut() {
        *first = first.trim_start_matches(py_isspace).to_string();
    }
    if margin < usize::MAX {
        for l in lines.iter_mut().skip(1) {
            *l = l.chars().skip(margin).collect();
        }
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    let lead = lines.iter().take_while(|l| l.is_empty()).count();
    lines.drain(..lead);
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives() {
        let d = parse_directive("// promptcost: budget=1,500, model=gpt-4o;");
        assert!(d.tag && !d.ignore);
        assert_eq!((d.budget, d.model.as_deref()), (Some(1500), Some("gpt-4o")));
        let d = parse_directive("/* promptcost: model='o3' budget=2_000 */");
        assert_eq!((d.budget, d.model.as_deref()), (Some(2000), Some("o3")));
        let d = parse_directive("# PromptCost: IGNORE");
        assert!(d.ignore && !d.tag);
        assert!(parse_directive("# the Prompt for X").tag);
        assert!(
            !parse_directive("# prompts and prompting").tag,
            "the word, not a prefix"
        );
        assert!(!parse_directive("# promptcostly").any());
        let d = parse_directive("# promptcost: budget=abc");
        assert!(d.tag && d.budget.is_none());
    }

    #[test]
    fn input_edit_clamps_inside_characters() {
        // byte 1 is inside 'é': the column is still a byte count, no panic
        let e = input_edit("é\nb", 1, 1, "é\nb", 1);
        assert_eq!((e.start_position.row, e.start_position.column), (0, 1));
    }
}
