//! Plan and state JSON.
//!
//! Accepted documents: `terraform show -json PLAN` (format 0.1 to 1.x: Terraform 0.12 to 1.x),
//! `terraform show -json` of a state, and raw state files (version 4). The JSON is read into
//! typed structs so that a value of the wrong type is reported with its line and column.
//!
//! Sensitive values are removed here, before anything else sees them: every value Terraform
//! marks in `after_sensitive`/`before_sensitive`/`sensitive_values` (or a raw state's
//! `sensitive_attributes`) is replaced by `null`.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use foldhash::{HashMap, HashMapExt};

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::Value;

use crate::error::{Error, Position, Result};
use crate::jsonscan::{ScanError, Scanner};
use crate::model::{Action, Resource};

use super::filtered::{PlannedResource, RawStateResource, ResourceChange, ResourceHead};
use super::interner::Interner;

use super::region::RegionResolver;
use super::{InputKind, LoadOptions, Resources, address};

/// Format versions whose major plancost understands (Terraform guarantees compatibility within
/// a major version of the JSON output format).
const KNOWN_FORMAT_MAJORS: &[&str] = &["0", "1"];

/// The parts of a plan or state document plancost reads. Built by [`read_document`] as the
/// document streams past: resources are read one at a time, so the document is never held
/// whole in memory.
#[derive(Default)]
struct Document {
    format_version: Option<String>,
    variables: BTreeMap<String, Variable>,
    planned_values: Option<Values>,
    prior_state: Option<Values>,
    resource_changes: Option<Vec<LoadedChange>>,
    configuration: Option<Configuration>,
    /// `terraform show -json` of a state.
    values: Option<Values>,
    /// Raw state files.
    version: Option<u64>,
    resources: Option<Vec<RawStateResource>>,
}

#[derive(Deserialize)]
pub(crate) struct Variable {
    #[serde(default)]
    pub value: Value,
}

#[derive(Default)]
struct Values {
    root_module: Option<Module>,
}

#[derive(Default)]
struct Module {
    address: Option<String>,
    /// With values (states, and plans read with planned values kept).
    resources: Vec<PlannedResource>,
    /// Without values: the addresses of the managed resources.
    managed_addresses: Vec<String>,
    child_modules: Vec<Module>,
}

/// A resource change as the loader keeps it: its masks are applied (sensitive values nulled,
/// unknown paths listed) and dropped as it is read, so they never pile up.
struct LoadedChange {
    address: String,
    module_address: String,
    resource_type: String,
    name: String,
    /// Terraform's actions, or the list when plancost does not know it (an error once the
    /// document is read, naming the resource).
    action: std::result::Result<Action, Vec<String>>,
    /// `None` where Terraform writes `null` (no object before a create, after a delete).
    after: Option<Arc<Value>>,
    before: Option<Arc<Value>>,
    unknown: Vec<String>,
}

impl LoadedChange {
    /// `None` for changes of data sources and of deposed objects (the leftover of a
    /// replacement, at the address of the current object: its change is not the resource's).
    fn new(rc: ResourceChange) -> Option<LoadedChange> {
        if !rc.mode.0 || rc.deposed.is_some() {
            return None;
        }
        let change = rc.change;
        let actions: Vec<&str> = change.actions.iter().map(String::as_str).collect();
        let action = Action::from_terraform(&actions).ok_or_else(|| change.actions.clone());
        Some(LoadedChange {
            address: rc.address,
            module_address: rc.module_address.unwrap_or_default(),
            resource_type: rc.resource_type,
            name: rc.name,
            action,
            unknown: change.after_unknown.dotted(),
            // Values are shared with equal ones read before: nulled in a copy.
            after: change.after.map(|v| nulled(v, &change.after_sensitive)),
            before: change.before.map(|v| nulled(v, &change.before_sensitive)),
        })
    }

    fn action(&self, path: &Path) -> Result<Action> {
        self.action.clone().map_err(|actions| {
            Error::input(
                path,
                format!("resource {} has unknown actions {actions:?}", self.address),
            )
        })
    }

    fn into_resource(self, values: Arc<Value>, action: Action) -> Resource {
        Resource {
            address: self.address,
            module_address: self.module_address,
            resource_type: self.resource_type,
            name: self.name,
            region: String::new(),
            values,
            unknown: self.unknown,
            references: BTreeMap::new(),
            action,
            type_errors: Default::default(),
        }
    }

    fn resource(&self, values: Arc<Value>, action: Action) -> Resource {
        new_resource(
            &self.address,
            &self.module_address,
            &self.resource_type,
            &self.name,
            values,
            action,
        )
    }
}

/// `value` with the parts `sensitive` marks nulled: a copy, when there are any.
fn nulled(value: Arc<Value>, sensitive: &super::mask::MaskPaths) -> Arc<Value> {
    if sensitive.0.is_empty() {
        return value;
    }
    let mut copy = Value::clone(&value);
    sensitive.null_in(&mut copy);
    Arc::new(copy)
}

/// How deep `child_modules` may nest (serde_json's own limit for any value is 128 levels).
const MAX_MODULE_DEPTH: usize = 100;

