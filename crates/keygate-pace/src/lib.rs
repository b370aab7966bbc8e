//! keygate-pace: the pacer-only wasm behind the npm package's `keygate/pace` entry and
//! keygate/cloudflare's `KeygatePacer` Durable Object (issue 18; its own wasm since issue 19, so a
//! client that never paces does not carry it). `WasmPacer` wraps the core's [`Pacer`] for one scope
//! (the JS side keeps one per scope: in a `Map` in pkg/src/pace-core.js, per Durable Object in
//! pkg/src/cloudflare.js). JS supplies the clock and the timers. Which bucket an exchange draws
//! from (`WasmExchange.paceScope`, it needs the credential) stays in the client's wasm.
//!
//! Everything crosses as plain numbers and own properties: a policy is read with own-property
//! lookups (`limit`, `windowMs`, `burst`, `marginPermille`, `staleMs`, and `ceiling`, which
//! pkg/src/pace-core.js sets to the limit of a policy the user chose), a time or a ticket must be
//! a whole number in JavaScript's exact range, and a bad input is a `ConfigError` descriptor,
//! never a panic. Answers are small JSON strings: `{"go":grant}`, `{"wait":ms,"ticket":t}` or
//! `{"gone":true}`.
#![cfg(target_arch = "wasm32")]
#![deny(missing_docs, missing_debug_implementations)]

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

use keygate::{Bucket, Error, ErrorCode, Grant, Pacer, Policy, RateLimit, Scope, Store};

type JsResult<T> = Result<T, JsValue>;

#[wasm_bindgen]
extern "C" {
    // `Object.hasOwn` as a `catch` import: a throwing proxy trap comes back as an `Err`.
    #[wasm_bindgen(catch, js_namespace = Object, js_name = hasOwn)]
    fn try_has_own(o: &JsValue, k: &JsValue) -> Result<bool, JsValue>;
}

fn absent(v: &JsValue) -> bool {
    v.is_undefined() || v.is_null()
}

/// A `ConfigError` descriptor (`{__keygate, name, code, message}`), as keygate-wasm makes them.
fn js_err(e: Error) -> JsValue {
    let o = Object::new();
    let set = |k: &str, v: JsValue| {
        let _ = Reflect::set(&o, &JsValue::from_str(k), &v);
    };
    set("name", JsValue::from_str("ConfigError"));
    set("code", JsValue::from_str(e.code.as_str()));
    set("message", JsValue::from_str(e.message.as_str()));
    set("__keygate", JsValue::TRUE);
    o.into()
}

/// Reads an own property: anything inherited is `undefined`; a getter or proxy trap that throws is
/// a `ConfigError`.
fn own(o: &JsValue, k: &'static str) -> Result<JsValue, Error> {
    let unreadable = || {
        Error::config(
            ErrorCode::InvalidOption,
            format!("{k} could not be read (a getter or proxy trap threw)"),
        )
    };
    if !o.is_object() && !o.is_function() {
        return Ok(JsValue::UNDEFINED);
    }
    let name = JsValue::from_str(k);
    match try_has_own(o, &name) {
        Ok(true) => Reflect::get(o, &name).map_err(|_| unreadable()),
        Ok(false) => Ok(JsValue::UNDEFINED),
        Err(_) => Err(unreadable()),
    }
}

// The core's `pace::MAX_LIMIT`, `SEED_MARGIN_PERMILLE` and `SEED_STALE_MS` (not re-exported).
const MAX_LIMIT: u32 = 100_000;
const SEED_MARGIN_PERMILLE: u32 = 10;
const SEED_STALE_MS: u64 = 5_000;

/// The largest whole number JavaScript represents exactly.
const MAX_EXACT: f64 = 9_007_199_254_740_991.0;

fn bad(what: &str, rule: &str) -> JsValue {
    js_err(Error::config(
        ErrorCode::InvalidOption,
        format!("pacer: {what} must be {rule}"),
    ))
}

/// A whole number in `min..=max` (a time, a ticket, a count).
fn whole(v: f64, what: &str, min: f64, max: f64) -> JsResult<u64> {
    if v.is_finite() && v.fract() == 0.0 && v >= min && v <= max {
        Ok(v as u64)
    } else {
        Err(bad(what, "a whole number in range"))
    }
}

/// An optional own number property of the policy object.
fn field(o: &JsValue, k: &'static str, min: f64, max: f64) -> JsResult<Option<u64>> {
    let v = own(o, k).map_err(js_err)?;
    if absent(&v) {
        return Ok(None);
    }
    let n = v.as_f64().ok_or_else(|| bad(k, "a number"))?;
    whole(n, k, min, max).map(Some)
}

/// `null`/`undefined` (the server's headers only) or `{limit, windowMs, burst?, marginPermille?,
/// staleMs?, ceiling?}` (`ceiling`: the most the server's `X-RateLimit-Limit` may raise the limit
/// to, for a limit the user chose; absent for a documented seed).
fn policy_from(v: &JsValue) -> JsResult<Option<Policy>> {
    if absent(v) {
        return Ok(None);
    }
    if !v.is_object() {
        return Err(bad("policy", "an object or null"));
    }
    let limit = field(v, "limit", 1.0, f64::from(MAX_LIMIT))?.ok_or_else(|| bad("limit", "set"))?;
    let window_ms = field(v, "windowMs", 1.0, MAX_EXACT)?.ok_or_else(|| bad("windowMs", "set"))?;
    let burst = field(v, "burst", 1.0, limit as f64)?;
    let margin = field(v, "marginPermille", 0.0, 1000.0)?;
    let stale = field(v, "staleMs", 0.0, 86_400_000.0)?;
    let ceiling = field(v, "ceiling", 1.0, f64::from(MAX_LIMIT))?.map(|c| c as u32);
    Ok(Some(Policy {
        limit: limit as u32,
        window_ms,
        burst: burst.map(|b| b as u32),
        margin_permille: margin.map_or(SEED_MARGIN_PERMILLE, |m| m as u32),
        stale_ms: stale.unwrap_or(SEED_STALE_MS),
        ceiling,
    }))
}

