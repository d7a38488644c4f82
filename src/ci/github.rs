//! GitHub: a pull request's comments through the REST issue-comments API
//! (`/repos/{owner}/{repo}/issues/{number}/comments`, `/repos/{owner}/{repo}/issues/comments/{id}`),
//! with the token as `Authorization: Bearer`. GitHub Enterprise Server is the same API under
//! another base URL (`--api-url` or `GITHUB_API_URL`, e.g. `https://ghe.example.com/api/v3`).

use std::path::Path;

use serde_json::Value;

use super::http::{ApiUrl, Client, Method, RetryPolicy};
use super::rest::{Endpoints, RestThread};
use super::{CommentRun, Marker, Outcome};
use crate::error::{Error, Result};

pub const DEFAULT_API_URL: &str = "https://api.github.com";

/// The pull request to comment on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub api: ApiUrl,
    /// `owner/name`.
    pub repo: String,
    pub number: u64,
}

impl Target {
    /// From the flags, else from GitHub Actions' environment: `GITHUB_REPOSITORY`, the pull
    /// request in the event file at `GITHUB_EVENT_PATH`, `GITHUB_API_URL`.
    pub fn resolve(
        repo: Option<&str>,
        number: Option<u64>,
        api_url: Option<&str>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Target> {
        let repo = match repo {
            Some(r) => r.to_string(),
            None => env("GITHUB_REPOSITORY").ok_or_else(|| {
                Error::Usage(
                    "no repository: give --repo owner/name (GITHUB_REPOSITORY is not set)".into(),
                )
            })?,
        };
        let mut parts = repo.split('/');
        let valid_part = |p: Option<&str>| {
            p.is_some_and(|p| {
                !p.is_empty()
                    && p.len() <= 100
                    && p.chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
            })
        };
        if !(valid_part(parts.next()) && valid_part(parts.next()) && parts.next().is_none()) {
            return Err(Error::Usage(format!(
                "the repository {:?} is not owner/name",
                super::http::truncate(&repo, 100)
            )));
        }
        let number = match number {
            Some(n) => n,
            None => {
                let path = env("GITHUB_EVENT_PATH").ok_or_else(|| {
                    Error::Usage(
                        "no pull request: give --pr N (GITHUB_EVENT_PATH is not set)".into(),
                    )
                })?;
                number_from_event(Path::new(&path))?.ok_or_else(|| {
                    Error::Usage(format!(
                        "no pull request: the event in {path} is not about a pull request; \
                         give --pr N, or run on pull_request events"
                    ))
                })?
            }
        };
        if number == 0 {
            return Err(Error::Usage(
                "--pr must be a pull request number, not 0".into(),
            ));
        }
        let api_url = api_url
            .map(str::to_string)
            .or_else(|| env("GITHUB_API_URL"))
            .unwrap_or_else(|| DEFAULT_API_URL.to_string());
        Ok(Target {
            api: ApiUrl::parse(&api_url, "the GitHub API URL")?,
            repo,
            number,
        })
    }

    pub fn place(&self) -> String {
        format!("{}#{}", self.repo, self.number)
    }

    fn endpoints(&self) -> Endpoints {
        let base = format!("{}/repos/{}", self.api.url, self.repo);
        let item_base = format!("{base}/issues/comments");
        Endpoints {
            platform: "GitHub",
            place: self.place(),
            list: format!("{base}/issues/{}/comments?per_page=100", self.number),
            create: format!("{base}/issues/{}/comments", self.number),
            item: Box::new(move |id| format!("{item_base}/{id}")),
            update_method: Method::Patch,
            next_page: None,
            token_hint: "check GITHUB_TOKEN or --token",
            forbidden_hint: "the token needs write access to pull requests (in GitHub Actions: \
                             `permissions: pull-requests: write`; pull requests from forks get a \
                             read-only token)",
            not_found_hint: "check --repo and --pr, and that the token can see the repository",
        }
    }
}

/// The pull request's number in a GitHub Actions event file: `pull_request.number`
/// (`pull_request`, `pull_request_target` events), or `issue.number` of an issue that is a pull
/// request (`issue_comment` events). `None` for other events (push, schedule).
pub fn number_from_event(path: &Path) -> Result<Option<u64>> {
    let bytes = std::fs::read(path)
        .map_err(|e| Error::input(path, format!("cannot read the GitHub event file: {e}")))?;
    let event: Value = serde_json::from_slice(&bytes).map_err(|e| Error::json(path, &e))?;
    let from_pr = event
        .pointer("/pull_request/number")
        .and_then(Value::as_u64);
    let from_issue = event
        .get("issue")
        .filter(|issue| issue.get("pull_request").is_some())
        .and_then(|issue| issue.get("number"))
        .and_then(Value::as_u64);
    Ok(from_pr.or(from_issue))
}

/// `plancost comment github`: (outcome, place, notes); no outcome on a dry run.
pub(crate) fn comment(
    run: &CommentRun,
    env: &dyn Fn(&str) -> Option<String>,
    body: &str,
    marker: &Marker,
) -> Result<(Option<Outcome>, Option<String>, Vec<String>)> {
    let resolve = || Target::resolve(run.repo.as_deref(), run.number, run.api_url.as_deref(), env);
    if run.dry_run {
        return Ok((None, resolve().ok().map(|t| t.place()), Vec::new()));
    }
    let target = resolve()?;
    let token = super::token(run.token.as_deref(), env("GITHUB_TOKEN"), "GITHUB_TOKEN")?;
    let client = Client::new(
        target.api.clone(),
        "authorization",
        format!("Bearer {token}"),
        &token,
        vec![
            ("accept".into(), "application/vnd.github+json".into()),
            ("x-github-api-version".into(), "2022-11-28".into()),
        ],
        RetryPolicy::default(),
    );
    let mut thread = RestThread {
        client: &client,
        endpoints: target.endpoints(),
    };
    let outcome = super::post(&mut thread, body, marker, run.behavior)?;
    Ok((Some(outcome), Some(target.place()), client.take_notes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
    }

    #[test]
    fn flags_win_over_the_environment() {
        let env = env_of(&[
            ("GITHUB_REPOSITORY", "a/b"),
            ("GITHUB_API_URL", "https://x.example"),
        ]);
        let t = Target::resolve(Some("acme/infra"), Some(7), None, &env).unwrap();
        assert_eq!(t.place(), "acme/infra#7");
        assert_eq!(t.api.url, "https://x.example");
        let t = Target::resolve(None, Some(3), Some("https://ghe.example/api/v3/"), &env).unwrap();
        assert_eq!(t.repo, "a/b");
        assert_eq!(t.api.url, "https://ghe.example/api/v3");
        let none = env_of(&[]);
        let t = Target::resolve(Some("a/b"), Some(1), None, &none).unwrap();
        assert_eq!(t.api.url, "https://api.github.com");
    }

    #[test]
    fn bad_repositories_and_missing_numbers_are_usage_errors() {
        let none = env_of(&[]);
        for repo in ["acme", "acme/infra/x", "acme/../x y", "/infra"] {
            let e = Target::resolve(Some(repo), Some(1), None, &none).unwrap_err();
            assert_eq!(e.exit_code(), 2, "{repo}");
        }
        let e = Target::resolve(Some("a/b"), None, None, &none).unwrap_err();
        assert!(e.to_string().contains("--pr"), "{e}");
    }

    #[test]
    fn the_pull_request_comes_from_the_event_file() {
        let dir = std::env::temp_dir().join(format!("plancost-gh-event-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let write = |name: &str, text: &str| {
            let p = dir.join(name);
            std::fs::write(&p, text).unwrap();
            p
        };
        let pr = write(
            "pr.json",
            r#"{"action":"opened","pull_request":{"number":42}}"#,
        );
        assert_eq!(number_from_event(&pr).unwrap(), Some(42));
        let comment = write(
            "comment.json",
            r#"{"issue":{"number":9,"pull_request":{"url":"x"}}}"#,
        );
        assert_eq!(number_from_event(&comment).unwrap(), Some(9));
        let issue = write("issue.json", r#"{"issue":{"number":9}}"#);
        assert_eq!(number_from_event(&issue).unwrap(), None);
        let push = write("push.json", r#"{"ref":"refs/heads/main"}"#);
        assert_eq!(number_from_event(&push).unwrap(), None);
        let broken = write("broken.json", r#"{"pull_request": "#);
        assert_eq!(number_from_event(&broken).unwrap_err().exit_code(), 2);
        let pr_path = pr.to_str().unwrap().to_string();
        let env = env_of(&[
            ("GITHUB_REPOSITORY", "acme/infra"),
            ("GITHUB_EVENT_PATH", &pr_path),
        ]);
        assert_eq!(
            Target::resolve(None, None, None, &env).unwrap().place(),
            "acme/infra#42"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
