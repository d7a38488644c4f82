//! Pricing: turns resources into a project report by asking each service mapping for its cost
//! components and the price book for each component's unit price.
//!
//! Both sides of a plan are priced, so every resource carries what it costs after the plan and
//! what it cost before; a created resource had no past cost, a deleted one has no future cost.

use std::collections::{BTreeMap, BTreeSet};

use foldhash::HashMap;
use rust_decimal::Decimal;

use crate::aws::{self, Context, ResourceIndex};
use crate::error::{Error, Result};
use crate::model::{Action, Category, Mapping, PriceSpec, Resource};
use crate::pricing::{Price, PriceBook};
use crate::report::{
    ComponentReport, PricesInfo, ProjectReport, Provenance, Report, ResourceReport, SCHEMA_VERSION,
    Skipped, SourceInfo, SpotInfo, TierInfo, Unpriced,
};
use crate::terraform::Resources;
use crate::usage::Usage;

/// What pricing one project needs besides its resources.
pub struct ProjectInput<'a> {
    pub name: String,
    pub path: String,
    pub resources: Resources,
    pub usage: &'a Usage,
    /// Resource type → category, overriding the mappings' defaults.
    pub categories: &'a BTreeMap<String, Category>,
    /// The day prices apply to (`YYYY-MM-DD`), for what AWS bills by date (EKS extended support).
    pub pricing_date: &'a str,
}

/// Sources that answered at least one lookup, collected across projects.
#[derive(Default)]
pub struct SourcesUsed {
    sources: BTreeSet<SourceInfo>,
    labels: Vec<SourceLabel>,
}

/// The `source` text of a price line, made once per source: a large plan has a dozen sources
/// and a hundred thousand lines.
struct SourceLabel {
    source: crate::pricing::Source,
    origin: crate::pricing::Origin,
    text: String,
}

pub fn price_project(
    input: ProjectInput,
    book: &PriceBook,
    used: &mut SourcesUsed,
) -> Result<ProjectReport> {
    let mut after = price_side(&input.resources.after, &input, book, used)?;
    let mut before = price_side(&input.resources.before, &input, book, used)?;
    let crate::terraform::Resources {
        before: before_resources,
        after: mut after_resources,
        kind,
        skipped: input_skipped,
    } = input.resources;

    // Each resource's past is found by address; whether a past resource is still there after
    // the plan is marked where the address's entry points.
    let before_at: HashMap<&str, usize> = before_resources
        .iter()
        .enumerate()
        .map(|(i, r)| (r.address.as_str(), i))
        .collect();
    // The present resources' reports, made from a large side's halves at once.
    let count = after_resources.len();
    let mid = if count >= crate::halves::TWO_THREADS_FROM {
        count / 2
    } else {
        count
    };
    let (second_resources, second_priced) = (after_resources.split_off(mid), after.split_off(mid));
    let (mut present, second) = crate::halves::both(
        mid < count,
        || present_reports(after_resources, after, &before_at, &before),
        || present_reports(second_resources, second_priced, &before_at, &before),
    );
    present.append(second);
    let Present {
        mut resources,
        unpriced,
        mut skipped,
        usage_missing,
        past_found,
    } = present;
    let mut still_there = vec![false; before.len()];
    for i in past_found {
        still_there[i] = true;
    }
    // Parts of the configuration that could not be read (an HCL module not installed).
    for s in input_skipped {
        skipped.push(Skipped {
            address: s.address,
            resource_type: s.resource_type,
            reason: s.reason,
            // A module that could not be read may hold changed resources: count it as changed
            // so a policy on unpriced changes does not pass over it.
            changed: true,
        });
    }
    // Resources the plan deletes: present before, gone after.
    for (b, resource) in before.iter_mut().zip(&before_resources) {
        if still_there[before_at[resource.address.as_str()]] {
            continue;
        }
        let past_monthly_cost = b.total();
        if let Outcome::Priced { category, .. } = &b.outcome {
            resources.push(ResourceReport {
                address: resource.address.clone(),
                resource_type: resource.resource_type.clone(),
                region: resource.region.clone(),
                category: *category,
                action: Action::Delete,
                monthly_cost: Decimal::ZERO,
                past_monthly_cost,
                components: Vec::new(),
                past_components: b.take_components(),
            });
        }
    }

    let mut categories: BTreeMap<Category, Decimal> =
        Category::ALL.iter().map(|c| (*c, Decimal::ZERO)).collect();
    for r in &resources {
        *categories.entry(r.category).or_default() += r.monthly_cost;
    }
    for amount in categories.values_mut() {
        *amount = amount.normalize();
    }
    let total = resources
        .iter()
        .map(|r| r.monthly_cost)
        .sum::<Decimal>()
        .normalize();
    let past = resources
        .iter()
        .map(|r| r.past_monthly_cost)
        .sum::<Decimal>()
        .normalize();
    Ok(ProjectReport {
        name: input.name,
        path: input.path,
        resources,
        unpriced,
        skipped,
        categories,
        total_monthly_cost: total,
        past_total_monthly_cost: past,
        diff_monthly_cost: (total - past).normalize(),
        usage_missing,
        baseline: kind != crate::terraform::InputKind::Hcl,
    })
}

