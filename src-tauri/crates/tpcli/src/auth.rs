//! `tpcli auth login | logout | status`: the Targetprocess access token in the OS keychain
//! (Keychain on macOS, Credential Manager on Windows, the Secret Service on Linux), one entry per
//! Targetprocess URL under the service `pi-planner` — the same entry the desktop app uses, so one
//! login serves both.
//!
//! It deliberately never takes the token as an argument and never prints, logs or writes it
//! anywhere but the keychain; keychain errors are named by kind only (platform messages can quote
//! more than we want to show).

use std::io::{BufRead as _, IsTerminal as _};

use anyhow::{Context as _, Result, anyhow, bail};
use clap::{Args, Subcommand};
use pi_targetprocess::{Credentials, TpClient, TpConfig};

use crate::exit;

/// Keychain service of PI Planner's entries; the account is the Targetprocess URL.
pub const KEYCHAIN_SERVICE: &str = "pi-planner";

#[derive(Debug, Args)]
pub struct AuthArgs {
    #[command(subcommand)]
    command: AuthCommand,
}

#[derive(Debug, Subcommand)]
enum AuthCommand {
    /// Store a Targetprocess access token in the OS keychain, after checking that Targetprocess
    /// accepts it. The token is read from the terminal without echo, or from stdin.
    #[command(after_help = "Examples:
  tpcli auth login --tp-url https://acme.tpondemand.com
  printf '%s\\n' \"$TOKEN\" | tpcli auth login --tp-url https://acme.tpondemand.com

Create a token in Targetprocess under your profile → Access Tokens.")]
    Login(UrlArgs),
    /// Delete the stored token of a Targetprocess URL from the OS keychain.
    Logout(UrlArgs),
    /// Say whether a token is stored for a Targetprocess URL (never prints it).
    Status(StatusArgs),
}

#[derive(Debug, Args)]
struct UrlArgs {
    /// Targetprocess account URL, e.g. https://acme.tpondemand.com. Default: $TP_URL.
    #[arg(long, value_name = "URL", env = "TP_URL")]
    tp_url: Option<String>,
}

#[derive(Debug, Args)]
struct StatusArgs {
    #[command(flatten)]
    url: UrlArgs,
    /// Print the status as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(args: AuthArgs) -> Result<u8> {
    match args.command {
        AuthCommand::Login(a) => login(&a),
        AuthCommand::Logout(a) => logout(&a),
        AuthCommand::Status(a) => status(&a),
    }
}

/// The keychain account of a Targetprocess URL, as the app writes it: the URL's shown form
/// (no user name, password or query; no trailing `/`).
pub fn account(url: &str) -> String {
    pi_targetprocess::config::shown_url(url)
}

/// Why the keychain could not be used, by kind only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeychainProblem {
    /// No keychain service (on Linux: no Secret Service on the session bus).
    Unavailable,
    Locked,
    Refused,
}

impl std::fmt::Display for KeychainProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            KeychainProblem::Unavailable => {
                "the system keychain is not available (on Linux: no Secret Service such as GNOME Keyring or KWallet on the session bus)"
            }
            KeychainProblem::Locked => "the system keychain is locked; unlock it and try again",
            KeychainProblem::Refused => "the system keychain refused the request",
        })
    }
}

impl std::error::Error for KeychainProblem {}

fn problem(e: &keyring::Error) -> KeychainProblem {
    match e {
        keyring::Error::PlatformFailure(_) => KeychainProblem::Unavailable,
        keyring::Error::NoStorageAccess(_) => KeychainProblem::Locked,
        _ => KeychainProblem::Refused,
    }
}

fn entry(url: &str) -> Result<keyring::Entry, KeychainProblem> {
    keyring::Entry::new(KEYCHAIN_SERVICE, &account(url)).map_err(|e| problem(&e))
}

/// The token stored for `url`, `Ok(None)` when there is none.
pub fn stored_token(url: &str) -> Result<Option<String>, KeychainProblem> {
    match entry(url)?.get_password() {
        Ok(token) => Ok(Some(token)),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(problem(&e)),
    }
}

