//! keygate-validate: the validation-only wasm behind the npm package's `keygate/validate` entry.
//!
//! Four exports (`validateKey`, `detectProvider`, `redact`, `buildHeaders`, plus `redactHeader`
//! for the display of `buildHeaders` results) and nothing of the client: no request loop, no
//! classifier, no JSON parser (JWT claims go through the host's `JSON.parse`), no URL parser, no
//! JS value table, so the linker keeps only the key rules and the header
//! builder of the core. Every result is the core's own (the same functions keygate-wasm calls),
//! packed into one string per call; the JS entry (pkg/src/validate-core.js) unpacks it.
//!
//! Inputs: only strings and numbers cross, both ways. The JS entry reads the caller's options into
//! a null-prototype object first and passes each value as its text (a string) or its type name, so
//! no getter or proxy trap can run here. No export panics (each returns a string), so no JS
//! exception or panic crosses the boundary.
#![cfg(target_arch = "wasm32")]
#![deny(missing_docs, missing_debug_implementations)]

use wasm_bindgen::prelude::*;

use keygate::host_json::{set_host_reader, Json, MAX_DEPTH};
use keygate::input::{provider_named, scheme_named, validate_field, CredentialFields, Field};
use keygate::{
    build_headers, detect, redact as redact_core, redact_header, Code, CredentialKind, Error,
    ErrorKind, ProviderId,
};

// The surrogate-pair rule of the core's JSON reader (keygate-wasm's file, shared).
#[path = "../../keygate-wasm/src/surrogates.rs"]
mod surrogates;

// The host functions this wasm calls take and give only strings and numbers, and so do its
// exports (the JS entry, pkg/src/validate-core.js, turns each caller value into its text and its
// type name): no JS value crosses, so wasm-bindgen links no JS value table (its allocator, the
// exception store, the typeof / is-null / as-string shims, and their JS). The claims reader's host
// half is claims.js (bundled with the glue).
#[wasm_bindgen(module = "/claims.js")]
extern "C" {
    #[wasm_bindgen(js_name = jwtClaims)]
    fn jwt_claims(text: &str) -> u32;
    #[wasm_bindgen(js_name = jwtExp)]
    fn jwt_exp(text: &str) -> f64;
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Date, js_name = now)]
    fn date_now() -> f64;
}

