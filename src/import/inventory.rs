//! Hand-made inventories (FORMATS.md §7): spreadsheets (xlsx, xlsm, xls, ods) and the shared mapping
//! from rows of cells to pool records, which `csv.rs` uses for CSV inventories too.
//!
//! Reading decisions:
//! - The header row is the first row, within the first [`HEADER_SEARCH_ROWS`], that holds a pool FQDN
//!   column and at least one more known column. Title rows above it are ignored.
//! - Workbooks: the first sheet with such a header row is read, unless `--sheet` names one.
//! - Merged ranges (xlsx, xls) hold their value in the top-left cell only; the value is carried down
//!   the rows of the range in that column, so a site merged over three pool rows applies to all
//!   three. calamine reports no merged ranges for ods: there, covered cells stay empty (unknown).
//! - Rows without a role default to front-end: a pool inventory lists pools that home users.
//! - A bare number in a version column (`6`) is ambiguous (ServiceVersion 6 is 2013, build 6.x is
//!   2015): it is reported and the version stays unknown.
//! - A planned/target version column gives the version of a row that has no current version
//!   (a pool still to be built); otherwise it is only noted.

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Seek};

use calamine::{Data, Dimensions, Ods, Range, Reader, Xls, Xlsb, Xlsx};

use super::{ImportOptions, InputError};
use crate::i18n::Message;
use crate::limits::{
    MAX_SHEET_CELLS, MAX_SHEET_COLUMNS, MAX_SHEET_ROWS, MAX_WORKBOOK_EXPANDED_BYTES,
    MAX_XLS_CONTINUE_RECORDS,
};
use crate::model::{
    Edition, Format, Input, InputRecords, Lossy, Note, PoolRecord, Role, Source, Stated, Version,
    normalize_fqdn, normalize_site,
};

/// How far down a sheet (or CSV) the header row is looked for.
pub const HEADER_SEARCH_ROWS: usize = 20;

const ODS_MIMETYPE: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";

/// One row of cells as text, with the row number the user sees (Excel row, or CSV line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub number: u32,
    pub cells: Vec<String>,
}

impl Row {
    fn cell(&self, i: usize) -> &str {
        self.cells.get(i).map_or("", |c| c.trim())
    }

    fn is_empty(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty())
    }
}

/// The pool facts an inventory column can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Column {
    Fqdn,
    Site,
    Role,
    Edition,
    Version,
    Servers,
    Users,
    Virtual,
    Os,
    Backup,
    TargetVersion,
    /// Lync 2010 pools a planned pool replaces (issue 10).
    Replaces,
}

/// Header aliases, already normalised by [`normalize_header`] (FORMATS.md §7, plus target version).
const ALIASES: &[(Column, &[&str])] = &[
    (
        Column::Fqdn,
        &[
            "pool",
            "poolfqdn",
            "fqdn",
            "identity",
            "registrarpool",
            "poolname",
        ],
    ),
    (
        Column::Site,
        &["site", "sitename", "siteid", "location", "standort"],
    ),
    (
        Column::Role,
        &["role", "pooltype", "type", "rolle", "typ", "pooltyp"],
    ),
    (Column::Edition, &["edition", "sku"]),
    (
        Column::Version,
        &["version", "product", "productversion", "produkt"],
    ),
    (
        Column::Servers,
        &[
            "servers",
            "servercount",
            "fecount",
            "server",
            "anzahlserver",
        ],
    ),
    (
        Column::Users,
        &[
            "users",
            "usercount",
            "homedusers",
            "benutzer",
            "anzahlbenutzer",
            "benutzeranzahl",
        ],
    ),
    (
        Column::Virtual,
        &[
            "virtual",
            "virtualized",
            "vm",
            "platform",
            "virtuell",
            "virtualisiert",
            "plattform",
        ],
    ),
    (
        Column::Os,
        &["os", "operatingsystem", "betriebssystem", "bs"],
    ),
    (
        Column::Backup,
        &[
            "backuppool",
            "backupregistrar",
            "backuppoolfqdn",
            "pairedpool",
            "partnerpool",
            "sicherungspool",
        ],
    ),
    (
        Column::TargetVersion,
        &["planned", "plannedversion", "targetversion", "zielversion"],
    ),
    (
        Column::Replaces,
        &[
            "replaces",
            "successorof",
            "migratesfrom",
            "ersetzt",
            "nachfolgervon",
            "migriertvon",
        ],
    ),
];

/// Header text compared trimmed, without BOM, lower-cased, without whitespace, `-`, `_`, `.`.
pub fn normalize_header(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '\u{feff}' | '-' | '_' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}

pub fn column_for(header: &str) -> Option<Column> {
    let h = normalize_header(header);
    ALIASES
        .iter()
        .find(|(_, names)| names.contains(&h.as_str()))
        .map(|(c, _)| *c)
}

/// The columns of a header row: which cell index holds which fact, and which headers mean nothing to us.
#[derive(Debug, Clone)]
pub struct Header {
    /// Index into `rows` of the header row.
    pub index: usize,
    pub columns: BTreeMap<Column, usize>,
    /// Headers (as written) of columns no alias matches, and of repeated columns.
    pub unmapped: Vec<String>,
}

/// A header row holds an FQDN column plus at least one more known column.
pub fn header_of(row: &Row) -> Option<(BTreeMap<Column, usize>, Vec<String>)> {
    let mut columns = BTreeMap::new();
    let mut unmapped = Vec::new();
    for (i, cell) in row.cells.iter().enumerate() {
        let text = cell.trim().trim_start_matches('\u{feff}');
        if text.is_empty() {
            continue;
        }
        match column_for(text) {
            Some(c) if !columns.contains_key(&c) => {
                columns.insert(c, i);
            }
            Some(_) => unmapped.push(format!("{text} (repeated)")),
            None => unmapped.push(text.to_owned()),
        }
    }
    if columns.contains_key(&Column::Fqdn) && columns.len() >= 2 {
        Some((columns, unmapped))
    } else {
        None
    }
}

/// The first recognisable header row within the first [`HEADER_SEARCH_ROWS`] rows.
pub fn find_header(rows: &[Row]) -> Option<Header> {
    rows.iter()
        .take(HEADER_SEARCH_ROWS)
        .enumerate()
        .find_map(|(index, row)| {
            header_of(row).map(|(columns, unmapped)| Header {
                index,
                columns,
                unmapped,
            })
        })
}

/// A cell that holds a .NET type name instead of values: `Export-Csv` met a collection.
pub fn is_type_name(cell: &str) -> bool {
    let c = cell.trim();
    !c.contains(char::is_whitespace)
        && (c.starts_with("System.") || c.starts_with("Microsoft."))
        && (c.ends_with("[]") || c.contains("Collection") || c.contains('`'))
}

/// Where rows come from, for provenance and messages.
pub struct Origin<'a> {
    pub path: &'a str,
    /// The worksheet, named in notes (provenance keeps the file path and row number).
    pub sheet: Option<&'a str>,
}

impl Origin<'_> {
    fn at(&self, row: u32) -> Source {
        Source::new(self.path, Some(row))
    }

    fn place(&self, row: u32) -> crate::i18n::Message {
        match self.sheet {
            Some(s) => Message::new("where.sheet_row")
                .arg("sheet", s)
                .arg("row", row.to_string()),
            None => Message::new("where.line").arg("row", row.to_string()),
        }
    }
}

/// Turn the rows under `header` into pool records of `out` (format `inventory`).
pub fn read_rows(rows: &[Row], header: &Header, origin: &Origin<'_>, out: &mut InputRecords) {
    let header_row = &rows[header.index];
    if !header.unmapped.is_empty() {
        out.notes.push(Note {
            message: match origin.sheet {
                Some(sheet) => Message::new("note.unused_columns.sheet").arg("sheet", sheet),
                None => Message::new("note.unused_columns"),
            }
            .arg("columns", header.unmapped.join(", ")),
            source: origin.at(header_row.number),
        });
    }
    let col_name = |i: usize| header_row.cell(i).to_owned();
    // One export-lossy per column, not per cell: a whole column of type names is one loss.
    let mut lossy_columns: BTreeMap<usize, (u32, String)> = BTreeMap::new();
    for row in &rows[header.index + 1..] {
        if row.is_empty() {
            continue;
        }
        for (i, cell) in row.cells.iter().enumerate() {
            if is_type_name(cell) {
                lossy_columns
                    .entry(i)
                    .or_insert_with(|| (row.number, cell.trim().to_owned()));
            }
        }
        if let Some(record) = read_row(row, header, origin, out) {
            out.pools.push(record);
        }
    }
    for (i, (line, type_name)) in lossy_columns {
        out.lossy.push(Lossy {
            pool: None,
            what: Message::new("msg.lossy.type_name_inventory")
                .arg("column", col_name(i))
                .arg("type_name", &type_name),
            source: origin.at(line),
        });
    }
}

