//! Property tests over arbitrary input: no panics, no unsafe header bytes, no leaks, no escapes.
#![cfg(not(target_arch = "wasm32"))]

mod common;
use common::*;
use keygate::{
    build_headers, classify, plan, redact, validate_at, Config, Credential, CredentialKind as K,
    Options, ProviderId as P, RequestSpec, Scheme, PROVIDERS,
};
use proptest::prelude::*;

const KINDS: [K; 3] = [K::ApiKey, K::Jwt, K::OAuthToken];

/// Strings that look like keys: a provider prefix, then a mix of likely and hostile characters.
fn keyish() -> impl Strategy<Value = String> {
    let prefix = prop::sample::select(vec![
        "",
        "pk_",
        "poelis_api_",
        "pp_live_sk_",
        "pp_test_sk_",
        "pp_",
        "pos_",
        "eyJ",
        "Bearer ",
    ]);
    let body = prop::collection::vec(
        prop_oneof![
            8 => prop::char::range('a', 'z'),
            4 => prop::char::range('A', 'Z'),
            4 => prop::char::range('0', '9'),
            2 => prop::sample::select(vec!['-', '_', '.', '~', '+', '/', '=', ' ', '\r', '\n', '\0', '\t', ':', 'é', '\u{7f}', '\u{a0}']),
            1 => any::<char>(),
        ],
        0..80,
    );
    (prefix, body).prop_map(|(p, b)| format!("{}{}", p, b.into_iter().collect::<String>()))
}

/// The part of an input that is secret: what follows a public prefix.
fn secret_part(input: &str) -> Option<&str> {
    let prefixes = [
        "pp_live_sk_",
        "pp_test_sk_",
        "poelis_api_",
        "Bearer ",
        "pos_",
        "pk_",
        "pp_",
        "eyJ",
    ];
    let body = prefixes
        .iter()
        .find_map(|p| input.strip_prefix(p))
        .unwrap_or(input);
    (body.chars().count() >= 8).then_some(body)
}

fn visible(s: &str) -> bool {
    s.bytes().all(|b| b == b' ' || b.is_ascii_graphic())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn validation_never_panics_or_echoes(input in prop_oneof![keyish(), any::<String>()]) {
        for p in PROVIDERS {
            for k in KINDS {
                let v = validate_at(p.kind, k, &input, Some(1_700_000_000));
                if let Some(secret) = secret_part(&input) {
                    // The message never quotes the input; the debug dump only holds `redacted`.
                    prop_assert!(!v.message.contains(secret));
                    let dump = format!("{:?}", v).replace(&v.redacted, "");
                    prop_assert!(!dump.contains(secret));
                }
                prop_assert!(visible(&v.redacted.replace('…', "")));
            }
        }
    }

    #[test]
    fn headers_are_always_visible_ascii(input in keyish(), ws in any::<String>(), bearer in any::<bool>()) {
        for p in PROVIDERS {
            for k in KINDS {
                if let Ok(c) = Credential::new_at(p.kind, k, &input, None) {
                    let scheme = if bearer { Scheme::Bearer } else { Scheme::Default };
                    for w in [None, Some(ws.as_str())] {
                        if let Ok(hs) = build_headers(&c, scheme, w) {
                            for h in hs {
                                prop_assert!(visible(h.value.as_str()));
                                prop_assert!(!h.value.as_str().contains(['\r', '\n', '\0']));
                                let dump = format!("{:?}", h);
                                prop_assert!(secret_part(&input).is_none_or(|s| !dump.contains(s)));
                            }
                        }
                    }
                    let shown = format!("{:?} {}", c, c.secret());
                    prop_assert!(secret_part(&input).is_none_or(|s| !shown.contains(s)));
                } else {
                    let e = Credential::new_at(p.kind, k, &input, None).unwrap_err();
                    let dump = format!("{} {:?}", e, e);
                    prop_assert!(secret_part(&input).is_none_or(|s| !dump.contains(s)));
                }
            }
        }
    }

    #[test]
    fn redact_reveals_at_most_prefix_and_last_four(input in prop_oneof![keyish(), any::<String>()]) {
        let r = redact(&input);
        let (prefix, tail) = r.split_once('…').expect("always has an ellipsis");
        prop_assert!(input.starts_with(prefix));
        prop_assert!(tail.chars().count() <= 4);
        prop_assert!(input.ends_with(tail));
        prop_assert!(["", "pk_", "poelis_api_", "pp_", "pp_live_sk_", "pp_test_sk_", "pos_"].contains(&prefix));
    }

    #[test]
    fn joined_paths_stay_under_base(path in prop_oneof![
        "[a-z/.%2eE5cCfF\\\\:@?#-]{0,30}",
        any::<String>(),
        prop::sample::select(vec!["//evil", "/..", "/%2e%2e/", "https://evil/", "a/../..", "/.%2e/x"]).prop_map(String::from),
    ]) {
        for base in ["https://api.poelis.com/v1/public", "http://127.0.0.1:8787/poelis/v1/public"] {
            let c = Config::new(cred(P::Poelis, K::ApiKey, POELIS_KEY), Options { base_url: Some(base.into()), ..Default::default() }).unwrap();
            let req = RequestSpec { method: "GET".into(), path: path.clone(), ..Default::default() };
            if let Ok(p) = plan(&c, &req) {
                prop_assert!(p.url == base || p.url.starts_with(&format!("{}/", base)), "{}", p.url);
                let rest = &p.url[base.len()..];
                let path_part = rest.split('?').next().unwrap();
                prop_assert!(!path_part.split('/').any(|s| s == ".." || s == "." || s.eq_ignore_ascii_case("%2e%2e")));
                prop_assert!(!rest.contains('\\') && !rest.contains('#'));
                prop_assert!(p.url.bytes().all(|b| b.is_ascii_graphic()));
            }
        }
    }

    #[test]
    fn classification_never_panics(status in 100u16..600, body in prop::collection::vec(any::<u8>(), 0..200), ra in any::<String>()) {
        for p in PROVIDERS {
            let headers = vec![("Retry-After".to_string(), ra.clone()), ("X-Request-ID".to_string(), ra.clone())];
            if let Err(e) = classify(p.kind, status, &headers, &body, Some(1.7e12)) {
                prop_assert!(visible(&e.message.replace('…', "")));
                prop_assert_eq!(e.status, Some(status));
            }
        }
    }
}
