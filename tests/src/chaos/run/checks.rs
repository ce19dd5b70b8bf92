//! The invariant checks of a scenario: convergence with Targetprocess, the journal, no
//! duplicates, the op log and the repository's integrity.

use super::*;

/// A client with short back-offs: a 429 or 503 with `Retry-After: 1` is not waited for (the
/// error reaches the engine), 5xx and dropped connections are retried a few times.
pub fn chaos_client(base_url: &str, token: &str) -> TpClient {
    let mut config =
        TpConfig::new(base_url, Credentials::AccessToken(token.to_owned())).expect("client config");
    config.requests_per_second = 1000;
    config.retry.max_retries = 3;
    config.retry.initial_backoff = Duration::from_millis(5);
    config.retry.max_backoff = Duration::from_millis(40);
    config.retry.max_total_wait = Duration::from_millis(300);
    // Small enough that the misbehaving-server faults end fast.
    config.limits.max_response_bytes = boundary::MAX_RESPONSE_BYTES;
    config.limits.max_pages = boundary::MAX_PAGES;
    TpClient::new(config).expect("client")
}

/// Runs `op` until the simulator has logged `k` more requests, then drops it: the process
/// "dies" at that point (only what was written to disk survives).
pub(super) async fn killed_after<F: Future<Output = Ended>>(tp: &Tp, k: usize, op: F) -> Ended {
    let control = tp.sim.control();
    let start = control.request_log().len();
    let reached = async {
        while control.request_log().len() < start + k {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    };
    tokio::select! {
        biased;
        ended = op => ended,
        () = reached => Ended::Crashed,
    }
}

/// A Jira-sync style rewrite of a feature's acceptance criteria HTML (same items).
pub(super) fn criteria_rewrite(tp: &Tp, id: i64) -> Value {
    let html = tp
        .sim
        .control()
        .get_entity("Features", id)
        .and_then(|e| {
            e["CustomFields"].as_array().and_then(|cfs| {
                cfs.iter()
                    .find(|cf| cf["Name"] == "Acceptance Criteria")
                    .and_then(|cf| cf["Value"].as_str().map(str::to_owned))
            })
        })
        .unwrap_or_else(|| "<ul><li>Chaos criterion</li></ul>".into());
    let rewritten = if html.contains("<li><p>") {
        html.replace("<li><p>", "<li>")
            .replace("</p></li>", "</li>")
    } else {
        html.replace("<li>", "<li><p>")
            .replace("</li>", "</p></li>")
    };
    json!({"CustomFields": [{"Name": "Acceptance Criteria", "Value": rewritten}]})
}

pub(super) fn describe(ended: &Ended) -> String {
    match ended {
        Ended::Pull(Ok(r)) => format!(
            "pulled {} change(s), {} conflict(s)",
            r.from_tp.len(),
            r.conflicts.len()
        ),
        Ended::Push(Ok(o)) => describe_push(o),
        Ended::Resume(Ok(r)) => match r {
            Some(r) => format!("resumed {} op(s)", r.ops.len()),
            None => "nothing to resume".into(),
        },
        Ended::Resolve(Ok(r)) => format!("resolved {}", r.resolved.len()),
        Ended::Pull(Err(e)) | Ended::Push(Err(e)) | Ended::Resume(Err(e)) => {
            format!("error: {e}")
        }
        Ended::Resolve(Err(e)) => format!("refused: {e}"),
        Ended::Crashed => "killed part-way".into(),
        Ended::Exited(code) => format!("tpcli exited {code:?}"),
    }
}

pub(super) fn describe_push(o: &PushOutcome) -> String {
    match o {
        PushOutcome::Pushed(r) => format!(
            "pushed {} op(s) ({} refused, {} mismatch(es), {} resumed)",
            r.ops.len(),
            r.ops.iter().filter(|o| o.result.is_err()).count(),
            r.mismatches.len(),
            r.resumed
        ),
        PushOutcome::NothingToPush { resumed } => format!("nothing to push ({resumed} resumed)"),
        PushOutcome::Blocked { conflicts } => format!("blocked by {conflicts} conflict(s)"),
        PushOutcome::RemoteChanged { stale } => format!("TP changed: {} stale", stale.len()),
        PushOutcome::NeedsConfirmation { .. } => "needs confirmation".into(),
        PushOutcome::Preview { .. } => "preview".into(),
        PushOutcome::AwaitingApproval { status } => {
            format!("awaiting approval: {}", status.missing())
        }
        PushOutcome::BlockedByValidation { findings } => {
            let what: Vec<String> = findings
                .iter()
                .map(|f| format!("{} at {}:{} ({})", f.rule, f.line, f.column, f.message))
                .collect();
            format!(
                "blocked by {} validation error(s): {}",
                findings.len(),
                what.join("; ")
            )
        }
    }
}

/// Field by field: `plan` holds exactly Targetprocess's objectives and features.
pub fn converged(what: &str, plan: &Plan, tp: &Plan) -> Result<(), String> {
    let ids = |p: &Plan| -> BTreeSet<String> {
        p.objectives
            .iter()
            .map(|o| o.id.to_string())
            .chain(p.features().map(|(_, f)| f.id.to_string()))
            .collect()
    };
    let (mine, theirs) = (ids(plan), ids(tp));
    if mine != theirs {
        let extra: Vec<_> = mine.difference(&theirs).collect();
        let missing: Vec<_> = theirs.difference(&mine).collect();
        return Err(format!(
            "{what} differs from TP: entities only in the {what} {extra:?}, only in TP {missing:?}"
        ));
    }
    for o in &plan.objectives {
        let t = tp
            .objectives
            .iter()
            .find(|x| x.id == o.id)
            .ok_or_else(|| format!("{what}: objective {} not in TP", o.id))?;
        for f in OBJECTIVE_FIELDS {
            let (a, b) = (objective_get(o, f), objective_get(t, f));
            if !same(&a, &b) {
                return Err(format!(
                    "{what} differs from TP: {f} of {} is {a:?}, TP has {b:?}",
                    o.id
                ));
            }
        }
        for x in &o.features {
            let (parent, t) = tp
                .objectives
                .iter()
                .find_map(|p| p.features.iter().find(|y| y.id == x.id).map(|y| (&p.id, y)))
                .ok_or_else(|| format!("{what}: feature {} not in TP", x.id))?;
            if parent != &o.id {
                return Err(format!(
                    "{what} differs from TP: feature {} under {} here, under {parent} in TP",
                    x.id, o.id
                ));
            }
            for f in FEATURE_FIELDS {
                let (a, b) = (feature_get(x, f), feature_get(t, f));
                if !same(&a, &b) {
                    return Err(format!(
                        "{what} differs from TP: {f} of {} is {a:?}, TP has {b:?}",
                        x.id
                    ));
                }
            }
        }
    }
    Ok(())
}

/// One operation of the push journal.
#[derive(Clone, Debug)]
pub struct JournalRow {
    pub push: i64,
    pub op: Op,
    pub marker: String,
    pub state: String,
    pub tp_id: Option<i64>,
    /// Targetprocess's reason for a refused operation.
    pub error: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct JournalDump {
    /// (push id, finished)
    pub pushes: Vec<(i64, bool)>,
    pub ops: Vec<JournalRow>,
}

/// Whether `value` is what the plan's last sync (the engine's base) holds in `field` of
/// `entity`, so that setting it there is no change the engine can see — unless an unfinished
/// push may already have written the field: the merge that ends it starts from the value sent.
pub(super) fn back_to_sync(
    ws: &Workspace,
    entity: &EntityId,
    field: Field,
    value: &FieldValue,
) -> bool {
    let synced = ws.base().ok().and_then(|b| {
        super::super::model::values(&b.plan)
            .into_iter()
            .find(|(e, s, _)| e == entity && *s == Slot::Field(field))
            .map(|(.., v)| v)
    });
    synced.is_some_and(|v| same(&v, value)) && !written_by_open_push(ws, entity, field)
}

/// Whether an unfinished push may already have written `field` of `entity` (an update of it
/// that left the journal's `pending`): the merge that ends it then starts from the value sent,
/// not from the last sync.
pub(super) fn written_by_open_push(ws: &Workspace, entity: &EntityId, field: Field) -> bool {
    journal(ws).is_ok_and(|j| {
        let open: BTreeSet<i64> = j
            .pushes
            .iter()
            .filter(|(_, done)| !done)
            .map(|(p, _)| *p)
            .collect();
        j.ops.iter().any(|o| {
            open.contains(&o.push)
                && o.state != "pending"
                && o.op.entity() == entity
                && match &o.op {
                    Op::UpdateObjective { changes, .. } | Op::UpdateFeature { changes, .. } => {
                        changes.iter().any(|c| c.field == field)
                    }
                    _ => false,
                }
        })
    })
}

/// The whole push journal of the workspace, read directly from its SQLite file.
pub fn journal(ws: &Workspace) -> Result<JournalDump, String> {
    let path = ws
        .local_dir()
        .map_err(|e| e.to_string())?
        .join("journal.sqlite");
    if !path.exists() {
        return Ok(JournalDump::default());
    }
    let conn = rusqlite::Connection::open(&path).map_err(|e| e.to_string())?;
    let mut out = JournalDump::default();
    let mut stmt = conn
        .prepare("SELECT id, finished_at IS NOT NULL FROM pushes ORDER BY id")
        .map_err(|e| e.to_string())?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, bool>(1)?)))
        .map_err(|e| e.to_string())?;
    for row in rows {
        out.pushes.push(row.map_err(|e| e.to_string())?);
    }
    let mut stmt = conn
        .prepare("SELECT push_id, op, marker, state, tp_id, error FROM ops ORDER BY push_id, seq")
        .map_err(|e| e.to_string())?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<i64>>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })
        .map_err(|e| e.to_string())?;
    for row in rows {
        let (push, op, marker, state, tp_id, error) = row.map_err(|e| e.to_string())?;
        let op: Op = serde_json::from_str(&op).map_err(|e| format!("journal op: {e}"))?;
        out.ops.push(JournalRow {
            push,
            op,
            marker,
            state,
            tp_id,
            error,
        });
    }
    Ok(out)
}

