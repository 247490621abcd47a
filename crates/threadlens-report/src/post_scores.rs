//! The `post_scores` table (formats.md §5): one row per scored post,
//! written batch by batch so memory stays flat in the number of posts.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use polars::prelude::*;
use threadlens_model::Platform;
use threadlens_process::{ScoreColumns, theme_score};
use threadlens_store::{AtomicFile, RowGroupEncoder, RowGroupWriter, StrColumn};

use crate::{Error, Result, TableFormat, guard_cell};

/// The table's name, and its files' stem.
pub const POST_SCORES: &str = "post_scores";

/// Posts (by key) and their scores, row for row.
#[derive(Debug, Clone, Default)]
pub struct ScoredBatch {
    /// Post ids.
    pub post_id: StrColumn,
    /// Platforms.
    pub platform: Vec<Platform>,
    /// Their counts, in the same order.
    pub scores: ScoreColumns,
}

impl ScoredBatch {
    /// How many posts.
    pub fn len(&self) -> usize {
        self.platform.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.platform.is_empty()
    }
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
/// renamed); on an error none of them is replaced. Files are encoded on a
/// thread of their own while the next batch is produced.
pub fn write_post_scores<I>(
    out_dir: &Path,
    formats: &[TableFormat],
    themes: &[String],
    batches: I,
) -> Result<Written>
where
    I: IntoIterator<Item = Result<ScoredBatch>>,
{
    let mut writer = TableWriter::create(out_dir, formats, themes)?;
    let (sender, receiver) = std::sync::mpsc::sync_channel::<ScoredBatch>(2);
    std::thread::scope(|scope| {
        let encoder = scope.spawn(move || -> Result<TableWriter> {
            for batch in receiver {
                writer.write(batch)?;
            }
            Ok(writer)
        });
        let mut produced = Ok(());
        for batch in batches {
            match batch {
                // A closed channel means the encoder failed: its error is
                // the one to report, below.
                Ok(batch) => {
                    if sender.send(batch).is_err() {
                        break;
                    }
                }
                Err(e) => {
                    produced = Err(e);
                    break;
                }
            }
        }
        drop(sender);
        let writer = encoder.join().map_err(|_| Error::Io {
            path: out_dir.to_owned(),
            source: std::io::Error::other("the table writer thread panicked"),
        })??;
        produced?;
        writer.commit()
    })
}

/// The open files of the table, one per format.
struct TableWriter {
    names: Vec<String>,
    csv: Option<AtomicFile>,
    parquet: Option<(PathBuf, ParquetSink)>,
    rows: u64,
}

/// A Parquet file being written batch by batch, a row group per batch,
/// as polars' batched writer writes it ([`RowGroupEncoder`]). The writer
/// owns its output and never gives it back, so it writes through a shared
/// handle that is flushed, with its errors seen, before the commit.
struct ParquetSink {
    encoder: RowGroupEncoder,
    writer: Option<RowGroupWriter<SharedOutput>>,
    output: SharedOutput,
    file: AtomicFile,
}

/// A buffered handle to a file that two owners can reach.
#[derive(Clone)]
struct SharedOutput(Arc<Mutex<BufWriter<File>>>);

impl SharedOutput {
    fn lock(&self) -> std::io::Result<MutexGuard<'_, BufWriter<File>>> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("a writer thread panicked"))
    }
}

impl Write for SharedOutput {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.lock()?.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.lock()?.flush()
    }
}

impl TableWriter {
    fn create(out_dir: &Path, formats: &[TableFormat], themes: &[String]) -> Result<TableWriter> {
        let path_of = |format: TableFormat| out_dir.join(format!("{POST_SCORES}.{format}"));
        let names = post_scores_columns(themes);
        let mut csv = match formats.contains(&TableFormat::Csv) {
            true => Some(AtomicFile::create(&path_of(TableFormat::Csv))?),
            false => None,
        };
        if let Some(file) = csv.as_mut() {
            write_csv_rows(file, |w| w.write_record(&names))?;
        }
        let parquet = match formats.contains(&TableFormat::Parquet) {
            true => {
                let path = path_of(TableFormat::Parquet);
                Some((path.clone(), ParquetSink::create(&path, &names)?))
            }
            false => None,
        };
        Ok(TableWriter {
            names,
            csv,
            parquet,
            rows: 0,
        })
    }

    fn write(&mut self, batch: ScoredBatch) -> Result<()> {
        self.rows += batch.len() as u64;
        if let Some(file) = self.csv.as_mut() {
            let mut rows = Vec::new();
            csv_batch(&batch, &mut rows);
            file.writer().write_all(&rows).map_err(|source| Error::Io {
                path: file.temp_path().to_owned(),
                source,
            })?;
        }
        if let Some((path, sink)) = self.parquet.as_mut() {
            let df = frame(&self.names, batch).map_err(polars_err(path))?;
            sink.write(&df).map_err(polars_err(path))?;
        }
        Ok(())
    }

