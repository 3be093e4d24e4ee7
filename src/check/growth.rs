//! `--max-growth`: a share, a number of tokens, or both (`10%:200`: more than 10% and at least
//! 200 tokens). A share alone keeps a default floor, so a 3-token literal growing to 15 does
//! not fail a review.
//!
//! Owns: parsing and the gate. Never: knows what grew.

/// The floor a share alone (`10%`) comes with: growth under this many tokens never fails.
pub const DEFAULT_FLOOR_TOKENS: u64 = 50;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Growth {
    /// Fail above this percentage of the base...
    pub percent: Option<f64>,
    /// ...and (with a share) from this many tokens on; alone: above this many tokens.
    pub tokens: Option<u64>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
#[error(
    "--max-growth takes a percentage (10%), a number of tokens (500) or both (10%:200), not '{0}'"
)]
pub struct BadGrowth(String);

impl Growth {
    pub fn parse(s: &str) -> Result<Growth, BadGrowth> {
        let s = s.trim();
        let bad = || BadGrowth(s.to_string());
        let tokens = |t: &str| {
            t.trim()
                .replace([',', '_'], "")
                .parse::<u64>()
                .map_err(|_| bad())
        };
        let percent = |p: &str| {
            p.trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v >= 0.0)
                .ok_or_else(bad)
        };
        match s.split_once(':') {
            Some((p, t)) => {
                let p = p.trim().strip_suffix('%').ok_or_else(bad)?;
                Ok(Growth {
                    percent: Some(percent(p)?),
                    tokens: Some(tokens(t)?),
                })
            }
            None => match s.strip_suffix('%') {
                Some(p) => Ok(Growth {
                    percent: Some(percent(p)?),
                    tokens: Some(DEFAULT_FLOOR_TOKENS),
                }),
                None => Ok(Growth {
                    percent: None,
                    tokens: Some(tokens(s)?),
                }),
            },
        }
    }

    pub fn exceeded(&self, base: u64, now: u64) -> bool {
        if now <= base {
            return false;
        }
        let grew = now - base;
        match (self.percent, self.tokens) {
            (Some(p), floor) => {
                grew >= floor.unwrap_or(0) && (base == 0 || grew as f64 / base as f64 * 100.0 > p)
            }
            (None, Some(t)) => grew > t,
            (None, None) => false,
        }
    }

    /// `10% and at least 200 tokens`, for messages.
    pub fn describe(&self) -> String {
        match (self.percent, self.tokens) {
            (Some(p), Some(t)) if t > 0 => {
                format!("{p}% and at least {} tokens", crate::format::thousands(t))
            }
            (Some(p), _) => format!("{p}%"),
            (None, Some(t)) => format!("{} tokens", crate::format::thousands(t)),
            (None, None) => "no limit".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_share_alone_keeps_the_default_floor() {
        let g = Growth::parse("10%").unwrap();
        assert_eq!(
            g,
            Growth {
                percent: Some(10.0),
                tokens: Some(DEFAULT_FLOOR_TOKENS)
            }
        );
        assert!(!g.exceeded(2, 14), "+12 tokens (+600%) is under the floor");
        assert!(g.exceeded(100, 160));
        assert!(!g.exceeded(1000, 1090), "+9% is under the share");
        assert!(g.exceeded(0, 60), "from nothing, only the floor applies");
    }

    #[test]
    fn share_and_floor_combine() {
        let g = Growth::parse("10%:200").unwrap();
        assert!(!g.exceeded(1000, 1150), "+15% but 150 tokens");
        assert!(g.exceeded(1000, 1200));
        assert!(!g.exceeded(10_000, 10_900), "900 tokens but 9%");
        let g = Growth::parse("5%:0").unwrap();
        assert!(g.exceeded(2, 3), "a zero floor turns it off");
        let g = Growth::parse("1,500").unwrap();
        assert!(!g.exceeded(0, 1500) && g.exceeded(0, 1501));
        assert_eq!(
            Growth::parse("10%:200").unwrap().describe(),
            "10% and at least 200 tokens"
        );
    }

    #[test]
    fn bad_limits_are_errors() {
        for s in ["ten", "10%:", ":200", "10:200", "-5%", "10%:x"] {
            assert!(Growth::parse(s).is_err(), "{s}");
        }
    }
}
