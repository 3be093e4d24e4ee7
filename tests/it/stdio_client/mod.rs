//! A small blocking LSP client that drives the real `promptcost lsp` binary over stdio.
//! Shared by the soak test and the LSP benchmark (`#[path]`-included there).
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::Duration;

use serde_json::{json, Value};

pub struct Server {
    pub child: Child,
    stdin: ChildStdin,
    rx: Receiver<Value>,
    next_id: i64,
    /// Notifications seen while waiting (only kept when `keep` is on).
    pub seen: Vec<Value>,
    pub keep: bool,
}

impl Server {
    pub fn start(bin: &str) -> Server {
        Server::start_with_env(bin, &[])
    }

    /// With extra environment variables (`None` removes one).
    pub fn start_with_env(bin: &str, env: &[(&str, Option<&str>)]) -> Server {
        let mut cmd = Command::new(bin);
        for (k, v) in env {
            match v {
                Some(v) => cmd.env(k, v),
                None => cmd.env_remove(k),
            };
        }
        let mut child = cmd
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(if std::env::var_os("PROMPTCOST_SERVER_STDERR").is_some() {
                Stdio::inherit()
            } else {
                Stdio::null()
            })
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let (tx, rx) = channel();
        std::thread::spawn(move || loop {
            let mut len = None;
            loop {
                let mut line = String::new();
                if out.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                let l = line.trim_end();
                if l.is_empty() {
                    break;
                }
                match l.strip_prefix("Content-Length: ") {
                    Some(v) => len = v.parse::<usize>().ok(),
                    None if !l.starts_with("Content-Type") => {
                        panic!("non-protocol output on stdout: {l:?}")
                    }
                    None => {}
                }
            }
            let mut buf = vec![0; len.expect("Content-Length header")];
            out.read_exact(&mut buf).unwrap();
            let v: Value = serde_json::from_slice(&buf).expect("the server writes valid JSON");
            if tx.send(v).is_err() {
                return;
            }
        });
        Server {
            child,
            stdin,
            rx,
            next_id: 1,
            seen: Vec::new(),
            keep: false,
        }
    }

    pub fn send_raw(&mut self, body: &[u8]) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        self.stdin.write_all(body).unwrap();
        self.stdin.flush().unwrap();
    }

    pub fn send(&mut self, v: Value) {
        self.send_raw(v.to_string().as_bytes());
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request without waiting; returns its id.
    pub fn request_async(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.request_async(method, params);
        self.wait(|m| m["id"] == id && m.get("method").is_none())
    }

    /// Waits for a message matching `pred`, answering server-to-client requests on the way.
    pub fn wait(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        loop {
            let m = match self.rx.recv_timeout(Duration::from_secs(120)) {
                Ok(m) => m,
                Err(RecvTimeoutError::Timeout) => panic!("the server did not answer within 120 s"),
                Err(RecvTimeoutError::Disconnected) => panic!("the server closed stdout"),
            };
            if m.get("method").is_some() && m.get("id").is_some() {
                let id = m["id"].clone();
                self.send(json!({"jsonrpc": "2.0", "id": id, "result": null}));
                continue;
            }
            if pred(&m) {
                return m;
            }
            if self.keep {
                self.seen.push(m);
            }
        }
    }

    pub fn initialize(&mut self, options: Value) -> Value {
        let r = self.request(
            "initialize",
            json!({"processId": null, "rootUri": "file:///tmp/promptcost-stdio", "capabilities": {"general": {"positionEncodings": ["utf-8", "utf-16"]}},
                   "initializationOptions": options}),
        );
        self.notify("initialized", json!({}));
        r
    }

    /// Resident memory of the server process, in KiB (Linux).
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }

    pub fn stop(mut self) -> std::process::ExitStatus {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        self.child.wait().unwrap()
    }
}
