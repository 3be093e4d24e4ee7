//! The `promptcost` binary: a thin command-line layer over the library.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use promptcost::commands as cli;
use promptcost::config::{ConfigError, Overrides, Settings};
use promptcost::pricing::{PriceTable, PricingError, UnknownModel};

/// Why a command could not run (exit code 2): its message follows `promptcost: `.
#[derive(Debug, thiserror::Error)]
enum CliError {
    /// A flag with a value it does not take.
    #[error("{0}")]
    Flag(String),
    /// A file that cannot be read or is not what the flag takes: the file, then why.
    #[error("{file}: {source}")]
    File {
        file: String,
        source: Box<dyn std::error::Error>,
    },
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Pricing(#[from] PricingError),
    #[error(transparent)]
    UnknownModel(#[from] UnknownModel),
    #[error(transparent)]
    Usage(#[from] promptcost::cost::usage::UsageError),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl CliError {
    fn file(file: impl std::fmt::Display, source: impl std::error::Error + 'static) -> CliError {
        CliError::File {
            file: file.to_string(),
            source: Box::new(source),
        }
    }
}

#[derive(Parser)]
#[command(
    name = "promptcost",
    version,
    about = "Token counts and costs of prompts: a language server and a CI check"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the language server on stdio (for editors).
    Lsp,
    /// Count the tokens of a file or standard input, per model.
    Count(CountArgs),
    /// Show the model and price table.
    Models(ModelsArgs),
    /// Check prompts against budgets and a git base (for code review and CI).
    Check(CheckArgs),
    /// What each coding agent (Claude Code, Codex, Cursor, Copilot, Gemini CLI) loads into a session started in a directory.
    Context(ContextArgs),
    /// Read API usage records (JSON lines) and report calls, tokens and exact cost per model.
    Usage(UsageArgs),
}

#[derive(Args, Debug)]
struct CheckArgs {
    /// Files or directories to scan (default: the current directory).
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: FormatFlag,
    /// Compare every prompt with its version at this git revision (e.g. origin/main).
    #[arg(long, value_name = "REV")]
    base: Option<String>,
    /// Fail when a prompt (or an agent's always-loaded context) grows more than this since
    /// --base: a percentage (10%, with a floor of 50 tokens), tokens (500), or both (10%:200).
    #[arg(long, value_name = "LIMIT", requires = "base")]
    max_growth: Option<String>,
    /// Use this promptcost.toml instead of searching upward from the first path.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Model to count for (repeatable; the first is the one budgets are checked in).
    #[arg(long = "model", short = 'm', value_name = "MODEL")]
    models: Vec<String>,
    /// Default token budget for each prompt file (overrides the configuration).
    #[arg(long, value_name = "TOKENS")]
    budget: Option<u64>,
    /// A LiteLLM-format JSON price file to merge over the embedded table.
    #[arg(long, value_name = "FILE")]
    prices: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j', value_name = "N")]
    jobs: Option<usize>,
    /// Write the report to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Check only shard I of N (1-based): files split by a stable hash of their path from
    /// the repository's top level, the same on every machine. Merge the JSON reports with
    /// --merge.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    shard: Option<promptcost::commands::Shard>,
    /// Keep each file's counts in DIR and reuse them while the file, the settings and the
    /// promptcost version are unchanged (safe to share between CI runs).
    #[arg(long, value_name = "DIR")]
    cache: Option<PathBuf>,
    /// Merge these `--format json` reports of the shards of one check into one report (in
    /// --format), instead of checking; exit code of the merged violations.
    #[arg(long, value_name = "REPORT", num_args = 1.., conflicts_with_all = ["paths", "base", "max_growth", "shard", "cache", "config", "models", "budget", "prices"])]
    merge: Vec<PathBuf>,
}

fn parse_shard(s: &str) -> Result<promptcost::commands::Shard, String> {
    promptcost::commands::Shard::parse(s).map_err(|e| e.to_string())
}

/// `--format` of `check`.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum FormatFlag {
    Human,
    Json,
    Sarif,
    Github,
    Markdown,
}

impl From<CheckArgs> for promptcost::commands::CheckOptions {
    fn from(a: CheckArgs) -> Self {
        use promptcost::commands::Format;
        promptcost::commands::CheckOptions {
            paths: a.paths,
            format: match a.format {
                FormatFlag::Human => Format::Human,
                FormatFlag::Json => Format::Json,
                FormatFlag::Sarif => Format::Sarif,
                FormatFlag::Github => Format::Github,
                FormatFlag::Markdown => Format::Markdown,
            },
            base: a.base,
            max_growth: a.max_growth,
            config: a.config,
            models: a.models,
            budget: a.budget,
            prices: a.prices,
            jobs: a.jobs,
            output: a.output,
            shard: a.shard,
            cache: a
                .cache
                .or_else(|| std::env::var_os("PROMPTCOST_CACHE_DIR").map(PathBuf::from))
                .filter(|d| !d.as_os_str().is_empty()),
            merge: a.merge,
        }
    }
}

#[derive(Args, Debug)]
struct ContextArgs {
    /// The directory a session starts in (default: the current directory).
    path: Option<PathBuf>,
    /// Agent to report (repeatable): claude-code, codex, cursor, copilot, gemini. Default:
    /// every agent that loads something here.
    #[arg(long = "agent", short = 'a', value_name = "NAME")]
    agents: Vec<String>,
    /// Model to count for (repeatable); default: the configured models.
    #[arg(long = "model", short = 'm', value_name = "MODEL")]
    models: Vec<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
    /// Use this promptcost.toml instead of searching upward.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// A LiteLLM-format JSON price file to merge over the embedded table.
    #[arg(long, value_name = "FILE")]
    prices: Option<PathBuf>,
}

impl From<ContextArgs> for promptcost::commands::ContextOptions {
    fn from(a: ContextArgs) -> Self {
        promptcost::commands::ContextOptions {
            path: a.path,
            agents: a.agents,
            models: a.models,
            json: a.json,
            config: a.config,
            prices: a.prices,
        }
    }
}

#[derive(Args)]
struct UsageArgs {
    /// Files of usage records, one JSON object per line: OpenAI / Anthropic / Gemini responses
    /// or their usage objects, or OpenTelemetry GenAI spans (OTLP JSON).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
    /// Project the cost per month (30 days) at this many calls per day.
    #[arg(long, value_name = "N")]
    calls_per_day: Option<f64>,
    /// The model of records that name none (bare `usage` objects).
    #[arg(long = "model", short = 'm', value_name = "MODEL")]
    model: Option<String>,
    /// A LiteLLM-format JSON price file to merge over the embedded table.
    #[arg(long, value_name = "FILE")]
    prices: Option<PathBuf>,
}

#[derive(Args)]
struct Common {
    /// Model to count for (repeatable); default: the configured models.
    #[arg(long = "model", short = 'm', value_name = "MODEL")]
    models: Vec<String>,
    /// A LiteLLM-format JSON price file to merge over the embedded table.
    #[arg(long, value_name = "FILE")]
    prices: Option<PathBuf>,
    /// Use this promptcost.toml instead of searching upward.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

#[derive(Args)]
struct CountArgs {
    #[command(flatten)]
    common: Common,
    /// Print JSON.
    #[arg(long)]
    json: bool,
    /// Count Claude models exactly with Anthropic's count_tokens API (sends the text to
    /// Anthropic; key from ANTHROPIC_API_KEY). Off by default: Claude counts are estimates.
    #[arg(long)]
    claude_api: bool,
    /// Expected output tokens per call (default: `expected_output_tokens`, else 500).
    #[arg(long, value_name = "N")]
    output_tokens: Option<u64>,
    /// Calls per day, for the cost per month (30 days).
    #[arg(long, value_name = "N")]
    calls_per_day: Option<f64>,
    /// Share of calls that find the static prefix cached: 0.8 or 80%.
    #[arg(long, value_name = "P")]
    cache_hit: Option<String>,
    /// A JSON file with the tool definitions sent with the call (OpenAI, Anthropic, Gemini or
    /// Vercel AI SDK shape), counted as part of the request.
    #[arg(long, value_name = "FILE")]
    tools: Option<PathBuf>,
    /// The file to count; `-` or nothing for standard input.
    file: Option<PathBuf>,
}

#[derive(Args)]
struct ModelsArgs {
    /// Print JSON.
    #[arg(long)]
    json: bool,
    /// A LiteLLM-format JSON price file to merge over the embedded table.
    #[arg(long, value_name = "FILE")]
    prices: Option<PathBuf>,
    /// Show Claude models as counted by Anthropic's API (as `count --claude-api` does); needs
    /// ANTHROPIC_API_KEY. Nothing is sent by this command.
    #[arg(long)]
    claude_api: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Lsp => Ok(ExitCode::from(promptcost::commands::lsp() as u8)),
        Command::Count(args) => count(args),
        Command::Models(args) => models(args),
        Command::Check(args) => Ok(promptcost::commands::check(args.into())),
        Command::Context(args) => Ok(promptcost::commands::context(args.into())),
        Command::Usage(args) => usage(args),
    };
    match result {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("promptcost: {msg}");
            ExitCode::from(2)
        }
    }
}

