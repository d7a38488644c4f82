//! Benchmarks of whole `plancost` runs (run with `cargo bench --bench plan`):
//!
//! 1. **Large plan.** A `terraform show -json` plan of about 100,000 resource changes, generated
//!    from the real plan of the reference cluster (infra/phase2/plan.json) replicated as 850
//!    instances of a module, priced end to end (`breakdown --format json`), beside a bare
//!    serde_json pass over the same bytes that skips everything (`IgnoredAny`).
//!    Targets: breakdown ≤ 3 × the bare pass; peak RSS ≤ 1.5 × the file size.
//! 2. **Typical run.** The reference cluster's plan, end to end as a process. Target: < 20 ms.
//!
//! Peak RSS comes from `/usr/bin/time -f %M` (GNU time) when present. Figures are medians; the
//! large plan's ratio is the median of the ratios of bare passes and breakdowns timed in pairs.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const REPLICAS: usize = 850;
const RUNS: usize = 5;
/// Pairs of a bare pass and a breakdown of the large plan.
const LARGE_RUNS: usize = 9;

fn main() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_plancost"));
    let data = repo.join("target/bench-data");
    std::fs::create_dir_all(&data).expect("create target/bench-data");

    // 2. Typical run first: it is the one users feel.
    let phase2 = repo.join("infra/phase2/plan.json");
    let typical = median(RUNS, || {
        run_process(
            &bin,
            &["breakdown", "--format", "json", phase2.to_str().unwrap()],
            &repo,
        )
        .0
    });
    println!(
        "typical run (infra/phase2/plan.json, 118 resource changes): median {:.1} ms (target < 20 ms)",
        ms(typical)
    );

    // 1. Large plan.
    let large = data.join(format!("large-plan-{REPLICAS}.json"));
    if !large.exists() {
        let started = Instant::now();
        generate_large_plan(&phase2, &large);
        println!(
            "generated {} in {:.1} s",
            large.display(),
            started.elapsed().as_secs_f64()
        );
    }
    let size = std::fs::metadata(&large).expect("large plan").len();
    let bytes = std::fs::read(&large).expect("read large plan");
    let bare_pass = || {
        let started = Instant::now();
        let _: serde::de::IgnoredAny = serde_json::from_slice(&bytes).expect("valid JSON");
        started.elapsed()
    };
    let breakdown = || {
        run_process(
            &bin,
            &[
                "breakdown",
                "--format",
                "json",
                "--out",
                "/dev/null",
                large.to_str().unwrap(),
            ],
            &repo,
        )
    };
    // The two are timed in pairs, and the ratio taken pair by pair: on a shared machine
    // whose speed drifts, a bare pass timed a minute before the breakdown it is compared
    // with says little.
    bare_pass();
    breakdown();
    let (mut bares, mut breakdowns, mut ratios, mut rss) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..LARGE_RUNS {
        let bare = bare_pass();
        let (elapsed, peak) = breakdown();
        ratios.push(elapsed.as_secs_f64() / bare.as_secs_f64());
        bares.push(bare);
        breakdowns.push(elapsed);
        rss.extend(peak);
    }
    drop(bytes);
    for list in [&mut bares, &mut breakdowns] {
        list.sort();
    }
    ratios.sort_by(f64::total_cmp);
    rss.sort();
    println!(
        "large plan ({:.0} MB, {} resource changes), {LARGE_RUNS} pairs: bare serde pass {:.0} ms; breakdown {:.0} ms; breakdown / bare {:.2} (pairs: {:.2}-{:.2}; target ≤ 3)",
        size as f64 / 1e6,
        REPLICAS * 118,
        ms(bares[LARGE_RUNS / 2]),
        ms(breakdowns[LARGE_RUNS / 2]),
        ratios[LARGE_RUNS / 2],
        ratios[0],
        ratios[LARGE_RUNS - 1],
    );
    if let Some(peak_kb) = rss.get(rss.len() / 2) {
        println!(
            "large plan peak RSS: {:.0} MB = {:.2} × file size (target ≤ 1.5)",
            *peak_kb as f64 / 1e3,
            (*peak_kb as f64 * 1024.0) / size as f64
        );
    } else {
        println!("large plan peak RSS: not measured (GNU time not found at /usr/bin/time)");
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn median(runs: usize, mut f: impl FnMut() -> Duration) -> Duration {
    f(); // warm-up: page cache, lazy chunks of the binary
    let mut times: Vec<Duration> = (0..runs).map(|_| f()).collect();
    times.sort();
    times[runs / 2]
}

/// Runs plancost; returns wall time and, with GNU time, peak RSS in KB.
fn run_process(bin: &Path, args: &[&str], dir: &Path) -> (Duration, Option<u64>) {
    let gnu_time = Path::new("/usr/bin/time");
    let started = Instant::now();
    let output = if gnu_time.exists() {
        Command::new(gnu_time)
            .arg("-f")
            .arg("%M")
            .arg(bin)
            .args(args)
            .current_dir(dir)
            .output()
    } else {
        Command::new(bin).args(args).current_dir(dir).output()
    }
    .expect("run plancost");
    let elapsed = started.elapsed();
    assert!(
        output.status.success(),
        "plancost {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let peak = gnu_time
        .exists()
        .then(|| {
            String::from_utf8_lossy(&output.stderr)
                .lines()
                .last()
                .and_then(|l| l.trim().parse().ok())
        })
        .flatten();
    (elapsed, peak)
}

/// Replicates the reference cluster's plan as `module.cluster["N"]` instances: planned values,
/// resource changes and prior state per instance, one module call in the configuration.
fn generate_large_plan(source: &Path, out: &Path) {
    let plan: Value = serde_json::from_slice(&std::fs::read(source).expect("read phase2 plan"))
        .expect("parse phase2 plan");
    let root = &plan["planned_values"]["root_module"];
    let mut child_modules = Vec::new();
    let mut changes = Vec::new();
    for i in 0..REPLICAS {
        let prefix = format!("module.cluster[\"{i}\"]");
        child_modules.push(prefix_module(root, &prefix));
        for rc in plan["resource_changes"]
            .as_array()
            .expect("resource_changes")
        {
            let mut rc = rc.clone();
            let address = format!("{prefix}.{}", rc["address"].as_str().expect("address"));
            let module = match rc["module_address"].as_str() {
                Some(m) => format!("{prefix}.{m}"),
                None => prefix.clone(),
            };
            rc["address"] = json!(address);
            rc["module_address"] = json!(module);
            changes.push(rc);
        }
    }
    let mut config = plan["configuration"].clone();
    let inner = config["root_module"].clone();
    config["root_module"] = json!({
        "module_calls": { "cluster": { "source": "./cluster", "for_each_expression": { "references": ["var.clusters"] }, "module": inner } }
    });
    let large = json!({
        "format_version": plan["format_version"],
        "terraform_version": plan["terraform_version"],
        "variables": plan["variables"],
        "planned_values": { "root_module": { "child_modules": child_modules } },
        "resource_changes": changes,
        "configuration": config,
    });
    let file = std::fs::File::create(out).expect("create large plan");
    serde_json::to_writer(std::io::BufWriter::new(file), &large).expect("write large plan");
}

/// A copy of a module tree with every address under `prefix`.
fn prefix_module(module: &Value, prefix: &str) -> Value {
    let mut m = module.clone();
    let address = match module["address"].as_str() {
        Some(a) => format!("{prefix}.{a}"),
        None => prefix.to_string(),
    };
    m["address"] = json!(address);
    if let Some(resources) = m.get_mut("resources").and_then(Value::as_array_mut) {
        for r in resources {
            let a = format!("{prefix}.{}", r["address"].as_str().expect("address"));
            r["address"] = json!(a);
        }
    }
    if let Some(children) = module["child_modules"].as_array() {
        m["child_modules"] =
            Value::Array(children.iter().map(|c| prefix_module(c, prefix)).collect());
    }
    m
}
