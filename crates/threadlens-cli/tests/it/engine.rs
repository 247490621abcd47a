//! `threadlens report --engine`: the six tables an SQL engine computes are
//! byte for byte those of the single-machine report, in process
//! (DataFusion), in Ballista's standalone mode and on a cluster of three
//! processes on 127.0.0.1, over posts that cross both clock changes, with
//! ties, handles in several cases, reposts and a theme without hits.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use threadlens_testkit::{Children, S3Server, free_port, wait_for_listener};

use crate::{
    CONTRACT_LEXICON, CONTRACT_TEXTS, bin, import_jsonl, lexicon_file, text, threadlens,
    threadlens_sql_is_built,
};

/// The tables `--engine` writes.
const TABLES: [&str; 6] = [
    "theme_summary",
    "theme_by_period",
    "top_contributors",
    "top_hashtags",
    "top_terms",
    "theme_cooccurrence",
];

/// A store of posts every 7 minutes from 23:00 to 03:00 UTC around the
/// night the clocks go forward (27 March 2022) and the night they go back
/// (30 October 2022) in London, by authors written in several cases.
fn clock_change_store(dir: &Path) -> PathBuf {
    const KINDS: [&str; 4] = ["original", "reply", "repost", "reply"];
    let authors = ["Alice", "alice", "@ALICE", "bob", "Carol", "dave"];
    let mut lines = Vec::new();
    for night in ["2022-03-26T23:00:00Z", "2022-10-29T23:00:00Z"] {
        let start = chrono::DateTime::parse_from_rfc3339(night).unwrap();
        for i in 0..35 {
            let at = start + chrono::Duration::minutes(7 * i);
            let n = lines.len();
            lines.push(
                serde_json::json!({
                    "id": format!("{}", 1000 + n), "platform": if n % 5 == 0 { "mastodon" } else { "x" },
                    "text": format!("{} #Tag{}", CONTRACT_TEXTS[n % CONTRACT_TEXTS.len()], n % 3),
                    "created_at": at.to_rfc3339(), "author": authors[n % authors.len()],
                    "kind": KINDS[n % KINDS.len()],
                })
                .to_string(),
            );
        }
    }
    let input = dir.join("posts.jsonl");
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    let store = dir.join("store");
    let output = import_jsonl(&store, &input);
    assert!(output.status.success(), "{output:?}");
    store
}

/// Run `threadlens report` with `extra` arguments into `out`.
fn report(store: &Path, lexicon: &str, out: &Path, extra: &[&str]) {
    report_bounded(store.to_str().unwrap(), lexicon, out, extra, &[]);
}

/// Each table's CSV and JSON, by file name.
fn tables(dir: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    for table in TABLES {
        for ext in ["csv", "json"] {
            let name = format!("{table}.{ext}");
            let content =
                std::fs::read_to_string(dir.join(&name)).unwrap_or_else(|e| panic!("{name}: {e}"));
            files.push((name, content));
        }
    }
    files
}

fn assert_same_tables(single: &Path, engine: &Path, what: &str) {
    for ((name, want), (_, got)) in tables(single).into_iter().zip(tables(engine)) {
        assert_eq!(got, want, "{what}: {name}");
    }
}

#[test]
fn an_engine_report_is_the_single_machine_report() {
    threadlens_sql_is_built();
    let dir = tempfile::tempdir().unwrap();
    let store = clock_change_store(dir.path());
    let lexicon = lexicon_file(&dir, CONTRACT_LEXICON);
    let variants: [&[&str]; 3] = [
        &["--period", "hour", "--timezone", "Europe/London"],
        &[
            "--period",
            "day",
            "--timezone",
            "America/New_York",
            "--include-reposts",
            "--top",
            "2",
        ],
        &["--period", "week"],
    ];
    for (v, extra) in variants.iter().enumerate() {
        let single = dir.path().join(format!("single-{v}"));
        report(&store, &lexicon, &single, extra);
        let by_period = std::fs::read_to_string(single.join("theme_by_period.csv")).unwrap();
        if v == 0 {
            // Both clock changes are in it: 01:00 twice in October, no 01:00 in March.
            assert!(
                by_period.contains("2022-10-30T01:00+01:00")
                    && by_period.contains("2022-10-30T01:00+00:00"),
                "{by_period}"
            );
            assert!(!by_period.contains("2022-03-27T01:00+"), "{by_period}");
        }
        for engine in ["local", "ballista-standalone"] {
            let out = dir.path().join(format!("{engine}-{v}"));
            let mut args = extra.to_vec();
            args.extend(["--engine", engine]);
            report(&store, &lexicon, &out, &args);
            assert_same_tables(&single, &out, &format!("{engine} {extra:?}"));
            let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
            assert!(
                manifest.contains(engine),
                "the command is recorded: {manifest}"
            );
        }
    }
}

