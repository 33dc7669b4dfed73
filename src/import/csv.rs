//! CSV files: Windows PowerShell `Export-Csv` output of the Lync cmdlets (format `cmdlet-csv`) and
//! CSV inventories (format `inventory`, mapped by [`super::inventory`]). FORMATS.md §2.2, §6, §7.
//!
//! Reading decisions:
//! - RFC 4180 with the leniency real files need: an optional `#TYPE …` first line (and Excel's
//!   `sep=;` hint), delimiter `,`, `;` or tab chosen by counting them in the header line outside
//!   quotes, quoted or bare fields, doubled quotes, delimiters and newlines inside quotes, CRLF/LF/CR.
//!   Blank lines are skipped.
//! - A row with FEWER fields than the header is padded with empty fields (PowerShell writes the
//!   header from the first object only, and missing properties as empty fields). A row with MORE
//!   non-empty fields than the header is damage (an unquoted delimiter, a hand edit): the whole file
//!   is refused with the line and column of the first extra field. Extra empty fields are ignored
//!   (spreadsheet programs pad rows with trailing delimiters).
//! - Cells holding .NET collection type names (`System.Object[]` …) are never read as values; each
//!   such column raises one `export-lossy`. `?` in a pool FQDN or site name does too.
//! - `Get-CsService -Registrar` cannot tell a front-end pool from a branch appliance (SBA/SBS): its rows
//!   state a role only when `IsDirector` (or `Role`) says Director; otherwise the role is left to the
//!   topology (or `Get-CsPool` with its services joined, or an inventory).
//! - User exports (`Get-CsUser`, `Get-CsUserPoolInfo`) give users per pool by counting rows. Pools with
//!   no user row are not mentioned (their count stays unknown, not zero).

use std::collections::{BTreeMap, BTreeSet};

use super::interval::parse_interval;
use super::inventory::{self, Row, at, is_type_name};
use super::xml::parse_bool;
use super::{ImportOptions, InputError};
use crate::limits::{MAX_CSV_FIELD_CHARS, MAX_CSV_RECORD_CHARS};
use crate::model::{
    Failover, Format, Input, InputRecords, Lossy, Note, PoolRecord, Role, Site, SiteKind,
    SiteRecord, Source, Stated, Version, normalize_fqdn, normalize_site,
};
use crate::text::Decoded;

/// One field and where it starts (1-based line and column, in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub text: String,
    pub line: u32,
    pub column: u32,
}

/// One record: its fields, starting on `line`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub line: u32,
    pub fields: Vec<Field>,
}

impl Record {
    fn is_blank(&self) -> bool {
        self.fields.iter().all(|f| f.text.trim().is_empty())
    }

    fn to_row(&self) -> Row {
        Row {
            number: self.line,
            cells: self.fields.iter().map(|f| f.text.clone()).collect(),
        }
    }
}

/// A parsed CSV file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The type name of a `#TYPE` first line.
    pub type_name: Option<String>,
    pub delimiter: char,
    /// Non-blank records; the first is the header.
    pub records: Vec<Record>,
}

/// Why a CSV file could not be parsed; line and column are 1-based.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvError {
    pub message: String,
    pub line: u32,
    pub column: u32,
}

/// A cursor over the characters of the text that knows its line and column.
struct Chars<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
    line: u32,
    column: u32,
}

impl Chars<'_> {
    fn peek(&mut self) -> Option<char> {
        self.chars.peek().copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.chars.next()?;
        if c == '\n' || (c == '\r' && self.peek() != Some('\n')) {
            self.line += 1;
            self.column = 1;
        } else if c != '\r' {
            self.column += 1;
        }
        Some(c)
    }

    /// Consume one line ending (`\r\n`, `\n` or `\r`) if one is next.
    fn eat_newline(&mut self) -> bool {
        match self.peek() {
            Some('\r') => {
                self.next();
                if self.peek() == Some('\n') {
                    self.next();
                }
                true
            }
            Some('\n') => {
                self.next();
                true
            }
            _ => false,
        }
    }
}

/// The delimiter of a header line: the most frequent of `,` `;` tab outside quotes (ties: `,` first).
fn detect_delimiter(header_line: &str) -> char {
    let mut counts = [(',', 0usize), (';', 0), ('\t', 0)];
    let mut in_quotes = false;
    for c in header_line.chars() {
        match c {
            '"' => in_quotes = !in_quotes,
            '\r' | '\n' if !in_quotes => break,
            _ if !in_quotes => {
                if let Some(slot) = counts.iter_mut().find(|(d, _)| *d == c) {
                    slot.1 += 1;
                }
            }
            _ => {}
        }
    }
    counts
        .iter()
        .copied()
        .fold(
            (',', 0),
            |best, cur| if cur.1 > best.1 { cur } else { best },
        )
        .0
}

pub fn parse(text: &str) -> Result<Table, CsvError> {
    let mut rest = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut line = 1;
    let mut type_name = None;
    let mut delimiter = None;
    // Preamble lines: `#TYPE name` (Export-Csv) and `sep=;` (Excel), in either order, at the top.
    loop {
        let (first, after) = rest.split_once('\n').unwrap_or((rest, ""));
        let first = first.trim_end_matches('\r');
        let upper = first.get(..5).unwrap_or("").to_ascii_uppercase();
        if upper == "#TYPE" {
            type_name = Some(first[5..].trim().to_owned());
        } else if upper.starts_with("SEP=") {
            delimiter = first[4..].chars().next();
        } else {
            break;
        }
        rest = after;
        line += 1;
    }
    let delimiter = delimiter.unwrap_or_else(|| detect_delimiter(rest));
    let mut cur = Chars {
        chars: rest.chars().peekable(),
        line,
        column: 1,
    };

    let mut records = Vec::new();
    while cur.peek().is_some() {
        let record = parse_record(&mut cur, delimiter)?;
        if !record.is_blank() {
            records.push(record);
        }
    }
    Ok(Table {
        type_name,
        delimiter,
        records,
    })
}