/// Reads the document's top-level object, descending into the parts that hold resources so
/// each resource is parsed on its own; everything else is parsed (and so checked) and dropped.
/// `None` for a document of nothing but whitespace.
/// With `planned_values_kept` false, the resources of `planned_values` and `prior_state` are
/// read without their values (their addresses only).
fn read_document<R: Read>(
    s: &mut Scanner<R>,
    planned_values_kept: bool,
    mut split: Option<&mut SplitRead<'_, R>>,
) -> std::result::Result<Option<Document>, ScanError> {
    s.skip_bom()?;
    let mut doc = Document::default();
    let mut seen = Seen::default();
    match s.peek()? {
        None => return Ok(None),
        Some(b'{') => s.begin_object()?,
        Some(_) => {
            // JSON of another shape is told apart from text that is not JSON at all.
            let start = s.offset();
            s.parse::<IgnoredAny>()?;
            return Err(ScanError::Data {
                offset: start,
                what: "expected an object (a plan or state)".into(),
            });
        }
    }
    let mut first = true;
    while let Some(key) = s.next_key(&mut first)? {
        seen.once(s, &key)?;
        match key.as_str() {
            "format_version" => doc.format_version = s.parse()?,
            "variables" => doc.variables = s.parse()?,
            "planned_values" => doc.planned_values = read_values(s, planned_values_kept)?,
            "prior_state" => doc.prior_state = read_prior_state(s, planned_values_kept)?,
            "resource_changes" => doc.resource_changes = read_changes(s, split.as_deref_mut())?,
            "configuration" => doc.configuration = s.parse()?,
            "values" => doc.values = read_values(s, true)?,
            "version" => doc.version = s.parse()?,
            "resources" => doc.resources = read_array(s)?,
            _ => {
                s.parse::<IgnoredAny>()?;
            }
        }
    }
    if s.peek()?.is_some() {
        return Err(s.syntax("the end of the document after its object"));
    }
    Ok(Some(doc))
}

/// Keys met in one object, so a repeated one is refused as serde's derived readers do.
#[derive(Default)]
struct Seen(Vec<String>);

impl Seen {
    fn once<R: Read>(&mut self, s: &Scanner<R>, key: &str) -> std::result::Result<(), ScanError> {
        if self.0.iter().any(|k| k == key) {
            return Err(s.data("a key given twice"));
        }
        self.0.push(key.to_string());
        Ok(())
    }
}

/// `null`, or the value `read` reads.
fn nullable<R: Read, T>(
    s: &mut Scanner<R>,
    read: impl FnOnce(&mut Scanner<R>) -> std::result::Result<T, ScanError>,
) -> std::result::Result<Option<T>, ScanError> {
    if s.peek()? == Some(b'n') {
        s.parse::<()>()?;
        return Ok(None);
    }
    read(s).map(Some)
}

/// An array read element by element (`null` is no array).
fn read_array<R: Read, T: serde::de::DeserializeOwned>(
    s: &mut Scanner<R>,
) -> std::result::Result<Option<Vec<T>>, ScanError> {
    nullable(s, |s| {
        if s.peek()? != Some(b'[') {
            return Err(s.data("an array"));
        }
        s.begin_array()?;
        let mut out = Vec::new();
        let mut first = true;
        while s.next_element(&mut first)? {
            out.push(s.parse()?);
        }
        Ok(out)
    })
}

/// `resource_changes`, each change reduced to what the loader keeps as it is read; with a
/// [`SplitRead`], up to the element where the second thread started, if this read meets it.
fn read_changes<R: Read>(
    s: &mut Scanner<R>,
    mut split: Option<&mut SplitRead<'_, R>>,
) -> std::result::Result<Option<Vec<LoadedChange>>, ScanError> {
    let mut interner = Interner::default();
    nullable(s, |s| {
        if s.peek()? != Some(b'[') {
            return Err(s.data("an array"));
        }
        s.begin_array()?;
        let mut out = Vec::new();
        let mut first = true;
        let mut boundary = split.as_mut().and_then(|split| split.boundary());
        while s.next_element(&mut first)? {
            if let (Some(b), Some(split)) = (boundary, split.as_mut()) {
                if s.offset() == b {
                    // The second thread started at an element of this very array: its
                    // elements are the rest of it, and reading goes on after the array.
                    let (rest, after) = split.take_rest()?;
                    out.extend(rest);
                    *s = split.scanner_at(after)?;
                    return Ok(out);
                }
                if s.offset() > b {
                    // Passed its start without meeting it: it started inside some value.
                    split.abandon();
                    boundary = None;
                }
            }
            out.extend(LoadedChange::new(interner.reading(|| s.parse())?));
        }
        if let Some(split) = split {
            split.abandon();
        }
        Ok(out)
    })
}

/// A file at least this large has its `resource_changes` read by two threads.
const SPLIT_FROM_BYTES: u64 = 16 << 20;

/// Where the second thread starts looking for an element boundary, as a share of the file.
/// Terraform writes `planned_values` (about 40% of a large plan) then `resource_changes` (most
/// of the rest); this thread reads the planned values (skipped over faster than changes are
/// read) and the changes up to the boundary. 0.60 has both threads finish within tens of ms of
/// each other on the benchmark plan (measured over 7 runs at 0.62: this thread ~37 ms behind;
/// at 0.59: the other ~22 ms behind). It moves as reading changes gets cheaper against skipping
/// planned values. A guess that lands outside `resource_changes` costs the second thread's
/// time, never a wrong result.
const FIRST_PART_SHARE: f64 = 0.60;

/// `resource_changes` is most of a large plan. While this thread reads the document up to the
/// middle of that array, a second thread reads the rest of the array: it looks for an element
/// boundary (`,{"address":"`) past a guessed offset ([`FIRST_PART_SHARE`]) and reads from there
/// to the array's end. This thread takes those elements only if its own reading arrives exactly
/// at that boundary, which proves it was an element of `resource_changes` and not a look-alike
/// inside some value; otherwise the second thread's work is dropped and this thread reads on
/// alone. The result is the same either way.
struct SplitRead<'scope, R> {
    boundary: std::sync::mpsc::Receiver<Option<u64>>,
    received: Option<Option<u64>>,
    rest: Option<std::thread::ScopedJoinHandle<'scope, SecondPart>>,
    cancel: &'scope std::sync::atomic::AtomicBool,
    /// A reader of the document from an offset.
    open_at: &'scope (dyn Fn(u64) -> std::io::Result<R> + Sync),
}

