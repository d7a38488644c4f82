//! `prices sync` against a local fake of the Bulk API serving the eu-west-1 fixture tree, with
//! faults injected: nothing half-written ever reaches the cache.

use std::time::Duration;

use plancost::pricing::Origin;
use plancost::pricing::cache::Cache;
use plancost::pricing::sync::{ProgressStyle, SyncOptions, sync};

use crate::fake_bulk_api::{FakeBulkApi, Fault};
use crate::harness::*;

const EC2: &str = "/offers/v1.0/aws/AmazonEC2/20230223000000/eu-west-1/index.json";
const ELB: &str = "/offers/v1.0/aws/AWSELB/20230223000000/eu-west-1/index.json";
const INDEX: &str = "/offers/v1.0/aws/index.json";

fn server() -> FakeBulkApi {
    FakeBulkApi::start(fixture("prices/aws-bulk-eu-west-1-2023-02-23"))
}

fn options(api: &FakeBulkApi, services: &[&str]) -> SyncOptions {
    SyncOptions {
        endpoint: api.endpoint.clone(),
        regions: vec!["eu-west-1".into()],
        services: services.iter().map(|s| s.to_string()).collect(),
        concurrency: 2,
        retries: 3,
        backoff: Duration::from_millis(10),
        max_retry_after: Duration::from_secs(1),
        connect_timeout: Duration::from_secs(5),
        read_timeout: Duration::from_secs(5),
        max_download_bytes: 1 << 30,
        force: false,
        progress: ProgressStyle::Quiet,
    }
}

fn t3_medium(dir: &std::path::Path) -> plancost::pricing::Price {
    let book = plancost::open_book(None, None, Some(dir)).unwrap();
    let price = book
        .lookup(&plancost::aws::ec2::instance_hours_query(
            "eu-west-1",
            "t3.medium",
            "Shared",
        ))
        .unwrap();
    (*price).clone()
}

/// Every file under the cache's `prices/` with its bytes.
fn price_files(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir.join("prices"))
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn sync_fetches_every_offer_then_skips_the_unchanged_ones() {
    let api = server();
    let dir = scratch_dir("sync-twice");
    let cache = Cache::new(&dir);
    let report = sync(&cache, &options(&api, &[])).unwrap();
    // The fixture's offer index lists five services, all priced by plancost.
    assert_eq!(
        report.updated,
        [
            "AWSELB@eu-west-1",
            "AmazonCloudWatch@eu-west-1",
            "AmazonEC2@eu-west-1",
            "AmazonElastiCache@eu-west-1",
            "AmazonRDS@eu-west-1"
        ]
    );
    // t3.medium Linux eu-west-1: 0.0456/h, SKU 47NTBKB4KMUU98P8 (spot-checks.json).
    let price = t3_medium(&dir);
    assert_eq!(price.first_unit_price(), dec("0.0456"));
    assert_eq!(price.sku.as_deref(), Some("47NTBKB4KMUU98P8"));
    assert_eq!(price.origin, Origin::Cache);
    assert!(price.source.file.ends_with(EC2));

    api.clear_log();
    let report = sync(&cache, &options(&api, &[])).unwrap();
    assert!(report.updated.is_empty());
    assert_eq!(report.unchanged.len(), 5);
    // Offers are asked for with their ETag and answered 304: no offer body is sent again.
    let offers: Vec<_> = api
        .log()
        .into_iter()
        .filter(|l| l.path.ends_with("/eu-west-1/index.json"))
        .collect();
    assert_eq!(offers.len(), 5);
    assert!(offers.iter().all(|l| l.status == 304), "{offers:?}");
}

#[test]
fn a_500_and_a_429_are_retried() {
    let api = server();
    let dir = scratch_dir("sync-500");
    api.inject(ELB, vec![Fault::Status(500), Fault::TooMany(0)]);
    let report = sync(&Cache::new(&dir), &options(&api, &["AWSELB"])).unwrap();
    assert_eq!(report.updated, ["AWSELB@eu-west-1"]);
    let statuses: Vec<u16> = api
        .log()
        .iter()
        .filter(|l| l.path == ELB)
        .map(|l| l.status)
        .collect();
    assert_eq!(statuses, [500, 429, 200]);
}

