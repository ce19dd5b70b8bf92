//! `tpcli sim`: runs the local Targetprocess + Jira simulator (pi-sim) until Ctrl-C or SIGTERM.
//!
//! Prints `pi-sim listening on http://127.0.0.1:PORT token=...` as the first stdout line (scripts
//! read it), then the Jira and Basic credentials. It is a thin front end: all behaviour lives in
//! the pi-sim crate.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Args;
use pi_sim::{DataSource, Faults, Profile, SimConfig};

const EXAMPLES: &str = "\
Examples:
  tpcli sim                                  demo data on a free port, seed 42
  tpcli sim --port 8080 --seed 7             fixed port, other demo data
  tpcli sim --data plan-state.json           serve a saved state file
  tpcli sim --data empty                     only workflows, users and custom field definitions
  tpcli sim --profile enterprise             another company's account: single-reference objective
                                             link, business value in custom fields, other states
                                             (its [tp] section: docs/simulator.md)
  tpcli sim --hostile --seed 3               demo data with hostile names and descriptions
  tpcli sim --latency-ms 200 --error-rate 0.05 --rate-limit 120/min
  tpcli sim --tz -0600                       dates as /Date(ms-0600)/
  tpcli sim --control --state demo.json      control API on /_sim/, keep edits between runs";

/// Run the local Targetprocess and Jira simulator (demo data, fault injection).
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct SimArgs {
    /// Port on 127.0.0.1; 0 picks a free one. Example: --port 8080
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Seed of the demo data, tokens and random faults. Example: --seed 7
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Data to serve: `demo`, `empty`, or a state file written by the simulator.
    /// Example: --data plan-state.json
    #[arg(long, default_value = "demo")]
    data: String,
    /// Which account to be: `demo` (the demo account, default) or `enterprise` (features link
    /// to one objective through TeamPIObjective, business value in custom fields, other state
    /// and custom field names, pages of 25). Example: --profile enterprise
    #[arg(long, default_value = "demo", value_parser = Profile::parse)]
    profile: Profile,
    /// Names and descriptions drawn from the hostile corpus (line breaks, control and bidi
    /// characters, conflict markers, huge and deeply nested HTML, scripts, formula prefixes),
    /// seeded by --seed. Example: --hostile
    #[arg(long)]
    hostile: bool,
    /// Delay added to every API answer, in milliseconds. Example: --latency-ms 200
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Share of API requests answered with HTTP 500, 0.0 to 1.0. Example: --error-rate 0.05
    #[arg(long, default_value_t = 0.0)]
    error_rate: f64,
    /// Request quota per minute; beyond it the answer is 429 with Retry-After.
    /// Example: --rate-limit 120/min
    #[arg(long, value_parser = parse_rate)]
    rate_limit: Option<u32>,
    /// Server UTC offset shown in /Date(ms±hhmm)/ values. Example: --tz +0100
    #[arg(long, default_value = "+0100", value_parser = parse_tz, allow_hyphen_values = true)]
    tz: i32,
    /// Serve the control API under /_sim/ (faults, reset, request log). Example: --control
    #[arg(long)]
    control: bool,
    /// State file: loaded at start if it exists, written after every change and on exit.
    /// Example: --state demo.json
    #[arg(long)]
    state: Option<PathBuf>,
}

/// `120/min` or `120` → 120.
fn parse_rate(s: &str) -> Result<u32, String> {
    let n = s.trim().strip_suffix("/min").unwrap_or(s.trim());
    n.parse()
        .map_err(|_| format!("expected N/min, like 120/min, got '{s}'"))
}

/// `+0100`, `-0530`, `+01:00` → minutes.
fn parse_tz(s: &str) -> Result<i32, String> {
    let t = s.trim().replace(':', "");
    let (sign, digits) = match t.split_at_checked(1) {
        Some(("+", d)) => (1, d),
        Some(("-", d)) => (-1, d),
        _ => return Err(format!("expected ±hhmm, like +0100, got '{s}'")),
    };
    if digits.len() != 4 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("expected ±hhmm, like +0100, got '{s}'"));
    }
    let (h, m) = digits.split_at(2);
    let minutes = h.parse::<i32>().unwrap_or(0) * 60 + m.parse::<i32>().unwrap_or(0);
    Ok(sign * minutes)
}

