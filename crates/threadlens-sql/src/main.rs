//! `threadlens-sql`: the part of threadlens built on DataFusion and
//! Ballista, kept out of the `threadlens` binary so its first build stays
//! small. `threadlens sql …` and `threadlens cluster …` run it.

use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use threadlens_process::{LexiconFormat, ReadOptions};
use threadlens_sql::cluster::{ExecutorOptions, SchedulerOptions, run_executor, run_scheduler};
use threadlens_sql::report_counts::{CountOptions, write_report_counts};
use threadlens_sql::tables::data_tables;
use threadlens_sql::{
    Engine, OutputFormat, Query, ShippedLexicon, SqlError, TableSource, run_query, write_result,
};

#[derive(Debug, Parser)]
#[command(
    name = "threadlens",
    bin_name = "threadlens",
    version,
    about = "SQL over a threadlens store, here or on a Ballista cluster"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run one SQL query over a store, with threadlens's functions.
    #[command(after_help = SQL_HELP)]
    Sql(SqlArgs),
    /// Run a Ballista scheduler or executor that knows threadlens's functions.
    #[command(subcommand)]
    Cluster(ClusterCommand),
    /// The counts behind `threadlens report --engine`, as Parquet files (run by threadlens report).
    ReportCounts(ReportCountsArgs),
}

#[derive(Debug, Args)]
struct ReportCountsArgs {
    /// The data folder (posts.parquet or posts/): a path or s3://BUCKET/PATH.
    #[arg(long, value_name = "DIR")]
    data: String,
    /// The lexicon.
    #[arg(long, value_name = "FILE")]
    lexicon: PathBuf,
    /// The lexicon's format, when its content and extension do not tell.
    #[arg(long, value_name = "FORMAT")]
    lexicon_format: Option<LexiconFormat>,
    /// Leave out lexicon entries threadlens cannot express.
    #[arg(long)]
    skip_invalid: bool,
    /// hour, day or week.
    #[arg(long, default_value = "day")]
    period: threadlens_model::Period,
    /// The time zone periods are local to.
    #[arg(long, default_value = "UTC")]
    timezone: String,
    /// Score reposts too.
    #[arg(long)]
    include_reposts: bool,
    /// Rows of the top tables.
    #[arg(long, default_value_t = 50)]
    top: usize,
    /// Where the count files go.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Where the queries run (as for sql).
    #[arg(long, value_name = "ENGINE", default_value = "local")]
    engine: Engine,
}

const SQL_HELP: &str = "\
Tables:
  posts          the store's posts.parquet (or posts/, a folder `store export` wrote)
  <name>         every other NAME.parquet in the data folder, then in its report/
                 folder (post_scores, theme_summary, ... as `threadlens report` wrote them)
  --table N=P    any Parquet file or folder

Functions (text-processing.md; text may be Utf8, LargeUtf8 or Utf8View):
  tl_score(text)      struct {word_count, emoji_count, <theme>_hits per theme}
  tl_themes(text)     list of the theme ids the text hits (needs --lexicon)
  tl_normalize(text)  the text after §3 (NFKC, invisible characters, apostrophes)
  tl_tokens(text)     the forms of its units (§5-6), the words word_count counts

Examples:
  threadlens sql --data data/day \"SELECT kind, count(*) AS posts FROM posts GROUP BY kind ORDER BY posts DESC\"
  threadlens sql --data data/day --lexicon three-cs.toml \\
    \"SELECT tl_score(text)['candour_hits'] AS hits, count(*) FROM posts GROUP BY 1 ORDER BY 1\"
  threadlens sql --data data/day --format parquet --out themes.parquet --file themes.sql
  threadlens sql --engine ballista://scheduler:50050 --data /shared/archive \"SELECT count(*) FROM posts\"";

