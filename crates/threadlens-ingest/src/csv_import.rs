//! The generic `csv` format: a header row, and a column map from formats.md
//! §1 fields to the file's columns. Output of `twarc-csv` is recognised by
//! its header and mapped without a `--map`.

use std::borrow::Cow;
use std::path::Path;

use crate::context::Context;
use crate::generic::{GenericRecord, Item};
use crate::reject::{Emit, Outcome, RecordError};
use crate::{Error, Result};

/// Fields a column map can fill, with the names they are also known by.
const FIELDS: &[(&str, &[&str])] = &[
    ("id", &["post_id"]),
    ("text", &[]),
    ("created_at", &[]),
    ("author", &["author_handle"]),
    ("platform", &[]),
    ("url", &[]),
    ("author_id", &[]),
    ("author_name", &[]),
    ("author_followers", &[]),
    ("lang", &[]),
    ("kind", &[]),
    ("conversation_id", &[]),
    ("reply_to_post_id", &[]),
    ("reply_to_author_id", &[]),
    ("referenced_post_id", &[]),
    ("reposted_post_id", &[]),
    ("quoted_post_id", &[]),
    ("hashtags", &[]),
    ("mentions", &[]),
    ("urls", &[]),
    ("replies", &[]),
    ("reposts", &[]),
    ("likes", &[]),
    ("quotes", &[]),
    ("impressions", &[]),
    ("matched", &[]),
    ("source", &[]),
    ("collected_at", &[]),
];

/// The fields a CSV must provide.
const REQUIRED: [&str; 4] = ["id", "text", "created_at", "author"];

/// How `twarc-csv` (0.7) names the columns threadlens reads.
const TWARC_CSV: &[(&str, &str)] = &[
    ("id", "id"),
    ("conversation_id", "conversation_id"),
    ("reply_to_post_id", "referenced_tweets.replied_to.id"),
    ("reposted_post_id", "referenced_tweets.retweeted.id"),
    ("quoted_post_id", "referenced_tweets.quoted.id"),
    ("author_id", "author_id"),
    ("reply_to_author_id", "in_reply_to_user_id"),
    ("created_at", "created_at"),
    ("text", "text"),
    ("lang", "lang"),
    ("impressions", "public_metrics.impression_count"),
    ("replies", "public_metrics.reply_count"),
    ("reposts", "public_metrics.retweet_count"),
    ("quotes", "public_metrics.quote_count"),
    ("likes", "public_metrics.like_count"),
    ("hashtags", "entities.hashtags"),
    ("mentions", "entities.mentions"),
    ("urls", "entities.urls"),
    ("author", "author.username"),
    ("author_name", "author.name"),
    ("author_followers", "author.public_metrics.followers_count"),
    ("collected_at", "__twarc.retrieved_at"),
];

/// A map from post fields to CSV columns (`--map post_id=tweet_id,text=body`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnMap {
    entries: Vec<(String, String)>,
}

impl ColumnMap {
    /// Parse `field=column[,field=column...]`. Field names are formats.md §1
    /// columns (`post_id`/`id`, `author_handle`/`author`, ...), plus
    /// `reposted_post_id` and `quoted_post_id`, which also set the kind.
    pub fn parse(map: &str) -> Result<ColumnMap> {
        let bad = |why: String| Error::BadColumnMap {
            map: map.to_owned(),
            why,
        };
        let mut entries = Vec::new();
        for pair in map.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (field, column) = pair
                .split_once('=')
                .ok_or_else(|| bad(format!("{pair:?} is not field=column")))?;
            let field = canonical_field(field.trim()).ok_or_else(|| {
                let known: Vec<&str> = FIELDS.iter().map(|(f, _)| *f).collect();
                bad(format!(
                    "unknown field {:?} (known: {})",
                    field.trim(),
                    known.join(", ")
                ))
            })?;
            if column.trim().is_empty() {
                return Err(bad(format!("no column given for field `{field}`")));
            }
            entries.retain(|(f, _): &(String, String)| f != field);
            entries.push((field.to_owned(), column.trim().to_owned()));
        }
        Ok(ColumnMap { entries })
    }

    /// Whether the map names no columns.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

fn canonical_field(name: &str) -> Option<&'static str> {
    FIELDS
        .iter()
        .find(|(f, aliases)| *f == name || aliases.contains(&name))
        .map(|(f, _)| *f)
}