/// No push left unfinished, every operation in a terminal state, every create that was not
/// refused with the id it got. An update or delete a resume closed without sending ("skipped") is
/// terminal; a create is skipped only when a 401 refusal closed the rest of its push as not sent
/// (it has no id; a later push sends it). A refused ("failed") operation carries Targetprocess's
/// reason, and is allowed only when `refusals` (refusal rules were injected, or an owner unknown
/// to Targetprocess typed): transport trouble never closes an operation as refused.
pub fn check_journal(j: &JournalDump, refusals: bool) -> Result<(), String> {
    if let Some((id, _)) = j.pushes.iter().find(|(_, done)| !done) {
        return Err(format!("journal: push {id} is not finished"));
    }
    for o in &j.ops {
        let create = matches!(o.op, Op::CreateObjective { .. } | Op::CreateFeature { .. });
        if o.state == "failed" {
            if !refusals || o.error.as_deref().is_none_or(str::is_empty) {
                return Err(format!(
                    "journal: operation {} of push {} was refused ({:?}) with no refusal injected",
                    o.marker, o.push, o.error
                ));
            }
            continue;
        }
        // A 401 refusal closes the rest of its push as not sent (`skipped`), creates too: a
        // later push sends them again.
        let not_sent = o.state == "skipped" && o.tp_id.is_none() && refusals;
        if o.state != "done" && (create && !not_sent || o.state != "skipped") {
            return Err(format!(
                "journal: operation {} of push {} ended {:?}",
                o.marker, o.push, o.state
            ));
        }
        if create && o.tp_id.is_none() && !not_sent {
            return Err(format!(
                "journal: create {} of push {} has no Targetprocess id",
                o.marker, o.push
            ));
        }
    }
    let pushes: BTreeSet<i64> = j.pushes.iter().map(|(id, _)| *id).collect();
    if let Some(o) = j.ops.iter().find(|o| !pushes.contains(&o.push)) {
        return Err(format!(
            "journal: operation {} of an unknown push",
            o.marker
        ));
    }
    Ok(())
}

