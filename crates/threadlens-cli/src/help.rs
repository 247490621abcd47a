//! The long help of each command (`--help`): what it writes, examples, and
//! the exit codes it returns (from [`Exit`], the one list of them).

use crate::exit::{COLLECT, COMMON, Exit};

fn with_codes(text: &str, codes: &[Exit]) -> String {
    format!("{text}\n\n{}", Exit::help(codes))
}

/// After the top-level help.
pub(crate) fn top() -> String {
    with_codes(
        "\
Start with:
  threadlens demo                    the whole job on a bundled takeover day
  threadlens help import             what each command reads and writes

Examples:
  threadlens import --data data/st tweets.jsonl statuses.json
  threadlens score --data data/st --lexicon datasets/lexicons/three-cs.toml
  threadlens report --data data/st --lexicon datasets/lexicons/three-cs.toml --schedule day.toml
  threadlens kwic --data data/st --lexicon datasets/lexicons/three-cs.toml --theme candour
  threadlens run jobs/nightly.toml

The guides are in docs/ (docs/README.md); the contracts in docs/spec/.",
        &Exit::ALL,
    )
}

pub(crate) fn run() -> String {
    with_codes(
        "\
The job file (docs/spec/formats.md §6) names the store, the sources (live and files),
the lexicon, the schedule and the report. It is checked completely before
anything runs, and every problem in it is reported at once with its line;
relative paths are read from the job file's folder.

A run takes the job's lock (DATA_DIR/<job>.lock), collects what is new
(incremental, from the checkpoints), imports it, then scores and reports into
a temporary folder that is renamed into place (out_dir, {date} = the run's
UTC date); `latest` beside it is updated only after a complete success, and
only the newest `keep` report folders are kept. Kill it at any moment: the
next run resumes and the store ends with no post missing or doubled.

Examples:
  threadlens run --check jobs/nightly.toml
  threadlens run jobs/nightly.toml
  threadlens run -q --log-format json jobs/nightly.toml   # for cron / systemd",
        &Exit::ALL,
    )
}

pub(crate) fn collect() -> String {
    with_codes(
        "\
Every response page is appended to DIR/raw/<source>/<date>.jsonl (the body
as received, the request without secrets, status and time) and synced
before the source's checkpoint in DIR/checkpoints/ moves past it. Kill the
run at any moment and run it again: it resumes where it stopped, and the
store ends with exactly the posts of an uninterrupted run. New pages are
imported into DIR/posts.parquet at the end (or any time later with
`threadlens import --data DIR DIR/raw`), and DIR/coverage.csv says, per post
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
  threadlens collect --data data/st --dry-run x --query \"#SolvingTogether\"",
        &COLLECT,
    )
}

pub(crate) fn export_notebook() -> String {
    with_codes(
        "\
The notebook (nbformat 4, Python) loads the report's Parquet tables with
polars, shows manifest.json, explains every table's columns, and plots the
activity over time (slots shaded), the theme share per slot and the themes over
time with matplotlib. It holds no data: it reads the report folder, named
relative to the notebook's own folder, so keep the two where they are.

Example:
  threadlens demo
  threadlens export-notebook --report threadlens-demo/report --out notebooks-export/demo.ipynb
  pip install polars pyarrow matplotlib jupyter && jupyter notebook notebooks-export/demo.ipynb",
        &COMMON,
    )
}

pub(crate) fn demo() -> String {
    with_codes(
        "\
The demo day is datasets/next-conversation-2022/ (built into the binary): the
real slot titles of the 28 June 2022 takeover day, with 5,000 synthetic posts
(twarc2 and Mastodon) by fictional accounts. The demo imports them into
DIR/store, writes the full report with the schedule and the three-cs lexicon
into DIR/report (CSV, Parquet, Markdown, HTML), and prints the slots ranked by
engagement and the theme shares. Open DIR/report/report.html in a browser.",
        &COMMON,
    )
}

