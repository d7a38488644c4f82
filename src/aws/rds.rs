//! Amazon RDS: DB instances (`aws_db_instance`) and Aurora clusters (`aws_rds_cluster`,
//! `aws_rds_cluster_instance`).
//!
//! A DB instance is billed per instance-hour by engine, edition, licence model, class and
//! deployment (Single-AZ or Multi-AZ), plus its storage per GB-month by volume type and
//! deployment, provisioned IOPS and throughput, and backup storage beyond the free allowance.
//!
//! The price queries follow the Price List's own attributes. Instance rows differ by
//! `databaseEngine` (PostgreSQL, MySQL, MariaDB, Oracle, SQL Server, Aurora ...), and for the
//! commercial engines also by `databaseEdition` and `licenseModel`: each query names exactly those
//! attributes that single out one product in AWS's offer files, no more (the reconstructed
//! us-east-1 table carries only those). Storage, IOPS, throughput and backup rows exist once per
//! engine and once for `databaseEngine = Any` at the same price; the queries ask for `Any`, as
//! the per-engine rows of the commercial engines repeat by edition and licence.

use rust_decimal::Decimal;

use crate::model::{Category, CostComponent, HOURS_PER_MONTH, Mapping, Quantity, Resource};
use crate::pricing::PriceQuery;
use crate::usage;

use super::Context;

/// Seconds in a month of 730 hours, for per-second request rates.
const SECONDS_PER_MONTH: Decimal = Decimal::from_parts(2_628_000, 0, 0, false, 0);

/// The Price List's names for a Terraform `engine`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Engine {
    /// `databaseEngine`, e.g. `PostgreSQL`, `SQL Server`, `Aurora MySQL`.
    pub database_engine: String,
    /// `databaseEdition` for engines sold in editions (Oracle, SQL Server, Db2).
    pub edition: Option<&'static str>,
    /// `licenseModel` for engines whose price depends on it.
    pub license: Option<&'static str>,
}

impl Engine {
    pub fn is_aurora(&self) -> bool {
        self.database_engine.starts_with("Aurora")
    }
}

/// Maps Terraform's `engine` (and `license_model`) to the Price List's attribute values.
///
/// Oracle SE2 (and SE1) and SQL Server are sold with the licence included unless the
/// configuration says `bring-your-own-license`; Oracle EE has no licence-included price, so it
/// is bring-your-own-licence whatever the configuration says. Db2 is bring-your-own-licence.
pub fn engine(engine: &str, license_model: Option<&str>) -> Option<Engine> {
    let byol = license_model == Some("bring-your-own-license");
    let (database_engine, edition, license) = match engine {
        "postgres" => ("PostgreSQL", None, None),
        "mysql" => ("MySQL", None, None),
        "mariadb" => ("MariaDB", None, None),
        "aurora" | "aurora-mysql" => ("Aurora MySQL", None, None),
        "aurora-postgresql" => ("Aurora PostgreSQL", None, None),
        "oracle-se2" | "oracle-se2-cdb" => ("Oracle", Some("Standard Two"), Some(byol)),
        "oracle-se1" => ("Oracle", Some("Standard One"), Some(byol)),
        "oracle-se" => ("Oracle", Some("Standard"), Some(true)),
        "oracle-ee" | "oracle-ee-cdb" => ("Oracle", Some("Enterprise"), Some(true)),
        "sqlserver-ex" => ("SQL Server", Some("Express"), Some(byol)),
        "sqlserver-web" => ("SQL Server", Some("Web"), Some(byol)),
        "sqlserver-se" => ("SQL Server", Some("Standard"), Some(byol)),
        "sqlserver-ee" => ("SQL Server", Some("Enterprise"), Some(byol)),
        "db2-se" => ("Db2", Some("Standard"), Some(true)),
        "db2-ae" => ("Db2", Some("Advanced"), Some(true)),
        _ => return None,
    };
    Some(Engine {
        database_engine: database_engine.to_string(),
        edition,
        license: license.map(|byol| {
            if byol {
                "Bring your own license"
            } else {
                "License included"
            }
        }),
    })
}

/// The on-demand query of one instance-hour.
fn instance_query(region: &str, class: &str, engine: &Engine, deployment: &str) -> PriceQuery {
    let mut q = PriceQuery::new("AmazonRDS", region)
        .family("Database Instance")
        .attr("instanceType", class)
        .attr("databaseEngine", &engine.database_engine)
        .attr("deploymentOption", deployment);
    if let Some(edition) = engine.edition {
        q = q.attr("databaseEdition", edition);
    }
    if let Some(license) = engine.license {
        q = q.attr("licenseModel", license);
    }
    q
}

