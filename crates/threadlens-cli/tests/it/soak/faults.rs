//! The soak's dice: which fault each request meets, drawn from a seed, and
//! the tally of what was thrown.

use std::collections::BTreeMap;
use std::time::Duration;

use threadlens_model::SplitMix64;
use threadlens_testkit::Reply;

/// What a request meets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fault {
    /// A normal answer.
    None,
    /// HTTP 429, with the platform's reset header or with no header at all.
    RateLimited { reset: bool },
    /// A normal answer that says the window is spent until a second from now.
    WindowSpent,
    /// HTTP 500, 502 or 503.
    ServerError(u16),
    /// The connection closed without an answer.
    ConnectionReset,
    /// Half the promised body, then the connection closes.
    Truncated,
    /// Half the body, then a stall past the client's timeout.
    Stalled,
    /// The page's next cursor leads back to this same page.
    RepeatedPage,
    /// The page's posts in a shuffled order.
    ReorderedPage,
    /// Bluesky: the access (or refresh) token has expired.
    ExpiredSession,
}

impl Fault {
    /// The name the figures use.
    pub(super) fn name(self) -> String {
        match self {
            Fault::None => "none".into(),
            Fault::RateLimited { reset: true } => "429 with reset".into(),
            Fault::RateLimited { reset: false } => "429 without reset".into(),
            Fault::WindowSpent => "window spent (remaining 0)".into(),
            Fault::ServerError(code) => format!("HTTP {code}"),
            Fault::ConnectionReset => "connection reset".into(),
            Fault::Truncated => "truncated body".into(),
            Fault::Stalled => "body stalled past the timeout".into(),
            Fault::RepeatedPage => "page repeated".into(),
            Fault::ReorderedPage => "page reordered".into(),
            Fault::ExpiredSession => "expired Bluesky session".into(),
        }
    }

    /// Whether the client gets the page's posts from this answer.
    pub(super) fn delivers(self) -> bool {
        matches!(
            self,
            Fault::None | Fault::WindowSpent | Fault::RepeatedPage | Fault::ReorderedPage
        )
    }
}

/// How long a stalled body waits: past the soak's one-second timeout.
pub(super) const STALL: Duration = Duration::from_millis(1500);

/// The seeded draws and the tally, shared by the three servers.
pub(super) struct Dice {
    rng: SplitMix64,
    /// Faults are thrown only while this is on (off for the final check).
    pub(super) on: bool,
    /// Requests per platform.
    pub(super) requests: BTreeMap<&'static str, u64>,
    /// Faults thrown, by name.
    pub(super) thrown: BTreeMap<String, u64>,
}

impl Dice {
    pub(super) fn new(seed: u64) -> Dice {
        Dice {
            rng: SplitMix64::new(seed),
            on: true,
            requests: BTreeMap::new(),
            thrown: BTreeMap::new(),
        }
    }

    /// A uniform draw below `n`.
    pub(super) fn below(&mut self, n: u64) -> u64 {
        self.rng.below(n)
    }

    /// The fault for one request to `platform`; `paged` when the answer is a
    /// page with a cursor, `session` when it carries a Bluesky token.
    pub(super) fn roll(&mut self, platform: &'static str, paged: bool, session: bool) -> Fault {
        *self.requests.entry(platform).or_default() += 1;
        if !self.on {
            return Fault::None;
        }
        // Out of 100: about a third of requests meet a fault.
        let fault = match self.rng.below(100) {
            0..=3 => Fault::RateLimited { reset: true },
            4..=6 => Fault::RateLimited { reset: false },
            7..=9 => Fault::WindowSpent,
            10..=11 => Fault::ServerError(500),
            12..=13 => Fault::ServerError(502),
            14..=15 => Fault::ServerError(503),
            16..=19 => Fault::ConnectionReset,
            20..=23 => Fault::Truncated,
            24..=25 => Fault::Stalled,
            26..=29 if paged => Fault::RepeatedPage,
            30..=33 if paged => Fault::ReorderedPage,
            34..=38 if session => Fault::ExpiredSession,
            _ => Fault::None,
        };
        if fault != Fault::None {
            *self.thrown.entry(fault.name()).or_default() += 1;
        }
        fault
    }

    /// Shuffle `items` (Fisher–Yates).
    pub(super) fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.rng.below(i as u64 + 1) as usize;
            items.swap(i, j);
        }
    }
}

/// The answer for a fault that replaces the page, or `None` when the page
/// is to be built (perhaps altered) and sent.
pub(super) fn refusal(fault: Fault, limit_headers: &[(String, String)]) -> Option<Reply> {
    match fault {
        Fault::RateLimited { reset } => {
            let mut reply = Reply::status(429, r#"{"error":"RateLimitExceeded"}"#);
            if reset {
                for (name, value) in limit_headers {
                    reply = reply.with_header(name, value);
                }
            }
            Some(reply)
        }
        Fault::ServerError(code) => Some(Reply::status(code, r#"{"error":"InternalError"}"#)),
        Fault::ConnectionReset => Some(Reply::Drop),
        _ => None,
    }
}

/// `body` as the fault delivers it.
pub(super) fn deliver(fault: Fault, body: String, limit_headers: &[(String, String)]) -> Reply {
    match fault {
        Fault::Truncated => Reply::Truncated(body),
        Fault::Stalled => Reply::Stalled(STALL, body),
        Fault::WindowSpent => limit_headers
            .iter()
            .fold(Reply::ok(body), |reply, (name, value)| {
                reply.with_header(name, value)
            }),
        _ => Reply::ok(body),
    }
}
