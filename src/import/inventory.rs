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
use crate::model::{
    Edition, Format, Input, InputRecords, Lossy, Note, PoolRecord, Role, Source, Stated, Version,
    normalize_fqdn, normalize_site,
};

/// How far down a sheet (or CSV) the header row is looked for.
pub const HEADER_SEARCH_ROWS: usize = 20;

/// A workbook whose entries claim to expand beyond this is refused before calamine inflates it.
const MAX_WORKBOOK_EXPANDED_BYTES: u64 = 512 << 20;

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

    fn place(&self, row: u32) -> String {
        match self.sheet {
            Some(s) => format!("sheet \"{s}\" row {row}"),
            None => format!("line {row}"),
        }
    }
}

/// Turn the rows under `header` into pool records of `out` (format `inventory`).
pub fn read_rows(rows: &[Row], header: &Header, origin: &Origin<'_>, out: &mut InputRecords) {
    let header_row = &rows[header.index];
    if !header.unmapped.is_empty() {
        out.notes.push(Note {
            message: format!(
                "inventory columns not used by lyncpair{}: {}",
                origin
                    .sheet
                    .map_or(String::new(), |s| format!(" (sheet \"{s}\")")),
                header.unmapped.join(", ")
            ),
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
            what: format!(
                "column \"{}\" holds the .NET type name \"{type_name}\" instead of values: the exporter wrote a collection; join it with ';' before exporting",
                col_name(i)
            ),
            source: origin.at(line),
        });
    }
}

fn read_row(
    row: &Row,
    header: &Header,
    origin: &Origin<'_>,
    out: &mut InputRecords,
) -> Option<PoolRecord> {
    let get = |c: Column| {
        header
            .columns
            .get(&c)
            .map(|&i| row.cell(i))
            .filter(|v| !v.is_empty() && !is_type_name(v))
    };
    let src = origin.at(row.number);
    let mut note = |message: String| {
        out.notes.push(Note {
            message,
            source: src.clone(),
        })
    };
    let raw_fqdn = get(Column::Fqdn).unwrap_or("");
    let fqdn = normalize_fqdn(raw_fqdn);
    // Hand-made sheets carry total and comment rows: a pool name must at least look like an FQDN.
    if !fqdn.contains('.') || fqdn.contains(char::is_whitespace) {
        note(format!(
            "{}: \"{raw_fqdn}\" is not a pool FQDN; the row is skipped",
            origin.place(row.number)
        ));
        return None;
    }
    let mut record = PoolRecord {
        fqdn: fqdn.clone(),
        source: Some(src.clone()),
        ..PoolRecord::default()
    };
    if fqdn.contains('?') {
        out.lossy.push(Lossy {
            pool: Some(fqdn.clone()),
            what: format!("pool FQDN \"{fqdn}\" contains '?' (characters lost by an ASCII export)"),
            source: src.clone(),
        });
    }
    let mut note = |message: String| {
        out.notes.push(Note {
            message: format!("{}: {message}", origin.place(row.number)),
            source: src.clone(),
        })
    };

    if let Some(site) = get(Column::Site) {
        record.site = at(&src, normalize_site(site));
    }
    record.role = match get(Column::Role) {
        None => at(&src, Role::FrontEnd),
        Some(raw) => match parse_role(raw) {
            Some(role) => at(&src, role),
            None => {
                note(format!(
                    "{fqdn}: role \"{raw}\" is not front-end, director, branch (SBA/SBS), edge or mediation; read as other"
                ));
                at(&src, Role::Other)
            }
        },
    };
    if let Some(raw) = get(Column::Edition) {
        match parse_edition(raw) {
            Some(e) => record.edition = at(&src, e),
            None => note(format!(
                "{fqdn}: edition \"{raw}\" is neither Enterprise nor Standard; left unknown"
            )),
        }
    }
    let version = get(Column::Version).and_then(|raw| match parse_version(raw) {
        Ok(v) => Some(v),
        Err(why) => {
            note(format!("{fqdn}: version \"{raw}\" {why}; left unknown"));
            None
        }
    });
    let target = get(Column::TargetVersion).and_then(|raw| match parse_version(raw) {
        Ok(v) => Some(v),
        Err(why) => {
            note(format!("{fqdn}: target version \"{raw}\" {why}; ignored"));
            None
        }
    });
    match (version, target) {
        (Some(v), Some(t)) if v != t => note(format!(
            "{fqdn}: target version {} differs from the current version {}; the current one is audited",
            t.label(),
            v.label()
        )),
        (None, Some(t)) if get(Column::Version).is_none() => {
            note(format!(
                "{fqdn}: no current version; the target version {} is used (a pool still to be built)",
                t.label()
            ));
            record.version = at(&src, t);
        }
        _ => {}
    }
    if let Some(v) = version {
        record.version = at(&src, v);
    }
    if let Some(raw) = get(Column::Servers) {
        match parse_count(raw).and_then(|n| u32::try_from(n).ok()) {
            Some(n) => record.servers = at(&src, n),
            None => note(format!(
                "{fqdn}: server count \"{raw}\" is not a whole number; left unknown"
            )),
        }
    }
    if let Some(raw) = get(Column::Users) {
        match parse_count(raw) {
            Some(n) => record.users = at(&src, n),
            None => note(format!(
                "{fqdn}: user count \"{raw}\" is not a whole number; left unknown"
            )),
        }
    }
    if let Some(raw) = get(Column::Virtual) {
        match parse_virtual(raw) {
            Some(v) => record.virtual_machine = at(&src, v),
            None => note(format!(
                "{fqdn}: \"{raw}\" does not say physical or virtual; left unknown"
            )),
        }
    }
    if let Some(os) = get(Column::Os) {
        record.os = at(&src, os.to_owned());
    }
    if let Some(raw) = get(Column::Backup).filter(|raw| !is_none_word(raw)) {
        let backup = normalize_fqdn(raw);
        if backup.contains(char::is_whitespace) {
            note(format!(
                "{fqdn}: backup \"{raw}\" is not a pool FQDN; ignored"
            ));
        } else {
            record.backups.push(Stated::new(backup, src.clone()));
        }
    }
    if let Some(raw) = get(Column::Replaces).filter(|raw| !is_none_word(raw)) {
        record.replaces = replaced_pools(raw, &src, &fqdn, &mut note);
    }
    Some(record)
}

