//! AWS Private Certificate Authority (`aws_acmpca_certificate_authority`).
//!
//! A CA is billed per month by its mode: general-purpose ($400 in us-east-1) or short-lived
//! certificate mode ($50). Certificates issued by a general-purpose CA are billed per
//! certificate in volume tiers (first 1,000, next 9,000, above 10,000), counted from usage
//! `monthly_requests` (Infracost's key). Short-lived certificates have a price of their own,
//! which the price data does not hold: with usage, that line is reported unpriced.

use rust_decimal::Decimal;

use crate::model::{Category, CostComponent, Mapping, Quantity, Resource};
use crate::pricing::PriceQuery;
use crate::usage;

use super::Context;

pub fn aws_acmpca_certificate_authority(resource: &Resource, ctx: &Context) -> Mapping {
    let region = &resource.region;
    let query = |usage_type: &str| {
        PriceQuery::new("AWSCertificateManager", region)
            .family("AWS Certificate Manager")
            .usage_type(usage_type)
    };
    let certificates = usage::decimal(&ctx.usage, "monthly_requests");
    let short_lived = resource.str("usage_mode") == Some("SHORT_LIVED_CERTIFICATE");
    let mut components = Vec::new();
    if short_lived {
        components.push(CostComponent::new(
            "Private CA (short-lived certificate mode)",
            "months",
            Quantity::Known(Decimal::ONE),
            query("ShortLivedCertificatePrivateCA"),
        ));
        if let Some(count) = certificates {
            components.push(CostComponent::unavailable(
                "Short-lived certificates issued",
                "certificates",
                Quantity::Usage(Some(count)),
                "AWS bills short-lived certificates at their own per-certificate price, which the price data does not hold",
            ));
        }
    } else {
        components.push(CostComponent::new(
            "Private CA (general-purpose)",
            "months",
            Quantity::Known(Decimal::ONE),
            query("PaidPrivateCA"),
        ));
        components.push(CostComponent::new(
            "Certificates issued",
            "certificates",
            Quantity::Usage(certificates),
            query("PrivateCertificatesIssued"),
        ));
    }
    Mapping::Priced {
        category: Category::Security,
        components,
    }
}
