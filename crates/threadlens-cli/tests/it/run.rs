//! `threadlens run job.toml` end to end, against a loopback X: repeated
//! runs, kills at several instants, two runs at once, a failing source.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use threadlens_testkit::{Gate, Reply, Seen, TestServer};

use crate::{bin, text};

const TOKEN: &str = "run-e2e-token";

/// An X whose conversations are complete: `roots` hashtag tweets (10 per
/// page), each root with one reply. With a gate, the `n`th request stops at
/// it until the test opens it.
struct FakeX {
    roots: Mutex<u64>,
    requests: AtomicUsize,
    hold: Option<(usize, Arc<Gate>)>,
}

impl FakeX {
    fn start(roots: u64) -> (Arc<FakeX>, TestServer) {
        FakeX::start_holding(roots, None)
    }

    fn start_holding(roots: u64, hold: Option<(usize, Arc<Gate>)>) -> (Arc<FakeX>, TestServer) {
        let fake = Arc::new(FakeX {
            roots: Mutex::new(roots),
            requests: AtomicUsize::new(0),
            hold,
        });
        let f = fake.clone();
        let server = TestServer::start(move |req| {
            let n = f.requests.fetch_add(1, Ordering::SeqCst) + 1;
            if let Some((at, gate)) = &f.hold
                && *at == n
            {
                gate.stop_here(Duration::from_secs(120));
            }
            f.answer(req)
        });
        (fake, server)
    }

    fn answer(&self, req: &Seen) -> Reply {
        assert_eq!(
            req.header("authorization"),
            Some(&*format!("Bearer {TOKEN}"))
        );
        let roots = *self.roots.lock().unwrap();
        let tweet = |id: u64, parent: Option<u64>| {
            let mut t = serde_json::json!({"id": id.to_string(), "author_id": "5",
                "text": format!("slot {id} #SolvingTogether honest conversation"),
                "conversation_id": parent.unwrap_or(id).to_string(), "created_at": "2026-11-21T10:00:00.000Z",
                "public_metrics": {"reply_count": u64::from(parent.is_none()), "retweet_count": 0, "like_count": 0, "quote_count": 0}});
            if let Some(p) = parent {
                t["referenced_tweets"] =
                    serde_json::json!([{"type": "replied_to", "id": p.to_string()}]);
                t["text"] = serde_json::json!(format!("reply {id}: candour matters"));
            }
            t
        };
        let query = req.param("query").unwrap();
        let since: u64 = req.param("since_id").map_or(0, |s| s.parse().unwrap());
        let ids: Vec<u64> = match query.strip_prefix("conversation_id:") {
            Some(c) => {
                let c: u64 = c.parse().unwrap();
                vec![c + 1, c]
                    .into_iter()
                    .filter(|id| *id > since)
                    .collect()
            }
            None => (1..=roots)
                .rev()
                .map(|n| n * 10)
                .filter(|id| *id > since)
                .collect(),
        };
        let offset: usize = req.param("next_token").map_or(0, |t| t.parse().unwrap());
        let page: Vec<u64> = ids.iter().copied().skip(offset).take(10).collect();
        let data: Vec<_> = page
            .iter()
            .map(|id| {
                if id % 10 == 0 {
                    tweet(*id, None)
                } else {
                    tweet(*id, Some(id - 1))
                }
            })
            .collect();
        let mut meta = serde_json::json!({"result_count": data.len()});
        if let Some(first) = page.first() {
            meta["newest_id"] = serde_json::json!(first.to_string());
        }
        if offset + 10 < ids.len() {
            meta["next_token"] = serde_json::json!((offset + 10).to_string());
        }
        let mut body = serde_json::json!({"meta": meta});
        if !data.is_empty() {
            body["data"] = serde_json::json!(data);
        }
        Reply::ok(body.to_string())
    }
}

const LEXICON: &str = "[lexicon]\nname = \"t\"\nversion = \"1\"\nlanguage = \"english\"\n\n[[theme]]\nid = \"candour\"\nlabel = \"Candour\"\ndescription = \"d\"\nentries = [\"candour\", \"honest\"]\n\n[[theme]]\nid = \"conversation\"\nlabel = \"Conversation\"\ndescription = \"d\"\nentries = [\"conversation\"]\n";