/// One row as a pool record, or `None` (with a note) when its pool cell holds no pool FQDN.
fn read_row(
    row: &Row,
    header: &Header,
    origin: &Origin<'_>,
    out: &mut InputRecords,
) -> Option<PoolRecord> {
    let raw_fqdn = cell_of(row, header, Column::Fqdn).unwrap_or("");
    let fqdn = normalize_fqdn(raw_fqdn);
    let src = origin.at(row.number);
    let mut cells = RowCells {
        row,
        header,
        origin,
        src,
        fqdn,
        notes: &mut out.notes,
    };
    // Hand-made sheets carry total and comment rows: a pool name must at least look like an FQDN.
    if !cells.fqdn.contains('.') || cells.fqdn.contains(char::is_whitespace) {
        cells.note(Message::new("note.not_a_pool_fqdn").arg("raw", raw_fqdn));
        return None;
    }
    if cells.fqdn.contains('?') {
        out.lossy.push(Lossy {
            pool: Some(cells.fqdn.clone()),
            what: Message::new("msg.lossy.pool_fqdn").arg("fqdn", &cells.fqdn),
            source: cells.src.clone(),
        });
    }
    let mut record = PoolRecord {
        fqdn: cells.fqdn.clone(),
        source: Some(cells.src.clone()),
        ..PoolRecord::default()
    };
    let src = cells.src.clone();
    if let Some(site) = cells.get(Column::Site) {
        record.site = at(&src, normalize_site(site));
    }
    record.role = at(&src, cells.role());
    record.edition = cells
        .parsed(Column::Edition, parse_edition, "note.inv.edition")
        .and_then(|e| at(&src, e));
    record.version = cells.version().and_then(|v| at(&src, v));
    record.servers = cells
        .parsed(
            Column::Servers,
            |raw| parse_count(raw).and_then(|n| u32::try_from(n).ok()),
            "note.inv.servers",
        )
        .and_then(|n| at(&src, n));
    record.users = cells
        .parsed(Column::Users, parse_count, "note.inv.users")
        .and_then(|n| at(&src, n));
    record.virtual_machine = cells
        .parsed(Column::Virtual, parse_virtual, "note.inv.virtual")
        .and_then(|v| at(&src, v));
    if let Some(os) = cells.get(Column::Os) {
        record.os = at(&src, os.to_owned());
    }
    record.backups.extend(cells.backup());
    record.replaces = cells.replaces();
    Some(record)
}

/// The value of `column` in `row`: trimmed, and `None` when the column is missing, the cell empty
/// or a .NET type name (a lossy export).
fn cell_of<'a>(row: &'a Row, header: &Header, column: Column) -> Option<&'a str> {
    header
        .columns
        .get(&column)
        .map(|&i| row.cell(i))
        .filter(|v| !v.is_empty() && !is_type_name(v))
}

/// The cells of one inventory row being read into a pool record, and the notes it raises (each
/// says where: sheet and row, or line).
struct RowCells<'a> {
    row: &'a Row,
    header: &'a Header,
    origin: &'a Origin<'a>,
    src: Source,
    /// The pool's FQDN, normalised; the notes name it.
    fqdn: String,
    notes: &'a mut Vec<Note>,
}

impl<'a> RowCells<'a> {
    fn get(&self, column: Column) -> Option<&'a str> {
        cell_of(self.row, self.header, column)
    }

    fn note(&mut self, text: Message) {
        self.notes.push(Note {
            message: Message::new("note.at")
                .msg("place", self.origin.place(self.row.number))
                .msg("text", text),
            source: self.src.clone(),
        });
    }

    /// The value of `column` read by `parse`; a value it cannot read is noted under `note_key`
    /// (with the pool and the raw text) and left unknown.
    fn parsed<T>(
        &mut self,
        column: Column,
        parse: impl Fn(&str) -> Option<T>,
        note_key: &'static str,
    ) -> Option<T> {
        let raw = self.get(column)?;
        let value = parse(raw);
        if value.is_none() {
            let text = Message::new(note_key)
                .arg("fqdn", &self.fqdn)
                .arg("raw", raw);
            self.note(text);
        }
        value
    }

    /// Rows without a role are front-end pools (an inventory lists pools that home users); a role
    /// that is not understood is noted and kept as `Other`.
    fn role(&mut self) -> Role {
        if self.get(Column::Role).is_none() {
            return Role::FrontEnd;
        }
        self.parsed(Column::Role, parse_role, "note.inv.role")
            .unwrap_or(Role::Other)
    }

    /// A version cell read by [`parse_version`]; why it cannot be read is noted under `note_key`.
    fn version_in(&mut self, column: Column, note_key: &'static str) -> Option<Version> {
        let raw = self.get(column)?;
        match parse_version(raw) {
            Ok(v) => Some(v),
            Err(why) => {
                let text = Message::new(note_key)
                    .arg("fqdn", &self.fqdn)
                    .arg("raw", raw)
                    .msg("why", Message::new(why));
                self.note(text);
                None
            }
        }
    }

    /// The current version; a planned/target version stands in for a row that has no current
    /// version (a pool still to be built) and is otherwise only noted where it differs.
    fn version(&mut self) -> Option<Version> {
        let version = self.version_in(Column::Version, "note.inv.version");
        let target = self.version_in(Column::TargetVersion, "note.inv.target_version");
        match (version, target) {
            (Some(v), Some(t)) if v != t => {
                let text = Message::new("note.inv.target_differs")
                    .arg("fqdn", &self.fqdn)
                    .arg("target", t.label())
                    .arg("current", v.label());
                self.note(text);
            }
            (None, Some(t)) if self.get(Column::Version).is_none() => {
                let text = Message::new("note.inv.target_used")
                    .arg("fqdn", &self.fqdn)
                    .arg("target", t.label());
                self.note(text);
                return Some(t);
            }
            _ => {}
        }
        version
    }

    /// The backup pool a row names, unless the cell says "none"; a value with spaces is noted.
    fn backup(&mut self) -> Option<Stated<String>> {
        let raw = self.get(Column::Backup).filter(|raw| !is_none_word(raw))?;
        let backup = normalize_fqdn(raw);
        if backup.contains(char::is_whitespace) {
            let text = Message::new("note.inv.backup")
                .arg("fqdn", &self.fqdn)
                .arg("raw", raw);
            self.note(text);
            return None;
        }
        Some(Stated::new(backup, self.src.clone()))
    }

    /// The Lync 2010 pools a planned pool replaces (issue 10).
    fn replaces(&mut self) -> Vec<Stated<String>> {
        let Some(raw) = self.get(Column::Replaces).filter(|raw| !is_none_word(raw)) else {
            return Vec::new();
        };
        let (src, fqdn) = (self.src.clone(), self.fqdn.clone());
        replaced_pools(raw, &src, &fqdn, &mut |text| self.note(text))
    }
}

/// The pools of a `replaces` cell: FQDNs separated by `;` or `,` (a consolidation names several).
fn replaced_pools(
    raw: &str,
    src: &Source,
    fqdn: &str,
    note: &mut impl FnMut(Message),
) -> Vec<Stated<String>> {
    let mut out: Vec<Stated<String>> = Vec::new();
    for part in raw
        .split([';', ','])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let old = normalize_fqdn(part);
        if !old.contains('.') || old.contains(char::is_whitespace) {
            note(
                Message::new("note.inv.replaces")
                    .arg("fqdn", fqdn)
                    .arg("raw", part),
            );
        } else if !out.iter().any(|s| s.value == old) {
            out.push(Stated::new(old, src.clone()));
        }
    }
    out
}

/// A fact stated at `src`.
pub fn at<T>(src: &Source, value: T) -> Option<Stated<T>> {
    Some(Stated::new(value, src.clone()))
}

fn is_none_word(raw: &str) -> bool {
    matches!(
        raw.trim().to_lowercase().as_str(),
        "-" | "–" | "none" | "keine" | "kein" | "n/a" | "na"
    )
}

pub fn parse_role(raw: &str) -> Option<Role> {
    let k = normalize_header(raw);
    let role = match k.as_str() {
        "frontend" | "fe" | "frontendpool" | "frontendserver" | "feserver" | "fepool" => {
            Role::FrontEnd
        }
        "director" | "directorpool" | "dir" => Role::Director,
        "sba"
        | "sbs"
        | "branch"
        | "branchregistrar"
        | "branchappliance"
        | "survivablebranchappliance"
        | "survivablebranchserver" => Role::Branch,
        "edge" | "edgepool" | "edgeserver" => Role::Edge,
        "mediation" | "mediationpool" | "mediationserver" => Role::Mediation,
        _ => return None,
    };
    Some(role)
}

pub fn parse_edition(raw: &str) -> Option<Edition> {
    match normalize_header(raw).as_str() {
        "enterprise" | "enterpriseedition" | "ee" => Some(Edition::Enterprise),
        "standard" | "standardedition" | "se" => Some(Edition::Standard),
        _ => None,
    }
}

/// Inventory versions: years, product names, dotted builds. Bare numbers are ambiguous (FORMATS.md §7).
/// The version a cell names; the error is the label key of why it names none.
pub fn parse_version(raw: &str) -> Result<Version, &'static str> {
    let t = raw.trim();
    if !t.is_empty() && t.chars().all(|c| c.is_ascii_digit()) && t.len() < 4 {
        return Err("note.version.bare_number");
    }
    // Dotted builds: 4.0.x (2010), 5.0.x (2013), 6.0.x (2015), 7.0.x (2019) (FORMATS.md §3.5).
    if let Some((major, rest)) = t.split_once('.')
        && rest.contains('.')
        && major.chars().all(|c| c.is_ascii_digit())
        && rest.chars().all(|c| c.is_ascii_digit() || c == '.')
    {
        return match major {
            "4" => Ok(Version::V2010),
            "5" => Ok(Version::V2013),
            "6" => Ok(Version::V2015),
            "7" => Ok(Version::V2019),
            _ => Err("note.version.unknown_build"),
        };
    }
    let years: Vec<Version> = t
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(Version::from_label)
        .collect();
    match years.as_slice() {
        [v] => Ok(*v),
        [] => Err("note.version.no_release"),
        _ => Err("note.version.several_releases"),
    }
}

