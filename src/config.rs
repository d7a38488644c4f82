//! `plancost.yml`: the projects to price, their budgets, the policies of a check, the growth
//! scenarios of `plancost forecast` and the assumed prices of `plancost audit` (DESIGN.md §3).
//!
//! The file is read strictly: an unknown key is an error with its line and column (a typo in a
//! budget must not silently drop the budget), and so is a value of the wrong type. Money may be
//! written as a YAML number (`monthly: 1227`) or a quoted string (`assumed: "0.0832"`); both
//! become an exact decimal. A YAML number with a fraction is read by the parser as a binary
//! float, then converted through its shortest decimal text, which is the text written for any
//! number of up to 15 significant digits; quote longer ones. Paths are relative to the directory
//! of the configuration file, so `plancost check --config sub/plancost.yml` works from anywhere.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use serde_json::Value;
use serde_saphyr::Spanned;

use crate::error::{Error, Position, Result};
use crate::model::Category;

/// An amount of US dollars (or a percentage), exact, never negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Money(pub Decimal);

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Money, D::Error> {
        struct MoneyVisitor;
        impl Visitor<'_> for MoneyVisitor {
            type Value = Money;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "an amount: a number such as 1227 or a decimal string such as \"0.0832\"",
                )
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Money, E> {
                Ok(Money(Decimal::from(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Money, E> {
                if v < 0 {
                    return Err(E::custom("an amount cannot be negative"));
                }
                Ok(Money(Decimal::from(v)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Money, E> {
                // `{}` prints the shortest text that reads back as the same float: for `0.0832`
                // written in the file that is "0.0832" again, so nothing is lost.
                if !v.is_finite() {
                    return Err(E::custom("an amount must be a finite number"));
                }
                self.visit_str(&format!("{v}"))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Money, E> {
                let d: Decimal = v
                    .trim()
                    .parse()
                    .map_err(|_| E::custom("not a decimal number"))?;
                if d.is_sign_negative() && !d.is_zero() {
                    return Err(E::custom("an amount cannot be negative"));
                }
                Ok(Money(d.normalize()))
            }
        }
        deserializer.deserialize_any(MoneyVisitor)
    }
}

/// The configuration as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub version: Spanned<Value>,
    pub projects: Vec<Project>,
    #[serde(default)]
    pub policy: Policy,
    /// Resource type → category, over the mappings' defaults.
    #[serde(default)]
    pub categories: BTreeMap<String, Category>,
    #[serde(default)]
    pub scenarios: Vec<Scenario>,
    #[serde(default)]
    pub assumptions: Assumptions,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Project {
    pub name: Spanned<String>,
    /// A plan or state JSON file, or a directory of Terraform HCL.
    pub path: PathBuf,
    #[serde(default)]
    pub usage_file: Option<PathBuf>,
    /// HCL variables (directories only).
    #[serde(default)]
    pub vars: BTreeMap<String, Value>,
    #[serde(default)]
    pub budget: Option<ProjectBudget>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectBudget {
    /// Total monthly threshold, USD.
    #[serde(default)]
    pub monthly: Option<Money>,
    /// Warn when an actual exceeds this share (percent) of its threshold; no warning band when
    /// absent.
    #[serde(default)]
    pub warn_percent: Option<Money>,
    #[serde(default)]
    pub categories: BTreeMap<Category, Money>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// The most a change may add to a project's monthly cost, USD.
    #[serde(default)]
    pub max_monthly_increase: Option<Money>,
    /// The most a change may add, as a percentage of the project's cost before it.
    #[serde(default)]
    pub max_monthly_increase_percent: Option<Money>,
    /// A resource the change touches that cannot be priced fails the check (else it warns).
    #[serde(default)]
    pub fail_on_unpriced: bool,
}

/// A growth scenario: one project priced with some variables or usage values changed.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    pub project: Spanned<String>,
    /// Shown in the forecast's `nodes` column (e.g. the GPU node count the scenario stands for).
    #[serde(default)]
    pub nodes: Option<u64>,
    /// HCL variables over the project's `vars` (directories only).
    #[serde(default)]
    pub vars: BTreeMap<String, Value>,
    /// Usage values over the project's usage file, in the usage file's shape.
    #[serde(default)]
    pub usage: Option<UsageOverrides>,
    /// The estimate's figure for this scenario, USD/month.
    #[serde(default)]
    pub estimate: Option<Money>,
    /// A monthly threshold for this scenario, USD.
    #[serde(default)]
    pub budget: Option<Money>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UsageOverrides {
    #[serde(default)]
    pub resource_usage: BTreeMap<String, BTreeMap<String, Value>>,
    #[serde(default)]
    pub resource_type_default_usage: BTreeMap<String, BTreeMap<String, Value>>,
}

/// What an estimate assumed, for `plancost audit` to hold against the price book.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assumptions {
    /// Deviations up to this percentage are not flagged (`--tolerance` overrides it).
    #[serde(default)]
    pub tolerance_percent: Option<Money>,
    #[serde(default)]
    pub prices: Vec<PriceAssumption>,
    #[serde(default)]
    pub spot: Vec<SpotAssumption>,
}

/// An assumed unit price, checked against the unit price plancost finds for the matching cost
/// components of the projects.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceAssumption {
    pub name: String,
    pub resource_type: String,
    /// Matches components whose name contains this text (case-insensitive).
    pub component: String,
    /// USD per `per` of the component's unit.
    pub assumed: Money,
    /// How many of the component's units the assumed price is for (1000 for "$0.005 per 1K
    /// requests" when the component counts requests). Default 1.
    #[serde(default)]
    pub per: Option<Money>,
    /// The unit as the estimate writes it, for display.
    #[serde(default)]
    pub unit: Option<String>,
}

/// A spot / on-demand mix the estimate prices by hand.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpotAssumption {
    pub name: String,
    pub instance_type: String,
    pub region: String,
    #[serde(default = "linux")]
    pub operating_system: String,
    /// Share of the pool on spot, percent.
    pub spot_percent: Money,
    /// Spot saving over on-demand the estimate assumes, percent.
    #[serde(default)]
    pub discount_percent: Option<Money>,
    pub spot_hourly: Money,
    pub on_demand_hourly: Money,
    /// The estimate's monthly figures for the pool.
    #[serde(default)]
    pub lines: Vec<SpotLine>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpotLine {
    pub name: String,
    pub nodes: u64,
    /// The monthly cost the estimate states for `nodes` nodes.
    pub stated: Money,
}

fn linux() -> String {
    "Linux".to_string()
}

/// A configuration read from disk, checked, with paths resolved.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub path: PathBuf,
    pub config: Config,
}

impl Loaded {
    /// `path` of the configuration, resolved against the configuration's directory, with
    /// `dir/..` steps folded so that messages show `infra/x`, not `conf/../infra/x`.
    pub fn resolve(&self, path: &Path) -> PathBuf {
        let joined = match self.path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() && path.is_relative() => dir.join(path),
            _ => path.to_path_buf(),
        };
        let mut out = PathBuf::new();
        for part in joined.components() {
            match part {
                std::path::Component::CurDir => {}
                std::path::Component::ParentDir
                    if matches!(
                        out.components().next_back(),
                        Some(std::path::Component::Normal(_))
                    ) =>
                {
                    out.pop();
                }
                other => out.push(other),
            }
        }
        out
    }

    pub fn project(&self, name: &str) -> Option<&Project> {
        self.config.projects.iter().find(|p| p.name.value == name)
    }

    pub fn category_overrides(&self) -> &BTreeMap<String, Category> {
        &self.config.categories
    }
}

/// Reads and checks a configuration file.
pub fn load(path: &Path) -> Result<Loaded> {
    if !path.exists() {
        return Err(Error::Usage(format!(
            "no configuration file {} (give one with --config; DESIGN.md §3 and the README describe its format)",
            path.display()
        )));
    }
    let config: Config = crate::yaml::read(path)?;
    validate(path, &config)?;
    let loaded = Loaded {
        path: path.to_path_buf(),
        config,
    };
    check_paths(&loaded)?;
    Ok(loaded)
}

/// A project's path or usage file that does not exist is an error in the configuration, at the
/// project's line, rather than a bare "cannot read" about a file the user may not recognise.
fn check_paths(loaded: &Loaded) -> Result<()> {
    for p in &loaded.config.projects {
        let files = std::iter::once(("path", &p.path))
            .chain(p.usage_file.iter().map(|f| ("usage_file", f)));
        for (key, file) in files {
            let resolved = loaded.resolve(file);
            if std::fs::metadata(&resolved).is_err() {
                return Err(at(
                    &loaded.path,
                    p.name.referenced,
                    format!(
                        "project {:?}: its {key} {} does not exist",
                        p.name.value,
                        resolved.display()
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn at(path: &Path, location: serde_saphyr::Location, message: String) -> Error {
    Error::input_at(
        path,
        Position {
            line: location.line() as usize,
            column: location.column() as usize,
        },
        message,
    )
}

fn validate(path: &Path, config: &Config) -> Result<()> {
    let version_ok = match &config.version.value {
        Value::Number(n) => n.to_string() == "1",
        Value::String(s) => s == "1",
        _ => false,
    };
    if !version_ok {
        return Err(at(
            path,
            config.version.referenced,
            "configuration version must be 1".into(),
        ));
    }
    if config.projects.is_empty() {
        return Err(Error::input(
            path,
            "no projects: list at least one under `projects`",
        ));
    }
    let mut seen: BTreeMap<&str, serde_saphyr::Location> = BTreeMap::new();
    for p in &config.projects {
        if p.name.value.trim().is_empty() {
            return Err(at(
                path,
                p.name.referenced,
                "a project name cannot be empty".into(),
            ));
        }
        if let Some(first) = seen.insert(&p.name.value, p.name.referenced) {
            return Err(at(
                path,
                p.name.referenced,
                format!(
                    "duplicate project name {:?} (first at line {}): project names must be unique",
                    p.name.value,
                    first.line()
                ),
            ));
        }
        if let Some(budget) = &p.budget {
            if let Some(w) = budget.warn_percent {
                if w.0 > Decimal::ONE_HUNDRED {
                    return Err(at(
                        path,
                        p.name.referenced,
                        format!(
                            "project {:?}: warn_percent must be between 0 and 100",
                            p.name.value
                        ),
                    ));
                }
            }
        }
    }
    let names: BTreeSet<&str> = config
        .projects
        .iter()
        .map(|p| p.name.value.as_str())
        .collect();
    for s in &config.scenarios {
        if !names.contains(s.project.value.as_str()) {
            return Err(at(
                path,
                s.project.referenced,
                format!(
                    "scenario {:?} names project {:?}, which the configuration does not define (projects: {})",
                    s.name,
                    s.project.value,
                    names.iter().copied().collect::<Vec<_>>().join(", ")
                ),
            ));
        }
    }
    for a in &config.assumptions.prices {
        if a.per.is_some_and(|p| p.0.is_zero()) {
            return Err(Error::input(
                path,
                format!("assumption {:?}: `per` must be more than 0", a.name),
            ));
        }
    }
    for s in &config.assumptions.spot {
        if s.spot_percent.0 > Decimal::ONE_HUNDRED
            || s.discount_percent
                .is_some_and(|d| d.0 > Decimal::ONE_HUNDRED)
        {
            return Err(Error::input(
                path,
                format!(
                    "spot assumption {:?}: percentages must be between 0 and 100",
                    s.name
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config> {
        let path = Path::new("plancost.yml");
        let config: Config = crate::yaml::parse(path, text)?;
        validate(path, &config)?;
        Ok(config)
    }

    const MINIMAL: &str = "version: 1\nprojects:\n  - name: a\n    path: plan.json\n";

    #[test]
    fn money_reads_numbers_and_strings_exactly() {
        let c = parse(
            "version: 1\nprojects:\n  - name: a\n    path: p.json\n    budget:\n      monthly: 1227\n      warn_percent: 90\n      categories: { compute: 1016.5, database: \"72.10\", cache: 0.1 }\n",
        )
        .unwrap();
        let b = c.projects[0].budget.clone().unwrap();
        assert_eq!(b.monthly, Some(Money(Decimal::from(1227))));
        let cat = |c: Category| b.categories.get(&c).unwrap().0.to_string();
        assert_eq!(cat(Category::Compute), "1016.5");
        assert_eq!(cat(Category::Database), "72.1");
        // 0.1 has no exact binary form; its shortest text is still "0.1".
        assert_eq!(cat(Category::Cache), "0.1");
    }

    #[test]
    fn unknown_keys_are_errors_with_their_line() {
        let e = parse(
            "version: 1\nprojects:\n  - name: a\n    path: p.json\n    budget:\n      montly: 5\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("plancost.yml:6:"), "{e}");
        assert!(e.contains("montly"), "{e}");
    }

    #[test]
    fn wrong_types_and_negative_amounts_are_errors() {
        let e = parse(
            "version: 1\nprojects:\n  - name: a\n    path: p.json\n    budget: { monthly: lots }\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("plancost.yml:5:"), "{e}");
        let e = parse(
            "version: 1\nprojects:\n  - name: a\n    path: p.json\n    budget: { monthly: -3 }\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("negative"), "{e}");
        let e = parse("version: 1\nprojects:\n  - name: a\n    path: p.json\n    budget: { categories: { gpu: 3 } }\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("plancost.yml:5:"), "{e}");
    }

    #[test]
    fn duplicate_project_names_are_named() {
        let e = parse(&format!("{MINIMAL}  - name: a\n    path: other.json\n"))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("plancost.yml:5:"), "{e}");
        assert!(
            e.contains("duplicate project name \"a\" (first at line 3)"),
            "{e}"
        );
    }

    #[test]
    fn version_and_scenario_projects_are_checked() {
        let e = parse("version: 2\nprojects:\n  - name: a\n    path: p.json\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("plancost.yml:1:"), "{e}");
        let e = parse(&format!(
            "{MINIMAL}scenarios:\n  - name: m1\n    project: b\n"
        ))
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("plancost.yml:7:"), "{e}");
        assert!(e.contains("\"b\""), "{e}");
    }

    #[test]
    fn the_repositorys_configurations_are_valid() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let main = load(&root.join("plancost.yml")).unwrap();
        assert_eq!(main.config.projects.len(), 2);
        assert_eq!(main.config.scenarios.len(), 12);
        assert_eq!(main.config.assumptions.prices.len(), 30);
        assert_eq!(main.config.assumptions.spot.len(), 1);
        let plans = load(&root.join("fixtures/config/reference-plans.yml")).unwrap();
        // The same budgets and assumptions, on the plans instead of the HCL.
        for (a, b) in main.config.projects.iter().zip(&plans.config.projects) {
            assert_eq!(a.budget, b.budget);
        }
        assert_eq!(main.config.policy, plans.config.policy);
        assert_eq!(
            format!("{:?}", main.config.assumptions),
            format!("{:?}", plans.config.assumptions)
        );
        let estimates = |c: &Config| -> Vec<(Option<u64>, Option<Money>)> {
            c.scenarios.iter().map(|s| (s.nodes, s.estimate)).collect()
        };
        assert_eq!(estimates(&main.config), estimates(&plans.config));
    }

    #[test]
    fn paths_resolve_against_the_configuration_directory() {
        let loaded = Loaded {
            path: PathBuf::from("conf/plancost.yml"),
            config: parse(MINIMAL).unwrap(),
        };
        assert_eq!(
            loaded.resolve(Path::new("plan.json")),
            PathBuf::from("conf/plan.json")
        );
        let here = Loaded {
            path: PathBuf::from("plancost.yml"),
            config: parse(MINIMAL).unwrap(),
        };
        assert_eq!(
            here.resolve(Path::new("plan.json")),
            PathBuf::from("plan.json")
        );
        assert_eq!(
            loaded.resolve(Path::new("../infra/./p.json")),
            PathBuf::from("infra/p.json")
        );
        assert_eq!(
            here.resolve(Path::new("../p.json")),
            PathBuf::from("../p.json")
        );
    }
}
