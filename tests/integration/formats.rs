//! Every AWS Price List format the importer reads, on real sample files
//! (fixtures/prices/format-samples, provenance in fixtures/README.md).

use plancost::pricing::snapshot::{Snapshot, write};
use plancost::pricing::sync::{read_offer_index, read_region_index, read_version_index};
use plancost::pricing::{Origin, PriceBook, PriceQuery, PriceSet};

use crate::harness::*;

fn samples(rel: &str) -> std::path::PathBuf {
    fixture("prices/format-samples").join(rel)
}

fn import(rel: &str) -> Vec<u8> {
    let mut set = PriceSet::default();
    plancost::pricing::import::import_paths(&[samples(rel)], Some(&fixture("prices")), &mut set)
        .unwrap();
    write(&set)
}

fn book(bytes: &[u8]) -> PriceBook<'_> {
    let mut book = PriceBook::new();
    book.push_snapshot(Snapshot::parse(bytes).unwrap(), Origin::File);
    book
}

#[test]
fn a_get_products_item_with_reserved_terms_amortised_over_the_term() {
    let bytes =
        import("query-api/GetProducts-PriceListItem_AmazonEC2_m5.large_us-east-1_20210205.json");
    let book = book(&bytes);
    let query = plancost::aws::ec2::instance_hours_query("us-east-1", "m5.large", "Shared");
    let on_demand = book.lookup(&query).unwrap();
    assert_eq!(on_demand.first_unit_price(), dec("0.096"));
    assert_eq!(on_demand.sku.as_deref(), Some("6C86BEPQVG73ZGGR"));
    // 1yr standard No Upfront: 0.06/h, nothing upfront.
    let no_upfront = book
        .lookup_reserved(&query, "1yr", "standard", "No Upfront")
        .unwrap();
    assert_eq!(no_upfront.first_unit_price(), dec("0.06"));
    // 1yr standard Partial Upfront: 0.029/h + 252 upfront / 8,760 h = 0.029 + 0.0287671… = 0.0577671…
    let partial = book
        .lookup_reserved(&query, "1yr", "standard", "Partial Upfront")
        .unwrap();
    assert_eq!(partial.first_unit_price().round_dp(7), dec("0.0577671"));
    // 3yr convertible All Upfront: 0/h + 1,161 / 26,280 h = 0.0441780…
    let all = book
        .lookup_reserved(&query, "3yr", "convertible", "All Upfront")
        .unwrap();
    assert_eq!(all.first_unit_price().round_dp(7), dec("0.0441781"));
    // Monthly: 730 h × 0.0577671 ≈ 42.17, against 730 × 0.096 = 70.08 on demand.
    assert_eq!(partial.cost(dec("730")).round_dp(2), dec("42.17"));
}

#[test]
fn a_csv_offer_with_display_name_headers() {
    let bytes = import("ec2-priceit/AmazonEC2-global-offer-EXCERPT_20250912225308.csv");
    let book = book(&bytes);
    // Row 2224XEM9D7MGYGBJ: r7i.2xlarge, Windows, Dedicated, NA, Used, eu-central-1, 0.70224/h.
    let query = PriceQuery::new("AmazonEC2", "eu-central-1")
        .family("Compute Instance")
        .attr("instanceType", "r7i.2xlarge")
        .attr("operatingSystem", "Windows")
        .attr("tenancy", "Dedicated")
        .attr("preInstalledSw", "NA")
        .attr("capacitystatus", "Used")
        .usage_type("DedicatedUsage:r7i.2xlarge");
    let price = book.lookup(&query).unwrap();
    assert_eq!(price.first_unit_price(), dec("0.70224"));
    assert_eq!(price.sku.as_deref(), Some("2224XEM9D7MGYGBJ"));
    assert_eq!(price.source.version, "20250912225308");
}

#[test]
fn a_global_offer_with_embedded_services_bom_and_missing_families() {
    // Redshift's 2018 global offer: 1,189 products, 1,042 of them AWSDataTransfer (priced in
    // their own offer, so dropped; the 2 without productFamily are among them); no regionCode
    // (2018), so regions come from location names.
    let mut set = PriceSet::default();
    let summary = plancost::pricing::import::import_paths(
        &[samples(
            "bamcis/AmazonRedshift-global-offer_20180309224506.json",
        )],
        None,
        &mut set,
    )
    .unwrap();
    assert!(
        summary.files[0].1.contains("147 of 1189 products kept"),
        "{:?}",
        summary.files
    );
    assert!(set.chunks.iter().all(|c| c.service == "AmazonRedshift"));
    assert!(set.chunks.iter().any(|c| c.region == "us-east-1"));
    let no_family = set
        .chunks
        .iter()
        .flat_map(|c| &c.products)
        .filter(|p| p.product_family.is_none())
        .count();
    assert_eq!(no_family, 0);

    // eu-west-1 CloudWatch: 13 of its 40 products have no productFamily (PROVENANCE.md), and
    // are kept.
    let mut set = PriceSet::default();
    plancost::pricing::import::import_paths(
        &[fixture(
            "prices/aws-bulk-eu-west-1-2023-02-23/offers/v1.0/aws/AmazonCloudWatch",
        )],
        None,
        &mut set,
    )
    .unwrap();
    let no_family = set
        .chunks
        .iter()
        .flat_map(|c| &c.products)
        .filter(|p| p.product_family.is_none())
        .count();
    assert_eq!(no_family, 13);

    // The Dedicated Host excerpt starts with a UTF-8 BOM and reads.
    let mut set = PriceSet::default();
    let summary = plancost::pricing::import::import_paths(
        &[samples(
            "bamcis/AmazonEC2-ReservedHost-EXCERPT_20180921012104.json",
        )],
        None,
        &mut set,
    )
    .unwrap();
    assert!(
        summary.files[0].1.contains("of 1 products"),
        "{:?}",
        summary.files
    );
}

#[test]
fn the_index_files() {
    let read = |rel: &str| std::fs::read(samples(rel)).unwrap();
    let offers = read_offer_index(&read("ec2-priceit/offers-index_2025-09-12.json")).unwrap();
    assert_eq!(offers.offers.len(), 242);
    assert_eq!(
        offers.offers["AmazonEC2"]
            .current_region_index_url
            .as_deref(),
        Some("/offers/v1.0/aws/AmazonEC2/current/region_index.json")
    );
    let versions =
        read_version_index(&read("ec2-priceit/AmazonEC2-version-index_2025-09-12.json")).unwrap();
    assert_eq!(versions.current_version, "20250912225308");
    assert!(versions.versions.contains_key("20180607191619"));
    // The array shape of region indexes (savings plans)...
    let plans = read_region_index(&read(
        "ec2-priceit/AWSComputeSavingsPlan-region-index_2025-09-11.json",
    ))
    .unwrap();
    assert!(plans.iter().any(|r| r.region == "ap-east-2"
        && r.url
            == "/savingsPlan/v1.0/aws/AWSComputeSavingsPlan/20250911184447/ap-east-2/index.json"));
    // ...and the object shape (offers).
    let ec2 = std::fs::read(fixture(
        "prices/aws-bulk-eu-west-1-2023-02-23/offers/v1.0/aws/AmazonEC2/current/region_index.json",
    ))
    .unwrap();
    assert_eq!(
        read_region_index(&ec2).unwrap()[0].url,
        "/offers/v1.0/aws/AmazonEC2/20230223000000/eu-west-1/index.json"
    );
}
