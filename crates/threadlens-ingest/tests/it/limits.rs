//! What a file may hold in memory: a JSONL line past the record limit is
//! rejected and skipped without being held (a gzip bomb of one endless
//! line included), the lines around it still read; a whole-JSON document
//! past the document limit is refused naming the file and the flag.

use std::io::Write as _;

use threadlens_ingest::{Error, Format, ImportOptions, import_file};

use crate::support::{Collected, data};

fn options(format: Format, record: u64, document: u64) -> ImportOptions {
    ImportOptions {
        format,
        max_record_bytes: record,
        max_document_bytes: document,
        ..ImportOptions::default()
    }
}

#[test]
fn a_line_past_the_limit_is_rejected_and_the_rest_read() {
    let good = std::fs::read_to_string(data("generic.jsonl")).unwrap();
    let first = good.lines().next().unwrap();
    let long = format!("{{\"id\":\"x\",\"text\":\"{}\"}}", "a".repeat(5_000));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("posts.jsonl");
    std::fs::write(&path, format!("{first}\n{long}\n{first}\n")).unwrap();
    let mut sink = Collected::default();
    let done = import_file(&path, &options(Format::Jsonl, 1 << 12, 1 << 30), &mut sink).unwrap();
    assert_eq!(done.rejected, 1, "{:?}", sink.rejects);
    assert_eq!(sink.rejects[0].line, 2);
    assert!(
        sink.rejects[0]
            .reason
            .contains("longer than 4096 bytes (the limit; --max-record-mb"),
        "{}",
        sink.rejects[0].reason
    );
    assert!(sink.rejects[0].raw.is_empty(), "the long line is not kept");
    // The same line twice: both read (duplicates merge later, in the store).
    assert_eq!(done.posts, 2);
}

#[test]
fn a_gzip_bomb_of_one_endless_line_is_skipped_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.jsonl.gz");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(b"{\"id\":\"1\",\"text\":\"").unwrap();
    let chunk = vec![b'a'; 1 << 20];
    for _ in 0..32 {
        gz.write_all(&chunk).unwrap();
    }
    gz.write_all(b"\"}\n").unwrap();
    let compressed = gz.finish().unwrap();
    assert!(
        compressed.len() < 100_000,
        "{} bytes hold 32 MB",
        compressed.len()
    );
    std::fs::write(&path, compressed).unwrap();
    let mut sink = Collected::default();
    let done = import_file(&path, &options(Format::Jsonl, 1 << 20, 1 << 30), &mut sink).unwrap();
    assert_eq!((done.posts, done.rejected), (0, 1));
    assert!(
        sink.rejects[0].reason.contains("longer than 1 MB"),
        "{}",
        sink.rejects[0].reason
    );
}

#[test]
fn a_document_past_the_limit_is_refused_naming_the_file() {
    let path = data("x_v2_response.json");
    let size = std::fs::metadata(&path).unwrap().len();
    let mut sink = Collected::default();
    match import_file(&path, &options(Format::XV2, 1 << 20, size - 1), &mut sink) {
        Err(e @ Error::DocumentTooLarge { .. }) => {
            let said = e.to_string();
            assert!(
                said.contains("x_v2_response.json") && said.contains("--max-document-mb"),
                "{said}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(sink.posts.is_empty());
    // At the limit exactly, it reads.
    let mut sink = Collected::default();
    assert!(import_file(&path, &options(Format::XV2, 1 << 20, size), &mut sink).is_ok());
    assert!(!sink.posts.is_empty());
}