/// A job folder with its lexicon and job file; the job file's path.
fn job_dir(dir: &Path, sources: &str) -> PathBuf {
    std::fs::write(dir.join("lexicon.toml"), LEXICON).unwrap();
    let job = format!(
        "version = 1\n\n[job]\nname = \"nightly\"\ndata_dir = \"data\"\n\n{sources}\n[process]\nlexicon = \"lexicon.toml\"\n\n[report]\nformats = [\"csv\", \"md\"]\nkeep = 2\n"
    );
    let path = dir.join("job.toml");
    std::fs::write(&path, job).unwrap();
    path
}

fn x_source(server: &TestServer) -> String {
    format!(
        "[[source]]\nplatform = \"x\"\nquery = \"#SolvingTogether\"\nbase_url = \"{}\"\n",
        server.base
    )
}

fn run_job(job: &Path, extra: &[&str]) -> Output {
    command(job, extra).output().unwrap()
}

fn command(job: &Path, extra: &[&str]) -> Command {
    let mut c = Command::new(bin());
    c.arg("run")
        .args(extra)
        .arg(job)
        .env("X_BEARER_TOKEN", TOKEN)
        .env_remove("RUST_LOG");
    c
}

/// The store's posts as (id, matched, text), sorted.
fn store(dir: &Path) -> Vec<(String, bool, String)> {
    let mut posts: Vec<_> = threadlens_store::PostStore::open(dir.join("data"))
        .unwrap()
        .read_posts()
        .unwrap()
        .into_iter()
        .map(|p| (p.post_id, p.matched, p.text))
        .collect();
    posts.sort();
    posts
}

/// Every report file but the two that record times.
fn report_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let latest = dir.join("reports/nightly/latest");
    let mut files: Vec<_> = std::fs::read_dir(&latest)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            !matches!(
                p.file_name().unwrap().to_str().unwrap(),
                "manifest.json" | "run.json"
            )
        })
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn runs_again_and_again_incrementally_with_identical_reports() {
    let (fake, server) = FakeX::start(25);
    let dir = tempfile::tempdir().unwrap();
    let job = job_dir(dir.path(), &x_source(&server));
    let output = run_job(&job, &[]);
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.starts_with("nightly: 50 posts (+50) in "),
        "{stdout}"
    );
    assert_eq!(store(dir.path()).len(), 50);
    let summary: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("reports/nightly/latest/run.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(summary["posts_after"], 50);
    assert_eq!(summary["sources"][0]["pages"], 3 + 25);
    assert_eq!(summary["replies_reported"], 25);
    assert_eq!(summary["replies_collected"], 25);
    let stages: Vec<&str> = summary["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["stage"].as_str().unwrap())
        .collect();
    assert_eq!(stages, ["collect", "import", "report"]);
    let first = report_files(dir.path());
    assert!(first.iter().any(|(n, _)| n == "theme_summary.csv"));

    // Nothing new: one request (since_id), same store, same tables.
    let before = server.requests().len();
    let output = run_job(&job, &[]);
    assert_eq!(output.status.code(), Some(0), "{:?}", text(&output));
    assert_eq!(server.requests().len() - before, 1);
    assert_eq!(
        server.requests().last().unwrap().param("since_id"),
        Some("250")
    );
    assert_eq!(store(dir.path()).len(), 50);
    assert_eq!(
        report_files(dir.path()),
        first,
        "reports are identical when nothing new arrived"
    );

    // Five new roots: only they (and their conversations) are fetched.
    *fake.roots.lock().unwrap() = 30;
    let before = server.requests().len();
    let output = run_job(&job, &[]);
    let (stdout, _) = text(&output);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout.starts_with("nightly: 60 posts (+10)"), "{stdout}");
    assert_eq!(server.requests().len() - before, 1 + 5);
    let posts = store(dir.path());
    let mut ids: Vec<&String> = posts.iter().map(|p| &p.0).collect();
    ids.dedup();
    assert_eq!(ids.len(), 60, "no duplicates");
    let kept = std::fs::read_dir(dir.path().join("reports/nightly"))
        .unwrap()
        .count();
    assert_eq!(kept, 2, "one dated folder (same day) and latest");
}

