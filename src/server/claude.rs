//! Exact Claude counts in the editor, when the user turned `claudeApi` on: a request thread
//! that debounces texts, asks Anthropic's `count_tokens` (rate limit, cache and back-off live
//! in [`ApiCounter`]) and tells the main loop what changed; and the one place where an
//! analysis's Claude estimates are replaced by the API's counts.
//! Never: runs while the setting is off; blocks the main loop on the network.

use std::collections::HashMap;
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use super::event::Event;
use crate::anthropic::ApiCounter;
use crate::config::Settings;
use crate::document::{budget_problems, Analysis, Document, ModelCount, PromptKind};
use crate::pricing::Tokenizer;

/// Requests wait this long without a newer text before they are sent...
const DEBOUNCE: Duration = Duration::from_millis(600);
/// ...but no longer than this after the first (counts arrive even while typing on).
const MAX_WAIT: Duration = Duration::from_secs(5);

/// Document, prompt and model: a newer text for the same key replaces an older one still
/// waiting (typing sends one request, after the pause).
type Key = (String, String, String);

struct Ask {
    key: Key,
    model: String,
    text: String,
}

/// The opt-in Anthropic counter and its request thread.
pub struct ClaudeApi {
    pub counter: Arc<ApiCounter>,
    tx: mpsc::Sender<Ask>,
}

impl ClaudeApi {
    pub fn start(events: mpsc::Sender<Event>) -> ClaudeApi {
        let counter = Arc::new(ApiCounter::from_env());
        let tx = spawn(counter.clone(), events);
        ClaudeApi { counter, tx }
    }

    /// A line for hovers.
    pub fn hover_line(&self) -> String {
        format!(
            "\n\nClaude counts: Anthropic API, {}.",
            self.counter.status()
        )
    }

    /// Claude estimates become the API's exact counts where it has answered for that text;
    /// the others are asked for (debounced) and stay estimates meanwhile. Budgets are
    /// checked again against the exact counts.
    pub fn apply(&self, doc_key: &str, doc: &Document, settings: &Settings, a: &mut Analysis) {
        let mut changed = false;
        for p in std::iter::once(&mut a.file).chain(a.parts.iter_mut()) {
            if !p.counts.iter().any(|c| is_claude(c.tokenizer)) {
                continue;
            }
            let text = match p.kind {
                PromptKind::Literal => doc.literal_value(p.range.clone()).unwrap_or_default(),
                _ => doc.rope.byte_slice(p.range.clone()).to_string(),
            };
            for c in p.counts.iter_mut().filter(|c| is_claude(c.tokenizer)) {
                let Some(model) = settings.table.get(&c.model) else {
                    continue;
                };
                match self.counter.cached(&model.id, &text) {
                    Some(n) => {
                        *c = ModelCount::from_api(model, n);
                        changed = true;
                    }
                    None => {
                        let _ = self.tx.send(Ask {
                            key: (doc_key.to_string(), p.name.clone(), model.id.clone()),
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
            budget_problems(a, &doc.rope);
        }
    }
}

/// Claude models count with per-family estimates unless the API answers.
fn is_claude(tokenizer: Tokenizer) -> bool {
    tokenizer == Tokenizer::Claude
}

/// The request thread: debounces, asks the API, then tells the main loop what changed.
fn spawn(counter: Arc<ApiCounter>, events: mpsc::Sender<Event>) -> mpsc::Sender<Ask> {
    let (tx, rx) = mpsc::channel::<Ask>();
    std::thread::Builder::new()
        .name("promptcost-anthropic".into())
        .spawn(move || {
            let mut pending: HashMap<Key, (String, String)> = HashMap::new();
            while let Ok(first) = rx.recv() {
                if counter.cached(&first.model, &first.text).is_some() {
                    continue;
                }
                // Send once no *new* text has come for DEBOUNCE (repeats of a text already
                // waiting, from hovers and hints, do not postpone it), at most MAX_WAIT after
                // the first.
                let start = Instant::now();
                let mut deadline = start + DEBOUNCE;
                pending.insert(first.key, (first.model, first.text));
                loop {
                    let now = Instant::now();
                    if now >= deadline {
                        break;
                    }
                    match rx.recv_timeout(deadline - now) {
                        Ok(r) => {
                            let new = pending.get(&r.key).is_none_or(|(_, t)| *t != r.text)
                                && counter.cached(&r.model, &r.text).is_none();
                            if new {
                                pending.insert(r.key, (r.model, r.text));
                                deadline = (Instant::now() + DEBOUNCE).min(start + MAX_WAIT);
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
                let ev = Event::ApiAnswered {
                    answered,
                    before,
                    after,
                };
                if events.send(ev).is_err() {
                    return;
                }
            }
        })
        .expect("spawn the Anthropic request thread");
    tx
}
