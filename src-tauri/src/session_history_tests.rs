use pi_model::EntityId;
use pi_model::diff::SpanTag;

use super::*;
use crate::dto::{PlanView, PushOutcomeDto};
use crate::session_fixture::Fixture;

/// The demo started, Ann Planner identified, and the first team plan with two or more objectives
/// (each with a feature) open.
async fn demo_with_plan() -> (Fixture, PlanView) {
    crate::session_fixture::demo_with_plan_where(|view| {
        let o = &view.plan.objectives;
        o.len() >= 2 && !o[0].features.is_empty() && !o[1].features.is_empty()
    })
    .await
}

fn tp_id(id: Option<&str>) -> i64 {
    let id: EntityId = id.expect("has an id").parse().expect("valid id");
    id.tp().expect("from Targetprocess")
}

async fn push(session: &Session) {
    let outcome = session.push(false, &|_| {}).await.expect("pushed");
    assert!(
        matches!(outcome, PushOutcomeDto::Pushed { .. }),
        "{outcome:?}"
    );
}

/// Another planner edits an objective's description in Targetprocess.
async fn edit_in_tp(session: &Session, id: i64, description: &str) {
    let inner = session.inner.lock().await;
    let sim = inner.demo.as_ref().expect("demo runs");
    sim.control()
        .update_entity(
            "TeamPIObjectives",
            id,
            serde_json::json!({ "Description": description }),
        )
        .expect("edited in Targetprocess");
}

#[tokio::test]
async fn history_attributes_saves_pushes_and_targetprocess_edits() {
    let (f, view) = demo_with_plan().await;
    let mut edited = view.plan.clone();
    let effort = edited.objectives[0].effort.unwrap_or(0.0) + 5.0;
    edited.objectives[0].effort = Some(effort);
    f.session.save_plan(edited).await.expect("saved");
    // Commit times have a resolution of seconds; versions made in the same second have no order.
    next_second().await;
    push(&f.session).await;
    next_second().await;
    let other = tp_id(view.plan.objectives[1].id.as_deref());
    edit_in_tp(
        &f.session,
        other,
        "Partners sign in with their own accounts",
    )
    .await;
    f.session.pull(false, &|_| {}).await.expect("pulled");

    let history = f.session.history().await.expect("history");
    assert!(!history.capped);
    assert!(!history.uncommitted);
    let kinds: Vec<VersionKindDto> = history.versions.iter().map(|v| v.kind).collect();
    assert_eq!(
        kinds,
        [
            VersionKindDto::Pull,
            VersionKindDto::Push,
            VersionKindDto::Save,
            VersionKindDto::Import,
        ],
        "{:#?}",
        history.versions
    );
    let [pull, pushed, save, import] = &history.versions[..] else {
        unreachable!()
    };
    assert_eq!(pull.who, "Targetprocess");
    assert_eq!(pull.editors, ["Mira Ostrava"]);
    assert_eq!(pull.by.as_deref(), Some("Ann Planner"), "who pulled");
    assert_eq!(pull.changed, 1);
    assert_eq!(
        pull.changes,
        [format!(
            "Description edited on \"{}\"",
            view.plan.objectives[1].name
        )]
    );
    assert_eq!(pushed.who, "Targetprocess");
    assert_eq!(
        pushed.editors,
        ["Sim Admin"],
        "the token's user wrote the push"
    );
    assert_eq!(pushed.by.as_deref(), Some("Ann Planner"), "who pushed");
    assert_eq!(save.who, "Ann Planner");
    assert_eq!(save.by, None);
    let before = view.plan.objectives[0].effort.unwrap_or(0.0);
    let name = &view.plan.objectives[0].name;
    assert_eq!(
        save.changes,
        [format!(
            "Effort {} → {} on \"{name}\"",
            effort_words(before),
            effort_words(effort)
        )]
    );
    assert_eq!(import.who, "Targetprocess");
    assert!(import.changed > 0, "the import adds every objective");
    assert!(history.baselines.is_empty());
}

