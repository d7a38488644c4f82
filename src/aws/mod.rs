//! Resource mappings: one module per AWS service, each turning a resource into the cost
//! components AWS bills for it, with the price query of each next to its quantity.

pub mod acmpca;
pub mod autoscaling;
pub mod cloudfront;
pub mod cloudwatch;
pub mod ebs;
pub mod ec2;
pub mod eks;
pub mod elasticache;
pub mod elb;
pub mod kms;
pub mod rds;
pub mod registry;
pub mod route53;
pub mod s3;
pub mod secretsmanager;
pub mod vpc;
pub mod waf;

use std::collections::BTreeMap;

use crate::model::Resource;
use crate::usage::UsageValues;

pub use registry::{map_resource, usage_keys, wanted};

/// What a mapping may look at besides the resource itself.
pub struct Context<'a> {
    /// Every resource on the same side of the plan, for references (a node group's launch
    /// template, a cluster's replication group).
    pub resources: &'a [Resource],
    pub usage: UsageValues,
    /// The day being priced (`YYYY-MM-DD`): the report's date unless the caller chose another.
    /// What AWS bills depends on it for dated offers such as EKS extended support.
    pub pricing_date: &'a str,
}

impl<'a> Context<'a> {
    /// The resource of `resource_type` that the configuration attribute `path` of `from` refers
    /// to, or whose `id`/`name` equals that attribute's value (resources that already exist).
    pub fn referenced(
        &self,
        from: &Resource,
        path: &str,
        resource_type: &str,
    ) -> Option<&'a Resource> {
        for target in from.references(path) {
            if let Some(r) = self.resources.iter().find(|r| &r.address == target) {
                if r.resource_type == resource_type {
                    return Some(r);
                }
            }
        }
        let value = from.str(path)?;
        let key = path.rsplit('.').next().unwrap_or(path);
        self.resources
            .iter()
            .find(|r| r.resource_type == resource_type && r.str(key) == Some(value))
    }
}

impl<'a> Context<'a> {
    /// Resources of `resource_type` whose configuration refers to `target` (by address), or
    /// that hold its `id` among their attribute values (resources that already exist).
    pub fn referrers(&self, target: &Resource, resource_type: &str) -> Vec<&'a Resource> {
        let id = target.str("id");
        self.resources
            .iter()
            .filter(|r| r.resource_type == resource_type)
            .filter(|r| {
                r.references
                    .values()
                    .any(|targets| targets.iter().any(|t| t == &target.address))
                    || id.is_some_and(|id| holds_string(&r.values, id))
            })
            .collect()
    }
}

/// True when `value` holds the string `wanted` anywhere inside it.
fn holds_string(value: &serde_json::Value, wanted: &str) -> bool {
    match value {
        serde_json::Value::String(s) => s == wanted,
        serde_json::Value::Array(items) => items.iter().any(|v| holds_string(v, wanted)),
        serde_json::Value::Object(map) => map.values().any(|v| holds_string(v, wanted)),
        _ => false,
    }
}

/// Small helper for the attribute maps the price filters look at.
pub(crate) fn attr<'m>(attrs: &'m BTreeMap<String, String>, key: &str) -> &'m str {
    attrs.get(key).map(String::as_str).unwrap_or("")
}
