//! The rules a `check` violation can break: one table with each rule's name (in JSON and
//! GitHub annotations), SARIF id, level and descriptions. Never: decides whether a rule is
//! broken (the check does).

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rule {
    Budget,
    ContextWindow,
    Growth,
    CostBudget,
    MonthlyBudget,
    ContextBudget,
    ContextGrowth,
}

impl Rule {
    pub const ALL: [Rule; 7] = [
        Rule::Budget,
        Rule::ContextWindow,
        Rule::Growth,
        Rule::CostBudget,
        Rule::MonthlyBudget,
        Rule::ContextBudget,
        Rule::ContextGrowth,
    ];

    /// The name in JSON, GitHub annotations and SARIF `name`.
    pub fn name(self) -> &'static str {
        match self {
            Rule::Budget => "budget",
            Rule::ContextWindow => "context-window",
            Rule::Growth => "growth",
            Rule::CostBudget => "cost-budget",
            Rule::MonthlyBudget => "monthly-budget",
            Rule::ContextBudget => "context-budget",
            Rule::ContextGrowth => "context-growth",
        }
    }

    /// The SARIF rule id (PC + number, as SARIF recommends).
    pub fn sarif_id(self) -> &'static str {
        match self {
            Rule::Budget => "PC1001",
            Rule::ContextWindow => "PC1002",
            Rule::Growth => "PC1003",
            Rule::CostBudget => "PC1004",
            Rule::MonthlyBudget => "PC1005",
            Rule::ContextBudget => "PC1006",
            Rule::ContextGrowth => "PC1007",
        }
    }

    /// SARIF's default level: only a prompt that cannot fit its model is an error.
    pub fn level(self) -> &'static str {
        match self {
            Rule::ContextWindow => "error",
            _ => "warning",
        }
    }

    /// About an agent's always-loaded context rather than one prompt.
    pub fn is_context(self) -> bool {
        matches!(self, Rule::ContextBudget | Rule::ContextGrowth)
    }

    pub fn title(self) -> &'static str {
        match self {
            Rule::Budget => "Prompt over its token budget",
            Rule::ContextWindow => "Prompt over a model's context window",
            Rule::Growth => "Prompt grew more than allowed",
            Rule::CostBudget => "Prompt over its dollar budget per call",
            Rule::MonthlyBudget => "Prompt over its dollar budget per month",
            Rule::ContextBudget => "Agent context over its budget",
            Rule::ContextGrowth => "Agent context grew more than allowed",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Rule::Budget => "A prompt file, section, message or code literal has more tokens than its budget (from promptcost.toml, front matter or a promptcost: directive).",
            Rule::ContextWindow => "A prompt file has more tokens than the context window of one of the configured models.",
            Rule::Growth => "A prompt grew by more than --max-growth since the base revision.",
            Rule::CostBudget => "A prompt's cost per call (input, expected output, cache as configured) is over its budget_usd (from promptcost.toml or a promptcost: directive).",
            Rule::MonthlyBudget => "A prompt's cost per month at its configured volume is over its monthly_budget_usd (from promptcost.toml or a promptcost: directive).",
            Rule::ContextBudget => "What a coding agent loads into every session (its memory files, imports and always-on rules) has more tokens than the [context] budget in promptcost.toml.",
            Rule::ContextGrowth => "What a coding agent loads into every session grew by more than --max-growth since the base revision.",
        }
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_sarif_ids_are_unique_and_kebab_case() {
        let mut names: Vec<_> = Rule::ALL.iter().map(|r| r.name()).collect();
        let mut ids: Vec<_> = Rule::ALL.iter().map(|r| r.sarif_id()).collect();
        names.dedup();
        ids.sort();
        ids.dedup();
        assert_eq!((names.len(), ids.len()), (7, 7));
        for r in Rule::ALL {
            let kebab = format!("{r:?}")
                .chars()
                .enumerate()
                .flat_map(|(i, c)| match (i, c.is_uppercase()) {
                    (0, _) | (_, false) => vec![c.to_ascii_lowercase()],
                    _ => vec!['-', c.to_ascii_lowercase()],
                })
                .collect::<String>();
            assert_eq!(kebab, r.name(), "the variant's name, kebab-case");
        }
    }
}
