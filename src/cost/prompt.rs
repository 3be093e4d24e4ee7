//! A prompt as a call: its expected output, volume, cache and turns resolved from directives,
//! front matter and `promptcost.toml`, then priced per model; and the rows every output shows.
//!
//! A prompt file is one request, so cost keys in its directives describe the whole file
//! wherever they sit (the first of each key wins, file-level directives first); a section or
//! message is shown with the cost of the request it belongs to. A prompt literal in code is
//! priced as a request of its own.
//! Never: counts text beyond the static prefix and the user message it needs.

use std::path::Path;

use serde::Serialize;

use super::call::{self, Cache, CallCost, Conversation, Request};
use super::{by_glob, CostDirective, Expected, OutputSource};
use crate::config::Settings;
use crate::document::{Analysis, Document, Prompt, PromptKind};
use crate::extract::code::CodePrompt;
use crate::extract::prompt_file::{placeholders, SectionKind};
use crate::format;
use crate::pricing::{Model, Provider};

/// What a request looks like, per model.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Shape {
    pub input: u64,
    /// Tokens before the first placeholder: the part every call repeats.
    pub prefix: u64,
    /// Tokens of the last user message (what each further turn adds besides the reply).
    pub user_tokens: u64,
    pub chat: bool,
}

/// The settings of one prompt that are not in `Settings`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Knobs {
    pub directive: CostDirective,
    /// From front matter: an upper bound.
    pub max_output: Option<u64>,
}

/// One model's cost of a prompt used as a call.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Estimate {
    pub model: String,
    pub input_tokens: u64,
    pub output: Expected,
    pub reasoning_tokens: u64,
    pub turns: Option<u64>,
    /// Input of the last turn of a conversation (what decides its tier).
    pub last_turn_input_tokens: Option<u64>,
    #[serde(skip)]
    pub per_call: Option<CallCost>,
    pub per_call_usd: Option<f64>,
    /// With an output range: the call at its low and high end.
    pub per_call_low_usd: Option<f64>,
    pub per_call_high_usd: Option<f64>,
    pub history_share: Option<f64>,
    pub calls_per_day: Option<f64>,
    pub daily_usd: Option<f64>,
    pub monthly_usd: Option<f64>,
    pub cache_hit: Option<f64>,
}

impl Estimate {
    /// The per-call cost budgets are checked against: the high end of a range.
    pub(crate) fn worst_per_call(&self) -> Option<f64> {
        self.per_call_high_usd.or(self.per_call_usd)
    }

    pub(crate) fn worst_monthly(&self) -> Option<f64> {
        Some(call::monthly(self.worst_per_call()?, self.calls_per_day?))
    }
}

/// Expected output, by precedence: directive, the prompt's own settings (an upper bound), the
/// project's usage file (this model's average), the setting / `expected_output_tokens`, the
/// default.
pub(crate) fn expected_output(m: &Model, k: &Knobs, s: &Settings) -> Expected {
    if let Some((low, high)) = k.directive.output {
        return Expected {
            low,
            high,
            source: OutputSource::Directive,
        };
    }
    if let Some(n) = k.max_output {
        return Expected {
            low: n,
            high: n,
            source: OutputSource::PromptSettings,
        };
    }
    let configured = s.cost.output_source.unwrap_or(OutputSource::Default);
    if configured != OutputSource::Flag {
        if let Some((_, avg, calls)) = s.cost.usage_output.iter().find(|(id, _, _)| *id == m.id) {
            let n = avg.round() as u64;
            return Expected {
                low: n,
                high: n,
                source: OutputSource::Usage { calls: *calls },
            };
        }
    }
    let n = s.expected_output_tokens;
    Expected {
        low: n,
        high: n,
        source: configured,
    }
}

/// Calls per day: directive, then the setting / flag, then the longest matching `[volume]` glob.
pub fn calls_per_day(k: &Knobs, s: &Settings, path: &Path) -> Option<f64> {
    k.directive
        .calls_per_day
        .or(s.cost.calls_per_day)
        .or_else(|| by_glob(&s.cost.volume, s.rel(path)))
}

