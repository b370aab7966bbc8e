// The npm package, imported by its name through the exports map, against a loopback server.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import util from "node:util";
import * as keygate from "keygate";
import {
  Client, validateKey, detectProvider, buildHeaders, redact, providers, ready,
  KeygateError, KeyFormatError, ConfigError, BadRequestError, AuthenticationError, PaymentRequiredError,
  PermissionError, NotFoundError, SubscriptionError, RateLimitError, ServerError, NetworkError,
  TimeoutError, AbortError, ApiError,
} from "keygate";
import { startServer, json, KEYS, BODIES, assertNoSecret } from "./server.mjs";

const T = { timeout: 20_000 };
let routes = new Map();
const srv = await startServer(async (req, res, rec) => {
  const key = `${req.method} ${req.url.split("?")[0]}`;
  const h = routes.get(key) ?? routes.get(`* ${req.url.split("?")[0]}`);
  if (!h) return json(res, 404, { error: "not_found", message: `no route ${key}` });
  return h(req, res, rec);
});
const trap = await startServer((req, res) => json(res, 200, { trap: true }));
after(async () => {
  await srv.close();
  await trap.close();
});
const route = (k, h) => routes.set(k, h);
const count = (path) => srv.requests.filter((r) => r.url.split("?")[0] === path).length;

function client(provider, extra = {}) {
  const base = { poesius: "/poesius/api/v1", poelis: "/poelis/v1/public", powerpost: "/powerpost/api/v1", postiz: "/postiz" }[provider];
  return new Client({ provider, apiKey: KEYS[provider], baseUrl: srv.url + base, timeoutMs: 2000, ...extra });
}

test("exports: every name is there and Node needs no init()", T, async () => {
  await ready;
  for (const name of ["Client", "validateKey", "detectProvider", "buildHeaders", "redact", "providers", "KeygateError",
    "KeyFormatError", "ConfigError", "BadRequestError", "AuthenticationError", "PaymentRequiredError", "PermissionError",
    "NotFoundError", "SubscriptionError", "RateLimitError", "ServerError", "NetworkError", "TimeoutError", "AbortError", "ApiError"]) {
    assert.ok(keygate[name] !== undefined, name);
  }
  assert.deepEqual(providers.map((p) => p.id), ["poesius", "poelis", "powerpost", "postiz"]);
  assert.equal(providers[2].envWorkspaceId, "POWERPOST_WORKSPACE_ID");
});

test("validateKey, detectProvider, redact", T, () => {
  const v = validateKey("poelis", KEYS.poelis);
  assert.deepEqual(v, { ok: true, provider: "poelis", kind: "api_key", code: "ok", message: v.message, redacted: "poelis_api_…CCIE", warnings: [] });
  assert.equal(validateKey("powerpost", "pp_test_sk_abcdefgh12").warnings[0].code, "test_key");
  assert.equal(validateKey("powerpost", "pp_test_sk_abcdefgh12").env, "test");
  assert.equal(validateKey("powerpost", KEYS.poelis).code, "wrong_prefix");
  assert.match(validateKey("powerpost", KEYS.poelis).message, /Poelis/);
  assert.equal(validateKey("postiz", KEYS.postizOauth).kind, "oauth_token");
  assert.equal(validateKey("poesius", ` ${KEYS.poesius}`).code, "whitespace");
  assert.equal(validateKey("poesius", `Bearer ${KEYS.poesius}`).code, "has_scheme");
  // Bad input never throws.
  for (const bad of [undefined, null, 42, {}, [], Symbol.iterator, 10n]) {
    const r = validateKey("poelis", bad);
    assert.equal(r.ok, false);
    assert.ok(["empty", "not_a_string"].includes(r.code));
  }
  assert.equal(validateKey("nope", KEYS.poelis).code, "unknown_provider");
  assert.equal(validateKey("poelis", KEYS.poelis, "weird").code, "unsupported_kind");
  assert.equal(validateKey("poelis", "x".repeat(1_000_000)).code, "too_long");
  for (const k of Object.values(KEYS)) assertNoSecret(assert, JSON.stringify(validateKey("poesius", k)));
  assert.equal(detectProvider(KEYS.powerpost), "powerpost");
  assert.equal(detectProvider(KEYS.postiz), null);
  assert.equal(detectProvider(undefined), null);
  assert.equal(redact(KEYS.powerpost), "pp_live_sk_…CRET");
  assert.equal(redact(42), "…");
});

