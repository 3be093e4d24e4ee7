//! Rust: string and raw string literals, `format!`, `concat!`, `.into()` and friends.

use tree_sitter::Node;

use super::{hex_value, normalize_crlf, strip_quotes};
use crate::extract::code::select::Cx;
use crate::extract::code::template::Resolved;
use crate::extract::code::tree::{all_children, is_comment_kind, named_children};

impl<'a> Cx<'a> {
    // ---- Rust

    pub(crate) fn resolve_rs(&self, n: Node, d: u32) -> Option<Resolved> {
        match n.kind() {
            "string_literal" => {
                let text = self.t(n);
                if !text.starts_with('"') {
                    return None; // b"..." / c"..."
                }
                let mut r = Resolved::default();
                rust_unescape(&normalize_crlf(strip_quotes(text)), &mut r.value);
                Some(r)
            }
            "raw_string_literal" => {
                let text = self.t(n);
                let rest = text.strip_prefix('r')?;
                let hashes = rest.len() - rest.trim_start_matches('#').len();
                let body = rest
                    .get(hashes + 1..rest.len().saturating_sub(hashes + 1))
                    .unwrap_or("");
                Some(Resolved {
                    value: normalize_crlf(body).into_owned(),
                    ..Default::default()
                })
            }
            "char_literal" => None,
            "parenthesized_expression" => self.resolve(self.single_inner(n)?, d + 1),
            "reference_expression" => self.resolve(n.child_by_field_name("value")?, d + 1),
            "binary_expression" => {
                if self.is_plus(n) {
                    self.resolve_plus(n, d)
                } else {
                    None
                }
            }
            "call_expression" => {
                let func = n.child_by_field_name("function")?;
                let args = named_children(n.child_by_field_name("arguments")?);
                match func.kind() {
                    "field_expression" => {
                        let recv = func.child_by_field_name("value")?;
                        let field = self.t(func.child_by_field_name("field")?);
                        if !args.is_empty() {
                            return None;
                        }
                        let r = self.resolve(recv, d + 1)?;
                        match field {
                            "into" | "to_string" | "to_owned" => Some(r),
                            "trim" => Some(r.map(|v| v.trim().to_string())),
                            "trim_start" => Some(r.map(|v| v.trim_start().to_string())),
                            "trim_end" => Some(r.map(|v| v.trim_end().to_string())),
                            _ => None,
                        }
                    }
                    "scoped_identifier" => {
                        let path = self.t(func);
                        let known = matches!(
                            path,
                            "String::from"
                                | "std::string::String::from"
                                | "Cow::from"
                                | "Cow::Borrowed"
                                | "std::borrow::Cow::Borrowed"
                        );
                        if known && args.len() == 1 {
                            self.resolve(args[0], d + 1)
                        } else {
                            None
                        }
                    }
                    "identifier" if self.t(func) == "Borrowed" && args.len() == 1 => {
                        self.resolve(args[0], d + 1)
                    }
                    _ => None,
                }
            }
            "macro_invocation" => {
                let mac = n.child_by_field_name("macro")?;
                let name = self.t(mac).rsplit("::").next().unwrap_or("");
                let tt = all_children(n)
                    .into_iter()
                    .find(|c| c.kind() == "token_tree")?;
                let toks: Vec<Node> = all_children(tt)
                    .into_iter()
                    .filter(|c| !is_comment_kind(c.kind()))
                    .collect();
                // toks[0] / last are the delimiters
                let inner = toks.get(1..toks.len().saturating_sub(1)).unwrap_or(&[]);
                match name {
                    "format" | "format_args" => {
                        let first = *inner.first()?;
                        if !matches!(first.kind(), "string_literal" | "raw_string_literal") {
                            return None;
                        }
                        Some(self.resolve(first, d + 1)?.template())
                    }
                    "concat" => {
                        let mut r = Resolved::default();
                        for (i, t) in inner.iter().enumerate() {
                            if i % 2 == 1 {
                                if self.t(*t) != "," {
                                    return None;
                                }
                                continue;
                            }
                            match t.kind() {
                                "string_literal" | "raw_string_literal" => {
                                    r.append(self.resolve(*t, d + 1)?)
                                }
                                "integer_literal" | "float_literal" | "boolean_literal"
                                    if self
                                        .t(*t)
                                        .chars()
                                        .all(|c| c.is_ascii_digit() || c == '.')
                                        || matches!(self.t(*t), "true" | "false") =>
                                {
                                    r.value.push_str(self.t(*t))
                                }
                                "char_literal" => {
                                    let mut s = String::new();
                                    rust_unescape(strip_quotes(self.t(*t)), &mut s);
                                    r.value.push_str(&s);
                                }
                                _ => return None,
                            }
                        }
                        Some(r)
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }
}
/// Rust string-literal body.
pub fn rust_unescape(s: &str, out: &mut String) {
    let mut rest = s;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let Some(e) = after.chars().next() else {
            out.push('\\');
            return;
        };
        let mut used = e.len_utf8();
        match e {
            '\n' | '\r' => {
                used = after.len() - after.trim_start_matches([' ', '\t', '\n', '\r']).len();
            }
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            '\\' => out.push('\\'),
            '0' => out.push('\0'),
            '\'' => out.push('\''),
            '"' => out.push('"'),
            'x' => match hex_value(&after[1..], 2).and_then(char::from_u32) {
                Some(c) => {
                    out.push(c);
                    used = 3;
                }
                None => out.push_str("\\x"),
            },
            'u' if after[1..].starts_with('{') => {
                let close = after[2..].find('}');
                let v = close.and_then(|c| {
                    let h: String = after[2..2 + c].chars().filter(|&ch| ch != '_').collect();
                    (!h.is_empty() && h.len() <= 6 && h.bytes().all(|b| b.is_ascii_hexdigit()))
                        .then(|| u32::from_str_radix(&h, 16).ok().and_then(char::from_u32))
                        .flatten()
                        .map(|ch| (ch, c))
                });
                match v {
                    Some((ch, c)) => {
                        out.push(ch);
                        used = 3 + c;
                    }
                    None => out.push_str("\\u"),
                }
            }
            _ => {
                out.push('\\');
                out.push(e);
            }
        }
        rest = &after[used..];
    }
    out.push_str(rest);
}
