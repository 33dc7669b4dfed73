//! Importers: bytes of one file to [`InputRecords`] with provenance, or an [`InputError`] for the user.
//!
//! An importer never aborts the run: whatever goes wrong with one file becomes an error naming that
//! file (and line:column when there is one), and the other files are still read.

// The importers' building blocks are public only with the feature `internals` (the fuzz crate,
// the benchmarks and white-box tests call them one by one), hidden from the documentation.
pub(crate) mod cfb;
#[cfg(feature = "internals")]
#[doc(hidden)]
pub mod configzip;
#[cfg(not(feature = "internals"))]
pub(crate) mod configzip;
#[cfg(feature = "internals")]
#[doc(hidden)]
pub mod csv;
#[cfg(not(feature = "internals"))]
pub(crate) mod csv;
pub(crate) mod interval;
#[cfg(feature = "internals")]
#[doc(hidden)]
pub mod inventory;
#[cfg(not(feature = "internals"))]
pub(crate) mod inventory;
#[cfg(feature = "internals")]
#[doc(hidden)]
pub mod resolve;
#[cfg(not(feature = "internals"))]
pub(crate) mod resolve;
#[cfg(feature = "internals")]
#[doc(hidden)]
pub mod tbxml;
#[cfg(not(feature = "internals"))]
pub(crate) mod tbxml;
#[cfg(feature = "internals")]
#[doc(hidden)]
pub mod topology;
#[cfg(not(feature = "internals"))]
pub(crate) mod topology;
pub(crate) mod xml;

use std::path::Path;

use quick_xml::events::Event;
use serde::Serialize;

use crate::model::{Format, Input, InputRecords};
use crate::text::{self, Decoded};
use xml::{NS_TOPOLOGY, NS_TOPOLOGY_BUILDER, XmlError, XmlReader};

/// Files above this size are refused (before reading where the size is known): no real topology
/// comes near it.
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// An input that could not be read (contract `errors[]`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct InputError {
    /// The file as shown to the user (`file!entry` for an entry of an archive).
    pub path: String,
    /// What is wrong, and what to do.
    pub message: String,
    /// The line, counted from 1, when known.
    pub line: Option<u32>,
    /// The column, counted from 1, when known.
    pub column: Option<u32>,
}

impl InputError {
    pub(crate) fn new(path: &str, message: impl Into<String>) -> InputError {
        InputError {
            path: path.to_owned(),
            message: message.into(),
            line: None,
            column: None,
        }
    }

    fn from_xml(path: &str, e: XmlError) -> InputError {
        InputError {
            path: path.to_owned(),
            message: e.message,
            line: e.line,
            column: e.column,
        }
    }
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{}:{}:{}: {}", self.path, l, c, self.message),
            (Some(l), None) => write!(f, "{}:{}: {}", self.path, l, self.message),
            _ => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

/// Choices the user makes about reading inputs (from the command line).
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// `--sheet`: the inventory sheet to read instead of the first one with a recognisable header.
    pub sheet: Option<String>,
    /// `--out`: a folder walks skip (the reports of this run go there).
    pub out_dir: Option<std::path::PathBuf>,
}

/// Read one file from disk. `display` is the path as shown to the user.
pub fn import_path(
    path: &Path,
    display: &str,
    opts: &ImportOptions,
) -> Result<InputRecords, InputError> {
    let input = read_input(path, display).inspect_err(|_| crate::progress::file_read(0))?;
    crate::progress::file_read(input.len() as u64);
    let records = import_bytes_passing(&input.bytes, display, opts, &input.read_pages())?;
    input.check_unchanged(display)?;
    Ok(records)
}

/// The bytes of one input: mapped from a regular file, or read into memory where mapping is not
/// possible (a file that reports no length, like those under /proc).
pub struct InputBytes {
    bytes: Bytes,
    /// The open file and its length when mapped, to notice a file rewritten while it was read.
    mapped_from: Option<(std::fs::File, u64)>,
}

enum Bytes {
    Mapped(memmap2::Mmap),
    Read(Vec<u8>),
}

impl std::ops::Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Mapped(m) => m,
            Bytes::Read(v) => v,
        }
    }
}

impl std::ops::Deref for InputBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.bytes
    }
}

