//! The expression evaluator: HCL's expression language over [`Value`]s, with unknowns and
//! sensitivity carried through every operation.
//!
//! hcl-rs has an evaluator of its own, but it knows neither unknown values nor Terraform's
//! references (`aws_instance.web[0].id`, `module.vpc.subnet_ids`), so plancost walks hcl-edit's
//! syntax tree itself; names are looked up through a [`Scope`] that the module walker provides.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::PathBuf;

use hcl::edit::Span;
use hcl::edit::expr::{
    BinaryOperator, Expression, ForExpr, FuncCall, ObjectKey, TraversalOperator, UnaryOperator,
};
use hcl::edit::template::{Directive, Element, Template};
use rust_decimal::Decimal;

use super::diagnostics::EvalError;
use super::functions;
use super::value::{Value, parse_number};

/// Marks a resource or data source instance object: an attribute the configuration does not set
/// is computed by the provider, hence unknown, rather than an error.
pub const COMPUTED_MARKER: &str = "\u{0}computed";

/// Where names come from: variables, locals, resources, modules, `count`/`each`, `path`.
pub trait Scope {
    /// Resolves `root.attrs[0].attrs[1]...`, using as many leading attribute names as the name
    /// needs (`var.x` uses one, `data.t.n` two). `Ok(None)`: not a name of this scope.
    fn resolve(&self, root: &str, attrs: &[&str]) -> Result<Option<(Value, usize)>, String>;
}

/// A scope that knows no names: variable defaults, `optional()` defaults, tfvars files.
pub struct EmptyScope;

impl Scope for EmptyScope {
    fn resolve(&self, _: &str, _: &[&str]) -> Result<Option<(Value, usize)>, String> {
        Ok(None)
    }
}

/// The largest value (string, list or object, nested values included) one expression may
/// produce. Real configurations stay far below it (a large IAM policy is a few kB); a hostile
/// one that doubles a string a few dozen times stops here instead of exhausting memory.
pub const MAX_VALUE_BYTES: usize = 16 << 20;

/// The most all expressions of one evaluation may produce together (each counted when it is
/// built, so nested ones count more than once): bounds the memory and time of configurations
/// that build many large values.
pub const MAX_PRODUCED_BYTES: usize = 512 << 20;

/// What functions that touch files need, and the evaluation's running size count.
#[derive(Debug, Clone, Default)]
pub struct FuncEnv {
    /// Relative paths in `file()` and `templatefile()` are relative to the root module, as they
    /// are when Terraform runs there.
    pub root_dir: PathBuf,
    /// Files outside this directory are never read.
    pub repo_root: PathBuf,
    /// Bytes produced so far, against [`MAX_PRODUCED_BYTES`].
    pub produced: std::cell::Cell<usize>,
}

/// Fails when a value is over [`MAX_VALUE_BYTES`], or when producing it takes the evaluation
/// over [`MAX_PRODUCED_BYTES`].
pub fn check_size(env: &FuncEnv, value: Value, span: Option<Range<usize>>) -> R {
    let size = value.approx_size();
    if size > MAX_VALUE_BYTES {
        return Err(EvalError::new(
            span,
            format!(
                "this value is larger than {} MiB; plancost does not evaluate values that large",
                MAX_VALUE_BYTES >> 20
            ),
        ));
    }
    let total = env.produced.get().saturating_add(size);
    env.produced.set(total);
    if total > MAX_PRODUCED_BYTES {
        return Err(EvalError::new(
            span,
            format!(
                "the configuration builds more than {} MiB of values; plancost stops here",
                MAX_PRODUCED_BYTES >> 20
            ),
        ));
    }
    Ok(value)
}

pub struct Evaluator<'a> {
    pub scope: &'a dyn Scope,
    pub env: &'a FuncEnv,
    /// `for` and `dynamic` iterator variables, innermost last.
    pub locals: Vec<(String, Value)>,
}

type R = Result<Value, EvalError>;

/// Evaluates an expression that may only use literals and functions (defaults, tfvars).
pub fn constant(expr: &Expression) -> Result<Value, String> {
    let env = FuncEnv::default();
    Evaluator::new(&EmptyScope, &env)
        .eval(expr)
        .map_err(|e| e.message)
}

