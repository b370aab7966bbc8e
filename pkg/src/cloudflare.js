// keygate/cloudflare (DRAFT, not in the exports map yet): a Durable Object that holds the pacer's
// bucket state, one object per scope, so every isolate of a worker fleet draws from one bucket.
//
// The bucket logic is the Rust core's `Pacer` (src/pace.rs); this file only moves calls over
// fetch and supplies timers. It expects a wasm binding `WasmPacer` (to be added in the wasm crate)
// with these methods, each taking the object's own clock `now` (ms) and returning plain JSON:
//   acquire(scopeKey, policyJson, now)        -> {"go":grant} | {"wait":ms,"ticket":t}
//   poll(scopeKey, policyJson, ticket, now)   -> {"go":grant} | {"wait":ms,"ticket":t} | {"gone":true}
//   cancel(scopeKey, policyJson, ticket)      -> bool
//   observe(scopeKey, policyJson, grant, limit, remaining, resetAt, now)   (numbers or null)
//   observe429(scopeKey, policyJson, retryAfterMs, now)
// `policyJson` is `null` (server headers only) or {limit, windowMs, burst, marginPermille, staleMs}.
// The object's clock is the only one used, so isolates' clock skew does not matter.
//
// wrangler.toml of a user's worker:
//   [[durable_objects.bindings]]
//   name = "KEYGATE_PACER"
//   class_name = "KeygatePacer"
//   [[migrations]]
//   tag = "v1"
//   new_classes = ["KeygatePacer"]
// and in the worker: `export { KeygatePacer } from "keygate/cloudflare";`
//
// Testing 4 isolates in miniflare (tests/runtimes/ already drives miniflare): one Miniflare with
// five workers, `pacer` (this module, `durableObjects: { KEYGATE_PACER: "KeygatePacer" }`) and
// `w1`..`w4`, each `durableObjects: { KEYGATE_PACER: { className: "KeygatePacer",
// scriptName: "pacer" } }` and a fetch handler that runs a closed loop through
// `durablePacer(env.KEYGATE_PACER)` against the emulator on 127.0.0.1 (Poelis 60/min burst 10,
// Postiz post creation with a shortened window). Start the four loops at once with
// `Promise.all([1,2,3,4].map(async (i) => (await mf.getWorker("w" + i)).fetch("http://w/run")))`;
// each worker is its own isolate and reaches the object through its binding. Then read the
// emulator's refused count: expect 0 429s, throughput >= 0.95 of the limit, 0 lost, 0 duplicated
// (request ids counted by the emulator), every loop bounded in count and time.
//
// Not done in this draft: persisting the bucket in `state.storage` (the object is evicted when
// idle, which loses at most an idle bucket; with Postiz's one-hour window that bucket may still
// matter, so the core's Bucket needs an encoding first).

const JSON_HEADERS = { "content-type": "application/json" };

function reply(value, status = 200) {
  return new Response(JSON.stringify(value), { status, headers: JSON_HEADERS });
}

function finiteOrNull(v) {
  return typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : null;
}

/** The Durable Object: one per scope (`idFromName(scopeKey)`), state in the core's pacer. */
export class KeygatePacer {
  #pacer;

  constructor(state, env, createPacer = KeygatePacer.createPacer) {
    this.state = state;
    this.env = env;
    if (typeof createPacer !== "function") throw new Error("keygate: no WasmPacer binding yet");
    this.#pacer = createPacer();
  }

  /** Set by the package entry once the wasm binding exists: `() => new wasm.WasmPacer()`. */
  static createPacer = null;

  async fetch(request) {
    if (request.method !== "POST") return reply({ error: "method" }, 405);
    let msg;
    try {
      msg = await request.json();
    } catch {
      return reply({ error: "json" }, 400);
    }
    const scope = typeof msg?.scope === "string" && msg.scope.length <= 256 ? msg.scope : null;
    if (!scope) return reply({ error: "scope" }, 400);
    const policy = msg.policy == null ? null : JSON.stringify(msg.policy);
    const now = Date.now();
    const p = this.#pacer;
    switch (new URL(request.url).pathname) {
      case "/acquire":
        return reply(JSON.parse(p.acquire(scope, policy, now)));
      case "/poll":
        return reply(JSON.parse(p.poll(scope, policy, Number(msg.ticket), now)));
      case "/cancel":
        return reply({ cancelled: p.cancel(scope, policy, Number(msg.ticket)) });
      case "/observe": {
        const rl = msg.rateLimit ?? {};
        p.observe(scope, policy, Number(msg.grant), finiteOrNull(rl.limit), finiteOrNull(rl.remaining),
          finiteOrNull(rl.resetAt), now);
        return reply({ ok: true });
      }
      case "/observe429":
        p.observe429(scope, policy, finiteOrNull(msg.retryAfterMs), now);
        return reply({ ok: true });
      default:
        return reply({ error: "path" }, 404);
    }
  }
}

function abortError(signal) {
  return signal?.reason ?? new DOMException("The operation was aborted.", "AbortError");
}

function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    function onAbort() {
      clearTimeout(t);
      reject(abortError(signal));
    }
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * The isolate's side: a pacer whose buckets live in the `KeygatePacer` namespace. `acquire`
 * resolves with the grant number when the request may go (waits are served in order across the
 * fleet), rejects with the signal's reason when the caller aborts (its place is given up).
 */
export function durablePacer(namespace, { maxWaitMs = 2 * 3_600_000 } = {}) {
  const stubs = new Map();
  function call(scope, path, body) {
    let stub = stubs.get(scope);
    if (!stub) {
      stub = namespace.get(namespace.idFromName(scope));
      stubs.set(scope, stub);
    }
    return stub
      .fetch("https://keygate-pacer" + path, { method: "POST", headers: JSON_HEADERS, body: JSON.stringify({ scope, ...body }) })
      .then((r) => {
        if (!r.ok) throw new Error(`keygate pacer: ${path} answered ${r.status}`);
        return r.json();
      });
  }
  return {
    async acquire(scope, policy = null, signal) {
      const started = Date.now();
      let answer = await call(scope, "/acquire", { policy });
      for (;;) {
        if (answer.go !== undefined) return answer.go;
        if (answer.gone) answer = await call(scope, "/acquire", { policy });
        if (answer.go !== undefined) return answer.go;
        const { ticket, wait } = answer;
        if (Date.now() - started + wait > maxWaitMs) {
          await call(scope, "/cancel", { policy, ticket });
          throw new Error(`keygate pacer: a wait of ${wait} ms exceeds maxWaitMs`);
        }
        try {
          await sleep(Math.max(1, wait), signal);
        } catch (err) {
          await call(scope, "/cancel", { policy, ticket }).catch(() => {});
          throw err;
        }
        answer = await call(scope, "/poll", { policy, ticket });
      }
    },
    observe(scope, policy, grant, rateLimit) {
      const resetAt = rateLimit?.resetAt instanceof Date ? rateLimit.resetAt.getTime() : rateLimit?.resetAt;
      return call(scope, "/observe", { policy, grant, rateLimit: rateLimit ? { ...rateLimit, resetAt } : null });
    },
    observe429(scope, policy, retryAfterMs) {
      return call(scope, "/observe429", { policy, retryAfterMs });
    },
  };
}
