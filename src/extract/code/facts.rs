//! File-wide facts a prompt can depend on beyond its own statement: top-level string
//! constants (resolved inside concatenations, f-strings and template literals), the
//! imported modules (which frameworks apply), and the model a constant is sent to (a
//! constant passed to a call with a model argument). Read from top-level statements; a
//! fingerprint tells incremental extraction when they changed. Never emits prompts.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use tree_sitter::Node;

use super::lang::Family;
use super::sdk::imports_in;
use super::select::Cx;
use super::tree::{is_scope, named_children, preorder};
use super::CallTools;

#[derive(Debug, Default)]
pub(crate) struct Facts<'t> {
    /// Top-level names bound once, and their value.
    pub consts: HashMap<String, Node<'t>>,
    pub imports: Vec<String>,
    /// Of `imports`, how many come first as written (the rest are relative imports resolved
    /// against the file's package: they apply framework calls, they do not make the file
    /// one that talks to a model).
    pub written_imports: Option<usize>,
    /// Constant name → the model of a call it is passed to.
    pub model_links: HashMap<String, String>,
    /// Constant name → the tools of a call it is passed to.
    pub tool_links: HashMap<String, CallTools>,
}

/// The (name, value) pairs a top-level statement binds.
fn top_bindings<'t>(stmt: Node<'t>, fam: Family, text: &str, out: &mut Vec<(String, Node<'t>)>) {
    let t = |n: Node| text.get(n.byte_range()).unwrap_or("").to_string();
    match (fam, stmt.kind()) {
        (Family::Py, "expression_statement") => {
            if let Some(a) = stmt.named_child(0).filter(|a| a.kind() == "assignment") {
                if let (Some(l), Some(r)) = (
                    a.child_by_field_name("left"),
                    a.child_by_field_name("right"),
                ) {
                    if l.kind() == "identifier" {
                        out.push((t(l), r));
                    }
                }
            }
        }
        (Family::Js, "export_statement") => {
            if let Some(d) = stmt.child_by_field_name("declaration") {
                top_bindings(d, fam, text, out);
            }
        }
        (Family::Js, "lexical_declaration" | "variable_declaration") => {
            for d in named_children(stmt)
                .into_iter()
                .filter(|d| d.kind() == "variable_declarator")
            {
                if let (Some(n), Some(v)) = (
                    d.child_by_field_name("name"),
                    d.child_by_field_name("value"),
                ) {
                    if n.kind() == "identifier" {
                        out.push((t(n), v));
                    }
                }
            }
        }
        (Family::Rs, "const_item" | "static_item") => {
            if let (Some(n), Some(v)) = (
                stmt.child_by_field_name("name"),
                stmt.child_by_field_name("value"),
            ) {
                out.push((t(n), v));
            }
        }
        (Family::Go, "const_declaration" | "var_declaration") => {
            for spec in named_children(stmt)
                .into_iter()
                .filter(|s| matches!(s.kind(), "const_spec" | "var_spec"))
            {
                let mut c = spec.walk();
                let names: Vec<Node> = spec.children_by_field_name("name", &mut c).collect();
                let values = spec
                    .child_by_field_name("value")
                    .map(named_children)
                    .unwrap_or_default();
                if names.len() == values.len() {
                    for (n, v) in names.into_iter().zip(values) {
                        out.push((t(n), v));
                    }
                }
            }
        }
        _ => {}
    }
}

fn is_import(stmt: Node, fam: Family, text: &str) -> bool {
    match fam {
        Family::Py => matches!(
            stmt.kind(),
            "import_statement" | "import_from_statement" | "future_import_statement"
        ),
        Family::Js => {
            stmt.kind() == "import_statement"
                || (matches!(
                    stmt.kind(),
                    "lexical_declaration" | "variable_declaration" | "expression_statement"
                ) && text
                    .get(stmt.byte_range())
                    .is_some_and(|s| s.contains("require(")))
        }
        _ => false,
    }
}