impl<'a> Evaluator<'a> {
    pub fn new(scope: &'a dyn Scope, env: &'a FuncEnv) -> Self {
        Evaluator {
            scope,
            env,
            locals: Vec::new(),
        }
    }

    pub fn eval(&mut self, expr: &Expression) -> R {
        let value = self.eval_unchecked(expr)?;
        // Only expressions that build something new can grow a value; literals and references
        // are as large as their source or as a value checked when it was built.
        match expr {
            Expression::Array(_)
            | Expression::Object(_)
            | Expression::StringTemplate(_)
            | Expression::HeredocTemplate(_)
            | Expression::FuncCall(_)
            | Expression::ForExpr(_) => check_size(self.env, value, expr.span()),
            _ => Ok(value),
        }
    }

    fn eval_unchecked(&mut self, expr: &Expression) -> R {
        let span = expr.span();
        match expr {
            Expression::Null(_) => Ok(Value::Null),
            Expression::Bool(b) => Ok(Value::Bool(*b.value())),
            Expression::Number(n) => {
                let text = n.as_repr().map(|r| r.to_string());
                let parsed = match text.as_deref() {
                    Some(t) if !t.is_empty() => parse_number(t),
                    _ => parse_number(&n.value().to_string()),
                };
                parsed
                    .map(Value::Number)
                    .ok_or_else(|| EvalError::new(span, "number out of range"))
            }
            Expression::String(s) => Ok(Value::String(s.value().clone())),
            Expression::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items.iter() {
                    out.push(self.eval(item)?);
                }
                Ok(Value::List(out))
            }
            Expression::Object(object) => {
                let mut out = BTreeMap::new();
                for (key, value) in object.iter() {
                    let key = match key {
                        ObjectKey::Ident(i) => i.as_str().to_string(),
                        ObjectKey::Expression(e) => {
                            // `{ (local.k) = 1 }` and `{ "k" = 1 }`; a bare name is a string.
                            let k = match e {
                                Expression::Variable(v) => Value::str(v.as_str()),
                                e => self.eval(e)?,
                            };
                            let (k, _) = k.unmark();
                            match k {
                                Value::Unknown => return Ok(Value::Unknown),
                                k => k.to_template_string().ok_or_else(|| {
                                    EvalError::new(e.span(), "object keys must be strings")
                                })?,
                            }
                        }
                    };
                    let v = self.eval(value.expr())?;
                    out.insert(key, v);
                }
                Ok(Value::Map(out))
            }
            Expression::StringTemplate(t) => self.template(t, span),
            Expression::HeredocTemplate(h) => self.template(&h.template, span),
            Expression::Parenthesis(p) => self.eval(p.inner()),
            Expression::Variable(v) => self.variable(v.as_str(), &[], span).map(|(v, _)| v),
            Expression::Conditional(c) => {
                let (cond, marked) = self.eval(&c.cond_expr)?.unmark();
                let cond = match cond {
                    Value::Unknown => return Ok(Value::Unknown),
                    Value::Bool(b) => b,
                    Value::String(s) if s == "true" || s == "false" => s == "true",
                    other => {
                        return Err(EvalError::new(
                            c.cond_expr.span(),
                            format!("the condition must be a bool, not {}", other.type_name()),
                        ));
                    }
                };
                let v = if cond {
                    self.eval(&c.true_expr)?
                } else {
                    self.eval(&c.false_expr)?
                };
                Ok(v.mark(marked))
            }
            Expression::FuncCall(call) => self.call(call, span),
            Expression::Traversal(t) => self.traversal(&t.expr, &t.operators, span),
            Expression::UnaryOp(op) => {
                let (v, marked) = self.eval(&op.expr)?.unmark();
                let out = match (op.operator.value(), v) {
                    (_, Value::Unknown) => Value::Unknown,
                    (UnaryOperator::Neg, v) => Value::Number(-number(&v, op.expr.span())?),
                    (UnaryOperator::Not, v) => Value::Bool(!boolean(&v, op.expr.span())?),
                };
                Ok(out.mark(marked))
            }
            Expression::BinaryOp(op) => {
                let operator = *op.operator.value();
                let (lhs, lm) = self.eval(&op.lhs_expr)?.unmark();
                // `&&` and `||` decide on a known left side alone.
                match (operator, &lhs) {
                    (BinaryOperator::And, Value::Bool(false)) => {
                        return Ok(Value::Bool(false).mark(lm));
                    }
                    (BinaryOperator::Or, Value::Bool(true)) => {
                        return Ok(Value::Bool(true).mark(lm));
                    }
                    _ => {}
                }
                let (rhs, rm) = self.eval(&op.rhs_expr)?.unmark();
                binary(operator, lhs, rhs, span).map(|v| v.mark(lm || rm))
            }
            Expression::ForExpr(f) => self.for_expr(f, span),
        }
    }

    fn template(&mut self, template: &Template, span: Option<Range<usize>>) -> R {
        // A template of one interpolation and nothing else is the interpolated value itself.
        let elements: Vec<&Element> = template.iter().collect();
        if let [Element::Interpolation(i)] = elements.as_slice() {
            return self.eval(&i.expr);
        }
        let mut out = String::new();
        let mut unknown = false;
        let mut marked = false;
        self.render(template, &mut out, &mut unknown, &mut marked, span)?;
        if unknown {
            return Ok(Value::Unknown.mark(marked));
        }
        Ok(Value::String(out).mark(marked))
    }

    fn render(
        &mut self,
        template: &Template,
        out: &mut String,
        unknown: &mut bool,
        marked: &mut bool,
        span: Option<Range<usize>>,
    ) -> Result<(), EvalError> {
        for element in template.iter() {
            if out.len() > MAX_VALUE_BYTES {
                return Err(EvalError::new(
                    span,
                    format!(
                        "this template renders more than {} MiB; plancost does not evaluate values that large",
                        MAX_VALUE_BYTES >> 20
                    ),
                ));
            }
            match element {
                Element::Literal(s) => out.push_str(s.value()),
                Element::Interpolation(i) => {
                    let (v, m) = self.eval(&i.expr)?.unmark();
                    *marked |= m;
                    match v {
                        Value::Unknown => *unknown = true,
                        Value::Null => {
                            return Err(EvalError::new(
                                i.expr.span().or(span.clone()),
                                "cannot include a null value in a string template",
                            ));
                        }
                        v => out.push_str(&v.to_template_string().ok_or_else(|| {
                            EvalError::new(
                                i.expr.span().or(span.clone()),
                                format!("cannot include a {} in a string template", v.type_name()),
                            )
                        })?),
                    }
                }
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(ifd) => {
                        let (cond, m) = self.eval(&ifd.if_expr.cond_expr)?.unmark();
                        *marked |= m;
                        match cond {
                            Value::Unknown => *unknown = true,
                            v => {
                                if boolean(&v, ifd.if_expr.cond_expr.span())? {
                                    self.render(
                                        &ifd.if_expr.template,
                                        out,
                                        unknown,
                                        marked,
                                        span.clone(),
                                    )?;
                                } else if let Some(e) = &ifd.else_expr {
                                    self.render(&e.template, out, unknown, marked, span.clone())?;
                                }
                            }
                        }
                    }
                    Directive::For(ford) => {
                        let f = &ford.for_expr;
                        let (collection, m) = self.eval(&f.collection_expr)?.unmark();
                        *marked |= m;
                        let items = match iterate(collection, f.collection_expr.span())? {
                            Some(items) => items,
                            None => {
                                *unknown = true;
                                continue;
                            }
                        };
                        for (k, v) in items {
                            let pushed = self.push_iter(
                                f.key_var.as_ref().map(|k| k.as_str()),
                                f.value_var.as_str(),
                                k,
                                v,
                            );
                            let r = self.render(&f.template, out, unknown, marked, span.clone());
                            self.locals.truncate(self.locals.len() - pushed);
                            r?;
                        }
                    }
                },
            }
        }
        Ok(())
    }

    fn push_iter(
        &mut self,
        key_var: Option<&str>,
        value_var: &str,
        key: Value,
        value: Value,
    ) -> usize {
        let mut n = 1;
        if let Some(k) = key_var {
            self.locals.push((k.to_string(), key));
            n += 1;
        }
        self.locals.push((value_var.to_string(), value));
        n
    }

    fn for_expr(&mut self, f: &ForExpr, span: Option<Range<usize>>) -> R {
        let (collection, marked) = self.eval(&f.intro.collection_expr)?.unmark();
        let Some(items) = iterate(collection, f.intro.collection_expr.span())? else {
            return Ok(Value::Unknown);
        };
        let key_var = f.intro.key_var.as_ref().map(|k| k.as_str().to_string());
        let value_var = f.intro.value_var.as_str().to_string();
        let mut list = Vec::new();
        let mut map: BTreeMap<String, Value> = BTreeMap::new();
        let mut grouped: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        let mut unknown = false;
        let mut size = 0usize;
        for (k, v) in items {
            let pushed = self.push_iter(key_var.as_deref(), &value_var, k, v);
            let result = (|| -> Result<(), EvalError> {
                if let Some(cond) = &f.cond {
                    let (c, _) = self.eval(&cond.expr)?.unmark();
                    match c {
                        Value::Unknown => {
                            unknown = true;
                            return Ok(());
                        }
                        c => {
                            if !boolean(&c, cond.expr.span())? {
                                return Ok(());
                            }
                        }
                    }
                }
                let value = self.eval(&f.value_expr)?;
                size = size.saturating_add(value.approx_size());
                if size > MAX_VALUE_BYTES {
                    return Err(EvalError::new(
                        f.value_expr.span(),
                        format!(
                            "this for expression builds more than {} MiB; plancost does not evaluate values that large",
                            MAX_VALUE_BYTES >> 20
                        ),
                    ));
                }
                match &f.key_expr {
                    None => list.push(value),
                    Some(key_expr) => {
                        let (key, _) = self.eval(key_expr)?.unmark();
                        let key = match key {
                            Value::Unknown => {
                                unknown = true;
                                return Ok(());
                            }
                            k => k.to_template_string().ok_or_else(|| {
                                EvalError::new(
                                    key_expr.span(),
                                    "for expression keys must be strings",
                                )
                            })?,
                        };
                        if f.grouping {
                            grouped.entry(key).or_default().push(value);
                        } else if map.insert(key.clone(), value).is_some() {
                            return Err(EvalError::new(
                                key_expr.span(),
                                format!(
                                    "duplicate key {key:?} in a for expression (use ... to group)"
                                ),
                            ));
                        }
                    }
                }
                Ok(())
            })();
            self.locals.truncate(self.locals.len() - pushed);
            result.map_err(|e| e.at(span.clone()))?;
        }
        if unknown {
            return Ok(Value::Unknown);
        }
        let out = match &f.key_expr {
            None => Value::List(list),
            Some(_) if f.grouping => Value::Map(
                grouped
                    .into_iter()
                    .map(|(k, v)| (k, Value::List(v)))
                    .collect(),
            ),
            Some(_) => Value::Map(map),
        };
        Ok(out.mark(marked))
    }

    /// A root name with the attribute names that follow it.
    fn variable(
        &mut self,
        name: &str,
        attrs: &[&str],
        span: Option<Range<usize>>,
    ) -> Result<(Value, usize), EvalError> {
        if let Some((_, v)) = self.locals.iter().rev().find(|(n, _)| n == name) {
            return Ok((v.clone(), 0));
        }
        match self.scope.resolve(name, attrs) {
            Ok(Some(found)) => Ok(found),
            Ok(None) => Err(EvalError::new(
                span,
                format!(
                    "unknown name {name:?} (not a variable, local, resource or module of this scope)"
                ),
            )),
            Err(message) => Err(EvalError::new(span, message)),
        }
    }

    fn traversal(
        &mut self,
        root: &Expression,
        operators: &[hcl::edit::Decorated<TraversalOperator>],
        span: Option<Range<usize>>,
    ) -> R {
        let (mut value, mut rest) = match root {
            Expression::Variable(v) => {
                let attrs: Vec<&str> = operators
                    .iter()
                    .map_while(|op| match op.value() {
                        TraversalOperator::GetAttr(a) => Some(a.as_str()),
                        _ => None,
                    })
                    .collect();
                let (value, used) = self.variable(v.as_str(), &attrs, span.clone())?;
                (value, &operators[used..])
            }
            e => (self.eval(e)?, operators),
        };
        while let Some((op, tail)) = rest.split_first() {
            rest = tail;
            match op.value() {
                TraversalOperator::GetAttr(a) => {
                    value = get_attr(value, a.as_str(), op.span().or(span.clone()))?
                }
                TraversalOperator::Index(index) => {
                    let key = self.eval(index)?;
                    value = index_value(value, key, index.span().or(span.clone()))?;
                }
                TraversalOperator::LegacyIndex(i) => {
                    value = index_value(
                        value,
                        Value::Number(Decimal::from(*i.value())),
                        span.clone(),
                    )?;
                }
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    let full = matches!(op.value(), TraversalOperator::FullSplat(_));
                    // An attribute splat applies only the attribute steps that follow it.
                    let count = if full {
                        rest.len()
                    } else {
                        rest.iter()
                            .take_while(|o| matches!(o.value(), TraversalOperator::GetAttr(_)))
                            .count()
                    };
                    let (each_ops, after) = rest.split_at(count);
                    rest = after;
                    let (v, marked) = value.unmark();
                    let items = match v {
                        Value::Unknown => {
                            value = Value::Unknown;
                            continue;
                        }
                        Value::Null => Vec::new(),
                        Value::List(items) => items,
                        other => vec![other],
                    };
                    let mut out = Vec::with_capacity(items.len());
                    for item in items {
                        out.push(self.apply_ops(item, each_ops, span.clone())?);
                    }
                    value = Value::List(out).mark(marked);
                }
            }
        }
        Ok(value)
    }

    fn apply_ops(
        &mut self,
        mut value: Value,
        ops: &[hcl::edit::Decorated<TraversalOperator>],
        span: Option<Range<usize>>,
    ) -> R {
        for op in ops {
            value = match op.value() {
                TraversalOperator::GetAttr(a) => get_attr(value, a.as_str(), span.clone())?,
                TraversalOperator::Index(index) => {
                    let key = self.eval(index)?;
                    index_value(value, key, span.clone())?
                }
                TraversalOperator::LegacyIndex(i) => index_value(
                    value,
                    Value::Number(Decimal::from(*i.value())),
                    span.clone(),
                )?,
                // A splat inside a splat flattens nothing in Terraform either; keep the value.
                _ => value,
            };
        }
        Ok(value)
    }

    fn call(&mut self, call: &FuncCall, span: Option<Range<usize>>) -> R {
        let name = call.name.name.as_str();
        if call.name.is_namespaced() {
            return Err(EvalError::new(
                span,
                format!("provider-defined function {name}() is not supported"),
            ));
        }
        match name {
            // try() and can() catch errors of their arguments, so evaluate them lazily.
            "try" => {
                let mut last = None;
                for arg in call.args.iter() {
                    match self.eval(arg) {
                        Ok(v) if v.is_unknown() => return Ok(Value::Unknown),
                        Ok(v) => return Ok(v),
                        Err(e) => last = Some(e),
                    }
                }
                return Err(last
                    .map(|e| {
                        EvalError::new(
                            span.clone(),
                            format!("no argument of try() succeeded: {}", e.message),
                        )
                    })
                    .unwrap_or_else(|| EvalError::new(span, "try() needs at least one argument")));
            }
            "can" => {
                let [arg] = call.args.iter().collect::<Vec<_>>()[..] else {
                    return Err(EvalError::new(span, "can() takes one argument"));
                };
                return Ok(match self.eval(arg) {
                    Ok(v) if v.is_unknown() => Value::Unknown,
                    Ok(_) => Value::Bool(true),
                    Err(_) => Value::Bool(false),
                });
            }
            _ => {}
        }
        let mut args = Vec::with_capacity(call.args.len());
        let count = call.args.len();
        for (i, arg) in call.args.iter().enumerate() {
            let v = self.eval(arg)?;
            if i + 1 == count && call.args.expand_final() {
                let (v, m) = v.unmark();
                match v {
                    Value::List(items) => args.extend(items.into_iter().map(|x| x.mark(m))),
                    Value::Unknown => return Ok(Value::Unknown),
                    other => {
                        return Err(EvalError::new(
                            arg.span(),
                            format!(
                                "only a list can be expanded with ..., not {}",
                                other.type_name()
                            ),
                        ));
                    }
                }
            } else {
                args.push(v);
            }
        }
        functions::call(name, args, self.env)
            .map_err(|m| EvalError::new(span, format!("{name}(): {m}")))
    }
}

