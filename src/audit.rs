//! `plancost audit`: the unit prices and arithmetic an estimate assumed, held against the price
//! book.
//!
//! Two kinds of assumption, both data in `plancost.yml`:
//! - **prices**: an assumed unit price for the cost components of one resource type whose name
//!   contains some text (`spot, g5.xlarge`). The projects are priced as `check` prices them; each
//!   project's matching components give the price book's unit price and the monthly quantity, so
//!   a deviation comes with its monthly effect: (book − assumed) × quantity.
//! - **spot**: a spot / on-demand mix priced by hand (share on spot, assumed discount, assumed
//!   hourly prices, the monthly figures stated for some node counts). Checked against the on-demand
//!   price and the Spot Instance Advisor's saving and interruption band, and the stated figures
//!   against the estimate's own assumptions (does the arithmetic hold?) and against the book.

use std::collections::BTreeMap;
use std::fmt::Write;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use tabled::builder::Builder;
use tabled::settings::object::Columns;
use tabled::settings::{Alignment, Style};

use crate::check::{ConfigOptions, Pricer, generated_at};
use crate::config::{self, PriceAssumption, SpotAssumption};
use crate::error::Result;
use crate::estimate;
use crate::model::HOURS_PER_MONTH;
use crate::pricing::PriceBook;
use crate::report::table::clean;
use crate::report::{PricesInfo, ProjectReport, SCHEMA_VERSION, money, signed_money};

/// Deviations up to this percentage pass unless the configuration or `--tolerance` says otherwise.
pub const DEFAULT_TOLERANCE_PERCENT: Decimal = Decimal::ONE;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Audit {
    pub schema_version: String,
    pub generated_at: String,
    pub currency: String,
    pub tolerance_percent: Decimal,
    pub prices: Vec<PriceFinding>,
    pub spot: Vec<SpotFinding>,
    /// How many findings are beyond the tolerance.
    pub flagged: usize,
    pub price_sources: PricesInfo,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Within the tolerance.
    Ok,
    /// Beyond the tolerance.
    Deviates,
    /// No priced component of any project matches the assumption.
    NotFound,
    /// Matching components exist but have no price (see `plancost check`).
    Unpriced,
}

/// One price assumption in one project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriceFinding {
    pub name: String,
    pub resource_type: String,
    pub component: String,
    /// The estimate's unit, for display; prices below are per `per` of the component's unit.
    pub unit: Option<String>,
    pub per: Decimal,
    pub assumed: Decimal,
    pub project: Option<String>,
    pub book: Option<Decimal>,
    pub deviation_percent: Option<Decimal>,
    /// Monthly quantity of the matching components, in the component's unit.
    pub monthly_quantity: Option<Decimal>,
    /// What the difference costs a month in this project: (book − assumed) × quantity.
    pub monthly_effect: Option<Decimal>,
    pub verdict: Verdict,
}

/// A finding about a spot / on-demand mix, in words, with its monthly effect where it has one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub flagged: bool,
    pub message: String,
    pub monthly_effect: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpotFinding {
    pub name: String,
    pub instance_type: String,
    pub region: String,
    pub on_demand_assumed: Decimal,
    pub on_demand_book: Option<Decimal>,
    pub spot_assumed: Decimal,
    /// On-demand less the Spot Instance Advisor's average saving.
    pub spot_book: Option<Decimal>,
    pub discount_assumed_percent: Option<Decimal>,
    pub advisor_savings_percent: Option<i32>,
    pub interruption_band: Option<String>,
    pub findings: Vec<Finding>,
}

/// Audits the assumptions of the configuration.
pub fn audit(options: &ConfigOptions, tolerance: Option<Decimal>) -> Result<(Audit, Vec<String>)> {
    let loaded = config::load(&options.config)?;
    let assumptions = &loaded.config.assumptions;
    let tolerance = tolerance
        .or(assumptions.tolerance_percent.map(|t| t.0))
        .unwrap_or(DEFAULT_TOLERANCE_PERCENT);
    let data = crate::PriceData::read(&options.prices)?;
    let book = data.book()?;
    let mut pricer = Pricer::new(&loaded, &book, options)?;
    let mut projects = Vec::new();
    if !assumptions.prices.is_empty() {
        for project in &loaded.config.projects {
            projects.push(pricer.price(project, &BTreeMap::new(), None, None)?);
        }
    }
    let prices: Vec<PriceFinding> = assumptions
        .prices
        .iter()
        .flat_map(|a| price_findings(a, &projects, tolerance))
        .collect();
    let spot: Vec<SpotFinding> = assumptions
        .spot
        .iter()
        .map(|s| spot_finding(s, &book, tolerance))
        .collect();
    let (used, warnings) = pricer.finish();
    let flagged = prices
        .iter()
        .filter(|p| p.verdict == Verdict::Deviates)
        .count()
        + spot
            .iter()
            .flat_map(|s| &s.findings)
            .filter(|f| f.flagged)
            .count();
    Ok((
        Audit {
            schema_version: SCHEMA_VERSION.into(),
            generated_at: generated_at(options),
            currency: "USD".into(),
            tolerance_percent: tolerance.normalize(),
            prices,
            spot,
            flagged,
            price_sources: estimate::report(Vec::new(), &book, used, String::new()).prices,
        },
        warnings,
    ))
}

