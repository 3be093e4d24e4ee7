//! Finding `promptcost.toml`, loading it, and merging it with the defaults and the editor or
//! command-line overrides (the precedence in the module docs).

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::Glob;
use toml::Spanned;

use super::context::context_settings;
use super::cost::cost_config;
use super::globs::glob_set;
use super::*;
use crate::pricing::PriceTable;

/// Finds `promptcost.toml` in `start` or its ancestors.
pub fn find_config(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|d| d.join(CONFIG_FILE))
        .find(|p| p.is_file())
}

impl Settings {
    /// Built-in defaults only.
    pub fn defaults(root: &Path) -> Settings {
        Settings::build(root, None, "", FileConfig::default(), &Overrides::default())
            .expect("built-in defaults are valid")
    }

    /// `--config FILE` (`count`, `check`): the file relative to the working directory, its
    /// globs relative to its own folder, as for a discovered `promptcost.toml`.
    pub fn load_named(
        cwd: &Path,
        file: &Path,
        overrides: &Overrides,
    ) -> Result<Settings, ConfigError> {
        let file = cwd.join(file);
        let root = file
            .parent()
            .map_or_else(|| cwd.to_path_buf(), Path::to_path_buf);
        Settings::load(&root, Some(&file), overrides)
    }

    /// Loads the project file at `config_path` (if any) and applies `overrides`.
    pub fn load(
        root: &Path,
        config_path: Option<&Path>,
        overrides: &Overrides,
    ) -> Result<Settings, ConfigError> {
        let (text, file) = match config_path {
            Some(p) => {
                let text = std::fs::read_to_string(p).map_err(|e| {
                    ConfigError::at(Some(p), "", None, format!("cannot read configuration: {e}"))
                })?;
                let file = parse_file_config(Some(p), &text)?;
                (text, file)
            }
            None => (String::new(), FileConfig::default()),
        };
        Settings::build(root, config_path, &text, file, overrides)
    }

    /// Searches upward from `start` for the project file, then loads it.
    pub fn discover(start: &Path, overrides: &Overrides) -> Result<Settings, ConfigError> {
        let path = find_config(start);
        let root = path
            .as_ref()
            .and_then(|p| p.parent())
            .unwrap_or(start)
            .to_path_buf();
        Settings::load(&root, path.as_deref(), overrides)
    }

