use super::*;
use proptest::prelude::*;

#[test]
fn renders_trailers_after_body() {
    let msg = CommitMessage::new("Sync from Targetprocess")
        .with_body("3 objectives changed.")
        .with_trailers(
            Trailers::new()
                .with_source(Source::Targetprocess)
                .with_tp_editor("Jane Doe")
                .with_op("op-0042"),
        );
    insta::assert_snapshot!(msg.render(), @r"
    Sync from Targetprocess

    3 objectives changed.

    Pi-Source: targetprocess
    Tp-Editor: Jane Doe
    Pi-Op: op-0042
    ");
}

#[test]
fn parses_trailers_back() {
    let text = "Plan edit\n\nBody line\n\nPi-Source: local\nPi-Op: op-7\n";
    let msg = CommitMessage::parse(text);
    assert_eq!(msg.subject, "Plan edit");
    assert_eq!(msg.body, "Body line");
    assert_eq!(msg.trailers.source(), Some(Source::Local));
    assert_eq!(msg.trailers.op(), Some("op-7"));
    assert_eq!(msg.trailers.tp_editor(), None);
}

#[test]
fn prose_last_paragraph_is_not_trailers() {
    let msg = CommitMessage::parse("Subject\n\nJust a sentence, no trailers here.\n");
    assert!(msg.trailers.is_empty());
    assert_eq!(msg.body, "Just a sentence, no trailers here.");
}

#[test]
fn values_are_single_line() {
    let t = Trailers::new().with("Tp-Editor", "Jane\nDoe");
    assert_eq!(t.tp_editor(), Some("Jane Doe"));
    let rendered = CommitMessage::new("s").with_trailers(t).render();
    assert_eq!(Trailers::parse(&rendered).tp_editor(), Some("Jane Doe"));
}

#[test]
fn unknown_source_is_none() {
    let t = Trailers::new().with(keys::SOURCE, "carrier-pigeon");
    assert_eq!(t.source(), None);
    assert_eq!(t.get("pi-source"), Some("carrier-pigeon"));
}

proptest! {
    #[test]
    fn trailers_round_trip(
        subject in "[A-Za-z][A-Za-z0-9 ,.]{0,29}",
        editor in "[A-Za-z][A-Za-z .'-]{0,20}",
        op in "[a-z0-9-]{1,12}",
        source in prop_oneof![Just(Source::Targetprocess), Just(Source::Local), Just(Source::AutoSync)],
    ) {
        let msg = CommitMessage::new(subject.trim())
            .with_trailers(Trailers::new().with_source(source).with_tp_editor(&editor).with_op(&op));
        let back = CommitMessage::parse(&msg.render());
        prop_assert_eq!(back.trailers.source(), Some(source));
        prop_assert_eq!(back.trailers.tp_editor(), Some(editor.trim()));
        prop_assert_eq!(back.trailers.op(), Some(op.as_str()));
        prop_assert_eq!(back.subject, subject.trim());
    }
}
