//! The command line as clap reads it: every command, option and help text.
//! Long help texts live in `help.rs`; closed sets of values in `values.rs`.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::help;
use crate::values::{
    EdgeKindArg, Endpoint, GraphFormatArg, InputFormat, KwicFormat, LexiconFormatArg, LogFormat,
    PeriodArg, SynthFormat, TableFormat,
};

/// Collect social-media conversations, score them against themes, and
/// write the tables analysts and researchers use.
#[derive(Debug, Parser)]
#[command(name = "threadlens", version, propagate_version = true)]
#[command(after_help = help::top())]
pub(crate) struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Global options")]
pub(crate) struct GlobalArgs {
    /// More log output on stderr (-v info, -vv debug, -vvv trace).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// Only errors on stderr, and no progress bars.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// How log lines on stderr are written.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text, value_name = "FORMAT")]
    pub log_format: LogFormat,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run the whole job on a bundled synthetic takeover day and print what it found.
    Demo(DemoArgs),
    /// Run a job file: collect, import, score and report, safe to run from cron.
    Run(RunArgs),
    /// Collect posts live from X, Mastodon and Bluesky into a store.
    Collect(CollectArgs),
    /// Import posts from files into a store (DIR/posts.parquet).
    Import(ImportArgs),
    /// Score every stored post against a lexicon's themes (the post_scores table).
    Score(ScoreArgs),
    /// Write the summary tables (themes, periods, slots, contributors, ...) and post_scores.
    Report(ReportArgs),
    /// Show each match of a lexicon in the stored posts, in context.
    Kwic(KwicArgs),
    /// Who talks to whom: accounts, their reply, mention, quote and repost edges, measures and communities.
    Network(NetworkArgs),
    /// Check a store: its table readable, every column right, rows in order, no post twice.
    #[command(subcommand)]
    Store(StoreCommand),
    /// Check a lexicon, or see how it reads a text.
    #[command(subcommand)]
    Lexicon(LexiconCommand),
    /// Validate a lexicon by hand coding: draw a sample, then score the coded file.
    #[command(subcommand)]
    Validate(ValidateCommand),
    /// Write a synthetic collection around a takeover day, in a platform's own format.
    Synth(SynthArgs),
    /// Write a Jupyter notebook that loads a report's tables and plots them.
    ExportNotebook(ExportNotebookArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(CompletionsArgs),
    /// Write the manual pages (roff), one per command.
    Man(ManArgs),
    /// SQL over a store with threadlens's functions, here or on a cluster (runs threadlens-sql).
    Sql(ExternalArgs),
    /// Run a Ballista scheduler or executor that knows threadlens's functions (runs threadlens-sql).
    Cluster(ExternalArgs),
}

/// `threadlens sql` and `threadlens cluster`: everything after the command
/// goes to the `threadlens-sql` program, which has their options and help
/// (`threadlens sql --help`). It is built apart (`cargo build -p
/// threadlens-sql`) so the first build of threadlens stays small.
#[derive(Debug, Args)]
#[command(disable_help_flag = true)]
pub(crate) struct ExternalArgs {
    /// Arguments for `threadlens-sql sql` or `threadlens-sql cluster` (try --help).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, num_args = 0.., value_name = "ARGS")]
    pub args: Vec<std::ffi::OsString>,
}

/// `threadlens run`.
#[derive(Debug, Args)]
#[command(after_long_help = help::run())]
pub(crate) struct RunArgs {
    /// The job file (docs/spec/formats.md §6).
    #[arg(value_name = "JOB.toml")]
    pub job: PathBuf,
    /// Only check the job file (and that its secrets are set); run nothing.
    #[arg(long)]
    pub check: bool,
}

/// `threadlens collect`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = false, after_long_help = help::collect())]
pub(crate) struct CollectArgs {
    /// A collect config: `[[source]]` tables as in a job file (docs/spec/formats.md §6).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The store folder: posts.parquet, raw/ and checkpoints/ (created if missing).
    #[arg(long, value_name = "DIR", global = true)]
    pub data: Option<PathBuf>,
    /// Send requests to this server instead (a proxy, a compatible instance, a test server).
    #[arg(long, value_name = "URL", global = true)]
    pub base_url: Option<String>,
    /// Stop each source after this many pages.
    #[arg(long, value_name = "N", global = true)]
    pub max_pages: Option<u64>,
    /// Stop each source after this many posts.
    #[arg(long, value_name = "N", global = true)]
    pub max_posts: Option<u64>,
    /// The longest rate-limit wait, in seconds; a later reset stops the source (exit code 3).
    #[arg(long, value_name = "SECS", default_value_t = 900, global = true)]
    pub max_wait: u64,
    /// Per-request timeout, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 30, global = true)]
    pub timeout: u64,
    /// Attempts per request on timeouts, dropped connections, 5xx answers and
    /// cut-short bodies; then the source stops (exit code 3) and the next run
    /// resumes it.
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..), global = true)]
    pub retries: u32,
    /// The wait before the first retry, in seconds (fractions allowed); each
    /// further retry doubles it, up to 60 s, with jitter.
    #[arg(long, value_name = "SECS", default_value = "1", value_parser = crate::values::seconds, global = true)]
    pub backoff: Duration,
    /// Sources collected at once.
    #[arg(long, value_name = "N", default_value_t = 4, global = true)]
    pub concurrency: usize,
    /// Print the first request of each query instead of sending anything.
    #[arg(long, global = true)]
    pub dry_run: bool,
    /// Only archive; do not import into posts.parquet.
    #[arg(long, global = true)]
    pub no_import: bool,
    /// One source given on the command line instead of --config.
    #[command(subcommand)]
    pub quick: Option<QuickSource>,
}

