//! A small store written with Arrow (this crate has no polars): tricky
//! texts and the columns queries group by, as `posts.parquet`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, RecordBatch, StringArray, TimestampMillisecondArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use datafusion::parquet::arrow::ArrowWriter;
use proptest::prelude::*;
use threadlens_sql::ShippedLexicon;

/// The lexicon of text-processing.md §9, shared with the scorer's tests.
pub fn contract_lexicon() -> Arc<ShippedLexicon> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../threadlens-process/tests/data/contract-examples.toml");
    Arc::new(ShippedLexicon::read(&path, Default::default()).unwrap())
}

/// Pieces of text the contract treats specially.
const PIECES: &[&str] = &[
    "co-production",
    "Coproduction",
    "coproduced",
    "#LivedExperience",
    "#coproduction",
    "lived experience",
    "lived  experiences",
    "candour",
    "candor",
    "honesty",
    "NHS’s",
    "team’s",
    "@HorizonsNHS",
    "https://t.co/x",
    "jane@nhs.net",
    "𝐂𝐚𝐧𝐝𝐨𝐮𝐫",
    "co\u{00AD}design",
    "❤\u{FE0F}",
    "🏴\u{E0067}\u{E0062}\u{E007F}",
    "café\u{0301}",
    "#SolvingTogether",
    "#NHS's",
    "&#39;",
    "中文",
    "Iechyd",
    "—",
    "don't",
    "x",
    "1",
    "#1",
    ".",
    "\n",
    "\u{200B}",
    " ",
];

/// A text made of contract pieces and arbitrary characters.
pub fn tricky_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::collection::vec(
            prop_oneof![
                3 => proptest::sample::select(PIECES).prop_map(str::to_owned),
                1 => any::<String>(),
            ],
            0..12
        )
        .prop_map(|parts| parts.join(" ")),
        1 => any::<String>(),
    ]
}

/// Some fixed texts, for tests that are not property tests.
pub fn texts() -> Vec<String> {
    let mut texts: Vec<String> = PIECES.iter().map(|p| (*p).to_owned()).collect();
    texts.push(PIECES.join(" "));
    texts.push(
        "We co-produced this with lived experience partners, with candour ❤️ #coproduction".into(),
    );
    texts.push(String::new());
    texts
}

/// Write `texts` as a store's `posts.parquet` in `dir` (with `post_id`,
/// `platform`, `kind`, `created_at`, `text`, `author_handle`); returns its
/// path.
pub fn write_posts(dir: &Path, texts: &[String]) -> PathBuf {
    let n = texts.len();
    let schema = Arc::new(Schema::new(vec![
        Field::new("platform", DataType::Utf8, false),
        Field::new("post_id", DataType::Utf8, false),
        Field::new(
            "created_at",
            DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into())),
            false,
        ),
        Field::new("text", DataType::Utf8, false),
        Field::new("kind", DataType::Utf8, false),
        Field::new("author_handle", DataType::Utf8, false),
    ]));
    let platforms = ["x", "mastodon", "bluesky"];
    let kinds = ["original", "reply", "repost", "quote"];
    let columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from_iter_values(
            (0..n).map(|i| platforms[i % 3]),
        )),
        Arc::new(StringArray::from_iter_values(
            (0..n).map(|i| format!("p{i:05}")),
        )),
        Arc::new(
            TimestampMillisecondArray::from_iter_values(
                (0..n as i64).map(|i| 1_656_403_200_000 + i * 60_000),
            )
            .with_timezone("UTC"),
        ),
        Arc::new(StringArray::from_iter_values(texts)),
        Arc::new(StringArray::from_iter_values((0..n).map(|i| kinds[i % 4]))),
        Arc::new(StringArray::from_iter_values(
            (0..n).map(|i| ["Alice", "@alice", "bob", "Carol", "dave"][i % 5]),
        )),
    ];
    let batch = RecordBatch::try_new(schema.clone(), columns).unwrap();
    let path = dir.join("posts.parquet");
    let mut writer =
        ArrowWriter::try_new(std::fs::File::create(&path).unwrap(), schema, None).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
    path
}
