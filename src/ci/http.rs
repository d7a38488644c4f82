//! The HTTP of the CI integrations: one client per run, which sends the token in one header,
//! retries what is worth retrying (5xx, rate limits, dropped connections) a bounded number of
//! times, bounds every wait, the time of a request and the size of a response, never follows a
//! redirect or a link to another host with the token, and keeps the token out of every message.

use std::cell::RefCell;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ureq::http;

use crate::error::Error;

/// The largest response body read (a page of 100 comments of 65,536 characters is 6.5 MB).
pub const MAX_RESPONSE_BYTES: u64 = 16 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Patch,
    Put,
    Delete,
}

impl Method {
    fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }
}

/// How often and how long to retry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries of one request, the first included.
    pub attempts: u32,
    /// The wait after the first failure when the server does not say; doubled each time.
    pub first_delay: Duration,
    /// The longest wait plancost accepts; a server asking for more ends the run with its answer.
    pub max_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 4,
            first_delay: Duration::from_secs(1),
            max_wait: Duration::from_secs(60),
        }
    }
}

/// The base URL of an API, validated: `https://` (or `http://` to this machine only, so a token
/// never crosses a network in clear text), no credentials, query or fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiUrl {
    /// Without a trailing slash.
    pub url: String,
    /// `scheme://host[:port]`.
    pub origin: String,
}

impl ApiUrl {
    pub fn parse(text: &str, what: &str) -> Result<ApiUrl, Error> {
        let bad = |why: &str| Error::Usage(format!("{what} {text:?} {why}"));
        if text.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(Error::Usage(format!(
                "{what} contains spaces or control characters"
            )));
        }
        let (scheme, rest) = text
            .split_once("://")
            .ok_or_else(|| bad("is not an http(s) URL"))?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "https" && scheme != "http" {
            return Err(bad("is not an http(s) URL"));
        }
        let authority = rest.split('/').next().unwrap_or_default();
        if authority.is_empty() {
            return Err(bad("has no host"));
        }
        if authority.contains('@') {
            return Err(bad(
                "carries credentials; give the token with --token or the environment",
            ));
        }
        if rest.contains(['?', '#']) {
            return Err(bad("must not have a query or fragment"));
        }
        if scheme == "http" && !is_loopback(authority) {
            return Err(bad(
                "uses plain http: the token would cross the network unencrypted; use https",
            ));
        }
        Ok(ApiUrl {
            url: format!("{scheme}://{}", rest.trim_end_matches('/')),
            origin: format!("{scheme}://{authority}"),
        })
    }
}

fn is_loopback(authority: &str) -> bool {
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    };
    host.eq_ignore_ascii_case("localhost") || host.starts_with("127.") || host == "::1"
}

/// A response, read whole.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    /// Names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// The client of one platform's API for one run.
pub struct Client {
    agent: ureq::Agent,
    api: ApiUrl,
    /// Header name and value that carry the token (`authorization: Bearer …`, `private-token: …`).
    auth: (String, String),
    headers: Vec<(String, String)>,
    secret: String,
    retry: RetryPolicy,
    notes: RefCell<Vec<String>>,
}

impl Client {
    /// `auth_value` carries `token`, which is redacted from every message the client makes.
    pub fn new(
        api: ApiUrl,
        auth_name: &str,
        auth_value: String,
        token: &str,
        headers: Vec<(String, String)>,
        retry: RetryPolicy,
    ) -> Client {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            // A redirect is answered as an error: following one could carry the token elsewhere.
            .max_redirects(0)
            .max_redirects_will_error(false)
            .timeout_connect(Some(Duration::from_secs(15)))
            .timeout_global(Some(Duration::from_secs(60)))
            .user_agent(format!("plancost/{}", env!("CARGO_PKG_VERSION")))
            .build();
        Client {
            agent: ureq::Agent::new_with_config(config),
            api,
            auth: (auth_name.to_string(), auth_value),
            headers,
            secret: token.to_string(),
            retry,
            notes: RefCell::new(Vec::new()),
        }
    }

    pub fn api(&self) -> &ApiUrl {
        &self.api
    }

    /// What happened on the way (retries), for the binary to print; token-free.
    pub fn take_notes(&self) -> Vec<String> {
        std::mem::take(&mut self.notes.borrow_mut())
    }

