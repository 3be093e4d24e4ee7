//! Glob sets: the default prompt files and the compiled `include`, `exclude` and per-glob keys.

use globset::{Glob, GlobSet, GlobSetBuilder};

/// Prompt files recognised by default (matched against the path relative to the root).
pub const DEFAULT_INCLUDE: &[&str] = &[
    "**/*.prompt",
    "**/*.prompty",
    "**/*.prompt.md",
    "**/*.instructions.md",
    "**/*.chatmode.md",
    "**/*.mdc",
    "**/prompts/**/*.{md,txt,j2,jinja,jinja2,hbs,mustache,prompt,prompty}",
    // Jinja prompt templates (`templates/*.jinja`; `.j2` alone is also Ansible's) and agent skills
    "**/*.jinja",
    "**/SKILL.md",
    "**/AGENTS.md",
    "**/CLAUDE.md",
    "**/GEMINI.md",
    "**/.github/copilot-instructions.md",
    "**/.cursorrules",
];

pub(super) fn glob_set(globs: &[&str]) -> Result<GlobSet, globset::Error> {
    let mut b = GlobSetBuilder::new();
    for g in globs {
        b.add(Glob::new(g)?);
    }
    b.build()
}
