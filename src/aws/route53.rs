//! Amazon Route 53 hosted zones (`aws_route53_zone`) and records (`aws_route53_record`).
//!
//! A hosted zone is billed per month in account-wide tiers: the first 25 zones at one price,
//! the rest at a lower one. plancost prices resources one at a time, so each zone is priced in
//! the first tier; an account with more than 25 zones pays less for the extra ones than the sum
//! of its lines. Records are free; queries are billed per million by routing kind (standard,
//! latency-based, geo), from Infracost's usage keys. Queries to alias records that point at AWS
//! resources are free, so an alias record has no lines.
//!
//! Route 53 is a global service: its prices are filed under us-east-1.

use rust_decimal::Decimal;

use crate::model::{Category, CostComponent, Mapping, Quantity, Resource};
use crate::pricing::PriceQuery;
use crate::usage;

use super::Context;

const PRICE_REGION: &str = "us-east-1";

pub fn aws_route53_zone(_resource: &Resource, _ctx: &Context) -> Mapping {
    Mapping::Priced {
        category: Category::Network,
        components: vec![
            CostComponent::new(
                "Hosted zone",
                "months",
                Quantity::Known(Decimal::ONE),
                PriceQuery::new("AmazonRoute53", PRICE_REGION)
                    .family("DNS Zone")
                    .usage_type("HostedZone"),
            )
            .with_note("priced in the first tier (an account's first 25 zones)"),
        ],
    }
}

pub fn aws_route53_record(resource: &Resource, ctx: &Context) -> Mapping {
    if resource.get("alias.0").is_some() {
        return Mapping::Free;
    }
    let query = |usage_type: &str| {
        PriceQuery::new("AmazonRoute53", PRICE_REGION)
            .family("DNS Query")
            .usage_type(usage_type)
    };
    let u = &ctx.usage;
    let mut components = vec![CostComponent::new(
        "Standard queries",
        "queries",
        Quantity::Usage(usage::decimal(u, "monthly_standard_queries")),
        query("DNS-Queries"),
    )];
    if resource.get("latency_routing_policy.0").is_some()
        || u.contains_key("monthly_latency_based_queries")
    {
        components.push(CostComponent::new(
            "Latency-based routing queries",
            "queries",
            Quantity::Usage(usage::decimal(u, "monthly_latency_based_queries")),
            query("LBR-Queries"),
        ));
    }
    if resource.get("geolocation_routing_policy.0").is_some()
        || resource.get("geoproximity_routing_policy.0").is_some()
        || u.contains_key("monthly_geo_queries")
    {
        components.push(CostComponent::new(
            "Geo DNS queries",
            "queries",
            Quantity::Usage(usage::decimal(u, "monthly_geo_queries")),
            query("Geo-Queries"),
        ));
    }
    Mapping::Priced {
        category: Category::Network,
        components,
    }
}
