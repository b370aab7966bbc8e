//! keygate-wasm: the wasm-bindgen edge of the `keygate` crate, built into the npm package.
//!
//! This crate is the only code that touches JavaScript, and the only one with a
//! `#[global_allocator]` and `#[wasm_bindgen]` exports: the core crate `keygate` stays a plain
//! rlib that any Rust program (wasm32 included) can depend on.
//!
//! Caller objects are read by the package's JS entry (own properties only, once; a getter or proxy
//! trap that throws is a `ConfigError` there) and cross as packed text (`packed.rs`: a client's
//! options, `buildHeaders`'s, a request spec), so no caller code runs while Rust state is borrowed
//! and no JS exception ever unwinds through wasm frames (where it would leave a `RefCell` or
//! wasm-bindgen's own borrow flag of a client set for good); every entry point returns a `Result`
//! (no panic can reach JS), and errors cross the boundary as small descriptor objects that the
//! package's JS entry turns into error classes.
//! The request loop is the core's sans-IO [`Exchange`]: the JS entry performs the fetches and
//! waits it asks for (JS supplies `fetch`, timers and body decoding) and reports each outcome
//! back; redirects, classification and retry decisions are all made here, in Rust.
#![cfg(target_arch = "wasm32")]
#![deny(missing_docs, missing_debug_implementations)]

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

use keygate::input::{validate_field, Field};
use keygate::{
    build_headers, classify_graphql, classify_mcp, detect, redact as redact_core, redact_header,
    Code, Config, CredentialKind, Error, ErrorCode, ErrorKind, Exchange, Failure, ProviderId,
    Refused, Response, Rotate, Rotation,
};

// The boundary tests, run in Node by wasm-bindgen-test-runner (`make test-wasm`).
#[cfg(test)]
#[path = "../tests/wasm_boundary.rs"]
mod wasm_boundary;

mod pacer;

// The crossing as packed text (issue 19): a client's options, buildHeaders's and a request spec
// in, each step's result out.
mod packed;

type JsResult<T> = Result<T, JsValue>;

// JSON documents are read by the host's JSON.parse (issue 19): registered by every entry point
// that can reach one (validation of a JWT, a client's classification), before anything else.
mod host_json;
mod surrogates;
// A redirect's Location is resolved by the host's URL (issue 19): registered by WasmClient::new.
mod host_url;

fn key(k: &str) -> JsValue {
    JsValue::from_str(k)
}

