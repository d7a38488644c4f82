//! The streaming offer-file reader (JSON, gzipped or not) on arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let keep = |_: &str, _: Option<&str>, _: &std::collections::BTreeMap<String, String>| true;
    let _ = plancost::pricing::offer::read_offer(data, Some("us-east-1"), &keep);
});
