//! Three-way merge of lists whose items have no identity of their own (acceptance criteria).
//!
//! Each side is aligned with the base: every base item is kept, edited or removed on that side,
//! and new items sit in the gap after a base item (or before the first). Per base item the usual
//! rule applies: one side's change is taken, the same change once, different changes (an edit
//! against another edit or a removal) conflict. What both sides insert into one gap is all kept,
//! local's first, so two criteria appended to one feature never conflict.
//!
//! Inside a changed run of items, a new item is the edit of an old one when their texts are
//! alike (or when the run swaps as many items as it had, position for position); anything else
//! is a removal plus an insertion.

use std::hash::Hash;

use similar::{Algorithm, DiffOp, capture_diff_slices};

/// What one side did to one base item.
#[derive(Clone, Debug, PartialEq)]
enum Fate<T> {
    Kept,
    Edited(T),
    Removed,
}

/// One side against the base.
struct Aligned<T> {
    /// Per base item.
    fate: Vec<Fate<T>>,
    /// `gaps[0]`: inserted before the first base item; `gaps[k + 1]`: after base item `k`.
    gaps: Vec<Vec<T>>,
}

/// A run of changed items: `old` base indices, `new` side indices.
struct Hunk {
    old: std::ops::Range<usize>,
    new: std::ops::Range<usize>,
}

fn hunks<T: Eq + Hash + Ord>(base: &[T], side: &[T]) -> Vec<Hunk> {
    let mut out: Vec<Hunk> = Vec::new();
    let mut open: Option<Hunk> = None;
    for op in capture_diff_slices(Algorithm::Myers, base, side) {
        if let DiffOp::Equal { .. } = op {
            out.extend(open.take());
            continue;
        }
        let (old, new) = (op.old_range(), op.new_range());
        match &mut open {
            Some(h) => {
                h.old.end = h.old.end.max(old.end);
                h.new.end = h.new.end.max(new.end);
            }
            None => open = Some(Hunk { old, new }),
        }
    }
    out.extend(open);
    out
}

fn align<T: Clone + Eq + Hash + Ord>(
    base: &[T],
    side: &[T],
    alike: fn(&T, &T) -> bool,
) -> Aligned<T> {
    let mut a = Aligned {
        fate: vec![Fate::Kept; base.len()],
        gaps: vec![Vec::new(); base.len() + 1],
    };
    for h in hunks(base, side) {
        align_hunk(&mut a, base, side, &h, alike);
    }
    a
}

/// Pairs the new items of a hunk with the old ones they edit; the rest are removals and
/// insertions.
fn align_hunk<T: Clone>(
    a: &mut Aligned<T>,
    base: &[T],
    side: &[T],
    h: &Hunk,
    alike: fn(&T, &T) -> bool,
) {
    let same_length = h.old.len() == h.new.len();
    let mut next_old = h.old.start;
    for (offset, j) in h.new.clone().enumerate() {
        let item = &side[j];
        let paired = if same_length && next_old == h.old.start + offset {
            Some(next_old)
        } else {
            (next_old..h.old.end).find(|&k| alike(&base[k], item))
        };
        match paired {
            Some(k) => {
                for skipped in next_old..k {
                    a.fate[skipped] = Fate::Removed;
                }
                a.fate[k] = Fate::Edited(item.clone());
                next_old = k + 1;
            }
            None => a.gaps[next_old].push(item.clone()),
        }
    }
    for k in next_old..h.old.end {
        a.fate[k] = Fate::Removed;
    }
}

/// Item-wise three-way merge; `None` when one base item was changed differently on both sides.
pub fn merge_items<T: Clone + Eq + Hash + Ord>(
    base: &[T],
    local: &[T],
    remote: &[T],
    alike: fn(&T, &T) -> bool,
) -> Option<Vec<T>> {
    if local == remote || remote == base {
        return Some(local.to_vec());
    }
    if local == base {
        return Some(remote.to_vec());
    }
    let (l, r) = (align(base, local, alike), align(base, remote, alike));
    let mut out = Vec::with_capacity(local.len().max(remote.len()));
    push_gap(&mut out, &l.gaps[0], &r.gaps[0]);
    for (k, item) in base.iter().enumerate() {
        match (&l.fate[k], &r.fate[k]) {
            (Fate::Kept, Fate::Kept) => out.push(item.clone()),
            (Fate::Kept, Fate::Edited(x)) | (Fate::Edited(x), Fate::Kept) => out.push(x.clone()),
            (Fate::Edited(x), Fate::Edited(y)) if x == y => out.push(x.clone()),
            (Fate::Removed, Fate::Kept | Fate::Removed) | (Fate::Kept, Fate::Removed) => {}
            (Fate::Edited(_), Fate::Edited(_) | Fate::Removed)
            | (Fate::Removed, Fate::Edited(_)) => {
                return None;
            }
        }
        push_gap(&mut out, &l.gaps[k + 1], &r.gaps[k + 1]);
    }
    Some(out)
}

