// The keygate contract (shared/SPEC.md) as one runtime-neutral list of cases, run unchanged in
// Node (ESM and CommonJS), Deno, Bun, Chromium (window and Web Worker) and workerd against the
// provider emulator. Each case is `{group, name, run(ctx)}` (optionally `when(ctx)` to limit it to
// some runtimes); `ctx` is built by makeContext() in ./harness.js:
//   ctx.k          the keygate module          ctx.urls      emulator URLs (+ urls.crossOrigin)
//   ctx.DEMO_KEYS  the emulator's demo keys    ctx.counts()  async request counts (HTTP control API)
//   ctx.assert     a minimal assert            ctx.client()  a client pointed at the emulator
//   ctx.grid       the fault grid's emulator   ctx.unhandled the runner's list of unhandled rejections
// Groups are the matrix columns. The only import is the fault grid's tables (./faultgrid.js, also
// import-free), so the module loads anywhere.
import { planGrid, skipReason, expectationOf, runFaultCell, boundMs } from "./faultgrid.js";

/** A post as Postiz's CreatePostDto accepts it (the emulator validates as the server does). */
const postBody = (content) => ({ type: "draft", shortLink: false, date: "2030-01-01T10:00:00Z", tags: [], posts: [{ integration: { id: "int_x_demo" }, value: [{ content, image: [] }] }] });
const PROVIDERS = ["poesius", "poelis", "powerpost", "postiz"];
const CREDENTIAL_HEADERS = ["authorization", "x-api-key", "proxy-authorization", "cookie"];

export const GROUPS = [
  "validation", "helpers", "errors", "retries", "timeouts", "redirects", "guards",
  "postiz-selfhosted", "fromEnv", "secrets", "hostile", "cors", "browser", "hooks", "rotation", "pace", "faultgrid",
];

export const cases = [];
const group = (name) => (caseName, run, extra = {}) => cases.push({ group: name, name: caseName, run, ...extra });

/** Checks the SPEC §5 fields of an error that came from the emulator. */
function expectHttpError(ctx, e, { cls, status, provider, message, providerCode = null, code }) {
  const { assert, k } = ctx;
  assert.instanceOf(e, k[cls], `${provider} ${status}`);
  assert.instanceOf(e, k.KeygateError);
  assert.instanceOf(e, Error);
  assert.equal(e.name, cls, "name");
  assert.equal(e.status, status, "status");
  assert.equal(e.provider, provider, "provider");
  if (message !== undefined) assert.equal(e.message, message, "message");
  assert.equal(e.providerCode, providerCode, "providerCode");
  // Postiz's server sets no request-id header (the emulator models that): keygate reports null.
  if (provider === "postiz") assert.equal(e.requestId, null, "requestId");
  else assert.match(String(e.requestId), /^req_[0-9a-z]+$/, "requestId");
  if (code) assert.equal(e.code, code, "code");
  const j = JSON.parse(JSON.stringify(e));
  assert.equal(j.name, cls, "toJSON name");
  assert.equal(j.status, status, "toJSON status");
}

/** The log entry the emulator wrote for a request id. */
async function logEntry(ctx, requestId) {
  return (await ctx.log()).find((e) => e.requestId === requestId);
}

/** Gaps (ms) between consecutive attempts, measured by the emulator. */
function gaps(entries) {
  const times = entries.map((e) => Date.parse(e.time));
  return times.slice(1).map((t, i) => t - times[i]);
}

// =================================================================== validation

const validation = group("validation");

validation("validateKey accepts every demo credential, with the documented kind, redaction and warnings", ({ k, DEMO_KEYS: D, assert }) => {
  const rows = [
    ["poesius", D.poesius.apiKey, undefined, "api_key", "pk_…", []],
    ["poesius", D.poesius.jwt, "jwt", "jwt", "…", []],
    ["poesius", D.poesius.expiredJwt, "jwt", "jwt", "…", ["jwt_expired"]],
    ["poesius", D.poesius.oauthToken, "oauth_token", "oauth_token", "…", []],
    ["poelis", D.poelis.apiKey, undefined, "api_key", "poelis_api_…", []],
    ["poelis", D.poelis.secondApiKey, "api_key", "api_key", "poelis_api_…", []],
    ["powerpost", D.powerpost.apiKey, undefined, "api_key", "pp_live_sk_…", []],
    ["powerpost", D.powerpost.draftKey, undefined, "api_key", "pp_live_sk_…", []],
    ["postiz", D.postiz.apiKey, undefined, "api_key", "…", []],
    ["postiz", D.postiz.oauthToken, undefined, "oauth_token", "pos_…", []], // pos_ is an OAuth token whatever kind is passed
    ["postiz", D.postiz.oauthToken, "oauth_token", "oauth_token", "pos_…", []],
  ];
  for (const [provider, key, kind, expectKind, prefix, warnings] of rows) {
    const v = k.validateKey(provider, key, kind);
    const label = `${provider} ${expectKind}`;
    assert.equal(v.ok, true, label);
    assert.equal(v.code, "ok", label);
    assert.equal(v.provider, provider, label);
    assert.equal(v.kind, expectKind, label);
    assert.equal(v.redacted, `${prefix}${key.slice(-4)}`, `${label} redacted`);
    assert.deepEqual(v.warnings.map((w) => w.code), warnings, `${label} warnings`);
    assert.equal(typeof v.message, "string");
    assert.noSecret(JSON.stringify(v), label);
  }
  assert.equal(k.validateKey("powerpost", D.powerpost.apiKey).env, "live");
});

validation("shared checks give their stable codes for every provider, in the documented order", ({ k, DEMO_KEYS: D, assert }) => {
  const keys = { poesius: D.poesius.apiKey, poelis: D.poelis.apiKey, powerpost: D.powerpost.apiKey, postiz: D.postiz.apiKey };
  for (const p of PROVIDERS) {
    const key = keys[p];
    const rows = [
      ["", "empty"],
      ["   \t", "whitespace"],
      [` ${key}`, "whitespace"],
      [`${key}\n`, "whitespace"],
      [`${key.slice(0, 12)} ${key.slice(12)}`, "whitespace"],
      [`Bearer ${key}`, "has_scheme"],
      [`X-API-Key: ${key}`, "has_scheme"],
      [`Authorization: ${key}`, "has_scheme"],
      [`${key}\u0000`, "control_char"],
      [`${key}\u007f`, "control_char"],
      [`${key.slice(0, -1)}é`, "non_ascii"],
      ["x".repeat(600), "too_long"],
    ];
    for (const [input, code] of rows) {
      const v = k.validateKey(p, input);
      assert.equal(v.ok, false, `${p} ${code}`);
      assert.equal(v.code, code, `${p} ${JSON.stringify(input.slice(0, 14))}`);
      assert.noSecret(JSON.stringify(v), `${p} ${code}`);
    }
  }
  assert.equal(k.validateKey("poelis", D.poesius.jwt, "jwt").code, "unsupported_kind");
  assert.equal(k.validateKey("powerpost", D.powerpost.apiKey, "oauth_token").code, "unsupported_kind");
  assert.equal(k.validateKey("poesius", "x".repeat(5000), "jwt").code, "too_long");
  assert.equal(k.validateKey("nope", D.poelis.apiKey).code, "unknown_provider");
});

validation("provider rules: prefixes, charsets, lengths, PowerPost env and key type, JWT shape", ({ k, DEMO_KEYS: D, assert }) => {
  const rows = [
    ["poesius", "pk_ab", undefined, false, "too_short"],
    ["poesius", "pk_abc$defghij", undefined, false, "bad_charset"],
    ["poesius", D.poesius.jwt, undefined, false, "wrong_prefix", /jwt/i],
    ["poesius", D.poelis.apiKey, undefined, false, "wrong_prefix", /pk_/],
    ["poesius", "a.b", "jwt", false, "bad_jwt"],
    ["poesius", "not-a-jwt", "jwt", false, "bad_jwt"],
    ["poesius", D.poesius.apiKey, "oauth_token", false, "wrong_prefix"],
    ["poelis", "poelis_api_short", undefined, false, "too_short"],
    ["poelis", "poelis_api_abc+defghijkl", undefined, false, "bad_charset"],
    ["poelis", D.powerpost.apiKey, undefined, false, "wrong_prefix", /PowerPost/],
    ["poelis", "<poelis_api_YOUR_KEY_HERE>", undefined, false, "wrong_prefix"],
    ["powerpost", "pp_prod_sk_abcdefgh12", undefined, false, "bad_env"],
    ["powerpost", "pp_live_pk_abcdefgh12", undefined, false, "not_secret_key"],
    ["powerpost", "pp_live_sk_short", undefined, false, "too_short"],
    ["powerpost", D.poelis.apiKey, undefined, false, "wrong_prefix", /Poelis/],
    ["postiz", D.poesius.apiKey, undefined, false, "wrong_prefix", /Poesius/],
    ["postiz", "pos_short", undefined, false, "too_short"],
    ["postiz", "short", undefined, false, "too_short"],
  ];
  for (const [p, key, kind, ok, code, re] of rows) {
    const v = k.validateKey(p, key, kind);
    assert.equal(v.ok, ok, `${p} ${code}`);
    assert.equal(v.code, code, `${p} ${key.slice(0, 12)}`);
    if (re) assert.match(v.message, re, `${p} ${code} message`);
  }
  const warn = (p, key, kind) => k.validateKey(p, key, kind).warnings.map((w) => w.code);
  assert.deepEqual(warn("poelis", `poelis_api_${"a".repeat(60)}`), ["unusual_length"]);
  // The format the official SDK's examples show: accepted, with a warning naming the documented one.
  const live = `poelis_live_${"Ab3_".repeat(10)}`;
  assert.deepEqual(warn("poelis", live), ["earlier_format"]);
  assert.equal(k.validateKey("poelis", live).ok, true);
  assert.equal(k.detectProvider(live), "poelis");
  assert.equal(k.redact(live), `poelis_live_…${live.slice(-4)}`);
  assert.deepEqual(warn("powerpost", "pp_test_sk_abcdefgh12"), ["test_key"]);
  assert.equal(k.validateKey("powerpost", "pp_test_sk_abcdefgh12").env, "test");
  assert.deepEqual(warn("postiz", "YOUR_API_KEY"), ["unusual_format"]);
  assert.deepEqual(warn("postiz", "pos_abcdefghij"), ["unusual_format"]);
  assert.equal(k.validateKey("powerpost", "pp_live_sk_YOUR_KEY_HERE").ok, true);
  assert.equal(k.validateKey("poesius", "pk_your_api_key_here").ok, true);
});

validation("validateKey never throws and never echoes, whatever it is given", ({ k, DEMO_KEYS: D, assert }) => {
  for (const bad of [undefined, null, 42, {}, [], true, () => 1]) {
    const v = k.validateKey("poelis", bad);
    assert.equal(v.ok, false);
    assert.ok(["empty", "not_a_string"].includes(v.code), `code ${v.code}`);
  }
  assert.equal(k.validateKey("poelis", D.poelis.apiKey, "weird").code, "unsupported_kind");
  assert.equal(k.validateKey("poelis", "x".repeat(200000)).code, "too_long");
  for (const key of [D.poelis.apiKey, `${D.poelis.apiKey} `, `Bearer ${D.poelis.apiKey}`, `${D.poelis.apiKey}\r\n`]) {
    assert.noSecret(JSON.stringify(k.validateKey("powerpost", key)));
    assert.noSecret(JSON.stringify(k.validateKey("poelis", key)));
  }
});

validation("detectProvider recognises pk_, poelis_api_, pp_ and pos_ only", ({ k, DEMO_KEYS: D, assert }) => {
  assert.equal(k.detectProvider(D.poesius.apiKey), "poesius");
  assert.equal(k.detectProvider(D.poelis.apiKey), "poelis");
  assert.equal(k.detectProvider(D.powerpost.apiKey), "powerpost");
  assert.equal(k.detectProvider(D.powerpost.draftKey), "powerpost");
  assert.equal(k.detectProvider(D.postiz.oauthToken), "postiz");
  assert.equal(k.detectProvider(D.postiz.apiKey), null);
  assert.equal(k.detectProvider(D.poesius.jwt), null);
  assert.equal(k.detectProvider(""), null);
  assert.equal(k.detectProvider(undefined), null);
  assert.equal(k.detectProvider(42), null);
});

validation("redact shows the prefix and the last 4 characters at most", ({ k, DEMO_KEYS: D, assert }) => {
  assert.equal(k.redact(D.poesius.apiKey), `pk_…${D.poesius.apiKey.slice(-4)}`);
  assert.equal(k.redact(D.poelis.apiKey), `poelis_api_…${D.poelis.apiKey.slice(-4)}`);
  assert.equal(k.redact(D.powerpost.apiKey), `pp_live_sk_…${D.powerpost.apiKey.slice(-4)}`);
  assert.equal(k.redact(D.postiz.oauthToken), `pos_…${D.postiz.oauthToken.slice(-4)}`);
  assert.equal(k.redact(D.postiz.apiKey), `…${D.postiz.apiKey.slice(-4)}`);
  assert.equal(k.redact("pk_abc"), "pk_…");
  assert.equal(k.redact("abc"), "…");
  assert.equal(k.redact(42), "…");
  for (const s of Object.values(D).flatMap((g) => Object.values(g))) assert.noSecret(k.redact(s));
});

validation("buildHeaders gives exactly the documented headers for every provider and credential", ({ k, DEMO_KEYS: D, assert }) => {
  const entries = (o) => Object.entries(k.buildHeaders(o));
  assert.deepEqual(entries({ provider: "poesius", apiKey: D.poesius.apiKey }), [["X-API-Key", D.poesius.apiKey]]);
  assert.deepEqual(entries({ provider: "poesius", jwt: D.poesius.jwt }), [["Authorization", `Bearer ${D.poesius.jwt}`]]);
  assert.deepEqual(entries({ provider: "poesius", oauthToken: D.poesius.oauthToken }), [["Authorization", `Bearer ${D.poesius.oauthToken}`]]);
  assert.deepEqual(entries({ provider: "poelis", apiKey: D.poelis.apiKey }), [["Authorization", `Bearer ${D.poelis.apiKey}`]]);
  assert.deepEqual(entries({ provider: "powerpost", apiKey: D.powerpost.apiKey }), [["x-api-key", D.powerpost.apiKey]]);
  assert.deepEqual(entries({ provider: "powerpost", apiKey: D.powerpost.apiKey, workspaceId: "ws_123" }), [["x-api-key", D.powerpost.apiKey], ["X-Workspace-Id", "ws_123"]]);
  assert.deepEqual(entries({ provider: "powerpost", apiKey: D.powerpost.apiKey, scheme: "bearer" }), [["Authorization", `Bearer ${D.powerpost.apiKey}`]]);
  assert.deepEqual(entries({ provider: "postiz", apiKey: D.postiz.apiKey }), [["Authorization", D.postiz.apiKey]]);
  assert.deepEqual(entries({ provider: "postiz", oauthToken: D.postiz.oauthToken }), [["Authorization", D.postiz.oauthToken]]);
  const h = k.buildHeaders({ provider: "powerpost", apiKey: D.powerpost.apiKey, workspaceId: "ws_123" });
  assert.noSecret(JSON.stringify(h), "JSON.stringify(headers)");
  assert.noSecret(String(h), "String(headers)");
  assert.match(JSON.stringify(h), /pp_live_sk_…/);
});

