//! Amazon EKS: the cluster's control plane and managed node groups.
//!
//! A node group is billed as the EC2 instances it runs. Its instance type and purchase option
//! come from the node group, or else from its launch template (which is where `terraform plan`
//! leaves them when the template is created in the same plan: the node group's own values are
//! unknown, and only the configuration's reference says which template it uses).

use rust_decimal::Decimal;

use crate::model::{Category, CostComponent, HOURS_PER_MONTH, Mapping, Quantity, Resource};
use crate::pricing::PriceQuery;
use crate::usage;

use super::Context;
use super::ebs::{self, Volume};
use super::ec2::{self, Market};

/// EKS's default node disk when neither `disk_size` nor a launch template sets one.
const DEFAULT_NODE_DISK_GB: i64 = 20;

pub fn aws_eks_cluster(resource: &Resource, ctx: &Context) -> Mapping {
    let region = &resource.region;
    let mut components = vec![CostComponent::new(
        "EKS cluster",
        "hours",
        Quantity::Known(HOURS_PER_MONTH),
        PriceQuery::new("AmazonEKS", region).usage_type("AmazonEKS-Hours:perCluster"),
    )];
    let support = support_status(
        resource.str("version"),
        resource.str("upgrade_policy.0.support_type"),
        ctx.pricing_date,
    );
    if support.extended {
        // The surcharge is billed on top of the standard cluster hour ($0.10 + $0.50 in
        // us-east-1), as its own usage type.
        components.push(
            CostComponent::new(
                "EKS extended support",
                "hours",
                Quantity::Known(HOURS_PER_MONTH),
                PriceQuery::new("AmazonEKS", region).usage_type("AmazonEKS-Hours:extendedSupport"),
            )
            .with_note(support.note),
        );
    } else if !support.note.is_empty() {
        components[0].notes.push(support.note);
    }
    if let Some(containers) = usage::decimal(&ctx.usage, "container_insights_containers") {
        components.push(CostComponent::unavailable(
            "Container Insights",
            "containers",
            Quantity::Usage(Some(containers)),
            "AWS bills Container Insights per observation (enhanced observability for EKS, usage \
             type ObservationUsage) or as custom metrics (standard mode), not per container; the \
             price data holds no ObservationUsage price and a container count does not say how \
             many observations or metrics it makes",
        ));
    }
    Mapping::Priced {
        category: Category::Compute,
        components,
    }
}

/// One Kubernetes minor version in Amazon EKS: release, end of standard support, end of
/// extended support (UTC days, `YYYY-MM-DD`).
struct EksVersion {
    minor: u32,
    released: &'static str,
    standard_until: &'static str,
    extended_until: &'static str,
}

/// The Amazon EKS Kubernetes release calendar, as AWS publishes it in the EKS User Guide,
/// "Understand the Kubernetes version lifecycle on EKS", section "Amazon EKS Kubernetes release
/// calendar" (https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html; source
/// awsdocs/amazon-eks-user-guide, latest/ug/versioning/kubernetes-versions.adoc), read for
/// 1.29-1.34 from the 2025-10 text and for 1.21-1.28 from its 2024 text. 1.35 is newer than that
/// text: its dates are AWS's as reported by endoflife.date/amazon-eks (release 2026-01-27;
/// standard support 14 months, extended support 12 more, as for every version).
/// "Billing for extended support starts at the beginning of the day that the version reaches
/// end of standard support, in the UTC+0 timezone": a day on or after `standard_until` is billed.
/// Calendar checked on 2026-11-27; versions released later are assumed to be in standard support.
#[rustfmt::skip]
const EKS_CALENDAR: &[EksVersion] = &[
    EksVersion { minor: 21, released: "2021-07-19", standard_until: "2023-02-16", extended_until: "2024-07-15" },
    EksVersion { minor: 22, released: "2022-04-04", standard_until: "2023-06-04", extended_until: "2024-09-01" },
    EksVersion { minor: 23, released: "2022-08-11", standard_until: "2023-10-11", extended_until: "2024-10-11" },
    EksVersion { minor: 24, released: "2022-11-15", standard_until: "2024-01-31", extended_until: "2025-01-31" },
    EksVersion { minor: 25, released: "2023-02-22", standard_until: "2024-05-01", extended_until: "2025-05-01" },
    EksVersion { minor: 26, released: "2023-04-11", standard_until: "2024-06-11", extended_until: "2025-06-11" },
    EksVersion { minor: 27, released: "2023-05-24", standard_until: "2024-07-24", extended_until: "2025-07-24" },
    EksVersion { minor: 28, released: "2023-09-26", standard_until: "2024-11-26", extended_until: "2025-11-26" },
    EksVersion { minor: 29, released: "2024-01-23", standard_until: "2025-03-23", extended_until: "2026-03-23" },
    EksVersion { minor: 30, released: "2024-05-23", standard_until: "2025-07-23", extended_until: "2026-07-23" },
    EksVersion { minor: 31, released: "2024-09-26", standard_until: "2025-11-26", extended_until: "2026-11-26" },
    EksVersion { minor: 32, released: "2025-01-23", standard_until: "2026-03-23", extended_until: "2027-03-23" },
    EksVersion { minor: 33, released: "2025-05-29", standard_until: "2026-07-29", extended_until: "2027-07-29" },
    EksVersion { minor: 34, released: "2025-10-02", standard_until: "2026-12-02", extended_until: "2027-12-02" },
    EksVersion { minor: 35, released: "2026-01-27", standard_until: "2027-03-27", extended_until: "2028-03-27" },
];

