//! The one integration-test binary: runs the `plancost` binary over the fixtures.
//! Each module holds the tests of one concern; the harness below keeps them short.

mod audit;
mod bad_input;
mod budget;
mod diff;
mod forecast;
mod harness;
mod prices;
mod resources;
mod secrets;
mod usage;
