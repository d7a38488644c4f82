//! Evaluation of a module tree in dependency order.
//!
//! The graph is Terraform's: one node per variable, local, resource (or data source), module
//! expansion and output of each module of the static tree; an edge for every reference. Nodes are
//! evaluated once each, in topological order, over every instance of their module (a module with
//! `count = 3` has three instances), so a module output can feed another module's `count` or
//! `for_each` with no repeated passes. A cycle is an error that names its nodes.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use hcl::edit::Span;
use hcl::edit::expr::Expression;
use hcl::edit::structure::Body;
use rust_decimal::Decimal;

use crate::error::{Error, Result};
use crate::model::{Action, Resource};
use crate::terraform::{LoadOptions, Skipped};

use super::config::{Mode, ModuleDef, ResourceDecl, attribute, traversal_text};
use super::diagnostics::{EvalError, SourceFile};
use super::eval::{COMPUTED_MARKER, Evaluator, FuncEnv, Scope, constant, iterate, references};
use super::inputs::RawInput;
use super::modules::Tree;
use super::value::{Value, format_number};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Kind {
    Var(String),
    Local(String),
    Resource(String),
    Expand(String),
    Output(String),
}

/// The instance key of a repeated resource or module.
#[derive(Debug, Clone)]
enum Key {
    None,
    Index(usize),
    Name(String),
}

impl Key {
    fn suffix(&self) -> String {
        match self {
            Key::None => String::new(),
            Key::Index(i) => format!("[{i}]"),
            Key::Name(s) => format!("[{}]", serde_json::to_string(s).unwrap_or_default()),
        }
    }
}

/// `count.index` or `each.key`/`each.value` of one instance.
#[derive(Debug, Clone)]
struct Repetition {
    key: Key,
    each_value: Option<Value>,
}

