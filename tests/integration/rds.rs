//! Amazon RDS: DB instances by engine, edition, licence, deployment and storage, and Aurora
//! clusters, against real plans. us-east-1 prices come from the list-price table, eu-west-1
//! prices from the real offer file; every expected SKU below was picked out of that file by hand
//! among its trap rows (Outposts engines, other licence models, readable standbys, mirrors).

use crate::harness::*;

#[test]
fn reference_phase1_postgres_single_az_gp3() {
    let r = breakdown_with_usage("infra/phase1/plan.json", "infra/usage/phase1.yml");
    let db = "module.db.aws_db_instance.this";
    // db.t3.medium PostgreSQL Single-AZ: 730 h × $0.072 = $52.56.
    assert_component(
        &r,
        db,
        "Database instance (on-demand, Single-AZ, db.t3.medium)",
        "0.072",
        "52.56",
    );
    // gp3 Single-AZ, 100 GB × $0.115 = $11.50. IOPS are unknown in the plan: AWS's baseline for
    // under 400 GB (3,000 IOPS, 125 MiB/s) is included, so there is no IOPS line.
    assert_component(
        &r,
        db,
        "Storage (general purpose SSD, gp3, 100 GB)",
        "0.115",
        "11.5",
    );
    // The usage file gives 0 GB beyond the free allowance: 0 × $0.095 = $0.
    assert_component(&r, db, "Additional backup storage", "0.095", "0");
    assert_eq!(resource(&r, db)["components"].as_array().unwrap().len(), 3);
    assert_eq!(resource(&r, db)["category"], "database");
    // 52.56 + 11.50 + 0 = 64.06
    assert_eq!(money(&resource(&r, db)["monthly_cost"]), dec("64.06"));
}

#[test]
fn reference_phase2_postgres_multi_az_gp3() {
    let r = breakdown_with_usage("infra/phase2/plan.json", "infra/usage/phase2.yml");
    let db = "module.db.aws_db_instance.this";
    // db.r5.large PostgreSQL Multi-AZ: 730 h × $0.50 = $365.
    assert_component(
        &r,
        db,
        "Database instance (on-demand, Multi-AZ, db.r5.large)",
        "0.5",
        "365",
    );
    // gp3 Multi-AZ, 500 GB × $0.23 = $115. From 400 GB the included baseline is 12,000 IOPS and
    // 500 MiB/s, so unknown IOPS cost nothing extra.
    assert_component(
        &r,
        db,
        "Storage (general purpose SSD, gp3, 500 GB)",
        "0.23",
        "115",
    );
    let notes = component(&r, db, "Storage")["notes"].to_string();
    assert!(notes.contains("12,000 IOPS, 500 MiB/s"), "{notes}");
    assert_component(&r, db, "Additional backup storage", "0.095", "0");
}

