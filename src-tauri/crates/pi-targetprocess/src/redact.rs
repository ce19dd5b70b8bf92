//! Removing credentials from anything that may be shown or logged.

/// Query parameter names whose values are secrets.
const SECRET_PARAMS: [&str; 2] = ["access_token", "token"];

/// `text` with the value of every `access_token=` / `token=` parameter replaced by `***`.
///
/// Works on whole URLs and on free text that embeds URLs (error messages from the HTTP stack).
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some((start, name_len)) = next_secret(rest) {
        let value_start = start + name_len;
        out.push_str(&rest[..value_start]);
        out.push_str("***");
        let tail = &rest[value_start..];
        let value_len = tail
            .find(['&', '#', ' ', ')', '"', '\'', '\n', '>'])
            .unwrap_or(tail.len());
        rest = &tail[value_len..];
    }
    out.push_str(rest);
    out
}

/// Byte offset and length of the next `name=` that is a whole parameter name.
fn next_secret(text: &str) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    for name in SECRET_PARAMS {
        let pattern = format!("{name}=");
        let mut from = 0;
        while let Some(i) = text[from..].find(&pattern) {
            let at = from + i;
            let boundary =
                at == 0 || !text[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_');
            if boundary {
                if best.is_none_or(|(b, _)| at < b) {
                    best = Some((at, pattern.len()));
                }
                break;
            }
            from = at + pattern.len();
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn redacts_both_token_kinds() {
        assert_eq!(
            redact("http://h/api/v1/Teams?format=json&access_token=abc%3D%3D&take=5"),
            "http://h/api/v1/Teams?format=json&access_token=***&take=5"
        );
        assert_eq!(redact("GET /x?token=zz"), "GET /x?token=***");
        assert_eq!(
            redact("error for url (http://h/a?access_token=q1) done"),
            "error for url (http://h/a?access_token=***) done"
        );
        assert_eq!(redact("my_token=keep"), "my_token=keep");
        assert_eq!(redact("no secrets"), "no secrets");
    }

    proptest! {
        #[test]
        fn secret_never_survives(secret in "[A-Za-z0-9+/%=]{4,30}", pre in "[a-z/?&=]{0,10}") {
            let text = format!("{pre}?x=1&access_token={secret}&token={secret}");
            let out = redact(&text);
            let leaked_a = format!("access_token={secret}");
            let leaked_t = format!("&token={secret}");
            prop_assert!(!out.contains(&leaked_a));
            prop_assert!(!out.contains(&leaked_t));
        }
    }
}