test("buildHeaders: documented headers, redacted when shown", T, () => {
  const h = buildHeaders({ provider: "powerpost", apiKey: KEYS.powerpost, scheme: "bearer", workspaceId: "ws_1" });
  assert.deepEqual(Object.entries(h), [["Authorization", `Bearer ${KEYS.powerpost}`], ["X-Workspace-Id", "ws_1"]]);
  assertNoSecret(assert, JSON.stringify(h));
  assertNoSecret(assert, util.inspect(h));
  assertNoSecret(assert, String(h));
  assert.match(JSON.stringify(h), /Bearer pp_live_sk_…CRET/);
  assert.deepEqual(Object.keys(buildHeaders({ provider: "poesius", apiKey: KEYS.poesius })), ["X-API-Key"]);
  assert.equal(buildHeaders({ provider: "postiz", oauthToken: KEYS.postizOauth }).Authorization, KEYS.postizOauth);
  assert.equal(buildHeaders({ provider: "postiz", apiKey: KEYS.postiz }).Authorization, KEYS.postiz);
  assert.equal(buildHeaders({ provider: "poelis", apiKey: KEYS.poelis }).Authorization, `Bearer ${KEYS.poelis}`);
  const e = assert.throws(() => buildHeaders({ provider: "poelis", apiKey: "poelis_api_bad key\r\nX: y" }), KeyFormatError);
  assert.throws(() => buildHeaders({ provider: "powerpost", apiKey: KEYS.powerpost, workspaceId: "a\r\nb" }), ConfigError);
  assert.throws(() => buildHeaders(null), ConfigError);
  assert.throws(() => buildHeaders({ provider: "poelis", apiKey: 5 }), KeyFormatError);
});

test("client hides its credential everywhere", T, () => {
  for (const p of ["poesius", "poelis", "powerpost", "postiz"]) {
    const c = client(p);
    for (const s of [String(c), JSON.stringify(c), util.inspect(c), util.format("%o", c), util.inspect(c, { showHidden: true, depth: 5 })]) {
      assertNoSecret(assert, s, p);
    }
    assert.match(String(c), new RegExp(p));
    assert.equal(c.provider, p);
  }
});

test("request: success, headers sent, requestId, query and json", T, async () => {
  route("POST /poelis/v1/public/things", (req, res, rec) => json(res, 201, { got: JSON.parse(rec.body) }, { "x-request-id": "req_42" }));
  const r = await client("poelis").request({ method: "post", path: "/things", query: { a: "b c", n: [1, 2] }, json: { x: 1 }, headers: { "X-Trace": "t1" } });
  assert.equal(r.status, 201);
  assert.deepEqual(r.data, { got: { x: 1 } });
  assert.equal(r.requestId, "req_42");
  assert.equal(r.headers["x-request-id"], "req_42");
  const rec = srv.requests.at(-1);
  assert.equal(rec.url, "/poelis/v1/public/things?a=b%20c&n=1&n=2");
  assert.equal(rec.headers.authorization, `Bearer ${KEYS.poelis}`);
  assert.equal(rec.headers["content-type"], "application/json");
  assert.equal(rec.headers["x-trace"], "t1");
});

