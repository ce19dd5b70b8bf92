//! The account checks of `tpcli doctor`: Targetprocess reachable and the token accepted, `[tp]`
//! as the account names things, the clock against Targetprocess's, the keychain, and Jira when
//! `[jira]` is set.

use pi_engine::Workspace;

use super::{Check, Level};
use crate::sync::block_on;
use crate::sync::connect::{self, Target, TpArgs};
use crate::term::safe;

pub(super) fn checks(args: &TpArgs, ws: Option<&Workspace>) -> Vec<Check> {
    // A URL given here is not recorded for the clone: doctor only reads.
    let given = args.tp_url.as_deref().is_some_and(|u| !u.trim().is_empty());
    let target = match connect::target(args, if given { None } else { ws }) {
        Ok(t) => t,
        Err(e) => {
            return vec![
                Check::new("targetprocess", Level::Fail, safe(&format!("{e:#}")))
                    .fix("give the account with --tp-url URL or TP_URL"),
            ];
        }
    };
    let mut checks = vec![keychain(&target)];
    let schema = match ws.map(connect::schema_of).transpose() {
        Ok(s) => s.unwrap_or_default(),
        Err(e) => {
            checks.push(
                Check::new("schema", Level::Fail, safe(&format!("{e:#}")))
                    .fix(format!("fix {}", pi_model::CONFIG_FILE_NAME)),
            );
            return checks;
        }
    };
    let client = match connect::client_at(&target, schema.clone()) {
        Ok(c) => c,
        Err(e) => {
            checks.push(
                Check::new("targetprocess", Level::Fail, safe(&format!("{e:#}"))).fix(format!(
                    "`tpcli auth login --tp-url {}` or set TP_TOKEN",
                    target.url()
                )),
            );
            return checks;
        }
    };
    match block_on(pi_doctor::account_checks(
        &client,
        target.url(),
        &schema,
        ws.is_some(),
    )) {
        Ok(found) => checks.extend(found),
        Err(e) => checks.push(Check::new("targetprocess", Level::Fail, format!("{e:#}"))),
    }
    if let Some(ws) = ws {
        checks.push(jira(ws));
    }
    checks
}

fn keychain(target: &Target) -> Check {
    let env_token = std::env::var("TP_TOKEN").is_ok_and(|t| !t.trim().is_empty());
    match (crate::auth::stored_token(target.url()), env_token) {
        (Ok(Some(_)), _) => Check::ok("keychain", format!("a token is stored for {}", target.url())),
        (Ok(None), true) => Check::ok("keychain", "usable; no token stored (TP_TOKEN is used)"),
        (Ok(None), false) => Check::new("keychain", Level::Fail, format!("usable, but no token is stored for {} and TP_TOKEN is not set", target.url()))
            .fix(format!("`tpcli auth login --tp-url {}`", target.url())),
        (Err(p), true) => Check::new("keychain", Level::Warn, format!("not usable ({p}); TP_TOKEN is used"))
            .fix("fine for CI; on a desktop, start the Secret Service (GNOME Keyring, KWallet) or unlock the keychain"),
        (Err(p), false) => Check::new("keychain", Level::Fail, format!("not usable ({p}) and TP_TOKEN is not set"))
            .fix("unlock or start the keychain, or set TP_TOKEN from a secret store"),
    }
}

fn jira(ws: &Workspace) -> Check {
    use crate::sync::jira::Access;
    use pi_engine::StoriesRefresh;
    match crate::sync::jira::access(ws) {
        Ok(Access::Off) => Check::new("jira", Level::Skipped, "no [jira] in pi-planner.toml"),
        Ok(Access::Unusable(StoriesRefresh::NotRefreshed { detail, .. })) => {
            Check::new("jira", Level::Fail, safe(&detail))
                .fix("`tpcli auth login --jira URL`, or JIRA_TOKEN (and JIRA_EMAIL on Jira Cloud)")
        }
        Ok(Access::Unusable(_)) => Check::new("jira", Level::Fail, "no usable Jira connection"),
        Ok(Access::Client(client)) => match block_on(pi_doctor::jira_check(&client)) {
            Ok(check) => check,
            Err(e) => Check::new("jira", Level::Fail, format!("{e:#}")),
        },
        Err(e) => Check::new("jira", Level::Fail, safe(&format!("{e:#}"))),
    }
}
