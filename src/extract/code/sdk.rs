//! SDK and framework signatures as data (`src/queries/frameworks.toml`): which calls send
//! prompts, which arguments are prompts, which argument names the model. Reads the data
//! file once per process and matches calls against it. Never decodes literals.

use std::sync::LazyLock;

use serde::Deserialize;
use tree_sitter::Node;

use super::select::{Cand, Cx, Rank};
use super::CallTools;

const FRAMEWORKS: &str = include_str!("../../queries/frameworks.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrameworkFile {
    call: Vec<CallSpec>,
    #[serde(default)]
    docstring: Vec<DocstringSpec>,
    #[serde(default)]
    module: Vec<ModuleSpec>,
}

/// One `[[module]]` entry: constructors whose instances are called with the prompt's input
/// fields as keyword arguments (`self.qa = dspy.Predict(QA)` ... `self.qa(question="...")`).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ModuleSpec {
    pub framework: String,
    pub imports: Vec<String>,
    pub ctor: Vec<String>,
}

/// Whether `callee` constructs a framework module whose calls take prompt text
/// (`frameworks.toml` `[[module]]`).
pub(crate) fn makes_module(callee: &str, imports: &[String]) -> bool {
    let segs = callee_segments(callee);
    if segs.is_empty() {
        return false;
    }
    FILE.as_ref().is_ok_and(|f| {
        f.module.iter().any(|m| {
            m.ctor.iter().any(|c| callee_matches(&segs, c)) && imports_any(imports, &m.imports)
        })
    })
}

/// One `[[docstring]]` entry: classes whose docstring the framework sends as instructions.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DocstringSpec {
    pub framework: String,
    pub imports: Vec<String>,
    /// Base classes (as written, last dotted segment compared).
    pub bases: Vec<String>,
}

/// One `[[call]]` entry of the frameworks file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CallSpec {
    pub framework: String,
    pub imports: Vec<String>,
    pub callee: Vec<String>,
    #[serde(default)]
    pub prompts: Vec<String>,
    #[serde(default)]
    pub positional: Vec<usize>,
    pub model: Option<String>,
    pub model_position: Option<usize>,
    /// The prompts are templates: `{field}` are placeholders, `{{` is a brace.
    #[serde(default)]
    pub template: bool,
    /// Keyword arguments / properties holding the call's tool definitions.
    #[serde(default)]
    pub tools: Vec<String>,
}

/// `frameworks.toml` that does not parse or has an entry that describes nothing.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum FrameworksError {
    #[error("frameworks.toml: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("frameworks.toml: {framework} entry without imports or callee")]
    NoCallee { framework: String },
    #[error("frameworks.toml: {framework} entry {callee:?} names no prompt and no model")]
    NoPromptNoModel {
        framework: String,
        callee: Vec<String>,
    },
}

static FILE: LazyLock<Result<FrameworkFile, FrameworksError>> =
    LazyLock::new(|| Ok(toml::from_str(FRAMEWORKS)?));

static SPECS: LazyLock<Result<Vec<CallSpec>, FrameworksError>> = LazyLock::new(|| {
    let f = FILE.as_ref().map_err(Clone::clone)?;
    for s in &f.call {
        if s.imports.is_empty() || s.callee.is_empty() {
            return Err(FrameworksError::NoCallee {
                framework: s.framework.clone(),
            });
        }
        if s.prompts.is_empty()
            && s.positional.is_empty()
            && s.model.is_none()
            && s.model_position.is_none()
        {
            return Err(FrameworksError::NoPromptNoModel {
                framework: s.framework.clone(),
                callee: s.callee.clone(),
            });
        }
    }
    Ok(f.call.clone())
});

/// Whether a class with these bases (the `(...)` text) in a file with these imports has its
/// docstring sent as a prompt (`class QA(dspy.Signature): """Answer briefly."""`).
pub(crate) fn docstring_is_prompt(bases: &str, imports: &[String]) -> bool {
    if bases.is_empty() {
        return false;
    }
    let Ok(f) = FILE.as_ref() else { return false };
    let names: Vec<&str> = bases
        .trim_matches(|c| c == '(' || c == ')')
        .split(',')
        .map(|b| b.trim().rsplit('.').next().unwrap_or(""))
        .collect();
    f.docstring.iter().any(|d| {
        d.bases.iter().any(|b| names.contains(&b.as_str())) && imports_any(imports, &d.imports)
    })
}

fn specs() -> &'static [CallSpec] {
    SPECS.as_ref().map(Vec::as_slice).unwrap_or(&[])
}

/// Checks the frameworks file: `Ok` lists the frameworks it describes (sorted, deduplicated).
pub fn frameworks_check() -> Result<Vec<String>, FrameworksError> {
    let specs = SPECS.as_ref().map_err(Clone::clone)?;
    let file = FILE.as_ref().map_err(Clone::clone)?;
    let docs = file
        .docstring
        .iter()
        .map(|d| d.framework.clone())
        .chain(file.module.iter().map(|m| m.framework.clone()));
    let mut names: Vec<String> = specs
        .iter()
        .map(|s| s.framework.clone())
        .chain(docs)
        .collect();
    names.sort();
    names.dedup();
    Ok(names)
}

