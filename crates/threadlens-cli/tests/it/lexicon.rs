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

/// `lexicon audit` on the demo day: every wildcard entry of three-cs that
/// matched lists the forms it caught, and one entry's count is worked out
/// again from the texts, independently of the scorer.
#[test]
fn the_audit_of_the_demo_day_lists_what_each_entry_caught() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo");
    assert!(
        threadlens(&["demo", "--out", demo.to_str().unwrap()])
            .status
            .success()
    );
    let store = demo.join("store");
    let lexicon = crate::repo("datasets/lexicons/three-cs.toml");
    let output = threadlens(&[
        "lexicon",
        "audit",
        "--data",
        store.to_str().unwrap(),
        "--lexicon",
        lexicon.to_str().unwrap(),
    ]);
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stdout.starts_with("Audit of lexicon three-cs over 4267 posts"),
        "{stdout}"
    );
    assert!(
        stdout.contains("coproduction `#coproduction`: could match 560 times, another entry of the theme always won"),
        "a hashtag entry that ties with coproduc* on #CoProduction and loses: {stdout}"
    );
    let forms = std::fs::read_to_string(store.join("audit/audit_forms.csv")).unwrap();
    let rows: Vec<Vec<&str>> = forms
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    // Every prefix entry that matched lists its forms, each starting with the prefix.
    let entries = std::fs::read_to_string(store.join("audit/audit_entries.csv")).unwrap();
    for line in entries.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let (theme, entry, kind, hits) = (cells[0], cells[1], cells[2], cells[3]);
        if kind != "prefix" || hits == "0" {
            continue;
        }
        let prefix = entry.trim_end_matches('*').replace('-', "");
        let caught: Vec<&Vec<&str>> = rows
            .iter()
            .filter(|r| r[0] == theme && r[1] == entry)
            .collect();
        assert!(
            !caught.is_empty(),
            "{entry} matched {hits} times but lists no form"
        );
        assert!(
            caught.iter().all(|r| r[2].starts_with(&prefix)),
            "{entry}: {caught:?}"
        );
        let sum: u64 = caught.iter().map(|r| r[3].parse::<u64>().unwrap()).sum();
        assert_eq!(
            sum.to_string(),
            hits,
            "{entry}: the forms add up to its hits"
        );
    }
    // By hand: `dialogue` is a stem entry; count the word in every text
    // that is not a repost, as a whole word (a hashtag's segment counts).
    let audited: u64 = rows
        .iter()
        .filter(|r| r[1] == "dialogue")
        .map(|r| r[3].parse::<u64>().unwrap())
        .sum();
    let posts = threadlens_store::PostStore::open(&store)
        .unwrap()
        .read_posts()
        .unwrap();
    let mut counted = 0u64;
    for post in posts
        .iter()
        .filter(|p| p.kind != threadlens_model::PostKind::Repost)
    {
        let text = post.text.to_lowercase();
        let bytes = text.as_bytes();
        for (at, _) in text.match_indices("dialogue") {
            let before = at.checked_sub(1).map(|i| bytes[i]);
            let after = bytes.get(at + "dialogue".len()).copied();
            let letter = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_alphanumeric());
            if !letter(before) && before != Some(b'@') && before != Some(b'/') && !letter(after) {
                counted += 1;
            }
        }
    }
    assert!(counted > 0);
    assert_eq!(
        audited, counted,
        "`dialogue` in the audit and counted by hand"
    );
}

/// Every other tool's format the project has a fixture for reads from the
/// command line, with what cannot be expressed left out and listed.
#[test]
fn every_dictionary_format_checks_from_the_command_line() {
    let dir = crate::repo("crates/threadlens-process/tests/data/dictionaries");
    for (file, format, themes) in [
        ("values.dicx", "dicx", 0),
        ("policy.yml", "quanteda-yaml", 3),
        ("sentiment.lc3", "lexicoder", 2),
        ("rid.cat", "wordstat", 0),
        ("topics.ykd", "yoshikoder", 2),
    ] {
        let path = dir.join(file);
        let output = threadlens(&["lexicon", "check", path.to_str().unwrap(), "--skip-invalid"]);
        let (stdout, stderr) = text(&output);
        if themes == 0 {
            // A weight is not an entry threadlens cannot express but a
            // file it cannot read faithfully: refused even when skipping.
            assert_eq!(output.status.code(), Some(2), "{file}: {stdout}");
            assert!(stderr.contains("weight"), "{file}: {stderr}");
            continue;
        }
        assert!(output.status.success(), "{file}: {stderr}");
        assert!(
            stdout.contains(&format!("({format}, english), {themes} themes")),
            "{file}: {stdout}"
        );
    }
}
