//! The wasm-bindgen boundary, run in Node by wasm-bindgen-test-runner: descriptors, packed
//! inputs, and no panic on hostile input. Compiled into keygate-wasm's lib test harness (a
//! cdylib-only crate has no rlib an integration test could link): `make test-wasm`.

use crate::{build_headers_js, detect_provider, redact, validate_key, WasmClient};
use js_sys::Reflect;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

const POELIS: &str = "poelis_api_yyRCEbuLi8ugnBWNixCZQL4xKlLKBh-Gi_6zFf4CCIE";

fn get(o: &JsValue, k: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(k)).unwrap()
}

/// A string token as pkg/src/options.js packs it (`s<n>:` with `n` its length in UTF-16 units).
fn s(text: &str) -> String {
    format!("s{}:{}", text.encode_utf16().count(), text)
}

/// Client options as pkg/src/options.js `packClient` packs them: provider, apiKey, jwt,
/// oauthToken, scheme, workspaceId, keyType, then `rest` (baseUrl, mcpUrl, allowInsecureHttp,
/// timeoutMs, maxRetries, maxResponseBytes, dangerouslyAllowBrowser; what is left off is absent).
fn poelis(rest: &str) -> String {
    format!("{}{}-----{}", s("poelis"), s(POELIS), rest)
}

fn client(rest: &str, numbers: [f64; 3], browser: bool) -> Result<WasmClient, JsValue> {
    let [t, r, b] = numbers;
    WasmClient::new(&poelis(rest), t, r, b, browser)
}

#[wasm_bindgen_test]
fn validate_returns_one_packed_string() {
    let v = validate_key("poelis".into(), POELIS.into(), JsValue::UNDEFINED);
    let f: Vec<&str> = v.split('\u{1f}').collect();
    assert_eq!(&f[..4], &["1", "poelis", "api_key", "ok"]);
    assert_eq!(f[5], "poelis_api_…CCIE");
    assert_eq!(f.len(), 7);
    let w = validate_key(
        "powerpost".into(),
        "pp_test_sk_abcdefgh12".into(),
        JsValue::UNDEFINED,
    );
    let f: Vec<&str> = w.split('\u{1f}').collect();
    assert_eq!((f[6], f[7], f.len()), ("test", "test_key", 9));
    let bad = validate_key("poelis".into(), JsValue::from_f64(1.0), JsValue::UNDEFINED);
    assert_eq!(bad.split('\u{1f}').nth(3), Some("not_a_string"));
    assert_eq!(
        detect_provider("pp_live_sk_x".into()).as_string().unwrap(),
        "powerpost"
    );
    assert!(detect_provider(JsValue::NULL).is_null());
    assert_eq!(redact(JsValue::UNDEFINED), "…");
}

#[wasm_bindgen_test]
fn errors_cross_as_descriptors() {
    let e = build_headers_js(&format!("{}{}", s("poelis"), s("nope"))).unwrap_err();
    assert_eq!(get(&e, "name").as_string().unwrap(), "KeyFormatError");
    assert_eq!(get(&e, "code").as_string().unwrap(), "wrong_prefix");
    assert_eq!(get(&e, "__keygate"), JsValue::TRUE);
    // Packed text that is not what the JS entry writes: a typed error, never a panic.
    for hostile in [
        "",
        "x",
        "t6:number",
        "s99999:poelis",
        "s3:\u{1f}",
        "s1:",
        "s:",
        "s18446744073709551616:p",
    ] {
        let e = WasmClient::new(hostile, 0.0, 0.0, 0.0, false).unwrap_err();
        assert_eq!(get(&e, "__keygate"), JsValue::TRUE, "{hostile:?}");
        let e = build_headers_js(hostile).unwrap_err();
        assert_eq!(get(&e, "__keygate"), JsValue::TRUE, "{hostile:?}");
    }
    // Cut short after the provider: no credential.
    let e = WasmClient::new(&s("poelis"), 0.0, 0.0, 0.0, false).unwrap_err();
    assert_eq!(get(&e, "code").as_string().unwrap(), "empty");
}

