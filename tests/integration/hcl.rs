//! HCL mode: a directory priced without Terraform must cost what Terraform's own plan of the same
//! files costs. The differential test runs `plancost breakdown` on each directory and on the
//! `plan.json` real Terraform made from it (scripts/regen-plans.sh), and compares the priced
//! addresses, each resource's monthly cost and the total.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use serde_json::Value;

use crate::harness::*;

/// Root modules with a plan of the same HCL and no prior state, and the extra arguments the plan
/// was made with.
const DIFFERENTIAL: &[(&str, &[&str])] = &[
    ("fixtures/tf/eks", &[]),
    ("fixtures/tf/instances", &[]),
    ("fixtures/tf/multi-region", &[]),
    ("fixtures/tf/unknown-instance-type", &[]),
    (
        "fixtures/tf/hcl-features",
        &["--var-file", "fixtures/tf/hcl-features/plan.tfvars"],
    ),
    ("infra/phase1", &[]),
    ("infra/phase2", &[]),
    ("fixtures/tf/asg-launch-template", &[]),
    ("fixtures/tf/asg-launch-configuration", &[]),
    ("fixtures/tf/asg-mixed-instances", &[]),
    ("fixtures/tf/instance-tenancy", &[]),
];

fn breakdown(args: &[&str]) -> Value {
    let mut all = vec!["breakdown", "--format", "json"];
    all.extend_from_slice(args);
    let out = run(&all);
    assert!(
        out.status.success(),
        "plancost {all:?} failed: {}",
        stderr(&out)
    );
    serde_json::from_slice(&out.stdout).expect("the JSON report parses")
}

fn costs(report: &Value) -> BTreeMap<String, Decimal> {
    project(report)["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["address"].as_str().unwrap().to_string(),
                money(&r["monthly_cost"]),
            )
        })
        .collect()
}

#[test]
fn hcl_mode_prices_what_terraforms_plan_prices() {
    for (dir, extra) in DIFFERENTIAL {
        let mut args: Vec<&str> = vec![dir];
        args.extend_from_slice(extra);
        let hcl = breakdown(&args);
        let plan_path = format!("{dir}/plan.json");
        let plan = breakdown(&[&plan_path]);
        assert_eq!(
            costs(&hcl),
            costs(&plan),
            "{dir}: priced resources or their costs differ between HCL mode and the plan"
        );
        assert_eq!(
            money(&project(&hcl)["total_monthly_cost"]),
            money(&project(&plan)["total_monthly_cost"]),
            "{dir}: total differs"
        );
        let skipped = |r: &Value| -> Vec<String> {
            let mut v: Vec<String> = project(r)["skipped"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["address"].as_str().unwrap().to_string())
                .collect();
            v.sort();
            v
        };
        assert_eq!(
            skipped(&hcl),
            skipped(&plan),
            "{dir}: skipped resources differ"
        );
        assert!(
            !costs(&hcl).is_empty(),
            "{dir}: nothing priced, the comparison would prove nothing"
        );
    }
}

#[test]
fn hcl_features_fixture_prices_the_hand_checked_figures() {
    let report = breakdown(&[
        "fixtures/tf/hcl-features",
        "--var-file",
        "fixtures/tf/hcl-features/plan.tfvars",
    ]);
    // zz.auto.tfvars wins over terraform.tfvars: pool "general" is t3.large x 2 with 40 GB roots,
    // eu-west-1 t3.large $0.0912/h x 730 h = $66.576.
    assert_component(
        &report,
        r#"module.pool["general"].aws_instance.this[1]"#,
        "Instance usage",
        "0.0912",
        "66.576",
    );
    // The disks module exists because the pools' outputs count 3 instances; its first volume is
    // 100 GB x 10 = 1000 GB of sc1 at $0.0168 = $16.80.
    assert_component(
        &report,
        "module.disks[0].aws_ebs_volume.copy[0]",
        "Storage (sc1, 1000 GB)",
        "0.0168",
        "16.8",
    );
    // The alias provider's region comes from var.dr_region: us-east-1 m5.large $0.096 x 730.
    assert_component(
        &report,
        "aws_instance.dr[0]",
        "Instance usage",
        "0.096",
        "70.08",
    );
    // plan.tfvars (--var-file) gives three scratch disks to the dynamic block: st1 30 GB x $0.05.
    assert_component(
        &report,
        "aws_instance.bastion[0]",
        "Block device (st1, 30 GB)",
        "0.05",
        "1.5",
    );
}

