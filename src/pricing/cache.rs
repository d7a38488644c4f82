//! The local price cache: what `prices sync` and `prices import` store, consulted after an
//! explicit `--prices` file and before the bundled snapshot.
//!
//! Layout: a directory (`$PLANCOST_CACHE_DIR`, `--cache-dir`, else `$XDG_CACHE_HOME/plancost` or
//! `~/.cache/plancost`) holding `prices/<service>@<region>.snapshot`, one snapshot-format file per
//! service and region (the Spot Advisor's regions in `prices/spot-advisor.snapshot`), and
//! `manifest.json` with what sync needs to avoid downloading an unchanged offer again (URL,
//! version, ETag).
//!
//! Why files and renames rather than a database: a run reads one or two service+region files and
//! parses only those (the snapshot format is made for that); every update writes a whole file
//! beside its target and renames it into place, which POSIX makes atomic, so a reader sees the
//! old file or the new one and a sync killed halfway leaves every file it had not yet replaced
//! as it was. Readers take no lock and may run while a sync writes. The file set is the truth: a
//! manifest lost to two concurrent writers only costs a re-download, never a wrong price.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

use super::snapshot;
use super::{PriceSet, Source};

pub const SPOT_FILE: &str = "spot-advisor";
const MANIFEST: &str = "manifest.json";
const MANIFEST_FORMAT: &str = "plancost-cache-1";

/// The cache directory to use: the flag, else `$PLANCOST_CACHE_DIR` (both resolved by the CLI
/// and passed as `explicit`), else the XDG cache directory.
pub fn default_dir() -> Option<PathBuf> {
    let nonempty = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
    if let Some(dir) = nonempty("PLANCOST_CACHE_DIR") {
        return Some(PathBuf::from(dir));
    }
    if let Some(xdg) = nonempty("XDG_CACHE_HOME") {
        return Some(PathBuf::from(xdg).join("plancost"));
    }
    nonempty("HOME").map(|home| PathBuf::from(home).join(".cache").join("plancost"))
}

/// One file of the cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheFile {
    pub path: PathBuf,
    /// `None` for the Spot Advisor file, which holds every region it covers.
    pub key: Option<(String, String)>,
}

/// What the manifest records per file: where it came from, for conditional downloads.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestEntry {
    /// `sync` or `import`.
    pub how: String,
    pub url: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub version: String,
    /// RFC 3339 time of the sync or import.
    pub stored_at: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    /// `<service>@<region>` → entry.
    pub entries: BTreeMap<String, ManifestEntry>,
}

#[derive(Debug, Clone)]
pub struct Cache {
    pub dir: PathBuf,
}

pub fn file_stem(service: &str, region: &str) -> String {
    format!("{service}@{region}")
}

/// Service codes and region codes are letters, digits and dashes; anything else cannot name a
/// cache file (and must not be able to name a path outside it).
fn safe_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 100
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl Cache {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Cache { dir: dir.into() }
    }

    pub fn prices_dir(&self) -> PathBuf {
        self.dir.join("prices")
    }

    /// Scratch space for downloads and files being written; on the same file system as the
    /// files, so renames are atomic.
    pub fn tmp_dir(&self) -> PathBuf {
        self.dir.join("tmp")
    }

    pub fn file_path(&self, service: &str, region: &str) -> PathBuf {
        self.prices_dir()
            .join(format!("{}.snapshot", file_stem(service, region)))
    }

    /// Every price file in the cache, in name order. A missing directory is an empty cache.
    pub fn files(&self) -> Vec<CacheFile> {
        let Ok(read) = std::fs::read_dir(self.prices_dir()) else {
            return Vec::new();
        };
        let mut files: Vec<CacheFile> = read
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let path = e.path();
                let name = path.file_name()?.to_str()?;
                let stem = name.strip_suffix(".snapshot")?;
                if stem == SPOT_FILE {
                    return Some(CacheFile {
                        path: path.clone(),
                        key: None,
                    });
                }
                let (service, region) = stem.split_once('@')?;
                (safe_name(service) && safe_name(region)).then(|| CacheFile {
                    key: Some((service.to_string(), region.to_string())),
                    path: path.clone(),
                })
            })
            .collect();
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
    }

    pub fn manifest(&self) -> Manifest {
        std::fs::read(self.dir.join(MANIFEST))
            .ok()
            .and_then(|b| serde_json::from_slice::<Manifest>(&b).ok())
            .filter(|m| m.format == MANIFEST_FORMAT)
            .unwrap_or_default()
    }

    /// Records entries in the manifest (read, merged, written atomically).
    pub fn record(&self, updates: Vec<(String, ManifestEntry)>) -> Result<()> {
        let mut manifest = self.manifest();
        manifest.format = MANIFEST_FORMAT.to_string();
        manifest.entries.extend(updates);
        let bytes = serde_json::to_vec_pretty(&manifest).expect("serialising to memory");
        self.write_atomically(&self.dir.join(MANIFEST), &bytes)
    }

    /// Writes `bytes` to `path` through a temporary file in the cache's tmp directory, synced
    /// and renamed into place.
    pub fn write_atomically(&self, path: &Path, bytes: &[u8]) -> Result<()> {
        use std::io::Write;
        let tmp_dir = self.tmp_dir();
        let fail = |what: &str, e: std::io::Error| {
            Error::Prices(format!(
                "cannot {what} in the cache {}: {e}",
                self.dir.display()
            ))
        };
        std::fs::create_dir_all(&tmp_dir).map_err(|e| fail("create a directory", e))?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| fail("create a directory", e))?;
        }
        let tmp = tmp_dir.join(format!(
            "{}.{}.{}",
            path.file_name().and_then(|n| n.to_str()).unwrap_or("file"),
            std::process::id(),
            unique()
        ));
        let result = std::fs::File::create(&tmp)
            .and_then(|mut f| {
                f.write_all(bytes)?;
                f.sync_all()
            })
            .and_then(|()| std::fs::rename(&tmp, path));
        if let Err(e) = result {
            let _ = std::fs::remove_file(&tmp);
            return Err(fail("write", e));
        }
        Ok(())
    }

    /// Stores a price set: one file per service and region it holds (replacing that service
    /// and region's file as a whole), plus the Spot Advisor file if it has spot data. Returns
    /// the files written.
    pub fn store(
        &self,
        set: &PriceSet,
        how: &str,
        details: Option<ManifestEntry>,
    ) -> Result<Vec<PathBuf>> {
        let mut written = Vec::new();
        let mut updates = Vec::new();
        let now = crate::time::now_rfc3339();
        for chunk in &set.chunks {
            if !(safe_name(&chunk.service) && safe_name(&chunk.region)) {
                return Err(Error::Prices(format!(
                    "cannot cache prices of {:?} in {:?}: not a service and region code",
                    chunk.service, chunk.region
                )));
            }
            let mut part = PriceSet::default();
            let mut map = BTreeMap::new();
            let mut products = chunk.products.clone();
            for p in &mut products {
                let next = map.len();
                let index = *map.entry(p.source).or_insert(next);
                p.source = index;
            }
            let mut sources: Vec<(usize, Source)> = map
                .iter()
                .map(|(&old, &new)| (new, set.sources[old].clone()))
                .collect();
            sources.sort_by_key(|(i, _)| *i);
            part.sources = sources.into_iter().map(|(_, s)| s).collect();
            part.chunks.push(super::Chunk {
                service: chunk.service.clone(),
                region: chunk.region.clone(),
                products,
            });
            let path = self.file_path(&chunk.service, &chunk.region);
            self.write_atomically(&path, &snapshot::write(&part))?;
            let version = part
                .sources
                .iter()
                .map(|s| s.version.as_str())
                .collect::<Vec<_>>()
                .join("+");
            let mut entry = details.clone().unwrap_or_default();
            entry.how = how.to_string();
            entry.version = version;
            entry.stored_at = now.clone();
            updates.push((file_stem(&chunk.service, &chunk.region), entry));
            written.push(path);
        }
        if !set.spot.is_empty() {
            let mut part = PriceSet::default();
            let mut map = BTreeMap::new();
            for region in &set.spot {
                let next = map.len();
                let index = *map.entry(region.source).or_insert(next);
                let mut region = region.clone();
                region.source = index;
                part.spot.push(region);
            }
            let mut sources: Vec<(usize, Source)> = map
                .iter()
                .map(|(&old, &new)| (new, set.sources[old].clone()))
                .collect();
            sources.sort_by_key(|(i, _)| *i);
            part.sources = sources.into_iter().map(|(_, s)| s).collect();
            let path = self.prices_dir().join(format!("{SPOT_FILE}.snapshot"));
            self.write_atomically(&path, &snapshot::write(&part))?;
            updates.push((
                SPOT_FILE.to_string(),
                ManifestEntry {
                    how: how.to_string(),
                    version: part
                        .sources
                        .iter()
                        .map(|s| s.version.as_str())
                        .collect::<Vec<_>>()
                        .join("+"),
                    stored_at: now.clone(),
                    ..Default::default()
                },
            ));
            written.push(path);
        }
        self.record(updates)?;
        Ok(written)
    }

    /// Removes scratch files older than an hour: what a killed sync or import left behind.
    /// Younger ones may belong to a run still going.
    pub fn clean_scratch(&self) {
        let Ok(read) = std::fs::read_dir(self.tmp_dir()) else {
            return;
        };
        for entry in read.filter_map(|e| e.ok()) {
            let old = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age.as_secs() > 3600);
            if old && entry.path().is_file() {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos() as u64)
        .unwrap_or(0);
    (NEXT.fetch_add(1, Ordering::Relaxed) << 32) | nanos
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_cannot_escape_the_cache() {
        assert!(safe_name("AmazonEC2"));
        assert!(safe_name("us-gov-west-1"));
        assert!(!safe_name("../etc"));
        assert!(!safe_name("a/b"));
        assert!(!safe_name("(several)"));
        assert!(!safe_name(""));
    }
}
