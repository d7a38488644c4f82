//! The static module tree: which directory each module call reads.
//!
//! Local sources (`./x`, `../x`) are read relative to the calling module. Registry and git
//! sources are read where `terraform init` put them, as `.terraform/modules/modules.json` of the
//! root module records; without it such a module is not available, and the call is reported in
//! `skipped` instead of failing the whole evaluation. Each directory is parsed once, however many
//! calls use it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use serde::Deserialize;

use crate::error::{Error, Result};

use super::config::{ModuleDef, load_module};

/// Calls nested deeper than this are a loop of local modules, not a real configuration.
const MAX_DEPTH: usize = 32;

/// Module instances of the static tree beyond this are a configuration built to exhaust memory
/// (each module calling several others, a few levels deep), not a real one.
const MAX_MODULES: usize = 10_000;

/// One module of the static tree (a module call, whatever its count or for_each).
#[derive(Debug)]
pub struct PathNode {
    pub def: usize,
    pub parent: Option<usize>,
    /// The call's name in the parent (`None` for the root).
    pub call: Option<String>,
    /// Child calls by name: the child's path index, or why it is not available.
    pub children: HashMap<String, Result<usize, String>>,
    /// `module.a.module.b`, keys left out.
    pub display: String,
}

pub struct Tree {
    pub defs: Vec<Rc<ModuleDef>>,
    pub paths: Vec<PathNode>,
}

#[derive(Deserialize)]
struct ModulesJson {
    #[serde(rename = "Modules", default)]
    modules: Vec<ModuleEntry>,
}

#[derive(Deserialize)]
struct ModuleEntry {
    #[serde(rename = "Key")]
    key: String,
    #[serde(rename = "Dir")]
    dir: String,
}

pub fn load_tree(root: &Path) -> Result<Tree> {
    let installed = read_modules_json(root)?;
    let mut loader = Loader {
        root: root.to_path_buf(),
        installed,
        by_dir: HashMap::new(),
        tree: Tree {
            defs: Vec::new(),
            paths: Vec::new(),
        },
    };
    let def = loader.def(root)?;
    loader.tree.paths.push(PathNode {
        def,
        parent: None,
        call: None,
        children: HashMap::new(),
        display: String::new(),
    });
    loader.children(0, &[], 0)?;
    Ok(loader.tree)
}

fn read_modules_json(root: &Path) -> Result<HashMap<String, PathBuf>> {
    let path = root.join(".terraform").join("modules").join("modules.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(HashMap::new());
    };
    let doc: ModulesJson = serde_json::from_str(&text).map_err(|e| Error::json(&path, &e))?;
    Ok(doc
        .modules
        .into_iter()
        .filter(|m| !m.key.is_empty())
        .map(|m| (m.key, root.join(m.dir)))
        .collect())
}

struct Loader {
    root: PathBuf,
    installed: HashMap<String, PathBuf>,
    by_dir: HashMap<PathBuf, usize>,
    tree: Tree,
}

impl Loader {
    fn def(&mut self, dir: &Path) -> Result<usize> {
        let key = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
        if let Some(&i) = self.by_dir.get(&key) {
            return Ok(i);
        }
        let def = load_module(dir)?;
        self.tree.defs.push(Rc::new(def));
        let i = self.tree.defs.len() - 1;
        self.by_dir.insert(key, i);
        Ok(i)
    }

    fn children(&mut self, path: usize, keys: &[String], depth: usize) -> Result<()> {
        let def = Rc::clone(&self.tree.defs[self.tree.paths[path].def]);
        for (name, call) in &def.calls {
            let mut key = keys.to_vec();
            key.push(name.clone());
            let display = if self.tree.paths[path].display.is_empty() {
                format!("module.{name}")
            } else {
                format!("{}.module.{name}", self.tree.paths[path].display)
            };
            let source = call.source.as_str();
            let dir = if source.starts_with("./") || source.starts_with("../") {
                Some(def.dir.join(source))
            } else {
                self.installed.get(&key.join(".")).cloned()
            };
            let child = match dir {
                Some(dir) if dir.is_dir() => {
                    if self.tree.paths.len() >= MAX_MODULES {
                        let file = &def.files[call.file];
                        return Err(file.error(
                            call.span.clone(),
                            format!("the configuration calls more than {MAX_MODULES} modules"),
                        ));
                    }
                    if depth >= MAX_DEPTH {
                        let file = &def.files[call.file];
                        return Err(file.error(
                            call.span.clone(),
                            format!("modules nest deeper than {MAX_DEPTH} levels (does module {name:?} call itself?)"),
                        ));
                    }
                    let d = self.def(&dir)?;
                    self.tree.paths.push(PathNode {
                        def: d,
                        parent: Some(path),
                        call: Some(name.clone()),
                        children: HashMap::new(),
                        display,
                    });
                    let child = self.tree.paths.len() - 1;
                    self.children(child, &key, depth + 1)?;
                    Ok(child)
                }
                Some(dir) => Err(format!(
                    "module not available: {} is not a directory",
                    dir.strip_prefix(&self.root).unwrap_or(&dir).display()
                )),
                None => Err(format!(
                    "module not available: {source:?} is not a local path and `terraform init` has not installed it (.terraform/modules/modules.json)"
                )),
            };
            self.tree.paths[path].children.insert(name.clone(), child);
        }
        Ok(())
    }
}
