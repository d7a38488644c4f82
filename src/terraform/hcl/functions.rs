//! Terraform's built-in functions, over exact decimals. The list of what is supported (and what
//! is not) is in the README's "HCL mode" section; [`SUPPORTED`] is the same list in code.
//!
//! Unknown arguments give an unknown result, except for functions that only look at a
//! collection's shape (`length`, `merge`, `keys`, ...), which work on collections holding
//! unknowns. Sensitive arguments make the result sensitive.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::eval::{FuncEnv, equal, render_template_text};
use super::value::{Value, format_number, parse_number, set_of};

/// Every function plancost evaluates, in alphabetical order (`try` and `can` are evaluated by
/// the evaluator itself, since they catch their arguments' errors).
pub const SUPPORTED: &[&str] = &[
    "abs",
    "abspath",
    "alltrue",
    "anytrue",
    "basename",
    "can",
    "ceil",
    "chomp",
    "chunklist",
    "cidrhost",
    "cidrnetmask",
    "cidrsubnet",
    "cidrsubnets",
    "coalesce",
    "coalescelist",
    "compact",
    "concat",
    "contains",
    "dirname",
    "distinct",
    "element",
    "endswith",
    "file",
    "fileexists",
    "flatten",
    "floor",
    "format",
    "formatlist",
    "index",
    "indent",
    "join",
    "jsondecode",
    "jsonencode",
    "keys",
    "length",
    "log",
    "lookup",
    "lower",
    "max",
    "merge",
    "min",
    "nonsensitive",
    "one",
    "parseint",
    "pow",
    "range",
    "regex",
    "regexall",
    "replace",
    "reverse",
    "sensitive",
    "setintersection",
    "setproduct",
    "setsubtract",
    "setunion",
    "signum",
    "slice",
    "sort",
    "split",
    "startswith",
    "strcontains",
    "strrev",
    "substr",
    "sum",
    "templatefile",
    "timestamp",
    "title",
    "tobool",
    "tolist",
    "tomap",
    "tonumber",
    "toset",
    "tostring",
    "transpose",
    "trim",
    "trimprefix",
    "trimspace",
    "trimsuffix",
    "try",
    "type",
    "upper",
    "uuid",
    "values",
    "zipmap",
];

/// Terraform built-ins whose result plancost leaves unknown (documented in the README).
pub const NOT_COMPUTED: &[&str] = &[
    "base64decode",
    "base64encode",
    "base64gzip",
    "base64sha256",
    "base64sha512",
    "cidrcontains",
    "filebase64",
    "filebase64sha256",
    "filebase64sha512",
    "filemd5",
    "fileset",
    "filesha1",
    "filesha256",
    "filesha512",
    "formatdate",
    "md5",
    "plantimestamp",
    "rsadecrypt",
    "sha1",
    "sha256",
    "sha512",
    "textdecodebase64",
    "textencodebase64",
    "timeadd",
    "timecmp",
    "urlencode",
    "yamldecode",
    "yamlencode",
];

/// Functions that only look at the shape of a collection, so unknown elements do not make the
/// result unknown.
const SHAPE_ONLY: &[&str] = &[
    "coalescelist",
    "concat",
    "element",
    "flatten",
    "keys",
    "length",
    "lookup",
    "merge",
    "one",
    "reverse",
    "slice",
    "tolist",
    "tomap",
    "values",
    "zipmap",
];

type R = Result<Value, String>;

pub fn call(name: &str, args: Vec<Value>, env: &FuncEnv) -> R {
    let mut marked = false;
    let args: Vec<Value> = args
        .into_iter()
        .map(|a| {
            let (v, m) = a.unmark_deep();
            marked |= m;
            v
        })
        .collect();
    match name {
        "sensitive" => return one_arg(args).map(|v| v.mark(true)),
        "nonsensitive" => return one_arg(args),
        // Values that only exist at apply time.
        "timestamp" | "uuid" | "bcrypt" | "uuidv5" => return Ok(Value::Unknown),
        // Terraform functions plancost does not compute: hashes, encodings, dates. None of them
        // decides a price, so their result is unknown rather than an error that would stop the
        // whole estimate (a count or for_each that depends on one is reported as unknown).
        name if NOT_COMPUTED.contains(&name) => return Ok(Value::Unknown),
        _ => {}
    }
    if !SUPPORTED.contains(&name) {
        return Err(format!(
            "function {name}() is not supported by plancost's HCL mode (see the README, \"HCL mode\")"
        ));
    }
    let unknown = if SHAPE_ONLY.contains(&name) {
        args.iter().any(Value::is_unknown)
    } else {
        args.iter().any(Value::has_unknown)
    };
    if unknown {
        return Ok(Value::Unknown);
    }
    call_known(name, args, env).map(|v| v.mark(marked))
}

/// Refuses to build a string or list of about `bytes` bytes when it is over the evaluator's
/// limit, before building it (`replace` and `join` can multiply their input's size).
fn fits(bytes: usize) -> Result<(), String> {
    if bytes > super::eval::MAX_VALUE_BYTES {
        return Err(format!(
            "the result would be larger than {} MiB; plancost does not evaluate values that large",
            super::eval::MAX_VALUE_BYTES >> 20
        ));
    }
    Ok(())
}

fn one_arg(args: Vec<Value>) -> R {
    let [v] =
        <[Value; 1]>::try_from(args).map_err(|a| format!("takes 1 argument, got {}", a.len()))?;
    Ok(v)
}

fn arity<const N: usize>(args: Vec<Value>) -> Result<[Value; N], String> {
    <[Value; N]>::try_from(args).map_err(|a| format!("takes {N} argument(s), got {}", a.len()))
}

