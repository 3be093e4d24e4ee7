//! `promptcost lsp`: the language server.
//!
//! Architecture invariant: every notification and request is turned, at its handler's first
//! poll and before any `.await`, into a job on one channel, and one worker thread
//! ([`state::State`]) runs the jobs strictly in arrival order. So edits are never reordered
//! (tower-lsp runs handlers concurrently: tower-lsp issue 284), counting never blocks the
//! async executor, and a request always sees every edit sent before it. Diagnostics are
//! published after the worker has drained the queue, so stale results are never computed.
//! stdout carries only the protocol; logs go to stderr and `window/logMessage`.

mod features;
mod handlers;
mod sanitize;
mod state;

use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::{LspService, Server};

pub use handlers::Backend;

/// Serves LSP over any reader/writer pair (tests use `tokio::io::duplex`).
pub async fn serve<I, O>(input: I, output: O)
where
    I: AsyncRead + Unpin,
    O: AsyncWrite,
{
    let (service, socket) = LspService::build(Backend::new)
        .custom_method("promptcost/count", Backend::count)
        .custom_method("promptcost/models", Backend::models)
        .custom_method(sanitize::INVALID_METHOD, Backend::invalid_message)
        .finish();
    Server::new(sanitize::Sanitize::new(input), output, socket).serve(service).await;
}

/// Runs the server on stdin/stdout until `exit` (the process exits right after).
pub fn run_stdio() {
    let rt = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            state::log_stderr(&format!("cannot start the async runtime: {e}"));
            std::process::exit(1);
        }
    };
    rt.block_on(serve(tokio::io::stdin(), tokio::io::stdout()));
    // Do not wait for the blocking stdin reader: the client may keep stdin open.
    rt.shutdown_background();
}