test("typed helpers hit the documented endpoints with the documented headers", T, async () => {
  route("GET /poesius/api/v1/presentations", (req, res) => json(res, 200, { items: [] }));
  route("POST /poesius/api/v1/slides/generate-from-doc", (req, res, rec) => json(res, 200, { ct: req.headers["content-type"], body: rec.body.toString("latin1") }));
  route("GET /poelis/v1/public/workspaces", (req, res) => json(res, 200, { items: [{ id: "w" }], count: 1 }));
  route("GET /powerpost/api/v1/account/credits", (req, res) => json(res, 200, { balance: 7 }));
  route("POST /powerpost/api/v1/posts/p%201/publish", (req, res) => json(res, 200, { id: "p 1", status: "published" }));
  route("GET /postiz/public/v1/integrations", (req, res) => json(res, 200, [{ id: "i1" }]));
  route("GET /postiz/public/v1/is-connected", (req, res) => json(res, 200, { connected: true }));
  route("POST /postiz/public/v1/posts", (req, res, rec) => json(res, 200, { idem: req.headers["idempotency-key"] ?? null }));
  route("POST /postiz/public/v1/upload", (req, res, rec) => json(res, 200, { ok: rec.body.includes('name="file"') }));
  route("POST /poesius/api/v1/mcp", (req, res, rec) => {
    const rpc = JSON.parse(rec.body);
    if (rpc.params.name === "bad") return json(res, 200, { jsonrpc: "2.0", id: rpc.id, error: { code: -32602, message: "instructions required" } });
    json(res, 200, { jsonrpc: "2.0", id: rpc.id, result: { tool: rpc.params.name, args: rpc.params.arguments } });
  });
  assert.deepEqual(await client("poesius").listPresentations(), { items: [] });
  assert.equal(srv.requests.at(-1).url, "/poesius/api/v1/presentations?limit=1");
  assert.equal(srv.requests.at(-1).headers["x-api-key"], KEYS.poesius);
  const g = await client("poesius").generateFromDoc(new TextEncoder().encode("hello doc"), { filename: "a.txt", numSlides: 3 });
  assert.match(g.ct, /^multipart\/form-data; boundary=/);
  assert.match(g.body, /name="document"; filename="a.txt"/);
  assert.match(g.body, /name="num_slides"\r\n\r\n3/);
  assert.deepEqual(await client("poesius").generateSlides({ instructions: "x" }), { tool: "generate_slides", args: { instructions: "x" } });
  const mcpErr = await client("poesius").mcpCall("bad").catch((e) => e);
  assert.ok(mcpErr instanceof ApiError);
  assert.equal(mcpErr.providerCode, "-32602");
  assert.deepEqual(await client("poelis").listWorkspaces(), { items: [{ id: "w" }], count: 1 });
  assert.deepEqual(await client("powerpost").getCredits(), { balance: 7 });
  assert.equal(srv.requests.at(-1).headers["x-workspace-id"], undefined);
  const pp = client("powerpost", { workspaceId: "ws_9" });
  assert.equal((await pp.publishPost("p 1")).status, "published");
  assert.equal(srv.requests.at(-1).headers["x-workspace-id"], "ws_9");
  assert.equal(srv.requests.at(-1).headers["x-api-key"], KEYS.powerpost);
  assert.deepEqual(await client("postiz").listIntegrations(), [{ id: "i1" }]);
  assert.equal(srv.requests.at(-1).headers.authorization, KEYS.postiz);
  assert.deepEqual(await client("postiz").isConnected(), { connected: true });
  assert.deepEqual(await client("postiz").createPost({ a: 1 }, { idempotencyKey: "k1" }), { idem: "k1" });
  assert.deepEqual(await client("postiz").upload(new Blob(["x"]), { filename: "x.png" }), { ok: true });
  // Helpers of another provider, or needing another credential kind, are refused locally.
  await assert.rejects(client("postiz").listWorkspaces(), (e) => e instanceof ConfigError && e.code === "unsupported_endpoint");
  await assert.rejects(client("poesius").createApiKey({ name: "n" }), (e) => e instanceof ConfigError && e.code === "wrong_credential_kind");
});

test("createApiKey with a JWT", T, async () => {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const jwt = `${b64({ alg: "HS256" })}.${b64({ sub: "u", exp: 4102444800 })}.c2lnbmF0dXJl`;
  route("POST /poesius/api/v1/api-keys/", (req, res, rec) => json(res, 200, { id: "1", auth: req.headers.authorization === `Bearer ${jwt}`, ...JSON.parse(rec.body) }));
  const c = new Client({ provider: "poesius", jwt, baseUrl: srv.url + "/poesius/api/v1" });
  const r = await c.createApiKey({ name: "automation-key", description: "d" });
  assert.deepEqual(r, { id: "1", auth: true, name: "automation-key", description: "d" });
  assert.ok(!String(c).includes(jwt.split(".")[1]));
});