#[tokio::test]
async fn history_and_effort_series_stop_at_their_limit() {
    let (f, view) = demo_with_plan().await;
    let mut plan = view.plan.clone();
    for n in 1..=4 {
        plan.objectives[0].effort = Some(f64::from(n));
        f.session.save_plan(plan.clone()).await.expect("saved");
    }
    let dir = std::path::PathBuf::from(&view.plan_file)
        .parent()
        .expect("in a folder")
        .to_path_buf();
    let (history, series) = super::super::sync::in_workspace(dir, |ws, _| {
        Ok((versions(ws, None, 3)?, series(ws, None, 3)?))
    })
    .await
    .expect("read");
    assert!(history.capped && series.capped);
    assert_eq!((history.limit, series.limit), (3, 3));
    let efforts: Vec<String> = history
        .versions
        .iter()
        .map(|v| v.changes.join(""))
        .collect();
    assert_eq!(efforts.len(), 3);
    assert!(
        efforts[0].contains("Effort 3 points → 4 points"),
        "{efforts:?}"
    );
    assert!(efforts[2].contains("Effort 1 point"), "{efforts:?}");
    let totals: Vec<f64> = series.points.iter().map(|p| p.total).collect();
    let rest: f64 = view.plan.objectives[1..]
        .iter()
        .filter_map(|o| o.effort)
        .sum();
    assert_eq!(totals, [rest + 2.0, rest + 3.0, rest + 4.0], "oldest first");
    let all = f.session.history().await.expect("history");
    assert!(!all.capped);
    assert_eq!(all.versions.len(), 5, "four saves and the import");
}

async fn next_second() {
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
}

fn effort_words(points: f64) -> String {
    if points == 0.0 {
        "(none)".to_owned()
    } else {
        format!("{points} points")
    }
}

#[tokio::test]
async fn comparing_two_versions_gives_field_changes_word_highlights_and_effort() {
    let (f, view) = demo_with_plan().await;
    let mut edited = view.plan.clone();
    let old_text = edited.objectives[0].description.clone();
    edited.objectives[0].description = format!("{old_text} Includes audit logging.")
        .trim()
        .to_owned();
    let before = edited.objectives[0].effort.unwrap_or(0.0);
    edited.objectives[0].effort = Some(before + 3.0);
    f.session.save_plan(edited).await.expect("saved");
    let history = f.session.history().await.expect("history");
    let [save, import] = &history.versions[..] else {
        panic!("{:#?}", history.versions)
    };

    let c = f
        .session
        .compare(import.rev.clone(), save.rev.clone())
        .await
        .expect("compared");
    assert_eq!(c.before.short_id.as_deref(), Some(import.short_id.as_str()));
    assert_eq!(
        c.before.label, "the version by Targetprocess",
        "no commit id"
    );
    assert_eq!(c.after.label, "the version by Ann Planner");
    assert_eq!(c.after.who.as_deref(), Some("Ann Planner"));
    assert_eq!(c.entities.len(), 1, "{:#?}", c.entities);
    let e = &c.entities[0];
    assert_eq!(
        (e.kind.as_str(), e.presence.as_str()),
        ("objective", "changed")
    );
    assert_eq!(e.name, view.plan.objectives[0].name);
    let labels: Vec<&str> = e.fields.iter().map(|f| f.label.as_str()).collect();
    assert_eq!(labels, ["Description", "Effort"]);
    let effort = &e.fields[1];
    assert_eq!(
        (effort.before.as_str(), effort.after.as_str()),
        (
            effort_words(before).as_str(),
            format!("{} points", before + 3.0).as_str()
        )
    );
    assert!(effort.words.is_none());
    let words = e.fields[0].words.as_ref().expect("a word diff");
    let inserted: String = words
        .iter()
        .filter(|s| s.tag == SpanTag::Insert)
        .map(|s| s.text.as_str())
        .collect();
    assert_eq!(inserted.trim(), "Includes audit logging.");
    assert!(words.iter().all(|s| s.tag != SpanTag::Delete));
    let committed = view.plan.objectives[0].committed;
    let shift = if committed { 3.0 } else { 0.0 };
    assert_eq!(c.effort.objectives.after - c.effort.objectives.before, 3.0);
    assert_eq!(c.effort.committed.after - c.effort.committed.before, shift);

    // The same change seen from Targetprocess's side, and nothing between a version and itself.
    let from_tp = f
        .session
        .compare("tp".into(), "working".into())
        .await
        .expect("compared");
    assert_eq!(from_tp.before.label, "Targetprocess (last pull)");
    assert_eq!(from_tp.entities, c.entities);
    let same = f
        .session
        .compare(save.rev.clone(), "working".into())
        .await
        .expect("compared");
    assert!(same.entities.is_empty());

    for bad in ["HEAD; rm", "baseline:nope", "0123abcd"] {
        let e = f
            .session
            .compare(bad.into(), "working".into())
            .await
            .expect_err("no such version");
        assert_eq!(e.code, ErrorCode::InvalidInput, "{bad}");
        assert!(e.message.contains(bad), "{}", e.message);
    }
}