impl InputBytes {
    /// The pages of a mapped input, to drop from memory as reading passes them.
    fn read_pages(&self) -> ReadPages<'_> {
        ReadPages {
            map: match &self.bytes {
                Bytes::Mapped(map) => Some(map),
                Bytes::Read(_) => None,
            },
            bounds: 0..usize::MAX,
            released: std::cell::Cell::new(0),
        }
    }

    /// A mapped file that shrank or grew while it was imported gives an input error rather than a
    /// report on bytes that no longer exist. (A file cut shorter than the page being read at that
    /// very moment still ends the process with SIGBUS; checking the length first makes that window
    /// as small as it can be without copying the whole file.)
    fn check_unchanged(&self, display: &str) -> Result<(), InputError> {
        let Some((file, len)) = &self.mapped_from else {
            return Ok(());
        };
        match file.metadata() {
            Ok(m) if m.len() == *len => Ok(()),
            _ => Err(InputError::new(
                display,
                "the file changed while it was being read; read it again once it is complete",
            )),
        }
    }
}

/// Open and read one input within [`MAX_FILE_BYTES`]. Regular files only: a FIFO, a device like
/// /dev/zero or a socket is refused before it is opened, since reading one may never end.
pub(crate) fn read_input(path: &Path, display: &str) -> Result<InputBytes, InputError> {
    let io_error = |e: std::io::Error| InputError::new(display, io_message(&e));
    let meta = std::fs::metadata(path).map_err(io_error)?;
    not_regular(&meta, display)?;
    let file = std::fs::File::open(path).map_err(io_error)?;
    // The path may have been replaced between the two looks; the open file is what is read.
    let meta = file.metadata().map_err(io_error)?;
    not_regular(&meta, display)?;
    let len = meta.len();
    if len > MAX_FILE_BYTES {
        return Err(too_large(display, len));
    }
    if len > 0
        && let Some(map) = map_file(&file)
        && map.len() as u64 == len
    {
        return Ok(InputBytes {
            bytes: Bytes::Mapped(map),
            mapped_from: Some((file, len)),
        });
    }
    let bytes = read_bounded(&file, MAX_FILE_BYTES)
        .map_err(io_error)?
        .ok_or_else(|| too_large(display, MAX_FILE_BYTES + 1))?;
    Ok(InputBytes {
        bytes: Bytes::Read(bytes),
        mapped_from: None,
    })
}

/// Map `file` for reading; `None` when the system refuses (the caller then reads it).
// The crate denies `unsafe_code` (Cargo.toml [lints]); mapping a file is the first exception, since
// memmap2 cannot make it safe: another process may change the file under the map. Kept to this
// one call, and the two others (`drop_read_pages`, `ReadPages::utf8`) to this module next to it, so
// the exceptions stay reviewable; `forbid` would not let this `allow` through.
#[allow(unsafe_code)]
fn map_file(file: &std::fs::File) -> Option<memmap2::Mmap> {
    // SAFETY: the map is only read, and `check_unchanged` turns a file rewritten while it was
    // read into an input error. See `InputBytes::check_unchanged` for the remaining window.
    unsafe { memmap2::Mmap::map(file) }.ok()
}

/// The pages of a mapped input that reading has passed leave this process's memory, in steps of
/// [`RELEASE_STEP`] bytes, so that a large export does not stay resident as a whole on top of the
/// model built from it (issue 12: peak memory at most 1.2 times the file). Reading them again, as
/// an error message counting lines from the start does, maps them in again from the page cache.
pub(crate) struct ReadPages<'m> {
    map: Option<&'m memmap2::Mmap>,
    /// The offsets in the map whose pages this may drop: all of them, or one side of a parse split
    /// in two ([`ReadPages::split_at`]), so that neither thread drops the pages the other reads.
    bounds: std::ops::Range<usize>,
    /// Bytes from the start of the map whose pages were dropped (from `bounds.start` on).
    released: std::cell::Cell<usize>,
}

/// Bytes dropped at a time; a multiple of every base page size Linux uses (64 KiB at most), so the
/// prefix it ends stays page-aligned as `madvise` needs. Each reading thread holds up to one step
/// behind it and the step it reads in: 512 KiB rather than the 2 MiB before issue 12's seventh
/// pass, which held about 4 MB more of a file parsed on two threads (two threads, the step the
/// split falls in) for 60 more `madvise` calls on a 20 MB file.
pub(crate) const RELEASE_STEP: usize = 512 << 10;

