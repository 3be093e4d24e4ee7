//! The cost keys of a `promptcost:` directive (`output=300`, `output=200..800`,
//! `calls=10000/day`, `turns=20`, `reasoning=2000`, `budget_usd=0.01`,
//! `monthly_budget_usd=500`). The directive grammar itself lives in `extract/prompt_file.rs`,
//! which hands each `key=value` it does not own to [`CostDirective::set`].

/// Per-prompt cost settings from directives; `None`: not set here.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CostDirective {
    /// Expected output tokens: one number (low == high) or a range.
    pub output: Option<(u64, u64)>,
    pub calls_per_day: Option<f64>,
    pub turns: Option<u64>,
    pub reasoning: Option<u64>,
    pub budget_usd: Option<f64>,
    pub monthly_budget_usd: Option<f64>,
}

/// A cost key with a value it does not take.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("promptcost directive: {key} must be {what}, not '{value}'")]
pub struct DirectiveError {
    pub key: String,
    /// What the key takes: "a positive number of turns".
    pub what: &'static str,
    pub value: String,
}

/// The keys [`CostDirective::set`] knows, for "unknown setting" messages.
pub(crate) const KEYS: &str =
    "output=N or A..B, calls=N/day, turns=N, reasoning=N, budget_usd=X, monthly_budget_usd=X";

fn count(v: &str) -> Option<u64> {
    v.replace(['_', ','], "").parse().ok()
}

fn dollars(v: &str) -> Option<f64> {
    v.trim_start_matches('$')
        .replace(['_', ','], "")
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite() && *x > 0.0)
}

/// `10000/day`, `500/hour`, `300000/month` (30 days), or a bare number per day.
pub fn calls_per_day(v: &str) -> Option<f64> {
    let (n, per) = v.split_once('/').unwrap_or((v, "day"));
    let n = count(n)? as f64;
    let per_day = match per.trim() {
        "day" | "d" => n,
        "hour" | "h" => n * 24.0,
        "month" | "mo" => n / super::call::DAYS_PER_MONTH,
        _ => return None,
    };
    (per_day > 0.0).then_some(per_day)
}

impl CostDirective {
    /// Takes one `key=value`: `Ok(true)` when it is a cost key, `Ok(false)` when it is not,
    /// `Err` for a cost key with a bad value.
    pub fn set(&mut self, key: &str, value: &str) -> Result<bool, DirectiveError> {
        let bad = |what: &'static str| {
            Err(DirectiveError {
                key: key.to_string(),
                what,
                value: value.to_string(),
            })
        };
        match key {
            "output" => {
                let parsed = match value.split_once("..") {
                    Some((a, b)) => count(a).zip(count(b)).filter(|(a, b)| a <= b),
                    None => count(value).map(|n| (n, n)),
                };
                match parsed {
                    Some(r) => self.output = Some(r),
                    None => return bad("a number of tokens (300) or a range (200..800)"),
                }
            }
            "calls" => match calls_per_day(value) {
                Some(d) => self.calls_per_day = Some(d),
                None => {
                    return bad("a number of calls per day (10000/day, 500/hour, 300000/month)")
                }
            },
            "turns" => match count(value).filter(|&n| n > 0) {
                Some(n) => self.turns = Some(n),
                None => return bad("a positive number of turns"),
            },
            "reasoning" => match count(value) {
                Some(n) => self.reasoning = Some(n),
                None => return bad("a number of tokens"),
            },
            "budget_usd" => match dollars(value) {
                Some(d) => self.budget_usd = Some(d),
                None => return bad("a positive amount in USD per call (0.02)"),
            },
            "monthly_budget_usd" => match dollars(value) {
                Some(d) => self.monthly_budget_usd = Some(d),
                None => return bad("a positive amount in USD per month (500)"),
            },
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// `self` with the keys `inner` sets replaced (a section's directive over its file's).
    pub fn over(&self, inner: &CostDirective) -> CostDirective {
        CostDirective {
            output: inner.output.or(self.output),
            calls_per_day: inner.calls_per_day.or(self.calls_per_day),
            turns: inner.turns.or(self.turns),
            reasoning: inner.reasoning.or(self.reasoning),
            budget_usd: inner.budget_usd.or(self.budget_usd),
            monthly_budget_usd: inner.monthly_budget_usd.or(self.monthly_budget_usd),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_parse_and_bad_values_are_errors() {
        let mut d = CostDirective::default();
        assert_eq!(d.set("output", "300"), Ok(true));
        assert_eq!(d.output, Some((300, 300)));
        assert_eq!(d.set("output", "200..800"), Ok(true));
        assert_eq!(d.output, Some((200, 800)));
        assert!(d.set("output", "800..200").is_err());
        assert_eq!(d.set("calls", "10000/day"), Ok(true));
        assert_eq!(d.calls_per_day, Some(10_000.0));
        d.set("calls", "100/hour").unwrap();
        assert_eq!(d.calls_per_day, Some(2_400.0));
        d.set("calls", "300000/month").unwrap();
        assert_eq!(d.calls_per_day, Some(10_000.0));
        assert!(d.set("calls", "5/week").is_err());
        assert!(d.set("turns", "0").is_err());
        d.set("budget_usd", "$0.02").unwrap();
        assert_eq!(d.budget_usd, Some(0.02));
        assert!(d.set("monthly_budget_usd", "-3").is_err());
        assert_eq!(d.set("colour", "red"), Ok(false));
        let inner = CostDirective {
            turns: Some(3),
            ..Default::default()
        };
        let merged = d.over(&inner);
        assert_eq!((merged.turns, merged.budget_usd), (Some(3), Some(0.02)));
    }
}
