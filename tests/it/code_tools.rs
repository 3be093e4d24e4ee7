//! Tool definitions passed with an SDK call in code: extraction exposes the call's tools
//! argument as JSON (Python and JS/TS literals, a module-level constant, Vercel AI SDK
//! `tool({...})` with a zod schema left out), and the call's prompts count them with the
//! provider's framing (`cost::tools`, whose OpenAI numbers are the Cookbook's): in the
//! literal's count, once in the file total, in the hover ("incl. N tokens of tool
//! definitions"), the lens and `check`. A tools argument that is not a literal is not counted.

use std::path::Path;
use std::sync::Arc;

use serde_json::{json, Value};

use promptcost::config::Settings;
use promptcost::cost::tools;
use promptcost::document::{Analysis, Document};
use promptcost::extract::code::{extract, CodePrompt, CompiledRules, Lang};
use promptcost::tokenize::Encoding;

use crate::common::{o200k, utf16_caps, Client};

const WEATHER_PY: &str = r#"from openai import OpenAI

client = OpenAI()
resp = client.chat.completions.create(
    model="gpt-4o",
    messages=[{"role": "user", "content": "What's the weather like in San Francisco?"}],
    tools=[{"type": "function", "function": {"name": "get_current_weather",
        "description": "Get the current weather in a given location",
        "parameters": {"type": "object", "properties": {
            "location": {"type": "string", "description": "The city and state, e.g. San Francisco, CA"},
            "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
          "required": ["location"]}}}],
)
"#;

/// OpenAI's framing of the weather tool, by hand (the Cookbook's constants, as in
/// `cost::tools`' test against the API's 101 tokens): 7 + "name:description" + 3 +
/// per property (3 + "key:type:description", an enum -3 + 3 + item each) + 12.
fn weather_framed() -> u64 {
    let (func_init, prop_init, prop_key, func_end) = (7, 3, 3, 12);
    let (enum_init, enum_item): (i64, i64) = (-3, 3);
    let location = prop_key + o200k("location:string:The city and state, e.g. San Francisco, CA");
    let unit = (prop_key as i64
        + enum_init
        + enum_item
        + o200k("celsius") as i64
        + enum_item
        + o200k("fahrenheit") as i64
        + o200k("unit:string:") as i64) as u64;
    func_init
        + o200k("get_current_weather:Get the current weather in a given location")
        + prop_init
        + location
        + unit
        + func_end
}

fn analyzed(path: &str, lang: Lang, src: &str, models: &[&str]) -> (Document, Analysis) {
    let dir = Path::new("/w");
    let mut settings = Settings::defaults(dir);
    if !models.is_empty() {
        let o = promptcost::config::Overrides {
            models: Some(models.iter().map(|m| m.to_string()).collect()),
            ..Default::default()
        };
        settings = Settings::load(dir, None, &o).unwrap();
    }
    let encs: Vec<Encoding> = settings
        .models
        .iter()
        .map(|m| m.counting.encoding())
        .collect();
    let doc = Document::new_code(
        &dir.join(path),
        lang,
        src,
        Arc::new(CompiledRules::default()),
        &encs,
    );
    let a = doc.analyze(&settings);
    (doc, a)
}

fn prompts(lang: Lang, src: &str) -> Vec<CodePrompt> {
    extract(lang, src, &CompiledRules::default())
}

fn tools_json(p: &CodePrompt) -> Value {
    serde_json::from_str(p.tools.as_ref().unwrap().json.as_ref().unwrap()).unwrap()
}

#[test]
fn python_openai_tools_count_with_the_cookbook_framing() {
    let ps = prompts(Lang::Python, WEATHER_PY);
    assert_eq!(ps.len(), 1, "{ps:#?}");
    let t = tools_json(&ps[0]);
    assert_eq!(t[0]["function"]["name"], "get_current_weather");
    assert_eq!(
        t[0]["function"]["parameters"]["properties"]["unit"]["enum"][1],
        "fahrenheit"
    );
    assert!(!ps[0].tools.as_ref().unwrap().partial);

    let (doc, a) = analyzed("app.py", Lang::Python, WEATHER_PY, &["gpt-4o"]);
    let text = o200k("What's the weather like in San Francisco?");
    let lit = &a.parts[0];
    assert_eq!(lit.counts[0].tokens, text + weather_framed());
    assert!(lit.counts[0].exact, "documented framing: exact");
    assert_eq!(a.file.counts[0].tokens, text + weather_framed());
    // the framing code agrees
    let s = Settings::defaults(Path::new("/w"));
    let m = s.table.resolve("gpt-4o").unwrap();
    let defs = tools::parse(&t.to_string()).unwrap();
    assert_eq!(tools::tokens(m, &defs), (weather_framed(), true));

    let md = promptcost::cost::prompt::hover_markdown(&doc, &a, lit, &s);
    assert!(
        md.contains(&format!(
            "incl. {} tokens of tool definitions",
            weather_framed()
        )),
        "{md}"
    );
}

#[test]
fn python_anthropic_tools_in_a_constant_count_with_the_tool_use_system_prompt() {
    let src = r#"import anthropic

TOOLS = [
    {
        "name": "get_weather",
        "description": "Get the current weather in a given location",
        "input_schema": {
            "type": "object",
            "properties": {"location": {"type": "string", "description": "The city and state"}},
            "required": ["location"],
        },
    }
]

client = anthropic.Anthropic()
client.messages.create(
    model="claude-sonnet-4-5",
    max_tokens=1024,
    system="You are a weather assistant. Answer in one sentence.",
    tools=TOOLS,
    messages=[{"role": "user", "content": "What is the weather in Paris?"}],
)
"#;
    let ps = prompts(Lang::Python, src);
    assert_eq!(ps.len(), 2, "{ps:#?}");
    assert_eq!(ps[0].tools, ps[1].tools, "one call, one tools list");
    let t = tools_json(&ps[0]);
    assert_eq!(t[0]["input_schema"]["required"][0], "location");

    let (_, a) = analyzed("app.py", Lang::Python, src, &["claude-sonnet-4-5"]);
    let s = Settings::defaults(Path::new("/w"));
    let m = s.table.resolve("claude-sonnet-4-5").unwrap();
    let (n, documented) = tools::tokens(m, &tools::parse(&t.to_string()).unwrap());
    assert!(documented && n > 346, "{n}");
    let text = |v: &str| m.counting.from_base(o200k_or(m, v));
    let sys = text("You are a weather assistant. Answer in one sentence.");
    let user = text("What is the weather in Paris?");
    assert_eq!(a.parts[0].counts[0].tokens, sys + n);
    assert_eq!(a.parts[1].counts[0].tokens, user + n);
    assert_eq!(
        a.file.counts[0].tokens,
        sys + user + n,
        "the call's tools once in the file's total"
    );
}

fn o200k_or(m: &promptcost::pricing::Model, s: &str) -> u64 {
    m.counting.encoding().count(s) as u64
}

#[test]
fn typescript_openai_tools_and_a_prompt_in_a_constant() {
    let src = r#"import OpenAI from "openai";

const SYSTEM = "You are a weather assistant. Answer in one sentence.";
const tools = [
  {
    type: "function",
    function: {
      name: "get_current_weather",
      description: "Get the current weather in a given location",
      parameters: {
        type: "object",
        properties: {
          location: { type: "string", description: "The city and state, e.g. San Francisco, CA" },
          unit: { type: "string", enum: ["celsius", "fahrenheit"] },
        },
        required: ["location"],
      },
    },
  },
] as const;

const client = new OpenAI();
const r = await client.chat.completions.create({
  model: "gpt-4o",
  messages: [{ role: "system", content: SYSTEM }],
  tools,
});
"#;
    let ps = prompts(Lang::TypeScript, src);
    assert_eq!(ps.len(), 1, "{ps:#?}");
    assert_eq!(ps[0].name, "SYSTEM");
    let t = tools_json(&ps[0]);
    assert_eq!(t[0]["function"]["parameters"]["required"][0], "location");
    let (_, a) = analyzed("app.ts", Lang::TypeScript, src, &["gpt-4o"]);
    assert_eq!(
        a.parts[0].counts[0].tokens,
        o200k("You are a weather assistant. Answer in one sentence.") + weather_framed()
    );
}

#[test]
fn vercel_ai_sdk_tools_with_zod_count_the_descriptions_as_an_estimate() {
    let src = r#"import { generateText, tool } from "ai";
import { openai } from "@ai-sdk/openai";
import { z } from "zod";

const { text } = await generateText({
  model: openai("gpt-4o"),
  tools: {
    weather: tool({
      description: "Get the weather in a location",
      parameters: z.object({ location: z.string().describe("The location") }),
    }),
  },
  prompt: "What is the weather in San Francisco?",
});
"#;
    let ps = prompts(Lang::TypeScript, src);
    assert_eq!(ps.len(), 1, "{ps:#?}");
    let ct = ps[0].tools.as_ref().unwrap();
    assert!(ct.partial, "the zod schema is not a literal");
    let t = tools_json(&ps[0]);
    assert_eq!(t["weather"]["description"], "Get the weather in a location");
    assert_eq!(t["weather"]["parameters"], Value::Null);
    let (doc, a) = analyzed("app.ts", Lang::TypeScript, src, &["gpt-4o"]);
    let framed = 7 + o200k("weather:Get the weather in a location") + 12;
    let c = &a.parts[0].counts[0];
    assert_eq!(
        c.tokens,
        o200k("What is the weather in San Francisco?") + framed
    );
    assert!(!c.exact, "an estimate");
    let s = Settings::defaults(Path::new("/w"));
    let md = promptcost::cost::prompt::hover_markdown(&doc, &a, &a.parts[0], &s);
    assert!(
        md.contains(&format!(
            "incl. ≈{framed} tokens of tool definitions (an estimate"
        )),
        "{md}"
    );
}

#[test]
fn tools_that_are_not_literals_are_not_counted() {
    let src = "from openai import OpenAI\nfrom mytools import TOOLS\nclient.chat.completions.create(model=\"gpt-4o\", messages=[{\"role\": \"user\", \"content\": \"What's the weather like in San Francisco?\"}], tools=TOOLS)\n";
    let ps = prompts(Lang::Python, src);
    assert_eq!(ps[0].tools.as_ref().unwrap().json, None);
    let (doc, a) = analyzed("app.py", Lang::Python, src, &["gpt-4o"]);
    assert_eq!(
        a.parts[0].counts[0].tokens,
        o200k("What's the weather like in San Francisco?")
    );
    let s = Settings::defaults(Path::new("/w"));
    let md = promptcost::cost::prompt::hover_markdown(&doc, &a, &a.parts[0], &s);
    assert!(md.contains("tools not counted: not a literal"), "{md}");
    assert!(!md.contains("incl."), "{md}");
    // a call without tools says nothing about them
    let src = "from openai import OpenAI\nclient.chat.completions.create(model=\"gpt-4o\", messages=[{\"role\": \"user\", \"content\": \"What's the weather like in San Francisco?\"}])\n";
    let (doc, a) = analyzed("app.py", Lang::Python, src, &["gpt-4o"]);
    assert_eq!(prompts(Lang::Python, src)[0].tools, None);
    let md = promptcost::cost::prompt::hover_markdown(&doc, &a, &a.parts[0], &s);
    assert!(!md.contains("tool"), "{md}");
}

#[test]
fn check_prices_the_tools_with_the_literal() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("promptcost.toml"),
        "models = [\"gpt-4o\"]\nexpected_output_tokens = 0\n",
    )
    .unwrap();
    std::fs::write(d.join("app.py"), WEATHER_PY).unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_promptcost"))
        .current_dir(d)
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let lit = v["prompts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["kind"] == "literal")
        .unwrap()
        .clone();
    let n = o200k("What's the weather like in San Francisco?") + weather_framed();
    let per_call = lit["cost"]["per_call_usd"].as_f64().unwrap();
    assert!(
        (per_call - n as f64 * 2.5e-6).abs() < 1e-12,
        "{per_call} vs {n} tokens: {lit}"
    );
}

#[tokio::test]
async fn the_hover_shows_tools_and_the_lens_total_includes_them() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("promptcost.toml"),
        "models = [\"gpt-4o\"]\n",
    )
    .unwrap();
    let mut c = Client::start().await;
    c.settings = json!({});
    c.initialize(utf16_caps(), Value::Null, dir.path()).await;
    let uri = c.open(&dir.path().join("app.py"), WEATHER_PY).await;
    let r = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": 5, "character": 50}}),
        )
        .await;
    let md = r["result"]["contents"]["value"].as_str().unwrap();
    let n = o200k("What's the weather like in San Francisco?") + weather_framed();
    assert!(
        md.contains(&format!(
            "incl. {} tokens of tool definitions",
            weather_framed()
        )),
        "{md}"
    );
    let row = crate::hover_row(md, "gpt-4o").unwrap();
    assert_eq!(row[1], promptcost::format::thousands(n), "{md}");
    let r = c
        .request(
            "textDocument/codeLens",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    let title = r["result"][0]["command"]["title"].as_str().unwrap();
    assert!(
        title.starts_with(&format!("{} tokens", promptcost::format::thousands(n))),
        "{title}"
    );
    c.shutdown().await;
}