impl<'m> ReadPages<'m> {
    /// For bytes that were not mapped: nothing to drop.
    pub(crate) fn none() -> ReadPages<'static> {
        ReadPages {
            map: None,
            bounds: 0..usize::MAX,
            released: std::cell::Cell::new(0),
        }
    }

    /// Two of these for a text read on two threads, split after `first` (a slice of the mapped
    /// bytes from their start): the first drops the whole steps before the split, the second
    /// those after it; the step the split falls in stays. (One is never shared between threads:
    /// it counts what it dropped in a `Cell`.)
    pub(crate) fn split_at(&self, first: &[u8]) -> (ReadPages<'m>, ReadPages<'m>) {
        let (map, split) = match self.map.zip(self.end_in_map(first)) {
            Some((map, split)) => (Some(map), split),
            None => (None, 0),
        };
        let side = |bounds: std::ops::Range<usize>| ReadPages {
            map,
            released: std::cell::Cell::new(bounds.start),
            bounds,
        };
        (
            side(0..split / RELEASE_STEP * RELEASE_STEP),
            side(split.div_ceil(RELEASE_STEP).saturating_mul(RELEASE_STEP)..usize::MAX),
        )
    }

    /// Reading has passed the end of `read`, a slice of the mapped bytes: the whole steps of the
    /// map before it leave memory. A slice that does not end inside the map changes nothing; one
    /// that ends before the last is a new pass from the start (the check of the encoding, then the
    /// parse, then perhaps a second parse), whose steps are dropped again as it passes them.
    pub(crate) fn passed(&self, read: &[u8]) {
        let (Some(map), Some(end)) = (self.map, self.end_in_map(read)) else {
            return;
        };
        let upto = (end / RELEASE_STEP * RELEASE_STEP).min(self.bounds.end);
        if upto < self.released.get() {
            self.released.set(self.bounds.start);
        }
        let from = self.released.get();
        if upto > from {
            drop_read_pages(map, from, upto - from);
            self.released.set(upto);
        }
    }

    /// Reading is over: every page this may drop leaves memory, including those [`Self::passed`]
    /// keeps — the last step, which the end of the map cuts short, and the step a split in two
    /// falls in, which neither side drops. Called once the text is parsed (or decoded into a copy),
    /// so that these pages (3 MB of a 20 MB export read on two threads) are not resident while the
    /// model is built from the parse (issue 12: peak memory at most 1.2 times the file). An error
    /// message reading them again maps them in again, as for any dropped page.
    pub(crate) fn read_all(&self) {
        let Some(map) = self.map else {
            return;
        };
        let end = self.bounds.end.min(map.len());
        if end > self.bounds.start {
            drop_read_pages(map, self.bounds.start, end - self.bounds.start);
            self.released.set(end);
        }
    }

    /// The offset in the map where `read` ends, if it ends inside the map.
    fn end_in_map(&self, read: &[u8]) -> Option<usize> {
        let map = self.map?;
        let end = (read.as_ptr() as usize)
            .wrapping_add(read.len())
            .wrapping_sub(map.as_ptr() as usize);
        (end <= map.len()).then_some(end)
    }
}

/// Bytes found to be UTF-8 throughout by [`ReadPages::utf8`].
pub(crate) struct Utf8Text<'b> {
    pub(crate) text: &'b str,
    /// Every byte is below 0x80.
    pub(crate) ascii: bool,
}