/// Items of a collection for `for` expressions and `dynamic` blocks: lists give index keys, maps
/// give their keys. `None` when the collection is unknown.
pub fn iterate(
    value: Value,
    span: Option<Range<usize>>,
) -> Result<Option<Vec<(Value, Value)>>, EvalError> {
    match value {
        Value::Unknown => Ok(None),
        Value::List(items) => Ok(Some(
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| (Value::Number(Decimal::from(i)), v))
                .collect(),
        )),
        Value::Map(map) => Ok(Some(
            map.into_iter()
                .filter(|(k, _)| k != COMPUTED_MARKER)
                .map(|(k, v)| (Value::String(k), v))
                .collect(),
        )),
        Value::Sensitive(v) => iterate(*v, span),
        other => Err(EvalError::new(
            span,
            format!("cannot iterate over a {}", other.type_name()),
        )),
    }
}

pub fn get_attr(value: Value, name: &str, span: Option<Range<usize>>) -> R {
    let (value, marked) = value.unmark();
    let out = match value {
        Value::Unknown => Value::Unknown,
        Value::Map(mut map) => match map.remove(name) {
            Some(v) => v,
            None if map.contains_key(COMPUTED_MARKER) => Value::Unknown,
            None => {
                return Err(EvalError::new(
                    span,
                    format!("this object has no attribute {name:?}"),
                ));
            }
        },
        Value::Null => {
            return Err(EvalError::new(
                span,
                format!("cannot read attribute {name:?} of a null value"),
            ));
        }
        Value::List(_) => {
            return Err(EvalError::new(
                span,
                format!("cannot read attribute {name:?} of a list (use [*].{name} or an index)"),
            ));
        }
        other => {
            return Err(EvalError::new(
                span,
                format!("cannot read attribute {name:?} of a {}", other.type_name()),
            ));
        }
    };
    Ok(out.mark(marked))
}

