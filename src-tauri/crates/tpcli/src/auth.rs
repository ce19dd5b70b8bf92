//! `tpcli auth login | logout | status`: the Targetprocess access token in the OS keychain
//! (Keychain on macOS, Credential Manager on Windows, the Secret Service on Linux), one entry per
//! Targetprocess URL under the service `pi-planner` — the same entry the desktop app uses, so one
//! login serves both.
//!
//! With `--jira URL`, login and logout keep Jira credentials instead (the e-mail and API token of
//! Jira Cloud, or a Data Center personal access token) under the same service (`sync::jira`).
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

Create a token in Targetprocess under your profile → Access Tokens.

With --jira URL, store Jira credentials for the [jira] site instead, after checking them: the
e-mail is asked first (Jira Cloud; leave it empty for a Data Center personal access token), then
the API token or personal access token. From stdin: the e-mail on the first line (may be
empty), the token on the second. Run inside the plan's clone, login also records the site
as the one this clone sends Jira credentials to: a [jira] url that a teammate changed in the
shared repository is refused until you confirm it this way (or with JIRA_URL=URL).
  tpcli auth login --jira https://acme.atlassian.net")]
    Login(LoginArgs),
    /// Delete the stored token of a Targetprocess URL (or, with --jira URL, the Jira
    /// credentials of a Jira site) from the OS keychain.
    Logout(LoginArgs),
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
struct LoginArgs {
    #[command(flatten)]
    url: UrlArgs,
    /// A Jira site (the url of [jira] in pi-planner.toml): log in to or out of Jira instead of
    /// Targetprocess.
    #[arg(long, value_name = "URL")]
    jira: Option<String>,
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
        AuthCommand::Login(LoginArgs {
            jira: Some(url), ..
        }) => jira_login(&url),
        AuthCommand::Logout(LoginArgs {
            jira: Some(url), ..
        }) => jira_logout(&url),
        AuthCommand::Login(a) => login(&a.url),
        AuthCommand::Logout(a) => logout(&a.url),
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

pub(crate) fn problem(e: &keyring::Error) -> KeychainProblem {
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

fn jira_login(given: &str) -> Result<u8> {
    use crate::sync::jira;
    let url = jira::account(given);
    let (email, token) = read_jira_credentials(&url)?;
    let value = jira::Stored { email, token };
    let kind = jira::check(given, &value)?;
    let cwd = std::env::current_dir().context("cannot tell the current folder")?;
    if let Some(clone) = jira::confirm_site(&cwd, &url)? {
        println!(
            "The clone at {} now sends Jira credentials to {url}.",
            clone.display()
        );
    }
    jira::store(&url, &value).map_err(|p| {
        anyhow!("could not store the Jira credentials: {p}. Without a keychain, set JIRA_TOKEN (and JIRA_EMAIL on Jira Cloud) instead")
    })?;
    println!(
        "Logged in to {kind} at {url}: the credentials are kept in your keychain (service {KEYCHAIN_SERVICE}) and used when JIRA_TOKEN is not set."
    );
    Ok(exit::OK)
}

/// The e-mail (empty: a Data Center personal access token) and the token, from the terminal
/// (the token without echo), else the first two lines of stdin.
fn read_jira_credentials(url: &str) -> Result<(Option<String>, String)> {
    let (email, token) = if std::io::stdin().is_terminal() {
        eprint!(
            "E-mail for {url} (Jira Cloud; leave empty for a Data Center personal access token): "
        );
        let mut email = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut email)
            .context("cannot read the e-mail from the terminal")?;
        let token =
            rpassword::prompt_password(format!("API token or personal access token for {url}: "))
                .context("cannot read the token from the terminal")?;
        (email, token)
    } else {
        let mut lines = std::io::stdin().lock().lines();
        let mut next = |what: &str| {
            lines
                .next()
                .transpose()
                .with_context(|| format!("cannot read the {what} from stdin"))
                .map(Option::unwrap_or_default)
        };
        (next("e-mail")?, next("token")?)
    };
    let email = Some(email.trim().to_owned()).filter(|e| !e.is_empty());
    let token = token.trim().to_owned();
    if token.is_empty() {
        bail!(
            "no token given: paste the Jira API token (id.atlassian.com → Security → API tokens) or the Data Center personal access token (profile → Personal Access Tokens)"
        );
    }
    Ok((email, token))
}

fn jira_logout(given: &str) -> Result<u8> {
    let url = crate::sync::jira::account(given);
    let removed = crate::sync::jira::remove(&url)
        .map_err(|p| anyhow!("could not remove the Jira credentials: {p}"))?;
    if removed {
        println!("Logged out of Jira at {url}: the credentials are removed from your keychain.");
    } else {
        println!("No Jira credentials were stored for {url}.");
    }
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
