//! `plancost check`: budgets, warning bands, policies and the exit code, over small real plans
//! with every expected number worked by hand from AWS us-east-1 list prices.
//!
//! fixtures/tf/eks (all compute):
//!   EKS cluster                 730 h × $0.10                         =    73.00
//!   api: 2 × t3.large           1,460 h × $0.0832 = 121.472, 2 × 50 GB gp2 × $0.10 = 10    131.472
//!   gpu_spot: 2 × g5.xlarge     1,460 h × $0.41246 (1.006 × (1 − 0.59)) = 602.1916,
//!                               2 × 100 GB gp2 × $0.10 = 20                      622.1916
//!   lt: 3 × m5.large            2,190 h × $0.096 = 210.24, 3 × 80 GB gp3 × $0.08 = 19.2   229.44
//!   lt_spot: 1 × g5.xlarge      730 h × $0.41246 = 301.0958, 20 GB gp2 × $0.10 = 2       303.0958
//!   total                                                                      1,359.1994
//! fixtures/tf/instances:
//!   compute: t3.micro 730 × 0.0104 = 7.592 + 8 GB gp2 0.80; t3.large 730 × 0.0832 = 60.736
//!            + 30 GB gp3 2.40 + 100 GB io1 12.50 + 1,000 IOPS io1 × 0.065 = 65     = 149.028
//!   storage: gp2 100 GB 10; gp3 200 GB 16 + 1,000 IOPS × 0.005 = 5 + 125 MiB/s × 0.04 = 5;
//!            io2 50 GB 6.25 + 2,000 IOPS × 0.065 = 130; sc1 1,000 GB × 0.015 = 15;
//!            st1 500 GB × 0.045 = 22.5; standard 20 GB × 0.05 = 1               = 210.75
//!   total 359.778

use serde_json::Value;

use crate::harness::{dec, money, run, stderr, stdout};

fn check_json(config: &str, projects: &[&str]) -> (Value, i32) {
    let mut args = vec!["check", "--config", config, "--format", "json"];
    args.extend_from_slice(projects);
    let out = run(&args);
    let code = out.status.code().expect("exit code");
    assert!(code == 0 || code == 1, "check failed: {}", stderr(&out));
    (
        serde_json::from_slice(&out.stdout).expect("JSON report"),
        code,
    )
}

fn check<'a>(report: &'a Value, project: &str, name: &str) -> &'a Value {
    report["budget"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["project"] == project && c["name"] == name)
        .unwrap_or_else(|| panic!("no check {project} / {name}"))
}

fn assert_check(
    report: &Value,
    project: &str,
    name: &str,
    limit: &str,
    actual: &str,
    status: &str,
) {
    let c = check(report, project, name);
    assert_eq!(money(&c["limit"]), dec(limit), "{project} / {name} limit");
    assert_eq!(
        money(&c["actual"]),
        dec(actual),
        "{project} / {name} actual"
    );
    assert_eq!(
        money(&c["headroom"]),
        dec(limit) - dec(actual),
        "{project} / {name} headroom"
    );
    assert_eq!(c["status"], status, "{project} / {name} status");
}

const BUDGETS: &str = "fixtures/config/budgets.yml";

#[test]
fn within_budget_passes_with_exit_0() {
    let (report, code) = check_json(BUDGETS, &["within"]);
    // 1,359.1994 is under 90% of 2,000 (1,800) and of 1,600 (1,440).
    assert_check(&report, "within", "total", "2000", "1359.1994", "ok");
    assert_check(
        &report,
        "within",
        "category:compute",
        "1600",
        "1359.1994",
        "ok",
    );
    // A category with nothing in it is within its budget.
    assert_check(&report, "within", "category:storage", "10", "0", "ok");
    assert_eq!(report["budget"]["status"], "ok");
    assert_eq!(code, 0);
}

#[test]
fn warning_band_warns_with_exit_0() {
    let (report, code) = check_json(BUDGETS, &["warning"]);
    // 90% of 1,400 = 1,260 < 1,359.1994 <= 1,400: warn.
    assert_check(&report, "warning", "total", "1400", "1359.1994", "warn");
    assert_eq!(
        money(&check(&report, "warning", "total")["warn_above"]),
        dec("1260")
    );
    // 90% of 1,500 = 1,350 < 1,359.1994: warn.
    assert_check(
        &report,
        "warning",
        "category:compute",
        "1500",
        "1359.1994",
        "warn",
    );
    assert_eq!(report["budget"]["status"], "warn");
    assert_eq!(code, 0);
}

#[test]
fn category_breach_fails_with_exit_1() {
    let (report, code) = check_json(BUDGETS, &["category-breach"]);
    assert_check(
        &report,
        "category-breach",
        "total",
        "2000",
        "1359.1994",
        "ok",
    );
    // 1,359.1994 > 1,359 by 0.1994: the breach is found before any rounding.
    assert_check(
        &report,
        "category-breach",
        "category:compute",
        "1359",
        "1359.1994",
        "fail",
    );
    assert_eq!(report["budget"]["status"], "fail");
    assert_eq!(code, 1);
}

