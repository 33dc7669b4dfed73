//! The one table of input limits, and the validators of the identifiers lyncpair accepts.
//!
//! Every value that reaches a report, a diagram or the PowerShell runbook passed through here, so a
//! name is a DNS name or an id of the form its schema gives, and nothing else: a string that could
//! close a quoted literal, carry a formula or move the terminal cursor is refused on import.
//! `docs/limits.md` documents this table for users; keep the two in step.
//!
//! [`validate`] runs over each input's records after its importer: an invalid value rejects the
//! record it belongs to (a site, or a pool with everything the input said about it) and becomes an
//! input error with the file and line; the rest of the file is still read and audited.

use crate::import::InputError;
use crate::model::{InputRecords, PoolRecord, Source};

// ---------------------------------------------------------------------------------------------
// The limits table

/// A DNS name: at most 253 characters without the trailing dot (RFC 1035 §2.3.4).
pub const MAX_DNS_NAME_CHARS: usize = 253;
/// A DNS label: at most 63 characters (RFC 1035 §2.3.4).
pub const MAX_DNS_LABEL_CHARS: usize = 63;
/// A site name is free text shown to people; Topology Builder's own limit is far lower.
pub const MAX_SITE_NAME_CHARS: usize = 256;
/// Free text such as an operating system name, like a site name.
pub const MAX_TEXT_CHARS: usize = 256;
/// The digits of a `SiteId` or `Instance` in a service id (`1-Registrar-2`): a u32 at most.
pub const MAX_SERVICE_NUMBER_DIGITS: usize = 10;
/// Users homed on one pool: an Enterprise pool carries 80,000; anything above this is a typo or
/// an attack on the arithmetic, and an input error.
pub const MAX_USERS_PER_POOL: u64 = 1_000_000;
/// Errors reported for one input before the rest are summarised in one more error.
pub const MAX_ERRORS_PER_INPUT: usize = 20;

/// Rows of one worksheet: a real inventory has hundreds; Excel's own limit is 1,048,576.
pub const MAX_SHEET_ROWS: u32 = 200_000;
/// Columns of one worksheet: a real inventory has tens; Excel's own limit is 16,384 (XFD).
pub const MAX_SHEET_COLUMNS: u32 = 512;
/// Cells one worksheet may hold, counted as written (ODS repeats expanded) and as kept in memory
/// (a row costs one slot per column up to its last cell).
pub const MAX_SHEET_CELLS: u64 = 2_000_000;
/// CONTINUE records in the workbook globals of an `.xls` (before its first EOF). Excel writes one for
/// every 8 KB a record runs over, so reaching this takes about 130 MB of globals; calamine's time
/// grows with the square of their number.
pub const MAX_XLS_CONTINUE_RECORDS: usize = 16_384;
/// A workbook whose ZIP entries claim to expand beyond this is refused before calamine inflates it.
pub const MAX_WORKBOOK_EXPANDED_BYTES: u64 = 512 << 20;

/// One CSV record (a line, or several when a quoted field holds line breaks), in characters.
pub const MAX_CSV_RECORD_CHARS: usize = 1 << 20;
/// One CSV field, in characters: a cmdlet export's longest real fields are joined FQDN lists.
pub const MAX_CSV_FIELD_CHARS: usize = 256 << 10;

// ---------------------------------------------------------------------------------------------
// Validators

/// Why a DNS name, site name or id is refused. Says what the person can fix.
pub fn check_dns_name(name: &str) -> Result<(), String> {
    // Importers normalise (lowercase, trailing dot dropped); compare the same way here anyway.
    let name = name.strip_suffix('.').unwrap_or(name);
    if is_plain_dns_name(name) {
        return Ok(());
    }
    dns_name_problem(name)
}

/// Why `name` (trailing dot already stripped) is no DNS name, in words.
fn dns_name_problem(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("is empty".to_owned());
    }
    let chars = name.chars().count();
    if chars > MAX_DNS_NAME_CHARS {
        return Err(format!(
            "has {chars} characters, above the {MAX_DNS_NAME_CHARS} a DNS name may have"
        ));
    }
    for label in name.split('.') {
        check_label(label)?;
    }
    Ok(())
}