/// A source given on the command line.
#[derive(Debug, Subcommand)]
pub(crate) enum QuickSource {
    /// X API v2 search (bearer token in X_BEARER_TOKEN).
    X {
        /// The search query, in X's syntax.
        #[arg(long)]
        query: String,
        /// Which search endpoint.
        #[arg(long, value_enum, default_value = "recent")]
        endpoint: Endpoint,
        /// Do not pull whole conversations.
        #[arg(long)]
        no_threads: bool,
    },
    /// Mastodon hashtag timelines (token in MASTODON_TOKEN, optional).
    Mastodon {
        /// An instance URL (repeat for several).
        #[arg(long = "instance", required = true, value_name = "URL")]
        instances: Vec<String>,
        /// A hashtag, without # (repeat for variants, fetched with any[]).
        #[arg(long = "hashtag", required = true, value_name = "TAG")]
        hashtags: Vec<String>,
        /// Do not fetch each status's context.
        #[arg(long)]
        no_threads: bool,
    },
    /// Bluesky post search (BLUESKY_HANDLE and BLUESKY_APP_PASSWORD).
    Bluesky {
        /// The search query.
        #[arg(long)]
        query: String,
        /// Only posts at or after this time (RFC 3339).
        #[arg(long)]
        since: Option<String>,
        /// Only posts before this time (RFC 3339).
        #[arg(long)]
        until: Option<String>,
        /// Split since..until into windows of this many days.
        #[arg(long)]
        slice_days: Option<u32>,
        /// Do not fetch threads.
        #[arg(long)]
        no_threads: bool,
    },
}

/// `threadlens export-notebook`.
#[derive(Debug, Args)]
#[command(after_long_help = help::export_notebook())]
pub(crate) struct ExportNotebookArgs {
    /// The report folder (written by `threadlens report` or `threadlens demo`).
    #[arg(long, value_name = "DIR")]
    pub report: PathBuf,
    /// The notebook to write (.ipynb).
    #[arg(long, short, value_name = "FILE")]
    pub out: PathBuf,
}

/// `threadlens demo`.
#[derive(Debug, Args)]
#[command(after_long_help = help::demo())]
pub(crate) struct DemoArgs {
    /// Where to write the store and the report (replaced if it holds an earlier demo).
    #[arg(long, short, default_value = "threadlens-demo", value_name = "DIR")]
    pub out: PathBuf,
}

