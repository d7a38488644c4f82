//! Reading Terraform: plan JSON (`terraform show -json PLAN`), state (`terraform show -json`
//! or a raw `.tfstate`), into plain [`Resource`]s. Nothing after this stage knows which kind of
//! input it was.

pub mod address;
mod filtered;
pub mod hcl;
mod interner;
mod mask;
pub mod plan;
pub mod region;

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::{Error, Result};
use crate::model::Resource;

pub use filtered::keeping_everything;

/// Both sides of a plan: what exists before it is applied and what will exist after.
/// For a state file both sides are the state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Resources {
    pub before: Vec<Resource>,
    pub after: Vec<Resource>,
    pub kind: InputKind,
    /// What could not be read at all (an HCL module that is not installed), for the report's
    /// `skipped` list.
    pub skipped: Vec<Skipped>,
}

/// Something of the configuration left out of the estimate, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub address: String,
    pub resource_type: String,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum InputKind {
    #[default]
    Plan,
    State,
    /// A directory of Terraform HCL, evaluated by plancost: only the `after` side.
    Hcl,
}

/// Options that come from the environment, passed in so the library reads no globals.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// `AWS_REGION`, else `AWS_DEFAULT_REGION`: the region of resources whose provider sets none.
    pub env_region: Option<String>,
    /// `TF_VAR_*` variables of the environment (name without the prefix, value), for HCL
    /// directories priced through [`load_path`].
    pub env_tf_vars: Vec<(String, String)>,
}

/// Loads a plan or state JSON file, reading it as a stream.
pub fn load_file(path: &Path, options: &LoadOptions) -> Result<Resources> {
    let file = std::fs::File::open(path)
        .map_err(|e| crate::error::Error::input(path, format!("cannot read: {e}")))?;
    plan::load_reader(
        file,
        || std::fs::File::open(path),
        plan::ReadFrom::File,
        path,
        options,
    )
}

/// Loads what `path` describes: a plan or state JSON file, or a directory of Terraform HCL
/// evaluated with `vars` (Terraform's input variables). The one entry point for callers that take
/// either kind of input, such as the projects of `plancost.yml`.
pub fn load_path(
    path: &Path,
    options: &LoadOptions,
    vars: &BTreeMap<String, serde_json::Value>,
) -> Result<Resources> {
    if path.is_dir() {
        let hcl_options = hcl::HclOptions {
            config_vars: vars.clone(),
            env_vars: options.env_tf_vars.clone(),
            ..Default::default()
        };
        return hcl::load_dir(path, options, &hcl_options);
    }
    if !vars.is_empty() {
        let names: Vec<&str> = vars.keys().map(String::as_str).collect();
        return Err(Error::Usage(format!(
            "{}: variables ({}) apply to HCL directories only; the values of a plan or state JSON are fixed (change usage values instead, or price the HCL directory)",
            path.display(),
            names.join(", ")
        )));
    }
    load_file(path, options)
}