pub fn estimate(m: &Model, shape: &Shape, k: &Knobs, s: &Settings, path: &Path) -> Estimate {
    let output = expected_output(m, k, s);
    let reasoning = k.directive.reasoning.unwrap_or(s.cost.reasoning_tokens);
    let turns = k
        .directive
        .turns
        .or(if shape.chat { s.cost.turns } else { None })
        .filter(|&t| t > 1);
    let cache: Option<Cache> = s.cost.cache;
    let price = |out: u64| -> Option<(CallCost, Option<f64>, Option<u64>)> {
        let req = Request {
            input: shape.input,
            prefix: shape.prefix,
            write_rest: false,
            output: out,
            reasoning,
        };
        match turns {
            Some(t) => {
                let c = call::conversation(
                    m,
                    &req,
                    Conversation {
                        turns: t,
                        user_tokens: shape.user_tokens,
                    },
                    cache,
                )?;
                Some((c.total, Some(c.history_share), Some(c.last_input)))
            }
            None => Some((call::call(m, &req, cache)?, None, None)),
        }
    };
    let point = price(output.point());
    let (low, high) = if output.is_range() {
        (
            price(output.low).map(|p| p.0.total()),
            price(output.high).map(|p| p.0.total()),
        )
    } else {
        (None, None)
    };
    let calls = calls_per_day(k, s, path);
    let per_call_usd = point.map(|p| p.0.total());
    Estimate {
        model: m.id.clone(),
        input_tokens: shape.input,
        output,
        reasoning_tokens: reasoning,
        turns,
        last_turn_input_tokens: point.and_then(|p| p.2),
        per_call: point.map(|p| p.0),
        per_call_usd,
        per_call_low_usd: low,
        per_call_high_usd: high,
        history_share: point.and_then(|p| p.1),
        calls_per_day: calls,
        daily_usd: per_call_usd.zip(calls).map(|(c, d)| c * d),
        monthly_usd: per_call_usd.zip(calls).map(|(c, d)| call::monthly(c, d)),
        cache_hit: cache.map(|c| c.hit),
    }
}

/// The byte offset of the first placeholder in `text`, if any.
fn first_placeholder(text: &str) -> Option<usize> {
    placeholders(text)
        .first()
        .and_then(|p| text.find(p.as_str()))
}

/// Placeholders longer than this may be missed where they cross a rope chunk boundary.
const PLACEHOLDER_OVERLAP: usize = 512;

/// The offset of the first placeholder in `range` of the document: the rope's chunks are
/// scanned in order (with an overlap for placeholders across chunk boundaries) and the scan
/// stops at the first one, without copying the text.
fn first_placeholder_in(doc: &Document, range: std::ops::Range<usize>) -> Option<usize> {
    let len = doc.rope.len_bytes();
    let range = range.start.min(len)..range.end.min(len);
    let floor = |b: usize| doc.rope.char_to_byte(doc.rope.byte_to_char(b));
    let (start, end) = (floor(range.start), floor(range.end));
    let mut carry = String::new();
    let mut carry_at = start;
    for chunk in doc.rope.byte_slice(start..end).chunks() {
        // Every placeholder starts with `{`: a chunk without one, after a carry without one,
        // holds none.
        if !chunk.contains('{') && !carry.contains('{') {
            carry_at += carry.len() + chunk.len();
            carry.clear();
            continue;
        }
        let mut window = std::mem::take(&mut carry);
        window.push_str(chunk);
        if let Some(o) = first_placeholder(&window) {
            return Some(carry_at + o);
        }
        let mut keep = window.len().saturating_sub(PLACEHOLDER_OVERLAP);
        while !window.is_char_boundary(keep) {
            keep += 1;
        }
        carry_at += keep;
        carry = window[keep..].to_string();
    }
    None
}

/// The part of `text` every call repeats: up to its first placeholder.
pub(crate) fn static_prefix(text: &str) -> &str {
    &text[..first_placeholder(text).unwrap_or(text.len())]
}

/// What a prompt file's request needs of its structure, read once per document.
pub struct FileContext {
    /// The cost keys: file-level directives, then every section's, first wins.
    knobs: Knobs,
    chat: bool,
    /// The last user message's counted range.
    user: Option<std::ops::Range<usize>>,
}

impl FileContext {
    pub fn of(doc: &Document) -> FileContext {
        let Some(structure) = doc.structure() else {
            return FileContext {
                knobs: Knobs::default(),
                chat: false,
                user: None,
            };
        };
        let rope = &doc.rope;
        let sections = structure.sections(rope);
        let mut d = structure.file_directive(rope).cost;
        for sec in &sections {
            d = sec.cost.over(&d);
        }
        FileContext {
            knobs: Knobs {
                directive: d,
                max_output: structure
                    .front_matter
                    .as_ref()
                    .and_then(|f| f.max_output_tokens),
            },
            chat: sections
                .iter()
                .any(|x| matches!(x.kind, SectionKind::Message(_))),
            user: sections
                .iter()
                .rev()
                .find(|x| x.kind == SectionKind::Message("user".into()))
                .map(|x| x.counted.clone()),
        }
    }
}

