//! Shared pieces of the XML importers: namespaces, a reader that knows its line, user-facing errors.
//!
//! Text is decoded before parsing (see [`crate::text`]) so that line:column in errors are exact for
//! UTF-16 exports too. No DTD is ever read and no entity other than the five predefined ones and
//! character references is expanded: a DOCTYPE is refused outright, since no Lync export carries one.

use std::borrow::Cow;
use std::ops::ControlFlow;

use quick_xml::Reader;
use quick_xml::errors::{Error as QuickXmlError, SyntaxError};
use quick_xml::events::{BytesEnd, BytesRef, BytesStart, BytesText, Event};
use quick_xml::name::{NamespaceResolver, ResolveResult};

use super::{RELEASE_STEP, ReadPages};
use crate::text::line_col;

pub const NS_TOPOLOGY: &str = "urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008";
pub const NS_SERVICE_ROLES: &str = "urn:schema:Microsoft.Rtc.Management.Deploy.ServiceRoles.2008";
pub const NS_TOPOLOGY_BUILDER: &str =
    "urn:schema:Microsoft.Rtc.Management.Deploy.TopologyBuilder.2008";
pub const NS_WRITABLE_TOPOLOGY: &str =
    "urn:schema:Microsoft.Rtc.Management.Deploy.WritableTopology.2008";

/// An XML problem at a place in the file, before the path is attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlError {
    pub message: String,
    pub line: Option<u32>,
    pub column: Option<u32>,
}

impl XmlError {
    pub fn at(text: &str, offset: usize, message: impl Into<String>) -> XmlError {
        let (line, column) = line_col(text, offset);
        XmlError {
            message: message.into(),
            line: Some(line),
            column: Some(column),
        }
    }

    pub fn whole_file(message: impl Into<String>) -> XmlError {
        XmlError {
            message: message.into(),
            line: None,
            column: None,
        }
    }
}

/// Elements nest at most about 15 deep in any Lync export (a `.tbxml` inside a configuration zip);
/// anything far deeper is not an export, and refusing it keeps every later pass bounded.
pub const MAX_DEPTH: usize = 256;

/// A quick-xml error in words for the user. Syntax errors all mean the input ended inside markup.
fn not_well_formed(e: &QuickXmlError) -> String {
    match e {
        QuickXmlError::Syntax(s) if *s != SyntaxError::InvalidBangMarkup => {
            format!("the file ends inside a tag ({s}): the export is truncated; export it again")
        }
        _ => format!("not well-formed XML: {e}"),
    }
}

/// The namespace URI of an element; an unbound or unknown prefix gives an empty namespace.
/// The namespaces lyncpair matches on are borrowed, so the hot loop allocates nothing for them.
pub fn ns_of(resolved: &ResolveResult<'_>) -> Cow<'static, str> {
    match resolved {
        ResolveResult::Bound(ns) => {
            match [
                NS_TOPOLOGY,
                NS_SERVICE_ROLES,
                NS_TOPOLOGY_BUILDER,
                NS_WRITABLE_TOPOLOGY,
            ]
            .into_iter()
            .find(|known| *known == ns.0)
            {
                Some(known) => Cow::Borrowed(known),
                None => Cow::Owned(ns.0.to_owned()),
            }
        }
        _ => Cow::Borrowed(""),
    }
}

/// A namespace-aware reader over decoded text that tracks the line of the element just read.
///
/// Namespaces are tracked here rather than by quick-xml's `NsReader`, which scans the attributes
/// of every tag for declarations. Only a tag whose attributes mention `xmlns` can declare one, and
/// in a topology export few do (the root and the role-specific elements); skipped subtrees are
/// tokenized without any namespace work at all.
pub struct XmlReader<'a> {
    reader: Reader<&'a [u8]>,
    namespaces: NamespaceResolver,
    /// The last event was an empty element: its namespace scope closes before the next event.
    close_empty_scope: bool,
    text: &'a str,
    counted_to: usize,
    counted_line: u32,
    /// Byte offset where the last event returned by [`XmlReader::next_event`] began.
    pub event_start: usize,
    /// Elements open at the current position, to refuse absurdly deep documents ([`MAX_DEPTH`]).
    depth: usize,
    /// Bytes of `text` passed over by [`XmlReader::skip`] without quick-xml seeing them: its
    /// positions count from there.
    skipped: usize,
    /// Whether [`XmlReader::skip`] may search bytes (off only in tests, to compare with tokenizing).
    fast_skip: bool,
    /// Set by [`XmlReader::read_narrowly`]: the rest of the document is read by [`Narrow`], not
    /// by quick-xml.
    narrow: Option<Narrow<'a>>,
    /// The pages of a mapped file to drop as the reader passes them, and the offset in `text`
    /// from which it next tells them.
    pages: Option<&'a ReadPages<'a>>,
    tell_pages_at: usize,
}

/// Which tokenizer reads the elements of a topology that are read rather than skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tokenizer {
    /// quick-xml, event by event: reads any well-formed document and words every error.
    QuickXml,
    /// [`Narrow`]: the plain markup of an export only, several times cheaper per event. It gives
    /// up (an error) on anything else, and the caller then reads the document again with quick-xml.
    Narrow,
}

