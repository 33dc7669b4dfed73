//! `findings.csv`: one row per finding and pool, for Excel.
//!
//! UTF-8 with a byte order mark (so Excel does not guess a legacy code page), CRLF line ends, and
//! every field in double quotes (RFC 4180), so no separator or line break inside a value splits it.
//! English uses `,`; `--lang de` uses German headers and `;`, because German Excel splits on `;`.
//!
//! CSV injection: a value that Excel, LibreOffice or Google Sheets would start with `=`, `+`, `-`, `@`,
//! tab or carriage return becomes a formula. Such a start is neutralised with a `'` wherever a cell
//! could begin, whatever separator the reader picks: at the start of the value and after every `,`,
//! `;`, tab or line break inside it, also behind leading spaces (` =1+1`). So a pool named
//! `pool-b;=cmd|' /C calc'!A0;.test` stays text even in a program that ignores the quotes.

use crate::audit::AuditedEstate;
use crate::i18n::Lang;

/// Stable English column keys (`--lang en`): scripts read this file too. `fix` is appended last
/// (2026-11-27), so scripts reading the first columns by position still work.
pub const HEADER: [&str; 7] = [
    "estate", "severity", "code", "pool", "message", "sources", "fix",
];
/// The same columns for German Excel (`--lang de`).
pub const HEADER_DE: [&str; 7] = [
    "Umgebung",
    "Schweregrad",
    "Code",
    "Pool",
    "Meldung",
    "Quellen",
    "Behebung",
];

