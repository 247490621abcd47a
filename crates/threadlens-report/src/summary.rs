//! The summary tables of formats.md §5, built in one pass over the scored
//! posts: each batch is scanned in parallel, then folded into small
//! accumulators (per theme, period, author, hashtag, entry), so memory is
//! bounded by those and not by the number of posts. With a schedule, the
//! posts' thread fields are kept for the takeover tables.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono_tz::Tz;
use polars::prelude::*;
use rustc_hash::FxHashMap;
use threadlens_model::{Period, PeriodStart, Post, PostKind};
use threadlens_process::{KwicLine, Lexicon, ScoreColumns, fold_scans, kwic_lines};

use crate::bootstrap::{BootPosts, Bootstrap, ThemeIntervals};
use crate::contributors::{Contributor, Contributors};
use crate::post_scores::ScoredBatch;
use crate::schedule::Schedule;
use crate::stats::wilson;
use crate::summary_post::{SummaryPost, summary_posts};
use crate::takeover::{
    Attribution, EngagementRow, NewTakeoverPost, Takeover, TakeoverPosts, takeover_of,
};

/// The formats.md §1 columns [`Summary::add`] reads of each post, with or
/// without a schedule or bootstrap: a reader may leave every other field
/// empty (`PostStore::read_columns`) and the tables stay the same.
/// They are the store's [`PostBatch`](threadlens_store::PostBatch) columns,
/// which the report reads without building posts.
pub const SUMMARY_COLUMNS: [&str; 11] = threadlens_store::BATCH_COLUMNS;

/// How the summary is built.
#[derive(Debug, Clone)]
pub struct SummaryOptions {
    /// Length of `theme_by_period`'s periods.
    pub period: Period,
    /// The timezone periods are cut in.
    pub timezone: Tz,
    /// Rows of `top_contributors` and `top_hashtags`; entries per theme in `top_terms`.
    pub top: usize,
    /// Keyword-in-context lines kept per theme.
    pub kwic_per_theme: usize,
    /// Characters of context each side in `kwic`.
    pub kwic_window: usize,
    /// Score reposts too.
    pub include_reposts: bool,
    /// Add conversation-clustered bootstrap intervals to every share.
    pub bootstrap: Option<Bootstrap>,
}

impl Default for SummaryOptions {
    fn default() -> Self {
        SummaryOptions {
            period: Period::Day,
            timezone: Tz::UTC,
            top: 50,
            kwic_per_theme: 20,
            kwic_window: 40,
            include_reposts: false,
            bootstrap: None,
        }
    }
}

/// What the page shows above and beside the tables.
#[derive(Debug, Clone)]
pub struct PageData {
    /// Posts scored.
    pub posts: u64,
    /// Distinct authors among them (handles per platform, any case).
    pub participants: u64,
    /// Of those posts, replies.
    pub replies: u64,
    /// Each theme's share of posts, with its interval.
    pub themes: Vec<ThemeShare>,
    /// With a schedule: the takeover figures and each slot's lines.
    pub event: Option<EventPage>,
    /// `theme_by_period`'s periods: each period's start, posts and hits per
    /// theme, in time order.
    pub over_time: Vec<PeriodHits>,
    /// How long a period is.
    pub period: Period,
    /// Posts per [`ACTIVITY_BUCKET_MIN`] minutes over the event (empty
    /// without a schedule): see [`Summary::activity`].
    pub activity: Vec<(chrono::DateTime<chrono::Utc>, u64)>,
}

/// One period of `theme_by_period`.
#[derive(Debug, Clone)]
pub struct PeriodHits {
    /// Its first instant.
    pub start: chrono::DateTime<chrono::Utc>,
    /// Posts scored in it.
    pub posts: u64,
    /// Hits per theme, in lexicon order.
    pub hits: Vec<u64>,
}

/// A theme's share of the posts scored.
#[derive(Debug, Clone)]
pub struct ThemeShare {
    /// Its id.
    pub id: String,
    /// Its label (else its id).
    pub label: String,
    /// Posts with a hit / posts.
    pub share: Option<f64>,
    /// The 95% Wilson interval.
    pub interval: Option<(f64, f64)>,
}

/// The takeover day at a glance.
#[derive(Debug, Clone)]
pub struct EventPage {
    /// The engagement table's rows: slots in start order, then `outside`.
    pub rows: Vec<EngagementRow>,
    /// Participants new to the day, over all slots.
    pub new_participants: u64,
    /// Host posts, over all slots.
    pub host_posts: u64,
    /// Replies received, over all slots.
    pub replies_received: u64,
    /// The median minutes to a first reply, over every host post with one.
    pub median_first_reply_min: Option<f64>,
    /// Per slot: up to three matches in context from posts attributed to it.
    pub kwic: Vec<Vec<(String, KwicLine)>>,
}

/// Up to [`CARD_KWIC`] lines for a slot's card, as many themes as there
/// are before a theme's second line, each post at most once, in the
/// order the posts came.
fn card_lines(lines: &[&(usize, String, KwicLine)]) -> Vec<(String, KwicLine)> {
    let mut chosen: Vec<&(usize, String, KwicLine)> = Vec::new();
    for round in 0..SLOT_KWIC {
        for line in lines {
            let of_theme = chosen.iter().filter(|c| c.2.theme == line.2.theme).count();
            if chosen.len() < CARD_KWIC
                && of_theme == round
                && !chosen.iter().any(|c| c.0 == line.0)
            {
                chosen.push(line);
            }
        }
    }
    chosen.sort_by_key(|c| c.0);
    chosen
        .into_iter()
        .map(|(_, post_id, line)| (post_id.clone(), line.clone()))
        .collect()
}

/// A named table, ready for the writers.
#[derive(Debug, Clone)]
pub struct Table {
    /// Its name (formats.md §5), also its files' stem.
    pub name: &'static str,
    /// Its rows.
    pub frame: DataFrame,
}

#[derive(Default, Clone)]
struct ThemeTotals {
    posts_with_hit: u64,
    hits: u64,
}

