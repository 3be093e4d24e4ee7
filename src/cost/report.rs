//! The cost part of a `check` report: each request's (a prompt file's, a prompt literal's)
//! cost per call and per month in its budget model, its change since the base, and the
//! dollar budgets it breaks.
//!
//! Never: decides the exit code (a violation is reported like a token-budget one).

use super::prompt::{budgets, estimates_in, signed_usd, Estimate, FileContext};
use crate::config::Settings;
use crate::document::{Analysis, Document, Prompt, PromptKind};
use crate::format;

/// The cost of a prompt as a request, in `check` (its JSON: `wire::PromptCostJson`).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct PromptCost {
    /// The budget model.
    pub model: String,
    pub output_tokens: u64,
    /// `directive`, `prompt_settings` (an upper bound), `usage`, `flag`, `config`, `default`.
    pub output_source: String,
    pub per_call_usd: Option<f64>,
    /// With an output range: its high end (what budgets are checked against).
    pub per_call_high_usd: Option<f64>,
    pub turns: Option<u64>,
    pub history_share: Option<f64>,
    pub calls_per_day: Option<f64>,
    pub daily_usd: Option<f64>,
    pub monthly_usd: Option<f64>,
    pub budget_usd: Option<f64>,
    pub monthly_budget_usd: Option<f64>,
    /// With `--base`: the cost per call at the base (`null` for a new prompt).
    pub base_per_call_usd: Option<f64>,
    /// With `--base` and a volume: the change per month.
    pub monthly_change_usd: Option<f64>,
    pub(crate) worst_per_call: Option<f64>,
    pub(crate) worst_monthly: Option<f64>,
}

fn source_name(e: &Estimate) -> &'static str {
    use super::OutputSource::*;
    match e.output.source {
        Directive => "directive",
        PromptSettings => "prompt_settings",
        Usage { .. } => "usage",
        Flag => "flag",
        Config => "config",
        Default => "default",
    }
}

/// The cost of a request in its budget model; `None` for sections and messages (parts of
/// their file's request) and for a source file as a whole (its literals are the requests).
pub(crate) fn prompt_cost(
    doc: &Document,
    ctx: &FileContext,
    p: &Prompt,
    s: &Settings,
) -> Option<PromptCost> {
    // A source file is not a request: its literals are.
    let request = match p.kind {
        PromptKind::File => !doc.is_source(),
        PromptKind::Literal => true,
        PromptKind::Section | PromptKind::Message => false,
    };
    if !request {
        return None;
    }
    let est = estimates_in(doc, ctx, p, s);
    let e = est
        .iter()
        .find(|e| e.model == p.budget_model)
        .or(est.first())?;
    let (budget_usd, monthly_budget_usd) = budgets(doc, ctx, p, s);
    Some(PromptCost {
        model: e.model.clone(),
        output_tokens: e.output.point(),
        output_source: source_name(e).to_string(),
        per_call_usd: e.per_call_usd,
        per_call_high_usd: e.per_call_high_usd,
        turns: e.turns,
        history_share: e.history_share,
        calls_per_day: e.calls_per_day,
        daily_usd: e.daily_usd,
        monthly_usd: e.monthly_usd,
        budget_usd,
        monthly_budget_usd,
        base_per_call_usd: None,
        monthly_change_usd: None,
        worst_per_call: e.worst_per_call(),
        worst_monthly: e.worst_monthly(),
    })
}

/// Costs of every prompt of an analysis, in `a.all()` order.
pub(crate) fn prompt_costs(doc: &Document, a: &Analysis, s: &Settings) -> Vec<Option<PromptCost>> {
    let ctx = FileContext::of(doc);
    a.all().map(|p| prompt_cost(doc, &ctx, p, s)).collect()
}

impl PromptCost {
    /// Records the base's cost per call (`None`: the prompt is new, it cost nothing).
    pub(crate) fn set_base(&mut self, base: Option<f64>) {
        self.base_per_call_usd = base;
        if let (Some(now), Some(d)) = (self.per_call_usd, self.calls_per_day) {
            self.monthly_change_usd = Some(super::call::monthly(now - base.unwrap_or(0.0), d));
        }
    }

    /// `+$12.40/month at 10,000 calls/day`.
    pub(crate) fn monthly_change_label(&self) -> Option<String> {
        let (c, d) = (self.monthly_change_usd?, self.calls_per_day?);
        Some(format!(
            "{}/month at {} calls/day",
            signed_usd(c),
            format::thousands(d.round() as u64)
        ))
    }

    /// Broken dollar budgets: (rule, message) for `what` (a path or `prompt 'x'`).
    pub fn violations(&self, what: &str) -> Vec<(crate::check::Rule, String)> {
        let mut out = Vec::new();
        if let (Some(b), Some(c)) = (self.budget_usd, self.worst_per_call) {
            if c > b {
                out.push((
                    crate::check::Rule::CostBudget,
                    format!(
                        "{what} costs {} per call in {}, over its budget of {} (output {} tokens)",
                        format::usd(c),
                        self.model,
                        format::usd(b),
                        format::thousands(self.output_tokens)
                    ),
                ));
            }
        }
        if let (Some(b), Some(c)) = (self.monthly_budget_usd, self.worst_monthly) {
            if c > b {
                out.push((
                    crate::check::Rule::MonthlyBudget,
                    format!(
                        "{what} costs {} per month in {} at {} calls/day, over its budget of {}",
                        format::usd(c),
                        self.model,
                        format::thousands(self.calls_per_day.unwrap_or(0.0).round() as u64),
                        format::usd(b)
                    ),
                ));
            }
        }
        out
    }
}