/// Whether a header row is twarc-csv's.
pub(crate) fn is_twarc_csv(header: &[String]) -> bool {
    [
        "referenced_tweets.replied_to.id",
        "author.username",
        "__twarc.retrieved_at",
    ]
    .iter()
    .all(|c| header.iter().any(|h| h == c))
}

/// Resolved: for each field, the index of its column.
struct Plan {
    columns: Vec<(&'static str, usize)>,
    twarc: bool,
}

fn plan(path: &Path, header: &[String], map: &ColumnMap) -> Result<Plan> {
    let twarc = is_twarc_csv(header);
    let mut columns = Vec::new();
    let index_of = |column: &str| header.iter().position(|h| h == column);
    for (field, aliases) in FIELDS {
        let explicit = map
            .entries
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, c)| c.as_str());
        let preset = twarc
            .then(|| TWARC_CSV.iter().find(|(f, _)| f == field).map(|(_, c)| *c))
            .flatten();
        let chosen = match explicit.or(preset) {
            Some(column) => Some(index_of(column).ok_or_else(|| Error::MissingCsvColumn {
                path: path.to_owned(),
                field: (*field).to_owned(),
                column: column.to_owned(),
                header: header.join(", "),
            })?),
            None => std::iter::once(*field)
                .chain(aliases.iter().copied())
                .find_map(index_of),
        };
        if let Some(index) = chosen {
            columns.push((*field, index));
        }
    }
    for field in REQUIRED {
        if !columns.iter().any(|(f, _)| *f == field) {
            return Err(Error::BadCsv {
                path: path.to_owned(),
                line: 1,
                why: format!(
                    "no column for required field `{field}`; name it with --map {field}=COLUMN (header: {})",
                    header.join(", ")
                ),
            });
        }
    }
    Ok(Plan { columns, twarc })
}

/// A list cell: a JSON array (twarc-csv) or values separated by spaces or commas.
fn list_cell(cell: &str) -> Option<Vec<Item<'_>>> {
    let cell = cell.trim();
    if cell.is_empty() {
        return None;
    }
    if cell.starts_with('[')
        && let Ok(items) = serde_json::from_str::<Vec<Item<'_>>>(cell)
    {
        return Some(items);
    }
    Some(
        cell.split([',', ' '])
            .filter(|s| !s.is_empty())
            .map(|s| Item(Cow::Borrowed(s)))
            .collect(),
    )
}

fn fill<'a>(record: &mut GenericRecord<'a>, field: &str, cell: &'a str) -> Result<(), String> {
    let borrowed = || (!cell.is_empty()).then_some(Cow::Borrowed(cell));
    let count = || -> Result<Option<u64>, String> {
        let c = cell.trim();
        if c.is_empty() {
            return Ok(None);
        }
        // pandas writes whole counts of a column with gaps as floats: "12.0".
        let c = c.strip_suffix(".0").unwrap_or(c);
        c.parse()
            .map(Some)
            .map_err(|_| format!("field `{field}`: {cell:?} is not a count"))
    };
    match field {
        "id" => record.id = borrowed(),
        "text" => record.text = Some(Cow::Borrowed(cell)),
        "created_at" => record.created_at = borrowed(),
        "author" => record.author = borrowed(),
        "platform" => record.platform = borrowed(),
        "url" => record.url = borrowed(),
        "author_id" => record.author_id = borrowed(),
        "author_name" => record.author_name = borrowed(),
        "author_followers" => record.author_followers = count()?,
        "lang" => record.lang = borrowed(),
        "kind" => record.kind = borrowed(),
        "conversation_id" => record.conversation_id = borrowed(),
        "reply_to_post_id" => record.reply_to_post_id = borrowed(),
        "reply_to_author_id" => record.reply_to_author_id = borrowed(),
        "referenced_post_id" => record.referenced_post_id = borrowed(),
        "reposted_post_id" => record.reposted_post_id = borrowed(),
        "quoted_post_id" => record.quoted_post_id = borrowed(),
        "hashtags" => record.hashtags = list_cell(cell),
        "mentions" => record.mentions = list_cell(cell),
        "urls" => record.urls = list_cell(cell),
        "replies" => record.replies = count()?,
        "reposts" => record.reposts = count()?,
        "likes" => record.likes = count()?,
        "quotes" => record.quotes = count()?,
        "impressions" => record.impressions = count()?,
        "matched" => {
            record.matched = match cell.trim().to_ascii_lowercase().as_str() {
                "" => None,
                "true" | "1" | "yes" => Some(true),
                "false" | "0" | "no" => Some(false),
                other => return Err(format!("field `matched`: {other:?} is not true or false")),
            }
        }
        "source" => record.source = borrowed(),
        "collected_at" => record.collected_at = borrowed(),
        _ => {}
    }
    Ok(())
}

