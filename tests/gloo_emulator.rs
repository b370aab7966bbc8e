//! The gloo transport (feature `gloo`) driven by `keygate::Client` in wasm against the real
//! emulator, with wasm-bindgen-test: in Node (the runner's default), in headless Chromium (a
//! page, and a dedicated Web Worker). `tests/rust-gloo/run.mjs` starts the emulator on loopback
//! (allowing the test page's origin to use `/_emulator/*`) and passes its URLs and demo keys in
//! `KEYGATE_GLOO_EMU` at compile time; `make test-rust-gloo` runs it. Without that variable every
//! test fails loudly (it never skips).
//!
//! The contract cases that apply: each provider's live call, typed errors (401 not retried, 403,
//! 404), a 429 whose `Retry-After` is waited through the transport's timer, a timeout (headers
//! late, and a body that stalls), redirects (cross-origin refused with nothing reaching the trap;
//! same-origin followed where the runtime shows it, refused where it hides it), PowerPost's
//! workspace header, and no credential in an error's `Display`/`Debug`.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use gloo_net::http::{Method, RequestBuilder};
use keygate::__internals::Json;
use keygate::{
    Client, Config, Credential, CredentialKind as K, ErrorCode, ErrorKind, Options, ProviderId as P,
};
use wasm_bindgen_test::wasm_bindgen_test;

#[path = "support/emulator_env.rs"]
mod emulator_env;
use emulator_env::{assert_live_answer, get, with_fault, LIVE_CALLS};

/// What run.mjs passes: `{url, urls, keys, opaqueRedirects, window}`.
fn emu() -> Json {
    // Checked when the tests run (not at compile time), so clippy and a plain build still work.
    let Some(raw) = option_env!("KEYGATE_GLOO_EMU") else {
        panic!(
            "KEYGATE_GLOO_EMU is not set: run these tests through `make test-rust-gloo` \
             (tests/rust-gloo/run.mjs starts the emulator); they never skip"
        )
    };
    Json::parse(raw.as_bytes()).expect("KEYGATE_GLOO_EMU is JSON")
}

fn field(j: &Json, path: &[&str]) -> String {
    let mut cur = j;
    for p in path {
        cur = cur
            .get(p)
            .unwrap_or_else(|| panic!("KEYGATE_GLOO_EMU has no {path:?}"));
    }
    cur.as_str().expect("a string").to_string()
}

fn key(p: &str, which: &str) -> String {
    field(&emu(), &["keys", p, which])
}

fn opaque_redirects() -> bool {
    matches!(emu().get("opaqueRedirects"), Some(Json::Bool(true)))
}

fn all_keys() -> Vec<String> {
    [
        ("poesius", "apiKey"),
        ("poelis", "apiKey"),
        ("powerpost", "apiKey"),
        ("postiz", "apiKey"),
    ]
    .iter()
    .map(|(p, k)| key(p, k))
    .collect()
}

fn assert_no_key(shown: &str, keys: &[String]) {
    for k in keys {
        assert!(!shown.contains(k.as_str()), "a key in: {shown}");
        assert!(
            !shown.contains(&k[k.len() - 12..]),
            "a key's tail in: {shown}"
        );
    }
}

fn client(p: P, key: &str, tweak: impl FnOnce(&mut Options)) -> Client<keygate::gloo::Gloo> {
    let mut opts = emulator_env::options(field(&emu(), &["urls", p.as_str()]));
    tweak(&mut opts);
    let cred = Credential::new(p, K::ApiKey, key).expect("demo key");
    Client::with_gloo(Config::new(cred, opts).expect("config"))
}

/// A control call to the emulator (plain gloo-net, no credential).
async fn control(method: &str, path: &str, body: Option<&str>) -> Json {
    let url = format!("{}{}", field(&emu(), &["url"]), path);
    let b = RequestBuilder::new(&url).method(Method::from_bytes(method.as_bytes()).unwrap());
    let req = match body {
        Some(text) => b.header("content-type", "application/json").body(text),
        None => b.build(),
    }
    .expect("control request");
    let resp = req.send().await.expect("control call");
    let text = resp.text().await.expect("control body");
    Json::parse(text.as_bytes()).unwrap_or_else(|| panic!("control {path}: {text}"))
}

async fn count(query: &str) -> f64 {
    control("GET", &format!("/_emulator/counts?{query}"), None)
        .await
        .get("count")
        .and_then(Json::as_f64)
        .expect("count")
}

fn now() -> f64 {
    js_sys::Date::now()
}

#[wasm_bindgen_test]
async fn each_provider_answers_through_the_gloo_transport() {
    let keys = all_keys();
    for (p, path, field) in LIVE_CALLS {
        let c = client(p, &key(p.as_str(), "apiKey"), |_| {});
        let r = c
            .request(get(path))
            .await
            .unwrap_or_else(|e| panic!("{p}: {e}"));
        assert_live_answer(p, field, &r);
        assert_no_key(&format!("{r:?} {c:?}"), &keys);
    }
}

