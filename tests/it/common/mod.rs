//! A minimal in-process LSP client for end-to-end tests: the real server over
//! `tokio::io::duplex`, messages framed as on stdio.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{
    AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream, ReadHalf, WriteHalf,
};

pub struct Client {
    reader: BufReader<ReadHalf<DuplexStream>>,
    writer: WriteHalf<DuplexStream>,
    next_id: i64,
    /// Notifications received while waiting for responses.
    pub notifications: VecDeque<Value>,
    /// What the client answers to `workspace/configuration`.
    pub settings: Value,
}

impl Client {
    pub async fn start() -> Client {
        let (client_io, server_io) = tokio::io::duplex(1 << 22);
        let (sr, sw) = tokio::io::split(server_io);
        tokio::spawn(promptcost::commands::serve(sr, sw));
        let (cr, cw) = tokio::io::split(client_io);
        Client {
            reader: BufReader::new(cr),
            writer: cw,
            next_id: 1,
            notifications: VecDeque::new(),
            settings: Value::Null,
        }
    }

    pub async fn send(&mut self, msg: Value) {
        let body = serde_json::to_string(&msg).unwrap();
        let frame = format!("Content-Length: {}\r\n\r\n{}", body.len(), body);
        self.writer.write_all(frame.as_bytes()).await.unwrap();
        self.writer.flush().await.unwrap();
    }

    /// Several messages in one write (so the server reads them back to back).
    pub async fn send_many(&mut self, msgs: &[Value]) {
        let mut frames = String::new();
        for m in msgs {
            let body = serde_json::to_string(m).unwrap();
            frames.push_str(&format!("Content-Length: {}\r\n\r\n{}", body.len(), body));
        }
        self.writer.write_all(frames.as_bytes()).await.unwrap();
        self.writer.flush().await.unwrap();
    }

    async fn read(&mut self) -> Value {
        let mut len = 0usize;
        loop {
            let mut line = String::new();
            self.reader.read_line(&mut line).await.unwrap();
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length: ") {
                len = v.parse().unwrap();
            }
        }
        let mut buf = vec![0; len];
        self.reader.read_exact(&mut buf).await.unwrap();
        serde_json::from_slice(&buf).unwrap()
    }

    /// Reads one message; answers server-to-client requests itself (and returns them too).
    pub async fn next_message(&mut self) -> Value {
        let msg = tokio::time::timeout(Duration::from_secs(20), self.read())
            .await
            .expect("server answered in time");
        if std::env::var("LSP_TRACE").is_ok() {
            eprintln!("<- {msg}");
        }
        if msg.get("method").is_some() && msg.get("id").is_some() {
            let result = match msg["method"].as_str().unwrap() {
                "workspace/configuration" => json!([self.settings.clone()]),
                _ => Value::Null,
            };
            let id = msg["id"].clone();
            self.send(json!({"jsonrpc": "2.0", "id": id, "result": result}))
                .await;
        }
        msg
    }

    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .await;
        loop {
            let msg = self.next_message().await;
            if msg.get("id") == Some(&json!(id)) && msg.get("method").is_none() {
                return msg;
            }
            self.notifications.push_back(msg);
        }
    }

    pub async fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}))
            .await;
    }

    /// Waits for a notification `method` matching `pred` (already received ones first).
    pub async fn wait_for(&mut self, method: &str, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self
            .notifications
            .iter()
            .position(|n| n["method"] == method && pred(&n["params"]))
        {
            return self.notifications.remove(i).unwrap();
        }
        loop {
            let msg = self.next_message().await;
            if msg["method"] == method && pred(&msg["params"]) {
                return msg;
            }
            self.notifications.push_back(msg);
        }
    }

    pub async fn initialize(
        &mut self,
        capabilities: Value,
        init_options: Value,
        root: &std::path::Path,
    ) -> Value {
        let root_uri = format!("file://{}", root.display());
        let r = self
            .request(
                "initialize",
                json!({"processId": null, "rootUri": root_uri, "capabilities": capabilities, "initializationOptions": init_options,
                       "workspaceFolders": [{"uri": root_uri, "name": "w"}]}),
            )
            .await;
        self.notify("initialized", json!({})).await;
        r
    }

    pub async fn open(&mut self, path: &std::path::Path, text: &str) -> String {
        let uri = format!("file://{}", path.display());
        self.notify("textDocument/didOpen", json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}))
            .await;
        uri
    }

    pub async fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let n = self
            .wait_for("textDocument/publishDiagnostics", |p| {
                p["uri"] == uri && p["version"] == version
            })
            .await;
        n["params"]["diagnostics"].as_array().unwrap().clone()
    }

    /// `textDocument/hover` at `line:character`: the whole response.
    pub async fn hover(&mut self, uri: &str, line: u32, character: u32) -> Value {
        self.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
        )
        .await
    }

    /// The hover's Markdown at `line:character` (panics when there is none).
    pub async fn hover_markdown(&mut self, uri: &str, line: u32, character: u32) -> String {
        let r = self.hover(uri, line, character).await;
        r["result"]["contents"]["value"]
            .as_str()
            .unwrap_or_else(|| panic!("no hover at {line}:{character}: {r}"))
            .to_string()
    }

    /// `textDocument/codeLens`: the whole response.
    pub async fn code_lens(&mut self, uri: &str) -> Value {
        self.request(
            "textDocument/codeLens",
            json!({"textDocument": {"uri": uri}}),
        )
        .await
    }

    /// `textDocument/inlayHint` for lines `from..to`: the whole response.
    pub async fn inlay_hints(&mut self, uri: &str, from: u32, to: u32) -> Value {
        self.request(
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": uri}, "range": {"start": {"line": from, "character": 0}, "end": {"line": to, "character": 0}}}),
        )
        .await
    }

    pub async fn shutdown(&mut self) {
        let r = self.request("shutdown", Value::Null).await;
        assert!(r.get("error").is_none(), "{r}");
        self.notify("exit", Value::Null).await;
    }
}

pub fn utf16_caps() -> Value {
    json!({"general": {"positionEncodings": ["utf-16"]}, "workspace": {"configuration": true, "inlayHint": {"refreshSupport": true}},
           "textDocument": {"inlayHint": {}, "hover": {"contentFormat": ["markdown"]}}})
}

pub fn utf8_caps() -> Value {
    json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}, "workspace": {"configuration": true}})
}

/// Exact o200k count (the same library the engine uses; the oracle tests check it against tiktoken).
pub fn o200k(s: &str) -> u64 {
    promptcost::tokenize::Encoding::O200kBase.count(s) as u64
}