type SecondPart = std::result::Result<(Vec<LoadedChange>, u64), ScanError>;

impl<R: Read> SplitRead<'_, R> {
    /// Where the second thread started, once it knows (`None`: it found no boundary).
    fn boundary(&mut self) -> Option<u64> {
        *self
            .received
            .get_or_insert_with(|| self.boundary.recv().ok().flatten())
    }

    /// The second thread's elements and the offset after the array.
    fn take_rest(&mut self) -> SecondPart {
        match self.rest.take().map(|h| h.join()) {
            Some(Ok(part)) => part,
            Some(Err(panic)) => std::panic::resume_unwind(panic),
            None => Err(ScanError::Io(std::io::Error::other(
                "the second part of the resource changes was taken twice",
            ))),
        }
    }

    fn abandon(&self) {
        self.cancel
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }

    fn scanner_at(&self, offset: u64) -> std::result::Result<Scanner<R>, ScanError> {
        Ok(plan_scanner((self.open_at)(offset)?).starting_at(offset))
    }
}

fn plan_scanner<R: Read>(reader: R) -> Scanner<R> {
    Scanner::new(reader)
        .with_max_value(MAX_PLAN_VALUE)
        .checking_utf8()
}

/// The second thread of a [`SplitRead`]: finds an element boundary past [`FIRST_PART_SHARE`] of
/// the file, says where, and reads the elements from there to the end of their array.
fn read_second_part<R: Read>(
    open_at: &(dyn Fn(u64) -> std::io::Result<R> + Sync),
    len: u64,
    boundary: std::sync::mpsc::Sender<Option<u64>>,
    cancel: &std::sync::atomic::AtomicBool,
) -> SecondPart {
    let found = (|| -> std::io::Result<Option<u64>> {
        let guess = (len as f64 * FIRST_PART_SHARE) as u64;
        Ok(find_from(open_at, guess, b",{\"address\":\"")?.map(|comma| comma + 1))
    })();
    let start = found.ok().flatten();
    let _ = boundary.send(start);
    let Some(start) = start else {
        // Nothing to read; the first thread, told so, reads on alone and never asks for this.
        return Err(ScanError::Eof);
    };
    let mut s = plan_scanner(open_at(start)?).starting_at(start);
    let mut interner = Interner::default();
    let mut out = Vec::new();
    let mut first = true;
    while s.next_element(&mut first)? {
        if cancel.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(ScanError::Eof);
        }
        out.extend(LoadedChange::new(interner.reading(|| s.parse())?));
    }
    Ok((out, s.offset()))
}

/// The offset of the first `needle` at or after `from`.
fn find_from<R: Read>(
    open_at: &(dyn Fn(u64) -> std::io::Result<R> + Sync),
    from: u64,
    needle: &[u8],
) -> std::io::Result<Option<u64>> {
    let mut reader = open_at(from)?;
    let finder = memchr::memmem::Finder::new(needle);
    let mut buf = vec![0u8; 1 << 20];
    let (mut kept, mut base) = (0usize, from);
    loop {
        let n = reader.read(&mut buf[kept..])?;
        if n == 0 {
            return Ok(None);
        }
        let filled = kept + n;
        if let Some(i) = finder.find(&buf[..filled]) {
            return Ok(Some(base + i as u64));
        }
        // Keep the tail that could be the start of a needle cut by the read.
        kept = (needle.len() - 1).min(filled);
        buf.copy_within(filled - kept..filled, 0);
        base += (filled - kept) as u64;
    }
}

/// An object of the document read key by key with `read` (`null` is no object).
fn read_object<R: Read, T: Default>(
    s: &mut Scanner<R>,
    mut read: impl FnMut(&mut Scanner<R>, &str, &mut T) -> std::result::Result<(), ScanError>,
) -> std::result::Result<Option<T>, ScanError> {
    nullable(s, |s| {
        if s.peek()? != Some(b'{') {
            return Err(s.data("an object"));
        }
        s.begin_object()?;
        let mut out = T::default();
        let mut seen = Seen::default();
        let mut first = true;
        while let Some(key) = s.next_key(&mut first)? {
            seen.once(s, &key)?;
            read(s, &key, &mut out)?;
        }
        Ok(out)
    })
}

/// `planned_values` or a state's `values`: `{"root_module": {...}, ...}`.
fn read_values<R: Read>(
    s: &mut Scanner<R>,
    kept: bool,
) -> std::result::Result<Option<Values>, ScanError> {
    read_object(s, |s, key, values: &mut Values| {
        match key {
            "root_module" => values.root_module = read_module(s, kept, 0)?,
            _ => {
                s.parse::<IgnoredAny>()?;
            }
        }
        Ok(())
    })
}

/// `prior_state`: `{"values": {"root_module": ...}, ...}`.
fn read_prior_state<R: Read>(
    s: &mut Scanner<R>,
    kept: bool,
) -> std::result::Result<Option<Values>, ScanError> {
    Ok(read_object(s, |s, key, prior: &mut Option<Values>| {
        match key {
            "values" => *prior = read_values(s, kept)?,
            _ => {
                s.parse::<IgnoredAny>()?;
            }
        }
        Ok(())
    })?
    .flatten())
}

