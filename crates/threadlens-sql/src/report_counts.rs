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
//!   themes `co_i_j` (posts that hit both);
//! - `periods.parquet`: `period_utc_ms` (the period's first instant, Unix
//!   milliseconds), `posts`, `with_hit_i`, `hits_i`;
//! - `contributors.parquet`, the top N: `platform`, `author_key`,
//!   `author_handle` (as first seen), `posts`, `replies`, `hits_i`;
//! - `hashtags.parquet`, the top N: `hashtag`, `posts`;
//! - `terms.parquet`, every matched entry: `theme` (id), `entry` (as
//!   written), `hits`, `posts`.

use std::path::Path;

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

/// The files written, in order.
pub const COUNT_FILES: [&str; 5] = ["totals", "periods", "contributors", "hashtags", "terms"];

/// The queries, by file.
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
            "totals",
            format!(
                "{scored}, stored AS (SELECT CAST(count(*) AS BIGINT) AS stored FROM posts) \
                 SELECT stored.stored, t.* FROM stored CROSS JOIN \
                 (SELECT CAST(count(*) AS BIGINT) AS posts, {} AS words, {per_theme}, {} FROM scored) t",
                total("s['word_count']".into()),
                pairs.join(", ")
            ),
        ),
        (
            "periods",
            format!(
                "{scored} SELECT {period} AS period_utc_ms, CAST(count(*) AS BIGINT) AS posts, {per_theme} \
                 FROM scored GROUP BY 1 ORDER BY 1"
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
/// with `lexicon`) and write each result to `out/<file>.parquet`.
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
    for (name, sql) in count_queries(lexicon, options) {
        let frame = ctx.sql(&sql).await?;
        let schema = std::sync::Arc::new(frame.schema().as_arrow().clone());
        let batches = frame.collect().await?;
        let path = out.join(format!("{name}.parquet"));
        let mut file = std::fs::File::create(&path).map_err(|source| SqlError::Io {
            path: path.clone(),
            source,
        })?;
        write_result(&batches, &schema, OutputFormat::Parquet, &mut file)?;
        tracing::info!(
            table = name,
            rows = batches.iter().map(|b| b.num_rows()).sum::<usize>(),
            "counted"
        );
    }
    Ok(())
}
