//! Amazon EC2 instances (`aws_instance`) and the instance-hour pricing shared with node groups
//! and auto-scaling groups.
//!
//! The Price List holds one on-demand hourly price per instance type, operating system,
//! tenancy, pre-installed software, capacity status and licence model; plancost asks for
//! exactly one of them (Linux, no pre-installed software, "Used" capacity, no licence) so the
//! trap rows of the offer files (SQL Server editions, capacity reservations, BYOL) never match.

use rust_decimal::Decimal;

use crate::model::{
    Category, CostComponent, HOURS_PER_MONTH, Mapping, PriceSpec, Quantity, Resource,
};
use crate::pricing::PriceQuery;
use crate::usage;

use super::Context;
use super::ebs::{self, Volume};

/// The purchase option of instance hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Market {
    OnDemand,
    Spot,
}

/// The on-demand price query of one hour of `instance_type` running Linux.
pub fn instance_hours_query(region: &str, instance_type: &str, tenancy: &str) -> PriceQuery {
    PriceQuery::new("AmazonEC2", region)
        .attr("instanceType", instance_type)
        .attr("operatingSystem", "Linux")
        .attr("tenancy", tenancy)
        .attr("preInstalledSw", "NA")
        .attr("capacitystatus", "Used")
        .attr("licenseModel", "No License required")
}

/// `count` instances of `instance_type` for `hours` each, on demand or spot.
pub fn instance_hours(
    region: &str,
    instance_type: &str,
    market: Market,
    tenancy: &str,
    count: Decimal,
    hours: Decimal,
    spot_override: Option<Decimal>,
) -> CostComponent {
    let on_demand = instance_hours_query(region, instance_type, tenancy);
    let quantity = Quantity::Known(count * hours);
    match market {
        Market::OnDemand => CostComponent::new(
            format!("Instance usage (Linux/UNIX, on-demand, {instance_type})"),
            "hours",
            quantity,
            on_demand,
        ),
        Market::Spot => CostComponent {
            name: format!("Instance usage (Linux/UNIX, spot, {instance_type})"),
            unit: "hours".into(),
            monthly_quantity: quantity,
            price: PriceSpec::Spot {
                on_demand,
                instance_type: instance_type.to_string(),
                operating_system: "Linux".into(),
                override_hourly: spot_override,
            },
            notes: Vec::new(),
        },
    }
}

/// Hours per month a resource runs: the usage file's `monthly_hrs` (a plancost addition), else 730.
pub fn monthly_hours(ctx: &Context) -> Decimal {
    usage::decimal(&ctx.usage, "monthly_hrs").unwrap_or(HOURS_PER_MONTH)
}

pub fn aws_instance(resource: &Resource, ctx: &Context) -> Mapping {
    let Some(instance_type) = resource.str("instance_type") else {
        return Mapping::Priced {
            category: Category::Compute,
            components: vec![unknown_instance_type(resource)],
        };
    };
    let tenancy = Tenancy::from_terraform(resource.str("tenancy"));
    let spot = resource.str("instance_market_options.0.market_type") == Some("spot")
        || resource.get("spot_price").is_some();
    let market = if spot { Market::Spot } else { Market::OnDemand };
    let mut components = vec![instance_hours_by_tenancy(
        &resource.region,
        instance_type,
        market,
        tenancy,
        Decimal::ONE,
        monthly_hours(ctx),
        usage::decimal(&ctx.usage, "spot_price_hourly"),
    )];

    components.extend(root_volume(resource, &resource.region, Decimal::ONE));
    components.extend(ebs_block_devices(resource, &resource.region, Decimal::ONE));
    components.extend(cpu_credits(
        resource,
        &resource.region,
        instance_type,
        ctx,
        Decimal::ONE,
    ));
    if resource.bool("monitoring") == Some(true) {
        components.push(detailed_monitoring(&resource.region, Decimal::ONE));
    }
    // An auto-assigned public address is billed like any public IPv4 address; when an Elastic
    // IP is attached, AWS releases the auto-assigned one and the Elastic IP is billed instead.
    if resource.bool("associate_public_ip_address") == Some(true)
        && ctx.referrers(resource, "aws_eip").is_empty()
        && ctx.referrers(resource, "aws_eip_association").is_empty()
    {
        components.push(super::vpc::public_ipv4(
            &resource.region,
            true,
            monthly_hours(ctx),
        ));
    }
    Mapping::Priced {
        category: Category::Compute,
        components,
    }
}

