//! A prompt file's sections and chat messages, read from its marker lines.
//!
//! Owns: the outline (one cheap pass over the markers: fences skipped, headings nested, role
//! lines closing what is open, each directive given to the innermost section holding it) and
//! building [`Section`]s from it, only for the spans a caller keeps: an inlay-hint request
//! in a file with thousands of sections builds the few it shows. Never: scans text (the
//! markers carry their parsed directives) or counts tokens.

use std::ops::Range;

use ropey::Rope;

use super::prompt_file::{Section, SectionKind, Structure};

/// Where a section is, before it is built: enough to choose it (the range, where its hint
/// goes, whether a directive gives it a budget) and to count it.
#[derive(Clone, Debug, PartialEq)]
pub struct SectionSpan {
    pub range: Range<usize>,
    /// The text that is counted (see [`Section::counted`]).
    pub counted: Range<usize>,
    pub header_end: usize,
    pub is_message: bool,
    pub budget: Option<u64>,
    /// The marker that opens it.
    marker: usize,
    /// Its directives: a range of [`Outline::owned`].
    directives: Range<usize>,
}

impl SectionSpan {
    pub fn has_budget(&self) -> bool {
        self.budget.is_some()
    }
}

/// The sections of one text version, in document order.
#[derive(Clone, Debug)]
pub struct Outline {
    pub spans: Vec<SectionSpan>,
    /// Markers holding directives, grouped by the span they apply to.
    owned: Vec<(usize, usize)>,
}

impl Structure {
    /// The outline of the body: O(markers) steps, nothing allocated per section but its span.
    pub fn outline(&self, rope: &Rope) -> Outline {
        let len = rope.len_bytes();
        let body = self.body_start();
        let mut fence: Option<(u8, u8)> = None;
        let mut spans: Vec<SectionSpan> = Vec::new();
        let mut owned: Vec<(usize, usize)> = Vec::new();
        let mut open_headings: Vec<(usize, u8)> = Vec::new();
        let mut open_message: Option<usize> = None;
        let close = |s: &mut SectionSpan, at: usize| {
            s.range.end = at;
            s.counted.end = at;
        };
        for (k, m) in self.markers.iter().enumerate() {
            if m.offset < body {
                continue;
            }
            if let Some((c, n)) = m.fence {
                match fence {
                    None => fence = Some((c, n)),
                    Some((oc, on)) if oc == c && n >= on => fence = None,
                    _ => {}
                }
                continue;
            }
            if fence.is_some() {
                continue;
            }
            let header_end = m.offset + m.content_len;
            let span = |counted_start: usize, is_message: bool| SectionSpan {
                range: m.offset..len,
                counted: counted_start..len,
                header_end,
                is_message,
                budget: None,
                marker: k,
                directives: 0..0,
            };
            if m.heading > 0 {
                // A heading closes the open headings of the same or a deeper level.
                while let Some(&(i, level)) = open_headings.last() {
                    if level < m.heading {
                        break;
                    }
                    close(&mut spans[i], m.offset);
                    open_headings.pop();
                }
                open_headings.push((spans.len(), m.heading));
                spans.push(span(m.offset, false));
            } else if m.role.is_some() {
                // A role line closes every open heading and the previous message.
                for (i, _) in open_headings.drain(..) {
                    close(&mut spans[i], m.offset);
                }
                if let Some(i) = open_message.take() {
                    close(&mut spans[i], m.offset);
                }
                open_message = Some(spans.len());
                spans.push(span((m.offset + m.line_len).min(len), true));
            }
            // A directive applies to the innermost section holding it: the heading opened
            // last (a role line closed the older ones), else the message.
            if m.directive.is_some() {
                if let Some(i) = open_headings.last().map(|&(i, _)| i).or(open_message) {
                    owned.push((i, k));
                }
            }
        }
        owned.sort_by_key(|&(s, _)| s);
        let mut at = 0;
        while at < owned.len() {
            let s = owned[at].0;
            let end = at + owned[at..].partition_point(|&(x, _)| x == s);
            spans[s].directives = at..end;
            spans[s].budget = owned[at..end]
                .iter()
                .filter_map(|&(_, k)| self.markers[k].directive.as_ref()?.budget)
                .next_back();
            at = end;
        }
        Outline { spans, owned }
    }

