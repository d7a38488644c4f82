//! Auto-scaling groups against real plans: fixtures/tf/asg-* (us-east-1), instance-tenancy
//! (eu-west-1) and the real ASG plans of other projects (fixtures/realplans/08 and 14, eu-west-1).
//!
//! us-east-1 prices: EC2 on demand from Karpenter's table (m5.large $0.096, m5.xlarge $0.192,
//! c5.xlarge $0.17, t3.medium $0.0416); Spot = on demand × (1 − s/100) with the Spot Instance
//! Advisor's us-east-1 Linux savings s (m5.large 66, m5.xlarge 66, c5.xlarge 56); EBS gp2
//! $0.10/GB, gp3 $0.08/GB and $0.005 per IOPS above 3,000; CloudWatch custom metrics $0.30;
//! CPU credits (t3) $0.05 per vCPU-hour.
//! eu-west-1 prices (offer file of 2023-02-23): m5.large $0.107 shared, $0.114 dedicated;
//! t2.micro $0.0126, t2.nano $0.0063; gp2 $0.11, gp3 $0.088, sc1 $0.0168, io1 $0.138/GB and
//! $0.072/IOPS; custom metrics $0.30.

use crate::harness::*;
use crate::mapping_harness::*;

const TEMPLATE: &str = "fixtures/tf/asg-launch-template/plan.json";
const CONFIGURATION: &str = "fixtures/tf/asg-launch-configuration/plan.json";
const MIXED: &str = "fixtures/tf/asg-mixed-instances/plan.json";
const TENANCY: &str = "fixtures/tf/instance-tenancy/plan.json";

