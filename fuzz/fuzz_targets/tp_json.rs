//! Feeds arbitrary bytes as Targetprocess answers (see `src/tp_json.rs`) through the client's
//! wire → plan mapping and inbound boundary, then render → parse: no panic, and the plan reads
//! back as it was rendered. Seeds: `fuzz/corpus/tp_json/`.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../src/tp_json.rs"]
mod tp_json;

fuzz_target!(|data: &[u8]| tp_json::check(data));