validation("buildHeaders validates first and never lets CR, LF or NUL into a header", ({ k, DEMO_KEYS: D, assert }) => {
  for (const bad of [`${D.poelis.apiKey}\r\nX-Evil: 1`, `${D.poelis.apiKey}\n`, `${D.poelis.apiKey}\u0000`, `Bearer ${D.poelis.apiKey}`, ""]) {
    const e = assert.throws(() => k.buildHeaders({ provider: "poelis", apiKey: bad }), k.KeyFormatError);
    assert.noSecret(`${e.message} ${JSON.stringify(e)}`);
  }
  assert.throws(() => k.buildHeaders({ provider: "powerpost", apiKey: D.powerpost.apiKey, workspaceId: "ws\r\nX: y" }), k.ConfigError);
  assert.throws(() => k.buildHeaders({ provider: "powerpost", apiKey: D.powerpost.apiKey, workspaceId: "ws\u0000" }), k.ConfigError);
  assert.throws(() => k.buildHeaders({ provider: "poelis", apiKey: D.poelis.apiKey, jwt: D.poesius.jwt }), k.ConfigError);
  assert.throws(() => k.buildHeaders(null), k.ConfigError);
  assert.throws(() => k.buildHeaders({ provider: "poelis", apiKey: 5 }), k.KeyFormatError);
  for (const p of PROVIDERS) {
    const key = { poesius: D.poesius.apiKey, poelis: D.poelis.apiKey, powerpost: D.powerpost.apiKey, postiz: D.postiz.apiKey }[p];
    for (const v of Object.values(k.buildHeaders({ provider: p, apiKey: key }))) assert.ok(!/[\r\n\u0000]/.test(v), `${p} header value`);
  }
});

// =================================================================== helpers

const helpers = group("helpers");

helpers("Poesius generateFromDoc with a Uint8Array (multipart field document, num_slides)", async (ctx) => {
  const { assert } = ctx;
  const r = await ctx.client("poesius").generateFromDoc(new TextEncoder().encode("# Quarterly notes\n"), { filename: "notes.md", numSlides: 4 });
  assert.match(r.presentation_id, /^pres_/);
  assert.equal(r.slide_count, 4);
  assert.equal(r.filename, "notes.md");
  assert.equal(r.size_bytes, 18);
  assert.equal(r.credits_remaining, 2);
  assert.equal(await ctx.counts({ provider: "poesius", method: "POST", path: "/slides/generate-from-doc", status: 200 }), 1);
});

helpers("Poesius generateFromDoc with a Blob and a template", async (ctx) => {
  const { assert } = ctx;
  const r = await ctx.client("poesius").generateFromDoc(new Blob(["%PDF-1.4 fake"], { type: "application/pdf" }), { templateId: "tpl_minimal" });
  assert.equal(r.template_id, "tpl_minimal");
  assert.equal(r.filename, "document.pdf");
  assert.equal(r.size_bytes, 13);
  assert.equal(r.status, "completed");
});

helpers("Poesius listPresentations (limit=1, the documents' key check) and a larger page", async (ctx) => {
  const { assert } = ctx;
  const c = ctx.client("poesius");
  const one = await c.listPresentations();
  assert.equal(one.items.length, 1);
  assert.equal(one.total, 2);
  assert.equal(one.limit, 1);
  assert.equal((await c.listPresentations({ limit: 5 })).items.length, 2);
  assert.equal(await ctx.counts({ provider: "poesius", method: "GET", path: "/presentations" }), 2);
});

helpers("Poesius createApiKey with the demo JWT; the new key works at once", async (ctx) => {
  const { assert, k, DEMO_KEYS: D } = ctx;
  const created = await ctx.client("poesius", { jwt: D.poesius.jwt }).createApiKey({ name: "ci", description: "matrix" });
  ctx.secrets.add(created.key);
  assert.equal(created.name, "ci");
  assert.equal(created.description, "matrix");
  assert.equal(created.is_active, true);
  assert.match(created.id, /^[0-9a-f-]{36}$/);
  assert.match(created.created_at, /^\d{4}-\d\d-\d\dT/);
  assert.equal(k.validateKey("poesius", created.key).ok, true);
  const fresh = ctx.client("poesius", { apiKey: created.key });
  assert.equal((await fresh.listPresentations()).total, 2);
  assert.noSecret(String(fresh));
});

helpers("Poesius mcpCall list_templates over the MCP endpoint", async (ctx) => {
  const { assert } = ctx;
  const r = await ctx.client("poesius").mcpCall("list_templates", { limit: 10 }, { id: 7 });
  assert.deepEqual(r.templates.map((t) => t.template_id), ["tpl_corporate", "tpl_minimal", "tpl_pitch"]);
  assert.equal(r.total, 3);
  assert.equal(r.content[0].type, "text");
  assert.equal(await ctx.counts({ provider: "poesius", method: "POST", path: "/mcp" }), 1);
});

helpers("Poesius generateSlides: requires_template comes back as a result, then works with a template", async (ctx) => {
  const { assert } = ctx;
  const c = ctx.client("poesius");
  const first = await c.generateSlides({ instructions: "A pitch for keygate" });
  assert.equal(first.requires_template, true);
  assert.deepEqual(first.available_templates.map((t) => t.template_id), ["tpl_corporate", "tpl_minimal", "tpl_pitch"]);
  assert.equal(first.default_template_id, null);
  const second = await c.generateSlides({ instructions: "A pitch for keygate", template_id: "tpl_pitch", num_slides: 6 });
  assert.match(second.presentation_id, /^pres_/);
  assert.equal(second.template_id, "tpl_pitch");
  assert.equal(second.slide_count, 6);
});

helpers("Poesius user credentials (JWT, OAuth token) call the REST API with Bearer", async (ctx) => {
  const { assert, DEMO_KEYS: D } = ctx;
  assert.equal((await ctx.client("poesius", { jwt: D.poesius.jwt }).listPresentations()).total, 2);
  assert.equal((await ctx.client("poesius", { oauthToken: D.poesius.oauthToken }).listPresentations()).total, 2);
  const log = await ctx.log();
  assert.deepEqual(log.map((e) => String(e.headers.authorization).split(" ")[0]), ["Bearer", "Bearer"]);
  assert.ok(log.every((e) => !("x-api-key" in e.headers)), "no X-API-Key with a user token");
});

helpers("Poelis listWorkspaces ({items, count}) and the raw response fields", async (ctx) => {
  const { assert } = ctx;
  const c = ctx.client("poelis");
  assert.deepEqual(await c.listWorkspaces(), { items: [{ id: "ws_1", name: "Main" }, { id: "ws_2", name: "Research" }], count: 2 });
  const r = await c.request({ path: "/workspaces/ws_2" });
  assert.equal(r.status, 200);
  assert.deepEqual(r.data, { id: "ws_2", name: "Research" });
  assert.match(r.requestId, /^req_/);
  assert.equal(r.headers["x-request-id"], r.requestId);
  assert.equal(r.headers["x-ratelimit-limit"], "60");
  const entry = await logEntry(ctx, r.requestId);
  assert.match(entry.headers.authorization, /^Bearer poelis_api_…/);
});

helpers("Poelis graphql: data from the SDK's endpoint, errors as typed errors, refused locally elsewhere", async (ctx) => {
  const { assert, k } = ctx;
  const c = ctx.client("poelis");
  const data = await c.graphql("query Ws($limit: Int) { workspaces(limit: $limit) { id name } }", { limit: 1 }, { operationName: "Ws" });
  assert.deepEqual(data, { workspaces: [{ id: "ws_1", name: "Main" }] });
  const [entry] = await ctx.log();
  assert.equal(entry.method, "POST");
  assert.match(entry.url, /\/poelis\/v1\/graphql$/);
  assert.match(entry.headers.authorization, /^Bearer poelis_api_…/);
  // A resolver error in a 200 answer: the class its extensions.code names.
  const missing = await c.graphql('mutation { setProductBaselineVersion(productId: "nope", versionNumber: 1) { id } }').then((r) => r, (x) => x);
  assert.ok(missing instanceof k.NotFoundError, `expected NotFoundError, got ${missing?.name}`);
  assert.equal(missing.status, 200);
  assert.equal(missing.providerCode, "not_found");
  assert.match(missing.message, /not found/);
  // A query the server cannot parse (400 with errors) and an unknown field: BadRequestError.
  for (const q of ["query {", "{ nope { id } }"]) {
    const e = await c.graphql(q).then((r) => r, (x) => x);
    assert.ok(e instanceof k.BadRequestError, `${q}: expected BadRequestError, got ${e?.name}`);
  }
  // Bad arguments and providers without GraphQL: ConfigErrors, nothing sent.
  const before = (await ctx.log()).length;
  for (const [client, args] of [[c, [""]], [c, [5]], [c, ["{ workspaces { id } }", [1]]], [c, ["{ workspaces { id } }", {}, { operationName: 5 }]], [ctx.client("postiz"), ["{ workspaces { id } }"]]]) {
    const e = await client.graphql(...args).then((r) => r, (x) => x);
    assert.ok(e instanceof k.ConfigError, `${JSON.stringify(args)}: expected ConfigError, got ${e?.name}`);
  }
  const refused = await ctx.client("postiz").graphql("{ a }").then((r) => r, (x) => x);
  assert.equal(refused.code, "no_graphql");
  assert.equal((await ctx.log()).length, before, "nothing reached the emulator");
});

helpers("PowerPost getCredits needs no workspace; both auth schemes work", async (ctx) => {
  const { assert } = ctx;
  assert.deepEqual(await ctx.client("powerpost").getCredits(), { balance: 3 });
  assert.deepEqual(await ctx.client("powerpost", { scheme: "bearer" }).getCredits(), { balance: 3 });
  const [a, b] = await ctx.log();
  assert.ok(!("x-workspace-id" in a.headers), "no X-Workspace-Id on an account endpoint");
  assert.match(a.headers["x-api-key"], /^pp_live_sk_…/);
  assert.match(b.headers.authorization, /^Bearer pp_live_sk_…/);
});

helpers("PowerPost publishPost (workspace scoped, full-access key)", async (ctx) => {
  const { assert, DEMO_KEYS: D } = ctx;
  const c = ctx.client("powerpost", { workspaceId: D.powerpost.workspaceId, keyType: "read_write" });
  const draft = await c.request({ method: "POST", path: "/posts", json: { content: "hello", platforms: ["x"] } });
  assert.equal(draft.status, 201);
  assert.equal(draft.data.status, "draft");
  const published = await c.publishPost(draft.data.id);
  assert.equal(published.status, "published");
  assert.equal(published.workspace_id, D.powerpost.workspaceId);
  assert.equal((await ctx.state()).powerpost.credits, 2);
  const log = await ctx.log();
  assert.ok(log.every((e) => e.headers["x-workspace-id"] === D.powerpost.workspaceId), "X-Workspace-Id on content calls");
});

helpers("Postiz listIntegrations and isConnected with an API key and with a pos_ OAuth token", async (ctx) => {
  const { assert, DEMO_KEYS: D } = ctx;
  for (const cred of [{ apiKey: D.postiz.apiKey }, { oauthToken: D.postiz.oauthToken }]) {
    const c = ctx.client("postiz", cred);
    const list = await c.listIntegrations();
    assert.deepEqual(list.map((i) => i.id), ["int_x_demo", "int_linkedin_demo"]);
    assert.deepEqual(await c.isConnected(), { connected: true });
  }
  const log = await ctx.log();
  assert.ok(log.every((e) => !String(e.headers.authorization).startsWith("Bearer")), "raw Authorization, no Bearer");
  assert.equal(await ctx.counts({ provider: "postiz", variant: "hosted" }), 4);
});

helpers("Postiz createPost and upload (Blob and Uint8Array)", async (ctx) => {
  const { assert } = ctx;
  const c = ctx.client("postiz");
  const created = await c.createPost(postBody("hi"));
  assert.equal(created.length, 1);
  assert.match(created[0].postId, /^post_/);
  assert.equal(created[0].integration, "int_x_demo");
  // Postiz answers media.repository.ts saveFile's fields; the name's extension is the sniffed type
  const png = [137, 80, 78, 71, 13, 10, 26, 10];
  const a = await c.upload(new Blob([new Uint8Array(png)], { type: "image/png" }), { filename: "logo.png" });
  assert.equal(a.name, "logo.png");
  assert.equal(typeof a.path, "string");
  const b = await c.upload(new Uint8Array(png));
  assert.equal(b.name, "upload.png");
  assert.deepEqual((await ctx.state()).postiz, { posts: 1, uploads: 2 });
});

// =================================================================== errors

const errors = group("errors");

errors("Poesius: revoked key 401, unknown key 401, expired JWT 401 (AuthenticationError, provider's detail)", async (ctx) => {
  const { assert, DEMO_KEYS: D } = ctx;
  const cases = [
    [{ apiKey: D.poesius.revokedKey }, "API key has been revoked"],
    [{ apiKey: "pk_unknown_ZZ9x8c7v6b5n4m3" }, "Invalid API key"],
    [{ jwt: D.poesius.expiredJwt }, "Token has expired"],
  ];
  for (const [cred, message] of cases) {
    const e = await assert.rejects(ctx.client("poesius", cred).listPresentations(), ctx.k.AuthenticationError);
    expectHttpError(ctx, e, { cls: "AuthenticationError", status: 401, provider: "poesius", message, code: "authentication_failed" });
    assert.equal((await logEntry(ctx, e.requestId)).status, 401, "the request id is the emulator's");
  }
});

errors("Poesius: credits exhausted 402 (CREDITS_EXHAUSTED), API key on /api-keys/ 403, bad limit 422", async (ctx) => {
  const { assert } = ctx;
  const c = ctx.client("poesius");
  for (let i = 0; i < 3; i += 1) await c.generateFromDoc(new TextEncoder().encode("x"), { filename: "a.txt" });
  const pay = await assert.rejects(c.generateFromDoc(new TextEncoder().encode("x"), { filename: "a.txt" }), ctx.k.PaymentRequiredError);
  expectHttpError(ctx, pay, { cls: "PaymentRequiredError", status: 402, provider: "poesius", message: "Insufficient credits", providerCode: "CREDITS_EXHAUSTED" });
  const perm = await assert.rejects(c.request({ method: "POST", path: "/api-keys/", json: { name: "x" } }), ctx.k.PermissionError);
  expectHttpError(ctx, perm, { cls: "PermissionError", status: 403, provider: "poesius", message: "API keys can only be managed with a JWT from the web app (Authorization: Bearer <jwt>)" });
  const bad = await assert.rejects(c.listPresentations({ limit: 0 }), ctx.k.BadRequestError);
  expectHttpError(ctx, bad, { cls: "BadRequestError", status: 422, provider: "poesius", message: "Query parameter 'limit' must be an integer between 1 and 100" });
});