/// The one JSON document this wasm reads is a JWT segment, and the core reads only two facts of it
/// (`keygate::jwt::decode`): whether it is an object, and its `exp` if that is a number. So the
/// host's `JSON.parse` answers just those (claims.js), and the reader gives an object with just
/// `exp`, or `null` for any other JSON value. What is accepted is the same as the full package's
/// reader: UTF-8 only, the same surrogate-pair rule, nothing nested deeper than [`MAX_DEPTH`]
/// (checked by [`too_deep`]), the last of duplicate keys (`JSON.parse`'s rule).
/// tests/js/json-reader.test.mjs holds both packages to the results the core's own parser gave.
fn read_claims(bytes: &[u8]) -> Option<Json> {
    let text = keygate::host_json::utf8(bytes)?;
    if surrogates::broken_pair(bytes) || too_deep(bytes) {
        return None;
    }
    match jwt_claims(text) {
        0 => None,
        1 => Some(Json::Null),
        answer => Some(Json::Obj(if answer == 3 {
            vec![("exp".into(), Json::Num(jwt_exp(text)))]
        } else {
            Vec::new()
        })),
    }
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

/// A caller's value as the JS entry passes it, as a [`Field`] (as keygate-wasm reads it): `text`
/// is the value if it is a string (else `""`), `type_name` its `typeof` (`""` for `undefined` and
/// `null`).
fn field<'a>(text: &'a str, type_name: &'a str) -> Field<'a> {
    match type_name {
        "string" => Field::Text(text),
        "" => Field::Absent,
        t => Field::Other(t),
    }
}

/// The type names the JS entry packs for a call's values, in order (joined by [`SEP`]; a
/// `typeof` never holds it).
fn types(packed: &str) -> [&str; 6] {
    let mut out = [""; 6];
    for (slot, t) in out.iter_mut().zip(packed.split(SEP)) {
        *slot = t;
    }
    out
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
/// Each value as for [`field`]; `type_names`: the key's and the kind's. A provider that is not a
/// string is `""`, a kind that is not one is `""` too (both then refused as unknown).
#[wasm_bindgen(js_name = validateKey)]
pub fn validate_key(provider: &str, key: &str, kind: &str, type_names: &str) -> String {
    install_claims_reader();
    let [key_type, kind_type, ..] = types(type_names);
    let input = field(key, key_type);
    let kind = match field(kind, kind_type) {
        Field::Absent => None,
        Field::Text(k) => Some(k),
        Field::Other(_) => Some(""),
    };
    let mut out = String::new();
    let (p, k, code, message, redacted, env): (Option<ProviderId>, CredentialKind, _, _, _, _);
    let v = validate_field(provider, kind, input, now_secs());
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

/// `detectProvider(key)`: the provider id for a recognised prefix, else `""` (the JS entry gives
/// `null`). The key as for [`field`].
#[wasm_bindgen(js_name = detectProvider)]
pub fn detect_provider(key: &str, type_name: &str) -> String {
    match field(key, type_name) {
        Field::Text(s) => detect(s).map(|(p, _)| p.as_str()).unwrap_or(""),
        _ => "",
    }
    .into()
}

/// `redact(key)`: prefix, `…` and the last 4 characters at most (`…` for a non-string). The key
/// as for [`field`].
#[wasm_bindgen]
pub fn redact(key: &str, type_name: &str) -> String {
    match field(key, type_name) {
        Field::Text(s) => redact_core(s),
        _ => "…".into(),
    }
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

/// `buildHeaders({ provider, apiKey | jwt | oauthToken, scheme?, workspaceId? })`, packed as
/// `name SEP value SEP ...`, or an error as `ERR class SEP code SEP message SEP provider`. Each
/// option as the JS entry read it from the caller's object, as for [`field`]; `type_names`: the
/// six type names in this order (the provider's is not read: one that is not a string is `""`).
#[wasm_bindgen(js_name = buildHeaders)]
pub fn build_headers_js(
    provider: &str,
    api_key: &str,
    jwt: &str,
    oauth_token: &str,
    scheme: &str,
    workspace_id: &str,
    type_names: &str,
) -> String {
    install_claims_reader();
    let [_, api_key_type, jwt_type, oauth_token_type, scheme_type, workspace_id_type] =
        types(type_names);
    let run = || -> Result<String, Error> {
        let provider = provider_named(provider)?;
        let cred = CredentialFields {
            api_key: field(api_key, api_key_type),
            jwt: field(jwt, jwt_type),
            oauth_token: field(oauth_token, oauth_token_type),
        }
        .credential(provider, now_secs())?;
        let text = |k: &'static str, v: Field<'_>| -> Result<Option<String>, Error> {
            match v {
                Field::Absent => Ok(None),
                Field::Text(s) => Ok(Some(s.into())),
                Field::Other(t) => Err(Error::config(
                    keygate::ErrorCode::InvalidOption,
                    [k, " must be a string, not ", t].concat(),
                )
                .with_provider(provider)),
            }
        };
        let scheme = scheme_named(text("scheme", field(scheme, scheme_type))?.as_deref())
            .map_err(|e| e.with_provider(provider))?;
        let ws = text("workspaceId", field(workspace_id, workspace_id_type))?;
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
pub fn redact_header_js(name: &str, value: &str) -> String {
    redact_header(name, value)
}

// The same allocator as keygate-wasm (small; frees are coalesced).
// SAFETY: the wasm instance is single-threaded (no shared memory, no threads feature).
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };
