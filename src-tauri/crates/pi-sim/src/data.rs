//! Seeded data sets: the fixed base every run has (workflows, custom field definitions, users),
//! the demo plan, and generated data sets of a given size for benchmarks.
//!
//! All names are invented. The same seed always gives the same data; nothing here reads a clock.

use std::collections::HashSet;

use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

use crate::config::GenSpec;
use crate::jira::{JiraIssue, JiraStore, STATUSES};
use crate::schema::Schema;
use crate::store::{Fields, Store, World};

/// Instant all seeded entities were "created": 2025-09-01T08:00:00Z.
pub const SEED_TIME_MS: i64 = 1_756_713_600_000;
const WEEK_MS: i64 = 7 * 24 * 3_600_000;
/// Start of the first seeded PI: 2025-10-06T00:00:00Z.
const FIRST_PI_MS: i64 = 1_759_708_800_000;

const FIRST: [&str; 12] = [
    "Mira", "Tobin", "Ilse", "Corvin", "Anouk", "Bram", "Sela", "Jory", "Tamsin", "Odell", "Rhea",
    "Kasimir",
];
const LAST: [&str; 10] = [
    "Quell",
    "Harrow",
    "Vantree",
    "Ostrava",
    "Pennick",
    "Lindqvast",
    "Marrow",
    "Teague",
    "Solberk",
    "Fenwright",
];
const TEAMS: [&str; 10] = [
    "Comets", "Nebula", "Quasar", "Pulsar", "Aurora", "Zenith", "Meteor", "Eclipse", "Photon",
    "Orbiter",
];
const ARTS: [(&str, &str); 2] = [("Orbit Train", "ORB"), ("Harbor Train", "HBR")];
const PI_NAMES: [&str; 3] = ["PI-4/25", "PI-1/26", "PI-2/26"];
const VERBS: [&str; 8] = [
    "Enable",
    "Automate",
    "Simplify",
    "Stabilise",
    "Launch",
    "Modernise",
    "Secure",
    "Measure",
];
const THINGS: [&str; 12] = [
    "invoice export",
    "partner onboarding",
    "search ranking",
    "mobile check-in",
    "audit trail",
    "route planning",
    "shift scheduling",
    "payment retries",
    "catalogue import",
    "alerting",
    "customer self-service",
    "data retention",
];
/// What a feature delivers, in front of a [`THINGS`] entry: "Bulk edit for invoice export".
const DELIVERABLES: [&str; 12] = [
    "Bulk edit",
    "CSV upload",
    "Retry queue",
    "Status dashboard",
    "E-mail alerts",
    "Role-based access",
    "Offline mode",
    "Audit view",
    "Search filters",
    "Public API",
    "Guided setup",
    "Usage report",
];

/// Objective workflow (names match `pi_model::StatusConfig`), ids from 101.
pub const OBJECTIVE_STATES: [&str; 5] = ["Pending", "Draft", "Accepted", "In Progress", "Done"];
/// Feature and epic workflow, ids from 121 (features) and 131 (epics).
pub const FEATURE_STATES: [&str; 5] = ["Funnel", "Analyzing", "Backlog", "Implementing", "Done"];
/// Login of the seeded users; all share the Basic auth password of the run.
pub const ADMIN_LOGIN: &str = "admin";

fn obj(v: Value) -> Fields {
    v.as_object().cloned().unwrap_or_default()
}

/// Builds the data set of a run.
pub struct Builder<'a> {
    pub rng: ChaCha8Rng,
    /// Picks seeded `LastEditor`s; separate from `rng` so the rest of the data does not depend
    /// on it.
    editors: ChaCha8Rng,
    pub world: World,
    pub schema: &'a Schema,
    users: Vec<i64>,
    jira_next_id: u64,
    /// Objective and feature names already used in the current team's plan for a release.
    taken: HashSet<String>,
}

impl<'a> Builder<'a> {
    pub fn new(schema: &'a Schema, seed: u64) -> Self {
        let mut b = Self {
            rng: ChaCha8Rng::seed_from_u64(seed),
            editors: ChaCha8Rng::seed_from_u64(seed ^ 0x1a57_ed17),
            world: World {
                tp: Store::new(1000),
                jira: JiraStore::default(),
            },
            schema,
            users: Vec::new(),
            jira_next_id: 10_000,
            taken: HashSet::new(),
        };
        b.base();
        b
    }

    /// Stores a seeded entity; a work item gets one of the invented users as `LastEditor`.
    fn put(&mut self, ty: &str, fields: Value) -> i64 {
        let mut fields = obj(fields);
        let def = self.schema.by_type(ty);
        if let Some(def) = def.filter(|_| self.users.len() > 1) {
            let i = self.editors.random_range(1..self.users.len());
            crate::editor::stamp(def, &mut fields, crate::editor::Editor(Some(self.users[i])));
        }
        self.world.tp.insert(ty, fields, SEED_TIME_MS)
    }

    /// Workflows with fixed ids, custom field definitions and users.
    fn base(&mut self) {
        let team_obj = self.schema.team_objective_type();
        let prog_obj = self.schema.program_objective_type();
        let flows = [
            (&team_obj, 101, &OBJECTIVE_STATES, 1004),
            (&prog_obj, 111, &OBJECTIVE_STATES, 1005),
        ];
        for (ty, first, names, type_id) in flows {
            self.workflow(ty, first, names, type_id);
        }
        self.workflow("Feature", 121, &FEATURE_STATES, 9);
        self.workflow("Epic", 131, &FEATURE_STATES, 27);
        self.custom_field_defs();
        self.users();
    }

    fn workflow(&mut self, ty: &str, first_id: i64, names: &[&str; 5], type_id: i64) {
        for (i, name) in names.iter().enumerate() {
            let id = first_id + i as i64;
            let fields = obj(json!({
                "Name": name, "NumericPriority": (i + 1) as f64,
                "IsInitial": i == 0, "IsFinal": i + 1 == names.len(), "IsPlanned": i >= 2,
                "EntityType": {"Id": type_id, "Name": ty},
            }));
            let store = &mut self.world.tp;
            store.next_id = id;
            store.insert("EntityState", fields, SEED_TIME_MS);
        }
        self.world.tp.next_id = self.world.tp.next_id.max(1000);
    }

    fn custom_field_defs(&mut self) {
        let tp = &self.schema.tp;
        let defs = [
            (
                tp.jira_key_field.clone(),
                "TemplatedURL",
                "https://jira.example.com/browse/{0}",
                "Feature",
                9,
            ),
            (
                tp.acceptance_criteria_field.clone(),
                "RichText",
                "",
                "Feature",
                9,
            ),
            ("Jira Project".to_owned(), "Text", "", "Feature", 9),
            (
                "Jira Priority".to_owned(),
                "DropDown",
                "Highest\nHigh\nMedium\nLow",
                "Feature",
                9,
            ),
            ("Jira Issue Type".to_owned(), "Text", "", "Feature", 9),
            (
                tp.jira_key_field.clone(),
                "TemplatedURL",
                "https://jira.example.com/browse/{0}",
                "Epic",
                27,
            ),
        ];
        for (name, kind, value, ty, type_id) in defs {
            self.put(
                "CustomField",
                json!({"Name": name, "FieldType": kind, "Required": false,
                "Value": value, "EntityType": {"Id": type_id, "Name": ty}}),
            );
        }
    }

    fn users(&mut self) {
        let admin = self.put("User", json!({"FirstName": "Sim", "LastName": "Admin",
            "FullName": "Sim Admin", "Email": "admin@example.com", "Login": ADMIN_LOGIN, "IsActive": true}));
        self.users.push(admin);
        for i in 0..20 {
            let (f, l) = (FIRST[i % FIRST.len()], LAST[(i * 7 + 3) % LAST.len()]);
            let login = format!("{}.{}", f.to_lowercase(), l.to_lowercase());
            let id = self.put(
                "User",
                json!({"FirstName": f, "LastName": l, "FullName": format!("{f} {l}"),
                "Email": format!("{login}@example.com"), "Login": login, "IsActive": true}),
            );
            self.users.push(id);
        }
    }