impl Repetition {
    fn none() -> Self {
        Repetition {
            key: Key::None,
            each_value: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Single,
    Count,
    ForEach,
}

struct Instance {
    path: usize,
    /// `module.a[0].module.b`; empty for the root.
    address: String,
    parent: Option<usize>,
    rep: Repetition,
    vars: HashMap<String, Value>,
    locals: HashMap<String, Value>,
    resources: HashMap<String, Value>,
    outputs: HashMap<String, Value>,
    /// Child module instances by call name, in key order.
    children: HashMap<String, (Shape, Vec<(Key, usize)>)>,
}

/// A managed resource instance waiting for its region and references.
struct Emitted {
    resource: Resource,
    instance: usize,
    provider: String,
    /// The address without its instance key.
    base: String,
    /// Attribute path → `type.name` of resources in the same module.
    references: BTreeMap<String, Vec<String>>,
}

struct Walker<'t> {
    tree: &'t Tree,
    env: &'t FuncEnv,
    inputs: HashMap<String, RawInput>,
    instances: Vec<Instance>,
    by_path: Vec<Vec<usize>>,
    emitted: Vec<Emitted>,
}

pub fn evaluate(
    tree: &Tree,
    inputs: HashMap<String, RawInput>,
    env: &FuncEnv,
    load: &LoadOptions,
) -> Result<(Vec<Resource>, Vec<Skipped>)> {
    let order = graph(tree)?;
    let mut w = Walker {
        tree,
        env,
        inputs,
        instances: Vec::new(),
        by_path: vec![Vec::new(); tree.paths.len()],
        emitted: Vec::new(),
    };
    w.instances.push(Instance {
        path: 0,
        address: String::new(),
        parent: None,
        rep: Repetition::none(),
        vars: HashMap::new(),
        locals: HashMap::new(),
        resources: HashMap::new(),
        outputs: HashMap::new(),
        children: HashMap::new(),
    });
    w.by_path[0].push(0);
    for (path, kind) in order {
        w.node(path, &kind)?;
    }
    let skipped = w.skipped();
    Ok((w.finish(load), skipped))
}

/// The nodes of the tree in an order where every node comes after what it references.
fn graph(tree: &Tree) -> Result<Vec<(usize, Kind)>> {
    let mut nodes: Vec<(usize, Kind)> = Vec::new();
    for (p, path) in tree.paths.iter().enumerate() {
        let def = &tree.defs[path.def];
        nodes.extend(def.variables.keys().map(|n| (p, Kind::Var(n.clone()))));
        nodes.extend(def.locals.keys().map(|n| (p, Kind::Local(n.clone()))));
        nodes.extend(def.resources.keys().map(|n| (p, Kind::Resource(n.clone()))));
        nodes.extend(
            path.children
                .iter()
                .filter(|(_, c)| c.is_ok())
                .map(|(n, _)| (p, Kind::Expand(n.clone()))),
        );
        nodes.extend(def.outputs.keys().map(|n| (p, Kind::Output(n.clone()))));
    }
    let index: HashMap<(usize, Kind), usize> = nodes
        .iter()
        .cloned()
        .enumerate()
        .map(|(i, n)| (n, i))
        .collect();
    let mut edges: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    let mut indegree = vec![0usize; nodes.len()];
    for (i, (p, kind)) in nodes.iter().enumerate() {
        let path = &tree.paths[*p];
        let def = &tree.defs[path.def];
        let mut deps: Vec<(usize, Kind)> = Vec::new();
        let refs_in = |p: usize, exprs: &[&Expression], deps: &mut Vec<(usize, Kind)>| {
            let mut refs = Vec::new();
            for e in exprs {
                references(e, &mut refs);
            }
            for r in refs {
                deps.extend(reference_nodes(tree, p, &r));
            }
        };
        match kind {
            Kind::Var(name) => {
                if let (Some(parent), Some(call)) = (path.parent, &path.call) {
                    let parent_def = &tree.defs[tree.paths[parent].def];
                    if let Some(arg) = parent_def
                        .calls
                        .get(call)
                        .and_then(|c| attribute(&c.block, name))
                    {
                        refs_in(parent, &[arg], &mut deps);
                    }
                }
            }
            Kind::Local(name) => refs_in(*p, &[&def.locals[name].value], &mut deps),
            Kind::Output(name) => refs_in(*p, &[&def.outputs[name].value], &mut deps),
            Kind::Resource(key) => {
                let r = &def.resources[key];
                let mut exprs: Vec<&Expression> = Vec::new();
                exprs.extend(r.count.as_ref());
                exprs.extend(r.for_each.as_ref());
                body_expressions(&r.block.body, &mut exprs);
                refs_in(*p, &exprs, &mut deps);
            }
            Kind::Expand(call) => {
                let c = &def.calls[call];
                let exprs: Vec<&Expression> = c.count.iter().chain(c.for_each.iter()).collect();
                refs_in(*p, &exprs, &mut deps);
            }
        }
        // Everything in a module exists only once the module's call has been expanded.
        if let (Some(parent), Some(call)) = (path.parent, &path.call) {
            deps.push((parent, Kind::Expand(call.clone())));
        }
        for dep in deps {
            if let Some(&j) = index.get(&dep) {
                if j != i {
                    edges[j].push(i);
                    indegree[i] += 1;
                } else if !matches!(kind, Kind::Resource(_)) {
                    return Err(cycle_error(tree, &[(*p, kind.clone())]));
                }
            }
        }
    }
    // Kahn's algorithm; ties in declaration order, so evaluation is deterministic.
    let mut ready: std::collections::VecDeque<usize> =
        (0..nodes.len()).filter(|&i| indegree[i] == 0).collect();
    let mut order = Vec::with_capacity(nodes.len());
    while let Some(i) = ready.pop_front() {
        order.push(i);
        for &j in &edges[i] {
            indegree[j] -= 1;
            if indegree[j] == 0 {
                ready.push_back(j);
            }
        }
    }
    if order.len() < nodes.len() {
        let stuck: Vec<(usize, Kind)> = (0..nodes.len())
            .filter(|&i| indegree[i] > 0)
            .map(|i| nodes[i].clone())
            .collect();
        return Err(cycle_error(tree, &stuck));
    }
    Ok(order.into_iter().map(|i| nodes[i].clone()).collect())
}

fn cycle_error(tree: &Tree, nodes: &[(usize, Kind)]) -> Error {
    let names: Vec<String> = nodes
        .iter()
        .take(8)
        .map(|(p, k)| {
            let prefix = &tree.paths[*p].display;
            let name = match k {
                Kind::Var(n) => format!("var.{n}"),
                Kind::Local(n) => format!("local.{n}"),
                Kind::Resource(n) => n.clone(),
                Kind::Expand(n) => format!("module.{n}"),
                Kind::Output(n) => format!("output.{n}"),
            };
            if prefix.is_empty() {
                name
            } else {
                format!("{prefix}.{name}")
            }
        })
        .collect();
    let message = format!(
        "the configuration has a dependency cycle between {}",
        names.join(", ")
    );
    // Pointed at the declaration of the cycle's first node, so an editor can jump there.
    if let Some((p, kind)) = nodes.first() {
        let def = &tree.defs[tree.paths[*p].def];
        let located = match kind {
            Kind::Var(n) => def.variables.get(n).map(|d| (d.file, d.span.clone())),
            Kind::Local(n) => def.locals.get(n).map(|l| (l.file, l.value.span())),
            Kind::Resource(n) => def.resources.get(n).map(|r| (r.file, r.block.span())),
            Kind::Expand(n) => def.calls.get(n).map(|c| (c.file, c.span.clone())),
            Kind::Output(n) => def.outputs.get(n).map(|o| (o.file, o.value.span())),
        };
        if let Some((file, span)) = located {
            return def.files[file].error(span, message);
        }
    }
    let root = &tree.defs[tree.paths[0].def];
    Error::input(&root.dir, message)
}

/// The nodes a reference in module `p` depends on.
fn reference_nodes(tree: &Tree, p: usize, r: &[String]) -> Vec<(usize, Kind)> {
    let path = &tree.paths[p];
    let def = &tree.defs[path.def];
    let at = |i: usize| r.get(i).map(String::as_str);
    match (at(0), at(1), at(2)) {
        (Some("var"), Some(n), _) => vec![(p, Kind::Var(n.to_string()))],
        (Some("local"), Some(n), _) => vec![(p, Kind::Local(n.to_string()))],
        (Some("module"), Some(c), output) => {
            let mut out = vec![(p, Kind::Expand(c.to_string()))];
            if let Some(Ok(child)) = path.children.get(c) {
                let child_def = &tree.defs[tree.paths[*child].def];
                match output {
                    Some(o) if child_def.outputs.contains_key(o) => {
                        out.push((*child, Kind::Output(o.to_string())))
                    }
                    _ => out.extend(
                        child_def
                            .outputs
                            .keys()
                            .map(|o| (*child, Kind::Output(o.clone()))),
                    ),
                }
            }
            out
        }
        (Some("data"), Some(t), Some(n)) => vec![(p, Kind::Resource(format!("data.{t}.{n}")))],
        (Some(t), Some(n), _) if def.resources.contains_key(&format!("{t}.{n}")) => {
            vec![(p, Kind::Resource(format!("{t}.{n}")))]
        }
        _ => Vec::new(),
    }
}

/// Every expression of a resource body, nested and dynamic blocks included, except the
/// meta-arguments that are not values.
fn body_expressions<'b>(body: &'b Body, out: &mut Vec<&'b Expression>) {
    for attr in body.attributes() {
        if !matches!(attr.key.as_str(), "depends_on" | "provider") {
            out.push(&attr.value);
        }
    }
    for block in body.blocks() {
        if !matches!(
            block.ident.as_str(),
            "lifecycle" | "provisioner" | "connection"
        ) {
            body_expressions(&block.body, out);
        }
    }
}

