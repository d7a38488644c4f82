//! The terminal table fitted to a terminal's width, and colour only when asked for.

use plancost::report::{Report, diff_table, money, table};
use plancost::{BreakdownOptions, breakdown};

use crate::harness::*;

fn phase1() -> Report {
    breakdown(&BreakdownOptions {
        paths: vec![repo().join("infra/phase1/plan.json")],
        usage_file: Some(repo().join("infra/usage/phase1.yml")),
        generated_at: Some("2026-11-27T09:30:00Z".to_string()),
        ..Default::default()
    })
    .unwrap()
    .report
}

fn widest_table_line(text: &str) -> usize {
    text.lines()
        .filter(|l| l.starts_with(['╭', '│', '├', '╰']))
        .map(|l| l.chars().count())
        .max()
        .unwrap()
}

/// Every resource's and component's cost, as the table shows it, is in `text` whole.
fn assert_money_intact(report: &Report, text: &str) {
    for r in &report.projects[0].resources {
        assert!(
            text.contains(&money(r.monthly_cost)),
            "{} cut:\n{text}",
            r.address
        );
        for c in &r.components {
            if let Some(cost) = c.monthly_cost {
                assert!(text.contains(&money(cost)), "{} cut:\n{text}", c.name);
            }
        }
    }
}

#[test]
fn the_table_wraps_names_to_fit_the_terminal_and_never_cuts_money() {
    let report = phase1();
    let full = table::render_fitted(&report, false, None);
    let natural = widest_table_line(&full);
    assert!(natural > 100, "the reference table is wide ({natural})");
    for width in [120, 100] {
        let fitted = table::render_fitted(&report, false, Some(width));
        assert!(
            widest_table_line(&fitted) <= width,
            "wider than {width}:\n{fitted}"
        );
        assert_money_intact(&report, &fitted);
        // Names wrap onto more lines rather than losing words.
        assert!(fitted.lines().count() > full.lines().count());
        if width == 120 {
            // Wide enough for whole addresses; narrower, a long address breaks mid-word.
            assert!(fitted.contains("module.gpu.aws_eks_node_group.spot (create)"));
        }
    }
    // Too narrow to fit: the names stop at a readable width and the table stays wider.
    let narrow = table::render_fitted(&report, false, Some(20));
    assert!(widest_table_line(&narrow) > 20);
    assert_money_intact(&report, &narrow);
}

#[test]
fn the_diff_table_fits_too() {
    let plan = fixture("tf/update-instance-type/plan.json");
    let report = breakdown(&BreakdownOptions {
        paths: vec![plan],
        ..Default::default()
    })
    .unwrap()
    .report;
    let fitted = diff_table::render_fitted(&report, false, Some(60));
    assert!(widest_table_line(&fitted) <= 60, "{fitted}");
    // 60.736 + 10 = 70.736, shown whole.
    assert!(fitted.contains("+$70.74"), "{fitted}");
}

#[test]
fn colour_only_when_asked_for() {
    let report = phase1();
    assert!(!table::render_fitted(&report, false, None).contains('\x1b'));
    assert!(table::render_fitted(&report, true, None).contains("\x1b[1m"));
    // The binary: never on a pipe, with or without NO_COLOR and --no-color.
    for args in [
        &["breakdown", "infra/phase1/plan.json"][..],
        &["--no-color", "breakdown", "infra/phase1/plan.json"][..],
    ] {
        let out = plancost()
            .env_remove("NO_COLOR")
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success());
        assert!(!stdout(&out).contains('\x1b'), "{args:?}");
    }
}
