//! Posts to and from a polars `DataFrame` with the formats.md §1 schema.

use std::path::Path;

use polars::prelude::*;
use polars_arrow::array::{Array, Utf8ViewArray};
use threadlens_model::{Platform, Post, PostKind, Timestamp, timestamp_from_millis};

use crate::codec::{Millis, PostView, Strs};
use crate::strings::{OptStrColumn, StrColumn};
use crate::texts::TextColumn;
use crate::{Error, Result};

/// Build the §1 table from posts read in place, in the order given.
pub(crate) fn to_frame<'a, L: Strs<'a>>(posts: &[PostView<'a, L>]) -> PolarsResult<DataFrame> {
    let mut frame = FrameBuilder::with_capacity(posts.len());
    for post in posts {
        frame.push(post);
    }
    frame.finish()
}

/// The §1 table built a post at a time, every column at once, so that
/// posts decoded one by one go straight into their columns
/// ([`crate::post_set::Batch::to_frame`]) without being held first.
pub(crate) struct FrameBuilder {
    platform: StringChunkedBuilder,
    post_id: StringChunkedBuilder,
    url: StringChunkedBuilder,
    created_at: Vec<i64>,
    author_id: StringChunkedBuilder,
    author_handle: StringChunkedBuilder,
    author_name: StringChunkedBuilder,
    author_followers: Vec<Option<u64>>,
    text: StringChunkedBuilder,
    lang: StringChunkedBuilder,
    kind: StringChunkedBuilder,
    conversation_id: StringChunkedBuilder,
    reply_to_post_id: StringChunkedBuilder,
    reply_to_author_id: StringChunkedBuilder,
    referenced_post_id: StringChunkedBuilder,
    hashtags: ListStringChunkedBuilder,
    mentions: ListStringChunkedBuilder,
    urls: ListStringChunkedBuilder,
    /// replies, reposts, likes, quotes, impressions.
    counts: [Vec<Option<u64>>; 5],
    matched: Vec<bool>,
    source: StringChunkedBuilder,
    collected_at: Vec<i64>,
    local_ref: StringChunkedBuilder,
    seen_on: ListStringChunkedBuilder,
}

impl FrameBuilder {
    /// Room for `rows` posts (more may be pushed).
    pub fn with_capacity(rows: usize) -> Self {
        let text = |name: &str| StringChunkedBuilder::new(name.into(), rows);
        let list = |name: &str| ListStringChunkedBuilder::new(name.into(), rows, rows);
        FrameBuilder {
            platform: text("platform"),
            post_id: text("post_id"),
            url: text("url"),
            created_at: Vec::with_capacity(rows),
            author_id: text("author_id"),
            author_handle: text("author_handle"),
            author_name: text("author_name"),
            author_followers: Vec::with_capacity(rows),
            text: text("text"),
            lang: text("lang"),
            kind: text("kind"),
            conversation_id: text("conversation_id"),
            reply_to_post_id: text("reply_to_post_id"),
            reply_to_author_id: text("reply_to_author_id"),
            referenced_post_id: text("referenced_post_id"),
            hashtags: list("hashtags"),
            mentions: list("mentions"),
            urls: list("urls"),
            counts: std::array::from_fn(|_| Vec::with_capacity(rows)),
            matched: Vec::with_capacity(rows),
            source: text("source"),
            collected_at: Vec::with_capacity(rows),
            local_ref: text("local_ref"),
            seen_on: list("seen_on"),
        }
    }

    /// Add `p` as the next row.
    pub fn push<'a, L: Strs<'a>>(&mut self, p: &PostView<'a, L>) {
        self.platform.append_value(p.platform.as_str());
        self.post_id.append_value(p.post_id);
        self.url.append_option(p.url);
        self.created_at.push(p.created_at.get());
        self.author_id.append_value(p.author_id);
        self.author_handle.append_value(p.author_handle);
        self.author_name.append_option(p.author_name);
        self.author_followers.push(p.author_followers);
        self.text.append_value(p.text);
        self.lang.append_option(p.lang);
        self.kind.append_value(p.kind.as_str());
        self.conversation_id.append_option(p.conversation_id);
        self.reply_to_post_id.append_option(p.reply_to_post_id);
        self.reply_to_author_id.append_option(p.reply_to_author_id);
        self.referenced_post_id.append_option(p.referenced_post_id);
        self.hashtags.append_values_iter(p.hashtags.iter());
        self.mentions.append_values_iter(p.mentions.iter());
        self.urls.append_values_iter(p.urls.iter());
        let counts = [p.replies, p.reposts, p.likes, p.quotes, p.impressions];
        for (column, count) in self.counts.iter_mut().zip(counts) {
            column.push(count);
        }
        self.matched.push(p.matched);
        self.source.append_value(p.source);
        self.collected_at.push(p.collected_at.get());
        self.local_ref.append_option(p.local_ref);
        self.seen_on.append_values_iter(p.seen_on.iter());
    }

    /// The table of the posts pushed, in the order pushed.
    pub fn finish(self) -> PolarsResult<DataFrame> {
        let rows = self.matched.len();
        let text = |builder: StringChunkedBuilder| builder.finish().into_series().into_column();
        let list =
            |mut builder: ListStringChunkedBuilder| builder.finish().into_series().into_column();
        let count = |name: &str, values: Vec<Option<u64>>| Column::new(name.into(), values);
        let time = |name: &str, millis: Vec<i64>| {
            Int64Chunked::from_vec(name.into(), millis)
                .into_datetime(TimeUnit::Milliseconds, Some(TimeZone::UTC))
                .into_series()
                .into_column()
        };
        let [replies, reposts, likes, quotes, impressions] = self.counts;
        DataFrame::new(
            rows,
            vec![
                text(self.platform),
                text(self.post_id),
                text(self.url),
                time("created_at", self.created_at),
                text(self.author_id),
                text(self.author_handle),
                text(self.author_name),
                count("author_followers", self.author_followers),
                text(self.text),
                text(self.lang),
                text(self.kind),
                text(self.conversation_id),
                text(self.reply_to_post_id),
                text(self.reply_to_author_id),
                text(self.referenced_post_id),
                list(self.hashtags),
                list(self.mentions),
                list(self.urls),
                count("replies", replies),
                count("reposts", reposts),
                count("likes", likes),
                count("quotes", quotes),
                count("impressions", impressions),
                Column::new("matched".into(), self.matched),
                text(self.source),
                time("collected_at", self.collected_at),
                text(self.local_ref),
                list(self.seen_on),
            ],
        )
    }
}

/// The values of text column `name`, nulls as `None`.
fn str_column<'a>(df: &'a DataFrame, name: &str, path: &Path) -> Result<Vec<Option<&'a str>>> {
    Ok(str_chunked(df, name, path)?.iter().collect())
}

