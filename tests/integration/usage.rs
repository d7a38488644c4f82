//! Usage files in Infracost's format: precedence, plancost's additions, warnings and errors.

use crate::harness::*;

#[test]
fn exact_address_beats_wildcard_beats_type_default() {
    let plan = fixture("tf/eks/plan.json");
    let usage = fixture("usage/eks-precedence.yml");
    let out = run(&[
        "breakdown",
        "--format",
        "json",
        "--usage-file",
        usage.to_str().unwrap(),
        plan.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // api: exact address: 5 nodes × 730 h × $0.0832 = $303.68.
    assert_component(
        &r,
        "aws_eks_node_group.api",
        "Instance usage",
        "0.0832",
        "303.68",
    );
    // lt: the type default (the wildcard matches no instance): 4 × 365 h × m5.large $0.096 = $140.16.
    assert_component(
        &r,
        "aws_eks_node_group.lt",
        "Instance usage",
        "0.096",
        "140.16",
    );
    // gpu_spot: the spot price override of the usage file, 4 nodes (type default) × 365 h × $0.30 = $438.
    let c = component(&r, "aws_eks_node_group.gpu_spot", "Instance usage");
    assert_eq!(money(&c["unit_price"]), dec("0.30"));
    assert_eq!(money(&c["monthly_cost"]), dec("438"));
    assert_eq!(c["spot"]["basis"], "usage file");
    // The typo is a warning naming the file and line 15, not an error.
    let err = stderr(&out);
    assert!(err.contains("eks-precedence.yml:15:"), "{err}");
    assert!(err.contains("\"nodes\""), "{err}");
}

#[test]
fn broken_usage_files_name_file_line_and_column() {
    let dir = std::env::temp_dir().join(format!("plancost-usage-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cases: [(&str, &str, &str, &str); 5] = [
        (
            "dup.yml",
            "version: 0.1\nresource_usage:\n  aws_instance.x:\n    monthly_hrs: 1\n    monthly_hrs: 2\n",
            ":5:5:",
            "duplicate",
        ),
        (
            "syntax.yml",
            "version: 0.1\nresource_usage:\n  aws_instance.x: [1\n",
            ":3:",
            "",
        ),
        (
            "unknown-top.yml",
            "version: 0.1\nresourc_usage: {}\n",
            ":2:1:",
            "unknown field",
        ),
        (
            "version.yml",
            "version: 0.2\n",
            ":1:",
            "version must be 0.1",
        ),
        (
            "bomb.yml",
            &alias_bomb(),
            ":8:",
            "aliases expand to too many nodes",
        ),
    ];
    let plan = fixture("tf/instances/plan.json");
    for (name, text, position, words) in cases {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let out = run(&[
            "breakdown",
            "--usage-file",
            path.to_str().unwrap(),
            plan.to_str().unwrap(),
        ]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains(&format!("{name}{position}")), "{name}: {err}");
        assert!(err.contains(words), "{name}: {err}");
    }
}

/// Nine levels of ten aliases each: a billion `x` if expanded.
fn alias_bomb() -> String {
    let mut text = String::from(
        "version: 0.1\nresource_usage:\n  aws_instance.a:\n    a: &a [x, x, x, x, x, x, x, x, x, x]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for pair in names.windows(2) {
        let refs = vec![format!("*{}", pair[0]); 10].join(", ");
        text.push_str(&format!("    {}: &{} [{refs}]\n", pair[1], pair[1]));
    }
    text
}
