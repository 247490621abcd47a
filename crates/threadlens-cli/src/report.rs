//! `threadlens report`: store → post_scores, the summary tables and
//! manifest.json, in one pass over the posts.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use chrono::{SecondsFormat, Utc};
use chrono_tz::Tz;
use threadlens_model::Post;
use threadlens_network::{EdgeKind, MeasureOptions, NetworkBuilder, measure};
use threadlens_report::{
    HTML_FILE, HtmlReport, InputFile, Manifest, MeasuredNetwork, Methods, NetworkRecord,
    OutputFile, Overview, SCORING_SPEC, Schedule, Summary, SummaryOptions, SummaryPost,
    TableFormat, batch_posts, file_sha256, schedule_hosts, summary_posts, write_html,
    write_post_scores, write_tables,
};
use threadlens_store::{PostBatch, PostStore};

use crate::UsageError;
use crate::cli::{GlobalArgs, ReportArgs};
use crate::prefetch::prefetch;
use crate::score::{
    BATCH_ROWS, BackgroundSha256, count, existing_store, lexicon_info, progress_bar,
};
use crate::staging::Staging;

/// Run `threadlens report`.
pub(crate) fn run(args: &ReportArgs, global: &GlobalArgs) -> Result<ExitCode> {
    run_to(args, global, &mut std::io::stdout().lock())
}