impl ReadPages<'_> {
    /// `bytes` as text if they are UTF-8 throughout; else the length of their longest valid prefix
    /// (what `Utf8Error::valid_up_to` of the whole would say). Checked in steps of
    /// [`RELEASE_STEP`], each dropped from memory behind the check like any read bytes, so that the
    /// check does not hold the whole of a large export at once (issue 12). From
    /// [`UTF8_TWO_THREADS_FROM_BYTES`] on, the two halves are checked at once, the second on a task
    /// of rayon's pool: on one thread the check was a tenth of the audit of a 100 MB export, with
    /// the other core idle (issue 12, ninth pass).
    pub(crate) fn utf8<'b>(&self, bytes: &'b [u8]) -> Result<Utf8Text<'b>, usize> {
        self.utf8_split_from(bytes, UTF8_TWO_THREADS_FROM_BYTES)
    }

    /// [`Self::utf8`], checking on two threads from `two_threads_from` bytes on (tests split
    /// small texts).
    // The third use of `unsafe` (see `map_file`, `drop_read_pages`): the standard library cannot
    // join text checked in parts into one `&str` without checking all of it again.
    #[allow(unsafe_code)]
    fn utf8_split_from<'b>(
        &self,
        bytes: &'b [u8],
        two_threads_from: usize,
    ) -> Result<Utf8Text<'b>, usize> {
        let ascii = if bytes.len() >= two_threads_from {
            // Cut before a byte that starts a character (or is invalid anyway): a valid first half
            // then ends at a character boundary, and an invalid one fails exactly where the whole
            // would, since every step before the cut is the same.
            let mut cut = bytes.len() / 2;
            while cut < bytes.len() && bytes[cut] & 0xC0 == 0x80 {
                cut += 1;
            }
            let (first, second) = bytes.split_at(cut);
            let (first_pages, second_pages) = self.split_at(first);
            let (first_ascii, second_ascii) = rayon::join(
                move || first_pages.check_utf8_steps(first),
                move || second_pages.check_utf8_steps(second),
            );
            // The first half's error is the earlier one; the second's counts from the cut.
            first_ascii? & second_ascii.map_err(|valid_up_to| cut + valid_up_to)?
        } else {
            self.check_utf8_steps(bytes)?
        };
        // SAFETY: every byte of `bytes` was checked by `check_utf8_steps`, whole or in two halves
        // that meet at the cut; a first half found valid ends at a character boundary, since it is
        // valid on its own, and UTF-8 strings joined end to end are UTF-8. The bytes cannot change
        // after the check: they are borrowed shared for `'b`, from a `Vec` (immutable while
        // borrowed) or from a read-only mapping, which reads the same while nobody rewrites the
        // file — the condition `map_file` already relies on for `&[u8]`, and the one a whole-file
        // `from_utf8` relied on before — and which reads the same after `drop_read_pages` too.
        let text = unsafe { std::str::from_utf8_unchecked(bytes) };
        Ok(Utf8Text { text, ascii })
    }

    /// Whether `bytes` are all ASCII, if they are UTF-8 throughout; else the length of their
    /// longest valid prefix. Checks every byte, in steps that follow each other with neither gap
    /// nor overlap: a step ends at the end of the bytes, at the end of a step found valid as a
    /// whole, or at `valid_up_to` of a step, which ends its valid prefix at a character boundary;
    /// the next step starts exactly there.
    fn check_utf8_steps(&self, bytes: &[u8]) -> Result<bool, usize> {
        // `bytes[..checked]` is UTF-8 and ends at a character boundary.
        let mut checked = 0;
        let mut ascii = true;
        while checked < bytes.len() {
            let end = checked.saturating_add(RELEASE_STEP).min(bytes.len());
            let step = &bytes[checked..end];
            if step.is_ascii() {
                checked = end;
            } else {
                ascii = false;
                match std::str::from_utf8(step) {
                    Ok(_) => checked = end,
                    // A character cut by the end of the step (never the end of the bytes): the
                    // next step starts with it. The step is far longer than a character, so the
                    // check always moves on.
                    Err(e) if e.error_len().is_none() && end < bytes.len() => {
                        checked += e.valid_up_to();
                    }
                    Err(e) => return Err(checked + e.valid_up_to()),
                }
            }
            self.passed(&bytes[..checked]);
        }
        Ok(ascii)
    }
}

/// Text from this size on is checked for UTF-8 on two threads, as the topology reader reads it
/// from this size on ([`topology::TWO_THREADS_FROM_BYTES`]).
pub(crate) const UTF8_TWO_THREADS_FROM_BYTES: usize = topology::TWO_THREADS_FROM_BYTES;

/// Drop the pages of `len` bytes of `map` from `offset` on from memory: `offset` is a multiple of
/// [`RELEASE_STEP`], and the range ends at one or at the end of the map.
// The second use of `unsafe` (see `map_file`; the third is `ReadPages::utf8_split_from`), kept in
// this module next to the mapping.
#[cfg(unix)]
#[allow(unsafe_code)]
fn drop_read_pages(map: &memmap2::Mmap, offset: usize, len: usize) {
    // SAFETY: `madvise(MADV_DONTNEED)` on a read-only file mapping (`Mmap::map`: `PROT_READ`,
    // `MAP_SHARED`) only unmaps the pages from this process: the mapping stays valid, and the next
    // access to those bytes maps the page in again from the file's page cache, as the first access
    // did. No page of a shared file mapping holds anything but the file's contents (and this one
    // is never written), so every byte reads the same before and after: a `&[u8]` or `&str` still
    // borrowing these bytes (the reader keeps the names of open elements; an error counts lines
    // from the start) stays valid and unchanged, under the same condition as the mapping itself
    // (`map_file`: nobody rewrites the file meanwhile). Only the memory the process holds
    // changes. The range starts page-aligned and lies within the map (its last page may be
    // partial, as the map's own last page is); a refusal is ignored, as the pages then simply stay.
    let _ = unsafe { map.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, offset, len) };
}

#[cfg(not(unix))]
fn drop_read_pages(_: &memmap2::Mmap, _: usize, _: usize) {}

/// All of `reader` if it holds at most `limit` bytes, `None` if it holds more. Reads at most
/// `limit + 1` bytes, so an endless source is refused after the limit, not read forever.
pub(crate) fn read_bounded(
    reader: impl std::io::Read,
    limit: u64,
) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= limit).then_some(bytes))
}

fn too_large(display: &str, len: u64) -> InputError {
    InputError::new(
        display,
        format!(
            "the file is {} MB, above the 1024 MB limit for one export",
            len >> 20
        ),
    )
}

