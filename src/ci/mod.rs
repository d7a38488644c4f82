//! `plancost comment github|gitlab`: one comment per pull request (merge request) with the
//! report's Markdown, posted, updated in place, or replaced.
//!
//! A comment is found again by a hidden marker on its first line that carries the report's
//! `generated_at` (and an optional tag, so a pull request can hold one comment per project):
//! `<!-- plancost-comment generated_at=2026-11-27T09:30:00Z tag=phase1 -->`. When the comment
//! already there comes from a newer report, nothing is changed: CI runs finish out of order, and
//! an older run must never replace the figures of a newer one.
//!
//! The platforms differ only in URLs, headers and JSON shapes ([`github`], [`gitlab`] implement
//! [`Thread`]); the decision of what to do is [`post`], shared and tested without a network.

pub mod github;
pub mod gitlab;
pub mod http;
mod rest;

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::report::Report;
use crate::report::comment_markdown::{self, CommentOptions};

/// What to do with an existing comment of plancost on the pull request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Behavior {
    /// Edit the existing comment in place (create one when there is none).
    #[default]
    Update,
    /// Always add a new comment, keeping the earlier ones (a history).
    New,
    /// Delete the earlier comments, then add a new one (it shows at the bottom, and notifies).
    DeleteAndNew,
}

/// The hidden first line of a plancost comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    pub generated_at: String,
    pub tag: Option<String>,
}

const MARKER_START: &str = "<!-- plancost-comment ";

impl Marker {
    /// A marker for a report generated at `generated_at` (RFC 3339), tagged `tag`. Both are
    /// checked, as they are written inside an HTML comment.
    pub fn new(generated_at: &str, tag: Option<&str>) -> Result<Marker> {
        if crate::time::parse_rfc3339(generated_at).is_none() {
            return Err(Error::Usage(format!(
                "the report's generated_at {:?} is not an RFC 3339 timestamp",
                http::truncate(generated_at, 60)
            )));
        }
        if let Some(tag) = tag {
            let valid = !tag.is_empty()
                && tag.len() <= 64
                && tag
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '/' | '-'));
            if !valid {
                return Err(Error::Usage(
                    "--tag must be 1 to 64 letters, digits, '.', '_', '/' or '-'".into(),
                ));
            }
        }
        Ok(Marker {
            generated_at: generated_at.to_string(),
            tag: tag.map(str::to_string),
        })
    }

    pub fn line(&self) -> String {
        match &self.tag {
            Some(tag) => format!(
                "{MARKER_START}generated_at={} tag={tag} -->",
                self.generated_at
            ),
            None => format!("{MARKER_START}generated_at={} -->", self.generated_at),
        }
    }

    /// The marker a comment body starts with, if it is a plancost comment.
    pub fn find(body: &str) -> Option<Marker> {
        let rest = body.trim_start().strip_prefix(MARKER_START)?;
        let (inside, _) = rest.split_once("-->")?;
        let mut generated_at = None;
        let mut tag = None;
        for word in inside.split_whitespace() {
            match word.split_once('=') {
                Some(("generated_at", v)) => generated_at = Some(v.to_string()),
                Some(("tag", v)) => tag = Some(v.to_string()),
                _ => {}
            }
        }
        Some(Marker {
            generated_at: generated_at?,
            tag,
        })
    }

    /// True when this marker's report is newer than `other`'s. A time that does not parse
    /// counts as older than any that does.
    fn newer_than(&self, other: &Marker) -> bool {
        let time = |m: &Marker| crate::time::parse_rfc3339(&m.generated_at);
        match (time(self), time(other)) {
            (Some(a), Some(b)) => a > b,
            (Some(_), None) => true,
            _ => false,
        }
    }
}

/// A comment already on the pull request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExistingComment {
    pub id: u64,
    pub body: String,
}

/// The comments of one pull request (merge request) on one platform.
pub trait Thread {
    /// All comments, oldest first, every page.
    fn list(&mut self) -> Result<Vec<ExistingComment>>;
    /// Adds a comment; returns its id.
    fn create(&mut self, body: &str) -> Result<u64>;
    fn update(&mut self, id: u64, body: &str) -> Result<()>;
    fn delete(&mut self, id: u64) -> Result<()>;
}

/// What [`post`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Created {
        id: u64,
    },
    Updated {
        id: u64,
    },
    /// The comment already says exactly this.
    Unchanged {
        id: u64,
    },
    Replaced {
        deleted: Vec<u64>,
        id: u64,
    },
    /// A comment from a newer report is there; nothing was changed.
    NewerExists {
        id: u64,
        generated_at: String,
    },
}

