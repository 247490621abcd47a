//! Integration tests of the importers: the repo's own small fixtures (one
//! per format, with the ugly cases) and conformance with the real payloads
//! in `../shared/fixtures/` when that folder is there.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)] // test helpers may panic and report

mod conformance;
mod fuzz;
mod limits;
mod live_bluesky;
mod live_conformance;
mod live_mastodon;
mod live_support;
mod live_x;
mod own_fixtures;
mod support;
