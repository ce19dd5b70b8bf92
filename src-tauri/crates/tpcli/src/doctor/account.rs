//! The account checks of `tpcli doctor`: Targetprocess reachable and the token accepted, `[tp]`
//! as the account names things, the clock against Targetprocess's, the keychain, and Jira when
//! `[jira]` is set.

use pi_engine::Workspace;
use pi_targetprocess::{TpClient, TpError};

use super::{Check, Level};
use crate::sync::block_on;
use crate::sync::connect::{self, Target, TpArgs};
use crate::term::safe;

/// A clock this far off Targetprocess's is a warning, twice as far a failure: leases, op log
/// entries and approvals carry this machine's time.
const SKEW_WARN_SECS: f64 = 30.0;
const SKEW_FAIL_SECS: f64 = 120.0;

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
    let reached = reach(&client, &target);
    let usable = reached.level == Level::Ok;
    checks.push(reached);
    checks.push(clock(&client));
    if usable {
        checks.push(schema_check(&client, &schema, ws.is_some()));
    }
    if let Some(ws) = ws {
        checks.push(jira(ws));
    }
    checks
}

fn reach(client: &TpClient, target: &Target) -> Check {
    let url = target.url();
    match block_on(client.list_arts()) {
        Ok(Ok(arts)) => Check::ok(
            "targetprocess",
            format!("{url} answered and accepted the token ({} ART(s) visible)", arts.len()),
        ),
        Ok(Err(e @ TpError::Auth { .. })) => Check::new("targetprocess", Level::Fail, format!("{url} refused the token: {}", safe(&e.to_string())))
            .fix(format!("create a new access token in Targetprocess (your profile → Access Tokens), then `tpcli auth login --tp-url {url}` or set TP_TOKEN")),
        Ok(Err(e)) if e.is_transient() => Check::new("targetprocess", Level::Fail, format!("{url} cannot be reached: {}", safe(&e.to_string())))
            .fix("check the URL, the network and any proxy (HTTPS_PROXY); retry when Targetprocess is back"),
        Ok(Err(e)) => Check::new("targetprocess", Level::Fail, format!("{url}: {}", safe(&e.to_string())))
            .fix("check that the URL is the Targetprocess account's address"),
        Err(e) => Check::new("targetprocess", Level::Fail, format!("{e:#}")),
    }
}

fn clock(client: &TpClient) -> Check {
    let Some(date) = client.server_date() else {
        return Check::new(
            "clock",
            Level::Warn,
            "Targetprocess sent no Date header: the clock was not compared",
        );
    };
    let skew = date.skew_secs();
    let side = if skew >= 0.0 { "ahead of" } else { "behind" };
    let detail = format!(
        "this machine's clock is {:.0} s {side} Targetprocess's",
        skew.abs()
    );
    let fix =
        "synchronise the system clock (NTP: timedatectl set-ntp true, or the OS's time settings)";
    match skew.abs() {
        s if s >= SKEW_FAIL_SECS => Check::new("clock", Level::Fail, detail).fix(fix),
        s if s >= SKEW_WARN_SECS => Check::new("clock", Level::Warn, detail).fix(fix),
        _ => Check::ok("clock", detail),
    }
}

/// `[tp]` against what discovery proposes for the account.
fn schema_check(client: &TpClient, configured: &pi_model::TpSchema, in_plan: bool) -> Check {
    let found = match block_on(client.discover()) {
        Ok(Ok(found)) => found,
        Ok(Err(e)) => {
            return Check::new(
                "schema",
                Level::Fail,
                format!(
                    "the account's metadata cannot be read: {}",
                    safe(&e.to_string())
                ),
            );
        }
        Err(e) => return Check::new("schema", Level::Fail, format!("{e:#}")),
    };
    let whose = if in_plan {
        "[tp] in pi-planner.toml"
    } else {
        "the default [tp] (no plan folder)"
    };
    let differing = differences(configured, &found.schema);
    if !differing.is_empty() {
        return Check::new("schema", Level::Fail, format!("{whose} differs from the account: {}", differing.join("; ")))
            .fix("`tpcli tp schema` shows why; `tpcli tp schema --write --force` puts the account's names into pi-planner.toml");
    }
    if found.has_gaps() {
        return Check::new("schema", Level::Warn, format!("{whose} matches what could be decided; some names could not be (see `tpcli tp schema`)"))
            .fix("`tpcli tp schema` lists what was not found");
    }
    Check::ok("schema", format!("{whose} matches the account"))
}

/// `key = configured (account: proposed)` for every `[tp]` key that differs.
fn differences(configured: &pi_model::TpSchema, proposed: &pi_model::TpSchema) -> Vec<String> {
    let as_map = |s: &pi_model::TpSchema| match serde_json::to_value(s) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    };
    let (have, want) = (as_map(configured), as_map(proposed));
    want.iter()
        .filter(|(k, v)| have.get(*k) != Some(*v))
        .map(|(k, v)| {
            format!(
                "{k} = {} (account: {v})",
                have.get(k)
                    .map_or_else(|| "unset".to_owned(), ToString::to_string)
            )
        })
        .collect()
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
        Ok(Access::Client(client)) => match block_on(client.check()) {
            Ok(Ok((kind, _))) => Check::ok(
                "jira",
                format!("Jira ({kind:?}) answered and accepted the credentials"),
            ),
            Ok(Err(e)) => Check::new("jira", Level::Fail, safe(&e.to_string())).fix(
                "check [jira] url, the network and the credentials (`tpcli auth login --jira URL`)",
            ),
            Err(e) => Check::new("jira", Level::Fail, format!("{e:#}")),
        },
        Err(e) => Check::new("jira", Level::Fail, safe(&format!("{e:#}"))),
    }
}
