//! Running the planners and the Targetprocess user, and the summary of a run.

use super::*;

/// Runs `users` planners for `secs` seconds against one simulator; returns their ledgers and
/// the Targetprocess user's edits. Checks everything listed in the module documentation.
pub async fn run_load(
    users: usize,
    secs: u64,
    latency: Duration,
    seed: u64,
    create_percent: u64,
) -> LoadSummary {
    let layout_objectives = Layout::objectives_needed(users);
    let sim = start_sim(layout_objectives, Duration::ZERO).await;
    let (url, token) = (sim.base_url(), sim.access_token().to_owned());
    let root = tempfile::tempdir().unwrap();
    pi_git::PlanRepo::init_bare(&root.path().join("shared.git")).unwrap();
    let setup = client(&url, &token);
    let mut dirs = Vec::new();
    for user in 0..users {
        dirs.push(init_clone(&setup, root.path(), user).await);
    }
    let plan = Workspace::open(&dirs[0]).unwrap().local().unwrap();
    let layout = Layout {
        users,
        ids: plan.objectives.iter().map(|o| o.id.tp().unwrap()).collect(),
    };
    let initial: HashMap<i64, Option<f64>> = plan
        .objectives
        .iter()
        .map(|o| (o.id.tp().unwrap(), o.effort.map(Effort::points)))
        .collect();
    sim.control().set_faults(Faults {
        latency,
        ..Faults::default()
    });

    let start = Instant::now();
    let until = start + Duration::from_secs(secs);
    // The Targetprocess user edits the contested objectives' effort every ~300 ms.
    let tp_user = {
        let control = sim.control();
        let contested = layout.contested().to_vec();
        let values = Arc::new(Mutex::new(Vec::new()));
        let out = Arc::clone(&values);
        let task = tokio::spawn(async move {
            let mut rng = Rng(seed ^ 0xABCD);
            let mut n = 0u32;
            while Instant::now() < until {
                tokio::time::sleep(Duration::from_millis(200 + rng.below(200) as u64)).await;
                n += 1;
                let id = contested[rng.below(contested.len())];
                let value = f64::from(900_000 + n);
                control
                    .update_entity("TeamPIObjectives", id, json!({ "Effort": value }))
                    .unwrap();
                out.lock().unwrap().push((id, value));
            }
        });
        (task, values)
    };
    let threads: Vec<_> = dirs
        .iter()
        .enumerate()
        .map(|(user, dir)| {
            let (url, token, dir, layout) =
                (url.clone(), token.clone(), dir.clone(), layout.clone());
            std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async move {
                    let mut p = Planner {
                        user,
                        me: identity(user),
                        tp: client(&url, &token),
                        ws: Workspace::open(&dir).unwrap(),
                        layout,
                        rng: Rng(seed.wrapping_mul(31).wrapping_add(user as u64)),
                        ledger: Ledger::default(),
                        seq: 0,
                        create_percent,
                    };
                    p.session(until).await;
                    p
                })
            })
        })
        .collect();
    let mut planners = Vec::new();
    for t in threads {
        let p = tokio::task::spawn_blocking(move || t.join().unwrap())
            .await
            .unwrap();
        planners.push(p);
    }
    tp_user.0.await.unwrap();
    let tp_edits = tp_user.1.lock().unwrap().clone();
    let load_wall = start.elapsed();

    // Settle: everyone pulls, resolves and pushes what is left, then pulls once more so every
    // clone has seen every push. Each planner runs on its own thread as before.
    let mut settled = Vec::new();
    for p in planners {
        settled.push(
            on_own_thread(p, |mut p| async move {
                p.flush().await;
                p
            })
            .await,
        );
    }
    let mut planners = settled;
    for round in 0..2 {
        let mut next = Vec::new();
        for p in planners {
            next.push(
                on_own_thread(p, move |mut p| async move {
                    match p.pull().await {
                        None => {
                            let e = p.ledger.errors.last().cloned();
                            p.ledger
                                .violations
                                .push(format!("final pull {round} of planner {}: {e:?}", p.user));
                        }
                        Some(r) if !r.conflicts.is_empty() => {
                            p.ledger.violations.push(format!(
                                "final pull {round} of planner {}: {} conflicts left",
                                p.user,
                                r.conflicts.len()
                            ));
                        }
                        Some(_) => {}
                    }
                    p
                })
                .await,
            );
        }
        planners = next;
    }

    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for p in &planners {
        for e in &p.ledger.errors {
            *kinds.entry(e.chars().take(200).collect()).or_default() += 1;
        }
    }
    for (kind, n) in &kinds {
        println!("load: {n} × {kind}");
    }
    let summary = super::check::check(
        &sim,
        &setup,
        &planners,
        &layout,
        &initial,
        &tp_edits,
        root.path(),
    )
    .await;
    sim.shutdown().await;
    LoadSummary {
        load_wall,
        ..summary
    }
}

