use std::os::unix::fs::PermissionsExt;

use super::*;

const LINK: &str = "pi-planner://open?plan=pi-1-26%2Feclipse&conflict=tp%3A2266";

#[test]
fn a_later_start_hands_its_link_to_the_first_and_is_done() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("run").join("instance.sock");
    let Start::First(listener) = start(&path, None).expect("first start") else {
        panic!("nothing listened yet");
    };
    let mode = |p: &Path| std::fs::metadata(p).expect("exists").permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600, "the socket is the user's only");
    assert_eq!(mode(path.parent().expect("folder")), 0o700);
    let heard = std::thread::spawn(move || {
        let first = listener.accept().expect("accepted");
        let second = listener.accept().expect("accepted");
        (first, second)
    });
    assert!(matches!(
        start(&path, Some(LINK)).expect("handed"),
        Start::HandedOver
    ));
    assert!(matches!(
        start(&path, None).expect("handed"),
        Start::HandedOver
    ));
    let (first, second) = heard.join().expect("listener");
    assert_eq!(first, Some(Handover::Open(LINK.to_owned())));
    assert_eq!(second, Some(Handover::Show));
}

#[test]
fn anything_but_a_handover_line_is_refused_unanswered() {
    use std::os::unix::net::UnixStream;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("instance.sock");
    let Start::First(listener) = start(&path, None).expect("first start") else {
        panic!("nothing listened yet");
    };
    let path2 = path.clone();
    let client = std::thread::spawn(move || {
        let mut s = UnixStream::connect(&path2).expect("connects");
        s.write_all(b"delete everything\n").expect("written");
        let mut answer = String::new();
        let _ = s.read_to_string(&mut answer);
        let mut long = UnixStream::connect(&path2).expect("connects");
        let _ = long.write_all(&vec![b'a'; MAX_LINE + 10]);
        let mut answer2 = String::new();
        let _ = long.read_to_string(&mut answer2);
        (answer, answer2)
    });
    assert_eq!(listener.accept().expect("accepted"), None);
    assert_eq!(listener.accept().expect("accepted"), None);
    let (answer, answer2) = client.join().expect("client");
    assert_eq!((answer.as_str(), answer2.as_str()), ("", ""));
}

#[test]
fn the_socket_goes_with_the_app_and_a_new_start_listens_again() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("instance.sock");
    let Start::First(listener) = start(&path, None).expect("first start") else {
        panic!("nothing listened yet");
    };
    drop(listener);
    assert!(!path.exists());
    assert!(matches!(
        start(&path, Some(LINK)).expect("starts"),
        Start::First(_)
    ));
}
