//! The bad-input corpus (fixtures/bad/): every case exits with code 2 and a message that names
//! the file and where in it the problem is, and none panics, hangs or runs out of memory (each
//! case runs with its address space capped at 2 GiB, so a case that tries to allocate without
//! bound fails with an allocation error instead of passing slowly).
//!
//! A case's folder says how it is fed to plancost:
//! - `plan/` (scripts/make-bad-plans.py): `breakdown FILE`;
//! - `usage/`: a usage file beside a good plan;
//! - `config/`: `check --config FILE`;
//! - `hcl/CASE/`: `breakdown DIR`, a directory of Terraform; plus symbolic-link cases made here
//!   at run time (a link loop in the repository would trip every tool that walks it);
//! - `offer/`: `prices import FILE --out TMP`. A price file given on the command line is input
//!   like any other: exit 2, with the byte offset of the problem (offer files are read as a
//!   stream, often gzipped, where lines mean little). Exit 3 is for price data plancost looks
//!   for itself (the cache, the network) and cannot use;
//! - `report/`: `merge FILE` and `diff PLAN --compare-to FILE`.
//!
//! `NAME.expect` (for a directory, `DIR/case.expect`) lists substrings the message must
//! contain; without one, the message must carry a `:line:column:` position.
//! scripts/make-bad-corpus.py writes config/, hcl/, offer/ and report/.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::harness::*;

/// Far above the second a case may take: only a guard against a hang stopping the suite.
const HANG_GUARD: Duration = Duration::from_secs(20);

/// The address space a case may use: plancost needs a few tens of MB.
const MEMORY_CAP: u64 = 2 << 30;

fn run_case(args: &[&str]) -> (Option<i32>, String) {
    let mut command = plancost();
    command
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: setrlimit is async-signal-safe and touches nothing of the parent.
        unsafe {
            command.pre_exec(|| {
                let limit = libc::rlimit {
                    rlim_cur: MEMORY_CAP as libc::rlim_t,
                    rlim_max: MEMORY_CAP as libc::rlim_t,
                };
                libc::setrlimit(libc::RLIMIT_AS, &limit);
                Ok(())
            });
        }
    }
    let mut child = command.spawn().unwrap();
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
    let expect = if path.is_dir() {
        path.join("case.expect")
    } else {
        path.with_extension("").with_extension("expect")
    };
    check_case_with(path, &expect, args);
}

