use super::*;
use reqwest::header::HeaderValue;

fn now() -> SystemTime {
    parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap()
}

fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (k, v) in pairs {
        h.insert(*k, HeaderValue::from_str(v).unwrap());
    }
    h
}

#[test]
fn seconds_and_dates() {
    let now = now();
    assert_eq!(parse_retry_after("2", now), Some(Duration::from_secs(2)));
    assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
    assert_eq!(
        parse_retry_after("1.5", now),
        Some(Duration::from_millis(1500))
    );
    assert_eq!(
        parse_retry_after("Sun, 06 Nov 1994 08:49:40 GMT", now),
        Some(Duration::from_secs(3))
    );
    assert_eq!(
        parse_retry_after("Sun, 06 Nov 1994 08:40:00 GMT", now),
        Some(Duration::ZERO)
    );
    assert_eq!(parse_retry_after("soon", now), None);
}

#[test]
fn absurd_values_are_capped_not_a_panic() {
    let now = now();
    for huge in [
        "1e30",
        "99999999999999999999999999999999",
        "18446744073709551616",
        "Fri, 31 Dec 9999 23:59:59 GMT",
    ] {
        assert_eq!(
            parse_retry_after(huge, now),
            Some(MAX_SERVER_WAIT),
            "{huge}"
        );
    }
    assert_eq!(parse_reset("9999-12-31T23:59Z", now), Some(MAX_SERVER_WAIT));
    assert_eq!(parse_reset("99999999999", now), Some(MAX_SERVER_WAIT));
}

#[test]
fn negative_nan_and_infinite_values_are_ignored() {
    let now = now();
    for bad in [
        "-1", "-0.5", "NaN", "nan", "inf", "+inf", "-inf", "infinity", "1e999",
    ] {
        // `1e999` parses as infinity: not finite, so ignored like `inf`.
        assert_eq!(parse_retry_after(bad, now), None, "{bad}");
    }
    assert_eq!(parse_reset("-5", now), None);
}

#[test]
fn reset_headers_in_every_form() {
    let date = "Tue, 24 Nov 2026 10:04:00 GMT";
    let now = parse_http_date(date).unwrap();
    assert_eq!(
        parse_reset("2026-11-24T10:05Z", now),
        Some(Duration::from_secs(60))
    );
    assert_eq!(
        parse_reset("2026-11-24T10:04:30Z", now),
        Some(Duration::from_secs(30))
    );
    let epoch = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 7;
    assert_eq!(
        parse_reset(&epoch.to_string(), now),
        Some(Duration::from_secs(7))
    );
    assert_eq!(parse_reset("12", now), Some(Duration::from_secs(12)));
}

#[test]
fn retry_after_beats_reset_header_which_counts_only_for_a_429() {
    let date = "Tue, 24 Nov 2026 10:04:00 GMT";
    let h = headers(&[
        ("date", date),
        ("retry-after", "3"),
        ("x-ratelimit-reset", "2026-11-24T10:05Z"),
    ]);
    assert_eq!(server_wait(&h, 429), Some(Duration::from_secs(3)));
    let h = headers(&[("date", date), ("x-ratelimit-reset", "2026-11-24T10:05Z")]);
    assert_eq!(server_wait(&h, 429), Some(Duration::from_secs(60)));
    assert_eq!(server_wait(&h, 503), None);
    let h = headers(&[
        ("date", date),
        ("retry-after", "Tue, 24 Nov 2026 10:04:05 GMT"),
    ]);
    assert_eq!(server_wait(&h, 503), Some(Duration::from_secs(5)));
    assert_eq!(
        server_wait(&headers(&[("retry-after", "later")]), 429),
        None
    );
}

#[test]
fn a_403_waits_for_the_reset_only_when_the_quota_is_spent() {
    let date = "Tue, 24 Nov 2026 10:04:00 GMT";
    let reset = "1795514700"; // 2026-11-24T10:05:00Z in epoch seconds
    let spent = headers(&[
        ("date", date),
        ("x-ratelimit-remaining", "0"),
        ("x-ratelimit-reset", reset),
    ]);
    assert_eq!(server_wait(&spent, 403), Some(Duration::from_secs(60)));
    let left = headers(&[
        ("date", date),
        ("x-ratelimit-remaining", "12"),
        ("x-ratelimit-reset", reset),
    ]);
    assert_eq!(server_wait(&left, 403), None);
}
