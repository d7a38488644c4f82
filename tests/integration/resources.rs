//! Each resource mapping against a real plan (made by Terraform, fixtures/tf/*), with the
//! expected prices worked out by hand from AWS list prices.

use crate::harness::*;
use serde_json::Value;

#[test]
fn eks_cluster_and_node_groups() {
    let r = breakdown_json(&fixture("tf/eks/plan.json"));
    // EKS control plane: $0.10/h × 730 h = $73.
    assert_component(&r, "aws_eks_cluster.main", "EKS cluster", "0.10", "73");
    // 2 × t3.large on demand: 2 × 730 h × $0.0832 = $121.472.
    assert_component(
        &r,
        "aws_eks_node_group.api",
        "Instance usage (Linux/UNIX, on-demand, t3.large)",
        "0.0832",
        "121.472",
    );
    // disk_size 50 on each of 2 nodes, EKS's gp2: 100 GB × $0.10 = $10.
    assert_component(
        &r,
        "aws_eks_node_group.api",
        "Node root volume (gp2, 50 GB)",
        "0.10",
        "10",
    );
    // Spot g5.xlarge: on-demand $1.006 less the advisor's 59% saving = $0.41246/h;
    // 2 nodes × 730 h × $0.41246 = $602.1916.
    assert_component(
        &r,
        "aws_eks_node_group.gpu_spot",
        "Instance usage (Linux/UNIX, spot, g5.xlarge)",
        "0.41246",
        "602.1916",
    );
    let spot = &component(&r, "aws_eks_node_group.gpu_spot", "Instance usage")["spot"];
    assert_eq!(spot["savings_percent"], 59);
    // The advisor's band for g5.xlarge in us-east-1 (2025-06): interrupted more than 20% of the time.
    assert_eq!(spot["interruption"], ">20%");
    // Instance type and disk from the launch template the node group refers to:
    // 3 × 730 h × m5.large $0.096 = $210.24; 3 × 80 GB gp3 × $0.08 = $19.20.
    assert_component(
        &r,
        "aws_eks_node_group.lt",
        "Instance usage (Linux/UNIX, on-demand, m5.large)",
        "0.096",
        "210.24",
    );
    assert_component(
        &r,
        "aws_eks_node_group.lt",
        "Node root volume (gp3, 80 GB)",
        "0.08",
        "19.2",
    );
    // Spot from the launch template's market options: 1 × 730 h × $0.41246 = $301.0958.
    assert_component(
        &r,
        "aws_eks_node_group.lt_spot",
        "Instance usage (Linux/UNIX, spot, g5.xlarge)",
        "0.41246",
        "301.0958",
    );
    // That template sets no block device: the AMI's 20 GB gp2 is assumed, and said.
    let disk = component(
        &r,
        "aws_eks_node_group.lt_spot",
        "Node root volume (gp2, 20 GB)",
    );
    assert_eq!(money(&disk["monthly_cost"]), dec("2"));
    assert!(disk["notes"][0].as_str().unwrap().contains("assumed"));
    // 73 + 131.472 + 622.1916 + 229.44 + 303.0958 = 1359.1994
    assert_eq!(money(&project(&r)["total_monthly_cost"]), dec("1359.1994"));
    assert_eq!(
        money(&project(&r)["categories"]["compute"]),
        dec("1359.1994")
    );
    // IAM roles, attachments and launch templates are free and listed, not dropped.
    let skipped = project(&r)["skipped"].as_array().unwrap();
    assert!(
        skipped
            .iter()
            .any(|s| s["address"] == "aws_launch_template.workers" && s["reason"] == "free")
    );
}