/// Metrics EC2 detailed monitoring publishes per instance, as AWS's CloudWatch pricing example
/// counts them (and Infracost too).
const DETAILED_MONITORING_METRICS: u32 = 7;

/// Detailed monitoring of `instances` instances: 7 custom metrics each.
pub fn detailed_monitoring(region: &str, instances: Decimal) -> CostComponent {
    let metrics = Decimal::from(DETAILED_MONITORING_METRICS) * instances;
    let mut line = super::cloudwatch::custom_metrics(region, metrics);
    line.name = if instances == Decimal::ONE {
        format!("Detailed monitoring ({DETAILED_MONITORING_METRICS} metrics)")
    } else {
        format!("Detailed monitoring ({DETAILED_MONITORING_METRICS} metrics per instance)")
    };
    line.monthly_quantity = Quantity::Known(metrics);
    line.notes.push(
        "EC2 detailed monitoring publishes 7 metrics per instance, billed as custom metrics (AWS's pricing example)"
            .into(),
    );
    line
}

/// Where an instance runs, as the Price List's `tenancy` attribute names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tenancy {
    Shared,
    Dedicated,
    Host,
}

impl Tenancy {
    /// Terraform's `tenancy` / `placement_tenancy` / `placement.tenancy` value (`default`,
    /// `dedicated`, `host`); unset means shared hardware.
    pub fn from_terraform(value: Option<&str>) -> Tenancy {
        match value {
            Some("dedicated") => Tenancy::Dedicated,
            Some("host") => Tenancy::Host,
            _ => Tenancy::Shared,
        }
    }

    pub fn price_list_name(self) -> &'static str {
        match self {
            Tenancy::Shared => "Shared",
            Tenancy::Dedicated => "Dedicated",
            Tenancy::Host => "Host",
        }
    }
}

/// [`instance_hours`] for an instance of the given tenancy. An instance on a Dedicated Host is
/// not billed by the hour itself: AWS bills the host (`aws_ec2_host`) per host-hour whatever runs
/// on it, so the line is unpriced with that reason rather than priced at an instance rate.
/// Dedicated instances are priced at their own (Dedicated tenancy) hourly rate; AWS also bills a
/// per-region fee for each hour any dedicated instance runs in an account, which one resource
/// cannot apportion, so the line says so instead of pricing it.
pub fn instance_hours_by_tenancy(
    region: &str,
    instance_type: &str,
    market: Market,
    tenancy: Tenancy,
    count: Decimal,
    hours: Decimal,
    spot_override: Option<Decimal>,
) -> CostComponent {
    match tenancy {
        Tenancy::Host => CostComponent::unavailable(
            format!("Instance usage (Linux/UNIX, dedicated host, {instance_type})"),
            "hours",
            Quantity::Known(count * hours),
            "the instance runs on a Dedicated Host: AWS bills the host per host-hour \
             (aws_ec2_host), not the instances placed on it",
        ),
        Tenancy::Dedicated => {
            let mut line = instance_hours(
                region,
                instance_type,
                market,
                tenancy.price_list_name(),
                count,
                hours,
                spot_override,
            );
            line.name = line
                .name
                .replacen("(Linux/UNIX, ", "(Linux/UNIX, dedicated, ", 1);
            line.notes.push(
                "dedicated instance rate; AWS also bills a per-region fee for every hour any \
                 dedicated instance runs in the account, not priced here"
                    .into(),
            );
            line
        }
        Tenancy::Shared => instance_hours(
            region,
            instance_type,
            market,
            "Shared",
            count,
            hours,
            spot_override,
        ),
    }
}

