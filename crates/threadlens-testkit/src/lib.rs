//! Helpers for threadlens's own tests (not published): a real HTTP/1.1
//! server on 127.0.0.1 that answers from a script, so live sources are
//! tested over real sockets without the internet, a [`Gate`] that holds
//! a request until the test lets it go, and time-bounded fuzzing
//! ([`fuzz::fuzz`]) and hostile inputs ([`hostile`]) for every parser,
//! and an S3-compatible store on 127.0.0.1 ([`S3Server`]).
//! Start reading at [`TestServer`].

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helper: a broken socket should fail the test

pub mod fuzz;
mod gate;
pub mod hostile;
mod http_server;
mod processes;
mod s3;

pub use gate::Gate;
pub use http_server::{Reply, Seen, TestServer};
pub use processes::{Children, free_port, wait_for_listener};
pub use s3::S3Server;