#[test]
fn an_engine_refuses_what_needs_the_posts_on_one_machine() {
    let dir = tempfile::tempdir().unwrap();
    let store = clock_change_store(dir.path());
    let lexicon = lexicon_file(&dir, CONTRACT_LEXICON);
    for extra in [
        &["--audit"][..],
        &["--network"],
        &["--bootstrap", "10"],
        &["--format", "html"],
    ] {
        let mut args = vec![
            "report",
            "--data",
            store.to_str().unwrap(),
            "--lexicon",
            &lexicon,
            "--engine",
            "local",
        ];
        args.extend_from_slice(extra);
        let output = threadlens(&args);
        let (_, stderr) = text(&output);
        assert_eq!(output.status.code(), Some(2), "{extra:?}: {stderr}");
        assert!(
            stderr.contains("needs the posts on one machine"),
            "{extra:?}: {stderr}"
        );
    }
    let output = threadlens(&[
        "report",
        "--data",
        dir.path().to_str().unwrap(),
        "--lexicon",
        &lexicon,
        "--engine",
        "local",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output)
            .1
            .contains("neither posts.parquet nor a posts/ folder"),
        "{output:?}"
    );
}

fn start(args: &[&str], log: &Path, env: &[(&str, String)]) -> Child {
    Command::new(bin())
        .args(args)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).unwrap())
        .spawn()
        .unwrap()
}

/// A scheduler and two executors on free ports of 127.0.0.1, with `env`;
/// the scheduler's `HOST:PORT`. Their logs go in `dir`.
fn start_cluster(dir: &Path, env: &[(&str, String)]) -> (Children, String) {
    let port = free_port();
    let bind = format!("127.0.0.1:{port}");
    let mut cluster = Children(vec![start(
        &[
            "cluster",
            "scheduler",
            "--bind",
            &bind,
            "--external-host",
            "127.0.0.1",
        ],
        &dir.join("scheduler.log"),
        env,
    )]);
    assert!(
        wait_for_listener(&bind, Duration::from_secs(60)),
        "the scheduler did not start"
    );
    for n in 0..2 {
        let (p, g) = (free_port().to_string(), free_port().to_string());
        let work = dir.join(format!("work-{n}"));
        std::fs::create_dir_all(&work).unwrap();
        cluster.0.push(start(
            &[
                "cluster",
                "executor",
                "--scheduler",
                &bind,
                "--bind",
                "127.0.0.1",
                "--external-host",
                "127.0.0.1",
                "--port",
                &p,
                "--grpc-port",
                &g,
                "--slots",
                "1",
                "--work-dir",
                work.to_str().unwrap(),
            ],
            &dir.join(format!("executor-{n}.log")),
            env,
        ));
    }
    (cluster, bind)
}

/// `threadlens report --data DATA … --out OUT --format csv,json,md
/// EXTRA` with `env`, failing the test after 3 minutes instead of hanging
/// on a cluster that never answers; its stderr.
fn report_bounded(
    data: &str,
    lexicon: &str,
    out: &Path,
    extra: &[&str],
    env: &[(&str, String)],
) -> String {
    let mut child = Command::new(bin())
        .args(["report", "--data", data, "--lexicon", lexicon, "--out"])
        .arg(out)
        .args(["--format", "csv,json,md"])
        .args(extra)
        .env_remove("RUST_LOG")
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(180),
            "the report took over 3 minutes"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    let output = child.wait_with_output().unwrap();
    let stderr = text(&output).1;
    assert!(status.success(), "{extra:?}: {stderr}");
    stderr
}

#[test]
fn a_cluster_of_three_processes_reports_as_one_machine() {
    threadlens_sql_is_built();
    let dir = tempfile::tempdir().unwrap();
    let store = clock_change_store(dir.path());
    let lexicon = lexicon_file(&dir, CONTRACT_LEXICON);
    let (cluster, bind) = start_cluster(dir.path(), &[]);
    let extra = ["--period", "hour", "--timezone", "Europe/London"];
    let single = dir.path().join("single");
    report(&store, &lexicon, &single, &extra);
    let out = dir.path().join("cluster");
    let engine = format!("ballista://{bind}");
    let mut args = extra.to_vec();
    args.extend(["--engine", engine.as_str()]);
    report_bounded(store.to_str().unwrap(), &lexicon, &out, &args, &[]);
    assert_same_tables(&single, &out, "a three-process cluster");
    drop(cluster);
}