pub(crate) fn synth() -> String {
    with_codes(
        "\
Every post is made up and every handle fictional (user_12, host_1, ...). The
same seed, post count, format and schedule give the same bytes on every
machine. Posts are written as they are made: any number takes the same memory.

What a corpus holds: host posts inside each slot (by the slot's hosts and the
account), reply threads up to seven deep mostly under host posts (one reply in
ten arrives hours later), reposts and quotes, a few very active participants
and many one-off ones, hashtags, emoji, links and mentions, mostly English with
some Welsh and French, and about a quarter of posts using the themes' words.

Examples:
  threadlens synth --seed 1 --posts 5000 --format twarc2 --schedule day.toml --out day.jsonl
  threadlens synth --posts 10000000 --format jsonl --out big.jsonl",
        &COMMON,
    )
}

pub(crate) fn score() -> String {
    with_codes(
        "\
What it writes (in --out, each file renamed into place only when complete):
  post_scores.csv      one row per post: post_id, platform, word_count, emoji_count,
                       then <theme>_hits and <theme>_score per theme in lexicon order
  post_scores.parquet  the same columns, typed (counts u32, scores f64)
  manifest.json        tool version, scoring and formats spec versions, lexicon name,
                       version and sha256, posts.parquet's sha256 and rows, rejects,
                       times, the command line, and whether reposts were scored

<theme>_score is 100 × hits / word_count (0 for a post with no words), as
docs/spec/text-processing.md §8 defines it. Reposts are left out by default:
their text is another post's, and counting it again would weigh a theme by
how often it was reposted rather than said.

Examples:
  threadlens score --data data/st --lexicon datasets/lexicons/three-cs.toml
  threadlens score --data data/st --lexicon my.toml --out results/scores --format parquet",
        &COMMON,
    )
}

pub(crate) fn report() -> String {
    with_codes(
        "\
What it writes (in --out; each file renamed into place when complete):
  post_scores          one row per post (csv, parquet), as `threadlens score` writes it
  theme_summary        per theme: posts, posts_with_hit, hits, hits_per_1000_words, share_of_posts
  theme_by_period      per period (--period, in --timezone) and theme: posts, posts_with_hit,
                       hits, share; period_start carries its UTC offset
  theme_by_slot        per takeover slot and theme (with --schedule)
  takeover_engagement  per slot, then `outside`: posts, host posts, replies received, participants,
                       new participants, reposts, likes, quotes, engagement per host post, median
                       minutes to the first reply, deepest thread, hits and share per theme
                       (with --schedule; docs/spec/formats.md §4 defines every column)
  top_contributors     authors by posts: posts, replies, hits per theme (--top rows)
  top_hashtags         hashtags by posts using them (--top rows)
  top_terms            per theme, the entries that matched most: hits, posts (--top per theme)
  theme_cooccurrence   per pair of themes: posts that hit both
  kwic                 up to 20 matches in context per theme
  manifest.json        tool version, spec versions, lexicon and schedule, input hashes, counts, times

post_scores is written as csv and parquet only; md, xlsx and html are one
file each holding every other table.

Examples:
  threadlens report --data data/st --lexicon datasets/lexicons/three-cs.toml --schedule day.toml
  threadlens report --data data/st --lexicon my.toml --period week --timezone Europe/London --format csv,md
  threadlens report --data data/st --lexicon datasets/lexicons/three-cs.toml --schedule day.toml --network",
        &COMMON,
    )
}

pub(crate) fn kwic() -> String {
    with_codes(
        "\
Each line is one match as the scorer chose it (docs/spec/text-processing.md §8):
the theme, the entry as written in the lexicon, up to --window characters of the
normalised text before and after, and the post id (§10 says how lines are cut
and ordered). Read them to find entries that match the wrong sense of a word,
then prune or narrow those entries (`=exact`, a phrase) and check again.

Examples:
  threadlens kwic --data data/st --lexicon datasets/lexicons/three-cs.toml --theme candour
  threadlens kwic --data data/st --lexicon my.toml --entry \"honest*\" --window 60
  threadlens kwic --data data/st --lexicon my.toml --format csv > kwic.csv",
        &COMMON,
    )
}

