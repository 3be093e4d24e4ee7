//! What agents read in a context file's text: front matter keys (`paths`, `globs`,
//! `alwaysApply`, `description`, `applyTo`, `name`), `@path` imports outside code, paragraphs.
//!
//! Owns: byte-accurate positions of each, so the editor can point at them. Never: reads files.

use std::ops::Range;

/// A front matter value: a scalar or a list (`[a, b]`, `- a` lines or `a, b`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Value {
    pub items: Vec<String>,
    /// Where the value is written (for a scalar: the scalar; for a list: the key's line on).
    pub range: Range<usize>,
}

impl Value {
    pub fn text(&self) -> String {
        self.items.join(", ")
    }

    pub fn is_true(&self) -> bool {
        self.items.len() == 1 && self.items[0].eq_ignore_ascii_case("true")
    }
}

/// The front matter of `text`: where the body starts and its top-level keys.
#[derive(Clone, Debug, Default)]
pub struct FrontMatter {
    pub end: usize,
    pub keys: Vec<(String, Value)>,
}

impl FrontMatter {
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.keys
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
            .filter(|v| !v.items.is_empty())
    }
}

fn unquote(v: &str) -> &str {
    let v = v.trim();
    v.strip_prefix('"')
        .and_then(|x| x.strip_suffix('"'))
        .or_else(|| v.strip_prefix('\'').and_then(|x| x.strip_suffix('\'')))
        .unwrap_or(v)
}

