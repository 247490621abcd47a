//! Streaming reader for JSON inputs: splits a file into documents (one per
//! line, or the whole file), parses them in parallel with rayon and hands
//! the outcomes back in input order. Memory is bounded by three blocks of
//! lines in flight (or, for a pretty-printed single document, by that
//! document).

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use rayon::prelude::*;
use serde::de::{DeserializeSeed, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::input::DiskBytes;
use crate::reject::{Emit, Outcome, RecordError};
use crate::{Error, Result};

/// Lines are parsed in blocks of about this many bytes.
const BLOCK_BYTES: usize = 8 << 20;

/// A block's lines are parsed in runs of this many, each run's outcomes in
/// one vector: small enough that both cores share a block's runs evenly.
const LINES_PER_RUN: usize = 256;

/// Append to `out` the next line of `reader` with its `\n`, or the first
/// `limit` bytes of it when it is longer; how many bytes (0 at the end).
/// What `reader.take(limit).read_until(b'\n', out)` does, with the
/// `memchr` crate's vectorised search for the line's end where std's
/// reads a word at a time (half the instructions).
fn read_line_limited(
    reader: &mut impl BufRead,
    limit: u64,
    out: &mut Vec<u8>,
) -> std::io::Result<usize> {
    let mut read = 0;
    loop {
        let left = limit.saturating_sub(read as u64);
        if left == 0 {
            return Ok(read);
        }
        let buffer = match reader.fill_buf() {
            Ok(buffer) => buffer,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buffer.is_empty() {
            return Ok(read);
        }
        let available = &buffer[..buffer
            .len()
            .min(usize::try_from(left).unwrap_or(usize::MAX))];
        let (taken, ends_line) = match memchr::memchr(b'\n', available) {
            Some(at) => (at + 1, true),
            None => (available.len(), false),
        };
        out.extend_from_slice(&available[..taken]);
        reader.consume(taken);
        read += taken;
        if ends_line {
            return Ok(read);
        }
    }
}

/// One JSON value to turn into posts, and where it sits in its file.
pub(crate) struct Doc<'a> {
    /// The JSON text of the value.
    pub text: &'a str,
    line: u64,
    index: Option<&'a LineIndex<'a>>,
}

impl<'a> Doc<'a> {
    /// A document on its own line.
    pub(crate) fn on_line(text: &'a str, line: u64) -> Self {
        Doc {
            text,
            line,
            index: None,
        }
    }

    /// The same file position for a part of this document's text.
    pub(crate) fn part(&self, text: &'a str) -> Doc<'a> {
        Doc {
            text,
            line: self.line_of(text),
            index: self.index,
        }
    }

    /// 1-based line where `part` (a slice of this document) starts.
    pub(crate) fn line_of(&self, part: &str) -> u64 {
        match self.index {
            Some(index) => index.line_of(part),
            None => self.line,
        }
    }

    /// 1-based line where this document starts.
    pub(crate) fn line(&self) -> u64 {
        self.line_of(self.text)
    }

    /// A record error at this document, keeping its text as the raw record.
    pub(crate) fn error(&self, reason: impl Into<String>) -> RecordError {
        RecordError {
            line: self.line(),
            reason: reason.into(),
            raw: self.text.to_owned(),
        }
    }

    /// A record error for a JSON syntax or shape error in this document,
    /// with the line serde reports translated to a file line.
    pub(crate) fn json_error(&self, err: &serde_json::Error) -> RecordError {
        let line = self.line() + (err.line() as u64).saturating_sub(1);
        RecordError {
            line,
            reason: describe_json_error(err),
            raw: self.text.to_owned(),
        }
    }
}

/// Offsets of the newlines of a whole-file buffer, to turn byte offsets into lines.
pub(crate) struct LineIndex<'a> {
    base: &'a str,
    newlines: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    fn new(base: &'a str) -> Self {
        LineIndex {
            base,
            newlines: memchr::memchr_iter(b'\n', base.as_bytes()).collect(),
        }
    }

    fn line_of(&self, part: &str) -> u64 {
        let offset = (part.as_ptr() as usize).saturating_sub(self.base.as_ptr() as usize);
        self.newlines.partition_point(|&nl| nl < offset) as u64 + 1
    }
}

/// serde_json's message without its trailing "at line L column C" (the
/// reject carries the file line), with the column kept for long lines.
fn describe_json_error(err: &serde_json::Error) -> String {
    let text = err.to_string();
    let message = text
        .rsplit_once(" at line ")
        .map_or(text.as_str(), |(m, _)| m);
    match err.classify() {
        serde_json::error::Category::Eof => format!("truncated JSON: {message}"),
        serde_json::error::Category::Syntax => {
            format!("invalid JSON at column {}: {message}", err.column())
        }
        _ => message.to_owned(),
    }
}

/// How a JSON file is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// One JSON value per line (JSONL, twarc2).
    Lines,
    /// One JSON value for the whole file (possibly pretty-printed).
    Whole,
}

