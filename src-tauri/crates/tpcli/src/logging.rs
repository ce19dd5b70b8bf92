//! Diagnostics of a `tpcli` run: tracing events and spans of the engine, git and HTTP layers,
//! written to stderr or a file, as text or JSON lines. Results stay on stdout; progress stays on
//! stderr unless `-q`.
//!
//! Verbosity: warnings by default, `-v` adds what each operation did (info), `-vv` every request
//! and git step (debug), `-vvv` everything (trace); `-q` only errors. `RUST_LOG` (a tracing
//! filter) overrides the level when set. No credential is ever logged: the layers below log
//! paths without query strings and redact tokens before anything reaches a subscriber.

use std::io::IsTerminal as _;
use std::path::PathBuf;

use anyhow::{Context as _, Result};
use clap::{Args, ValueEnum};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::FmtSpan;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line (for log collectors).
    Json,
}

/// Options every command takes.
#[derive(Debug, Args, Clone, Default)]
pub struct LogArgs {
    /// More diagnostics on stderr (or --log-file): -v what each operation did, -vv every request
    /// and git step, -vvv everything.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// Only errors: no progress lines, no warnings.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Diagnostics as text or as JSON lines.
    #[arg(
        long,
        value_enum,
        value_name = "FORMAT",
        default_value = "text",
        global = true
    )]
    pub log_format: LogFormat,
    /// Append diagnostics to FILE instead of stderr.
    #[arg(long, value_name = "FILE", global = true)]
    pub log_file: Option<PathBuf>,
}

impl LogArgs {
    /// The level these options ask for.
    pub fn level(&self) -> &'static str {
        if self.quiet {
            return "error";
        }
        match self.verbose {
            0 => "warn",
            1 => "info",
            2 => "debug",
            _ => "trace",
        }
    }

    /// The filter: the level for PI Planner's own crates; other libraries (HTTP, TLS, HTML
    /// parsing) stay at warnings until `-vvv`.
    pub fn filter(&self) -> String {
        let level = self.level();
        if self.verbose >= 3 || self.quiet {
            return level.to_owned();
        }
        OWN_CRATES
            .iter()
            .fold("warn".to_owned(), |f, c| format!("{f},{c}={level}"))
    }
}

const OWN_CRATES: [&str; 8] = [
    "tpcli",
    "pi_engine",
    "pi_git",
    "pi_http",
    "pi_targetprocess",
    "pi_jira",
    "pi_format",
    "pi_model",
];

/// Installs the subscriber for this process. Library crates log through `tracing` only.
pub fn install(args: &LogArgs) -> Result<()> {
    let filter = match std::env::var("RUST_LOG") {
        Ok(spec) if !spec.trim().is_empty() => EnvFilter::try_new(spec)?,
        _ => EnvFilter::new(args.filter()),
    };
    let spans = if args.verbose >= 2 {
        FmtSpan::CLOSE
    } else {
        FmtSpan::NONE
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_span_events(spans)
        .with_target(args.verbose >= 2);
    match (&args.log_file, args.log_format) {
        (None, LogFormat::Text) => builder
            .with_ansi(std::io::stderr().is_terminal())
            .with_writer(std::io::stderr)
            .try_init(),
        (None, LogFormat::Json) => builder.json().with_writer(std::io::stderr).try_init(),
        (Some(path), format) => {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .with_context(|| format!("cannot open the log file {}", path.display()))?;
            let writer = std::sync::Mutex::new(file);
            let builder = builder.with_ansi(false).with_writer(writer);
            match format {
                LogFormat::Text => builder.try_init(),
                LogFormat::Json => builder.json().try_init(),
            }
        }
    }
    .map_err(|e| anyhow::anyhow!("cannot start logging: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbosity_maps_to_levels() {
        let at = |verbose, quiet| {
            LogArgs {
                verbose,
                quiet,
                ..LogArgs::default()
            }
            .level()
        };
        assert_eq!(
            [
                at(0, false),
                at(1, false),
                at(2, false),
                at(5, false),
                at(0, true)
            ],
            ["warn", "info", "debug", "trace", "error"]
        );
        let debug = LogArgs {
            verbose: 2,
            ..LogArgs::default()
        };
        assert!(
            debug
                .filter()
                .starts_with("warn,tpcli=debug,pi_engine=debug")
        );
        let all = LogArgs {
            verbose: 3,
            ..LogArgs::default()
        };
        assert_eq!(all.filter(), "trace");
    }
}