#[test]
fn a_truncated_body_is_resumed_and_a_bad_gzip_stream_fetched_again() {
    let api = server();
    let dir = scratch_dir("sync-truncated");
    api.inject(EC2, vec![Fault::Truncate(100_000), Fault::BadGzip]);
    let report = sync(&Cache::new(&dir), &options(&api, &["AmazonEC2"])).unwrap();
    assert_eq!(report.updated, ["AmazonEC2@eu-west-1"]);
    let log: Vec<_> = api.log().into_iter().filter(|l| l.path == EC2).collect();
    // 1: cut after 100 kB; 2: the rest, asked for with a Range request, but the whole then
    // fails to unpack (the fault corrupts the resumed body); 3: a fresh, whole download.
    assert_eq!(log.len(), 3, "{log:?}");
    assert!(!log[0].range);
    assert!(log[1].range && log[1].status == 206, "{log:?}");
    assert!(!log[2].range && log[2].status == 200, "{log:?}");
    assert_eq!(t3_medium(&dir).first_unit_price(), dec("0.0456"));
    // Nothing left over in the scratch directory.
    assert_eq!(std::fs::read_dir(dir.join("tmp")).unwrap().count(), 0);
}

#[test]
fn failures_that_persist_end_in_an_error_and_leave_the_cache_as_it_was() {
    let api = server();
    let dir = scratch_dir("sync-fails");
    let cache = Cache::new(&dir);
    sync(&cache, &options(&api, &["AmazonEC2", "AWSELB"])).unwrap();
    let before = price_files(&dir);

    let mut force = options(&api, &["AmazonEC2", "AWSELB"]);
    force.force = true;
    force.retries = 1;
    // EC2: a 500, then a body cut short; ELB: a corrupt body twice (plain JSON, cut).
    api.inject(EC2, vec![Fault::Status(500), Fault::Truncate(5000)]);
    api.inject(
        ELB,
        vec![Fault::Truncate(10), Fault::Status(503), Fault::Status(502)],
    );
    let err = sync(&cache, &force).unwrap_err();
    assert_eq!(err.exit_code(), 3);
    let message = err.to_string();
    assert!(
        message.contains("sync failed for 2 of 2 offers"),
        "{message}"
    );
    assert!(message.contains("AmazonEC2@eu-west-1"), "{message}");
    assert_eq!(price_files(&dir), before);
    assert_eq!(t3_medium(&dir).first_unit_price(), dec("0.0456"));
}

#[test]
fn a_slow_server_times_out_and_is_retried() {
    let api = server();
    let dir = scratch_dir("sync-slow");
    let mut opts = options(&api, &["AWSELB"]);
    opts.read_timeout = Duration::from_millis(300);
    api.inject(INDEX, vec![Fault::Stall(Duration::from_secs(2))]);
    let report = sync(&Cache::new(&dir), &opts).unwrap();
    assert_eq!(report.updated, ["AWSELB@eu-west-1"]);

    // With no retries left the timeout is the error, exit code 3, and nothing is cached.
    let dir = scratch_dir("sync-slow-fail");
    opts.retries = 0;
    api.inject(INDEX, vec![Fault::Stall(Duration::from_secs(2))]);
    let err = sync(&Cache::new(&dir), &opts).unwrap_err();
    assert_eq!(err.exit_code(), 3);
    assert!(err.to_string().contains("cannot sync from"), "{err}");
    assert!(
        err.to_string().contains("the bundled snapshot answers"),
        "{err}"
    );
    assert!(!dir.join("prices").exists());
}