fn s(v: &Value) -> Result<String, String> {
    match v {
        Value::Null => Err("a string is required, not null".into()),
        v => v
            .to_template_string()
            .ok_or_else(|| format!("a string is required, not {}", v.type_name())),
    }
}

fn n(v: &Value) -> Result<Decimal, String> {
    match v {
        Value::Number(n) => Ok(*n),
        Value::String(t) => parse_number(t).ok_or_else(|| format!("{t:?} is not a number")),
        v => Err(format!("a number is required, not {}", v.type_name())),
    }
}

fn int(v: &Value) -> Result<i64, String> {
    let x = n(v)?;
    if x.fract() != Decimal::ZERO {
        return Err(format!("{x} is not a whole number"));
    }
    x.to_i64().ok_or_else(|| format!("{x} is out of range"))
}

fn list(v: Value) -> Result<Vec<Value>, String> {
    match v {
        Value::List(items) => Ok(items),
        v => Err(format!("a list is required, not {}", v.type_name())),
    }
}

fn map(v: Value) -> Result<BTreeMap<String, Value>, String> {
    match v {
        Value::Map(m) => Ok(m),
        v => Err(format!(
            "a map or object is required, not {}",
            v.type_name()
        )),
    }
}

fn strings(v: Value) -> Result<Vec<String>, String> {
    list(v)?.iter().map(s).collect()
}

fn num(x: Decimal) -> Value {
    Value::Number(x)
}

