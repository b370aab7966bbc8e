//! Which bucket an exchange draws from (issue 18): `WasmExchange.paceScope` (it needs the
//! credential, so it stays in the client's wasm). The pacer itself (`WasmPacer`, the core's
//! `Pacer`) is its own wasm, crates/keygate-pace, loaded by `keygate/pace` and keygate/cloudflare
//! only (issue 19: a client that never paces does not carry it).

use wasm_bindgen::prelude::*;

use keygate::{paced, Scope};

use super::WasmExchange;

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