errors("Poelis: a key sent wrong is 401 unauthorized; keygate only ever sends it as Bearer", async (ctx) => {
  const { assert, k, DEMO_KEYS: D, urls } = ctx;
  // What the provider says to a key in the wrong header (a hand-rolled client's mistake).
  const raw = await fetch(`${urls.poelis}/workspaces`, { headers: { "X-API-Key": D.poelis.apiKey }, signal: AbortSignal.timeout(4000) });
  assert.equal(raw.status, 401);
  assert.deepEqual(await raw.json(), { error: "unauthorized", message: "Invalid or missing API key" });
  // keygate: the same message and code, classified.
  const e = await assert.rejects(ctx.client("poelis", { apiKey: "poelis_api_notRegistered-Aa1Bb2Cc3Dd4Ee5Ff6" }).listWorkspaces(), k.AuthenticationError);
  expectHttpError(ctx, e, { cls: "AuthenticationError", status: 401, provider: "poelis", message: "Invalid or missing API key", providerCode: "unauthorized" });
  // keygate will not send the key any other way, nor accept another provider's key.
  const managed = await assert.rejects(ctx.client("poelis").request({ path: "/workspaces", headers: { "X-API-Key": D.poelis.apiKey } }), k.ConfigError);
  assert.equal(managed.code, "managed_header");
  const wrong = assert.throws(() => ctx.client("powerpost", { apiKey: D.poelis.apiKey }), k.KeyFormatError);
  assert.equal(wrong.code, "wrong_prefix");
  assert.match(wrong.message, /Poelis/);
  assert.equal(await ctx.counts({ provider: "poelis" }), 2);
});

errors("Poelis: 404 NotFoundError with the provider's code and message", async (ctx) => {
  const e = await ctx.assert.rejects(ctx.client("poelis").request({ path: "/workspaces/nope" }), ctx.k.NotFoundError);
  expectHttpError(ctx, e, { cls: "NotFoundError", status: 404, provider: "poelis", message: "Workspace 'nope' not found", providerCode: "not_found", code: "not_found" });
});

errors("PowerPost: 403 foreign workspace, 403 draft key publishing, 401 revoked key", async (ctx) => {
  const { assert, DEMO_KEYS: D, k } = ctx;
  const foreign = await assert.rejects(ctx.client("powerpost", { workspaceId: D.powerpost.foreignWorkspaceId }).request({ path: "/posts" }), k.PermissionError);
  expectHttpError(ctx, foreign, { cls: "PermissionError", status: 403, provider: "powerpost", message: "You do not have access to this workspace", providerCode: "FORBIDDEN" });
  const rw = ctx.client("powerpost", { workspaceId: D.powerpost.workspaceId });
  const post = (await rw.request({ method: "POST", path: "/posts", json: { content: "x" } })).data;
  // keyType not declared: the server's 403 is what tells.
  const draft = await assert.rejects(ctx.client("powerpost", { apiKey: D.powerpost.draftKey, workspaceId: D.powerpost.workspaceId }).publishPost(post.id), k.PermissionError);
  expectHttpError(ctx, draft, { cls: "PermissionError", status: 403, provider: "powerpost", message: "This API key is draft-only (read_draft) and cannot publish posts", providerCode: "FORBIDDEN" });
  const revoked = await assert.rejects(ctx.client("powerpost", { apiKey: D.powerpost.revokedKey }).getCredits(), k.AuthenticationError);
  expectHttpError(ctx, revoked, { cls: "AuthenticationError", status: 401, provider: "powerpost", message: "API key has been revoked", providerCode: "INVALID_API_KEY" });
});

errors("PowerPost: 409 ALREADY_PUBLISHED (ApiError) and 402 INSUFFICIENT_CREDITS", async (ctx) => {
  const { assert, DEMO_KEYS: D, k } = ctx;
  const c = ctx.client("powerpost", { workspaceId: D.powerpost.workspaceId });
  const ids = [];
  for (let i = 0; i < 4; i += 1) ids.push((await c.request({ method: "POST", path: "/posts", json: { content: `p${i}` } })).data.id);
  await c.publishPost(ids[0]);
  const again = await assert.rejects(c.publishPost(ids[0]), k.ApiError);
  expectHttpError(ctx, again, { cls: "ApiError", status: 409, provider: "powerpost", message: "Post has already been published", providerCode: "ALREADY_PUBLISHED", code: "api_error" });
  await c.publishPost(ids[1]);
  await c.publishPost(ids[2]);
  const broke = await assert.rejects(c.publishPost(ids[3]), k.PaymentRequiredError);
  expectHttpError(ctx, broke, { cls: "PaymentRequiredError", status: 402, provider: "powerpost", message: "Insufficient credits to publish", providerCode: "INSUFFICIENT_CREDITS" });
});

errors("Postiz: no subscription is a SubscriptionError (an AuthenticationError), for API keys and OAuth tokens", async (ctx) => {
  const { assert, DEMO_KEYS: D, k } = ctx;
  for (const cred of [{ apiKey: D.postiz.noSubscriptionKey }, { oauthToken: D.postiz.noSubscriptionOAuthToken }]) {
    const e = await assert.rejects(ctx.client("postiz", cred).listIntegrations(), k.SubscriptionError);
    assert.instanceOf(e, k.AuthenticationError);
    expectHttpError(ctx, e, { cls: "SubscriptionError", status: 401, provider: "postiz", message: "No subscription found", code: "subscription_required" });
  }
  const bad = await assert.rejects(ctx.client("postiz", { apiKey: "0".repeat(64) }).listIntegrations(), k.AuthenticationError);
  assert.ok(!(bad instanceof k.SubscriptionError), "an invalid key is not a subscription problem");
  expectHttpError(ctx, bad, { cls: "AuthenticationError", status: 401, provider: "postiz", message: "Invalid API key" });
  const badToken = await assert.rejects(ctx.client("postiz", { oauthToken: `pos_${"A1".repeat(20)}` }).listIntegrations(), k.AuthenticationError);
  assert.equal(badToken.message, "Invalid OAuth token");
});

errors("Postiz: the post-creation limit answers 429 RateLimitError with retryAfterMs", async (ctx) => {
  const { assert, k } = ctx;
  const c = ctx.client("postiz", { maxRetries: 2 });
  for (let i = 0; i < 3; i += 1) await c.createPost(postBody(`n${i}`), { idempotencyKey: `kg-${i}` });
  const e = await assert.rejects(c.createPost({ value: [] }, { idempotencyKey: "kg-4" }), k.RateLimitError);
  expectHttpError(ctx, e, { cls: "RateLimitError", status: 429, provider: "postiz", message: "ThrottlerException: Too Many Requests", code: "rate_limited" });
  assert.atLeast(e.retryAfterMs, 3_500_000, "retryAfterMs (about an hour)");
  assert.equal(await ctx.counts({ provider: "postiz", method: "POST", path: "/posts" }), 4, "a wait over 60 s is not retried");
});

errors("429 from every provider: RateLimitError with the server's wait (header or PowerPost body)", async (ctx) => {
  const { assert, k } = ctx;
  const rows = [
    ["poesius", "/presentations", "429:3", 3000, "Rate limit exceeded", null],
    ["poelis", "/workspaces", "429:2", 2000, "Rate limit exceeded. Retry after 2 seconds.", "rate_limit_exceeded"],
    ["powerpost", "/account/credits", "429-body:7", 7000, "Rate limit exceeded", "RATE_LIMIT_EXCEEDED"],
    ["postiz", "/integrations", "429:4", 4000, "ThrottlerException: Too Many Requests", null],
  ];
  for (const [p, path, spec, ms, message, providerCode] of rows) {
    const e = await assert.rejects(ctx.client(p).request({ path, headers: ctx.fault(spec) }), k.RateLimitError);
    expectHttpError(ctx, e, { cls: "RateLimitError", status: 429, provider: p, message, providerCode });
    assert.equal(e.retryAfterMs, ms, `${p} retryAfterMs`);
  }
});

/** Checks a `rateLimit` field: exactly `{ limit, remaining, resetAt }`, resetAt epoch ms near `resetIn` from now. */
function expectRateLimit(ctx, rl, { limit, remaining, resetIn, slackMs = 5000 }, what) {
  const { assert } = ctx;
  assert(rl !== null && typeof rl === "object", `${what}: rateLimit is an object`);
  assert.deepEqual(Object.keys(rl).sort(), ["limit", "remaining", "resetAt"], `${what}: rateLimit fields`);
  assert.equal(rl.limit, limit, `${what}: limit`);
  if (typeof remaining === "function") assert(remaining(rl.remaining), `${what}: remaining ${rl.remaining}`);
  else assert.equal(rl.remaining, remaining, `${what}: remaining`);
  assert.equal(typeof rl.resetAt, "number", `${what}: resetAt is epoch ms`);
  const now = Date.now();
  assert.atLeast(rl.resetAt, now + resetIn[0] - slackMs, `${what}: resetAt`);
  assert.atMost(rl.resetAt, now + resetIn[1] + slackMs, `${what}: resetAt`);
}

errors("rateLimit on responses and errors, normalised to epoch ms; null when the server sends none", async (ctx) => {
  const { assert, k } = ctx;
  const count = (v) => Number.isInteger(v) && v >= 0 && v <= 60;
  // Poelis: X-RateLimit-* on every answer, Reset in Unix seconds.
  const r = await ctx.client("poelis").request({ path: "/workspaces" });
  expectRateLimit(ctx, r.rateLimit, { limit: 60, remaining: count, resetIn: [0, 60_000] }, "poelis 200");
  const e = await assert.rejects(ctx.client("poelis", { maxRetries: 0 }).request({ path: "/workspaces", headers: ctx.fault("429:2") }), k.RateLimitError);
  expectRateLimit(ctx, e.rateLimit, { limit: 60, remaining: count, resetIn: [0, 60_000] }, "poelis 429");
  assert.deepEqual(JSON.parse(JSON.stringify(e)).rateLimit, e.rateLimit, "toJSON rateLimit");
  // PowerPost: X-RateLimit-*, Reset in Unix seconds.
  const pp = await ctx.client("powerpost").request({ path: "/account/credits" });
  expectRateLimit(ctx, pp.rateLimit, { limit: 1000, remaining: (v) => Number.isInteger(v) && v >= 990 && v < 1000, resetIn: [0, 60_000] }, "powerpost 200");
  // Postiz: seconds until the reset on an allowed post; only Retry-After once blocked.
  const c = ctx.client("postiz", { maxRetries: 0 });
  const first = await c.request({ method: "POST", path: "/posts", json: postBody("rl-0") });
  expectRateLimit(ctx, first.rateLimit, { limit: 3, remaining: 2, resetIn: [3_590_000, 3_600_000] }, "postiz post");
  for (let i = 1; i < 3; i += 1) await c.request({ method: "POST", path: "/posts", json: postBody(`rl-${i}`) });
  const blocked = await assert.rejects(c.request({ method: "POST", path: "/posts", json: postBody("rl-3") }), k.RateLimitError);
  expectRateLimit(ctx, blocked.rateLimit, { limit: null, remaining: null, resetIn: [3_590_000, 3_600_000] }, "postiz 429");
  assert.equal(JSON.parse(JSON.stringify(blocked)).rateLimit.limit, null, "toJSON keeps null fields");
  // None sent: Poesius and Postiz's other routes; a local error has none either.
  assert.equal((await ctx.client("poesius").request({ path: "/presentations" })).rateLimit, null, "poesius 200");
  assert.equal((await c.request({ path: "/integrations" })).rateLimit, null, "postiz GET");
  const nf = await assert.rejects(ctx.client("poesius", { maxRetries: 0 }).request({ path: "/presentations", headers: ctx.fault("500") }), k.ServerError);
  assert.equal(nf.rateLimit, null, "poesius 500");
  assert.equal("rateLimit" in JSON.parse(JSON.stringify(nf)), false, "toJSON leaves a null rateLimit out");
  const local = await assert.rejects(c.request({ path: "https://elsewhere.example/x" }), k.KeygateError);
  assert.equal(local.rateLimit, null, "local error");
});

errors("5xx via X-Keygate-Fault: ServerError with each provider's message, code and request id", async (ctx) => {
  const { assert, k } = ctx;
  const rows = [
    ["poesius", "/presentations", 502, "Bad Gateway", null],
    ["poelis", "/workspaces", 503, "The service is temporarily unavailable", "service_unavailable"],
    ["poelis", "/workspaces", 500, "An internal error occurred", "internal_error"],
    ["powerpost", "/account/credits", 503, "Service Unavailable", "SERVICE_UNAVAILABLE"],
    ["postiz", "/integrations", 504, "Gateway Timeout", null],
  ];
  for (const [p, path, status, message, providerCode] of rows) {
    const e = await assert.rejects(ctx.client(p).request({ path, headers: ctx.fault(String(status)) }), k.ServerError);
    expectHttpError(ctx, e, { cls: "ServerError", status, provider: p, message, providerCode, code: "server_error" });
    if (p === "postiz") continue; // no request id to look up (Postiz sends none)
    const entry = await logEntry(ctx, e.requestId);
    assert.equal(entry.fault, String(status), "the emulator logged the fault under the same request id");
  }
});

errors("odd bodies (HTML, empty, truncated, malformed, oversized) still give the right class", async (ctx) => {
  const { assert, k } = ctx;
  const c = ctx.client("poelis");
  for (const spec of ["html:502", "empty-body:500", "truncated-json:503", "malformed-json:504", "oversized:300000:503"]) {
    const e = await assert.rejects(c.request({ path: "/workspaces", headers: ctx.fault(spec) }), k.ServerError, spec);
    assert.equal(e.status, Number(spec.split(":").at(-1)), spec);
    assert.match(String(e.requestId), /^req_/);
  }
  const e404 = await assert.rejects(c.request({ path: "/workspaces", headers: ctx.fault("html:404") }), k.NotFoundError);
  assert.equal(e404.status, 404);
  const j = await assert.rejects(c.request({ path: "/workspaces", headers: ctx.fault("malformed-json") }), k.ApiError);
  assert.equal(j.code, "invalid_json");
  assert.equal(j.status, 200);
});

errors("408 is a TimeoutError (request_timeout); 402 and 400 faults map by status", async (ctx) => {
  const { assert, k } = ctx;
  const t = await assert.rejects(ctx.client("poelis").request({ path: "/workspaces", headers: ctx.fault("408") }), k.TimeoutError);
  assert.equal(t.code, "request_timeout");
  assert.equal(t.status, 408);
  const pay = await assert.rejects(ctx.client("postiz").request({ path: "/integrations", headers: ctx.fault("402") }), k.PaymentRequiredError);
  expectHttpError(ctx, pay, { cls: "PaymentRequiredError", status: 402, provider: "postiz", message: "Payment required" });
  const bad = await assert.rejects(ctx.client("powerpost").request({ path: "/account/credits", headers: ctx.fault("400") }), k.BadRequestError);
  expectHttpError(ctx, bad, { cls: "BadRequestError", status: 400, provider: "powerpost", message: "Bad Request", providerCode: "VALIDATION_ERROR" });
});

errors("the error classes are exported and form the documented hierarchy", ({ k, assert }) => {
  const names = ["KeyFormatError", "ConfigError", "BadRequestError", "AuthenticationError", "PaymentRequiredError", "PermissionError",
    "NotFoundError", "SubscriptionError", "RateLimitError", "ServerError", "NetworkError", "TimeoutError", "AbortError", "ApiError"];
  for (const n of names) {
    assert.equal(typeof k[n], "function", n);
    const e = new k[n]("m", { code: "c", provider: "poelis", status: 500 });
    assert.instanceOf(e, k.KeygateError, n);
    assert.instanceOf(e, Error, n);
    assert.equal(e.name, n);
    assert.deepEqual(JSON.parse(JSON.stringify(e)), { name: n, code: "c", message: "m", provider: "poelis", status: 500 });
  }
  assert.instanceOf(new k.SubscriptionError("x"), k.AuthenticationError);
});

