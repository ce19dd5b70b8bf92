//! Black-box test of `tpcli sim`: spawn the binary on port 0, read the first stdout line, make an
//! authenticated request over loopback, stop it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

fn http_get(base: &str, path: &str) -> String {
    let host = base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(host).expect("sim accepts connections");
    let request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).expect("request sent");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("answer read");
    answer
}

#[test]
fn sim_prints_url_and_token_then_serves_authenticated_requests() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tpcli"))
        .args([
            "sim", "--port", "0", "--seed", "3", "--tz", "-0600", "--data", "empty",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("tpcli starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let rest = first.strip_prefix("pi-sim listening on ").expect(&first);
    let (base, token) = rest.split_once(" token=").expect(&first);
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");

    let ok = http_get(
        base,
        &format!("/api/v1/EntityStates?take=1&access_token={token}"),
    );
    assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");
    assert!(ok.contains("\"Items\""), "{ok}");
    assert!(ok.contains("-0600)/"), "{ok}");

    let denied = http_get(base, "/api/v1/EntityStates?take=1");
    assert!(denied.starts_with("HTTP/1.1 401"), "{denied}");

    child.kill().unwrap();
    child.wait().unwrap();
}
