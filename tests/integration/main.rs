//! The one integration-test binary: runs the `plancost` binary over the fixtures.
//! Each module holds the tests of one concern; the harness below keeps them short.

mod audit;
mod bad_input;
mod budget;
mod burstable;
mod cloudfront;
mod cloudwatch;
mod comment;
mod completions;
mod diff;
mod eks;
mod elasticache;
mod elb;
mod fake_bulk_api;
mod forecast;
mod formats;
mod harness;
mod hcl;
mod html;
mod infracost;
mod jsonschema;
mod mapping_harness;
mod mock_http;
mod network;
mod price_store;
mod prices;
mod properties;
mod rds;
mod reference;
mod resources;
mod s3;
mod secrets;
mod security;
mod sync;
mod terminal;
mod usage;
