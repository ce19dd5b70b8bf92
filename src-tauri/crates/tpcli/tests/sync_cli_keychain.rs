//! The keychain round trip of `tpcli auth` in a private D-Bus session with an unlocked
//! gnome-keyring of its own (`dbus-run-session`, as the app's real-window tests do): login stores
//! the token where the app finds it (service `pi-planner`, account the URL), `plan pull` uses it
//! without TP_TOKEN, status never prints it, logout removes it.

#![allow(clippy::unwrap_used)]

use crate::sync_cli_support;

use sync_cli_support::*;

const SCRIPT: &str = r#"
eval "$(printf 'keychain-test' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
printf '%s\n' "$TOKEN" | "$TPCLI" auth login
echo "--- status"
"$TPCLI" auth status; echo "exit $?"
echo "--- lookup"
if [ "$(secret-tool lookup service pi-planner username "$TP_URL")" = "$TOKEN" ]; then echo "same token"; fi
echo "--- pull"
"$TPCLI" plan pull; echo "exit $?"
echo "--- logout"
"$TPCLI" auth logout
"$TPCLI" auth status; echo "exit $?"
"#;

#[test]
fn login_stores_the_token_in_the_secret_service_for_the_app_and_the_cli() {
    let bench = Bench::start();
    bench.init();
    let data = tempfile::tempdir().unwrap();
    let mut cmd = bench.tpcli(&[]);
    cmd.env_remove("TP_TOKEN")
        .env("TOKEN", bench.sim.access_token())
        .env("TPCLI", env!("CARGO_BIN_EXE_tpcli"))
        .env("XDG_DATA_HOME", data.path());
    let out = std::process::Command::new("dbus-run-session")
        .args(["--", "sh", "-c", SCRIPT])
        .envs(cmd.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))))
        .env_remove("TP_TOKEN")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .current_dir(bench.repo())
        .output()
        .expect("dbus-run-session runs (scripts/install-deps.sh installs dbus and gnome-keyring)");
    bench.assert_no_token(&out);
    let url = bench.sim.base_url();
    let stdout = String::from_utf8(out.stdout).unwrap().replace(&url, "URL");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let pulled = stdout
        .split("--- pull\n")
        .nth(1)
        .and_then(|s| s.split("--- logout\n").next())
        .unwrap_or_default()
        .to_owned();
    assert!(
        pulled.ends_with("exit 0\n"),
        "pull with the keychain token: {pulled}\n{stderr}"
    );
    let stdout = stdout.replace(&pulled, "(pulled)\n");
    assert_eq!(
        stdout,
        "Logged in to URL: the token is kept in your keychain (service pi-planner) and used when TP_TOKEN is not set.
--- status
A token for URL is stored in your keychain.
exit 0
--- lookup
same token
--- pull
(pulled)
--- logout
Logged out of URL: the token is removed from your keychain.
No token for URL is stored in your keychain: run `tpcli auth login --tp-url URL`.
exit 1
",
        "{stderr}"
    );
}
