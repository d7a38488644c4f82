//! Small helpers: run the binary, read its JSON report, find a component's numbers.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use rust_decimal::Decimal;
use serde_json::Value;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(rel: &str) -> PathBuf {
    repo().join("fixtures").join(rel)
}

/// A `plancost` command with a clean environment (no region, no colour, fixed timestamp).
pub fn plancost() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_plancost"));
    cmd.current_dir(repo())
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION")
        .env_remove("PLANCOST_PRICES")
        // No user's cache: an empty one, so results depend on the fixtures only.
        .env("PLANCOST_CACHE_DIR", scratch_dir("no-cache"))
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", "1795771800");
    cmd
}

pub fn run(args: &[&str]) -> Output {
    plancost()
        .args(args)
        .output()
        .expect("the plancost binary runs")
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `plancost breakdown --format json` of a plan; panics with stderr when it fails.
pub fn breakdown_json(plan: &Path) -> Value {
    let out = run(&["breakdown", "--format", "json", plan.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "breakdown of {} failed: {}",
        plan.display(),
        stderr(&out)
    );
    serde_json::from_slice(&out.stdout).expect("the JSON report parses")
}

pub fn dec(text: &str) -> Decimal {
    text.parse()
        .unwrap_or_else(|_| panic!("{text:?} is a decimal"))
}

/// A decimal string field of the report.
pub fn money(value: &Value) -> Decimal {
    dec(value
        .as_str()
        .unwrap_or_else(|| panic!("{value} is a decimal string")))
}

pub fn project(report: &Value) -> &Value {
    &report["projects"][0]
}

pub fn resource<'a>(report: &'a Value, address: &str) -> &'a Value {
    project(report)["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == address)
        .unwrap_or_else(|| panic!("no resource {address} in the report"))
}

/// The component of `address` whose name starts with `prefix`.
pub fn component<'a>(report: &'a Value, address: &str, prefix: &str) -> &'a Value {
    resource(report, address)["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"].as_str().unwrap().starts_with(prefix))
        .unwrap_or_else(|| panic!("no component {prefix:?} on {address}"))
}

/// Asserts a component's monthly cost and unit price.
pub fn assert_component(
    report: &Value,
    address: &str,
    prefix: &str,
    unit_price: &str,
    monthly_cost: &str,
) {
    let c = component(report, address, prefix);
    assert_eq!(
        money(&c["unit_price"]),
        dec(unit_price),
        "unit price of {address} / {prefix}"
    );
    assert_eq!(
        money(&c["monthly_cost"]),
        dec(monthly_cost),
        "monthly cost of {address} / {prefix}"
    );
}

/// `plancost breakdown --format json --usage-file USAGE PLAN` (paths relative to the repo).
pub fn breakdown_with_usage(plan: &str, usage: &str) -> Value {
    crate::mapping_harness::breakdown_with(plan, Some(usage), &[])
}

/// Why the component of `address` starting with `prefix` is unpriced (asserting that it is).
pub fn unpriced_reason_of(report: &Value, address: &str, prefix: &str) -> String {
    let c = component(report, address, prefix);
    assert!(
        c["monthly_cost"].is_null(),
        "{address} / {prefix} is priced: {c}"
    );
    project(report)["unpriced"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["address"] == address && u["component"].as_str().unwrap().starts_with(prefix))
        .unwrap_or_else(|| panic!("{address} / {prefix} is not listed as unpriced"))["reason"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Asserts a usage-based component that the usage file does not fill: no quantity, no cost.
pub fn assert_depends_on_usage(report: &Value, address: &str, prefix: &str) {
    let c = component(report, address, prefix);
    assert!(
        crate::mapping_harness::depends_on_usage(report, address, prefix),
        "{address} / {prefix}: {c}"
    );
    assert!(c["monthly_cost"].is_null(), "{address} / {prefix}: {c}");
}

/// A fresh empty directory under the test target directory, unique per call.
pub fn scratch_dir(name: &str) -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "{name}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a scratch directory");
    dir
}

/// Appends to `list` (a plan's `resource_changes` or a module's configuration `resources`) a
/// copy of the entry at `address`, at the address `type.name` of `copy`; returns the copy.
pub fn push_copy<'a>(list: &'a mut Value, address: &str, copy: &str) -> &'a mut Value {
    let list = list.as_array_mut().expect("a list of resources");
    let mut entry = list
        .iter()
        .find(|c| c["address"] == address)
        .unwrap_or_else(|| panic!("no {address} in the list"))
        .clone();
    entry["address"] = copy.into();
    entry["name"] = copy.rsplit('.').next().unwrap().into();
    list.push(entry);
    list.last_mut().unwrap()
}

/// A plan file of the repository (`fixtures/...`, `infra/...`) as JSON, to edit.
pub fn plan_json(rel: &str) -> Value {
    serde_json::from_slice(&std::fs::read(repo().join(rel)).unwrap()).unwrap()
}

/// The JSON breakdown of an edited plan, written to a scratch file named after `name` first.
pub fn breakdown_of(name: &str, plan: &Value) -> Value {
    let path = scratch_dir(name).join("plan.json");
    std::fs::write(&path, serde_json::to_vec(plan).unwrap()).unwrap();
    breakdown_json(&path)
}
