//! The worker thread that owns all server state and runs jobs strictly in order.

use std::collections::{HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc};

use serde_json::{json, Value};
use tokio::sync::mpsc::UnboundedSender;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;

use super::features;
use crate::anthropic::{ApiCounter, ApiStatus};
use crate::config::{find_config, ConfigError, Overrides, Settings};
use crate::document::{budget_problems, Analysis, Document, ModelCount, PromptKind};
use crate::position::{self, PosEncoding};
use crate::pricing::encodings_of;
use crate::tokenize::Encoding;

pub type Job = Box<dyn FnOnce(&mut State) + Send>;

/// What the worker sends to the client (through one async task, in order).
pub enum Outgoing {
    Diagnostics(Uri, Vec<Diagnostic>, Option<i32>),
    Log(MessageType, String),
    Show(MessageType, String),
    Refresh { hints: bool, lenses: bool },
}

pub fn log_stderr(msg: &str) {
    crate::log::stderr(&format!("[promptcost] {msg}"));
}

/// Loads the tokenizer tables (called on a background thread at `initialize`).
pub fn warm_up() {
    for e in Encoding::ALL {
        e.warm_up();
    }
}

#[derive(Debug)]
enum Kind {
    /// A prompt file or a source file with prompt literals: counted and shown.
    Prompt,
    /// Any other open file: text kept for `promptcost/count`, nothing shown.
    Other,
    /// Too large or binary: nothing counted (the reason was shown once).
    Skipped,
}

struct Doc {
    version: i32,
    kind: Kind,
    doc: Document,
    settings: Arc<Settings>,
    /// Counting in the background (a large file): requests answer "counting…" meanwhile.
    pending: bool,
    /// An edit here once had to recount a long run without cut points: count in the
    /// background from then on, whatever the file's size.
    slow: bool,
}

/// An edit that would recount more than this (text without cut points: a minified blob, a
/// long base64 string) is counted on a background thread instead, so that no document
/// blocks the others; the file shows "counting…" meanwhile.
pub const SLOW_EDIT_BYTES: usize = 64 * 1024;

/// Documents larger than this are counted on a background thread when opened.
pub const BACKGROUND_FROM: usize = 1024 * 1024;

pub struct State {
    out: UnboundedSender<Outgoing>,
    /// This worker's own queue (background counts report back through it).
    jobs: mpsc::Sender<Job>,
    root: Option<PathBuf>,
    pub enc: PosEncoding,
    overrides: Overrides,
    log_level: MessageType,
    docs: HashMap<Uri, Doc>,
    settings: HashMap<Option<PathBuf>, Arc<Settings>>,
    /// Config files with a published error diagnostic.
    config_errors: HashSet<PathBuf>,
    dirty: HashSet<Uri>,
    refresh: bool,
    /// The client handles `workspace/inlayHint/refresh` / `workspace/codeLens/refresh`.
    refresh_support: (bool, bool),
    /// Requests dropped unanswered because the client cancelled them (`$/cancelRequest`)
    /// before the worker reached them.
    pub skipped_cancelled: u64,
    /// Exact Claude counts from Anthropic's API, when the user turned them on.
    api: Option<ApiHandle>,
}

/// The opt-in Anthropic counter and its request thread.
struct ApiHandle {
    counter: Arc<ApiCounter>,
    tx: mpsc::Sender<ApiRequest>,
}

struct ApiRequest {
    /// Document, prompt and model: a newer text for the same key replaces an older one
    /// still waiting (typing sends one request, after the pause).
    key: (String, String, String),
    model: String,
    text: String,
}

