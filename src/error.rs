//! Errors of the library, each knowing the exit code the binary maps it to.
//!
//! The contract (DESIGN.md §3): `2` the input or invocation is wrong, `3` prices could not be
//! obtained, `4` a CI platform's API failed (`plancost comment`). Budget failures are not errors
//! (they are a verdict), so they have no variant here.
//! Messages name the file and, where the format has one, the line and column; they never quote
//! input values, so a secret in a malformed file cannot leak through an error message.

use std::fmt;
use std::path::PathBuf;

/// A position in a text file, 1-based as editors show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file given to plancost is unreadable or not what it should be.
    #[error("{}{}: {message}", path.display(), position.map(|p| format!(":{p}")).unwrap_or_default())]
    Input {
        path: PathBuf,
        position: Option<Position>,
        message: String,
    },
    /// The command line itself is wrong (a missing path, conflicting options).
    #[error("{0}")]
    Usage(String),
    /// Price data could not be read or obtained and nothing could stand in for it.
    #[error("price data: {0}")]
    Prices(String),
    /// A CI platform's API (GitHub, GitLab) failed or refused a request; nothing or not all of
    /// a comment was posted. The message never contains the token.
    #[error("{0}")]
    Api(String),
}

impl Error {
    pub fn input(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Error::Input {
            path: path.into(),
            position: None,
            message: message.into(),
        }
    }

    pub fn input_at(
        path: impl Into<PathBuf>,
        position: Position,
        message: impl Into<String>,
    ) -> Self {
        Error::Input {
            path: path.into(),
            position: Some(position),
            message: message.into(),
        }
    }

    /// Turns a serde_json error about `path` into an input error with its line and column.
    ///
    /// serde_json's own message can quote part of the input (e.g. `invalid type: string "..."`),
    /// which could be a secret; only its category and position are kept.
    pub fn json(path: impl Into<PathBuf>, err: &serde_json::Error) -> Self {
        use serde_json::error::Category;
        let what = match err.classify() {
            Category::Io => "could not be read",
            Category::Syntax => "is not valid JSON",
            Category::Data => "has a value of the wrong type",
            Category::Eof => "ends too early (truncated JSON)",
        };
        let position = (err.line() > 0).then(|| Position {
            line: err.line(),
            column: err.column(),
        });
        Error::Input {
            path: path.into(),
            position,
            message: what.to_string(),
        }
    }

    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Input { .. } | Error::Usage(_) => 2,
            Error::Prices(_) => 3,
            Error::Api(_) => 4,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
