//! Candidates from the query captures (names, prompt classes and modules, framework
//! calls, role/content messages, templates, tagged templates), then exclusions (non-LLM
//! callees, `raise`/`throw`), the literal judgement, ignore, docstrings and dedupe, and
//! each prompt's model: the prompts of a file. Never decodes literals (that is `dialect`).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;

use tree_sitter::Node;

use super::facts::Facts;
use super::lang::Family;
use super::rules::{is_excluded_callee, reads_as_prose, reads_as_text, CompiledRules};
pub(crate) use super::sites::Sites;
use super::template::Resolved;
use super::tree::named_children;
use super::{CodePrompt, ModelSource, Reason};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Rank {
    Tag = 0,
    Name = 1,
    Sdk = 2,
    SdkMessage = 3,
    /// A text argument of a callee named like the pattern (`instruction_section("...")`):
    /// judged like a name, weaker than what a framework entry says of the same call.
    Callee = 4,
    /// A piece of a prompt that the function builds in a local variable (`parts.rs`).
    Part = 5,
    Prose = 6,
}

impl Rank {
    /// Names, prompt classes and prompt modules keep only text that reads as natural
    /// language; tags, framework arguments and messages keep any non-empty text.
    fn judged(self) -> bool {
        matches!(self, Rank::Name | Rank::Callee)
    }
    /// Prose must read as prose: more than a judged name.
    fn prose(self) -> bool {
        self == Rank::Prose
    }
}

#[derive(Debug)]
pub(crate) struct Cand<'t> {
    pub(crate) name: String,
    pub(crate) node: Node<'t>,
    pub(crate) range: Range<usize>,
    pub(crate) res: Resolved,
    pub(crate) rank: Rank,
    pub(crate) budget: Option<u64>,
    pub(crate) cost: crate::cost::CostDirective,
    pub(crate) model: Option<(String, ModelSource)>,
    pub(crate) errors: Vec<String>,
    /// An explicit tag or directive covers it: no exclusion, no judgement.
    pub(crate) tagged: bool,
    /// Its text is counted in another prompt too (a constant that prompt resolves).
    pub(crate) inside: bool,
}

pub(crate) struct Cx<'a> {
    pub(crate) fam: Family,
    /// JSX attribute strings (HTML entities, no backslash escapes), by range.
    pub(crate) jsx: HashSet<(usize, usize)>,
    pub(crate) text: &'a str,
    pub(crate) rules: &'a CompiledRules,
    pub(crate) lines: Vec<usize>,
    pub(crate) facts: Facts<'a>,
    /// The file is a prompt module (`prompts.py`, `prompts/*.ts`): its top-level strings count.
    pub(crate) prompt_module: bool,
    /// Unresolved names that a prompt sink received (`content=feedback`): `parts.rs`
    /// follows them to their assignments.
    pub(crate) sinks: std::cell::RefCell<Vec<Range<usize>>>,
    /// Names of the top-level constants and functions that `parts.rs` reached from
    /// another top-level statement (see `SourceFile::prompts_around`).
    pub(crate) linked: std::cell::RefCell<HashSet<String>>,
}

