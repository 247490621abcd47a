//! The binary itself: version and the top-level help.

use crate::{text, threadlens};

#[test]
fn the_binary_reports_its_version() {
    let output = threadlens(&["--version"]);
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        stdout.trim(),
        format!("threadlens {}", env!("CARGO_PKG_VERSION"))
    );
}

/// Every command's help, word for word: a change in what users read is a
/// reviewed snapshot change.
#[test]
fn help_of_every_command() {
    let commands: [&[&str]; 23] = [
        &[],
        &["demo"],
        &["run"],
        &["collect"],
        &["collect", "x"],
        &["collect", "mastodon"],
        &["collect", "bluesky"],
        &["import"],
        &["score"],
        &["report"],
        &["kwic"],
        &["network"],
        &["store", "verify"],
        &["lexicon", "check"],
        &["lexicon", "explain"],
        &["lexicon", "convert"],
        &["lexicon", "audit"],
        &["validate", "sample"],
        &["validate", "score"],
        &["synth"],
        &["export-notebook"],
        &["completions"],
        &["man"],
    ];
    for command in commands {
        let mut args = command.to_vec();
        args.push("--help");
        let output = threadlens(&args);
        let (stdout, stderr) = text(&output);
        assert!(output.status.success(), "{command:?}: {stderr}");
        let name = if command.is_empty() {
            "help".to_owned()
        } else {
            format!("help_{}", command.join("_"))
        };
        insta::assert_snapshot!(name, stdout);
    }
}

/// Replace a temporary folder in `text` with `[DIR]`.
fn without(dir: &std::path::Path, text: &str) -> String {
    text.replace(&dir.display().to_string(), "[DIR]")
}

/// A job file with several mistakes: every one at once, each with its
/// line, near misses named.
#[test]
fn errors_of_a_bad_job_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("lexicon.toml"), crate::CONTRACT_LEXICON).unwrap();
    let job = dir.path().join("job.toml");
    std::fs::write(
        &job,
        "version = 1\n\n[job]\nname = \"nightly\"\ndata_dir = \"data\"\n\n[[source]]\nplatform = \"mastadon\"\ninstances = [\"https://mastodon.social\"]\n\n[[source]]\nplatform = \"file\"\npaths = [\"exports/*.jsonl\"]\nfromat = \"twarc2\"\n\n[process]\nlexicon = \"lexicon.toml\"\ninclude_reposts = \"no\"\n\n[report]\nformats = [\"csv\", \"xslx\"]\nkeep = 30\n",
    )
    .unwrap();
    let output = threadlens(&["run", "--check", job.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    insta::assert_snapshot!("error_bad_job_file", without(dir.path(), &text(&output).1));
    // With the shape right, the values are checked, all of them.
    std::fs::write(
        &job,
        "version = 2\n\n[job]\nname = \"Nightly Job\"\ndata_dir = \"data\"\n\n[[source]]\nplatform = \"file\"\npaths = [\"exports/*.jsonl\"]\nformat = \"twarc\"\n\n[process]\nlexicon = \"missing.toml\"\n\n[report]\nformats = [\"csv\", \"xslx\"]\nperiod = \"weekly\"\ntimezone = \"Europe/Londres\"\nout_dir = \"reports/{date}/x\"\nkeep = 0\n",
    )
    .unwrap();
    let output = threadlens(&["run", "--check", job.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    insta::assert_snapshot!(
        "error_bad_job_values",
        without(dir.path(), &text(&output).1)
    );
}

/// A lexicon with several mistakes: every one at once, with lines.
#[test]
fn errors_of_a_bad_lexicon() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lexicon.toml");
    std::fs::write(
        &path,
        "[lexicon]\nname = \"mine\"\nversion = \"1\"\nlanguage = \"french\"\n\n[[theme]]\nid = \"Candour\"\nlable = \"Candour\"\nentries = [\"honest\", \"n.h.s\", \"#duty-of-candour\"]\n\n[[theme]]\nid = \"coproduction\"\nentries = []\n",
    )
    .unwrap();
    let output = threadlens(&["lexicon", "check", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    insta::assert_snapshot!("error_bad_lexicon", without(dir.path(), &text(&output).1));
}

/// Misspelt commands and values are answered with the closest one.
#[test]
fn errors_of_misspelt_commands_and_values() {
    let output = threadlens(&["improt"]);
    assert_eq!(output.status.code(), Some(2));
    insta::assert_snapshot!("error_misspelt_command", text(&output).1);
    let output = threadlens(&["import", "--data", "x", "--format", "twarc", "f.jsonl"]);
    assert_eq!(output.status.code(), Some(2));
    insta::assert_snapshot!("error_misspelt_format", text(&output).1);
}

#[test]
fn completions_know_every_command_and_value() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let output = threadlens(&["completions", shell]);
        assert!(output.status.success(), "{shell}");
        let script = text(&output).0;
        for needle in ["import", "export-notebook"] {
            assert!(script.contains(needle), "{shell} completions lack {needle}");
        }
        // bash, zsh and fish complete values too, from the same lists as --help.
        if ["bash", "zsh", "fish"].contains(&shell) {
            for needle in ["x-archive", "parquet", "week"] {
                assert!(script.contains(needle), "{shell} completions lack {needle}");
            }
        }
    }
}

#[test]
fn man_pages_for_every_command() {
    let output = threadlens(&["man"]);
    assert!(output.status.success());
    assert!(text(&output).0.contains(".TH threadlens"), "{output:?}");
    let dir = tempfile::tempdir().unwrap();
    let output = threadlens(&["man", "--out", dir.path().to_str().unwrap()]);
    assert!(output.status.success(), "{:?}", text(&output));
    let mut pages: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    assert_eq!(pages.len(), 18, "threadlens and its 17 commands: {pages:?}");
    assert!(pages.contains(&"threadlens-report.1".to_owned()));
    let report = std::fs::read_to_string(dir.path().join("threadlens-report.1")).unwrap();
    assert!(report.contains(".TH threadlens-report"), "{report}");
    assert!(
        report.contains("theme_by_period"),
        "the long help is in the page"
    );
}
