//! The `LanguageServer` implementation: thin dispatch of each method to a worker job.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use serde::Deserialize;
use serde_json::Value;
use tokio::sync::oneshot;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use super::state::{self, Job, Outgoing, State};
use crate::config::Overrides;
use crate::position::PosEncoding;

pub struct Backend {
    client: Client,
    jobs: mpsc::Sender<Job>,
    supports_configuration: AtomicBool,
    supports_watch_registration: AtomicBool,
}

/// Parameters of `promptcost/count`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CountParams {
    pub text_document: TextDocumentIdentifier,
    pub range: Option<Range>,
}

impl Backend {
    pub fn new(client: Client) -> Backend {
        let (out_tx, mut out_rx) = tokio::sync::mpsc::unbounded_channel::<Outgoing>();
        let jobs = State::spawn(out_tx);
        // One task sends the worker's messages to the client, in order.
        let c = client.clone();
        tokio::spawn(async move {
            while let Some(msg) = out_rx.recv().await {
                match msg {
                    Outgoing::Diagnostics(uri, diags, version) => {
                        c.publish_diagnostics(uri, diags, version).await
                    }
                    Outgoing::Log(level, text) => c.log_message(level, text).await,
                    Outgoing::Show(level, text) => c.show_message(level, text).await,
                    Outgoing::Refresh { hints, lenses } => {
                        if hints {
                            let _ = c.inlay_hint_refresh().await;
                        }
                        if lenses {
                            let _ = c.code_lens_refresh().await;
                        }
                    }
                }
            }
        });
        Backend {
            client,
            jobs,
            supports_configuration: AtomicBool::new(false),
            supports_watch_registration: AtomicBool::new(false),
        }
    }

    /// Queues a job without waiting (notifications).
    fn send(&self, f: impl FnOnce(&mut State) + Send + 'static) {
        let _ = self.jobs.send(Box::new(f));
    }

    /// Queues a job and waits for its answer (requests). A job that panicked answers an
    /// internal error; the server goes on. A request the client cancelled before the worker
    /// reached it (tower-lsp drops the waiting future on `$/cancelRequest`, which closes the
    /// channel) is skipped: no work for an answer nobody wants.
    async fn ask<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut State) -> T + Send + 'static,
    ) -> Result<T> {
        let (tx, rx) = oneshot::channel();
        self.send(move |st| {
            if tx.is_closed() {
                st.skipped_cancelled += 1;
                return;
            }
            let _ = tx.send(f(st));
        });
        rx.await.map_err(|_| Error::internal_error())
    }

    async fn pull_configuration(&self) {
        if !self.supports_configuration.load(Ordering::Relaxed) {
            return;
        }
        let item = ConfigurationItem {
            scope_uri: None,
            section: Some("promptcost".into()),
        };
        match self.client.configuration(vec![item]).await {
            Ok(values) => {
                let v = values.into_iter().next().unwrap_or(Value::Null);
                self.apply_settings(v);
            }
            Err(e) => self.send(move |st| {
                st.log(
                    MessageType::WARNING,
                    format!("workspace/configuration failed: {e}"),
                )
            }),
        }
    }

    fn apply_settings(&self, v: Value) {
        if v.is_null() {
            return;
        }
        self.send(move |st| match Overrides::from_json(&v) {
            Ok(o) => st.set_overrides(o),
            Err(e) => st.show(MessageType::ERROR, format!("promptcost: {e}")),
        });
    }

    pub async fn count(&self, params: CountParams) -> Result<Value> {
        self.ask(move |st| st.count_request(&params.text_document.uri, params.range))
            .await?
    }

    /// A message the input guard could not pass on (see `sanitize.rs`): logged, not fatal.
    pub async fn invalid_message(&self, params: Value) {
        let reason = params
            .get("reason")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        self.send(move |st| {
            st.log(
                MessageType::WARNING,
                format!("ignored an invalid message: {reason}"),
            )
        });
    }

    pub async fn status(&self, _params: Value) -> Result<Value> {
        self.ask(|st| st.status_request()).await
    }

    pub async fn models(&self, _params: Value) -> Result<Value> {
        self.ask(|st| st.models_request()).await
    }
}

