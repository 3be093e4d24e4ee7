//! Why `check` could not run (exit code 2): usage, configuration, git or I/O. Budget
//! violations are not errors (they are the report). Messages are shown as `promptcost: {}`.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error("{}: no such file or directory", .0.display())]
    NoSuchPath(PathBuf),
    #[error("--budget must be a positive number of tokens")]
    ZeroBudget,
    #[error(transparent)]
    Growth(#[from] super::growth::BadGrowth),
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error("--base {rev}: {} is not inside a git repository", .dir.display())]
    NotInRepo { rev: String, dir: PathBuf },
    /// Listing or reading the base revision (unknown revision, git failing).
    #[error(transparent)]
    Git(#[from] crate::context::tree::TreeError),
    #[error("{}: {source}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The working directory, or standard output.
    #[error(transparent)]
    Process(std::io::Error),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    /// `--merge`: a report that cannot be read back, or is not a shard of the same check.
    #[error("--merge {}: {message}", .path.display())]
    Merge { path: PathBuf, message: String },
}