/// The reports of present resources (and what could not be priced of them), with where each
/// one's past was found.
struct Present {
    resources: Vec<ResourceReport>,
    unpriced: Vec<Unpriced>,
    skipped: Vec<Skipped>,
    usage_missing: usize,
    past_found: Vec<usize>,
}

impl Present {
    fn append(&mut self, other: Present) {
        self.resources.extend(other.resources);
        self.unpriced.extend(other.unpriced);
        self.skipped.extend(other.skipped);
        self.usage_missing += other.usage_missing;
        self.past_found.extend(other.past_found);
    }
}

/// The reports of `resources` (priced as `priced`, in the same order), with their pasts from
/// `before`. The resources are not needed past this point: their strings move into the
/// reports.
fn present_reports(
    resources: Vec<Resource>,
    priced: Vec<Priced>,
    before_at: &HashMap<&str, usize>,
    before: &[Priced],
) -> Present {
    let mut out = Present {
        resources: Vec::with_capacity(resources.len()),
        unpriced: Vec::new(),
        skipped: Vec::new(),
        usage_missing: 0,
        past_found: Vec::new(),
    };
    for (resource, p) in resources.into_iter().zip(priced) {
        let past = if before_at.is_empty() {
            None
        } else {
            before_at.get(resource.address.as_str()).map(|&i| {
                out.past_found.push(i);
                &before[i]
            })
        };
        let total = p.total();
        match p.outcome {
            Outcome::Priced {
                category,
                components,
            } => {
                for c in &components {
                    if c.usage_based && c.monthly_quantity.is_none() {
                        out.usage_missing += 1;
                    }
                }
                out.unpriced.extend(p.unpriced);
                let (past_monthly_cost, past_components) = match past {
                    Some(b) if resource.action.is_change() => (b.total(), b.components().to_vec()),
                    Some(b) => (b.total(), Vec::new()),
                    None => (Decimal::ZERO, Vec::new()),
                };
                out.resources.push(ResourceReport {
                    address: resource.address,
                    resource_type: resource.resource_type,
                    region: resource.region,
                    category,
                    action: resource.action,
                    monthly_cost: total,
                    past_monthly_cost,
                    components,
                    past_components,
                });
            }
            Outcome::Skipped(reason) => out.skipped.push(Skipped {
                address: resource.address,
                resource_type: resource.resource_type,
                reason: reason.to_string(),
                changed: resource.action.is_change(),
            }),
        }
    }
    out
}

/// Assembles the report of several priced projects.
pub fn report(
    projects: Vec<ProjectReport>,
    book: &PriceBook,
    used: SourcesUsed,
    generated_at: String,
) -> Report {
    let total = projects
        .iter()
        .map(|p| p.total_monthly_cost)
        .sum::<Decimal>()
        .normalize();
    let past = projects
        .iter()
        .map(|p| p.past_total_monthly_cost)
        .sum::<Decimal>()
        .normalize();
    let mut origins: Vec<String> = used.sources.iter().map(|s| s.origin.clone()).collect();
    origins.sort();
    origins.dedup();
    if origins.is_empty() {
        // Nothing was looked up (no billed resources): name what would have answered.
        origins = book
            .sources()
            .map(|(_, o)| o.as_str().to_string())
            .take(1)
            .collect();
    }
    Report {
        schema_version: SCHEMA_VERSION.to_string(),
        generated_at,
        currency: "USD".to_string(),
        prices: PricesInfo {
            snapshot: origins.join("+"),
            sources: used.sources.into_iter().collect(),
        },
        projects,
        total_monthly_cost: total,
        past_total_monthly_cost: past,
        diff_monthly_cost: (total - past).normalize(),
        budget: None,
    }
}