#[wasm_bindgen_test]
async fn powerpost_sends_the_workspace_header_and_a_foreign_workspace_is_a_403() {
    let pp = key("powerpost", "apiKey");
    let ws = key("powerpost", "workspaceId");
    let c = client(P::PowerPost, &pp, |o| o.workspace_id = Some(ws.clone()));
    let r = c.request(get("/posts")).await.expect("posts");
    assert_eq!(r.status, 200);
    let log = control("GET", "/_emulator/log", None).await;
    let entries = match log.get("log").or(Some(&log)) {
        Some(Json::Arr(a)) => a.clone(),
        other => panic!("log: {other:?}"),
    };
    let sent = entries
        .iter()
        .rev()
        .find(|e| {
            e.get("provider").and_then(Json::as_str) == Some("powerpost")
                && e.get("path").and_then(Json::as_str) == Some("/posts")
        })
        .expect("the emulator logged GET /posts");
    assert_eq!(
        sent.get("headers")
            .and_then(|h| h.get("x-workspace-id"))
            .and_then(Json::as_str),
        Some(ws.as_str()),
        "X-Workspace-Id on a content call"
    );

    let foreign = key("powerpost", "foreignWorkspaceId");
    let c = client(P::PowerPost, &pp, |o| o.workspace_id = Some(foreign));
    let e = c.request(get("/posts")).await.unwrap_err();
    assert_eq!(
        (e.kind, e.status),
        (ErrorKind::Permission, Some(403)),
        "{e}"
    );
    assert_eq!(e.provider_code.as_deref(), Some("FORBIDDEN"), "{e}");
    assert_no_key(&format!("{e} {e:?}"), &all_keys());
}

#[wasm_bindgen_test]
async fn typed_errors_401_and_404_without_the_key_in_display_or_debug() {
    // 401: a key the emulator does not know, classified, not retried.
    let wrong = "poelis_api_notRegistered-Aa1Bb2Cc3Dd4Ee5Ff6";
    let c = client(P::Poelis, wrong, |o| o.max_retries = Some(3));
    let before = count("provider=poelis&path=/workspaces&status=401").await;
    let e = c.request(get("/workspaces")).await.unwrap_err();
    assert_eq!(
        (e.kind, e.status),
        (ErrorKind::Authentication, Some(401)),
        "{e}"
    );
    assert_eq!(e.provider_code.as_deref(), Some("unauthorized"), "{e}");
    assert!(
        e.request_id
            .as_deref()
            .is_some_and(|id| id.starts_with("req_")),
        "{e:?}"
    );
    let after = count("provider=poelis&path=/workspaces&status=401").await;
    assert_eq!(after - before, 1.0, "a 401 is not retried");
    let mut keys = all_keys();
    keys.push(wrong.to_string());
    for shown in [format!("{e}"), format!("{e:?}"), format!("{c:?}")] {
        assert_no_key(&shown, &keys);
    }

    // 404 with the provider's code and message.
    let c = client(P::Poelis, &key("poelis", "apiKey"), |_| {});
    let e = c.request(get("/workspaces/nope")).await.unwrap_err();
    assert_eq!((e.kind, e.status), (ErrorKind::NotFound, Some(404)), "{e}");
    assert_eq!(e.code, ErrorCode::NotFound, "{e}");
    assert!(e.message.contains("Workspace 'nope' not found"), "{e}");
    assert_no_key(&format!("{e} {e:?}"), &keys);
}

#[wasm_bindgen_test]
async fn a_429_is_retried_after_its_retry_after_through_the_transport_timer() {
    control(
        "POST",
        "/_emulator/scenarios",
        Some(r#"{"match":{"provider":"powerpost","method":"GET","path":"/account/credits"},"faults":["429:1"]}"#),
    )
    .await;
    let c = client(P::PowerPost, &key("powerpost", "apiKey"), |_| {});
    let t = now();
    let r = c
        .request(get("/account/credits"))
        .await
        .expect("429 then 200");
    assert_eq!(r.status, 200);
    let waited = now() - t;
    assert!(waited >= 950.0, "Retry-After: 1 waited only {waited} ms");

    // With no retries left the 429 is a typed rate-limit error carrying the wait.
    let c = client(P::PowerPost, &key("powerpost", "apiKey"), |o| {
        o.max_retries = Some(0)
    });
    let e = c
        .request(with_fault("/account/credits", "429:2"))
        .await
        .unwrap_err();
    assert_eq!((e.kind, e.status), (ErrorKind::RateLimit, Some(429)), "{e}");
    assert_eq!(e.retry_after_ms, Some(2000), "{e:?}");
}

#[wasm_bindgen_test]
async fn a_slow_answer_times_out_and_the_fetch_is_aborted() {
    let c = client(P::Poelis, &key("poelis", "apiKey"), |o| {
        o.timeout = Some(Duration::from_millis(300));
        o.max_retries = Some(0);
    });
    for fault in ["delay:3000", "slow-body:3000"] {
        let t = now();
        let e = c
            .request(with_fault("/workspaces", fault))
            .await
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Timeout, "{fault}: {e}");
        let took = now() - t;
        assert!(took < 2500.0, "{fault}: {took} ms");
    }
}