    fn commit(self) -> Result<Written> {
        let mut files = Vec::new();
        if let Some(file) = self.csv {
            files.push(file.target().to_owned());
            file.commit()?;
        }
        if let Some((path, sink)) = self.parquet {
            sink.commit(&path)?;
            files.push(path);
        }
        Ok(Written {
            rows: self.rows,
            files,
        })
    }
}

fn polars_err(path: &Path) -> impl Fn(PolarsError) -> Error + '_ {
    move |source| Error::Polars {
        path: path.to_owned(),
        source,
    }
}

impl ParquetSink {
    fn create(path: &Path, names: &[String]) -> Result<ParquetSink> {
        let file = AtomicFile::create(path)?;
        let output = SharedOutput(Arc::new(Mutex::new(BufWriter::new(file.reopen()?))));
        let empty = frame(names, ScoredBatch::default()).map_err(polars_err(path))?;
        let schema = empty.schema();
        let encoder = RowGroupEncoder::new(schema).map_err(polars_err(path))?;
        let writer = RowGroupWriter::new(output.clone(), schema).map_err(polars_err(path))?;
        Ok(ParquetSink {
            encoder,
            writer: Some(writer),
            output,
            file,
        })
    }

    fn write(&mut self, df: &DataFrame) -> PolarsResult<()> {
        let Some(writer) = self.writer.as_mut() else {
            return Ok(());
        };
        for group in self.encoder.encode(df)? {
            writer.write(&group)?;
        }
        Ok(())
    }

    fn commit(mut self, path: &Path) -> Result<()> {
        if let Some(writer) = self.writer.take() {
            writer.finish().map_err(polars_err(path))?;
        }
        self.output.flush().map_err(|source| Error::Io {
            path: self.file.temp_path().to_owned(),
            source,
        })?;
        self.file.commit()?;
        Ok(())
    }
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

/// The rows of `batch` as the `csv` crate writes them (fields quoted only
/// when they hold `,`, `"`, `\r` or `\n`; rows end in `\n`), formatted
/// here: only the post id can need quoting, and every count and score is
/// written without the crate's per-field state machine.
fn csv_batch(batch: &ScoredBatch, out: &mut Vec<u8>) {
    let scores = &batch.scores;
    let mut digits = [0u8; 10];
    let mut score_texts = ScoreTexts::new();
    for (row, post_id) in batch.post_id.iter().enumerate() {
        push_csv_field(out, guard_cell(post_id).as_bytes());
        out.push(b',');
        push_csv_field(out, batch.platform[row].as_str().as_bytes());
        let words = scores.word_count[row];
        out.push(b',');
        out.extend_from_slice(decimal(words, &mut digits));
        out.push(b',');
        out.extend_from_slice(decimal(scores.emoji_count[row], &mut digits));
        for hits in &scores.hits {
            out.push(b',');
            out.extend_from_slice(decimal(hits[row], &mut digits));
            out.push(b',');
            score_texts.push(hits[row], words, out);
        }
        out.push(b'\n');
    }
}

/// Hit counts below this have their scores' text remembered...
const REMEMBERED_HITS: u32 = 8;
/// ...with word counts below this.
const REMEMBERED_WORDS: u32 = 256;

/// `<theme>_score` as `Display` writes it, each text formatted once for
/// the small hit and word counts nearly every post has: formatting a float
/// costs more than the rest of its row.
struct ScoreTexts {
    /// By `hits * REMEMBERED_WORDS + words`.
    texts: Vec<Option<Box<[u8]>>>,
}

impl ScoreTexts {
    fn new() -> Self {
        ScoreTexts {
            texts: vec![None; (REMEMBERED_HITS * REMEMBERED_WORDS) as usize],
        }
    }

