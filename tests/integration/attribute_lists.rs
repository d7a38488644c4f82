//! The plan loader keeps only the attributes pricing reads (`aws::attributes`). This prices every
//! plan fixture with and without that cut, alone and with every usage file, and requires the same
//! reports and the same errors: a mapping that reads an attribute its type's list lacks fails
//! here.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use plancost::estimate::{self, ProjectInput, SourcesUsed};
use plancost::terraform::{self, LoadOptions};

use crate::harness::repo;

fn plans() -> Vec<PathBuf> {
    let root = repo();
    let mut out = vec![
        root.join("infra/phase1/plan.json"),
        root.join("infra/phase2/plan.json"),
    ];
    for dir in ["fixtures/tf", "fixtures/realplans", "fixtures/bad/plan"] {
        for entry in std::fs::read_dir(root.join(dir)).expect("fixture directory") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() && path.join("plan.json").exists() {
                out.push(path.join("plan.json"));
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn usage_files() -> Vec<Option<PathBuf>> {
    let mut out = vec![None];
    for dir in ["fixtures/usage", "infra/usage"] {
        for entry in std::fs::read_dir(repo().join(dir)).expect("usage directory") {
            out.push(Some(entry.expect("directory entry").path()));
        }
    }
    out.sort();
    out
}

/// The report of one plan as JSON, or the error's message.
fn price(
    plan: &Path,
    usage: &plancost::usage::Usage,
    book: &plancost::pricing::PriceBook,
) -> Result<serde_json::Value, String> {
    let options = LoadOptions {
        env_region: Some("eu-west-1".into()),
        ..Default::default()
    };
    let resources = terraform::load_file(plan, &options).map_err(|e| e.to_string())?;
    let mut used = SourcesUsed::default();
    let project = estimate::price_project(
        ProjectInput {
            name: "p".into(),
            path: plan.display().to_string(),
            resources,
            usage,
            categories: &BTreeMap::new(),
            pricing_date: "2026-01-15",
        },
        book,
        &mut used,
    )
    .map_err(|e| e.to_string())?;
    let report = estimate::report(vec![project], book, used, "2026-01-15T00:00:00Z".into());
    Ok(serde_json::to_value(&report).expect("a report serialises"))
}

#[test]
fn every_fixture_prices_the_same_with_only_the_listed_attributes() {
    let book = plancost::open_book(None, None, None).expect("the bundled prices");
    let mut compared = 0;
    for usage_path in usage_files() {
        let mut warnings = Vec::new();
        let Ok(usage) = plancost::load_usage(usage_path.as_deref(), &mut warnings) else {
            continue;
        };
        for plan in plans() {
            let cut = price(&plan, &usage, &book);
            let whole = terraform::keeping_everything(|| price(&plan, &usage, &book));
            assert!(
                cut == whole,
                "{} with usage {:?}: the report differs when only the listed attributes are kept",
                plan.display(),
                usage_path
            );
            compared += usage_path.is_none() as usize;
        }
    }
    assert!(compared > 40, "only {compared} plans found");
}

#[test]
fn values_pricing_does_not_read_are_not_kept() {
    let plan = repo().join("fixtures/tf/instances/plan.json");
    let loaded = terraform::load_file(&plan, &Default::default()).expect("the plan loads");
    let ssm = loaded
        .after
        .iter()
        .find(|r| r.address == "aws_ssm_parameter.db_password")
        .expect("the parameter");
    let kept: Vec<&String> = ssm.values.as_object().expect("an object").keys().collect();
    // `tier` decides whether the parameter is billed; the (sensitive) value and its type are
    // never needed.
    assert!(
        kept.iter()
            .all(|k| ["arn", "id", "name", "region", "tier"].contains(&k.as_str())),
        "{kept:?}"
    );
    assert!(ssm.values.get("value").is_none() && ssm.values.get("type").is_none());
}
