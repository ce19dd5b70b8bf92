//! The live sync's steps (`watch`) on the in-memory tracker: a Targetprocess edit pulled once
//! and never pushed back, a saved edit committed and pushed once and never pulled back, a
//! conflict told once however many polls see it.

use super::*;
use crate::watch::{Event, Held, PushMode, Watch, WatchOptions};

fn auto() -> Watch {
    Watch::new(WatchOptions {
        push: PushMode::Auto,
        ..WatchOptions::default()
    })
}

/// One poll at `minute`; its events.
async fn poll(w: &mut Watch, a: &Account, ws: &Workspace, minute: i64) -> Vec<Event> {
    let me = jane();
    let mut events = Vec::new();
    w.poll(&at(&a.tp, &me, minute), ws, None, &mut |e| events.push(e))
        .await
        .unwrap();
    events
}

async fn started(a: &Account, ws: &Workspace) -> Watch {
    let mut w = auto();
    let me = jane();
    w.start(&at(&a.tp, &me, 1), ws, &mut |_| {}).await.unwrap();
    poll(&mut w, a, ws, 1).await;
    w
}

#[tokio::test]
async fn a_targetprocess_edit_is_pulled_once_and_never_pushed_back() {
    let a = account();
    let dir = tempfile::tempdir().unwrap();
    let ws = initialised(&a, dir.path()).await;
    let mut w = started(&a, &ws).await;
    let (fetches, updates) = (a.tp.calls(Call::Fetch), a.tp.calls(Call::Update));

    assert!(poll(&mut w, &a, &ws, 2).await.is_empty());
    assert_eq!(
        a.tp.calls(Call::Fetch),
        fetches,
        "nothing changed: no read of the plan"
    );
    assert!(a.tp.calls(Call::Changes) >= 1);

    a.tp.edit_objective(a.objectives[0], |o| o.effort = Effort::new(5.0));
    let events = poll(&mut w, &a, &ws, 3).await;
    assert!(
        matches!(events.as_slice(), [Event::Pulled(_)]),
        "{events:?}"
    );
    assert_eq!(ws.local().unwrap().objectives[0].effort, Effort::new(5.0));
    assert!(poll(&mut w, &a, &ws, 4).await.is_empty());
    assert_eq!(a.tp.calls(Call::Fetch), fetches + 1, "pulled exactly once");
    assert_eq!(a.tp.calls(Call::Update), updates, "nothing pushed back");
}

#[tokio::test]
async fn a_saved_edit_is_committed_pushed_once_and_not_pulled_back() {
    let a = account();
    let dir = tempfile::tempdir().unwrap();
    let ws = initialised(&a, dir.path()).await;
    let mut w = started(&a, &ws).await;

    edit(&ws, |p| p.objectives[1].effort = Effort::new(34.0));
    let me = jane();
    let mut events = Vec::new();
    w.saved(&at(&a.tp, &me, 2), &ws, None, &mut |e| events.push(e))
        .await
        .unwrap();
    assert!(
        matches!(events.as_slice(), [Event::Committed, Event::Pushed(_)]),
        "{events:?}"
    );
    let history = ws
        .repo
        .history(&ws.names.working(), &ws.plan_file(), None)
        .unwrap();
    let saved = history
        .iter()
        .find(|c| c.subject == crate::save::SAVE_SUBJECT)
        .expect("the saved edit's commit");
    assert_eq!(
        saved.author,
        jane(),
        "committed as the app's save commits it"
    );
    assert_eq!(effort_of(&a, a.objectives[1]), Some(34.0));
    // The push's own end reads Targetprocess back; nothing after it reads the plan again.
    let (fetches, updates) = (a.tp.calls(Call::Fetch), a.tp.calls(Call::Update));
    for minute in 3..6 {
        let events = poll(&mut w, &a, &ws, minute).await;
        assert!(events.is_empty(), "minute {minute}: {events:?}");
    }
    assert_eq!(a.tp.calls(Call::Update), updates, "no second write");
    assert_eq!(
        a.tp.calls(Call::Fetch),
        fetches,
        "our own write is not pulled back"
    );
}

