//! The plan/state loader on arbitrary bytes: an error or resources, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = plancost::terraform::LoadOptions {
        env_region: Some("us-east-1".into()),
        ..Default::default()
    };
    let _ =
        plancost::terraform::plan::load_bytes(data, std::path::Path::new("plan.json"), &options);
});