fn parse_record(cur: &mut Chars<'_>, delimiter: char) -> Result<Record, CsvError> {
    let line = cur.line;
    let mut fields = Vec::new();
    // Characters of the record so far: one line of garbage must not grow without bound.
    let mut record_chars = 0usize;
    loop {
        let (f_line, f_col) = (cur.line, cur.column);
        let mut text = String::new();
        let mut field_chars = 0usize;
        let mut count = |field_chars: &mut usize| -> Result<(), CsvError> {
            *field_chars += 1;
            record_chars += 1;
            if *field_chars > MAX_CSV_FIELD_CHARS {
                return Err(CsvError {
                    message: format!(
                        "a field is longer than {MAX_CSV_FIELD_CHARS} characters: no export lyncpair reads holds one"
                    ),
                    line: f_line,
                    column: f_col,
                });
            }
            if record_chars > MAX_CSV_RECORD_CHARS {
                return Err(CsvError {
                    message: format!(
                        "the record starting here is longer than {MAX_CSV_RECORD_CHARS} characters: no export lyncpair reads holds one"
                    ),
                    line,
                    column: 1,
                });
            }
            Ok(())
        };
        if cur.peek() == Some('"') {
            cur.next();
            loop {
                count(&mut field_chars)?;
                match cur.next() {
                    None => {
                        return Err(CsvError {
                            message: "a quoted field is never closed: a '\"' is missing".into(),
                            line: f_line,
                            column: f_col,
                        });
                    }
                    Some('"') if cur.peek() == Some('"') => {
                        cur.next();
                        text.push('"');
                    }
                    Some('"') => break,
                    Some(c) => text.push(c),
                }
            }
        }
        // Bare field, or whatever follows a closing quote (kept: lenient, like Excel).
        while let Some(c) = cur.peek() {
            if c == delimiter || c == '\r' || c == '\n' {
                break;
            }
            count(&mut field_chars)?;
            text.push(c);
            cur.next();
        }
        fields.push(Field {
            text,
            line: f_line,
            column: f_col,
        });
        if cur.peek() == Some(delimiter) {
            cur.next();
            continue;
        }
        cur.eat_newline();
        return Ok(Record { line, fields });
    }
}

/// What a CSV file holds, decided by its header (and `#TYPE` line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `Get-CsService -Registrar`
    Registrar,
    /// `Get-CsPool`
    Pool,
    /// `Get-CsSite`
    Site,
    /// `Get-CsUserPoolInfo`
    UserPoolInfo,
    /// `Get-CsUser` (with `RegistrarPool`)
    User,
    /// `Get-CsPoolBackupRelationship -PoolFqdn` (2013+), as powershell/Export-LyncPairingData.ps1
    /// writes it; column names inferred (see `read_backup_relationships`).
    BackupRelationship,
}

impl Kind {
    fn cmdlet(self) -> &'static str {
        match self {
            Kind::Registrar => "Get-CsService -Registrar",
            Kind::Pool => "Get-CsPool",
            Kind::Site => "Get-CsSite",
            Kind::UserPoolInfo => "Get-CsUserPoolInfo",
            Kind::User => "Get-CsUser",
            Kind::BackupRelationship => "Get-CsPoolBackupRelationship",
        }
    }
}

/// Which cmdlet wrote a CSV with these (normalised) headers and this `#TYPE` name, if any.
pub fn cmdlet_kind(headers: &BTreeSet<String>, type_name: Option<&str>) -> Option<Kind> {
    let has = |h: &str| headers.contains(h);
    let ty = type_name.unwrap_or("").to_ascii_lowercase();
    if has("primarypoolfqdn") {
        return Some(Kind::UserPoolInfo);
    }
    if is_backup_relationship(headers, &ty) {
        return Some(Kind::BackupRelationship);
    }
    if has("registrarpool")
        && ([
            "sipaddress",
            "userprincipalname",
            "samaccountname",
            "displayname",
        ]
        .iter()
        .any(|h| has(h))
            || ty.contains("aduser")
            || ty.contains("csuser"))
    {
        return Some(Kind::User);
    }
    if ty.contains("registrar")
        || (has("serviceid") && has("poolfqdn"))
        || (has("backupregistrar")
            && (has("enableautomaticfailover") || has("failuredetectioninterval")))
    {
        return Some(Kind::Registrar);
    }
    if ty.contains("deploy.internal.cluster") || (has("computers") && has("services")) {
        return Some(Kind::Pool);
    }
    if has("sitetype")
        || ty.ends_with(".site")
        || ty.ends_with("displaysite")
        || (has("identity") && has("pools") && has("displayname"))
    {
        return Some(Kind::Site);
    }
    None
}

