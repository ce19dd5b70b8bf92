//! Unified diff hunks as GitHub gives them (`patch` of a pull request's file): which lines of
//! the head's version a hunk covers, the only lines a review may comment on.

/// Whether `line` of the new version is inside one of `patch`'s hunks: `@@ -a,b +c,d @@` covers
/// lines `c..c+d` (a count left out is 1).
pub(crate) fn covers(patch: &str, line: u64) -> bool {
    patch
        .lines()
        .filter_map(new_range)
        .any(|(first, count)| (first..first + count).contains(&line))
}

/// The new version's first line and line count of a hunk header.
fn new_range(header: &str) -> Option<(u64, u64)> {
    let rest = header.strip_prefix("@@ -")?;
    let (ranges, _) = rest.split_once(" @@")?;
    let (_, new) = ranges.split_once(" +")?;
    match new.split_once(',') {
        Some((first, count)) => Some((first.parse().ok()?, count.parse().ok()?)),
        None => Some((new.parse().ok()?, 1)),
    }
}

#[cfg(test)]
mod tests {
    use super::covers;

    #[test]
    fn lines_inside_the_hunks_and_not_around_them() {
        let patch = "@@ -10,7 +10,8 @@ ## Objective: A\n a\n-b\n+c\n+d\n@@ -40 +41 @@\n-x\n+y\n@@ -60,2 +61,0 @@\n-p\n-q\n";
        assert!(covers(patch, 10) && covers(patch, 17) && covers(patch, 41));
        assert!(!covers(patch, 9) && !covers(patch, 18) && !covers(patch, 42));
        assert!(
            !covers(patch, 61),
            "a hunk that only deletes covers no new line"
        );
        assert!(!covers("Binary files differ", 1));
    }
}