/// A module of a values tree; its resources' values are read only when `kept`.
fn read_module<R: Read>(
    s: &mut Scanner<R>,
    kept: bool,
    depth: usize,
) -> std::result::Result<Option<Module>, ScanError> {
    if depth > MAX_MODULE_DEPTH {
        return Err(ScanError::TooDeep { offset: s.offset() });
    }
    read_object(s, |s, key, module: &mut Module| {
        match key {
            "address" => module.address = s.parse()?,
            "resources" if kept => module.resources = read_array(s)?.unwrap_or_default(),
            "resources" => {
                let heads: Vec<ResourceHead> = read_array(s)?.unwrap_or_default();
                module.managed_addresses = heads
                    .into_iter()
                    .filter(|h| h.mode.0)
                    .map(|h| h.address)
                    .collect();
            }
            "child_modules" => {
                if s.peek()? != Some(b'[') {
                    return Err(s.data("an array"));
                }
                s.begin_array()?;
                let mut first = true;
                while s.next_element(&mut first)? {
                    match read_module(s, kept, depth + 1)? {
                        Some(child) => module.child_modules.push(child),
                        None => return Err(s.data("a module object")),
                    }
                }
            }
            _ => {
                s.parse::<IgnoredAny>()?;
            }
        }
        Ok(())
    })
}

#[derive(Deserialize, Default)]
pub(crate) struct Configuration {
    #[serde(default)]
    pub provider_config: BTreeMap<String, ProviderConfig>,
    #[serde(default)]
    pub root_module: ConfigModule,
}

#[derive(Deserialize, Default)]
pub(crate) struct ProviderConfig {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub module_address: Option<String>,
    #[serde(default)]
    pub expressions: BTreeMap<String, Value>,
}

#[derive(Deserialize, Default)]
pub(crate) struct ConfigModule {
    #[serde(default)]
    pub resources: Vec<ConfigResource>,
    #[serde(default)]
    pub module_calls: BTreeMap<String, ModuleCall>,
}

#[derive(Deserialize, Default)]
pub(crate) struct ModuleCall {
    #[serde(default)]
    pub module: Option<ConfigModule>,
}

#[derive(Deserialize)]
pub(crate) struct ConfigResource {
    pub address: String,
    #[serde(default)]
    pub provider_config_key: Option<String>,
    #[serde(default)]
    pub expressions: BTreeMap<String, Value>,
}

/// Where a document being loaded comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadFrom {
    /// The file at the document's path: a large one is read at two offsets at once.
    File,
    /// Only the reader given (bytes in memory, a pipe): read once, from the start.
    Stream,
}

/// The largest single value of a plan the reader holds at once (a resource, the
/// configuration): far above any real one, and a bound on what a hostile file can make it hold.
const MAX_PLAN_VALUE: usize = 1 << 30;

/// Loads a plan or state from `reader` as it streams (memory is one resource at a time plus
/// what is kept of each). `reopen` gives the document again from the start: to turn the offset
/// of an error into a line and column, and for the rare plan read twice (below).
///
/// A plan holds most values twice: in `planned_values`/`prior_state` and in `resource_changes`.
/// The first read takes them from `resource_changes` only, which also carries the masks
/// (unknown, sensitive) that go with them. A plan where some resource of `planned_values` or
/// `prior_state` has no values there (none seen from Terraform 0.12 to 1.x, but the format
/// does not promise it) is read again, keeping the values of `planned_values` as well.
///
/// `from` says whether the document may also be read from elsewhere than `reader` (see
/// [`ReadFrom`]).
pub fn load_reader<R: Read, Again: Read>(
    reader: R,
    reopen: impl Fn() -> std::io::Result<Again>,
    from: ReadFrom,
    path: &Path,
    options: &LoadOptions,
) -> Result<Resources> {
    if let Some(resources) = read_and_load(reader, &reopen, from, false, path, options)? {
        return Ok(resources);
    }
    let again = reopen().map_err(|e| Error::input(path, format!("cannot read: {e}")))?;
    read_and_load(again, &reopen, from, true, path, options)?
        .ok_or_else(|| Error::input(path, "has resources whose values cannot be found"))
}

/// One read of the document; `None` when it must be read again with planned values kept.
fn read_and_load<R: Read, Again: Read>(
    reader: R,
    reopen: &impl Fn() -> std::io::Result<Again>,
    from: ReadFrom,
    planned_values_kept: bool,
    path: &Path,
    options: &LoadOptions,
) -> Result<Option<Resources>> {
    let started = std::time::Instant::now();
    let read = read_file_document(reader, from, planned_values_kept, path);
    let (doc, split) = match read {
        Ok((Some(doc), split)) => (doc, split),
        Ok((None, _)) => return Err(Error::input(path, "is empty")),
        Err((e, end)) => return Err(scan_error(e, path, end, reopen)),
    };
    let phase = if split {
        "parse (resource changes read in two parts)"
    } else {
        "parse"
    };
    crate::timing(phase, started);
    load_document(doc, planned_values_kept, path, options)
}

