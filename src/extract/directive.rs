//! The one `promptcost:` directive grammar, shared by prompt files (`<!-- promptcost: ... -->`,
//! `{# ... #}`) and source-code comments (`# promptcost: ...`, `// promptcost: ...`).
//!
//! Owns: finding `promptcost:` in a line, its settings (`budget=N`, `model=M`, `ignore`,
//! `prompt`; cost keys are handed to `cost::directive`) and the messages for bad ones. Never
//! decides what the directive applies to.

/// A parsed `promptcost:` directive.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Directive {
    /// `budget=N`: a positive number of tokens (`1_500` and `1,500` allowed).
    pub budget: Option<u64>,
    /// `model=M` (quotes around `M` dropped).
    pub model: Option<String>,
    /// `ignore`: not a prompt.
    pub ignore: bool,
    /// `prompt`: an explicit tag (in code, the next string is a prompt).
    pub tag: bool,
    /// `output=`, `calls=`, `turns=`, dollar budgets (see `cost::directive`).
    pub cost: crate::cost::CostDirective,
    /// Problems found (unknown keys, bad numbers), for diagnostics.
    pub errors: Vec<String>,
}

impl Directive {
    /// Whether it sets anything.
    pub fn any(&self) -> bool {
        self.tag || self.ignore || self.budget.is_some() || self.model.is_some()
    }

    /// `o`'s settings over `self`'s (a comment group).
    pub fn merge(&mut self, o: &Directive) {
        self.tag |= o.tag;
        self.ignore |= o.ignore;
        if o.budget.is_some() {
            self.budget = o.budget;
        }
        if o.model.is_some() {
            self.model.clone_from(&o.model);
        }
        if o.cost != crate::cost::CostDirective::default() {
            self.cost = o.cost.clone();
        }
        self.errors.extend(o.errors.iter().cloned());
    }
}

const KEY: &str = "promptcost:";

/// Parses the directive in `line` (a comment or marker line), if it holds `promptcost:`
/// (any case). The directive ends at the end of the line or a comment terminator
/// (`-->`, `--}}`, `}}`, `#}`, `*/`). Settings are separated by spaces, tabs, `,` or `;`.
pub fn parse(line: &str) -> Option<Directive> {
    let at = line.to_ascii_lowercase().find(KEY)?;
    let rest = &line[at + KEY.len()..];
    let end = ["-->", "--}}", "}}", "#}", "*/"]
        .iter()
        .filter_map(|t| rest.find(t))
        .min()
        .unwrap_or(rest.len());
    let mut d = Directive::default();
    let words = split_words(&rest[..end]);
    for word in words {
        let lower = word.to_ascii_lowercase();
        match lower.split_once('=') {
            Some(("budget", _)) => {
                let v = &word["budget=".len()..];
                let digits: String = v.chars().filter(|c| !matches!(c, '_' | ',')).collect();
                match digits.parse::<u64>() {
                    Ok(n) if n > 0 => d.budget = Some(n),
                    _ => d.errors.push(format!("promptcost directive: budget must be a positive number of tokens, not '{v}'")),
                }
            }
            Some(("model", _)) => {
                let m = word["model=".len()..].trim_matches(|c| c == '"' || c == '\'');
                if m.is_empty() {
                    d.errors.push("promptcost directive: model= needs a model name".to_string());
                } else {
                    d.model = Some(m.to_string());
                }
            }
            None if lower == "ignore" => d.ignore = true,
            None if lower == "prompt" => d.tag = true,
            Some((k, _))
                if d.cost.set(k, &word[k.len() + 1..]).unwrap_or_else(|e| {
                    d.errors.push(e.to_string());
                    true
                }) => {}
            _ => d.errors.push(format!(
                "promptcost directive: unknown setting '{word}' (known: budget=N, model=M, ignore, prompt, {})",
                crate::cost::directive::KEYS
            )),
        }
    }
    Some(d)
}

/// Words of a directive body; a `,` between digits (`1,500`) stays inside a number.
fn split_words(body: &str) -> Vec<&str> {
    let b = body.as_bytes();
    let mut out = Vec::new();
    let mut start = None;
    for i in 0..=b.len() {
        let sep = match b.get(i) {
            None => true,
            Some(b' ' | b'\t' | b';' | b'\r' | b'\n') => true,
            Some(b',') => {
                !(i > 0
                    && b[i - 1].is_ascii_digit()
                    && b.get(i + 1).is_some_and(u8::is_ascii_digit))
            }
            _ => false,
        };
        match (sep, start) {
            (true, Some(s)) => {
                out.push(&body[s..i]);
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_grammar_for_files_and_code() {
        let d = parse("// promptcost: budget=1,500, model=gpt-4o;").unwrap();
        assert_eq!(
            (d.budget, d.model.as_deref(), d.errors.len()),
            (Some(1500), Some("gpt-4o"), 0)
        );
        let d = parse("/* promptcost: model='o3' budget=2_000 */").unwrap();
        assert_eq!((d.budget, d.model.as_deref()), (Some(2000), Some("o3")));
        let d = parse("# PromptCost: IGNORE").unwrap();
        assert!(d.ignore && !d.tag);
        assert!(parse("# promptcost: prompt").unwrap().tag);
        assert!(parse("# promptcostly").is_none());
        let d = parse("<!-- promptcost: budget=lots colour=red -->").unwrap();
        assert_eq!(d.errors.len(), 2, "{:?}", d.errors);
        assert!(d.budget.is_none());
    }

    #[test]
    fn budget_zero_is_an_error_not_a_budget() {
        let d = parse("# promptcost: budget=0").unwrap();
        assert_eq!(d.budget, None);
        assert!(d.errors[0].contains("positive"), "{:?}", d.errors);
    }
}
