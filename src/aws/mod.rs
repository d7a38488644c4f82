//! Resource mappings: one module per AWS service, each turning a resource into the cost
//! components AWS bills for it, with the price query of each next to its quantity.

pub mod acmpca;
pub mod attributes;
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
use std::sync::Mutex;

use foldhash::{HashMap, HashMapExt};

use crate::model::Resource;
use crate::usage::UsageValues;

pub use registry::{map_resource, usage_keys, wanted};

/// What a mapping may look at besides the resource itself. Other resources are reached only
/// through its methods, which note that they were: a mapping that looked at none priced its
/// resource from the resource, the usage and the date alone (see `estimate`).
pub struct Context<'a> {
    /// Every resource on the same side of the plan, for references (a node group's launch
    /// template, a cluster's replication group).
    resources: &'a [Resource],
    pub usage: UsageValues,
    /// The day being priced (`YYYY-MM-DD`): the report's date unless the caller chose another.
    /// What AWS bills depends on it for dated offers such as EKS extended support.
    pub pricing_date: &'a str,
    /// `resources` by address, type and reference, built once per side: with a hundred thousand
    /// resources, a scan of all of them per lookup is what a run would spend its time on.
    index: &'a ResourceIndex<'a>,
    /// Set when a method looked at other resources.
    looked_elsewhere: std::cell::Cell<bool>,
}

type StringsByType<'a> = HashMap<&'a str, HashMap<&'a str, Vec<usize>>>;

/// Lookups over the resources of one side of a plan.
pub struct ResourceIndex<'a> {
    resources: &'a [Resource],
    /// Address → position of the first resource with it.
    by_address: HashMap<&'a str, usize>,
    /// Type → positions, in order.
    by_type: HashMap<&'a str, Vec<usize>>,
    /// Referenced address → positions of the resources whose configuration refers to it.
    referrers: HashMap<&'a str, Vec<usize>>,
    /// Type → every string among the values of its resources → positions holding it; built for
    /// a type the first time a resource's id is looked for among them.
    strings: Mutex<StringsByType<'a>>,
}

impl<'a> ResourceIndex<'a> {
    pub fn new(resources: &'a [Resource]) -> Self {
        // The address map (long keys, one per resource) is built beside the other two.
        let by_address = || {
            let mut by_address = HashMap::with_capacity(resources.len());
            for (i, r) in resources.iter().enumerate() {
                by_address.entry(r.address.as_str()).or_insert(i);
            }
            by_address
        };
        let by_type_and_referrers = || {
            let mut by_type: HashMap<&str, Vec<usize>> = HashMap::new();
            let mut referrers: HashMap<&str, Vec<usize>> = HashMap::new();
            for (i, r) in resources.iter().enumerate() {
                by_type.entry(r.resource_type.as_str()).or_default().push(i);
                for target in r.references.values().flatten() {
                    let list = referrers.entry(target.as_str()).or_default();
                    if list.last() != Some(&i) {
                        list.push(i);
                    }
                }
            }
            (by_type, referrers)
        };
        let large = resources.len() >= crate::halves::TWO_THREADS_FROM;
        let (by_address, (by_type, referrers)) =
            crate::halves::both(large, by_address, by_type_and_referrers);
        ResourceIndex {
            resources,
            by_address,
            by_type,
            referrers,
            strings: Mutex::default(),
        }
    }

    fn positions(&self, resource_type: &str) -> &[usize] {
        self.by_type.get(resource_type).map_or(&[], Vec::as_slice)
    }

    /// Resources of `resource_type`, in plan order.
    pub fn of_type(&self, resource_type: &str) -> impl Iterator<Item = &'a Resource> + use<'a, '_> {
        let resources = self.resources;
        self.positions(resource_type)
            .iter()
            .map(move |&i| &resources[i])
    }

    /// Positions of the resources of `resource_type` holding the string `wanted` in their values.
    fn holding(&self, resource_type: &str, wanted: &str) -> Vec<usize> {
        let positions = self.positions(resource_type);
        let Some(&first) = positions.first() else {
            return Vec::new();
        };
        let mut cache = self
            .strings
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let strings = cache
            .entry(self.resources[first].resource_type.as_str())
            .or_insert_with(|| {
                let mut map: HashMap<&'a str, Vec<usize>> = HashMap::new();
                for &i in positions {
                    collect_strings(&self.resources[i].values, &mut |s| {
                        let list = map.entry(s).or_default();
                        if list.last() != Some(&i) {
                            list.push(i);
                        }
                    });
                }
                map
            });
        strings.get(wanted).cloned().unwrap_or_default()
    }
}

