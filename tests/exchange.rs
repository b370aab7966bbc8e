//! The sans-IO request loop (src/exchange.rs), driven natively: the same decisions the package
//! makes in every runtime, checked step by step without a network.

mod common;
use common::*;
use keygate::{
    Config, CredentialKind as K, ErrorKind, Exchange, Failure, Options, ProviderId as P,
    RequestSpec, Response, Step,
};

const BASE: &str = "https://api.poelis.example/v1/public";

fn config(max_retries: u32) -> Config {
    let opts = Options {
        base_url: Some(BASE.into()),
        max_retries: Some(max_retries),
        timeout: Some(std::time::Duration::from_millis(1000)),
        ..Default::default()
    };
    Config::new(cred(P::Poelis, K::ApiKey, POELIS_KEY), opts).expect("config")
}

fn req(method: &str, path: &str) -> RequestSpec {
    RequestSpec {
        method: method.into(),
        path: path.into(),
        ..Default::default()
    }
}

fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

const NO_HEADERS: &[(String, String)] = &[];

/// One response to the exchange (no clock: `Retry-After` dates are not used here).
fn reply(
    ex: &mut Exchange,
    c: &Config,
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
    jitter: f64,
) -> Step {
    let response = Response {
        status,
        opaque: false,
        headers,
        body,
    };
    ex.on_response(c, &response, None, jitter)
}

/// A response the runtime hid (a browser's opaque redirect).
fn reply_opaque(ex: &mut Exchange, c: &Config) -> Step {
    let response = Response {
        status: 0,
        opaque: true,
        headers: NO_HEADERS,
        body: b"",
    };
    ex.on_response(c, &response, None, 0.0)
}

#[test]
fn a_2xx_is_done_at_once_with_its_request_id() {
    let c = config(2);
    let mut ex = Exchange::new(&c, &req("GET", "/workspaces")).unwrap();
    assert_eq!(ex.url(), format!("{}/workspaces", BASE));
    assert_eq!(ex.method(), "GET");
    assert!(!ex.send_body());
    assert_eq!(ex.timeout(), std::time::Duration::from_millis(1000));
    let step = reply(
        &mut ex,
        &c,
        200,
        &h(&[("X-Request-Id", "req_1")]),
        b"{}",
        0.5,
    );
    assert_eq!(step, Step::Done);
    assert_eq!(ex.request_id(), Some("req_1"));
    assert!(ex.take_error().is_none());
}

#[test]
fn server_errors_are_retried_with_jittered_backoff_then_reported() {
    let c = config(2);
    let mut ex = Exchange::new(&c, &req("GET", "/workspaces")).unwrap();
    // Full jitter: jitter 0.5 of the 500 ms then 1000 ms ceilings.
    assert_eq!(
        reply(&mut ex, &c, 503, NO_HEADERS, b"", 0.5),
        Step::Sleep(250)
    );
    assert_eq!(
        reply(&mut ex, &c, 503, NO_HEADERS, b"", 0.5),
        Step::Sleep(500)
    );
    assert_eq!(reply(&mut ex, &c, 503, NO_HEADERS, b"", 0.5), Step::Fail);
    assert_eq!(ex.retries_done(), 2);
    let e = ex.take_error().unwrap();
    assert_eq!(e.kind, ErrorKind::Server);
    assert_eq!(e.status, Some(503));
}

#[test]
fn retry_after_is_the_wait_and_a_long_one_stops() {
    let c = config(2);
    let mut ex = Exchange::new(&c, &req("GET", "/workspaces")).unwrap();
    let ra = h(&[("Retry-After", "3")]);
    assert_eq!(reply(&mut ex, &c, 429, &ra, b"", 0.9), Step::Sleep(3000));
    let long = h(&[("Retry-After", "120")]);
    assert_eq!(reply(&mut ex, &c, 429, &long, b"", 0.9), Step::Fail);
    assert_eq!(ex.take_error().unwrap().retry_after_ms, Some(120_000));
}

