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

impl Usage {
    /// Lays `other` over this usage key by key: where both give a value for the same address
    /// (or wildcard, or type) and key, `other`'s wins. Precedence between an exact address, a
    /// wildcard and a type default stays as for one file.
    pub fn overlay(&mut self, other: &Usage) {
        for (address, values) in &other.by_address {
            self.by_address
                .entry(address.clone())
                .or_default()
                .extend(values.clone());
        }
        // Later wildcards win (they are applied in order), so appending is enough.
        self.wildcards.extend(other.wildcards.iter().cloned());
        for (resource_type, values) in &other.by_type {
            self.by_type
                .entry(resource_type.clone())
                .or_default()
                .extend(values.clone());
        }
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

/// A problem in a usage file that does not stop pricing (an unknown key, most likely a typo):
/// reported with its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageWarning {
    pub line: usize,
    pub message: String,
}

/// The file as written: Infracost's `infracost-usage.yml`, version 0.1.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct UsageFile {
    version: serde_saphyr::Spanned<Value>,
    #[serde(default)]
    resource_usage: BTreeMap<String, BTreeMap<String, serde_saphyr::Spanned<Value>>>,
    #[serde(default)]
    resource_type_default_usage: BTreeMap<String, BTreeMap<String, serde_saphyr::Spanned<Value>>>,
}

/// Reads a usage file. Unknown keys of resource types plancost prices come back as warnings
/// (with the line), not errors: a file shared with other tools may carry keys for them.
pub fn load_file(path: &std::path::Path) -> crate::Result<(Usage, Vec<UsageWarning>)> {
    let file: UsageFile = crate::yaml::read(path)?;
    let version_ok = match &file.version.value {
        Value::String(s) => s == "0.1",
        Value::Number(n) => n.to_string() == "0.1",
        _ => false,
    };
    if !version_ok {
        let l = file.version.referenced;
        return Err(crate::Error::input_at(
            path,
            crate::error::Position {
                line: l.line() as usize,
                column: l.column() as usize,
            },
            "usage file version must be 0.1 (Infracost's format)",
        ));
    }
    let mut warnings = Vec::new();
    let mut check = |resource_type: &str,
                     values: &BTreeMap<String, serde_saphyr::Spanned<Value>>,
                     what: &str| {
        let Some(known) = crate::aws::usage_keys(resource_type) else {
            return;
        };
        for (key, value) in values {
            if !known.contains(&key.as_str()) {
                warnings.push(UsageWarning {
                    line: value.referenced.line() as usize,
                    message: if known.is_empty() {
                        format!("{what}: unknown usage key {key:?}: plancost reads no usage for {resource_type}")
                    } else {
                        format!(
                            "{what}: unknown usage key {key:?} for {resource_type} (known: {})",
                            known.join(", ")
                        )
                    },
                });
            }
        }
    };
    for values in file
        .resource_type_default_usage
        .values()
        .chain(file.resource_usage.values())
    {
        for (key, value) in values {
            if !plausible_numbers(&value.value) {
                let l = value.referenced;
                return Err(crate::Error::input_at(
                    path,
                    crate::error::Position {
                        line: l.line() as usize,
                        column: l.column() as usize,
                    },
                    format!("usage value {key:?} must be a number no larger than 10^12"),
                ));
            }
        }
    }
    let mut usage = Usage::default();
    for (resource_type, values) in &file.resource_type_default_usage {
        check(resource_type, values, resource_type);
        usage.by_type.insert(resource_type.clone(), unspan(values));
    }
    for (address, values) in &file.resource_usage {
        let resource_type = address_type(address);
        check(&resource_type, values, address);
        if address.contains("[*]") {
            usage.wildcards.push((address.clone(), unspan(values)));
        } else {
            usage.by_address.insert(address.clone(), unspan(values));
        }
    }
    warnings.sort_by_key(|w| w.line);
    Ok((usage, warnings))
}

/// False when `value` holds a number plancost cannot use: beyond ±10^12 (a trillion requests,
/// hours or GB a month is beyond any real usage, and the bound keeps products of usage values,
/// plan values and prices far from `Decimal`'s limit), or a YAML number too large for an exact
/// decimal at all (1e300).
const MAX_USAGE_VALUE: Decimal = Decimal::from_parts(0xD4A5_1000, 0xE8, 0, false, 0);

fn plausible_numbers(value: &Value) -> bool {
    match value {
        Value::Number(_) => {
            crate::model::json_decimal(value).is_some_and(|d| d.abs() <= MAX_USAGE_VALUE)
        }
        Value::String(s) => s
            .trim()
            .parse::<Decimal>()
            .map_or(true, |d| d.abs() <= MAX_USAGE_VALUE),
        Value::Array(items) => items.iter().all(plausible_numbers),
        Value::Object(map) => map.values().all(plausible_numbers),
        _ => true,
    }
}

fn unspan(values: &BTreeMap<String, serde_saphyr::Spanned<Value>>) -> UsageValues {
    values
        .iter()
        .map(|(k, v)| (k.clone(), v.value.clone()))
        .collect()
}

/// The resource type of an address: the step before the name, after any `module.x` pairs.
pub(crate) fn address_type(address: &str) -> String {
    let steps = crate::terraform::address::steps(address);
    let mut i = 0;
    while i + 1 < steps.len() && steps[i] == "module" {
        i += 2;
    }
    steps.get(i).map(|s| s.to_string()).unwrap_or_default()
}
