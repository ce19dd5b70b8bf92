//! The check of the TP JSON → plan fuzz target, shared with the seeded corpus replay that runs
//! on stable in the test suite (`tests/tests/tp_json_replay.rs` in pi-scenarios).
//!
//! One input is up to five Targetprocess answers separated by `0xFF` bytes (never part of UTF-8
//! JSON): the `TeamPIObjectives`, `Features` and `ProgramPIObjectives` collection pages, then
//! the `Releases/{id}` and `Teams/{id}` entities. They go through the client's real wire → model
//! mapping and inbound boundary (`pi_targetprocess::plan_from_answers`); the plan must then
//! render and parse back to itself, as the engine reads back every snapshot it commits.

/// Separates the answers of one input.
pub const SEPARATOR: u8 = 0xFF;

/// Maps one input to a plan, renders and parses it. Panics when the mapping panics, when the
/// rendered plan does not parse, or when it parses to another plan.
pub fn check(data: &[u8]) {
    let answers: Vec<&[u8]> = data.split(|b| *b == SEPARATOR).take(5).collect();
    let schema = pi_model::TpSchema::default();
    let Ok(remote) = pi_targetprocess::plan_from_answers(&schema, &answers) else {
        return;
    };
    let plan = remote.plan;
    let text = pi_format::render(&plan);
    match pi_format::parse(&text) {
        Ok(parsed) => assert!(
            parsed.plan == plan,
            "the plan read back differs from the plan rendered:\n{text}"
        ),
        Err(e) => panic!("the rendered plan does not parse: {e}\n{text}"),
    }
}