#[test]
fn post_is_not_retried_without_an_idempotency_key() {
    let c = config(2);
    let mut ex = Exchange::new(&c, &req("POST", "/workspaces")).unwrap();
    assert!(ex.send_body());
    assert_eq!(reply(&mut ex, &c, 503, NO_HEADERS, b"", 0.5), Step::Fail);
    let mut keyed = req("POST", "/workspaces");
    keyed.idempotency_key = Some("k1".into());
    let mut ex = Exchange::new(&c, &keyed).unwrap();
    assert_eq!(
        reply(&mut ex, &c, 503, NO_HEADERS, b"", 0.0),
        Step::Sleep(0)
    );
}

#[test]
fn failures_timeouts_and_aborts() {
    let c = config(1);
    let mut ex = Exchange::new(
        &c,
        &RequestSpec {
            timeout: Some(std::time::Duration::from_millis(50)),
            ..req("GET", "/workspaces")
        },
    )
    .unwrap();
    assert_eq!(ex.on_failure(&c, Failure::TimedOut, 0.0), Step::Sleep(0));
    assert_eq!(ex.on_failure(&c, Failure::TimedOut, 0.0), Step::Fail);
    let e = ex.take_error().unwrap();
    assert_eq!(e.kind, ErrorKind::Timeout);
    assert!(e.message.contains("50 ms"), "{}", e.message);

    let mut ex = Exchange::new(&c, &req("GET", "/workspaces")).unwrap();
    // The runtime's message is scrubbed: a key in it never reaches the error.
    let detail = format!("connect failed for {}", POELIS_KEY);
    let step = ex.on_failure(
        &c,
        Failure::Network {
            detail: &detail,
            cause: Some("ECONNRESET"),
        },
        0.0,
    );
    assert_eq!(step, Step::Sleep(0));
    assert_eq!(
        ex.on_failure(
            &c,
            Failure::Network {
                detail: &detail,
                cause: None
            },
            0.0
        ),
        Step::Fail
    );
    let e = ex.take_error().unwrap();
    assert_eq!(e.kind, ErrorKind::Network);
    assert!(!e.message.contains(POELIS_KEY), "{}", e.message);

    // An abort is final, whatever the retry budget.
    let mut ex = Exchange::new(
        &c,
        &RequestSpec {
            max_retries: Some(5),
            ..req("GET", "/workspaces")
        },
    )
    .unwrap();
    assert_eq!(ex.on_failure(&c, Failure::Aborted, 0.0), Step::Fail);
    assert_eq!(ex.take_error().unwrap().kind, ErrorKind::Abort);
}

#[test]
fn same_origin_redirects_are_followed_and_303_turns_post_into_get() {
    let c = config(2);
    let mut keyed = req("POST", "/workspaces");
    keyed.idempotency_key = Some("k".into());
    let mut ex = Exchange::new(&c, &keyed).unwrap();
    let loc = h(&[("Location", "/v1/public/elsewhere")]);
    assert_eq!(reply(&mut ex, &c, 307, &loc, b"", 0.0), Step::Fetch);
    assert_eq!(ex.url(), "https://api.poelis.example/v1/public/elsewhere");
    assert_eq!(ex.method(), "POST");
    assert!(ex.send_body());
    assert_eq!(reply(&mut ex, &c, 303, &loc, b"", 0.0), Step::Fetch);
    assert_eq!(ex.method(), "GET");
    assert!(!ex.send_body());
    // A retry starts over from the planned request.
    assert_eq!(
        reply(&mut ex, &c, 502, NO_HEADERS, b"", 0.0),
        Step::Sleep(0)
    );
    assert_eq!(ex.url(), format!("{}/workspaces", BASE));
    assert_eq!(ex.method(), "POST");
    assert!(ex.send_body());
}