#[tokio::test]
async fn a_conflict_holds_the_push_and_is_told_once() {
    let a = account();
    let dir = tempfile::tempdir().unwrap();
    let ws = initialised(&a, dir.path()).await;
    let mut w = Watch::new(WatchOptions {
        push: PushMode::Auto,
        ..WatchOptions::default()
    });
    let me = jane();
    w.start(&at(&a.tp, &me, 1), &ws, &mut |_| {}).await.unwrap();
    poll(&mut w, &a, &ws, 1).await;

    a.tp.edit_objective(a.objectives[0], |o| o.effort = Effort::new(3.0));
    edit(&ws, |p| p.objectives[0].effort = Effort::new(40.0));
    let (mut told, mut conflicts) = (Vec::new(), Vec::new());
    for minute in 2..6 {
        if minute == 4 {
            // Targetprocess changes another field: pulled, the open conflict not told again.
            a.tp.edit_objective(a.objectives[1], |o| o.effort = Effort::new(2.0));
        }
        for event in poll(&mut w, &a, &ws, minute).await {
            match event {
                Event::Held(reason) => told.push(reason),
                Event::Conflicts(found) => conflicts.extend(found),
                _ => {}
            }
        }
    }
    assert_eq!(told, vec![Held::Conflicts(1)]);
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(conflicts[0].field, Some(pi_model::Field::Effort));
    assert_eq!(ws.local().unwrap().objectives[1].effort, Effort::new(2.0));
    assert_eq!(
        effort_of(&a, a.objectives[0]),
        Some(3.0),
        "nothing overwritten"
    );
}

#[tokio::test]
async fn a_save_during_the_watchs_pull_is_kept_and_pushed() {
    let a = account();
    let dir = tempfile::tempdir().unwrap();
    let ws = initialised(&a, dir.path()).await;
    let mut w = started(&a, &ws).await;

    a.tp.edit_objective(a.objectives[0], |o| o.effort = Effort::new(5.0));
    let path = ws.plan_path().unwrap();
    a.tp.during_next_fetch(move || {
        let mut plan = pi_format::parse(&std::fs::read_to_string(&path).unwrap())
            .unwrap()
            .plan;
        plan.objectives[1].effort = Effort::new(34.0);
        std::fs::write(&path, pi_format::render(&plan)).unwrap();
    });
    let events = poll(&mut w, &a, &ws, 2).await;

    assert!(
        matches!(events.as_slice(), [Event::Pulled(_), Event::Pushed(_)]),
        "{events:?}"
    );
    let plan = ws.local().unwrap();
    assert_eq!(plan.objectives[0].effort, Effort::new(5.0));
    assert_eq!(plan.objectives[1].effort, Effort::new(34.0));
    assert_eq!(
        effort_of(&a, a.objectives[1]),
        Some(34.0),
        "the save pushed"
    );
    assert_eq!(
        effort_of(&a, a.objectives[0]),
        Some(5.0),
        "and nothing else"
    );
}

/// A push that fails with a server error is a failed look, waited out, not the end of the
/// watch: the next look completes the interrupted push and nothing is sent twice.
#[tokio::test]
async fn a_push_failing_with_a_server_error_is_waited_out_and_completed_at_the_next_look() {
    let a = account();
    let dir = tempfile::tempdir().unwrap();
    let ws = initialised(&a, dir.path()).await;
    let mut w = started(&a, &ws).await;

    edit(&ws, |p| p.objectives[1].effort = Effort::new(34.0));
    a.tp.fail(
        Call::Update,
        a.tp.calls(Call::Update) + 1,
        Failure::DropAfterWrite,
    );
    let me = jane();
    let mut events = Vec::new();
    w.saved(&at(&a.tp, &me, 2), &ws, None, &mut |e| events.push(e))
        .await
        .expect("a dropped connection does not end the watch");
    assert!(
        matches!(
            events.as_slice(),
            [Event::Committed, Event::LookFailed { .. }]
        ),
        "{events:?}"
    );

    // The next look completes the interrupted push (its update landed: nothing sent again),
    // then pushes this edit, whose update fails with a 500.
    edit(&ws, |p| p.objectives[0].effort = Effort::new(21.0));
    a.tp.fail(Call::Update, a.tp.calls(Call::Update) + 1, Failure::Server);
    let mut events = Vec::new();
    let wait = w
        .poll(&at(&a.tp, &me, 3), &ws, None, &mut |e| events.push(e))
        .await
        .expect("a server error does not end the watch");
    assert!(wait > WatchOptions::default().poll, "backed off: {wait:?}");
    assert!(
        events.iter().any(|e| matches!(e, Event::LookFailed { .. })),
        "{events:?}"
    );

    let events = poll(&mut w, &a, &ws, 4).await;
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::Pushed(_) | Event::Resumed(_))),
        "{events:?}"
    );
    assert_eq!(effort_of(&a, a.objectives[1]), Some(34.0));
    assert_eq!(effort_of(&a, a.objectives[0]), Some(21.0));
    assert!(poll(&mut w, &a, &ws, 5).await.is_empty(), "settled");
    assert!(
        crate::approvals::current_change(&ws)
            .unwrap()
            .ops
            .is_empty()
    );
}