#[test]
fn var_overrides_every_file_and_tf_var_is_read() {
    // --var web_count=1 beats plan.tfvars' 3: only web0 (t3.small) remains.
    let report = breakdown(&[
        "fixtures/tf/hcl-features",
        "--var-file",
        "fixtures/tf/hcl-features/plan.tfvars",
        "--var",
        "web_count=1",
    ]);
    let addresses = costs(&report);
    assert!(addresses.contains_key(r#"aws_instance.web["web0"]"#));
    assert!(!addresses.contains_key(r#"aws_instance.web["web1"]"#));

    // TF_VAR_ is below the tfvars files: terraform.tfvars' web_count = 2 still wins over it.
    let out = plancost()
        .args(["breakdown", "--format", "json", "fixtures/tf/hcl-features"])
        .env("TF_VAR_web_count", "5")
        .env("TF_VAR_dr_region", "eu-west-1")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let addresses = costs(&report);
    assert!(addresses.contains_key(r#"aws_instance.web["web1"]"#));
    assert!(!addresses.contains_key(r#"aws_instance.web["web2"]"#));
    // ... but TF_VAR_dr_region, set nowhere else, moves the alias to eu-west-1: m5.large $0.107.
    assert_component(
        &report,
        "aws_instance.dr[0]",
        "Instance usage",
        "0.107",
        "78.11",
    );
}

/// A scratch directory holding `files`, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str, files: &[(&str, &str)]) -> Scratch {
        let dir = std::env::temp_dir().join(format!("plancost-hcl-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (path, text) in files {
            let p = dir.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        Scratch(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const PROVIDER: &str = r#"provider "aws" { region = "us-east-1" }"#;

#[test]
fn syntax_errors_name_file_line_and_column_with_the_source_line() {
    let dir = Scratch::new(
        "syntax",
        &[(
            "main.tf",
            "resource \"aws_instance\" \"a\" {\n  instance_type = \"t3.micro\n}\n",
        )],
    );
    let out = run(&["breakdown", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("main.tf:2:"), "{err}");
    assert!(
        err.contains("instance_type = \"t3.micro"),
        "the source line is quoted: {err}"
    );
}

#[test]
fn evaluation_errors_point_at_the_expression() {
    let dir = Scratch::new(
        "evalerr",
        &[
            ("providers.tf", PROVIDER),
            (
                "main.tf",
                "locals {\n  n = 2\n}\n\nresource \"aws_instance\" \"a\" {\n  instance_type = upper(local.nope)\n}\n",
            ),
        ],
    );
    let out = run(&["breakdown", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("main.tf:6:"), "{err}");
    assert!(err.contains("nope"), "{err}");
    assert!(
        err.contains("6 |   instance_type = upper(local.nope)"),
        "{err}"
    );
}

#[test]
fn a_module_that_is_not_installed_is_skipped_with_the_reason() {
    let dir = Scratch::new(
        "remote",
        &[
            ("providers.tf", PROVIDER),
            (
                "main.tf",
                "module \"vpc\" {\n  source = \"terraform-aws-modules/vpc/aws\"\n}\n\nresource \"aws_instance\" \"a\" {\n  instance_type = \"t3.micro\"\n  subnet_id = module.vpc.private_subnets[0]\n}\n",
            ),
        ],
    );
    let report = breakdown(&[dir.path().to_str().unwrap()]);
    let skipped = &project(&report)["skipped"];
    let vpc = skipped
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["address"] == "module.vpc")
        .unwrap_or_else(|| panic!("module.vpc not in skipped: {skipped}"));
    assert!(
        vpc["reason"]
            .as_str()
            .unwrap()
            .contains("module not available"),
        "{vpc}"
    );
    // The resource that uses its output is still priced: t3.micro $0.0104 x 730 = $7.592.
    assert_component(
        &report,
        "aws_instance.a",
        "Instance usage",
        "0.0104",
        "7.592",
    );
}

#[test]
fn installed_registry_modules_are_read_from_modules_json() {
    let dir = Scratch::new(
        "installed",
        &[
            ("providers.tf", PROVIDER),
            (
                "main.tf",
                "module \"disks\" {\n  source  = \"example/disks/aws\"\n  version = \"1.0.0\"\n  size    = 40\n}\n",
            ),
            (
                ".terraform/modules/modules.json",
                r#"{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"disks","Source":"registry.terraform.io/example/disks/aws","Version":"1.0.0","Dir":".terraform/modules/disks"}]}"#,
            ),
            (
                ".terraform/modules/disks/main.tf",
                "variable \"size\" { type = number }\nresource \"aws_ebs_volume\" \"d\" {\n  availability_zone = \"us-east-1a\"\n  size = var.size\n  type = \"gp3\"\n}\n",
            ),
        ],
    );
    let report = breakdown(&[dir.path().to_str().unwrap()]);
    // 40 GB gp3 at $0.08 (us-east-1) = $3.20.
    assert_component(
        &report,
        "module.disks.aws_ebs_volume.d",
        "Storage (gp3, 40 GB)",
        "0.08",
        "3.2",
    );
}

#[test]
fn an_unknown_count_prices_one_instance_and_says_so() {
    let dir = Scratch::new(
        "unknowncount",
        &[
            ("providers.tf", PROVIDER),
            (
                "main.tf",
                "resource \"aws_ebs_volume\" \"seed\" {\n  availability_zone = \"us-east-1a\"\n  size = 10\n}\n\nresource \"aws_instance\" \"a\" {\n  count = length(aws_ebs_volume.seed.id) > 3 ? 2 : 0\n  instance_type = \"t3.micro\"\n}\n",
            ),
        ],
    );
    let loaded =
        plancost::terraform::hcl::load_dir(dir.path(), &Default::default(), &Default::default())
            .unwrap();
    let a: Vec<_> = loaded.after.iter().filter(|r| r.name == "a").collect();
    assert_eq!(a.len(), 1, "one instance stands in for an unknown count");
    assert_eq!(a[0].address, "aws_instance.a[0]");
    assert!(
        a[0].is_unknown("count"),
        "the fallback is marked: {:?}",
        a[0].unknown
    );
    let report = breakdown(&[dir.path().to_str().unwrap()]);
    let c = component(&report, "aws_instance.a[0]", "Instance usage");
    assert!(
        c["notes"]
            .to_string()
            .contains("count known only after apply"),
        "{c}"
    );
}

#[test]
fn hcl_mode_never_prints_a_planted_secret() {
    for dir in ["fixtures/tf/instances", "infra/phase1", "infra/phase2"] {
        for format in ["table", "json"] {
            let out = run(&["breakdown", "--format", format, dir]);
            assert!(out.status.success(), "{dir}: {}", stderr(&out));
            let all = format!("{}{}", stdout(&out), stderr(&out));
            for secret in [
                "Sup3rS3cret-plancost-planted",
                "plancost-planted-db-secret-0001",
                "AKIAPLANCOSTFAKEKEY01",
            ] {
                assert!(
                    !all.contains(secret),
                    "{dir} --format {format} printed {secret}"
                );
            }
        }
    }
    let loaded = plancost::terraform::hcl::load_dir(
        Path::new("fixtures/tf/instances"),
        &Default::default(),
        &Default::default(),
    )
    .unwrap();
    let ssm = loaded
        .after
        .iter()
        .find(|r| r.address == "aws_ssm_parameter.db_password")
        .unwrap();
    assert!(
        ssm.values["value"].is_null(),
        "the sensitive value was kept"
    );
}