/// Reads the document, with a [`SplitRead`] when it is a large regular file (and says whether
/// the second thread's part was taken); an error comes with the offset where reading stopped.
fn read_file_document<R: Read>(
    reader: R,
    from: ReadFrom,
    planned_values_kept: bool,
    path: &Path,
) -> std::result::Result<(Option<Document>, bool), (ScanError, u64)> {
    let mut scanner = plan_scanner(Box::new(reader) as Box<dyn Read + '_>);
    let len = match from {
        ReadFrom::File => std::fs::metadata(path)
            .ok()
            .filter(|m| m.is_file())
            .map(|m| m.len()),
        ReadFrom::Stream => None,
    };
    let Some(len) = len.filter(|&len| len >= SPLIT_FROM_BYTES) else {
        return read_document(&mut scanner, planned_values_kept, None)
            .map(|doc| (doc, false))
            .map_err(|e| (e, scanner.offset()));
    };
    // The file from an offset: for the second thread, and for this one after the second
    // thread's part (this thread's reader is boxed, to be replaced by one from there).
    let file_at = |offset: u64| -> std::io::Result<std::fs::File> {
        use std::io::Seek;
        let mut file = std::fs::File::open(path)?;
        file.seek(std::io::SeekFrom::Start(offset))?;
        Ok(file)
    };
    let open_at =
        |offset: u64| -> std::io::Result<Box<dyn Read + '_>> { Ok(Box::new(file_at(offset)?)) };
    let cancel = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|scope| {
        let (to_first, boundary) = std::sync::mpsc::channel();
        let cancel = &cancel;
        let rest = scope.spawn(move || read_second_part(&file_at, len, to_first, cancel));
        let mut split = SplitRead {
            boundary,
            received: None,
            rest: Some(rest),
            cancel,
            open_at: &open_at,
        };
        let read = read_document(&mut scanner, planned_values_kept, Some(&mut split));
        // Whatever became of the second thread, it stops now (the scope waits for it).
        split.abandon();
        let taken = split.rest.is_none();
        read.map(|doc| (doc, taken))
            .map_err(|e| (e, scanner.offset()))
    })
}

/// Loads a plan or state held in memory (`path` names it in messages only).
pub fn load_bytes(bytes: &[u8], path: &Path, options: &LoadOptions) -> Result<Resources> {
    load_reader(bytes, || Ok(bytes), ReadFrom::Stream, path, options)
}

/// An error of the streamed document as an input error at its line and column.
fn scan_error<Again: Read>(
    e: ScanError,
    path: &Path,
    end: u64,
    reopen: &impl Fn() -> std::io::Result<Again>,
) -> Error {
    let (offset, message) = match &e {
        ScanError::Io(io) => return Error::input(path, format!("cannot read: {io}")),
        ScanError::Utf8 { offset } => (
            *offset,
            format!("is not UTF-8 text (invalid byte at offset {offset})"),
        ),
        ScanError::Eof => (end, "ends too early (truncated JSON)".to_string()),
        ScanError::Syntax { offset, .. } => (*offset, "is not valid JSON".to_string()),
        // serde's own wording says nothing more than ours; a field or shape we name does.
        ScanError::Data { offset, what } if what.starts_with("a value") => {
            (*offset, "has a value of the wrong type".to_string())
        }
        ScanError::Data { offset, what } => {
            (*offset, format!("has a value of the wrong type ({what})"))
        }
        ScanError::TooLarge { offset, limit } => (
            *offset,
            format!("has a single value over {} MiB", limit >> 20),
        ),
        ScanError::TooDeep { offset } => (*offset, "is nested too deeply".to_string()),
    };
    // The position needs the text before the offset: read it again (errors only).
    let mut prefix = Vec::new();
    let position = reopen()
        .and_then(|r| r.take(offset).read_to_end(&mut prefix))
        .ok()
        .map(|_| {
            let (line, column) = crate::jsonscan::line_column(&prefix);
            Position { line, column }
        });
    match position {
        Some(position) => Error::input_at(path, position, message),
        None => Error::input(path, message),
    }
}

fn load_document(
    doc: Document,
    planned_values_kept: bool,
    path: &Path,
    options: &LoadOptions,
) -> Result<Option<Resources>> {
    if let Some(resources) = doc.resources {
        if doc.version.is_some() {
            return load_raw_state(resources, path, options).map(Some);
        }
    }
    let is_plan = doc.planned_values.is_some() || doc.resource_changes.is_some();
    let is_state = doc.values.is_some();
    if !is_plan && !is_state {
        return Err(Error::input(
            path,
            "is JSON but not a Terraform plan or state (expected `terraform show -json` output or a .tfstate file)",
        ));
    }
    let format = doc.format_version.as_deref().ok_or_else(|| {
        Error::input(
            path,
            "has no format_version: not `terraform show -json` output",
        )
    })?;
    let major = format.split('.').next().unwrap_or("");
    if !KNOWN_FORMAT_MAJORS.contains(&major) {
        return Err(Error::input(
            path,
            format!(
                "uses JSON format version {format}, which this plancost does not know (it reads 0.x and 1.x)"
            ),
        ));
    }

    let started = std::time::Instant::now();
    let configuration = doc.configuration.unwrap_or_default();
    let resolver = RegionResolver::new(&configuration, &doc.variables, options);
    let config_index = index_configuration(&configuration);

    if !is_plan {
        let mut after = Vec::new();
        if let Some(root) = doc.values.and_then(|v| v.root_module) {
            walk_module(root, &mut after, Action::NoOp);
        }
        let after = finish(after, &resolver, &config_index);
        return Ok(Some(Resources {
            before: after.clone(),
            after,
            kind: InputKind::State,
            skipped: Vec::new(),
        }));
    }

    let changes = doc.resource_changes.unwrap_or_default();
    let planned = doc.planned_values.and_then(|v| v.root_module);
    let prior = doc.prior_state.and_then(|v| v.root_module);
    let sides = if planned_values_kept {
        Some(sides_from_planned_values(planned, prior, changes, path)?)
    } else {
        sides_from_changes(planned, prior, changes, path)?
    };
    crate::timing("assemble", started);
    let Some((before, after)) = sides else {
        return Ok(None);
    };
    Ok(Some(Resources {
        before: finish(before, &resolver, &config_index),
        after: finish(after, &resolver, &config_index),
        kind: InputKind::Plan,
        skipped: Vec::new(),
    }))
}

