//! `threadlens store verify`: is `posts.parquet` sound, and if not, what
//! is wrong with it (exit 1); `threadlens store export`: the store as a
//! partitioned dataset.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};
use threadlens_store::{PartitionBy, PostStore};

use crate::UsageError;
use crate::cli::StoreCommand;
use crate::exit::Exit;

/// Run a `threadlens store` command.
pub(crate) fn run(command: &StoreCommand) -> Result<ExitCode> {
    match command {
        StoreCommand::Verify { data } => verify(data),
        StoreCommand::Export {
            data,
            partition_by,
            out,
        } => export(data, partition_by, out),
    }
}

fn export(data: &std::path::Path, partition_by: &str, out: &std::path::Path) -> Result<ExitCode> {
    let store = crate::score::existing_store(data)?;
    let by = match partition_by {
        "day" => PartitionBy::Day,
        _ => PartitionBy::Month,
    };
    let exported = store
        .export_partitioned(out, by)
        .with_context(|| format!("cannot export {} to {}", data.display(), out.display()))?;
    writeln!(
        std::io::stdout().lock(),
        "exported {} into {} of {} ({}=...)",
        crate::score::count(exported.rows, "post"),
        crate::score::count(exported.files.len() as u64, "partition"),
        exported.folder.display(),
        by.column()
    )?;
    Ok(ExitCode::SUCCESS)
}

fn verify(data: &std::path::Path) -> Result<ExitCode> {
    if !data.is_dir() {
        return Err(UsageError(format!("{}: no such folder", data.display())).into());
    }
    let store = PostStore::open(data)
        .with_context(|| format!("cannot open the store {}", data.display()))?;
    let found = store.verify().map_err(|e| UsageError(e.to_string()))?;
    let mut out = std::io::stdout().lock();
    let path = store.posts_path();
    if found.is_sound() {
        writeln!(
            out,
            "{}: sound: {} posts, every column as the contract says, in the stored order, none twice",
            path.display(),
            found.read
        )?;
    } else {
        writeln!(
            out,
            "{}: {} problem{}:",
            path.display(),
            found.problems.len(),
            if found.problems.len() == 1 { "" } else { "s" }
        )?;
        for problem in &found.problems {
            writeln!(out, "  {problem}")?;
        }
    }
    writeln!(
        out,
        "  references outside the store (posts never collected): {} replies, {} quotes and reposts",
        found.unresolved_replies, found.unresolved_originals
    )?;
    Ok(if found.is_sound() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(Exit::Failure.code())
    })
}
