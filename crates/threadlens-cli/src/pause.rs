//! Named points where a run can be held for tests: with
//! `THREADLENS_PAUSE_AT=<point>` and `THREADLENS_PAUSE_FILE=<path>` in the
//! environment, reaching the point writes its name into the file and waits
//! until the file is removed. The end-to-end tests use it to kill a run
//! inside each stage every time (not at a fraction of a guessed duration),
//! and to hold a run that has its lock. Without the variables a point does
//! nothing.

use std::time::Duration;

/// The points, in the order a run reaches them.
pub(crate) const POINTS: [&str; 4] = [
    "import:commit",
    "report:tables",
    "publish:latest",
    "publish:prune",
];

/// Hold here if the environment asks for `name`.
pub(crate) fn point(name: &str) {
    debug_assert!(POINTS.contains(&name), "{name} is not a pause point");
    if std::env::var_os("THREADLENS_PAUSE_AT").is_none_or(|at| at != name) {
        return;
    }
    let Some(file) = std::env::var_os("THREADLENS_PAUSE_FILE") else {
        return;
    };
    if std::fs::write(&file, name).is_err() {
        return;
    }
    tracing::info!(
        point = name,
        "paused until {} is removed",
        file.to_string_lossy()
    );
    while std::path::Path::new(&file).exists() {
        std::thread::sleep(Duration::from_millis(10));
    }
}
