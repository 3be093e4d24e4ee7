//! The `promptcost` binary: a thin command-line layer over the library.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use promptcost::cli;
use promptcost::config::{Overrides, Settings};
use promptcost::pricing::PriceTable;

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
    Check(promptcost::check::CheckArgs),
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
        Command::Lsp => Ok(ExitCode::from(promptcost::server::run_stdio() as u8)),
        Command::Count(args) => count(args),
        Command::Models(args) => models(args),
        Command::Check(args) => Ok(promptcost::check::run(args)),
    };
    match result {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("promptcost: {msg}");
            ExitCode::from(2)
        }
    }
}

fn settings(common: &Common, start: &std::path::Path) -> Result<Settings, String> {
    let overrides = Overrides {
        models: (!common.models.is_empty()).then(|| common.models.clone()),
        prices_file: common.prices.as_ref().map(|p| p.display().to_string()),
        ..Overrides::default()
    };
    let cwd = std::env::current_dir().map_err(|e| e.to_string())?;
    match &common.config {
        Some(p) => Settings::load(&cwd, Some(p), &overrides),
        None => Settings::discover(start, &overrides),
    }
    .map_err(|e| e.to_string())
}

fn count(args: CountArgs) -> Result<ExitCode, String> {
    let (source, bytes) = match args.file.as_deref() {
        None => ("-".to_string(), read_stdin()?),
        Some(p) if p.as_os_str() == "-" => ("-".to_string(), read_stdin()?),
        Some(p) => (
            p.display().to_string(),
            std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()))?,
        ),
    };
    let text = promptcost::textfile::decode(bytes).map_err(|e| format!("{source}: {e}"))?;
    let start = match args.file.as_deref() {
        Some(p) if p.as_os_str() != "-" => std::fs::canonicalize(p)
            .ok()
            .and_then(|p| p.parent().map(|d| d.to_path_buf())),
        _ => None,
    }
    .unwrap_or_else(|| std::env::current_dir().unwrap_or_default());
    let settings = settings(&args.common, &start)?;
    let mut counts = cli::count_models(&text, &settings.models);
    if args.claude_api {
        let api = promptcost::anthropic::ApiCounter::from_env();
        for p in cli::apply_claude_api(&text, &mut counts, &settings.models, &api) {
            eprintln!("promptcost: {p}");
        }
    }
    let out = if args.json {
        let o = cli::CountOutput {
            source: &source,
            bytes: text.len(),
            chars: text.chars().count(),
            snapshot_date: &settings.table.snapshot_date,
            models: counts,
        };
        serde_json::to_string_pretty(&o).map_err(|e| e.to_string())? + "\n"
    } else {
        cli::render_count_text(&source, &text, &counts, &settings.models)
    };
    print_out(&out)
}

fn models(args: ModelsArgs) -> Result<ExitCode, String> {
    let table = match &args.prices {
        Some(p) => PriceTable::with_overrides(p)?,
        None => PriceTable::embedded(),
    };
    let claude_api = args.claude_api && {
        let has_key = promptcost::anthropic::api_key().is_some();
        if !has_key {
            eprintln!(
                "promptcost: {} is not set; Claude counts are estimates",
                promptcost::anthropic::KEY_ENV
            );
        }
        has_key
    };
    let out = if args.json {
        serde_json::to_string_pretty(&cli::models_json(&table, claude_api))
            .map_err(|e| e.to_string())?
            + "\n"
    } else {
        cli::render_models_text(&table, claude_api)
    };
    print_out(&out)
}

fn read_stdin() -> Result<Vec<u8>, String> {
    let mut stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprintln!("promptcost: reading standard input (Ctrl-D to end)");
    }
    let mut buf = Vec::new();
    stdin.read_to_end(&mut buf).map_err(|e| e.to_string())?;
    Ok(buf)
}

fn print_out(s: &str) -> Result<ExitCode, String> {
    let mut out = std::io::stdout().lock();
    match out.write_all(s.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        // A closed pipe (`| head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(e) => Err(e.to_string()),
    }
}