/// Requests wait this long without a newer text before they are sent...
const API_DEBOUNCE: std::time::Duration = std::time::Duration::from_millis(600);
/// ...but no longer than this after the first (counts arrive even while typing on).
const API_MAX_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// The request thread: debounces, asks the API (rate-limited, cached, backing off after
/// failures inside `ApiCounter`), then tells the worker what changed.
fn spawn_api_thread(counter: Arc<ApiCounter>, jobs: mpsc::Sender<Job>) -> mpsc::Sender<ApiRequest> {
    let (tx, rx) = mpsc::channel::<ApiRequest>();
    std::thread::Builder::new()
        .name("promptcost-anthropic".into())
        .spawn(move || {
            let mut pending: HashMap<(String, String, String), (String, String)> = HashMap::new();
            while let Ok(first) = rx.recv() {
                if counter.cached(&first.model, &first.text).is_some() {
                    continue;
                }
                // Debounce: send once no *new* text has come for API_DEBOUNCE (repeats of a
                // text already waiting, from hovers and hints, do not postpone it), and at
                // most API_MAX_WAIT after the first.
                let start = std::time::Instant::now();
                let mut deadline = start + API_DEBOUNCE;
                pending.insert(first.key, (first.model, first.text));
                loop {
                    let now = std::time::Instant::now();
                    if now >= deadline {
                        break;
                    }
                    match rx.recv_timeout(deadline - now) {
                        Ok(r) => {
                            let new = pending.get(&r.key).is_none_or(|(_, t)| *t != r.text)
                                && counter.cached(&r.model, &r.text).is_none();
                            if new {
                                pending.insert(r.key, (r.model, r.text));
                                deadline = (std::time::Instant::now() + API_DEBOUNCE)
                                    .min(start + API_MAX_WAIT);
                            }
                        }
                        Err(mpsc::RecvTimeoutError::Timeout) => break,
                        Err(mpsc::RecvTimeoutError::Disconnected) => return,
                    }
                }
                let before = counter.status();
                let mut answered = 0;
                for (_, (model, text)) in pending.drain() {
                    if counter.cached(&model, &text).is_none()
                        && counter.count(&model, &text).is_ok()
                    {
                        answered += 1;
                    }
                }
                let after = counter.status();
                if jobs
                    .send(Box::new(move |st: &mut State| {
                        st.api_answered(answered, before, after)
                    }))
                    .is_err()
                {
                    return;
                }
            }
        })
        .expect("spawn the Anthropic request thread");
    tx
}

fn level_rank(m: MessageType) -> u8 {
    match m {
        MessageType::ERROR => 1,
        MessageType::WARNING => 2,
        MessageType::INFO => 3,
        _ => 4,
    }
}

impl State {
    /// Starts the worker thread; returns the job queue.
    pub fn spawn(out: UnboundedSender<Outgoing>) -> mpsc::Sender<Job> {
        let (tx, rx) = mpsc::channel::<Job>();
        let mut st = State {
            out,
            jobs: tx.clone(),
            root: None,
            enc: PosEncoding::Utf16,
            overrides: Overrides::default(),
            log_level: MessageType::INFO,
            docs: HashMap::new(),
            settings: HashMap::new(),
            config_errors: HashSet::new(),
            dirty: HashSet::new(),
            refresh: false,
            refresh_support: (false, false),
            skipped_cancelled: 0,
            api: None,
        };
        std::thread::Builder::new()
            .name("promptcost-worker".into())
            .spawn(move || {
                while let Ok(job) = rx.recv() {
                    st.run(job);
                    // Drain what queued up meanwhile before publishing: results are computed
                    // only for the newest text.
                    while let Ok(job) = rx.try_recv() {
                        st.run(job);
                    }
                    st.flush();
                }
            })
            .expect("spawn the worker thread");
        tx
    }

    fn run(&mut self, job: Job) {
        if catch_unwind(AssertUnwindSafe(|| job(self))).is_err() {
            // The panic message went to stderr through the default hook.
            self.log(
                MessageType::ERROR,
                "internal error while handling a message (see stderr); the server goes on".into(),
            );
        }
    }

