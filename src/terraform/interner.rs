//! Values equal to one seen before are kept once: in a plan of a module instantiated many times
//! most resources repeat another's values, and one copy each is what keeps such a plan's memory
//! small (and, since fresh memory is slow to fault in, its loading fast).
//!
//! A change's values are recognised by their text before they are built: the kept attributes of
//! `before` and `after` are read as raw JSON, and only text not seen before is turned into a
//! `Value`. A web ACL's rule tree (kilobytes of nested objects) repeated in every instance of a
//! module is then scanned once per copy and built once.

use std::cell::RefCell;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::Arc;

use foldhash::HashMap;
use serde_json::Value;

/// The values a thread has read so far. [`Interner::reading`] lends it to the parser.
#[derive(Default)]
pub(super) struct Interner {
    /// By the text of their kept attributes ([`Interner::object_from_text`]).
    by_text: HashMap<Box<[u8]>, Arc<Value>>,
    /// Values built before they could be recognised by text, by a hash of their content.
    by_hash: HashMap<u64, Vec<Arc<Value>>>,
    /// The text of the value being read (kept between values: no allocation per value).
    text: Vec<u8>,
}

thread_local! {
    /// The interner of the read running on this thread, if one lent it.
    static CURRENT: RefCell<Option<Interner>> = const { RefCell::new(None) };
}

impl Interner {
    /// Runs `read` with this interner lent to the values it parses (through
    /// [`with_current`]): serde builds a resource change without arguments.
    pub(super) fn reading<T>(&mut self, read: impl FnOnce() -> T) -> T {
        CURRENT.with(|current| *current.borrow_mut() = Some(std::mem::take(self)));
        let out = read();
        *self = CURRENT
            .with(|current| current.borrow_mut().take())
            .unwrap_or_default();
        out
    }

    /// A value read whole (not recognisable by its text), kept once.
    pub(super) fn intern(&mut self, value: Value) -> Arc<Value> {
        let mut hasher = self.by_hash.hasher().build_hasher();
        hash_value(&value, &mut hasher);
        let same_hash = self.by_hash.entry(hasher.finish()).or_default();
        if let Some(known) = same_hash.iter().find(|known| ***known == value) {
            return known.clone();
        }
        let value = Arc::new(value);
        same_hash.push(value.clone());
        value
    }

    /// Starts the text of an object's kept attributes.
    pub(super) fn start_text(&mut self) {
        self.text.clear();
    }

    /// Adds one attribute (its name, and its value as raw JSON) to the text.
    pub(super) fn push_attribute(&mut self, name: &str, raw: &str) {
        for part in [name, raw] {
            // Lengths first: no name or value can run into the next.
            self.text
                .extend_from_slice(&(part.len() as u64).to_le_bytes());
            self.text.extend_from_slice(part.as_bytes());
        }
    }

    /// The object the text describes: the one built before for the same text, or a new one.
    pub(super) fn object_from_text(&mut self) -> Result<Arc<Value>, serde_json::Error> {
        if let Some(known) = self.by_text.get(self.text.as_slice()) {
            return Ok(known.clone());
        }
        let mut object = serde_json::Map::new();
        let mut rest = self.text.as_slice();
        while !rest.is_empty() {
            let (name, after) = split_part(rest);
            let (raw, after) = split_part(after);
            rest = after;
            // Both parts were pushed as `str`.
            let (name, raw) = (
                String::from_utf8_lossy(name).into_owned(),
                std::str::from_utf8(raw).unwrap_or_default(),
            );
            object.insert(name, serde_json::from_str(raw)?);
        }
        let value = Arc::new(Value::Object(object));
        self.by_text
            .insert(self.text.clone().into_boxed_slice(), value.clone());
        Ok(value)
    }
}

/// One length-prefixed part of a text, and what follows it.
fn split_part(text: &[u8]) -> (&[u8], &[u8]) {
    let (len, rest) = text.split_at(8);
    let len = u64::from_le_bytes(len.try_into().expect("eight bytes")) as usize;
    rest.split_at(len)
}

/// Runs `f` with the interner lent to this thread, or with a fresh one (that remembers nothing
/// past this call) when none was.
pub(super) fn with_current<R>(f: impl FnOnce(&mut Interner) -> R) -> R {
    CURRENT.with(|current| match current.borrow_mut().as_mut() {
        Some(interner) => f(interner),
        None => f(&mut Interner::default()),
    })
}

fn hash_value(value: &Value, h: &mut impl Hasher) {
    match value {
        Value::Null => 0u8.hash(h),
        Value::Bool(b) => (1u8, b).hash(h),
        Value::Number(n) => {
            2u8.hash(h);
            (n.as_i64(), n.as_u64(), n.as_f64().map(f64::to_bits)).hash(h)
        }
        Value::String(s) => (3u8, s).hash(h),
        Value::Array(items) => {
            (4u8, items.len()).hash(h);
            items.iter().for_each(|v| hash_value(v, h));
        }
        Value::Object(map) => {
            // Equal maps in another key order hash apart: a copy kept twice, nothing worse.
            (5u8, map.len()).hash(h);
            for (k, v) in map {
                k.hash(h);
                hash_value(v, h);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_give_one_value_and_different_texts_their_own() {
        let mut interner = Interner::default();
        let mut read = |attributes: &[(&str, &str)]| {
            interner.start_text();
            for (name, raw) in attributes {
                interner.push_attribute(name, raw);
            }
            interner.object_from_text().unwrap()
        };
        let first = read(&[("a", "1"), ("b", r#"{"c": [true, "x"]}"#)]);
        let again = read(&[("a", "1"), ("b", r#"{"c": [true, "x"]}"#)]);
        assert!(Arc::ptr_eq(&first, &again));
        assert_eq!(*first, serde_json::json!({"a": 1, "b": {"c": [true, "x"]}}));
        // The same bytes cut into another name and value are another text.
        assert_eq!(*read(&[("a", "12")]), serde_json::json!({"a": 12}));
        assert_eq!(*read(&[("a1", "2")]), serde_json::json!({"a1": 2}));
        assert_eq!(*read(&[]), serde_json::json!({}));
    }
}
