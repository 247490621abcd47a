//! End-to-end tests of the `threadlens` binary live in `tests/`.