/// Column `name`, a time in milliseconds (`datetime[ms, UTC]`), as its
/// numbers.
fn ms_chunked<'a>(df: &'a DataFrame, name: &str, path: &Path) -> Result<&'a Int64Chunked> {
    let schema_err = |why: String| Error::Schema {
        path: path.to_owned(),
        column: name.to_owned(),
        why,
    };
    let column = df
        .column(name)
        .map_err(|_| schema_err("missing".to_owned()))?;
    let times = column.datetime().map_err(|e| schema_err(e.to_string()))?;
    if times.time_unit() != TimeUnit::Milliseconds {
        return Err(schema_err(format!(
            "expected datetime[ms, UTC], found {}",
            column.dtype()
        )));
    }
    Ok(times.physical())
}

/// Count column `name`.
fn u64_chunked<'a>(df: &'a DataFrame, name: &str, path: &Path) -> Result<&'a UInt64Chunked> {
    df.column(name)
        .map_err(|_| Error::Schema {
            path: path.to_owned(),
            column: name.to_owned(),
            why: "missing".to_owned(),
        })?
        .u64()
        .map_err(|e| Error::Schema {
            path: path.to_owned(),
            column: name.to_owned(),
            why: e.to_string(),
        })
}

/// The bytes of all the strings of a text column (for sizing a copy).
fn text_bytes(column: &StringChunked) -> usize {
    column
        .downcast_iter()
        .map(|array| array.total_bytes_len())
        .sum()
}

