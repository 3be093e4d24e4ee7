//! API usage records ("run it ten times, then look at the real numbers"): one JSON object per
//! line, as the providers return them, read into calls per model with their exact cost.
//!
//! Reads: OpenAI Chat Completions (`usage.prompt_tokens`, `completion_tokens`,
//! `prompt_tokens_details.cached_tokens`, `completion_tokens_details.reasoning_tokens`) and
//! Responses (`input_tokens`, `output_tokens`, `input_tokens_details.cached_tokens`), whole
//! responses or their `usage` objects; Anthropic Messages (`input_tokens` excludes the cache:
//! `cache_creation_input_tokens`, `cache_read_input_tokens`, `cache_creation.ephemeral_1h_...`);
//! Gemini `usageMetadata` (`promptTokenCount` includes `cachedContentTokenCount`;
//! `thoughtsTokenCount` is billed as output); OpenTelemetry GenAI spans in OTLP JSON
//! (`gen_ai.usage.*` attributes as `{key, value}` lists).
//! Owns: parsing and aggregation. Never: prices an unknown model (it is reported with its
//! line, never counted as $0), or drops a malformed line silently.

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use super::call::monthly;
use crate::pricing::{Model, PriceTable, Provider};

/// One call as recorded.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Record {
    pub model: Option<String>,
    /// All input tokens, cached and cache-written ones included.
    pub input: u64,
    /// Input tokens read from the cache.
    pub cached: u64,
    /// Input tokens written to the cache (Anthropic), by TTL.
    pub cache_write_5m: u64,
    pub cache_write_1h: u64,
    /// All output tokens, reasoning included.
    pub output: u64,
    pub reasoning: u64,
}

impl Record {
    /// The exact cost of this call at the model's prices, tier chosen by the whole input.
    pub fn cost(&self, m: &Model) -> Option<f64> {
        let p = m.prices_for(self.input);
        let input = p.input?;
        let output = p.output?;
        let read = p.cache_read.unwrap_or(input);
        let anthropic = m.provider == Provider::Anthropic;
        let w5 = p.cache_write.unwrap_or(if anthropic {
            input * super::rules::ANTHROPIC_WRITE_5M
        } else {
            input
        });
        let w1 = p.cache_write_1h.unwrap_or(if anthropic {
            input * super::rules::ANTHROPIC_WRITE_1H
        } else {
            w5
        });
        let fresh = self
            .input
            .saturating_sub(self.cached + self.cache_write_5m + self.cache_write_1h);
        Some(
            fresh as f64 * input
                + self.cached as f64 * read
                + self.cache_write_5m as f64 * w5
                + self.cache_write_1h as f64 * w1
                + self.output as f64 * output,
        )
    }
}

fn u(v: &Value, path: &[&str]) -> Option<u64> {
    let mut x = v;
    for k in path {
        x = x.get(k)?;
    }
    x.as_u64()
        .or_else(|| {
            x.as_f64()
                .filter(|f| *f >= 0.0 && f.fract() == 0.0)
                .map(|f| f as u64)
        })
        .or_else(|| x.as_str()?.parse().ok())
}

