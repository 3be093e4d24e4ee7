//! `--shard i/n`: a monorepo's `check` split across CI jobs. A file belongs to one shard,
//! chosen by a stable hash (FNV-1a, 64 bits) of its path from the repository's top level
//! (the settings' root outside git), so every job computes the same split on any machine,
//! whatever the checkout directory. The base revision's files are split the same way, so a
//! shard never reports another shard's prompts as deleted; agent context (one answer for
//! the whole tree) is checked by shard 1 only.
//!
//! Owns: parsing `i/n`, which shard a path is in. Never: walks or reads files.

use std::fmt;

/// Shard `index` (1-based) of `count`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

#[derive(Debug, thiserror::Error)]
#[error("--shard {0}: expected i/n with 1 <= i <= n (e.g. 1/4)")]
pub struct BadShard(String);

impl Shard {
    pub fn parse(s: &str) -> Result<Shard, BadShard> {
        let bad = || BadShard(s.to_string());
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u32 = i.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// Whether the file at `repo_path` (from the repository's top level, `/` separators)
    /// is this shard's.
    pub(crate) fn contains(&self, repo_path: &str) -> bool {
        (fnv1a(repo_path.as_bytes()) % u64::from(self.count)) as u32 == self.index - 1
    }

    /// Whether this shard checks the tree-wide parts (agent context).
    pub(crate) fn is_first(&self) -> bool {
        self.index == 1
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        assert_eq!(Shard::parse("2/4").unwrap(), Shard { index: 2, count: 4 });
        for bad in ["0/4", "5/4", "1/0", "1", "a/b", "1/2/3", ""] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_path_in_exactly_one_shard_and_the_split_is_stable() {
        let shards: Vec<Shard> = (1..=3).map(|i| Shard { index: i, count: 3 }).collect();
        let mut sizes = [0usize; 3];
        for k in 0..3000 {
            let p = format!("pkg{}/mod{}/prompt{k}.prompt.md", k % 50, k % 7);
            let owners: Vec<usize> = (0..3).filter(|&s| shards[s].contains(&p)).collect();
            assert_eq!(owners.len(), 1, "{p}");
            sizes[owners[0]] += 1;
        }
        assert!(sizes.iter().all(|&n| n > 800), "{sizes:?}");
        // The hash is part of the format: a fixed path stays in the same shard.
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
