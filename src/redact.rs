//! The last line of defence against leaking a secret: every text plancost writes (reports in
//! every format, the PR/MR comment, error messages, warnings, notes) passes through
//! [`Redactor::scrub`] on its way out.
//!
//! The first lines of defence are elsewhere and stay the primary ones: the plan loader drops
//! values Terraform marks sensitive and never reads provider configuration; HCL mode carries
//! sensitivity through evaluation; error messages do not quote input values; the CI client keeps
//! its token out of its messages. This module catches what those cannot know about: a value
//! that *looks* like a credential in a place plancost prints (a resource address whose
//! `for_each` key came from a variable, a tag echoed in a note, a line of HCL quoted by a syntax
//! error), and the exact values of the credentials in plancost's own environment.
//!
//! What counts as a credential here:
//! - AWS access key IDs (`AKIA…`, `ASIA…` and the other documented prefixes, 16+ more
//!   upper-case letters and digits);
//! - AWS secret access keys: a run of exactly 40 base64 characters (`A-Za-z0-9/+`) holding both
//!   cases and as varied as random text is (at least 4.1 bits of Shannon entropy per
//!   character: 40 random base64 characters score about 4.8, a path or a hex digest under 4);
//! - GitHub (`ghp_…`, `gho_…`, `ghs_…`, `ghu_…`, `ghr_…`, `github_pat_…`) and GitLab (`glpat-…`)
//!   tokens;
//! - the values of `GITHUB_TOKEN`, `GITLAB_TOKEN`, `CI_JOB_TOKEN`, `AWS_SECRET_ACCESS_KEY`,
//!   `AWS_SESSION_TOKEN` (and any token given on the command line) when set.
//!
//! Each is replaced by [`REDACTED`], which contains no character that could change the
//! structure of JSON, Markdown or HTML around it.

use std::borrow::Cow;
use std::io::{self, Write};
use std::sync::LazyLock;

use regex::Regex;

pub const REDACTED: &str = "[redacted]";

/// Environment variables whose values are credentials plancost may hold.
pub const SECRET_ENV: &[&str] = &[
    "GITHUB_TOKEN",
    "GH_TOKEN",
    "GITLAB_TOKEN",
    "CI_JOB_TOKEN",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
];

// Word boundaries are ASCII ones (`(?-u:\b)`): every credential is ASCII, and Unicode word
// boundaries would keep the regex engine off its fast DFA for text with any non-ASCII character
// in it (a report's `×` and `→`), making a large report's scrub take seconds.
static PATTERNS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        // No leading word boundary: a key glued to other text (`xAKIA…`) is still a key.
        r"(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA|ASCA)[A-Z0-9]{16,}(?-u:\b)",
        r"|(?-u:\b)gh[pousr]_[A-Za-z0-9]{30,}(?-u:\b)",
        r"|(?-u:\b)github_pat_[A-Za-z0-9_]{20,}(?-u:\b)",
        r"|(?-u:\b)glpat-[A-Za-z0-9_\-]{20,}",
    ))
    .expect("the credential patterns are valid")
});

/// The shortest run [`base64_runs`] finds.
const MIN_RUN: usize = 40;

/// The runs of 40 or more base64 characters (`A-Za-z0-9/+`) in `text`. A plain loop over the
/// bytes (every byte of every output passes here, and a regex without a literal to look for
/// runs its slowest engine over all of them) that looks at one byte in 40 where it can: a run
/// of 40 starting at or after `i` must hold the byte at `i + 39`, so where that byte is not
/// base64 the next 40 positions need no look.
fn base64_runs(text: &str) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let bytes = text.as_bytes();
    let is_base64 = |b: u8| b.is_ascii_alphanumeric() || b == b'/' || b == b'+';
    // No run of 40 starts before `i`, or one that did has been returned.
    let mut i = 0;
    std::iter::from_fn(move || {
        while i + MIN_RUN <= bytes.len() {
            let probe = i + MIN_RUN - 1;
            if !is_base64(bytes[probe]) {
                i = probe + 1;
                continue;
            }
            // The run holding `probe`, from no earlier than `i`.
            let mut start = probe;
            while start > i && is_base64(bytes[start - 1]) {
                start -= 1;
            }
            let mut end = probe + 1;
            while end < bytes.len() && is_base64(bytes[end]) {
                end += 1;
            }
            i = end;
            if end - start >= MIN_RUN {
                return Some(start..end);
            }
        }
        None
    })
}

