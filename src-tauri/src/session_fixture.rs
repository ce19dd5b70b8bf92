//! Test set-up shared by the session's tests: the demo started in a temporary folder, a planner
//! identified, and a team plan open.

use std::sync::Arc;

use crate::credentials::MemoryStore;
use crate::dto::{IdentityDto, OpenRequest, PlanView};
use crate::session::{Dirs, Session};

/// A session on its own temporary folders (kept as long as the fixture lives).
pub(crate) struct Fixture {
    pub dir: tempfile::TempDir,
    pub session: Session,
}

/// The demo started, Ann Planner identified, and the first team plan of the first release
/// that `fits` open.
pub(crate) async fn demo_with_plan_where(fits: impl Fn(&PlanView) -> bool) -> (Fixture, PlanView) {
    let dir = tempfile::tempdir().expect("temp dir");
    let dirs = Dirs {
        config: dir.path().join("config"),
        data: dir.path().join("data"),
    };
    let session = Session::new(dirs, Arc::new(MemoryStore::default()));
    session.start_demo().await.expect("demo starts");
    session
        .save_identity(IdentityDto {
            name: "Ann Planner".into(),
            email: "ann@example.com".into(),
        })
        .await
        .expect("identity");
    let art = session.arts().await.expect("arts").remove(0);
    let release = session.releases(art.id).await.expect("releases").remove(0);
    for team in session.teams(art.id).await.expect("teams") {
        let req = OpenRequest {
            art: art.clone(),
            release: release.clone(),
            team,
        };
        let view = session.open(req).await.expect("opened");
        if fits(&view) {
            return (Fixture { dir, session }, view);
        }
    }
    panic!("the demo data has a fitting team plan in the first release");
}

/// [`demo_with_plan_where`] the plan has objectives.
pub(crate) async fn demo_with_plan() -> (Fixture, PlanView) {
    demo_with_plan_where(|v| !v.plan.objectives.is_empty()).await
}