    fn build(
        root: &Path,
        path: Option<&Path>,
        text: &str,
        file: FileConfig,
        o: &Overrides,
    ) -> Result<Settings, ConfigError> {
        let err = |span: Option<Range<usize>>, msg: String| ConfigError::at(path, text, span, msg);
        let base_dir = path.and_then(Path::parent).unwrap_or(root);

        // Prices: a file named by the user (flag/editor first, then the project file).
        let mut table = PriceTable::embedded();
        if let Some(p) = &o.prices_file {
            table
                .merge_file(&absolutize(root, p))
                .map_err(ConfigError::plain)?;
        } else if let Some(p) = &file.prices {
            // A project file may only name a price file inside its own directory tree: a
            // cloned repository must not make the tool read files elsewhere on the machine.
            let full = absolutize(base_dir, p.get_ref());
            let inside = match (
                std::fs::canonicalize(&full),
                std::fs::canonicalize(base_dir),
            ) {
                (Ok(f), Ok(b)) => f.starts_with(b),
                _ => {
                    !Path::new(p.get_ref()).is_absolute()
                        && !p.get_ref().split(['/', '\\']).any(|c| c == "..")
                }
            };
            if !inside {
                return Err(err(
                    Some(p.span()),
                    format!(
                        "key `prices`: {} is outside this project ({}); name a price file elsewhere with the editor setting `pricesFile` or `--prices`",
                        full.display(),
                        base_dir.display()
                    ),
                ));
            }
            table
                .merge_file(&full)
                .map_err(|m| err(Some(p.span()), format!("key `prices`: {m}")))?;
        }

        // Models.
        let mut models = Vec::new();
        if let Some(names) = &o.models {
            for n in names {
                models.push(table.resolve(n).map_err(ConfigError::plain)?.clone());
            }
        } else if let Some(names) = &file.models {
            if names.get_ref().is_empty() {
                return Err(err(
                    Some(names.span()),
                    "key `models`: list at least one model".into(),
                ));
            }
            for n in names.get_ref() {
                let m = table
                    .resolve(n.get_ref())
                    .map_err(|e| err(Some(n.span()), format!("key `models`: {e}")))?;
                models.push(m.clone());
            }
        } else {
            for n in DEFAULT_MODELS {
                models.push(
                    table
                        .resolve(n)
                        .expect("default models are in the embedded table")
                        .clone(),
                );
            }
        }
        models.dedup_by(|a, b| a.id == b.id);
        let models = ModelSet::new(models).expect("at least one model: checked above or defaults");

        let budget = match (o.budget, &file.budget) {
            (Some(b), _) => Some(b),
            (None, Some(b)) => Some(*b.get_ref()),
            _ => None,
        };
        if let Some(b) = &file.budget {
            if *b.get_ref() == 0 {
                return Err(err(
                    Some(b.span()),
                    "key `budget`: a budget is a positive number of tokens".into(),
                ));
            }
        }

        let mut budgets = Vec::new();
        for (glob, b) in file.budgets.iter().flatten() {
            let set = glob_set(&[glob.as_str()])
                .map_err(|m| err(Some(b.span()), format!("key `budgets.\"{glob}\"`: {m}")))?;
            if *b.get_ref() == 0 {
                return Err(err(
                    Some(b.span()),
                    format!("key `budgets.\"{glob}\"`: a budget is a positive number of tokens"),
                ));
            }
            budgets.push((glob.clone(), set, *b.get_ref()));
        }

        let globs = |over: &Option<Vec<String>>,
                     file: &Option<Vec<Spanned<String>>>,
                     key: &str|
         -> Result<Vec<String>, ConfigError> {
            let mut v: Vec<String> = Vec::new();
            for g in file.iter().flatten() {
                Glob::new(g.get_ref())
                    .map_err(|e| err(Some(g.span()), format!("key `{key}`: {e}")))?;
                v.push(g.get_ref().clone());
            }
            if let Some(extra) = over {
                v.extend(extra.iter().cloned());
            }
            Ok(v)
        };
        let mut include: Vec<String> = DEFAULT_INCLUDE.iter().map(|s| s.to_string()).collect();
        include.extend(globs(&o.include, &file.include, "include")?);
        let exclude = globs(&o.exclude, &file.exclude, "exclude")?;
        let include = glob_set(&include.iter().map(String::as_str).collect::<Vec<_>>())
            .map_err(ConfigError::plain)?;
        let exclude = glob_set(&exclude.iter().map(String::as_str).collect::<Vec<_>>())
            .map_err(ConfigError::plain)?;

        let cost = cost_config(&file, o, base_dir, &table, &err)?;
        let code = file.code.unwrap_or_default();
        let oc = o.code.clone().unwrap_or_default();
        let code_name_pattern = match (&oc.name_pattern, &code.name_pattern) {
            (Some(p), _) => p.clone(),
            (None, Some(p)) => p.get_ref().clone(),
            _ => DEFAULT_NAME_PATTERN.to_string(),
        };
        let code_sdk_calls = oc.sdk_calls.or(code.sdk_calls).unwrap_or(true);
        let code_rules = crate::extract::code::CodeRules {
            name_pattern: code_name_pattern.clone(),
            sdk_calls: code_sdk_calls,
            extra_sdk_keywords: Vec::new(),
            ..Default::default()
        }
        .compile()
        .map_err(|e| {
            let span = code
                .name_pattern
                .as_ref()
                .filter(|_| oc.name_pattern.is_none())
                .map(|p| p.span());
            err(span, format!("key `code.name_pattern`: {e}"))
        })?;

        let context = context_settings(file.context.unwrap_or_default(), &err)?;

        Ok(Settings {
            root: root.to_path_buf(),
            config_path: path.map(Path::to_path_buf),
            table,
            models,
            budget,
            budgets,
            expected_output_tokens: o
                .expected_output_tokens
                .or(file.expected_output_tokens)
                .unwrap_or(DEFAULT_EXPECTED_OUTPUT_TOKENS),
            include,
            exclude,
            max_file_size: o
                .max_file_size
                .or(file.max_file_size)
                .unwrap_or(DEFAULT_MAX_FILE_SIZE),
            code_enabled: oc.enabled.or(code.enabled).unwrap_or(true),
            code_name_pattern,
            code_sdk_calls,
            code_rules: Arc::new(code_rules),
            context,
            cost,
        })
    }
}

pub(super) fn absolutize(base: &Path, p: &str) -> PathBuf {
    let p = Path::new(p);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        base.join(p)
    }
}
