//! `--format json`: the report as DESIGN.md's contract, money as exact decimal strings.
//!
//! One line of compact JSON, as `terraform show -json` and Infracost write theirs: the report of a
//! large plan is a third smaller than indented, and tools (`jq`, the comment and diff commands)
//! read either.

use std::io::Write;

use super::Report;

pub fn render(report: &Report) -> String {
    let mut out = serde_json::to_string(report).expect("a report always serialises");
    out.push('\n');
    out
}

/// Writes the report straight into `out`, never holding it whole. serde_json writes in pieces
/// of a few bytes; a buffer in front of `out` keeps them off its dynamic calls.
pub fn write(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let mut buffered = std::io::BufWriter::with_capacity(64 << 10, out);
    serde_json::to_writer(&mut buffered, report)?;
    buffered.write_all(b"\n")?;
    buffered.flush()
}
