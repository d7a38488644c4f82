//! Usage assumptions: the quantities a plan cannot tell (requests, GB stored, LCUs), read from
//! a usage file in Infracost's `infracost-usage.yml` format so existing files work unchanged.
//!
//! Precedence, as Infracost: an exact address beats a wildcard address (`module.x.aws_y.z[*]`),
//! which beats `resource_type_default_usage`.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde_json::Value;

use crate::model::{Resource, json_decimal};

/// One resource's usage values: key → value (a number, or a map such as CloudFront's per-region
/// traffic).
pub type UsageValues = BTreeMap<String, Value>;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Usage {
    pub by_address: BTreeMap<String, UsageValues>,
    /// Addresses with `[*]`, kept in file order.
    pub wildcards: Vec<(String, UsageValues)>,
    pub by_type: BTreeMap<String, UsageValues>,
}

impl Usage {
    /// The usage values that apply to `resource`, merged key by key by precedence.
    pub fn for_resource(&self, resource: &Resource) -> UsageValues {
        let mut merged = self
            .by_type
            .get(&resource.resource_type)
            .cloned()
            .unwrap_or_default();
        for (pattern, values) in &self.wildcards {
            if wildcard_matches(pattern, &resource.address) {
                merged.extend(values.clone());
            }
        }
        if let Some(values) = self.by_address.get(&resource.address) {
            merged.extend(values.clone());
        }
        merged
    }
}

/// `[*]` matches any one instance key (`[0]`, `["a"]`).
fn wildcard_matches(pattern: &str, address: &str) -> bool {
    let mut rest = address;
    let mut parts = pattern.split("[*]").peekable();
    while let Some(part) = parts.next() {
        let Some(after) = rest.strip_prefix(part) else {
            return false;
        };
        rest = after;
        if parts.peek().is_some() {
            // Consume one bracketed key.
            if !rest.starts_with('[') {
                return false;
            }
            let Some(close) = find_key_end(rest) else {
                return false;
            };
            rest = &rest[close + 1..];
        }
    }
    rest.is_empty()
}

/// Index of the `]` closing the instance key at the start of `s`, skipping quoted strings.
fn find_key_end(s: &str) -> Option<usize> {
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in s.char_indices().skip(1) {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            ']' if !in_string => return Some(i),
            _ => {}
        }
    }
    None
}

/// Reads a number from usage values.
pub fn decimal(values: &UsageValues, key: &str) -> Option<Decimal> {
    values.get(key).and_then(json_decimal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_one_instance_key() {
        assert!(wildcard_matches(
            "aws_instance.web[*]",
            "aws_instance.web[0]"
        ));
        assert!(wildcard_matches(
            "aws_instance.web[*]",
            "aws_instance.web[\"a]b\"]"
        ));
        assert!(wildcard_matches(
            "module.x[*].aws_instance.web[*]",
            "module.x[2].aws_instance.web[0]"
        ));
        assert!(!wildcard_matches("aws_instance.web[*]", "aws_instance.web"));
        assert!(!wildcard_matches(
            "aws_instance.web[*]",
            "aws_instance.webx[0]"
        ));
    }
}
