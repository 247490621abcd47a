//! End-to-end tests: run the `threadlens` binary as users do and check what
//! it prints, what it writes and how it exits.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers may panic

mod import;
mod lexicon;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The `threadlens` binary built by this `cargo test` run (cargo builds
/// workspace binaries before running any test).
pub fn bin() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(Path::parent).unwrap();
    let path = dir.join(format!("threadlens{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.is_file(),
        "{} is missing: run the tests with `cargo test --workspace`",
        path.display()
    );
    path
}

/// Run threadlens with `args`.
pub fn threadlens(args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .env_remove("RUST_LOG")
        .output()
        .unwrap()
}

/// stdout and stderr as text.
pub fn text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// A file of the importers' own test data.
pub fn data(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../crates/threadlens-ingest/tests/data")
        .join(name)
        .display()
        .to_string()
}
