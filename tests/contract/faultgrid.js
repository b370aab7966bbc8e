// The fault grid: every fault the emulator injects against every provider's helpers, as two tables
// (FAULTS and HELPERS) and the code that runs one (fault, helper) cell. Shared by the contract suite
// (group "faultgrid" in tests/contract/cases.js, run in every runtime over the emulator's HTTP
// control endpoints) and tests/js/faults.test.mjs (Node, emulator in-process), so both run the
// same expectations. No imports: the module loads in every runtime.
//
// A cell: the helper is called once against a scenario holding exactly as many faults as attempts
// are expected (so nothing is left over for the next cell), then the cell checks the error class
// (instanceof the package's classes), `err.provider`, the fault's extra checks (status,
// retryAfterMs, code), the number of requests the emulator saw (after a bounded wait for the
// count, as in the Node test) and the time taken.
// Helpers that share a scenario key (provider + method + path) share a lane: lanes run
// concurrently, the cells of a lane one after another.

/**
 * Client options of every cell: a short timeout (the delay and slow-body faults exceed it well) and
 * 2 retries. 1000 ms: in the matrix (3 runners on 2 cores, Chromium among them) a runner's event
 * loop was measured stalling up to 270 ms, and on a loaded 2-core machine (load average 12) 500 ms
 * let immediate 500 answers time out; a normal answer must never time out. The delay and slow-body
 * faults stay 1.5 s and more past it, so a late timer cannot let them succeed.
 */
/** A post as Postiz's CreatePostDto accepts it (the emulator validates as the server does). */
const GRID_POST = Object.freeze({ type: "draft", shortLink: false, date: "2030-01-01T10:00:00Z", tags: [], posts: [{ integration: { id: "int_x_demo" }, value: [{ content: "grid", image: [] }] }] });

export const GRID_CLIENT = Object.freeze({ timeoutMs: 1000, maxRetries: 2 });

/** Backoff ceilings keygate may wait before retries 1 and 2 (0.5 s, 1 s, full jitter). */
const BACKOFF_CEILINGS_MS = 500 + 1000;

/**
 * Every fault the emulator injects (pkg/emulator/README.md, "Fault reference"), with what keygate
 * must make of it.
 *   expect    the error class name, or null for success
 *   attempts  requests the emulator sees for a call that may be retried (GET, or a POST with an
 *             idempotencyKey); a POST without one is sent once when the outcome is an error
 *   status    the error's `status` (when the fault answers with one)
 *   code      the error's `code`
 *   retryAfterMs  [min, max] for the error's `retryAfterMs`
 *   opaque    the expectation where fetch hides redirects (browsers): there every redirect is refused
 */
export const FAULTS = [
  { spec: "500", expect: "ServerError", attempts: 3, status: 500 },
  { spec: "502", expect: "ServerError", attempts: 3, status: 502 },
  { spec: "503", expect: "ServerError", attempts: 3, status: 503 },
  { spec: "504", expect: "ServerError", attempts: 3, status: 504 },
  // Retry-After: 0 is a wait of 0 (retried at once); a date 120 s ahead is over the 60 s cap, so
  // the RateLimitError carries it after one attempt; PowerPost-style body retryAfter likewise.
  { spec: "429:0", expect: "RateLimitError", attempts: 3, status: 429, retryAfterMs: [0, 0] },
  { spec: "429-date:120", expect: "RateLimitError", attempts: 1, status: 429, retryAfterMs: [60_001, 122_000] },
  { spec: "429-body:90", expect: "RateLimitError", attempts: 1, status: 429, retryAfterMs: [90_000, 90_000] },
  // Headers only after 2.5 s; headers at once but the body over 3 s: both well past the timeout.
  { spec: "delay:2500", expect: "TimeoutError", attempts: 3 },
  { spec: "slow-body:3000", expect: "TimeoutError", attempts: 3 },
  { spec: "reset", expect: "NetworkError", attempts: 3 },
  { spec: "hangup", expect: "NetworkError", attempts: 3 },
  { spec: "truncated-json", expect: "ApiError", attempts: 1, code: "invalid_json" },
  { spec: "malformed-json:500", expect: "ServerError", attempts: 3, status: 500 },
  { spec: "empty-body:502", expect: "ServerError", attempts: 3, status: 502 },
  { spec: "html:503", expect: "ServerError", attempts: 3, status: 503 },
  { spec: "oversized:300000:500", expect: "ServerError", attempts: 3, status: 500 },
  { spec: "oversized:300000", expect: null, attempts: 1 },
  // Followed on the same origin; the followed request finds no fault left and succeeds.
  { spec: "redirect-same", expect: null, attempts: 2, opaque: { expect: "ApiError", attempts: 1, code: "redirect_refused" } },
  { spec: "redirect-same:307", expect: null, attempts: 2, opaque: { expect: "ApiError", attempts: 1, code: "redirect_refused" } },
  { spec: "redirect-cross", expect: "ApiError", attempts: 1, code: "redirect_refused" },
  { spec: "redirect-cross-307", expect: "ApiError", attempts: 1, code: "redirect_refused" },
];

