//! The `threadlens` command line: parses arguments, sets up logging and
//! calls the library crates. Everything it prints on stdout is output
//! (summaries, tables); logs and progress go to stderr.

mod cli;
mod collect;
mod demo;
mod import;
mod job;
mod kwic;
mod lexicon;
mod lock;
mod logging;
mod prefetch;
mod report;
mod run;
mod score;
mod synth;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};

/// Exit code for a failure at run time (bad data, unreadable files).
const EXIT_FAILURE: u8 = 1;
/// Exit code for a usage or configuration error, found before any work.
const EXIT_USAGE: u8 = 2;

/// An error in how the command was called: reported with exit code 2.
#[derive(Debug)]
pub(crate) struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

fn main() -> ExitCode {
    let cli = Cli::parse();
    logging::init(
        cli.global.verbose,
        cli.global.quiet,
        cli.global.log_format == "json",
    );
    let result = match &cli.command {
        Command::Demo(args) => demo::run(args, &cli.global),
        Command::Run(args) => run::run(args, &cli.global),
        Command::Collect(args) => collect::run(args, &cli.global),
        Command::Import(args) => import::run(args, &cli.global),
        Command::Score(args) => score::run(args, &cli.global),
        Command::Report(args) => report::run(args, &cli.global),
        Command::Kwic(args) => kwic::run(args),
        Command::Lexicon(command) => lexicon::run(command),
        Command::Synth(args) => synth::run(args),
        Command::ExportNotebook(args) => export_notebook(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => report(&err),
    }
}

/// Run `threadlens export-notebook`.
fn export_notebook(args: &cli::ExportNotebookArgs) -> anyhow::Result<ExitCode> {
    use std::io::Write;
    if !args.report.join(threadlens_report::MANIFEST_FILE).is_file() {
        return Err(UsageError(format!(
            "{} is not a report folder (no manifest.json): run `threadlens report` or `threadlens demo` first",
            args.report.display()
        ))
        .into());
    }
    threadlens_report::export_notebook(&args.report, &args.out)?;
    writeln!(std::io::stdout().lock(), "wrote {}", args.out.display())?;
    Ok(ExitCode::SUCCESS)
}

/// Print the error chain to stderr and choose the exit code.
#[allow(clippy::print_stderr)]
fn report(err: &anyhow::Error) -> ExitCode {
    // A closed pipe (`threadlens ... | head`) is not a failure.
    if err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    }) {
        return ExitCode::SUCCESS;
    }
    eprintln!("error: {err}");
    for cause in err.chain().skip(1) {
        eprintln!("  caused by: {cause}");
    }
    if err.chain().any(|e| e.is::<UsageError>()) {
        ExitCode::from(EXIT_USAGE)
    } else {
        ExitCode::from(EXIT_FAILURE)
    }
}
