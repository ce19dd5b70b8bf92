//! E-mail over SMTP (lettre): STARTTLS (required, never skipped) or TLS from the first byte, with
//! a login when `user` is set; plain SMTP only to a server on this machine. Each message has a
//! text and an HTML part (`multipart/alternative`).

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use pi_model::{EmailSettings, NotifyEvent, SmtpSecurity};

use crate::event::Event;
use crate::render;

/// An e-mail that was not delivered.
#[derive(Debug, thiserror::Error)]
pub enum EmailError {
    #[error("e-mail is not set up: {0}")]
    Setup(String),
    #[error("e-mail address {address:?}: {message}")]
    Address { address: String, message: String },
    #[error("the message could not be built: {0}")]
    Build(String),
    #[error("the SMTP server {server} did not take the message: {message}")]
    Smtp { server: String, message: String },
}

/// The SMTP sender of one `[notify.email]`.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    settings: EmailSettings,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("server", &self.server())
            .field("security", &self.settings.security)
            .finish_non_exhaustive()
    }
}

fn mailbox(address: &str) -> Result<Mailbox, EmailError> {
    address
        .trim()
        .parse()
        .map_err(|e: lettre::address::AddressError| EmailError::Address {
            address: address.to_owned(),
            message: e.to_string(),
        })
}

impl Mailer {
    /// A sender for `settings`; `password` is required when `settings.user` is set.
    pub fn new(settings: &EmailSettings, password: Option<String>) -> Result<Mailer, EmailError> {
        let host = settings.host.trim();
        let setup = |e: lettre::transport::smtp::Error| EmailError::Setup(format!("{host}: {e}"));
        let builder = match settings.security {
            SmtpSecurity::Starttls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host).map_err(setup)?
            }
            SmtpSecurity::Tls => {
                AsyncSmtpTransport::<Tokio1Executor>::relay(host).map_err(setup)?
            }
            SmtpSecurity::Plain if pi_model::is_loopback(host) => {
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            }
            SmtpSecurity::Plain => {
                return Err(EmailError::Setup(format!(
                    "plain SMTP is only allowed to this machine, not {host:?}"
                )));
            }
        };
        let mut builder = builder
            .port(settings.port())
            .timeout(Some(Duration::from_secs(30)));
        if let Some(user) = &settings.user {
            let Some(password) = password else {
                return Err(EmailError::Setup(format!(
                    "[notify.email] user is {user:?} but no password: set PI_SMTP_PASSWORD or keep it in the keychain"
                )));
            };
            builder = builder.credentials(Credentials::new(user.clone(), password));
        }
        Ok(Mailer {
            transport: builder.build(),
            settings: settings.clone(),
            from: mailbox(&settings.from)?,
        })
    }

    fn server(&self) -> String {
        format!("{}:{}", self.settings.host, self.settings.port())
    }

    /// The message for `event` to its recipients.
    pub fn message(&self, event: &Event) -> Result<Message, EmailError> {
        let to = self.settings.recipients_of(event.kind());
        if to.is_empty() {
            return Err(EmailError::Setup(format!(
                "no recipients for {}: set [notify.email] to (or recipients.{})",
                event.kind().as_str(),
                event.kind().as_str()
            )));
        }
        let mut builder = Message::builder()
            .from(self.from.clone())
            .subject(render::subject(event))
            .date_now()
            .header(lettre::message::header::UserAgent::from(
                "PI Planner".to_owned(),
            ));
        for address in to {
            builder = builder.to(mailbox(address)?);
        }
        let parts = MultiPart::alternative()
            .singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_PLAIN)
                    .body(render::text_body(event)),
            )
            .singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_HTML)
                    .body(render::html_body(event)),
            );
        builder
            .multipart(parts)
            .map_err(|e| EmailError::Build(e.to_string()))
    }

    /// Sends the message for `event`.
    pub async fn send(&self, event: &Event) -> Result<(), EmailError> {
        let message = self.message(event)?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| EmailError::Smtp {
                server: self.server(),
                message: e.to_string(),
            })
    }

    /// Whether `event` has recipients.
    pub fn routes(&self, event: NotifyEvent) -> bool {
        !self.settings.recipients_of(event).is_empty()
    }
}
