//! Frameworks as data (`src/queries/frameworks.toml`): for each SDK and framework, a fixture
//! in its own idiom (`tests/fixtures/code/frameworks/`) yields its prompts and the call's model.

use std::path::Path;

use promptcost::extract::code::{
    frameworks_check, CodePrompt, CompiledRules, Lang, Reason, SourceFile,
};

fn prompts_of(file: &str) -> Vec<CodePrompt> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/code/frameworks")
        .join(file);
    let text = std::fs::read_to_string(&path).expect("fixture");
    let lang = Lang::from_path(&path).expect("a source file");
    SourceFile::parse(lang, &text)
        .for_path(&path)
        .prompts(&text, &CompiledRules::default())
}

/// `(value, model)` of every prompt.
fn found(file: &str) -> Vec<(String, Option<String>)> {
    prompts_of(file)
        .into_iter()
        .map(|p| (p.value, p.model))
        .collect()
}

fn expect(file: &str, want: &[(&str, Option<&str>)]) {
    let got = found(file);
    let want: Vec<(String, Option<String>)> = want
        .iter()
        .map(|(v, m)| (v.to_string(), m.map(str::to_string)))
        .collect();
    assert_eq!(got, want, "{file}");
}

#[test]
fn the_data_file_describes_every_framework() {
    let names = frameworks_check().expect("frameworks.toml is valid");
    for f in [
        "OpenAI",
        "Anthropic",
        "Google GenAI",
        "LiteLLM",
        "LangChain",
        "LlamaIndex",
        "CrewAI",
        "OpenAI Agents SDK",
        "Pydantic AI",
        "DSPy",
        "AutoGen",
        "smolagents",
        "Vercel AI SDK",
        "Mastra",
        "Genkit",
        "Marvin",
        "CAMEL",
    ] {
        assert!(names.iter().any(|n| n == f), "{f} missing from {names:?}");
    }
}

#[test]
fn openai_chat_completions_with_a_model_constant() {
    // the system prompt is a constant defined above and passed in: priced in the call's model
    expect(
        "openai_chat.py",
        &[
            (
                "You are a terse assistant. Answer in one sentence.",
                Some("gpt-4o-mini"),
            ),
            ("What is the capital of France?", Some("gpt-4o-mini")),
        ],
    );
}

#[test]
fn anthropic_messages() {
    expect(
        "anthropic_messages.py",
        &[
            (
                "You are a careful code reviewer.",
                Some("claude-sonnet-4-5"),
            ),
            ("Review this function.", Some("claude-sonnet-4-5")),
        ],
    );
}

#[test]
fn google_genai_contents_and_nested_system_instruction() {
    expect(
        "google_genai.py",
        &[
            ("Explain how a rainbow forms.", Some("gemini-2.5-flash")),
            ("You are a physics teacher.", Some("gemini-2.5-flash")),
        ],
    );
}

#[test]
fn litellm_completion() {
    expect(
        "litellm_completion.py",
        &[("Write a haiku about the sea.", Some("gpt-4o"))],
    );
}

#[test]
fn langchain_messages_and_invoke() {
    let ps = prompts_of("langchain_chain.py");
    let values: Vec<&str> = ps.iter().map(|p| p.value.as_str()).collect();
    assert_eq!(
        values,
        [
            "You translate English to French.",
            "{text}",
            "Translate: good morning"
        ]
    );
    assert_eq!(
        ps[1].placeholders,
        ["{text}"],
        "a (role, text) pair is a template"
    );
}

#[test]
fn llamaindex_prompt_template_and_agent() {
    let ps = prompts_of("llamaindex_query.py");
    assert_eq!(ps.len(), 2, "{ps:#?}");
    assert_eq!(ps[0].placeholders, ["{context_str}", "{query_str}"]);
    assert_eq!(ps[1].value, "You are a helpful research agent.");
}

#[test]
fn crewai_agent_and_task() {
    let m = Some("gpt-4o");
    expect(
        "crewai_crew.py",
        &[
            ("Senior Data Researcher", m),
            ("Uncover cutting-edge developments in AI", m),
            (
                "You are a seasoned researcher with a knack for finding the latest news.",
                m,
            ),
            ("Research the latest AI agent frameworks.", None),
            ("A list of ten bullet points.", None),
        ],
    );
}

