//! The structure of a prompt file: front matter, Markdown sections, chat messages, inline
//! `promptcost:` directives and template placeholders.
//!
//! Owns: finding *marker lines* (headings, code fences, role markers, directives) and keeping
//! them up to date incrementally: an edit rescans only the lines it touches, so a keystroke
//! in a 10 MB file costs O(markers), not O(bytes).
//! Never: counts tokens (see `document/`).

use std::ops::Range;
use std::sync::Arc;

use ropey::Rope;

/// How a file's text is structured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    /// Markdown (and plain text / templates): headings split sections.
    Markdown,
    /// Prompty: front matter, then `system:` / `user:` / `assistant:` lines split messages.
    Prompty,
    /// Dotprompt: front matter, then `{{role "system"}}` lines split messages.
    Dotprompt,
}

impl Flavor {
    pub fn from_path(path: &std::path::Path) -> Flavor {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        if name.ends_with(".prompty") {
            Flavor::Prompty
        } else if name.ends_with(".prompt") {
            Flavor::Dotprompt
        } else {
            Flavor::Markdown
        }
    }
}

/// A line that matters to the structure. `offset` is the byte offset of the line start.
#[derive(Clone, Debug, PartialEq)]
pub struct Marker {
    pub offset: usize,
    /// Heading level 1..=6, or 0.
    pub heading: u8,
    /// A code fence line: its character and length.
    pub fence: Option<(u8, u8)>,
    /// A chat role marker (Prompty / Dotprompt).
    pub role: Option<Arc<str>>,
    /// The `promptcost:` directive the line holds, parsed once when the line is scanned.
    pub directive: Option<Arc<Directive>>,
    /// Length of the line without its line break, and with it.
    pub content_len: usize,
    pub line_len: usize,
    /// For a heading: its text, without `#`s and inline comments (shared: sections are
    /// rebuilt from the markers on every analysis, so a copy is a reference count).
    pub title: Arc<str>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct FrontMatter {
    /// Byte offset just past the closing delimiter line: where the prompt text starts.
    pub end: usize,
    pub model: Option<String>,
    pub budget: Option<u64>,
    /// Prompty `parameters.max_tokens`, dotprompt `config.maxOutputTokens`: an upper bound
    /// of the output.
    pub max_output_tokens: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SectionKind {
    Heading(u8),
    Message(Arc<str>),
}

/// A section (heading to the next heading of the same or a higher level) or a chat message
/// (role line to the next role line).
#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    pub kind: SectionKind,
    pub title: Arc<str>,
    /// The whole section, its header line included.
    pub range: Range<usize>,
    /// The text that is counted: a heading section counts its heading; a message counts
    /// its content (the role line is framing, not text).
    pub counted: Range<usize>,
    /// End of the header line (where an inlay hint goes).
    pub header_end: usize,
    pub budget: Option<u64>,
    pub model: Option<String>,
    /// Cost keys of directives in the section (see `cost::directive`).
    pub cost: crate::cost::CostDirective,
}

pub use crate::extract::directive::Directive;

#[derive(Clone, Debug)]
pub struct Structure {
    pub flavor: Flavor,
    pub markers: Vec<Marker>,
    pub front_matter: Option<FrontMatter>,
}

/// How far front matter may extend before we give up looking for its end.
const FRONT_MATTER_LIMIT: usize = 64 * 1024;

impl Structure {
    pub fn parse(flavor: Flavor, rope: &Rope) -> Structure {
        let text = rope.to_string();
        let mut s = Structure {
            flavor,
            markers: Vec::new(),
            front_matter: None,
        };
        scan_lines(flavor, &text, 0, &mut s.markers);
        s.front_matter = parse_front_matter(rope);
        s
    }

