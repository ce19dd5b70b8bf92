//! The order of entities in a merged plan: the local order, with entities that only the remote
//! side has placed after the entity that precedes them remotely — and after what local added
//! there, so that additions of both sides at one place come local's first.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;

/// Every id of the three sides once: local order first, then remote-only ids inserted after their
/// remote predecessor (past the ids local added right after it), then ids only the base has (the
/// merge decides whether they survive).
///
/// Linear in the number of ids: remote-only ids are collected as runs hanging off the id that
/// precedes them remotely (or off the start), and each run is spliced in before the next local id
/// that is not a local addition (or at the end) while the local order is written out.
pub fn union<T: Clone + Eq + Hash>(base: &[T], local: &[T], remote: &[T]) -> Vec<T> {
    let known: HashSet<&T> = remote.iter().chain(base).collect();
    let mut seen: HashSet<&T> = HashSet::with_capacity(local.len() + remote.len());
    let local: Vec<&T> = local.iter().filter(|id| seen.insert(*id)).collect();
    let runs = remote_runs(remote, &mut seen);
    let mut out: Vec<T> = Vec::with_capacity(seen.len() + base.len());
    let mut pending: Option<&Vec<&T>> = runs.get(&None);
    let flush = |out: &mut Vec<T>, pending: &mut Option<&Vec<&T>>| {
        if let Some(run) = pending.take() {
            out.extend(run.iter().map(|x| (*x).clone()));
        }
    };
    for id in local {
        if known.contains(id) {
            flush(&mut out, &mut pending);
        }
        out.push(id.clone());
        if let Some(run) = runs.get(&Some(id)) {
            flush(&mut out, &mut pending);
            pending = Some(run);
        }
    }
    flush(&mut out, &mut pending);
    for id in base {
        if seen.insert(id) {
            out.push(id.clone());
        }
    }
    out
}

/// Remote-only ids grouped by the local id they follow (`None`: the start), in remote order.
fn remote_runs<'a, T: Eq + Hash>(
    remote: &'a [T],
    seen: &mut HashSet<&'a T>,
) -> HashMap<Option<&'a T>, Vec<&'a T>> {
    let mut runs: HashMap<Option<&T>, Vec<&T>> = HashMap::new();
    // Where the next remote-only id goes: after a local id (or the start), at this index of its run.
    let mut cursor: (Option<&T>, usize) = (None, 0);
    // Which run a remote-only id was put in.
    let mut run_of: HashMap<&T, Option<&T>> = HashMap::new();
    for id in remote {
        if seen.insert(id) {
            let run = runs.entry(cursor.0).or_default();
            run.insert(cursor.1, id);
            run_of.insert(id, cursor.0);
            cursor.1 += 1;
        } else if let Some(anchor) = run_of.get(id) {
            let at = runs[anchor].iter().position(|x| *x == id).unwrap_or(0);
            cursor = (*anchor, at + 1);
        } else {
            cursor = (Some(id), 0);
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_additions_follow_their_remote_predecessor() {
        assert_eq!(
            union(&[1, 2, 3], &[1, 2, 3, 9], &[1, 7, 2, 3, 8]),
            vec![1, 7, 2, 3, 9, 8]
        );
        assert_eq!(union(&[1, 2], &[1, 5, 2], &[1, 6, 2]), vec![1, 5, 6, 2]);
        assert_eq!(union(&[1], &[1], &[0, 1]), vec![0, 1]);
        assert_eq!(union(&[1, 2], &[2], &[1]), vec![1, 2]);
        assert_eq!(union(&[], &[5], &[7, 8, 5, 9]), vec![7, 8, 5, 9]);
        assert_eq!(union(&[4], &[], &[7, 8, 7, 9]), vec![7, 9, 8, 4]);
    }

    /// The definition, one insertion at a time (quadratic): the linear version must agree.
    fn union_by_insertion(base: &[u8], local: &[u8], remote: &[u8]) -> Vec<u8> {
        let mut out: Vec<u8> = Vec::new();
        for id in local {
            if !out.contains(id) {
                out.push(*id);
            }
        }
        let mut last_pos: Option<usize> = None;
        for id in remote {
            if let Some(pos) = out.iter().position(|x| x == id) {
                last_pos = Some(pos);
                continue;
            }
            let mut at = last_pos.map_or(0, |p| p + 1);
            // Past what local added at that place: local's additions come first.
            while at < out.len() && !remote.contains(&out[at]) && !base.contains(&out[at]) {
                at += 1;
            }
            out.insert(at, *id);
            last_pos = Some(at);
        }
        for id in base {
            if !out.contains(id) {
                out.push(*id);
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn agrees_with_insertion_one_by_one(
            base in proptest::collection::vec(0u8..24, 0..16),
            local in proptest::collection::vec(0u8..24, 0..16),
            remote in proptest::collection::vec(0u8..24, 0..16),
        ) {
            proptest::prop_assert_eq!(
                union(&base, &local, &remote),
                union_by_insertion(&base, &local, &remote)
            );
        }
    }
}
