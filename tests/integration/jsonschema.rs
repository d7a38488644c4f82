//! A small JSON Schema validator for exactly the keywords Infracost's published schema
//! (fixtures/schema/infracost.schema.json, draft-04) uses: `$ref` to `#/definitions/...`,
//! `type`, `required`, `properties`, `patternProperties` (only the pattern `.*`, the only one
//! the file has), `additionalProperties`, `items` and `format: date-time`.
//!
//! A full validator crate would pull in a regex engine, URL handling and HTTP for remote refs:
//! far more than one test needs. To stay honest, the validator refuses any keyword it does not
//! implement (see `KNOWN`), so a newer schema that uses one fails loudly instead of passing
//! unchecked.

use serde_json::Value;

/// Keywords implemented here, plus annotations that assert nothing.
const KNOWN: &[&str] = &[
    "$ref",
    "type",
    "required",
    "properties",
    "patternProperties",
    "additionalProperties",
    "items",
    "format",
    // Annotations.
    "$schema",
    "definitions",
    "description",
    // Not a keyword: Infracost's schema documents the usage keys of google_container_cluster
    // under a property of that name. Validators ignore unknown keywords; so does this one,
    // for this one name only.
    "usage",
];

/// Every way `doc` breaks `schema`, as `path: problem` lines; empty when it is valid.
pub fn validate(schema: &Value, doc: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    check(schema, schema, doc, "", &mut errors);
    errors
}

fn resolve<'a>(root: &'a Value, reference: &str) -> &'a Value {
    let name = reference
        .strip_prefix("#/definitions/")
        .unwrap_or_else(|| panic!("unsupported $ref {reference}"));
    root["definitions"]
        .get(name)
        .unwrap_or_else(|| panic!("$ref to a missing definition {reference}"))
}

fn type_matches(name: &str, value: &Value) -> bool {
    match name {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        "number" => value.is_number(),
        "integer" => {
            value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        other => panic!("unsupported type {other}"),
    }
}

/// RFC 3339 date-time: `2026-11-27T09:30:00Z`, fractions and numeric offsets allowed.
fn is_date_time(text: &str) -> bool {
    let b = text.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| r.clone().all(|i| b.get(i).is_some_and(u8::is_ascii_digit));
    if b.len() < 20
        || !digits(0..4)
        || b[4] != b'-'
        || !digits(5..7)
        || b[7] != b'-'
        || !digits(8..10)
        || !matches!(b[10], b'T' | b't')
        || !digits(11..13)
        || b[13] != b':'
        || !digits(14..16)
        || b[16] != b':'
        || !digits(17..19)
    {
        return false;
    }
    let mut i = 19;
    if b[i] == b'.' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    match &b[i..] {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit()),
        _ => false,
    }
}

fn check(root: &Value, schema: &Value, value: &Value, path: &str, errors: &mut Vec<String>) {
    let Some(keywords) = schema.as_object() else {
        panic!("schema at {path} is not an object");
    };
    for key in keywords.keys() {
        assert!(
            KNOWN.contains(&key.as_str()),
            "unsupported keyword {key} at {path}"
        );
    }
    // Draft-04: `$ref` replaces the schema it sits in.
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        check(root, resolve(root, reference), value, path, errors);
        return;
    }
    if let Some(types) = schema.get("type") {
        let names: Vec<&str> = match types {
            Value::String(one) => vec![one.as_str()],
            Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
            other => panic!("type {other} at {path}"),
        };
        if !names.iter().any(|n| type_matches(n, value)) {
            errors.push(format!("{path}: expected {names:?}, found {value}"));
            return;
        }
    }
    if schema.get("format").and_then(Value::as_str) == Some("date-time") {
        if let Some(text) = value.as_str() {
            if !is_date_time(text) {
                errors.push(format!("{path}: {text:?} is not an RFC 3339 date-time"));
            }
        }
    }
    if let Some(object) = value.as_object() {
        if let Some(required) = schema.get("required").and_then(Value::as_array) {
            for key in required.iter().filter_map(Value::as_str) {
                if !object.contains_key(key) {
                    errors.push(format!("{path}: missing required {key:?}"));
                }
            }
        }
        let properties = schema.get("properties").and_then(Value::as_object);
        let patterns = schema.get("patternProperties").and_then(Value::as_object);
        for (key, item) in object {
            let child = format!("{path}/{key}");
            let mut matched = false;
            if let Some(sub) = properties.and_then(|p| p.get(key)) {
                matched = true;
                check(root, sub, item, &child, errors);
            }
            if let Some(patterns) = patterns {
                for (pattern, sub) in patterns {
                    assert_eq!(pattern, ".*", "unsupported pattern {pattern} at {path}");
                    matched = true;
                    check(root, sub, item, &child, errors);
                }
            }
            if !matched {
                match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => {
                        errors.push(format!("{path}: property {key:?} is not allowed"))
                    }
                    Some(sub @ Value::Object(_)) => check(root, sub, item, &child, errors),
                    _ => {}
                }
            }
        }
    }
    if let (Some(items), Some(array)) = (schema.get("items"), value.as_array()) {
        for (i, item) in array.iter().enumerate() {
            check(root, items, item, &format!("{path}/{i}"), errors);
        }
    }
}

#[test]
fn date_times_are_recognised() {
    assert!(is_date_time("2026-11-27T09:30:00Z"));
    assert!(is_date_time("0001-01-01T00:00:00Z"));
    assert!(is_date_time("2026-11-27T09:30:00.123+01:00"));
    assert!(!is_date_time("2026-11-27 09:30:00Z"));
    assert!(!is_date_time("2026-11-27T09:30:00"));
    assert!(!is_date_time(""));
}
