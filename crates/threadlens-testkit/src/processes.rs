//! Processes a test starts (servers, cluster nodes): free ports to give
//! them, waiting until one listens, and killing them however the test ends.

use std::net::{TcpListener, TcpStream};
use std::process::Child;
use std::time::{Duration, Instant};

/// A port of 127.0.0.1 that nobody listens on now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free port on 127.0.0.1: {e}"))
}

/// Wait until something accepts connections at `address`; false after
/// `limit`.
pub fn wait_for_listener(address: &str, limit: Duration) -> bool {
    let started = Instant::now();
    while TcpStream::connect(address).is_err() {
        if started.elapsed() > limit {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    true
}

/// Child processes, killed and reaped when this is dropped.
#[derive(Debug, Default)]
pub struct Children(pub Vec<Child>);

impl Drop for Children {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
