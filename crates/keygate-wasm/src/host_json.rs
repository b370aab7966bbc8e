//! The host's `JSON.parse` as the core's JSON reader (the `host-json` feature of `keygate`): the
//! JS host already has a JSON parser, so the core's own is not linked into the wasm (issue 19:
//! about 3.8 KB gzip). The rules that read the value (classification, `retryAfter`, JWT claims)
//! are the core's, unchanged; this only turns the parsed JS value into the core's [`Json`].
//!
//! Same documents accepted as the core's reader: the bytes must be UTF-8 (checked here, as the
//! core does; no byte-order mark is stripped, so one makes the text not JSON in both), `JSON.parse`
//! takes RFC 8259 JSON as the core does, nesting deeper than [`MAX_DEPTH`] is refused here, the last
//! of duplicate keys wins in both, and a lone surrogate becomes U+FFFD in both (when the string
//! crosses into Rust). Numbers are read exactly by `JSON.parse` (the core's reader: to about 15
//! significant digits).

use crate::surrogates::broken_pair;
use js_sys::{Array, Object, JSON};
use keygate::host_json::{set_host_reader, Json, MAX_DEPTH};
use wasm_bindgen::{JsCast, JsValue};

/// Registers [`read`] with the core (every entry point that can reach a JSON document calls this
/// first; registering again is a no-op).
pub(crate) fn install() {
    set_host_reader(read);
}

fn read(bytes: &[u8]) -> Option<Json> {
    let text = keygate::host_json::utf8(bytes)?;
    if broken_pair(bytes) {
        return None;
    }
    let v = JSON::parse(text).ok()?;
    value(&v, 0)
}

fn value(v: &JsValue, depth: usize) -> Option<Json> {
    if depth > MAX_DEPTH {
        return None;
    }
    if let Some(s) = v.as_string() {
        return Some(Json::Str(s));
    }
    if let Some(n) = v.as_f64() {
        return Some(Json::Num(n));
    }
    if let Some(b) = v.as_bool() {
        return Some(Json::Bool(b));
    }
    if v.is_null() {
        return Some(Json::Null);
    }
    // What JSON.parse made: plain arrays and objects, no getters or proxies.
    if Array::is_array(v) {
        let items: &Array = v.unchecked_ref();
        return items
            .iter()
            .map(|item| value(&item, depth + 1))
            .collect::<Option<Vec<_>>>()
            .map(Json::Arr);
    }
    let mut members = Vec::new();
    for entry in Object::entries(v.unchecked_ref()).iter() {
        let pair: Array = entry.unchecked_into();
        members.push((pair.get(0).as_string()?, value(&pair.get(1), depth + 1)?));
    }
    Some(Json::Obj(members))
}
