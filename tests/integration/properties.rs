//! Properties that hold for every fixture, checked in-process through the library (fast), and
//! random mutations of the fixtures fed to every reader (a fixed seed, so a failure reproduces):
//! - every total is the sum of its parts (components → resource → project → report, and
//!   categories → project);
//! - a JSON report round-trips (serialise → deserialise → equal);
//! - a plan compared with its own report changes nothing;
//! - merging one report gives that report's totals;
//! - no mutated plan, usage file, configuration, offer file, report or Terraform file panics.
//!
//! The mutation test stands beside the cargo-fuzz targets in fuzz/ (docs/fuzzing.md): those
//! need a nightly-capable toolchain and run for minutes; this runs in the normal suite in
//! seconds and keeps the readers honest on every change.

use std::path::PathBuf;

use plancost::report::Report;
use rust_decimal::Decimal;

use crate::harness::*;

fn fixture_plans() -> Vec<PathBuf> {
    let mut plans: Vec<PathBuf> = std::fs::read_dir(fixture("tf"))
        .unwrap()
        .map(|e| e.unwrap().path().join("plan.json"))
        .filter(|p| p.exists())
        .collect();
    plans.push(repo().join("infra/phase1/plan.json"));
    plans.push(repo().join("infra/phase2/plan.json"));
    plans.sort();
    plans
}

fn report_of(plan: &std::path::Path) -> Report {
    plancost::breakdown(&plancost::BreakdownOptions {
        paths: vec![plan.to_path_buf()],
        load: plancost::terraform::LoadOptions {
            env_region: Some("us-east-1".into()),
            ..Default::default()
        },
        generated_at: Some("2026-11-27T09:30:00Z".into()),
        ..Default::default()
    })
    .unwrap_or_else(|e| panic!("{}: {e}", plan.display()))
    .report
}

fn assert_totals_add_up(report: &Report, what: &str) {
    let mut total = Decimal::ZERO;
    let mut past_total = Decimal::ZERO;
    for project in &report.projects {
        let mut sum = Decimal::ZERO;
        let mut past = Decimal::ZERO;
        for r in &project.resources {
            let components: Decimal = r.components.iter().filter_map(|c| c.monthly_cost).sum();
            assert_eq!(
                r.monthly_cost, components,
                "{what}: {} components",
                r.address
            );
            if !r.past_components.is_empty() {
                let before: Decimal = r
                    .past_components
                    .iter()
                    .filter_map(|c| c.monthly_cost)
                    .sum();
                assert_eq!(r.past_monthly_cost, before, "{what}: {} past", r.address);
            }
            sum += r.monthly_cost;
            past += r.past_monthly_cost;
        }
        assert_eq!(project.total_monthly_cost, sum, "{what}: {}", project.name);
        assert_eq!(
            project.past_total_monthly_cost, past,
            "{what}: {}",
            project.name
        );
        assert_eq!(
            project.diff_monthly_cost,
            sum - past,
            "{what}: {}",
            project.name
        );
        let categories: Decimal = project.categories.values().copied().sum();
        assert_eq!(categories, sum, "{what}: {} categories", project.name);
        total += sum;
        past_total += past;
    }
    assert_eq!(report.total_monthly_cost, total, "{what}");
    assert_eq!(report.past_total_monthly_cost, past_total, "{what}");
    assert_eq!(report.diff_monthly_cost, total - past_total, "{what}");
}

#[test]
fn totals_round_trips_self_diffs_and_merges_of_every_fixture() {
    let plans = fixture_plans();
    assert!(plans.len() >= 15, "{} plans", plans.len());
    for plan in &plans {
        let what = plan.display().to_string();
        let report = report_of(plan);
        assert_totals_add_up(&report, &what);

        // JSON round trip, through the text other tools read.
        let text = serde_json::to_string_pretty(&report).unwrap();
        let back: Report = serde_json::from_str(&text).unwrap();
        assert_eq!(back, report, "{what}: the JSON report does not round-trip");
        assert_eq!(serde_json::to_string_pretty(&back).unwrap(), text, "{what}");

        // The plan against its own report: nothing changes.
        let mut again = report_of(plan);
        plancost::diff::compare(&mut again, &report, "itself").unwrap();
        assert_totals_add_up(&again, &format!("{what} against itself"));
        for project in &again.projects {
            assert_eq!(project.diff_monthly_cost, Decimal::ZERO, "{what}");
            for r in &project.resources {
                assert_eq!(r.monthly_cost, r.past_monthly_cost, "{what}: {}", r.address);
            }
        }
        assert_eq!(again.diff_monthly_cost, Decimal::ZERO, "{what}");

        // Merging one report keeps its totals.
        let merged =
            plancost::diff::merge(vec![(what.clone(), report.clone())], "now".into()).unwrap();
        assert_totals_add_up(&merged, &format!("{what} merged"));
        assert_eq!(
            merged.total_monthly_cost, report.total_monthly_cost,
            "{what}"
        );
        assert_eq!(
            merged.past_total_monthly_cost,
            report.past_total_monthly_cost
        );
        assert_eq!(merged.projects, report.projects, "{what}");
    }
}

