//! A guard in front of tower-lsp-server's reader: it re-frames every incoming message and
//! replaces a malformed one with a notification the server logs.
//!
//! Why: tower-lsp-server reads stdin with tokio-util's `FramedRead`, which ends its stream
//! after the first decode error, so one bad message (invalid JSON, a wrong type for `id` or
//! `method`, a batch) would stop the server for good. Here such a message becomes
//! `promptcost/invalidMessage` (logged as a warning) and the server goes on. Oversized
//! messages are skipped as they stream, never buffered.

use std::collections::VecDeque;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use serde::de::IgnoredAny;
use serde::Deserialize;
use tokio::io::{AsyncRead, ReadBuf};

/// Messages larger than this are skipped (a 20 MB document fits many times over).
pub const MAX_MESSAGE: usize = 512 * 1024 * 1024;
pub const INVALID_METHOD: &str = "promptcost/invalidMessage";

/// What the guard saw of the session's end: `shutdown` and `exit`.
#[derive(Default)]
pub struct Lifecycle {
    pub shutdown: std::sync::atomic::AtomicBool,
    pub exit: tokio::sync::Notify,
}

pub struct Sanitize<R> {
    inner: R,
    lifecycle: Option<std::sync::Arc<Lifecycle>>,
    input: Vec<u8>,
    output: VecDeque<u8>,
    /// Bytes of an oversized message still to skip.
    skipping: usize,
    eof: bool,
}

impl<R> Sanitize<R> {
    pub fn new(inner: R) -> Self {
        Sanitize {
            inner,
            lifecycle: None,
            input: Vec::new(),
            output: VecDeque::new(),
            skipping: 0,
            eof: false,
        }
    }

    /// Also reports `shutdown` and `exit` to `lifecycle`.
    pub fn watching(inner: R, lifecycle: std::sync::Arc<Lifecycle>) -> Self {
        Sanitize {
            lifecycle: Some(lifecycle),
            ..Sanitize::new(inner)
        }
    }
}

/// The shape tower-lsp-server can decode: a JSON-RPC 2.0 request, notification or response.
#[derive(Deserialize)]
struct Shape {
    jsonrpc: String,
    method: Option<String>,
    #[serde(default)]
    id: Option<Id>,
    #[serde(default)]
    params: Option<Params>,
    #[serde(default, deserialize_with = "present")]
    result: bool,
    #[serde(default, deserialize_with = "present")]
    error: bool,
}

/// True when the key is there, whatever its value (`"result": null` is a valid response).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    IgnoredAny::deserialize(d).map(|_| true)
}

// The variants' contents are never read: deserializing into them checks the shape.
#[allow(dead_code)]
#[derive(Deserialize)]
#[serde(untagged)]
enum Id {
    Num(i64),
    Str(String),
}

#[allow(dead_code)]
#[derive(Deserialize)]
#[serde(untagged)]
enum Params {
    Object(std::collections::HashMap<String, IgnoredAny>),
    Array(Vec<IgnoredAny>),
}

