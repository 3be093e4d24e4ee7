//! The main loop: one thread that owns the [`Session`] and handles [`Event`]s strictly in
//! arrival order. After the queue drains, diagnostics are published once (so superseded
//! versions are never analysed). Until the client's settings arrive (bounded by
//! [`CONFIGURATION_WAIT`]), requests are held back so the first numbers are priced in the
//! user's models. A panic while handling an event is caught and logged; the loop goes on.
//! Never: runs on the async executor; waits on the network.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use tokio::sync::mpsc::UnboundedSender;
use tower_lsp_server::ls_types::MessageType;

use super::event::{Event, Request};
use super::session::{Outgoing, Session, CONFIGURATION_WAIT};
use super::{code_lens, commands, custom, hover, inlay_hint};

/// After an edit, how long the loop waits for a follow-up event before publishing
/// diagnostics...
const FLUSH_GRACE: Duration = Duration::from_millis(2);
/// ...and at most this long in all, so a stream of edits still gets its diagnostics.
const FLUSH_GRACE_MAX: Duration = Duration::from_millis(8);

struct MainLoop {
    session: Session,
    /// Requests that arrived before the client's settings.
    held: Vec<Request>,
}

/// Starts the main loop's thread; returns its queue.
pub fn spawn(out: UnboundedSender<Outgoing>) -> mpsc::Sender<Event> {
    let (tx, rx) = mpsc::channel::<Event>();
    let mut lp = MainLoop {
        session: Session::new(out, tx.clone()),
        held: Vec::new(),
    };
    std::thread::Builder::new()
        .name("promptcost-main-loop".into())
        .spawn(move || loop {
            let event = match lp.session.configuration_deadline() {
                Some(deadline) => {
                    let wait = deadline.saturating_duration_since(Instant::now());
                    match rx.recv_timeout(wait) {
                        Ok(e) => e,
                        Err(mpsc::RecvTimeoutError::Timeout) => {
                            lp.configuration_timed_out();
                            lp.session.flush();
                            continue;
                        }
                        Err(mpsc::RecvTimeoutError::Disconnected) => return,
                    }
                }
                None => match rx.recv() {
                    Ok(e) => e,
                    Err(_) => return,
                },
            };
            let mut edited = event.is_edit();
            lp.handle(event);
            // Drain what queued up meanwhile before publishing: results are computed only
            // for the newest text. After an edit, wait a moment for the request that usually
            // follows it (inlay hints, a hover): it is answered before the diagnostics are
            // computed, so its latency never includes a whole-document analysis.
            let grace_end = Instant::now() + FLUSH_GRACE_MAX;
            loop {
                while let Ok(e) = rx.try_recv() {
                    edited |= e.is_edit();
                    lp.handle(e);
                }
                if !edited {
                    break;
                }
                let wait = FLUSH_GRACE.min(grace_end.saturating_duration_since(Instant::now()));
                match rx.recv_timeout(wait) {
                    Ok(e) => {
                        edited = e.is_edit();
                        lp.handle(e);
                    }
                    Err(mpsc::RecvTimeoutError::Timeout) => break,
                    Err(mpsc::RecvTimeoutError::Disconnected) => return,
                }
            }
            lp.session.flush();
        })
        .expect("spawn the main loop");
    tx
}

impl MainLoop {
    fn handle(&mut self, event: Event) {
        if catch_unwind(AssertUnwindSafe(|| self.dispatch(event))).is_err() {
            // The panic message went to the default hook; the request's reply channel was
            // dropped, so the client gets an internal error.
            self.session.log(
                MessageType::ERROR,
                "internal error while handling a message; the server goes on".into(),
            );
        }
    }

    fn dispatch(&mut self, event: Event) {
        let s = &mut self.session;
        match event {
            Event::Initialize(info) => s.initialize(*info),
            Event::Configuration(v) => {
                s.configured(v);
                self.release_held();
            }
            Event::Open {
                uri,
                version,
                text,
                language_id,
            } => s.open(uri, version, text, language_id),
            Event::Change {
                uri,
                version,
                changes,
            } => s.change(uri, version, changes),
            Event::Save(uri) => s.save(&uri),
            Event::Close(uri) => s.close(&uri),
            Event::ConfigFilesChanged => s.reload_config(),
            Event::CountsReady {
                uri,
                version,
                counters,
            } => s.install_counts(uri, version, counters),
            Event::ApiAnswered {
                answered,
                before,
                after,
            } => s.api_answered(answered, before, after),
            Event::Log(level, text) => s.log(level, text),
            Event::Request(r) if s.awaiting_configuration() => self.held.push(r),
            Event::Request(r) => self.request(r),
        }
    }

    fn configuration_timed_out(&mut self) {
        self.session.log(
            MessageType::WARNING,
            format!(
                "no settings from the client within {} s: counting with promptcost.toml and the defaults",
                CONFIGURATION_WAIT.as_secs()
            ),
        );
        self.session.end_configuration_wait();
        self.release_held();
    }

    fn release_held(&mut self) {
        for r in std::mem::take(&mut self.held) {
            self.request(r);
        }
    }

    fn request(&mut self, r: Request) {
        if r.is_cancelled() {
            self.session.skipped_cancelled += 1;
            return;
        }
        let s = &mut self.session;
        s.reload_config_if_changed();
        match r {
            Request::InlayHints { uri, range, reply } => {
                let _ = reply.send(inlay_hint::handle(s, &uri, range));
            }
            Request::Hover {
                uri,
                position,
                reply,
            } => {
                let _ = reply.send(hover::handle(s, &uri, position));
            }
            Request::CodeLens { uri, reply } => {
                let _ = reply.send(code_lens::handle(s, &uri));
            }
            Request::ExecuteCommand { params, reply } => {
                let _ = reply.send(commands::handle(s, params));
            }
            Request::Count { params, reply } => {
                let _ = reply.send(custom::count(s, params));
            }
            Request::Models { reply } => {
                let _ = reply.send(custom::models(s));
            }
            Request::Status { reply } => {
                let _ = reply.send(custom::status(s));
            }
        }
    }
}