#[test]
fn merging_every_fixture_adds_their_totals() {
    let reports: Vec<(String, Report)> = fixture_plans()
        .iter()
        .map(|p| (p.display().to_string(), report_of(p)))
        .collect();
    // Project names come from directories: phase1/phase2 and the tf/ cases are all distinct.
    let sum: Decimal = reports.iter().map(|(_, r)| r.total_monthly_cost).sum();
    let merged = plancost::diff::merge(reports, "now".into()).unwrap();
    assert_totals_add_up(&merged, "all fixtures merged");
    assert_eq!(merged.total_monthly_cost, sum);
}

/// xorshift64*: a few lines, no dependency, the same sequence on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Interesting bytes and fragments to splice in: JSON/YAML/HCL structure, big and negative
/// numbers, invalid UTF-8.
const SPLICES: &[&[u8]] = &[
    b"{",
    b"}",
    b"[",
    b"]",
    b"\"",
    b":",
    b",",
    b"null",
    b"-1",
    b"1e309",
    b"99999999999999999999999",
    b"0.0000000000000000000000000001",
    b"\xff",
    b"\xc3",
    b"\x00",
    b"${",
    b"%{",
    b"*a",
    b"&a",
    b"\n",
    b"\t",
    b"true",
    b"\"\"",
    b"[[[[[[[[",
    b"}}}}",
    b"\\u0000",
    b"count = 99999999",
    b"- ",
];

fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(5) {
            0 if !out.is_empty() => {
                let end = (at + 1 + rng.below(64)).min(out.len());
                out.drain(at.min(end)..end);
            }
            1 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] ^= 1 << rng.below(8);
            }
            2 => out.truncate(at),
            3 if !out.is_empty() => {
                // Duplicate a slice (repeats keys, nests deeper).
                let start = rng.below(out.len());
                let end = (start + rng.below(256)).min(out.len());
                let piece = out[start..end].to_vec();
                out.splice(at..at, piece);
            }
            _ => {
                let piece = SPLICES[rng.below(SPLICES.len())];
                out.splice(at..at, piece.iter().copied());
            }
        }
    }
    out
}

/// Each reader on mutations of its real inputs: any result is fine, a panic is not.
#[test]
fn mutated_inputs_never_panic_any_reader() {
    let dir = scratch_dir("mutations");
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let read = |p: &str| std::fs::read(repo().join(p)).unwrap();
    let load = plancost::terraform::LoadOptions {
        env_region: Some("us-east-1".into()),
        ..Default::default()
    };

    let plans = [
        read("fixtures/tf/eks/plan.json"),
        read("fixtures/tf/instances/plan.json"),
    ];
    for i in 0..300 {
        let bytes = mutate(&mut rng, &plans[i % plans.len()]);
        let _ = plancost::terraform::plan::load_bytes(&bytes, "plan.json".as_ref(), &load);
    }

    let offer = read(
        "fixtures/prices/aws-bulk-eu-west-1-2023-02-23/offers/v1.0/aws/AWSELB/20230223000000/eu-west-1/index.json",
    );
    let keep = |_: &str, _: Option<&str>, _: &std::collections::BTreeMap<String, String>| true;
    for _ in 0..300 {
        let bytes = mutate(&mut rng, &offer);
        let _ = plancost::pricing::offer::read_offer(&bytes[..], Some("eu-west-1"), &keep);
    }

    let yaml_file = dir.join("input.yml");
    let usage = read("fixtures/usage/cloudfront.yml");
    let config = read("fixtures/config/forecast.yml");
    for _ in 0..200 {
        std::fs::write(&yaml_file, mutate(&mut rng, &usage)).unwrap();
        let _ = plancost::usage::load_file(&yaml_file);
        std::fs::write(&yaml_file, mutate(&mut rng, &config)).unwrap();
        let _ = plancost::config::load(&yaml_file);
    }

    let report = serde_json::to_vec(&report_of(&fixture("tf/instances/plan.json"))).unwrap();
    let report_file = dir.join("report.json");
    for _ in 0..200 {
        std::fs::write(&report_file, mutate(&mut rng, &report)).unwrap();
        if let Ok(r) = plancost::diff::read_report(&report_file) {
            let mut current = r.clone();
            let _ = plancost::diff::compare(&mut current, &r, "itself");
            let _ = plancost::diff::merge(vec![("a".into(), r)], "now".into());
        }
    }

    // The hcl-features configuration, one of its files mutated at a time.
    let module = dir.join("hcl");
    std::fs::create_dir_all(module.join(".git")).unwrap();
    let files = [
        "main.tf",
        "variables.tf",
        "providers.tf",
        "terraform.tfvars",
    ];
    let originals: Vec<Vec<u8>> = files
        .iter()
        .map(|f| read(&format!("fixtures/tf/hcl-features/{f}")))
        .collect();
    let options = plancost::terraform::hcl::HclOptions {
        repo_root: Some(module.clone()),
        ..Default::default()
    };
    for i in 0..200 {
        for (f, original) in files.iter().zip(&originals) {
            std::fs::write(module.join(f), original).unwrap();
        }
        let which = i % files.len();
        let mutated = mutate(&mut rng, &originals[which]);
        std::fs::write(module.join(files[which]), mutated).unwrap();
        let _ = plancost::terraform::hcl::load_dir(&module, &load, &options);
    }
}
