//! The sites a file's query matches point at (bindings, calls, messages, comments,
//! docstrings...), collected once per extraction (or per window of an edit), for
//! `select.rs` to judge. Never decides what is a prompt.

use std::collections::HashSet;
use std::ops::Range;

use tree_sitter::{Node, QueryCursor, StreamingIterator};

use super::query::{Cap, LangQuery};
use super::select::Cx;
use super::tree::{docstring_of, query_roots};

/// Sites collected from the query matches.
#[derive(Default)]
pub(crate) struct Sites<'t> {
    pub(crate) bindings: Vec<(Node<'t>, Node<'t>)>,
    pub(crate) lists: Vec<(Node<'t>, Node<'t>)>,
    pub(crate) calls: Vec<Node<'t>>,
    pub(crate) role_messages: Vec<Node<'t>>,
    pub(crate) templates: Vec<Node<'t>>,
    pub(crate) messages: Vec<Node<'t>>,
    pub(crate) message_ctors: Vec<Node<'t>>,
    pub(crate) tagged: Vec<Node<'t>>,
    pub(crate) prose: Vec<Node<'t>>,
    /// Function definitions (their returns are followed when their name matches).
    pub(crate) functions: Vec<Node<'t>>,
    pub(crate) prompt_docstrings: Vec<Node<'t>>,
    pub(crate) comments: Vec<Node<'t>>,
    pub(crate) docstrings: HashSet<(usize, usize)>,
    pub(crate) jsx: HashSet<(usize, usize)>,
}

impl<'a> Cx<'a> {
    pub(crate) fn collect<'t>(
        &self,
        root: Node<'t>,
        tops: &[Node<'t>],
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
                // (in order and disjoint: the first ending after the window's start up to
                // the last starting before its end)
                let a = tops.partition_point(|n| n.end_byte() <= w.start);
                let b = tops.partition_point(|n| n.start_byte() < w.end).max(a);
                let tops = &tops[a..b];
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
                let mut get = [None::<Node<'t>>; 16];
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
                if let Some(n) = g(Cap::SdkCall) {
                    s.calls.push(n);
                }
                if let Some(n) = g(Cap::SdkRoleMessage) {
                    s.role_messages.push(n);
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
                if let Some(n) = g(Cap::Prose) {
                    s.prose.push(n);
                }
                if let Some(n) = g(Cap::Function) {
                    s.functions.push(n);
                }
                if let Some(body) = g(Cap::DocstringBody) {
                    if let Some(doc) = docstring_of(body) {
                        // a framework class whose docstring is its instructions (DSPy signatures)
                        let class = body.parent().filter(|c| c.kind() == "class_definition");
                        let bases = class
                            .and_then(|c| c.child_by_field_name("superclasses"))
                            .map_or("", |b| self.t(b));
                        if super::sdk::docstring_is_prompt(bases, &self.facts.imports) {
                            s.prompt_docstrings.push(doc);
                        } else {
                            s.docstrings.insert((doc.start_byte(), doc.end_byte()));
                        }
                    }
                }
            }
        }
        s
    }
}
