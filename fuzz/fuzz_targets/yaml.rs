//! The YAML inputs on arbitrary text: `plancost.yml` and the usage file.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

fn usage_file() -> &'static PathBuf {
    static FILE: OnceLock<PathBuf> = OnceLock::new();
    FILE.get_or_init(|| {
        std::env::temp_dir().join(format!("plancost-fuzz-usage-{}.yml", std::process::id()))
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = plancost::yaml::parse::<plancost::config::Config>(
        std::path::Path::new("plancost.yml"),
        text,
    );
    if std::fs::write(usage_file(), data).is_ok() {
        let _ = plancost::usage::load_file(usage_file());
    }
});
