//! Smoke test of the binary target itself; the end-to-end suite is the
//! `threadlens-e2e` package in `tests/`. Having an integration test here
//! also makes `cargo test --workspace` build the `threadlens` binary.

use std::process::Command;

#[test]
fn the_binary_reports_its_version() {
    let output = Command::new(env!("CARGO_BIN_EXE_threadlens"))
        .arg("--version")
        .output();
    let output = output.unwrap_or_else(|e| panic!("cannot run threadlens: {e}"));
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        stdout.trim(),
        format!("threadlens {}", env!("CARGO_PKG_VERSION"))
    );
}
