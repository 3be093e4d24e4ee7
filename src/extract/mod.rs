//! Finding prompts: the structure of prompt files and (later) string literals in code.
pub mod prompt_file;
