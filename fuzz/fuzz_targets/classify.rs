//! `classify`: arbitrary status, headers and body for every provider.
//!
//! Input, cut at 0xFF bytes: `status, body, header...`; the status is decimal text (or, if it is
//! not a number, its first two bytes), each header `Name: value`.
//! Asserts: no panic; 2xx and only 2xx is `Ok`; the error carries the status and provider; its
//! message, provider code and request id are visible ASCII (plus the truncation `…`), stay short
//! (300 characters + `…`); no long hex run, prefixed key or JWT survives in them. `clean` is also
//! run on the raw body and header values. (Which class a status maps to is left to the unit tests.)
#![no_main]

use keygate::__internals::clean;
use keygate::{classify, PROVIDERS};
use keygate_fuzz::{credential_in, text};
use libfuzzer_sys::fuzz_target;

/// Checks a text that reached an error: short, visible ASCII (and `…`), no credential.
fn check_clean(what: &str, s: &str, max: usize) {
    assert!(
        s.chars().count() <= max + 1,
        "{} too long ({}): {:?}",
        what,
        s.chars().count(),
        s
    );
    assert!(
        !s.chars().any(char::is_control),
        "{} has a control character: {:?}",
        what,
        s
    );
    let visible = s
        .chars()
        .all(|c| c == ' ' || c == '…' || c.is_ascii_graphic());
    assert!(visible, "{} is not visible ASCII: {:?}", what, s);
    if let Some(token) = credential_in(s) {
        panic!("{} keeps the credential {:?}: {:?}", what, token, s);
    }
}

fn status_of(field: &[u8]) -> u16 {
    match std::str::from_utf8(field)
        .ok()
        .and_then(|s| s.trim().parse::<u16>().ok())
    {
        Some(n) => n,
        None => match field {
            [a, b, ..] => u16::from_be_bytes([*a, *b]),
            [a] => u16::from(*a),
            [] => 400,
        },
    }
}

fuzz_target!(|data: &[u8]| {
    let parts: Vec<&[u8]> = data.split(|b| *b == keygate_fuzz::SEP).collect();
    let status = status_of(parts[0]);
    let body: &[u8] = parts.get(1).copied().unwrap_or(&[]);
    let headers: Vec<(String, String)> = parts
        .iter()
        .skip(2)
        .map(|h| {
            let h = text(h);
            let (n, v) = h.split_once(':').unwrap_or((&h, ""));
            (n.trim().to_string(), v.trim().to_string())
        })
        .collect();

    check_clean("clean(body)", &clean(&text(body), 300), 300);
    for (_, v) in &headers {
        check_clean("clean(header)", &clean(v, 128), 128);
    }

    for p in PROVIDERS {
        for now in [None, Some(1.7e12)] {
            let result = classify(p.kind, status, &headers, body, now);
            let Err(e) = result else {
                assert!(
                    (200..300).contains(&status),
                    "{} classified as success",
                    status
                );
                continue;
            };
            assert!(
                !(200..300).contains(&status),
                "{} classified as an error",
                status
            );
            assert_eq!(e.status, Some(status));
            assert_eq!(e.provider, Some(p.kind));
            check_clean("message", &e.message, 300);
            if let Some(c) = &e.provider_code {
                check_clean("provider code", c, 64);
            }
            if let Some(r) = &e.request_id {
                check_clean("request id", r, 128);
            }
            let shown = format!("{}", e);
            assert!(!shown.contains(['\r', '\n', '\0']), "{:?}", shown);
        }
    }
});
