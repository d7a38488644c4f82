//! The price store: importing real offer files into the cache, and answering from it.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};

use plancost::pricing::cache::Cache;
use plancost::pricing::{Origin, PriceQuery};
use serde_json::Value;

use crate::harness::*;

const BULK: &str = "prices/aws-bulk-eu-west-1-2023-02-23";

fn ec2_offer() -> std::path::PathBuf {
    fixture(BULK).join("offers/v1.0/aws/AmazonEC2/20230223000000/eu-west-1/index.json.gz")
}

/// Imports the eu-west-1 Bulk API tree into a cache, once per test run (the tests only read it).
fn cache_with_eu_west_1() -> std::path::PathBuf {
    static DIR: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(import_eu_west_1).clone()
}

fn import_eu_west_1() -> std::path::PathBuf {
    let dir = scratch_dir("cache-eu-west-1");
    let mut set = plancost::pricing::PriceSet::default();
    plancost::pricing::import::import_paths(
        &[fixture(BULK).join("offers")],
        Some(&fixture("prices")),
        &mut set,
    )
    .unwrap();
    Cache::new(&dir).store(&set, "import", None).unwrap();
    dir
}

/// An independent reading of the EC2 offer: a line scan of AWS's pretty-printed layout (one
/// `"key" : "value"` per line), not the importer's parser. Returns, per SKU of a
/// Linux/Shared/NA/Used compute product, (instance type, licence model) and every OnDemand
/// USD price listed under that SKU.
fn scan_linux_shared_rows() -> BTreeMap<String, (String, String, Vec<String>)> {
    let file = std::fs::File::open(ec2_offer()).unwrap();
    let reader = BufReader::new(flate2::read::GzDecoder::new(file));
    let field = |line: &str| -> Option<(String, String)> {
        let (k, v) = line.trim().trim_end_matches(',').split_once(" : ")?;
        Some((
            k.trim_matches('"').to_string(),
            v.trim_matches('"').to_string(),
        ))
    };
    let mut rows = BTreeMap::new();
    let mut in_terms = false;
    let mut attrs: BTreeMap<String, String> = BTreeMap::new();
    let mut sku = String::new();
    for line in reader.lines() {
        let line = line.unwrap();
        if line.starts_with("  \"terms\"") {
            in_terms = true;
            continue;
        }
        let Some((key, value)) = field(&line) else {
            // A product's attributes end with its closing brace.
            if !in_terms && line.trim_start().starts_with('}') && line.starts_with("      }") {
                let wanted = [
                    ("operatingSystem", "Linux"),
                    ("tenancy", "Shared"),
                    ("preInstalledSw", "NA"),
                    ("capacitystatus", "Used"),
                ];
                if wanted
                    .iter()
                    .all(|(k, v)| attrs.get(*k).map(String::as_str) == Some(v))
                {
                    if let Some(itype) = attrs.get("instanceType") {
                        let licence = attrs.get("licenseModel").cloned().unwrap_or_default();
                        rows.insert(sku.clone(), (itype.clone(), licence, Vec::new()));
                    }
                }
                attrs.clear();
            }
            continue;
        };
        match (in_terms, key.as_str()) {
            (_, "sku") => sku = value,
            (false, _) => {
                attrs.insert(key, value);
            }
            (true, "USD") => {
                if let Some(row) = rows.get_mut(&sku) {
                    row.2.push(value);
                }
            }
            _ => {}
        }
    }
    rows
}

#[test]
fn every_linux_on_demand_price_of_the_real_ec2_offer_is_the_files_price() {
    let scanned = scan_linux_shared_rows();
    // PROVENANCE.md: 574 instance types of family "Compute Instance" have a Linux/Shared/NA/Used
    // row, exactly one each; "Compute Instance (bare metal)" adds 40 `*.metal` types (counted
    // with a separate json.load of the file: 574 + 40 = 614).
    let mut types: Vec<&str> = scanned.values().map(|(t, _, _)| t.as_str()).collect();
    types.sort();
    let before = types.len();
    types.dedup();
    assert_eq!(types.len(), 614);
    assert_eq!(
        before, 614,
        "an instance type has two Linux/Shared/NA/Used rows"
    );

    let dir = cache_with_eu_west_1();
    let book = plancost::open_book(None, None, Some(&dir)).unwrap();
    for (sku, (itype, licence, prices)) in &scanned {
        assert_eq!(licence, "No License required", "{itype}");
        assert_eq!(prices.len(), 1, "{itype}: one OnDemand price in the file");
        let query = plancost::aws::ec2::instance_hours_query("eu-west-1", itype, "Shared");
        let price = book
            .lookup(&query)
            .unwrap_or_else(|e| panic!("{itype}: {e}"));
        assert_eq!(price.sku.as_deref(), Some(sku.as_str()), "{itype}");
        assert_eq!(price.unit, "Hrs");
        assert_eq!(price.tiers.len(), 1);
        assert_eq!(price.first_unit_price(), dec(&prices[0]), "{itype}");
        assert_eq!(price.origin, Origin::Cache);
        assert_eq!(price.source.version, "20230223000000");
    }
}