const ERROR_CASES = [
  ["poesius", 401, { detail: "API key has been revoked" }, AuthenticationError, null],
  ["poesius", 402, { error: "Insufficient credits", error_code: "CREDITS_EXHAUSTED" }, PaymentRequiredError, "CREDITS_EXHAUSTED"],
  ["poelis", 400, { error: "validation_error", message: "bad field" }, BadRequestError, "validation_error"],
  ["poelis", 422, { error: "validation_error", message: "bad field" }, BadRequestError, "validation_error"],
  ["poelis", 404, { error: "not_found", message: "no such thing" }, NotFoundError, "not_found"],
  ["powerpost", 403, { error: { message: "Not your workspace", code: "FORBIDDEN" } }, PermissionError, "FORBIDDEN"],
  ["powerpost", 409, { error: { message: "Already published", code: "ALREADY_PUBLISHED" } }, ApiError, "ALREADY_PUBLISHED"],
  ["postiz", 401, { msg: "No subscription found" }, SubscriptionError, null],
  ["postiz", 401, { msg: "Invalid API key" }, AuthenticationError, null],
  ["postiz", 402, { statusCode: 402, message: "Plan limit reached", url: "https://x" }, PaymentRequiredError, null],
  ["poelis", 501, { error: "internal_error", message: "nope" }, ServerError, "internal_error"],
];

test("every HTTP error class, with the provider's message, code and request id", T, async () => {
  for (const [provider, status, body, cls, providerCode] of ERROR_CASES) {
    const path = `/e${status}${provider}`;
    const base = { poesius: "/poesius/api/v1", poelis: "/poelis/v1/public", powerpost: "/powerpost/api/v1", postiz: "/postiz/public/v1" }[provider];
    route(`GET ${base}${path}`, (req, res) => json(res, status, body, { "X-Request-ID": `rid-${status}` }));
    const e = await client(provider).request({ path }).catch((x) => x);
    assert.ok(e instanceof cls, `${provider} ${status}: ${e && e.name}`);
    assert.ok(e instanceof KeygateError && e instanceof Error);
    assert.equal(e.name, cls.name);
    assert.equal(e.status, status);
    assert.equal(e.provider, provider);
    assert.equal(e.requestId, `rid-${status}`);
    assert.equal(e.providerCode, providerCode);
    const expected = body.detail ?? body.msg ?? body.message ?? body.error?.message ?? body.error;
    assert.equal(e.message, expected);
    assert.equal(JSON.parse(JSON.stringify(e)).name, cls.name);
    assert.match(e.stack, /package\.test\.mjs/);
  }
});

test("odd bodies still give the right class; a leaked key in a body is redacted", T, async () => {
  route("GET /poelis/v1/public/html", (req, res) => { res.writeHead(502, { "content-type": "text/html" }); res.end("<h1>bad gateway</h1>"); });
  route("GET /poelis/v1/public/leak", (req, res) => json(res, 401, { error: "unauthorized", message: `key ${KEYS.poelis} is wrong` }));
  route("GET /poelis/v1/public/badjson", (req, res) => { res.writeHead(200, { "content-type": "application/json" }); res.end("{oops"); });
  const e = await client("poelis", { maxRetries: 0 }).request({ path: "/html" }).catch((x) => x);
  assert.ok(e instanceof ServerError);
  assert.equal(e.status, 502);
  const l = await client("poelis").request({ path: "/leak" }).catch((x) => x);
  assert.ok(l instanceof AuthenticationError);
  for (const s of [l.message, l.stack, JSON.stringify(l), util.inspect(l), String(l)]) assertNoSecret(assert, s);
  const j = await client("poelis").request({ path: "/badjson" }).catch((x) => x);
  assert.ok(j instanceof ApiError);
  assert.equal(j.code, "invalid_json");
});

