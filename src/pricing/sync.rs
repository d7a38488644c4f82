//! `plancost prices sync`: fetches current offers from the AWS Price List Bulk API into the
//! cache. No credentials: the Bulk API is public.
//!
//! offer index (`/offers/v1.0/aws/index.json`) → each service's region index → each wanted
//! region's offer file. An offer whose URL (which carries its version) and ETag are what the
//! cache already holds is not downloaded again: the cache's manifest records both, and a
//! conditional GET (`If-None-Match`) asks the server. Downloads go to the cache's scratch
//! directory and resume with a `Range` request after an interruption (`If-Range` on the ETag
//! makes the server start over when the file changed in between); the offer is then read
//! streaming from disk and the service+region file replaced atomically (`cache.rs`). A failed,
//! truncated or corrupt download never reaches the price files.
//!
//! Requests are retried with exponential backoff on connection errors, timeouts, 5xx and 429
//! (honouring `Retry-After`), a bounded number of times; other statuses fail at once. A fixed
//! number of worker threads download at a time.

use std::collections::{BTreeMap, VecDeque};
use std::fs::{File, OpenOptions};
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Deserialize;

use super::cache::{Cache, ManifestEntry, file_stem};
use super::{Chunk, PriceSet, Source, offer};
use crate::error::{Error, Result};

pub const DEFAULT_ENDPOINT: &str = "https://pricing.us-east-1.amazonaws.com";

/// Offers the resource mappings price from; a plain `prices sync` fetches those the offer
/// index lists.
pub const PRICED_SERVICES: &[&str] = &[
    "AWSCertificateManager",
    "AWSDataTransfer",
    "AWSELB",
    "AWSSecretsManager",
    "AmazonCloudFront",
    "AmazonCloudWatch",
    "AmazonEC2",
    "AmazonEKS",
    "AmazonElastiCache",
    "AmazonRDS",
    "AmazonRoute53",
    "AmazonS3",
    "AmazonS3GlacierDeepArchive",
    "AmazonVPC",
    "awskms",
    "awswaf",
];

#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// Scheme and host of the Bulk API, e.g. `https://pricing.us-east-1.amazonaws.com`.
    pub endpoint: String,
    /// Regions to fetch; empty means the regions already in the cache, else `us-east-1`.
    pub regions: Vec<String>,
    /// Offer codes to fetch; empty means [`PRICED_SERVICES`] found in the offer index.
    pub services: Vec<String>,
    /// Downloads at once.
    pub concurrency: usize,
    /// Attempts per request after the first.
    pub retries: u32,
    /// First backoff; doubled per attempt, capped at 30 s.
    pub backoff: Duration,
    /// Longest `Retry-After` honoured; longer ones are waited this long.
    pub max_retry_after: Duration,
    pub connect_timeout: Duration,
    /// How long to wait for the response head, and for each read of the body.
    pub read_timeout: Duration,
    /// Offers larger than this are refused (bytes as sent, gzip or not).
    pub max_download_bytes: u64,
    /// Download even when the cache holds the same version.
    pub force: bool,
    pub progress: ProgressStyle,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressStyle {
    /// A redrawn line on a terminal.
    Bar,
    /// One line per event (logs, CI).
    Lines,
    Quiet,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            endpoint: DEFAULT_ENDPOINT.to_string(),
            regions: Vec::new(),
            services: Vec::new(),
            concurrency: 2,
            retries: 4,
            backoff: Duration::from_millis(500),
            max_retry_after: Duration::from_secs(120),
            connect_timeout: Duration::from_secs(30),
            read_timeout: Duration::from_secs(60),
            max_download_bytes: 8 << 30,
            force: false,
            progress: if std::io::stderr().is_terminal() {
                ProgressStyle::Bar
            } else {
                ProgressStyle::Lines
            },
        }
    }
}

/// What a sync did, per `<service>@<region>`.
#[derive(Debug, Default)]
pub struct SyncReport {
    pub updated: Vec<String>,
    pub unchanged: Vec<String>,
    /// Offers the region index does not list for a wanted region (AWS does not sell them there).
    pub not_offered: Vec<String>,
}

