//! Resource addresses come from the input (a `for_each` key is any string): Markdown, HTML and
//! terminal control characters in them are shown as text, never as structure. A plan whose
//! instances are keyed by a script tag, a Markdown link with a pipe, ANSI escapes with a line
//! break, code/bold/comment markers and an image tag is rendered in every format.

use crate::harness::*;

const KEYS: &[&str] = &[
    "<script>alert(1)</script>",
    "a|b](javascript:alert(1))",
    "\u{1b}[2J\u{1b}[31mred\r\nfake row",
    "`code` **bold** <!-- x",
    "<img src=x onerror=alert(2)>",
];

fn crafted_plan() -> std::path::PathBuf {
    let text = std::fs::read_to_string(fixture("tf/instances/plan.json")).unwrap();
    let mut plan: serde_json::Value = serde_json::from_str(&text).unwrap();
    let changes = plan["resource_changes"].as_array_mut().unwrap();
    let instance = changes
        .iter()
        .find(|r| r["type"] == "aws_instance")
        .unwrap()
        .clone();
    for key in KEYS {
        for resource_type in ["aws_instance", "aws_glue_job"] {
            let mut r = instance.clone();
            r["address"] = format!("{resource_type}.h[\"{key}\"]").into();
            r["type"] = resource_type.into();
            r["name"] = "h".into();
            r["index"] = (*key).into();
            changes.push(r);
        }
    }
    let path = scratch_dir("escaping").join("crafted.json");
    std::fs::write(&path, serde_json::to_string(&plan).unwrap()).unwrap();
    path
}

fn render(args: &[&str]) -> String {
    let out = plancost()
        .args(args)
        .env("AWS_REGION", "us-east-1")
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    stdout(&out)
}

#[test]
fn crafted_addresses_render_as_text_in_every_format() {
    let plan = crafted_plan();
    let p = plan.to_str().unwrap();
    let report = scratch_dir("escaping-report").join("report.json");
    render(&[
        "breakdown",
        "--format",
        "json",
        "--out",
        report.to_str().unwrap(),
        p,
    ]);
    let r = report.to_str().unwrap();

    let outputs = [
        ("table", render(&["breakdown", p])),
        ("diff table", render(&["diff", p])),
        (
            "markdown",
            render(&["breakdown", "--format", "markdown", p]),
        ),
        ("html", render(&["breakdown", "--format", "html", p])),
        (
            "comment",
            render(&[
                "comment",
                "github",
                "--repo",
                "a/b",
                "--pr",
                "1",
                "--dry-run",
                r,
            ]),
        ),
    ];
    for (what, text) in &outputs {
        // No terminal control sequence and no carriage return reaches any output.
        assert!(
            !text.contains('\u{1b}'),
            "{what} carries an escape sequence"
        );
        assert!(!text.contains('\r'), "{what} carries a carriage return");
        // The line break inside the key does not start a row of its own.
        for line in text.lines().filter(|l| l.contains("fake row")) {
            assert!(
                line.contains(".h[") || line.contains(".h\\[") || *what == "html",
                "{what}: the key's line break made a line of its own: {line:?}"
            );
        }
    }
    // Markdown and HTML: no tag of the input survives as a tag.
    for (what, text) in &outputs[2..] {
        assert!(!text.contains("<script>alert"), "{what}: a script tag");
        assert!(!text.contains("<img src=x"), "{what}: an image tag");
        if *what == "html" {
            continue;
        }
        assert!(!text.contains("](javascript"), "{what}: a live link");
        // Every row naming a crafted resource keeps the table's cells: as many unescaped pipes
        // as the header row.
        let pipes = |line: &str| {
            line.match_indices('|')
                .filter(|(i, _)| !line[..*i].ends_with('\\'))
                .count()
        };
        let header = text.lines().find(|l| l.starts_with("| ")).expect("a table");
        for line in text
            .lines()
            .filter(|l| l.starts_with("| ") && l.contains(".h\\["))
        {
            assert_eq!(pipes(line), pipes(header), "{what}: {line}");
        }
    }
    let html = &outputs[3].1;
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the key is shown, as text"
    );

    // JSON keeps the exact key (its escaping is the JSON encoder's), and reads back.
    let json: serde_json::Value =
        serde_json::from_str(&render(&["breakdown", "--format", "json", p])).unwrap();
    let addresses: Vec<&str> = json["projects"][0]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["address"].as_str())
        .collect();
    assert!(
        addresses
            .iter()
            .any(|a| a.contains("<script>alert(1)</script>"))
    );
}
