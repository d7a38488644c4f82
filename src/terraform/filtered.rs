//! The resources of a plan or state, read with their attribute values cut to what pricing
//! reads ([`crate::aws::attributes`]) while they are parsed: an attribute nobody prices is
//! skipped by the parser and never becomes a `Value`. This is what keeps the memory of a large
//! plan close to the size of its file, and what keeps values pricing does not need (policies,
//! user data, tags) out of the program altogether.
//!
//! The cut needs a resource's type before its values. Terraform writes `type` first; when a
//! document puts it after the values, they are read whole and cut once the type is known.
//! Masks (`after_unknown`, `*_sensitive`) are cut the same way, so every kept value keeps its
//! mask.

use std::cell::Cell;
use std::fmt;
use std::sync::Arc;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::interner::{self, Interner};
use super::mask::{KeyBytes, MaskPaths, MaskSeed};
use crate::aws::attributes::{self, Kept};

/// An enum of the field names a visitor looks for, read as bytes: serde_json then skips the
/// UTF-8 check of every key (a plan has a few million; the plan reader has checked every byte
/// already). Keys escaped in the JSON are unescaped first, as for strings. Any other name is
/// `Other`.
macro_rules! fields_by_bytes {
    ($name:ident { $($variant:ident = $key:literal),* $(,)? }) => {
        enum $name {
            $($variant,)*
            Other,
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                        f.write_str("a field name")
                    }
                    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<$name, E> {
                        Ok(match v {
                            $($key => $name::$variant,)*
                            _ => $name::Other,
                        })
                    }
                    fn visit_str<E: de::Error>(self, v: &str) -> Result<$name, E> {
                        self.visit_bytes(v.as_bytes())
                    }
                }
                d.deserialize_bytes(V)
            }
        }
    };
}