fn split_list(v: &str) -> Vec<String> {
    let v = v.trim();
    let inner = v
        .strip_prefix('[')
        .and_then(|x| x.strip_suffix(']'))
        .unwrap_or(v);
    inner
        .split(',')
        .map(|s| unquote(s).to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Reads the front matter the way the prompt-file structure finds it (same delimiters, same
/// end), then the YAML subset agent rules use: `key: scalar`, `key: [a, b]`, `key: a, b`,
/// and `key:` followed by `- item` lines.
pub fn front_matter(text: &str) -> FrontMatter {
    let rope = ropey::Rope::from_str(&text[..text.len().min(64 * 1024)]);
    let Some(fm) = crate::extract::prompt_file::parse_front_matter(&rope) else {
        return FrontMatter::default();
    };
    let mut out = FrontMatter {
        end: fm.end,
        keys: Vec::new(),
    };
    let mut off = 0;
    // The block style of the key being read: its indented lines continue it.
    let mut block: Option<char> = None;
    let head = &text[..fm.end];
    let mut lines = head.split_inclusive('\n');
    if let Some(first) = lines.next() {
        off += first.len();
    }
    for line in lines {
        let start = off;
        off += line.len();
        let t = line.trim_end();
        if t == "---" || t == "..." {
            break;
        }
        if let Some(item) = t.trim_start().strip_prefix("- ") {
            if line.starts_with([' ', '\t', '-']) {
                if let Some((_, v)) = out.keys.last_mut() {
                    v.items.push(unquote(item).to_string());
                    v.range.end = start + t.len();
                }
            }
            continue;
        }
        if line.starts_with([' ', '\t']) {
            // A block scalar (`>` folded, `|` literal) or a plain scalar continued on
            // indented lines: one text.
            if let Some((_, v)) = out.keys.last_mut() {
                if let Some(style) = block.filter(|_| !t.trim().is_empty()) {
                    let part = t.trim();
                    match v.items.last_mut() {
                        Some(last) => {
                            last.push(if style == '|' { '\n' } else { ' ' });
                            last.push_str(part);
                        }
                        None => v.items.push(part.to_string()),
                    }
                    v.range.end = start + t.len();
                }
            }
            continue;
        }
        let Some((k, v)) = t.split_once(':') else {
            continue;
        };
        let vstart = start + k.len() + 1 + (v.len() - v.trim_start().len());
        let v = v.trim();
        block = match v {
            ">" | ">-" | ">+" => Some('>'),
            "|" | "|-" | "|+" => Some('|'),
            _ if v.starts_with('[') => None,
            _ => Some('>'),
        };
        let items = if v.is_empty() || (v.len() <= 2 && v.starts_with(['>', '|'])) {
            Vec::new()
        } else if v.starts_with('[') {
            split_list(v)
        } else if k.trim() == "description" || k.trim() == "name" {
            vec![unquote(v).to_string()]
        } else {
            split_list(v)
        };
        out.keys.push((
            k.trim().to_string(),
            Value {
                items,
                range: vstart..start + t.len(),
            },
        ));
    }
    out
}

/// An `@path` import: the `@path` text and the path named.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    pub range: Range<usize>,
    /// End of the line (where an inlay hint goes), before the line break.
    pub line_end: usize,
    pub path: String,
}

/// Whether `p` names a file (it has a directory part or an extension): `@octocat` or
/// `@team` are mentions, not imports, and are neither loaded nor reported.
fn looks_like_path(p: &str) -> bool {
    let name = p.rsplit('/').next().unwrap_or(p);
    (p.contains('/') && !name.is_empty())
        || name.rfind('.').is_some_and(|i| i > 0 && i + 1 < name.len())
}

/// Byte ranges of inline code spans in one line (backtick runs closed by an equal run).
fn code_spans(line: &str) -> Vec<Range<usize>> {
    let b = line.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'`' {
            i += 1;
            continue;
        }
        let open = i;
        while i < b.len() && b[i] == b'`' {
            i += 1;
        }
        let n = i - open;
        let mut j = i;
        let mut closed = None;
        while j < b.len() {
            if b[j] == b'`' {
                let s = j;
                while j < b.len() && b[j] == b'`' {
                    j += 1;
                }
                if j - s == n {
                    closed = Some(j);
                    break;
                }
            } else {
                j += 1;
            }
        }
        match closed {
            Some(end) => {
                spans.push(open..end);
                i = end;
            }
            None => i = open + n,
        }
    }
    spans
}

/// A fence opening or closing line: its character and length.
fn fence(line: &str) -> Option<(u8, usize)> {
    let t = line.trim_start_matches(' ');
    if line.len() - t.len() > 3 {
        return None;
    }
    let c = *t.as_bytes().first()?;
    if c != b'`' && c != b'~' {
        return None;
    }
    let n = t.bytes().take_while(|&x| x == c).count();
    (n >= 3).then_some((c, n))
}

/// Calls `f(line_start, line)` for every line outside fenced code blocks.
fn prose_lines(text: &str, mut f: impl FnMut(usize, &str)) {
    let mut open: Option<(u8, usize)> = None;
    let mut off = 0;
    for line in text.split_inclusive('\n') {
        let start = off;
        off += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        match (open, fence(content)) {
            (None, Some(fc)) => open = Some(fc),
            (Some((c, n)), Some((c2, n2)))
                if c == c2 && n2 >= n && content.trim().bytes().all(|x| x == c) =>
            {
                open = None
            }
            (None, None) => f(start, content),
            _ => {}
        }
    }
}

/// The `@path` imports of `text` (from `from` on): at a line start or after whitespace,
/// outside code spans and fenced code, naming a file. Trailing sentence punctuation is not
/// part of the path.
pub fn imports(text: &str, from: usize) -> Vec<Import> {
    let mut out = Vec::new();
    prose_lines(text, |start, line| {
        if start + line.len() <= from {
            return;
        }
        let spans = code_spans(line);
        let b = line.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'@'
                && (i == 0 || b[i - 1].is_ascii_whitespace())
                && !spans.iter().any(|s| s.contains(&i))
            {
                let mut j = i + 1;
                while j < b.len() && !b[j].is_ascii_whitespace() {
                    j += 1;
                }
                let mut path = &line[i + 1..j];
                while let Some(p) = path.strip_suffix(['.', ',', ';', ':', '!', '?', ')']) {
                    if path.ends_with(')') && path.contains('(') {
                        break;
                    }
                    path = p;
                }
                if looks_like_path(path) && start + i >= from {
                    out.push(Import {
                        range: start + i..start + i + 1 + path.len(),
                        line_end: start + line.len(),
                        path: path.to_string(),
                    });
                }
                i = j;
            } else {
                i += 1;
            }
        }
    });
    out
}

