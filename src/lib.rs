//! promptcost: token counts and costs of prompts, for editors (LSP) and CI.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod anthropic;
pub mod check;
pub mod cli;
pub mod config;
pub mod context;
pub mod cost;
pub mod document;
pub mod extract;
pub mod format;
pub mod git;
pub mod log;
pub mod position;
pub mod pricing;
pub mod server;
pub mod textfile;
pub mod tokenize;
pub mod wire;