/// The cells of one row of the table at `path`, checked: each error names
/// the file, the row and the column.
struct RowCheck<'p> {
    path: &'p Path,
    row: usize,
}

impl RowCheck<'_> {
    /// The error for `column` of this row.
    fn bad(&self, column: &str, why: &str) -> Error {
        Error::Row {
            path: self.path.to_owned(),
            row: self.row,
            column: column.to_owned(),
            why: why.to_owned(),
        }
    }

    /// The text of a required cell.
    fn required<'c>(&self, cell: Option<&'c str>, column: &str) -> Result<&'c str> {
        cell.ok_or_else(|| self.bad(column, "null in a required column"))
    }

    /// A `platform` cell's platform.
    fn platform(&self, cell: &str) -> Result<Platform> {
        cell.parse()
            .map_err(|e: threadlens_model::Error| self.bad("platform", &e.to_string()))
    }

    /// A `kind` cell's kind.
    fn kind(&self, cell: &str) -> Result<PostKind> {
        cell.parse()
            .map_err(|e: threadlens_model::Error| self.bad("kind", &e.to_string()))
    }
}

/// Text column `name`.
fn str_chunked<'a>(df: &'a DataFrame, name: &str, path: &Path) -> Result<&'a StringChunked> {
    let schema_err = |why: String| Error::Schema {
        path: path.to_owned(),
        column: name.to_owned(),
        why,
    };
    df.column(name)
        .map_err(|_| schema_err("missing".to_owned()))?
        .str()
        .map_err(|e| schema_err(e.to_string()))
}

/// What a [`PostSet`](crate::PostSet) holds of a stored row until its
/// post is needed: its key, time and thread fields.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StoredKey<'a> {
    pub platform: Platform,
    pub post_id: &'a str,
    pub created_ms: i64,
    pub has_conversation: bool,
    pub replies_to_nothing: bool,
}

/// The columns [`stored_keys`] reads.
pub(crate) const KEY_COLUMNS: [&str; 6] = [
    "platform",
    "post_id",
    "created_at",
    "kind",
    "conversation_id",
    "reply_to_post_id",
];

/// The [`StoredKey`]s of the rows of `df` (a slice of the table at `path`
/// with at least [`KEY_COLUMNS`]), checked as [`Columns::row`] checks
/// those cells; `first_row` is the slice's first row in the table.
pub(crate) fn stored_keys<'a>(
    df: &'a DataFrame,
    path: &Path,
    first_row: usize,
) -> Result<Vec<StoredKey<'a>>> {
    let platform = str_chunked(df, "platform", path)?;
    let post_id = str_chunked(df, "post_id", path)?;
    let created = ms_chunked(df, "created_at", path)?;
    let kind = str_chunked(df, "kind", path)?;
    let conversation = str_chunked(df, "conversation_id", path)?;
    let reply_to = str_chunked(df, "reply_to_post_id", path)?;
    let mut keys = Vec::with_capacity(df.height());
    let cells = platform
        .iter()
        .zip(post_id.iter())
        .zip(created.iter())
        .zip(kind.iter());
    // The thread fields are only tested for nulls.
    let has_conversation = conversation.iter().map(|c| c.is_some());
    let replies = reply_to.iter().map(|r| r.is_some());
    let mut last_platform: Option<(&str, Platform)> = None;
    for (row, ((((platform, post_id), created), kind), (has_conversation, replies))) in
        cells.zip(has_conversation.zip(replies)).enumerate()
    {
        let check = RowCheck {
            path,
            row: first_row + row,
        };
        let platform = check.required(platform, "platform")?;
        // A table's platforms come in long runs.
        let platform = match last_platform {
            Some((cell, parsed)) if cell == platform => parsed,
            _ => {
                let parsed = check.platform(platform)?;
                last_platform = Some((platform, parsed));
                parsed
            }
        };
        let post_id = check.required(post_id, "post_id")?;
        let created_ms = created
            .filter(|&ms| timestamp_from_millis(ms).is_some())
            .ok_or_else(|| check.bad("created_at", "null or out of range"))?;
        check.kind(check.required(kind, "kind")?)?;
        keys.push(StoredKey {
            platform,
            post_id,
            created_ms,
            has_conversation,
            replies_to_nothing: !replies,
        });
    }
    Ok(keys)
}