/// Read a decoded text that is not XML: a cmdlet CSV or a CSV inventory.
pub fn read(
    decoded: &Decoded,
    display: &str,
    _opts: &ImportOptions,
) -> Result<InputRecords, InputError> {
    let table = parse(&decoded.text).map_err(|e| InputError {
        line: Some(e.line),
        column: Some(e.column),
        ..InputError::new(display, e.message)
    })?;
    let Some(first) = table.records.first() else {
        return Err(InputError::new(
            display,
            "the file holds no CSV header row (and is not XML): not a topology export, cmdlet CSV or inventory",
        ));
    };
    let headers: BTreeSet<String> = first
        .fields
        .iter()
        .map(|f| inventory::normalize_header(&f.text))
        .collect();
    let input = |format| Input {
        path: display.to_owned(),
        format,
        encoding: decoded.encoding.label().to_owned(),
    };
    if let Some(kind) = cmdlet_kind(&headers, table.type_name.as_deref()) {
        check_ragged(&table.records, 0, display)?;
        let mut out = InputRecords::new(input(Format::CmdletCsv));
        read_cmdlet(kind, &table, display, &mut out);
        return Ok(out);
    }
    let rows: Vec<Row> = table.records.iter().map(Record::to_row).collect();
    if let Some(header) = inventory::find_header(&rows) {
        check_ragged(&table.records, header.index, display)?;
        let mut out = InputRecords::new(input(Format::Inventory));
        let origin = inventory::Origin {
            path: display,
            sheet: None,
        };
        inventory::read_rows(&rows, &header, &origin, &mut out);
        return Ok(out);
    }
    // `Get-CsUser | Select-Object Identity, RegistrarPool`: both columns are FQDN aliases of an
    // inventory, so it is no inventory header, but it is a user list.
    if headers.contains("registrarpool") {
        check_ragged(&table.records, 0, display)?;
        let mut out = InputRecords::new(input(Format::CmdletCsv));
        read_cmdlet(Kind::User, &table, display, &mut out);
        return Ok(out);
    }
    let seen: Vec<String> = first
        .fields
        .iter()
        .map(|f| f.text.trim())
        .filter(|t| !t.is_empty())
        .map(|t| format!("\"{t}\""))
        .collect();
    let type_hint = table
        .type_name
        .as_ref()
        .map_or(String::new(), |t| format!(" (#TYPE {t})"));
    Err(InputError {
        line: Some(first.line),
        column: None,
        ..InputError::new(
            display,
            format!(
                "not a topology export, cmdlet CSV or inventory: header {}{type_hint} not recognised; lyncpair reads Export-Csv output of Get-CsService -Registrar, Get-CsPool, Get-CsSite, Get-CsUserPoolInfo and Get-CsUser, and inventories with a pool FQDN column (Pool, Pool FQDN, FQDN, Poolname) plus one more known column (Site/Standort, Edition, Version, Users/Benutzer, …)",
                seen.join(", ")
            ),
        )
    })
}

/// Refuse rows with more non-empty fields than the header (see the module docs).
fn check_ragged(records: &[Record], header: usize, display: &str) -> Result<(), InputError> {
    let width = records[header].fields.len();
    for r in &records[header + 1..] {
        let extra = &r.fields[width.min(r.fields.len())..];
        if let Some(f) = extra.iter().find(|f| !f.text.trim().is_empty()) {
            return Err(InputError {
                line: Some(f.line),
                column: Some(f.column),
                ..InputError::new(
                    display,
                    format!(
                        "row {} has {} fields but the header (line {}) has {width}: an unquoted delimiter or a damaged export; fix or re-export the file",
                        r.line,
                        r.fields.len(),
                        records[header].line
                    ),
                )
            });
        }
    }
    Ok(())
}

/// Cells of one cmdlet CSV by (normalised) column name.
struct Columns {
    index: BTreeMap<String, usize>,
}

impl Columns {
    fn new(header: &Record) -> Columns {
        let mut index = BTreeMap::new();
        for (i, f) in header.fields.iter().enumerate() {
            index
                .entry(inventory::normalize_header(&f.text))
                .or_insert(i);
        }
        Columns { index }
    }

    /// The trimmed cell, `None` when the column is missing, the cell empty or a .NET type name.
    fn get<'r>(&self, r: &'r Record, name: &str) -> Option<&'r str> {
        let i = *self.index.get(name)?;
        let t = r.fields.get(i)?.text.trim();
        (!t.is_empty() && !is_type_name(t)).then_some(t)
    }
}

fn read_cmdlet(kind: Kind, table: &Table, display: &str, out: &mut InputRecords) {
    let header = &table.records[0];
    let rows = &table.records[1..];
    let cols = Columns::new(header);
    lossy_columns(header, rows, display, out);
    match kind {
        Kind::Registrar => read_registrars(&cols, rows, display, out),
        Kind::Pool => read_pools(&cols, rows, display, out),
        Kind::Site => read_sites(&cols, rows, display, out),
        Kind::UserPoolInfo => read_users(
            &cols,
            rows,
            display,
            out,
            "primarypoolfqdn",
            Some("backuppoolfqdn"),
        ),
        Kind::User => read_users(&cols, rows, display, out, "registrarpool", None),
        Kind::BackupRelationship => read_backup_relationships(&cols, rows, display, out),
    }
    if out.pools.is_empty() && out.sites.is_empty() {
        out.notes.push(Note {
            message: crate::i18n::Message::new("note.csv.no_usable_row")
                .arg("cmdlet", kind.cmdlet()),
            source: Source::new(display, Some(header.line)),
        });
    }
}