#[test]
fn the_published_spot_checks_hold_through_the_cache() {
    let checks: Value =
        serde_json::from_slice(&std::fs::read(fixture(BULK).join("spot-checks.json")).unwrap())
            .unwrap();
    let dir = cache_with_eu_west_1();
    let book = plancost::open_book(None, None, Some(&dir)).unwrap();
    let checks = checks["checks"].as_array().unwrap();
    assert_eq!(checks.len(), 12);
    for check in checks {
        let mut query = PriceQuery::new(check["offerCode"].as_str().unwrap(), "eu-west-1")
            .family(check["productFamily"].as_str().unwrap());
        for (k, v) in check["attributes_filter"].as_object().unwrap() {
            query = query.attr(k, v.as_str().unwrap());
        }
        let name = check["check"].as_str().unwrap();
        let price = book
            .lookup(&query)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(price.sku.as_deref(), check["sku"].as_str(), "{name}");
        let dims = check["priceDimensions"].as_array().unwrap();
        assert_eq!(price.tiers.len(), dims.len(), "{name}");
        for (tier, dim) in price.tiers.iter().zip(dims) {
            assert_eq!(price.unit, dim["unit"].as_str().unwrap(), "{name}");
            assert_eq!(tier.per_unit, dec(dim["USD"].as_str().unwrap()), "{name}");
            assert_eq!(
                tier.begin,
                dec(dim["beginRange"].as_str().unwrap()),
                "{name}"
            );
            match dim["endRange"].as_str().unwrap() {
                "Inf" => assert_eq!(tier.end, None, "{name}"),
                end => assert_eq!(tier.end, Some(dec(end)), "{name}"),
            }
        }
        assert_eq!(price.origin, Origin::Cache);
    }
}

#[test]
fn a_cache_file_answers_only_for_its_service_and_region() {
    let dir = cache_with_eu_west_1();
    let book = plancost::open_book(None, None, Some(&dir)).unwrap();
    // us-east-1 EC2 is not in the cache: the bundled snapshot answers.
    let us = book
        .lookup(&plancost::aws::ec2::instance_hours_query(
            "us-east-1",
            "t3.medium",
            "Shared",
        ))
        .unwrap();
    assert_eq!(us.origin, Origin::Bundled);
    assert_eq!(us.first_unit_price(), dec("0.0416")); // Karpenter's us-east-1 table
}

#[test]
fn import_stores_into_the_cache_and_breakdown_and_info_use_it() {
    let cache = scratch_dir("cli-cache");
    let cache_arg = cache.to_str().unwrap();
    let offers = fixture(BULK).join("offers");
    let out = run(&[
        "prices",
        "import",
        "--cache-dir",
        cache_arg,
        offers.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(cache.join("prices/AmazonEC2@eu-west-1.snapshot").is_file());

    let plan = fixture("tf/multi-region/plan.json");
    let out = run(&[
        "breakdown",
        "--cache-dir",
        cache_arg,
        "--format",
        "json",
        plan.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    // m5.large Linux in eu-west-1 from the cached offer: 0.107/h (spot-checks.json, SKU
    // FP7Z96TTU3VFSX2H); 730 h × 0.107 = 78.11 a month.
    let c = component(&report, "aws_instance.eu", "Instance usage");
    assert_eq!(money(&c["unit_price"]), dec("0.107"));
    assert!(c["price"]["source"].as_str().unwrap().ends_with(", cache)"));
    let sources = report["prices"]["sources"].as_array().unwrap();
    assert!(
        sources
            .iter()
            .any(|s| s["origin"] == "cache" && s["region"] == "eu-west-1")
    );

    let out = run(&["prices", "info", "--cache-dir", cache_arg]);
    let text = stdout(&out);
    assert!(text.contains("AmazonEC2@eu-west-1: stored"), "{text}");
    assert!(text.contains("6318 products"), "{text}");
    assert!(text.contains("bundled snapshot:"), "{text}");
}