fn unknown_engine_component(region: &str, engine: &str) -> CostComponent {
    CostComponent::new(
        format!("Database instance (engine {engine})"),
        "hours",
        Quantity::Known(HOURS_PER_MONTH),
        PriceQuery::new("AmazonRDS", region)
            .family("Database Instance")
            .attr("databaseEngine", &format!("(engine {engine} not mapped)")),
    )
    .with_note(format!(
        "plancost does not know the Price List's name for engine {engine:?} (RDS Custom and \
         engines added after this version are not mapped)"
    ))
}

/// Included gp3 performance: AWS includes a baseline of IOPS and throughput in the gp3 storage
/// price and bills only what is provisioned above it. The baseline depends on engine and size
/// (Amazon RDS User Guide, "gp3 storage"):
/// - MariaDB, MySQL, PostgreSQL and Db2: 3,000 IOPS and 125 MiB/s below 400 GiB;
///   12,000 IOPS and 500 MiB/s from 400 GiB;
/// - Oracle: the same two baselines, with the step at 200 GiB;
/// - SQL Server: 3,000 IOPS and 125 MiB/s at every size.
pub fn gp3_baseline(database_engine: &str, allocated_gb: Decimal) -> (Decimal, Decimal) {
    let small = (Decimal::from(3000), Decimal::from(125));
    let large = (Decimal::from(12000), Decimal::from(500));
    match database_engine {
        "SQL Server" => small,
        "Oracle" if allocated_gb >= Decimal::from(200) => large,
        "Oracle" => small,
        _ if allocated_gb >= Decimal::from(400) => large,
        _ => small,
    }
}

pub fn aws_db_instance(resource: &Resource, ctx: &Context) -> Mapping {
    let region = resource.region.as_str();
    let engine_name = resource.str("engine").unwrap_or("");
    let Some(engine) = engine(engine_name, resource.str("license_model")) else {
        return Mapping::Priced {
            category: Category::Database,
            components: vec![unknown_engine_component(region, engine_name)],
        };
    };
    let multi_az = resource.bool("multi_az").unwrap_or(false);
    let deployment = if multi_az { "Multi-AZ" } else { "Single-AZ" };
    let mut components = Vec::new();

    match resource.str("instance_class") {
        Some(class) => components.push(CostComponent::new(
            format!("Database instance (on-demand, {deployment}, {class})"),
            "hours",
            Quantity::Known(HOURS_PER_MONTH),
            instance_query(region, class, &engine, deployment),
        )),
        None => components.push(
            CostComponent::new(
                "Database instance (class unknown)",
                "hours",
                Quantity::Known(HOURS_PER_MONTH),
                instance_query(region, "(known after apply)", &engine, deployment),
            )
            .with_note("the instance class is known only after apply"),
        ),
    }

    components.extend(storage_components(resource, &engine, deployment));
    if resource.str("storage_type") == Some("standard") {
        // Magnetic storage also bills its I/O requests (Infracost's key).
        components.push(CostComponent::new(
            "I/O requests (magnetic)",
            "requests",
            Quantity::Usage(usage::decimal(&ctx.usage, "monthly_standard_io_requests")),
            PriceQuery::new("AmazonRDS", region)
                .family("System Operation")
                .attr("databaseEngine", "Any")
                .usage_type("RDS:StorageIOUsage"),
        ));
    }

    // AWS keeps backups up to the size of the provisioned storage free; Infracost's
    // `additional_backup_storage_gb` is the part above that allowance. Backups are on unless
    // the retention period is 0 (AWS's default, when the configuration leaves it unset, is 1
    // day).
    let backup = usage::decimal(&ctx.usage, "additional_backup_storage_gb");
    if resource.decimal("backup_retention_period") != Some(Decimal::ZERO) || backup.is_some() {
        components.push(CostComponent::new(
            "Additional backup storage",
            "GB",
            Quantity::Usage(backup),
            PriceQuery::new("AmazonRDS", region)
                .family("Storage Snapshot")
                .attr("databaseEngine", "Any")
                .usage_type("RDS:ChargedBackupUsage"),
        ));
    }

    Mapping::Priced {
        category: Category::Database,
        components,
    }
}