fn negotiate_encoding(params: &InitializeParams) -> PosEncoding {
    let offered = params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref());
    match offered {
        Some(list) if list.contains(&PositionEncodingKind::UTF8) => PosEncoding::Utf8,
        _ => PosEncoding::Utf16,
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let enc = negotiate_encoding(&params);
        let caps = &params.capabilities;
        let ws = caps.workspace.as_ref();
        self.supports_configuration.store(
            ws.and_then(|w| w.configuration).unwrap_or(false),
            Ordering::Relaxed,
        );
        self.supports_watch_registration.store(
            ws.and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|d| d.dynamic_registration)
                .unwrap_or(false),
            Ordering::Relaxed,
        );
        #[allow(deprecated)]
        let root = params
            .workspace_folders
            .as_ref()
            .and_then(|f| f.first())
            .map(|f| f.uri.clone())
            .or(params.root_uri.clone())
            .and_then(|u| u.to_file_path().map(|p| p.into_owned()));
        let init = params.initialization_options.clone();
        // Refresh requests only to clients that say they handle them.
        let refresh = (
            ws.and_then(|w| w.inlay_hint.as_ref())
                .and_then(|h| h.refresh_support)
                .unwrap_or(false),
            ws.and_then(|w| w.code_lens.as_ref())
                .and_then(|c| c.refresh_support)
                .unwrap_or(false),
        );
        self.send(move |st| st.initialize(root, enc, init, refresh));
        // Load the tokenizers in the background so the first hint is fast.
        std::thread::spawn(state::warm_up);

        let encoding_kind = match enc {
            PosEncoding::Utf8 => PositionEncodingKind::UTF8,
            PosEncoding::Utf16 => PositionEncodingKind::UTF16,
            PosEncoding::Utf32 => PositionEncodingKind::UTF32,
        };
        Ok(InitializeResult {
            server_info: Some(ServerInfo {
                name: "promptcost".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            capabilities: ServerCapabilities {
                position_encoding: Some(encoding_kind),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        save: None,
                        ..Default::default()
                    },
                )),
                inlay_hint_provider: Some(OneOf::Left(true)),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                code_lens_provider: Some(CodeLensOptions {
                    resolve_provider: Some(false),
                }),
                ..Default::default()
            },
            ..Default::default()
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        if self.supports_watch_registration.load(Ordering::Relaxed) {
            let opts = DidChangeWatchedFilesRegistrationOptions {
                watchers: vec![FileSystemWatcher {
                    glob_pattern: GlobPattern::String("**/promptcost.toml".into()),
                    kind: None,
                }],
            };
            let reg = Registration {
                id: "promptcost-config".into(),
                method: "workspace/didChangeWatchedFiles".into(),
                register_options: serde_json::to_value(opts).ok(),
            };
            if let Err(e) = self.client.register_capability(vec![reg]).await {
                self.send(move |st| {
                    st.log(
                        MessageType::WARNING,
                        format!("cannot watch promptcost.toml: {e}"),
                    )
                });
            }
        }
        self.pull_configuration().await;
        self.send(|st| st.log(MessageType::INFO, "promptcost language server ready".into()));
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, p: DidOpenTextDocumentParams) {
        let d = p.text_document;
        self.send(move |st| st.open(d.uri, d.version, d.text, d.language_id));
    }

    async fn did_change(&self, p: DidChangeTextDocumentParams) {
        self.send(move |st| {
            st.change(
                p.text_document.uri,
                p.text_document.version,
                p.content_changes,
            )
        });
    }

    async fn did_close(&self, p: DidCloseTextDocumentParams) {
        self.send(move |st| st.close(&p.text_document.uri));
    }

    async fn did_change_configuration(&self, p: DidChangeConfigurationParams) {
        // Push model: `{"promptcost": {...}}`; pull model: re-read workspace/configuration.
        match p.settings.get("promptcost").cloned() {
            Some(v) => self.apply_settings(v),
            None => self.pull_configuration().await,
        }
    }

    async fn did_change_watched_files(&self, _: DidChangeWatchedFilesParams) {
        self.send(|st| st.reload_config());
    }

    async fn inlay_hint(&self, p: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        self.ask(move |st| st.inlay_hints(&p.text_document.uri, p.range))
            .await
    }

    async fn hover(&self, p: HoverParams) -> Result<Option<Hover>> {
        let pos = p.text_document_position_params;
        self.ask(move |st| st.hover(&pos.text_document.uri, pos.position))
            .await
    }

    async fn code_lens(&self, p: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        self.ask(move |st| st.code_lens(&p.text_document.uri)).await
    }
}