/// A tokenizer for the plain markup a topology export is made of: start, empty and end tags with
/// unprefixed names, `key="value"` attributes without references or line breaks, `xmlns="…"`
/// declarations, and text without references. Where it accepts the input it produces the same
/// events, positions and attribute values as quick-xml does; on anything else (a comment, CDATA,
/// a reference, a prefix, a mismatched end tag, the end of the file, …) it returns an error and
/// the document is read again by quick-xml, which words the error exactly as before. Its errors
/// are therefore never shown to anyone.
struct Narrow<'a> {
    /// Byte offset in the text where the next event begins.
    pos: usize,
    /// Names of the elements open at `pos`, innermost last.
    open: Vec<&'a str>,
    /// The default namespace in scope inside each element of `open`.
    namespaces: Vec<Cow<'static, str>>,
    /// Whether whitespace-only text is an event ([`XmlReader::text_content`] joins text pieces;
    /// every other reader ignores blank text, so it is passed over unreported).
    blank_text: bool,
    /// The attributes of the last tag that mentioned `xmlns`, and what [`default_namespace`] made
    /// of them: in an export the same declaration stands on thousands of `Ports` tags.
    last_declaration: Option<(&'a str, Option<Cow<'static, str>>)>,
    /// Where to stop with [`Event::Eof`]: the offset of a tag, where a second thread reads on
    /// ([`XmlReader::stop_at`]); `usize::MAX` otherwise.
    stop: usize,
}

/// What reading on with [`Tokenizer::Narrow`] from a tag depends on besides the text itself:
/// the open elements, the default namespace inside each, and the depth. Compared to let a second
/// thread start reading where a first one stops ([`XmlReader::resume_inside`]).
#[derive(Debug, PartialEq, Eq)]
pub struct NarrowState {
    open: Vec<String>,
    namespaces: Vec<Cow<'static, str>>,
    depth: usize,
    blank_text: bool,
}

