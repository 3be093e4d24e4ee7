//! promptcost: token counts and costs of prompts, for editors (LSP) and CI.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod tokenize;
pub mod config;
pub mod pricing;
