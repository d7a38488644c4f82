//! One module directory read into its declarations: variables, locals, outputs, resources, data
//! sources, module calls and provider configurations. Nothing is evaluated here.
//!
//! `*.tf` files are parsed with hcl-edit (through hcl-rs), which keeps the byte span of every
//! expression so that evaluation errors can name a line and column. `*.tf.json` files are turned
//! into the equivalent native syntax first (Terraform's JSON syntax is a mechanical encoding of
//! it), then parsed the same way.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use hcl::edit::Span;
use hcl::edit::expr::{Expression, FuncCall};
use hcl::edit::structure::{Block, Body};

use crate::error::{Error, Result};

use super::diagnostics::SourceFile;
use super::value::{ObjectAttr, Type, Value};

/// An expression and the file it was written in.
#[derive(Debug, Clone)]
pub struct Located<T> {
    pub file: usize,
    pub value: T,
}

#[derive(Debug)]
pub struct VariableDecl {
    pub file: usize,
    pub span: Option<std::ops::Range<usize>>,
    pub ty: Type,
    pub default: Option<Expression>,
    pub sensitive: bool,
    pub nullable: bool,
}

#[derive(Debug)]
pub struct OutputDecl {
    pub file: usize,
    pub value: Expression,
    pub sensitive: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Managed,
    Data,
}

#[derive(Debug)]
pub struct ResourceDecl {
    pub file: usize,
    pub mode: Mode,
    pub resource_type: String,
    pub name: String,
    pub block: Block,
    pub count: Option<Expression>,
    pub for_each: Option<Expression>,
    /// `provider = aws.west` as `aws.west`; the default provider of the type's prefix otherwise.
    pub provider: String,
}

impl ResourceDecl {
    /// `aws_instance.web`, or `data.aws_ami.ubuntu`.
    pub fn key(&self) -> String {
        resource_key(self.mode, &self.resource_type, &self.name)
    }
}

pub fn resource_key(mode: Mode, resource_type: &str, name: &str) -> String {
    match mode {
        Mode::Managed => format!("{resource_type}.{name}"),
        Mode::Data => format!("data.{resource_type}.{name}"),
    }
}

#[derive(Debug)]
pub struct CallDecl {
    pub file: usize,
    pub span: Option<std::ops::Range<usize>>,
    pub source: String,
    pub block: Block,
    pub count: Option<Expression>,
    pub for_each: Option<Expression>,
    /// `providers = { aws = aws.west }`: provider in the child → provider in the caller.
    pub providers: BTreeMap<String, String>,
}

#[derive(Debug)]
pub struct ProviderDecl {
    pub file: usize,
    /// `aws` or `aws.alias`.
    pub reference: String,
    pub region: Option<Expression>,
}

/// The arguments of a module block that are not input variables.
pub const CALL_META: &[&str] = &[
    "source",
    "version",
    "count",
    "for_each",
    "providers",
    "depends_on",
];

#[derive(Debug, Default)]
pub struct ModuleDef {
    pub dir: PathBuf,
    pub files: Vec<SourceFile>,
    pub variables: BTreeMap<String, VariableDecl>,
    pub locals: BTreeMap<String, Located<Expression>>,
    pub outputs: BTreeMap<String, OutputDecl>,
    pub resources: BTreeMap<String, ResourceDecl>,
    pub calls: BTreeMap<String, CallDecl>,
    pub providers: Vec<ProviderDecl>,
}

/// Reads every `*.tf` and `*.tf.json` file of `dir` (not its subdirectories), in name order.
pub fn load_module(dir: &Path) -> Result<ModuleDef> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Error::input(dir, format!("cannot read the module directory: {e}")))?;
    let mut paths: Vec<PathBuf> = Vec::new();
    for entry in entries.filter_map(|e| e.ok()) {
        let p = entry.path();
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if !(name.ends_with(".tf") || name.ends_with(".tf.json")) {
            continue;
        }
        // Follows symbolic links; a link loop or a dangling link named like a Terraform file
        // is an error rather than a file silently left out of the estimate.
        match std::fs::metadata(&p) {
            Ok(meta) if meta.is_file() => paths.push(p),
            Ok(_) => {}
            Err(e) => return Err(Error::input(&p, format!("cannot read: {e}"))),
        }
    }
    paths.sort();
    let mut module = ModuleDef {
        dir: dir.to_path_buf(),
        ..ModuleDef::default()
    };
    for path in paths {
        let bytes =
            std::fs::read(&path).map_err(|e| Error::input(&path, format!("cannot read: {e}")))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            Error::input(
                &path,
                format!(
                    "is not UTF-8 text (invalid byte at offset {})",
                    e.utf8_error().valid_up_to()
                ),
            )
        })?;
        let is_json = path.to_string_lossy().ends_with(".json");
        let text = if is_json {
            let json: serde_json::Value =
                serde_json::from_str(&text).map_err(|e| Error::json(&path, &e))?;
            super::json_syntax::to_native(&json).map_err(|message| Error::input(&path, message))?
        } else {
            text
        };
        let file = SourceFile { path, text };
        let body = parse_body(&file)?;
        let index = module.files.len();
        module.files.push(file);
        add_body(&mut module, index, body)?;
    }
    Ok(module)
}