fn settings(
    common: &Common,
    start: &std::path::Path,
    extra: Overrides,
) -> Result<Settings, CliError> {
    let cwd = std::env::current_dir()?;
    let overrides = Overrides {
        models: (!common.models.is_empty()).then(|| common.models.clone()),
        prices_file: common
            .prices
            .as_ref()
            .map(|p| cwd.join(p).display().to_string()),
        ..extra
    };
    match &common.config {
        Some(p) => Settings::load_named(&cwd, p, &overrides),
        None => Settings::discover(start, &overrides),
    }
    .map_err(CliError::from)
}

fn count(args: CountArgs) -> Result<ExitCode, CliError> {
    let (source, bytes) = match args.file.as_deref() {
        None => ("-".to_string(), read_stdin()?),
        Some(p) if p.as_os_str() == "-" => ("-".to_string(), read_stdin()?),
        Some(p) => (
            p.display().to_string(),
            std::fs::read(p).map_err(|e| CliError::file(p.display(), e))?,
        ),
    };
    let text = promptcost::textfile::decode(bytes).map_err(|e| CliError::file(&source, e))?;
    let start = match args.file.as_deref() {
        Some(p) if p.as_os_str() != "-" => std::fs::canonicalize(p)
            .ok()
            .and_then(|p| p.parent().map(|d| d.to_path_buf())),
        _ => None,
    }
    .unwrap_or_else(|| std::env::current_dir().unwrap_or_default());
    let cache_hit = match &args.cache_hit {
        Some(p) => Some(promptcost::cost::parse_share(p).ok_or_else(|| {
            CliError::Flag(format!(
                "--cache-hit takes a share of calls, 0.0 to 1.0 or 80%, not '{p}'"
            ))
        })?),
        None => None,
    };
    if args
        .calls_per_day
        .is_some_and(|d| !(d.is_finite() && d > 0.0))
    {
        return Err(CliError::Flag(
            "--calls-per-day takes a positive number".into(),
        ));
    }
    let extra = Overrides {
        expected_output_tokens: args.output_tokens,
        calls_per_day: args.calls_per_day,
        cache_hit,
        ..Overrides::default()
    };
    let tools = match &args.tools {
        Some(p) => {
            let t = std::fs::read_to_string(p).map_err(|e| CliError::file(p.display(), e))?;
            promptcost::cost::tools::parse(&t).map_err(|e| CliError::file(p.display(), e))?
        }
        None => Vec::new(),
    };
    let settings = settings(&args.common, &start, extra)?;
    let mut counts = cli::count_models(&text, &settings.models);
    if args.claude_api {
        let api = promptcost::commands::ApiCounter::from_env();
        for p in cli::apply_claude_api(&text, &mut counts, &settings.models, &api) {
            eprintln!("promptcost: {p}");
        }
    }
    let path = args
        .file
        .as_deref()
        .filter(|p| p.as_os_str() != "-")
        .and_then(|p| std::fs::canonicalize(p).ok());
    let text_out =
        (!args.json).then(|| cli::render_count_text(&source, &text, &counts, &settings.models));
    let costs = promptcost::cost::count::costs(
        &text,
        counts,
        &settings.models,
        &settings,
        path.as_deref(),
        &tools,
    );
    let out = match text_out {
        None => {
            let o = promptcost::wire::CountJson::new(
                &source,
                &text,
                &settings.table.snapshot_date,
                &costs,
            );
            serde_json::to_string_pretty(&o)? + "\n"
        }
        Some(t) => t + &promptcost::cost::count::render_text(&costs, &settings),
    };
    print_out(&out)
}