/// Names seen from one module instance, with the `count`/`each` of the thing being evaluated.
struct InstanceScope<'a> {
    w: &'a Walker<'a>,
    inst: usize,
    rep: &'a Repetition,
}

impl Scope for InstanceScope<'_> {
    fn resolve(&self, root: &str, attrs: &[&str]) -> Result<Option<(Value, usize)>, String> {
        let inst = &self.w.instances[self.inst];
        let def = self.w.def(inst.path);
        let first = attrs.first().copied();
        let found = match root {
            "var" => {
                let n = first.ok_or("var needs a variable name")?;
                let v = inst.vars.get(n).cloned().ok_or_else(|| {
                    if def.variables.contains_key(n) {
                        format!("variable {n:?} has no value yet")
                    } else {
                        format!("no variable {n:?} is declared in this module")
                    }
                })?;
                (v, 1)
            }
            "local" => {
                let n = first.ok_or("local needs a name")?;
                let v = inst
                    .locals
                    .get(n)
                    .cloned()
                    .ok_or_else(|| format!("no local value {n:?} in this module"))?;
                (v, 1)
            }
            "module" => {
                let c = first.ok_or("module needs a module name")?;
                match self.w.tree.paths[inst.path].children.get(c) {
                    None => return Err(format!("no module call {c:?} in this module")),
                    Some(Err(_)) => (Value::Unknown, 1),
                    Some(Ok(_)) => {
                        let (shape, children) = inst
                            .children
                            .get(c)
                            .ok_or_else(|| format!("module {c:?} is not expanded yet"))?;
                        let object = |i: usize| {
                            Value::Map(
                                self.w.instances[i]
                                    .outputs
                                    .iter()
                                    .map(|(k, v)| (k.clone(), v.clone()))
                                    .collect(),
                            )
                        };
                        match shape {
                            Shape::Single => match (children.first(), attrs.get(1)) {
                                (Some((_, i)), Some(o)) => {
                                    match self.w.instances[*i].outputs.get(*o) {
                                        Some(v) => (v.clone(), 2),
                                        None => {
                                            return Err(format!(
                                                "module {c:?} has no output {o:?}"
                                            ));
                                        }
                                    }
                                }
                                (Some((_, i)), None) => (object(*i), 1),
                                (None, _) => (Value::Unknown, 1),
                            },
                            Shape::Count => (
                                Value::List(children.iter().map(|(_, i)| object(*i)).collect()),
                                1,
                            ),
                            Shape::ForEach => (
                                Value::Map(
                                    children
                                        .iter()
                                        .map(|(k, i)| {
                                            let key = match k {
                                                Key::Name(s) => s.clone(),
                                                other => other.suffix(),
                                            };
                                            (key, object(*i))
                                        })
                                        .collect(),
                                ),
                                1,
                            ),
                        }
                    }
                }
            }
            "data" => {
                let (Some(t), Some(n)) = (first, attrs.get(1)) else {
                    return Err("data needs a type and a name".into());
                };
                let key = format!("data.{t}.{n}");
                let v = inst
                    .resources
                    .get(&key)
                    .cloned()
                    .ok_or_else(|| format!("no data source {t}.{n} in this module"))?;
                (v, 2)
            }
            "count" => match (first, &self.rep.key) {
                (Some("index"), Key::Index(i)) => (Value::Number(Decimal::from(*i)), 1),
                _ => return Err("count.index is only available where count is set".into()),
            },
            "each" => match (first, &self.rep.key, &self.rep.each_value) {
                (Some("key"), Key::Name(k), _) => (Value::String(k.clone()), 1),
                (Some("value"), Key::Name(_), Some(v)) => (v.clone(), 1),
                _ => {
                    return Err(
                        "each.key and each.value are only available where for_each is set".into(),
                    );
                }
            },
            "path" => {
                // As Terraform run in the root module gives them: `path.root` is ".",
                // `path.module` the module's directory relative to the root module (so that
                // `file("${path.module}/x")` finds the module's file), `path.cwd` absolute.
                let root = &self.w.env.root_dir;
                let relative = |d: &Path| {
                    let text = match d.strip_prefix(root) {
                        Ok(rel) if rel.as_os_str().is_empty() => ".".to_string(),
                        Ok(rel) => rel.display().to_string(),
                        Err(_) => d.display().to_string(),
                    };
                    Value::String(text)
                };
                match first {
                    Some("module") => (relative(&def.dir), 1),
                    Some("root") => (Value::str("."), 1),
                    Some("cwd") => (
                        Value::String(
                            root.canonicalize()
                                .unwrap_or_else(|_| root.clone())
                                .display()
                                .to_string(),
                        ),
                        1,
                    ),
                    _ => return Err("path has module, root and cwd".into()),
                }
            }
            "terraform" => match first {
                Some("workspace") => (Value::str("default"), 1),
                _ => return Err("only terraform.workspace is available".into()),
            },
            "self" => (Value::Unknown, 0),
            t => {
                let Some(n) = first else { return Ok(None) };
                let key = format!("{t}.{n}");
                match inst.resources.get(&key) {
                    Some(v) => (v.clone(), 1),
                    None if def.resources.contains_key(&key) => (Value::Unknown, 1),
                    None => return Ok(None),
                }
            }
        };
        Ok(Some(found))
    }
}

