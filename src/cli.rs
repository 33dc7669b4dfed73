//! Command line: clap arguments, then the pipeline, then exit codes (CONTRACT.md).
//!
//! Exit codes: 0 nothing at or above `--fail-on`; 1 findings at or above it; 2 usage error or at
//! least one input that could not be read (everything readable is still audited and reported).

// Progress on stderr: the library only counts.
mod progress;

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use clap::{Parser, Subcommand, ValueEnum};

use lyncpair::accept::{self, Date};
use lyncpair::audit::{self, Audit};
use lyncpair::diff;
pub use lyncpair::i18n::Lang;
use lyncpair::import::ImportOptions;
use lyncpair::output;
use lyncpair::plan::{self, PlanRequest};
use lyncpair::render;
use lyncpair::render::document;
use lyncpair::render::report::{self, RunInfo};
use lyncpair::render::templates::{self, Templates};
use lyncpair::rules::{CATALOGUE, Severity};

pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_USAGE_OR_INPUT: i32 = 2;

/// Audit Lync Server 2010/2013 backup registrar relationships against the Lync 2013+ pairing rules.
#[derive(Parser, Debug)]
#[command(name = "lyncpair", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Import topology exports, check them against the 2013 backup rules, and report.
    Audit(AuditArgs),
    /// Suggest the optimal 1:1 pairing plan for each estate, with the runbook to apply it.
    Plan(PlanArgs),
    /// What changed between two snapshots: pools, pool facts, backup relationships, findings.
    Diff(DiffArgs),
    /// Print the rule catalogue: code, severity, summary and source.
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
        format: RulesFormat,
        /// Language of the summaries and labels (human format; the JSON stays English for scripts).
        #[arg(long, value_enum, default_value_t = Lang::En)]
        lang: Lang,
    },
    /// Work with the built-in report templates.
    Templates {
        #[command(subcommand)]
        action: TemplatesAction,
    },
    /// Print a shell completion script, e.g. `lyncpair completions powershell | Out-String | Invoke-Expression`.
    Completions {
        #[arg(value_enum)]
        shell: CompletionShell,
    },
}

/// The shells `lyncpair completions` writes scripts for.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionShell {
    Powershell,
    Bash,
    Zsh,
    Fish,
}

#[derive(Subcommand, Debug)]
pub enum TemplatesAction {
    /// Write the built-in templates to DIR as a starting point for --templates overrides.
    Export {
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
}

/// Options shared by every command that reads exports and writes reports.
#[derive(clap::Args, Debug, Clone)]
pub struct CommonArgs {
    /// Write the reports into this folder (created if missing; files are replaced atomically).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Folder of Tera templates that override built-in ones by name.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Language of report labels and terminal output.
    #[arg(long, value_enum, default_value_t = Lang::En)]
    pub lang: Lang,
    /// Inventory spreadsheets: read this sheet instead of the first with a recognisable header row.
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Accepted findings: a CSV file with the columns code, pools, reason, until, by (docs/accept.md).
    #[arg(long, value_name = "FILE")]
    pub accept: Option<PathBuf>,
    /// Colour terminal output: auto (only on a terminal, and not with NO_COLOR set), always or never.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
    /// The day acceptances are checked against instead of today (UTC); for tests and reruns.
    #[arg(long, value_name = "YYYY-MM-DD", hide = true, value_parser = parse_day)]
    pub today: Option<Date>,
}

/// `--color`: when the terminal formats colour standard output.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

impl ColorWhen {
    /// Resolved once for standard output: `auto` asks anstream, which colours a terminal only and
    /// honours `NO_COLOR` (and `CLICOLOR`, `CLICOLOR_FORCE`, `TERM=dumb`); the flag wins over them.
    fn for_stdout(self) -> anstream::ColorChoice {
        match self {
            ColorWhen::Always => anstream::ColorChoice::Always,
            ColorWhen::Never => anstream::ColorChoice::Never,
            ColorWhen::Auto => anstream::AutoStream::choice(&std::io::stdout()),
        }
    }
}

/// `--today` is not a day; clap shows it as a usage error (exit 2).
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("\"{0}\" is not a date written YYYY-MM-DD")]
pub struct NotADay(String);

fn parse_day(raw: &str) -> Result<Date, NotADay> {
    Date::parse(raw).ok_or_else(|| NotADay(raw.to_owned()))
}

