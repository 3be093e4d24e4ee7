//! Message structures: role/content messages in any container and form (dicts, objects,
//! `dict(role=, content=)`, `(role, text)` pairs, message objects), content blocks, and the
//! arguments of calls. Never decodes literals (that is `dialect`).

use tree_sitter::Node;

use super::select::{Cand, Cx, Rank};
use super::tree::named_children;

impl<'a> Cx<'a> {
    pub(crate) fn is_list(&self, n: Node) -> bool {
        matches!(
            n.kind(),
            "list" | "tuple" | "array" | "block_sequence" | "flow_sequence"
        )
    }
    pub(crate) fn is_dict(&self, n: Node) -> bool {
        matches!(
            n.kind(),
            "dictionary" | "object" | "block_mapping" | "flow_mapping"
        )
    }
    pub(crate) fn is_call(&self, n: Node) -> bool {
        matches!(n.kind(), "call" | "call_expression" | "new_expression")
    }

    /// `(key name, value)` of a dict / object's pairs (a JS shorthand `{ system }` is its own value).
    pub(crate) fn pairs<'t>(&self, n: Node<'t>) -> Vec<(String, Node<'t>)> {
        named_children(n)
            .into_iter()
            .filter_map(|p| match p.kind() {
                "pair" | "block_mapping_pair" | "flow_pair" => Some((
                    self.name_text(p.child_by_field_name("key")?),
                    p.child_by_field_name("value")?,
                )),
                "shorthand_property_identifier" => Some((self.t(p).to_string(), p)),
                _ => None,
            })
            .collect()
    }

    /// Positional and keyword arguments of a call: Python keyword arguments, or the
    /// properties of JS/TS object arguments (which are positional arguments too).
    pub(crate) fn call_args<'t>(&self, call: Node<'t>) -> (Vec<Node<'t>>, Vec<(String, Node<'t>)>) {
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
                        if a.kind() == "object" {
                            kw.extend(self.pairs(a));
                        }
                        pos.push(a);
                    }
                }
            }
        }
        (pos, kw)
    }

    /// A role/content message wherever it is (`{"role": "system", "content": ...}`,
    /// `dict(role=..., content=...)`): its content. The role must be a known role name
    /// when it is a literal.
    pub(crate) fn role_message<'t>(&self, n: Node<'t>, out: &mut Vec<Cand<'t>>) {
        let pairs = if self.is_call(n) {
            self.call_args(n).1
        } else {
            self.pairs(n)
        };
        let Some((_, role)) = pairs.iter().find(|(k, _)| k == "role") else {
            return;
        };
        if let Some(r) = self.resolve(self.unwrap_value(*role), 0) {
            if !is_role(&r.value) {
                return;
            }
        }
        let role = self
            .resolve(*role, 0)
            .map_or_else(|| "message".to_string(), |r| r.value);
        // (Gemini's messages hold `parts`)
        if let Some((k, v)) = pairs.iter().find(|(k, _)| k == "content" || k == "parts") {
            self.walk_content(*v, &format!("{role}.{k}"), false, Rank::Sdk, out, 0);
        }
    }

    /// Emits the string expression `node` as a candidate: each branch of `a or b`,
    /// `a ?? b`, `c ? a : b` on its own, and a literal wrapped in a constructor or helper
    /// (`TextPrompt("...")`, `Template(dedent("..."))`) as that literal. Whether anything
    /// was emitted.
    pub(crate) fn emit<'t>(
        &self,
        node: Node<'t>,
        path: &str,
        template: bool,
        rank: Rank,
        out: &mut Vec<Cand<'t>>,
    ) -> bool {
        let mut any = false;
        for b in self.branches(node) {
            let Some((n, r, wrapped)) = self.resolve_wrapped(b) else {
                // a framework argument or message content (a name that matches the
                // pattern says less: `prompt=question` may be a CLI question)
                if matches!(rank, Rank::Sdk | Rank::SdkMessage | Rank::Tag)
                    && (matches!(
                        b.kind(),
                        "identifier"
                            | "shorthand_property_identifier"
                            | "binary_operator"
                            | "binary_expression"
                    ) || (self.is_call(b)
                        && super::parts::fills_template(&self.callee_text(b))))
                {
                    self.sinks.borrow_mut().push(b.byte_range());
                }
                continue;
            };
            let r = if template { r.template() } else { r };
            if wrapped && !super::rules::reads_as_text(&r.value, &r.placeholders) {
                continue;
            }
            out.push(self.cand(path.to_string(), n, r, rank));
            any = true;
        }
        any
    }

    /// A content-ish value: a string, a list of strings / blocks, a block
    /// (`{"type": "text", "text": ...}`, `{"parts": [...]}`), or a message object.
    pub(crate) fn walk_content<'t>(
        &self,
        n: Node<'t>,
        path: &str,
        template: bool,
        rank: Rank,
        out: &mut Vec<Cand<'t>>,
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
        } else if let Some(body) = comprehension_body(n) {
            // `[{"type": "tool_result", "content": text} for id in ids]`
            self.walk_content(body, &format!("{path}[]"), template, rank, out, d + 1);
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
    pub(crate) fn walk_message_ctor<'t>(
        &self,
        call: Node<'t>,
        path: &str,
        template: bool,
        rank: Rank,
        out: &mut Vec<Cand<'t>>,
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
    pub(crate) fn walk_messages<'t>(
        &self,
        n: Node<'t>,
        path: &str,
        template: bool,
        rank: Rank,
        out: &mut Vec<Cand<'t>>,
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
                    if role.is_some_and(|r| is_role(&r)) {
                        self.walk_content(items[1], &p, true, rank, out, d + 1);
                    }
                }
            } else if self.is_call(el) {
                if self.callee_text(el) == "dict" {
                    let (_, kw) = self.call_args(el);
                    if kw.iter().any(|(k, _)| k == "role") {
                        if let Some((_, v)) = kw.iter().find(|(k, _)| k == "content") {
                            self.walk_content(*v, &p, template, rank, out, d + 1);
                        }
                    }
                    continue;
                }
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
}

/// The element a comprehension builds (`[x for ...]`, `(x for ...)`).
pub(crate) fn comprehension_body(n: Node<'_>) -> Option<Node<'_>> {
    matches!(
        n.kind(),
        "list_comprehension" | "generator_expression" | "set_comprehension"
    )
    .then(|| n.child_by_field_name("body"))
    .flatten()
}

/// Role names of chat messages.
pub(crate) fn is_role(r: &str) -> bool {
    matches!(
        r,
        "system"
            | "human"
            | "user"
            | "ai"
            | "assistant"
            | "developer"
            | "placeholder"
            | "model"
            | "tool"
    )
}
