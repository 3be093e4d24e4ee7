//! The cost of one call and of a conversation, from token counts and the price table.
//!
//! Owns: input + output (+ reasoning, priced as output) + cache reads and writes by the
//! provider's rules + the long-context tier, chosen by the whole request's input and applied
//! to all of it (input, cache and output), as the providers bill it.
//! Never: counts text, or prices a model without a price (`None`, never $0).

use super::rules::{self, Caching, ANTHROPIC_READ, ANTHROPIC_WRITE_1H, ANTHROPIC_WRITE_5M};
use crate::pricing::Model;

/// Which Anthropic cache a breakpoint writes to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Ttl {
    #[default]
    FiveMinutes,
    OneHour,
}

impl Ttl {
    pub fn parse(s: &str) -> Option<Ttl> {
        match s.trim() {
            "5m" | "5min" | "5 minutes" => Some(Ttl::FiveMinutes),
            "1h" | "60m" | "1 hour" => Some(Ttl::OneHour),
            _ => None,
        }
    }
}

/// The cache assumption: the share of calls that find the static prefix in the cache.
/// `None` (no assumption made) prices every token as fresh input and writes nothing.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cache {
    /// 0.0..=1.0.
    pub hit: f64,
    pub ttl: Ttl,
}

/// One request.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Request {
    /// All input tokens of the request (prompt, tool definitions, history).
    pub input: u64,
    /// The leading part that repeats on every call (the prompt before its first placeholder,
    /// or the whole previous request in a conversation): what a cache can serve.
    pub prefix: u64,
    /// Anthropic: the rest of the input is written to the cache too (a breakpoint on the last
    /// message, as in a conversation whose next turn reads it).
    pub write_rest: bool,
    pub output: u64,
    /// Reasoning ("thinking") tokens, billed as output.
    pub reasoning: u64,
}

/// The parts of one call's cost, USD. Expected values: with a hit share, cache reads and
/// writes are weighted by it.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CallCost {
    pub input: f64,
    pub output: f64,
    /// Cache reads (the cached part of the input).
    pub cache_read: f64,
    /// Cache writes (Anthropic's premium; other providers only where the table has a price).
    pub cache_write: f64,
    /// Tokens of the prefix the cache can serve (0 below the provider's minimum).
    pub cacheable_tokens: u64,
    /// The threshold of the long-context tier that applies, if any.
    pub tier_above: Option<u64>,
}

impl CallCost {
    pub fn total(&self) -> f64 {
        self.input + self.output + self.cache_read + self.cache_write
    }

    fn add(&mut self, o: &CallCost) {
        self.input += o.input;
        self.output += o.output;
        self.cache_read += o.cache_read;
        self.cache_write += o.cache_write;
        self.cacheable_tokens = self.cacheable_tokens.max(o.cacheable_tokens);
        self.tier_above = self.tier_above.max(o.tier_above);
    }
}

/// The cost of one call, or `None` when the model lacks an input or output price.
pub fn call(m: &Model, r: &Request, cache: Option<Cache>) -> Option<CallCost> {
    let p = m.prices_for(r.input);
    let input_price = p.input?;
    let output_price = p.output?;
    let tier_above = m
        .tiers
        .iter()
        .rev()
        .find(|t| r.input > t.above)
        .map(|t| t.above);
    let mut c = CallCost {
        output: (r.output + r.reasoning) as f64 * output_price,
        tier_above,
        ..CallCost::default()
    };
    let rule = rules::caching(m);
    let Some(cache) = cache else {
        c.input = r.input as f64 * input_price;
        return Some(c);
    };
    let hit = cache.hit.clamp(0.0, 1.0);
    let cached = rule.cacheable(r.prefix.min(r.input));
    c.cacheable_tokens = cached;
    let fresh = (r.input - cached) as f64;
    let cached = cached as f64;
    match rule {
        Caching::None => c.input = r.input as f64 * input_price,
        Caching::Explicit { .. } => {
            let read = p.cache_read.unwrap_or(input_price * ANTHROPIC_READ);
            let write = match cache.ttl {
                Ttl::FiveMinutes => p.cache_write.unwrap_or(input_price * ANTHROPIC_WRITE_5M),
                Ttl::OneHour => p.cache_write_1h.unwrap_or(input_price * ANTHROPIC_WRITE_1H),
            };
            c.cache_read = hit * cached * read;
            // A miss writes the prefix; with a breakpoint at the end, the rest is written too.
            c.cache_write = (1.0 - hit) * cached * write;
            if r.write_rest {
                c.cache_write += fresh * write;
            } else {
                c.input = fresh * input_price;
            }
        }
        Caching::Automatic { .. } | Caching::Implicit { .. } => {
            let read = p.cache_read.unwrap_or(input_price);
            c.cache_read = hit * cached * read;
            // A miss stores the prefix: at the cache-write price where the table has one
            // (some OpenAI models), else billed as plain input.
            match p.cache_write {
                Some(w) => c.cache_write = (1.0 - hit) * cached * w,
                None => c.input += (1.0 - hit) * cached * input_price,
            }
            c.input += fresh * input_price;
        }
    }
    Some(c)
}