pub(crate) fn network() -> String {
    with_codes(
        "\
An account is a handle per platform, in any case. Edges are directed, one per
source, target and kind, weighted by the posts that make them: a reply points to
the author of the post replied to (else of the author id it names), a mention to
the account mentioned (not the one a reply answers; none from reposts), a quote
or repost to the original's author. A post to its own author is a self-loop,
kept and marked. Targets never collected are counted as unresolved.

Measures, on the ties between two accounts (self-loops out, kinds summed):
weighted in/out degree, PageRank (0.85), betweenness (exact up to
--betweenness-exact-max accounts, else from 1,000 sources drawn with --seed),
clustering, Louvain communities (seeded) with modularity, communities reached.
The top five bridges (highest betweenness) are printed.

Writes network_accounts, network_edges and network_communities (csv, parquet),
network.graphml and network.gexf (the measures as node attributes), and
manifest.json (how it was measured). With --schedule: hosts marked, each
account's first slot, and network_slots (per slot: accounts, participants,
new and returning, edges, communities). With --lexicon: hits per theme per
account and community. Open the GEXF in Gephi (File → Open) or read either
file with NetworkX (read_graphml, read_gexf); docs/networks.md explains.

Examples:
  threadlens network --data data/day
  threadlens network --data data/day --schedule schedule.toml --lexicon three-cs.toml
  threadlens network --data data/day --schedule schedule.toml --slot lived-experience
  threadlens network --data data/day --edges reply,quote --format gexf --out net
  threadlens network --data data/day --since 2022-06-28T08:00:00Z --until 2022-06-28T17:00:00Z",
        &COMMON,
    )
}

pub(crate) fn store_verify() -> String {
    with_codes(
        "\
Reads every row of DIR/posts.parquet and checks it against the file contract
(docs/spec/formats.md §1): a readable Parquet table, every column present with
its type, no null where a value is required, rows in the stored order
(created_at, platform, post_id), no post stored twice, and as many rows as the
file says. Each problem names the file and, where there is one, the row and
column; at most 20 of a kind are listed. Replies and quotes whose parent is
not in the store are counted (a partial collection has them), not problems.

An import refuses a store whose table is broken and leaves it as it is: keep
a copy, then re-import the raw archive (DIR/raw) or the original files into a
new folder.

Example:
  threadlens store verify --data data/day",
        &[Exit::Success, Exit::Failure, Exit::Usage],
    )
}

pub(crate) fn lexicon_check() -> String {
    with_codes(
        "\
A lexicon that breaks a rule of docs/spec/text-processing.md §7 is refused with
every problem listed at once, each with the file, line, theme and entry.

Example:
  threadlens lexicon check datasets/lexicons/three-cs.toml",
        &COMMON,
    )
}

pub(crate) fn lexicon_explain() -> String {
    with_codes(
        "\
Example:
  threadlens lexicon explain datasets/lexicons/three-cs.toml \"#LivedExperience partners were involved\"",
        &COMMON,
    )
}

