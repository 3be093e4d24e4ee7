//! OpenAI's encodings (`o200k_base`, `cl100k_base`): which exact implementation counts a text.
//!
//! Owns: the choice between two exact counters that agree token for token with OpenAI's
//! `tiktoken` (oracle tests, a differential fuzz target): `toktok` (several times faster, but
//! its tables take ~0.3 s to build) and `bpe-openai` (ready in ~50 ms). `toktok`'s tables are
//! built lazily: at once for a text big enough to repay them, on a background thread once a
//! process has counted enough text (a `check` run, an editor session), or by
//! [`warm_up`] (the server, off the request path, for `o200k_base`). Until they are ready `bpe-openai` counts,
//! so `promptcost count small.md` starts as fast as before.
//! Never: changes a count (both counters are exact), or blocks a small count on a table build.

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::OnceLock;

/// Zero bytes after the text handed to `toktok`: its piece cache (`pcache::pack_key`, 0.3.0)
/// loads 16 bytes at a time and may read up to 15 bytes past the end of the input (found by
/// our fuzz target under AddressSanitizer). The text is copied into a buffer that ends in
/// these zeros, so that read stays inside memory we own and initialised; counts do not
/// depend on those bytes (the oracle and fuzz tests compare with bpe-openai).
const TOKTOK_SLACK: usize = 64;

thread_local! {
    static PADDED: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// `toktok`'s count of `text`, read from a zero-padded copy (see [`TOKTOK_SLACK`]).
fn toktok_count(tok: &toktok::Tokenizer, text: &str) -> usize {
    PADDED.with(|buf| {
        let Ok(mut buf) = buf.try_borrow_mut() else {
            let mut own = Vec::new();
            return padded_count(tok, text, &mut own);
        };
        padded_count(tok, text, &mut buf)
    })
}

fn padded_count(tok: &toktok::Tokenizer, text: &str, buf: &mut Vec<u8>) -> usize {
    buf.clear();
    buf.reserve(text.len() + TOKTOK_SLACK);
    buf.extend_from_slice(text.as_bytes());
    buf.resize(text.len() + TOKTOK_SLACK, 0);
    let n = tok.count(&buf[..text.len()]);
    if buf.capacity() > (4 << 20) {
        // Do not keep a large file's copy per thread.
        *buf = Vec::new();
    }
    n
}

/// The two OpenAI encodings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OpenAi {
    O200k,
    Cl100k,
}

/// A text at least this long builds the fast tables at once: building them (~0.3 s) costs
/// less than counting it with `bpe-openai` instead.
const BUILD_NOW: usize = 4 << 20;
/// After this many bytes counted by `bpe-openai` in one process, the fast tables are built on
/// a background thread (a `check` over many files, an editor session without warm-up).
const BUILD_IN_BACKGROUND: usize = 512 << 10;

struct Slot {
    fast: OnceLock<toktok::Tokenizer>,
    spawned: AtomicBool,
    slow_bytes: AtomicUsize,
}

static SLOTS: [Slot; 2] = [Slot::new(), Slot::new()];

impl Slot {
    const fn new() -> Slot {
        Slot {
            fast: OnceLock::new(),
            spawned: AtomicBool::new(false),
            slow_bytes: AtomicUsize::new(0),
        }
    }
}

impl OpenAi {
    fn slot(self) -> &'static Slot {
        &SLOTS[self as usize]
    }

    fn name(self) -> &'static str {
        match self {
            OpenAi::O200k => "o200k_base",
            OpenAi::Cl100k => "cl100k_base",
        }
    }

    /// The fast counter, built now if needed.
    fn fast(self) -> &'static toktok::Tokenizer {
        self.slot().fast.get_or_init(|| {
            // The embedded tables of a published crate version: a failure is a build defect.
            toktok::Tokenizer::builtin(self.name()).expect("toktok's embedded tables load")
        })
    }

    fn slow(self) -> &'static bpe_openai::Tokenizer {
        match self {
            OpenAi::O200k => bpe_openai::o200k_base(),
            OpenAi::Cl100k => bpe_openai::cl100k_base(),
        }
    }

    /// Exact token count of `text` (no special tokens).
    pub(crate) fn count(self, text: &str) -> usize {
        let slot = self.slot();
        if let Some(fast) = slot.fast.get() {
            return toktok_count(fast, text);
        }
        if text.len() >= BUILD_NOW {
            return toktok_count(self.fast(), text);
        }
        let counted = slot.slow_bytes.fetch_add(text.len(), Ordering::Relaxed) + text.len();
        if counted >= BUILD_IN_BACKGROUND && !slot.spawned.swap(true, Ordering::Relaxed) {
            // If no thread can be started, bpe-openai simply keeps counting.
            let _ = std::thread::Builder::new()
                .name(format!("promptcost-{}", self.name()))
                .spawn(move || {
                    self.fast();
                });
        }
        self.slow().count(text)
    }

    /// Exact count with `bpe-openai` only (the differential fuzz target and benchmarks).
    pub(crate) fn count_reference(self, text: &str) -> usize {
        self.slow().count(text)
    }

    /// Exact count with `toktok` only, building its tables if needed.
    pub(crate) fn count_fast(self, text: &str) -> usize {
        toktok_count(self.fast(), text)
    }
}

/// Loads tables now (the server calls this on a background thread): `o200k_base`'s fast
/// tables (67 MB; most models count with it), but `cl100k_base`'s `bpe-openai` tables only
/// (29 MB instead of 49 MB: few models still use it; its fast tables follow when enough text
/// is counted).
pub(crate) fn warm_up(enc: OpenAi) {
    match enc {
        OpenAi::O200k => {
            enc.fast();
        }
        OpenAi::Cl100k => {
            enc.slow();
        }
    }
}