fn call_known(name: &str, args: Vec<Value>, env: &FuncEnv) -> R {
    Ok(match name {
        // Numbers.
        "abs" => num(n(&one_arg(args)?)?.abs()),
        "ceil" => num(n(&one_arg(args)?)?.ceil()),
        "floor" => num(n(&one_arg(args)?)?.floor()),
        "signum" => {
            let x = n(&one_arg(args)?)?;
            num(Decimal::from(if x > Decimal::ZERO {
                1
            } else if x < Decimal::ZERO {
                -1
            } else {
                0
            }))
        }
        "min" | "max" => {
            let args = flatten_numbers(args)?;
            let pick = if name == "min" {
                args.into_iter().min()
            } else {
                args.into_iter().max()
            };
            num(pick.ok_or("needs at least one number")?)
        }
        "sum" => {
            let items = list(one_arg(args)?)?;
            if items.is_empty() {
                return Err("cannot sum an empty list".into());
            }
            let mut total = Decimal::ZERO;
            for v in &items {
                total = total.checked_add(n(v)?).ok_or("number out of range")?;
            }
            num(total)
        }
        "pow" => {
            let [a, b] = arity(args)?;
            let (a, b) = (n(&a)?, n(&b)?);
            if b.fract().is_zero() && b >= Decimal::ZERO {
                let mut r = Decimal::ONE;
                let e = b
                    .to_u32()
                    .filter(|e| *e <= 4096)
                    .ok_or("exponent out of range")?;
                for _ in 0..e {
                    r = r.checked_mul(a).ok_or("number out of range")?;
                }
                num(r)
            } else {
                return Err("only whole, non-negative exponents are supported".into());
            }
        }
        "log" => {
            let [a, b] = arity(args)?;
            let (a, b) = (n(&a)?, n(&b)?);
            let (a, b) = (a.to_f64().unwrap_or(0.0), b.to_f64().unwrap_or(0.0));
            num(Decimal::from_f64_retain(a.ln() / b.ln()).ok_or("log() result out of range")?)
        }
        "parseint" => {
            let [v, base] = arity(args)?;
            let base = u32::try_from(int(&base)?).map_err(|_| "bad base")?;
            if !(2..=62).contains(&base) {
                return Err("the base must be between 2 and 62".into());
            }
            let text = s(&v)?;
            let x = i64::from_str_radix(&text, base)
                .map_err(|_| format!("cannot parse {text:?} in base {base}"))?;
            num(Decimal::from(x))
        }
        "tonumber" => match one_arg(args)? {
            Value::Null => Value::Null,
            v => num(n(&v)?),
        },
        "tostring" => match one_arg(args)? {
            Value::Null => Value::Null,
            v => Value::String(s(&v)?),
        },
        "tobool" => match one_arg(args)? {
            Value::Null => Value::Null,
            Value::Bool(b) => Value::Bool(b),
            Value::String(t) if t == "true" || t == "false" => Value::Bool(t == "true"),
            v => return Err(format!("cannot convert {} to bool", v.type_name())),
        },
        "range" => {
            let nums: Vec<Decimal> = args.iter().map(n).collect::<Result<_, _>>()?;
            let (start, limit, step) = match nums.as_slice() {
                [l] => (Decimal::ZERO, *l, Decimal::ONE),
                [s, l] => (*s, *l, if s <= l { Decimal::ONE } else { -Decimal::ONE }),
                [s, l, st] => (*s, *l, *st),
                _ => return Err("takes 1 to 3 arguments".into()),
            };
            if step.is_zero() {
                return Err("the step must not be zero".into());
            }
            let mut out = Vec::new();
            let mut x = start;
            while (step > Decimal::ZERO && x < limit) || (step < Decimal::ZERO && x > limit) {
                out.push(num(x));
                if out.len() > 1_048_576 {
                    return Err("too many elements".into());
                }
                x = x.checked_add(step).ok_or("number out of range")?;
            }
            Value::List(out)
        }

        // Strings.
        "lower" => Value::String(s(&one_arg(args)?)?.to_lowercase()),
        "upper" => Value::String(s(&one_arg(args)?)?.to_uppercase()),
        "title" => {
            let text = s(&one_arg(args)?)?;
            let mut out = String::with_capacity(text.len());
            let mut start = true;
            for c in text.chars() {
                if start && c.is_alphabetic() {
                    out.extend(c.to_uppercase());
                } else {
                    out.push(c);
                }
                start = !c.is_alphanumeric();
            }
            Value::String(out)
        }
        "strrev" => Value::String(s(&one_arg(args)?)?.chars().rev().collect()),
        "trimspace" => Value::String(s(&one_arg(args)?)?.trim().to_string()),
        "chomp" => Value::String(
            s(&one_arg(args)?)?
                .trim_end_matches(['\r', '\n'])
                .to_string(),
        ),
        "trim" => {
            let [v, cut] = arity(args)?;
            let cut: Vec<char> = s(&cut)?.chars().collect();
            Value::String(s(&v)?.trim_matches(|c| cut.contains(&c)).to_string())
        }
        "trimprefix" => {
            let [v, p] = arity(args)?;
            let (v, p) = (s(&v)?, s(&p)?);
            Value::String(v.strip_prefix(p.as_str()).unwrap_or(&v).to_string())
        }
        "trimsuffix" => {
            let [v, p] = arity(args)?;
            let (v, p) = (s(&v)?, s(&p)?);
            Value::String(v.strip_suffix(p.as_str()).unwrap_or(&v).to_string())
        }
        "startswith" => {
            let [v, p] = arity(args)?;
            Value::Bool(s(&v)?.starts_with(&s(&p)?))
        }
        "endswith" => {
            let [v, p] = arity(args)?;
            Value::Bool(s(&v)?.ends_with(&s(&p)?))
        }
        "strcontains" => {
            let [v, p] = arity(args)?;
            Value::Bool(s(&v)?.contains(&s(&p)?))
        }
        "indent" => {
            let [spaces, v] = arity(args)?;
            let pad = " ".repeat(
                usize::try_from(int(&spaces)?)
                    .ok()
                    .filter(|n| *n <= 4096)
                    .ok_or("bad indent")?,
            );
            let v = s(&v)?;
            fits(
                v.len()
                    .saturating_add(v.matches('\n').count().saturating_mul(pad.len())),
            )?;
            Value::String(v.replace('\n', &format!("\n{pad}")))
        }
        "substr" => {
            let [v, offset, length] = arity(args)?;
            let chars: Vec<char> = s(&v)?.chars().collect();
            let len = chars.len() as i64;
            let mut offset = int(&offset)?;
            if offset < 0 {
                offset += len;
            }
            let offset = offset.clamp(0, len) as usize;
            let length = int(&length)?;
            let end = if length < 0 {
                chars.len()
            } else {
                offset.saturating_add(length as usize).min(chars.len())
            };
            Value::String(chars[offset..end].iter().collect())
        }
        "join" => {
            let mut args = args.into_iter();
            let sep = s(&args.next().ok_or("needs a separator")?)?;
            let mut parts = Vec::new();
            for l in args {
                parts.extend(strings(l)?);
            }
            fits(
                parts
                    .iter()
                    .fold(0usize, |n, p| n.saturating_add(p.len()))
                    .saturating_add(parts.len().saturating_sub(1).saturating_mul(sep.len())),
            )?;
            Value::String(parts.join(&sep))
        }
        "split" => {
            let [sep, v] = arity(args)?;
            let (sep, v) = (s(&sep)?, s(&v)?);
            if v.is_empty() {
                Value::List(vec![Value::str("")])
            } else {
                Value::List(v.split(sep.as_str()).map(Value::str).collect())
            }
        }
        "replace" => {
            let [v, from, to] = arity(args)?;
            let (v, from, to) = (s(&v)?, s(&from)?, s(&to)?);
            if from.len() > 1 && from.starts_with('/') && from.ends_with('/') {
                let re = compile(&from[1..from.len() - 1])?;
                fits(
                    v.len()
                        .saturating_add(re.find_iter(&v).count().saturating_mul(to.len())),
                )?;
                // Terraform (Go) writes capture references as $1 or ${1}, as the regex crate does.
                Value::String(re.replace_all(&v, to.as_str()).into_owned())
            } else {
                let matches = if from.is_empty() {
                    v.chars().count() + 1
                } else {
                    v.matches(from.as_str()).count()
                };
                fits(v.len().saturating_add(matches.saturating_mul(to.len())))?;
                Value::String(v.replace(&from, &to))
            }
        }
        "regex" => {
            let [pattern, v] = arity(args)?;
            let re = compile(&s(&pattern)?)?;
            let text = s(&v)?;
            let caps = re.captures(&text).ok_or("the pattern does not match")?;
            captures(&re, &caps)
        }
        "regexall" => {
            let [pattern, v] = arity(args)?;
            let re = compile(&s(&pattern)?)?;
            let text = s(&v)?;
            Value::List(re.captures_iter(&text).map(|c| captures(&re, &c)).collect())
        }
        "format" => {
            let mut args = args.into_iter();
            let spec = s(&args.next().ok_or("needs a format string")?)?;
            Value::String(format(&spec, &args.collect::<Vec<_>>())?)
        }
        "formatlist" => {
            let mut args = args.into_iter();
            let spec = s(&args.next().ok_or("needs a format string")?)?;
            let rest: Vec<Value> = args.collect();
            let len = rest
                .iter()
                .filter_map(|v| match v {
                    Value::List(l) => Some(l.len()),
                    _ => None,
                })
                .max();
            let Some(len) = len else {
                return Ok(Value::List(vec![Value::String(format(&spec, &rest)?)]));
            };
            let mut out = Vec::with_capacity(len);
            for i in 0..len {
                let row: Vec<Value> = rest
                    .iter()
                    .map(|v| match v {
                        Value::List(l) => l.get(i).cloned().ok_or("lists of different lengths"),
                        v => Ok(v.clone()),
                    })
                    .collect::<Result<_, _>>()?;
                out.push(Value::String(format(&spec, &row)?));
            }
            Value::List(out)
        }

        // Collections.
        "length" => match one_arg(args)? {
            Value::List(l) => num(Decimal::from(l.len())),
            Value::Map(m) => num(Decimal::from(
                m.keys()
                    .filter(|k| *k != super::eval::COMPUTED_MARKER)
                    .count(),
            )),
            Value::String(t) => num(Decimal::from(t.chars().count())),
            v => return Err(format!("cannot take the length of {}", v.type_name())),
        },
        "concat" => {
            let mut out = Vec::new();
            for l in args {
                out.extend(list(l)?);
            }
            Value::List(out)
        }
        "merge" => {
            let mut out = BTreeMap::new();
            for m in args {
                match m {
                    Value::Null => {}
                    m => out.extend(map(m)?),
                }
            }
            Value::Map(out)
        }
        "lookup" => {
            let (m, key, default) = match <[Value; 3]>::try_from(args) {
                Ok([m, k, d]) => (m, k, Some(d)),
                Err(args) => {
                    let [m, k] = arity(args)?;
                    (m, k, None)
                }
            };
            let key = s(&key)?;
            match (map(m)?.remove(&key), default) {
                (Some(v), _) => v,
                (None, Some(d)) => d,
                (None, None) => return Err(format!("no key {key:?} and no default")),
            }
        }
        "element" => {
            let [l, i] = arity(args)?;
            let l = list(l)?;
            if l.is_empty() {
                return Err("cannot use element() on an empty list".into());
            }
            let i = int(&i)?;
            if i < 0 {
                return Err("the index must not be negative".into());
            }
            l[(i as usize) % l.len()].clone()
        }
        "index" => {
            let [l, v] = arity(args)?;
            let l = list(l)?;
            let i = l
                .iter()
                .position(|x| equal(x, &v))
                .ok_or("the value is not in the list")?;
            num(Decimal::from(i))
        }
        "contains" => {
            let [l, v] = arity(args)?;
            Value::Bool(list(l)?.iter().any(|x| equal(x, &v)))
        }
        "keys" => Value::List(
            map(one_arg(args)?)?
                .into_keys()
                .filter(|k| k != super::eval::COMPUTED_MARKER)
                .map(Value::String)
                .collect(),
        ),
        "values" => Value::List(
            map(one_arg(args)?)?
                .into_iter()
                .filter(|(k, _)| k != super::eval::COMPUTED_MARKER)
                .map(|(_, v)| v)
                .collect(),
        ),
        "zipmap" => {
            let [k, v] = arity(args)?;
            let (k, v) = (strings(k)?, list(v)?);
            if k.len() != v.len() {
                return Err("the key and value lists differ in length".into());
            }
            Value::Map(k.into_iter().zip(v).collect())
        }
        "flatten" => {
            fn walk(items: Vec<Value>, out: &mut Vec<Value>) -> bool {
                for item in items {
                    match item {
                        Value::List(inner) => {
                            if !walk(inner, out) {
                                return false;
                            }
                        }
                        Value::Unknown => return false,
                        v => out.push(v),
                    }
                }
                true
            }
            let mut out = Vec::new();
            if !walk(list(one_arg(args)?)?, &mut out) {
                return Ok(Value::Unknown);
            }
            Value::List(out)
        }
        "distinct" => {
            let mut out: Vec<Value> = Vec::new();
            for v in list(one_arg(args)?)? {
                if !out.iter().any(|x| equal(x, &v)) {
                    out.push(v);
                }
            }
            Value::List(out)
        }
        "compact" => Value::List(
            list(one_arg(args)?)?
                .into_iter()
                .filter(|v| !matches!(v, Value::Null) && v != &Value::str(""))
                .collect(),
        ),
        "reverse" => {
            let mut l = list(one_arg(args)?)?;
            l.reverse();
            Value::List(l)
        }
        "sort" => {
            let mut l = strings(one_arg(args)?)?;
            l.sort();
            Value::List(l.into_iter().map(Value::String).collect())
        }
        "slice" => {
            let [l, from, to] = arity(args)?;
            let l = list(l)?;
            let (from, to) = (int(&from)?, int(&to)?);
            if from < 0 || to < from || to as usize > l.len() {
                return Err(format!(
                    "indexes {from}..{to} are out of range for {} elements",
                    l.len()
                ));
            }
            Value::List(l[from as usize..to as usize].to_vec())
        }
        "chunklist" => {
            let [l, size] = arity(args)?;
            let size = usize::try_from(int(&size)?).map_err(|_| "bad size")?;
            let l = list(l)?;
            if size == 0 {
                Value::List(vec![Value::List(l)])
            } else {
                Value::List(l.chunks(size).map(|c| Value::List(c.to_vec())).collect())
            }
        }
        "coalesce" => args
            .into_iter()
            .find(|v| !matches!(v, Value::Null) && v != &Value::str(""))
            .ok_or("all arguments are null or empty")?,
        "coalescelist" => args
            .into_iter()
            .find(|v| matches!(v, Value::List(l) if !l.is_empty()))
            .unwrap_or(Value::List(Vec::new())),
        "one" => match one_arg(args)? {
            Value::Null => Value::Null,
            Value::List(mut l) => match l.len() {
                0 => Value::Null,
                1 => l.remove(0),
                k => return Err(format!("the list has {k} elements, not 0 or 1")),
            },
            v => return Err(format!("a list is required, not {}", v.type_name())),
        },
        "alltrue" | "anytrue" => {
            let items = list(one_arg(args)?)?;
            let bools: Vec<bool> = items
                .iter()
                .map(|v| match v {
                    Value::Bool(b) => Ok(*b),
                    Value::String(t) if t == "true" || t == "false" => Ok(t == "true"),
                    v => Err(format!("a bool is required, not {}", v.type_name())),
                })
                .collect::<Result<_, _>>()?;
            Value::Bool(if name == "alltrue" {
                bools.iter().all(|b| *b)
            } else {
                bools.iter().any(|b| *b)
            })
        }
        "tolist" => match one_arg(args)? {
            Value::Null => Value::Null,
            v => Value::List(list(v)?),
        },
        "toset" => match one_arg(args)? {
            Value::Null => Value::Null,
            v => set_of(list(v)?),
        },
        "tomap" => match one_arg(args)? {
            Value::Null => Value::Null,
            v => Value::Map(map(v)?),
        },
        "setunion" => {
            let mut all = Vec::new();
            for l in args {
                all.extend(list(l)?);
            }
            set_of(all)
        }
        "setintersection" => {
            let mut lists = args.into_iter().map(list);
            let mut acc = lists.next().ok_or("needs at least one set")??;
            for l in lists {
                let l = l?;
                acc.retain(|v| l.iter().any(|x| equal(x, v)));
            }
            set_of(acc)
        }
        "setsubtract" => {
            let [a, b] = arity(args)?;
            let b = list(b)?;
            set_of(
                list(a)?
                    .into_iter()
                    .filter(|v| !b.iter().any(|x| equal(x, v)))
                    .collect(),
            )
        }
        "setproduct" => {
            let lists: Vec<Vec<Value>> = args.into_iter().map(list).collect::<Result<_, _>>()?;
            let rows = lists
                .iter()
                .try_fold(1usize, |n, l| n.checked_mul(l.len()))
                .filter(|n| *n <= 1_048_576)
                .ok_or("too many elements")?;
            fits(rows.saturating_mul(lists.len()).saturating_mul(32))?;
            let mut acc: Vec<Vec<Value>> = vec![Vec::new()];
            for l in lists {
                let mut next = Vec::new();
                for prefix in &acc {
                    for v in &l {
                        let mut row = prefix.clone();
                        row.push(v.clone());
                        next.push(row);
                    }
                }
                acc = next;
            }
            Value::List(acc.into_iter().map(Value::List).collect())
        }
        "transpose" => {
            let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for (k, v) in map(one_arg(args)?)? {
                for item in strings(v)? {
                    out.entry(item).or_default().push(k.clone());
                }
            }
            Value::Map(
                out.into_iter()
                    .map(|(k, v)| (k, Value::List(v.into_iter().map(Value::String).collect())))
                    .collect(),
            )
        }
        "type" => Value::str(one_arg(args)?.type_name()),

        // Encoding.
        "jsonencode" => {
            let mut out = String::new();
            json_encode(&one_arg(args)?, &mut out)?;
            Value::String(out)
        }
        "jsondecode" => {
            let text = s(&one_arg(args)?)?;
            let json: serde_json::Value = serde_json::from_str(&text)
                .map_err(|e| format!("invalid JSON at {}:{}", e.line(), e.column()))?;
            Value::from_json(&json)
        }

        // Networks.
        "cidrsubnet" => {
            let [prefix, newbits, netnum] = arity(args)?;
            let (addr, bits) = parse_cidr(&s(&prefix)?)?;
            let newbits =
                u32::try_from(int(&newbits)?).map_err(|_| "newbits must not be negative")?;
            let netnum =
                u128::try_from(int(&netnum)?).map_err(|_| "netnum must not be negative")?;
            Value::String(subnet(addr, bits, newbits, netnum)?)
        }
        "cidrsubnets" => {
            let mut args = args.into_iter();
            let (addr, bits) = parse_cidr(&s(&args.next().ok_or("needs a prefix")?)?)?;
            let width = width(addr);
            let base = to_bits(addr);
            let mut next: u128 = base;
            let mut out = Vec::new();
            for nb in args {
                let nb = u32::try_from(int(&nb)?).map_err(|_| "newbits must not be negative")?;
                let len = bits + nb;
                if len > width {
                    return Err("not enough address space".into());
                }
                let size = 1u128
                    .checked_shl(width - len)
                    .filter(|_| width - len < 128)
                    .ok_or("not enough address space")?;
                let span = 1u128
                    .checked_shl(width - bits)
                    .filter(|_| width - bits < 128)
                    .unwrap_or(u128::MAX);
                // Align up to the subnet's own size.
                let start = next
                    .div_ceil(size)
                    .checked_mul(size)
                    .ok_or("not enough address space")?;
                let end = start
                    .checked_add(size - 1)
                    .ok_or("not enough address space")?;
                if end > base.saturating_add(span - 1) {
                    return Err("not enough address space".into());
                }
                out.push(Value::String(format!("{}/{}", from_bits(start, addr), len)));
                next = end.saturating_add(1);
            }
            Value::List(out)
        }
        "cidrhost" => {
            let [prefix, hostnum] = arity(args)?;
            let (addr, bits) = parse_cidr(&s(&prefix)?)?;
            let w = width(addr);
            // Host numbers are i64, so a prefix of more than 2^62 addresses never runs out.
            let size: i128 = if w - bits >= 63 {
                i128::MAX
            } else {
                1i128 << (w - bits)
            };
            let mut h = i128::from(int(&hostnum)?);
            if h < 0 {
                h = h
                    .checked_add(size)
                    .ok_or("the host number is outside the prefix")?;
            }
            if h < 0 || h >= size {
                return Err("the host number is outside the prefix".into());
            }
            let base = to_bits(addr) & mask(w, bits);
            Value::String(from_bits(base.wrapping_add(h as u128), addr).to_string())
        }
        "cidrnetmask" => {
            let (addr, bits) = parse_cidr(&s(&one_arg(args)?)?)?;
            if !addr.is_ipv4() {
                return Err("only IPv4 prefixes have a netmask".into());
            }
            Value::String(from_bits(mask(32, bits), addr).to_string())
        }

        // Files, confined to the repository.
        "file" => {
            let path = confined(env, &s(&one_arg(args)?)?)?;
            Value::String(
                std::fs::read_to_string(&path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?,
            )
        }
        "fileexists" => {
            let path = confined(env, &s(&one_arg(args)?)?)?;
            Value::Bool(path.is_file())
        }
        "templatefile" => {
            let [path, vars] = arity(args)?;
            let path = confined(env, &s(&path)?)?;
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            render_template_text(&text, map(vars)?, env)
                .map_err(|e| format!("{}: {e}", path.display()))?
        }
        "abspath" => Value::String(env.root_dir.join(s(&one_arg(args)?)?).display().to_string()),
        "dirname" => {
            let p = s(&one_arg(args)?)?;
            Value::String(
                Path::new(&p)
                    .parent()
                    .map(|d| d.display().to_string())
                    .filter(|d| !d.is_empty())
                    .unwrap_or_else(|| ".".into()),
            )
        }
        "basename" => {
            let p = s(&one_arg(args)?)?;
            Value::String(
                Path::new(&p)
                    .file_name()
                    .map(|f| f.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            )
        }
        other => return Err(format!("function {other}() is not supported")),
    })
}

fn flatten_numbers(args: Vec<Value>) -> Result<Vec<Decimal>, String> {
    args.iter().map(n).collect()
}

fn compile(pattern: &str) -> Result<regex::Regex, String> {
    regex::Regex::new(pattern).map_err(|e| format!("invalid regular expression: {e}"))
}

/// regex(): the match without groups, a list of groups, or an object of named groups.
fn captures(re: &regex::Regex, caps: &regex::Captures) -> Value {
    let text = |m: Option<regex::Match>| m.map_or(Value::Null, |m| Value::str(m.as_str()));
    if re.captures_len() == 1 {
        return text(caps.get(0));
    }
    let names: Vec<Option<&str>> = re.capture_names().skip(1).collect();
    if names.iter().all(Option::is_some) {
        return Value::Map(
            names
                .iter()
                .flatten()
                .map(|n| (n.to_string(), text(caps.name(n))))
                .collect(),
        );
    }
    Value::List((1..re.captures_len()).map(|i| text(caps.get(i))).collect())
}

/// Resolves a path for file functions: relative to the root module, and only inside the
/// repository, so a configuration cannot make plancost read arbitrary files.
///
/// Checked twice: first on the path as written, with `..` folded (so a path outside is refused
/// before anything is asked of the file system, and whether it exists is not given away), then
/// on the real path with symbolic links resolved (so a link inside cannot lead outside).
fn confined(env: &FuncEnv, path: &str) -> Result<PathBuf, String> {
    let joined = env.root_dir.join(path);
    let root = env
        .repo_root
        .canonicalize()
        .unwrap_or_else(|_| env.repo_root.clone());
    let outside = || {
        format!(
            "{path:?} is outside the repository ({}); plancost reads no files there",
            root.display()
        )
    };
    let lexical_root = lexical(&std::path::absolute(&env.repo_root).unwrap_or_default());
    let lexical_path = lexical(&std::path::absolute(&joined).unwrap_or_default());
    if !lexical_path.starts_with(&lexical_root) && !lexical_path.starts_with(&root) {
        return Err(outside());
    }
    let real = joined
        .canonicalize()
        .map_err(|e| format!("cannot read {}: {e}", joined.display()))?;
    if !real.starts_with(&root) {
        return Err(outside());
    }
    Ok(real)
}

/// `path` with `.` and `..` steps folded, without asking the file system.
fn lexical(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Go's fmt verbs as Terraform's format() takes them: %s %d %f %g %q %v %t %x %o %b %e %%, with
/// flags, width and precision.
fn format(spec: &str, args: &[Value]) -> Result<String, String> {
    let mut out = String::new();
    let mut chars = spec.chars().peekable();
    let mut next_arg = 0;
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut flags = String::new();
        while let Some(&f) = chars.peek() {
            if "-+ 0#".contains(f) {
                flags.push(f);
                chars.next();
            } else {
                break;
            }
        }
        let mut width = String::new();
        while let Some(&d) = chars.peek() {
            if d.is_ascii_digit() {
                width.push(d);
                chars.next();
            } else {
                break;
            }
        }
        let mut precision: Option<usize> = None;
        if chars.peek() == Some(&'.') {
            chars.next();
            let mut p = String::new();
            while let Some(&d) = chars.peek() {
                if d.is_ascii_digit() {
                    p.push(d);
                    chars.next();
                } else {
                    break;
                }
            }
            precision = Some(p.parse().unwrap_or(0));
        }
        let verb = chars.next().ok_or("the format ends inside a verb")?;
        if verb == '%' {
            out.push('%');
            continue;
        }
        let arg = args
            .get(next_arg)
            .ok_or_else(|| format!("not enough arguments for %{verb}"))?;
        next_arg += 1;
        let body = match verb {
            's' | 'v' => match arg {
                Value::List(_) | Value::Map(_) if verb == 'v' => {
                    let mut j = String::new();
                    json_encode(arg, &mut j)?;
                    j
                }
                a => {
                    let t = s(a)?;
                    match precision {
                        Some(p) => t.chars().take(p).collect(),
                        None => t,
                    }
                }
            },
            'q' => {
                let mut j = String::new();
                json_encode(&Value::String(s(arg)?), &mut j)?;
                j
            }
            't' => match arg {
                Value::Bool(b) => b.to_string(),
                a => return Err(format!("%t needs a bool, not {}", a.type_name())),
            },
            'd' => {
                let x = n(arg)?;
                if !x.fract().is_zero() {
                    return Err(format!("%d needs a whole number, not {x}"));
                }
                let t = format_number(x);
                if flags.contains('+') && x >= Decimal::ZERO {
                    format!("+{t}")
                } else {
                    t
                }
            }
            'x' | 'X' | 'o' | 'b' => {
                let x = int(arg)?;
                match verb {
                    'x' => format!("{x:x}"),
                    'X' => format!("{x:X}"),
                    'o' => format!("{x:o}"),
                    _ => format!("{x:b}"),
                }
            }
            'f' | 'F' => {
                let x = n(arg)?;
                let p = precision.unwrap_or(6).min(28) as u32;
                let r = x
                    .round_dp_with_strategy(p, rust_decimal::RoundingStrategy::MidpointNearestEven);
                let mut t = format!("{r:.prec$}", prec = p as usize);
                if flags.contains('+') && x >= Decimal::ZERO {
                    t.insert(0, '+');
                }
                t
            }
            'g' | 'G' | 'e' | 'E' => format_number(n(arg)?),
            other => return Err(format!("unsupported format verb %{other}")),
        };
        let width: usize = width.parse::<usize>().unwrap_or(0).min(4096);
        let len = body.chars().count();
        if len < width {
            let pad = width - len;
            if flags.contains('-') {
                out.push_str(&body);
                out.push_str(&" ".repeat(pad));
            } else if flags.contains('0') && matches!(verb, 'd' | 'f' | 'F' | 'x' | 'X' | 'o' | 'b')
            {
                let (sign, digits) = match body.strip_prefix(['-', '+']) {
                    Some(rest) => (&body[..1], rest),
                    None => ("", body.as_str()),
                };
                out.push_str(sign);
                out.push_str(&"0".repeat(pad));
                out.push_str(digits);
            } else {
                out.push_str(&" ".repeat(pad));
                out.push_str(&body);
            }
        } else {
            out.push_str(&body);
        }
    }
    Ok(out)
}

/// Terraform's jsonencode: compact, keys in order, and `<`, `>`, `&` escaped as Go does.
fn json_encode(v: &Value, out: &mut String) -> Result<(), String> {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(x) => out.push_str(&format_number(*x)),
        Value::String(t) => {
            out.push('"');
            for c in t.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\t' => out.push_str("\\t"),
                    '<' => out.push_str("\\u003c"),
                    '>' => out.push_str("\\u003e"),
                    '&' => out.push_str("\\u0026"),
                    '\u{2028}' => out.push_str("\\u2028"),
                    '\u{2029}' => out.push_str("\\u2029"),
                    c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                    c => out.push(c),
                }
            }
            out.push('"');
        }
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_encode(item, out)?;
            }
            out.push(']');
        }
        Value::Map(map) => {
            out.push('{');
            let mut first = true;
            for (k, item) in map {
                if k == super::eval::COMPUTED_MARKER {
                    continue;
                }
                if !first {
                    out.push(',');
                }
                first = false;
                json_encode(&Value::String(k.clone()), out)?;
                out.push(':');
                json_encode(item, out)?;
            }
            out.push('}');
        }
        Value::Unknown => return Err("cannot encode an unknown value".into()),
        Value::Sensitive(inner) => json_encode(inner, out)?,
    }
    Ok(())
}

