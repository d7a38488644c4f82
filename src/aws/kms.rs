//! AWS KMS customer managed keys (`aws_kms_key`).
//!
//! A key is billed per key-month; requests are billed per 10,000, at a price that
//! depends on the key spec (symmetric keys share one price; asymmetric RSA and ECC keys have
//! their own). Usage `monthly_requests` is a plancost extension (Infracost reads no usage for
//! this type). Automatic rotation adds a key-month for each of the first two rotations; a key's
//! first rotation comes after its rotation period (365 days by default), so a new key is priced
//! as one key-month and the line says so.

use rust_decimal::Decimal;

use crate::model::{Category, CostComponent, Mapping, Quantity, Resource};
use crate::pricing::PriceQuery;
use crate::usage;

use super::Context;

pub fn aws_kms_key(resource: &Resource, ctx: &Context) -> Mapping {
    let region = &resource.region;
    let mut key = CostComponent::new(
        "Customer managed key",
        "months",
        Quantity::Known(Decimal::ONE),
        PriceQuery::new("awskms", region)
            .family("Encryption Key")
            .usage_type("KMS-Keys"),
    );
    if resource.bool("enable_key_rotation") == Some(true) {
        key.notes.push(
            "automatic rotation: each of the first two rotations adds a key-month once it happens (after the rotation period); not included"
                .into(),
        );
    }
    let spec = resource
        .str("customer_master_key_spec")
        .or_else(|| resource.str("key_spec"))
        .unwrap_or("SYMMETRIC_DEFAULT");
    let (name, usage_type) = match spec {
        "SYMMETRIC_DEFAULT" | "HMAC_224" | "HMAC_256" | "HMAC_384" | "HMAC_512" => {
            ("Requests", "KMS-Requests")
        }
        "RSA_2048" => ("Requests (RSA 2048)", "KMS-Requests-Asymmetric-RSA_2048"),
        _ => ("Requests (asymmetric)", "KMS-Requests-Asymmetric"),
    };
    let requests = CostComponent::new(
        name,
        "requests",
        Quantity::Usage(usage::decimal(&ctx.usage, "monthly_requests")),
        PriceQuery::new("awskms", region)
            .family("API Request")
            .usage_type(usage_type),
    );
    Mapping::Priced {
        category: Category::Security,
        components: vec![key, requests],
    }
}
