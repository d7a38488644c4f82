//! A plan's masks (`after_unknown`, `before_sensitive`, `after_sensitive`) read as the list of
//! paths where they are `true`, instead of as values shaped like the resource's: most masks of
//! a plan hold no `true` at all (`{"tags": {}, "metric_query": []}`), and read this way they
//! cost no memory and no allocation.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::aws::attributes::Kept;

/// One step of a path into a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Key(String),
    Index(usize),
}

/// The paths where a mask is `true` (a mask that is `true` itself: one empty path).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct MaskPaths(pub Vec<Vec<Step>>);

impl MaskPaths {
    /// Keeps the paths below the top-level attributes `kept` keeps, as the values are cut.
    pub fn cut(&mut self, kept: Kept) {
        self.0.retain(|path| match path.first() {
            Some(Step::Key(k)) => kept.keeps(k),
            _ => true,
        });
    }

    /// The paths written with dots (`root_block_device.0.volume_id`).
    pub fn dotted(&self) -> Vec<String> {
        self.0
            .iter()
            .map(|path| {
                let mut dotted = String::new();
                for (i, step) in path.iter().enumerate() {
                    if i > 0 {
                        dotted.push('.');
                    }
                    match step {
                        Step::Key(k) => dotted.push_str(k),
                        Step::Index(n) => dotted.push_str(&n.to_string()),
                    }
                }
                dotted
            })
            .collect()
    }

    /// Replaces the parts of `value` the paths reach by null (a path that leaves the value's
    /// shape reaches nothing).
    pub fn null_in(&self, value: &mut Value) {
        for path in &self.0 {
            let reached =
                path.iter()
                    .try_fold(&mut *value, |current, step| match (current, step) {
                        (Value::Object(map), Step::Key(k)) => map.get_mut(k),
                        (Value::Array(items), Step::Index(i)) => items.get_mut(*i),
                        _ => None,
                    });
            if let Some(part) = reached {
                *part = Value::Null;
            }
        }
    }
}

/// Reads a mask into [`MaskPaths`], skipping top-level attributes `Kept` does not keep.
pub struct MaskSeed(pub Kept);

impl<'de> DeserializeSeed<'de> for MaskSeed {
    type Value = MaskPaths;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<MaskPaths, D::Error> {
        let mut walk = Walk {
            path: Vec::new(),
            out: Vec::new(),
        };
        d.deserialize_any(Node {
            walk: &mut walk,
            kept: Some(self.0),
        })?;
        Ok(MaskPaths(walk.out))
    }
}

/// The path to the part being read; keys stay borrowed from the input until a `true` below
/// them needs them.
struct Walk<'de> {
    path: Vec<StepRef<'de>>,
    out: Vec<Vec<Step>>,
}

enum StepRef<'de> {
    Key(Cow<'de, [u8]>),
    Index(usize),
}

impl Walk<'_> {
    fn mark<E: de::Error>(&mut self) -> Result<(), E> {
        let path = self
            .path
            .iter()
            .map(|step| match step {
                StepRef::Key(k) => std::str::from_utf8(k)
                    .map(|k| Step::Key(k.to_string()))
                    .map_err(|_| E::custom("an attribute name is not UTF-8")),
                StepRef::Index(i) => Ok(Step::Index(*i)),
            })
            .collect::<Result<_, E>>()?;
        self.out.push(path);
        Ok(())
    }
}

/// One part of a mask; `kept` is set at the top only.
struct Node<'w, 'de> {
    walk: &'w mut Walk<'de>,
    kept: Option<Kept>,
}

impl<'de> DeserializeSeed<'de> for Node<'_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a mask (true, false, or objects and arrays of them)")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        if v { self.walk.mark() } else { Ok(()) }
    }
    // Anything else at a leaf marks nothing, as Terraform writes only booleans there.
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let walk = self.walk;
        let mut i = 0;
        loop {
            walk.path.push(StepRef::Index(i));
            let more = seq.next_element_seed(Node {
                walk: &mut *walk,
                kept: None,
            })?;
            walk.path.pop();
            if more.is_none() {
                return Ok(());
            }
            i += 1;
        }
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let walk = self.walk;
        while let Some(key) = map.next_key_seed(KeyBytes)? {
            if self.kept.is_some_and(|kept| !kept.keeps_bytes(&key)) {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            walk.path.push(StepRef::Key(key));
            map.next_value_seed(Node {
                walk: &mut *walk,
                kept: None,
            })?;
            walk.path.pop();
        }
        Ok(())
    }
}

/// An attribute name as bytes, borrowed when the input allows: UTF-8 is checked only of the
/// names on a marked path (the plan reader has checked every byte already).
pub(super) struct KeyBytes;

impl<'de> DeserializeSeed<'de> for KeyBytes {
    type Value = Cow<'de, [u8]>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_bytes(self)
    }
}

impl<'de> Visitor<'de> for KeyBytes {
    type Value = Cow<'de, [u8]>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an attribute name")
    }
    fn visit_borrowed_bytes<E>(self, v: &'de [u8]) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_bytes<E>(self, v: &[u8]) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_vec()))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v.as_bytes()))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.as_bytes().to_vec()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(mask: &str, kept: Kept) -> MaskPaths {
        let mut d = serde_json::Deserializer::from_str(mask);
        MaskSeed(kept).deserialize(&mut d).unwrap()
    }

    #[test]
    fn paths_lead_to_every_true_and_nowhere_else() {
        let mask = r#"{"a": true, "b": {"c": [false, {"d": true}], "e": {}}, "f": false,
                       "g\u0041": [true]}"#;
        let paths = read(mask, Kept::All);
        assert_eq!(
            paths.dotted(),
            vec!["a".to_string(), "b.c.1.d".into(), "gA.0".into()]
        );
        assert_eq!(read("true", Kept::All).dotted(), vec![String::new()]);
        assert_eq!(
            read(r#"{"tags": {}, "m": []}"#, Kept::All),
            MaskPaths::default()
        );
    }

    #[test]
    fn top_level_attributes_not_kept_are_skipped_read_or_cut() {
        let mask = r#"{"id": true, "password": true, "name": {"x": true}}"#;
        let kept = Kept::Only(&[]);
        assert_eq!(
            read(mask, kept).dotted(),
            vec!["id".to_string(), "name.x".into()]
        );
        let mut whole = read(mask, Kept::All);
        whole.cut(kept);
        assert_eq!(whole, read(mask, kept));
    }

    #[test]
    fn nulling_matches_the_mask_shape_and_ignores_paths_the_value_lacks() {
        let mut value = json!({"a": 1, "b": {"c": [1, {"d": "secret", "k": 2}]}, "e": [1]});
        let mask = r#"{"a": true, "b": {"c": [false, {"d": true}]}, "e": {"x": true},
                       "missing": true, "b2": [true]}"#;
        read(mask, Kept::All).null_in(&mut value);
        assert_eq!(
            value,
            json!({"a": null, "b": {"c": [1, {"d": null, "k": 2}]}, "e": [1]})
        );
        let mut whole = json!({"x": 1});
        read("true", Kept::All).null_in(&mut whole);
        assert_eq!(whole, Value::Null);
    }
}
