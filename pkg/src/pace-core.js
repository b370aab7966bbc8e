// The JavaScript layer of `keygate/pace` (issue 18; its own wasm since issue 19): `pacer(options)`
// makes what the client's `pace` option takes. Before each paced attempt the client asks a store
// for a grant; the bucket logic is the Rust core's `Pacer` (src/pace.rs, bound as `WasmPacer` in
// crates/keygate-pace, the pacer-only wasm); this file supplies the clock and the timers. The
// client's side is pkg/src/pace-hook.js (its interface: the `PACER` property below). `make build`
// bundles this file with that wasm's glue (scripts/bundle.mjs).
//
// A store is `{ acquire(scope, policy, signal) -> Promise<grant>, observe(scope, policy, grant,
// rateLimit), observe429(scope, policy, grant, retryAfterMs) }`: the in-memory one below (one per
// wasm instance, shared by every client of the process), or `durablePacer(namespace)` from
// `keygate/cloudflare` (one Durable Object per scope, shared by a worker fleet). A policy the user
// gave `pacer()` reaches the store with `ceiling` (its limit) set; the documented seed has none.

const POLICY_NAMES = ["limit", "windowMs", "burst", "marginPermille", "staleMs"];
const PACE_NAMES = [...POLICY_NAMES, "store", "scope", "maxWaitMs"];
/** The longest a paced request waits for its turn by default (Postiz hosted: 30 an hour). */
const MAX_WAIT_MS = 2 * 3_600_000;

function abortReason(signal) {
  try {
    if (signal?.reason !== undefined) return signal.reason;
  } catch {
    // an unreadable reason: the generic one
  }
  return new DOMException("The operation was aborted.", "AbortError");
}

/** Sleeps `ms` with the runtime's timers; rejects with the signal's reason when it aborts. */
export function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function waitTooLong(wait, maxWaitMs) {
  return {
    __keygate: true,
    name: "RateLimitError",
    code: "rate_limited",
    retryAfterMs: wait,
    message: `pace: the next slot is ${wait} ms away, past maxWaitMs (${maxWaitMs} ms); nothing was sent`,
  };
}

/**
 * The acquire loop over a pacer whose calls answer `{go}`, `{wait, ticket}` or `{gone}`
 * (`call(kind, ticket)`, sync or async): sleeps each wait, polls, and on abort cancels the ticket
 * (its place is given up) and rejects with the abort reason. Bounded by `maxWaitMs` in time and by
 * its count of polls.
 */
export async function acquireLoop(call, signal, maxWaitMs = MAX_WAIT_MS) {
  const started = Date.now();
  let a = await call("acquire");
  for (let polls = 0; polls < 1_000_000; polls++) {
    if (a.go !== undefined) return a.go;
    if (a.gone) {
      a = await call("acquire");
      continue;
    }
    const { ticket, wait } = a;
    if (Date.now() - started + wait > maxWaitMs) {
      await call("cancel", ticket);
      throw waitTooLong(wait, maxWaitMs);
    }
    try {
      await sleep(Math.max(1, wait), signal);
    } catch (err) {
      try {
        await call("cancel", ticket);
      } catch {
        // the abort is what the caller sees
      }
      throw err;
    }
    a = await call("poll", ticket);
  }
  throw waitTooLong(0, maxWaitMs);
}

export function num(v) {
  return typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : null;
}

function resetMs(rl) {
  const r = rl?.resetAt;
  return r instanceof Date ? r.getTime() : num(r);
}

/** The calls of one scope's `WasmPacer` as `acquireLoop` makes them. */
export function pacerCall(p) {
  return (kind, ticket) => {
    if (kind === "cancel") return p.cancel(ticket);
    return JSON.parse(kind === "acquire" ? p.acquire(Date.now()) : p.poll(ticket, Date.now()));
  };
}

/** Feeds an answer's rate-limit figures to one scope's `WasmPacer`. */
export function pacerObserve(p, grant, rl) {
  p.observe(grant, num(rl?.limit), num(rl?.remaining), resetMs(rl), Date.now());
}

/** The in-memory store: one `WasmPacer` per scope (seeded with the policy of its first call). */
export function memoryStore(wasm, maxWaitMs) {
  const pacers = new Map();
  const of = (scope, policy) => {
    let p = pacers.get(scope);
    if (!p) {
      p = new wasm.WasmPacer(policy);
      pacers.set(scope, p);
    }
    return p;
  };
  return {
    acquire(scope, policy, signal) {
      return acquireLoop(pacerCall(of(scope, policy)), signal, maxWaitMs);
    },
    observe(scope, policy, grant, rl) {
      pacerObserve(of(scope, policy), grant, rl);
    },
    observe429(scope, policy, _grant, retryAfterMs) {
      of(scope, policy).observe429(num(retryAfterMs), Date.now());
    },
  };
}

