//! `promptcost count` and `promptcost models`: rendering for the shell (text or JSON).

use crate::document::ModelCount;
use crate::format;
use crate::pricing::{Model, PriceTable, Tokenizer};

pub fn count_models(text: &str, models: &[Model]) -> Vec<ModelCount> {
    let mut base: Vec<(crate::tokenize::Encoding, u64)> = Vec::new();
    models
        .iter()
        .map(|m| {
            let e = m.counting.encoding();
            let n = match base.iter().find(|(x, _)| *x == e) {
                Some(&(_, n)) => n,
                None => {
                    let n = e.count(text) as u64;
                    base.push((e, n));
                    n
                }
            };
            ModelCount::new(m, m.counting.from_base(n))
        })
        .collect()
}

/// Replaces Claude estimates with exact counts from Anthropic's API (`--claude-api`). On any
/// failure the estimate stays and the reason is returned, to be printed on stderr.
pub fn apply_claude_api(
    text: &str,
    counts: &mut [ModelCount],
    models: &[Model],
    api: &crate::anthropic::ApiCounter,
) -> Vec<String> {
    let mut problems = Vec::new();
    for (c, m) in counts.iter_mut().zip(models) {
        if m.tokenizer != Tokenizer::Claude {
            continue;
        }
        match api.count(&m.id, text) {
            Ok(n) => *c = ModelCount::from_api(m, n),
            Err(status) => problems.push(format!(
                "{}: Anthropic API {status}; showing the estimate",
                m.id
            )),
        }
    }
    problems
}

pub fn render_count_text(
    source: &str,
    text: &str,
    counts: &[ModelCount],
    models: &[Model],
) -> String {
    let mut rows = vec![[
        "model".to_string(),
        "tokens".into(),
        "count".into(),
        "input cost".into(),
        "context window".into(),
    ]];
    for (c, m) in counts.iter().zip(models) {
        rows.push([
            c.model.clone(),
            format::tokens(c.tokens, c.exact),
            c.accuracy_label(Some(m)),
            format::cost(c.input_cost_usd),
            match (c.context_share, c.context_window) {
                (Some(s), Some(w)) => format!("{} of {}", format::percent(s), format::window(w)),
                _ => "unknown".into(),
            },
        ]);
    }
    format!(
        "{source}: {} bytes, {} chars\n{}",
        format::thousands(text.len() as u64),
        format::thousands(text.chars().count() as u64),
        table(&rows, &[false, true, false, true, false])
    )
}

pub use crate::format::table;

/// `models --json` (and `promptcost/models`); `claude_api`: Claude models are counted by
/// Anthropic's API.
pub fn models_json(table: &PriceTable, claude_api: bool) -> serde_json::Value {
    serde_json::to_value(models_result(table, claude_api, vec![])).expect("models serialize")
}

pub fn models_result(
    table: &PriceTable,
    claude_api: bool,
    configured: Vec<String>,
) -> crate::server::ext::ModelsResult {
    crate::server::ext::ModelsResult::new(table, |m| accuracy_for(m, claude_api), configured)
}

/// The count column of `models`: with `--claude-api` (and a key), Claude models are counted
/// exactly by Anthropic's API.
pub fn accuracy_for(m: &Model, claude_api: bool) -> String {
    if claude_api && m.tokenizer == Tokenizer::Claude {
        crate::anthropic::EXACT_VIA_API.to_string()
    } else {
        m.accuracy_label()
    }
}

pub fn render_models_text(table: &PriceTable, claude_api: bool) -> String {
    // "-" rather than "no price" keeps the table narrow; the figures are format's.
    let money = |v: Option<f64>| v.map_or("-".to_string(), |p| format::per_million(Some(p)));
    let mut rows = vec![[
        "provider".to_string(),
        "model".into(),
        "tokenizer".into(),
        "count".into(),
        "input/1M".into(),
        "cached/1M".into(),
        "cache write/1M".into(),
        "output/1M".into(),
        "above".into(),
        "context".into(),
        "max out".into(),
    ]];
    let mut models: Vec<&Model> = table.models().iter().collect();
    models.sort_by(|a, b| {
        a.provider
            .as_str()
            .cmp(b.provider.as_str())
            .then(a.id.cmp(&b.id))
    });
    for m in models {
        let above = m
            .tiers
            .iter()
            .map(|t| {
                format!(
                    ">{}: {}/{}",
                    format::window(t.above),
                    money(t.prices.input),
                    money(t.prices.output)
                )
            })
            .collect::<Vec<_>>()
            .join("; ");
        rows.push([
            m.provider.to_string(),
            m.id.clone(),
            m.tokenizer.to_string(),
            accuracy_for(m, claude_api),
            money(m.base.input),
            money(m.base.cache_read),
            money(m.base.cache_write),
            money(m.base.output),
            above,
            m.max_input_tokens.map_or("-".into(), format::window),
            m.max_output_tokens.map_or("-".into(), format::window),
        ]);
    }
    let mut out = format!(
        "Prices: {} (snapshot {})\n\n",
        table.source, table.snapshot_date
    );
    out.push_str(&self::table(
        &rows,
        &[
            false, false, false, false, true, true, true, true, false, true, true,
        ],
    ));
    out.push_str("\nAliases: `promptcost models --json` lists every model's aliases.\n");
    out
}