#[derive(clap::Args, Debug)]
pub struct DiffArgs {
    /// Output format (printed to standard output).
    #[arg(long, value_enum, default_value_t = PlanFormat::Human)]
    pub format: PlanFormat,
    /// Exit with 1 when a new finding at or above this severity appears.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// A plan.json written by `lyncpair plan`: show which of its pairs are set up.
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,
    #[command(flatten)]
    pub common: CommonArgs,
    /// The earlier snapshot: export files' folder, one export file, or an audit.json.
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The later snapshot, read the same way.
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
}

#[derive(clap::Args, Debug)]
pub struct PlanArgs {
    /// Output format (printed to standard output).
    #[arg(long, value_enum, default_value_t = PlanFormat::Human)]
    pub format: PlanFormat,
    /// Force a pair, e.g. --pin pool-a.contoso.test=pool-b.contoso.test (repeatable).
    #[arg(long, value_name = "A=B", value_parser = parse_pool_pair)]
    pub pin: Vec<(String, String)>,
    /// Never pair these two pools (repeatable).
    #[arg(long, value_name = "A=B", value_parser = parse_pool_pair)]
    pub forbid: Vec<(String, String)>,
    /// Version of the successors the plan proposes for Lync 2010 front-end pools.
    #[arg(long, value_enum, default_value_t = TargetVersion::V2013)]
    pub target: TargetVersion,
    #[command(flatten)]
    pub common: CommonArgs,
    /// Export files (one estate together) or folders (walked; each folder holding a topology is an estate).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TargetVersion {
    #[value(name = "2013")]
    V2013,
    #[value(name = "2015")]
    V2015,
    #[value(name = "2019")]
    V2019,
}

impl TargetVersion {
    fn version(self) -> lyncpair::model::Version {
        match self {
            TargetVersion::V2013 => lyncpair::model::Version::V2013,
            TargetVersion::V2015 => lyncpair::model::Version::V2015,
            TargetVersion::V2019 => lyncpair::model::Version::V2019,
        }
    }
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanFormat {
    Human,
    Json,
    Md,
    Html,
}

/// Why a `--pin`/`--forbid` value is not two pools; clap shows it as a usage error (exit 2).
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum PoolPairError {
    #[error("expected two pool FQDNs as A=B, got \"{0}\"")]
    NoEqualsSign(String),
    #[error("both sides of \"{0}\" must name a pool FQDN")]
    EmptySide(String),
    #[error("\"{0}\" names the same pool twice; a pool cannot pair with itself")]
    SamePool(String),
}

/// `A=B` into two FQDNs normalised per D7; a usage error (exit 2) before any file is read.
pub fn parse_pool_pair(raw: &str) -> Result<(String, String), PoolPairError> {
    let Some((a, b)) = raw.split_once('=') else {
        return Err(PoolPairError::NoEqualsSign(raw.to_owned()));
    };
    let (a, b) = (
        lyncpair::model::normalize_fqdn(a),
        lyncpair::model::normalize_fqdn(b),
    );
    if a.is_empty() || b.is_empty() {
        return Err(PoolPairError::EmptySide(raw.to_owned()));
    }
    if a == b {
        return Err(PoolPairError::SamePool(raw.to_owned()));
    }
    Ok((a, b))
}

#[derive(clap::Args, Debug)]
pub struct AuditArgs {
    /// Output format (printed to standard output).
    #[arg(long, value_enum, default_value_t = AuditFormat::Human)]
    pub format: AuditFormat,
    /// Exit with 1 when a finding at or above this severity exists.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Terminal output: also the inputs, the pools by site and every finding of a large estate.
    #[arg(long, short = 'v', visible_alias = "pools")]
    pub verbose: bool,
    #[command(flatten)]
    pub common: CommonArgs,
    /// Export files (one estate together) or folders (walked; each folder holding a topology is an estate).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditFormat {
    Human,
    Json,
    Md,
    Html,
    Csv,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum RulesFormat {
    Human,
    Json,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
}

/// Exit code for an audit under `--fail-on` (CONTRACT.md).
pub fn exit_code(audit: &Audit, fail_on: FailOn) -> i32 {
    if !audit.errors.is_empty() {
        return EXIT_USAGE_OR_INPUT;
    }
    match (fail_on.threshold(), audit.worst()) {
        (Some(threshold), Some(worst)) if worst <= threshold => EXIT_FINDINGS,
        _ => EXIT_OK,
    }
}

pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                EXIT_USAGE_OR_INPUT
            } else {
                EXIT_OK
            };
        }
    };
    match cli.command {
        Command::Audit(args) => run_audit(args),
        Command::Plan(args) => run_plan(args),
        Command::Diff(args) => run_diff(args),
        Command::Rules { format, lang } => run_rules(format, lang),
        Command::Templates {
            action: TemplatesAction::Export { dir },
        } => run_templates_export(&dir),
        Command::Completions { shell } => run_completions(shell),
    }
}

