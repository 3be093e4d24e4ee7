//! The `LanguageServer` implementation: each method becomes an [`Event`] on the main loop's
//! queue at its handler's first poll, before any `.await`, so the loop sees messages in the
//! order they arrived (tower-lsp may run handlers concurrently: tower-lsp issue 284).
//! Requests then wait for their answer on a oneshot channel. Never: touches state.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use serde_json::Value;
use tokio::sync::oneshot;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use super::event::{ClientInfo, Event, RefreshSupport, Reply, Request};
use super::ext;
use super::session::Outgoing;
use crate::position::PosEncoding;

pub struct Backend {
    client: Client,
    events: mpsc::Sender<Event>,
    pulls_configuration: AtomicBool,
    registers_watchers: AtomicBool,
}

impl Backend {
    pub fn new(client: Client) -> Backend {
        let (out_tx, mut out_rx) = tokio::sync::mpsc::unbounded_channel::<Outgoing>();
        let events = super::main_loop::spawn(out_tx);
        // One task sends the main loop's messages to the client, in order.
        let c = client.clone();
        tokio::spawn(async move {
            while let Some(msg) = out_rx.recv().await {
                match msg {
                    Outgoing::Diagnostics(uri, diags, version) => {
                        c.publish_diagnostics(uri, diags, version).await
                    }
                    Outgoing::Log(level, text) => c.log_message(level, text).await,
                    Outgoing::Show(level, text) => c.show_message(level, text).await,
                    Outgoing::Refresh(r) => {
                        if r.inlay_hints {
                            let _ = c.inlay_hint_refresh().await;
                        }
                        if r.code_lens {
                            let _ = c.code_lens_refresh().await;
                        }
                    }
                }
            }
        });
        Backend {
            client,
            events,
            pulls_configuration: AtomicBool::new(false),
            registers_watchers: AtomicBool::new(false),
        }
    }

    fn send(&self, e: Event) {
        let _ = self.events.send(e);
    }

    /// Queues a request and waits for its answer. A request the client cancelled before the
    /// loop reached it is skipped (the closed channel says so); one whose handler panicked
    /// answers an internal error.
    async fn ask<T>(&self, make: impl FnOnce(Reply<T>) -> Request) -> Result<T> {
        let (tx, rx) = oneshot::channel();
        self.send(Event::Request(make(tx)));
        rx.await.map_err(|_| Error::internal_error())
    }

    async fn pull_configuration(&self) {
        if !self.pulls_configuration.load(Ordering::Relaxed) {
            self.send(Event::Configuration(None));
            return;
        }
        let item = ConfigurationItem {
            scope_uri: None,
            section: Some("promptcost".into()),
        };
        match self.client.configuration(vec![item]).await {
            Ok(values) => self.send(Event::Configuration(values.into_iter().next())),
            Err(e) => {
                self.send(Event::Log(
                    MessageType::WARNING,
                    format!("workspace/configuration failed: {e}"),
                ));
                self.send(Event::Configuration(None));
            }
        }
    }

    pub async fn count(&self, params: ext::CountParams) -> Result<ext::CountResult> {
        self.ask(|reply| Request::Count { params, reply }).await?
    }

    pub async fn models(&self, _: Value) -> Result<ext::ModelsResult> {
        self.ask(|reply| Request::Models { reply }).await
    }

    pub async fn status(&self, _: Value) -> Result<ext::StatusResult> {
        self.ask(|reply| Request::Status { reply }).await
    }

