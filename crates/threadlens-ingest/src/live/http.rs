//! One polite HTTP client: timeouts, retries with backoff and jitter,
//! rate-limit waits, and tokens kept off plain HTTP and foreign redirects.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, HeaderMap};
use reqwest::{Client, Method, StatusCode, Url};
use serde_json::value::RawValue;
use threadlens_model::Timestamp;

use super::LiveError;
use super::clock::Clock;
use super::limits::RateState;
use super::secret::Secret;

/// How hard to try and how long to wait.
#[derive(Debug, Clone)]
pub struct HttpPolicy {
    /// Per-request timeout (connect, headers and body).
    pub timeout: Duration,
    /// Attempts per request on timeouts, connection errors, 5xx and bad bodies.
    pub max_attempts: u32,
    /// The first backoff; each retry doubles it, up to `backoff_max`.
    pub backoff_base: Duration,
    /// The longest backoff.
    pub backoff_max: Duration,
    /// The longest rate-limit wait accepted; a later reset stops the source.
    pub max_wait: Duration,
}

impl Default for HttpPolicy {
    fn default() -> Self {
        HttpPolicy {
            timeout: Duration::from_secs(30),
            max_attempts: 5,
            backoff_base: Duration::from_secs(1),
            backoff_max: Duration::from_secs(60),
            max_wait: Duration::from_secs(15 * 60),
        }
    }
}

