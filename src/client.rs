//! An async client over any HTTP stack: [`Client`] drives the sans-IO [`crate::Exchange`] over a
//! small [`Transport`] (send one request, sleep), doing what the npm package's JS driver does:
//! each attempt (fetch and body read) raced against keygate's own timer, redirects never followed
//! by the transport (the exchange follows same-origin ones), bodies read up to the limits, retries
//! with the core's policy and waits through the transport, errors classified and redacted.
//!
//! No runtime is needed: timers come from [`Transport::sleep`], so the same driver runs under
//! tokio (the `reqwest` feature's `transport::Reqwest`) and in wasm with JS timers.
//!
//! ### `Send`
//! [`Transport`] has no `Send` bound, so a wasm transport (JS promises are not `Send`) fits. The
//! futures of [`Client::request`] are `Send` whenever the transport's are: with a concrete
//! transport (e.g. `Client<transport::Reqwest>`) the compiler sees that, so they can be given to
//! `tokio::spawn` (checked by a test). Generic code over `T: Transport` that must spawn cannot
//! prove it and should take the concrete type.
//!
//! Cancel a request by dropping its future (the caller's "signal").

use core::future::Future;
use core::pin::pin;
use core::task::Poll;
use core::time::Duration;

use crate::classify::{header, MAX_ERROR_BODY, READ_HEADERS};
use crate::error::Error;
use crate::exchange::{Exchange, Failure, Refused, Step};
use crate::headers::Header;
use crate::plan::{Config, RequestSpec};
use crate::ratelimit::RateLimit;
use crate::url::same_origin_redirect;

/// One request for the transport to send. Redirects must not be followed (`redirect: manual`).
#[derive(Debug)]
pub struct Outgoing<'a> {
    /// Uppercase method.
    pub method: &'a str,
    /// Absolute URL.
    pub url: &'a str,
    /// All headers; values marked [`crate::HeaderValue::is_sensitive`] carry the credential.
    pub headers: &'a [Header],
    /// The body, when this attempt carries one.
    pub body: Option<&'a [u8]>,
    /// Time allowed for the attempt, body included (the driver enforces it too, through
    /// [`Transport::sleep`]).
    pub timeout: Duration,
    /// Most body bytes to read for a 2xx.
    pub max_body: u64,
    /// Most body bytes to read for any other status.
    pub max_error_body: u64,
}

impl Outgoing<'_> {
    /// How many body bytes to read for a response with this status; past it, stop reading and
    /// set [`Incoming::over_limit`].
    pub fn body_limit(&self, status: u16) -> u64 {
        if (200..300).contains(&status) {
            self.max_body
        } else {
            self.max_error_body
        }
    }
}

/// What the transport got back.
#[derive(Clone, Debug, Default)]
pub struct Incoming {
    /// HTTP status (0 when the runtime hides the response).
    pub status: u16,
    /// The runtime hid a redirect (browsers' `opaqueredirect`).
    pub opaque: bool,
    /// The transport followed a redirect by itself (it must not).
    pub redirected: bool,
    /// The URL the answer came from, where the runtime reports it.
    pub url: Option<String>,
    /// Response headers, names in any case.
    pub headers: Vec<(String, String)>,
    /// The body, at most [`Outgoing::body_limit`] bytes.
    pub body: Vec<u8>,
    /// The body (or its `Content-Length`) was over [`Outgoing::body_limit`]; `body` is then unused.
    pub over_limit: bool,
}

/// How a send ended without a response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SendError {
    /// The transport's own timer fired.
    TimedOut,
    /// Connection or protocol failure: the runtime's message and, where it has one, a code
    /// (e.g. `ECONNREFUSED`). Scrubbed of the credential before it reaches an error.
    Network {
        /// The runtime's message.
        message: String,
        /// The runtime's error code.
        cause: Option<String>,
    },
}

