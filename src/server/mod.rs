//! `promptcost lsp`: the language server.
//!
//! Architecture invariant: every notification and request is turned, at its handler's first
//! poll and before any `.await`, into an [`event::Event`] on one channel, and one thread
//! ([`main_loop`]) handles them strictly in arrival order. So edits are never reordered
//! (tower-lsp runs handlers concurrently: tower-lsp issue 284), counting never blocks the
//! async executor, and a request always sees every edit sent before it. Diagnostics are
//! published after the loop has drained the queue, so stale results are never computed.
//! stdout carries only the protocol; logs go to `window/logMessage` (stderr only when the
//! server cannot start).
//!
//! Layout: `backend` (LSP methods → events), `main_loop`, `session` (documents, settings,
//! client), `open_doc`, `config_cache`, `claude` (opt-in API), one module per feature
//! (`inlay_hint`, `hover`, `code_lens`, `diagnostics`, `commands`, `custom`), `agent_context`
//! (what agent files add to each agent's sessions), `ext` (typed custom requests) and
//! `sanitize` (the input guard).

mod agent_context;
mod backend;
mod claude;
mod code_lens;
mod commands;
mod config_cache;
mod custom;
mod diagnostics;
mod event;
pub mod ext;
mod hover;
mod inlay_hint;
mod main_loop;
mod open_doc;
mod sanitize;
mod session;

use std::sync::Arc;

use sanitize::Lifecycle;
use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::{LspService, Server};

pub use backend::Backend;

/// Serves LSP over any reader/writer pair (tests use `tokio::io::duplex`).
pub async fn serve<I, O>(input: I, output: O)
where
    I: AsyncRead + Unpin,
    O: AsyncWrite,
{
    serve_watching(input, output, Arc::new(Lifecycle::default())).await;
}

async fn serve_watching<I, O>(input: I, output: O, lifecycle: Arc<Lifecycle>)
where
    I: AsyncRead + Unpin,
    O: AsyncWrite,
{
    let (service, socket) = LspService::build(Backend::new)
        .custom_method(<ext::Count as ext::Request>::METHOD, Backend::count)
        .custom_method(<ext::Models as ext::Request>::METHOD, Backend::models)
        .custom_method(<ext::Status as ext::Request>::METHOD, Backend::status)
        .custom_method(sanitize::INVALID_METHOD, Backend::invalid_message)
        .finish();
    Server::new(
        sanitize::Sanitize::watching(input, lifecycle),
        output,
        socket,
    )
    .serve(service)
    .await;
}

/// Runs the server on stdin/stdout until `exit`; returns the exit code (0 after `shutdown`,
/// 1 without, as the protocol says).
pub fn run_stdio() -> i32 {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            crate::log::stderr(&format!("promptcost: cannot start the async runtime: {e}"));
            return 1;
        }
    };
    let lifecycle = Arc::new(Lifecycle::default());
    let l = lifecycle.clone();
    rt.block_on(async move {
        // `exit` ends the process even while a handler still waits for the client (e.g.
        // `initialized` asking `workspace/configuration`): tower-lsp-server's `serve` would
        // wait for that handler forever. A moment is left to flush the last responses.
        tokio::select! {
            _ = serve_watching(tokio::io::stdin(), tokio::io::stdout(), l.clone()) => {}
            _ = async {
                l.exit.notified().await;
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            } => {}
        }
    });
    // Do not wait for the blocking stdin reader: the client may keep stdin open.
    rt.shutdown_background();
    if lifecycle.shutdown.load(std::sync::atomic::Ordering::SeqCst) {
        0
    } else {
        1
    }
}
