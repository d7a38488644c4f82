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

/// An AWS access key ID, secret access key and CI token shaped like real ones (made up).
const KEY_ID: &str = "AKIAQWERTYUIOPASDFGH";
const SECRET_KEY: &str = "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";
const GITHUB_TOKEN: &str = "ghp_PlancostPlantedToken0123456789abcdef";
/// A token in no known shape: only its value in the environment lets plancost recognise it.
const ENV_TOKEN: &str = "plancost-env-token-value-2718";

/// Everything no output may contain.
fn planted() -> Vec<&'static str> {
    let mut all = PLANTED.to_vec();
    all.extend([KEY_ID, SECRET_KEY, GITHUB_TOKEN, ENV_TOKEN]);
    all
}

/// fixtures/tf/instances with credentials planted where plancost prints things: an instance
/// keyed by an access key ID (`for_each` over a variable) and tagged with a secret key, an
/// unsupported resource keyed by the secret key (listed as skipped), and one whose key is the
/// environment's token.
fn hostile_plan(dir: &std::path::Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(fixture("tf/instances/plan.json")).unwrap();
    let mut plan: serde_json::Value = serde_json::from_str(&text).unwrap();
    let changes = plan["resource_changes"].as_array_mut().unwrap();
    let instance = changes
        .iter()
        .find(|r| r["type"] == "aws_instance")
        .unwrap()
        .clone();
    let keyed = |address: String, resource_type: &str, name: &str, key: &str| {
        let mut r = instance.clone();
        r["address"] = address.into();
        r["type"] = resource_type.into();
        r["name"] = name.into();
        r["index"] = key.into();
        r["change"]["after"]["tags"] = serde_json::json!({ "Secret": SECRET_KEY, "Key": KEY_ID });
        r
    };
    changes.push(keyed(
        format!("aws_instance.keyed[\"{KEY_ID}\"]"),
        "aws_instance",
        "keyed",
        KEY_ID,
    ));
    changes.push(keyed(
        format!("aws_glue_job.etl[\"{SECRET_KEY}\"]"),
        "aws_glue_job",
        "etl",
        SECRET_KEY,
    ));
    changes.push(keyed(
        format!("aws_instance.env[\"{ENV_TOKEN}\"]"),
        "aws_instance",
        "env",
        ENV_TOKEN,
    ));
    let path = dir.join("hostile-plan.json");
    std::fs::write(&path, serde_json::to_string(&plan).unwrap()).unwrap();
    path
}

/// A Terraform directory with credentials in the provider, a sensitive variable, a `for_each`
/// key and a tag.
fn hostile_hcl(dir: &std::path::Path) -> std::path::PathBuf {
    let root = dir.join("hcl");
    std::fs::create_dir_all(root.join(".git")).unwrap();
    std::fs::write(
        root.join("main.tf"),
        format!(
            r#"provider "aws" {{
  region     = "us-east-1"
  access_key = "{KEY_ID}"
  secret_key = "{SECRET_KEY}"
}}
variable "key_ids" {{
  default = ["{KEY_ID}"]
}}
variable "db_password" {{
  default   = "Sup3rS3cret-plancost-planted"
  sensitive = true
}}
resource "aws_instance" "keyed" {{
  for_each      = toset(var.key_ids)
  instance_type = "t3.micro"
  tags          = {{ Secret = "{SECRET_KEY}", Password = var.db_password }}
}}
resource "aws_db_instance" "db" {{
  instance_class    = "db.t3.micro"
  engine            = "postgres"
  allocated_storage = 20
  password          = var.db_password
}}
"#
        ),
    )
    .unwrap();
    root
}

fn assert_clean(what: &str, text: &str) {
    for secret in planted() {
        assert!(!text.contains(secret), "{what} printed {secret}:\n{text}");
    }
}

/// Runs plancost with the tokens in its environment; stdout and stderr together.
fn output_of(args: &[&str]) -> (Option<i32>, String) {
    let out = plancost()
        .args(args)
        .env("AWS_REGION", "us-east-1")
        .env("GITHUB_TOKEN", GITHUB_TOKEN)
        .env("GITLAB_TOKEN", ENV_TOKEN)
        .output()
        .unwrap();
    (
        out.status.code(),
        format!("{}{}", stdout(&out), stderr(&out)),
    )
}

