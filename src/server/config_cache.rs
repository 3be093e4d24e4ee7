//! Settings per `promptcost.toml`: found from a file's folder upwards, loaded once, merged with
//! the editor's overrides, and reloaded when the file changes on disk. An invalid file is
//! reported (a located diagnostic and one message naming the fallback) and the settings fall
//! back to the defaults with the editor's overrides, so hints keep working.
//! Never: talks to the client itself; it returns [`Notice`]s for the session to send.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use crate::config::{find_config, ConfigError, Overrides, Settings};

/// Something the user must be told about a config file.
pub enum Notice {
    /// The file is valid again: clear its diagnostic.
    Fixed(PathBuf),
    /// The file is invalid (located error) and the defaults are used meanwhile.
    Broken(PathBuf, ConfigError),
    /// Another failure (for example editor settings naming an unknown model).
    Failed(String),
}

struct Loaded {
    settings: Arc<Settings>,
    /// The config file's modification time when it was read (None: no file).
    stamp: Option<SystemTime>,
}

#[derive(Default)]
pub struct ConfigCache {
    loaded: HashMap<Option<PathBuf>, Loaded>,
    /// Config files whose error is published, with the message last shown for each.
    broken: HashMap<PathBuf, String>,
}

fn stamp(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

impl ConfigCache {
    /// Settings for a file in `dir`: its nearest `promptcost.toml` (cached), with overrides.
    pub fn for_dir(
        &mut self,
        dir: &Path,
        workspace: Option<&Path>,
        overrides: &Overrides,
        notices: &mut Vec<Notice>,
    ) -> Arc<Settings> {
        let config = find_config(dir);
        if let Some(l) = self.loaded.get(&config) {
            return l.settings.clone();
        }
        let root = config
            .as_ref()
            .and_then(|c| c.parent())
            .map(Path::to_path_buf)
            .or_else(|| workspace.map(Path::to_path_buf))
            .unwrap_or_else(|| dir.to_path_buf());
        let settings = match Settings::load(&root, config.as_deref(), overrides) {
            Ok(s) => {
                if let Some(c) = &config {
                    if self.broken.remove(c).is_some() {
                        notices.push(Notice::Fixed(c.clone()));
                    }
                }
                s
            }
            Err(e) => {
                match &config {
                    Some(c) if e.path.is_some() => {
                        let first = self.broken.get(c) != Some(&e.message);
                        self.broken.insert(c.clone(), e.message.clone());
                        if first {
                            notices.push(Notice::Broken(c.clone(), e));
                        }
                    }
                    _ => notices.push(Notice::Failed(format!("promptcost: {e}"))),
                }
                Settings::load(&root, None, overrides).unwrap_or_else(|e2| {
                    notices.push(Notice::Failed(format!(
                        "promptcost: {e2}; using the defaults"
                    )));
                    Settings::defaults(&root)
                })
            }
        };
        let settings = Arc::new(settings);
        self.loaded.insert(
            config.clone(),
            Loaded {
                settings: settings.clone(),
                stamp: config.as_deref().and_then(stamp),
            },
        );
        settings
    }

    /// Forgets every loaded file (settings changed, or a config file did).
    pub fn clear(&mut self) {
        self.loaded.clear();
    }

    /// A loaded config file (valid or broken) was changed or removed since it was read: for
    /// clients that do not watch files for us.
    pub fn stale(&self) -> bool {
        self.loaded.iter().any(|(path, l)| match path {
            Some(p) => stamp(p) != l.stamp,
            None => false,
        })
    }

    /// Whether `path` is (or would be) one of the config files this cache reads.
    pub fn is_config_file(path: &Path) -> bool {
        path.file_name()
            .is_some_and(|n| n == crate::config::CONFIG_FILE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_file_is_reported_once_then_fixed_and_reloaded_when_stale() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = dir.path().join("promptcost.toml");
        std::fs::write(&cfg, "models = [\"gpt-4o\"]\nbudget = \"lots\"\n").unwrap();
        let mut cache = ConfigCache::default();
        let mut notices = vec![];
        let s = cache.for_dir(dir.path(), None, &Overrides::default(), &mut notices);
        assert!(matches!(notices.as_slice(), [Notice::Broken(p, _)] if *p == cfg));
        assert!(
            s.budget.is_none(),
            "the defaults stand in for the broken file"
        );
        // Same error again after a reload: no second message.
        cache.clear();
        notices.clear();
        cache.for_dir(dir.path(), None, &Overrides::default(), &mut notices);
        assert!(notices.is_empty());
        assert!(!cache.stale());
        // Fixed on disk (mtime moves on): stale, and the reload clears the error.
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&cfg, "models = [\"gpt-4o\"]\nbudget = 300\n").unwrap();
        let t = SystemTime::now() + std::time::Duration::from_secs(2);
        std::fs::File::options()
            .write(true)
            .open(&cfg)
            .unwrap()
            .set_modified(t)
            .unwrap();
        assert!(cache.stale());
        cache.clear();
        let s = cache.for_dir(dir.path(), None, &Overrides::default(), &mut notices);
        assert!(matches!(notices.as_slice(), [Notice::Fixed(p)] if *p == cfg));
        assert_eq!(s.budget, Some(300));
    }
}
