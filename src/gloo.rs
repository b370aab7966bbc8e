//! `gloo` feature (wasm32 only): [`Gloo`], a [`Transport`] on gloo-net's fetch, for Rust front
//! ends (Leptos, Yew, Dioxus), Web Workers, Node 20+ and Cloudflare Workers (workerd) with one
//! build.
//!
//! - **The global `fetch`**: gloo-net binds `fetch` on the global object (not `window`), and the
//!   timers here are gloo-timers' global `setTimeout`, so nothing assumes a page: the same
//!   `.wasm` runs in a Web Worker, in Node and in workerd.
//! - **No runtime**: waits (retry back-off, the attempt's timer) are `setTimeout` promises; the
//!   clock is `Date.now()` and the jitter `Math.random()`, as in the npm package.
//! - **One `AbortController` per attempt**: when the [`Client`]'s timer ends an attempt (or the
//!   caller drops the request's future) the fetch and its body read are aborted.
//! - **`redirect: "manual"`**: the transport never follows a redirect; the [`Client`] follows
//!   same-origin ones (where the runtime shows them: browsers hide a redirect behind an
//!   `opaqueredirect` answer, which the core refuses) and refuses the rest.
//!
//! ```no_run
//! # async fn run() -> Result<(), keygate::Error> {
//! use keygate::{Client, Config, Credential, CredentialKind, Options, ProviderId, RequestSpec};
//!
//! let key = Credential::new(ProviderId::Poelis, CredentialKind::ApiKey, "poelis_api_...")?;
//! // In a page a secret API key is refused (as in the npm package); workers and servers are fine.
//! let options = Options { browser_window: keygate::gloo::in_browser_window(), ..Default::default() };
//! let client = Client::with_gloo(Config::new(key, options)?);
//! let get = RequestSpec { method: "GET".into(), path: "/workspaces".into(), ..Default::default() };
//! let answer = client.request(get).await?;
//! assert_eq!(answer.status, 200);
//! # Ok(()) }
//! ```
//!
//! With `serde` on, the typed helpers work here too (`client.list_workspaces().await?`, see
//! `keygate::helpers`).

use core::time::Duration;

use gloo_net::http::{Headers, Method, RequestBuilder};
use js_sys::{Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, ReadableStreamDefaultReader, RequestRedirect, ResponseType};

use crate::client::{Client, Incoming, Outgoing, SendError, Transport};
use crate::plan::Config;

#[wasm_bindgen]
extern "C" {
    // The global `fetch` with a `catch`, so a synchronous throw and a rejection both come back as
    // errors whose `cause.code` (Node's `ECONNREFUSED`...) is kept. gloo-net binds the same
    // global; its `send` would reduce the error to a name and a message.
    #[wasm_bindgen(js_name = fetch, catch)]
    fn global_fetch(request: &web_sys::Request) -> Result<Promise, JsValue>;
}

/// The wasm transport: gloo-net requests on the global `fetch`, gloo-timers waits. Holds no
/// state; clone it freely. Its futures are not `Send` (JS promises), which wasm does not need.
#[derive(Clone, Copy, Debug, Default)]
pub struct Gloo;

impl Gloo {
    /// The transport.
    pub fn new() -> Gloo {
        Gloo
    }
}

impl Client<Gloo> {
    /// A client for `config` on the [`Gloo`] transport.
    pub fn with_gloo(config: Config) -> Client<Gloo> {
        Client::new(config, Gloo)
    }
}

/// Aborts the attempt's fetch (and its body read) unless the attempt finished: dropped when the
/// client's timer wins the race, or when the caller drops the request.
struct AbortOnDrop {
    controller: Option<AbortController>,
}

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(c) = self.controller.take() {
            c.abort();
        }
    }
}

/// Whether this code runs in a browser window (a page, not a worker, not Node or workerd), tested
/// as the npm package does: `window.document` and `navigator` exist, and the user agent is not
/// workerd's. Pass it as [`crate::Options::browser_window`] so that a secret API key is refused
/// in a page (anyone who opens it could read the key), as the JS client refuses it.
pub fn in_browser_window() -> bool {
    let global = js_sys::global();
    let has = |v: &JsValue, key: &str| {
        Reflect::get(v, &key.into())
            .ok()
            .filter(|x| !x.is_undefined())
    };
    has(&global, "window")
        .and_then(|w| has(&w, "document"))
        .is_some()
        && has(&global, "navigator").is_some()
        && !in_workerd()
}

/// `navigator.userAgent === "Cloudflare-Workers"`, as the npm package tests it.
fn in_workerd() -> bool {
    let global = js_sys::global();
    Reflect::get(&global, &"navigator".into())
        .ok()
        .filter(|n| n.is_object())
        .and_then(|n| Reflect::get(&n, &"userAgent".into()).ok())
        .and_then(|ua| ua.as_string())
        .is_some_and(|ua| ua == "Cloudflare-Workers")
}

