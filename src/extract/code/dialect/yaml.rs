//! YAML prompt files: scalar values decoded as a YAML loader does (plain multi-line
//! folding, single-quoted `''`, double-quoted escapes and folding, block literal `|` and
//! folded `>` with chomping and indentation indicators; checked against PyYAML's
//! `safe_load`), `{{var}}` / `{var}` placeholders, the file's `model:`, and the sections
//! that are never sent (`testData`, `evaluators`, ...). Never decides what is a prompt.

use tree_sitter::Node;

use super::super::select::Cx;
use super::super::template::Resolved;
use super::super::tree::named_children;

/// Top-level sections of prompt files that hold test inputs, evaluators or descriptions of
/// variables, never text sent to the model (GitHub Models, LangChain, Semantic Kernel).
const NOT_SENT: &[&str] = &[
    "testData",
    "evaluators",
    "input_variables",
    "output_variable",
    "execution_settings",
    "modelParameters",
    "description",
];

impl<'a> Cx<'a> {
    /// A YAML string scalar (inside its `flow_node` / `block_node`): its decoded value.
    /// Numbers, booleans, nulls, aliases and collections are not strings: `None`.
    pub(crate) fn resolve_yaml(&self, n: Node, _d: u32) -> Option<Resolved> {
        let n = yaml_scalar(n)?;
        let value = match n.kind() {
            "plain_scalar" => {
                if n.named_child(0)?.kind() != "string_scalar" {
                    return None;
                }
                fold_quoted(self.t(n), Quote::Plain)
            }
            "single_quote_scalar" => fold_quoted(inner(self.t(n))?, Quote::Single),
            "double_quote_scalar" => fold_quoted(inner(self.t(n))?, Quote::Double),
            "block_scalar" => block_scalar(self.text.get(n.start_byte()..)?, parent_indent(n))?,
            _ => return None,
        };
        Some(Resolved {
            placeholders: yaml_placeholders(&value),
            value,
            templated: true,
            ..Resolved::default()
        })
    }

    /// Whether `node` lies in a section that is never sent (`testData:`, `evaluators:`).
    pub(crate) fn yaml_not_sent(&self, node: Node) -> bool {
        let mut n = node;
        while let Some(p) = n.parent() {
            if matches!(p.kind(), "block_mapping_pair" | "flow_pair") {
                if let Some(k) = p.child_by_field_name("key") {
                    if NOT_SENT.contains(&self.t(k).trim()) && k.id() != n.id() {
                        return true;
                    }
                }
            }
            n = p;
        }
        false
    }

    /// The model of the document that holds `node`: its top-level `model:` (GitHub Models
    /// `openai/gpt-4o-mini`), else Semantic Kernel's `execution_settings.<service>.model_id`.
    pub(crate) fn yaml_file_model(&self, node: Node) -> Option<String> {
        let mut doc = node;
        while doc.kind() != "document" {
            doc = doc.parent()?;
        }
        let top = named_children(doc)
            .into_iter()
            .find_map(|b| yaml_collection(b).filter(|m| self.is_dict(*m)))?;
        let pairs = self.pairs(top);
        let scalar = |v: Node| self.resolve_yaml(v, 0).map(|r| r.value.trim().to_string());
        if let Some((_, v)) = pairs.iter().find(|(k, _)| k == "model") {
            return scalar(*v).filter(|m| !m.is_empty());
        }
        let (_, settings) = pairs.iter().find(|(k, _)| k == "execution_settings")?;
        let settings = yaml_collection(*settings).filter(|m| self.is_dict(*m))?;
        self.pairs(settings).into_iter().find_map(|(_, service)| {
            let service = yaml_collection(service).filter(|m| self.is_dict(*m))?;
            let (_, id) = self
                .pairs(service)
                .into_iter()
                .find(|(k, _)| k == "model_id")?;
            scalar(id).filter(|m| !m.is_empty())
        })
    }
}