    fn user(&mut self) -> i64 {
        let i = self.rng.random_range(1..self.users.len());
        self.users[i]
    }

    fn state(&mut self, first_id: i64) -> i64 {
        first_id + self.rng.random_range(0..5)
    }

    fn art(&mut self, name: &str) -> i64 {
        self.put(
            "AgileReleaseTrain",
            json!({"Name": name, "Description": format!("<p>{name}: invented demo train.</p>")}),
        )
    }

    fn releases(&mut self, art: i64, count: usize) -> Vec<(i64, String)> {
        (0..count)
            .map(|i| {
                let name = PI_NAMES.get(i).map_or_else(|| format!("PI-{}/{}", i % 4 + 1, 26 + i / 4), |s| (*s).to_owned());
                let start = FIRST_PI_MS + i as i64 * 12 * WEEK_MS;
                let id = self.put("Release", json!({"Name": name, "StartDate": start,
                    "EndDate": start + 12 * WEEK_MS - 1000, "IsCurrent": i == 1, "AgileReleaseTrain": art}));
                (id, name)
            })
            .collect()
    }

    /// Six two-week iterations per team and release, the PI's 12 weeks (the sixth is the IP
    /// iteration), each ending on the last second of its Sunday as the releases do.
    fn team_iterations(&mut self, releases: &[(i64, String)], teams: &[i64]) {
        for (release, _) in releases {
            let start = self
                .world
                .tp
                .get("Release", *release)
                .and_then(|r| r["StartDate"].as_i64());
            let Some(start) = start else { continue };
            for team in teams {
                for n in 0..6 {
                    let from = start + n * 2 * WEEK_MS;
                    self.put("TeamIteration", json!({"Name": format!("Iteration {}", n + 1),
                        "Team": team, "Release": release, "StartDate": from, "EndDate": from + 2 * WEEK_MS - 1000}));
                }
            }
        }
    }

    fn team(&mut self, name: &str, art: i64) -> i64 {
        let owner = self.user();
        let abbr: String = name.chars().take(3).collect::<String>().to_uppercase();
        self.put("Team", json!({"Name": name, "Abbreviation": abbr, "IsActive": true, "Owner": owner, "AgileReleaseTrain": art}))
    }

    /// Starts another team's plan for a release: its names may repeat other plans' names.
    pub fn next_plan(&mut self) {
        self.taken.clear();
    }

    /// A name built by `make` that the current plan does not use yet; after a few draws of
    /// taken names, the first free numbered variant (only huge generated plans get there).
    fn fresh_name(&mut self, make: fn(&mut Self) -> String) -> String {
        let mut name = make(self);
        for _ in 0..32 {
            if !self.taken.contains(&name) {
                break;
            }
            name = make(self);
        }
        let base = name.clone();
        let mut n = 2;
        while self.taken.contains(&name) {
            name = format!("{base} {n}");
            n += 1;
        }
        self.taken.insert(name.clone());
        name
    }

    fn feature_title(&mut self) -> String {
        let d = *DELIVERABLES
            .choose(&mut self.rng)
            .unwrap_or(&"Usage report");
        let t = *THINGS.choose(&mut self.rng).unwrap_or(&"alerting");
        format!("{d} for {t}")
    }

    fn title(&mut self) -> String {
        let v = *VERBS.choose(&mut self.rng).unwrap_or(&"Enable");
        let t = *THINGS.choose(&mut self.rng).unwrap_or(&"alerting");
        format!("{v} {t}")
    }

    fn program_objectives(&mut self, art: i64, release: i64, count: usize) -> Vec<i64> {
        let ty = self.schema.program_objective_type();
        let bv = self.schema.tp.business_value_field.clone();
        (0..count)
            .map(|_| {
                let (name, owner, state) = (self.title(), self.user(), self.state(111));
                let value = self.rng.random_range(3..=10) as f64;
                self.put(&ty, json!({"Name": format!("{name} across the train"), "Description": "<p>Program goal.</p>",
                    "EntityState": state, "Owner": owner, "Release": release, "AgileReleaseTrain": art, bv.clone(): value, "Tags": ""}))
            })
            .collect()
    }

    /// A team objective linked to one of `programs`; a `committed` one is always committed,
    /// the others are with a chance of 70 %.
    fn team_objective(
        &mut self,
        team: i64,
        release: i64,
        programs: &[i64],
        committed: bool,
    ) -> i64 {
        let tp = self.schema.tp.clone();
        let name = self.fresh_name(Self::title);
        let (owner, state) = (self.user(), self.state(101));
        let committed = self.rng.random_bool(0.7) || committed;
        let bv = self.rng.random_range(1..=10) as f64;
        let actual = (state == 105).then(|| (bv - 1.0).max(1.0));
        let program = programs.choose(&mut self.rng).copied();
        let effort = [3.0, 5.0, 8.0, 13.0, 20.0].choose(&mut self.rng).copied();
        self.put(&self.schema.team_objective_type(), json!({
            "Name": name, "Description": format!("<p>{name} for our customers.</p><ul><li>measurable outcome</li></ul>"),
            "EntityState": state, "Effort": effort, "Owner": owner, "Team": team, "Release": release,
            "Tags": "", tp.committed_field: committed, tp.business_value_field: bv,
            tp.actual_business_value_field: actual, tp.objective_program_objective_field: program,
        }))
    }

    fn criteria(&mut self) -> String {
        let n = self.rng.random_range(1..=4);
        let items: String = (0..n)
            .map(|i| format!("<li>{} works end to end ({})</li>", self.title(), i + 1))
            .collect();
        format!("<ul>{items}</ul>")
    }

    /// A feature with Jira custom fields delivering the given objectives.
    pub fn feature(
        &mut self,
        team: i64,
        release: i64,
        art: i64,
        objectives: &[i64],
        jira_key: &str,
        project: &str,
    ) -> i64 {
        let tp = self.schema.tp.clone();
        let name = self.fresh_name(Self::feature_title);
        let (owner, state) = (self.user(), self.state(121));
        let effort = [1.0, 2.0, 3.0, 5.0, 8.0, 13.0]
            .choose(&mut self.rng)
            .copied();
        let criteria = self.criteria();
        self.put("Feature", json!({
            "Name": name, "Description": format!("<p>What this delivers: {name}.</p>"),
            "EntityState": state, "Effort": effort, "Owner": owner, "Team": team, "Release": release,
            "AgileReleaseTrain": art, "Tags": "", tp.feature_objectives_collection: objectives,
            "CustomFields": [
                {"Name": tp.jira_key_field, "Type": "TemplatedURL", "Value": jira_key},
                {"Name": tp.acceptance_criteria_field, "Type": "RichText", "Value": criteria},
                {"Name": "Jira Project", "Type": "Text", "Value": project},
                {"Name": "Jira Priority", "Type": "DropDown", "Value": "Medium"},
                {"Name": "Jira Issue Type", "Type": "Text", "Value": "Epic"},
            ],
        }))
    }

    fn jira_issue(
        &mut self,
        key: String,
        project: &str,
        issue_type: &str,
        summary: &str,
        parent: Option<String>,
        label: &str,
    ) {
        self.jira_next_id += 1;
        let status = STATUSES[self.rng.random_range(0..STATUSES.len())]
            .0
            .to_owned();
        let points =
            (issue_type == "Story").then(|| [1.0, 2.0, 3.0, 5.0, 8.0][self.rng.random_range(0..5)]);
        let who = self.rng.random_range(0..FIRST.len());
        let issue = JiraIssue {
            id: self.jira_next_id.to_string(),
            key: key.clone(),
            project: project.to_owned(),
            issue_type: issue_type.to_owned(),
            summary: summary.to_owned(),
            description: format!("{summary}. Invented demo issue."),
            status_id: status,
            parent,
            labels: vec![label.to_owned()],
            story_points: points,
            assignee: Some((
                format!("5b10ac8d82e05b22cc7d{who:04x}"),
                format!("{} {}", FIRST[who], LAST[who % LAST.len()]),
            )),
            created: SEED_TIME_MS,
            updated: SEED_TIME_MS,
        };
        self.world.jira.issues.insert(key, issue);
    }

