//! Shell completions and the manual page, generated from the command-line definition.

use crate::harness::*;

#[test]
fn completions_for_every_shell_name_the_subcommands_and_options() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = run(&["completions", shell]);
        assert!(out.status.success(), "{shell}: {}", stderr(&out));
        let script = stdout(&out);
        for word in ["breakdown", "diff", "merge", "completions", "--format"] {
            assert!(script.contains(word), "{shell} completions lack {word}");
        }
        // These shells complete option values too.
        if matches!(shell, "bash" | "zsh" | "fish") {
            for word in ["infracost-json", "html"] {
                assert!(script.contains(word), "{shell} completions lack {word}");
            }
        }
    }
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    let out = run(&["completions", "cmd.exe"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cmd.exe"));
}

#[test]
fn the_manual_page_is_roff_for_section_one() {
    let out = run(&["man"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = stdout(&out);
    assert!(page.contains(".TH plancost 1"), "{page}");
    assert!(page.contains(".SH NAME"));
    assert!(page.contains("breakdown"));
    assert!(
        page.contains("no\\-color"),
        "the global flags are documented"
    );
}
