//! The machine misbehaving (issue 16 §2): the disk fills during import,
//! score, report and run, on a small tmpfs mounted for the test (as root;
//! elsewhere the test says it was skipped). Every time: exit 1, a message
//! naming the path and the cause, the old `posts.parquet` and the
//! published report byte for byte as they were, no temporary file left.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{import_jsonl, repo, text, threadlens};

/// A tmpfs of `kb` KB mounted on a fresh folder, unmounted when dropped;
/// `None` (with a message) when not running as root.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(kb: u64, test: &str) -> Option<SmallDisk> {
        let root = Command::new("id").arg("-u").output().ok()?;
        if String::from_utf8_lossy(&root.stdout).trim() != "0" {
            skip(test, "mounting a small tmpfs needs root");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={kb}k"), "tmpfs"])
            .arg(dir.path())
            .status()
            .ok()?;
        if !status.success() {
            skip(test, "mount -t tmpfs was refused here");
            return None;
        }
        Some(SmallDisk { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

#[allow(clippy::print_stderr)] // a skipped test says why
fn skip(test: &str, why: &str) {
    eprintln!("{test}: skipped: {why}");
}

/// Files under `dir` whose names say they are temporary.
fn temporaries(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if path.is_dir() {
                stack.push(path.clone());
            }
            if name.ends_with(".tmp")
                || name.starts_with(".threadlens-")
                || name.starts_with(".staging")
            {
                found.push(path);
            }
        }
    }
    found
}

/// The files of `dir` with their bytes, by name.
fn files_in(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// [`big_input`] imported into `dir/store`; the store's folder.
fn big_store(dir: &Path) -> PathBuf {
    let store = dir.join("store");
    let output = import_jsonl(&store, &big_input(dir));
    assert!(output.status.success(), "{output:?}");
    store
}

/// 4,000 synthetic posts as JSONL (about 1.3 MB; 180 KB of Parquet).
fn big_input(dir: &Path) -> PathBuf {
    let path = dir.join("big.jsonl");
    let output = threadlens(&[
        "synth",
        "--posts",
        "4000",
        "--format",
        "jsonl",
        "--out",
        path.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{output:?}");
    path
}

#[test]
fn a_full_disk_during_import_leaves_the_store_as_it_was() {
    let Some(disk) = SmallDisk::mount(100, "a_full_disk_during_import") else {
        return;
    };
    let store = disk.path().join("store");
    let day = repo("crates/threadlens-report/tests/data/fixture-day/posts.jsonl");
    assert!(import_jsonl(&store, &day).status.success());
    let table = store.join("posts.parquet");
    let before = std::fs::read(&table).unwrap();

    let inputs = tempfile::tempdir().unwrap();
    let output = import_jsonl(&store, &big_input(inputs.path()));
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(stderr.contains("No space left on device"), "{stderr}");
    assert!(
        stderr.contains(store.to_str().unwrap()),
        "names the store: {stderr}"
    );
    assert_eq!(
        std::fs::read(&table).unwrap(),
        before,
        "the old table intact"
    );
    assert!(
        temporaries(disk.path()).is_empty(),
        "{:?}",
        temporaries(disk.path())
    );
    // The store still reads, and verifies.
    let verify = threadlens(&["store", "verify", "--data", store.to_str().unwrap()]);
    assert!(verify.status.success(), "{verify:?}");
}

#[test]
fn a_full_disk_during_score_and_report_names_the_file_and_leaves_no_temporaries() {
    let Some(disk) = SmallDisk::mount(64, "a_full_disk_during_score_and_report") else {
        return;
    };
    let inputs = tempfile::tempdir().unwrap();
    let store = big_store(inputs.path());
    let lexicon = repo("datasets/lexicons/three-cs.toml");
    for command in ["score", "report"] {
        let out = disk.path().join(command);
        let output = threadlens(&[
            command,
            "--data",
            store.to_str().unwrap(),
            "--lexicon",
            lexicon.to_str().unwrap(),
            "--format",
            "csv",
            "--out",
            out.to_str().unwrap(),
        ]);
        let (stdout, stderr) = text(&output);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{command}: {stdout}\n{stderr}"
        );
        assert!(
            stderr.contains("No space left on device"),
            "{command}: {stderr}"
        );
        assert!(
            stderr.contains(out.to_str().unwrap()),
            "{command} names the path: {stderr}"
        );
        assert!(
            temporaries(disk.path()).is_empty(),
            "{command}: {:?}",
            temporaries(disk.path())
        );
    }
}

/// `run` on a disk that fills during its import: exit 1, the report
/// published by the previous run (and `latest`) byte for byte as they
/// were, no staging folder or temporary file left.
#[test]
fn a_full_disk_during_a_run_keeps_the_published_report() {
    let Some(disk) = SmallDisk::mount(400, "a_full_disk_during_a_run") else {
        return;
    };
    let job_dir = disk.path();
    std::fs::create_dir_all(job_dir.join("in")).unwrap();
    std::fs::copy(
        repo("crates/threadlens-report/tests/data/fixture-day/posts.jsonl"),
        job_dir.join("in/day.jsonl"),
    )
    .unwrap();
    let lexicon = repo("datasets/lexicons/three-cs.toml");
    let job = job_dir.join("job.toml");
    std::fs::write(
        &job,
        format!(
            "version = 1\n[job]\nname = \"nightly\"\ndata_dir = \"data\"\n[[source]]\nplatform = \"file\"\npaths = [\"in/*.jsonl\"]\nformat = \"jsonl\"\n[process]\nlexicon = \"{}\"\n[report]\nformats = [\"csv\"]\n",
            lexicon.display()
        ),
    )
    .unwrap();
    let run = || threadlens(&["run", job.to_str().unwrap()]);
    let first = run();
    assert_eq!(first.status.code(), Some(0), "{:?}", text(&first));
    let latest = job_dir.join("reports/nightly/latest");
    let before = files_in(&latest);

    // A big file that cannot fit beside what is there.
    let inputs = tempfile::tempdir().unwrap();
    // The copy itself may fill the disk: the run then meets a full disk
    // at once, which is as good.
    let _ = std::fs::copy(big_input(inputs.path()), job_dir.join("in/big.jsonl"));
    let second = run();
    let (stdout, stderr) = text(&second);
    assert_eq!(second.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("No space left on device") || stdout.contains("No space left on device"),
        "{stdout}\n{stderr}"
    );
    assert_eq!(files_in(&latest), before, "the published report as it was");
    assert!(
        temporaries(job_dir).is_empty(),
        "{:?}",
        temporaries(job_dir)
    );
}

/// An output folder that is not ours (as the unprivileged user `nobody`,
/// since root ignores permissions): `report` exits 1 naming the folder and
/// the cause, and writes nothing anywhere.
#[test]
fn a_folder_that_is_not_ours_is_refused_naming_it() {
    let root = Command::new("id").arg("-u").output().unwrap();
    if String::from_utf8_lossy(&root.stdout).trim() != "0" {
        skip("a_folder_that_is_not_ours", "dropping to nobody needs root");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let open = |p: &Path, mode: u32| {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
    };
    open(dir.path(), 0o755);
    let store = dir.path().join("store");
    let day = repo("crates/threadlens-report/tests/data/fixture-day/posts.jsonl");
    assert!(import_jsonl(&store, &day).status.success());
    open(&store, 0o755);
    open(&store.join("posts.parquet"), 0o644);
    let theirs = dir.path().join("theirs");
    std::fs::create_dir(&theirs).unwrap();
    open(&theirs, 0o755);
    let lexicon = repo("datasets/lexicons/three-cs.toml");
    let output = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(crate::bin())
        .args(["report", "--data"])
        .arg(&store)
        .arg("--lexicon")
        .arg(&lexicon)
        .arg("--out")
        .arg(&theirs)
        .output()
        .unwrap();
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(stderr.contains("Permission denied"), "{stderr}");
    assert!(
        stderr.contains(theirs.to_str().unwrap()),
        "names the folder: {stderr}"
    );
    assert_eq!(
        std::fs::read_dir(&theirs).unwrap().count(),
        0,
        "nothing written"
    );
}

/// A store reached through a symlink is written where the link points
/// (the link stays a link), and a `latest` left dangling (its folder
/// removed by hand) is pointed at the new report by the next run.
#[test]
fn a_symlinked_store_and_a_dangling_latest() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real-store");
    std::fs::create_dir(&real).unwrap();
    let link = dir.path().join("store");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let day = repo("crates/threadlens-report/tests/data/fixture-day/posts.jsonl");
    assert!(import_jsonl(&link, &day).status.success());
    assert!(real.join("posts.parquet").is_file());
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let verify = threadlens(&["store", "verify", "--data", link.to_str().unwrap()]);
    assert!(verify.status.success(), "{verify:?}");

    let job_dir = dir.path().join("job");
    std::fs::create_dir_all(job_dir.join("in")).unwrap();
    std::fs::copy(&day, job_dir.join("in/day.jsonl")).unwrap();
    let job = job_dir.join("job.toml");
    std::fs::write(
        &job,
        format!(
            "version = 1\n[job]\nname = \"nightly\"\ndata_dir = \"data\"\n[[source]]\nplatform = \"file\"\npaths = [\"in/*.jsonl\"]\nformat = \"jsonl\"\n[process]\nlexicon = \"{}\"\n[report]\nformats = [\"csv\"]\n",
            repo("datasets/lexicons/three-cs.toml").display()
        ),
    )
    .unwrap();
    let reports = job_dir.join("reports/nightly");
    std::fs::create_dir_all(&reports).unwrap();
    std::os::unix::fs::symlink("2001-01-01", reports.join("latest")).unwrap();
    let output = threadlens(&["run", job.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{:?}", text(&output));
    let latest = reports.join("latest");
    assert!(
        latest.join("theme_summary.csv").is_file(),
        "latest points at the new report"
    );
}

/// `collect` into a store on a disk that fills after a page or two: the
/// source stops naming the raw archive and the cause (exit 1: every source
/// failed), the checkpoint still reads; with room again, the next run
/// drops the half-written line, resumes at the first page not archived
/// and stores every post exactly once.
#[test]
fn a_full_disk_during_collect_resumes_with_every_post_once() {
    use threadlens_testkit::{Reply, Seen, TestServer};
    let Some(disk) = SmallDisk::mount(160, "a_full_disk_during_collect") else {
        return;
    };
    let server = TestServer::start(|req: &Seen| {
        let n: u64 = match req.param("next_token") {
            None if req.param("since_id").is_some() => {
                return Reply::ok(r#"{"meta":{"result_count":0}}"#);
            }
            None => 1,
            Some(t) => t.trim_start_matches('p').parse().unwrap_or(1),
        };
        let data: Vec<_> = (0..100)
            .map(|i| {
                let id = n * 1000 + i;
                serde_json::json!({"id": id.to_string(), "text": format!("post {id} {}", "words ".repeat(80)), "author_id": "9", "created_at": "2026-11-21T10:00:00.000Z"})
            })
            .collect();
        let mut meta = serde_json::json!({"result_count": 100, "newest_id": "5099"});
        if n < 5 {
            meta["next_token"] = serde_json::json!(format!("p{}", n + 1));
        }
        Reply::ok(serde_json::json!({"data": data, "meta": meta}).to_string())
    });
    let store = disk.path().join("store");
    let collect = || {
        Command::new(crate::bin())
            .args(["collect", "--data"])
            .arg(&store)
            .args([
                "--base-url",
                &server.base,
                "x",
                "--query",
                "#SolvingTogether",
            ])
            .env("X_BEARER_TOKEN", "token-for-the-full-disk")
            .env_remove("RUST_LOG")
            .output()
            .unwrap()
    };
    let first = collect();
    let (stdout, stderr) = text(&first);
    assert_eq!(first.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        (stdout.clone() + &stderr).contains("No space left on device"),
        "{stdout}\n{stderr}"
    );
    assert!(
        temporaries(disk.path()).is_empty(),
        "{:?}",
        temporaries(disk.path())
    );

    // Room again: the next run completes and holds every post once.
    let grown = Command::new("mount")
        .args(["-o", "remount,size=8m"])
        .arg(disk.path())
        .status()
        .unwrap();
    assert!(grown.success());
    let second = collect();
    let (stdout, stderr) = text(&second);
    assert_eq!(second.status.code(), Some(0), "{stdout}\n{stderr}");
    let posts = threadlens_store::PostStore::open(&store)
        .unwrap()
        .read_posts()
        .unwrap();
    assert_eq!(posts.len(), 500, "five pages of 100, each post once");
}

/// `report --out DIR` on a disk that fills half-way (filled by the test
/// while the report is held after writing post_scores, before its
/// tables): DIR keeps the report that was there, every file byte for byte,
/// because the new one is written aside and published only whole.
#[test]
fn a_report_that_fills_the_disk_leaves_the_last_report_whole() {
    let Some(disk) = SmallDisk::mount(1024, "a_report_that_fills_the_disk") else {
        return;
    };
    let inputs = tempfile::tempdir().unwrap();
    let store = big_store(inputs.path());
    let out = disk.path().join("report");
    let report = |lexicon: &str| {
        let lexicon = repo(&format!("datasets/lexicons/{lexicon}"));
        let mut command = Command::new(crate::bin());
        command
            .args(["report", "--data"])
            .arg(&store)
            .arg("--lexicon")
            .arg(lexicon)
            .args(["--format", "csv,md", "--out"])
            .arg(&out)
            .env_remove("RUST_LOG");
        command
    };
    let first = report("three-cs.toml").output().unwrap();
    assert!(first.status.success(), "{:?}", text(&first));
    let before = files_in(&out);

    // Another lexicon, held after post_scores while the disk is filled.
    let pause = inputs.path().join("paused");
    let child = report("nhs-improvement.toml")
        .env("THREADLENS_PAUSE_AT", "report:tables")
        .env("THREADLENS_PAUSE_FILE", &pause)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !pause.exists() {
        assert!(
            std::time::Instant::now() < deadline,
            "the report never paused"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let filler = disk.path().join("filler");
    let mut file = std::fs::File::create(&filler).unwrap();
    let block = vec![0u8; 4096];
    while std::io::Write::write_all(&mut file, &block).is_ok() {}
    drop(file);
    std::fs::remove_file(&pause).unwrap();
    let second = child.wait_with_output().unwrap();
    let (stdout, stderr) = text(&second);
    assert_eq!(second.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(stderr.contains("No space left on device"), "{stderr}");
    assert_eq!(files_in(&out), before, "the last report, whole");
    assert!(
        temporaries(disk.path()).is_empty(),
        "{:?}",
        temporaries(disk.path())
    );
}