impl Outcome {
    pub fn describe(&self, place: &str) -> String {
        match self {
            Outcome::Created { id } => format!("created comment {id} on {place}"),
            Outcome::Updated { id } => format!("updated comment {id} on {place}"),
            Outcome::Unchanged { id } => {
                format!("comment {id} on {place} already shows this report; left as it is")
            }
            Outcome::Replaced { deleted, id } => format!(
                "deleted {} earlier comment(s) and created comment {id} on {place}",
                deleted.len()
            ),
            Outcome::NewerExists { id, generated_at } => format!(
                "comment {id} on {place} shows a newer report (generated {}); left as it is",
                http::truncate(generated_at, 60)
            ),
        }
    }
}

/// Posts `body` (which starts with `marker`'s line) on `thread` as `behavior` says, unless a
/// plancost comment with the same tag from a newer report is there.
pub fn post(
    thread: &mut dyn Thread,
    body: &str,
    marker: &Marker,
    behavior: Behavior,
) -> Result<Outcome> {
    let ours: Vec<(ExistingComment, Marker)> = thread
        .list()?
        .into_iter()
        .filter_map(|c| Marker::find(&c.body).map(|m| (c, m)))
        .filter(|(_, m)| m.tag == marker.tag)
        .collect();
    if let Some((newer, m)) = ours.iter().find(|(_, m)| m.newer_than(marker)) {
        return Ok(Outcome::NewerExists {
            id: newer.id,
            generated_at: m.generated_at.clone(),
        });
    }
    match behavior {
        Behavior::Update => match ours.last() {
            // The most recent one (lists are oldest first) is the one people read.
            Some((existing, _)) if existing.body == body => {
                Ok(Outcome::Unchanged { id: existing.id })
            }
            Some((existing, _)) => {
                thread.update(existing.id, body)?;
                Ok(Outcome::Updated { id: existing.id })
            }
            None => Ok(Outcome::Created {
                id: thread.create(body)?,
            }),
        },
        Behavior::New => Ok(Outcome::Created {
            id: thread.create(body)?,
        }),
        Behavior::DeleteAndNew => {
            let mut deleted = Vec::new();
            for (existing, _) in &ours {
                thread.delete(existing.id)?;
                deleted.push(existing.id);
            }
            let id = thread.create(body)?;
            Ok(if deleted.is_empty() {
                Outcome::Created { id }
            } else {
                Outcome::Replaced { deleted, id }
            })
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    GitHub,
    GitLab,
}

/// Options of `plancost comment`: flags as given; what they leave out comes from the CI
/// environment (see [`github::Target::resolve`], [`gitlab::Target::resolve`]).
#[derive(Clone)]
pub struct CommentRun {
    pub platform: Platform,
    pub report: PathBuf,
    /// GitHub `owner/name`; GitLab project id or `group/project` path.
    pub repo: Option<String>,
    /// Pull-request number (GitHub) or merge-request IID (GitLab).
    pub number: Option<u64>,
    pub token: Option<String>,
    pub api_url: Option<String>,
    pub behavior: Behavior,
    pub dry_run: bool,
    pub tag: Option<String>,
    /// Add a Mermaid chart of cost by category (both platforms draw Mermaid).
    pub chart: bool,
}

/// Written by hand so that the token never shows in a debug print.
impl std::fmt::Debug for CommentRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CommentRun")
            .field("platform", &self.platform)
            .field("report", &self.report)
            .field("repo", &self.repo)
            .field("number", &self.number)
            .field("token", &self.token.as_ref().map(|_| "***"))
            .field("api_url", &self.api_url)
            .field("behavior", &self.behavior)
            .field("dry_run", &self.dry_run)
            .field("tag", &self.tag)
            .field("chart", &self.chart)
            .finish()
    }
}

/// What a run did, for the binary to print.
#[derive(Debug, Clone)]
pub struct CommentResult {
    /// The comment body, marker included.
    pub body: String,
    /// `None` on a dry run.
    pub outcome: Option<Outcome>,
    /// `owner/name#7`, `project 42 !7`; `None` when a dry run could not tell.
    pub place: Option<String>,
    /// Retries, the step summary written, warnings; never the token.
    pub notes: Vec<String>,
}

