//! Cost changes of real update/replace/delete plans, of a report against an earlier one, and
//! merged reports.

use crate::harness::*;

fn json_of(args: &[&str]) -> serde_json::Value {
    let out = run(args);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Writes `breakdown --format json` of `plan` to a fresh file, as a CI run would keep it.
fn report_file(plan: &std::path::Path, name: &str) -> std::path::PathBuf {
    let earlier = scratch_dir(name).join("report.json");
    let out = run(&[
        "breakdown",
        "--format",
        "json",
        "--out",
        earlier.to_str().unwrap(),
        plan.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    earlier
}

#[test]
fn in_place_updates_show_their_delta() {
    let plan = fixture("tf/update-instance-type/plan.json");
    let r = json_of(&["diff", "--format", "json", plan.to_str().unwrap()]);
    let app = resource(&r, "aws_instance.app");
    assert_eq!(app["action"], "update");
    // Before: t3.large 730 × $0.0832 = $60.736 + 8 GB gp2 $0.80 = $61.536.
    // After: t3.xlarge 730 × $0.1664 = $121.472 + $0.80 = $122.272.
    assert_eq!(money(&app["past_monthly_cost"]), dec("61.536"));
    assert_eq!(money(&app["monthly_cost"]), dec("122.272"));
    // The volume grows from 100 to 200 GB of gp2: $10 → $20.
    let data = resource(&r, "aws_ebs_volume.data");
    assert_eq!(money(&data["past_monthly_cost"]), dec("10"));
    assert_eq!(money(&data["monthly_cost"]), dec("20"));
    // 60.736 + 10 = 70.736
    assert_eq!(money(&project(&r)["diff_monthly_cost"]), dec("70.736"));
    // The table names the components that changed.
    let table = stdout(&run(&["diff", plan.to_str().unwrap()]));
    assert!(
        table.contains("t3.large") && table.contains("t3.xlarge"),
        "{table}"
    );
    assert!(table.contains("+$70.74"), "{table}");
}

#[test]
fn replacements_deletions_and_creations() {
    let plan = fixture("tf/replace-and-delete/plan.json");
    let r = json_of(&["diff", "--format", "json", plan.to_str().unwrap()]);
    // Deleted m5.large: 730 × $0.096 = $70.08 + 8 GB gp2 $0.80 = $70.88 gone.
    let old = resource(&r, "aws_instance.old");
    assert_eq!(old["action"], "delete");
    assert_eq!(money(&old["past_monthly_cost"]), dec("70.88"));
    assert_eq!(money(&old["monthly_cost"]), dec("0"));
    // Replaced t3.medium, same before and after: 730 × $0.0416 = $30.368 + 20 GB gp2 $2 = $32.368.
    let web = resource(&r, "aws_instance.web");
    assert_eq!(web["action"], "replace");
    assert_eq!(money(&web["past_monthly_cost"]), dec("32.368"));
    assert_eq!(money(&web["monthly_cost"]), dec("32.368"));
    // New t3.small: 730 × $0.0208 = $15.184 + 8 GB gp2 (assumed) $0.80 = $15.984.
    let new = resource(&r, "aws_instance.new");
    assert_eq!(new["action"], "create");
    assert_eq!(money(&new["monthly_cost"]), dec("15.984"));
    // Before 70.88 + 32.368 = 103.248; after 32.368 + 15.984 = 48.352; change −54.896.
    assert_eq!(
        money(&project(&r)["past_total_monthly_cost"]),
        dec("103.248")
    );
    assert_eq!(money(&project(&r)["total_monthly_cost"]), dec("48.352"));
    assert_eq!(money(&project(&r)["diff_monthly_cost"]), dec("-54.896"));
}

#[test]
fn a_plan_against_itself_changes_nothing() {
    let plan = fixture("tf/eks/plan.json");
    let earlier = report_file(&plan, "self");
    let r = json_of(&[
        "diff",
        "--format",
        "json",
        "--compare-to",
        earlier.to_str().unwrap(),
        plan.to_str().unwrap(),
    ]);
    assert_eq!(money(&r["diff_monthly_cost"]), dec("0"));
    assert!(
        project(&r)["resources"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["action"] == "no-op")
    );
    assert!(
        stdout(&run(&[
            "diff",
            "--compare-to",
            earlier.to_str().unwrap(),
            plan.to_str().unwrap()
        ]))
        .contains("No cost change")
    );
}

#[test]
fn compare_to_an_earlier_report_matches_resources_by_address() {
    let plan = fixture("tf/eks/plan.json");
    let earlier = report_file(&plan, "compare");
    let usage = fixture("usage/eks-api-5-nodes.yml");
    let r = json_of(&[
        "diff",
        "--format",
        "json",
        "--compare-to",
        earlier.to_str().unwrap(),
        "--usage-file",
        usage.to_str().unwrap(),
        plan.to_str().unwrap(),
    ]);
    let api = resource(&r, "aws_eks_node_group.api");
    assert_eq!(api["action"], "update");
    // Before: 2 × 730 × $0.0832 = $121.472 + 2 × 50 GB × $0.10 = $10 → $131.472.
    // After: 5 × 730 × $0.0832 = $303.68 + 5 × 50 GB × $0.10 = $25 → $328.68.
    assert_eq!(money(&api["past_monthly_cost"]), dec("131.472"));
    assert_eq!(money(&api["monthly_cost"]), dec("328.68"));
    // Nothing else changed: the project's change is the api group's, 328.68 − 131.472 = 197.208.
    assert_eq!(money(&r["diff_monthly_cost"]), dec("197.208"));
}

#[test]
fn merge_combines_projects_and_rejects_duplicate_names() {
    let a = report_file(&fixture("tf/eks/plan.json"), "merge-a");
    let b = report_file(&fixture("tf/instances/plan.json"), "merge-b");
    let merged = json_of(&["merge", a.to_str().unwrap(), b.to_str().unwrap()]);
    assert_eq!(merged["projects"].as_array().unwrap().len(), 2);
    // eks 1,359.1994 + instances 359.778 (worked out in resources.rs) = 1,718.9774
    assert_eq!(money(&merged["total_monthly_cost"]), dec("1718.9774"));
    let out = run(&["merge", a.to_str().unwrap(), a.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("\"eks\""), "{}", stderr(&out));
}

#[test]
fn a_report_that_is_not_a_report_is_rejected_with_its_position() {
    let out = run(&["merge", fixture("tf/eks/plan.json").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("plan.json:"), "{}", stderr(&out));
}