    /// Sections and messages, in document order, outside code fences and front matter.
    pub fn sections(&self, rope: &Rope) -> Vec<Section> {
        let outline = self.outline(rope);
        outline
            .spans
            .iter()
            .map(|s| outline.section(self, s))
            .collect()
    }
}

impl Outline {
    /// The section `span` (a span of this outline) stands for, its directives applied in order.
    pub fn section(&self, structure: &Structure, span: &SectionSpan) -> Section {
        let m = &structure.markers[span.marker];
        let (kind, title) = match &m.role {
            Some(role) if span.is_message => (SectionKind::Message(role.clone()), role.clone()),
            _ => (SectionKind::Heading(m.heading), m.title.clone()),
        };
        let mut s = Section {
            kind,
            title,
            range: span.range.clone(),
            counted: span.counted.clone(),
            header_end: span.header_end,
            budget: span.budget,
            model: None,
            cost: Default::default(),
        };
        for &(_, k) in &self.owned[span.directives.clone()] {
            if let Some(d) = &structure.markers[k].directive {
                s.model = d.model.clone().or(s.model.take());
                s.cost = s.cost.over(&d.cost);
            }
        }
        s
    }

    pub fn messages(&self) -> impl Iterator<Item = &SectionSpan> {
        self.spans.iter().filter(|s| s.is_message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::prompt_file::Flavor;

    fn outline(flavor: Flavor, text: &str) -> (Rope, Structure) {
        let rope = Rope::from_str(text);
        let s = Structure::parse(flavor, &rope);
        (rope, s)
    }

    /// The section list as it was built before the outline (every section and its
    /// directives, straight from the markers and the text): the outline must agree with it.
    fn reference_sections(st: &Structure, rope: &Rope) -> Vec<Section> {
        let len = rope.len_bytes();
        let body = st.body_start();
        let mut fence: Option<(u8, u8)> = None;
        // Markers that count (outside fences and front matter).
        let mut live: Vec<&crate::extract::prompt_file::Marker> = Vec::new();
        for m in &st.markers {
            if m.offset < body {
                continue;
            }
            if let Some((c, n)) = m.fence {
                match fence {
                    None => fence = Some((c, n)),
                    Some((oc, on)) if oc == c && n >= on => fence = None,
                    _ => {}
                }
                continue;
            }
            if fence.is_none() {
                live.push(m);
            }
        }
        // One pass: a heading closes the open headings of the same or a deeper level; a role
        // line closes every open heading and the previous message.
        let mut out: Vec<Section> = Vec::with_capacity(live.len());
        let mut open_headings: Vec<(usize, u8)> = Vec::new();
        let mut open_message: Option<usize> = None;
        for m in &live {
            let header_end = m.offset + m.content_len;
            if m.heading > 0 {
                while let Some(&(i, level)) = open_headings.last() {
                    if level < m.heading {
                        break;
                    }
                    out[i].range.end = m.offset;
                    out[i].counted.end = m.offset;
                    open_headings.pop();
                }
                open_headings.push((out.len(), m.heading));
                out.push(Section {
                    kind: SectionKind::Heading(m.heading),
                    title: m.title.clone(),
                    range: m.offset..len,
                    counted: m.offset..len,
                    header_end,
                    budget: None,
                    model: None,
                    cost: Default::default(),
                });
            } else if let Some(role) = &m.role {
                for (i, _) in open_headings.drain(..) {
                    out[i].range.end = m.offset;
                    out[i].counted.end = m.offset;
                }
                if let Some(i) = open_message.take() {
                    out[i].range.end = m.offset;
                    out[i].counted.end = m.offset;
                }
                open_message = Some(out.len());
                let body = (m.offset + m.line_len).min(len);
                out.push(Section {
                    kind: SectionKind::Message(role.clone()),
                    title: role.clone(),
                    range: m.offset..len,
                    counted: body..len,
                    header_end,
                    budget: None,
                    model: None,
                    cost: Default::default(),
                });
            }
        }
        // Directives apply to the innermost section holding them.
        for m in live.iter().filter(|m| m.directive.is_some()) {
            let line = rope
                .byte_slice(m.offset..(m.offset + m.line_len).min(len))
                .to_string();
            let d = crate::extract::prompt_file::parse_directive(&line).unwrap_or_default();
            if let Some(s) = out.iter_mut().rfind(|s| s.range.contains(&m.offset)) {
                s.budget = d.budget.or(s.budget);
                s.model = d.model.or(s.model.take());
                s.cost = s.cost.over(&d.cost);
            }
        }
        out
    }

    #[test]
    fn the_outline_agrees_with_the_straightforward_section_list() {
        let lines = [
            "# Title\n",
            "## Sub <!-- promptcost: budget=40 -->\n",
            "### Deep\n",
            "text line\n",
            "<!-- promptcost: budget=12 model=gpt-4o -->\n",
            "<!-- promptcost: output=50 -->\n",
            "```\n",
            "~~~~\n",
            "# fenced heading?\n",
            "system:\n",
            "user:\n",
            "{{role \"assistant\"}}\n",
            "\n",
            "---\n",
            "model: gpt-4o\n",
        ];
        let mut seed = 11u64;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        for case in 0..600 {
            let text: String = (0..next(40)).map(|_| lines[next(lines.len())]).collect();
            for flavor in [Flavor::Markdown, Flavor::Prompty, Flavor::Dotprompt] {
                let (rope, s) = outline(flavor, &text);
                assert_eq!(
                    s.sections(&rope),
                    reference_sections(&s, &rope),
                    "case {case} {flavor:?}: {text:?}"
                );
            }
        }
    }

    #[test]
    fn a_directive_applies_to_the_innermost_section_only() {
        let text = "# A\n<!-- promptcost: budget=10 -->\n## B\n<!-- promptcost: budget=20 model=gpt-4o -->\nb\n```\n<!-- promptcost: budget=99 -->\n```\n# C\n<!-- promptcost: output=50 -->\n<!-- promptcost: budget=30 -->\n";
        let (rope, s) = outline(Flavor::Markdown, text);
        let secs = s.sections(&rope);
        let got: Vec<_> = secs
            .iter()
            .map(|x| (&*x.title, x.budget, x.model.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                ("A", Some(10), None),
                ("B", Some(20), Some("gpt-4o")),
                ("C", Some(30), None)
            ]
        );
        assert_eq!(secs[2].cost.output, Some((50, 50)));
    }

    #[test]
    fn building_some_spans_gives_the_same_sections() {
        let text = "---\nmodel: gpt-4o\n---\nsystem:\nBe brief.\n# Rules\n<!-- promptcost: budget=5 -->\nno\nuser:\n<!-- promptcost: budget=7 -->\n{{q}}\n";
        let (rope, s) = outline(Flavor::Prompty, text);
        let all = s.sections(&rope);
        let o = s.outline(&rope);
        assert_eq!(o.spans.len(), all.len());
        assert_eq!(o.messages().count(), 2);
        for (span, sec) in o.spans.iter().zip(&all).rev() {
            assert_eq!(&o.section(&s, span), sec);
            assert_eq!(span.has_budget(), sec.budget.is_some());
        }
        let budgets: Vec<_> = all.iter().map(|x| (&*x.title, x.budget)).collect();
        assert_eq!(
            budgets,
            [("system", None), ("Rules", Some(5)), ("user", Some(7))]
        );
        // A heading inside a message is a section of its own; the message runs to the next role.
        assert_eq!(
            &text[all[0].counted.clone()],
            "Be brief.\n# Rules\n<!-- promptcost: budget=5 -->\nno\n"
        );
    }
}