/// The pools of a `replaces` cell: FQDNs separated by `;` or `,` (a consolidation names several).
fn replaced_pools(
    raw: &str,
    src: &Source,
    fqdn: &str,
    note: &mut impl FnMut(String),
) -> Vec<Stated<String>> {
    let mut out: Vec<Stated<String>> = Vec::new();
    for part in raw
        .split([';', ','])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let old = normalize_fqdn(part);
        if !old.contains('.') || old.contains(char::is_whitespace) {
            note(format!(
                "{fqdn}: replaces \"{part}\", which is not a pool FQDN; ignored"
            ));
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
pub fn parse_version(raw: &str) -> Result<Version, &'static str> {
    let t = raw.trim();
    if !t.is_empty() && t.chars().all(|c| c.is_ascii_digit()) && t.len() < 4 {
        return Err(
            "is a bare number: ServiceVersion 6 means 2013 but build 6.x means 2015, so it is ambiguous",
        );
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
            _ => Err("is a build number of no known Lync or Skype for Business release"),
        };
    }
    let years: Vec<Version> = t
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(Version::from_label)
        .collect();
    match years.as_slice() {
        [v] => Ok(*v),
        [] => Err("names no Lync or Skype for Business Server release (2010, 2013, 2015, 2019)"),
        _ => Err("names more than one release"),
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
        format!("{}", f as i64)
    } else {
        f.to_string()
    }
}

fn sheet_rows(range: &Range<Data>, merged: &[Dimensions]) -> Vec<Row> {
    let Some((row0, col0)) = range.start() else {
        return Vec::new();
    };
    let mut rows: Vec<Row> = range
        .rows()
        .enumerate()
        .map(|(i, cells)| Row {
            number: row0 + i as u32 + 1,
            cells: std::iter::repeat_n(String::new(), col0 as usize)
                .chain(cells.iter().map(cell_text))
                .collect(),
        })
        .collect();
    for m in merged {
        let (top, col) = m.start;
        let col = col as usize;
        let Some(value) = top
            .checked_sub(row0)
            .and_then(|r| rows.get(r as usize))
            .map(|r| r.cell(col).to_owned())
        else {
            continue;
        };
        for r in top + 1..=m.end.0 {
            if let Some(row) = r.checked_sub(row0).and_then(|r| rows.get_mut(r as usize)) {
                if row.cells.len() <= col {
                    row.cells.resize(col + 1, String::new());
                }
                if row.cells[col].trim().is_empty() {
                    row.cells[col] = value.clone();
                }
            }
        }
    }
    rows
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
    let cursor = Cursor::new(bytes);
    // Merged ranges are reported by the xlsx and xls readers only (see the module comment).
    match kind {
        Workbook::Xlsx => {
            let mut wb: Xlsx<_> = Xlsx::new(cursor).map_err(|e| err(&e))?;
            all_sheets(
                &mut wb,
                |wb, name| wb.merge_cells_by_sheet_name(name).unwrap_or_default(),
                err,
            )
        }
        Workbook::Xls => {
            let mut wb: Xls<_> = Xls::new(cursor).map_err(|e| err(&e))?;
            all_sheets(
                &mut wb,
                |wb, name| wb.merge_cells_by_sheet_name(name).unwrap_or_default(),
                err,
            )
        }
        Workbook::Xlsb => {
            let mut wb: Xlsb<_> = Xlsb::new(cursor).map_err(|e| err(&e))?;
            all_sheets(&mut wb, |_, _| Vec::new(), err)
        }
        Workbook::Ods => {
            let mut wb: Ods<_> = Ods::new(cursor).map_err(|e| err(&e))?;
            all_sheets(&mut wb, |_, _| Vec::new(), err)
        }
    }
}

