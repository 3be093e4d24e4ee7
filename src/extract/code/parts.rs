//! The parts of a prompt that code builds piece by piece: the variables a prompt's
//! expression names (`f"...{task_context}..."`, `content: feedback`, `"\n".join(lines)`),
//! followed back to their assignments in the same function (`x = "..."`, `x += f"..."`,
//! `lines.append("...")`, `x = append(x, "...")`), to the file's top-level constants
//! (`PREAMBLE = "..."`), and into the functions of the same file whose results it uses
//! (`self.get_platform_info()`, `_format_schema(s)`: their `return` values). The returns of
//! a function named like a prompt (`def build_system_prompt()`) are followed the same way.
//! Each string found is text sent to the model, reported on its own line ("part of" the
//! prompt). Never leaves the file; parameters are not followed to their callers.

use std::collections::{HashMap, HashSet, VecDeque};

use tree_sitter::Node;

use super::functions::{enclosing_function, own_callee, top_of};
use super::lang::Family;
use super::select::{Cand, Cx, Rank};
use super::tree::{is_scope, named_children, preorder};
use super::ModelSource;

/// A local variable to follow: in function `f`, `hops` names away from the prompt.
#[derive(Clone)]
struct Work<'t> {
    f: Node<'t>,
    name: String,
    hops: u32,
    model: Option<(String, ModelSource)>,
    /// Read by an expression that resolves top-level constants into its own value: a
    /// constant reached from here is already counted there.
    resolved: bool,
}

/// The state of one walk over a file's prompts.
struct Walk<'t> {
    root: Node<'t>,
    /// Breadth first: a name is first reached by its shortest chain.
    work: VecDeque<Work<'t>>,
    seen: HashSet<(usize, String)>,
    out: Vec<Cand<'t>>,
    /// The file's functions by name (built on the first call to follow).
    fns: Option<HashMap<String, Vec<Node<'t>>>>,
    /// (function start, parameter) → the arguments calls that were followed pass to it, and
    /// where each was read (`section("Agent instructions", body)` into `def section(title, body)`).
    bound: HashMap<(usize, String), Vec<(Node<'t>, Work<'t>)>>,
}

/// How far a chain of local variables is followed (`a` names `b` names `c`).
const MAX_HOPS: u32 = 6;

/// Text that says something: a word of three letters or more once its placeholders are
/// out, and more than one token (`"- Platform: {p}\n"` yes; `"- {name}: {desc}\n"`, a key
/// such as `"error_type"` no).
pub(crate) fn has_words(value: &str, placeholders: &[String]) -> bool {
    let mut t = value.to_string();
    for p in placeholders {
        t = t.replacen(p.as_str(), " ", 1);
    }
    // template variables of other engines (`{{ name }}`, `${name}`) are not words either
    let t = TEMPLATE_VAR.replace_all(&t, " ");
    let t = t.trim();
    // identifiers and keys (`rollout_id=`, `snake_case`) are not words
    t.contains(char::is_whitespace)
        && t.split_whitespace()
            .filter(|tok| !tok.contains(['_', '=']))
            .flat_map(|tok| tok.split(|c: char| !c.is_alphabetic()))
            .any(|w| w.chars().count() >= 3)
}

static TEMPLATE_VAR: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"\{\{[^{}]*\}\}|\$\{[^{}]*\}|\{%[^{}]*%\}").expect("valid regex")
});

/// Calls that only reshape the text they wrap (`dedent("...")`, `"...".strip()`); any
/// other call around a literal (`d.get("k", "default")`) is not text of the prompt.
fn reshapes_text(callee: &str) -> bool {
    let leaf = callee.rsplit('.').next().unwrap_or(callee);
    matches!(
        leaf,
        "dedent" | "cleandoc" | "strip" | "rstrip" | "lstrip" | "trim" | "trimEnd" | "trimStart"
    )
}

/// Calls that fill a template with their arguments (`t.format(x=a)`, `fmt.Sprintf(t, a)`):
/// the arguments are text of the result.
pub(crate) fn fills_template(callee: &str) -> bool {
    let leaf = callee.rsplit('.').next().unwrap_or(callee);
    matches!(
        leaf,
        "format"
            | "format_map"
            | "substitute"
            | "safe_substitute"
            | "Sprintf"
            | "replace"
            | "render"
            | "render_template"
            | "populate_template"
    )
}

