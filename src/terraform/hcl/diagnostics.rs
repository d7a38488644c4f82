//! Errors that point into the user's HCL: file, line, column, and the source line itself.

use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::error::{Error, Position};

/// A file of a module, kept so that errors can quote the line they are about.
#[derive(Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
}

impl SourceFile {
    /// Line and column (1-based, columns in characters) of a byte offset.
    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let before = &self.text[..floor_char_boundary(&self.text, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Position { line, column }
    }

    /// An input error at `span` in this file, with the source line and a caret under the column.
    pub fn error(&self, span: Option<Range<usize>>, message: impl Into<String>) -> Error {
        let message = message.into();
        match span {
            Some(span) => {
                let position = self.position(span.start);
                let line_text = self.text.lines().nth(position.line - 1).unwrap_or("");
                let (line_text, caret_column) = excerpt(line_text, position.column);
                let gutter = position.line.to_string();
                let pad = " ".repeat(gutter.len());
                let caret = " ".repeat(caret_column.saturating_sub(1));
                Error::input_at(
                    &self.path,
                    position,
                    format!("{message}\n {pad} |\n {gutter} | {line_text}\n {pad} | {caret}^"),
                )
            }
            None => Error::input(&self.path, message),
        }
    }
}

/// Characters of a source line shown on either side of the column an error points at.
const EXCERPT_HALF: usize = 60;

/// The part of a source line an error shows, and the caret's column in it: at most
/// `2 × EXCERPT_HALF` characters around `column` (a minified or generated line can be megabytes),
/// control characters as spaces (so the line cannot move the cursor or recolour a terminal),
/// the quoted value of an attribute whose name says it is a secret masked, and anything that
/// looks like a credential removed.
fn excerpt(line: &str, column: usize) -> (String, usize) {
    let chars: Vec<char> = line.chars().collect();
    let at = column.saturating_sub(1).min(chars.len());
    let start = at.saturating_sub(EXCERPT_HALF);
    let end = (at + EXCERPT_HALF).min(chars.len());
    let mut text: String = chars[start..end]
        .iter()
        .map(|&c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut caret = at - start + 1;
    if start > 0 {
        text.insert(0, '…');
        caret += 1;
    }
    if end < chars.len() {
        text.push('…');
    }
    (mask_secret_assignment(&crate::redact::scrub(&text)), caret)
}

/// `password = "..."` with the quoted text replaced by asterisks of the same length, so the
/// caret still points at the right column.
fn mask_secret_assignment(text: &str) -> String {
    let Some(eq) = text.find('=') else {
        return text.to_string();
    };
    let name = text[..eq].trim().trim_matches('"').to_ascii_lowercase();
    const SECRET_NAMES: &[&str] = &[
        "password",
        "passwd",
        "secret",
        "token",
        "private_key",
        "access_key",
        "credential",
    ];
    if !SECRET_NAMES.iter().any(|s| name.contains(s)) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..=eq]);
    let mut in_string = false;
    for c in text[eq + 1..].chars() {
        match c {
            '"' => {
                in_string = !in_string;
                out.push(c);
            }
            _ if in_string => out.push('*'),
            _ => out.push(c),
        }
    }
    out
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// An evaluation error before it is tied to a file: a message and where in the expression.
#[derive(Debug, Clone)]
pub struct EvalError {
    pub span: Option<Range<usize>>,
    pub message: String,
}

impl EvalError {
    pub fn new(span: Option<Range<usize>>, message: impl Into<String>) -> Self {
        EvalError {
            span,
            message: message.into(),
        }
    }

    /// Sets the span if none is known yet (errors from functions get their call's span).
    pub fn at(mut self, span: Option<Range<usize>>) -> Self {
        if self.span.is_none() {
            self.span = span;
        }
        self
    }

    pub fn into_error(self, file: &SourceFile) -> Error {
        file.error(self.span, self.message)
    }
}

/// An error about a file as a whole (unreadable, not UTF-8).
pub fn file_error(path: &Path, message: impl Into<String>) -> Error {
    Error::input(path, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_quote_the_line() {
        let file = SourceFile {
            path: "main.tf".into(),
            text: "a = 1\nbé = foo(\n".into(),
        };
        // Byte 12 is the `f` of `foo`: after `bé = `, five characters (é takes two bytes).
        let p = file.position(12);
        assert_eq!((p.line, p.column), (2, 6));
        let text = file.error(Some(12..13), "boom").to_string();
        assert!(text.starts_with("main.tf:2:6: boom"), "{text}");
        assert!(text.contains("2 | bé = foo("), "{text}");
    }

    #[test]
    fn long_lines_are_cut_around_the_column_and_secrets_masked() {
        let long = format!("x = [{}1]", "0, ".repeat(10_000));
        let (shown, caret) = excerpt(&long, 15_000);
        assert!(shown.chars().count() <= 2 * EXCERPT_HALF + 2, "{shown}");
        assert_eq!(shown.chars().nth(caret - 1), long.chars().nth(14_999));
        let (shown, _) = excerpt("  password = \"hunter2\" @@", 25);
        assert_eq!(shown, "  password = \"*******\" @@");
        let (shown, _) = excerpt("  note = \"\u{1b}[2Jhello\"", 3);
        assert!(!shown.contains('\u{1b}'), "{shown}");
    }
}
