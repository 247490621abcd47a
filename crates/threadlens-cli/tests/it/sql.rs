//! `threadlens sql` and `threadlens cluster` hand their arguments to the
//! `threadlens-sql` program; without it they say how to build it. The
//! real program (built beside `threadlens` by `cargo test --workspace`; run
//! `cargo build -p threadlens-sql` first when testing this crate alone)
//! scores the demo day's posts exactly as `post_scores` does.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{bin, text, threadlens, threadlens_sql_is_built};

/// A stand-in `threadlens-sql` that prints its arguments and exits 7.
fn echo_program(dir: &Path) -> PathBuf {
    let path = dir.join("threadlens-sql");
    std::fs::write(&path, "#!/bin/sh\necho \"args: $*\"\nexit 7\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    path
}

#[cfg(unix)]
#[test]
fn sql_and_cluster_hand_everything_to_threadlens_sql() {
    let dir = tempfile::tempdir().unwrap();
    let program = echo_program(dir.path());
    for (args, want) in [
        (
            &["sql", "--data", "d", "--format", "csv", "SELECT 1"][..],
            "args: sql --data d --format csv SELECT 1",
        ),
        (&["sql", "--help"][..], "args: sql --help"),
        (
            &["cluster", "executor", "--scheduler", "h:1", "-h"][..],
            "args: cluster executor --scheduler h:1 -h",
        ),
    ] {
        let output = Command::new(bin())
            .args(args)
            .env("THREADLENS_SQL_BIN", &program)
            .output()
            .unwrap();
        let (stdout, stderr) = text(&output);
        assert_eq!(stdout.trim_end(), want, "{stderr}");
        assert_eq!(output.status.code(), Some(7), "its exit code is ours");
    }
    let output = Command::new(bin())
        .args(["sql", "SELECT 1"])
        .env("THREADLENS_SQL_BIN", dir.path().join("missing"))
        .output()
        .unwrap();
    assert!(
        text(&output).1.contains("THREADLENS_SQL_BIN names"),
        "{output:?}"
    );
}

#[test]
fn without_threadlens_sql_it_says_how_to_build_it() {
    let dir = tempfile::tempdir().unwrap();
    let alone = dir
        .path()
        .join(format!("threadlens{}", std::env::consts::EXE_SUFFIX));
    if std::fs::hard_link(bin(), &alone).is_err() {
        std::fs::copy(bin(), &alone).unwrap();
    }
    let empty = tempfile::tempdir().unwrap();
    let output = Command::new(&alone)
        .args(["sql", "SELECT 1"])
        .env("PATH", empty.path())
        .env_remove("THREADLENS_SQL_BIN")
        .output()
        .unwrap();
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("cargo build --release -p threadlens-sql"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&dir.path().display().to_string()),
        "names where it looked: {stderr}"
    );
}

/// CSV rows keyed by `(post_id, platform)`, each the named columns.
fn rows_by_post(csv: &str, columns: &[&str]) -> HashMap<(String, String), Vec<String>> {
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let at = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no {name} in {header:?}"))
    };
    let (id, platform) = (at("post_id"), at("platform"));
    let picked: Vec<usize> = columns.iter().map(|c| at(c)).collect();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (
                (r[id].to_owned(), r[platform].to_owned()),
                picked.iter().map(|&i| r[i].to_owned()).collect(),
            )
        })
        .collect()
}

#[test]
fn sql_scores_the_demo_day_as_post_scores_does() {
    threadlens_sql_is_built();
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo");
    let output = threadlens(&["demo", "--out", demo.to_str().unwrap()]);
    assert!(output.status.success(), "{output:?}");
    let lexicon = demo.join("input/three-cs.toml");
    let columns = [
        "word_count",
        "emoji_count",
        "coproduction_hits",
        "conversation_hits",
        "candour_hits",
    ];
    let query = "SELECT post_id, platform, s['word_count'] AS word_count, s['emoji_count'] AS emoji_count, \
        s['coproduction_hits'] AS coproduction_hits, s['conversation_hits'] AS conversation_hits, \
        s['candour_hits'] AS candour_hits FROM (SELECT post_id, platform, tl_score(text) AS s FROM posts WHERE kind <> 'repost')";
    let output = Command::new(bin())
        .args([
            "sql",
            "--data",
            demo.join("store").to_str().unwrap(),
            "--lexicon",
            lexicon.to_str().unwrap(),
            "--format",
            "csv",
            query,
        ])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    let from_sql = rows_by_post(&stdout, &columns);
    let reported = std::fs::read_to_string(demo.join("report/post_scores.csv")).unwrap();
    let from_report = rows_by_post(&reported, &columns);
    assert!(
        from_report.len() > 4000,
        "the demo day scores {} posts",
        from_report.len()
    );
    assert_eq!(from_sql.len(), from_report.len(), "the same posts");
    for (post, want) in &from_report {
        assert_eq!(from_sql.get(post), Some(want), "{post:?}");
    }
}