/// The content of a `flow_node` / `block_node` (past its anchor and tag).
pub(crate) fn yaml_content(n: Node<'_>) -> Option<Node<'_>> {
    if !matches!(n.kind(), "flow_node" | "block_node" | "block_sequence_item") {
        return Some(n);
    }
    named_children(n)
        .into_iter()
        .rfind(|c| !matches!(c.kind(), "anchor" | "tag"))
        .and_then(|c| {
            if c.kind() == n.kind() {
                Some(c)
            } else {
                yaml_content(c)
            }
        })
}

fn yaml_scalar(n: Node<'_>) -> Option<Node<'_>> {
    yaml_content(n).filter(|c| {
        matches!(
            c.kind(),
            "plain_scalar" | "single_quote_scalar" | "double_quote_scalar" | "block_scalar"
        )
    })
}

fn yaml_collection(n: Node<'_>) -> Option<Node<'_>> {
    yaml_content(n).filter(|c| {
        matches!(
            c.kind(),
            "block_mapping" | "flow_mapping" | "block_sequence" | "flow_sequence"
        )
    })
}

fn inner(t: &str) -> Option<&str> {
    (t.len() >= 2).then(|| &t[1..t.len() - 1])
}

/// The indentation of the block collection around a block scalar (PyYAML's `self.indent`;
/// `-1` at the document's top).
fn parent_indent(n: Node) -> i64 {
    let mut p = n.parent();
    while let Some(x) = p {
        if matches!(x.kind(), "block_mapping" | "block_sequence") {
            return x.start_position().column as i64;
        }
        p = x.parent();
    }
    -1
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Quote {
    Plain,
    Single,
    Double,
}

/// Plain and quoted scalars: line folding (a line break between text is a space, `n` empty
/// lines are `n` line breaks; whitespace around breaks dropped), `''` in single quotes,
/// escapes and `\` line continuations in double quotes.
fn fold_quoted(text: &str, q: Quote) -> String {
    let mut out = String::with_capacity(text.len());
    let mut ws = String::new();
    let mut it = text.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            ' ' | '\t' => ws.push(c),
            '\r' if it.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                ws.clear();
                let mut breaks = 0;
                loop {
                    while matches!(it.peek(), Some(' ' | '\t')) {
                        it.next();
                    }
                    match it.peek() {
                        Some('\r') => {
                            it.next();
                        }
                        Some('\n') => {
                            it.next();
                            breaks += 1;
                        }
                        _ => break,
                    }
                }
                if breaks == 0 {
                    out.push(' ');
                } else {
                    out.extend(std::iter::repeat_n('\n', breaks));
                }
            }
            '\'' if q == Quote::Single && it.peek() == Some(&'\'') => {
                it.next();
                out.push_str(&ws);
                ws.clear();
                out.push('\'');
            }
            '\\' if q == Quote::Double => {
                out.push_str(&ws);
                ws.clear();
                let Some(e) = it.next() else {
                    out.push('\\');
                    break;
                };
                let simple = match e {
                    '0' => Some('\0'),
                    'a' => Some('\x07'),
                    'b' => Some('\x08'),
                    't' | '\t' => Some('\t'),
                    'n' => Some('\n'),
                    'v' => Some('\x0b'),
                    'f' => Some('\x0c'),
                    'r' => Some('\r'),
                    'e' => Some('\x1b'),
                    ' ' => Some(' '),
                    '"' => Some('"'),
                    '/' => Some('/'),
                    '\\' => Some('\\'),
                    'N' => Some('\u{85}'),
                    '_' => Some('\u{a0}'),
                    'L' => Some('\u{2028}'),
                    'P' => Some('\u{2029}'),
                    _ => None,
                };
                if let Some(ch) = simple {
                    out.push(ch);
                    continue;
                }
                let width = match e {
                    'x' => 2,
                    'u' => 4,
                    'U' => 8,
                    '\r' | '\n' => {
                        // a line continuation: the break and the next line's indentation go
                        if e == '\r' && it.peek() == Some(&'\n') {
                            it.next();
                        }
                        loop {
                            while matches!(it.peek(), Some(' ' | '\t')) {
                                it.next();
                            }
                            // empty lines after an escaped break still count
                            match it.peek() {
                                Some('\n') => {
                                    it.next();
                                    out.push('\n');
                                }
                                Some('\r') => {
                                    it.next();
                                }
                                _ => break,
                            }
                        }
                        continue;
                    }
                    _ => {
                        // not an escape YAML knows: kept as written (a loader would reject it)
                        out.push('\\');
                        out.push(e);
                        continue;
                    }
                };
                let hex: String = it.clone().take(width).collect();
                match super::hex_value(&hex, width).and_then(char::from_u32) {
                    Some(ch) => {
                        for _ in 0..width {
                            it.next();
                        }
                        out.push(ch);
                    }
                    None => {
                        out.push('\\');
                        out.push(e);
                    }
                }
            }
            _ => {
                out.push_str(&ws);
                ws.clear();
                out.push(c);
            }
        }
    }
    out.push_str(&ws);
    out
}

/// A block scalar from its header (`|`, `>`, `|-`, `>+2`, ...) in `src` to the first line
/// indented less than its content, as PyYAML's `scan_block_scalar` reads it.
fn block_scalar(src: &str, parent: i64) -> Option<String> {
    let b = src.as_bytes();
    let folded = match b.first()? {
        b'|' => false,
        b'>' => true,
        _ => return None,
    };
    let mut i = 1;
    let mut chomp: Option<bool> = None; // None clip, Some(true) keep, Some(false) strip
    let mut increment: Option<usize> = None;
    for _ in 0..2 {
        match b.get(i) {
            Some(b'+') if chomp.is_none() => chomp = Some(true),
            Some(b'-') if chomp.is_none() => chomp = Some(false),
            Some(d @ b'1'..=b'9') if increment.is_none() => increment = Some(usize::from(d - b'0')),
            _ => break,
        }
        i += 1;
    }
    // the rest of the header line (spaces, a comment)
    while i < b.len() && b[i] != b'\n' {
        i += 1;
    }
    if i < b.len() {
        i += 1;
    }
    let min_indent = usize::try_from(parent + 1).unwrap_or(0).max(1);
    let col = |i: usize, line_start: usize| i - line_start;
    let mut line_start = i;
    let mut chunks = String::new();
    let mut breaks = String::new();
    let indent;
    match increment {
        None => {
            // auto-detect: the deepest indentation among leading empty lines and the first line
            let mut max_indent = 0;
            while i < b.len() && matches!(b[i], b' ' | b'\r' | b'\n') {
                if b[i] == b' ' {
                    i += 1;
                    max_indent = max_indent.max(col(i, line_start));
                } else {
                    if b[i] == b'\n' {
                        breaks.push('\n');
                        line_start = i + 1;
                    }
                    i += 1;
                }
            }
            indent = min_indent.max(max_indent);
        }
        Some(inc) => {
            indent = min_indent + inc - 1;
            skip_breaks(b, &mut i, &mut line_start, indent, &mut breaks);
        }
    }
    let mut line_break = String::new();
    while col(i, line_start) == indent && i < b.len() {
        chunks.push_str(&breaks);
        let leading_non_space = !matches!(b[i], b' ' | b'\t');
        let s = i;
        while i < b.len() && b[i] != b'\n' {
            i += 1;
        }
        let line = src.get(s..i)?;
        chunks.push_str(line.strip_suffix('\r').unwrap_or(line));
        line_break.clear();
        if i < b.len() {
            line_break.push('\n');
            i += 1;
            line_start = i;
        }
        breaks.clear();
        skip_breaks(b, &mut i, &mut line_start, indent, &mut breaks);
        if col(i, line_start) == indent && i < b.len() {
            if folded && line_break == "\n" && leading_non_space && !matches!(b[i], b' ' | b'\t') {
                if breaks.is_empty() {
                    chunks.push(' ');
                }
            } else {
                chunks.push_str(&line_break);
            }
        } else {
            break;
        }
    }
    if chomp != Some(false) {
        chunks.push_str(&line_break);
    }
    if chomp == Some(true) {
        chunks.push_str(&breaks);
    }
    Some(chunks)
}

/// Empty lines (spaces up to `indent`, then a break): one `\n` each into `breaks`.
fn skip_breaks(
    b: &[u8],
    i: &mut usize,
    line_start: &mut usize,
    indent: usize,
    breaks: &mut String,
) {
    loop {
        while *i - *line_start < indent && b.get(*i) == Some(&b' ') {
            *i += 1;
        }
        match b.get(*i) {
            Some(b'\r') if b.get(*i + 1) == Some(&b'\n') => *i += 1,
            Some(b'\n') => {
                breaks.push('\n');
                *i += 1;
                *line_start = *i;
            }
            _ => return,
        }
    }
}

/// `{{var}}`, `{{ $var }}` (GitHub Models, Semantic Kernel, Mustache) and `{var}`
/// (LangChain f-string templates), as written.
pub(crate) fn yaml_placeholders(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'{' {
            i += 1;
            continue;
        }
        let double = b.get(i + 1) == Some(&b'{');
        let close = if double { "}}" } else { "}" };
        let start = i + if double { 2 } else { 1 };
        let Some(len) = s[start..].find(close) else {
            break;
        };
        let body = &s[start..start + len];
        let ok = if double {
            !body.is_empty() && !body.contains('\n') && !body.contains('{')
        } else {
            let name = body.trim();
            name.chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_')
                && name
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
        };
        if ok {
            let end = start + len + close.len();
            out.push(s[i..end].to_string());
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_and_escapes() {
        assert_eq!(fold_quoted("a\n  b\n\n  c", Quote::Plain), "a b\nc");
        assert_eq!(fold_quoted("it''s  \n x", Quote::Single), "it's x");
        assert_eq!(
            fold_quoted(r"a\tb\x41\u00e9\U0001F600\n", Quote::Double),
            "a\tbAé😀\n"
        );
        assert_eq!(fold_quoted("a \\\n   b", Quote::Double), "a b");
        assert_eq!(fold_quoted("a\\\n   b", Quote::Double), "ab");
    }

    #[test]
    fn block_scalars() {
        assert_eq!(block_scalar("|\n  a\n   b\n\n", 0).unwrap(), "a\n b\n");
        assert_eq!(block_scalar("|-\n  a\n  b\n", 0).unwrap(), "a\nb");
        assert_eq!(block_scalar("|+\n  a\n\n\nx: 1", 0).unwrap(), "a\n\n\n");
        assert_eq!(
            block_scalar(">\n  a\n  b\n\n  c\n   d\n  e\n", 0).unwrap(),
            "a b\nc\n d\ne\n"
        );
        assert_eq!(block_scalar("|2\n    a\n   b\n", 0).unwrap(), "  a\n b\n");
    }

    #[test]
    fn placeholders() {
        assert_eq!(
            yaml_placeholders("Hi {{name}} {{ $topic }} {x} {\"a\": 1} {{"),
            vec!["{{name}}", "{{ $topic }}", "{x}"]
        );
    }
}
