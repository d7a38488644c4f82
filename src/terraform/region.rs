//! The region of a resource, resolved as Terraform resolves it:
//! 1. the resource's own `region` argument (hashicorp/aws v6 has one on most resources);
//! 2. its provider configuration (an alias, or the provider a module was handed: Terraform
//!    writes the resolved `provider_config_key` into the plan's configuration), where the region
//!    is a constant or a reference to a root variable, read from the plan's `variables`;
//! 3. `AWS_REGION` / `AWS_DEFAULT_REGION`;
//! 4. for state files, which carry no configuration, the region inside the resource's ARN.
//!
//! When none applies the region stays empty, and pricing reports which resource lacks one.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::model::Resource;

use super::LoadOptions;
use super::plan::{Configuration, Variable};

pub struct RegionResolver {
    /// provider_config key → region, where the configuration determines one.
    by_provider: BTreeMap<String, String>,
    env_region: Option<String>,
}

impl RegionResolver {
    pub(crate) fn new(
        configuration: &Configuration,
        variables: &BTreeMap<String, Variable>,
        options: &LoadOptions,
    ) -> Self {
        let mut by_provider = BTreeMap::new();
        for (key, provider) in &configuration.provider_config {
            if provider.name != "aws" && !key.starts_with("aws") {
                continue;
            }
            let Some(expr) = provider.expressions.get("region") else {
                continue;
            };
            let in_root = provider.module_address.as_deref().unwrap_or("").is_empty();
            if let Some(region) = expression_region(expr, variables, in_root) {
                by_provider.insert(key.clone(), region);
            }
        }
        RegionResolver {
            by_provider,
            env_region: options.env_region.clone().filter(|r| !r.is_empty()),
        }
    }

    pub fn region_of(&self, resource: &Resource, provider_config_key: Option<&str>) -> String {
        if let Some(region) = resource.str("region").filter(|r| !r.is_empty()) {
            return region.to_string();
        }
        if let Some(key) = provider_config_key {
            // Terraform before 0.15 wrote module-local keys such as `child:aws`.
            let local = key.rsplit(':').next().unwrap_or(key);
            if let Some(region) = self
                .by_provider
                .get(key)
                .or_else(|| self.by_provider.get(local))
            {
                return region.clone();
            }
        }
        if let Some(region) = &self.env_region {
            return region.clone();
        }
        arn_region(resource).unwrap_or_default()
    }
}

/// A region from a provider's `region` expression: a constant, or `var.NAME` of the root module.
fn expression_region(
    expr: &Value,
    variables: &BTreeMap<String, Variable>,
    in_root: bool,
) -> Option<String> {
    if let Some(region) = expr.get("constant_value").and_then(Value::as_str) {
        return Some(region.to_string());
    }
    if !in_root {
        return None;
    }
    let references = expr.get("references")?.as_array()?;
    references.iter().filter_map(Value::as_str).find_map(|r| {
        let name = r.strip_prefix("var.")?;
        variables.get(name)?.value.as_str().map(str::to_string)
    })
}

/// `arn:aws:ec2:eu-west-1:123456789012:instance/i-...` → `eu-west-1`.
fn arn_region(resource: &Resource) -> Option<String> {
    let arn = resource.str("arn")?;
    let region = arn.split(':').nth(3)?;
    (!region.is_empty()).then(|| region.to_string())
}