#[test]
fn no_network_and_no_cache_is_exit_code_3_and_breakdown_still_works() {
    let dir = scratch_dir("sync-offline");
    // Port 9 (discard) on loopback: nothing listens, the connection is refused.
    let out = run(&[
        "prices",
        "sync",
        "--cache-dir",
        dir.to_str().unwrap(),
        "--endpoint",
        "http://127.0.0.1:9",
        "--retries",
        "0",
        "--region",
        "eu-west-1",
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("cannot sync from http://127.0.0.1:9"));

    // With no network and an empty cache the bundled snapshot prices a plan, and the report
    // says so.
    let plan = fixture("tf/multi-region/plan.json");
    let out = run(&[
        "breakdown",
        "--cache-dir",
        dir.to_str().unwrap(),
        "--format",
        "json",
        plan.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["prices"]["snapshot"], "bundled");
}

#[test]
fn a_sync_killed_midway_leaves_the_previous_cache_usable() {
    let api = server();
    let dir = scratch_dir("sync-killed");
    let cache = Cache::new(&dir);
    sync(&cache, &options(&api, &["AmazonEC2", "AWSELB"])).unwrap();
    let before = price_files(&dir);

    // The EC2 offer now arrives slowly (3.3 MB in 64 KiB pieces every 100 ms: ~5 s).
    api.inject(EC2, vec![Fault::Trickle(Duration::from_millis(100))]);
    api.clear_log();
    let mut child = plancost()
        .args(["prices", "sync", "--force", "--region", "eu-west-1"])
        .args(["--service", "AmazonEC2", "--service", "AWSELB"])
        .args([
            "--cache-dir",
            dir.to_str().unwrap(),
            "--endpoint",
            &api.endpoint,
        ])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once the download has started (bounded wait: 200 × 50 ms).
    let download = plancost::pricing::sync::download_path(&cache, "AmazonEC2", "eu-west-1");
    for _ in 0..200 {
        if std::fs::metadata(&download).is_ok_and(|m| m.len() > 0) {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(download.exists(), "the download never started");
    child.kill().unwrap();
    child.wait().unwrap();

    // The EC2 price file is the one of the first sync, whole, and answers lookups.
    let after = price_files(&dir);
    let ec2 = |files: &[(String, Vec<u8>)]| {
        files
            .iter()
            .find(|(n, _)| n == "AmazonEC2@eu-west-1.snapshot")
            .cloned()
    };
    assert_eq!(ec2(&after), ec2(&before));
    assert_eq!(t3_medium(&dir).first_unit_price(), dec("0.0456"));

    // The next sync resumes the partial download with a Range request.
    api.clear_log();
    let mut force = options(&api, &["AmazonEC2"]);
    force.force = true;
    sync(&cache, &force).unwrap();
    let log: Vec<_> = api.log().into_iter().filter(|l| l.path == EC2).collect();
    assert!(log[0].range && log[0].status == 206, "{log:?}");
    assert_eq!(t3_medium(&dir).first_unit_price(), dec("0.0456"));
}

#[test]
fn a_redirect_is_followed_and_a_redirect_loop_fails_clearly() {
    let api = server();
    let dir = scratch_dir("sync-redirect");
    let elsewhere = format!("{}{ELB}", api.base());
    api.inject(ELB, vec![Fault::Redirect(elsewhere.clone())]);
    let report = sync(&Cache::new(&dir), &options(&api, &["AWSELB"])).unwrap();
    assert_eq!(report.updated, ["AWSELB@eu-west-1"]);
    let statuses: Vec<u16> = api
        .log()
        .iter()
        .filter(|l| l.path == ELB)
        .map(|l| l.status)
        .collect();
    assert_eq!(statuses, [302, 200]);

    // A redirect to itself, forever: a bounded number of hops and tries, then exit code 3.
    let dir = scratch_dir("sync-redirect-loop");
    api.inject(ELB, vec![Fault::Redirect(elsewhere); 200]);
    let mut opts = options(&api, &["AWSELB"]);
    opts.retries = 1;
    let err = sync(&Cache::new(&dir), &opts).unwrap_err();
    assert_eq!(err.exit_code(), 3);
    assert!(err.to_string().contains("AWSELB@eu-west-1"), "{err}");
    let hops = api.log().iter().filter(|l| l.status == 302).count();
    assert!(hops < 60, "{hops} redirects followed");
    assert!(!dir.join("prices").exists());
}

#[test]
fn downloads_are_capped_whether_or_not_the_server_declares_the_size() {
    let api = server();
    let mut opts = options(&api, &["AmazonEC2"]);
    // The EC2 offer is 3.3 MB gzipped; the limit is 1 MB.
    opts.max_download_bytes = 1_000_000;

    // Declared: refused before a byte of the body is read.
    let dir = scratch_dir("sync-cap-declared");
    let err = sync(&Cache::new(&dir), &opts).unwrap_err();
    assert_eq!(err.exit_code(), 3);
    assert!(err.to_string().contains("over the download limit"), "{err}");
    assert!(!dir.join("prices").exists());

    // Not declared (the body ends when the connection closes): cut at the limit.
    let dir = scratch_dir("sync-cap-undeclared");
    api.inject(EC2, vec![Fault::NoLength]);
    let err = sync(&Cache::new(&dir), &opts).unwrap_err();
    assert!(
        err.to_string().contains("exceeds the download limit"),
        "{err}"
    );
    assert!(!dir.join("prices").exists());
    let partial =
        plancost::pricing::sync::download_path(&Cache::new(&dir), "AmazonEC2", "eu-west-1");
    assert!(std::fs::metadata(&partial).map_or(0, |m| m.len()) <= 1_000_000);
}

#[test]
fn a_body_far_longer_than_declared_is_read_to_its_declared_length() {
    let api = server();
    let dir = scratch_dir("sync-overlong");
    // 50 MB of garbage after the offer's declared 3.3 MB.
    api.inject(EC2, vec![Fault::Overlong(50 << 20)]);
    let report = sync(&Cache::new(&dir), &options(&api, &["AmazonEC2"])).unwrap();
    assert_eq!(report.updated, ["AmazonEC2@eu-west-1"]);
    assert_eq!(t3_medium(&dir).first_unit_price(), dec("0.0456"));
}

#[test]
fn a_retry_after_beyond_the_limit_waits_only_the_limit() {
    let api = server();
    let dir = scratch_dir("sync-retry-after");
    // An hour asked for; the options allow one second.
    api.inject(ELB, vec![Fault::TooMany(3600)]);
    let report = sync(&Cache::new(&dir), &options(&api, &["AWSELB"])).unwrap();
    assert_eq!(report.updated, ["AWSELB@eu-west-1"]);
    let statuses: Vec<u16> = api
        .log()
        .iter()
        .filter(|l| l.path == ELB)
        .map(|l| l.status)
        .collect();
    assert_eq!(statuses, [429, 200]);
}

#[test]
fn readers_succeed_while_another_process_syncs() {
    let api = server();
    let dir = scratch_dir("sync-readers");
    sync(&Cache::new(&dir), &options(&api, &["AmazonEC2"])).unwrap();

    // A forced sync replaces the EC2 file slowly (~5 s) while two processes keep pricing a plan
    // whose eu-west-1 instance reads that file.
    api.inject(EC2, vec![Fault::Trickle(Duration::from_millis(100))]);
    let mut syncing = plancost()
        .args(["prices", "sync", "--force", "--region", "eu-west-1"])
        .args([
            "--service",
            "AmazonEC2",
            "--cache-dir",
            dir.to_str().unwrap(),
        ])
        .args(["--endpoint", &api.endpoint])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Readers start once the download is under way (bounded wait: 200 × 50 ms).
    let download =
        plancost::pricing::sync::download_path(&Cache::new(&dir), "AmazonEC2", "eu-west-1");
    for _ in 0..200 {
        if std::fs::metadata(&download).is_ok_and(|m| m.len() > 0) {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        syncing.try_wait().unwrap().is_none(),
        "the sync ended before the readers began"
    );
    let plan = fixture("tf/multi-region/plan.json");
    let reader = |dir: std::path::PathBuf, plan: std::path::PathBuf| {
        std::thread::spawn(move || {
            let mut prices = Vec::new();
            for _ in 0..8 {
                let out = plancost()
                    .args(["breakdown", "--format", "json", "--cache-dir"])
                    .arg(&dir)
                    .arg(&plan)
                    .output()
                    .unwrap();
                assert!(out.status.success(), "{}", stderr(&out));
                let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
                let c = component(&report, "module.web_eu.aws_instance.this", "Instance usage");
                prices.push((
                    c["unit_price"].as_str().unwrap().to_string(),
                    c["price"]["source"].as_str().unwrap().to_string(),
                ));
            }
            prices
        })
    };
    let readers = [reader(dir.clone(), plan.clone()), reader(dir.clone(), plan)];
    for r in readers {
        for (price, source) in r.join().unwrap() {
            // t3.small Linux eu-west-1: $0.0228/h, from the cache whichever file was in place.
            assert_eq!(price, "0.0228");
            assert!(source.contains("cache"), "{source}");
        }
    }
    assert!(syncing.wait().unwrap().success());
    assert_eq!(t3_medium(&dir).first_unit_price(), dec("0.0456"));
}