impl<'t> Walker<'t> {
    fn def(&self, path: usize) -> &'t ModuleDef {
        &self.tree.defs[self.tree.paths[path].def]
    }

    fn eval_in(
        &self,
        inst: usize,
        rep: &Repetition,
        file: &SourceFile,
        expr: &Expression,
    ) -> Result<Value> {
        let scope = InstanceScope { w: self, inst, rep };
        Evaluator::new(&scope, self.env)
            .eval(expr)
            .map_err(|e| e.into_error(file))
    }

    fn node(&mut self, path: usize, kind: &Kind) -> Result<()> {
        let def = self.def(path);
        let instances = self.by_path[path].clone();
        match kind {
            Kind::Var(name) => {
                for i in instances {
                    let v = self.variable(i, name)?;
                    self.instances[i].vars.insert(name.clone(), v);
                }
            }
            Kind::Local(name) => {
                let local = &def.locals[name];
                for i in instances {
                    let v =
                        self.eval_in(i, &Repetition::none(), &def.files[local.file], &local.value)?;
                    self.instances[i].locals.insert(name.clone(), v);
                }
            }
            Kind::Output(name) => {
                let output = &def.outputs[name];
                for i in instances {
                    let v = self.eval_in(
                        i,
                        &Repetition::none(),
                        &def.files[output.file],
                        &output.value,
                    )?;
                    self.instances[i]
                        .outputs
                        .insert(name.clone(), v.mark(output.sensitive));
                }
            }
            Kind::Expand(call) => {
                let decl = &def.calls[call];
                let Some(Ok(child_path)) = self.tree.paths[path].children.get(call) else {
                    return Ok(());
                };
                let child_path = *child_path;
                for i in instances {
                    let file = &def.files[decl.file];
                    let (shape, reps, _) =
                        self.repetitions(i, file, decl.count.as_ref(), decl.for_each.as_ref())?;
                    let mut children = Vec::new();
                    for rep in reps {
                        let parent = &self.instances[i];
                        let base = if parent.address.is_empty() {
                            format!("module.{call}")
                        } else {
                            format!("{}.module.{call}", parent.address)
                        };
                        let address = format!("{base}{}", rep.key.suffix());
                        let key = rep.key.clone();
                        self.instances.push(Instance {
                            path: child_path,
                            address,
                            parent: Some(i),
                            rep,
                            vars: HashMap::new(),
                            locals: HashMap::new(),
                            resources: HashMap::new(),
                            outputs: HashMap::new(),
                            children: HashMap::new(),
                        });
                        let id = self.instances.len() - 1;
                        self.by_path[child_path].push(id);
                        children.push((key, id));
                    }
                    self.instances[i]
                        .children
                        .insert(call.clone(), (shape, children));
                }
            }
            Kind::Resource(key) => {
                let decl = &def.resources[key];
                for i in instances {
                    let v = self.resource(i, decl)?;
                    self.instances[i].resources.insert(key.clone(), v);
                }
            }
        }
        Ok(())
    }

    /// A module variable's value: the call's argument (or the root's input), else its default,
    /// converted to its type.
    fn variable(&self, inst: usize, name: &str) -> Result<Value> {
        let instance = &self.instances[inst];
        let def = self.def(instance.path);
        let decl = &def.variables[name];
        let decl_file = &def.files[decl.file];
        let default = || -> Result<Value> {
            match &decl.default {
                Some(expr) => constant(expr).map_err(|m| decl_file.error(expr.span(), m)),
                None => Ok(Value::Null),
            }
        };
        // Where a wrong value came from, for the error: a file position, or a named source.
        let mut origin: Option<String> = None;
        let (value, span, file) = match instance.parent {
            None => match self.inputs.get(name) {
                Some(RawInput::Value { value, origin: o }) => {
                    origin = Some(o.clone());
                    (value.clone(), None, decl_file)
                }
                Some(RawInput::Text { text, origin: o }) => {
                    origin = Some(o.clone());
                    let v = if decl.ty.is_primitive() || decl.ty == super::value::Type::Any {
                        Value::String(text.clone())
                    } else {
                        let expr = hcl::edit::parser::parse_expr(text).map_err(|e| {
                            Error::Usage(format!("{o}: not a valid HCL value: {}", e.message()))
                        })?;
                        constant(&expr).map_err(|m| Error::Usage(format!("{o}: {m}")))?
                    };
                    (v, None, decl_file)
                }
                None if decl.default.is_some() => (
                    default()?,
                    decl.default.as_ref().and_then(|d| d.span()),
                    decl_file,
                ),
                None => {
                    return Err(decl_file.error(
                        decl.span.clone(),
                        format!(
                            "variable {name:?} has no default and no value: pass --var {name}=VALUE or a --var-file"
                        ),
                    ));
                }
            },
            Some(parent) => {
                let parent_def = self.def(self.instances[parent].path);
                let call_name = self.tree.paths[instance.path].call.as_deref().unwrap_or("");
                let call = &parent_def.calls[call_name];
                let call_file = &parent_def.files[call.file];
                match attribute(&call.block, name) {
                    Some(expr) => (
                        self.eval_in(parent, &instance.rep, call_file, expr)?,
                        expr.span(),
                        call_file,
                    ),
                    None if decl.default.is_some() => (default()?, None, decl_file),
                    None => {
                        return Err(call_file.error(
                            call.span.clone(),
                            format!("module {call_name:?} needs the argument {name:?} (its variable has no default)"),
                        ));
                    }
                }
            }
        };
        let value = if matches!(value, Value::Null) && !decl.nullable {
            default()?
        } else {
            value
        };
        let value = decl.ty.convert(value).map_err(|m| match &origin {
            Some(o) => Error::Usage(format!("{o}: variable {name:?}: {m}")),
            None => file.error(span, format!("variable {name:?}: {m}")),
        })?;
        Ok(value.mark(decl.sensitive))
    }

    /// The instances `count` or `for_each` asks for. Unknown counts fall back to one instance,
    /// and the third value says so.
    fn repetitions(
        &self,
        inst: usize,
        file: &SourceFile,
        count: Option<&Expression>,
        for_each: Option<&Expression>,
    ) -> Result<(Shape, Vec<Repetition>, bool)> {
        let none = Repetition::none();
        if let Some(expr) = count {
            let (v, _) = self.eval_in(inst, &none, file, expr)?.unmark();
            return match v {
                Value::Unknown => Ok((
                    Shape::Count,
                    vec![Repetition {
                        key: Key::Index(0),
                        each_value: None,
                    }],
                    true,
                )),
                Value::Number(n) if n >= Decimal::ZERO && n.fract().is_zero() => {
                    let n = usize::try_from(n)
                        .ok()
                        .filter(|n| *n <= MAX_COUNT)
                        .ok_or_else(|| {
                            file.error(
                                expr.span(),
                                format!("count is too large (plancost prices at most {MAX_COUNT} instances of one resource or module)"),
                            )
                        })?;
                    Ok((
                        Shape::Count,
                        (0..n)
                            .map(|i| Repetition {
                                key: Key::Index(i),
                                each_value: None,
                            })
                            .collect(),
                        false,
                    ))
                }
                other => Err(file.error(
                    expr.span(),
                    format!(
                        "count must be a whole number of at least 0, not {}",
                        describe(&other)
                    ),
                )),
            };
        }
        if let Some(expr) = for_each {
            let (v, _) = self.eval_in(inst, &none, file, expr)?.unmark_deep();
            let reps = match v {
                Value::Unknown => {
                    return Ok((
                        Shape::ForEach,
                        vec![Repetition {
                            key: Key::Name("(known after apply)".into()),
                            each_value: Some(Value::Unknown),
                        }],
                        true,
                    ));
                }
                Value::Map(map) => map
                    .into_iter()
                    .filter(|(k, _)| k != COMPUTED_MARKER)
                    .map(|(k, v)| Repetition {
                        key: Key::Name(k),
                        each_value: Some(v),
                    })
                    .collect(),
                Value::List(items) => {
                    let mut keys = Vec::new();
                    for item in items {
                        match item {
                            Value::Unknown => {
                                return Ok((
                                    Shape::ForEach,
                                    vec![Repetition {
                                        key: Key::Name("(known after apply)".into()),
                                        each_value: Some(Value::Unknown),
                                    }],
                                    true,
                                ));
                            }
                            Value::String(s) => keys.push(s),
                            other => {
                                return Err(file.error(
                                    expr.span(),
                                    format!(
                                        "for_each over a set needs strings, not {}",
                                        other.type_name()
                                    ),
                                ));
                            }
                        }
                    }
                    keys.sort();
                    keys.dedup();
                    keys.into_iter()
                        .map(|k| Repetition {
                            key: Key::Name(k.clone()),
                            each_value: Some(Value::String(k)),
                        })
                        .collect()
                }
                Value::Null => return Err(file.error(expr.span(), "for_each must not be null")),
                other => {
                    return Err(file.error(
                        expr.span(),
                        format!(
                            "for_each needs a map or a set of strings, not {}",
                            other.type_name()
                        ),
                    ));
                }
            };
            return Ok((Shape::ForEach, reps, false));
        }
        Ok((Shape::Single, vec![Repetition::none()], false))
    }

    fn resource(&mut self, inst: usize, decl: &'t ResourceDecl) -> Result<Value> {
        let def = self.def(self.instances[inst].path);
        let file = &def.files[decl.file];
        let (shape, reps, unknown_count) =
            self.repetitions(inst, file, decl.count.as_ref(), decl.for_each.as_ref())?;
        let mut objects = Vec::with_capacity(reps.len());
        let mut emitted = Vec::new();
        for rep in reps {
            let scope = InstanceScope {
                w: self,
                inst,
                rep: &rep,
            };
            let mut evaluator = Evaluator::new(&scope, self.env);
            let mut refs = BTreeMap::new();
            let mut body = BodyEval {
                def,
                file,
                evaluator: &mut evaluator,
                refs: &mut refs,
            };
            let mut attrs = body.body(&decl.block.body, "", true)?;
            if decl.mode == Mode::Managed {
                let mut unknown = Vec::new();
                let values = Value::Map(attrs.clone()).to_resource_json("", &mut unknown);
                if unknown_count {
                    unknown.push(if decl.count.is_some() {
                        "count".into()
                    } else {
                        "for_each".into()
                    });
                }
                let module_address = self.instances[inst].address.clone();
                let base = if module_address.is_empty() {
                    format!("{}.{}", decl.resource_type, decl.name)
                } else {
                    format!("{module_address}.{}.{}", decl.resource_type, decl.name)
                };
                let address = format!("{base}{}", rep.key.suffix());
                emitted.push(Emitted {
                    resource: Resource {
                        address,
                        module_address,
                        resource_type: decl.resource_type.clone(),
                        name: decl.name.clone(),
                        region: String::new(),
                        values: std::sync::Arc::new(values),
                        unknown,
                        references: BTreeMap::new(),
                        action: Action::Create,
                        type_errors: Default::default(),
                    },
                    instance: inst,
                    base,
                    provider: decl.provider.clone(),
                    references: refs,
                });
            }
            // Attributes the configuration leaves out are computed by the provider.
            attrs.insert(COMPUTED_MARKER.to_string(), Value::Null);
            objects.push((rep.key, Value::Map(attrs)));
        }
        self.emitted.extend(emitted);
        Ok(match shape {
            Shape::Single => objects.pop().map(|(_, v)| v).unwrap_or(Value::Unknown),
            Shape::Count if unknown_count => Value::Unknown,
            Shape::Count => Value::List(objects.into_iter().map(|(_, v)| v).collect()),
            Shape::ForEach if unknown_count => Value::Unknown,
            Shape::ForEach => Value::Map(
                objects
                    .into_iter()
                    .map(|(k, v)| match k {
                        Key::Name(s) => (s, v),
                        other => (other.suffix(), v),
                    })
                    .collect(),
            ),
        })
    }

    fn skipped(&self) -> Vec<Skipped> {
        let mut out = Vec::new();
        for &i in self.by_path.iter().flatten() {
            let inst = &self.instances[i];
            let path = &self.tree.paths[inst.path];
            let mut calls: Vec<_> = path.children.iter().collect();
            calls.sort_by(|a, b| a.0.cmp(b.0));
            for (name, child) in calls {
                if let Err(reason) = child {
                    let address = if inst.address.is_empty() {
                        format!("module.{name}")
                    } else {
                        format!("{}.module.{name}", inst.address)
                    };
                    out.push(Skipped {
                        address,
                        resource_type: "module".into(),
                        reason: reason.clone(),
                    });
                }
            }
        }
        out
    }

    /// Regions and references, once every resource is known.
    fn finish(self, load: &LoadOptions) -> Vec<Resource> {
        let mut by_base: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, e) in self.emitted.iter().enumerate() {
            by_base.entry(e.base.as_str()).or_default().push(i);
        }
        let mut regions: HashMap<(usize, String), Option<String>> = HashMap::new();
        let mut out = Vec::with_capacity(self.emitted.len());
        for e in &self.emitted {
            let mut r = e.resource.clone();
            let own_key = super::super::address::instance_key(&r.address).map(str::to_string);
            let prefix = if r.module_address.is_empty() {
                String::new()
            } else {
                format!("{}.", r.module_address)
            };
            for (path, targets) in &e.references {
                let mut resolved = Vec::new();
                for target in targets {
                    let base = format!("{prefix}{target}");
                    let Some(found) = by_base.get(base.as_str()) else {
                        continue;
                    };
                    let addresses: Vec<&String> = found
                        .iter()
                        .map(|&j| &self.emitted[j].resource.address)
                        .collect();
                    let chosen = match addresses.as_slice() {
                        [one] => Some((*one).clone()),
                        many => own_key
                            .as_ref()
                            .map(|k| format!("{base}{k}"))
                            .filter(|a| many.contains(&a)),
                    };
                    resolved.extend(chosen);
                }
                if !resolved.is_empty() {
                    r.references.insert(path.clone(), resolved);
                }
            }
            r.region = match r.str("region").filter(|s| !s.is_empty()) {
                Some(region) => region.to_string(),
                None => self
                    .provider_region(e.instance, &e.provider, &mut regions)
                    .or_else(|| load.env_region.clone().filter(|s| !s.is_empty()))
                    .unwrap_or_default(),
            };
            out.push(r);
        }
        out
    }

    /// The region of provider `reference` as module instance `inst` sees it: its own provider
    /// block, else what its call's `providers` map passes, else (for a default provider) the
    /// caller's.
    fn provider_region(
        &self,
        inst: usize,
        reference: &str,
        cache: &mut HashMap<(usize, String), Option<String>>,
    ) -> Option<String> {
        if let Some(r) = cache.get(&(inst, reference.to_string())) {
            return r.clone();
        }
        let instance = &self.instances[inst];
        let def = self.def(instance.path);
        let found = if let Some(p) = def.providers.iter().find(|p| p.reference == reference) {
            p.region.as_ref().and_then(|expr| {
                match self.eval_in(inst, &Repetition::none(), &def.files[p.file], expr) {
                    Ok(Value::String(s)) if !s.is_empty() => Some(s),
                    _ => None,
                }
            })
        } else if let Some(parent) = instance.parent {
            let parent_def = self.def(self.instances[parent].path);
            let call = self.tree.paths[instance.path].call.as_deref().unwrap_or("");
            match parent_def
                .calls
                .get(call)
                .and_then(|c| c.providers.get(reference))
            {
                Some(passed) => self.provider_region(parent, passed, cache),
                None if !reference.contains('.') => self.provider_region(parent, reference, cache),
                None => None,
            }
        } else {
            None
        };
        cache.insert((inst, reference.to_string()), found.clone());
        found
    }
}

