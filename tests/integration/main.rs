//! The one integration-test binary: runs the `plancost` binary over the fixtures.
//! Each module holds the tests of one concern; the harness below keeps them short.

mod audit;
mod bad_input;
mod budget;
mod burstable;
mod cloudfront;
mod cloudwatch;
mod diff;
mod eks;
mod forecast;
mod harness;
mod mapping_harness;
mod network;
mod prices;
mod reference;
mod resources;
mod secrets;
mod security;
mod usage;