fn parse_cidr(text: &str) -> Result<(IpAddr, u32), String> {
    let (addr, bits) = text
        .split_once('/')
        .ok_or_else(|| format!("{text:?} is not a CIDR prefix"))?;
    let addr: IpAddr = addr
        .parse()
        .map_err(|_| format!("{text:?} is not a CIDR prefix"))?;
    let bits: u32 = bits
        .parse()
        .map_err(|_| format!("{text:?} is not a CIDR prefix"))?;
    if bits > width(addr) {
        return Err(format!("{text:?} has too long a prefix"));
    }
    Ok((addr, bits))
}

fn width(addr: IpAddr) -> u32 {
    if addr.is_ipv4() { 32 } else { 128 }
}

fn to_bits(addr: IpAddr) -> u128 {
    match addr {
        IpAddr::V4(a) => u128::from(u32::from(a)),
        IpAddr::V6(a) => u128::from(a),
    }
}

fn from_bits(bits: u128, like: IpAddr) -> IpAddr {
    match like {
        IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::from(bits as u32)),
        IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::from(bits)),
    }
}

fn mask(width: u32, bits: u32) -> u128 {
    if bits == 0 {
        return 0;
    }
    let all: u128 = if width == 128 {
        u128::MAX
    } else {
        (1u128 << width) - 1
    };
    all & !((1u128 << (width - bits)) - 1) & all
}