/// One `export-lossy` per column whose cells hold .NET type names.
fn lossy_columns(header: &Record, rows: &[Record], display: &str, out: &mut InputRecords) {
    let mut seen: BTreeMap<usize, (u32, String)> = BTreeMap::new();
    for r in rows {
        for (i, f) in r.fields.iter().enumerate() {
            if is_type_name(&f.text) {
                seen.entry(i)
                    .or_insert_with(|| (f.line, f.text.trim().to_owned()));
            }
        }
    }
    for (i, (line, type_name)) in seen {
        let column = header.fields.get(i).map_or("", |f| f.text.trim());
        out.lossy.push(Lossy {
            pool: None,
            what: crate::i18n::Message::new("msg.lossy.type_name_csv")
                .arg("column", column)
                .arg("type_name", &type_name),
            source: Source::new(display, Some(line)),
        });
    }
}

/// A pool FQDN cell: normalised, with `export-lossy` for `?`; `None` (and a note) when unusable.
fn pool_fqdn(raw: &str, src: &Source, out: &mut InputRecords) -> Option<String> {
    let fqdn = normalize_fqdn(raw);
    if fqdn.is_empty() || fqdn.contains(char::is_whitespace) {
        out.notes.push(Note {
            message: crate::i18n::Message::new("note.not_a_pool_fqdn").arg("raw", raw),
            source: src.clone(),
        });
        return None;
    }
    if fqdn.contains('?') {
        out.lossy.push(Lossy {
            pool: Some(fqdn.clone()),
            what: crate::i18n::Message::new("msg.lossy.pool_fqdn").arg("fqdn", &fqdn),
            source: src.clone(),
        });
    }
    Some(fqdn)
}

fn site_name(raw: &str, src: &Source, out: &mut InputRecords) -> String {
    let name = normalize_site(raw);
    if name.contains('?') {
        out.lossy.push(Lossy {
            pool: None,
            what: crate::i18n::Message::new("msg.lossy.site_name").arg("name", &name),
            source: src.clone(),
        });
    }
    name
}

fn read_registrars(cols: &Columns, rows: &[Record], display: &str, out: &mut InputRecords) {
    let mut role_unknown = false;
    for r in rows {
        let src = Source::new(display, Some(r.line));
        let Some(raw) = cols.get(r, "poolfqdn").or_else(|| cols.get(r, "identity")) else {
            out.notes.push(Note {
                message: crate::i18n::Message::new("note.csv.registrar_without_pool"),
                source: src,
            });
            continue;
        };
        let Some(fqdn) = pool_fqdn(raw, &src, out) else {
            continue;
        };
        let mut p = PoolRecord {
            fqdn: fqdn.clone(),
            source: Some(src.clone()),
            ..PoolRecord::default()
        };
        if let Some(site) = cols.get(r, "siteid").or_else(|| cols.get(r, "site")) {
            p.site = at(&src, site_name(site, &src, out));
        }
        if let Some(raw) = cols.get(r, "version") {
            match Version::from_service_version(raw) {
                Some(v) => p.version = at(&src, v),
                None => out.notes.push(Note {
                    message: crate::i18n::Message::new("note.csv.version")
                        .arg("fqdn", &fqdn)
                        .arg("raw", raw),
                    source: src.clone(),
                }),
            }
        }
        let director = cols.get(r, "isdirector").and_then(parse_bool) == Some(true)
            || cols
                .get(r, "role")
                .is_some_and(|v| v.eq_ignore_ascii_case("director"));
        if director {
            p.role = at(&src, Role::Director);
        } else {
            role_unknown = true;
        }
        if let Some(raw) = cols.get(r, "backupregistrar") {
            let backup = normalize_fqdn(raw);
            if !backup.is_empty() {
                p.backups.push(Stated::new(backup, src.clone()));
            }
        }
        p.failover = failover(cols, r, &fqdn, &src, out).map(|f| Stated::new(f, src.clone()));
        out.pools.push(p);
    }
    if role_unknown {
        out.notes.push(Note {
            message: crate::i18n::Message::new("note.registrar_roles_unknown"),
            source: Source::new(display, None),
        });
    }
}

/// `Get-CsPoolBackupRelationship` output: its `#TYPE` (documented), or a pool and backup pool column
/// with no column of another cmdlet (an inventory with just these two columns reads the same).
fn is_backup_relationship(headers: &BTreeSet<String>, type_name: &str) -> bool {
    type_name.contains("backuprelation")
        || (headers.contains("poolfqdn")
            && headers.contains("backuppoolfqdn")
            && headers.iter().all(|h| {
                matches!(
                    h.as_str(),
                    "poolfqdn" | "backuppoolfqdn" | "identity" | "allproperties"
                )
            }))
}

/// One backup edge per row. Microsoft documents the output type (`BackupRelation`) but no property
/// names: `PoolFqdn` (the pool asked for) and `BackupPoolFqdn` are inferred, so rows without a
/// backup pool are surfaced as notes with what the export saw (`AllProperties`), never guessed at.
fn read_backup_relationships(
    cols: &Columns,
    rows: &[Record],
    display: &str,
    out: &mut InputRecords,
) {
    for r in rows {
        let src = Source::new(display, Some(r.line));
        let Some(raw) = cols.get(r, "poolfqdn").or_else(|| cols.get(r, "identity")) else {
            continue;
        };
        let Some(fqdn) = pool_fqdn(raw, &src, out) else {
            continue;
        };
        let backup = cols.get(r, "backuppoolfqdn").map(normalize_fqdn);
        let Some(backup) = backup.filter(|b| !b.is_empty()) else {
            let seen = cols.get(r, "allproperties").unwrap_or("no properties");
            out.notes.push(Note {
                message: crate::i18n::Message::new("note.csv.no_backup_pool_fqdn")
                    .arg("fqdn", &fqdn)
                    .arg("seen", seen),
                source: src,
            });
            continue;
        };
        out.pools.push(PoolRecord {
            fqdn,
            source: Some(src.clone()),
            backups: vec![Stated::new(backup, src)],
            ..PoolRecord::default()
        });
    }
}

