//! YAML input (usage files, `plancost.yml`) with the limits hostile files need: duplicate keys
//! are errors, alias expansion is bounded (no "billion laughs"), and every error carries the
//! file, line and column. Error messages never show the offending source line, so a secret in a
//! malformed file does not reach the terminal or a CI log.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::error::{Error, Position, Result};

/// Parses `text` (the contents of `path`) into `T`.
pub fn parse<T: DeserializeOwned>(path: &Path, text: &str) -> Result<T> {
    let options = serde_saphyr::options! {
        duplicate_keys: serde_saphyr::DuplicateKeyPolicy::Error,
        with_snippet: false,
        strict_booleans: true,
        // Far above any real usage file or configuration, and small enough that a file of
        // nested aliases is refused in milliseconds rather than seconds.
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: 100_000,
        },
    };
    serde_saphyr::from_str_with_options(text, options).map_err(|e| {
        let position = e.location().map(|l| Position {
            line: l.line() as usize,
            column: l.column() as usize,
        });
        let message = plain_message(&e.to_string());
        match position {
            Some(p) => Error::input_at(path, p, message),
            None => Error::input(path, message),
        }
    })
}

/// Reads and parses a YAML file.
pub fn read<T: DeserializeOwned>(path: &Path) -> Result<T> {
    let bytes = std::fs::read(path).map_err(|e| Error::input(path, format!("cannot read: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        Error::input(
            path,
            format!(
                "is not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        )
    })?;
    parse(path, &text)
}

/// The parser's message without its own location suffix (the position is shown once, in front).
fn plain_message(message: &str) -> String {
    let first = message.lines().next().unwrap_or(message);
    // The parser suggests its own options to its programmer; that is no help to a user.
    let first = first
        .split(", set DuplicateKeyPolicy")
        .next()
        .unwrap_or(first);
    let first = match first.find(" at line ") {
        Some(i) => &first[..i],
        None => first,
    };
    // Messages addressed to the parser's programmer, said for the file's author instead.
    if first.starts_with("budget breached") || first.starts_with("alias replay limit") {
        "aliases expand to too many nodes (plancost stops expanding a \"billion laughs\")"
            .to_string()
    } else if first.starts_with("multiple YAML documents") {
        "holds more than one YAML document (a `---` line in the middle?)".to_string()
    } else if first.starts_with("recursive references") {
        "an alias refers to a node that contains it".to_string()
    } else {
        first.to_string()
    }
}