    /// Updates the markers after bytes `start..old_end` were replaced by `new_len` bytes;
    /// `rope` is the text after the edit. Rescans only the lines the edit touches.
    pub fn apply_edit(&mut self, rope: &Rope, start: usize, old_end: usize, new_len: usize) {
        let removed = old_end - start;
        let new_end = start + new_len;
        // Lines touched, in new coordinates: from the start of the line holding `start` to
        // the end of the line holding `new_end`.
        let line_start = rope.line_to_byte(rope.byte_to_line(start.min(rope.len_bytes())));
        let end_line = rope.byte_to_line(new_end.min(rope.len_bytes()));
        let line_end = if end_line + 1 < rope.len_lines() {
            rope.line_to_byte(end_line + 1)
        } else {
            rope.len_bytes()
        };
        // Same lines in old coordinates.
        let old_line_end = line_end + removed - new_len;
        let first = self.markers.partition_point(|m| m.offset < line_start);
        let last = self.markers.partition_point(|m| m.offset < old_line_end);
        let mut fresh = Vec::new();
        let text = rope.byte_slice(line_start..line_end).to_string();
        scan_lines(self.flavor, &text, line_start, &mut fresh);
        let added = fresh.len();
        self.markers.splice(first..last, fresh);
        for m in &mut self.markers[first + added..] {
            m.offset = m.offset + new_len - removed;
        }
        // Front matter can appear, move or close with an edit anywhere in its reach.
        let reach = self
            .front_matter
            .as_ref()
            .map_or(FRONT_MATTER_LIMIT, |f| f.end);
        if start <= reach {
            self.front_matter = parse_front_matter(rope);
        }
    }

    /// Where the prompt text starts (after front matter).
    pub(crate) fn body_start(&self) -> usize {
        self.front_matter.as_ref().map_or(0, |f| f.end)
    }

    /// The file-level directive: directives before the first section (or in front matter
    /// keys `budget` / `model`).
    pub(crate) fn file_directive(&self, rope: &Rope) -> Directive {
        let mut d = Directive::default();
        if let Some(fm) = &self.front_matter {
            d.budget = fm.budget;
            d.model = fm.model.clone();
        }
        let first_section = self
            .markers
            .iter()
            .find(|m| m.offset >= self.body_start() && (m.heading > 0 || m.role.is_some()))
            .map_or(rope.len_bytes(), |m| m.offset);
        for x in self
            .markers
            .iter()
            .take_while(|m| m.offset < first_section)
            .filter_map(|m| m.directive.as_deref())
        {
            d.budget = x.budget.or(d.budget);
            d.model = x.model.clone().or(d.model);
            d.ignore |= x.ignore;
            d.cost = d.cost.over(&x.cost);
            d.errors.extend(x.errors.iter().cloned());
        }
        d
    }
}

fn heading_title(line: &str) -> String {
    // Drop inline comments (`<!-- promptcost: ... -->`) from the title.
    let mut line = line.to_string();
    while let (Some(a), Some(b)) = (line.find("<!--"), line.find("-->")) {
        if b < a {
            break;
        }
        line.replace_range(a..b + 3, "");
    }
    line.trim_start()
        .trim_start_matches('#')
        .trim()
        .trim_end_matches('#')
        .trim()
        .to_string()
}

/// Scans complete lines of `text` (which starts at byte `base` of the document).
fn scan_lines(flavor: Flavor, text: &str, base: usize, out: &mut Vec<Marker>) {
    let mut off = 0;
    for line in text.split_inclusive('\n') {
        if let Some(m) = classify(flavor, line, base + off) {
            out.push(m);
        }
        off += line.len();
    }
}

fn classify(flavor: Flavor, line: &str, offset: usize) -> Option<Marker> {
    let content = line.trim_end_matches(['\n', '\r']);
    let indent = content.len() - content.trim_start_matches(' ').len();
    let rest = &content[indent..];
    let mut m = Marker {
        offset,
        heading: 0,
        fence: None,
        role: None,
        directive: None,
        content_len: content.len(),
        line_len: line.len(),
        title: Arc::from(""),
    };
    if indent <= 3 {
        let hashes = rest.bytes().take_while(|&b| b == b'#').count();
        if (1..=6).contains(&hashes)
            && rest[hashes..]
                .chars()
                .next()
                .is_none_or(|c| c == ' ' || c == '\t')
        {
            m.heading = hashes as u8;
        }
        for c in [b'`', b'~'] {
            let n = rest.bytes().take_while(|&b| b == c).count();
            if n >= 3 {
                m.fence = Some((c, n.min(255) as u8));
            }
        }
    }
    m.role = match flavor {
        Flavor::Prompty => prompty_role(content).map(Arc::from),
        Flavor::Dotprompt => dotprompt_role(content).map(Arc::from),
        Flavor::Markdown => None,
    };
    if content.contains("promptcost:") {
        m.directive = Some(Arc::new(parse_directive(line).unwrap_or_default()));
    }
    if m.heading > 0 {
        m.title = heading_title(content).into();
    }
    (m.heading > 0 || m.fence.is_some() || m.role.is_some() || m.directive.is_some()).then_some(m)
}

const ROLES: &[&str] = &[
    "system",
    "user",
    "assistant",
    "developer",
    "tool",
    "function",
];

/// Prompty: a line that is just `role:` (any case, optional spaces).
fn prompty_role(line: &str) -> Option<String> {
    let t = line.trim();
    let role = t.strip_suffix(':')?.trim().to_ascii_lowercase();
    ROLES.contains(&role.as_str()).then_some(role)
}

/// Dotprompt: `{{role "system"}}` (also `{{ role 'user' }}`) at the start of a line.
fn dotprompt_role(line: &str) -> Option<String> {
    let t = line.trim_start().strip_prefix("{{")?.trim_start();
    let t = t.strip_prefix("role")?.trim_start();
    let q = t.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let t = &t[1..];
    let end = t.find(q)?;
    let role = t[..end].trim().to_ascii_lowercase();
    (!role.is_empty()).then_some(role)
}

/// Parses `promptcost: budget=1500 model=claude-sonnet-4-5` (or `promptcost: ignore`) from a
/// comment line: `<!-- ... -->`, `{{!-- ... --}}`, `{# ... #}`, or any comment in code
/// (the shared grammar of [`crate::extract::directive`]).
pub(crate) fn parse_directive(line: &str) -> Option<Directive> {
    crate::extract::directive::parse(line)
}

/// Front matter: a first line `---`, then YAML up to a line `---` or `...`.
///
/// Only a few keys matter (`model`, `budget`, and Prompty's `model:` block), so this reads
/// the YAML subset they use (top-level and nested `key: scalar` lines) rather than pulling in
/// a YAML library; anything else in the block is carried along uncounted.
pub(crate) fn parse_front_matter(rope: &Rope) -> Option<FrontMatter> {
    if rope.len_bytes() < 4 || (0..3).any(|i| rope.byte(i) != b'-') {
        return None;
    }
    let head_len = rope.len_bytes().min(FRONT_MATTER_LIMIT);
    let head = rope.byte_slice(..floor_char(rope, head_len)).to_string();
    let mut lines = head.split_inclusive('\n');
    let first = lines.next()?;
    if first.trim_end() != "---" {
        return None;
    }
    let mut off = first.len();
    let mut fm = FrontMatter::default();
    let mut in_model_block = false;
    for line in lines {
        off += line.len();
        let t = line.trim_end();
        if t == "---" || t == "..." {
            fm.end = off;
            return Some(fm);
        }
        let indented = line.starts_with([' ', '\t']);
        let Some((k, v)) = t.trim().split_once(':') else {
            continue;
        };
        let (k, v) = (k.trim(), unquote(v.trim()));
        if !indented {
            in_model_block = k == "model" && v.is_empty();
            match k {
                "model" if !v.is_empty() => fm.model = Some(v.to_string()),
                "budget" => fm.budget = v.replace('_', "").parse().ok().filter(|&b| b > 0),
                _ => {}
            }
        }
        if indented
            && matches!(
                k,
                "max_tokens" | "max_completion_tokens" | "max_output_tokens" | "maxOutputTokens"
            )
        {
            // Prompty `model: parameters: max_tokens`, dotprompt `config: maxOutputTokens`.
            if let Ok(n) = v.replace('_', "").parse::<u64>() {
                fm.max_output_tokens.get_or_insert(n);
            }
        } else if in_model_block
            && !v.is_empty()
            && matches!(
                k,
                "name" | "id" | "model" | "azure_deployment" | "deployment"
            )
        {
            fm.model.get_or_insert_with(|| v.to_string());
        }
    }
    None
}

fn unquote(v: &str) -> &str {
    let v = v.split(" #").next().unwrap_or(v).trim();
    v.strip_prefix('"')
        .and_then(|x| x.strip_suffix('"'))
        .or_else(|| v.strip_prefix('\'').and_then(|x| x.strip_suffix('\'')))
        .unwrap_or(v)
}

fn floor_char(rope: &Rope, b: usize) -> usize {
    rope.char_to_byte(rope.byte_to_char(b))
}

/// Template placeholders in `text`: `{{var}}`, `{% ... %}`, `{var}` (as written, in order).
pub fn placeholders(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'{' {
            let (open, close) = match bytes.get(i + 1) {
                Some(b'{') => ("{{", "}}"),
                Some(b'%') => ("{%", "%}"),
                _ => ("{", "}"),
            };
            if let Some(end) = text[i + open.len()..].find(close) {
                let inner = &text[i + open.len()..i + open.len() + end];
                let ok = if open == "{" {
                    // Python-style fields only: `{name}`, `{obj.attr}`, `{0}` — not JSON.
                    !inner.is_empty()
                        && inner
                            .chars()
                            .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
                } else {
                    open == "{{" && !inner.contains('\n') && is_template_variable(inner)
                };
                let whole = &text[i..i + open.len() + end + close.len()];
                if ok {
                    out.push(whole.to_string());
                }
                if ok || (open != "{" && !inner.contains('\n')) {
                    // template syntax that is not a variable is skipped whole
                    i += whole.len();
                    continue;
                }
            }
        }
        i += 1;
    }
    out
}