impl<'a> Narrow<'a> {
    /// [`default_namespace`] of a tag's attributes, looked up again only when they differ from
    /// the last tag's that mentioned `xmlns`.
    fn declaration(&mut self, attributes: &'a str) -> Option<Option<Cow<'static, str>>> {
        if let Some((last, declared)) = &self.last_declaration
            && *last == attributes
        {
            return Some(declared.clone());
        }
        let declared = default_namespace(attributes)?;
        self.last_declaration = Some((attributes, declared.clone()));
        Some(declared)
    }
}

/// Why [`Narrow`] stopped; the caller reads the document again with quick-xml.
fn not_narrow() -> XmlError {
    XmlError::whole_file("not plain markup: read again with quick-xml")
}

impl<'a> XmlReader<'a> {
    pub fn new(text: &'a str) -> XmlReader<'a> {
        let mut reader = Reader::from_str(text);
        let config = reader.config_mut();
        config.trim_text(false);
        config.check_end_names = true;
        config.expand_empty_elements = false;
        XmlReader {
            reader,
            namespaces: NamespaceResolver::default(),
            close_empty_scope: false,
            text,
            counted_to: 0,
            counted_line: 1,
            event_start: 0,
            depth: 0,
            skipped: 0,
            fast_skip: true,
            narrow: None,
            pages: None,
            tell_pages_at: 0,
        }
    }

    /// Drop the pages of the mapped file `text` lies in as the reader passes them.
    pub(crate) fn drop_pages_passed(&mut self, pages: &'a ReadPages<'a>) {
        self.pages = Some(pages);
    }

    /// Tell the mapped file's pages where the reader has got to, once per [`RELEASE_STEP`] bytes.
    fn tell_pages(&mut self) {
        if self.event_start >= self.tell_pages_at
            && let Some(pages) = self.pages
        {
            pages.passed(&self.text.as_bytes()[..self.event_start]);
            self.tell_pages_at = self.event_start + RELEASE_STEP;
        }
    }

    /// Read the rest of the document with [`Tokenizer::Narrow`], from just after the start tag of
    /// `root` (the event just returned, in namespace `ns`).
    pub fn read_narrowly(&mut self, root: &BytesStart<'a>, ns: Cow<'static, str>) {
        // The root's name as a slice of the text (the event borrows it from there), so that the
        // end tag can be compared with it like every other element's.
        let name = root.name();
        let name = name.as_ref();
        let offset = (name.as_ptr() as usize).wrapping_sub(self.text.as_ptr() as usize);
        let pos = self.position();
        // quick-xml's positions must be offsets into the text, as they are unless it passed over
        // something by itself (a byte order mark left in the text): else quick-xml reads on.
        let Some(name) = self
            .text
            .get(offset..offset.saturating_add(name.len()))
            .filter(|in_text| {
                *in_text == name
                    && offset == self.event_start + 1
                    && self.text.as_bytes().get(pos.wrapping_sub(1)) == Some(&b'>')
            })
        else {
            return;
        };
        self.narrow = Some(Narrow {
            pos,
            open: vec![name],
            namespaces: vec![ns],
            blank_text: false,
            last_declaration: None,
            stop: usize::MAX,
        });
    }

    /// Stop [`Tokenizer::Narrow`] at the tag starting at `at`, where another reader goes on: the
    /// next event from there on is [`Event::Eof`]. Nothing changes when the reader is not narrow.
    pub fn stop_at(&mut self, at: usize) {
        if let Some(n) = self.narrow.as_mut() {
            n.stop = at;
        }
    }

    /// The last event was the [`Event::Eof`] of [`XmlReader::stop_at`], exactly at the tag named
    /// there (a skip or a comment that runs past it ends the reading further on).
    pub fn stopped(&self) -> bool {
        self.narrow
            .as_ref()
            .is_some_and(|n| n.stop == self.event_start)
    }

    /// The state [`Tokenizer::Narrow`] reads on from; `None` when the reader is not narrow.
    pub fn narrow_state(&self) -> Option<NarrowState> {
        let n = self.narrow.as_ref()?;
        Some(NarrowState {
            open: n.open.iter().map(|name| (*name).to_owned()).collect(),
            namespaces: n.namespaces.clone(),
            depth: self.depth,
            blank_text: n.blank_text,
        })
    }

    /// Go on with [`Tokenizer::Narrow`] at the tag starting at `at`, as if the start tag of an
    /// element `name` (declaring no namespace) had just been read and everything before `at`
    /// had been its content: the second of two threads reading one document starts there. It
    /// cannot know the state at `at` before the first thread has read that far; it assumes this
    /// one, and the caller compares it with the first thread's [`XmlReader::narrow_state`] where
    /// that one stopped. Lines are counted from `at`, as line 1. `None` when not narrow.
    pub fn resume_inside(&mut self, name: &'a str, at: usize) -> Option<()> {
        let n = self.narrow.as_mut()?;
        let ns = n.namespaces.last().cloned().unwrap_or_default();
        n.open.push(name);
        n.namespaces.push(ns);
        n.pos = at;
        self.enter().ok()?;
        self.event_start = at;
        self.counted_to = at;
        self.counted_line = 1;
        Some(())
    }

    /// The next event with its namespace; a DOCTYPE and XML errors become [`XmlError`]s.
    pub fn next_event(&mut self) -> Result<(Cow<'static, str>, Event<'a>), XmlError> {
        self.tell_pages();
        if self.narrow.is_some() {
            return self.narrow_event();
        }
        if self.close_empty_scope {
            self.namespaces.pop();
            self.close_empty_scope = false;
        }
        self.event_start = self.position();
        let event = match self.reader.read_event() {
            Ok(event) => event,
            Err(e) => return Err(self.error_at_error_position(not_well_formed(&e))),
        };
        let ns = match &event {
            Event::Start(e) => {
                self.enter()?;
                self.open_scope(e)?;
                ns_of(&self.namespaces.resolve_element(e.name()).0)
            }
            Event::Empty(e) => {
                self.open_scope(e)?;
                self.close_empty_scope = true;
                ns_of(&self.namespaces.resolve_element(e.name()).0)
            }
            Event::End(e) => {
                let ns = ns_of(&self.namespaces.resolve_element(e.name()).0);
                self.namespaces.pop();
                self.depth = self.depth.saturating_sub(1);
                ns
            }
            Event::DocType(_) => {
                return Err(self.error_here(
                    "the document contains a DOCTYPE (DTD); Lync exports never do, and lyncpair never reads DTDs \
                     or expands their entities",
                ));
            }
            _ => Cow::Borrowed(""),
        };
        Ok((ns, event))
    }

    /// The next event of [`Tokenizer::Narrow`]; an error for anything it does not read.
    fn narrow_event(&mut self) -> Result<(Cow<'static, str>, Event<'a>), XmlError> {
        let text = self.text;
        let bytes = text.as_bytes();
        let Some(n) = self.narrow.as_mut() else {
            return Err(not_narrow());
        };
        let lt = loop {
            let from = n.pos;
            // The end of the file inside the root is an error quick-xml words: not read here.
            let (lt, blank) = next_markup(bytes, from).ok_or_else(not_narrow)?;
            if bytes[lt] == b'&' {
                return Err(not_narrow());
            }
            if lt > from && (n.blank_text || !blank) {
                n.pos = lt;
                self.event_start = from;
                return Ok((
                    Cow::Borrowed(""),
                    Event::Text(BytesText::from_escaped(&text[from..lt])),
                ));
            }
            // A comment is passed over, as every reader of events ignores comments. One that
            // starts with `-` is left to quick-xml, so that both find the same `-->` as its end.
            if bytes[lt + 1..].starts_with(b"!--") && bytes.get(lt + 4).is_some_and(|&b| b != b'-')
            {
                let end = memchr::memmem::find(&bytes[lt + 4..], b"-->").ok_or_else(not_narrow)?;
                n.pos = lt + 4 + end + 3;
                continue;
            }
            if lt >= n.stop {
                self.event_start = lt;
                return Ok((Cow::Borrowed(""), Event::Eof));
            }
            break lt;
        };
        self.event_start = lt;
        match bytes.get(lt + 1) {
            Some(b'/') => {
                let name_end =
                    lt + 2 + memchr::memchr(b'>', &bytes[lt + 2..]).ok_or_else(not_narrow)?;
                let name = &text[lt + 2..name_end];
                if n.open.pop() != Some(name) {
                    return Err(not_narrow());
                }
                let ns = n.namespaces.pop().unwrap_or_default();
                n.pos = name_end + 1;
                self.depth = self.depth.saturating_sub(1);
                Ok((ns, Event::End(BytesEnd::new(name))))
            }
            Some(&b) if b.is_ascii_alphabetic() || b == b'_' => {
                let gt = tag_end(bytes, lt + 1).ok_or_else(not_narrow)?;
                let tag = &text[lt + 1..gt];
                let (content, empty) = match tag.strip_suffix('/') {
                    Some(content) => (content, true),
                    None => (tag, false),
                };
                // The name ends at whitespace; a prefix, or a byte quick-xml may read otherwise
                // than this does, is left to quick-xml. One pass finds either.
                let name_len = content
                    .bytes()
                    .position(|b| is_xml_space(b) || matches!(b, b':' | b'/' | b'"' | b'\'' | b'<'))
                    .unwrap_or(content.len());
                if content
                    .as_bytes()
                    .get(name_len)
                    .is_some_and(|&b| !is_xml_space(b))
                {
                    return Err(not_narrow());
                }
                let name = &content[..name_len];
                let attributes = &content.as_bytes()[name_len..];
                let declared = if may_declare_namespace(attributes) {
                    n.declaration(&content[name_len..]).ok_or_else(not_narrow)?
                } else {
                    None
                };
                let ns =
                    declared.unwrap_or_else(|| n.namespaces.last().cloned().unwrap_or_default());
                n.pos = gt + 1;
                let start = BytesStart::from_content(content, name_len);
                if empty {
                    return Ok((ns, Event::Empty(start)));
                }
                n.open.push(name);
                n.namespaces.push(ns.clone());
                self.enter().map_err(|_| not_narrow())?;
                Ok((ns, Event::Start(start)))
            }
            _ => Err(not_narrow()),
        }
    }

    /// [`XmlReader::skip`] for [`Tokenizer::Narrow`]: plain content only, else an error.
    fn narrow_skip(&mut self) -> Result<(), XmlError> {
        let bytes = self.text.as_bytes();
        let depth = self.depth;
        let n = self.narrow.as_mut().ok_or_else(not_narrow)?;
        let end_tag = plain_content_end(bytes, n.pos, depth).ok_or_else(not_narrow)?;
        let name_end =
            end_tag + 2 + memchr::memchr(b'>', &bytes[end_tag + 2..]).ok_or_else(not_narrow)?;
        if n.open.pop().map(str::as_bytes) != Some(&bytes[end_tag + 2..name_end]) {
            return Err(not_narrow());
        }
        n.namespaces.pop();
        n.pos = name_end + 1;
        self.event_start = end_tag;
        self.depth -= 1;
        Ok(())
    }

    /// Open the namespace scope of a start tag, reading its declarations if it can have any.
    fn open_scope(&mut self, start: &BytesStart<'_>) -> Result<(), XmlError> {
        if may_declare_namespace(start.attributes_raw().as_bytes()) {
            self.namespaces
                .push(start)
                .map_err(|e| self.error_here(not_well_formed(&QuickXmlError::Namespace(e))))
        } else {
            // No declaration: the same as `push`, without looking at the attributes.
            self.namespaces.set_level(self.namespaces.level() + 1);
            Ok(())
        }
    }

    /// Count one more open element; an error once [`MAX_DEPTH`] is passed.
    fn enter(&mut self) -> Result<(), XmlError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error_here(format!(
                "elements nest more than {MAX_DEPTH} levels deep here; a Lync export nests about 15 at most, \
                 so this is not a topology export"
            )));
        }
        Ok(())
    }

    /// 1-based line of the event just read. Counting is incremental, so the whole file is scanned once.
    pub fn line(&mut self) -> u32 {
        let target = self.event_start.min(self.text.len());
        if target < self.counted_to {
            // Never happens in a forward pass; recount from the start rather than give a wrong line.
            self.counted_to = 0;
            self.counted_line = 1;
        }
        let newlines =
            memchr::memchr_iter(b'\n', &self.text.as_bytes()[self.counted_to..target]).count();
        self.counted_line = self
            .counted_line
            .saturating_add(u32::try_from(newlines).unwrap_or(u32::MAX));
        self.counted_to = target;
        self.counted_line
    }

    /// Local name of the start tag that begins at `offset` (an [`XmlReader::event_start`] of an
    /// earlier event), for messages about an element opened before.
    pub fn local_name_at(&self, offset: usize) -> &'a str {
        let tag = self.text.get(offset + 1..).unwrap_or_default();
        let end = tag
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .unwrap_or(tag.len());
        let name = &tag[..end];
        name.split_once(':').map_or(name, |(_, local)| local)
    }

    pub fn error_here(&self, message: impl Into<String>) -> XmlError {
        XmlError::at(self.text, self.event_start, message)
    }

    fn error_at_error_position(&self, message: String) -> XmlError {
        XmlError::at(
            self.text,
            self.skipped + self.offset(self.reader.error_position()),
            message,
        )
    }

    /// Byte offset in `text` where quick-xml reads next.
    fn position(&self) -> usize {
        self.skipped + self.offset(self.reader.buffer_position())
    }

    /// A quick-xml position as an offset into `text`; a position past the text (it cannot be, as
    /// quick-xml reads `text`) is clamped to its end.
    fn offset(&self, position: u64) -> usize {
        usize::try_from(position).map_or(self.text.len(), |p| p.min(self.text.len()))
    }

    /// Skip the element whose start tag was just read, without looking at its content.
    ///
    /// Not `read_to_end`: that cannot see how deep the skipped content nests, and on a cut-off
    /// file it reports no usable position.
    ///
    /// Plain content (elements, attributes and text, as in the `Ports` and `WebComponents` noise of
    /// an export) is passed over by searching its bytes for the matching end tag, which quick-xml
    /// then reads. Anything else — a comment, CDATA, a processing instruction, a reference, an end
    /// tag that does not match, nesting past [`MAX_DEPTH`] or the end of the file — is tokenized
    /// event by event as before, so every error keeps its message and line:column.
    pub fn skip(&mut self, start: &BytesStart<'_>) -> Result<(), XmlError> {
        if self.narrow.is_some() {
            return self.narrow_skip();
        }
        let opened_at = self.event_start;
        let outer = self.depth;
        let from = self.position();
        let end = self
            .fast_skip
            .then(|| plain_content_end(self.text.as_bytes(), from, self.depth))
            .flatten();
        if let Some(end_tag) = end {
            // Hand quick-xml the input from the `</` of the matching end tag on: it reads that end
            // tag itself, checks its name and closes the element on its own stack.
            let rest = self.reader.get_mut();
            *rest = &rest[end_tag - from..];
            self.skipped += end_tag - from;
        }
        loop {
            self.event_start = self.position();
            match self.reader.read_event() {
                Ok(Event::Start(_)) => self.enter()?,
                Ok(Event::End(_)) => {
                    self.depth -= 1;
                    if self.depth < outer {
                        // The scope `next_event` opened for the skipped element's start tag.
                        self.namespaces.pop();
                        return Ok(());
                    }
                }
                Ok(Event::DocType(_)) => {
                    return Err(self.error_here("a DOCTYPE inside an element: not a Lync export"));
                }
                Ok(Event::Eof) => {
                    let (line, _) = line_col(self.text, opened_at);
                    let name = start.name().as_ref().to_owned();
                    return Err(self.error_here(format!(
                        "the file ends inside <{name}> opened at line {line}: the export is truncated"
                    )));
                }
                Ok(_) => {}
                Err(e) => return Err(self.error_at_error_position(not_well_formed(&e))),
            }
        }
    }

    /// Value of an unprefixed attribute by local name, with the predefined entities resolved.
    pub fn attr(&self, start: &BytesStart<'a>, local: &str) -> Result<Option<String>, XmlError> {
        if self.narrow.is_some() {
            let mut first = None;
            plain_attributes(start.attributes_raw(), |_, key, value| {
                if key == local {
                    first = Some(value.to_owned());
                    return ControlFlow::Break(());
                }
                ControlFlow::Continue(())
            })
            .ok_or_else(not_narrow)?;
            return Ok(first);
        }
        // Duplicate-attribute checks cost a quadratic scan per element and are not needed to read values.
        for attr in start.attributes().with_checks(false) {
            let attr = attr.map_err(|e| self.error_here(format!("malformed attribute: {e}")))?;
            if attr.key.local_name().as_ref() == local {
                let value = attr
                    .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .map_err(|e| self.error_here(format!("attribute {local}: {e}")))?;
                return Ok(Some(value.into_owned()));
            }
        }
        Ok(None)
    }

    /// Several attributes by local name in one pass over the tag (hot path of the topology readers).
    /// Values borrow from the tag unless an entity or a line break had to be replaced.
    pub fn attrs<'s, const N: usize>(
        &self,
        start: &'s BytesStart<'a>,
        locals: [&str; N],
    ) -> Result<[Option<Cow<'s, str>>; N], XmlError> {
        let mut found: [Option<Cow<'s, str>>; N] = std::array::from_fn(|_| None);
        if self.narrow.is_some() {
            // Every attribute, as quick-xml reads every one here (and fails on a malformed one).
            plain_attributes(start.attributes_raw(), |_, key, value| {
                if let Some(i) = locals.iter().position(|l| *l == key) {
                    found[i] = Some(Cow::Borrowed(value));
                }
                ControlFlow::Continue(())
            })
            .ok_or_else(not_narrow)?;
            return Ok(found);
        }
        for attr in start.attributes().with_checks(false) {
            let attr = attr.map_err(|e| self.error_here(format!("malformed attribute: {e}")))?;
            let key = attr.key.local_name();
            if let Some(i) = locals.iter().position(|l| *l == key.as_ref()) {
                let value = attr
                    .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .map_err(|e| self.error_here(format!("attribute {}: {e}", locals[i])))?;
                found[i] = Some(value);
            }
        }
        Ok(found)
    }

    /// Every attribute as (local name, value): for role-specific elements whose attributes are all kept.
    // No importer keeps every attribute of an element at the moment.
    #[allow(dead_code)]
    pub fn all_attrs(&self, start: &BytesStart<'a>) -> Result<Vec<(String, String)>, XmlError> {
        let mut out = Vec::new();
        for attr in start.attributes() {
            let attr = attr.map_err(|e| self.error_here(format!("malformed attribute: {e}")))?;
            let key = attr.key;
            if key.as_ref() == "xmlns" || key.as_ref().starts_with("xmlns:") {
                continue;
            }
            let value = attr
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|e| self.error_here(format!("attribute {}: {e}", key.as_ref())))?;
            out.push((key.local_name().as_ref().to_owned(), value.into_owned()));
        }
        Ok(out)
    }

    /// Resolve `&amp;`-style references in text: predefined entities and character references only.
    pub fn reference(&self, r: &BytesRef<'_>) -> Result<Cow<'static, str>, XmlError> {
        if r.is_char_ref() {
            return match r.resolve_char_ref() {
                Ok(Some(c)) => Ok(Cow::Owned(c.to_string())),
                _ => Err(self.error_here(format!("invalid character reference &{};", &**r))),
            };
        }
        match quick_xml::escape::resolve_predefined_entity(r) {
            Some(s) => Ok(Cow::Borrowed(s)),
            None => Err(self.error_here(format!(
                "undefined entity &{};: lyncpair expands only the five predefined XML entities",
                &**r
            ))),
        }
    }

    /// Read the text content of a simple element (like `<Name>`) up to its end tag.
    pub fn text_content(&mut self) -> Result<String, XmlError> {
        self.set_blank_text(true);
        let content = self.read_text_content();
        self.set_blank_text(false);
        content
    }

    /// Whether [`Tokenizer::Narrow`] reports whitespace-only text, as quick-xml always does.
    fn set_blank_text(&mut self, on: bool) {
        if let Some(n) = self.narrow.as_mut() {
            n.blank_text = on;
        }
    }

    fn read_text_content(&mut self) -> Result<String, XmlError> {
        let mut out = String::new();
        let mut depth = 0usize;
        loop {
            let (_, event) = self.next_event()?;
            match event {
                Event::Text(t) => out.push_str(&t.xml10_content()),
                Event::CData(c) => out.push_str(&c),
                Event::GeneralRef(r) => out.push_str(&self.reference(&r)?),
                Event::Start(_) => depth += 1,
                Event::End(_) if depth == 0 => return Ok(out.trim().to_owned()),
                Event::End(_) => depth -= 1,
                Event::Eof => {
                    return Err(self.error_here("the file ends inside an element: it is truncated"));
                }
                _ => {}
            }
        }
    }
}

