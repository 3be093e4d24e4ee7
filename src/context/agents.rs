//! The agents' loading rules: `data/agents.toml`, embedded and parsed once, validated by tests.
//!
//! Owns: the typed form of the table and agent-name resolution (ids, aliases, suggestions).
//! Never: reads the tree or counts (see `load.rs`).

use std::sync::OnceLock;

use serde::Deserialize;

const TABLE: &str = include_str!("../../data/agents.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    agents: Vec<Agent>,
}

/// One coding agent and where its context comes from.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Agent {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// `@path` imports are followed (Claude Code, Gemini CLI).
    #[serde(default)]
    pub imports: bool,
    /// Hops an import chain may take (the memory file is hop 0).
    #[serde(default)]
    pub import_depth: usize,
    /// A cap on the combined bytes of the memory files (Codex `project_doc_max_bytes`).
    pub max_bytes: Option<usize>,
    /// `FILE#dotted.key`: a JSON setting that replaces the memory names.
    pub names_setting: Option<String>,
    pub sources: Vec<Source>,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Memory,
    File,
    Rules,
    Skills,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    Paths,
    Cursor,
    ApplyTo,
}

#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum FrontMatter {
    #[default]
    Keep,
    Strip,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub kind: Kind,
    #[serde(default)]
    pub names: Vec<String>,
    pub path: Option<String>,
    pub glob: Option<String>,
    pub mode: Option<Mode>,
    #[serde(default)]
    pub front_matter: FrontMatter,
    #[serde(default)]
    pub one_per_dir: bool,
    #[serde(default)]
    pub skip_empty: bool,
    /// For memory files below the start directory: when they load (`{dir}` is replaced).
    pub nested: Option<String>,
    /// The vendor page the rule comes from, and the day it was read: provenance that
    /// `data/agents.toml` must carry for every rule (checked by a test; not shown).
    #[cfg_attr(not(test), allow(dead_code))]
    pub doc: String,
    #[cfg_attr(not(test), allow(dead_code))]
    pub read: String,
}

/// Every agent, in table order.
pub fn all() -> &'static [Agent] {
    static AGENTS: OnceLock<Vec<Agent>> = OnceLock::new();
    AGENTS.get_or_init(|| parse(TABLE).expect("data/agents.toml is valid (checked by tests)"))
}

/// Why `data/agents.toml` cannot be read (a build defect: the tests read it).
#[derive(Debug, thiserror::Error)]
enum TableError {
    #[error(transparent)]
    Toml(#[from] toml::de::Error),
    #[error("agent {agent}: a {kind} source lacks its names, path, glob or mode")]
    Incomplete { agent: String, kind: String },
}

fn parse(text: &str) -> Result<Vec<Agent>, TableError> {
    let t: Table = toml::from_str(text)?;
    for a in &t.agents {
        for s in &a.sources {
            let ok = match s.kind {
                Kind::Memory => !s.names.is_empty(),
                Kind::File => s.path.is_some(),
                Kind::Rules => s.glob.is_some() && s.mode.is_some(),
                Kind::Skills => s.glob.is_some(),
            };
            if !ok {
                return Err(TableError::Incomplete {
                    agent: a.id.clone(),
                    kind: format!("{:?}", s.kind),
                });
            }
        }
    }
    Ok(t.agents)
}

/// Unknown agent name, with the closest known one.
#[derive(Debug, thiserror::Error)]
#[error("unknown agent '{name}'{}; known agents: {known}", suggestion.as_ref().map_or(String::new(), |s| format!("; did you mean '{s}'?")))]
pub struct UnknownAgent {
    pub name: String,
    pub suggestion: Option<String>,
    pub known: String,
}

/// An agent by id or alias (case-insensitive).
pub fn find(name: &str) -> Result<&'static Agent, UnknownAgent> {
    let n = name.trim().to_ascii_lowercase();
    if let Some(a) = all()
        .iter()
        .find(|a| a.id == n || a.aliases.contains(&n) || a.name.to_ascii_lowercase() == n)
    {
        return Ok(a);
    }
    let suggestion = all()
        .iter()
        .flat_map(|a| std::iter::once(&a.id).chain(&a.aliases))
        .map(|c| (strsim::jaro_winkler(&n, c), c))
        .filter(|(s, _)| *s > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c.clone());
    Err(UnknownAgent {
        name: name.to_string(),
        suggestion,
        known: all()
            .iter()
            .map(|a| a.id.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_valid_and_every_rule_has_a_dated_source() {
        let agents = parse(TABLE).unwrap();
        let ids: Vec<&str> = agents.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["claude-code", "codex", "cursor", "copilot", "gemini"]);
        for a in &agents {
            assert!(!a.sources.is_empty(), "{}", a.id);
            assert_eq!(
                a.imports,
                a.import_depth > 0,
                "{}: imports need a depth",
                a.id
            );
            for s in &a.sources {
                assert!(s.doc.starts_with("https://"), "{}: {}", a.id, s.doc);
                let d: Vec<&str> = s.read.split('-').collect();
                assert!(
                    d.len() == 3 && d[0].len() == 4 && d.iter().all(|p| p.parse::<u32>().is_ok()),
                    "{}: date {}",
                    a.id,
                    s.read
                );
                if let Some(g) = &s.glob {
                    globset::Glob::new(g).unwrap();
                }
            }
        }
        // Names and aliases are unique across agents.
        let mut names: Vec<&String> = agents
            .iter()
            .flat_map(|a| std::iter::once(&a.id).chain(&a.aliases))
            .collect();
        let n = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), n);
    }

    #[test]
    fn a_source_without_its_pattern_is_rejected() {
        let bad = "[[agents]]\nid = \"x\"\nname = \"X\"\n[[agents.sources]]\nkind = \"rules\"\nglob = \"*.md\"\ndoc = \"https://x\"\nread = \"2026-01-01\"\n";
        assert!(parse(bad).unwrap_err().to_string().contains("mode"));
        assert!(parse("[[agents]]\nid = \"x\"\nname = \"X\"\nsources = []\ncolour = 1\n").is_err());
    }

    #[test]
    fn names_resolve_with_suggestions() {
        assert_eq!(find("Claude").unwrap().id, "claude-code");
        assert_eq!(find("github-copilot").unwrap().id, "copilot");
        assert_eq!(find("Gemini CLI").unwrap().id, "gemini");
        let e = find("claude-cod").unwrap_err();
        assert_eq!(e.suggestion.as_deref(), Some("claude-code"));
        assert!(e.to_string().contains("did you mean 'claude-code'"), "{e}");
        assert!(find("vim").unwrap_err().suggestion.is_none());
    }
}
