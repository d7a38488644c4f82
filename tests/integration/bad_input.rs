//! The bad-input corpus (fixtures/bad/): every case exits with code 2 and a message that names
//! the file and where in it the problem is, and none panics or hangs.
//!
//! A case's folder says how it is fed to plancost (`plan/`: `breakdown FILE`; `usage/`: a usage
//! file beside a good plan). `NAME.expect` lists substrings the message must contain; without
//! one, the message must carry a `:line:column:` position.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::harness::*;

/// Far above the second a case may take: only a guard against a hang stopping the suite.
const HANG_GUARD: Duration = Duration::from_secs(20);

fn run_case(args: &[&str]) -> (Option<i32>, String) {
    let mut child = plancost()
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            use std::io::Read;
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            return (status.code(), err);
        }
        if started.elapsed() > HANG_GUARD {
            let _ = child.kill();
            panic!("{args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn has_position(message: &str) -> bool {
    // `file:LINE:COL:`
    message.split(':').collect::<Vec<_>>().windows(3).any(|w| {
        !w[0].is_empty()
            && w[0].bytes().all(|b| b.is_ascii_digit())
            && !w[1].is_empty()
            && w[1].bytes().all(|b| b.is_ascii_digit())
    })
}

fn check_case(path: &Path, args: &[&str]) {
    let name = path.file_name().unwrap().to_str().unwrap();
    let (code, err) = run_case(args);
    assert_eq!(code, Some(2), "{name}: exit {code:?}: {err}");
    assert!(!err.contains("panicked"), "{name}: {err}");
    assert!(
        err.contains(name),
        "{name}: the message does not name the file: {err}"
    );
    let expect = path.with_extension("expect");
    match std::fs::read_to_string(&expect) {
        Ok(text) => {
            for want in text.lines().filter(|l| !l.is_empty()) {
                assert!(err.contains(want), "{name}: message lacks {want:?}: {err}");
            }
        }
        Err(_) => assert!(has_position(&err), "{name}: no line:column in {err}"),
    }
}

fn cases(dir: &str, ext: &str) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(fixture(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    files.sort();
    files
}

#[test]
fn bad_plans() {
    let files = cases("bad/plan", "json");
    assert!(files.len() >= 40, "only {} plan cases", files.len());
    for path in files {
        check_case(&path, &["breakdown", path.to_str().unwrap()]);
    }
}

#[test]
fn bad_usage_files() {
    let plan = fixture("tf/instances/plan.json");
    let files = cases("bad/usage", "yml");
    assert!(files.len() >= 10, "only {} usage cases", files.len());
    for path in files {
        check_case(
            &path,
            &[
                "breakdown",
                plan.to_str().unwrap(),
                "--usage-file",
                path.to_str().unwrap(),
            ],
        );
    }
}

#[test]
fn a_missing_file_is_an_input_error() {
    let (code, err) = run_case(&["breakdown", "fixtures/bad/does-not-exist.json"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("does-not-exist.json"));
}
