//! Account profiles: the simulator can be a Targetprocess account shaped like the demo (the
//! default) or like another company's, whose names and habits differ from the demo's where real
//! accounts differ (reference/targetprocess-api.md marks these as unknown and configurable).
//!
//! The `enterprise` account: a feature links to its team objective through the single reference
//! `TeamPIObjective` (its `TeamPIObjectives` collection exists but stays empty, as in accounts
//! that switched), business value and actual business value are custom fields, the workflows
//! have other state names, the Jira key and acceptance criteria live in custom fields named
//! `Jira Link` and `Definition of Done`, and a page holds at most 25 items. The fields it no
//! longer uses are still there, empty: `TeamPIObjectives` on features, `BusinessValue` and
//! `ActualBusinessValue` on team objectives. Its data: one train,
//! two PIs, three teams; "Harbor Ops" has 30 objectives and 50 features in PI-2/27.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

use pi_model::{ObjectiveLink, TpSchema};

use crate::data::{ADMIN_LOGIN, SEED_TIME_MS};
use crate::editor::{Editor, stamp};
use crate::jira::JiraStore;
use crate::schema::Schema;
use crate::store::{Store, World};

/// Which account the simulator is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Profile {
    /// The demo account: the defaults of `[tp]`, the demo workflows, pages up to 1000.
    #[default]
    Demo,
    /// Another company's account (see the module documentation).
    Enterprise,
}

/// Objective workflow of the enterprise account, ids from 101 (as the demo's).
pub const ENTERPRISE_OBJECTIVE_STATES: [&str; 5] =
    ["New", "Planned", "In Progress", "Achieved", "Missed"];
/// Feature and epic workflow of the enterprise account, ids from 121 and 131.
pub const ENTERPRISE_FEATURE_STATES: [&str; 5] =
    ["New", "Planned", "In Progress", "Implemented", "Closed"];

impl Profile {
    /// Every profile, the default first.
    pub const ALL: [Profile; 2] = [Profile::Demo, Profile::Enterprise];

    pub fn name(self) -> &'static str {
        match self {
            Profile::Demo => "demo",
            Profile::Enterprise => "enterprise",
        }
    }

    /// The profile of a name (`demo`, `enterprise`; any case).
    pub fn parse(name: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|p| p.name().eq_ignore_ascii_case(name.trim()))
            .ok_or_else(|| format!("unknown profile '{name}': expected demo or enterprise"))
    }

    /// The names the account uses: what its repository's `[tp]` section must say.
    pub fn tp_schema(self) -> TpSchema {
        match self {
            Profile::Demo => TpSchema::default(),
            Profile::Enterprise => TpSchema {
                feature_objectives_collection: "TeamPIObjective".into(),
                feature_objectives_link: ObjectiveLink::Reference,
                business_value_field: "CustomFields.Business Value".into(),
                actual_business_value_field: "CustomFields.Actual Business Value".into(),
                jira_key_field: "Jira Link".into(),
                acceptance_criteria_field: "Definition of Done".into(),
                ..TpSchema::default()
            },
        }
    }

    /// The `[tp]` section (and `[statuses]`) a repository needs for this account, as TOML.
    pub fn repo_config_toml(self) -> String {
        let tp = toml_section("tp", &self.tp_schema());
        let (objective, feature) = self.states();
        format!(
            "[statuses]\nobjective = {objective:?}\nfeature = {feature:?}\n\n{tp}",
            objective = objective.to_vec(),
            feature = feature.to_vec()
        )
    }

    /// Objective and feature state names, five each.
    pub fn states(self) -> (&'static [&'static str; 5], &'static [&'static str; 5]) {
        match self {
            Profile::Demo => (&crate::data::OBJECTIVE_STATES, &crate::data::FEATURE_STATES),
            Profile::Enterprise => (&ENTERPRISE_OBJECTIVE_STATES, &ENTERPRISE_FEATURE_STATES),
        }
    }

    /// The largest page the account answers (`take` above it is cut to it).
    pub fn max_take(self) -> usize {
        match self {
            Profile::Demo => crate::query::MAX_TAKE,
            Profile::Enterprise => 25,
        }
    }

    /// Number fields a team objective has besides the configured ones (the enterprise
    /// account's `BusinessValue` and `ActualBusinessValue`, left empty since it moved business
    /// value to custom fields).
    pub(crate) fn unused_objective_fields(self) -> &'static [&'static str] {
        match self {
            Profile::Demo => &[],
            Profile::Enterprise => &["BusinessValue", "ActualBusinessValue"],
        }
    }

    /// Collections a feature has besides the configured link (the enterprise account's unused
    /// `TeamPIObjectives`).
    pub(crate) fn unused_feature_collections(self) -> &'static [&'static str] {
        match self {
            Profile::Demo => &[],
            Profile::Enterprise => &["TeamPIObjectives"],
        }
    }
}

