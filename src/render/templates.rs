//! The Tera templates of the HTML and Markdown reports and plans.
//!
//! The built-in templates are compiled into the binary, so it runs with no files beside it.
//! `--templates DIR` loads every `*.tera` file of DIR (names relative to DIR, `/`-separated) first
//! and adds the built-ins behind them, so a user file with a built-in's name replaces it. Templates
//! are checked when loaded: parse errors name the template and line, and every report template is
//! rendered once against sample data so a misspelt variable or filter fails before any input is read.
//!
//! HTML templates are autoescaped (`.html.tera`); Markdown is escaped explicitly with the `md` and
//! `mermaid` filters, since Markdown has no single escaping rule.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;
use tera::{Context, Tera, Value};

use crate::i18n::{self, Lang};

/// Name and text of every built-in template.
pub const BUILTINS: &[(&str, &str)] = &[
    (
        "report.html.tera",
        include_str!("../../templates/report.html.tera"),
    ),
    (
        "report.md.tera",
        include_str!("../../templates/report.md.tera"),
    ),
    (
        "plan.html.tera",
        include_str!("../../templates/plan.html.tera"),
    ),
    ("plan.md.tera", include_str!("../../templates/plan.md.tera")),
    (
        "index.html.tera",
        include_str!("../../templates/index.html.tera"),
    ),
    (
        "index.md.tera",
        include_str!("../../templates/index.md.tera"),
    ),
    (
        "diff.html.tera",
        include_str!("../../templates/diff.html.tera"),
    ),
    ("diff.md.tera", include_str!("../../templates/diff.md.tera")),
    (
        "partials/style.css.tera",
        include_str!("../../templates/partials/style.css.tera"),
    ),
    (
        "partials/diagram.html.tera",
        include_str!("../../templates/partials/diagram.html.tera"),
    ),
    (
        "partials/mermaid.md.tera",
        include_str!("../../templates/partials/mermaid.md.tera"),
    ),
    (
        "partials/plan.html.tera",
        include_str!("../../templates/partials/plan.html.tera"),
    ),
    (
        "partials/plan.md.tera",
        include_str!("../../templates/partials/plan.md.tera"),
    ),
];

/// Templates rendered directly (the others are included by them).
pub const PAGES: &[&str] = &[
    "report.html.tera",
    "report.md.tera",
    "plan.html.tera",
    "plan.md.tera",
    "index.html.tera",
    "index.md.tera",
    "diff.html.tera",
    "diff.md.tera",
];

/// The report templates of a run: the built-ins, each overridable by a file of the same name in the
/// `--templates` folder, checked on sample data when loaded.
pub struct Templates {
    tera: Tera,
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Templates").finish_non_exhaustive()
    }
}

