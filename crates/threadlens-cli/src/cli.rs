use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Collect social-media conversations, score them against themes, and
/// write the tables analysts and researchers use.
#[derive(Debug, Parser)]
#[command(name = "threadlens", version, about, long_about = None, propagate_version = true)]
#[command(after_help = "\
Examples:
  threadlens demo
  threadlens import --out data/solvingtogether tweets.jsonl
  threadlens import --format mastodon --instance mastodon.social --out data/st statuses.json
  threadlens score --data data/st --lexicon datasets/lexicons/three-cs.toml
  threadlens kwic --data data/st --lexicon datasets/lexicons/three-cs.toml --theme candour
  threadlens lexicon explain my-lexicon.toml \"Co-production and #LivedExperience\"
  threadlens help import

Exit codes: 0 ok, 1 failure while running, 2 usage or configuration error.")]
pub(crate) struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Clone, Args)]
pub(crate) struct GlobalArgs {
    /// More log output on stderr (-v info, -vv debug, -vvv trace).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// Only errors on stderr, and no progress bars.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Log lines as text, or as JSON objects (one per line: timestamp,
    /// level, stage, message and fields) for schedulers.
    #[arg(long, global = true, default_value = "text", value_parser = ["text", "json"], value_name = "FORMAT")]
    pub log_format: String,
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
    /// Check a lexicon, or see how it reads a text.
    #[command(subcommand)]
    Lexicon(LexiconCommand),
    /// Write a synthetic collection around a takeover day, in a platform's own format.
    Synth(SynthArgs),
    /// Write a Jupyter notebook that loads a report's tables and plots them.
    ExportNotebook(ExportNotebookArgs),
}

/// `threadlens run`.
#[derive(Debug, Args)]
#[command(after_long_help = "\
The job file (formats.md §6) names the store, the sources (live and files),
the lexicon, the schedule and the report. It is checked completely before
anything runs; relative paths are read from the job file's folder.

A run takes the job's lock (DATA_DIR/<job>.lock), collects what is new
(incremental, from the checkpoints), imports it, then scores and reports into
a temporary folder that is renamed into place (out_dir, {date} = the run's
UTC date); `latest` beside it is updated only after a complete success, and
only the newest `keep` report folders are kept. Kill it at any moment: the
next run resumes and the store ends with no post missing or doubled.

Exit codes:
  0  success
  1  runtime failure (the store or a report could not be written, ...)
  2  bad job file, lexicon, schedule or missing secret (nothing ran)
  3  completed with warnings: rejects, incomplete threads, a source
     stopped (rate limit, retries exhausted), a file source matched nothing
  4  another run of this job holds the lock (this one did nothing)

Examples:
  threadlens run --check jobs/nightly.toml
  threadlens run jobs/nightly.toml
  threadlens run -q --log-format json jobs/nightly.toml   # for cron / systemd")]
pub(crate) struct RunArgs {
    /// The job file.
    #[arg(value_name = "JOB.toml")]
    pub job: PathBuf,
    /// Only check the job file (and that its secrets are set); run nothing.
    #[arg(long)]
    pub check: bool,
}

/// `threadlens collect`.
#[derive(Debug, Args)]
#[command(
    args_conflicts_with_subcommands = false,
    after_long_help = "\
Every response page is appended to DIR/raw/<source>/<date>.jsonl (the body
as received, the request without secrets, status and time) and synced
before the source's checkpoint in DIR/checkpoints/ moves past it. Kill the
run at any moment and run it again: it resumes where it stopped, and the
store ends with exactly the posts of an uninterrupted run. New pages are
imported into DIR/posts.parquet at the end (or any time later with
`threadlens import --out DIR DIR/raw`), and DIR/coverage.csv says, per post
with replies, how many of them were collected.

Secrets come only from the environment: X_BEARER_TOKEN, MASTODON_TOKEN
(optional), BLUESKY_HANDLE and BLUESKY_APP_PASSWORD (a config may name other
variables with token_env, handle_env, password_env). They never appear in
logs, the raw archive or error messages, and are never sent over plain HTTP
except to a loopback address.

Examples:
  threadlens collect --config collect.toml --data data/st
  threadlens collect --data data/st x --query \"#SolvingTogether -is:retweet\"
  threadlens collect --data data/st mastodon --instance https://mastodon.social --hashtag SolvingTogether
  threadlens collect --data data/st bluesky --query \"#SolvingTogether\"
  threadlens collect --data data/st --dry-run x --query \"#SolvingTogether\"

