//! The retry policy, as a pure function of attempt, request and outcome.

use crate::error::{Error, ErrorKind};

/// Exponential backoff with full jitter, honouring a server's wait up to a cap.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// First backoff step (0.5 s).
    pub base_ms: u64,
    /// Backoff cap (8 s).
    pub cap_ms: u64,
    /// Longest server-requested wait honoured (60 s); a longer one ends the retries.
    pub max_server_wait_ms: u64,
}

/// What to do after a failed attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Wait this many milliseconds, then try again.
    RetryAfter(u64),
    /// Give up and report the error.
    Stop,
}

impl RetryPolicy {
    /// SPEC §4 defaults with `max_retries`.
    pub fn new(max_retries: u32) -> RetryPolicy {
        RetryPolicy {
            max_retries,
            base_ms: 500,
            cap_ms: 8_000,
            max_server_wait_ms: 60_000,
        }
    }

    /// The backoff ceiling before jitter for retry number `n` (0-based): `min(base * 2^n, cap)`.
    pub fn ceiling_ms(&self, n: u32) -> u64 {
        self.base_ms
            .saturating_mul(1u64 << n.min(32))
            .min(self.cap_ms)
    }

    /// Decides after the `retries_done`-th retry failed with `err` (`jitter` in `[0, 1)`).
    pub fn decide(
        &self,
        retries_done: u32,
        idempotent: bool,
        err: &Error,
        jitter: f64,
    ) -> Decision {
        if retries_done >= self.max_retries || !idempotent || !retryable(err) {
            return Decision::Stop;
        }
        if let Some(wait) = err.retry_after_ms {
            return if wait <= self.max_server_wait_ms {
                Decision::RetryAfter(wait)
            } else {
                Decision::Stop
            };
        }
        let j = if jitter.is_finite() {
            jitter.clamp(0.0, 1.0)
        } else {
            0.0
        };
        Decision::RetryAfter((self.ceiling_ms(retries_done) as f64 * j) as u64)
    }
}

/// Network errors, timeouts, 408, 429, 500, 502, 503, 504.
pub fn retryable(err: &Error) -> bool {
    match err.kind {
        ErrorKind::Network | ErrorKind::Timeout | ErrorKind::RateLimit => true,
        ErrorKind::Server => matches!(err.status, Some(500 | 502 | 503 | 504)),
        _ => false,
    }
}