    fn note(&self, text: String) {
        self.notes.borrow_mut().push(self.redact(&text));
    }

    /// Removes the token from a message, and control characters a server may have put in it.
    pub fn redact(&self, text: &str) -> String {
        redact(text, &self.secret)
    }

    /// An API error, token-free.
    pub fn error(&self, message: &str) -> Error {
        Error::Api(self.redact(message))
    }

    /// Sends a request to `url` (which must be on the API's origin), retrying 5xx answers, rate
    /// limits and dropped connections, and returns the last answer whatever its status.
    pub fn send(&self, method: Method, url: &str, body: Option<&str>) -> Result<Response, Error> {
        if !url.starts_with(&format!("{}/", self.api.origin)) {
            return Err(self.error(&format!(
                "refusing to send the token to {}, which is not on {}",
                truncate(url, 200),
                self.api.origin
            )));
        }
        let path = url.strip_prefix(&self.api.origin).unwrap_or(url);
        let mut attempt = 1;
        loop {
            let result = self.once(method, url, body);
            let retry_in = match &result {
                Ok(response) => self.retry_wait(response, attempt),
                Err(e) if transient(e) => Some(self.backoff(attempt)),
                Err(_) => None,
            };
            let last = attempt >= self.retry.attempts;
            match (result, retry_in) {
                (Ok(response), Some(wait)) if !last && wait <= self.retry.max_wait => {
                    self.note(format!(
                        "{} {path} answered {}; retrying in {} s (attempt {} of {})",
                        method.as_str(),
                        response.status,
                        wait.as_secs_f32(),
                        attempt + 1,
                        self.retry.attempts
                    ));
                    std::thread::sleep(wait);
                }
                (Ok(response), Some(wait)) if !last => {
                    self.note(format!(
                        "{} {path} answered {} and asks to wait {} s, longer than plancost waits ({} s)",
                        method.as_str(),
                        response.status,
                        wait.as_secs(),
                        self.retry.max_wait.as_secs()
                    ));
                    return Ok(response);
                }
                (Ok(response), _) => return Ok(response),
                (Err(e), Some(wait)) if !last => {
                    self.note(format!(
                        "{} {path} failed ({e}); retrying in {} s (attempt {} of {})",
                        method.as_str(),
                        wait.as_secs_f32(),
                        attempt + 1,
                        self.retry.attempts
                    ));
                    std::thread::sleep(wait);
                }
                (Err(e), _) => {
                    return Err(self.error(&format!(
                        "{} {}{path} failed: {e}",
                        method.as_str(),
                        self.api.origin
                    )));
                }
            }
            attempt += 1;
        }
    }

    fn once(&self, method: Method, url: &str, body: Option<&str>) -> Result<Response, ureq::Error> {
        let mut builder = http::Request::builder()
            .method(method.as_str())
            .uri(url)
            .header(self.auth.0.as_str(), self.auth.1.as_str());
        for (name, value) in &self.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let response = match body {
            Some(body) => self.agent.run(
                builder
                    .header("content-type", "application/json")
                    .body(body.to_string())?,
            )?,
            None => self.agent.run(builder.body(())?)?,
        };
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let mut response = response;
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_RESPONSE_BYTES)
            .lossy_utf8(true)
            .read_to_string()?;
        Ok(Response {
            status,
            headers,
            body,
        })
    }

    fn backoff(&self, attempt: u32) -> Duration {
        self.retry
            .first_delay
            .saturating_mul(1 << (attempt - 1).min(10))
    }

    /// How long to wait before trying again after `response`, or `None` when it is final.
    ///
    /// GitHub's secondary rate limits answer 403 (or 429) with `retry-after`, or with
    /// `x-ratelimit-remaining: 0` and the reset time in `x-ratelimit-reset`; a 403 without
    /// those is a permission error and final. GitLab answers 429 with `retry-after`.
    fn retry_wait(&self, response: &Response, attempt: u32) -> Option<Duration> {
        let retry_after = response
            .header("retry-after")
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let exhausted = response.header("x-ratelimit-remaining").map(str::trim) == Some("0");
        let until_reset = || {
            let reset = response
                .header("x-ratelimit-reset")?
                .trim()
                .parse::<u64>()
                .ok()?;
            let now = SystemTime::now().duration_since(UNIX_EPOCH).ok()?.as_secs();
            Some(Duration::from_secs(reset.saturating_sub(now) + 1))
        };
        match response.status {
            500 | 502 | 503 | 504 => Some(retry_after.unwrap_or_else(|| self.backoff(attempt))),
            403 | 429 if retry_after.is_some() => retry_after,
            403 | 429 if exhausted => Some(until_reset().unwrap_or_else(|| self.backoff(attempt))),
            429 => Some(self.backoff(attempt)),
            _ => None,
        }
    }
}