/// A chat of `turns` calls: each turn re-sends the prompt and the whole history (earlier
/// replies and user messages) and adds one user message of `user_tokens`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Conversation {
    pub turns: u64,
    /// Tokens of each new user message after the first turn.
    pub user_tokens: u64,
}

/// Sum over the turns, and the share of it that is re-sent history.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ConversationCost {
    pub total: CallCost,
    pub history_share: f64,
    /// Input tokens of the last turn.
    pub last_input: u64,
}

/// Turn `k` (1-based) sends `first.input + (k-1) * (output + user_tokens)` tokens (reasoning
/// tokens are not re-sent: OpenAI and Anthropic drop earlier turns' reasoning). With a cache assumption, the previous turn's request is the cached prefix of the
/// next (Anthropic: written with a breakpoint on the last message).
pub fn conversation(
    m: &Model,
    first: &Request,
    conv: Conversation,
    cache: Option<Cache>,
) -> Option<ConversationCost> {
    let turns = conv.turns.max(1);
    let grow = first.output + conv.user_tokens;
    let mut total = CallCost::default();
    let mut without_history = 0.0;
    let mut prev_input = 0;
    let mut last_input = first.input;
    for k in 0..turns {
        let input = first.input + k * grow;
        let req = if k == 0 {
            *first
        } else {
            Request {
                input,
                prefix: prev_input,
                write_rest: true,
                ..*first
            }
        };
        let c = call(m, &req, cache)?;
        total.add(&c);
        without_history += call(m, first, cache)?.total();
        prev_input = input;
        last_input = input;
    }
    let t = total.total();
    let history_share = if t > 0.0 {
        ((t - without_history) / t).max(0.0)
    } else {
        0.0
    };
    Some(ConversationCost {
        total,
        history_share,
        last_input,
    })
}

/// Calls per day → cost per day and per month (30 days).
pub(crate) const DAYS_PER_MONTH: f64 = 30.0;