/// What scoring reads of each post: its key, kind and text, as columns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextBatch {
    /// Platform per post.
    pub platform: Vec<Platform>,
    /// Post id per post.
    pub post_id: StrColumn,
    /// Kind per post.
    pub kind: Vec<PostKind>,
    /// Text per post, read in place.
    pub text: TextColumn,
    /// The stored rows this batch was read from, the posts left out by
    /// kind included (for progress).
    pub rows_read: usize,
}

impl TextBatch {
    /// How many posts.
    pub fn len(&self) -> usize {
        self.kind.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.kind.is_empty()
    }
}

/// The columns [`PostBatch`] holds, by their §1 names.
pub const BATCH_COLUMNS: [&str; 11] = [
    "platform",
    "post_id",
    "created_at",
    "author_handle",
    "text",
    "kind",
    "conversation_id",
    "reply_to_post_id",
    "reposts",
    "likes",
    "quotes",
];

/// What reports read of each post ([`BATCH_COLUMNS`]), as columns: every
/// string of a column in one buffer, not one allocation per post.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PostBatch {
    /// Platform per post.
    pub platform: Vec<Platform>,
    /// Post id per post.
    pub post_id: StrColumn,
    /// When each post was made.
    pub created_at: Vec<Timestamp>,
    /// Author handle per post.
    pub author_handle: StrColumn,
    /// Text per post, read in place.
    pub text: TextColumn,
    /// Kind per post.
    pub kind: Vec<PostKind>,
    /// The id of each post's conversation root, when known.
    pub conversation_id: OptStrColumn,
    /// The post each one replies to.
    pub reply_to_post_id: OptStrColumn,
    /// Public counts, when known.
    pub reposts: Vec<Option<u64>>,
    /// Likes.
    pub likes: Vec<Option<u64>>,
    /// Quotes.
    pub quotes: Vec<Option<u64>>,
}

impl PostBatch {
    /// How many posts.
    pub fn len(&self) -> usize {
        self.kind.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.kind.is_empty()
    }
}