// =================================================================== retries

const retries = group("retries");

retries("GET: 503, 503, then success with the default maxRetries (2); the emulator counts 3", async (ctx) => {
  const { assert, k, DEMO_KEYS: D, urls } = ctx;
  await ctx.scenario({ match: { provider: "poelis", method: "GET", path: "/workspaces" }, faults: ["503", "503"] });
  const c = new k.Client({ provider: "poelis", apiKey: D.poelis.apiKey, baseUrl: urls.poelis, timeoutMs: 4000, ...ctx.clientDefaults });
  assert.equal(c.toJSON().maxRetries, 2);
  assert.equal((await c.listWorkspaces()).count, 2);
  assert.equal(await ctx.counts({ provider: "poelis", path: "/workspaces" }), 3);
  assert.equal(await ctx.counts({ provider: "poelis", path: "/workspaces", status: 503 }), 2);
});

retries("retries stop at maxRetries and the last error is thrown", async (ctx) => {
  const { assert, k } = ctx;
  await ctx.scenario({ match: { provider: "powerpost", path: "/account/credits" }, faults: ["502", "503", "504", "500"] });
  const e = await assert.rejects(ctx.client("powerpost", { maxRetries: 1 }).getCredits(), k.ServerError);
  assert.equal(e.status, 503);
  assert.equal(await ctx.counts({ provider: "powerpost", path: "/account/credits" }), 2);
  const f = await assert.rejects(ctx.client("powerpost", { maxRetries: 3 }).request({ path: "/account/credits", maxRetries: 0 }), k.ServerError);
  assert.equal(f.status, 504, "a per-request maxRetries overrides the client's");
  assert.equal(await ctx.counts({ provider: "powerpost", path: "/account/credits" }), 3);
});

retries("Retry-After in seconds is honoured (429:1, measured by the emulator)", async (ctx) => {
  const { assert } = ctx;
  await ctx.scenario({ match: { provider: "poelis", path: "/workspaces" }, faults: ["429:1"] });
  assert.equal((await ctx.client("poelis", { maxRetries: 1 }).listWorkspaces()).count, 2);
  const attempts = await ctx.attemptsOf({ provider: "poelis", path: "/workspaces" });
  assert.deepEqual(attempts.map((e) => e.status), [429, 200]);
  assert.atLeast(gaps(attempts)[0], 900, "ms between the 429 and the retry");
});

retries("Retry-After as an HTTP date is honoured (429-date:1; the emulator's clock and the caller's)", async (ctx) => {
  const { assert } = ctx;
  await ctx.scenario({ match: { provider: "postiz", path: "/integrations" }, faults: ["429-date:1"] });
  const t0 = Date.now();
  assert.equal((await ctx.client("postiz", { maxRetries: 1 }).listIntegrations()).length, 2);
  const waited = Date.now() - t0;
  const attempts = await ctx.attemptsOf({ provider: "postiz", path: "/integrations" });
  assert.deepEqual(attempts.map((e) => e.status), [429, 200]);
  assert.atLeast(gaps(attempts)[0], 850, "ms between the 429 and the retry");
  // The date is 1-2 s ahead (whole seconds): the caller waits about that long, not a backoff's
  // 0-0.5 s and not much more.
  assert.atLeast(waited, 850, "ms the call took (caller's clock)");
  assert.atMost(waited, 4000, "ms the call took (caller's clock)");
});

retries("PowerPost's retryAfter body field is honoured (429-body:1)", async (ctx) => {
  const { assert } = ctx;
  await ctx.scenario({ match: { provider: "powerpost", path: "/account/credits" }, faults: ["429-body:1"] });
  assert.deepEqual(await ctx.client("powerpost", { maxRetries: 1 }).getCredits(), { balance: 3 });
  const attempts = await ctx.attemptsOf({ provider: "powerpost", path: "/account/credits" });
  assert.deepEqual(attempts.map((e) => e.status), [429, 200]);
  assert.atLeast(gaps(attempts)[0], 900, "ms between the 429 and the retry");
});

retries("a wait over 60 s ends the retries with the RateLimitError carrying it", async (ctx) => {
  const { assert, k } = ctx;
  const t0 = Date.now();
  const e = await assert.rejects(ctx.client("poelis", { maxRetries: 2 }).request({ path: "/workspaces", headers: ctx.fault("429:120") }), k.RateLimitError);
  assert.equal(e.retryAfterMs, 120000);
  assert.equal(await ctx.counts({ provider: "poelis", path: "/workspaces" }), 1);
  assert.atMost(Date.now() - t0, 5000, "no waiting");
});

retries("POST is not retried without an idempotencyKey", async (ctx) => {
  const { assert, k } = ctx;
  await ctx.scenario({ match: { provider: "postiz", method: "POST", path: "/posts" }, faults: ["503", "503", "503"] });
  const e = await assert.rejects(ctx.client("postiz", { maxRetries: 2 }).createPost({ value: [] }), k.ServerError);
  assert.equal(e.status, 503);
  assert.equal(await ctx.counts({ provider: "postiz", method: "POST", path: "/posts" }), 1);
  const raw = await assert.rejects(ctx.client("poelis", { maxRetries: 2 }).request({ method: "POST", path: "/workspaces", headers: ctx.fault("503") }), k.ServerError);
  assert.equal(raw.status, 503);
  assert.equal(await ctx.counts({ provider: "poelis", method: "POST", path: "/workspaces" }), 1);
});

retries("POST with an idempotencyKey is retried, sending the same Idempotency-Key each time", async (ctx) => {
  const { assert } = ctx;
  await ctx.scenario({ match: { provider: "postiz", method: "POST", path: "/posts" }, faults: ["503"] });
  const r = await ctx.client("postiz", { maxRetries: 2 }).createPost(postBody("once"), { idempotencyKey: "idem-matrix-1" });
  assert.equal(r.length, 1);
  assert.equal(await ctx.counts({ provider: "postiz", method: "POST", path: "/posts" }), 2);
  assert.equal(await ctx.counts({ provider: "postiz", method: "POST", path: "/posts", idempotencyKey: "idem-matrix-1" }), 2);
  assert.equal((await ctx.state()).postiz.posts, 1);
});

retries("PowerPost publishPost: retried with an idempotencyKey, not without", async (ctx) => {
  const { assert, k, DEMO_KEYS: D } = ctx;
  const c = ctx.client("powerpost", { workspaceId: D.powerpost.workspaceId, maxRetries: 2 });
  const id = (await c.request({ method: "POST", path: "/posts", json: { content: "x" } })).data.id;
  const path = `/posts/${id}/publish`;
  await ctx.scenario({ match: { provider: "powerpost", method: "POST", path }, faults: ["502", "502"] });
  await assert.rejects(c.publishPost(id), k.ServerError);
  assert.equal(await ctx.counts({ provider: "powerpost", method: "POST", path }), 1);
  assert.equal((await c.publishPost(id, { idempotencyKey: "pub-1" })).status, "published");
  assert.equal(await ctx.counts({ provider: "powerpost", method: "POST", path, idempotencyKey: "pub-1" }), 2);
});

retries("network errors (hangup) and 408 are retried for GET", async (ctx) => {
  const { assert } = ctx;
  await ctx.scenario({ match: { provider: "poelis", path: "/workspaces" }, faults: ["hangup", "408"] });
  assert.equal((await ctx.client("poelis", { maxRetries: 2 }).listWorkspaces()).count, 2);
  assert.equal(await ctx.counts({ provider: "poelis", path: "/workspaces" }), 3);
});

retries("4xx answers and 501 are not retried", async (ctx) => {
  const { assert, k } = ctx;
  for (const [spec, cls] of [["401", "AuthenticationError"], ["404", "NotFoundError"], ["400", "BadRequestError"], ["501", "ServerError"]]) {
    await ctx.reset();
    await assert.rejects(ctx.client("poelis", { maxRetries: 2 }).request({ path: "/workspaces", headers: ctx.fault(spec) }), k[cls], spec);
    assert.equal(await ctx.counts({ provider: "poelis", path: "/workspaces" }), 1, spec);
  }
});

// =================================================================== timeouts

const timeouts = group("timeouts");

timeouts("a slow answer (delay fault) past timeoutMs is a TimeoutError", async (ctx) => {
  const { assert, k } = ctx;
  const t0 = Date.now();
  const e = await assert.rejects(ctx.client("poelis", { timeoutMs: 200 }).request({ path: "/workspaces", headers: ctx.fault("delay:1500") }), k.TimeoutError);
  assert.equal(e.provider, "poelis");
  assert.equal(e.status, null);
  assert.atMost(Date.now() - t0, 1300, "ms until the TimeoutError");
  assert.equal(await ctx.counts({ provider: "poelis", path: "/workspaces" }), 1);
});

timeouts("timeouts are retried (each attempt has its own timeout)", async (ctx) => {
  const { assert, k } = ctx;
  await assert.rejects(ctx.client("poelis", { timeoutMs: 200, maxRetries: 1 }).request({ path: "/workspaces", headers: ctx.fault("delay:1000") }), k.TimeoutError);
  assert.equal(await ctx.counts({ provider: "poelis", path: "/workspaces" }), 2);
  await ctx.reset();
  await ctx.scenario({ match: { provider: "poelis", path: "/workspaces" }, faults: ["delay:1000"] });
  assert.equal((await ctx.client("poelis", { timeoutMs: 300, maxRetries: 1 }).listWorkspaces()).count, 2);
  assert.equal(await ctx.counts({ provider: "poelis", path: "/workspaces" }), 2);
});

timeouts("the timeout covers the body too (slow-body)", async (ctx) => {
  const { assert, k } = ctx;
  await assert.rejects(ctx.client("postiz", { timeoutMs: 300 }).request({ path: "/integrations", headers: ctx.fault("slow-body:1500") }), k.TimeoutError);
});

timeouts("a per-request timeoutMs overrides the client's", async (ctx) => {
  const { assert, k } = ctx;
  const c = ctx.client("powerpost", { timeoutMs: 8000 });
  const t0 = Date.now();
  await assert.rejects(c.request({ path: "/account/credits", timeoutMs: 200, headers: ctx.fault("delay:1200") }), k.TimeoutError);
  assert.atMost(Date.now() - t0, 1100);
});

timeouts("the caller's AbortSignal gives AbortError, and no request follows the abort", async (ctx) => {
  const { assert, k } = ctx;
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 150);
  const e = await assert.rejects(ctx.client("poelis", { maxRetries: 2 }).request({ path: "/workspaces", headers: ctx.fault("delay:1500"), signal: ac.signal }), k.AbortError);
  assert.ok(!(e instanceof k.TimeoutError), "an abort is not a timeout");
  assert.equal(e.provider, "poelis");
  await ctx.sleep(400);
  assert.equal(await ctx.counts({ provider: "poelis", path: "/workspaces" }), 1);
});

timeouts("an already aborted signal sends nothing", async (ctx) => {
  const { assert, k } = ctx;
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(ctx.client("poelis").listWorkspaces({ signal: ac.signal }), k.AbortError);
  await assert.rejects(ctx.client("postiz").createPost({ value: [] }, { signal: ac.signal }), k.AbortError);
  assert.equal(await ctx.counts({}), 0);
});

timeouts("aborting during the retry wait ends it at once, with no further request", async (ctx) => {
  const { assert, k } = ctx;
  await ctx.scenario({ match: { provider: "poelis", path: "/workspaces" }, faults: ["503:3", "503:3"] });
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 300);
  const t0 = Date.now();
  await assert.rejects(ctx.client("poelis", { maxRetries: 2 }).listWorkspaces({ signal: ac.signal }), k.AbortError);
  assert.atMost(Date.now() - t0, 2000, "ms until AbortError");
  await ctx.sleep(300);
  assert.equal(await ctx.counts({ provider: "poelis", path: "/workspaces" }), 1);
});

timeouts("a typed helper passes the signal through (scenario delay)", async (ctx) => {
  const { assert, k } = ctx;
  await ctx.scenario({ match: { provider: "poesius", path: "/presentations" }, faults: ["delay:1500"] });
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 150);
  await assert.rejects(ctx.client("poesius").listPresentations({ signal: ac.signal }), k.AbortError);
});

// =================================================================== redirects

const redirects = group("redirects");

async function noCredentialLeft(ctx) {
  const { assert } = ctx;
  const trap = await ctx.trap();
  const carrying = trap.filter((r) => r.credentialHeaders.length > 0 || CREDENTIAL_HEADERS.some((h) => h in r.headers));
  assert.equal(carrying.length, 0, "trap requests carrying a credential");
  assert.equal(trap.length, 0, "trap requests at all");
  assert.equal(await ctx.counts({ provider: "cross-origin" }), 0);
}

redirects("a same-origin redirect is followed (browsers: refused, the target is hidden from fetch)", async (ctx) => {
  const { assert, k } = ctx;
  const c = ctx.client("poelis");
  if (ctx.opaqueRedirects) {
    const e = await assert.rejects(c.request({ path: "/workspaces", headers: ctx.fault("redirect-same") }), k.ApiError);
    assert.equal(e.code, "redirect_refused");
    assert.equal(await ctx.counts({ provider: "poelis", path: "/workspaces" }), 1);
  } else {
    const r = await c.request({ path: "/workspaces", headers: ctx.fault("redirect-same") });
    assert.equal(r.status, 200);
    assert.equal(r.data.count, 2);
    const attempts = await ctx.attemptsOf({ provider: "poelis", path: "/workspaces" });
    assert.deepEqual(attempts.map((e) => e.status), [302, 200]);
    assert.match(attempts[1].headers.authorization, /^Bearer poelis_api_…/, "the key went to the same origin again");
  }
  await noCredentialLeft(ctx);
});

redirects("a same-origin 307 keeps the method and body (Postiz createPost)", async (ctx) => {
  const { assert, k } = ctx;
  const c = ctx.client("postiz");
  if (ctx.opaqueRedirects) {
    const e = await assert.rejects(c.request({ method: "POST", path: "/posts", json: { value: [] }, headers: ctx.fault("redirect-same:307") }), k.ApiError);
    assert.equal(e.code, "redirect_refused");
    assert.equal((await ctx.state()).postiz.posts, 0);
  } else {
    const r = await c.request({ method: "POST", path: "/posts", json: postBody("moved"), headers: ctx.fault("redirect-same:307") });
    assert.equal(r.status, 201);
    assert.deepEqual((await ctx.attemptsOf({ provider: "postiz", path: "/posts" })).map((e) => `${e.method} ${e.status}`), ["POST 307", "POST 201"]);
    assert.equal((await ctx.state()).postiz.posts, 1);
  }
  await noCredentialLeft(ctx);
});

