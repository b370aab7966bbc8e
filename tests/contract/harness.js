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

/** The same, with Postiz's CORS as the real server has it: only its own front end may read. */
export const STRICT_CORS_CONFIG = Object.freeze({
  ...EMULATOR_CONFIG,
  cors: { postiz: "strict", postizSelf: "strict" },
});

/** The emulator fields a runner passes to a runtime (what `startEmulator()` or `GET /` gives). */
export function describeEmulator(emu) {
  return { url: emu.url, urls: { ...emu.urls }, crossOrigin: { url: emu.crossOrigin.url } };
}

/** Environment variables for `Client.fromEnv`, pointing at the emulator. */
export function envVars(urls, D) {
  return {
    POESIUS_API_KEY: D.poesius.apiKey,
    POELIS_API_KEY: D.poelis.apiKey,
    POELIS_BASE_URL: urls.poelis,
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
    runtime: o.runtime,
    browser: o.browser ?? null,
    urls,
    strict: o.strict ? { ...o.strict, control: emulatorControl(o.strict.url) } : null,
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
 * @returns {Promise<{groups: Record<string,{pass:number,fail:number}>, failures: {group:string,name:string,error:string}[], ms:number}>}
 */
export async function runCases(cases, ctx, { groups = null, only = null, perCaseMs = 20000, log = () => {} } = {}) {
  const started = Date.now();
  const out = { groups: {}, failures: [], ms: 0 };
  for (const c of cases) {
    if (groups && !groups.includes(c.group)) continue;
    if (only && !only.test(`${c.group}/${c.name}`)) continue;
    if (c.when && !c.when(ctx)) continue;
    const tally = (out.groups[c.group] ??= { pass: 0, fail: 0 });
    const t0 = Date.now();
    try {
      await withTimeout(ctx.reset(), 5000, "emulator reset");
      await withTimeout(Promise.resolve().then(() => c.run(ctx)), c.timeoutMs ?? perCaseMs, `case "${c.name}"`);
      tally.pass += 1;
      log(`ok   ${c.group} / ${c.name} (${Date.now() - t0} ms)`);
    } catch (e) {
      tally.fail += 1;
      const error = ctx.secrets.scrub(`${e?.name ?? "Error"}: ${e?.message ?? e}`);
      out.failures.push({ group: c.group, name: c.name, error: error.slice(0, 600) });
      log(`FAIL ${c.group} / ${c.name} (${Date.now() - t0} ms): ${error}`);
    }
  }
  out.ms = Date.now() - started;
  return out;
}

/** The one line a runner prints for run.mjs. */
export function matrixLine(runtime, result, extra = {}) {
  return `MATRIX ${JSON.stringify({ runtime, groups: result.groups, failures: result.failures, ms: result.ms, ...extra })}`;
}
