//! The JSON shapes the command line prints that more than one command shares: a model's
//! count (`count --json`, `check --format json`, `context --json`; read back by `check
//! --merge` and `check --cache`) and a request's cost (`check`; read back by `--merge`), and
//! the whole of `count --json`. Dedicated serde structs, built from the core
//! types, so those can change without changing the wire; field names and order are the
//! format (tests compare them). The LSP's custom requests have theirs in `server/ext.rs`,
//! `check`'s report in `check/wire.rs`.
//!
//! Never: computes anything.

use serde::{Deserialize, Serialize, Serializer};

use crate::cost::count::CountModel;
use crate::cost::report::PromptCost;
use crate::document::ModelCount;
use crate::pricing::Tokenizer;

/// A model's count and input cost for one piece of text; also read back (`check --merge`,
/// `check --cache`), so the one shape is written and read by the same struct.
#[derive(Serialize, Deserialize)]
pub(crate) struct ModelCountJson {
    pub model: String,
    /// The encoding the count was made with (for an estimate: the exact base count).
    pub encoding: String,
    /// The model's tokenizer label (`o200k_base`, `claude`, `estimate`, ...).
    pub tokenizer: Tokenizer,
    pub tokens: u64,
    pub exact: bool,
    pub error_pct: Option<f64>,
    /// `null` when the model has no price (never 0).
    pub input_cost_usd: Option<f64>,
    pub cached_input_cost_usd: Option<f64>,
    pub context_window: Option<u64>,
    pub context_share: Option<f64>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub via_api: bool,
}

impl From<&ModelCount> for ModelCountJson {
    fn from(c: &ModelCount) -> Self {
        ModelCountJson {
            model: c.model.clone(),
            encoding: c.encoding.clone(),
            tokenizer: c.tokenizer,
            tokens: c.tokens,
            exact: c.exact,
            error_pct: c.error_pct,
            input_cost_usd: c.input_cost_usd,
            cached_input_cost_usd: c.cached_input_cost_usd,
            context_window: c.context_window,
            context_share: c.context_share,
            via_api: c.via_api,
        }
    }
}

impl From<ModelCountJson> for ModelCount {
    fn from(c: ModelCountJson) -> Self {
        ModelCount {
            model: c.model,
            encoding: c.encoding,
            tokenizer: c.tokenizer,
            tokens: c.tokens,
            exact: c.exact,
            error_pct: c.error_pct,
            input_cost_usd: c.input_cost_usd,
            cached_input_cost_usd: c.cached_input_cost_usd,
            context_window: c.context_window,
            context_share: c.context_share,
            via_api: c.via_api,
        }
    }
}

/// The counts of several models, as their wire shape.
pub(crate) fn model_counts(counts: &[ModelCount]) -> Vec<ModelCountJson> {
    counts.iter().map(ModelCountJson::from).collect()
}

/// `#[serde(serialize_with)]` for a core struct's `Vec<ModelCount>` field.
pub(crate) fn serialize_counts<S: Serializer>(
    counts: &[ModelCount],
    s: S,
) -> Result<S::Ok, S::Error> {
    model_counts(counts).serialize(s)
}

/// `cost` of a prompt in `check --format json` (read back by `check --merge`).
#[derive(Serialize, Deserialize)]
pub(crate) struct PromptCostJson {
    /// The budget model.
    pub model: String,
    pub output_tokens: u64,
    /// `directive`, `prompt_settings` (an upper bound), `usage`, `flag`, `config`, `default`.
    pub output_source: String,
    pub per_call_usd: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_call_high_usd: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turns: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history_share: Option<f64>,
    pub calls_per_day: Option<f64>,
    pub daily_usd: Option<f64>,
    pub monthly_usd: Option<f64>,
    pub budget_usd: Option<f64>,
    pub monthly_budget_usd: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_per_call_usd: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_change_usd: Option<f64>,
}

impl From<&PromptCost> for PromptCostJson {
    fn from(c: &PromptCost) -> Self {
        PromptCostJson {
            model: c.model.clone(),
            output_tokens: c.output_tokens,
            output_source: c.output_source.clone(),
            per_call_usd: c.per_call_usd,
            per_call_high_usd: c.per_call_high_usd,
            turns: c.turns,
            history_share: c.history_share,
            calls_per_day: c.calls_per_day,
            daily_usd: c.daily_usd,
            monthly_usd: c.monthly_usd,
            budget_usd: c.budget_usd,
            monthly_budget_usd: c.monthly_budget_usd,
            base_per_call_usd: c.base_per_call_usd,
            monthly_change_usd: c.monthly_change_usd,
        }
    }
}

impl From<PromptCostJson> for PromptCost {
    fn from(c: PromptCostJson) -> Self {
        PromptCost {
            model: c.model,
            output_tokens: c.output_tokens,
            output_source: c.output_source,
            per_call_usd: c.per_call_usd,
            per_call_high_usd: c.per_call_high_usd,
            turns: c.turns,
            history_share: c.history_share,
            calls_per_day: c.calls_per_day,
            daily_usd: c.daily_usd,
            monthly_usd: c.monthly_usd,
            budget_usd: c.budget_usd,
            monthly_budget_usd: c.monthly_budget_usd,
            base_per_call_usd: c.base_per_call_usd,
            monthly_change_usd: c.monthly_change_usd,
            // Only the check that decides violations reads these.
            worst_per_call: None,
            worst_monthly: None,
        }
    }
}

/// `count --json`.
#[derive(Serialize)]
pub struct CountJson<'a> {
    source: &'a str,
    bytes: usize,
    chars: usize,
    snapshot_date: &'a str,
    models: Vec<CountModelJson>,
}

impl<'a> CountJson<'a> {
    /// The output of `count --json` for `text` read from `source`.
    pub fn new(
        source: &'a str,
        text: &str,
        snapshot_date: &'a str,
        models: &'a [CountModel],
    ) -> Self {
        CountJson {
            source,
            bytes: text.len(),
            chars: text.chars().count(),
            snapshot_date,
            models: models.iter().map(CountModelJson::from).collect(),
        }
    }
}

/// One model of `count --json`: the count, then the cost fields.
#[derive(Serialize)]
struct CountModelJson {
    #[serde(flatten)]
    count: ModelCountJson,
    output_tokens: u64,
    reasoning_tokens: u64,
    /// Input tokens of the tool definitions (`--tools`), included in the call's cost.
    #[serde(skip_serializing_if = "Option::is_none")]
    tools_tokens: Option<u64>,
    /// Whether the tools' framing is the provider's documented one (else an estimate).
    #[serde(skip_serializing_if = "Option::is_none")]
    tools_framing_documented: Option<bool>,
    /// Input + output at the applicable tier, cache as configured; `null` without a price.
    per_call_usd: Option<f64>,
    calls_per_day: Option<f64>,
    /// `null` without a volume.
    daily_usd: Option<f64>,
    /// `null` without a volume.
    monthly_usd: Option<f64>,
}

impl From<&CountModel> for CountModelJson {
    fn from(m: &CountModel) -> Self {
        CountModelJson {
            count: ModelCountJson::from(&m.count),
            output_tokens: m.output_tokens,
            reasoning_tokens: m.reasoning_tokens,
            tools_tokens: m.tools_tokens,
            tools_framing_documented: m.tools_framing_documented,
            per_call_usd: m.per_call_usd,
            calls_per_day: m.calls_per_day,
            daily_usd: m.daily_usd,
            monthly_usd: m.monthly_usd,
        }
    }
}
