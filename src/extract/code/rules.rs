//! The user's rules (name pattern, SDK switch, extra keywords) and the literal judgement:
//! whether a string reads as natural-language text sent to a model. Never walks trees.

use regex::{Regex, RegexBuilder};

/// Which literals count as prompts (besides explicit tags, which always count).
#[derive(Clone, Debug)]
pub struct CodeRules {
    /// Regex matched case-insensitively, anywhere, against variable / constant /
    /// field / keyword-argument / object-key names. Empty disables the name rule.
    pub name_pattern: String,
    /// Detect arguments of well-known LLM SDK calls (Python, TypeScript/JavaScript).
    pub sdk_calls: bool,
    /// More keyword-argument / object-property names that hold prompts in calls
    /// (e.g. `"query"`), in addition to the built-in ones.
    pub extra_sdk_keywords: Vec<String>,
    /// Keep a named string only when it reads as natural-language text (several words, not
    /// an identifier, path, URL, regex or SQL). `false` keeps every named string.
    pub judge_text: bool,
}

/// The default name pattern. `system_?message` also matches camelCase `systemMessage`.
pub const DEFAULT_NAME_PATTERN: &str = "prompt|template|instruction|instructions|system_?message";

impl Default for CodeRules {
    fn default() -> Self {
        CodeRules {
            name_pattern: DEFAULT_NAME_PATTERN.to_string(),
            sdk_calls: true,
            extra_sdk_keywords: Vec::new(),
            judge_text: true,
        }
    }
}

/// Code rules that cannot be compiled.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error("invalid name_pattern {pattern:?}: {source}")]
    NamePattern {
        pattern: String,
        source: regex::Error,
    },
    #[error("extra_sdk_keywords: empty keyword")]
    EmptyKeyword,
}

impl CodeRules {
    /// Compiles the name regex; an invalid one gives a message naming the pattern.
    pub fn compile(&self) -> Result<CompiledRules, RulesError> {
        let name_re = if self.name_pattern.trim().is_empty() {
            None
        } else {
            Some(
                RegexBuilder::new(&self.name_pattern)
                    .case_insensitive(true)
                    .size_limit(1 << 20)
                    .build()
                    .map_err(|source| RulesError::NamePattern {
                        pattern: self.name_pattern.clone(),
                        source,
                    })?,
            )
        };
        let mut extra = Vec::new();
        for k in &self.extra_sdk_keywords {
            let k = k.trim();
            if k.is_empty() {
                return Err(RulesError::EmptyKeyword);
            }
            extra.push(k.to_string());
        }
        Ok(CompiledRules {
            name_re,
            sdk_calls: self.sdk_calls,
            extra_sdk_keywords: extra,
            judge_text: self.judge_text,
        })
    }
}

/// [`CodeRules`] ready to use.
#[derive(Clone, Debug)]
pub struct CompiledRules {
    pub(crate) name_re: Option<Regex>,
    pub(crate) sdk_calls: bool,
    pub(crate) extra_sdk_keywords: Vec<String>,
    pub(crate) judge_text: bool,
}

impl CompiledRules {
    /// Whether `name` matches the name pattern.
    pub fn name_matches(&self, name: &str) -> bool {
        self.name_re.as_ref().is_some_and(|re| re.is_match(name))
    }
    /// Whether SDK call arguments are detected.
    pub fn sdk_calls(&self) -> bool {
        self.sdk_calls
    }
}

impl Default for CompiledRules {
    fn default() -> Self {
        CodeRules::default()
            .compile()
            .expect("the default rules compile")
    }
}

/// Whether `value` reads as natural-language text (several words, or lines), not an
/// identifier, key, path, URL, regex, SQL or a template of placeholders only.
/// `placeholders` are left out of the judgement.
pub(crate) fn reads_as_text(value: &str, placeholders: &[String]) -> bool {
    let mut t = value.to_string();
    for p in placeholders {
        t = t.replacen(p.as_str(), " ", 1);
    }
    let t = t.trim();
    // one token: an identifier, key, path, URL, role name, format string
    if !t.contains(char::is_whitespace) {
        return false;
    }
    // natural-language words: letters (and inner `-`, `'`) once edge punctuation is off,
    // not identifiers, keys or paths (`rollout_id=`, `a/b`, `x.y`)
    let words = t
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| {
            w.chars().filter(|c| c.is_alphabetic()).count() >= 2
                && w.chars()
                    .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’'))
        })
        .count();
    if words < 2 || looks_like_sql(t) || looks_like_regex(t) {
        return false;
    }
    let letters = t
        .chars()
        .filter(|c| c.is_alphabetic() || c.is_whitespace())
        .count();
    // a short question or input request (`Run shell command?`, `Enter your key: `) is
    // asked of a human, on the line it leaves the cursor on (text that ends its line, such
    // as `"Here are the files:\n"`, introduces what follows it)
    let end = value.trim_end_matches([' ', '\t']);
    let asks = (end.ends_with('?') || end.ends_with(':')) && words <= 8 && !value.contains('\n');
    words >= 3 && letters * 2 >= t.chars().count() && !asks
}