    /// Append the score of `hits` in `words` units.
    fn push(&mut self, hits: u32, words: u32, out: &mut Vec<u8>) {
        let format = || format!("{}", theme_score(hits as usize, words as usize));
        if hits == 0 {
            // What `Display` writes for a score of 0.0, without formatting it.
            out.push(b'0');
        } else if hits < REMEMBERED_HITS && words < REMEMBERED_WORDS {
            let slot = (hits * REMEMBERED_WORDS + words) as usize;
            match self.texts.get_mut(slot) {
                Some(text) => {
                    out.extend_from_slice(text.get_or_insert_with(|| format().into_bytes().into()))
                }
                None => out.extend_from_slice(format().as_bytes()),
            }
        } else {
            // Writing to a vector cannot fail.
            let _ = write!(out, "{}", theme_score(hits as usize, words as usize));
        }
    }
}

/// Append one CSV field: as it is, or in double quotes with its quotes
/// doubled when it holds a delimiter, a quote or a line break.
fn push_csv_field(out: &mut Vec<u8>, field: &[u8]) {
    if field
        .iter()
        .any(|&b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
    {
        out.push(b'"');
        for &b in field {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(field);
    }
}

/// `n` in decimal, as `Display` writes it, in `buffer`.
fn decimal(mut n: u32, buffer: &mut [u8; 10]) -> &[u8] {
    let mut at = buffer.len();
    loop {
        at -= 1;
        buffer[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &buffer[at..];
        }
    }
}

/// The batch as a polars frame with the table's columns; the counts are
/// moved into it, not copied.
fn frame(names: &[String], batch: ScoredBatch) -> PolarsResult<DataFrame> {
    let rows = batch.len();
    let ScoreColumns {
        word_count,
        emoji_count,
        hits,
    } = batch.scores;
    let counts =
        |name: &str, values: Vec<u32>| UInt32Chunked::from_vec(name.into(), values).into_column();
    let scores: Vec<Vec<f64>> = hits
        .iter()
        .map(|hits| {
            hits.iter()
                .zip(&word_count)
                .map(|(&h, &w)| theme_score(h as usize, w as usize))
                .collect()
        })
        .collect();
    let themes = hits.len();
    let mut columns = vec![
        Column::new(names[0].as_str().into(), batch.post_id.to_slices()),
        Column::new(
            names[1].as_str().into(),
            batch
                .platform
                .iter()
                .map(|p| p.as_str())
                .collect::<Vec<_>>(),
        ),
        counts(&names[2], word_count),
        counts(&names[3], emoji_count),
    ];
    for (t, (hits, score)) in hits.into_iter().zip(scores).enumerate() {
        columns.push(counts(&names[4 + 2 * t], hits));
        columns
            .push(Float64Chunked::from_vec(names[5 + 2 * t].as_str().into(), score).into_column());
    }
    // An empty batch still needs every theme column, for the schema.
    for t in themes..(names.len() - 4) / 2 {
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

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn decimals_are_what_display_writes(n in proptest::prelude::any::<u32>()) {
            let mut buffer = [0u8; 10];
            let expected = n.to_string();
            proptest::prop_assert_eq!(decimal(n, &mut buffer), expected.as_bytes());
        }

        #[test]
        fn a_score_without_hits_displays_as_0(words in proptest::prelude::any::<u32>()) {
            proptest::prop_assert_eq!(theme_score(0, words as usize).to_string(), "0");
        }
    }

    /// The rows as the `csv` crate writes them, field by field: the
    /// reference [`csv_batch`] must match byte for byte.
    fn csv_crate_batch(batch: &ScoredBatch) -> Vec<u8> {
        let mut w = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(Vec::new());
        let scores = &batch.scores;
        for (row, post_id) in batch.post_id.iter().enumerate() {
            let words = scores.word_count[row];
            let mut record = vec![
                guard_cell(post_id).into_owned(),
                batch.platform[row].as_str().to_owned(),
                words.to_string(),
                scores.emoji_count[row].to_string(),
            ];
            for hits in &scores.hits {
                record.push(hits[row].to_string());
                record.push(theme_score(hits[row] as usize, words as usize).to_string());
            }
            w.write_record(&record).unwrap();
        }
        w.into_inner().unwrap()
    }

    fn scored_batch(rows: Vec<(String, u32, u32, Vec<u32>)>, themes: usize) -> ScoredBatch {
        let mut batch = ScoredBatch {
            scores: ScoreColumns {
                hits: vec![Vec::new(); themes],
                ..ScoreColumns::default()
            },
            ..ScoredBatch::default()
        };
        for (k, (id, words, emoji, hits)) in rows.into_iter().enumerate() {
            batch.post_id.push(&id);
            batch.platform.push(Platform::ALL[k % Platform::ALL.len()]);
            batch.scores.word_count.push(words);
            batch.scores.emoji_count.push(emoji);
            for (t, column) in batch.scores.hits.iter_mut().enumerate() {
                column.push(hits.get(t).copied().unwrap_or(0));
            }
        }
        batch
    }

    proptest::proptest! {
        #[test]
        fn rows_are_what_the_csv_crate_writes(
            rows in proptest::collection::vec(
                (
                    "[a-z0-9,\"\r\n=+@ \t'-]{0,8}",
                    0u32..400,
                    proptest::prelude::any::<u32>(),
                    proptest::collection::vec(0u32..40, 3),
                ),
                0..12,
            ),
        ) {
            let batch = scored_batch(rows, 3);
            let mut ours = Vec::new();
            csv_batch(&batch, &mut ours);
            let theirs = csv_crate_batch(&batch);
            proptest::prop_assert_eq!(
                String::from_utf8_lossy(&ours),
                String::from_utf8_lossy(&theirs)
            );
        }
    }

    #[test]
    fn awkward_post_ids_are_quoted_like_the_csv_crate_does() {
        let ids = [
            "plain",
            "a,b",
            "say \"hi\"",
            "two\nlines",
            "cr\r",
            "=1+1",
            "",
            "\"",
            "é,🙌",
        ];
        let rows = ids
            .iter()
            .map(|id| ((*id).to_owned(), 7, 1, vec![0, 3, 7]))
            .collect();
        let batch = scored_batch(rows, 3);
        let mut ours = Vec::new();
        csv_batch(&batch, &mut ours);
        assert_eq!(ours, csv_crate_batch(&batch));
        assert!(
            String::from_utf8(ours)
                .unwrap()
                .contains("\"say \"\"hi\"\"\"")
        );
    }

    /// `batch` as formats.md §5's columns, built cell by cell.
    fn reference_frame(names: &[String], batch: &ScoredBatch) -> DataFrame {
        let scores = &batch.scores;
        let ids: Vec<&str> = batch.post_id.iter().collect();
        let platforms: Vec<&str> = batch.platform.iter().map(|p| p.as_str()).collect();
        let mut columns = vec![
            Column::new(names[0].as_str().into(), ids),
            Column::new(names[1].as_str().into(), platforms),
            Column::new(names[2].as_str().into(), scores.word_count.clone()),
            Column::new(names[3].as_str().into(), scores.emoji_count.clone()),
        ];
        for t in 0..(names.len() - 4) / 2 {
            let hits = scores.hits.get(t).cloned().unwrap_or_default();
            let score: Vec<f64> = hits
                .iter()
                .zip(&scores.word_count)
                .map(|(&h, &w)| {
                    if w == 0 {
                        0.0
                    } else {
                        100.0 * f64::from(h) / f64::from(w)
                    }
                })
                .collect();
            columns.push(Column::new(names[4 + 2 * t].as_str().into(), hits));
            columns.push(Column::new(names[5 + 2 * t].as_str().into(), score));
        }
        DataFrame::new(batch.len(), columns).unwrap()
    }

    /// The file polars' own batched writer makes of `batches`.
    fn written_by_polars(names: &[String], batches: &[ScoredBatch]) -> Vec<u8> {
        let mut out = Vec::new();
        let schema = reference_frame(names, &ScoredBatch::default());
        let mut writer = ParquetWriter::new(&mut out)
            .with_statistics(StatisticsOptions::full())
            .batched(schema.schema())
            .unwrap();
        for batch in batches {
            writer.write_batch(&reference_frame(names, batch)).unwrap();
        }
        writer.finish().unwrap();
        out
    }

    #[test]
    fn the_parquet_file_is_the_one_polars_batched_writer_makes() {
        let themes = ["coproduction".to_owned(), "candour".to_owned()];
        let names = post_scores_columns(&themes);
        let rows = |n: u32| -> Vec<(String, u32, u32, Vec<u32>)> {
            (0..n)
                .map(|i| {
                    (
                        format!("id{}", i % 250),
                        i % 37,
                        i % 3,
                        vec![i % 4, i % 9 / 4],
                    )
                })
                .collect()
        };
        let cases = [
            vec![],
            vec![scored_batch(Vec::new(), 2)],
            vec![scored_batch(rows(1), 2)],
            vec![scored_batch(rows(300), 2), scored_batch(rows(5), 2)],
            vec![
                scored_batch(rows(128), 2),
                scored_batch(Vec::new(), 2),
                scored_batch(rows(129), 2),
            ],
        ];
        for batches in cases {
            let dir = tempfile::tempdir().unwrap();
            let written = write_post_scores(
                dir.path(),
                &[TableFormat::Parquet],
                &themes,
                batches.iter().cloned().map(Ok),
            )
            .unwrap();
            let ours = std::fs::read(&written.files[0]).unwrap();
            assert_eq!(
                ours,
                written_by_polars(&names, &batches),
                "{} batches",
                batches.len()
            );
        }
    }

    #[test]
    fn decimal_edges() {
        let mut buffer = [0u8; 10];
        for n in [0, 9, 10, 99, 100, u32::MAX] {
            assert_eq!(decimal(n, &mut buffer), n.to_string().as_bytes());
        }
    }
}
