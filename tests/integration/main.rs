//! The one integration-test binary: runs the `plancost` binary over the fixtures.
//! Each module holds the tests of one concern; the harness below keeps them short.

mod bad_input;
mod completions;
mod diff;
mod harness;
mod html;
mod infracost;
mod jsonschema;
mod prices;
mod resources;
mod secrets;
mod terminal;
mod usage;