/// The dotted segments of a callee (`await`, `new`, `?.` and call parentheses dropped):
/// `self.client.chat.completions.create` → `[self, client, chat, completions, create]`.
pub(crate) fn callee_segments(callee: &str) -> Vec<&str> {
    let c = callee
        .trim()
        .trim_start_matches("await ")
        .trim_start_matches("new ");
    c.split(['.', '?'])
        .map(|s| s.split('(').next().unwrap_or("").trim())
        .filter(|s| !s.is_empty())
        .collect()
}

fn callee_matches(segs: &[&str], pattern: &str) -> bool {
    let p: Vec<&str> = pattern.split('.').collect();
    p.len() <= segs.len() && segs[segs.len() - p.len()..] == p[..]
}

/// Whether one of the file's `imports` is one of `wanted` (or a submodule of one).
fn imports_any(imports: &[String], wanted: &[String]) -> bool {
    wanted
        .iter()
        .any(|w| imports.iter().any(|m| module_matches(m, w)))
}

/// Whether `module` (as imported) is `wanted` or one of its submodules.
fn module_matches(module: &str, wanted: &str) -> bool {
    module == wanted
        || module
            .strip_prefix(wanted)
            .is_some_and(|r| r.starts_with(['.', '/']))
}

/// The modules a file imports: Python `import a.b`, `from a.b import c` (also `a.b.c`),
/// JS/TS `from "x"`, `require("x")`, `import("x")`, `import "x"`. Read from top-level
/// statements' text.
pub(crate) fn imports_in(stmt: &str, out: &mut Vec<String>) {
    static PY: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(
            r"(?m)^\s*(?:from\s+([\w.]+)\s+import\s+\(?\s*([\w, \t]+)|import\s+([\w., \t]+))",
        )
        .expect("regex")
    });
    static JS: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r#"(?:\bfrom|\brequire\(|\bimport\(?)\s*['"]([^'"\n]+)['"]"#)
            .expect("regex")
    });
    for c in PY.captures_iter(stmt) {
        if let Some(m) = c.get(1) {
            out.push(m.as_str().to_string());
            for name in c.get(2).map_or("", |x| x.as_str()).split(',') {
                if let Some(n) = name.split_whitespace().next() {
                    out.push(format!("{}.{n}", m.as_str()));
                }
            }
        }
        if let Some(m) = c.get(3) {
            out.extend(
                m.as_str()
                    .split(',')
                    .filter_map(|x| x.split_whitespace().next())
                    .map(str::to_string),
            );
        }
    }
    for c in JS.captures_iter(stmt) {
        out.push(c[1].to_string());
    }
}

/// The framework entries that apply to a call, given the file's imports.
pub(crate) fn specs_for<'s>(callee: &str, imports: &[String]) -> Vec<&'s CallSpec> {
    let segs = callee_segments(callee);
    if segs.is_empty() {
        return Vec::new();
    }
    specs()
        .iter()
        .filter(|s| s.callee.iter().any(|p| callee_matches(&segs, p)))
        .filter(|s| imports_any(imports, &s.imports))
        .collect()
}

/// Whether one of the modules is an SDK or framework of the data file.
pub(crate) fn imports_framework(imports: &[String]) -> bool {
    specs().iter().any(|s| imports_any(imports, &s.imports))
}

/// Keyword / property names that name a model in any call.
const MODEL_KEYS: &[&str] = &["model", "model_name", "modelName", "model_id", "modelId"];