redirects("cross-origin redirects (301/302/303/307/308) are refused with redirect_refused for every provider", async (ctx) => {
  const { assert, k, DEMO_KEYS: D } = ctx;
  const targets = [
    ["poesius", "/presentations", {}],
    ["poelis", "/workspaces", {}],
    ["powerpost", "/posts", { workspaceId: D.powerpost.workspaceId }],
    ["postiz", "/integrations", {}],
    ["postiz", "/integrations", { oauthToken: D.postiz.oauthToken }],
    ["poesius", "/presentations", { jwt: D.poesius.jwt }],
  ];
  for (const [i, [p, path, opts]] of targets.entries()) {
    for (const status of [301, 302, 303, 307, 308]) {
      // A unique query per request: browsers cache 301/308 answers (heuristically cacheable), and
      // a cached redirect would be replayed for later requests to the same URL.
      const query = { kg_redirect: `${i}-${status}-${Date.now()}` };
      const e = await assert.rejects(ctx.client(p, opts).request({ path, query, headers: ctx.fault(`redirect-cross:${status}`) }), k.ApiError, `${p} ${status}`);
      assert.equal(e.code, "redirect_refused", `${p} ${status}`);
      assert.equal(e.provider, p);
      if (!ctx.opaqueRedirects) {
        assert.equal(e.status, status);
        if (p !== "postiz") assert.match(String(e.requestId), /^req_/); // Postiz sends no request id
      }
      assert.noSecret(`${e.message} ${JSON.stringify(e)}`);
    }
  }
  await noCredentialLeft(ctx);
});

redirects("typed helpers and POSTs refuse a cross-origin redirect too; the trap gets nothing", async (ctx) => {
  const { assert, k, DEMO_KEYS: D } = ctx;
  await ctx.scenario([
    { match: { provider: "poelis", path: "/workspaces" }, faults: ["redirect-cross", "redirect-cross"] },
    { match: { provider: "postiz", method: "POST", path: "/posts" }, faults: ["redirect-cross-307"] },
    { match: { provider: "poesius", method: "POST", path: "/mcp" }, faults: ["redirect-cross-308"] },
  ]);
  const e1 = await assert.rejects(ctx.client("poelis", { maxRetries: 2 }).listWorkspaces(), k.ApiError);
  assert.equal(e1.code, "redirect_refused");
  assert.equal(await ctx.counts({ provider: "poelis", path: "/workspaces" }), 1, "a refused redirect is not retried");
  const e2 = await assert.rejects(ctx.client("postiz").createPost({ value: [] }, { idempotencyKey: "x1" }), k.ApiError);
  assert.equal(e2.code, "redirect_refused");
  const e3 = await assert.rejects(ctx.client("poesius", { jwt: D.poesius.jwt }).mcpCall("list_templates"), k.ApiError);
  assert.equal(e3.code, "redirect_refused");
  await noCredentialLeft(ctx);
});

// =================================================================== guards

const guards = group("guards");

guards("PowerPost content calls without a workspace fail before the network (workspace_required)", async (ctx) => {
  const { assert, k } = ctx;
  const c = ctx.client("powerpost");
  const calls = [
    { method: "POST", path: "/posts", json: { content: "x" } },
    { method: "GET", path: "/posts" },
    { method: "GET", path: "/posts/post_1" },
    { method: "POST", path: "/content/generate", json: { prompt: "p" } },
    { method: "POST", path: "/images/generate", json: { prompt: "p" } },
    { method: "GET", path: "/media" },
  ];
  for (const spec of calls) {
    const e = await assert.rejects(c.request(spec), k.BadRequestError, spec.path);
    assert.equal(e.code, "workspace_required");
    assert.equal(e.provider, "powerpost");
    assert.equal(e.status, null);
    assert.match(e.message, /POWERPOST_WORKSPACE_ID|workspaceId/);
  }
  const p = await assert.rejects(c.publishPost("post_1"), k.BadRequestError);
  assert.equal(p.code, "workspace_required");
  assert.equal(await ctx.counts({ provider: "powerpost" }), 0);
  assert.equal(await ctx.counts({ provider: "powerpost", method: "OPTIONS" }), 0);
});

guards("a read_draft key may not publish: PermissionError draft_key_publish, nothing sent", async (ctx) => {
  const { assert, k, DEMO_KEYS: D } = ctx;
  const c = ctx.client("powerpost", { apiKey: D.powerpost.draftKey, keyType: "read_draft", workspaceId: D.powerpost.workspaceId });
  const e = await assert.rejects(c.publishPost("post_1"), k.PermissionError);
  assert.equal(e.code, "draft_key_publish");
  assert.equal(e.status, null);
  const raw = await assert.rejects(c.request({ method: "POST", path: "/posts/post_1/publish" }), k.PermissionError);
  assert.equal(raw.code, "draft_key_publish");
  assert.equal(await ctx.counts({ provider: "powerpost" }), 0);
  // Drafts themselves are fine.
  assert.equal((await c.request({ method: "POST", path: "/posts", json: { content: "draft" } })).status, 201);
});

guards("paths that leave the base URL are refused (invalid_path) and nothing is sent", async (ctx) => {
  const { assert, k, urls } = ctx;
  const c = ctx.client("poelis");
  for (const path of [`${urls.crossOrigin}/x`, "https://evil.example/x", "//evil.example/x", "/../x", "/%2e%2e/x", "/a/../../x"]) {
    const e = await assert.rejects(c.request({ path }), k.ConfigError, path);
    assert.equal(e.code, "invalid_path", path);
  }
  assert.equal(await ctx.counts({}), 0);
  assert.equal((await ctx.trap()).length, 0);
});

guards("keygate-managed headers cannot be overridden per request", async (ctx) => {
  const { assert, k, DEMO_KEYS: D } = ctx;
  const c = ctx.client("powerpost", { workspaceId: D.powerpost.workspaceId });
  for (const h of ["Authorization", "x-api-key", "X-API-Key", "X-Workspace-Id", "Idempotency-Key"]) {
    const e = await assert.rejects(c.request({ path: "/posts", headers: { [h]: "ws_999" } }), k.ConfigError, h);
    assert.equal(e.code, "managed_header", h);
  }
  assert.equal(await ctx.counts({}), 0);
});

guards("helpers of another provider or credential kind are refused locally", async (ctx) => {
  const { assert, k } = ctx;
  const wrongEndpoint = [
    () => ctx.client("postiz").listWorkspaces(),
    () => ctx.client("poelis").getCredits(),
    () => ctx.client("powerpost").listIntegrations(),
    () => ctx.client("poesius").upload(new Blob(["x"])),
  ];
  for (const call of wrongEndpoint) assert.equal((await assert.rejects(call, k.ConfigError)).code, "unsupported_endpoint");
  // Only Poesius has an MCP endpoint.
  assert.equal((await assert.rejects(ctx.client("poelis").generateSlides({ instructions: "x" }), k.ConfigError)).code, "no_mcp");
  assert.equal((await assert.rejects(ctx.client("postiz").mcpCall("list_templates"), k.ConfigError)).code, "no_mcp");
  assert.equal((await assert.rejects(ctx.client("poesius").createApiKey({ name: "x" }), k.ConfigError)).code, "wrong_credential_kind");
  assert.equal(await ctx.counts({}), 0);
});

guards("configuration is checked when the client is built (https, keys, options)", ({ k, DEMO_KEYS: D, assert, clientDefaults }) => {
  const base = { provider: "poelis", apiKey: D.poelis.apiKey, ...clientDefaults };
  assert.equal(assert.throws(() => new k.Client({ ...base, baseUrl: "http://example.com/v1" }), k.ConfigError).code, "insecure_url");
  new k.Client({ ...base, baseUrl: "http://example.com/v1", allowInsecureHttp: true });
  new k.Client({ ...base, baseUrl: "http://localhost:1/v1" });
  new k.Client({ ...base, baseUrl: "http://127.0.0.2:1/v1" });
  new k.Client({ ...base, baseUrl: "http://[::1]:1/v1" });
  assert.throws(() => new k.Client({ ...base, apiKey: `${D.poelis.apiKey} ` }), k.KeyFormatError);
  assert.throws(() => new k.Client({ provider: "poelis", ...clientDefaults }), k.KeyFormatError);
  assert.throws(() => new k.Client({ ...base, timeoutMs: -1 }), k.ConfigError);
  assert.throws(() => new k.Client({ ...base, maxRetries: 99 }), k.ConfigError);
  assert.throws(() => new k.Client({ ...base, provider: "nope" }), k.ConfigError);
});

// =================================================================== postiz-selfhosted

const selfhosted = group("postiz-selfhosted");

selfhosted("baseUrl names the backend root; /public/v1 is appended (trailing slashes trimmed)", async (ctx) => {
  const { assert, urls } = ctx;
  for (const baseUrl of [urls.postizSelfRoot, `${urls.postizSelfRoot}/`, `${urls.postizSelfRoot}//`]) {
    const c = ctx.client("postiz", { baseUrl });
    assert.equal(c.toJSON().baseUrl, urls.postizSelf, baseUrl);
    assert.equal((await c.listIntegrations()).length, 2);
  }
  assert.equal(await ctx.counts({ provider: "postiz-self", path: "/integrations" }), 3);
  assert.equal(await ctx.counts({ provider: "postiz", variant: "hosted" }), 0);
});

selfhosted("a baseUrl already ending with /public/v1 is not doubled", async (ctx) => {
  const { assert, urls } = ctx;
  const c = ctx.client("postiz", { baseUrl: urls.postizSelf });
  assert.equal(c.toJSON().baseUrl, urls.postizSelf);
  assert.deepEqual(await c.isConnected(), { connected: true });
  assert.equal(await ctx.counts({ provider: "postiz-self", path: "/is-connected" }), 1);
});

selfhosted("no subscription check on a self-hosted instance; the same key fails on the hosted one", async (ctx) => {
  const { assert, k, DEMO_KEYS: D, urls } = ctx;
  assert.equal((await ctx.client("postiz", { apiKey: D.postiz.noSubscriptionKey, baseUrl: urls.postizSelfRoot }).listIntegrations()).length, 2);
  assert.equal((await ctx.client("postiz", { oauthToken: D.postiz.noSubscriptionOAuthToken, baseUrl: urls.postizSelfRoot }).listIntegrations()).length, 2);
  await assert.rejects(ctx.client("postiz", { apiKey: D.postiz.noSubscriptionKey }).listIntegrations(), k.SubscriptionError);
});

selfhosted("createPost, upload and errors against the self-hosted instance", async (ctx) => {
  const { assert, k, urls } = ctx;
  const c = ctx.client("postiz", { baseUrl: urls.postizSelfRoot });
  assert.match((await c.createPost(postBody("self")))[0].postId, /^post_/);
  // Postiz takes images and mp4 only, by their bytes: a text file is refused as the server does
  const txt = await assert.rejects(c.upload(new Blob(["abc"]), { filename: "a.txt" }), k.BadRequestError);
  assert.equal(txt.message, "Unsupported file type.");
  assert.equal((await c.upload(new Blob([new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10])]), { filename: "a.png" })).name, "a.png");
  const e = await assert.rejects(c.request({ path: "/integrations", headers: ctx.fault("503") }), k.ServerError);
  expectHttpError(ctx, e, { cls: "ServerError", status: 503, provider: "postiz", message: "Service Unavailable" });
  const bad = await assert.rejects(ctx.client("postiz", { apiKey: "1".repeat(64), baseUrl: urls.postizSelfRoot }).isConnected(), k.AuthenticationError);
  assert.equal(bad.message, "Invalid API key");
  assert.equal(await ctx.counts({ provider: "postiz-self" }), 5);
});

// =================================================================== fromEnv

const fromEnv = group("fromEnv");

/** The runtime's own environment (process.env, Deno.env, a Worker's env) or a plain object. */
function envOf(ctx) {
  if (ctx.env) return ctx.env;
  const { urls, DEMO_KEYS: D } = ctx;
  return {
    POESIUS_API_KEY: D.poesius.apiKey, POELIS_API_KEY: D.poelis.apiKey, POELIS_BASE_URL: urls.poelis.replace(/\/v1\/public$/, ""),
    POWERPOST_API_KEY: D.powerpost.apiKey, POWERPOST_WORKSPACE_ID: D.powerpost.workspaceId,
    POSTIZ_API_KEY: D.postiz.apiKey, POSTIZ_API_URL: urls.postizSelfRoot,
  };
}

fromEnv("Postiz: POSTIZ_API_KEY and POSTIZ_API_URL (self-hosted root) from the runtime's env", async (ctx) => {
  const { assert, k, urls } = ctx;
  const c = k.Client.fromEnv("postiz", envOf(ctx), { timeoutMs: 4000, ...ctx.clientDefaults });
  assert.equal(c.toJSON().baseUrl, urls.postizSelf);
  assert.equal((await c.listIntegrations()).length, 2);
  assert.equal(await ctx.counts({ provider: "postiz-self", path: "/integrations" }), 1);
});

fromEnv("Poelis: POELIS_API_KEY and POELIS_BASE_URL (the host root, as the official SDK reads it)", async (ctx) => {
  const { assert, k, urls } = ctx;
  const c = k.Client.fromEnv("poelis", envOf(ctx), ctx.clientDefaults);
  assert.equal(c.toJSON().baseUrl, urls.poelis);
  assert.equal((await c.listWorkspaces()).count, 2);
});

fromEnv("PowerPost: POWERPOST_WORKSPACE_ID scopes content calls", async (ctx) => {
  const { assert, k, urls, DEMO_KEYS: D } = ctx;
  const c = k.Client.fromEnv("powerpost", envOf(ctx), { baseUrl: urls.powerpost, ...ctx.clientDefaults });
  assert.equal(c.toJSON().workspaceId, D.powerpost.workspaceId);
  assert.equal((await c.request({ method: "POST", path: "/posts", json: { content: "env" } })).status, 201);
  assert.equal((await ctx.log())[0].headers["x-workspace-id"], D.powerpost.workspaceId);
});

fromEnv("Poesius: POESIUS_API_KEY plus overrides", async (ctx) => {
  const { assert, k, urls } = ctx;
  const c = k.Client.fromEnv("poesius", envOf(ctx), { baseUrl: urls.poesius, timeoutMs: 1234, maxRetries: 1, ...ctx.clientDefaults });
  const d = c.toJSON();
  assert.equal(d.timeoutMs, 1234);
  assert.equal(d.maxRetries, 1);
  assert.equal(d.mcpUrl, urls.poesiusMcp);
  assert.equal((await c.listPresentations()).total, 2);
});

fromEnv("missing or empty variables, get()-style envs and bad arguments", ({ assert, k, DEMO_KEYS: D, clientDefaults }) => {
  const missing = assert.throws(() => k.Client.fromEnv("poelis", {}, clientDefaults), k.KeyFormatError);
  assert.match(missing.message, /POELIS_API_KEY/);
  assert.throws(() => k.Client.fromEnv("poelis", { POELIS_API_KEY: "" }, clientDefaults), k.KeyFormatError);
  const viaGet = k.Client.fromEnv("poelis", { get: (n) => (n === "POELIS_API_KEY" ? D.poelis.apiKey : undefined) }, clientDefaults);
  assert.equal(viaGet.provider, "poelis");
  assert.throws(() => k.Client.fromEnv("poelis", null), k.ConfigError);
  assert.throws(() => k.Client.fromEnv("nope", {}), k.ConfigError);
  const bad = assert.throws(() => k.Client.fromEnv("poelis", { POELIS_API_KEY: ` ${D.poelis.apiKey}` }, clientDefaults), k.KeyFormatError);
  assert.noSecret(`${bad.message} ${JSON.stringify(bad)}`);
});

// =================================================================== secrets

const secrets = group("secrets");

