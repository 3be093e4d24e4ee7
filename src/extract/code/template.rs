//! Resolved string values and their placeholders: `str.format` / `format!` fields,
//! `%` specs, Go verbs. Never reads syntax trees.

use std::sync::LazyLock;

use regex::Regex;

#[derive(Clone, Debug, Default)]
pub(crate) struct Resolved {
    pub(crate) value: String,
    pub(crate) placeholders: Vec<String>,
    /// Format fields already parsed (`{{` decoded): don't parse them again.
    pub(crate) templated: bool,
    /// Values of same-file constants substituted into it (not its own text when judged).
    pub(crate) borrowed: Vec<String>,
}

impl Resolved {
    /// What in the value is not the expression's own text (its placeholders and the
    /// constants substituted into it): left out when the text is judged.
    pub(crate) fn not_own(&self) -> Vec<String> {
        self.placeholders
            .iter()
            .chain(&self.borrowed)
            .cloned()
            .collect()
    }
    pub(crate) fn append(&mut self, other: Resolved) {
        self.value.push_str(&other.value);
        self.placeholders.extend(other.placeholders);
        self.templated |= other.templated;
        self.borrowed.extend(other.borrowed);
    }
    /// `str.format` / LangChain / `format!` fields: `{{` -> `{`, fields listed.
    pub(crate) fn template(mut self) -> Resolved {
        if !self.templated {
            let (v, fields) = brace_fields(&self.value);
            self.value = v;
            self.placeholders.extend(fields);
            self.templated = true;
        }
        self
    }
    pub(crate) fn map(mut self, f: impl FnOnce(&str) -> String) -> Resolved {
        self.value = f(&self.value);
        self
    }
}
/// `str.format` / `format!` / LangChain fields: `{{` -> `{`, `}}` -> `}`,
/// `{field}` kept as written and listed (nested `{}` in the spec allowed).
pub fn brace_fields(s: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(s.len());
    let mut fields = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    let mut last = 0;
    while i < b.len() {
        match b[i] {
            b'{' if b.get(i + 1) == Some(&b'{') => {
                out.push_str(&s[last..i]);
                out.push('{');
                i += 2;
                last = i;
            }
            b'}' if b.get(i + 1) == Some(&b'}') => {
                out.push_str(&s[last..i]);
                out.push('}');
                i += 2;
                last = i;
            }
            b'{' => {
                let mut depth = 0usize;
                let mut j = i;
                let mut close = None;
                while j < b.len() {
                    match b[j] {
                        b'{' => depth += 1,
                        b'}' => {
                            depth -= 1;
                            if depth == 0 {
                                close = Some(j);
                                break;
                            }
                        }
                        b'\n' => break,
                        _ => {}
                    }
                    j += 1;
                }
                match close {
                    Some(j) => {
                        out.push_str(&s[last..=j]);
                        fields.push(s[i..=j].to_string());
                        i = j + 1;
                        last = i;
                    }
                    None => i += 1,
                }
            }
            _ => i += 1,
        }
    }
    out.push_str(&s[last..]);
    (out, fields)
}

/// Python `%` formatting: `%%` -> `%`, conversion specs listed.
pub fn percent_fields(s: &str) -> (String, Vec<String>) {
    static SPEC: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"%(?:%|(?:\([^)\n]*\))?[#0 +\-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[diouxXeEfFgGcrsa])",
        )
        .expect("regex")
    });
    spec_fields(s, &SPEC, "%%", "%")
}

/// Go `fmt` verbs: `%%` -> `%`, verbs listed (`%s`, `%-10v`, `%[1]d`, `%.2f`).
pub fn go_verbs(s: &str) -> (String, Vec<String>) {
    static SPEC: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"%(?:%|[+\-# 0]*(?:\[\d+\])?(?:\*|\d+)?(?:\.(?:\[\d+\])?(?:\*|\d+)?)?(?:\[\d+\])?[a-zA-Z])")
            .expect("regex")
    });
    spec_fields(s, &SPEC, "%%", "%")
}

pub(crate) fn spec_fields(
    s: &str,
    re: &Regex,
    escaped: &str,
    unescaped: &str,
) -> (String, Vec<String>) {
    let mut out = String::with_capacity(s.len());
    let mut fields = Vec::new();
    let mut last = 0;
    for m in re.find_iter(s) {
        out.push_str(&s[last..m.start()]);
        if m.as_str() == escaped {
            out.push_str(unescaped);
        } else {
            out.push_str(m.as_str());
            fields.push(m.as_str().to_string());
        }
        last = m.end();
    }
    out.push_str(&s[last..]);
    (out, fields)
}
