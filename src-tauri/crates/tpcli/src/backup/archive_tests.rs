#![allow(clippy::unwrap_used)]

use super::*;

fn manifest() -> Manifest {
    Manifest {
        format: FORMAT.to_owned(),
        created_at: chrono::Utc::now(),
        head: "pi/plan/r/t".to_owned(),
        origin: None,
        files: BTreeMap::new(),
    }
}

fn sample() -> Vec<u8> {
    let long = format!("local/{}/journal.sqlite", "x".repeat(120));
    let members = vec![
        ("plan.bundle".to_owned(), b"bundle bytes".to_vec()),
        (long, vec![7u8; 1500]),
        ("local/empty".to_owned(), Vec::new()),
    ];
    let mut out = Vec::new();
    write(&mut out, manifest(), &members).unwrap();
    out
}

#[test]
fn members_come_back_as_written_with_their_checksums() {
    let (m, members) = read(&mut sample().as_slice()).unwrap();
    assert_eq!(m.files.len(), 3);
    assert_eq!(members["plan.bundle"], b"bundle bytes");
    assert_eq!(members["local/empty"], b"");
    let long = members.keys().find(|k| k.len() > 100).unwrap();
    assert_eq!(members[long], vec![7u8; 1500]);
}

#[test]
fn a_changed_byte_or_a_cut_is_named_and_nothing_is_returned() {
    let mut bytes = sample();
    let at = bytes
        .windows(12)
        .position(|w| w == b"bundle bytes")
        .unwrap();
    bytes[at] = b'B';
    let e = read(&mut bytes.as_slice()).unwrap_err().to_string();
    assert!(e.contains("plan.bundle: checksum differs"), "{e}");
    let cut = &sample()[..2000];
    let e = format!("{:#}", read(&mut &cut[..]).unwrap_err());
    assert!(e.contains("truncated"), "{e}");
    let e = read(&mut &b"not a tar at all"[..]).unwrap_err().to_string();
    assert!(e.contains("truncated"), "{e}");
}

#[test]
fn unsafe_names_are_refused() {
    for name in ["../x", "/etc/x", "a//b", "a/./b"] {
        let mut out = Vec::new();
        let members = vec![(name.to_owned(), Vec::new())];
        assert!(write(&mut out, manifest(), &members).is_err(), "{name}");
    }
}
