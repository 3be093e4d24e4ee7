//! Display strings for the custom requests' results (`promptcost/count`, `promptcost/models`),
//! made with [`crate::format`], so that the editor extensions (VS Code, Neovim) show the
//! server's numbers and money as they are instead of formatting them a second time.
//! Adds a `label` object next to the raw numbers (which stay, unchanged, for programs);
//! must never change or remove an existing field.

use serde_json::{json, Value};

use crate::format;

fn u64_of(v: &Value, key: &str) -> Option<u64> {
    v.get(key).and_then(Value::as_u64)
}

fn f64_of(v: &Value, key: &str) -> Option<f64> {
    v.get(key).and_then(Value::as_f64)
}

/// `promptcost/count`: `chars_label` (`1,234`) and per model `label: {tokens: "≈2,345",
/// cost: "$0.0059" | "no price", context: "1.8% of 128k" | null}`.
pub(crate) fn add_to_count(result: &mut Value) {
    if let Some(chars) = u64_of(result, "chars") {
        result["chars_label"] = json!(format::thousands(chars));
    }
    let Some(models) = result.get_mut("models").and_then(Value::as_array_mut) else {
        return;
    };
    for m in models {
        let tokens = u64_of(m, "tokens").unwrap_or(0);
        let exact = m.get("exact").and_then(Value::as_bool).unwrap_or(true);
        let context = match (f64_of(m, "context_share"), u64_of(m, "context_window")) {
            (Some(s), Some(w)) => json!(format!("{} of {}", format::percent(s), format::window(w))),
            _ => Value::Null,
        };
        m["label"] = json!({
            "tokens": format::tokens(tokens, exact),
            "cost": format::cost(f64_of(m, "input_cost_usd")),
            "context": context,
        });
    }
}

/// `promptcost/models`: per model `label: {input, cached_input, cache_write, output}` (USD per
/// million tokens, `$2.50`; null without a price) and `context_window`, `max_output` (`128k`).
pub(crate) fn add_to_models(result: &mut Value) {
    let Some(models) = result.get_mut("models").and_then(Value::as_array_mut) else {
        return;
    };
    for m in models {
        let price = |key: &str| f64_of(m, key).map(format::usd);
        let size = |key: &str| u64_of(m, key).map(format::window);
        let label = json!({
            "input": price("input_cost_per_mtok"),
            "cached_input": price("cached_input_cost_per_mtok"),
            "cache_write": price("cache_write_cost_per_mtok"),
            "output": price("output_cost_per_mtok"),
            "context_window": size("context_window"),
            "max_output": size("max_output_tokens"),
        });
        m["label"] = label;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_labels() {
        let mut v = json!({"chars": 12345, "models": [
            {"tokens": 2345, "exact": false, "input_cost_usd": 0.0059, "context_share": 0.018, "context_window": 128000},
            {"tokens": 7, "exact": true, "input_cost_usd": null, "context_share": null, "context_window": null},
        ]});
        add_to_count(&mut v);
        assert_eq!(v["chars_label"], "12,345");
        assert_eq!(v["models"][0]["label"], json!({"tokens": "≈2,345", "cost": "$0.0059", "context": "1.8% of 128k"}));
        assert_eq!(v["models"][1]["label"], json!({"tokens": "7", "cost": "no price", "context": null}));
        assert_eq!(v["models"][0]["tokens"], 2345, "raw numbers stay");
    }

    #[test]
    fn model_labels() {
        let mut v = json!({"models": [{"input_cost_per_mtok": 2.5, "cached_input_cost_per_mtok": null,
            "cache_write_cost_per_mtok": null, "output_cost_per_mtok": 10.0, "context_window": 128000, "max_output_tokens": 16384}]});
        add_to_models(&mut v);
        assert_eq!(v["models"][0]["label"], json!({"input": "$2.50", "cached_input": null, "cache_write": null,
            "output": "$10.00", "context_window": "128k", "max_output": "16k"}));
    }
}