fn describe(v: &Value) -> String {
    match v {
        Value::Number(n) => format_number(*n),
        other => other.type_name().to_string(),
    }
}

/// Evaluates a resource body into an object: arguments as values, nested blocks as lists of
/// objects (as a plan writes them), `dynamic` blocks expanded.
struct BodyEval<'a, 'e> {
    def: &'a ModuleDef,
    file: &'a SourceFile,
    evaluator: &'a mut Evaluator<'e>,
    refs: &'a mut BTreeMap<String, Vec<String>>,
}

/// The most instances one `count` makes: far beyond any real configuration, and small enough
/// that a hostile one cannot exhaust memory.
const MAX_COUNT: usize = 100_000;

const RESOURCE_META: &[&str] = &["count", "for_each", "provider", "depends_on"];

impl BodyEval<'_, '_> {
    fn eval(&mut self, expr: &Expression) -> Result<Value> {
        self.evaluator
            .eval(expr)
            .map_err(|e| e.into_error(self.file))
    }

    fn note_references(&mut self, path: &str, expr: &Expression) {
        let mut refs = Vec::new();
        references(expr, &mut refs);
        let mut targets: Vec<String> = Vec::new();
        for r in refs {
            if let [t, n, ..] = r.as_slice() {
                let key = format!("{t}.{n}");
                if t != "data" && self.def.resources.contains_key(&key) && !targets.contains(&key) {
                    targets.push(key);
                }
            }
        }
        if !targets.is_empty() {
            self.refs.insert(path.to_string(), targets);
        }
    }

