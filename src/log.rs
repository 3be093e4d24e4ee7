//! Logging to stderr (stdout belongs to the protocol or to a command's output).

/// Writes one line to stderr.
pub fn stderr(msg: &str) {
    #[allow(clippy::print_stderr)]
    {
        eprintln!("{msg}");
    }
}