fn toml_section(name: &str, tp: &TpSchema) -> String {
    let value = toml_value(tp);
    let mut out = format!("[{name}]\n");
    if let Some(map) = value.as_object() {
        for (k, v) in map {
            out.push_str(&format!("{k} = {v}\n"));
        }
    }
    out
}

fn toml_value(tp: &TpSchema) -> Value {
    serde_json::to_value(tp).unwrap_or(Value::Null)
}

const USERS: [(&str, &str); 8] = [
    ("Sim", "Admin"),
    ("Mira", "Ostrava"),
    ("Halvard", "Brenning"),
    ("Oona", "Kettleby"),
    ("Pascale", "Durand-Vey"),
    ("Ingrid", "Solheim"),
    ("Tomas", "Varga"),
    ("Yusra", "Haddad"),
];
const TEAMS: [&str; 3] = ["Harbor Ops", "Dockside", "Tidewater"];
const RELEASES: [&str; 2] = ["PI-1/27", "PI-2/27"];
/// 2026-12-28T00:00:00Z.
const FIRST_PI_MS: i64 = 1_798_416_000_000;
const PI_MS: i64 = 10 * 7 * 24 * 3_600_000;
const GOALS: [&str; 10] = [
    "Berth scheduling",
    "Crane telemetry",
    "Customs pre-clearance",
    "Yard capacity view",
    "Pilot booking",
    "Reefer monitoring",
    "Gate automation",
    "Tide window alerts",
    "Vessel ETA sharing",
    "Hazmat declarations",
];

/// Builds the enterprise account's data.
struct Seeder<'a> {
    rng: ChaCha8Rng,
    schema: &'a Schema,
    world: World,
    users: Vec<i64>,
    jira: u32,
}

/// The enterprise account's data.
pub(crate) fn enterprise(schema: &Schema, seed: u64) -> World {
    let mut s = Seeder {
        rng: ChaCha8Rng::seed_from_u64(seed),
        schema,
        world: World {
            tp: Store::new(1000),
            jira: JiraStore::default(),
        },
        users: Vec::new(),
        jira: 0,
    };
    s.base();
    let art = s.put(
        "AgileReleaseTrain",
        json!({"Name": "Harbor Operations", "Description": "<p>Port operations train.</p>"}),
    );
    for (i, name) in RELEASES.iter().enumerate() {
        let start = FIRST_PI_MS + i as i64 * PI_MS;
        let release = s.put(
            "Release",
            json!({"Name": name, "StartDate": start,
            "EndDate": start + PI_MS - 1000, "IsCurrent": i == 1, "AgileReleaseTrain": art}),
        );
        let program = s.put(
            &schema.program_objective_type(),
            json!({"Name": format!("{name}: faster port calls"),
            "Description": "<p>Train goal.</p>", "EntityState": 111, "Release": release,
            "AgileReleaseTrain": art, "Tags": ""}),
        );
        for (t, team_name) in TEAMS.iter().enumerate() {
            let team = s.team(team_name, art, i == 0);
            let (objectives, features) = if t == 0 && i == 1 { (30, 50) } else { (6, 9) };
            s.plan(team, release, art, program, objectives, features);
        }
    }
    s.world
}