const TEXT = (s) => new TextEncoder().encode(s);
let serial = 0;
const unique = (prefix) => `${prefix}-${Date.now().toString(36)}-${(serial += 1)}`;

/** A PowerPost draft to publish (the header fault "ok" keeps it from taking a scenario's fault). */
async function draftPost(client) {
  const r = await client.request({ method: "POST", path: "/posts", json: { content: "grid" }, headers: { "X-Keygate-Fault": "ok" }, timeoutMs: 5000, maxRetries: 0 });
  return r.data.id;
}

/**
 * Every provider's typed helpers (SPEC §1 and §4), each as it is called by a user.
 *   provider  the client's provider        match    the scenario/count key: {provider, variant?}
 *   base      which emulator URL is the client's baseUrl
 *   method, path  the request the helper sends (path relative to the provider base)
 *   idempotent    whether keygate may retry it (GET, or a POST given an idempotencyKey)
 *   credential(D), options(D)  the client's credential (default: the provider's demo API key) and extra options
 *   prepare(client)  per call set-up returning {path?, ...}; call(client, prepared); ok(value) checks a success
 */
export const HELPERS = [
  {
    name: "poesius listPresentations", provider: "poesius", match: { provider: "poesius" }, base: "poesius",
    method: "GET", path: "/presentations", idempotent: true,
    call: (c) => c.listPresentations(), ok: (v) => Array.isArray(v?.items) && v.items.length === 1 && v.limit === 1,
  },
  {
    name: "poesius generateFromDoc (Uint8Array)", provider: "poesius", match: { provider: "poesius" }, base: "poesius",
    method: "POST", path: "/slides/generate-from-doc", idempotent: false,
    call: (c) => c.generateFromDoc(TEXT("# Fault grid\n"), { filename: "grid.md", numSlides: 2 }),
    ok: (v) => /^pres_/.test(v?.presentation_id) && v.filename === "grid.md",
  },
  {
    name: "poesius createApiKey (JWT)", provider: "poesius", match: { provider: "poesius" }, base: "poesius",
    method: "POST", path: "/api-keys/", idempotent: false, credential: (D) => ({ jwt: D.poesius.jwt }),
    call: (c) => c.createApiKey({ name: "grid", description: "fault grid" }), ok: (v) => v?.name === "grid" && v.is_active === true,
  },
  // mcpCall and generateSlides both POST to the MCP endpoint: one lane, one after the other.
  {
    name: "poesius mcpCall list_templates", provider: "poesius", match: { provider: "poesius" }, base: "poesius",
    method: "POST", path: "/mcp", idempotent: false,
    call: (c) => c.mcpCall("list_templates", { limit: 10 }), ok: (v) => v?.total === 3,
  },
  {
    name: "poesius generateSlides", provider: "poesius", match: { provider: "poesius" }, base: "poesius",
    method: "POST", path: "/mcp", idempotent: false,
    call: (c) => c.generateSlides({ instructions: "Fault grid", template_id: "tpl_pitch", num_slides: 3 }),
    ok: (v) => /^pres_/.test(v?.presentation_id) && v.slide_count === 3,
  },
  {
    name: "poelis listWorkspaces", provider: "poelis", match: { provider: "poelis" }, base: "poelis",
    method: "GET", path: "/workspaces", idempotent: true,
    call: (c) => c.listWorkspaces(), ok: (v) => v?.count === 2,
  },
  {
    name: "powerpost getCredits", provider: "powerpost", match: { provider: "powerpost" }, base: "powerpost",
    method: "GET", path: "/account/credits", idempotent: true,
    call: (c) => c.getCredits(), ok: (v) => typeof v?.balance === "number",
  },
  // Each call publishes a fresh draft; the scenario matches that post's exact path, so the two
  // publishPost helpers run in lanes of their own.
  {
    name: "powerpost publishPost", provider: "powerpost", match: { provider: "powerpost" }, base: "powerpost",
    method: "POST", path: "/posts/*/publish", lane: "powerpost POST /posts/{id}/publish", idempotent: false,
    options: (D) => ({ workspaceId: D.powerpost.workspaceId }),
    prepare: async (c) => {
      const id = await draftPost(c);
      return { id, path: `/posts/${id}/publish` };
    },
    call: (c, p) => c.publishPost(p.id), ok: (v) => v?.status === "published",
  },
  {
    name: "powerpost publishPost (idempotencyKey)", provider: "powerpost", match: { provider: "powerpost" }, base: "powerpost",
    method: "POST", path: "/posts/*/publish", lane: "powerpost POST /posts/{id}/publish (idempotencyKey)", idempotent: true,
    options: (D) => ({ workspaceId: D.powerpost.workspaceId }),
    prepare: async (c) => {
      const id = await draftPost(c);
      return { id, path: `/posts/${id}/publish` };
    },
    call: (c, p) => c.publishPost(p.id, { idempotencyKey: unique("grid-pub") }), ok: (v) => v?.status === "published",
  },
  {
    name: "postiz listIntegrations", provider: "postiz", match: { provider: "postiz", variant: "hosted" }, base: "postizRoot",
    method: "GET", path: "/integrations", idempotent: true,
    call: (c) => c.listIntegrations(), ok: (v) => Array.isArray(v) && v[0]?.id === "int_x_demo",
  },
  {
    name: "postiz isConnected", provider: "postiz", match: { provider: "postiz", variant: "hosted" }, base: "postizRoot",
    method: "GET", path: "/is-connected", idempotent: true,
    call: (c) => c.isConnected(), ok: (v) => v?.connected === true,
  },
  {
    name: "postiz createPost", provider: "postiz", match: { provider: "postiz", variant: "hosted" }, base: "postizRoot",
    method: "POST", path: "/posts", idempotent: false,
    call: (c) => c.createPost(GRID_POST), ok: (v) => Array.isArray(v) && /^post_/.test(v[0]?.postId),
  },
  // The same helper with an idempotencyKey (so retried), on the self-hosted mount: its own lane.
  {
    name: "postiz createPost (idempotencyKey, self-hosted)", provider: "postiz", match: { provider: "postiz-self" }, base: "postizSelfRoot",
    method: "POST", path: "/posts", idempotent: true,
    call: (c) => c.createPost(GRID_POST, { idempotencyKey: unique("grid-post") }),
    ok: (v) => Array.isArray(v) && /^post_/.test(v[0]?.postId),
  },
  {
    name: "postiz upload (Uint8Array)", provider: "postiz", match: { provider: "postiz", variant: "hosted" }, base: "postizRoot",
    method: "POST", path: "/upload", idempotent: false,
    // Postiz sniffs the bytes (images and mp4 only) and names the file by the type it found
    call: (c) => c.upload(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), { filename: "grid.bin" }), ok: (v) => v?.name === "grid.png" && typeof v.path === "string",
  },
];

