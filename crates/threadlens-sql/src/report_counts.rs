//! The counts behind `threadlens report --engine`: what the summary tables
//! of formats.md §5 (`theme_summary`, `theme_by_period`,
//! `top_contributors`, `top_hashtags`, `top_terms`, `theme_cooccurrence`)
//! are made of, computed by SQL on any engine and written as Parquet files
//! that `threadlens report` turns into the tables with the same code as on
//! one machine. Shares, intervals and the files' formats are not computed
//! here, so they cannot differ.
//!
//! The files (every count `Int64`; theme `i` is the lexicon's `i`th):
//! - `totals.parquet`, one row: `stored`, `posts` (scored; the rest were
//!   left out as reposts),
//!   `words`, then per theme `with_hit_i`, `hits_i`, then per pair of
//!   themes `co_i_j` (posts that hit both); all but `stored` are summed
//!   from the per-period counts, so the posts are scored once for both;
//! - `periods.parquet`: `period_utc_ms` (the period's first instant, Unix
//!   milliseconds), `posts`, `with_hit_i`, `hits_i`;
//! - `contributors.parquet`, the top N: `platform`, `author_key`,
//!   `author_handle` (as first seen), `posts`, `replies`, `hits_i`;
//! - `hashtags.parquet`, the top N: `hashtag`, `posts`;
//! - `terms.parquet`, every matched entry: `theme` (id), `entry` (as
//!   written), `hits`, `posts`.

use std::path::Path;
use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, Int64Array, RecordBatch};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::prelude::SessionContext;
use threadlens_model::Period;
use threadlens_process::Lexicon;

use crate::error::SqlError;
use crate::output::{OutputFormat, write_result};

/// What the counts are taken over.
#[derive(Debug, Clone)]
pub struct CountOptions {
    /// The length of `theme_by_period`'s periods.
    pub period: Period,
    /// The time zone periods are local to (an IANA name).
    pub timezone: String,
    /// Score reposts too.
    pub include_reposts: bool,
    /// Rows kept of `top_contributors` and `top_hashtags`.
    pub top: usize,
}

/// The files written.
pub const COUNT_FILES: [&str; 5] = ["totals", "periods", "contributors", "hashtags", "terms"];

/// The queries, by what they count: `stored` (every post), `periods`
/// (totals are its sums), then by file.
pub fn count_queries(lexicon: &Lexicon, options: &CountOptions) -> Vec<(&'static str, String)> {
    let ids: Vec<&str> = lexicon.themes.iter().map(|t| t.id.as_str()).collect();
    let count = |condition: String| {
        format!("CAST(coalesce(sum(CASE WHEN {condition} THEN 1 ELSE 0 END), 0) AS BIGINT)")
    };
    let total = |value: String| format!("CAST(coalesce(sum({value}), 0) AS BIGINT)");
    let hits = |id: &str| format!("s['{id}_hits']");
    let per_theme: Vec<String> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            format!(
                "{} AS with_hit_{i}, {} AS hits_{i}",
                count(format!("{} > 0", hits(id))),
                total(hits(id))
            )
        })
        .collect();
    let per_theme = per_theme.join(", ");
    let hits_only: Vec<String> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| format!("{} AS hits_{i}", total(hits(id))))
        .collect();
    let hits_only = hits_only.join(", ");
    let mut pairs = Vec::new();
    for (i, a) in ids.iter().enumerate() {
        for (j, b) in ids.iter().enumerate() {
            pairs.push(format!(
                "{} AS co_{i}_{j}",
                count(format!("{} > 0 AND {} > 0", hits(a), hits(b)))
            ));
        }
    }
    let filter = if options.include_reposts {
        ""
    } else {
        " WHERE kind <> 'repost'"
    };
    let scored = format!(
        "WITH scored AS (SELECT platform, post_id, created_at, author_handle, kind, text, tl_score(text) AS s FROM posts{filter})"
    );
    let period = format!(
        "arrow_cast(tl_period(created_at, '{}', '{}'), 'Int64')",
        options.period.name(),
        options.timezone.replace('\'', "''")
    );
    let top = options.top;
    vec![
        (
            "stored",
            "SELECT CAST(count(*) AS BIGINT) AS stored FROM posts".to_owned(),
        ),
        (
            // Every column of totals but `stored`, per period: totals are
            // these columns' sums, so the posts are scored once for both.
            "periods",
            format!(
                "{scored} SELECT {period} AS period_utc_ms, CAST(count(*) AS BIGINT) AS posts, \
                 {} AS words, {per_theme}, {} \
                 FROM scored GROUP BY 1 ORDER BY 1",
                total("s['word_count']".into()),
                pairs.join(", ")
            ),
        ),
        (
            "contributors",
            format!(
                "{scored} SELECT platform, tl_handle_key(author_handle) AS author_key, \
                 first_value(author_handle ORDER BY created_at, post_id) AS author_handle, \
                 CAST(count(*) AS BIGINT) AS posts, {} AS replies, {hits_only} \
                 FROM scored GROUP BY platform, tl_handle_key(author_handle) \
                 ORDER BY posts DESC, platform, author_key LIMIT {top}",
                count("kind = 'reply'".into())
            ),
        ),
        (
            "hashtags",
            format!(
                "{scored} SELECT tag AS hashtag, CAST(count(*) AS BIGINT) AS posts \
                 FROM (SELECT unnest(tl_hashtags(text)) AS tag FROM scored) \
                 GROUP BY tag ORDER BY posts DESC, hashtag LIMIT {top}"
            ),
        ),
        (
            "terms",
            format!(
                "{scored}, matched AS (SELECT platform, post_id, unnest(tl_matches(text)) AS m FROM scored), \
                 per_post AS (SELECT platform, post_id, m['theme'] AS theme, m['entry'] AS entry, count(*) AS n \
                 FROM matched GROUP BY platform, post_id, m['theme'], m['entry']) \
                 SELECT theme, entry, CAST(sum(n) AS BIGINT) AS hits, CAST(count(*) AS BIGINT) AS posts \
                 FROM per_post GROUP BY theme, entry ORDER BY theme, entry"
            ),
        ),
    ]
}