#[tokio::test]
async fn changed_since_sync_flags_exactly_the_edited_items_until_pushed() {
    let (f, view) = demo_with_plan().await;
    assert_eq!(f.session.sync_changes().await.expect("changes"), []);
    let mut edited = view.plan.clone();
    edited.objectives[0].effort = Some(edited.objectives[0].effort.unwrap_or(0.0) + 2.0);
    edited.objectives[0].business_value =
        Some(edited.objectives[0].business_value.unwrap_or(0) + 1);
    let feature = &mut edited.objectives[1].features[0];
    feature.name = format!("{} (pilot)", feature.name);
    f.session.save_plan(edited).await.expect("saved");

    let changes = f.session.sync_changes().await.expect("changes");
    let got: Vec<(String, String, Vec<String>)> = changes
        .iter()
        .map(|c| (c.kind.clone(), c.id.clone(), c.fields.clone()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "objective".to_owned(),
                view.plan.objectives[0].id.clone().expect("id"),
                vec!["Effort".to_owned(), "Business Value".to_owned()]
            ),
            (
                "feature".to_owned(),
                view.plan.objectives[1].features[0].id.clone().expect("id"),
                vec!["Name".to_owned()]
            ),
        ]
    );
    push(&f.session).await;
    assert_eq!(f.session.sync_changes().await.expect("changes"), []);
}

#[tokio::test]
async fn effort_series_sums_committed_and_total_effort_per_version() {
    let (f, view) = demo_with_plan().await;
    let sums = |p: &crate::dto::PlanDto| {
        let total: f64 = p.objectives.iter().filter_map(|o| o.effort).sum();
        let committed: f64 = p
            .objectives
            .iter()
            .filter(|o| o.committed)
            .filter_map(|o| o.effort)
            .sum();
        (committed, total)
    };
    let start = sums(&view.plan);

    let mut first = view.plan.clone();
    first.objectives[0].committed = true;
    first.objectives[0].effort = Some(10.0);
    f.session.save_plan(first.clone()).await.expect("saved");
    let dir = std::path::Path::new(&view.plan_file)
        .parent()
        .expect("in a folder");
    let ws = pi_engine::Workspace::open(dir).expect("workspace");
    let me = pi_git::Identity::new("Ann Planner", "ann@example.com");
    pi_reports::baseline::create(&ws, Some("pi-start"), &me, chrono::Utc::now()).expect("baseline");
    let mut second = first.clone();
    second.objectives[1].committed = false;
    second.objectives[1].effort = Some(second.objectives[1].effort.unwrap_or(0.0) + 4.0);
    f.session.save_plan(second.clone()).await.expect("saved");
    // Saving the same plan again makes no new version.
    f.session.save_plan(second.clone()).await.expect("saved");

    let o = &view.plan.objectives;
    let e = |i: usize| o[i].effort.unwrap_or(0.0);
    let c = |i: usize| if o[i].committed { e(i) } else { 0.0 };
    // By hand: objective 0 becomes committed with 10 points; objective 1 leaves the commitment
    // with 4 more points.
    let after_first = (start.0 - c(0) + 10.0, start.1 - e(0) + 10.0);
    let after_second = (after_first.0 - c(1), after_first.1 + 4.0);
    assert_eq!(sums(&first), after_first);
    assert_eq!(sums(&second), after_second);

    let series = f.session.effort_series().await.expect("series");
    assert_eq!(series.team, view.plan.team.name);
    assert!(!series.capped);
    let got: Vec<(VersionKindDto, f64, f64)> = series
        .points
        .iter()
        .map(|p| (p.kind, p.committed, p.total))
        .collect();
    assert_eq!(
        got,
        [
            (VersionKindDto::Import, start.0, start.1),
            (VersionKindDto::Save, after_first.0, after_first.1),
            (VersionKindDto::Save, after_second.0, after_second.1),
        ]
    );
    let tagged: Vec<&[String]> = series.points.iter().map(|p| &p.baselines[..]).collect();
    assert_eq!(tagged, [&[][..], &["pi-start".to_owned()][..], &[][..]]);
    let history = f.session.history().await.expect("history");
    assert_eq!(series.points[2].rev, history.versions[0].rev);
    assert_eq!(history.versions[1].baselines, ["pi-start"]);
    assert_eq!(history.baselines.len(), 1);
    let at_baseline = f
        .session
        .compare("baseline:pi-start".into(), "working".into())
        .await
        .expect("compared with the baseline");
    assert_eq!(at_baseline.before.label, "baseline pi-start");
    assert_eq!(at_baseline.effort.committed.before, after_first.0);
    assert_eq!(at_baseline.effort.committed.after, after_second.0);
}

