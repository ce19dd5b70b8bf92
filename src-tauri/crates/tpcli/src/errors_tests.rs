#![allow(clippy::unwrap_used)]

use super::*;

#[test]
fn each_kind_of_error_gets_its_exit_code_and_next_step() {
    let interrupted = anyhow::Error::from(EngineError::InterruptedPush { ops_left: 2 });
    let (code, hint) = triage(&interrupted);
    assert_eq!(code, exit::FINDINGS);
    assert!(hint.unwrap().contains("tpcli plan resume"));
    let unreadable = anyhow::Error::from(EngineError::NoTargetprocessIds);
    let (code, hint) = triage(&unreadable);
    assert_eq!(code, exit::USAGE);
    assert!(hint.unwrap().contains("verify --repair"));
    let auth = anyhow::Error::from(EngineError::Tp(TpError::Auth {
        method: "GET".into(),
        path: "/api/v1/Teams".into(),
        status: 401,
    }));
    assert_eq!(code_of(&auth), "targetprocess_auth");
    assert!(triage(&auth).1.unwrap().contains("tpcli auth login"));
    let other = anyhow::anyhow!("no Targetprocess URL");
    assert_eq!(triage(&other), (exit::USAGE, None));
}

#[test]
fn every_code_is_listed_once_with_a_cause_and_a_fix() {
    let mut seen = std::collections::BTreeSet::new();
    for c in CODES {
        assert!(seen.insert(c.code), "{} is listed twice", c.code);
        assert!(!c.cause.is_empty() && !c.fix.is_empty(), "{}", c.code);
        assert!(EXITS.iter().any(|(e, _, _)| *e == c.exit), "{}", c.code);
    }
    // Codes the mapping returns for a sample of each family are in the list.
    let samples = [
        engine_code(&EngineError::NoWorkingTree),
        engine_code(&EngineError::PlanBusy {
            by: String::new(),
            since: String::new(),
            until: String::new(),
        }),
        tp_code(&TpError::UnknownState {
            entity_type: String::new(),
            name: String::new(),
        }),
        "other",
    ];
    for s in samples {
        assert!(find(s).is_some(), "{s} is not in CODES");
    }
}

#[test]
fn every_exit_code_of_the_help_is_in_the_reference() {
    for (code, _, _) in EXITS {
        assert!(crate::EXIT_CODES.contains(&format!("  {code}  ")), "{code}");
    }
}

/// docs/operations/troubleshooting.md is exactly what [`troubleshooting`] makes of the lists:
/// a code added, removed or reworded here fails until the doc is regenerated.
#[test]
fn troubleshooting_reference_matches_the_codes() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../docs/operations/troubleshooting.md");
    let want = troubleshooting();
    if std::env::var_os("PI_PLANNER_WRITE_DOCS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "docs/operations/troubleshooting.md differs from tpcli's error codes: run PI_PLANNER_WRITE_DOCS=1 cargo test -p tpcli troubleshooting"
    );
    for c in CODES {
        assert!(
            have.contains(&format!("| `{}` | {} |", c.code, c.exit)),
            "{}",
            c.code
        );
    }
}