/// Connection-level failures worth another try; a bad URL or an unknown host is not one.
fn transient(e: &ureq::Error) -> bool {
    matches!(
        e,
        ureq::Error::Io(_)
            | ureq::Error::Timeout(_)
            | ureq::Error::ConnectionFailed
            | ureq::Error::Protocol(_)
    )
}

/// `text` without `secret` (replaced by `***`) and with control characters turned to spaces.
pub fn redact(text: &str, secret: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if secret.is_empty() {
        cleaned
    } else {
        cleaned.replace(secret, "***")
    }
}

pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut short: String = text.chars().take(max).collect();
        short.push('…');
        short
    }
}

/// The explanation in an API's error body (`{"message": ...}`, GitLab's `{"error": ...}`),
/// shortened; the body's start when it is not JSON. The caller redacts it.
pub fn api_message(body: &str) -> String {
    let text = match serde_json::from_str::<serde_json::Value>(body) {
        Ok(value) => match value.get("message").or_else(|| value.get("error")) {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => String::new(),
        },
        Err(_) => body.trim().to_string(),
    };
    truncate(&text, 200)
}

/// The `rel="next"` URL of an RFC 8288 `Link` header, as GitHub and GitLab paginate.
pub fn next_link(header: Option<&str>) -> Option<String> {
    header?.split(',').find_map(|part| {
        let part = part.trim();
        let (url, params) = part.strip_prefix('<')?.split_once('>')?;
        params
            .split(';')
            .any(|p| matches!(p.trim(), "rel=\"next\"" | "rel=next"))
            .then(|| url.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_links_are_read_from_link_headers() {
        let header = "<https://api.github.com/repositories/1/issues/7/comments?per_page=100&page=2>; rel=\"next\", \
                      <https://api.github.com/repositories/1/issues/7/comments?per_page=100&page=5>; rel=\"last\"";
        assert_eq!(
            next_link(Some(header)).as_deref(),
            Some("https://api.github.com/repositories/1/issues/7/comments?per_page=100&page=2")
        );
        assert_eq!(next_link(Some("<https://x/?page=1>; rel=\"prev\"")), None);
        assert_eq!(next_link(None), None);
    }

    #[test]
    fn api_urls_must_be_https_except_to_this_machine() {
        let ok = ApiUrl::parse("https://ghe.example.com/api/v3/", "--api-url").unwrap();
        assert_eq!(ok.url, "https://ghe.example.com/api/v3");
        assert_eq!(ok.origin, "https://ghe.example.com");
        let local = ApiUrl::parse("http://127.0.0.1:8080", "--api-url").unwrap();
        assert_eq!(local.origin, "http://127.0.0.1:8080");
        assert!(ApiUrl::parse("http://[::1]:9/api", "x").is_ok());
        for bad in [
            "http://ghe.example.com/api/v3",
            "ftp://x",
            "https://user:pass@ghe.example.com",
            "https://x.example/api?token=1",
            "https:///path",
            "api.github.com",
            "https://x.example/\napi",
        ] {
            assert!(ApiUrl::parse(bad, "--api-url").is_err(), "{bad}");
        }
    }

    #[test]
    fn redaction_removes_the_token_and_control_characters() {
        assert_eq!(
            redact("bad token ghp_secret\r\nX-Injected: 1", "ghp_secret"),
            "bad token ***  X-Injected: 1"
        );
    }

    #[test]
    fn api_messages_come_from_json_or_the_body() {
        assert_eq!(
            api_message(r#"{"message":"Bad credentials","documentation_url":"x"}"#),
            "Bad credentials"
        );
        assert_eq!(
            api_message(r#"{"message":{"note":["is too long"]}}"#),
            r#"{"note":["is too long"]}"#
        );
        assert_eq!(api_message("<html>502</html>"), "<html>502</html>");
        assert_eq!(api_message(&"x".repeat(500)).chars().count(), 201);
    }
}
