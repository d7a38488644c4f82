//! Amazon EC2 Auto Scaling groups (`aws_autoscaling_group`).
//!
//! Auto Scaling itself is free; a group is billed as the EC2 instances it keeps running and
//! their EBS volumes. What an instance is comes from the group's launch template, its launch
//! configuration, or its mixed instances policy (a launch template, instance-type overrides, and
//! the split between on-demand and Spot Instances). Templates and configurations cost nothing on
//! their own: they are priced here, once per instance of the groups that use them.
//!
//! How many instances: the usage file's `instances` (what the group really runs after scaling),
//! else `desired_capacity`, else `min_size` (AWS starts a group without a desired capacity at
//! its minimum size; Infracost counts the same way).

use rust_decimal::Decimal;
use serde_json::Value;

use crate::model::{Category, CostComponent, Mapping, Quantity, Resource};
use crate::usage;

use super::Context;
use super::ebs;
use super::ec2::{self, Market, Tenancy};

/// Where a group's instances are described.
#[derive(Clone, Copy)]
enum Launch<'a> {
    Template(&'a Resource),
    Configuration(&'a Resource),
}

impl<'a> Launch<'a> {
    fn resource(self) -> &'a Resource {
        match self {
            Launch::Template(r) | Launch::Configuration(r) => r,
        }
    }

    fn instance_type(self) -> Option<&'a str> {
        self.resource().str("instance_type")
    }

    fn spot(self) -> bool {
        match self {
            Launch::Template(t) => t.str("instance_market_options.0.market_type") == Some("spot"),
            // A launch configuration with a `spot_price` (the most it will pay) launches Spot
            // Instances only.
            Launch::Configuration(c) => c.get("spot_price").is_some(),
        }
    }

    fn tenancy(self) -> Tenancy {
        match self {
            Launch::Template(t) => Tenancy::from_terraform(t.str("placement.0.tenancy")),
            Launch::Configuration(c) => Tenancy::from_terraform(c.str("placement_tenancy")),
        }
    }

    /// Detailed monitoring: off unless a template enables it; on by default in a launch
    /// configuration (`enable_monitoring` defaults to true there).
    fn monitoring(self) -> bool {
        match self {
            Launch::Template(t) => t.bool("monitoring.0.enabled") == Some(true),
            Launch::Configuration(c) => c.bool("enable_monitoring").unwrap_or(true),
        }
    }

    /// An auto-assigned public IPv4 address per instance. A template's network-interface
    /// setting is a string in the provider's schema ("true"), a configuration's a boolean.
    fn public_ipv4(self) -> bool {
        let value = match self {
            Launch::Template(t) => t.get("network_interfaces.0.associate_public_ip_address"),
            Launch::Configuration(c) => c.get("associate_public_ip_address"),
        };
        matches!(value, Some(Value::Bool(true)))
            || matches!(value, Some(Value::String(s)) if s == "true")
    }

    /// The EBS volumes of `count` instances, priced in `region`.
    fn volumes(self, region: &str, count: Decimal) -> Vec<CostComponent> {
        match self {
            Launch::Configuration(c) => {
                let mut out = ec2::root_volume(c, region, count);
                out.extend(ec2::ebs_block_devices(c, region, count));
                out
            }
            Launch::Template(t) => template_volumes(t, region, count),
        }
    }
}

/// The block devices of a launch template, `count` of each. A template does not say which
/// mapping is the root device (that is the AMI's device name), so each is priced as a block
/// device; a template with none gets the AMI's root volume, assumed 8 GB gp2 as for instances.
fn template_volumes(template: &Resource, region: &str, count: Decimal) -> Vec<CostComponent> {
    let mappings = template
        .get("block_device_mappings")
        .and_then(|v| v.as_array())
        .map_or(0, Vec::len);
    let mut out = Vec::new();
    for i in 0..mappings {
        let path = format!("block_device_mappings.{i}.ebs.0");
        let Some(volume) = ebs::block_device(template, &path, "gp2") else {
            continue;
        };
        let mut lines = ebs::volume_components(region, "Block device", &volume, count);
        if template.is_unknown(&format!("{path}.volume_type"))
            && template.str(&format!("{path}.volume_type")).is_none()
        {
            for c in &mut lines {
                c.notes
                    .push("volume type known only after apply (from the AMI); gp2 assumed".into());
            }
        }
        out.extend(lines);
    }
    if out.is_empty() {
        // Root volume assumption shared with aws_instance: the template has no root_block_device
        // attribute, so ec2::root_volume finds none and assumes the AMI's 8 GB gp2.
        out = ec2::root_volume(template, region, count);
    }
    out
}