/// The attributes of a tag mention `xmlns`. Most tags carry short attributes without an `x`, so
/// looking for that byte first is cheaper than a substring search set up anew for every tag.
fn may_declare_namespace(attributes: &[u8]) -> bool {
    memchr::memchr_iter(b'x', attributes).any(|i| attributes[i..].starts_with(b"xmlns"))
}

/// Whitespace as XML and quick-xml read it.
fn is_xml_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// The offset of the next `<` or `&` at or after `from`, and whether only whitespace comes before
/// it. Between the tags of an export stand a line break and indentation: passing over them byte by
/// byte costs less than setting up a vectorised search, which is left for longer text.
fn next_markup(text: &[u8], from: usize) -> Option<(usize, bool)> {
    let mut at = from;
    while text.get(at).copied().is_some_and(is_xml_space) {
        at += 1;
    }
    match text.get(at)? {
        b'<' | b'&' => Some((at, true)),
        _ => Some((at + memchr::memchr2(b'<', b'&', &text[at..])?, false)),
    }
}

/// A byte a plain attribute key may hold ([`BYTE_CLASSES`]).
const KEY_BYTE: u8 = 1;
/// A byte that ends a value (a quote) or makes it one [`plain_attributes`] does not read (`&`,
/// `<`, a control character).
const VALUE_STOP: u8 = 2;
/// What [`plain_attributes`] makes of each byte: [`KEY_BYTE`], [`VALUE_STOP`] or neither.
const BYTE_CLASSES: [u8; 256] = {
    let mut classes = [0u8; 256];
    let mut c: u8 = 0;
    loop {
        if c.is_ascii_alphanumeric() || matches!(c, b'_' | b':' | b'.' | b'-') {
            classes[c as usize] = KEY_BYTE;
        } else if c < b' ' || matches!(c, b'"' | b'\'' | b'&' | b'<') {
            classes[c as usize] = VALUE_STOP;
        }
        if c == u8::MAX {
            break classes;
        }
        c += 1;
    }
};