Exit codes: 0 every source finished; 1 no source finished; 2 bad
configuration or a missing secret (nothing was sent); 3 some sources
stopped early (rate limit beyond --max-wait, retries exhausted, usage cap):
run again to resume."
)]
pub(crate) struct CollectArgs {
    /// A collect config: `[[source]]` tables as in a job file (formats.md §6).
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
        /// `recent` (7 days) or `all` (full archive).
        #[arg(long, default_value = "recent", value_parser = ["recent", "all"])]
        endpoint: String,
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
#[command(after_long_help = "\
The notebook (nbformat 4, Python) loads the report's Parquet tables with
polars, shows manifest.json, explains every table's columns, and plots the
activity over time (slots shaded), the theme share per slot and the themes over
time with matplotlib. It holds no data: it reads the report folder, named
relative to the notebook's own folder, so keep the two where they are.

Example:
  threadlens demo
  threadlens export-notebook --report threadlens-demo/report --out notebooks-export/demo.ipynb
  pip install polars pyarrow matplotlib jupyter && jupyter notebook notebooks-export/demo.ipynb")]
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
#[command(after_long_help = "\
The demo day is datasets/next-conversation-2022/ (built into the binary): the
real slot titles of the 28 June 2022 takeover day, with 5,000 synthetic posts
(twarc2 and Mastodon) by fictional accounts. The demo imports them into
DIR/store, writes the full report with the schedule and the three-cs lexicon
into DIR/report (CSV, Parquet, Markdown, HTML), and prints the slots ranked by
engagement and the theme shares. Open DIR/report/report.html in a browser.")]
pub(crate) struct DemoArgs {
    /// Where to write the store and the report (replaced if it holds an earlier demo).
    #[arg(long, short, default_value = "threadlens-demo", value_name = "DIR")]
    pub out: PathBuf,
}

/// `threadlens synth`.
#[derive(Debug, Args)]
#[command(after_long_help = "\
Every post is made up and every handle fictional (user_12, host_1, ...). The
same seed, post count, format and schedule give the same bytes on every
machine. Posts are written as they are made: any number takes the same memory.

What a corpus holds: host posts inside each slot (by the slot's hosts and the
account), reply threads up to seven deep mostly under host posts (one reply in
ten arrives hours later), reposts and quotes, a few very active participants
and many one-off ones, hashtags, emoji, links and mentions, mostly English with
some Welsh and French, and about a quarter of posts using the themes' words.

Formats (--format):
  twarc2    X API v2 pages of 100 tweets with __twarc, one per line
  x-v2      X API v2 search responses, one per line
  mastodon  statuses, one per line (boosts wrap the boosted status)
  bluesky   feed items, one per line (reposts carry the reposted post)
  jsonl     threadlens' generic JSONL

Examples:
  threadlens synth --seed 1 --posts 5000 --format twarc2 --schedule day.toml --out day.jsonl
  threadlens synth --posts 10000000 --format jsonl --out big.jsonl")]
pub(crate) struct SynthArgs {
    /// Random seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// How many posts (reposts included).
    #[arg(long, default_value_t = 5000)]
    pub posts: u64,
    /// Output format.
    #[arg(long, short, value_name = "FORMAT",
          value_parser = clap::builder::PossibleValuesParser::new(threadlens_synth::CorpusFormat::NAMES))]
    pub format: String,
    /// A takeover schedule (formats.md §4) to build the day around
    /// [default: eight one-hour slots from 08:00 UTC on 28 June 2022].
    #[arg(long, value_name = "FILE")]
    pub schedule: Option<PathBuf>,
    /// The file to write.
    #[arg(long, short, value_name = "FILE")]
    pub out: PathBuf,
}

/// `threadlens score`.
#[derive(Debug, Args)]
#[command(after_long_help = "\
What it writes (in --out, each file renamed into place only when complete):
  post_scores.csv      one row per post: post_id, platform, word_count, emoji_count,
                       then <theme>_hits and <theme>_score per theme in lexicon order;
                       UTF-8, ids as text, cells that start with = + - @ tab or CR
                       get a leading ' so spreadsheets do not run them as formulas
  post_scores.parquet  the same columns, typed (counts u32, scores f64)
  manifest.json        tool version, scoring spec (v1), lexicon name, version and
                       sha256, posts.parquet's sha256 and rows, rejects, times,
                       the command line, and whether reposts were scored