/// Read a CSV file, sending each row's outcome to `emit`. Returns whether
/// the header was recognised as twarc-csv's.
pub(crate) fn read_csv_file(
    path: &Path,
    map: &ColumnMap,
    ctx: &Context,
    out: &mut dyn Emit,
) -> Result<bool> {
    let input = crate::input::open(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    let disk_bytes = input.disk_bytes;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(input.reader);
    let header: Vec<String> = reader
        .byte_headers()
        .map_err(|e| Error::BadCsv {
            path: path.to_owned(),
            line: 1,
            why: e.to_string(),
        })?
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let h = String::from_utf8_lossy(h).into_owned();
            if i == 0 {
                h.trim_start_matches('\u{feff}').to_owned()
            } else {
                h
            }
        })
        .collect();
    let plan = plan(path, &header, map)?;
    let mut row = csv::ByteRecord::new();
    let mut line = 1;
    loop {
        match reader.read_byte_record(&mut row) {
            Ok(false) => break,
            Ok(true) => {
                line = row.position().map_or(line + 1, |p| p.line());
                out.outcome(convert_row(&plan, &header, &row, line, ctx));
            }
            Err(e) => {
                let at = e.position().map_or(line + 1, |p| p.line());
                out.outcome(Err(RecordError {
                    line: at,
                    reason: format!("unreadable CSV row: {e}"),
                    raw: String::new(),
                }));
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
            }
        }
        if line % 4096 == 0 {
            out.progress(disk_bytes.get());
        }
    }
    out.progress(disk_bytes.get());
    Ok(plan.twarc)
}

fn convert_row(
    plan: &Plan,
    header: &[String],
    row: &csv::ByteRecord,
    line: u64,
    ctx: &Context,
) -> Outcome {
    let raw = || {
        let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
        let _ = w.write_byte_record(row);
        String::from_utf8_lossy(&w.into_inner().unwrap_or_default())
            .trim_end()
            .to_owned()
    };
    let error = |reason: String| RecordError {
        line,
        reason,
        raw: raw(),
    };
    if row.len() != header.len() {
        return Err(error(format!(
            "the row has {} fields, the header has {}",
            row.len(),
            header.len()
        )));
    }
    let mut record = GenericRecord::default();
    if plan.twarc {
        record.platform = Some(Cow::Borrowed("x"));
    }
    for &(field, index) in &plan.columns {
        let bytes = row.get(index).unwrap_or_default();
        let cell = std::str::from_utf8(bytes).map_err(|e| {
            error(format!(
                "field `{field}` (column {:?}) is not valid UTF-8 (byte {})",
                header[index],
                e.valid_up_to()
            ))
        })?;
        fill(&mut record, field, cell).map_err(error)?;
    }
    let mut post = record.into_post(ctx).map_err(error)?;
    if plan.twarc && post.url.is_none() {
        post.url = Some(format!(
            "https://x.com/{}/status/{}",
            post.author_handle, post.post_id
        ));
    }
    Ok(post)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_parses_aliases_and_refuses_unknown_fields() {
        let map = ColumnMap::parse("post_id=tweet_id, author_handle=user ,text=body").unwrap();
        assert_eq!(
            map.entries,
            vec![
                ("id".into(), "tweet_id".into()),
                ("author".into(), "user".into()),
                ("text".into(), "body".into())
            ]
        );
        assert!(
            ColumnMap::parse("colour=c")
                .unwrap_err()
                .to_string()
                .contains("unknown field \"colour\"")
        );
        assert!(ColumnMap::parse("text").is_err());
        assert!(ColumnMap::parse("text=").is_err());
    }

    #[test]
    fn list_cells() {
        let strings = |items: Vec<Item<'_>>| -> Vec<String> {
            items.into_iter().map(|Item(s)| s.into_owned()).collect()
        };
        assert_eq!(
            strings(list_cell(r##"["#Brexit", "#NHS", "a\u00e9"]"##).unwrap()),
            vec!["#Brexit", "#NHS", "a\u{e9}"]
        );
        assert_eq!(strings(list_cell("a, b c").unwrap()), vec!["a", "b", "c"]);
        assert!(list_cell("  ").is_none());
    }
}
