//! `findings.csv`: one row per finding and pool, for Excel.
//!
//! UTF-8 with a byte order mark (so Excel does not guess a legacy code page), CRLF line ends and
//! RFC 4180 quoting. A cell that starts with `=`, `+`, `-`, `@`, tab or carriage return is prefixed
//! with `'`, so a crafted pool or site name cannot become a formula (CSV injection). Column names
//! are stable English keys whatever `--lang` says, as scripts read this file too.

use crate::audit::AuditedEstate;

/// `fix` is appended last (2026-11-27), so scripts reading the first columns by position still work.
pub const HEADER: [&str; 7] = [
    "estate", "severity", "code", "pool", "message", "sources", "fix",
];

/// Neutralise a would-be formula, then quote when the cell holds a comma, quote or line break.
pub fn cell(raw: &str) -> String {
    let mut value = String::with_capacity(raw.len() + 2);
    if raw.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        value.push('\'');
    }
    value.push_str(raw);
    if value.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

fn row(out: &mut String, cells: &[&str]) {
    let line: Vec<String> = cells.iter().map(|c| cell(c)).collect();
    out.push_str(&line.join(","));
    out.push_str("\r\n");
}

pub fn render(estates: &[&AuditedEstate]) -> String {
    let mut out = String::from("\u{feff}");
    row(&mut out, &HEADER);
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
            for pool in pools {
                row(
                    &mut out,
                    &[
                        &a.estate.name,
                        f.severity.label(),
                        f.code.as_str(),
                        pool,
                        &f.message,
                        &sources,
                        &f.fix,
                    ],
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(cell("=1+1"), "'=1+1");
        assert_eq!(cell("+49 40"), "'+49 40");
        assert_eq!(cell("-2"), "'-2");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("\tx"), "'\tx");
        assert_eq!(cell("\rx"), "\"'\rx\"");
        assert_eq!(cell("a=b"), "a=b");
    }

    #[test]
    fn quoting_follows_rfc_4180() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
    }
}