/// Turns one JSON value into posts. Implemented by each platform format.
pub(crate) trait DocumentParser: Sync {
    /// The posts (or rejects) of one JSON value that is not a top-level array.
    fn parse_value(&self, doc: &Doc<'_>) -> Vec<Outcome>;

    /// [`DocumentParser::parse_value`], appending to `out`: a parser that
    /// makes one post per value overrides it to skip a vector per value.
    fn parse_value_into(&self, doc: &Doc<'_>, out: &mut Vec<Outcome>) {
        out.extend(self.parse_value(doc));
    }

    /// Where the JSON starts in a whole file (the X archive has a JS prefix).
    fn json_start(&self, text: &str) -> usize {
        let _ = text;
        0
    }
}

/// Read `path` and send every outcome to `out`, in file order, with the
/// number of bytes consumed so far as progress.
/// `bytes` as people read a limit: `64 MB`, or `4096 bytes`.
pub(crate) fn size(bytes: u64) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MB", bytes >> 20)
    } else {
        format!("{bytes} bytes")
    }
}

/// How much of a file is held in memory at once.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// The longest line of a JSONL file.
    pub record: u64,
    /// The largest whole document.
    pub document: u64,
}

pub(crate) fn read_json_file(
    path: &Path,
    parser: &dyn DocumentParser,
    layout: Option<Layout>,
    limits: Limits,
    out: &mut dyn Emit,
) -> Result<()> {
    let io = |source| Error::Io {
        path: path.to_owned(),
        source,
    };
    let input = crate::input::open(path).map_err(io)?;
    let disk_bytes = input.disk_bytes;
    let mut reader = input.reader;
    let layout = match layout {
        Some(layout) => layout,
        None => sniff_layout(&mut reader).map_err(io)?,
    };
    match layout {
        Layout::Whole => {
            let mut bytes = Vec::new();
            (&mut reader)
                .take(limits.document.saturating_add(1))
                .read_to_end(&mut bytes)
                .map_err(io)?;
            if bytes.len() as u64 > limits.document {
                return Err(Error::DocumentTooLarge {
                    path: path.to_owned(),
                    limit: size(limits.document),
                });
            }
            out.progress(disk_bytes.get());
            let text = match std::str::from_utf8(&bytes) {
                Ok(text) => text,
                Err(e) => {
                    let line =
                        memchr::memchr_iter(b'\n', &bytes[..e.valid_up_to()]).count() as u64 + 1;
                    out.outcome(Err(RecordError {
                        line,
                        reason: format!(
                            "not valid UTF-8 (byte {} of the file); the file was not read",
                            e.valid_up_to()
                        ),
                        raw: String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).into_owned(),
                    }));
                    return Ok(());
                }
            };
            let index = LineIndex::new(text);
            let start = parser.json_start(text).min(text.len());
            let body = text[start..].trim();
            if body.is_empty() {
                return Ok(());
            }
            let doc = Doc {
                text: body,
                line: 1,
                index: Some(&index),
            };
            for outcome in parse_document(parser, &doc) {
                out.outcome(outcome);
            }
        }
        Layout::Lines => {
            read_lines_pipelined(reader, &disk_bytes, parser, limits.record, out).map_err(io)?
        }
    }
    Ok(())
}

/// A block of whole lines and where each starts (byte offset, 1-based
/// line, and whether the line was too long and left out of `bytes`).
struct Block {
    bytes: Vec<u8>,
    starts: Vec<(usize, u64, bool)>,
    /// Bytes of the file on disk read once the block was complete.
    consumed: u64,
}

