//! The `post_scores` table (formats.md §5): one row per scored post,
//! written batch by batch so memory stays flat in the number of posts.

use std::io::Write;
use std::path::{Path, PathBuf};

use polars::prelude::*;
use threadlens_process::{ScoreColumns, theme_score};
use threadlens_store::{AtomicFile, TextBatch};

use crate::{Error, Result, TableFormat, guard_cell};

/// The table's name, and its files' stem.
pub const POST_SCORES: &str = "post_scores";

/// Posts and their scores, row for row.
#[derive(Debug, Clone, Default)]
pub struct ScoredBatch {
    /// The posts (key, kind, text).
    pub posts: TextBatch,
    /// Their counts, in the same order.
    pub scores: ScoreColumns,
}

/// What [`write_post_scores`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// Rows in the table.
    pub rows: u64,
    /// The files, one per format.
    pub files: Vec<PathBuf>,
}

/// The column names: `post_id`, `platform`, `word_count`, `emoji_count`,
/// then `<theme>_hits` and `<theme>_score` for each theme in order.
pub fn post_scores_columns(themes: &[String]) -> Vec<String> {
    let mut names: Vec<String> = ["post_id", "platform", "word_count", "emoji_count"]
        .map(str::to_owned)
        .to_vec();
    for theme in themes {
        names.push(format!("{theme}_hits"));
        names.push(format!("{theme}_score"));
    }
    names
}

/// Write `post_scores.<format>` in `out_dir` for every format, from
/// `batches`. Each file appears only when complete (written beside, then
/// renamed); on an error none of them is replaced.
pub fn write_post_scores<I>(
    out_dir: &Path,
    formats: &[TableFormat],
    themes: &[String],
    batches: I,
) -> Result<Written>
where
    I: IntoIterator<Item = Result<ScoredBatch>>,
{
    let path_of = |format: TableFormat| out_dir.join(format!("{POST_SCORES}.{format}"));
    let mut csv = match formats.contains(&TableFormat::Csv) {
        true => Some(AtomicFile::create(&path_of(TableFormat::Csv))?),
        false => None,
    };
    let mut parquet_file = match formats.contains(&TableFormat::Parquet) {
        true => Some(AtomicFile::create(&path_of(TableFormat::Parquet))?),
        false => None,
    };
    let parquet_path = path_of(TableFormat::Parquet);
    let polars_err = |source| Error::Polars {
        path: parquet_path.clone(),
        source,
    };
    let names = post_scores_columns(themes);
    if let Some(file) = csv.as_mut() {
        write_csv_rows(file, |w| w.write_record(&names))?;
    }
    let mut parquet = match parquet_file.as_mut() {
        Some(file) => {
            let schema = frame(&names, &ScoredBatch::default()).map_err(polars_err)?;
            Some(
                ParquetWriter::new(file.writer())
                    .with_statistics(StatisticsOptions::full())
                    .batched(schema.schema())
                    .map_err(polars_err)?,
            )
        }
        None => None,
    };
    let mut rows = 0u64;
    for batch in batches {
        let batch = batch?;
        rows += batch.posts.len() as u64;
        if let Some(file) = csv.as_mut() {
            write_csv_rows(file, |w| write_csv_batch(w, &batch))?;
        }
        if let Some(writer) = parquet.as_mut() {
            let df = frame(&names, &batch).map_err(polars_err)?;
            writer.write_batch(&df).map_err(polars_err)?;
        }
    }
    if let Some(writer) = parquet.take() {
        writer.finish().map_err(polars_err)?;
    }
    let mut files = Vec::new();
    for file in [csv, parquet_file].into_iter().flatten() {
        files.push(file.target().to_owned());
        file.commit()?;
    }
    Ok(Written { rows, files })
}

/// Format rows with the `csv` crate into memory, then append them to `file`.
fn write_csv_rows(
    file: &mut AtomicFile,
    write: impl FnOnce(&mut csv::Writer<Vec<u8>>) -> csv::Result<()>,
) -> Result<()> {
    let path = file.target().to_owned();
    let csv_err = |source| Error::Csv {
        path: path.clone(),
        source,
    };
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    write(&mut w).map_err(csv_err)?;
    let bytes = w.into_inner().map_err(|e| csv_err(e.into_error().into()))?;
    file.writer().write_all(&bytes).map_err(|source| Error::Io {
        path: file.temp_path().to_owned(),
        source,
    })
}

fn write_csv_batch(w: &mut csv::Writer<Vec<u8>>, batch: &ScoredBatch) -> csv::Result<()> {
    let scores = &batch.scores;
    let mut record: Vec<String> = Vec::new();
    for row in 0..batch.posts.len() {
        record.clear();
        record.push(guard_cell(&batch.posts.post_id[row]).into_owned());
        record.push(batch.posts.platform[row].as_str().to_owned());
        let words = scores.word_count[row];
        record.push(words.to_string());
        record.push(scores.emoji_count[row].to_string());
        for hits in &scores.hits {
            record.push(hits[row].to_string());
            record.push(theme_score(hits[row] as usize, words as usize).to_string());
        }
        w.write_record(&record)?;
    }
    Ok(())
}

/// The batch as a polars frame with the table's columns.
fn frame(names: &[String], batch: &ScoredBatch) -> PolarsResult<DataFrame> {
    let scores = &batch.scores;
    let rows = batch.posts.len();
    let mut columns = vec![
        Column::new(names[0].as_str().into(), &batch.posts.post_id),
        Column::new(
            names[1].as_str().into(),
            batch
                .posts
                .platform
                .iter()
                .map(|p| p.as_str())
                .collect::<Vec<_>>(),
        ),
        Column::new(names[2].as_str().into(), &scores.word_count),
        Column::new(names[3].as_str().into(), &scores.emoji_count),
    ];
    for (t, hits) in scores.hits.iter().enumerate() {
        columns.push(Column::new(names[4 + 2 * t].as_str().into(), hits));
        let score: Vec<f64> = hits
            .iter()
            .zip(&scores.word_count)
            .map(|(&h, &w)| theme_score(h as usize, w as usize))
            .collect();
        columns.push(Column::new(names[5 + 2 * t].as_str().into(), score));
    }
    // An empty batch still needs every theme column, for the schema.
    for t in scores.hits.len()..(names.len() - 4) / 2 {
        columns.push(Column::new(
            names[4 + 2 * t].as_str().into(),
            Vec::<u32>::new(),
        ));
        columns.push(Column::new(
            names[5 + 2 * t].as_str().into(),
            Vec::<f64>::new(),
        ));
    }
    DataFrame::new(rows, columns)
}