fn failover(
    cols: &Columns,
    r: &Record,
    fqdn: &str,
    src: &Source,
    out: &mut InputRecords,
) -> Option<Failover> {
    let enabled_raw = cols.get(r, "enableautomaticfailover");
    let detect_raw = cols.get(r, "failuredetectioninterval");
    let back_raw = cols.get(r, "failbackdetectioninterval");
    if enabled_raw.is_none() && detect_raw.is_none() && back_raw.is_none() {
        return None;
    }
    let mut unreadable = |column: &str, raw: &str| {
        out.notes.push(Note {
            message: crate::i18n::Message::new("note.csv.unreadable")
                .arg("fqdn", fqdn)
                .arg("column", column)
                .arg("raw", raw),
            source: src.clone(),
        })
    };
    let enabled = enabled_raw.and_then(|raw| {
        parse_bool(raw).or_else(|| {
            unreadable("EnableAutomaticFailover", raw);
            None
        })
    });
    let failure_detection_s = detect_raw.and_then(|raw| {
        parse_interval(raw).or_else(|| {
            unreadable("FailureDetectionInterval", raw);
            None
        })
    });
    let failback_s = back_raw.and_then(|raw| {
        parse_interval(raw).or_else(|| {
            unreadable("FailbackDetectionInterval", raw);
            None
        })
    });
    Some(Failover {
        enabled,
        failure_detection_s,
        failback_s,
    })
}

