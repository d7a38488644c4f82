//! A streaming scanner over one large JSON document: AWS offer files and Terraform plans.
//!
//! serde_json's `from_reader` reads one byte at a time through the `Read` trait and visits every
//! value even when it is thrown away; on a 1 GB EC2 offer that is several seconds of skipping
//! terms nobody asked for. This scanner walks the outer structure itself (objects of objects,
//! keys one at a time) over a refillable buffer, finds the extent of each inner value with
//! `memchr` (a value's end is where its braces balance outside strings), and hands only the
//! values worth reading to `serde_json::from_slice`. Skipped values are never parsed.
//!
//! Memory is the buffer (1 MiB, grown only for a single value larger than that, up to
//! [`MAX_VALUE`] or the limit given with [`Scanner::with_max_value`]), whatever the document's
//! size.
//!
//! Two ways to read a value: [`Scanner::read_value`] finds its end first (a `memchr` pass) and
//! then parses it, which suits values read rarely among many skipped; [`Scanner::parse`] lets
//! serde parse it where it lies in the buffer and reads more input only when the value runs past
//! it, one pass instead of two, for documents where most values are read (plans).

use std::io::{self, Read};

/// The largest single value (one product, one SKU's terms) the scanner holds at once.
pub const MAX_VALUE: usize = 64 << 20;

const CHUNK: usize = 1 << 20;

/// What [`Scanner::parse`] likes to have read ahead before it starts on a value, so that most
/// values are parsed once.
const LOOKAHEAD: usize = 256 << 10;

#[derive(Debug)]
pub enum ScanError {
    Io(io::Error),
    /// The document ends inside a value.
    Eof,
    /// Not the JSON expected at `offset` (bytes from the start of the document).
    Syntax {
        offset: u64,
        expected: &'static str,
    },
    /// A value read with serde has the wrong shape (no input is quoted).
    Data {
        offset: u64,
        what: String,
    },
    /// A single value at `offset` larger than `limit` bytes.
    TooLarge {
        offset: u64,
        limit: usize,
    },
    /// The bytes at `offset` are not UTF-8.
    Utf8 {
        offset: u64,
    },
    /// Objects or arrays nested deeper than the reader of the document allows.
    TooDeep {
        offset: u64,
    },
}

impl std::fmt::Display for ScanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScanError::Io(e) => write!(f, "could not be read: {e}"),
            ScanError::Eof => f.write_str("ends too early (truncated JSON)"),
            ScanError::Syntax { offset, expected } => {
                write!(f, "is not valid JSON at byte {offset}: expected {expected}")
            }
            ScanError::Data { offset, what } => {
                write!(f, "has a value of the wrong shape at byte {offset}: {what}")
            }
            ScanError::TooLarge { offset, limit } => write!(
                f,
                "has a single value over {} MiB at byte {offset}",
                limit >> 20
            ),
            ScanError::Utf8 { offset } => {
                write!(f, "is not UTF-8 text (invalid byte at offset {offset})")
            }
            ScanError::TooDeep { offset } => write!(f, "is nested too deeply at byte {offset}"),
        }
    }
}

impl std::error::Error for ScanError {}

impl From<io::Error> for ScanError {
    fn from(e: io::Error) -> Self {
        // A gzip stream that is cut short or corrupt surfaces as an I/O error from the decoder.
        if e.kind() == io::ErrorKind::UnexpectedEof {
            ScanError::Eof
        } else {
            ScanError::Io(e)
        }
    }
}

pub struct Scanner<R> {
    reader: R,
    buf: Vec<u8>,
    pos: usize,
    end: usize,
    eof: bool,
    /// Document offset of `buf[0]`.
    base: u64,
    max_value: usize,
    /// Whether every byte read is checked to be UTF-8, and up to where in `buf` it has been
    /// (the tail of a read can end inside a character).
    check_utf8: bool,
    utf8_checked: usize,
}

impl<R: Read> Scanner<R> {
    pub fn new(reader: R) -> Self {
        Scanner {
            reader,
            buf: vec![0; CHUNK],
            pos: 0,
            end: 0,
            eof: false,
            base: 0,
            max_value: MAX_VALUE,
            check_utf8: false,
            utf8_checked: 0,
        }
    }

