//! Rate-limit state read from a response's headers (`X-RateLimit-Limit`, `-Remaining`, `-Reset`
//! and, on a 429, `Retry-After`), normalised per provider convention: the reset becomes epoch
//! milliseconds whatever the server wrote (Unix seconds, seconds until the reset, an HTTP date).
//!
//! What each server sends (from its documentation or source):
//! - Poelis: every response carries all three, `Reset` in Unix seconds; a 429 adds `Retry-After`.
//! - PowerPost: `X-RateLimit-*` with `Reset` a Unix timestamp (seconds); a 429 puts
//!   `retryAfter` in the JSON body (read by classification, not here).
//! - Postiz (`@nestjs/throttler` 6, only on `POST /public/v1/posts`): an allowed request carries
//!   all three with `Reset` in **seconds until** the window ends; a blocked one carries only
//!   `Retry-After` (seconds). `Remaining` is `max(0, limit - hits)`, never above `Limit`.
//! - Poesius: nothing documented; read with [`ResetStyle::Auto`].
//!
//! Nothing here assumes `remaining <= limit`: both are reported as sent.

use crate::classify::{delay_seconds_ms, header, parse_retry_after, MAX_RETRY_AFTER_MS};
use crate::providers::ProviderId;

/// The response headers [`read`] looks at (a runner that forwards only some headers must forward
/// these too, and a browser needs them in `Access-Control-Expose-Headers`).
pub const RATE_LIMIT_HEADERS: [&str; 4] = [
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-ratelimit-reset",
    "retry-after",
];

/// The largest count reported: larger digit strings saturate to it (it is
/// [`MAX_RETRY_AFTER_MS`] / 1000, so a count is an exact JavaScript number).
pub const MAX_COUNT: u64 = MAX_RETRY_AFTER_MS / 1000;

/// An `X-RateLimit-Reset` reading below this (in seconds) is a delay under [`ResetStyle::Auto`],
/// at or above it a Unix time (1e9 s is 2001-09-09).
pub const AUTO_UNIX_THRESHOLD_S: u64 = 1_000_000_000;

/// How a provider writes `X-RateLimit-Reset`. Whatever the style, a value that is not digits is
/// tried as an HTTP date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResetStyle {
    /// Unix seconds (Poelis, PowerPost).
    UnixSeconds,
    /// Seconds until the reset (Postiz, `@nestjs/throttler`).
    DeltaSeconds,
    /// Unix seconds when at least [`AUTO_UNIX_THRESHOLD_S`], else seconds until the reset.
    Auto,
}

impl ResetStyle {
    /// The convention of a provider's server.
    pub fn of(provider: ProviderId) -> ResetStyle {
        provider.provider().rate_limit_reset
    }
}

/// What a response says about its rate limit. Each field is `None` when the server did not send
/// it (or sent something that is not a valid value).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed per window (`X-RateLimit-Limit`).
    pub limit: Option<u64>,
    /// Requests left in the current window (`X-RateLimit-Remaining`), as sent (not clamped to
    /// `limit`).
    pub remaining: Option<u64>,
    /// When the window resets, in Unix milliseconds: never before the `now` it was read at, at
    /// most [`MAX_RETRY_AFTER_MS`]. From `X-RateLimit-Reset`, else on a 429 from `Retry-After`.
    pub reset_at: Option<u64>,
}

/// A count: RFC 9110 style digits (spaces and tabs around them allowed), saturating at
/// [`MAX_COUNT`]; anything else (`-1`, `1.5`, `+3`, `0x10`) is `None`.
pub fn count(value: &str) -> Option<u64> {
    // The same digit rule as `Retry-After`, whose cap is 1000 times MAX_COUNT.
    delay_seconds_ms(value).map(|ms| ms / 1000)
}

/// `when` (Unix ms) clamped to `[now, MAX_RETRY_AFTER_MS]` (to `now` if `now` is above the cap).
fn clamp_reset(when: u64, now: u64) -> u64 {
    when.min(MAX_RETRY_AFTER_MS).max(now)
}