thread_local! {
    /// Set while [`keeping_everything`] runs: every attribute is kept.
    static KEEP_ALL: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` with every attribute of every resource kept, for the test that checks the
/// attribute lists against the mappings.
pub fn keeping_everything<T>(f: impl FnOnce() -> T) -> T {
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            KEEP_ALL.with(|k| k.set(self.0));
        }
    }
    let _reset = Reset(KEEP_ALL.with(|k| k.replace(true)));
    f()
}

fn kept(resource_type: &str) -> Kept {
    if KEEP_ALL.with(Cell::get) {
        Kept::All
    } else {
        attributes::kept(resource_type)
    }
}

/// Drops the top-level attributes `kept` does not keep from a value read whole.
fn cut(value: &mut Value, kept: Kept) {
    if let (Value::Object(map), Kept::Only(_)) = (value, kept) {
        map.retain(|k, _| kept.keeps(k));
    }
}

/// Reads a value keeping only the top-level attributes `Kept` names; below a kept attribute,
/// everything. A value that is not an object is read whole.
struct Filtered(Kept);

impl<'de> DeserializeSeed<'de> for Filtered {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        match self.0 {
            Kept::All => Value::deserialize(d),
            Kept::Only(_) => d.deserialize_any(FilteredVisitor(self.0)),
        }
    }
}

struct FilteredVisitor(Kept);

impl<'de> Visitor<'de> for FilteredVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Value>()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(name) = map.next_key_seed(KeyBytes)? {
            match kept_name(self.0, &name)? {
                Some(name) => {
                    out.insert(name.to_string(), map.next_value::<Value>()?);
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Value::Object(out))
    }
}

/// `name` as text when `kept` keeps it, else `None`. Names are read as bytes ([`KeyBytes`]):
/// serde_json then skips checking each is UTF-8, which the plan reader has checked of every
/// byte already; the few kept are checked again here.
fn kept_name<E: de::Error>(kept: Kept, name: &[u8]) -> Result<Option<&str>, E> {
    if !kept.keeps_bytes(name) {
        return Ok(None);
    }
    std::str::from_utf8(name)
        .map(Some)
        .map_err(|_| E::custom("an attribute name is not UTF-8"))
}

/// A change's `before` or `after` cut to the attributes `Kept` keeps, recognised by their text
/// when it was read before ([`Interner`]); `None` for null.
struct KeptObject(Kept);

impl<'de> DeserializeSeed<'de> for KeptObject {
    type Value = Option<Arc<Value>>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

/// A value that is not an object (never so in Terraform's output) is read as [`Filtered`]
/// reads it and kept once by its content.
fn interned<E>(value: Result<Value, E>) -> Result<Option<Arc<Value>>, E> {
    let value = value?;
    Ok(interner::with_current(|i| i.intern(value)).into())
}

impl<'de> Visitor<'de> for KeptObject {
    type Value = Option<Arc<Value>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object of attributes, or null")
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        interned(FilteredVisitor(self.0).visit_bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        interned(FilteredVisitor(self.0).visit_i64(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        interned(FilteredVisitor(self.0).visit_u64(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        interned(FilteredVisitor(self.0).visit_f64(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        interned(FilteredVisitor(self.0).visit_str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        interned(FilteredVisitor(self.0).visit_seq(seq))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        interner::with_current(|interner: &mut Interner| {
            interner.start_text();
            while let Some(name) = map.next_key_seed(KeyBytes)? {
                let Some(name) = kept_name(self.0, &name)? else {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                };
                // Borrowed from the parser's buffer (plans are parsed from memory).
                let raw: &'de serde_json::value::RawValue = map.next_value()?;
                interner.push_attribute(name, raw.get());
            }
            interner
                .object_from_text()
                .map(Some)
                .map_err(de::Error::custom)
        })
    }
}

/// A value read before its resource's type: whole, to be cut later.
enum Pending {
    Cut(Value),
    Whole(Value),
}

impl Pending {
    fn read<'de, A: MapAccess<'de>>(
        map: &mut A,
        resource_type: Option<&str>,
    ) -> Result<Pending, A::Error> {
        Ok(match resource_type {
            Some(t) => Pending::Cut(map.next_value_seed(Filtered(kept(t)))?),
            None => Pending::Whole(map.next_value()?),
        })
    }

    fn finish(self, resource_type: &str) -> Value {
        match self {
            Pending::Cut(v) => v,
            Pending::Whole(mut v) => {
                cut(&mut v, kept(resource_type));
                v
            }
        }
    }
}

fn finish(value: Option<Pending>, resource_type: &str) -> Value {
    value.map_or(Value::Null, |p| p.finish(resource_type))
}

fn set_once<T, E: de::Error>(slot: &mut Option<T>, value: T, name: &'static str) -> Result<(), E> {
    if slot.is_some() {
        return Err(E::duplicate_field(name));
    }
    *slot = Some(value);
    Ok(())
}

fn required<T, E: de::Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
}

/// A resource of `planned_values` or of a state's `values`.
pub(super) struct PlannedResource {
    pub address: String,
    pub mode: String,
    pub resource_type: String,
    pub name: String,
    pub values: Value,
    pub sensitive_values: Value,
}

fields_by_bytes!(PlannedField {
    Address = b"address",
    Mode = b"mode",
    Type = b"type",
    Name = b"name",
    Values = b"values",
    SensitiveValues = b"sensitive_values",
});

impl<'de> Deserialize<'de> for PlannedResource {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PlannedResource;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a resource object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PlannedResource, A::Error> {
                let (mut address, mut mode, mut rtype, mut name) = (None, None, None, None);
                let (mut values, mut sensitive) = (None, None);
                while let Some(field) = map.next_key::<PlannedField>()? {
                    match field {
                        PlannedField::Address => {
                            set_once(&mut address, map.next_value()?, "address")?
                        }
                        PlannedField::Mode => set_once(&mut mode, map.next_value()?, "mode")?,
                        PlannedField::Type => set_once(&mut rtype, map.next_value()?, "type")?,
                        PlannedField::Name => set_once(&mut name, map.next_value()?, "name")?,
                        PlannedField::Values => {
                            let v = Pending::read(&mut map, rtype.as_deref())?;
                            set_once(&mut values, v, "values")?
                        }
                        PlannedField::SensitiveValues => {
                            let v = Pending::read(&mut map, rtype.as_deref())?;
                            set_once(&mut sensitive, v, "sensitive_values")?
                        }
                        PlannedField::Other => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                let resource_type: String = required(rtype, "type")?;
                Ok(PlannedResource {
                    address: required(address, "address")?,
                    mode: mode.unwrap_or_default(),
                    name: required(name, "name")?,
                    values: finish(values, &resource_type),
                    sensitive_values: finish(sensitive, &resource_type),
                    resource_type,
                })
            }
        }
        d.deserialize_map(V)
    }
}

/// A resource of `planned_values` or `prior_state` read without its values, for plans whose
/// `resource_changes` carry the same values (see `plan::load_reader`): its address is all the
/// loader needs of it.
pub(super) struct ResourceHead {
    pub address: String,
    pub mode: Managed,
}

/// A resource's `mode`, read for whether it is `managed` only (a data source is not): no string
/// is kept of it. Missing, it is not.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct Managed(pub bool);

impl<'de> Deserialize<'de> for Managed {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Managed;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a resource mode")
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Managed, E> {
                Ok(Managed(v == b"managed"))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Managed, E> {
                self.visit_bytes(v.as_bytes())
            }
        }
        d.deserialize_bytes(V)
    }
}

fields_by_bytes!(HeadField {
    Address = b"address",
    Mode = b"mode",
});

impl<'de> Deserialize<'de> for ResourceHead {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ResourceHead;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a resource object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ResourceHead, A::Error> {
                let (mut address, mut mode) = (None, None);
                while let Some(field) = map.next_key::<HeadField>()? {
                    match field {
                        HeadField::Address => set_once(&mut address, map.next_value()?, "address")?,
                        HeadField::Mode => set_once(&mut mode, map.next_value()?, "mode")?,
                        HeadField::Other => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(ResourceHead {
                    address: required(address, "address")?,
                    mode: mode.unwrap_or_default(),
                })
            }
        }
        d.deserialize_map(V)
    }
}

/// A resource of `resource_changes`.
pub(super) struct ResourceChange {
    pub address: String,
    pub module_address: Option<String>,
    /// The key of a deposed object (left over by a create-before-destroy replacement).
    pub deposed: Option<String>,
    pub mode: Managed,
    pub resource_type: String,
    pub name: String,
    pub change: Change,
}

/// A change's values and masks, cut to what pricing reads of its resource's type.
#[derive(Default)]
pub(super) struct Change {
    pub actions: Vec<String>,
    /// `None` where Terraform writes `null` (no object before a create, after a delete).
    pub before: Option<Arc<Value>>,
    pub after: Option<Arc<Value>>,
    pub after_unknown: MaskPaths,
    pub before_sensitive: MaskPaths,
    pub after_sensitive: MaskPaths,
}

fields_by_bytes!(ChangeField {
    Address = b"address",
    ModuleAddress = b"module_address",
    Deposed = b"deposed",
    Mode = b"mode",
    Type = b"type",
    Name = b"name",
    Change = b"change",
});

impl<'de> Deserialize<'de> for ResourceChange {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ResourceChange;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a resource change object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ResourceChange, A::Error> {
                let (mut address, mut module_address, mut mode) = (None, None, None);
                let mut deposed = None;
                let (mut rtype, mut name, mut change) = (None, None, None);
                while let Some(field) = map.next_key::<ChangeField>()? {
                    match field {
                        ChangeField::Address => {
                            set_once(&mut address, map.next_value()?, "address")?
                        }
                        ChangeField::ModuleAddress => set_once(
                            &mut module_address,
                            map.next_value::<Option<String>>()?,
                            "module_address",
                        )?,
                        ChangeField::Deposed => {
                            set_once(&mut deposed, map.next_value::<Option<String>>()?, "deposed")?
                        }
                        ChangeField::Mode => set_once(&mut mode, map.next_value()?, "mode")?,
                        ChangeField::Type => set_once(&mut rtype, map.next_value()?, "type")?,
                        ChangeField::Name => set_once(&mut name, map.next_value()?, "name")?,
                        ChangeField::Change => {
                            let seed = ChangeSeed(rtype.as_deref().map(kept));
                            let c = (map.next_value_seed(seed)?, rtype.is_some());
                            set_once(&mut change, c, "change")?
                        }
                        ChangeField::Other => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                let resource_type: String = required(rtype, "type")?;
                let (mut change, was_cut) = required(change, "change")?;
                if !was_cut {
                    let k = kept(&resource_type);
                    for side in [&mut change.before, &mut change.after] {
                        if let Some(value) = side.take() {
                            let mut value = Arc::unwrap_or_clone(value);
                            cut(&mut value, k);
                            *side = Some(interner::with_current(|i| i.intern(value)));
                        }
                    }
                    change.after_unknown.cut(k);
                    change.before_sensitive.cut(k);
                    change.after_sensitive.cut(k);
                }
                Ok(ResourceChange {
                    address: required(address, "address")?,
                    module_address: module_address.flatten(),
                    deposed: deposed.flatten(),
                    mode: mode.unwrap_or_default(),
                    name: required(name, "name")?,
                    resource_type,
                    change,
                })
            }
        }
        d.deserialize_map(V)
    }
}

/// Reads a `change` object, cutting its values to `Kept` (whole when the type is not known yet).
struct ChangeSeed(Option<Kept>);

fields_by_bytes!(ChangeBodyField {
    Actions = b"actions",
    Before = b"before",
    After = b"after",
    AfterUnknown = b"after_unknown",
    BeforeSensitive = b"before_sensitive",
    AfterSensitive = b"after_sensitive",
});

impl<'de> DeserializeSeed<'de> for ChangeSeed {
    type Value = Change;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Change, D::Error> {
        /// `None` while the type is not known: everything is read, to be cut later.
        struct V(Option<Kept>);
        impl<'de> Visitor<'de> for V {
            type Value = Change;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a change object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Change, A::Error> {
                let mut actions = None;
                let mut values: [Option<Option<Arc<Value>>>; 2] = Default::default();
                let mut masks: [Option<MaskPaths>; 3] = Default::default();
                while let Some(field) = map.next_key::<ChangeBodyField>()? {
                    let (slot, name) = match field {
                        ChangeBodyField::Actions => {
                            set_once(&mut actions, map.next_value()?, "actions")?;
                            continue;
                        }
                        ChangeBodyField::Other => {
                            map.next_value::<IgnoredAny>()?;
                            continue;
                        }
                        ChangeBodyField::Before => (0, "before"),
                        ChangeBodyField::After => (1, "after"),
                        ChangeBodyField::AfterUnknown => (2, "after_unknown"),
                        ChangeBodyField::BeforeSensitive => (3, "before_sensitive"),
                        ChangeBodyField::AfterSensitive => (4, "after_sensitive"),
                    };
                    if slot < 2 {
                        let value = match self.0 {
                            Some(kept) => map.next_value_seed(KeptObject(kept))?,
                            // Read whole, to be cut once the type is known.
                            None => {
                                Some(Arc::new(map.next_value::<Value>()?)).filter(|v| !v.is_null())
                            }
                        };
                        set_once(&mut values[slot], value, name)?;
                    } else {
                        let mask = map.next_value_seed(MaskSeed(self.0.unwrap_or(Kept::All)))?;
                        set_once(&mut masks[slot - 2], mask, name)?;
                    }
                }
                let [before, after] = values.map(Option::flatten);
                let [after_unknown, before_sensitive, after_sensitive] =
                    masks.map(Option::unwrap_or_default);
                Ok(Change {
                    actions: required(actions, "actions")?,
                    before,
                    after,
                    after_unknown,
                    before_sensitive,
                    after_sensitive,
                })
            }
        }
        d.deserialize_map(V(self.0))
    }
}

/// A resource of a raw state file (`.tfstate`, version 4).
pub(super) struct RawStateResource {
    pub module: Option<String>,
    pub mode: String,
    pub resource_type: String,
    pub name: String,
    pub instances: Vec<RawStateInstance>,
}

pub(super) struct RawStateInstance {
    pub index_key: Option<Value>,
    pub attributes: Value,
    pub sensitive_attributes: Vec<Value>,
}

fields_by_bytes!(RawField {
    Module = b"module",
    Mode = b"mode",
    Type = b"type",
    Name = b"name",
    Instances = b"instances",
});

impl<'de> Deserialize<'de> for RawStateResource {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawStateResource;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a state resource object")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<RawStateResource, A::Error> {
                let (mut module, mut mode, mut rtype, mut name) = (None, None, None, None);
                let mut instances = None;
                while let Some(field) = map.next_key::<RawField>()? {
                    match field {
                        RawField::Module => {
                            set_once(&mut module, map.next_value::<Option<String>>()?, "module")?
                        }
                        RawField::Mode => set_once(&mut mode, map.next_value()?, "mode")?,
                        RawField::Type => set_once(&mut rtype, map.next_value()?, "type")?,
                        RawField::Name => set_once(&mut name, map.next_value()?, "name")?,
                        RawField::Instances => {
                            let seed = InstancesSeed(rtype.as_deref().map(kept));
                            let i = (map.next_value_seed(seed)?, rtype.is_some());
                            set_once(&mut instances, i, "instances")?
                        }
                        RawField::Other => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                let resource_type: String = required(rtype, "type")?;
                let (mut instances, was_cut) = instances.unwrap_or((Vec::new(), true));
                if !was_cut {
                    let k = kept(&resource_type);
                    for i in &mut instances {
                        cut(&mut i.attributes, k);
                    }
                }
                Ok(RawStateResource {
                    module: module.flatten(),
                    mode: mode.unwrap_or_default(),
                    name: required(name, "name")?,
                    resource_type,
                    instances,
                })
            }
        }
        d.deserialize_map(V)
    }
}

struct InstancesSeed(Option<Kept>);

fields_by_bytes!(InstanceField {
    IndexKey = b"index_key",
    Attributes = b"attributes",
    SensitiveAttributes = b"sensitive_attributes",
});

impl<'de> DeserializeSeed<'de> for InstancesSeed {
    type Value = Vec<RawStateInstance>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        struct Seq(Kept);
        impl<'de> Visitor<'de> for Seq {
            type Value = Vec<RawStateInstance>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array of instances")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(i) = seq.next_element_seed(Instance(self.0))? {
                    out.push(i);
                }
                Ok(out)
            }
        }
        struct Instance(Kept);
        impl<'de> DeserializeSeed<'de> for Instance {
            type Value = RawStateInstance;
            fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<RawStateInstance, D::Error> {
                d.deserialize_map(self)
            }
        }
        impl<'de> Visitor<'de> for Instance {
            type Value = RawStateInstance;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an instance object")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<RawStateInstance, A::Error> {
                let (mut index_key, mut attrs, mut sensitive) = (None, None, None);
                while let Some(field) = map.next_key::<InstanceField>()? {
                    match field {
                        InstanceField::IndexKey => set_once(
                            &mut index_key,
                            map.next_value::<Option<Value>>()?,
                            "index_key",
                        )?,
                        InstanceField::Attributes => {
                            let v = map.next_value_seed(Filtered(self.0))?;
                            set_once(&mut attrs, v, "attributes")?
                        }
                        InstanceField::SensitiveAttributes => set_once(
                            &mut sensitive,
                            map.next_value::<Vec<Value>>()?,
                            "sensitive_attributes",
                        )?,
                        InstanceField::Other => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(RawStateInstance {
                    index_key: index_key.flatten(),
                    attributes: attrs.unwrap_or_default(),
                    sensitive_attributes: sensitive.unwrap_or_default(),
                })
            }
        }
        d.deserialize_seq(Seq(self.0.unwrap_or(Kept::All)))
    }
}
