//! Python: string literals and prefixes, f-strings, implicit concatenation, `%` / `.format`,
//! `textwrap.dedent`, `inspect.cleandoc`, `strip`, `join`, prompt-template constructors.

use tree_sitter::Node;

use super::{hex_value, normalize_newlines, octal_run};
use crate::extract::code::select::Cx;
use crate::extract::code::template::{percent_fields, Resolved};
use crate::extract::code::tree::{all_children, named_children};

impl<'a> Cx<'a> {
    pub(crate) fn resolve_py(&self, n: Node, d: u32) -> Option<Resolved> {
        match n.kind() {
            "string" => self.py_string(n),
            "concatenated_string" => {
                let mut r = Resolved::default();
                for s in named_children(n) {
                    r.append(self.py_string(s)?);
                }
                Some(r)
            }
            "parenthesized_expression" => self.resolve(self.single_inner(n)?, d + 1),
            "binary_operator" => {
                let op = self.t(n.child_by_field_name("operator")?);
                match op {
                    "+" => self.resolve_plus(n, d),
                    "%" => {
                        let left = self.resolve(n.child_by_field_name("left")?, d + 1)?;
                        let (v, fields) = percent_fields(&left.value);
                        let mut placeholders = left.placeholders;
                        placeholders.extend(fields);
                        Some(Resolved {
                            value: v,
                            placeholders,
                            templated: true,
                            borrowed: left.borrowed,
                        })
                    }
                    _ => None,
                }
            }
            "call" => self.py_call(n, d),
            _ => None,
        }
    }

    pub(crate) fn py_call(&self, n: Node, d: u32) -> Option<Resolved> {
        let func = n.child_by_field_name("function")?;
        let (pos, kw) = self.call_args(n);
        let only_arg = |d2: u32| -> Option<Resolved> {
            if pos.len() == 1 && kw.is_empty() {
                self.resolve(pos[0], d2)
            } else {
                None
            }
        };
        match func.kind() {
            "attribute" => {
                let obj = func.child_by_field_name("object")?;
                let attr = self.t(func.child_by_field_name("attribute")?);
                match attr {
                    "format" | "format_map" => Some(self.resolve(obj, d + 1)?.template()),
                    "strip" | "lstrip" | "rstrip" => {
                        let r = self.resolve(obj, d + 1)?;
                        if !kw.is_empty() || pos.len() > 1 {
                            return None;
                        }
                        let chars: Option<Vec<char>> = match pos.first() {
                            Some(a) => Some(self.resolve(*a, d + 1)?.value.chars().collect()),
                            None => None,
                        };
                        let f = |c: char| match &chars {
                            Some(cs) => cs.contains(&c),
                            None => py_isspace(c),
                        };
                        Some(r.map(|v| match attr {
                            "strip" => v.trim_matches(f).to_string(),
                            "lstrip" => v.trim_start_matches(f).to_string(),
                            _ => v.trim_end_matches(f).to_string(),
                        }))
                    }
                    "join" => {
                        let sep = self.resolve(obj, d + 1)?;
                        if pos.len() != 1
                            || !kw.is_empty()
                            || !matches!(pos[0].kind(), "list" | "tuple")
                        {
                            return None;
                        }
                        self.join(named_children(pos[0]), sep, d)
                    }
                    "dedent" if self.t(obj) == "textwrap" => Some(only_arg(d + 1)?.map(py_dedent)),
                    "cleandoc" if self.t(obj) == "inspect" => {
                        Some(only_arg(d + 1)?.map(py_cleandoc))
                    }
                    "from_template" => {
                        let arg = kw
                            .iter()
                            .find(|(k, _)| k == "template")
                            .map(|(_, v)| *v)
                            .or(pos.first().copied())?;
                        Some(self.resolve(arg, d + 1)?.template())
                    }
                    _ if attr.ends_with("PromptTemplate") => self.py_prompt_template(&kw, d),
                    _ => None,
                }
            }
            "identifier" => match self.t(func) {
                "dedent" => Some(only_arg(d + 1)?.map(py_dedent)),
                "cleandoc" => Some(only_arg(d + 1)?.map(py_cleandoc)),
                f if f.ends_with("PromptTemplate") => self.py_prompt_template(&kw, d),
                _ => None,
            },
            _ => None,
        }
    }

    /// `PromptTemplate(template="...", ...)`.
    pub(crate) fn py_prompt_template(&self, kw: &[(String, Node)], d: u32) -> Option<Resolved> {
        let (_, v) = kw.iter().find(|(k, _)| k == "template")?;
        Some(self.resolve(*v, d + 1)?.template())
    }

