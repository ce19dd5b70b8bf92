//! A scenario's engine steps: picking faults, running pull, push, resolve and resume (in
//! process or through tpcli), observing what they report, recovery and the final check.

use super::*;

impl Scenario {
    /// Fields of existing entities that an unfinished push has not confirmed yet (updates, and
    /// features it deletes).
    pub(super) fn in_flight_updates(&self) -> Vec<(EntityId, bool, Field)> {
        let Ok(j) = journal(&self.ws()) else {
            return Vec::new();
        };
        let open: BTreeSet<i64> = j
            .pushes
            .iter()
            .filter(|(_, done)| !done)
            .map(|(id, _)| *id)
            .collect();
        let mut out = Vec::new();
        for row in j
            .ops
            .iter()
            .filter(|o| open.contains(&o.push) && o.state != "done")
        {
            let (id, changes, is_feature) = match &row.op {
                Op::UpdateObjective { id, changes, .. } => (id, changes, false),
                Op::UpdateFeature { id, changes, .. } => (id, changes, true),
                Op::DeleteFeature { id, .. } if id.tp().is_some() => {
                    let field =
                        [Field::Name, Field::Status, Field::Effort][self.rng_peek(&row.marker)];
                    out.push((id.clone(), true, field));
                    continue;
                }
                _ => continue,
            };
            if id.tp().is_none() {
                continue;
            }
            out.extend(
                changes
                    .iter()
                    .filter(|c| {
                        matches!(
                            c.field,
                            Field::Name
                                | Field::Description
                                | Field::Status
                                | Field::Effort
                                | Field::Owner
                        )
                    })
                    .map(|c| (id.clone(), is_feature, c.field)),
            );
        }
        out
    }

    /// A field index (0..3) for a pending delete, fixed by its journal marker.
    pub(super) fn rng_peek(&self, marker: &str) -> usize {
        marker.bytes().map(usize::from).sum::<usize>() % 3
    }

    pub(super) fn pick_fault(&mut self) -> Fault {
        if self.rng.chance(45) {
            return Fault::None;
        }
        match self.rng.below(9) {
            0 => Fault::Throttle {
                status: 429,
                per_min: u32::try_from(self.rng.range(2, 12)).unwrap_or(5),
            },
            1 => Fault::Throttle {
                status: 503,
                per_min: u32::try_from(self.rng.range(2, 12)).unwrap_or(5),
            },
            2 => Fault::ServerErrors {
                rate: [0.1, 0.3, 0.6][self.rng.below(3)],
                status: [500, 502, 503][self.rng.below(3)],
            },
            3 => Fault::DropRequests(self.rng.range(1, 8) as u64),
            4 => Fault::DropApply(self.rng.range(0, 2) as u64),
            5 if self.opts.tpcli.is_some() && self.rng.chance(15) => {
                Fault::Kill(self.rng.range(1, 12))
            }
            6 => self.pick_refusal(),
            7 => Fault::Misbehave(match self.rng.below(4) {
                0 => Misbehaving::Redirect,
                1 => Misbehaving::EndlessPaging,
                2 => Misbehaving::Oversized,
                _ => Misbehaving::RetryAfter(
                    boundary::RETRY_AFTER_TEXTS[self.rng.below(boundary::RETRY_AFTER_TEXTS.len())],
                ),
            }),
            _ => Fault::Crash(self.rng.range(1, 12)),
        }
    }