<theme>_score is 100 × hits / word_count (0 for a post with no words), as
text-processing.md §8 defines it. Reposts are left out by default: their
text is another post's, and counting it again would weigh a theme by how
often it was reposted rather than said.

Examples:
  threadlens score --data data/st --lexicon datasets/lexicons/three-cs.toml
  threadlens score --data data/st --lexicon my.toml --out results/scores --format parquet")]
pub(crate) struct ScoreArgs {
    /// The store to score: the folder holding posts.parquet (see `threadlens import`).
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// The lexicon (TOML, formats.md §3).
    #[arg(long, value_name = "FILE")]
    pub lexicon: PathBuf,
    /// Where to write the table and manifest.json [default: DIR/scores].
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Formats to write, comma-separated: csv, parquet.
    #[arg(long, short, default_value = "csv,parquet", value_name = "LIST")]
    pub format: String,
    /// Score reposts too.
    #[arg(long)]
    pub include_reposts: bool,
}

/// `threadlens report`.
#[derive(Debug, Args)]
#[command(after_long_help = "\
What it writes (in --out; each file renamed into place when complete):
  post_scores          one row per post (csv, parquet), as `threadlens score` writes it
  theme_summary        per theme: posts, posts_with_hit, hits, hits_per_1000_words, share_of_posts
  theme_by_period      per period (--period, in --timezone) and theme: posts, posts_with_hit, hits, share
  theme_by_slot        per takeover slot and theme (with --schedule)
  takeover_engagement  per slot, then `outside`: posts, host posts, replies received, participants,
                       new participants, reposts, likes, quotes, engagement per host post, median
                       minutes to the first reply, deepest thread, hits and share per theme
                       (with --schedule; formats.md §4 defines every column)
  top_contributors     authors by posts: posts, replies, hits per theme (--top rows)
  top_hashtags         hashtags by posts using them (--top rows)
  top_terms            per theme, the entries that matched most: hits, posts (--top per theme)
  theme_cooccurrence   per pair of themes: posts that hit both
  kwic                 up to 20 matches in context per theme
  report.md            every table above but post_scores, one section each (--format md)
  report.xlsx          every table above but post_scores, one sheet each (--format xlsx): header
                       row frozen, ids as text, cells guarded like CSV
  report.html          one self-contained page to share (--format html): activity over the event
                       with the slots shaded, theme share per slot, themes over time, the
                       engagement and contributor tables, kwic lines, a methods box; no scripts,
                       nothing fetched, every text escaped
  manifest.json        tool version, scoring spec, lexicon and schedule, input hashes, counts, times

Formats (--format, comma-separated): csv, parquet, json, md, xlsx, html
(default csv,parquet,html,md). post_scores is written as csv and parquet only. CSV cells that start with = + - @ tab or CR
get a leading ' so spreadsheets do not run them.

Examples:
  threadlens report --data data/st --lexicon datasets/lexicons/three-cs.toml --schedule day.toml
  threadlens report --data data/st --lexicon my.toml --period week --timezone Europe/London --format csv,md")]
pub(crate) struct ReportArgs {
    /// The store: the folder holding posts.parquet (see `threadlens import`).
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// The lexicon (TOML, formats.md §3).
    #[arg(long, value_name = "FILE")]
    pub lexicon: PathBuf,
    /// A takeover schedule (TOML, formats.md §4): adds theme_by_slot and takeover_engagement.
    #[arg(long, value_name = "FILE")]
    pub schedule: Option<PathBuf>,
    /// Where to write [default: DIR/report].
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Formats, comma-separated: csv, parquet, json, md, xlsx, html.
    #[arg(
        long,
        short,
        default_value = "csv,parquet,html,md",
        value_name = "LIST"
    )]
    pub format: String,
    /// Length of theme_by_period's periods: hour, day or week (ISO, from Monday).
    #[arg(long, default_value = "day", value_name = "PERIOD",
          value_parser = clap::builder::PossibleValuesParser::new(["hour", "day", "week"]))]
    pub period: String,
    /// Timezone (IANA name) periods are cut in [default: the schedule's, else UTC].
    #[arg(long, value_name = "TZ")]
    pub timezone: Option<String>,
    /// Rows in the top_* tables (per theme in top_terms).
    #[arg(long, default_value_t = 50, value_name = "N")]
    pub top: usize,
    /// Score reposts too.
    #[arg(long)]
    pub include_reposts: bool,
}