/// A slice of the §1 table read as a [`PostBatch`] (a frame of at least
/// [`BATCH_COLUMNS`]), checked row by row as [`Columns::row`] checks: a
/// row's first bad cell, in the table's column order, is the error.
pub(crate) fn batch_from_frame(df: &DataFrame, path: &Path, first_row: usize) -> Result<PostBatch> {
    // The columns in the table's order, so a schema error names the first.
    let platform = str_chunked(df, "platform", path)?;
    let post_id = str_chunked(df, "post_id", path)?;
    let created_at = ms_chunked(df, "created_at", path)?;
    let author_handle = str_chunked(df, "author_handle", path)?;
    let text = str_chunked(df, "text", path)?;
    let kind = str_chunked(df, "kind", path)?;
    let conversation_id = str_chunked(df, "conversation_id", path)?;
    let reply_to_post_id = str_chunked(df, "reply_to_post_id", path)?;
    let reposts = u64_chunked(df, "reposts", path)?;
    let likes = u64_chunked(df, "likes", path)?;
    let quotes = u64_chunked(df, "quotes", path)?;
    let rows = df.height();
    let mut batch = PostBatch {
        platform: Vec::with_capacity(rows),
        post_id: StrColumn::with_capacity(rows, text_bytes(post_id)),
        created_at: Vec::with_capacity(rows),
        author_handle: StrColumn::with_capacity(rows, text_bytes(author_handle)),
        text: TextColumn::new(text.clone(), vec![true; rows]),
        kind: Vec::with_capacity(rows),
        conversation_id: OptStrColumn::with_capacity(rows, text_bytes(conversation_id)),
        reply_to_post_id: OptStrColumn::with_capacity(rows, text_bytes(reply_to_post_id)),
        reposts: Vec::with_capacity(rows),
        likes: Vec::with_capacity(rows),
        quotes: Vec::with_capacity(rows),
    };
    // Every column is read in step, a row at a time.
    let (mut platforms, mut post_ids, mut times) =
        (platform.iter(), post_id.iter(), created_at.iter());
    let (mut handles, mut kinds) = (author_handle.iter(), kind.iter());
    // Texts are only looked at here when some are missing.
    let mut texts = (text.null_count() > 0).then(|| text.iter());
    let mut conversations = conversation_id.iter();
    let mut parents = reply_to_post_id.iter();
    let (mut repost_counts, mut like_counts, mut quote_counts) =
        (reposts.iter(), likes.iter(), quotes.iter());
    for row in 0..rows {
        let check = RowCheck {
            path,
            row: first_row + row,
        };
        let platform = check.platform(check.required(platforms.next().flatten(), "platform")?)?;
        let post_id = check.required(post_ids.next().flatten(), "post_id")?;
        let created_at = times
            .next()
            .flatten()
            .and_then(timestamp_from_millis)
            .ok_or_else(|| check.bad("created_at", "null or out of range"))?;
        let author_handle = check.required(handles.next().flatten(), "author_handle")?;
        if let Some(texts) = texts.as_mut() {
            check.required(texts.next().flatten(), "text")?;
        }
        let kind = check.kind(check.required(kinds.next().flatten(), "kind")?)?;
        batch.platform.push(platform);
        batch.post_id.push(post_id);
        batch.created_at.push(created_at);
        batch.author_handle.push(author_handle);
        batch.kind.push(kind);
        batch.conversation_id.push(conversations.next().flatten());
        batch.reply_to_post_id.push(parents.next().flatten());
        batch.reposts.push(repost_counts.next().flatten());
        batch.likes.push(like_counts.next().flatten());
        batch.quotes.push(quote_counts.next().flatten());
    }
    Ok(batch)
}

/// Read the scoring columns of a slice of the §1 table, keeping the posts
/// whose kind `keep` accepts. Every row is checked, kept or not.
pub(crate) fn texts_from_frame(
    df: &DataFrame,
    path: &Path,
    keep: fn(PostKind) -> bool,
    first_row: usize,
) -> Result<TextBatch> {
    let platform = str_chunked(df, "platform", path)?;
    let post_id = str_chunked(df, "post_id", path)?;
    let kind = str_chunked(df, "kind", path)?;
    let text = str_chunked(df, "text", path)?;
    let rows = df.height();
    let mut batch = TextBatch {
        platform: Vec::with_capacity(rows),
        post_id: StrColumn::with_capacity(rows, text_bytes(post_id)),
        kind: Vec::with_capacity(rows),
        text: TextColumn::default(),
        rows_read: rows,
    };
    let mut kept = Vec::with_capacity(rows);
    // Texts are only looked at here when some are missing.
    let mut texts = (text.null_count() > 0).then(|| text.iter());
    let cells = platform.iter().zip(post_id.iter()).zip(kind.iter());
    for (row, ((platform, post_id), kind)) in cells.enumerate() {
        let check = RowCheck {
            path,
            row: first_row + row,
        };
        let platform = check.platform(check.required(platform, "platform")?)?;
        let post_id = check.required(post_id, "post_id")?;
        let kind = check.kind(check.required(kind, "kind")?)?;
        if let Some(texts) = texts.as_mut() {
            check.required(texts.next().flatten(), "text")?;
        }
        let keep = keep(kind);
        if keep {
            batch.platform.push(platform);
            batch.post_id.push(post_id);
            batch.kind.push(kind);
        }
        kept.push(keep);
    }
    batch.text = TextColumn::new(text.clone(), kept);
    Ok(batch)
}

