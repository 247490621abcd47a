//! End-to-end tests of the `threadlens` binary live in `tests/e2e/`; this
//! library is empty and exists so the package has a target to build.
