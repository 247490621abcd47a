//! Dictionaries from other tools (`tests/data/dictionaries/`, written for
//! these tests with the ugly lines each format has): read with their
//! meaning kept, refused naming the line where threadlens cannot express
//! them, read without those entries under `skip_invalid`, and written back.

use std::path::{Path, PathBuf};

use threadlens_process::{
    Element, Lexicon, LexiconError, LexiconFormat, Pattern, ReadOptions, write_lexicon,
};

use crate::{bundled, hits, owned};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/dictionaries")
        .join(name)
}

/// The problems refusing `name`, as (line, message) pairs.
fn refusal(name: &str) -> Vec<(Option<usize>, String)> {
    match Lexicon::from_file(&fixture(name)) {
        Err(LexiconError::Invalid(problems)) => problems
            .list
            .into_iter()
            .map(|p| (p.line, p.message))
            .collect(),
        other => panic!("{name} was not refused: {other:?}"),
    }
}

fn lenient(name: &str) -> Lexicon {
    Lexicon::read(
        &fixture(name),
        ReadOptions {
            format: None,
            skip_invalid: true,
        },
    )
    .unwrap()
}

fn ids(lexicon: &Lexicon) -> Vec<&str> {
    lexicon.themes.iter().map(|t| t.id.as_str()).collect()
}

#[test]
fn liwc_dic_with_numbered_and_named_categories() {
    let problems = refusal("moral.dic");
    let lines: Vec<Option<usize>> = problems.iter().map(|p| p.0).collect();
    assert_eq!(
        lines,
        [Some(12), Some(13), Some(14), Some(15)],
        "{problems:?}"
    );
    assert!(
        problems[0]
            .1
            .contains("not made of words threadlens counts"),
        "{:?}",
        problems[0]
    ); // `:)`
    assert!(
        problems[1].1.contains("cannot be expressed"),
        "{:?}",
        problems[1]
    ); // co*operat*
    assert!(problems[2].1.contains("conditional"), "{:?}", problems[2]); // like
    assert!(problems[3].1.contains("category 9"), "{:?}", problems[3]); // abuse

    // Skipping what cannot be expressed still refuses an unknown category.
    let options = ReadOptions {
        format: None,
        skip_invalid: true,
    };
    assert!(Lexicon::read(&fixture("moral.dic"), options).is_err());
    let text = std::fs::read_to_string(fixture("moral.dic")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let fixed = dir.path().join("moral.dic");
    std::fs::write(&fixed, text.replace("abuse\t9\n", "")).unwrap();
    let lexicon = Lexicon::read(&fixed, options).unwrap();
    assert_eq!(lexicon.format, LexiconFormat::Liwc);
    assert_eq!(ids(&lexicon), ["care", "harm", "fairness"]);
    assert_eq!(lexicon.themes[0].label.as_deref(), Some("Care"));
    let skipped: Vec<(Option<usize>, &str)> = lexicon
        .skipped
        .iter()
        .map(|s| (s.line, s.entry.as_str()))
        .collect();
    assert_eq!(
        skipped,
        [
            (Some(14), "like"),
            (Some(12), ":)"),
            (Some(13), "co*operat*")
        ]
    );
    // A word without `*` is an exact form, `*` a prefix, two words a phrase.
    assert_eq!(
        hits(
            &lexicon,
            "Caregivers keep patients safe, kind of equal; safely hurting? Like it."
        ),
        owned(&[("care", 3), ("harm", 2), ("fairness", 3)])
    );
    assert_eq!(
        lexicon.themes[0].entries[1].pattern,
        Pattern::Term(Element::Exact("safe".into()))
    );
}

#[test]
fn liwc_22_dicx_with_marks_and_a_weight() {
    let problems = refusal("values.dicx");
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].0, Some(6));
    assert!(problems[0].1.contains("weighted"), "{problems:?}");
    let text = std::fs::read_to_string(fixture("values.dicx")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let fixed = dir.path().join("values.dicx");
    std::fs::write(&fixed, text.replace("share*,0.5,\n", "")).unwrap();
    let lexicon = Lexicon::from_file(&fixed).unwrap();
    assert_eq!(ids(&lexicon), ["openness", "honesty_candour"]);
    assert_eq!(
        lexicon.themes[1].label.as_deref(),
        Some("Honesty / candour")
    );
    assert_eq!(
        hits(&lexicon, "Openly honest: tell the truth, be transparent"),
        owned(&[("openness", 2), ("honesty_candour", 3)])
    );
}

#[test]
fn quanteda_yaml_with_nested_keys_and_globs() {
    let problems = refusal("policy.yml");
    let lines: Vec<Option<usize>> = problems.iter().map(|p| p.0).collect();
    assert_eq!(lines, [Some(9), Some(10)], "{problems:?}");
    let lexicon = lenient("policy.yml");
    assert_eq!(ids(&lexicon), ["economy_taxes", "economy_jobs", "care"]);
    assert_eq!(lexicon.skipped.len(), 2);
    assert_eq!(
        hits(&lexicon, "Taxation and public spending; jobless nurses"),
        owned(&[("economy_taxes", 2), ("economy_jobs", 1), ("care", 1)])
    );
}

