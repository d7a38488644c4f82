#!/usr/bin/env bash
# Rebuilds the price snapshot bundled in the binary, with plancost's own importer, from the
# price files in fixtures/prices (provenance in fixtures/README.md). The test
# `bundled_snapshot_is_rebuilt_from_fixtures` fails when the committed file is out of date.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --quiet --release -- prices import --root fixtures/prices --out snapshot/bundled.snapshot \
  $(cat snapshot/inputs.txt)
