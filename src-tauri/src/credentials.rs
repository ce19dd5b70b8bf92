//! Where the Targetprocess access token lives: the OS keychain (Keychain on macOS, Credential
//! Manager on Windows, the Secret Service on Linux), one entry per Targetprocess URL.
//!
//! It deliberately never writes a token to a file, a log or an error message.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::error::{ErrorCode, UiError};

/// Keychain service name of PI Planner's entries; the account is the Targetprocess URL.
pub const KEYCHAIN_SERVICE: &str = "pi-planner";

/// Stores and reads access tokens by Targetprocess URL.
pub trait CredentialStore: Send + Sync + std::fmt::Debug {
    fn save(&self, url: &str, token: &str) -> Result<(), UiError>;
    /// `Ok(None)` when no token is stored for `url`.
    fn load(&self, url: &str) -> Result<Option<String>, UiError>;
    /// Removes the token of `url`; no error when none is stored.
    fn delete(&self, url: &str) -> Result<(), UiError>;
}

/// The OS keychain through the keyring crate.
#[derive(Debug)]
pub struct KeychainStore {
    service: String,
}

impl KeychainStore {
    pub fn new(service: &str) -> Self {
        Self {
            service: service.to_owned(),
        }
    }

    fn entry(&self, url: &str) -> Result<keyring::Entry, UiError> {
        keyring::Entry::new(&self.service, url).map_err(|e| keychain_error(&e))
    }
}

impl CredentialStore for KeychainStore {
    fn save(&self, url: &str, token: &str) -> Result<(), UiError> {
        self.entry(url)?
            .set_password(token)
            .map_err(|e| keychain_error(&e))
    }

    fn load(&self, url: &str) -> Result<Option<String>, UiError> {
        match self.entry(url)?.get_password() {
            Ok(token) => Ok(Some(token)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keychain_error(&e)),
        }
    }

    fn delete(&self, url: &str) -> Result<(), UiError> {
        match self.entry(url)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(keychain_error(&e)),
        }
    }
}

/// Names the kind of failure only: keyring errors can quote platform messages.
fn keychain_error(e: &keyring::Error) -> UiError {
    let what = match e {
        keyring::Error::PlatformFailure(_) => "the keychain service is not available",
        keyring::Error::NoStorageAccess(_) => "the keychain is locked",
        _ => "the keychain refused the request",
    };
    UiError::new(
        ErrorCode::Keychain,
        format!("Could not use the system keychain: {what}."),
    )
    .hint("Unlock your keychain (on Linux: the login keyring of GNOME Keyring or KWallet) and try again.")
}

/// A store in memory, for tests of the app's flows.
#[derive(Debug, Default)]
pub struct MemoryStore {
    tokens: Mutex<HashMap<String, String>>,
}

impl CredentialStore for MemoryStore {
    fn save(&self, url: &str, token: &str) -> Result<(), UiError> {
        let mut tokens = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        tokens.insert(url.to_owned(), token.to_owned());
        Ok(())
    }

    fn load(&self, url: &str) -> Result<Option<String>, UiError> {
        let tokens = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        Ok(tokens.get(url).cloned())
    }

    fn delete(&self, url: &str) -> Result<(), UiError> {
        let mut tokens = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        tokens.remove(url);
        Ok(())
    }
}