pub fn index_value(value: Value, key: Value, span: Option<Range<usize>>) -> R {
    let (value, vm) = value.unmark();
    let (key, km) = key.unmark();
    let marked = vm || km;
    let out = match (value, key) {
        (Value::Unknown, _) | (_, Value::Unknown) => Value::Unknown,
        (Value::List(mut items), key) => {
            let i = number(&key, span.clone())?;
            let index = usize::try_from(i)
                .ok()
                .filter(|x| *x < items.len() && Decimal::from(*x) == i)
                .ok_or_else(|| {
                    EvalError::new(
                        span.clone(),
                        format!(
                            "index {i} is out of range for a list of {} elements",
                            items.len()
                        ),
                    )
                })?;
            items.swap_remove(index)
        }
        (Value::Map(mut map), key) => {
            let k = key
                .to_template_string()
                .ok_or_else(|| EvalError::new(span.clone(), "a map key must be a string"))?;
            match map.remove(&k) {
                Some(v) => v,
                None => {
                    return Err(EvalError::new(span, format!("the map has no key {k:?}")));
                }
            }
        }
        (Value::Null, _) => return Err(EvalError::new(span, "cannot index a null value")),
        (other, _) => {
            return Err(EvalError::new(
                span,
                format!("cannot index a {}", other.type_name()),
            ));
        }
    };
    Ok(out.mark(marked))
}

