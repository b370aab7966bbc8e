//! Response classification (SPEC §5) and the retry policy.

use keygate::{
    classify, parse_retry_after, Decision, Error, ErrorKind as E, ProviderId as P, RetryPolicy,
};

fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

fn err(p: P, status: u16, headers: &[(&str, &str)], body: &str) -> Error {
    classify(
        p,
        status,
        &h(headers),
        body.as_bytes(),
        Some(1_700_000_000_000.0),
    )
    .unwrap_err()
}

#[test]
fn success_is_ok() {
    for s in [200, 201, 204, 299] {
        assert!(classify(P::Poelis, s, &[], b"", None).is_ok());
    }
}

#[test]
fn provider_bodies() {
    let e = err(
        P::Poesius,
        401,
        &[("X-Request-ID", "req_1")],
        r#"{"detail":"API key has been revoked"}"#,
    );
    assert_eq!(
        (e.kind, e.message.as_str(), e.request_id.as_deref()),
        (E::Authentication, "API key has been revoked", Some("req_1"))
    );
    let e = err(
        P::Poesius,
        402,
        &[],
        r#"{"error":"Insufficient credits","error_code":"CREDITS_EXHAUSTED"}"#,
    );
    assert_eq!(
        (e.kind, e.provider_code.as_deref(), e.message.as_str()),
        (
            E::PaymentRequired,
            Some("CREDITS_EXHAUSTED"),
            "Insufficient credits"
        )
    );
    let e = err(
        P::Poesius,
        400,
        &[],
        r#"{"error":"Insufficient credits","error_code":"CREDITS_EXHAUSTED"}"#,
    );
    assert_eq!(e.kind, E::PaymentRequired);
    let e = err(
        P::Poesius,
        422,
        &[],
        r#"{"detail":[{"loc":["body"],"msg":"field required"}]}"#,
    );
    assert_eq!(
        (e.kind, e.message.as_str()),
        (E::BadRequest, "field required")
    );
    let e = err(
        P::Poelis,
        401,
        &[("x-request-id", "abc")],
        r#"{"error":"unauthorized","message":"Invalid or missing API key"}"#,
    );
    assert_eq!(
        (e.kind, e.provider_code.as_deref(), e.message.as_str()),
        (
            E::Authentication,
            Some("unauthorized"),
            "Invalid or missing API key"
        )
    );
    assert_eq!(e.code, "authentication_failed");
    let e = err(
        P::PowerPost,
        409,
        &[],
        r#"{"error":{"message":"Post already published","code":"ALREADY_PUBLISHED"}}"#,
    );
    assert_eq!(
        (e.kind, e.provider_code.as_deref(), e.message.as_str()),
        (E::Api, Some("ALREADY_PUBLISHED"), "Post already published")
    );
    let e = err(
        P::PowerPost,
        403,
        &[],
        r#"{"error":{"message":"Insufficient scope","code":"INSUFFICIENT_SCOPE"}}"#,
    );
    assert_eq!(e.kind, E::Permission);
    let e = err(
        P::PowerPost,
        429,
        &[],
        r#"{"error":{"message":"Slow down","code":"RATE_LIMIT_EXCEEDED"},"retryAfter":7}"#,
    );
    assert_eq!((e.kind, e.retry_after_ms), (E::RateLimit, Some(7000)));
    let e = err(P::Postiz, 401, &[], r#"{"msg":"No subscription found"}"#);
    assert_eq!(
        (e.kind, e.code.as_str()),
        (E::Subscription, "subscription_required")
    );
    let e = err(P::Postiz, 401, &[], r#"{"msg":"Invalid API key"}"#);
    assert_eq!(
        (e.kind, e.message.as_str()),
        (E::Authentication, "Invalid API key")
    );
    let e = err(
        P::Postiz,
        402,
        &[],
        r#"{"statusCode":402,"message":"Plan limit","url":"https://x"}"#,
    );
    assert_eq!(
        (e.kind, e.message.as_str()),
        (E::PaymentRequired, "Plan limit")
    );
    let e = err(P::Postiz, 400, &[], r#"{"errors":[{"message":"first"}]}"#);
    assert_eq!(e.message, "first");
}

#[test]
fn status_classes() {
    for (s, k) in [
        (400, E::BadRequest),
        (422, E::BadRequest),
        (401, E::Authentication),
        (402, E::PaymentRequired),
        (403, E::Permission),
        (404, E::NotFound),
        (408, E::Timeout),
        (429, E::RateLimit),
        (500, E::Server),
        (503, E::Server),
        (409, E::Api),
        (418, E::Api),
        (302, E::Api),
    ] {
        assert_eq!(err(P::Poelis, s, &[], "").kind, k, "{}", s);
    }
}

#[test]
fn odd_bodies_still_classify() {
    let huge = format!("{{\"message\":\"{}\"}}", "x".repeat(100_000));
    for body in [
        "",
        "<html>oops</html>",
        "{\"message\":",
        "null",
        "[]",
        "{\"message\":42}",
        huge.as_str(),
    ] {
        let e = err(P::Poelis, 503, &[], body);
        assert_eq!(e.kind, E::Server);
        assert!(e.message.contains("503"), "{}", e.message);
    }
    let long = format!("{{\"message\":\"{}\"}}", "y".repeat(1000));
    assert!(err(P::Poelis, 400, &[], &long).message.chars().count() <= 301);
}

#[test]
fn messages_never_echo_keys() {
    let body = r#"{"detail":"Invalid API key pk_SECRETSECRET9999 for user"}"#;
    let e = err(P::Poesius, 401, &[], body);
    assert!(!e.message.contains("SECRETSECRET"), "{}", e.message);
    assert!(e.message.contains("pk_…9999"), "{}", e.message);
    let e = err(
        P::Postiz,
        401,
        &[],
        r#"{"msg":"bad 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\nx"}"#,
    );
    assert!(!e.message.contains("0123456789abcdef0123"), "{}", e.message);
    assert!(!e.message.contains('\n'));
}

#[test]
fn retry_after_forms() {
    assert_eq!(parse_retry_after("5", None), Some(5000));
    assert_eq!(parse_retry_after(" 0 ", None), Some(0));
    assert_eq!(parse_retry_after("1.5", None), None); // RFC 9110: digits only
    assert_eq!(parse_retry_after("-1", None), None);
    assert_eq!(parse_retry_after("soon", None), None);
    let now = 1_700_000_000_000.0; // 2023-11-14T22:13:20Z
    assert_eq!(
        parse_retry_after("Tue, 14 Nov 2023 22:13:30 GMT", Some(now)),
        Some(10_000)
    );
    assert_eq!(
        parse_retry_after("Tue, 14 Nov 2023 22:13:00 GMT", Some(now)),
        Some(0)
    );
    assert_eq!(
        parse_retry_after("Tue, 14 Nov 2023 22:13:30 GMT", None),
        None
    );
    let e = err(
        P::Poelis,
        429,
        &[("Retry-After", "Tue, 14 Nov 2023 22:13:22 GMT")],
        "",
    );
    assert_eq!(e.retry_after_ms, Some(2000));
}

#[test]
fn retry_policy() {
    let p = RetryPolicy::new(2);
    let e503 = err(P::Poelis, 503, &[], "");
    assert_eq!(p.decide(0, true, &e503, 0.999), Decision::RetryAfter(499));
    assert_eq!(p.decide(1, true, &e503, 0.5), Decision::RetryAfter(500));
    assert_eq!(p.decide(2, true, &e503, 0.5), Decision::Stop);
    assert_eq!(p.decide(0, false, &e503, 0.5), Decision::Stop);
    assert_eq!(RetryPolicy::new(10).ceiling_ms(9), 8000);
    assert_eq!(RetryPolicy::new(10).ceiling_ms(40), 8000);
    let e501 = err(P::Poelis, 501, &[], "");
    assert_eq!(p.decide(0, true, &e501, 0.5), Decision::Stop);
    for s in [408, 429, 500, 502, 504] {
        assert!(
            matches!(
                p.decide(0, true, &err(P::Poelis, s, &[], ""), 0.1),
                Decision::RetryAfter(_)
            ),
            "{}",
            s
        );
    }
    for s in [400, 401, 403, 404, 409] {
        assert_eq!(
            p.decide(0, true, &err(P::Poelis, s, &[], ""), 0.1),
            Decision::Stop,
            "{}",
            s
        );
    }
    let wait = err(P::Poelis, 429, &[("Retry-After", "3")], "");
    assert_eq!(p.decide(0, true, &wait, 0.9), Decision::RetryAfter(3000));
    let long = err(P::Poelis, 429, &[("Retry-After", "61")], "");
    assert_eq!(p.decide(0, true, &long, 0.9), Decision::Stop);
    assert_eq!(long.retry_after_ms, Some(61_000));
    let net = Error::new(E::Network, "reset");
    assert!(matches!(
        p.decide(0, true, &net, f64::NAN),
        Decision::RetryAfter(0)
    ));
    assert_eq!(
        p.decide(0, true, &Error::new(E::Abort, "caller"), 0.5),
        Decision::Stop
    );
}

#[test]
fn glued_credentials_and_invisible_characters_are_cleaned() {
    let e = err(
        P::Poelis,
        400,
        &[],
        r#"{"message":"bad key=0123456789abcdef0123456789abcdef."}"#,
    );
    assert_eq!(e.message, "bad key=…cdef.");
    let e = err(
        P::Poelis,
        400,
        &[],
        r#"{"message":"token:pk_live0123456789abcdef here"}"#,
    );
    assert_eq!(e.message, "token:pk_…cdef here");
    let e = err(
        P::Poelis,
        400,
        &[],
        r#"{"message":"v1.pp_live_sk_abcdefgh1234.end"}"#,
    );
    assert_eq!(e.message, "v1.pp_live_sk_…1234.end");
    let e = err(P::Poelis, 400, &[], r#"{"message":"a\u202eb\u200bc é"}"#);
    assert_eq!(e.message, "a?b?c ?");
}

#[test]
fn keys_glued_to_the_text_before_them_are_redacted() {
    let key = "pp_live_sk_a1B2c3D4e5F6g7H8i9J0";
    for (input, kept) in [
        (format!("$$e{}_127.", key), "$$e"),
        (format!("id=x{}", key), "id=x"),
        (
            "tokeneyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlMDEy".to_string(),
            "token",
        ),
    ] {
        let out = keygate::__internals::clean(&input, 300);
        assert!(out.starts_with(kept), "{} -> {}", input, out);
        assert!(!out.contains("a1B2c3D4e5F6g7H8"), "{} -> {}", input, out);
        assert!(!out.contains("eyJzdWIiOiIxIn0"), "{} -> {}", input, out);
    }
    // Ordinary words with a prefix inside them are left alone when nothing credential-shaped follows.
    assert_eq!(
        keygate::__internals::clean("stop_pk_ ok", 300),
        "stop_pk_ ok"
    );
    // A key before a glued JWT-shaped tail is redacted too (fuzz `classify`, after the glued-JWT rule).
    let out =
        keygate::__internals::clean("3.poelis_api_0246nggggggggg567eyJdow.ngggg23.abcde", 300);
    assert!(!out.contains("0246ngggg"), "{}", out);
    // A long run of JWT-looking starts is handled in linear time.
    let long = "eyJ".repeat(20_000);
    assert!(keygate::__internals::clean(&long, 300).chars().count() <= 301);
}
