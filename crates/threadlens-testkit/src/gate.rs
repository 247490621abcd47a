//! A gate a server handler can stop at until the test opens it, so a test
//! acts (kills a client, starts a second one) while a request is known to
//! be in flight, however fast or slow the machine is.

use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

/// Closed until [`Gate::open`]; remembers whether anyone reached it.
#[derive(Debug, Default)]
pub struct Gate {
    state: Mutex<(bool, bool)>, // (reached, open)
    changed: Condvar,
}

impl Gate {
    /// A closed gate.
    pub fn new() -> Gate {
        Gate::default()
    }

    /// Say the gate was reached, then wait until it is opened (at most
    /// `limit`, so a forgotten gate cannot hang a test run).
    pub fn stop_here(&self, limit: Duration) {
        let mut state = self.state.lock().unwrap();
        state.0 = true;
        self.changed.notify_all();
        let deadline = Instant::now() + limit;
        while !state.1 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return;
            }
            state = self.changed.wait_timeout(state, left).unwrap().0;
        }
    }

    /// Wait until someone stops at the gate; whether they did within `limit`.
    pub fn wait_reached(&self, limit: Duration) -> bool {
        let mut state = self.state.lock().unwrap();
        let deadline = Instant::now() + limit;
        while !state.0 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            state = self.changed.wait_timeout(state, left).unwrap().0;
        }
        true
    }

    /// Let everyone through, now and later.
    pub fn open(&self) {
        self.state.lock().unwrap().1 = true;
        self.changed.notify_all();
    }
}
