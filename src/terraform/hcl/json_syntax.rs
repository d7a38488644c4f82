//! Terraform's JSON configuration syntax (`*.tf.json`) rewritten as native syntax.
//!
//! The JSON syntax is a mechanical encoding of the native one: strings are templates, objects
//! nest block types and labels. The one thing JSON cannot say is whether an object is a nested
//! block or a map-valued argument (Terraform decides that from the provider's schema, which
//! plancost does not have): an object, or a list of objects, is read as nested block(s), except
//! under the well-known map arguments listed in [`MAP_ARGUMENTS`].

use std::fmt::Write;

use serde_json::Value as Json;

/// Map-valued arguments that hold objects in JSON and are arguments, not blocks.
const MAP_ARGUMENTS: &[&str] = &[
    "tags",
    "tags_all",
    "labels",
    "dimensions",
    "variables",
    "environment",
    "parameters",
    "triggers",
    "metadata",
    "providers",
    "default_tags_map",
];

pub fn to_native(doc: &Json) -> Result<String, String> {
    let top = doc
        .as_object()
        .ok_or("the top level must be a JSON object")?;
    let mut out = String::new();
    for (kind, value) in top {
        match kind.as_str() {
            "resource" | "data" => {
                for (ty, by_name) in object(value, kind)? {
                    for (name, body) in object(by_name, kind)? {
                        for body in one_or_many(body) {
                            let _ = writeln!(out, "{kind} {} {} {{", quote(ty), quote(name));
                            write_body(&mut out, body, 1)?;
                            out.push_str("}\n");
                        }
                    }
                }
            }
            "module" | "output" | "provider" => {
                for (name, body) in object(value, kind)? {
                    for body in one_or_many(body) {
                        let _ = writeln!(out, "{kind} {} {{", quote(name));
                        write_body(&mut out, body, 1)?;
                        out.push_str("}\n");
                    }
                }
            }
            "variable" => {
                for (name, body) in object(value, kind)? {
                    let _ = writeln!(out, "variable {} {{", quote(name));
                    for (key, v) in object(body, "variable")? {
                        match (key.as_str(), v) {
                            // The type is an expression written as a string.
                            ("type", Json::String(t)) => {
                                let _ = writeln!(out, "  type = {t}");
                            }
                            // Defaults are literal values, never templates.
                            ("default", v) => {
                                let _ = writeln!(out, "  default = {}", literal(v));
                            }
                            (key, v) if v.is_string() || v.is_boolean() => {
                                let _ = writeln!(out, "  {key} = {}", expression(v));
                            }
                            _ => {}
                        }
                    }
                    out.push_str("}\n");
                }
            }
            "locals" => {
                for body in one_or_many(value) {
                    out.push_str("locals {\n");
                    for (key, v) in object(body, "locals")? {
                        let _ = writeln!(out, "  {} = {}", ident_or_quoted(key), expression(v));
                    }
                    out.push_str("}\n");
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

fn object<'a>(value: &'a Json, what: &str) -> Result<&'a serde_json::Map<String, Json>, String> {
    value
        .as_object()
        .ok_or_else(|| format!("a {what} entry must be a JSON object"))
}

fn one_or_many(value: &Json) -> Vec<&Json> {
    match value {
        Json::Array(items) => items.iter().collect(),
        v => vec![v],
    }
}

fn write_body(out: &mut String, body: &Json, depth: usize) -> Result<(), String> {
    let indent = "  ".repeat(depth);
    for (key, value) in object(body, "block")? {
        match (key.as_str(), value) {
            ("provider", Json::String(p)) => {
                let _ = writeln!(out, "{indent}provider = {p}");
            }
            ("depends_on", _) | ("//", _) => {}
            ("providers", Json::Object(map)) => {
                let _ = writeln!(out, "{indent}providers = {{");
                for (k, v) in map {
                    let _ = writeln!(out, "{indent}  {k} = {}", v.as_str().unwrap_or("null"));
                }
                let _ = writeln!(out, "{indent}}}");
            }
            ("dynamic", Json::Object(by_type)) => {
                for (ty, dynamic) in by_type {
                    let _ = writeln!(out, "{indent}dynamic {} {{", quote(ty));
                    write_body(out, dynamic, depth + 1)?;
                    let _ = writeln!(out, "{indent}}}");
                }
            }
            (key, Json::Object(_)) if !MAP_ARGUMENTS.contains(&key) => {
                let _ = writeln!(out, "{indent}{key} {{");
                write_body(out, value, depth + 1)?;
                let _ = writeln!(out, "{indent}}}");
            }
            (key, Json::Array(items))
                if !items.is_empty()
                    && items.iter().all(Json::is_object)
                    && !MAP_ARGUMENTS.contains(&key) =>
            {
                for item in items {
                    let _ = writeln!(out, "{indent}{key} {{");
                    write_body(out, item, depth + 1)?;
                    let _ = writeln!(out, "{indent}}}");
                }
            }
            (key, v) => {
                let _ = writeln!(out, "{indent}{} = {}", ident_or_quoted(key), expression(v));
            }
        }
    }
    Ok(())
}

/// A JSON value as an expression: strings are templates.
fn expression(value: &Json) -> String {
    match value {
        Json::String(s) => template(s),
        Json::Array(items) => format!(
            "[{}]",
            items.iter().map(expression).collect::<Vec<_>>().join(", ")
        ),
        Json::Object(map) => format!(
            "{{ {} }}",
            map.iter()
                .map(|(k, v)| format!("{} = {}", quote(k), expression(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => other.to_string(),
    }
}

/// A JSON value as a literal: strings are not templates (`${` stays text).
fn literal(value: &Json) -> String {
    match value {
        Json::String(s) => quote(s),
        Json::Array(items) => format!(
            "[{}]",
            items.iter().map(literal).collect::<Vec<_>>().join(", ")
        ),
        Json::Object(map) => format!(
            "{{ {} }}",
            map.iter()
                .map(|(k, v)| format!("{} = {}", quote(k), literal(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => other.to_string(),
    }
}

fn ident_or_quoted(key: &str) -> String {
    if hcl::edit::Ident::try_new(key).is_ok() {
        key.to_string()
    } else {
        quote(key)
    }
}

/// A quoted template: escapes what native strings escape, keeps `${` and `%{` sequences.
fn template(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A quoted string that is never a template.
fn quote(s: &str) -> String {
    template(&s.replace("${", "$${").replace("%{", "%%{"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_resources_variables_and_blocks() {
        let json: Json = serde_json::from_str(
            r#"{
              "variable": {"n": {"type": "number", "default": 2}},
              "resource": {"aws_instance": {"web": {
                "count": "${var.n}",
                "instance_type": "t3.micro",
                "root_block_device": {"volume_size": 30},
                "tags": {"Name": "web-${count.index}"}
              }}}
            }"#,
        )
        .unwrap();
        let text = to_native(&json).unwrap();
        assert!(text.contains("count = \"${var.n}\""), "{text}");
        assert!(text.contains("root_block_device {"), "{text}");
        assert!(
            text.contains("tags = { \"Name\" = \"web-${count.index}\" }"),
            "{text}"
        );
        assert!(hcl::edit::parser::parse_body(&text).is_ok(), "{text}");
    }
}
