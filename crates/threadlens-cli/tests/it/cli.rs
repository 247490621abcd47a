//! The binary itself: version and the top-level help.

use crate::threadlens;

#[test]
fn the_binary_reports_its_version() {
    let output = threadlens(&["--version"]);
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        stdout.trim(),
        format!("threadlens {}", env!("CARGO_PKG_VERSION"))
    );
}
