//! The server's state, owned by the main loop: the open documents, the settings cache, what
//! the client supports, and the opt-in Claude API. Every change to it happens here, in the
//! order the client sent it. Never: renders results (the method modules do); blocks on I/O
//! other than reading config files.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::mpsc::UnboundedSender;
use tower_lsp_server::ls_types::*;

use super::claude::ClaudeApi;
use super::config_cache::{ConfigCache, Notice};
use super::event::{ClientInfo, Event, RefreshSupport};
use super::open_doc::{AfterEdit, CountPolicy, Counts, DocKind, OpenDoc};
use crate::config::{ConfigError, Overrides, Settings};
use crate::document::{Analysis, Document, PartInfo};
use crate::position::{self, PosEncoding};
use crate::pricing::encodings_of;
use crate::tokenize::chunks::ChunkedCount;

/// How long the first analysis waits for the client's settings (so the first hints are
/// priced in the user's models, not the defaults).
pub const CONFIGURATION_WAIT: Duration = Duration::from_secs(2);

/// What the main loop sends to the client (one async task sends them, in order).
pub enum Outgoing {
    Diagnostics(Uri, Vec<Diagnostic>, Option<i32>),
    Log(MessageType, String),
    Show(MessageType, String),
    Refresh(RefreshSupport),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    Error = 1,
    Warning = 2,
    Info = 3,
    Debug = 4,
}

impl LogLevel {
    fn of(m: MessageType) -> LogLevel {
        match m {
            MessageType::ERROR => LogLevel::Error,
            MessageType::WARNING => LogLevel::Warning,
            MessageType::INFO => LogLevel::Info,
            _ => LogLevel::Debug,
        }
    }

    fn from_setting(s: Option<&str>) -> LogLevel {
        match s {
            Some("error") => LogLevel::Error,
            Some("warn") | Some("warning") => LogLevel::Warning,
            Some("debug") | Some("trace") => LogLevel::Debug,
            _ => LogLevel::Info,
        }
    }
}

pub struct Session {
    out: UnboundedSender<Outgoing>,
    /// The main loop's own queue (background counts and the API thread report back on it).
    events: mpsc::Sender<Event>,
    pub client: ClientInfo,
    overrides: Overrides,
    log_level: LogLevel,
    pub docs: HashMap<Uri, OpenDoc>,
    configs: ConfigCache,
    dirty: HashSet<Uri>,
    refresh: bool,
    /// Until this instant (or the client's settings), analyses wait.
    awaiting_configuration: Option<Instant>,
    /// Requests dropped unanswered because the client cancelled them first.
    pub skipped_cancelled: u64,
    pub api: Option<ClaudeApi>,
}

impl Session {
    pub fn new(out: UnboundedSender<Outgoing>, events: mpsc::Sender<Event>) -> Session {
        Session {
            out,
            events,
            client: ClientInfo {
                root: None,
                encoding: PosEncoding::Utf16,
                init_options: None,
                refresh: RefreshSupport::default(),
                pulls_configuration: false,
                watches_files: false,
            },
            overrides: Overrides::default(),
            log_level: LogLevel::Info,
            docs: HashMap::new(),
            configs: ConfigCache::default(),
            dirty: HashSet::new(),
            refresh: false,
            awaiting_configuration: None,
            skipped_cancelled: 0,
            api: None,
        }
    }

    pub fn enc(&self) -> PosEncoding {
        self.client.encoding
    }

    /// `window/logMessage`, filtered by the `logLevel` setting. Never stderr.
    pub fn log(&self, level: MessageType, text: String) {
        if LogLevel::of(level) <= self.log_level {
            let _ = self.out.send(Outgoing::Log(level, text));
        }
    }

    /// `window/showMessage`: for what the user must act on.
    pub fn show(&self, level: MessageType, text: String) {
        let _ = self.out.send(Outgoing::Show(level, text));
    }

    pub fn initialize(&mut self, info: ClientInfo) {
        if info.pulls_configuration {
            self.awaiting_configuration = Some(Instant::now() + CONFIGURATION_WAIT);
        }
        let init = info.init_options.clone();
        self.client = info;
        if let Some(v) = init.filter(|v| !v.is_null()) {
            // Either the settings object itself or `{"promptcost": {...}}`; `clientCommands`
            // is for `initialize` (see backend.rs), not a setting.
            let mut v = v.get("promptcost").cloned().unwrap_or(v);
            if let Some(o) = v.as_object_mut() {
                o.remove("clientCommands");
            }
            self.apply_settings(&v);
        }
    }

