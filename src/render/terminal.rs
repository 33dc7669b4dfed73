//! Text from inputs made safe for a terminal (issue 9): a name holding ESC sequences could move the
//! cursor, erase lines, set the window title or hide text, and so fake or hide findings.
//!
//! Every control character (C0 including CR, LF and tab, DEL, C1) and every bidirectional formatting
//! character (which reorders the text shown around it) is written as its Rust escape, e.g. `\u{1b}`
//! or `\n`, so it is visible and inert. Only the renderers' own line breaks and colours reach the
//! terminal raw: this is applied to each value taken from inputs, not to the rendered output.

use std::borrow::Cow;

/// Characters that act on a terminal instead of being shown.
fn acts(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` with each acting character escaped; borrowed when there is none (the usual case).
pub fn safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(acts) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if acts(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// [`safe`] of each item, joined.
pub fn safe_join(items: &[String], separator: &str) -> String {
    items
        .iter()
        .map(|i| safe(i))
        .collect::<Vec<_>>()
        .join(separator)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_escaped_and_visible() {
        assert_eq!(safe("pool-a.contoso.test"), "pool-a.contoso.test");
        assert!(matches!(safe("München – Süd"), Cow::Borrowed(_)));
        assert_eq!(safe("a\u{1b}[2Kb"), "a\\u{1b}[2Kb");
        assert_eq!(safe("x\ry\nz\t"), "x\\ry\\nz\\t");
        assert_eq!(
            safe("\u{7}\u{7f}\u{9b}\u{85}"),
            "\\u{7}\\u{7f}\\u{9b}\\u{85}"
        );
        assert_eq!(safe("a\u{202E}b"), "a\\u{202e}b");
        assert_eq!(
            safe_join(&["a\u{1b}".to_owned(), "b".to_owned()], ", "),
            "a\\u{1b}, b"
        );
    }

    #[test]
    fn nothing_acting_is_left() {
        let all: String = (0u32..0x250).filter_map(char::from_u32).collect();
        assert!(!safe(&all).chars().any(acts));
    }
}
