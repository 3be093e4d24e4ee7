//! Exact Claude counts from Anthropic's token-counting endpoint: opt-in, off by default.
//!
//! Owns: the HTTP call `POST {base}/v1/messages/count_tokens` (the text as one user
//! message), a cache by model and content hash, a rate limit, back-off after failures, and a
//! status the editor and the CLI show. Never: runs unless the user turned it on (the editor
//! setting `claudeApi`, or `--claude-api` on the command line; a workspace file cannot), reads
//! the key from anywhere but the `ANTHROPIC_API_KEY` environment variable, or fails a count:
//! on any error the caller keeps the estimate.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const KEY_ENV: &str = "ANTHROPIC_API_KEY";
/// Another endpoint (a proxy, or a test server): `http://127.0.0.1:8080`.
pub const BASE_URL_ENV: &str = "PROMPTCOST_ANTHROPIC_BASE_URL";
/// Requests per minute (default 50: Anthropic's lowest tier allows 100 for this endpoint).
pub const RPM_ENV: &str = "PROMPTCOST_ANTHROPIC_RPM";
pub const DEFAULT_BASE_URL: &str = "https://api.anthropic.com";
pub const API_VERSION: &str = "2023-06-01";
/// How a count from the API is labelled wherever counts are shown.
pub const EXACT_VIA_API: &str = "exact via API";

/// What the last attempt said; shown next to Claude counts.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiStatus {
    /// Nothing asked yet.
    Idle,
    /// The last call succeeded.
    Ok,
    /// `ANTHROPIC_API_KEY` is not set.
    NoKey,
    /// Could not connect (offline, DNS, timeout): retried after a pause.
    Offline(String),
    /// The API answered with an error (bad key, unknown model, rate limit...).
    Refused(String),
}

impl std::fmt::Display for ApiStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiStatus::Idle => f.write_str("waiting for the first answer"),
            ApiStatus::Ok => f.write_str(EXACT_VIA_API),
            ApiStatus::NoKey => write!(f, "{KEY_ENV} is not set"),
            ApiStatus::Offline(e) => write!(f, "offline ({e})"),
            ApiStatus::Refused(e) => write!(f, "refused ({e})"),
        }
    }
}

pub struct ApiCounter {
    agent: ureq::Agent,
    base: String,
    key: Option<String>,
    min_interval: Duration,
    cache: Mutex<HashMap<(String, u64), u64>>,
    last_call: Mutex<Option<Instant>>,
    /// No call before this instant (after a failure).
    pause_until: Mutex<Option<Instant>>,
    status: Mutex<ApiStatus>,
    calls: AtomicU64,
}

fn content_hash(text: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

/// The API key from `ANTHROPIC_API_KEY` (unset or blank: none).
pub fn api_key() -> Option<String> {
    std::env::var(KEY_ENV).ok().filter(|k| !k.trim().is_empty())
}

impl ApiCounter {
    /// From the environment: the key, and optionally another endpoint and rate.
    pub fn from_env() -> ApiCounter {
        let key = api_key();
        let base = std::env::var(BASE_URL_ENV)
            .ok()
            .filter(|b| !b.is_empty())
            .unwrap_or_else(|| DEFAULT_BASE_URL.to_string());
        let rpm = std::env::var(RPM_ENV)
            .ok()
            .and_then(|v| v.parse::<u32>().ok())
            .filter(|&r| r > 0)
            .unwrap_or(50);
        ApiCounter::new(&base, key, rpm)
    }

    pub fn new(base: &str, key: Option<String>, requests_per_minute: u32) -> ApiCounter {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(15)))
            .http_status_as_error(false)
            .build()
            .into();
        ApiCounter {
            agent,
            base: base.trim_end_matches('/').to_string(),
            key,
            min_interval: Duration::from_secs(60) / requests_per_minute.max(1),
            cache: Mutex::new(HashMap::new()),
            last_call: Mutex::new(None),
            pause_until: Mutex::new(None),
            status: Mutex::new(ApiStatus::Idle),
            calls: AtomicU64::new(0),
        }
    }

    pub fn status(&self) -> ApiStatus {
        self.status
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// HTTP requests made so far.
    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    /// The API's count of `text` for `model`, if it was asked before.
    pub fn cached(&self, model: &str, text: &str) -> Option<u64> {
        if text.is_empty() {
            return Some(0);
        }
        self.cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&(model.to_string(), content_hash(text)))
            .copied()
    }

    fn set_status(&self, s: ApiStatus) {
        *self.status.lock().unwrap_or_else(|p| p.into_inner()) = s;
    }

    /// The exact count, from the cache or the API (blocking; waits for the rate limit).
    /// `Err` carries the status to show; the caller keeps its estimate.
    pub fn count(&self, model: &str, text: &str) -> Result<u64, ApiStatus> {
        if let Some(n) = self.cached(model, text) {
            return Ok(n);
        }
        let Some(key) = self.key.as_deref() else {
            self.set_status(ApiStatus::NoKey);
            return Err(ApiStatus::NoKey);
        };
        if let Some(until) = *self.pause_until.lock().unwrap_or_else(|p| p.into_inner()) {
            if Instant::now() < until {
                return Err(self.status());
            }
        }
        {
            let mut last = self.last_call.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(t) = *last {
                let wait = (t + self.min_interval).saturating_duration_since(Instant::now());
                std::thread::sleep(wait);
            }
            *last = Some(Instant::now());
        }
        self.calls.fetch_add(1, Ordering::Relaxed);
        let body =
            serde_json::json!({"model": model, "messages": [{"role": "user", "content": text}]})
                .to_string();
        let url = format!("{}/v1/messages/count_tokens", self.base);
        let result = self
            .agent
            .post(&url)
            .header("x-api-key", key)
            .header("anthropic-version", API_VERSION)
            .header("content-type", "application/json")
            .send(body.as_str());
        let pause = |d: u64| {
            *self.pause_until.lock().unwrap_or_else(|p| p.into_inner()) =
                Some(Instant::now() + Duration::from_secs(d))
        };
        let mut resp = match result {
            Ok(r) => r,
            Err(e) => {
                let s = ApiStatus::Offline(e.to_string());
                self.set_status(s.clone());
                pause(30);
                return Err(s);
            }
        };
        let code = resp.status().as_u16();
        let text_body = resp.body_mut().read_to_string().unwrap_or_default();
        let json: serde_json::Value =
            serde_json::from_str(&text_body).unwrap_or(serde_json::Value::Null);
        if code == 200 {
            if let Some(n) = json["input_tokens"].as_u64() {
                self.cache
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert((model.to_string(), content_hash(text)), n);
                self.set_status(ApiStatus::Ok);
                return Ok(n);
            }
            let s = ApiStatus::Refused(format!(
                "HTTP 200 without input_tokens: {}",
                truncate(&text_body)
            ));
            self.set_status(s.clone());
            return Err(s);
        }
        let message = json["error"]["message"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| truncate(&text_body));
        let s = ApiStatus::Refused(format!("HTTP {code}: {message}"));
        self.set_status(s.clone());
        // A bad key will not get better by asking again soon; a rate limit will.
        pause(match code {
            401 | 403 => 300,
            429 => 60,
            _ => 10,
        });
        Err(s)
    }
}

fn truncate(s: &str) -> String {
    let s = s.trim();
    match s.char_indices().nth(200) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}
