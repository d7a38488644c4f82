//! Values of the HCL evaluator and Terraform's type constraints.
//!
//! Numbers are exact decimals (Terraform computes with arbitrary-precision numbers, so
//! `ceil(15 * 20 / 100)` is exactly 3, never 3.0000000000000004). A value is known, or
//! [`Value::Unknown`] (known only after apply), or [`Value::Sensitive`] around a value that must
//! never be printed: sensitivity follows a value through every operation, and a sensitive value
//! becomes `null` when resource values are handed to the rest of plancost.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde_json::Value as Json;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(Decimal),
    String(String),
    /// Tuples, lists and sets (a set is a list kept sorted and without duplicates).
    List(Vec<Value>),
    /// Objects and maps; Terraform iterates both in key order, as a BTreeMap does.
    Map(BTreeMap<String, Value>),
    /// Known only after apply.
    Unknown,
    Sensitive(Box<Value>),
}

impl Value {
    pub fn str(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }

    pub fn is_unknown(&self) -> bool {
        match self {
            Value::Unknown => true,
            Value::Sensitive(v) => v.is_unknown(),
            _ => false,
        }
    }

    /// True when the value or anything inside it is unknown.
    pub fn has_unknown(&self) -> bool {
        match self {
            Value::Unknown => true,
            Value::Sensitive(v) => v.has_unknown(),
            Value::List(items) => items.iter().any(Value::has_unknown),
            Value::Map(map) => map.values().any(Value::has_unknown),
            _ => false,
        }
    }

    /// Roughly how many bytes the value takes: what the evaluator's size limits count. Costs
    /// time in proportion to the number of nested values, never to the length of strings.
    pub fn approx_size(&self) -> usize {
        const NODE: usize = 32;
        match self {
            Value::String(s) => NODE.saturating_add(s.len()),
            Value::List(items) => items
                .iter()
                .fold(NODE, |acc, v| acc.saturating_add(v.approx_size())),
            Value::Map(map) => map.iter().fold(NODE, |acc, (k, v)| {
                acc.saturating_add(k.len()).saturating_add(v.approx_size())
            }),
            Value::Sensitive(v) => NODE.saturating_add(v.approx_size()),
            _ => NODE,
        }
    }

    pub fn is_sensitive(&self) -> bool {
        matches!(self, Value::Sensitive(_))
    }

    pub fn has_sensitive(&self) -> bool {
        match self {
            Value::Sensitive(_) => true,
            Value::List(items) => items.iter().any(Value::has_sensitive),
            Value::Map(map) => map.values().any(Value::has_sensitive),
            _ => false,
        }
    }

    /// The value without its outer sensitivity mark, and whether it had one.
    pub fn unmark(self) -> (Value, bool) {
        match self {
            Value::Sensitive(v) => (v.unmark().0, true),
            v => (v, false),
        }
    }

    /// The value with every sensitivity mark removed, and whether there was any.
    pub fn unmark_deep(self) -> (Value, bool) {
        match self {
            Value::Sensitive(v) => (v.unmark_deep().0, true),
            Value::List(items) => {
                let mut any = false;
                let items = items
                    .into_iter()
                    .map(|v| {
                        let (v, m) = v.unmark_deep();
                        any |= m;
                        v
                    })
                    .collect();
                (Value::List(items), any)
            }
            Value::Map(map) => {
                let mut any = false;
                let map = map
                    .into_iter()
                    .map(|(k, v)| {
                        let (v, m) = v.unmark_deep();
                        any |= m;
                        (k, v)
                    })
                    .collect();
                (Value::Map(map), any)
            }
            v => (v, false),
        }
    }

    pub fn mark(self, sensitive: bool) -> Value {
        match self {
            v @ Value::Sensitive(_) => v,
            v if sensitive => Value::Sensitive(Box::new(v)),
            v => v,
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::List(_) => "list",
            Value::Map(_) => "object",
            Value::Unknown => "unknown",
            Value::Sensitive(v) => v.type_name(),
        }
    }

    /// The string a known primitive turns into (`"${x}"`, `tostring`).
    pub fn to_template_string(&self) -> Option<String> {
        match self {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(format_number(*n)),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// JSON for a resource's values: unknowns become `null` and are listed in `unknown` by their
    /// dotted paths; sensitive values become `null`.
    pub fn to_resource_json(&self, path: &str, unknown: &mut Vec<String>) -> Json {
        match self {
            Value::Null | Value::Sensitive(_) => Json::Null,
            Value::Unknown => {
                unknown.push(path.to_string());
                Json::Null
            }
            Value::Bool(b) => Json::Bool(*b),
            Value::Number(n) => number_json(*n),
            Value::String(s) => Json::String(s.clone()),
            Value::List(items) => Json::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| v.to_resource_json(&join(path, &i.to_string()), unknown))
                    .collect(),
            ),
            Value::Map(map) => Json::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), v.to_resource_json(&join(path, k), unknown)))
                    .collect(),
            ),
        }
    }

    /// A value from JSON (`jsondecode`, `*.tfvars.json`, plancost.yml `vars`); numbers are read
    /// from their text, exactly.
    pub fn from_json(json: &Json) -> Value {
        match json {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) => n
                .to_string()
                .parse::<Decimal>()
                .or_else(|_| Decimal::from_scientific(&n.to_string()))
                .map(Value::Number)
                .unwrap_or(Value::Unknown),
            Json::String(s) => Value::String(s.clone()),
            Json::Array(items) => Value::List(items.iter().map(Value::from_json).collect()),
            Json::Object(map) => Value::Map(
                map.iter()
                    .map(|(k, v)| (k.clone(), Value::from_json(v)))
                    .collect(),
            ),
        }
    }
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