#[wasm_bindgen_test]
async fn cross_origin_redirects_are_refused_and_same_origin_ones_follow_the_runtime() {
    let c = client(P::Poelis, &key("poelis", "apiKey"), |_| {});
    for (i, fault) in ["redirect-cross", "redirect-cross:301", "redirect-cross-307"]
        .iter()
        .enumerate()
    {
        // A unique query: browsers cache 301s and would replay them.
        let mut spec = with_fault("/workspaces", fault);
        spec.query = vec![("kg_redirect".into(), format!("{i}-{}", now()))];
        let e = c.request(spec).await.unwrap_err();
        assert_eq!(e.code, ErrorCode::RedirectRefused, "{fault}: {e}");
    }
    let trap = control("GET", "/_emulator/trap", None).await;
    let received = match &trap {
        Json::Arr(a) => a.len(),
        other => match other.get("received") {
            Some(Json::Arr(a)) => a.len(),
            _ => panic!("trap: {other:?}"),
        },
    };
    assert_eq!(received, 0, "the trap got a request");

    let same = c.request(with_fault("/workspaces", "redirect-same")).await;
    if opaque_redirects() {
        // A browser hides the redirect (opaqueredirect): refused, never followed blindly.
        let e = same.unwrap_err();
        assert_eq!(e.code, ErrorCode::RedirectRefused, "{e}");
    } else {
        let r = same.expect("a same-origin redirect is followed");
        assert_eq!(r.status, 200);
    }
}

#[wasm_bindgen_test]
async fn a_secret_key_is_refused_in_a_page_and_allowed_in_workers_and_node() {
    let in_window = matches!(emu().get("window"), Some(Json::Bool(true)));
    assert_eq!(keygate::gloo::in_browser_window(), in_window);
    let cred = Credential::new(P::Poelis, K::ApiKey, &key("poelis", "apiKey")).expect("key");
    let opts = Options {
        browser_window: keygate::gloo::in_browser_window(),
        base_url: Some(field(&emu(), &["urls", "poelis"])),
        allow_insecure_http: true,
        ..Default::default()
    };
    match Config::new(cred, opts) {
        Ok(_) => assert!(!in_window, "a secret key was accepted in a page"),
        Err(e) => {
            assert!(in_window, "{e}");
            assert_eq!(e.code, ErrorCode::BrowserSecretKey, "{e}");
            assert_no_key(&format!("{e} {e:?}"), &all_keys());
        }
    }
}

/// Feature `serde` on wasm32: the typed helpers from the endpoint table (their query defaults
/// too), returning serde types, through the gloo transport.
#[wasm_bindgen_test]
async fn typed_helpers_return_serde_types_in_wasm() {
    let keys = all_keys();
    let c = client(P::Poelis, &key("poelis", "apiKey"), |_| {});
    let ws = c.list_workspaces().await.expect("workspaces");
    assert!(
        !ws.items.is_empty() && ws.count >= ws.items.len() as u64,
        "{ws:?}"
    );
    assert!(ws.items.iter().all(|w| !w.id.is_empty()), "{ws:?}");

    let c = client(P::PowerPost, &key("powerpost", "apiKey"), |_| {});
    let credits = c.get_credits().await.expect("credits");
    assert!(credits.balance >= 0.0, "{credits:?}");

    let c = client(P::Postiz, &key("postiz", "apiKey"), |_| {});
    let channels = c.list_integrations().await.expect("integrations");
    assert!(
        !channels.is_empty() && channels.iter().all(|i| !i.id.is_empty()),
        "{channels:?}"
    );
    assert!(c.is_connected().await.expect("is-connected"));
    // Another provider's helper is refused before any request.
    let e = c.list_workspaces().await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Config, "{e}");

    // The table's default query option (limit 1) is sent; a given one replaces it.
    let c = client(P::Poesius, &key("poesius", "apiKey"), |_| {});
    let page = c.list_presentations(None).await.expect("presentations");
    assert_eq!(page.limit, Some(1), "{page:?}");
    assert!(page.items.len() <= 1, "{page:?}");
    let page = c.list_presentations(Some(5)).await.expect("presentations");
    assert_eq!(page.limit, Some(5), "{page:?}");

    // A typed error through a helper, the key nowhere in it.
    let wrong = "poelis_api_unknownKeyXq2Lm7Vt4Zp8Ns1Bc6_Hd0Jf";
    let c = client(P::Poelis, wrong, |_| {});
    let e = c.list_workspaces().await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Authentication, "{e}");
    assert_eq!(e.status, Some(401), "{e}");
    let mut shown_keys = keys;
    shown_keys.push(wrong.to_string());
    assert_no_key(&format!("{e} {e:?}"), &shown_keys);
}
