//! Jira data beyond the demo builder's: epics and stories for generated data sets (every
//! feature's Jira key becomes an epic with a fixed number of stories, for the scale tests and
//! benchmarks), and the demo's deliberate inconsistencies between Targetprocess and Jira, so
//! that `tpcli plan lint` has something of each kind to find in the first plan: a feature whose
//! Jira key names no issue, a Done feature with open stories, an open feature whose stories are
//! all done, effort far from its stories' points, and stories without points. Seeded: the same
//! seed gives the same issues.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::config::DataSource;
use crate::data::SEED_TIME_MS;
use crate::jira::{JiraIssue, STATUSES};
use crate::store::World;

/// The demo feature whose epic does not exist in Jira: the 3rd feature with a Jira key.
pub const MISSING_EPIC_INDEX: usize = 2;

/// The demo feature (by position among the features with a Jira key) that is Done in
/// Targetprocess while its first story is still to do.
pub const DONE_WITH_OPEN_STORIES_INDEX: usize = 0;
/// The demo feature that is open while every story of its epic is done.
pub const STORIES_DONE_INDEX: usize = 1;
/// The demo feature whose effort is far below its stories' points (its first story: 40).
pub const POINTS_OVER_EFFORT_INDEX: usize = 3;
/// The demo feature whose stories have no points.
pub const NO_POINTS_INDEX: usize = 4;

/// Targetprocess's Done and Implementing feature states in the demo's workflow.
const FEATURE_DONE: i64 = 125;
const FEATURE_IMPLEMENTING: i64 = 124;
/// Jira's To Do and Done status ids.
const TO_DO: &str = "10000";
const DONE: &str = "10001";

/// Applies the Jira extras the data source calls for.
pub fn prepare(world: &mut World, source: &DataSource, stories_per_feature: usize, seed: u64) {
    match source {
        DataSource::Demo => {
            remove_one_epic(world);
            inconsistencies(world);
        }
        DataSource::Generated(_) if stories_per_feature > 0 => {
            epics_for_features(world, stories_per_feature, seed);
        }
        _ => {}
    }
}

fn remove_one_epic(world: &mut World) {
    let Some(epic) = feature_keys(world).nth(MISSING_EPIC_INDEX) else {
        return;
    };
    world
        .jira
        .issues
        .retain(|_, i| i.key != epic && i.parent.as_deref() != Some(epic.as_str()));
}

/// Makes the demo's first features disagree with their epics, one kind each (see the
/// `*_INDEX` constants).
fn inconsistencies(world: &mut World) {
    let features: Vec<(i64, String)> = world
        .tp
        .all("Feature")
        .filter_map(|(id, f)| Some((*id, jira_key(f)?)))
        .collect();
    world.tp.touched();
    // Set as seeded (no new version): the demo starts this way.
    let mut set_state = |index: usize, state: i64| {
        let feature = features
            .get(index)
            .and_then(|(id, _)| world.tp.entities.get_mut("Feature")?.get_mut(id));
        if let Some(feature) = feature {
            feature.insert("EntityState".into(), state.into());
        }
    };
    set_state(DONE_WITH_OPEN_STORIES_INDEX, FEATURE_DONE);
    set_state(STORIES_DONE_INDEX, FEATURE_IMPLEMENTING);
    let epic = |index: usize| features.get(index).map(|(_, key)| key.clone());
    let mut stories = |index: usize, change: &mut dyn FnMut(usize, &mut JiraIssue)| {
        let Some(epic) = epic(index) else { return };
        let under = world
            .jira
            .issues
            .values_mut()
            .filter(|i| i.parent.as_deref() == Some(epic.as_str()));
        for (n, story) in under.enumerate() {
            change(n, story);
        }
    };
    stories(DONE_WITH_OPEN_STORIES_INDEX, &mut |n, s| {
        s.status_id = (if n == 0 { TO_DO } else { DONE }).to_owned();
    });
    stories(STORIES_DONE_INDEX, &mut |_, s| {
        s.status_id = DONE.to_owned()
    });
    stories(POINTS_OVER_EFFORT_INDEX, &mut |n, s| {
        if n == 0 {
            s.story_points = Some(40.0);
        }
    });
    stories(NO_POINTS_INDEX, &mut |_, s| s.story_points = None);
}

/// The features' Jira keys, in feature id order.
fn feature_keys(world: &World) -> impl Iterator<Item = String> + '_ {
    world.tp.all("Feature").filter_map(|(_, f)| jira_key(f))
}

/// A feature's Jira key: its templated-URL custom field.
fn jira_key(feature: &crate::store::Fields) -> Option<String> {
    feature
        .get("CustomFields")?
        .as_array()?
        .iter()
        .find_map(|c| {
            let v = c["Value"].as_str()?;
            (c["Type"] == "TemplatedURL").then(|| v.to_owned())
        })
}

fn epics_for_features(world: &mut World, per_feature: usize, seed: u64) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x71AA_0000);
    let features: Vec<(String, String)> = world
        .tp
        .all("Feature")
        .filter_map(|(_, f)| {
            let name = f["Name"].as_str().unwrap_or_default().to_owned();
            Some((jira_key(f)?, name))
        })
        .collect();
    let mut next_id = 20_000_u64;
    let mut next_story = 100_000_u64;
    for (key, name) in features {
        let project = key.rsplit_once('-').map_or("GEN", |(p, _)| p).to_owned();
        next_id += 1;
        let epic = issue(next_id, &key, &project, "Epic", &name, None, &mut rng);
        world.jira.issues.insert(key.clone(), epic);
        for n in 0..per_feature {
            next_id += 1;
            next_story += 1;
            let story_key = format!("{project}-{next_story}");
            let summary = format!("{name}: part {}", n + 1);
            let story = issue(
                next_id,
                &story_key,
                &project,
                "Story",
                &summary,
                Some(&key),
                &mut rng,
            );
            world.jira.issues.insert(story_key, story);
        }
    }
}

fn issue(
    id: u64,
    key: &str,
    project: &str,
    issue_type: &str,
    summary: &str,
    parent: Option<&str>,
    rng: &mut ChaCha8Rng,
) -> JiraIssue {
    let status = STATUSES[rng.random_range(0..STATUSES.len())].0.to_owned();
    let points = (issue_type == "Story").then(|| [1.0, 2.0, 3.0, 5.0, 8.0][rng.random_range(0..5)]);
    let who = rng.random_range(0..40_u32);
    JiraIssue {
        id: id.to_string(),
        key: key.to_owned(),
        project: project.to_owned(),
        issue_type: issue_type.to_owned(),
        summary: summary.to_owned(),
        description: format!("{summary}. Generated issue."),
        status_id: status,
        parent: parent.map(str::to_owned),
        labels: Vec::new(),
        story_points: points,
        assignee: Some((
            format!("5b10ac8d82e05b22cc7e{who:04x}"),
            format!("Developer {who}"),
        )),
        created: SEED_TIME_MS,
        updated: SEED_TIME_MS,
    }
}
