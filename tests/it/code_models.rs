//! The model a code prompt goes to, as the document shows it: the call's `model=` prices
//! its prompts ("priced as gpt-4o-mini, from the call"), an unknown model string is a
//! diagnostic with suggestions, placeholders are counted per prompt, and directives in code
//! share the prompt files' grammar (`budget=0` is an error, never "+inf%").

use std::path::Path;
use std::sync::Arc;

use promptcost::config::Settings;
use promptcost::document::Document;
use promptcost::extract::code::{CompiledRules, Lang};
use promptcost::tokenize::Encoding;

fn analyzed(src: &str) -> (Document, promptcost::document::Analysis) {
    let settings = Settings::defaults(Path::new("/w"));
    let encs: Vec<Encoding> = settings
        .models
        .iter()
        .map(|m| m.counting.encoding())
        .collect();
    let doc = Document::new_code(
        Path::new("/w/app.py"),
        Lang::Python,
        src,
        Arc::new(CompiledRules::default()),
        &encs,
    );
    let a = doc.analyze(&settings);
    (doc, a)
}

#[test]
fn the_calls_model_prices_its_prompts() {
    let src = "from openai import OpenAI\nSYSTEM = \"You are a terse assistant for billing questions.\"\nclient.chat.completions.create(model=\"gpt-4o-mini\", messages=[{\"role\": \"system\", \"content\": SYSTEM}, {\"role\": \"user\", \"content\": \"Why was I charged twice?\"}])\n";
    let (doc, a) = analyzed(src);
    assert_eq!(a.parts.len(), 2, "{:#?}", a.parts);
    for p in &a.parts {
        assert_eq!(p.budget_model, "gpt-4o-mini", "{}", p.name);
        assert_eq!(p.counts[0].model, "gpt-4o-mini");
        assert_eq!(
            doc.model_note(p).as_deref(),
            Some("priced as gpt-4o-mini, from the call")
        );
    }
    assert!(a.problems.is_empty(), "{:?}", a.problems);
}

#[test]
fn a_provider_prefix_is_resolved_and_an_unknown_model_is_a_diagnostic() {
    let src = "from pydantic_ai import Agent\nagent = Agent(\"openai:gpt-4o\", system_prompt=\"Be concise, reply with one sentence.\")\n";
    let (_, a) = analyzed(src);
    assert_eq!(a.parts[0].budget_model, "gpt-4o");
    let src = "import anthropic\nclient.messages.create(model=\"claude-sonet-4-5\", system=\"You review code carefully.\", messages=[])\n";
    let (_, a) = analyzed(src);
    let p = a
        .problems
        .iter()
        .find(|p| p.code == "model")
        .expect("a model diagnostic");
    assert!(
        p.message.contains("claude-sonet-4-5") && p.message.contains("claude-sonnet-4-5"),
        "{}",
        p.message
    );
    assert!(p.message.starts_with("the call's model"), "{}", p.message);
}

#[test]
fn placeholders_are_per_prompt_not_per_file() {
    let src = "import json\nconfig = {\"a\": 1}\nitems = [f\"{x}\" for x in range(3)]\nPROMPT = \"Summarize {document} for {audience}.\"\nprint(f\"{config}\")\n";
    let (doc, a) = analyzed(src);
    assert_eq!(a.parts.len(), 1);
    assert_eq!(
        doc.placeholders_of(&a.parts[0]),
        ["{document}", "{audience}"]
    );
    assert_eq!(
        doc.placeholders_of(&a.file),
        ["{document}", "{audience}"],
        "the file: its prompts' placeholders only"
    );
}

#[test]
fn directives_in_code_share_the_grammar() {
    let src =
        "# promptcost: budget=0 colour=red\nSYSTEM_PROMPT = \"You are a helpful support agent.\"\n";
    let (_, a) = analyzed(src);
    assert_eq!(a.parts.len(), 1);
    assert_eq!(a.parts[0].budget, None, "budget=0 is not a budget");
    let msgs: Vec<&str> = a
        .problems
        .iter()
        .filter(|p| p.code == "directive")
        .map(|p| p.message.as_str())
        .collect();
    assert_eq!(msgs.len(), 2, "{msgs:?}");
    assert!(msgs[0].contains("positive"), "{msgs:?}");
    assert!(
        !a.problems.iter().any(|p| p.message.contains("inf")),
        "{:?}",
        a.problems
    );
}