// ---- index files -------------------------------------------------------------------------

/// The offer index (`/offers/v1.0/aws/index.json`).
#[derive(Debug, Deserialize)]
pub struct OfferIndex {
    #[serde(rename = "publicationDate", default)]
    pub publication_date: String,
    pub offers: BTreeMap<String, OfferIndexEntry>,
}

#[derive(Debug, Deserialize)]
pub struct OfferIndexEntry {
    #[serde(rename = "offerCode")]
    pub offer_code: String,
    #[serde(rename = "versionIndexUrl")]
    pub version_index_url: Option<String>,
    #[serde(rename = "currentVersionUrl")]
    pub current_version_url: Option<String>,
    #[serde(rename = "currentRegionIndexUrl")]
    pub current_region_index_url: Option<String>,
}

/// A version index (`/offers/v1.0/aws/<service>/index.json`): every published version.
#[derive(Debug, Deserialize)]
pub struct VersionIndex {
    #[serde(rename = "offerCode")]
    pub offer_code: String,
    #[serde(rename = "currentVersion")]
    pub current_version: String,
    pub versions: BTreeMap<String, VersionEntry>,
}

#[derive(Debug, Deserialize)]
pub struct VersionEntry {
    #[serde(rename = "versionEffectiveBeginDate")]
    pub effective_begin: Option<String>,
    #[serde(rename = "versionEffectiveEndDate")]
    pub effective_end: Option<String>,
    #[serde(rename = "offerVersionUrl")]
    pub offer_version_url: String,
}

/// One region of a region index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionOffer {
    pub region: String,
    pub url: String,
}

/// Reads a region index in either shape AWS publishes: `regions` as an object keyed by region
/// code with `currentVersionUrl` (offers), or as an array with `versionUrl` (savings plans).
pub fn read_region_index(bytes: &[u8]) -> std::result::Result<Vec<RegionOffer>, String> {
    #[derive(Deserialize)]
    struct Entry {
        #[serde(rename = "regionCode")]
        region_code: Option<String>,
        #[serde(rename = "currentVersionUrl")]
        current_version_url: Option<String>,
        #[serde(rename = "versionUrl")]
        version_url: Option<String>,
    }
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Regions {
        Map(BTreeMap<String, Entry>),
        List(Vec<Entry>),
    }
    #[derive(Deserialize)]
    struct Index {
        regions: Regions,
    }
    let index: Index = serde_json::from_slice(strip_bom(bytes))
        .map_err(|e| format!("not a region index: {}", crate::jsonscan::data_error(&e)))?;
    let entries: Vec<(Option<String>, Entry)> = match index.regions {
        Regions::Map(map) => map.into_iter().map(|(k, v)| (Some(k), v)).collect(),
        Regions::List(list) => list.into_iter().map(|v| (None, v)).collect(),
    };
    let mut out = Vec::new();
    for (key, entry) in entries {
        let region = entry.region_code.or(key).ok_or("a region without a code")?;
        let url = entry
            .current_version_url
            .or(entry.version_url)
            .ok_or_else(|| format!("region {region} has no offer URL"))?;
        out.push(RegionOffer { region, url });
    }
    Ok(out)
}

pub fn read_offer_index(bytes: &[u8]) -> std::result::Result<OfferIndex, String> {
    serde_json::from_slice(strip_bom(bytes))
        .map_err(|e| format!("not an offer index: {}", crate::jsonscan::data_error(&e)))
}

pub fn read_version_index(bytes: &[u8]) -> std::result::Result<VersionIndex, String> {
    serde_json::from_slice(strip_bom(bytes))
        .map_err(|e| format!("not a version index: {}", crate::jsonscan::data_error(&e)))
}

fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(&[0xef, 0xbb, 0xbf]).unwrap_or(bytes)
}

// ---- HTTP ---------------------------------------------------------------------------------

struct Http {
    agent: ureq::Agent,
    options: SyncOptions,
}

