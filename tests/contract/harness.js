// Runtime-neutral plumbing for the contract suite (tests/contract/cases.js): the emulator
// configuration every runner starts, the context handed to each case, a minimal assert, and the
// loop that runs the cases and tallies pass/fail per group. Only web-standard globals are used
// (fetch, AbortSignal, URLSearchParams, setTimeout), so the same file loads in Node, Deno, Bun,
// Chromium (window and Web Worker) and workerd.

/** The emulator configuration of the matrix (merged over the emulator's defaults). Small credit
 * and rate-limit budgets let the error cases reach the providers' own 402/429 answers quickly. */
export const EMULATOR_CONFIG = Object.freeze({
  poesius: { requireTemplate: true, credits: 3 },
  powerpost: { credits: 3 },
  postiz: { postRateLimit: 3, postRateWindowSec: 3600 },
});

/** The fault grid's emulator (group "faultgrid", tests/contract/faultgrid.js): budgets large enough
 * that hundreds of calls never reach a provider's own 402 or 429, so every answer is the fault's. */
export const FAULTGRID_CONFIG = Object.freeze({
  // One connection per request: a `hangup` on a reused keep-alive connection is resent by the
  // HTTP stack of Chromium, Deno and Bun before keygate sees it (pkg/emulator/README.md).
  keepAlive: false,
  poesius: { credits: 1_000_000, requireTemplate: false },
  powerpost: { credits: 1_000_000 },
  postiz: { postRateLimit: 1_000_000, postRateWindowSec: 3600 },
  rateLimit: { poelis: { limit: 1_000_000, windowSec: 60 }, powerpost: { limit: 1_000_000, windowSec: 60 } },
});

/** Lanes of a batch run at once in a browser: Chromium keeps at most 6 connections per host, and a
 * fetch queued behind them would eat into keygate's timeout (one connection left spare). */
export const BROWSER_LANES = 5;

/** The same, with Postiz's CORS as the real server has it: only its own front end may read. */
export const STRICT_CORS_CONFIG = Object.freeze({
  ...EMULATOR_CONFIG,
  cors: { postiz: "strict", postizSelf: "strict" },
});

/** The emulator fields a runner passes to a runtime (what `startEmulator()` or `GET /` gives). */
export function describeEmulator(emu) {
  return { url: emu.url, urls: { ...emu.urls }, crossOrigin: { url: emu.crossOrigin.url } };
}

/** The emulator's Poelis host root (its REST base without `/v1/public`). */
export function poelisRoot(urls) {
  return urls.poelis.replace(/\/v1\/public$/, "");
}

/** Environment variables for `Client.fromEnv`, pointing at the emulator. */
export function envVars(urls, D) {
  return {
    POESIUS_API_KEY: D.poesius.apiKey,
    POELIS_API_KEY: D.poelis.apiKey,
    // The host root, as the official Poelis SDK reads POELIS_BASE_URL; keygate appends /v1/public.
    POELIS_BASE_URL: poelisRoot(urls),
    POWERPOST_API_KEY: D.powerpost.apiKey,
    POWERPOST_WORKSPACE_ID: D.powerpost.workspaceId,
    POSTIZ_API_KEY: D.postiz.apiKey,
    POSTIZ_API_URL: urls.postizSelfRoot,
  };
}

// ------------------------------------------------------------------ secrets and display

const PREFIXES = ["poelis_api_", "pp_live_sk_", "pp_test_sk_", "pk_", "pos_"];

/** Every credential string in DEMO_KEYS (workspace ids are not secrets). */
export function demoSecrets(D) {
  const out = [];
  for (const group of Object.values(D)) {
    for (const [name, value] of Object.entries(group)) {
      if (typeof value === "string" && !/workspaceid$/i.test(name)) out.push(value);
    }
  }
  return out;
}

function secretBody(secret) {
  const prefix = PREFIXES.find((p) => secret.startsWith(p)) ?? "";
  // The redacted form may show the last 4 characters; everything before them is secret.
  return secret.slice(prefix.length, -4);
}