/// AWS began billing extended support with the April 2024 billing cycle; it was free before.
const EXTENDED_SUPPORT_BILLED_FROM: &str = "2024-04-01";

/// Whether a cluster pays the extended-support surcharge on `date`, and why (or why not).
#[derive(Debug, PartialEq)]
struct SupportStatus {
    extended: bool,
    note: String,
}

/// Decides extended support from the Kubernetes version, the upgrade policy and the day.
///
/// - `support_type = "STANDARD"`: EKS upgrades the control plane when standard support ends, so
///   the cluster never pays the surcharge (the price is an upgrade, which plancost notes).
/// - Otherwise (`EXTENDED`, AWS's default when `upgrade_policy` is absent or known only after
///   apply): on or after the end of standard support the surcharge applies. Past the end of
///   extended support too, EKS upgrades the control plane to the oldest version still in
///   extended support, which keeps paying it until nothing older than a standard version exists.
fn support_status(version: Option<&str>, support_type: Option<&str>, date: &str) -> SupportStatus {
    let none = |note: String| SupportStatus {
        extended: false,
        note,
    };
    let Some(version) = version else {
        return none(
            "Kubernetes version known only after apply (EKS's default, the newest): standard support assumed"
                .into(),
        );
    };
    let minor = version
        .strip_prefix("1.")
        .and_then(|rest| rest.split('.').next())
        .and_then(|m| m.parse::<u32>().ok());
    let Some(minor) = minor else {
        return none(format!(
            "Kubernetes version {version:?} not recognised: standard support assumed"
        ));
    };
    let Some(entry) = EKS_CALENDAR.iter().find(|v| v.minor == minor) else {
        let newest = EKS_CALENDAR.last().map_or(0, |v| v.minor);
        return if minor > newest {
            none(format!(
                "Kubernetes {version} is newer than plancost's EKS calendar (up to 1.{newest}): standard support assumed"
            ))
        } else {
            none(format!(
                "Kubernetes {version} is older than plancost's EKS calendar: no longer offered by EKS; not priced as extended support"
            ))
        };
    };
    if date < entry.standard_until {
        return none(String::new());
    }
    if support_type == Some("STANDARD") {
        return none(format!(
            "Kubernetes {version} left standard support on {}; upgrade_policy STANDARD makes EKS upgrade the control plane then, so no extended-support surcharge",
            entry.standard_until
        ));
    }
    if date < EXTENDED_SUPPORT_BILLED_FROM {
        return none(format!(
            "Kubernetes {version} was in extended support, which AWS did not bill before {EXTENDED_SUPPORT_BILLED_FROM}"
        ));
    }
    if date < entry.extended_until {
        return SupportStatus {
            extended: true,
            note: format!(
                "Kubernetes {version} (released on EKS {}) left standard support on {}; extended support until {} (EKS release calendar; priced as of {date})",
                entry.released, entry.standard_until, entry.extended_until
            ),
        };
    }
    // Past extended support: EKS moves the control plane to the oldest version still offered.
    let successor = EKS_CALENDAR
        .iter()
        .filter(|v| v.minor > minor && date < v.extended_until)
        .min_by_key(|v| v.minor);
    match successor {
        Some(next) if date >= next.standard_until => SupportStatus {
            extended: true,
            note: format!(
                "Kubernetes {version}'s extended support ended on {}: EKS upgrades the control plane to the oldest version in extended support (1.{}, until {}), which still pays the surcharge (priced as of {date})",
                entry.extended_until, next.minor, next.extended_until
            ),
        },
        _ => none(format!(
            "Kubernetes {version}'s extended support ended on {}: EKS upgrades the control plane to a version in standard support",
            entry.extended_until
        )),
    }
}