/// Characters that start a formula in a spreadsheet cell (all ASCII).
fn starts_formula(b: u8) -> bool {
    matches!(b, b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
}

/// Characters a reader may split cells or rows at (all ASCII).
fn splits(b: u8) -> bool {
    matches!(b, b',' | b';' | b'\t' | b'\r' | b'\n')
}

/// The value with a `'` before every formula start a cell could begin with, then quoted.
pub fn cell(raw: &str) -> String {
    let mut value = String::with_capacity(raw.len() + 4);
    push_cell(&mut value, raw);
    value
}

/// [`cell`] written onto `out`. Byte by byte: every character that matters here is ASCII, and the
/// bytes of any other character (a UTF-8 sequence never holds an ASCII byte) are copied as they
/// are, in runs between the places that get a `'` or a doubled `"`. Character by character, this
/// was about 30 instructions a character (`findings.csv` of 500 estates: 220 M).
fn push_cell(out: &mut String, raw: &str) {
    out.push('"');
    // Whether the characters since the last split point (or the start) are all spaces.
    let mut at_cell_start = true;
    // How much of `raw` is in `out`; `i` is always at an ASCII byte, so a character boundary.
    let mut copied = 0;
    for (i, b) in raw.bytes().enumerate() {
        // A tab or CR at the very start is a formula start itself; later they are split points.
        let formula = if i == 0 {
            starts_formula(b)
        } else {
            matches!(b, b'=' | b'+' | b'-' | b'@')
        };
        if (at_cell_start && formula) || b == b'"' {
            out.push_str(&raw[copied..i]);
            copied = i;
            out.push(if b == b'"' { '"' } else { '\'' });
        }
        at_cell_start = splits(b) || (at_cell_start && b == b' ');
    }
    out.push_str(&raw[copied..]);
    out.push('"');
}

fn row(out: &mut String, cells: &[&str], separator: &str) {
    for (k, c) in cells.iter().enumerate() {
        if k > 0 {
            out.push_str(separator);
        }
        push_cell(out, c);
    }
    out.push_str("\r\n");
}

/// The header and separator of `lang`.
fn columns(lang: Lang) -> ([&'static str; 7], &'static str) {
    match lang {
        Lang::En => (HEADER, ","),
        Lang::De => (HEADER_DE, ";"),
    }
}

/// `findings.csv` of `estates`: every field quoted, formula starts neutralised; German headers and
/// `;` as separator with [`Lang::De`].
pub fn render(estates: &[&AuditedEstate], lang: Lang) -> String {
    let rows: Vec<String> = estates.iter().map(|a| rows(a, lang)).collect();
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    with_header(&rows, lang)
}

/// The file from the rows of some estates ([`rows`], in order): `audit --out` in a batch writes
/// each estate's rows twice, in the run's `findings.csv` and in the estate's own.
pub(crate) fn with_header(rows: &[&str], lang: Lang) -> String {
    let (header, separator) = columns(lang);
    let mut out = String::with_capacity(rows.iter().map(|r| r.len()).sum::<usize>() + 128);
    out.push('\u{feff}');
    row(&mut out, &header, separator);
    for r in rows {
        out.push_str(r);
    }
    out
}

/// The rows of one estate's findings, one per finding and pool, without the header.
pub(crate) fn rows(a: &AuditedEstate, lang: Lang) -> String {
    let (_, separator) = columns(lang);
    let mut out = String::new();
    for f in &a.findings {
        let sources: Vec<String> = f.sources.iter().map(ToString::to_string).collect();
        let sources = sources.join("; ");
        // A finding about no particular pool still gets its row.
        let pools: Vec<&str> = if f.pools.is_empty() {
            vec![""]
        } else {
            f.pools.iter().map(String::as_str).collect()
        };
        let (message, fix) = (f.message_in(lang), f.fix_in(lang));
        for pool in pools {
            row(
                &mut out,
                &[
                    &a.estate.name,
                    f.severity.label(),
                    f.code.as_str(),
                    pool,
                    &message,
                    &sources,
                    &fix,
                ],
                separator,
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Estate, Source};
    use crate::rules::{Code, Finding, Severity};

    #[test]
    fn every_field_is_quoted() {
        assert_eq!(cell("plain"), "\"plain\"");
        assert_eq!(cell(""), "\"\"");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("two\nlines"), "\"two\nlines\"");
        // Other characters are copied whole, also next to the ones that change.
        assert_eq!(cell("é\"ü\"ß"), "\"é\"\"ü\"\"ß\"");
        assert_eq!(cell("ä, =€"), "\"ä, '=€\"");
        assert_eq!(cell("€=1"), "\"€=1\"");
    }

    /// The rule of [`cell`] character by character, as it was written first.
    fn cell_by_chars(raw: &str) -> String {
        let mut value = String::from('"');
        let mut at_cell_start = true;
        for (i, c) in raw.chars().enumerate() {
            let formula = if i == 0 {
                matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r')
            } else {
                matches!(c, '=' | '+' | '-' | '@')
            };
            if at_cell_start && formula {
                value.push('\'');
            }
            if c == '"' {
                value.push('"');
            }
            value.push(c);
            at_cell_start =
                matches!(c, ',' | ';' | '\t' | '\r' | '\n') || (at_cell_start && c == ' ');
        }
        value.push('"');
        value
    }

    #[test]
    fn byte_by_byte_is_the_rule_character_by_character() {
        let pieces = [
            "", "a", " ", "é", "€", "\"", "=", "+", "-", "@", "\t", "\r", "\n", ",", ";",
        ];
        // Every string of up to three pieces.
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let raw = format!("{a}{b}{c}");
                    assert_eq!(cell(&raw), cell_by_chars(&raw), "{raw:?}");
                }
            }
        }
    }

    #[test]
    fn formula_starts_are_neutralised_at_the_start() {
        assert_eq!(cell("=1+1"), "\"'=1+1\"");
        assert_eq!(cell("+49 40"), "\"'+49 40\"");
        assert_eq!(cell("-2"), "\"'-2\"");
        assert_eq!(cell("@SUM(A1)"), "\"'@SUM(A1)\"");
        assert_eq!(cell("\tx"), "\"'\tx\"");
        assert_eq!(cell("\rx"), "\"'\rx\"");
        assert_eq!(cell("  =1"), "\"  '=1\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        // Inside a word nothing changes.
        assert_eq!(cell("a=b pool-b x+y a@b"), "\"a=b pool-b x+y a@b\"");
    }

    #[test]
    fn formula_starts_are_neutralised_after_every_separator() {
        // The hostile pool name of ../shared/hostile/csv-semicolon.
        assert_eq!(
            cell("pool-b;=cmd|' /C calc'!A0;.test"),
            "\"pool-b;'=cmd|' /C calc'!A0;.test\""
        );
        assert_eq!(cell("a, =1"), "\"a, '=1\"");
        assert_eq!(cell("a\t+1"), "\"a\t'+1\"");
        assert_eq!(cell("a\n@x"), "\"a\n'@x\"");
        assert_eq!(cell("a\r\n-1"), "\"a\r\n'-1\"");
        assert_eq!(cell("a;b"), "\"a;b\"");
    }

    /// Splits at `separator` the way a reader ignoring quotes would, and checks no piece starts a formula.
    fn no_formula_in_any_split(line: &str) {
        for separator in [',', ';', '\t', '\n', '\r'] {
            for piece in line.split(separator) {
                let piece = piece.trim_start_matches([' ', '"']);
                assert!(
                    !piece.starts_with(['=', '+', '-', '@']),
                    "{piece:?} in {line:?}"
                );
            }
        }
    }

    fn audit_row(pool: &str, message: &str) -> AuditedEstate {
        AuditedEstate {
            estate: Estate {
                name: "=estate".into(),
                ..Estate::default()
            },
            findings: vec![Finding::new(
                Code::BackupSelf,
                Severity::Error,
                vec![pool.into()],
                message.into(),
                vec![Source::new("t.xml", Some(3))],
            )],
        }
    }

    #[test]
    fn german_headers_and_semicolons_keep_the_bom() {
        let a = audit_row("pool-b;=cmd|' /C calc'!A0;.test", "m, -1; @x");
        let de = render(&[&a], Lang::De);
        assert!(de.starts_with(
            "\u{feff}\"Umgebung\";\"Schweregrad\";\"Code\";\"Pool\";\"Meldung\";\"Quellen\";\"Behebung\"\r\n"
        ));
        assert!(de.contains(
            "\"'=estate\";\"error\";\"backup-self\";\"pool-b;'=cmd|' /C calc'!A0;.test\";\"m, '-1; '@x\";\"t.xml:3\";\"\"\r\n"
        ), "{de}");
        let en = render(&[&a], Lang::En);
        assert!(en.starts_with(
            "\u{feff}\"estate\",\"severity\",\"code\",\"pool\",\"message\",\"sources\",\"fix\"\r\n"
        ));
        assert!(en.contains("\"'=estate\",\"error\",\"backup-self\","));
        for text in [de, en] {
            for line in text.trim_start_matches('\u{feff}').split("\r\n") {
                no_formula_in_any_split(line);
            }
        }
    }

    #[test]
    fn the_split_check_sees_formulas() {
        assert!(std::panic::catch_unwind(|| no_formula_in_any_split("\"a\";\"=1\"")).is_err());
    }
}