/// What the scans of a run of consecutive posts leave for the summary, in
/// a few buffers per run rather than several allocations per post.
#[derive(Debug, Default)]
struct ScannedPosts {
    /// Per post.
    words: Vec<u32>,
    /// Per post.
    emoji: Vec<u32>,
    /// Hits per theme, post after post.
    hits: Vec<u32>,
    /// Every post's hashtags as tags, end to end: tag `k` ends at
    /// `tag_ends[k]`, and post `p`'s tags end before `post_tags[p]`.
    tags: String,
    tag_ends: Vec<usize>,
    post_tags: Vec<usize>,
    /// `(theme, entry)` of every chosen match, each post's in increasing
    /// order; post `p`'s end before `post_entries[p]`.
    entries: Vec<(usize, usize)>,
    post_entries: Vec<usize>,
    /// Keyword-in-context lines, with the index in this run of their post.
    kwic: Vec<(usize, KwicLine)>,
    /// With a schedule: each post's first match per theme in context, for
    /// its slot's card.
    first_kwic: Vec<(usize, KwicLine)>,
}

impl ScannedPosts {
    /// How many posts.
    fn len(&self) -> usize {
        self.words.len()
    }

    /// Post `p` of the run, for a lexicon of `themes` themes.
    fn post(&self, p: usize, themes: usize) -> Scanned<'_> {
        // Item ranges of post `p` in a buffer whose posts end at `ends`.
        let span = |ends: &[usize]| p.checked_sub(1).map_or(0, |q| ends[q])..ends[p];
        let tags = span(&self.post_tags);
        Scanned {
            words: self.words[p],
            emoji: self.emoji[p],
            hits: &self.hits[p * themes..(p + 1) * themes],
            tags_start: tags.start.checked_sub(1).map_or(0, |k| self.tag_ends[k]),
            tag_ends: &self.tag_ends[tags],
            all_tags: &self.tags,
            entries: &self.entries[span(&self.post_entries)],
        }
    }
}

/// One post of a [`ScannedPosts`], as the fold reads it.
struct Scanned<'s> {
    words: u32,
    emoji: u32,
    hits: &'s [u32],
    /// Where the post's first tag starts in `all_tags`, and where each ends.
    tags_start: usize,
    tag_ends: &'s [usize],
    all_tags: &'s str,
    entries: &'s [(usize, usize)],
}

impl<'s> Scanned<'s> {
    /// The post's tags, in the order read.
    fn tags(&self) -> impl Iterator<Item = &'s str> + '_ {
        let all = self.all_tags;
        let mut start = self.tags_start;
        self.tag_ends.iter().map(move |&end| {
            let tag = all.get(start..end).unwrap_or_default();
            start = end;
            tag
        })
    }

    /// The post's tags, each once (a post counts once per tag), in no
    /// particular order. A post's few tags are compared with the ones
    /// before them; a post with many is sorted.
    fn distinct_tags(&self) -> impl Iterator<Item = &'s str> + '_ {
        const COMPARED: usize = 16;
        let sorted = (self.tag_ends.len() > COMPARED).then(|| {
            let mut tags: Vec<&str> = self.tags().collect();
            tags.sort_unstable();
            tags.dedup();
            tags
        });
        let compared = sorted.is_none().then(|| {
            self.tags()
                .enumerate()
                .filter(|&(k, tag)| !self.tags().take(k).any(|before| before == tag))
                .map(|(_, tag)| tag)
        });
        sorted
            .into_iter()
            .flatten()
            .chain(compared.into_iter().flatten())
    }
}

/// The items of `lines` (in post order) that belong to post `p`, taken out.
fn lines_of(
    lines: &mut std::iter::Peekable<std::vec::IntoIter<(usize, KwicLine)>>,
    p: usize,
) -> Vec<KwicLine> {
    std::iter::from_fn(|| lines.next_if(|(at, _)| *at == p))
        .map(|(_, line)| line)
        .collect()
}

/// Scans batches of posts for a [`Summary`] ([`Summary::scanner`]):
/// cheap to clone and free of the summary's state, so the next batch can be
/// scanned on another thread while the summary folds this one.
#[derive(Debug, Clone)]
pub struct BatchScanner {
    include_reposts: bool,
    kwic_window: usize,
    with_schedule: bool,
    /// Cleared by the summary once every theme has its keyword-in-context
    /// lines; a scan that still sees it set only makes lines never kept.
    kwic_wanted: Arc<AtomicBool>,
}

/// Whether `post` is scored: reposts only when they are included. The
/// scanner and the fold must pick the same posts.
fn is_scored(post: &SummaryPost<'_>, include_reposts: bool) -> bool {
    include_reposts || post.kind != PostKind::Repost
}

/// One batch scanned by a [`BatchScanner`], for [`Summary::fold`].
#[derive(Debug)]
pub struct BatchScan {
    /// The posts scored (reposts left out unless included), in order, in
    /// runs of consecutive posts.
    runs: Vec<ScannedPosts>,
}

