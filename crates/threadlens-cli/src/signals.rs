//! SIGINT and SIGTERM during `collect` and `run`: the first asks the run
//! to stop cleanly (each source finishes the page in hand, saves its
//! checkpoint and sends nothing more; `run` starts no further stage), and
//! the command exits 130 or 143 saying what was kept. A second signal
//! exits at once, as a kill would; the next run resumes either way.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result};
use signal_hook::consts::{SIGINT, SIGTERM};

/// The signals heard so far.
pub(crate) struct Signals {
    stop: Arc<AtomicBool>,
    interrupt: Arc<AtomicBool>,
    terminate: Arc<AtomicBool>,
}

impl Signals {
    /// Start listening for SIGINT and SIGTERM.
    pub(crate) fn install() -> Result<Signals> {
        let signals = Signals {
            stop: Arc::default(),
            interrupt: Arc::default(),
            terminate: Arc::default(),
        };
        for (signal, flag, code) in [
            (SIGINT, &signals.interrupt, 130),
            (SIGTERM, &signals.terminate, 143),
        ] {
            // Registered first, so it sees the flag as the previous signal
            // left it: only a second signal exits at once.
            signal_hook::flag::register_conditional_shutdown(signal, code, signals.stop.clone())
                .context("cannot listen for signals")?;
            signal_hook::flag::register(signal, flag.clone())
                .context("cannot listen for signals")?;
            signal_hook::flag::register(signal, signals.stop.clone())
                .context("cannot listen for signals")?;
        }
        Ok(signals)
    }

    /// The flag a signal sets, for the collector.
    pub(crate) fn stop(&self) -> Arc<AtomicBool> {
        self.stop.clone()
    }

    /// The signal received, as its name and the exit code it gives.
    pub(crate) fn received(&self) -> Option<(&'static str, u8)> {
        if self.terminate.load(Ordering::SeqCst) {
            Some(("SIGTERM", 143))
        } else if self.interrupt.load(Ordering::SeqCst) {
            Some(("SIGINT", 130))
        } else {
            None
        }
    }
}
