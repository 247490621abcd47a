//! `threadlens report --engine`: the summary tables computed by an SQL
//! engine (DataFusion here, or a Ballista cluster) through the
//! `threadlens-sql` program, which writes their counts as Parquet; the
//! tables are then made from the counts, and written, by the same code as
//! on one machine. Only the tables that counts can make are written
//! (`COUNTED_TABLES`): what needs the posts themselves (post_scores, kwic,
//! the takeover tables, bootstrap intervals, the audit, the network, the
//! page and the workbook) stays single-machine, and asking for it here is
//! refused before any work.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use chrono::{SecondsFormat, Utc};
use chrono_tz::Tz;
use threadlens_report::{
    COUNTED_TABLES, InputFile, Manifest, OutputFile, SCORING_SPEC, Summary, SummaryOptions,
    TableFormat, file_sha256, read_counts, write_tables,
};

use crate::UsageError;
use crate::cli::{GlobalArgs, ReportArgs};
use crate::report::{Written, say_written};
use crate::score::lexicon_info;
use crate::staging::Staging;

/// The formats an engine's report is written in.
const ENGINE_FORMATS: [TableFormat; 4] = [
    TableFormat::Csv,
    TableFormat::Parquet,
    TableFormat::Json,
    TableFormat::Md,
];

/// What `--engine` cannot do, checked before any work.
fn refuse_single_machine_options(args: &ReportArgs) -> Result<Vec<TableFormat>> {
    let usage = |what: &str| -> anyhow::Error {
        UsageError(format!(
            "--engine computes theme_summary, theme_by_period, top_contributors, top_hashtags, top_terms and theme_cooccurrence; {what} needs the posts on one machine: run without --engine"
        ))
        .into()
    };
    if args.schedule.is_some() {
        return Err(usage(
            "--schedule (theme_by_slot, takeover_engagement: the whole thread graph)",
        ));
    }
    if args.bootstrap.is_some() {
        return Err(usage("--bootstrap (resampling whole conversations)"));
    }
    if args.audit {
        return Err(usage("--audit"));
    }
    if args.network {
        return Err(usage("--network"));
    }
    if args.validation.is_some() {
        return Err(usage("--validation"));
    }
    let mut formats = Vec::new();
    for format in &args.format {
        if !ENGINE_FORMATS.contains(&format.0) {
            // The default list includes html; left out, not refused.
            continue;
        }
        if !formats.contains(&format.0) {
            formats.push(format.0);
        }
    }
    if formats.is_empty() {
        return Err(usage("--format html and xlsx (the page and the workbook)"));
    }
    Ok(formats)
}

