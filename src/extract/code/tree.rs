//! Tree-sitter node helpers shared by every language: children, pre-order walks, the
//! query roots, docstrings, containers and scopes. Never language-specific decoding.

use std::collections::{HashMap, HashSet};

use tree_sitter::Node;

pub(crate) fn named_children(n: Node<'_>) -> Vec<Node<'_>> {
    let mut c = n.walk();
    n.named_children(&mut c)
        .filter(|x| !is_comment_kind(x.kind()))
        .collect()
}

pub(crate) fn all_children(n: Node<'_>) -> Vec<Node<'_>> {
    let mut c = n.walk();
    n.children(&mut c).collect()
}

pub(crate) fn is_comment_kind(k: &str) -> bool {
    matches!(
        k,
        "comment" | "line_comment" | "block_comment" | "html_comment"
    )
}

/// Calls `visit` on every node in pre-order; `visit` returns whether to descend.
/// (A TreeCursor walk: `Node::parent` and sibling lookups cost O(depth × width).)
pub(crate) fn preorder<'t>(root: Node<'t>, mut visit: impl FnMut(Node<'t>) -> bool) {
    let mut cursor = root.walk();
    loop {
        if visit(cursor.node()) && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
        }
    }
}

/// For each position, the largest node starting there that is neither the root
/// nor a block-level container (one tree walk for all comments).
pub(crate) fn nodes_starting_at<'t>(
    root: Node<'t>,
    positions: &HashSet<usize>,
) -> HashMap<usize, Node<'t>> {
    let mut found: HashMap<usize, Node<'t>> = HashMap::new();
    let Some(&max) = positions.iter().max() else {
        return found;
    };
    let min = positions.iter().min().copied().unwrap_or(0);
    preorder(root, |n| {
        let s = n.start_byte();
        if n.id() != root.id()
            && s < n.end_byte()
            && !is_container(n.kind())
            && positions.contains(&s)
        {
            found.entry(s).or_insert(n);
        }
        s <= max && n.end_byte() > min
    });
    found
}

/// Where to run the query. The tree-sitter query cursor is quadratic in long
/// runs of anonymous siblings (as in a big ERROR node of unbalanced brackets), so
/// nodes with such runs are not queried whole: their children are, one by one.
pub(crate) fn query_roots(root: Node<'_>) -> Vec<Node<'_>> {
    let mut blocked: HashSet<usize> = HashSet::new();
    let mut path: Vec<usize> = Vec::new(); // ids of the ancestors of the cursor's node
    let mut cursor = root.walk();
    'walk: loop {
        let n = cursor.node();
        if n.child_count() > 256 && n.named_child_count() * 2 < n.child_count() as usize {
            blocked.insert(n.id());
            blocked.extend(path.iter().copied());
        }
        if cursor.goto_first_child() {
            path.push(n.id());
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                break 'walk;
            }
            path.pop();
        }
    }
    if blocked.is_empty() {
        return vec![root];
    }
    let mut roots = Vec::new();
    let mut todo = vec![root];
    while let Some(n) = todo.pop() {
        if blocked.contains(&n.id()) {
            let mut c = n.walk();
            todo.extend(n.children(&mut c));
        } else {
            roots.push(n);
        }
    }
    roots
}

/// The docstring of a Python module / function / class body: its first
/// statement (comments skipped) when that is a lone string.
pub(crate) fn docstring_of(body: Node<'_>) -> Option<Node<'_>> {
    let mut c = body.walk();
    if !c.goto_first_child() {
        return None;
    }
    loop {
        let n = c.node();
        if n.is_named() && !is_comment_kind(n.kind()) {
            if n.kind() != "expression_statement" || n.named_child_count() != 1 {
                return None;
            }
            // a parenthesized string is a docstring too: Python folds the parentheses away
            let mut s = n.named_child(0)?;
            while s.kind() == "parenthesized_expression" {
                let inner: Vec<Node<'_>> = named_children(s)
                    .into_iter()
                    .filter(|k| !is_comment_kind(k.kind()))
                    .collect();
                match inner.as_slice() {
                    [one] => s = *one,
                    _ => return None,
                }
            }
            return matches!(s.kind(), "string" | "concatenated_string").then_some(s);
        }
        if !c.goto_next_sibling() {
            return None;
        }
    }
}

pub(crate) fn is_container(kind: &str) -> bool {
    matches!(
        kind,
        "module"
            | "block"
            | "program"
            | "statement_block"
            | "class_body"
            | "switch_body"
            | "source_file"
            | "declaration_list"
            | "field_declaration_list"
            | "match_block"
            | "statement_list"
    )
}

/// Nodes whose insides a tag before them does not reach.
pub(crate) fn is_scope(kind: &str) -> bool {
    matches!(
        kind,
        "function_definition"
            | "class_definition"
            | "decorated_definition"
            | "lambda"
            | "function_declaration"
            | "generator_function_declaration"
            | "function_expression"
            | "function"
            | "arrow_function"
            | "class_declaration"
            | "abstract_class_declaration"
            | "class"
            | "method_definition"
            | "interface_declaration"
            | "function_item"
            | "impl_item"
            | "trait_item"
            | "mod_item"
            | "closure_expression"
            | "method_declaration"
            | "func_literal"
    )
}
