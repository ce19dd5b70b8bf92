//! The simulated Targetprocess data model: resource types, their fields and the kind of each
//! field. Names that differ between TP accounts come from [`pi_model::TpSchema`].
//!
//! This is a description only; values live in the store and rendering lives in `render`.

use pi_model::TpSchema;

/// What a field holds. Stored values: `Ref` as an id (or null), `Collection` as an id array,
/// `Date` as epoch milliseconds, `CustomFields` as `[{Name, Type, Value}]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldKind {
    Int,
    Text,
    /// HTML text (descriptions).
    Html,
    Number,
    Bool,
    Date,
    /// Reference to one entity of the named resource type (singular, e.g. `Team`).
    Ref(String),
    /// Many-to-many collection of entities of the named resource type.
    Collection(String),
    CustomFields,
    /// Embedded JSON object kept as is (e.g. `EntityType` on a state).
    Object,
}

#[derive(Clone, Debug)]
pub struct FieldDef {
    pub name: String,
    pub kind: FieldKind,
    pub required: bool,
    pub read_only: bool,
}

#[derive(Clone, Debug)]
pub struct TypeDef {
    /// Singular name, the `ResourceType` value (e.g. `Feature`).
    pub resource_type: String,
    /// Plural, canonical path segment (e.g. `Features`).
    pub plural: String,
    pub fields: Vec<FieldDef>,
    /// Types whose entities cannot be written through the API (states, users, definitions).
    pub read_only: bool,
}

impl TypeDef {
    pub fn field(&self, name: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.name == name)
    }

    pub fn has_workflow(&self) -> bool {
        self.field("EntityState").is_some()
    }
}

/// Every resource type the simulator serves.
#[derive(Clone, Debug)]
pub struct Schema {
    pub tp: TpSchema,
    pub types: Vec<TypeDef>,
    /// The account profile served (names, workflows, page size).
    pub profile: crate::profile::Profile,
}

/// `Teams` → `Team`, `AgileReleaseTrains` → `AgileReleaseTrain`, `Stories` → `Story`.
pub fn singular(plural: &str) -> String {
    if let Some(stem) = plural.strip_suffix("ies") {
        format!("{stem}y")
    } else {
        plural.strip_suffix('s').unwrap_or(plural).to_owned()
    }
}

fn f(name: &str, kind: FieldKind) -> FieldDef {
    FieldDef {
        name: name.to_owned(),
        kind,
        required: false,
        read_only: false,
    }
}

fn req(name: &str, kind: FieldKind) -> FieldDef {
    FieldDef {
        required: true,
        ..f(name, kind)
    }
}

fn r(target: &str) -> FieldKind {
    FieldKind::Ref(target.to_owned())
}

/// Fields every type has: `Id`, `CreateDate`, `ModifyDate`, `EntityVersion` (all read-only).
fn common() -> Vec<FieldDef> {
    ["Id", "EntityVersion"]
        .iter()
        .map(|n| FieldDef {
            read_only: true,
            ..f(n, FieldKind::Int)
        })
        .chain(["CreateDate", "ModifyDate"].iter().map(|n| FieldDef {
            read_only: true,
            ..f(n, FieldKind::Date)
        }))
        .collect()
}

fn ty(plural: &str, fields: Vec<FieldDef>) -> TypeDef {
    let mut all = common();
    all.extend(fields);
    TypeDef {
        resource_type: singular(plural),
        plural: plural.to_owned(),
        fields: all,
        read_only: false,
    }
}

/// Fields every work item has (objectives, epics, features); `Tags` is a comma-separated string,
/// `LastEditor` the user of the latest write (read-only).
fn work(extra: Vec<FieldDef>) -> Vec<FieldDef> {
    use FieldKind::*;
    let mut v = vec![
        req("Name", Text),
        f("Description", Html),
        f("EntityState", r("EntityState")),
        f("Effort", Number),
        f("Owner", r("User")),
        FieldDef {
            read_only: true,
            ..f(crate::editor::LAST_EDITOR, r("User"))
        },
        f("StartDate", Date),
        f("EndDate", Date),
        f("Tags", Text),
    ];
    v.extend(extra);
    v
}

/// Trains, releases, teams and the teams' iterations (sprints) in a release.
fn structure_types() -> Vec<TypeDef> {
    use FieldKind::*;
    let art = || f("AgileReleaseTrain", r("AgileReleaseTrain"));
    vec![
        ty(
            "AgileReleaseTrains",
            vec![req("Name", Text), f("Description", Html)],
        ),
        ty(
            "Releases",
            vec![
                req("Name", Text),
                f("StartDate", Date),
                f("EndDate", Date),
                f("IsCurrent", Bool),
                art(),
            ],
        ),
        ty(
            "Teams",
            vec![
                req("Name", Text),
                f("Abbreviation", Text),
                f("IsActive", Bool),
                f("Owner", r("User")),
                art(),
            ],
        ),
        ty(
            "TeamIterations",
            vec![
                req("Name", Text),
                req("Team", r("Team")),
                req("Release", r("Release")),
                req("StartDate", Date),
                req("EndDate", Date),
            ],
        ),
    ]
}

/// Top-level fields of the configured names, and `CustomFields` (every TP work item has them;
/// a name of the `CustomFields.Name` form is one of them).
fn configured(fields: &mut Vec<FieldDef>, names: &[(&str, FieldKind)]) {
    for (name, kind) in names {
        if TpSchema::custom_field(name).is_none() {
            fields.push(f(name, kind.clone()));
        }
    }
    fields.push(f("CustomFields", FieldKind::CustomFields));
}

