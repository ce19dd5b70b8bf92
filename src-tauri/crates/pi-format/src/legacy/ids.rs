//! Deterministic local ids for legacy entities that carry no Targetprocess id.
//!
//! Ids depend only on the file's content (never on a clock or random source), so importing the
//! same file twice gives the same ids. It deliberately does not try to find the TP entity.

use std::collections::HashSet;

use pi_model::{EntityId, LocalId};

/// 64-bit FNV-1a: tiny, stable across platforms and releases (unlike `std`'s hasher).
fn fnv1a(bytes: impl IntoIterator<Item = u8>) -> u64 {
    bytes.into_iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Eight hex digits identifying `parts` (joined with a unit separator so `["a b", "c"]` and
/// `["a", "b c"]` differ).
pub(super) fn hash8(parts: &[&str]) -> String {
    let joined = parts.join("\u{1f}");
    let h = fnv1a(joined.bytes());
    format!("{:08x}", (h >> 32) ^ (h & 0xffff_ffff))
}

/// Lower-case `a-z0-9` words joined by single dashes, at most `max` bytes.
pub(super) fn slug(name: &str, max: usize) -> String {
    let mut out = String::new();
    for word in name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let word = word.to_ascii_lowercase();
        let sep = usize::from(!out.is_empty());
        if out.len() + sep + word.len() > max {
            let room = max.saturating_sub(out.len() + sep);
            if room > 0 {
                if sep == 1 {
                    out.push('-');
                }
                out.push_str(&word[..room]);
            }
            break;
        }
        if sep == 1 {
            out.push('-');
        }
        out.push_str(&word);
    }
    out
}

fn local(s: &str) -> EntityId {
    EntityId::Local(
        LocalId::new(s).expect("ids here are built from a-z, 0-9 and '-' and are at most 40 long"),
    )
}

/// Hands out local ids that are unique within one file.
#[derive(Debug, Default)]
pub(super) struct IdAllocator {
    used: HashSet<EntityId>,
}

impl IdAllocator {
    /// `new:legacy-<8 hex>` from `parts`; on a clash within the file, the parts are salted with
    /// an occurrence counter, so the result is still the same for the same file.
    pub fn legacy(&mut self, parts: &[&str]) -> EntityId {
        let mut salt = 1usize;
        loop {
            let salt_text = salt.to_string();
            let mut salted = parts.to_vec();
            if salt > 1 {
                salted.push(&salt_text);
            }
            let id = local(&format!("{}{}", super::ID_PREFIX, hash8(&salted)));
            if self.used.insert(id.clone()) {
                return id;
            }
            salt += 1;
        }
    }

    /// `new:po-<slug of name>`; when the slug is empty or already taken, a hash of the name
    /// (salted like [`Self::legacy`]) keeps it unique.
    pub fn program_objective(&mut self, name: &str) -> EntityId {
        let plain = slug(name, 37);
        if !plain.is_empty() {
            let id = local(&format!("po-{plain}"));
            if self.used.insert(id.clone()) {
                return id;
            }
        }
        let short = slug(name, 28);
        let mut salt = 1usize;
        loop {
            let salt_text = salt.to_string();
            let h = hash8(&[name, &salt_text]);
            let text = if short.is_empty() {
                format!("po-{h}")
            } else {
                format!("po-{short}-{h}")
            };
            let id = local(&text);
            if self.used.insert(id.clone()) {
                return id;
            }
            salt += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_short_and_clean() {
        assert_eq!(
            slug("Data quality & Governance!", 37),
            "data-quality-governance"
        );
        assert_eq!(slug("ÄÖÜ", 37), "");
        assert_eq!(slug("abcdef ghijk", 8), "abcdef-g");
        assert_eq!(slug("abcdefgh ijk", 8), "abcdefgh");
    }

    #[test]
    fn legacy_ids_are_stable_and_unique() {
        let mut a = IdAllocator::default();
        let mut b = IdAllocator::default();
        let first = a.legacy(&["tp:1", "Epic"]);
        assert_eq!(first, b.legacy(&["tp:1", "Epic"]));
        assert_eq!(
            first.to_string(),
            format!("new:legacy-{}", hash8(&["tp:1", "Epic"]))
        );
        let again = a.legacy(&["tp:1", "Epic"]);
        assert_ne!(first, again);
        assert_ne!(hash8(&["a b", "c"]), hash8(&["a", "b c"]));
    }

    #[test]
    fn program_objective_ids_fall_back_to_hashes() {
        let mut a = IdAllocator::default();
        assert_eq!(
            a.program_objective("Data quality").to_string(),
            "new:po-data-quality"
        );
        let clash = a.program_objective("data-quality").to_string();
        assert!(clash.starts_with("new:po-data-quality-"), "{clash}");
        let symbols = a.program_objective("???").to_string();
        assert_eq!(symbols.len(), "new:po-".len() + 8);
        let long = a.program_objective(&"word ".repeat(30)).to_string();
        assert!(long.len() <= 44, "{long}");
    }
}