secrets("String, JSON and toJSON of every client show only redacted credentials", (ctx) => {
  const { assert, DEMO_KEYS: D, k } = ctx;
  const creds = [
    ["poesius", { apiKey: D.poesius.apiKey }], ["poesius", { jwt: D.poesius.jwt }], ["poesius", { oauthToken: D.poesius.oauthToken }],
    ["poelis", { apiKey: D.poelis.apiKey }], ["powerpost", { apiKey: D.powerpost.apiKey, workspaceId: "ws_123" }],
    ["powerpost", { apiKey: D.powerpost.apiKey, scheme: "bearer" }], ["postiz", { apiKey: D.postiz.apiKey }], ["postiz", { oauthToken: D.postiz.oauthToken }],
  ];
  for (const [p, cred] of creds) {
    const c = ctx.client(p, cred);
    const secret = cred.apiKey ?? cred.jwt ?? cred.oauthToken;
    for (const s of [String(c), `${c}`, JSON.stringify(c), JSON.stringify(c.toJSON()), JSON.stringify(Object.entries(c)), Object.keys(c).join(",")]) {
      assert.noSecret(s, p);
    }
    assert.equal(c.toJSON().credential, k.redact(secret), `${p} credential`);
  }
});

secrets("errors from the network never carry the key (String, message, stack, JSON)", async (ctx) => {
  const { assert, DEMO_KEYS: D } = ctx;
  const errs = [];
  const grab = (p) => p.then(() => assert.fail("expected a rejection"), (e) => errs.push(e));
  await grab(ctx.client("poesius", { apiKey: D.poesius.revokedKey }).listPresentations());
  await grab(ctx.client("powerpost", { apiKey: D.powerpost.revokedKey }).getCredits());
  await grab(ctx.client("postiz", { apiKey: D.postiz.noSubscriptionKey }).listIntegrations());
  await grab(ctx.client("poelis").request({ path: "/workspaces", headers: ctx.fault("503") }));
  await grab(ctx.client("poelis").request({ path: "/workspaces", headers: ctx.fault("429:2") }));
  await grab(ctx.client("poelis").request({ path: "/workspaces", headers: ctx.fault("hangup") }));
  await grab(ctx.client("poelis", { timeoutMs: 150 }).request({ path: "/workspaces", headers: ctx.fault("delay:800") }));
  await grab(ctx.client("postiz", { oauthToken: D.postiz.oauthToken }).request({ path: "/integrations", headers: ctx.fault("redirect-cross") }));
  await grab(new ctx.k.Client({ provider: "poelis", apiKey: D.poelis.apiKey, baseUrl: "http://127.0.0.1:9", maxRetries: 0, timeoutMs: 2000, ...ctx.clientDefaults }).listWorkspaces());
  assert.equal(errs.length, 9);
  for (const e of errs) {
    for (const s of [String(e), e.message, String(e.stack), JSON.stringify(e), JSON.stringify(Object.entries(e))]) assert.noSecret(s, e.name);
  }
});

secrets("local errors about a bad key never echo it", ({ assert, k, DEMO_KEYS: D, clientDefaults }) => {
  const inputs = [
    { provider: "poelis", apiKey: `${D.poelis.apiKey}\r\nX-Evil: 1` },
    { provider: "poelis", apiKey: `Bearer ${D.poelis.apiKey}` },
    { provider: "powerpost", apiKey: D.poelis.apiKey },
    { provider: "postiz", apiKey: `${D.postiz.apiKey} ` },
    { provider: "poesius", jwt: `${D.poesius.jwt}x y` },
    { provider: "poelis", apiKey: `${D.poelis.apiKey}é` },
  ];
  for (const o of inputs) {
    const e = assert.throws(() => new k.Client({ ...o, ...clientDefaults }), k.KeyFormatError);
    for (const s of [String(e), e.message, String(e.stack), JSON.stringify(e)]) assert.noSecret(s, e.code);
  }
  for (const o of inputs) {
    const e = assert.throws(() => k.buildHeaders(o), k.KeygateError);
    assert.noSecret(`${e.message} ${JSON.stringify(e)}`);
  }
});

secrets("managed-header and path errors never echo a key passed in the request", async (ctx) => {
  const { assert, k, DEMO_KEYS: D } = ctx;
  const c = ctx.client("poelis");
  const e1 = await assert.rejects(c.request({ path: "/workspaces", headers: { Authorization: `Bearer ${D.poelis.secondApiKey}` } }), k.ConfigError);
  const e2 = await assert.rejects(c.request({ path: `https://evil.example/?key=${D.poelis.secondApiKey}` }), k.ConfigError);
  for (const e of [e1, e2]) for (const s of [String(e), String(e.stack), JSON.stringify(e)]) assert.noSecret(s, e.code);
});

secrets("header maps show redacted values when printed", ({ assert, k, DEMO_KEYS: D }) => {
  for (const o of [
    { provider: "poesius", apiKey: D.poesius.apiKey }, { provider: "poesius", jwt: D.poesius.jwt },
    { provider: "poelis", apiKey: D.poelis.apiKey }, { provider: "powerpost", apiKey: D.powerpost.apiKey, scheme: "bearer" },
    { provider: "postiz", apiKey: D.postiz.apiKey }, { provider: "postiz", oauthToken: D.postiz.oauthToken },
  ]) {
    const h = k.buildHeaders(o);
    assert.noSecret(JSON.stringify(h), o.provider);
    assert.noSecret(String(h), o.provider);
    assert.noSecret(JSON.stringify({ headers: h }), o.provider);
  }
});

// =================================================================== hostile

const hostile = group("hostile");

/** Objects whose every read can throw: `[label, make()]`, fresh on each call (a revoked proxy is single-use anyway). */
function hostileBags() {
  const boom = () => {
    throw new Error("hostile object");
  };
  const trap = (name) => new Proxy({}, { [name]: boom });
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  // Throwing getters for every option name keygate reads anywhere.
  const getters = {};
  for (const name of HOSTILE_OPTION_NAMES) Object.defineProperty(getters, name, { get: boom, enumerable: true });
  // The third field: the kinds an own-property read of one name never triggers (keygate reads
  // options with getOwnPropertyDescriptor + get, as own properties): as an options bag they are
  // an empty object, so a call with them may succeed; and those JSON.stringify never triggers.
  return [
    ["getOwnPropertyDescriptor trap", trap("getOwnPropertyDescriptor"), { json: true }],
    ["get trap", trap("get"), { bag: true, json: true }], // over an empty target: hasOwn says no, get never runs
    ["has trap", trap("has"), { bag: true, json: true }],
    ["ownKeys trap", trap("ownKeys"), { bag: true }], // named own reads never list keys; JSON.stringify does
    ["getPrototypeOf trap", trap("getPrototypeOf"), { bag: true, json: true }],
    ["revoked proxy", revoked.proxy, {}],
    ["throwing getters", getters, {}],
  ];
}

const HOSTILE_OPTION_NAMES = [
  "provider", "apiKey", "jwt", "oauthToken", "scheme", "workspaceId", "keyType", "baseUrl", "mcpUrl", "allowInsecureHttp",
  "timeoutMs", "maxRetries", "maxResponseBytes", "dangerouslyAllowBrowser", "fetch", "as",
  "method", "path", "query", "headers", "json", "body", "signal", "idempotencyKey", "target", "endpoint",
  "limit", "templateId", "numSlides", "filename", "name", "description", "id",
];

/** Values that throw when read, converted or inspected: the bags plus objects whose toString/valueOf/toPrimitive throw. */
function hostileValues() {
  const boom = () => {
    throw new Error("hostile value");
  };
  return [
    ...hostileBags(),
    ["throwing toString/valueOf", { toString: boom, valueOf: boom }, { json: true }],
    ["throwing Symbol.toPrimitive", { [Symbol.toPrimitive]: boom }, { json: true }],
  ];
}

/** Valid options with one property made hostile: a throwing getter, and a proxy whose traps throw for that name only. */
function withHostile(base, name) {
  const boom = () => {
    throw new Error(`hostile ${name}`);
  };
  const getter = Object.defineProperty({ ...base }, name, { get: boom, enumerable: true, configurable: true });
  const target = { ...base, [name]: "x" };
  const only = (t) => (o, k, ...rest) => (k === name ? boom() : Reflect[t](o, k, ...rest));
  const proxy = new Proxy(target, { getOwnPropertyDescriptor: only("getOwnPropertyDescriptor"), get: only("get"), has: only("has") });
  return [[`throwing ${name} getter`, getter], [`${name} trap`, proxy]];
}

/**
 * Runs `fn` (sync or async); it must throw or reject with a ConfigError or KeyFormatError, and
 * (given the recording client's `calls`) without any fetch. `mayPass`: an inert kind for this
 * position (see hostileBags), which may also succeed.
 */
async function typedRefusal(ctx, label, fn, { calls = null, mayPass = false } = {}) {
  const { assert, k } = ctx;
  const sent = calls ? calls.length : 0;
  let outcome;
  try {
    outcome = await fn();
  } catch (e) {
    assert.ok(e instanceof k.ConfigError || e instanceof k.KeyFormatError, `${label}: expected a ConfigError or KeyFormatError, got ${e?.name}: ${String(e?.message).slice(0, 120)}`);
    assert.ok(e instanceof k.KeygateError, `${label}: a KeygateError`);
    assert.equal(typeof e.code, "string", `${label}: code`);
    if (calls) assert.equal(calls.length, sent, `${label}: no fetch before the refusal`);
    return e;
  }
  if (mayPass) return outcome;
  return assert.fail(`${label}: expected a typed error, got ${typeof outcome}`);
}

/** A client whose fetch only records what it was asked (no network): hostile input must never reach it. */
function recordingClient(ctx, provider, opts = {}) {
  const { DEMO_KEYS: D, k } = ctx;
  const calls = [];
  const fetch = async (url) => {
    calls.push(String(url));
    return new Response("{}", { status: 200, headers: { "content-type": "application/json" } });
  };
  const keys = { poesius: D.poesius.apiKey, poelis: D.poelis.apiKey, powerpost: D.powerpost.apiKey, postiz: D.postiz.apiKey };
  const c = new k.Client({ provider, apiKey: keys[provider], ...ctx.clientDefaults, maxRetries: 0, timeoutMs: 2000, ...opts, fetch });
  return { c, calls };
}

/** The instance still works: a client made before, a fresh client, buildHeaders and validateKey. */
async function stillWorks(ctx, before, label) {
  const { assert, k, DEMO_KEYS: D } = ctx;
  const list = await before.listWorkspaces();
  assert.ok(Array.isArray(list.items), `${label}: the existing client still works`);
  const fresh = ctx.client("poelis");
  assert.ok(Array.isArray((await fresh.listWorkspaces()).items), `${label}: a fresh client works`);
  assert.equal(k.buildHeaders({ provider: "poelis", apiKey: D.poelis.apiKey }).Authorization.slice(0, 11), "Bearer poel", `${label}: buildHeaders works`);
  assert.equal(k.validateKey("poelis", D.poelis.apiKey).ok, true, `${label}: validateKey works`);
}

hostile("new Client and Client.fromEnv: every hostile options object and option value is a typed error, and the instance keeps working", async (ctx) => {
  const { k, DEMO_KEYS: D, assert } = ctx;
  const before = ctx.client("poelis");
  const base = { provider: "postiz", apiKey: D.postiz.apiKey, ...ctx.clientDefaults };
  for (const [label, bag, inert] of hostileBags()) {
    await typedRefusal(ctx, `new Client(${label})`, () => new k.Client(bag));
    await typedRefusal(ctx, `fromEnv(env: ${label})`, () => k.Client.fromEnv("poelis", bag));
    await typedRefusal(ctx, `fromEnv(overrides: ${label})`, () => k.Client.fromEnv("poelis", { POELIS_API_KEY: D.poelis.apiKey, ...ctx.clientDefaults }, bag), { mayPass: inert.bag });
  }
  for (const name of ["provider", "apiKey", "jwt", "oauthToken", "scheme", "keyType", "baseUrl", "mcpUrl", "allowInsecureHttp", "timeoutMs", "maxRetries", "maxResponseBytes", "dangerouslyAllowBrowser", "fetch"]) {
    for (const [label, value] of hostileValues()) {
      await typedRefusal(ctx, `new Client({${name}: ${label}})`, () => new k.Client({ ...base, [name]: value }));
    }
    for (const [label, opts] of withHostile(base, name)) {
      await typedRefusal(ctx, `new Client(${label})`, () => new k.Client(opts));
    }
  }
  // A throwing getter is never "absent": a Postiz client must not fall back to api.postiz.com.
  const sent = [];
  const fetch = async (url) => {
    sent.push(String(url));
    return new Response("[]", { status: 200, headers: { "content-type": "application/json" } });
  };
  for (const [label, opts] of withHostile({ ...base, fetch }, "baseUrl")) {
    await typedRefusal(ctx, `Postiz ${label}`, async () => new k.Client(opts).listIntegrations());
  }
  assert.deepEqual(sent, [], "no request anywhere after a hostile baseUrl");
  await stillWorks(ctx, before, "after new Client");
});

hostile("buildHeaders, validateKey, detectProvider, redact: hostile input is a typed error or a failed validation, never a crash", async (ctx) => {
  const { k, DEMO_KEYS: D, assert } = ctx;
  const before = ctx.client("poelis");
  for (const [label, bag, inert] of hostileBags()) {
    await typedRefusal(ctx, `buildHeaders(${label})`, () => k.buildHeaders(bag));
    await typedRefusal(ctx, `buildHeaders(valid, ${label})`, () => k.buildHeaders({ provider: "poelis", apiKey: D.poelis.apiKey }, bag), { mayPass: inert.bag });
  }
  const base = { provider: "powerpost", apiKey: D.powerpost.apiKey };
  for (const name of ["provider", "apiKey", "jwt", "oauthToken", "scheme", "workspaceId"]) {
    for (const [label, value] of hostileValues()) {
      await typedRefusal(ctx, `buildHeaders({${name}: ${label}})`, () => k.buildHeaders({ ...base, [name]: value }));
    }
    for (const [label, opts] of withHostile(base, name)) await typedRefusal(ctx, `buildHeaders(${label})`, () => k.buildHeaders(opts));
  }
  for (const [label, v] of hostileValues()) {
    for (const args of [[v, D.poelis.apiKey], ["poelis", v], ["poelis", D.poelis.apiKey, v], [v, v, v]]) {
      const r = k.validateKey(...args);
      assert.equal(typeof r.ok, "boolean", `validateKey with ${label}`);
      if (args.length === 3 || args[0] === v || args[1] === v) assert.equal(r.ok, false, `validateKey with ${label} is not ok`);
    }
    assert.equal(k.detectProvider(v), null, `detectProvider(${label})`);
    assert.equal(typeof k.redact(v), "string", `redact(${label})`);
  }
  await stillWorks(ctx, before, "after buildHeaders");
});