/// Paragraphs worth flagging when loaded twice: blank-line separated blocks outside fenced
/// code, at least `min_len` bytes once whitespace is collapsed. Returns (range, normalized).
pub fn paragraphs(text: &str, from: usize, min_len: usize) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    let mut cur: Option<(Range<usize>, String)> = None;
    let mut flush = |cur: &mut Option<(Range<usize>, String)>| {
        if let Some((r, s)) = cur.take() {
            if s.len() >= min_len {
                out.push((r, s));
            }
        }
    };
    let mut last_end = 0;
    prose_lines(text, |start, line| {
        if start < from {
            return;
        }
        let gap = start != last_end;
        last_end = start
            + line.len()
            + if text[start + line.len()..].starts_with("\r\n") {
                2
            } else {
                usize::from(text[start + line.len()..].starts_with('\n'))
            };
        if line.trim().is_empty() || gap || line.trim_start().starts_with('#') {
            flush(&mut cur);
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                return;
            }
        }
        let words = line.split_whitespace().collect::<Vec<_>>().join(" ");
        match &mut cur {
            Some((r, s)) => {
                r.end = start + line.len();
                s.push(' ');
                s.push_str(&words);
            }
            None => cur = Some((start..start + line.len(), words)),
        }
    });
    flush(&mut cur);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_outside_code_only() {
        let t = "See @docs/style.md and @README.md.\nMail @octocat or a@b.com\n`@not/this.md` ok @x/y.md\n```\n@in/fence.md\n```\n@last.md\n";
        let got: Vec<String> = imports(t, 0).into_iter().map(|i| i.path).collect();
        assert_eq!(got, ["docs/style.md", "README.md", "x/y.md", "last.md"]);
        let i = &imports(t, 0)[0];
        assert_eq!(&t[i.range.clone()], "@docs/style.md");
        assert_eq!(&t[..i.line_end], "See @docs/style.md and @README.md.");
        // Imports in front matter are not read (from = body start).
        assert_eq!(imports("---\nx: @a.md\n---\n@b.md\n", 15).len(), 1);
    }

    #[test]
    fn front_matter_keys_in_every_list_form() {
        let t = "---\ndescription: \"API rules: errors\"\nglobs: src/**/*.ts, lib/*.js\nalwaysApply: false\npaths:\n  - \"src/api/**\"\n  - tests/**\napplyTo: '**'\n---\nBody\n";
        let fm = front_matter(t);
        assert_eq!(&t[fm.end..], "Body\n");
        assert_eq!(fm.get("description").unwrap().items, ["API rules: errors"]);
        assert_eq!(fm.get("globs").unwrap().items, ["src/**/*.ts", "lib/*.js"]);
        assert!(!fm.get("alwaysApply").unwrap().is_true());
        assert_eq!(fm.get("paths").unwrap().items, ["src/api/**", "tests/**"]);
        assert_eq!(fm.get("applyTo").unwrap().items, ["**"]);
        let d = fm.get("description").unwrap();
        assert_eq!(&t[d.range.clone()], "\"API rules: errors\"");
        assert!(front_matter("no front matter\n").keys.is_empty());
        let t = "---\nname: deploy\ndescription: >\n  Deploy the app\n  to staging.\nwhen: |\n  a\n  b\nlong: Starts here\n  and goes on\n---\n";
        let fm = front_matter(t);
        assert_eq!(
            fm.get("description").unwrap().items,
            ["Deploy the app to staging."]
        );
        assert_eq!(fm.get("when").unwrap().items, ["a\nb"]);
        assert_eq!(fm.get("long").unwrap().items, ["Starts here and goes on"]);
        assert_eq!(
            front_matter("---\npaths: [\"a/**\", b]\n---\n")
                .get("paths")
                .unwrap()
                .items,
            ["a/**", "b"]
        );
    }

    #[test]
    fn paragraphs_split_on_blank_lines_and_headings() {
        let t = "# Title\nFirst line of a long paragraph\ncontinues here.\n\nShort.\n\n```\ncode block that is long enough to count\n```\nAnother paragraph that is long enough.\n";
        let p = paragraphs(t, 0, 20);
        let texts: Vec<&str> = p.iter().map(|(_, s)| s.as_str()).collect();
        assert_eq!(
            texts,
            [
                "First line of a long paragraph continues here.",
                "Another paragraph that is long enough."
            ]
        );
        assert_eq!(
            &t[p[0].0.clone()],
            "First line of a long paragraph\ncontinues here."
        );
    }
}
