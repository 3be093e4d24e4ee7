//! What an analysis says: per-prompt counts ([`ModelCount`]), prompts ([`Prompt`]), problems
//! ([`Problem`]), and the budget and context-window checks shared by both kinds of document
//! (and by the Claude API thread, which checks budgets again against exact counts).
//!
//! Owns: the result types, which models a prompt is counted in, budget problems.
//! Never: counts text or reads a document's structure.

use std::ops::Range;

use ropey::Rope;

use crate::format;
use crate::pricing::{Model, Tokenizer};

/// A model's count and cost for one piece of text (its JSON shape: `wire::ModelCountJson`).
#[derive(Clone, Debug, PartialEq)]
pub struct ModelCount {
    pub model: String,
    /// The tokenizer the count was made with (for an estimate: the exact base count).
    pub encoding: String,
    /// `o200k_base`, `cl100k_base`, `gemma3`, `claude` or `estimate`: the model's tokenizer.
    pub tokenizer: Tokenizer,
    pub tokens: u64,
    pub exact: bool,
    /// For estimates: the stated error bound, in percent.
    pub error_pct: Option<f64>,
    /// `null` when the model has no price (never 0).
    pub input_cost_usd: Option<f64>,
    pub cached_input_cost_usd: Option<f64>,
    pub context_window: Option<u64>,
    pub context_share: Option<f64>,
    /// Counted by Anthropic's `count_tokens` API (opt-in): exact, framing of one user
    /// message included.
    pub via_api: bool,
}

impl ModelCount {
    /// An exact count from the provider's API in place of an estimate.
    pub(crate) fn from_api(model: &Model, tokens: u64) -> ModelCount {
        ModelCount {
            exact: true,
            error_pct: None,
            via_api: true,
            ..ModelCount::new(model, tokens)
        }
    }

    /// "exact (o200k_base)", "≈ ±15%" or "exact via API".
    pub(crate) fn accuracy_label(&self, model: Option<&Model>) -> String {
        match (self.via_api, model, self.error_pct) {
            (true, _, _) => crate::anthropic::EXACT_VIA_API.to_string(),
            (_, Some(m), _) => m.accuracy_label(),
            (_, None, Some(e)) => format!("≈ ±{e:.0}%"),
            (_, None, None) => format!("exact ({})", self.encoding),
        }
    }

    pub fn new(model: &Model, tokens: u64) -> ModelCount {
        ModelCount {
            model: model.id.clone(),
            encoding: model.counting.encoding().name().to_string(),
            tokenizer: model.tokenizer,
            tokens,
            exact: model.counting.is_exact(),
            error_pct: model.counting.error_pct(),
            input_cost_usd: model.input_cost(tokens),
            cached_input_cost_usd: model.cached_input_cost(tokens),
            context_window: model.max_input_tokens,
            context_share: model.context_share(tokens),
            via_api: false,
        }
    }

    /// `412 tok · $0.0010` (estimates: `≈412 tok · $0.0012`).
    pub(crate) fn short_label(&self) -> String {
        format!(
            "{} tok · {}",
            format::tokens(self.tokens, self.exact),
            format::cost(self.input_cost_usd)
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PromptKind {
    File,
    Section,
    Message,
    Literal,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
    Information,
}

/// A problem to show: budget exceeded, context window exceeded, bad directive.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub range: Range<usize>,
    pub severity: Severity,
    pub message: String,
    /// `budget`, `context-window`, `directive`, `model`.
    pub code: &'static str,
}

impl Problem {
    /// A warning at one offset (a bad directive, an unknown model).
    pub(crate) fn warning_at(at: usize, code: &'static str, message: String) -> Problem {
        Problem {
            range: at..at,
            severity: Severity::Warning,
            message,
            code,
        }
    }
}

/// One prompt of a document: the file, a section, a chat message or a code literal.
#[derive(Clone, Debug, PartialEq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub name: String,
    /// The range shown to the user (a section with its heading, a literal with its quotes).
    pub range: Range<usize>,
    /// Where an inlay hint goes (end of the heading line / of the literal's first line).
    pub hint_at: usize,
    pub budget: Option<u64>,
    /// The model the budget is measured in (from a directive or front matter), else primary.
    pub budget_model: String,
    pub counts: Vec<ModelCount>,
    pub placeholders: Vec<String>,
}

impl Prompt {
    pub fn count_for(&self, model: &str) -> Option<&ModelCount> {
        self.counts.iter().find(|c| c.model == model)
    }

    /// The count the budget is checked against.
    pub(crate) fn budget_count(&self) -> &ModelCount {
        self.count_for(&self.budget_model)
            .unwrap_or(&self.counts[0])
    }
}

/// What a document holds: the file as a whole, then its sections/messages/literals.
#[derive(Clone, Debug)]
pub struct Analysis {
    pub file: Prompt,
    pub parts: Vec<Prompt>,
    pub problems: Vec<Problem>,
    /// `promptcost: ignore` at file level.
    pub ignored: bool,
}

impl Analysis {
    pub fn all(&self) -> impl Iterator<Item = &Prompt> {
        std::iter::once(&self.file).chain(self.parts.iter())
    }
}

/// What `analyze_where`'s filter sees of a section or literal.
pub struct PartInfo {
    pub range: Range<usize>,
    pub hint_at: usize,
    pub has_budget: bool,
}

impl PartInfo {
    /// Whether its hint falls in the byte range `visible` (ends included).
    pub fn hint_in(&self, visible: &Range<usize>) -> bool {
        self.hint_at >= visible.start && self.hint_at <= visible.end
    }
}

/// Budget warnings (on the section's range, or the first line for a file) and context-window
/// errors (the file against every configured model).
pub fn budget_problems(a: &mut Analysis, rope: &Rope) {
    let first_line_end = super::before_break(rope, 0, super::line_end(rope, 0));
    let mut out = Vec::new();
    for p in a.all() {
        let Some(budget) = p.budget else { continue };
        let c = p.budget_count();
        if c.tokens > budget {
            let over = (c.tokens - budget) as f64 / budget as f64 * 100.0;
            let range = if p.kind == PromptKind::File {
                0..first_line_end
            } else {
                p.range.start..p.hint_at
            };
            out.push(Problem {
                range,
                severity: Severity::Warning,
                message: format!(
                    "{} tokens exceeds budget {} (+{}) for {} ({})",
                    format::tokens(c.tokens, c.exact),
                    format::thousands(budget),
                    if over < 1.0 {
                        format!("{over:.1}%")
                    } else {
                        format!("{over:.0}%")
                    },
                    if p.kind == PromptKind::File {
                        "this file".to_string()
                    } else {
                        format!("{} '{}'", kind_word(p.kind), p.name)
                    },
                    c.model,
                ),
                code: "budget",
            });
        }
    }
    for c in &a.file.counts {
        if let Some(w) = c.context_window {
            if c.tokens > w {
                out.push(Problem {
                    range: 0..first_line_end,
                    severity: Severity::Error,
                    message: format!(
                        "{} tokens exceeds the context window of {} ({})",
                        format::tokens(c.tokens, c.exact),
                        c.model,
                        format::thousands(w)
                    ),
                    code: "context-window",
                });
            }
        }
    }
    a.problems.extend(out);
}

fn kind_word(k: PromptKind) -> &'static str {
    match k {
        PromptKind::File => "file",
        PromptKind::Section => "section",
        PromptKind::Message => "message",
        PromptKind::Literal => "prompt",
    }
}
