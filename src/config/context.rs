//! `[context]`: budgets for what coding agents load, validated (agent names resolved).

use std::ops::Range;

use toml::Spanned;

use super::{ConfigError, ContextSection};

/// `[context]`, validated: agent names resolved to their ids.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContextSettings {
    pub budget: Option<u64>,
    pub budgets: Vec<(String, u64)>,
    pub agents: Option<Vec<String>>,
}

impl ContextSettings {
    /// The budget of an agent's always-loaded context: its own, else the default.
    pub(crate) fn budget_for(&self, agent_id: &str) -> Option<u64> {
        self.budgets
            .iter()
            .find(|(a, _)| a == agent_id)
            .map(|(_, b)| *b)
            .or(self.budget)
    }
}

/// Checks `[context]`: positive budgets, known agent names.
pub(super) fn context_settings(
    c: ContextSection,
    err: &dyn Fn(Option<Range<usize>>, String) -> ConfigError,
) -> Result<ContextSettings, ConfigError> {
    let positive = |b: &Spanned<u64>, key: &str| {
        if *b.get_ref() == 0 {
            Err(err(
                Some(b.span()),
                format!("key `{key}`: a budget is a positive number of tokens"),
            ))
        } else {
            Ok(*b.get_ref())
        }
    };
    let mut out = ContextSettings {
        budget: c
            .budget
            .as_ref()
            .map(|b| positive(b, "context.budget"))
            .transpose()?,
        ..ContextSettings::default()
    };
    for (name, b) in c.budgets.iter().flatten() {
        let key = format!("context.budgets.{name}");
        let agent = crate::context::agents::find(name)
            .map_err(|e| err(Some(b.span()), format!("key `{key}`: {e}")))?;
        out.budgets.push((agent.id.clone(), positive(b, &key)?));
    }
    if let Some(list) = &c.agents {
        let mut ids = Vec::new();
        for n in list {
            let agent = crate::context::agents::find(n.get_ref())
                .map_err(|e| err(Some(n.span()), format!("key `context.agents`: {e}")))?;
            ids.push(agent.id.clone());
        }
        out.agents = Some(ids);
    }
    Ok(out)
}