    /// `promptcost/status`: what the server holds (for users' bug reports and for tests).
    pub fn status_request(&self) -> serde_json::Value {
        serde_json::json!({
            "documents": self.docs.len(),
            "skipped_cancelled_requests": self.skipped_cancelled,
            // null while claudeApi is off; else the last status and the requests made.
            "claude_api": self.api.as_ref().map(|a| json!({"status": a.counter.status().to_string(), "requests": a.counter.calls()})),
        })
    }

    pub fn log(&self, level: MessageType, text: String) {
        if level_rank(level) <= level_rank(self.log_level) {
            log_stderr(&text);
            let _ = self.out.send(Outgoing::Log(level, text));
        }
    }

    pub fn show(&self, level: MessageType, text: String) {
        log_stderr(&text);
        let _ = self.out.send(Outgoing::Show(level, text));
    }

    pub fn initialize(
        &mut self,
        root: Option<PathBuf>,
        enc: PosEncoding,
        init: Option<Value>,
        refresh_support: (bool, bool),
    ) {
        self.root = root;
        self.refresh_support = refresh_support;
        self.enc = enc;
        if let Some(v) = init.filter(|v| !v.is_null()) {
            // Either the settings object itself or `{"promptcost": {...}}`.
            let v = v.get("promptcost").cloned().unwrap_or(v);
            match Overrides::from_json(&v) {
                Ok(o) => self.set_overrides(o),
                Err(e) => self.show(MessageType::ERROR, format!("promptcost: {e}")),
            }
        }
    }