/// Why templates cannot be loaded, checked, rendered or exported; the text is what the user reads.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// Tera cannot parse a template; `origin` says whether it is a built-in or an override.
    #[error("{origin} is broken:\n{}", indent(&error_chain(.source)))]
    Broken {
        /// Where the template comes from (built in, or the override file).
        origin: String,
        /// The underlying error.
        source: tera::Error,
    },
    /// A template fails on the sample data it is checked against at start-up.
    #[error("{0}\n(found while checking the templates on sample data)")]
    FailsOnSample(Box<TemplateError>),
    /// The data of a template cannot be handed to Tera.
    #[error("report data for {name}: {}", error_chain(.source))]
    Data {
        /// The template's name.
        name: String,
        /// The underlying error.
        source: tera::Error,
    },
    /// Tera fails to render a template.
    #[error("template {name} failed:\n{}", indent(&error_chain(.source)))]
    Render {
        /// The template's name.
        name: String,
        /// The underlying error.
        source: tera::Error,
    },
    /// The `--templates` folder cannot be read.
    #[error("--templates {}: {source}", .dir.display())]
    Folder {
        /// The folder.
        dir: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// Walking the `--templates` folder fails.
    #[error("--templates {}: {source}", .dir.display())]
    Walk {
        /// The folder.
        dir: PathBuf,
        /// The underlying error.
        source: walkdir::Error,
    },
    /// `--templates` names a file.
    #[error("--templates {} is not a folder; name the folder holding your *.tera files", .dir.display())]
    NotAFolder {
        /// The folder.
        dir: PathBuf,
    },
    /// A template file cannot be read.
    #[error("template {} cannot be read: {source} (templates must be UTF-8 text)", .path.display())]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The `--templates` folder holds no template.
    #[error("--templates {} holds no *.tera file; `lyncpair templates export DIR` writes the built-ins as a start", .dir.display())]
    NoTemplates {
        /// The folder.
        dir: PathBuf,
    },
    /// `templates export` would overwrite a file that differs from the built-in.
    #[error("{} already exists and differs from the built-in; nothing was written (move it away or export into an empty folder)", .path.display())]
    ExportWouldOverwrite {
        /// The file.
        path: PathBuf,
    },
    /// `templates export` cannot compare with a file already there.
    #[error("cannot check {}: {source}", .path.display())]
    ExportCannotCheck {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// Writing the exported templates fails.
    #[error(transparent)]
    Output(#[from] crate::output::OutputError),
}

/// The whole chain of a Tera error: "Failed to parse 'x'" alone does not say where.
pub(crate) fn error_chain(e: &tera::Error) -> String {
    let mut out = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        out.push('\n');
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

impl Templates {
    /// The built-ins, overridden by the `*.tera` files of `dir` when given; labels in `lang`.
    pub fn load(dir: Option<&Path>, lang: Lang) -> Result<Templates, TemplateError> {
        let mut sources: BTreeMap<String, String> = BTreeMap::new();
        if let Some(dir) = dir {
            sources = read_overrides(dir)?;
        }
        for (name, text) in BUILTINS {
            sources
                .entry((*name).to_owned())
                .or_insert_with(|| labels_filled_in(text, lang));
        }
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html.tera", ".html", ".svg.tera"]);
        register(&mut tera, lang);
        tera.add_raw_templates(sources.iter())
            .map_err(|source| TemplateError::Broken {
                origin: dir.map_or_else(
                    || "a built-in template".to_owned(),
                    |d| format!("a template in {}", d.display()),
                ),
                source,
            })?;
        let templates = Templates { tera };
        templates.check(lang)?;
        Ok(templates)
    }

    /// Render once against sample data, so a template error shows at start-up, not after the audit.
    fn check(&self, lang: Lang) -> Result<(), TemplateError> {
        let samples = super::sample::views(lang);
        for page in PAGES {
            let result = if page.starts_with("index.") {
                self.render(page, &samples.index)
            } else if page.starts_with("plan.") {
                self.render(page, &samples.plan)
            } else if page.starts_with("diff.") {
                self.render(page, &super::diff::sample(lang))
            } else {
                self.render(page, &samples.report)
            };
            result.map_err(|e| TemplateError::FailsOnSample(Box::new(e)))?;
        }
        Ok(())
    }

    /// Render the template `name` (e.g. `report.html.tera`) with `view` as its context.
    pub fn render(&self, name: &str, view: &impl Serialize) -> Result<String, TemplateError> {
        self.render_context(name, &context(name, view)?)
    }

    /// Render the HTML and the Markdown template of one view (`audit --out` writes both for every
    /// estate): the view is turned into Tera's context once, not once per template, as that
    /// conversion is about a fifth of the work of rendering.
    pub(crate) fn render_pair(
        &self,
        [first, second]: [&str; 2],
        view: &impl Serialize,
    ) -> Result<[String; 2], TemplateError> {
        let context = context(first, view)?;
        Ok([
            self.render_context(first, &context)?,
            self.render_context(second, &context)?,
        ])
    }

    fn render_context(&self, name: &str, context: &Context) -> Result<String, TemplateError> {
        self.tera
            .render(name, context)
            .map_err(|source| TemplateError::Render {
                name: name.to_owned(),
                source,
            })
    }
}

/// `view` as Tera's context; an error names the template `name` it was meant for.
fn context(name: &str, view: &impl Serialize) -> Result<Context, TemplateError> {
    Context::from_serialize(view).map_err(|source| TemplateError::Data {
        name: name.to_owned(),
        source,
    })
}

/// A built-in template with every `{{ t(key="…") }}` whose label is plain text put in as that
/// text in `lang`: the same output without a function call per label per report (a batch of 500
/// estates made 188,000 such calls, 7 % of all its instructions, Tera's handling of the call
/// most of it). Plain text: no character HTML escaping would change (so the output is the same
/// whether the page escapes or not), nothing Tera reads as a tag, and no space at either end
/// (which a neighbouring `{%- … -%}` would trim from text but not from a call's result). Any other
/// label, and every template from `--templates`, stays as written.
fn labels_filled_in(text: &str, lang: Lang) -> String {
    const OPEN: &str = "{{ t(key=\"";
    const CLOSE: &str = "\") }}";
    let plain = |label: &String| {
        !label.contains(['&', '<', '>', '"', '\'', '/'])
            && !["{{", "{%", "{#"].iter().any(|tag| label.contains(tag))
            && label.trim() == label
    };
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(OPEN) {
        let after = &rest[start + OPEN.len()..];
        let Some(end) = after.find(CLOSE) else {
            break;
        };
        let key = &after[..end];
        out.push_str(&rest[..start]);
        match i18n::format_label(lang, key, std::iter::empty::<(&str, &str)>()).filter(plain) {
            Some(label) if !key.contains('"') => out.push_str(&label),
            _ => out.push_str(&rest[start..start + OPEN.len() + end + CLOSE.len()]),
        }
        rest = &after[end + CLOSE.len()..];
    }
    out.push_str(rest);
    out
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn read_overrides(dir: &Path) -> Result<BTreeMap<String, String>, TemplateError> {
    let meta = std::fs::metadata(dir).map_err(|source| TemplateError::Folder {
        dir: dir.to_path_buf(),
        source,
    })?;
    if !meta.is_dir() {
        return Err(TemplateError::NotAFolder {
            dir: dir.to_path_buf(),
        });
    }
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|source| TemplateError::Walk {
            dir: dir.to_path_buf(),
            source,
        })?;
        let path = entry.path();
        if !entry.file_type().is_file() || path.extension().is_none_or(|x| x != "tera") {
            continue;
        }
        let relative = path.strip_prefix(dir).unwrap_or(path);
        let name: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let text = std::fs::read_to_string(path).map_err(|source| TemplateError::Unreadable {
            path: path.to_path_buf(),
            source,
        })?;
        out.insert(name.join("/"), text);
    }
    if out.is_empty() {
        return Err(TemplateError::NoTemplates {
            dir: dir.to_path_buf(),
        });
    }
    Ok(out)
}

/// Write the built-in templates into `dir` (created if missing). Nothing is overwritten: a file
/// that already exists with other content stops the export before anything is written.
pub fn export(dir: &Path) -> Result<Vec<PathBuf>, TemplateError> {
    let mut to_write = Vec::new();
    for (name, text) in BUILTINS {
        let path = dir.join(name);
        match std::fs::read(&path) {
            Ok(existing) if existing == text.as_bytes() => {}
            Ok(_) => {
                return Err(TemplateError::ExportWouldOverwrite { path });
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => to_write.push((name, text)),
            Err(source) => return Err(TemplateError::ExportCannotCheck { path, source }),
        }
    }
    crate::output::prepare_out_dir(dir)?;
    let mut written = Vec::new();
    for (name, text) in to_write {
        let path = dir.join(name);
        let folder = path.parent().unwrap_or(dir);
        crate::output::prepare_out_dir(folder)?;
        let file_name = path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        crate::output::write_atomic(folder, &file_name, text.as_bytes())?;
        written.push(path);
    }
    Ok(written)
}

fn register(tera: &mut Tera, lang: Lang) {
    tera.register_function("t", Translate { lang });
    tera.register_filter("md", MarkdownFilter);
    tera.register_filter("mermaid", MermaidFilter);
}

/// `t(key="verdict.blocked", n=3)`: the label in the report's language, placeholders filled.
struct Translate {
    lang: Lang,
}

fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

impl tera::Function for Translate {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let key = args
            .get("key")
            .and_then(Value::as_str)
            .ok_or_else(|| tera::Error::msg("t() needs key=\"...\""))?;
        let rest = args
            .iter()
            .filter(|(k, _)| k.as_str() != "key")
            .map(|(k, v)| (k.as_str(), plain(v)));
        i18n::format_label(self.lang, key, rest)
            .map(Value::String)
            .ok_or_else(|| {
                tera::Error::msg(format!(
                    "t(): no label \"{key}\"; known keys are listed in src/i18n.rs"
                ))
            })
    }
}

/// Text for a Markdown paragraph or table cell: no line breaks, and every character that could
/// start markup (emphasis, links, raw HTML, code, table pipes, headings, lists) backslash-escaped.
pub(crate) fn escape_markdown(raw: &str) -> String {
    // Most values hold no line break: they skip the two replacing passes and their copies.
    let flat: std::borrow::Cow<'_, str> = if raw.contains(['\r', '\n']) {
        raw.replace("\r\n", " ").replace(['\r', '\n'], " ").into()
    } else {
        raw.into()
    };
    let mut out = String::with_capacity(flat.len() + 8);
    let mut at_start = true;
    let mut chars = flat.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '$' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '+' | '-' | '=' if at_start => {
                out.push('\\');
                out.push(c);
            }
            '0'..='9' if at_start => {
                // "1." or "1)" at the start would begin an ordered list.
                out.push(c);
                while let Some(d) = chars.next_if(char::is_ascii_digit) {
                    out.push(d);
                }
                if let Some(p) = chars.next_if(|p| *p == '.' || *p == ')') {
                    out.push('\\');
                    out.push(p);
                }
            }
            _ => out.push(c),
        }
        at_start = false;
    }
    out
}