/// Parses a whole file; syntax errors carry hcl-edit's line and column.
pub fn parse_body(file: &SourceFile) -> Result<Body> {
    hcl::edit::parser::parse_body(&file.text).map_err(|e| {
        let location = e.location();
        // hcl-edit's location is 1-based already.
        let offset = location.offset();
        let mut err = file.error(
            Some(offset..offset + 1),
            format!("syntax error: {}", e.message()),
        );
        if let Error::Input { position, .. } = &mut err {
            *position = Some(crate::error::Position {
                line: location.line(),
                column: location.column(),
            });
        }
        err
    })
}

fn add_body(module: &mut ModuleDef, file: usize, body: Body) -> Result<()> {
    for structure in body.into_iter() {
        let Ok(block) = structure.into_block() else {
            // Top-level attributes are not Terraform; Terraform rejects them, plancost ignores them.
            continue;
        };
        let f = &module.files[file];
        let labels: Vec<String> = block
            .labels
            .iter()
            .map(|l| l.as_str().to_string())
            .collect();
        let label = |i: usize| {
            labels.get(i).cloned().ok_or_else(|| {
                f.error(
                    block.span(),
                    format!("a {} block needs {} label(s)", block.ident.as_str(), i + 1),
                )
            })
        };
        match block.ident.as_str() {
            "variable" => {
                let name = label(0)?;
                let ty = match attribute(&block, "type") {
                    Some(expr) => parse_type(expr).map_err(|m| f.error(expr.span(), m))?,
                    None => Type::Any,
                };
                let decl = VariableDecl {
                    file,
                    span: block.span(),
                    ty,
                    default: attribute(&block, "default").cloned(),
                    sensitive: attribute(&block, "sensitive").and_then(Expression::as_bool)
                        == Some(true),
                    nullable: attribute(&block, "nullable").and_then(Expression::as_bool)
                        != Some(false),
                };
                if module.variables.contains_key(&name) {
                    return Err(f.error(
                        block.span(),
                        format!("variable {name:?} is declared twice in this module"),
                    ));
                }
                module.variables.insert(name, decl);
            }
            "locals" => {
                for attr in block.body.attributes() {
                    module.locals.insert(
                        attr.key.as_str().to_string(),
                        Located {
                            file,
                            value: attr.value.clone(),
                        },
                    );
                }
            }
            "output" => {
                let name = label(0)?;
                let value = attribute(&block, "value").cloned().ok_or_else(|| {
                    f.error(block.span(), format!("output {name:?} has no value"))
                })?;
                let sensitive =
                    attribute(&block, "sensitive").and_then(Expression::as_bool) == Some(true);
                module.outputs.insert(
                    name,
                    OutputDecl {
                        file,
                        value,
                        sensitive,
                    },
                );
            }
            "resource" | "data" => {
                let mode = if block.ident.as_str() == "data" {
                    Mode::Data
                } else {
                    Mode::Managed
                };
                let resource_type = label(0)?;
                let name = label(1)?;
                let provider = match attribute(&block, "provider") {
                    Some(expr) => traversal_text(expr).ok_or_else(|| {
                        f.error(expr.span(), "provider must be a reference such as aws.west")
                    })?,
                    None => default_provider(&resource_type),
                };
                let decl = ResourceDecl {
                    file,
                    mode,
                    resource_type,
                    name,
                    count: attribute(&block, "count").cloned(),
                    for_each: attribute(&block, "for_each").cloned(),
                    provider,
                    block,
                };
                if module.resources.contains_key(&decl.key()) {
                    return Err(f.error(
                        decl.block.span(),
                        format!("{} is declared twice in this module", decl.key()),
                    ));
                }
                module.resources.insert(decl.key(), decl);
            }
            "module" => {
                let name = label(0)?;
                let source = attribute(&block, "source")
                    .and_then(|e| e.as_str().map(str::to_string))
                    .ok_or_else(|| {
                        f.error(
                            block.span(),
                            format!("module {name:?} needs a literal source"),
                        )
                    })?;
                let mut providers = BTreeMap::new();
                if let Some(expr) = attribute(&block, "providers") {
                    let Some(object) = expr.as_object() else {
                        return Err(f.error(
                            expr.span(),
                            "providers must be a map of provider references",
                        ));
                    };
                    for (key, value) in object.iter() {
                        let child = match key {
                            hcl::edit::expr::ObjectKey::Ident(i) => i.as_str().to_string(),
                            hcl::edit::expr::ObjectKey::Expression(e) => traversal_text(e)
                                .or_else(|| e.as_str().map(str::to_string))
                                .unwrap_or_default(),
                        };
                        let parent = traversal_text(value.expr()).ok_or_else(|| {
                            f.error(
                                value.expr().span(),
                                "expected a provider reference such as aws.west",
                            )
                        })?;
                        providers.insert(child, parent);
                    }
                }
                let decl = CallDecl {
                    file,
                    span: block.span(),
                    source,
                    count: attribute(&block, "count").cloned(),
                    for_each: attribute(&block, "for_each").cloned(),
                    providers,
                    block,
                };
                if module.calls.contains_key(&name) {
                    return Err(f.error(
                        decl.span.clone(),
                        format!("module {name:?} is declared twice in this module"),
                    ));
                }
                module.calls.insert(name, decl);
            }
            "provider" => {
                let name = label(0)?;
                let alias = attribute(&block, "alias").and_then(|e| e.as_str().map(str::to_string));
                let reference = match alias {
                    Some(a) => format!("{name}.{a}"),
                    None => name,
                };
                module.providers.push(ProviderDecl {
                    file,
                    reference,
                    region: attribute(&block, "region").cloned(),
                });
            }
            // terraform, moved, import, removed, check: nothing to price.
            _ => {}
        }
    }
    Ok(())
}