    /// The instant the wait for the client's settings ends, while it lasts.
    pub fn configuration_deadline(&self) -> Option<Instant> {
        self.awaiting_configuration
    }

    pub fn awaiting_configuration(&self) -> bool {
        self.awaiting_configuration.is_some()
    }

    /// The client's settings arrived (or it has none): analyses may run.
    pub fn configured(&mut self, settings: Option<Value>) {
        if let Some(v) = settings.filter(|v| !v.is_null()) {
            self.apply_settings(&v);
        }
        self.end_configuration_wait();
    }

    pub fn end_configuration_wait(&mut self) {
        if self.awaiting_configuration.take().is_some() {
            self.dirty.extend(self.docs.keys().cloned());
            self.refresh = true;
        }
    }

    fn apply_settings(&mut self, v: &Value) {
        match Overrides::from_json(v) {
            Ok(o) => self.set_overrides(o),
            Err(e) => self.show(MessageType::ERROR, format!("promptcost: {e}")),
        }
    }

    fn set_overrides(&mut self, o: Overrides) {
        self.log_level = LogLevel::from_setting(o.log_level.as_deref());
        match (o.claude_api == Some(true), self.api.is_some()) {
            (true, false) => {
                self.api = Some(ClaudeApi::start(self.events.clone()));
                self.log(MessageType::INFO, "Claude counts: exact via Anthropic's count_tokens API (claudeApi is on: prompt text is sent to Anthropic)".into());
            }
            (false, true) => {
                self.api = None;
                self.log(
                    MessageType::INFO,
                    "Claude counts: estimates (claudeApi is off; nothing is sent)".into(),
                );
            }
            _ => {}
        }
        if o != self.overrides {
            self.overrides = o;
            self.reload_config();
        }
    }

    /// Re-reads configuration and re-analyses every open document.
    pub fn reload_config(&mut self) {
        self.configs.clear();
        let uris: Vec<Uri> = self.docs.keys().cloned().collect();
        for uri in uris {
            let Some(path) = uri_path(&uri) else { continue };
            let settings = self.settings_for(&path);
            if let Some(d) = self.docs.get_mut(&uri) {
                d.settings = settings;
            }
            self.count(&uri);
            self.dirty.insert(uri);
        }
        self.refresh = true;
    }

    /// For clients that do not watch files: reload when a config file changed on disk.
    pub fn reload_config_if_changed(&mut self) {
        if !self.client.watches_files && self.configs.stale() {
            self.log(
                MessageType::INFO,
                "promptcost.toml changed: reloading".into(),
            );
            self.reload_config();
        }
    }

    /// Settings for a file: its nearest `promptcost.toml`, with the editor's overrides.
    pub fn settings_for(&mut self, path: &Path) -> Arc<Settings> {
        self.settings_in(path.parent().unwrap_or(Path::new("/")))
    }

    /// Settings for the workspace root (or the current folder without one).
    pub fn root_settings(&mut self) -> Arc<Settings> {
        let root = self
            .client
            .root
            .clone()
            .unwrap_or_else(|| PathBuf::from("."));
        self.settings_in(&root)
    }

    fn settings_in(&mut self, dir: &Path) -> Arc<Settings> {
        let mut notices = Vec::new();
        let s = self.configs.for_dir(
            dir,
            self.client.root.as_deref(),
            &self.overrides,
            &mut notices,
        );
        for n in notices {
            match n {
                Notice::Fixed(path) => self.publish_config_error(&path, None),
                Notice::Broken(path, e) => {
                    self.show(
                        MessageType::ERROR,
                        format!(
                            "promptcost: {} is invalid ({}, line {}); counting with the default settings and your editor settings until it is fixed",
                            path.display(),
                            e.message,
                            e.line
                        ),
                    );
                    self.publish_config_error(&path, Some(&e));
                }
                Notice::Failed(msg) => self.show(MessageType::ERROR, msg),
            }
        }
        s
    }