test("retries: 503 then success for GET; POST only with an idempotency key; Retry-After honoured", T, async () => {
  let n = 0;
  route("GET /poelis/v1/public/flaky", (req, res) => (++n < 3 ? json(res, 503, { error: "x", message: "busy" }) : json(res, 200, { n })));
  assert.deepEqual((await client("poelis").request({ path: "/flaky" })).data, { n: 3 });
  assert.equal(count("/poelis/v1/public/flaky"), 3);

  route("POST /poelis/v1/public/p503", (req, res) => json(res, 503, { error: "x", message: "busy" }));
  await assert.rejects(client("poelis").request({ method: "POST", path: "/p503" }), ServerError);
  assert.equal(count("/poelis/v1/public/p503"), 1);
  await assert.rejects(client("poelis", { maxRetries: 1 }).request({ method: "POST", path: "/p503", idempotencyKey: "idem-7" }), ServerError);
  assert.equal(count("/poelis/v1/public/p503"), 3);
  const posts = srv.requests.filter((r) => r.url === "/poelis/v1/public/p503").slice(1);
  assert.deepEqual(posts.map((r) => r.headers["idempotency-key"]), ["idem-7", "idem-7"]);

  let m = 0;
  const times = [];
  route("GET /poelis/v1/public/limited", (req, res) => {
    times.push(Date.now());
    return ++m === 1 ? json(res, 429, { error: "rate_limit_exceeded", message: "slow" }, { "Retry-After": "1" }) : json(res, 200, { ok: true });
  });
  await client("poelis").request({ path: "/limited" });
  assert.ok(times[1] - times[0] >= 950, `waited ${times[1] - times[0]} ms`);

  route("GET /poelis/v1/public/toolong", (req, res) => json(res, 429, { error: "rate_limit_exceeded", message: "later" }, { "Retry-After": "120" }));
  const e = await client("poelis").request({ path: "/toolong" }).catch((x) => x);
  assert.ok(e instanceof RateLimitError);
  assert.equal(e.retryAfterMs, 120_000);
  assert.equal(count("/poelis/v1/public/toolong"), 1);

  route("GET /powerpost/api/v1/account/credits", (req, res) => json(res, 429, { error: { message: "limit", code: "RATE_LIMIT_EXCEEDED" }, retryAfter: 90 }));
  const pe = await client("powerpost").getCredits().catch((x) => x);
  assert.ok(pe instanceof RateLimitError);
  assert.equal(pe.retryAfterMs, 90_000);
  assert.equal(pe.providerCode, "RATE_LIMIT_EXCEEDED");
});

test("timeouts, caller abort, network errors", T, async () => {
  route("GET /poelis/v1/public/slow", (req, res) => setTimeout(() => json(res, 200, {}), 1500));
  const t0 = Date.now();
  const e = await client("poelis", { timeoutMs: 200, maxRetries: 1 }).request({ path: "/slow" }).catch((x) => x);
  assert.ok(e instanceof TimeoutError, e.name);
  assert.equal(count("/poelis/v1/public/slow"), 2);
  assert.ok(Date.now() - t0 < 1500);

  const ac = new AbortController();
  setTimeout(() => ac.abort(), 100);
  const before = count("/poelis/v1/public/slow");
  const a = await client("poelis").request({ path: "/slow", signal: ac.signal }).catch((x) => x);
  assert.ok(a instanceof AbortError, a.name);
  assert.equal(count("/poelis/v1/public/slow"), before + 1);
  const pre = new AbortController();
  pre.abort();
  await assert.rejects(client("poelis").request({ path: "/slow", signal: pre.signal }), AbortError);
  assert.equal(count("/poelis/v1/public/slow"), before + 1);

  const dead = new Client({ provider: "poelis", apiKey: KEYS.poelis, baseUrl: "http://127.0.0.1:9", maxRetries: 0 });
  const n = await dead.listWorkspaces().catch((x) => x);
  assert.ok(n instanceof NetworkError, n.name);
});

