//! threadlens-sql's tests: the functions against the scorer core, the
//! engines against each other, and a real cluster of three processes.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers may panic

mod cluster;
mod engines;
mod fixture;
mod functions;
mod report_counts;