    /// A refusal of one entity of the plan, or of one field of a resource; now and then a 401
    /// (the token revoked part-way), which stops the push.
    pub(super) fn pick_refusal(&mut self) -> Fault {
        let plan = self.read_plan().unwrap_or_default();
        let mut entities: Vec<(&'static str, i64)> = Vec::new();
        for o in &plan.objectives {
            entities.extend(o.id.tp().map(|id| ("TeamPIObjectives", id)));
            for f in &o.features {
                entities.extend(f.id.tp().map(|id| ("Features", id)));
            }
        }
        let status = [400, 403, 404, 409, 422, 401][self.rng.below(6)];
        let times = if self.rng.chance(50) {
            None
        } else {
            u32::try_from(self.rng.range(1, 3)).ok()
        };
        let by_entity = self
            .rng
            .chance(50)
            .then(|| self.rng.pick(&entities).copied())
            .flatten();
        let (resource, id, field) = match by_entity {
            Some((resource, id)) => (resource, Some(id), None),
            None => {
                let resource = ["TeamPIObjectives", "Features"][self.rng.below(2)];
                let field =
                    ["Effort", "Name", "Description", "EntityState", "Owner"][self.rng.below(5)];
                (resource, None, Some(field))
            }
        };
        Fault::Refuse {
            resource,
            id,
            field,
            status,
            times,
        }
    }

    pub(super) async fn engine(&mut self, op: EngineOp) {
        let fault = self.pick_fault();
        self.minute += 1;
        // A push first completes an interrupted one, which merges Targetprocess's state.
        let unfinished = journal(&self.ws()).is_ok_and(|j| j.pushes.iter().any(|(_, done)| !done));
        let snapshot_before = self.merged_snapshot();
        let ended = self.run_engine(op, fault).await;
        self.tp.sim.control().set_faults(Faults::default());
        if unfinished && matches!(ended, Ended::Push(Ok(_))) {
            self.ledger.synced(self.step);
        }
        // An operation stopped by a fault (a crash, a killed `tpcli`) may have merged a new
        // Targetprocess snapshot into the plan before it stopped: the planner has seen it.
        let snapshot_after = self.merged_snapshot();
        if snapshot_after.is_some() && snapshot_after != snapshot_before {
            self.ledger.synced(self.step);
        }
        let interrupted = self.observe(op, &ended);
        let tag = match fault {
            Fault::None => String::new(),
            f => format!(" [{f:?}]"),
        };
        self.log(format!("{op:?}{tag} -> {}", describe(&ended)));
        if let Some(kind) = fault.kind() {
            *self.stats.faults.entry(kind).or_default() += 1;
            if interrupted {
                *self.stats.interrupted.entry(kind).or_default() += 1;
            }
        }
        self.observe_conflicts().await;
    }

    pub(super) async fn run_engine(&mut self, op: EngineOp, fault: Fault) -> Ended {
        if let Fault::Kill(k) = fault {
            return self.run_tpcli(op, k).await;
        }
        if let Fault::Refuse {
            resource,
            id,
            field,
            status,
            times,
        } = fault
        {
            self.refusals += 1;
            self.tp.sim.control().refuse(pi_sim::Refusal {
                resource: resource.into(),
                id,
                field: field.map(str::to_owned),
                status,
                times,
                message: format!("Refused by the chaos run ({status})"),
            });
        }
        self.tp
            .sim
            .control()
            .set_faults(fault.faults(self.other.url()));
        let ws = self.ws();
        let ctx = Context {
            tp: &self.tp.client,
            me: &self.me,
            now: at(self.minute),
            auto_sync: false,
            progress: None,
        };
        let yes = PushOptions {
            dry_run: false,
            yes: true,
        };
        let run = async {
            match op {
                EngineOp::Pull => {
                    Ended::Pull(pi_engine::pull(&ctx, &ws, &PullOptions::default()).await)
                }
                EngineOp::Push => Ended::Push(pi_engine::push(&ctx, &ws, yes).await),
                EngineOp::Resume => Ended::Resume(pi_engine::push::resume(&ctx, &ws).await),
                EngineOp::Resolve => Ended::Resolve(pi_engine::resolve(
                    &self.me,
                    ctx.now,
                    &ws,
                    &Selector::default(),
                    &Resolution::KeepLocal,
                )),
            }
        };
        match fault {
            Fault::Crash(k) => killed_after(&self.tp, k, run).await,
            _ => run.await,
        }
    }

    /// The operation as `tpcli`, killed with SIGKILL once the simulator has seen `k` of its
    /// requests (or left to finish).
    pub(super) async fn run_tpcli(&mut self, op: EngineOp, k: usize) -> Ended {
        let Some(bin) = self.opts.tpcli.clone() else {
            return Ended::Exited(None);
        };
        let args: &[&str] = match op {
            EngineOp::Pull => &["plan", "pull"],
            EngineOp::Push => &["plan", "push", "--yes"],
            EngineOp::Resume => &["plan", "resume"],
            EngineOp::Resolve => &["plan", "resolve", "--all", "--keep", "local"],
        };
        self.tp.sim.control().set_faults(Faults {
            latency: Duration::from_millis(3),
            ..Faults::default()
        });
        let start = self.tp.sim.control().request_log().len();
        let home = self.dir.join(".git").join("chaos-home");
        let _ = std::fs::create_dir_all(&home);
        let mut child = match tokio::process::Command::new(&bin)
            .args(args)
            .current_dir(&self.dir)
            .env("TP_URL", self.tp.sim.base_url())
            .env("TP_TOKEN", self.tp.sim.access_token())
            .env("GIT_AUTHOR_NAME", &self.me.name)
            .env("GIT_AUTHOR_EMAIL", &self.me.email)
            .env("HOME", &home)
            .env("XDG_RUNTIME_DIR", &home)
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .env_remove("DISPLAY")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
        {
            Ok(c) => c,
            Err(_) => return Ended::Exited(None),
        };
        let control = self.tp.sim.control();
        let reached = async {
            while control.request_log().len() < start + k {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        };
        tokio::select! {
            status = child.wait() => Ended::Exited(status.ok().and_then(|s| s.code())),
            () = reached => {
                let _ = child.kill().await;
                Ended::Crashed
            }
        }
    }

    /// Records what an operation reported; whether the fault stopped it.
    pub(super) fn observe(&mut self, op: EngineOp, ended: &Ended) -> bool {
        let step = self.step;
        match ended {
            Ended::Pull(Ok(report)) => {
                self.ledger.synced(step);
                for c in &report.conflicts {
                    self.reported(c.entity.clone(), c.field, c.remote.clone());
                }
                false
            }
            Ended::Push(Ok(outcome)) => {
                match outcome {
                    PushOutcome::Pushed(report) => {
                        self.ledger.synced(step);
                        self.stats.pushes += 1;
                        self.stats.refused +=
                            report.ops.iter().filter(|o| o.result.is_err()).count();
                    }
                    PushOutcome::RemoteChanged { stale } => {
                        for s in stale {
                            self.reported(s.entity.clone(), s.field, s.remote.clone());
                        }
                    }
                    _ => {}
                }
                false
            }
            Ended::Resume(Ok(report)) => {
                if report.is_some() {
                    self.ledger.synced(step);
                }
                false
            }
            Ended::Resolve(Ok(_)) => false,
            // Resolving with nothing to resolve is refused; not a fault's doing.
            Ended::Resolve(Err(_)) => false,
            Ended::Exited(code) => {
                // Rust's exit code of a panic.
                self.tpcli_panicked |= *code == Some(101);
                // A clean `tpcli pull` / `push` merged Targetprocess's state: a sync. (Its
                // conflicts are read from the stored state right after.)
                if *code == Some(0) && matches!(op, EngineOp::Pull | EngineOp::Push) {
                    self.ledger.synced(step);
                }
                code.is_none_or(|c| c != 0)
            }
            _ => true,
        }
    }

    pub(super) fn reported(&mut self, entity: EntityId, field: Option<Field>, remote: FieldValue) {
        let entity = self.handle_of(&entity);
        let slot = field.map_or(Slot::Presence, Slot::Field);
        self.stats.conflicts += 1;
        self.ledger.report(Reported {
            step: self.step,
            entity,
            slot,
            remote,
        });
    }

    /// The conflicts stored in the workspace are what the planner is shown.
    pub(super) async fn observe_conflicts(&mut self) {
        let ws = self.ws();
        let Ok(status) = pi_engine::status(None, &ws).await else {
            return;
        };
        for c in status.conflicts {
            self.reported(c.entity.clone(), c.field, c.remote.clone());
        }
    }

    /// Faults off: resume, pull, resolve (keep mine), push until the plan and Targetprocess
    /// agree.
    pub(super) async fn recover(&mut self) -> Result<(), String> {
        self.tp.sim.control().set_faults(Faults::default());
        self.fix_refusals();
        for round in 0..8 {
            self.minute += 1;
            let ws = self.ws();
            let ctx = Context {
                tp: &self.tp.client,
                me: &self.me,
                now: at(self.minute),
                auto_sync: false,
                progress: None,
            };
            let resumed = pi_engine::push::resume(&ctx, &ws)
                .await
                .map_err(|e| format!("recovery: resume failed: {e}"))?;
            // Conflicts the completed push stored are shown to the planner before the pull.
            let after_resume = pi_engine::status(None, &ws)
                .await
                .map(|s| s.conflicts)
                .unwrap_or_default();
            let pulled = pi_engine::pull(&ctx, &ws, &PullOptions::default())
                .await
                .map_err(|e| format!("recovery: pull failed: {e}"))?;
            let resolved = if pulled.conflicts.is_empty() {
                None
            } else {
                Some(
                    pi_engine::resolve(
                        &self.me,
                        ctx.now,
                        &ws,
                        &Selector::default(),
                        &Resolution::KeepLocal,
                    )
                    .map_err(|e| format!("recovery: resolve failed: {e}"))?,
                )
            };
            let pushed = pi_engine::push(
                &ctx,
                &ws,
                PushOptions {
                    dry_run: false,
                    yes: true,
                },
            )
            .await
            .map_err(|e| format!("recovery: push failed: {e}"))?;
            let step = self.step;
            if resumed.is_some() {
                self.ledger.synced(step);
            }
            self.ledger.synced(step);
            for c in after_resume.iter().chain(&pulled.conflicts) {
                self.reported(c.entity.clone(), c.field, c.remote.clone());
            }
            match &pushed {
                PushOutcome::Pushed(_) => {
                    self.ledger.synced(step);
                    self.stats.pushes += 1;
                }
                PushOutcome::RemoteChanged { stale } => {
                    for s in stale {
                        self.reported(s.entity.clone(), s.field, s.remote.clone());
                    }
                }
                _ => {}
            }
            self.observe_conflicts().await;
            self.log(format!(
                "recovery round {round}: resumed {}, pulled {} change(s) and {} conflict(s), \
                 resolved {}, push {}",
                resumed.is_some(),
                pulled.from_tp.len(),
                pulled.conflicts.len(),
                resolved.map_or(0, |r| r.resolved.len()),
                describe_push(&pushed)
            ));
            let status = pi_engine::status(None, &self.ws())
                .await
                .map_err(|e| format!("recovery: status failed: {e}"))?;
            let quiet = matches!(pushed, PushOutcome::NothingToPush { .. })
                && status.conflicts.is_empty()
                && status.local_changes.is_empty()
                && status.unfinished_push == 0
                && !pulled.tp_changed
                && pulled.conflicts.is_empty();
            if quiet {
                return Ok(());
            }
        }
        Err("recovery did not converge in 8 rounds".into())
    }

    /// The planner's fix of what Targetprocess refused: the account's rules are lifted (an
    /// administrator allowed the value, the permission was granted) and every owner Targetprocess
    /// does not know becomes one it knows, typed into the plan file. The refused changes are
    /// still in the plan, and the recovery's push must send them.
    pub(super) fn fix_refusals(&mut self) {
        self.tp.sim.control().clear_refusals();
        let Some(mut plan) = self.read_plan() else {
            return;
        };
        let unknown = FieldValue::OptText(Some(UNKNOWN_OWNER.into()));
        let known = FieldValue::OptText(self.user_names.first().cloned());
        let mut fixed: Vec<EntityId> = Vec::new();
        for o in &mut plan.objectives {
            if objective_get(o, Field::Owner) == unknown {
                objective_set(o, Field::Owner, known.clone());
                fixed.push(o.id.clone());
            }
            for f in &mut o.features {
                if feature_get(f, Field::Owner) == unknown {
                    feature_set(f, Field::Owner, known.clone());
                    fixed.push(f.id.clone());
                }
            }
        }
        for id in &fixed {
            self.typed(&plan, id, Field::Owner, &unknown, known.clone());
        }
    }

    /// Every invariant of a recovered scenario.
    pub(super) async fn check(&mut self) -> Result<(), String> {
        let ws = self.ws();
        let status = pi_engine::status(None, &ws)
            .await
            .map_err(|e| format!("status: {e}"))?;
        if !status.conflicts.is_empty() || !status.local_changes.is_empty() {
            return Err(format!(
                "not clean after recovery: {} conflict(s), {} local change(s)",
                status.conflicts.len(),
                status.local_changes.len()
            ));
        }
        let remote = self
            .tp
            .client
            .fetch_team_plan(self.release, self.team)
            .await
            .map_err(|e| format!("fetch: {e}"))?
            .plan;
        let file = ws.local().map_err(|e| format!("plan file: {e}"))?;
        converged("plan file", &file, &remote)?;
        let control = self.tp.sim.control();
        let raw = |resource: &str, id: i64| {
            control
                .get_entity(resource, id)
                .and_then(|e| e["Name"].as_str().map(str::to_owned))
        };
        boundary::check_names(&file, &raw)?;
        let raw_now = boundary::raw_texts(&file, &|r, id| control.get_entity(r, id));
        let (ledger, written) = (&self.ledger, &self.tp_written);
        let edited = |id: &EntityId, field: Field| {
            let key = (id.clone(), Slot::Field(field));
            written.contains(&(id.clone(), field))
                || ledger.local_history.contains_key(&key)
                || ledger.tp_history.contains_key(&key)
                || ledger.local.contains_key(&key)
                || ledger.tp.contains_key(&key)
        };
        boundary::check_untouched(&self.raw_initial, &raw_now, &edited)?;
        let base = ws.base().map_err(|e| format!("tracking branch: {e}"))?;
        converged("tracking branch", &base.plan, &remote)?;
        let journal = journal(&ws).map_err(|e| format!("journal: {e}"))?;
        check_journal(&journal, self.refusals > 0)?;
        let handles: BTreeMap<i64, EntityId> = journal
            .ops
            .iter()
            .filter_map(|o| Some((o.tp_id?, o.op.entity().clone())))
            .collect();
        let handle = |id: &EntityId| {
            id.tp()
                .and_then(|n| handles.get(&n).cloned())
                .unwrap_or_else(|| id.clone())
        };
        self.ledger.check(&remote, &handle)?;
        let deleted = check_oplog(&ws, &journal)?;
        check_no_duplicates(&self.tp, &journal, self.initial_count, deleted)?;
        fsck(&self.dir)?;
        Ok(())
    }
}
