//! The one integration-test binary: runs the `plancost` binary over the fixtures.
//! Each module holds the tests of one concern; the harness below keeps them short.

mod bad_input;
mod elasticache;
mod elb;
mod harness;
mod prices;
mod rds;
mod resources;
mod s3;
mod secrets;
mod usage;