/** The lane of a helper: helpers with the same scenario key must not run concurrently. */
export function laneOf(helper) {
  return helper.lane ?? `${helper.match.provider}${helper.match.variant ? `(${helper.match.variant})` : ""} ${helper.method} ${helper.path}`;
}

/** The scenario match and count filter of a helper's request (`path` may be a call's exact path). */
export function matchOf(helper, path = helper.path) {
  return { ...helper.match, method: helper.method, path };
}

/**
 * Why a (fault, helper) cell is not run in a runtime, or null. Every skip is reported with this
 * reason (the runner's output and tests/contract/README.md).
 */
export function skipReason(fault, helper, { opaqueRedirects = false } = {}) {
  if (fault.spec === "redirect-same" && helper.method === "POST" && !opaqueRedirects) {
    return "a followed 302 turns a POST into a GET (fetch's rule, kept by keygate): the call gets that GET's answer (405, 404 or a listing), so the outcome is the endpoint's, not the fault's; redirect-same:307 covers POSTs";
  }
  return null;
}

/** The expectation of a cell: {expect, attempts, faults, status?, code?, retryAfterMs?}. */
export function expectationOf(fault, helper, { opaqueRedirects = false } = {}) {
  const f = opaqueRedirects && fault.opaque ? { ...fault, status: undefined, ...fault.opaque } : fault;
  // A POST without an idempotencyKey is sent once when it fails; following a redirect is not a retry.
  const attempts = f.expect === null || helper.idempotent ? f.attempts : 1;
  // Exactly as many faults as attempts, so none is left over for the next cell; a followed
  // same-origin redirect finds no fault left and succeeds.
  const faults = Array(f.spec.startsWith("redirect-same") ? 1 : attempts).fill(f.spec);
  return { expect: f.expect, attempts, faults, status: f.status, code: f.code, retryAfterMs: f.retryAfterMs };
}

/** The upper bound (ms) for a cell: every attempt's timeout, the backoff ceilings, and slack. */
export function boundMs(attempts, timeoutMs = GRID_CLIENT.timeoutMs) {
  return BACKOFF_CEILINGS_MS + attempts * (timeoutMs + 600) + 2500;
}