/// Export `store` by day into `export`, checking what it says.
fn export_by_day(store: &Path, export: &Path) {
    let output = threadlens(&[
        "store",
        "export",
        "--data",
        store.to_str().unwrap(),
        "--partition-by",
        "day",
        "--out",
        export.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{output:?}");
    assert!(
        text(&output)
            .0
            .contains("exported 70 posts into 4 partitions"),
        "{output:?}"
    );
}

#[test]
fn an_archive_in_object_storage_reports_as_its_store() {
    threadlens_sql_is_built();
    let dir = tempfile::tempdir().unwrap();
    let Some(s3) = S3Server::start(&dir.path().join("moto.log")) else {
        eprintln!("moto_server not found: the object-storage test is skipped");
        return;
    };
    let store = clock_change_store(dir.path());
    let lexicon = lexicon_file(&dir, CONTRACT_LEXICON);
    let export = dir.path().join("export");
    export_by_day(&store, &export);
    s3.create_bucket("archive");
    s3.upload_folder(&export, "archive", "events/2022");
    let secret = "never-printed-5f0e2c";
    let env = s3.env(secret);
    let extra = ["--period", "hour", "--timezone", "Europe/London"];
    let single = dir.path().join("single");
    report(&store, &lexicon, &single, &extra);

    let url = "s3://archive/events/2022";
    let (cluster, bind) = start_cluster(dir.path(), &env);
    let engines = ["local".to_owned(), format!("ballista://{bind}")];
    let mut said = String::new();
    for (n, engine) in engines.iter().enumerate() {
        let out = dir.path().join(format!("s3-{n}"));
        let mut args = extra.to_vec();
        args.extend(["--engine", engine.as_str()]);
        said += &report_bounded(url, &lexicon, &out, &args, &env);
        assert_same_tables(&single, &out, &format!("{url} on {engine}"));
        let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
        assert!(manifest.contains(url), "the input is named: {manifest}");
    }
    drop(cluster);

    // `threadlens sql` sees the partitions as a column.
    let output = Command::new(bin())
        .args(["sql", "--data", url, "--format", "csv"])
        .arg("SELECT day, count(*) AS posts FROM posts GROUP BY day ORDER BY day")
        .envs(env.iter().map(|(k, v)| (k, v)))
        .output()
        .unwrap();
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(
        stdout,
        "day,posts\n2022-03-26,9\n2022-03-27,26\n2022-10-29,9\n2022-10-30,26\n"
    );

    // A place with nothing in it, and a report with nowhere to go here.
    let output = Command::new(bin())
        .args(["sql", "--data", "s3://archive/nothing-here", "SELECT 1"])
        .envs(env.iter().map(|(k, v)| (k, v)))
        .output()
        .unwrap();
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("s3://archive/nothing-here/"), "{stderr}");
    said += &stderr;
    let output = threadlens(&[
        "report",
        "--data",
        url,
        "--lexicon",
        &lexicon,
        "--engine",
        "local",
    ]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(text(&output).1.contains("give --out DIR"), "{output:?}");

    for log in std::fs::read_dir(dir.path()).unwrap() {
        let path = log.unwrap().path();
        if path.extension().is_some_and(|e| e == "log") {
            said += &std::fs::read_to_string(&path).unwrap();
        }
    }
    assert!(!said.contains(secret), "the secret key was printed");
}

#[test]
fn an_exported_dataset_reports_as_its_store() {
    threadlens_sql_is_built();
    let dir = tempfile::tempdir().unwrap();
    let store = clock_change_store(dir.path());
    let lexicon = lexicon_file(&dir, CONTRACT_LEXICON);
    let export = dir.path().join("export");
    // The second export replaces the first whole.
    export_by_day(&store, &export);
    export_by_day(&store, &export);
    let mut days: Vec<String> = std::fs::read_dir(export.join("posts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    days.sort();
    assert_eq!(
        days,
        [
            "day=2022-03-26",
            "day=2022-03-27",
            "day=2022-10-29",
            "day=2022-10-30"
        ]
    );
    let output = threadlens(&[
        "sql",
        "--data",
        export.to_str().unwrap(),
        "--format",
        "csv",
        "SELECT day, count(*) AS posts FROM posts GROUP BY day ORDER BY day",
    ]);
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    let rows: Vec<&str> = stdout.lines().collect();
    assert_eq!(rows[0], "day,posts");
    assert_eq!(rows.len(), 1 + days.len(), "{stdout}");
    let total: u64 = rows[1..]
        .iter()
        .map(|r| r.split(',').nth(1).unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(total, 70);
    let single = dir.path().join("single");
    report(
        &store,
        &lexicon,
        &single,
        &["--period", "hour", "--timezone", "Europe/London"],
    );
    let engine = dir.path().join("engine");
    report(
        &export,
        &lexicon,
        &engine,
        &[
            "--period",
            "hour",
            "--timezone",
            "Europe/London",
            "--engine",
            "local",
        ],
    );
    assert_same_tables(&single, &engine, "an exported dataset");
}