/// Objectives, epics and features, with the configurable names.
fn planning_types(tp: &TpSchema, profile: crate::profile::Profile) -> Vec<TypeDef> {
    use FieldKind::*;
    let art = || f("AgileReleaseTrain", r("AgileReleaseTrain"));
    let mut objective_fields = vec![
        req("Team", r("Team")),
        req("Release", r("Release")),
        f(
            &tp.objective_program_objective_field,
            r(&singular(&tp.program_objective_resource)),
        ),
    ];
    configured(
        &mut objective_fields,
        &[
            (&tp.committed_field, Bool),
            (&tp.business_value_field, Number),
            (&tp.actual_business_value_field, Number),
        ],
    );
    for name in profile.unused_objective_fields() {
        objective_fields.push(f(name, Number));
    }
    let team_objective = work(objective_fields);
    let mut program_fields = vec![req("Release", r("Release")), art()];
    configured(&mut program_fields, &[(&tp.business_value_field, Number)]);
    let program_objective = work(program_fields);
    let objective_type = singular(&tp.team_objective_resource);
    let link = if tp.single_objective_link() {
        r(&objective_type)
    } else {
        Collection(objective_type.clone())
    };
    let mut feature_fields = vec![
        f("Team", r("Team")),
        f("Release", r("Release")),
        art(),
        f("Epic", r("Epic")),
        f(&tp.feature_objectives_collection, link),
        f("CustomFields", CustomFields),
    ];
    for name in profile.unused_feature_collections() {
        feature_fields.push(f(name, Collection(objective_type.clone())));
    }
    let feature = work(feature_fields);
    vec![
        ty(&tp.team_objective_resource, team_objective),
        ty(&tp.program_objective_resource, program_objective),
        ty("Epics", work(vec![art(), f("CustomFields", CustomFields)])),
        ty("Features", feature),
    ]
}

/// States, users and custom field definitions (read-only through the API).
fn reference_types() -> Vec<TypeDef> {
    use FieldKind::*;
    let states = vec![
        f("Name", Text),
        f("NumericPriority", Number),
        f("IsInitial", Bool),
        f("IsFinal", Bool),
        f("IsPlanned", Bool),
        f("EntityType", Object),
    ];
    let users = ["FirstName", "LastName", "FullName", "Email", "Login"]
        .iter()
        .map(|n| f(n, Text))
        .chain([f("IsActive", Bool)])
        .collect();
    let defs = vec![
        f("Name", Text),
        f("FieldType", Text),
        f("EntityType", Object),
        f("Required", Bool),
        f("Value", Text),
    ];
    [
        ty("EntityStates", states),
        ty("Users", users),
        ty("CustomFields", defs),
    ]
    .into_iter()
    .map(|t| TypeDef {
        read_only: true,
        ..t
    })
    .collect()
}

impl Schema {
    #[cfg(test)]
    pub fn new(tp: TpSchema) -> Self {
        Self::with_profile(tp, crate::profile::Profile::Demo)
    }

    /// The types of an account profile with the given names.
    pub fn with_profile(tp: TpSchema, profile: crate::profile::Profile) -> Self {
        let mut types = structure_types();
        types.extend(planning_types(&tp, profile));
        types.extend(reference_types());
        Self { tp, types, profile }
    }

    /// Finds a type by a path segment: singular or plural, any case.
    pub fn resolve(&self, segment: &str) -> Option<&TypeDef> {
        self.types.iter().find(|t| {
            t.plural.eq_ignore_ascii_case(segment) || t.resource_type.eq_ignore_ascii_case(segment)
        })
    }

    /// Finds a type by its exact `ResourceType` (singular).
    pub fn by_type(&self, resource_type: &str) -> Option<&TypeDef> {
        self.types.iter().find(|t| t.resource_type == resource_type)
    }

    pub fn team_objective_type(&self) -> String {
        singular(&self.tp.team_objective_resource)
    }

    pub fn program_objective_type(&self) -> String {
        singular(&self.tp.program_objective_resource)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_singular_and_plural_in_any_case() {
        let s = Schema::new(TpSchema::default());
        for seg in ["Features", "features", "FEATURE", "Feature"] {
            assert_eq!(s.resolve(seg).map(|t| t.plural.as_str()), Some("Features"));
        }
        assert_eq!(
            s.resolve("teampiobjective")
                .map(|t| t.resource_type.as_str()),
            Some("TeamPIObjective")
        );
        assert!(s.resolve("Bugs").is_none());
    }

    #[test]
    fn names_come_from_tp_schema() {
        let tp = TpSchema {
            team_objective_resource: "Objectives".into(),
            objective_program_objective_field: "Parent".into(),
            ..TpSchema::default()
        };
        let s = Schema::new(tp);
        let t = s.resolve("Objectives").expect("configured resource");
        assert_eq!(t.resource_type, "Objective");
        assert_eq!(
            t.field("Parent").map(|f| f.kind.clone()),
            Some(FieldKind::Ref("ProgramPIObjective".into()))
        );
    }

    #[test]
    fn singular_forms() {
        assert_eq!(singular("Stories"), "Story");
        assert_eq!(singular("Releases"), "Release");
        assert_eq!(singular("Epic"), "Epic");
    }
}