    /// A scanner whose reader starts at `offset` of the document (a file opened and sought
    /// there), so that the offsets it reports are the document's.
    pub fn starting_at(mut self, offset: u64) -> Self {
        self.base = offset;
        self
    }

    /// Allows single values up to `bytes` (the buffer grows to hold one only when it is met).
    pub fn with_max_value(mut self, bytes: usize) -> Self {
        self.max_value = bytes;
        self
    }

    /// Checks that the whole document is UTF-8, skipped values included: serde_json checks
    /// the strings it reads into Rust strings, not the ones it skips.
    pub fn checking_utf8(mut self) -> Self {
        self.check_utf8 = true;
        self
    }

    /// Document offset of the next unread byte.
    pub fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// A syntax error at the next unread byte.
    pub fn syntax(&self, expected: &'static str) -> ScanError {
        ScanError::Syntax {
            offset: self.offset(),
            expected,
        }
    }

    /// A value of the wrong shape at the next unread byte.
    pub fn data(&self, expected: &'static str) -> ScanError {
        ScanError::Data {
            offset: self.offset(),
            what: format!("expected {expected}"),
        }
    }

    /// Reads more input, keeping `pos..end`. Returns false at the end of input.
    fn fill(&mut self) -> Result<bool, ScanError> {
        if self.eof {
            return Ok(false);
        }
        if self.pos > 0 {
            self.buf.copy_within(self.pos..self.end, 0);
            self.base += self.pos as u64;
            self.end -= self.pos;
            self.utf8_checked = self.utf8_checked.saturating_sub(self.pos);
            self.pos = 0;
        }
        if self.end == self.buf.len() {
            if self.buf.len() >= self.max_value {
                return Err(ScanError::TooLarge {
                    offset: self.offset(),
                    limit: self.max_value,
                });
            }
            let len = (self.buf.len() * 2).min(self.max_value);
            self.buf.resize(len, 0);
        }
        loop {
            match self.reader.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    self.check_utf8()?;
                    return Ok(false);
                }
                Ok(n) => {
                    self.end += n;
                    self.check_utf8()?;
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Checks the bytes read since the last check; a character cut by the end of the read is
    /// checked once the rest of it has been read.
    fn check_utf8(&mut self) -> Result<(), ScanError> {
        if !self.check_utf8 {
            return Ok(());
        }
        match std::str::from_utf8(&self.buf[self.utf8_checked..self.end]) {
            Ok(_) => self.utf8_checked = self.end,
            Err(e) if e.error_len().is_none() && !self.eof => self.utf8_checked += e.valid_up_to(),
            Err(e) => {
                return Err(ScanError::Utf8 {
                    offset: self.base + (self.utf8_checked + e.valid_up_to()) as u64,
                });
            }
        }
        Ok(())
    }

    /// Skips a UTF-8 byte-order mark at the start (AWS's CSV and some JSON files carry one).
    pub fn skip_bom(&mut self) -> Result<(), ScanError> {
        while self.end - self.pos < 3 && self.fill()? {}
        if self.buf[self.pos..self.end].starts_with(&[0xef, 0xbb, 0xbf]) {
            self.pos += 3;
        }
        Ok(())
    }

    /// The next byte that is not whitespace, without consuming it; `None` at the end.
    pub fn peek(&mut self) -> Result<Option<u8>, ScanError> {
        loop {
            while self.pos < self.end {
                match self.buf[self.pos] {
                    b' ' | b'\n' | b'\r' | b'\t' => self.pos += 1,
                    b => return Ok(Some(b)),
                }
            }
            if !self.fill()? {
                return Ok(None);
            }
        }
    }

    pub fn expect(&mut self, byte: u8, what: &'static str) -> Result<(), ScanError> {
        match self.peek()? {
            Some(b) if b == byte => {
                self.pos += 1;
                Ok(())
            }
            Some(_) => Err(self.syntax(what)),
            None => Err(ScanError::Eof),
        }
    }

    /// Enters an object: consumes `{`.
    pub fn begin_object(&mut self) -> Result<(), ScanError> {
        self.expect(b'{', "an object")
    }

    /// The next key of the object being walked, or `None` after its closing brace. Call after
    /// `begin_object`, and after reading or skipping each value.
    pub fn next_key(&mut self, first: &mut bool) -> Result<Option<String>, ScanError> {
        match self.peek()? {
            Some(b'}') => {
                self.pos += 1;
                return Ok(None);
            }
            Some(b',') if !*first => self.pos += 1,
            Some(b'"') if *first => {}
            Some(_) => return Err(self.syntax("a key or the end of the object")),
            None => return Err(ScanError::Eof),
        }
        *first = false;
        if self.peek()? != Some(b'"') {
            return Err(self.syntax("a key"));
        }
        let (start, len) = self.value_extent()?;
        let key: String = self.parse_slice(start, len)?;
        self.pos = start + len;
        self.expect(b':', "':' after a key")?;
        Ok(Some(key))
    }

    /// Enters an array: consumes `[`.
    pub fn begin_array(&mut self) -> Result<(), ScanError> {
        self.expect(b'[', "an array")
    }

    /// Whether the array being walked has another element (consuming the `,` before it), or
    /// `false` after its closing bracket. Call after `begin_array`, and after reading each element.
    pub fn next_element(&mut self, first: &mut bool) -> Result<bool, ScanError> {
        match self.peek()? {
            Some(b']') => {
                self.pos += 1;
                return Ok(false);
            }
            Some(b',') if !*first => self.pos += 1,
            Some(_) if *first => {}
            Some(_) => return Err(self.syntax("',' or the end of the array")),
            None => return Err(ScanError::Eof),
        }
        *first = false;
        Ok(true)
    }

    /// Reads the next value with serde in place: the value is parsed where it lies in the
    /// buffer, and only when it runs past the end of what has been read is more read and the
    /// parse started again (the buffer doubles when full, so a value is parsed a few times at
    /// most). A syntax error is reported at its offset in the document.
    pub fn parse<T: serde::de::DeserializeOwned>(&mut self) -> Result<T, ScanError> {
        let Some(first) = self.peek()? else {
            return Err(ScanError::Eof);
        };
        if !matches!(first, b'{' | b'[' | b'"') {
            // A scalar's end is only certain once the byte after it is read.
            return self.read_value();
        }
        if self.end - self.pos < LOOKAHEAD && !self.eof {
            self.fill()?;
        }
        loop {
            let slice = &self.buf[self.pos..self.end];
            let mut stream = serde_json::Deserializer::from_slice(slice).into_iter::<T>();
            match stream.next() {
                Some(Ok(value)) => {
                    self.pos += stream.byte_offset();
                    return Ok(value);
                }
                Some(Err(e)) if e.is_eof() && !self.eof => {
                    self.fill()?;
                }
                Some(Err(e)) if e.is_eof() => return Err(ScanError::Eof),
                Some(Err(e)) => return Err(from_serde(&e, slice, self.base + self.pos as u64)),
                None => return Err(ScanError::Eof),
            }
        }
    }

    /// Skips the next value.
    pub fn skip_value(&mut self) -> Result<(), ScanError> {
        let (start, len) = self.value_extent()?;
        self.pos = start + len;
        Ok(())
    }

    /// Reads the next value with serde.
    pub fn read_value<T: serde::de::DeserializeOwned>(&mut self) -> Result<T, ScanError> {
        let (start, len) = self.value_extent()?;
        let value = self.parse_slice(start, len)?;
        self.pos = start + len;
        Ok(value)
    }

    /// The next value's raw bytes (valid until the scanner moves on), for callers that
    /// deserialise with borrowed strings.
    pub fn raw_value(&mut self) -> Result<(&[u8], u64), ScanError> {
        let (start, len) = self.value_extent()?;
        self.pos = start + len;
        Ok((&self.buf[start..start + len], self.base + start as u64))
    }

    fn parse_slice<T: serde::de::DeserializeOwned>(
        &self,
        start: usize,
        len: usize,
    ) -> Result<T, ScanError> {
        let slice = &self.buf[start..start + len];
        serde_json::from_slice(slice).map_err(|e| from_serde(&e, slice, self.base + start as u64))
    }

    /// Finds the next value: its start in `buf` and its length. The buffer is refilled (and
    /// possibly moved) as needed, so positions are only valid until the next call.
    fn value_extent(&mut self) -> Result<(usize, usize), ScanError> {
        let Some(first) = self.peek()? else {
            return Err(ScanError::Eof);
        };
        // Offsets relative to `pos`, which survive refills.
        let mut i = 1usize;
        match first {
            b'{' | b'[' => {
                let (open, close) = if first == b'{' {
                    (b'{', b'}')
                } else {
                    (b'[', b']')
                };
                // Brackets of the other kind balance inside a valid value, so counting one
                // kind and skipping strings finds the end; values that are read are then
                // checked by serde, and skipped ones cannot smuggle anything in.
                let mut depth = 1usize;
                loop {
                    let hay = &self.buf[self.pos + i..self.end];
                    match memchr::memchr3(b'"', open, close, hay) {
                        None => {
                            i = self.end - self.pos;
                            if !self.fill()? {
                                return Err(ScanError::Eof);
                            }
                        }
                        Some(k) => {
                            let b = hay[k];
                            i += k + 1;
                            if b == b'"' {
                                i = self.string_end(i)?;
                            } else if b == open {
                                depth += 1;
                            } else {
                                depth -= 1;
                                if depth == 0 {
                                    return Ok((self.pos, i));
                                }
                            }
                        }
                    }
                }
            }
            b'"' => {
                let i = self.string_end(1)?;
                Ok((self.pos, i))
            }
            b'-' | b'0'..=b'9' | b't' | b'f' | b'n' => {
                loop {
                    while self.pos + i < self.end {
                        match self.buf[self.pos + i] {
                            b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t' => {
                                return Ok((self.pos, i));
                            }
                            _ => i += 1,
                        }
                    }
                    if !self.fill()? {
                        // A scalar may end the document.
                        return Ok((self.pos, i));
                    }
                }
            }
            _ => Err(self.syntax("a JSON value")),
        }
    }

    /// Given `i` (relative to `pos`) just inside a string, returns the offset just past its
    /// closing quote.
    fn string_end(&mut self, mut i: usize) -> Result<usize, ScanError> {
        loop {
            let hay = &self.buf[self.pos + i..self.end];
            match memchr::memchr2(b'"', b'\\', hay) {
                None => {
                    i = self.end - self.pos;
                    if !self.fill()? {
                        return Err(ScanError::Eof);
                    }
                }
                Some(k) if hay[k] == b'"' => return Ok(i + k + 1),
                Some(k) => {
                    // An escape: the next byte is part of it, whatever it is.
                    i += k + 2;
                    while self.pos + i > self.end {
                        if !self.fill()? {
                            return Err(ScanError::Eof);
                        }
                    }
                }
            }
        }
    }
}

/// serde_json's error about `slice`, which starts at `base` in the document.
fn from_serde(e: &serde_json::Error, slice: &[u8], base: u64) -> ScanError {
    let offset = base + offset_in(slice, e.line(), e.column()) as u64;
    match e.classify() {
        serde_json::error::Category::Syntax => ScanError::Syntax {
            offset,
            expected: "valid JSON",
        },
        serde_json::error::Category::Eof => ScanError::Eof,
        _ => ScanError::Data {
            offset,
            what: data_error(e),
        },
    }
}

/// The offset in `text` of serde_json's 1-based line and column.
fn offset_in(text: &[u8], line: usize, column: usize) -> usize {
    let mut offset = 0;
    for _ in 1..line {
        match memchr::memchr(b'\n', &text[offset..]) {
            Some(k) => offset += k + 1,
            None => break,
        }
    }
    (offset + column.saturating_sub(1)).min(text.len())
}

/// The 1-based line and column of `offset` in a document, from its bytes up to there.
pub fn line_column(prefix: &[u8]) -> (usize, usize) {
    let line = 1 + memchr::memchr_iter(b'\n', prefix).count();
    let line_start = memchr::memrchr(b'\n', prefix).map_or(0, |k| k + 1);
    (line, prefix.len() - line_start + 1)
}

/// serde_json's message without the part of the input it may quote.
pub fn data_error(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    match e.classify() {
        Category::Io => "could not be read".into(),
        Category::Syntax => "not valid JSON".into(),
        Category::Eof => "truncated".into(),
        Category::Data => {
            // "missing field `sku`" names our field, not input; "invalid type: string \"..\""
            // would quote input, so only the former is passed on.
            let text = e.to_string();
            if text.starts_with("missing field") {
                text.split(" at line").next().unwrap_or("").to_string()
            } else {
                "a value of the wrong type".into()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out one byte per call, to exercise every refill boundary.
    struct Trickle<'a>(&'a [u8]);
    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.0.is_empty() || buf.is_empty() {
                return Ok(0);
            }
            buf[0] = self.0[0];
            self.0 = &self.0[1..];
            Ok(1)
        }
    }

    const DOC: &str = "\u{feff}{ \"a\" : { \"x\" : \"}{\\\"\" , \"y\" : [1, {\"z\": \"]\"}] },\n  \"b\" : -1.5e3, \"c\":true, \"d\" : \"q\\\\\" }";

    fn walk<R: Read>(s: &mut Scanner<R>) -> Vec<(String, String)> {
        s.skip_bom().unwrap();
        s.begin_object().unwrap();
        let mut first = true;
        let mut out = Vec::new();
        while let Some(key) = s.next_key(&mut first).unwrap() {
            let v: serde_json::Value = s.read_value().unwrap();
            out.push((key, v.to_string()));
        }
        assert_eq!(s.peek().unwrap(), None);
        out
    }

    #[test]
    fn walks_keys_and_values_across_any_buffer_boundary() {
        let whole = walk(&mut Scanner::new(DOC.as_bytes()));
        let trickled = walk(&mut Scanner::new(Trickle(DOC.as_bytes())));
        assert_eq!(whole, trickled);
        let keys: Vec<_> = whole.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["a", "b", "c", "d"]);
        assert_eq!(whole[0].1, r#"{"x":"}{\"","y":[1,{"z":"]"}]}"#);
        assert_eq!(whole[1].1, "-1500.0");
        assert_eq!(whole[3].1, r#""q\\""#);
    }

    #[test]
    fn truncation_anywhere_is_an_error() {
        let doc = DOC.as_bytes();
        for cut in 4..doc.len() - 1 {
            let mut s = Scanner::new(Trickle(&doc[..cut]));
            let result = (|| {
                s.skip_bom()?;
                s.begin_object()?;
                let mut first = true;
                while s.next_key(&mut first)?.is_some() {
                    s.skip_value()?;
                }
                Ok::<_, ScanError>(())
            })();
            assert!(result.is_err(), "cut at {cut} went unnoticed");
        }
    }

    fn parse_all<R: Read>(s: &mut Scanner<R>) -> Result<Vec<serde_json::Value>, ScanError> {
        s.begin_array()?;
        let mut first = true;
        let mut out = Vec::new();
        while s.next_element(&mut first)? {
            out.push(s.parse()?);
        }
        Ok(out)
    }

    #[test]
    fn parses_in_place_across_any_buffer_boundary() {
        let doc = "[{\"a\": \"\u{e9}\u{2192}\", \"b\": [1, 2]} , \"x\",3, null,{}]";
        let expected: Vec<serde_json::Value> = serde_json::from_str(doc).unwrap();
        let whole = parse_all(&mut Scanner::new(doc.as_bytes()).checking_utf8()).unwrap();
        let trickled = parse_all(&mut Scanner::new(Trickle(doc.as_bytes())).checking_utf8());
        assert_eq!(whole, expected);
        assert_eq!(trickled.unwrap(), expected);
        for cut in 1..doc.len() - 1 {
            let mut s = Scanner::new(Trickle(&doc.as_bytes()[..cut]));
            assert!(parse_all(&mut s).is_err(), "cut at {cut} went unnoticed");
        }
    }

    #[test]
    fn bytes_that_are_not_utf8_are_found_wherever_reads_end() {
        // 0xff inside a string; a two-byte character cut across reads is fine.
        let mut doc = "[\"\u{e9}\", \"".as_bytes().to_vec();
        let bad_at = doc.len() as u64;
        doc.extend(b"\xff\"]");
        for result in [
            parse_all(&mut Scanner::new(&doc[..]).checking_utf8()),
            parse_all(&mut Scanner::new(Trickle(&doc)).checking_utf8()),
        ] {
            match result {
                Err(ScanError::Utf8 { offset }) => assert_eq!(offset, bad_at),
                other => panic!("expected a UTF-8 error, got {other:?}"),
            }
        }
    }
}