/// Read posts back from a §1 table. `path` names the file in errors.
pub(crate) fn from_frame(df: &DataFrame, path: &Path, first_row: usize) -> Result<Vec<Post>> {
    posts_from_frame(df, path, false, first_row)
}

/// The columns [`PostStore::read_threads`](crate::PostStore::read_threads)
/// reads: who wrote what when, and what it answers, quotes or mentions.
pub const THREAD_COLUMNS: [&str; 12] = [
    "platform",
    "post_id",
    "created_at",
    "author_id",
    "author_handle",
    "author_followers",
    "kind",
    "conversation_id",
    "reply_to_post_id",
    "reply_to_author_id",
    "referenced_post_id",
    "mentions",
];

/// A required text cell: its value, `""` when its column was not read, or
/// `None` for a null that should not be there.
fn text_or_empty(cell: Option<&str>, not_read: bool) -> Option<&str> {
    match cell {
        Some(v) => Some(v),
        None if not_read => Some(""),
        None => None,
    }
}

/// Posts from a slice of the table; with `partial`, a frame of some of
/// the columns, whose posts have every other field empty.
pub(crate) fn posts_from_frame(
    df: &DataFrame,
    path: &Path,
    partial: bool,
    first_row: usize,
) -> Result<Vec<Post>> {
    let columns = Columns::of(df, path, partial, first_row)?;
    (0..columns.rows)
        .map(|row| columns.row(row).map(|view| view.to_post()))
        .collect()
}

/// A list column's rows: row `r`'s strings are
/// `items[offsets[r]..offsets[r + 1]]`.
struct ListColumn<'a> {
    offsets: Vec<usize>,
    items: Vec<&'a str>,
}

impl<'a> ListColumn<'a> {
    /// Empty lists in every row: a column not read or absent.
    fn empty() -> Self {
        ListColumn {
            offsets: Vec::new(),
            items: Vec::new(),
        }
    }

    /// The strings of `ca` row by row: a null row is an empty list, and a
    /// null string inside a list is left out.
    fn of(ca: &'a ListChunked, why: impl Fn(String) -> Error) -> Result<Self> {
        let mut offsets = Vec::with_capacity(ca.len() + 1);
        offsets.push(0);
        let mut items = Vec::new();
        for array in ca.downcast_iter() {
            let values = array
                .values()
                .as_any()
                .downcast_ref::<Utf8ViewArray>()
                .ok_or_else(|| why(format!("expected a list of strings, found {}", ca.dtype())))?;
            let list_offsets = array.offsets();
            for row in 0..array.len() {
                if array.is_valid(row) {
                    let (from, to) = list_offsets.start_end(row);
                    items.extend((from..to).filter_map(|i| values.get(i)));
                }
                offsets.push(items.len());
            }
        }
        Ok(ListColumn { offsets, items })
    }

    /// The strings of row `row`.
    fn row(&self, row: usize) -> &[&'a str] {
        match (self.offsets.get(row), self.offsets.get(row + 1)) {
            (Some(&from), Some(&to)) => &self.items[from..to],
            _ => &[],
        }
    }
}

/// One column's cells, or, for a column not read, the one value every
/// row has (so a partial read allocates nothing for the columns it skips).
struct Cells<T> {
    values: Vec<T>,
    absent: T,
}

impl<T: Copy> Cells<T> {
    /// The cells of a column that was read.
    fn read(values: Vec<T>, absent: T) -> Self {
        Cells { values, absent }
    }

    /// A column not read: every row is `absent`.
    fn absent(absent: T) -> Self {
        Cells {
            values: Vec::new(),
            absent,
        }
    }

    /// The cell of row `row`.
    fn at(&self, row: usize) -> T {
        self.values.get(row).copied().unwrap_or(self.absent)
    }
}