fn check_case_with(path: &Path, expect: &Path, args: &[&str]) {
    let name = path.file_name().unwrap().to_str().unwrap();
    let (code, err) = run_case(args);
    assert_eq!(code, Some(2), "{name}: exit {code:?}: {err}");
    assert!(!err.contains("panicked"), "{name}: {err}");
    assert!(
        err.contains(name),
        "{name}: the message does not name the file: {err}"
    );
    match std::fs::read_to_string(expect) {
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

#[test]
fn bad_configurations() {
    let files = cases("bad/config", "yml");
    assert!(files.len() >= 30, "only {} config cases", files.len());
    for path in files {
        check_case(&path, &["check", "--config", path.to_str().unwrap()]);
    }
}

fn case_dirs(dir: &str) -> Vec<PathBuf> {
    let mut dirs: Vec<_> = std::fs::read_dir(fixture(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn bad_terraform_directories() {
    let dirs = case_dirs("bad/hcl");
    assert!(dirs.len() >= 30, "only {} HCL cases", dirs.len());
    for dir in dirs {
        check_case(&dir, &["breakdown", dir.to_str().unwrap()]);
    }
}

/// Symbolic-link cases, made here: each directory is checked like a corpus case.
#[cfg(unix)]
#[test]
fn symlink_loops_and_links_out_of_the_repository() {
    use std::os::unix::fs::symlink;
    let root = scratch_dir("bad-symlinks");
    let provider = "provider \"aws\" {\n  region = \"us-east-1\"\n}\n";
    let case = |name: &str, main: Option<&str>| {
        let dir = root.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        if let Some(main) = main {
            std::fs::write(dir.join("main.tf"), format!("{provider}{main}")).unwrap();
        }
        dir
    };

    // Two .tf links pointing at each other.
    let loop_files = case("tf-file-loop", None);
    symlink("b.tf", loop_files.join("a.tf")).unwrap();
    symlink("a.tf", loop_files.join("b.tf")).unwrap();
    // A module whose source is a link back to its own directory.
    let module_loop = case(
        "module-link-loop",
        Some("module \"m\" {\n  source = \"./m\"\n}\n"),
    );
    symlink(".", module_loop.join("m")).unwrap();
    // A directory link loop beside the configuration, and a file() through a link that leads
    // out of the repository.
    let link_out = case(
        "file-link-out-of-repository",
        Some(
            "resource \"aws_instance\" \"a\" {\n  instance_type = \"t3.micro\"\n  user_data = file(\"host.txt\")\n}\n",
        ),
    );
    symlink(".", link_out.join("self")).unwrap();
    let outside = root.join("outside.txt");
    std::fs::write(&outside, "secret outside the repository").unwrap();
    symlink(&outside, link_out.join("host.txt")).unwrap();
    std::fs::create_dir_all(link_out.join(".git")).unwrap();

    let expectations: &[(&Path, &[&str])] = &[
        (&loop_files, &["a.tf", "symbolic links"]),
        (&module_loop, &["main.tf:4:1:", "modules nest deeper"]),
        (&link_out, &["main.tf:6:15:", "outside the repository"]),
    ];
    for (dir, words) in expectations {
        let expect = root.join(format!(
            "{}.expect",
            dir.file_name().unwrap().to_str().unwrap()
        ));
        std::fs::write(&expect, words.join("\n")).unwrap();
        check_case_with(dir, &expect, &["breakdown", dir.to_str().unwrap()]);
        let (_, err) = run_case(&["breakdown", dir.to_str().unwrap()]);
        assert!(!err.contains("secret outside"), "{err}");
    }
}

#[test]
fn bad_offer_files() {
    let mut files = cases("bad/offer", "json");
    files.extend(cases("bad/offer", "gz"));
    assert!(files.len() >= 20, "only {} offer cases", files.len());
    let out = scratch_dir("bad-offers").join("prices.snapshot");
    for path in files {
        // Every offer case says what its message must hold: the position is a byte offset.
        assert!(
            path.with_extension("").with_extension("expect").exists(),
            "{} has no .expect",
            path.display()
        );
        check_case(
            &path,
            &[
                "prices",
                "import",
                path.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ],
        );
        assert!(
            !out.exists(),
            "{}: a price file was written",
            path.display()
        );
    }
}

#[test]
fn bad_reports_for_merge_and_diff() {
    let plan = fixture("tf/instances/plan.json");
    let files = cases("bad/report", "json");
    assert!(files.len() >= 15, "only {} report cases", files.len());
    for path in files {
        check_case(&path, &["merge", path.to_str().unwrap()]);
        check_case(
            &path,
            &[
                "diff",
                plan.to_str().unwrap(),
                "--compare-to",
                path.to_str().unwrap(),
            ],
        );
    }
}

#[test]
fn the_corpus_holds_every_kind_of_bad_input() {
    let count = |dir: &str| {
        std::fs::read_dir(fixture(dir))
            .unwrap()
            .filter(|e| {
                let p = e.as_ref().unwrap().path();
                p.is_dir() || p.extension().is_some_and(|x| x != "expect")
            })
            .count()
    };
    let total: usize = [
        "bad/plan",
        "bad/usage",
        "bad/config",
        "bad/hcl",
        "bad/offer",
        "bad/report",
    ]
    .iter()
    .map(|d| count(d))
    .sum();
    assert!(total >= 60, "the corpus holds {total} cases");
}
