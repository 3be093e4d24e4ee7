//! The one place that decides whether bytes are text promptcost counts, and decodes them:
//! used by the language server, `check` (work tree and git base) and `count`.
//! Rules: a NUL byte in the first 8 KiB means binary (git's rule); a UTF-8 byte-order mark is
//! dropped; UTF-16 with a byte-order mark (LE or BE) is decoded; anything else must be UTF-8.
//! Never: guesses an encoding without a byte-order mark; reads a file over the size limit.

use std::path::Path;

/// How far into a file a NUL byte marks it as binary.
pub(crate) const BINARY_SNIFF: usize = 8 * 1024;

/// Why a file is not counted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Skip {
    #[error("{} bytes, above max_file_size ({} bytes)", crate::format::thousands(*size), crate::format::thousands(*max))]
    TooLarge { size: u64, max: u64 },
    #[error("binary file")]
    Binary,
    #[error("not UTF-8 text (invalid byte at offset {0})")]
    NotUtf8(usize),
    #[error("invalid UTF-16 text")]
    BadUtf16,
    #[error("cannot read: {0}")]
    Unreadable(String),
}

/// Whether text-sized bytes are binary (a NUL in the first 8 KiB).
pub(crate) fn is_binary(bytes: &[u8]) -> bool {
    bytes[..bytes.len().min(BINARY_SNIFF)].contains(&0)
}

/// Decodes a file's bytes by the rules above.
pub fn decode(bytes: Vec<u8>) -> Result<String, Skip> {
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, u16::from_be_bytes);
    }
    if is_binary(&bytes) {
        return Err(Skip::Binary);
    }
    let bytes = match bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    String::from_utf8(bytes).map_err(|e| Skip::NotUtf8(e.utf8_error().valid_up_to()))
}

fn utf16(rest: &[u8], unit: fn([u8; 2]) -> u16) -> Result<String, Skip> {
    if rest.len() % 2 != 0 {
        return Err(Skip::BadUtf16);
    }
    let units = rest.chunks_exact(2).map(|c| unit([c[0], c[1]]));
    let text: String = char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .map_err(|_| Skip::BadUtf16)?;
    if is_binary(text.as_bytes()) {
        return Err(Skip::Binary);
    }
    Ok(text)
}

/// Reads a file as text, or says why it is skipped.
pub fn read(path: &Path, max: u64) -> Result<String, Skip> {
    use std::io::Read;
    let unreadable = |e: std::io::Error| Skip::Unreadable(e.to_string());
    // The size from the open file (no second path look-up); a file that grows past `max`
    // while it is read is too large all the same.
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let size = file.metadata().map_err(unreadable)?.len();
    let too_large = |size| Skip::TooLarge { size, max };
    if size > max {
        return Err(too_large(size));
    }
    let mut bytes = Vec::with_capacity(size as usize + 1);
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > max {
        // It grew while read: its size now (past the limit, at least what was read).
        let now = std::fs::metadata(path).map_or(0, |m| m.len());
        return Err(too_large(now.max(bytes.len() as u64)));
    }
    decode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_utf8_boms_and_utf16() {
        assert_eq!(decode(b"hi".to_vec()).unwrap(), "hi");
        assert_eq!(decode(b"\xEF\xBB\xBFhi".to_vec()).unwrap(), "hi");
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("héllo 😀".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode(le).unwrap(), "héllo 😀");
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("héllo".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(decode(be).unwrap(), "héllo");
        assert_eq!(decode(vec![0xFF, 0xFE, 0x41]), Err(Skip::BadUtf16));
    }

    #[test]
    fn binary_and_invalid_text() {
        assert_eq!(decode(b"a\0b".to_vec()), Err(Skip::Binary));
        let mut late = vec![b'a'; BINARY_SNIFF];
        late.push(0);
        assert!(
            decode(late).is_ok(),
            "a NUL past the first 8 KiB is text (git's rule)"
        );
        assert_eq!(decode(b"ab\xFF".to_vec()), Err(Skip::NotUtf8(2)));
        assert_eq!(
            Skip::TooLarge {
                size: 2_000_000,
                max: 1_000
            }
            .to_string(),
            "2,000,000 bytes, above max_file_size (1,000 bytes)"
        );
    }
}