/// The shared connection pool. Redirects are followed only within the same
/// host and port and never from https to http, so a token is never
/// forwarded; a redirect elsewhere comes back as a refusal naming it.
pub fn http_client() -> Result<Client, LiveError> {
    let policy = reqwest::redirect::Policy::custom(|attempt| {
        let same_host = attempt.previous().first().is_some_and(|first| {
            first.host_str() == attempt.url().host_str()
                && first.port_or_known_default() == attempt.url().port_or_known_default()
        });
        let downgrade = attempt
            .previous()
            .last()
            .is_some_and(|prev| prev.scheme() == "https" && attempt.url().scheme() == "http");
        if attempt.previous().len() > 5 || !same_host || downgrade {
            attempt.stop()
        } else {
            attempt.follow()
        }
    });
    Client::builder()
        .redirect(policy)
        .user_agent(concat!("threadlens/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| LiveError::Config(format!("cannot start the HTTP client: {e}")))
}

/// `base` + `path`, keeping any path prefix of `base` (a proxy's `/x/`).
pub(crate) fn join(base: &Url, path: &str) -> Result<Url, LiveError> {
    let mut base = base.clone();
    if !base.path().ends_with('/') {
        let p = format!("{}/", base.path());
        base.set_path(&p);
    }
    base.join(path)
        .map_err(|e| LiveError::Config(format!("{base}{path}: {e}")))
}

/// One API request.
#[derive(Debug, Clone)]
pub struct ApiRequest {
    /// GET or POST.
    pub method: Method,
    /// The full URL.
    pub url: Url,
    /// A bearer token.
    pub bearer: Option<Secret>,
    /// A JSON body (POST).
    pub json: Option<serde_json::Value>,
}

impl ApiRequest {
    /// A GET.
    pub fn get(url: Url, bearer: Option<Secret>) -> ApiRequest {
        ApiRequest {
            method: Method::GET,
            url,
            bearer,
            json: None,
        }
    }
}

/// A successful response with a JSON body.
#[derive(Debug)]
pub struct Page {
    /// The request URL with secrets removed.
    pub url: String,
    /// The HTTP status.
    pub status: u16,
    /// The headers.
    pub headers: HeaderMap,
    /// The body, verbatim.
    pub body: Box<RawValue>,
    /// When it arrived.
    pub retrieved_at: Timestamp,
}

/// Called with the source's name and the reset time before a rate-limit wait.
pub type WaitHook = Arc<dyn Fn(&str, Timestamp) + Send + Sync>;

/// Sends requests for one source, waiting out its rate limits.
pub struct Fetcher {
    client: Client,
    clock: Arc<dyn Clock>,
    policy: HttpPolicy,
    source: String,
    not_before: Mutex<Option<Timestamp>>,
    jitter: Mutex<u64>,
    requests: std::sync::atomic::AtomicU64,
    on_wait: Option<WaitHook>,
    /// Set by a signal: waits end and no further request is sent.
    stop: Arc<std::sync::atomic::AtomicBool>,
}

/// Why one attempt failed in a way worth retrying.
struct Transient(String);

impl Fetcher {
    /// A fetcher for the source named `source`.
    pub fn new(client: Client, clock: Arc<dyn Clock>, policy: HttpPolicy, source: &str) -> Fetcher {
        let seed = clock.now().timestamp_subsec_nanos() as u64 ^ 0x9E37_79B9_7F4A_7C15;
        Fetcher {
            client,
            clock,
            policy,
            source: source.to_owned(),
            not_before: Mutex::new(None),
            jitter: Mutex::new(seed),
            requests: std::sync::atomic::AtomicU64::new(0),
            on_wait: None,
            stop: Arc::default(),
        }
    }

    /// Stop waiting and sending when `stop` is set (by SIGINT or SIGTERM):
    /// a wait ends at once with [`LiveError::Interrupted`].
    pub fn stop_on(mut self, stop: Arc<std::sync::atomic::AtomicBool>) -> Fetcher {
        self.stop = stop;
        self
    }

    /// Whether the run was asked to stop.
    pub fn is_stopped(&self) -> bool {
        self.stop.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Wait `duration`, or less if asked to stop, then say which.
    async fn pause(&self, duration: std::time::Duration) -> Result<(), LiveError> {
        let stop = self.stop.clone();
        let asked = async move {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
        };
        tokio::select! {
            () = self.clock.sleep(duration) => {}
            () = asked => {}
        }
        if self.is_stopped() {
            return Err(LiveError::Interrupted {
                source_name: self.source.clone(),
            });
        }
        Ok(())
    }

    /// Call `f(source, resume_at)` before each rate-limit wait (progress display).
    pub fn on_wait(mut self, f: WaitHook) -> Fetcher {
        self.on_wait = Some(f);
        self
    }

    /// Requests sent so far, retries included.
    pub fn requests(&self) -> u64 {
        self.requests.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The source's name.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Send `request` until it succeeds with a JSON body, retrying what is
    /// worth retrying and waiting out rate limits.
    pub async fn fetch(&self, request: &ApiRequest) -> Result<Page, LiveError> {
        self.check_transport(request)?;
        let shown = redact_url(&request.url);
        let mut failures = 0u32;
        let mut refusals = 0u32;
        loop {
            self.wait_for_window().await?;
            match self.attempt(request, &shown).await? {
                Ok(page) => return Ok(page),
                Err(Retry::RateLimited(resume_at)) => {
                    refusals += 1;
                    let resume_at = resume_at.unwrap_or_else(|| {
                        self.clock.now()
                            + chrono::TimeDelta::from_std(self.backoff(refusals))
                                .unwrap_or_default()
                    });
                    self.wait_until(resume_at).await?;
                    if refusals > 20 {
                        return Err(LiveError::GaveUp {
                            source_name: self.source.clone(),
                            url: shown,
                            attempts: failures + refusals,
                            last: "HTTP 429 on every attempt".into(),
                        });
                    }
                }
                Err(Retry::Transient(Transient(why))) => {
                    failures += 1;
                    if failures >= self.policy.max_attempts {
                        return Err(LiveError::GaveUp {
                            source_name: self.source.clone(),
                            url: shown,
                            attempts: failures + refusals,
                            last: why,
                        });
                    }
                    let delay = self.backoff(failures);
                    tracing::warn!(source = %self.source, url = %shown, attempt = failures, retry_in_ms = delay.as_millis() as u64, "{why}; retrying");
                    self.pause(delay).await?;
                }
            }
        }
    }

    fn check_transport(&self, request: &ApiRequest) -> Result<(), LiveError> {
        if (request.bearer.is_none() && request.json.is_none()) || request.url.scheme() == "https" {
            return Ok(());
        }
        let loopback = match request.url.host() {
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            Some(url::Host::Domain(d)) => d == "localhost",
            None => false,
        };
        if loopback {
            Ok(())
        } else {
            Err(LiveError::InsecureTransport {
                source_name: self.source.clone(),
                host: request.url.host_str().unwrap_or_default().to_owned(),
            })
        }
    }

    async fn attempt(
        &self,
        request: &ApiRequest,
        shown: &str,
    ) -> Result<Result<Page, Retry>, LiveError> {
        let mut builder = self
            .client
            .request(request.method.clone(), request.url.clone())
            .timeout(self.policy.timeout);
        if let Some(token) = &request.bearer {
            builder = builder.header(AUTHORIZATION, format!("Bearer {}", token.expose()));
        }
        if let Some(json) = &request.json {
            builder = builder
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(json.to_string());
        }
        self.requests
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let response = match builder.send().await {
            Ok(r) => r,
            Err(e) => return Ok(Err(Retry::Transient(Transient(describe(&e))))),
        };
        let status = response.status();
        let headers = response.headers().clone();
        let now = self.clock.now();
        let rate = RateState::from_headers(&headers, now);
        if let Some(until) = rate.exhausted_until()
            && let Ok(mut slot) = self.not_before.lock()
        {
            *slot = Some(until);
        }
        let bytes = match response.bytes().await {
            Ok(b) => b,
            Err(e) => {
                return Ok(Err(Retry::Transient(Transient(format!(
                    "reading the body: {}",
                    describe(&e)
                )))));
            }
        };
        let body_start = || String::from_utf8_lossy(&bytes[..bytes.len().min(300)]).into_owned();
        match status {
            s if s.is_success() => match serde_json::from_slice::<Box<RawValue>>(&bytes) {
                Ok(body) => Ok(Ok(Page {
                    url: shown.to_owned(),
                    status: s.as_u16(),
                    headers,
                    body,
                    retrieved_at: now,
                })),
                Err(e) => Ok(Err(Retry::Transient(Transient(format!(
                    "HTTP {s} with a body that is not complete JSON ({e})"
                ))))),
            },
            StatusCode::TOO_MANY_REQUESTS => {
                if memchr::memmem::find(&bytes, b"UsageCapExceeded").is_some() {
                    return Err(LiveError::UsageCapExceeded {
                        source_name: self.source.clone(),
                    });
                }
                tracing::info!(source = %self.source, url = %shown, "HTTP 429: rate limited");
                Ok(Err(Retry::RateLimited(rate.resume_after_refusal())))
            }
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => Err(LiveError::Unauthorized {
                source_name: self.source.clone(),
                status: status.as_u16(),
                url: shown.to_owned(),
                code: error_code(&bytes),
                hint: unauthorized_hint(status, &body_start()),
            }),
            s if s.is_server_error() || s == StatusCode::REQUEST_TIMEOUT => {
                Ok(Err(Retry::Transient(Transient(format!("HTTP {s}")))))
            }
            s if s.is_redirection() => Err(LiveError::Refused {
                source_name: self.source.clone(),
                status: s.as_u16(),
                url: shown.to_owned(),
                body: format!(
                    "redirected to {}, which is not followed (another host or port, or https to http, could receive the token); point base_url there if it is right",
                    headers
                        .get(reqwest::header::LOCATION)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("an unnamed location")
                ),
            }),
            s => {
                if s == StatusCode::BAD_REQUEST
                    && error_code(&bytes).as_deref() == Some("ExpiredToken")
                {
                    return Err(LiveError::Unauthorized {
                        source_name: self.source.clone(),
                        status: s.as_u16(),
                        url: shown.to_owned(),
                        code: Some("ExpiredToken".into()),
                        hint: "the access token has expired".into(),
                    });
                }
                Err(LiveError::Refused {
                    source_name: self.source.clone(),
                    status: s.as_u16(),
                    url: shown.to_owned(),
                    body: body_start(),
                })
            }
        }
    }

    async fn wait_for_window(&self) -> Result<(), LiveError> {
        let until = self.not_before.lock().ok().and_then(|mut s| s.take());
        match until {
            Some(until) => self.wait_until(until).await,
            None => Ok(()),
        }
    }

    async fn wait_until(&self, resume_at: Timestamp) -> Result<(), LiveError> {
        let wait = resume_at - self.clock.now();
        if wait <= chrono::TimeDelta::zero() {
            return Ok(());
        }
        let max = self.policy.max_wait;
        if wait.to_std().unwrap_or(Duration::MAX) > max {
            return Err(LiveError::RateLimited {
                source_name: self.source.clone(),
                resume_at,
                wait_secs: wait.num_seconds(),
                max_wait_secs: max.as_secs(),
            });
        }
        tracing::info!(source = %self.source, resume_at = %resume_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true), wait_s = wait.num_seconds(), "rate limit reached; waiting for the window to reset");
        if let Some(f) = &self.on_wait {
            f(&self.source, resume_at);
        }
        self.pause(wait.to_std().unwrap_or_default()).await
    }

    /// Full jitter: a uniform delay in [cap/2, cap], cap = base·2^(n-1) ≤ max.
    fn backoff(&self, attempt: u32) -> Duration {
        let cap = self
            .policy
            .backoff_base
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16))
            .min(self.policy.backoff_max);
        let unit = match self.jitter.lock() {
            Ok(mut state) => {
                *state ^= *state << 13;
                *state ^= *state >> 7;
                *state ^= *state << 17;
                (*state >> 11) as f64 / (1u64 << 53) as f64
            }
            Err(_) => 0.5,
        };
        cap.mul_f64(0.5 + unit / 2.0)
    }
}

enum Retry {
    RateLimited(Option<Timestamp>),
    Transient(Transient),
}

fn describe(e: &reqwest::Error) -> String {
    let what = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_body() || e.is_decode() {
        "the body was cut short"
    } else {
        "request failed"
    };
    // reqwest's messages carry the URL; its query never holds a secret here.
    let mut source = std::error::Error::source(e);
    let mut detail = String::new();
    while let Some(s) = source {
        detail = s.to_string();
        source = s.source();
    }
    if detail.is_empty() {
        what.to_owned()
    } else {
        format!("{what} ({detail})")
    }
}

/// `error` from a JSON error body (`{"error":"ExpiredToken",...}`) or X's `title`.
fn error_code(bytes: &[u8]) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    v.get("error")
        .or_else(|| v.get("title"))
        .and_then(|e| e.as_str())
        .map(str::to_owned)
}