/// One line per request worth showing in a report (a volume, a dollar budget or a change in
/// dollars), largest monthly change first: `prompts/a.md: $0.0123/call · $369.00/month at
/// 10,000 calls/day, +$12.40/month`.
pub(crate) fn summary_lines<'a>(
    costs: impl Iterator<Item = (String, &'a PromptCost)>,
) -> Vec<String> {
    let mut shown: Vec<(String, &PromptCost)> = costs
        .filter(|(_, c)| {
            c.calls_per_day.is_some() || c.budget_usd.is_some() || c.monthly_budget_usd.is_some()
        })
        .collect();
    shown.sort_by(|a, b| {
        let key = |c: &PromptCost| c.monthly_change_usd.map_or(0.0, f64::abs);
        key(b.1).total_cmp(&key(a.1)).then_with(|| a.0.cmp(&b.0))
    });
    shown
        .into_iter()
        .map(|(what, c)| {
            let mut line = match (c.monthly_change_label(), c.monthly_usd) {
                (Some(change), Some(m)) => format!(
                    "{what}: {change} (now {}/month, {}/call)",
                    format::usd(m),
                    format::cost(c.per_call_usd)
                ),
                (_, Some(m)) => format!(
                    "{what}: {}/call · {}/day · {}/month at {} calls/day",
                    format::cost(c.per_call_usd),
                    format::cost(c.daily_usd),
                    format::usd(m),
                    format::thousands(c.calls_per_day.unwrap_or(0.0).round() as u64)
                ),
                _ => format!("{what}: {}/call", format::cost(c.per_call_usd)),
            };
            if let Some(b) = c.budget_usd {
                line.push_str(&format!(" (budget {}/call)", format::usd(b)));
            }
            if let Some(b) = c.monthly_budget_usd {
                line.push_str(&format!(" (budget {}/month)", format::usd(b)));
            }
            line.push_str(&format!(
                " [{}, output {}]",
                c.model,
                format::thousands(c.output_tokens)
            ));
            line
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cost(per_call: f64, calls: Option<f64>) -> PromptCost {
        PromptCost {
            model: "gpt-4o".into(),
            output_tokens: 300,
            output_source: "directive".into(),
            per_call_usd: Some(per_call),
            per_call_high_usd: None,
            turns: None,
            history_share: None,
            calls_per_day: calls,
            daily_usd: calls.map(|d| per_call * d),
            monthly_usd: calls.map(|d| super::super::call::monthly(per_call, d)),
            budget_usd: None,
            monthly_budget_usd: None,
            base_per_call_usd: None,
            monthly_change_usd: None,
            worst_per_call: Some(per_call),
            worst_monthly: calls.map(|d| super::super::call::monthly(per_call, d)),
        }
    }

    #[test]
    fn monthly_change_and_budgets() {
        let mut c = cost(0.0031, Some(10_000.0));
        c.set_base(Some(0.0030));
        assert!((c.monthly_change_usd.unwrap() - 30.0).abs() < 1e-9);
        assert_eq!(
            c.monthly_change_label().as_deref(),
            Some("+$30.00/month at 10,000 calls/day")
        );
        let mut new = cost(0.001, Some(100.0));
        new.set_base(None);
        assert!(
            (new.monthly_change_usd.unwrap() - 3.0).abs() < 1e-9,
            "a new prompt adds all of its cost"
        );
        let mut none = cost(0.001, None);
        none.set_base(Some(0.002));
        assert_eq!(
            none.monthly_change_usd, None,
            "no volume: no monthly figure"
        );
        c.budget_usd = Some(0.003);
        c.monthly_budget_usd = Some(1_000.0);
        let v = c.violations("a.md");
        assert_eq!(
            v.iter().map(|x| x.0).collect::<Vec<_>>(),
            [crate::check::Rule::CostBudget]
        );
        assert!(
            v[0].1.contains("$0.0031 per call") && v[0].1.contains("$0.0030"),
            "{v:?}"
        );
        c.monthly_budget_usd = Some(900.0);
        assert_eq!(c.violations("a.md").len(), 2);
    }

    #[test]
    fn summary_lines_put_the_largest_change_first() {
        let mut small = cost(0.001, Some(1_000.0));
        small.set_base(Some(0.0009));
        let mut big = cost(0.01, Some(1_000.0));
        big.set_base(Some(0.02));
        let quiet = cost(0.01, None);
        let lines = summary_lines(
            [
                ("a.md".to_string(), &small),
                ("b.md".to_string(), &big),
                ("c.md".to_string(), &quiet),
            ]
            .into_iter(),
        );
        assert_eq!(
            lines.len(),
            2,
            "no volume, no budget: not listed: {lines:?}"
        );
        assert!(
            lines[0].starts_with("b.md: -$300.00/month at 1,000 calls/day"),
            "{lines:?}"
        );
        assert!(lines[1].starts_with("a.md: +$3.00/month"), "{lines:?}");
    }
}
