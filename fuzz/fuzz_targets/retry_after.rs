//! `retry_after`: `parse_retry_after` on arbitrary strings, and the retry decision it feeds.
//!
//! Input: the whole input is the header value (lossy UTF-8), tried against several clocks
//! (none, 0, now, negative, NaN, infinite, huge). Built with overflow checks on.
//! Asserts: no panic or overflow; digits only (any number of them, spaces and tabs around) give
//! exactly `n * 1000`, saturating at `MAX_RETRY_AFTER_MS`; any other number (`1.5`, `1e3`, `+5`)
//! gives nothing; an HTTP date against a sane clock gives at most the
//! distance to year 10000; `RetryPolicy::decide` waits no longer than the server asked (within
//! the 60 s cap) or the backoff cap.
#![no_main]

use keygate::MAX_RETRY_AFTER_MS;
use keygate::{parse_retry_after, Decision, Error, ErrorKind, RetryPolicy};
use keygate_fuzz::text;
use libfuzzer_sys::fuzz_target;

const NOWS: [Option<f64>; 9] = [
    None,
    Some(0.0),
    Some(1.7e12),
    Some(-1.0),
    Some(f64::NAN),
    Some(f64::INFINITY),
    Some(f64::NEG_INFINITY),
    Some(1e300),
    Some(f64::MAX),
];

/// 10000-01-01T00:00:00Z in Unix milliseconds.
const YEAR_10000_MS: u64 = 253_402_300_800_000;

fuzz_target!(|data: &[u8]| {
    let value = text(data);
    let trimmed = value.trim_matches([' ', '\t']);
    let digits = !trimmed.is_empty() && trimmed.bytes().all(|b| b.is_ascii_digit());

    for now in NOWS {
        let got = parse_retry_after(&value, now);
        if digits {
            // Any number of digits: n * 1000 ms, saturating (a huge wait is a wait, not invalid).
            let want = match trimmed.parse::<u64>() {
                Ok(n) => n.saturating_mul(1000).min(MAX_RETRY_AFTER_MS),
                Err(_) => MAX_RETRY_AFTER_MS,
            };
            assert_eq!(got, Some(want), "{:?}", value);
            continue;
        }
        // RFC 9110 delay-seconds are digits only: any other number (`1.5`, `1e3`, `+5`, `-1`) is
        // invalid, i.e. absent.
        if trimmed.parse::<f64>().is_ok() {
            assert_eq!(got, None, "{:?}", value);
            continue;
        }
        if let Some(ms) = got {
            assert!(ms <= MAX_RETRY_AFTER_MS, "{:?} -> {}", value, ms);
        }
        if let (Some(ms), Some(n)) = (got, now) {
            if (0.0..1e13).contains(&n) {
                assert!(ms <= YEAR_10000_MS, "{:?} at {} -> {}", value, n, ms);
            }
        }
    }

    // The decision a parsed wait leads to.
    let wait = parse_retry_after(&value, Some(1.7e12));
    let seed = data.iter().fold(0u32, |acc, b| {
        acc.wrapping_mul(31).wrapping_add(u32::from(*b))
    });
    let policy = RetryPolicy::new(seed % 12);
    let mut err = Error::new(
        if seed & 1 == 0 {
            ErrorKind::RateLimit
        } else {
            ErrorKind::Server
        },
        "x",
    );
    err.status = Some(if seed & 1 == 0 { 429 } else { 503 });
    err.retry_after_ms = wait;
    let jitter = f64::from(seed >> 8) / f64::from(1u32 << 24);
    for retries_done in [0, 1, seed % 40, u32::MAX] {
        assert!(policy.ceiling_ms(retries_done) <= policy.cap_ms);
        match policy.decide(retries_done, true, &err, jitter) {
            Decision::RetryAfter(ms) => match wait {
                Some(w) => assert!(ms == w && w <= policy.max_server_wait_ms),
                None => assert!(ms <= policy.cap_ms),
            },
            Decision::Stop => assert!(
                retries_done >= policy.max_retries
                    || wait.is_some_and(|w| w > policy.max_server_wait_ms)
            ),
        }
        for bad in [f64::NAN, f64::INFINITY, -1.0, 2.0] {
            if let Decision::RetryAfter(ms) = policy.decide(retries_done, true, &err, bad) {
                assert!(ms <= policy.cap_ms.max(policy.max_server_wait_ms));
            }
        }
    }
});
