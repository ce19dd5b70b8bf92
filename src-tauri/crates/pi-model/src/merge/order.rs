//! The order of entities in a merged plan: the local order, with entities that only the remote
//! side has placed after the entity that precedes them remotely.

use std::collections::HashSet;
use std::hash::Hash;

/// Every id of the three sides once: local order first, then remote-only ids inserted after their
/// remote predecessor, then ids only the base has (the merge decides whether they survive).
pub fn union<T: Clone + Eq + Hash>(base: &[T], local: &[T], remote: &[T]) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(local.len() + remote.len());
    let mut seen: HashSet<T> = HashSet::new();
    for id in local {
        if seen.insert(id.clone()) {
            out.push(id.clone());
        }
    }
    let mut last_pos: Option<usize> = None;
    for id in remote {
        if let Some(pos) = out.iter().position(|x| x == id) {
            last_pos = Some(pos);
            continue;
        }
        let at = last_pos.map_or(0, |p| p + 1);
        out.insert(at, id.clone());
        seen.insert(id.clone());
        last_pos = Some(at);
    }
    for id in base {
        if seen.insert(id.clone()) {
            out.push(id.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_additions_follow_their_remote_predecessor() {
        assert_eq!(
            union(&[1, 2, 3], &[1, 2, 3, 9], &[1, 7, 2, 3, 8]),
            vec![1, 7, 2, 3, 8, 9]
        );
        assert_eq!(union(&[1], &[1], &[0, 1]), vec![0, 1]);
        assert_eq!(union(&[1, 2], &[2], &[1]), vec![1, 2]);
    }
}