/// An input error for anything but a regular file; what it is, in words.
fn not_regular(meta: &std::fs::Metadata, display: &str) -> Result<(), InputError> {
    if meta.is_file() {
        return Ok(());
    }
    let what = special_kind(meta);
    Err(InputError::new(
        display,
        format!(
            "{what}, not a regular file: lyncpair reads saved exports only; save the export to a file and name that file"
        ),
    ))
}

#[cfg(unix)]
fn special_kind(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_fifo() {
        "this is a named pipe (FIFO)"
    } else if t.is_char_device() || t.is_block_device() {
        "this is a device"
    } else if t.is_socket() {
        "this is a socket"
    } else if t.is_dir() {
        "this is a folder"
    } else {
        "this is a special file"
    }
}

#[cfg(not(unix))]
fn special_kind(meta: &std::fs::Metadata) -> &'static str {
    if meta.is_dir() {
        "this is a folder"
    } else {
        "this is a special file"
    }
}

pub(crate) fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".to_owned(),
        std::io::ErrorKind::PermissionDenied => {
            "permission denied: lyncpair cannot read it".to_owned()
        }
        _ => format!("cannot be read: {e}"),
    }
}

/// Legacy Excel (`.xls`) files are OLE compound documents.
pub(crate) const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Detect the kind of `bytes` by content (never by extension alone), import them, and refuse the
/// records holding invalid identifiers or counts (their errors travel in [`InputRecords::errors`]).
pub fn import_bytes(
    bytes: &[u8],
    display: &str,
    opts: &ImportOptions,
) -> Result<InputRecords, InputError> {
    import_bytes_passing(bytes, display, opts, &ReadPages::none())
}

/// [`import_bytes`] of mapped bytes, dropping the pages reading has passed.
fn import_bytes_passing(
    bytes: &[u8],
    display: &str,
    opts: &ImportOptions,
    pages: &ReadPages<'_>,
) -> Result<InputRecords, InputError> {
    let mut records = import_by_kind(bytes, display, opts, pages)?;
    let refused = crate::limits::validate(&mut records);
    records.errors.extend(refused);
    Ok(records)
}

fn import_by_kind(
    bytes: &[u8],
    display: &str,
    opts: &ImportOptions,
    pages: &ReadPages<'_>,
) -> Result<InputRecords, InputError> {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        // A DocItemSet.xml entry decides first: configuration exports are OPC packages too, with a
        // [Content_Types].xml like xlsx, so a spreadsheet check alone could claim them.
        if configzip::is_config_zip(bytes) {
            return configzip::read(bytes, display);
        }
        if inventory::is_spreadsheet_zip(bytes) {
            return inventory::read_spreadsheet(bytes, display, opts);
        }
        return configzip::read(bytes, display);
    }
    if bytes.starts_with(OLE_MAGIC) {
        return inventory::read_spreadsheet(bytes, display, opts);
    }
    // The message also names the byte offset, for files that have no lines (binary, cut-off UTF-16).
    let decoded = text::decode_passing(bytes, pages).map_err(|e| InputError {
        line: e.line_col.map(|(line, _)| line),
        column: e.line_col.map(|(_, column)| column),
        ..InputError::new(display, e.message)
    })?;
    match root_element(&decoded.text) {
        Ok(Some(root)) => import_xml(&decoded, display, &root, pages),
        Ok(None) => csv::read(&decoded, display, opts),
        Err(e) => Err(InputError::from_xml(display, e)),
    }
}

/// The first element of an XML document and where it starts.
struct Root {
    ns: String,
    local: String,
    line: u32,
    column: u32,
}

fn import_xml(
    decoded: &Decoded,
    display: &str,
    root: &Root,
    pages: &ReadPages<'_>,
) -> Result<InputRecords, InputError> {
    let input = |format: Format| Input {
        path: display.to_owned(),
        format,
        encoding: decoded.encoding.label().to_owned(),
    };
    match (root.ns.as_str(), root.local.as_str()) {
        (NS_TOPOLOGY, "Topology") => {
            let doc = topology::read_published_passing(&decoded.text, pages)
                .map_err(|e| InputError::from_xml(display, e))?;
            pages.read_all();
            let mut records = InputRecords::new(input(Format::TopologyXml));
            resolve::resolve(&doc, &mut records);
            // Freeing the parsed document of a large export takes a few milliseconds (14 M
            // instructions at 20 MB, 3 % of its audit): another thread does it while the audit
            // goes on, as the second thread of the parse is idle by now.
            if decoded.text.len() >= topology::TWO_THREADS_FROM_BYTES {
                rayon::spawn(move || drop(doc));
            }
            Ok(records)
        }
        (NS_TOPOLOGY_BUILDER, "TopologyBuilder") => tbxml::read(decoded, display),
        (ns, local) => Err(InputError {
            line: Some(root.line),
            column: Some(root.column),
            ..InputError::new(display, not_a_lync_xml(ns, local))
        }),
    }
}