/// The packed client options: each option's type error and rule where the object reader gave it,
/// the numbers read only when their token says they were given.
#[wasm_bindgen_test]
fn packed_client_options_keep_the_errors() {
    let c = client("", [0.0; 3], false).unwrap();
    let d = c.describe();
    assert_eq!(
        get(&d, "credential").as_string().unwrap(),
        "poelis_api_…CCIE"
    );
    assert_eq!(get(&d, "timeoutMs").as_f64(), Some(30000.0));
    let message = |rest: &str, numbers: [f64; 3]| {
        let e = client(rest, numbers, false).unwrap_err();
        (
            get(&e, "message").as_string().unwrap(),
            get(&e, "provider").as_string().unwrap(),
        )
    };
    assert_eq!(
        message("t6:number", [0.0; 3]),
        (
            "baseUrl must be a string, not number".into(),
            "poelis".into()
        )
    );
    assert_eq!(
        message("--t6:string", [0.0; 3]).0,
        "allowInsecureHttp must be a boolean, not string"
    );
    assert_eq!(
        message("---n", [0.0; 3]).0,
        "timeoutMs must be a whole number from 1 to 600000"
    );
    // The timeout's value error comes before the retries' type error.
    assert_eq!(
        message("---nt6:string", [f64::NAN, 0.0, 0.0]).0,
        "timeoutMs must be a whole number from 1 to 600000"
    );
    assert_eq!(
        message("----n", [0.0, 11.0, 0.0]).0,
        "maxRetries must be a whole number from 0 to 10"
    );
    assert_eq!(
        message("------t6:string", [0.0; 3]).0,
        "dangerouslyAllowBrowser must be a boolean, not string"
    );
    let c = client("---nnn1", [1500.0, 0.0, 64.0], false).unwrap();
    let d = c.describe();
    assert_eq!(get(&d, "timeoutMs").as_f64(), Some(1500.0));
    assert_eq!(get(&d, "maxRetries").as_f64(), Some(0.0));
    assert_eq!(c.max_response_bytes(), 64.0);
    // A scheme of the wrong type, after the credential.
    let e = WasmClient::new(
        &format!("{}{}--t6:number", s("poelis"), s(POELIS)),
        0.0,
        0.0,
        0.0,
        false,
    )
    .unwrap_err();
    assert_eq!(
        get(&e, "message").as_string().unwrap(),
        "scheme must be a string, not number"
    );
}

#[wasm_bindgen_test]
fn browser_guard() {
    let e = client("", [0.0; 3], true).unwrap_err();
    assert_eq!(get(&e, "code").as_string().unwrap(), "browser_secret_key");
    assert!(client("------1", [0.0; 3], true).is_ok());
}

#[wasm_bindgen_test]
fn an_exchange_crosses_as_step_codes() {
    let c = client(
        &format!("{}---n", s("http://127.0.0.1:9/v1/public")),
        [0.0, 1.0, 0.0],
        false,
    )
    .unwrap();
    // The spec as pkg/src/options.js packs it: method, path, query, headers, json, body flags,
    // idempotencyKey, target, endpoint, timeoutMs, maxRetries.
    let mut ex = c.start(&spec("-", "-"), None, None).unwrap();
    let first = ex.next();
    let f: Vec<&str> = first.split('\u{1f}').collect();
    assert_eq!(
        &f[..4],
        &[
            "30000",
            "http://127.0.0.1:9/v1/public/workspaces",
            "GET",
            "0"
        ]
    );
    assert!(first.contains("Authorization\u{1f}Bearer poelis_api_"));
    // A 503 is retried once (a wait in ms, >= 0, with the next fetch), then reported (-3).
    let body = b"{}";
    let r = ex.response(503, false, "", body);
    let f: Vec<&str> = r.split('\u{1f}').collect();
    assert!(f[0].parse::<u32>().is_ok(), "{}", r);
    assert_eq!(f.len(), 9);
    assert_eq!(
        &f[1..4],
        &["http://127.0.0.1:9/v1/public/workspaces", "GET", "0"]
    );
    assert!(ex.response(503, false, "", body).starts_with("-3\u{1f}"));
    let e = ex.error();
    assert_eq!(get(&e, "name").as_string().unwrap(), "ServerError");
    // A fresh one: a 200 with a request id and a rate limit is done (-2), both in the result.
    let mut ok = c
        .start("-s11:/workspaces--00---n-", Some(1500.0), None)
        .unwrap();
    assert!(ok.next().starts_with("1500\u{1f}"));
    let r = ok.response(
        200,
        false,
        "x-request-id\u{1f}req_1\u{1f}x-ratelimit-limit\u{1f}60\u{1f}x-ratelimit-remaining\u{1f}7\u{1f}",
        &[],
    );
    let f: Vec<&str> = r.split('\u{1f}').collect();
    assert_eq!(&f[..7], &["-2", "", "", "", "1", "60", "7"]);
    assert_eq!(f[8], "req_1");
    // A bad spec is refused before anything is planned.
    let refused = c.start("s5:TRACE-------------", None, None).unwrap_err();
    assert_eq!(get(&refused, "code").as_string().unwrap(), "invalid_method");
}

