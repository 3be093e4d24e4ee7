//! The one integration-test binary: a module per area, so the crate is linked once.
//! Helpers shared by several areas: `common` (an in-process LSP client), `stdio_client`
//! (the real binary over a pipe), `oracle` (reference counts from `tests/oracle/count.py`).

mod common;
mod oracle;
mod stdio_client;

mod check_e2e;
mod claude_api;
mod code_fixtures;
mod code_incremental_props;
mod code_robustness;
mod code_values;
mod context;
mod document_props;
mod engine_props;
mod lsp_e2e;
mod many_docs;
mod oracle_counts;
mod soak;