#[test]
fn us_east_1_engines_storage_types_and_missing_rows() {
    let r = breakdown_json(&fixture("tf/rds-variants/plan.json"));
    // MySQL db.t3.large Multi-AZ: 730 × $0.272 = $198.56; gp2 Multi-AZ 200 GB × $0.23 = $46.
    let mysql = "aws_db_instance.mysql_multi_az";
    assert_component(
        &r,
        mysql,
        "Database instance (on-demand, Multi-AZ, db.t3.large)",
        "0.272",
        "198.56",
    );
    assert_component(
        &r,
        mysql,
        "Storage (general purpose SSD, gp2, 200 GB)",
        "0.23",
        "46",
    );
    // Retention left to AWS's default (1 day): backups are on, their size depends on usage.
    assert_depends_on_usage(&r, mysql, "Additional backup storage");

    // PostgreSQL db.m5.large Single-AZ: 730 × $0.178 = $129.94; io1 100 GB × $0.125 = $12.50;
    // 1,000 IOPS × $0.10 = $100.
    let io1 = "aws_db_instance.postgres_io1";
    assert_component(
        &r,
        io1,
        "Database instance (on-demand, Single-AZ, db.m5.large)",
        "0.178",
        "129.94",
    );
    assert_component(
        &r,
        io1,
        "Storage (provisioned IOPS SSD, io1, 100 GB)",
        "0.125",
        "12.5",
    );
    assert_component(&r, io1, "Provisioned IOPS (io1)", "0.1", "100");

    // SQL Server Express: the table has no SQL Server row, so the instance is unpriced (never
    // $0); its gp2 storage is engine-independent: 20 GB × $0.115 = $2.30.
    let ex = "aws_db_instance.sqlserver_express";
    let reason = unpriced_reason_of(&r, ex, "Database instance");
    assert!(reason.contains("databaseEngine=\"SQL Server\""), "{reason}");
    assert!(reason.contains("databaseEdition=\"Express\""), "{reason}");
    assert!(
        reason.contains("licenseModel=\"License included\""),
        "{reason}"
    );
    assert_component(
        &r,
        ex,
        "Storage (general purpose SSD, gp2, 20 GB)",
        "0.115",
        "2.3",
    );

    // gp3 500 GB with 15,000 IOPS and 600 MiB/s: 3,000 IOPS and 100 MiB/s above the 12,000 /
    // 500 baseline. Storage 500 × $0.115 = $57.50; the table has no gp3 IOPS or throughput row.
    let gp3 = "aws_db_instance.postgres_gp3_fast";
    assert_component(
        &r,
        gp3,
        "Storage (general purpose SSD, gp3, 500 GB)",
        "0.115",
        "57.5",
    );
    assert_eq!(
        money(&component(&r, gp3, "Provisioned GP3 IOPS (above 12,000)")["monthly_quantity"]),
        dec("3000")
    );
    assert!(unpriced_reason_of(&r, gp3, "Provisioned GP3 IOPS").contains("RDS:GP3-PIOPS"));
    assert_eq!(
        money(
            &component(&r, gp3, "Provisioned GP3 throughput (above 500 MiB/s)")["monthly_quantity"]
        ),
        dec("100")
    );
    assert!(
        unpriced_reason_of(&r, gp3, "Provisioned GP3 throughput").contains("RDS:GP3-Throughput")
    );

    // Aurora: no us-east-1 row at all, so every line is unpriced with its reason.
    assert!(
        unpriced_reason_of(&r, "aws_rds_cluster_instance.writer", "Database instance")
            .contains("Aurora PostgreSQL")
    );
    assert!(
        unpriced_reason_of(
            &r,
            "aws_rds_cluster_instance.serverless",
            "Aurora Serverless v2"
        )
        .contains("ServerlessV2")
    );
    assert!(
        unpriced_reason_of(&r, "aws_rds_cluster.aurora", "Storage (Aurora Standard)")
            .contains("Aurora:StorageUsage")
    );
    assert!(
        unpriced_reason_of(&r, "aws_rds_cluster.aurora", "I/O requests")
            .contains("Aurora:StorageIOUsage")
    );
    assert_eq!(
        money(&resource(&r, "aws_rds_cluster.aurora")["monthly_cost"]),
        dec("0")
    );
}