#[test]
fn total_breach_fails_while_categories_only_warn() {
    let (report, code) = check_json(BUDGETS, &["total-breach"]);
    assert_check(&report, "total-breach", "total", "350", "359.778", "fail");
    // 95% of 150 = 142.5 < 149.028 <= 150; 95% of 211 = 200.45 < 210.75 <= 211.
    assert_check(
        &report,
        "total-breach",
        "category:compute",
        "150",
        "149.028",
        "warn",
    );
    assert_check(
        &report,
        "total-breach",
        "category:storage",
        "211",
        "210.75",
        "warn",
    );
    assert_eq!(report["budget"]["status"], "fail");
    assert_eq!(code, 1);
}

#[test]
fn the_table_shows_the_verdict_after_the_costs() {
    let out = run(&["check", "--config", BUDGETS, "category-breach"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let costs = text.find("Monthly cost: $1,359.20").expect("cost table");
    let verdict = text.find("Budget verdict").expect("verdict table");
    assert!(costs < verdict);
    assert!(
        text.contains(
            "│ category-breach / compute │ $1,359.00 (warn > 90%) │ $1,359.20 │   -$0.20 │ FAIL   │"
        ),
        "{text}"
    );
    assert!(
        text.contains("Verdict: FAIL (1 of 2 checks failed)"),
        "{text}"
    );
}

#[test]
fn an_unpriced_changed_resource_fails_or_warns_by_policy() {
    // aws_instance.bad is a t3.galactic: no price. The rest: t3.large 60.736 + 2 × 8 GB gp2 1.60.
    let (report, code) = check_json("fixtures/config/unpriced.yml", &[]);
    assert_check(&report, "unknown-type", "total", "100", "62.336", "ok");
    assert_check(
        &report,
        "unknown-type",
        "unpriced_changed_resources",
        "0",
        "1",
        "fail",
    );
    assert_eq!(code, 1);
    let (report, code) = check_json("fixtures/config/unpriced-warn.yml", &[]);
    assert_check(
        &report,
        "unknown-type",
        "unpriced_changed_resources",
        "0",
        "1",
        "warn",
    );
    assert_eq!(report["budget"]["status"], "warn");
    assert_eq!(code, 0);
}

#[test]
fn increase_policies_in_dollars_and_percent() {
    // Before: t3.large 730 × 0.0832 = 60.736, root 8 GB gp2 0.80, volume 100 GB gp2 10 = 71.536.
    // After: t3.xlarge 730 × 0.1664 = 121.472, root 0.80, volume 200 GB gp2 20 = 142.272.
    // Increase 70.736; 70.736 × 100 / 71.536 = 98.88168...%.
    let (report, code) = check_json("fixtures/config/increase.yml", &[]);
    // Exactly at the limit is within it, but above 99% of it (70.02864): warn.
    assert_check(
        &report,
        "update",
        "max_monthly_increase",
        "70.736",
        "70.736",
        "warn",
    );
    assert_check(
        &report,
        "update",
        "max_monthly_increase_percent",
        "98",
        "98.8817",
        "fail",
    );
    assert_check(
        &report,
        "update",
        "unpriced_changed_resources",
        "0",
        "0",
        "ok",
    );
    assert_eq!(code, 1);
    let (report, code) = check_json("fixtures/config/increase-dollars.yml", &[]);
    assert_check(
        &report,
        "update",
        "max_monthly_increase",
        "70",
        "70.736",
        "fail",
    );
    assert_check(
        &report,
        "update",
        "max_monthly_increase_percent",
        "100",
        "98.8817",
        "ok",
    );
    assert_eq!(code, 1);
}

#[test]
fn a_project_with_nothing_before_has_no_percent_increase() {
    // The reference plans create everything: no cost before, so no percentage, but the
    // dollar limit holds them (both cost more than $500/month).
    let (report, code) = check_json("fixtures/config/reference-plans.yml", &[]);
    let checks = report["budget"]["checks"].as_array().unwrap();
    assert!(
        !checks
            .iter()
            .any(|c| c["name"] == "max_monthly_increase_percent")
    );
    assert_eq!(
        check(&report, "phase1", "max_monthly_increase")["status"],
        "fail"
    );
    assert_eq!(code, 1);
}

#[test]
fn both_phases_are_checked_against_their_budgets() {
    let (report, code) = check_json("fixtures/config/reference-plans.yml", &[]);
    // The thresholds of the estimate (shared/estimate), phase 1 and phase 2.
    for (project, name, limit) in [
        ("phase1", "total", "1227"),
        ("phase1", "category:compute", "1016"),
        ("phase1", "category:security", "9"),
        ("phase2", "total", "4810"),
        ("phase2", "category:database", "456"),
        ("phase2", "category:network", "169"),
    ] {
        assert_eq!(money(&check(&report, project, name)["limit"]), dec(limit));
    }
    // The GPU pool alone breaks phase 1's compute budget: 2 spot g5.xlarge 1,460 h × 0.41246
    // = 602.1916 and 1 on-demand 730 h × 1.006 = 734.38 already make 1,336.5716 > 1,016.
    assert_eq!(
        check(&report, "phase1", "category:compute")["status"],
        "fail"
    );
    assert_eq!(code, 1);
    let text = stdout(&run(&[
        "check",
        "--config",
        "fixtures/config/reference-plans.yml",
    ]));
    assert!(text.contains("│ phase1 / total "), "{text}");
    assert!(text.contains("│ phase2 / total "), "{text}");
}

#[test]
fn project_names_select_projects_and_unknown_ones_are_usage_errors() {
    let (report, _) = check_json(BUDGETS, &["within", "warning"]);
    let projects: Vec<&str> = report["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(projects, ["within", "warning"]);
    let out = run(&["check", "--config", BUDGETS, "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no project \"nope\""),
        "{}",
        stderr(&out)
    );
}

#[test]
fn markdown_carries_the_same_verdict() {
    let out = run(&[
        "check",
        "--config",
        BUDGETS,
        "--format",
        "markdown",
        "category-breach",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let md = stdout(&out);
    // The project row: nothing before (a plan that creates it all), $1,359.1994 after.
    assert!(
        md.contains("| category\\-breach | $0.00 | $1,359.20 | +$1,359.20 | ❌ fail |"),
        "{md}"
    );
    // The verdict: compute $1,359.1994 against $1,359 fails by $0.1994.
    assert!(md.contains("#### Budget and policy: ❌ fail"), "{md}");
    assert!(
        md.contains(
            "| category\\-breach / compute | $1,359.00 (warn > 90%) | $1,359.20 | ❌ fail |"
        ),
        "{md}"
    );
    assert!(
        md.contains("| category\\-breach / total | $2,000.00 (warn > 90%) | $1,359.20 | ✅ ok |"),
        "{md}"
    );
    assert!(
        md.contains(
            "<details><summary>Cost change by resource: category-breach (5 resource(s))</summary>"
        ),
        "{md}"
    );
}

#[test]
fn a_project_may_be_an_hcl_directory() {
    // fixtures/tf/eks evaluated from its HCL prices as its plan does: $1,359.1994 (above).
    let (report, code) = check_json("fixtures/config/hcl-directory.yml", &[]);
    assert_eq!(code, 0);
    assert_eq!(money(&report["total_monthly_cost"]), dec("1359.1994"));
}

#[test]
fn configuration_errors_name_the_file_and_line() {
    for (file, want) in [
        (
            "unknown-key.yml",
            "fixtures/config/bad/unknown-key.yml:7:7: unknown field `warn_precent`",
        ),
        (
            "duplicate-names.yml",
            "fixtures/config/bad/duplicate-names.yml:7:11: duplicate project name \"web\" (first at line 3)",
        ),
        (
            "wrong-type.yml",
            "fixtures/config/bad/wrong-type.yml:6:7: invalid type: sequence, expected an amount",
        ),
        (
            "vars-on-plan.yml",
            "variables (gpu_nodes) apply to HCL directories only",
        ),
    ] {
        let path = format!("fixtures/config/bad/{file}");
        let out = run(&["check", "--config", &path]);
        assert_eq!(out.status.code(), Some(2), "{file}");
        assert!(stderr(&out).contains(want), "{file}: {}", stderr(&out));
        assert!(
            out.stdout.is_empty(),
            "{file}: no report on a configuration error"
        );
    }
    let out = run(&["check", "--config", "fixtures/config/none.yml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no configuration file fixtures/config/none.yml"));
}

#[test]
fn markdown_escapes_names_from_the_input() {
    let out = run(&[
        "check",
        "--config",
        "fixtures/config/hostile-names.yml",
        "--format",
        "markdown",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let md = stdout(&out);
    for raw in [
        "<img", "[click]", "](https", "`code`", "**bold**", "@team", "x|y",
    ] {
        assert!(!md.contains(raw), "{raw:?} reaches the Markdown:\n{md}");
    }
    // Rendered as text: in table cells the characters are backslash-escaped, in HTML (the
    // <summary>) they are character references.
    assert!(md.contains("x\\|y &lt;img src\\=x"), "{md}");
    assert!(
        md.contains("x&#124;y &lt;img src=x onerror=alert(1)&gt;"),
        "{md}"
    );
    // The verdict row keeps its four cells: the name's pipe is escaped, so it splits nothing.
    let row = md
        .lines()
        .find(|l| l.contains("/ total |"))
        .expect("verdict row");
    let cell_pipes = row
        .match_indices('|')
        .filter(|(i, _)| !row[..*i].ends_with('\\'))
        .count();
    assert_eq!(cell_pipes, 5, "{row}");
}
