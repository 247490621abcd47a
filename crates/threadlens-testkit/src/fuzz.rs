//! Fuzzing on stable Rust, inside the test suite: a proptest strategy is
//! run for a budget of seconds rather than a number of cases, from a fixed
//! seed, so every target tries as many inputs as its time allows, the same
//! inputs in the same order on every machine. A failing input is shrunk
//! to a small one and the test fails with it; an input that runs longer
//! than [`HANG_SECONDS`] aborts the run, after writing the target and the
//! input to `target/fuzz/hang.txt`.
//!
//! `THREADLENS_FUZZ_SECONDS` sets the budget per target (default
//! [`DEFAULT_SECONDS`]); `THREADLENS_FUZZ_SEED` starts elsewhere
//! (default 0). `benches/fuzz.sh MINUTES` runs every target for longer.
//! Each target appends a line `target inputs seconds` to
//! `target/fuzz/inputs.txt` (the README's reliability figures).

use std::fmt::Debug;
use std::io::Write as _;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestCaseResult, TestRng, TestRunner};

/// Seconds per target when `THREADLENS_FUZZ_SECONDS` is not set.
pub const DEFAULT_SECONDS: f64 = 2.0;

/// One input taking longer than this is a hang.
pub const HANG_SECONDS: u64 = 20;

/// How long each target runs.
pub fn budget() -> Duration {
    let seconds = std::env::var("THREADLENS_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
        .unwrap_or(DEFAULT_SECONDS);
    Duration::from_secs_f64(seconds)
}

/// The seed every target starts from.
fn seed() -> u64 {
    std::env::var("THREADLENS_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// Run `check` on inputs drawn from `strategy` until the budget is spent
/// (at least one input); the number of inputs tried. Panics with the
/// smallest failing input when `check` fails or panics.
pub fn fuzz<S>(target: &str, strategy: S, check: impl Fn(S::Value) -> TestCaseResult) -> u64
where
    S: Strategy,
    S::Value: Debug,
{
    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&seed().to_le_bytes());
    seed_bytes[8..8 + target.len().min(24)]
        .copy_from_slice(&target.as_bytes()[..target.len().min(24)]);
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes);
    let config = Config {
        failure_persistence: None,
        max_shrink_iters: 2_000,
        ..Config::default()
    };
    let mut runner = TestRunner::new_with_rng(config, rng);
    let watchdog = Watchdog::start(target);
    let started = Instant::now();
    let deadline = started + budget();
    let mut tried = 0u64;
    while tried == 0 || Instant::now() < deadline {
        let tree = strategy
            .new_tree(&mut runner)
            .unwrap_or_else(|why| panic!("{target}: no input drawn: {why}"));
        watchdog.begin(&tree.current());
        let outcome = runner.run_one(tree, &check);
        watchdog.end();
        if let Err(failure) = outcome {
            panic!("{target}: failed after {tried} inputs: {failure}");
        }
        tried += 1;
    }
    record(target, tried, started.elapsed());
    tried
}

/// `target/fuzz`: the inputs tried per target, and a hang's input.
fn fuzz_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/fuzz")
}

/// Append `target inputs seconds` to `target/fuzz/inputs.txt`.
fn record(target: &str, tried: u64, took: Duration) {
    let dir = fuzz_dir();
    if std::fs::create_dir_all(&dir).is_ok() {
        let line = format!("{target} {tried} {:.1}\n", took.as_secs_f64());
        append_line(&dir.join("inputs.txt"), &line);
    }
}

/// Append `line` to the file at `path` in one write, so that targets
/// finishing at the same moment on other threads cannot cut into it
/// (`writeln!` writes a line in pieces, and two lines once came out as
/// `format_detectioncsv_map 549249531`).
fn append_line(path: &std::path::Path, line: &str) {
    if let Ok(mut file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
    {
        let _ = file.write_all(line.as_bytes());
    }
}

/// Aborts the process when one input runs past [`HANG_SECONDS`].
struct Watchdog {
    started_ms: Arc<AtomicU64>,
    input: Arc<Mutex<String>>,
    stop: Arc<AtomicBool>,
    epoch: Instant,
}

impl Watchdog {
    fn start(target: &str) -> Watchdog {
        let watchdog = Watchdog {
            started_ms: Arc::new(AtomicU64::new(u64::MAX)),
            input: Arc::new(Mutex::new(String::new())),
            stop: Arc::new(AtomicBool::new(false)),
            epoch: Instant::now(),
        };
        let (started_ms, input, stop, epoch) = (
            watchdog.started_ms.clone(),
            watchdog.input.clone(),
            watchdog.stop.clone(),
            watchdog.epoch,
        );
        let target = target.to_owned();
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(200));
                let began = started_ms.load(Ordering::Relaxed);
                let now = epoch.elapsed().as_millis() as u64;
                if began != u64::MAX && now.saturating_sub(began) > HANG_SECONDS * 1000 {
                    let input = input.lock().map(|s| s.clone()).unwrap_or_default();
                    let said =
                        format!("{target}: an input ran over {HANG_SECONDS} s (a hang): {input}\n");
                    tracing::error!("{said}");
                    // Aborting is the only way out of a hang; the input
                    // is kept where the test run's files are.
                    let _ = std::fs::create_dir_all(fuzz_dir());
                    let _ = std::fs::write(fuzz_dir().join("hang.txt"), said);
                    std::process::abort();
                }
            }
        });
        watchdog
    }

    fn begin(&self, input: &dyn Debug) {
        let mut text = format!("{input:?}");
        if text.len() > 2_000 {
            let mut cut = 2_000;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
            text.push('…');
        }
        if let Ok(mut slot) = self.input.lock() {
            *slot = text;
        }
        self.started_ms
            .store(self.epoch.elapsed().as_millis() as u64, Ordering::Relaxed);
    }

    fn end(&self) {
        self.started_ms.store(u64::MAX, Ordering::Relaxed);
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines appended by many threads at once come out whole, as the
    /// fuzz targets' lines must when two finish together.
    #[test]
    fn lines_appended_at_once_stay_whole() {
        let name = format!("threadlens-fuzz-lines-{}.txt", std::process::id());
        let path = std::env::temp_dir().join(name);
        let _ = std::fs::remove_file(&path);
        std::thread::scope(|scope| {
            for t in 0..8 {
                let path = &path;
                scope.spawn(move || {
                    for i in 0..500 {
                        append_line(path, &format!("target_{t} {i} 0.5\n"));
                    }
                });
            }
        });
        let text = std::fs::read_to_string(&path).unwrap();
        let _ = std::fs::remove_file(&path);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 8 * 500);
        for line in lines {
            let fields: Vec<&str> = line.split(' ').collect();
            let whole = matches!(fields[..], [target, tried, "0.5"]
                if target.len() == 8 && target.starts_with("target_") && tried.parse::<u32>().is_ok());
            assert!(whole, "{line:?}");
        }
    }
}
