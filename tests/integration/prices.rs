//! The bundled snapshot is built by plancost's own importer from fixtures/prices, and the
//! prices it answers with are the files' prices.

use crate::harness::*;

#[test]
fn bundled_snapshot_is_rebuilt_from_fixtures() {
    let inputs = std::fs::read_to_string(repo().join("snapshot/inputs.txt")).unwrap();
    let paths: Vec<_> = inputs
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| repo().join(l))
        .collect();
    let mut set = plancost::pricing::PriceSet::default();
    plancost::pricing::import::import_paths(&paths, Some(&fixture("prices")), &mut set).unwrap();
    let rebuilt = plancost::pricing::snapshot::write(&set);
    assert!(
        rebuilt == plancost::pricing::snapshot::BUNDLED,
        "snapshot/bundled.snapshot is out of date: run scripts/build-snapshot.sh"
    );
}