#[tokio::test]
async fn the_conflict_log_lists_a_conflict_found_by_a_pull_and_who_resolved_it_when() {
    let (f, view) = demo_with_plan().await;
    assert!(f.session.conflict_log().await.expect("log").is_empty());
    let id = view.plan.objectives[0].id.clone().expect("an id");
    let tp: EntityId = id.parse().expect("valid");
    {
        let inner = f.session.inner.lock().await;
        inner
            .demo
            .as_ref()
            .expect("demo runs")
            .control()
            .update_entity(
                "TeamPIObjectives",
                tp.tp().expect("from Targetprocess"),
                serde_json::json!({"Effort": 77}),
            )
            .expect("edited");
    }
    let mut edited = view.plan.clone();
    edited.objectives[0].effort = Some(view.plan.objectives[0].effort.unwrap_or(0.0) + 0.5);
    f.session.save_plan(edited).await.expect("saved");
    f.session.pull(false, &|_| {}).await.expect("pulled");
    let open = f.session.conflict_log().await.expect("log");
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(
        (open[0].id.as_str(), open[0].field.as_str()),
        (id.as_str(), "Effort")
    );
    assert_eq!(open[0].theirs, "77 points", "{open:?}");
    assert_eq!(
        open[0].found_by.as_deref(),
        Some("Ann Planner <ann@example.com>")
    );
    assert_eq!(
        (open[0].resolved_at.as_ref(), open[0].open_for.as_ref()),
        (None, None)
    );

    f.session
        .resolve_all(crate::dto::ChoiceDto::KeepTheirs)
        .await
        .expect("resolved");
    let log = f.session.conflict_log().await.expect("log");
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(
        log[0].resolved_by.as_deref(),
        Some("Ann Planner <ann@example.com>")
    );
    assert!(
        log[0].resolved_at.as_deref() >= Some(log[0].found_at.as_str()),
        "{log:?}"
    );
    assert!(
        log[0]
            .open_for
            .as_deref()
            .is_some_and(|w| w.ends_with(" s") || w.ends_with("min")),
        "{log:?}"
    );
}

#[test]
fn how_long_a_conflict_stayed_open_is_said_to_the_minute() {
    use crate::dto::duration_words;
    assert_eq!(duration_words(42), "42 s");
    assert_eq!(duration_words(5 * 60 + 9), "5 min");
    assert_eq!(duration_words(3_600), "1 h");
    assert_eq!(duration_words(75 * 60), "1 h 15 min");
    assert_eq!(duration_words(86_400 + 2 * 3_600), "1 day 2 h");
    assert_eq!(duration_words(3 * 86_400), "3 days");
}