fn run_completions(shell: CompletionShell) -> i32 {
    use clap::CommandFactory;
    use clap_complete::Shell;
    let shell = match shell {
        CompletionShell::Powershell => Shell::PowerShell,
        CompletionShell::Bash => Shell::Bash,
        CompletionShell::Zsh => Shell::Zsh,
        CompletionShell::Fish => Shell::Fish,
    };
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "lyncpair", &mut script);
    emit(&String::from_utf8_lossy(&script));
    EXIT_OK
}

/// Write to stdout; a closed pipe (`| head`) is not an error worth reporting.
fn emit(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// Write terminal text to stdout through anstream, which passes its colours on as ANSI codes, turns
/// them into console calls on Windows consoles without ANSI support, or drops them for `never`.
fn emit_colored(text: &str, choice: anstream::ColorChoice) {
    let mut out = anstream::AutoStream::new(std::io::stdout().lock(), choice);
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// The renderers write colour codes unless `--color` resolved to never; `emit_colored` then passes
/// them on or turns them into console calls.
fn colour_for(choice: anstream::ColorChoice) -> render::Colour {
    match choice {
        anstream::ColorChoice::Never => render::Colour::Plain,
        _ => render::Colour::Styled,
    }
}

/// Report a usage problem the way clap does: on stderr, exit 2.
fn usage_error(message: impl std::fmt::Display) -> i32 {
    let _ = writeln!(
        std::io::stderr().lock(),
        "lyncpair: {}",
        render::terminal::safe(&message.to_string())
    );
    EXIT_USAGE_OR_INPUT
}

/// When the reports say they were made: `SOURCE_DATE_EPOCH` (seconds, the reproducible-builds
/// convention) when set, so snapshot tests and reproducible runs get fixed output; else now.
pub fn generation_time() -> Result<String, BadSourceDateEpoch> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(raw) => raw
            .trim()
            .parse::<u64>()
            .map(report::iso_utc)
            .map_err(|_| BadSourceDateEpoch(raw)),
        Err(_) => {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            Ok(report::iso_utc(now))
        }
    }
}

/// `SOURCE_DATE_EPOCH` is set but is not a number of seconds (exit 2, before any input is read).
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("SOURCE_DATE_EPOCH=\"{0}\" is not a number of seconds since 1970-01-01")]
pub struct BadSourceDateEpoch(String);