#[test]
fn openai_agents_sdk_agent_and_runner() {
    expect(
        "openai_agents_run.py",
        &[
            ("You only respond in haikus.", Some("gpt-4.1")),
            ("Tell me about recursion in programming.", None),
        ],
    );
}

#[test]
fn pydantic_ai_agent_and_run() {
    expect(
        "pydantic_ai_agent.py",
        &[
            (
                "Be concise, reply with one sentence.",
                Some("openai:gpt-4o"),
            ),
            ("Where does \"hello world\" come from?", None),
        ],
    );
}

#[test]
fn dspy_field_descriptions() {
    let ps = prompts_of("dspy_signature.py");
    let values: Vec<&str> = ps.iter().map(|p| p.value.as_str()).collect();
    assert_eq!(
        values,
        [
            // a signature's docstring is its instructions (a `[[docstring]]` entry)
            "Answer questions with short factoid answers.",
            "a factual question about history",
            "often between 1 and 5 words",
            // a parenthesized docstring is a docstring (Python folds the parentheses)
            "Summarize the observations in two sentences. Keep only the most important details."
        ]
    );
    assert!(ps.iter().all(|p| p.reason == Reason::Sdk));
}

#[test]
fn autogen_system_message_with_the_client_model() {
    expect(
        "autogen_agent.py",
        &[(
            "You are a helpful assistant that reports the weather.",
            Some("gpt-4o"),
        )],
    );
}

#[test]
fn smolagents_instructions_and_task() {
    expect(
        "smolagents_run.py",
        &[
            (
                "Always explain your reasoning first.",
                Some("Qwen/Qwen2.5-Coder-32B-Instruct"),
            ),
            ("How many seconds are there in a leap year?", None),
        ],
    );
}

#[test]
fn vercel_ai_sdk_generate_text() {
    expect(
        "vercel_ai.ts",
        &[
            ("You are a friendly travel guide.", Some("gpt-4o-mini")),
            ("Plan a weekend in Lisbon.", Some("gpt-4o-mini")),
        ],
    );
}

#[test]
fn mastra_agent_and_generate() {
    expect(
        "mastra_agent.ts",
        &[
            (
                "You are a helpful weather assistant that gives accurate information.",
                Some("gpt-4o-mini"),
            ),
            ("What is the weather in London?", None),
        ],
    );
}

#[test]
fn genkit_generate() {
    expect(
        "genkit_flow.ts",
        &[
            ("You are a poet.", Some("gemini-2.5-flash")),
            ("Write a limerick about a cat.", Some("gemini-2.5-flash")),
        ],
    );
}

#[test]
fn frameworks_need_their_import() {
    // the same call shape without the framework's import is not a framework call
    let src = "researcher = Agent(role=\"Senior Data Researcher\", goal=\"Find news\")\n";
    let ps = SourceFile::parse(Lang::Python, src).prompts(src, &CompiledRules::default());
    assert!(ps.is_empty(), "{ps:#?}");
}

#[test]
fn pydantic_ai_model_retry_is_sent_and_a_plain_exception_is_not() {
    expect(
        "pydantic_ai_retry.py",
        &[("Please give the name of a city, for example Paris.", None)],
    );
}

#[test]
fn smolagents_step_errors_are_fed_back_but_generation_errors_end_the_run() {
    expect(
        "smolagents_errors.py",
        &[(
            "Unknown tool {tool_name}, please use one of the listed tools.",
            None,
        )],
    );
}

#[test]
fn dspy_module_calls_take_their_input_fields() {
    // `self.respond = dspy.ChainOfThought(QA)` ... `self.respond(context=context)`, and a
    // module made and called at once
    let values: Vec<String> = found("dspy_module.py")
        .into_iter()
        .map(|(v, _)| v)
        .collect();
    assert_eq!(
        values,
        [
            "Answer the question using the context.",
            "No passages were retrieved for this question.",
            "Summarize the release notes in one paragraph.",
        ]
    );
}

#[test]
fn marvin_info_messages_and_camel_messages() {
    expect(
        "marvin_thread.py",
        &[("{name} has finished its turn.", None)],
    );
    expect(
        "camel_messages.py",
        &[
            (
                "Please choose one of the options below and explain your choice:\n{options}",
                None,
            ),
            ("\n> Executed Results:\n{results}", None),
        ],
    );
}