impl Seeder<'_> {
    fn put(&mut self, ty: &str, fields: Value) -> i64 {
        let mut fields = fields.as_object().cloned().unwrap_or_default();
        if let Some(def) = self.schema.by_type(ty).filter(|_| self.users.len() > 1) {
            let who = self.users[self.rng.random_range(1..self.users.len())];
            stamp(def, &mut fields, Editor(Some(who)));
        }
        self.world.tp.insert(ty, fields, SEED_TIME_MS)
    }

    fn base(&mut self) {
        let (objective, feature) = Profile::Enterprise.states();
        let team_obj = self.schema.team_objective_type();
        let prog_obj = self.schema.program_objective_type();
        self.workflow(&team_obj, 101, objective, 1004);
        self.workflow(&prog_obj, 111, objective, 1005);
        self.workflow("Feature", 121, feature, 9);
        self.workflow("Epic", 131, feature, 27);
        self.world.tp.next_id = 1000;
        self.custom_field_defs();
        for (first, last) in USERS {
            let login = if first == "Sim" {
                ADMIN_LOGIN.to_owned()
            } else {
                format!("{}.{}", first, last).to_lowercase()
            };
            let id = self.put(
                "User",
                json!({"FirstName": first, "LastName": last, "FullName": format!("{first} {last}"),
                "Email": format!("{login}@example.com"), "Login": login, "IsActive": true}),
            );
            self.users.push(id);
        }
    }

    fn workflow(&mut self, ty: &str, first_id: i64, names: &[&str; 5], type_id: i64) {
        for (i, name) in names.iter().enumerate() {
            self.world.tp.next_id = first_id + i as i64;
            let fields = json!({"Name": name, "NumericPriority": (i + 1) as f64, "IsInitial": i == 0,
                "IsFinal": i >= 3, "IsPlanned": i >= 1, "EntityType": {"Id": type_id, "Name": ty}});
            let fields = fields.as_object().cloned().unwrap_or_default();
            self.world.tp.insert("EntityState", fields, SEED_TIME_MS);
        }
    }

    fn custom_field_defs(&mut self) {
        let tp = &self.schema.tp;
        let custom = |name: &str| TpSchema::custom_field(name).unwrap_or(name).to_owned();
        let objective = self.schema.team_objective_type();
        let defs = [
            (
                custom(&tp.business_value_field),
                "Number",
                objective.clone(),
                1004,
            ),
            (
                custom(&tp.actual_business_value_field),
                "Number",
                objective,
                1004,
            ),
            (
                tp.jira_key_field.clone(),
                "TemplatedURL",
                "Feature".to_owned(),
                9,
            ),
            (
                tp.acceptance_criteria_field.clone(),
                "RichText",
                "Feature".to_owned(),
                9,
            ),
            ("Risk".to_owned(), "DropDown", "Feature".to_owned(), 9),
        ];
        for (name, kind, ty, type_id) in defs {
            self.put(
                "CustomField",
                json!({"Name": name, "FieldType": kind, "Required": false,
                "Value": "", "EntityType": {"Id": type_id, "Name": ty}}),
            );
        }
    }

    fn user(&mut self) -> i64 {
        self.users[self.rng.random_range(1..self.users.len())]
    }

    fn team(&mut self, name: &str, art: i64, create: bool) -> i64 {
        if !create {
            return self
                .world
                .tp
                .all("Team")
                .find(|(_, t)| t.get("Name").and_then(Value::as_str) == Some(name))
                .map_or(0, |(id, _)| *id);
        }
        let owner = self.user();
        self.put(
            "Team",
            json!({"Name": name, "Abbreviation": name.chars().take(3).collect::<String>(),
            "IsActive": true, "Owner": owner, "AgileReleaseTrain": art}),
        )
    }

    /// `objectives` team objectives and `features` features spread over them.
    fn plan(
        &mut self,
        team: i64,
        release: i64,
        art: i64,
        program: i64,
        objectives: usize,
        features: usize,
    ) {
        let ids: Vec<i64> = (0..objectives)
            .map(|n| self.objective(team, release, program, n))
            .collect();
        for n in 0..features {
            let objective = ids[n % ids.len()];
            self.feature(team, release, art, objective, n);
        }
    }

    fn objective(&mut self, team: i64, release: i64, program: i64, n: usize) -> i64 {
        let tp = self.schema.tp.clone();
        let goal = GOALS[n % GOALS.len()];
        let name = format!("{goal} {}", n / GOALS.len() + 1);
        let state = 101 + self.rng.random_range(0..5);
        let value = self.rng.random_range(1..=10);
        let custom = |k: &str| TpSchema::custom_field(k).unwrap_or(k).to_owned();
        let owner = self.user();
        self.put(&self.schema.team_objective_type(), json!({
            "Name": name, "Description": format!("<p>{goal} for <b>{}</b> call planning.</p>", n + 1),
            "EntityState": state, "Effort": 5.0, "Owner": owner, "Team": team, "Release": release,
            "Tags": "", tp.committed_field: n % 3 != 2, tp.objective_program_objective_field: program,
            "CustomFields": [
                {"Name": custom(&tp.business_value_field), "Type": "Number", "Value": value},
                {"Name": custom(&tp.actual_business_value_field), "Type": "Number", "Value": null},
            ],
        }))
    }

    fn feature(&mut self, team: i64, release: i64, art: i64, objective: i64, n: usize) -> i64 {
        let tp = self.schema.tp.clone();
        self.jira += 1;
        let key = format!("HBR-{}", 400 + self.jira);
        let state = 121 + self.rng.random_range(0..5);
        let owner = self.user();
        self.put("Feature", json!({
            "Name": format!("Port call step {}", n + 1),
            "Description": format!("<p>Delivers step {} of the port call.</p>", n + 1),
            "EntityState": state, "Effort": 3.0, "Owner": owner, "Team": team, "Release": release,
            "AgileReleaseTrain": art, "Tags": "", tp.feature_objectives_collection: objective,
            "TeamPIObjectives": [],
            "CustomFields": [
                {"Name": tp.jira_key_field, "Type": "TemplatedURL", "Value": key},
                {"Name": tp.acceptance_criteria_field, "Type": "RichText",
                 "Value": "<ul><li><p>Works for one vessel</p></li><li><p>Works at night</p></li></ul>"},
                {"Name": "Risk", "Type": "DropDown", "Value": "Low"},
            ],
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_parse_by_name_and_say_their_tp_section() {
        assert_eq!(Profile::parse("Enterprise"), Ok(Profile::Enterprise));
        assert!(
            Profile::parse("acme")
                .unwrap_err()
                .contains("demo or enterprise")
        );
        let toml = Profile::Enterprise.repo_config_toml();
        let config = pi_model::RepoConfig::from_toml_str(&toml).expect("a valid pi-planner.toml");
        assert_eq!(config.tp, Profile::Enterprise.tp_schema());
        assert!(
            toml.contains(
                r#"feature = ["New", "Planned", "In Progress", "Implemented", "Closed"]"#
            ),
            "{toml}"
        );
        assert_eq!(Profile::Demo.tp_schema(), TpSchema::default());
    }

    #[test]
    fn harbor_ops_has_thirty_objectives_and_fifty_features_in_pi_2_27() {
        let schema = Schema::with_profile(Profile::Enterprise.tp_schema(), Profile::Enterprise);
        let world = enterprise(&schema, 42);
        let find = |ty: &str, name: &str| {
            world
                .tp
                .all(ty)
                .find(|(_, e)| e["Name"] == name)
                .map(|(id, _)| *id)
        };
        let (team, release) = (find("Team", "Harbor Ops"), find("Release", "PI-2/27"));
        let objectives: Vec<i64> = world
            .tp
            .all("TeamPIObjective")
            .filter(|(_, o)| o["Team"].as_i64() == team && o["Release"].as_i64() == release)
            .map(|(id, _)| *id)
            .collect();
        assert_eq!(objectives.len(), 30);
        let features = world
            .tp
            .all("Feature")
            .filter(|(_, f)| {
                f["TeamPIObjective"]
                    .as_i64()
                    .is_some_and(|o| objectives.contains(&o))
            })
            .count();
        assert_eq!(features, 50);
    }
}