/// The split of a mixed instances group between on-demand and Spot Instances.
#[derive(Debug, PartialEq)]
struct Split {
    on_demand: Decimal,
    spot: Decimal,
}

/// On-demand and Spot counts of a group of `count` instances: the base capacity is on demand,
/// and of the rest `percentage` % on demand, a fraction rounded up. AWS, Amazon EC2 Auto Scaling
/// User Guide, "Setup overview for creating a mixed instances group", section "Scaling behavior"
/// (https://docs.aws.amazon.com/autoscaling/ec2/userguide/mixed-instances-groups-set-up-overview.html):
/// "Amazon EC2 Auto Scaling converts the percentage to the equivalent number of instances. If
/// the result creates a fractional number, it rounds up to the next integer in favor of
/// On-Demand Instances." Its table: base 12 with a group of 10 runs 10 on demand, 0 spot.
fn split(count: Decimal, base: Decimal, percentage: Decimal) -> Split {
    let base = base.max(Decimal::ZERO).min(count);
    let above = count - base;
    let percentage = percentage.clamp(Decimal::ZERO, Decimal::ONE_HUNDRED);
    let on_demand_above = (above * percentage / Decimal::ONE_HUNDRED).ceil();
    Split {
        on_demand: base + on_demand_above,
        spot: above - on_demand_above,
    }
}