pub fn number(value: &Value, span: Option<Range<usize>>) -> Result<Decimal, EvalError> {
    match value {
        Value::Number(n) => Ok(*n),
        Value::String(s) => {
            parse_number(s).ok_or_else(|| EvalError::new(span, "a number is required"))
        }
        Value::Sensitive(v) => number(v, span),
        other => Err(EvalError::new(
            span,
            format!("a number is required, not {}", other.type_name()),
        )),
    }
}

pub fn boolean(value: &Value, span: Option<Range<usize>>) -> Result<bool, EvalError> {
    match value {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s == "true" => Ok(true),
        Value::String(s) if s == "false" => Ok(false),
        Value::Sensitive(v) => boolean(v, span),
        other => Err(EvalError::new(
            span,
            format!("a bool is required, not {}", other.type_name()),
        )),
    }
}

/// Structural equality as Terraform's `==`: numbers by value, collections element by element.
pub fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y,
        (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| equal(a, b))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((ka, va), (kb, vb))| ka == kb && equal(va, vb))
        }
        (Value::Sensitive(x), y) | (y, Value::Sensitive(x)) => equal(x, y),
        (x, y) => x == y,
    }
}

fn binary(op: BinaryOperator, lhs: Value, rhs: Value, span: Option<Range<usize>>) -> R {
    use BinaryOperator::*;
    if lhs.has_unknown() || rhs.has_unknown() {
        // Comparing a known value against null is still unknown if the other side is unknown.
        return Ok(Value::Unknown);
    }
    Ok(match op {
        Eq => Value::Bool(equal(&lhs, &rhs)),
        NotEq => Value::Bool(!equal(&lhs, &rhs)),
        And => Value::Bool(boolean(&lhs, span.clone())? && boolean(&rhs, span)?),
        Or => Value::Bool(boolean(&lhs, span.clone())? || boolean(&rhs, span)?),
        _ => {
            let a = number(&lhs, span.clone())?;
            let b = number(&rhs, span.clone())?;
            let overflow = || EvalError::new(span.clone(), "number out of range");
            match op {
                Less => Value::Bool(a < b),
                LessEq => Value::Bool(a <= b),
                Greater => Value::Bool(a > b),
                GreaterEq => Value::Bool(a >= b),
                Plus => Value::Number(a.checked_add(b).ok_or_else(overflow)?),
                Minus => Value::Number(a.checked_sub(b).ok_or_else(overflow)?),
                Mul => Value::Number(a.checked_mul(b).ok_or_else(overflow)?),
                Div => {
                    if b.is_zero() {
                        return Err(EvalError::new(span, "division by zero"));
                    }
                    Value::Number(a.checked_div(b).ok_or_else(overflow)?)
                }
                Mod => {
                    if b.is_zero() {
                        return Err(EvalError::new(span, "modulo by zero"));
                    }
                    Value::Number(a.checked_rem(b).ok_or_else(overflow)?)
                }
                _ => unreachable!("handled above"),
            }
        }
    })
}