/// Run `threadlens report`, writing its summary to `out`.
pub(crate) fn run_to(
    args: &ReportArgs,
    global: &GlobalArgs,
    out: &mut dyn Write,
) -> Result<ExitCode> {
    if let Some(engine) = &args.engine {
        return crate::report_engine::run_to(args, engine, global, out);
    }
    let started_at = Utc::now();
    let usage = |e: String| anyhow::Error::from(UsageError(e));
    let mut formats: Vec<TableFormat> = Vec::new();
    for format in &args.format {
        if !formats.contains(&format.0) {
            formats.push(format.0);
        }
    }
    let period = args.period.0;
    // Shared with the thread that scans the batches.
    let lexicon = Arc::new(crate::lexicon::load(&args.lexicon)?);
    let schedule = match &args.schedule {
        Some(path) => Some(Schedule::from_file(path).map_err(|e| usage(e.to_string()))?),
        None => None,
    };
    let timezone = match (&args.timezone, &schedule) {
        (Some(name), _) => {
            crate::values::timezone(name).map_err(|why| usage(format!("--timezone {why}")))?
        }
        (None, Some(s)) => s.timezone,
        (None, None) => Tz::UTC,
    };
    let store = existing_store(&args.data)?;
    let final_dir = args.out.clone().unwrap_or_else(|| args.data.join("report"));
    // Written aside, published whole: a failure leaves the last report.
    let staging = Staging::new(&final_dir)?;
    let out_dir = staging.dir().to_owned();

    let stored = store.count()? as u64;
    let posts_path = store.posts_path();
    let posts_sha256 = BackgroundSha256::start(posts_path.clone());
    let themes: Vec<String> = lexicon.themes.iter().map(|t| t.id.clone()).collect();
    let mut summary = Summary::new(
        &lexicon,
        schedule.as_ref(),
        SummaryOptions {
            period,
            timezone,
            top: args.top,
            include_reposts: args.include_reposts,
            bootstrap: args
                .bootstrap
                .map(|resamples| threadlens_report::Bootstrap {
                    resamples,
                    seed: args.seed,
                }),
            ..SummaryOptions::default()
        },
    );
    let bar = progress_bar(global, stored);
    let score_formats: Vec<TableFormat> = formats
        .iter()
        .copied()
        .filter(|f| matches!(f, TableFormat::Csv | TableFormat::Parquet))
        .collect();
    let mut audit = args.audit.then(threadlens_process::Audit::default);
    let mut network = args.network.then(NetworkBuilder::new);
    let scanner = summary.scanner();
    let scan_lexicon = Arc::clone(&lexicon);
    let read = prefetch(
        ReportBatch::read(&store, network.is_some() || audit.is_some())?,
        2,
    );
    // Batch n + 1 is scanned, on every core, while batch n is folded here.
    let scanned = prefetch(
        read.map(move |batch| {
            batch.map(|batch| {
                let scan = scanner.scan(&scan_lexicon, &batch.summary_posts());
                (batch, scan)
            })
        }),
        1,
    );
    let batches = scanned.map(|batch| {
        let (batch, scan) = batch?;
        let scored = summary.fold(&batch.summary_posts(), scan);
        let posts = batch.posts();
        if let Some(builder) = &mut network {
            // Scored posts' hits, in the order the summary kept them.
            let mut k = 0;
            for post in posts {
                if args.include_reposts || post.kind != threadlens_model::PostKind::Repost {
                    let hits: Vec<u32> = scored.scores.hits.iter().map(|h| h[k]).collect();
                    builder.add_scored(post, &hits);
                    k += 1;
                } else {
                    builder.add(post);
                }
            }
        }
        if let Some(audit) = &mut audit {
            let texts: Vec<&str> = posts
                .iter()
                .filter(|p| args.include_reposts || p.kind != threadlens_model::PostKind::Repost)
                .map(|p| p.text.as_str())
                .collect();
            audit.merge(threadlens_process::audit_texts(&lexicon, &texts));
        }
        bar.inc(batch.len() as u64);
        Ok(scored)
    });
    let mut outputs = Vec::new();
    if score_formats.is_empty() {
        for batch in batches {
            batch?;
        }
    } else {
        let written = write_post_scores(&out_dir, &score_formats, &themes, batches)?;
        outputs.extend(written.files.into_iter().map(|path| OutputFile {
            path,
            rows: written.rows,
        }));
    }
    bar.finish_and_clear();
    crate::pause::point("report:tables");
    let mut tables = summary
        .tables()
        .context("cannot build the summary tables")?;
    if let Some(dir) = &args.validation {
        tables.push(threadlens_report::Table {
            name: "validation",
            frame: threadlens_report::read_parquet_table(&dir.join("validation.parquet")).map_err(
                |e| {
                    UsageError(format!(
                        "--validation: {e} (write it with `threadlens validate score`)"
                    ))
                },
            )?,
        });
    }
    let audit = audit.map(|audit| audit.report(&lexicon, 2, 100));
    if let Some(audit) = &audit {
        tables.extend(
            threadlens_report::audit_tables(audit, &lexicon)
                .context("cannot build the audit tables")?,
        );
    }
    let network = network.map(|builder| {
        let mut network = builder.finish();
        if let Some(schedule) = &schedule {
            network.mark_hosts(schedule_hosts(schedule));
        }
        let measures = measure(
            &network,
            &MeasureOptions {
                seed: args.seed,
                ..MeasureOptions::default()
            },
        );
        (network, measures)
    });
    let measured = network.as_ref().map(|(network, measures)| MeasuredNetwork {
        network,
        measures,
        themes: &themes,
        first_slot: None,
    });
    if let Some(m) = &measured {
        let network_tables =
            threadlens_report::network_tables(m).context("cannot build the network tables")?;
        tables.extend(
            network_tables
                .into_iter()
                .filter(|t| t.name != "network_edges"),
        );
    }
    let network_record = network
        .as_ref()
        .map(|(network, measures)| NetworkRecord::new(network, measures, &EdgeKind::ALL, None));
    let lexicon_file = lexicon_info(&lexicon, &args.lexicon.path)?;
    let page = summary.page();
    let title = schedule.as_ref().map_or_else(
        || format!("{} {}: themes", lexicon.name, lexicon.version),
        |s| s.name.clone(),
    );
    let overview = Overview {
        title: &title,
        page: &page,
        schedule: schedule.as_ref(),
        timezone,
    };
    if formats.contains(&TableFormat::Html) {
        let path = out_dir.join(HTML_FILE);
        write_html(
            &path,
            &HtmlReport {
                audit: audit
                    .as_ref()
                    .map(|a| threadlens_report::AuditFindings::new(a, &lexicon, 5).html()),
                overview,
                network: measured,
                tables: &tables,
                methods: Methods {
                    tool: format!("threadlens {}", env!("CARGO_PKG_VERSION")),
                    scoring_spec: SCORING_SPEC.into(),
                    lexicon: format!("{} {}", lexicon.name, lexicon.version),
                    lexicon_sha256: lexicon_file.sha256.clone(),
                    posts: summary.posts(),
                    left_out: summary.left_out(),
                    rejects: store.rejects_count()?,
                    generated_at: Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true),
                    intervals: match args.bootstrap {
                        None => "95% Wilson score intervals for every share of posts".into(),
                        Some(n) => format!(
                            "95% Wilson score intervals for every share of posts; the charts show 95% bootstrap intervals from {n} resamples of whole conversations (seed {})",
                            args.seed
                        ),
                    },
                },
            },
        )?;
        outputs.push(OutputFile { path, rows: 0 });
    }
    for path in write_tables(&out_dir, &tables, &formats, Some(&overview))? {
        let rows = tables
            .iter()
            .find(|t| path.file_stem().is_some_and(|s| s == t.name))
            .map_or(0, |t| t.frame.height() as u64);
        outputs.push(OutputFile { path, rows });
    }

    let inputs = manifest_inputs(
        InputFile {
            path: posts_path,
            sha256: posts_sha256.finish()?,
            rows: stored,
        },
        args.schedule.as_deref().zip(schedule.as_ref()),
    )?;
    let manifest = Manifest {
        tool: "threadlens".into(),
        tool_version: env!("CARGO_PKG_VERSION").into(),
        scoring_spec: SCORING_SPEC.into(),
        formats_spec: threadlens_report::FORMATS_SPEC.into(),
        command: std::env::args().collect(),
        started_at: started_at.to_rfc3339_opts(SecondsFormat::Millis, true),
        finished_at: Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true),
        lexicon: Some(lexicon_file),
        inputs,
        rejects: store.rejects_count()?,
        include_reposts: args.include_reposts,
        posts_left_out: summary.left_out(),
        outputs: outputs
            .into_iter()
            .map(|o| OutputFile {
                path: staging.final_path(&o.path),
                rows: o.rows,
            })
            .collect(),
        period: Some(period.to_string()),
        timezone: Some(timezone.name().to_owned()),
        intervals: Some(threadlens_report::Intervals {
            method: "wilson".into(),
            level: 0.95,
            bootstrap: args
                .bootstrap
                .map(|resamples| threadlens_report::BootstrapRecord {
                    resamples,
                    seed: args.seed,
                    cluster: "conversation".into(),
                }),
        }),
        network: network_record,
    };
    let manifest_path = staging.final_path(&manifest.write(&out_dir)?);
    staging.publish()?;

    let what = schedule
        .as_ref()
        .map(|s| format!(", {} slots of {}", s.slots.len(), s.name))
        .unwrap_or_default();
    let written = Written {
        posts: summary.posts(),
        left_out: summary.left_out(),
        files: manifest.outputs.len() + 1,
    };
    say_written(out, &lexicon, &what, &written, &final_dir, &manifest_path)?;
    Ok(ExitCode::SUCCESS)
}