fn answer(g: Grant) -> String {
    match g {
        Grant::Go { grant } => format!("{{\"go\":{grant}}}"),
        Grant::Wait { ticket, ms } => format!("{{\"wait\":{ms},\"ticket\":{ticket}}}"),
        Grant::Gone => "{\"gone\":true}".to_string(),
    }
}

/// An optional header figure: `null`/`undefined` or a whole number (a fraction is truncated).
fn figure(v: Option<f64>, what: &str) -> JsResult<Option<u64>> {
    match v {
        None => Ok(None),
        Some(n) if n.is_finite() && n >= 0.0 => Ok(Some(n.min(MAX_EXACT) as u64)),
        Some(_) => Err(bad(what, "a non-negative number or null")),
    }
}

/// The store of one [`WasmPacer`]: a single bucket (the JS side keeps one pacer per scope, in a
/// `Map` or as one Durable Object), so no map type is linked into the wasm.
#[derive(Debug, Default)]
struct One(Option<Bucket>);

impl Store for One {
    fn get(&self, _key: &str) -> Option<Bucket> {
        self.0.clone()
    }

    fn put(&mut self, _key: &str, bucket: Bucket) {
        self.0 = Some(bucket);
    }
}

/// The core's pacer for one scope (its bucket seeded with the policy given at construction).
#[wasm_bindgen]
#[derive(Debug)]
pub struct WasmPacer {
    inner: Pacer<One>,
    scope: Scope,
}

#[wasm_bindgen]
impl WasmPacer {
    /// A pacer seeded with `policy`: `null` (the server's headers only) or `{limit, windowMs,
    /// burst?, marginPermille?, staleMs?, ceiling?}` (own properties, whole numbers).
    #[wasm_bindgen(constructor)]
    pub fn new(policy: JsValue) -> JsResult<WasmPacer> {
        Ok(WasmPacer {
            inner: Pacer::with_store(One::default()),
            scope: Scope::custom("", policy_from(&policy)?),
        })
    }

    /// A pacer whose bucket is `saved` (a `save()` text); a text that does not decode is a
    /// `ConfigError` (the caller starts afresh with `new WasmPacer(policy)`).
    pub fn restore(policy: JsValue, saved: &str) -> JsResult<WasmPacer> {
        let bucket = Bucket::decode(saved).ok_or_else(|| bad("saved bucket", "a save() text"))?;
        Ok(WasmPacer {
            inner: Pacer::with_store(One(Some(bucket))),
            scope: Scope::custom("", policy_from(&policy)?),
        })
    }

    /// The bucket as text, for a store that keeps strings (a Durable Object's `state.storage`).
    pub fn save(&self) -> String {
        self.inner
            .store()
            .0
            .as_ref()
            .map_or_else(|| Bucket::new(self.scope.policy).encode(), Bucket::encode)
    }

    /// Asks to send one request now: `{"go":grant}` or `{"wait":ms,"ticket":t}`.
    pub fn acquire(&mut self, now: f64) -> JsResult<String> {
        let now = whole(now, "now", 0.0, MAX_EXACT)?;
        Ok(answer(self.inner.acquire(&self.scope, now)))
    }

    /// Asks again for a waiting ticket: also `{"gone":true}` for a ticket no longer queued.
    pub fn poll(&mut self, ticket: f64, now: f64) -> JsResult<String> {
        let ticket = whole(ticket, "ticket", 0.0, MAX_EXACT)?;
        let now = whole(now, "now", 0.0, MAX_EXACT)?;
        Ok(answer(self.inner.poll(&self.scope, ticket, now)))
    }

    /// Removes a waiting ticket (the caller gave up); whether it was queued.
    pub fn cancel(&mut self, ticket: f64) -> JsResult<bool> {
        let ticket = whole(ticket, "ticket", 0.0, MAX_EXACT)?;
        Ok(self.inner.cancel(&self.scope, ticket))
    }

    /// A granted request's answer with its rate-limit figures (each a number or `null`;
    /// `resetAt` in Unix ms).
    pub fn observe(
        &mut self,
        grant: f64,
        limit: Option<f64>,
        remaining: Option<f64>,
        reset_at: Option<f64>,
        now: f64,
    ) -> JsResult<()> {
        let grant = whole(grant, "grant", 0.0, MAX_EXACT)?;
        let now = whole(now, "now", 0.0, MAX_EXACT)?;
        let rl = RateLimit {
            limit: figure(limit, "limit")?,
            remaining: figure(remaining, "remaining")?,
            reset_at: figure(reset_at, "resetAt")?,
        };
        let any = rl.limit.is_some() || rl.remaining.is_some() || rl.reset_at.is_some();
        self.inner
            .observe(&self.scope, grant, any.then_some(&rl), now);
        Ok(())
    }

    /// A granted request was refused with a 429 (`retryAfterMs`: a number or `null`).
    #[wasm_bindgen(js_name = observe429)]
    pub fn observe_429(&mut self, retry_after_ms: Option<f64>, now: f64) -> JsResult<()> {
        let now = whole(now, "now", 0.0, MAX_EXACT)?;
        let wait = figure(retry_after_ms, "retryAfterMs")?;
        self.inner.observe_429(&self.scope, wait, now);
        Ok(())
    }
}

// The same allocator as keygate-wasm and keygate-validate (small; frees are coalesced).
// SAFETY: the wasm instance is single-threaded (no shared memory, no threads feature).
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };
