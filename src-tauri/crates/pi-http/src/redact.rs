//! Removing credentials from anything that may be shown or logged: the values of query
//! parameters named like credentials, the user information of URLs, and the secrets a client
//! was given (its token, password or header value), wherever they appear.

/// Query parameter names whose values are secrets (compared case-insensitively).
const SECRET_PARAMS: [&str; 10] = [
    "access_token",
    "token",
    "api_token",
    "api_key",
    "apikey",
    "password",
    "secret",
    "client_secret",
    "refresh_token",
    "signature",
];

/// `text` with the value of every credential-named parameter (`access_token=`, `token=`,
/// `api_key=`, ...) replaced by `***`, and the `user:password@` part of every URL replaced by
/// `***@`.
///
/// Works on whole URLs and on free text that embeds URLs (error messages from the HTTP stack).
pub fn redact(text: &str) -> String {
    redact_userinfo(&redact_params(text))
}

fn redact_params(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some((start, name_len)) = next_secret(rest) {
        let value_start = start + name_len;
        out.push_str(&rest[..value_start]);
        out.push_str("***");
        let tail = &rest[value_start..];
        let value_len = tail
            .find(['&', '#', ' ', ')', '"', '\'', '\n', '>', ';', ','])
            .unwrap_or(tail.len());
        rest = &tail[value_len..];
    }
    out.push_str(rest);
    out
}

/// Byte offset and length of the next `name=` that is a whole parameter name.
fn next_secret(text: &str) -> Option<(usize, usize)> {
    let lower = text.to_ascii_lowercase();
    let mut best: Option<(usize, usize)> = None;
    for name in SECRET_PARAMS {
        let pattern = format!("{name}=");
        let mut from = 0;
        while let Some(i) = lower[from..].find(&pattern) {
            let at = from + i;
            let boundary =
                at == 0 || !lower[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_');
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

/// `scheme://user:password@host` → `scheme://***@host`, for every URL in `text`.
fn redact_userinfo(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("://") {
        let authority_start = i + 3;
        out.push_str(&rest[..authority_start]);
        let tail = &rest[authority_start..];
        let end = tail
            .find(['/', '?', '#', ' ', '\n', ')', '"', '\'', '>'])
            .unwrap_or(tail.len());
        match tail[..end].rfind('@') {
            Some(at) => {
                out.push_str("***");
                out.push_str(&tail[at..end]);
            }
            None => out.push_str(&tail[..end]),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// The secrets one client holds; [`Redactor::apply`] removes them and everything [`redact`]
/// removes. `Debug` never shows them.
#[derive(Clone, Default)]
pub struct Redactor {
    secrets: Vec<String>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Redactor({} secrets)", self.secrets.len())
    }
}

impl Redactor {
    /// Remembers `secret` (empty values are ignored: they would match everywhere).
    pub fn add(&mut self, secret: &str) {
        if !secret.is_empty() && !self.secrets.iter().any(|s| s == secret) {
            self.secrets.push(secret.to_owned());
            // Longest first, so that a secret containing another is replaced whole.
            self.secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        }
    }

    /// `text` without any known secret and without what [`redact`] removes.
    pub fn apply(&self, text: &str) -> String {
        let mut out = redact(text);
        for secret in &self.secrets {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), "***");
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn redacts_credential_parameters() {
        assert_eq!(
            redact("http://h/api/v1/Teams?format=json&access_token=abc%3D%3D&take=5"),
            "http://h/api/v1/Teams?format=json&access_token=***&take=5"
        );
        assert_eq!(redact("GET /x?token=zz"), "GET /x?token=***");
        assert_eq!(redact("GET /x?API_KEY=zz&a=1"), "GET /x?API_KEY=***&a=1");
        assert_eq!(
            redact("error for url (http://h/a?access_token=q1) done"),
            "error for url (http://h/a?access_token=***) done"
        );
        assert_eq!(redact("my_token=keep"), "my_token=keep");
        assert_eq!(redact("no secrets"), "no secrets");
    }

    #[test]
    fn redacts_user_information_of_urls() {
        assert_eq!(
            redact("failed: https://ann:pw1@h.example:8443/x?y=1 and http://h2/z"),
            "failed: https://***@h.example:8443/x?y=1 and http://h2/z"
        );
        assert_eq!(redact("http://only@h/"), "http://***@h/");
    }

    #[test]
    fn a_redactor_removes_the_secrets_it_knows() {
        let mut r = Redactor::default();
        r.add("s3cr3t-value");
        r.add("");
        assert_eq!(
            r.apply("server said: bad s3cr3t-value (token=x)"),
            "server said: bad *** (token=***)"
        );
        assert!(!format!("{r:?}").contains("s3cr3t"));
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

        #[test]
        fn a_known_secret_never_survives(secret in "[A-Za-z0-9]{6,30}", pre in ".{0,20}", post in ".{0,20}") {
            let mut r = Redactor::default();
            r.add(&secret);
            let out = r.apply(&format!("{pre}{secret}{post}"));
            prop_assert!(!out.contains(&secret));
        }
    }
}
