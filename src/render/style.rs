//! The colours of the terminal renderers, as `anstyle` styles. The renderers write ANSI codes only
//! when the CLI says colour is on (`--color`, `NO_COLOR`, whether stdout is a terminal); the CLI
//! writes their text through an `anstream` stream, which turns the codes into console calls on
//! Windows consoles without ANSI support.

use anstyle::{AnsiColor, Style};

use crate::rules::Severity;

pub const BOLD: Style = Style::new().bold();
pub const DIM: Style = Style::new().dimmed();
pub const ERROR: Style = Style::new()
    .bold()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red)));
pub const WARNING: Style = Style::new()
    .bold()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Yellow)));
pub const INFO: Style = Style::new()
    .bold()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Cyan)));

/// The style of a severity's label.
pub fn severity(s: Severity) -> Style {
    match s {
        Severity::Error => ERROR,
        Severity::Warning => WARNING,
        Severity::Info => INFO,
    }
}

/// Whether terminal text carries colour codes. The CLI chooses it from `--color` for standard
/// output; the library never looks at the terminal itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Colour {
    /// Text only: for pipes, files, `NO_COLOR` and `--color never`.
    Plain,
    /// Text with ANSI codes for the styles of this module.
    Styled,
}

impl Colour {
    /// `text` in `style` when styled, else unchanged.
    pub fn paint(self, style: Style, text: &str) -> String {
        match self {
            Colour::Styled => format!("{}{text}{}", style.render(), style.render_reset()),
            Colour::Plain => text.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_on_writes_ansi_codes_and_off_writes_none() {
        assert_eq!(Colour::Styled.paint(ERROR, "x"), "\x1b[1m\x1b[31mx\x1b[0m");
        assert_eq!(Colour::Plain.paint(ERROR, "x"), "x");
    }
}
