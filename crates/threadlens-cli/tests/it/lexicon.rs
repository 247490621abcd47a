//! `threadlens lexicon check|explain`.

use crate::{text, threadlens};

use crate::{CONTRACT_LEXICON, lexicon_file};

#[test]
fn check_shows_compiled_entries_and_warns_of_repeats() {
    let dir = tempfile::tempdir().unwrap();
    let file = lexicon_file(&dir, CONTRACT_LEXICON);
    let output = threadlens(&["lexicon", "check", &file]);
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(stdout.contains("2 themes, 8 entries: valid"), "{stdout}");
    assert!(
        stdout.contains("lived experience  phrase [stem live, stem experi]"),
        "{stdout}"
    );
    assert!(
        stderr.contains("entry \"honest\" is given twice"),
        "{stderr}"
    );
}

#[test]
fn a_bad_lexicon_is_a_configuration_error_naming_theme_and_entry() {
    let dir = tempfile::tempdir().unwrap();
    let file = lexicon_file(&dir, &CONTRACT_LEXICON.replace("\"candor\"", "\"n.h.s\""));
    let output = threadlens(&["lexicon", "check", &file]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr.contains("lexicon.toml:15: theme `candour`, entry \"n.h.s\""),
        "{stderr}"
    );
}

#[test]
fn explain_shows_units_and_matches_with_spans() {
    let dir = tempfile::tempdir().unwrap();
    let file = lexicon_file(&dir, CONTRACT_LEXICON);
    let output = threadlens(&[
        "lexicon",
        "explain",
        &file,
        "Honest, candid conversations #DutyOfCandour",
    ]);
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(stdout.contains("word_count 6, emoji_count 0"), "{stdout}");
    assert!(stdout.contains("candour: 2 hits, score 33.33"), "{stdout}");
    assert!(
        stdout.contains("\"#dutyofcandour\" matched \"#DutyOfCandour\" at 29..43"),
        "{stdout}"
    );
}

/// A dictionary of another tool, end to end: converted from LIWC to TOML
/// and back, used directly by `score` and `kwic`, and the bundled lexicon
/// converted out (its stems refused, or left out and listed).
#[test]
fn dictionaries_of_other_tools_convert_and_score() {
    let dir = tempfile::tempdir().unwrap();
    let dic = crate::repo("crates/threadlens-process/tests/data/dictionaries/sentiment.lc3");
    let toml = dir.path().join("sentiment.toml");
    let output = threadlens(&[
        "lexicon",
        "convert",
        dic.to_str().unwrap(),
        "--to",
        "toml",
        "--out",
        toml.to_str().unwrap(),
    ]);
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stdout.contains("sentiment.toml: 2 themes, 5 entries as toml"),
        "{stdout}"
    );
    let written = std::fs::read_to_string(&toml).unwrap();
    assert!(
        written.contains("\"=a lie*\"") && written.contains("label = \"negative\""),
        "{written}"
    );
    let output = threadlens(&["lexicon", "check", toml.to_str().unwrap()]);
    assert!(output.status.success(), "{:?}", text(&output));

    // The bundled lexicon matches by stem: refused as LIWC, naming entries...
    let bundled = crate::repo("datasets/lexicons/three-cs.toml");
    let dic_out = dir.path().join("three-cs.dic");
    let output = threadlens(&[
        "lexicon",
        "convert",
        bundled.to_str().unwrap(),
        "--to",
        "liwc",
        "--out",
        dic_out.to_str().unwrap(),
    ]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr.contains("theme `candour`, entry \"honest\": \"honest\" matches by stem"),
        "{stderr}"
    );
    assert!(!dic_out.exists(), "nothing written");
    // ...or written without them, each listed.
    let output = threadlens(&[
        "lexicon",
        "convert",
        bundled.to_str().unwrap(),
        "--to",
        "liwc",
        "--skip-invalid",
        "--out",
        dic_out.to_str().unwrap(),
    ]);
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("not written: theme `candour`, entry \"honest\""),
        "{stderr}"
    );
    assert!(stdout.contains("left out, listed above"), "{stdout}");

    // Scoring with the LIWC file directly, and a manifest that says so.
    let store = crate::contract_store(&dir);
    let output = threadlens(&[
        "score",
        "--data",
        &store,
        "--lexicon",
        dic_out.to_str().unwrap(),
        "--out",
        dir.path().join("scores").to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{:?}", text(&output));
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("scores/manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["lexicon"]["format"], "liwc");
    assert_eq!(manifest["lexicon"]["name"], "three-cs");

    // A file with lines threadlens cannot express: refused with lines, or
    // read without them.
    let moral = crate::repo("crates/threadlens-process/tests/data/dictionaries/moral.dic");
    let output = threadlens(&["lexicon", "check", moral.to_str().unwrap()]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr.contains("moral.dic:14: entry \"like\""), "{stderr}");
}
