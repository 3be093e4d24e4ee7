//! String expressions per language: the dispatch, `+` chains, joins and the escape helpers
//! the dialects share. One file per dialect. Never decides whether a value is a prompt.

pub(crate) mod ecma;
pub(crate) mod go;
pub(crate) mod python;
pub(crate) mod rust;
pub(crate) mod yaml;

use tree_sitter::Node;

use super::lang::Family;
use super::select::Cx;
use super::template::Resolved;
use super::tree::named_children;

pub(crate) const MAX_DEPTH: u32 = 48;
impl<'a> Cx<'a> {
    pub(crate) fn is_plus(&self, n: Node) -> bool {
        matches!(n.kind(), "binary_operator" | "binary_expression")
            && n.child_by_field_name("operator")
                .is_some_and(|o| self.t(o) == "+")
    }

    /// Operands of a `+` chain, left to right (iterative: chains can be long).
    pub(crate) fn flatten_plus<'t>(&self, n: Node<'t>) -> Vec<Node<'t>> {
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

    /// A `+` chain: literals and same-file constants joined, other operands kept as
    /// placeholders; at least one operand must be a string expression.
    pub(crate) fn resolve_plus(&self, n: Node, d: u32) -> Option<Resolved> {
        let mut r = Resolved::default();
        let mut strings = 0;
        for op in self.flatten_plus(n) {
            if op.id() == n.id() {
                return None;
            }
            let (part, is_string) = self.resolve_part(op, d + 1)?;
            strings += usize::from(is_string);
            r.append(part);
        }
        (strings > 0).then_some(r)
    }

    /// A part of a larger string expression and whether it is a literal: a string
    /// expression (`true`), a same-file constant's value, or a name / member / call /
    /// subscript kept as a placeholder (both `false`). An expression needs one literal.
    pub(crate) fn resolve_part(&self, n: Node, d: u32) -> Option<(Resolved, bool)> {
        if let Some(r) = self.resolve(n, d) {
            return Some((r, true));
        }
        if let Some(mut r) = self.resolve_const(n, d) {
            // its text counts, but it is not a literal of this expression
            r.borrowed = vec![r.value.clone()];
            return Some((r, false));
        }
        let placeholder_kinds = [
            "identifier",
            "attribute",
            "member_expression",
            "subscript",
            "subscript_expression",
            "call",
            "call_expression",
            "field_expression",
            "selector_expression",
            "index_expression",
        ];
        if d > MAX_DEPTH || !placeholder_kinds.contains(&n.kind()) {
            return None;
        }
        let p = self.placeholder(n);
        Some((
            Resolved {
                value: p.clone(),
                placeholders: vec![p],
                ..Resolved::default()
            },
            false,
        ))
    }

    /// A bare name bound once at the top level of the file to a string expression.
    pub(crate) fn resolve_const(&self, n: Node, d: u32) -> Option<Resolved> {
        if n.kind() != "identifier" || d > MAX_DEPTH {
            return None;
        }
        let v = *self.facts.consts.get(self.t(n))?;
        if v.start_byte() <= n.start_byte() && n.end_byte() <= v.end_byte() {
            return None; // a self-reference
        }
        self.resolve(v, d + 1)
            .or_else(|| self.resolve_plus_const(v, d + 1))
    }

    fn resolve_plus_const(&self, v: Node, d: u32) -> Option<Resolved> {
        self.is_plus(v).then(|| self.resolve_plus(v, d)).flatten()
    }

    /// The alternatives of `a or b`, `a ?? b`, `a || b`, `c if x else d`, `x ? c : d`
    /// (nested, at most 16); otherwise `n` itself.
    pub(crate) fn branches<'t>(&self, n: Node<'t>) -> Vec<Node<'t>> {
        let mut out = Vec::new();
        let mut stack = vec![n];
        while let Some(x) = stack.pop() {
            if out.len() + stack.len() > 16 {
                out.push(x);
                continue;
            }
            let op = x.child_by_field_name("operator").map(|o| self.t(o));
            let kids: Vec<Node<'t>> = match x.kind() {
                "boolean_operator" if op == Some("or") => [
                    x.child_by_field_name("left"),
                    x.child_by_field_name("right"),
                ]
                .into_iter()
                .flatten()
                .collect(),
                "binary_expression" if matches!(op, Some("||" | "??")) => [
                    x.child_by_field_name("left"),
                    x.child_by_field_name("right"),
                ]
                .into_iter()
                .flatten()
                .collect(),
                "conditional_expression" => {
                    let k = named_children(x);
                    if k.len() == 3 {
                        vec![k[0], k[2]]
                    } else {
                        Vec::new()
                    }
                }
                "ternary_expression" => [
                    x.child_by_field_name("consequence"),
                    x.child_by_field_name("alternative"),
                ]
                .into_iter()
                .flatten()
                .collect(),
                "parenthesized_expression" if self.resolve(x, 0).is_none() => {
                    self.single_inner(x).into_iter().collect()
                }
                _ => Vec::new(),
            };
            if kids.is_empty() {
                out.push(x);
            } else {
                stack.extend(kids.into_iter().rev());
            }
        }
        out
    }

    /// A string expression, or a literal wrapped in a constructor or helper
    /// (`TextPrompt("...")`, `Template(dedent("..."))`, `with_handoff("...")`): the
    /// literal's node and value, and whether it was unwrapped (then it must read as text).
    pub(crate) fn resolve_wrapped<'t>(&self, n: Node<'t>) -> Option<(Node<'t>, Resolved, bool)> {
        if let Some(r) = self.resolve(n, 0) {
            return Some((n, r, false));
        }
        let mut call = n;
        for _ in 0..3 {
            if !self.is_call(call) || super::rules::is_excluded_callee(&self.callee_text(call)) {
                return None;
            }
            let (pos, kw) = self.call_args(call);
            let arg = kw
                .iter()
                .find(|(k, _)| {
                    matches!(
                        k.as_str(),
                        "template" | "content" | "text" | "prompt" | "instructions"
                    )
                })
                .map(|(_, v)| *v)
                .or(pos.first().copied())?;
            if let Some(r) = self.resolve(arg, 0) {
                return Some((arg, r, true));
            }
            call = arg;
        }
        None
    }

    pub(crate) fn single_inner<'t>(&self, n: Node<'t>) -> Option<Node<'t>> {
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
    pub(crate) fn resolve(&self, n: Node, d: u32) -> Option<Resolved> {
        if d > MAX_DEPTH || n.is_missing() {
            return None;
        }
        match self.fam {
            Family::Py => self.resolve_py(n, d),
            Family::Js => self.resolve_js(n, d),
            Family::Rs => self.resolve_rs(n, d),
            Family::Go => self.resolve_go(n, d),
            Family::Yaml => self.resolve_yaml(n, d),
        }
    }

    pub(crate) fn join(&self, items: Vec<Node>, sep: Resolved, d: u32) -> Option<Resolved> {
        let mut r = Resolved {
            templated: sep.templated,
            ..Default::default()
        };
        let mut strings = 0;
        for (i, it) in items.into_iter().enumerate() {
            if i > 0 {
                r.append(sep.clone());
            }
            // any other item of a joined list is text too (`*lines`, `a if c else b`): a
            // placeholder
            let (part, is_string) = self.resolve_part(it, d + 1).unwrap_or_else(|| {
                let p = self.placeholder(it);
                (
                    Resolved {
                        value: p.clone(),
                        placeholders: vec![p],
                        ..Resolved::default()
                    },
                    false,
                )
            });
            strings += usize::from(is_string);
            r.append(part);
        }
        (strings > 0).then_some(r)
    }

    /// An expression kept as written, as the language's interpolation (`{x}`, `${x}`).
    pub(crate) fn placeholder(&self, n: Node) -> String {
        let text = self.t(n);
        match self.fam {
            Family::Js => format!("${{{text}}}"),
            _ => format!("{{{text}}}"),
        }
    }
}
pub(crate) fn strip_quotes(text: &str) -> &str {
    let mut chars = text.chars();
    let Some(q) = chars.next() else { return "" };
    let rest = &text[q.len_utf8()..];
    rest.strip_suffix(q).unwrap_or(rest)
}

pub(crate) fn normalize_crlf(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains('\r') {
        std::borrow::Cow::Owned(s.replace("\r\n", "\n"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// CRLF and lone CR to LF (Python source, JS templates).
pub(crate) fn normalize_newlines(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains('\r') {
        std::borrow::Cow::Owned(s.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}
pub(crate) fn hex_value(s: &str, n: usize) -> Option<u32> {
    let h = s.get(..n)?;
    if h.len() == n && h.bytes().all(|b| b.is_ascii_hexdigit()) {
        u32::from_str_radix(h, 16).ok()
    } else {
        None
    }
}

pub(crate) fn octal_run(s: &str, max: usize) -> (u32, usize) {
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
