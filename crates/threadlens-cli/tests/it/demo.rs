//! The bundled demo day: the committed corpus is exactly what its README's
//! commands generate, and `threadlens demo` runs it end to end.

use std::path::PathBuf;

use crate::{text, threadlens};

fn dataset(name: &str) -> PathBuf {
    crate::repo("datasets/next-conversation-2022").join(name)
}

#[test]
fn the_committed_corpus_is_what_the_generator_makes() {
    let dir = tempfile::tempdir().unwrap();
    let schedule = dataset("schedule.toml").display().to_string();
    for (seed, format, file) in [
        ("2022", "twarc2", "posts.twarc2.jsonl"),
        ("2023", "mastodon", "posts.mastodon.jsonl"),
    ] {
        let out = dir.path().join(file);
        let output = threadlens(&[
            "synth",
            "--seed",
            seed,
            "--posts",
            "2500",
            "--format",
            format,
            "--schedule",
            &schedule,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(output.status.success(), "{output:?}");
        assert!(
            std::fs::read(&out).unwrap() == std::fs::read(dataset(file)).unwrap(),
            "{file} differs from what its README's command generates: regenerate it"
        );
    }
}

#[test]
fn the_demo_runs_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo");
    let output = threadlens(&["demo", "--out", out.to_str().unwrap()]);
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stdout.contains("(synthetic demo day)") && stdout.contains("across 11 takeover slots"),
        "{stdout}"
    );
    assert_eq!(
        stdout.matches(" replies ").count(),
        11,
        "every slot ranked: {stdout}"
    );
    assert!(
        stdout.contains("Posts with a hit, by theme: coproduction"),
        "{stdout}"
    );
    assert!(out.join("report/report.html").is_file());
    assert!(out.join("report/takeover_engagement.parquet").is_file());
    let manifest = std::fs::read_to_string(out.join("report/manifest.json")).unwrap();
    assert!(
        manifest.contains("\"rejects\": 0"),
        "the corpus imports cleanly: {manifest}"
    );
    // A second run replaces the first instead of merging into it.
    let again = threadlens(&["demo", "--out", out.to_str().unwrap()]);
    assert_eq!(text(&again).0.lines().next(), stdout.lines().next());
}

#[test]
fn the_committed_demo_notebook_is_current() {
    // The same layout as the repository: the demo's report beside the
    // notebooks folder, so the notebook names it the same way.
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("threadlens-demo");
    assert!(
        threadlens(&["demo", "--out", demo.to_str().unwrap()])
            .status
            .success()
    );
    let notebooks = dir.path().join("notebooks-export");
    std::fs::create_dir_all(&notebooks).unwrap();
    let out = notebooks.join("demo.ipynb");
    let output = std::process::Command::new(crate::bin())
        .current_dir(dir.path())
        .args([
            "export-notebook",
            "--report",
            "threadlens-demo/report",
            "--out",
            "notebooks-export/demo.ipynb",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let committed = crate::repo("notebooks-export/demo.ipynb");
    assert!(
        std::fs::read(&out).unwrap() == std::fs::read(&committed).unwrap(),
        "notebooks-export/demo.ipynb is stale: regenerate it (see notebooks-export/README.md)"
    );
    let nb: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(nb["nbformat"], 4);
}

#[test]
fn exporting_a_folder_that_is_no_report_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.ipynb");
    let output = threadlens(&[
        "export-notebook",
        "--report",
        dir.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output).1.contains("is not a report folder"),
        "{output:?}"
    );
}
