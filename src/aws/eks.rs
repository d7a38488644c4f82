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

pub fn aws_eks_cluster(resource: &Resource, _ctx: &Context) -> Mapping {
    Mapping::Priced {
        category: Category::Compute,
        components: vec![CostComponent::new(
            "EKS cluster",
            "hours",
            Quantity::Known(HOURS_PER_MONTH),
            PriceQuery::new("AmazonEKS", &resource.region).usage_type("AmazonEKS-Hours:perCluster"),
        )],
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
