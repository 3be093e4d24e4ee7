//! The document engine under arbitrary edit sequences, in utf-8, utf-16 and utf-32 positions:
//! ranges past the end, inside a multi-byte character or a surrogate pair, reversed. After
//! every edit the cached (incremental) counts equal a from-scratch count, for an OpenAI and
//! the Gemma 3 encoding, and analysis never panics.
//!
//! Input: byte 0 picks the position encoding, byte 1 the file kind and encodings; the rest,
//! split at 0xFF bytes, is the initial text and then one edit per piece (4 position bytes:
//! start line, start character, end line, end character; the rest is the inserted text).
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use promptcost::config::Settings;
use promptcost::document::Document;
use promptcost::position::{to_offset, PosEncoding};
use promptcost::tokenize::Encoding;

fn settings() -> &'static Settings {
    static S: OnceLock<Settings> = OnceLock::new();
    S.get_or_init(|| Settings::defaults(Path::new("/")))
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let enc = match data[0] % 3 {
        0 => PosEncoding::Utf8,
        1 => PosEncoding::Utf16,
        _ => PosEncoding::Utf32,
    };
    let encodings: &[Encoding] = if data[1] & 2 == 0 { &[Encoding::O200kBase, Encoding::Gemma3] } else { &[Encoding::Cl100kBase] };
    let path = if data[1] & 1 == 0 { "prompts/fuzz.md" } else { "fuzz.prompty" };
    let mut pieces = data[2..].split(|&b| b == 0xFF);
    let text = String::from_utf8_lossy(pieces.next().unwrap_or(&[])).into_owned();
    let mut doc = Document::new(Path::new(path), &text, encodings);
    for p in pieces.take(64) {
        if p.len() < 4 {
            continue;
        }
        let line = |b: u8| u32::from(b % 32);
        let col = |b: u8| u32::from(b) * 2;
        let a = to_offset(&doc.rope, enc, line(p[0]), col(p[1]));
        let b = to_offset(&doc.rope, enc, line(p[2]), col(p[3]));
        let ins = String::from_utf8_lossy(&p[4..]);
        doc.replace(a..b, &ins);
        let full = doc.text();
        assert_eq!(doc.len(), full.len());
        for &e in encodings {
            assert_eq!(doc.count_encoding(e, 0..doc.len()), e.count(&full) as u64, "{e} after an edit");
        }
    }
    let _ = doc.analyze(settings());
});