pub fn parse_virtual(raw: &str) -> Option<bool> {
    match normalize_header(raw).as_str() {
        "yes" | "ja" | "true" | "wahr" | "1" | "virtual" | "virtuell" | "virtualized"
        | "virtualisiert" | "vm" | "hyperv" | "vmware" => Some(true),
        "no" | "nein" | "false" | "falsch" | "0" | "physical" | "physisch" | "baremetal"
        | "hardware" => Some(false),
        _ => None,
    }
}

/// Whole counts as people write them: `12000`, `12.000`, `12,000`, `12 000`, `1500.0` (spreadsheet
/// floats). A separator counts only where it groups digits in threes.
pub fn parse_count(raw: &str) -> Option<u64> {
    let t = raw.trim();
    if t.is_empty() {
        return None;
    }
    if t.chars().all(|c| c.is_ascii_digit()) {
        return t.parse().ok();
    }
    for sep in ['.', ',', ' ', '\u{a0}', '\u{202f}', '\''] {
        let groups: Vec<&str> = t.split(sep).collect();
        if groups.len() > 1
            && groups.iter().all(|g| g.chars().all(|c| c.is_ascii_digit()))
            && (1..=3).contains(&groups[0].len())
            && groups[1..].iter().all(|g| g.len() == 3)
        {
            return groups.concat().parse().ok();
        }
    }
    // A float with nothing after the point that matters ("1500.0", "1500,00").
    let (int, frac) = t.split_once(['.', ','])?;
    if !int.is_empty() && int.chars().all(|c| c.is_ascii_digit()) && frac.chars().all(|c| c == '0')
    {
        return int.parse().ok();
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Spreadsheets

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Workbook {
    Xlsx,
    Xlsb,
    Ods,
    Xls,
}

impl Workbook {
    fn label(self) -> &'static str {
        match self {
            Workbook::Xlsx => "xlsx",
            Workbook::Xlsb => "xlsb",
            Workbook::Ods => "ods",
            Workbook::Xls => "xls",
        }
    }
}

/// Which workbook a ZIP holds, by its entries (never by the file name).
fn zip_workbook(bytes: &[u8]) -> Option<Workbook> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let names: Vec<String> = zip
        .file_names()
        .filter_map(Result::ok)
        .map(|n| n.to_ascii_lowercase())
        .collect();
    if names.iter().any(|n| n == "xl/workbook.xml") {
        return Some(Workbook::Xlsx);
    }
    if names.iter().any(|n| n == "xl/workbook.bin") {
        return Some(Workbook::Xlsb);
    }
    let mut mimetype = Vec::new();
    zip.by_name("mimetype")
        .ok()?
        .take(ODS_MIMETYPE.len() as u64 + 1)
        .read_to_end(&mut mimetype)
        .ok()?;
    (mimetype.trim_ascii() == ODS_MIMETYPE).then_some(Workbook::Ods)
}

/// Whether a ZIP archive is an xlsx/xlsm/xlsb/ods workbook rather than a configuration export.
pub fn is_spreadsheet_zip(bytes: &[u8]) -> bool {
    zip_workbook(bytes).is_some()
}

/// Refuse a workbook whose entries claim to inflate beyond `limit` bytes.
fn check_expanded_size(bytes: &[u8], display: &str, limit: u64) -> Result<(), InputError> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(()); // calamine reports the damage with its own words.
    };
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        if let Ok(f) = zip.by_index_raw(i) {
            total = total.saturating_add(f.size());
        }
    }
    if total > limit {
        return Err(InputError::new(
            display,
            format!(
                "the workbook would expand to {} MB, above the {} MB limit: it is not an inventory (or a zip bomb)",
                total >> 20,
                limit >> 20
            ),
        ));
    }
    Ok(())
}

/// The sheets of a workbook as text rows, with merged ranges carried down (see the module docs).
struct Sheet {
    name: String,
    rows: Vec<Row>,
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => float_text(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => float_text(dt.as_f64()),
        // "#DIV/0!" and friends: no value; the row's fact stays unknown.
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// Spreadsheet numbers are floating point: 1500.0 is the count 1500.
fn float_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15 {
        // The guard above keeps `f` a whole number below 2^53, which an i64 holds exactly; there
        // is no `TryFrom<f64>` for integers.
        #[allow(clippy::cast_possible_truncation)]
        let whole = f as i64;
        format!("{whole}")
    } else {
        f.to_string()
    }
}

/// The cells of one sheet as they are read, kept sparse: only rows holding a value exist, and a
/// row has slots up to its last value only. Every cell is checked against the limits table before
/// it is kept, so a sheet far beyond a real inventory is refused instead of exhausting memory.
struct SheetCells {
    name: String,
    rows: BTreeMap<u32, Vec<String>>,
    /// Bounding box of the values: first row, last row, first column, last column (0-based).
    bounds: Option<(u32, u32, u32, u32)>,
    /// Slots held in `rows` (values and the padding before them in their row).
    slots: u64,
}

impl SheetCells {
    fn new(name: &str) -> SheetCells {
        SheetCells {
            name: name.to_owned(),
            rows: BTreeMap::new(),
            bounds: None,
            slots: 0,
        }
    }

    /// Keep one cell (0-based row and column); empty text is not kept.
    fn put(&mut self, row: u32, col: u32, text: String) -> Result<(), String> {
        if text.trim().is_empty() {
            return Ok(());
        }
        if row >= MAX_SHEET_ROWS || col >= MAX_SHEET_COLUMNS {
            return Err(format!(
                "sheet \"{}\" has a value in cell {}, beyond the {MAX_SHEET_ROWS} rows × {MAX_SHEET_COLUMNS} columns lyncpair reads: it is not an inventory (delete what lies outside the table, or copy the table to a new sheet)",
                self.name,
                cell_name(row, col)
            ));
        }
        let (r0, r1, c0, c1) = self.bounds.unwrap_or((row, row, col, col));
        let bounds = (r0.min(row), r1.max(row), c0.min(col), c1.max(col));
        let area = u64::from(bounds.1 - bounds.0 + 1) * u64::from(bounds.3 - bounds.2 + 1);
        let cells = self.rows.entry(row).or_default();
        let col = col as usize;
        if cells.len() <= col {
            self.slots += (col + 1 - cells.len()) as u64;
            cells.resize(col + 1, String::new());
        }
        if area > MAX_SHEET_CELLS || self.slots > MAX_SHEET_CELLS {
            return Err(self.too_many_cells());
        }
        cells[col] = text;
        self.bounds = Some(bounds);
        Ok(())
    }

    fn too_many_cells(&self) -> String {
        format!(
            "sheet \"{}\" spans more than {MAX_SHEET_CELLS} cells from its first to its last value: it is not an inventory",
            self.name
        )
    }

    /// Merged ranges (see the module docs), clamped to the rows that hold values: a merge over the
    /// whole sheet touches only rows that exist, and one outside the column limit is ignored.
    fn carry_merges(&mut self, merged: &[Dimensions]) -> Result<(), String> {
        let mut touched: u64 = 0;
        for m in merged {
            let (top, col) = m.start;
            if col >= MAX_SHEET_COLUMNS || top >= MAX_SHEET_ROWS || m.end.0 <= top {
                continue;
            }
            let col = col as usize;
            let Some(value) = self
                .rows
                .get(&top)
                .and_then(|r| r.get(col))
                .filter(|v| !v.trim().is_empty())
                .cloned()
            else {
                continue;
            };
            let last = m.end.0.min(MAX_SHEET_ROWS - 1);
            for cells in self.rows.range_mut(top + 1..=last).map(|(_, c)| c) {
                touched += 1;
                if touched > MAX_SHEET_CELLS {
                    return Err(self.too_many_cells());
                }
                if cells.len() <= col {
                    self.slots += (col + 1 - cells.len()) as u64;
                    cells.resize(col + 1, String::new());
                }
                if cells[col].trim().is_empty() {
                    cells[col] = value.clone();
                }
            }
            if self.slots > MAX_SHEET_CELLS {
                return Err(self.too_many_cells());
            }
        }
        Ok(())
    }