/// A rejected fetch or read as a network error: the error's message and `cause.code`.
fn network(e: JsValue) -> SendError {
    let text = |v: &JsValue, key: &str| {
        Reflect::get(v, &key.into())
            .ok()
            .and_then(|s| s.as_string())
    };
    let message = text(&e, "message")
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "fetch failed".into());
    let cause = Reflect::get(&e, &"cause".into())
        .ok()
        .filter(|c| c.is_object())
        .and_then(|c| text(&c, "code"));
    SendError::Network { message, cause }
}

fn bad(what: &str) -> SendError {
    SendError::Network {
        message: format!("keygate could not build the request: {what}"),
        cause: None,
    }
}

/// Reads the body chunk by chunk up to `limit` (the reader cancelled past it); `None` when over.
async fn read_capped(resp: &web_sys::Response, limit: u64) -> Result<Option<Vec<u8>>, SendError> {
    let Some(stream) = resp.body() else {
        return Ok(Some(Vec::new()));
    };
    let reader: ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    // A body that errors (or is aborted) rejects `closed` as well: observe it, or Node reports an
    // unhandled rejection. A JsFuture's callbacks stay valid after it is dropped.
    drop(JsFuture::from(reader.closed()));
    let mut body = Vec::new();
    loop {
        let step = JsFuture::from(reader.read()).await.map_err(network)?;
        let done = Reflect::get(&step, &"done".into())
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true);
        if done {
            return Ok(Some(body));
        }
        let value = Reflect::get(&step, &"value".into()).map_err(network)?;
        let Some(chunk) = value.dyn_ref::<Uint8Array>() else {
            return Err(SendError::Network {
                message: "the response body stream gave a chunk that is not bytes".into(),
                cause: None,
            });
        };
        if body.len() as u64 + chunk.length() as u64 > limit {
            let _ = reader.cancel();
            return Ok(None);
        }
        let at = body.len();
        body.resize(at + chunk.length() as usize, 0);
        chunk.copy_to(&mut body[at..]);
    }
}

impl Transport for Gloo {
    async fn send(&self, r: Outgoing<'_>) -> Result<Incoming, SendError> {
        let method = Method::from_bytes(r.method.as_bytes()).map_err(|_| bad("method"))?;
        let headers = web_sys::Headers::new().map_err(|_| bad("headers"))?;
        for h in r.headers {
            headers
                .append(&h.name, h.value.as_str())
                .map_err(|_| bad("a header"))?;
        }
        let controller = AbortController::new().map_err(|_| bad("AbortController"))?;
        let signal = controller.signal();
        let mut abort = AbortOnDrop {
            controller: Some(controller),
        };
        let builder = RequestBuilder::new(r.url)
            .method(method)
            .headers(Headers::from_raw(headers))
            .redirect(RequestRedirect::Manual)
            .abort_signal(Some(&signal));
        let request = match r.body {
            Some(body) => builder.body(Uint8Array::from(body)),
            None => builder.build(),
        }
        .map_err(|_| bad("the request"))?;
        let request: web_sys::Request = request.into();

        let promise = global_fetch(&request).map_err(network)?;
        let resp: web_sys::Response = JsFuture::from(promise)
            .await
            .map_err(network)?
            .dyn_into()
            .map_err(|_| bad("fetch gave no Response"))?;
        let status = resp.status();
        let mut got = Incoming {
            status,
            opaque: resp.type_() == ResponseType::Opaqueredirect
                || (status == 0 && resp.type_() != ResponseType::Error),
            redirected: resp.redirected(),
            url: Some(resp.url()),
            headers: gloo_net::http::Headers::from_raw(resp.headers())
                .entries()
                .collect(),
            ..Default::default()
        };
        if got.redirected || got.opaque {
            return Ok(got);
        }
        let limit = r.body_limit(status);
        let announced = got
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.trim().parse::<u64>().ok());
        if announced.is_some_and(|n| n > limit) {
            got.over_limit = true;
            return Ok(got);
        }
        let body = if in_workerd() {
            // workerd: arrayBuffer(), the cap checked after the read (as the npm package does: a
            // JS reader on a fetch body there reports an abort as an unhandled rejection).
            let buf = JsFuture::from(resp.array_buffer().map_err(network)?)
                .await
                .map_err(network)?;
            let bytes = Uint8Array::new(&buf).to_vec();
            (bytes.len() as u64 <= limit).then_some(bytes)
        } else {
            read_capped(&resp, limit).await?
        };
        // Finished: nothing left to abort.
        abort.controller = None;
        match body {
            Some(b) => got.body = b,
            None => got.over_limit = true,
        }
        Ok(got)
    }

    async fn sleep(&self, duration: Duration) {
        // setTimeout takes at most 2^31 - 1 ms; the core's waits are far below it.
        let ms = duration.as_millis().min(i32::MAX as u128) as u32;
        gloo_timers::future::TimeoutFuture::new(ms).await
    }

    fn now_ms(&self) -> Option<f64> {
        Some(js_sys::Date::now())
    }

    fn jitter(&self) -> f64 {
        js_sys::Math::random()
    }
}