/// Every reference in an expression as its root name and up to three attribute names that
/// follow it (`module.vpc.subnet_ids` → `["module", "vpc", "subnet_ids"]`), for the graph.
pub fn references(expr: &Expression, out: &mut Vec<Vec<String>>) {
    match expr {
        Expression::Variable(v) => out.push(vec![v.as_str().to_string()]),
        Expression::Traversal(t) => {
            if let Expression::Variable(v) = &t.expr {
                let mut steps = vec![v.as_str().to_string()];
                for op in &t.operators {
                    match op.value() {
                        TraversalOperator::GetAttr(a) if steps.len() < 4 => {
                            steps.push(a.as_str().to_string())
                        }
                        // `module.m[0].out`: keep looking for the output name past the key.
                        TraversalOperator::Index(_) | TraversalOperator::LegacyIndex(_)
                            if steps.len() == 2 && steps[0] == "module" => {}
                        _ => break,
                    }
                }
                out.push(steps);
            } else {
                references(&t.expr, out);
            }
            for op in &t.operators {
                if let TraversalOperator::Index(e) = op.value() {
                    references(e, out);
                }
            }
        }
        Expression::Array(items) => items.iter().for_each(|e| references(e, out)),
        Expression::Object(object) => {
            for (k, v) in object.iter() {
                if let ObjectKey::Expression(e) = k {
                    if !matches!(e, Expression::Variable(_)) {
                        references(e, out);
                    }
                }
                references(v.expr(), out);
            }
        }
        Expression::StringTemplate(t) => template_references(t, out),
        Expression::HeredocTemplate(h) => template_references(&h.template, out),
        Expression::Parenthesis(p) => references(p.inner(), out),
        Expression::Conditional(c) => {
            references(&c.cond_expr, out);
            references(&c.true_expr, out);
            references(&c.false_expr, out);
        }
        Expression::FuncCall(f) => f.args.iter().for_each(|e| references(e, out)),
        Expression::UnaryOp(u) => references(&u.expr, out),
        Expression::BinaryOp(b) => {
            references(&b.lhs_expr, out);
            references(&b.rhs_expr, out);
        }
        Expression::ForExpr(f) => {
            references(&f.intro.collection_expr, out);
            if let Some(k) = &f.key_expr {
                references(k, out);
            }
            references(&f.value_expr, out);
            if let Some(c) = &f.cond {
                references(&c.expr, out);
            }
        }
        Expression::Null(_)
        | Expression::Bool(_)
        | Expression::Number(_)
        | Expression::String(_) => {}
    }
}