/// What pricing made of one resource of a side (the side's resources and these are in the same
/// order).
#[derive(Clone)]
struct Priced {
    outcome: Outcome,
    unpriced: Vec<Unpriced>,
}

#[derive(Clone)]
enum Outcome {
    Priced {
        category: Category,
        components: Vec<ComponentReport>,
    },
    Skipped(&'static str),
}

impl Priced {
    /// The same pricing for `resource`, a resource priced alike: its unpriced lines name it.
    fn for_resource(&self, resource: &Resource) -> Priced {
        let mut priced = self.clone();
        for u in &mut priced.unpriced {
            u.address = resource.address.clone();
            u.changed = resource.action.is_change();
        }
        priced
    }

    /// The lines, left empty: for the report of the one resource that takes them.
    fn take_components(&mut self) -> Vec<ComponentReport> {
        match &mut self.outcome {
            Outcome::Priced { components, .. } => std::mem::take(components),
            Outcome::Skipped(_) => Vec::new(),
        }
    }

    fn components(&self) -> &[ComponentReport] {
        match &self.outcome {
            Outcome::Priced { components, .. } => components,
            Outcome::Skipped(_) => &[],
        }
    }

    fn total(&self) -> Decimal {
        match &self.outcome {
            Outcome::Priced { components, .. } => {
                components.iter().filter_map(|c| c.monthly_cost).sum()
            }
            Outcome::Skipped(_) => Decimal::ZERO,
        }
    }
}

fn price_side(
    resources: &[Resource],
    input: &ProjectInput,
    book: &PriceBook,
    used: &mut SourcesUsed,
) -> Result<Vec<Priced>> {
    let index = ResourceIndex::new(resources);
    // Each resource is priced on its own (its mapping reads the side, never writes it), so a
    // large side's halves are priced at once; the first error in the side's order is the one
    // reported, as it would be on one thread.
    let parts = crate::halves::in_halves(resources, |part| {
        let mut part_used = SourcesUsed::default();
        price_resources(part, resources, &index, input, book, &mut part_used)
            .map(|priced| (priced, part_used))
    });
    let mut out = Vec::with_capacity(resources.len());
    for part in parts {
        let (priced, part_used) = part?;
        out.extend(priced);
        used.merge(part_used);
    }
    Ok(out)
}

/// Prices `resources`, part of the side `side` (which their mappings may read).
///
/// A resource whose mapping looked at no other resource was priced from its type, values,
/// region and unknowns alone (with no usage given for it and no references in its
/// configuration): another resource with the same ones (values shared by the loader, so the
/// same pointer) gets the same lines without its mapping and lookups running again. A module
/// instantiated 850 times is priced once.
fn price_resources<'i>(
    resources: &[Resource],
    side: &'i [Resource],
    index: &'i ResourceIndex<'i>,
    input: &ProjectInput<'i>,
    book: &PriceBook,
    used: &mut SourcesUsed,
) -> Result<Vec<Priced>> {
    let mut out = Vec::with_capacity(resources.len());
    let mut priced_alike: HashMap<(&str, usize, &str, &[String]), Priced> = HashMap::default();
    for resource in resources {
        let usage = input.usage.for_resource(resource);
        // A mapping may read whether its own configuration refers to something (an ElastiCache
        // cluster in a replication group): resources with references are priced each.
        let alike = (usage.is_empty() && resource.references.is_empty()).then_some((
            resource.resource_type.as_str(),
            std::sync::Arc::as_ptr(&resource.values) as usize,
            resource.region.as_str(),
            resource.unknown.as_slice(),
        ));
        if let Some(known) = alike.and_then(|key| priced_alike.get(&key)) {
            out.push(known.for_resource(resource));
            continue;
        }
        let ctx = Context::new(side, index, usage, input.pricing_date);
        let priced = price_one(resource, &ctx, input, book, used)?;
        if let Some(key) = alike.filter(|_| !ctx.looked_elsewhere()) {
            priced_alike.insert(key, priced.clone());
        }
        out.push(priced);
    }
    Ok(out)
}

