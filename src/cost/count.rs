//! `promptcost count`'s cost columns: per model, the expected output, the cost of one call
//! (input + output at the applicable tier, cache as configured, tool definitions included)
//! and the month at the configured volume.
//!
//! Never: applies prompt-file structure (`count` counts the text as given).

use std::path::Path;

use super::prompt::{estimate, Knobs, Shape};
use super::tools::{self, ToolDef};
use crate::config::Settings;
use crate::document::ModelCount;
use crate::format;
use crate::pricing::Model;

/// One model of `count`: the count, then the cost fields (its JSON: `wire::CountJson`).
#[derive(Clone, Debug, PartialEq)]
pub struct CountModel {
    pub count: ModelCount,
    pub output_tokens: u64,
    pub reasoning_tokens: u64,
    /// Input tokens of the tool definitions (`--tools`), included in the call's cost.
    pub tools_tokens: Option<u64>,
    /// Whether the tools' framing is the provider's documented one (else an estimate).
    pub tools_framing_documented: Option<bool>,
    /// Input + output at the applicable tier, cache as configured; `null` without a price.
    pub per_call_usd: Option<f64>,
    pub calls_per_day: Option<f64>,
    /// `null` without a volume.
    pub daily_usd: Option<f64>,
    /// `null` without a volume.
    pub monthly_usd: Option<f64>,
}

/// The cost of `text` (already counted in `counts`) as one call per model.
pub fn costs(
    text: &str,
    counts: Vec<ModelCount>,
    models: &[Model],
    s: &Settings,
    path: Option<&Path>,
    tools: &[ToolDef],
) -> Vec<CountModel> {
    let prefix_text = super::prompt::static_prefix(text);
    counts
        .into_iter()
        .zip(models)
        .map(|(c, m)| {
            let (tool_tokens, documented) = tools::tokens(m, tools);
            let prefix = if prefix_text.len() == text.len() {
                c.tokens
            } else {
                m.counting
                    .from_base(m.counting.encoding().count(prefix_text) as u64)
                    .min(c.tokens)
            };
            let shape = Shape {
                input: c.tokens + tool_tokens,
                prefix: tool_tokens + prefix,
                ..Shape::default()
            };
            let e = estimate(
                m,
                &shape,
                &Knobs::default(),
                s,
                path.unwrap_or(Path::new("")),
            );
            CountModel {
                count: c,
                output_tokens: e.output.point(),
                reasoning_tokens: e.reasoning_tokens,
                tools_tokens: (!tools.is_empty()).then_some(tool_tokens),
                tools_framing_documented: (!tools.is_empty()).then_some(documented),
                per_call_usd: e.per_call_usd,
                calls_per_day: e.calls_per_day,
                daily_usd: e.daily_usd,
                monthly_usd: e.monthly_usd,
            }
        })
        .collect()
}

/// The text table after `count`'s token table.
pub fn render_text(rows_in: &[CountModel], s: &Settings) -> String {
    let mut rows = vec![[
        "model".to_string(),
        "output".into(),
        "tools".into(),
        "per call".into(),
        "1,000 calls".into(),
        "per day".into(),
        "per month".into(),
    ]];
    for r in rows_in {
        rows.push([
            r.count.model.clone(),
            format::thousands(r.output_tokens + r.reasoning_tokens),
            r.tools_tokens.map_or("-".into(), |t| {
                format!(
                    "{}{}",
                    if r.tools_framing_documented == Some(true) {
                        ""
                    } else {
                        "≈"
                    },
                    format::thousands(t)
                )
            }),
            format::cost(r.per_call_usd),
            format::cost(r.per_call_usd.map(|c| c * 1000.0)),
            r.daily_usd.map_or("-".into(), format::usd),
            r.monthly_usd.map_or("-".into(), format::usd),
        ]);
    }
    let mut out = String::from("\n");
    out.push_str(&crate::cli::table(
        &rows,
        &[false, true, true, true, true, true, true],
    ));
    let cache = s
        .cost
        .cache
        .map_or("no cache assumed (--cache-hit P)".to_string(), |c| {
            format!("cache hits {}", format::percent(c.hit))
        });
    let volume = rows_in
        .first()
        .and_then(|r| r.calls_per_day)
        .map_or("per month: pass --calls-per-day N".to_string(), |d| {
            format!("{} calls/day, 30 days", format::thousands(d.round() as u64))
        });
    out.push_str(&format!(
        "Per call: input + {} output tokens; {cache}; {volume}.\n",
        rows_in.first().map_or(0, |r| r.output_tokens)
    ));
    out
}
