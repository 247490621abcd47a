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
