//! Root module variables from every place Terraform takes them, lowest precedence first:
//! defaults, `TF_VAR_*`, `terraform.tfvars`, `terraform.tfvars.json`, `*.auto.tfvars(.json)` in
//! name order, plancost.yml `vars`, `--var-file` files in order, `--var` in order.

use std::collections::HashMap;
use std::path::Path;

use crate::error::{Error, Result};

use super::HclOptions;
use super::config::{ModuleDef, parse_body};
use super::diagnostics::SourceFile;
use super::eval::constant;
use super::value::Value;

/// A root variable's value before conversion to its declared type.
#[derive(Debug, Clone)]
pub enum RawInput {
    /// From `--var` or `TF_VAR_`: a string for primitive types, an HCL expression otherwise.
    Text {
        text: String,
        origin: String,
    },
    Value {
        value: Value,
        origin: String,
    },
}

pub fn root_inputs(
    dir: &Path,
    root: &ModuleDef,
    options: &HclOptions,
) -> Result<HashMap<String, RawInput>> {
    let mut inputs = HashMap::new();
    for (name, value) in &options.env_vars {
        inputs.insert(
            name.clone(),
            RawInput::Text {
                text: value.clone(),
                origin: format!("TF_VAR_{name}"),
            },
        );
    }
    let mut auto = Vec::new();
    for name in ["terraform.tfvars", "terraform.tfvars.json"] {
        let p = dir.join(name);
        if p.is_file() {
            auto.push(p);
        }
    }
    let mut auto_files: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| Error::input(dir, format!("cannot read: {e}")))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let n = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            n.ends_with(".auto.tfvars") || n.ends_with(".auto.tfvars.json")
        })
        .collect();
    auto_files.sort();
    auto.extend(auto_files);
    for file in &auto {
        read_var_file(file, &mut inputs)?;
    }
    for (name, value) in &options.config_vars {
        inputs.insert(
            name.clone(),
            RawInput::Value {
                value: Value::from_json(value),
                origin: "plancost.yml vars".into(),
            },
        );
    }
    for file in &options.var_files {
        read_var_file(file, &mut inputs)?;
    }
    for (name, text) in &options.vars {
        if !root.variables.contains_key(name) {
            return Err(Error::Usage(format!(
                "--var {name}=...: the root module declares no variable {name:?}"
            )));
        }
        inputs.insert(
            name.clone(),
            RawInput::Text {
                text: text.clone(),
                origin: format!("--var {name}"),
            },
        );
    }
    Ok(inputs)
}

fn read_var_file(path: &Path, inputs: &mut HashMap<String, RawInput>) -> Result<()> {
    let bytes = std::fs::read(path).map_err(|e| Error::input(path, format!("cannot read: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|_| Error::input(path, "is not UTF-8 text"))?;
    if path.to_string_lossy().ends_with(".json") {
        let json: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| Error::json(path, &e))?;
        let object = json
            .as_object()
            .ok_or_else(|| Error::input(path, "must hold a JSON object of variable values"))?;
        for (k, v) in object {
            inputs.insert(
                k.clone(),
                RawInput::Value {
                    value: Value::from_json(v),
                    origin: path.display().to_string(),
                },
            );
        }
        return Ok(());
    }
    let file = SourceFile {
        path: path.to_path_buf(),
        text,
    };
    let body = parse_body(&file)?;
    for attr in body.attributes() {
        let value = constant(&attr.value).map_err(|m| {
            file.error(
                hcl::edit::Span::span(&attr.value),
                format!("variable {}: {m}", attr.key.as_str()),
            )
        })?;
        inputs.insert(
            attr.key.as_str().to_string(),
            RawInput::Value {
                value,
                origin: path.display().to_string(),
            },
        );
    }
    Ok(())
}