/// `threadlens synth`.
#[derive(Debug, Args)]
#[command(after_long_help = help::synth())]
pub(crate) struct SynthArgs {
    /// Random seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// How many posts (reposts included).
    #[arg(long, default_value_t = 5000)]
    pub posts: u64,
    /// Output format.
    #[arg(long, short, value_enum, value_name = "FORMAT")]
    pub format: SynthFormat,
    /// A takeover schedule (docs/spec/formats.md §4) to build the day around
    /// [default: eight one-hour slots from 08:00 UTC on 28 June 2022].
    #[arg(long, value_name = "FILE")]
    pub schedule: Option<PathBuf>,
    /// The file to write.
    #[arg(long, short, value_name = "FILE")]
    pub out: PathBuf,
}

/// The two formats `score` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ScoreFormat {
    /// post_scores.csv: UTF-8, ids as text, cells guarded against formulas.
    Csv,
    /// post_scores.parquet: typed columns (counts u32, scores f64).
    Parquet,
}

impl From<ScoreFormat> for threadlens_report::TableFormat {
    fn from(format: ScoreFormat) -> Self {
        match format {
            ScoreFormat::Csv => threadlens_report::TableFormat::Csv,
            ScoreFormat::Parquet => threadlens_report::TableFormat::Parquet,
        }
    }
}

/// `threadlens score`.
#[derive(Debug, Args)]
#[command(after_long_help = help::score())]
pub(crate) struct ScoreArgs {
    /// The store to score: the folder holding posts.parquet (see `threadlens import`).
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    #[command(flatten)]
    pub lexicon: LexiconArgs,
    /// Where to write the table and manifest.json [default: DIR/scores].
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Formats to write, comma-separated.
    #[arg(
        long,
        short,
        value_enum,
        value_delimiter = ',',
        default_value = "csv,parquet",
        value_name = "LIST"
    )]
    pub format: Vec<ScoreFormat>,
    /// Score reposts too.
    #[arg(long)]
    pub include_reposts: bool,
}

/// `threadlens report`.
#[derive(Debug, Args)]
#[command(after_long_help = help::report())]
pub(crate) struct ReportArgs {
    /// The store: the folder holding posts.parquet (see `threadlens import`).
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    #[command(flatten)]
    pub lexicon: LexiconArgs,
    /// A takeover schedule (TOML, docs/spec/formats.md §4): adds theme_by_slot and takeover_engagement.
    #[arg(long, value_name = "FILE")]
    pub schedule: Option<PathBuf>,
    /// Where to write [default: DIR/report].
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Formats, comma-separated.
    #[arg(
        long,
        short,
        value_enum,
        value_delimiter = ',',
        default_value = "csv,parquet,html,md",
        value_name = "LIST"
    )]
    pub format: Vec<TableFormat>,
    /// Length of theme_by_period's periods.
    #[arg(long, value_enum, default_value = "day", value_name = "PERIOD")]
    pub period: PeriodArg,
    /// Timezone (IANA name) periods are cut in [default: the schedule's, else UTC].
    #[arg(long, value_name = "TZ")]
    pub timezone: Option<String>,
    /// Rows in the top_* tables (per theme in top_terms).
    #[arg(long, default_value_t = 50, value_name = "N")]
    pub top: usize,
    /// Score reposts too.
    #[arg(long)]
    pub include_reposts: bool,
    /// Add the lexicon audit: its tables, and a section of the HTML page
    /// (see `threadlens lexicon audit`).
    #[arg(long)]
    pub audit: bool,
    /// Add the conversation network (see `threadlens network`): the tables
    /// network_accounts and network_communities, and a section of the HTML
    /// page with the bridges and a drawing of the network.
    #[arg(long)]
    pub network: bool,
    /// Add conversation-clustered bootstrap intervals to every share, from
    /// this many resamples (e.g. 1000): `..._boot_low`, `..._boot_high`.
    #[arg(long, value_name = "N")]
    pub bootstrap: Option<u32>,
    /// The bootstrap's seed: the same seed gives the same intervals.
    #[arg(long, default_value_t = 1, value_name = "S")]
    pub seed: u64,
    /// Add a hand-coding validation (the folder `threadlens validate score`
    /// wrote): its table, and a section of the HTML page.
    #[arg(long, value_name = "DIR")]
    pub validation: Option<PathBuf>,
    /// Compute the tables with an SQL engine (the threadlens-sql program):
    /// local (DataFusion here), ballista-standalone, or ballista://HOST:PORT
    /// (a cluster, which must read DIR at the same path). Writes
    /// theme_summary, theme_by_period, top_contributors, top_hashtags,
    /// top_terms and theme_cooccurrence (csv, parquet, json, md); DIR may
    /// hold posts.parquet or a posts/ folder (`threadlens store export`).
    #[arg(long, value_name = "ENGINE")]
    pub engine: Option<String>,
}