/// Whether `name` (trailing dot already stripped) passes every check of [`check_dns_name`], in
/// one pass over its bytes: the checks below split the name, count characters and look for the
/// first bad one, which cost about a thousand instructions per name, and every pool, machine and
/// backup of a topology is checked. Anything this does not accept goes through them, so they alone
/// decide what is refused and with which words.
fn is_plain_dns_name(name: &str) -> bool {
    if name.is_empty() || name.len() > MAX_DNS_NAME_CHARS {
        return false;
    }
    let mut label_len = 0;
    let mut previous = b'.';
    for &b in name.as_bytes() {
        match b {
            b'.' if label_len == 0 || previous == b'-' => return false,
            b'.' => label_len = 0,
            b'-' if label_len == 0 => return false,
            // '?' as in check_label: an ASCII export's replacement character.
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'?' => {
                label_len += 1;
                if label_len > MAX_DNS_LABEL_CHARS {
                    return false;
                }
            }
            _ => return false,
        }
        previous = b;
    }
    label_len > 0 && previous != b'-'
}

fn check_label(label: &str) -> Result<(), String> {
    if label.is_empty() {
        return Err("has an empty label (two dots in a row, or a leading dot)".to_owned());
    }
    let chars = label.chars().count();
    if chars > MAX_DNS_LABEL_CHARS {
        return Err(format!(
            "has a label of {chars} characters, above the {MAX_DNS_LABEL_CHARS} DNS allows"
        ));
    }
    if let Some(c) = label
        .chars()
        // '?' is what an ASCII export leaves of a character it could not write: the name is
        // reported as export-lossy, not refused.
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '?'))
    {
        let idn = if c.is_ascii() {
            ""
        } else {
            " (an internationalised name is written in its A-label form, xn--…)"
        };
        return Err(format!(
            "contains {}: a DNS name has only letters, digits, hyphens and dots{idn}",
            shown_char(c)
        ));
    }
    if label.starts_with('-') || label.ends_with('-') {
        return Err(format!(
            "has the label \"{label}\", which starts or ends with a hyphen"
        ));
    }
    Ok(())
}

/// A site name: free text of at most [`MAX_SITE_NAME_CHARS`] characters, no control characters.
pub fn check_site_name(name: &str) -> Result<(), String> {
    check_text(name, MAX_SITE_NAME_CHARS)
}

/// Free text shown in reports (an OS name): bounded, no control characters.
pub fn check_text(text: &str, max: usize) -> Result<(), String> {
    let chars = text.chars().count();
    if chars > max {
        return Err(format!("has {chars} characters, above the limit of {max}"));
    }
    if let Some(c) = text.chars().find(|c| c.is_control()) {
        return Err(format!("contains {}", shown_char(c)));
    }
    Ok(())
}

/// A `SiteId` or `Instance` of a service id: digits only, as the topology schema gives them.
pub fn is_service_number(s: &str) -> bool {
    (1..=MAX_SERVICE_NUMBER_DIGITS).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

/// A GUID as Topology Builder writes it: 8-4-4-4-12 hex digits, optionally in braces.
pub fn is_guid(s: &str) -> bool {
    let s = s
        .strip_prefix('{')
        .and_then(|s| s.strip_suffix('}'))
        .unwrap_or(s);
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A service id such as `1-Registrar-2` (SiteId, role, Instance), in any case.
pub fn is_registrar_service_id(s: &str) -> bool {
    let mut parts = s.splitn(3, '-');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(site), Some(role), Some(instance)) => {
            is_service_number(site)
                && role.eq_ignore_ascii_case("registrar")
                && is_service_number(instance)
        }
        _ => false,
    }
}