impl<'a> Cx<'a> {
    /// The parts of `prompts`, of the unresolved names that prompt sinks received
    /// (`self.sinks`) and of the returns of `functions` named like the pattern, as
    /// candidates of rank `Part`.
    /// A part is priced in its prompt's model (the call's, or a directive's).
    pub(crate) fn parts<'t>(
        &self,
        root: Node<'t>,
        prompts: &[Cand<'t>],
        functions: &[Node<'t>],
    ) -> Vec<Cand<'t>> {
        let mut w = Walk {
            root,
            work: VecDeque::new(),
            seen: HashSet::new(),
            out: Vec::new(),
            fns: None,
            bound: HashMap::new(),
        };
        for c in prompts {
            let f = enclosing_function(c.node).unwrap_or(root);
            let model = c
                .model
                .clone()
                .or_else(|| self.model_of(c).map(|m| (m, ModelSource::Call)));
            let from = Work {
                f,
                name: c.name.clone(),
                hops: 0,
                model,
                resolved: true,
            };
            self.follow_expr(c.node, &from, &mut w);
        }
        for r in self.sinks.borrow().iter() {
            if let Some(n) = root.descendant_for_byte_range(r.start, r.end) {
                if self.excluded_context(n) {
                    continue;
                }
                let from = Work {
                    f: enclosing_function(n).unwrap_or(root),
                    name: String::new(),
                    hops: 0,
                    model: self.model_around(n).map(|m| (m, ModelSource::Call)),
                    resolved: false,
                };
                if self.is_call(n) {
                    // `content=template.format(answer=a or "(none given)")`
                    self.part_value(n, &from, &mut w);
                } else {
                    self.follow_expr(n, &from, &mut w);
                }
            }
        }
        for &f in functions {
            let Some(name) = self.function_name(f) else {
                continue;
            };
            if self.builds_prompt(&name) && !self.excluded_context(f) {
                self.follow_returns(f, &name, 0, None, &mut w);
            }
        }
        while let Some(x) = w.work.pop_front() {
            if x.hops > MAX_HOPS || !w.seen.insert((x.f.start_byte(), x.name.clone())) {
                continue;
            }
            let mut values = self.values_of(x.f, &x.name);
            // a parameter: what the followed calls pass to it
            if let Some(args) = w.bound.get(&(x.f.start_byte(), x.name.clone())) {
                for (a, caller) in args.clone() {
                    self.part_value(a, &caller, &mut w);
                }
            }
            let mut at = x;
            if values.is_empty() && at.f.id() != root.id() {
                // not assigned in the function: a top-level constant of the file
                // (the same node, found from this walk's root)
                let v = self.facts.consts.get(&at.name).and_then(|v| {
                    root.descendant_for_byte_range(v.start_byte(), v.end_byte())
                        .filter(|n| n.kind() == v.kind())
                });
                if let Some(v) = v {
                    self.crossed(&at.name);
                    values.push(v);
                    at.f = root;
                    at.hops += 1;
                }
            }
            if at.f.id() == root.id() && !values.is_empty() {
                // top-level statements reading each other
                self.crossed(&at.name);
            }
            // a constant that the reading expression resolved is counted there already
            let inside = at.resolved
                && at.f.id() == root.id()
                && self
                    .facts
                    .consts
                    .get(&at.name)
                    .is_some_and(|v| self.resolve(self.unwrap_value(*v), 0).is_some());
            let n0 = w.out.len();
            for v in values {
                self.part_value(v, &at, &mut w);
            }
            for c in &mut w.out[n0..] {
                c.inside |= inside;
            }
        }
        w.out
    }

