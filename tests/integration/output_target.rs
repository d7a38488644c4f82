//! `--out` to something that is not a regular file: written in place, never replaced.

use std::io::Read;
use std::process::Command;

use crate::harness::{repo, run, scratch_dir, stderr};

/// `--out /dev/null` (or a FIFO, or `/dev/stdout`) must not be renamed over: as root, that
/// would replace the device with a file. A FIFO stands in for the device here.
#[cfg(unix)]
#[test]
fn out_to_a_fifo_writes_through_it_and_leaves_it_a_fifo() {
    use std::os::unix::fs::FileTypeExt;
    let dir = scratch_dir("out-fifo");
    let fifo = dir.join("report.fifo");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("mkfifo is not available; skipped");
        return;
    }
    let reader_path = fifo.clone();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        std::fs::File::open(&reader_path)
            .expect("open the FIFO for reading")
            .read_to_string(&mut text)
            .expect("read the FIFO");
        text
    });
    let plan = repo().join("infra/phase2/plan.json");
    let out = run(&[
        "breakdown",
        "--format",
        "json",
        "--out",
        fifo.to_str().unwrap(),
        plan.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = reader.join().expect("the reader thread");
    let report: serde_json::Value = serde_json::from_str(&text).expect("the report came through");
    assert_eq!(report["currency"], "USD");
    let kind = std::fs::symlink_metadata(&fifo)
        .expect("still there")
        .file_type();
    assert!(kind.is_fifo(), "the FIFO was replaced by {kind:?}");
}