#[test]
fn cross_origin_opaque_and_endless_redirects_are_refused() {
    let c = config(2);
    let mut ex = Exchange::new(&c, &req("GET", "/workspaces")).unwrap();
    let away = h(&[("Location", "https://evil.example/steal")]);
    assert_eq!(reply(&mut ex, &c, 302, &away, b"", 0.0), Step::Fail);
    let e = ex.take_error().unwrap();
    assert_eq!(e.code, "redirect_refused");
    assert!(!ex.url().contains("evil"));

    let mut ex = Exchange::new(&c, &req("GET", "/workspaces")).unwrap();
    assert_eq!(reply_opaque(&mut ex, &c), Step::Fail);
    assert_eq!(ex.take_error().unwrap().code, "redirect_refused");

    let mut ex = Exchange::new(&c, &req("GET", "/workspaces")).unwrap();
    let again = h(&[("Location", "/v1/public/workspaces")]);
    for _ in 0..keygate::MAX_REDIRECTS {
        assert_eq!(reply(&mut ex, &c, 301, &again, b"", 0.0), Step::Fetch);
    }
    assert_eq!(reply(&mut ex, &c, 301, &again, b"", 0.0), Step::Fail);
    assert_eq!(ex.take_error().unwrap().code, "too_many_redirects");
}

#[test]
fn error_bodies_give_the_provider_message_and_oversized_ones_are_not_parsed() {
    let c = config(0);
    let mut ex = Exchange::new(&c, &req("GET", "/workspaces")).unwrap();
    let body = br#"{"error":"unauthorized","message":"API key has been revoked"}"#;
    assert_eq!(reply(&mut ex, &c, 401, NO_HEADERS, body, 0.0), Step::Fail);
    let e = ex.take_error().unwrap();
    assert_eq!(e.kind, ErrorKind::Authentication);
    assert_eq!(e.message, "API key has been revoked");

    let mut ex = Exchange::new(&c, &req("GET", "/workspaces")).unwrap();
    let mut big = body.to_vec();
    big.resize(keygate::MAX_ERROR_BODY + 1, b' ');
    assert_eq!(reply(&mut ex, &c, 401, NO_HEADERS, &big, 0.0), Step::Fail);
    assert_ne!(ex.take_error().unwrap().message, "API key has been revoked");
}

#[test]
fn invalid_json_names_the_status_and_request_id() {
    let c = config(0);
    let mut ex = Exchange::new(&c, &req("GET", "/workspaces")).unwrap();
    reply(&mut ex, &c, 200, &h(&[("x-request-id", "r9")]), b"{", 0.0);
    let e = ex.invalid_json(&c);
    assert_eq!(e.code, "invalid_json");
    assert_eq!(e.status, Some(200));
    assert_eq!(e.request_id.as_deref(), Some("r9"));
}

/// One response at a clock (Unix ms).
fn reply_at(
    ex: &mut Exchange,
    c: &Config,
    status: u16,
    headers: &[(&str, &str)],
    now: u64,
) -> Step {
    let headers = h(headers);
    let response = Response {
        status,
        opaque: false,
        headers: &headers,
        body: b"{}",
    };
    ex.on_response(c, &response, Some(now as f64), 0.0)
}

fn config_for(p: P, kind: K, key: &str) -> Config {
    let opts = Options {
        max_retries: Some(0),
        ..Default::default()
    };
    Config::new(cred(p, kind, key), opts).expect("config")
}

const NOW: u64 = 1_700_000_000_000;

