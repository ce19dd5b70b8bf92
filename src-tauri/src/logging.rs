//! The app's log file: tracing events of the app, the engine, git and HTTP, written to a file
//! in the platform's log folder that rotates daily, the last [`KEPT_FILES`] days kept. The
//! writer runs on its own thread; [`LogGuard`] flushes it when the app ends.
//!
//! Level: `PI_PLANNER_LOG` — a level (`debug`) for PI Planner's own crates, or a whole tracing
//! filter (`warn,pi_http=trace`); by default info for PI Planner's crates, warnings for the
//! libraries under them. No credential is logged: the layers below log paths without query
//! strings and redact tokens before anything reaches the subscriber (as for `tpcli`).

use std::path::{Path, PathBuf};

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{Builder, Rotation};
use tracing_subscriber::EnvFilter;

use crate::error::{ErrorCode, UiError};

/// The environment variable that sets the log level.
pub const LOG_ENV: &str = "PI_PLANNER_LOG";

/// Log files kept: one per day.
pub const KEPT_FILES: usize = 7;

/// The crates whose events are PI Planner's own.
const OWN_CRATES: [&str; 10] = [
    "pi_planner",
    "pi_planner_bridge",
    "pi_engine",
    "pi_git",
    "pi_http",
    "pi_targetprocess",
    "pi_jira",
    "pi_approvals",
    "pi_reports",
    "pi_format",
];

/// Keeps the log writer running; dropping it writes what is still buffered.
#[must_use = "the log file stops being written when the guard is dropped"]
pub struct LogGuard {
    _worker: WorkerGuard,
}

impl std::fmt::Debug for LogGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LogGuard")
    }
}

/// The filter for `spec` (the value of [`LOG_ENV`]): a bare level applies to PI Planner's
/// crates, anything else is a tracing filter; unset, empty or unreadable: info for PI Planner's
/// crates, warn for the others.
pub fn filter(spec: Option<&str>) -> EnvFilter {
    let own = |level: &str| {
        OWN_CRATES
            .iter()
            .fold("warn".to_owned(), |f, c| format!("{f},{c}={level}"))
    };
    let spec = spec.map(str::trim).filter(|s| !s.is_empty());
    let directives = match spec {
        None => own("info"),
        Some(level)
            if ["error", "warn", "info", "debug", "trace"]
                .contains(&level.to_ascii_lowercase().as_str()) =>
        {
            own(&level.to_ascii_lowercase())
        }
        Some(other) => other.to_owned(),
    };
    EnvFilter::try_new(&directives).unwrap_or_else(|_| EnvFilter::new(own("info")))
}

/// A subscriber writing to the rotating files `pi-planner.<date>.log` in `folder` (created when
/// missing), with its guard.
pub fn file_subscriber(
    folder: &Path,
    filter: EnvFilter,
) -> std::io::Result<(tracing::Dispatch, LogGuard)> {
    std::fs::create_dir_all(folder)?;
    let files = Builder::new()
        .rotation(Rotation::DAILY)
        .filename_prefix("pi-planner")
        .filename_suffix("log")
        .max_log_files(KEPT_FILES)
        .build(folder)
        .map_err(std::io::Error::other)?;
    let (writer, worker) = tracing_appender::non_blocking(files);
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(writer)
        .finish();
    Ok((
        tracing::Dispatch::new(subscriber),
        LogGuard { _worker: worker },
    ))
}

/// Installs the log file in `folder` for the whole process, at the level [`LOG_ENV`] asks for.
/// Without a log file (the folder cannot be created, a subscriber is installed already) the app
/// runs on; the reason is returned for the caller to report.
pub fn install(folder: &Path) -> Result<LogGuard, String> {
    let spec = std::env::var(LOG_ENV).ok();
    let (dispatch, guard) = file_subscriber(folder, filter(spec.as_deref()))
        .map_err(|e| format!("no log file in {}: {e}", folder.display()))?;
    tracing::dispatcher::set_global_default(dispatch).map_err(|e| format!("no log file: {e}"))?;
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        "PI Planner started; logging to {}",
        folder.display()
    );
    Ok(guard)
}

/// Shows `folder` in the platform's file manager (Explorer, Finder, or what `xdg-open` picks);
/// the folder is created first so there is something to show. Nothing runs through a shell.
pub fn open_folder(folder: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(folder)?;
    let program = if cfg!(target_os = "windows") {
        "explorer"
    } else if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let mut child = std::process::Command::new(program)
        .arg(folder)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    // Reaped on a thread of its own: the file manager may keep running.
    std::thread::spawn(move || child.wait());
    Ok(())
}

/// Opens `folder` with `open` (the file manager); the folder as Settings shows it.
pub fn open_in(
    folder: Option<PathBuf>,
    open: impl FnOnce(&Path) -> std::io::Result<()>,
) -> Result<crate::dto::LogFolderDto, UiError> {
    let folder = folder.ok_or_else(|| {
        UiError::new(
            ErrorCode::FileAccess,
            "PI Planner keeps no log file in this window.",
        )
    })?;
    open(&folder).map_err(|e| {
        UiError::new(
            ErrorCode::FileAccess,
            format!("PI Planner could not open the log folder: {e}."),
        )
        .hint(format!("The log files are in {}.", folder.display()))
    })?;
    Ok(crate::dto::LogFolderDto::of(&folder))
}

#[cfg(test)]
#[path = "logging_tests.rs"]
mod tests;