fn usage(args: UsageArgs) -> Result<ExitCode, CliError> {
    if args
        .calls_per_day
        .is_some_and(|d| !(d.is_finite() && d > 0.0))
    {
        return Err(CliError::Flag(
            "--calls-per-day takes a positive number".into(),
        ));
    }
    let table = match &args.prices {
        Some(p) => PriceTable::with_overrides(p)?,
        None => PriceTable::embedded(),
    };
    if let Some(m) = &args.model {
        table.resolve(m)?;
    }
    let files = promptcost::cost::usage::read_files(&args.files)?;
    let report =
        promptcost::cost::usage::read(&files, &table, args.model.as_deref(), args.calls_per_day);
    let out = if args.json {
        serde_json::to_string_pretty(&report)? + "\n"
    } else {
        promptcost::cost::usage::render_text(&report)
    };
    let code = print_out(&out)?;
    // Lines that could not be priced fail the run, as a budget violation does.
    Ok(if report.problems.is_empty() {
        code
    } else {
        ExitCode::from(1)
    })
}

fn models(args: ModelsArgs) -> Result<ExitCode, CliError> {
    let table = match &args.prices {
        Some(p) => PriceTable::with_overrides(p)?,
        None => PriceTable::embedded(),
    };
    let claude_api = args.claude_api && {
        let has_key = promptcost::commands::api_key().is_some();
        if !has_key {
            eprintln!(
                "promptcost: {} is not set; Claude counts are estimates",
                promptcost::commands::KEY_ENV
            );
        }
        has_key
    };
    let out = if args.json {
        serde_json::to_string_pretty(&cli::models_json(&table, claude_api))? + "\n"
    } else {
        cli::render_models_text(&table, claude_api)
    };
    print_out(&out)
}

fn read_stdin() -> Result<Vec<u8>, CliError> {
    let mut stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprintln!("promptcost: reading standard input (Ctrl-D to end)");
    }
    let mut buf = Vec::new();
    stdin.read_to_end(&mut buf)?;
    Ok(buf)
}

fn print_out(s: &str) -> Result<ExitCode, CliError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(s.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        // A closed pipe (`| head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(e) => Err(e.into()),
    }
}