/// A slice of the table as columns borrowed from its frame, read a row at
/// a time as [`PostView`]s: what loading encodes straight into a
/// [`PostSet`](crate::PostSet), and what [`posts_from_frame`] makes posts of.
pub(crate) struct Columns<'a> {
    path: &'a Path,
    /// The table row of the slice's first row, for errors.
    first_row: usize,
    rows: usize,
    /// Required text columns that were not read (their cells are `""`).
    not_read: Vec<&'static str>,
    platform: Cells<Option<&'a str>>,
    post_id: Cells<Option<&'a str>>,
    url: Cells<Option<&'a str>>,
    created_at: Cells<Option<i64>>,
    author_id: Cells<Option<&'a str>>,
    author_handle: Cells<Option<&'a str>>,
    author_name: Cells<Option<&'a str>>,
    author_followers: Cells<Option<u64>>,
    text: Cells<Option<&'a str>>,
    lang: Cells<Option<&'a str>>,
    kind: Cells<Option<&'a str>>,
    conversation_id: Cells<Option<&'a str>>,
    reply_to_post_id: Cells<Option<&'a str>>,
    reply_to_author_id: Cells<Option<&'a str>>,
    referenced_post_id: Cells<Option<&'a str>>,
    hashtags: ListColumn<'a>,
    mentions: ListColumn<'a>,
    urls: ListColumn<'a>,
    replies: Cells<Option<u64>>,
    reposts: Cells<Option<u64>>,
    likes: Cells<Option<u64>>,
    quotes: Cells<Option<u64>>,
    impressions: Cells<Option<u64>>,
    matched: Cells<Option<bool>>,
    source: Cells<Option<&'a str>>,
    collected_at: Cells<Option<i64>>,
    local_ref: Cells<Option<&'a str>>,
    seen_on: ListColumn<'a>,
}

