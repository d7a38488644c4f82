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
                let gutter = position.line.to_string();
                let pad = " ".repeat(gutter.len());
                let caret = " ".repeat(position.column.saturating_sub(1));
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
}
