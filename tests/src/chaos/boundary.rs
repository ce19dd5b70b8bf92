//! The trust boundaries in a chaos run: misbehaving-server faults, "another origin" that must
//! never hear from the client, and the invariants checked after every step — every plan file
//! parses, no panic happened, no credential left the configured origin or reached the
//! simulator's request log unredacted, and the plan's names are Targetprocess's in the inbound
//! normal form.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use pi_engine::Workspace;
use pi_model::{EntityId, Field, Plan};
use pi_sim::Faults;
use tokio::io::AsyncReadExt;

/// A misbehaving Targetprocess (see pi-sim's `Faults`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Misbehaving {
    /// Every answer a `302` to another origin, token in the `Location`.
    Redirect,
    /// Collections never end (`Next` one page further, for ever).
    EndlessPaging,
    /// Every answer 200 with a body past the client's limit.
    Oversized,
    /// Every request throttled, with this `Retry-After` text.
    RetryAfter(&'static str),
}

/// Absurd `Retry-After` texts: too large for any duration, negative, not a number, far future.
pub const RETRY_AFTER_TEXTS: [&str; 5] = [
    "1e30",
    "-1",
    "NaN",
    "18446744073709551616",
    "Fri, 31 Dec 9999 23:59:59 GMT",
];

/// The chaos client's answer limit; the oversized fault sends a little more.
pub const MAX_RESPONSE_BYTES: u64 = 4 * 1024 * 1024;
/// The chaos client's page limit per collection read (endless paging stops there).
pub const MAX_PAGES: u32 = 40;

impl Misbehaving {
    /// The simulator's fault settings; `other` is the origin a redirect points to.
    pub fn faults(self, other: &str) -> Faults {
        let mut f = Faults::default();
        match self {
            Misbehaving::Redirect => f.redirect_to = Some(other.to_owned()),
            Misbehaving::EndlessPaging => f.endless_paging = true,
            Misbehaving::Oversized => f.oversized_body_bytes = Some(MAX_RESPONSE_BYTES + 65_537),
            Misbehaving::RetryAfter(text) => {
                f.rate_limit_per_min = Some(0);
                f.retry_after_text = Some(text.to_owned());
            }
        }
        f
    }
}

/// A loopback listener standing for another origin: counts the connections and bytes anyone
/// sends it. The client must never send it anything, least of all a token.
#[derive(Debug)]
pub struct OtherOrigin {
    url: String,
    connections: Arc<AtomicUsize>,
    received: Arc<std::sync::Mutex<Vec<u8>>>,
    task: tokio::task::JoinHandle<()>,
}

impl OtherOrigin {
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("another origin binds on loopback");
        let url = format!(
            "http://{}",
            listener.local_addr().expect("listener has an address")
        );
        let connections = Arc::new(AtomicUsize::new(0));
        let received = Arc::new(std::sync::Mutex::new(Vec::new()));
        let (count, bytes) = (connections.clone(), received.clone());
        let task = tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                count.fetch_add(1, Ordering::SeqCst);
                let bytes = bytes.clone();
                tokio::spawn(async move {
                    let mut buf = [0_u8; 4096];
                    while let Ok(n) = socket.read(&mut buf).await {
                        if n == 0 {
                            break;
                        }
                        if let Ok(mut all) = bytes.lock() {
                            all.extend_from_slice(&buf[..n]);
                        }
                    }
                });
            }
        });
        Self {
            url,
            connections,
            received,
            task,
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// Nothing reached this origin: no connection at all (a token would need one).
    pub fn check(&self, token: &str) -> Result<(), String> {
        let connections = self.connections.load(Ordering::SeqCst);
        let bytes = self.received.lock().map(|b| b.clone()).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        if text.contains(token) {
            return Err("a credential reached another origin".into());
        }
        if connections > 0 {
            return Err(format!(
                "another origin was contacted: {connections} connection(s), {} byte(s)",
                bytes.len()
            ));
        }
        Ok(())
    }
}