enum Fetched {
    NotModified,
    /// Status, ETag, Last-Modified, Content-Length, body.
    Body {
        status: u16,
        etag: Option<String>,
        last_modified: Option<String>,
        length: Option<u64>,
        body: ureq::Body,
    },
}

/// Why one attempt failed, and whether another may succeed.
struct Failure {
    message: String,
    retry: bool,
    wait: Option<Duration>,
}

impl Http {
    fn new(options: &SyncOptions) -> Http {
        let loopback = ["://127.", "://localhost", "://[::1]"]
            .iter()
            .any(|p| options.endpoint.contains(p));
        let mut config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(options.connect_timeout))
            .timeout_recv_response(Some(options.read_timeout))
            .timeout_per_read(Some(options.read_timeout))
            .user_agent(concat!("plancost/", env!("CARGO_PKG_VERSION")));
        if loopback {
            // A proxy from the environment must not intercept a local test server.
            config = config.proxy(None);
        }
        Http {
            agent: config.build().into(),
            options: options.clone(),
        }
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with("http://") || path.starts_with("https://") {
            path.to_string()
        } else {
            format!("{}{}", self.options.endpoint.trim_end_matches('/'), path)
        }
    }

    fn backoff(&self, attempt: u32, wait: Option<Duration>) -> Duration {
        match wait {
            Some(w) => w.min(self.options.max_retry_after),
            None => {
                (self.options.backoff * 2u32.saturating_pow(attempt)).min(Duration::from_secs(30))
            }
        }
    }

    /// One GET; `headers` are extra request headers.
    fn get(&self, url: &str, headers: &[(&str, String)]) -> std::result::Result<Fetched, Failure> {
        let mut request = self.agent.get(url).header("Accept-Encoding", "gzip");
        for (k, v) in headers {
            request = request.header(*k, v.as_str());
        }
        let response = request.call().map_err(|e| Failure {
            message: format!("{url}: {e}"),
            retry: true,
            wait: None,
        })?;
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        match status {
            304 => Ok(Fetched::NotModified),
            200 | 206 => Ok(Fetched::Body {
                status,
                etag: header("etag"),
                last_modified: header("last-modified"),
                length: header("content-length").and_then(|v| v.parse().ok()),
                body: response.into_body(),
            }),
            429 | 500..=599 => Err(Failure {
                message: format!("{url}: HTTP {status}"),
                retry: true,
                wait: header("retry-after")
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .map(Duration::from_secs),
            }),
            _ => Err(Failure {
                message: format!("{url}: HTTP {status}"),
                retry: false,
                wait: None,
            }),
        }
    }

    /// Runs `attempt` until it succeeds, fails for good, or retries run out.
    fn retrying<T>(
        &self,
        what: &str,
        progress: &Progress,
        mut attempt: impl FnMut() -> std::result::Result<T, Failure>,
    ) -> std::result::Result<T, String> {
        let mut n = 0;
        loop {
            match attempt() {
                Ok(v) => return Ok(v),
                Err(f) if f.retry && n < self.options.retries => {
                    let wait = self.backoff(n, f.wait);
                    progress.line(&format!(
                        "{what}: {} — retrying in {:.1}s",
                        f.message,
                        wait.as_secs_f64()
                    ));
                    std::thread::sleep(wait);
                    n += 1;
                }
                Err(f) => {
                    return Err(if f.retry {
                        format!("{} (gave up after {} attempts)", f.message, n + 1)
                    } else {
                        f.message
                    });
                }
            }
        }
    }

    /// A small JSON document (an index), read whole.
    fn small(&self, path: &str, progress: &Progress) -> std::result::Result<Vec<u8>, String> {
        let url = self.url(path);
        self.retrying(&url, progress, || match self.get(&url, &[])? {
            Fetched::NotModified => Err(Failure {
                message: format!("{url}: unexpected 304"),
                retry: false,
                wait: None,
            }),
            Fetched::Body { body, .. } => {
                let mut bytes = Vec::new();
                body.into_reader()
                    .take(64 << 20)
                    .read_to_end(&mut bytes)
                    .map_err(|e| Failure {
                        message: format!("{url}: {e}"),
                        retry: true,
                        wait: None,
                    })?;
                // Index files are small; a gzipped one is unpacked here.
                if bytes.starts_with(&[0x1f, 0x8b]) {
                    let mut plain = Vec::new();
                    flate2::read::MultiGzDecoder::new(bytes.as_slice())
                        .take(64 << 20)
                        .read_to_end(&mut plain)
                        .map_err(|e| Failure {
                            message: format!("{url}: bad gzip stream: {e}"),
                            retry: true,
                            wait: None,
                        })?;
                    bytes = plain;
                }
                Ok(bytes)
            }
        })
    }
}