hostile("request and every helper: hostile specs, options and values are ConfigErrors before any fetch, and the instance keeps working", async (ctx) => {
  const { assert } = ctx;
  const before = ctx.client("poelis");
  const { c, calls } = recordingClient(ctx, "poelis", { baseUrl: ctx.urls.poelis });
  for (const [label, bag, inert] of hostileBags()) {
    await typedRefusal(ctx, `request(${label})`, () => c.request(bag), { calls, mayPass: inert.bag });
    await typedRefusal(ctx, `listWorkspaces(${label})`, () => c.listWorkspaces(bag), { calls, mayPass: inert.bag });
  }
  const spec = { method: "POST", path: "/workspaces", json: { a: 1 }, idempotencyKey: "k1" };
  for (const name of ["method", "path", "query", "headers", "json", "body", "signal", "idempotencyKey", "target", "endpoint", "timeoutMs", "maxRetries"]) {
    for (const [label, value, inert] of hostileValues()) {
      const s = { ...spec, [name]: value };
      if (name === "body") delete s.json;
      // JSON.stringify reads own enumerable keys only: a trap it never triggers leaves valid JSON ("{}").
      const mayPass = (name === "json" && inert.json) || ((name === "query" || name === "headers") && inert.json);
      await typedRefusal(ctx, `request({${name}: ${label}})`, () => c.request(s), { calls, mayPass });
    }
    for (const [label, s] of withHostile(spec, name)) await typedRefusal(ctx, `request(${label})`, () => c.request(s), { calls });
  }
  for (const [label, value] of hostileValues()) {
    await typedRefusal(ctx, `request({query: {a: ${label}}})`, () => c.request({ path: "/workspaces", query: { a: value } }), { calls });
    await typedRefusal(ctx, `request({headers: {"X-A": ${label}}})`, () => c.request({ path: "/workspaces", headers: { "X-A": value } }), { calls });
  }
  await stillWorks(ctx, before, "after request");
});

hostile("helper options of every provider: hostile bags and values are ConfigErrors, never a raw TypeError", async (ctx) => {
  const { assert } = ctx;
  const before = ctx.client("poelis");
  const poesius = recordingClient(ctx, "poesius", { baseUrl: ctx.urls.poesius });
  const powerpost = recordingClient(ctx, "powerpost", { baseUrl: ctx.urls.powerpost, workspaceId: "ws_1" });
  const postiz = recordingClient(ctx, "postiz", { baseUrl: ctx.urls.postizRoot });
  const doc = new Uint8Array([1, 2, 3]);
  const helpers = [
    ["listPresentations", (o) => poesius.c.listPresentations(o), ["limit", "signal"]],
    ["generateFromDoc", (o) => poesius.c.generateFromDoc(doc, o), ["templateId", "numSlides", "filename", "signal"]],
    ["mcpCall", (o) => poesius.c.mcpCall("list_templates", {}, o), ["id", "signal"]],
    ["generateSlides", (o) => poesius.c.generateSlides({}, o), ["id", "signal"]],
    ["getCredits", (o) => powerpost.c.getCredits(o), ["signal"]],
    ["publishPost", (o) => powerpost.c.publishPost("p1", o), ["signal", "idempotencyKey"]],
    ["listIntegrations", (o) => postiz.c.listIntegrations(o), ["signal"]],
    ["isConnected", (o) => postiz.c.isConnected(o), ["signal"]],
    ["createPost", (o) => postiz.c.createPost({}, o), ["signal", "idempotencyKey"]],
    ["upload", (o) => postiz.c.upload(doc, o), ["filename", "signal"]],
  ];
  const calls = { poesius: poesius.calls, powerpost: powerpost.calls, postiz: postiz.calls };
  const of = (name) => calls[helpers.find((h) => h[0] === name)[3]];
  for (const h of helpers) h.push(h[0] === "getCredits" || h[0] === "publishPost" ? "powerpost" : ["listIntegrations", "isConnected", "createPost", "upload"].includes(h[0]) ? "postiz" : "poesius");
  for (const [name, call, options] of helpers) {
    for (const [label, bag, inert] of hostileBags()) await typedRefusal(ctx, `${name}(${label})`, () => call(bag), { calls: of(name), mayPass: inert.bag });
    for (const opt of options) {
      for (const [label, value] of hostileValues()) await typedRefusal(ctx, `${name}({${opt}: ${label}})`, () => call({ [opt]: value }), { calls: of(name) });
    }
  }
  for (const [label, value] of hostileValues()) {
    await typedRefusal(ctx, `generateFromDoc(${label})`, () => poesius.c.generateFromDoc(value), { calls: poesius.calls });
    await typedRefusal(ctx, `upload(${label})`, () => postiz.c.upload(value), { calls: postiz.calls });
    await typedRefusal(ctx, `publishPost(${label})`, () => powerpost.c.publishPost(value), { calls: powerpost.calls });
  }
  for (const [label, bag, inert] of hostileBags()) {
    await typedRefusal(ctx, `mcpCall args ${label}`, () => poesius.c.mcpCall("list_templates", bag), { calls: poesius.calls, mayPass: inert.json });
    await typedRefusal(ctx, `createPost(${label})`, () => postiz.c.createPost(bag), { calls: postiz.calls, mayPass: inert.json });
  }
  await stillWorks(ctx, before, "after helpers");
});

// =================================================================== cors

const cors = group("cors");

cors("Postiz with strict CORS: a browser cannot call it (NetworkError); servers and edge workers can", async (ctx) => {
  const { assert, k, DEMO_KEYS: D } = ctx;
  assert.ok(ctx.strict, "the runner provides a strict-CORS emulator");
  await ctx.strict.control.reset();
  const c = new k.Client({ provider: "postiz", apiKey: D.postiz.apiKey, baseUrl: ctx.strict.urls.postizRoot, timeoutMs: 4000, maxRetries: 0, ...ctx.clientDefaults });
  if (ctx.browser) {
    const e = await assert.rejects(c.listIntegrations(), k.NetworkError);
    assert.equal(e.provider, "postiz");
    assert.equal(e.status, null);
    assert.noSecret(`${e.message} ${JSON.stringify(e)}`);
    // The browser stopped at the preflight: the GET itself never reached Postiz.
    assert.equal(await ctx.strict.control.counts({ provider: "postiz", method: "GET" }), 0);
    assert.atLeast(await ctx.strict.control.counts({ provider: "postiz", method: "OPTIONS" }), 1, "preflights");
  } else {
    assert.equal((await c.listIntegrations()).length, 2);
    assert.equal(await ctx.strict.control.counts({ provider: "postiz", method: "GET", path: "/integrations" }), 1);
  }
});

cors("with open CORS every exposed header reaches the client (request id, rate limits)", async (ctx) => {
  const { assert } = ctx;
  const r = await ctx.client("powerpost").request({ path: "/account/credits" });
  assert.match(String(r.requestId), /^req_/);
  assert.equal(r.headers["x-ratelimit-limit"], "1000");
  const e = await assert.rejects(ctx.client("poelis").request({ path: "/workspaces", headers: ctx.fault("429:5") }), ctx.k.RateLimitError);
  assert.equal(e.retryAfterMs, 5000, "Retry-After is readable cross-origin");
});

// =================================================================== browser (window and Web Worker only)

const browser = group("browser");
const inWindow = (ctx) => ctx.browser === "window";
const inWorker = (ctx) => ctx.browser === "worker";

browser("window: a secret API key throws ConfigError browser_secret_key without dangerouslyAllowBrowser", async (ctx) => {
  const { assert, k, DEMO_KEYS: D, urls } = ctx;
  const rows = [
    ["poesius", D.poesius.apiKey, urls.poesius], ["poelis", D.poelis.apiKey, urls.poelis],
    ["powerpost", D.powerpost.apiKey, urls.powerpost], ["postiz", D.postiz.apiKey, urls.postizRoot],
  ];
  for (const [provider, apiKey, baseUrl] of rows) {
    const e = assert.throws(() => new k.Client({ provider, apiKey, baseUrl }), k.ConfigError, provider);
    assert.equal(e.code, "browser_secret_key", provider);
    assert.noSecret(`${e.message} ${JSON.stringify(e)} ${e.stack}`);
  }
  const env = assert.throws(() => k.Client.fromEnv("poelis", { POELIS_API_KEY: D.poelis.apiKey }), k.ConfigError);
  assert.equal(env.code, "browser_secret_key");
  assert.equal(await ctx.counts({}), 0);
}, { when: inWindow });

browser("window: dangerouslyAllowBrowser: true allows a secret key", async (ctx) => {
  const { assert, k, DEMO_KEYS: D, urls } = ctx;
  const c = new k.Client({ provider: "poelis", apiKey: D.poelis.apiKey, baseUrl: urls.poelis, dangerouslyAllowBrowser: true, timeoutMs: 4000 });
  assert.equal((await c.listWorkspaces()).count, 2);
}, { when: inWindow });

browser("window: user tokens (Poesius JWT and OAuth token, Postiz pos_ token) are allowed", async (ctx) => {
  const { assert, k, DEMO_KEYS: D, urls } = ctx;
  const jwt = new k.Client({ provider: "poesius", jwt: D.poesius.jwt, baseUrl: urls.poesius, timeoutMs: 4000 });
  assert.equal((await jwt.listPresentations()).total, 2);
  const oauth = new k.Client({ provider: "poesius", oauthToken: D.poesius.oauthToken, baseUrl: urls.poesius, timeoutMs: 4000 });
  assert.equal((await oauth.mcpCall("list_templates")).total, 3);
  const pos = new k.Client({ provider: "postiz", oauthToken: D.postiz.oauthToken, baseUrl: urls.postizRoot, timeoutMs: 4000 });
  assert.equal((await pos.listIntegrations()).length, 2);
}, { when: inWindow });

browser("window: a secret key is allowed inside a module Web Worker", async (ctx) => {
  const { assert, DEMO_KEYS: D, urls } = ctx;
  assert.ok(typeof ctx.spawnWorkerProbe === "function", "the page provides spawnWorkerProbe");
  const r = await ctx.spawnWorkerProbe({ provider: "powerpost", apiKey: D.powerpost.apiKey, baseUrl: urls.powerpost });
  assert.equal(r.ok, true, `worker said ${r.error ?? ""}`);
  assert.deepEqual(r.data, { balance: 3 });
  assert.equal(await ctx.counts({ provider: "powerpost", path: "/account/credits" }), 1);
}, { when: inWindow });

browser("worker: secret API keys of every provider are allowed without any flag", async (ctx) => {
  const { assert, k, DEMO_KEYS: D, urls } = ctx;
  assert.equal(typeof window, "undefined");
  const made = [
    new k.Client({ provider: "poesius", apiKey: D.poesius.apiKey, baseUrl: urls.poesius }),
    new k.Client({ provider: "poelis", apiKey: D.poelis.apiKey, baseUrl: urls.poelis }),
    new k.Client({ provider: "powerpost", apiKey: D.powerpost.apiKey, baseUrl: urls.powerpost }),
    new k.Client({ provider: "postiz", apiKey: D.postiz.apiKey, baseUrl: urls.postizRoot }),
  ];
  assert.equal((await made[1].listWorkspaces()).count, 2);
  assert.equal(made.length, 4);
}, { when: inWorker });

// =================================================================== faultgrid

// Every fault the emulator injects against every provider's helpers (tests/contract/faultgrid.js:
// the FAULTS and HELPERS tables, shared with tests/js/faults.test.mjs). One case per (fault,
// helper) cell, on the runner's fault-grid emulator (ctx.grid, FAULTGRID_CONFIG); cells of one
// lane (same provider, method and path) run in order, lanes concurrently. Cells that do not apply
// in a runtime are reported as skipped with their reason. Around the grid: a canary proving the
// runner sees unhandled rejections, and the checks after it (every scenario fault consumed, no
// request after a cell was over, nothing at the cross-origin trap, no unhandled rejection).
// The caller-abort-during-a-retry-wait and Retry-After-as-a-date cases of the Node test are the
// `timeouts` and `retries` groups' own ("aborting during the retry wait ...", "Retry-After as an
// HTTP date ..."), which run in every runtime.

// ------------------------------------------------------------------ hooks and logs

const hooks = group("hooks");

/** A logger that records `[level, line]` (the four methods `console` has). */
function recordingLogger() {
  const lines = [];
  const logger = {};
  for (const m of ["debug", "info", "warn", "error"]) logger[m] = (line) => lines.push([m, line]);
  return { logger, lines };
}

/** Hooks that record what they are given, as `[name, value]`. */
function recordingHooks() {
  const events = [];
  const hooks = {};
  for (const h of ["onRequest", "onResponse", "onRetry", "onRateLimit"]) hooks[h] = (v) => events.push([h, v]);
  return { hooks, events };
}

hooks("every hook and log line of a retried request: redacted values only, the key in the query never shown", async (ctx) => {
  const { assert } = ctx;
  const key = ctx.DEMO_KEYS.poelis.apiKey;
  await ctx.scenario({ match: { provider: "poelis", method: "GET", path: "/workspaces" }, faults: ["503"] });
  const { hooks: h, events } = recordingHooks();
  const { logger, lines } = recordingLogger();
  const c = ctx.client("poelis", { maxRetries: 1, ...h, logger, logLevel: "debug" });
  const r = await c.request({ path: "/workspaces", query: { echo: key } });
  assert.equal(r.status, 200);
  assert.deepEqual(events.map(([n, v]) => `${n}:${v.attempt ?? ""}:${v.status ?? ""}`), [
    "onRequest:1:", "onResponse:1:503", "onRetry:2:503", "onRequest:2:", "onResponse:2:200",
  ], "hook order");
  for (const [name, v] of events) {
    assert.noSecret(JSON.stringify(v), name);
    if (v.url !== undefined) {
      assert.match(v.url, /\/workspaces\?echo=/, `${name} url`);
      assert.equal(v.method, "GET", `${name} method`);
    }
  }
  const [, retry] = events[2];
  assert.deepEqual(Object.keys(retry).sort(), ["attempt", "delayMs", "reason", "status"], "onRetry fields");
  assert.equal(retry.reason, "server_error");
  assert.ok(Number.isFinite(retry.delayMs) && retry.delayMs >= 0, "delayMs");
  const [, ok] = events[4];
  assert.deepEqual(Object.keys(ok).sort(), ["attempt", "durationMs", "method", "rateLimit", "requestId", "status", "url"], "onResponse fields");
  assert.equal(ok.requestId, r.requestId, "requestId");
  assert.match(String(ok.requestId), /^req_[0-9a-z]+$/);
  assert.ok(ok.rateLimit !== null && typeof ok.rateLimit.limit === "number", "rateLimit");
  assert.ok(Number.isFinite(ok.durationMs) && ok.durationMs >= 0, "durationMs");
  // The log: a line per request, response and retry, each with method, URL, attempt; responses
  // with status and request id; the retry with its wait.
  assert.deepEqual(lines.map(([lvl, l]) => `${lvl} ${l.split(" ")[1]}`), ["debug request", "warn response", "warn retry", "debug request", "info response"], "log lines");
  for (const [, line] of lines) {
    assert.noSecret(line, "log line");
    assert.match(line, /^keygate \w+ GET http\S+\/workspaces\?echo=\S+ .*attempt=[12]/, "log line shape");
  }
  assert.match(lines[1][1], / status=503 attempt=1 wait=\d+ms/, "503 line");
  assert.match(lines[2][1], / status=503 attempt=2 wait=\d+ms reason=server_error/, "retry line");
  assert.match(lines[4][1], / status=200 attempt=2 requestId=req_[0-9a-z]+ /, "200 line");
  // The default level (info) leaves the debug lines out; "warn" keeps only warnings.
  const info = recordingLogger();
  await ctx.client("poelis", { logger: info.logger }).request({ path: "/workspaces" });
  assert.deepEqual(info.lines.map(([lvl]) => lvl), ["info"], "info level");
  const warn = recordingLogger();
  await ctx.client("poelis", { logger: warn.logger, logLevel: "warn" }).request({ path: "/workspaces" });
  assert.deepEqual(warn.lines, [], "warn level");
});