function paceError(message) {
  return { __keygate: true, name: "ConfigError", code: "invalid_option", provider: null, message: `pace: ${message}` };
}

/** One own property, read once (a throwing getter is a ConfigError). */
function ownOf(o, k) {
  try {
    return Object.hasOwn(o, k) ? o[k] : undefined;
  } catch {
    throw paceError(`${k} could not be read (a getter or proxy trap threw)`);
  }
}

/** The property a pacer object carries for the client (pkg/src/pace-hook.js reads it). */
export const PACER = Symbol.for("keygate.pacer");

/**
 * `pacer(options)`: what the client's `pace` option takes. `options` is a policy `{limit,
 * windowMs, burst?, marginPermille?, staleMs?}` and/or `{store, scope, maxWaitMs}`; none: the
 * provider's documented limits and the server's headers, in the shared in-memory store. An invalid
 * option is kept and thrown by the client that is given the pacer (as the client's ConfigError).
 */
export function createPace(wasm) {
  let shared;
  function read(value) {
    let policy = null;
    let store = null;
    let identity;
    let maxWaitMs = MAX_WAIT_MS;
    if (value !== undefined && value !== null) {
      if (typeof value !== "object") throw paceError("pacer(options): options must be a policy object or { store }");
      const o = Object.create(null);
      for (const k of PACE_NAMES) o[k] = ownOf(value, k);
      for (const k of Object.keys(value)) if (!PACE_NAMES.includes(k)) throw paceError(`unknown option ${JSON.stringify(k)}`);
      if (o.limit !== undefined || o.windowMs !== undefined) {
        policy = Object.create(null);
        for (const k of POLICY_NAMES) {
          if (o[k] === undefined) continue;
          if (typeof o[k] !== "number" || !Number.isInteger(o[k]) || o[k] < 0) throw paceError(`${k} must be a whole number`);
          policy[k] = o[k];
        }
        if (!(policy.limit >= 1) || !(policy.windowMs >= 1)) throw paceError("a policy needs limit and windowMs (both at least 1)");
        // The user's limit is a ceiling: the server's X-RateLimit-Limit may lower it, never raise
        // it (a seed from paceScope has none: the server corrects it either way).
        policy.ceiling = policy.limit;
      } else if (o.burst !== undefined) throw paceError("burst needs limit and windowMs");
      if (o.store !== undefined) {
        const s = o.store;
        if (s === null || typeof s !== "object" || typeof s.acquire !== "function" || typeof s.observe !== "function" || typeof s.observe429 !== "function") {
          throw paceError("store must have acquire, observe and observe429 methods");
        }
        store = s;
      }
      if (o.scope !== undefined) {
        if (typeof o.scope !== "string" || o.scope.length === 0 || o.scope.length > 200) throw paceError("scope must be a string of 1 to 200 characters");
        identity = o.scope;
      }
      if (o.maxWaitMs !== undefined) {
        if (typeof o.maxWaitMs !== "number" || !(o.maxWaitMs >= 0)) throw paceError("maxWaitMs must be a number of milliseconds");
        maxWaitMs = o.maxWaitMs;
      }
    }
    if (store === null) {
      if (maxWaitMs === MAX_WAIT_MS) store = shared ??= memoryStore(wasm, MAX_WAIT_MS);
      else store = memoryStore(wasm, maxWaitMs);
    }
    return { policy, store, identity };
  }

  /** One exchange's pacing context over `store`: `acquire(signal)` and `observe(...)`. */
  function open({ policy, store }, key, scopePolicy, provider) {
    const pol = policy ?? scopePolicy;
    return {
      async acquire(signal) {
        try {
          return await store.acquire(key, pol, signal);
        } catch (err) {
          if (signal?.aborted) return -1;
          if (err?.__keygate === true) throw err;
          throw { __keygate: true, name: "NetworkError", code: "network", provider: provider ?? null, message: "pace: the store failed" };
        }
      },
      observe(grant, status, rl, retryMs) {
        if (grant < 0) return;
        let r;
        try {
          if (status === 429) {
            let after = retryMs >= 0 ? retryMs : null;
            const reset = resetMs(rl);
            if (after === null && reset !== null) after = Math.max(0, reset - Date.now());
            r = store.observe429(key, pol, grant, after);
          } else r = store.observe(key, pol, grant, rl);
          if (r && typeof r.then === "function") r.then(undefined, () => {});
        } catch {
          // a store that fails to hear an answer only loses a correction
        }
      },
    };
  }

  function pacer(options) {
    let state = null;
    let error = null;
    try {
      state = read(options);
    } catch (e) {
      if (e?.__keygate !== true) throw e;
      error = e;
    }
    const hook = Object.freeze({
      error,
      scope: state?.identity,
      open: (key, policy, provider) => open(state, key, policy, provider),
    });
    return Object.freeze({ [PACER]: hook });
  }
  return { pacer, WasmPacer: wasm.WasmPacer };
}
