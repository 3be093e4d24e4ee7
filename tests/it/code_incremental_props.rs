//! Property test: after every random edit, the prompts a source document keeps up to date
//! incrementally equal a fresh parse and extraction of the same text.

use std::path::Path;
use std::sync::Arc;

use promptcost::document::Document;
use promptcost::extract::code::{CompiledRules, Lang};
use promptcost::tokenize::Encoding;
use proptest::prelude::*;

const PY: &[&str] = &[
    "SYSTEM_PROMPT = \"You are helpful.\"\n", "# prompt\n", "# promptcost: budget=5\n", "def f():\n    return 1\n", "x = 1\n",
    "qa_template = \"\"\"Q: {q}\nA:\"\"\"\n", "\"", "(", ")", "\n", " ", "    ", "'''", "f\"hi {name}\"", " + \"more\"",
    "client.chat.completions.create(model=\"m\", messages=[{\"role\": \"system\", \"content\": \"Be brief.\"}])\n",
    "textwrap.dedent(\"\"\"\n    a\n    b\n\"\"\")\n", "class A:\n    instructions = \"do it\"\n", "# promptcost: ignore\n", "日本語", "😀",
    // file-wide facts: constants used elsewhere, imports, the call's model, prompt classes, prose
    "BASE = \"You are a careful and helpful assistant.\"\n", "MODEL = \"gpt-4o-mini\"\n", "import openai\n",
    "prompt = BASE + \" Answer briefly.\"\n", "client.chat.completions.create(model=MODEL, messages=[{\"role\": \"system\", \"content\": BASE}])\n",
    "class ReviewPrompts:\n    system = \"Review the code and list every bug you find.\"\n",
    "note = \"Please answer every question in plain English only.\"\n",
    // the tools of a call: a literal, a constant, a constant prompt sent with them
    "TOOLS = [{\"name\": \"f\", \"description\": \"Do f.\", \"input_schema\": {}}]\n",
    "client.chat.completions.create(model=MODEL, messages=[{\"role\": \"system\", \"content\": BASE}], tools=TOOLS)\n",
    "client.chat.completions.create(model=\"m\", messages=[{\"role\": \"user\", \"content\": \"Hi there.\"}], tools=[{\"type\": \"function\", \"function\": {\"name\": \"g\"}}])\n",
    // parts across statements: a constant, a helper's returns, a function named like a prompt
    "INTRO = \"Follow the rules below carefully.\"\n", "def helper():\n    return \"Use the tools when you need them.\"\n",
    "def build_prompt():\n    return \"\\n\".join([INTRO, helper()])\n",
    "def ask():\n    text = helper()\n    client.chat.completions.create(model=\"m\", messages=[{\"role\": \"user\", \"content\": text}])\n",
];
const TS: &[&str] = &[
    "const systemPrompt = `You are ${role}.`;\n", "// prompt\n", "/* prompt */ ", "let x = 1;\n", "export const qaTemplate = \"Q\";\n",
    "`", "\"", "{", "}", "(", ")", "\n", " ", "function f() { return 1; }\n",
    "await client.messages.create({ system: \"sys\", messages: [{ role: \"user\", content: \"hi\" }] });\n", "prompt`tagged ${x}`;\n",
    "const BASE = \"You are a careful and helpful assistant.\";\n", "import OpenAI from \"openai\";\n", "const MODEL = \"gpt-4o-mini\";\n",
    "const p = `${BASE} Answer briefly.`;\n", "await client.chat.completions.create({ model: MODEL, messages: [{ role: \"system\", content: BASE }] });\n",
    "const note = \"Please answer every question in plain English only.\";\n",
    "const tools = { weather: tool({ description: \"Get the weather.\", parameters: z.object({}) }) };\n",
    "await generateText({ model: MODEL, system: BASE, tools });\n", "import { generateText, tool } from \"ai\";\n",
    "const INTRO = \"Follow the rules below carefully.\";\n", "function helper() { return \"Use the tools when you need them.\"; }\n",
    "const buildPrompt = () => [INTRO, helper()].join(\"\\n\");\n",
];

const YAML: &[&str] = &[
    "model: openai/gpt-4o-mini\n",
    "messages:\n",
    "  - role: system\n    content: |\n      You are helpful.\n",
    "  - role: user\n    content: \"Hi {{name}}\\n\"\n",
    "system_prompt: >-\n  Be brief\n  and kind.\n",
    "template: 'Tell me a {adjective} joke.'\n",
    "testData:\n  - input: hello there\n",
    "# promptcost: budget=5\n",
    "x: 1\n",
    "  ",
    "\n",
    "- ",
    ": ",
    "\"",
    "'",
    "|",
    ">",
    "{",
    "}",
    "[",
    "]",
    ",",
    "---\n",
    "日本語",
    "😀",
];

fn text(pieces: &'static [&'static str], max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(pieces), 0..max).prop_map(|v| v.concat())
}

fn floor(s: &str, mut b: usize) -> usize {
    b = b.min(s.len());
    while !s.is_char_boundary(b) {
        b -= 1;
    }
    b
}

fn check(
    lang: Lang,
    name: &str,
    base: String,
    edits: Vec<(f64, f64, String)>,
) -> Result<(), TestCaseError> {
    let rules = Arc::new(CompiledRules::default());
    let encs = [Encoding::O200kBase];
    let path = Path::new(name);
    let mut text = base;
    let mut doc = Document::new_code(path, lang, &text, rules.clone(), &encs);
    for (at, del, ins) in edits {
        let a = floor(&text, (at * text.len() as f64) as usize);
        let b = floor(&text, a + (del * text.len() as f64) as usize).max(a);
        text.replace_range(a..b, &ins);
        doc.replace(a..b, &ins);
        let fresh = Document::new_code(path, lang, &text, rules.clone(), &encs);
        prop_assert_eq!(
            &doc.code().unwrap().prompts,
            &fresh.code().unwrap().prompts,
            "text {:?}",
            text
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn python_incremental_prompts_equal_fresh(base in text(PY, 30), edits in prop::collection::vec((0.0..=1.0f64, 0.0..=0.2f64, text(PY, 3)), 1..12)) {
        check(Lang::Python, "app.py", base, edits)?;
    }

    #[test]
    fn yaml_incremental_prompts_equal_fresh(base in text(YAML, 30), edits in prop::collection::vec((0.0..=1.0f64, 0.0..=0.2f64, text(YAML, 3)), 1..12)) {
        check(Lang::Yaml, "summarize.prompt.yml", base, edits)?;
    }

    #[test]
    fn typescript_incremental_prompts_equal_fresh(base in text(TS, 30), edits in prop::collection::vec((0.0..=1.0f64, 0.0..=0.2f64, text(TS, 3)), 1..12)) {
        check(Lang::TypeScript, "app.ts", base, edits)?;
    }
}