/// Read blocks of lines on one thread, parse each block in parallel on
/// another (rayon), and emit outcomes in order on the caller's thread, so
/// reading, parsing and the caller's work on outcomes overlap.
fn read_lines_pipelined(
    mut reader: BufReader<Box<dyn Read + Send>>,
    disk_bytes: &DiskBytes,
    parser: &dyn DocumentParser,
    max_record: u64,
    out: &mut dyn Emit,
) -> std::io::Result<()> {
    use std::sync::mpsc::sync_channel;
    std::thread::scope(|scope| {
        let (block_tx, block_rx) = sync_channel::<std::io::Result<Block>>(1);
        let (parsed_tx, parsed_rx) = sync_channel::<(Vec<Vec<Outcome>>, u64)>(1);
        // Emptied buffers go back to the reader: fresh 8 MiB buffers would
        // each cost page faults (measured: seconds of system time per GB).
        let (recycle_tx, recycle_rx) = sync_channel::<Vec<u8>>(2);
        let disk_bytes = disk_bytes.clone();
        scope.spawn(move || {
            let mut line_no = 0u64;
            loop {
                let mut bytes = recycle_rx
                    .try_recv()
                    .unwrap_or_else(|_| Vec::with_capacity(BLOCK_BYTES + (1 << 20)));
                bytes.clear();
                let mut block = Block {
                    bytes,
                    starts: Vec::new(),
                    consumed: 0,
                };
                while block.bytes.len() < BLOCK_BYTES {
                    let start = block.bytes.len();
                    let read = read_line_limited(
                        &mut reader,
                        max_record.saturating_add(1),
                        &mut block.bytes,
                    );
                    match read {
                        Ok(0) => break,
                        Ok(n) => {
                            line_no += 1;
                            let too_long = n as u64 > max_record && !block.bytes.ends_with(b"\n");
                            if too_long {
                                // Drop it and skip to the end of the line,
                                // never holding more than the limit.
                                block.bytes.truncate(start);
                                if let Err(e) = reader.skip_until(b'\n') {
                                    let _ = block_tx.send(Err(e));
                                    return;
                                }
                            }
                            block.starts.push((start, line_no, too_long));
                        }
                        Err(e) => {
                            let _ = block_tx.send(Err(e));
                            return;
                        }
                    }
                }
                if block.starts.is_empty() {
                    return;
                }
                block.consumed = disk_bytes.get();
                if block_tx.send(Ok(block)).is_err() {
                    return;
                }
            }
        });
        let parse = scope.spawn(move || -> std::io::Result<()> {
            for block in block_rx {
                let block = block?;
                let lines: Vec<(usize, usize, u64, bool)> = block
                    .starts
                    .iter()
                    .zip(block.starts.iter().skip(1).map(|&(s, _, _)| s).chain([block.bytes.len()]))
                    .map(|(&(start, line, too_long), end)| (start, end, line, too_long))
                    .collect();
                // Lines in runs: one vector of outcomes per run, not per line.
                let outcomes: Vec<Vec<Outcome>> = lines
                    .par_chunks(LINES_PER_RUN)
                    .map(|run| {
                        let mut out = Vec::with_capacity(run.len());
                        for &(start, end, line, too_long) in run {
                            if too_long {
                                out.push(Err(RecordError {
                                    line,
                                    reason: format!(
                                        "the line is longer than {} (the limit; --max-record-mb raises it); it was skipped",
                                        size(max_record)
                                    ),
                                    raw: String::new(),
                                }));
                            } else {
                                parse_line(parser, &block.bytes[start..end], line, &mut out);
                            }
                        }
                        out
                    })
                    .collect();
                let _ = recycle_tx.try_send(block.bytes);
                if parsed_tx.send((outcomes, block.consumed)).is_err() {
                    break;
                }
            }
            Ok(())
        });
        for (runs, consumed) in parsed_rx {
            for run in &runs {
                for outcome in run {
                    out.lent_outcome(outcome);
                }
            }
            // Every post passes through this thread: lent, not moved (a post
            // is 536 bytes), and freed on the pool that parsed it, not
            // here (measured: a tenth of this thread's time was freeing).
            rayon::spawn(move || runs.into_par_iter().for_each(drop));
            out.progress(consumed);
        }
        parse
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the parsing thread panicked")))
    })
}

/// Decide the layout from the first non-blank line: if it is a complete JSON
/// value, the file is one value per line.
fn sniff_layout(reader: &mut BufReader<Box<dyn Read + Send>>) -> std::io::Result<Layout> {
    let buf = reader.fill_buf()?;
    let head = String::from_utf8_lossy(&buf[..buf.len().min(1 << 20)]);
    let Some(first) = head.lines().find(|l| !l.trim().is_empty()) else {
        return Ok(Layout::Lines);
    };
    let complete = serde_json::from_str::<serde::de::IgnoredAny>(first).is_ok();
    // A long first line cut off by the peek window is a JSONL page still.
    let cut_off = !head.contains('\n') && buf.len() >= (1 << 20);
    Ok(
        if complete || (cut_off && first.trim_start().starts_with('{')) {
            Layout::Lines
        } else {
            Layout::Whole
        },
    )
}

fn parse_line(parser: &dyn DocumentParser, bytes: &[u8], line: u64, out: &mut Vec<Outcome>) {
    let trimmed = bytes.trim_ascii();
    if trimmed.is_empty() {
        return;
    }
    // The SIMD check first: most lines are valid, and std's check took 6%
    // of the parsing threads' time on text with non-ASCII characters.
    // std's check runs only to say where a line is not valid.
    let checked = simdutf8::basic::from_utf8(trimmed).or_else(|_| std::str::from_utf8(trimmed));
    match checked {
        Ok(text) => {
            let doc = Doc::on_line(text, line);
            if text.starts_with('[') {
                out.extend(parse_document(parser, &doc));
            } else {
                parser.parse_value_into(&doc, out);
            }
        }
        Err(e) => out.push(Err(RecordError {
            line,
            reason: format!("not valid UTF-8 (byte {} of the line)", e.valid_up_to()),
            raw: String::from_utf8_lossy(trimmed).into_owned(),
        })),
    }
}

