//! Fuzz targets for the lexicon readers (TOML and every dictionary format)
//! and for the analyzer and scorer on arbitrary Unicode (time-bounded:
//! `threadlens_testkit::fuzz`). Lexicons: this crate's own fixtures with
//! lines deleted, repeated, replaced by arbitrary text or cut short, and
//! arbitrary text, in every format, forced and detected, strict and with
//! `skip_invalid`: read or refused with an error naming the file, never a
//! panic. Texts: normalising twice changes nothing (where the first result
//! is NFKC: §3 normalises once), every unit's span lies
//! inside the normalised text in order, and the scorer equals the literal
//! reading of §8.

use std::path::Path;

use proptest::collection::vec;
use proptest::prelude::*;
use threadlens_process::{Lexicon, LexiconFormat, ReadOptions, analyze, normalize, score_text};
use threadlens_testkit::fuzz::fuzz;
use threadlens_testkit::hostile::{edit_lines, line_edits};

use crate::reference::reference_matches;

/// Each format's fixture: its file name and text.
fn fixtures() -> Vec<(LexiconFormat, &'static str, String)> {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let read = |p: &str| std::fs::read_to_string(data.join(p)).unwrap_or_default();
    vec![
        (
            LexiconFormat::Toml,
            "lexicon.toml",
            read("contract-examples.toml"),
        ),
        (
            LexiconFormat::Liwc,
            "moral.dic",
            read("dictionaries/moral.dic"),
        ),
        (
            LexiconFormat::Dicx,
            "values.dicx",
            read("dictionaries/values.dicx"),
        ),
        (
            LexiconFormat::QuantedaYaml,
            "policy.yml",
            read("dictionaries/policy.yml"),
        ),
        (
            LexiconFormat::Lexicoder,
            "sentiment.lc3",
            read("dictionaries/sentiment.lc3"),
        ),
        (
            LexiconFormat::Wordstat,
            "rid.cat",
            read("dictionaries/rid.cat"),
        ),
        (
            LexiconFormat::Yoshikoder,
            "topics.ykd",
            read("dictionaries/topics.ykd"),
        ),
    ]
}

/// Read `text` as a lexicon file named `name`; checks the contract.
fn read_checked(
    text: &[u8],
    name: &str,
    format: Option<LexiconFormat>,
    skip_invalid: bool,
) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
    let path = dir.path().join(name);
    std::fs::write(&path, text).map_err(|e| TestCaseError::fail(e.to_string()))?;
    match Lexicon::read(
        &path,
        ReadOptions {
            format,
            skip_invalid,
        },
    ) {
        Ok(lexicon) => {
            // A lexicon that reads also scores.
            let _ = score_text(&lexicon, "Co-production and candour in #LivedExperience");
        }
        Err(e) => prop_assert!(e.to_string().contains(name), "{}", e),
    }
    Ok(())
}

#[test]
fn fuzz_lexicon_files_edited() {
    let fixtures = fixtures();
    assert!(fixtures.iter().all(|f| !f.2.is_empty()));
    fuzz(
        "lexicon_files_edited",
        (
            0..fixtures.len(),
            line_edits(),
            any::<bool>(),
            any::<bool>(),
        ),
        |(f, edits, forced, skip)| {
            let (format, name, text) = &fixtures[f];
            let text = edit_lines(text, &edits);
            read_checked(text.as_bytes(), name, forced.then_some(*format), skip)
        },
    );
}

#[test]
fn fuzz_lexicon_arbitrary_text() {
    let names = [
        "x.toml", "x.dic", "x.dicx", "x.yml", "x.lc3", "x.cat", "x.ykd", "x.txt",
    ];
    fuzz(
        "lexicon_arbitrary",
        (
            vec(any::<u8>(), 0..3_000),
            0..names.len(),
            0..LexiconFormat::ALL.len() + 1,
            any::<bool>(),
        ),
        |(bytes, n, f, skip)| {
            let format = LexiconFormat::ALL.get(f).copied();
            read_checked(&bytes, names[n], format, skip)
        },
    );
}

#[test]
fn fuzz_analyzer_and_scorer_on_arbitrary_unicode() {
    let lexicons: Vec<Lexicon> = crate::properties::lexicons();
    fuzz("analyzer_scorer", any::<String>(), |text| {
        let once = normalize(&text);
        // §3 normalises once: a deleted variation selector or zero-width
        // character can leave combining marks out of canonical order, which
        // a second NFKC would reorder. Idempotence holds wherever the first
        // result is NFKC (see the regression test below).
        if unicode_normalization::is_nfkc(&once) {
            prop_assert_eq!(normalize(&once), once.clone(), "normalising twice");
        }
        let analysis = analyze(&text);
        let length = analysis.normalized.chars().count();
        let mut previous_end = 0;
        for unit in &analysis.units {
            prop_assert!(
                unit.start < unit.end && unit.end <= length,
                "{:?} in {}",
                unit,
                length
            );
            prop_assert!(
                unit.start >= previous_end || unit.hashtag.is_some(),
                "{:?}",
                unit
            );
            prop_assert!(!unit.form.is_empty());
            previous_end = unit.end;
        }
        for lexicon in &lexicons {
            prop_assert_eq!(
                crate::properties::matches(lexicon, &text),
                reference_matches(lexicon, &text)
            );
        }
        Ok(())
    });
}

/// Found by `benches/fuzz.sh 9 2` after 540,588 inputs: deleting the
/// variation selector between two combining marks leaves them out of
/// canonical order, and §3 normalises once, so a second normalisation
/// differs. The contract says so (text-processing.md §3); the scorer
/// still agrees with the literal reading on such text.
#[test]
fn normalising_once_keeps_marks_a_deletion_left_out_of_order() {
    let text = "\u{11370}\u{FE00}\u{A82C}";
    let once = normalize(text);
    assert_eq!(once, "\u{11370}\u{A82C}");
    assert!(!unicode_normalization::is_nfkc(&once));
    assert_eq!(normalize(&once), "\u{A82C}\u{11370}");
    for lexicon in crate::properties::lexicons() {
        assert_eq!(
            crate::properties::matches(&lexicon, text),
            reference_matches(&lexicon, text)
        );
    }
}