    fn into_sheet(self) -> Sheet {
        Sheet {
            name: self.name,
            rows: self
                .rows
                .into_iter()
                .map(|(r, cells)| Row {
                    number: r + 1,
                    cells,
                })
                .collect(),
        }
    }
}

/// `A1`-style name of a 0-based cell position, for messages.
fn cell_name(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut n = col + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!(
        "{}{}",
        String::from_utf8_lossy(&letters),
        u64::from(row) + 1
    )
}

/// A calamine range (xls, ods: built by calamine after the checks of [`check_ods_content`] and
/// [`super::cfb::check`]) into sparse rows, with the same limits as streamed sheets.
fn range_cells(name: &str, range: &Range<Data>, merged: &[Dimensions]) -> Result<Sheet, String> {
    let mut sheet = SheetCells::new(name);
    let (row0, col0) = range.start().unwrap_or((0, 0));
    for (r, c, d) in range.used_cells() {
        let (r, c) = (u32::try_from(r), u32::try_from(c));
        let (Ok(r), Ok(c)) = (r, c) else {
            return Err(sheet.too_many_cells());
        };
        sheet.put(row0.saturating_add(r), col0.saturating_add(c), cell_text(d))?;
    }
    sheet.carry_merges(merged)?;
    Ok(sheet.into_sheet())
}

fn calamine_error(display: &str, kind: Workbook, e: impl std::fmt::Display) -> InputError {
    InputError::new(
        display,
        format!(
            "the {} workbook cannot be read ({e}); open it in Excel and save it again as .xlsx",
            kind.label()
        ),
    )
}

fn load_sheets(bytes: &[u8], kind: Workbook, display: &str) -> Result<Vec<Sheet>, InputError> {
    let err = |e: &dyn std::fmt::Display| calamine_error(display, kind, e);
    let limit = |why: String| InputError::new(display, why);
    let cursor = Cursor::new(bytes);
    // Merged ranges are reported by the xlsx and xls readers only (see the module comment).
    match kind {
        // xlsx and xlsb are streamed cell by cell: calamine's ranges are dense, and one value in
        // XFD1048576 would make it allocate hundreds of gigabytes.
        Workbook::Xlsx => {
            let mut wb: Xlsx<_> = Xlsx::new(cursor).map_err(|e| err(&e))?;
            let mut sheets = Vec::new();
            for name in wb.sheet_names() {
                let mut sheet = SheetCells::new(&name);
                let mut cells = wb.worksheet_cells_reader(&name).map_err(|e| err(&e))?;
                while let Some(cell) = cells.next_cell().map_err(|e| err(&e))? {
                    let (r, c) = cell.get_position();
                    let text = cell_text(&Data::from(cell.get_value().clone()));
                    sheet.put(r, c, text).map_err(limit)?;
                }
                drop(cells);
                let merged = wb.merge_cells_by_sheet_name(&name).unwrap_or_default();
                sheet.carry_merges(&merged).map_err(limit)?;
                sheets.push(sheet.into_sheet());
            }
            Ok(sheets)
        }
        Workbook::Xlsb => {
            let mut wb: Xlsb<_> = Xlsb::new(cursor).map_err(|e| err(&e))?;
            let mut sheets = Vec::new();
            for name in wb.sheet_names() {
                let mut sheet = SheetCells::new(&name);
                let mut cells = wb.worksheet_cells_reader(&name).map_err(|e| err(&e))?;
                while let Some(cell) = cells.next_cell().map_err(|e| err(&e))? {
                    let (r, c) = cell.get_position();
                    let text = cell_text(&Data::from(cell.get_value().clone()));
                    sheet.put(r, c, text).map_err(limit)?;
                }
                sheets.push(sheet.into_sheet());
            }
            Ok(sheets)
        }
        Workbook::Ods => {
            check_ods_content(bytes).map_err(|problem| problem.into_error(display))?;
            let mut wb: Ods<_> = Ods::new(cursor).map_err(|e| err(&e))?;
            all_sheets(&mut wb, |_, _| Vec::new(), err, limit)
        }
        Workbook::Xls => load_xls(bytes, display),
    }
}

/// The sheets of a legacy `.xls`, once its container and sheets are checked.
fn load_xls(bytes: &[u8], display: &str) -> Result<Vec<Sheet>, InputError> {
    let err = |e: &dyn std::fmt::Display| calamine_error(display, Workbook::Xls, e);
    let limit = |why: String| InputError::new(display, why);
    let workbook = super::cfb::check(bytes).map_err(|why| xls_damaged(display, &why))?;
    if let Some(stream) = workbook {
        check_biff_sheets(&stream).map_err(|problem| problem.into_error(display))?;
    }
    // calamine's BIFF reader still panics on some damaged files the container check cannot
    // see: a panic there is this file's error, never the end of the run.
    super::catch_panic(|| {
        let mut wb: Xls<_> = Xls::new(Cursor::new(bytes)).map_err(|e| err(&e))?;
        all_sheets(
            &mut wb,
            |wb, name| wb.merge_cells_by_sheet_name(name).unwrap_or_default(),
            err,
            limit,
        )
    })
    .unwrap_or_else(|()| {
        Err(calamine_error(
            display,
            Workbook::Xls,
            "calamine's xls reader failed on damage in the file",
        ))
    })
}

/// Every sheet of a workbook calamine builds ranges for, in order, with merged ranges carried down.
fn all_sheets<RS: Read + Seek, R: Reader<RS>>(
    wb: &mut R,
    merged: impl Fn(&mut R, &str) -> Vec<Dimensions>,
    err: impl Fn(&dyn std::fmt::Display) -> InputError,
    limit: impl Fn(String) -> InputError,
) -> Result<Vec<Sheet>, InputError>
where
    R::Error: std::fmt::Display,
{
    let mut sheets = Vec::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).map_err(|e| err(&e))?;
        let merged = merged(wb, &name);
        sheets.push(range_cells(&name, &range, &merged).map_err(&limit)?);
    }
    Ok(sheets)
}

/// Check the sheets of an `.xls` Workbook stream before calamine builds them: calamine reserves
/// memory for the range a `DIMENSIONS` record declares and builds a dense range over all cells, so
/// one record or one cell far out would ask for gigabytes (an allocation failure aborts; it cannot
/// be caught). Sheets are found as calamine finds them, by the offsets of `BOUNDSHEET` records.
///
/// Two shapes make calamine slow rather than large, and are refused too:
/// - calamine walks each sheet from its offset to its EOF record. Sheets of a sound workbook do
///   not overlap, so the walks together read the stream once; thousands of `BOUNDSHEET` records
///   pointing into one region made it read that region once per sheet (seconds for 50 KB).
/// - calamine hands the `CONTINUE` records after a record out one by one from the front of a
///   vector, which costs the square of their number (13 s for 250,000 empty ones in 1 MB).
fn check_biff_sheets(stream: &[u8]) -> Result<(), BiffProblem> {
    let mut sheets: Vec<usize> = Vec::new();
    let mut continues = 0usize;
    for record in biff_records(stream, 0).take_while(|r| r.typ != BIFF_EOF) {
        match record.typ {
            0x0085 => sheets.extend(biff_u32(record.data, 0).map(|p| p as usize)),
            BIFF_CONTINUE => continues += 1,
            _ => {}
        }
    }
    if continues > MAX_XLS_CONTINUE_RECORDS {
        return Err(BiffProblem::TooSlow(format!(
            "the workbook globals of this xls continue their records over {continues} CONTINUE \
             records, more than the {MAX_XLS_CONTINUE_RECORDS} lyncpair reads (Excel writes one \
             for every 8 KB a record runs over)"
        )));
    }
    // Where each sheet's walk must have ended: the next sheet's start, in stream order.
    let mut starts = sheets.clone();
    starts.sort_unstable();
    for (n, &start) in sheets.iter().enumerate() {
        let first_at = starts.partition_point(|&s| s < start);
        let after = starts.partition_point(|&s| s <= start);
        let until = if after - first_at > 1 {
            start // Two sheets at one offset overlap wholly.
        } else {
            starts.get(after).copied().unwrap_or(stream.len())
        };
        check_biff_sheet(stream, start, until).map_err(|problem| problem.of_sheet(n + 1))?;
    }
    Ok(())
}

/// Why [`check_biff_sheets`] refuses an `.xls` workbook.
#[derive(Debug, PartialEq)]
enum BiffProblem {
    /// A sheet beyond the sheet limits (the text says which and how).
    TooBig(String),
    /// A shape that would take calamine minutes to read (the text says which).
    TooSlow(String),
    /// The sheets' records run into each other (the text says where).
    Damaged(String),
}

impl BiffProblem {
    fn of_sheet(self, n: usize) -> BiffProblem {
        match self {
            BiffProblem::TooBig(what) => {
                BiffProblem::TooBig(format!("sheet {n} {what}: it is not an inventory"))
            }
            BiffProblem::Damaged(what) => BiffProblem::Damaged(format!("sheet {n} {what}")),
            BiffProblem::TooSlow(what) => BiffProblem::TooSlow(what),
        }
    }

    fn into_error(self, display: &str) -> InputError {
        match self {
            BiffProblem::TooBig(why) => InputError::new(display, why),
            BiffProblem::TooSlow(why) => InputError::new(
                display,
                format!("{why}; open it in Excel and save it again as .xlsx"),
            ),
            BiffProblem::Damaged(why) => xls_damaged(display, &why),
        }
    }
}

/// The error of an `.xls` whose structure is damaged, and what to do about it.
fn xls_damaged(display: &str, why: &str) -> InputError {
    InputError::new(
        display,
        format!("the xls workbook is damaged ({why}); open it in Excel and save it again as .xlsx"),
    )
}

const BIFF_BOF: u16 = 0x0809;
const BIFF_EOF: u16 = 0x000A;
const BIFF_CONTINUE: u16 = 0x003C;

/// One BIFF record: where it starts in the stream, its type and its data.
#[derive(Clone, Copy)]
struct BiffRecord<'s> {
    at: usize,
    typ: u16,
    data: &'s [u8],
}

/// BIFF records from byte `from`: type (u16), length (u16), data. Yields records until the
/// stream ends or a record is cut short.
fn biff_records(stream: &[u8], from: usize) -> impl Iterator<Item = BiffRecord<'_>> {
    let mut at = from;
    std::iter::from_fn(move || {
        let head = stream.get(at..at + 4)?;
        let typ = u16::from_le_bytes([head[0], head[1]]);
        let len = usize::from(u16::from_le_bytes([head[2], head[3]]));
        let data = stream.get(at + 4..at + 4 + len)?;
        let record = BiffRecord { at, typ, data };
        at += 4 + len;
        Some(record)
    })
}

fn biff_u16(d: &[u8], i: usize) -> Option<u32> {
    d.get(i..i + 2)
        .map(|b| u32::from(u16::from_le_bytes([b[0], b[1]])))
}

