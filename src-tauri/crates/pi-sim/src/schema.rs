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
    /// Id of the type's `EntityType` (TP numbers entity types).
    pub entity_type_id: i64,
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

fn ty(plural: &str, entity_type_id: i64, fields: Vec<FieldDef>) -> TypeDef {
    let mut all = common();
    all.extend(fields);
    TypeDef {
        resource_type: singular(plural),
        plural: plural.to_owned(),
        entity_type_id,
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

/// Trains, releases and teams.
fn structure_types() -> Vec<TypeDef> {
    use FieldKind::*;
    let art = || f("AgileReleaseTrain", r("AgileReleaseTrain"));
    vec![
        ty(
            "AgileReleaseTrains",
            1001,
            vec![req("Name", Text), f("Description", Html)],
        ),
        ty(
            "Releases",
            1002,
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
            1003,
            vec![
                req("Name", Text),
                f("Abbreviation", Text),
                f("IsActive", Bool),
                f("Owner", r("User")),
                art(),
            ],
        ),
    ]
}

/// Objectives, epics and features, with the configurable names.
fn planning_types(tp: &TpSchema) -> Vec<TypeDef> {
    use FieldKind::*;
    let art = || f("AgileReleaseTrain", r("AgileReleaseTrain"));
    let team_objective = work(vec![
        req("Team", r("Team")),
        req("Release", r("Release")),
        f(&tp.committed_field, Bool),
        f(&tp.business_value_field, Number),
        f(&tp.actual_business_value_field, Number),
        f(
            &tp.objective_program_objective_field,
            r(&singular(&tp.program_objective_resource)),
        ),
    ]);
    let program_objective = work(vec![
        req("Release", r("Release")),
        art(),
        f(&tp.business_value_field, Number),
    ]);
    let feature = work(vec![
        f("Team", r("Team")),
        f("Release", r("Release")),
        art(),
        f("Epic", r("Epic")),
        f(
            &tp.feature_objectives_collection,
            Collection(singular(&tp.team_objective_resource)),
        ),
        f("CustomFields", CustomFields),
    ]);
    vec![
        ty(&tp.team_objective_resource, 1004, team_objective),
        ty(&tp.program_objective_resource, 1005, program_objective),
        ty(
            "Epics",
            27,
            work(vec![art(), f("CustomFields", CustomFields)]),
        ),
        ty("Features", 9, feature),
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
        ty("EntityStates", 1006, states),
        ty("Users", 1007, users),
        ty("CustomFields", 1008, defs),
    ]
    .into_iter()
    .map(|t| TypeDef {
        read_only: true,
        ..t
    })
    .collect()
}

impl Schema {
    pub fn new(tp: TpSchema) -> Self {
        let mut types = structure_types();
        types.extend(planning_types(&tp));
        types.extend(reference_types());
        Self { tp, types }
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