/// Where a test kills a run: held at a request of the collection, or at a
/// named pause point (see the CLI's `pause` module).
#[derive(Debug, Clone, Copy)]
enum KillAt {
    Request(usize),
    Point(&'static str),
}

/// Start a run of `job` that holds at pause point `point` (its output
/// piped), and wait until it is there.
fn spawn_paused(job: &Path, point: &str, pause_file: &Path) -> std::process::Child {
    let child = command(job, &[])
        .env("THREADLENS_PAUSE_AT", point)
        .env("THREADLENS_PAUSE_FILE", pause_file)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for(pause_file);
    child
}

/// Wait (at most a minute) until `path` exists.
fn wait_for(path: &Path) {
    let started = Instant::now();
    while !path.exists() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{} never appeared",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A run killed (SIGKILL) inside each stage, every time: collecting (a
/// request held until the kill), importing (before the new table is
/// committed), reporting (post_scores written, tables not yet), publishing
/// (report in place, `latest` not moved) and pruning. The next run ends
/// with exactly the posts and report of an uninterrupted run.
#[test]
fn a_run_killed_inside_each_stage_is_completed_by_the_next() {
    let (_fake, server) = FakeX::start(30);
    let reference = tempfile::tempdir().unwrap();
    let job = job_dir(reference.path(), &x_source(&server));
    assert_eq!(run_job(&job, &[]).status.code(), Some(0));
    let expected = store(reference.path());
    assert_eq!(expected.len(), 60);
    let expected_report = report_files(reference.path());

    for kill_at in [
        KillAt::Request(5),
        KillAt::Point("import:commit"),
        KillAt::Point("report:tables"),
        KillAt::Point("publish:latest"),
        KillAt::Point("publish:prune"),
    ] {
        let gate = Arc::new(Gate::new());
        let (_fake, server) = match kill_at {
            KillAt::Request(n) => FakeX::start_holding(30, Some((n, gate.clone()))),
            KillAt::Point(_) => FakeX::start(30),
        };
        let dir = tempfile::tempdir().unwrap();
        let job = job_dir(dir.path(), &x_source(&server));
        let pause_file = dir.path().join("paused");
        let mut command = command(&job, &[]);
        if let KillAt::Point(point) = kill_at {
            command
                .env("THREADLENS_PAUSE_AT", point)
                .env("THREADLENS_PAUSE_FILE", &pause_file);
        }
        let mut child = command
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        match kill_at {
            KillAt::Request(_) => assert!(
                gate.wait_reached(Duration::from_secs(60)),
                "the run never reached the held request"
            ),
            KillAt::Point(_) => wait_for(&pause_file),
        }
        child.kill().unwrap(); // SIGKILL
        let status = child.wait().unwrap();
        gate.open();
        assert_eq!(status.code(), None, "{kill_at:?}: killed by the signal");
        let latest = dir.path().join("reports/nightly/latest");
        match kill_at {
            KillAt::Request(_) | KillAt::Point("import:commit") => assert!(
                !dir.path().join("data/posts.parquet").exists(),
                "{kill_at:?}: nothing was committed yet"
            ),
            KillAt::Point("report:tables" | "publish:latest") => {
                assert_eq!(store(dir.path()), expected, "{kill_at:?}");
                assert!(!latest.exists(), "{kill_at:?}: no report published yet");
            }
            KillAt::Point(_) => assert!(latest.exists(), "{kill_at:?}"),
        }

        let output = run_job(&job, &[]);
        let (stdout, stderr) = text(&output);
        assert_eq!(
            output.status.code(),
            Some(0),
            "after a kill at {kill_at:?}: {stdout}\n{stderr}"
        );
        assert_eq!(store(dir.path()), expected, "after a kill at {kill_at:?}");
        assert_eq!(
            report_files(dir.path()),
            expected_report,
            "after a kill at {kill_at:?}"
        );
        let leftovers: Vec<String> = std::fs::read_dir(dir.path().join("reports/nightly"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with('.'))
            .collect();
        assert!(leftovers.is_empty(), "{kill_at:?}: {leftovers:?}");
    }
}

#[test]
fn a_second_run_while_one_holds_the_lock_exits_with_4() {
    let (_fake, server) = FakeX::start(30);
    let dir = tempfile::tempdir().unwrap();
    let job = job_dir(dir.path(), &x_source(&server));
    // The first run holds its lock, paused before its import commits.
    let pause_file = dir.path().join("paused");
    let mut first = spawn_paused(&job, "import:commit", &pause_file);
    let second = run_job(&job, &[]);
    let (_, stderr) = text(&second);
    assert_eq!(second.status.code(), Some(4), "{stderr}");
    assert!(
        stderr.contains("another run of this job holds") && stderr.contains("nightly.lock"),
        "{stderr}"
    );
    std::fs::remove_file(&pause_file).unwrap();
    assert_eq!(first.wait().unwrap().code(), Some(0));
    // The lock is free again.
    assert_eq!(run_job(&job, &[]).status.code(), Some(0));
}

#[test]
fn a_failing_source_gives_3_and_the_rest_is_still_reported() {
    let (_fake, server) = FakeX::start(5);
    let refusing = TestServer::start(|_| Reply::status(403, r#"{"error":"forbidden"}"#));
    let dir = tempfile::tempdir().unwrap();
    let sources = format!(
        "{}\n[[source]]\nplatform = \"mastodon\"\ninstances = [\"{}\"]\nhashtags = [\"SolvingTogether\"]\n",
        x_source(&server),
        refusing.base
    );
    let job = job_dir(dir.path(), &sources);
    let output = run_job(&job, &["--log-format", "json"]);
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(3), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("10 posts (+10)") && stdout.contains("with 1 warning"),
        "{stdout}"
    );
    let warning = stderr
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap_or_else(|e| panic!("{e}: {l}"))
        })
        .find(|v| v["level"] == "WARN" && v["job"] == "nightly")
        .expect("the run's warning, as JSON");
    assert!(
        warning["message"].as_str().unwrap().contains("HTTP 403"),
        "{warning}"
    );
    assert!(warning["timestamp"].is_string());
    assert!(
        dir.path()
            .join("reports/nightly/latest/theme_summary.csv")
            .is_file()
    );
    let summary: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("reports/nightly/latest/run.json")).unwrap(),
    )
    .unwrap();
    assert!(
        summary["warnings"][0].as_str().unwrap().contains("stopped"),
        "{summary}"
    );