/// The request a prompt belongs to: the file for a section or message, itself otherwise.
pub(crate) fn request_of<'a>(a: &'a Analysis, p: &'a Prompt) -> &'a Prompt {
    match p.kind {
        PromptKind::Section | PromptKind::Message => &a.file,
        _ => p,
    }
}

/// Per-model estimates of a request (a file or a literal) of `doc`.
pub fn estimates(doc: &Document, p: &Prompt, s: &Settings) -> Vec<Estimate> {
    estimates_in(doc, &FileContext::of(doc), p, s)
}

/// [`estimates`] with the document's structure already read.
pub(crate) fn estimates_in(
    doc: &Document,
    ctx: &FileContext,
    p: &Prompt,
    s: &Settings,
) -> Vec<Estimate> {
    let models: Vec<&Model> = p
        .counts
        .iter()
        .filter_map(|c| s.table.get(&c.model))
        .collect();
    let code_prompt = code_prompt(doc, p);
    let (knobs, prefix_text, prefix_range, chat, user_range) = match (doc.code(), p.kind) {
        (Some(_), _) => {
            let value = code_prompt.map(|c| c.value.as_str()).unwrap_or("");
            let cut = first_placeholder(value).unwrap_or(value.len());
            // the cost keys of the directive above the literal (`# promptcost: output=300`)
            let knobs = Knobs {
                directive: code_prompt.map(|c| c.cost.clone()).unwrap_or_default(),
                max_output: None,
            };
            (knobs, Some(value[..cut].to_string()), None, false, None)
        }
        _ => {
            // The static prefix matters only with a cache assumption.
            let cut = s
                .cost
                .cache
                .and_then(|_| first_placeholder_in(doc, p.range.clone()));
            (
                ctx.knobs.clone(),
                None,
                cut.map(|c| p.range.start..c),
                ctx.chat,
                ctx.user.clone(),
            )
        }
    };
    let prefix_counts = prefix_range
        .map(|r| doc.count_range(r, &models.iter().map(|m| (*m).clone()).collect::<Vec<_>>()));
    // The user message matters only in a conversation.
    let turns = ctx
        .knobs
        .directive
        .turns
        .or(if ctx.chat { s.cost.turns } else { None });
    let user_counts = user_range
        .filter(|_| turns.is_some_and(|t| t > 1))
        .map(|r| doc.count_range(r, &models.iter().map(|m| (*m).clone()).collect::<Vec<_>>()));
    p.counts
        .iter()
        .filter_map(|c| {
            let m = s.table.get(&c.model)?;
            let i = models.iter().position(|x| x.id == m.id)?;
            let prefix = match (&prefix_text, &prefix_counts) {
                // A literal's call: its tool definitions come first and repeat on every call.
                (Some(t), _) => {
                    m.counting.from_base(m.counting.encoding().count(t) as u64)
                        + code_prompt
                            .and_then(|c| c.tools.as_ref())
                            .and_then(|t| super::tools::of_call(m, t).ok())
                            .map_or(0, |t| t.0)
                }
                (None, Some(pc)) => pc[i].tokens,
                (None, None) => c.tokens,
            };
            // Each further turn adds the reply and a user message, each with the per-message
            // framing OpenAI documents (3 tokens; none documented elsewhere).
            let framing = if m.provider == Provider::OpenAi {
                crate::document::OPENAI_TOKENS_PER_MESSAGE
            } else {
                0
            };
            let user_tokens = user_counts
                .as_ref()
                .map_or(0, |u| u[i].tokens + 2 * framing);
            let shape = Shape {
                input: c.tokens,
                prefix: prefix.min(c.tokens),
                user_tokens,
                chat,
            };
            Some(estimate(m, &shape, &knobs, s, &doc.path))
        })
        .collect()
}

/// The literal of a source file shown as prompt `p`.
fn code_prompt<'d>(doc: &'d Document, p: &Prompt) -> Option<&'d CodePrompt> {
    doc.code()?
        .prompts
        .iter()
        .find(|c| p.kind == PromptKind::Literal && c.range == p.range)
}

/// The dollar budgets of a request: (per call, per month).
pub fn budgets(
    doc: &Document,
    ctx: &FileContext,
    p: &Prompt,
    s: &Settings,
) -> (Option<f64>, Option<f64>) {
    let d = &ctx.knobs.directive;
    let file = p.kind == PromptKind::File;
    (
        d.budget_usd.or(if file { s.cost.budget_usd } else { None }),
        d.monthly_budget_usd.or(if file {
            by_glob(&s.cost.monthly_budgets, s.rel(&doc.path))
        } else {
            None
        }),
    )
}