/// Every sheet of a workbook, in order, with its merged ranges carried down.
fn all_sheets<RS: Read + Seek, R: Reader<RS>>(
    wb: &mut R,
    merged: impl Fn(&mut R, &str) -> Vec<Dimensions>,
    err: impl Fn(&dyn std::fmt::Display) -> InputError,
) -> Result<Vec<Sheet>, InputError>
where
    R::Error: std::fmt::Display,
{
    let mut sheets = Vec::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).map_err(|e| err(&e))?;
        let merged = merged(wb, &name);
        sheets.push(Sheet {
            rows: sheet_rows(&range, &merged),
            name,
        });
    }
    Ok(sheets)
}

/// Read an inventory workbook (xlsx, xlsm, xlsb, xls, ods) from memory.
pub fn read_spreadsheet(
    bytes: &[u8],
    display: &str,
    opts: &ImportOptions,
) -> Result<InputRecords, InputError> {
    let kind = if bytes.starts_with(super::OLE_MAGIC) {
        Workbook::Xls
    } else {
        zip_workbook(bytes).ok_or_else(|| {
            InputError::new(
                display,
                "this ZIP archive is neither an Excel nor an OpenDocument workbook",
            )
        })?
    };
    if kind != Workbook::Xls {
        check_expanded_size(bytes, display, MAX_WORKBOOK_EXPANDED_BYTES)?;
    }
    let sheets = load_sheets(bytes, kind, display)?;
    let names = || {
        sheets
            .iter()
            .map(|s| format!("\"{}\"", s.name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (sheet, header) = match &opts.sheet {
        Some(wanted) => {
            let sheet = sheets
                .iter()
                .find(|s| &s.name == wanted)
                .or_else(|| {
                    sheets
                        .iter()
                        .find(|s| s.name.eq_ignore_ascii_case(wanted.trim()))
                })
                .ok_or_else(|| {
                    InputError::new(
                        display,
                        format!(
                            "--sheet \"{wanted}\": the workbook has no such sheet; its sheets are {}",
                            names()
                        ),
                    )
                })?;
            let header = find_header(&sheet.rows).ok_or_else(|| no_header(display, &[sheet]))?;
            (sheet, header)
        }
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
    let header_line = sheet.rows[header.index].number;
    if opts.sheet.is_none() {
        let others: Vec<String> = sheets
            .iter()
            .filter(|s| s.name != sheet.name && find_header(&s.rows).is_some())
            .map(|s| format!("\"{}\"", s.name))
            .collect();
        if !others.is_empty() {
            out.notes.push(Note {
                message: format!(
                    "sheet \"{}\" is read; sheet(s) {} look like inventories too and are not read (choose one with --sheet)",
                    sheet.name,
                    others.join(", ")
                ),
                source: Source::new(display, Some(header_line)),
            });
        }
    }
    let origin = Origin {
        path: display,
        sheet: Some(&sheet.name),
    };
    read_rows(&sheet.rows, &header, &origin, &mut out);
    Ok(out)
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
        assert!(parse_version("6").unwrap_err().contains("ambiguous"));
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
        let notes: Vec<&str> = out.notes.iter().map(|n| n.message.as_str()).collect();
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
        assert!(out.lossy[0].what.contains("\"Servers\""));
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
        let rows = sheet_rows(&range, &merged);
        assert_eq!(rows[2].cells, ["b.t", "Wien"]);
        assert_eq!(rows[3].cells, ["1500", ""]);
        assert_eq!(rows[3].number, 4);
    }
}