fn unauthorized_hint(status: StatusCode, body: &str) -> String {
    let said = body.chars().take(200).collect::<String>();
    if status == StatusCode::UNAUTHORIZED {
        format!(
            "the token was refused: check the environment variable that holds it (server said: {said})"
        )
    } else {
        format!(
            "the token lacks access to this endpoint (a higher API tier or scope is needed) (server said: {said})"
        )
    }
}

/// The URL as logged and archived: user info dropped and secret-looking
/// query parameters replaced by `***`.
pub fn redact_url(url: &Url) -> String {
    const SECRET_KEYS: [&str; 7] = [
        "access_token",
        "token",
        "password",
        "api_key",
        "apikey",
        "key",
        "secret",
    ];
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    if shown.query().is_some() {
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(k, v)| {
                let secret = SECRET_KEYS.iter().any(|s| k.eq_ignore_ascii_case(s));
                (
                    k.into_owned(),
                    if secret { "***".into() } else { v.into_owned() },
                )
            })
            .collect();
        shown.query_pairs_mut().clear().extend_pairs(pairs);
    }
    shown.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_user_info_and_token_parameters() {
        let url =
            Url::parse("https://me:pw@example.org/api?q=%23x&access_token=abc&limit=40").unwrap();
        assert_eq!(
            redact_url(&url),
            "https://example.org/api?q=%23x&access_token=***&limit=40"
        );
    }
}
