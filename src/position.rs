//! The only place that converts LSP positions to byte offsets and back.
//!
//! LSP positions are (line, character) where `character` counts UTF-8 bytes, UTF-16 code
//! units or code points, as negotiated. Positions past the end of a line clamp to the line's
//! end (before its line break), lines past the end clamp to the end of the text, and a
//! position inside a multi-byte character or a surrogate pair snaps to the character's start:
//! a client's bad position never panics and never splits a character.

use ropey::Rope;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PosEncoding {
    Utf8,
    #[default]
    Utf16,
    Utf32,
}

impl PosEncoding {
    fn width(self, c: char) -> u32 {
        match self {
            PosEncoding::Utf8 => c.len_utf8() as u32,
            PosEncoding::Utf16 => c.len_utf16() as u32,
            PosEncoding::Utf32 => 1,
        }
    }
}

/// Byte offset of (`line`, `character`).
pub fn to_offset(rope: &Rope, enc: PosEncoding, line: u32, character: u32) -> usize {
    let line = line as usize;
    if line >= rope.len_lines() {
        return rope.len_bytes();
    }
    let start = rope.line_to_byte(line);
    let mut units = 0u32;
    let mut off = start;
    for c in rope.line(line).chars() {
        if c == '\n' || c == '\r' {
            break;
        }
        let w = enc.width(c);
        if units + w > character {
            break;
        }
        units += w;
        off += c.len_utf8();
    }
    off
}

/// (`line`, `character`) of a byte offset (clamped, snapped to a char boundary).
pub(crate) fn to_position(rope: &Rope, enc: PosEncoding, offset: usize) -> (u32, u32) {
    let offset = rope.char_to_byte(rope.byte_to_char(offset.min(rope.len_bytes())));
    let line = rope.byte_to_line(offset);
    let start = rope.line_to_byte(line);
    let character = match enc {
        PosEncoding::Utf8 => (offset - start) as u32,
        PosEncoding::Utf16 => {
            let (cs, co) = (rope.byte_to_char(start), rope.byte_to_char(offset));
            (rope.char_to_utf16_cu(co) - rope.char_to_utf16_cu(cs)) as u32
        }
        PosEncoding::Utf32 => (rope.byte_to_char(offset) - rope.byte_to_char(start)) as u32,
    };
    (line as u32, character)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emoji_cjk_crlf_and_past_the_end() {
        let rope = Rope::from_str("a😀b\r\n日本\nlast");
        use PosEncoding::*;
        // 😀 is 4 bytes, 2 UTF-16 units, 1 code point.
        assert_eq!(to_offset(&rope, Utf16, 0, 3), 5);
        assert_eq!(to_offset(&rope, Utf8, 0, 5), 5);
        assert_eq!(to_offset(&rope, Utf32, 0, 2), 5);
        // Inside the surrogate pair / inside the UTF-8 sequence: snap to the char start.
        assert_eq!(to_offset(&rope, Utf16, 0, 2), 1);
        assert_eq!(to_offset(&rope, Utf8, 0, 3), 1);
        // Past the end of the line: before the CRLF.
        assert_eq!(to_offset(&rope, Utf16, 0, 99), 6);
        assert_eq!(to_offset(&rope, Utf16, 1, 1), 11);
        // Past the last line: end of text.
        assert_eq!(to_offset(&rope, Utf16, 99, 0), rope.len_bytes());
        assert_eq!(to_offset(&rope, Utf16, 2, 4), rope.len_bytes());
        for enc in [Utf8, Utf16, Utf32] {
            for off in [0, 1, 5, 6, 8, 11, 14, 15, rope.len_bytes()] {
                let (l, c) = to_position(&rope, enc, off);
                assert_eq!(to_offset(&rope, enc, l, c), off, "{enc:?} {off}");
            }
        }
        assert_eq!(
            to_position(&rope, Utf16, 2),
            (0, 1),
            "mid-char offsets snap back"
        );
    }

    #[test]
    fn empty_text() {
        let rope = Rope::new();
        assert_eq!(to_offset(&rope, PosEncoding::Utf16, 0, 5), 0);
        assert_eq!(to_offset(&rope, PosEncoding::Utf16, 3, 5), 0);
        assert_eq!(to_position(&rope, PosEncoding::Utf16, 10), (0, 0));
    }
}