pub fn monthly(per_call: f64, calls_per_day: f64) -> f64 {
    per_call * calls_per_day * DAYS_PER_MONTH
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pricing::PriceTable;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12 * b.abs().max(1.0)
    }

    fn model(name: &str) -> Model {
        PriceTable::embedded().resolve(name).unwrap().clone()
    }

    // Hand-computed from the embedded table (snapshot 2026-11-10):
    // gpt-4o $2.50 in, $1.25 cached, $10 out per 1M tokens.
    #[test]
    fn input_plus_output_plus_reasoning() {
        let m = model("gpt-4o");
        let c = call(
            &m,
            &Request {
                input: 2_000,
                output: 300,
                reasoning: 200,
                ..Default::default()
            },
            None,
        )
        .unwrap();
        assert!(close(c.input, 0.005), "{c:?}");
        assert!(
            close(c.output, 0.005),
            "reasoning is billed as output: {c:?}"
        );
        assert!(close(c.total(), 0.010));
    }

    #[test]
    fn openai_cache_reads_in_128_token_steps() {
        let m = model("gpt-4o");
        // 3,000-token prompt, 2,500 static: 1,024 + 11*128 = 2,432 cacheable. 80% hits.
        let r = Request {
            input: 3_000,
            prefix: 2_500,
            output: 100,
            ..Default::default()
        };
        let c = call(
            &m,
            &r,
            Some(Cache {
                hit: 0.8,
                ttl: Ttl::FiveMinutes,
            }),
        )
        .unwrap();
        assert_eq!(c.cacheable_tokens, 2_432);
        assert!(close(c.cache_read, 0.8 * 2_432.0 * 1.25e-6), "{c:?}");
        assert!(close(c.input, (568.0 + 0.2 * 2_432.0) * 2.5e-6), "{c:?}");
        assert_eq!(
            c.cache_write, 0.0,
            "OpenAI charges no cache write for gpt-4o"
        );
        // Under 1,024 tokens nothing is cached.
        let small = call(
            &m,
            &Request {
                input: 1_000,
                prefix: 1_000,
                ..Default::default()
            },
            Some(Cache {
                hit: 1.0,
                ttl: Ttl::FiveMinutes,
            }),
        )
        .unwrap();
        assert_eq!(small.cache_read, 0.0);
        assert!(close(small.input, 1_000.0 * 2.5e-6));
    }

    // claude-sonnet-4-5: $3 in, $3.75 5-minute write, $6 1-hour write, $0.30 read, $15 out.
    #[test]
    fn anthropic_writes_at_a_premium_and_reads_at_a_tenth() {
        let m = model("claude-sonnet-4-5");
        let r = Request {
            input: 10_000,
            prefix: 8_000,
            output: 500,
            ..Default::default()
        };
        let c = call(
            &m,
            &r,
            Some(Cache {
                hit: 0.9,
                ttl: Ttl::FiveMinutes,
            }),
        )
        .unwrap();
        assert!(close(c.cache_read, 0.9 * 8_000.0 * 0.3e-6), "{c:?}");
        assert!(close(c.cache_write, 0.1 * 8_000.0 * 3.75e-6), "{c:?}");
        assert!(close(c.input, 2_000.0 * 3e-6));
        assert!(close(c.output, 500.0 * 15e-6));
        // per call: 0.00216 + 0.003 + 0.006 + 0.0075 = 0.01866
        assert!(close(c.total(), 0.01866), "{}", c.total());
        let h = call(
            &m,
            &r,
            Some(Cache {
                hit: 0.0,
                ttl: Ttl::OneHour,
            }),
        )
        .unwrap();
        assert!(
            close(h.cache_write, 8_000.0 * 6e-6),
            "every call writes, 1-hour price: {h:?}"
        );
        // No cache assumed: no breakpoint, no premium.
        let plain = call(&m, &r, None).unwrap();
        assert!(close(plain.input, 10_000.0 * 3e-6) && plain.cache_write == 0.0);
    }

    // gemini-2.5-pro: $1.25 in / $10 out up to 200k; $2.50 / $15 above, on the whole request.
    #[test]
    fn long_context_tier_bills_the_whole_request() {
        let m = model("gemini-2.5-pro");
        let below = call(
            &m,
            &Request {
                input: 200_000,
                output: 1_000,
                ..Default::default()
            },
            None,
        )
        .unwrap();
        assert!(
            close(below.total(), 200_000.0 * 1.25e-6 + 1_000.0 * 10e-6),
            "{below:?}"
        );
        assert_eq!(below.tier_above, None);
        let above = call(
            &m,
            &Request {
                input: 200_001,
                output: 1_000,
                ..Default::default()
            },
            None,
        )
        .unwrap();
        // 200,001 * $2.50/M + 1,000 * $15/M = 0.5000025 + 0.015
        assert!(close(above.total(), 0.5150025), "{above:?}");
        assert_eq!(above.tier_above, Some(200_000));
    }

    #[test]
    fn no_price_is_none_never_zero() {
        let mut m = model("gpt-4o");
        m.base.output = None;
        assert!(call(
            &m,
            &Request {
                input: 10,
                output: 10,
                ..Default::default()
            },
            None
        )
        .is_none());
    }

    // 20 turns on gpt-4o, 1,000-token prompt, 300-token replies, 100-token user messages, no
    // cache: turn k sends 1,000 + (k-1)*400 tokens. Input = 20*1,000 + 400*190 = 96,000 tokens
    // = $0.24; output 20*300 = 6,000 tokens = $0.06; total $0.30. Without history the 20
    // calls cost 20*(0.0025 + 0.003) = $0.11, so 63.3% of it is re-sent history.
    #[test]
    fn conversations_grow_quadratically() {
        let m = model("gpt-4o");
        let first = Request {
            input: 1_000,
            output: 300,
            ..Default::default()
        };
        let c = conversation(
            &m,
            &first,
            Conversation {
                turns: 20,
                user_tokens: 100,
            },
            None,
        )
        .unwrap();
        assert!(close(c.total.total(), 0.30), "{c:?}");
        assert!(
            (c.history_share - 0.19 / 0.30).abs() < 1e-9,
            "{}",
            c.history_share
        );
        assert_eq!(c.last_input, 1_000 + 19 * 400);
        let one = conversation(
            &m,
            &first,
            Conversation {
                turns: 1,
                user_tokens: 100,
            },
            None,
        )
        .unwrap();
        assert_eq!(one.history_share, 0.0);
    }

    // With a cache, each turn reads the previous request: turn 2 of a claude-sonnet-4-5 chat
    // (2,000-token prompt, 500 out, 100 user) sends 2,600 tokens, reads 2,000 (hit 1.0) at
    // $0.30/M and writes the 600 new ones at $3.75/M.
    #[test]
    fn conversation_history_is_read_from_the_cache() {
        let m = model("claude-sonnet-4-5");
        let first = Request {
            input: 2_000,
            prefix: 2_000,
            output: 500,
            ..Default::default()
        };
        let cache = Some(Cache {
            hit: 1.0,
            ttl: Ttl::FiveMinutes,
        });
        let two = conversation(
            &m,
            &first,
            Conversation {
                turns: 2,
                user_tokens: 100,
            },
            cache,
        )
        .unwrap();
        let turn1 = call(&m, &first, cache).unwrap().total();
        let turn2 = 2_000.0 * 0.3e-6 + 600.0 * 3.75e-6 + 500.0 * 15e-6;
        assert!(close(two.total.total(), turn1 + turn2), "{two:?}");
    }

    #[test]
    fn months_have_30_days() {
        assert!(close(monthly(0.001, 10_000.0), 300.0));
    }
}