    pub(crate) fn py_string(&self, n: Node) -> Option<Resolved> {
        if n.kind() != "string" {
            return None;
        }
        let text = self.t(n);
        let q = text.find(['"', '\''])?;
        let prefix = text[..q].to_ascii_lowercase();
        if prefix.contains('b') {
            return None;
        }
        let raw = prefix.contains('r');
        let fmt = prefix.contains('f') || prefix.contains('t');
        let kids = all_children(n);
        let start = kids
            .iter()
            .find(|k| k.kind() == "string_start")
            .map_or(n.start_byte() + q + 1, |k| k.end_byte());
        let end = kids
            .iter()
            .rev()
            .find(|k| k.kind() == "string_end")
            .map_or(n.end_byte(), |k| k.start_byte())
            .max(start);
        let mut r = Resolved {
            templated: fmt,
            ..Default::default()
        };
        let mut pos = start;
        for k in kids.iter().filter(|k| k.kind() == "interpolation") {
            if k.start_byte() < pos || k.end_byte() > end {
                continue;
            }
            py_unescape(
                self.text.get(pos..k.start_byte()).unwrap_or(""),
                raw,
                fmt,
                &mut r.value,
            );
            // `{NAME}` of a same-file constant: its value
            match named_children(*k).as_slice() {
                [e] if self.resolve_const(*e, 0).is_some() => {
                    let c = self.resolve_const(*e, 0).unwrap_or_default();
                    r.value.push_str(&c.value);
                    r.placeholders.extend(c.placeholders);
                    r.borrowed.push(c.value);
                }
                _ => {
                    let it = self.t(*k);
                    r.value.push_str(it);
                    r.placeholders.push(it.to_string());
                }
            }
            pos = k.end_byte();
        }
        py_unescape(
            self.text.get(pos..end).unwrap_or(""),
            raw,
            fmt,
            &mut r.value,
        );
        Some(r)
    }
}
/// Python string body (between the quotes). `raw`: no escapes; `fstring`:
/// `{{`/`}}` are escaped braces. Newlines are normalized as Python reads source.
pub fn py_unescape(s: &str, raw: bool, fstring: bool, out: &mut String) {
    let s = normalize_newlines(s);
    let mut rest: &str = &s;
    loop {
        let Some(i) = rest.find(['\\', '{', '}']) else {
            out.push_str(rest);
            return;
        };
        out.push_str(&rest[..i]);
        let c = rest.as_bytes()[i];
        let after = &rest[i + 1..];
        if c == b'{' || c == b'}' {
            out.push(c as char);
            rest = if fstring && after.as_bytes().first() == Some(&c) {
                &after[1..]
            } else {
                after
            };
            continue;
        }
        if raw {
            // a backslash still keeps the next char from ending / escaping anything
            out.push('\\');
            rest = after;
            continue;
        }
        let Some(e) = after.chars().next() else {
            out.push('\\');
            return;
        };
        let mut used = e.len_utf8();
        match e {
            '\n' => {}
            '\\' => out.push('\\'),
            '\'' => out.push('\''),
            '"' => out.push('"'),
            'a' => out.push('\x07'),
            'b' => out.push('\x08'),
            'f' => out.push('\x0c'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\x0b'),
            '0'..='7' => {
                let (v, n) = octal_run(after, 3);
                used = n;
                out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
            }
            'x' | 'u' | 'U' => {
                let n = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                match hex_value(&after[1..], n).and_then(char::from_u32) {
                    Some(ch) => {
                        out.push(ch);
                        used = 1 + n;
                    }
                    None => {
                        out.push('\\');
                        out.push(e);
                    }
                }
            }
            _ => {
                // unknown escapes (and \N{...}) stay as written
                out.push('\\');
                out.push(e);
            }
        }
        rest = &after[used..];
    }
}
/// Python's `str.isspace` for one character.
pub(crate) fn py_isspace(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}
/// `textwrap.dedent`: lines of only spaces/tabs become empty; the longest common
/// leading run of spaces/tabs of the other lines is removed.
pub fn py_dedent(text: &str) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let cleaned: Vec<&str> = lines
        .iter()
        .map(|l| {
            if !l.is_empty() && l.bytes().all(|b| b == b' ' || b == b'\t') {
                ""
            } else {
                *l
            }
        })
        .collect();
    let mut margin: Option<&str> = None;
    for l in &cleaned {
        let indent_len = l.len() - l.trim_start_matches([' ', '\t']).len();
        if indent_len == l.len() {
            continue; // no non-whitespace character on this line
        }
        let indent = &l[..indent_len];
        margin = Some(match margin {
            None => indent,
            Some(m) if indent.starts_with(m) => m,
            Some(m) if m.starts_with(indent) => indent,
            Some(m) => {
                let common = m
                    .bytes()
                    .zip(indent.bytes())
                    .take_while(|(a, b)| a == b)
                    .count();
                &m[..common]
            }
        });
    }
    let margin = margin.unwrap_or("");
    cleaned
        .iter()
        .map(|l| {
            if margin.is_empty() {
                *l
            } else {
                l.strip_prefix(margin).unwrap_or(l)
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `str.expandtabs(8)`.
pub(crate) fn py_expandtabs(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut col = 0usize;
    for c in s.chars() {
        match c {
            '\t' => {
                let n = 8 - col % 8;
                out.extend(std::iter::repeat_n(' ', n));
                col += n;
            }
            '\n' | '\r' => {
                out.push(c);
                col = 0;
            }
            _ => {
                out.push(c);
                col += 1;
            }
        }
    }
    out
}

/// `inspect.cleandoc`.
pub fn py_cleandoc(doc: &str) -> String {
    let expanded = py_expandtabs(doc);
    let mut lines: Vec<String> = expanded.split('\n').map(str::to_string).collect();
    let mut margin = usize::MAX;
    for l in lines.iter().skip(1) {
        let content = l.trim_start_matches(py_isspace).chars().count();
        if content > 0 {
            margin = margin.min(l.chars().count() - content);
        }
    }
    if let Some(first) = lines.first_mut() {
        *first = first.trim_start_matches(py_isspace).to_string();
    }
    if margin < usize::MAX {
        for l in lines.iter_mut().skip(1) {
            *l = l.chars().skip(margin).collect();
        }
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    let lead = lines.iter().take_while(|l| l.is_empty()).count();
    lines.drain(..lead);
    lines.join("\n")
}
