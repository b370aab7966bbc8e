// keygate/cloudflare: a Durable Object that holds the pacer's bucket state, one object per scope,
// so every isolate of a worker fleet draws from one bucket (issue 18).
//
// The bucket logic is the Rust core's `Pacer` (src/pace.rs), bound as `WasmPacer`
// (crates/keygate-wasm/src/pacer.rs); this file only moves calls over fetch and supplies timers.
// Each call takes the object's own clock (`Date.now()` inside the object), so clock skew between
// isolates does not matter. The object answers:
//   POST /acquire  {scope, policy}           -> {"go":grant} | {"wait":ms,"ticket":t}
//   POST /poll     {scope, policy, ticket}   -> {"go":grant} | {"wait":ms,"ticket":t} | {"gone":true}
//   POST /cancel   {scope, policy, ticket}   -> {"cancelled":bool}
//   POST /observe  {scope, policy, grant, rateLimit}
//   POST /observe429 {scope, policy, retryAfterMs}
// `policy` is `null` (server headers only) or {limit, windowMs, burst, marginPermille, staleMs}.
//
// wrangler.toml of a user's worker:
//   [[durable_objects.bindings]]
//   name = "KEYGATE_PACER"
//   class_name = "KeygatePacer"
//   [[migrations]]
//   tag = "v1"
//   new_classes = ["KeygatePacer"]
// and in the worker: `export { KeygatePacer } from "keygate/cloudflare";`, then
// `new Client({ ..., pace: { store: durablePacer(env.KEYGATE_PACER) } })`.
//
// The bucket lives in the object's memory, not in `state.storage`: an object evicted while idle
// loses its bucket (its log of recent grants), so the first requests after an eviction may exceed
// a long window's limit (Postiz hosted: 30 an hour); the server's 429 then blocks the scope until
// its Retry-After. Tested in workerd through miniflare with 4 isolates (tests/js/cloudflare.test.mjs,
// tests/load/pace-load.mjs).

import "./workerd.js";
import { WasmPacer } from "../wasm/keygate.js";
import { acquireLoop, num, pacerObserve } from "./pace.js";

const JSON_HEADERS = { "content-type": "application/json" };

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
    const now = Date.now();
    try {
      let p = this.#pacers.get(scope);
      if (!p) {
        p = KeygatePacer.createPacer(msg.policy ?? null);
        this.#pacers.set(scope, p);
      }
      return route(p, new URL(request.url).pathname, msg, now);
    } catch (e) {
      // A bad input (a ConfigError descriptor from the binding): its message names the field only.
      return reply({ error: typeof e?.message === "string" ? e.message : "bad input" }, 400);
    }
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
