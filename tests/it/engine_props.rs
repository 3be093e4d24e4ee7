//! Property test of the incremental engine: after every random edit, the cached total and
//! random range counts equal a from-scratch count of the same text.

use promptcost::tokenize::{chunks::ChunkedCount, Encoding};
use proptest::prelude::*;
use ropey::Rope;

/// Pieces that stress the cut rule: newlines before `/` and whitespace, CRLF, whitespace
/// runs, multi-byte characters (CJK, emoji, combining marks), digits, punctuation, headings.
const PIECES: &[&str] = &[
    "a",
    "The",
    " quick",
    "brown",
    " ",
    "  ",
    "\t",
    "\n",
    "\n\n",
    "\r\n",
    "/",
    "//",
    ";",
    ".",
    "# ",
    "## Heading\n",
    "'s",
    "'ll",
    "123",
    "4567",
    "日本語",
    "テキスト",
    "😀",
    "👩‍💻",
    "é",
    "e\u{301}",
    "\u{a0}",
    "\u{3000}",
    "()",
    "{{var}}",
    "-",
    "---\n",
    "QUJDRA==",
    "fn main() {}",
    "    ",
    "\n ",
    "x;\n// c",
    "ÄÖÜ",
    "İ",
    "ǅ",
    "٣",
    "\u{2028}",
    // DeepSeek splits digit runs in threes and CJK runs first; combining marks join letters.
    "12345",
    "日本語",
    "e\u{301}",
    "\u{301} ",
];

fn text_strategy(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..max).prop_map(|v| v.concat())
}

#[derive(Debug, Clone)]
struct Edit {
    at: f64,
    del: f64,
    insert: String,
}

fn edit_strategy() -> impl Strategy<Value = Edit> {
    (0.0..=1.0f64, 0.0..=1.0f64, text_strategy(12), any::<bool>()).prop_map(
        |(at, del, insert, big)| Edit {
            at,
            del: if big { del } else { del * 0.02 },
            insert,
        },
    )
}

fn floor_boundary(s: &str, mut b: usize) -> usize {
    b = b.min(s.len());
    while !s.is_char_boundary(b) {
        b -= 1;
    }
    b
}

fn anchors_of(s: &str) -> Vec<usize> {
    s.match_indices("\n#").map(|(i, _)| i + 1).collect()
}