/// An XML file whose root is neither a published topology nor a Topology Builder document.
fn not_a_lync_xml(ns: &str, local: &str) -> String {
    let ns = if ns.is_empty() { "no namespace" } else { ns };
    format!(
        "root element is <{local}> ({ns}): not a Lync topology export. lyncpair reads published \
         topologies (<Topology>, written by (Get-CsTopology -AsXml).ToString()) and Topology Builder \
         files (<TopologyBuilder>, .tbxml)"
    )
}

/// The namespace and local name of the first element, if the text starts like an XML document.
/// Returns `Ok(None)` when the text is not XML at all (first non-blank character is not `<`).
fn root_element(text: &str) -> Result<Option<Root>, XmlError> {
    if !text.trim_start().starts_with('<') {
        return Ok(None);
    }
    let mut r = XmlReader::new(text);
    loop {
        let (ns, event) = r.next_event()?;
        match event {
            Event::Start(e) | Event::Empty(e) => {
                // A declaration or comments may come first: point at the root itself.
                let (line, column) = text::line_col(text, r.event_start);
                return Ok(Some(Root {
                    ns: ns.into_owned(),
                    local: e.local_name().as_ref().to_owned(),
                    line,
                    column,
                }));
            }
            Event::Eof => {
                return Err(XmlError::whole_file(
                    "no XML element found: the file holds only a prolog",
                ));
            }
            _ => {}
        }
    }
}