    fn body(&mut self, body: &Body, prefix: &str, top: bool) -> Result<BTreeMap<String, Value>> {
        let mut out = BTreeMap::new();
        let join = |k: &str| {
            if prefix.is_empty() {
                k.to_string()
            } else {
                format!("{prefix}.{k}")
            }
        };
        for attr in body.attributes() {
            let key = attr.key.as_str();
            if top && RESOURCE_META.contains(&key) {
                continue;
            }
            self.note_references(&join(key), &attr.value);
            let v = self.eval(&attr.value)?;
            out.insert(key.to_string(), v);
        }
        let mut blocks: BTreeMap<String, Value> = BTreeMap::new();
        for block in body.blocks() {
            let ident = block.ident.as_str();
            if top && matches!(ident, "lifecycle" | "provisioner" | "connection") {
                continue;
            }
            if ident == "dynamic" {
                self.dynamic(block, prefix, &mut blocks)?;
                continue;
            }
            let entry = blocks
                .entry(ident.to_string())
                .or_insert_with(|| Value::List(Vec::new()));
            let Value::List(items) = entry else { continue };
            let index = items.len();
            let object = self.body(&block.body, &join(&format!("{ident}.{index}")), false)?;
            if let Value::List(items) = blocks.get_mut(ident).expect("inserted above") {
                items.push(Value::Map(object));
            }
        }
        out.extend(blocks);
        Ok(out)
    }

