//! `exchange`: the sans-IO request loop driven by arbitrary outcomes.
//!
//! Input: `control bytes 0xFF path 0xFF event 0xFF event ...`. Control: credential (one valid
//! credential of each provider), max retries (0-10), method, base URL choice, idempotency key on
//! or off. Each event is `kind, status hi, status lo, jitter, text...`: kind bit 0 failure (else
//! response), bits 1-2 the failure (abort, timeout, network), bit 3 opaque; the text is cut at the
//! first `|` into a `Location` header value and the rest (a `Retry-After` value, a request id and
//! the body, cut at further `|`). A network failure's detail embeds the credential.
//! Asserts: no panic; once `Done` or `Fail`, the exchange is over; a fetch never leaves the base
//! origin (by an independent parse) and the URL holds only visible ASCII; retries never exceed the
//! budget and no retry happens for a non-idempotent request; waits are within the server cap (60 s)
//! or the backoff cap (8 s); the number of fetches is bounded by (retries + 1) x (redirects + 1);
//! every `Fail` leaves an error whose message and request id never show the credential (they are
//! scrubbed even when the input types it), nor its `Debug`, nor the exchange's `Debug`, unless the
//! input itself types the credential (a URL echoes the caller's path).
#![no_main]

use keygate::{
    Config, Credential, CredentialKind as K, Exchange, Failure, Options, ProviderId as P,
    RequestSpec, Response, Step, MAX_REDIRECTS,
};
use keygate_fuzz::{origin_of, text, CREDENTIALS, SEP};
use libfuzzer_sys::fuzz_target;

const BASES: [&str; 3] = [
    "https://api.example.com/v1",
    "http://127.0.0.1:8080/base/path",
    "https://api.example.com:8443",
];
const METHODS: [&str; 4] = ["GET", "POST", "PUT", "DELETE"];

fn no_secret(what: &str, s: &str, secret: &str) {
    assert!(
        !s.contains(secret),
        "{} shows the credential: {:?}",
        what,
        s
    );
}

fuzz_target!(|data: &[u8]| {
    let mut parts = data.split(|b| *b == SEP);
    let control = parts.next().unwrap_or(&[]);
    let at = |i: usize| control.get(i).copied().unwrap_or(0);
    // The API key of each provider (the other kinds change nothing in the loop).
    let api_keys = || CREDENTIALS.iter().filter(|c| c.1 == K::ApiKey);
    let (provider, kind, secret) = *api_keys()
        .nth(usize::from(at(0)) % api_keys().count())
        .expect("an API key per provider");
    let max_retries = u32::from(at(1) % 11);
    let method = METHODS[usize::from(at(2)) % METHODS.len()];
    let base = BASES[usize::from(at(3)) % BASES.len()];
    let keyed = at(4) & 1 == 1;
    let path = text(parts.next().unwrap_or(&[]));
    // A URL echoes the caller's path: when the input itself types the credential, only what keygate
    // scrubs (error messages, request ids) must hide it.
    let mentions = text(data).contains(secret);

    let Ok(cred) = Credential::new_at(provider, kind, secret, None) else {
        return;
    };
    let opts = Options {
        base_url: Some(base.into()),
        max_retries: Some(max_retries),
        workspace_id: (provider == P::PowerPost).then(|| "ws_1".to_string()),
        ..Default::default()
    };
    let Ok(config) = Config::new(cred, opts) else {
        return;
    };
    let req = RequestSpec {
        method: method.into(),
        path,
        idempotency_key: keyed.then(|| "fuzz-key".to_string()),
        ..Default::default()
    };
    let Ok(mut ex) = Exchange::new(&config, &req) else {
        return;
    };
    let origin = origin_of(ex.url()).expect("a planned URL has an origin");
    let idempotent = ex.plan().idempotent;
    let max_fetches = (max_retries as usize + 1) * (MAX_REDIRECTS as usize + 1);
    let mut fetches = 1;

    for event in parts {
        let b = |i: usize| event.get(i).copied().unwrap_or(0);
        let jitter = f64::from(b(3)) / 256.0;
        let rest = text(event.get(4..).unwrap_or(&[]));
        let mut fields = rest.splitn(4, '|');
        let location = fields.next().unwrap_or("").to_string();
        let retry_after = fields.next().unwrap_or("").to_string();
        let request_id = fields.next().unwrap_or("").to_string();
        let body = fields.next().unwrap_or("").as_bytes().to_vec();
        let before = ex.retries_done();
        let step = if b(0) & 1 == 1 {
            let detail = format!("socket closed while talking to {} with {}", base, secret);
            let failure = match (b(0) >> 1) % 3 {
                0 => Failure::Aborted,
                1 => Failure::TimedOut,
                _ => Failure::Network {
                    detail: &detail,
                    cause: Some(secret),
                },
            };
            ex.on_failure(&config, failure, jitter)
        } else {
            let status = u16::from_be_bytes([b(1), b(2)]) % 1000;
            let headers = vec![
                ("Location".to_string(), location),
                ("Retry-After".to_string(), retry_after),
                ("X-Request-Id".to_string(), request_id),
            ];
            let response = Response {
                status,
                opaque: b(0) & 8 == 8,
                headers: &headers,
                body: &body,
            };
            ex.on_response(&config, &response, Some(1.7e12), jitter)
        };
        if !mentions {
            no_secret("exchange Debug", &format!("{:?}", ex), secret);
        }
        match step {
            Step::Fetch | Step::Sleep(_) => {
                fetches += 1;
                assert!(
                    fetches <= max_fetches,
                    "{} fetches for a budget of {}",
                    fetches,
                    max_fetches
                );
                assert!(
                    ex.url().bytes().all(|c| c.is_ascii_graphic()),
                    "url {:?}",
                    ex.url()
                );
                assert_eq!(
                    origin_of(ex.url()).as_ref(),
                    Some(&origin),
                    "left the origin: {:?}",
                    ex.url()
                );
                assert!(ex.take_error().is_none(), "an error pending on {:?}", step);
                if let Step::Sleep(ms) = step {
                    assert!(ms <= 60_000, "waits {} ms", ms);
                    assert_eq!(ex.retries_done(), before + 1);
                    assert!(idempotent, "retried a non-idempotent request");
                    assert!(ex.retries_done() <= max_retries, "over the retry budget");
                    assert_eq!(ex.url(), ex.plan().url, "a retry starts over");
                }
            }
            Step::Done => {
                if let Some(id) = ex.request_id() {
                    no_secret("request id", id, secret);
                }
                return;
            }
            Step::Fail => {
                let e = ex.take_error().expect("Fail leaves an error");
                no_secret("error message", &e.message, secret);
                if !mentions {
                    no_secret("error Debug", &format!("{:?}", e), secret);
                    no_secret("error Display", &e.to_string(), secret);
                }
                if let Some(id) = &e.request_id {
                    no_secret("error request id", id, secret);
                }
                return;
            }
        }
    }
});
