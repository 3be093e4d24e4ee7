//! promptcost's own requests (`promptcost/count`, `/models`, `/status`; types in `ext.rs`).

use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};

use super::ext::{ApiInfo, CountParams, CountResult, ModelCount, ModelsResult, StatusResult};
use super::open_doc::BACKGROUND_FROM;
use super::session::Session;
use crate::position;

pub fn count(s: &Session, p: CountParams) -> Result<CountResult> {
    let enc = s.enc();
    let uri = &p.text_document.uri;
    let Some(d) = s.docs.get(uri) else {
        return Err(Error::invalid_params(format!(
            "document not open: {}",
            uri.as_str()
        )));
    };
    let rope = &d.doc.rope;
    let r = match p.range {
        Some(r) => {
            let a = position::to_offset(rope, enc, r.start.line, r.start.character);
            let b = position::to_offset(rope, enc, r.end.line, r.end.character);
            a.min(b)..a.max(b)
        }
        None => 0..rope.len_bytes(),
    };
    if d.counting() && r.len() > BACKGROUND_FROM {
        return Err(Error {
            code: ErrorCode::ServerError(-32801),
            message: "counting in progress; try again".into(),
            data: None,
        });
    }
    let counts = d.doc.count_range(r.clone(), &d.settings.models);
    let chars = rope.byte_to_char(r.end) - rope.byte_to_char(r.start);
    Ok(CountResult {
        uri: uri.as_str().to_string(),
        bytes: r.end - r.start,
        chars,
        chars_label: crate::format::thousands(chars as u64),
        snapshot_date: d.settings.table.snapshot_date.clone(),
        models: counts.iter().map(ModelCount::from).collect(),
    })
}

pub fn models(s: &mut Session) -> ModelsResult {
    let settings = s.root_settings();
    let configured = settings.models.iter().map(|m| m.id.clone()).collect();
    crate::cli::models_result(&settings.table, false, configured)
}

pub fn status(s: &Session) -> StatusResult {
    StatusResult {
        documents: s.docs.len(),
        skipped_cancelled_requests: s.skipped_cancelled,
        claude_api: s.api.as_ref().map(|a| ApiInfo {
            status: a.counter.status().to_string(),
            requests: a.counter.calls(),
        }),
        awaiting_configuration: s.awaiting_configuration(),
    }
}
