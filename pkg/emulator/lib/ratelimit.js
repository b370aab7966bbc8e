// Fixed-window rate limiting, one window per bucket key.

export function createLimiter({ limit, windowSec }, now = () => Date.now()) {
  const windows = new Map();
  const windowMs = Math.max(1, Number(windowSec) || 60) * 1000;
  const max = Math.max(0, Math.floor(Number(limit) || 0));

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
      if (w.count >= max) return snapshot(w, false);
      w.count += 1;
      return snapshot(w, true);
    },
    /** The state of a window without counting. */
    peek(key) {
      return snapshot(current(key), true);
    },
    clear() {
      windows.clear();
    },
  };
}