/// Both sides of a plan from `resource_changes`, in the order of `planned_values` (after) and
/// `prior_state` (before), then the changes of resources neither lists. `None` when a resource
/// listed there has no values in `resource_changes`.
fn sides_from_changes(
    planned: Option<Module>,
    prior: Option<Module>,
    changes: Vec<LoadedChange>,
    path: &Path,
) -> Result<Option<(Vec<Resource>, Vec<Resource>)>> {
    let planned = planned.map(managed_addresses).unwrap_or_default();
    let prior = prior.map(managed_addresses).unwrap_or_default();
    // Terraform lists the changes in the order of the two trees: checked, the sides are the
    // changes as they come, with no lookup by address.
    let listed_in_order = |listed: &[String], has_side: fn(&LoadedChange) -> bool| {
        let mut listed = listed.iter();
        changes
            .iter()
            .filter(|c| has_side(c))
            .all(|c| listed.next().is_some_and(|a| *a == c.address))
            && listed.next().is_none()
    };
    if listed_in_order(&planned, |c| c.after.is_some())
        && listed_in_order(&prior, |c| c.before.is_some())
    {
        let mut before = Vec::with_capacity(prior.len());
        let mut after = Vec::with_capacity(planned.len());
        for mut change in changes {
            let action = change.action(path)?;
            if let Some(values) = change.before.take() {
                before.push(change.resource(values, action));
            }
            if let Some(values) = change.after.take() {
                after.push(change.into_resource(values, action));
            }
        }
        return Ok(Some((before, after)));
    }
    fn position(addresses: &[String]) -> HashMap<&str, usize> {
        addresses
            .iter()
            .enumerate()
            .map(|(i, a)| (a.as_str(), i))
            .collect()
    }
    let (planned_at, prior_at) = (position(&planned), position(&prior));
    let mut after: Vec<Option<Resource>> = planned.iter().map(|_| None).collect();
    let mut before: Vec<Option<Resource>> = prior.iter().map(|_| None).collect();
    let (mut after_extra, mut before_extra) = (Vec::new(), Vec::new());
    for mut change in changes {
        let action = change.action(path)?;
        if let Some(values) = change.before.take() {
            let r = change.resource(values, action);
            match prior_at.get(change.address.as_str()) {
                Some(&i) => before[i] = Some(r),
                None => before_extra.push(r),
            }
        }
        let slot = planned_at.get(change.address.as_str()).copied();
        // A deleted resource has no after side (its planned values, if any, say so too).
        let Some(values) = change.after.take() else {
            continue;
        };
        if slot.is_none() && action == Action::Delete {
            continue;
        }
        // The change's last use: its strings move into the resource.
        let r = change.into_resource(values, action);
        match slot {
            Some(i) => after[i] = Some(r),
            None => after_extra.push(r),
        }
    }
    let side = |listed: Vec<Option<Resource>>, extra: Vec<Resource>| {
        let mut side: Option<Vec<Resource>> = listed.into_iter().collect();
        if let Some(side) = &mut side {
            side.extend(extra);
        }
        side
    };
    Ok(side(before, before_extra).zip(side(after, after_extra)))
}

/// The managed addresses of a module tree read without values, in the tree's order.
fn managed_addresses(module: Module) -> Vec<String> {
    fn walk(module: Module, out: &mut Vec<String>) {
        out.extend(module.managed_addresses);
        for child in module.child_modules {
            walk(child, out);
        }
    }
    let mut out = Vec::new();
    walk(module, &mut out);
    out
}

/// Both sides of a plan from `planned_values` and `prior_state` with their values, and the
/// actions and unknowns of `resource_changes`: for plans where some resource has its values
/// there only.
fn sides_from_planned_values(
    planned: Option<Module>,
    prior: Option<Module>,
    changes: Vec<LoadedChange>,
    path: &Path,
) -> Result<(Vec<Resource>, Vec<Resource>)> {
    let mut after = Vec::new();
    if let Some(root) = planned {
        walk_module(root, &mut after, Action::NoOp);
    }
    let mut before = Vec::new();
    if let Some(root) = prior {
        walk_module(root, &mut before, Action::NoOp);
    }
    let after_index: HashMap<String, usize> = after
        .iter()
        .enumerate()
        .map(|(i, r)| (r.address.clone(), i))
        .collect();
    let mut before_index: HashMap<String, usize> = before
        .iter()
        .enumerate()
        .map(|(i, r)| (r.address.clone(), i))
        .collect();
    for mut change in changes {
        let action = change.action(path)?;
        match after_index.get(&change.address) {
            Some(&i) => {
                after[i].action = action;
                after[i].unknown = std::mem::take(&mut change.unknown);
            }
            None if action != Action::Delete && change.after.is_some() => {
                // Plans older than 0.15 can omit resources from planned_values; take `after`.
                let values = change.after.take().expect("checked to be there");
                let mut r = change.resource(values, action);
                r.unknown = std::mem::take(&mut change.unknown);
                after.push(r);
            }
            None => {}
        }
        if let Some(values) = change.before.take() {
            match before_index.get(&change.address) {
                Some(&i) => {
                    before[i].values = values;
                    before[i].action = action;
                }
                None => {
                    before_index.insert(change.address.clone(), before.len());
                    before.push(change.resource(values, action));
                }
            }
        }
    }
    // Resources only in the prior state are being deleted (or are data sources, dropped above).
    Ok((before, after))
}