// ---- progress -----------------------------------------------------------------------------

struct Progress {
    style: ProgressStyle,
    state: Mutex<ProgressState>,
}

struct ProgressState {
    files_total: usize,
    files_done: usize,
    bytes: u64,
    last_draw: Option<Instant>,
    drawn: bool,
}

impl Progress {
    fn new(style: ProgressStyle) -> Progress {
        Progress {
            style,
            state: Mutex::new(ProgressState {
                files_total: 0,
                files_done: 0,
                bytes: 0,
                last_draw: None,
                drawn: false,
            }),
        }
    }

    fn line(&self, text: &str) {
        match self.style {
            ProgressStyle::Quiet => {}
            ProgressStyle::Lines => eprintln!("{text}"),
            ProgressStyle::Bar => {
                let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
                if state.drawn {
                    eprint!("\r\x1b[K");
                    state.drawn = false;
                }
                eprintln!("{text}");
            }
        }
    }

    fn add_bytes(&self, n: u64) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.bytes += n;
        if self.style == ProgressStyle::Bar
            && state
                .last_draw
                .is_none_or(|t| t.elapsed() > Duration::from_millis(150))
        {
            state.last_draw = Some(Instant::now());
            state.drawn = true;
            let width = 24;
            let filled = (state.files_done * width)
                .checked_div(state.files_total)
                .unwrap_or(0);
            eprint!(
                "\r\x1b[K[{}{}] {}/{} offers, {:.1} MB downloaded",
                "#".repeat(filled),
                "-".repeat(width - filled),
                state.files_done,
                state.files_total,
                state.bytes as f64 / 1e6
            );
            let _ = std::io::stderr().flush();
        }
    }

    fn file_done(&self) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.files_done += 1;
    }

    fn finish(&self) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.drawn {
            eprint!("\r\x1b[K");
            state.drawn = false;
        }
    }
}

// ---- sync ---------------------------------------------------------------------------------

struct Job {
    service: String,
    region: String,
    url: String,
}

/// Fetches the wanted offers into `cache`. Returns an error (exit code 3) when the offer index
/// cannot be had or any offer fails; offers stored before the failure stay stored, and every
/// other cache file is as it was.
pub fn sync(cache: &Cache, options: &SyncOptions) -> Result<SyncReport> {
    let http = Http::new(options);
    let progress = Progress::new(options.progress);
    cache.clean_scratch();
    let unreachable = |e: String| {
        Error::Prices(format!(
            "cannot sync from {}: {e}; the cache is unchanged ({})",
            options.endpoint,
            fallback_note(cache)
        ))
    };

    let index_bytes = http
        .small("/offers/v1.0/aws/index.json", &progress)
        .map_err(unreachable)?;
    let index = read_offer_index(&index_bytes).map_err(unreachable)?;

    let services: Vec<String> = if options.services.is_empty() {
        PRICED_SERVICES
            .iter()
            .filter(|s| index.offers.contains_key(**s))
            .map(|s| s.to_string())
            .collect()
    } else {
        for s in &options.services {
            if !index.offers.contains_key(s) {
                return Err(Error::Usage(format!(
                    "the offer index of {} has no service {s:?}",
                    options.endpoint
                )));
            }
        }
        options.services.clone()
    };
    let regions = if options.regions.is_empty() {
        let mut cached: Vec<String> = cache
            .files()
            .into_iter()
            .filter_map(|f| f.key.map(|(_, r)| r))
            .collect();
        cached.sort();
        cached.dedup();
        if cached.is_empty() {
            vec!["us-east-1".to_string()]
        } else {
            cached
        }
    } else {
        options.regions.clone()
    };

    let mut report = SyncReport::default();
    let mut jobs = VecDeque::new();
    for service in &services {
        let entry = &index.offers[service];
        let Some(region_index_url) = &entry.current_region_index_url else {
            return Err(unreachable(format!(
                "the offer index has no region index for {service}"
            )));
        };
        let bytes = http
            .small(region_index_url, &progress)
            .map_err(unreachable)?;
        let offered = read_region_index(&bytes)
            .map_err(|e| unreachable(format!("{region_index_url}: {e}")))?;
        for region in &regions {
            match offered.iter().find(|o| &o.region == region) {
                Some(o) => jobs.push_back(Job {
                    service: service.clone(),
                    region: region.clone(),
                    url: o.url.clone(),
                }),
                None => report.not_offered.push(file_stem(service, region)),
            }
        }
    }

    progress
        .state
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .files_total = jobs.len();
    let queue = Mutex::new(jobs);
    let results = Mutex::new(Vec::new());
    // One writer of the manifest at a time within this process.
    let store_lock = Mutex::new(());
    std::thread::scope(|scope| {
        for _ in 0..options.concurrency.max(1) {
            scope.spawn(|| {
                loop {
                    let job = queue.lock().unwrap_or_else(|e| e.into_inner()).pop_front();
                    let Some(job) = job else { break };
                    let outcome = sync_one(cache, &http, &job, &progress, &store_lock);
                    progress.file_done();
                    results
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push((file_stem(&job.service, &job.region), outcome));
                }
            });
        }
    });
    progress.finish();

    let mut failures = Vec::new();
    let mut results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    results.sort_by(|a, b| a.0.cmp(&b.0));
    for (stem, outcome) in results {
        match outcome {
            Ok(true) => report.updated.push(stem),
            Ok(false) => report.unchanged.push(stem),
            Err(e) => failures.push(format!("{stem}: {e}")),
        }
    }
    if !failures.is_empty() {
        return Err(Error::Prices(format!(
            "sync failed for {} of {} offers ({}); {} stored, the others are as they were ({}):\n  {}",
            failures.len(),
            failures.len() + report.updated.len() + report.unchanged.len(),
            options.endpoint,
            report.updated.len(),
            fallback_note(cache),
            failures.join("\n  ")
        )));
    }
    Ok(report)
}

fn fallback_note(cache: &Cache) -> String {
    match cache.files().len() {
        0 => "no cached prices: the bundled snapshot answers".to_string(),
        n => format!("{n} cached price files stay in use"),
    }
}

/// Syncs one offer; `Ok(true)` when the cache file was replaced, `Ok(false)` when unchanged.
fn sync_one(
    cache: &Cache,
    http: &Http,
    job: &Job,
    progress: &Progress,
    store_lock: &Mutex<()>,
) -> std::result::Result<bool, String> {
    let stem = file_stem(&job.service, &job.region);
    let url = http.url(&job.url);
    let manifest = cache.manifest();
    let previous = manifest
        .entries
        .get(&stem)
        .filter(|e| e.url.as_deref() == Some(url.as_str()))
        .filter(|_| cache.file_path(&job.service, &job.region).is_file())
        .filter(|_| !http.options.force);
    if let Some(previous) = previous {
        if previous.etag.is_none() {
            // The URL names the offer's version: the same URL is the same offer.
            progress.line(&format!("{stem}: unchanged (version {})", previous.version));
            return Ok(false);
        }
    }
    let download = cache.tmp_dir().join(format!("{stem}.download"));
    let meta_path = cache.tmp_dir().join(format!("{stem}.download.json"));
    std::fs::create_dir_all(cache.tmp_dir()).map_err(|e| e.to_string())?;

    let mut fetched_meta = None;
    let mut last_error = String::new();
    // A body that arrives whole but does not read as an offer (a bad gzip stream, cut JSON) is
    // fetched again, within the same retry budget as a failed request.
    for round in 0..=http.options.retries {
        let result = http.retrying(&stem, progress, || {
            download_to(http, &url, &download, &meta_path, previous, progress)
        });
        match result {
            Ok(None) => {
                progress.line(&format!("{stem}: unchanged (not modified)"));
                let _ = std::fs::remove_file(&download);
                let _ = std::fs::remove_file(&meta_path);
                return Ok(false);
            }
            Ok(Some(meta)) => match read_download(&download, job) {
                Ok(set) => {
                    fetched_meta = Some((meta, set));
                    break;
                }
                Err(e) => {
                    last_error = format!("{url}: {e}");
                    let _ = std::fs::remove_file(&download);
                    let _ = std::fs::remove_file(&meta_path);
                    if round < http.options.retries {
                        let wait = http.backoff(round, None);
                        progress.line(&format!(
                            "{stem}: {last_error} — downloading again in {:.1}s",
                            wait.as_secs_f64()
                        ));
                        std::thread::sleep(wait);
                    }
                }
            },
            Err(e) => return Err(e),
        }
    }
    let Some((meta, set)) = fetched_meta else {
        return Err(format!("{last_error} (gave up)"));
    };
    let version = set
        .sources
        .first()
        .map(|s| s.version.clone())
        .unwrap_or_default();
    let products = set.product_count();
    {
        let _guard = store_lock.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .store(
                &set,
                "sync",
                Some(ManifestEntry {
                    url: Some(url.clone()),
                    etag: meta.etag,
                    last_modified: meta.last_modified,
                    ..Default::default()
                }),
            )
            .map_err(|e| e.to_string())?;
    }
    let _ = std::fs::remove_file(&download);
    let _ = std::fs::remove_file(&meta_path);
    progress.line(&format!(
        "{stem}: stored version {version}, {products} products"
    ));
    Ok(true)
}

#[derive(Debug, Clone, Default, serde::Serialize, Deserialize)]
struct DownloadMeta {
    url: String,
    etag: Option<String>,
    last_modified: Option<String>,
}

/// Downloads `url` into `path`, resuming a partial download of the same URL and ETag.
/// `Ok(None)`: the server says the cached copy is current.
fn download_to(
    http: &Http,
    url: &str,
    path: &Path,
    meta_path: &Path,
    previous: Option<&ManifestEntry>,
    progress: &Progress,
) -> std::result::Result<Option<DownloadMeta>, Failure> {
    let io_failure = |e: std::io::Error| Failure {
        message: format!("{url}: {e}"),
        retry: true,
        wait: None,
    };
    let partial: Option<DownloadMeta> = std::fs::read(meta_path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .filter(|m: &DownloadMeta| m.url == url && m.etag.is_some());
    let have = match &partial {
        Some(_) => std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
        None => 0,
    };
    let mut headers = Vec::new();
    if let Some(etag) = previous.and_then(|p| p.etag.clone()) {
        headers.push(("If-None-Match", etag));
    }
    if let (Some(p), true) = (&partial, have > 0) {
        headers.push(("Range", format!("bytes={have}-")));
        headers.push(("If-Range", p.etag.clone().unwrap_or_default()));
    }
    let (status, etag, last_modified, length, body) = match http.get(url, &headers)? {
        Fetched::NotModified => return Ok(None),
        Fetched::Body {
            status,
            etag,
            last_modified,
            length,
            body,
        } => (status, etag, last_modified, length, body),
    };
    let resumed = status == 206;
    let start = if resumed { have } else { 0 };
    let cap = http.options.max_download_bytes;
    if length.is_some_and(|l| start + l > cap) {
        return Err(Failure {
            message: format!(
                "{url}: the offer is {} MB, over the download limit of {} MB",
                (start + length.unwrap_or(0)) / 1_000_000,
                cap / 1_000_000
            ),
            retry: false,
            wait: None,
        });
    }
    let meta = DownloadMeta {
        url: url.to_string(),
        etag: etag.clone(),
        last_modified: last_modified.clone(),
    };
    std::fs::write(
        meta_path,
        serde_json::to_vec(&meta).expect("serialising to memory"),
    )
    .map_err(io_failure)?;
    let mut file = if resumed {
        OpenOptions::new()
            .append(true)
            .open(path)
            .map_err(io_failure)?
    } else {
        File::create(path).map_err(io_failure)?
    };
    let mut reader = body.into_reader();
    let mut buf = vec![0u8; 1 << 16];
    let mut received = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io_failure(e)),
        };
        received += n as u64;
        if start + received > cap {
            return Err(Failure {
                message: format!(
                    "{url}: the offer exceeds the download limit of {} MB",
                    cap / 1_000_000
                ),
                retry: false,
                wait: None,
            });
        }
        file.write_all(&buf[..n]).map_err(io_failure)?;
        progress.add_bytes(n as u64);
    }
    file.sync_all().map_err(io_failure)?;
    if let Some(expected) = length {
        if received != expected {
            return Err(Failure {
                message: format!("{url}: body cut short ({received} of {expected} bytes)"),
                retry: true,
                wait: None,
            });
        }
    }
    Ok(Some(meta))
}