#[test]
fn planted_credentials_reach_the_report_and_are_scrubbed_from_every_output() {
    let dir = scratch_dir("secrets-everywhere");
    let plan = hostile_plan(&dir);
    let hcl = hostile_hcl(&dir);

    // Without the scrubber the credentials would be printed: the library's report holds them
    // (so the assertions below can fail).
    let outcome = plancost::breakdown(&plancost::BreakdownOptions {
        paths: vec![plan.clone()],
        load: plancost::terraform::LoadOptions {
            env_region: Some("us-east-1".into()),
            ..Default::default()
        },
        ..Default::default()
    })
    .unwrap();
    let raw = serde_json::to_string(&outcome.report).unwrap();
    assert!(raw.contains(KEY_ID) && raw.contains(SECRET_KEY) && raw.contains(ENV_TOKEN));

    let (p, h) = (plan.to_str().unwrap(), hcl.to_str().unwrap());
    let report = dir.join("report.json");
    let (code, text) = output_of(&[
        "breakdown",
        "--format",
        "json",
        "--out",
        report.to_str().unwrap(),
        p,
    ]);
    assert_eq!(code, Some(0), "{text}");
    assert_clean(
        "breakdown --out",
        &std::fs::read_to_string(&report).unwrap(),
    );
    let r = report.to_str().unwrap();

    let config = dir.join("plancost.yml");
    std::fs::write(
        &config,
        format!(
            "version: 1\nprojects:\n  - name: hostile\n    path: {p}\n    budget: {{ monthly: 1 }}\n  - name: hcl\n    path: {h}\n    budget: {{ monthly: 1 }}\nscenarios:\n  - name: as-planned\n    project: hostile\n    budget: 1\n"
        ),
    )
    .unwrap();
    let c = config.to_str().unwrap();

    let formats = ["table", "json", "markdown", "html", "infracost-json"];
    let mut runs: Vec<Vec<&str>> = Vec::new();
    for format in formats {
        runs.push(vec!["breakdown", "--format", format, p]);
        runs.push(vec!["breakdown", "--format", format, h]);
        runs.push(vec!["diff", "--format", format, p]);
        runs.push(vec!["diff", "--format", format, "--compare-to", r, p]);
        runs.push(vec!["merge", "--format", format, r]);
        runs.push(vec!["check", "--config", c, "--format", format]);
    }
    for format in ["table", "json", "markdown", "html"] {
        runs.push(vec!["forecast", "--config", c, "--format", format]);
    }
    for platform in ["github", "gitlab"] {
        runs.push(vec![
            "comment",
            platform,
            "--repo",
            "acme/infra",
            "--pr",
            "7",
            "--dry-run",
            r,
        ]);
    }
    for args in &runs {
        let (code, text) = output_of(args);
        assert!(
            matches!(code, Some(0 | 1)),
            "{args:?}: exit {code:?}: {text}"
        );
        assert!(!text.is_empty(), "{args:?} printed nothing");
        assert_clean(&format!("{args:?}"), &text);
    }
}

#[test]
fn error_messages_and_warnings_never_print_a_credential() {
    let dir = scratch_dir("secrets-errors");
    // A syntax error on the line of a secret key, and one on a password's line.
    for (name, line) in [
        ("key", format!("  secret_key = \"{SECRET_KEY}\" @@")),
        (
            "password",
            "  password = \"Sup3rS3cret-plancost-planted\" @@".to_string(),
        ),
        ("long", format!("  x = \"{}{KEY_ID}\" @@", "y".repeat(500))),
    ] {
        let root = dir.join(name);
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(
            root.join("main.tf"),
            format!("provider \"aws\" {{\n{line}\n}}\n"),
        )
        .unwrap();
        let (code, text) = output_of(&["breakdown", root.to_str().unwrap()]);
        assert_eq!(code, Some(2), "{text}");
        assert!(text.contains("main.tf:2:"), "{text}");
        assert_clean(name, &text);
    }
    // A plan cut right after a secret; a variable of the wrong type holding one.
    let text = std::fs::read_to_string(hostile_plan(&dir)).unwrap();
    let cut = dir.join("cut.json");
    std::fs::write(
        &cut,
        &text[..text.find(SECRET_KEY).unwrap() + SECRET_KEY.len() + 3],
    )
    .unwrap();
    let (code, out) = output_of(&["breakdown", cut.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{out}");
    assert_clean("a truncated plan", &out);
    let var = dir.join("var");
    std::fs::create_dir_all(&var).unwrap();
    std::fs::write(
        var.join("main.tf"),
        format!("variable \"n\" {{\n  type    = number\n  default = \"{SECRET_KEY}\"\n}}\nresource \"aws_instance\" \"a\" {{\n  count = var.n\n}}\n"),
    )
    .unwrap();
    let (code, out) = output_of(&["breakdown", var.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{out}");
    assert_clean("a wrongly typed variable", &out);
    // A usage file whose unknown key is a credential: a warning, scrubbed.
    let usage = dir.join("usage.yml");
    std::fs::write(
        &usage,
        format!("version: 0.1\nresource_usage:\n  aws_instance.default_root:\n    {KEY_ID}: 1\n"),
    )
    .unwrap();
    let (code, out) = output_of(&[
        "breakdown",
        "--usage-file",
        usage.to_str().unwrap(),
        fixture("tf/instances/plan.json").to_str().unwrap(),
    ]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("warning:") && out.contains("[redacted]"),
        "{out}"
    );
    assert_clean("a usage warning", &out);
}
