//! Elastic Load Balancing: application, network and gateway load balancers (`aws_lb`,
//! `aws_alb`) and classic load balancers (`aws_elb`).
//!
//! An ALB, NLB or GWLB is billed per hour, plus capacity units per hour (LCU, NLCU, GLCU). A
//! capacity unit is AWS's measure of the busiest of a few dimensions, each averaged over the
//! hour ("Elastic Load Balancing pricing"):
//!
//! | dimension (usage key)                     | ALB (LCU) | NLB, TCP (NLCU) | GWLB (GLCU) |
//! |-------------------------------------------|-----------|-----------------|-------------|
//! | new connections per second (`new_connections`) | 25   | 800             | 600         |
//! | active connections per minute (`active_connections`) | 3,000 | 100,000 | 60,000     |
//! | GB processed per hour (`processed_bytes_gb`) | 1      | 1               | 1           |
//! | rule evaluations per second (`rule_evaluations`) | 1,000 | —          | —           |
//!
//! The capacity units billed for an hour are the largest of dimension ÷ its allowance; plancost
//! takes the usage file's averages as one typical hour and bills that for 730 hours. The keys are
//! Infracost's, with Infracost's meanings (connections per second and per minute, GB per hour,
//! rule evaluations per second = requests per second × rules processed beyond the 10 free ones).
//! Infracost itself divides new connections by 100 and bills the largest dimension once a month
//! rather than every hour; plancost follows AWS's definition above instead. The usage key `lcu`
//! (plancost's addition) gives the average capacity units directly and then wins over the
//! dimensions. NLB allowances are those of TCP traffic (UDP and TLS have smaller ones).
//!
//! A classic load balancer is billed per hour and per GB processed (Infracost's
//! `monthly_data_processed_gb`).

use rust_decimal::Decimal;

use crate::model::{Category, CostComponent, HOURS_PER_MONTH, Mapping, Quantity, Resource};
use crate::pricing::PriceQuery;
use crate::usage::{self, UsageValues};

use super::Context;

/// Allowances of one capacity unit: (new connections/s, active connections/min, GB/h,
/// rule evaluations/s).
struct Allowance {
    new_connections: i64,
    active_connections: i64,
    processed_gb: i64,
    rule_evaluations: Option<i64>,
}

const ALB: Allowance = Allowance {
    new_connections: 25,
    active_connections: 3000,
    processed_gb: 1,
    rule_evaluations: Some(1000),
};
const NLB: Allowance = Allowance {
    new_connections: 800,
    active_connections: 100_000,
    processed_gb: 1,
    rule_evaluations: None,
};
const GWLB: Allowance = Allowance {
    new_connections: 600,
    active_connections: 60_000,
    processed_gb: 1,
    rule_evaluations: None,
};

/// Average capacity units from the usage: `lcu` when given, else the largest dimension ÷ its
/// allowance over the dimensions given; `None` when the usage gives none of them.
fn capacity_units(usage: &UsageValues, allowance: &Allowance) -> Option<Decimal> {
    if let Some(lcu) = usage::decimal(usage, "lcu") {
        return Some(lcu);
    }
    let mut dims = vec![
        ("new_connections", allowance.new_connections),
        ("active_connections", allowance.active_connections),
        ("processed_bytes_gb", allowance.processed_gb),
    ];
    if let Some(rules) = allowance.rule_evaluations {
        dims.push(("rule_evaluations", rules));
    }
    dims.into_iter()
        .filter_map(|(key, per_unit)| {
            usage::decimal(usage, key).map(|v| v / Decimal::from(per_unit))
        })
        .max()
}

pub fn aws_lb(resource: &Resource, ctx: &Context) -> Mapping {
    let region = resource.region.as_str();
    let lb_type = resource.str("load_balancer_type").unwrap_or("application");
    let (family, label, unit, allowance) = match lb_type {
        "network" => ("Load Balancer-Network", "Network", "NLCU", &NLB),
        "gateway" => ("Load Balancer-Gateway", "Gateway", "GLCU", &GWLB),
        _ => ("Load Balancer-Application", "Application", "LCU", &ALB),
    };
    let query = |usage_type: &str| {
        PriceQuery::new("AWSELB", region)
            .family(family)
            .usage_type(usage_type)
    };
    let hours = CostComponent::new(
        format!("{label} load balancer"),
        "hours",
        Quantity::Known(HOURS_PER_MONTH),
        query("LoadBalancerUsage"),
    );
    let units = capacity_units(&ctx.usage, allowance);
    let mut lcu = CostComponent::new(
        format!("Load balancer capacity units ({unit})"),
        "LCU-hours",
        Quantity::Usage(units.map(|u| u * HOURS_PER_MONTH)),
        query("LCUUsage"),
    );
    if let Some(u) = units {
        lcu.notes.push(format!(
            "{} {unit} on average over {HOURS_PER_MONTH} hours",
            u.normalize()
        ));
    }
    Mapping::Priced {
        category: Category::Network,
        components: vec![hours, lcu],
    }
}

pub fn aws_elb(resource: &Resource, ctx: &Context) -> Mapping {
    let region = resource.region.as_str();
    let query = |usage_type: &str| {
        PriceQuery::new("AWSELB", region)
            .family("Load Balancer")
            .usage_type(usage_type)
    };
    Mapping::Priced {
        category: Category::Network,
        components: vec![
            CostComponent::new(
                "Classic load balancer",
                "hours",
                Quantity::Known(HOURS_PER_MONTH),
                query("LoadBalancerUsage"),
            ),
            CostComponent::new(
                "Data processed",
                "GB",
                Quantity::Usage(usage::decimal(&ctx.usage, "monthly_data_processed_gb")),
                query("DataProcessing-Bytes"),
            ),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn usage(pairs: &[(&str, i64)]) -> UsageValues {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect()
    }

    #[test]
    fn capacity_units_are_the_busiest_dimension() {
        // ALB: 50 new/s ÷ 25 = 2; 3,000 active/min ÷ 3,000 = 1; 3 GB/h ÷ 1 = 3 → 3 LCU.
        let u = usage(&[
            ("new_connections", 50),
            ("active_connections", 3000),
            ("processed_bytes_gb", 3),
        ]);
        assert_eq!(capacity_units(&u, &ALB), Some(Decimal::from(3)));
        // NLB: 1,600 new/s ÷ 800 = 2 beats 1 GB/h.
        let u = usage(&[("new_connections", 1600), ("processed_bytes_gb", 1)]);
        assert_eq!(capacity_units(&u, &NLB), Some(Decimal::from(2)));
        // Rule evaluations count for an ALB only: 5,000/s ÷ 1,000 = 5.
        let u = usage(&[("rule_evaluations", 5000), ("processed_bytes_gb", 1)]);
        assert_eq!(capacity_units(&u, &ALB), Some(Decimal::from(5)));
        assert_eq!(capacity_units(&u, &NLB), Some(Decimal::ONE));
        // `lcu` wins over the dimensions; nothing given → depends on usage.
        let u = usage(&[("lcu", 7), ("processed_bytes_gb", 100)]);
        assert_eq!(capacity_units(&u, &ALB), Some(Decimal::from(7)));
        assert_eq!(capacity_units(&usage(&[]), &ALB), None);
    }
}