/// Prices one resource.
fn price_one(
    resource: &Resource,
    ctx: &Context,
    input: &ProjectInput,
    book: &PriceBook,
    used: &mut SourcesUsed,
) -> Result<Priced> {
    let mapping = aws::map_resource(resource, ctx);
    let type_errors = resource.type_errors.take();
    if !type_errors.is_empty() {
        return Err(Error::input(
            &input.path,
            format!("{}: {}", resource.address, type_errors.join("; ")),
        ));
    }
    let outcome = match mapping {
        Mapping::Free => {
            return Ok(Priced {
                outcome: Outcome::Skipped("free"),
                unpriced: Vec::new(),
            });
        }
        Mapping::Unsupported => {
            return Ok(Priced {
                outcome: Outcome::Skipped("unsupported"),
                unpriced: Vec::new(),
            });
        }
        Mapping::Priced {
            category,
            components,
        } => (category, components),
    };
    if resource.region.is_empty() {
        return Err(Error::input(
            &input.path,
            format!(
                "cannot tell the region of {}: its provider sets no region; set one in the provider block, or AWS_REGION",
                resource.address
            ),
        ));
    }
    let (default_category, mut components) = outcome;
    // HCL mode prices one instance of a resource whose count or for_each is known only
    // after apply; say so on every line rather than let the guess pass for a fact.
    for meta in ["count", "for_each"] {
        if resource.unknown.iter().any(|u| u == meta) {
            for c in &mut components {
                c.notes
                    .push(format!("{meta} known only after apply; 1 instance assumed"));
            }
        }
    }
    let category = input
        .categories
        .get(&resource.resource_type)
        .copied()
        .unwrap_or(default_category);
    if let Some(c) = components.iter().find(|c| {
        c.monthly_quantity
            .value()
            .is_some_and(|q| q > crate::model::MAX_QUANTITY)
    }) {
        return Err(Error::input(
            &input.path,
            format!(
                "{}: {} comes out above 10^15 units a month; check the values it is computed from",
                resource.address, c.name
            ),
        ));
    }
    if let Some(c) = components.iter().find(|c| {
        c.monthly_quantity
            .value()
            .is_some_and(|q| q.is_sign_negative() && !q.is_zero())
    }) {
        return Err(Error::input(
            &input.path,
            format!(
                "{}: {} comes out negative; check the values it is computed from",
                resource.address, c.name
            ),
        ));
    }
    let mut reports = Vec::with_capacity(components.len());
    let mut unpriced = Vec::new();
    for component in components {
        let (report, failure) = price_component(component, book, used);
        if report
            .monthly_cost
            .is_some_and(|c| c > crate::model::MAX_QUANTITY)
        {
            return Err(Error::input(
                &input.path,
                format!(
                    "{}: {} costs more than 10^15 USD a month; check the values it is computed from",
                    resource.address, report.name
                ),
            ));
        }
        if let Some(reason) = failure {
            unpriced.push(Unpriced {
                address: resource.address.clone(),
                resource_type: resource.resource_type.clone(),
                component: report.name.clone(),
                reason,
                changed: resource.action.is_change(),
                usage_missing: report.usage_based && report.monthly_quantity.is_none(),
            });
        }
        reports.push(report);
    }
    Ok(Priced {
        outcome: Outcome::Priced {
            category,
            components: reports,
        },
        unpriced,
    })
}