impl BatchScanner {
    /// Scan the posts of `batch` that are scored, in parallel, against
    /// `lexicon` (the summary's).
    pub fn scan(&self, lexicon: &Lexicon, batch: &[SummaryPost<'_>]) -> BatchScan {
        let themes = lexicon.themes.len();
        let texts: Vec<&str> = batch
            .iter()
            .filter(|p| is_scored(p, self.include_reposts))
            .map(|p| p.text)
            .collect();
        let want_kwic = self.kwic_wanted.load(Ordering::Relaxed);
        let window = self.kwic_window;
        let with_schedule = self.with_schedule;
        let runs = fold_scans(lexicon, &texts, ScannedPosts::default, |run, _, scan| {
            let at = run.len();
            run.words.push(scan.word_count as u32);
            run.emoji.push(scan.emoji_count as u32);
            let hits = run.hits.len();
            run.hits.resize(hits + themes, 0);
            for m in scan.matches {
                run.hits[hits + m.theme] += 1;
            }
            for tag in scan.hashtags() {
                run.tags.push_str(tag);
                run.tag_ends.push(run.tags.len());
            }
            run.post_tags.push(run.tag_ends.len());
            let entries = run.entries.len();
            run.entries
                .extend(scan.matches.iter().map(|m| (m.theme, m.entry)));
            // Sorted here, on the scanning threads, for the one folding thread.
            run.entries[entries..].sort_unstable();
            run.post_entries.push(run.entries.len());
            if want_kwic && !scan.matches.is_empty() {
                run.kwic
                    .extend(kwic_lines(scan, window).map(|line| (at, line)));
            }
            if with_schedule {
                let first = run.first_kwic.len();
                for line in kwic_lines(scan, window) {
                    let new_theme = run.first_kwic[first..]
                        .last()
                        .is_none_or(|(_, l)| l.theme != line.theme);
                    if new_theme {
                        run.first_kwic.push((at, line));
                    }
                }
            }
        });
        BatchScan { runs }
    }
}

/// Keyword-in-context lines kept per slot and theme for the slot cards
/// (before the posts are attributed: those attributed elsewhere are
/// dropped then).
const SLOT_KWIC: usize = 4;

/// Lines shown on a slot's card.
const CARD_KWIC: usize = 3;

/// Folds scored posts into the summary tables.
pub struct Summary<'a> {
    lexicon: &'a Lexicon,
    schedule: Option<&'a Schedule>,
    options: SummaryOptions,
    posts: u64,
    words: u64,
    left_out: u64,
    themes: Vec<ThemeTotals>,
    /// Per period, keyed by its first instant (UTC).
    periods: BTreeMap<chrono::DateTime<chrono::Utc>, (u64, Vec<ThemeTotals>)>,
    contributors: Contributors,
    hashtags: FxHashMap<String, u64>,
    terms: FxHashMap<(usize, usize), (u64, u64)>,
    cooccurrence: Vec<u64>,
    kwic: Vec<Vec<(String, KwicLine)>>,
    /// Set while some theme has room for keyword-in-context lines; shared
    /// with the summary's scanners.
    kwic_wanted: Arc<AtomicBool>,
    takeover_posts: TakeoverPosts,
    /// Posts per 10-minute bucket (Unix minutes / 10) inside the event
    /// window, when there is a schedule.
    activity: BTreeMap<i64, u64>,
    /// Scored posts that reply to another.
    replies: u64,
    /// Per slot (by the time of the post): up to [`SLOT_KWIC`] first
    /// matches in context per theme, with the post's index among scored
    /// posts, in the order the posts came.
    slot_kwic: Vec<Vec<(usize, String, KwicLine)>>,
    /// With a bootstrap: every scored post's conversation and hits, and
    /// the start of its period.
    boot: Option<(BootPosts, Vec<chrono::DateTime<chrono::Utc>>)>,
    /// The takeover attribution and engagement of the posts added so far,
    /// computed once for the tables and the page (reset by `add`).
    takeover: std::cell::OnceCell<Takeover>,
}

/// The counts a summary's engine-computable tables are made of, computed
/// elsewhere (an SQL engine, `threadlens report --engine`); see
/// [`Summary::from_counts`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SummaryCounts {
    /// Posts scored.
    pub posts: u64,
    /// Their units.
    pub words: u64,
    /// Reposts left out.
    pub left_out: u64,
    /// Per theme: posts with a hit, hits.
    pub themes: Vec<(u64, u64)>,
    /// Per period: its counts.
    pub periods: Vec<PeriodCounts>,
    /// The top contributors (already the top N, in any order).
    pub contributors: Vec<ContributorCounts>,
    /// The top hashtags (already the top N, in any order): tag, posts.
    pub hashtags: Vec<(String, u64)>,
    /// Every matched entry: (theme, entry) indexes, hits, posts.
    pub terms: Vec<((usize, usize), (u64, u64))>,
    /// Posts that hit both themes, theme × theme, row by row.
    pub cooccurrence: Vec<u64>,
}

/// One period's counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeriodCounts {
    /// Its first instant.
    pub start: chrono::DateTime<chrono::Utc>,
    /// Posts scored in it.
    pub posts: u64,
    /// Per theme: posts with a hit, hits.
    pub themes: Vec<(u64, u64)>,
}

/// One contributor's counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContributorCounts {
    /// The platform's name.
    pub platform: String,
    /// The handle as accounts are grouped ([`handle_key`]).
    pub key: String,
    /// The handle as first seen.
    pub handle: String,
    /// Posts scored.
    pub posts: u64,
    /// Of which replies.
    pub replies: u64,
    /// Hits per theme.
    pub hits: Vec<u64>,
}

/// The tables [`Summary::from_counts`] can make, in the order of
/// [`Summary::tables`].
pub const COUNTED_TABLES: [&str; 6] = [
    "theme_summary",
    "theme_by_period",
    "top_contributors",
    "top_hashtags",
    "top_terms",
    "theme_cooccurrence",
];

/// Buckets of the activity timeline, in minutes.
pub const ACTIVITY_BUCKET_MIN: i64 = 10;

impl<'a> Summary<'a> {
    /// An empty summary for `lexicon` (and `schedule`, if any).
    pub fn new(
        lexicon: &'a Lexicon,
        schedule: Option<&'a Schedule>,
        options: SummaryOptions,
    ) -> Self {
        let n = lexicon.themes.len();
        Summary {
            lexicon,
            schedule,
            posts: 0,
            words: 0,
            left_out: 0,
            themes: vec![ThemeTotals::default(); n],
            periods: BTreeMap::new(),
            contributors: Contributors::default(),
            hashtags: FxHashMap::default(),
            terms: FxHashMap::default(),
            cooccurrence: vec![0; n * n],
            kwic: vec![Vec::new(); n],
            kwic_wanted: Arc::new(AtomicBool::new(n > 0 && options.kwic_per_theme > 0)),
            takeover_posts: TakeoverPosts::new(n),
            activity: BTreeMap::new(),
            replies: 0,
            slot_kwic: vec![Vec::new(); schedule.map_or(0, |s| s.slots.len())],
            boot: options.bootstrap.map(|_| (BootPosts::new(n), Vec::new())),
            takeover: std::cell::OnceCell::new(),
            options,
        }
    }