/// The attributes of a tag (the text after its name) as (key, local name, value), for
/// [`Tokenizer::Narrow`], in order until `each` says to stop: `None` unless every attribute read
/// is a plain `key="value"` (or single-quoted) whose value quick-xml would return unchanged (no
/// reference, no tab or line break to normalise). Stopping early reads what quick-xml reads when
/// it looks for one attribute: it too parses no further than the first match.
///
/// Keys and values are a few bytes long, shorter than a vectorised search needs to pay for its
/// setup: they are read byte by byte, each byte classified by one table look-up.
fn plain_attributes<'s>(
    raw: &'s str,
    mut each: impl FnMut(&'s str, &'s str, &'s str) -> ControlFlow<()>,
) -> Option<()> {
    let bytes = raw.as_bytes();
    let class = |b: &u8| BYTE_CLASSES[usize::from(*b)];
    let mut at = 0;
    loop {
        while bytes.get(at).copied().is_some_and(is_xml_space) {
            at += 1;
        }
        if at == bytes.len() {
            return Some(());
        }
        let key_start = at;
        let eq = at + bytes[at..].iter().position(|b| class(b) != KEY_BYTE)?;
        let quote = *bytes.get(eq + 1)?;
        if bytes[eq] != b'=' || eq == key_start || (quote != b'"' && quote != b'\'') {
            return None;
        }
        let key = &raw[key_start..eq];
        let mut close = eq + 2;
        loop {
            close += bytes[close..].iter().position(|b| class(b) == VALUE_STOP)?;
            match bytes[close] {
                b if b == quote => break,
                b'"' | b'\'' => close += 1,
                _ => return None,
            }
        }
        let value = &raw[eq + 2..close];
        // A tag's attributes are separated by whitespace.
        if bytes.get(close + 1).is_some_and(|&b| !is_xml_space(b)) {
            return None;
        }
        // A byte loop: `split_once` sets up a general character search for a key of a few bytes.
        let local = match key.bytes().position(|b| b == b':') {
            Some(colon) => &key[colon + 1..],
            None => key,
        };
        if each(key, local, value).is_break() {
            return Some(());
        }
        at = close + 1;
    }
}