fn config(args: SimArgs) -> anyhow::Result<SimConfig> {
    if !(0.0..=1.0).contains(&args.error_rate) {
        bail!("--error-rate must be between 0.0 and 1.0");
    }
    let data = match args.data.as_str() {
        "demo" => DataSource::Demo,
        "empty" => DataSource::Empty,
        path => DataSource::File(PathBuf::from(path)),
    };
    let data = if args.hostile {
        DataSource::Hostile(Box::new(data))
    } else {
        data
    };
    Ok(SimConfig {
        schema: args.profile.tp_schema(),
        profile: args.profile,
        port: args.port,
        seed: args.seed,
        data,
        tz_offset_minutes: args.tz,
        control_api: args.control,
        state_file: args.state,
        faults: Faults {
            latency: Duration::from_millis(args.latency_ms),
            error_rate: args.error_rate,
            rate_limit_per_min: args.rate_limit,
            ..Faults::default()
        },
        ..SimConfig::default()
    })
}

pub fn run(args: SimArgs) -> anyhow::Result<u8> {
    let config = config(args)?;
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(serve(config))?;
    Ok(crate::exit::OK)
}

async fn serve(config: SimConfig) -> anyhow::Result<()> {
    let sim = pi_sim::start(config)
        .await
        .context("cannot start the simulator")?;
    println!(
        "pi-sim listening on {} token={}",
        sim.base_url(),
        sim.access_token()
    );
    let (email, jira_token) = sim.jira_credentials();
    println!(
        "jira: {}/rest/api/3 email={email} api_token={jira_token}",
        sim.base_url()
    );
    let (login, password) = sim.basic_credentials();
    println!("basic auth: login={login} password={password}");
    wait_for_stop().await?;
    sim.shutdown().await;
    Ok(())
}

#[cfg(unix)]
async fn wait_for_stop() -> anyhow::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).context("cannot listen for SIGTERM")?;
    tokio::select! {
        r = tokio::signal::ctrl_c() => r.context("cannot listen for Ctrl-C"),
        _ = term.recv() => Ok(()),
    }
}

#[cfg(not(unix))]
async fn wait_for_stop() -> anyhow::Result<()> {
    tokio::signal::ctrl_c()
        .await
        .context("cannot listen for Ctrl-C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_and_tz_parsing() {
        assert_eq!(parse_rate("120/min"), Ok(120));
        assert_eq!(parse_rate("7"), Ok(7));
        assert!(parse_rate("fast").is_err());
        assert_eq!(parse_tz("+0100"), Ok(60));
        assert_eq!(parse_tz("-05:30"), Ok(-330));
        assert!(parse_tz("0100").is_err());
        assert!(parse_tz("+1").is_err());
    }

    #[test]
    fn hostile_wraps_the_chosen_data() {
        let args = |extra: &[&str]| {
            #[derive(clap::Parser)]
            struct Cli {
                #[command(flatten)]
                sim: SimArgs,
            }
            let argv = ["sim"].iter().chain(extra).copied();
            config(<Cli as clap::Parser>::parse_from(argv).sim).unwrap()
        };
        assert_eq!(args(&[]).data, DataSource::Demo);
        assert_eq!(args(&[]).profile, Profile::Demo);
        let enterprise = args(&["--profile", "enterprise"]);
        assert_eq!(enterprise.profile, Profile::Enterprise);
        assert_eq!(enterprise.schema, Profile::Enterprise.tp_schema());
        assert_eq!(
            args(&["--hostile", "--data", "empty"]).data,
            DataSource::Hostile(Box::new(DataSource::Empty))
        );
    }
}
