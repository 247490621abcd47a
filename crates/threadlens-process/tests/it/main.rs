//! The bundled lexicons (`datasets/lexicons/`) compile cleanly and score
//! sentences from the domain texts as intended.

#![allow(clippy::unwrap_used)] // test helpers may panic

use std::path::{Path, PathBuf};

use threadlens_process::{Lexicon, score_text};

mod dictionaries;
mod fuzz;
mod properties;
mod reference;

pub(crate) fn bundled(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../datasets/lexicons")
        .join(name)
}

/// Hits per theme id of `text`, themes with none left out.
fn hits(lexicon: &Lexicon, text: &str) -> Vec<(String, usize)> {
    let score = score_text(lexicon, text);
    lexicon
        .themes
        .iter()
        .zip(&score.themes)
        .filter(|(_, s)| s.hits > 0)
        .map(|(t, s)| (t.id.clone(), s.hits))
        .collect()
}

fn owned(pairs: &[(&str, usize)]) -> Vec<(String, usize)> {
    pairs.iter().map(|(t, n)| ((*t).to_owned(), *n)).collect()
}

#[test]
fn bundled_lexicons_compile_without_warnings_and_describe_every_theme() {
    for (name, themes) in [("three-cs.toml", 3), ("nhs-improvement.toml", 9)] {
        let lexicon = Lexicon::from_file(&bundled(name)).unwrap();
        assert_eq!(lexicon.themes.len(), themes, "{name}");
        assert!(
            lexicon.warnings.is_empty(),
            "{name}: {:?}",
            lexicon.warnings
        );
        assert!(
            lexicon
                .themes
                .iter()
                .all(|t| t.description.is_some() && t.label.is_some()),
            "{name}"
        );
    }
}

#[test]
fn three_cs_on_sentences_from_the_seed_texts() {
    let lexicon = Lexicon::from_file(&bundled("three-cs.toml")).unwrap();
    let cases: [(&str, &[(&str, usize)]); 4] = [
        (
            "We cover why we should involve patients and what co-production actually looks like",
            &[("coproduction", 1)],
        ),
        (
            "I co-hosted an open conversation on what is needed to help people spread innovation",
            &[("conversation", 1)],
        ),
        (
            "Saying sorry early and being honest: the #DutyOfCandour",
            &[("candour", 3)],
        ),
        (
            "Welcome to #SolvingTogether and #ImprovingTogether, open to everyone",
            &[],
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(hits(&lexicon, text), owned(expected), "{text}");
    }
}

#[test]
fn nhs_improvement_on_sentences_from_the_seed_texts() {
    let lexicon = Lexicon::from_file(&bundled("nhs-improvement.toml")).unwrap();
    let cases: [(&str, &[(&str, usize)]); 4] = [
        (
            "People from across health and care, including people with lived experience, got involved",
            &[
                ("coproduction", 1),
                ("lived_experience", 1),
                ("involvement", 1),
            ],
        ),
        (
            // The phrase `spread and adoption` is one hit over three units
            // (longest first), the hashtag entry another.
            "7 interconnected principles for spread and adoption #NHSSpread",
            &[("spread_and_adoption", 2)],
        ),
        (
            "Digitally-Enabled Transformation, Improving Health Equity",
            &[("health_equity", 1), ("digital_transformation", 2)],
        ),
        (
            "A practical guide to the art of psychological safety in the real world",
            &[("psychological_safety", 1)],
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(hits(&lexicon, text), owned(expected), "{text}");
    }
}
