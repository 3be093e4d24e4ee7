//! Tool (function) definitions passed with a call, counted as part of the request: OpenAI's
//! documented framing for its models, Anthropic's tool-use system prompt plus the definitions,
//! and the definitions as JSON (marked as an estimate) where no framing is documented.
//!
//! Reads the shapes the SDKs take: OpenAI Chat `{"type":"function","function":{...}}`,
//! Responses `{"type":"function","name",...}`, Anthropic `{"name","description",
//! "input_schema"}`, Gemini `{"functionDeclarations":[...]}`, and a Vercel AI SDK style object
//! `{"weather": {"description", "parameters" | "inputSchema"}}`.
//! Never: guesses framing silently: a count without documented framing says so.

use serde_json::{json, Value};

use super::rules::{tool_framing, ToolFraming};
use crate::extract::code::CallTools;
use crate::pricing::Model;

/// What the tools of a call in code add for model `m`: `Ok((tokens, documented))`, where
/// `documented` is false for an estimate (no documented framing, or values that were not
/// literals left out); `Err` says why they are not counted.
pub(crate) fn of_call(m: &Model, t: &CallTools) -> Result<(u64, bool), ToolsError> {
    let json = t.json.as_deref().ok_or(ToolsError::NotALiteral)?;
    let defs = parse(json)?;
    let (n, documented) = tokens(m, &defs);
    Ok((n, documented && !t.partial))
}

/// The hover note of a call's tools, in model `m`: `incl. 123 tokens of tool definitions`.
pub fn note(m: &Model, t: &CallTools) -> String {
    match of_call(m, t) {
        Ok((n, documented)) => {
            let why = if t.partial {
                " (an estimate: parts that are not literals, such as zod schemas, are not counted)"
            } else if !documented {
                " (an estimate: no documented framing for this model)"
            } else {
                ""
            };
            format!(
                "incl. {}{} of tool definitions{why}",
                if documented { "" } else { "≈" },
                crate::format::plural(n, "token", "tokens")
            )
        }
        Err(e) => format!("tools not counted: {e}"),
    }
}

/// A code prompt's count in `m`: its text's `tokens` plus its call's tools (an estimate when
/// their framing is).
pub(crate) fn with_call_tools(
    m: &Model,
    tools: Option<&CallTools>,
    tokens: u64,
) -> crate::document::ModelCount {
    let extra = tools.and_then(|t| of_call(m, t).ok());
    let mut c = crate::document::ModelCount::new(m, tokens + extra.map_or(0, |e| e.0));
    if extra.is_some_and(|e| !e.1) {
        c.exact = false;
    }
    c
}

/// One tool, normalised.
#[derive(Clone, Debug, PartialEq)]
pub struct ToolDef {
    pub name: String,
    pub description: String,
    /// The JSON Schema of its parameters (`{}` when none).
    pub parameters: Value,
}

