//! Go: interpreted and raw strings, `fmt.Sprintf`, `strings.TrimSpace`, `strings.Join`.

use tree_sitter::Node;

use super::{hex_value, octal_run, strip_quotes};
use crate::extract::code::select::Cx;
use crate::extract::code::template::{go_verbs, Resolved};
use crate::extract::code::tree::named_children;

impl<'a> Cx<'a> {
    // ---- Go

    pub(crate) fn resolve_go(&self, n: Node, d: u32) -> Option<Resolved> {
        match n.kind() {
            "interpreted_string_literal" => Some(Resolved {
                value: go_unescape(strip_quotes(self.t(n))),
                ..Default::default()
            }),
            "raw_string_literal" => Some(Resolved {
                value: strip_quotes(self.t(n)).replace('\r', ""),
                ..Default::default()
            }),
            "binary_expression" => {
                if self.is_plus(n) {
                    self.resolve_plus(n, d)
                } else {
                    None
                }
            }
            "parenthesized_expression" | "literal_element" => {
                self.resolve(self.single_inner(n)?, d + 1)
            }
            "call_expression" => {
                let func = self.t(n.child_by_field_name("function")?);
                let args = named_children(n.child_by_field_name("arguments")?);
                match func {
                    "fmt.Sprintf" if !args.is_empty() => {
                        let r = self.resolve(args[0], d + 1)?;
                        let (v, verbs) = go_verbs(&r.value);
                        let mut placeholders = r.placeholders;
                        placeholders.extend(verbs);
                        Some(Resolved {
                            value: v,
                            placeholders,
                            templated: true,
                            borrowed: r.borrowed,
                        })
                    }
                    "strings.TrimSpace" if args.len() == 1 => {
                        Some(self.resolve(args[0], d + 1)?.map(|v| v.trim().to_string()))
                    }
                    "strings.Join" if args.len() == 2 => {
                        let sep = self.resolve(args[1], d + 1)?;
                        let lit = args[0];
                        if lit.kind() != "composite_literal" {
                            return None;
                        }
                        let body = lit.child_by_field_name("body")?;
                        self.join(named_children(body), sep, d)
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }
}
/// Go interpreted-string body. Byte escapes (`\xff`, `\377`) build raw bytes;
/// invalid UTF-8 becomes U+FFFD.
pub fn go_unescape(s: &str) -> String {
    let mut out: Vec<u8> = Vec::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('\\') {
        out.extend_from_slice(&rest.as_bytes()[..i]);
        let after = &rest[i + 1..];
        let Some(e) = after.chars().next() else {
            out.push(b'\\');
            rest = "";
            break;
        };
        let mut used = e.len_utf8();
        let simple = match e {
            'a' => Some(7u8),
            'b' => Some(8),
            'f' => Some(12),
            'n' => Some(b'\n'),
            'r' => Some(b'\r'),
            't' => Some(b'\t'),
            'v' => Some(11),
            '\\' => Some(b'\\'),
            '\'' => Some(b'\''),
            '"' => Some(b'"'),
            _ => None,
        };
        if let Some(b) = simple {
            out.push(b);
        } else {
            match e {
                '0'..='7' => {
                    let (v, n) = octal_run(after, 3);
                    if n == 3 && v <= 255 {
                        out.push(v as u8);
                        used = 3;
                    } else {
                        out.push(b'\\');
                        out.push(e as u8);
                    }
                }
                'x' => match hex_value(&after[1..], 2) {
                    Some(v) => {
                        out.push(v as u8);
                        used = 3;
                    }
                    None => out.extend_from_slice(b"\\x"),
                },
                'u' | 'U' => {
                    let n = if e == 'u' { 4 } else { 8 };
                    match hex_value(&after[1..], n).and_then(char::from_u32) {
                        Some(c) => {
                            let mut buf = [0u8; 4];
                            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                            used = 1 + n;
                        }
                        None => {
                            out.push(b'\\');
                            out.push(e as u8);
                        }
                    }
                }
                _ => {
                    out.push(b'\\');
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(e.encode_utf8(&mut buf).as_bytes());
                }
            }
        }
        rest = &after[used..];
    }
    out.extend_from_slice(rest.as_bytes());
    match String::from_utf8(out) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}