pub fn attribute<'a>(block: &'a Block, key: &str) -> Option<&'a Expression> {
    block.body.get_attribute(key).map(|a| &a.value)
}

/// `aws_instance` → `aws` (Terraform's implied provider of a resource type).
fn default_provider(resource_type: &str) -> String {
    resource_type
        .split_once('_')
        .map_or(resource_type, |(p, _)| p)
        .to_string()
}

/// The text of a plain traversal such as `aws.west` (no indexes, no calls).
pub fn traversal_text(expr: &Expression) -> Option<String> {
    match expr {
        Expression::Variable(v) => Some(v.as_str().to_string()),
        Expression::Traversal(t) => {
            let mut text = traversal_text(&t.expr)?;
            for op in &t.operators {
                match op.value() {
                    hcl::edit::expr::TraversalOperator::GetAttr(a) => {
                        text.push('.');
                        text.push_str(a.as_str());
                    }
                    _ => return None,
                }
            }
            Some(text)
        }
        _ => None,
    }
}

/// A type constraint expression: `string`, `list(map(number))`, `object({ a = optional(bool, true) })`.
pub fn parse_type(expr: &Expression) -> Result<Type, String> {
    match expr {
        Expression::Variable(v) => match v.as_str() {
            "string" => Ok(Type::String),
            "number" => Ok(Type::Number),
            "bool" => Ok(Type::Bool),
            "any" => Ok(Type::Any),
            other => Err(format!("unknown type {other:?}")),
        },
        // Terraform 0.11 quoted types.
        Expression::String(s) => match s.as_str() {
            "string" => Ok(Type::String),
            "list" => Ok(Type::List(Box::new(Type::Any))),
            "map" => Ok(Type::Map(Box::new(Type::Any))),
            other => Err(format!("unknown type {other:?}")),
        },
        Expression::FuncCall(call) => parse_type_call(call),
        Expression::Parenthesis(p) => parse_type(p.inner()),
        _ => Err("not a type constraint".into()),
    }
}

fn parse_type_call(call: &FuncCall) -> Result<Type, String> {
    let name = call.name.name.as_str();
    let args: Vec<&Expression> = call.args.iter().collect();
    let one = || -> Result<Type, String> {
        match args.as_slice() {
            [arg] => parse_type(arg),
            _ => Err(format!("{name}() takes one type")),
        }
    };
    match name {
        "list" => Ok(Type::List(Box::new(one()?))),
        "set" => Ok(Type::Set(Box::new(one()?))),
        "map" => Ok(Type::Map(Box::new(one()?))),
        "tuple" => match args.as_slice() {
            [Expression::Array(items)] => Ok(Type::Tuple(
                items.iter().map(parse_type).collect::<Result<_, _>>()?,
            )),
            _ => Err("tuple() takes a list of types".into()),
        },
        "object" => match args.as_slice() {
            [Expression::Object(object)] => {
                let mut attrs = Vec::new();
                for (key, value) in object.iter() {
                    let name = match key {
                        hcl::edit::expr::ObjectKey::Ident(i) => i.as_str().to_string(),
                        hcl::edit::expr::ObjectKey::Expression(e) => e
                            .as_str()
                            .map(str::to_string)
                            .ok_or("object attribute names must be names")?,
                    };
                    attrs.push(parse_object_attr(name, value.expr())?);
                }
                Ok(Type::Object(attrs))
            }
            _ => Err("object() takes an object of types".into()),
        },
        "optional" => Err("optional() is only allowed on an object attribute".into()),
        other => Err(format!("unknown type {other}()")),
    }
}

fn parse_object_attr(name: String, expr: &Expression) -> Result<ObjectAttr, String> {
    if let Expression::FuncCall(call) = expr {
        if call.name.name.as_str() == "optional" {
            let args: Vec<&Expression> = call.args.iter().collect();
            let (ty, default) = match args.as_slice() {
                [ty] => (parse_type(ty)?, None),
                [ty, default] => (parse_type(ty)?, Some(super::eval::constant(default)?)),
                _ => return Err("optional() takes a type and an optional default".into()),
            };
            return Ok(ObjectAttr {
                name,
                ty,
                optional: true,
                default: default.filter(|d: &Value| !matches!(d, Value::Null)),
            });
        }
    }
    Ok(ObjectAttr {
        name,
        ty: parse_type(expr)?,
        optional: false,
        default: None,
    })
}
