//! The request loop as a state machine with no I/O ("sans-IO"): attempts, same-origin
//! redirects, classification and retries are decided here, in plain Rust; whoever runs it (the
//! wasm edge with JS `fetch` and timers, or a native test) only performs the [`Step`]s it asks
//! for and reports what happened.
//!
//! ```text
//! new ──> Fetch ──(response)──> Done | Fetch (redirect) | Sleep(ms) ──> Fetch | Fail
//!              └──(failure)───> Sleep(ms) ──> Fetch | Fail
//! ```

use crate::classify::{classify_for, header, is_redirect, raw_request_id, MAX_REQUEST_ID};
use core::time::Duration;

use crate::error::{Error, ErrorCode, ErrorKind};
use crate::plan::{check_retries, check_timeout, plan, Config, Plan, RequestSpec};
use crate::ratelimit::RateLimit;
use crate::retry::{Decision, RetryPolicy};
use crate::url::same_origin_redirect;

/// Redirects followed within one attempt.
pub const MAX_REDIRECTS: u32 = 5;

/// The response's request id, with the credential replaced should a server echo it there.
fn scrubbed_id(config: &Config, headers: &[(String, String)]) -> Option<String> {
    raw_request_id(headers)
        .map(|id| config.sanitize_to(id, MAX_REQUEST_ID))
        .filter(|id| !id.is_empty())
}

/// Whether a request with this method carries the body.
fn carries_body(method: &str) -> bool {
    !matches!(method, "GET" | "HEAD")
}

/// Why a runner refused a response after its fetch: [`Exchange::refuse`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refused {
    /// The fetch followed a redirect itself, or answered from another origin.
    LeftOrigin,
    /// The body is larger than the client's `max_response_bytes`.
    TooLarge,
}

/// What the runner must do next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Send [`Exchange::url`] with [`Exchange::method`], the plan's headers and (if
    /// [`Exchange::send_body`]) the body, within [`Exchange::timeout`].
    Fetch,
    /// Wait this many milliseconds (abortable by the caller), then fetch again.
    Sleep(u64),
    /// The last response is the answer.
    Done,
    /// The request failed: [`Exchange::take_error`] has the error.
    Fail,
}

/// How an attempt ended without a response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure<'a> {
    /// The caller's signal fired.
    Aborted,
    /// The attempt's own timer fired (before the whole body arrived).
    TimedOut,
    /// The runtime's fetch rejected: its message and, where it has one, an error code.
    Network {
        /// The runtime's message (scrubbed before use).
        detail: &'a str,
        /// The runtime's error code, e.g. `ECONNRESET`.
        cause: Option<&'a str>,
    },
}

/// What an attempt got back.
#[derive(Clone, Copy, Debug)]
pub struct Response<'a> {
    /// HTTP status (0 for an opaque response).
    pub status: u16,
    /// The runtime hid the response (browsers do this with redirects).
    pub opaque: bool,
    /// Response headers (any case); only [`crate::READ_HEADERS`] are read.
    pub headers: &'a [(String, String)],
    /// Response body; only read for errors, and only up to the classifier's limit.
    pub body: &'a [u8],
}

/// One request, from plan to answer.
#[derive(Debug)]
pub struct Exchange {
    plan: Plan,
    policy: RetryPolicy,
    timeout_ms: u64,
    retries_done: u32,
    url: String,
    method: &'static str,
    send_body: bool,
    redirects: u32,
    request_id: Option<String>,
    status: u16,
    rate_limit: Option<RateLimit>,
    error: Option<Error>,
}

impl Exchange {
    /// Plans `req` against `config` (its `timeout` and `max_retries`, when set, override the
    /// client's and must be in the same ranges).
    pub fn new(config: &Config, req: &RequestSpec) -> Result<Exchange, Error> {
        let p = config.provider;
        let timeout = req
            .timeout
            .map(check_timeout)
            .transpose()
            .map_err(|e| e.with_provider(p))?;
        let max_retries = req
            .max_retries
            .map(check_retries)
            .transpose()
            .map_err(|e| e.with_provider(p))?;
        let plan = plan(config, req)?;
        Ok(Exchange {
            url: plan.url.clone(),
            method: plan.method,
            send_body: carries_body(plan.method),
            policy: max_retries.map(RetryPolicy::new).unwrap_or(config.retry),
            timeout_ms: timeout.unwrap_or(config.timeout).as_millis() as u64,
            plan,
            retries_done: 0,
            redirects: 0,
            request_id: None,
            status: 0,
            rate_limit: None,
            error: None,
        })
    }

    /// The plan (headers, origin, idempotency).
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// URL of the next fetch.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Method of the next fetch (a 303, or a 301/302 after POST, turns it into GET).
    pub fn method(&self) -> &'static str {
        self.method
    }

    /// Whether the next fetch carries the request body.
    pub fn send_body(&self) -> bool {
        self.send_body
    }

    /// Time allowed for one attempt, body included.
    pub fn timeout(&self) -> Duration {
        Duration::from_millis(self.timeout_ms)
    }

    /// Retries performed so far.
    pub fn retries_done(&self) -> u32 {
        self.retries_done
    }

    /// Request id of the final response.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// Rate limit of the last response ([`crate::read_rate_limit`] with the `now_ms` given to
    /// [`Exchange::on_response`]): after [`Step::Done`], the final response's; `None` when it
    /// sent no rate-limit header (or no clock was given).
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.rate_limit
    }

    /// The error after [`Step::Fail`] (taken once).
    pub fn take_error(&mut self) -> Option<Error> {
        self.error.take()
    }

    /// A 2xx whose body the runner could not decode as the JSON its content type announced.
    pub fn invalid_json(&self, config: &Config) -> Error {
        let mut e = Error::new(
            ErrorKind::Api,
            crate::decimal::fill(
                "{} answered {} with a body that is not valid JSON",
                &[
                    config.provider.provider().name,
                    crate::decimal::decimal_str(u64::from(self.status), &mut [0; 20]),
                ],
            ),
        )
        .with_code(ErrorCode::InvalidJson)
        .with_provider(config.provider);
        e.status = Some(self.status);
        e.request_id = self.request_id.clone();
        e.rate_limit = self.rate_limit.map(Box::new);
        e
    }

    /// The error for a response the runner refused after its fetch (not retried): `status` 0
    /// when there was none to report, `headers` the response headers read ([`crate::READ_HEADERS`]).
    pub fn refuse(
        &self,
        config: &Config,
        why: Refused,
        status: u16,
        headers: &[(String, String)],
    ) -> Error {
        let mut e = match why {
            Refused::LeftOrigin => Error::new(
                ErrorKind::Api,
                crate::decimal::fill("refused a response from outside {}: the fetch function followed a redirect by itself (it must honour redirect: \"manual\")", &[&*self.plan.origin]),
            )
            .with_code(ErrorCode::RedirectRefused),
            Refused::TooLarge => Error::new(
                ErrorKind::Api,
                crate::decimal::fill("the response body is larger than maxResponseBytes ({} bytes)", &[crate::decimal::decimal_str(config.max_response_bytes, &mut [0; 20])]),
            )
            .with_code(ErrorCode::ResponseTooLarge),
        };
        e.status = (status > 0).then_some(status);
        e.request_id = scrubbed_id(config, headers);
        e.with_provider(config.provider)
    }

    /// An attempt ended without a response.
    pub fn on_failure(&mut self, config: &Config, failure: Failure<'_>, jitter: f64) -> Step {
        let p = config.provider;
        let err = match failure {
            Failure::Aborted => {
                return self.fail(
                    Error::new(
                        ErrorKind::Abort,
                        "the request was aborted by the caller's signal",
                    )
                    .with_provider(p),
                )
            }
            Failure::TimedOut => Error::new(
                ErrorKind::Timeout,
                crate::decimal::fill(
                    "no complete answer within {} ms",
                    &[crate::decimal::decimal_str(self.timeout_ms, &mut [0; 20])],
                ),
            ),
            Failure::Network { detail, cause } => {
                let mut msg = crate::decimal::fill("network error: {}", &[detail]);
                if let Some(c) = cause {
                    msg.push_str(" (");
                    msg.push_str(c);
                    msg.push(')');
                }
                Error::new(ErrorKind::Network, config.sanitize(&msg))
            }
        };
        self.retry_or_fail(err.with_provider(p), jitter)
    }

    /// An attempt got a response (`now_ms`: the clock, Unix milliseconds, for an HTTP-date
    /// `Retry-After` and the rate-limit reset; without it no rate limit is read).
    pub fn on_response(
        &mut self,
        config: &Config,
        response: &Response<'_>,
        now_ms: Option<f64>,
        jitter: f64,
    ) -> Step {
        let p = config.provider;
        let Response {
            status,
            opaque,
            headers,
            body,
        } = *response;
        self.status = status;
        self.rate_limit = None;
        if opaque {
            return self.retry_or_fail(
                Error::new(
                    ErrorKind::Api,
                    "the server redirected and this runtime hides the target (browsers do): keygate refuses redirects it cannot check",
                )
                .with_code(ErrorCode::RedirectRefused)
                .with_provider(p),
                jitter,
            );
        }
        self.rate_limit = now_ms.and_then(|n| crate::ratelimit::read(p, status, headers, n as u64));
        if is_redirect(status) {
            let location = header(headers, "location").unwrap_or("");
            let mut e = match same_origin_redirect(&self.url, location, &self.plan.origin) {
                Some(next) if self.redirects < MAX_REDIRECTS => {
                    self.redirects += 1;
                    if status == 303 || (matches!(status, 301 | 302) && self.method == "POST") {
                        self.method = "GET";
                        self.send_body = false;
                    }
                    self.url = next;
                    return Step::Fetch;
                }
                Some(_) => Error::new(ErrorKind::Api, "too many redirects (more than 5)")
                    .with_code(ErrorCode::TooManyRedirects),
                None => Error::new(
                    ErrorKind::Api,
                    crate::decimal::fill(
                        "refused a redirect that leaves {}: the credential is only ever sent there",
                        &[&*self.plan.origin],
                    ),
                )
                .with_code(ErrorCode::RedirectRefused),
            };
            e.status = Some(status);
            e.request_id = scrubbed_id(config, headers);
            e.rate_limit = self.rate_limit.map(Box::new);
            return self.retry_or_fail(e.with_provider(p), jitter);
        }
        let body = if body.len() <= crate::classify::MAX_ERROR_BODY {
            body
        } else {
            &[]
        };
        match classify_for(&config.credential, status, headers, body, now_ms) {
            Ok(()) => {
                self.request_id = scrubbed_id(config, headers);
                Step::Done
            }
            Err(mut e) => {
                e.rate_limit = self.rate_limit.map(Box::new);
                self.retry_or_fail(e, jitter)
            }
        }
    }

    fn fail(&mut self, e: Error) -> Step {
        self.error = Some(e);
        Step::Fail
    }

    fn retry_or_fail(&mut self, err: Error, jitter: f64) -> Step {
        match self
            .policy
            .decide(self.retries_done, self.plan.idempotent, &err, jitter)
        {
            Decision::Stop => self.fail(err),
            Decision::RetryAfter(ms) => {
                // A retry starts over from the planned request.
                self.retries_done += 1;
                self.url.clone_from(&self.plan.url);
                self.method = self.plan.method;
                self.send_body = carries_body(self.method);
                self.redirects = 0;
                self.error = None;
                Step::Sleep(ms)
            }
        }
    }
}
