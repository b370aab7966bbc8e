//! keygate-validate: the validation-only wasm behind the npm package's `keygate/validate` entry.
//!
//! Four exports (`validateKey`, `detectProvider`, `redact`, `buildHeaders`, plus `redactHeader`
//! for the display of `buildHeaders` results) and nothing of the client: no request loop, no
//! classifier, no JSON parser (JWT claims go through the host's `JSON.parse`), no URL parser, so the linker keeps only the key rules and the header
//! builder of the core. Every result is the core's own (the same functions keygate-wasm calls),
//! packed into one string per call; the JS entry (pkg/src/validate-core.js) unpacks it.
//!
//! Inputs: the JS entry reads the caller's options into a null-prototype object before calling
//! in, so this side only reads plain data properties (no getter or proxy trap can run here). No
//! export panics (each returns a string), so no JS exception or panic crosses the boundary.
#![cfg(target_arch = "wasm32")]
#![deny(missing_docs, missing_debug_implementations)]

use wasm_bindgen::prelude::*;

use keygate::host_json::{set_host_reader, Json, MAX_DEPTH};
use keygate::input::{provider_named, scheme_named, validate_field, CredentialFields, Field};
use keygate::{
    build_headers, detect, redact as redact_core, redact_header, Code, CredentialKind, Error,
    ErrorKind, ProviderId,
};

// JWT claims are read by the host's JSON.parse; `broken_pair` is keygate-wasm's (the same file),
// the rest of that reader (the whole document turned into the core's `Json`) is not linked here.
#[path = "../../keygate-wasm/src/host_json.rs"]
#[allow(dead_code)]
mod host_json;

// The four host functions this wasm calls, declared here rather than taken from js-sys: a js-sys
// type brings the closure adapters of its other methods' signatures into the function table
// (JSON.parse's reviver, Array's callbacks), which no optimiser can then drop.
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = JSON, js_name = parse)]
    fn json_parse(text: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = Array, js_name = isArray)]
    fn is_array(v: &JsValue) -> bool;
    #[wasm_bindgen(catch, js_namespace = Reflect, js_name = get)]
    fn reflect_get(o: &JsValue, k: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = Date, js_name = now)]
    fn date_now() -> f64;
}

/// The one JSON document this wasm reads is a JWT segment, and the core reads only two facts of it
/// (`keygate::jwt::decode`): whether it is an object, and its `exp` if that is a number. So the
/// host's `JSON.parse` result is not copied member by member into the core's `Json` (keygate-wasm's
/// reader, about 1.3 KB of wasm): the reader gives an object with just `exp`, or `null` for any
/// other JSON value. What is accepted is the same as the full package's reader: UTF-8 only, the
/// same surrogate-pair rule, nothing nested deeper than [`MAX_DEPTH`] (checked by [`too_deep`]),
/// the last of duplicate keys (`JSON.parse`'s rule). tests/js/json-reader.test.mjs holds both
/// packages to the results the core's own parser gave.
fn read_claims(bytes: &[u8]) -> Option<Json> {
    let text = keygate::host_json::utf8(bytes)?;
    if host_json::broken_pair(bytes) || too_deep(bytes) {
        return None;
    }
    let v = json_parse(text).ok()?;
    if !v.is_object() || is_array(&v) {
        return Some(Json::Null);
    }
    let exp = reflect_get(&v, &JsValue::from_str("exp")).ok()?;
    Some(Json::Obj(match exp.as_f64() {
        Some(n) => vec![("exp".into(), Json::Num(n))],
        None => Vec::new(),
    }))
}

/// Whether a value of this (well-formed) document sits inside more than [`MAX_DEPTH`] arrays and
/// objects: the core's reader refuses such a document, `JSON.parse` does not. Every key is followed
/// by its value at the same depth, so the first byte of any token but `]`, `}`, `,` and `:` counts.
fn too_deep(s: &[u8]) -> bool {
    let (mut open, mut in_str, mut esc) = (0usize, false, false);
    for &c in s {
        if in_str {
            match (esc, c) {
                (true, _) => esc = false,
                (false, b'\\') => esc = true,
                (false, b'"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            b']' | b'}' => open = open.saturating_sub(1),
            b',' | b':' | b' ' | b'\t' | b'\n' | b'\r' => {}
            _ if open > MAX_DEPTH => return true,
            b'[' | b'{' => open += 1,
            b'"' => in_str = true,
            _ => {}
        }
    }
    false
}

fn install_claims_reader() {
    set_host_reader(read_claims);
}

/// Field separator of the packed results (ASCII unit separator; never in keygate's messages, and
/// inputs are never echoed).
const SEP: char = '\u{1f}';
/// First character of a packed error (ASCII record separator).
const ERR: char = '\u{1e}';

fn absent(v: &JsValue) -> bool {
    v.is_undefined() || v.is_null()
}

fn type_name(v: &JsValue) -> String {
    v.js_typeof()
        .as_string()
        .unwrap_or_else(|| "unknown".into())
}

/// A JS value as a [`Field`], as keygate-wasm reads it.
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

