//! The `threadlens` command line: parses arguments, sets up logging and
//! calls the library crates. Everything it prints on stdout is output
//! (summaries, tables); logs and progress go to stderr.
//!
//! Start reading at `cli.rs` (every command and option), then the module of
//! a command (`import.rs`, `report.rs`, `run.rs`, ...). Closed sets of
//! values are in `values.rs`, exit codes in `exit.rs`, long help in
//! `help.rs`.

/// Many small strings are made and dropped per post; mimalloc frees and
/// reuses them faster than the system allocator (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod cli;
mod collect;
mod demo;
mod exit;
mod external;
mod help;
mod import;
mod job;
mod kwic;
mod lexicon;
mod lock;
mod logging;
mod network;
mod pause;
mod prefetch;
mod report;
mod report_engine;
mod run;
mod score;
mod signals;
mod staging;
mod store;
mod synth;
mod validate;
mod values;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use crate::cli::{Cli, Command};
use crate::exit::Exit;

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
        cli.global.log_format == values::LogFormat::Json,
    );
    let result = match &cli.command {
        Command::Demo(args) => demo::run(args, &cli.global),
        Command::Run(args) => run::run(args, &cli.global),
        Command::Collect(args) => collect::run(args, &cli.global),
        Command::Import(args) => import::run(args, &cli.global),
        Command::Score(args) => score::run(args, &cli.global),
        Command::Report(args) => report::run(args, &cli.global),
        Command::Kwic(args) => kwic::run(args),
        Command::Network(args) => network::run(args, &cli.global),
        Command::Store(command) => store::run(command),
        Command::Lexicon(command) => lexicon::run(command),
        Command::Validate(command) => validate::run(command),
        Command::Synth(args) => synth::run(args),
        Command::ExportNotebook(args) => export_notebook(args),
        Command::Completions(args) => completions(args),
        Command::Man(args) => man(args),
        Command::Sql(args) => external::run("sql", &args.args),
        Command::Cluster(args) => external::run("cluster", &args.args),
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

/// Run `threadlens completions`: the script for a shell, on stdout.
fn completions(args: &cli::CompletionsArgs) -> anyhow::Result<ExitCode> {
    let mut command = Cli::command();
    clap_complete::generate(
        args.shell,
        &mut command,
        "threadlens",
        &mut std::io::stdout().lock(),
    );
    Ok(ExitCode::SUCCESS)
}

/// Run `threadlens man`: threadlens.1 on stdout, or every page into a folder.
fn man(args: &cli::ManArgs) -> anyhow::Result<ExitCode> {
    use anyhow::Context;
    use std::io::Write;
    let command = Cli::command();
    let Some(dir) = &args.out else {
        clap_mangen::Man::new(command).render(&mut std::io::stdout().lock())?;
        return Ok(ExitCode::SUCCESS);
    };
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut pages = vec![("threadlens".to_owned(), command.clone())];
    for sub in command.get_subcommands() {
        pages.push((format!("threadlens-{}", sub.get_name()), sub.clone()));
    }
    let mut out = std::io::stdout().lock();
    for (name, page) in pages {
        let path = dir.join(format!("{name}.1"));
        let mut buffer = Vec::new();
        clap_mangen::Man::new(page)
            .title(name.as_str())
            .render(&mut buffer)?;
        std::fs::write(&path, buffer)
            .with_context(|| format!("cannot write {}", path.display()))?;
        writeln!(out, "wrote {}", path.display())?;
    }
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
        Exit::Usage.into()
    } else {
        Exit::Failure.into()
    }
}