/// Runs `f` on `p` on a thread of its own (the engine's futures hold git handles and stay on
/// one thread) and returns the planner.
async fn on_own_thread<F, Fut>(p: Planner, f: F) -> Planner
where
    F: FnOnce(Planner) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Planner>,
{
    let thread = std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(f(p))
    });
    tokio::task::spawn_blocking(move || thread.join().unwrap())
        .await
        .unwrap()
}

#[derive(Debug, Default)]
pub struct LoadSummary {
    pub users: usize,
    pub load_wall: Duration,
    pub operations: usize,
    pub edits: usize,
    pub created: usize,
    pub pushes: usize,
    pub pulls: usize,
    pub conflicts: usize,
    pub retries: usize,
    pub errors: usize,
    pub reached_tp: usize,
    pub shown_as_conflict: usize,
    /// Conflicts shown to a planner who wrote neither side.
    pub bystander_conflicts: usize,
    pub tp_user_edits: usize,
    /// Broken invariants; the load test requires none.
    pub violations: Vec<String>,
    pub push_p50: Duration,
    pub push_p95: Duration,
    pub pull_p50: Duration,
    pub pull_p95: Duration,
}

pub(super) fn percentile(times: &[Duration], p: usize) -> Duration {
    let mut t = times.to_vec();
    t.sort();
    if t.is_empty() {
        return Duration::ZERO;
    }
    t[(t.len() - 1) * p / 100]
}

impl std::fmt::Display for LoadSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} planners, {:.0} s of load: {} operations ({} pushes, {} pulls), {} edits ({} reached Targetprocess, {} shown as a conflict), {} objectives created, {} Targetprocess-user edits, {} conflicts shown ({} to a planner who wrote neither side), {} retries, {} errors; push p50 {} ms / p95 {} ms, pull p50 {} ms / p95 {} ms",
            self.users,
            self.load_wall.as_secs_f64(),
            self.operations,
            self.pushes,
            self.pulls,
            self.edits,
            self.reached_tp,
            self.shown_as_conflict,
            self.created,
            self.tp_user_edits,
            self.conflicts,
            self.bystander_conflicts,
            self.retries,
            self.errors,
            self.push_p50.as_millis(),
            self.push_p95.as_millis(),
            self.pull_p50.as_millis(),
            self.pull_p95.as_millis(),
        )
    }
}

/// Prints the summary and every broken invariant, then fails on the first.
pub fn require_nothing_lost(summary: &LoadSummary) {
    println!("load: {summary}");
    for v in &summary.violations {
        println!(
            "load: VIOLATION {}",
            v.chars().take(600).collect::<String>()
        );
    }
    assert!(
        summary.violations.is_empty(),
        "{} broken invariants, the first: {}",
        summary.violations.len(),
        summary.violations[0]
    );
    assert!(summary.pushes > 0, "something was pushed: {summary}");
    assert_eq!(
        summary.edits,
        summary.reached_tp + summary.shown_as_conflict
    );
}