/// Reads the report, renders the comment and posts it (or, on a dry run, only renders it).
/// `env` looks up environment variables (`GITHUB_TOKEN`, `CI_PROJECT_ID`, ...).
pub fn comment(run: &CommentRun, env: &dyn Fn(&str) -> Option<String>) -> Result<CommentResult> {
    let report = crate::diff::read_report(&run.report)?;
    let marker = Marker::new(&report.generated_at, run.tag.as_deref())?;
    let max_chars = match run.platform {
        Platform::GitHub => comment_markdown::GITHUB_COMMENT_LIMIT,
        Platform::GitLab => comment_markdown::GITLAB_NOTE_LIMIT,
    };
    let body = comment_markdown::render(
        &report,
        &CommentOptions {
            max_chars,
            marker: Some(marker.line()),
            chart: run.chart,
        },
    );
    // A comment is public to everyone who can read the pull request: nothing that looks like a
    // credential, nor the token itself, goes into it (the report may come from anywhere).
    let mut redactor = crate::redact::Redactor::from_env(env);
    if let Some(token) = &run.token {
        redactor.add(token);
    }
    let body = redactor.scrub(&body).into_owned();
    let mut notes = Vec::new();
    if let Some(summary) = env("GITHUB_STEP_SUMMARY") {
        notes.push(append_step_summary(Path::new(&summary), &report, &redactor));
    }
    let (outcome, place, client_notes) = match run.platform {
        Platform::GitHub => github::comment(run, env, &body, &marker)?,
        Platform::GitLab => gitlab::comment(run, env, &body, &marker)?,
    };
    notes.extend(client_notes);
    Ok(CommentResult {
        body,
        outcome,
        place,
        notes,
    })
}

/// Appends the report's Markdown (without the marker) to the GitHub Actions job summary; a
/// failure is a note, not an error, as the comment matters more.
fn append_step_summary(path: &Path, report: &Report, redactor: &crate::redact::Redactor) -> String {
    let text = comment_markdown::render(report, &CommentOptions::default());
    let text = redactor.scrub(&text);
    let written = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .and_then(|mut f| f.write_all(format!("{text}\n").as_bytes()));
    match written {
        Ok(()) => "added the report to the job summary (GITHUB_STEP_SUMMARY)".to_string(),
        Err(e) => format!(
            "warning: could not append to the job summary {}: {e}",
            path.display()
        ),
    }
}