/// What stops `audit`, `plan` or `diff` before or while writing its reports (exit 2).
#[derive(Debug, thiserror::Error)]
enum RunError {
    #[error(transparent)]
    Templates(#[from] templates::TemplateError),
    #[error(transparent)]
    Output(#[from] output::OutputError),
    #[error(transparent)]
    GenerationTime(#[from] BadSourceDateEpoch),
}

/// The command line of `audit`, `plan` and `diff`, checked and resolved once before any input is
/// read; the three commands share it, and [`Settings::deliver`] is their one output path.
struct Settings<M> {
    lang: Lang,
    import: ImportOptions,
    accept: Option<PathBuf>,
    /// `--today`; the clock's date is read only when `--accept` needs it.
    today: Option<Date>,
    /// When the reports say they were made.
    generated: String,
    printed: Printed<M>,
    out: Option<OutDir>,
}

/// What a command prints on standard output. A document carries the templates it is made from, so
/// one cannot be asked for without them. `M` is the command's machine formats.
enum Printed<M> {
    /// Terminal text, coloured per `--color` as resolved for standard output.
    Terminal(anstream::ColorChoice),
    Machine(M),
    Document(Document, Rc<Templates>),
}

/// The formats made from templates.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Document {
    Md,
    Html,
}

impl Document {
    fn template(self, md: &'static str, html: &'static str) -> &'static str {
        match self {
            Document::Md => md,
            Document::Html => html,
        }
    }
}

/// `--out DIR`, with the templates its reports are made from.
struct OutDir {
    dir: PathBuf,
    templates: Rc<Templates>,
}

/// A command's `--format`, split the way [`Settings`] needs it.
enum Shape<M> {
    Terminal,
    Machine(M),
    Document(Document),
}

/// `audit`'s machine formats.
#[derive(Clone, Copy, PartialEq, Eq)]
enum AuditMachine {
    Json,
    Csv,
}

/// The only machine format of `plan` and `diff`.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Json;

impl AuditFormat {
    fn shape(self) -> Shape<AuditMachine> {
        match self {
            AuditFormat::Human => Shape::Terminal,
            AuditFormat::Json => Shape::Machine(AuditMachine::Json),
            AuditFormat::Csv => Shape::Machine(AuditMachine::Csv),
            AuditFormat::Md => Shape::Document(Document::Md),
            AuditFormat::Html => Shape::Document(Document::Html),
        }
    }
}

impl PlanFormat {
    fn shape(self) -> Shape<Json> {
        match self {
            PlanFormat::Human => Shape::Terminal,
            PlanFormat::Json => Shape::Machine(Json),
            PlanFormat::Md => Shape::Document(Document::Md),
            PlanFormat::Html => Shape::Document(Document::Html),
        }
    }
}

/// How a command's files in `--out` are recorded: audit and plan keep the folder's manifest, so
/// their next run removes the files no longer produced; diff writes its files on their own.
#[derive(Clone, Copy)]
enum Recorded {
    InManifest(&'static str),
    Alone,
}

/// The templates, loaded at most once per run and shared by the document and `--out`.
fn templates_once(
    loaded: &mut Option<Rc<Templates>>,
    common: &CommonArgs,
) -> Result<Rc<Templates>, templates::TemplateError> {
    if let Some(t) = loaded {
        return Ok(Rc::clone(t));
    }
    let t = Rc::new(Templates::load(common.templates.as_deref(), common.lang)?);
    *loaded = Some(Rc::clone(&t));
    Ok(t)
}

impl<M> Settings<M> {
    /// Everything that can be wrong with the command line, checked before any input is read: the
    /// templates (when a format or `--out` needs them, or `--templates` names a folder),
    /// `SOURCE_DATE_EPOCH`, and the output folder.
    fn new(common: &CommonArgs, shape: Shape<M>) -> Result<Settings<M>, RunError> {
        let mut loaded = None;
        let printed = match shape {
            Shape::Terminal => Printed::Terminal(common.color.for_stdout()),
            Shape::Machine(m) => Printed::Machine(m),
            Shape::Document(d) => Printed::Document(d, templates_once(&mut loaded, common)?),
        };
        let out = match &common.out {
            Some(dir) => Some(OutDir {
                dir: dir.clone(),
                templates: templates_once(&mut loaded, common)?,
            }),
            None => None,
        };
        if common.templates.is_some() {
            // An override folder is checked even when nothing this run renders it.
            templates_once(&mut loaded, common)?;
        }
        let generated = generation_time()?;
        if let Some(out) = &common.out {
            output::prepare_out_dir(out)?;
        }
        Ok(Settings {
            lang: common.lang,
            import: ImportOptions {
                sheet: common.sheet.clone(),
                out_dir: common.out.clone(),
            },
            accept: common.accept.clone(),
            today: common.today,
            generated,
            printed,
            out,
        })
    }

    /// Whether the progress display stays off: JSON on stdout is for programs.
    fn quiet(&self) -> bool
    where
        M: IsJson,
    {
        matches!(&self.printed, Printed::Machine(m) if m.is_json())
    }

    fn run_info(&self, paths: Vec<String>) -> RunInfo {
        RunInfo {
            lang: self.lang,
            generated: self.generated.clone(),
            tool_version: env!("CARGO_PKG_VERSION"),
            paths,
        }
    }

    /// The day acceptances are checked against: `--today`, else the UTC date of the clock.
    fn today(&self) -> Date {
        self.today.unwrap_or_else(|| {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            Date::from_unix(now)
        })
    }

    /// Apply `--accept` to an audit: its bad entries become input errors (exit 2), the others apply.
    fn apply_accept(&self, audit: &mut Audit) {
        let Some(path) = &self.accept else { return };
        let accepted = accept::read(path);
        accept::apply(audit, &accepted.entries, self.today());
        // After the inputs' errors, in the file's line order (InputError sorts by message first).
        audit.errors.extend(accepted.errors);
    }