/// Whether `value` reads as prose: text (see [`reads_as_text`]) of at least six words that
/// starts like a sentence or a list item, or runs over several lines.
pub(crate) fn reads_as_prose(value: &str, placeholders: &[String]) -> bool {
    if !reads_as_text(value, placeholders) {
        return false;
    }
    let mut t = value.to_string();
    for p in placeholders {
        t = t.replacen(p.as_str(), " x ", 1);
    }
    // console markup (`[bold]...[/]`) is shown to a human
    if t.contains("[/") || t.contains("[bold") || t.contains("[dim") {
        return false;
    }
    let words = t
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphabetic))
        .count();
    let first = t.trim_start().chars().next().unwrap_or(' ');
    words >= 6
        && (first.is_uppercase()
            || matches!(first, '-' | '*' | '#' | '(' | '`' | '<' | '[')
            || t.trim().contains('\n'))
}

fn looks_like_sql(t: &str) -> bool {
    static SQL: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| {
        Regex::new(r"^(?:SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|WITH|PRAGMA)\s[\s\S]*\b(?:FROM|INTO|SET|TABLE|WHERE|INDEX|AS)\b")
            .expect("regex")
    });
    SQL.is_match(t)
}

fn looks_like_regex(t: &str) -> bool {
    let escapes = t
        .as_bytes()
        .windows(2)
        .filter(|w| {
            w[0] == b'\\'
                && matches!(
                    w[1],
                    b'd' | b'w' | b's' | b'b' | b'S' | b'W' | b'D' | b'.' | b'(' | b'['
                )
        })
        .count();
    escapes >= 2
        || t.contains("(?P<")
        || t.contains("(?:")
        || (t.starts_with('^') && t.ends_with('$'))
}

/// A callee whose name says it builds a prompt from its arguments
/// (`instruction_section`, `combine_system_messages`, `renderPrompt`), named like the pattern
/// but not just the pattern's word: a bare `prompt(...)` / `session.prompt(...)` asks a human.
pub(crate) fn names_prompt_builder(rules: &CompiledRules, leaf: &str) -> bool {
    rules.name_matches(leaf)
        && !matches!(
            leaf.to_ascii_lowercase().as_str(),
            "prompt" | "template" | "instruction" | "instructions"
        )
}

/// Callees whose string arguments are shown to a human or logged, never sent to a model:
/// `input`, `getpass`, `print`, `click.prompt` / `typer.prompt` and their options,
/// `Prompt.ask`, loggers, `console.*`, warnings, exceptions (`*Error`, `*Exception`,
/// `*Warning`), JS `alert` / `confirm` / `prompt`.
pub(crate) fn is_excluded_callee(callee: &str) -> bool {
    let callee = callee.trim_start_matches("new ").trim();
    let segs: Vec<&str> = callee.split(['.', ':']).filter(|s| !s.is_empty()).collect();
    let Some(&last) = segs.last() else {
        return false;
    };
    let owner = segs
        .len()
        .checked_sub(2)
        .map(|i| segs[i].to_ascii_lowercase())
        .unwrap_or_default();
    if segs.len() == 1
        && matches!(
            last,
            "input" | "getpass" | "print" | "alert" | "confirm" | "prompt" | "raw_input"
        )
    {
        return true;
    }
    // a project's own logging helpers: `log_warning(...)`, `log_debug(...)`
    if let Some(level) = last
        .strip_prefix("log_")
        .or_else(|| last.strip_prefix("log"))
    {
        if matches!(
            level.to_ascii_lowercase().as_str(),
            "debug" | "info" | "warning" | "warn" | "error" | "exception" | "critical"
        ) {
            return true;
        }
    }
    if last.ends_with("Error")
        || last.ends_with("Exception")
        || last.ends_with("Warning")
        || last == "Exit"
        || last == "Abort"
    {
        return true;
    }
    let ui = matches!(
        owner.as_str(),
        "click"
            | "typer"
            | "questionary"
            | "inquirer"
            | "prompt"
            | "confirm"
            | "intprompt"
            | "floatprompt"
            | "getpass"
            | "readline"
            | "rl"
            | "st"
    );
    if ui
        && matches!(
            last,
            "prompt"
                | "option"
                | "Option"
                | "argument"
                | "Argument"
                | "ask"
                | "confirm"
                | "echo"
                | "secho"
                | "text"
                | "select"
                | "question"
                | "getpass"
        )
    {
        return true;
    }
    let logging = owner.contains("log")
        || owner == "console"
        || owner == "warnings"
        || owner == "spinner"
        || owner == "progress";
    logging
        && matches!(
            last,
            "debug"
                | "info"
                | "warning"
                | "warn"
                | "error"
                | "exception"
                | "critical"
                | "fatal"
                | "log"
                | "trace"
                | "update"
                | "add_argument"
        )
        || matches!(last, "add_argument" | "add_option")
        // a pattern, not text: `re.findall(r"Answer: (.+)", out)`
        || (matches!(owner.as_str(), "re" | "regex")
            && matches!(
                last,
                "compile"
                    | "match"
                    | "fullmatch"
                    | "search"
                    | "findall"
                    | "finditer"
                    | "sub"
                    | "subn"
                    | "split"
            ))
}

#[cfg(test)]
mod tests {
    use super::reads_as_text;

    #[test]
    fn text_that_ends_its_line_is_not_a_question_for_a_human() {
        for (v, want) in [
            ("Here is the current content of the files:\n", true),
            ("Below are the rules you must follow.", true),
            ("Enter your AWS Secret Access Key: ", false),
            ("Run shell command?", false),
            ("rollout_id", false),
            ("a/b/c.txt", false),
            ("SELECT name FROM users WHERE id = 1", false),
        ] {
            assert_eq!(reads_as_text(v, &[]), want, "{v:?}");
        }
    }
}