#[test]
fn instances_and_every_ebs_volume_type() {
    let r = breakdown_json(&fixture("tf/instances/plan.json"));
    assert_component(&r, "aws_ebs_volume.gp2", "Storage (gp2", "0.10", "10"); // 100 GB × $0.10
    assert_component(&r, "aws_ebs_volume.gp3", "Storage (gp3", "0.08", "16"); // 200 GB × $0.08
    // 4,000 IOPS, 3,000 included: 1,000 × $0.005 = $5.
    assert_component(
        &r,
        "aws_ebs_volume.gp3",
        "Storage provisioned IOPS above 3,000",
        "0.005",
        "5",
    );
    // 250 MiB/s, 125 included: 125 MiB/s × ($40.96 per GiB/s ÷ 1024 = $0.04) = $5.
    assert_component(
        &r,
        "aws_ebs_volume.gp3",
        "Storage provisioned throughput",
        "0.04",
        "5",
    );
    assert_component(&r, "aws_ebs_volume.io2", "Storage (io2", "0.125", "6.25"); // 50 × 0.125
    // 2,000 IOPS, all in the first band: 2,000 × $0.065 = $130.
    assert_component(
        &r,
        "aws_ebs_volume.io2",
        "Storage provisioned IOPS up to 32,000",
        "0.065",
        "130",
    );
    assert_component(&r, "aws_ebs_volume.st1", "Storage (st1", "0.045", "22.5"); // 500 × 0.045
    assert_component(&r, "aws_ebs_volume.sc1", "Storage (sc1", "0.015", "15"); // 1000 × 0.015
    assert_component(
        &r,
        "aws_ebs_volume.standard",
        "Storage (standard",
        "0.05",
        "1",
    ); // 20 × 0.05
    // t3.large 730 h × $0.0832 = $60.736; root gp3 30 GB × $0.08 = $2.40;
    // io1 100 GB × $0.125 = $12.50 and 1,000 IOPS × $0.065 = $65.
    assert_component(
        &r,
        "aws_instance.web",
        "Instance usage (Linux/UNIX, on-demand, t3.large)",
        "0.0832",
        "60.736",
    );
    assert_component(
        &r,
        "aws_instance.web",
        "Root volume (gp3, 30 GB)",
        "0.08",
        "2.4",
    );
    assert_component(
        &r,
        "aws_instance.web",
        "Block device (io1, 100 GB)",
        "0.125",
        "12.5",
    );
    assert_component(
        &r,
        "aws_instance.web",
        "Block device provisioned IOPS (io1)",
        "0.065",
        "65",
    );
    // No root block device configured: 8 GB gp2 assumed and said: 8 × $0.10 = $0.80.
    let root = component(&r, "aws_instance.default_root", "Root volume (gp2, 8 GB)");
    assert_eq!(money(&root["monthly_cost"]), dec("0.8"));
    assert!(!root["notes"].as_array().unwrap().is_empty());
    // t3.micro 730 × $0.0104 = $7.592.
    assert_component(
        &r,
        "aws_instance.default_root",
        "Instance usage",
        "0.0104",
        "7.592",
    );
    // 10 + 26 + 136.25 + 22.5 + 15 + 1 + (7.592 + 0.8) + (60.736 + 2.4 + 12.5 + 65) = 359.778
    assert_eq!(money(&project(&r)["total_monthly_cost"]), dec("359.778"));
    assert_eq!(money(&project(&r)["categories"]["storage"]), dec("210.75"));
    assert!(project(&r)["unpriced"].as_array().unwrap().is_empty());
}

