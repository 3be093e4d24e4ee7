//! promptcost: token counts and costs of prompts, for editors (LSP) and CI.
//!
//! The library is the engine — tokenizers ([`tokenize`]), documents and their prompts
//! ([`document`], [`extract`]), prices and costs ([`pricing`], [`cost`]), settings
//! ([`config`]), the JSON shapes ([`wire`]) and small shared helpers ([`format`],
//! [`position`], [`textfile`]) — and, in [`commands`], the entry points of the binary's
//! commands. The language server, `check`, `context` and the Claude API client are private
//! behind those entry points.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod config;
pub mod cost;
pub mod document;
pub mod extract;
pub mod format;
pub mod position;
pub mod pricing;
pub mod textfile;
pub mod tokenize;
pub mod wire;

mod anthropic;
mod check;
mod cli;
mod context;
mod git;
mod log;
mod server;

/// What the `promptcost` binary runs: one entry point per command, and the pieces of
/// `count` and `models` it renders.
pub mod commands {
    pub use crate::anthropic::{api_key, ApiCounter, KEY_ENV};
    pub use crate::check::{run as check, CheckOptions, Format, Shard};
    pub use crate::cli::{
        apply_claude_api, count_models, models_json, render_count_text, render_models_text,
    };
    pub use crate::context::{command::run as context, ContextOptions};
    pub use crate::server::{run_stdio as lsp, serve};
}
