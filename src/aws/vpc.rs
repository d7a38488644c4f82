//! VPC networking that AWS bills: NAT gateways (`aws_nat_gateway`) and public IPv4 addresses
//! (`aws_eip`, and the public address of an instance, priced in `ec2`).
//!
//! A NAT gateway is billed per hour and per GB it processes (usage `monthly_data_processed_gb`,
//! Infracost's key); private NAT gateways are billed the same. Its Elastic IP is a separate
//! resource, priced as such.
//!
//! Since 2024-02-01 AWS bills every public IPv4 address per hour, attached or idle, Elastic or
//! auto-assigned (Amazon VPC pricing, "Public IPv4 address"): usage type
//! `PublicIPv4:InUseAddress` for an address in use, `PublicIPv4:IdleAddress` for an Elastic IP
//! attached to nothing. An Elastic IP is taken as in use when the configuration attaches it
//! (`instance`, `network_interface`) or another resource of the plan refers to it (a NAT
//! gateway's `allocation_id`, an `aws_eip_association`, a load balancer's subnet mapping).
//! Addresses brought to AWS (BYOIP pools) and customer-owned (Outposts) addresses are not billed.

use rust_decimal::Decimal;

use crate::model::{Category, CostComponent, Mapping, Quantity, Resource};
use crate::pricing::PriceQuery;
use crate::usage;

use super::Context;

pub fn aws_nat_gateway(resource: &Resource, ctx: &Context) -> Mapping {
    let region = &resource.region;
    let query = |usage_type: &str| {
        PriceQuery::new("AmazonEC2", region)
            .family("NAT Gateway")
            .usage_type(usage_type)
    };
    Mapping::Priced {
        category: Category::Network,
        components: vec![
            CostComponent::new(
                "NAT gateway",
                "hours",
                Quantity::Known(super::ec2::monthly_hours(ctx)),
                query("NatGateway-Hours"),
            ),
            CostComponent::new(
                "Data processed",
                "GB",
                Quantity::Usage(usage::decimal(&ctx.usage, "monthly_data_processed_gb")),
                query("NatGateway-Bytes"),
            ),
        ],
    }
}

/// Resource types whose reference to an Elastic IP puts it in use.
const EIP_USERS: &[&str] = &[
    "aws_eip_association",
    "aws_lb",
    "aws_nat_gateway",
    "aws_network_interface_attachment",
];

pub fn aws_eip(resource: &Resource, ctx: &Context) -> Mapping {
    let byoip = resource
        .str("public_ipv4_pool")
        .is_some_and(|pool| pool != "amazon");
    if byoip
        || resource
            .str("customer_owned_ipv4_pool")
            .is_some_and(|p| !p.is_empty())
    {
        return Mapping::Free;
    }
    let attached = ["instance", "network_interface"].iter().any(|k| {
        resource.str(k).is_some_and(|v| !v.is_empty()) || !resource.references(k).is_empty()
    }) || EIP_USERS
        .iter()
        .any(|t| !ctx.referrers(resource, t).is_empty());
    let mut line = public_ipv4(&resource.region, attached, super::ec2::monthly_hours(ctx));
    if !attached {
        line.notes
            .push("attached to nothing in this plan: billed as an idle address".into());
    }
    Mapping::Priced {
        category: Category::Network,
        components: vec![line],
    }
}

/// One public IPv4 address for `hours`, in use or idle.
pub fn public_ipv4(region: &str, in_use: bool, hours: Decimal) -> CostComponent {
    let (name, usage_type) = if in_use {
        ("Public IPv4 address (in use)", "PublicIPv4:InUseAddress")
    } else {
        ("Public IPv4 address (idle)", "PublicIPv4:IdleAddress")
    };
    CostComponent::new(
        name,
        "hours",
        Quantity::Known(hours),
        PriceQuery::new("AmazonVPC", region)
            .family("VpcPublicIPv4Address")
            .usage_type(usage_type),
    )
}