/// What a report wrote, for its closing lines.
pub(crate) struct Written {
    /// Posts scored.
    pub posts: u64,
    /// Reposts left out.
    pub left_out: u64,
    /// Files written, the manifest included.
    pub files: usize,
}

/// A report's closing lines: what it read, against what (`what` adds to
/// the first line), and where it wrote.
pub(crate) fn say_written(
    out: &mut dyn Write,
    lexicon: &threadlens_process::Lexicon,
    what: &str,
    written: &Written,
    final_dir: &std::path::Path,
    manifest_path: &std::path::Path,
) -> Result<()> {
    writeln!(
        out,
        "report on {} posts against {} themes of lexicon {} {}{what}{}",
        written.posts,
        lexicon.themes.len(),
        lexicon.name,
        lexicon.version,
        match written.left_out {
            0 => String::new(),
            n => format!(" ({} left out)", count(n, "repost")),
        }
    )?;
    writeln!(
        out,
        "  wrote {} files in {}",
        written.files,
        final_dir.display()
    )?;
    writeln!(out, "  {}", manifest_path.display())?;
    Ok(())
}

/// A manifest's inputs: the store's posts, and the schedule when there is
/// one (its rows are its slots).
pub(crate) fn manifest_inputs(
    posts: InputFile,
    schedule: Option<(&std::path::Path, &Schedule)>,
) -> Result<Vec<InputFile>> {
    let mut inputs = vec![posts];
    if let Some((path, s)) = schedule {
        inputs.push(InputFile {
            path: path.to_owned(),
            sha256: file_sha256(path)?,
            rows: s.slots.len() as u64,
        });
    }
    Ok(inputs)
}

/// A batch of stored posts as the report reads it: the summary's columns
/// only, or whole posts (those columns and the threads') when the network
/// or the audit needs them.
enum ReportBatch {
    Columns(Box<PostBatch>),
    Posts(Vec<Post>),
}

/// Batches of a report's posts, read on another thread.
type ReportBatches = Box<dyn Iterator<Item = threadlens_store::Result<ReportBatch>> + Send>;

impl ReportBatch {
    /// The store's posts in batches of [`BATCH_ROWS`]: whole posts when
    /// `posts`, columns otherwise.
    fn read(store: &PostStore, posts: bool) -> Result<ReportBatches> {
        Ok(if posts {
            let mut columns = threadlens_report::SUMMARY_COLUMNS.to_vec();
            columns.extend(threadlens_store::THREAD_COLUMNS);
            Box::new(
                store
                    .read_columns(BATCH_ROWS, &columns)?
                    .map(|b| b.map(ReportBatch::Posts)),
            )
        } else {
            Box::new(
                store
                    .read_post_batches(BATCH_ROWS)?
                    .map(|b| b.map(|batch| ReportBatch::Columns(Box::new(batch)))),
            )
        })
    }

    /// What the summary reads of every post, in order.
    fn summary_posts(&self) -> Vec<SummaryPost<'_>> {
        match self {
            ReportBatch::Columns(batch) => batch_posts(batch),
            ReportBatch::Posts(posts) => summary_posts(posts),
        }
    }

    /// The whole posts, when they were read.
    fn posts(&self) -> &[Post] {
        match self {
            ReportBatch::Columns(_) => &[],
            ReportBatch::Posts(posts) => posts,
        }
    }

    /// How many posts.
    fn len(&self) -> usize {
        match self {
            ReportBatch::Columns(batch) => batch.len(),
            ReportBatch::Posts(posts) => posts.len(),
        }
    }
}
