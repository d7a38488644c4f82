//! Price lookups (run with `cargo bench --bench lookup`): the cost of one component's lookup
//! with the store holding every EC2 product of a region, not only those the importer keeps.
//!
//! The store is built from the real eu-west-1 EC2 offer in fixtures/prices (51,194 products,
//! every one kept), written as a snapshot and read back as the bundled snapshot is. Timed:
//! the first lookup of each instance type's on-demand Linux price (a fresh book per pass, so
//! nothing is remembered: the line scan plus the parse of the candidates), and the same lookups
//! again (answered from the book's memory of earlier queries).

use std::time::{Duration, Instant};

use plancost::aws::ec2::instance_hours_query;
use plancost::pricing::snapshot::{self, Snapshot};
use plancost::pricing::{Origin, PriceBook, PriceSet, Source, offer};

const PASSES: usize = 5;

fn main() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(
        "fixtures/prices/aws-bulk-eu-west-1-2023-02-23/offers/v1.0/aws/AmazonEC2/20230223000000/eu-west-1/index.json.gz",
    );
    let file = std::fs::File::open(&path).expect("the eu-west-1 EC2 offer");
    let everything =
        |_: &str, _: Option<&str>, _: &std::collections::BTreeMap<String, String>| true;
    let read = offer::read_offer(file, Some("eu-west-1"), &everything).expect("a valid offer");
    let products = read.products.len();
    let mut set = PriceSet::default();
    let source = Source {
        service: "AmazonEC2".into(),
        region: "eu-west-1".into(),
        version: read.version.clone(),
        publication_date: read.publication_date.clone(),
        kind: "AWS Price List Bulk API offer file".into(),
        file: "index.json.gz".into(),
    };
    set.add(
        source,
        read.products
            .into_iter()
            .map(|(region, p)| ("AmazonEC2".to_string(), region, p)),
    );
    let bytes = snapshot::write(&set);

    // Every instance type that has a Linux, shared, on-demand price.
    let mut types: Vec<String> = set
        .chunks
        .iter()
        .flat_map(|c| &c.products)
        .filter(|p| {
            p.attribute("operatingSystem") == Some("Linux")
                && p.attribute("tenancy") == Some("Shared")
                && p.attribute("preInstalledSw") == Some("NA")
                && p.attribute("capacitystatus") == Some("Used")
                && p.attribute("licenseModel") == Some("No License required")
        })
        .filter_map(|p| p.attribute("instanceType").map(str::to_string))
        .collect();
    types.sort();
    types.dedup();
    let queries: Vec<_> = types
        .iter()
        .map(|t| instance_hours_query("eu-west-1", t, "Shared"))
        .collect();

    let mut first = Vec::new();
    let mut again = Vec::new();
    for _ in 0..PASSES {
        let mut book = PriceBook::new();
        book.push_snapshot(
            Snapshot::parse(&bytes).expect("the snapshot just written"),
            Origin::File,
        );
        let started = Instant::now();
        for q in &queries {
            book.lookup(q).expect("one price per type");
        }
        first.push(started.elapsed());
        let started = Instant::now();
        for q in &queries {
            book.lookup(q).expect("one price per type");
        }
        again.push(started.elapsed());
    }
    let per = |mut d: Vec<Duration>| {
        d.sort();
        d[d.len() / 2].as_secs_f64() * 1e6 / queries.len() as f64
    };
    println!(
        "price lookups, store of {products} EC2 products (eu-west-1, {} MB as a snapshot): {} queries; first lookup {:.1} µs each, remembered {:.2} µs each (medians of {PASSES} passes)",
        bytes.len() / 1_000_000,
        queries.len(),
        per(first),
        per(again),
    );
}