/// Constants and imports of a file, from its top-level statements (`tops`: the root's
/// children, walked once per extraction).
pub(crate) fn top_level<'t>(tops: &[Node<'t>], text: &str, fam: Family) -> Facts<'t> {
    let mut bindings = Vec::new();
    let mut imports = Vec::new();
    for &stmt in tops.iter().filter(|n| n.is_named()) {
        if is_import(stmt, fam, text) {
            imports_in(text.get(stmt.byte_range()).unwrap_or(""), &mut imports);
        } else {
            top_bindings(stmt, fam, text, &mut bindings);
        }
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (n, _) in &bindings {
        *seen.entry(n.clone()).or_default() += 1;
    }
    let consts = bindings.into_iter().filter(|(n, _)| seen[n] == 1).collect();
    Facts {
        consts,
        imports,
        written_imports: None,
        model_links: HashMap::new(),
        tool_links: HashMap::new(),
    }
}

/// A byte of a word, as [`Cx::word_counts`] splits the text.
pub(crate) fn is_word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80
}

impl<'a> Cx<'a> {
    /// Links each constant to the model (and the tools) of the (first) call it is passed to,
    /// in top-level statements that mention a model.
    pub(crate) fn link_models(&mut self, tops: &[Node<'a>]) {
        if self.facts.consts.is_empty() {
            return;
        }
        let mut links: HashMap<String, String> = HashMap::new();
        let mut tool_links: HashMap<String, CallTools> = HashMap::new();
        for &stmt in tops.iter().filter(|n| n.is_named()) {
            if !self.t(stmt).contains("model") {
                continue;
            }
            let mut calls = Vec::new();
            preorder(stmt, |n| {
                if self.is_call(n) {
                    calls.push(n);
                }
                true
            });
            for call in calls {
                let Some(model) = self.call_model(call) else {
                    continue;
                };
                let Some(args) = call.child_by_field_name("arguments") else {
                    continue;
                };
                let tools = self.call_tools(call);
                let mut steps = 0;
                preorder(args, |n| {
                    steps += 1;
                    if n.kind() == "identifier" || n.kind() == "shorthand_property_identifier" {
                        let name = self.t(n);
                        if self.facts.consts.contains_key(name) {
                            links
                                .entry(name.to_string())
                                .or_insert_with(|| model.clone());
                            if let Some(t) = &tools {
                                tool_links
                                    .entry(name.to_string())
                                    .or_insert_with(|| t.clone());
                            }
                        }
                    }
                    steps < 10_000 && !is_scope(n.kind())
                });
            }
        }
        self.facts.model_links = links;
        self.facts.tool_links = tool_links;
    }

    /// A hash of the facts: constant names, the value texts of constants referenced
    /// anywhere else in the file, imports, model links. (A constant used nowhere else can
    /// change without changing any other statement's prompts.)
    /// `uses` gives how often a constant's name occurs as a word ([`Cx::word_counts`], kept
    /// up to date by the caller so that an edit need not scan the whole text).
    pub(crate) fn facts_fingerprint_with(&self, uses: &dyn Fn(&str) -> usize) -> u64 {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        let mut consts: Vec<(&String, &str)> = self
            .facts
            .consts
            .iter()
            .map(|(k, v)| (k, if uses(k.as_str()) > 1 { self.t(*v) } else { "" }))
            .collect();
        consts.sort();
        consts.hash(&mut h);
        self.facts.imports.hash(&mut h);
        let mut links: Vec<_> = self.facts.model_links.iter().collect();
        links.sort();
        links.hash(&mut h);
        let mut tools: Vec<_> = self.facts.tool_links.iter().collect();
        tools.sort_by_key(|(k, _)| k.as_str());
        tools.hash(&mut h);
        h.finish()
    }

    /// How often each constant's name occurs as a word in the text (one pass).
    pub(crate) fn word_counts(&self) -> HashMap<&str, usize> {
        let mut counts: HashMap<&str, usize> =
            self.facts.consts.keys().map(|k| (k.as_str(), 0)).collect();
        let b = self.text.as_bytes();
        let word = is_word_byte;
        let mut i = 0;
        while i < b.len() {
            if word(b[i]) {
                let s = i;
                while i < b.len() && word(b[i]) {
                    i += 1;
                }
                if let Some(c) = self.text.get(s..i).and_then(|w| counts.get_mut(w)) {
                    *c += 1;
                }
            } else {
                i += 1;
            }
        }
        counts
    }
}