/// Local's insertions, then remote's that local did not insert too.
fn push_gap<T: Clone + PartialEq>(out: &mut Vec<T>, local: &[T], remote: &[T]) {
    out.extend_from_slice(local);
    out.extend(remote.iter().filter(|x| !local.contains(x)).cloned());
}

/// Whether two texts are one edited into the other: the same text, or at least half of their
/// words (of the longer text) in common.
pub fn alike_text(a: &str, b: &str) -> bool {
    if a.trim() == b.trim() {
        return true;
    }
    let words = |s: &str| -> Vec<String> { s.split_whitespace().map(str::to_lowercase).collect() };
    let (wa, wb) = (words(a), words(b));
    let longest = wa.len().max(wb.len());
    if longest == 0 {
        return false;
    }
    let mut rest = wb.clone();
    let mut common = 0;
    for w in &wa {
        if let Some(i) = rest.iter().position(|x| x == w) {
            rest.swap_remove(i);
            common += 1;
        }
    }
    common * 2 >= longest
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(items: &[&str]) -> Vec<String> {
        items.iter().map(|x| (*x).to_owned()).collect()
    }

    #[allow(clippy::ptr_arg)] // the item type of the lists merged here
    fn alike(a: &String, b: &String) -> bool {
        alike_text(a, b)
    }

    fn m(b: &[&str], l: &[&str], r: &[&str]) -> Option<Vec<String>> {
        merge_items(&s(b), &s(l), &s(r), alike)
    }

    #[test]
    fn appends_on_both_sides_keep_local_then_remote() {
        assert_eq!(
            m(&["a"], &["a", "local one"], &["a", "remote one"]),
            Some(s(&["a", "local one", "remote one"]))
        );
        assert_eq!(m(&[], &["x"], &["y", "z"]), Some(s(&["x", "y", "z"])));
        assert_eq!(m(&["a"], &["a", "x"], &["a", "x"]), Some(s(&["a", "x"])));
    }

    #[test]
    fn edits_of_neighbouring_items_and_appends_merge() {
        assert_eq!(
            m(
                &["alpha one", "beta two", "gamma three"],
                &["alpha one", "beta two changed", "gamma three", "new"],
                &["alpha one", "beta two", "gamma three changed"],
            ),
            Some(s(&[
                "alpha one",
                "beta two changed",
                "gamma three changed",
                "new"
            ]))
        );
        // A removal on one side, an edit of the next item on the other.
        assert_eq!(
            m(
                &["alpha one", "beta two", "gamma three"],
                &["alpha one", "gamma three", "x"],
                &["alpha one", "beta two", "gamma three changed"],
            ),
            Some(s(&["alpha one", "gamma three changed", "x"]))
        );
    }

    #[test]
    fn one_item_changed_differently_conflicts() {
        assert_eq!(m(&["a b c"], &["a b c d"], &["a b c e"]), None);
        // Rewritten beyond recognition is still an edit of the one item it replaced.
        assert_eq!(m(&["a", "b"], &["a", "x"], &["a", "y"]), None);
        // Edited on one side, removed on the other.
        assert_eq!(m(&["a", "b c"], &["a", "b c d"], &["a"]), None);
        assert_eq!(m(&["a", "b"], &["a"], &["a"]), Some(s(&["a"])));
    }

    #[test]
    fn texts_are_alike_when_half_their_words_are_shared() {
        assert!(alike_text(
            "signup takes < 2 minutes",
            "signup takes < 3 minutes"
        ));
        assert!(!alike_text("signup takes < 2 minutes", "works with SSO"));
        assert!(!alike_text("", "x"));
    }
}