    /// A summary made from counts computed elsewhere, for the tables
    /// [`COUNTED_TABLES`] names (no schedule, bootstrap or kwic: those need
    /// the posts themselves). Its tables equal those of a summary the same
    /// posts were added to.
    pub fn from_counts(
        lexicon: &'a Lexicon,
        options: SummaryOptions,
        counts: SummaryCounts,
    ) -> Self {
        let options = SummaryOptions {
            bootstrap: None,
            ..options
        };
        let mut summary = Summary::new(lexicon, None, options);
        let totals = |pairs: &[(u64, u64)]| -> Vec<ThemeTotals> {
            pairs
                .iter()
                .map(|&(posts_with_hit, hits)| ThemeTotals {
                    posts_with_hit,
                    hits,
                })
                .collect()
        };
        summary.posts = counts.posts;
        summary.words = counts.words;
        summary.left_out = counts.left_out;
        summary.themes = totals(&counts.themes);
        summary.periods = counts
            .periods
            .iter()
            .map(|p| (p.start, (p.posts, totals(&p.themes))))
            .collect();
        for c in counts.contributors {
            let contributor = Contributor {
                handle: c.handle,
                posts: c.posts,
                replies: c.replies,
                hits: c.hits,
            };
            summary.contributors.insert(c.platform, c.key, contributor);
        }
        summary.hashtags = counts.hashtags.into_iter().collect();
        summary.terms = counts.terms.into_iter().collect();
        summary.cooccurrence = counts.cooccurrence;
        summary
    }

    /// Posts per [`ACTIVITY_BUCKET_MIN`]-minute bucket from an hour before
    /// the first slot to two hours after the last (empty without a
    /// schedule): the start of each bucket and its posts, gaps included.
    pub fn activity(&self) -> Vec<(chrono::DateTime<chrono::Utc>, u64)> {
        let Some((from, to)) = self.event_window() else {
            return Vec::new();
        };
        (from..to)
            .map(|b| {
                let at = chrono::DateTime::from_timestamp(b * ACTIVITY_BUCKET_MIN * 60, 0)
                    .unwrap_or_default();
                (at, self.activity.get(&b).copied().unwrap_or(0))
            })
            .collect()
    }

    /// The event window as bucket numbers `[from, to)`.
    fn event_window(&self) -> Option<(i64, i64)> {
        let slots = &self.schedule?.slots;
        let bucket =
            |t: chrono::DateTime<chrono::Utc>| t.timestamp().div_euclid(60 * ACTIVITY_BUCKET_MIN);
        let from = bucket(slots.first()?.start) - 60 / ACTIVITY_BUCKET_MIN;
        let to = bucket(slots.iter().map(|s| s.end).max()?) + 120 / ACTIVITY_BUCKET_MIN;
        Some((from, to))
    }

    /// The takeover of `schedule` over the posts added so far.
    fn takeover_of(&self, schedule: &Schedule) -> &Takeover {
        self.takeover
            .get_or_init(|| takeover_of(schedule, &self.takeover_posts))
    }

    /// What the page's headline and slot cards show.
    pub fn page(&self) -> PageData {
        let themes = self
            .lexicon
            .themes
            .iter()
            .zip(&self.themes)
            .map(|(theme, totals)| ThemeShare {
                id: theme.id.clone(),
                label: theme.label.clone().unwrap_or_else(|| theme.id.clone()),
                share: (self.posts > 0).then(|| totals.posts_with_hit as f64 / self.posts as f64),
                interval: wilson(totals.posts_with_hit, self.posts),
            })
            .collect();
        let event = self.schedule.map(|schedule| {
            let result = self.takeover_of(schedule);
            let kwic = self
                .slot_kwic
                .iter()
                .enumerate()
                .map(|(slot, lines)| {
                    let attributed: Vec<&(usize, String, KwicLine)> = lines
                        .iter()
                        .filter(|(post, ..)| {
                            result.attribution.get(*post) == Some(&Attribution::Slot(slot))
                        })
                        .collect();
                    card_lines(&attributed)
                })
                .collect();
            let slots = &result.rows[..result.rows.len().saturating_sub(1)];
            EventPage {
                new_participants: slots.iter().filter_map(|r| r.new_participants).sum(),
                host_posts: slots.iter().map(|r| r.host_posts).sum(),
                replies_received: slots.iter().map(|r| r.replies_received).sum(),
                median_first_reply_min: crate::takeover::median(result.first_reply_min.clone()),
                rows: result.rows.clone(),
                kwic,
            }
        });
        PageData {
            posts: self.posts,
            participants: self.contributors.len() as u64,
            replies: self.replies,
            themes,
            event,
            over_time: self
                .periods
                .iter()
                .map(|(&start, (posts, totals))| PeriodHits {
                    start,
                    posts: *posts,
                    hits: totals.iter().map(|t| t.hits).collect(),
                })
                .collect(),
            period: self.options.period,
            activity: self.activity(),
        }
    }

    /// Posts stored, scored or not (for the methods box).
    pub fn seen(&self) -> u64 {
        self.posts + self.left_out
    }

    /// Posts scored so far.
    pub fn posts(&self) -> u64 {
        self.posts
    }

    /// Posts left out so far (reposts, unless included).
    pub fn left_out(&self) -> u64 {
        self.left_out
    }

    /// Score a batch of posts and fold them in; returns the scores of the
    /// posts scored, for `post_scores`. The same as [`Summary::scanner`]'s
    /// scan followed by [`Summary::fold`], on one thread.
    pub fn add(&mut self, batch: &[Post]) -> ScoredBatch {
        let batch = summary_posts(batch);
        let scan = self.scanner().scan(self.lexicon, &batch);
        self.fold(&batch, scan)
    }

    /// What scans batches for this summary: it can run on another thread,
    /// scanning the next batch while this one is folded.
    pub fn scanner(&self) -> BatchScanner {
        BatchScanner {
            include_reposts: self.options.include_reposts,
            kwic_window: self.options.kwic_window,
            with_schedule: self.schedule.is_some(),
            kwic_wanted: Arc::clone(&self.kwic_wanted),
        }
    }

