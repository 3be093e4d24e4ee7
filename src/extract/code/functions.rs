//! The functions of a source file as prompt parts see them: which nodes open a function,
//! the top-level statement around a node, a function's name, parameters and `return`
//! values, the file's functions by name, and which names say a function builds a prompt.
//! Never follows values (that is `parts.rs`).

use std::collections::HashMap;

use tree_sitter::Node;

use super::lang::Family;
use super::select::Cx;
use super::tree::{is_scope, named_children, preorder};

/// Kinds that open a function scope: a local variable never crosses one.
pub(crate) fn is_function(kind: &str) -> bool {
    matches!(
        kind,
        "function_definition"
            | "lambda"
            | "function_declaration"
            | "generator_function_declaration"
            | "function_expression"
            | "function"
            | "arrow_function"
            | "method_definition"
            | "method_declaration"
            | "func_literal"
            | "function_item"
            | "closure_expression"
    )
}

pub(crate) fn enclosing_function(n: Node<'_>) -> Option<Node<'_>> {
    let mut p = n.parent();
    while let Some(x) = p {
        if is_function(x.kind()) {
            return Some(x);
        }
        if matches!(x.kind(), "class_definition" | "class_declaration" | "class") {
            return None;
        }
        p = x.parent();
    }
    None
}

/// The top-level statement that holds `n` (the root's child).
pub(crate) fn top_of(n: Node<'_>) -> Option<Node<'_>> {
    let mut x = n;
    while let Some(p) = x.parent() {
        if p.parent().is_none() {
            return Some(x);
        }
        x = p;
    }
    None
}

/// The name a call reaches in its own file: `helper(...)`, or a method of the same object
/// (`self.helper(...)`, `this.helper(...)`, `cls.helper(...)`).
pub(crate) fn own_callee(callee: &str) -> Option<&str> {
    let name = match callee.split_once('.') {
        None => callee,
        Some(("self" | "this" | "cls", rest)) if !rest.contains('.') => rest,
        _ => return None,
    };
    (!name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_')).then_some(name)
}

/// The words of a snake_case or camelCase name, lowercased.
fn name_words(name: &str) -> impl Iterator<Item = String> + '_ {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if (c == '_' || (c.is_uppercase() && prev_lower)) && !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
        if c != '_' {
            cur.push(c.to_ascii_lowercase());
        }
        prev_lower = c.is_lowercase();
    }
    words.push(cur);
    words.into_iter().filter(|w| !w.is_empty())
}

impl Cx<'_> {
    /// A function's parameter names, in order.
    pub(crate) fn params_of(&self, g: Node) -> Vec<String> {
        let Some(ps) = g
            .child_by_field_name("parameters")
            .or_else(|| g.child_by_field_name("parameter"))
        else {
            return Vec::new();
        };
        if ps.kind() == "identifier" {
            return vec![self.t(ps).to_string()];
        }
        named_children(ps)
            .into_iter()
            .filter_map(|p| {
                if p.kind() == "identifier" {
                    return Some(self.t(p).to_string());
                }
                let n = p
                    .child_by_field_name("name")
                    .or_else(|| p.child_by_field_name("pattern"))
                    .or_else(|| p.child_by_field_name("left"))
                    .or_else(|| named_children(p).into_iter().next())?;
                (n.kind() == "identifier").then(|| self.t(n).to_string())
            })
            .collect()
    }

    /// The expressions `f` returns: `return` statements outside nested functions, an arrow
    /// function's expression body, a Rust block's tail expression.
    pub(crate) fn returns_of<'t>(&self, f: Node<'t>) -> Vec<Node<'t>> {
        let Some(body) = f.child_by_field_name("body") else {
            return Vec::new();
        };
        let mut out = Vec::new();
        if f.kind() == "arrow_function" && body.kind() != "statement_block" {
            return vec![body];
        }
        preorder(body, |x| {
            if x.id() != body.id() && is_scope(x.kind()) {
                return false;
            }
            if matches!(x.kind(), "return_statement" | "return_expression") {
                if let Some(v) = named_children(x).first() {
                    out.push(if v.kind() == "expression_list" {
                        named_children(*v).first().copied().unwrap_or(*v)
                    } else {
                        *v
                    });
                }
                return false;
            }
            true
        });
        if self.fam == Family::Rs {
            if let Some(last) = named_children(body).last() {
                if !last.kind().ends_with("statement") && !last.kind().ends_with("declaration") {
                    out.push(*last);
                }
            }
        }
        out
    }

    /// A function whose name says it builds a prompt: the name pattern, or (in a file that
    /// talks to a model) a message (`format_user_message_content`, `_build_summary_message`);
    /// not one that sends something to a person or a channel (`send_template_message`).
    pub(crate) fn builds_prompt(&self, name: &str) -> bool {
        let n = name.to_ascii_lowercase();
        if name_words(name).any(|w| matches!(w.as_str(), "send" | "post" | "notify" | "publish")) {
            return false;
        }
        self.rules.name_matches(name)
            || (self.rules.sdk_calls
                && self.uses_llm()
                && n.contains("message")
                && !n.contains("error"))
    }

    /// A function's name: its own, or the variable / property it is bound to.
    pub(crate) fn function_name(&self, f: Node) -> Option<String> {
        if let Some(n) = f.child_by_field_name("name") {
            return Some(self.t(n).to_string());
        }
        let p = f.parent()?;
        let key = match p.kind() {
            "variable_declarator" => p.child_by_field_name("name"),
            "pair" => p.child_by_field_name("key"),
            "assignment_expression" => p.child_by_field_name("left"),
            _ => None,
        }?;
        Some(self.name_text(key))
    }

    /// Every named function of the file (one walk).
    pub(crate) fn functions_by_name<'t>(&self, root: Node<'t>) -> HashMap<String, Vec<Node<'t>>> {
        let mut out: HashMap<String, Vec<Node<'t>>> = HashMap::new();
        let mut steps = 0usize;
        preorder(root, |x| {
            steps += 1;
            if is_function(x.kind()) {
                if let Some(n) = self.function_name(x) {
                    out.entry(n).or_default().push(x);
                }
            }
            steps < 2_000_000
        });
        out
    }
}
