//! Feeds arbitrary bytes (as lossy UTF-8) to `pi_format::parse`: it must never panic, and a
//! plan it accepts must, once normalized, render and parse back to the same plan.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(parsed) = pi_format::parse(&text) {
        let mut plan = parsed.plan;
        pi_format::normalize(&mut plan);
        let again = pi_format::parse(&pi_format::render(&plan));
        assert_eq!(again.map(|p| p.plan).ok(), Some(plan));
    }
});