impl<'a> Cx<'a> {
    pub(crate) fn t(&self, n: Node) -> &'a str {
        self.text.get(n.byte_range()).unwrap_or("")
    }

    pub(crate) fn row(&self, byte: usize) -> usize {
        self.lines.partition_point(|&s| s <= byte).saturating_sub(1)
    }

    pub(crate) fn cand<'t>(
        &self,
        name: String,
        node: Node<'t>,
        res: Resolved,
        rank: Rank,
    ) -> Cand<'t> {
        Cand {
            name,
            node,
            range: node.byte_range(),
            res,
            rank,
            budget: None,
            cost: Default::default(),
            model: None,
            errors: Vec::new(),
            tagged: rank == Rank::Tag,
            inside: false,
        }
    }

    pub(crate) fn run<'t>(&self, root: Node<'t>, sites: Sites<'t>) -> Vec<CodePrompt> {
        let mut cands: Vec<Cand<'t>> = Vec::new();
        let binding_names = self.name_candidates(&sites, &mut cands);
        if self.rules.sdk_calls {
            self.sdk_candidates(&sites, &binding_names, &mut cands);
            if self.uses_llm() {
                self.prose_candidates(&sites, &binding_names, &mut cands);
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
        cands.sort_by_key(|c| c.range.start);
        let ignores = self.apply_comments(root, &sites, &binding_names, &mut cands);
        // Not sent to a model: arguments of human-facing / logging calls, exceptions.
        cands.retain(|c| c.tagged || !self.excluded_context(c.node));
        let ignored = |c: &Range<usize>| {
            let i = ignores.partition_point(|r| r.end <= c.start);
            ignores.get(i).is_some_and(|r| r.start < c.end)
        };
        cands.retain(|c| {
            let own = c.res.not_own();
            !c.res.value.trim().is_empty()
                && !sites.docstrings.contains(&(c.range.start, c.range.end))
                && !ignored(&c.range)
                && (c.tagged
                    || !c.rank.judged()
                    || !self.rules.judge_text
                    || reads_as_text(&c.res.value, &own))
                && (c.tagged || !c.rank.prose() || reads_as_prose(&c.res.value, &own))
        });
        let parts = self.parts(root, &cands, &sites.functions);
        cands.extend(parts.into_iter().filter(|c| !ignored(&c.range)));
        self.dedupe(cands)
            .into_iter()
            .map(|mut c| {
                if c.model.is_none() && self.fam == Family::Yaml {
                    c.model = self.yaml_file_model(c.node).map(|m| (m, ModelSource::File));
                }
                if c.model.is_none() {
                    c.model = self.model_of(&c).map(|m| (m, ModelSource::Call));
                }
                let tools = self.tools_of(&c);
                CodePrompt {
                    name: c.name,
                    range: c.range,
                    value: c.res.value,
                    placeholders: c.res.placeholders,
                    budget: c.budget,
                    cost: c.cost,
                    model_source: c.model.as_ref().map(|m| m.1),
                    model: c.model.map(|m| m.0),
                    directive_errors: c.errors,
                    tools,
                    inside: c.inside,
                    reason: match c.rank {
                        Rank::Tag => Reason::Tag,
                        Rank::Name | Rank::Callee => Reason::Name,
                        Rank::Sdk | Rank::SdkMessage => Reason::Sdk,
                        // prose that a tag names is a tagged prompt
                        Rank::Prose if c.tagged => Reason::Tag,
                        Rank::Prose => Reason::Prose,
                        Rank::Part => Reason::Part,
                    },
                }
            })
            .collect()
    }

    /// Rule 2: bindings whose name matches, members of prompt classes, top-level strings of
    /// prompt modules; dicts and lists bound to a matching name. Returns every binding's
    /// name by value range (to name tagged literals).
    fn name_candidates<'t>(
        &self,
        sites: &Sites<'t>,
        cands: &mut Vec<Cand<'t>>,
    ) -> HashMap<(usize, usize), String> {
        let mut binding_names: HashMap<(usize, usize), String> = HashMap::new();
        let mut bindings: Vec<(String, Node<'t>)> = Vec::new();
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
        for &(name, value) in &sites.bindings {
            self.message_content_set(name, self.unwrap_value(value), cands);
        }
        for (name, value) in &bindings {
            binding_names
                .entry((value.start_byte(), value.end_byte()))
                .or_insert_with(|| name.clone());
            if is_dunder(name) {
                continue;
            }
            let named = self.rules.name_matches(name);
            if named || self.member_of_prompt_scope(*value) {
                let template = name == "template" && self.in_prompt_template_call(*value);
                if !self.emit(*value, name, template, Rank::Name, cands) && named {
                    self.collection_members(*value, name, cands);
                }
            }
        }
        binding_names
    }

    /// The string values of a dict / list bound to a prompt name (`PROMPTS = {"a": "..."}`).
    fn collection_members<'t>(&self, value: Node<'t>, name: &str, cands: &mut Vec<Cand<'t>>) {
        if self.is_dict(value) {
            for (k, v) in self.pairs(value) {
                self.emit(
                    self.unwrap_value(v),
                    &format!("{name}.{k}"),
                    false,
                    Rank::Name,
                    cands,
                );
            }
        } else if self.is_list(value) {
            for (i, v) in named_children(value).into_iter().enumerate() {
                self.emit(
                    self.unwrap_value(v),
                    &format!("{name}[{i}]"),
                    false,
                    Rank::Name,
                    cands,
                );
            }
        }
    }

    /// Rule 3: framework calls, role/content messages, templates, message objects.
    fn sdk_candidates<'t>(
        &self,
        sites: &Sites<'t>,
        binding_names: &HashMap<(usize, usize), String>,
        cands: &mut Vec<Cand<'t>>,
    ) {
        let modules = self.module_instances(sites);
        for &call in &sites.calls {
            self.framework_call(call, cands);
            self.appended_to_prompt(call, cands);
            self.named_callee(call, cands);
            self.module_call(call, &modules, cands);
        }
        for &m in &sites.role_messages {
            self.role_message(m, cands);
        }
        for &doc in &sites.prompt_docstrings {
            if let Some(r) = self.resolve(doc, 0) {
                cands.push(self.cand(
                    "docstring".to_string(),
                    doc,
                    r.map(super::dialect::python::py_cleandoc),
                    Rank::Sdk,
                ));
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
            self.walk_messages(list, "messages", true, Rank::Sdk, cands, 0);
        }
        for &call in &sites.message_ctors {
            let ctor = self.callee_text(call);
            let ctor = ctor.rsplit('.').next().unwrap_or("").to_string();
            self.walk_message_ctor(call, &ctor, false, Rank::SdkMessage, cands, 0);
        }
    }

    /// `instructions.append("...")`, `prompt_parts.extend([...])`, `systemPrompt.push("...")`:
    /// strings added to a collection named like the pattern (judged like names).
    fn appended_to_prompt<'t>(&self, call: Node<'t>, cands: &mut Vec<Cand<'t>>) {
        let Some(f) = call.child_by_field_name("function") else {
            return;
        };
        if !matches!(f.kind(), "attribute" | "member_expression") {
            return;
        }
        let (Some(recv), Some(method)) = (
            f.child_by_field_name("object"),
            f.child_by_field_name("attribute")
                .or_else(|| f.child_by_field_name("property")),
        ) else {
            return;
        };
        if !matches!(
            self.t(method),
            "append" | "extend" | "push" | "insert" | "unshift" | "add"
        ) {
            return;
        }
        let name = self.name_text(recv);
        if !self.rules.name_matches(&name) {
            return;
        }
        for a in self.call_args(call).0 {
            let a = self.unwrap_value(a);
            if self.is_list(a) {
                for (i, el) in named_children(a).into_iter().enumerate() {
                    self.emit(el, &format!("{name}[{i}]"), false, Rank::Name, cands);
                }
            } else {
                self.emit(a, &name, false, Rank::Name, cands);
            }
        }
    }

    /// Whether the file imports an LLM SDK or framework (`frameworks.toml`) or is a prompt
    /// module: then its prose is taken for prompts.
    pub(crate) fn uses_llm(&self) -> bool {
        let written = self
            .facts
            .written_imports
            .unwrap_or(self.facts.imports.len());
        self.prompt_module || super::sdk::imports_framework(&self.facts.imports[..written])
    }

    /// Rule 4: in a file that uses an LLM, the maximal string expressions that read as prose
    /// (several sentences' worth of words), outside non-prompt contexts (docstrings, dict
    /// keys and subscripts, comparisons, descriptions and help texts, human-facing calls).
    fn prose_candidates<'t>(
        &self,
        sites: &Sites<'t>,
        binding_names: &HashMap<(usize, usize), String>,
        cands: &mut Vec<Cand<'t>>,
    ) {
        let mut seen: HashSet<usize> = HashSet::new();
        for &s in &sites.prose {
            let mut top = self.maximal_string(s);
            // a list of literals (lines joined later) is one prompt: its lines joined by `\n`
            let list = top.parent().filter(|p| self.is_list(*p));
            let joined = list.and_then(|l| {
                let nl = Resolved {
                    value: "\n".to_string(),
                    ..Resolved::default()
                };
                self.join(named_children(l), nl, 0)
            });
            if let (Some(l), Some(_)) = (list, &joined) {
                top = l;
            }
            if !seen.insert(top.id()) || !self.prose_context(top) {
                continue;
            }
            let Some(r) = joined.or_else(|| self.resolve(top, 0)) else {
                continue;
            };
            let name = binding_names
                .get(&(top.start_byte(), top.end_byte()))
                .cloned()
                .unwrap_or_else(|| format!("prompt@L{}", self.row(top.start_byte()) + 1));
            if is_dunder(&name) {
                continue;
            }
            cands.push(self.cand(name, top, r, Rank::Prose));
        }
    }

    /// The largest string expression around a literal: implicit concatenation, `+` chains,
    /// parentheses, `.format(...)` / `.strip()` on it, `dedent(...)` of it.
    fn maximal_string<'t>(&self, mut n: Node<'t>) -> Node<'t> {
        for _ in 0..64 {
            let Some(p) = n.parent() else { break };
            let grow = match p.kind() {
                "concatenated_string" | "parenthesized_expression" => true,
                "binary_operator" | "binary_expression" => self.is_plus(p),
                "attribute" | "member_expression" => {
                    p.parent().is_some_and(|c| self.is_call(c))
                        && self.resolve(p.parent().unwrap_or(p), 0).is_some()
                }
                "argument_list" | "arguments" => {
                    p.parent().is_some_and(|c| self.resolve(c, 0).is_some())
                }
                "call" | "call_expression" => self.resolve(p, 0).is_some(),
                _ => false,
            };
            if !grow {
                break;
            }
            n = p;
        }
        n
    }

    /// Where prose is not a prompt: dict keys, subscripts, comparisons, `in` tests,
    /// descriptions / help / titles / names, format specs of log-like calls.
    fn prose_context(&self, n: Node) -> bool {
        let Some(p) = n.parent() else { return true };
        match p.kind() {
            "pair" => {
                p.child_by_field_name("key")
                    .is_none_or(|k| k.id() != n.id())
                    && !non_prompt_key(&self.name_text(p.child_by_field_name("key").unwrap_or(n)))
            }
            "keyword_argument" => {
                !non_prompt_key(p.child_by_field_name("name").map_or("", |k| self.t(k)))
            }
            "subscript"
            | "subscript_expression"
            | "comparison_operator"
            | "expression_statement"
            | "case_pattern"
            | "decorator" => false,
            "binary_expression" => !matches!(
                p.child_by_field_name("operator").map(|o| self.t(o)),
                Some("===" | "!==" | "==" | "!=" | "in" | "instanceof")
            ),
            "assignment" | "variable_declarator" | "augmented_assignment" => {
                let target = p
                    .child_by_field_name("left")
                    .or_else(|| p.child_by_field_name("name"));
                !target.is_some_and(|t| non_prompt_key(&self.name_text(t)))
            }
            _ => true,
        }
    }

    /// Whether a binding's value is a member of a class named like the pattern
    /// (`class EditBlockPrompts: main_system = "..."`) or a top-level binding of a
    /// prompt module.
    fn member_of_prompt_scope(&self, value: Node) -> bool {
        let Some(binding) = value.parent() else {
            return false;
        };
        let stmt = match binding.kind() {
            "assignment" => binding
                .parent()
                .filter(|p| p.kind() == "expression_statement"),
            "variable_declarator" => binding.parent(),
            "field_definition" | "public_field_definition" => Some(binding),
            _ => None,
        };
        let Some(stmt) = stmt else { return false };
        let Some(container) = stmt.parent() else {
            return false;
        };
        let container = if container.kind() == "export_statement" {
            container.parent().unwrap_or(container)
        } else {
            container
        };
        match container.kind() {
            "module" | "program" => self.prompt_module,
            "block" | "class_body" => container
                .parent()
                .filter(|c| {
                    matches!(
                        c.kind(),
                        "class_definition"
                            | "class_declaration"
                            | "class"
                            | "abstract_class_declaration"
                    )
                })
                .and_then(|c| c.child_by_field_name("name"))
                .is_some_and(|n| self.rules.name_matches(self.t(n))),
            _ => false,
        }
    }

    /// Whether a string expression is an argument of a non-LLM callee (`input`, loggers,
    /// `click.prompt`, exceptions, ...) or raised / thrown.
    pub(crate) fn excluded_context(&self, node: Node) -> bool {
        if self.fam == Family::Yaml {
            return self.yaml_not_sent(node);
        }
        let mut n = node;
        for _ in 0..8 {
            let Some(p) = n.parent() else { return false };
            match p.kind() {
                "raise_statement" | "throw_statement" | "assert_statement" => return true,
                "call" | "call_expression" | "new_expression" => {
                    let callee = p
                        .child_by_field_name("function")
                        .or_else(|| p.child_by_field_name("constructor"));
                    // `"...".format(x)`: the literal is the callee's object, not an argument
                    if callee.is_some_and(|c| {
                        c.start_byte() <= node.start_byte() && node.end_byte() <= c.end_byte()
                    }) {
                        n = p;
                        continue;
                    }
                    let text = if p.kind() == "new_expression" {
                        format!("new {}", self.callee_text(p))
                    } else {
                        self.callee_text(p)
                    };
                    // a framework's own feedback to the model (`AgentToolExecutionError`,
                    // `ModelRetry`: `frameworks.toml`) is sent, not shown
                    return is_excluded_callee(&text)
                        && super::sdk::specs_for(&self.callee_text(p), &self.facts.imports)
                            .is_empty();
                }
                "expression_statement"
                | "block"
                | "module"
                | "program"
                | "statement_block"
                | "class_body"
                | "function_definition"
                | "arrow_function" => return false,
                _ => n = p,
            }
        }
        false
    }

    /// The model of the call that sends a prompt: the nearest enclosing call naming a
    /// model, else the call a constant is passed to (`model_links`).
    pub(crate) fn model_of(&self, c: &Cand) -> Option<String> {
        if let Some(m) = self.model_around(c.node) {
            return Some(m);
        }
        let def = self.facts.consts.get(&c.name)?;
        (def.start_byte() <= c.range.start && c.range.end <= def.end_byte())
            .then(|| self.facts.model_links.get(&c.name).cloned())?
    }

    /// The model of the nearest enclosing call in the same statement that names one.
    pub(crate) fn model_around(&self, node: Node) -> Option<String> {
        let mut n = node;
        for _ in 0..12 {
            let Some(p) = n.parent() else { break };
            if self.is_call(p) {
                if let Some(m) = self.call_model(p) {
                    return Some(m);
                }
            }
            if matches!(
                p.kind(),
                "expression_statement" | "block" | "module" | "program" | "statement_block"
            ) {
                break;
            }
            n = p;
        }
        None
    }

    /// The tools of the call that sends a prompt: the nearest enclosing call whose SDK
    /// signature names a tools argument it passes, else the call a constant is passed to.
    fn tools_of(&self, c: &Cand) -> Option<super::CallTools> {
        let mut n = c.node;
        for _ in 0..16 {
            let Some(p) = n.parent() else { break };
            if self.is_call(p) {
                if let Some(t) = self.call_tools(p) {
                    return Some(t);
                }
            }
            if matches!(
                p.kind(),
                "expression_statement" | "block" | "module" | "program" | "statement_block"
            ) {
                break;
            }
            n = p;
        }
        let def = self.facts.consts.get(&c.name)?;
        (def.start_byte() <= c.range.start && c.range.end <= def.end_byte())
            .then(|| self.facts.tool_links.get(&c.name).cloned())?
    }

    /// Strongest reason first, then the larger expression; overlapping candidates dropped.
    #[allow(clippy::unused_self)]
    fn dedupe<'t>(&self, mut cands: Vec<Cand<'t>>) -> Vec<Cand<'t>> {
        // an explicit tag always wins
        cands.sort_by(|a, b| {
            (!a.tagged, a.rank)
                .cmp(&(!b.tagged, b.rank))
                .then((b.range.end - b.range.start).cmp(&(a.range.end - a.range.start)))
                .then(a.range.start.cmp(&b.range.start))
        });
        let mut kept: BTreeMap<usize, Cand<'t>> = BTreeMap::new();
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
        kept.into_values().collect()
    }

    /// Names of a `name.list` capture, in order.
    pub(crate) fn list_names<'t>(&self, n: Node<'t>) -> Vec<Node<'t>> {
        if matches!(n.kind(), "const_spec" | "var_spec") {
            let mut c = n.walk();
            n.children_by_field_name("name", &mut c)
                .filter(|x| x.is_named())
                .collect()
        } else {
            named_children(n)
        }
    }

    pub(crate) fn unwrap_value<'t>(&self, mut n: Node<'t>) -> Node<'t> {
        if self.fam == Family::Yaml {
            return super::dialect::yaml::yaml_content(n).unwrap_or(n);
        }
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

    pub(crate) fn name_text(&self, n: Node) -> String {
        let n = self.unwrap_value(n);
        match n.kind() {
            "string"
            | "interpreted_string_literal"
            | "raw_string_literal"
            | "string_literal"
            | "plain_scalar"
            | "single_quote_scalar"
            | "double_quote_scalar" => match self.resolve(n, 0) {
                Some(r) => r.value,
                None => self.t(n).to_string(),
            },
            "attribute" | "member_expression" | "field_expression" | "selector_expression" => {
                let last = ["attribute", "property", "field"]
                    .iter()
                    .find_map(|f| n.child_by_field_name(f));
                last.map_or_else(|| self.t(n).to_string(), |l| self.t(l).to_string())
            }
            _ => self.t(n).to_string(),
        }
    }

    pub(crate) fn callee_text(&self, call: Node) -> String {
        let f = call
            .child_by_field_name("function")
            .or_else(|| call.child_by_field_name("constructor"));
        f.map_or_else(String::new, |f| self.t(f).to_string())
    }

    /// `template=` keyword / property of a `PromptTemplate(...)` call.
    pub(crate) fn in_prompt_template_call(&self, value: Node) -> bool {
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
}

/// Names whose values describe things to a human or a schema, or name them: `description`,
/// `help`, `title`, `label`, `name`, `id`, `type`, `usage`, `epilog`, `error`, `message` of
/// an exception.
/// Python's module metadata (`__all__`, `__version__`): never a prompt.
fn is_dunder(name: &str) -> bool {
    name.len() > 4 && name.starts_with("__") && name.ends_with("__") && name != "__doc__"
}

fn non_prompt_key(k: &str) -> bool {
    let k = k.to_ascii_lowercase();
    let last = k.rsplit(['.', '_']).next().unwrap_or(&k);
    matches!(
        last,
        "description"
            | "desc"
            | "help"
            | "title"
            | "label"
            | "name"
            | "id"
            | "type"
            | "usage"
            | "epilog"
            | "placeholder"
            | "url"
            | "path"
            | "error"
            | "errors"
            | "msg"
            | "message"
            | "detail"
            | "details"
            | "summary"
            | "feedback"
            | "caption"
            | "status"
            | "warning"
            | "reason"
            | "output"
    ) && !k.contains("prompt")
        && !k.contains("instruction")
}
