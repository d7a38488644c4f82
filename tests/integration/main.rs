//! The one integration-test binary: runs the `plancost` binary over the fixtures.
//! Each module holds the tests of one concern; the harness below keeps them short.

mod bad_input;
mod burstable;
mod cloudfront;
mod cloudwatch;
mod eks;
mod harness;
mod mapping_harness;
mod network;
mod prices;
mod reference;
mod resources;
mod secrets;
mod security;
mod usage;
