//! Amazon EBS: volumes on their own (`aws_ebs_volume`) and the block devices of instances and
//! launch templates. AWS bills storage per GB-month by volume type, plus provisioned IOPS
//! (gp3 above 3,000, io1 and io2 all of them) and gp3 throughput above 125 MiB/s.

use rust_decimal::Decimal;

use crate::model::{Category, CostComponent, Mapping, PriceSpec, Quantity, Resource};
use crate::pricing::PriceQuery;

use super::Context;

/// gp3 includes 3,000 IOPS and 125 MiB/s at no charge.
const GP3_FREE_IOPS: Decimal = Decimal::from_parts(3000, 0, 0, false, 0);
const GP3_FREE_THROUGHPUT: Decimal = Decimal::from_parts(125, 0, 0, false, 0);
/// io2 IOPS tiers: up to 32,000, 32,000–64,000, above 64,000 (AWS bills each band at its price).
const IO2_TIER_2: Decimal = Decimal::from_parts(32000, 0, 0, false, 0);
const IO2_TIER_3: Decimal = Decimal::from_parts(64000, 0, 0, false, 0);

/// A volume's pricing-relevant settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Volume {
    pub volume_type: String,
    pub size_gb: Decimal,
    pub iops: Option<Decimal>,
    pub throughput: Option<Decimal>,
}

pub fn aws_ebs_volume(resource: &Resource, _ctx: &Context) -> Mapping {
    let volume_type = resource.str("type").unwrap_or("gp2").to_string();
    let mut notes = Vec::new();
    let size_gb = match resource.decimal("size") {
        Some(size) => size,
        None => {
            // A volume made from a snapshot takes the snapshot's size, known only after apply.
            notes.push(
                "size known only after apply (from its snapshot); priced as 0 GB".to_string(),
            );
            Decimal::ZERO
        }
    };
    let volume = Volume {
        volume_type,
        size_gb,
        iops: resource.decimal("iops"),
        throughput: resource.decimal("throughput"),
    };
    let mut components = volume_components(&resource.region, "Storage", &volume, Decimal::ONE);
    for c in &mut components {
        c.notes.extend(notes.iter().cloned());
    }
    Mapping::Priced {
        category: Category::Storage,
        components,
    }
}

/// The cost components of `count` volumes like `volume`; names start with `label`
/// (e.g. "Root volume", "Storage").
pub fn volume_components(
    region: &str,
    label: &str,
    volume: &Volume,
    count: Decimal,
) -> Vec<CostComponent> {
    let t = volume.volume_type.as_str();
    let storage = PriceQuery::new("AmazonEC2", region)
        .family("Storage")
        .attr("volumeApiName", t);
    let mut out = vec![CostComponent::new(
        format!("{label} ({t}, {} GB)", volume.size_gb.normalize()),
        "GB",
        Quantity::Known(volume.size_gb * count),
        storage,
    )];
    let iops_query = |usage_type: &str| {
        PriceQuery::new("AmazonEC2", region)
            .family("System Operation")
            .attr("volumeApiName", t)
            .usage_type(usage_type)
    };
    match t {
        "gp3" => {
            if let Some(iops) = volume.iops.filter(|i| *i > GP3_FREE_IOPS) {
                out.push(CostComponent::new(
                    format!("{label} provisioned IOPS above 3,000 ({t})"),
                    "IOPS",
                    Quantity::Known((iops - GP3_FREE_IOPS) * count),
                    iops_query("EBS:VolumeP-IOPS.gp3"),
                ));
            }
            if let Some(tp) = volume.throughput.filter(|t| *t > GP3_FREE_THROUGHPUT) {
                // AWS prices throughput per GiB/s-month; the configuration gives MiB/s.
                let mut c = CostComponent::new(
                    format!("{label} provisioned throughput above 125 MiB/s ({t})"),
                    "MiB/s",
                    Quantity::Known((tp - GP3_FREE_THROUGHPUT) * count),
                    PriceQuery::new("AmazonEC2", region)
                        .family("Provisioned Throughput")
                        .attr("volumeApiName", t),
                );
                if let PriceSpec::Query { multiplier, .. } = &mut c.price {
                    *multiplier = Decimal::ONE / Decimal::from(1024);
                }
                out.push(c);
            }
        }
        "io1" => {
            let iops = volume.iops.unwrap_or_default();
            out.push(CostComponent::new(
                format!("{label} provisioned IOPS ({t})"),
                "IOPS",
                Quantity::Known(iops * count),
                iops_query("EBS:VolumeP-IOPS.piops"),
            ));
        }
        "io2" => {
            let iops = volume.iops.unwrap_or_default();
            // Offer files list each io2 IOPS band as its own usage type; quantities are split
            // by band so each band meets its own price.
            let bands = [
                (
                    "EBS:VolumeP-IOPS.io2",
                    Decimal::ZERO,
                    Some(IO2_TIER_2),
                    "up to 32,000",
                ),
                (
                    "EBS:VolumeP-IOPS.io2.tier2",
                    IO2_TIER_2,
                    Some(IO2_TIER_3),
                    "32,000 to 64,000",
                ),
                (
                    "EBS:VolumeP-IOPS.io2.tier3",
                    IO2_TIER_3,
                    None,
                    "above 64,000",
                ),
            ];
            for (usage_type, from, to, words) in bands {
                let upper = to.map_or(iops, |t| iops.min(t));
                if upper <= from && from > Decimal::ZERO {
                    continue;
                }
                out.push(CostComponent::new(
                    format!("{label} provisioned IOPS {words} ({t})"),
                    "IOPS",
                    Quantity::Known((upper - from).max(Decimal::ZERO) * count),
                    iops_query(usage_type),
                ));
            }
        }
        _ => {}
    }
    out
}

/// Reads a block-device object (`root_block_device.0`, `ebs_block_device.N`,
/// `block_device_mappings.N.ebs.0`). `default_type` applies when the type is unset.
pub fn block_device(resource: &Resource, path: &str, default_type: &str) -> Option<Volume> {
    let at = |k: &str| format!("{path}.{k}");
    let size = resource.decimal(&at("volume_size"))?;
    Some(Volume {
        volume_type: resource
            .str(&at("volume_type"))
            .filter(|s| !s.is_empty())
            .unwrap_or(default_type)
            .to_string(),
        size_gb: size,
        iops: resource.decimal(&at("iops")),
        throughput: resource.decimal(&at("throughput")),
    })
}