/// Prices one component; the second value is why it could not be priced, if it could not.
fn price_component(
    component: crate::model::CostComponent,
    book: &PriceBook,
    used: &mut SourcesUsed,
) -> (ComponentReport, Option<String>) {
    let quantity = component.monthly_quantity.value();
    let usage_based = component.monthly_quantity.is_usage_based();
    let mut report = ComponentReport {
        name: component.name,
        unit: component.unit,
        monthly_quantity: quantity,
        unit_price: None,
        monthly_cost: None,
        usage_based,
        price: None,
        notes: component.notes,
        spot: None,
    };
    match component.price {
        PriceSpec::Unavailable { reason } => (report, Some(reason)),
        PriceSpec::Query { query, multiplier } => match book.lookup(&query) {
            Ok(price) => {
                report.unit_price = Some((price.first_unit_price() * multiplier).normalize());
                report.monthly_cost = quantity.map(|q| price.cost(q * multiplier).normalize());
                report.price = Some(provenance(&price, used));
                (report, None)
            }
            Err(e) => (report, Some(e.to_string())),
        },
        PriceSpec::Spot {
            on_demand,
            instance_type,
            operating_system,
            override_hourly,
        } => {
            if let Some(hourly) = override_hourly {
                report.unit_price = Some(hourly.normalize());
                report.monthly_cost = quantity.map(|q| (q * hourly).normalize());
                report.spot = Some(SpotInfo {
                    on_demand_unit_price: None,
                    savings_percent: None,
                    interruption: None,
                    basis: "usage file".into(),
                });
                return (report, None);
            }
            let od = match book.lookup(&on_demand) {
                Ok(p) => p,
                Err(e) => return (report, Some(e.to_string())),
            };
            let saving =
                match book.spot_saving(&on_demand.region, &instance_type, &operating_system) {
                    Ok(s) => s,
                    Err(e) => return (report, Some(e.to_string())),
                };
            let od_hourly = od.first_unit_price();
            let hourly = od_hourly
                * (Decimal::ONE_HUNDRED - Decimal::from(saving.entry.savings_percent))
                / Decimal::ONE_HUNDRED;
            report.unit_price = Some(hourly.normalize());
            report.monthly_cost = quantity.map(|q| (q * hourly).normalize());
            report.price = Some(provenance(&od, used));
            let _ = used.note(&saving.source, saving.origin);
            report.spot = Some(SpotInfo {
                on_demand_unit_price: Some(od_hourly.normalize()),
                savings_percent: Some(saving.entry.savings_percent),
                interruption: Some(saving.entry.interruption.clone()),
                basis: "spot advisor".into(),
            });
            report.notes.push(format!(
                "spot estimate: on-demand ${}/h less the Spot Instance Advisor's average saving of {}% ({})",
                od_hourly.normalize(),
                saving.entry.savings_percent,
                saving.source.version
            ));
            (report, None)
        }
    }
}

impl SourcesUsed {
    /// Adds the sources another part of the run recorded.
    fn merge(&mut self, other: SourcesUsed) {
        self.sources.extend(other.sources);
        for label in other.labels {
            if !self
                .labels
                .iter()
                .any(|l| l.origin == label.origin && l.source == label.source)
            {
                self.labels.push(label);
            }
        }
    }

    /// Records that a price came from `source` and returns the line's `source` text. Every
    /// priced component calls this and a run has a dozen sources at most, so the common case
    /// compares instead of allocating.
    fn note(&mut self, source: &crate::pricing::Source, origin: crate::pricing::Origin) -> String {
        if let Some(label) = self
            .labels
            .iter()
            .find(|l| l.origin == origin && l.source == *source)
        {
            return label.text.clone();
        }
        self.sources.insert(source_info(source, origin));
        let text = format!(
            "{} {} {} ({}, {}, {})",
            source.service,
            source.region,
            source.version,
            source.kind,
            source.file,
            origin.as_str()
        );
        self.labels.push(SourceLabel {
            source: source.clone(),
            origin,
            text: text.clone(),
        });
        text
    }
}

fn source_info(source: &crate::pricing::Source, origin: crate::pricing::Origin) -> SourceInfo {
    SourceInfo {
        service: source.service.clone(),
        region: source.region.clone(),
        version: source.version.clone(),
        publication_date: source.publication_date.clone(),
        origin: origin.as_str().to_string(),
        kind: source.kind.clone(),
        file: source.file.clone(),
    }
}

fn provenance(price: &Price, used: &mut SourcesUsed) -> Provenance {
    Provenance {
        sku: price.sku.clone(),
        rate_code: price.rate_code.clone(),
        effective_date: price.effective_date.clone(),
        source: used.note(&price.source, price.origin),
        tiers: if price.is_tiered() {
            price
                .tiers
                .iter()
                .map(|t| TierInfo {
                    begin: t.begin,
                    end: t.end,
                    unit_price: t.per_unit,
                })
                .collect()
        } else {
            Vec::new()
        },
    }
}