    fn publish_config_error(&self, path: &Path, err: Option<&ConfigError>) {
        let Some(uri) = Uri::from_file_path(path) else {
            return;
        };
        let diags = match err {
            None => vec![],
            Some(e) => {
                let text = std::fs::read_to_string(path).unwrap_or_default();
                let rope = ropey::Rope::from_str(&text);
                let span = e.span.clone().unwrap_or(0..0);
                vec![Diagnostic {
                    range: lsp_range(&rope, self.enc(), span),
                    severity: Some(DiagnosticSeverity::ERROR),
                    source: Some("promptcost".into()),
                    message: e.message.clone(),
                    ..Default::default()
                }]
            }
        };
        let _ = self.out.send(Outgoing::Diagnostics(uri, diags, None));
    }

    pub fn open(&mut self, uri: Uri, version: i32, text: String, language_id: String) {
        let path = uri_path(&uri).unwrap_or_else(|| PathBuf::from(uri.path().as_str()));
        self.reload_config_if_changed();
        let settings = self.settings_for(&path);
        let prompt = settings.is_prompt_file(&path)
            || matches!(
                language_id.as_str(),
                "prompty" | "dotprompt" | "promptfile" | "prompt"
            );
        let lang = if prompt {
            None
        } else {
            settings.code_lang(&path).or_else(|| {
                crate::extract::code::Lang::from_language_id(&language_id)
                    .filter(|_| settings.code_enabled)
            })
        };
        let kind = if text.len() as u64 > settings.max_file_size {
            self.show(
                MessageType::WARNING,
                format!(
                    "promptcost: {} is {} bytes, above max_file_size ({} bytes); not counted",
                    path.display(),
                    crate::format::thousands(text.len() as u64),
                    crate::format::thousands(settings.max_file_size)
                ),
            );
            DocKind::Skipped
        } else if crate::textfile::is_binary(text.as_bytes()) {
            self.log(
                MessageType::INFO,
                format!("{}: binary content, not counted", path.display()),
            );
            DocKind::Skipped
        } else if prompt || lang.is_some() {
            DocKind::Prompt
        } else {
            DocKind::Other
        };
        let doc = match (lang, kind) {
            (Some(lang), DocKind::Prompt) => Document::new_code(
                &path,
                lang,
                &text,
                settings.code_rules(),
                &encodings_of(&settings.models),
            ),
            (_, DocKind::Skipped) => Document::new(&path, "", &[]),
            _ => Document::new(&path, &text, &[]),
        };
        let d = OpenDoc {
            version,
            kind,
            doc,
            settings,
            counts: Counts::Ready,
            policy: CountPolicy::Inline,
        };
        self.docs.insert(uri.clone(), d);
        self.count(&uri);
        self.dirty.insert(uri);
    }

    pub fn change(&mut self, uri: Uri, version: i32, changes: Vec<TextDocumentContentChangeEvent>) {
        let enc = self.enc();
        let Some(d) = self.docs.get_mut(&uri) else {
            self.log(
                MessageType::WARNING,
                format!(
                    "didChange for a document that is not open: {}",
                    uri.as_str()
                ),
            );
            return;
        };
        let after = d.apply_changes(version, changes, enc);
        self.dirty.insert(uri.clone());
        if after == AfterEdit::Recount {
            self.count(&uri);
        }
    }

    /// `didSave`: a saved `promptcost.toml` is read again at once (whatever the client watches).
    pub fn save(&mut self, uri: &Uri) {
        if uri_path(uri).is_some_and(|p| ConfigCache::is_config_file(&p)) {
            self.reload_config();
        } else {
            self.reload_config_if_changed();
        }
    }

    pub fn close(&mut self, uri: &Uri) {
        if self.docs.remove(uri).is_some() {
            let _ = self
                .out
                .send(Outgoing::Diagnostics(uri.clone(), vec![], None));
        }
    }

    /// Makes sure a prompt document is counted in every encoding its models need: at once for
    /// a small text, on a background thread for a large one (the result is installed only if
    /// the document has not changed meanwhile, else the count starts again).
    pub fn count(&mut self, uri: &Uri) {
        let Some(d) = self.docs.get_mut(uri) else {
            return;
        };
        if !d.is_prompt() || d.counting() {
            return;
        }
        let missing = d.doc.missing_encodings(&encodings_of(&d.settings.models));
        if missing.is_empty() {
            return;
        }
        // A source file counts its literals by value: at once, whatever its size.
        if d.counts_inline() || d.doc.is_source() {
            d.doc.ensure_encodings(&missing);
            return;
        }
        d.counts = Counts::InBackground;
        let (job, version, uri, events) = (
            d.doc.counting_job(missing),
            d.version,
            uri.clone(),
            self.events.clone(),
        );
        std::thread::spawn(move || {
            let counters = job();
            let _ = events.send(Event::CountsReady {
                uri,
                version,
                counters,
            });
        });
    }