thread_local! {
    /// Set while [`catch_panic`] runs: the panic hook stays quiet for panics it turns into errors.
    static QUIET_PANICS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Run a third-party reader so that a panic in it becomes this file's error instead of ending
/// the run, without the default hook printing a panic message and backtrace to stderr. The hook is
/// installed once and only silences panics on a thread inside this function, so it is safe when
/// files are read in parallel; any other panic is reported as before.
pub(crate) fn catch_panic<T>(f: impl FnOnce() -> T) -> Result<T, ()> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET_PANICS.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
    let was_quiet = QUIET_PANICS.with(|q| q.replace(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    QUIET_PANICS.with(|q| q.set(was_quiet));
    result.map_err(|_| ())
}

/// What a walked file is, before it is read as an input (issue 11).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Walked {
    /// An extension of an input kind (`.xml`, `.csv`, `.xlsx`, …): read it; failing is an error.
    Input,
    /// `.txt` or no extension: read it if its content is an input, else skip it with a note.
    Maybe,
    /// Anything else (`.log`, `.pdf`, `.ps1`, `.md`, …): skipped with a note.
    Other,
}

pub(crate) fn walked_kind(path: &Path) -> Walked {
    match path.extension().and_then(|e| e.to_str()) {
        None => Walked::Maybe,
        Some(ext) => match ext.to_ascii_lowercase().as_str() {
            "txt" => Walked::Maybe,
            "xml" | "tbxml" | "zip" | "csv" | "xlsx" | "xlsm" | "xls" | "ods" => Walked::Input,
            _ => Walked::Other,
        },
    }
}

/// Whether `bytes` look like a Lync topology (published or Topology Builder), whatever else is
/// wrong with them: such a file failing to import is an error, not clutter.
pub(crate) fn looks_like_topology(bytes: &[u8]) -> bool {
    let Ok(decoded) = text::decode(bytes) else {
        return false;
    };
    let head: String = decoded.text.chars().take(4096).collect();
    head.contains(NS_TOPOLOGY) || head.contains(NS_TOPOLOGY_BUILDER)
}

/// The first 4 KB of a file (enough for [`is_own_output`] and [`looks_like_topology`]).
pub(crate) fn head(path: &Path) -> Vec<u8> {
    use std::io::Read;
    let mut buf = Vec::new();
    if let Ok(f) = std::fs::File::open(path) {
        let _ = f.take(4096).read_to_end(&mut buf);
    }
    buf
}

/// Whether `bytes` (the start of a file) are a file lyncpair itself writes with `--out`:
/// `audit.json` and `plan.json` (by their `schema`), `findings.csv` (by its header row, in either
/// language and separator), or an HTML report (by its `generator`).
pub(crate) fn is_own_output(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
    let text = text.trim_start_matches('\u{feff}');
    if text.contains("<meta name=\"generator\" content=\"lyncpair ") {
        return true;
    }
    if text.trim_start().starts_with('{') {
        return text.contains("\"schema\": \"lyncpair/") || text.contains("\"schema\":\"lyncpair/");
    }
    let first = text.lines().next().unwrap_or("").to_ascii_lowercase();
    // findings.csv quotes every field (issue 9).
    let fields: Vec<&str> = first
        .split([',', ';'])
        .map(|f| f.trim().trim_matches('"'))
        .collect();
    fields.len() >= 5 && matches!(fields[0], "estate" | "umgebung") && fields.contains(&"code")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_in_a_reader_becomes_an_error_and_the_thread_goes_on() {
        assert_eq!(catch_panic(|| 7), Ok(7));
        let caught = catch_panic(|| -> u8 { panic!("reader bug") });
        assert_eq!(caught, Err(()));
        // Nested use restores the outer state; the hook stays installed once.
        assert_eq!(catch_panic(|| catch_panic(|| panic!("inner"))), Ok(Err(())));
        assert!(!QUIET_PANICS.with(std::cell::Cell::get));
    }

    #[test]
    fn reading_stops_one_byte_past_the_limit() {
        assert_eq!(
            read_bounded(&b"abcd"[..], 4).unwrap(),
            Some(b"abcd".to_vec())
        );
        assert_eq!(read_bounded(&b"abcde"[..], 4).unwrap(), None);
        // An endless source ends too.
        assert_eq!(read_bounded(std::io::repeat(b'x'), 1000).unwrap(), None);
    }

    #[test]
    fn a_regular_file_is_mapped_and_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.csv");
        std::fs::write(&path, "Pool,Site\n").unwrap();
        let input = read_input(&path, "a.csv").unwrap();
        assert_eq!(&*input, b"Pool,Site\n");
        assert!(matches!(input.bytes, Bytes::Mapped(_)));
        assert_eq!(input.check_unchanged("a.csv"), Ok(()));
        // Rewritten while it was being read: an input error, not a report on stale bytes.
        std::fs::write(&path, "Pool,Site\nx,y\n").unwrap();
        let e = input.check_unchanged("a.csv").unwrap_err();
        assert!(
            e.message.contains("changed while it was being read"),
            "{e:?}"
        );
    }

    /// A mapped file of `a`s, 100 bytes longer than three steps; the folder holding it goes with
    /// the first value.
    fn mapped_file_of_three_steps_and_a_bit() -> (tempfile::TempDir, InputBytes) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.xml");
        std::fs::write(&path, vec![b'a'; 3 * RELEASE_STEP + 100]).unwrap();
        let input = read_input(&path, "big.xml").unwrap();
        (dir, input)
    }

    #[test]
    fn pages_split_in_two_are_dropped_each_on_its_own_side() {
        let (_dir, input) = mapped_file_of_three_steps_and_a_bit();
        let pages = input.read_pages();
        let (first, second) = pages.split_at(&input[..RELEASE_STEP + 10]);
        assert_eq!(first.bounds, 0..RELEASE_STEP);
        assert_eq!(second.bounds, 2 * RELEASE_STEP..usize::MAX);
        // The first side never drops past the split's step, even when told of more.
        first.passed(&input[..3 * RELEASE_STEP]);
        assert_eq!(first.released.get(), RELEASE_STEP);
        // The second side drops nothing before its own first step, then each step passed.
        second.passed(&input[..2 * RELEASE_STEP - 1]);
        assert_eq!(second.released.get(), 2 * RELEASE_STEP);
        second.passed(&input[..]);
        assert_eq!(second.released.get(), 3 * RELEASE_STEP);
        // A new pass from the start goes back to the side's own start.
        second.passed(&input[..10]);
        assert_eq!(second.released.get(), 2 * RELEASE_STEP);
        // Bytes not in the map: neither side drops anything.
        let (first, second) = pages.split_at(b"not mapped");
        assert!(first.map.is_none() && second.map.is_none());
        assert_eq!(input.check_unchanged("big.xml"), Ok(()));
    }

    /// The resident memory of the mapping that holds `bytes`, in KB, from `/proc/self/smaps`.
    #[cfg(target_os = "linux")]
    fn resident_kb(bytes: &[u8]) -> u64 {
        let at = bytes.as_ptr() as usize;
        let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
        let mut in_map = false;
        for line in smaps.lines() {
            if let Some((range, _)) = line.split_once(' ')
                && let Some((start, end)) = range.split_once('-')
                && let (Ok(start), Ok(end)) = (
                    usize::from_str_radix(start, 16),
                    usize::from_str_radix(end, 16),
                )
            {
                in_map = (start..end).contains(&at);
            } else if in_map && let Some(kb) = line.strip_prefix("Rss:") {
                return kb.trim().trim_end_matches(" kB").parse().unwrap();
            }
        }
        panic!("no mapping holds the bytes")
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn once_read_all_no_page_of_the_file_stays_resident() {
        let (_dir, input) = mapped_file_of_three_steps_and_a_bit();
        let pages = input.read_pages();
        let (first, second) = pages.split_at(&input[..RELEASE_STEP + 10]);
        first.passed(&input[..RELEASE_STEP + 10]);
        second.passed(&input[..]);
        // Each side keeps the step the split falls in and the last, partial step.
        assert_eq!(input.iter().filter(|&&b| b == b'a').count(), input.len());
        assert!(resident_kb(&input) > 0);
        pages.read_all();
        assert_eq!(resident_kb(&input), 0);
        // Read again, they map in again with the same bytes.
        assert_eq!(input.iter().filter(|&&b| b == b'a').count(), input.len());
    }

    /// The check in steps says what one `str::from_utf8` of the whole would say, also for a
    /// character cut by a step's end and for bad bytes on either side of it.
    #[test]
    fn utf8_checked_in_steps_or_halves_agrees_with_the_whole_check() {
        let pages = ReadPages::none();
        let mut cases = Vec::new();
        for cut in [
            RELEASE_STEP - 3,
            RELEASE_STEP - 2,
            RELEASE_STEP - 1,
            RELEASE_STEP,
        ] {
            for ch in ["é", "€", "𝄞"] {
                let mut bytes = vec![b'a'; cut];
                bytes.extend_from_slice(ch.as_bytes());
                bytes.extend_from_slice(b"tail");
                cases.push(bytes.clone());
                // The character cut short at the step's end, then at the very end of the bytes.
                let mut broken = bytes.clone();
                broken[cut + ch.len() - 1] = b'x';
                cases.push(broken);
                cases.push(bytes[..cut + ch.len() - 1].to_vec());
                // A bad byte just after the character.
                let mut bad = bytes.clone();
                bad[cut + ch.len()] = 0xFF;
                cases.push(bad);
            }
        }
        cases.push(b"plain ascii".to_vec());
        cases.push(vec![0xC3]);
        // Texts checked in two halves: a character, whole or broken, at and around the cut.
        for ch in ["é", "€", "𝄞"] {
            for before in 0..6 {
                let mut bytes = vec![b'a'; 8 + before];
                bytes.extend_from_slice(ch.as_bytes());
                bytes.extend_from_slice(&[b'b'; 8]);
                cases.push(bytes.clone());
                for at in 0..ch.len() {
                    let mut broken = bytes.clone();
                    broken[8 + before + at] = if at == 0 { 0x80 } else { b'x' };
                    cases.push(broken);
                }
                let mut bad_tail = bytes.clone();
                bad_tail.push(0xFF);
                cases.push(bad_tail);
            }
        }
        for bytes in &cases {
            for two_threads_from in [0, UTF8_TWO_THREADS_FROM_BYTES] {
                let checked = pages.utf8_split_from(bytes, two_threads_from);
                same_as_whole_check(bytes, checked);
            }
        }
    }

    fn same_as_whole_check(bytes: &[u8], checked: Result<Utf8Text<'_>, usize>) {
        match (checked, std::str::from_utf8(bytes)) {
            (Ok(checked), Ok(whole)) => {
                assert_eq!(checked.text, whole);
                assert_eq!(checked.ascii, whole.is_ascii());
            }
            (Err(valid_up_to), Err(e)) => assert_eq!(valid_up_to, e.valid_up_to(), "{bytes:?}"),
            (ours, whole) => panic!(
                "{} bytes: steps {:?}, whole {whole:?}",
                bytes.len(),
                ours.map(|c| c.text.len())
            ),
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn dev_zero_is_refused_without_reading_it() {
        let e = read_input(Path::new("/dev/zero"), "/dev/zero")
            .err()
            .unwrap();
        assert!(
            e.message
                .starts_with("this is a device, not a regular file"),
            "{e:?}"
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_fifo_is_refused_without_opening_it() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("export.xml");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        // Opening a FIFO nobody writes to would block: the refusal must come from its metadata.
        let e = read_input(&fifo, "export.xml").err().unwrap();
        assert!(
            e.message.starts_with("this is a named pipe (FIFO)"),
            "{e:?}"
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_proc_file_without_a_length_is_read_not_mapped() {
        let input = read_input(Path::new("/proc/self/status"), "status").unwrap();
        assert!(matches!(input.bytes, Bytes::Read(_)));
        assert!(input.starts_with(b"Name:"));
    }
}