/// A top-level array is split into its elements (parsed in parallel); a
/// truncated array still yields the elements before the break.
pub(crate) fn parse_document(parser: &dyn DocumentParser, doc: &Doc<'_>) -> Vec<Outcome> {
    if !doc.text.starts_with('[') {
        return parser.parse_value(doc);
    }
    let (elements, error) = split_array(doc.text);
    let mut outcomes: Vec<Outcome> = elements
        .par_iter()
        .flat_map_iter(|element| parser.parse_value(&doc.part(element.get())))
        .collect();
    if let Some(err) = error {
        let mut reject = doc.json_error(&err);
        reject.reason = format!(
            "{} (after {} complete records)",
            reject.reason,
            elements.len()
        );
        outcomes.push(Err(reject));
    }
    outcomes
}

/// The elements of a JSON array, as many as parse before any error.
pub(crate) fn split_array(text: &str) -> (Vec<&RawValue>, Option<serde_json::Error>) {
    struct Collect<'v, 'a>(&'v mut Vec<&'a RawValue>);
    impl<'de, 'v> DeserializeSeed<'de> for Collect<'v, 'de> {
        type Value = ();
        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_seq(self)
        }
    }
    impl<'de, 'v> Visitor<'de> for Collect<'v, 'de> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a JSON array")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            while let Some(element) = seq.next_element::<&'de RawValue>()? {
                self.0.push(element);
            }
            Ok(())
        }
    }
    let mut elements = Vec::new();
    let mut de = serde_json::Deserializer::from_str(text);
    let result = Collect(&mut elements)
        .deserialize(&mut de)
        .and_then(|()| de.end());
    (elements, result.err())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every line of `text` as [`read_line_limited`] and as std's `take`
    /// and `read_until` read them, through a buffer of `capacity` bytes.
    fn lines_both_ways(text: &[u8], capacity: usize, limit: u64) -> (Vec<Vec<u8>>, Vec<Vec<u8>>) {
        let read_all = |std: bool| {
            let mut reader = BufReader::with_capacity(capacity, text);
            let mut lines = Vec::new();
            loop {
                let mut line = Vec::new();
                let n = if std {
                    (&mut reader).take(limit).read_until(b'\n', &mut line)
                } else {
                    read_line_limited(&mut reader, limit, &mut line)
                }
                .unwrap();
                assert_eq!(n, line.len());
                if n == 0 {
                    return lines;
                }
                lines.push(line);
            }
        };
        (read_all(false), read_all(true))
    }

    #[test]
    fn lines_are_read_as_take_and_read_until_read_them() {
        let texts: [&[u8]; 5] = [
            b"",
            b"\n",
            b"a\nbc\r\n\n\ndef",
            b"0123456789\n01234567890123\nx\n",
            b"no newline at all",
        ];
        for text in texts {
            for capacity in [1, 2, 3, 7, 64] {
                for limit in [1, 2, 5, 10, 11, 12, 100] {
                    let (ours, std) = lines_both_ways(text, capacity, limit);
                    assert_eq!(ours, std, "{text:?}, buffer {capacity}, limit {limit}");
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_split_as_take_and_read_until_split_them(
            text in proptest::collection::vec(proptest::sample::select(vec![b'a', b'\n', b'{', 0xC3, b'\r']), 0..200),
            capacity in 1usize..40,
            limit in 1u64..50,
        ) {
            let (ours, std) = lines_both_ways(&text, capacity, limit);
            proptest::prop_assert_eq!(ours, std);
        }
    }

    #[test]
    fn truncated_array_keeps_complete_elements() {
        let (elements, err) = split_array("[{\"a\":1},\n{\"b\":2},\n{\"c\":");
        assert_eq!(elements.len(), 2);
        assert_eq!(elements[1].get(), "{\"b\":2}");
        let err = err.unwrap();
        assert!(err.is_eof());
    }

    #[test]
    fn line_index_maps_offsets() {
        let text = "[\n{\"a\":1},\n\n{\"b\":2}]";
        let index = LineIndex::new(text);
        let (elements, err) = split_array(text);
        assert!(err.is_none());
        assert_eq!(index.line_of(elements[0].get()), 2);
        assert_eq!(index.line_of(elements[1].get()), 4);
    }
}