fn s(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// A usage object of any of the known shapes, `None` if it is none of them.
fn usage_object(u_: &Value) -> Option<Record> {
    let g = |k: &str| u(u_, &[k]);
    if let Some(prompt) = g("promptTokenCount") {
        // Gemini: the prompt count includes cached content; thoughts are output.
        let thoughts = g("thoughtsTokenCount").unwrap_or(0);
        return Some(Record {
            input: prompt + g("toolUsePromptTokenCount").unwrap_or(0),
            cached: g("cachedContentTokenCount").unwrap_or(0),
            output: g("candidatesTokenCount").unwrap_or(0) + thoughts,
            reasoning: thoughts,
            ..Record::default()
        });
    }
    if let Some(prompt) = g("prompt_tokens") {
        // OpenAI Chat Completions: cached tokens are part of prompt_tokens, reasoning of
        // completion_tokens.
        return Some(Record {
            input: prompt,
            cached: u(u_, &["prompt_tokens_details", "cached_tokens"]).unwrap_or(0),
            output: g("completion_tokens").unwrap_or(0),
            reasoning: u(u_, &["completion_tokens_details", "reasoning_tokens"]).unwrap_or(0),
            ..Record::default()
        });
    }
    let input = g("input_tokens")?;
    let output = g("output_tokens").unwrap_or(0);
    if u_.get("cache_creation_input_tokens").is_some()
        || u_.get("cache_read_input_tokens").is_some()
        || u_.get("cache_creation").is_some()
    {
        // Anthropic: input_tokens excludes cache reads and writes.
        let read = g("cache_read_input_tokens").unwrap_or(0);
        let write = g("cache_creation_input_tokens").unwrap_or(0);
        let w1h = u(u_, &["cache_creation", "ephemeral_1h_input_tokens"])
            .unwrap_or(0)
            .min(write);
        return Some(Record {
            input: input + read + write,
            cached: read,
            cache_write_5m: write - w1h,
            cache_write_1h: w1h,
            output,
            ..Record::default()
        });
    }
    // OpenAI Responses (cached tokens are part of input_tokens).
    Some(Record {
        input,
        cached: u(u_, &["input_tokens_details", "cached_tokens"]).unwrap_or(0),
        output,
        reasoning: u(u_, &["output_tokens_details", "reasoning_tokens"]).unwrap_or(0),
        ..Record::default()
    })
}

/// OTLP JSON attribute value: `{"intValue": "12"}`, `{"stringValue": "gpt-4o"}`...
fn otlp_value(v: &Value) -> Option<Value> {
    if let Some(i) = v.get("intValue") {
        return i
            .as_u64()
            .or_else(|| i.as_str()?.parse().ok())
            .map(Value::from);
    }
    if let Some(d) = v.get("doubleValue") {
        return d.as_f64().map(Value::from);
    }
    v.get("stringValue").cloned()
}

/// A span's `gen_ai.*` attributes as a record; `None` if it has no usage attributes.
fn otel_span(span: &Value) -> Option<Record> {
    let attrs = span.get("attributes")?.as_array()?;
    let mut map = serde_json::Map::new();
    for a in attrs {
        if let (Some(k), Some(v)) = (
            a.get("key").and_then(Value::as_str),
            a.get("value").and_then(otlp_value),
        ) {
            map.insert(k.to_string(), v);
        }
    }
    let m = Value::Object(map);
    let g = |k: &str| u(&m, &[k]);
    let input = g("gen_ai.usage.input_tokens").or_else(|| g("gen_ai.usage.prompt_tokens"))?;
    let output = g("gen_ai.usage.output_tokens")
        .or_else(|| g("gen_ai.usage.completion_tokens"))
        .unwrap_or(0);
    // The cache attributes are included in input_tokens (semantic conventions, 2026).
    let cached = g("gen_ai.usage.cache_read.input_tokens").unwrap_or(0);
    let write = g("gen_ai.usage.cache_creation.input_tokens").unwrap_or(0);
    Some(Record {
        model: s(&m, "gen_ai.response.model").or_else(|| s(&m, "gen_ai.request.model")),
        input: input.max(cached + write),
        cached,
        cache_write_5m: write,
        output,
        reasoning: g("gen_ai.usage.reasoning.output_tokens").unwrap_or(0),
        ..Record::default()
    })
}

/// Why a line holds no usage record, or a file cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum UsageError {
    #[error("invalid JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("not a JSON object")]
    NotAnObject,
    #[error("OTLP export without gen_ai.usage attributes")]
    OtlpWithoutUsage,
    #[error("span without gen_ai.usage attributes")]
    SpanWithoutUsage,
    #[error("no usage record (expected usage, usageMetadata, or an OTLP span)")]
    NoUsage,
    #[error("{}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The records of one line: one for a response or usage object, any number for an OTLP
/// export (`resourceSpans` → `scopeSpans` → `spans`) or a single span. `Err` says why a line
/// holds none.
pub(crate) fn parse_line(line: &str) -> Result<Vec<Record>, UsageError> {
    let v: Value = serde_json::from_str(line)?;
    if !v.is_object() {
        return Err(UsageError::NotAnObject);
    }
    if let Some(rs) = v.get("resourceSpans").and_then(Value::as_array) {
        let spans = rs
            .iter()
            .filter_map(|r| r.get("scopeSpans").and_then(Value::as_array))
            .flatten()
            .filter_map(|s| s.get("spans").and_then(Value::as_array))
            .flatten();
        let out: Vec<Record> = spans.filter_map(otel_span).collect();
        return if out.is_empty() {
            Err(UsageError::OtlpWithoutUsage)
        } else {
            Ok(out)
        };
    }
    if v.get("attributes").is_some_and(Value::is_array) {
        return otel_span(&v)
            .map(|r| vec![r])
            .ok_or(UsageError::SpanWithoutUsage);
    }
    let model = s(&v, "model").or_else(|| s(&v, "modelVersion"));
    let usage = v
        .get("usage")
        .or_else(|| v.get("usageMetadata"))
        .unwrap_or(&v);
    let mut r = usage_object(usage).ok_or(UsageError::NoUsage)?;
    r.model = model;
    Ok(vec![r])
}

/// A line that could not be counted or priced.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Problem {
    pub file: String,
    pub line: usize,
    pub message: String,
}

/// Per-model figures of `promptcost usage --json`.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ModelUsage {
    pub model: String,
    pub calls: u64,
    pub avg_input_tokens: f64,
    pub avg_output_tokens: f64,
    pub avg_cached_tokens: f64,
    pub avg_cache_write_tokens: f64,
    pub avg_reasoning_tokens: f64,
    pub p90_input_tokens: u64,
    pub p90_output_tokens: u64,
    pub p90_cached_tokens: u64,
    /// The exact cost of the recorded calls.
    pub cost_usd: f64,
    pub per_call_usd: f64,
    /// At `--calls-per-day`; `null` without a volume.
    pub monthly_usd: Option<f64>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct UsageReport {
    pub snapshot_date: String,
    pub calls_per_day: Option<f64>,
    pub models: Vec<ModelUsage>,
    pub problems: Vec<Problem>,
}

/// Reads usage files. `default_model` names the model of records that carry none (bare
/// `usage` objects).
pub fn read(
    files: &[(String, String)],
    table: &PriceTable,
    default_model: Option<&str>,
    calls_per_day: Option<f64>,
) -> UsageReport {
    let mut by_model: Vec<(String, Vec<Record>)> = Vec::new();
    let mut problems = Vec::new();
    for (file, text) in files {
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let problem = |message: String| Problem {
                file: file.clone(),
                line: i + 1,
                message,
            };
            match parse_line(line) {
                Err(e) => problems.push(problem(e.to_string())),
                Ok(records) => {
                    for r in records {
                        let Some(name) = r
                            .model
                            .clone()
                            .or_else(|| default_model.map(str::to_string))
                        else {
                            problems.push(problem(
                                "the record names no model (pass --model for bare usage objects)"
                                    .into(),
                            ));
                            continue;
                        };
                        match table.resolve(&name) {
                            Err(e) => problems.push(problem(format!("{e}; not priced"))),
                            Ok(m) if r.cost(m).is_none() => {
                                problems.push(problem(format!("{}: no price; not priced", m.id)))
                            }
                            Ok(m) => match by_model.iter_mut().find(|(id, _)| *id == m.id) {
                                Some((_, v)) => v.push(r),
                                None => by_model.push((m.id.clone(), vec![r])),
                            },
                        }
                    }
                }
            }
        }
    }
    let models = by_model
        .into_iter()
        .map(|(id, recs)| {
            let m = table.get(&id).expect("resolved above");
            let n = recs.len() as f64;
            let avg = |f: fn(&Record) -> u64| recs.iter().map(f).sum::<u64>() as f64 / n;
            let cost: f64 = recs.iter().filter_map(|r| r.cost(m)).sum();
            let per_call = cost / n;
            ModelUsage {
                model: id.clone(),
                calls: recs.len() as u64,
                avg_input_tokens: avg(|r| r.input),
                avg_output_tokens: avg(|r| r.output),
                avg_cached_tokens: avg(|r| r.cached),
                avg_cache_write_tokens: avg(|r| r.cache_write_5m + r.cache_write_1h),
                avg_reasoning_tokens: avg(|r| r.reasoning),
                p90_input_tokens: p90(recs.iter().map(|r| r.input).collect()),
                p90_output_tokens: p90(recs.iter().map(|r| r.output).collect()),
                p90_cached_tokens: p90(recs.iter().map(|r| r.cached).collect()),
                cost_usd: cost,
                per_call_usd: per_call,
                monthly_usd: calls_per_day.map(|d| monthly(per_call, d)),
            }
        })
        .collect();
    UsageReport {
        snapshot_date: table.snapshot_date.clone(),
        calls_per_day,
        models,
        problems,
    }
}

/// The 90th percentile, nearest rank (the smallest value with at least 90% of the calls at or
/// below it).
pub(crate) fn p90(mut v: Vec<u64>) -> u64 {
    if v.is_empty() {
        return 0;
    }
    v.sort_unstable();
    let rank = ((v.len() as f64) * 0.9).ceil() as usize;
    v[rank.clamp(1, v.len()) - 1]
}

/// Reads the files named on the command line (or a project's `usage` file).
pub fn read_files(paths: &[impl AsRef<Path>]) -> Result<Vec<(String, String)>, UsageError> {
    paths
        .iter()
        .map(|p| {
            let p = p.as_ref();
            std::fs::read_to_string(p)
                .map(|t| (p.display().to_string(), t))
                .map_err(|source| UsageError::Read {
                    path: p.to_path_buf(),
                    source,
                })
        })
        .collect()
}

/// The text rendering.
pub fn render_text(r: &UsageReport) -> String {
    use crate::format;
    let mut rows = vec![[
        "model".to_string(),
        "calls".into(),
        "avg in".into(),
        "p90 in".into(),
        "avg out".into(),
        "p90 out".into(),
        "avg cached".into(),
        "cost".into(),
        "per call".into(),
        "per month".into(),
    ]];
    let n = |v: f64| format::thousands(v.round() as u64);
    for m in &r.models {
        rows.push([
            m.model.clone(),
            format::thousands(m.calls),
            n(m.avg_input_tokens),
            format::thousands(m.p90_input_tokens),
            n(m.avg_output_tokens),
            format::thousands(m.p90_output_tokens),
            n(m.avg_cached_tokens),
            format::usd(m.cost_usd),
            format::usd(m.per_call_usd),
            m.monthly_usd.map_or("-".into(), format::usd),
        ]);
    }
    let mut out = crate::cli::table(
        &rows,
        &[false, true, true, true, true, true, true, true, true, true],
    );
    match r.calls_per_day {
        Some(d) => out.push_str(&format!(
            "\nPer month: at {} calls/day, 30 days. Prices: snapshot {}.\n",
            format::thousands(d.round() as u64),
            r.snapshot_date
        )),
        None => out.push_str(&format!(
            "\nPer month: pass --calls-per-day N. Prices: snapshot {}.\n",
            r.snapshot_date
        )),
    }
    for p in &r.problems {
        out.push_str(&format!("{}:{}: {}\n", p.file, p.line, p.message));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shape_is_read() {
        let chat = r#"{"object":"chat.completion","model":"gpt-4o-2024-08-06","usage":{"prompt_tokens":2000,"completion_tokens":300,"prompt_tokens_details":{"cached_tokens":1024},"completion_tokens_details":{"reasoning_tokens":0}}}"#;
        let r = &parse_line(chat).unwrap()[0];
        assert_eq!(
            (r.model.as_deref(), r.input, r.cached, r.output),
            (Some("gpt-4o-2024-08-06"), 2000, 1024, 300)
        );
        let resp = r#"{"object":"response","model":"o3","usage":{"input_tokens":500,"output_tokens":900,"input_tokens_details":{"cached_tokens":0},"output_tokens_details":{"reasoning_tokens":700}}}"#;
        let r = &parse_line(resp).unwrap()[0];
        assert_eq!((r.input, r.output, r.reasoning), (500, 900, 700));
        let claude = r#"{"type":"message","model":"claude-sonnet-4-5-20250929","usage":{"input_tokens":21,"cache_creation_input_tokens":188086,"cache_read_input_tokens":0,"output_tokens":393}}"#;
        let r = &parse_line(claude).unwrap()[0];
        assert_eq!(
            (r.input, r.cached, r.cache_write_5m, r.output),
            (188107, 0, 188086, 393)
        );
        let gemini = r#"{"modelVersion":"gemini-2.5-flash","usageMetadata":{"promptTokenCount":5000,"cachedContentTokenCount":4096,"candidatesTokenCount":200,"thoughtsTokenCount":800}}"#;
        let r = &parse_line(gemini).unwrap()[0];
        assert_eq!(
            (r.input, r.cached, r.output, r.reasoning),
            (5000, 4096, 1000, 800)
        );
        let bare = r#"{"prompt_tokens":10,"completion_tokens":5}"#;
        assert_eq!(parse_line(bare).unwrap()[0].model, None);
        let otlp = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"chat gpt-4o","attributes":[{"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o"}},{"key":"gen_ai.usage.input_tokens","value":{"intValue":"120"}},{"key":"gen_ai.usage.output_tokens","value":{"intValue":30}}]},{"name":"parent","attributes":[]}]}]}]}"#;
        let rs = parse_line(otlp).unwrap();
        assert_eq!(rs.len(), 1);
        assert_eq!(
            (rs[0].model.as_deref(), rs[0].input, rs[0].output),
            (Some("gpt-4o"), 120, 30)
        );
        assert!(parse_line("{not json")
            .unwrap_err()
            .to_string()
            .contains("invalid JSON"));
        assert!(parse_line(r#"{"hello":1}"#)
            .unwrap_err()
            .to_string()
            .contains("no usage record"));
    }

    // claude-sonnet-4-5: a 1-hour write is billed at $6/M, the 5-minute one at $3.75/M.
    #[test]
    fn anthropic_one_hour_writes_take_their_price() {
        let line = r#"{"type":"message","model":"claude-sonnet-4-5","usage":{"input_tokens":10,"cache_creation_input_tokens":3000,"cache_creation":{"ephemeral_5m_input_tokens":1000,"ephemeral_1h_input_tokens":2000},"cache_read_input_tokens":0,"output_tokens":0}}"#;
        let r = &parse_line(line).unwrap()[0];
        assert_eq!(
            (r.cache_write_5m, r.cache_write_1h, r.input),
            (1000, 2000, 3010)
        );
        let t = PriceTable::embedded();
        let c = r.cost(t.resolve("claude-sonnet-4-5").unwrap()).unwrap();
        assert!(
            (c - (10.0 * 3e-6 + 1000.0 * 3.75e-6 + 2000.0 * 6e-6)).abs() < 1e-12,
            "{c}"
        );
    }

    // Hand-computed: claude-sonnet-4-5 $3 in, $3.75 write, $0.30 read, $15 out per 1M.
    #[test]
    fn anthropic_records_price_cache_writes_and_reads() {
        let t = PriceTable::embedded();
        let m = t.resolve("claude-sonnet-4-5").unwrap();
        let first = Record {
            input: 188_107,
            cache_write_5m: 188_086,
            output: 393,
            ..Default::default()
        };
        let c = first.cost(m).unwrap();
        assert!(
            (c - (21.0 * 3e-6 + 188_086.0 * 3.75e-6 + 393.0 * 15e-6)).abs() < 1e-12,
            "{c}"
        );
        let again = Record {
            input: 188_107,
            cached: 188_086,
            output: 393,
            ..Default::default()
        };
        let c2 = again.cost(m).unwrap();
        assert!(
            (c2 - (21.0 * 3e-6 + 188_086.0 * 0.3e-6 + 393.0 * 15e-6)).abs() < 1e-12,
            "{c2}"
        );
    }

    #[test]
    fn aggregates_and_reports_bad_lines_with_numbers() {
        let t = PriceTable::embedded();
        let text = [
            r#"{"model":"gpt-4o","usage":{"prompt_tokens":1000,"completion_tokens":100}}"#,
            r#"{"model":"gpt-4o","usage":{"prompt_tokens":3000,"completion_tokens":300}}"#,
            "",
            "garbage",
            r#"{"model":"gpt-4o-nonexistent-9","usage":{"prompt_tokens":1,"completion_tokens":1}}"#,
        ]
        .join("\n");
        let r = read(&[("u.jsonl".into(), text)], &t, None, Some(1000.0));
        assert_eq!(r.models.len(), 1);
        let m = &r.models[0];
        assert_eq!(
            (
                m.calls,
                m.avg_input_tokens,
                m.avg_output_tokens,
                m.p90_input_tokens
            ),
            (2, 2000.0, 200.0, 3000)
        );
        // gpt-4o: (4,000 * $2.50 + 400 * $10) / 1M = $0.014
        assert!((m.cost_usd - 0.014).abs() < 1e-12, "{}", m.cost_usd);
        assert!((m.per_call_usd - 0.007).abs() < 1e-12);
        assert!((m.monthly_usd.unwrap() - 0.007 * 1000.0 * 30.0).abs() < 1e-9);
        let lines: Vec<usize> = r.problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [4, 5], "{:?}", r.problems);
        assert!(
            r.problems[1].message.contains("unknown model"),
            "{:?}",
            r.problems[1]
        );
        let none = read(
            &[(
                "u".into(),
                r#"{"usage":{"prompt_tokens":1,"completion_tokens":1}}"#.into(),
            )],
            &t,
            None,
            None,
        );
        assert!(none.models.is_empty() && none.problems[0].message.contains("--model"));
        let with = read(
            &[(
                "u".into(),
                r#"{"usage":{"prompt_tokens":1,"completion_tokens":1}}"#.into(),
            )],
            &t,
            Some("gpt-4o"),
            None,
        );
        assert_eq!(with.models[0].monthly_usd, None);
    }

    #[test]
    fn p90_is_nearest_rank() {
        assert_eq!(p90((1..=10).collect()), 9);
        assert_eq!(p90(vec![5]), 5);
        assert_eq!(p90((1..=20).collect()), 18);
    }
}