    pub fn set_overrides(&mut self, o: Overrides) {
        self.log_level = match o.log_level.as_deref() {
            Some("error") => MessageType::ERROR,
            Some("warn") | Some("warning") => MessageType::WARNING,
            Some("debug") | Some("trace") => MessageType::LOG,
            _ => MessageType::INFO,
        };
        match (o.claude_api == Some(true), self.api.is_some()) {
            (true, false) => {
                let counter = Arc::new(ApiCounter::from_env());
                let tx = spawn_api_thread(counter.clone(), self.jobs.clone());
                self.api = Some(ApiHandle { counter, tx });
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

    /// The API answered (or failed): show the new counts, and say when the status changes.
    fn api_answered(&mut self, answered: usize, before: ApiStatus, after: ApiStatus) {
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
                .filter(|(_, d)| matches!(d.kind, Kind::Prompt))
                .map(|(u, _)| u.clone())
                .collect();
            self.dirty.extend(uris);
            self.refresh = true;
        }
    }

    /// With `claudeApi` on: Claude estimates become the API's exact counts where it has
    /// answered for that text; the others are asked for (debounced) and stay estimates
    /// meanwhile. Budgets are checked again against the exact counts.
    fn apply_api(&self, uri: &Uri, d: &Doc, a: &mut Analysis) {
        let Some(api) = &self.api else { return };
        let mut changed = false;
        for p in std::iter::once(&mut a.file).chain(a.parts.iter_mut()) {
            if !p.counts.iter().any(|c| c.tokenizer == "claude") {
                continue;
            }
            let text = match p.kind {
                PromptKind::Literal => d
                    .doc
                    .code
                    .as_ref()
                    .and_then(|c| c.prompts.iter().find(|cp| cp.range == p.range))
                    .map(|cp| cp.value.clone())
                    .unwrap_or_default(),
                _ => d.doc.rope.byte_slice(p.range.clone()).to_string(),
            };
            for c in p.counts.iter_mut().filter(|c| c.tokenizer == "claude") {
                let Some(model) = d.settings.table.get(&c.model) else {
                    continue;
                };
                match api.counter.cached(&model.id, &text) {
                    Some(n) => {
                        *c = ModelCount::from_api(model, n);
                        changed = true;
                    }
                    None => {
                        let _ = api.tx.send(ApiRequest {
                            key: (uri.as_str().to_string(), p.name.clone(), model.id.clone()),
                            model: model.id.clone(),
                            text: text.clone(),
                        });
                    }
                }
            }
        }
        if changed {
            a.problems
                .retain(|x| x.code != "budget" && x.code != "context-window");
            budget_problems(a, &d.doc.rope);
        }
    }

    /// A line for hovers while `claudeApi` is on.
    fn api_line(&self) -> Option<String> {
        self.api.as_ref().map(|api| {
            format!(
                "\n\nClaude counts: Anthropic API, {}.",
                api.counter.status()
            )
        })
    }

    /// Re-reads configuration (a settings change or a `promptcost.toml` change) and
    /// re-analyses every open document.
    pub fn reload_config(&mut self) {
        self.settings.clear();
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

    /// Settings for a file: its nearest `promptcost.toml` (cached), with editor overrides.
    /// An invalid file gets a diagnostic at the offending key and the defaults keep working.
    fn settings_for(&mut self, path: &Path) -> Arc<Settings> {
        let dir = path.parent().unwrap_or(Path::new("/"));
        let config = find_config(dir);
        if let Some(s) = self.settings.get(&config) {
            return s.clone();
        }
        let root = config
            .as_ref()
            .and_then(|c| c.parent())
            .map(Path::to_path_buf)
            .or(self.root.clone())
            .unwrap_or_else(|| dir.to_path_buf());
        let loaded = match Settings::load(&root, config.as_deref(), &self.overrides) {
            Ok(s) => {
                if let Some(c) = &config {
                    if self.config_errors.remove(c) {
                        self.publish_config_error(c, None);
                    }
                }
                s
            }
            Err(e) => {
                match &config {
                    Some(c) if e.path.is_some() => {
                        self.config_errors.insert(c.clone());
                        self.publish_config_error(c, Some(&e));
                    }
                    _ => self.show(MessageType::ERROR, format!("promptcost: {e}")),
                }
                Settings::load(&root, None, &self.overrides).unwrap_or_else(|e2| {
                    self.show(
                        MessageType::ERROR,
                        format!("promptcost: {e2}; using the defaults"),
                    );
                    Settings::defaults(&root)
                })
            }
        };
        let s = Arc::new(loaded);
        self.settings.insert(config, s.clone());
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
                    range: self.range(&rope, span),
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
                    text.len(),
                    settings.max_file_size
                ),
            );
            Kind::Skipped
        } else if text.contains('\0') {
            self.log(
                MessageType::INFO,
                format!("{}: binary content, not counted", path.display()),
            );
            Kind::Skipped
        } else if prompt || lang.is_some() {
            Kind::Prompt
        } else {
            Kind::Other
        };
        let doc = match (lang, &kind) {
            (Some(lang), Kind::Prompt) => Document::new_code(
                &path,
                lang,
                &text,
                settings.code_rules(),
                &encodings_of(&settings.models),
            ),
            _ => Document::new(
                &path,
                if matches!(kind, Kind::Skipped) {
                    ""
                } else {
                    &text
                },
                &[],
            ),
        };
        self.docs.insert(
            uri.clone(),
            Doc {
                version,
                kind,
                doc,
                settings,
                pending: false,
                slow: false,
            },
        );
        self.count(&uri);
        self.dirty.insert(uri);
    }

    /// Makes sure a prompt document is counted in every encoding its models need: at once for
    /// a small text, on a background thread for a large one (the result is installed only if
    /// the document has not changed meanwhile, else the count starts again).
    fn count(&mut self, uri: &Uri) {
        let Some(d) = self.docs.get_mut(uri) else {
            return;
        };
        if !matches!(d.kind, Kind::Prompt) || d.pending {
            return;
        }
        let missing = d.doc.missing_encodings(&encodings_of(&d.settings.models));
        if missing.is_empty() {
            return;
        }
        if d.doc.len() < BACKGROUND_FROM && !d.slow {
            d.doc.ensure_encodings(&missing);
            return;
        }
        d.pending = true;
        let (job, version, uri, jobs) = (
            d.doc.counting_job(missing),
            d.version,
            uri.clone(),
            self.jobs.clone(),
        );
        std::thread::spawn(move || {
            let counters = job();
            let _ = jobs.send(Box::new(move |st: &mut State| {
                st.install_counts(uri, version, counters)
            }));
        });
    }