impl<'a> Columns<'a> {
    /// The columns of `df`, a slice of the table at `path` from row
    /// `first_row` (errors name table rows); with `partial`, a frame of
    /// some of the columns, the others empty. Read in the table's order,
    /// so an error names the first column wrong.
    pub fn of(df: &'a DataFrame, path: &'a Path, partial: bool, first_row: usize) -> Result<Self> {
        let rows = df.height();
        let schema_err = |column: &str, why: String| Error::Schema {
            path: path.to_owned(),
            column: column.to_owned(),
            why,
        };
        let column = |name: &str| {
            df.column(name)
                .map_err(|_| schema_err(name, "missing".to_owned()))
        };
        let typed = |name: &str, e: PolarsError| schema_err(name, e.to_string());
        let absent = |name: &str| partial && df.column(name).is_err();
        let strs = |name: &str| -> Result<Cells<Option<&'a str>>> {
            if absent(name) {
                return Ok(Cells::absent(None));
            }
            Ok(Cells::read(str_column(df, name, path)?, None))
        };
        // Columns added after v1 may be absent from older files.
        let optional_strs = |name: &str| -> Result<Cells<Option<&'a str>>> {
            match df.column(name) {
                Ok(c) => Ok(Cells::read(
                    c.str().map_err(|e| typed(name, e))?.iter().collect(),
                    None,
                )),
                Err(_) => Ok(Cells::absent(None)),
            }
        };
        let counts = |name: &str| -> Result<Cells<Option<u64>>> {
            if absent(name) {
                return Ok(Cells::absent(None));
            }
            Ok(Cells::read(
                u64_chunked(df, name, path)?.iter().collect(),
                None,
            ))
        };
        let times = |name: &str| -> Result<Cells<Option<i64>>> {
            if absent(name) {
                return Ok(Cells::absent(Some(0)));
            }
            let millis = ms_chunked(df, name, path)?;
            Ok(Cells::read(millis.iter().collect(), Some(0)))
        };
        let lists = |name: &str| -> Result<ListColumn<'a>> {
            if absent(name) {
                return Ok(ListColumn::empty());
            }
            let ca = column(name)?.list().map_err(|e| typed(name, e))?;
            ListColumn::of(ca, |why| schema_err(name, why))
        };
        let flags = |name: &str| -> Result<Cells<Option<bool>>> {
            if absent(name) {
                return Ok(Cells::absent(Some(false)));
            }
            let values = column(name)?.bool().map_err(|e| typed(name, e))?;
            Ok(Cells::read(values.iter().collect(), Some(false)))
        };
        let not_read = [
            "platform",
            "post_id",
            "author_id",
            "author_handle",
            "text",
            "kind",
            "source",
        ]
        .into_iter()
        .filter(|c| absent(c))
        .collect();
        Ok(Columns {
            path,
            first_row,
            rows,
            not_read,
            platform: strs("platform")?,
            post_id: strs("post_id")?,
            url: strs("url")?,
            created_at: times("created_at")?,
            author_id: strs("author_id")?,
            author_handle: strs("author_handle")?,
            author_name: strs("author_name")?,
            author_followers: counts("author_followers")?,
            text: strs("text")?,
            lang: strs("lang")?,
            kind: strs("kind")?,
            conversation_id: strs("conversation_id")?,
            reply_to_post_id: strs("reply_to_post_id")?,
            reply_to_author_id: strs("reply_to_author_id")?,
            referenced_post_id: strs("referenced_post_id")?,
            hashtags: lists("hashtags")?,
            mentions: lists("mentions")?,
            urls: lists("urls")?,
            replies: counts("replies")?,
            reposts: counts("reposts")?,
            likes: counts("likes")?,
            quotes: counts("quotes")?,
            impressions: counts("impressions")?,
            matched: flags("matched")?,
            source: strs("source")?,
            collected_at: times("collected_at")?,
            local_ref: optional_strs("local_ref")?,
            // Added after v1's first stores: absent means empty.
            seen_on: if df.column("seen_on").is_ok() {
                lists("seen_on")?
            } else {
                ListColumn::empty()
            },
        })
    }

    /// How many rows.
    pub fn len(&self) -> usize {
        self.rows
    }

    /// Row `row`, checked: a null in a required column, an unknown platform
    /// or kind, or a time out of range is an error naming row and column.
    pub fn row(&self, row: usize) -> Result<PostView<'_, &[&'a str]>> {
        let check = RowCheck {
            path: self.path,
            row: self.first_row + row,
        };
        let required = |values: &Cells<Option<&'a str>>, column: &'static str| {
            let cell = text_or_empty(values.at(row), self.not_read.contains(&column));
            check.required(cell, column)
        };
        let instant = |values: &Cells<Option<i64>>, column: &str| -> Result<Millis> {
            values
                .at(row)
                .and_then(Millis::checked)
                .ok_or_else(|| check.bad(column, "null or out of range"))
        };
        Ok(PostView {
            platform: check.platform(required(&self.platform, "platform")?)?,
            post_id: required(&self.post_id, "post_id")?,
            url: self.url.at(row),
            created_at: instant(&self.created_at, "created_at")?,
            author_id: required(&self.author_id, "author_id")?,
            author_handle: required(&self.author_handle, "author_handle")?,
            author_name: self.author_name.at(row),
            author_followers: self.author_followers.at(row),
            text: required(&self.text, "text")?,
            lang: self.lang.at(row),
            kind: check.kind(required(&self.kind, "kind")?)?,
            conversation_id: self.conversation_id.at(row),
            reply_to_post_id: self.reply_to_post_id.at(row),
            reply_to_author_id: self.reply_to_author_id.at(row),
            referenced_post_id: self.referenced_post_id.at(row),
            hashtags: self.hashtags.row(row),
            mentions: self.mentions.row(row),
            urls: self.urls.row(row),
            replies: self.replies.at(row),
            reposts: self.reposts.at(row),
            likes: self.likes.at(row),
            quotes: self.quotes.at(row),
            impressions: self.impressions.at(row),
            matched: self
                .matched
                .at(row)
                .ok_or_else(|| check.bad("matched", "null in a required column"))?,
            source: required(&self.source, "source")?,
            collected_at: instant(&self.collected_at, "collected_at")?,
            local_ref: self.local_ref.at(row),
            seen_on: self.seen_on.row(row),
        })
    }
}