    /// Fold in `batch`, scanned by this summary's [`BatchScanner`] with the
    /// same lexicon; returns the scores of the posts scored, for
    /// `post_scores`. Batches must be folded in the order they came.
    pub fn fold(&mut self, batch: &[SummaryPost<'_>], scan: BatchScan) -> ScoredBatch {
        self.takeover.take();
        let themes = self.lexicon.themes.len();
        let kept: Vec<&SummaryPost<'_>> = batch
            .iter()
            .filter(|p| is_scored(p, self.options.include_reposts))
            .collect();
        self.left_out += (batch.len() - kept.len()) as u64;
        let mut scored = ScoredBatch {
            scores: ScoreColumns {
                hits: vec![Vec::with_capacity(kept.len()); themes],
                ..ScoreColumns::default()
            },
            ..ScoredBatch::default()
        };
        let mut posts = kept.iter();
        for mut run in scan.runs {
            let mut kwic = std::mem::take(&mut run.kwic).into_iter().peekable();
            let mut first_kwic = std::mem::take(&mut run.first_kwic).into_iter().peekable();
            for (p, post) in posts.by_ref().take(run.len()).enumerate() {
                let s = run.post(p, themes);
                scored.post_id.push(post.post_id);
                scored.platform.push(post.platform);
                scored.scores.word_count.push(s.words);
                scored.scores.emoji_count.push(s.emoji);
                for (column, &h) in scored.scores.hits.iter_mut().zip(s.hits) {
                    column.push(h);
                }
                let (lines, firsts) = (lines_of(&mut kwic, p), lines_of(&mut first_kwic, p));
                self.fold_post(post, &s, lines, firsts);
            }
        }
        let kwic_full = self
            .kwic
            .iter()
            .all(|k| k.len() >= self.options.kwic_per_theme);
        if kwic_full {
            self.kwic_wanted.store(false, Ordering::Relaxed);
        }
        scored
    }

    fn fold_post(
        &mut self,
        post: &SummaryPost<'_>,
        s: &Scanned<'_>,
        kwic: Vec<KwicLine>,
        first_kwic: Vec<KwicLine>,
    ) {
        let themes = self.lexicon.themes.len();
        self.posts += 1;
        self.words += u64::from(s.words);
        let start = self
            .options
            .period
            .of(post.created_at, self.options.timezone)
            .utc;
        let period = self
            .periods
            .entry(start)
            .or_insert_with(|| (0, vec![ThemeTotals::default(); themes]));
        period.0 += 1;
        let found = self
            .contributors
            .of(post.platform.as_str(), post.author_handle, || Contributor {
                handle: post.author_handle.to_owned(),
                hits: vec![0; themes],
                ..Contributor::default()
            });
        let takeover_author = self.schedule.is_some().then(|| {
            self.takeover_posts
                .author_of_contributor(found.index, found.key)
        });
        let contributor = found.contributor;
        contributor.posts += 1;
        contributor.replies += u64::from(post.kind == PostKind::Reply);
        for (t, &h) in s.hits.iter().enumerate() {
            let h = u64::from(h);
            self.themes[t].hits += h;
            period.1[t].hits += h;
            contributor.hits[t] += h;
            if h > 0 {
                self.themes[t].posts_with_hit += 1;
                period.1[t].posts_with_hit += 1;
                for (u, &other) in s.hits.iter().enumerate() {
                    if other > 0 {
                        self.cooccurrence[t * themes + u] += 1;
                    }
                }
            }
        }
        // Tags as the analyzer reads them from the text (§5), so every
        // platform and import counts them the same way.
        for tag in s.distinct_tags() {
            match self.hashtags.get_mut(tag) {
                Some(posts) => *posts += 1,
                None => {
                    self.hashtags.insert(tag.to_owned(), 1);
                }
            }
        }
        let entries = s.entries;
        for (k, &(theme, entry)) in entries.iter().enumerate() {
            let counts = self.terms.entry((theme, entry)).or_default();
            counts.0 += 1;
            if k == 0 || entries[k - 1] != (theme, entry) {
                counts.1 += 1; // posts with the entry
            }
        }
        for line in kwic {
            let kept = &mut self.kwic[line.theme];
            if kept.len() < self.options.kwic_per_theme {
                kept.push((post.post_id.to_owned(), line));
            }
        }
        self.replies += u64::from(post.kind == PostKind::Reply);
        if let Some(slot) = self.schedule.and_then(|s| s.slot_at(post.created_at)) {
            let kept = &mut self.slot_kwic[slot];
            for line in first_kwic {
                if kept.iter().filter(|k| k.2.theme == line.theme).count() < SLOT_KWIC {
                    kept.push((self.takeover_posts.len(), post.post_id.to_owned(), line));
                }
            }
        }
        if let Some((from, to)) = self.event_window() {
            let b = post
                .created_at
                .timestamp()
                .div_euclid(60 * ACTIVITY_BUCKET_MIN);
            if (from..to).contains(&b) {
                *self.activity.entry(b).or_default() += 1;
            }
        }
        if let Some((boot, periods)) = &mut self.boot {
            boot.push(post.conversation_id.unwrap_or(post.post_id), s.hits);
            periods.push(start);
        }
        if let Some(author) = takeover_author {
            self.takeover_posts.push(
                author,
                NewTakeoverPost {
                    post_id: post.post_id,
                    created_at: post.created_at,
                    conversation_id: post.conversation_id,
                    reply_to_post_id: post.reply_to_post_id,
                    reposts: post.reposts.unwrap_or(0),
                    likes: post.likes.unwrap_or(0),
                    quotes: post.quotes.unwrap_or(0),
                    hits: s.hits,
                },
            );
        }
    }

    /// The tables, in the order of formats.md §5 (without `post_scores`,
    /// which is written as the posts are scored).
    pub fn tables(&self) -> PolarsResult<Vec<Table>> {
        let mut tables = vec![
            Table {
                name: "theme_summary",
                frame: self.theme_summary()?,
            },
            Table {
                name: "theme_by_period",
                frame: self.theme_by_period()?,
            },
        ];
        if let Some(schedule) = self.schedule {
            let (by_slot, engagement) = self.takeover_tables(schedule)?;
            tables.push(Table {
                name: "theme_by_slot",
                frame: by_slot,
            });
            tables.push(Table {
                name: "takeover_engagement",
                frame: engagement,
            });
        }
        tables.push(Table {
            name: "top_contributors",
            frame: self.top_contributors()?,
        });
        tables.push(Table {
            name: "top_hashtags",
            frame: self.top_hashtags()?,
        });
        tables.push(Table {
            name: "top_terms",
            frame: self.top_terms()?,
        });
        tables.push(Table {
            name: "theme_cooccurrence",
            frame: self.cooccurrence()?,
        });
        tables.push(Table {
            name: "kwic",
            frame: self.kwic()?,
        });
        Ok(tables)
    }

    fn theme_ids(&self) -> Vec<&str> {
        self.lexicon.themes.iter().map(|t| t.id.as_str()).collect()
    }

    fn theme_summary(&self) -> PolarsResult<DataFrame> {
        let n = self.themes.len();
        let ratio = |a: u64, b: u64| (b > 0).then(|| a as f64 / b as f64);
        let interval: Vec<Option<(f64, f64)>> = self
            .themes
            .iter()
            .map(|t| wilson(t.posts_with_hit, self.posts))
            .collect();
        let boot = self.boot_intervals(|_| Some(0), 1, 0);
        let mut frame = df!(
            "theme" => self.theme_ids(),
            "posts" => vec![self.posts; n],
            "posts_with_hit" => self.themes.iter().map(|t| t.posts_with_hit).collect::<Vec<_>>(),
            "hits" => self.themes.iter().map(|t| t.hits).collect::<Vec<_>>(),
            "hits_per_1000_words" => self.themes.iter().map(|t| ratio(t.hits * 1000, self.words)).collect::<Vec<_>>(),
            "share_of_posts" => self.themes.iter().map(|t| ratio(t.posts_with_hit, self.posts)).collect::<Vec<_>>(),
            "share_of_posts_ci_low" => interval.iter().map(|i| i.map(|i| i.0)).collect::<Vec<_>>(),
            "share_of_posts_ci_high" => interval.iter().map(|i| i.map(|i| i.1)).collect::<Vec<_>>(),
        )?;
        if let Some(boot) = boot {
            add_boot_columns(&mut frame, "share_of_posts", &boot[0])?;
        }
        Ok(frame)
    }

    /// With a bootstrap, per group (`group_of` a scored post's index gives
    /// its group, `None` for none of them), per theme, the interval;
    /// streams `stream_base..` keep groups' draws apart.
    fn boot_intervals(
        &self,
        group_of: impl Fn(usize) -> Option<usize>,
        groups: usize,
        stream_base: u64,
    ) -> Option<Vec<ThemeIntervals>> {
        let (boot, _) = self.boot.as_ref()?;
        let bootstrap = self.options.bootstrap?;
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); groups];
        for post in 0..boot.conversation.len() {
            if let Some(g) = group_of(post) {
                members[g].push(post);
            }
        }
        Some(
            members
                .iter()
                .enumerate()
                .map(|(g, m)| boot.intervals(m, bootstrap, stream_base + g as u64))
                .collect(),
        )
    }

    fn theme_by_period(&self) -> PolarsResult<DataFrame> {
        let ids = self.theme_ids();
        let (mut period, mut period_utc, mut theme, mut posts, mut with_hit, mut hits, mut share) =
            (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
        let (mut low, mut high) = (vec![], vec![]);
        for (&utc, (n, totals)) in &self.periods {
            let start = PeriodStart {
                utc,
                tz: self.options.timezone,
            };
            let (local, utc) = (start.local_label(), start.utc_label());
            for (t, totals) in totals.iter().enumerate() {
                period.push(local.clone());
                period_utc.push(utc.clone());
                theme.push(ids[t]);
                posts.push(*n);
                with_hit.push(totals.posts_with_hit);
                hits.push(totals.hits);
                share.push(totals.posts_with_hit as f64 / (*n).max(1) as f64);
                let interval = wilson(totals.posts_with_hit, *n);
                low.push(interval.map(|i| i.0));
                high.push(interval.map(|i| i.1));
            }
        }
        let mut frame = df!(
            "period_start" => period,
            "period_start_utc" => period_utc,
            "theme" => theme,
            "posts" => posts,
            "posts_with_hit" => with_hit,
            "hits" => hits,
            "share_of_posts" => share,
            "share_of_posts_ci_low" => low,
            "share_of_posts_ci_high" => high,
        )?;
        let starts: Vec<&chrono::DateTime<chrono::Utc>> = self.periods.keys().collect();
        let boot = self.boot_intervals(
            |post| {
                let (_, periods) = self.boot.as_ref()?;
                starts.binary_search(&&periods[post]).ok()
            },
            starts.len(),
            1,
        );
        if let Some(boot) = boot {
            let flat: Vec<Option<(f64, f64)>> = boot.into_iter().flatten().collect();
            add_boot_columns(&mut frame, "share_of_posts", &flat)?;
        }
        Ok(frame)
    }

    fn takeover_tables(&self, schedule: &Schedule) -> PolarsResult<(DataFrame, DataFrame)> {
        let ids = self.theme_ids();
        let result = self.takeover_of(schedule);
        let local = |t: chrono::DateTime<chrono::Utc>| {
            t.with_timezone(&schedule.timezone)
                .format("%Y-%m-%dT%H:%M")
                .to_string()
        };
        let slot_info = |slot: &str| {
            schedule
                .slots
                .iter()
                .find(|s| s.id == slot)
                .map(|s| (s.title.clone(), Some(local(s.start)), Some(local(s.end))))
                .unwrap_or_else(|| ("outside every slot".to_owned(), None, None))
        };
        let (mut slot, mut theme, mut posts, mut hits, mut share, mut low, mut high) =
            (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
        for row in &result.rows {
            for (t, id) in ids.iter().enumerate() {
                slot.push(row.slot.clone());
                theme.push(*id);
                posts.push(row.posts);
                hits.push(row.hits[t]);
                share.push(row.share[t]);
                low.push(row.share_interval[t].map(|i| i.0));
                high.push(row.share_interval[t].map(|i| i.1));
            }
        }
        let mut by_slot = df!(
            "slot" => slot,
            "theme" => theme,
            "posts" => posts,
            "hits" => hits,
            "share_of_posts" => share,
            "share_of_posts_ci_low" => low,
            "share_of_posts_ci_high" => high,
        )?;
        // Groups in the table's order: the slots, then `outside`.
        let slot_boot = self.boot_intervals(
            |post| match result.attribution.get(post)? {
                Attribution::Slot(s) => Some(*s),
                Attribution::Outside => Some(schedule.slots.len()),
            },
            schedule.slots.len() + 1,
            1 << 32,
        );
        if let Some(boot) = &slot_boot {
            let flat: Vec<Option<(f64, f64)>> = boot.iter().flatten().copied().collect();
            add_boot_columns(&mut by_slot, "share_of_posts", &flat)?;
        }
        let rows = &result.rows;
        let info: Vec<_> = rows.iter().map(|r| slot_info(&r.slot)).collect();
        let mut columns = vec![
            Column::new(
                "slot".into(),
                rows.iter().map(|r| r.slot.as_str()).collect::<Vec<_>>(),
            ),
            Column::new(
                "title".into(),
                info.iter().map(|i| i.0.as_str()).collect::<Vec<_>>(),
            ),
            Column::new(
                "start".into(),
                info.iter().map(|i| i.1.clone()).collect::<Vec<_>>(),
            ),
            Column::new(
                "end".into(),
                info.iter().map(|i| i.2.clone()).collect::<Vec<_>>(),
            ),
            Column::new(
                "posts".into(),
                rows.iter().map(|r| r.posts).collect::<Vec<_>>(),
            ),
            Column::new(
                "host_posts".into(),
                rows.iter().map(|r| r.host_posts).collect::<Vec<_>>(),
            ),
            Column::new(
                "replies_received".into(),
                rows.iter().map(|r| r.replies_received).collect::<Vec<_>>(),
            ),
            Column::new(
                "participants".into(),
                rows.iter().map(|r| r.participants).collect::<Vec<_>>(),
            ),
            Column::new(
                "new_participants".into(),
                rows.iter().map(|r| r.new_participants).collect::<Vec<_>>(),
            ),
            Column::new(
                "reposts".into(),
                rows.iter().map(|r| r.reposts).collect::<Vec<_>>(),
            ),
            Column::new(
                "likes".into(),
                rows.iter().map(|r| r.likes).collect::<Vec<_>>(),
            ),
            Column::new(
                "quotes".into(),
                rows.iter().map(|r| r.quotes).collect::<Vec<_>>(),
            ),
            Column::new(
                "engagement_per_host_post".into(),
                rows.iter()
                    .map(|r| r.engagement_per_host_post)
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "median_first_reply_min".into(),
                rows.iter()
                    .map(|r| r.median_first_reply_min)
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "max_thread_depth".into(),
                rows.iter().map(|r| r.max_thread_depth).collect::<Vec<_>>(),
            ),
        ];
        for (t, id) in ids.iter().enumerate() {
            columns.push(Column::new(
                format!("{id}_hits").into(),
                rows.iter().map(|r| r.hits[t]).collect::<Vec<_>>(),
            ));
            columns.push(Column::new(
                format!("{id}_share").into(),
                rows.iter().map(|r| r.share[t]).collect::<Vec<_>>(),
            ));
            columns.push(Column::new(
                format!("{id}_share_ci_low").into(),
                rows.iter()
                    .map(|r| r.share_interval[t].map(|i| i.0))
                    .collect::<Vec<_>>(),
            ));
            columns.push(Column::new(
                format!("{id}_share_ci_high").into(),
                rows.iter()
                    .map(|r| r.share_interval[t].map(|i| i.1))
                    .collect::<Vec<_>>(),
            ));
            if let Some(boot) = &slot_boot {
                columns.push(Column::new(
                    format!("{id}_share_boot_low").into(),
                    boot.iter().map(|g| g[t].map(|i| i.0)).collect::<Vec<_>>(),
                ));
                columns.push(Column::new(
                    format!("{id}_share_boot_high").into(),
                    boot.iter().map(|g| g[t].map(|i| i.1)).collect::<Vec<_>>(),
                ));
            }
        }
        Ok((by_slot, DataFrame::new(rows.len(), columns)?))
    }

    fn top_contributors(&self) -> PolarsResult<DataFrame> {
        let mut rows: Vec<((&str, &str), &Contributor)> = self.contributors.iter().collect();
        rows.sort_by(|a, b| b.1.posts.cmp(&a.1.posts).then_with(|| a.0.cmp(&b.0)));
        rows.truncate(self.options.top);
        let mut columns = vec![
            Column::new(
                "platform".into(),
                rows.iter().map(|r| r.0.0).collect::<Vec<_>>(),
            ),
            Column::new(
                "author_handle".into(),
                rows.iter().map(|r| r.1.handle.as_str()).collect::<Vec<_>>(),
            ),
            Column::new(
                "posts".into(),
                rows.iter().map(|r| r.1.posts).collect::<Vec<_>>(),
            ),
            Column::new(
                "replies".into(),
                rows.iter().map(|r| r.1.replies).collect::<Vec<_>>(),
            ),
        ];
        for (t, id) in self.theme_ids().iter().enumerate() {
            columns.push(Column::new(
                format!("{id}_hits").into(),
                rows.iter().map(|r| r.1.hits[t]).collect::<Vec<_>>(),
            ));
        }
        DataFrame::new(rows.len(), columns)
    }

    fn top_hashtags(&self) -> PolarsResult<DataFrame> {
        let mut rows: Vec<(&String, &u64)> = self.hashtags.iter().collect();
        rows.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        rows.truncate(self.options.top);
        df!(
            "hashtag" => rows.iter().map(|r| r.0.as_str()).collect::<Vec<_>>(),
            "posts" => rows.iter().map(|r| *r.1).collect::<Vec<_>>(),
        )
    }

    fn top_terms(&self) -> PolarsResult<DataFrame> {
        let (mut theme, mut entry, mut hits, mut posts) = (vec![], vec![], vec![], vec![]);
        for (t, th) in self.lexicon.themes.iter().enumerate() {
            let mut rows: Vec<(usize, (u64, u64))> = self
                .terms
                .iter()
                .filter(|((tt, _), _)| *tt == t)
                .map(|(&(_, e), &c)| (e, c))
                .collect();
            rows.sort_by(|a, b| b.1.0.cmp(&a.1.0).then_with(|| a.0.cmp(&b.0)));
            for (e, (h, p)) in rows.into_iter().take(self.options.top) {
                theme.push(th.id.as_str());
                entry.push(th.entries[e].text.as_str());
                hits.push(h);
                posts.push(p);
            }
        }
        df!("theme" => theme, "entry" => entry, "hits" => hits, "posts" => posts)
    }

    fn cooccurrence(&self) -> PolarsResult<DataFrame> {
        let ids = self.theme_ids();
        let n = ids.len();
        let (mut a, mut b, mut posts) = (vec![], vec![], vec![]);
        for t in 0..n {
            for u in 0..n {
                a.push(ids[t]);
                b.push(ids[u]);
                posts.push(self.cooccurrence[t * n + u]);
            }
        }
        df!("theme_a" => a, "theme_b" => b, "posts" => posts)
    }

    fn kwic(&self) -> PolarsResult<DataFrame> {
        let rows: Vec<&(String, KwicLine)> = self.kwic.iter().flatten().collect();
        let themes = &self.lexicon.themes;
        df!(
            "post_id" => rows.iter().map(|r| r.0.as_str()).collect::<Vec<_>>(),
            "theme" => rows.iter().map(|r| themes[r.1.theme].id.as_str()).collect::<Vec<_>>(),
            "entry" => rows.iter().map(|r| themes[r.1.theme].entries[r.1.entry].text.as_str()).collect::<Vec<_>>(),
            "left" => rows.iter().map(|r| r.1.left.as_str()).collect::<Vec<_>>(),
            "match" => rows.iter().map(|r| r.1.matched.as_str()).collect::<Vec<_>>(),
            "right" => rows.iter().map(|r| r.1.right.as_str()).collect::<Vec<_>>(),
        )
    }
}

/// Add `<share>_boot_low` and `<share>_boot_high`, one value per row.
fn add_boot_columns(
    frame: &mut DataFrame,
    share: &str,
    intervals: &[Option<(f64, f64)>],
) -> PolarsResult<()> {
    frame.with_column(Column::new(
        format!("{share}_boot_low").into(),
        intervals.iter().map(|i| i.map(|i| i.0)).collect::<Vec<_>>(),
    ))?;
    frame.with_column(Column::new(
        format!("{share}_boot_high").into(),
        intervals.iter().map(|i| i.map(|i| i.1)).collect::<Vec<_>>(),
    ))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(post: usize, theme: usize) -> (usize, String, KwicLine) {
        (
            post,
            format!("p{post}"),
            KwicLine {
                theme,
                entry: 0,
                left: String::new(),
                matched: format!("t{theme}"),
                right: String::new(),
            },
        )
    }

    #[test]
    fn a_run_gives_back_each_posts_counts_tags_and_entries() {
        // Three posts, two themes: two tags and one match, nothing, one tag
        // and two matches.
        /// A post's tags, entries and hits per theme.
        type RunPost<'a> = (&'a [&'a str], &'a [(usize, usize)], [u32; 2]);
        let mut run = ScannedPosts::default();
        let posts: [RunPost<'_>; 3] = [
            (&["nhs", "qi"], &[(1, 0)], [0, 1]),
            (&[], &[], [0, 0]),
            (&["solvingtogether"], &[(0, 2), (0, 2)], [2, 0]),
        ];
        for (k, (tags, entries, hits)) in posts.iter().enumerate() {
            run.words.push(10 + k as u32);
            run.emoji.push(k as u32);
            run.hits.extend(hits);
            for tag in *tags {
                run.tags.push_str(tag);
                run.tag_ends.push(run.tags.len());
            }
            run.post_tags.push(run.tag_ends.len());
            run.entries.extend(*entries);
            run.post_entries.push(run.entries.len());
        }
        assert_eq!(run.len(), 3);
        for (k, (tags, entries, hits)) in posts.iter().enumerate() {
            let post = run.post(k, 2);
            assert_eq!((post.words, post.emoji), (10 + k as u32, k as u32));
            assert_eq!(post.hits, hits);
            assert_eq!(post.tags().collect::<Vec<_>>(), *tags, "post {k}");
            assert_eq!(post.entries, *entries, "post {k}");
        }
    }

    #[test]
    fn a_posts_tags_count_once_however_many_it_has() {
        let few = ["nhs", "qi", "nhs", "a", "qi", "nhs"];
        let many: Vec<String> = (0..40).map(|k| format!("t{}", k % 7)).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        for tags in [&few[..], &[], &["solo"], &many[..]] {
            let mut run = ScannedPosts::default();
            for tag in tags {
                run.tags.push_str(tag);
                run.tag_ends.push(run.tags.len());
            }
            run.post_tags.push(run.tag_ends.len());
            run.post_entries.push(0);
            run.words.push(0);
            run.emoji.push(0);
            let mut distinct: Vec<&str> = run.post(0, 0).distinct_tags().collect();
            distinct.sort_unstable();
            let mut expected = tags.to_vec();
            expected.sort_unstable();
            expected.dedup();
            assert_eq!(distinct, expected, "{tags:?}");
        }
    }

    #[test]
    fn card_lines_show_every_theme_before_a_second_line_of_one() {
        // Posts 1-3 match theme 0 first; post 4 is the first with theme 1,
        // post 5 with theme 2; post 2 also matches theme 2.
        let lines = [
            line(1, 0),
            line(2, 0),
            line(2, 2),
            line(3, 0),
            line(4, 1),
            line(5, 2),
        ];
        let refs: Vec<&(usize, String, KwicLine)> = lines.iter().collect();
        let chosen: Vec<(String, usize)> = card_lines(&refs)
            .into_iter()
            .map(|(post, l)| (post, l.theme))
            .collect();
        assert_eq!(
            chosen,
            [("p1".into(), 0), ("p2".into(), 2), ("p4".into(), 1)],
            "one line per theme, each post once, in the order posts came"
        );
        // One theme only: its first three posts.
        let lines = [line(1, 0), line(2, 0), line(3, 0), line(4, 0)];
        let refs: Vec<&(usize, String, KwicLine)> = lines.iter().collect();
        let posts: Vec<String> = card_lines(&refs).into_iter().map(|(p, _)| p).collect();
        assert_eq!(posts, ["p1", "p2", "p3"]);
        assert!(card_lines(&[]).is_empty());
    }
}
