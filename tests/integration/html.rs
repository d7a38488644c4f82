//! The HTML report in a real browser: headless Chromium loads the page of the reference
//! cluster from disk, with the network shut off, and the test reads back what the page's own
//! script found (`#plancost-check`: the rows add up to the headline total, the charts are
//! there) and every console message Chromium logged. No browser driver: `--dump-dom` prints the
//! DOM after the scripts ran, `--enable-logging=stderr` prints console messages.
//!
//! Chromium comes from `scripts/install-chromium.sh` in CI. Where none can be found the tests
//! say so on stderr and pass without checking: they cannot run there. `PLANCOST_CHROMIUM`
//! names a browser binary explicitly.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use plancost::report::html::{Forecast, ForecastPoint, render, render_with_forecast};
use plancost::report::{BudgetCheck, BudgetReport, Report, Status};

use crate::harness::*;

fn chromium() -> Option<PathBuf> {
    if let Some(explicit) = std::env::var_os("PLANCOST_CHROMIUM") {
        return Some(PathBuf::from(explicit));
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

fn skip_without_chromium() -> Option<PathBuf> {
    let found = chromium();
    if found.is_none() {
        eprintln!(
            "SKIPPED: no Chromium on PATH (install it with scripts/install-chromium.sh); \
             the HTML report was not checked in a browser"
        );
    }
    found
}

fn work_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("html")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// What Chromium made of a page.
struct Loaded {
    dom: String,
    /// Every console message (the page writes none, so any is an error or a warning).
    console: Vec<String>,
}

/// Runs headless Chromium with a fresh profile and no way to the network.
fn chromium_run(browser: &Path, dir: &Path, extra: &[String]) -> (String, String) {
    let profile = dir.join(format!("profile-{}", extra.len()));
    let _ = std::fs::remove_dir_all(&profile);
    let mut cmd = Command::new(browser);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        "--disable-extensions",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--enable-logging=stderr",
        "--v=0",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .args(extra)
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("Chromium starts");
    // Read both pipes on threads so neither fills up while we wait.
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut s).ok();
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut s).ok();
        s
    });
    // A hung browser must not hang the test suite: give up after two minutes.
    let started = Instant::now();
    loop {
        match child.try_wait().unwrap() {
            Some(_) => break,
            None if started.elapsed() > Duration::from_secs(120) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("Chromium did not finish within two minutes: {extra:?}");
            }
            None => std::thread::sleep(Duration::from_millis(50)),
        }
    }
    (out.join().unwrap(), err.join().unwrap())
}

fn file_url(path: &Path, fragment: &str) -> String {
    format!("file://{}{fragment}", path.display())
}

fn load(browser: &Path, page: &Path, fragment: &str) -> Loaded {
    let dir = page.parent().unwrap();
    let (dom, log) = chromium_run(
        browser,
        dir,
        &["--dump-dom".to_string(), file_url(page, fragment)],
    );
    assert!(
        dom.contains("</html>"),
        "Chromium printed no DOM for {}: {log}",
        page.display()
    );
    let console = log
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_string)
        .collect();
    Loaded { dom, console }
}

fn screenshot(browser: &Path, page: &Path, png: &Path) {
    let dir = page.parent().unwrap();
    chromium_run(
        browser,
        dir,
        &[
            "--hide-scrollbars".to_string(),
            "--window-size=1280,2000".to_string(),
            format!("--screenshot={}", png.display()),
            file_url(page, ""),
        ],
    );
}

/// The value of `attr` on the element with id `id` in a dumped DOM.
fn attribute(dom: &str, id: &str, attr: &str) -> Option<String> {
    let start = dom.find(&format!("id=\"{id}\""))?;
    let tag_start = dom[..start].rfind('<')?;
    let tag_end = start + dom[start..].find('>')?;
    let tag = &dom[tag_start..tag_end];
    let key = format!("{attr}=\"");
    let at = tag.find(&key)? + key.len();
    let end = at + tag[at..].find('"')?;
    Some(tag[at..end].replace("&amp;", "&"))
}

/// The report's total as the page shows it: `$1,234.57`.
fn shown(total: &serde_json::Value) -> String {
    plancost::report::money(money(total))
}