fn url_of(args: &UrlArgs) -> Result<String> {
    let given = args
        .tp_url
        .as_deref()
        .filter(|u| !u.trim().is_empty())
        .context("which Targetprocess? pass --tp-url URL or set TP_URL")?;
    if pi_targetprocess::config::clean_base_url(given).is_ok_and(|(_, dropped)| dropped.any()) {
        eprintln!(
            "warning: the Targetprocess URL carried a user name, password or query; dropped, using {} (the token is read from the terminal or stdin, never from the URL)",
            account(given)
        );
    }
    Ok(account(given))
}

fn login(args: &UrlArgs) -> Result<u8> {
    let url = url_of(args)?;
    let token = read_token(&url)?;
    check_token(&url, &token)?;
    entry(&url)
        .and_then(|e| e.set_password(&token).map_err(|e| problem(&e)))
        .map_err(|p| {
            anyhow!("could not store the token: {p}. Without a keychain, set TP_TOKEN instead")
        })?;
    println!(
        "Logged in to {url}: the token is kept in your keychain (service {KEYCHAIN_SERVICE}) and used when TP_TOKEN is not set."
    );
    Ok(exit::OK)
}

/// The token, from the terminal without echo, else the first line of stdin.
fn read_token(url: &str) -> Result<String> {
    let token = if std::io::stdin().is_terminal() {
        rpassword::prompt_password(format!("Access token for {url}: "))
            .context("cannot read the token from the terminal")?
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the token from stdin")?;
        line
    };
    let token = token.trim().to_owned();
    if token.is_empty() {
        bail!(
            "no token given: paste the access token (Targetprocess → your profile → Access Tokens)"
        );
    }
    Ok(token)
}

/// One cheap authenticated call: the token must be accepted before it is stored.
fn check_token(url: &str, token: &str) -> Result<()> {
    let mut config = TpConfig::new(url, Credentials::AccessToken(token.to_owned()))
        .with_context(|| format!("bad Targetprocess URL {url:?}"))?;
    config.retry.max_retries = 1;
    let client = TpClient::new(config)?;
    crate::sync::block_on(client.list_arts())?
        .with_context(|| format!("{url} did not accept the token; nothing was stored"))?;
    Ok(())
}

fn logout(args: &UrlArgs) -> Result<u8> {
    let url = url_of(args)?;
    let deleted = entry(&url).and_then(|e| match e.delete_credential() {
        Ok(()) => Ok(true),
        Err(keyring::Error::NoEntry) => Ok(false),
        Err(e) => Err(problem(&e)),
    });
    match deleted.map_err(|p| anyhow!("could not remove the token: {p}"))? {
        true => println!("Logged out of {url}: the token is removed from your keychain."),
        false => println!("No token was stored for {url}."),
    }
    Ok(exit::OK)
}

fn status(args: &StatusArgs) -> Result<u8> {
    let url = url_of(&args.url)?;
    let env_token = std::env::var("TP_TOKEN").is_ok_and(|t| !t.trim().is_empty());
    let stored = stored_token(&url).map(|t| t.is_some());
    if args.json {
        let (stored, keychain) = match stored {
            Ok(s) => (Some(s), "available".to_owned()),
            Err(p) => (None, format!("{p:?}").to_lowercase()),
        };
        crate::output::print(&crate::output::views::AuthStatusView {
            url: url.to_string(),
            stored,
            keychain,
            tp_token_set: env_token,
        })?;
    } else {
        match &stored {
            Ok(true) => println!("A token for {url} is stored in your keychain."),
            Ok(false) => println!(
                "No token for {url} is stored in your keychain: run `tpcli auth login --tp-url {url}`."
            ),
            Err(p) => println!(
                "Cannot tell whether a token for {url} is stored: {p}. Set TP_TOKEN instead."
            ),
        }
        if env_token {
            println!("TP_TOKEN is set: tpcli uses it instead of the keychain.");
        }
    }
    Ok(match stored {
        Ok(true) => exit::OK,
        _ => exit::FINDINGS,
    })
}