fn deviation_percent(book: Decimal, assumed: Decimal) -> Option<Decimal> {
    (!assumed.is_zero()).then(|| {
        ((book - assumed) * Decimal::ONE_HUNDRED / assumed)
            .round_dp(2)
            .normalize()
    })
}

fn beyond(book: Decimal, assumed: Decimal, tolerance: Decimal) -> bool {
    // |book − assumed| > tolerance% of assumed, exactly (no division).
    (book - assumed).abs() * Decimal::ONE_HUNDRED > tolerance * assumed.abs()
}

fn price_findings(
    a: &PriceAssumption,
    projects: &[ProjectReport],
    tolerance: Decimal,
) -> Vec<PriceFinding> {
    let per = a.per.map(|p| p.0).unwrap_or(Decimal::ONE);
    let needle = a.component.to_lowercase();
    let base = PriceFinding {
        name: a.name.clone(),
        resource_type: a.resource_type.clone(),
        component: a.component.clone(),
        unit: a.unit.clone(),
        per: per.normalize(),
        assumed: a.assumed.0,
        project: None,
        book: None,
        deviation_percent: None,
        monthly_quantity: None,
        monthly_effect: None,
        verdict: Verdict::NotFound,
    };
    let mut out = Vec::new();
    for project in projects {
        // Matching components by unit price (one price almost always; several only if the
        // matcher is loose, and then each is a finding of its own).
        let mut by_price: BTreeMap<Option<Decimal>, Decimal> = BTreeMap::new();
        for r in project
            .resources
            .iter()
            .filter(|r| r.resource_type == a.resource_type)
        {
            for c in r
                .components
                .iter()
                .filter(|c| c.name.to_lowercase().contains(&needle))
            {
                *by_price.entry(c.unit_price).or_default() +=
                    c.monthly_quantity.unwrap_or(Decimal::ZERO);
            }
        }
        for (unit_price, quantity) in by_price {
            let mut f = base.clone();
            f.project = Some(project.name.clone());
            f.monthly_quantity = Some(quantity.normalize());
            match unit_price {
                None => f.verdict = Verdict::Unpriced,
                Some(unit_price) => {
                    let book = (unit_price * per).normalize();
                    f.book = Some(book);
                    f.deviation_percent = deviation_percent(book, a.assumed.0);
                    f.monthly_effect =
                        Some(((unit_price - a.assumed.0 / per) * quantity).normalize());
                    f.verdict = if beyond(book, a.assumed.0, tolerance) {
                        Verdict::Deviates
                    } else {
                        Verdict::Ok
                    };
                }
            }
            out.push(f);
        }
    }
    if out.is_empty() {
        out.push(base);
    }
    out
}

fn percent_text(p: Decimal) -> String {
    format!("{}%", p.round_dp(2).normalize())
}

/// A unit price as written in price lists: all its digits, and at least cents (`$0.30`).
fn price_text(p: Decimal) -> String {
    let p = p.normalize();
    if p.scale() < 2 {
        format!("${p:.2}")
    } else {
        format!("${p}")
    }
}

