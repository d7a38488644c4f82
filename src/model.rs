//! The plain data that flows between the stages: resources read from Terraform, the cost
//! components a service mapping derives from them, and the categories of the budget.
//!
//! Nothing here knows where a resource came from (plan, state or HCL) or how a price is found.

use std::collections::BTreeMap;
use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::pricing::PriceQuery;

/// Hours in a month, as AWS and the estimate count them (24 × 365 / 12).
pub const HOURS_PER_MONTH: Decimal = Decimal::from_parts(730, 0, 0, false, 0);

/// What a plan does to a resource. State files give `NoOp` (the resource as it stands); HCL mode
/// gives `Create`, as a plan of the same files against no state would.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    Update,
    Delete,
    /// Delete then create, or create then delete: both are a replacement for cost purposes.
    Replace,
    /// Written `no-op`, as Terraform writes it.
    #[serde(rename = "no-op")]
    NoOp,
    Read,
}

impl Action {
    /// Maps Terraform's `change.actions` array to one action.
    pub fn from_terraform(actions: &[&str]) -> Option<Action> {
        Some(match actions {
            ["create"] => Action::Create,
            ["update"] => Action::Update,
            ["delete"] => Action::Delete,
            ["no-op"] => Action::NoOp,
            ["read"] => Action::Read,
            ["delete", "create"] | ["create", "delete"] => Action::Replace,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
            Action::Replace => "replace",
            Action::NoOp => "no-op",
            Action::Read => "read",
        }
    }

    /// True when applying the plan changes what the resource costs or whether it exists.
    pub fn is_change(self) -> bool {
        !matches!(self, Action::NoOp | Action::Read)
    }
}

/// One managed resource instance as it will be after the plan (or as it was before, for the
/// prior side of a diff).
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    /// Full address with module path and instance key, e.g. `module.gpu.aws_eks_node_group.spot[0]`.
    pub address: String,
    /// Module path of the instance, e.g. `module.gpu` (empty for the root module).
    pub module_address: String,
    pub resource_type: String,
    pub name: String,
    pub region: String,
    /// Attribute values as Terraform reports them, with every sensitive value already replaced by
    /// `null` by the loader, so no later stage can print one. Shared: the resources of a module
    /// instantiated many times mostly have equal values, and the plan loader keeps one copy.
    pub values: std::sync::Arc<Value>,
    /// Paths (dotted, list indices as numbers) whose value is only known after apply.
    pub unknown: Vec<String>,
    /// For each attribute path of the configuration, the addresses it refers to
    /// (e.g. `launch_template.id` → `aws_launch_template.workers`), resolved to full addresses.
    pub references: BTreeMap<String, Vec<String>>,
    pub action: Action,
    /// Attributes a mapping read that hold a value of the wrong type (e.g. a size that is a
    /// string): pricing stops with an input error naming them, instead of pricing a guess.
    pub type_errors: TypeErrors,
}

/// The type errors a mapping met reading a resource. Behind a lock so that resources can be
/// priced on several threads (each resource by one).
#[derive(Debug, Default)]
pub struct TypeErrors(std::sync::Mutex<Vec<String>>);

impl TypeErrors {
    fn errors(&self) -> std::sync::MutexGuard<'_, Vec<String>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn push(&self, error: String) {
        self.errors().push(error);
    }

    /// The errors met so far, leaving none.
    pub fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.errors())
    }

    fn list(&self) -> Vec<String> {
        self.errors().clone()
    }
}

impl Clone for TypeErrors {
    fn clone(&self) -> Self {
        TypeErrors(std::sync::Mutex::new(self.list()))
    }
}

impl PartialEq for TypeErrors {
    fn eq(&self, other: &Self) -> bool {
        self.list() == other.list()
    }
}

impl Resource {
    /// The value at a dotted path (`scaling_config.0.desired_size`); `None` when absent or null.
    pub fn get(&self, path: &str) -> Option<&Value> {
        lookup(&self.values, path)
    }

    pub fn str(&self, path: &str) -> Option<&str> {
        let value = self.get(path)?;
        let s = value.as_str();
        if s.is_none() {
            self.type_error(path, "a string");
        }
        s
    }

    /// A number at `path`, read exactly (JSON numbers are parsed from their text, never via f64).
    /// Numbers beyond ±10^15 are refused as absurd: no AWS quantity is that large, and refusing
    /// them keeps every later product of quantities and prices far from `Decimal`'s limit.
    pub fn decimal(&self, path: &str) -> Option<Decimal> {
        let value = self.get(path)?;
        match json_decimal(value) {
            Some(d) if d.abs() <= MAX_QUANTITY => Some(d),
            // A JSON number rust_decimal cannot hold (1e300) is absurd in the same way.
            Some(_) | None if value.is_number() => {
                self.type_error(path, "a number no larger than 10^15");
                None
            }
            _ => {
                self.type_error(path, "a number");
                None
            }
        }
    }

    pub fn bool(&self, path: &str) -> Option<bool> {
        let value = self.get(path)?;
        let b = value.as_bool();
        if b.is_none() {
            self.type_error(path, "true or false");
        }
        b
    }

    fn type_error(&self, path: &str, expected: &str) {
        self.type_errors.push(format!("{path} must be {expected}"));
    }

    /// True when Terraform says the value at `path` (or a parent of it) is known only after apply.
    pub fn is_unknown(&self, path: &str) -> bool {
        self.unknown.iter().any(|u| {
            u == path || path.starts_with(u.as_str()) && path.as_bytes().get(u.len()) == Some(&b'.')
        })
    }

