//! Finding prompts: the structure of prompt files, and string literals in source code.
pub mod code;
pub mod directive;
pub mod prompt_file;
pub mod sections;