thread_local! {
    /// JS strings for the fixed property names, made once: creating a JS string from Rust means
    /// a UTF-8 decode on the JS side, which dominated descriptor writes before this cache.
    static NAMES: RefCell<Vec<(usize, JsValue)>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` with the cached JS string for the property name `k` (a literal). The cache's borrow
/// ends before `f` runs: `f` calls into JS.
fn with_name<R>(k: &'static str, f: impl FnOnce(&JsValue) -> R) -> R {
    let name = NAMES.with(|cache| {
        let id = k.as_ptr() as usize;
        let mut cache = cache.borrow_mut();
        match cache.iter().find(|(p, _)| *p == id) {
            Some((_, v)) => v.clone(),
            None => {
                let v = key(k);
                cache.push((id, v.clone()));
                v
            }
        }
    });
    f(&name)
}

fn set(o: &Object, k: &'static str, v: impl Into<JsValue>) {
    let v = v.into();
    with_name(k, |name| {
        let _ = Reflect::set(o, name, &v);
    });
}

fn set_opt<T: Into<JsValue>>(o: &Object, k: &'static str, v: Option<T>) {
    if let Some(v) = v {
        set(o, k, v);
    }
}

fn absent(v: &JsValue) -> bool {
    v.is_undefined() || v.is_null()
}

fn type_name(v: &JsValue) -> String {
    v.js_typeof()
        .as_string()
        .unwrap_or_else(|| "unknown".into())
}

/// The `ConfigError` for an option of the wrong type (one copy for every `opt` reader).
fn type_error(k: &str, what: &str, type_name: &str) -> Error {
    Error::config(
        ErrorCode::InvalidOption,
        [k, " must be a ", what, ", not ", type_name].concat(),
    )
}

/// The JS class for each kind of error (the package's `errors` exports).
fn class_name(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::KeyFormat => "KeyFormatError",
        ErrorKind::Config => "ConfigError",
        ErrorKind::BadRequest => "BadRequestError",
        ErrorKind::Authentication => "AuthenticationError",
        ErrorKind::PaymentRequired => "PaymentRequiredError",
        ErrorKind::Permission => "PermissionError",
        ErrorKind::NotFound => "NotFoundError",
        ErrorKind::Subscription => "SubscriptionError",
        ErrorKind::RateLimit => "RateLimitError",
        ErrorKind::Server => "ServerError",
        ErrorKind::Network => "NetworkError",
        ErrorKind::Timeout => "TimeoutError",
        ErrorKind::Abort => "AbortError",
        _ => "ApiError",
    }
}

/// `{ limit, remaining, resetAt }` (each a number or `null`; `resetAt` in Unix ms), or `null`.
fn rate_limit_js(rl: Option<keygate::RateLimit>) -> JsValue {
    let Some(rl) = rl else {
        return JsValue::NULL;
    };
    let o = Object::new();
    let num = |v: Option<u64>| v.map_or(JsValue::NULL, |v| JsValue::from(v as f64));
    set(&o, "limit", num(rl.limit));
    set(&o, "remaining", num(rl.remaining));
    set(&o, "resetAt", num(rl.reset_at));
    o.into()
}

/// The descriptor the JS entry turns into an error class.
fn describe_error(e: &Error) -> JsValue {
    let o = Object::new();
    set(&o, "name", class_name(e.kind));
    set(&o, "code", e.code.as_str());
    set(&o, "message", e.message.as_str());
    set_opt(&o, "provider", e.provider.map(|p| p.as_str()));
    set_opt(&o, "status", e.status.map(f64::from));
    set_opt(&o, "providerCode", e.provider_code.as_deref());
    set_opt(&o, "requestId", e.request_id.as_deref());
    set_opt(&o, "retryAfterMs", e.retry_after_ms.map(|v| v as f64));
    set(
        &o,
        "rateLimit",
        rate_limit_js(e.rate_limit.as_deref().copied()),
    );
    set(&o, "__keygate", true);
    o.into()
}

fn js_err(e: Error) -> JsValue {
    describe_error(&e)
}

/// A JS value as a [`Field`]: `Text` for a string, `Absent` for `undefined`/`null`, else `Other`
/// naming its type (`text` and `name` hold what the field borrows).
fn field<'a>(v: &JsValue, text: &'a mut String, name: &'a mut String) -> Field<'a> {
    if let Some(s) = v.as_string() {
        *text = s;
        Field::Text(text)
    } else if absent(v) {
        Field::Absent
    } else {
        *name = type_name(v);
        Field::Other(name)
    }
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

fn now_secs() -> Option<u64> {
    Some((now_ms() / 1000.0) as u64)
}

/// Field separator of the packed results (ASCII unit separator; never in keygate's messages, and
/// inputs are never echoed).
const SEP: char = '\u{1f}';

/// A validation packed into one string, so a call crosses the boundary once; the JS entry unpacks
/// it into `{ ok, provider, kind, code, message, redacted, env?, warnings }`.
fn packed_validation(
    provider: Option<ProviderId>,
    kind: CredentialKind,
    code: &str,
    message: &str,
    redacted: &str,
    env: Option<&str>,
    warnings: &[(&str, &str)],
) -> String {
    let mut out = String::with_capacity(64 + message.len());
    out.push(if code == Code::Ok.as_str() { '1' } else { '0' });
    for field in [
        provider.map(|p| p.as_str()).unwrap_or(""),
        kind.as_str(),
        code,
        message,
        redacted,
        env.unwrap_or(""),
    ] {
        out.push(SEP);
        out.push_str(field);
    }
    for (c, m) in warnings {
        out.push(SEP);
        out.push_str(c);
        out.push(SEP);
        out.push_str(m);
    }
    out
}

/// `validateKey(provider, key, kind = "api_key")`: never throws, never echoes the key.
#[wasm_bindgen(js_name = validateKey)]
pub fn validate_key(provider: JsValue, input: JsValue, kind: JsValue) -> String {
    host_json::install();
    let kind = if absent(&kind) {
        None
    } else {
        Some(kind.as_string().unwrap_or_default())
    };
    let (mut text, mut name) = (String::new(), String::new());
    let input = field(&input, &mut text, &mut name);
    let provider = provider.as_string().unwrap_or_default();
    match validate_field(&provider, kind.as_deref(), input, now_secs()) {
        Ok(v) => {
            let warnings: Vec<(&str, &str)> = v
                .warnings
                .iter()
                .map(|w| (w.code.as_str(), w.message.as_str()))
                .collect();
            packed_validation(
                Some(v.provider),
                v.kind,
                v.code.as_str(),
                &v.message,
                &v.redacted,
                v.env,
                &warnings,
            )
        }
        Err(r) => packed_validation(
            r.provider,
            r.kind,
            r.code.as_str(),
            &r.message,
            &r.redacted,
            None,
            &[],
        ),
    }
}

/// `detectProvider(key)`: the provider id for a recognised prefix, else `null`.
#[wasm_bindgen(js_name = detectProvider)]
pub fn detect_provider(input: JsValue) -> JsValue {
    input
        .as_string()
        .and_then(|s| detect(&s))
        .map(|(p, _)| JsValue::from_str(p.as_str()))
        .unwrap_or(JsValue::NULL)
}

/// `redact(key)`: prefix, `…` and the last 4 characters at most.
#[wasm_bindgen]
pub fn redact(input: JsValue) -> String {
    input
        .as_string()
        .map(|s| redact_core(&s))
        .unwrap_or_else(|| "…".into())
}

/// Bytes of wasm linear memory in use by this instance (for `make bench`'s memory figure).
#[wasm_bindgen(js_name = wasmMemoryBytes)]
pub fn wasm_memory_bytes() -> f64 {
    (core::arch::wasm32::memory_size(0) * 65536) as f64
}

/// Bytes of an error body the core reads (a longer one is classified by status alone): the JS
/// entry reads no more of a non-2xx body than this plus one.
#[wasm_bindgen(js_name = errorBodyLimit)]
pub fn error_body_limit() -> f64 {
    keygate::MAX_ERROR_BODY as f64
}

/// The response headers the exchange reads (packed): the JS entry passes only these.
#[wasm_bindgen(js_name = responseHeaders)]
pub fn response_headers() -> String {
    keygate::READ_HEADERS.join("\u{1f}")
}

/// Provider facts for the JS layer (`fromEnv`, docs, the CLI), as JSON text: one string to
/// `JSON.parse` at start-up instead of a hundred property writes across the boundary. The core
/// writes it from the provider descriptions.
#[wasm_bindgen(js_name = providerInfo)]
pub fn provider_info() -> String {
    keygate::providers_json()
}

/// `buildHeaders({ provider, apiKey | jwt | oauthToken, scheme?, workspaceId? })`: the options read
/// and packed by the JS entry (`packed.rs` `header_options`); the headers packed as
/// `name SEP value SEP name SEP value ...` for the JS entry to unpack.
#[wasm_bindgen(js_name = buildHeaders)]
pub fn build_headers_js(opts: &str) -> JsResult<String> {
    host_json::install();
    let run = || -> Result<String, Error> {
        let (cred, scheme, ws) = packed::header_options(opts)?;
        let mut out = String::new();
        for h in build_headers(&cred, scheme, ws.as_deref())? {
            if !out.is_empty() {
                out.push(SEP);
            }
            out.push_str(&h.name);
            out.push(SEP);
            out.push_str(h.value.as_str());
        }
        Ok(out)
    };
    run().map_err(js_err)
}

/// The display form of one header (`toJSON` / `inspect` of `buildHeaders` output, through
/// pkg/src/key-api.js, which reads the map): a credential redacted, a workspace id as is.
#[wasm_bindgen(js_name = redactHeader)]
pub fn redact_header_js(name: JsValue, value: JsValue) -> String {
    // Strings (the JS side passes only strings), taken as JS values as the other exports take them.
    let text = |v: JsValue| v.as_string().unwrap_or_default();
    redact_header(&text(name), &text(value))
}

/// A client: the credential stays in wasm memory.
#[wasm_bindgen]
pub struct WasmClient {
    config: Rc<Config>,
}

impl core::fmt::Debug for WasmClient {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "WasmClient({:?})", self.config.credential.secret())
    }
}

#[wasm_bindgen]
impl WasmClient {
    /// Builds a client from SPEC §4 options, read and packed by the JS entry (`packed.rs`
    /// `client_config`), their `timeoutMs`, `maxRetries` and `maxResponseBytes` numbers beside them
    /// (`0` when the packed options say not given); `browser_window` is detected by the JS entry.
    #[wasm_bindgen(constructor)]
    pub fn new(
        opts: &str,
        timeout_ms: f64,
        max_retries: f64,
        max_response_bytes: f64,
        browser_window: bool,
    ) -> JsResult<WasmClient> {
        host_json::install();
        host_url::install();
        packed::client_config(
            opts,
            [timeout_ms, max_retries, max_response_bytes],
            browser_window,
        )
        .map(|config| WasmClient {
            config: Rc::new(config),
        })
        .map_err(js_err)
    }

    /// Provider, base URL and the redacted credential: what `toString`/`toJSON`/`inspect` show.
    pub fn describe(&self) -> Object {
        let c = &self.config;
        let o = Object::new();
        set(&o, "provider", c.provider.as_str());
        set(&o, "baseUrl", c.base_url.as_string());
        set_opt(&o, "mcpUrl", c.mcp_url.as_ref().map(|m| m.as_string()));
        set(&o, "credential", c.credential.secret().redacted());
        set(&o, "kind", c.credential.kind().as_str());
        set_opt(&o, "workspaceId", c.workspace_id.as_deref());
        set(&o, "timeoutMs", c.timeout.as_millis() as f64);
        set(&o, "maxRetries", c.retry.max_retries);
        set(&o, "maxResponseBytes", c.max_response_bytes as f64);
        let warnings = Array::new();
        for w in &c.credential.validation().warnings {
            warnings.push(&key(w.code.as_str()));
        }
        set(&o, "warnings", warnings);
        o
    }

    /// The largest response body this client reads (`maxResponseBytes`).
    #[wasm_bindgen(js_name = maxResponseBytes)]
    pub fn max_response_bytes(&self) -> f64 {
        self.config.max_response_bytes as f64
    }

    /// The error in a GraphQL answer (`errors`), or `null`: the core's rule
    /// ([`keygate::classify_graphql`]).
    #[wasm_bindgen(js_name = graphqlError)]
    pub fn graphql_error(&self, status: u16, request_id: Option<String>, body: &str) -> JsValue {
        match classify_graphql(&self.config, status, request_id.as_deref(), body.as_bytes()) {
            Ok(()) => JsValue::NULL,
            Err(e) => describe_error(&e),
        }
    }

    /// The error inside a 2xx MCP answer (`body`: the JSON-RPC answer as JSON text), or `null`:
    /// the core's rule ([`keygate::classify_mcp`]) for JSON-RPC errors and Poesius credits.
    #[wasm_bindgen(js_name = mcpError)]
    pub fn mcp_error(&self, status: u16, request_id: Option<String>, body: &str) -> JsValue {
        match classify_mcp(&self.config, status, request_id.as_deref(), body.as_bytes()) {
            Ok(()) => JsValue::NULL,
            Err(e) => describe_error(&e),
        }
    }

    /// Starts a request (SPEC §4): checks and plans it, and returns the exchange the JS entry
    /// drives (it performs the fetches and waits the exchange asks for). `spec` is the request
    /// packed by the JS entry (`packed.rs`), its `timeoutMs` and `maxRetries` numbers beside it;
    /// the body stays in JS (the exchange says when to send it).
    pub fn start(
        &self,
        spec: &str,
        timeout_ms: Option<f64>,
        max_retries: Option<f64>,
    ) -> JsResult<WasmExchange> {
        let run = || -> Result<WasmExchange, Error> {
            let req = packed::request_spec(&self.config, spec, timeout_ms, max_retries)?;
            let exchange = Exchange::new(&self.config, &req)?;
            Ok(WasmExchange {
                config: Rc::clone(&self.config),
                exchange,
                last: None,
                rotation: Rotation::new(),
            })
        };
        run().map_err(js_err)
    }
}

/// One request in flight: the core's [`Exchange`].
///
/// Steps cross the boundary as one packed string (`packed::step_result`): `-1` fetch, `-2` done,
/// `-3` failed (read `error()`), `>= 0` wait that many milliseconds, then fetch; with the next
/// fetch, the rate limit and the request id in the same string.
#[wasm_bindgen]
pub struct WasmExchange {
    config: Rc<Config>,
    exchange: Exchange,
    /// The error `error()` described, kept for the rotation rule.
    last: Option<Error>,
    rotation: Rotation,
}

impl core::fmt::Debug for WasmExchange {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("WasmExchange")
    }
}

/// Headers packed as `name SEP value SEP ...` (what the JS entry sends and receives).
fn unpack_headers(packed: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut parts = packed.split(SEP);
    while let (Some(n), Some(v)) = (parts.next(), parts.next()) {
        out.push((n.to_string(), v.to_string()));
    }
    out
}

#[wasm_bindgen]
impl WasmExchange {
    /// The first fetch (`packed::first`): timeout, URL, method, whether to send the body, and
    /// the request headers, in one string.
    pub fn next(&self) -> String {
        packed::first(&self.exchange)
    }

    /// URL of the next fetch through the client's sanitiser (its credential removed in every
    /// form, other secret shapes too): what hooks and log lines show.
    #[wasm_bindgen(js_name = safeUrl)]
    pub fn safe_url(&self) -> String {
        self.config.sanitize_to(self.exchange.url(), 8192)
    }

    /// An attempt ended without a response: `how` is 0 aborted by the caller, 1 timed out,
    /// 2 network error (with the runtime's message and error code).
    pub fn failed(&mut self, how: u8, detail: Option<String>, cause: Option<String>) -> String {
        let failure = match how {
            0 => Failure::Aborted,
            1 => Failure::TimedOut,
            _ => Failure::Network {
                detail: detail.as_deref().unwrap_or("fetch failed"),
                cause: cause.as_deref(),
            },
        };
        let step = self
            .exchange
            .on_failure(&self.config, failure, js_sys::Math::random());
        packed::step_result(step, &self.exchange)
    }

    /// An attempt got a response: status, whether the runtime hid it (opaque redirect), the
    /// headers it reads (`responseHeaders()`) packed, and its body bytes: the JS entry passes them
    /// only when the core reads them (an error body within `errorBodyLimit()`), else none.
    pub fn response(&mut self, status: u16, opaque: bool, headers: &str, body: &[u8]) -> String {
        let headers = unpack_headers(headers);
        let response = Response {
            status,
            opaque,
            headers: &headers,
            body,
        };
        let step = self.exchange.on_response(
            &self.config,
            &response,
            Some(now_ms()),
            js_sys::Math::random(),
        );
        packed::step_result(step, &self.exchange)
    }

    /// The error descriptor after a failed step.
    pub fn error(&mut self) -> JsValue {
        let e = self.exchange.take_error().unwrap_or_else(|| {
            Error::new(ErrorKind::Api, "no error recorded").with_provider(self.config.provider)
        });
        let out = describe_error(&e);
        self.last = Some(e);
        out
    }

    /// After `error()`: whether the core's rotation rule wants a fresh credential value
    /// ([`Rotation::wants_fresh`]: a 401 that says the key is invalid or revoked, not yet rotated).
    #[wasm_bindgen(js_name = wantsFresh)]
    pub fn wants_fresh(&self) -> bool {
        self.last
            .as_ref()
            .is_some_and(|e| self.rotation.wants_fresh(e))
    }

    /// The core's [`Rotation::decide`] for the error `error()` described, the refused value and
    /// the fresh one (`undefined` when the credential function failed): 0 retry with `fresh`,
    /// 1 not rotatable, 2 already rotated, 3 the same value (or none).
    pub fn decide(&mut self, refused: &str, fresh: Option<String>) -> u8 {
        let Some(e) = self.last.as_ref() else {
            return 1;
        };
        match self.rotation.decide(e, refused, fresh.as_deref()) {
            Rotate::Retry => 0,
            Rotate::NotRotatable => 1,
            Rotate::AlreadyRotated => 2,
            Rotate::SameValue => 3,
        }
    }

    /// A response refused by the JS driver after the fetch: `what` 0 when it left the request's
    /// origin (the `fetch` followed a redirect itself: `redirected`, or `url` on another
    /// origin), 1 when its body is larger than the client's `maxResponseBytes`. Not retried.
    pub fn refuse(&mut self, what: u8, status: u16, headers: &str) -> JsValue {
        let why = if what == 0 {
            Refused::LeftOrigin
        } else {
            Refused::TooLarge
        };
        let e = self
            .exchange
            .refuse(&self.config, why, status, &unpack_headers(headers));
        describe_error(&e)
    }

    /// The error for a 2xx whose body is not the JSON its content type announced.
    #[wasm_bindgen(js_name = invalidJson)]
    pub fn invalid_json(&self) -> JsValue {
        describe_error(&self.exchange.invalid_json(&self.config))
    }
}

// A small free-list allocator instead of the default dlmalloc (about 3 KB less gzip). Adjacent
// free blocks are coalesced, so steady use stays flat (checked by `make bench`'s memory figure).
// SAFETY: the wasm instance is single-threaded (no shared memory, no threads feature).
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };
