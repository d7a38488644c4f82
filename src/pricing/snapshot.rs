//! The snapshot file: a price set laid out so one service and region can be read without
//! parsing the rest.
//!
//! A run typically needs five or six (service, region) pairs out of dozens, and the EC2 ones
//! hold thousands of products, so parsing everything up front would dominate a 20 ms run. The
//! file is a one-line JSON header (sources, and for each chunk its service, region, byte offset
//! and length) followed by the chunks' JSON bodies; the book parses a body on first use.
//!
//! The same format serves the bundled snapshot (embedded with `include_bytes!`) and the user's
//! cache (written to a temporary file and renamed into place, so readers see the old or the new
//! file, never half of one).

use serde::{Deserialize, Serialize};

use super::{PriceSet, Source};

pub const FORMAT: &str = "plancost-snapshot-1";

/// The snapshot built from `fixtures/prices` by `plancost prices import --snapshot`; see
/// `scripts/build-snapshot.sh` and the test that rebuilds it and compares.
pub static BUNDLED: &[u8] = include_bytes!("../../snapshot/bundled.snapshot");

#[derive(Serialize, Deserialize)]
struct Header {
    format: String,
    sources: Vec<Source>,
    chunks: Vec<ChunkEntry>,
    /// Spot Instance Advisor entries per region; `service` is `AmazonEC2`, `products` counts
    /// entries and the body is a JSON array of `SpotEntry`.
    spot: Vec<ChunkEntry>,
}

#[derive(Serialize, Deserialize)]
struct ChunkEntry {
    service: String,
    region: String,
    products: usize,
    offset: usize,
    length: usize,
}

pub struct RawChunk<'a> {
    pub service: String,
    pub region: String,
    pub products: usize,
    pub body: &'a [u8],
}

pub struct Snapshot<'a> {
    pub sources: Vec<Source>,
    pub chunks: Vec<RawChunk<'a>>,
    /// Spot advisor data per region; `products` is the source index here.
    pub spot: Vec<RawChunk<'a>>,
}

impl<'a> Snapshot<'a> {
    pub fn parse(bytes: &'a [u8]) -> Result<Self, String> {
        let newline = bytes
            .iter()
            .position(|&b| b == b'\n')
            .ok_or("no header line")?;
        let header: Header = serde_json::from_slice(&bytes[..newline])
            .map_err(|e| format!("header is not valid: {e}"))?;
        if header.format != FORMAT {
            return Err(format!(
                "format {:?} is not {FORMAT:?}; re-import the price data",
                header.format
            ));
        }
        let body = &bytes[newline + 1..];
        let slice = |entries: Vec<ChunkEntry>| -> Result<Vec<RawChunk<'a>>, String> {
            let mut chunks = Vec::with_capacity(entries.len());
            for c in entries {
                let end = c.offset.checked_add(c.length).filter(|&e| e <= body.len());
                let Some(end) = end else {
                    return Err(format!(
                        "chunk {} {} lies outside the file (truncated?)",
                        c.service, c.region
                    ));
                };
                chunks.push(RawChunk {
                    service: c.service,
                    region: c.region,
                    products: c.products,
                    body: &body[c.offset..end],
                });
            }
            Ok(chunks)
        };
        Ok(Snapshot {
            sources: header.sources,
            chunks: slice(header.chunks)?,
            spot: slice(header.spot)?,
        })
    }

    pub fn bundled() -> Self {
        // The bundled bytes are checked by a test on every build; failing here would be a
        // broken build, not bad input.
        Snapshot::parse(BUNDLED).expect("the bundled snapshot is valid")
    }
}

/// Serialises a price set (normalised first, so equal inputs give equal bytes).
pub fn write(set: &PriceSet) -> Vec<u8> {
    let mut set = set.clone();
    set.normalize();
    let mut bodies = Vec::new();
    let mut entries = Vec::new();
    for chunk in &set.chunks {
        let offset = bodies.len();
        // One product per line keeps diffs of the committed snapshot readable.
        bodies.push(b'[');
        for (i, product) in chunk.products.iter().enumerate() {
            if i > 0 {
                bodies.push(b',');
            }
            bodies.push(b'\n');
            serde_json::to_writer(&mut bodies, product).expect("serialising to memory");
        }
        bodies.extend_from_slice(b"\n]\n");
        entries.push(ChunkEntry {
            service: chunk.service.clone(),
            region: chunk.region.clone(),
            products: chunk.products.len(),
            offset,
            length: bodies.len() - offset,
        });
    }
    let mut spot = Vec::new();
    for region in &set.spot {
        let offset = bodies.len();
        bodies.push(b'[');
        for (i, entry) in region.entries.iter().enumerate() {
            if i > 0 {
                bodies.push(b',');
            }
            bodies.push(b'\n');
            serde_json::to_writer(&mut bodies, entry).expect("serialising to memory");
        }
        bodies.extend_from_slice(b"\n]\n");
        spot.push(ChunkEntry {
            service: "AmazonEC2".into(),
            region: region.region.clone(),
            products: region.source,
            offset,
            length: bodies.len() - offset,
        });
    }
    let header = Header {
        format: FORMAT.to_string(),
        sources: set.sources.clone(),
        chunks: entries,
        spot,
    };
    let mut out = serde_json::to_vec(&header).expect("serialising to memory");
    out.push(b'\n');
    out.extend_from_slice(&bodies);
    out
}