/// Scrubs credentials out of text; built once per run with the environment's secrets.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    /// Exact values to remove (longest first, so one that contains another goes whole).
    exact: Vec<String>,
}

impl Redactor {
    /// A redactor that knows the values of [`SECRET_ENV`] as `env` returns them.
    pub fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Redactor {
        let mut r = Redactor::default();
        for name in SECRET_ENV {
            if let Some(v) = env(name) {
                r.add(&v);
            }
        }
        r
    }

    /// Also removes `secret` (ignored when shorter than 8 characters: a short value would
    /// blank out ordinary words).
    pub fn add(&mut self, secret: &str) {
        let secret = secret.trim();
        if secret.chars().count() >= 8 && !self.exact.iter().any(|s| s == secret) {
            self.exact.push(secret.to_string());
            self.exact.sort_by_key(|s| std::cmp::Reverse(s.len()));
        }
    }

    /// `text` with every credential replaced by [`REDACTED`].
    pub fn scrub<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let mut out = Cow::Borrowed(text);
        for secret in &self.exact {
            if out.contains(secret.as_str()) {
                out = Cow::Owned(out.replace(secret.as_str(), REDACTED));
            }
        }
        if PATTERNS.is_match(&out) {
            out = Cow::Owned(PATTERNS.replace_all(&out, REDACTED).into_owned());
        }
        let keys: Vec<std::ops::Range<usize>> = base64_runs(&out)
            .filter(|run| looks_like_secret_key(&out[run.clone()]))
            .collect();
        if !keys.is_empty() {
            let mut scrubbed = String::with_capacity(out.len());
            let mut at = 0;
            for key in keys {
                scrubbed.push_str(&out[at..key.start]);
                scrubbed.push_str(REDACTED);
                at = key.end;
            }
            scrubbed.push_str(&out[at..]);
            out = Cow::Owned(scrubbed);
        }
        out
    }
}

/// Writes what `produce` writes to `inner`, scrubbed as it streams: for outputs too large to hold
/// whole (the JSON report of a plan of 100,000 resources is tens of MB). Text is cut into chunks
/// after a line break, or failing that after the end of a JSON string (no credential spans
/// either), and the chunks are scrubbed and written on a second thread while `produce` goes on.
pub fn write_scrubbed<W: Write + Send>(
    redactor: &Redactor,
    inner: W,
    produce: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    std::thread::scope(|scope| {
        // Two chunks in flight at most: memory stays a few chunks whatever the output's size.
        let (to_writer, chunks) = std::sync::mpsc::sync_channel::<Vec<u8>>(2);
        // Written chunks come back to be filled again: a fresh buffer per chunk is fresh memory
        // for the system to hand over (and zero) every time.
        let (to_chunker, spares) = std::sync::mpsc::channel::<Vec<u8>>();
        let writer = scope.spawn(move || {
            let mut inner = inner;
            for mut chunk in chunks {
                // What plancost writes is UTF-8 and chunks end on ASCII: the lossy reading
                // (which copies) is for the exception.
                let text = match std::str::from_utf8(&chunk) {
                    Ok(text) => Cow::Borrowed(text),
                    Err(_) => String::from_utf8_lossy(&chunk),
                };
                inner.write_all(redactor.scrub(&text).as_bytes())?;
                chunk.clear();
                let _ = to_chunker.send(chunk);
            }
            inner.flush()
        });
        // The sender moves into the chunker: dropping it ends the writer's loop.
        let mut chunker = Chunker {
            pending: Vec::with_capacity(CHUNK_CAPACITY),
            next_look: SCRUB_CHUNK,
            to_writer,
            spares,
        };
        let produced = produce(&mut chunker).and_then(|()| chunker.flush());
        drop(chunker);
        let written = writer
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("writing the output failed")));
        // The writer's own error (a full disk) explains why producing stopped.
        written.and(produced)
    })
}