#[test]
fn rate_limits_of_the_final_response_per_provider_convention() {
    use keygate::RateLimit;
    // Poelis: Unix seconds, on a success.
    let c = config(0);
    let mut ex = Exchange::new(&c, &req("GET", "/workspaces")).unwrap();
    let hs = [
        ("X-RateLimit-Limit", "60"),
        ("X-RateLimit-Remaining", "59"),
        ("X-RateLimit-Reset", "1700000060"),
    ];
    assert_eq!(reply_at(&mut ex, &c, 200, &hs, NOW), Step::Done);
    let want = RateLimit {
        limit: Some(60),
        remaining: Some(59),
        reset_at: Some(NOW + 60_000),
    };
    assert_eq!(ex.rate_limit(), Some(want));
    // Every header it reads is one a runner forwards.
    for name in keygate::RATE_LIMIT_HEADERS {
        assert!(keygate::READ_HEADERS.contains(&name), "{name}");
    }

    // Poelis 429 after a retry: the error carries the final response's limit.
    let c = config(1);
    let mut ex = Exchange::new(&c, &req("GET", "/workspaces")).unwrap();
    let first = [
        ("X-RateLimit-Remaining", "0"),
        ("X-RateLimit-Reset", "1700000001"),
        ("Retry-After", "1"),
    ];
    assert!(matches!(
        reply_at(&mut ex, &c, 429, &first, NOW),
        Step::Sleep(_)
    ));
    let last = [
        ("X-RateLimit-Limit", "60"),
        ("X-RateLimit-Remaining", "0"),
        ("X-RateLimit-Reset", "1700000030"),
    ];
    assert_eq!(reply_at(&mut ex, &c, 429, &last, NOW + 1000), Step::Fail);
    let e = ex.take_error().unwrap();
    assert_eq!(e.kind, ErrorKind::RateLimit);
    assert_eq!(
        e.rate_limit.as_deref(),
        Some(&RateLimit {
            limit: Some(60),
            remaining: Some(0),
            reset_at: Some(NOW + 30_000)
        })
    );

    // Postiz: seconds until the reset on an allowed post, only Retry-After when blocked.
    let c = config_for(P::Postiz, K::ApiKey, POSTIZ_KEY);
    let mut ex = Exchange::new(&c, &req("GET", "/integrations")).unwrap();
    let hs = [
        ("x-ratelimit-limit", "90"),
        ("x-ratelimit-remaining", "89"),
        ("x-ratelimit-reset", "3600"),
    ];
    assert_eq!(reply_at(&mut ex, &c, 201, &hs, NOW), Step::Done);
    assert_eq!(ex.rate_limit().unwrap().reset_at, Some(NOW + 3_600_000));
    let mut ex = Exchange::new(&c, &req("GET", "/integrations")).unwrap();
    assert_eq!(
        reply_at(&mut ex, &c, 429, &[("retry-after", "120")], NOW),
        Step::Fail
    );
    let e = ex.take_error().unwrap();
    assert_eq!(
        e.rate_limit.as_deref(),
        Some(&RateLimit {
            limit: None,
            remaining: None,
            reset_at: Some(NOW + 120_000)
        })
    );

    // PowerPost: Unix seconds, on an error that is not a 429.
    let c = config_for(P::PowerPost, K::ApiKey, POWERPOST_KEY);
    let mut ex = Exchange::new(&c, &req("GET", "/credits")).unwrap();
    let hs = [
        ("x-ratelimit-limit", "1000"),
        ("x-ratelimit-remaining", "998"),
        ("x-ratelimit-reset", "1700000600"),
    ];
    assert_eq!(reply_at(&mut ex, &c, 404, &hs, NOW), Step::Fail);
    let e = ex.take_error().unwrap();
    assert_eq!(
        e.rate_limit.as_deref().unwrap().reset_at,
        Some(NOW + 600_000)
    );
    assert_eq!(e.rate_limit.as_deref().unwrap().limit, Some(1000));

    // Nothing sent, no clock, or no response: None.
    let c = config(0);
    let mut ex = Exchange::new(&c, &req("GET", "/workspaces")).unwrap();
    assert_eq!(
        reply_at(&mut ex, &c, 200, &[("x-request-id", "r1")], NOW),
        Step::Done
    );
    assert_eq!(ex.rate_limit(), None);
    let mut ex = Exchange::new(&c, &req("GET", "/workspaces")).unwrap();
    assert_eq!(reply(&mut ex, &c, 200, &h(&hs), b"", 0.0), Step::Done);
    assert_eq!(ex.rate_limit(), None);
    let mut ex = Exchange::new(&c, &req("GET", "/workspaces")).unwrap();
    let step = ex.on_failure(&c, Failure::TimedOut, 0.0);
    assert_eq!(step, Step::Fail);
    assert_eq!(ex.take_error().unwrap().rate_limit, None);
}
