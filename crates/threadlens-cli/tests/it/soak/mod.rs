//! The fault soak of live collection (issue 16 §3): `threadlens collect`
//! on X, Mastodon and Bluesky at once, against loopback servers that throw
//! seeded faults at about a third of requests (429s with and without reset
//! headers, spent windows, 500/502/503, connection resets, truncated and
//! stalled bodies, repeated and reordered pages, expired Bluesky sessions),
//! while the world grows and the collector is killed (SIGKILL) or stopped
//! (SIGTERM) at random moments and started again. At the end every post the
//! servers delivered, and every post of the world, is in the store exactly
//! once, nothing else is, and the checkpoints leave nothing to do.
//!
//! It runs 60 seconds in the suite; `THREADLENS_SOAK_SECONDS` and
//! `THREADLENS_SOAK_SEED` change that (`benches/soak.sh MINUTES [SEED]`).
//! Its figures go to `target/soak/figures.md`.

mod faults;
mod world;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use world::{BSKY_HANDLE, BSKY_PASSWORD, World, X_TOKEN};

use crate::{bin, text};

/// Roots per platform before the soak starts.
const FIRST_ROOTS: u64 = 120;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

/// The collect config for the three servers.
fn config(dir: &Path, x: &str, mastodon: &str, bluesky: &str) -> PathBuf {
    let path = dir.join("sources.toml");
    let text = format!(
        "[[source]]\nplatform = \"x\"\nquery = \"#Soak\"\nmax_results = 10\nbase_url = \"{x}\"\n\n\
         [[source]]\nplatform = \"mastodon\"\ninstances = [\"{mastodon}\"]\nhashtags = [\"Soak\"]\n\n\
         [[source]]\nplatform = \"bluesky\"\nquery = \"#Soak\"\nbase_url = \"{bluesky}\"\n"
    );
    std::fs::write(&path, text).unwrap();
    path
}

fn collect(config: &Path, data: &Path, log: &Path) -> Command {
    let mut command = Command::new(bin());
    command
        .arg("collect")
        .arg("--config")
        .arg(config)
        .arg("--data")
        .arg(data)
        .args(["--timeout", "1", "--retries", "4", "--backoff", "0.05"])
        .args(["--max-wait", "5", "-q"])
        .env_remove("RUST_LOG")
        .env("X_BEARER_TOKEN", X_TOKEN)
        .env("BLUESKY_HANDLE", BSKY_HANDLE)
        .env("BLUESKY_APP_PASSWORD", BSKY_PASSWORD)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).unwrap());
    command
}

/// How each collector run ended, by kind.
#[derive(Default)]
struct Runs {
    ended: BTreeMap<String, u64>,
}

impl Runs {
    fn record(&mut self, how: &str) {
        *self.ended.entry(how.to_owned()).or_default() += 1;
    }

    fn total(&self) -> u64 {
        self.ended.values().sum()
    }
}

/// What an exit status means here; a panic on any the soak must never see.
fn classify(status: ExitStatus, signal: Option<&str>, log: &Path) -> String {
    use std::os::unix::process::ExitStatusExt;
    let how = match (status.code(), status.signal(), signal) {
        (Some(0), _, _) => "finished (exit 0)",
        (Some(3), _, _) => "a source gave up (exit 3)",
        (Some(143), _, Some("TERM")) => "stopped by SIGTERM (exit 143)",
        (None, Some(9), Some("KILL")) => "killed (SIGKILL)",
        _ => panic!(
            "a collector run ended with {status:?} (signal sent: {signal:?}); its log:\n{}",
            std::fs::read_to_string(log).unwrap_or_default()
        ),
    };
    how.to_owned()
}