pub fn aws_eks_node_group(resource: &Resource, ctx: &Context) -> Mapping {
    let template = ctx
        .referenced(resource, "launch_template.0.id", "aws_launch_template")
        .or_else(|| ctx.referenced(resource, "launch_template.0.name", "aws_launch_template"));

    let mut notes = Vec::new();
    let desired = resource.decimal("scaling_config.0.desired_size");
    // The usage file's `instances` is the node count an autoscaler actually keeps running.
    let count = match (usage::decimal(&ctx.usage, "instances"), desired) {
        (Some(n), _) => n,
        (None, Some(n)) => n,
        (None, None) => {
            notes.push("desired size known only after apply; 1 node assumed".to_string());
            Decimal::ONE
        }
    };

    let instance_type = resource
        .str("instance_types.0")
        .or_else(|| template.and_then(|t| t.str("instance_type")));
    let Some(instance_type) = instance_type else {
        return Mapping::Priced {
            category: Category::Compute,
            components: vec![ec2::unknown_instance_type(resource)],
        };
    };
    if resource
        .get("instance_types")
        .and_then(|v| v.as_array())
        .is_some_and(|types| types.len() > 1)
    {
        notes.push("several instance types allowed; priced as the first of them".to_string());
    }

    let spot = resource.str("capacity_type") == Some("SPOT")
        || template.is_some_and(|t| t.str("instance_market_options.0.market_type") == Some("spot"));
    let market = if spot { Market::Spot } else { Market::OnDemand };
    let mut hours = ec2::instance_hours(
        &resource.region,
        instance_type,
        market,
        "Shared",
        count,
        ec2::monthly_hours(ctx),
        usage::decimal(&ctx.usage, "spot_price_hourly"),
    );
    hours.notes.extend(notes);
    let mut components = vec![hours];

    let disk = match template {
        Some(t) => ebs::block_device(t, "block_device_mappings.0.ebs.0", "gp2").map(|v| (v, None)),
        None => resource.decimal("disk_size").map(|size| (gp2(size), None)),
    };
    let (volume, note) = disk.unwrap_or_else(|| {
        (
            gp2(Decimal::from(DEFAULT_NODE_DISK_GB)),
            Some(if template.is_some() {
                "the launch template sets no root volume: the AMI's 20 GB gp2 assumed"
            } else {
                "disk_size not set: EKS's default of 20 GB gp2"
            }),
        )
    });
    let mut disks = ebs::volume_components(&resource.region, "Node root volume", &volume, count);
    if let Some(note) = note {
        for c in &mut disks {
            c.notes.push(note.to_string());
        }
    }
    components.extend(disks);
    Mapping::Priced {
        category: Category::Compute,
        components,
    }
}

fn gp2(size_gb: Decimal) -> Volume {
    Volume {
        volume_type: "gp2".into(),
        size_gb,
        iops: None,
        throughput: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_is_ordered_and_each_version_has_14_plus_12_months() {
        for w in EKS_CALENDAR.windows(2) {
            assert!(w[0].minor + 1 == w[1].minor);
            assert!(w[0].released < w[1].released);
        }
        for v in EKS_CALENDAR {
            assert!(crate::time::is_iso_date(v.released));
            assert!(v.released < v.standard_until && v.standard_until < v.extended_until);
        }
    }

    #[test]
    fn extended_support_starts_on_the_day_standard_support_ends() {
        // 1.31: standard support until 2025-11-26, extended until 2026-11-26.
        assert!(!support_status(Some("1.31"), None, "2025-11-25").extended);
        assert!(support_status(Some("1.31"), None, "2025-11-26").extended);
        assert!(support_status(Some("1.31"), Some("EXTENDED"), "2026-06-01").extended);
        // STANDARD upgrade policy: upgraded instead of billed.
        let standard = support_status(Some("1.31"), Some("STANDARD"), "2026-06-01");
        assert!(!standard.extended);
        assert!(standard.note.contains("upgrade_policy STANDARD"));
        // 1.35 is in standard support until 2027-03-27.
        assert_eq!(
            support_status(Some("1.35"), None, "2026-11-27"),
            SupportStatus {
                extended: false,
                note: String::new()
            }
        );
    }

    #[test]
    fn past_extended_support_the_oldest_extended_version_keeps_paying() {
        // 2026-11-27: 1.31's extended support ended the day before; the oldest version in
        // extended support then is 1.32 (standard ended 2026-03-23), so the surcharge stays.
        let s = support_status(Some("1.31"), None, "2026-11-27");
        assert!(s.extended, "{}", s.note);
        assert!(s.note.contains("1.32"), "{}", s.note);
        // Before April 2024 extended support was free.
        assert!(!support_status(Some("1.23"), None, "2024-01-15").extended);
        assert!(support_status(Some("1.23"), None, "2024-04-01").extended);
    }

    #[test]
    fn unknown_and_unlisted_versions_are_not_surcharged() {
        assert!(!support_status(None, None, "2026-11-27").extended);
        assert!(!support_status(Some("1.40"), None, "2026-11-27").extended);
        assert!(!support_status(Some("banana"), None, "2026-11-27").extended);
    }
}
