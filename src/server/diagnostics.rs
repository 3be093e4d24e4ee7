//! Diagnostics of a prompt document: budgets, context windows, directives, models.
//! Pure: a function of the document and its analysis. Published by the session after the
//! queue drains, tagged with the document's version.

use tower_lsp_server::ls_types::*;

use super::session::lsp_range;
use crate::document::{Analysis, Document, Severity};
use crate::position::PosEncoding;

pub fn of(doc: &Document, a: &Analysis, enc: PosEncoding) -> Vec<Diagnostic> {
    a.problems
        .iter()
        .map(|p| Diagnostic {
            range: lsp_range(&doc.rope, enc, p.range.clone()),
            severity: Some(match p.severity {
                Severity::Error => DiagnosticSeverity::ERROR,
                Severity::Warning => DiagnosticSeverity::WARNING,
                Severity::Information => DiagnosticSeverity::INFORMATION,
            }),
            code: Some(NumberOrString::String(p.code.to_string())),
            source: Some("promptcost".into()),
            message: p.message.clone(),
            ..Default::default()
        })
        .collect()
}