/// Each create reached Targetprocess exactly once (one entity per idempotency marker), and
/// Targetprocess holds exactly the seeded entities plus the creates minus the deletes the op
/// log records.
pub(super) fn check_no_duplicates(
    tp: &Tp,
    j: &JournalDump,
    initial: usize,
    deletes: usize,
) -> Result<(), String> {
    let control = tp.sim.control();
    let mut markers: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    let mut total = 0;
    for resource in ["TeamPIObjectives", "Features"] {
        for id in control.ids(resource) {
            total += 1;
            let tags = control
                .get_entity(resource, id)
                .and_then(|e| e["Tags"].as_str().map(str::to_owned))
                .unwrap_or_default();
            for tag in tags
                .split(',')
                .map(str::trim)
                .filter(|t| t.starts_with("pi-planner-"))
            {
                markers.entry(tag.to_owned()).or_default().push(id);
            }
        }
    }
    if let Some((tag, ids)) = markers.iter().find(|(_, ids)| ids.len() > 1) {
        return Err(format!(
            "duplicate create: marker {tag} on entities {ids:?}"
        ));
    }
    let creates: BTreeMap<String, Option<i64>> = j
        .ops
        .iter()
        .filter(|o| matches!(o.op, Op::CreateObjective { .. } | Op::CreateFeature { .. }))
        // A create closed as not sent (after a 401) created nothing.
        .filter(|o| o.state != "skipped")
        .map(|o| {
            let tag = pi_targetprocess::IdempotencyMarker::for_operation(&o.marker);
            (tag.tag().to_owned(), o.tp_id)
        })
        .collect();
    for (tag, ids) in &markers {
        match creates.get(tag) {
            Some(Some(id)) if ids == &[*id] => {}
            other => {
                return Err(format!(
                    "create marker {tag} on {ids:?}; the journal's create has TP id {other:?}"
                ));
            }
        }
    }
    let creates = creates.len();
    if total + deletes != initial + creates {
        return Err(format!(
            "TP holds {total} objectives and features; expected {initial} seeded + {creates} \
             created - {deletes} deleted"
        ));
    }
    Ok(())
}

