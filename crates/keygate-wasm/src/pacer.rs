//! The pacer's binding (issue 18): `WasmPacer` wraps the core's [`Pacer`] for one scope (the JS
//! side keeps one per scope: in a `Map` in pkg/src/pace.js, per Durable Object in
//! pkg/src/cloudflare.js), and `WasmExchange.paceScope` says which bucket (if any) an exchange
//! draws from. JS supplies the clock and the timers.
//!
//! Everything crosses as plain numbers and own properties: a policy is read with own-property
//! lookups (`limit`, `windowMs`, `burst`, `marginPermille`, `staleMs`), a time or a ticket must be
//! a whole number in JavaScript's exact range, and a bad input is a `ConfigError` descriptor,
//! never a panic. Answers are small JSON strings: `{"go":grant}`, `{"wait":ms,"ticket":t}` or
//! `{"gone":true}`.

use wasm_bindgen::prelude::*;

use keygate::{paced, Bucket, Error, ErrorCode, Grant, Pacer, Policy, RateLimit, Scope, Store};

use super::{absent, js_err, own, JsResult, WasmExchange};

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
/// staleMs?}`.
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
    Ok(Some(Policy {
        limit: limit as u32,
        window_ms,
        burst: burst.map(|b| b as u32),
        margin_permille: margin.map_or(SEED_MARGIN_PERMILLE, |m| m as u32),
        stale_ms: stale.unwrap_or(SEED_STALE_MS),
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
    /// burst?, marginPermille?, staleMs?}` (own properties, whole numbers).
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

/// FNV-1a (64 bits) of `bytes` from `seed`.
fn fnv(seed: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(seed, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[wasm_bindgen]
impl WasmExchange {
    /// The bucket this request draws from, or `null` when the provider does not count it
    /// (Postiz counts only `POST /posts`): `{key, policy}` with the documented seed as
    /// `{limit, windowMs, burst}` (`null`: the server's headers only). The key names the
    /// provider, then `identity` when given (an organization the caller names), else a
    /// non-secret fingerprint of the credential (never the credential itself).
    #[wasm_bindgen(js_name = paceScope)]
    pub fn pace_scope(&self, identity: Option<String>) -> JsValue {
        let c = &self.config;
        let base = c.base_url.as_string();
        let url = self.exchange.url();
        let rest = url.strip_prefix(base.as_str()).unwrap_or("");
        let path = rest.split(['?', '#']).next().unwrap_or("");
        if !paced(c.provider, self.exchange.method(), path) {
            return JsValue::NULL;
        }
        let identity = identity.unwrap_or_else(|| {
            let secret = c.credential.secret().expose().as_bytes();
            let a = fnv(0xcbf2_9ce4_8422_2325, secret);
            let b = fnv(a ^ 0x6b65_7967_6174_6521, secret);
            // 32 hex digits, by hand (`{:016x}` links core's padded hex formatting).
            let mut id = String::from("k");
            for h in [a, b] {
                for i in (0..16).rev() {
                    id.push(char::from(
                        b"0123456789abcdef"[(h >> (i * 4)) as usize & 15],
                    ));
                }
            }
            id
        });
        let hosted = base == c.provider.provider().base_url;
        let scope = Scope::new(c.provider, &identity, hosted);
        let o = js_sys::Object::new();
        super::set(&o, "key", scope.key.as_str());
        let policy = match scope.policy {
            None => JsValue::NULL,
            Some(p) => {
                let po = js_sys::Object::new();
                super::set(&po, "limit", p.limit);
                super::set(&po, "windowMs", p.window_ms as f64);
                super::set_opt(&po, "burst", p.burst);
                po.into()
            }
        };
        super::set(&o, "policy", policy);
        o.into()
    }
}
