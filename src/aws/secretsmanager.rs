//! AWS Secrets Manager secrets (`aws_secretsmanager_secret`).
//!
//! A secret is billed per secret-month, and each replica is billed as a secret of its own in
//! the replica's region. API calls are billed per 10,000 (usage `monthly_requests`). Versions,
//! policies and rotation schedules are free.

use rust_decimal::Decimal;

use crate::model::{Category, CostComponent, Mapping, Quantity, Resource};
use crate::pricing::PriceQuery;
use crate::usage;

use super::Context;

pub fn aws_secretsmanager_secret(resource: &Resource, ctx: &Context) -> Mapping {
    let secret = |region: &str| {
        PriceQuery::new("AWSSecretsManager", region)
            .family("Secret")
            .usage_type("AWSSecretsManager-Secrets")
    };
    let mut components = vec![CostComponent::new(
        "Secret",
        "months",
        Quantity::Known(Decimal::ONE),
        secret(&resource.region),
    )];
    let replicas = resource
        .get("replica")
        .and_then(|v| v.as_array())
        .map_or(0, Vec::len);
    for i in 0..replicas {
        match resource.str(&format!("replica.{i}.region")) {
            Some(region) => components.push(CostComponent::new(
                format!("Secret replica ({region})"),
                "months",
                Quantity::Known(Decimal::ONE),
                secret(region),
            )),
            None => components.push(CostComponent::unavailable(
                "Secret replica (region known after apply)",
                "months",
                Quantity::Known(Decimal::ONE),
                "the replica's region is known only after apply",
            )),
        }
    }
    components.push(CostComponent::new(
        "API requests",
        "requests",
        Quantity::Usage(usage::decimal(&ctx.usage, "monthly_requests")),
        PriceQuery::new("AWSSecretsManager", &resource.region)
            .family("API Request")
            .usage_type("AWSSecretsManagerAPIRequest"),
    ));
    Mapping::Priced {
        category: Category::Security,
        components,
    }
}
