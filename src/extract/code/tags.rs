//! Comment tags and directives: which statement a comment applies to, and the string
//! expression a tag picks there. Never decides names or SDK rules.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use tree_sitter::Node;

use super::select::{Cand, Cx, Rank, Sites};
use super::template::Resolved;
use super::tree::{is_comment_kind, is_container, is_scope, named_children, nodes_starting_at};
use super::ModelSource;
use crate::extract::directive::Directive;

impl<'a> Cx<'a> {
    /// Applies the comments: tags add candidates (or mark the ones of their statement as
    /// tagged), directives set budgets and models, `ignore` returns the ignored ranges
    /// (sorted, disjoint). `cands` must be sorted by start.
    pub(crate) fn apply_comments<'t>(
        &self,
        root: Node<'t>,
        sites: &Sites<'t>,
        binding_names: &HashMap<(usize, usize), String>,
        cands: &mut Vec<Cand<'t>>,
    ) -> Vec<Range<usize>> {
        let mut tag_cands: Vec<Cand<'t>> = Vec::new();
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
            let mut d = comment_directive(self.t(c));
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
                    if d.any() || !d.errors.is_empty() {
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
                    cand.tagged |= d.tag;
                    if d.budget.is_some() {
                        cand.budget = d.budget;
                    }
                    if d.cost != crate::cost::CostDirective::default() {
                        cand.cost = d.cost.clone();
                    }
                    if let Some(m) = &d.model {
                        cand.model = Some((m.clone(), ModelSource::Directive));
                    }
                    cand.errors.extend(d.errors.iter().cloned());
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
                    cand.cost = d.cost.clone();
                    cand.model = d.model.clone().map(|m| (m, ModelSource::Directive));
                    cand.errors = d.errors.clone();
                    tag_cands.push(cand);
                }
            }
        }
        cands.extend(tag_cands);
        ignores.sort_by_key(|r| r.start);
        let mut merged: Vec<Range<usize>> = Vec::new();
        for r in ignores {
            match merged.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        merged
    }

    /// Where a comment's target starts: the next line (own-line comments; a
    /// comment there continues the group), the next token on the same line
    /// (inline block comments) or the start of the line (trailing comments).
    pub(crate) fn comment_lookup(&self, c: Node, comment_starts: &HashSet<usize>) -> Option<Look> {
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
    pub(crate) fn tag_target<'t>(
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
            if is_scope(x.kind()) || is_container(x.kind()) || is_comment_kind(x.kind()) || is_key {
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
}

/// What a comment points at (see `Cx::comment_lookup`).
pub(crate) enum Look {
    /// Another comment starts the next line, at this byte: a comment group.
    Group(usize),
    /// The largest node starting at this byte; `true` for a trailing comment.
    Node(usize, bool),
}

/// The directive a comment carries. Only a comment that *is* a tag tags: its whole text is
/// `prompt` (`# prompt`, `// prompt`, `/* prompt */`), or it holds a `promptcost:` directive
/// (which tags unless it says `ignore`). A comment that merely mentions the word does not.
pub(crate) fn comment_directive(comment: &str) -> Directive {
    if let Some(mut d) = crate::extract::directive::parse(comment) {
        d.tag = !d.ignore;
        return d;
    }
    let body = comment
        .trim()
        .trim_start_matches(['#', '/', '*', '!'])
        .trim_end_matches("*/")
        .trim();
    let body = body.strip_suffix(':').unwrap_or(body).trim();
    Directive {
        tag: body.eq_ignore_ascii_case("prompt"),
        ..Directive::default()
    }
}