/// Reads a downloaded offer into a price set for its service and region.
fn read_download(path: &Path, job: &Job) -> std::result::Result<PriceSet, String> {
    let file = File::open(path).map_err(|e| e.to_string())?;
    let keep = |service: &str, family: Option<&str>, attrs: &BTreeMap<String, String>| {
        crate::aws::wanted(service, family, attrs)
    };
    let offer = offer::read_offer(file, Some(&job.region), &keep).map_err(|e| e.to_string())?;
    if offer.offer_code != job.service {
        return Err(format!(
            "the file is the offer of {:?}, not {}",
            offer.offer_code, job.service
        ));
    }
    let mut set = PriceSet::default();
    set.add(
        Source {
            service: job.service.clone(),
            region: job.region.clone(),
            version: offer.version.clone(),
            publication_date: offer.publication_date.clone(),
            kind: "AWS Price List Bulk API offer file".into(),
            file: job.url.clone(),
        },
        offer
            .products
            .into_iter()
            // A regional file holds its region only; products filed elsewhere (none in AWS's
            // files) would belong to another region's sync.
            .filter(|(region, _)| region == &job.region)
            .map(|(region, p)| (job.service.clone(), region, p)),
    );
    if set.chunks.is_empty() {
        // An offer with nothing plancost prices still answers for its region ("not found"),
        // and is recorded so the next sync does not fetch it again.
        set.chunks.push(Chunk {
            service: job.service.clone(),
            region: job.region.clone(),
            products: Vec::new(),
        });
    }
    Ok(set)
}

/// `PathBuf` of the scratch download of one offer (for tests that inspect it).
pub fn download_path(cache: &Cache, service: &str, region: &str) -> PathBuf {
    cache
        .tmp_dir()
        .join(format!("{}.download", file_stem(service, region)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_region_index_shapes() {
        let map = br#"{"regions":{"eu-west-1":{"regionCode":"eu-west-1","currentVersionUrl":"/offers/v1.0/aws/AWSELB/20230223000000/eu-west-1/index.json"}}}"#;
        assert_eq!(
            read_region_index(map).unwrap(),
            vec![RegionOffer {
                region: "eu-west-1".into(),
                url: "/offers/v1.0/aws/AWSELB/20230223000000/eu-west-1/index.json".into()
            }]
        );
        let list = br#"{"regions":[{"regionCode":"ap-east-2","versionUrl":"/savingsPlan/v1.0/aws/AWSComputeSavingsPlan/20250911184447/ap-east-2/index.json"}]}"#;
        assert_eq!(read_region_index(list).unwrap()[0].region, "ap-east-2");
        assert!(read_region_index(br#"{"regions":[{"regionCode":"x"}]}"#).is_err());
    }
}