/// `$0.0123`, or `$0.0100–$0.0250` for an output range.
pub(crate) fn per_call_label(e: &Estimate) -> String {
    match (e.per_call_low_usd, e.per_call_high_usd) {
        (Some(l), Some(h)) => format!("{}–{}", format::usd(l), format::usd(h)),
        _ => format::cost(e.per_call_usd),
    }
}

/// `+$12.40/month`, `-$3.10/month`.
pub(crate) fn signed_usd(v: f64) -> String {
    let sign = if v < 0.0 { "-" } else { "+" };
    format!("{sign}{}", format::usd(v.abs()))
}

/// The hover's cost section for the request of prompt `p`: per call (input · output ·
/// cached), per 1,000 calls, per month at the volume; a fixed-width table like the counts.
pub fn hover_markdown(doc: &Document, a: &Analysis, p: &Prompt, s: &Settings) -> String {
    let req = request_of(a, p);
    let ctx = FileContext::of(doc);
    let est = estimates_in(doc, &ctx, req, s);
    let Some(first) = est.first() else {
        return String::new();
    };
    let per = if first.turns.is_some() {
        "per conversation"
    } else {
        "per call"
    };
    let mut rows = vec![[
        "model".to_string(),
        per.to_string(),
        "input".into(),
        "output".into(),
        "cached".into(),
        "1,000 calls".into(),
        "per day".into(),
        "per month".into(),
    ]];
    for e in &est {
        let c = e.per_call;
        let part =
            |f: fn(&CallCost) -> f64| c.as_ref().map_or("-".to_string(), |c| format::usd(f(c)));
        rows.push([
            e.model.clone(),
            per_call_label(e),
            part(|c| c.input + c.cache_write),
            part(|c| c.output),
            if e.cache_hit.is_some() {
                part(|c| c.cache_read)
            } else {
                "-".to_string()
            },
            format::cost(e.per_call_usd.map(|c| c * 1000.0)),
            e.daily_usd.map_or("-".to_string(), format::usd),
            e.monthly_usd.map_or("-".to_string(), format::usd),
        ]);
    }
    let mut md = String::from("\n**Cost**");
    if req.kind != p.kind {
        md.push_str(" of the whole file (one request)");
    }
    md.push_str("\n\n```text\n");
    md.push_str(&format::table(
        &rows,
        &[false, true, true, true, true, true, true, true],
    ));
    md.push_str("```\n");
    let mut notes = Vec::new();
    if let (Some(t), Some(m)) = (
        code_prompt(doc, req).and_then(|c| c.tools.as_ref()),
        s.table.get(&first.model),
    ) {
        notes.push(super::tools::note(m, t));
    }
    notes.push(format!(
        "Output: {} tokens ({})",
        first.output.label(),
        first.output.source.label()
    ));
    if first.reasoning_tokens > 0 {
        notes.push(format!(
            "{} reasoning tokens, billed as output",
            format::thousands(first.reasoning_tokens)
        ));
    }
    notes.push(match first.cache_hit {
        Some(h) => format!("static prefix cached on {} of calls", format::percent(h)),
        None => "no cache assumed (set cache_hit)".to_string(),
    });
    if let (Some(t), Some(h)) = (first.turns, first.history_share) {
        notes.push(format!(
            "{t} turns, {} of it re-sent history",
            format::percent(h)
        ));
    }
    if let Some(t) = first.per_call.and_then(|c| c.tier_above) {
        notes.push(format!(
            "whole request billed at the >{} tier",
            format::window(t)
        ));
    }
    notes.push(match first.calls_per_day {
        Some(d) => format!(
            "per month: {} calls/day, 30 days",
            format::thousands(d.round() as u64)
        ),
        None => "per month: set calls=N/day".to_string(),
    });
    md.push_str(&format!("\n{}.\n", notes.join(" · ")));
    let (b, mb) = budgets(doc, &ctx, req, s);
    let e = est
        .iter()
        .find(|e| e.model == req.budget_model)
        .unwrap_or(first);
    if let (Some(b), Some(c)) = (b, e.worst_per_call()) {
        let state = if c > b { " ⚠ over budget" } else { "" };
        md.push_str(&format!(
            "\nBudget: {} / {} per call in `{}`{state}.\n",
            format::usd(c),
            format::usd(b),
            e.model
        ));
    }
    if let (Some(b), Some(c)) = (mb, e.worst_monthly()) {
        let state = if c > b { " ⚠ over budget" } else { "" };
        md.push_str(&format!(
            "\nBudget: {} / {} per month in `{}`{state}.\n",
            format::usd(c),
            format::usd(b),
            e.model
        ));
    }
    md
}

