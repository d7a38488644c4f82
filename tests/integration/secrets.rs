//! Values Terraform marks sensitive and provider credentials never appear in any output.

use crate::harness::*;

/// Secrets planted in the fixtures (see fixtures/README.md).
const PLANTED: &[&str] = &[
    "Sup3rS3cret-plancost-planted", // tf/instances: sensitive variable
    "AKIAPLANCOSTFAKEKEY01",        // every tf/ fixture: provider access_key
    "plancost/fixture/secret/key/never+print+000000", // every tf/ fixture: provider secret_key
    "plancost-planted-db-secret-0001", // infra/: RDS password
    "AKIAIOSFODNN7EXAMPLE",         // realplans/05: TerraGoat credentials
    "foobarbaz",                    // realplans/15: sensitive RDS password
    "YourPwdShouldBeLongAndSecure!", // realplans/03: RDS password
];

#[test]
fn no_format_prints_a_planted_secret() {
    let plans = [
        fixture("tf/instances/plan.json"),
        fixture("tf/eks/plan.json"),
        repo().join("infra/phase1/plan.json"),
        repo().join("infra/phase2/plan.json"),
        fixture("realplans/05-checkov-terragoat-55-resources.json"),
        fixture("realplans/15-snyk-policy-engine-db_instance-sensitive.json"),
        fixture("realplans/03-infracost-terraform_v0.14_plan.json"),
    ];
    for plan in &plans {
        let text = std::fs::read_to_string(plan).unwrap();
        assert!(
            PLANTED.iter().any(|s| text.contains(s)),
            "{} holds no planted secret",
            plan.display()
        );
        for format in ["table", "json"] {
            let out = plancost()
                .args(["breakdown", "--format", format, plan.to_str().unwrap()])
                .env("AWS_REGION", "us-east-1")
                .output()
                .unwrap();
            assert!(out.status.success(), "{}: {}", plan.display(), stderr(&out));
            let all = format!("{}{}", stdout(&out), stderr(&out));
            for secret in PLANTED {
                assert!(
                    !all.contains(secret),
                    "{} --format {format} printed {secret}",
                    plan.display()
                );
            }
        }
    }
}

#[test]
fn sensitive_values_are_removed_at_load() {
    let plan = fixture("tf/instances/plan.json");
    // Every attribute kept, so that redaction is seen to null the sensitive one only (by
    // default the loader keeps neither: pricing reads only `tier`).
    let loaded = plancost::terraform::keeping_everything(|| {
        plancost::terraform::load_file(&plan, &Default::default()).unwrap()
    });
    let ssm = loaded
        .after
        .iter()
        .find(|r| r.address == "aws_ssm_parameter.db_password")
        .unwrap();
    assert!(
        ssm.values["value"].is_null(),
        "the sensitive value was kept"
    );
    assert_eq!(ssm.values["type"], "SecureString");
}