/** Fragments (10 characters) of a secret's body: none may appear in anything keygate shows. */
function fragments(secret) {
  const body = secretBody(secret);
  const out = [];
  for (let i = 0; i + 10 <= body.length; i += 3) out.push(body.slice(i, i + 10));
  if (body.length >= 10 && (body.length - 10) % 3 !== 0) out.push(body.slice(-10));
  if (body.length > 0 && body.length < 10) out.push(body);
  return out;
}

function createSecretWatch(initial) {
  const secrets = new Set(initial);
  return {
    add(s) {
      if (typeof s === "string" && s.length >= 8) secrets.add(s);
    },
    /** The first secret whose body shows in `text`, redacted for display, or null. */
    leak(text) {
      const t = String(text);
      for (const s of secrets) {
        if (t.includes(s)) return shortRedact(s);
        for (const f of fragments(s)) if (t.includes(f)) return shortRedact(s);
      }
      return null;
    },
    scrub(text) {
      let t = String(text);
      for (const s of secrets) {
        if (t.includes(s)) t = t.split(s).join(shortRedact(s));
        for (const f of fragments(s)) if (t.includes(f)) t = t.split(f).join("…");
      }
      return t;
    },
  };
}

function shortRedact(s) {
  const prefix = PREFIXES.find((p) => s.startsWith(p)) ?? "";
  return `${prefix}…${s.slice(-4)}`;
}

/** A short, secret-free rendering of a value for assertion messages. */
function show(v, watch) {
  let text;
  if (v instanceof Error) text = `${v.name}(${v.code ?? ""}): ${v.message}`;
  else if (typeof v === "string") text = JSON.stringify(v);
  else {
    try {
      text = JSON.stringify(v);
    } catch {
      text = String(v);
    }
    if (text === undefined) text = String(v);
  }
  if (text.length > 240) text = `${text.slice(0, 240)}…`;
  return watch ? watch.scrub(text) : text;
}

// ------------------------------------------------------------------ assert

export class AssertionError extends Error {}
AssertionError.prototype.name = "AssertionError";

function sameJson(a, b) {
  const norm = (v) =>
    JSON.stringify(v, (k, x) =>
      x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.keys(x).sort().map((key) => [key, x[key]])) : x,
    );
  return norm(a) === norm(b);
}

/** A minimal assert (node:assert is not available in browsers or workerd). Messages never show secrets. */
export function createAssert(watch) {
  const fail = (msg) => {
    throw new AssertionError(watch.scrub(msg));
  };
  const assert = (cond, msg = "assertion failed") => {
    if (!cond) fail(msg);
  };
  assert.ok = assert;
  assert.fail = fail;
  assert.equal = (actual, expected, msg = "") => {
    if (!Object.is(actual, expected)) fail(`${msg ? `${msg}: ` : ""}expected ${show(expected, watch)}, got ${show(actual, watch)}`);
  };
  assert.notEqual = (actual, unexpected, msg = "") => {
    if (Object.is(actual, unexpected)) fail(`${msg ? `${msg}: ` : ""}did not expect ${show(actual, watch)}`);
  };
  assert.deepEqual = (actual, expected, msg = "") => {
    if (!sameJson(actual, expected)) fail(`${msg ? `${msg}: ` : ""}expected ${show(expected, watch)}, got ${show(actual, watch)}`);
  };
  assert.match = (text, re, msg = "") => {
    if (typeof text !== "string" || !re.test(text)) fail(`${msg ? `${msg}: ` : ""}${show(text, watch)} does not match ${re}`);
  };
  assert.instanceOf = (value, cls, msg = "") => {
    if (!(value instanceof cls)) fail(`${msg ? `${msg}: ` : ""}expected a ${cls.name}, got ${show(value, watch)}`);
  };
  assert.atLeast = (value, min, msg = "") => {
    if (!(value >= min)) fail(`${msg ? `${msg}: ` : ""}expected >= ${min}, got ${show(value, watch)}`);
  };
  assert.atMost = (value, max, msg = "") => {
    if (!(value <= max)) fail(`${msg ? `${msg}: ` : ""}expected <= ${max}, got ${show(value, watch)}`);
  };
  /** Runs `fn` (sync); it must throw an instance of `cls`; returns the error. */
  assert.throws = (fn, cls, msg = "") => {
    try {
      fn();
    } catch (e) {
      if (cls && !(e instanceof cls)) fail(`${msg ? `${msg}: ` : ""}expected ${cls.name} to be thrown, got ${show(e, watch)}`);
      return e;
    }
    return fail(`${msg ? `${msg}: ` : ""}expected ${cls ? cls.name : "an error"} to be thrown, nothing was`);
  };
  /** Awaits a promise (or an async function); it must reject with an instance of `cls`. */
  assert.rejects = async (p, cls, msg = "") => {
    let value;
    try {
      value = await (typeof p === "function" ? p() : p);
    } catch (e) {
      if (cls && !(e instanceof cls)) fail(`${msg ? `${msg}: ` : ""}expected ${cls.name}, got ${show(e, watch)}`);
      return e;
    }
    return fail(`${msg ? `${msg}: ` : ""}expected ${cls ? cls.name : "a rejection"}, resolved with ${show(value, watch)}`);
  };
  /** Nothing keygate shows may contain a credential body. */
  assert.noSecret = (text, msg = "") => {
    const leaked = watch.leak(text);
    if (leaked) fail(`${msg ? `${msg}: ` : ""}the credential ${leaked} leaked into ${show(String(text).slice(0, 80), watch)}`);
  };
  return assert;
}

