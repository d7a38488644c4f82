//! HCL mode: a Terraform root module directory priced without Terraform, credentials or state.
//!
//! [`load_dir`] reads the root module and every module it calls ([`config`], [`modules`]),
//! gathers the root variables with Terraform's precedence ([`inputs`]), and evaluates the whole
//! configuration in dependency order ([`walk`]): variables, locals, `count`/`for_each`, module
//! outputs feeding other modules, `dynamic` blocks. The result is the same
//! [`Resources`](super::Resources) the plan loader produces for a plan that creates everything:
//! values the provider computes at apply time are unknown, exactly as in a plan.

pub mod config;
pub mod diagnostics;
pub mod eval;
pub mod functions;
mod inputs;
mod json_syntax;
pub mod modules;
pub mod value;
mod walk;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

use super::{InputKind, LoadOptions, Resources};

/// Variables and settings of one HCL evaluation; everything from the environment is passed in.
#[derive(Debug, Clone, Default)]
pub struct HclOptions {
    /// `--var NAME=VALUE`, in command-line order (a later one wins).
    pub vars: Vec<(String, String)>,
    /// `--var-file FILE`, in command-line order; applied before `vars`.
    pub var_files: Vec<PathBuf>,
    /// The project's `vars` in plancost.yml; applied after the auto-loaded tfvars files and
    /// before `var_files` and `vars`.
    pub config_vars: BTreeMap<String, serde_json::Value>,
    /// `TF_VAR_name` environment variables as (name without the prefix, value).
    pub env_vars: Vec<(String, String)>,
    /// `file()` and `templatefile()` read nothing outside this directory. Default: the nearest
    /// ancestor of the root module holding `.git`, else the root module itself.
    pub repo_root: Option<PathBuf>,
}

impl HclOptions {
    /// `TF_VAR_*` variables out of an environment listing (`std::env::vars()` in the binary).
    pub fn tf_vars_from_env(
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Vec<(String, String)> {
        env.into_iter()
            .filter_map(|(k, v)| k.strip_prefix("TF_VAR_").map(|name| (name.to_string(), v)))
            .filter(|(name, _)| !name.is_empty())
            .collect()
    }
}

/// Evaluates the root module in `dir` into the resources a plan of it would create.
pub fn load_dir(dir: &Path, load: &LoadOptions, options: &HclOptions) -> Result<Resources> {
    if !dir.is_dir() {
        return Err(Error::input(dir, "is not a directory"));
    }
    let repo_root = match &options.repo_root {
        Some(root) => root.clone(),
        None => find_repo_root(dir),
    };
    let tree = modules::load_tree(dir)?;
    let root_def = &tree.defs[tree.paths[0].def];
    if root_def.files.is_empty() {
        return Err(Error::input(
            dir,
            "holds no Terraform files (*.tf or *.tf.json); give the root module's directory, or a plan JSON",
        ));
    }
    let inputs = inputs::root_inputs(dir, root_def, options)?;
    let env = eval::FuncEnv {
        root_dir: dir.to_path_buf(),
        repo_root,
        ..Default::default()
    };
    let (after, skipped) = walk::evaluate(&tree, inputs, &env, load)?;
    Ok(Resources {
        before: Vec::new(),
        after,
        kind: InputKind::Hcl,
        skipped,
    })
}

fn find_repo_root(dir: &Path) -> PathBuf {
    let start = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let mut current = Some(start.as_path());
    while let Some(d) = current {
        if d.join(".git").exists() {
            return d.to_path_buf();
        }
        current = d.parent();
    }
    start
}
