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

/// Characters that start a formula in a spreadsheet cell.
fn starts_formula(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r')
}

/// Characters a reader may split cells or rows at.
fn splits(c: char) -> bool {
    matches!(c, ',' | ';' | '\t' | '\r' | '\n')
}

/// The value with a `'` before every formula start a cell could begin with, then quoted.
pub fn cell(raw: &str) -> String {
    let mut value = String::with_capacity(raw.len() + 4);
    value.push('"');
    // Whether the characters since the last split point (or the start) are all spaces.
    let mut at_cell_start = true;
    let mut first = true;
    for c in raw.chars() {
        // A tab or CR at the very start is a formula start itself; later they are split points.
        let formula = if first {
            starts_formula(c)
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
        at_cell_start = splits(c) || (at_cell_start && c == ' ');
        first = false;
    }
    value.push('"');
    value
}

fn row(out: &mut String, cells: &[&str], separator: &str) {
    let line: Vec<String> = cells.iter().map(|c| cell(c)).collect();
    out.push_str(&line.join(separator));
    out.push_str("\r\n");
}

/// `findings.csv` of `estates`: every field quoted, formula starts neutralised; German headers and
/// `;` as separator with [`Lang::De`].
pub fn render(estates: &[&AuditedEstate], lang: Lang) -> String {
    let (header, separator) = match lang {
        Lang::En => (HEADER, ","),
        Lang::De => (HEADER_DE, ";"),
    };
    let mut out = String::from("\u{feff}");
    row(&mut out, &header, separator);
    for a in estates {
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