/// Storage, and the IOPS and throughput provisioned on it, of a DB instance.
fn storage_components(
    resource: &Resource,
    engine: &Engine,
    deployment: &str,
) -> Vec<CostComponent> {
    let region = resource.region.as_str();
    let multi_az = deployment == "Multi-AZ";
    let iops = resource.decimal("iops");
    let mut notes = Vec::new();
    // The RDS API's default: io1 when IOPS are given, else gp2.
    let storage_type = match resource.str("storage_type") {
        Some(t) => t.to_string(),
        None => {
            let t = if iops.is_some() { "io1" } else { "gp2" };
            if resource.is_unknown("storage_type") {
                notes.push(format!(
                    "storage type known only after apply; {t}, the RDS API's default, assumed"
                ));
            }
            t.to_string()
        }
    };
    let allocated = resource.decimal("allocated_storage");
    let size = allocated.unwrap_or_default();
    if allocated.is_none() {
        notes.push("allocated storage known only after apply; priced as 0 GB".to_string());
    }
    let (volume_type, label) = match storage_type.as_str() {
        "gp2" => ("General Purpose", "general purpose SSD, gp2"),
        "gp3" => ("General Purpose-GP3", "general purpose SSD, gp3"),
        "io1" => ("Provisioned IOPS", "provisioned IOPS SSD, io1"),
        "io2" => ("Provisioned IOPS-IO2", "provisioned IOPS SSD, io2"),
        "standard" => ("Magnetic", "magnetic"),
        _ => ("(unknown storage type)", "unknown storage type"),
    };
    let mut storage = CostComponent::new(
        format!("Storage ({label}, {} GB)", size.normalize()),
        "GB",
        Quantity::Known(size),
        PriceQuery::new("AmazonRDS", region)
            .family("Database Storage")
            .attr("volumeType", volume_type)
            .attr("deploymentOption", deployment)
            .attr("databaseEngine", "Any"),
    );
    storage.notes = notes;
    let mut out = vec![storage];

    let iops_query = |usage_type: &str| {
        PriceQuery::new("AmazonRDS", region)
            .family("Provisioned IOPS")
            .attr("databaseEngine", "Any")
            .usage_type(usage_type)
    };
    let prefix = if multi_az { "RDS:Multi-AZ-" } else { "RDS:" };
    match storage_type.as_str() {
        "io1" | "io2" => {
            let usage_type = if storage_type == "io1" {
                format!("{prefix}PIOPS")
            } else {
                format!("{prefix}IO2-PIOPS")
            };
            let mut c = CostComponent::new(
                format!("Provisioned IOPS ({storage_type})"),
                "IOPS",
                Quantity::Known(iops.unwrap_or_default()),
                iops_query(&usage_type),
            );
            if iops.is_none() {
                c.notes
                    .push("IOPS known only after apply; priced as 0 IOPS".to_string());
            }
            out.push(c);
        }
        "gp3" => {
            let (base_iops, base_throughput) = gp3_baseline(&engine.database_engine, size);
            if let Some(extra) = iops.map(|i| i - base_iops).filter(|e| *e > Decimal::ZERO) {
                out.push(CostComponent::new(
                    format!("Provisioned GP3 IOPS (above {})", thousands(base_iops)),
                    "IOPS",
                    Quantity::Known(extra),
                    iops_query(&format!("{prefix}GP3-PIOPS")),
                ));
            }
            let throughput = resource.decimal("storage_throughput");
            if let Some(extra) = throughput
                .map(|t| t - base_throughput)
                .filter(|e| *e > Decimal::ZERO)
            {
                out.push(CostComponent::new(
                    format!("Provisioned GP3 throughput (above {base_throughput} MiB/s)"),
                    "MiB/s",
                    Quantity::Known(extra),
                    PriceQuery::new("AmazonRDS", region)
                        .family("Provisioned Throughput")
                        .attr("databaseEngine", "Any")
                        .usage_type(&format!("{prefix}GP3-Throughput")),
                ));
            }
            if iops.is_none() || throughput.is_none() {
                out[0].notes.push(format!(
                    "IOPS or throughput known only after apply: the included baseline \
                     ({} IOPS, {base_throughput} MiB/s) assumed, at no extra charge",
                    thousands(base_iops)
                ));
            }
        }
        _ => {}
    }
    out
}

