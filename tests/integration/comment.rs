//! `plancost comment github|gitlab` against a scripted local API: the exact requests of a
//! first run (create), a second run (update in place), an older report (nothing), delete-and-new,
//! pagination, retries, refusals, and a planted token that must never be printed.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::harness::{fixture, plancost, stderr, stdout};
use crate::mock_http::{Reply, Server};

const TOKEN: &str = "ghp_PLANTEDsecret0123456789abcdefXYZ";
/// 2026-11-27T09:30:00Z and 2026-11-27T10:00:00Z (1795771800 + 1800 s).
const OLDER: &str = "1795771800";
const NEWER: &str = "1795773600";
const OLDER_MARKER: &str = "<!-- plancost-comment generated_at=2026-11-27T09:30:00Z -->";
const NEWER_MARKER: &str = "<!-- plancost-comment generated_at=2026-11-27T10:00:00Z -->";

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("plancost-comment-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A diff report of a real plan (t3.large → t3.xlarge and a volume 100 → 200 GB: +$70.74),
/// generated at `epoch`.
fn report(dir: &Path, epoch: &str) -> PathBuf {
    let out = dir.join(format!("report-{epoch}.json"));
    let plan = fixture("tf/update-instance-type/plan.json");
    let result = plancost()
        .env("SOURCE_DATE_EPOCH", epoch)
        .args(["diff", "--format", "json", "--out"])
        .arg(&out)
        .arg(&plan)
        .output()
        .unwrap();
    assert!(result.status.success(), "{}", stderr(&result));
    out
}

/// `plancost comment ...` with no CI variables or proxies from the outside, and the planted
/// token in both token variables.
fn comment() -> Command {
    let mut cmd = plancost();
    for var in [
        "GITHUB_REPOSITORY",
        "GITHUB_EVENT_PATH",
        "GITHUB_API_URL",
        "GITHUB_STEP_SUMMARY",
        "CI_API_V4_URL",
        "CI_PROJECT_ID",
        "CI_MERGE_REQUEST_IID",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("GITHUB_TOKEN", TOKEN).env("GITLAB_TOKEN", TOKEN);
    cmd.arg("comment");
    cmd
}

fn run(mut cmd: Command) -> Output {
    let out = cmd.output().unwrap();
    assert_no_token(&out);
    out
}

fn assert_no_token(out: &Output) {
    for text in [stdout(out), stderr(out)] {
        assert!(!text.contains(TOKEN), "the token was printed: {text}");
        assert!(
            !text.contains("PLANTEDsecret"),
            "part of the token was printed: {text}"
        );
    }
}

fn github(server: &Server, report: &Path, extra: &[&str]) -> Output {
    let mut cmd = comment();
    cmd.args([
        "github",
        "--repo",
        "acme/infra",
        "--pr",
        "7",
        "--api-url",
        &server.url,
    ])
    .arg(report)
    .args(extra);
    run(cmd)
}

fn comments_json(comments: &[(u64, &str)]) -> String {
    let list: Vec<serde_json::Value> = comments
        .iter()
        .map(|(id, body)| serde_json::json!({"id": id, "body": body, "user": {"login": "x"}}))
        .collect();
    serde_json::Value::Array(list).to_string()
}

const LIST: &str = "GET /repos/acme/infra/issues/7/comments?per_page=100";
const CREATE: &str = "POST /repos/acme/infra/issues/7/comments";

#[test]
fn github_first_run_creates_and_a_newer_report_updates_in_place() {
    let dir = temp_dir("gh-update");
    let (older, newer) = (report(&dir, OLDER), report(&dir, NEWER));

    let server = Server::start(vec![
        Reply::json(200, "[]"),
        Reply::json(201, r#"{"id": 11, "body": "..."}"#),
    ]);
    let out = github(&server, &older, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(server.lines(), [LIST, CREATE]);
    let requests = server.requests();
    for r in &requests {
        assert_eq!(
            r.header("authorization"),
            Some(format!("Bearer {TOKEN}").as_str())
        );
        assert_eq!(r.header("accept"), Some("application/vnd.github+json"));
        assert_eq!(r.header("x-github-api-version"), Some("2022-11-28"));
        assert!(r.header("user-agent").unwrap().starts_with("plancost/"));
    }
    assert_eq!(requests[1].header("content-type"), Some("application/json"));
    let posted = requests[1].json()["body"].as_str().unwrap().to_string();
    assert!(posted.starts_with(&format!("{OLDER_MARKER}\n")), "{posted}");
    // 61.536 + 10 = 71.536 before; 122.272 + 20 = 142.272 after; +70.736, 98.9% of 71.536.
    assert!(
        posted.contains("Monthly cost up by $70.74 (+98.9%)"),
        "{posted}"
    );
    assert!(
        stderr(&out).contains("created comment 11 on acme/infra#7"),
        "{}",
        stderr(&out)
    );

    // The next run finds it among other comments and edits it.
    let server = Server::start(vec![
        Reply::json(200, comments_json(&[(3, "LGTM"), (11, &posted)])),
        Reply::json(200, r#"{"id": 11}"#),
    ]);
    let out = github(&server, &newer, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        server.lines(),
        [LIST, "PATCH /repos/acme/infra/issues/comments/11"]
    );
    let updated = server.requests()[1].json()["body"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        updated.starts_with(&format!("{NEWER_MARKER}\n")),
        "{updated}"
    );
    assert!(
        stderr(&out).contains("updated comment 11"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn github_an_older_report_leaves_a_newer_comment_alone() {
    let dir = temp_dir("gh-older");
    let older = report(&dir, OLDER);
    let newer_comment = format!("{NEWER_MARKER}\nthe newer figures");
    let server = Server::start(vec![Reply::json(
        200,
        comments_json(&[(11, &newer_comment)]),
    )]);
    let out = github(&server, &older, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(server.lines(), [LIST]);
    assert!(
        stderr(&out).contains("comment 11 on acme/infra#7 shows a newer report (generated 2026-11-27T10:00:00Z); left as it is"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn github_delete_and_new_deletes_then_creates() {
    let dir = temp_dir("gh-delete");
    let newer = report(&dir, NEWER);
    let old_a = format!("{OLDER_MARKER}\na");
    let old_b = format!("{OLDER_MARKER}\nb");
    let server = Server::start(vec![
        Reply::json(
            200,
            comments_json(&[(11, &old_a), (12, "a human comment"), (13, &old_b)]),
        ),
        Reply::json(204, ""),
        Reply::json(204, ""),
        Reply::json(201, r#"{"id": 14}"#),
    ]);
    let out = github(&server, &newer, &["--behavior", "delete-and-new"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        server.lines(),
        [
            LIST,
            "DELETE /repos/acme/infra/issues/comments/11",
            "DELETE /repos/acme/infra/issues/comments/13",
            CREATE,
        ]
    );
    assert!(
        stderr(&out).contains("deleted 2 earlier comment(s) and created comment 14"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn github_new_adds_a_comment_beside_the_earlier_one() {
    let dir = temp_dir("gh-new");
    let newer = report(&dir, NEWER);
    let old = format!("{OLDER_MARKER}\na");
    let server = Server::start(vec![
        Reply::json(200, comments_json(&[(11, &old)])),
        Reply::json(201, r#"{"id": 12}"#),
    ]);
    let out = github(&server, &newer, &["--behavior", "new"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(server.lines(), [LIST, CREATE]);
}

#[test]
fn github_reads_every_page_of_comments() {
    let dir = temp_dir("gh-pages");
    let newer = report(&dir, NEWER);
    let old = format!("{OLDER_MARKER}\non page two");
    let page_one: Vec<(u64, &str)> = (1..=100).map(|id| (id, "chatter")).collect();
    let server = Server::start(vec![
        Reply::json(200, comments_json(&page_one)).header(
            "link",
            "<{url}/repositories/99/issues/7/comments?per_page=100&page=2>; rel=\"next\", \
             <{url}/repositories/99/issues/7/comments?per_page=100&page=2>; rel=\"last\"",
        ),
        Reply::json(200, comments_json(&[(211, &old)])),
        Reply::json(200, r#"{"id": 211}"#),
    ]);
    let out = github(&server, &newer, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        server.lines(),
        [
            LIST,
            "GET /repositories/99/issues/7/comments?per_page=100&page=2",
            "PATCH /repos/acme/infra/issues/comments/211",
        ]
    );
}

#[test]
fn github_pagination_never_leads_the_token_to_another_host() {
    let dir = temp_dir("gh-elsewhere");
    let newer = report(&dir, NEWER);
    let server = Server::start(vec![
        Reply::json(200, "[]").header("link", "<http://127.0.0.2:9/steal?page=2>; rel=\"next\""),
    ]);
    let out = github(&server, &newer, &[]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert_eq!(server.lines(), [LIST]);
    assert!(stderr(&out).contains("refusing to send the token to http://127.0.0.2:9/steal"));
}

#[test]
fn github_server_errors_are_retried() {
    let dir = temp_dir("gh-retry");
    let older = report(&dir, OLDER);
    let server = Server::start(vec![
        Reply::json(502, r#"{"message": "Server Error"}"#),
        Reply::json(200, "[]"),
        Reply::json(201, r#"{"id": 5}"#),
    ]);
    let out = github(&server, &older, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(server.lines(), [LIST, LIST, CREATE]);
    assert!(
        stderr(&out).contains("answered 502; retrying"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn github_secondary_rate_limits_are_waited_out() {
    let dir = temp_dir("gh-ratelimit");
    let older = report(&dir, OLDER);
    let server = Server::start(vec![
        Reply::json(
            403,
            r#"{"message": "You have exceeded a secondary rate limit."}"#,
        )
        .header("retry-after", "1"),
        Reply::json(200, "[]"),
        Reply::json(201, r#"{"id": 5}"#),
    ]);
    let out = github(&server, &older, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(server.lines(), [LIST, LIST, CREATE]);
}

#[test]
fn github_persistent_server_errors_give_up_after_four_tries() {
    let dir = temp_dir("gh-giveup");
    let older = report(&dir, OLDER);
    // retry-after: 0 keeps the test fast; four tries, then the last answer is the error.
    let replies = (0..4)
        .map(|_| Reply::json(503, r#"{"message": "unavailable"}"#).header("retry-after", "0"))
        .collect();
    let server = Server::start(replies);
    let out = github(&server, &older, &[]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert_eq!(server.lines(), [LIST, LIST, LIST, LIST]);
    assert!(
        stderr(&out)
            .contains("GitHub answered 503: unavailable listing the comments of acme/infra#7"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn github_a_rejected_token_is_a_clear_error_without_the_token() {
    let dir = temp_dir("gh-401");
    let older = report(&dir, OLDER);
    let server = Server::start(vec![Reply::json(
        401,
        r#"{"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"}"#,
    )]);
    let out = github(&server, &older, &[]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    // Not retried: another try cannot fix a token.
    assert_eq!(server.lines(), [LIST]);
    assert_eq!(
        stderr(&out).trim(),
        "error: GitHub rejected the token (401: Bad credentials) listing the comments of \
         acme/infra#7: check GITHUB_TOKEN or --token"
    );
}

#[test]
fn the_token_is_redacted_even_when_the_server_echoes_it() {
    let dir = temp_dir("gh-echo");
    let older = report(&dir, OLDER);
    let server = Server::start(vec![Reply::json(
        403,
        format!(r#"{{"message": "token {TOKEN} may not write here"}}"#),
    )]);
    // The token from the flag this time (the environment's is removed).
    let mut cmd = comment();
    cmd.env_remove("GITHUB_TOKEN")
        .args([
            "github",
            "--repo",
            "acme/infra",
            "--pr",
            "7",
            "--api-url",
            &server.url,
        ])
        .args(["--token", TOKEN])
        .arg(&older);
    let out = run(cmd);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("refused access (403: token *** may not write here)"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
}

#[test]
fn github_actions_environment_names_the_pull_request_and_gets_the_job_summary() {
    let dir = temp_dir("gh-actions");
    let older = report(&dir, OLDER);
    let event = dir.join("event.json");
    std::fs::write(
        &event,
        r#"{"action": "synchronize", "number": 42, "pull_request": {"number": 42}}"#,
    )
    .unwrap();
    let summary = dir.join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let server = Server::start(vec![
        Reply::json(200, "[]"),
        Reply::json(201, r#"{"id": 1}"#),
    ]);
    let mut cmd = comment();
    cmd.env("GITHUB_REPOSITORY", "acme/infra")
        .env("GITHUB_EVENT_PATH", &event)
        .env("GITHUB_API_URL", &server.url)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .arg("github")
        .arg(&older);
    let out = run(cmd);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        server.lines(),
        [
            "GET /repos/acme/infra/issues/42/comments?per_page=100",
            "POST /repos/acme/infra/issues/42/comments"
        ]
    );
    let summary = std::fs::read_to_string(&summary).unwrap();
    assert!(summary.starts_with("earlier step\n### 💰 plancost: Monthly cost up by $70.74"));
    assert!(!summary.contains("plancost-comment"), "{summary}");
}

#[test]
fn a_dry_run_sends_nothing_and_needs_no_token() {
    let dir = temp_dir("gh-dry");
    let older = report(&dir, OLDER);
    let server = Server::start(Vec::new());
    let mut cmd = comment();
    cmd.env_remove("GITHUB_TOKEN")
        .args(["github", "--repo", "acme/infra", "--pr", "7", "--dry-run"])
        .args(["--api-url", &server.url, "--tag", "phase1"])
        .arg(&older);
    let out = run(cmd);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(server.requests().is_empty());
    assert!(stdout(&out).starts_with(
        "<!-- plancost-comment generated_at=2026-11-27T09:30:00Z tag=phase1 -->\n### 💰 plancost"
    ));
    assert!(stderr(&out).contains("dry run: the comment above was not posted on acme/infra#7"));
}

#[test]
fn a_missing_token_or_plain_http_elsewhere_is_an_invocation_error() {
    let dir = temp_dir("gh-usage");
    let older = report(&dir, OLDER);
    let server = Server::start(Vec::new());
    let mut cmd = comment();
    cmd.env_remove("GITHUB_TOKEN")
        .args([
            "github",
            "--repo",
            "acme/infra",
            "--pr",
            "7",
            "--api-url",
            &server.url,
        ])
        .arg(&older);
    let out = run(cmd);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no token: set GITHUB_TOKEN or give --token"));
    assert!(server.requests().is_empty());

    let mut cmd = comment();
    cmd.args(["github", "--repo", "acme/infra", "--pr", "7"])
        .args(["--api-url", "http://ghe.example.com/api/v3"])
        .arg(&older);
    let out = run(cmd);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("plain http"), "{}", stderr(&out));

    let out = github(&server, &older, &["--tag", "x --> <b>"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(server.requests().is_empty());
}

fn gitlab(server: &Server, report: &Path, extra: &[&str]) -> Output {
    let mut cmd = comment();
    cmd.env("CI_API_V4_URL", format!("{}/api/v4", server.url))
        .env("CI_PROJECT_ID", "42")
        .env("CI_MERGE_REQUEST_IID", "7")
        .arg("gitlab")
        .arg(report)
        .args(extra);
    run(cmd)
}

const NOTES: &str = "/api/v4/projects/42/merge_requests/7/notes";

fn notes_json(notes: &[(u64, &str, bool)]) -> String {
    let list: Vec<serde_json::Value> = notes
        .iter()
        .map(|(id, body, system)| serde_json::json!({"id": id, "body": body, "system": system}))
        .collect();
    serde_json::Value::Array(list).to_string()
}

#[test]
fn gitlab_creates_then_updates_its_note_across_pages() {
    let dir = temp_dir("gl-update");
    let (older, newer) = (report(&dir, OLDER), report(&dir, NEWER));
    let list = format!("GET {NOTES}?sort=asc&order_by=created_at&per_page=100");

    let server = Server::start(vec![
        Reply::json(200, "[]").header("x-next-page", ""),
        Reply::json(201, r#"{"id": 501}"#),
    ]);
    let out = gitlab(&server, &older, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(server.lines(), [list.clone(), format!("POST {NOTES}")]);
    let requests = server.requests();
    for r in &requests {
        assert_eq!(r.header("private-token"), Some(TOKEN));
        assert_eq!(r.header("authorization"), None);
    }
    let posted = requests[1].json()["body"].as_str().unwrap().to_string();
    assert!(posted.starts_with(&format!("{OLDER_MARKER}\n")), "{posted}");
    assert!(
        stderr(&out).contains("created comment 501 on 42!7"),
        "{}",
        stderr(&out)
    );

    // Page one holds a system note that quotes the marker; plancost's note is on page two.
    let system = format!("{OLDER_MARKER} quoted by a system note");
    let server = Server::start(vec![
        Reply::json(200, notes_json(&[(1, &system, true)])).header("x-next-page", "2"),
        Reply::json(200, notes_json(&[(501, &posted, false)])).header("x-next-page", ""),
        Reply::json(200, r#"{"id": 501}"#),
    ]);
    let out = gitlab(&server, &newer, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        server.lines(),
        [
            list.clone(),
            format!("GET {NOTES}?sort=asc&order_by=created_at&per_page=100&page=2"),
            format!("PUT {NOTES}/501"),
        ]
    );

    // The older report again: the newer note stays.
    let newer_note = server.requests()[2].json()["body"]
        .as_str()
        .unwrap()
        .to_string();
    let server = Server::start(vec![Reply::json(
        200,
        notes_json(&[(501, &newer_note, false)]),
    )]);
    let out = gitlab(&server, &older, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(server.lines(), [list]);
    assert!(
        stderr(&out).contains("shows a newer report"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn gitlab_delete_and_new_and_a_rejected_token() {
    let dir = temp_dir("gl-delete");
    let newer = report(&dir, NEWER);
    let old = format!("{OLDER_MARKER}\nold");
    let server = Server::start(vec![
        Reply::json(
            200,
            notes_json(&[(500, &old, false), (502, "human", false)]),
        ),
        Reply::json(204, ""),
        Reply::json(201, r#"{"id": 503}"#),
    ]);
    let out = gitlab(&server, &newer, &["--behavior", "delete-and-new"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        server.lines(),
        [
            format!("GET {NOTES}?sort=asc&order_by=created_at&per_page=100"),
            format!("DELETE {NOTES}/500"),
            format!("POST {NOTES}"),
        ]
    );

    let server = Server::start(vec![Reply::json(401, r#"{"message": "401 Unauthorized"}"#)]);
    let out = gitlab(&server, &newer, &[]);
    assert_eq!(out.status.code(), Some(4));
    assert!(
        stderr(&out).contains("GitLab rejected the token (401: 401 Unauthorized)")
            && stderr(&out).contains("GITLAB_TOKEN"),
        "{}",
        stderr(&out)
    );
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn markdown_is_a_format_of_breakdown_and_diff() {
    let plan = fixture("tf/update-instance-type/plan.json");
    let out = plancost()
        .args(["diff", "--format", "markdown"])
        .arg(&plan)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let md = stdout(&out);
    // Before 61.536 + 10 = 71.536, after 122.272 + 20 = 142.272: +70.736, 98.88% → 98.9%.
    assert!(
        md.starts_with("### 💰 plancost: Monthly cost up by $70.74 (+98.9%)\n"),
        "{md}"
    );
    assert!(md.contains("**$71.54 → $142.27** per month"), "{md}");
    // t3.large 730 h × $0.0832 = $60.736 goes, t3.xlarge 730 h × $0.1664 = $121.472 comes.
    assert!(
        md.contains(
            "| ↳ Instance usage \\(Linux/UNIX, on\\-demand, t3\\.large\\) | $60.74 | — | -$60.74 |"
        ),
        "{md}"
    );
    let out = plancost()
        .args(["breakdown", "--format", "markdown"])
        .arg(&plan)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("<details><summary>"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_crafted_resource_name_in_a_report_renders_as_text() {
    let dir = temp_dir("hostile");
    let path = report(&dir, OLDER);
    let mut value: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let hostile =
        "aws_instance.x[\"</details><img src=x onerror=alert(1)> [a](javascript:b) | @octocat\"]";
    value["projects"][0]["resources"][0]["address"] = hostile.into();
    value["projects"][0]["name"] = "</summary><script>x</script>".into();
    std::fs::write(&path, value.to_string()).unwrap();
    let server = Server::start(Vec::new());
    let mut cmd = comment();
    cmd.args(["github", "--repo", "acme/infra", "--pr", "7", "--dry-run"])
        .args(["--api-url", &server.url])
        .arg(&path);
    let out = run(cmd);
    assert!(out.status.success(), "{}", stderr(&out));
    let md = stdout(&out);
    assert_eq!(md.matches("<details>").count(), 1, "{md}");
    assert_eq!(md.matches("</details>").count(), 1, "{md}");
    assert_eq!(md.matches("</summary>").count(), 1, "{md}");
    for bad in ["<img", "<script", "](javascript", "@octocat"] {
        assert!(!md.contains(bad), "{bad} in {md}");
    }
    assert!(
        md.contains("&lt;img src\\=x onerror\\=alert\\(1\\)&gt;"),
        "{md}"
    );
}

/// The CI client on its own, with waits short enough for a test.
fn client(url: &str) -> plancost::ci::http::Client {
    use plancost::ci::http::{ApiUrl, Client, RetryPolicy};
    Client::new(
        ApiUrl::parse(url, "--api-url").unwrap(),
        "authorization",
        "Bearer ghp_PlancostClientTestToken000000000000".into(),
        "ghp_PlancostClientTestToken000000000000",
        Vec::new(),
        RetryPolicy {
            attempts: 3,
            first_delay: std::time::Duration::from_millis(10),
            max_wait: std::time::Duration::from_secs(1),
        },
    )
}

#[test]
fn client_connection_refused_is_retried_then_a_clear_error() {
    use plancost::ci::http::Method;
    // Nothing listens on the discard port of this machine.
    let c = client("http://127.0.0.1:9");
    let err = c
        .send(Method::Get, "http://127.0.0.1:9/repos/a/b", None)
        .unwrap_err();
    let message = err.to_string();
    assert_eq!(err.exit_code(), 4);
    assert!(
        message.contains("GET http://127.0.0.1:9/repos/a/b failed"),
        "{message}"
    );
    assert!(!message.contains("ghp_"), "{message}");
    let notes = c.take_notes();
    assert_eq!(notes.len(), 2, "{notes:?}");
}

#[test]
fn client_redirects_are_never_followed() {
    use plancost::ci::http::Method;
    let server = Server::start(vec![
        Reply::json(301, "").header("location", "https://attacker.example/steal"),
        Reply::json(302, "").header("location", "{url}/elsewhere"),
    ]);
    let c = client(&server.url);
    for _ in 0..2 {
        let response = c
            .send(Method::Get, &format!("{}/repos/a/b", server.url), None)
            .unwrap();
        assert!(matches!(response.status, 301 | 302));
    }
    // Two requests, both to the path asked for: neither Location was visited.
    assert_eq!(server.lines(), ["GET /repos/a/b", "GET /repos/a/b"]);
}

#[test]
fn client_bodies_are_capped_and_a_cut_body_is_retried_then_an_error() {
    use plancost::ci::http::{MAX_RESPONSE_BYTES, Method};
    let huge = "x".repeat(MAX_RESPONSE_BYTES as usize + 1);
    let server = Server::start(vec![Reply::json(200, huge)]);
    let c = client(&server.url);
    let err = c
        .send(Method::Get, &format!("{}/big", server.url), None)
        .unwrap_err();
    assert!(!err.to_string().contains("ghp_"), "{err}");
    assert_eq!(
        server.requests().len(),
        1,
        "a body over the cap is not fetched again"
    );

    // A body shorter than its declared length: dropped connections are retried, in bounds.
    let cut = || Reply::json(200, r#"{"id":1}"#).header("content-length", "5000");
    let server = Server::start(vec![cut(), cut(), cut(), cut()]);
    let c = client(&server.url);
    let err = c
        .send(Method::Get, &format!("{}/cut", server.url), None)
        .unwrap_err();
    assert_eq!(err.exit_code(), 4);
    assert_eq!(server.requests().len(), 3, "three attempts, no more");
}

#[test]
fn client_retry_after_beyond_the_limit_is_not_waited_for() {
    use plancost::ci::http::Method;
    let server = Server::start(vec![
        Reply::json(429, r#"{"message":"slow down"}"#).header("retry-after", "3600"),
    ]);
    let c = client(&server.url);
    let response = c
        .send(Method::Get, &format!("{}/x", server.url), None)
        .unwrap();
    assert_eq!(response.status, 429);
    assert_eq!(server.requests().len(), 1);
    let notes = c.take_notes();
    assert!(notes[0].contains("longer than plancost waits"), "{notes:?}");
}