/// Terraform's decimal text of a number: no trailing zeros, no exponent.
pub fn format_number(n: Decimal) -> String {
    n.normalize().to_string()
}

/// A JSON number with the same digits: integers exactly, fractions through their shortest text.
pub fn number_json(n: Decimal) -> Json {
    let n = n.normalize();
    if n.scale() == 0 {
        if let Ok(i) = i64::try_from(n) {
            return Json::from(i);
        }
        if let Ok(u) = u64::try_from(n) {
            return Json::from(u);
        }
    }
    n.to_string()
        .parse::<serde_json::Number>()
        .map(Json::Number)
        .unwrap_or(Json::Null)
}

/// A type constraint of a variable (`list(object({ a = optional(string, "x") }))`).
#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    Any,
    String,
    Number,
    Bool,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    Tuple(Vec<Type>),
    Object(Vec<ObjectAttr>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ObjectAttr {
    pub name: String,
    pub ty: Type,
    pub optional: bool,
    pub default: Option<Value>,
}

impl Type {
    pub fn is_primitive(&self) -> bool {
        matches!(self, Type::String | Type::Number | Type::Bool)
    }

    /// Converts `value` to this type as Terraform does for variables: primitives convert between
    /// each other, objects get their optional attributes' defaults and lose undeclared ones.
    pub fn convert(&self, value: Value) -> Result<Value, String> {
        let (value, sensitive) = value.unmark();
        let converted = match (self, value) {
            (_, Value::Unknown) => Value::Unknown,
            (_, Value::Null) => Value::Null,
            (Type::Any, v) => v,
            (Type::String, v @ (Value::String(_) | Value::Number(_) | Value::Bool(_))) => {
                Value::String(v.to_template_string().unwrap_or_default())
            }
            (Type::Number, v @ Value::Number(_)) => v,
            (Type::Number, Value::String(s)) => Value::Number(
                parse_number(&s).ok_or_else(|| format!("a number is required, not {s:?}"))?,
            ),
            (Type::Bool, v @ Value::Bool(_)) => v,
            (Type::Bool, Value::String(s)) => match s.as_str() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => return Err("a bool is required".into()),
            },
            (Type::List(t), Value::List(items)) => Value::List(
                items
                    .into_iter()
                    .map(|v| t.convert(v))
                    .collect::<Result<_, _>>()?,
            ),
            (Type::Set(t), Value::List(items)) => set_of(
                items
                    .into_iter()
                    .map(|v| t.convert(v))
                    .collect::<Result<_, _>>()?,
            ),
            (Type::Map(t), Value::Map(map)) => Value::Map(
                map.into_iter()
                    .map(|(k, v)| t.convert(v).map(|v| (k, v)))
                    .collect::<Result<_, _>>()?,
            ),
            (Type::Tuple(types), Value::List(items)) => {
                if types.len() != items.len() {
                    return Err(format!("a tuple of {} elements is required", types.len()));
                }
                Value::List(
                    types
                        .iter()
                        .zip(items)
                        .map(|(t, v)| t.convert(v))
                        .collect::<Result<_, _>>()?,
                )
            }
            (Type::Object(attrs), Value::Map(mut map)) => {
                let mut out = BTreeMap::new();
                for attr in attrs {
                    match map.remove(&attr.name) {
                        Some(v) if !(attr.optional && matches!(v, Value::Null)) => {
                            let v = attr
                                .ty
                                .convert(v)
                                .map_err(|e| format!("attribute {:?}: {e}", attr.name))?;
                            out.insert(attr.name.clone(), v);
                        }
                        _ if attr.optional => {
                            let v = match &attr.default {
                                Some(d) => attr.ty.convert(d.clone())?,
                                None => Value::Null,
                            };
                            out.insert(attr.name.clone(), v);
                        }
                        _ => return Err(format!("attribute {:?} is required", attr.name)),
                    }
                }
                Value::Map(out)
            }
            (t, v) => {
                return Err(format!(
                    "{} is required, not {}",
                    t.describe(),
                    v.type_name()
                ));
            }
        };
        Ok(converted.mark(sensitive))
    }

    fn describe(&self) -> &'static str {
        match self {
            Type::Any => "any value",
            Type::String => "a string",
            Type::Number => "a number",
            Type::Bool => "a bool",
            Type::List(_) => "a list",
            Type::Set(_) => "a set",
            Type::Map(_) => "a map",
            Type::Tuple(_) => "a tuple",
            Type::Object(_) => "an object",
        }
    }
}

/// A set: sorted (strings lexically, numbers numerically) and without duplicates.
pub fn set_of(mut items: Vec<Value>) -> Value {
    items.sort_by(compare);
    items.dedup();
    Value::List(items)
}

fn compare(a: &Value, b: &Value) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.cmp(y),
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        _ => Ordering::Equal,
    }
}

/// A number from its text as Terraform reads one (`"3"`, `"0.5"`, `"1e3"`).
pub fn parse_number(s: &str) -> Option<Decimal> {
    let s = s.trim();
    s.parse::<Decimal>()
        .ok()
        .or_else(|| Decimal::from_scientific(s).ok())
}