/// Run the count queries on `ctx` (which has `posts` and the functions
/// with `lexicon`) and write each file to `out/<file>.parquet`.
pub async fn write_report_counts(
    ctx: &SessionContext,
    lexicon: &Lexicon,
    options: &CountOptions,
    out: &Path,
) -> Result<(), SqlError> {
    std::fs::create_dir_all(out).map_err(|source| SqlError::Io {
        path: out.to_owned(),
        source,
    })?;
    let mut stored = None;
    for (name, sql) in count_queries(lexicon, options) {
        let frame = ctx.sql(&sql).await?;
        let schema: SchemaRef = Arc::new(frame.schema().as_arrow().clone());
        let batches = frame.collect().await?;
        let rows = batches.iter().map(|b| b.num_rows()).sum::<usize>();
        tracing::info!(query = name, rows, "counted");
        match name {
            "stored" => stored = Some(column_sum(&batches, "stored")?),
            "periods" => {
                let stored =
                    stored.ok_or_else(|| SqlError::Query("stored is counted first".into()))?;
                let totals = totals(stored, &schema, &batches)?;
                write_counts(out, "totals", &totals.schema(), &[totals])?;
                let columns = column_indices(&schema, &period_columns(lexicon.themes.len()))?;
                let periods = batches
                    .iter()
                    .map(|b| b.project(&columns))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| SqlError::Query(format!("periods: {e}")))?;
                let schema = schema
                    .project(&columns)
                    .map_err(|e| SqlError::Query(format!("periods: {e}")))?;
                write_counts(out, "periods", &Arc::new(schema), &periods)?;
            }
            file => write_counts(out, file, &schema, &batches)?,
        }
    }
    Ok(())
}

/// The columns of `periods.parquet`.
fn period_columns(themes: usize) -> Vec<String> {
    let mut columns = vec!["period_utc_ms".to_owned(), "posts".to_owned()];
    for i in 0..themes {
        columns.push(format!("with_hit_{i}"));
        columns.push(format!("hits_{i}"));
    }
    columns
}

/// The one row of `totals.parquet`: `stored`, then the sum over the
/// periods of each other column of the periods query (`posts`, `words`,
/// `with_hit_i`, `hits_i`, `co_i_j`).
fn totals(
    stored: i64,
    schema: &SchemaRef,
    periods: &[RecordBatch],
) -> Result<RecordBatch, SqlError> {
    let mut fields = vec![Field::new("stored", DataType::Int64, false)];
    let mut values: Vec<ArrayRef> = vec![Arc::new(Int64Array::from(vec![stored]))];
    for field in schema.fields() {
        let name = field.name();
        if name == "period_utc_ms" {
            continue;
        }
        values.push(Arc::new(Int64Array::from(vec![column_sum(periods, name)?])));
        fields.push(Field::new(name, DataType::Int64, false));
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), values)
        .map_err(|e| SqlError::Query(format!("totals: {e}")))
}

/// The sum of the `Int64` column `name` over `batches` (0 when none).
fn column_sum(batches: &[RecordBatch], name: &str) -> Result<i64, SqlError> {
    let mut sum = 0i64;
    for batch in batches {
        let column = batch
            .column_by_name(name)
            .and_then(|c| c.as_any().downcast_ref::<Int64Array>())
            .ok_or_else(|| SqlError::Query(format!("counts: no Int64 column {name}")))?;
        sum += column.iter().flatten().sum::<i64>();
    }
    Ok(sum)
}

/// The positions of `columns` in `schema`.
fn column_indices(schema: &SchemaRef, columns: &[String]) -> Result<Vec<usize>, SqlError> {
    columns
        .iter()
        .map(|name| {
            schema
                .index_of(name)
                .map_err(|e| SqlError::Query(format!("periods: {e}")))
        })
        .collect()
}

/// Write `batches` to `out/<name>.parquet`.
fn write_counts(
    out: &Path,
    name: &str,
    schema: &SchemaRef,
    batches: &[RecordBatch],
) -> Result<(), SqlError> {
    let path = out.join(format!("{name}.parquet"));
    let mut file = std::fs::File::create(&path).map_err(|source| SqlError::Io {
        path: path.clone(),
        source,
    })?;
    write_result(batches, schema, OutputFormat::Parquet, &mut file)
}
