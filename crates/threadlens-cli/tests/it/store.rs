//! `threadlens store verify`, and a broken `posts.parquet` (cut short,
//! empty, another table, rows out of order or twice): verify says what is
//! wrong and exits 1; an import into it is refused naming the file, and
//! the file is left byte for byte as it was.

use std::path::Path;

use polars::prelude::*;

use crate::{fixture_day_store, import_jsonl, repo, text, threadlens};

fn verify(store: &Path) -> (Option<i32>, String) {
    let output = threadlens(&["store", "verify", "--data", store.to_str().unwrap()]);
    (output.status.code(), text(&output).0)
}

/// An import of one more file into `store`: refused, naming posts.parquet,
/// and the table untouched.
fn import_is_refused(store: &Path) {
    let table = store.join("posts.parquet");
    let before = std::fs::read(&table).unwrap();
    let more = repo("crates/threadlens-ingest/tests/data/generic.jsonl");
    let output = import_jsonl(store, &more);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(text(&output).1.contains("posts.parquet"), "{output:?}");
    assert_eq!(std::fs::read(&table).unwrap(), before, "left as it was");
    let leftovers: Vec<_> = std::fs::read_dir(store)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("tmp") || n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_sound_store_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let store = fixture_day_store(dir.path());
    let (code, out) = verify(&store);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("sound: 22 posts"), "{out}");
    // Bob's reply to a thread never collected (post 18).
    assert!(out.contains("1 replies, 0 quotes and reposts"), "{out}");
    let output = threadlens(&["store", "verify", "--data", "/nonexistent/store"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn a_table_cut_short_or_empty_is_named_and_never_overwritten() {
    for keep in [Some(0.5), Some(0.0)] {
        let dir = tempfile::tempdir().unwrap();
        let store = fixture_day_store(dir.path());
        let table = store.join("posts.parquet");
        let bytes = std::fs::read(&table).unwrap();
        let kept = (bytes.len() as f64 * keep.unwrap()) as usize;
        std::fs::write(&table, &bytes[..kept]).unwrap();
        let (code, out) = verify(&store);
        assert_eq!(code, Some(1), "{out}");
        assert!(out.contains("not a readable Parquet table"), "{out}");
        import_is_refused(&store);
    }
}

/// Write `frame` as the store's table.
fn write_table(store: &Path, frame: &mut DataFrame) {
    let file = std::fs::File::create(store.join("posts.parquet")).unwrap();
    ParquetWriter::new(file).finish(frame).unwrap();
}

fn read_table(store: &Path) -> DataFrame {
    let file = std::fs::File::open(store.join("posts.parquet")).unwrap();
    ParquetReader::new(file).finish().unwrap()
}

#[test]
fn another_table_is_refused_naming_the_missing_column() {
    let dir = tempfile::tempdir().unwrap();
    let store = fixture_day_store(dir.path());
    let mut other = df!("name" => ["a", "b"], "count" => [1u64, 2]).unwrap();
    write_table(&store, &mut other);
    let (code, out) = verify(&store);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("column `platform`: missing"), "{out}");
    import_is_refused(&store);
}

#[test]
fn rows_out_of_order_and_twice_are_listed() {
    let dir = tempfile::tempdir().unwrap();
    let store = fixture_day_store(dir.path());
    let table = read_table(&store);
    let mut reversed = table.reverse();
    write_table(&store, &mut reversed);
    let (code, out) = verify(&store);
    assert_eq!(code, Some(1), "{out}");
    // 22 rows reversed: 21 pairs out of order, the first 20 listed.
    assert_eq!(out.matches("out of the stored order").count(), 20, "{out}");
    assert!(
        out.contains("21 rows out of order in all (the first 20 listed)"),
        "{out}"
    );

    let mut twice = table.vstack(&table).unwrap();
    twice = twice
        .sort(["created_at"], SortMultipleOptions::default())
        .unwrap();
    write_table(&store, &mut twice);
    let (code, out) = verify(&store);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("is stored twice"), "{out}");
}
