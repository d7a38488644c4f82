//! `cargo bench --bench offer_import`: streams a synthetic 1 GB offer file shaped like AWS's
//! regional EC2 offer through the importer's reader and filter, and prints the throughput and
//! the process's peak resident memory.
//!
//! The file is generated once into `target/bench-data/` (deterministically, so every run reads
//! the same bytes). Its shape follows the real file: AWS's pretty-printing (`"key" : value`,
//! two-space indents), products of every EC2 family with ~40 attributes each, instance rows in
//! all the operating system / tenancy / pre-installed software / capacity status variants, one
//! OnDemand term per SKU and a dozen Reserved terms (with upfront fees) per instance SKU, so
//! most bytes are terms of SKUs that no mapping asks for, as in AWS's file.
//!
//! Environment: `PLANCOST_BENCH_BYTES` sets the size (default 1 GiB).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

fn main() {
    let target_bytes: u64 = std::env::var("PLANCOST_BENCH_BYTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1 << 30);
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&dir).expect("create target/bench-data");
    let path = dir.join(format!("synthetic-ec2-offer-{target_bytes}.json"));
    if !path.exists() {
        let started = Instant::now();
        generate(&path, target_bytes).expect("generate the synthetic offer");
        eprintln!(
            "generated {} in {:.1}s",
            path.display(),
            started.elapsed().as_secs_f64()
        );
    }
    let size = std::fs::metadata(&path).expect("stat").len();
    let rss_before = peak_rss_kib();

    let mut best = f64::INFINITY;
    let mut best_cpu = f64::INFINITY;
    let mut kept = 0;
    let mut seen = 0;
    for _ in 0..3 {
        let started = Instant::now();
        let cpu_started = cpu_seconds();
        let file = File::open(&path).expect("open");
        let keep = |service: &str,
                    family: Option<&str>,
                    attrs: &std::collections::BTreeMap<String, String>| {
            plancost::aws::wanted(service, family, attrs)
        };
        let offer = plancost::pricing::offer::read_offer(file, Some("us-east-1"), &keep)
            .expect("the synthetic offer reads");
        best = best.min(started.elapsed().as_secs_f64());
        best_cpu = best_cpu.min(cpu_seconds() - cpu_started);
        kept = offer.products.len();
        seen = offer.products_seen;
    }
    let mb = size as f64 / 1e6;
    println!(
        "offer_import: {mb:.0} MB, {seen} products, {kept} kept; best of 3: {best:.2} s = {:.0} MB/s \
         (on-CPU {best_cpu:.2} s = {:.0} MB/s); peak RSS {} MiB (before reading: {} MiB)",
        mb / best,
        mb / best_cpu,
        peak_rss_kib() / 1024,
        rss_before / 1024
    );
}

/// Time this thread has spent on a CPU (`/proc/thread-self/schedstat`), in seconds: on a busy
/// machine wall time also counts other processes' turns.
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .map_or(f64::NAN, |ns| ns as f64 / 1e9)
}

/// Peak resident set size of this process (`VmHWM`), in KiB.
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// A small deterministic generator (xorshift), so the file is the same on every machine.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

fn sku(n: u64) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut x = n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (0..16)
        .map(|_| {
            let c = ALPHABET[(x % 32) as usize] as char;
            x /= 32;
            if x == 0 {
                x = n.wrapping_add(0x5bd1e995);
            }
            c
        })
        .collect()
}

const FAMILIES: &[&str] = &[
    "t3", "t3a", "t4g", "m5", "m5a", "m6i", "m6g", "m7i", "c5", "c6i", "c6g", "c7g", "r5", "r6i",
    "r6g", "g4dn", "g5", "p4d", "i3", "x2idn",
];
const SIZES: &[&str] = &[
    "medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge",
];
const OS: &[&str] = &[
    "Linux",
    "Windows",
    "RHEL",
    "SUSE",
    "Red Hat Enterprise Linux with HA",
];
const TENANCY: &[&str] = &["Shared", "Dedicated", "Host"];
const SOFTWARE: &[&str] = &["NA", "SQL Web", "SQL Std", "SQL Ent"];
const CAPACITY: &[&str] = &[
    "Used",
    "AllocatedCapacityReservation",
    "UnusedCapacityReservation",
];