/// A backup as an input may name it: a pool FQDN, or, when the reference could not be resolved to
/// a pool, the service id or GUID it was written as (reported as `backup-unknown-pool`).
pub fn check_backup(value: &str) -> Result<(), String> {
    // Most backups are pool FQDNs: the one-pass check first (the order does not change the answer).
    if is_plain_dns_name(value.strip_suffix('.').unwrap_or(value))
        || is_registrar_service_id(value)
        || is_guid(value)
    {
        return Ok(());
    }
    check_dns_name(value)
}

/// A value as it may be shown inside an error message: control characters escaped, length bounded,
/// so the message itself cannot carry what was refused.
pub fn shown(value: &str) -> String {
    const MAX: usize = 80;
    let mut out: String = value
        .chars()
        .take(MAX)
        .flat_map(char::escape_debug)
        .collect();
    if value.chars().count() > MAX {
        out.push('…');
    }
    format!("\"{out}\"")
}

fn shown_char(c: char) -> String {
    if c.is_control() {
        format!("the control character U+{:04X}", u32::from(c))
    } else if c.is_whitespace() {
        format!("the space character U+{:04X}", u32::from(c))
    } else {
        format!("'{}'", c.escape_debug())
    }
}

// ---------------------------------------------------------------------------------------------
// The validation pass

/// Check every identifier and count of one input's records; drop the records holding an invalid
/// value and return one error per dropped record (at most [`MAX_ERRORS_PER_INPUT`], then a summary).
pub fn validate(records: &mut InputRecords) -> Vec<InputError> {
    let path = records.input.path.clone();
    let mut errors: Vec<InputError> = Vec::new();
    let mut reject = |source: Option<&Source>, message: String| {
        errors.push(InputError {
            line: source.and_then(|s| s.line),
            ..InputError::new(&path, message)
        });
    };

    records.sites.retain(|s| {
        let problem = check_site_name(&s.site.name)
            .map_err(|why| format!("site name {} {why}", shown(&s.site.name)))
            .and_then(|()| match &s.site.parent {
                Some(p) => {
                    check_site_name(p).map_err(|why| format!("parent site name {} {why}", shown(p)))
                }
                None => Ok(()),
            });
        match problem {
            Ok(()) => true,
            Err(message) => {
                reject(Some(&s.source), format!("{message}; the site is not read"));
                false
            }
        }
    });
    records.pools.retain(|p| match check_pool(p) {
        Ok(()) => true,
        Err((source, message)) => {
            // A refused name is already in the message; otherwise say which pool is dropped.
            let pool = if message.starts_with("pool name") {
                String::new()
            } else {
                format!(" {}", shown(&p.fqdn))
            };
            reject(
                source.or(p.source.as_ref()),
                format!("{message}; the pool{pool} is not read"),
            );
            false
        }
    });

    if errors.len() > MAX_ERRORS_PER_INPUT {
        let more = errors.len() - MAX_ERRORS_PER_INPUT;
        errors.truncate(MAX_ERRORS_PER_INPUT);
        errors.push(InputError::new(
            &path,
            format!("{more} more records of this file were refused for the same kinds of reasons"),
        ));
    }
    errors
}