/// `threadlens network`.
#[derive(Debug, Args)]
#[command(after_long_help = help::network())]
pub(crate) struct NetworkArgs {
    /// The store: the folder holding posts.parquet.
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// Where to write the files [default: DIR/network].
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Kinds of edge to keep, comma-separated.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "reply,mention,quote,repost",
        value_name = "LIST"
    )]
    pub edges: Vec<EdgeKindArg>,
    /// Only posts at or after this time (RFC 3339, e.g. 2022-06-28T08:00:00Z).
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Only posts before this time (RFC 3339).
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// Score the posts with this lexicon (any format `report --lexicon`
    /// reads): hits per theme for every account and community.
    #[arg(long, value_name = "FILE")]
    pub lexicon: Option<PathBuf>,
    /// A takeover schedule: marks hosts, adds each account's first slot and
    /// the table network_slots (one network per slot).
    #[arg(long, value_name = "FILE")]
    pub schedule: Option<PathBuf>,
    /// Only the network of this slot of the schedule (its posts as §4
    /// attributes them).
    #[arg(long, value_name = "ID", requires = "schedule")]
    pub slot: Option<String>,
    /// Seeds Louvain's visiting order and betweenness's sample: the same
    /// seed gives the same communities.
    #[arg(long, default_value_t = 1, value_name = "S")]
    pub seed: u64,
    /// Betweenness is exact up to this many accounts, and estimated from
    /// 1,000 sampled sources above.
    #[arg(long, default_value_t = threadlens_network::EXACT_MAX_NODES, value_name = "N")]
    pub betweenness_exact_max: usize,
    /// Files to write, comma-separated.
    #[arg(
        long,
        short,
        value_enum,
        value_delimiter = ',',
        default_value = "csv,graphml,gexf",
        value_name = "LIST"
    )]
    pub format: Vec<GraphFormatArg>,
}

/// `threadlens kwic`.
#[derive(Debug, Args)]
#[command(after_long_help = help::kwic())]
pub(crate) struct KwicArgs {
    /// The store: the folder holding posts.parquet.
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    #[command(flatten)]
    pub lexicon: LexiconArgs,
    /// Only this theme (its id); repeat for several.
    #[arg(long, value_name = "THEME")]
    pub theme: Vec<String>,
    /// Only this entry, as written in the lexicon; repeat for several.
    #[arg(long, value_name = "ENTRY")]
    pub entry: Vec<String>,
    /// Characters of context on each side.
    #[arg(long, short, default_value_t = 40, value_name = "N")]
    pub window: usize,
    /// Stop after this many lines.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Output format.
    #[arg(
        long,
        short,
        value_enum,
        default_value = "table",
        value_name = "FORMAT"
    )]
    pub format: KwicFormat,
    /// Look in reposts too.
    #[arg(long)]
    pub include_reposts: bool,
}

/// `threadlens store ...`.
#[derive(Debug, Subcommand)]
pub(crate) enum StoreCommand {
    /// Read the whole store and say whether posts.parquet is sound (exit 0) or what is wrong (exit 1).
    #[command(after_long_help = help::store_verify())]
    Verify {
        /// The store: the folder holding posts.parquet.
        #[arg(long, value_name = "DIR")]
        data: PathBuf,
    },
    /// Write the store as a folder of Parquet files by month or day
    /// (OUT/posts/month=2022-06/part-00000.parquet), which `threadlens sql`,
    /// `report --engine`, a Ballista cluster, DuckDB, pyarrow and polars
    /// read as one dataset.
    Export {
        /// The store: the folder holding posts.parquet.
        #[arg(long, value_name = "DIR")]
        data: PathBuf,
        /// One folder per month or per day of created_at (UTC).
        #[arg(long, value_name = "PART", value_parser = ["month", "day"])]
        partition_by: String,
        /// Where OUT/posts goes (an earlier export there is replaced whole).
        #[arg(long, value_name = "OUT")]
        out: PathBuf,
    },
}