/// Calls `f` with every string inside `value`.
fn collect_strings<'v>(value: &'v serde_json::Value, f: &mut impl FnMut(&'v str)) {
    match value {
        serde_json::Value::String(s) => f(s),
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_strings(v, f)),
        serde_json::Value::Object(map) => map.values().for_each(|v| collect_strings(v, f)),
        _ => {}
    }
}

impl<'a> Context<'a> {
    pub fn new(
        resources: &'a [Resource],
        index: &'a ResourceIndex<'a>,
        usage: UsageValues,
        pricing_date: &'a str,
    ) -> Self {
        Context {
            resources,
            usage,
            pricing_date,
            index,
            looked_elsewhere: std::cell::Cell::new(false),
        }
    }

    /// True when the mapping looked at resources other than its own.
    pub fn looked_elsewhere(&self) -> bool {
        self.looked_elsewhere.get()
    }

    /// The resource of `resource_type` that the configuration attribute `path` of `from` refers
    /// to, or whose `id`/`name` equals that attribute's value (resources that already exist).
    pub fn referenced(
        &self,
        from: &Resource,
        path: &str,
        resource_type: &str,
    ) -> Option<&'a Resource> {
        self.looked_elsewhere.set(true);
        for target in from.references(path) {
            if let Some(&i) = self.index.by_address.get(target.as_str()) {
                let r = &self.resources[i];
                if r.resource_type == resource_type {
                    return Some(r);
                }
            }
        }
        let value = from.str(path)?;
        let key = path.rsplit('.').next().unwrap_or(path);
        // Only a resource holding the value among its strings can have it as `key`: looked up,
        // then checked (a scan of the type per call was quadratic in a state's resources, where
        // no configuration gives references). Positions come in plan order, as a scan's would.
        self.index
            .holding(resource_type, value)
            .into_iter()
            .map(|i| &self.resources[i])
            .find(|r| r.str(key) == Some(value))
    }

    /// Resources of `resource_type`, in plan order.
    pub fn of_type(&self, resource_type: &str) -> impl Iterator<Item = &'a Resource> + use<'a, '_> {
        self.looked_elsewhere.set(true);
        self.index.of_type(resource_type)
    }
}

impl<'a> Context<'a> {
    /// Resources of `resource_type` whose configuration refers to `target` (by address), or
    /// that hold its `id` among their attribute values (resources that already exist).
    pub fn referrers(&self, target: &Resource, resource_type: &str) -> Vec<&'a Resource> {
        self.referring_or_holding(target, resource_type, target.str("id"))
    }

    /// Resources of `resource_type` whose configuration refers to `target` (by address), or
    /// that hold the string `value` among their attribute values; in plan order, each once.
    pub fn referring_or_holding(
        &self,
        target: &Resource,
        resource_type: &str,
        value: Option<&str>,
    ) -> Vec<&'a Resource> {
        self.looked_elsewhere.set(true);
        let mut positions: Vec<usize> = self
            .index
            .referrers
            .get(target.address.as_str())
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .copied()
            .filter(|&i| self.resources[i].resource_type == resource_type)
            .collect();
        if let Some(value) = value {
            positions.extend(self.index.holding(resource_type, value));
        }
        positions.sort_unstable();
        positions.dedup();
        positions.into_iter().map(|i| &self.resources[i]).collect()
    }
}

/// Small helper for the attribute maps the price filters look at.
pub(crate) fn attr<'m>(attrs: &'m BTreeMap<String, String>, key: &str) -> &'m str {
    attrs.get(key).map(String::as_str).unwrap_or("")
}
