// Fixed-window rate limiting, one window per bucket key.

export function createLimiter({ limit, windowSec }, now = () => Date.now()) {
  const windows = new Map();
  const windowMs = Math.max(1, Number(windowSec) || 60) * 1000;
  const max = Math.max(0, Math.floor(Number(limit) || 0));
  let refused = 0;

  function current(key) {
    const t = now();
    let w = windows.get(key);
    if (!w || t >= w.resetAt) {
      w = { count: 0, resetAt: t + windowMs };
      windows.set(key, w);
    }
    return w;
  }

  function snapshot(w, allowed) {
    const t = now();
    return {
      allowed,
      limit: max,
      remaining: Math.max(0, max - w.count),
      resetAt: w.resetAt,
      resetInSec: Math.max(1, Math.ceil((w.resetAt - t) / 1000)),
    };
  }

  return {
    /** Count one request; `allowed:false` once the window is spent. */
    take(key) {
      const w = current(key);
      if (w.count >= max) {
        refused += 1;
        return snapshot(w, false);
      }
      w.count += 1;
      return snapshot(w, true);
    },
    /** The state of a window without counting. */
    peek(key) {
      return snapshot(current(key), true);
    },
    get refused() {
      return refused;
    },
    clear() {
      windows.clear();
      refused = 0;
    },
  };
}

/**
 * A token bucket per key (Poelis: "60 requests per minute, burst 10"): `burst` tokens at most,
 * refilled at `limit` per `windowSec`. `refused` counts the requests it turned away.
 */
export function createTokenBucket({ limit, windowSec, burst }, now = () => Date.now()) {
  const buckets = new Map();
  const rate = Math.max(0, Number(limit) || 0) / (Math.max(1, Number(windowSec) || 60) * 1000); // tokens per ms
  const cap = Math.max(1, Math.floor(Number(burst ?? limit) || 1));
  let refused = 0;

  function current(key) {
    const t = now();
    let b = buckets.get(key);
    if (!b) {
      b = { tokens: cap, at: t };
      buckets.set(key, b);
    }
    if (rate > 0) b.tokens = Math.min(cap, b.tokens + (t - b.at) * rate);
    b.at = t;
    return b;
  }

  function snapshot(b, allowed) {
    const t = now();
    const missing = cap - b.tokens;
    const fullAt = rate > 0 ? t + missing / rate : t + 3600_000;
    const nextToken = b.tokens >= 1 ? 0 : rate > 0 ? (1 - b.tokens) / rate : 3600_000;
    return {
      allowed,
      limit: Math.floor(Number(limit) || 0),
      remaining: Math.max(0, Math.floor(b.tokens)),
      resetAt: fullAt,
      resetInSec: Math.max(1, Math.ceil(nextToken / 1000)),
    };
  }

  return {
    take(key) {
      const b = current(key);
      if (b.tokens < 1) {
        refused += 1;
        return snapshot(b, false);
      }
      b.tokens -= 1;
      return snapshot(b, true);
    },
    peek(key) {
      return snapshot(current(key), true);
    },
    get refused() {
      return refused;
    },
    clear() {
      buckets.clear();
      refused = 0;
    },
  };
}

/**
 * @nestjs/throttler as Postiz uses it (ttl = window, blockDuration = ttl): `limit` hits per
 * window from the first hit; the hit after that blocks the tracker for a whole window from then.
 * Allowed answers carry X-RateLimit-Limit/Remaining/Reset (seconds to the window's end);
 * a blocked one only Retry-After (seconds to the block's end).
 */
export function createThrottler({ limit, windowSec }, now = () => Date.now()) {
  const trackers = new Map();
  const ttl = Math.max(1, Number(windowSec) || 3600) * 1000;
  const max = Math.max(0, Math.floor(Number(limit) || 0));
  let refused = 0;
  return {
    take(key) {
      const t = now();
      let w = trackers.get(key);
      if (w && w.blockedUntil && t >= w.blockedUntil) w = null;
      if (w && !w.blockedUntil && t >= w.expiresAt) w = null;
      if (!w) {
        w = { hits: 0, expiresAt: t + ttl, blockedUntil: 0 };
        trackers.set(key, w);
      }
      if (w.blockedUntil) {
        refused += 1;
        return { allowed: false, retryAfterSec: Math.max(1, Math.ceil((w.blockedUntil - t) / 1000)) };
      }
      w.hits += 1;
      if (w.hits > max) {
        w.blockedUntil = t + ttl;
        refused += 1;
        return { allowed: false, retryAfterSec: Math.ceil(ttl / 1000) };
      }
      return { allowed: true, limit: max, remaining: max - w.hits, resetInSec: Math.max(1, Math.ceil((w.expiresAt - t) / 1000)) };
    },
    get refused() {
      return refused;
    },
    clear() {
      trackers.clear();
      refused = 0;
    },
  };
}