hooks("onRateLimit on a 429 with the server's limit and the wait; an error's log line", async (ctx) => {
  const { assert, k } = ctx;
  const { hooks: h, events } = recordingHooks();
  const { logger, lines } = recordingLogger();
  const c = ctx.client("poelis", { ...h, logger });
  const e = await assert.rejects(c.request({ path: "/workspaces", headers: ctx.fault("429:1") }), k.RateLimitError);
  const rl = events.filter(([n]) => n === "onRateLimit").map(([, v]) => v);
  assert.equal(rl.length, 1, "one onRateLimit");
  assert.deepEqual(Object.keys(rl[0]).sort(), ["rateLimit", "retryAfterMs"]);
  assert.deepEqual(rl[0].rateLimit, e.rateLimit, "rateLimit as on the error");
  assert.equal(rl[0].retryAfterMs, 1000, "retryAfterMs");
  assert.equal(lines.length, 1, "one line");
  assert.match(lines[0][1], /^keygate response GET \S+\/workspaces status=429 attempt=1 /);
  assert.equal(lines[0][0], "warn");
  for (const [, v] of events) assert.noSecret(JSON.stringify(v));
});

hooks("a hook or logger that throws or rejects never breaks a request; options are checked", async (ctx) => {
  const { assert, k } = ctx;
  let calls = 0;
  const boom = () => {
    calls += 1;
    throw new Error(`hook failed with ${ctx.DEMO_KEYS.poelis.apiKey}`);
  };
  const reject = async () => {
    calls += 1;
    throw new Error("async hook failed");
  };
  const bad = { debug: boom, info: boom, warn: boom, error: boom };
  await ctx.scenario({ match: { provider: "poelis", method: "GET", path: "/workspaces" }, faults: ["503"] });
  const r = await ctx.client("poelis", { maxRetries: 1, onRequest: boom, onResponse: boom, onRetry: boom, onRateLimit: boom, logger: bad, logLevel: "debug" }).request({ path: "/workspaces" });
  assert.equal(r.status, 200);
  assert.equal(calls, 10, "every hook and log line was called (5 hooks, 5 lines)");
  calls = 0;
  const r2 = await ctx.client("poelis", { onRequest: reject, onResponse: reject }).request({ path: "/workspaces" });
  assert.equal(r2.status, 200);
  assert.equal(calls, 2, "async hooks called");
  await ctx.sleep(10);
  // Options: own properties only; a non-function hook, a logger without the methods, an unknown level.
  let inherited = 0;
  const base = ctx.urls.poelis;
  const proto = Object.create({ onRequest: () => (inherited += 1) });
  Object.assign(proto, { provider: "poelis", apiKey: ctx.DEMO_KEYS.poelis.apiKey, baseUrl: base, timeoutMs: 4000, ...ctx.clientDefaults });
  await new k.Client(proto).request({ path: "/workspaces" });
  assert.equal(inherited, 0, "an inherited hook is not read");
  for (const [opts, what] of [[{ onRetry: 5 }, "onRetry"], [{ logger: {} }, "logger"], [{ logger: console, logLevel: "loud" }, "logLevel"]]) {
    const e = assert.throws(() => ctx.client("poelis", opts), k.ConfigError, what);
    assert.equal(e.code, "invalid_option", what);
  }
});

hooks("fromEnv reads KEYGATE_LOG from the env it is given", async (ctx) => {
  const { assert, k } = ctx;
  const env = { POELIS_API_KEY: ctx.DEMO_KEYS.poelis.apiKey, POELIS_BASE_URL: ctx.urls.poelis.replace(/\/v1\/public$/, ""), KEYGATE_LOG: "debug" };
  const { logger, lines } = recordingLogger();
  await k.Client.fromEnv("poelis", env, { logger, timeoutMs: 4000, ...ctx.clientDefaults }).request({ path: "/workspaces" });
  assert.deepEqual(lines.map(([lvl]) => lvl), ["debug", "info"], "debug level from KEYGATE_LOG");
  for (const [, line] of lines) assert.noSecret(line);
  const e = assert.throws(() => k.Client.fromEnv("poelis", { ...env, KEYGATE_LOG: "loud" }, ctx.clientDefaults), k.ConfigError);
  assert.equal(e.code, "invalid_option");
  assert.match(e.message, /KEYGATE_LOG/);
});

// ------------------------------------------------------------------ key rotation

const rotation = group("rotation");

/** A fetch that records, per attempt, which of `keys` the request carried (by index, -1 none). */
function keySpy(keys) {
  const used = [];
  const fetchImpl = (url, init) => {
    const sent = Object.values(init.headers ?? {}).join(" ");
    used.push(keys.findIndex((key) => sent.includes(key)));
    return fetch(url, init);
  };
  return { used, fetchImpl };
}

rotation("a credential function: a revoked key's 401 calls it once more and retries once with the new key", async (ctx) => {
  const { assert } = ctx;
  const D = ctx.DEMO_KEYS.poelis;
  const keys = [D.revokedKey, D.apiKey];
  const spy = keySpy(keys);
  let calls = 0;
  const c = ctx.client("poelis", { apiKey: async () => keys[Math.min(calls++, 1)], fetch: spy.fetchImpl });
  assert.equal(String(c), "Client(poelis undefined (function))", "nothing known before the first call");
  const r = await c.request({ path: "/workspaces" });
  assert.equal(r.status, 200);
  assert.equal(calls, 2, "called for the request, then once after the 401");
  assert.deepEqual(spy.used, [0, 1], "the revoked key, then the new one");
  assert.equal(await ctx.counts({ provider: "poelis", path: "/workspaces" }), 2, "two requests reached the server");
  assert.noSecret(JSON.stringify(c.toJSON()));
  // Called again for the next request (a sync function works too).
  await c.request({ path: "/workspaces" });
  assert.equal(calls, 3, "called per request");
  assert.deepEqual(spy.used, [0, 1, 1]);
});

rotation("never the same key twice, never more than one rotation; a non-key 401 does not call it", async (ctx) => {
  const { assert, k } = ctx;
  const D = ctx.DEMO_KEYS.poelis;
  // The same revoked value again: the 401 is reported, the request not resent.
  let calls = 0;
  const same = keySpy([D.revokedKey]);
  const e = await assert.rejects(ctx.client("poelis", { apiKey: () => (calls++, D.revokedKey), fetch: same.fetchImpl }).request({ path: "/workspaces" }), k.AuthenticationError);
  assert.equal(e.status, 401);
  assert.noSecret(JSON.stringify(e));
  assert.noSecret(e.message);
  assert.equal(calls, 2, "asked once more");
  assert.deepEqual(same.used, [0], "never resent with the refused key");
  // A second bad value: one rotation only, then the 401 is reported.
  const unknown = `${D.apiKey.slice(0, -4)}Zz9Q`;
  const keys = [D.revokedKey, unknown, D.apiKey];
  const spy = keySpy(keys);
  let n = 0;
  const e2 = await assert.rejects(ctx.client("poelis", { apiKey: async () => keys[n++], fetch: spy.fetchImpl }).request({ path: "/workspaces" }), k.AuthenticationError);
  assert.equal(e2.status, 401);
  assert.equal(n, 2, "not asked a third time");
  assert.deepEqual(spy.used, [0, 1], "one retry, with the second value");
  // A function that returns a non-string or throws: a ConfigError without its error's text.
  const bad = await assert.rejects(ctx.client("poelis", { apiKey: () => 42 }).request({ path: "/workspaces" }), k.ConfigError);
  assert.equal(bad.code, "invalid_option");
  const threw = await assert.rejects(ctx.client("poelis", { apiKey: async () => { throw new Error(`store said ${D.apiKey}`); } }).request({ path: "/workspaces" }), k.ConfigError);
  assert.noSecret(threw.message);
  // A malformed returned value is refused as a key given directly is.
  await assert.rejects(ctx.client("poelis", { apiKey: () => "poelis_api_x y" }).request({ path: "/workspaces" }), k.KeyFormatError);
  // A 401 that is not a verdict on the key (Postiz's empty-bodied one) does not call it again.
  let m = 0;
  await assert.rejects(ctx.client("postiz", { apiKey: () => (m++, ctx.DEMO_KEYS.postiz.apiKey) }).request({ path: "/integrations", headers: ctx.fault("empty-body:401") }), k.AuthenticationError);
  assert.equal(m, 1, "not rotated");
});

const pace = group("pace");

/** `keygate/pace` as the runner loaded it (its own wasm): a runner that did not is a failure. */
function kp(ctx) {
  if (!ctx.kp || typeof ctx.kp.pacer !== "function") throw new Error(`the ${ctx.runtime} runner did not load keygate/pace (ctx.kp)`);
  return ctx.kp;
}

/** A fetch that answers 200 `[]` with no rate-limit headers, noting when each request went. */
function paceStub() {
  const sent = [];
  const fetchImpl = async (url, init) => {
    sent.push({ at: Date.now(), id: init.headers["X-Keygate-Echo"] ?? init.headers["x-keygate-echo"] });
    return new Response("[]", { status: 200, headers: { "content-type": "application/json" } });
  };
  return { sent, fetchImpl };
}

pace("pace: requests wait their turn, in order, none dropped, never faster than the policy", async (ctx) => {
  const { assert } = ctx;
  const spy = paceStub();
  const c = ctx.client("poelis", { fetch: spy.fetchImpl, maxRetries: 0, pace: kp(ctx).pacer({ limit: 2, windowMs: 200, scope: `contract-order-${Math.random()}` }) });
  const t0 = Date.now();
  const all = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => c.request({ path: "/workspaces", headers: { "X-Keygate-Echo": `o-${i}` } })));
  assert.equal(all.length, 6);
  assert.deepEqual(spy.sent.map((s) => s.id), ["o-0", "o-1", "o-2", "o-3", "o-4", "o-5"], "FIFO");
  // 2 per 200 ms (+1% margin): the 3rd no sooner than 202 ms after the start, the 5th 404 ms.
  // (Measured from before the first request: a busy runtime may call fetch late, never early.)
  assert.ok(spy.sent[2].at - t0 >= 195, "the third waited a window");
  assert.ok(spy.sent[4].at - t0 >= 395, "the fifth waited two windows");
});

pace("pace: an abort while waiting rejects with AbortError and sends nothing; the next request takes the place", async (ctx) => {
  const { assert, k } = ctx;
  const spy = paceStub();
  const c = ctx.client("poelis", { fetch: spy.fetchImpl, maxRetries: 0, pace: kp(ctx).pacer({ limit: 1, windowMs: 300, scope: `contract-abort-${Math.random()}` }) });
  await c.request({ path: "/workspaces" });
  const ac = new AbortController();
  const waiting = c.request({ path: "/workspaces", signal: ac.signal });
  const behind = c.request({ path: "/workspaces" });
  setTimeout(() => ac.abort(), 30);
  await assert.rejects(waiting, k.AbortError);
  assert.equal(spy.sent.length, 1, "the aborted request was not sent");
  await behind;
  assert.equal(spy.sent.length, 2);
});

pace("pace: a bad pace option is a ConfigError (pace: true and a bare policy included: pass pacer())", async (ctx) => {
  const { assert, k } = ctx;
  const { pacer } = kp(ctx);
  for (const p of [pacer({ limit: 0, windowMs: 10 }), pacer({ burst: 1 }), "fast", pacer({ store: {} }), true, { limit: 2, windowMs: 100 }]) {
    let err;
    try {
      ctx.client("poelis", { pace: p });
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof k.ConfigError, `pace ${JSON.stringify(p)}`);
  }
});

const faultgrid = group("faultgrid");

faultgrid("the runner observes unhandled promise rejections (a deliberate one is seen, then dropped)", async (ctx) => {
  const { assert } = ctx;
  assert.ok(Array.isArray(ctx.unhandled), `the ${ctx.runtime} runner records no unhandled rejections`);
  const canary = new Error("keygate fault-grid canary: a deliberately unhandled rejection");
  Promise.reject(canary); // deliberately unhandled
  for (let i = 0; i < 200 && !ctx.unhandled.includes(canary); i += 1) await ctx.sleep(10);
  const at = ctx.unhandled.indexOf(canary);
  assert.ok(at >= 0, "the deliberately unhandled rejection was not reported within 2 s");
  ctx.unhandled.splice(at, 1);
});

/** Requests each cell's scenario key saw, for the check after the grid: `JSON(match) -> {match, attempts}`. */
const gridSeen = new Map();

const GRID_BATCH = {
  async setup(ctx) {
    ctx.assert.ok(ctx.grid, "the runner provides the fault-grid emulator (FAULTGRID_CONFIG)");
    await ctx.grid.control.reset();
    gridSeen.clear();
  },
};

function gridEnv(ctx) {
  const { grid } = ctx;
  return {
    k: ctx.k,
    D: ctx.DEMO_KEYS,
    urls: grid.urls,
    clientDefaults: ctx.clientDefaults,
    assert: ctx.assert,
    opaqueRedirects: ctx.opaqueRedirects,
    scenario: (s) => grid.control.scenario(s),
    counts: (filter) => grid.control.counts(filter),
    onAttempts(match, attempts) {
      const key = JSON.stringify(match);
      const seen = gridSeen.get(key) ?? { match, attempts: 0 };
      seen.attempts += attempts;
      gridSeen.set(key, seen);
    },
  };
}

for (const { fault, helper, lane } of planGrid()) {
  cases.push({
    group: "faultgrid",
    name: `${helper.name} × ${fault.spec}`,
    batch: GRID_BATCH,
    lane,
    weight: expectationOf(fault, helper).attempts, // lanes of retried calls take longest: they start first
    timeoutMs: boundMs(3) + 5000,
    skip: (ctx) => skipReason(fault, helper, { opaqueRedirects: ctx.opaqueRedirects }),
    run: (ctx) => runFaultCell(gridEnv(ctx), fault, helper),
  });
}

faultgrid("after the grid: every scenario fault consumed, no request after a cell ended, nothing at the trap, no unhandled rejection", async (ctx) => {
  const { assert } = ctx;
  assert.ok(ctx.grid, "the runner provides the fault-grid emulator");
  const { control } = ctx.grid;
  await ctx.sleep(300); // a late attempt (after a cell's count) would land now
  const left = (await control.pending()).filter((s) => s.faults.length > 0);
  assert.deepEqual(left.map((s) => `${s.match.method} ${s.match.path}: ${s.faults.join(",")}`), [], "scenario faults never taken");
  for (const { match, attempts } of gridSeen.values()) {
    assert.equal(await control.counts(match), attempts, `${match.provider} ${match.method} ${match.path}: requests now vs counted by its cells`);
  }
  const trap = await control.trap();
  assert.equal(trap.length, 0, "requests at the cross-origin trap");
  assert.equal(await control.counts({ provider: "cross-origin" }), 0, "cross-origin log entries");
  assert.ok(Array.isArray(ctx.unhandled), `the ${ctx.runtime} runner records no unhandled rejections`);
  assert.deepEqual(ctx.unhandled.map((r) => (r instanceof Error ? `${r.name}: ${r.message}` : String(r))), [], "unhandled rejections during the suite");
});