fn check(
    enc: Encoding,
    base: String,
    edits: Vec<Edit>,
    probes: Vec<(f64, f64)>,
) -> Result<(), TestCaseError> {
    let mut text = base;
    let mut rope = Rope::from_str(&text);
    let mut counter = ChunkedCount::new(enc, &rope, &anchors_of(&text));
    prop_assert_eq!(counter.total(), enc.count(&text) as u64);
    for e in edits {
        let start = floor_boundary(&text, (e.at * text.len() as f64) as usize);
        let end = floor_boundary(&text, start + (e.del * text.len() as f64) as usize).max(start);
        text.replace_range(start..end, &e.insert);
        let cs = rope.byte_to_char(start);
        let ce = rope.byte_to_char(end);
        rope.remove(cs..ce);
        rope.insert(cs, &e.insert);
        let anchors = anchors_of(&text);
        counter.apply_edit(&rope, start, end, e.insert.len(), &|a, b| {
            anchors
                .iter()
                .copied()
                .filter(|&x| x >= a && x < b)
                .collect()
        });
        prop_assert_eq!(counter.len(), text.len());
        prop_assert_eq!(counter.total(), enc.count(&text) as u64, "text {:?}", text);
        let idx = counter.ranges(&rope);
        for &(x, y) in &probes {
            let a = floor_boundary(&text, (x.min(y) * text.len() as f64) as usize);
            let b = floor_boundary(&text, (x.max(y) * text.len() as f64) as usize);
            prop_assert_eq!(
                idx.count(a..b),
                enc.count(&text[a..b]) as u64,
                "range {}..{} of {:?}",
                a,
                b,
                text
            );
            prop_assert_eq!(
                counter.count_range(&rope, a..b),
                enc.count(&text[a..b]) as u64,
                "direct range {}..{} of {:?}",
                a,
                b,
                text
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn o200k_incremental_equals_full(base in text_strategy(600), edits in prop::collection::vec(edit_strategy(), 1..25),
                                     probes in prop::collection::vec((0.0..=1.0f64, 0.0..=1.0f64), 3)) {
        check(Encoding::O200kBase, base, edits, probes)?;
    }

    #[test]
    fn cl100k_incremental_equals_full(base in text_strategy(600), edits in prop::collection::vec(edit_strategy(), 1..25),
                                      probes in prop::collection::vec((0.0..=1.0f64, 0.0..=1.0f64), 3)) {
        check(Encoding::Cl100kBase, base, edits, probes)?;
    }

    #[test]
    fn gemma3_incremental_equals_full(base in text_strategy(600), edits in prop::collection::vec(edit_strategy(), 1..25),
                                      probes in prop::collection::vec((0.0..=1.0f64, 0.0..=1.0f64), 3)) {
        check(Encoding::Gemma3, base, edits, probes)?;
    }

    #[test]
    fn deepseek_incremental_equals_full(base in text_strategy(600), edits in prop::collection::vec(edit_strategy(), 1..25),
                                        probes in prop::collection::vec((0.0..=1.0f64, 0.0..=1.0f64), 3)) {
        check(Encoding::DeepSeekV4, base, edits, probes)?;
    }

    #[test]
    fn tekken_incremental_equals_full(base in text_strategy(600), edits in prop::collection::vec(edit_strategy(), 1..25),
                                      probes in prop::collection::vec((0.0..=1.0f64, 0.0..=1.0f64), 3)) {
        check(Encoding::Tekken, base, edits, probes)?;
    }
}

#[test]
fn whole_document_replacement_and_emptying() {
    for enc in Encoding::ALL {
        let mut text = "Hello world\n# Title\nbody text ".repeat(100);
        let mut rope = Rope::from_str(&text);
        let mut c = ChunkedCount::new(enc, &rope, &[]);
        // Replace everything.
        let new = "Completely different 日本語 text\n".repeat(50);
        let old_len = text.len();
        text = new.clone();
        rope = Rope::from_str(&text);
        c.apply_edit(&rope, 0, old_len, new.len(), &|_, _| vec![]);
        assert_eq!(c.total(), enc.count(&text) as u64);
        // Delete everything.
        let old_len = text.len();
        rope = Rope::new();
        c.apply_edit(&rope, 0, old_len, 0, &|_, _| vec![]);
        assert_eq!(c.total(), 0);
        // Type into the empty document.
        rope.insert(0, "again");
        c.apply_edit(&rope, 0, 0, 5, &|_, _| vec![]);
        assert_eq!(c.total(), enc.count("again") as u64);
    }
}

#[test]
fn typing_a_long_document_char_by_char_stays_exact_and_chunked() {
    let source =
        "Line one of a prompt, with words.\n## Section\nMore text\there; and // comments\n"
            .repeat(30);
    let mut rope = Rope::new();
    let mut c = ChunkedCount::new(Encoding::O200kBase, &rope, &[]);
    for (i, ch) in source.char_indices() {
        let mut buf = [0u8; 4];
        rope.insert(rope.byte_to_char(i), ch.encode_utf8(&mut buf));
        c.apply_edit(&rope, i, i, ch.len_utf8(), &|_, _| vec![]);
    }
    assert_eq!(c.total(), Encoding::O200kBase.count(&source) as u64);
    // Fragmentation stays bounded: chunks are not one per keystroke.
    assert!(
        c.chunk_count() < source.len() / 64,
        "{} chunks for {} bytes",
        c.chunk_count(),
        source.len()
    );
}