    fn dynamic(
        &mut self,
        block: &hcl::edit::structure::Block,
        prefix: &str,
        blocks: &mut BTreeMap<String, Value>,
    ) -> Result<()> {
        let Some(label) = block.labels.first().map(|l| l.as_str().to_string()) else {
            return Err(self.file.error(
                block.span(),
                "a dynamic block needs the block type as its label",
            ));
        };
        let for_each = attribute(block, "for_each").ok_or_else(|| {
            self.file
                .error(block.span(), "a dynamic block needs for_each")
        })?;
        let iterator = match attribute(block, "iterator") {
            Some(e) => traversal_text(e)
                .ok_or_else(|| self.file.error(e.span(), "iterator must be a name"))?,
            None => label.clone(),
        };
        let content = block.body.get_blocks("content").next().ok_or_else(|| {
            self.file
                .error(block.span(), "a dynamic block needs a content block")
        })?;
        let collection = self.eval(for_each)?;
        let items =
            iterate(collection, for_each.span()).map_err(|e: EvalError| e.into_error(self.file))?;
        let Some(items) = items else {
            blocks.insert(label, Value::Unknown);
            return Ok(());
        };
        let entry = blocks
            .entry(label.clone())
            .or_insert_with(|| Value::List(Vec::new()));
        let start = match entry {
            Value::List(items) => items.len(),
            _ => return Ok(()),
        };
        let mut made = Vec::new();
        for (i, (key, value)) in items.into_iter().enumerate() {
            let mut it = BTreeMap::new();
            it.insert("key".to_string(), key);
            it.insert("value".to_string(), value);
            self.evaluator
                .locals
                .push((iterator.clone(), Value::Map(it)));
            let path = if prefix.is_empty() {
                format!("{label}.{}", start + i)
            } else {
                format!("{prefix}.{label}.{}", start + i)
            };
            let object = self.body(&content.body, &path, false);
            self.evaluator.locals.pop();
            made.push(Value::Map(object?));
        }
        if let Some(Value::List(items)) = blocks.get_mut(&label) {
            items.extend(made);
        }
        Ok(())
    }
}