#[test]
fn lexicoder_wordstat_and_yoshikoder() {
    let lexicon = Lexicon::from_file(&fixture("sentiment.lc3")).unwrap();
    assert_eq!(lexicon.format, LexiconFormat::Lexicoder);
    assert_eq!(
        hits(
            &lexicon,
            "They abandoned us with a lie; I cannot complain. Able, and well-being"
        ),
        owned(&[("negative", 3), ("positive", 2)])
    );

    let problems = refusal("rid.cat");
    let lines: Vec<Option<usize>> = problems.iter().map(|p| p.0).collect();
    assert_eq!(lines, [Some(7), Some(10)], "{problems:?}");
    assert!(problems[0].1.contains("weight 2"), "{problems:?}");
    let text = std::fs::read_to_string(fixture("rid.cat")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let fixed = dir.path().join("rid.cat");
    std::fs::write(&fixed, text.replace("\t\tWORK (2)\n", "")).unwrap();
    let lexicon = Lexicon::read(
        &fixed,
        ReadOptions {
            format: None,
            skip_invalid: true,
        },
    )
    .unwrap();
    assert_eq!(ids(&lexicon), ["economy_taxes", "economy_jobs", "culture"]);
    assert_eq!(lexicon.skipped.len(), 1, "ACT_OF_GOD: `_` splits the word");

    let problems = refusal("topics.ykd");
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].0, Some(11));
    let lexicon = lenient("topics.ykd");
    assert_eq!(ids(&lexicon), ["economy_tax_spend", "art"]);
    assert_eq!(
        hits(&lexicon, "Taxes and public spending on artists"),
        owned(&[("economy_tax_spend", 2), ("art", 1)])
    );
}

/// Converting out and back keeps everything the format can hold: the
/// bundled lexicons to every writable format (stemmed words and hashtags
/// skipped and listed, since the others match exact forms and prefixes
/// only), and another tool's dictionary through TOML and back.
#[test]
fn conversions_round_trip_what_each_format_holds() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["three-cs.toml", "nhs-improvement.toml"] {
        let original = Lexicon::from_file(&bundled(name)).unwrap();
        for format in LexiconFormat::ALL.into_iter().filter(|f| f.writable()) {
            let (text, skipped) = write_lexicon(&original, format, true, &bundled(name)).unwrap();
            let path = dir.path().join(format!("out.{}", format.extension()));
            std::fs::write(&path, &text).unwrap();
            let back =
                Lexicon::from_file(&path).unwrap_or_else(|e| panic!("{name} as {format}: {e}"));
            assert_eq!(back.format, format);
            if format == LexiconFormat::Toml {
                assert!(skipped.is_empty());
                assert_eq!(back, original, "{name} through TOML");
                continue;
            }
            assert!(
                skipped.iter().all(|s| !s.entry.contains(['=', '*'])
                    || s.entry.contains('#')
                    || s.entry
                        .split_whitespace()
                        .any(|w| !w.starts_with('=') && !w.ends_with('*'))),
                "{name} as {format}: only stems and hashtags are skipped: {skipped:?}"
            );
            // Every entry that was written reads back to the same pattern,
            // theme by theme and in order.
            for theme in &original.themes {
                let kept: Vec<&Pattern> = theme
                    .entries
                    .iter()
                    .filter(|e| {
                        !skipped
                            .iter()
                            .any(|s| s.theme == theme.id && s.entry == e.text)
                    })
                    .map(|e| &e.pattern)
                    .collect();
                let read: Vec<&Pattern> = back
                    .themes
                    .iter()
                    .find(|t| t.id == theme.id)
                    .map(|t| t.entries.iter().map(|e| &e.pattern).collect())
                    .unwrap_or_default();
                assert_eq!(read, kept, "{name} as {format}, theme {}", theme.id);
            }
            // Without skipping, a stem refuses the conversion, naming it.
            let refused = write_lexicon(&original, format, false, &bundled(name)).unwrap_err();
            assert!(refused.to_string().contains("matches by stem"), "{refused}");
        }
    }
    // Another tool's dictionary holds nothing TOML cannot: it goes through
    // TOML and back to the same lexicon.
    let liwc = Lexicon::from_file(&fixture("sentiment.lc3")).unwrap();
    for format in [
        LexiconFormat::Toml,
        LexiconFormat::Liwc,
        LexiconFormat::Dicx,
        LexiconFormat::QuantedaYaml,
    ] {
        let (text, skipped) =
            write_lexicon(&liwc, format, false, &fixture("sentiment.lc3")).unwrap();
        assert!(skipped.is_empty());
        let path = dir.path().join(format!("sentiment.{}", format.extension()));
        std::fs::write(&path, text).unwrap();
        let back = Lexicon::from_file(&path).unwrap();
        let patterns = |l: &Lexicon| -> Vec<(String, Vec<Pattern>)> {
            l.themes
                .iter()
                .map(|t| {
                    (
                        t.id.clone(),
                        t.entries.iter().map(|e| e.pattern.clone()).collect(),
                    )
                })
                .collect()
        };
        assert_eq!(patterns(&back), patterns(&liwc), "{format}");
    }
}