/// The default namespace a start tag declares (`Some(None)` when its attributes only mention
/// `xmlns` in passing), for [`Tokenizer::Narrow`]. `None` for anything quick-xml's namespace
/// resolver could read otherwise or refuse: a prefixed or empty declaration, a repeated attribute
/// (its resolver checks for them), or an attribute [`plain_attributes`] does not read.
fn default_namespace(raw: &str) -> Option<Option<Cow<'static, str>>> {
    // The tags that declare a namespace in an export carry a few attributes; more are left to
    // quick-xml rather than checked for repeats in quadratic time.
    let mut keys = [""; 8];
    let mut count = 0;
    let mut declared = None;
    let mut refused = false;
    plain_attributes(raw, |key, _, value| {
        if count == keys.len()
            || keys[..count].contains(&key)
            || key.starts_with("xmlns:")
            || (key == "xmlns" && value.is_empty())
        {
            refused = true;
            return ControlFlow::Break(());
        }
        if key == "xmlns" {
            declared = Some(value);
        }
        keys[count] = key;
        count += 1;
        ControlFlow::Continue(())
    })?;
    if refused {
        return None;
    }
    Some(declared.map(|value| {
        [
            NS_TOPOLOGY,
            NS_SERVICE_ROLES,
            NS_TOPOLOGY_BUILDER,
            NS_WRITABLE_TOPOLOGY,
        ]
        .into_iter()
        .find(|known| *known == value)
        .map_or_else(|| Cow::Owned(value.to_owned()), Cow::Borrowed)
    }))
}