/// Wait for `child` until `deadline`; its status, or `None` if still running.
fn wait_until(child: &mut Child, deadline: Instant) -> Option<ExitStatus> {
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// The marker word of each stored post, counted.
fn stored_markers(data: &Path) -> BTreeMap<String, u64> {
    let posts = threadlens_store::PostStore::open(data)
        .unwrap()
        .read_posts()
        .unwrap();
    let mut counts = BTreeMap::new();
    for post in posts {
        let marker = post
            .text
            .split_whitespace()
            .find(|w| w.starts_with("soak"))
            .unwrap_or_else(|| panic!("a post the world never had: {:?}", post.text))
            .to_owned();
        *counts.entry(marker).or_default() += 1;
    }
    counts
}

#[test]
fn collection_survives_faults_kills_and_restarts_with_every_post_stored_once() {
    let seconds = env_number("THREADLENS_SOAK_SECONDS", 60);
    let seed = env_number("THREADLENS_SOAK_SEED", 20_261_130);
    let world = World::new(FIRST_ROOTS, seed);
    let (x, mastodon, bluesky) = world.serve();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("store");
    let config = config(dir.path(), &x.base, &mastodon.base, &bluesky.base);
    let log = dir.path().join("run.log");
    let started = Instant::now();
    let mut runs = Runs::default();
    let mut grown = 0;

    // The soak: grow, start, interrupt at a random moment, again.
    while started.elapsed() < Duration::from_secs(seconds) {
        let more = world.below(8);
        world.grow(more);
        grown += more;
        let mut child = collect(&config, &data, &log).spawn().unwrap();
        let after = Duration::from_millis(20 + world.below(1_200));
        let how = match wait_until(&mut child, Instant::now() + after) {
            Some(status) => classify(status, None, &log),
            None => {
                let signal = if world.below(4) == 0 { "TERM" } else { "KILL" };
                let sent = Command::new("kill")
                    .arg(format!("-{signal}"))
                    .arg(child.id().to_string())
                    .status()
                    .unwrap();
                assert!(sent.success());
                let status = wait_until(&mut child, Instant::now() + Duration::from_secs(15))
                    .unwrap_or_else(|| panic!("SIGTERM did not stop the collector within 15 s"));
                classify(status, Some(signal), &log)
            }
        };
        runs.record(&how);
    }
    let soak_seconds = started.elapsed().as_secs_f64();

    // Let it finish, faults still thrown, the world no longer growing.
    let finishing = Instant::now();
    loop {
        let status = collect(&config, &data, &log).status().unwrap();
        let how = classify(status, None, &log);
        runs.record(&how);
        if status.code() == Some(0) {
            break;
        }
        assert!(
            finishing.elapsed() < Duration::from_secs(300),
            "no run finished cleanly in 5 minutes; the last log:\n{}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
    }
    let tally = world.tally();

    // Nothing lost, nothing doubled, nothing invented.
    let stored = stored_markers(&data);
    let doubled: Vec<_> = stored.iter().filter(|(_, n)| **n > 1).collect();
    assert!(doubled.is_empty(), "stored more than once: {doubled:?}");
    let stored: std::collections::BTreeSet<String> = stored.into_keys().collect();
    let served = world.served();
    let lost: Vec<_> = served.difference(&stored).collect();
    assert!(lost.is_empty(), "delivered but not stored: {lost:?}");
    let world_posts = world.markers();
    assert_eq!(
        stored, world_posts,
        "the store holds exactly the world's posts"
    );

    // The checkpoints leave nothing to do: a fault-free run finds nothing new.
    world.faults(false);
    let output = {
        let mut c = collect(&config, &data, &log);
        c.stdout(Stdio::piped()).stderr(Stdio::piped());
        c.output().unwrap()
    };
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains(&format!(
            "posts.parquet: {} posts (0 new)",
            world_posts.len()
        )),
        "{stdout}"
    );
    assert_eq!(stdout.matches(", 0 threads pending").count(), 3, "{stdout}");
    let verify = Command::new(bin())
        .args(["store", "verify", "--data"])
        .arg(&data)
        .output()
        .unwrap();
    assert!(verify.status.success(), "{:?}", text(&verify));

    write_figures(
        seed,
        soak_seconds,
        finishing.elapsed().as_secs_f64(),
        &runs,
        &tally,
        grown,
        world_posts.len(),
    );
}

#[allow(clippy::print_stderr)]
fn write_figures(
    seed: u64,
    soak_seconds: f64,
    finish_seconds: f64,
    runs: &Runs,
    tally: &world::Tally,
    grown: u64,
    posts: usize,
) {
    let mut out = String::new();
    let requests: u64 = tally.requests.values().sum();
    let faults: u64 = tally.faults.values().sum();
    let _ = writeln!(
        out,
        "# Fault soak (seed {seed}): {soak_seconds:.0} s of faults and interruptions, then {finish_seconds:.1} s to finish\n"
    );
    let _ = writeln!(
        out,
        "- requests: {requests} ({})",
        tally
            .requests
            .iter()
            .map(|(p, n)| format!("{p} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(
        out,
        "- faults thrown: {faults} ({:.0}% of requests)",
        100.0 * faults as f64 / requests.max(1) as f64
    );
    for (name, n) in &tally.faults {
        let _ = writeln!(out, "  - {name}: {n}");
    }
    let _ = writeln!(out, "- collector runs: {}", runs.total());
    for (how, n) in &runs.ended {
        let _ = writeln!(out, "  - {how}: {n}");
    }
    let _ = writeln!(
        out,
        "- Bluesky sessions created or refreshed: {}",
        tally.sessions
    );
    let _ = writeln!(
        out,
        "- posts: {posts} in the world ({} roots added during the soak), {posts} stored, each once; {} deliveries (repeats included), 0 lost, 0 doubled, 0 invented",
        grown * 3,
        tally.deliveries
    );
    let folder = Path::new(env!("CARGO_TARGET_TMPDIR")).join("../soak");
    let _ = std::fs::create_dir_all(&folder);
    let _ = std::fs::write(folder.join("figures.md"), &out);
    eprintln!("{out}");
}
