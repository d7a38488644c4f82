//! GitLab: a merge request's notes through the REST API
//! (`/projects/{id}/merge_requests/{iid}/notes[/{note_id}]`), with the token in the
//! `PRIVATE-TOKEN` header. In GitLab CI the project, the merge request and the API come from
//! `CI_PROJECT_ID`, `CI_MERGE_REQUEST_IID` and `CI_API_V4_URL` (self-managed instances included).

use super::http::{ApiUrl, Client, Method, Response, RetryPolicy};
use super::rest::{Endpoints, RestThread};
use super::{CommentRun, Marker, Outcome};
use crate::error::{Error, Result};

pub const DEFAULT_API_URL: &str = "https://gitlab.com/api/v4";

/// The merge request to comment on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub api: ApiUrl,
    /// A numeric id or a `group/subgroup/project` path.
    pub project: String,
    /// The merge request's IID (its number within the project).
    pub iid: u64,
}

impl Target {
    /// From the flags, else from GitLab CI's predefined variables.
    pub fn resolve(
        project: Option<&str>,
        iid: Option<u64>,
        api_url: Option<&str>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Target> {
        let project = match project {
            Some(p) => p.to_string(),
            None => env("CI_PROJECT_ID").ok_or_else(|| {
                Error::Usage(
                    "no project: give --repo with the project's id or path (CI_PROJECT_ID is not set)"
                        .into(),
                )
            })?,
        };
        let valid = !project.is_empty()
            && project.len() <= 255
            && !project.starts_with('/')
            && !project.ends_with('/')
            && !project.contains("//")
            && project
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/'));
        if !valid {
            return Err(Error::Usage(format!(
                "the project {:?} is neither a project id nor a group/project path",
                super::http::truncate(&project, 100)
            )));
        }
        let iid = match iid {
            Some(n) => n,
            None => {
                let text = env("CI_MERGE_REQUEST_IID").ok_or_else(|| {
                    Error::Usage(
                        "no merge request: give --mr N (CI_MERGE_REQUEST_IID is not set; \
                         run the job in a merge request pipeline)"
                            .into(),
                    )
                })?;
                text.trim()
                    .parse()
                    .map_err(|_| Error::Usage("CI_MERGE_REQUEST_IID is not a number".into()))?
            }
        };
        if iid == 0 {
            return Err(Error::Usage(
                "--mr must be a merge request IID, not 0".into(),
            ));
        }
        let api_url = api_url
            .map(str::to_string)
            .or_else(|| env("CI_API_V4_URL"))
            .unwrap_or_else(|| DEFAULT_API_URL.to_string());
        Ok(Target {
            api: ApiUrl::parse(&api_url, "the GitLab API URL")?,
            project,
            iid,
        })
    }

    pub fn place(&self) -> String {
        format!("{}!{}", self.project, self.iid)
    }

    fn endpoints(&self) -> Endpoints {
        // A path goes in the URL as one segment: `group/project` → `group%2Fproject`.
        let id = self.project.replace('/', "%2F");
        let notes = format!(
            "{}/projects/{id}/merge_requests/{}/notes",
            self.api.url, self.iid
        );
        let item_base = notes.clone();
        Endpoints {
            platform: "GitLab",
            place: self.place(),
            list: format!("{notes}?sort=asc&order_by=created_at&per_page=100"),
            create: notes,
            item: Box::new(move |id| format!("{item_base}/{id}")),
            update_method: Method::Put,
            next_page: Some(next_page),
            token_hint: "check GITLAB_TOKEN or --token (a project, group or personal access \
                         token with the api scope; CI_JOB_TOKEN cannot write notes)",
            forbidden_hint: "the token needs the api scope and at least the Reporter role",
            not_found_hint: "check --repo (CI_PROJECT_ID) and --mr (CI_MERGE_REQUEST_IID), and \
                             that the token can see the project",
        }
    }
}

/// GitLab's `x-next-page` header (empty on the last page) as the next page's URL.
fn next_page(url: &str, response: &Response) -> Option<String> {
    let page: u64 = response.header("x-next-page")?.trim().parse().ok()?;
    let without_page: Vec<&str> = url
        .split_once('?')
        .map(|(_, q)| q)
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("page="))
        .collect();
    let base = url.split('?').next().unwrap_or(url);
    let mut query = without_page.join("&");
    if !query.is_empty() {
        query.push('&');
    }
    Some(format!("{base}?{query}page={page}"))
}

/// `plancost comment gitlab`: (outcome, place, notes); no outcome on a dry run.
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
    let token = super::token(run.token.as_deref(), env("GITLAB_TOKEN"), "GITLAB_TOKEN")?;
    let client = Client::new(
        target.api.clone(),
        "private-token",
        token.clone(),
        &token,
        vec![("accept".into(), "application/json".into())],
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

    #[test]
    fn ci_variables_name_the_merge_request() {
        let env = |k: &str| match k {
            "CI_PROJECT_ID" => Some("42".to_string()),
            "CI_MERGE_REQUEST_IID" => Some("7".to_string()),
            "CI_API_V4_URL" => Some("https://gitlab.example.com/api/v4".to_string()),
            _ => None,
        };
        let t = Target::resolve(None, None, None, &env).unwrap();
        assert_eq!(t.place(), "42!7");
        assert_eq!(
            t.endpoints().create,
            "https://gitlab.example.com/api/v4/projects/42/merge_requests/7/notes"
        );
        let t = Target::resolve(Some("group/sub/proj"), Some(3), None, &env).unwrap();
        assert_eq!(
            (t.endpoints().item)(5),
            "https://gitlab.example.com/api/v4/projects/group%2Fsub%2Fproj/merge_requests/3/notes/5"
        );
        let none = |_: &str| None;
        assert!(Target::resolve(Some("42"), None, None, &none).is_err());
        assert!(Target::resolve(Some("a b"), Some(1), None, &none).is_err());
        assert_eq!(
            Target::resolve(Some("42"), Some(1), None, &none)
                .unwrap()
                .api
                .url,
            DEFAULT_API_URL
        );
    }

    #[test]
    fn the_next_page_replaces_the_page_parameter() {
        let response = Response {
            status: 200,
            headers: vec![("x-next-page".into(), "3".into())],
            body: String::new(),
        };
        assert_eq!(
            next_page(
                "https://g/api/v4/projects/1/merge_requests/2/notes?per_page=100&page=2",
                &response
            )
            .as_deref(),
            Some("https://g/api/v4/projects/1/merge_requests/2/notes?per_page=100&page=3")
        );
        let last = Response {
            headers: vec![("x-next-page".into(), "".into())],
            ..response
        };
        assert_eq!(next_page("https://g/x?page=3", &last), None);
    }
}
