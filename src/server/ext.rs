//! promptcost's own LSP requests: each one a type with its `METHOD`, `Params` and `Result`
//! (as taplo's `lsp_ext`). The wire structs are declared with [`wire!`], which also renders
//! their TypeScript interfaces: `editors/vscode/src/protocol.ts` holds that rendering between
//! generated markers, and a test fails when the two differ (so the editor can never drift).
//! Never: logic. These are shapes only; conversions from core types live beside them.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use tower_lsp_server::ls_types::{Range, TextDocumentIdentifier};

use crate::document::ModelCount as CoreCount;
use crate::pricing::{Model, PriceTable, Provider, Tokenizer};

/// A custom request: its method name, parameters and result.
pub trait Request {
    const METHOD: &'static str;
    type Params: DeserializeOwned + Send + 'static;
    type Result: Serialize + Send + 'static;
}

/// Declares a wire struct and its TypeScript interface (`TS`) at once. Each field names its
/// JSON key and its TypeScript type: `pub tokens: u64 => "tokens": "number"` (`"?Range"`: an
/// optional field).
macro_rules! wire {
    ($(#[$m:meta])* pub struct $name:ident {
        $( $(#[$fm:meta])* pub $field:ident : $ty:ty => $key:literal : $ts:literal ),* $(,)?
    }) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        pub struct $name {
            $( $(#[$fm])* #[serde(rename = $key)] pub $field: $ty, )*
        }
        impl $name {
            /// The TypeScript interface (a type starting with `?` is an optional field).
            #[cfg(test)]
            pub fn ts() -> String {
                let mut out = format!("export interface {} {{\n", stringify!($name));
                for (key, ts) in [$( ($key, $ts) ),*] {
                    match ts.strip_prefix('?') {
                        Some(t) => out.push_str(&format!("  {key}?: {t};\n")),
                        None => out.push_str(&format!("  {key}: {ts};\n")),
                    }
                }
                out.push_str("}\n");
                out
            }
        }
    };
}

wire! {
    /// `promptcost/count` parameters: a document, and optionally a range of it.
    pub struct CountParams {
        pub text_document: TextDocumentIdentifier => "textDocument": "{ uri: string }",
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub range: Option<Range> => "range": "?Range",
    }
}

wire! {
    /// One model's count of a text.
    pub struct ModelCount {
        pub model: String => "model": "string",
        pub encoding: String => "encoding": "string",
        pub tokenizer: Tokenizer => "tokenizer": "string",
        pub tokens: u64 => "tokens": "number",
        pub exact: bool => "exact": "boolean",
        pub error_pct: Option<f64> => "error_pct": "number | null",
        pub input_cost_usd: Option<f64> => "input_cost_usd": "number | null",
        pub cached_input_cost_usd: Option<f64> => "cached_input_cost_usd": "number | null",
        pub context_window: Option<u64> => "context_window": "number | null",
        pub context_share: Option<f64> => "context_share": "number | null",
        pub via_api: bool => "via_api": "boolean",
        /// The same figures as the server renders them (`≈1,234 tok · $0.0031`), so editors
        /// never format numbers or money themselves.
        pub label: String => "label": "string",
        /// Rendered by the server: `1.8% of 128k`; null without a context window (editors' tooltips).
        pub share_label: Option<String> => "share_label": "string | null",
    }
}

wire! {
    /// `promptcost/count` result.
    pub struct CountResult {
        pub uri: String => "uri": "string",
        pub bytes: usize => "bytes": "number",
        pub chars: usize => "chars": "number",
        /// Rendered by the server: `1,234`.
        pub chars_label: String => "chars_label": "string",
        pub snapshot_date: String => "snapshot_date": "string",
        pub models: Vec<ModelCount> => "models": "ModelCount[]",
    }
}

wire! {
    /// A price tier: the whole request is billed at these prices above `above_tokens`.
    pub struct TierInfo {
        pub above_tokens: u64 => "above_tokens": "number",
        pub input_cost_per_mtok: Option<f64> => "input_cost_per_mtok": "number | null",
        pub cached_input_cost_per_mtok: Option<f64> => "cached_input_cost_per_mtok": "number | null",
        pub cache_write_cost_per_mtok: Option<f64> => "cache_write_cost_per_mtok": "number | null",
        pub output_cost_per_mtok: Option<f64> => "output_cost_per_mtok": "number | null",
    }
}

wire! {
    /// One model of the price table (`promptcost/models`, `promptcost models --json`).
    pub struct ModelInfo {
        pub model: String => "model": "string",
        pub provider: Provider => "provider": "string",
        pub display_name: Option<String> => "display_name": "string | null",
        pub aliases: Vec<String> => "aliases": "string[]",
        pub tokenizer: Tokenizer => "tokenizer": "string",
        pub exact: bool => "exact": "boolean",
        pub error_pct: Option<f64> => "error_pct": "number | null",
        pub accuracy: String => "accuracy": "string",
        pub input_cost_per_mtok: Option<f64> => "input_cost_per_mtok": "number | null",
        pub cached_input_cost_per_mtok: Option<f64> => "cached_input_cost_per_mtok": "number | null",
        pub cache_write_cost_per_mtok: Option<f64> => "cache_write_cost_per_mtok": "number | null",
        pub output_cost_per_mtok: Option<f64> => "output_cost_per_mtok": "number | null",
        pub tiers: Vec<TierInfo> => "tiers": "TierInfo[]",
        pub context_window: Option<u64> => "context_window": "number | null",
        pub max_output_tokens: Option<u64> => "max_output_tokens": "number | null",
        pub price_source: String => "price_source": "string",
        /// Rendered by the server: `$2.50` per 1M input tokens, `no price`.
        pub input_price_label: String => "input_price_label": "string",
        /// Rendered by the server: `400k`, `unknown`.
        pub context_label: String => "context_label": "string",
        /// Rendered by the server: `$10` per 1M output tokens, `no price` (editors' model tables).
        pub output_price_label: String => "output_price_label": "string",
    }
}

wire! {
    /// `promptcost/models` result (and `promptcost models --json`, without `configured`).
    pub struct ModelsResult {
        pub snapshot_date: String => "snapshot_date": "string",
        pub source: String => "source": "string",
        pub models: Vec<ModelInfo> => "models": "ModelInfo[]",
        /// The models configured for the workspace root, primary first.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub configured: Vec<String> => "configured": "?string[]",
    }
}

wire! {
    /// The opt-in Claude API's state.
    pub struct ApiInfo {
        pub status: String => "status": "string",
        pub requests: u64 => "requests": "number",
    }
}

wire! {
    /// `promptcost/status` result: what the server holds (bug reports, tests).
    pub struct StatusResult {
        pub documents: usize => "documents": "number",
        pub skipped_cancelled_requests: u64 => "skipped_cancelled_requests": "number",
        /// null while `claudeApi` is off.
        pub claude_api: Option<ApiInfo> => "claude_api": "ApiInfo | null",
        /// Still waiting for the client's settings before the first analysis.
        pub awaiting_configuration: bool => "awaiting_configuration": "boolean",
    }
}

pub struct Count;
impl Request for Count {
    const METHOD: &'static str = "promptcost/count";
    type Params = CountParams;
    type Result = CountResult;
}

pub struct Models;
impl Request for Models {
    const METHOD: &'static str = "promptcost/models";
    type Params = serde_json::Value;
    type Result = ModelsResult;
}

pub struct Status;
impl Request for Status {
    const METHOD: &'static str = "promptcost/status";
    type Params = serde_json::Value;
    type Result = StatusResult;
}

/// The command the code lens runs (clients that do not have it locally ask the server).
pub const SHOW_MODELS_COMMAND: &str = "promptcost.showModels";

impl From<&CoreCount> for ModelCount {
    fn from(c: &CoreCount) -> ModelCount {
        ModelCount {
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
            label: c.short_label(),
            share_label: c.context_share.zip(c.context_window).map(|(s, w)| {
                format!(
                    "{} of {}",
                    crate::format::percent(s),
                    crate::format::window(w)
                )
            }),
        }
    }
}

fn per_mtok(v: Option<f64>) -> Option<f64> {
    v.map(|p| (p * 1_000_000.0 * 1e6).round() / 1e6)
}

impl ModelInfo {
    /// `accuracy`: the count column as `promptcost models` shows it.
    pub fn new(m: &Model, accuracy: String) -> ModelInfo {
        ModelInfo {
            model: m.id.clone(),
            provider: m.provider.clone(),
            display_name: m.display_name.clone(),
            aliases: m.aliases.clone(),
            tokenizer: m.tokenizer,
            exact: m.counting.is_exact(),
            error_pct: m.counting.error_pct(),
            accuracy,
            input_cost_per_mtok: per_mtok(m.base.input),
            cached_input_cost_per_mtok: per_mtok(m.base.cache_read),
            cache_write_cost_per_mtok: per_mtok(m.base.cache_write),
            output_cost_per_mtok: per_mtok(m.base.output),
            tiers: m
                .tiers
                .iter()
                .map(|t| TierInfo {
                    above_tokens: t.above,
                    input_cost_per_mtok: per_mtok(t.prices.input),
                    cached_input_cost_per_mtok: per_mtok(t.prices.cache_read),
                    cache_write_cost_per_mtok: per_mtok(t.prices.cache_write),
                    output_cost_per_mtok: per_mtok(t.prices.output),
                })
                .collect(),
            context_window: m.max_input_tokens,
            max_output_tokens: m.max_output_tokens,
            price_source: m.price_source.clone(),
            input_price_label: crate::format::per_million(m.base.input),
            context_label: m
                .max_input_tokens
                .map_or_else(|| "unknown".into(), crate::format::window),
            output_price_label: crate::format::per_million(m.base.output),
        }
    }
}

impl ModelsResult {
    pub fn new(
        table: &PriceTable,
        accuracy: impl Fn(&Model) -> String,
        configured: Vec<String>,
    ) -> ModelsResult {
        ModelsResult {
            snapshot_date: table.snapshot_date.clone(),
            source: table.source.clone(),
            models: table
                .models()
                .iter()
                .map(|m| ModelInfo::new(m, accuracy(m)))
                .collect(),
            configured,
        }
    }
}

/// The TypeScript block `editors/vscode/src/protocol.ts` must hold between its markers.
#[cfg(test)]
pub fn typescript() -> String {
    let mut out = String::new();
    for (name, method) in [
        ("COUNT_METHOD", Count::METHOD),
        ("MODELS_METHOD", Models::METHOD),
        ("STATUS_METHOD", Status::METHOD),
        ("SHOW_MODELS_COMMAND", SHOW_MODELS_COMMAND),
    ] {
        out.push_str(&format!("export const {name} = '{method}';\n"));
    }
    for ts in [
        CountParams::ts(),
        ModelCount::ts(),
        CountResult::ts(),
        TierInfo::ts(),
        ModelInfo::ts(),
        ModelsResult::ts(),
        ApiInfo::ts(),
        StatusResult::ts(),
    ] {
        out.push('\n');
        out.push_str(&ts);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const BEGIN: &str = "// <generated from src/server/ext.rs: cargo test updates it with PROMPTCOST_UPDATE_PROTOCOL=1>\n";
    const END: &str = "// </generated>\n";

    /// The editor's protocol types are exactly the server's. With PROMPTCOST_UPDATE_PROTOCOL=1
    /// the test rewrites the block instead.
    #[test]
    fn vscode_protocol_ts_is_generated_from_the_wire_types() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/vscode/src/protocol.ts");
        let text = std::fs::read_to_string(&path).expect("protocol.ts");
        let (a, b) = (
            text.find(BEGIN).expect("begin marker"),
            text.find(END).expect("end marker"),
        );
        let current = &text[a + BEGIN.len()..b];
        let want = typescript();
        if std::env::var_os("PROMPTCOST_UPDATE_PROTOCOL").is_some() {
            let new = format!("{}{BEGIN}{want}{END}{}", &text[..a], &text[b + END.len()..]);
            std::fs::write(&path, new).unwrap();
            return;
        }
        assert_eq!(
            current, want,
            "protocol.ts is out of date: run PROMPTCOST_UPDATE_PROTOCOL=1 cargo test --lib ext"
        );
    }

    /// Every declared key is the serialized key (the macro renames each field to it).
    #[test]
    fn serialized_keys_are_the_declared_ones() {
        let s = StatusResult {
            documents: 1,
            skipped_cancelled_requests: 0,
            claude_api: None,
            awaiting_configuration: false,
        };
        let v = serde_json::to_value(&s).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        for k in &keys {
            assert!(StatusResult::ts().contains(&format!("  {k}: ")), "{k}");
        }
        assert_eq!(keys.len(), StatusResult::ts().matches(";\n").count());
        let p: CountParams =
            serde_json::from_value(serde_json::json!({"textDocument": {"uri": "file:///a"}}))
                .unwrap();
        assert!(p.range.is_none());
    }
}
