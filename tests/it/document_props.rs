//! Property test of whole documents: after every random edit, the incremental structure,
//! chunk counts and per-section analysis equal those of the same text opened from scratch.

use std::path::Path;

use promptcost::config::{Overrides, Settings};
use promptcost::document::Document;
use promptcost::pricing::encodings_of;
use proptest::prelude::*;

const PIECES: &[&str] = &[
    "# H\n",
    "## Sub\n",
    "### x",
    "\n",
    "\n\n",
    "\r\n",
    "text ",
    "more words",
    " ",
    "```\n",
    "~~~\n",
    "---\n",
    "model: gpt-4o\n",
    "system:\n",
    "user:\n",
    "{{role \"system\"}}\n",
    "<!-- promptcost: budget=5 -->",
    "{{var}}",
    "日本語",
    "😀",
    "//",
    "/",
    "\t",
    "budget: 3\n",
    "#",
    "é",
];

fn text_strategy(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..max).prop_map(|v| v.concat())
}

fn floor(s: &str, mut b: usize) -> usize {
    b = b.min(s.len());
    while !s.is_char_boundary(b) {
        b -= 1;
    }
    b
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn incremental_document_equals_fresh(
        name in prop::sample::select(vec!["a.md", "b.prompty", "c.prompt"]),
        base in text_strategy(80),
        edits in prop::collection::vec((0.0..=1.0f64, 0.0..=0.3f64, text_strategy(6)), 1..20),
    ) {
        let settings = Settings::load(Path::new("/w"), None, &Overrides {
            models: Some(vec!["gpt-4o".into(), "gpt-4".into(), "claude-sonnet-4-5".into()]),
            ..Default::default()
        }).unwrap();
        let encs = encodings_of(&settings.models);
        let path = Path::new("/w").join(name);
        let mut text = base;
        let mut doc = Document::new(&path, &text, &encs);
        for (at, del, ins) in edits {
            let a = floor(&text, (at * text.len() as f64) as usize);
            let b = floor(&text, a + (del * text.len() as f64) as usize).max(a);
            text.replace_range(a..b, &ins);
            doc.replace(a..b, &ins);
            prop_assert_eq!(doc.text(), text.clone());
            let fresh = Document::new(&path, &text, &encs);
            prop_assert_eq!(&doc.structure().unwrap().markers, &fresh.structure().unwrap().markers);
            prop_assert_eq!(&doc.structure().unwrap().front_matter, &fresh.structure().unwrap().front_matter);
            for &e in &encs {
                prop_assert_eq!(doc.count_encoding(e, 0..text.len()), e.count(&text) as u64, "{:?} total of {:?}", e, text);
            }
            let (x, y) = (doc.analyze(&settings), fresh.analyze(&settings));
            prop_assert_eq!(&x.file, &y.file);
            prop_assert_eq!(&x.parts, &y.parts, "text {:?}", text);
            prop_assert_eq!(&x.problems, &y.problems);
            for p in &x.parts {
                let want = promptcost::tokenize::Encoding::O200kBase.count(&text[p.range.clone()]) as u64;
                if p.kind == promptcost::document::PromptKind::Section {
                    prop_assert_eq!(p.count_for("gpt-4o").unwrap().tokens, want, "section {:?} of {:?}", p.name, text);
                }
            }
        }
    }
}