/// A packed spec with `path` and the given query and headers tokens, the rest absent.
fn spec(query: &str, headers: &str) -> String {
    format!("-s11:/workspaces{}{}0-------", query, headers)
}

/// The packed reader: lengths in UTF-16 units (any text is safe, the separator and characters
/// outside the BMP included), and each option's type error where the old object reader gave it.
#[wasm_bindgen_test]
fn packed_specs_read_any_text_and_keep_the_errors() {
    let c = client(&s("http://127.0.0.1:9/v1/public"), [0.0; 3], false).unwrap();
    // q = "a\u{1f}b😀" (5 UTF-16 units), then x = 7 (written by JS), y absent, z = true.
    let q = "os1:qs5:a\u{1f}b😀s1:xs1:7s1:y-s1:zs4:true.";
    let ex = c.start(&spec(q, "-"), None, None).unwrap();
    let url = ex.next().split('\u{1f}').nth(1).unwrap().to_string();
    assert_eq!(
        url,
        "http://127.0.0.1:9/v1/public/workspaces?q=a%1Fb%F0%9F%98%80&x=7&z=true"
    );
    let h = "os5:X-Ones3:1\u{1f}2.";
    let e = c.start(&spec("-", h), None, None).unwrap_err();
    assert_eq!(get(&e, "code").as_string().unwrap(), "invalid_header");
    let h = "os5:X-Ones1:1s5:X-Twos1:2.";
    let first = c.start(&spec("-", h), None, None).unwrap().next();
    assert!(
        first.ends_with("X-One\u{1f}1\u{1f}X-Two\u{1f}2"),
        "{}",
        first
    );
    let message = |packed: &str, t: Option<f64>| {
        let e = c.start(packed, t, None).unwrap_err();
        (
            get(&e, "code").as_string().unwrap(),
            get(&e, "message").as_string().unwrap(),
            get(&e, "provider").as_string().unwrap(),
        )
    };
    let (code, m, p) = message("t6:numbert6:object", None);
    assert_eq!(
        (code.as_str(), m.as_str(), p.as_str()),
        (
            "invalid_option",
            "method must be a string, not number",
            "poelis"
        )
    );
    assert_eq!(
        message(&spec("t8:function", "-"), None).1,
        "query must be an object"
    );
    assert_eq!(
        message(&spec("os1:nx.", "t6:string"), None).1,
        "query values must be strings, numbers or booleans"
    );
    assert_eq!(
        message(&spec("os1:ni.", "-"), None).1,
        "query numbers must be finite"
    );
    assert_eq!(
        message("-s11:/workspaces--00---t6:string-", None).1,
        "timeoutMs must be a number, not string"
    );
    assert_eq!(
        message("-s11:/workspaces--00---n-", Some(0.5)).1,
        "timeoutMs must be a whole number from 1 to 600000"
    );
}