#[derive(Debug, Args)]
struct SqlArgs {
    /// The query (or give --file).
    query: Option<String>,
    /// Read the query from this file.
    #[arg(long, value_name = "FILE", conflicts_with = "query")]
    file: Option<PathBuf>,
    /// The data folder (a path or s3://BUCKET/PATH): `posts` and every other Parquet file in it and in its report/ folder become tables.
    #[arg(long, value_name = "DIR")]
    data: Option<String>,
    /// Another table: NAME=PATH (a Parquet file or folder). Repeatable.
    #[arg(long = "table", value_name = "NAME=PATH")]
    tables: Vec<TableSource>,
    /// The lexicon tl_score and tl_themes score against (any format `threadlens lexicon` reads).
    #[arg(long, value_name = "FILE")]
    lexicon: Option<PathBuf>,
    /// The lexicon's format, when its content and extension do not tell.
    #[arg(long, value_name = "FORMAT")]
    lexicon_format: Option<LexiconFormat>,
    /// Leave out lexicon entries threadlens cannot express instead of refusing the file.
    #[arg(long)]
    skip_invalid: bool,
    /// table, csv, jsonl or parquet [default: table on a terminal, else csv].
    #[arg(long, value_name = "FORMAT")]
    format: Option<OutputFormat>,
    /// Write the result here instead of standard output (needed for parquet on a terminal).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Where the query runs: local (DataFusion here), ballista-standalone (a Ballista
    /// scheduler and executor in this process) or ballista://HOST:PORT (a cluster).
    #[arg(long, value_name = "ENGINE", default_value = "local")]
    engine: Engine,
}

#[derive(Debug, Subcommand)]
enum ClusterCommand {
    /// Run a scheduler: clients send it queries, it hands executors their tasks.
    Scheduler {
        /// Address to listen on.
        #[arg(long, value_name = "ADDR", default_value = "0.0.0.0:50050")]
        bind: SocketAddr,
        /// The host name executors and clients reach this scheduler by.
        #[arg(long, value_name = "HOST", default_value = "localhost")]
        external_host: String,
    },
    /// Run an executor: it registers with the scheduler and runs its tasks.
    Executor {
        /// The scheduler: HOST:PORT, or ballista://HOST:PORT.
        #[arg(long, value_name = "URL")]
        scheduler: String,
        /// Address to bind its services to.
        #[arg(long, value_name = "HOST", default_value = "0.0.0.0")]
        bind: String,
        /// The host name other nodes reach this executor by (for shuffle data).
        #[arg(long, value_name = "HOST")]
        external_host: Option<String>,
        /// Port of its Arrow Flight service, which serves shuffle data.
        #[arg(long, default_value_t = 50051)]
        port: u16,
        /// Port of its gRPC service, which receives tasks.
        #[arg(long, default_value_t = 50052)]
        grpc_port: u16,
        /// Tasks it runs at once [default: the machine's cores].
        #[arg(long)]
        slots: Option<usize>,
        /// Where it keeps shuffle files [default: a temporary folder].
        #[arg(long, value_name = "DIR")]
        work_dir: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let default_level = match cli.command {
        Command::Cluster(_) => "info,ballista_scheduler::state::task_manager=warn",
        Command::Sql(_) | Command::ReportCounts(_) => "warn",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("THREADLENS_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            report(&anyhow::anyhow!("starting the async runtime: {e}"));
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            report(&e);
            // As `threadlens`: 2 for what was wrong before any work (a
            // missing folder or table, a refused lexicon), 1 otherwise.
            let usage = e.chain().any(|cause| {
                cause
                    .downcast_ref::<SqlError>()
                    .is_some_and(SqlError::is_usage)
            });
            ExitCode::from(if usage { 2 } else { 1 })
        }
    }
}

/// The error, then each cause its message does not already say, on
/// stderr: the program's one message to its user that is not a log line
/// (the library crate prints nothing; it returns `SqlError`s).
fn report(e: &anyhow::Error) {
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "error: {e}");
    let mut said = e.to_string();
    for cause in e.chain().skip(1) {
        let text = cause.to_string();
        if !said.contains(&text) {
            let _ = writeln!(stderr, "  caused by: {text}");
        }
        said = text;
    }
}

async fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Sql(args) => sql(args).await,
        Command::ReportCounts(args) => report_counts(args).await,
        Command::Cluster(ClusterCommand::Scheduler {
            bind,
            external_host,
        }) => Ok(run_scheduler(SchedulerOptions {
            bind,
            external_host,
        })
        .await?),
        Command::Cluster(ClusterCommand::Executor {
            scheduler,
            bind,
            external_host,
            port,
            grpc_port,
            slots,
            work_dir,
        }) => {
            let address = scheduler.strip_prefix("ballista://").unwrap_or(&scheduler);
            let (host, port_text) = address
                .rsplit_once(':')
                .with_context(|| format!("--scheduler `{scheduler}`: expected HOST:PORT"))?;
            let scheduler_port = port_text.parse().with_context(|| {
                format!("--scheduler `{scheduler}`: `{port_text}` is not a port")
            })?;
            let slots = slots
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
            Ok(run_executor(ExecutorOptions {
                scheduler_host: host.to_owned(),
                scheduler_port,
                bind_host: bind,
                external_host,
                port,
                grpc_port,
                slots,
                work_dir,
            })
            .await?)
        }
    }
}

async fn report_counts(args: ReportCountsArgs) -> anyhow::Result<()> {
    let lexicon = Arc::new(ShippedLexicon::read(
        &args.lexicon,
        ReadOptions {
            format: args.lexicon_format,
            skip_invalid: args.skip_invalid,
        },
    )?);
    let ctx = threadlens_sql::session(&args.engine, Some(lexicon.clone())).await?;
    for table in data_tables(&ctx, &args.data)
        .await?
        .iter()
        .filter(|t| t.name == "posts")
    {
        threadlens_sql::tables::register(&ctx, table).await?;
    }
    let options = CountOptions {
        period: args.period,
        timezone: args.timezone,
        include_reposts: args.include_reposts,
        top: args.top,
    };
    write_report_counts(&ctx, lexicon.lexicon(), &options, &args.out).await?;
    Ok(())
}

async fn sql(args: SqlArgs) -> anyhow::Result<()> {
    let sql = match (&args.query, &args.file) {
        (Some(query), _) => query.clone(),
        (None, Some(file)) => std::fs::read_to_string(file)
            .with_context(|| format!("reading the query from {}", file.display()))?,
        (None, None) => bail!("no query: give one as an argument or with --file FILE"),
    };
    let lexicon = match &args.lexicon {
        Some(path) => Some(Arc::new(ShippedLexicon::read(
            path,
            ReadOptions {
                format: args.lexicon_format,
                skip_invalid: args.skip_invalid,
            },
        )?)),
        None => None,
    };
    let stdout_is_terminal = std::io::stdout().is_terminal();
    let format = args
        .format
        .unwrap_or(if stdout_is_terminal && args.out.is_none() {
            OutputFormat::Table
        } else {
            OutputFormat::Csv
        });
    if format == OutputFormat::Parquet && args.out.is_none() && stdout_is_terminal {
        bail!("--format parquet writes binary: give --out FILE (or redirect standard output)");
    }
    let query = Query {
        sql,
        engine: args.engine,
        data: args.data,
        tables: args.tables,
        lexicon,
    };
    let (schema, batches) = run_query(&query).await?;
    match &args.out {
        Some(path) => {
            let partial = path.with_extension("partial");
            let mut file = std::io::BufWriter::new(
                std::fs::File::create(&partial)
                    .with_context(|| format!("creating {}", partial.display()))?,
            );
            write_result(&batches, &schema, format, &mut file)?;
            file.flush()
                .with_context(|| format!("writing {}", partial.display()))?;
            drop(file);
            std::fs::rename(&partial, path)
                .with_context(|| format!("writing {}", path.display()))?;
        }
        None => {
            let mut stdout = std::io::BufWriter::new(std::io::stdout());
            write_result(&batches, &schema, format, &mut stdout)?;
            stdout.flush().context("writing the result")?;
        }
    }
    Ok(())
}
