//! The channels' secrets: from the environment first, then the OS keychain (service
//! `pi-planner`). Never from the repository, never logged.

use std::collections::BTreeMap;

/// A secret a channel needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SecretName {
    SlackWebhookUrl,
    SlackBotToken,
    SmtpPassword,
}

impl SecretName {
    /// The environment variable that holds it.
    pub fn env_var(self) -> &'static str {
        match self {
            Self::SlackWebhookUrl => "PI_SLACK_WEBHOOK_URL",
            Self::SlackBotToken => "PI_SLACK_BOT_TOKEN",
            Self::SmtpPassword => "PI_SMTP_PASSWORD",
        }
    }

    /// The keychain account under the service `pi-planner`.
    pub fn keychain_account(self) -> &'static str {
        match self {
            Self::SlackWebhookUrl => "notify:slack-webhook-url",
            Self::SlackBotToken => "notify:slack-bot-token",
            Self::SmtpPassword => "notify:smtp-password",
        }
    }
}

/// Where secrets are looked up.
pub trait SecretSource: Send + Sync {
    fn get(&self, name: SecretName) -> Option<String>;
}

/// The environment, then the OS keychain.
#[derive(Debug, Default, Clone, Copy)]
pub struct EnvAndKeychain;

/// The keychain service of PI Planner's secrets.
pub const KEYCHAIN_SERVICE: &str = "pi-planner";

impl SecretSource for EnvAndKeychain {
    fn get(&self, name: SecretName) -> Option<String> {
        let from_env = std::env::var(name.env_var())
            .ok()
            .filter(|v| !v.trim().is_empty());
        from_env.or_else(|| {
            let entry = keyring::Entry::new(KEYCHAIN_SERVICE, name.keychain_account()).ok()?;
            match entry.get_password() {
                Ok(v) if !v.trim().is_empty() => Some(v),
                Ok(_) | Err(keyring::Error::NoEntry) => None,
                Err(e) => {
                    tracing::debug!(error = %e, account = name.keychain_account(), "keychain not readable");
                    None
                }
            }
        })
    }
}

/// Secrets given by the caller (tests, the app's settings).
#[derive(Default, Clone)]
pub struct Given(pub BTreeMap<SecretName, String>);

impl std::fmt::Debug for Given {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

impl SecretSource for Given {
    fn get(&self, name: SecretName) -> Option<String> {
        self.0.get(&name).cloned()
    }
}