    // A bad job file: exit 2 naming the key, nothing run.
    std::fs::write(
        &job,
        std::fs::read_to_string(&job)
            .unwrap()
            .replace("keep = 2", "keep = 0"),
    )
    .unwrap();
    let output = run_job(&job, &["--check"]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr.contains("job.toml:22: [report] keep: must be at least 1"),
        "{stderr}"
    );
}

/// SIGTERM while the report is being built: the report stage ends, nothing
/// is published, the run says so and exits 143 (its lock let go); the next
/// run publishes the same report as an uninterrupted one.
#[test]
fn sigterm_stops_a_run_before_it_publishes_and_the_next_run_completes() {
    let (_fake, server) = FakeX::start(30);
    let reference = tempfile::tempdir().unwrap();
    let job = job_dir(reference.path(), &x_source(&server));
    assert_eq!(run_job(&job, &[]).status.code(), Some(0));
    let expected_report = report_files(reference.path());

    let (_fake, server) = FakeX::start(30);
    let dir = tempfile::tempdir().unwrap();
    let job = job_dir(dir.path(), &x_source(&server));
    let pause_file = dir.path().join("paused");
    let child = spawn_paused(&job, "report:tables", &pause_file);
    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    std::thread::sleep(Duration::from_millis(200));
    std::fs::remove_file(&pause_file).unwrap();
    let output = child.wait_with_output().unwrap();
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(143), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("stopped by SIGTERM after the report stage"),
        "{stdout}"
    );
    assert!(!dir.path().join("reports/nightly/latest").exists());

    let output = run_job(&job, &[]);
    assert_eq!(output.status.code(), Some(0), "{:?}", text(&output));
    assert_eq!(report_files(dir.path()), expected_report);
}

/// The store folder, lock file and all, is deleted while a run builds its
/// report, and a second run starts on the empty place: the first notices its
/// lock is gone and publishes nothing (exit 1 naming the lock file), so the
/// two never write at once; the second completes normally.
#[test]
fn a_run_whose_lock_folder_vanished_publishes_nothing() {
    let (_fake, server) = FakeX::start(30);
    let dir = tempfile::tempdir().unwrap();
    let job = job_dir(dir.path(), &x_source(&server));
    let pause_file = dir.path().join("paused");
    let first = spawn_paused(&job, "report:tables", &pause_file);
    std::fs::remove_dir_all(dir.path().join("data")).unwrap();
    let second = run_job(&job, &[]);
    assert_eq!(second.status.code(), Some(0), "{:?}", text(&second));
    let published = report_files(dir.path());
    let stored = store(dir.path());

    std::fs::remove_file(&pause_file).unwrap();
    let output = first.wait_with_output().unwrap();
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("nightly.lock")
            && stderr.contains("removed or replaced while this run held it"),
        "{stderr}"
    );
    assert_eq!(
        report_files(dir.path()),
        published,
        "the first run published nothing"
    );
    assert_eq!(store(dir.path()), stored);
}