/// Why a message is not passed on to the server: it becomes a logged notification.
#[derive(Debug, thiserror::Error)]
enum Refused {
    #[error("not a JSON-RPC message: {0}")]
    NotJson(#[from] serde_json::Error),
    #[error("jsonrpc is not \"2.0\"")]
    Version,
    #[error("neither a request, a notification nor a response")]
    NoKind,
}

/// Why a body cannot be passed on, if it cannot; and its method.
fn check(body: &[u8]) -> Result<Option<String>, Refused> {
    let s = serde_json::from_slice::<Shape>(body)?;
    match problem_of(&s) {
        Some(p) => Err(p),
        None => Ok(s.method),
    }
}

fn problem_of(s: &Shape) -> Option<Refused> {
    match s {
        s if s.jsonrpc != "2.0" => Some(Refused::Version),
        s if s.method.is_none() && (s.id.is_none() || !(s.result || s.error)) => {
            Some(Refused::NoKind)
        }
        Shape {
            params: Some(_), ..
        }
        | Shape { .. } => None,
    }
}

fn frame(out: &mut VecDeque<u8>, body: &[u8]) {
    out.extend(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
    out.extend(body);
}

fn invalid(out: &mut VecDeque<u8>, reason: &str) {
    let body = serde_json::json!({"jsonrpc": "2.0", "method": INVALID_METHOD, "params": {"reason": reason}}).to_string();
    frame(out, body.as_bytes());
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

impl<R> Sanitize<R> {
    /// Moves every complete message from `input` to `output`.
    fn process(&mut self) {
        loop {
            if self.skipping > 0 {
                let n = self.skipping.min(self.input.len());
                self.input.drain(..n);
                self.skipping -= n;
                if self.skipping > 0 {
                    return;
                }
            }
            let Some(end) = find(&self.input, b"\r\n\r\n") else {
                // Garbage without a header end: keep a bounded tail.
                if self.input.len() > 64 * 1024 {
                    self.input.clear();
                    invalid(&mut self.output, "header too long");
                }
                return;
            };
            let header = String::from_utf8_lossy(&self.input[..end]).to_string();
            let len = header.lines().find_map(|l| {
                l.split_once(':')
                    .filter(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
                    .map(|(_, v)| v.trim().parse::<usize>())
            });
            let body_start = end + 4;
            match len {
                Some(Ok(n)) if n > MAX_MESSAGE => {
                    self.input.drain(..body_start);
                    self.skipping = n;
                    invalid(
                        &mut self.output,
                        &format!("message of {n} bytes is larger than {MAX_MESSAGE}; skipped"),
                    );
                }
                Some(Ok(n)) => {
                    if self.input.len() < body_start + n {
                        return;
                    }
                    let body: Vec<u8> = self.input[body_start..body_start + n].to_vec();
                    self.input.drain(..body_start + n);
                    match check(&body) {
                        Ok(method) => {
                            frame(&mut self.output, &body);
                            if let (Some(l), Some(m)) = (&self.lifecycle, method.as_deref()) {
                                match m {
                                    "shutdown" => {
                                        l.shutdown.store(true, std::sync::atomic::Ordering::SeqCst)
                                    }
                                    "exit" => l.exit.notify_one(),
                                    _ => {}
                                }
                            }
                        }
                        Err(reason) => invalid(&mut self.output, &reason.to_string()),
                    }
                }
                _ => {
                    self.input.drain(..body_start);
                    invalid(&mut self.output, "header without a valid Content-Length");
                }
            }
        }
    }
}

impl<R: AsyncRead + Unpin> AsyncRead for Sanitize<R> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        loop {
            if !this.output.is_empty() {
                let n = buf.remaining().min(this.output.len());
                let (a, b) = this.output.as_slices();
                let from_a = n.min(a.len());
                buf.put_slice(&a[..from_a]);
                buf.put_slice(&b[..n - from_a]);
                this.output.drain(..n);
                return Poll::Ready(Ok(()));
            }
            if this.eof {
                return Poll::Ready(Ok(()));
            }
            let mut chunk = [0u8; 64 * 1024];
            let mut rb = ReadBuf::new(&mut chunk);
            match Pin::new(&mut this.inner).poll_read(cx, &mut rb) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Ready(Ok(())) => {
                    if rb.filled().is_empty() {
                        this.eof = true;
                    } else {
                        this.input.extend_from_slice(rb.filled());
                        this.process();
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt;

    fn framed(body: &[u8]) -> Vec<u8> {
        let mut v = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        v.extend_from_slice(body);
        v
    }

    #[tokio::test]
    async fn valid_messages_pass_and_invalid_ones_are_replaced() {
        let good = br#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#;
        let mut input = framed(good);
        for bad in [
            &b"{not json"[..],
            b"[]",
            br#"{"jsonrpc":"2.0","id":"x","method":5}"#,
            b"\xff\xfe",
            br#"{"jsonrpc":"1.0","method":"x"}"#,
        ] {
            input.extend(framed(bad));
        }
        input.extend(b"Content-Length: abc\r\n\r\n");
        input.extend(framed(br#"{"jsonrpc":"2.0","id":7,"result":null}"#));
        let mut out = String::new();
        Sanitize::new(&input[..])
            .read_to_string(&mut out)
            .await
            .unwrap();
        assert!(out.starts_with(&String::from_utf8(framed(good)).unwrap()));
        assert_eq!(out.matches(INVALID_METHOD).count(), 6, "{out}");
        assert!(out.ends_with(r#"{"jsonrpc":"2.0","id":7,"result":null}"#));
    }
}