/// An HTTP stack for [`Client`]: one send, one sleep. No `Send` bound (see the module docs).
pub trait Transport {
    /// Sends one request and reads its body (up to [`Outgoing::body_limit`]). Must not follow
    /// redirects; should stop within [`Outgoing::timeout`] (the driver stops waiting then anyway).
    fn send(&self, request: Outgoing<'_>) -> impl Future<Output = Result<Incoming, SendError>>;

    /// Waits `duration` (the retry back-off, and the attempt's timer).
    fn sleep(&self, duration: Duration) -> impl Future<Output = ()>;

    /// The clock, Unix milliseconds, for HTTP-date `Retry-After` and rate-limit resets; `None`
    /// reads no rate limit. Defaults to the system clock, except on `wasm32` (where
    /// `std::time::SystemTime` panics: a wasm transport gives `Date.now()`).
    fn now_ms(&self) -> Option<f64> {
        system_now_ms()
    }

    /// A number in `[0, 1)` for the back-off jitter (the JS driver uses `Math.random()`).
    fn jitter(&self) -> f64 {
        default_jitter()
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn system_now_ms() -> Option<f64> {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()
        .map(|d| d.as_millis() as f64)
}

#[cfg(target_arch = "wasm32")]
fn system_now_ms() -> Option<f64> {
    None
}

/// Jitter from std's per-process random hash keys and a counter (no dependency; not for secrets).
fn default_jitter() -> f64 {
    use core::hash::{BuildHasher, Hasher};
    use core::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// The answer to [`Client::request`].
#[derive(Clone, Debug)]
pub struct Response {
    /// HTTP status (2xx).
    pub status: u16,
    /// All response headers, as the transport gave them.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
    /// Request id, scrubbed of the credential.
    pub request_id: Option<String>,
    /// Rate limit read from the answer.
    pub rate_limit: Option<RateLimit>,
}

impl Response {
    /// One header (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    /// The body as text (lossy UTF-8).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Whether the body is JSON by its content type (and not empty, nor a 204/205).
    pub fn is_json(&self) -> bool {
        has_json_body(self.status, self.header("content-type"), &self.body)
    }

    /// The body decoded as JSON into `T` (feature `serde`): an `invalid_json` error when it is
    /// not that shape (the message names the status only, never the body).
    #[cfg(feature = "serde")]
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, Error> {
        serde_json::from_slice(&self.body).map_err(|_| {
            let mut e = Error::new(
                crate::ErrorKind::Api,
                format!(
                    "the {} answer's body is not the JSON shape expected",
                    self.status
                ),
            )
            .with_code(crate::ErrorCode::InvalidJson);
            e.status = Some(self.status);
            e.request_id = self.request_id.clone();
            e
        })
    }
}

/// The JS driver's `decodeBody`: JSON when the content type announces it.
fn has_json_body(status: u16, content_type: Option<&str>, body: &[u8]) -> bool {
    if status == 204 || status == 205 || body.is_empty() {
        return false;
    }
    content_type.is_some_and(announces_json)
}

/// `/\bjson\b/i` on the content type.
fn announces_json(ct: &str) -> bool {
    let b = ct.as_bytes();
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    (0..b.len().saturating_sub(3)).any(|i| {
        b[i..i + 4].eq_ignore_ascii_case(b"json")
            && (i == 0 || !word(b[i - 1]))
            && (i + 4 == b.len() || !word(b[i + 4]))
    })
}

/// A keygate client over a transport: planning, redirects, timeouts, retries and errors are the
/// core's, as in the npm package.
pub struct Client<T> {
    config: Config,
    transport: T,
}

impl<T> core::fmt::Debug for Client<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Client")
            .field("provider", &self.config.provider)
            .field("credential", &self.config.credential.secret())
            .field("base_url", &self.config.base_url.as_string())
            .finish_non_exhaustive()
    }
}

enum Raced<A> {
    Done(A),
    Timer,
}

/// The attempt against its timer, like the JS driver's `Promise.race([work, deadline])`.
async fn race<A>(work: impl Future<Output = A>, timer: impl Future<Output = ()>) -> Raced<A> {
    let mut work = pin!(work);
    let mut timer = pin!(timer);
    core::future::poll_fn(move |cx| {
        if let Poll::Ready(a) = work.as_mut().poll(cx) {
            return Poll::Ready(Raced::Done(a));
        }
        if timer.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Raced::Timer);
        }
        Poll::Pending
    })
    .await
}

