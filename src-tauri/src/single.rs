//! One running app per user: the first start listens on a Unix domain socket in the user's
//! runtime folder (`$XDG_RUNTIME_DIR/pi-planner/instance.sock`, else a folder of the user's own
//! in the temporary folder; the folder owner-only, `0700`, the socket `0600`); a later start
//! (a `pi-planner://` link opened, the app launched again) connects, hands over its link (or
//! nothing: "show yourself"), waits for the answer and exits. The running app opens the link
//! and raises its window.
//!
//! A socket file left by an app that was killed answers no connection: the next start removes
//! it and listens in its place. Where no Unix socket exists (Windows), every start is the first.
//!
//! The handover is one line: `open <link>` or `show`, answered `ok`. Anything longer than
//! [`MAX_LINE`] or not in that form is refused unread.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The environment variable that puts the socket elsewhere (tests).
pub const SOCKET_VARIABLE: &str = "PI_PLANNER_INSTANCE_SOCKET";

/// The longest handover line read.
pub const MAX_LINE: usize = 4096;

/// How long either side waits for the other.
const WAIT: Duration = Duration::from_secs(5);

/// What a start found.
#[derive(Debug)]
pub enum Start {
    /// No app runs: this one does, and hears later starts through the listener.
    First(Listener),
    /// An app runs and took the handover: this start exits.
    HandedOver,
}

/// What a later start asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Handover {
    /// Open this `pi-planner://` link.
    Open(String),
    /// Come to the front.
    Show,
}

/// The socket's path: [`SOCKET_VARIABLE`], else `$XDG_RUNTIME_DIR/pi-planner/instance.sock`,
/// else `<temp>/pi-planner-<user>/instance.sock`.
pub fn socket_path() -> PathBuf {
    if let Some(p) = std::env::var_os(SOCKET_VARIABLE).filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    let dir = std::env::var_os("XDG_RUNTIME_DIR")
        .filter(|d| !d.is_empty())
        .map(|d| PathBuf::from(d).join("pi-planner"))
        .unwrap_or_else(|| {
            let user = std::env::var("USER").unwrap_or_else(|_| "user".to_owned());
            std::env::temp_dir().join(format!("pi-planner-{user}"))
        });
    dir.join("instance.sock")
}

#[cfg(unix)]
mod imp {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    use std::os::unix::net::{UnixListener, UnixStream};

    use super::*;

    /// The running app's end of the socket; the socket file goes with it.
    #[derive(Debug)]
    pub struct Listener {
        inner: UnixListener,
        path: PathBuf,
    }

    /// Hands `link` to the app running on `path`, or becomes the running app.
    pub fn start(path: &Path, link: Option<&str>) -> std::io::Result<Start> {
        for _ in 0..3 {
            match UnixStream::connect(path) {
                Ok(stream) => {
                    hand_over(stream, link)?;
                    return Ok(Start::HandedOver);
                }
                // Nobody listens: no socket yet, or one left by an app that was killed.
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::NotFound | std::io::ErrorKind::ConnectionRefused
                    ) => {}
                Err(e) => return Err(e),
            }
            if let Some(dir) = path.parent() {
                std::fs::DirBuilder::new()
                    .recursive(true)
                    .mode(0o700)
                    .create(dir)?;
                // Owner-only, or not ours: only the folder's owner may change its mode.
                std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
            }
            match std::fs::remove_file(path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
            match UnixListener::bind(path) {
                Ok(inner) => {
                    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
                    return Ok(Start::First(Listener {
                        inner,
                        path: path.to_path_buf(),
                    }));
                }
                // Another start bound it between our look and our bind: hand over to it.
                Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {}
                Err(e) => return Err(e),
            }
        }
        Err(std::io::Error::other(
            "the app's socket kept changing hands",
        ))
    }

    fn hand_over(mut stream: UnixStream, link: Option<&str>) -> std::io::Result<()> {
        stream.set_read_timeout(Some(WAIT))?;
        stream.set_write_timeout(Some(WAIT))?;
        let line = match link {
            Some(l) => format!("open {}\n", l.trim()),
            None => "show\n".to_owned(),
        };
        stream.write_all(line.as_bytes())?;
        let mut answer = String::new();
        BufReader::new(stream.take(16)).read_line(&mut answer)?;
        if answer.trim_end() == "ok" {
            Ok(())
        } else {
            Err(std::io::Error::other(
                "the running app did not take the link",
            ))
        }
    }

    impl Listener {
        /// The socket's path.
        pub fn path(&self) -> &Path {
            &self.path
        }

        /// Takes one later start's handover; `None` for a connection that said nothing usable
        /// (it is answered nothing and closed).
        pub fn accept(&self) -> std::io::Result<Option<Handover>> {
            let (stream, _) = self.inner.accept()?;
            stream.set_read_timeout(Some(WAIT))?;
            stream.set_write_timeout(Some(WAIT))?;
            let mut line = String::new();
            let mut reader = BufReader::new((&stream).take(MAX_LINE as u64));
            if reader.read_line(&mut line).is_err() || !line.ends_with('\n') {
                return Ok(None);
            }
            let handover = match line.trim_end() {
                "show" => Handover::Show,
                l => match l.strip_prefix("open ") {
                    Some(link) if !link.is_empty() => Handover::Open(link.to_owned()),
                    _ => return Ok(None),
                },
            };
            (&stream).write_all(b"ok\n")?;
            Ok(Some(handover))
        }

        /// Hands each later start's handover to `on` on a thread of its own, for as long as
        /// the process runs.
        pub fn serve(self, on: impl Fn(Handover) + Send + 'static) {
            std::thread::spawn(move || {
                loop {
                    match self.accept() {
                        Ok(Some(h)) => on(h),
                        Ok(None) => {}
                        Err(e) => tracing::warn!("a later start could not hand over: {e}"),
                    }
                }
            });
        }
    }

    impl Drop for Listener {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

#[cfg(not(unix))]
mod imp {
    use super::*;

    /// No socket here: every start runs on its own.
    #[derive(Debug)]
    pub struct Listener {
        path: PathBuf,
    }

    pub fn start(path: &Path, _link: Option<&str>) -> std::io::Result<Start> {
        Ok(Start::First(Listener {
            path: path.to_path_buf(),
        }))
    }

    impl Listener {
        pub fn path(&self) -> &Path {
            &self.path
        }

        pub fn serve(self, _on: impl Fn(Handover) + Send + 'static) {}
    }
}

pub use imp::{Listener, start};

#[cfg(all(test, unix))]
#[path = "single_tests.rs"]
mod tests;