fn template_references(template: &Template, out: &mut Vec<Vec<String>>) {
    for element in template.iter() {
        match element {
            Element::Literal(_) => {}
            Element::Interpolation(i) => references(&i.expr, out),
            Element::Directive(d) => match d.as_ref() {
                Directive::If(i) => {
                    references(&i.if_expr.cond_expr, out);
                    template_references(&i.if_expr.template, out);
                    if let Some(e) = &i.else_expr {
                        template_references(&e.template, out);
                    }
                }
                Directive::For(f) => {
                    references(&f.for_expr.collection_expr, out);
                    template_references(&f.for_expr.template, out);
                }
            },
        }
    }
}

/// Evaluates a template text (templatefile) with `vars` as its only names.
pub fn render_template_text(
    text: &str,
    vars: BTreeMap<String, Value>,
    env: &FuncEnv,
) -> Result<Value, String> {
    let template = hcl::edit::parser::parse_template(text).map_err(|e| {
        format!(
            "template syntax error at {}:{}: {}",
            e.location().line(),
            e.location().column(),
            e.message()
        )
    })?;
    let mut evaluator = Evaluator::new(&EmptyScope, env);
    evaluator.locals = vars.into_iter().collect();
    let mut out = String::new();
    let mut unknown = false;
    let mut marked = false;
    evaluator
        .render(&template, &mut out, &mut unknown, &mut marked, None)
        .map_err(|e| e.message)?;
    if unknown {
        return Ok(Value::Unknown);
    }
    Ok(Value::String(out).mark(marked))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(text: &str) -> Value {
        let expr = hcl::edit::parser::parse_expr(text).unwrap();
        let env = FuncEnv::default();
        Evaluator::new(&EmptyScope, &env).eval(&expr).unwrap()
    }

    fn n(s: &str) -> Value {
        Value::Number(s.parse().unwrap())
    }

    #[test]
    fn arithmetic_is_exact() {
        // 15 * (100 - 80) / 100 = 3 exactly (f64 would give 3.0000000000000004).
        assert_eq!(eval("ceil(15 * (100 - 80) / 100)"), n("3"));
        assert_eq!(eval("0.1 + 0.2"), n("0.3"));
        assert_eq!(eval("7 % 3"), n("1"));
    }

    #[test]
    fn for_expressions_templates_and_conditionals() {
        assert_eq!(
            eval(r#"[for i, v in ["a", "b"] : "${i}-${v}" if v != "c"]"#),
            Value::List(vec![Value::str("0-a"), Value::str("1-b")])
        );
        assert_eq!(
            eval(r#"{ for k, v in { a = 1, b = 2 } : v => k }["2"]"#),
            Value::str("b")
        );
        assert_eq!(eval(r#"true ? "x" : "y""#), Value::str("x"));
        assert_eq!(
            eval(r#""%{ for x in [1, 2] }${x},%{ endfor }""#),
            Value::str("1,2,")
        );
        assert_eq!(
            eval(r#"[{ a = 1 }, { a = 2 }][*].a"#),
            Value::List(vec![n("1"), n("2")])
        );
        assert_eq!(
            eval(r#"{ for v in ["a", "b", "a"] : v => v... }["a"]"#),
            Value::List(vec![Value::str("a"), Value::str("a")])
        );
    }

    #[test]
    fn unknown_values_propagate() {
        let expr = hcl::edit::parser::parse_expr(r#"x + 1"#).unwrap();
        let env = FuncEnv::default();
        let mut e = Evaluator::new(&EmptyScope, &env);
        e.locals.push(("x".into(), Value::Unknown));
        assert_eq!(e.eval(&expr).unwrap(), Value::Unknown);
        let expr = hcl::edit::parser::parse_expr(r#"length([x, x])"#).unwrap();
        assert_eq!(e.eval(&expr).unwrap(), n("2"));
    }
}