fn thousands(n: Decimal) -> String {
    let digits = n.trunc().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Aurora storage, I/O and backups are billed on the cluster, from usage (Infracost's keys):
/// `storage_gb`; `write_requests_per_sec` + `read_requests_per_sec` (I/O, averaged over the
/// month); `backup_snapshot_size_gb` (billed as Infracost does: one snapshot per retained day
/// beyond the first, which the free allowance covers); `capacity_units_per_hr` for Serverless
/// v1 clusters. Instances are billed on `aws_rds_cluster_instance`.
pub fn aws_rds_cluster(resource: &Resource, ctx: &Context) -> Mapping {
    let region = resource.region.as_str();
    let engine_name = resource.str("engine").unwrap_or("aurora-mysql");
    let Some(engine) = engine(engine_name, None) else {
        return Mapping::Priced {
            category: Category::Database,
            components: vec![unknown_engine_component(region, engine_name)],
        };
    };
    if !engine.is_aurora() {
        // A Multi-AZ DB cluster of MySQL or PostgreSQL: its readable-standby instance rows are
        // not mapped yet, so the cluster is reported unpriced rather than guessed.
        return Mapping::Priced {
            category: Category::Database,
            components: vec![
                CostComponent::new(
                    format!("Multi-AZ DB cluster ({})", engine.database_engine),
                    "hours",
                    Quantity::Known(HOURS_PER_MONTH),
                    PriceQuery::new("AmazonRDS", region)
                        .family("Database Instance")
                        .attr("databaseEngine", "(Multi-AZ DB clusters not mapped)"),
                )
                .with_note("Multi-AZ DB clusters of non-Aurora engines are not priced yet"),
            ],
        };
    }
    let io_optimized = resource.str("storage_type") == Some("aurora-iopt1");
    // Aurora PostgreSQL has its own storage and I/O rows; Aurora MySQL is billed on the
    // `Any` rows (the offer files have no Aurora MySQL storage row).
    let storage_engine = if engine.database_engine == "Aurora PostgreSQL" {
        "Aurora PostgreSQL"
    } else {
        "Any"
    };
    let mut components = Vec::new();

    if resource.str("engine_mode") == Some("serverless") {
        let acu = usage::decimal(&ctx.usage, "capacity_units_per_hr");
        components.push(CostComponent::new(
            "Aurora serverless (v1) capacity",
            "ACU-hours",
            Quantity::Usage(acu.map(|a| a * HOURS_PER_MONTH)),
            PriceQuery::new("AmazonRDS", region)
                .family("Serverless")
                .attr("databaseEngine", &engine.database_engine)
                .usage_type("Aurora:ServerlessUsage"),
        ));
    }

    let storage_gb = usage::decimal(&ctx.usage, "storage_gb");
    let (storage_usage_type, storage_name) = if io_optimized {
        (
            "Aurora:IO-OptimizedStorageUsage",
            "Storage (Aurora I/O-Optimized)",
        )
    } else {
        ("Aurora:StorageUsage", "Storage (Aurora Standard)")
    };
    components.push(CostComponent::new(
        storage_name,
        "GB",
        Quantity::Usage(storage_gb),
        PriceQuery::new("AmazonRDS", region)
            .family("Database Storage")
            .attr("databaseEngine", storage_engine)
            .usage_type(storage_usage_type),
    ));
    if !io_optimized {
        // I/O-Optimized clusters pay no I/O charge.
        let write = usage::decimal(&ctx.usage, "write_requests_per_sec");
        let read = usage::decimal(&ctx.usage, "read_requests_per_sec");
        let monthly = match (write, read) {
            (None, None) => None,
            (w, r) => Some((w.unwrap_or_default() + r.unwrap_or_default()) * SECONDS_PER_MONTH),
        };
        components.push(CostComponent::new(
            "I/O requests",
            "requests",
            Quantity::Usage(monthly),
            PriceQuery::new("AmazonRDS", region)
                .family("System Operation")
                .attr("databaseEngine", storage_engine)
                .usage_type("Aurora:StorageIOUsage"),
        ));
    }
    let retention = resource
        .decimal("backup_retention_period")
        .unwrap_or(Decimal::ONE);
    if retention > Decimal::ONE {
        let snapshot = usage::decimal(&ctx.usage, "backup_snapshot_size_gb");
        components.push(CostComponent::new(
            "Backup storage",
            "GB",
            Quantity::Usage(snapshot.map(|s| s * (retention - Decimal::ONE))),
            PriceQuery::new("AmazonRDS", region)
                .family("Storage Snapshot")
                .attr("databaseEngine", &engine.database_engine)
                .usage_type("Aurora:BackupUsage"),
        ));
    }
    Mapping::Priced {
        category: Category::Database,
        components,
    }
}

/// An Aurora instance: instance-hours of its class, or for Serverless v2 (`db.serverless`) ACU-
/// hours from the usage file's `capacity_units_per_hr` (the average ACUs, as Infracost names the
/// capacity of Aurora Serverless).
pub fn aws_rds_cluster_instance(resource: &Resource, ctx: &Context) -> Mapping {
    let region = resource.region.as_str();
    let cluster = ctx.referenced(resource, "cluster_identifier", "aws_rds_cluster");
    let engine_name = resource
        .str("engine")
        .or_else(|| cluster.and_then(|c| c.str("engine")))
        .unwrap_or("aurora-mysql");
    let Some(engine) = engine(engine_name, resource.str("license_model")) else {
        return Mapping::Priced {
            category: Category::Database,
            components: vec![unknown_engine_component(region, engine_name)],
        };
    };
    let io_optimized = cluster.is_some_and(|c| c.str("storage_type") == Some("aurora-iopt1"));
    let Some(class) = resource.str("instance_class") else {
        return Mapping::Priced {
            category: Category::Database,
            components: vec![
                CostComponent::new(
                    "Database instance (class unknown)",
                    "hours",
                    Quantity::Known(HOURS_PER_MONTH),
                    instance_query(region, "(known after apply)", &engine, "Single-AZ"),
                )
                .with_note("the instance class is known only after apply"),
            ],
        };
    };
    let component = if class == "db.serverless" {
        let acu = usage::decimal(&ctx.usage, "capacity_units_per_hr");
        let mut c = CostComponent::new(
            "Aurora Serverless v2 capacity",
            "ACU-hours",
            Quantity::Usage(acu.map(|a| a * HOURS_PER_MONTH)),
            PriceQuery::new("AmazonRDS", region)
                .family("ServerlessV2")
                .attr("databaseEngine", &engine.database_engine)
                .usage_type(if io_optimized {
                    "Aurora:ServerlessV2IOOptimizedUsage"
                } else {
                    "Aurora:ServerlessV2Usage"
                }),
        );
        if let Some(c2) = cluster {
            let min = c2.decimal("serverlessv2_scaling_configuration.0.min_capacity");
            let max = c2.decimal("serverlessv2_scaling_configuration.0.max_capacity");
            if let (Some(min), Some(max)) = (min, max) {
                c.notes.push(format!(
                    "the cluster scales between {} and {} ACUs",
                    min.normalize(),
                    max.normalize()
                ));
            }
        }
        c
    } else {
        // Aurora instance rows are Single-AZ; replicas are instances of their own. Current
        // offers also list I/O-Optimized instance rows under another usage type.
        let usage_type = if io_optimized {
            format!("InstanceUsageIOOptimized:{class}")
        } else {
            format!("InstanceUsage:{class}")
        };
        CostComponent::new(
            format!("Database instance (on-demand, {class})"),
            "hours",
            Quantity::Known(HOURS_PER_MONTH),
            instance_query(region, class, &engine, "Single-AZ").usage_type(&usage_type),
        )
    };
    Mapping::Priced {
        category: Category::Database,
        components: vec![component],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engines_map_to_price_list_names() {
        let pg = engine("postgres", None).unwrap();
        assert_eq!(pg.database_engine, "PostgreSQL");
        assert_eq!((pg.edition, pg.license), (None, None));
        let se2 = engine("oracle-se2", None).unwrap();
        assert_eq!(se2.edition, Some("Standard Two"));
        assert_eq!(se2.license, Some("License included"));
        let se2_byol = engine("oracle-se2", Some("bring-your-own-license")).unwrap();
        assert_eq!(se2_byol.license, Some("Bring your own license"));
        let ee = engine("oracle-ee", Some("license-included")).unwrap();
        assert_eq!(ee.license, Some("Bring your own license"));
        let ex = engine("sqlserver-ex", None).unwrap();
        assert_eq!(
            (ex.database_engine.as_str(), ex.edition),
            ("SQL Server", Some("Express"))
        );
        assert!(engine("aurora-postgresql", None).unwrap().is_aurora());
        assert!(engine("custom-oracle-ee", None).is_none());
    }

    #[test]
    fn gp3_baseline_follows_engine_and_size() {
        let d = Decimal::from;
        assert_eq!(gp3_baseline("PostgreSQL", d(399)), (d(3000), d(125)));
        assert_eq!(gp3_baseline("PostgreSQL", d(400)), (d(12000), d(500)));
        assert_eq!(gp3_baseline("Oracle", d(200)), (d(12000), d(500)));
        assert_eq!(gp3_baseline("Oracle", d(199)), (d(3000), d(125)));
        assert_eq!(gp3_baseline("SQL Server", d(1000)), (d(3000), d(125)));
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(Decimal::from(12000)), "12,000");
        assert_eq!(thousands(Decimal::from(3000)), "3,000");
        assert_eq!(thousands(Decimal::from(500)), "500");
    }
}
