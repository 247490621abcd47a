//! Time for the collectors: the wall clock, or a fake one in tests.

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{TimeDelta, Utc};
use threadlens_model::Timestamp;

/// A boxed future that waits.
pub type Sleep<'a> = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

/// Where the collectors read the time and wait: rate-limit resets are wall
/// clock instants, so the same clock tells the time and sleeps.
pub trait Clock: Send + Sync {
    /// Now.
    fn now(&self) -> Timestamp;
    /// Wait for `duration`.
    fn sleep(&self, duration: Duration) -> Sleep<'_>;
}

/// The system clock and tokio's timer.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Utc::now()
    }

    fn sleep(&self, duration: Duration) -> Sleep<'_> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// A clock that does not wait: each sleep is recorded and moves the time
/// forward at once, so tests can assert the waits a run would have made.
#[derive(Debug)]
pub struct FakeClock {
    state: Mutex<(Timestamp, Vec<Duration>)>,
}

impl FakeClock {
    /// A clock standing at `now`.
    pub fn new(now: Timestamp) -> FakeClock {
        FakeClock {
            state: Mutex::new((now, Vec::new())),
        }
    }

    /// Every sleep asked for, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.state.lock().map(|s| s.1.clone()).unwrap_or_default()
    }
}

impl Clock for FakeClock {
    fn now(&self) -> Timestamp {
        self.state
            .lock()
            .map(|s| s.0)
            .unwrap_or_else(|p| p.into_inner().0)
    }

    fn sleep(&self, duration: Duration) -> Sleep<'_> {
        if let Ok(mut state) = self.state.lock() {
            state.0 += TimeDelta::from_std(duration).unwrap_or(TimeDelta::MAX);
            state.1.push(duration);
        }
        Box::pin(std::future::ready(()))
    }
}