fn spot_finding(s: &SpotAssumption, book: &PriceBook, tolerance: Decimal) -> SpotFinding {
    let hundred = Decimal::ONE_HUNDRED;
    let mut findings = Vec::new();
    let on_demand = book.lookup(&crate::aws::ec2::instance_hours_query(
        &s.region,
        &s.instance_type,
        "Shared",
    ));
    let advisor = book.spot_saving(&s.region, &s.instance_type, &s.operating_system);
    let on_demand_book = match &on_demand {
        Ok(p) => Some(p.first_unit_price().normalize()),
        Err(e) => {
            findings.push(Finding {
                flagged: true,
                message: format!("cannot check the on-demand price: {e}"),
                monthly_effect: None,
            });
            None
        }
    };
    let (savings, band) = match &advisor {
        Ok(a) => (
            Some(a.entry.savings_percent),
            Some(a.entry.interruption.clone()),
        ),
        Err(e) => {
            findings.push(Finding {
                flagged: true,
                message: format!("cannot check the spot price: {e}"),
                monthly_effect: None,
            });
            (None, None)
        }
    };
    let spot_book = on_demand_book
        .zip(savings)
        .map(|(od, saving)| (od * (hundred - Decimal::from(saving)) / hundred).normalize());
    let it = clean(&s.instance_type);
    let region = clean(&s.region);

    if let Some(od) = on_demand_book {
        if beyond(od, s.on_demand_hourly.0, tolerance) {
            findings.push(Finding {
                flagged: true,
                message: format!(
                    "on-demand {it}: assumed {}/h, the price book says {}/h ({})",
                    price_text(s.on_demand_hourly.0),
                    price_text(od),
                    signed_percent(deviation_percent(od, s.on_demand_hourly.0))
                ),
                monthly_effect: None,
            });
        }
    }
    if let Some(discount) = s.discount_assumed_percent() {
        // The estimate's own consistency: does its discount give its spot price?
        let implied = s.on_demand_hourly.0 * (hundred - discount) / hundred;
        if beyond(implied, s.spot_hourly.0, tolerance) {
            findings.push(Finding {
                flagged: true,
                message: format!(
                    "the assumed {}% discount on {}/h gives {}/h, not the assumed spot price {}/h",
                    discount.normalize(),
                    price_text(s.on_demand_hourly.0),
                    price_text(implied.normalize()),
                    price_text(s.spot_hourly.0)
                ),
                monthly_effect: None,
            });
        }
        if let Some(saving) = savings {
            let saving = Decimal::from(saving);
            if (discount - saving).abs() * hundred > tolerance * saving.abs() {
                findings.push(Finding {
                    flagged: true,
                    message: format!(
                        "assumed spot discount {}%; the Spot Instance Advisor's average saving for {it} ({}) in {region} is {}%",
                        discount.normalize(),
                        clean(&s.operating_system),
                        saving
                    ),
                    monthly_effect: None,
                });
            }
        }
    }
    if let Some(spot) = spot_book {
        if beyond(spot, s.spot_hourly.0, tolerance) {
            findings.push(Finding {
                flagged: true,
                message: format!(
                    "spot {it}: assumed {}/h; on-demand {}/h less the advisor's {}% saving is {}/h ({})",
                    price_text(s.spot_hourly.0),
                    price_text(on_demand_book.unwrap_or_default()),
                    savings.unwrap_or_default(),
                    price_text(spot),
                    signed_percent(deviation_percent(spot, s.spot_hourly.0))
                ),
                monthly_effect: None,
            });
        }
    }
    let share = s.spot_percent.0 / hundred;
    let top_band = band.as_deref().is_some_and(|b| b.starts_with('>'));
    if top_band && share > Decimal::ZERO {
        findings.push(Finding {
            flagged: true,
            message: format!(
                "{}% of the pool on spot, but the Spot Instance Advisor puts {it} in {region} in its highest interruption band ({}): the share rests on the capacity AWS reclaims most often",
                s.spot_percent.0.normalize(),
                clean(band.as_deref().unwrap_or_default())
            ),
            monthly_effect: None,
        });
    }

    for line in &s.lines {
        let nodes = Decimal::from(line.nodes);
        let node_hours = nodes * HOURS_PER_MONTH;
        let own =
            node_hours * (share * s.spot_hourly.0 + (Decimal::ONE - share) * s.on_demand_hourly.0);
        let stated = line.stated.0;
        let name = clean(&line.name);
        if beyond(stated, own, tolerance) {
            let all_spot = node_hours * s.spot_hourly.0;
            let mut message = format!(
                "{name}: the stated {} does not follow from the estimate's own assumptions: {} nodes × 730 h × ({}% × {} + {}% × {}) = {}",
                money(stated),
                line.nodes,
                s.spot_percent.0.normalize(),
                price_text(s.spot_hourly.0),
                (hundred - s.spot_percent.0).normalize(),
                price_text(s.on_demand_hourly.0),
                money(own)
            );
            if !share.is_zero() && !beyond(stated, all_spot / share, tolerance) {
                let _ = write!(
                    message,
                    "; it is every node-hour at the spot price ({} nodes × 730 h × {} = {}) grossed up by 1/{}% ({}): the on-demand share is counted on top of hours already priced as spot, and at the spot rate",
                    line.nodes,
                    price_text(s.spot_hourly.0),
                    money(all_spot),
                    s.spot_percent.0.normalize(),
                    money(all_spot / share)
                );
            }
            findings.push(Finding {
                flagged: true,
                message,
                monthly_effect: Some((own - stated).normalize()),
            });
        }
        if let (Some(spot), Some(od)) = (spot_book, on_demand_book) {
            let at_book = node_hours * (share * spot + (Decimal::ONE - share) * od);
            findings.push(Finding {
                flagged: beyond(at_book, stated, tolerance),
                message: format!(
                    "{name}: at the price book's rates (spot {}/h, on-demand {}/h) the same {}% mix of {} nodes costs {}; stated {}",
                    price_text(spot),
                    price_text(od),
                    s.spot_percent.0.normalize(),
                    line.nodes,
                    money(at_book),
                    money(stated)
                ),
                monthly_effect: Some((at_book - stated).normalize()),
            });
            if top_band && share > Decimal::ZERO {
                let step = node_hours * Decimal::new(1, 1) * (od - spot);
                findings.push(Finding {
                    flagged: false,
                    message: format!(
                        "{name}: each 10 points of the spot share moved to on-demand add {} a month ({} nodes × 730 h × 10% × ({} − {}))",
                        money(step),
                        line.nodes,
                        price_text(od),
                        price_text(spot)
                    ),
                    monthly_effect: Some(step.normalize()),
                });
            }
        }
    }
    SpotFinding {
        name: s.name.clone(),
        instance_type: s.instance_type.clone(),
        region: s.region.clone(),
        on_demand_assumed: s.on_demand_hourly.0,
        on_demand_book,
        spot_assumed: s.spot_hourly.0,
        spot_book,
        discount_assumed_percent: s.discount_assumed_percent(),
        advisor_savings_percent: savings,
        interruption_band: band,
        findings,
    }
}

