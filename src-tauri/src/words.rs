//! Counted nouns for messages: "1 change", "2 changes", never "change(s)".

/// `n` and `one` or `many`, as a planner reads it.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "1 change", "3 changes".
pub fn changes(n: usize) -> String {
    count(n, "change", "changes")
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_is_singular_and_the_rest_plural() {
        assert_eq!(super::changes(1), "1 change");
        assert_eq!(super::changes(0), "0 changes");
        assert_eq!(super::count(2, "conflict", "conflicts"), "2 conflicts");
    }
}