/// ` · $0.0123/call · $369.00/month` for the code lens (the file's first model).
pub(crate) fn lens_suffix(doc: &Document, a: &Analysis, s: &Settings) -> String {
    if doc.is_source() {
        // A source file is not one request; each literal's hover has its cost.
        return String::new();
    }
    let est = estimates(doc, &a.file, s);
    let Some(e) = est.first() else {
        return String::new();
    };
    let per = if e.turns.is_some() {
        "conversation"
    } else {
        "call"
    };
    let mut out = format!(" · {}/{per}", per_call_label(e));
    if let Some(m) = e.monthly_usd {
        out.push_str(&format!(" · {}/month", format::usd(m)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Settings;

    fn settings() -> Settings {
        Settings::defaults(Path::new("/w"))
    }

    #[test]
    fn the_first_placeholder_is_found_across_rope_chunks() {
        let mut text = "static text, no fields. ".repeat(20_000);
        let at = text.len();
        text.push_str("Hello {{name}}, then {{other}}.");
        let doc = Document::new(Path::new("/w/a.prompt.md"), &text, &[]);
        assert!(doc.rope.chunks().count() > 100);
        assert_eq!(first_placeholder_in(&doc, 0..doc.len()), Some(at + 6));
        assert_eq!(first_placeholder_in(&doc, 0..at), None);
        // A placeholder split by a chunk boundary is still found.
        let base = "a".repeat(50_000);
        let mut text = base.clone();
        let boundary = Document::new(Path::new("/w/a.md"), &base, &[])
            .rope
            .chunks()
            .next()
            .unwrap()
            .len();
        text.replace_range(boundary - 2..boundary + 3, "{{x}}");
        let doc = Document::new(Path::new("/w/a.md"), &text, &[]);
        let mut ends = doc.rope.chunks().scan(0, |at, c| {
            *at += c.len();
            Some(*at)
        });
        assert!(
            ends.any(|e| e == boundary),
            "the placeholder straddles a chunk boundary"
        );
        assert_eq!(first_placeholder_in(&doc, 0..doc.len()), Some(boundary - 2));
    }

    #[test]
    fn output_precedence() {
        let mut s = settings();
        let m = s.table.resolve("gpt-4o").unwrap().clone();
        let mut k = Knobs {
            max_output: Some(4096),
            ..Default::default()
        };
        assert_eq!(
            expected_output(&m, &k, &s).source,
            OutputSource::PromptSettings
        );
        k.directive.output = Some((200, 800));
        assert_eq!(
            expected_output(&m, &k, &s),
            Expected {
                low: 200,
                high: 800,
                source: OutputSource::Directive
            }
        );
        s.cost.usage_output = vec![("gpt-4o".into(), 312.4, 10)];
        let none = Knobs::default();
        assert_eq!(
            expected_output(&m, &none, &s),
            Expected {
                low: 312,
                high: 312,
                source: OutputSource::Usage { calls: 10 }
            }
        );
        assert_eq!(
            expected_output(&m, &none, &settings()).high,
            crate::config::DEFAULT_EXPECTED_OUTPUT_TOKENS
        );
    }

    // gpt-4o, 2,000 input tokens, output 200..800 ($2.50 / $10 per 1M): low 0.005 + 0.002,
    // high 0.005 + 0.008, point (500) 0.010; 10,000/day → $3,000/month.
    #[test]
    fn ranges_and_volume() {
        let s = settings();
        let m = s.table.resolve("gpt-4o").unwrap();
        let k = Knobs {
            directive: CostDirective {
                output: Some((200, 800)),
                calls_per_day: Some(10_000.0),
                ..Default::default()
            },
            max_output: None,
        };
        let e = estimate(
            m,
            &Shape {
                input: 2_000,
                prefix: 2_000,
                ..Default::default()
            },
            &k,
            &s,
            Path::new("/w/a.prompt"),
        );
        let near = |a: Option<f64>, b: f64| (a.unwrap() - b).abs() < 1e-9;
        assert!(
            near(e.per_call_low_usd, 0.007)
                && near(e.per_call_high_usd, 0.013)
                && near(e.per_call_usd, 0.010),
            "{e:?}"
        );
        assert!(near(e.monthly_usd, 3_000.0), "{e:?}");
        assert!(near(e.worst_monthly(), 0.013 * 10_000.0 * 30.0));
        assert_eq!(per_call_label(&e), "$0.0070–$0.0130");
    }
}
