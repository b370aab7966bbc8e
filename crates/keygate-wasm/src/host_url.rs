//! The host's `URL` as the core's redirect resolver (the `host-url` feature of `keygate`): the JS
//! host already has the WHATWG URL parser its `fetch` uses, so the core's own is not linked into
//! the wasm (issue 19). Only the resolution is the host's: the refusals (an empty or
//! non-visible-ASCII `Location`, user info) and the same-origin rule are the core's
//! (`keygate::__internals::same_origin_redirect`). tests/wasm_boundary.rs holds the oracle table
//! comparing the host's results with the core's own parser.

use keygate::host_url::set_host_resolver;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = URL)]
    type Url;
    // Both `catch`: an invalid URL throws, and a patched `URL` may throw anything.
    #[wasm_bindgen(catch, constructor, js_class = URL)]
    fn new(input: &str, base: &str) -> Result<Url, JsValue>;
    #[wasm_bindgen(catch, method, getter)]
    fn href(this: &Url) -> Result<JsValue, JsValue>;
}

/// Registers [`resolve`] with the core (before a client's first exchange; again is a no-op).
pub(crate) fn install() {
    set_host_resolver(resolve);
}

/// `new URL(input, base).href`, `None` where that throws or is not a string.
fn resolve(input: &str, base: &str) -> Option<String> {
    Url::new(input, base).ok()?.href().ok()?.as_string()
}