/// Hostile packed text (the separator, characters outside the BMP, lengths that overrun) leaves
/// the instance usable; text from a JSON-RPC answer is cleaned by the core's rule.
#[wasm_bindgen_test]
fn hostile_packed_text_leaves_the_instance_usable() {
    for hostile in [
        format!("{}s5:a\u{1f}😀{}", s("poelis"), s(POELIS)),
        format!("{}s999:{}", s("poelis"), "poelis_api_😀"),
        format!("{}{}s4:😀😀", s("poelis"), s(POELIS)),
    ] {
        let e = WasmClient::new(&hostile, 0.0, 0.0, 0.0, false).unwrap_err();
        assert!(get(&e, "__keygate") == JsValue::TRUE, "{hostile:?}");
        let _ = build_headers_js(&hostile);
    }
    let c = client("", [0.0; 3], false).unwrap();
    // Still usable: the same client and a new one.
    assert!(c.start(&spec("-", "-"), None, None).is_ok());
    assert!(build_headers_js(&format!("{}{}", s("poelis"), s(POELIS))).is_ok());
    // Text from a JSON-RPC answer is cleaned by the core's rule (classify_mcp).
    let body = format!(
        r#"{{"error":{{"code":-32000,"message":"bad key {}"}}}}"#,
        POELIS
    );
    let e = c.mcp_error(200, None, &body);
    assert_eq!(get(&e, "code").as_string().unwrap(), "mcp_error");
    assert!(!get(&e, "message")
        .as_string()
        .unwrap()
        .contains(&POELIS[11..40]));
    assert!(c.mcp_error(200, None, r#"{"result":{}}"#).is_null());
}

/// The oracle for the `host-url` step (issue 19): a redirect resolved by the host's `URL` (what
/// the npm wasm does) against keygate's own WHATWG parser (what it did before, and what native
/// Rust still does), on a table of `Location`s. They must agree, except where the host maps a
/// host spelled another way to the origin's own (listed: the host is where `fetch` would go).
#[wasm_bindgen_test]
fn a_redirect_resolved_by_the_host_agrees_with_keygates_own_parser() {
    use keygate::__internals::{own_redirect, same_origin_redirect};
    crate::host_url::install();
    let origin = "https://api.example.com";
    let current = "https://api.example.com/v1/public/workspaces?limit=1";
    let agree = [
        "/v1/public/other",
        "other",
        "./a/../b",
        "../../x?y=1#frag",
        "?page=2",
        "#top",
        "https://api.example.com/v2",
        "HTTPS://API.EXAMPLE.COM/upper",
        "https://api.example.com:443/default-port",
        "//api.example.com/scheme-relative",
        "https://api.example.com/%7Euser/%zz",
        "https://api.example.com/a b",
        "\\\\api.example.com\\backslashes",
        "/a\\b",
        "https://evil.example/steal",
        "//evil.example/x",
        "https://api.example.com.evil.example/x",
        "https://api.example.com:8443/x",
        "http://api.example.com/downgrade",
        "https://user@api.example.com/x",
        "https://user:pw@api.example.com/x",
        "https://@api.example.com/x",
        "//user@api.example.com/x",
        "javascript:alert(1)",
        "data:text/plain,hi",
        "ftp://api.example.com/x",
        "https://[::1]/x",
        "",
        " /leading-space",
        "/tab\there",
        "/new\nline",
        "/caf\u{e9}",
        "https://xn--caf-dma.example/x",
    ];
    for location in agree {
        assert_eq!(
            same_origin_redirect(current, location, origin),
            own_redirect(current, location, origin),
            "{location:?}"
        );
    }
    // Followed and refused cases the table must include (so the two paths are not both `None`).
    assert_eq!(
        same_origin_redirect(current, "other", origin).as_deref(),
        Some("https://api.example.com/v1/public/other")
    );
    assert_eq!(
        same_origin_redirect(current, "//evil.example/x", origin),
        None
    );
    assert_eq!(
        same_origin_redirect(current, "https://user@api.example.com/x", origin),
        None
    );
    // Where they differ, by design: the same origin written another way; the host follows it as
    // `fetch` would, keygate's own parser refused it.
    let loopback = "http://[::1]:8080";
    let here = "http://[::1]:8080/v1/public/x";
    assert_eq!(
        same_origin_redirect(here, "http://[0:0::1]:8080/y", loopback).as_deref(),
        Some("http://[::1]:8080/y")
    );
    assert_eq!(own_redirect(here, "http://[0:0::1]:8080/y", loopback), None);
}