/// `threadlens lexicon ...`.
#[derive(Debug, Subcommand)]
pub(crate) enum LexiconCommand {
    /// Validate a lexicon and show each theme's entries as compiled (stems, prefixes, tags).
    #[command(after_long_help = help::lexicon_check())]
    Check {
        /// The lexicon (any format `--lexicon` reads).
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Its format, when its content and extension do not tell.
        #[arg(long, value_enum, value_name = "FORMAT")]
        format: Option<LexiconFormatArg>,
        /// Leave out entries threadlens cannot express, listing them.
        #[arg(long)]
        skip_invalid: bool,
    },
    /// Show the units of a text and every match, per theme, with its span.
    #[command(after_long_help = help::lexicon_explain())]
    Explain {
        /// The lexicon (any format `--lexicon` reads).
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// The text to analyse, as a post's text.
        #[arg(value_name = "TEXT")]
        text: String,
    },
    /// What each entry of a lexicon catches in a store, and what it misses.
    Audit(AuditArgs),
    /// Convert a lexicon to another tool's dictionary format, or one of theirs to TOML.
    #[command(after_long_help = help::lexicon_convert())]
    Convert {
        /// The lexicon to convert (any format `--lexicon` reads).
        #[arg(value_name = "IN")]
        input: PathBuf,
        /// The format to write.
        #[arg(long, value_enum, value_name = "FORMAT")]
        to: LexiconFormatArg,
        /// The file to write.
        #[arg(long, short, value_name = "FILE")]
        out: PathBuf,
        /// The input's format, when its content and extension do not tell.
        #[arg(long, value_enum, value_name = "FORMAT")]
        from: Option<LexiconFormatArg>,
        /// Leave out (and list) entries either format cannot express,
        /// instead of refusing.
        #[arg(long)]
        skip_invalid: bool,
    },
}

/// `threadlens validate ...`.
#[derive(Debug, Subcommand)]
pub(crate) enum ValidateCommand {
    /// Draw a stratified random sample of posts per theme, to code by hand.
    Sample(ValidateSampleArgs),
    /// Read a coded sample back: precision, recall and F1 with intervals.
    Score(ValidateScoreArgs),
}

/// `threadlens validate sample`.
#[derive(Debug, Args)]
#[command(after_long_help = help::validate_sample())]
pub(crate) struct ValidateSampleArgs {
    /// The store: the folder holding posts.parquet.
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    #[command(flatten)]
    pub lexicon: LexiconArgs,
    /// Posts with a hit drawn per theme (for precision).
    #[arg(long, value_name = "N")]
    pub per_theme: usize,
    /// Posts without a hit drawn per theme (for recall).
    #[arg(long, default_value_t = 0, value_name = "M")]
    pub negatives: usize,
    /// The seed: the same seed and store give the same file.
    #[arg(long, default_value_t = 1, value_name = "S")]
    pub seed: u64,
    /// The file to write: .xlsx (with a drop-down to code) or .csv; the
    /// design is written beside it as .json.
    #[arg(long, short, value_name = "FILE")]
    pub out: PathBuf,
    /// Show the normalised text with the matches marked (the coder then
    /// knows which rows are hits).
    #[arg(long)]
    pub show_matches: bool,
    /// Draw from reposts too.
    #[arg(long)]
    pub include_reposts: bool,
}

/// `threadlens validate score`.
#[derive(Debug, Args)]
#[command(after_long_help = help::validate_score())]
pub(crate) struct ValidateScoreArgs {
    /// The coded sample (.xlsx or .csv), its design (.json) beside it.
    #[arg(long, value_name = "FILE")]
    pub sample: PathBuf,
    /// The same sample coded by a second person: adds Cohen's kappa and
    /// percent agreement.
    #[arg(long, value_name = "FILE")]
    pub second_coder: Option<PathBuf>,
    /// Where to write validation.csv, validation_entries.csv (and .parquet)
    /// and validation.md.
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,
}