/// One push entry in the operation log per journaled push, naming every id it created; the
/// number of entities the logged pushes deleted.
pub(super) fn check_oplog(ws: &Workspace, j: &JournalDump) -> Result<usize, String> {
    let entries = pi_engine::oplog::entries(&ws.repo, &ws.names.oplog_ref())
        .map_err(|e| format!("op log: {e}"))?;
    let pushes: Vec<_> = entries
        .iter()
        .filter(|e| e.kind == pi_engine::oplog::OpKind::Push)
        .collect();
    if pushes.len() != j.pushes.len() {
        return Err(format!(
            "op log has {} push entries, the journal {} pushes",
            pushes.len(),
            j.pushes.len()
        ));
    }
    let logged: BTreeSet<i64> = pushes
        .iter()
        .flat_map(|e| e.created.iter().map(|(_, id)| *id))
        .collect();
    if let Some(o) = j
        .ops
        .iter()
        .find(|o| o.tp_id.is_some_and(|id| !logged.contains(&id)))
    {
        return Err(format!(
            "op log: the create {} (TP id {:?}) is in no push entry",
            o.marker, o.tp_id
        ));
    }
    let deleted: BTreeSet<&EntityId> = pushes
        .iter()
        .flat_map(|e| &e.writes)
        .filter(|w| w.field.is_none() && w.after == FieldValue::Missing)
        .map(|w| &w.entity)
        .collect();
    Ok(deleted.len())
}

/// `git fsck --full --strict` of the repository.
pub fn fsck(dir: &Path) -> Result<(), String> {
    let out = std::process::Command::new("git")
        .args(["fsck", "--full", "--strict", "--no-progress"])
        .current_dir(dir)
        .output()
        .map_err(|e| format!("git fsck: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "git fsck: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}
