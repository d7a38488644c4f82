//! Resource mappings: one module per AWS service, each turning a resource into the cost
//! components AWS bills for it, with the price query of each next to its quantity.

pub mod ebs;
pub mod ec2;
pub mod eks;
pub mod elasticache;
pub mod elb;
pub mod rds;
pub mod registry;
pub mod s3;

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

/// Small helper for the attribute maps the price filters look at.
pub(crate) fn attr<'m>(attrs: &'m BTreeMap<String, String>, key: &str) -> &'m str {
    attrs.get(key).map(String::as_str).unwrap_or("")
}