    fn install_counts(
        &mut self,
        uri: Uri,
        version: i32,
        counters: Vec<crate::tokenize::chunks::ChunkedCount>,
    ) {
        let Some(d) = self.docs.get_mut(&uri) else {
            return;
        };
        d.pending = false;
        if d.version == version {
            d.doc.install_counters(counters);
            self.dirty.insert(uri);
            self.refresh = true;
        } else {
            // Superseded while counting: count the current text.
            self.count(&uri);
        }
    }

    pub fn change(&mut self, uri: Uri, version: i32, changes: Vec<TextDocumentContentChangeEvent>) {
        let enc = self.enc;
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
        if matches!(d.kind, Kind::Skipped) {
            return;
        }
        let mut recount = false;
        for ch in changes {
            match ch.range {
                Some(r) => {
                    let rope = &d.doc.rope;
                    let a = position::to_offset(rope, enc, r.start.line, r.start.character);
                    let b = position::to_offset(rope, enc, r.end.line, r.end.character);
                    // A reversed range is taken as the range between its ends.
                    let range = a.min(b)..a.max(b);
                    if d.doc.edit_cost(range.clone()) > SLOW_EDIT_BYTES {
                        d.doc.drop_counters();
                        d.slow = true;
                        recount = true;
                    }
                    d.doc.replace(range, &ch.text);
                }
                None if ch.text.len() >= BACKGROUND_FROM && d.doc.code.is_none() => {
                    // Full-text sync of a large file: count it in the background.
                    d.doc = Document::new(&d.doc.path, &ch.text, &[]);
                    recount = true;
                }
                None => d.doc.set_text(&ch.text),
            }
        }
        d.version = version;
        self.dirty.insert(uri.clone());
        if recount {
            self.count(&uri);
        }
    }

    pub fn close(&mut self, uri: &Uri) {
        if self.docs.remove(uri).is_some() {
            let _ = self
                .out
                .send(Outgoing::Diagnostics(uri.clone(), vec![], None));
        }
    }

    /// Publishes diagnostics of documents changed since the last flush.
    fn flush(&mut self) {
        let dirty: Vec<Uri> = self.dirty.drain().collect();
        for uri in dirty {
            let enc = self.enc;
            let Some(d) = self.docs.get(&uri) else {
                continue;
            };
            if d.pending {
                continue;
            }
            let diags = match d.kind {
                Kind::Prompt => {
                    // Diagnostics need the file and the sections that have a budget.
                    let mut a = d.doc.analyze_where(&d.settings, &|s| s.has_budget);
                    self.apply_api(&uri, d, &mut a);
                    features::diagnostics(&d.doc, &a, enc)
                }
                _ => vec![],
            };
            let _ = self
                .out
                .send(Outgoing::Diagnostics(uri, diags, Some(d.version)));
        }
        if std::mem::take(&mut self.refresh) && (self.refresh_support.0 || self.refresh_support.1) {
            let _ = self.out.send(Outgoing::Refresh {
                hints: self.refresh_support.0,
                lenses: self.refresh_support.1,
            });
        }
    }

    fn range(&self, rope: &ropey::Rope, r: std::ops::Range<usize>) -> Range {
        let (sl, sc) = position::to_position(rope, self.enc, r.start);
        let (el, ec) = position::to_position(rope, self.enc, r.end);
        Range::new(Position::new(sl, sc), Position::new(el, ec))
    }

    /// The prompt document at `uri`, if it is one.
    fn prompt_doc(&self, uri: &Uri) -> Option<&Doc> {
        self.docs
            .get(uri)
            .filter(|d| matches!(d.kind, Kind::Prompt))
    }