/// Resolves regions and configuration references once every resource of a side is known.
fn finish(
    mut resources: Vec<Resource>,
    resolver: &RegionResolver,
    config: &ConfigIndex,
) -> Vec<Resource> {
    let instances = Instances::new(resources.iter().map(|r| r.address.as_str()));
    // Each resource is resolved on its own: a large side in two halves at once.
    let resolve = |part: &[Resource]| -> Vec<(String, BTreeMap<String, Vec<String>>)> {
        // Resources of one module instance come together: its module names are worked out
        // once.
        let mut names: Option<(&str, Vec<String>)> = None;
        part.iter()
            .map(|r| {
                let module_names = match &names {
                    Some((module, names)) if *module == r.module_address => names,
                    _ => {
                        let module = r.module_address.as_str();
                        &names.insert((module, address::module_names(module))).1
                    }
                };
                let config_resource = config.get(module_names, &r.resource_type, &r.name);
                let region = resolver.region_of(
                    r,
                    config_resource.and_then(|c| c.provider_config_key.as_deref()),
                );
                let references = config_resource
                    .map(|c| resolve_references(r, &c.references, &instances))
                    .unwrap_or_default();
                (region, references)
            })
            .collect()
    };
    let resolved: Vec<_> = crate::halves::in_halves(&resources, resolve)
        .into_iter()
        .flatten()
        .collect();
    drop(instances);
    for (r, (region, references)) in resources.iter_mut().zip(resolved) {
        r.region = region;
        r.references = references;
    }
    resources
}

/// Managed resources of a module tree, values redacted by `sensitive_values`.
fn walk_module(module: Module, out: &mut Vec<Resource>, action: Action) {
    let module_address = module.address.unwrap_or_default();
    for pr in module.resources {
        if pr.mode != "managed" {
            // Data sources are read, not billed.
            continue;
        }
        let mut values = pr.values;
        redact(&mut values, &pr.sensitive_values);
        out.push(new_resource(
            &pr.address,
            &module_address,
            &pr.resource_type,
            &pr.name,
            Arc::new(values),
            action,
        ));
    }
    for child in module.child_modules {
        walk_module(child, out, action);
    }
}

fn new_resource(
    address: &str,
    module_address: &str,
    resource_type: &str,
    name: &str,
    values: Arc<Value>,
    action: Action,
) -> Resource {
    Resource {
        address: address.to_string(),
        module_address: module_address.to_string(),
        resource_type: resource_type.to_string(),
        name: name.to_string(),
        region: String::new(),
        values,
        unknown: Vec::new(),
        references: BTreeMap::new(),
        action,
        type_errors: Default::default(),
    }
}

fn load_raw_state(
    resources: Vec<RawStateResource>,
    _path: &Path,
    options: &LoadOptions,
) -> Result<Resources> {
    let configuration = Configuration::default();
    let variables = BTreeMap::new();
    let resolver = RegionResolver::new(&configuration, &variables, options);
    let mut out = Vec::new();
    for rs in resources {
        if rs.mode != "managed" {
            continue;
        }
        let module = rs.module.unwrap_or_default();
        for inst in rs.instances {
            let key = match &inst.index_key {
                Some(Value::Number(n)) => format!("[{n}]"),
                Some(Value::String(s)) => {
                    format!("[{}]", serde_json::to_string(s).unwrap_or_default())
                }
                _ => String::new(),
            };
            let base = format!("{}.{}{key}", rs.resource_type, rs.name);
            let address = if module.is_empty() {
                base
            } else {
                format!("{module}.{base}")
            };
            let mut values = inst.attributes;
            for path in &inst.sensitive_attributes {
                redact_state_path(&mut values, path);
            }
            out.push(new_resource(
                &address,
                &module,
                &rs.resource_type,
                &rs.name,
                Arc::new(values),
                Action::NoOp,
            ));
        }
    }
    let out = finish(out, &resolver, &ConfigIndex::default());
    Ok(Resources {
        before: out.clone(),
        after: out,
        kind: InputKind::State,
        skipped: Vec::new(),
    })
}

/// Replaces every value `mask` marks `true` by null. Masks mirror the value's shape.
pub fn redact(value: &mut Value, mask: &Value) {
    match (value, mask) {
        (v, Value::Bool(true)) => *v = Value::Null,
        (Value::Object(map), Value::Object(m)) => {
            for (k, sub) in m {
                if let Some(v) = map.get_mut(k) {
                    redact(v, sub);
                }
            }
        }
        (Value::Array(items), Value::Array(m)) => {
            for (v, sub) in items.iter_mut().zip(m) {
                redact(v, sub);
            }
        }
        _ => {}
    }
}

/// A raw state's sensitive path: `[{"type":"get_attr","value":"password"}, {"type":"index",...}]`.
fn redact_state_path(value: &mut Value, path: &Value) {
    let Some(steps) = path.as_array() else { return };
    let mut current = value;
    for step in steps {
        let key = step.get("value");
        let next = match (current, key) {
            (Value::Object(map), Some(Value::String(k))) => map.get_mut(k),
            (Value::Array(items), Some(Value::Number(n))) => {
                n.as_u64().and_then(|i| items.get_mut(i as usize))
            }
            (Value::Object(map), Some(Value::Object(k))) => k
                .get("value")
                .and_then(Value::as_str)
                .and_then(|k| map.get_mut(k)),
            _ => None,
        };
        match next {
            Some(v) => current = v,
            None => return,
        }
    }
    *current = Value::Null;
}