function describe(e) {
  if (e === undefined) return "success";
  if (e instanceof Error) return `${e.name}(${e.code ?? ""}, status ${e.status ?? "-"}): ${String(e.message).slice(0, 160)}`;
  return `a non-Error rejection: ${typeof e}`;
}

/**
 * Runs one (fault, helper) cell.
 * @param {object} env
 * @param {object} env.k  the keygate module
 * @param {object} env.D  DEMO_KEYS
 * @param {object} env.urls  the emulator's URLs (poesius, poelis, powerpost, postizRoot, postizSelfRoot)
 * @param {object} [env.clientDefaults]  options merged into the client (dangerouslyAllowBrowser in a window)
 * @param {(s:object)=>Promise<unknown>} env.scenario  adds a scenario
 * @param {(filter:object)=>Promise<number>} env.counts  the emulator's request count for a filter
 * @param {{ok:Function, equal:Function}} env.assert
 * @param {boolean} [env.opaqueRedirects]  fetch hides redirects (browsers)
 * @param {(match:object, attempts:number)=>void} [env.onAttempts]  told what the emulator saw, before any check
 * @returns {Promise<{match:object, attempts:number, ms:number}>}
 */
export async function runFaultCell(env, fault, helper) {
  const { k, D, assert } = env;
  const label = `${helper.name} × ${fault.spec}`;
  const exp = expectationOf(fault, helper, env);
  const client = new k.Client({
    provider: helper.provider,
    baseUrl: env.urls[helper.base],
    ...(helper.credential ? helper.credential(D) : { apiKey: D[helper.provider].apiKey }),
    ...(helper.options ? helper.options(D) : {}),
    ...GRID_CLIENT,
    ...(env.clientDefaults ?? {}),
  });
  const prepared = helper.prepare ? await helper.prepare(client) : {};
  const match = matchOf(helper, prepared.path ?? helper.path);
  await env.scenario({ match, faults: exp.faults });
  const before = await env.counts(match);
  const started = Date.now();
  const outcome = await Promise.resolve()
    .then(() => helper.call(client, prepared))
    .then((value) => ({ value }), (error) => ({ error, failed: true }));
  const ms = Date.now() - started;
  // The emulator logs a request as it arrives, but an attempt can trail the client's answer by a
  // moment (a connection still being set up): wait, bounded, for the expected count.
  let attempts = (await env.counts(match)) - before;
  for (let i = 0; i < 100 && attempts < exp.attempts; i += 1) {
    await new Promise((r) => setTimeout(r, 10));
    attempts = (await env.counts(match)) - before;
  }
  env.onAttempts?.(match, attempts);

  if (exp.expect === null) {
    assert.ok(!outcome.failed, `${label}: expected success, got ${describe(outcome.error)}`);
    // Only the answer's shape in the message: a created API key's value is a credential.
    const shape = outcome.value && typeof outcome.value === "object" ? `keys ${Object.keys(outcome.value).slice(0, 8).join(",")}` : typeof outcome.value;
    assert.ok(helper.ok(outcome.value), `${label}: the helper's answer is not the provider's (${shape})`);
  } else {
    const cls = k[exp.expect];
    assert.ok(typeof cls === "function", `${label}: keygate exports no ${exp.expect}`);
    assert.ok(outcome.failed, `${label}: expected ${exp.expect}, got success`);
    const e = outcome.error;
    assert.ok(e instanceof cls, `${label}: expected ${exp.expect}, got ${describe(e)}`);
    assert.ok(e instanceof k.KeygateError, `${label}: not a KeygateError`);
    assert.equal(e.name, exp.expect, `${label}: name`);
    assert.equal(e.provider, helper.provider, `${label}: provider`);
    if (exp.status !== undefined) assert.equal(e.status, exp.status, `${label}: status`);
    if (exp.code !== undefined) assert.equal(e.code, exp.code, `${label}: code`);
    if (exp.retryAfterMs) {
      const [min, max] = exp.retryAfterMs;
      assert.ok(e.retryAfterMs >= min && e.retryAfterMs <= max, `${label}: retryAfterMs ${e.retryAfterMs} not in [${min}, ${max}]`);
    }
  }
  assert.equal(attempts, exp.attempts, `${label}: attempts`);
  const bound = boundMs(exp.attempts);
  assert.ok(ms < bound, `${label}: took ${ms} ms (bound ${bound} ms)`);
  return { match, attempts, ms };
}

/** Every (fault, helper) pair in table order, with its lane and, where it does not apply, why. */
export function planGrid(opts = {}) {
  const cells = [];
  for (const helper of HELPERS) {
    for (const fault of FAULTS) cells.push({ fault, helper, lane: laneOf(helper), skip: skipReason(fault, helper, opts) });
  }
  return cells;
}