/// The token: the flag, else the environment variable; checked to be usable in a header, and
/// never quoted in a message.
pub(crate) fn token(flag: Option<&str>, env_value: Option<String>, var: &str) -> Result<String> {
    let token = flag
        .map(str::to_string)
        .or(env_value)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| Error::Usage(format!("no token: set {var} or give --token")))?;
    if token.chars().any(|c| c.is_whitespace() || c.is_control()) || token.len() > 4096 {
        return Err(Error::Usage(format!(
            "the token (from --token or {var}) contains spaces or control characters, or is too long"
        )));
    }
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An in-memory thread that records what was done to it.
    #[derive(Default)]
    struct Fake {
        comments: Vec<ExistingComment>,
        next_id: u64,
        log: Vec<String>,
    }

    impl Thread for Fake {
        fn list(&mut self) -> Result<Vec<ExistingComment>> {
            self.log.push("list".into());
            Ok(self.comments.clone())
        }
        fn create(&mut self, body: &str) -> Result<u64> {
            self.next_id += 1;
            let id = 100 + self.next_id;
            self.log.push(format!("create {id}"));
            self.comments.push(ExistingComment {
                id,
                body: body.into(),
            });
            Ok(id)
        }
        fn update(&mut self, id: u64, body: &str) -> Result<()> {
            self.log.push(format!("update {id}"));
            for c in &mut self.comments {
                if c.id == id {
                    c.body = body.into();
                }
            }
            Ok(())
        }
        fn delete(&mut self, id: u64) -> Result<()> {
            self.log.push(format!("delete {id}"));
            self.comments.retain(|c| c.id != id);
            Ok(())
        }
    }

    fn marker(at: &str, tag: Option<&str>) -> Marker {
        Marker::new(at, tag).unwrap()
    }

    fn body(m: &Marker, text: &str) -> String {
        format!("{}\n{text}", m.line())
    }

    fn existing(id: u64, body: String) -> ExistingComment {
        ExistingComment { id, body }
    }

    const T1: &str = "2026-11-27T09:30:00Z";
    const T2: &str = "2026-11-27T10:00:00Z";

    #[test]
    fn markers_round_trip_and_reject_what_could_break_the_html_comment() {
        let m = marker(T1, Some("phase1"));
        assert_eq!(
            m.line(),
            "<!-- plancost-comment generated_at=2026-11-27T09:30:00Z tag=phase1 -->"
        );
        assert_eq!(Marker::find(&body(&m, "x")), Some(m));
        assert_eq!(
            Marker::find("hello <!-- plancost-comment generated_at=x -->"),
            None
        );
        assert!(Marker::new(T1, Some("a --> <b>")).is_err());
        assert!(Marker::new("yesterday", None).is_err());
    }

    #[test]
    fn update_creates_then_edits_in_place() {
        let mut thread = Fake::default();
        let first = marker(T1, None);
        let out = post(&mut thread, &body(&first, "a"), &first, Behavior::Update).unwrap();
        assert_eq!(out, Outcome::Created { id: 101 });
        let second = marker(T2, None);
        let out = post(&mut thread, &body(&second, "b"), &second, Behavior::Update).unwrap();
        assert_eq!(out, Outcome::Updated { id: 101 });
        assert_eq!(thread.log, ["list", "create 101", "list", "update 101"]);
        assert_eq!(thread.comments.len(), 1);
        // The same report again changes nothing.
        let out = post(&mut thread, &body(&second, "b"), &second, Behavior::Update).unwrap();
        assert_eq!(out, Outcome::Unchanged { id: 101 });
    }

    #[test]
    fn an_older_report_never_replaces_a_newer_one() {
        let newer = marker(T2, None);
        let older = marker(T1, None);
        for behavior in [Behavior::Update, Behavior::New, Behavior::DeleteAndNew] {
            let mut thread = Fake {
                comments: vec![existing(7, body(&newer, "new"))],
                ..Fake::default()
            };
            let out = post(&mut thread, &body(&older, "old"), &older, behavior).unwrap();
            assert_eq!(
                out,
                Outcome::NewerExists {
                    id: 7,
                    generated_at: T2.into()
                }
            );
            assert_eq!(thread.log, ["list"]);
        }
        // The same instant written with an offset is not newer: 10:30+01:00 = 09:30Z.
        let same = marker("2026-11-27T10:30:00+01:00", None);
        let mut thread = Fake {
            comments: vec![existing(7, body(&same, "x"))],
            ..Fake::default()
        };
        let out = post(&mut thread, &body(&older, "y"), &older, Behavior::Update).unwrap();
        assert_eq!(out, Outcome::Updated { id: 7 });
    }

    #[test]
    fn tags_keep_separate_comments() {
        let phase1 = marker(T2, Some("phase1"));
        let phase2 = marker(T1, Some("phase2"));
        let untagged = marker(T2, None);
        let mut thread = Fake {
            comments: vec![
                existing(1, body(&phase1, "p1")),
                existing(2, "a human comment".into()),
                existing(3, body(&untagged, "all")),
            ],
            ..Fake::default()
        };
        // phase2's report is older than phase1's comment, but that is another tag.
        let out = post(&mut thread, &body(&phase2, "p2"), &phase2, Behavior::Update).unwrap();
        assert_eq!(out, Outcome::Created { id: 101 });
    }

    #[test]
    fn delete_and_new_deletes_every_earlier_comment_then_creates() {
        let old = marker(T1, None);
        let new = marker(T2, None);
        let mut thread = Fake {
            comments: vec![
                existing(1, body(&old, "a")),
                existing(2, "a human comment".into()),
                existing(3, body(&old, "b")),
            ],
            ..Fake::default()
        };
        let out = post(&mut thread, &body(&new, "c"), &new, Behavior::DeleteAndNew).unwrap();
        assert_eq!(
            out,
            Outcome::Replaced {
                deleted: vec![1, 3],
                id: 101
            }
        );
        assert_eq!(thread.log, ["list", "delete 1", "delete 3", "create 101"]);
        assert_eq!(thread.comments.len(), 2);
    }

    #[test]
    fn new_keeps_the_earlier_comments() {
        let old = marker(T1, None);
        let new = marker(T2, None);
        let mut thread = Fake {
            comments: vec![existing(1, body(&old, "a"))],
            ..Fake::default()
        };
        let out = post(&mut thread, &body(&new, "b"), &new, Behavior::New).unwrap();
        assert_eq!(out, Outcome::Created { id: 101 });
        assert_eq!(thread.comments.len(), 2);
    }

    #[test]
    fn tokens_are_checked_without_being_quoted() {
        assert_eq!(token(Some("abc"), Some("env".into()), "T").unwrap(), "abc");
        assert_eq!(token(None, Some("env".into()), "T").unwrap(), "env");
        let missing = token(None, None, "GITHUB_TOKEN").unwrap_err().to_string();
        assert!(missing.contains("GITHUB_TOKEN"), "{missing}");
        let bad = token(Some("sec ret\n"), None, "T").unwrap_err().to_string();
        assert!(!bad.contains("sec"), "{bad}");
    }
}