    /// The one output path of audit, plan and diff: with `--out`, the files (all made before the
    /// first is written) and a line on stderr naming them; then `text` on standard output, also
    /// when writing failed. The error is the caller's to report, after the text.
    fn deliver(
        &self,
        text: &str,
        recorded: Recorded,
        files: impl FnOnce(&Templates) -> Result<Vec<(String, Vec<u8>)>, templates::TemplateError>,
    ) -> Result<(), RunError> {
        if let Some(out) = &self.out {
            let written = files(&out.templates)
                .map_err(RunError::from)
                .and_then(|files| Ok(write_files(&out.dir, recorded, &files)?));
            match written {
                Ok(names) => {
                    let _ = writeln!(
                        std::io::stderr().lock(),
                        "lyncpair: {}",
                        lyncpair::i18n::tf(
                            self.lang,
                            "human.written",
                            &[
                                ("dir", &out.dir.display().to_string()),
                                ("files", &names.join(", "))
                            ]
                        )
                    );
                }
                Err(e) => {
                    self.print(text);
                    return Err(e);
                }
            }
        }
        self.print(text);
        Ok(())
    }

    fn print(&self, text: &str) {
        match &self.printed {
            Printed::Terminal(choice) => emit_colored(text, *choice),
            Printed::Machine(_) | Printed::Document(..) => emit(text),
        }
    }
}

/// Machine formats that are JSON (no progress display with them).
trait IsJson {
    fn is_json(&self) -> bool;
}

impl IsJson for AuditMachine {
    fn is_json(&self) -> bool {
        *self == AuditMachine::Json
    }
}

impl IsJson for Json {
    fn is_json(&self) -> bool {
        true
    }
}

/// Write a run's files into `dir`; returns their names relative to it, in order.
fn write_files(
    dir: &Path,
    recorded: Recorded,
    files: &[(String, Vec<u8>)],
) -> Result<Vec<String>, output::OutputError> {
    match recorded {
        Recorded::InManifest(command) => {
            let run: Vec<(String, &[u8])> = files
                .iter()
                .map(|(name, bytes)| (name.clone(), bytes.as_slice()))
                .collect();
            output::write_run(dir, command, &run)?;
        }
        Recorded::Alone => {
            for (name, bytes) in files {
                output::write_atomic(dir, name, bytes)?;
            }
        }
    }
    Ok(files.iter().map(|(name, _)| name.clone()).collect())
}

/// What `audit --out DIR` writes, named relative to DIR.
fn audit_files(files: Vec<report::OutFile>) -> Vec<(String, Vec<u8>)> {
    files
        .into_iter()
        .map(|f| {
            let relative = match &f.folder {
                Some(sub) => format!("{sub}/{}", f.name),
                None => f.name.to_owned(),
            };
            (relative, f.bytes)
        })
        .collect()
}

/// Machine formats carry the input errors in-band; say them on stderr too so a person sees them.
fn errors_to_stderr(errors: &[lyncpair::import::InputError]) {
    let mut err = std::io::stderr().lock();
    for e in errors {
        let _ = writeln!(err, "lyncpair: {}", render::terminal::safe(&e.to_string()));
    }
}

fn run_audit(args: AuditArgs) -> i32 {
    let settings = match Settings::new(&args.common, args.format.shape()) {
        Ok(settings) => settings,
        Err(e) => return usage_error(&e),
    };
    let lang = settings.lang;
    let mut audit = {
        let _progress = progress::Progress::start(progress::wanted(settings.quiet()));
        audit::run(&args.paths, &settings.import)
    };
    settings.apply_accept(&mut audit);
    let run = settings.run_info(args.paths.iter().map(|p| p.display().to_string()).collect());
    // The reports show the suggested plan of each estate, planned here without pins or forbids.
    // Each estate is planned on its own: one whose inventory declares a successor that cannot host
    // its pools is refused (`lyncpair plan` says why and exits 2), and only its report goes without
    // a plan section.
    let needs_plan = settings.out.is_some() || matches!(settings.printed, Printed::Document(..));
    let suggested: Vec<Option<plan::PairingPlan>> = if needs_plan {
        suggested_plans(&audit)
    } else {
        Vec::new()
    };

    let text = match &settings.printed {
        Printed::Machine(AuditMachine::Json) => render::json::render(&audit),
        Printed::Terminal(choice) => render::human::render_with(
            &audit,
            colour_for(*choice),
            lang,
            if args.verbose {
                render::human::Detail::Everything
            } else {
                render::human::Detail::Summary
            },
        ),
        Printed::Machine(AuditMachine::Csv) => {
            let all: Vec<&audit::AuditedEstate> = audit.estates.iter().collect();
            render::csv::render(&all, lang)
        }
        Printed::Document(document, t) => match document::audit_report(
            t,
            document.template("report.md.tera", "report.html.tera"),
            &run,
            &audit,
            &suggested,
        ) {
            Ok(text) => text,
            Err(e) => return usage_error(&e),
        },
    };
    let delivered = settings.deliver(&text, Recorded::InManifest("audit"), |t| {
        document::audit_files(&run, &audit, t, &suggested).map(audit_files)
    });
    if let Err(e) = delivered {
        return usage_error(&e);
    }
    if !matches!(settings.printed, Printed::Terminal(_)) {
        errors_to_stderr(&audit.errors);
    }
    let code = exit_code(&audit, args.fail_on);
    // The process ends right after this, and its memory goes back to the system at once. Freeing
    // the estates one allocation at a time only delayed the exit: a tenth of the audit of a 100 MB
    // topology (issue 12, ninth pass), and a seventh of a batch of 500 small estates, which the
    // seventh pass had freed in parallel instead. Only the binary does this; the library frees
    // what it makes.
    std::mem::forget(suggested);
    std::mem::forget(audit);
    code
}

/// Files `plan --out DIR` writes, and the templates of the plan document.
pub const PLAN_JSON_FILE: &str = "plan.json";
pub const PLAN_MD_FILE: &str = "plan.md";
pub const PLAN_HTML_FILE: &str = "plan.html";
pub const RUNBOOK_FILE: &str = "pairing-runbook.ps1";
const PLAN_MD_TEMPLATE: &str = "plan.md.tera";
const PLAN_HTML_TEMPLATE: &str = "plan.html.tera";

/// The suggested plan of each estate for the audit reports, in estate order; `None`, said on
/// stderr, where the planner refuses one. The estates are planned in parallel (rayon; a batch
/// holds hundreds) and the refusals said afterwards in estate order.
fn suggested_plans(audit: &Audit) -> Vec<Option<plan::PairingPlan>> {
    use rayon::prelude::*;
    let planned: Vec<Result<Vec<plan::PairingPlan>, Vec<plan::PlanError>>> = audit
        .estates
        .par_iter()
        .map(|a| plan::plan(&[&a.estate], &PlanRequest::default()))
        .collect();
    let mut err = std::io::stderr().lock();
    audit
        .estates
        .iter()
        .zip(planned)
        .map(|(a, planned)| match planned {
            Ok(mut plans) => plans.pop(),
            Err(problems) => {
                for p in &problems {
                    let _ = writeln!(
                        err,
                        "lyncpair: the report of {} has no plan section: {}",
                        render::terminal::safe(&a.estate.name),
                        render::terminal::safe(&p.to_string())
                    );
                }
                None
            }
        })
        .collect()
}

fn run_plan(args: PlanArgs) -> i32 {
    let settings = match Settings::new(&args.common, args.format.shape()) {
        Ok(settings) => settings,
        Err(e) => return usage_error(&e),
    };
    let mut audit = {
        let _progress = progress::Progress::start(progress::wanted(settings.quiet()));
        audit::run(&args.paths, &settings.import)
    };
    settings.apply_accept(&mut audit);
    let estates: Vec<&lyncpair::model::Estate> = audit.estates.iter().map(|a| &a.estate).collect();
    let request = PlanRequest {
        pins: args.pin.clone(),
        forbids: args.forbid.clone(),
        target: args.target.version(),
    };
    let plans = match plan::plan(&estates, &request) {
        Ok(plans) => plans,
        Err(problems) => {
            errors_to_stderr(&audit.errors);
            let mut err = std::io::stderr().lock();
            for p in &problems {
                let _ = writeln!(err, "lyncpair: {}", render::terminal::safe(&p.to_string()));
            }
            let what = if problems.iter().any(plan::PlanError::is_successor) {
                "the inventory's replaces column or the --pin/--forbid options"
            } else {
                "the --pin/--forbid options"
            };
            let _ = writeln!(
                err,
                "lyncpair: no plan made: fix {what} above and run again"
            );
            return EXIT_USAGE_OR_INPUT;
        }
    };
    let run = settings.run_info(args.paths.iter().map(|p| p.display().to_string()).collect());
    let document = |t: &Templates, name: &str| {
        document::plan_report(t, name, &run, &audit, &plans, RUNBOOK_FILE)
    };
    let text = match &settings.printed {
        Printed::Machine(Json) => render::plan_json::render(&plans),
        Printed::Terminal(choice) => render::plan_human::render(
            &plans,
            audit.errors.len(),
            colour_for(*choice),
            settings.lang,
        ),
        Printed::Document(d, t) => {
            match document(t, d.template(PLAN_MD_TEMPLATE, PLAN_HTML_TEMPLATE)) {
                Ok(text) => text,
                Err(e) => return usage_error(&e),
            }
        }
    };
    let delivered = settings.deliver(&text, Recorded::InManifest("plan"), |t| {
        Ok(vec![
            (
                PLAN_JSON_FILE.to_owned(),
                render::plan_json::render(&plans).into_bytes(),
            ),
            (
                PLAN_MD_FILE.to_owned(),
                document(t, PLAN_MD_TEMPLATE)?.into_bytes(),
            ),
            (
                PLAN_HTML_FILE.to_owned(),
                document(t, PLAN_HTML_TEMPLATE)?.into_bytes(),
            ),
            (
                RUNBOOK_FILE.to_owned(),
                render::runbook::render(&plans).into_bytes(),
            ),
        ])
    });
    if let Err(e) = delivered {
        return usage_error(&e);
    }
    errors_to_stderr(&audit.errors);
    let code = if audit.errors.is_empty() {
        EXIT_OK
    } else {
        EXIT_USAGE_OR_INPUT
    };
    // The process ends right after this: its memory goes back to the system at once, so freeing
    // the estates and plans one allocation at a time would only delay the exit (issue 12,
    // direction 5: 4.6 M instructions, about a tenth of the whole `plan` of 400 pools after the
    // import). Only the binary does this; the library frees what it makes.
    std::mem::forget(plans);
    std::mem::forget(audit);
    code
}

/// Files `diff --out DIR` writes, and the templates of the diff document.
pub const DIFF_JSON_FILE: &str = "diff.json";
pub const DIFF_MD_FILE: &str = "diff.md";
pub const DIFF_HTML_FILE: &str = "diff.html";
const DIFF_MD_TEMPLATE: &str = "diff.md.tera";
const DIFF_HTML_TEMPLATE: &str = "diff.html.tera";

fn run_diff(args: DiffArgs) -> i32 {
    let settings = match Settings::new(&args.common, args.format.shape()) {
        Ok(settings) => settings,
        Err(e) => return usage_error(&e),
    };
    let old = diff::read_side(&args.old, &settings.import);
    let mut new = diff::read_side(&args.new, &settings.import);
    // Acceptances are about the snapshot being judged: the new one.
    settings.apply_accept(&mut new);
    let mut errors: Vec<lyncpair::import::InputError> =
        old.errors.iter().chain(&new.errors).cloned().collect();
    let plan = args.plan.as_deref().and_then(|p| match diff::read_plan(p) {
        Ok(plan) => Some(plan),
        Err(e) => {
            errors.push(e);
            None
        }
    });
    let result = diff::compare(&old, &new, plan.as_ref());
    let (old_shown, new_shown) = (
        args.old.display().to_string(),
        args.new.display().to_string(),
    );
    let run = settings.run_info(vec![old_shown.clone(), new_shown.clone()]);
    let json = || render::diff::render_json(&result, &old_shown, &new_shown, &errors);
    let document = |t: &Templates, name: &str| {
        document::diff_report(t, name, &run, &result, &old_shown, &new_shown, &errors)
    };
    let text = match &settings.printed {
        Printed::Machine(Json) => json(),
        Printed::Terminal(_) => render::diff::render_human(&result, &errors, settings.lang),
        Printed::Document(d, t) => {
            match document(t, d.template(DIFF_MD_TEMPLATE, DIFF_HTML_TEMPLATE)) {
                Ok(text) => text,
                Err(e) => return usage_error(&e),
            }
        }
    };
    let delivered = settings.deliver(&text, Recorded::Alone, |t| {
        Ok(vec![
            (DIFF_JSON_FILE.to_owned(), json().into_bytes()),
            (
                DIFF_MD_FILE.to_owned(),
                document(t, DIFF_MD_TEMPLATE)?.into_bytes(),
            ),
            (
                DIFF_HTML_FILE.to_owned(),
                document(t, DIFF_HTML_TEMPLATE)?.into_bytes(),
            ),
        ])
    });
    if let Err(e) = delivered {
        let _ = writeln!(std::io::stderr().lock(), "lyncpair: {e}");
        return EXIT_USAGE_OR_INPUT;
    }
    if !matches!(settings.printed, Printed::Terminal(_)) {
        let mut err = std::io::stderr().lock();
        for e in &errors {
            let _ = writeln!(err, "lyncpair: {e}");
        }
    }
    if !errors.is_empty() {
        return EXIT_USAGE_OR_INPUT;
    }
    match (args.fail_on.threshold(), result.worst_new()) {
        (Some(threshold), Some(worst)) if worst <= threshold => EXIT_FINDINGS,
        _ => EXIT_OK,
    }
}

fn run_templates_export(dir: &Path) -> i32 {
    match templates::export(dir) {
        Ok(written) => {
            let mut err = std::io::stderr().lock();
            if written.is_empty() {
                let _ = writeln!(
                    err,
                    "lyncpair: {} already holds the built-in templates; nothing to write",
                    dir.display()
                );
            }
            for path in written {
                let _ = writeln!(err, "lyncpair: wrote {}", path.display());
            }
            EXIT_OK
        }
        Err(e) => usage_error(&e),
    }
}

fn run_rules(format: RulesFormat, lang: Lang) -> i32 {
    let text = match format {
        RulesFormat::Json => {
            let mut s = serde_json::to_string_pretty(CATALOGUE).expect("catalogue serialises");
            s.push('\n');
            s
        }
        RulesFormat::Human => {
            let mut s = String::new();
            let (basis_label, source_label) = (
                lyncpair::i18n::t(lang, "rules.basis"),
                lyncpair::i18n::t(lang, "rules.source"),
            );
            for r in CATALOGUE {
                let (summary, basis) = lyncpair::i18n::rule_text(lang, r.id);
                // "error/warning" names two severities: translate each.
                let severity = r
                    .severity
                    .iter()
                    .map(|s| lyncpair::i18n::t(lang, &format!("severity.{}", s.label())))
                    .collect::<Vec<_>>()
                    .join("/");
                let _ = writeln!(s, "{:<24} {:<14} {}", r.code, severity, summary);
                let _ = writeln!(s, "{:<24} {:<14} {basis_label}: {basis}", "", "");
                for d in r.sources {
                    // Document titles stay as Microsoft publishes them.
                    let _ = writeln!(
                        s,
                        "{:<24} {:<14} {source_label}: \"{}\", {}",
                        "", "", d.title, d.url
                    );
                }
            }
            s
        }
    };
    emit(&text);
    EXIT_OK
}

#[cfg(test)]
mod definition_tests {
    use clap::CommandFactory;

