//! The parts of a prompt that a function builds piece by piece: the local variables a
//! prompt's expression names (`f"...{task_context}..."`, `content: feedback`,
//! `"\n".join(lines)`), followed back to their assignments in the same function
//! (`x = "..."`, `x += f"..."`, `lines.append("...")`, `x = append(x, "...")`). Each
//! string found there is text sent to the model, reported on its own line ("part of"
//! the prompt). Never leaves the function: no calls, no parameters, no other files.

use std::collections::HashSet;

use tree_sitter::Node;

use super::lang::Family;
use super::select::{Cand, Cx, Rank};
use super::tree::{is_scope, named_children, preorder};
use super::ModelSource;

/// A local variable to follow: in function `f`, `hops` names away from the prompt.
struct Work<'t> {
    f: Node<'t>,
    name: String,
    hops: u32,
    model: Option<(String, ModelSource)>,
}

/// How far a chain of local variables is followed (`a` names `b` names `c`).
const MAX_HOPS: u32 = 4;

/// Kinds that open a function scope: a local variable never crosses one.
fn is_function(kind: &str) -> bool {
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

fn enclosing_function(n: Node<'_>) -> Option<Node<'_>> {
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

/// Text that says something: a word of three letters or more once its placeholders are
/// out, and more than one token (`"- Platform: {p}\n"` yes; `"- {name}: {desc}\n"`, a key
/// such as `"error_type"` no).
fn has_words(value: &str, placeholders: &[String]) -> bool {
    let mut t = value.to_string();
    for p in placeholders {
        t = t.replacen(p.as_str(), " ", 1);
    }
    let t = t.trim();
    t.contains(char::is_whitespace)
        && t.split(|c: char| !c.is_alphabetic())
            .any(|w| w.chars().count() >= 3)
}

/// Calls that only reshape the text they wrap (`dedent("...")`, `"...".strip()`); any
/// other call around a literal (`d.get("k", "default")`) is not text of the prompt.
fn reshapes_text(callee: &str) -> bool {
    let leaf = callee.rsplit('.').next().unwrap_or(callee);
    matches!(
        leaf,
        "dedent" | "cleandoc" | "strip" | "rstrip" | "lstrip" | "trim" | "trimEnd" | "trimStart"
    )
}

impl<'a> Cx<'a> {
    /// The parts of `prompts` and of the unresolved names that prompt sinks received
    /// (`self.sinks`), as candidates of rank `Part`.
    /// A part is priced in its prompt's model (the call's, or a directive's).
    pub(crate) fn parts<'t>(&self, root: Node<'t>, prompts: &[Cand<'t>]) -> Vec<Cand<'t>> {
        let mut work: Vec<Work<'t>> = Vec::new();
        for c in prompts {
            if let Some(f) = enclosing_function(c.node) {
                let model = c
                    .model
                    .clone()
                    .or_else(|| self.model_of(c).map(|m| (m, ModelSource::Call)));
                for id in self.free_names(c.node) {
                    work.push(Work {
                        f,
                        name: id,
                        hops: 0,
                        model: model.clone(),
                    });
                }
            }
        }
        for r in self.sinks.borrow().iter() {
            if let Some(n) = root.descendant_for_byte_range(r.start, r.end) {
                if self.excluded_context(n) {
                    continue;
                }
                if let Some(f) = enclosing_function(n) {
                    let model = self.model_around(n).map(|m| (m, ModelSource::Call));
                    for name in self.free_names(n) {
                        let model = model.clone();
                        work.push(Work {
                            f,
                            name,
                            hops: 0,
                            model,
                        });
                    }
                }
            }
        }
        let mut seen: HashSet<(usize, String)> = HashSet::new();
        let mut out = Vec::new();
        while let Some(w) = work.pop() {
            if w.hops > MAX_HOPS || !seen.insert((w.f.start_byte(), w.name.clone())) {
                continue;
            }
            for v in self.values_of(w.f, &w.name) {
                self.part_value(v, &w, &mut work, &mut out);
            }
        }
        out
    }

    /// A value given to a local: its strings become parts; the names it uses are followed.
    fn part_value<'t>(
        &self,
        v: Node<'t>,
        w: &Work<'t>,
        work: &mut Vec<Work<'t>>,
        out: &mut Vec<Cand<'t>>,
    ) {
        let v = self.unwrap_value(v);
        if self.is_list(v) {
            for el in named_children(v) {
                self.part_value(el, w, work, out);
            }
            return;
        }
        let next = |name: String| Work {
            f: w.f,
            name,
            hops: w.hops + 1,
            model: w.model.clone(),
        };
        for b in self.branches(v) {
            if let Some(list) = self.joined_name(b) {
                work.push(next(list));
            } else if let Some((n, r, wrapped)) = self.resolve_wrapped(b) {
                if wrapped && !(self.is_call(b) && reshapes_text(&self.callee_text(b))) {
                    continue;
                }
                for id in self.free_names(n) {
                    work.push(next(id));
                }
                if has_words(&r.value, &r.placeholders) && !self.excluded_context(n) {
                    let mut c = self.cand(w.name.clone(), n, r, Rank::Part);
                    c.model.clone_from(&w.model);
                    out.push(c);
                }
            } else if self.is_identifier(b) {
                work.push(next(self.t(b).to_string()));
            }
        }
    }

    fn is_identifier(&self, n: Node) -> bool {
        matches!(n.kind(), "identifier" | "shorthand_property_identifier")
    }

    /// Bare local names an expression reads (not attribute objects, callees or keys).
    fn free_names(&self, n: Node) -> Vec<String> {
        let mut out = Vec::new();
        if self.is_identifier(n) {
            return vec![self.t(n).to_string()];
        }
        preorder(n, |x| {
            if is_scope(x.kind()) {
                return false;
            }
            if self.is_identifier(x) && self.reads_as_value(x) {
                out.push(self.t(x).to_string());
            }
            true
        });
        out.sort();
        out.dedup();
        out
    }

    fn reads_as_value(&self, id: Node) -> bool {
        let Some(p) = id.parent() else { return true };
        let is = |field: &str| {
            p.child_by_field_name(field)
                .is_some_and(|c| c.id() == id.id())
        };
        match p.kind() {
            "attribute" | "member_expression" | "field_expression" | "selector_expression" => false,
            "call" | "call_expression" => !is("function"),
            "keyword_argument" | "pair" => !is("name") && !is("key"),
            _ => true,
        }
    }

    /// `sep.join(xs)`, `xs.join(sep)`, `strings.Join(xs, sep)`: the list's name.
    fn joined_name(&self, call: Node) -> Option<String> {
        if !self.is_call(call) {
            return None;
        }
        let callee = self.callee_text(call);
        let (pos, _) = self.call_args(call);
        let first = pos.first().copied().filter(|a| self.is_identifier(*a));
        match self.fam {
            Family::Py if callee.ends_with(".join") => first.map(|a| self.t(a).to_string()),
            Family::Go if callee == "strings.Join" => first.map(|a| self.t(a).to_string()),
            Family::Js | Family::Rs if callee.ends_with(".join") => {
                let recv = callee.strip_suffix(".join")?;
                let ok = !recv.is_empty() && recv.chars().all(|c| c.is_alphanumeric() || c == '_');
                ok.then(|| recv.to_string())
            }
            _ => None,
        }
    }

    /// Every value the function gives `name`: assignments (`=`, `+=`, declarations) and
    /// items added to it (`append`, `extend`, `push`, `push_str`, `insert`, Go's
    /// `append(name, ...)`).
    fn values_of<'t>(&self, f: Node<'t>, name: &str) -> Vec<Node<'t>> {
        let mut out = Vec::new();
        let body = f.child_by_field_name("body").unwrap_or(f);
        preorder(body, |x| {
            if x.id() != body.id() && is_scope(x.kind()) {
                return false;
            }
            self.assigned(x, name, &mut out);
            self.added(x, name, &mut out);
            true
        });
        out
    }

    fn assigned<'t>(&self, x: Node<'t>, name: &str, out: &mut Vec<Node<'t>>) {
        let (target, value) = match x.kind() {
            "assignment"
            | "augmented_assignment"
            | "assignment_expression"
            | "augmented_assignment_expression"
            | "compound_assignment_expr" => (
                x.child_by_field_name("left"),
                x.child_by_field_name("right"),
            ),
            "variable_declarator" | "var_spec" => (
                x.child_by_field_name("name"),
                x.child_by_field_name("value"),
            ),
            "let_declaration" => (
                x.child_by_field_name("pattern"),
                x.child_by_field_name("value"),
            ),
            "short_var_declaration" | "assignment_statement" => {
                let (Some(l), Some(r)) = (
                    x.child_by_field_name("left"),
                    x.child_by_field_name("right"),
                ) else {
                    return;
                };
                let (ls, rs) = (named_children(l), named_children(r));
                if let Some(i) = ls.iter().position(|n| self.t(*n) == name) {
                    if let Some(v) = rs.get(i) {
                        let last = self.go_append_items(*v, name, out);
                        out.push(last);
                    }
                }
                return;
            }
            _ => return,
        };
        if let (Some(t), Some(v)) = (target, value) {
            if self.t(t) == name {
                out.push(v);
            }
        }
    }

    /// Go's `x = append(x, a, b)`: `a` and `b` (the first pushed into `out`, the rest returned
    /// last); any other value is itself.
    fn go_append_items<'t>(&self, v: Node<'t>, name: &str, out: &mut Vec<Node<'t>>) -> Node<'t> {
        if self.fam == Family::Go && self.is_call(v) && self.callee_text(v) == "append" {
            let (pos, _) = self.call_args(v);
            if pos.first().is_some_and(|a| self.t(*a) == name) && pos.len() > 1 {
                let items = &pos[1..];
                out.extend(items[..items.len() - 1].iter().copied());
                return items[items.len() - 1];
            }
        }
        v
    }

    fn added<'t>(&self, x: Node<'t>, name: &str, out: &mut Vec<Node<'t>>) {
        if !self.is_call(x) {
            return;
        }
        let Some(f) = x.child_by_field_name("function") else {
            return;
        };
        let (Some(recv), Some(method)) = (
            f.child_by_field_name("object")
                .or_else(|| f.child_by_field_name("value")),
            f.child_by_field_name("attribute")
                .or_else(|| f.child_by_field_name("property"))
                .or_else(|| f.child_by_field_name("field")),
        ) else {
            return;
        };
        if self.t(recv) != name
            || !matches!(
                self.t(method),
                "append" | "extend" | "push" | "push_str" | "insert" | "unshift" | "add"
            )
        {
            return;
        }
        let (pos, _) = self.call_args(x);
        // `insert(i, x)`: the item is last
        if let Some(v) = if self.t(method) == "insert" {
            pos.last()
        } else {
            pos.first()
        } {
            out.push(*v);
        }
        if matches!(self.t(method), "push" | "unshift") {
            out.extend(pos.iter().skip(1).copied());
        }
    }
}
