use std::path::Path;

use chrono::SubsecRound;
use threadlens_model::{Post, Timestamp};

use crate::archive::{ArchiveAccount, ArchiveParser};
use crate::bluesky::BlueskyParser;
use crate::context::Context;
use crate::csv_import::{ColumnMap, read_csv_file};
use crate::generic::JsonlParser;
use crate::mastodon::MastodonParser;
use crate::raw::RawParser;
use crate::reader::{DocumentParser, Layout, Limits, read_json_file};
use crate::reject::{Emit, Outcome};
use crate::x::XParser;
use crate::{Error, Format, Result};
use threadlens_model::Reject;

/// How to read input files.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The format, or [`Format::Auto`] to detect it per file.
    pub format: Format,
    /// The `source` column; defaults to the file path as given.
    pub source: Option<String>,
    /// For `csv`: which column holds which field.
    pub column_map: ColumnMap,
    /// For `mastodon`: the instance the statuses were fetched from, which
    /// owns their local ids (`in_reply_to_id`). By default, the instance of
    /// the file's local accounts (an `acct` without `@host`), else each
    /// status's own host.
    pub instance: Option<String>,
    /// The largest record (one line of a JSONL file) read; a longer one is
    /// rejected and skipped without being held in memory.
    pub max_record_bytes: u64,
    /// The largest whole-JSON document (a page, an archive) read into
    /// memory, after decompression; a larger file is refused.
    pub max_document_bytes: u64,
}

/// [`ImportOptions::max_record_bytes`] by default: 64 MB, far above a page
/// of 100 posts with its includes (about 1 MB).
pub const MAX_RECORD_BYTES: u64 = 64 << 20;

/// [`ImportOptions::max_document_bytes`] by default: 2 GB.
pub const MAX_DOCUMENT_BYTES: u64 = 2 << 30;

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            format: Format::Auto,
            source: None,
            column_map: ColumnMap::default(),
            instance: None,
            max_record_bytes: MAX_RECORD_BYTES,
            max_document_bytes: MAX_DOCUMENT_BYTES,
        }
    }
}

/// Where an import sends what it reads, in file order.
pub trait Sink {
    /// A post read from the file, lent for the call: a sink that keeps posts
    /// clones what it keeps. (Lending lets the reader free posts on the
    /// threads that parsed them, and a sink that only reads posts, like the
    /// store that encodes them, never copies one.)
    fn post(&mut self, post: &Post);
    /// A record that could not be read as a post.
    fn reject(&mut self, reject: Reject);
    /// Bytes of the file consumed so far.
    fn progress(&mut self, bytes: u64) {
        let _ = bytes;
    }
}

/// What reading one file gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileImport {
    /// The format used (the detected one under `auto`).
    pub format: Format,
    /// Whether the CSV header was recognised as twarc-csv output.
    pub twarc_csv: bool,
    /// Posts sent to the sink.
    pub posts: u64,
    /// Rejects sent to the sink.
    pub rejected: u64,
}

/// Read one file and send its posts and rejects to `sink`.
///
/// Fails only when the file as a whole cannot be read (missing, unreadable,
/// undetectable, a CSV whose map names a missing column); bad records are
/// rejects and the rest of the file is still read.
pub fn import_file(
    path: &Path,
    options: &ImportOptions,
    sink: &mut dyn Sink,
) -> Result<FileImport> {
    let metadata = std::fs::metadata(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    let format = match options.format {
        Format::Auto => Format::detect(path)?,
        other => other,
    };
    let file_label = path.display().to_string();
    let ctx = Context {
        source: options.source.clone().unwrap_or_else(|| file_label.clone()),
        collected_at: modified_at(&metadata),
        instance: options.instance.clone().or_else(|| {
            let inferred = (format == Format::Mastodon).then(|| crate::mastodon::infer_instance(path)).flatten();
            if let Some(host) = &inferred {
                tracing::info!(file = %file_label, instance = %host, "Mastodon statuses served by this instance (from its local accounts); --instance overrides");
            }
            inferred
        }),
    };
    let mut emitter = Emitter {
        sink,
        file: file_label.clone(),
        posts: 0,
        rejected: 0,
    };
    let twarc_csv = match format {
        Format::Csv => read_csv_file(path, &options.column_map, &ctx, &mut emitter)?,
        _ => {
            let (parser, layout): (Box<dyn DocumentParser>, Option<Layout>) = match format {
                Format::XV2 | Format::Twarc2 => (Box::new(XParser { ctx }), None),
                Format::XArchive => {
                    let account = ArchiveAccount::beside(path);
                    if account.is_none() {
                        tracing::warn!(file = %file_label, "no readable account.js beside tweets.js: posts will have no author");
                    }
                    (
                        Box::new(ArchiveParser { ctx, account }),
                        Some(Layout::Whole),
                    )
                }
                Format::Mastodon => (Box::new(MastodonParser { ctx }), None),
                Format::Bluesky => (Box::new(BlueskyParser { ctx }), None),
                Format::Jsonl => (Box::new(JsonlParser { ctx }), Some(Layout::Lines)),
                Format::Raw => (Box::new(RawParser { ctx }), Some(Layout::Lines)),
                Format::Csv | Format::Auto => {
                    return Err(Error::UnknownFormat(format.name().to_owned()));
                }
            };
            let limits = Limits {
                record: options.max_record_bytes,
                document: options.max_document_bytes,
            };
            read_json_file(path, parser.as_ref(), layout, limits, &mut emitter)?;
            false
        }
    };
    Ok(FileImport {
        format,
        twarc_csv,
        posts: emitter.posts,
        rejected: emitter.rejected,
    })
}

/// Counts outcomes and forwards them to the caller's sink.
struct Emitter<'a> {
    sink: &'a mut dyn Sink,
    file: String,
    posts: u64,
    rejected: u64,
}

impl Emit for Emitter<'_> {
    fn outcome(&mut self, outcome: Outcome) {
        match outcome {
            Ok(post) => {
                self.posts += 1;
                self.sink.post(&post);
            }
            Err(e) => {
                self.rejected += 1;
                self.sink.reject(Reject {
                    file: self.file.clone(),
                    line: e.line,
                    reason: e.reason,
                    raw: e.raw,
                });
            }
        }
    }

    fn progress(&mut self, bytes: u64) {
        self.sink.progress(bytes);
    }

    fn lent_outcome(&mut self, outcome: &Outcome) {
        match outcome {
            Ok(post) => {
                self.posts += 1;
                self.sink.post(post);
            }
            Err(e) => self.outcome(Err(e.clone())),
        }
    }
}
/// The file's modification time, the default `collected_at`.
fn modified_at(metadata: &std::fs::Metadata) -> Timestamp {
    let modified = metadata
        .modified()
        .map(chrono::DateTime::<chrono::Utc>::from);
    modified
        .unwrap_or_else(|_| chrono::Utc::now())
        .trunc_subsecs(3)
}