    /// An epic for a feature plus 3–8 stories under it.
    fn jira_epic(&mut self, key: &str, project: &str, next: &mut u64, summary: &str, label: &str) {
        self.jira_issue(key.to_owned(), project, "Epic", summary, None, label);
        for _ in 0..self.rng.random_range(3..=8) {
            *next += 1;
            let story = format!("{project}-{next}");
            let title = format!("{} story", self.title());
            self.jira_issue(story, project, "Story", &title, Some(key.to_owned()), label);
        }
    }
}

/// The objectives a demo feature delivers: its own, and for the first feature of every fourth
/// objective of a team and release (the 2nd, 6th, ...) also the team's objective before it.
fn multi_link(objective: i64, previous: Option<i64>, index: usize, feature: usize) -> Vec<i64> {
    match previous {
        Some(p) if index % 4 == 1 && feature == 0 => vec![objective, p],
        _ => vec![objective],
    }
}

fn label(release: &str) -> String {
    release.to_lowercase().replace('/', "-")
}

/// The demo data: 2 ARTs, 10 teams, 3 PIs per ART, ~12 objectives per team and PI, 2–5 features
/// each (with Jira keys and acceptance criteria), program objectives, Jira epics with stories.
pub fn demo(schema: &Schema, seed: u64) -> World {
    let mut b = Builder::new(schema, seed);
    let mut cadence = Vec::new();
    for (a, (art_name, project)) in ARTS.iter().enumerate() {
        let art = b.art(art_name);
        let releases = b.releases(art, 3);
        let teams: Vec<i64> = TEAMS[a * 5..a * 5 + 5]
            .iter()
            .map(|t| b.team(t, art))
            .collect();
        cadence.push((releases.clone(), teams.clone()));
        let mut next_key = 0_u64;
        for (release, rname) in &releases {
            let programs = b.program_objectives(art, *release, 4);
            for team in &teams {
                b.next_plan();
                let mut previous = None;
                for o in 0..b.rng.random_range(10..=14) {
                    let objective = b.team_objective(*team, *release, &programs, o == 0);
                    for i in 0..b.rng.random_range(2..=5) {
                        next_key += 1;
                        let key = format!("{project}-{next_key}");
                        let links = multi_link(objective, previous, o, i);
                        let f = b.feature(*team, *release, art, &links, &key, project);
                        let summary = b
                            .world
                            .tp
                            .get("Feature", f)
                            .and_then(|e| e["Name"].as_str())
                            .unwrap_or_default()
                            .to_owned();
                        b.jira_epic(&key, project, &mut next_key, &summary, &label(rname));
                    }
                    previous = Some(objective);
                }
            }
        }
    }
    // Last, so the ids of everything above stay as they were before teams had iterations.
    for (releases, teams) in cadence {
        b.team_iterations(&releases, &teams);
    }
    b.world
}

/// A data set of the given size in one ART, without Jira issues (fast to build).
pub fn generated(schema: &Schema, seed: u64, spec: GenSpec) -> World {
    let mut b = Builder::new(schema, seed);
    let art = b.art("Generated Train");
    let releases = b.releases(art, spec.releases);
    let teams: Vec<i64> = (0..spec.teams)
        .map(|i| b.team(&format!("Team {:03}", i + 1), art))
        .collect();
    let mut key = 0;
    for (release, _) in &releases {
        let programs = b.program_objectives(art, *release, 3);
        for team in &teams {
            b.next_plan();
            for o in 0..spec.objectives_per_team {
                let objective = b.team_objective(*team, *release, &programs, o == 0);
                for _ in 0..spec.features_per_objective {
                    key += 1;
                    b.feature(
                        *team,
                        *release,
                        art,
                        &[objective],
                        &format!("GEN-{key}"),
                        "GEN",
                    );
                }
            }
        }
    }
    b.world
}

/// Only the fixed base (workflows, custom field definitions, users).
pub fn empty(schema: &Schema, seed: u64) -> World {
    Builder::new(schema, seed).world
}
