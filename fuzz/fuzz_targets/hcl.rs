//! HCL mode on a directory holding one arbitrary `main.tf`: parse, evaluate, never panic.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

fn dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("plancost-fuzz-hcl-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    let dir = dir();
    if std::fs::write(dir.join("main.tf"), data).is_err() {
        return;
    }
    let load = plancost::terraform::LoadOptions {
        env_region: Some("us-east-1".into()),
        ..Default::default()
    };
    let options = plancost::terraform::hcl::HclOptions {
        repo_root: Some(dir.clone()),
        ..Default::default()
    };
    let _ = plancost::terraform::hcl::load_dir(dir, &load, &options);
});