#[tokio::test]
async fn a_deletion_is_found_by_the_ids_check_without_reading_the_whole_plan_at_every_look() {
    let a = account();
    let dir = tempfile::tempdir().unwrap();
    let ws = initialised(&a, dir.path()).await;
    let mut w = Watch::new(WatchOptions {
        full_every: 3,
        ..WatchOptions::default()
    });
    let me = jane();
    w.start(&at(&a.tp, &me, 1), &ws, &mut |_| {}).await.unwrap();
    poll(&mut w, &a, &ws, 1).await; // look 1: the first look reads the whole plan
    let (fetches, rereads) = (a.tp.calls(Call::Fetch), a.tp.calls(Call::Reread));

    // Looks 2 and 3: nothing changed; the third checks the plan's ids, and reads nothing more.
    assert!(poll(&mut w, &a, &ws, 2).await.is_empty());
    assert_eq!(a.tp.calls(Call::Reread), rereads, "no ids check at look 2");
    assert!(poll(&mut w, &a, &ws, 3).await.is_empty());
    assert!(a.tp.calls(Call::Reread) > rereads, "look 3 checks the ids");
    assert_eq!(a.tp.calls(Call::Fetch), fetches, "and reads no plan");

    // A feature deleted in Targetprocess changes no ModifyDate: looks 4 and 5 miss it, the
    // ids check of look 6 finds it gone and pulls.
    crate::tracker::Tracker::delete(&a.tp, Kind::Feature, a.features[1])
        .await
        .unwrap();
    let gone = |ws: &Workspace| {
        !ws.local()
            .unwrap()
            .objectives
            .iter()
            .flat_map(|o| &o.features)
            .any(|f| f.id.tp() == Some(a.features[1]))
    };
    for minute in [4, 5] {
        poll(&mut w, &a, &ws, minute).await;
        assert!(!gone(&ws), "look {minute} reads no ids");
    }
    assert_eq!(a.tp.calls(Call::Fetch), fetches);
    let events = poll(&mut w, &a, &ws, 6).await;
    assert!(
        matches!(events.as_slice(), [Event::Pulled(_)]),
        "{events:?}"
    );
    assert!(gone(&ws));
    assert_eq!(a.tp.calls(Call::Fetch), fetches + 1, "one pull");
}

/// A look's answer concerns the plan when one of its entities moved, a program objective
/// changed, or something new is the plan's (a team objective, a feature linked to one of its
/// objectives); a feature only other teams' objectives link to is not the plan's change.
#[tokio::test]
async fn a_look_counts_only_what_concerns_the_plan_as_a_change() {
    use crate::watch::concerns_the_plan;
    use pi_targetprocess::{Changed, SyncVersion};
    let a = account();
    let dir = tempfile::tempdir().unwrap();
    let ws = initialised(&a, dir.path()).await;
    let base = ws.base().unwrap();
    let ours = base.plan.objectives[0].id.tp().unwrap();
    let (&known, version) = base.versions.entities.iter().next().unwrap();
    let same = SyncVersion {
        modify_date: version.modify_date.as_deref().map(|d| {
            chrono::DateTime::parse_from_rfc3339(d)
                .unwrap()
                .with_timezone(&chrono::Utc)
        }),
        entity_version: version.entity_version,
    };
    let newer = SyncVersion {
        entity_version: Some(version.entity_version.unwrap_or(0) + 1),
        ..same.clone()
    };
    let stranger = 990_001;
    let answer =
        |items: &[(i64, &SyncVersion)], links: &[(i64, Vec<i64>)], programs: &[i64]| Changed {
            work_items: items.iter().map(|(id, v)| (*id, (*v).clone())).collect(),
            links: links.iter().cloned().collect(),
            program_objectives: programs.to_vec(),
            ..Changed::default()
        };
    let cases = [
        ("nothing", answer(&[], &[], &[]), false),
        (
            "an entity at the known version",
            answer(&[(known, &same)], &[], &[]),
            false,
        ),
        (
            "an entity at a new version",
            answer(&[(known, &newer)], &[], &[]),
            true,
        ),
        ("a program objective", answer(&[], &[], &[7]), true),
        (
            "another team's feature",
            answer(&[(stranger, &newer)], &[(stranger, vec![880_001])], &[]),
            false,
        ),
        (
            "an unlinked feature",
            answer(&[(stranger, &newer)], &[(stranger, vec![])], &[]),
            false,
        ),
        (
            "a feature newly linked to the plan's objective",
            answer(
                &[(stranger, &newer)],
                &[(stranger, vec![880_001, ours])],
                &[],
            ),
            true,
        ),
        (
            "a new entity whose links are not told (a team objective)",
            answer(&[(stranger, &newer)], &[], &[]),
            true,
        ),
    ];
    for (what, changed, concerns) in cases {
        assert_eq!(concerns_the_plan(&changed, &base), concerns, "{what}");
    }
}