fn biff_u32(d: &[u8], i: usize) -> Option<u32> {
    d.get(i..i + 4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// Check one sheet, whose BOF is at `start`: its `DIMENSIONS` and cell positions, and that its EOF
/// comes before `until` (where the next sheet starts) as calamine walks it. Embedded substreams
/// (charts) have their own BOF … EOF; calamine skips them, and so does this, but it does not stop
/// at their EOF.
fn check_biff_sheet(stream: &[u8], start: usize, until: usize) -> Result<(), BiffProblem> {
    let mut extent = CellExtent::default();
    let mut depth = 0usize;
    for record in biff_records(stream, start).skip(1) {
        if record.at >= until {
            return Err(BiffProblem::Damaged(format!(
                "runs on into the records of another sheet at byte {until} of the Workbook stream \
                 before its EOF record"
            )));
        }
        match (record.typ, depth) {
            (BIFF_BOF, _) => depth += 1,
            (BIFF_EOF, 0) => break,
            (BIFF_EOF, _) => depth -= 1,
            (_, 0) => check_biff_record(record, &mut extent).map_err(BiffProblem::TooBig)?,
            _ => {}
        }
    }
    Ok(())
}

/// Check one record of a sheet (outside embedded substreams).
fn check_biff_record(record: BiffRecord<'_>, extent: &mut CellExtent) -> Result<(), String> {
    let d = record.data;
    match record.typ {
        0x0200 => check_biff_dimensions(d)?,
        // Cells: NUMBER, LABEL, RSTRING, BOOLERR, RK, LABELSST, FORMULA (row, column first).
        0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
            if let (Some(row), Some(col)) = (biff_u16(d, 0), biff_u16(d, 2)) {
                extent.add(row, col)?;
            }
        }
        // MULRK: row, first column, then 6 bytes per cell (calamine counts them).
        0x00BD if d.len() >= 12 => {
            if let (Some(row), Some(first)) = (biff_u16(d, 0), biff_u16(d, 2)) {
                // A record is at most 65,535 bytes (its length is a u16), so this fits.
                let count = u32::try_from((d.len() - 6) / 6).unwrap_or(u32::MAX);
                extent.add(row, first)?;
                extent.add(row, first + count - 1)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// A `DIMENSIONS` record, read as calamine reads it (BIFF5: u16 rows; BIFF8: u32 rows), must
/// declare a range within the sheet limits.
fn check_biff_dimensions(d: &[u8]) -> Result<(), String> {
    let (rf, rl, cf, cl) = match d.len() {
        10 => (
            biff_u16(d, 0),
            biff_u16(d, 2),
            biff_u16(d, 4),
            biff_u16(d, 6),
        ),
        14 | 16 => (
            biff_u32(d, 0),
            biff_u32(d, 4),
            biff_u16(d, 8),
            biff_u16(d, 10),
        ),
        _ => return Ok(()),
    };
    let (Some(rf), Some(rl), Some(mut cf), Some(cl)) = (rf, rl, cf, cl) else {
        return Ok(());
    };
    if cf > 0xFF || cl < cf {
        cf = 0;
    }
    if rl == 0 || cl == 0 {
        return Ok(());
    }
    let rows = i64::from(rl) - i64::from(rf);
    let cols = i64::from(cl) - i64::from(cf);
    if rows <= 0
        || cols <= 0
        || rl > MAX_SHEET_ROWS
        || cl > MAX_SHEET_COLUMNS
        || rows * cols > MAX_SHEET_CELLS as i64
    {
        return Err(format!(
            "declares rows {rf}..{rl} and columns {cf}..{cl}, beyond the {MAX_SHEET_ROWS} rows × {MAX_SHEET_COLUMNS} columns lyncpair reads"
        ));
    }
    Ok(())
}

/// The rows and columns a sheet's cells span so far (first row, last row, first column, last
/// column), kept within the sheet limits.
#[derive(Default)]
struct CellExtent(Option<(u32, u32, u32, u32)>);

impl CellExtent {
    fn add(&mut self, row: u32, col: u32) -> Result<(), String> {
        if row >= MAX_SHEET_ROWS || col >= MAX_SHEET_COLUMNS {
            return Err(format!(
                "has a value in cell {}, beyond the {MAX_SHEET_ROWS} rows × {MAX_SHEET_COLUMNS} columns lyncpair reads",
                cell_name(row, col)
            ));
        }
        let (r0, r1, c0, c1) = self.0.unwrap_or((row, row, col, col));
        let b = (r0.min(row), r1.max(row), c0.min(col), c1.max(col));
        if u64::from(b.1 - b.0 + 1) * u64::from(b.3 - b.2 + 1) > MAX_SHEET_CELLS {
            return Err(format!("spans more than {MAX_SHEET_CELLS} cells"));
        }
        self.0 = Some(b);
        Ok(())
    }
}

/// Why [`check_ods_content`] refuses an ODS workbook.
#[derive(Debug, PartialEq)]
enum OdsProblem {
    /// Repeats beyond the sheet limits (the text says which).
    TooBig(String),
    /// `content.xml` is not well-formed; line and column are of `content.xml`.
    Damaged { why: String, line: u32, column: u32 },
}

impl OdsProblem {
    fn into_error(self, display: &str) -> InputError {
        match self {
            OdsProblem::TooBig(why) => InputError::new(display, why),
            OdsProblem::Damaged { why, line, column } => InputError {
                path: format!("{display}!content.xml"),
                message: format!(
                    "the ods workbook is damaged: its content.xml is not well-formed XML ({why}); \
                     open it in LibreOffice or Excel and save it again"
                ),
                line: Some(line),
                column: Some(column),
            },
        }
    }
}

/// Check an ODS `content.xml` before calamine reads it.
///
/// - calamine repeats every `table:number-rows-repeated` × `table:number-columns-repeated` into a
///   dense range, so 825 bytes can ask for 100 million cells. The same limits as for any sheet
///   apply to the repeats.
/// - calamine 0.38's `ods::read_table` never stops when the file ends inside a table (its loop has
///   no end-of-file arm), and it does not check end tags, so a damaged `content.xml` hangs it for
///   ever (found by the `containers` fuzz target). Only well-formed XML is handed to it.
fn check_ods_content(bytes: &[u8]) -> Result<(), OdsProblem> {
    use quick_xml::events::Event;
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(()); // calamine reports the damage with its own words.
    };
    let Ok(content) = zip.by_name("content.xml") else {
        return Ok(());
    };
    let mut reader = quick_xml::Reader::from_reader(std::io::BufReader::new(content));
    let mut depth = 0u32;
    let mut buf = Vec::new();
    let mut repeats = OdsRepeats::default();
    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(Event::Eof) if depth == 0 => return Ok(()),
            Ok(Event::Eof) => {
                let at = reader.buffer_position();
                return Err(ods_damaged(
                    bytes,
                    format!("it ends inside {depth} open element(s)"),
                    at,
                ));
            }
            Err(e) => {
                let at = reader.error_position();
                return Err(ods_damaged(bytes, e.to_string(), at));
            }
            Ok(e) => e,
        };
        match &event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        match &event {
            Event::Start(_) | Event::Empty(_) => repeats.start(&event),
            Event::End(e) if e.name().as_ref() == "table:table-row" => repeats.end_row()?,
            _ => {}
        }
        buf.clear();
    }
}

/// `content.xml` of an ODS is damaged at byte `offset`: where that is, in lines and columns of
/// `content.xml` (read again: it is rarely needed).
fn ods_damaged(bytes: &[u8], why: String, offset: u64) -> OdsProblem {
    let (line, column) = zip::ZipArchive::new(Cursor::new(bytes))
        .ok()
        .and_then(|mut zip| {
            let entry = zip.by_name("content.xml").ok()?;
            Some(line_col_of(entry, offset))
        })
        .unwrap_or((1, 1));
    OdsProblem::Damaged { why, line, column }
}

/// How far the values of the current ODS table reach once calamine repeats its rows and cells.
struct OdsRepeats {
    /// The current table's name.
    table: String,
    /// Per table: the next row's index, the first row holding a value, the widest such row.
    row: u64,
    first: Option<u64>,
    width: u64,
    /// Per row: its repeat count, the next column, and the column after its last value.
    row_repeat: u64,
    col: u64,
    row_width: u64,
}

impl Default for OdsRepeats {
    fn default() -> OdsRepeats {
        OdsRepeats {
            table: String::new(),
            row: 0,
            first: None,
            width: 0,
            row_repeat: 1,
            col: 0,
            row_width: 0,
        }
    }
}

impl OdsRepeats {
    /// A start (or empty) tag: a table, row or cell starts.
    fn start(&mut self, event: &quick_xml::events::Event<'_>) {
        use quick_xml::events::Event;
        let (Event::Start(e) | Event::Empty(e)) = event else {
            return;
        };
        match e.name().as_ref() {
            "table:table" => {
                self.table = ods_attribute(e, "table:name").unwrap_or_default();
                (self.row, self.first, self.width) = (0, None, 0);
            }
            "table:table-row" => {
                self.row_repeat = ods_repeats(e, "table:number-rows-repeated").max(1);
                (self.col, self.row_width) = (0, 0);
            }
            "table:table-cell" | "table:covered-table-cell" => {
                let n = ods_repeats(e, "table:number-columns-repeated");
                self.col = self.col.saturating_add(n);
                // A cell with content or a value; empty repeated cells are not expanded.
                let has_value = matches!(event, Event::Start(_))
                    || e.attributes()
                        .flatten()
                        .any(|a| matches!(a.key.as_ref(), "office:value-type" | "table:formula"));
                if has_value {
                    self.row_width = self.col;
                }
            }
            _ => {}
        }
    }

    /// A row ends: the area its values and repeats reach must stay within the sheet limits.
    fn end_row(&mut self) -> Result<(), OdsProblem> {
        if self.row_width > 0 {
            let first_row = *self.first.get_or_insert(self.row);
            let last = self.row.saturating_add(self.row_repeat - 1);
            self.width = self.width.max(self.row_width);
            if last >= u64::from(MAX_SHEET_ROWS) || self.width > u64::from(MAX_SHEET_COLUMNS) {
                return Err(self.too_big(format!(
                    "repeats values beyond the {MAX_SHEET_ROWS} rows × {MAX_SHEET_COLUMNS} columns lyncpair reads"
                )));
            }
            let area = (last - first_row + 1).saturating_mul(self.width);
            if area > MAX_SHEET_CELLS {
                return Err(self.too_big(format!(
                    "repeats its values over more than {MAX_SHEET_CELLS} cells"
                )));
            }
        }
        self.row = self.row.saturating_add(self.row_repeat);
        Ok(())
    }

    fn too_big(&self, what: String) -> OdsProblem {
        OdsProblem::TooBig(format!(
            "sheet \"{}\" {what}: it is not an inventory (an ODS repeat bomb?)",
            self.table
        ))
    }
}

/// The value of attribute `name` of an ODS element.
fn ods_attribute(e: &quick_xml::events::BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .map(|a| a.value.into_owned())
}

/// A repeat count attribute of an ODS element (1 when missing or unreadable).
fn ods_repeats(e: &quick_xml::events::BytesStart<'_>, name: &str) -> u64 {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .and_then(|a| a.value.trim().parse().ok())
        .unwrap_or(1)
}

/// 1-based line and column (in characters) of byte `offset` of a stream, read in one pass with
/// constant memory (the stream may be a large zip entry).
fn line_col_of(mut stream: impl std::io::Read, offset: u64) -> (u32, u32) {
    let (mut line, mut column, mut seen) = (1u32, 1u32, 0u64);
    let mut chunk = [0u8; 8192];
    while seen < offset {
        let Ok(n) = stream.read(&mut chunk) else {
            break;
        };
        if n == 0 {
            break;
        }
        let wanted = usize::try_from(offset - seen).unwrap_or(usize::MAX).min(n);
        for &b in &chunk[..wanted] {
            if b == b'\n' {
                (line, column) = (line.saturating_add(1), 1);
            } else if b & 0xC0 != 0x80 {
                // Count characters, not bytes: skip UTF-8 continuation bytes.
                column = column.saturating_add(1);
            }
        }
        seen += wanted as u64;
    }
    (line, column)
}

/// Read an inventory workbook (xlsx, xlsm, xlsb, xls, ods) from memory.
pub fn read_spreadsheet(
    bytes: &[u8],
    display: &str,
    opts: &ImportOptions,
) -> Result<InputRecords, InputError> {
    let kind = workbook_kind(bytes, display)?;
    if kind != Workbook::Xls {
        check_expanded_size(bytes, display, MAX_WORKBOOK_EXPANDED_BYTES)?;
    }
    // Fuzzing found panics only in calamine's xls reader (caught there, with a container check
    // first); every workbook kind runs under the same net, as the other readers are no less exposed.
    let sheets = super::catch_panic(|| load_sheets(bytes, kind, display)).unwrap_or_else(|()| {
        Err(calamine_error(
            display,
            kind,
            "the spreadsheet reader failed on damage in the file",
        ))
    })?;
    let (sheet, header) = match &opts.sheet {
        Some(wanted) => named_sheet(&sheets, wanted, display)?,
        None => sheets
            .iter()
            .find_map(|s| find_header(&s.rows).map(|h| (s, h)))
            .ok_or_else(|| no_header(display, &sheets.iter().collect::<Vec<_>>()))?,
    };
    let mut out = InputRecords::new(Input {
        path: display.to_owned(),
        format: Format::Inventory,
        encoding: kind.label().to_owned(),
    });
    if opts.sheet.is_none() {
        let header_line = sheet.rows[header.index].number;
        note_other_sheets(
            &sheets,
            sheet,
            Source::new(display, Some(header_line)),
            &mut out,
        );
    }
    let origin = Origin {
        path: display,
        sheet: Some(&sheet.name),
    };
    read_rows(&sheet.rows, &header, &origin, &mut out);
    Ok(out)
}

/// Which workbook the bytes hold: a compound file is an `.xls`; a ZIP is told by its entries.
fn workbook_kind(bytes: &[u8], display: &str) -> Result<Workbook, InputError> {
    if bytes.starts_with(super::OLE_MAGIC) {
        return Ok(Workbook::Xls);
    }
    zip_workbook(bytes).ok_or_else(|| {
        InputError::new(
            display,
            "this ZIP archive is neither an Excel nor an OpenDocument workbook",
        )
    })
}

/// The sheet `--sheet` names (exactly, else ignoring ASCII case and surrounding spaces) and its
/// header row.
fn named_sheet<'s>(
    sheets: &'s [Sheet],
    wanted: &str,
    display: &str,
) -> Result<(&'s Sheet, Header), InputError> {
    let sheet = sheets
        .iter()
        .find(|s| s.name == wanted)
        .or_else(|| {
            sheets
                .iter()
                .find(|s| s.name.eq_ignore_ascii_case(wanted.trim()))
        })
        .ok_or_else(|| {
            let names = sheets
                .iter()
                .map(|s| format!("\"{}\"", s.name))
                .collect::<Vec<_>>()
                .join(", ");
            InputError::new(
                display,
                format!(
                    "--sheet \"{wanted}\": the workbook has no such sheet; its sheets are {names}"
                ),
            )
        })?;
    let header = find_header(&sheet.rows).ok_or_else(|| no_header(display, &[sheet]))?;
    Ok((sheet, header))
}

/// Without `--sheet`, the first sheet with a header row is read: note the others that have one.
fn note_other_sheets(sheets: &[Sheet], read: &Sheet, source: Source, out: &mut InputRecords) {
    let others: Vec<String> = sheets
        .iter()
        .filter(|s| s.name != read.name && find_header(&s.rows).is_some())
        .map(|s| format!("\"{}\"", s.name))
        .collect();
    if !others.is_empty() {
        out.notes.push(Note {
            message: Message::new("note.other_sheets")
                .arg("sheet", &read.name)
                .arg("others", others.join(", ")),
            source,
        });
    }
}

fn no_header(display: &str, sheets: &[&Sheet]) -> InputError {
    let seen: Vec<String> = sheets
        .iter()
        .map(|s| {
            let first = s
                .rows
                .iter()
                .find(|r| !r.is_empty())
                .map(|r| {
                    r.cells
                        .iter()
                        .map(|c| c.trim())
                        .filter(|c| !c.is_empty())
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_else(|| "empty".to_owned());
            format!("\"{}\" (first row: {first})", s.name)
        })
        .collect();
    InputError::new(
        display,
        format!(
            "no sheet has a recognisable inventory header: lyncpair looks in the first {HEADER_SEARCH_ROWS} rows for a pool FQDN column (Pool, Pool FQDN, FQDN, Poolname, …) and at least one more known column (Site/Standort, Edition, Version, Users/Benutzer, …); sheets: {}",
            seen.join("; ")
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(number: u32, cells: &[&str]) -> Row {
        Row {
            number,
            cells: cells.iter().map(|c| (*c).to_owned()).collect(),
        }
    }

    fn records(rows: &[Row]) -> InputRecords {
        let mut out = InputRecords::new(Input {
            path: "inv.csv".into(),
            format: Format::Inventory,
            encoding: "utf-8".into(),
        });
        let header = find_header(rows).expect("header");
        read_rows(
            rows,
            &header,
            &Origin {
                path: "inv.csv",
                sheet: None,
            },
            &mut out,
        );
        out
    }

    #[test]
    fn headers_match_aliases_in_any_spelling() {
        assert_eq!(column_for("\u{feff}Pool-FQDN"), Some(Column::Fqdn));
        assert_eq!(column_for(" pool fqdn "), Some(Column::Fqdn));
        assert_eq!(column_for("Anzahl Benutzer"), Some(Column::Users));
        assert_eq!(column_for("Backup_Pool"), Some(Column::Backup));
        assert_eq!(column_for("Target Version"), Some(Column::TargetVersion));
        assert_eq!(column_for("Zielversion"), Some(Column::TargetVersion));
        for alias in [
            "Replaces",
            "Successor of",
            "Migrates from",
            "Ersetzt",
            "Nachfolger von",
            "Migriert von",
        ] {
            assert_eq!(column_for(alias), Some(Column::Replaces), "{alias}");
        }
        assert_eq!(column_for("Owner"), None);
    }

    #[test]
    fn header_needs_fqdn_and_one_more_column() {
        assert!(header_of(&row(1, &["Pool", "Owner"])).is_none());
        assert!(header_of(&row(1, &["Standort", "Edition"])).is_none());
        let rows = [
            row(1, &["Pool inventory 2024"]),
            row(2, &[]),
            row(3, &["Pool", "Site", "Owner"]),
        ];
        let h = find_header(&rows).expect("header on the third row");
        assert_eq!(h.index, 2);
        assert_eq!(h.unmapped, ["Owner"]);
    }

    #[test]
    fn counts_strip_only_thousands_separators() {
        assert_eq!(parse_count("12000"), Some(12_000));
        assert_eq!(parse_count("12.000"), Some(12_000));
        assert_eq!(parse_count("12,000"), Some(12_000));
        assert_eq!(parse_count("12 000"), Some(12_000));
        assert_eq!(parse_count("1.234.567"), Some(1_234_567));
        assert_eq!(parse_count("1500.0"), Some(1500));
        assert_eq!(parse_count("1.5"), None);
        assert_eq!(parse_count("12.00"), Some(12));
        assert_eq!(parse_count("1234.567"), None);
        assert_eq!(parse_count("12.34.567"), None);
        assert_eq!(parse_count("many"), None);
    }

    #[test]
    fn versions_from_years_names_and_builds() {
        assert_eq!(parse_version("Lync Server 2013"), Ok(Version::V2013));
        assert_eq!(parse_version("SfB 2015"), Ok(Version::V2015));
        assert_eq!(
            parse_version("Skype for Business Server 2019"),
            Ok(Version::V2019)
        );
        assert_eq!(parse_version("2010"), Ok(Version::V2010));
        assert_eq!(parse_version("5.0.8308.0"), Ok(Version::V2013));
        assert_eq!(parse_version("6.0.9319.0"), Ok(Version::V2015));
        assert_eq!(parse_version("4.0.7577.0"), Ok(Version::V2010));
        assert_eq!(parse_version("7.0.2046.0"), Ok(Version::V2019));
        assert_eq!(parse_version("6"), Err("note.version.bare_number"));
        assert!(parse_version("OCS 2007 R2").is_err());
    }

    #[test]
    fn values_in_english_and_german() {
        assert_eq!(parse_virtual("Ja"), Some(true));
        assert_eq!(parse_virtual("physisch"), Some(false));
        assert_eq!(parse_virtual("WAHR"), Some(true));
        assert_eq!(parse_virtual("VM"), Some(true));
        assert_eq!(parse_virtual("maybe"), None);
        assert_eq!(
            parse_edition("Enterprise Edition"),
            Some(Edition::Enterprise)
        );
        assert_eq!(parse_edition("SE"), Some(Edition::Standard));
        assert_eq!(parse_role("Front End"), Some(Role::FrontEnd));
        assert_eq!(parse_role("SBA"), Some(Role::Branch));
        assert_eq!(parse_role("Director"), Some(Role::Director));
        assert_eq!(parse_role("Persistent Chat"), None);
    }

    #[test]
    fn type_names_are_recognised() {
        assert!(is_type_name("System.Object[]"));
        assert!(is_type_name("System.String[]"));
        assert!(is_type_name(
            "System.Collections.Generic.List`1[System.String]"
        ));
        assert!(is_type_name(
            "Microsoft.ActiveDirectory.Management.ADPropertyValueCollection"
        ));
        assert!(!is_type_name("Microsoft Lync Server 2013"));
        assert!(!is_type_name("pool.fabrikam.test"));
    }

    #[test]
    fn rows_become_records_with_line_provenance() {
        let rows = [
            row(
                1,
                &[
                    "Pool-FQDN",
                    "Standort",
                    "Anzahl Benutzer",
                    "Version",
                    "Owner",
                    "Rolle",
                ],
            ),
            row(
                2,
                &[
                    "Pool-A.fabrikam.test",
                    "Site:München",
                    "12.000",
                    "6",
                    "x",
                    "",
                ],
            ),
            row(3, &["", "", "", "", "", ""]),
            row(4, &["sba.fabrikam.test", "Linz", "25", "2013", "", "SBA"]),
            row(5, &["Summe", "", "12.025", "", "", ""]),
        ];
        let out = records(&rows);
        assert_eq!(out.pools.len(), 2);
        let a = &out.pools[0];
        assert_eq!(a.fqdn, "pool-a.fabrikam.test");
        assert_eq!(a.site.as_ref().unwrap().value, "München");
        assert_eq!(a.users.as_ref().unwrap().value, 12_000);
        assert_eq!(
            a.users.as_ref().unwrap().source,
            Source::new("inv.csv", Some(2))
        );
        assert_eq!(a.role.as_ref().unwrap().value, Role::FrontEnd);
        assert!(a.version.is_none(), "a bare 6 is ambiguous");
        assert_eq!(out.pools[1].role.as_ref().unwrap().value, Role::Branch);
        let notes: Vec<String> = out
            .notes
            .iter()
            .map(|n| n.message.render(crate::i18n::Lang::En))
            .collect();
        assert!(notes.iter().any(|n| n.contains("Owner")), "{notes:?}");
        assert!(notes.iter().any(|n| n.contains("ambiguous")), "{notes:?}");
        assert!(
            notes
                .iter()
                .any(|n| n.contains("\"Summe\" is not a pool FQDN")),
            "{notes:?}"
        );
    }

    #[test]
    fn target_version_fills_in_for_planned_pools_only() {
        let rows = [
            row(1, &["Pool", "Version", "Target Version"]),
            row(2, &["old.fabrikam.test", "Lync 2010", "2019"]),
            row(3, &["new.fabrikam.test", "", "SfB 2019"]),
        ];
        let out = records(&rows);
        assert_eq!(out.pools[0].version.as_ref().unwrap().value, Version::V2010);
        assert_eq!(out.pools[1].version.as_ref().unwrap().value, Version::V2019);
    }

    #[test]
    fn type_name_columns_are_lossy_once() {
        let rows = [
            row(1, &["Pool", "Servers", "Site"]),
            row(2, &["a.fabrikam.test", "System.Object[]", "Wien"]),
            row(3, &["b.fabrikam.test", "System.Object[]", "Wien"]),
        ];
        let out = records(&rows);
        assert_eq!(out.lossy.len(), 1);
        assert!(
            out.lossy[0]
                .what
                .render(crate::i18n::Lang::En)
                .contains("\"Servers\"")
        );
        assert_eq!(out.lossy[0].source.line, Some(2));
        assert!(out.pools.iter().all(|p| p.servers.is_none()));
    }

    fn zip_with(entries: &[(&str, &[u8])]) -> Vec<u8> {
        use std::io::Write;
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in entries {
            w.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn workbooks_are_told_from_config_zips_by_their_entries() {
        assert!(is_spreadsheet_zip(&zip_with(&[(
            "xl/workbook.xml",
            b"<x/>"
        )])));
        assert!(is_spreadsheet_zip(&zip_with(&[("mimetype", ODS_MIMETYPE)])));
        assert!(!is_spreadsheet_zip(&zip_with(&[(
            "mimetype",
            b"application/vnd.oasis.opendocument.text"
        )])));
        assert!(!is_spreadsheet_zip(&zip_with(&[(
            "DocItemSet.xml",
            b"<x/>"
        )])));
        assert!(!is_spreadsheet_zip(b"PK\x03\x04 not really a zip"));
    }

    #[test]
    fn oversized_workbooks_are_refused_before_inflating() {
        let bytes = zip_with(&[("xl/workbook.xml", &[b' '; 4096])]);
        assert!(check_expanded_size(&bytes, "big.xlsx", 8192).is_ok());
        let e = check_expanded_size(&bytes, "big.xlsx", 1024).unwrap_err();
        assert!(e.message.contains("zip bomb"), "{}", e.message);
    }

    #[test]
    fn damaged_workbook_is_an_error_not_a_panic() {
        let bytes = zip_with(&[("xl/workbook.xml", b"<not a workbook")]);
        let e = read_spreadsheet(&bytes, "bad.xlsx", &ImportOptions::default()).unwrap_err();
        assert!(e.message.contains("cannot be read"), "{}", e.message);
    }

    #[test]
    fn merged_ranges_carry_their_value_down() {
        let mut range: Range<Data> = Range::new((0, 0), (3, 1));
        range.set_value((0, 0), Data::String("Pool".into()));
        range.set_value((0, 1), Data::String("Site".into()));
        range.set_value((1, 0), Data::String("a.t".into()));
        range.set_value((1, 1), Data::String("Wien".into()));
        range.set_value((2, 0), Data::String("b.t".into()));
        range.set_value((3, 0), Data::Float(1500.0));
        let merged = [Dimensions {
            start: (1, 1),
            end: (2, 1),
        }];
        let rows = range_cells("s", &range, &merged).unwrap().rows;
        assert_eq!(rows[2].cells, ["b.t", "Wien"]);
        assert_eq!(rows[3].cells, ["1500"]);
        assert_eq!(rows[3].number, 4);
    }

    #[test]
    fn sheets_stay_sparse_and_bounded() {
        let mut sheet = SheetCells::new("Pools");
        sheet.put(0, 0, "Pool".into()).unwrap();
        sheet.put(9, 2, "x".into()).unwrap();
        sheet.put(5, 1, "  ".into()).unwrap(); // blank: not kept
        // A merge over the whole sheet height touches only the rows that exist.
        sheet
            .carry_merges(&[Dimensions {
                start: (0, 0),
                end: (1_048_575, 0),
            }])
            .unwrap();
        let rows = sheet.into_sheet().rows;
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].number, 10);
        assert_eq!(rows[1].cells, ["Pool", "", "x"]);

        let mut far = SheetCells::new("Pools");
        let e = far.put(1_048_575, 16_383, "x".into()).unwrap_err();
        assert!(e.contains("XFD1048576"), "{e}");
        assert!(far.put(MAX_SHEET_ROWS, 0, "x".into()).is_err());
        assert!(far.put(0, MAX_SHEET_COLUMNS, "x".into()).is_err());
        far.put(MAX_SHEET_ROWS - 1, 0, "x".into()).unwrap();
        // The used range of these two cells would be 200,000 × 512 cells.
        let e = far.put(0, MAX_SHEET_COLUMNS - 1, "x".into()).unwrap_err();
        assert!(e.contains("spans more than"), "{e}");
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(0, 26), "AA1");
    }

    /// A BIFF8 Workbook stream: globals with one BOUNDSHEET, then one sheet of `sheet` records.
    fn biff(sheet: &[(u16, Vec<u8>)]) -> Vec<u8> {
        let record = |typ: u16, data: &[u8]| {
            let mut r = typ.to_le_bytes().to_vec();
            r.extend(
                u16::try_from(data.len())
                    .expect("a short record")
                    .to_le_bytes(),
            );
            r.extend(data);
            r
        };
        let globals_len = 3 * 4 + 16 + 8; // BOF(16) + BOUNDSHEET(8) + EOF(0)
        let mut s = record(0x0809, &[0; 16]);
        let mut bound = u32::try_from(globals_len)
            .expect("a small offset")
            .to_le_bytes()
            .to_vec();
        bound.extend([0; 4]);
        s.extend(record(0x0085, &bound));
        s.extend(record(0x000A, &[]));
        assert_eq!(s.len(), globals_len);
        s.extend(record(0x0809, &[0; 16]));
        for (typ, data) in sheet {
            s.extend(record(*typ, data));
        }
        s.extend(record(0x000A, &[]));
        s
    }

    fn biff_dimensions(rows: u32, cols: u16) -> (u16, Vec<u8>) {
        let mut d = 0u32.to_le_bytes().to_vec();
        d.extend(rows.to_le_bytes());
        d.extend(0u16.to_le_bytes());
        d.extend(cols.to_le_bytes());
        d.extend([0, 0]);
        (0x0200, d)
    }

    fn biff_number(row: u16, col: u16) -> (u16, Vec<u8>) {
        let mut d = row.to_le_bytes().to_vec();
        d.extend(col.to_le_bytes());
        d.extend([0; 10]);
        (0x0203, d)
    }

    /// What [`check_biff_sheets`] says about a sheet beyond the limits.
    fn too_big(stream: &[u8]) -> String {
        match check_biff_sheets(stream) {
            Err(BiffProblem::TooBig(why)) => why,
            other => panic!("not refused as too big: {other:?}"),
        }
    }

    #[test]
    fn xls_sheets_are_bounded_before_calamine_builds_them() {
        let fine = biff(&[biff_dimensions(30, 8), biff_number(29, 7)]);
        assert_eq!(check_biff_sheets(&fine), Ok(()));
        // calamine would reserve a million rows × 200 columns for this record alone.
        let declared = biff(&[biff_dimensions(1_000_000, 200)]);
        assert!(too_big(&declared).starts_with("sheet 1 declares rows"));
        let far = biff(&[
            biff_dimensions(2, 2),
            biff_number(0, 0),
            biff_number(0, 600),
        ]);
        assert!(too_big(&far).contains("beyond"));
        let spread = biff(&[biff_number(0, 0), biff_number(65_535, 100)]);
        assert!(too_big(&spread).contains("spans more than"));
        // A cell after an embedded chart's EOF is still checked.
        let chart = biff(&[(0x0809, vec![0; 16]), (0x000A, vec![]), biff_number(0, 600)]);
        assert!(too_big(&chart).contains("beyond"));
        // A real workbook passes both checks, and its Workbook stream is found.
        let real = include_bytes!("../../fixtures/importers/legacy/contoso.xls");
        let stream = super::super::cfb::check(real)
            .unwrap()
            .expect("Workbook stream");
        assert!(stream.starts_with(&[0x09, 0x08]), "BIFF BOF first");
        assert_eq!(check_biff_sheets(&stream), Ok(()));
    }

    /// A Workbook stream whose globals hold `globals` records, then one BOUNDSHEET per offset in
    /// `sheets` (relative to the end of the globals), then the sheets `body`.
    fn biff_with(globals: &[(u16, Vec<u8>)], sheets: &[u32], body: &[(u16, Vec<u8>)]) -> Vec<u8> {
        let record = |typ: u16, data: &[u8]| {
            let mut r = typ.to_le_bytes().to_vec();
            r.extend(u16::try_from(data.len()).expect("short").to_le_bytes());
            r.extend(data);
            r
        };
        let globals_len: usize = 4
            + 16
            + globals.iter().map(|(_, d)| 4 + d.len()).sum::<usize>()
            + sheets.len() * 12
            + 4;
        let base = u32::try_from(globals_len).expect("small");
        let mut s = record(0x0809, &[0; 16]);
        for (typ, data) in globals {
            s.extend(record(*typ, data));
        }
        for offset in sheets {
            let mut bound = (base + offset).to_le_bytes().to_vec();
            bound.extend([0; 4]);
            s.extend(record(0x0085, &bound));
        }
        s.extend(record(0x000A, &[]));
        assert_eq!(s.len(), globals_len);
        for (typ, data) in body {
            s.extend(record(*typ, data));
        }
        s
    }

    /// Shapes that calamine reads in quadratic time are refused; sheets one after the other pass.
    #[test]
    fn xls_shapes_calamine_reads_slowly_are_refused() {
        let bof = (0x0809, vec![0; 16]);
        let eof = (0x000A, vec![]);
        let two = [bof.clone(), biff_number(0, 0), eof.clone()];
        // Sheet 2 starts where sheet 1 ends (BOF 20 + NUMBER 18 + EOF 4 = 42 bytes).
        let body: Vec<_> = two.iter().chain(two.iter()).cloned().collect();
        assert_eq!(check_biff_sheets(&biff_with(&[], &[0, 42], &body)), Ok(()));
        // Two sheets at one offset, and a sheet without EOF before the next one (BOF 20 + NUMBER 18).
        let same = biff_with(&[], &[0, 0], &two);
        let Err(BiffProblem::Damaged(why)) = check_biff_sheets(&same) else {
            panic!("two sheets at one offset pass");
        };
        assert!(why.starts_with("sheet 1 runs on into"), "{why}");
        let no_eof = [bof.clone(), biff_number(0, 0), bof, biff_number(0, 0), eof];
        let Err(BiffProblem::Damaged(why)) = check_biff_sheets(&biff_with(&[], &[0, 38], &no_eof))
        else {
            panic!("overlapping sheets pass");
        };
        assert!(why.starts_with("sheet 1 runs on into"), "{why}");
        // CONTINUE records in the globals: up to the limit, and one more.
        let sst = (0x00FC, vec![0; 8]);
        let mut globals = vec![sst];
        globals.extend(std::iter::repeat_n(
            (0x003C, vec![]),
            MAX_XLS_CONTINUE_RECORDS,
        ));
        assert_eq!(check_biff_sheets(&biff_with(&globals, &[], &[])), Ok(()));
        globals.push((0x003C, vec![]));
        let Err(BiffProblem::TooSlow(why)) = check_biff_sheets(&biff_with(&globals, &[], &[]))
        else {
            panic!("too many CONTINUE records pass");
        };
        assert!(why.contains("16385 CONTINUE records"), "{why}");
    }

    fn ods_with(table_body: &str) -> Vec<u8> {
        let content = format!(
            r#"<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="Pools">{table_body}</table:table></office:spreadsheet></office:body></office:document-content>"#
        );
        zip_with(&[
            ("mimetype", ODS_MIMETYPE),
            ("content.xml", content.as_bytes()),
        ])
    }

    #[test]
    fn ods_repeats_count_toward_the_limits() {
        let value =
            r#"<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>"#;
        // LibreOffice's trailing empty rows and columns are repeated but hold nothing.
        let empty_tail = r#"<table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>"#;
        let fine = ods_with(&format!(
            "<table:table-row>{value}</table:table-row>{empty_tail}"
        ));
        assert_eq!(check_ods_content(&fine), Ok(()));
        let bomb = ods_with(
            r#"<table:table-row table:number-rows-repeated="10000"><table:table-cell office:value-type="float" table:number-columns-repeated="500"/></table:table-row>"#,
        );
        assert!(matches!(
            check_ods_content(&bomb),
            Err(OdsProblem::TooBig(why)) if why.contains("Pools")
        ));
        let wide = ods_with(&format!(
            r#"<table:table-row><table:table-cell table:number-columns-repeated="600"/>{value}</table:table-row>"#
        ));
        assert!(check_ods_content(&wide).is_err());
        let e = read_spreadsheet(&bomb, "bomb.ods", &ImportOptions::default()).unwrap_err();
        assert!(e.message.contains("not an inventory"), "{}", e.message);
    }

    /// calamine 0.38 loops for ever on a `content.xml` that ends inside a table or has a wrong end
    /// tag (the `containers` fuzz target found it), so such a file is refused before calamine sees it.
    #[test]
    fn a_damaged_ods_content_is_refused_with_its_position() {
        let value =
            r#"<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>"#;
        let wrong_end = ods_with(&format!(
            "<table:table-row>{value}\n<table:table-cell><text:p>y</text:p></tablE:table-cell></table:table-row>"
        ));
        match check_ods_content(&wrong_end) {
            Err(OdsProblem::Damaged { line, column, .. }) => {
                assert_eq!(line, 2, "the wrong end tag is on the second line");
                assert!(column > 1);
            }
            other => panic!("a wrong end tag is damage: {other:?}"),
        }
        let content = format!(
            r#"<office:document-content xmlns:table="t"><office:body><office:spreadsheet><table:table table:name="Pools"><table:table-row>{value}</table:table-row>"#
        );
        let truncated = zip_with(&[
            ("mimetype", ODS_MIMETYPE),
            ("content.xml", content.as_bytes()),
        ]);
        let e = read_spreadsheet(&truncated, "cut.ods", &ImportOptions::default()).unwrap_err();
        assert_eq!(e.path, "cut.ods!content.xml");
        assert!(e.message.contains("open element"), "{}", e.message);
        assert_eq!(e.line, Some(1));
    }

    #[test]
    fn line_col_of_counts_characters_of_a_stream() {
        let text = "ab\nçd€x";
        let at = text.find('x').unwrap() as u64;
        assert_eq!(line_col_of(text.as_bytes(), at), (2, 4));
        assert_eq!(line_col_of(text.as_bytes(), 0), (1, 1));
    }
}
