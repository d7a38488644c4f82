//! Bad input exits with code 2 and a message naming the file and, for JSON, the position.

use crate::harness::*;

fn assert_rejected(name: &str, expect: &[&str]) {
    let path = fixture(&format!("bad/{name}"));
    let out = run(&["breakdown", path.to_str().unwrap()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{name}: {err}");
    assert!(
        err.contains(&format!("bad/{name}")),
        "{name}: message does not name the file: {err}"
    );
    for e in expect {
        assert!(err.contains(e), "{name}: message lacks {e:?}: {err}");
    }
    assert!(!err.contains("panicked"), "{name}: {err}");
}

#[test]
fn malformed_json_names_file_line_and_column() {
    assert_rejected("not-json.json", &[":1:2:", "not valid JSON"]);
}

#[test]
fn truncated_json_is_reported_as_truncated() {
    assert_rejected("truncated.json", &["truncated"]);
}

#[test]
fn json_that_is_not_a_plan() {
    assert_rejected("not-a-plan.json", &["not a Terraform plan or state"]);
}

#[test]
fn a_plan_of_an_unknown_format_major() {
    assert_rejected("unknown-format-major.json", &["format version 2.0"]);
}

#[test]
fn a_field_of_the_wrong_type_names_its_position() {
    // `actions` is a string instead of a list: serde reports where.
    assert_rejected("wrong-type-actions.json", &["wrong type", ":"]);
}

#[test]
fn empty_and_non_utf8_files() {
    assert_rejected("empty.json", &["empty"]);
    assert_rejected("invalid-utf8.json", &["UTF-8"]);
}

#[test]
fn a_missing_file_is_an_input_error() {
    let out = run(&["breakdown", "fixtures/bad/does-not-exist.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("does-not-exist.json"));
}