// ------------------------------------------------------------------ emulator control over HTTP

/** The emulator's `/_emulator/...` endpoints, usable from any runtime with fetch. */
export function emulatorControl(baseUrl, fetchImpl = (u, i) => fetch(u, i)) {
  async function call(method, path, body) {
    const res = await fetchImpl(`${baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(5000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`emulator control ${method} ${path} answered ${res.status}: ${text.slice(0, 200)}`);
    return JSON.parse(text);
  }
  const query = (filter) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(filter ?? {})) if (v !== undefined && v !== null) q.set(k, String(v));
    return q.toString();
  };
  return {
    counts: async (filter = {}) => (await call("GET", `/_emulator/counts?${query(filter)}`)).count,
    reset: () => call("POST", "/_emulator/reset"),
    scenario: (s) => call("POST", "/_emulator/scenarios", s),
    trap: async () => (await call("GET", "/_emulator/trap")).received,
    /** Scenario faults not consumed yet: `[{match, name, faults}]`. */
    pending: async () => (await call("GET", "/_emulator/scenarios")).scenarios,
    /** Log entries; CORS preflights only with `{preflight: true}`. */
    log: async ({ preflight = false } = {}) => (await call("GET", "/_emulator/log")).log.filter((e) => preflight || !e.preflight),
    state: () => call("GET", "/_emulator/state"),
  };
}

// ------------------------------------------------------------------ context

/**
 * The context every case receives.
 * @param {object} o
 * @param {object} o.k the keygate module (namespace or CommonJS exports)
 * @param {string} o.runtime runtime name for the matrix (node-esm, deno, chromium, ...)
 * @param {{url:string, urls:object, crossOrigin:{url:string}}} o.emulator the runtime's emulator
 * @param {{url:string, urls:object}} [o.strict] an emulator whose Postiz CORS is "strict"
 * @param {object} o.DEMO_KEYS the emulator's demo credentials
 * @param {null|"window"|"worker"} [o.browser] where the code runs in a browser
 * @param {object} [o.env] the runtime's own environment holding envVars() (process.env, Deno.env, a Worker's env)
 * @param {object} [o.clientDefaults] options merged into every client the cases build
 * @param {{url:string, urls:object, crossOrigin:{url:string}}} [o.grid] the fault grid's emulator (FAULTGRID_CONFIG)
 * @param {unknown[]|null} [o.unhandled] a live list the runner appends every unhandled promise rejection to
 *   (null: the runtime cannot observe them)
 * @param {number} [o.laneConcurrency] how many lanes of a batch run at once (browsers: at most 6
 *   connections per host, and a queued fetch would eat into keygate's timeout)
 */
export function makeContext(o) {
  const watch = createSecretWatch(demoSecrets(o.DEMO_KEYS));
  const control = emulatorControl(o.emulator.url);
  const urls = { ...o.emulator.urls, crossOrigin: o.emulator.crossOrigin.url };
  const D = o.DEMO_KEYS;
  const bases = { poesius: urls.poesius, poelis: urls.poelis, powerpost: urls.powerpost, postiz: urls.postizRoot };
  const defaultKeys = { poesius: D.poesius.apiKey, poelis: D.poelis.apiKey, powerpost: D.powerpost.apiKey, postiz: D.postiz.apiKey };
  const clientDefaults = o.clientDefaults ?? {};
  const ctx = {
    k: o.k,
    kp: o.kp ?? null,
    runtime: o.runtime,
    browser: o.browser ?? null,
    urls,
    strict: o.strict ? { ...o.strict, control: emulatorControl(o.strict.url) } : null,
    grid: o.grid ? { url: o.grid.url, urls: { ...o.grid.urls, crossOrigin: o.grid.crossOrigin.url }, control: emulatorControl(o.grid.url) } : null,
    unhandled: o.unhandled ?? null,
    laneConcurrency: o.laneConcurrency ?? Infinity,
    DEMO_KEYS: D,
    env: o.env ?? null,
    clientDefaults,
    assert: createAssert(watch),
    secrets: watch,
    counts: control.counts,
    reset: control.reset,
    scenario: control.scenario,
    trap: control.trap,
    log: control.log,
    state: control.state,
    /** A client for the emulator: the provider's demo API key, short timeout, no retries unless asked. */
    client(provider, opts = {}) {
      const credential = "apiKey" in opts || "jwt" in opts || "oauthToken" in opts ? {} : { apiKey: defaultKeys[provider] };
      return new o.k.Client({ provider, baseUrl: bases[provider], timeoutMs: 4000, maxRetries: 0, ...clientDefaults, ...credential, ...opts });
    },
    /** `{"X-Keygate-Fault": spec}` */
    fault: (spec) => ({ "X-Keygate-Fault": spec }),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    /** Log entries (server side, in order) for a provider/path, to measure the gaps between attempts. */
    async attemptsOf(filter) {
      const log = await control.log();
      return log.filter(
        (e) => !e.preflight && (!filter.provider || e.provider === filter.provider || e.mount === filter.provider) &&
          (!filter.path || e.path === filter.path) && (!filter.method || e.method === filter.method),
      );
    },
    /** Whether fetch hides redirects (`redirect: "manual"` gives an opaque response in browsers). */
    opaqueRedirects: Boolean(o.browser),
  };
  return ctx;
}

// ------------------------------------------------------------------ runner

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
    }),
  ]);
}

/**
 * Runs cases one after another, each on a freshly reset emulator, each bounded in time.
 *
 * Two additions for the fault grid:
 *   - `skip: (ctx) => reason | null` (or a string): the case is not run here; it is counted as
 *     `skip` in its group and listed, with the reason, in `skipped` (never dropped silently).
 *   - `batch` (an object shared by consecutive cases) and `lane` (a string): a batch's cases run
 *     together after `batch.setup(ctx)`: the cases of one lane one after another, the lanes
 *     concurrently (at most `ctx.laneConcurrency` at once, the heaviest first by the cases'
 *     `weight`). The main emulator is reset once, before the batch.
 * @returns {Promise<{groups: Record<string,{pass:number,fail:number,skip?:number}>, failures: {group:string,name:string,error:string}[],
 *   skipped: {group:string,name:string,reason:string}[], ms:number}>}
 */
export async function runCases(cases, ctx, { groups = null, only = null, perCaseMs = 20000, log = () => {} } = {}) {
  const started = Date.now();
  const out = { groups: {}, failures: [], skipped: [], ms: 0 };
  const selected = cases.filter(
    (c) => (!groups || groups.includes(c.group)) && (!only || only.test(`${c.group}/${c.name}`)) && (!c.when || c.when(ctx)),
  );
  const tally = (c) => (out.groups[c.group] ??= { pass: 0, fail: 0 });
  const fail = (c, e, t0) => {
    tally(c).fail += 1;
    const error = ctx.secrets.scrub(`${e?.name ?? "Error"}: ${e?.message ?? e}`);
    out.failures.push({ group: c.group, name: c.name, error: error.slice(0, 600) });
    log(`FAIL ${c.group} / ${c.name} (${Date.now() - t0} ms): ${error}`);
  };
  const runOne = async (c) => {
    const t0 = Date.now();
    try {
      await withTimeout(Promise.resolve().then(() => c.run(ctx)), c.timeoutMs ?? perCaseMs, `case "${c.name}"`);
      tally(c).pass += 1;
      log(`ok   ${c.group} / ${c.name} (${Date.now() - t0} ms)`);
    } catch (e) {
      fail(c, e, t0);
    }
  };
  const skipOf = (c) => (typeof c.skip === "function" ? c.skip(ctx) : c.skip) || null;
  // Rejections the runner records (ctx.unhandled) during this run are a failure whatever groups
  // run (the faultgrid group checks them too): a runner with a listener no longer crashes on one.
  const unhandledBefore = new Set(ctx.unhandled ?? []);

  for (let i = 0; i < selected.length; ) {
    const c = selected[i];
    if (!c.batch) {
      i += 1;
      const reason = skipOf(c);
      if (reason) {
        const t = tally(c);
        t.skip = (t.skip ?? 0) + 1;
        out.skipped.push({ group: c.group, name: c.name, reason });
        log(`skip ${c.group} / ${c.name}: ${reason}`);
        continue;
      }
      const t0 = Date.now();
      try {
        await withTimeout(ctx.reset(), 5000, "emulator reset");
      } catch (e) {
        fail(c, e, t0);
        continue;
      }
      await runOne(c);
      continue;
    }
    // A batch: every consecutive selected case with the same batch object.
    const batch = [];
    while (i < selected.length && selected[i].batch === c.batch) batch.push(selected[i++]);
    const runnable = [];
    for (const b of batch) {
      const reason = skipOf(b);
      if (!reason) {
        runnable.push(b);
        continue;
      }
      const t = tally(b);
      t.skip = (t.skip ?? 0) + 1;
      out.skipped.push({ group: b.group, name: b.name, reason });
      log(`skip ${b.group} / ${b.name}: ${reason}`);
    }
    if (runnable.length === 0) continue;
    const t0 = Date.now();
    try {
      await withTimeout(ctx.reset(), 5000, "emulator reset");
      if (c.batch.setup) await withTimeout(Promise.resolve().then(() => c.batch.setup(ctx)), 10000, "batch set-up");
    } catch (e) {
      for (const b of runnable) fail(b, e, t0);
      continue;
    }
    const lanes = new Map();
    for (const b of runnable) {
      const key = b.lane ?? b.name;
      if (!lanes.has(key)) lanes.set(key, []);
      lanes.get(key).push(b);
    }
    // Longest lanes first (a case's `weight`, default 1), so a limited number of lanes at once
    // does not leave one long lane for the end.
    const weight = (lane) => lane.reduce((n, b) => n + (b.weight ?? 1), 0);
    const queue = [...lanes.values()].sort((a, b) => weight(b) - weight(a));
    const width = Math.max(1, Math.min(queue.length, ctx.laneConcurrency ?? Infinity));
    await Promise.all(
      Array.from({ length: width }, async () => {
        while (queue.length) {
          const lane = queue.shift();
          for (const b of lane) await runOne(b);
        }
      }),
    );
  }
  const fresh = (ctx.unhandled ?? []).filter((r) => !unhandledBefore.has(r));
  if (fresh.length) {
    const shown = fresh.slice(0, 5).map((r) => (r instanceof Error ? `${r.name}: ${r.message}` : String(r))).join("; ");
    const error = ctx.secrets.scrub(`${fresh.length} unhandled promise rejection(s): ${shown}`).slice(0, 600);
    out.failures.push({ group: "runner", name: "no unhandled promise rejection", error });
    log(`FAIL runner / no unhandled promise rejection: ${error}`);
  }
  out.ms = Date.now() - started;
  return out;
}

/** The one line a runner prints for run.mjs. */
export function matrixLine(runtime, result, extra = {}) {
  return `MATRIX ${JSON.stringify({ runtime, groups: result.groups, failures: result.failures, skipped: result.skipped ?? [], ms: result.ms, ...extra })}`;
}