fn generate(path: &Path, target: u64) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    let mut out = BufWriter::with_capacity(1 << 20, File::create(&tmp)?);
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    // Products are about a sixth of AWS's EC2 file; terms the rest. Estimate how many SKUs
    // make `target` bytes from the sizes of one product (~1.9 KB) and its terms (~14.6 KB).
    let count = target / 16_500;
    write!(
        out,
        "{{\n  \"formatVersion\" : \"v1.0\",\n  \"disclaimer\" : \"This pricing list is for informational purposes only.\",\n  \"offerCode\" : \"AmazonEC2\",\n  \"version\" : \"20260701000000\",\n  \"publicationDate\" : \"2026-07-01T00:00:00Z\",\n  \"products\" : {{\n"
    )?;
    let mut kinds = Vec::with_capacity(count as usize);
    for n in 0..count {
        let id = sku(n);
        // One product in 50 is not a compute instance (storage, IPs, data transfer...).
        let instance = n % 50 != 0;
        kinds.push(instance);
        if n > 0 {
            out.write_all(b",\n")?;
        }
        let itype = format!("{}.{}", rng.pick(FAMILIES), rng.pick(SIZES));
        let (family, usagetype) = if instance {
            ("Compute Instance", format!("BoxUsage:{itype}"))
        } else {
            ("Storage", "EBS:VolumeUsage.gp3".to_string())
        };
        write!(
            out,
            "    \"{id}\" : {{\n      \"sku\" : \"{id}\",\n      \"productFamily\" : \"{family}\",\n      \"attributes\" : {{\n"
        )?;
        let attrs: [(&str, String); 38] = [
            ("servicecode", "AmazonEC2".into()),
            ("location", "US East (N. Virginia)".into()),
            ("locationType", "AWS Region".into()),
            ("instanceType", itype.clone()),
            ("currentGeneration", "Yes".into()),
            ("instanceFamily", "General purpose".into()),
            ("vcpu", format!("{}", 2 << (rng.next() % 6))),
            (
                "physicalProcessor",
                "Intel Xeon Platinum 8259 (Cascade Lake)".into(),
            ),
            ("clockSpeed", "3.1 GHz".into()),
            ("memory", format!("{} GiB", 4 << (rng.next() % 7))),
            ("storage", "EBS only".into()),
            ("networkPerformance", "Up to 10 Gigabit".into()),
            ("processorArchitecture", "64-bit".into()),
            ("tenancy", rng.pick(TENANCY).into()),
            ("operatingSystem", rng.pick(OS).into()),
            ("licenseModel", "No License required".into()),
            ("usagetype", usagetype),
            ("operation", "RunInstances".into()),
            ("availabilityzone", "NA".into()),
            ("capacitystatus", rng.pick(CAPACITY).into()),
            ("classicnetworkingsupport", "false".into()),
            ("dedicatedEbsThroughput", "Up to 4750 Mbps".into()),
            ("ecu", "10".into()),
            ("enhancedNetworkingSupported", "Yes".into()),
            ("gpuMemory", "NA".into()),
            ("instancesku", sku(n + 1_000_000_000)),
            ("intelAvx2Available", "Yes".into()),
            ("intelAvxAvailable", "Yes".into()),
            ("intelTurboAvailable", "Yes".into()),
            ("marketoption", "OnDemand".into()),
            ("normalizationSizeFactor", "4".into()),
            ("preInstalledSw", rng.pick(SOFTWARE).into()),
            (
                "processorFeatures",
                "Intel AVX; Intel AVX2; Intel AVX512; Intel Turbo".into(),
            ),
            ("regionCode", "us-east-1".into()),
            ("servicename", "Amazon Elastic Compute Cloud".into()),
            ("vpcnetworkingsupport", "true".into()),
            ("volumeApiName", "gp3".into()),
            ("storageMedia", "SSD-backed".into()),
        ];
        for (i, (k, v)) in attrs.iter().enumerate() {
            let sep = if i + 1 < attrs.len() { "," } else { "" };
            writeln!(out, "        \"{k}\" : \"{v}\"{sep}")?;
        }
        out.write_all(b"      }\n    }")?;
    }
    out.write_all(b"\n  },\n  \"terms\" : {\n    \"OnDemand\" : {\n")?;
    for n in 0..count {
        let id = sku(n);
        if n > 0 {
            out.write_all(b",\n")?;
        }
        let price = format!("{}.{:010}", rng.next() % 4, rng.next() % 10_000_000_000);
        write!(
            out,
            "      \"{id}\" : {{\n        \"{id}.JRTCKXETXF\" : {{\n          \"offerTermCode\" : \"JRTCKXETXF\",\n          \"sku\" : \"{id}\",\n          \"effectiveDate\" : \"2026-07-01T00:00:00Z\",\n          \"priceDimensions\" : {{\n            \"{id}.JRTCKXETXF.6YS6EN2CT7\" : {{\n              \"rateCode\" : \"{id}.JRTCKXETXF.6YS6EN2CT7\",\n              \"description\" : \"$0.096 per On Demand Linux m5.large Instance Hour\",\n              \"beginRange\" : \"0\",\n              \"endRange\" : \"Inf\",\n              \"unit\" : \"Hrs\",\n              \"pricePerUnit\" : {{\n                \"USD\" : \"{price}\"\n              }},\n              \"appliesTo\" : [ ]\n            }}\n          }},\n          \"termAttributes\" : {{ }}\n        }}\n      }}"
        )?;
    }
    out.write_all(b"\n    },\n    \"Reserved\" : {\n")?;
    const RESERVED: &[(&str, &str, &str, &str)] = &[
        ("38NPMPTW36", "1yr", "standard", "No Upfront"),
        ("4NA7Y494T4", "1yr", "standard", "Partial Upfront"),
        ("6QCMYABX3D", "1yr", "standard", "All Upfront"),
        ("7NE97W5U4E", "1yr", "convertible", "No Upfront"),
        ("CUZHX8X6JH", "1yr", "convertible", "Partial Upfront"),
        ("VJWZNREJX2", "1yr", "convertible", "All Upfront"),
        ("BPH4J8HBKS", "3yr", "standard", "No Upfront"),
        ("38NPMPTW37", "3yr", "standard", "Partial Upfront"),
        ("NQ3QZPMQV9", "3yr", "standard", "All Upfront"),
        ("Z2E3P23VKM", "3yr", "convertible", "No Upfront"),
        ("R5XV2EPZQZ", "3yr", "convertible", "Partial Upfront"),
        ("MZU6U2429S", "3yr", "convertible", "All Upfront"),
    ];
    let mut first = true;
    for n in 0..count {
        if !kinds[n as usize] {
            continue;
        }
        let id = sku(n);
        if !first {
            out.write_all(b",\n")?;
        }
        first = false;
        writeln!(out, "      \"{id}\" : {{")?;
        for (i, (code, lease, class, option)) in RESERVED.iter().enumerate() {
            let hourly = format!("0.{:010}", rng.next() % 10_000_000_000);
            let upfront = format!("{}", rng.next() % 5000);
            write!(
                out,
                "        \"{id}.{code}\" : {{\n          \"offerTermCode\" : \"{code}\",\n          \"sku\" : \"{id}\",\n          \"effectiveDate\" : \"2026-07-01T00:00:00Z\",\n          \"priceDimensions\" : {{\n            \"{id}.{code}.6YS6EN2CT7\" : {{\n              \"rateCode\" : \"{id}.{code}.6YS6EN2CT7\",\n              \"description\" : \"Linux/UNIX (Amazon VPC), m5.large reserved instance applied\",\n              \"beginRange\" : \"0\",\n              \"endRange\" : \"Inf\",\n              \"unit\" : \"Hrs\",\n              \"pricePerUnit\" : {{\n                \"USD\" : \"{hourly}\"\n              }},\n              \"appliesTo\" : [ ]\n            }},\n            \"{id}.{code}.2TG2D8R56U\" : {{\n              \"rateCode\" : \"{id}.{code}.2TG2D8R56U\",\n              \"description\" : \"Upfront Fee\",\n              \"unit\" : \"Quantity\",\n              \"pricePerUnit\" : {{\n                \"USD\" : \"{upfront}\"\n              }},\n              \"appliesTo\" : [ ]\n            }}\n          }},\n          \"termAttributes\" : {{\n            \"LeaseContractLength\" : \"{lease}\",\n            \"OfferingClass\" : \"{class}\",\n            \"PurchaseOption\" : \"{option}\"\n          }}\n        }}{}\n",
                if i + 1 < RESERVED.len() { "," } else { "" }
            )?;
        }
        out.write_all(b"      }")?;
    }
    out.write_all(b"\n    }\n  }\n}\n")?;
    out.flush()?;
    drop(out);
    std::fs::rename(tmp, path)
}