fn note_of(r: &serde_json::Value, address: &str, prefix: &str) -> String {
    component(r, address, prefix)["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect::<Vec<_>>()
        .join(" | ")
}

#[test]
fn a_group_is_priced_from_its_launch_template_by_id() {
    let r = breakdown_with(TEMPLATE, None, &[]);
    let web = "aws_autoscaling_group.web";
    // desired_capacity 3 (min_size 2 is not used): 3 × 730 h × m5.large $0.096 = $210.24.
    assert_component(
        &r,
        web,
        "Instance usage (Linux/UNIX, on-demand, m5.large)",
        "0.096",
        "210.24",
    );
    // Every block device of the template, once per instance: 3 × 50 GB gp3 × $0.08 = $12;
    // 3 × (4,000 − 3,000) IOPS × $0.005 = $15; 3 × 100 GB gp2 × $0.10 = $30.
    assert_component(&r, web, "Block device (gp3, 50 GB)", "0.08", "12");
    assert_component(
        &r,
        web,
        "Block device provisioned IOPS above 3,000",
        "0.005",
        "15",
    );
    assert_component(&r, web, "Block device (gp2, 100 GB)", "0.10", "30");
    // monitoring { enabled = true }: 7 metrics × 3 instances × $0.30 = $6.30.
    assert_component(&r, web, "Detailed monitoring", "0.30", "6.3");
    // 210.24 + 12 + 15 + 30 + 6.3 = 273.54
    assert_eq!(resource_cost(&r, web), dec("273.54"));
}

#[test]
fn a_group_without_desired_capacity_runs_min_size_from_a_template_found_by_name() {
    let r = breakdown_with(TEMPLATE, None, &[]);
    let batch = "aws_autoscaling_group.batch";
    // min_size 2; the template asks for spot: c5.xlarge $0.17 × (1 − 0.56) = $0.0748/h,
    // × 2 × 730 h = $109.208.
    assert_component(
        &r,
        batch,
        "Instance usage (Linux/UNIX, spot, c5.xlarge)",
        "0.0748",
        "109.208",
    );
    assert!(note_of(&r, batch, "Instance usage").contains("min_size (2)"));
    // No block device in the template: the AMI's root volume, 8 GB gp2 assumed, 2 × 8 × $0.10.
    assert_component(&r, batch, "Root volume (gp2, 8 GB)", "0.10", "1.6");
    assert_eq!(resource_cost(&r, batch), dec("110.808"));
    // Templates cost nothing on their own, used or not: 273.54 + 110.808 = 384.348.
    assert_eq!(money(&project(&r)["total_monthly_cost"]), dec("384.348"));
    let skipped = project(&r)["skipped"].as_array().unwrap();
    for name in ["web", "spot", "unused"] {
        let address = format!("aws_launch_template.{name}");
        assert!(
            skipped
                .iter()
                .any(|s| s["address"] == address.as_str() && s["reason"] == "free"),
            "{address} is free: {skipped:?}"
        );
    }
}

#[test]
fn a_group_is_priced_from_its_launch_configuration() {
    let r = breakdown_with(CONFIGURATION, None, &[]);
    let app = "aws_autoscaling_group.app";
    // 4 × 730 h × t3.medium $0.0416 = $121.472.
    assert_component(
        &r,
        app,
        "Instance usage (Linux/UNIX, on-demand, t3.medium)",
        "0.0416",
        "121.472",
    );
    // root_block_device 30 GB gp3 × 4 × $0.08 = $9.60; ebs_block_device 100 GB gp2 × 4 × $0.10.
    assert_component(&r, app, "Root volume (gp3, 30 GB)", "0.08", "9.6");
    assert_component(&r, app, "Block device (gp2, 100 GB)", "0.10", "40");
    // enable_monitoring defaults to true in a launch configuration: 7 × 4 × $0.30 = $8.40.
    assert_component(&r, app, "Detailed monitoring", "0.30", "8.4");
    // t3 runs unlimited by default: surplus credits depend on usage.
    assert!(depends_on_usage(&r, app, "CPU credits (unlimited, t3)"));
    // 121.472 + 9.6 + 40 + 8.4 = 179.472
    assert_eq!(resource_cost(&r, app), dec("179.472"));

    let workers = "aws_autoscaling_group.workers";
    // spot_price makes every instance Spot: m5.large $0.096 × (1 − 0.66) = $0.03264/h,
    // min_size 3 × 730 h = 2,190 h → $71.4816. No root_block_device: 3 × 8 GB gp2 = $2.40.
    // enable_monitoring = false: no monitoring line.
    assert_component(
        &r,
        workers,
        "Instance usage (Linux/UNIX, spot, m5.large)",
        "0.03264",
        "71.4816",
    );
    assert_component(&r, workers, "Root volume (gp2, 8 GB)", "0.10", "2.4");
    // associate_public_ip_address = true: one in-use public IPv4 address per instance,
    // 3 × 730 h × $0.005 = $10.95.
    assert_component(&r, workers, "Public IPv4 addresses", "0.005", "10.95");
    assert_eq!(
        component_names(&r, workers),
        [
            "Instance usage (Linux/UNIX, spot, m5.large)",
            "Root volume (gp2, 8 GB)",
            "Public IPv4 addresses (in use, one per instance)"
        ]
    );
    // 71.4816 + 2.4 + 10.95 = 84.8316
    assert_eq!(resource_cost(&r, workers), dec("84.8316"));
}

#[test]
fn cpu_credits_of_a_group_count_every_instance() {
    let r = breakdown_with(
        CONFIGURATION,
        Some("fixtures/usage/asg-launch-configuration.yml"),
        &[],
    );
    // 50 surplus hours × 2 vCPUs × 4 instances = 400 vCPU-hours × $0.05 = $20.
    assert_component(
        &r,
        "aws_autoscaling_group.app",
        "CPU credits (unlimited, t3)",
        "0.05",
        "20",
    );
}

#[test]
fn a_mixed_instances_policy_splits_on_demand_and_spot_as_aws_does() {
    let r = breakdown_with(MIXED, None, &[]);
    let mixed = "aws_autoscaling_group.mixed";
    // 9 instances, base 2, 25% above: 2 + ceil(7 × 0.25 = 1.75) = 4 on demand, 5 spot.
    // Priced as the first override, m5.xlarge: 4 × 730 = 2,920 h × $0.192 = $560.64;
    // spot $0.192 × (1 − 0.66) = $0.06528 × 5 × 730 = 3,650 h → $238.272.
    assert_component(
        &r,
        mixed,
        "Instance usage (Linux/UNIX, on-demand, m5.xlarge)",
        "0.192",
        "560.64",
    );
    assert_component(
        &r,
        mixed,
        "Instance usage (Linux/UNIX, spot, m5.xlarge)",
        "0.06528",
        "238.272",
    );
    let note = note_of(&r, mixed, "Instance usage (Linux/UNIX, spot");
    assert!(
        note.contains("4 on demand") && note.contains("5 spot"),
        "{note}"
    );
    assert!(note.contains("priced as the first, m5.xlarge"), "{note}");
    assert!(note.contains("price-capacity-optimized"), "{note}");
    // The template's 20 GB gp3 on each of the 9: 180 GB × $0.08 = $14.40.
    assert_component(&r, mixed, "Block device (gp3, 20 GB)", "0.08", "14.4");
    assert_eq!(resource_cost(&r, mixed), dec("813.312"));

    // 0% on demand, no overrides: the template's m5.large, min_size 3 all spot:
    // 2,190 h × $0.03264 = $71.4816, and 60 GB gp3 × $0.08 = $4.80.
    let all_spot = "aws_autoscaling_group.all_spot";
    assert_component(
        &r,
        all_spot,
        "Instance usage (Linux/UNIX, spot, m5.large)",
        "0.03264",
        "71.4816",
    );
    assert_eq!(resource_cost(&r, all_spot), dec("76.2816"));
    assert!(
        !component_names(&r, all_spot)
            .iter()
            .any(|n| n.contains("on-demand"))
    );

    // No instances_distribution: AWS's default 100% on demand. 2 × 730 h × c5.xlarge $0.17
    // = $248.20, and 40 GB gp3 × $0.08 = $3.20.
    let default = "aws_autoscaling_group.default_distribution";
    assert_component(
        &r,
        default,
        "Instance usage (Linux/UNIX, on-demand, c5.xlarge)",
        "0.17",
        "248.2",
    );
    assert_eq!(resource_cost(&r, default), dec("251.4"));

    // Weighted overrides: 10 units, 50% on demand → 5 units each; m5.large counts 2 units, so
    // ceil(5 / 2) = 3 on-demand and 3 spot instances. 3 × 730 = 2,190 h × $0.096 = $210.24;
    // 2,190 h × $0.03264 = $71.4816; 6 × 20 GB gp3 × $0.08 = $9.60.
    let weighted = "aws_autoscaling_group.weighted";
    assert_component(
        &r,
        weighted,
        "Instance usage (Linux/UNIX, on-demand, m5.large)",
        "0.096",
        "210.24",
    );
    assert_component(
        &r,
        weighted,
        "Instance usage (Linux/UNIX, spot, m5.large)",
        "0.03264",
        "71.4816",
    );
    assert_component(&r, weighted, "Block device (gp3, 20 GB)", "0.08", "9.6");
    assert!(note_of(&r, weighted, "Instance usage (Linux/UNIX, spot").contains("counts 2 units"));
    assert_eq!(resource_cost(&r, weighted), dec("291.3216"));

    // Capacity in vCPUs: the number of instances is not known; unpriced, with the reason.
    let by_vcpu = "aws_autoscaling_group.by_vcpu";
    let reason = unpriced_reason(&r, by_vcpu, "Instance usage").unwrap_or_default();
    assert!(
        reason.contains("desired_capacity_type = \"vcpu\""),
        "{reason:?}"
    );
    assert_eq!(resource_cost(&r, by_vcpu), dec("0"));

    // 813.312 + 76.2816 + 251.4 + 291.3216 = 1,432.3152
    assert_eq!(money(&project(&r)["total_monthly_cost"]), dec("1432.3152"));
}

#[test]
fn usage_instances_and_spot_price_override_the_group() {
    let r = breakdown_with(MIXED, Some("fixtures/usage/asg-mixed-instances.yml"), &[]);
    let mixed = "aws_autoscaling_group.mixed";
    // instances: 12 → 2 + ceil(10 × 0.25 = 2.5) = 5 on demand, 7 spot.
    // 5 × 730 = 3,650 h × $0.192 = $700.80; 7 × 730 = 5,110 h × $0.06528 = $333.5808;
    // 12 × 20 GB × $0.08 = $19.20.
    assert_component(
        &r,
        mixed,
        "Instance usage (Linux/UNIX, on-demand, m5.xlarge)",
        "0.192",
        "700.8",
    );
    assert_component(
        &r,
        mixed,
        "Instance usage (Linux/UNIX, spot, m5.xlarge)",
        "0.06528",
        "333.5808",
    );
    assert_component(&r, mixed, "Block device (gp3, 20 GB)", "0.08", "19.2");
    // spot_price_hourly 0.04 and monthly_hrs 100: 3 × 100 h × $0.04 = $12.
    let all_spot = "aws_autoscaling_group.all_spot";
    assert_component(
        &r,
        all_spot,
        "Instance usage (Linux/UNIX, spot, m5.large)",
        "0.04",
        "12",
    );
    // With `instances`, a group counted in vCPUs is still unpriced: its overrides name no
    // instance type (attribute-based selection), and the template's type is not what AWS uses.
    let reason = unpriced_reason(
        &r,
        "aws_autoscaling_group.by_vcpu",
        "Instance usage (attribute-based instance types)",
    )
    .unwrap_or_default();
    assert!(reason.contains("instance requirements"), "{reason:?}");
}

#[test]
fn dedicated_instances_are_priced_and_dedicated_hosts_are_not() {
    let r = breakdown_with(TENANCY, None, &[]);
    // tenancy = "dedicated": eu-west-1 EU-DedicatedUsage:m5.large $0.114 × 730 h = $83.22.
    assert_component(
        &r,
        "aws_instance.dedicated",
        "Instance usage (Linux/UNIX, dedicated, on-demand, m5.large)",
        "0.114",
        "83.22",
    );
    assert!(note_of(&r, "aws_instance.dedicated", "Instance usage").contains("per-region fee"));
    // placement_tenancy = "dedicated" in a launch configuration: 2 × 730 h × $0.114 = $166.44,
    // and 2 × 20 GB gp3 × $0.088 = $3.52.
    let group = "aws_autoscaling_group.dedicated";
    assert_component(
        &r,
        group,
        "Instance usage (Linux/UNIX, dedicated, on-demand, m5.large)",
        "0.114",
        "166.44",
    );
    assert_component(&r, group, "Root volume (gp3, 20 GB)", "0.088", "3.52");
    // On a Dedicated Host, per instance and per template placement: unpriced, with the reason.
    for address in ["aws_instance.on_host", "aws_autoscaling_group.on_host"] {
        let reason = unpriced_reason(
            &r,
            address,
            "Instance usage (Linux/UNIX, dedicated host, m5.large)",
        )
        .unwrap_or_else(|| panic!("{address} instance hours should be unpriced"));
        assert!(
            reason.contains("Dedicated Host") && reason.contains("per host"),
            "{reason}"
        );
    }
}

#[test]
fn the_real_cost_estimation_samples_plan_prices_both_groups() {
    // antonbabenko/terraform-cost-estimation's sample, Terraform 0.12, eu-west-1.
    let r = breakdown_with(
        "fixtures/realplans/08-cost-estimation-samples-plan.json",
        None,
        &[],
    );
    // Launch configuration t2.micro, desired_capacity 1: 730 h × $0.0126 = $9.198; root not
    // configured, 8 GB gp2 × $0.11 = $0.88; enable_monitoring true: 7 × $0.30 = $2.10.
    let lc = "aws_autoscaling_group.lc";
    assert_component(
        &r,
        lc,
        "Instance usage (Linux/UNIX, on-demand, t2.micro)",
        "0.0126",
        "9.198",
    );
    assert_component(&r, lc, "Root volume (gp2, 8 GB)", "0.11", "0.88");
    assert_component(&r, lc, "Detailed monitoring", "0.30", "2.1");
    assert_eq!(resource_cost(&r, lc), dec("12.178"));
    // Launch template t2.nano (found through the configuration's reference; its id is unknown):
    // 730 h × $0.0063 = $4.599. Its three block devices: 11 GB of unknown type, gp2 assumed
    // × $0.11 = $1.21; 21 GB sc1 × $0.0168 = $0.3528; 31 GB io1 × $0.138 = $4.278 and
    // 2,001 IOPS × $0.072 = $144.072.
    let lt = "aws_autoscaling_group.lt";
    assert_component(
        &r,
        lt,
        "Instance usage (Linux/UNIX, on-demand, t2.nano)",
        "0.0063",
        "4.599",
    );
    assert_component(&r, lt, "Block device (gp2, 11 GB)", "0.11", "1.21");
    assert!(note_of(&r, lt, "Block device (gp2, 11 GB)").contains("gp2 assumed"));
    assert_component(&r, lt, "Block device (sc1, 21 GB)", "0.0168", "0.3528");
    assert_component(&r, lt, "Block device (io1, 31 GB)", "0.138", "4.278");
    assert_component(
        &r,
        lt,
        "Block device provisioned IOPS (io1)",
        "0.072",
        "144.072",
    );
    // 4.599 + 1.21 + 0.3528 + 4.278 + 144.072 = 154.5118
    assert_eq!(resource_cost(&r, lt), dec("154.5118"));
}

#[test]
fn the_real_pennywise_plan_prices_min_size_instances() {
    // kaytu-io/pennywise's sample, Terraform 1.7, provider in eu-west-1; desired_capacity unset
    // and min_size 2; the launch configuration's name is known only after apply, so the group
    // finds it through the configuration's reference.
    let r = breakdown_with(
        "fixtures/realplans/14-pennywise-asg-elb-tf1.7.json",
        None,
        &[],
    );
    let asg = "aws_autoscaling_group.example";
    // 2 × 730 h × t2.micro $0.0126 = $18.396; 2 × 8 GB gp2 × $0.11 = $1.76;
    // monitoring on by default: 14 metrics × $0.30 = $4.20. Total $24.356.
    assert_component(
        &r,
        asg,
        "Instance usage (Linux/UNIX, on-demand, t2.micro)",
        "0.0126",
        "18.396",
    );
    assert_component(&r, asg, "Root volume (gp2, 8 GB)", "0.11", "1.76");
    assert_component(&r, asg, "Detailed monitoring", "0.30", "4.2");
    assert_eq!(resource_cost(&r, asg), dec("24.356"));
}

#[test]
fn a_template_named_by_value_without_a_reference_is_found_by_its_name() {
    // A group naming a template that already exists has no reference in the configuration:
    // the template is found by the value of its `name`.
    let edited = |template_name: &str| {
        let mut plan = plan_json(TEMPLATE);
        for change in plan["resource_changes"].as_array_mut().unwrap() {
            if change["address"] == "aws_autoscaling_group.batch" {
                change["change"]["after"]["launch_template"][0]["name"] = template_name.into();
            }
        }
        let config = &mut plan["configuration"]["root_module"]["resources"];
        for resource in config.as_array_mut().unwrap() {
            if let Some(template) = resource["expressions"]["launch_template"].get_mut(0) {
                for attribute in template.as_object_mut().unwrap().values_mut() {
                    attribute["references"] = serde_json::json!([]);
                }
            }
        }
        breakdown_of("template-by-name", &plan)
    };
    let batch = "aws_autoscaling_group.batch";
    // As with the reference: 2 × 730 h × c5.xlarge spot $0.0748 + 2 × 8 GB × $0.10 = $110.808.
    assert_eq!(resource_cost(&edited("batch-spot"), batch), dec("110.808"));
    // A name no template has: the spot template's instance type is not found.
    let unknown = edited("no-such-template");
    assert!(
        component_names(&unknown, batch)
            .iter()
            .all(|name| !name.contains("c5.xlarge")),
        "{:?}",
        component_names(&unknown, batch)
    );
}

#[test]
fn groups_with_equal_values_are_priced_from_their_own_templates() {
    // A copy of the web group, its values identical (the loader then shares them), whose
    // configuration refers to the spot template instead: resources alike are priced once only
    // when their mapping looked at no other resource, and a group looks at its template.
    let mut plan = plan_json(TEMPLATE);
    let (web, web2) = ("aws_autoscaling_group.web", "aws_autoscaling_group.web2");
    push_copy(&mut plan["resource_changes"], web, web2);
    let config = push_copy(
        &mut plan["configuration"]["root_module"]["resources"],
        web,
        web2,
    );
    config["expressions"]["launch_template"][0]["id"]["references"] =
        serde_json::json!(["aws_launch_template.spot.id", "aws_launch_template.spot"]);
    let r = breakdown_of("groups-alike", &plan);
    // web as before: 3 × 730 h × m5.large $0.096 = $210.24.
    assert_component(
        &r,
        "aws_autoscaling_group.web",
        "Instance usage (Linux/UNIX, on-demand, m5.large)",
        "0.096",
        "210.24",
    );
    // web2 from the spot template: 3 × 730 h × c5.xlarge $0.17 × (1 − 0.56) = $163.812.
    assert_component(
        &r,
        "aws_autoscaling_group.web2",
        "Instance usage (Linux/UNIX, spot, c5.xlarge)",
        "0.0748",
        "163.812",
    );
}
