//! Three-way merge of sequences (diff3): lines of free text, items of a list.
//!
//! Base–local and base–remote are diffed (Myers); runs of base items matched on both sides are
//! stable, everything between them is a chunk that one side changed (take that side), both sides
//! changed identically (take it), or both changed differently (a conflict).

use std::hash::Hash;

use similar::{Algorithm, DiffOp, capture_diff_slices};

/// The result of merging three versions of a sequence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Merged<T> {
    Clean(Vec<T>),
    /// At least one chunk was changed differently on both sides.
    Conflict,
}

/// For each base index, the index of the equal item on the other side, if matched.
fn matches<T: Eq + Hash + Ord>(base: &[T], other: &[T]) -> Vec<Option<usize>> {
    let mut out = vec![None; base.len()];
    for op in capture_diff_slices(Algorithm::Myers, base, other) {
        if let DiffOp::Equal {
            old_index,
            new_index,
            len,
        } = op
        {
            for k in 0..len {
                out[old_index + k] = Some(new_index + k);
            }
        }
    }
    out
}

/// diff3 merge of `local` and `remote` against their common `base`.
pub fn merge<T: Clone + Eq + Hash + Ord>(base: &[T], local: &[T], remote: &[T]) -> Merged<T> {
    if local == remote {
        return Merged::Clean(local.to_vec());
    }
    if local == base {
        return Merged::Clean(remote.to_vec());
    }
    if remote == base {
        return Merged::Clean(local.to_vec());
    }
    let ml = matches(base, local);
    let mr = matches(base, remote);
    let (mut b, mut l, mut r) = (0, 0, 0);
    let mut out = Vec::new();
    loop {
        // Next base item matched on both sides at or after the current positions.
        let next = (b..base.len()).find_map(|j| match (ml[j], mr[j]) {
            (Some(lj), Some(rj)) if lj >= l && rj >= r => Some((j, lj, rj)),
            _ => None,
        });
        let (j, lj, rj) = next.unwrap_or((base.len(), local.len(), remote.len()));
        if (j, lj, rj) != (b, l, r) {
            let chunk = resolve(&base[b..j], &local[l..lj], &remote[r..rj]);
            match chunk {
                Some(items) => out.extend_from_slice(items),
                None => return Merged::Conflict,
            }
        }
        if j == base.len() {
            break;
        }
        out.push(base[j].clone());
        (b, l, r) = (j + 1, lj + 1, rj + 1);
    }
    Merged::Clean(out)
}

fn resolve<'a, T: Eq>(base: &[T], local: &'a [T], remote: &'a [T]) -> Option<&'a [T]> {
    if local == base {
        Some(remote)
    } else if remote == base || local == remote {
        Some(local)
    } else {
        None
    }
}

/// Merges free text line by line. Line endings are kept with their lines, so a text without a
/// final newline stays without one.
pub fn merge_text(base: &str, local: &str, remote: &str) -> Option<String> {
    let split = |s: &str| -> Vec<String> { s.split_inclusive('\n').map(str::to_owned).collect() };
    let (b, l, r) = (split(base), split(local), split(remote));
    match merge(&b, &l, &r) {
        Merged::Clean(lines) => Some(lines.concat()),
        Merged::Conflict => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn v(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn edits_in_different_places_merge() {
        assert_eq!(
            merge(&v("abcdef"), &v("aXcdef"), &v("abcdeY")),
            Merged::Clean(v("aXcdeY"))
        );
    }

    #[test]
    fn insertions_at_different_points_merge() {
        assert_eq!(
            merge(&v("abc"), &v("1abc"), &v("abc2")),
            Merged::Clean(v("1abc2"))
        );
    }

    #[test]
    fn same_change_on_both_sides_is_clean() {
        assert_eq!(
            merge(&v("abc"), &v("aXc"), &v("aXc")),
            Merged::Clean(v("aXc"))
        );
    }

    #[test]
    fn different_edits_of_one_place_conflict() {
        assert_eq!(merge(&v("abc"), &v("aXc"), &v("aYc")), Merged::Conflict);
    }

    #[test]
    fn delete_on_one_side_edit_elsewhere() {
        assert_eq!(
            merge(&v("abcd"), &v("acd"), &v("abcZ")),
            Merged::Clean(v("acZ"))
        );
    }

    #[test]
    fn text_merge_keeps_line_endings() {
        let base = "one\ntwo\nthree";
        let local = "ONE\ntwo\nthree";
        let remote = "one\ntwo\nTHREE";
        assert_eq!(
            merge_text(base, local, remote).as_deref(),
            Some("ONE\ntwo\nTHREE")
        );
        assert_eq!(merge_text("a\nb", "a\nX", "a\nY"), None);
    }

    proptest! {
        #[test]
        fn one_sided_change_is_taken(base in "[abc]{0,12}", side in "[abcd]{0,12}") {
            prop_assert_eq!(merge(&v(&base), &v(&side), &v(&base)), Merged::Clean(v(&side)));
            prop_assert_eq!(merge(&v(&base), &v(&base), &v(&side)), Merged::Clean(v(&side)));
        }

        #[test]
        fn merge_is_symmetric(b in "[abc]{0,10}", l in "[abcx]{0,10}", r in "[abcy]{0,10}") {
            let lr = merge(&v(&b), &v(&l), &v(&r));
            let rl = merge(&v(&b), &v(&r), &v(&l));
            prop_assert_eq!(lr.clone() == Merged::Conflict, rl.clone() == Merged::Conflict);
            if let (Merged::Clean(a), Merged::Clean(c)) = (&lr, &rl) {
                // Independent insertions at one point may be ordered either way; the multiset
                // of items is the same.
                let (mut a, mut c) = (a.clone(), c.clone());
                a.sort();
                c.sort();
                prop_assert_eq!(a, c);
            }
        }

        #[test]
        fn clean_merge_keeps_every_added_item(b in "[abc]{0,8}", l in "[abcx]{0,8}", r in "[abcy]{0,8}") {
            if let Merged::Clean(m) = merge(&v(&b), &v(&l), &v(&r)) {
                let count = |s: &[char], c: char| s.iter().filter(|x| **x == c).count();
                // Items only one side introduces (x locally, y remotely) are never lost.
                prop_assert_eq!(count(&m, 'x'), count(&v(&l), 'x'));
                prop_assert_eq!(count(&m, 'y'), count(&v(&r), 'y'));
            }
        }
    }
}
