//! AWS WAF web ACLs (`aws_wafv2_web_acl`).
//!
//! AWS bills a web ACL per month, each of its rules per month, and the requests it inspects
//! (per million, usage `monthly_requests`). A rule that references a rule group, one of your own
//! or an AWS managed one, is billed as one rule whatever the group contains ("Each rule group
//! (whether custom or managed) counts as a single rule for billing purposes", AWS Security
//! Services Best Practices, WAF cost guide). Infracost's `rule_group_rules` and
//! `managed_rule_group_rules` keys count the rules inside groups as rules; plancost accepts them
//! in usage files but does not bill them, and says so on the line.
//!
//! Most AWS managed rule groups carry no fee of their own. Bot Control, Fraud Control (account
//! takeover prevention, account creation fraud prevention) and Anti-DDoS add a subscription and
//! per-request fees; AWS Marketplace groups add their seller's fees. Neither is in the price
//! data, so such groups get a line reported unpriced, with the reason. A web ACL above 1,500
//! capacity units (WCUs) pays extra per request; plancost notes it when the capacity is known.

use rust_decimal::Decimal;

use crate::model::{Category, CostComponent, Mapping, Quantity, Resource};
use crate::pricing::PriceQuery;
use crate::usage;

use super::Context;

/// AWS managed rule groups that AWS bills beyond the rule itself.
const PAID_MANAGED_GROUPS: &[(&str, &str)] = &[
    ("AWSManagedRulesBotControlRuleSet", "Bot Control"),
    (
        "AWSManagedRulesATPRuleSet",
        "Fraud Control account takeover prevention",
    ),
    (
        "AWSManagedRulesACFPRuleSet",
        "Fraud Control account creation fraud prevention",
    ),
    ("AWSManagedRulesAntiDDoSRuleSet", "Anti-DDoS"),
];

/// The capacity a web ACL's base price covers.
const INCLUDED_WCUS: Decimal = Decimal::from_parts(1500, 0, 0, false, 0);

pub fn aws_wafv2_web_acl(resource: &Resource, ctx: &Context) -> Mapping {
    let region = &resource.region;
    let query = |usage_type: &str| {
        PriceQuery::new("awswaf", region)
            .family("Web Application Firewall")
            .usage_type(usage_type)
    };
    let rules = resource
        .get("rule")
        .and_then(|v| v.as_array())
        .map_or(0, Vec::len);
    let mut groups = 0usize;
    let mut extra = Vec::new();
    for i in 0..rules {
        let statement = format!("rule.{i}.statement.0");
        if resource
            .get(&format!("{statement}.rule_group_reference_statement.0"))
            .is_some()
        {
            groups += 1;
        }
        let managed = format!("{statement}.managed_rule_group_statement.0");
        if resource.get(&managed).is_none() {
            continue;
        }
        groups += 1;
        let name = resource.str(&format!("{managed}.name")).unwrap_or("");
        let vendor = resource
            .str(&format!("{managed}.vendor_name"))
            .unwrap_or("");
        if vendor == "AWS" {
            if let Some((_, label)) = PAID_MANAGED_GROUPS.iter().find(|(n, _)| *n == name) {
                extra.push(CostComponent::unavailable(
                    format!("{label} managed rule group ({name})"),
                    "months",
                    Quantity::Known(Decimal::ONE),
                    format!(
                        "AWS bills {label} a monthly subscription and per-request fees, which the price data does not hold"
                    ),
                ));
            }
        } else {
            extra.push(CostComponent::unavailable(
                format!("AWS Marketplace rule group ({vendor} {name})"),
                "months",
                Quantity::Known(Decimal::ONE),
                "the seller's subscription and request fees are set in AWS Marketplace and are not in the price data",
            ));
        }
    }

    let mut components = vec![CostComponent::new(
        "Web ACL",
        "months",
        Quantity::Known(Decimal::ONE),
        query("WebACLV2"),
    )];
    let mut rule_line = CostComponent::new(
        format!(
            "Rules ({}, {})",
            plural(groups, "rule group"),
            plural(rules - groups, "other rule")
        ),
        "rules",
        Quantity::Known(Decimal::from(rules)),
        query("RuleV2"),
    );
    if ["rule_group_rules", "managed_rule_group_rules"]
        .iter()
        .any(|k| ctx.usage.contains_key(*k))
    {
        rule_line.notes.push(
            "usage rule_group_rules / managed_rule_group_rules not billed: AWS bills a rule group as one rule"
                .into(),
        );
    }
    components.push(rule_line);
    components.extend(extra);
    let mut requests = CostComponent::new(
        "Requests",
        "requests",
        Quantity::Usage(usage::decimal(&ctx.usage, "monthly_requests")),
        query("RequestV2-Tier1"),
    );
    if let Some(capacity) = resource.decimal("capacity").filter(|c| *c > INCLUDED_WCUS) {
        requests.notes.push(format!(
            "capacity {capacity} WCUs is above the 1,500 included: AWS adds a per-request fee per 500 WCUs above, not included"
        ));
    }
    components.push(requests);
    Mapping::Priced {
        category: Category::Security,
        components,
    }
}

/// `1 rule group`, `7 rule groups`.
fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