/// Cuts written text into chunks at ends no credential spans and hands each to the writer.
struct Chunker {
    pending: Vec<u8>,
    /// The length `pending` must reach before a safe end is looked for again: after a look
    /// finds none, not before another chunk's worth has come (else every small write would
    /// search the whole of a growing text).
    next_look: usize,
    to_writer: std::sync::mpsc::SyncSender<Vec<u8>>,
    spares: std::sync::mpsc::Receiver<Vec<u8>>,
}

/// How much text is scrubbed at once.
const SCRUB_CHUNK: usize = 256 << 10;
const CHUNK_CAPACITY: usize = SCRUB_CHUNK + (16 << 10);

impl Chunker {
    /// Hands on the pending text up to its last safe end (all of it when `all`).
    fn drain(&mut self, all: bool) -> io::Result<()> {
        let end = if all {
            self.pending.len()
        } else {
            match safe_end(&self.pending) {
                Some(end) => end,
                // No safe end yet: keep reading, within reason (4 MiB of text without a line
                // break or a string's end is no report plancost writes).
                None if self.pending.len() < 16 * SCRUB_CHUNK => {
                    self.next_look = self.pending.len() + SCRUB_CHUNK;
                    return Ok(());
                }
                None => self.pending.len(),
            }
        };
        if end == 0 {
            return Ok(());
        }
        let mut rest = self
            .spares
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(CHUNK_CAPACITY));
        rest.extend_from_slice(&self.pending[end..]);
        self.pending.truncate(end);
        let chunk = std::mem::replace(&mut self.pending, rest);
        self.to_writer
            .send(chunk)
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the output was closed"))
    }
}

/// Where pending text may be cut without cutting a credential: after the last line break, else
/// after the last quote that ends a JSON string (`",`), else after the last space (text such as
/// an HTML page on few lines); no credential contains any of them.
fn safe_end(text: &[u8]) -> Option<usize> {
    if let Some(i) = memchr::memrchr(b'\n', text) {
        return Some(i + 1);
    }
    memchr::memmem::rfind(text, b"\",")
        .or_else(|| memchr::memrchr(b' ', text))
        .map(|i| i + 1)
}

impl Write for Chunker {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        if self.pending.len() >= self.next_look {
            self.next_look = SCRUB_CHUNK;
            self.drain(false)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.drain(true)
    }
}

/// Scrubs with the patterns only (no environment values): for library code that has no
/// [`Redactor`] at hand.
pub fn scrub(text: &str) -> Cow<'_, str> {
    Redactor::default().scrub(text)
}

/// An AWS secret access key: exactly 40 base64 characters, both cases, high entropy.
fn looks_like_secret_key(run: &str) -> bool {
    run.len() == 40
        && run.bytes().any(|b| b.is_ascii_uppercase())
        && run.bytes().any(|b| b.is_ascii_lowercase())
        && entropy(run) >= 4.1
}