/// Text inside a quoted Mermaid label: anything but letters, digits and a few safe punctuation
/// marks becomes a `#code;` entity, so quotes, brackets and HTML cannot break out.
pub(crate) fn escape_mermaid(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        if c.is_alphanumeric() || matches!(c, ' ' | '.' | '-' | ',' | ':' | '/' | '(' | ')' | '·')
        {
            out.push(c);
        } else {
            let _ = write!(out, "#{};", u32::from(c));
        }
    }
    out
}

struct MarkdownFilter;

impl tera::Filter for MarkdownFilter {
    fn filter(&self, value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
        Ok(Value::String(escape_markdown(&plain(value))))
    }
}

struct MermaidFilter;

impl tera::Filter for MermaidFilter {
    fn filter(&self, value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
        Ok(Value::String(escape_mermaid(&plain(value))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escaping() {
        assert_eq!(
            escape_markdown("pool-a.fabrikam.test"),
            "pool-a.fabrikam.test"
        );
        assert_eq!(escape_markdown("a|b"), "a\\|b");
        assert_eq!(escape_markdown("two\r\nlines\nhere"), "two lines here");
        assert_eq!(
            escape_markdown("<script>alert(1)</script>"),
            "\\<script\\>alert(1)\\</script\\>"
        );
        assert_eq!(escape_markdown("[x](y)"), "\\[x\\](y)");
        assert_eq!(escape_markdown("# h"), "\\# h");
        assert_eq!(escape_markdown("- item"), "\\- item");
        assert_eq!(escape_markdown("12. item"), "12\\. item");
        assert_eq!(escape_markdown("a-b 1. c"), "a-b 1. c");
        assert_eq!(escape_markdown("*x* _y_ `z`"), "\\*x\\* \\_y\\_ \\`z\\`");
    }

    #[test]
    fn mermaid_escaping() {
        assert_eq!(
            escape_mermaid("pool-a.fabrikam.test"),
            "pool-a.fabrikam.test"
        );
        assert_eq!(escape_mermaid("a\"b"), "a#34;b");
        assert_eq!(escape_mermaid("<b>"), "#60;b#62;");
        assert_eq!(escape_mermaid("Zürich · 2013"), "Zürich · 2013");
        assert_eq!(escape_mermaid("x]y;z"), "x#93;y#59;z");
    }

    #[test]
    fn labels_filled_in_render_as_the_calls_they_replace() {
        let exported = tempfile::tempdir().unwrap();
        export(exported.path()).unwrap();
        for lang in [Lang::En, Lang::De] {
            let filled = Templates::load(None, lang).unwrap();
            // The same files as overrides are taken as written.
            let as_written = Templates::load(Some(exported.path()), lang).unwrap();
            let samples = super::super::sample::views(lang);
            let diff = super::super::diff::sample(lang);
            for page in PAGES {
                let render = |t: &Templates| {
                    if page.starts_with("index.") {
                        t.render(page, &samples.index)
                    } else if page.starts_with("plan.") {
                        t.render(page, &samples.plan)
                    } else if page.starts_with("diff.") {
                        t.render(page, &diff)
                    } else {
                        t.render(page, &samples.report)
                    }
                    .unwrap()
                };
                assert_eq!(render(&filled), render(&as_written), "{page} in {lang:?}");
            }
        }
        // Most labels are filled in; one that escaping would change stays a call.
        let report = labels_filled_in(BUILTINS[0].1, Lang::En);
        assert!(
            report.matches("{{ t(key=").count() * 4 < BUILTINS[0].1.matches("{{ t(key=").count()
        );
        let text = "a{{ t(key=\"report.title\") }}b{{ t(key=\"no.such.label\") }}";
        assert_eq!(
            labels_filled_in(text, Lang::En),
            "aBackup registrar and pool pairing auditb{{ t(key=\"no.such.label\") }}"
        );
    }

    #[test]
    fn the_built_ins_load_in_both_languages() {
        Templates::load(None, Lang::En).unwrap();
        Templates::load(None, Lang::De).unwrap();
    }

    #[test]
    fn the_plan_section_and_second_diagram_appear_only_with_a_plan() {
        let t = Templates::load(None, Lang::En).unwrap();
        let mut report = super::super::sample::views(Lang::En).report;
        let html = t.render("report.html.tera", &report).unwrap();
        assert!(html.contains("<h3>Suggested plan</h3>"));
        assert_eq!(html.matches("<svg class=\"diagram").count(), 2);
        let md = t.render("report.md.tera", &report).unwrap();
        assert!(md.contains("### Suggested plan") && md.contains("a.sample.test ⇄ b.sample.test"));
        assert_eq!(md.matches("```mermaid").count(), 2);
        report.estates[0].plan = None;
        report.estates[0].plan_diagram = None;
        let html = t.render("report.html.tera", &report).unwrap();
        assert!(!html.contains("Suggested plan"));
        assert_eq!(html.matches("<svg class=\"diagram").count(), 1);
    }

    #[test]
    fn an_override_replaces_a_built_in_by_name() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("index.md.tera"),
            "custom index of {{ estates | length }}\n",
        )
        .unwrap();
        let t = Templates::load(Some(dir.path()), Lang::En).unwrap();
        let index = super::super::sample::views(Lang::En).index;
        assert_eq!(
            t.render("index.md.tera", &index).unwrap(),
            "custom index of 1\n"
        );
    }

    #[test]
    fn a_broken_override_names_the_template_and_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("report.md.tera"),
            "line one\n{% if estates %}\nno endif\n",
        )
        .unwrap();
        let err = Templates::load(Some(dir.path()), Lang::En).unwrap_err();
        assert!(matches!(err, TemplateError::Broken { .. }), "{err}");
        let err = err.to_string();
        assert!(err.contains("report.md.tera"), "{err}");
        assert!(err.contains("4:1") || err.contains("3:"), "{err}");
    }

    #[test]
    fn an_override_with_an_unknown_variable_fails_at_load() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("report.md.tera"), "{{ no_such_thing }}\n").unwrap();
        let err = Templates::load(Some(dir.path()), Lang::En).unwrap_err();
        assert!(matches!(err, TemplateError::FailsOnSample(_)), "{err}");
        let err = err.to_string();
        assert!(err.contains("report.md.tera"), "{err}");
        assert!(err.contains("no_such_thing"), "{err}");
    }

    #[test]
    fn an_unknown_label_key_fails_at_load() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.md.tera"), "{{ t(key=\"nope\") }}\n").unwrap();
        let err = Templates::load(Some(dir.path()), Lang::En)
            .unwrap_err()
            .to_string();
        assert!(err.contains("no label \"nope\""), "{err}");
    }

    #[test]
    fn export_writes_every_built_in_and_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("tpl");
        let written = export(&out).unwrap();
        assert_eq!(written.len(), BUILTINS.len());
        // Exporting again into the same folder is harmless: nothing differs.
        assert!(export(&out).unwrap().is_empty());
        std::fs::write(out.join("report.md.tera"), "mine").unwrap();
        std::fs::remove_file(out.join("index.md.tera")).unwrap();
        let err = export(&out).unwrap_err();
        assert!(matches!(err, TemplateError::ExportWouldOverwrite { .. }));
        let err = err.to_string();
        assert!(
            err.contains("report.md.tera") && err.contains("nothing was written"),
            "{err}"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("report.md.tera")).unwrap(),
            "mine"
        );
        assert!(!out.join("index.md.tera").exists());
        // The exported files load as overrides unchanged.
        let exported = dir.path().join("again");
        export(&exported).unwrap();
        Templates::load(Some(&exported), Lang::De).unwrap();
    }
}