pub fn aws_autoscaling_group(resource: &Resource, ctx: &Context) -> Mapping {
    let region = &resource.region;
    let mut notes = Vec::new();
    let from_usage = usage::decimal(&ctx.usage, "instances").is_some();
    if let Some(unit @ ("vcpu" | "memory-mib")) = resource.str("desired_capacity_type") {
        if !from_usage {
            // The capacities count vCPUs or MiB of memory, and how many instances that makes
            // depends on the instance types' sizes, which the price data does not carry.
            return Mapping::Priced {
                category: Category::Compute,
                components: vec![CostComponent::unavailable(
                    "Instance usage",
                    "hours",
                    Quantity::Usage(None),
                    format!(
                        "desired_capacity_type = \"{unit}\": the group's capacity is counted in {unit}, not instances; give `instances` in the usage file"
                    ),
                )],
            };
        }
    }
    let count = instance_count(resource, ctx, &mut notes);
    let hours = ec2::monthly_hours(ctx);
    let spot_override = usage::decimal(&ctx.usage, "spot_price_hourly");

    let policy = "mixed_instances_policy.0";
    let mixed = resource.get(policy).is_some();
    let launch = if mixed {
        mixed_template(resource, ctx).map(Launch::Template)
    } else {
        ctx.referenced(resource, "launch_template.0.id", "aws_launch_template")
            .or_else(|| ctx.referenced(resource, "launch_template.0.name", "aws_launch_template"))
            .map(Launch::Template)
            .or_else(|| {
                ctx.referenced(resource, "launch_configuration", "aws_launch_configuration")
                    .map(Launch::Configuration)
            })
    };

    // Attribute-based instance type selection: AWS picks the types at launch from the
    // requirements (ignoring the template's type), so no type can be priced.
    if resource
        .get(&format!(
            "{policy}.launch_template.0.override.0.instance_requirements.0"
        ))
        .is_some()
    {
        return Mapping::Priced {
            category: Category::Compute,
            components: vec![CostComponent::unavailable(
                "Instance usage (attribute-based instance types)",
                "hours",
                Quantity::Known(count * hours),
                "the overrides give instance requirements, not instance types: AWS chooses the types at launch",
            )],
        };
    }
    // The instance type: the first override of a mixed instances policy, else the template's
    // or configuration's own.
    let first_override = resource.str(&format!(
        "{policy}.launch_template.0.override.0.instance_type"
    ));
    let instance_type = first_override.or_else(|| launch.and_then(Launch::instance_type));
    let Some(instance_type) = instance_type else {
        let reason = if launch.is_none() && !mixed {
            "the group's launch template or launch configuration is not in the plan, so its instance type is unknown"
        } else {
            "the instance type is known only after apply"
        };
        let mut line = ec2::unknown_instance_type(resource);
        line.notes = vec![reason.to_string()];
        line.monthly_quantity = Quantity::Known(count * hours);
        return Mapping::Priced {
            category: Category::Compute,
            components: vec![line],
        };
    };
    let tenancy = launch.map_or(Tenancy::Shared, Launch::tenancy);

    let mut components = Vec::new();
    // Instances running: the count, unless weights make the count units of capacity.
    let mut instances = count;
    if mixed {
        let overrides = resource
            .get(&format!("{policy}.launch_template.0.override"))
            .and_then(|v| v.as_array())
            .map_or(0, Vec::len);
        let distribution = format!("{policy}.instances_distribution.0");
        // AWS's defaults: no on-demand base, 100% on demand above it.
        let base = resource
            .decimal(&format!("{distribution}.on_demand_base_capacity"))
            .unwrap_or(Decimal::ZERO);
        let percentage = resource
            .decimal(&format!(
                "{distribution}.on_demand_percentage_above_base_capacity"
            ))
            .unwrap_or(Decimal::ONE_HUNDRED);
        let units = split(count, base, percentage);
        let mut type_note = Vec::new();
        // With weights, the capacities (desired, min, base) count units, and each instance of
        // the override counts `weighted_capacity` units: AWS launches enough instances to
        // cover the units, so a fraction is a whole instance more. The usage file's
        // `instances` already counts instances.
        let weight = resource
            .decimal(&format!(
                "{policy}.launch_template.0.override.0.weighted_capacity"
            ))
            .filter(|w| *w > Decimal::ZERO && *w != Decimal::ONE && !from_usage);
        let what = if weight.is_some() {
            "capacity units"
        } else {
            "instances"
        };
        let split_note = format!(
            "mixed instances policy: {count} {what} = {} on demand (base {} + {}% of the rest, rounded up as AWS does) and {} spot",
            units.on_demand,
            base.normalize(),
            percentage.normalize(),
            units.spot
        );
        let (on_demand, spot) = match weight {
            Some(w) => {
                let on_demand = (units.on_demand / w).ceil();
                let spot = (units.spot / w).ceil();
                type_note.push(format!(
                    "weighted capacity: each {instance_type} counts {} units, so {on_demand} on-demand and {spot} spot instances (rounded up)",
                    w.normalize()
                ));
                (on_demand, spot)
            }
            None => (units.on_demand, units.spot),
        };
        instances = on_demand + spot;
        if overrides > 1 {
            // AWS's on-demand allocation without instance requirements is "prioritized": the
            // first override is launched first. Spot allocation spreads over the pools, which
            // plancost does not model: it prices them at the first override too.
            type_note.push(format!(
                "{overrides} instance types allowed (overrides); priced as the first, {instance_type}, which AWS's prioritized on-demand allocation launches first"
            ));
        }
        if on_demand > Decimal::ZERO || spot == Decimal::ZERO {
            let mut line = ec2::instance_hours_by_tenancy(
                region,
                instance_type,
                Market::OnDemand,
                tenancy,
                on_demand,
                hours,
                None,
            );
            line.notes.extend(notes.iter().cloned());
            line.notes.extend(type_note.iter().cloned());
            line.notes.push(split_note.clone());
            components.push(line);
        }
        if spot > Decimal::ZERO {
            let mut line = ec2::instance_hours_by_tenancy(
                region,
                instance_type,
                Market::Spot,
                tenancy,
                spot,
                hours,
                spot_override,
            );
            line.notes.extend(notes.iter().cloned());
            line.notes.extend(type_note);
            line.notes.push(split_note);
            if let Some(strategy) =
                resource.str(&format!("{distribution}.spot_allocation_strategy"))
            {
                line.notes.push(format!(
                    "spot allocation strategy {strategy}: priced at {instance_type}'s average Spot saving"
                ));
            }
            components.push(line);
        }
    } else {
        let spot = launch.is_some_and(Launch::spot);
        let market = if spot { Market::Spot } else { Market::OnDemand };
        let mut line = ec2::instance_hours_by_tenancy(
            region,
            instance_type,
            market,
            tenancy,
            count,
            hours,
            spot_override,
        );
        line.notes.extend(notes);
        components.push(line);
    }

    if let Some(launch) = launch {
        components.extend(launch.volumes(region, instances));
        let credits_from = match launch {
            Launch::Template(t) => t,
            Launch::Configuration(c) => c,
        };
        components.extend(ec2::cpu_credits(
            credits_from,
            region,
            instance_type,
            ctx,
            instances,
        ));
        if launch.monitoring() && instances > Decimal::ZERO {
            components.push(ec2::detailed_monitoring(region, instances));
        }
        if launch.public_ipv4() {
            let mut line = super::vpc::public_ipv4(region, true, instances * hours);
            line.name = "Public IPv4 addresses (in use, one per instance)".into();
            components.push(line);
        }
    } else {
        components.push(CostComponent::unavailable(
            "Instance volumes",
            "GB",
            Quantity::Usage(None),
            "the group's launch template is not in the plan, so its volumes are unknown",
        ));
    }
    Mapping::Priced {
        category: Category::Compute,
        components,
    }
}