/// Shannon entropy of `s`, bits per character.
fn entropy(s: &str) -> f64 {
    let mut counts = [0u32; 256];
    for b in s.bytes() {
        counts[b as usize] += 1;
    }
    let n = s.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_keys_and_tokens_are_removed() {
        let text = "id xAKIAIOSFODNN7EXAMPLE key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY \
                    gh ghp_abcdefghijklmnopqrstuvwxyz0123456789 gl glpat-abcdefghij0123456789";
        let out = scrub(text);
        for secret in [
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
            "glpat-abcdefghij0123456789",
        ] {
            assert!(!out.contains(secret), "{out}");
        }
        assert_eq!(out.matches(REDACTED).count(), 4, "{out}");
    }

    #[test]
    fn ordinary_text_is_left_alone() {
        for text in [
            "fixtures/prices/aws-bulk-eu-west-1-2023-02-23/offers/v1.0/aws/AmazonEC2/index.json",
            "home/User1/projects/Infra/terraform/plan",
            "1d927085dd81a4b5c6d7e8f9a0b1c2d3e4f5a6b7",
            "module.gpu.aws_eks_node_group.spot: Instance usage (Linux/UNIX, spot, g5.xlarge)",
            "JRTCKXETXF.6YS6EN2CT7 47NTBKB4KMUU98P8",
            "AKIA is a prefix",
        ] {
            assert!(matches!(scrub(text), Cow::Borrowed(_)), "{text}");
        }
        // A longer base64 run (an embedded image) is not a key.
        let long = "Q".repeat(20) + &"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".repeat(3);
        assert_eq!(scrub(&long), long);
    }

    /// `text` through the scrubbing writer, written 7 bytes at a time.
    fn written_in_pieces(r: &Redactor, text: &str) -> String {
        let mut out = Vec::new();
        write_scrubbed(r, &mut out, |w| {
            text.as_bytes()
                .chunks(7)
                .try_for_each(|piece| w.write_all(piece))
        })
        .unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_writer_scrubs_secrets_wherever_its_writes_and_chunks_cut_them() {
        let env = |name: &str| (name == "GITHUB_TOKEN").then(|| "s3cr3t-value-xyz".to_string());
        let r = Redactor::from_env(&env);
        // Long enough to be scrubbed in several chunks, one line and many lines, secrets
        // everywhere, written a few bytes at a time.
        let record = r#"{"a":"AKIAIOSFODNN7EXAMPLE","b":"s3cr3t-value-xyz","c":"ghp_abcdefghijklmnopqrstuvwxyz0123456789"},"#;
        for separator in ["", "\n", " "] {
            let text: String = (0..20_000)
                .map(|_| format!("{record}{separator}"))
                .collect();
            let out = written_in_pieces(&r, &text);
            assert_eq!(out, r.scrub(&text), "separator {separator:?}");
            assert_eq!(out.matches(REDACTED).count(), 60_000);
        }
        // Text on one line with no JSON string ends (an HTML page), past the 4 MiB a chunk may
        // wait for an end: cut at spaces.
        let cell = "<td>AKIAIOSFODNN7EXAMPLE</td><td>s3cr3t-value-xyz</td> ";
        let text = cell.repeat(100_000);
        let out = written_in_pieces(&r, &text);
        assert_eq!(out.matches(REDACTED).count(), 200_000);
        assert_eq!(out, r.scrub(&text));
    }

    #[test]
    fn environment_secrets_are_removed_wherever_they_appear() {
        let env = |name: &str| (name == "GITHUB_TOKEN").then(|| "s3cr3t-value-xyz".to_string());
        let r = Redactor::from_env(&env);
        assert_eq!(r.scrub("a s3cr3t-value-xyz b"), "a [redacted] b");
        let mut short = Redactor::default();
        short.add("abc");
        assert_eq!(short.scrub("abc"), "abc");
    }

    #[test]
    fn base64_runs_skipping_ahead_finds_every_run_a_byte_by_byte_scan_finds() {
        fn every_run(text: &str) -> Vec<std::ops::Range<usize>> {
            let is_base64 = |b: u8| b.is_ascii_alphanumeric() || b == b'/' || b == b'+';
            let mut runs = Vec::new();
            let mut start = None;
            for (i, b) in text.bytes().chain([b' ']).enumerate() {
                match (is_base64(b), start) {
                    (true, None) => start = Some(i),
                    (false, Some(s)) => {
                        if i - s >= MIN_RUN {
                            runs.push(s..i);
                        }
                        start = None;
                    }
                    _ => {}
                }
            }
            runs
        }
        // Texts of runs of every length around 40, at every offset, between separators.
        let mut seed = 0x2545_f491_u64;
        let mut next = |n: u64| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) % n
        };
        for _ in 0..2_000 {
            let mut text = String::new();
            while text.len() < 400 {
                let run = next(90) as usize;
                text.extend((0..run).map(|k| b"aZ09+/Qx"[k % 8] as char));
                text.push([' ', '.', '"', '_', '-'][next(5) as usize]);
            }
            let cut = next(text.len() as u64) as usize;
            let text = &text[..cut];
            assert_eq!(
                base64_runs(text).collect::<Vec<_>>(),
                every_run(text),
                "{text}"
            );
        }
    }
}