    pub fn install_counts(&mut self, uri: Uri, version: i32, counters: Vec<ChunkedCount>) {
        let Some(d) = self.docs.get_mut(&uri) else {
            return;
        };
        d.counts = Counts::Ready;
        if d.version == version {
            d.doc.install_counters(counters);
            self.dirty.insert(uri);
            self.refresh = true;
        } else {
            // Superseded while counting: count the current text.
            self.count(&uri);
        }
    }

    /// The API answered (or failed): show the new counts, and say when the status changes.
    pub fn api_answered(
        &mut self,
        answered: usize,
        before: crate::anthropic::ApiStatus,
        after: crate::anthropic::ApiStatus,
    ) {
        use crate::anthropic::ApiStatus;
        if self.api.is_none() {
            return;
        }
        if after != before {
            match &after {
                ApiStatus::Ok | ApiStatus::Idle => {
                    self.log(MessageType::INFO, format!("Anthropic API: {after}"))
                }
                ApiStatus::NoKey | ApiStatus::Refused(_) => self.show(
                    MessageType::WARNING,
                    format!("promptcost: Anthropic API {after}; Claude counts stay estimates"),
                ),
                ApiStatus::Offline(_) => self.log(
                    MessageType::WARNING,
                    format!("Anthropic API {after}; Claude counts stay estimates"),
                ),
            }
        }
        if answered > 0 {
            let uris: Vec<Uri> = self
                .docs
                .iter()
                .filter(|(_, d)| d.is_prompt())
                .map(|(u, _)| u.clone())
                .collect();
            self.dirty.extend(uris);
            self.refresh = true;
        }
    }

    /// The prompt document at `uri`, if it is one.
    pub fn prompt_doc(&self, uri: &Uri) -> Option<&OpenDoc> {
        self.docs.get(uri).filter(|d| d.is_prompt())
    }

    /// The analysis of the parts `keep` selects (the file always), with the Claude API's
    /// exact counts applied where it has answered.
    pub fn analysis(&self, uri: &Uri, d: &OpenDoc, keep: &dyn Fn(&PartInfo) -> bool) -> Analysis {
        let mut a = d.doc.analyze_where(&d.settings, keep);
        if let Some(api) = &self.api {
            api.apply(uri.as_str(), &d.doc, &d.settings, &mut a);
        }
        a
    }

    /// Publishes diagnostics of documents changed since the last flush (not while waiting
    /// for the client's settings: they would be priced in the wrong models).
    pub fn flush(&mut self) {
        if self.awaiting_configuration() {
            return;
        }
        let dirty: Vec<Uri> = self.dirty.drain().collect();
        for uri in dirty {
            let Some(d) = self.docs.get(&uri) else {
                continue;
            };
            if d.counting() {
                continue;
            }
            let diags = match d.kind {
                // Diagnostics need the file and the sections that have a budget.
                DocKind::Prompt => {
                    let mut v = super::diagnostics::of(
                        &d.doc,
                        &self.analysis(&uri, d, &|s| s.has_budget),
                        self.enc(),
                    );
                    v.extend(super::agent_context::diagnostics(
                        &d.doc,
                        &d.settings,
                        self.enc(),
                    ));
                    v
                }
                DocKind::Other | DocKind::Skipped => vec![],
            };
            let _ = self
                .out
                .send(Outgoing::Diagnostics(uri, diags, Some(d.version)));
        }
        let r = self.client.refresh;
        if std::mem::take(&mut self.refresh) && (r.inlay_hints || r.code_lens) {
            let _ = self.out.send(Outgoing::Refresh(r));
        }
    }
}

pub fn uri_path(uri: &Uri) -> Option<PathBuf> {
    uri.to_file_path().map(|p| p.into_owned())
}

pub fn lsp_range(rope: &ropey::Rope, enc: PosEncoding, r: std::ops::Range<usize>) -> Range {
    let (sl, sc) = position::to_position(rope, enc, r.start);
    let (el, ec) = position::to_position(rope, enc, r.end);
    Range::new(Position::new(sl, sc), Position::new(el, ec))
}