/// `threadlens lexicon audit`.
#[derive(Debug, Args)]
#[command(after_long_help = help::lexicon_audit())]
pub(crate) struct AuditArgs {
    /// The store: the folder holding posts.parquet.
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    #[command(flatten)]
    pub lexicon: LexiconArgs,
    /// Where to write the tables and audit.md [default: DIR/audit].
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Near misses: only forms seen at least this many times.
    #[arg(long, default_value_t = 2, value_name = "N")]
    pub min_occurrences: u64,
    /// Near misses: at most this many, most frequent first.
    #[arg(long, default_value_t = 100, value_name = "N")]
    pub near_misses: usize,
    /// Forms shown per entry in the summary (the table has them all).
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub forms: usize,
    /// Audit reposts too.
    #[arg(long)]
    pub include_reposts: bool,
}

/// The lexicon a command scores with.
#[derive(Debug, Clone, Args)]
pub(crate) struct LexiconArgs {
    /// The lexicon: threadlens TOML, or a LIWC (.dic, .dicx), quanteda
    /// (.yml), Lexicoder (.lc3), WordStat (.cat) or Yoshikoder (.ykd)
    /// dictionary, told by its content and extension.
    #[arg(id = "lexicon", long = "lexicon", value_name = "FILE")]
    pub path: PathBuf,
    /// The lexicon's format, when its content and extension do not tell.
    #[arg(
        id = "lexicon_format",
        long = "lexicon-format",
        value_enum,
        value_name = "FORMAT"
    )]
    pub format: Option<LexiconFormatArg>,
    /// Leave out the lexicon's entries that threadlens cannot express
    /// (listed on stderr and in the manifest) instead of refusing it.
    #[arg(long)]
    pub skip_invalid: bool,
}

/// `threadlens import`.
#[derive(Debug, Args)]
#[command(after_long_help = help::import())]
pub(crate) struct ImportArgs {
    /// The store folder (created if missing).
    #[arg(long, visible_alias = "out", short_alias = 'o', value_name = "DIR")]
    pub data: PathBuf,
    /// Input format.
    #[arg(long, short, value_enum, default_value = "auto", value_name = "FORMAT")]
    pub format: InputFormat,
    /// CSV column map: FIELD=COLUMN,... (fields: id, text, created_at, author,
    /// and any other posts.parquet column).
    #[arg(long, value_name = "MAP")]
    pub map: Option<String>,
    /// Value of the `source` column (default: each file's path).
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,
    /// Mastodon: the instance the statuses were fetched from (e.g. mastodon.social).
    #[arg(long, value_name = "HOST")]
    pub instance: Option<String>,
    /// The longest line of a JSONL file read, in MB; a longer one is
    /// rejected and skipped without being held in memory.
    #[arg(long, value_name = "MB", default_value_t = threadlens_ingest::MAX_RECORD_BYTES >> 20)]
    pub max_record_mb: u64,
    /// The largest whole-JSON file (a page, an archive's tweets.js) read
    /// into memory, decompressed, in MB; a larger one is refused.
    #[arg(long, value_name = "MB", default_value_t = threadlens_ingest::MAX_DOCUMENT_BYTES >> 20)]
    pub max_document_mb: u64,
    /// Encoded posts held in memory, in MB; past this, posts wait in an
    /// unnamed temporary file in the store folder until the table is
    /// written, and about 100 bytes a post stay in memory.
    #[arg(long, value_name = "MB", default_value_t = crate::import::HELD_POSTS_MB)]
    pub held_posts_mb: u64,
    /// Files to import; a folder means every file in it (e.g. DIR/raw, the archive `collect` writes).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

/// `threadlens completions`.
#[derive(Debug, Args)]
#[command(after_long_help = help::completions())]
pub(crate) struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `threadlens man`.
#[derive(Debug, Args)]
#[command(after_long_help = help::man())]
pub(crate) struct ManArgs {
    /// Write threadlens.1 and threadlens-COMMAND.1 into this folder
    /// [default: print threadlens.1 on stdout].
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,
}