impl Drop for OtherOrigin {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The simulator's request log from `from` on shows the token nowhere (only `REDACTED`).
pub fn check_request_log(log: &[pi_sim::LoggedRequest], token: &str) -> Result<(), String> {
    match log
        .iter()
        .find(|r| r.query.contains(token) || r.path.contains(token))
    {
        Some(r) => Err(format!(
            "the request log holds the token unredacted ({} {})",
            r.method, r.path
        )),
        None => Ok(()),
    }
}

/// Every plan file there is parses: the working branch's tip, the tracking branch's tip and
/// the file on disk.
pub fn check_plans_parse(ws: &Workspace) -> Result<(), String> {
    let file = ws.plan_file();
    for branch in [ws.names.working(), ws.names.tracking()] {
        let tip = ws
            .repo
            .branch_tip(&branch)
            .map_err(|e| format!("{branch}: {e}"))?;
        let Some(tip) = tip else { continue };
        let Some(bytes) = ws
            .repo
            .read_file_at(tip, &file)
            .map_err(|e| format!("{branch}: {e}"))?
        else {
            continue;
        };
        parses(&format!("{branch}:{file}"), &bytes)?;
    }
    let path = ws.plan_path().map_err(|e| format!("plan path: {e}"))?;
    match std::fs::read(&path) {
        Ok(bytes) => parses(&path.display().to_string(), &bytes),
        Err(e) => Err(format!(
            "the plan file {} cannot be read: {e}",
            path.display()
        )),
    }
}

fn parses(what: &str, bytes: &[u8]) -> Result<(), String> {
    let text = std::str::from_utf8(bytes).map_err(|e| format!("{what} is not UTF-8 text: {e}"))?;
    pi_format::parse(text)
        .map(|_| ())
        .map_err(|e| format!("{what} does not parse: {e}"))
}

/// Every objective and feature name in `plan` is the raw name Targetprocess holds, brought to
/// the inbound normal form; `raw` gives the stored name of a (resource, id).
pub fn check_names(plan: &Plan, raw: &dyn Fn(&str, i64) -> Option<String>) -> Result<(), String> {
    let items = plan
        .objectives
        .iter()
        .map(|o| ("TeamPIObjectives", &o.id, &o.name))
        .chain(plan.features().map(|(_, f)| ("Features", &f.id, &f.name)));
    for (resource, id, name) in items {
        let Some(n) = id.tp() else { continue };
        let Some(mut stored) = raw(resource, n) else {
            continue;
        };
        pi_model::inbound::clean_line(&mut stored, pi_model::inbound::MAX_NAME_CHARS);
        if &stored != name {
            return Err(format!(
                "the name of {id} is {name:?}; Targetprocess's in normal form is {stored:?}"
            ));
        }
    }
    Ok(())
}

thread_local! {
    static PANICS: Cell<usize> = const { Cell::new(0) };
    static LAST_PANIC: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Counts panics per thread (a scenario runs its engine, simulator and client on one thread),
/// keeping the default report. Installed once per process.
pub fn count_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICS.with(|p| p.set(p.get() + 1));
            LAST_PANIC.with(|m| *m.borrow_mut() = info.to_string());
            previous(info);
        }));
    });
}

/// Panics on this thread so far, and the last one's report.
pub fn panics() -> (usize, String) {
    (
        PANICS.with(Cell::get),
        LAST_PANIC.with(|m| m.borrow().clone()),
    )
}

/// Targetprocess's stored `Name` and `Description` of every objective and feature of `plan`, as
/// the simulator holds them (raw, hostile or not).
pub fn raw_texts(
    plan: &Plan,
    raw: &dyn Fn(&str, i64) -> Option<serde_json::Value>,
) -> BTreeMap<(EntityId, Field), String> {
    let items = plan
        .objectives
        .iter()
        .map(|o| ("TeamPIObjectives", &o.id))
        .chain(plan.features().map(|(_, f)| ("Features", &f.id)));
    let mut out = BTreeMap::new();
    for (resource, id) in items {
        let Some(entity) = id.tp().and_then(|n| raw(resource, n)) else {
            continue;
        };
        for (field, wire) in [(Field::Name, "Name"), (Field::Description, "Description")] {
            let text = entity[wire].as_str().unwrap_or_default().to_owned();
            out.insert((id.clone(), field), text);
        }
    }
    out
}

/// The engine never sends back what the inbound boundary made of a value: a name or description
/// that nobody edited (`edited` says who did, on either side) still holds, in Targetprocess, the
/// raw value it was seeded with — cut, rewritten or hostile as it was.
pub fn check_untouched(
    before: &BTreeMap<(EntityId, Field), String>,
    after: &BTreeMap<(EntityId, Field), String>,
    edited: &dyn Fn(&EntityId, Field) -> bool,
) -> Result<(), String> {
    for (key, was) in before {
        let Some(now) = after.get(key) else { continue };
        if now != was && !edited(&key.0, key.1) {
            let short = |s: &str| s.chars().take(80).collect::<String>();
            return Err(format!(
                "{} of {} was written though nobody edited it: {:?} became {:?}",
                key.1,
                key.0,
                short(was),
                short(now)
            ));
        }
    }
    Ok(())
}