impl<'a> Cx<'a> {
    /// The prompt arguments of a call that a framework entry describes.
    pub(crate) fn framework_call<'t>(&self, call: Node<'t>, out: &mut Vec<Cand<'t>>) {
        let callee = self.callee_text(call);
        let specs = specs_for(&callee, &self.facts.imports);
        let extra = &self.rules.extra_sdk_keywords;
        if specs.is_empty() && extra.is_empty() {
            return;
        }
        let (pos, kw) = self.call_args(call);
        let leaf = callee_segments(&callee)
            .last()
            .copied()
            .unwrap_or("")
            .to_string();
        for spec in &specs {
            for p in &spec.prompts {
                let (key, inner) = p
                    .split_once('.')
                    .map_or((p.as_str(), None), |(a, b)| (a, Some(b)));
                for (k, v) in kw.iter().filter(|(k, _)| k == key) {
                    match inner {
                        Some(inner) => self.nested_arg(*v, inner, out),
                        None => self.prompt_arg(*v, k, spec.template, out),
                    }
                }
            }
            for &i in &spec.positional {
                if let Some(v) = pos.get(i) {
                    if v.kind() != "object" {
                        self.prompt_arg(*v, &format!("{leaf}[{i}]"), spec.template, out);
                    }
                }
            }
        }
        for (k, v) in kw.iter().filter(|(k, _)| extra.contains(k)) {
            self.prompt_arg(*v, k, false, out);
        }
    }

    /// A prompt argument: a messages list, a string, content blocks or a message object.
    fn prompt_arg<'t>(&self, v: Node<'t>, name: &str, template: bool, out: &mut Vec<Cand<'t>>) {
        let v = self.unwrap_value(v);
        if self.is_list(v) {
            let before = out.len();
            self.walk_messages(v, name, template, Rank::Sdk, out, 0);
            if out.len() > before {
                return;
            }
        }
        self.walk_content(v, name, template, Rank::Sdk, out, 0);
    }

    /// `config.system_instruction`: the value of `config` (an object or a call) holds it.
    fn nested_arg<'t>(&self, v: Node<'t>, inner: &str, out: &mut Vec<Cand<'t>>) {
        let v = self.unwrap_value(v);
        let pairs = if self.is_call(v) {
            self.call_args(v).1
        } else if self.is_dict(v) {
            self.pairs(v)
        } else {
            Vec::new()
        };
        for (k, x) in pairs.iter().filter(|(k, _)| k == inner) {
            self.prompt_arg(*x, k, false, out);
        }
    }

    /// The model a call names: its framework's model argument, else a `model=`-like
    /// keyword; a string, a same-file constant, or a provider call's first argument
    /// (`openai("gpt-4o")`, `googleAI.model("gemini-2.5-flash")`).
    pub(crate) fn call_model(&self, call: Node) -> Option<String> {
        let callee = self.callee_text(call);
        if super::rules::is_excluded_callee(&callee) {
            return None;
        }
        let (pos, kw) = self.call_args(call);
        let specs = specs_for(&callee, &self.facts.imports);
        let mut keys: Vec<&str> = specs.iter().filter_map(|s| s.model.as_deref()).collect();
        keys.extend(MODEL_KEYS);
        let by_key = keys
            .iter()
            .find_map(|k| kw.iter().find(|(x, _)| x == k).map(|(_, v)| *v));
        let by_pos = || {
            specs
                .iter()
                .find_map(|s| s.model_position.and_then(|i| pos.get(i).copied()))
        };
        let v = by_key.or_else(by_pos)?;
        self.model_value(v)
    }

    /// The tools argument of a call whose framework entry names one (`tools`, `functions`):
    /// converted to JSON when it is a literal (or a same-file constant holding one).
    pub(crate) fn call_tools(&self, call: Node) -> Option<CallTools> {
        let callee = self.callee_text(call);
        let specs = specs_for(&callee, &self.facts.imports);
        let keys: Vec<&str> = specs
            .iter()
            .flat_map(|s| s.tools.iter().map(String::as_str))
            .collect();
        if keys.is_empty() {
            return None;
        }
        let (_, kw) = self.call_args(call);
        let v = keys
            .iter()
            .find_map(|k| kw.iter().find(|(x, _)| x == k).map(|(_, v)| *v))?;
        let json = self.literal_json(v);
        let mut h = std::collections::hash_map::DefaultHasher::new();
        std::hash::Hash::hash(self.t(call), &mut h);
        Some(CallTools {
            call: std::hash::Hasher::finish(&h),
            partial: json.as_ref().is_some_and(|j| j.partial),
            json: json.map(|j| j.value.to_string()),
        })
    }

    fn model_value(&self, v: Node) -> Option<String> {
        let v = self.unwrap_value(v);
        // a same-file constant: a model name, or a client built with one
        // (`model_client = OpenAIChatCompletionClient(model="gpt-4o")`)
        if let Some(&c) = (v.kind() == "identifier")
            .then(|| self.facts.consts.get(self.t(v)))
            .flatten()
        {
            if c.id() != v.id()
                && !(c.start_byte() <= v.start_byte() && v.end_byte() <= c.end_byte())
            {
                return if self.is_call(c) {
                    self.call_model(c)
                } else {
                    self.model_value(c)
                };
            }
        }
        let name = match self.resolve(v, 0) {
            Some(r) if r.placeholders.is_empty() => r.value,
            Some(_) => return None,
            None if self.is_call(v) => {
                let (pos, kw) = self.call_args(v);
                let first = kw
                    .iter()
                    .find(|(k, _)| MODEL_KEYS.contains(&k.as_str()))
                    .map(|(_, x)| *x)
                    .or(pos.first().copied())?;
                let r = self.resolve(self.unwrap_value(first), 0)?;
                if !r.placeholders.is_empty() {
                    return None;
                }
                r.value
            }
            None => return None,
        };
        let name = name.trim();
        let plausible =
            !name.is_empty() && name.len() <= 120 && !name.contains(char::is_whitespace);
        plausible.then(|| name.to_string())
    }
}