#[test]
fn regions_follow_provider_aliases_modules_and_root_variables() {
    let r = breakdown_json(&fixture("tf/multi-region/plan.json"));
    let region = |a: &str| resource(&r, a)["region"].as_str().unwrap().to_string();
    // The default provider's region is `var.primary_region`, resolved from the plan's variables.
    assert_eq!(region("aws_instance.us"), "us-east-1");
    assert_eq!(region("aws_instance.eu"), "eu-west-1");
    assert_eq!(region("module.web_eu.aws_instance.this"), "eu-west-1");
    assert_eq!(
        region("module.web_eu.module.scratch.aws_ebs_volume.scratch"),
        "eu-west-1"
    );
    assert_eq!(region("module.web_us.aws_instance.this"), "us-east-1");
    // eu-west-1 prices come from the real offer file, with its SKU:
    // m5.large 730 h × $0.107 = $78.11 (SKU FP7Z96TTU3VFSX2H).
    assert_component(&r, "aws_instance.eu", "Instance usage", "0.107", "78.11");
    let price = &component(&r, "aws_instance.eu", "Instance usage")["price"];
    assert_eq!(price["sku"], "FP7Z96TTU3VFSX2H");
    assert_eq!(price["rate_code"], "FP7Z96TTU3VFSX2H.JRTCKXETXF.6YS6EN2CT7");
    // t3.small: eu-west-1 $0.0228 × 730 = $16.644; us-east-1 $0.0208 × 730 = $15.184.
    assert_component(
        &r,
        "module.web_eu.aws_instance.this",
        "Instance usage",
        "0.0228",
        "16.644",
    );
    assert_component(
        &r,
        "module.web_us.aws_instance.this",
        "Instance usage",
        "0.0208",
        "15.184",
    );
    // gp3 50 GB: eu-west-1 $0.088 → $4.40; gp2 10 GB in eu-west-1 $0.11 → $1.10.
    assert_component(
        &r,
        "module.web_eu.aws_ebs_volume.data",
        "Storage (gp3",
        "0.088",
        "4.4",
    );
    assert_component(
        &r,
        "module.web_eu.module.scratch.aws_ebs_volume.scratch",
        "Storage (gp2",
        "0.11",
        "1.1",
    );
}

#[test]
fn an_instance_type_that_does_not_exist_is_unpriced_not_zero() {
    let plan = fixture("tf/unknown-instance-type/plan.json");
    let r = breakdown_json(&plan);
    let bad = component(&r, "aws_instance.bad", "Instance usage");
    assert!(bad["unit_price"].is_null() && bad["monthly_cost"].is_null());
    let unpriced = project(&r)["unpriced"].as_array().unwrap();
    assert_eq!(unpriced.len(), 1);
    assert_eq!(unpriced[0]["address"], "aws_instance.bad");
    assert!(
        unpriced[0]["reason"]
            .as_str()
            .unwrap()
            .contains("t3.galactic")
    );
    // The total holds what could be priced: good t3.large 60.736 + two 8 GB gp2 roots 1.6.
    assert_eq!(money(&project(&r)["total_monthly_cost"]), dec("62.336"));
    // The table says, in words, that the total is incomplete.
    let out = run(&["breakdown", plan.to_str().unwrap()]);
    let table = stdout(&out);
    assert!(table.contains("INCOMPLETE"), "{table}");
    assert!(table.contains("not priced"), "{table}");
}

#[test]
fn a_copy_of_an_unpriced_resource_is_unpriced_under_its_own_address() {
    // Equal values are priced once; what could not be priced is still listed per resource.
    let mut plan = plan_json("fixtures/tf/unknown-instance-type/plan.json");
    for list in ["/resource_changes", "/configuration/root_module/resources"] {
        let list = plan.pointer_mut(list).unwrap();
        push_copy(list, "aws_instance.bad", "aws_instance.bad2");
    }
    let r = breakdown_of("unpriced-copy", &plan);
    let addresses: Vec<&str> = project(&r)["unpriced"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["address"].as_str().unwrap())
        .collect();
    assert_eq!(addresses, ["aws_instance.bad", "aws_instance.bad2"]);
}

