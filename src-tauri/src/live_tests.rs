use std::sync::{Arc, Mutex};

use super::*;
use crate::session_fixture::demo_with_plan;

struct TestHost {
    session: Arc<Session>,
    told: Arc<Mutex<Vec<SyncEventDto>>>,
}

impl LiveHost for TestHost {
    fn session(&self) -> &Session {
        &self.session
    }

    fn announce(&self, event: &SyncEventDto) {
        self.told.lock().expect("not poisoned").push(event.clone());
    }
}

#[test]
fn failed_looks_wait_longer_each_time_up_to_ten_minutes() {
    let poll = Duration::from_secs(30);
    assert_eq!(backoff(poll, 1), Duration::from_secs(60));
    assert_eq!(backoff(poll, 2), Duration::from_secs(120));
    assert_eq!(backoff(poll, 9), MAX_WAIT);
}

#[tokio::test]
async fn a_save_by_another_editor_reaches_the_app_within_a_second_or_two() {
    let (f, view) = demo_with_plan().await;
    let session = Arc::new(f.session);
    let told = Arc::new(Mutex::new(Vec::new()));
    let host = TestHost {
        session: session.clone(),
        told: told.clone(),
    };
    let task = tokio::spawn(run(host, QUIET));
    // The loop's first look (a whole read) and its file watch are set up.
    let start = Instant::now();
    while session.live_status().checked_at.is_none() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the first look ends"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let before = session.live_status().revision;

    let text = std::fs::read_to_string(&view.plan_file).expect("plan file");
    let edited = text.replacen(&view.plan.objectives[0].name, "Typed in vim", 1);
    let swap = std::path::Path::new(&view.plan_file).with_extension("md.tmp");
    std::fs::write(&swap, &edited).expect("written");
    std::fs::rename(&swap, &view.plan_file).expect("renamed");
    let saved = Instant::now();
    while session.live_status().revision == before {
        assert!(
            saved.elapsed() < Duration::from_secs(5),
            "the change is taken within a few seconds"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let shown = session.plan().await.expect("plan");
    assert_eq!(shown.plan.objectives[0].name, "Typed in vim");
    task.abort();
    assert!(
        told.lock().expect("not poisoned").is_empty(),
        "nothing to announce"
    );
    drop(f.dir);
}
