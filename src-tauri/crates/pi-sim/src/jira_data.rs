//! Jira data beyond the demo builder's: epics and stories for generated data sets (every
//! feature's Jira key becomes an epic with a fixed number of stories, for the scale tests and
//! benchmarks), and the demo's deliberately missing epic (a feature whose Jira key names no
//! issue). Seeded: the same seed gives the same issues.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::config::DataSource;
use crate::data::SEED_TIME_MS;
use crate::jira::{JiraIssue, STATUSES};
use crate::store::World;

/// The demo feature whose epic does not exist in Jira: the 3rd feature with a Jira key.
pub const MISSING_EPIC_INDEX: usize = 2;

/// Applies the Jira extras the data source calls for.
pub fn prepare(world: &mut World, source: &DataSource, stories_per_feature: usize, seed: u64) {
    match source {
        DataSource::Demo => remove_one_epic(world),
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