    /// Addresses the configuration expression at `path` refers to.
    pub fn references(&self, path: &str) -> &[String] {
        self.references.get(path).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// The largest number a resource attribute may hold (see [`Resource::decimal`]).
pub const MAX_QUANTITY: Decimal = Decimal::from_parts(0xA4C6_8000, 0x0003_8D7E, 0, false, 0);

#[cfg(test)]
#[test]
fn max_quantity_is_ten_to_the_fifteenth() {
    assert_eq!(MAX_QUANTITY, Decimal::from(1_000_000_000_000_000u64));
}

/// Walks a dotted path through objects and arrays.
pub fn lookup<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    let mut current = value;
    // Split by hand: mappings look up a million short paths in a large plan, and `split`'s
    // searcher costs more than the walk.
    let mut rest = Some(path);
    while let Some(left) = rest {
        let (part, next) = match left.bytes().position(|b| b == b'.') {
            Some(dot) => (&left[..dot], Some(&left[dot + 1..])),
            None => (left, None),
        };
        rest = next;
        current = match current {
            Value::Object(map) => map.get(part)?,
            Value::Array(items) => items.get(part.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    (!current.is_null()).then_some(current)
}

/// Reads a JSON number or numeric string as an exact decimal.
pub fn json_decimal(value: &Value) -> Option<Decimal> {
    match value {
        // serde_json keeps integers exact; floats are formatted back to their shortest text,
        // which is the text Terraform wrote, so parsing that text loses nothing.
        Value::Number(n) => n.to_string().parse().ok(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The budget categories of the estimate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Compute,
    Database,
    Cache,
    Storage,
    Network,
    Monitoring,
    Security,
}

impl Category {
    pub const ALL: [Category; 7] = [
        Category::Compute,
        Category::Database,
        Category::Cache,
        Category::Storage,
        Category::Network,
        Category::Monitoring,
        Category::Security,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Compute => "compute",
            Category::Database => "database",
            Category::Cache => "cache",
            Category::Storage => "storage",
            Category::Network => "network",
            Category::Monitoring => "monitoring",
            Category::Security => "security",
        }
    }

    pub fn parse(name: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == name)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How much of a component a month uses.
#[derive(Debug, Clone, PartialEq)]
pub enum Quantity {
    /// Known from the configuration (instance hours, GB provisioned).
    Known(Decimal),
    /// Comes from the usage file; `None` when the file does not give it, so the component
    /// "depends on usage" and counts as zero in totals (and the report says so).
    Usage(Option<Decimal>),
}

impl Quantity {
    pub fn value(&self) -> Option<Decimal> {
        match self {
            Quantity::Known(q) => Some(*q),
            Quantity::Usage(q) => *q,
        }
    }

    pub fn is_usage_based(&self) -> bool {
        matches!(self, Quantity::Usage(_))
    }
}

/// One billed line of a resource: a quantity of some unit, and the query for its unit price.
#[derive(Debug, Clone, PartialEq)]
pub struct CostComponent {
    pub name: String,
    /// The unit the quantity is in, as shown to people (`hours`, `GB`, `requests`).
    pub unit: String,
    pub monthly_quantity: Quantity,
    pub price: PriceSpec,
    /// Things assumed because the configuration does not say (e.g. a root disk size only known
    /// after apply); printed with the line, never hidden.
    pub notes: Vec<String>,
}

/// Where a component's unit price comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum PriceSpec {
    /// Looked up in the price book. `multiplier` scales the listed price per unit of the query to
    /// the component's unit (e.g. 1/1000 when AWS prices per 1,000 requests and the component
    /// counts requests); it is 1 almost always.
    Query {
        query: PriceQuery,
        multiplier: Decimal,
    },
    /// A spot price: the on-demand price of `on_demand` discounted by the Spot Instance Advisor's
    /// savings for the instance type, or an override from the usage file.
    Spot {
        on_demand: PriceQuery,
        instance_type: String,
        operating_system: String,
        override_hourly: Option<Decimal>,
    },
    /// AWS bills the component, but no price list row can price it (the billing unit does not
    /// match any quantity the configuration or usage file gives, or the price data does not
    /// carry the product at all): the component is reported unpriced with this reason.
    Unavailable { reason: String },
}

impl CostComponent {
    pub fn new(name: impl Into<String>, unit: &str, quantity: Quantity, query: PriceQuery) -> Self {
        CostComponent {
            name: name.into(),
            unit: unit.to_string(),
            monthly_quantity: quantity,
            price: PriceSpec::Query {
                query,
                multiplier: Decimal::ONE,
            },
            notes: Vec::new(),
        }
    }

    /// A component AWS bills but plancost cannot price, with the reason shown in `unpriced`.
    pub fn unavailable(
        name: impl Into<String>,
        unit: &str,
        quantity: Quantity,
        reason: impl Into<String>,
    ) -> Self {
        CostComponent {
            name: name.into(),
            unit: unit.to_string(),
            monthly_quantity: quantity,
            price: PriceSpec::Unavailable {
                reason: reason.into(),
            },
            notes: Vec::new(),
        }
    }

    /// Sets the factor that turns the listed price per unit into the price per unit of this
    /// component (e.g. 1/1024 when AWS lists GiB/s and the component counts MiB/s).
    pub fn with_multiplier(mut self, factor: Decimal) -> Self {
        if let PriceSpec::Query { multiplier, .. } = &mut self.price {
            *multiplier = factor;
        }
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }
}

/// What a service mapping says about a resource.
#[derive(Debug, Clone, PartialEq)]
pub enum Mapping {
    /// Billed: the components to price.
    Priced {
        category: Category,
        components: Vec<CostComponent>,
    },
    /// AWS does not bill this resource type (IAM, security groups, launch templates, ...).
    Free,
    /// No mapping exists for this type yet.
    Unsupported,
}
