//! Command line: clap arguments, then the pipeline, then exit codes (CONTRACT.md).
//!
//! Exit codes: 0 nothing at or above `--fail-on`; 1 findings at or above it; 2 usage error or at
//! least one input that could not be read (everything readable is still audited and reported).

use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};

use crate::accept::{self, Date};
use crate::audit::{self, Audit};
use crate::diff;
pub use crate::i18n::Lang;
use crate::import::ImportOptions;
use crate::output;
use crate::plan::{self, PlanRequest};
use crate::render;
use crate::render::report::{self, RunInfo};
use crate::render::templates::{self, Templates};
use crate::rules::{CATALOGUE, Severity};

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
    /// The day acceptances are checked against instead of today (UTC); for tests and reruns.
    #[arg(long, value_name = "YYYY-MM-DD", hide = true, value_parser = parse_day)]
    pub today: Option<Date>,
}

fn parse_day(raw: &str) -> Result<Date, String> {
    Date::parse(raw).ok_or_else(|| format!("\"{raw}\" is not a date written YYYY-MM-DD"))
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
    fn version(self) -> crate::model::Version {
        match self {
            TargetVersion::V2013 => crate::model::Version::V2013,
            TargetVersion::V2015 => crate::model::Version::V2015,
            TargetVersion::V2019 => crate::model::Version::V2019,
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

/// `A=B` into two FQDNs normalised per D7; a usage error (exit 2) before any file is read.
pub fn parse_pool_pair(raw: &str) -> Result<(String, String), String> {
    let Some((a, b)) = raw.split_once('=') else {
        return Err(format!("expected two pool FQDNs as A=B, got \"{raw}\""));
    };
    let (a, b) = (
        crate::model::normalize_fqdn(a),
        crate::model::normalize_fqdn(b),
    );
    if a.is_empty() || b.is_empty() {
        return Err(format!("both sides of \"{raw}\" must name a pool FQDN"));
    }
    if a == b {
        return Err(format!(
            "\"{raw}\" names the same pool twice; a pool cannot pair with itself"
        ));
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
        Command::Rules { format } => run_rules(format),
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

/// Report a usage problem the way clap does: on stderr, exit 2.
fn usage_error(message: &str) -> i32 {
    let _ = writeln!(
        std::io::stderr().lock(),
        "lyncpair: {}",
        render::terminal::safe(message)
    );
    EXIT_USAGE_OR_INPUT
}

/// The day acceptances are checked against: `--today`, else the UTC date of the clock.
fn today(common: &CommonArgs) -> Date {
    common.today.unwrap_or_else(|| {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Date::from_unix(now)
    })
}

/// Apply `--accept` to an audit: its bad entries become input errors (exit 2), the others apply.
fn apply_accept(common: &CommonArgs, audit: &mut Audit) {
    let Some(path) = &common.accept else { return };
    let accepted = accept::read(path);
    accept::apply(audit, &accepted.entries, today(common));
    // After the inputs' errors, in the file's line order (InputError sorts by message first).
    audit.errors.extend(accepted.errors);
}

fn import_options(common: &CommonArgs) -> ImportOptions {
    ImportOptions {
        sheet: common.sheet.clone(),
        out_dir: common.out.clone(),
    }
}

/// When the reports say they were made: `SOURCE_DATE_EPOCH` (seconds, the reproducible-builds
/// convention) when set, so snapshot tests and reproducible runs get fixed output; else now.
pub fn generation_time() -> Result<String, String> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(raw) => raw.trim().parse::<u64>().map(report::iso_utc).map_err(|_| {
            format!("SOURCE_DATE_EPOCH=\"{raw}\" is not a number of seconds since 1970-01-01")
        }),
        Err(_) => {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            Ok(report::iso_utc(now))
        }
    }
}

/// The templates, checked before any input is read; `None` when nothing needs them.
fn load_templates(common: &CommonArgs, needed: bool) -> Result<Option<Templates>, String> {
    if !needed && common.templates.is_none() {
        return Ok(None);
    }
    Templates::load(common.templates.as_deref(), common.lang).map(Some)
}

/// Everything that can be wrong with the command line, checked before any input is read: the
/// templates (when a format or `--out` needs them), `SOURCE_DATE_EPOCH`, and the output folder.
/// Returns the templates and the generation time stamped in the reports.
fn check_before_reading(
    common: &CommonArgs,
    needs_templates: bool,
) -> Result<(Option<Templates>, String), String> {
    let templates = load_templates(common, needs_templates)?;
    let generated = generation_time()?;
    if let Some(out) = &common.out {
        output::prepare_out_dir(out)?;
    }
    Ok((templates, generated))
}

fn write_reports(dir: &Path, files: Vec<report::OutFile>) -> Result<Vec<String>, String> {
    let files: Vec<(String, &[u8])> = files
        .iter()
        .map(|f| {
            let relative = match &f.folder {
                Some(sub) => format!("{sub}/{}", f.name),
                None => f.name.to_owned(),
            };
            (relative, f.bytes.as_slice())
        })
        .collect();
    output::write_run(dir, "audit", &files)?;
    Ok(files.into_iter().map(|(r, _)| r).collect())
}

fn run_audit(args: AuditArgs) -> i32 {
    let common = &args.common;
    let needs_templates =
        common.out.is_some() || matches!(args.format, AuditFormat::Md | AuditFormat::Html);
    let (templates, generated) = match check_before_reading(common, needs_templates) {
        Ok(ready) => ready,
        Err(e) => return usage_error(&e),
    };

    let mut audit = {
        let json = matches!(args.format, AuditFormat::Json);
        let _progress = crate::progress::Progress::start(crate::progress::wanted(json));
        audit::run(&args.paths, &import_options(common))
    };
    apply_accept(common, &mut audit);
    let run = RunInfo {
        lang: common.lang,
        generated,
        tool_version: env!("CARGO_PKG_VERSION"),
        paths: args.paths.iter().map(|p| p.display().to_string()).collect(),
    };
    // The reports show the suggested plan of each estate: planned once here, without pins or
    // forbids, so it cannot fail; were it to, the reports would simply go without the plan section.
    let plan_views: Vec<report::PlanView> = if templates.is_some() {
        let estates: Vec<&crate::model::Estate> = audit.estates.iter().map(|a| &a.estate).collect();
        plan::plan(&estates, &PlanRequest::default())
            .map(|plans| {
                plans
                    .iter()
                    .map(|p| report::plan_view(common.lang, p))
                    .collect()
            })
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let plan_for = |a: &audit::AuditedEstate| {
        let i = audit.estates.iter().position(|x| std::ptr::eq(x, a))?;
        plan_views.get(i).cloned()
    };

    let text = match (args.format, &templates) {
        (AuditFormat::Json, _) => render::json::render(&audit),
        (AuditFormat::Human, _) => render::human::render_with(
            &audit,
            render::use_color(std::io::stdout().is_terminal()),
            common.lang,
            args.verbose,
        ),
        (AuditFormat::Csv, _) => {
            let all: Vec<&audit::AuditedEstate> = audit.estates.iter().collect();
            render::csv::render(&all, common.lang)
        }
        (AuditFormat::Md | AuditFormat::Html, Some(t)) => {
            let names: Vec<&str> = audit
                .estates
                .iter()
                .map(|a| a.estate.name.as_str())
                .collect();
            let slugs = report::estate_slugs(&names);
            let estates: Vec<(&audit::AuditedEstate, &str)> = audit
                .estates
                .iter()
                .zip(slugs.iter().map(String::as_str))
                .collect();
            let view = report::report_view(&run, &audit, &estates, &plan_for, None);
            let name = if args.format == AuditFormat::Md {
                "report.md.tera"
            } else {
                "report.html.tera"
            };
            match t.render(name, &view) {
                Ok(text) => text,
                Err(e) => return usage_error(&e),
            }
        }
        (AuditFormat::Md | AuditFormat::Html, None) => {
            unreachable!("templates are loaded for md and html")
        }
    };

    if let (Some(out), Some(t)) = (&common.out, &templates) {
        let written = report::out_files(&run, &audit, t, &plan_for)
            .and_then(|files| write_reports(out, files));
        match written {
            Ok(names) => {
                let _ = writeln!(
                    std::io::stderr().lock(),
                    "lyncpair: {}",
                    crate::i18n::tf(
                        common.lang,
                        "human.written",
                        &[
                            ("dir", &out.display().to_string()),
                            ("files", &names.join(", "))
                        ]
                    )
                );
            }
            Err(e) => {
                emit(&text);
                return usage_error(&e);
            }
        }
    }
    emit(&text);
    if args.format != AuditFormat::Human && !audit.errors.is_empty() {
        // Machine formats carry the errors in-band; say it on stderr too so a person sees it.
        let mut err = std::io::stderr().lock();
        for e in &audit.errors {
            let _ = writeln!(err, "lyncpair: {}", render::terminal::safe(&e.to_string()));
        }
    }
    exit_code(&audit, args.fail_on)
}

/// Files `plan --out DIR` writes, and the templates of the plan document.
pub const PLAN_JSON_FILE: &str = "plan.json";
pub const PLAN_MD_FILE: &str = "plan.md";
pub const PLAN_HTML_FILE: &str = "plan.html";
pub const RUNBOOK_FILE: &str = "pairing-runbook.ps1";
const PLAN_MD_TEMPLATE: &str = "plan.md.tera";
const PLAN_HTML_TEMPLATE: &str = "plan.html.tera";

fn run_plan(args: PlanArgs) -> i32 {
    let common = &args.common;
    let needs_templates =
        common.out.is_some() || matches!(args.format, PlanFormat::Md | PlanFormat::Html);
    let (templates, generated) = match check_before_reading(common, needs_templates) {
        Ok(ready) => ready,
        Err(e) => return usage_error(&e),
    };
    let mut audit = {
        let json = matches!(args.format, PlanFormat::Json);
        let _progress = crate::progress::Progress::start(crate::progress::wanted(json));
        audit::run(&args.paths, &import_options(common))
    };
    apply_accept(common, &mut audit);
    let estates: Vec<&crate::model::Estate> = audit.estates.iter().map(|a| &a.estate).collect();
    let request = PlanRequest {
        pins: args.pin.clone(),
        forbids: args.forbid.clone(),
        target: args.target.version(),
    };
    let mut err = std::io::stderr().lock();
    let plans = match plan::plan(&estates, &request) {
        Ok(plans) => plans,
        Err(problems) => {
            for e in &audit.errors {
                let _ = writeln!(err, "lyncpair: {}", render::terminal::safe(&e.to_string()));
            }
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
    let run = RunInfo {
        lang: common.lang,
        generated,
        tool_version: env!("CARGO_PKG_VERSION"),
        paths: args.paths.iter().map(|p| p.display().to_string()).collect(),
    };
    let document = |t: &Templates, name: &str| {
        t.render(
            name,
            &report::plan_doc_view(&run, &audit, &plans, RUNBOOK_FILE),
        )
    };
    let text = match (args.format, &templates) {
        (PlanFormat::Json, _) => render::plan_json::render(&plans),
        (PlanFormat::Human, _) => render::plan_human::render(
            &plans,
            audit.errors.len(),
            render::use_color(std::io::stdout().is_terminal()),
            common.lang,
        ),
        (PlanFormat::Md | PlanFormat::Html, Some(t)) => {
            let name = if args.format == PlanFormat::Md {
                PLAN_MD_TEMPLATE
            } else {
                PLAN_HTML_TEMPLATE
            };
            match document(t, name) {
                Ok(text) => text,
                Err(e) => return usage_error(&e),
            }
        }
        (PlanFormat::Md | PlanFormat::Html, None) => {
            unreachable!("templates are loaded for md and html")
        }
    };
    if let (Some(dir), Some(t)) = (&common.out, &templates) {
        // Everything is rendered before the first file is written.
        let files = document(t, PLAN_MD_TEMPLATE).and_then(|md| {
            Ok([
                (PLAN_JSON_FILE, render::plan_json::render(&plans)),
                (PLAN_MD_FILE, md),
                (PLAN_HTML_FILE, document(t, PLAN_HTML_TEMPLATE)?),
                (RUNBOOK_FILE, render::runbook::render(&plans)),
            ])
        });
        let written = files.and_then(|files| {
            let run: Vec<(String, &[u8])> = files
                .iter()
                .map(|(name, contents)| ((*name).to_owned(), contents.as_bytes()))
                .collect();
            output::write_run(dir, "plan", &run)?;
            Ok(files.map(|(name, _)| name))
        });
        match written {
            Ok(names) => {
                let _ = writeln!(
                    err,
                    "lyncpair: {}",
                    crate::i18n::tf(
                        common.lang,
                        "human.written",
                        &[
                            ("dir", &dir.display().to_string()),
                            ("files", &names.join(", "))
                        ]
                    )
                );
            }
            Err(e) => {
                emit(&text);
                let _ = writeln!(err, "lyncpair: {}", render::terminal::safe(&e.to_string()));
                return EXIT_USAGE_OR_INPUT;
            }
        }
    }
    emit(&text);
    for e in &audit.errors {
        let _ = writeln!(err, "lyncpair: {}", render::terminal::safe(&e.to_string()));
    }
    if audit.errors.is_empty() {
        EXIT_OK
    } else {
        EXIT_USAGE_OR_INPUT
    }
}

/// Files `diff --out DIR` writes, and the templates of the diff document.
pub const DIFF_JSON_FILE: &str = "diff.json";
pub const DIFF_MD_FILE: &str = "diff.md";
pub const DIFF_HTML_FILE: &str = "diff.html";
const DIFF_MD_TEMPLATE: &str = "diff.md.tera";
const DIFF_HTML_TEMPLATE: &str = "diff.html.tera";

fn run_diff(args: DiffArgs) -> i32 {
    let common = &args.common;
    let needs_templates =
        common.out.is_some() || matches!(args.format, PlanFormat::Md | PlanFormat::Html);
    let (templates, generated) = match check_before_reading(common, needs_templates) {
        Ok(ready) => ready,
        Err(e) => return usage_error(&e),
    };
    let opts = import_options(common);
    let old = diff::read_side(&args.old, &opts);
    let mut new = diff::read_side(&args.new, &opts);
    // Acceptances are about the snapshot being judged: the new one.
    apply_accept(common, &mut new);
    let mut errors: Vec<crate::import::InputError> =
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
    let run = RunInfo {
        lang: common.lang,
        generated,
        tool_version: env!("CARGO_PKG_VERSION"),
        paths: vec![old_shown.clone(), new_shown.clone()],
    };
    let json = || render::diff::render_json(&result, &old_shown, &new_shown, &errors);
    let document = |t: &Templates, name: &str| {
        t.render(
            name,
            &render::diff::view(&run, &result, &old_shown, &new_shown, &errors),
        )
    };
    let text = match (args.format, &templates) {
        (PlanFormat::Json, _) => json(),
        (PlanFormat::Human, _) => render::diff::render_human(&result, &errors, common.lang),
        (PlanFormat::Md | PlanFormat::Html, Some(t)) => {
            let name = if args.format == PlanFormat::Md {
                DIFF_MD_TEMPLATE
            } else {
                DIFF_HTML_TEMPLATE
            };
            match document(t, name) {
                Ok(text) => text,
                Err(e) => return usage_error(&e),
            }
        }
        (PlanFormat::Md | PlanFormat::Html, None) => {
            unreachable!("templates are loaded for md and html")
        }
    };
    let mut err = std::io::stderr().lock();
    if let (Some(dir), Some(t)) = (&common.out, &templates) {
        // Everything is rendered before the first file is written.
        let files = document(t, DIFF_MD_TEMPLATE).and_then(|md| {
            Ok([
                (DIFF_JSON_FILE, json()),
                (DIFF_MD_FILE, md),
                (DIFF_HTML_FILE, document(t, DIFF_HTML_TEMPLATE)?),
            ])
        });
        let written = files.and_then(|files| {
            for (name, contents) in &files {
                output::write_atomic(dir, name, contents.as_bytes())?;
            }
            Ok(files.map(|(name, _)| name))
        });
        match written {
            Ok(names) => {
                let _ = writeln!(
                    err,
                    "lyncpair: {}",
                    crate::i18n::tf(
                        common.lang,
                        "human.written",
                        &[
                            ("dir", &dir.display().to_string()),
                            ("files", &names.join(", "))
                        ]
                    )
                );
            }
            Err(e) => {
                emit(&text);
                let _ = writeln!(err, "lyncpair: {e}");
                return EXIT_USAGE_OR_INPUT;
            }
        }
    }
    emit(&text);
    if args.format != PlanFormat::Human {
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

fn run_rules(format: RulesFormat) -> i32 {
    let text = match format {
        RulesFormat::Json => {
            let mut s = serde_json::to_string_pretty(CATALOGUE).expect("catalogue serialises");
            s.push('\n');
            s
        }
        RulesFormat::Human => {
            let mut s = String::new();
            for r in CATALOGUE {
                let _ = writeln!(s, "{:<24} {:<14} {}", r.code, r.severity_label(), r.summary);
                let _ = writeln!(s, "{:<24} {:<14} basis: {}", "", "", r.source);
                for d in r.sources {
                    let _ = writeln!(
                        s,
                        "{:<24} {:<14} source: \"{}\", {}",
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
}
