//! A tiny HTTP/1.1 server on 127.0.0.1 serving a mirrored Bulk API tree, with faults that tests
//! inject per path. A missing `X.json` is served from `X.json.gz` with `Content-Encoding:
//! gzip`, as the fixture's EC2 offer is stored gzipped. ETags, `If-None-Match` and `Range`
//! requests are supported. One connection per request (`Connection: close`).

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Debug, Clone)]
pub enum Fault {
    Status(u16),
    /// 429 with `Retry-After: secs`.
    TooMany(u64),
    /// Sends the headers (with the full length) and this many body bytes, then closes.
    Truncate(usize),
    /// Sends the whole body with bytes in the middle of the gzip stream overwritten.
    BadGzip,
    /// Waits this long before answering at all.
    Stall(Duration),
    /// Sends the body in 64 KiB pieces with this pause between them.
    Trickle(Duration),
    /// Answers 302 with this `Location` (`{base}` becomes the server's base URL).
    Redirect(String),
    /// Declares the true length but sends this many bytes of garbage after the body.
    Overlong(usize),
    /// Sends no `Content-Length`: the body ends when the connection closes.
    NoLength,
}

#[derive(Debug, Clone)]
pub struct Logged {
    pub path: String,
    pub status: u16,
    pub range: bool,
}

#[derive(Default)]
struct Shared {
    faults: HashMap<String, Vec<Fault>>,
    log: Vec<Logged>,
}

pub struct FakeBulkApi {
    pub endpoint: String,
    shared: Arc<Mutex<Shared>>,
}

impl FakeBulkApi {
    pub fn start(root: PathBuf) -> FakeBulkApi {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a local port");
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let shared = Arc::new(Mutex::new(Shared::default()));
        let state = shared.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let root = root.clone();
                let state = state.clone();
                std::thread::spawn(move || {
                    let _ = serve(stream, &root, &state);
                });
            }
        });
        FakeBulkApi { endpoint, shared }
    }

    pub fn base(&self) -> &str {
        &self.endpoint
    }

    /// Faults for the next requests of `path` (the first listed applies first).
    pub fn inject(&self, path: &str, faults: Vec<Fault>) {
        self.shared
            .lock()
            .unwrap()
            .faults
            .insert(path.to_string(), faults);
    }

    pub fn log(&self) -> Vec<Logged> {
        self.shared.lock().unwrap().log.clone()
    }

    pub fn clear_log(&self) {
        self.shared.lock().unwrap().log.clear();
    }
}

fn etag_of(bytes: &[u8]) -> String {
    // FNV-1a: stable and dependency-free; enough to tell two fixture files apart.
    let mut h: u64 = 0xcbf29ce484222325;
    for b in bytes {
        h ^= *b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    format!("\"{h:016x}\"")
}

fn base_of(stream: &TcpStream) -> String {
    stream
        .local_addr()
        .map(|a| format!("http://{a}"))
        .unwrap_or_default()
}

fn serve(stream: TcpStream, root: &std::path::Path, state: &Mutex<Shared>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .to_string();
    let mut headers = HashMap::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let fault = {
        let mut s = state.lock().unwrap();
        s.faults
            .get_mut(&path)
            .and_then(|f| (!f.is_empty()).then(|| f.remove(0)))
    };
    let mut out = stream;
    let log = |status: u16, range: bool| {
        state.lock().unwrap().log.push(Logged {
            path: path.clone(),
            status,
            range,
        })
    };
    if let Some(Fault::Stall(d)) = &fault {
        std::thread::sleep(*d);
        log(0, false);
        return Ok(());
    }
    if let Some(Fault::Status(code)) = fault {
        log(code, false);
        return write!(
            out,
            "HTTP/1.1 {code} Oops\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
    }
    if let Some(Fault::TooMany(secs)) = fault {
        log(429, false);
        return write!(
            out,
            "HTTP/1.1 429 Too Many Requests\r\nRetry-After: {secs}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
    }
    if let Some(Fault::Redirect(location)) = &fault {
        log(302, false);
        let location = location.replace("{base}", &base_of(&out));
        return write!(
            out,
            "HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
    }
    let rel = path.trim_start_matches('/');
    let (bytes, gzip) = match std::fs::read(root.join(rel)) {
        Ok(b) => (b, false),
        Err(_) => match std::fs::read(root.join(format!("{rel}.gz"))) {
            Ok(b) => (b, true),
            Err(_) => {
                log(404, false);
                return write!(
                    out,
                    "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
            }
        },
    };
    let etag = etag_of(&bytes);
    if headers.get("if-none-match") == Some(&etag) {
        log(304, false);
        return write!(
            out,
            "HTTP/1.1 304 Not Modified\r\nETag: {etag}\r\nConnection: close\r\n\r\n"
        );
    }
    let range_start = headers
        .get("range")
        .and_then(|r| r.strip_prefix("bytes="))
        .and_then(|r| r.strip_suffix('-'))
        .and_then(|n| n.parse::<usize>().ok())
        .filter(|_| headers.get("if-range").is_none_or(|t| *t == etag))
        .filter(|&n| n < bytes.len());
    let encoding = if gzip {
        "Content-Encoding: gzip\r\n"
    } else {
        ""
    };
    let mut body = bytes.clone();
    if let Some(Fault::BadGzip) = fault {
        let (mid, len) = (body.len() / 2, body.len());
        for b in &mut body[mid..(mid + 64).min(len)] {
            *b = !*b;
        }
    }
    let (status, body) = match range_start {
        Some(start) => {
            write!(
                out,
                "HTTP/1.1 206 Partial Content\r\nETag: {etag}\r\n{encoding}Content-Range: bytes {start}-{}/{}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                bytes.len() - 1,
                bytes.len(),
                bytes.len() - start
            )?;
            (206, &body[start..])
        }
        None if matches!(fault, Some(Fault::NoLength)) => {
            write!(
                out,
                "HTTP/1.1 200 OK\r\nETag: {etag}\r\n{encoding}Connection: close\r\n\r\n"
            )?;
            (200, &body[..])
        }
        None => {
            write!(
                out,
                "HTTP/1.1 200 OK\r\nETag: {etag}\r\n{encoding}Content-Length: {}\r\nConnection: close\r\n\r\n",
                bytes.len()
            )?;
            (200, &body[..])
        }
    };
    log(status, range_start.is_some());
    match fault {
        Some(Fault::Truncate(n)) => out.write_all(&body[..n.min(body.len())]),
        Some(Fault::Overlong(extra)) => {
            out.write_all(body)?;
            out.write_all(&vec![b'x'; extra])
        }
        Some(Fault::Trickle(pause)) => {
            for piece in body.chunks(64 << 10) {
                out.write_all(piece)?;
                out.flush()?;
                std::thread::sleep(pause);
            }
            Ok(())
        }
        _ => out.write_all(body),
    }
}