fn assert_page_checks_out(page: &Loaded, expected_total: &serde_json::Value, min_charts: usize) {
    assert!(
        page.console.is_empty(),
        "the page logged to the console:\n{}",
        page.console.join("\n")
    );
    let status = attribute(&page.dom, "plancost-check", "data-status");
    assert_eq!(
        status.as_deref(),
        Some("ok"),
        "the page's self-check: {:?}",
        attribute(&page.dom, "plancost-check", "data-problems")
    );
    let charts: usize = attribute(&page.dom, "plancost-check", "data-charts")
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        charts >= min_charts,
        "{charts} charts, expected {min_charts}"
    );
    // The browser's own sum of the resource rows and the headline it shows, against the JSON.
    let want = shown(expected_total);
    assert_eq!(
        attribute(&page.dom, "plancost-check", "data-sum").as_deref(),
        Some(want.as_str())
    );
    assert_eq!(
        attribute(&page.dom, "plancost-check", "data-headline").as_deref(),
        Some(want.as_str())
    );
    // The exact total the page carries is the JSON's, digit for digit.
    let exact = attribute(&page.dom, "total", "data-total").unwrap();
    assert_eq!(dec(&exact), money(expected_total));
    // The table's footer, filled in by the script, agrees too.
    assert!(
        page.dom.contains(&format!("id=\"table-total\">{want}<")),
        "table total is not {want}"
    );
}

/// Prices the reference cluster's two phases, each with its usage file, writes their JSON
/// reports and the merged one, and returns (merged JSON path, merged report).
fn reference_reports(dir: &Path) -> (PathBuf, serde_json::Value) {
    for phase in ["phase1", "phase2"] {
        let out = dir.join(format!("{phase}.json"));
        let result = run(&[
            "breakdown",
            &format!("infra/{phase}/plan.json"),
            "--usage-file",
            &format!("infra/usage/{phase}.yml"),
            "--format",
            "json",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(result.status.success(), "{}", stderr(&result));
    }
    let merged = dir.join("merged.json");
    let result = run(&[
        "merge",
        dir.join("phase1.json").to_str().unwrap(),
        dir.join("phase2.json").to_str().unwrap(),
        "--format",
        "json",
        "--out",
        merged.to_str().unwrap(),
    ]);
    assert!(result.status.success(), "{}", stderr(&result));
    let report = serde_json::from_slice(&std::fs::read(&merged).unwrap()).unwrap();
    (merged, report)
}

#[test]
fn reference_cluster_page_loads_clean_and_shows_the_json_totals() {
    let Some(browser) = skip_without_chromium() else {
        return;
    };
    let dir = work_dir("reference");
    let (merged_json, merged) = reference_reports(&dir);

    // One phase straight from the plan, and both merged from their JSON reports.
    let phase1_html = dir.join("phase1.html");
    let result = run(&[
        "breakdown",
        "infra/phase1/plan.json",
        "--usage-file",
        "infra/usage/phase1.yml",
        "--format",
        "html",
        "--out",
        phase1_html.to_str().unwrap(),
    ]);
    assert!(result.status.success(), "{}", stderr(&result));
    let merged_html = dir.join("merged.html");
    let result = run(&[
        "merge",
        dir.join("phase1.json").to_str().unwrap(),
        dir.join("phase2.json").to_str().unwrap(),
        "--format",
        "html",
        "--out",
        merged_html.to_str().unwrap(),
    ]);
    assert!(result.status.success(), "{}", stderr(&result));

    let phase1: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("phase1.json")).unwrap()).unwrap();
    assert_page_checks_out(
        &load(&browser, &phase1_html, ""),
        &phase1["total_monthly_cost"],
        2,
    );
    let page = load(&browser, &merged_html, "");
    assert_page_checks_out(&page, &merged["total_monthly_cost"], 2);
    // Both projects are on the page, with their own totals.
    for p in merged["projects"].as_array().unwrap() {
        let row = format!("<th scope=\"row\">{}</th>", p["name"].as_str().unwrap());
        assert!(page.dom.contains(&row), "no project row {row}");
        assert!(page.dom.contains(&shown(&p["total_monthly_cost"])));
    }
    assert!(page.dom.contains("id=\"chart-category\""));
    assert!(page.dom.contains("id=\"chart-resources\""));
    let _ = merged_json;

    // For people: a picture of the page next to the test's other files.
    let png = dir.join("merged.png");
    screenshot(&browser, &merged_html, &png);
    assert!(
        std::fs::metadata(&png)
            .map(|m| m.len() > 10_000)
            .unwrap_or(false)
    );
}