pub(crate) fn validate_sample() -> String {
    with_codes(
        "\
Per theme, a uniform random sample of the posts with a hit (--per-theme)
and of the posts without one (--negatives, needed to estimate recall),
all shuffled together so the coder cannot tell which is which. Each row
is a post for one theme: sample_id, post_id, platform, theme, its label and
description, the text, and empty `relevant` (yes, no or unsure) and `note`
columns to fill. In the .xlsx, `relevant` has a drop-down. The design (the
seed, each stratum's size in the store and what was drawn, the lexicon's and
store's SHA-256, and which stratum each row came from) is written beside it
as .json: keep the two together. The same seed and store give the same
bytes.

Examples:
  threadlens validate sample --data data/st --lexicon datasets/lexicons/three-cs.toml \\
      --per-theme 50 --negatives 50 --out coding/round1.xlsx
  threadlens validate score --sample coding/round1.xlsx --out coding/round1",
        &COMMON,
    )
}

pub(crate) fn validate_score() -> String {
    with_codes(
        "\
Reads the coded sample (as written, or saved by Excel or LibreOffice) and
refuses it if its rows no longer match the design (a row missing, moved to
another post or theme). Per theme: precision (relevant among coded hits)
with its 95% Wilson interval; recall, estimated from both strata weighted by
their sizes in the store, and F1, with intervals that combine the strata's
97.5% Wilson intervals; rows coded `unsure` or left empty are counted and
left out. Per entry: precision among the hits it matched. With
--second-coder: Cohen's kappa and percent agreement per theme.

Example:
  threadlens validate score --sample coding/round1.xlsx --second-coder coding/round1-b.xlsx --out coding/round1",
        &COMMON,
    )
}

pub(crate) fn lexicon_audit() -> String {
    with_codes(
        "\
What it writes (in --out):
  audit_entries      per entry: kind (stem, prefix, exact, phrase, hashtag), hits, posts,
                     share of its theme's hits, candidates (places it could match before the
                     greedy choice), never_counted (matched, but another entry always won),
                     shared_with (other themes holding the same entry)
  audit_forms        per entry, every form it matched, with its hits (what `convers*` caught)
  audit_near_misses  frequent forms no entry matches that look like one: `spelling` (a UK/US
                     variant matches: organization/organisation, candor/candour), `split`
                     (written apart: `co production`), `one_edit` (a letter off a long entry)
  audit.md           the findings, a few lines each
as CSV and Parquet. `threadlens report --audit` adds the tables and a section
to the report.

Example:
  threadlens lexicon audit --data data/st --lexicon datasets/lexicons/three-cs.toml",
        &COMMON,
    )
}

pub(crate) fn lexicon_convert() -> String {
    with_codes(
        "\
Reads every format --lexicon reads; writes toml, liwc (.dic), dicx and
quanteda-yaml. LIWC, .dicx and quanteda match exact forms and prefixes, so a
threadlens entry that matches by stem (`honest`, without `=` or `*`) or a
hashtag entry has no equivalent there: the conversion is refused naming
each one, or with --skip-invalid they are left out and listed. A word from
another tool without `*` becomes an exact form (`=word`), `word*` a prefix,
several words a phrase; what threadlens cannot express (a `*` inside a
word, `?`, a LIWC2007 conditional category, a weight) is refused naming its
line, or left out with --skip-invalid.

Examples:
  threadlens lexicon convert moral.dic --to toml --out moral.toml
  threadlens lexicon convert datasets/lexicons/three-cs.toml --to liwc --skip-invalid --out three-cs.dic",
        &COMMON,
    )
}

pub(crate) fn import() -> String {
    with_codes(
        "\
What it writes:
  DIR/posts.parquet  every post once (same platform + post_id = same post; the copy
                     collected last wins, `matched` if any copy matched; see
                     docs/spec/formats.md §1); written atomically, so an interrupted
                     import leaves the old table whole
  DIR/rejects.jsonl  records that could not be read: file, line, reason, raw record
Any file may be gzip-compressed; that is recognised by its content. Importing
the same file twice changes nothing.

Examples:
  # a twarc2 collection and a Bluesky search, into one store
  threadlens import --data data/st search.jsonl bluesky.json
  # a CSV from another tool, naming its columns
  threadlens import --format csv --map id=tweet_id,author=user,text=body,created_at=time --data data/st export.csv
  # Mastodon statuses fetched from one instance (resolves replies by local id)
  threadlens import --format mastodon --instance mastodon.social --data data/st tag.json",
        &COMMON,
    )
}

pub(crate) fn completions() -> String {
    with_codes(
        "\
Examples:
  threadlens completions bash > ~/.local/share/bash-completion/completions/threadlens
  threadlens completions zsh > ~/.zfunc/_threadlens
  threadlens completions fish > ~/.config/fish/completions/threadlens.fish",
        &COMMON,
    )
}

pub(crate) fn man() -> String {
    with_codes(
        "\
Examples:
  threadlens man --out ~/.local/share/man/man1 && man threadlens-report
  threadlens man | man -l -",
        &COMMON,
    )
}
