//! `promptcost check` (placeholder until the CI command lands).
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct CheckArgs {}

pub fn run(_args: CheckArgs) -> ExitCode {
    ExitCode::from(2)
}
