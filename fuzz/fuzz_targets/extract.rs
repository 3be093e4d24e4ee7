//! Prompt extraction on arbitrary bytes: as Markdown with front matter, Prompty, dotprompt,
//! and as Python / TypeScript / TSX / JavaScript / Rust / Go source (tree-sitter error
//! recovery). For source files, the text is also built up by an edit (a middle piece typed
//! in), and the incrementally kept prompts must equal a fresh extraction.
//!
//! Input: byte 0 picks the kind; the rest is the text (invalid UTF-8 replaced).
#![no_main]

use std::path::Path;
use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use promptcost::config::Settings;
use promptcost::document::Document;
use promptcost::extract::code::{CompiledRules, Lang};
use promptcost::tokenize::Encoding;

fn settings() -> &'static Settings {
    static S: OnceLock<Settings> = OnceLock::new();
    S.get_or_init(|| Settings::defaults(Path::new("/")))
}

fn floor(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fuzz_target!(|data: &[u8]| {
    let Some((&kind, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest).into_owned();
    let encs = [Encoding::O200kBase];
    let files = ["prompts/a.md", "a.prompty", "a.prompt", "CLAUDE.md", "a.py", "a.ts", "a.tsx", "a.js", "a.rs", "a.go", "a.prompt.yml"];
    let name = files[kind as usize % files.len()];
    let path = Path::new(name);
    match Lang::from_path(path) {
        None => {
            let doc = Document::new(path, &text, &encs);
            let _ = doc.analyze(settings());
        }
        Some(lang) => {
            let rules = Arc::new(CompiledRules::default());
            // Type the middle third into the file without it, then compare with a fresh parse.
            let a = floor(&text, text.len() / 3);
            let b = floor(&text, 2 * text.len() / 3).max(a);
            let without = format!("{}{}", &text[..a], &text[b..]);
            let mut doc = Document::new_code(path, lang, &without, rules.clone(), &encs);
            doc.replace(a..a, &text[a..b]);
            assert_eq!(doc.text(), text);
            let fresh = Document::new_code(path, lang, &text, rules, &encs);
            // With syntax errors, tree-sitter's incremental and fresh parses may recover
            // differently (both are valid readings); compare where the text parses cleanly.
            if !fresh.code().unwrap().source.has_error() {
                assert_eq!(doc.code().map(|c| &c.prompts), fresh.code().map(|c| &c.prompts));
            }
            let _ = doc.analyze(settings());
        }
    }
});
