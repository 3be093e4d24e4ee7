//! JavaScript / TypeScript / JSX: strings, template literals, `String.raw`, JSX entities,
//! `trim`, `[...].join`, `fromTemplate`.

use tree_sitter::Node;

use super::{hex_value, normalize_newlines, octal_run, strip_quotes};
use crate::extract::code::select::Cx;
use crate::extract::code::template::Resolved;
use crate::extract::code::tree::named_children;

impl<'a> Cx<'a> {
    // ---- JavaScript / TypeScript

    pub(crate) fn resolve_js(&self, n: Node, d: u32) -> Option<Resolved> {
        match n.kind() {
            "string" => {
                let text = self.t(n);
                let inner = strip_quotes(text);
                let mut r = Resolved::default();
                if self.jsx.contains(&(n.start_byte(), n.end_byte())) {
                    html_unescape(inner, &mut r.value);
                } else {
                    js_unescape(inner, false, &mut r.value);
                }
                Some(r)
            }
            "template_string" => self.js_template(n, false),
            "binary_expression" => {
                if self.is_plus(n) {
                    self.resolve_plus(n, d)
                } else {
                    None
                }
            }
            "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
            | "jsx_expression" => self.resolve(self.single_inner(n)?, d + 1),
            "call_expression" => {
                let func = n.child_by_field_name("function")?;
                let args = n.child_by_field_name("arguments")?;
                if args.kind() == "template_string" {
                    return match self.t(func) {
                        "String.raw" => self.js_template(args, true),
                        "prompt" => self.js_template(args, false),
                        _ => None,
                    };
                }
                if func.kind() != "member_expression" {
                    return None;
                }
                let obj = func.child_by_field_name("object")?;
                let prop = self.t(func.child_by_field_name("property")?);
                let a = named_children(args);
                match prop {
                    "trim" | "trimStart" | "trimEnd" | "trimLeft" | "trimRight" if a.is_empty() => {
                        let r = self.resolve(obj, d + 1)?;
                        Some(r.map(|v| match prop {
                            "trim" => v.trim_matches(js_isspace).to_string(),
                            "trimStart" | "trimLeft" => {
                                v.trim_start_matches(js_isspace).to_string()
                            }
                            _ => v.trim_end_matches(js_isspace).to_string(),
                        }))
                    }
                    "join" if obj.kind() == "array" && a.len() <= 1 => {
                        let sep = match a.first() {
                            Some(s) => self.resolve(*s, d + 1)?,
                            None => Resolved {
                                value: ",".into(),
                                ..Default::default()
                            },
                        };
                        self.join(named_children(obj), sep, d)
                    }
                    "fromTemplate" if !a.is_empty() => Some(self.resolve(a[0], d + 1)?.template()),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    pub(crate) fn js_template(&self, n: Node, raw: bool) -> Option<Resolved> {
        if n.kind() != "template_string" {
            return None;
        }
        let start = n.start_byte() + 1;
        let end = if self.t(n).len() >= 2 && self.t(n).ends_with('`') {
            n.end_byte() - 1
        } else {
            n.end_byte()
        };
        let mut r = Resolved::default();
        let mut pos = start;
        let piece = |s: &str, out: &mut String| {
            let s = normalize_newlines(s);
            if raw {
                out.push_str(&s);
            } else {
                js_unescape(&s, true, out);
            }
        };
        for k in named_children(n)
            .into_iter()
            .filter(|k| k.kind() == "template_substitution")
        {
            if k.start_byte() < pos || k.end_byte() > end {
                continue;
            }
            piece(
                self.text.get(pos..k.start_byte()).unwrap_or(""),
                &mut r.value,
            );
            // `${NAME}` of a same-file constant: its value
            match named_children(k).as_slice() {
                [x] if self.resolve_const(*x, 0).is_some() => {
                    let c = self.resolve_const(*x, 0).unwrap_or_default();
                    r.value.push_str(&c.value);
                    r.placeholders.extend(c.placeholders);
                    r.borrowed.push(c.value);
                }
                _ => {
                    let it = self.t(k);
                    r.value.push_str(it);
                    r.placeholders.push(it.to_string());
                }
            }
            pos = k.end_byte();
        }
        piece(self.text.get(pos..end.max(pos)).unwrap_or(""), &mut r.value);
        Some(r)
    }
}
/// JavaScript string (`template`: false) or template-literal (cooked) body.
pub fn js_unescape(s: &str, template: bool, out: &mut String) {
    let mut rest = s;
    let mut pending_high: Option<u32> = None;
    let flush = |out: &mut String, p: &mut Option<u32>| {
        if p.take().is_some() {
            out.push('\u{fffd}');
        }
    };
    loop {
        let Some(i) = rest.find('\\') else {
            flush(out, &mut pending_high);
            out.push_str(rest);
            return;
        };
        if i > 0 {
            flush(out, &mut pending_high);
        }
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let Some(e) = after.chars().next() else {
            flush(out, &mut pending_high);
            out.push('\\');
            return;
        };
        let mut used = e.len_utf8();
        let mut unit: Option<u32> = None; // a UTF-16 code unit or code point
        match e {
            '\n' | '\u{2028}' | '\u{2029}' => {}
            '\r' => {
                if after[1..].starts_with('\n') {
                    used = 2;
                }
            }
            'b' => unit = Some(8),
            'f' => unit = Some(12),
            'n' => unit = Some(10),
            'r' => unit = Some(13),
            't' => unit = Some(9),
            'v' => unit = Some(11),
            '0' if !after[1..].starts_with(|c: char| c.is_ascii_digit()) => unit = Some(0),
            '0'..='7' if !template => {
                let max = if e <= '3' { 3 } else { 2 };
                let (v, n) = octal_run(after, max);
                used = n;
                unit = Some(v);
            }
            'x' => match hex_value(&after[1..], 2) {
                Some(v) => {
                    unit = Some(v);
                    used = 3;
                }
                None => unit = Some('x' as u32),
            },
            'u' => {
                if after[1..].starts_with('{') {
                    let close = after[2..].find('}');
                    match close.and_then(|c| {
                        let h = &after[2..2 + c];
                        (!h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit()))
                            .then(|| u32::from_str_radix(h, 16).ok())
                            .flatten()
                            .map(|v| (v, c))
                    }) {
                        Some((v, c)) => {
                            unit = Some(v);
                            used = 3 + c;
                        }
                        None => unit = Some('u' as u32),
                    }
                } else {
                    match hex_value(&after[1..], 4) {
                        Some(v) => {
                            unit = Some(v);
                            used = 5;
                        }
                        None => unit = Some('u' as u32),
                    }
                }
            }
            _ => unit = Some(e as u32),
        }
        match unit {
            Some(u) if (0xD800..0xDC00).contains(&u) => {
                flush(out, &mut pending_high);
                pending_high = Some(u);
            }
            Some(u) if (0xDC00..0xE000).contains(&u) => match pending_high.take() {
                Some(h) => {
                    let cp = 0x10000 + ((h - 0xD800) << 10) + (u - 0xDC00);
                    out.push(char::from_u32(cp).unwrap_or('\u{fffd}'));
                }
                None => out.push('\u{fffd}'),
            },
            Some(u) => {
                flush(out, &mut pending_high);
                out.push(char::from_u32(u).unwrap_or('\u{fffd}'));
            }
            None => flush(out, &mut pending_high),
        }
        rest = &after[used..];
    }
}

/// JSX attribute strings have no backslash escapes, only HTML character references.
pub fn html_unescape(s: &str, out: &mut String) {
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let semi = after.find(';').filter(|&j| j <= 10);
        let decoded = semi.and_then(|j| {
            let ent = &after[..j];
            let ch = match ent {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => {
                    if let Some(h) = ent.strip_prefix("#x").or_else(|| ent.strip_prefix("#X")) {
                        u32::from_str_radix(h, 16).ok().and_then(char::from_u32)
                    } else if let Some(dd) = ent.strip_prefix('#') {
                        dd.parse::<u32>().ok().and_then(char::from_u32)
                    } else {
                        None
                    }
                }
            };
            ch.map(|c| (c, j))
        });
        match decoded {
            Some((c, j)) => {
                out.push(c);
                rest = &after[j + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
}

pub(crate) fn js_isspace(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\x0b' | '\x0c' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202f}'
                | '\u{205f}'
                | '\u{3000}'
                | '\u{feff}'
    )
}