    /// The names an expression reads and the same-file functions it calls, to follow.
    fn follow_expr<'t>(&self, n: Node<'t>, from: &Work<'t>, w: &mut Walk<'t>) {
        for id in self.free_names(n) {
            w.work.push_back(Work {
                f: from.f,
                name: id,
                hops: from.hops,
                model: from.model.clone(),
                resolved: from.resolved,
            });
        }
        let mut calls = Vec::new();
        preorder(n, |x| {
            // a call interpolated into a string names a value (`f"{self.friendly_name()} ..."`)
            if x.id() != n.id()
                && (is_scope(x.kind())
                    || matches!(x.kind(), "interpolation" | "template_substitution"))
            {
                return false;
            }
            if self.is_call(x) {
                calls.push(x);
            }
            true
        });
        for call in calls {
            self.follow_call(call, from, w);
        }
    }

    /// A call to a function of the same file (`helper(...)`, `self.helper(...)`,
    /// `this.helper(...)`): its returns are text of the caller's value.
    fn follow_call<'t>(&self, call: Node<'t>, from: &Work<'t>, w: &mut Walk<'t>) {
        let callee = self.callee_text(call);
        let Some(name) = own_callee(&callee) else {
            return;
        };
        let fns = w.fns.get_or_insert_with(|| self.functions_by_name(w.root));
        let targets = fns.get(name).cloned().unwrap_or_default();
        if targets.is_empty() {
            return;
        }
        let top = top_of(call).map(|t| t.id());
        for g in targets {
            if top_of(g).map(|t| t.id()) != top {
                self.crossed(name);
            }
            self.bind_args(call, g, from, w);
            self.follow_returns(g, name, from.hops + 1, from.model.clone(), w);
        }
    }

    /// Pairs a followed call's arguments with the parameters of `g` (by position, and by
    /// keyword in Python); an argument of a parameter already followed is followed now.
    fn bind_args<'t>(&self, call: Node<'t>, g: Node<'t>, from: &Work<'t>, w: &mut Walk<'t>) {
        let mut params = self.params_of(g);
        if params.first().is_some_and(|p| p == "self" || p == "cls") {
            params.remove(0);
        }
        let (pos, kw) = self.call_args(call);
        let mut pairs: Vec<(String, Node<'t>)> = Vec::new();
        for (p, a) in params.iter().zip(pos) {
            pairs.push((p.clone(), a));
        }
        if self.fam == Family::Py {
            pairs.extend(kw.into_iter().filter(|(k, _)| params.contains(k)));
        }
        for (p, a) in pairs {
            let caller = Work {
                f: from.f,
                name: p.clone(),
                hops: from.hops + 1,
                model: from.model.clone(),
                resolved: false,
            };
            let key = (g.start_byte(), p);
            if w.seen.contains(&key) {
                self.part_value(a, &caller, w);
            }
            w.bound.entry(key).or_default().push((a, caller));
        }
    }

    /// The values `f` returns, followed as parts.
    fn follow_returns<'t>(
        &self,
        f: Node<'t>,
        name: &str,
        hops: u32,
        model: Option<(String, ModelSource)>,
        w: &mut Walk<'t>,
    ) {
        if hops > MAX_HOPS || !w.seen.insert((f.start_byte(), format!("{name}()"))) {
            return;
        }
        let at = Work {
            f,
            name: name.to_string(),
            hops,
            model,
            resolved: false,
        };
        for r in self.returns_of(f) {
            self.part_value(r, &at, w);
        }
    }

    /// A part of this walk reaches outside the statements it starts from (a top-level
    /// constant, another top-level function): windowed extraction must see the whole file.
    fn crossed(&self, name: &str) {
        self.linked.borrow_mut().insert(name.to_string());
    }

    /// A value given to a local: its strings become parts; the names it uses are followed.
    fn part_value<'t>(&self, v: Node<'t>, x: &Work<'t>, w: &mut Walk<'t>) {
        let v = self.unwrap_value(v);
        if self.is_list(v) {
            for el in named_children(v) {
                self.part_value(el, x, w);
            }
            return;
        }
        if let Some(body) = super::messages::comprehension_body(v) {
            return self.part_value(body, x, w);
        }
        if matches!(v.kind(), "list_splat" | "spread_element") {
            if let Some(inner) = named_children(v).first() {
                self.part_value(*inner, x, w);
            }
            return;
        }
        if self.is_dict(v) {
            // a message or a content block in the value: its text
            let pairs = self.pairs(v);
            let text_block = pairs.iter().any(|(k, t)| {
                k == "type"
                    && self.resolve(*t, 0).is_some_and(|r| {
                        matches!(r.value.as_str(), "text" | "input_text" | "output_text")
                    })
            });
            let message = pairs.iter().any(|(k, _)| k == "role");
            for (k, val) in pairs {
                if (text_block && k == "text") || (message && k == "content") {
                    self.part_value(val, x, w);
                }
            }
            return;
        }
        let next = |name: String, resolved: bool| Work {
            f: x.f,
            name,
            hops: x.hops + 1,
            model: x.model.clone(),
            resolved,
        };
        for b in self.branches(v) {
            if let Some(list) = self.joined_name(b) {
                w.work.push_back(next(list, false));
            } else if let Some(item) = self.joined_item(b) {
                self.part_value(item, x, w);
            } else if let Some((n, r, wrapped)) = self.resolve_wrapped(b) {
                if wrapped && !(self.is_call(b) && reshapes_text(&self.callee_text(b))) {
                    // `section("Title")`: a literal argument is not text; what the function
                    // returns is
                    self.follow_call(b, x, w);
                    continue;
                }
                for id in self.free_names(n) {
                    w.work.push_back(next(id, true));
                }
                if has_words(&r.value, &r.not_own()) && !self.excluded_context(n) {
                    let mut c = self.cand(x.name.clone(), n, r, Rank::Part);
                    c.model.clone_from(&x.model);
                    w.out.push(c);
                }
            } else if self.is_identifier(b) {
                w.work.push_back(next(self.t(b).to_string(), false));
            } else if self.is_plus(b) {
                // `options + format`: names only, each followed
                for op in self.flatten_plus(b) {
                    self.part_value(op, x, w);
                }
            } else if self.is_call(b) {
                let callee = self.callee_text(b);
                if fills_template(&callee) {
                    // each value filled in is text of the result
                    let at = Work {
                        hops: x.hops + 1,
                        ..next(x.name.clone(), false)
                    };
                    let (pos, kw) = self.call_args(b);
                    for a in pos.into_iter().filter(|a| !self.is_dict(*a)) {
                        self.part_value(a, &at, w);
                    }
                    for (_, a) in kw {
                        let a = self.unwrap_value(a);
                        if self.is_dict(a) {
                            // `populate_template(t, variables={"k": "..."})`
                            for (_, v) in self.pairs(a) {
                                self.part_value(v, &at, w);
                            }
                        } else {
                            self.part_value(a, &at, w);
                        }
                    }
                    if let Some(recv) = b
                        .child_by_field_name("function")
                        .and_then(|f| f.child_by_field_name("object"))
                    {
                        self.part_value(recv, x, w);
                    }
                } else if !super::rules::is_excluded_callee(&callee) {
                    self.follow_call(b, x, w);
                    // `instruction_section("Agent instructions", body)`: a callee named like
                    // the pattern takes text
                    let leaf = callee.rsplit('.').next().unwrap_or(&callee);
                    if super::rules::names_prompt_builder(self.rules, leaf) {
                        let at = Work {
                            hops: x.hops + 1,
                            ..x.clone()
                        };
                        for a in self.call_args(b).0 {
                            if !self.is_dict(a) {
                                self.part_value(a, &at, w);
                            }
                        }
                    }
                }
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

    /// What a join of built items joins: `sep.join(f"- {x}" for x in xs)`,
    /// `xs.map((x) => `- ${x}`).join("\n")`: the item expression.
    fn joined_item<'t>(&self, call: Node<'t>) -> Option<Node<'t>> {
        if !self.is_call(call) || !self.callee_text(call).ends_with(".join") {
            return None;
        }
        let f = call.child_by_field_name("function")?;
        match self.fam {
            Family::Py => {
                // `sep.join(x for x in xs)`: the generator is the call's `arguments`
                let args = call.child_by_field_name("arguments")?;
                let gen = if args.kind() == "generator_expression" {
                    args
                } else {
                    *self.call_args(call).0.first()?
                };
                super::messages::comprehension_body(gen)
            }
            Family::Js => {
                let recv = f.child_by_field_name("object")?;
                if !self.is_call(recv) || !self.callee_text(recv).ends_with(".map") {
                    return None;
                }
                let (pos, _) = self.call_args(recv);
                let cb = *pos.first()?;
                if cb.kind() != "arrow_function" {
                    return None;
                }
                self.returns_of(cb).into_iter().next()
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