#[test]
fn eu_west_1_offer_file_editions_licences_and_aurora() {
    let r = breakdown_with_usage("fixtures/tf/rds-eu/plan.json", "fixtures/usage/rds-eu.yml");
    let sku = |address: &str, prefix: &str| component(&r, address, prefix)["price"]["sku"].clone();

    // SQL Server Standard, licence included, Single-AZ db.m5.large: C42YQHEF4ABVYH7N at
    // $0.996 (not the licenseModel=NA row at $1.2508, nor the Outposts engine at $0.889):
    // 730 × 0.996 = $727.08. gp2 Single-AZ `Any` R8WRAJ8WCVQ3X8YM: 100 × $0.127 = $12.70.
    let ss = "aws_db_instance.sqlserver_se";
    assert_component(&r, ss, "Database instance", "0.996", "727.08");
    assert_eq!(sku(ss, "Database instance"), "C42YQHEF4ABVYH7N");
    assert_component(
        &r,
        ss,
        "Storage (general purpose SSD, gp2, 100 GB)",
        "0.127",
        "12.7",
    );
    assert_eq!(sku(ss, "Storage"), "R8WRAJ8WCVQ3X8YM");

    // Oracle SE2, licence included, Multi-AZ db.r5.large: YKU3RKE3B4F4EAZX at $1.072 (the BYOL
    // row is $0.516): 730 × 1.072 = $782.56. gp3 Multi-AZ 300 GB × $0.254 = $76.20. Oracle's
    // baseline steps up at 200 GiB to 12,000 IOPS / 500 MiB/s: 14,000 − 12,000 = 2,000 IOPS ×
    // $0.044 = $88; 550 − 500 = 50 MiB/s × $0.177 = $8.85.
    let ora = "aws_db_instance.oracle_se2";
    assert_component(
        &r,
        ora,
        "Database instance (on-demand, Multi-AZ, db.r5.large)",
        "1.072",
        "782.56",
    );
    assert_eq!(sku(ora, "Database instance"), "YKU3RKE3B4F4EAZX");
    assert_component(
        &r,
        ora,
        "Storage (general purpose SSD, gp3, 300 GB)",
        "0.254",
        "76.2",
    );
    assert_eq!(sku(ora, "Storage"), "TYQZSEWWQGTB76GQ");
    assert_component(
        &r,
        ora,
        "Provisioned GP3 IOPS (above 12,000)",
        "0.044",
        "88",
    );
    assert_eq!(sku(ora, "Provisioned GP3 IOPS"), "WK8EMPQPH48F2AKB");
    assert_component(
        &r,
        ora,
        "Provisioned GP3 throughput (above 500 MiB/s)",
        "0.177",
        "8.85",
    );
    assert_eq!(sku(ora, "Provisioned GP3 throughput"), "H5V73T9NQNMJ5MCS");

    // PostgreSQL db.t3.medium Single-AZ THT5NJTAHP9C8Z3J: 730 × $0.078 = $56.94; gp3 100 GB ×
    // $0.127 = $12.70; 50 GB of backups beyond the allowance × $0.095 = $4.75 (84G885U7YPKT5643,
    // not the RDS Custom backup rows).
    let pg = "aws_db_instance.postgres";
    assert_component(&r, pg, "Database instance", "0.078", "56.94");
    assert_eq!(sku(pg, "Database instance"), "THT5NJTAHP9C8Z3J");
    assert_component(
        &r,
        pg,
        "Storage (general purpose SSD, gp3, 100 GB)",
        "0.127",
        "12.7",
    );
    assert_component(&r, pg, "Additional backup storage", "0.095", "4.75");
    assert_eq!(sku(pg, "Additional backup storage"), "84G885U7YPKT5643");

    // MariaDB io1 Multi-AZ db.m5.large NYAAF7ZYH2SNJMHF: 730 × $0.378 = $275.94; io1 Multi-AZ
    // 200 GB × $0.276 = $55.20; 2,000 IOPS × $0.22 = $440.
    let maria = "aws_db_instance.mariadb_io1";
    assert_component(
        &r,
        maria,
        "Database instance (on-demand, Multi-AZ, db.m5.large)",
        "0.378",
        "275.94",
    );
    assert_eq!(sku(maria, "Database instance"), "NYAAF7ZYH2SNJMHF");
    assert_component(
        &r,
        maria,
        "Storage (provisioned IOPS SSD, io1, 200 GB)",
        "0.276",
        "55.2",
    );
    assert_component(&r, maria, "Provisioned IOPS (io1)", "0.22", "440");
    assert_eq!(sku(maria, "Provisioned IOPS"), "EYFAEU5KF778DQDT");

    // Magnetic: 50 GB × $0.11 = $5.50; 10,000,000 I/O requests × $0.00000011 = $1.10.
    let mag = "aws_db_instance.postgres_magnetic";
    assert_component(&r, mag, "Storage (magnetic, 50 GB)", "0.11", "5.5");
    assert_component(&r, mag, "I/O requests (magnetic)", "0.00000011", "1.1");

    // Aurora PostgreSQL cluster, from usage: storage 100 GB × $0.11 = $11; I/O (10 + 40)/s ×
    // 2,628,000 s = 131,400,000 × $0.00000022 = $28.908; backups 100 GB × (7 − 1) days = 600 GB
    // × $0.021 = $12.60.
    let aurora = "aws_rds_cluster.aurora";
    assert_component(&r, aurora, "Storage (Aurora Standard)", "0.11", "11");
    assert_eq!(sku(aurora, "Storage"), "Z57JPT74TUYSYD9G");
    assert_component(&r, aurora, "I/O requests", "0.00000022", "28.908");
    assert_component(&r, aurora, "Backup storage", "0.021", "12.6");
    assert_eq!(sku(aurora, "Backup storage"), "K67Q6CPVGU54VRUH");
    // Writer db.r5.large Aurora PostgreSQL NP5Z7G34DXMV9VK5: 730 × $0.32 = $233.60.
    assert_component(
        &r,
        "aws_rds_cluster_instance.writer",
        "Database instance (on-demand, db.r5.large)",
        "0.32",
        "233.6",
    );
    assert_eq!(
        sku("aws_rds_cluster_instance.writer", "Database instance"),
        "NP5Z7G34DXMV9VK5"
    );
    // Serverless v2, 2 ACUs on average: 2 × 730 = 1,460 ACU-hours × $0.14 = $204.40.
    assert_component(
        &r,
        "aws_rds_cluster_instance.serverless",
        "Aurora Serverless v2 capacity",
        "0.14",
        "204.4",
    );

    // Every query found exactly one product.
    assert!(
        project(&r)["unpriced"].as_array().unwrap().is_empty(),
        "{}",
        project(&r)["unpriced"]
    );
}