test("redirects: same origin followed, cross origin refused and the key never sent", T, async () => {
  route("GET /poelis/v1/public/moved", (req, res) => { res.writeHead(302, { location: "/poelis/v1/public/here" }); res.end(); });
  route("GET /poelis/v1/public/here", (req, res) => json(res, 200, { here: true }));
  assert.deepEqual((await client("poelis").request({ path: "/moved" })).data, { here: true });
  for (const status of [301, 302, 307, 308]) {
    route(`GET /poelis/v1/public/away${status}`, (req, res) => { res.writeHead(status, { location: `${trap.url}/steal` }); res.end(); });
    const e = await client("poelis").request({ path: `/away${status}` }).catch((x) => x);
    assert.ok(e instanceof ApiError, e.name);
    assert.equal(e.code, "redirect_refused");
    assert.equal(e.status, status);
  }
  assert.equal(trap.requests.length, 0);
});

test("local guards: PowerPost workspace and draft key fail before the network", T, async () => {
  const before = srv.requests.length;
  const w = await client("powerpost").request({ method: "POST", path: "/posts" }).catch((x) => x);
  assert.ok(w instanceof BadRequestError);
  assert.equal(w.code, "workspace_required");
  const d = await client("powerpost", { workspaceId: "ws_1", keyType: "read_draft" }).publishPost("p1").catch((x) => x);
  assert.ok(d instanceof PermissionError);
  assert.equal(d.code, "draft_key_publish");
  for (const path of ["https://evil.example/x", "//evil/x", "/../x", "/%2e%2e/x"]) {
    await assert.rejects(client("poelis").request({ path }), (e) => e instanceof ConfigError && e.code === "invalid_path");
  }
  assert.equal(srv.requests.length, before);
});

test("configuration errors are typed and change nothing", T, () => {
  assert.throws(() => new Client({ provider: "poelis", apiKey: KEYS.poelis, baseUrl: "http://example.com" }), (e) => e instanceof ConfigError && e.code === "insecure_url");
  assert.throws(() => new Client({ provider: "nope", apiKey: "x" }), ConfigError);
  assert.throws(() => new Client({ provider: "poelis" }), KeyFormatError);
  assert.throws(() => new Client({ provider: "poelis", apiKey: KEYS.poelis, jwt: "a.b.c" }), ConfigError);
  for (const bad of [{ timeoutMs: -1 }, { timeoutMs: NaN }, { maxRetries: -1 }, { maxRetries: 1.5 }, { timeoutMs: "5" }, { keyType: "admin" }]) {
    assert.throws(() => new Client({ provider: "poelis", apiKey: KEYS.poelis, ...bad }), ConfigError, JSON.stringify(bad));
  }
  for (const bad of [undefined, null, 5, "x", []]) assert.throws(() => new Client(bad), ConfigError);
  // Prototype pollution cannot inject options.
  Object.prototype.baseUrl = "https://evil.example";
  try {
    assert.match(String(new Client({ provider: "poelis", apiKey: KEYS.poelis })), /api\.poelis\.com/);
  } finally {
    delete Object.prototype.baseUrl;
  }
  // The instance keeps working afterwards.
  assert.equal(validateKey("poelis", KEYS.poelis).ok, true);
});

test("fromEnv: process.env-like objects and Postiz self-hosted", T, async () => {
  route("GET /selfhosted/api/public/v1/integrations", (req, res) => json(res, 200, [{ via: "self" }]));
  const c = Client.fromEnv("postiz", { POSTIZ_API_KEY: KEYS.postiz, POSTIZ_API_URL: `${srv.url}/selfhosted/api` });
  assert.deepEqual(await c.listIntegrations(), [{ via: "self" }]);
  const pp = Client.fromEnv("powerpost", { POWERPOST_API_KEY: KEYS.powerpost, POWERPOST_WORKSPACE_ID: "ws_env" }, { baseUrl: `${srv.url}/powerpost/api/v1` });
  assert.equal(pp.toJSON().workspaceId, "ws_env");
  assert.throws(() => Client.fromEnv("poelis", {}), (e) => e instanceof KeyFormatError && /POELIS_API_KEY/.test(e.message));
  assert.throws(() => Client.fromEnv("poelis", null), ConfigError);
  assert.throws(() => Client.fromEnv("x", {}), ConfigError);
  const viaGet = Client.fromEnv("poelis", { get: (n) => (n === "POELIS_API_KEY" ? KEYS.poelis : undefined) });
  assert.equal(viaGet.provider, "poelis");
});
