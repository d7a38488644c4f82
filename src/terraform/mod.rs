//! Reading Terraform: plan JSON (`terraform show -json PLAN`), state (`terraform show -json`
//! or a raw `.tfstate`), into plain [`Resource`]s. Nothing after this stage knows which kind of
//! input it was.

pub mod address;
pub mod hcl;
pub mod plan;
pub mod region;

use std::path::Path;

use crate::error::Result;
use crate::model::Resource;

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
}

/// Loads a plan or state JSON file.
pub fn load_file(path: &Path, options: &LoadOptions) -> Result<Resources> {
    let bytes = std::fs::read(path)
        .map_err(|e| crate::error::Error::input(path, format!("cannot read: {e}")))?;
    plan::load_bytes(&bytes, path, options)
}
