//! The helpers the Rust emulator tests share: tests/gloo_emulator.rs, tests/reqwest_emulator.rs
//! and tests/rust-worker/src/lib.rs (its own workspace) include this file with `#[path]`.

use std::time::Duration;

use keygate::__internals::Json;
use keygate::client::Response;
use keygate::{Options, ProviderId, RequestSpec};

/// The options each test's client starts from: the emulator's `base_url` (plain http on
/// loopback) and a 5 s timeout.
pub fn options(base_url: String) -> Options {
    Options {
        base_url: Some(base_url),
        allow_insecure_http: true,
        timeout: Some(Duration::from_secs(5)),
        ..Default::default()
    }
}

pub fn get(path: &str) -> RequestSpec {
    RequestSpec {
        method: "GET".into(),
        path: path.into(),
        ..Default::default()
    }
}

/// `GET path` with the emulator's fault header.
pub fn with_fault(path: &str, fault: &str) -> RequestSpec {
    RequestSpec {
        headers: vec![("X-Keygate-Fault".into(), fault.into())],
        ..get(path)
    }
}

/// Each provider's live helper call (the endpoint the JS `doctor --live` uses): its path and a
/// field of its JSON answer (empty: the answer is an array, as Postiz's `/integrations` is).
pub const LIVE_CALLS: [(ProviderId, &str, &str); 4] = [
    (ProviderId::Poesius, "/presentations?limit=1", "items"),
    (ProviderId::Poelis, "/workspaces", "items"),
    (ProviderId::PowerPost, "/account/credits", "balance"),
    (ProviderId::Postiz, "/integrations", ""),
];

/// What every transport's answer to `p`'s live call shows: a JSON 200 with `field` (or an array),
/// the response's own request id (the Postiz emulator, like Postiz, sends none), and Poelis's
/// `X-RateLimit-*` read into `rate_limit`. (The Rust worker answers JSON that
/// tests/rust-worker/workerd.test.mjs asserts instead.)
#[allow(dead_code)]
pub fn assert_live_answer(p: ProviderId, field: &str, r: &Response) {
    assert_eq!(r.status, 200, "{p}");
    assert!(r.is_json(), "{p}");
    let doc = Json::parse(&r.body).expect("json");
    if field.is_empty() {
        assert!(matches!(doc, Json::Arr(_)), "{p}: {}", r.text());
    } else {
        assert!(doc.get(field).is_some(), "{p}: {}", r.text());
    }
    assert_eq!(r.request_id.as_deref(), r.header("x-request-id"), "{p}");
    assert_eq!(r.request_id.is_some(), p != ProviderId::Postiz, "{p}");
    if p == ProviderId::Poelis {
        assert!(r.rate_limit.is_some(), "{r:?}");
    }
}