    use super::Cli;

    /// clap's own consistency checks (duplicate flags, bad defaults, conflicting ids) run only in
    /// `debug_assert`; without this test a broken definition would surface as a panic in a user's hands.
    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn a_day_that_does_not_exist_is_refused_with_its_text() {
        use super::{NotADay, parse_day};
        assert!(parse_day("2027-02-28").is_ok());
        let err = parse_day("2027-02-29").unwrap_err();
        assert_eq!(err, NotADay("2027-02-29".into()));
        assert_eq!(
            err.to_string(),
            "\"2027-02-29\" is not a date written YYYY-MM-DD"
        );
    }

    #[test]
    fn a_source_date_epoch_that_is_no_number_names_itself() {
        let err = super::BadSourceDateEpoch("yesterday".into());
        assert_eq!(
            err.to_string(),
            "SOURCE_DATE_EPOCH=\"yesterday\" is not a number of seconds since 1970-01-01"
        );
    }

    #[test]
    fn a_pool_pair_is_two_different_pools() {
        use super::{PoolPairError, parse_pool_pair};
        assert_eq!(
            parse_pool_pair("A.test=b.test."),
            Ok(("a.test".to_owned(), "b.test".to_owned()))
        );
        let no_equals = parse_pool_pair("a.test").unwrap_err();
        assert_eq!(no_equals, PoolPairError::NoEqualsSign("a.test".into()));
        assert_eq!(
            no_equals.to_string(),
            "expected two pool FQDNs as A=B, got \"a.test\""
        );
        assert!(matches!(
            parse_pool_pair("a.test="),
            Err(PoolPairError::EmptySide(_))
        ));
        let same = parse_pool_pair("a.test=A.TEST").unwrap_err();
        assert_eq!(
            same.to_string(),
            "\"a.test=A.TEST\" names the same pool twice; a pool cannot pair with itself"
        );
    }
}