#[test]
fn a_resource_without_a_region_is_an_error_naming_it() {
    let plan = fixture("realplans/06-checkov-eks_node_group_remote_access.json");
    let out = run(&["breakdown", plan.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("aws_eks_node_group.test"),
        "{}",
        stderr(&out)
    );
    // AWS_REGION supplies it, as it does for Terraform.
    let out = plancost()
        .args(["breakdown", "--format", "json", plan.to_str().unwrap()])
        .env("AWS_REGION", "us-east-1")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn every_real_plan_loads() {
    let dir = fixture("realplans");
    let mut plans: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    plans.sort();
    assert_eq!(plans.len(), 15);
    for plan in plans {
        let out = plancost()
            .args(["breakdown", "--format", "json", plan.to_str().unwrap()])
            .env("AWS_REGION", "us-east-1")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}: {}", plan.display(), stderr(&out));
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let p = project(&report);
        // Nothing is dropped: every managed resource is priced or listed as skipped.
        let listed =
            p["resources"].as_array().unwrap().len() + p["skipped"].as_array().unwrap().len();
        assert!(listed > 0, "{}: no resources listed", plan.display());
    }
}

/// The instances plan with its resource changes edited by `edit`, priced.
fn breakdown_of_edited_plan(
    plan: &str,
    name: &str,
    edit: impl FnOnce(&mut Vec<serde_json::Value>),
) -> Value {
    let mut plan = plan_json(&format!("fixtures/{plan}"));
    edit(plan["resource_changes"].as_array_mut().unwrap());
    breakdown_of(name, &plan)
}

#[test]
fn a_resource_whose_values_are_only_in_planned_values_is_still_priced() {
    // The loader takes values from resource_changes; a plan that lists a resource in
    // planned_values without a change (as -target and drift plans do) is read again keeping
    // planned values, and prices the same.
    let whole = breakdown_json(&fixture("tf/instances/plan.json"));
    let edited = breakdown_of_edited_plan("tf/instances/plan.json", "planned-only", |changes| {
        changes.retain(|c| c["address"] != "aws_instance.web");
    });
    let (before, after) = (
        resource(&whole, "aws_instance.web"),
        resource(&edited, "aws_instance.web"),
    );
    assert_eq!(after["monthly_cost"], before["monthly_cost"]);
    assert_eq!(after["components"], before["components"]);
    // Without its change, nothing says it is being created.
    assert_eq!(after["action"], "no-op");
    let addresses = |r: &Value| -> Vec<Value> {
        project(r)["resources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["address"].clone())
            .collect()
    };
    assert_eq!(addresses(&edited), addresses(&whole));
}

#[test]
fn a_deposed_object_does_not_change_the_current_resource() {
    // create_before_destroy leaves the old object deposed at the same address; its deletion
    // is not the current object's change.
    let whole = breakdown_json(&fixture("tf/instances/plan.json"));
    let edited = breakdown_of_edited_plan("tf/instances/plan.json", "deposed", |changes| {
        let mut deposed = changes
            .iter()
            .find(|c| c["address"] == "aws_instance.web")
            .unwrap()
            .clone();
        deposed["deposed"] = serde_json::json!("a1b2c3d4");
        deposed["change"]["actions"] = serde_json::json!(["delete"]);
        deposed["change"]["before"] = deposed["change"]["after"].clone();
        deposed["change"]["after"] = serde_json::Value::Null;
        changes.push(deposed);
    });
    let web = resource(&edited, "aws_instance.web");
    assert_eq!(web["action"], "create");
    assert_eq!(
        web["monthly_cost"],
        resource(&whole, "aws_instance.web")["monthly_cost"]
    );
    assert_eq!(
        project(&edited)["total_monthly_cost"],
        project(&whole)["total_monthly_cost"]
    );
}

#[test]
fn changes_listed_out_of_the_trees_order_give_the_same_report() {
    // Terraform lists resource changes in the order of planned_values and prior_state, and the
    // loader then takes them as they come; in any other order it places each by address.
    let plan = "tf/replace-and-delete/plan.json";
    let whole = breakdown_json(&fixture(plan));
    let edited = breakdown_of_edited_plan(plan, "reversed-changes", |changes| changes.reverse());
    assert!(project(&whole)["resources"].as_array().unwrap().len() > 1);
    // All but the name and path, which are the edited copy's.
    let without_names = |report: &Value| {
        let mut project = project(report).clone();
        let fields = project.as_object_mut().unwrap();
        fields.remove("name");
        fields.remove("path");
        project
    };
    assert_eq!(without_names(&edited), without_names(&whole));
}

/// `replicas` copies of the instances plan under `module.r["N"]`, written compactly as
/// Terraform writes plans. With `mode_first`, every resource change starts with its `mode`
/// key, and `after` carries a list of look-alike objects (`{"address": ...}`): the only
/// `,{"address":"` left in `resource_changes` is inside values.
fn replicated_instances_plan(name: &str, replicas: usize, mode_first: bool) -> std::path::PathBuf {
    use serde_json::json;
    let plan: Value =
        serde_json::from_slice(&std::fs::read(fixture("tf/instances/plan.json")).unwrap()).unwrap();
    let root = &plan["planned_values"]["root_module"];
    let (mut modules, mut changes) = (Vec::new(), Vec::new());
    for i in 0..replicas {
        let prefix = format!("module.r[\"{i}\"]");
        let mut module = root.clone();
        module["address"] = json!(prefix);
        for r in module["resources"].as_array_mut().unwrap() {
            r["address"] = json!(format!("{prefix}.{}", r["address"].as_str().unwrap()));
        }
        modules.push(module);
        for rc in plan["resource_changes"].as_array().unwrap() {
            let mut rc = rc.clone();
            rc["address"] = json!(format!("{prefix}.{}", rc["address"].as_str().unwrap()));
            rc["module_address"] = json!(prefix);
            let text = if mode_first {
                let decoys: Vec<Value> = (0..20)
                    .map(|d| json!({"address": format!("decoy-{d}")}))
                    .collect();
                rc["change"]["after"]["decoys"] = json!(decoys);
                let mode = rc["mode"].take();
                rc.as_object_mut().unwrap().remove("mode");
                // Written by hand: serde_json writes keys in sorted order.
                let rest = serde_json::to_string(&rc).unwrap();
                format!("{{\"mode\":{mode},{}", &rest[1..])
            } else {
                serde_json::to_string(&rc).unwrap()
            };
            changes.push(text);
        }
    }
    let mut config = plan["configuration"].clone();
    let inner = config["root_module"].clone();
    config["root_module"] = json!({"module_calls": {"r": {"source": "./r", "module": inner}}});
    let large = format!(
        "{{\"format_version\":{},\"terraform_version\":{},\"planned_values\":{},\"resource_changes\":[{}],\"configuration\":{}}}",
        plan["format_version"],
        plan["terraform_version"],
        json!({"root_module": {"child_modules": modules}}),
        changes.join(","),
        config,
    );
    let path = scratch_dir(name).join("plan.json");
    std::fs::write(&path, large).unwrap();
    path
}

#[test]
fn a_large_plan_read_by_two_threads_prices_every_copy_once() {
    // Above 16 MB, a second thread reads the second part of resource_changes from an element
    // boundary it guesses; the first thread takes that part only if it arrives exactly there.
    let single =
        money(&project(&breakdown_json(&fixture("tf/instances/plan.json")))["total_monthly_cost"]);
    let replicas = 1_200;
    for (mode_first, split_expected) in [(false, true), (true, false)] {
        let plan = replicated_instances_plan("two-threads", replicas, mode_first);
        assert!(std::fs::metadata(&plan).unwrap().len() > 16 << 20);
        let out = plancost()
            .args(["breakdown", "--format", "json", plan.to_str().unwrap()])
            .env("PLANCOST_TIMINGS", "1")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            money(&project(&report)["total_monthly_cost"]),
            single * rust_decimal::Decimal::from(replicas),
            "mode first: {mode_first}"
        );
        assert_eq!(
            project(&report)["resources"].as_array().unwrap().len(),
            replicas
                * project(&breakdown_json(&fixture("tf/instances/plan.json")))["resources"]
                    .as_array()
                    .unwrap()
                    .len()
        );
        // Where the only boundaries look-alikes are inside values, the guess is refused.
        assert_eq!(
            stderr(&out).contains("read in two parts"),
            split_expected,
            "mode first: {mode_first}: {}",
            stderr(&out)
        );
    }
}