/// An `X-RateLimit-Reset` value as Unix milliseconds, read in `style` at `now_ms`.
pub fn reset_at(value: &str, style: ResetStyle, now_ms: u64) -> Option<u64> {
    if let Some(ms) = delay_seconds_ms(value) {
        let unix = match style {
            ResetStyle::UnixSeconds => true,
            ResetStyle::DeltaSeconds => false,
            ResetStyle::Auto => ms / 1000 >= AUTO_UNIX_THRESHOLD_S,
        };
        let when = if unix { ms } else { now_ms.saturating_add(ms) };
        return Some(clamp_reset(when, now_ms));
    }
    let secs = crate::httpdate::parse(value)?;
    Some(clamp_reset(secs.saturating_mul(1000), now_ms))
}

/// Reads a response's rate-limit headers in the provider's convention ([`ResetStyle::of`]).
/// `None` when none of the three fields is present.
pub fn read(
    provider: ProviderId,
    status: u16,
    headers: &[(String, String)],
    now_ms: u64,
) -> Option<RateLimit> {
    read_with(ResetStyle::of(provider), status, headers, now_ms)
}

/// [`read`] with an explicit reset convention.
pub fn read_with(
    style: ResetStyle,
    status: u16,
    headers: &[(String, String)],
    now_ms: u64,
) -> Option<RateLimit> {
    let limit = header(headers, "x-ratelimit-limit").and_then(count);
    let remaining = header(headers, "x-ratelimit-remaining").and_then(count);
    let reset = header(headers, "x-ratelimit-reset").and_then(|v| reset_at(v, style, now_ms));
    // A refused request's `Retry-After` is when the window lets it through (Postiz sends only it).
    let reset = reset.or_else(|| {
        if status != 429 {
            return None;
        }
        let wait = parse_retry_after(header(headers, "retry-after")?, Some(now_ms as f64))?;
        Some(clamp_reset(now_ms.saturating_add(wait), now_ms))
    });
    if limit.is_none() && remaining.is_none() && reset.is_none() {
        return None;
    }
    Some(RateLimit {
        limit,
        remaining,
        reset_at: reset,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const NOW: u64 = 1_700_000_000_000; // 2023-11-14T22:13:20Z

    fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn poelis_unix_seconds() {
        let hs = h(&[
            ("X-RateLimit-Limit", "60"),
            ("X-RateLimit-Remaining", "59"),
            ("X-RateLimit-Reset", "1700000060"),
            ("X-Request-ID", "req_1"),
        ]);
        assert_eq!(
            read(ProviderId::Poelis, 200, &hs, NOW),
            Some(RateLimit {
                limit: Some(60),
                remaining: Some(59),
                reset_at: Some(NOW + 60_000)
            })
        );
    }

    #[test]
    fn poelis_429_prefers_reset_over_retry_after() {
        let hs = h(&[
            ("x-ratelimit-limit", "60"),
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset", "1700000030"),
            ("retry-after", "5"),
        ]);
        let rl = read(ProviderId::Poelis, 429, &hs, NOW).unwrap();
        assert_eq!(rl.remaining, Some(0));
        assert_eq!(rl.reset_at, Some(NOW + 30_000));
    }

    #[test]
    fn powerpost_unix_seconds_and_past_reset_is_now() {
        let hs = h(&[
            ("x-ratelimit-limit", "1000"),
            ("x-ratelimit-remaining", "998"),
            ("x-ratelimit-reset", "1699999990"),
        ]);
        let rl = read(ProviderId::PowerPost, 200, &hs, NOW).unwrap();
        assert_eq!(rl.limit, Some(1000));
        // A reset already past (clock skew) is "now", never earlier.
        assert_eq!(rl.reset_at, Some(NOW));
    }

    #[test]
    fn postiz_delta_seconds_on_allowed() {
        let hs = h(&[
            ("x-ratelimit-limit", "90"),
            ("x-ratelimit-remaining", "89"),
            ("x-ratelimit-reset", "3600"),
        ]);
        let rl = read(ProviderId::Postiz, 201, &hs, NOW).unwrap();
        assert_eq!(rl.reset_at, Some(NOW + 3_600_000));
        assert_eq!((rl.limit, rl.remaining), (Some(90), Some(89)));
    }

    #[test]
    fn postiz_blocked_sends_only_retry_after() {
        let hs = h(&[("retry-after", "1234")]);
        assert_eq!(
            read(ProviderId::Postiz, 429, &hs, NOW),
            Some(RateLimit {
                limit: None,
                remaining: None,
                reset_at: Some(NOW + 1_234_000)
            })
        );
        // Retry-After only counts on a 429 (a 503's is a server's wish, not a window).
        assert_eq!(read(ProviderId::Postiz, 503, &hs, NOW), None);
        // An HTTP-date Retry-After.
        let hs = h(&[("retry-after", "Tue, 14 Nov 2023 22:14:20 GMT")]);
        assert_eq!(
            read(ProviderId::Postiz, 429, &hs, NOW).unwrap().reset_at,
            Some(NOW + 60_000)
        );
    }

    #[test]
    fn http_date_reset_in_any_style() {
        let hs = h(&[("x-ratelimit-reset", "Tue, 14 Nov 2023 22:14:20 GMT")]);
        for style in [
            ResetStyle::UnixSeconds,
            ResetStyle::DeltaSeconds,
            ResetStyle::Auto,
        ] {
            assert_eq!(
                read_with(style, 200, &hs, NOW).unwrap().reset_at,
                Some(NOW + 60_000)
            );
        }
    }

    #[test]
    fn auto_style_tells_unix_from_delta() {
        assert_eq!(
            reset_at("1700000100", ResetStyle::Auto, NOW),
            Some(NOW + 100_000)
        );
        assert_eq!(reset_at("100", ResetStyle::Auto, NOW), Some(NOW + 100_000));
        assert_eq!(ResetStyle::of(ProviderId::Poesius), ResetStyle::Auto);
    }

    #[test]
    fn absent_and_hostile_values() {
        assert_eq!(read(ProviderId::Poelis, 200, &[], NOW), None);
        assert_eq!(
            read(ProviderId::Poelis, 200, &h(&[("x-request-id", "r")]), NOW),
            None
        );
        for bad in [
            "", "-1", "1.5", "+3", "0x10", "1e3", "６０", "60, 60", "NaN", "inf", " ",
        ] {
            let hs = h(&[
                ("x-ratelimit-limit", bad),
                ("x-ratelimit-remaining", bad),
                ("x-ratelimit-reset", bad),
            ]);
            assert_eq!(read(ProviderId::Poelis, 200, &hs, NOW), None, "{bad:?}");
        }
        // Huge digit strings saturate instead of failing or wrapping.
        let huge = "9".repeat(5000);
        let hs = h(&[
            ("x-ratelimit-limit", huge.as_str()),
            ("x-ratelimit-remaining", "  7\t"),
            ("x-ratelimit-reset", huge.as_str()),
        ]);
        let rl = read(ProviderId::Postiz, 200, &hs, NOW).unwrap();
        assert_eq!(rl.limit, Some(MAX_COUNT));
        assert_eq!(rl.remaining, Some(7));
        assert_eq!(rl.reset_at, Some(MAX_RETRY_AFTER_MS));
    }

    #[test]
    fn remaining_above_limit_is_reported_as_sent() {
        let hs = h(&[("x-ratelimit-limit", "10"), ("x-ratelimit-remaining", "12")]);
        let rl = read(ProviderId::PowerPost, 200, &hs, NOW).unwrap();
        assert_eq!(
            (rl.limit, rl.remaining, rl.reset_at),
            (Some(10), Some(12), None)
        );
    }

    proptest! {
        #[test]
        fn never_panics_reset_not_before_now(
            limit in ".{0,40}", remaining in "[0-9 ]{0,30}|.{0,20}", reset in "[0-9 \t]{0,40}|.{0,40}",
            retry in "[0-9]{0,30}|.{0,30}", status in prop::sample::select(vec![200u16, 201, 429, 503]),
            now in 0u64..=(1u64 << 60), p in 0usize..4,
        ) {
            let provider = [ProviderId::Poesius, ProviderId::Poelis, ProviderId::PowerPost, ProviderId::Postiz][p];
            let hs = h(&[
                ("x-ratelimit-limit", &limit),
                ("x-ratelimit-remaining", &remaining),
                ("x-ratelimit-reset", &reset),
                ("retry-after", &retry),
            ]);
            if let Some(rl) = read(provider, status, &hs, now) {
                prop_assert!(rl.limit.is_some() || rl.remaining.is_some() || rl.reset_at.is_some());
                if let Some(r) = rl.reset_at {
                    prop_assert!(r >= now);
                    prop_assert!(r <= MAX_RETRY_AFTER_MS.max(now));
                }
                prop_assert!(rl.limit.unwrap_or(0) <= MAX_COUNT);
                prop_assert!(rl.remaining.unwrap_or(0) <= MAX_COUNT);
            }
        }
    }
}