#[test]
fn filtering_from_the_address_bar_hides_rows_and_totals_what_is_shown() {
    let Some(browser) = skip_without_chromium() else {
        return;
    };
    let dir = work_dir("filter");
    let (_, merged) = reference_reports(&dir);
    let report: Report = serde_json::from_value(merged.clone()).unwrap();
    let page_path = dir.join("merged.html");
    std::fs::write(&page_path, render(&report)).unwrap();

    // `#q=spot`: the spot node group and the spot-interruption alarm of each phase.
    let page = load(&browser, &page_path, "#q=spot");
    assert!(page.console.is_empty(), "{:?}", page.console);
    let spot: Vec<&serde_json::Value> = merged["projects"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["resources"].as_array().unwrap())
        .filter(|r| r["address"].as_str().unwrap().contains("spot"))
        .collect();
    assert_eq!(
        spot.len(),
        4,
        "a spot node group and a spot-interruption alarm per phase"
    );
    let sum: rust_decimal::Decimal = spot.iter().map(|r| money(&r["monthly_cost"])).sum();
    let want = plancost::report::money(sum);
    assert!(
        page.dom.contains(&format!("id=\"table-total\">{want}<")),
        "the footer should total the shown rows, {want}"
    );
    assert!(page.dom.contains("4 of "), "the count of shown rows");
    let groups: Vec<&str> = page
        .dom
        .split("<tbody class=\"res\"")
        .skip(1)
        .map(|rest| &rest[..rest.find('>').unwrap()])
        .collect();
    let all = merged["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["resources"].as_array().unwrap().len())
        .sum::<usize>();
    assert_eq!(groups.len(), all);
    let visible: Vec<_> = groups
        .iter()
        .filter(|tag| !tag.contains(" hidden"))
        .collect();
    assert_eq!(visible.len(), 4, "{visible:?}");
    assert!(visible.iter().all(|tag| tag.contains("spot")));
    // The page's self-check still compares the full total, not the filtered one.
    assert_eq!(
        attribute(&page.dom, "plancost-check", "data-status").as_deref(),
        Some("ok")
    );
}

#[test]
fn budget_and_forecast_charts_render_in_the_browser() {
    let Some(browser) = skip_without_chromium() else {
        return;
    };
    let dir = work_dir("budget-forecast");
    let (_, merged) = reference_reports(&dir);
    let mut report: Report = serde_json::from_value(merged.clone()).unwrap();
    // Hand-made budget checks: phase 1's estimate thresholds for compute and total, and one
    // category far over its limit to draw an off-scale bar.
    report.budget = Some(BudgetReport {
        status: Status::Fail,
        checks: vec![
            BudgetCheck::usd(
                "phase1",
                "total",
                dec("1227"),
                report.projects[0].total_monthly_cost,
                Status::Fail,
            ),
            BudgetCheck::usd(
                "phase1",
                "category:compute",
                dec("1016"),
                dec("1000"),
                Status::Warn,
            ),
            BudgetCheck::usd(
                "phase1",
                "category:security",
                dec("9"),
                dec("4.5"),
                Status::Ok,
            ),
        ],
    });
    let forecast = Forecast {
        title: "GPU nodes by month".to_string(),
        points: ["Jan", "Feb", "Mar", "Apr", "May", "Jun"]
            .iter()
            .enumerate()
            .map(|(i, m)| ForecastPoint {
                label: format!("{m} <{}>", i + 1),
                estimate: dec("1227") + dec("400") * rust_decimal::Decimal::from(i),
                plancost: dec("1541.04") + dec("420.5") * rust_decimal::Decimal::from(i),
            })
            .collect(),
    };
    let page_path = dir.join("budget-forecast.html");
    std::fs::write(&page_path, render_with_forecast(&report, Some(&forecast))).unwrap();
    let page = load(&browser, &page_path, "");
    assert_page_checks_out(&page, &merged["total_monthly_cost"], 4);
    assert!(page.dom.contains("id=\"chart-budget\""));
    assert!(page.dom.contains("id=\"chart-forecast\""));
    // The labels were escaped, and the browser read them back as text.
    assert!(page.dom.contains("Jan &lt;1&gt;"));
    screenshot(&browser, &page_path, &dir.join("budget-forecast.png"));
}

#[test]
fn page_from_a_report_read_back_from_json_is_the_same_page() {
    let dir = work_dir("roundtrip");
    let out = run(&[
        "breakdown",
        "infra/phase1/plan.json",
        "--usage-file",
        "infra/usage/phase1.yml",
        "--format",
        "html",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json = run(&[
        "breakdown",
        "infra/phase1/plan.json",
        "--usage-file",
        "infra/usage/phase1.yml",
        "--format",
        "json",
    ]);
    let report: Report = serde_json::from_slice(&json.stdout).unwrap();
    let _ = dir;
    assert_eq!(stdout(&out), render(&report));
}