/// Configuration resources by module names, type and name, with their references per
/// attribute. Nested maps, so a lookup borrows its keys instead of building them.
#[derive(Default)]
struct ConfigIndex {
    by_module: HashMap<Vec<String>, HashMap<String, HashMap<String, IndexedConfig>>>,
}

struct IndexedConfig {
    provider_config_key: Option<String>,
    /// Attribute path → referenced `type.name` in the same module.
    references: BTreeMap<String, Vec<String>>,
}

impl ConfigIndex {
    fn get(&self, module: &[String], resource_type: &str, name: &str) -> Option<&IndexedConfig> {
        self.by_module.get(module)?.get(resource_type)?.get(name)
    }
}

fn index_configuration(configuration: &Configuration) -> ConfigIndex {
    fn walk(module: &ConfigModule, path: &mut Vec<String>, index: &mut ConfigIndex) {
        for r in &module.resources {
            let mut references = BTreeMap::new();
            collect_references(&r.expressions, "", &mut references);
            // A configuration address is `type.name` (data sources, `data.type.name`, are
            // never looked up).
            let Some((resource_type, name)) = r.address.split_once('.') else {
                continue;
            };
            index
                .by_module
                .entry(path.clone())
                .or_default()
                .entry(resource_type.to_string())
                .or_default()
                .insert(
                    name.to_string(),
                    IndexedConfig {
                        provider_config_key: r.provider_config_key.clone(),
                        references,
                    },
                );
        }
        for (name, call) in &module.module_calls {
            if let Some(child) = &call.module {
                path.push(name.clone());
                walk(child, path, index);
                path.pop();
            }
        }
    }
    let mut index = ConfigIndex::default();
    walk(&configuration.root_module, &mut Vec::new(), &mut index);
    index
}

/// Walks an `expressions` object: attributes are `{"references": [...]}` or
/// `{"constant_value": ...}`; nested blocks are objects or arrays of such objects.
fn collect_references(
    expressions: &BTreeMap<String, Value>,
    prefix: &str,
    out: &mut BTreeMap<String, Vec<String>>,
) {
    for (key, expr) in expressions {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match expr {
            Value::Object(map)
                if map.contains_key("references") || map.contains_key("constant_value") =>
            {
                if let Some(Value::Array(refs)) = map.get("references") {
                    let targets: Vec<String> = refs
                        .iter()
                        .filter_map(Value::as_str)
                        .filter_map(resource_reference)
                        .collect();
                    if !targets.is_empty() {
                        let mut targets = targets;
                        targets.dedup();
                        out.insert(path, targets);
                    }
                }
            }
            Value::Object(map) => {
                let nested: BTreeMap<String, Value> = map.clone().into_iter().collect();
                collect_references(&nested, &path, out);
            }
            Value::Array(blocks) => {
                for (i, block) in blocks.iter().enumerate() {
                    if let Value::Object(map) = block {
                        let nested: BTreeMap<String, Value> = map.clone().into_iter().collect();
                        collect_references(&nested, &format!("{path}.{i}"), out);
                    }
                }
            }
            _ => {}
        }
    }
}

/// `aws_launch_template.workers.id` → `aws_launch_template.workers`; not resources → None.
fn resource_reference(reference: &str) -> Option<String> {
    let steps = address::steps(reference);
    let first = *steps.first()?;
    if matches!(
        first,
        "var" | "local" | "module" | "data" | "each" | "count" | "path" | "terraform" | "self"
    ) {
        return None;
    }
    let name = address::without_key(steps.get(1)?);
    Some(format!("{first}.{name}"))
}

/// The addresses of one side by their address without instance key (`aws_x.y[0]` and
/// `aws_x.y[1]` under `aws_x.y`), in the order of the side, so a reference finds its instances
/// without a scan of every address.
struct Instances<'a> {
    by_base: HashMap<&'a str, Vec<&'a str>>,
}

impl<'a> Instances<'a> {
    fn new(addresses: impl ExactSizeIterator<Item = &'a str>) -> Self {
        let mut by_base: HashMap<&str, Vec<&str>> = HashMap::with_capacity(addresses.len());
        for a in addresses {
            let key = address::instance_key(a).map_or(0, str::len);
            by_base.entry(&a[..a.len() - key]).or_default().push(a);
        }
        Instances { by_base }
    }

    /// `base` itself, or its instances `base[...]`.
    fn of(&self, base: &str) -> &[&'a str] {
        self.by_base.get(base).map_or(&[], Vec::as_slice)
    }
}

/// Turns `type.name` references into the full addresses of instances on the same side: the
/// same module instance, and the same instance key when the target has several instances.
fn resolve_references(
    from: &Resource,
    references: &BTreeMap<String, Vec<String>>,
    instances: &Instances,
) -> BTreeMap<String, Vec<String>> {
    let prefix = if from.module_address.is_empty() {
        String::new()
    } else {
        format!("{}.", from.module_address)
    };
    // Needed only for a target with several instances: looked for then.
    let mut own_key = None;
    let mut out = BTreeMap::new();
    for (path, targets) in references {
        let mut resolved = Vec::new();
        for target in targets {
            let base = format!("{prefix}{target}");
            let chosen = match instances.of(&base) {
                [one] => Some((*one).to_string()),
                many => own_key
                    .get_or_insert_with(|| address::instance_key(&from.address))
                    .map(|k| format!("{base}{k}"))
                    .filter(|a| many.contains(&a.as_str())),
            };
            resolved.extend(chosen);
        }
        if !resolved.is_empty() {
            out.insert(path.clone(), resolved);
        }
    }
    out
}