/// A tool file that cannot be read as tool definitions.
#[derive(Debug, thiserror::Error)]
pub enum ToolsError {
    #[error("invalid JSON at {line}:{column}: {0}", line = .0.line(), column = .0.column())]
    Json(#[from] serde_json::Error),
    /// The size of the nameless tool, in bytes.
    #[error("a tool without a name: {} bytes", crate::format::thousands(*.0 as u64))]
    Nameless(usize),
    #[error("expected a list of tools")]
    NotAList,
    /// A call's tools that are a variable or a call result, not written in the call.
    #[error("not a literal")]
    NotALiteral,
}

fn def(name: &str, f: &Value) -> ToolDef {
    ToolDef {
        name: name.to_string(),
        description: f
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string(),
        parameters: f
            .get("parameters")
            .or_else(|| f.get("input_schema"))
            .or_else(|| f.get("inputSchema"))
            .cloned()
            .unwrap_or(json!({})),
    }
}

fn one(t: &Value, out: &mut Vec<ToolDef>) -> Result<(), ToolsError> {
    if let Some(decls) = t
        .get("functionDeclarations")
        .or_else(|| t.get("function_declarations"))
        .and_then(Value::as_array)
    {
        for d in decls {
            one(d, out)?;
        }
        return Ok(());
    }
    let f = t.get("function").filter(|f| f.is_object()).unwrap_or(t);
    match f.get("name").and_then(Value::as_str) {
        Some(name) => {
            out.push(def(name, f));
            Ok(())
        }
        None => Err(ToolsError::Nameless(t.to_string().len())),
    }
}

/// Parses a tool list (an array, `{"tools": [...]}`, or an object of named tools).
pub fn parse(text: &str) -> Result<Vec<ToolDef>, ToolsError> {
    let v: Value = serde_json::from_str(text)?;
    let list = v.get("tools").unwrap_or(&v);
    let mut out = Vec::new();
    match list {
        Value::Array(a) => {
            for t in a {
                one(t, &mut out)?;
            }
        }
        Value::Object(map)
            if map.values().all(|x| {
                x.is_object()
                    && (x.get("description").is_some()
                        || x.get("parameters").is_some()
                        || x.get("inputSchema").is_some())
            }) =>
        {
            for (name, f) in map {
                out.push(def(name, f));
            }
        }
        Value::Object(_) => one(list, &mut out)?,
        _ => return Err(ToolsError::NotAList),
    }
    Ok(out)
}

/// The input tokens the tools add to a request for model `m`, and whether the framing is the
/// provider's documented one (else an estimate). Counts for models counted by estimate are
/// estimates whatever the framing.
pub fn tokens(m: &Model, tools: &[ToolDef]) -> (u64, bool) {
    if tools.is_empty() {
        return (0, true);
    }
    let enc = m.counting.encoding();
    let count = |s: &str| -> i64 { m.counting.from_base(enc.count(s) as u64) as i64 };
    let (framing, documented) = tool_framing(m);
    let n = match framing {
        ToolFraming::OpenAi {
            func_init,
            prop_init,
            prop_key,
            enum_init,
            enum_item,
            func_end,
        } => {
            let mut n = 0i64;
            for t in tools {
                n += func_init;
                n += count(&format!(
                    "{}:{}",
                    t.name,
                    t.description.trim_end_matches('.')
                ));
                if let Some(props) = t
                    .parameters
                    .get("properties")
                    .and_then(Value::as_object)
                    .filter(|p| !p.is_empty())
                {
                    n += prop_init;
                    for (key, p) in props {
                        n += prop_key;
                        if let Some(items) = p.get("enum").and_then(Value::as_array) {
                            n += enum_init;
                            for item in items {
                                n += enum_item;
                                n += count(
                                    item.as_str()
                                        .map_or_else(|| item.to_string(), str::to_string)
                                        .as_str(),
                                );
                            }
                        }
                        let ty = p.get("type").and_then(Value::as_str).unwrap_or("");
                        let desc = p
                            .get("description")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .trim_end_matches('.');
                        n += count(&format!("{key}:{ty}:{desc}"));
                    }
                }
                n += func_end;
            }
            n
        }
        ToolFraming::SystemPrompt(system) => {
            let defs: Vec<Value> = tools.iter().map(|t| json!({"name": t.name, "description": t.description, "input_schema": t.parameters})).collect();
            system as i64 + count(&Value::Array(defs).to_string())
        }
        ToolFraming::JsonOnly => {
            let defs: Vec<Value> = tools.iter().map(|t| json!({"name": t.name, "description": t.description, "parameters": t.parameters})).collect();
            count(&Value::Array(defs).to_string())
        }
    };
    (n.max(0) as u64, documented)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pricing::PriceTable;

    const WEATHER: &str = r#"[{"type": "function", "function": {"name": "get_current_weather",
        "description": "Get the current weather in a given location",
        "parameters": {"type": "object", "properties": {
            "location": {"type": "string", "description": "The city and state, e.g. San Francisco, CA"},
            "unit": {"type": "string", "description": "The unit of temperature to return", "enum": ["celsius", "fahrenheit"]}},
          "required": ["location"]}}}]"#;

    // The OpenAI Cookbook ("How to count tokens with tiktoken", section 7) sends these tools
    // with two messages to gpt-4o and reports 101 prompt tokens from the API.
    #[test]
    fn openai_framing_matches_the_cookbook_api_count() {
        let t = PriceTable::embedded();
        let m = t.resolve("gpt-4o").unwrap();
        let tools = parse(WEATHER).unwrap();
        let (n, documented) = tokens(m, &tools);
        assert!(documented);
        let enc = m.counting.encoding();
        let messages = [
            (
                "system",
                "You are a helpful assistant that can answer to questions about the weather.",
            ),
            ("user", "What's the weather like in San Francisco?"),
        ];
        let msg: u64 = messages
            .iter()
            .map(|(r, c)| 3 + enc.count(r) as u64 + enc.count(c) as u64)
            .sum::<u64>()
            + 3;
        assert_eq!(n + msg, 101, "tools {n} + messages {msg}");
    }

    #[test]
    fn shapes_normalise_and_framing_is_marked() {
        let anthropic = r#"[{"name": "get_weather", "description": "Weather", "input_schema": {"type": "object", "properties": {}}}]"#;
        let gemini =
            r#"[{"functionDeclarations": [{"name": "a", "description": "x"}, {"name": "b"}]}]"#;
        let vercel =
            r#"{"weather": {"description": "Get the weather", "inputSchema": {"type": "object"}}}"#;
        assert_eq!(parse(anthropic).unwrap()[0].name, "get_weather");
        assert_eq!(parse(gemini).unwrap().len(), 2);
        assert_eq!(parse(vercel).unwrap()[0].description, "Get the weather");
        assert!(parse("[{\"description\": \"x\"}]").is_err());
        let t = PriceTable::embedded();
        let tools = parse(WEATHER).unwrap();
        let (claude, documented) = tokens(t.resolve("claude-sonnet-4-5").unwrap(), &tools);
        assert!(
            documented && claude > 346,
            "the tool-use system prompt plus the definitions: {claude}"
        );
        let (_, gemini_documented) = tokens(t.resolve("gemini-2.5-flash").unwrap(), &tools);
        assert!(!gemini_documented);
        assert_eq!(tokens(t.resolve("gpt-4o").unwrap(), &[]), (0, true));
    }
}
