//! The `rollsafe` command.

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use rollsafe_check::render;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

// The analysis allocates many small strings; mimalloc makes that markedly cheaper than glibc's malloc.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "rollsafe", version, about = "Catches schema and contract changes that break the previous release (N-1)")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check the working tree against the previous release.
    Check(CheckArgs),
    /// Print a rule's documentation.
    Explain {
        /// A rule id, e.g. column-removed.
        rule: String,
    },
    /// List the rules.
    Rules,
    /// Write a commented starter rollsafe.toml for what rollsafe finds here (never overwrites one).
    Init,
    /// Run the language server on standard input and output (for editors).
    Server,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Report only findings in these files or directories (the whole workspace is still analysed).
    paths: Vec<PathBuf>,
    /// The N-1 baseline: a git revision, or a directory holding the N-1 tree.
    #[arg(long, value_name = "REV|DIR")]
    against: Option<String>,
    /// Compatibility mode of message contracts (Avro, JSON Schema), over rollsafe.toml's
    /// [contracts]; default full. SQL and Protobuf are always judged against N-1.
    #[arg(long, value_enum)]
    compat: Option<Compat>,
    /// How findings are printed: for people (human), scripts (json), code scanning (sarif),
    /// GitHub Actions annotations (github), GitLab Code Quality (gitlab) or CI test reports (junit).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// The lowest severity that fails the check (exit 1). Every format reports every finding.
    #[arg(long, value_enum, default_value_t = FailOn::Error, value_name = "LEVEL")]
    fail_on: FailOn,
    /// Print the findings only: no summary line and no notes about the check (human output;
    /// the other formats are documents and print in full).
    #[arg(long, short)]
    quiet: bool,
    /// Colour in human output: auto (on a terminal, unless NO_COLOR is set), always or never.
    #[arg(long, value_enum, default_value_t = Color::Auto, value_name = "WHEN")]
    color: Color,
    /// A configuration file other than <root>/rollsafe.toml.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Fail (exit 2) rather than warn when the check would compare nothing: no release tag in a
    /// shallow clone, or a baseline without the working tree's histories. On when the CI
    /// environment variable is set (CI=false turns it off).
    #[arg(long)]
    ci: bool,
    /// Accept a baseline that holds none of the working tree's migration histories and schema
    /// files (the release that introduces them).
    #[arg(long)]
    allow_empty_baseline: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Compat {
    Backward,
    Forward,
    Full,
    BackwardTransitive,
    ForwardTransitive,
    FullTransitive,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
    Sarif,
    Github,
    Gitlab,
    Junit,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Error,
    Warning,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

fn main() -> ExitCode {
    // A bug must not end in a backtrace, nor pass a CI check: the panic is reported in one line
    // (exit 2). Panics caught on purpose (a statement the front-end cannot lower) stay silent.
    let last_panic = std::sync::Arc::new(std::sync::Mutex::new(None::<String>));
    let recorder = last_panic.clone();
    std::panic::set_hook(Box::new(move |info| {
        let location = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".into());
        if let Ok(mut last) = recorder.lock() {
            *last = Some(format!("{message}{location}"));
        }
    }));
    match std::panic::catch_unwind(run) {
        Ok(code) => code,
        Err(_) => {
            let what = last_panic.lock().ok().and_then(|l| l.clone()).unwrap_or_default();
            fail(&format!("internal error, please report it: {what}"))
        }
    }
}

fn run() -> ExitCode {
    // No arguments at all: what the command can do, not an error.
    if std::env::args_os().len() <= 1 {
        let _ = Cli::command().print_help();
        return ExitCode::SUCCESS;
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // --help and --version print in full; usage errors are one line, like every input error.
        Err(e) if !e.use_stderr() => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => return fail(&usage_error(&e)),
    };
    match cli.command {
        Command::Check(args) => check(args),
        Command::Explain { rule } => explain(&rule),
        Command::Rules => print(&rules_table()),
        Command::Init => init(),
        Command::Server => match rollsafe_server::run_stdio() {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(&format!("cannot start the language server: {e}")),
        },
    }
}

/// clap's error in one line: its first line, and the lines it lists under it (the missing
/// arguments), then where to read more.
fn usage_error(e: &clap::Error) -> String {
    let rendered = e.render().to_string();
    let mut lines = rendered.lines().map(str::trim).take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"));
    let mut message = lines.next().unwrap_or("invalid arguments").trim_start_matches("error: ").to_string();
    let listed: Vec<&str> = lines.filter(|l| !l.is_empty()).collect();
    if !listed.is_empty() {
        message = format!("{} {}", message.trim_end_matches(':'), listed.join(", "));
        message = message.replacen("were not provided", "were not given:", 1);
    }
    format!("{message} (see rollsafe --help)")
}

/// `rollsafe rules`: id, severity and summary in aligned columns.
fn rules_table() -> String {
    let rules = &*rollsafe_core::registry::ALL;
    let id_width = rules.iter().map(|r| r.id.len()).max().unwrap_or(0);
    let severity_width = rules.iter().map(|r| r.severity.as_str().len()).max().unwrap_or(0);
    let mut out = String::new();
    for rule in rules.iter() {
        out.push_str(&format!("{:<id_width$}  {:<severity_width$}  {}\n", rule.id, rule.severity.as_str(), rule.summary));
    }
    out
}

fn init() -> ExitCode {
    let cwd = match std::env::current_dir() {
        Ok(d) => d,
        Err(e) => return fail(&format!("cannot read the working directory: {e}")),
    };
    match rollsafe_check::init(&cwd) {
        Ok(done) => {
            // What it found, as the file's comments say it.
            let found: Vec<&str> =
                done.text.lines().filter(|l| l.contains(": rollsafe found") || l.starts_with("#   ")).map(|l| &l[2..]).collect();
            let mut out = format!(
                "wrote {}; every setting in it is commented out, so checks run as before until you change it\n",
                done.path.display()
            );
            for line in found {
                out.push_str(&format!("  {line}\n"));
            }
            print(&out)
        }
        Err(e) => fail(&e.to_string()),
    }
}

fn explain(rule: &str) -> ExitCode {
    match rollsafe_core::registry::lookup(rule) {
        Some(r) => print(&r.page()),
        None => fail(&format!("unknown rule `{rule}` (see `rollsafe rules`)")),
    }
}

fn check(args: CheckArgs) -> ExitCode {
    let cwd = match std::env::current_dir() {
        Ok(d) => d,
        Err(e) => return fail(&format!("cannot read the working directory: {e}")),
    };
    let options = rollsafe_check::CheckOptions {
        cwd,
        against: args.against,
        config: args.config,
        paths: args.paths,
        ci: args.ci || in_ci(),
        allow_empty_baseline: args.allow_empty_baseline,
        compat: args.compat.map(|c| match c {
            Compat::Backward => rollsafe_core::config::Compat::Backward,
            Compat::Forward => rollsafe_core::config::Compat::Forward,
            Compat::Full => rollsafe_core::config::Compat::Full,
            Compat::BackwardTransitive => rollsafe_core::config::Compat::BackwardTransitive,
            Compat::ForwardTransitive => rollsafe_core::config::Compat::ForwardTransitive,
            Compat::FullTransitive => rollsafe_core::config::Compat::FullTransitive,
        }),
    };
    let report = match rollsafe_check::check(&options) {
        Ok(r) => r,
        Err(e) => return fail(&e.to_string()),
    };
    let fail_on = match args.fail_on {
        FailOn::Error => rollsafe_core::Severity::Error,
        FailOn::Warning => rollsafe_core::Severity::Warning,
    };
    let out = match args.format {
        Format::Json => render::json::render(&report),
        Format::Sarif => render::sarif::render(&report),
        Format::Github => render::github::render(&report),
        Format::Gitlab => render::gitlab::render(&report),
        Format::Junit => render::junit::render(&report, fail_on),
        Format::Human => {
            let width = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()).unwrap_or(100);
            let style = render::human::Style { color: use_color(args.color), unicode: true, width, quiet: args.quiet };
            render::human::render(&report, &style)
        }
    };
    let code = print(&out);
    let failed = report.fails(fail_on);
    // The process is about to exit: freeing the analysis piece by piece would only cost time.
    std::mem::forget(report);
    if code != ExitCode::SUCCESS {
        return code;
    }
    if failed { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

/// `--color`: `auto` colours a terminal unless `NO_COLOR` is set (no-color.org), or anything when
/// `CLICOLOR_FORCE` is; the flag's explicit values win over both.
fn use_color(color: Color) -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
    match color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
                false
            } else {
                set("CLICOLOR_FORCE") || std::io::stdout().is_terminal()
            }
        }
    }
}

/// Whether the `CI` environment variable says this is a CI run (GitHub Actions, GitLab CI and most
/// others set `CI=true`).
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.trim().to_ascii_lowercase().as_str(), "" | "0" | "false" | "no" | "off"))
}

fn print(text: &str) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|_| stdout.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`rollsafe check | head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => fail(&format!("cannot write output: {e}")),
    }
}

/// An input or usage error: one line on stderr, exit 2. The line may quote file names and input,
/// so it is escaped and capped.
fn fail(message: &str) -> ExitCode {
    eprintln!("rollsafe: {}", rollsafe_text::escape::quote_at_most(message, 1000));
    ExitCode::from(2)
}
