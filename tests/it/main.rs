//! The one integration-test binary: a module per area, so the crate is linked once.
//! Helpers shared by several areas: `common` (an in-process LSP client), `stdio_client`
//! (the real binary over a pipe), `oracle` (reference counts from `tests/oracle/count.py`).

mod common;
mod oracle;
mod stdio_client;

mod check_e2e;
mod check_scale;
mod claude_api;
mod code_corpus;
mod code_fixtures;
mod code_frameworks;
mod code_incremental_props;
mod code_models;
mod code_parts;
mod code_robustness;
mod code_tools;
mod code_values;
mod code_yaml;
mod context;
mod cost_e2e;
mod document_props;
mod editor_strings;
mod engine_props;
mod lsp_e2e;
mod lsp_session;
mod many_docs;
mod oracle_counts;
mod soak;

/// The cells of `model`'s row in a hover's fixed-width table (cells are two or more spaces
/// apart), e.g. `["gpt-4o", "20", "exact (o200k_base)", ...]`.
pub fn hover_row(md: &str, model: &str) -> Option<Vec<String>> {
    md.lines()
        .find(|l| l.split("  ").next() == Some(model))
        .map(|l| {
            l.split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(String::from)
                .collect()
        })
}

/// `model`'s token count and count column in a hover.
pub fn hover_tokens(md: &str, model: &str) -> Option<(String, String)> {
    let row = hover_row(md, model)?;
    Some((row.get(1)?.clone(), row.get(2)?.clone()))
}

/// Runs git in `dir` with a fixed identity and no signing (fixture histories); fails the test
/// on an error.
pub fn git(dir: &std::path::Path, args: &[&str]) {
    let st = std::process::Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@e",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&st.stderr)
    );
}
