//! `workspace/executeCommand`: the commands the server's lenses carry, so that a lens works
//! in every client, not only in those that implement the command themselves.
//! `promptcost.showModels [uri]`: shows the models a file is priced in (a message) and
//! returns the `promptcost/models` result.

use serde_json::Value;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;

use super::ext::SHOW_MODELS_COMMAND;
use super::session::{uri_path, Session};
use crate::format;

/// The commands the server runs.
pub const COMMANDS: &[&str] = &[SHOW_MODELS_COMMAND];

pub fn handle(s: &mut Session, p: ExecuteCommandParams) -> Result<Option<Value>> {
    match p.command.as_str() {
        SHOW_MODELS_COMMAND => {
            let file = p
                .arguments
                .first()
                .and_then(Value::as_str)
                .and_then(|u| u.parse::<Uri>().ok())
                .and_then(|u| uri_path(&u));
            let settings = match &file {
                Some(path) => s.settings_for(path),
                None => s.root_settings(),
            };
            let mut text = match &file {
                Some(path) => format!("promptcost: models for {}\n", path.display()),
                None => "promptcost: configured models\n".to_string(),
            };
            for (i, m) in settings.models.iter().enumerate() {
                let primary = if i == 0 { " (primary)" } else { "" };
                text.push_str(&format!(
                    "  {}{primary}: {} / 1M input tokens, context {}, {}\n",
                    m.id,
                    format::per_million(m.base.input),
                    m.max_input_tokens
                        .map_or_else(|| "unknown".into(), format::window),
                    m.accuracy_label()
                ));
            }
            text.push_str(&format!(
                "Prices: snapshot {} ({} models; `promptcost models` lists them all).",
                settings.table.snapshot_date,
                format::thousands(settings.table.models().len() as u64)
            ));
            s.show(MessageType::INFO, text);
            let configured = settings.models.iter().map(|m| m.id.clone()).collect();
            let result = crate::cli::models_result(&settings.table, s.api.is_some(), configured);
            Ok(Some(
                serde_json::to_value(result).map_err(|_| Error::internal_error())?,
            ))
        }
        other => Err(Error::invalid_params(format!("unknown command: {other}"))),
    }
}
