//! Integration tests of the report crate.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers may panic

mod clock_change;
mod fuzz;
mod network_files;
mod summary_columns;
mod takeover_day;
mod takeover_literal;