fn now_secs() -> Option<u64> {
    Some((date_now() / 1000.0) as u64)
}

fn push_fields(out: &mut String, fields: &[&str]) {
    for f in fields {
        out.push(SEP);
        out.push_str(f);
    }
}

/// `validateKey(provider, key, kind)`, packed as
/// `ok SEP provider SEP kind SEP code SEP message SEP redacted SEP env (SEP code SEP message)*`.
#[wasm_bindgen(js_name = validateKey)]
pub fn validate_key(provider: JsValue, input: JsValue, kind: JsValue) -> String {
    install_claims_reader();
    let kind = if absent(&kind) {
        None
    } else {
        Some(kind.as_string().unwrap_or_default())
    };
    let (mut text, mut name) = (String::new(), String::new());
    let input = field(&input, &mut text, &mut name);
    let provider = provider.as_string().unwrap_or_default();
    let mut out = String::new();
    let (p, k, code, message, redacted, env): (Option<ProviderId>, CredentialKind, _, _, _, _);
    let v = validate_field(&provider, kind.as_deref(), input, now_secs());
    match &v {
        Ok(v) => {
            (p, k, code, message, redacted, env) = (
                Some(v.provider),
                v.kind,
                v.code.as_str(),
                &v.message,
                &v.redacted,
                v.env,
            )
        }
        Err(r) => {
            (p, k, code, message, redacted, env) = (
                r.provider,
                r.kind,
                r.code.as_str(),
                &r.message,
                &r.redacted,
                None,
            )
        }
    }
    out.push(if code == Code::Ok.as_str() { '1' } else { '0' });
    push_fields(
        &mut out,
        &[
            p.map(|p| p.as_str()).unwrap_or(""),
            k.as_str(),
            code,
            message,
            redacted,
            env.unwrap_or(""),
        ],
    );
    if let Ok(v) = &v {
        for w in &v.warnings {
            push_fields(&mut out, &[w.code.as_str(), w.message.as_str()]);
        }
    }
    out
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

/// The JS class for the kinds `buildHeaders` can fail with.
fn class_name(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::KeyFormat => "KeyFormatError",
        ErrorKind::Config => "ConfigError",
        _ => "ApiError",
    }
}

fn packed_error(e: &Error) -> String {
    let mut out = String::new();
    out.push(ERR);
    out.push_str(class_name(e.kind));
    push_fields(
        &mut out,
        &[
            e.code.as_str(),
            e.message.as_str(),
            e.provider.map(|p| p.as_str()).unwrap_or(""),
        ],
    );
    out
}

/// A plain data property of the null-prototype options object the JS entry made.
fn get(o: &JsValue, k: &str) -> JsValue {
    reflect_get(o, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED)
}

/// `buildHeaders({ provider, apiKey | jwt | oauthToken, scheme?, workspaceId? })`, packed as
/// `name SEP value SEP ...`, or an error as `ERR class SEP code SEP message SEP provider`.
#[wasm_bindgen(js_name = buildHeaders)]
pub fn build_headers_js(opts: JsValue) -> String {
    install_claims_reader();
    let run = || -> Result<String, Error> {
        let provider = provider_named(&get(&opts, "provider").as_string().unwrap_or_default())?;
        let (a, j, o) = (
            get(&opts, "apiKey"),
            get(&opts, "jwt"),
            get(&opts, "oauthToken"),
        );
        let mut bufs: [(String, String); 3] = Default::default();
        let [ba, bj, bo] = &mut bufs;
        let cred = CredentialFields {
            api_key: field(&a, &mut ba.0, &mut ba.1),
            jwt: field(&j, &mut bj.0, &mut bj.1),
            oauth_token: field(&o, &mut bo.0, &mut bo.1),
        }
        .credential(provider, now_secs())?;
        let text = |k: &'static str| -> Result<Option<String>, Error> {
            let v = get(&opts, k);
            if absent(&v) {
                return Ok(None);
            }
            v.as_string().map(Some).ok_or_else(|| {
                Error::config(
                    keygate::ErrorCode::InvalidOption,
                    [&*k, " must be a string, not ", &*type_name(&v)].concat(),
                )
                .with_provider(provider)
            })
        };
        let scheme =
            scheme_named(text("scheme")?.as_deref()).map_err(|e| e.with_provider(provider))?;
        let ws = text("workspaceId")?;
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
    run().unwrap_or_else(|e| packed_error(&e))
}

/// The display form of one header (`toJSON` / `inspect` of `buildHeaders` output, through
/// pkg/src/key-api.js, which reads the map): a credential redacted, a workspace id as is.
#[wasm_bindgen(js_name = redactHeader)]
pub fn redact_header_js(name: JsValue, value: JsValue) -> String {
    // Strings (the JS side passes only strings), taken as JS values as the other exports take them.
    let text = |v: JsValue| v.as_string().unwrap_or_default();
    redact_header(&text(name), &text(value))
}

// The same allocator as keygate-wasm (small; frees are coalesced).
// SAFETY: the wasm instance is single-threaded (no shared memory, no threads feature).
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };
