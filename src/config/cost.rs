//! The cost keys of `promptcost.toml` (output, reasoning, cache, turns, volume, dollar
//! budgets, usage records), validated and located.

use std::ops::Range;
use std::path::Path;

use toml::Spanned;

use super::discover::absolutize;
use super::globs::glob_set;
use super::{ConfigError, FileConfig, Number, Overrides};
use crate::pricing::PriceTable;

/// The cost keys of `promptcost.toml` and the settings that override them.
pub(super) fn cost_config(
    file: &FileConfig,
    o: &Overrides,
    base_dir: &Path,
    table: &PriceTable,
    err: &dyn Fn(Option<Range<usize>>, String) -> ConfigError,
) -> Result<crate::cost::CostConfig, ConfigError> {
    use crate::cost::{parse_share, Cache, CostConfig, OutputSource, Ttl};
    let positive = |v: &Spanned<Number>, key: &str, what: &str| -> Result<f64, ConfigError> {
        v.get_ref()
            .as_f64()
            .filter(|x| x.is_finite() && *x > 0.0)
            .ok_or_else(|| err(Some(v.span()), format!("key `{key}`: {what}")))
    };
    let hit = match (o.cache_hit, &file.cache_hit) {
        (Some(h), _) => Some(h.clamp(0.0, 1.0)),
        (None, Some(v)) => {
            let share = match v.get_ref() {
                Number::Text(t) => parse_share(t),
                n => n.as_f64().filter(|x| (0.0..=1.0).contains(x)),
            };
            Some(share.ok_or_else(|| {
                err(
                    Some(v.span()),
                    "key `cache_hit`: a share of calls, 0.0 to 1.0 or \"80%\"".into(),
                )
            })?)
        }
        _ => None,
    };
    let ttl = match &file.cache_ttl {
        Some(t) => Ttl::parse(t.get_ref())
            .ok_or_else(|| err(Some(t.span()), "key `cache_ttl`: \"5m\" or \"1h\"".into()))?,
        None => Ttl::default(),
    };
    let mut cfg = CostConfig {
        output_source: Some(if o.expected_output_tokens.is_some() {
            OutputSource::Flag
        } else if file.expected_output_tokens.is_some() {
            OutputSource::Config
        } else {
            OutputSource::Default
        }),
        reasoning_tokens: file.expected_reasoning_tokens.unwrap_or(0),
        cache: hit.map(|hit| Cache { hit, ttl }),
        calls_per_day: o.calls_per_day.filter(|d| d.is_finite() && *d > 0.0),
        ..CostConfig::default()
    };
    if let Some(t) = &file.turns {
        if *t.get_ref() == 0 {
            return Err(err(
                Some(t.span()),
                "key `turns`: a positive number of turns".into(),
            ));
        }
        cfg.turns = Some(*t.get_ref());
    }
    if let Some(b) = &file.budget_usd {
        cfg.budget_usd = Some(positive(
            b,
            "budget_usd",
            "a positive amount in USD per call",
        )?);
    }
    for (key, map, what) in [
        ("volume", &file.volume, "a positive number of calls per day"),
        (
            "monthly_budget_usd",
            &file.monthly_budget_usd,
            "a positive amount in USD per month",
        ),
    ] {
        for (glob, v) in map.iter().flatten() {
            let set = glob_set(&[glob.as_str()])
                .map_err(|m| err(Some(v.span()), format!("key `{key}.\"{glob}\"`: {m}")))?;
            let n = positive(v, &format!("{key}.\"{glob}\""), what)?;
            let rules = if key == "volume" {
                &mut cfg.volume
            } else {
                &mut cfg.monthly_budgets
            };
            rules.push((glob.clone(), set, n));
        }
    }
    if let Some(u) = &file.usage {
        let full = absolutize(base_dir, u.get_ref());
        let inside = match (
            std::fs::canonicalize(&full),
            std::fs::canonicalize(base_dir),
        ) {
            (Ok(f), Ok(b)) => f.starts_with(b),
            _ => false,
        };
        if !inside {
            return Err(err(
                Some(u.span()),
                format!(
                    "key `usage`: {} is not a file inside this project",
                    full.display()
                ),
            ));
        }
        let files = crate::cost::usage::read_files(&[&full])
            .map_err(|m| err(Some(u.span()), format!("key `usage`: {m}")))?;
        let report = crate::cost::usage::read(&files, table, None, None);
        cfg.usage_output = report
            .models
            .iter()
            .map(|m| (m.model.clone(), m.avg_output_tokens, m.calls))
            .collect();
    }
    Ok(cfg)
}