fn subnet(addr: IpAddr, bits: u32, newbits: u32, netnum: u128) -> Result<String, String> {
    let w = width(addr);
    let len = bits + newbits;
    if len > w {
        return Err(format!("prefix /{bits} + {newbits} bits exceeds /{w}"));
    }
    if newbits < 128 && netnum >= (1u128 << newbits) || newbits >= 128 && netnum > 0 && len > w {
        return Err(format!("netnum {netnum} does not fit in {newbits} bits"));
    }
    let base = to_bits(addr) & mask(w, bits);
    let shift = w - len;
    let net = base | if shift >= 128 { 0 } else { netnum << shift };
    Ok(format!("{}/{}", from_bits(net, addr), len))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call_str(name: &str, args: Vec<Value>) -> Value {
        call(name, args, &FuncEnv::default()).unwrap()
    }

    fn num(x: i64) -> Value {
        Value::Number(Decimal::from(x))
    }

    #[test]
    fn networks() {
        assert_eq!(
            call_str(
                "cidrsubnet",
                vec![Value::str("10.10.0.0/16"), num(4), num(8)]
            ),
            Value::str("10.10.128.0/20")
        );
        assert_eq!(
            call_str("cidrhost", vec![Value::str("10.12.112.0/20"), num(5)]),
            Value::str("10.12.112.5")
        );
        assert_eq!(
            call_str(
                "cidrsubnets",
                vec![Value::str("10.1.0.0/16"), num(4), num(4), num(8)]
            ),
            Value::List(vec![
                Value::str("10.1.0.0/20"),
                Value::str("10.1.16.0/20"),
                Value::str("10.1.32.0/24")
            ])
        );
        assert_eq!(
            call_str(
                "cidrsubnet",
                vec![Value::str("fd00:fd12:3456:7890::/56"), num(16), num(162)]
            ),
            Value::str("fd00:fd12:3456:7800:a200::/72")
        );
    }

    #[test]
    fn extreme_arguments_are_errors_or_values_never_panics() {
        let env = FuncEnv::default();
        let big = Value::Number(Decimal::from(i64::MAX));
        for (name, args) in [
            ("cidrhost", vec![Value::str("::/0"), num(5)]),
            ("cidrhost", vec![Value::str("::/0"), num(-1)]),
            ("cidrsubnet", vec![Value::str("::/0"), num(0), num(0)]),
            ("cidrsubnet", vec![Value::str("::/0"), num(128), num(3)]),
            (
                "cidrsubnets",
                vec![Value::str("::/0"), num(1), num(1), num(1)],
            ),
            ("cidrsubnets", vec![Value::str("0.0.0.0/0"), num(0)]),
            ("substr", vec![Value::str("abc"), num(1), big.clone()]),
            ("range", vec![num(0), big.clone(), big.clone()]),
            ("pow", vec![num(1), big.clone()]),
            (
                "format",
                vec![Value::str("%99999999999d|%.99f"), num(1), num(2)],
            ),
        ] {
            let _ = call(name, args, &env);
        }
    }

    #[test]
    fn format_verbs() {
        assert_eq!(
            call_str(
                "format",
                vec![
                    Value::str("%s-redis-%04d-%03d"),
                    Value::str("x"),
                    num(2),
                    num(1)
                ]
            ),
            Value::str("x-redis-0002-001")
        );
        assert_eq!(
            call_str(
                "format",
                vec![
                    Value::str("%.2f|%5s|%-3d|%q"),
                    Value::Number("3.14159".parse().unwrap()),
                    Value::str("ab"),
                    num(7),
                    Value::str("q")
                ]
            ),
            Value::str("3.14|   ab|7  |\"q\"")
        );
    }

    #[test]
    fn collections_and_json() {
        let m = |pairs: &[(&str, Value)]| {
            Value::Map(
                pairs
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.clone()))
                    .collect(),
            )
        };
        assert_eq!(
            call_str(
                "jsonencode",
                vec![m(&[("b", num(1)), ("a", Value::str("<x>"))])]
            ),
            Value::str(r#"{"a":"\u003cx\u003e","b":1}"#)
        );
        assert_eq!(
            call_str(
                "toset",
                vec![Value::List(vec![
                    Value::str("b"),
                    Value::str("a"),
                    Value::str("b")
                ])]
            ),
            Value::List(vec![Value::str("a"), Value::str("b")])
        );
        assert_eq!(
            call_str("length", vec![Value::List(vec![Value::Unknown])]),
            num(1)
        );
        assert_eq!(call_str("upper", vec![Value::Unknown]), Value::Unknown);
        assert_eq!(
            call_str(
                "regex",
                vec![Value::str("^(\\d+)-(\\w+)$"), Value::str("12-ab")]
            ),
            Value::List(vec![Value::str("12"), Value::str("ab")])
        );
        assert_eq!(call_str("md5", vec![Value::str("x")]), Value::Unknown);
        assert!(call("no_such_function", vec![], &FuncEnv::default()).is_err());
    }

    #[test]
    fn files_are_read_only_inside_the_repository() {
        let repo = std::env::temp_dir().join(format!("plancost-fn-{}", std::process::id()));
        let root = repo.join("root");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(root.join("t.tpl"), "%{ for n in names }${n};%{ endfor }").unwrap();
        let env = FuncEnv {
            root_dir: root.clone(),
            repo_root: repo.clone(),
            ..Default::default()
        };
        let names = Value::Map(
            [(
                "names".to_string(),
                Value::List(vec![Value::str("a"), Value::str("b")]),
            )]
            .into_iter()
            .collect(),
        );
        assert_eq!(
            call("templatefile", vec![Value::str("t.tpl"), names], &env).unwrap(),
            Value::str("a;b;")
        );
        let outside = call(
            "file",
            vec![Value::str("../../../../../../etc/hostname")],
            &env,
        );
        assert!(outside.is_err(), "{outside:?}");
        let _ = std::fs::remove_dir_all(&repo);
    }
}