/// Burstable families and whether unlimited mode is their default (T2 defaults to standard).
const BURSTABLE: &[(&str, bool)] = &[("t2", false), ("t3", true), ("t3a", true), ("t4g", true)];

/// Surplus CPU credits of a burstable instance in unlimited mode: AWS bills the credits spent
/// beyond the accrued balance per vCPU-hour, by family. The quantity is usage: Infracost's
/// `monthly_cpu_credit_hrs` (hours of surplus per vCPU) times `vcpu_count`.
/// `resource` is where `credit_specification` is read (an instance or a launch template); an
/// auto-scaling group multiplies the usage by its `count` of instances.
pub fn cpu_credits(
    resource: &Resource,
    region: &str,
    instance_type: &str,
    ctx: &Context,
    count: Decimal,
) -> Option<CostComponent> {
    let family = instance_type.split('.').next()?;
    let (_, unlimited_by_default) = BURSTABLE.iter().find(|(f, _)| *f == family)?;
    let unlimited = match resource.str("credit_specification.0.cpu_credits") {
        Some(mode) => mode == "unlimited",
        None => *unlimited_by_default,
    };
    if !unlimited {
        return None;
    }
    let hours = usage::decimal(&ctx.usage, "monthly_cpu_credit_hrs");
    let vcpus = usage::decimal(&ctx.usage, "vcpu_count");
    Some(CostComponent::new(
        format!("CPU credits (unlimited, {family})"),
        "vCPU-hours",
        Quantity::Usage(hours.zip(vcpus).map(|(h, v)| h * v * count)),
        PriceQuery::new("AmazonEC2", region)
            .family("CPU Credits")
            .usage_type(&format!("CPUCredits:{family}")),
    ))
}

/// The root volume of an instance. When the configuration does not set its size, the AMI
/// decides it at launch; plancost then assumes 8 GB gp2 (the size of Amazon Linux AMIs' root
/// volume) and says so on the line, rather than leaving the disk out.
/// `resource` holds `root_block_device` (an instance or a launch configuration); `count` volumes
/// are priced, one per instance, in `region`.
pub fn root_volume(resource: &Resource, region: &str, count: Decimal) -> Vec<CostComponent> {
    if let Some(volume) = ebs::block_device(resource, "root_block_device.0", "gp2") {
        let mut components = ebs::volume_components(region, "Root volume", &volume, count);
        if resource.is_unknown("root_block_device.0.volume_type")
            && resource.str("root_block_device.0.volume_type").is_none()
        {
            for c in &mut components {
                c.notes
                    .push("volume type known only after apply (from the AMI); gp2 assumed".into());
            }
        }
        return components;
    }
    let assumed = Volume {
        volume_type: "gp2".into(),
        size_gb: Decimal::from(8),
        iops: None,
        throughput: None,
    };
    let mut components = ebs::volume_components(region, "Root volume", &assumed, count);
    for c in &mut components {
        c.notes.push(
            "root volume not configured: its size comes from the AMI at launch; 8 GB gp2 assumed"
                .into(),
        );
    }
    components
}

/// The `ebs_block_device` volumes of an instance or a launch configuration, `count` of each.
pub fn ebs_block_devices(resource: &Resource, region: &str, count: Decimal) -> Vec<CostComponent> {
    let devices = resource
        .get("ebs_block_device")
        .and_then(|v| v.as_array())
        .map_or(0, Vec::len);
    let mut components = Vec::new();
    for i in 0..devices {
        if let Some(volume) = ebs::block_device(resource, &format!("ebs_block_device.{i}"), "gp2") {
            components.extend(ebs::volume_components(
                region,
                "Block device",
                &volume,
                count,
            ));
        }
    }
    components
}

/// A component that cannot be priced because the instance type is not known before apply.
pub fn unknown_instance_type(resource: &Resource) -> CostComponent {
    CostComponent::new(
        "Instance usage (instance type unknown)",
        "hours",
        Quantity::Known(HOURS_PER_MONTH),
        instance_hours_query(&resource.region, "(known after apply)", "Shared"),
    )
    .with_note("the instance type is known only after apply")
}