impl SpotAssumption {
    fn discount_assumed_percent(&self) -> Option<Decimal> {
        self.discount_percent.map(|d| d.0)
    }
}

fn signed_percent(p: Option<Decimal>) -> String {
    match p {
        Some(p) if p > Decimal::ZERO => format!("+{}", percent_text(p)),
        Some(p) => percent_text(p),
        None => "-".into(),
    }
}

pub fn render_table(audit: &Audit) -> String {
    let mut out = String::new();
    if !audit.prices.is_empty() {
        let mut builder = Builder::default();
        builder.push_record([
            "Assumption",
            "Project",
            "Assumed",
            "Price book",
            "Deviation",
            "Monthly quantity",
            "Monthly effect",
            "Verdict",
        ]);
        for f in &audit.prices {
            let per = match (&f.unit, f.per == Decimal::ONE) {
                (Some(unit), _) => format!(" / {}", clean(unit)),
                (None, true) => String::new(),
                (None, false) => format!(" / {}", f.per),
            };
            builder.push_record([
                clean(&f.name),
                f.project
                    .as_deref()
                    .map(clean)
                    .unwrap_or_else(|| "-".into()),
                format!("{}{per}", price_text(f.assumed)),
                f.book
                    .map(|b| format!("{}{per}", price_text(b)))
                    .unwrap_or_else(|| "-".into()),
                signed_percent(f.deviation_percent),
                f.monthly_quantity
                    .map(|q| q.round_dp(4).normalize().to_string())
                    .unwrap_or_else(|| "-".into()),
                f.monthly_effect
                    .map(signed_money)
                    .unwrap_or_else(|| "-".into()),
                match f.verdict {
                    Verdict::Ok => "ok",
                    Verdict::Deviates => "DEVIATES",
                    Verdict::NotFound => "not in any project",
                    Verdict::Unpriced => "not priced",
                }
                .to_string(),
            ]);
        }
        let mut table = builder.build();
        table
            .with(Style::rounded())
            .modify(Columns::new(2..7), Alignment::right());
        let _ = writeln!(
            out,
            "Assumed unit prices against the price book (tolerance {}%)\n{table}",
            audit.tolerance_percent
        );
    }
    for s in &audit.spot {
        let _ = writeln!(out, "\nSpot assumption: {}", clean(&s.name));
        if s.findings.is_empty() {
            out.push_str("  consistent with the price book\n");
        }
        for f in &s.findings {
            let mark = if f.flagged { "!" } else { "-" };
            let _ = write!(out, "  {mark} {}", f.message);
            if let Some(effect) = f.monthly_effect {
                let _ = write!(out, " [monthly effect {}]", signed_money(effect));
            }
            out.push('\n');
        }
    }
    let _ = writeln!(out, "\n{} finding(s) beyond the tolerance.", audit.flagged);
    out
}

pub fn render_json(audit: &Audit) -> String {
    let mut out = serde_json::to_string(audit).expect("an audit always serialises");
    out.push('\n');
    out
}
