//! What the worker loop receives: every LSP message as a typed [`Event`], and the results of
//! background work (counts of large files, Claude API answers). Requests carry the channel
//! their answer goes back on. Never: behaviour; this is the vocabulary of the main loop.

use std::path::PathBuf;

use serde_json::Value;
use tokio::sync::oneshot;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use super::ext;
use crate::anthropic::ApiStatus;
use crate::position::PosEncoding;
use crate::tokenize::chunks::ChunkedCount;

/// Where a request's answer goes; a closed channel means the client cancelled it.
pub type Reply<T> = oneshot::Sender<T>;

pub enum Event {
    Initialize(Box<ClientInfo>),
    /// The client's settings (pulled with `workspace/configuration` or pushed with
    /// `didChangeConfiguration`); `None`: the client has none, or the pull failed.
    Configuration(Option<Value>),
    Open {
        uri: Uri,
        version: i32,
        text: String,
        language_id: String,
    },
    Change {
        uri: Uri,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
    },
    Save(Uri),
    Close(Uri),
    /// `workspace/didChangeWatchedFiles` for a `promptcost.toml`.
    ConfigFilesChanged,
    Request(Request),
    /// A background count finished for this version of the document.
    CountsReady {
        uri: Uri,
        version: i32,
        counters: Vec<ChunkedCount>,
    },
    /// The Claude API answered `answered` texts; its status went from `before` to `after`.
    ApiAnswered {
        answered: usize,
        before: ApiStatus,
        after: ApiStatus,
    },
    Log(MessageType, String),
}

pub enum Request {
    InlayHints {
        uri: Uri,
        range: Range,
        reply: Reply<Option<Vec<InlayHint>>>,
    },
    Hover {
        uri: Uri,
        position: Position,
        reply: Reply<Option<Hover>>,
    },
    CodeLens {
        uri: Uri,
        reply: Reply<Option<Vec<CodeLens>>>,
    },
    ExecuteCommand {
        params: ExecuteCommandParams,
        reply: Reply<Result<Option<Value>>>,
    },
    Count {
        params: ext::CountParams,
        reply: Reply<Result<ext::CountResult>>,
    },
    Models {
        reply: Reply<ext::ModelsResult>,
    },
    Status {
        reply: Reply<ext::StatusResult>,
    },
}

impl Event {
    /// A change to a document's text (diagnostics will follow).
    pub fn is_edit(&self) -> bool {
        matches!(self, Event::Open { .. } | Event::Change { .. })
    }
}

impl Request {
    /// The client cancelled it (`$/cancelRequest` drops the waiting future) or went away.
    pub fn is_cancelled(&self) -> bool {
        match self {
            Request::InlayHints { reply, .. } => reply.is_closed(),
            Request::Hover { reply, .. } => reply.is_closed(),
            Request::CodeLens { reply, .. } => reply.is_closed(),
            Request::ExecuteCommand { reply, .. } => reply.is_closed(),
            Request::Count { reply, .. } => reply.is_closed(),
            Request::Models { reply } => reply.is_closed(),
            Request::Status { reply } => reply.is_closed(),
        }
    }
}

/// What `initialize` told us about the client.
#[derive(Debug, Clone)]
pub struct ClientInfo {
    pub root: Option<PathBuf>,
    pub encoding: PosEncoding,
    pub init_options: Option<Value>,
    pub refresh: RefreshSupport,
    /// The client answers `workspace/configuration`: the first analysis waits for it.
    pub pulls_configuration: bool,
    /// The client watches files for us (`workspace/didChangeWatchedFiles` registration);
    /// otherwise the server checks its config files' modification times itself.
    pub watches_files: bool,
}

/// Which refresh requests the client handles.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RefreshSupport {
    pub inlay_hints: bool,
    pub code_lens: bool,
}