/// Items of a collection column that a script joined (`a;b`, `a, b`, one per line).
fn items(cell: &str) -> Vec<&str> {
    cell.split([';', ',', '\n', '\r', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

fn read_pools(cols: &Columns, rows: &[Record], display: &str, out: &mut InputRecords) {
    let mut undecided = Vec::new();
    for r in rows {
        let src = Source::new(display, Some(r.line));
        let Some(raw) = cols.get(r, "fqdn").or_else(|| cols.get(r, "identity")) else {
            continue;
        };
        let Some(fqdn) = pool_fqdn(raw, &src, out) else {
            continue;
        };
        let mut p = PoolRecord {
            fqdn: fqdn.clone(),
            source: Some(src.clone()),
            ..PoolRecord::default()
        };
        if let Some(site) = cols.get(r, "site").or_else(|| cols.get(r, "siteid")) {
            p.site = Some(Stated::new(site_name(site, &src, out), src.clone()));
        }
        if let Some(services) = cols.get(r, "services") {
            // Service identities are `<Role>:<pool fqdn>`; only the role names matter here.
            let roles: BTreeSet<String> = items(services)
                .iter()
                .filter_map(|s| s.split_once(':'))
                .map(|(role, _)| role.to_ascii_lowercase())
                .collect();
            match role_from_services(&roles) {
                ServicesSay::Role(role) => p.role = Some(Stated::new(role, src.clone())),
                ServicesSay::DirectorOrBranch => undecided.push(fqdn.clone()),
            }
        }
        if let Some(computers) = cols.get(r, "computers") {
            let machines: Vec<String> = items(computers).into_iter().map(normalize_fqdn).collect();
            p.servers = Some(Stated::new(
                u32::try_from(machines.len()).unwrap_or(u32::MAX),
                src.clone(),
            ));
            p.machines = machines;
        }
        out.pools.push(p);
    }
    if !undecided.is_empty() {
        out.notes.push(Note {
            message: crate::i18n::Message::new("note.csv.role_undecided")
                .arg("pools", undecided.join(", ")),
            source: Source::new(display, None),
        });
    }
}

/// What a pool's services tell about its role.
enum ServicesSay {
    Role(Role),
    /// A Registrar without user services: a Director or a branch appliance, undecidable here (the
    /// topology or another input decides; a note says so).
    DirectorOrBranch,
}

/// D4 by service composition, with the names cmdlets print (`UserServer`) and topologies use
/// (`UserServices`).
fn role_from_services(roles: &BTreeSet<String>) -> ServicesSay {
    let has = |r: &str| roles.contains(r);
    let users = has("userserver") || has("userservices");
    if has("registrar") {
        return if users {
            ServicesSay::Role(Role::FrontEnd)
        } else {
            ServicesSay::DirectorOrBranch
        };
    }
    ServicesSay::Role(if has("edgeserver") {
        Role::Edge
    } else if has("mediationserver") && !users {
        Role::Mediation
    } else {
        Role::Other
    })
}

fn read_sites(cols: &Columns, rows: &[Record], display: &str, out: &mut InputRecords) {
    for r in rows {
        let src = Source::new(display, Some(r.line));
        let Some(raw) = cols
            .get(r, "identity")
            .or_else(|| cols.get(r, "displayname"))
        else {
            continue;
        };
        let name = site_name(raw, &src, out);
        let kind_raw = cols.get(r, "sitetype").unwrap_or("");
        let kind = if kind_raw.to_ascii_lowercase().contains("branch") {
            SiteKind::Branch
        } else {
            if !kind_raw.is_empty() && !kind_raw.to_ascii_lowercase().contains("central") {
                out.notes.push(Note {
                    message: crate::i18n::Message::new("note.csv.site_type")
                        .arg("name", &name)
                        .arg("raw", kind_raw),
                    source: src.clone(),
                });
            }
            SiteKind::Central
        };
        let parent = cols
            .get(r, "parentsite")
            .map(normalize_site)
            .filter(|p| !p.is_empty());
        out.sites.push(SiteRecord {
            site: Site { name, kind, parent },
            source: src,
        });
    }
}

/// Users per pool by counting rows; with `backup_col`, the backup each pool's users are given.
fn read_users(
    cols: &Columns,
    rows: &[Record],
    display: &str,
    out: &mut InputRecords,
    pool_col: &str,
    backup_col: Option<&str>,
) {
    struct Tally {
        first_line: u32,
        users: u64,
        backups: BTreeMap<String, u64>,
    }
    let mut pools: BTreeMap<String, Tally> = BTreeMap::new();
    let mut without_pool = 0u64;
    let mut lossy_names: BTreeSet<String> = BTreeSet::new();
    for r in rows {
        let Some(raw) = cols.get(r, pool_col) else {
            without_pool += 1;
            continue;
        };
        let fqdn = normalize_fqdn(raw);
        if fqdn.contains('?') && lossy_names.insert(fqdn.clone()) {
            out.lossy.push(Lossy {
                pool: Some(fqdn.clone()),
                what: crate::i18n::Message::new("msg.lossy.pool_fqdn").arg("fqdn", &fqdn),
                source: Source::new(display, Some(r.line)),
            });
        }
        let t = pools.entry(fqdn).or_insert(Tally {
            first_line: r.line,
            users: 0,
            backups: BTreeMap::new(),
        });
        t.users = t.users.saturating_add(1);
        if let Some(b) = backup_col.and_then(|c| cols.get(r, c)) {
            *t.backups.entry(normalize_fqdn(b)).or_default() += 1;
        }
    }
    let whole_file = Source::new(display, None);
    for (fqdn, t) in pools {
        let mut p = PoolRecord {
            fqdn: fqdn.clone(),
            source: Some(Source::new(display, Some(t.first_line))),
            users: Some(Stated::new(t.users, whole_file.clone())),
            ..PoolRecord::default()
        };
        // The backup most of the pool's users get; ties go to the first FQDN (deterministic).
        if let Some((backup, n)) = t
            .backups
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        {
            if t.backups.len() > 1 {
                let all: Vec<String> = t
                    .backups
                    .iter()
                    .map(|(b, n)| format!("{b} ({n} users)"))
                    .collect();
                out.notes.push(Note {
                    message: crate::i18n::Message::new("note.csv.users_backups")
                        .arg("fqdn", fqdn.as_str())
                        .arg("all", all.join(", "))
                        .arg("backup", backup.as_str()),
                    source: whole_file.clone(),
                });
            }
            let _ = n;
            p.backups
                .push(Stated::new(backup.clone(), whole_file.clone()));
        }
        out.pools.push(p);
    }
    if without_pool > 0 {
        out.notes.push(Note {
            message: crate::i18n::Message::new("note.csv.users_without_pool")
                .arg("n", without_pool.to_string())
                .arg(
                    "column",
                    if backup_col.is_some() {
                        "PrimaryPoolFqdn"
                    } else {
                        "RegistrarPool"
                    },
                ),
            source: whole_file,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Encoding;

    fn fields(t: &Table, i: usize) -> Vec<&str> {
        t.records[i]
            .fields
            .iter()
            .map(|f| f.text.as_str())
            .collect()
    }

    fn decoded(text: &str) -> Decoded<'_> {
        Decoded {
            text: text.into(),
            encoding: Encoding::Utf8,
        }
    }

    fn read_text(text: &str) -> Result<InputRecords, InputError> {
        read(&decoded(text), "x.csv", &ImportOptions::default())
    }

    #[test]
    fn parses_quotes_doubled_quotes_newlines_and_delimiters_inside_quotes() {
        let t = parse("#TYPE Foo.Bar\r\n\"a\",\"b\"\r\n\"x,1\",\"say \"\"hi\"\"\r\nthere\"\r\n\r\nbare,\"\"\r\n")
            .unwrap();
        assert_eq!(t.type_name.as_deref(), Some("Foo.Bar"));
        assert_eq!(t.delimiter, ',');
        assert_eq!(t.records.len(), 3);
        assert_eq!(fields(&t, 1), ["x,1", "say \"hi\"\r\nthere"]);
        assert_eq!(t.records[1].line, 3);
        assert_eq!(fields(&t, 2), ["bare", ""]);
        assert_eq!(
            t.records[2].line, 6,
            "the quoted newline and the blank line count"
        );
    }

    #[test]
    fn records_and_fields_are_bounded() {
        let field = "a".repeat(MAX_CSV_FIELD_CHARS);
        assert!(parse(&format!("Pool,Site\n{field},x\n")).is_ok());
        let e = parse(&format!("Pool,Site\nx,\"{field}a\"\n")).unwrap_err();
        assert_eq!((e.line, e.column), (2, 3));
        assert!(e.message.contains("field is longer"), "{}", e.message);
        // Many fields of allowed length still make an over-long record (one line of garbage).
        let line = [&field[..MAX_CSV_FIELD_CHARS / 2];
            2 * MAX_CSV_RECORD_CHARS / MAX_CSV_FIELD_CHARS + 1]
            .join(",");
        let e = parse(&format!("Pool,Site\nx,y\n{line}\n")).unwrap_err();
        assert_eq!((e.line, e.column), (3, 1));
        assert!(e.message.contains("record starting here"), "{}", e.message);
        let e = read_text(&format!("Pool,Site\n{line}\n")).unwrap_err();
        assert_eq!(e.line, Some(2));
    }

    #[test]
    fn detects_semicolon_and_tab_outside_quotes() {
        assert_eq!(parse("\"a,b\";c;d\n").unwrap().delimiter, ';');
        assert_eq!(parse("a\tb\tc\n").unwrap().delimiter, '\t');
        assert_eq!(parse("sep=;\na,b;c\n").unwrap().delimiter, ';');
        assert_eq!(parse("a\n").unwrap().delimiter, ',');
    }

    #[test]
    fn unterminated_quote_names_where_it_opened() {
        let e = parse("a,b\n1,\"open\n2,3\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 3));
    }

    #[test]
    fn longer_rows_are_refused_shorter_ones_padded() {
        let e = read_text("Pool,Site\na.t,Wien\nb.t,Graz,oops\n").unwrap_err();
        assert_eq!((e.line, e.column), (Some(3), Some(10)));
        assert!(e.message.contains("3 fields but the header (line 1) has 2"));
        let ok = read_text("Pool,Site,Users\na.t,Wien\nb.t,Graz,10,\n").unwrap();
        assert_eq!(ok.pools.len(), 2);
        assert!(ok.pools[0].users.is_none());
        assert_eq!(ok.pools[1].users.as_ref().unwrap().value, 10);
    }

    #[test]
    fn registrar_rows_give_backup_failover_version_and_no_role() {
        let text = "#TYPE Microsoft.Rtc.Management.Xds.DisplayRegistrar\n\
\"Identity\",\"BackupRegistrar\",\"EnableAutomaticFailover\",\"FailureDetectionInterval\",\"FailbackDetectionInterval\",\"DependentServiceList\",\"ServiceId\",\"SiteId\",\"PoolFqdn\",\"Version\",\"Role\"\n\
\"Registrar:pool-ham.fabrikam.test\",\"Registrar:pool-vie.fabrikam.test\",\"True\",\"00:02:00\",\"00:04:00\",\"System.Collections.Generic.List`1[System.String]\",\"1-Registrar-1\",\"Site:Hamburg\",\"pool-ham.fabrikam.test\",\"6\",\"Registrar\"\n\
\"Registrar:dir.fabrikam.test\",\"\",\"False\",\"\",\"\",\"System.Collections.Generic.List`1[System.String]\",\"1-Registrar-2\",\"Site:Hamburg\",\"dir.fabrikam.test\",\"7\",\"Director\"\n";
        let out = read_text(text).unwrap();
        assert_eq!(out.input.format, Format::CmdletCsv);
        let ham = &out.pools[0];
        assert_eq!(ham.fqdn, "pool-ham.fabrikam.test");
        assert_eq!(ham.site.as_ref().unwrap().value, "Hamburg");
        assert_eq!(ham.version.as_ref().unwrap().value, Version::V2013);
        assert_eq!(ham.backups[0].value, "pool-vie.fabrikam.test");
        assert!(ham.role.is_none());
        let f = ham.failover.as_ref().unwrap().value;
        assert_eq!(
            (f.enabled, f.failure_detection_s, f.failback_s),
            (Some(true), Some(120), Some(240))
        );
        assert_eq!(out.pools[1].role.as_ref().unwrap().value, Role::Director);
        assert!(out.pools[1].backups.is_empty());
        assert_eq!(out.lossy.len(), 1, "one loss per column");
        assert!(
            out.lossy[0]
                .what
                .render(crate::i18n::Lang::En)
                .contains("DependentServiceList")
        );
        assert_eq!(out.lossy[0].source.line, Some(3));
    }

    #[test]
    fn backup_relationships_give_backups_and_note_what_was_not_understood() {
        let text = "\u{feff}\"PoolFqdn\",\"BackupPoolFqdn\",\"AllProperties\"\r\n\
\"pool-ham.fabrikam.test\",\"Pool-Vie.fabrikam.test.\",\"BackupPoolFqdn=pool-vie.fabrikam.test\"\r\n\
\"pool-vie.fabrikam.test\",\"\",\"Identity=x; BackupFqdn=pool-ham.fabrikam.test\"\r\n";
        let out = read_text(text).unwrap();
        assert_eq!(out.input.format, Format::CmdletCsv);
        assert_eq!(out.pools.len(), 1);
        assert_eq!(out.pools[0].fqdn, "pool-ham.fabrikam.test");
        assert_eq!(out.pools[0].backups[0].value, "pool-vie.fabrikam.test");
        assert_eq!(out.pools[0].backups[0].source.line, Some(2));
        assert!(out.pools[0].role.is_none());
        let note = out
            .notes
            .iter()
            .find(|n| {
                n.message
                    .render(crate::i18n::Lang::En)
                    .contains("pool-vie.fabrikam.test")
            })
            .expect("a note for the row without backup");
        assert!(
            note.message
                .render(crate::i18n::Lang::En)
                .contains("BackupFqdn=pool-ham.fabrikam.test")
        );
        assert!(
            note.message
                .render(crate::i18n::Lang::En)
                .contains("inferred")
        );
        // Detected by its #TYPE too, whatever other columns it has.
        let typed = "#TYPE Microsoft.Rtc.Management.Hadr.BackupService.BackupRelation\n\
\"PoolFqdn\",\"BackupPoolFqdn\",\"SomethingElse\"\n\"a.t\",\"b.t\",\"x\"\n";
        assert_eq!(read_text(typed).unwrap().pools[0].backups[0].value, "b.t");
    }

    #[test]
    fn pools_take_roles_from_joined_services() {
        let text = "Identity,Fqdn,Site,Services,Computers\n\
pool-ham.fabrikam.test,pool-ham.fabrikam.test,Site:Hamburg,Registrar:pool-ham.fabrikam.test;UserServer:pool-ham.fabrikam.test,fe1.fabrikam.test;fe2.fabrikam.test\n\
sba.fabrikam.test,sba.fabrikam.test,Site:Linz,Registrar:sba.fabrikam.test;MediationServer:sba.fabrikam.test,sba.fabrikam.test\n\
edge.fabrikam.test,edge.fabrikam.test,Site:Hamburg,EdgeServer:edge.fabrikam.test,System.Object[]\n";
        let out = read_text(text).unwrap();
        let role = |i: usize| out.pools[i].role.as_ref().map(|r| r.value);
        assert_eq!(role(0), Some(Role::FrontEnd));
        assert_eq!(out.pools[0].servers.as_ref().unwrap().value, 2);
        assert_eq!(
            role(1),
            None,
            "Registrar without user services is undecidable"
        );
        assert_eq!(role(2), Some(Role::Edge));
        assert!(out.pools[2].servers.is_none());
        assert_eq!(out.lossy.len(), 1);
    }

    #[test]
    fn sites_with_kind_and_parent() {
        let text = "Identity,SiteId,DisplayName,SiteType,ParentSite,Pools\n\
Site:Hamburg,1,Hamburg,CentralSite,,System.Object[]\n\
Site:Linz,3,Linz,BranchSite,Site:Hamburg,System.Object[]\n";
        let out = read_text(text).unwrap();
        assert_eq!(out.sites.len(), 2);
        assert_eq!(out.sites[1].site.kind, SiteKind::Branch);
        assert_eq!(out.sites[1].site.parent.as_deref(), Some("Hamburg"));
    }

    #[test]
    fn user_pool_info_counts_users_and_most_common_backup() {
        let text = "Identity,PrimaryPoolFqdn,BackupPoolFqdn\n\
u1,pool-ham.fabrikam.test,pool-vie.fabrikam.test\n\
u2,pool-ham.fabrikam.test,pool-vie.fabrikam.test\n\
u3,POOL-HAM.fabrikam.test,pool-x.fabrikam.test\n\
u4,sba.fabrikam.test,pool-ham.fabrikam.test\n\
u5,,\n";
        let out = read_text(text).unwrap();
        assert_eq!(out.pools.len(), 2);
        let ham = &out.pools[0];
        assert_eq!(ham.users.as_ref().unwrap().value, 3);
        assert_eq!(ham.backups[0].value, "pool-vie.fabrikam.test");
        assert_eq!(out.pools[1].users.as_ref().unwrap().value, 1);
        let notes: Vec<String> = out
            .notes
            .iter()
            .map(|n| n.message.render(crate::i18n::Lang::En))
            .collect();
        assert!(
            notes.iter().any(|n| n.contains("different backup pools")),
            "{notes:?}"
        );
        assert!(
            notes.iter().any(|n| n.starts_with("1 user row")),
            "{notes:?}"
        );
    }

    #[test]
    fn users_per_registrar_pool() {
        let text = "\"SipAddress\",\"RegistrarPool\"\n\"sip:a@fabrikam.test\",\"pool-ham.fabrikam.test\"\n\"sip:b@fabrikam.test\",\"sba.fabrikam.test\"\n\"sip:c@fabrikam.test\",\"sba.fabrikam.test\"\n";
        let out = read_text(text).unwrap();
        assert_eq!(out.input.format, Format::CmdletCsv);
        let users: Vec<(String, u64)> = out
            .pools
            .iter()
            .map(|p| (p.fqdn.clone(), p.users.as_ref().unwrap().value))
            .collect();
        assert_eq!(
            users,
            [
                ("pool-ham.fabrikam.test".to_owned(), 1),
                ("sba.fabrikam.test".to_owned(), 2)
            ]
        );
    }

    #[test]
    fn identity_and_registrar_pool_is_a_user_list() {
        let out = read_text("Identity,RegistrarPool\nCN=Anna,pool-a.contoso.test\n").unwrap();
        assert_eq!(out.input.format, Format::CmdletCsv);
        assert_eq!(out.pools[0].users.as_ref().unwrap().value, 1);
        // With more inventory columns it is an inventory.
        let inv = read_text("Registrar Pool,Site\npool-a.contoso.test,Wien\n").unwrap();
        assert_eq!(inv.input.format, Format::Inventory);
    }

    #[test]
    fn unknown_header_is_an_error_listing_the_columns() {
        let e = read_text("Name,Colour\nx,red\n").unwrap_err();
        assert_eq!(e.line, Some(1));
        assert!(e.message.contains("\"Name\", \"Colour\""), "{}", e.message);
        assert!(
            e.message
                .starts_with("not a topology export, cmdlet CSV or inventory")
        );
    }

    proptest::proptest! {
        /// Whatever the text, reading it gives records or an error: never a panic.
        #[test]
        fn any_text_reads_without_panicking(text in "(#TYPE x\n)?[\"a-z;,\t\r\n.: ?-]{0,200}") {
            let _ = read_text(&text);
            let _ = read_text(&format!("Pool;Site;Users\n{text}"));
        }
    }

    #[test]
    fn question_marks_in_names_are_lossy() {
        let text = "\"SipAddress\",\"RegistrarPool\"\n\"sip:a@fabrikam.test\",\"pool-m?nchen.fabrikam.test\"\n";
        let out = read_text(text).unwrap();
        assert_eq!(out.lossy.len(), 1);
        assert_eq!(
            out.lossy[0].pool.as_deref(),
            Some("pool-m?nchen.fabrikam.test")
        );
    }
}
