//! Why a collection stopped.

use std::path::PathBuf;

use threadlens_model::Timestamp;

/// A failure that stops one source (the others go on). Messages name the
/// source and say what to do; they never contain a token.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LiveError {
    /// SIGINT or SIGTERM asked the run to stop.
    #[error(
        "{source_name}: stopped by a signal; the pages collected are archived and the checkpoint saved: run again to resume"
    )]
    Interrupted {
        /// The source.
        source_name: String,
    },
    /// The server refused the credentials.
    #[error("{source_name}: HTTP {status} from {url}: {hint}")]
    Unauthorized {
        /// The source.
        source_name: String,
        /// 401 or 403.
        status: u16,
        /// The request, with secrets removed.
        url: String,
        /// The platform's error code, when the body gives one (`ExpiredToken`).
        code: Option<String>,
        /// What to fix.
        hint: String,
    },
    /// X says the project's monthly post cap is used up.
    #[error(
        "{source_name}: X reports UsageCapExceeded: the project's monthly post cap is used up; collection resumes from the checkpoint once the cap resets or the plan changes"
    )]
    UsageCapExceeded {
        /// The source.
        source_name: String,
    },
    /// A rate-limit reset further away than `--max-wait`.
    #[error(
        "{source_name}: rate limited until {resume_at} ({wait_secs} s away), beyond --max-wait {max_wait_secs} s; run again later to resume from the checkpoint"
    )]
    RateLimited {
        /// The source.
        source_name: String,
        /// When the server would accept requests again.
        resume_at: Timestamp,
        /// Seconds from now to then.
        wait_secs: i64,
        /// The bound that was exceeded.
        max_wait_secs: u64,
    },
    /// Retries ran out on timeouts, connection errors, 5xx or bad bodies.
    #[error("{source_name}: gave up on {url} after {attempts} attempts: {last}")]
    GaveUp {
        /// The source.
        source_name: String,
        /// The request, with secrets removed.
        url: String,
        /// Attempts made.
        attempts: u32,
        /// The last failure.
        last: String,
    },
    /// A 4xx other than 401, 403 and 429: the request itself is wrong.
    #[error("{source_name}: HTTP {status} from {url}: {body}")]
    Refused {
        /// The source.
        source_name: String,
        /// The status.
        status: u16,
        /// The request, with secrets removed.
        url: String,
        /// The start of the response body.
        body: String,
    },
    /// A token would go over plain HTTP to a non-loopback host.
    #[error(
        "{source_name}: refusing to send a token over plain HTTP to {host}; use https (plain http is allowed only for loopback test servers)"
    )]
    InsecureTransport {
        /// The source.
        source_name: String,
        /// The host.
        host: String,
    },
    /// A required secret is not in the environment.
    #[error("{source_name}: environment variable {var} is not set ({what})")]
    MissingSecret {
        /// The source.
        source_name: String,
        /// The variable.
        var: String,
        /// What it should hold.
        what: String,
    },
    /// The collection's configuration is wrong.
    #[error("{0}")]
    Config(String),
    /// The raw archive or a checkpoint could not be written or read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// A checkpoint file is not what threadlens wrote.
    #[error("{path}: not a readable checkpoint ({why}); move it aside to start that source afresh")]
    BadCheckpoint {
        /// The file.
        path: PathBuf,
        /// The parse error.
        why: String,
    },
}

pub(crate) fn io_error(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> LiveError + '_ {
    move |source| LiveError::Io {
        path: path.to_owned(),
        source,
    }
}