/// The first invalid value of a pool record, with where it was stated.
fn check_pool(p: &PoolRecord) -> Result<(), (Option<&Source>, String)> {
    check_dns_name(&p.fqdn).map_err(|why| {
        (
            p.source.as_ref(),
            format!("pool name {} {why}", shown(&p.fqdn)),
        )
    })?;
    if let Some(site) = &p.site {
        check_site_name(&site.value).map_err(|why| {
            (
                Some(&site.source),
                format!("site name {} {why}", shown(&site.value)),
            )
        })?;
    }
    for m in &p.machines {
        check_dns_name(m).map_err(|why| {
            (
                p.source.as_ref(),
                format!("machine name {} {why}", shown(m)),
            )
        })?;
    }
    for b in &p.backups {
        check_backup(&b.value).map_err(|why| {
            (
                Some(&b.source),
                format!(
                    "backup {} {why} (a backup is a pool FQDN or a service id such as 1-Registrar-1)",
                    shown(&b.value)
                ),
            )
        })?;
    }
    if let Some(partner) = &p.backup_service {
        check_backup(&partner.value).map_err(|why| {
            (
                Some(&partner.source),
                format!("BackupService partner {} {why}", shown(&partner.value)),
            )
        })?;
    }
    if let Some(users) = &p.users
        && users.value > MAX_USERS_PER_POOL
    {
        return Err((
            Some(&users.source),
            format!(
                "user count {} is above {MAX_USERS_PER_POOL}, more than any pool can home",
                users.value
            ),
        ));
    }
    if let Some(os) = &p.os {
        check_text(&os.value, MAX_TEXT_CHARS).map_err(|why| {
            (
                Some(&os.source),
                format!("operating system {} {why}", shown(&os.value)),
            )
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Format, Input, SiteKind, SiteRecord, Stated};

    #[test]
    fn dns_names_are_letters_digits_and_hyphens_in_bounded_labels() {
        for good in [
            "pool-a.fabrikam.test",
            "sba1",
            "pool-a.fabrikam.test.",
            "POOL-A.Fabrikam.Test",
            "xn--mnchen-3ya.contoso.test",
            "p?ol.fabrikam.test",
            &format!("{}.test", "a".repeat(63)),
        ] {
            assert_eq!(check_dns_name(good), Ok(()), "{good}");
        }
        for bad in [
            "",
            "pool-b;=cmd|' /C calc'!A0;.test",
            "pool-{formers}.t",
            "münchen.contoso.test",
            "pool a.fabrikam.test",
            "pool..fabrikam.test",
            ".pool.fabrikam.test",
            "-pool.fabrikam.test",
            "pool-.fabrikam.test",
            "pool_a.fabrikam.test",
            "đ+$(calc))){#",
            "pool\u{1b}[2k.test",
            &format!("{}.test", "a".repeat(64)),
        ] {
            assert!(check_dns_name(bad).is_err(), "{bad:?} was accepted");
        }
        let long = ["abcdefghi"; 26].join("."); // 26 * 10 - 1 = 259 characters
        assert!(check_dns_name(&long).unwrap_err().contains("253"));
        let fits = ["abcdefghi"; 25].join("."); // 249
        assert_eq!(check_dns_name(&fits), Ok(()));
        assert!(check_dns_name("münchen.test").unwrap_err().contains("xn--"));
    }

    #[test]
    fn the_one_pass_check_accepts_exactly_what_the_detailed_checks_accept() {
        let alphabet = ['a', 'Z', '0', '-', '.', '?', '_', ' ', 'é', '\u{1b}'];
        let mut names = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = names
                .iter()
                .flat_map(|n| alphabet.iter().map(move |c| format!("{n}{c}")))
                .collect();
            names.extend(longer);
        }
        for n in [62, 63, 64] {
            names.push(format!("{}.test", "a".repeat(n)));
            names.push(format!("{}-.test", "a".repeat(n)));
        }
        // 251 to 256 characters, around the limit of 253.
        for n in 250..256 {
            let mut name: String = "abcdefgh.".repeat(30).chars().take(n).collect();
            name.push('x');
            names.push(name);
        }
        for name in &names {
            assert_eq!(
                is_plain_dns_name(name),
                dns_name_problem(name).is_ok(),
                "{name:?}"
            );
        }
    }

    #[test]
    fn site_names_are_bounded_text_without_control_characters() {
        assert_eq!(check_site_name("Hamburg <Nord> | 'Süd'"), Ok(()));
        assert_eq!(check_site_name(&"ä".repeat(256)), Ok(()));
        assert!(check_site_name(&"a".repeat(257)).is_err());
        assert!(check_site_name("Hamburg\u{1b}[2K").is_err());
        assert!(check_site_name("Ham\nburg").is_err());
        assert!(check_site_name("Ham\u{9b}burg").is_err()); // C1 CSI
    }

    #[test]
    fn backups_may_be_unresolved_service_ids_or_guids() {
        assert_eq!(check_backup("pool-b.fabrikam.test"), Ok(()));
        assert_eq!(check_backup("2-Registrar-1"), Ok(()));
        assert_eq!(check_backup("2-registrar-1"), Ok(()));
        assert_eq!(check_backup("0F0F0F0F-0000-4000-8000-000000000006"), Ok(()));
        assert_eq!(
            check_backup("{0f0f0f0f-0000-4000-8000-000000000006}"),
            Ok(())
        );
        assert!(check_backup("đ+$(calc))){#-Registrar-1").is_err());
        assert!(check_backup("1-Registrar-").is_err());
        // Eleven digits is no SiteId (it is still a valid single DNS label, so not refused).
        assert!(!is_registrar_service_id("12345678901-Registrar-1"));
        assert!(!is_registrar_service_id("1-Registrar-1-2"));
        assert!(!is_guid("0f0f0f0f-0000-4000-8000-00000000000g"));
        assert!(check_backup("{0f0f0f0f-0000-4000-8000-00000000000g}").is_err());
        assert!(!is_service_number(""));
        assert!(is_service_number("4294967295"));
    }

    #[test]
    fn shown_values_cannot_carry_escapes() {
        assert_eq!(shown("a\u{1b}[2Kb"), "\"a\\u{1b}[2Kb\"");
        assert!(shown(&"x".repeat(500)).chars().count() < 90);
    }

    fn input() -> InputRecords {
        InputRecords::new(Input {
            path: "inv.csv".into(),
            format: Format::Inventory,
            encoding: "utf-8".into(),
        })
    }

    fn pool(fqdn: &str, line: u32) -> PoolRecord {
        PoolRecord {
            fqdn: fqdn.into(),
            source: Some(Source::new("inv.csv", Some(line))),
            ..PoolRecord::default()
        }
    }

    #[test]
    fn an_invalid_value_rejects_its_record_only_with_file_and_line() {
        let mut r = input();
        r.pools.push(pool("pool-a.fabrikam.test", 2));
        r.pools.push(pool("pool-{formers}.t", 3));
        let mut with_backup = pool("pool-c.fabrikam.test", 4);
        with_backup.backups.push(Stated::new(
            "đ+$(calc))){#".into(),
            Source::new("inv.csv", Some(4)),
        ));
        r.pools.push(with_backup);
        let mut crowded = pool("pool-d.fabrikam.test", 5);
        crowded.users = Some(Stated::new(u64::MAX, Source::new("inv.csv", Some(5))));
        r.pools.push(crowded);
        let mut fine = pool("pool-e.fabrikam.test", 6);
        fine.users = Some(Stated::new(
            MAX_USERS_PER_POOL,
            Source::new("inv.csv", Some(6)),
        ));
        r.pools.push(fine);
        r.sites.push(SiteRecord {
            site: crate::model::Site {
                name: "Hamburg\u{1b}[8m".into(),
                kind: SiteKind::Central,
                parent: None,
            },
            source: Source::new("inv.csv", Some(7)),
        });

        let errors = validate(&mut r);
        let kept: Vec<&str> = r.pools.iter().map(|p| p.fqdn.as_str()).collect();
        assert_eq!(kept, ["pool-a.fabrikam.test", "pool-e.fabrikam.test"]);
        assert!(r.sites.is_empty());
        let lines: Vec<Option<u32>> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [Some(7), Some(3), Some(4), Some(5)]);
        assert!(errors.iter().all(|e| e.path == "inv.csv"));
        assert!(
            errors[2].message.contains("backup"),
            "{}",
            errors[2].message
        );
        assert!(errors[3].message.contains("user count"));
        assert!(errors.iter().all(|e| !e.message.contains('\u{1b}')));
    }

    #[test]
    fn many_refused_records_are_summarised() {
        let mut r = input();
        for i in 0..50 {
            r.pools.push(pool("bad name.test", i + 2));
        }
        let errors = validate(&mut r);
        assert_eq!(errors.len(), MAX_ERRORS_PER_INPUT + 1);
        assert!(errors.last().unwrap().message.starts_with("30 more"));
        assert!(r.pools.is_empty());
    }
}
