//! Reading the count files `threadlens-sql report-counts` writes (their
//! layout: crates/threadlens-sql/src/report_counts.rs) into
//! [`SummaryCounts`], so `threadlens report --engine` makes its tables with
//! the code that makes them on one machine.

use std::path::Path;

use polars::prelude::*;
use threadlens_process::Lexicon;

use crate::error::{Error, Result};
use crate::summary::{ContributorCounts, PeriodCounts, SummaryCounts};
use crate::writers::read_parquet_table;

/// A count file's frame, with its path for errors.
struct CountFile {
    path: std::path::PathBuf,
    frame: DataFrame,
}

impl CountFile {
    fn read(dir: &Path, name: &str) -> Result<CountFile> {
        let path = dir.join(format!("{name}.parquet"));
        let frame = read_parquet_table(&path)?;
        Ok(CountFile { path, frame })
    }

    fn failed(&self, source: PolarsError) -> Error {
        Error::Polars {
            path: self.path.clone(),
            source,
        }
    }

    /// Column `name` as unsigned counts (NULL read as 0).
    fn counts(&self, name: &str) -> Result<Vec<u64>> {
        let column = self
            .frame
            .column(name)
            .and_then(|c| c.cast(&DataType::Int64))
            .map_err(|e| self.failed(e))?;
        let values = column.i64().map_err(|e| self.failed(e))?;
        Ok((0..values.len())
            .map(|i| u64::try_from(values.get(i).unwrap_or(0)).unwrap_or(0))
            .collect())
    }

    /// Column `name` as text (NULL read as empty).
    fn texts(&self, name: &str) -> Result<Vec<String>> {
        let column = self
            .frame
            .column(name)
            .and_then(|c| c.cast(&DataType::String))
            .map_err(|e| self.failed(e))?;
        let values = column.str().map_err(|e| self.failed(e))?;
        Ok((0..values.len())
            .map(|i| values.get(i).unwrap_or_default().to_owned())
            .collect())
    }

    /// Per theme `with_hit_i` and `hits_i`, row by row.
    fn theme_pairs(&self, themes: usize) -> Result<Vec<Vec<(u64, u64)>>> {
        let mut rows = vec![Vec::with_capacity(themes); self.frame.height()];
        for t in 0..themes {
            let with_hit = self.counts(&format!("with_hit_{t}"))?;
            let hits = self.counts(&format!("hits_{t}"))?;
            for (row, pair) in rows.iter_mut().zip(with_hit.into_iter().zip(hits)) {
                row.push(pair);
            }
        }
        Ok(rows)
    }

    fn invalid(&self, message: String) -> Error {
        Error::Validation {
            path: self.path.clone(),
            message,
        }
    }
}

/// Read the count files in `dir` for `lexicon`'s themes.
pub fn read_counts(dir: &Path, lexicon: &Lexicon) -> Result<SummaryCounts> {
    let themes = lexicon.themes.len();
    let totals = CountFile::read(dir, "totals")?;
    if totals.frame.height() != 1 {
        return Err(totals.invalid(format!("expected one row, found {}", totals.frame.height())));
    }
    let first = |name: &str| -> Result<u64> { Ok(totals.counts(name)?[0]) };
    let mut cooccurrence = Vec::with_capacity(themes * themes);
    for t in 0..themes {
        for u in 0..themes {
            cooccurrence.push(first(&format!("co_{t}_{u}"))?);
        }
    }
    let periods = CountFile::read(dir, "periods")?;
    let starts = periods.counts("period_utc_ms")?;
    let posts = periods.counts("posts")?;
    let period_themes = periods.theme_pairs(themes)?;
    let mut period_rows = Vec::with_capacity(starts.len());
    for ((start, posts), themes) in starts.into_iter().zip(posts).zip(period_themes) {
        let start = chrono::DateTime::from_timestamp_millis(start as i64)
            .ok_or_else(|| periods.invalid(format!("period_utc_ms {start} is not an instant")))?;
        period_rows.push(PeriodCounts {
            start,
            posts,
            themes,
        });
    }
    let contributors = CountFile::read(dir, "contributors")?;
    let (platform, key, handle) = (
        contributors.texts("platform")?,
        contributors.texts("author_key")?,
        contributors.texts("author_handle")?,
    );
    let (c_posts, replies) = (
        contributors.counts("posts")?,
        contributors.counts("replies")?,
    );
    let hits: Vec<Vec<u64>> = (0..themes)
        .map(|t| contributors.counts(&format!("hits_{t}")))
        .collect::<Result<_>>()?;
    let contributor_rows = (0..platform.len())
        .map(|r| ContributorCounts {
            platform: platform[r].clone(),
            key: key[r].clone(),
            handle: handle[r].clone(),
            posts: c_posts[r],
            replies: replies[r],
            hits: hits.iter().map(|h| h[r]).collect(),
        })
        .collect();
    let hashtags = CountFile::read(dir, "hashtags")?;
    let hashtag_rows = hashtags
        .texts("hashtag")?
        .into_iter()
        .zip(hashtags.counts("posts")?)
        .collect();
    let terms = CountFile::read(dir, "terms")?;
    let (theme, entry) = (terms.texts("theme")?, terms.texts("entry")?);
    let (t_hits, t_posts) = (terms.counts("hits")?, terms.counts("posts")?);
    let mut term_rows = Vec::with_capacity(theme.len());
    for r in 0..theme.len() {
        let t = lexicon
            .themes
            .iter()
            .position(|th| th.id == theme[r])
            .ok_or_else(|| terms.invalid(format!("theme `{}` is not in the lexicon", theme[r])))?;
        let e = lexicon.themes[t]
            .entries
            .iter()
            .position(|en| en.text == entry[r])
            .ok_or_else(|| {
                terms.invalid(format!(
                    "entry `{}` is not in theme `{}`",
                    entry[r], theme[r]
                ))
            })?;
        term_rows.push(((t, e), (t_hits[r], t_posts[r])));
    }
    let theme_totals = totals
        .theme_pairs(themes)?
        .into_iter()
        .next()
        .unwrap_or_default();
    Ok(SummaryCounts {
        posts: first("posts")?,
        words: first("words")?,
        left_out: first("stored")?.saturating_sub(first("posts")?),
        themes: theme_totals,
        periods: period_rows,
        contributors: contributor_rows,
        hashtags: hashtag_rows,
        terms: term_rows,
        cooccurrence,
    })
}
