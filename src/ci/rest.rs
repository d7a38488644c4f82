//! The comments of a pull request over a REST API: what GitHub's issue comments and GitLab's
//! merge-request notes have in common (list with pagination, create, update, delete, and error
//! messages that say what to fix). [`super::github`] and [`super::gitlab`] fill in the URLs.

use serde::Deserialize;

use super::http::{Client, Method, Response, api_message, next_link};
use super::{ExistingComment, Thread};
use crate::error::Result;

/// A pull request with more pages of comments than this is refused rather than read forever.
const MAX_PAGES: usize = 100;

/// What tells one platform's API from another.
pub(crate) struct Endpoints {
    /// `GitHub`, `GitLab`.
    pub platform: &'static str,
    /// `acme/infra#7`: named in messages.
    pub place: String,
    /// The first page of the list of comments.
    pub list: String,
    /// Where new comments are posted.
    pub create: String,
    /// The URL of the comment with this id (update and delete).
    pub item: Box<dyn Fn(u64) -> String>,
    pub update_method: Method,
    /// Builds the next page's URL from a response without a `Link` header (GitLab's
    /// `x-next-page`).
    pub next_page: Option<fn(&str, &Response) -> Option<String>>,
    /// What to check when the token is refused (401).
    pub token_hint: &'static str,
    /// What to check when access is denied (403).
    pub forbidden_hint: &'static str,
    /// What to check when the pull request is not found (404).
    pub not_found_hint: &'static str,
}

pub(crate) struct RestThread<'a> {
    pub client: &'a Client,
    pub endpoints: Endpoints,
}

#[derive(Deserialize)]
struct Comment {
    id: u64,
    #[serde(default)]
    body: Option<String>,
    /// GitLab's notes the system writes (pushes, approvals).
    #[serde(default)]
    system: bool,
}

#[derive(Deserialize)]
struct Created {
    id: u64,
}

fn json_body(body: &str) -> String {
    serde_json::json!({ "body": body }).to_string()
}

impl RestThread<'_> {
    /// Ok for a 2xx answer; otherwise an error that says what to fix (never the token).
    fn check(&self, response: &Response, doing: &str) -> Result<()> {
        if response.is_success() {
            return Ok(());
        }
        let e = &self.endpoints;
        let platform = e.platform;
        let message = api_message(&response.body);
        let detail = if message.is_empty() {
            String::new()
        } else {
            format!(": {message}")
        };
        let status = response.status;
        let text = match status {
            300..=399 => format!(
                "{platform} answered {doing} with a redirect ({status}) to {}: the repository \
                 may have moved, or --api-url is not the API's address",
                response.header("location").unwrap_or("?")
            ),
            401 => format!(
                "{platform} rejected the token ({status}{detail}) {doing}: {}",
                e.token_hint
            ),
            403 => format!(
                "{platform} refused access ({status}{detail}) {doing}: {}",
                e.forbidden_hint
            ),
            404 => format!(
                "{platform} found nothing ({status}{detail}) {doing}: {}",
                e.not_found_hint
            ),
            _ => format!("{platform} answered {status}{detail} {doing}"),
        };
        Err(self.client.error(&text))
    }

    fn parse<T: for<'de> Deserialize<'de>>(&self, response: &Response, what: &str) -> Result<T> {
        serde_json::from_str(&response.body).map_err(|_| {
            self.client.error(&format!(
                "{}'s answer with {what} is not the JSON plancost expects",
                self.endpoints.platform
            ))
        })
    }
}

impl Thread for RestThread<'_> {
    fn list(&mut self) -> Result<Vec<ExistingComment>> {
        let doing = format!("listing the comments of {}", self.endpoints.place);
        let mut url = self.endpoints.list.clone();
        let mut all = Vec::new();
        for _ in 0..MAX_PAGES {
            let response = self.client.send(Method::Get, &url, None)?;
            self.check(&response, &doing)?;
            let page: Vec<Comment> = self.parse(&response, "the comments")?;
            all.extend(
                page.into_iter()
                    .filter(|c| !c.system)
                    .map(|c| ExistingComment {
                        id: c.id,
                        body: c.body.unwrap_or_default(),
                    }),
            );
            let next = next_link(response.header("link"))
                .or_else(|| self.endpoints.next_page.and_then(|f| f(&url, &response)));
            match next {
                Some(next) => url = next,
                None => return Ok(all),
            }
        }
        Err(self.client.error(&format!(
            "{} has more than {MAX_PAGES} pages of comments; plancost stops reading there",
            self.endpoints.place
        )))
    }

    fn create(&mut self, body: &str) -> Result<u64> {
        let doing = format!("creating a comment on {}", self.endpoints.place);
        let response =
            self.client
                .send(Method::Post, &self.endpoints.create, Some(&json_body(body)))?;
        self.check(&response, &doing)?;
        Ok(self.parse::<Created>(&response, "the new comment")?.id)
    }

    fn update(&mut self, id: u64, body: &str) -> Result<()> {
        let doing = format!("updating comment {id} on {}", self.endpoints.place);
        let url = (self.endpoints.item)(id);
        let response =
            self.client
                .send(self.endpoints.update_method, &url, Some(&json_body(body)))?;
        self.check(&response, &doing)
    }

    fn delete(&mut self, id: u64) -> Result<()> {
        let doing = format!("deleting comment {id} on {}", self.endpoints.place);
        let url = (self.endpoints.item)(id);
        let response = self.client.send(Method::Delete, &url, None)?;
        // Gone already (another run deleted it): what was wanted.
        if response.status == 404 {
            return Ok(());
        }
        self.check(&response, &doing)
    }
}
