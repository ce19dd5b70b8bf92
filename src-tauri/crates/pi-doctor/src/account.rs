//! The account checks: Targetprocess reachable and the token accepted, `[tp]` as the account
//! names things, the clock against Targetprocess's, and Jira.

use pi_jira::JiraClient;
use pi_targetprocess::{TpClient, TpError};

use crate::{Check, Level};

/// A clock this far off Targetprocess's is a warning, twice as far a failure: leases, op log
/// entries and approvals carry this machine's time.
const SKEW_WARN_SECS: f64 = 30.0;
const SKEW_FAIL_SECS: f64 = 120.0;

/// Targetprocess at `url` through `client`: reached and the token accepted, the clock, and (when
/// reached) `configured` (`[tp]`, or the defaults outside a plan folder: `in_plan` false)
/// against what the account's metadata proposes.
pub async fn account_checks(
    client: &TpClient,
    url: &str,
    configured: &pi_model::TpSchema,
    in_plan: bool,
) -> Vec<Check> {
    let reached = reach(client, url).await;
    let usable = reached.level == Level::Ok;
    let mut checks = vec![reached, clock(client)];
    if usable {
        checks.push(schema_check(client, configured, in_plan).await);
    }
    checks
}

/// Jira answers `client` and accepts its credentials.
pub async fn jira_check(client: &JiraClient) -> Check {
    match client.check().await {
        Ok((kind, _)) => Check::ok(
            "jira",
            format!("Jira ({kind:?}) answered and accepted the credentials"),
        ),
        Err(e) => Check::new("jira", Level::Fail, e.to_string()).fix(
            "check [jira] url, the network and the credentials (`tpcli auth login --jira URL`)",
        ),
    }
}

async fn reach(client: &TpClient, url: &str) -> Check {
    match client.list_arts().await {
        Ok(arts) => Check::ok(
            "targetprocess",
            format!("{url} answered and accepted the token ({} ART(s) visible)", arts.len()),
        ),
        Err(e @ TpError::Auth { .. }) => Check::new("targetprocess", Level::Fail, format!("{url} refused the token: {}", e))
            .fix(format!("create a new access token in Targetprocess (your profile → Access Tokens), then `tpcli auth login --tp-url {url}` or set TP_TOKEN")),
        Err(e) if e.is_transient() => Check::new("targetprocess", Level::Fail, format!("{url} cannot be reached: {}", e))
            .fix("check the URL, the network and any proxy (HTTPS_PROXY); retry when Targetprocess is back"),
        Err(e) => Check::new("targetprocess", Level::Fail, format!("{url}: {}", e))
            .fix("check that the URL is the Targetprocess account's address"),
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
async fn schema_check(client: &TpClient, configured: &pi_model::TpSchema, in_plan: bool) -> Check {
    let found = match client.discover().await {
        Ok(found) => found,
        Err(e) => {
            return Check::new(
                "schema",
                Level::Fail,
                format!("the account's metadata cannot be read: {}", e),
            );
        }
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
