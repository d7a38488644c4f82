//! Spot prices. The Price List has none; AWS's Spot Instance Advisor publishes, per region,
//! operating system and instance type, the average saving of spot over on-demand and the band of
//! interruption frequency. plancost estimates a spot hour as the on-demand price less that
//! saving, and shows the band next to it: an estimate, labelled as one.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Source;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpotEntry {
    pub instance_type: String,
    /// `Linux` or `Windows`, as the advisor names them.
    pub operating_system: String,
    /// Average saving over on-demand, in whole percent (negative when spot costs more, as the
    /// advisor reports for a few scarce types).
    pub savings_percent: i32,
    /// Interruption frequency band, e.g. `<5%`.
    pub interruption: String,
}

/// The advisor's entries for one region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpotRegion {
    pub region: String,
    pub source: usize,
    pub entries: Vec<SpotEntry>,
}

#[derive(Deserialize)]
struct AdvisorFile {
    ranges: Vec<AdvisorRange>,
    spot_advisor: BTreeMap<String, BTreeMap<String, BTreeMap<String, AdvisorEntry>>>,
}

#[derive(Deserialize)]
struct AdvisorRange {
    index: u32,
    label: String,
}

#[derive(Deserialize)]
struct AdvisorEntry {
    s: i32,
    r: u32,
}

pub fn is_spot_advisor(value: &serde_json::Value) -> bool {
    value.get("spot_advisor").is_some_and(|v| v.is_object())
}

/// Reads the Spot Instance Advisor feed (`spot-advisor-data.json`). `date` is when it was taken.
pub fn read_spot_advisor(
    bytes: &[u8],
    file: &str,
    date: &str,
) -> Result<(Source, Vec<SpotRegion>), serde_json::Error> {
    let advisor: AdvisorFile = serde_json::from_slice(bytes)?;
    let band = |r: u32| {
        advisor
            .ranges
            .iter()
            .find(|x| x.index == r)
            .map(|x| x.label.clone())
            .unwrap_or_else(|| format!("band {r}"))
    };
    let mut regions = Vec::new();
    for (region, by_os) in &advisor.spot_advisor {
        let mut entries = Vec::new();
        for (os, by_type) in by_os {
            for (instance_type, e) in by_type {
                if !(-1000..=100).contains(&e.s) {
                    return Err(serde::de::Error::custom(format!(
                        "saving of {instance_type} in {region} is {}%, outside -1000..100%",
                        e.s
                    )));
                }
                entries.push(SpotEntry {
                    instance_type: instance_type.clone(),
                    operating_system: os.clone(),
                    savings_percent: e.s,
                    interruption: band(e.r),
                });
            }
        }
        regions.push(SpotRegion {
            region: region.clone(),
            source: 0,
            entries,
        });
    }
    let source = Source {
        service: "AmazonEC2 (spot)".into(),
        region: "(all)".into(),
        version: date.to_string(),
        publication_date: date.to_string(),
        kind: "AWS Spot Instance Advisor (average savings over on-demand; an estimate)".into(),
        file: file.to_string(),
    };
    Ok((source, regions))
}