/// The launch template of a mixed instances policy, by id or by name.
fn mixed_template<'a>(resource: &Resource, ctx: &Context<'a>) -> Option<&'a Resource> {
    let spec = "mixed_instances_policy.0.launch_template.0.launch_template_specification.0";
    ctx.referenced(
        resource,
        &format!("{spec}.launch_template_id"),
        "aws_launch_template",
    )
    .or_else(|| {
        ctx.referenced(
            resource,
            &format!("{spec}.launch_template_name"),
            "aws_launch_template",
        )
    })
}

/// The usage file's `instances`, else `desired_capacity`, else `min_size`.
fn instance_count(resource: &Resource, ctx: &Context, notes: &mut Vec<String>) -> Decimal {
    if let Some(n) = usage::decimal(&ctx.usage, "instances") {
        return n;
    }
    if let Some(n) = resource.decimal("desired_capacity") {
        return n;
    }
    if let Some(n) = resource.decimal("min_size") {
        notes.push(format!(
            "no desired_capacity: AWS starts the group at min_size ({})",
            n.normalize()
        ));
        return n;
    }
    notes.push("group size known only after apply; 1 instance assumed".into());
    Decimal::ONE
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(n: i64) -> Decimal {
        Decimal::from(n)
    }

    #[test]
    fn split_follows_aws_scaling_behavior_table() {
        // AWS's table, example 1: base 10, 50/50; groups of 10, 20, 30, 40.
        assert_eq!(
            split(d(10), d(10), d(50)),
            Split {
                on_demand: d(10),
                spot: d(0)
            }
        );
        assert_eq!(
            split(d(20), d(10), d(50)),
            Split {
                on_demand: d(15),
                spot: d(5)
            }
        );
        assert_eq!(
            split(d(40), d(10), d(50)),
            Split {
                on_demand: d(25),
                spot: d(15)
            }
        );
        // Example 3: base 0, 60/40: 30 → 18 on demand, 12 spot.
        assert_eq!(
            split(d(30), d(0), d(60)),
            Split {
                on_demand: d(18),
                spot: d(12)
            }
        );
        // Example 5: base 12, 0/100: 10 → 10 on demand; 20 → 12 and 8.
        assert_eq!(
            split(d(10), d(12), d(0)),
            Split {
                on_demand: d(10),
                spot: d(0)
            }
        );
        assert_eq!(
            split(d(20), d(12), d(0)),
            Split {
                on_demand: d(12),
                spot: d(8)
            }
        );
    }

    #[test]
    fn fractions_round_up_to_on_demand() {
        // 2 + ceil(7 × 25% = 1.75) = 4 on demand, 5 spot.
        assert_eq!(
            split(d(9), d(2), d(25)),
            Split {
                on_demand: d(4),
                spot: d(5)
            }
        );
        // ceil(3 × 10% = 0.3) = 1.
        assert_eq!(
            split(d(3), d(0), d(10)),
            Split {
                on_demand: d(1),
                spot: d(2)
            }
        );
        assert_eq!(
            split(d(0), d(2), d(25)),
            Split {
                on_demand: d(0),
                spot: d(0)
            }
        );
    }
}
