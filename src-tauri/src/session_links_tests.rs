use crate::dto::LinkDto;
use crate::error::ErrorCode;
use crate::session_fixture::demo_with_plan;

fn link(release: &str, team: &str) -> LinkDto {
    let names = pi_git::BranchNames::for_plan(release, team);
    LinkDto {
        plan: format!("{}/{}", names.release_slug, names.team_slug),
        conflict: Some("tp:1".into()),
    }
}

#[tokio::test]
async fn a_link_opens_the_plan_it_names_not_the_open_one() {
    let (f, _) = demo_with_plan().await;
    let s = &f.session;
    let first = s.status().await.workspace.expect("a plan is open");
    let art = s.arts().await.expect("arts").remove(0);
    let releases = s.releases(art.id).await.expect("releases");
    let other_release = releases
        .iter()
        .find(|r| r.id != first.release.id)
        .expect("the demo has two releases")
        .clone();
    let other_team = s
        .teams(art.id)
        .await
        .expect("teams")
        .into_iter()
        .find(|t| t.id != first.team.id)
        .expect("the demo has two teams");

    // Never opened on this computer: found in Targetprocess and started.
    let view = s
        .open_link(&link(&other_release.name, &other_team.name))
        .await
        .expect("opened");
    let now = s.status().await.workspace.expect("open");
    assert_eq!(
        (now.release.id, now.team.id),
        (other_release.id, other_team.id)
    );
    assert_eq!(view.plan_file, now.plan_file);
    assert_eq!(view.plan.team.name, other_team.name);

    // Opened before: its plan folder is reopened, ids and all.
    s.open_link(&link(&first.release.name, &first.team.name))
        .await
        .expect("reopened");
    let again = s.status().await.workspace.expect("open");
    assert_eq!(again, first);

    // The open plan itself: shown as it is.
    let same = s
        .open_link(&link(&first.release.name, &first.team.name))
        .await
        .expect("shown");
    assert_eq!(same.plan_file, first.plan_file);
}

#[tokio::test]
async fn a_link_to_a_plan_nobody_has_says_so_and_keeps_the_open_plan() {
    let (f, _) = demo_with_plan().await;
    let before = f.session.status().await.workspace;
    let nobody = link("PI 9 99", "No Such Team");
    let err = f
        .session
        .open_link(&nobody)
        .await
        .expect_err("no such plan");
    assert_eq!(err.code, ErrorCode::NoPlan);
    assert!(
        err.message.contains(&format!("\"{}\"", nobody.plan)),
        "{}",
        err.message
    );
    assert_eq!(f.session.status().await.workspace, before);
}
