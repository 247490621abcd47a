//! Properties of the scorer over generated texts (proptest): it agrees with
//! the literal reading of §8 in `reference.rs`, never panics, never counts
//! more hits than units, and gives the same answers whatever the order of
//! the posts, the number of threads, or how often the lexicon is compiled.

use std::path::Path;

use proptest::prelude::*;
use threadlens_process::{Lexicon, score_columns, score_text, score_texts};

use crate::bundled;
use crate::reference::reference_matches;

pub fn lexicons() -> Vec<Lexicon> {
    let contract = Lexicon::parse(
        include_str!("../data/contract-examples.toml"),
        Path::new("contract-examples.toml"),
    )
    .unwrap();
    let three_cs = Lexicon::from_file(&bundled("three-cs.toml")).unwrap();
    let nhs = Lexicon::from_file(&bundled("nhs-improvement.toml")).unwrap();
    vec![contract, three_cs, nhs]
}

/// Every match of `text`, per theme, as (entry, first unit, units): what
/// the literal reading (`reference_matches`) gives.
pub fn matches(lexicon: &Lexicon, text: &str) -> Vec<Vec<(usize, usize, usize)>> {
    score_text(lexicon, text)
        .themes
        .iter()
        .map(|t| {
            t.matches
                .iter()
                .map(|m| (m.entry, m.first_unit, m.unit_count))
                .collect()
        })
        .collect()
}

/// Words that the lexicons care about, in the shapes posts write them.
const VOCABULARY: &[&str] = &[
    "co-production",
    "coproduction",
    "co",
    "production",
    "produce",
    "honest",
    "honesty",
    "candour",
    "Candor",
    "conversations",
    "lived",
    "experience",
    "experiences",
    "involved",
    "involv",
    "partners",
    "duty",
    "of",
    "psychological",
    "safety",
    "spread",
    "adoption",
    "health",
    "equity",
    "inequalities",
    "digital",
    "speak",
    "up",
    "the",
    "and",
    "a",
    "don't",
    "NHS's",
    "week",
    "design",
    "codesign",
    "people",
];

const HASHTAGS: &[&str] = &[
    "#CoProduction",
    "#DutyOfCandour",
    "#LivedExperience",
    "#CoDesignWeek",
    "#SolvingTogether",
    "#coproduction",
    "#NHS",
    "#3Cs",
    "#co_production",
    "#HealthEquity",
    "#PsychologicalSafety",
    "#SpeakUp",
    "#CoProductionWeek",
    "#Candour's",
    "#Involved",
];

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::sample::select(VOCABULARY).prop_map(str::to_owned),
        2 => prop::sample::select(HASHTAGS).prop_map(str::to_owned),
        1 => prop::sample::select(vec!["@host_equity", "https://t.co/x", "a@b.org", "🙌", "❤️", ",", "—"])
            .prop_map(str::to_owned),
        1 => "\\PC{0,6}",
    ]
}

fn post() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            piece(),
            prop::sample::select(vec![" ", "  ", "", "-", "\n"]),
        ),
        0..16,
    )
    .prop_map(|parts| parts.into_iter().map(|(p, sep)| p + sep).collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn the_scorer_agrees_with_the_literal_reading(text in post()) {
        for lexicon in lexicons() {
            prop_assert_eq!(matches(&lexicon, &text), reference_matches(&lexicon, &text), "{:?} with {}", text, lexicon.name);
        }
    }

    #[test]
    fn any_text_scores_and_hits_never_exceed_units(text in any::<String>()) {
        for lexicon in lexicons() {
            let s = score_text(&lexicon, &text);
            for theme in &s.themes {
                prop_assert!(theme.hits <= s.word_count);
                prop_assert!((0.0..=100.0).contains(&theme.score));
            }
        }
    }

    #[test]
    fn order_threads_and_columns_do_not_change_answers(texts in prop::collection::vec(post(), 0..40)) {
        let lexicon = Lexicon::from_file(&bundled("nhs-improvement.toml")).unwrap();
        let single = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let three = rayon::ThreadPoolBuilder::new().num_threads(3).build().unwrap();
        let one_thread = single.install(|| score_texts(&lexicon, &texts));
        let three_threads = three.install(|| score_texts(&lexicon, &texts));
        prop_assert_eq!(&one_thread, &three_threads);

        let reversed: Vec<&String> = texts.iter().rev().collect();
        let mut backwards = score_texts(&lexicon, &reversed);
        backwards.reverse();
        prop_assert_eq!(&one_thread, &backwards);

        let columns = score_columns(&lexicon, &texts);
        for (i, s) in one_thread.iter().enumerate() {
            prop_assert_eq!(columns.word_count[i] as usize, s.word_count);
            prop_assert_eq!(columns.emoji_count[i] as usize, s.emoji_count);
            for (t, theme) in s.themes.iter().enumerate() {
                prop_assert_eq!(columns.hits[t][i] as usize, theme.hits);
            }
        }
    }

    #[test]
    fn compiling_a_lexicon_twice_gives_identical_results(texts in prop::collection::vec(post(), 1..20)) {
        let path = bundled("three-cs.toml");
        let (a, b) = (Lexicon::from_file(&path).unwrap(), Lexicon::from_file(&path).unwrap());
        prop_assert_eq!(&a, &b);
        prop_assert_eq!(score_texts(&a, &texts), score_texts(&b, &texts));
    }
}
