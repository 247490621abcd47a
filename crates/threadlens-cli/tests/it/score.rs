//! `threadlens score`: the post_scores table and its manifest, on the
//! contract's examples, whose counts are known by hand (text-processing.md
//! §9).

use std::path::Path;

use polars::prelude::*;

use crate::{CONTRACT_LEXICON, contract_store, lexicon_file, text, threadlens};

/// The expected CSV, worked out by hand from the §9 table: `<theme>_score`
/// is 100 × hits / word_count; the repost (id 7) is left out; the post
/// with no words scores 0 and its formula-like id is guarded with `'`.
const EXPECTED_CSV: &str = "\
post_id,platform,word_count,emoji_count,coproduction_hits,coproduction_score,candour_hits,candour_score
1,x,4,0,1,25,0,0
2,x,5,0,2,40,0,0
3,x,6,0,0,0,2,33.333333333333336
4,x,2,0,1,50,0,0
5,x,1,2,0,0,1,100
6,x,3,1,1,33.333333333333336,0,0
'=2+5,x,0,0,0,0,0,0
";

#[test]
fn scores_the_contract_examples_exactly_and_records_a_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let store = contract_store(&dir);
    let lexicon = lexicon_file(&dir, CONTRACT_LEXICON);
    let output = threadlens(&["score", "--data", &store, "--lexicon", &lexicon]);
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stdout.starts_with(
            "scored 7 posts against 2 themes of lexicon contract-examples 1 (1 repost left out"
        ),
        "{stdout}"
    );
    let scores = Path::new(&store).join("scores");
    let csv = std::fs::read_to_string(scores.join("post_scores.csv")).unwrap();
    assert_eq!(csv, EXPECTED_CSV);

    let parquet = std::fs::File::open(scores.join("post_scores.parquet")).unwrap();
    let df = ParquetReader::new(parquet).finish().unwrap();
    assert_eq!(df.height(), 7);
    assert_eq!(df.column("post_id").unwrap().dtype(), &DataType::String);
    assert_eq!(df.column("word_count").unwrap().dtype(), &DataType::UInt32);
    let candour: Vec<Option<f64>> = df
        .column("candour_score")
        .unwrap()
        .f64()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(candour[4], Some(100.0));
    assert_eq!(candour[2], Some(100.0 * 2.0 / 6.0));

    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(scores.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["scoring_spec"], "v1.1");
    assert_eq!(manifest["formats_spec"], "v1.3");
    assert_eq!(manifest["tool_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(manifest["lexicon"]["name"], "contract-examples");
    assert_eq!(
        manifest["lexicon"]["themes"],
        serde_json::json!(["coproduction", "candour"])
    );
    let sha = manifest["lexicon"]["sha256"].as_str().unwrap();
    assert!(
        sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit()),
        "{sha}"
    );
    assert_eq!(manifest["inputs"][0]["rows"], 8);
    assert_eq!(manifest["rejects"], 1);
    assert_eq!(manifest["include_reposts"], false);
    assert_eq!(manifest["posts_left_out"], 1);
    assert_eq!(manifest["outputs"][0]["rows"], 7);
    assert_eq!(manifest["command"][1], "score");
    assert!(manifest["started_at"].as_str().unwrap() <= manifest["finished_at"].as_str().unwrap());
}

#[test]
fn reposts_are_scored_when_asked_and_the_choice_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let store = contract_store(&dir);
    let lexicon = lexicon_file(&dir, CONTRACT_LEXICON);
    let out = dir.path().join("elsewhere");
    let output = threadlens(&[
        "score",
        "--data",
        &store,
        "--lexicon",
        &lexicon,
        "--include-reposts",
        "--out",
        out.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    assert!(output.status.success(), "{output:?}");
    let csv = std::fs::read_to_string(out.join("post_scores.csv")).unwrap();
    assert!(csv.contains("\n7,x,2,0,0,0,2,100\n"), "{csv}");
    assert!(
        !out.join("post_scores.parquet").exists(),
        "only the formats asked for"
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["include_reposts"], true);
    assert_eq!(manifest["posts_left_out"], 0);
}

#[test]
fn scoring_twice_gives_the_same_tables() {
    let dir = tempfile::tempdir().unwrap();
    let store = contract_store(&dir);
    let lexicon = lexicon_file(&dir, CONTRACT_LEXICON);
    let read = |name: &str| std::fs::read(Path::new(&store).join("scores").join(name)).unwrap();
    assert!(
        threadlens(&["score", "--data", &store, "--lexicon", &lexicon])
            .status
            .success()
    );
    let first = (read("post_scores.csv"), read("post_scores.parquet"));
    assert!(
        threadlens(&["score", "--data", &store, "--lexicon", &lexicon])
            .status
            .success()
    );
    assert_eq!(
        first,
        (read("post_scores.csv"), read("post_scores.parquet"))
    );
}

#[test]
fn usage_errors_exit_2_before_writing_anything() {
    let dir = tempfile::tempdir().unwrap();
    let lexicon = lexicon_file(&dir, CONTRACT_LEXICON);
    let empty = dir.path().join("empty");
    let output = threadlens(&[
        "score",
        "--data",
        empty.to_str().unwrap(),
        "--lexicon",
        &lexicon,
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output)
            .1
            .contains("has no posts.parquet: import posts first"),
        "{output:?}"
    );
    assert!(
        !empty.exists(),
        "no folder is created for a store that is not there"
    );

    let store = contract_store(&dir);
    let output = threadlens(&[
        "score",
        "--data",
        &store,
        "--lexicon",
        &lexicon,
        "--format",
        "pdf",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output)
            .1
            .contains("invalid value 'pdf' for '--format <LIST>'"),
        "{output:?}"
    );
    let output = threadlens(&[
        "score",
        "--data",
        &store,
        "--lexicon",
        &lexicon,
        "--format",
        "xlsx",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output).1.contains("[possible values: csv, parquet]"),
        "{output:?}"
    );
    assert!(!Path::new(&store).join("scores").exists());
}
