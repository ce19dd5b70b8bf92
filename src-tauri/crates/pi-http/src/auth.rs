//! How a client's requests carry its credentials. The client decides which form its server
//! takes; this layer attaches it to every attempt and remembers the secret so that no message,
//! log line or `Debug` output shows it.

use base64::Engine as _;
use reqwest::header::{AUTHORIZATION, HeaderValue};

use crate::redact::Redactor;

/// The credential every request of one client carries. `Debug` never shows a secret.
#[derive(Clone, PartialEq, Eq)]
pub enum Auth {
    /// No credential (a server that needs none, or a secret URL registered with
    /// [`crate::Client::new`]'s `secrets`).
    None,
    /// A query parameter, e.g. Targetprocess's `access_token=...`.
    Query { name: &'static str, value: String },
    /// `Authorization: Basic base64(user:password)`.
    Basic { user: String, password: String },
    /// `Authorization: Bearer <token>`.
    Bearer(String),
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Auth::None => f.write_str("None"),
            Auth::Query { name, .. } => write!(f, "Query({name}=<redacted>)"),
            Auth::Basic { user, .. } => write!(f, "Basic({user}:<redacted>)"),
            Auth::Bearer(_) => f.write_str("Bearer(<redacted>)"),
        }
    }
}

/// [`Auth`] made ready to attach: the header value is built once and marked sensitive.
pub(crate) struct Attach {
    query: Option<(&'static str, String)>,
    header: Option<HeaderValue>,
}

impl Attach {
    /// The attachable form of `auth`, and every secret it holds added to `redactor`.
    pub(crate) fn new(auth: &Auth, redactor: &mut Redactor) -> Result<Self, String> {
        let header = |text: String, redactor: &mut Redactor| {
            redactor.add(&text);
            let mut value = HeaderValue::from_str(&text)
                .map_err(|_| "it holds a character an HTTP header cannot carry".to_owned())?;
            value.set_sensitive(true);
            Ok::<_, String>(Some(value))
        };
        let (query, header) = match auth {
            Auth::None => (None, None),
            Auth::Query { name, value } => {
                redactor.add(value);
                (Some((*name, value.clone())), None)
            }
            Auth::Basic { user, password } => {
                redactor.add(password);
                let raw = format!("{user}:{password}");
                let encoded = base64::engine::general_purpose::STANDARD.encode(raw);
                redactor.add(&encoded);
                (None, header(format!("Basic {encoded}"), redactor)?)
            }
            Auth::Bearer(token) => {
                redactor.add(token);
                (None, header(format!("Bearer {token}"), redactor)?)
            }
        };
        Ok(Self { query, header })
    }

    pub(crate) fn to(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        let request = match &self.query {
            Some((name, value)) => request.query(&[(name, value)]),
            None => request,
        };
        match &self.header {
            Some(value) => request.header(AUTHORIZATION, value.clone()),
            None => request,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_a_secret() {
        let shown = [
            Auth::Query {
                name: "access_token",
                value: "s3cr3t".into(),
            },
            Auth::Basic {
                user: "ann".into(),
                password: "s3cr3t".into(),
            },
            Auth::Bearer("s3cr3t".into()),
        ]
        .map(|a| format!("{a:?}"));
        for text in &shown {
            assert!(!text.contains("s3cr3t"), "{text}");
        }
        assert_eq!(shown[1], "Basic(ann:<redacted>)");
    }

    #[test]
    fn every_form_of_the_secret_is_redacted() {
        let mut redactor = Redactor::default();
        let auth = Auth::Basic {
            user: "ann".into(),
            password: "pw-123456".into(),
        };
        Attach::new(&auth, &mut redactor).unwrap();
        let encoded = base64::engine::general_purpose::STANDARD.encode("ann:pw-123456");
        let text = format!("a pw-123456 b {encoded} c");
        assert_eq!(redactor.apply(&text), "a *** b *** c");
    }

    #[test]
    fn a_credential_a_header_cannot_carry_is_refused_without_showing_it() {
        let err = Attach::new(&Auth::Bearer("pat\nX".into()), &mut Redactor::default())
            .err()
            .unwrap();
        assert!(!err.contains("pat"), "{err}");
    }
}