impl<T: Transport> Client<T> {
    /// A client for `config` over `transport`.
    ///
    /// The ready-made transports are `transport::Reqwest` (feature `reqwest`, servers:
    /// `Client::with_reqwest`) and `gloo::Gloo` (feature `gloo`, wasm: `Client::with_gloo`). Any
    /// other HTTP stack, or a canned one for tests, is two methods:
    ///
    /// ```
    /// use std::time::Duration;
    /// use keygate::client::{Incoming, Outgoing, SendError};
    /// use keygate::{Client, Config, Credential, CredentialKind, Options, ProviderId, RequestSpec, Transport};
    ///
    /// /// Answers every request with an empty workspace list.
    /// struct Canned;
    ///
    /// impl Transport for Canned {
    ///     async fn send(&self, r: Outgoing<'_>) -> Result<Incoming, SendError> {
    ///         assert_eq!(r.url, "https://api.poelis.com/v1/public/workspaces");
    ///         assert!(r.headers.iter().any(|h| h.value.is_sensitive()), "the credential header");
    ///         Ok(Incoming {
    ///             status: 200,
    ///             headers: vec![("content-type".into(), "application/json".into())],
    ///             body: br#"{"items":[],"count":0}"#.to_vec(),
    ///             ..Default::default()
    ///         })
    ///     }
    ///
    ///     async fn sleep(&self, _: Duration) {} // a real transport waits here
    /// }
    ///
    /// let key = "poelis_api_yyRCEbuLi8ugnBWNixCZQL4xKlLKBh-Gi_6zFf4CCIE";
    /// let credential = Credential::new(ProviderId::Poelis, CredentialKind::ApiKey, key)?;
    /// let client = Client::new(Config::new(credential, Options::default())?, Canned);
    /// let get = RequestSpec { method: "GET".into(), path: "/workspaces".into(), ..Default::default() };
    /// # let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let answer = client.request(get).await?;
    /// assert_eq!((answer.status, answer.text().as_str()), (200, r#"{"items":[],"count":0}"#));
    /// assert!(!format!("{client:?}").contains(key), "Debug shows the key redacted");
    /// # Ok::<(), keygate::Error>(())
    /// # })?;
    /// # Ok::<(), keygate::Error>(())
    /// ```
    pub fn new(config: Config, transport: T) -> Client<T> {
        Client { config, transport }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The transport.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// Sends `spec` (no body): see [`Client::send`]. A query, extra headers and the endpoint's
    /// name (for the provider's error rules) go in the spec; errors are typed and redacted.
    ///
    /// ```no_run
    /// use keygate::{Client, ErrorKind, RequestSpec, Transport};
    ///
    /// async fn presentations<T: Transport>(client: &Client<T>) -> Result<Vec<u8>, keygate::Error> {
    ///     let spec = RequestSpec {
    ///         method: "GET".into(),
    ///         path: "/presentations".into(),
    ///         query: vec![("limit".into(), "5".into())],
    ///         ..Default::default()
    ///     };
    ///     match client.request(spec).await {
    ///         Ok(answer) => Ok(answer.body),
    ///         // Retries (429 with Retry-After, 5xx, network) are already done here.
    ///         Err(e) if e.kind == ErrorKind::RateLimit => {
    ///             eprintln!("still limited, retry in {:?} ms: {e}", e.retry_after_ms);
    ///             Err(e)
    ///         }
    ///         Err(e) => Err(e), // `{e}` and `{e:?}` never show the key
    ///     }
    /// }
    /// ```
    pub async fn request(&self, spec: RequestSpec) -> Result<Response, Error> {
        self.send(&spec, None).await
    }

    /// Sends `spec` with `body` (JSON text when `spec.body` is [`crate::Body::Json`]), retrying
    /// and following same-origin redirects as the core decides. A 2xx is the answer (a body
    /// that announces JSON and is not is an `invalid_json` error; unlike `JSON.parse`, the
    /// core's reader also refuses invalid UTF-8 and nesting deeper than 64); anything else is
    /// an [`Error`] with the credential scrubbed out.
    pub async fn send(&self, spec: &RequestSpec, body: Option<&[u8]>) -> Result<Response, Error> {
        let config = &self.config;
        let mut ex = Exchange::new(config, spec)?;
        let max_body = config.max_response_bytes;
        let max_error_body = max_body.min(MAX_ERROR_BODY as u64 + 1);
        loop {
            let outgoing = Outgoing {
                method: ex.method(),
                url: ex.url(),
                headers: &ex.plan().headers,
                body: if ex.send_body() { body } else { None },
                timeout: ex.timeout(),
                max_body,
                max_error_body,
            };
            let raced = race(
                self.transport.send(outgoing),
                self.transport.sleep(ex.timeout()),
            )
            .await;
            let step = match raced {
                Raced::Timer | Raced::Done(Err(SendError::TimedOut)) => {
                    ex.on_failure(config, Failure::TimedOut, self.transport.jitter())
                }
                Raced::Done(Err(SendError::Network { message, cause })) => ex.on_failure(
                    config,
                    Failure::Network {
                        detail: &message,
                        cause: cause.as_deref(),
                    },
                    self.transport.jitter(),
                ),
                Raced::Done(Ok(mut got)) => {
                    // Only the headers the exchange reads go in (as the JS driver passes them).
                    let read: Vec<(String, String)> = READ_HEADERS
                        .iter()
                        .filter_map(|n| header(&got.headers, n).map(|v| (n.to_string(), v.into())))
                        .collect();
                    let left = got.redirected
                        || got.url.as_deref().is_some_and(|u| {
                            !u.is_empty()
                                && same_origin_redirect(ex.url(), u, &ex.plan().origin).is_none()
                        });
                    if left {
                        return Err(ex.refuse(config, Refused::LeftOrigin, got.status, &read));
                    }
                    let ok = (200..300).contains(&got.status);
                    let limit = if ok { max_body } else { max_error_body };
                    if got.over_limit || got.body.len() as u64 > limit {
                        if ok {
                            return Err(ex.refuse(config, Refused::TooLarge, got.status, &read));
                        }
                        got.body.clear();
                    }
                    let answer = crate::exchange::Response {
                        status: got.status,
                        opaque: got.opaque,
                        headers: &read,
                        body: if ok { &[] } else { &got.body },
                    };
                    let now = self.transport.now_ms();
                    match ex.on_response(config, &answer, now, self.transport.jitter()) {
                        Step::Done => {
                            let ct = header(&got.headers, "content-type");
                            if has_json_body(got.status, ct, &got.body)
                                && crate::json::Json::parse(&got.body).is_none()
                            {
                                return Err(ex.invalid_json(config));
                            }
                            return Ok(Response {
                                status: got.status,
                                headers: got.headers,
                                body: got.body,
                                request_id: ex.request_id().map(str::to_string),
                                rate_limit: ex.rate_limit(),
                            });
                        }
                        step => step,
                    }
                }
            };
            match step {
                Step::Sleep(ms) => self.transport.sleep(Duration::from_millis(ms)).await,
                Step::Fetch => {}
                Step::Done | Step::Fail => {
                    return Err(ex.take_error().unwrap_or_else(|| {
                        Error::new(crate::ErrorKind::Api, "no error recorded")
                            .with_provider(config.provider)
                    }))
                }
            }
        }
    }
}
