// keygate/cloudflare: a Durable Object that holds the pacer's bucket state, one object per scope,
// so every isolate of a worker fleet draws from one bucket (issue 18).
//
// The bucket logic is the Rust core's `Pacer` (src/pace.rs), bound as `WasmPacer`
// (crates/keygate-pace, the pacer-only wasm); this file only moves calls over fetch and supplies timers.
// Each call takes the object's own clock (`Date.now()` inside the object), so clock skew between
// isolates does not matter. The object answers:
//   POST /acquire  {scope, policy}           -> {"go":grant} | {"wait":ms,"ticket":t}
//   POST /poll     {scope, policy, ticket}   -> {"go":grant} | {"wait":ms,"ticket":t} | {"gone":true}
//   POST /cancel   {scope, policy, ticket}   -> {"cancelled":bool}
//   POST /observe  {scope, policy, grant, rateLimit}
//   POST /observe429 {scope, policy, retryAfterMs}
// `policy` is `null` (server headers only) or {limit, windowMs, burst, marginPermille, staleMs, ceiling}
// (`ceiling` on a policy the user chose: the server may lower its limit, never raise it).
//
// wrangler.toml of a user's worker:
//   [[durable_objects.bindings]]
//   name = "KEYGATE_PACER"
//   class_name = "KeygatePacer"
//   [[migrations]]
//   tag = "v1"
//   new_classes = ["KeygatePacer"]
// and in the worker: `export { KeygatePacer } from "keygate/cloudflare";`, then
// `new Client({ ..., pace: pacer({ store: durablePacer(env.KEYGATE_PACER) }) })` (`pacer` from
// "keygate/pace").
//
// Each scope's bucket (log of recent grants, queue, server view) is written to `state.storage`
// after every call (the core's `Bucket::encode` text, nothing about any credential) and read back
// when an evicted object wakes, so a long window (Postiz hosted: 30 an hour) survives eviction.
// Tested in workerd through miniflare with 4 isolates (tests/js/cloudflare.test.mjs,
// tests/load/pace-load.mjs).

// The pacer's own wasm (crates/keygate-pace), the instance keygate/pace's workerd entry loads.
import "./pace-workerd.js";
import { WasmPacer, acquireLoop, num, pacerObserve } from "../wasm/pace-glue.js";

const JSON_HEADERS = { "content-type": "application/json" };
/** The `state.storage` key of a scope's bucket (the text of the core's `Bucket::encode`). */
const STORAGE_PREFIX = "keygate-pace:";

function reply(value, status = 200) {
  return new Response(JSON.stringify(value), { status, headers: JSON_HEADERS });
}

/** The Durable Object: one per scope (`idFromName(scopeKey)`), state in the core's pacer. */
export class KeygatePacer {
  #pacers = new Map();

  constructor(state, env) {
    this.state = state;
    this.env = env;
  }

  /** Makes a scope's pacer (a test may swap it). */
  static createPacer = (policy) => new WasmPacer(policy);

  /** A scope's pacer: from memory, else from `state.storage`, else new. */
  #pacer(scope, policy) {
    let p = this.#pacers.get(scope);
    if (!p) {
      p = (async () => {
        let saved;
        try {
          saved = await this.state?.storage?.get(STORAGE_PREFIX + scope);
        } catch {
          saved = undefined;
        }
        if (typeof saved === "string") {
          try {
            return WasmPacer.restore(policy, saved);
          } catch {
            // a text this version cannot read: start afresh
          }
        }
        return KeygatePacer.createPacer(policy);
      })();
      this.#pacers.set(scope, p);
    }
    return p;
  }

  async fetch(request) {
    if (request.method !== "POST") return reply({ error: "method" }, 405);
    let msg;
    try {
      msg = await request.json();
    } catch {
      return reply({ error: "json" }, 400);
    }
    const scope = typeof msg?.scope === "string" && msg.scope.length > 0 && msg.scope.length <= 256 ? msg.scope : null;
    if (!scope) return reply({ error: "scope" }, 400);
    let p, res;
    try {
      p = await this.#pacer(scope, msg.policy ?? null);
      res = route(p, new URL(request.url).pathname, msg, Date.now());
    } catch (e) {
      // A bad input (a ConfigError descriptor from the binding): its message names the field only.
      this.#pacers.delete(scope);
      return reply({ error: typeof e?.message === "string" ? e.message : "bad input" }, 400);
    }
    // The bucket outlives an eviction of the object (awaited: the answer follows the write).
    if (res.status === 200 && this.state?.storage) {
      try {
        await this.state.storage.put(STORAGE_PREFIX + scope, p.save());
      } catch {
        // storage unavailable: the bucket stays in memory only
      }
    }
    return res;
  }
}

function route(p, path, msg, now) {
  switch (path) {
    case "/acquire":
      return reply(JSON.parse(p.acquire(now)));
    case "/poll":
      return reply(JSON.parse(p.poll(Number(msg.ticket), now)));
    case "/cancel":
      return reply({ cancelled: p.cancel(Number(msg.ticket)) });
    case "/observe":
      pacerObserve(p, Number(msg.grant), msg.rateLimit ?? null);
      return reply({ ok: true });
    case "/observe429":
      p.observe429(num(msg.retryAfterMs), now);
      return reply({ ok: true });
    default:
      return reply({ error: "path" }, 404);
  }
}

/**
 * The isolate's side: the store the client's `pace` option takes, its buckets in the
 * `KeygatePacer` namespace. `acquire` resolves with the grant number when the request may go
 * (waits are served in order across the fleet), rejects with the signal's reason when the caller
 * aborts (its place is given up).
 */
export function durablePacer(namespace, { maxWaitMs = 2 * 3_600_000 } = {}) {
  if (namespace === null || typeof namespace !== "object" || typeof namespace.idFromName !== "function" || typeof namespace.get !== "function") {
    throw new TypeError("durablePacer(namespace): namespace must be a Durable Object namespace binding");
  }
  const stubs = new Map();
  function call(scope, path, body) {
    let stub = stubs.get(scope);
    if (!stub) {
      stub = namespace.get(namespace.idFromName(scope));
      stubs.set(scope, stub);
    }
    return stub
      .fetch("https://keygate-pacer" + path, { method: "POST", headers: JSON_HEADERS, body: JSON.stringify({ scope, ...body }) })
      .then(async (r) => {
        const v = await r.json();
        if (!r.ok) throw new Error(`keygate pacer: ${path} answered ${r.status}`);
        return v;
      });
  }
  return {
    acquire(scope, policy = null, signal) {
      return acquireLoop((kind, ticket) => {
        if (kind === "acquire") return call(scope, "/acquire", { policy });
        return call(scope, "/" + kind, { policy, ticket });
      }, signal, maxWaitMs);
    },
    observe(scope, policy, grant, rateLimit) {
      const resetAt = rateLimit?.resetAt instanceof Date ? rateLimit.resetAt.getTime() : rateLimit?.resetAt;
      return call(scope, "/observe", { policy, grant, rateLimit: rateLimit ? { ...rateLimit, resetAt } : null });
    },
    observe429(scope, policy, _grant, retryAfterMs) {
      return call(scope, "/observe429", { policy, retryAfterMs });
    },
  };
}