    /// A message the input guard could not pass on (see `sanitize.rs`): logged, not fatal.
    pub async fn invalid_message(&self, params: Value) {
        let reason = params
            .get("reason")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        self.send(Event::Log(
            MessageType::WARNING,
            format!("ignored an invalid message: {reason}"),
        ));
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

fn client_info(params: &InitializeParams, encoding: PosEncoding) -> ClientInfo {
    let ws = params.capabilities.workspace.as_ref();
    #[allow(deprecated)]
    let root = params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .map(|f| f.uri.clone())
        .or(params.root_uri.clone())
        .and_then(|u| u.to_file_path().map(|p| p.into_owned()));
    ClientInfo {
        root,
        encoding,
        init_options: params.initialization_options.clone(),
        // Refresh requests only to clients that say they handle them.
        refresh: RefreshSupport {
            inlay_hints: ws
                .and_then(|w| w.inlay_hint.as_ref())
                .and_then(|h| h.refresh_support)
                .unwrap_or(false),
            code_lens: ws
                .and_then(|w| w.code_lens.as_ref())
                .and_then(|c| c.refresh_support)
                .unwrap_or(false),
        },
        pulls_configuration: ws.and_then(|w| w.configuration).unwrap_or(false),
        watches_files: ws
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false),
    }
}

/// Commands the client runs itself (`initializationOptions.clientCommands`, sent by the
/// VS Code extension): the server does not register those, so the client's own stays.
fn client_commands(params: &InitializeParams) -> Vec<String> {
    params
        .initialization_options
        .as_ref()
        .and_then(|o| o.get("clientCommands"))
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let enc = negotiate_encoding(&params);
        let info = client_info(&params, enc);
        self.pulls_configuration
            .store(info.pulls_configuration, Ordering::Relaxed);
        self.registers_watchers
            .store(info.watches_files, Ordering::Relaxed);
        self.send(Event::Initialize(Box::new(info)));
        // Load the tokenizers in the background so the first hint is fast.
        std::thread::spawn(|| {
            for e in crate::tokenize::Encoding::ALL {
                e.warm_up();
            }
        });
        let in_client = client_commands(&params);
        let commands: Vec<String> = super::commands::COMMANDS
            .iter()
            .filter(|c| !in_client.iter().any(|x| x == *c))
            .map(|c| c.to_string())
            .collect();
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
                        save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                        ..Default::default()
                    },
                )),
                inlay_hint_provider: Some(OneOf::Left(true)),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                code_lens_provider: Some(CodeLensOptions {
                    resolve_provider: Some(false),
                }),
                execute_command_provider: (!commands.is_empty()).then(|| ExecuteCommandOptions {
                    commands,
                    ..Default::default()
                }),
                ..Default::default()
            },
            ..Default::default()
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        if self.registers_watchers.load(Ordering::Relaxed) {
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
                self.send(Event::Log(
                    MessageType::WARNING,
                    format!("cannot watch promptcost.toml: {e}"),
                ));
            }
        }
        self.pull_configuration().await;
        self.send(Event::Log(
            MessageType::INFO,
            format!(
                "promptcost {} language server ready",
                env!("CARGO_PKG_VERSION")
            ),
        ));
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, p: DidOpenTextDocumentParams) {
        let d = p.text_document;
        self.send(Event::Open {
            uri: d.uri,
            version: d.version,
            text: d.text,
            language_id: d.language_id,
        });
    }

    async fn did_change(&self, p: DidChangeTextDocumentParams) {
        self.send(Event::Change {
            uri: p.text_document.uri,
            version: p.text_document.version,
            changes: p.content_changes,
        });
    }

    async fn did_save(&self, p: DidSaveTextDocumentParams) {
        self.send(Event::Save(p.text_document.uri));
    }

    async fn did_close(&self, p: DidCloseTextDocumentParams) {
        self.send(Event::Close(p.text_document.uri));
    }

    async fn did_change_configuration(&self, p: DidChangeConfigurationParams) {
        // Push model: `{"promptcost": {...}}`; pull model: re-read workspace/configuration.
        match p.settings.get("promptcost").cloned() {
            Some(v) => self.send(Event::Configuration(Some(v))),
            None => self.pull_configuration().await,
        }
    }

    async fn did_change_watched_files(&self, _: DidChangeWatchedFilesParams) {
        self.send(Event::ConfigFilesChanged);
    }

    async fn inlay_hint(&self, p: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        let (uri, range) = (p.text_document.uri, p.range);
        self.ask(|reply| Request::InlayHints { uri, range, reply })
            .await
    }

    async fn hover(&self, p: HoverParams) -> Result<Option<Hover>> {
        let pos = p.text_document_position_params;
        let (uri, position) = (pos.text_document.uri, pos.position);
        self.ask(|reply| Request::Hover {
            uri,
            position,
            reply,
        })
        .await
    }

    async fn code_lens(&self, p: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        let uri = p.text_document.uri;
        self.ask(|reply| Request::CodeLens { uri, reply }).await
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<Value>> {
        self.ask(|reply| Request::ExecuteCommand { params, reply })
            .await?
    }
}