/// Whether a `{{ ... }}` holds a variable: not a comment (`{{! }}`), block (`{{#if}}`,
/// `{{/if}}`, `{{else}}`), partial (`{{> x}}`) or Dotprompt / Handlebars helper
/// (`{{role "system"}}`, `{{media url=x}}`, `{{section "x"}}`, `{{history}}`).
fn is_template_variable(inner: &str) -> bool {
    let t = inner
        .trim()
        .trim_start_matches('~')
        .trim_end_matches('~')
        .trim();
    let first = t.split_whitespace().next().unwrap_or("");
    !t.is_empty()
        && !t.starts_with(['!', '#', '/', '>', '^', '&'])
        && !matches!(
            first,
            "else"
                | "role"
                | "media"
                | "section"
                | "history"
                | "json"
                | "ifEquals"
                | "unlessEquals"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_sections_nest_and_ignore_fences() {
        let text = "intro\n# A\na\n## B\nb\n```\n# not a heading\n```\n# C\nc";
        let rope = Rope::from_str(text);
        let s = Structure::parse(Flavor::Markdown, &rope);
        let secs = s.sections(&rope);
        let titles: Vec<_> = secs
            .iter()
            .map(|s| (&*s.title, &text[s.range.clone()]))
            .collect();
        assert_eq!(
            titles,
            vec![
                ("A", "# A\na\n## B\nb\n```\n# not a heading\n```\n"),
                ("B", "## B\nb\n```\n# not a heading\n```\n"),
                ("C", "# C\nc")
            ]
        );
        assert_eq!(&text[secs[0].header_end - 3..secs[0].header_end], "# A");
    }

    #[test]
    fn front_matter_is_parsed_and_skipped() {
        let text = "---\nname: x\nmodel:\n  api: chat\n  configuration:\n    azure_deployment: gpt-4o\nbudget: 1_500\n---\nsystem:\nYou are\nuser:\n{{question}}\n";
        let rope = Rope::from_str(text);
        let s = Structure::parse(Flavor::Prompty, &rope);
        let fm = s.front_matter.clone().unwrap();
        assert_eq!(fm.model.as_deref(), Some("gpt-4o"));
        assert_eq!(fm.max_output_tokens, None);
        assert_eq!(fm.budget, Some(1500));
        assert_eq!(&text[fm.end..fm.end + 7], "system:");
        let secs = s.sections(&rope);
        assert_eq!(secs.len(), 2);
        assert_eq!(secs[0].kind, SectionKind::Message("system".into()));
        assert_eq!(&text[secs[0].counted.clone()], "You are\n");
        assert_eq!(&text[secs[1].counted.clone()], "{{question}}\n");
    }

    #[test]
    fn max_output_tokens_from_prompty_and_dotprompt() {
        let prompty =
            "---\nmodel:\n  api: chat\n  parameters:\n    max_tokens: 1_000\n---\nsystem:\nHi\n";
        let fm = parse_front_matter(&Rope::from_str(prompty)).unwrap();
        assert_eq!(fm.max_output_tokens, Some(1000));
        let dotprompt = "---\nmodel: googleai/gemini-2.5-flash\nconfig:\n  temperature: 0.2\n  maxOutputTokens: 400\n---\nHi\n";
        assert_eq!(
            parse_front_matter(&Rope::from_str(dotprompt))
                .unwrap()
                .max_output_tokens,
            Some(400)
        );
        assert_eq!(
            parse_front_matter(&Rope::from_str("---\nmax_tokens: 5\n---\n"))
                .unwrap()
                .max_output_tokens,
            None,
            "top level: not a model setting"
        );
    }

    #[test]
    fn dotprompt_roles_and_model() {
        let text = "---\nmodel: googleai/gemini-2.5-flash\n---\n{{role \"system\"}}\nBe brief.\n{{ role 'user' }}\nHi {{name}}\n";
        let rope = Rope::from_str(text);
        let s = Structure::parse(Flavor::Dotprompt, &rope);
        assert_eq!(
            s.front_matter.as_ref().unwrap().model.as_deref(),
            Some("googleai/gemini-2.5-flash")
        );
        let roles: Vec<_> = s
            .sections(&rope)
            .iter()
            .map(|s| s.title.to_string())
            .collect();
        assert_eq!(roles, ["system", "user"]);
    }

    #[test]
    fn directives_apply_to_their_section_or_file() {
        let text = "<!-- promptcost: budget=100 model=gpt-4o -->\n# A <!-- promptcost: budget=7 -->\nx\n# B\ny\n";
        let rope = Rope::from_str(text);
        let s = Structure::parse(Flavor::Markdown, &rope);
        let secs = s.sections(&rope);
        assert_eq!(secs[0].budget, Some(7));
        assert_eq!(secs[1].budget, None);
        let d = s.file_directive(&rope);
        assert_eq!((d.budget, d.model.as_deref()), (Some(100), Some("gpt-4o")));
        let cost = parse_directive("<!-- promptcost: output=200..800 calls=10000/day turns=20 -->")
            .unwrap();
        assert!(cost.errors.is_empty(), "{:?}", cost.errors);
        assert_eq!(
            (cost.cost.output, cost.cost.calls_per_day, cost.cost.turns),
            (Some((200, 800)), Some(10_000.0), Some(20))
        );
        assert_eq!(
            parse_directive("<!-- promptcost: output=lots -->")
                .unwrap()
                .errors
                .len(),
            1
        );
        let bad = parse_directive("<!-- promptcost: budget=lots colour=red -->").unwrap();
        assert_eq!(bad.errors.len(), 2, "{:?}", bad.errors);
        assert!(parse_directive("// promptcost: ignore").unwrap().ignore);
    }

    #[test]
    fn placeholders_are_found_not_json() {
        let p = placeholders(
            "Hi {{ name }}, {% if x %}y{% endif %} {user_id} {\"json\": 1} {{!-- c --}}",
        );
        assert_eq!(p, ["{{ name }}", "{user_id}"]);
        // template syntax that is not a variable: Jinja statements, Handlebars blocks,
        // Dotprompt helpers
        let p = placeholders(
            "{{role \"system\"}}You are {{name}}.{{#if x}}{{else}}{{/if}}{{media url=u}}{{> part}}",
        );
        assert_eq!(p, ["{{name}}"]);
    }

    #[test]
    fn incremental_markers_equal_a_fresh_scan() {
        let mut text = String::from("# A\ntext\n## B\n```\n# x\n```\nmore\n");
        let mut rope = Rope::from_str(&text);
        let mut s = Structure::parse(Flavor::Markdown, &rope);
        let edits: &[(usize, usize, &str)] = &[
            (0, 0, "intro\n"),
            (6, 6, "#"),
            (3, 9, ""),
            (5, 5, "\n# New\n"),
            (0, 3, ""),
            (10, 14, "```\n"),
            (0, 0, "---\nmodel: x\n---\n"),
        ];
        for &(a, b, ins) in edits {
            let a = a.min(text.len());
            let b = b.min(text.len()).max(a);
            text.replace_range(a..b, ins);
            let (ca, cb) = (rope.byte_to_char(a), rope.byte_to_char(b));
            rope.remove(ca..cb);
            rope.insert(ca, ins);
            s.apply_edit(&rope, a, b, ins.len());
            let fresh = Structure::parse(Flavor::Markdown, &rope);
            assert_eq!(
                s.markers, fresh.markers,
                "after edit {a}..{b} {ins:?}: {text:?}"
            );
            assert_eq!(s.front_matter, fresh.front_matter);
        }
    }
}