/// Where the content of the element whose start tag ends just before `from` ends: the offset of
/// the `</` of its end tag. `None` when the content holds anything but start, empty and end tags
/// and text without references (see [`XmlReader::skip`]), or nests deeper than [`MAX_DEPTH`] given
/// the `depth` already open. Tag ends are found as quick-xml finds them: a `>` outside quotes.
fn plain_content_end(text: &[u8], from: usize, depth: usize) -> Option<usize> {
    // Start offsets and lengths of the names of the elements opened in the content.
    let mut open: Vec<(usize, usize)> = Vec::new();
    let mut at = from;
    loop {
        let (lt, _) = next_markup(text, at)?;
        if text[lt] == b'&' {
            return None;
        }
        match *text.get(lt + 1)? {
            b'/' => {
                let name_start = lt + 2;
                let name_end = name_start + memchr::memchr(b'>', &text[name_start..])?;
                let name = &text[name_start..name_end];
                let Some((open_start, open_len)) = open.pop() else {
                    // The end tag of the skipped element: quick-xml checks its name.
                    return Some(lt);
                };
                if name != &text[open_start..open_start + open_len] {
                    return None;
                }
                at = name_end + 1;
            }
            b if b.is_ascii_alphabetic() || b == b'_' || b == b':' => {
                let gt = tag_end(text, lt + 1)?;
                let tag = &text[lt + 1..gt];
                let empty = tag.last() == Some(&b'/');
                if !empty {
                    let name_len = tag
                        .iter()
                        .position(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
                        .unwrap_or(tag.len());
                    // A name quick-xml would read differently than the byte search does.
                    if tag[..name_len].contains(&b'/') {
                        return None;
                    }
                    open.push((lt + 1, name_len));
                    if depth + open.len() > MAX_DEPTH {
                        return None;
                    }
                }
                at = gt + 1;
            }
            _ => return None,
        }
    }
}

/// The offset of the `>` that ends the tag whose name starts at `from`, skipping quoted values.
fn tag_end(text: &[u8], from: usize) -> Option<usize> {
    // Most tags hold no `>` inside a value. The first `>` then ends the tag when the quotes before
    // it pair up, which counting them tells when only one kind of quote occurs (each one opens or
    // closes a value): two vectorised passes instead of a search per quote. The first finds the
    // `>` and stops early at a `'`, which sends the tag to the search per quote; the second
    // counts the `"`.
    let first = from + memchr::memchr2(b'>', b'\'', &text[from..])?;
    if text[first] == b'>'
        && memchr::memchr_iter(b'"', &text[from..first])
            .count()
            .is_multiple_of(2)
    {
        return Some(first);
    }
    let mut at = from;
    loop {
        let i = at + memchr::memchr3(b'>', b'"', b'\'', &text[at..])?;
        if text[i] == b'>' {
            return Some(i);
        }
        at = i + 1 + memchr::memchr(text[i], &text[i + 1..])? + 1;
    }
}

/// Parse a Topology Builder/topology boolean ("true"/"false", any case).
pub fn parse_bool(raw: &str) -> Option<bool> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Read every event of `text`, skipping each child of the root like the topology reader skips noise.
    fn skip_children(text: &str) -> Result<(), XmlError> {
        let mut r = XmlReader::new(text);
        let mut seen_root = false;
        loop {
            let (_, event) = r.next_event()?;
            match event {
                Event::Start(e) if seen_root => r.skip(&e)?,
                Event::Start(_) => seen_root = true,
                Event::Eof => return Ok(()),
                _ => {}
            }
        }
    }

    /// (namespace, local name) of every tag, skipping the children of elements named `skip`.
    fn names(text: &str) -> Vec<(String, String)> {
        let mut r = XmlReader::new(text);
        let mut out = Vec::new();
        loop {
            let (ns, event) = r.next_event().unwrap();
            let (e, kind) = match &event {
                Event::Start(e) => (e.local_name().as_ref().to_owned(), "<"),
                Event::Empty(e) => (e.local_name().as_ref().to_owned(), "<>"),
                Event::End(e) => (e.local_name().as_ref().to_owned(), "/"),
                Event::Eof => return out,
                _ => continue,
            };
            out.push((ns.into_owned(), format!("{kind}{e}")));
            if let Event::Start(start) = event
                && e == "skip"
            {
                r.skip(&start).unwrap();
            }
        }
    }

    #[test]
    fn namespaces_follow_declarations_and_their_scope_not_prefixes() {
        let (t, sr) = (NS_TOPOLOGY, NS_SERVICE_ROLES);
        let text = format!(
            "<t:Topology xmlns:t=\"{t}\" xmlns=\"{t}\"><Services>\
             <Ports xmlns=\"{sr}\"><Port /></Ports>\
             <x:Port xmlns:x=\"{sr}\" /><x:Port />\
             <skip xmlns=\"{sr}\"><Port xmlns:t=\"urn:other\" /></skip>\
             <t:Service /><Service /></Services></t:Topology>"
        );
        let got = names(&text);
        let want: Vec<(String, String)> = [
            (t, "<Topology"),
            (t, "<Services"),
            (sr, "<Ports"),
            (sr, "<>Port"),
            (sr, "/Ports"),
            (sr, "<>Port"),
            // The prefix x was declared on an empty element: out of scope for its sibling.
            ("", "<>Port"),
            (sr, "<skip"),
            // Declarations inside a skipped element end with it.
            (t, "<>Service"),
            (t, "<>Service"),
            (t, "/Services"),
            (t, "/Topology"),
        ]
        .into_iter()
        .map(|(ns, name)| (ns.to_owned(), name.to_owned()))
        .collect();
        assert_eq!(got, want);
    }

    /// Every event and its position (namespace, kind, name, line) up to the end or the error,
    /// skipping every element named `skip`.
    fn trace(text: &str, fast_skip: bool) -> (Vec<String>, Result<(), XmlError>, usize) {
        let mut r = XmlReader::new(text);
        r.fast_skip = fast_skip;
        let mut out = Vec::new();
        let result = loop {
            let (ns, event) = match r.next_event() {
                Ok(x) => x,
                Err(e) => break Err(e),
            };
            let name = match &event {
                Event::Start(e) | Event::Empty(e) => e.local_name().as_ref().to_owned(),
                Event::End(e) => format!("/{}", e.local_name().as_ref()),
                Event::Eof => break Ok(()),
                _ => continue,
            };
            out.push(format!("{ns} {name} {} {}", r.line(), r.event_start));
            if let Event::Start(start) = event
                && name == "skip"
                && let Err(e) = r.skip(&start)
            {
                break Err(e);
            }
        };
        (out, result, r.skipped)
    }

    #[test]
    fn skipping_by_byte_search_reads_what_tokenizing_reads() {
        let sr = NS_SERVICE_ROLES;
        let plain = format!(
            "<r xmlns=\"{sr}\">\n<skip a='1>2' b=\"<\">\n  <Ports>\n    <Port Usage=\"x\" />\n  </Ports>\
             \n  <x:y xmlns:x=\"urn:other\">text > more</x:y><e/></skip>\n<keep/><skip/><skip></skip></r>"
        );
        let (events, result, skipped) = trace(&plain, true);
        assert_eq!(result, Ok(()));
        assert!(
            skipped > 0,
            "the plain content was passed over by byte search"
        );
        assert_eq!((events.clone(), result), {
            let (e, r, _) = trace(&plain, false);
            (e, r)
        });
        // The element after the skipped one is read on its own line.
        assert!(events.iter().any(|e| e.contains(" keep 7 ")), "{events:?}");

        // Content the byte search hands back to the tokenizer, and damaged content: the same
        // events, the same errors at the same line:column either way.
        let cases = [
            plain.replace("<e/>", "<!-- </skip> -->"),
            plain.replace("<e/>", "<![CDATA[</skip>]]>"),
            plain.replace("<e/>", "<?pi x?>"),
            plain.replace("text", "a &amp; b"),
            plain.replace("text", "a & b"),
            plain.replace("</Ports>", "</Portz>"),
            plain.replace("</Ports>", "</Ports >"),
            plain.replace("</skip>", "</skipx>"),
            plain.replace("<e/>", "<!DOCTYPE x>"),
            plain.replace("<e/>", "<ü/>"),
            plain.replace("<e/>", "<a/b>"),
            plain.replace("<e/>", "< e/>"),
            plain[..plain.find("<e/>").unwrap()].to_owned(),
            plain[..plain.find("Usage").unwrap() + 8].to_owned(),
            plain[..plain.find("</Ports>").unwrap() + 3].to_owned(),
            format!(
                "<r><skip>{}{}</skip></r>",
                "<b>".repeat(300),
                "</b>".repeat(300)
            ),
            format!(
                "<r><skip>{}{}</skip></r>",
                "<b>".repeat(254),
                "</b>".repeat(254)
            ),
        ];
        for case in &cases {
            assert_eq!(trace(case, true).0, trace(case, false).0, "{case}");
            assert_eq!(trace(case, true).1, trace(case, false).1, "{case}");
        }
    }

    #[test]
    fn namespace_declarations_are_found_by_their_x() {
        assert!(may_declare_namespace(b" a=\"x\" xmlns:t=\"urn:t\""));
        assert!(may_declare_namespace(b" xmlns=\"urn:t\""));
        assert!(!may_declare_namespace(b" Usage=\"xml\" Port=\"5061\""));
    }

    #[test]
    fn skipping_is_depth_limited_without_recursion() {
        let nested = |n: usize| format!("<r><a>{}{}</a></r>", "<b>".repeat(n), "</b>".repeat(n));
        assert_eq!(skip_children(&nested(MAX_DEPTH - 2)), Ok(()));
        let e = skip_children(&nested(100_000)).unwrap_err();
        assert!(e.message.contains("nest more than 256 levels"), "{e:?}");
        // The element that crosses the limit: <r>, <a>, then the 255th <b>.
        assert_eq!((e.line, e.column), (Some(1), Some(7 + 254 * 3)));
    }

    #[test]
    fn a_file_cut_inside_skipped_content_names_the_open_element() {
        let e = skip_children("<r>\n  <Ports>\n    <Port Usage=\"x\" />\n").unwrap_err();
        assert_eq!(
            e.message,
            "the file ends inside <Ports> opened at line 2: the export is truncated"
        );
        assert_eq!(e.line, Some(4));
    }

    #[test]
    fn a_file_cut_inside_a_tag_says_truncated() {
        let e = skip_children("<r>\n  <Ports>\n    <Port Usage=\"x").unwrap_err();
        assert!(e.message.contains("the export is truncated"), "{e:?}");
        assert_eq!((e.line, e.column), (Some(3), Some(5)));
    }

    #[test]
    fn the_name_of_an_earlier_start_tag_is_read_back_from_its_offset() {
        let text = "<t:Topology xmlns:t=\"urn:x\">\n<Sites>\n<CentralSite/><t:Site\tSiteId=\"1\">";
        let r = XmlReader::new(text);
        let at = |tag: &str| r.local_name_at(text.find(tag).unwrap());
        assert_eq!(at("<t:Topology"), "Topology");
        assert_eq!(at("<Sites"), "Sites");
        assert_eq!(at("<CentralSite"), "CentralSite");
        assert_eq!(at("<t:Site"), "Site");
    }

    #[test]
    fn bools() {
        assert_eq!(parse_bool("True"), Some(true));
        assert_eq!(parse_bool("false"), Some(false));
        assert_eq!(parse_bool("yes"), None);
    }
}