/// Run `threadlens report --engine ENGINE`, writing its summary to `out`.
pub(crate) fn run_to(
    args: &ReportArgs,
    engine: &str,
    _global: &GlobalArgs,
    out: &mut dyn Write,
) -> Result<ExitCode> {
    let started_at = Utc::now();
    let formats = refuse_single_machine_options(args)?;
    let lexicon = crate::lexicon::load(&args.lexicon)?;
    let timezone = match &args.timezone {
        Some(name) => {
            crate::values::timezone(name).map_err(|why| UsageError(format!("--timezone {why}")))?
        }
        None => Tz::UTC,
    };
    // An object-store URL is listed by threadlens-sql, and the report
    // cannot go beside it.
    let remote = is_remote(&args.data);
    let posts_file = args.data.join(threadlens_store::POSTS_FILE);
    let posts_folder = args.data.join("posts");
    if remote && args.out.is_none() {
        return Err(UsageError(format!(
            "{} is in an object store: give --out DIR, a local folder for the report",
            args.data.display()
        ))
        .into());
    }
    if !remote && !posts_file.is_file() && !posts_folder.is_dir() {
        return Err(UsageError(format!(
            "{} has neither posts.parquet nor a posts/ folder (`threadlens import` or `threadlens store export` makes one)",
            args.data.display()
        ))
        .into());
    }
    let program = crate::external::locate("report --engine")?;
    let final_dir = args.out.clone().unwrap_or_else(|| args.data.join("report"));
    let staging = Staging::new(&final_dir)?;
    let out_dir = staging.dir().to_owned();
    let counts_dir = out_dir.join(".counts");
    run_counts(&program, args, engine, &timezone, &counts_dir)?;
    let counts = read_counts(&counts_dir, &lexicon)
        .with_context(|| format!("reading the counts {} wrote", program.display()))?;
    std::fs::remove_dir_all(&counts_dir)
        .with_context(|| format!("cannot remove {}", counts_dir.display()))?;
    let stored = counts.posts + counts.left_out;
    let summary = Summary::from_counts(
        &lexicon,
        SummaryOptions {
            period: args.period.0,
            timezone,
            top: args.top,
            include_reposts: args.include_reposts,
            ..SummaryOptions::default()
        },
        counts,
    );
    let tables: Vec<_> = summary
        .tables()
        .context("cannot build the summary tables")?
        .into_iter()
        .filter(|t| COUNTED_TABLES.contains(&t.name))
        .collect();
    let mut outputs = Vec::new();
    for path in write_tables(&out_dir, &tables, &formats, None)? {
        let rows = tables
            .iter()
            .find(|t| path.file_stem().is_some_and(|s| s == t.name))
            .map_or(0, |t| t.frame.height() as u64);
        outputs.push(OutputFile { path, rows });
    }
    let input = if remote {
        InputFile {
            path: args.data.clone(),
            sha256: String::new(),
            rows: stored,
        }
    } else if posts_file.is_file() {
        InputFile {
            sha256: file_sha256(&posts_file)?,
            path: posts_file,
            rows: stored,
        }
    } else {
        // A dataset folder may be an archive of terabytes: not hashed.
        InputFile {
            path: posts_folder,
            sha256: String::new(),
            rows: stored,
        }
    };
    let manifest = Manifest {
        tool: "threadlens".into(),
        tool_version: env!("CARGO_PKG_VERSION").into(),
        scoring_spec: SCORING_SPEC.into(),
        formats_spec: threadlens_report::FORMATS_SPEC.into(),
        command: std::env::args().collect(),
        started_at: started_at.to_rfc3339_opts(SecondsFormat::Millis, true),
        finished_at: Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true),
        lexicon: Some(lexicon_info(&lexicon, &args.lexicon.path)?),
        inputs: vec![input],
        rejects: 0,
        include_reposts: args.include_reposts,
        posts_left_out: summary.left_out(),
        outputs: outputs
            .into_iter()
            .map(|o| OutputFile {
                path: staging.final_path(&o.path),
                rows: o.rows,
            })
            .collect(),
        period: Some(args.period.0.to_string()),
        timezone: Some(timezone.name().to_owned()),
        intervals: Some(threadlens_report::Intervals {
            method: "wilson".into(),
            level: 0.95,
            bootstrap: None,
        }),
        network: None,
    };
    let manifest_path = staging.final_path(&manifest.write(&out_dir)?);
    staging.publish()?;
    let written = Written {
        posts: summary.posts(),
        left_out: summary.left_out(),
        files: manifest.outputs.len() + 1,
    };
    let what = format!(" (engine {engine})");
    say_written(out, &lexicon, &what, &written, &final_dir, &manifest_path)?;
    Ok(ExitCode::SUCCESS)
}

/// Run `threadlens-sql report-counts`, its errors passed on.
fn run_counts(
    program: &Path,
    args: &ReportArgs,
    engine: &str,
    timezone: &Tz,
    dir: &Path,
) -> Result<()> {
    let mut command = std::process::Command::new(program);
    command
        .arg("report-counts")
        .arg("--engine")
        .arg(engine)
        .arg("--data")
        .arg(&args.data)
        .arg("--lexicon")
        .arg(&args.lexicon.path)
        .arg("--period")
        .arg(args.period.0.name())
        .arg("--timezone")
        .arg(timezone.name())
        .arg("--top")
        .arg(args.top.to_string())
        .arg("--out")
        .arg(dir);
    if let Some(format) = args.lexicon.format {
        command.arg("--lexicon-format").arg(format.0.name());
    }
    if args.lexicon.skip_invalid {
        command.arg("--skip-invalid");
    }
    if args.include_reposts {
        command.arg("--include-reposts");
    }
    let output = command
        .output()
        .with_context(|| format!("cannot run {}", program.display()))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let message = stderr.trim().trim_start_matches("error: ");
        if output.status.code() == Some(2) {
            return Err(UsageError(format!("--engine {engine}: {message}")).into());
        }
        bail!("--engine {engine}: {message}");
    }
    Ok(())
}

/// Whether `--data` names an object store rather than a folder here
/// (threadlens-sql reads `s3://BUCKET/PATH`; docs/cluster.md).
fn is_remote(data: &Path) -> bool {
    data.to_str().is_some_and(|s| s.starts_with("s3://"))
}