    pub fn inlay_hints(&mut self, uri: &Uri, range: Range) -> Option<Vec<InlayHint>> {
        let enc = self.enc;
        let d = self.prompt_doc(uri)?;
        if d.pending {
            return Some(vec![features::counting_hint(&d.doc, enc)]);
        }
        let rope = &d.doc.rope;
        let from = position::to_offset(rope, enc, range.start.line, 0);
        let to = position::to_offset(rope, enc, range.end.line.saturating_add(1), 0);
        let mut a = d
            .doc
            .analyze_where(&d.settings, &|s| s.hint_at >= from && s.hint_at <= to);
        self.apply_api(uri, d, &mut a);
        Some(features::inlay_hints(&d.doc, &a, enc, range))
    }

    pub fn hover(&mut self, uri: &Uri, pos: Position) -> Option<Hover> {
        let enc = self.enc;
        let d = self.prompt_doc(uri)?;
        if d.pending {
            return Some(features::counting_hover(&d.doc));
        }
        let offset = position::to_offset(&d.doc.rope, enc, pos.line, pos.character);
        let len = d.doc.len();
        let mut a = d.doc.analyze_where(&d.settings, &|s| {
            s.range.contains(&offset) || (s.range.end == offset && offset == len)
        });
        self.apply_api(uri, d, &mut a);
        let mut h = features::hover(&d.doc, &a, &d.settings, offset);
        if let (HoverContents::Markup(m), Some(line)) = (&mut h.contents, self.api_line()) {
            m.value.push_str(&line);
        }
        Some(h)
    }

    pub fn code_lens(&mut self, uri: &Uri) -> Option<Vec<CodeLens>> {
        let d = self.prompt_doc(uri)?;
        if d.pending {
            return Some(features::counting_lens(&d.doc));
        }
        let mut a = d.doc.analyze_where(&d.settings, &|_| false);
        self.apply_api(uri, d, &mut a);
        Some(features::code_lens(&a))
    }

    pub fn count_request(&mut self, uri: &Uri, range: Option<Range>) -> Result<Value> {
        let enc = self.enc;
        let Some(d) = self.docs.get(uri) else {
            return Err(Error::invalid_params(format!(
                "document not open: {}",
                uri.as_str()
            )));
        };
        let rope = &d.doc.rope;
        let r = match range {
            Some(r) => {
                let a = position::to_offset(rope, enc, r.start.line, r.start.character);
                let b = position::to_offset(rope, enc, r.end.line, r.end.character);
                a.min(b)..a.max(b)
            }
            None => 0..rope.len_bytes(),
        };
        if d.pending && r.len() > BACKGROUND_FROM {
            return Err(Error {
                code: tower_lsp_server::jsonrpc::ErrorCode::ServerError(-32801),
                message: "counting in progress; try again".into(),
                data: None,
            });
        }
        let counts = d.doc.count_range(r.clone(), &d.settings.models);
        let chars = rope.byte_to_char(r.end) - rope.byte_to_char(r.start);
        let mut result = json!({
            "uri": uri.as_str(),
            "bytes": r.end - r.start,
            "chars": chars,
            "snapshot_date": d.settings.table.snapshot_date,
            "models": counts,
        });
        super::labels::add_to_count(&mut result);
        Ok(result)
    }

    pub fn models_request(&mut self) -> Value {
        let path = self.root.clone().unwrap_or_else(|| PathBuf::from("."));
        let s = self.settings_for(&path.join("x"));
        let mut v = crate::cli::models_json(&s.table, false);
        v["configured"] = json!(s.models.iter().map(|m| m.id.clone()).collect::<Vec<_>>());
        super::labels::add_to_models(&mut v);
        v
    }
}

fn uri_path(uri: &Uri) -> Option<PathBuf> {
    uri.to_file_path().map(|p| p.into_owned())
}