/// `threadlens kwic`.
#[derive(Debug, Args)]
#[command(after_long_help = "\
Each line is one match as the scorer chose it (text-processing.md §8): the
theme, the entry as written in the lexicon, up to --window characters of the
normalised text before and after, and the post id. Read them to find entries
that match the wrong sense of a word, then prune or narrow those entries
(`=exact`, a phrase) and check again.

Formats (--format):
  table  aligned for reading in a terminal (default)
  csv    post_id, theme, entry, left, match, right; cells guarded against
         spreadsheet formulas like every CSV threadlens writes

Examples:
  threadlens kwic --data data/st --lexicon datasets/lexicons/three-cs.toml --theme candour
  threadlens kwic --data data/st --lexicon my.toml --entry \"honest*\" --window 60
  threadlens kwic --data data/st --lexicon my.toml --format csv > kwic.csv")]
pub(crate) struct KwicArgs {
    /// The store: the folder holding posts.parquet.
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// The lexicon (TOML, formats.md §3).
    #[arg(long, value_name = "FILE")]
    pub lexicon: PathBuf,
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
    /// Output format: table or csv.
    #[arg(long, short, default_value = "table", value_name = "FORMAT",
          value_parser = clap::builder::PossibleValuesParser::new(["table", "csv"]))]
    pub format: String,
    /// Look in reposts too.
    #[arg(long)]
    pub include_reposts: bool,
}

/// `threadlens lexicon ...`.
#[derive(Debug, Subcommand)]
pub(crate) enum LexiconCommand {
    /// Validate a lexicon and show each theme's entries as compiled (stems, prefixes, tags).
    #[command(after_help = "\
Example:
  threadlens lexicon check datasets/lexicons/three-cs.toml

A lexicon that breaks a rule of text-processing.md §7 is refused with the
file, theme and entry named, and exit code 2.")]
    Check {
        /// The lexicon (TOML, formats.md §3).
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Show the units of a text and every match, per theme, with its span.
    #[command(after_help = "\
Example:
  threadlens lexicon explain datasets/lexicons/three-cs.toml \"#LivedExperience partners were involved\"")]
    Explain {
        /// The lexicon (TOML, formats.md §3).
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// The text to analyse, as a post's text.
        #[arg(value_name = "TEXT")]
        text: String,
    },
}

/// `threadlens import`.
#[derive(Debug, Args)]
#[command(after_long_help = "\
Formats (--format):
  auto       detect from the content, per file, and say what was found (default)
  x-v2       X API v2 search responses {data, includes, meta}, one per file or per line
  twarc2     twarc2 JSONL: raw response pages, or `twarc2 flatten` output
  x-archive  the account archive's data/tweets.js (reads account.js beside it for the author)
  mastodon   arrays of Mastodon Status, single statuses, one per line, or /context responses
  bluesky    searchPosts responses, PostView arrays, feeds, getPostThread trees, records
  jsonl      one object per line: id, text, created_at (RFC 3339), author; other columns optional
  csv        CSV with a header; --map names which column holds which field;
             twarc-csv output is recognised by its header and needs no --map
Any file may be gzip-compressed; that is recognised by its content.

What it writes:
  DIR/posts.parquet  every post once (same platform + post_id = same post; the copy
                     collected last wins, `matched` if any copy matched); written
                     atomically, so an interrupted import leaves the old table whole
  DIR/rejects.jsonl  records that could not be read: file, line, reason, raw record
Importing the same file twice changes nothing.

Examples:
  # a twarc2 collection and a Bluesky search, into one store
  threadlens import --out data/st search.jsonl bluesky.json
  # a CSV from another tool, naming its columns
  threadlens import --format csv --map id=tweet_id,author=user,text=body,created_at=time --out data/st export.csv
  # Mastodon statuses fetched from one instance (resolves replies by local id)
  threadlens import --format mastodon --instance mastodon.social --out data/st tag.json")]
pub(crate) struct ImportArgs {
    /// The store folder (created if missing).
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,
    /// Input format.
    #[arg(long, short, default_value = "auto", value_name = "FORMAT",
          value_parser = clap::builder::PossibleValuesParser::new(threadlens_ingest::Format::NAMES))]
    pub format: String,
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
    /// Files to import; a folder means every file in it (e.g. DIR/raw, the archive `collect` writes).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
}
