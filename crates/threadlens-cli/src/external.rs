//! `threadlens sql` and `threadlens cluster` run the `threadlens-sql`
//! program (crates/threadlens-sql: DataFusion and Ballista), which is
//! built apart so that building `threadlens` does not build them. It is
//! looked for in `THREADLENS_SQL_BIN`, beside this executable, then on
//! `PATH`.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};

/// The program's name.
const PROGRAM: &str = "threadlens-sql";

/// Run `threadlens-sql SUBCOMMAND ARGS…` in place of this process (on
/// Unix; elsewhere as a child whose exit code is ours).
pub(crate) fn run(subcommand: &str, args: &[OsString]) -> anyhow::Result<ExitCode> {
    let program = locate(subcommand)?;
    let mut command = std::process::Command::new(&program);
    command.arg(subcommand).args(args);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let err = command.exec();
        Err(err).with_context(|| format!("cannot run {}", program.display()))
    }
    #[cfg(not(unix))]
    {
        let status = command
            .status()
            .with_context(|| format!("cannot run {}", program.display()))?;
        Ok(ExitCode::from(status.code().map_or(1, |c| c as u8)))
    }
}

/// Where `threadlens-sql` is; `subcommand` names what needs it in the
/// error when it is nowhere.
pub(crate) fn locate(subcommand: &str) -> anyhow::Result<PathBuf> {
    let file_name = format!("{PROGRAM}{}", std::env::consts::EXE_SUFFIX);
    if let Some(path) = std::env::var_os("THREADLENS_SQL_BIN") {
        let path = PathBuf::from(path);
        if !path.is_file() {
            bail!(
                "THREADLENS_SQL_BIN names {}, which is not a file",
                path.display()
            );
        }
        return Ok(path);
    }
    let beside = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(&file_name)));
    if let Some(path) = beside.as_deref().filter(|p| p.is_file()) {
        return Ok(path.to_owned());
    }
    let on_path = std::env::var_os("PATH")
        .map(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join(&file_name))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    if let Some(path) = on_path.into_iter().find(|p| p.is_file()) {
        return Ok(path);
    }
    bail!(
        "`threadlens {subcommand}` runs the {PROGRAM} program (DataFusion and Ballista, built apart so the first build of threadlens stays small), which is not beside this threadlens{} nor on PATH: build it with `cargo build --release -p {PROGRAM}` (it lands beside target/release/threadlens), or install it with `cargo install --path crates/{PROGRAM}`",
        beside
            .as_deref()
            .and_then(Path::parent)
            .map(|dir| format!(" (in {})", dir.display()))
            .unwrap_or_default()
    )
}
