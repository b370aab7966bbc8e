// Provider behaviour: auth, endpoints, headers, CORS, log, lifecycle.
import { test, describe, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import {
  startEmulator,
  DEFAULT_CONFIG,
  DEMO_KEYS as K,
  mergeConfig,
  ConfigError,
  redactSecret,
} from "../../pkg/emulator/index.js";
import { parseMultipart, multipartBoundary } from "../../pkg/emulator/lib/multipart.js";
import { call, rawRequest, multipartBody, fileForm, TIMEOUT_MS } from "./helpers.js";

const T = { timeout: 20000 };
const AUTH_REQUIRED =
  "Authentication required. Provide Authorization: Bearer <token> header (OAuth 2.1) or X-API-Key header.";

let emu;
before(async () => {
  emu = await startEmulator();
});
after(async () => {
  await emu.close();
});
beforeEach(() => emu.reset());

const poesius = (path, init = {}) => call(`${emu.urls.poesius}${path}`, init);
const poelis = (path, init = {}) => call(`${emu.urls.poelis}${path}`, init);
const powerpost = (path, init = {}) => call(`${emu.urls.powerpost}${path}`, init);
const postiz = (path, init = {}) => call(`${emu.urls.postiz}${path}`, init);
const withKey = (headers) => ({ headers });

describe("demo config", () => {
  test("DEFAULT_CONFIG holds well-formed demo credentials of every kind", T, () => {
    const pk = Object.keys(DEFAULT_CONFIG.poesius.apiKeys);
    assert.ok(pk.length >= 2);
    for (const k of pk) assert.match(k, /^pk_[A-Za-z0-9_-]{8,}$/);
    assert.equal(DEFAULT_CONFIG.poesius.apiKeys[K.poesius.revokedKey].revoked, true);
    for (const k of Object.keys(DEFAULT_CONFIG.poelis.apiKeys)) {
      assert.match(k, /^poelis_api_[A-Za-z0-9_-]+$/);
      assert.ok(k.length >= 40 && k.length <= 60, `poelis key length ${k.length}`);
    }
    for (const [k, v] of Object.entries(DEFAULT_CONFIG.powerpost.apiKeys)) {
      assert.match(k, /^pp_live_sk_[A-Za-z0-9_-]+$/);
      assert.ok(["read_write", "read_draft"].includes(v.type));
    }
    assert.equal(DEFAULT_CONFIG.powerpost.apiKeys[K.powerpost.draftKey].type, "read_draft");
    for (const k of Object.keys(DEFAULT_CONFIG.postiz.apiKeys)) assert.match(k, /^[0-9a-f]{64}$/);
    assert.equal(DEFAULT_CONFIG.postiz.apiKeys[K.postiz.noSubscriptionKey].subscription, false);
    for (const k of Object.keys(DEFAULT_CONFIG.postiz.oauthTokens)) assert.match(k, /^pos_[A-Za-z0-9]{40}$/);
    const [h, p, s] = K.poesius.jwt.split(".");
    assert.ok(s.length > 0);
    assert.equal(JSON.parse(Buffer.from(h, "base64url")).alg, "HS256");
    assert.ok(JSON.parse(Buffer.from(p, "base64url")).exp > Date.now() / 1000 + 10 * 365 * 86400);
    assert.ok(Object.isFrozen(DEFAULT_CONFIG.poesius));
  });

  test("mergeConfig adds user keys to the demo ones; defaults:false drops them", T, () => {
    const merged = mergeConfig({ poelis: { apiKeys: ["poelis_api_userKeyAAAAAAAAAAAAAAAAAAAAAAAAAAAA"] } });
    assert.ok(K.poelis.apiKey in merged.poelis.apiKeys);
    assert.ok("poelis_api_userKeyAAAAAAAAAAAAAAAAAAAAAAAAAAAA" in merged.poelis.apiKeys);
    const bare = mergeConfig({ defaults: false, poelis: { apiKeys: ["poelis_api_only"] } });
    assert.deepEqual(Object.keys(bare.poelis.apiKeys), ["poelis_api_only"]);
    assert.deepEqual(Object.keys(bare.poesius.apiKeys), []);
    assert.throws(() => mergeConfig({ scenarios: [{ faults: ["nope"] }] }), ConfigError);
    assert.throws(() => mergeConfig({ powerpost: { apiKeys: { pp_live_sk_x: { type: "admin" } } } }), ConfigError);
    assert.throws(() => mergeConfig({ cors: { postiz: "sometimes" } }), ConfigError);
  });

  test("startEmulator exposes urls, the trap and demo keys", T, () => {
    assert.match(emu.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(emu.urls.poesius, `${emu.url}/poesius/api/v1`);
    assert.equal(emu.urls.poesiusMcp, `${emu.url}/poesius/api/v1/mcp`);
    assert.equal(emu.urls.poelis, `${emu.url}/poelis/v1/public`);
    assert.equal(emu.urls.powerpost, `${emu.url}/powerpost/api/v1`);
    assert.equal(emu.urls.postiz, `${emu.urls.postizRoot}/public/v1`);
    assert.equal(emu.urls.postizSelf, `${emu.urls.postizSelfRoot}/public/v1`);
    assert.match(emu.crossOrigin.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(emu.crossOrigin.port, emu.port);
    assert.equal(emu.demo, K);
  });
});

describe("Poesius", () => {
  test("accepts X-API-Key in any header-name case", T, async () => {
    for (const name of ["X-API-Key", "x-api-key", "X-Api-KEY"]) {
      const r = await rawRequest(`${emu.urls.poesius}/presentations?limit=1`, { headers: { [name]: K.poesius.apiKey } });
      assert.equal(r.status, 200, name);
      assert.equal(r.body.items.length, 1);
      assert.equal(r.body.total, 2);
    }
  });

  test("rejects missing, unknown and revoked credentials with the documented details", T, async () => {
    let r = await poesius("/presentations?limit=1");
    assert.equal(r.status, 401);
    assert.deepEqual(r.body, { detail: AUTH_REQUIRED });
    r = await poesius("/presentations?limit=1", withKey({ "X-API-Key": "pk_notAKnownKey123" }));
    assert.deepEqual([r.status, r.body], [401, { detail: "Invalid API key" }]);
    r = await poesius("/presentations?limit=1", withKey({ "X-API-Key": K.poesius.revokedKey }));
    assert.deepEqual([r.status, r.body], [401, { detail: "API key has been revoked" }]);
  });

  test("accepts a JWT or OAuth bearer; refuses expired, unknown, or a key sent as bearer", T, async () => {
    assert.equal((await poesius("/presentations", withKey({ Authorization: `Bearer ${K.poesius.jwt}` }))).status, 200);
    assert.equal((await poesius("/presentations", withKey({ Authorization: `Bearer ${K.poesius.oauthToken}` }))).status, 200);
    let r = await poesius("/presentations", withKey({ Authorization: `Bearer ${K.poesius.expiredJwt}` }));
    assert.deepEqual([r.status, r.body], [401, { detail: "Token has expired" }]);
    r = await poesius("/presentations", withKey({ Authorization: "Bearer not-a-token" }));
    assert.equal(r.status, 401);
    r = await poesius("/presentations", withKey({ Authorization: `Bearer ${K.poesius.apiKey}` }));
    assert.equal(r.status, 401);
  });

  test("GET /presentations validates limit; GET /presentations/:id; unknown path 404", T, async () => {
    const h = withKey({ "X-API-Key": K.poesius.apiKey });
    const r = await poesius("/presentations?limit=0", h);
    assert.equal(r.status, 422);
    assert.equal(typeof r.body.detail, "string");
    assert.equal((await poesius("/presentations/pres_demo_1", h)).body.title, "Quarterly review");
    assert.deepEqual((await poesius("/presentations/nope", h)).body, { detail: "Presentation not found" });
    assert.deepEqual((await poesius("/nothing-here")).body, { detail: "Not Found" });
    assert.equal((await poesius("/templates", h)).body.items.length, 3);
  });

  test("POST /slides/generate-from-doc takes a multipart document", T, async () => {
    const h = { "X-API-Key": K.poesius.apiKey };
    const content = "# Title\n\nSome markdown body.\n";
    const r = await poesius("/slides/generate-from-doc", {
      method: "POST",
      headers: h,
      body: fileForm("document", "notes.md", content, { num_slides: "6", template_id: "tpl_minimal" }),
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.filename, "notes.md");
    assert.equal(r.body.size_bytes, Buffer.byteLength(content));
    assert.equal(r.body.slide_count, 6);
    assert.equal(r.body.template_id, "tpl_minimal");
    assert.match(r.body.presentation_id, /^pres_/);
    assert.equal(r.body.credits_remaining, 99);
    const list = await poesius("/presentations?limit=100", { headers: h });
    assert.equal(list.body.total, 3);
  });

  test("generate-from-doc errors: missing field 422, bad type 400, bad template 404, not multipart 422", T, async () => {
    const h = { "X-API-Key": K.poesius.apiKey };
    let r = await poesius("/slides/generate-from-doc", { method: "POST", headers: h, body: fileForm("file", "a.pdf", "x") });
    assert.equal(r.status, 422);
    assert.match(r.body.detail, /document/);
    r = await poesius("/slides/generate-from-doc", { method: "POST", headers: h, body: fileForm("document", "a.exe", "x") });
    assert.equal(r.status, 400);
    assert.match(r.body.detail, /^Invalid file type\./);
    r = await poesius("/slides/generate-from-doc", {
      method: "POST",
      headers: h,
      body: fileForm("document", "a.PDF", "%PDF", { template_id: "tpl_nope" }),
    });
    assert.deepEqual([r.status, r.body], [404, { detail: "Template not found" }]);
    r = await poesius("/slides/generate-from-doc", {
      method: "POST",
      headers: { ...h, "content-type": "application/json" },
      body: "{}",
    });
    assert.equal(r.status, 422);
    r = await poesius("/slides/generate-from-doc", { method: "POST", body: fileForm("document", "a.pdf", "x") });
    assert.deepEqual([r.status, r.body], [401, { detail: AUTH_REQUIRED }]);
  });

  test("credits run out: 402 CREDITS_EXHAUSTED", T, async () => {
    const e = await startEmulator({ poesius: { credits: 1 } });
    try {
      const send = () =>
        call(`${e.urls.poesius}/slides/generate-from-doc`, {
          method: "POST",
          headers: { "X-API-Key": K.poesius.apiKey },
          body: fileForm("document", "doc.docx", "PK..."),
        });
      assert.equal((await send()).status, 200);
      const r = await send();
      assert.equal(r.status, 402);
      assert.deepEqual(r.body, { error: "Insufficient credits", error_code: "CREDITS_EXHAUSTED" });
    } finally {
      await e.close();
    }
  });

  test("an upload over the size limit is 413 with the documented detail", T, async () => {
    const e = await startEmulator({ poesius: { maxUploadBytes: 100 } });
    try {
      const r = await call(`${e.urls.poesius}/slides/generate-from-doc`, {
        method: "POST",
        headers: { "X-API-Key": K.poesius.apiKey },
        body: fileForm("document", "big.pdf", "x".repeat(101)),
      });
      assert.deepEqual([r.status, r.body], [413, { detail: "File size exceeds maximum allowed size of 50MB" }]);
    } finally {
      await e.close();
    }
  });

  test("POST /api-keys/ needs a JWT; the new key works at once", T, async () => {
    const jwt = { Authorization: `Bearer ${K.poesius.jwt}`, "content-type": "application/json" };
    const r = await poesius("/api-keys/", {
      method: "POST",
      headers: jwt,
      body: JSON.stringify({ name: "automation-key", description: "for tests" }),
    });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(Object.keys(r.body).sort(), ["created_at", "description", "id", "is_active", "key", "name"]);
    assert.equal(r.body.name, "automation-key");
    assert.equal(r.body.description, "for tests");
    assert.equal(r.body.is_active, true);
    assert.match(r.body.key, /^pk_[A-Za-z0-9_-]{8,}$/);
    assert.equal((await poesius("/presentations?limit=1", withKey({ "X-API-Key": r.body.key }))).status, 200);
    // the listing never shows key values
    const list = await poesius("/api-keys/", { headers: jwt });
    assert.ok(list.body.some((k) => k.id === r.body.id && !("key" in k)));
    // revoking makes it fail with the revoked message
    await poesius(`/api-keys/${r.body.id}`, { method: "DELETE", headers: jwt });
    assert.deepEqual((await poesius("/presentations", withKey({ "X-API-Key": r.body.key }))).body, {
      detail: "API key has been revoked",
    });
  });

  test("POST /api-keys/ refuses an API key (403) and a body without name (422); no slash redirects 307", T, async () => {
    let r = await poesius("/api-keys/", {
      method: "POST",
      headers: { "X-API-Key": K.poesius.apiKey, "content-type": "application/json" },
      body: JSON.stringify({ name: "x" }),
    });
    assert.equal(r.status, 403);
    assert.equal(typeof r.body.detail, "string");
    r = await poesius("/api-keys/", {
      method: "POST",
      headers: { Authorization: `Bearer ${K.poesius.jwt}`, "content-type": "application/json" },
      body: JSON.stringify({ description: "no name" }),
    });
    assert.equal(r.status, 422);
    r = await poesius("/api-keys", { method: "POST", body: "{}" });
    assert.equal(r.status, 307);
    assert.equal(r.headers.get("location"), `${emu.urls.poesius}/api-keys/`);
  });
});

describe("Poesius MCP", () => {
  const rpc = (message, headers = { "X-API-Key": K.poesius.apiKey }) =>
    call(emu.urls.poesiusMcp, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: typeof message === "string" ? message : JSON.stringify(message),
    });

  test("initialize, tools/list, ping", T, async () => {
    let r = await rpc({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-03-26", capabilities: {} } });
    assert.equal(r.status, 200);
    assert.equal(r.body.id, 1);
    assert.equal(r.body.result.protocolVersion, "2025-03-26");
    assert.ok(r.headers.get("mcp-session-id"));
    r = await rpc({ jsonrpc: "2.0", id: 2, method: "tools/list" });
    const names = r.body.result.tools.map((t) => t.name);
    for (const n of ["generate_slides", "list_templates"]) assert.ok(names.includes(n));
    r = await rpc({ jsonrpc: "2.0", id: 3, method: "ping" });
    assert.deepEqual(r.body.result, {});
    r = await rpc({ jsonrpc: "2.0", method: "notifications/initialized" });
    assert.equal(r.status, 202);
  });

  test("tools/call generate_slides needs instructions (-32602)", T, async () => {
    const r = await rpc({ jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: "generate_slides", arguments: {} } });
    assert.equal(r.status, 200);
    assert.equal(r.body.id, 7);
    assert.equal(r.body.error.code, -32602);
    assert.equal(r.body.result, undefined);
  });

  test("tools/call generate_slides returns presentation info; list_templates lists", T, async () => {
    let r = await rpc({
      jsonrpc: "2.0",
      id: "a",
      method: "tools/call",
      params: { name: "generate_slides", arguments: { instructions: "Three slides on bees", num_slides: 3 } },
    });
    assert.match(r.body.result.presentation_id, /^pres_/);
    assert.equal(r.body.result.slide_count, 3);
    assert.equal(r.body.result.content[0].type, "text");
    r = await rpc({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "list_templates", arguments: { limit: 2 } } });
    assert.equal(r.body.result.templates.length, 2);
    assert.equal(r.body.result.total, 3);
    r = await rpc({ jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "nope", arguments: {} } });
    assert.equal(r.body.error.code, -32602);
  });

  test("requires_template is a result, not an error, when templates are required", T, async () => {
    const e = await startEmulator({ poesius: { requireTemplate: true } });
    try {
      const r = await call(e.urls.poesiusMcp, {
        method: "POST",
        headers: { "X-API-Key": K.poesius.apiKey, "content-type": "application/json" },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "tools/call",
          params: { name: "generate_slides", arguments: { instructions: "deck" } },
        }),
      });
      assert.equal(r.status, 200);
      assert.equal(r.body.error, undefined);
      const res = r.body.result;
      assert.equal(res.requires_template, true);
      assert.equal(typeof res.message, "string");
      assert.equal(res.default_template_id, null);
      assert.deepEqual(res.available_templates[0], { template_id: "tpl_corporate", template_name: "Corporate" });
    } finally {
      await e.close();
    }
  });

  test("JSON-RPC errors: parse error, unknown method; MCP auth is the REST auth", T, async () => {
    let r = await rpc("{not json");
    assert.equal(r.status, 400);
    assert.equal(r.body.error.code, -32700);
    r = await rpc({ jsonrpc: "2.0", id: 9, method: "resources/whatever" });
    assert.equal(r.body.error.code, -32601);
    r = await rpc({ jsonrpc: "2.0", id: 1, method: "tools/list" }, {});
    assert.deepEqual([r.status, r.body], [401, { detail: AUTH_REQUIRED }]);
    r = await rpc({ jsonrpc: "2.0", id: 1, method: "tools/list" }, { "X-API-Key": K.poesius.revokedKey });
    assert.deepEqual([r.status, r.body], [401, { detail: "API key has been revoked" }]);
    r = await call(emu.urls.poesiusMcp, { headers: { "X-API-Key": K.poesius.apiKey } });
    assert.equal(r.status, 405);
  });
});

describe("Poelis", () => {
  const UNAUTHORIZED = { error: "unauthorized", message: "Invalid or missing API key" };

  test("only Authorization: Bearer poelis_api_… is accepted", T, async () => {
    let r = await poelis("/workspaces", withKey({ Authorization: `Bearer ${K.poelis.apiKey}` }));
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { items: DEFAULT_CONFIG.poelis.workspaces, count: 2 });
    for (const headers of [
      {},
      { "X-API-Key": K.poelis.apiKey },
      { Authorization: K.poelis.apiKey },
      { Authorization: "Bearer poelis_api_unknownKeyXXXXXXXXXXXXXXXXXXXXXXXXX" },
    ]) {
      r = await poelis("/workspaces", { headers });
      assert.deepEqual([r.status, r.body], [401, UNAUTHORIZED], JSON.stringify(Object.keys(headers)));
    }
  });

  test("rate-limit headers on every response; unknown path 404 not_found; workspace by id", T, async () => {
    const h = withKey({ Authorization: `Bearer ${K.poelis.apiKey}` });
    const r = await poelis("/workspaces", h);
    assert.equal(r.headers.get("x-ratelimit-limit"), "60");
    // a token bucket: 60 a minute, burst 10 (docs.poelis.com), so the first request leaves 9
    assert.equal(r.headers.get("x-ratelimit-remaining"), "9");
    const reset = Number(r.headers.get("x-ratelimit-reset"));
    assert.ok(reset > Date.now() / 1000 && reset <= Date.now() / 1000 + 61);
    const nf = await poelis("/products/x", h);
    assert.equal(nf.status, 404);
    assert.equal(nf.body.error, "not_found");
    assert.equal(typeof nf.body.message, "string");
    assert.ok(nf.headers.get("x-ratelimit-limit"));
    assert.deepEqual((await poelis("/workspaces/ws_1", h)).body, { id: "ws_1", name: "Main" });
    assert.equal((await poelis("/workspaces", { ...h, method: "POST", body: "{}" })).body.error, "method_not_allowed");
    const unauth = await poelis("/workspaces");
    assert.ok(unauth.headers.get("x-ratelimit-remaining"));
  });

  test("429 rate_limit_exceeded with Retry-After once the window is spent (per key)", T, async () => {
    const e = await startEmulator({ rateLimit: { poelis: { limit: 3, windowSec: 30 } } });
    try {
      const get = (key) => call(`${e.urls.poelis}/workspaces`, { headers: { Authorization: `Bearer ${key}` } });
      for (let i = 0; i < 3; i += 1) assert.equal((await get(K.poelis.apiKey)).status, 200);
      const r = await get(K.poelis.apiKey);
      assert.equal(r.status, 429);
      assert.equal(r.body.error, "rate_limit_exceeded");
      assert.equal(typeof r.body.message, "string");
      const retry = Number(r.headers.get("retry-after"));
      assert.ok(retry >= 1 && retry <= 30, `Retry-After ${retry}`);
      assert.equal(r.headers.get("x-ratelimit-remaining"), "0");
      assert.ok(r.headers.get("x-request-id"));
      assert.equal((await get(K.poelis.secondApiKey)).status, 200);
      e.reset();
      assert.equal((await get(K.poelis.apiKey)).status, 200);
    } finally {
      await e.close();
    }
  });
});

describe("PowerPost", () => {
  const rw = { "x-api-key": K.powerpost.apiKey, "X-Workspace-Id": K.powerpost.workspaceId };
  const draft = { "x-api-key": K.powerpost.draftKey, "X-Workspace-Id": K.powerpost.workspaceId };
  const jsonPost = (headers, body = {}) => ({ method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify(body) });

  test("x-api-key or Authorization: Bearer; bad keys 401 INVALID_API_KEY", T, async () => {
    assert.deepEqual((await powerpost("/account/credits", withKey({ "x-api-key": K.powerpost.apiKey }))).body, { balance: 42 });
    assert.equal((await powerpost("/account/credits", withKey({ Authorization: `Bearer ${K.powerpost.draftKey}` }))).status, 200);
    const bad = { error: { message: "Invalid API key", code: "INVALID_API_KEY" } };
    let r = await powerpost("/account/credits", withKey({ "x-api-key": "pp_live_sk_unknownKey000000" }));
    assert.deepEqual([r.status, r.body], [401, bad]);
    r = await powerpost("/account/credits", withKey({ Authorization: "Bearer pp_live_sk_unknownKey000000" }));
    assert.deepEqual([r.status, r.body], [401, bad]);
    r = await powerpost("/account/credits");
    assert.equal(r.status, 401);
    assert.equal(r.body.error.code, "INVALID_API_KEY");
    r = await powerpost("/account/credits", withKey({ "x-api-key": K.powerpost.revokedKey }));
    assert.equal(r.body.error.code, "INVALID_API_KEY");
    assert.ok(r.headers.get("x-ratelimit-limit"));
  });

  test("content paths need X-Workspace-Id (400) that the key may use (403)", T, async () => {
    for (const path of ["/posts", "/content/generate", "/images/generate", "/media"]) {
      const r = await powerpost(path, { headers: { "x-api-key": K.powerpost.apiKey } });
      assert.equal(r.status, 400, path);
      assert.equal(r.body.error.code, "VALIDATION_ERROR");
    }
    let r = await powerpost("/posts", withKey({ "x-api-key": K.powerpost.apiKey, "X-Workspace-Id": K.powerpost.foreignWorkspaceId }));
    assert.deepEqual(r.status, 403);
    assert.equal(r.body.error.code, "FORBIDDEN");
    r = await powerpost("/posts", withKey({ "x-api-key": K.powerpost.draftKey, "X-Workspace-Id": K.powerpost.secondWorkspaceId }));
    assert.equal(r.status, 403);
    r = await powerpost("/account/credits", withKey({ "x-api-key": K.powerpost.apiKey, "X-Workspace-Id": "anything" }));
    assert.equal(r.status, 200);
  });

  test("draft post lifecycle: create, get, publish (draft key 403), publish twice 409", T, async () => {
    let r = await powerpost("/posts", jsonPost(draft, { content: "Hello", platforms: ["x"] }));
    assert.equal(r.status, 201);
    assert.equal(r.body.status, "draft");
    const id = r.body.id;
    assert.equal((await powerpost(`/posts/${id}`, withKey(rw))).body.content, "Hello");
    assert.equal((await powerpost("/posts", withKey(rw))).body.posts.length, 1);
    r = await powerpost(`/posts/${id}/publish`, jsonPost(draft));
    assert.equal(r.status, 403);
    assert.equal(r.body.error.code, "FORBIDDEN");
    assert.equal(typeof r.body.error.message, "string");
    r = await powerpost(`/posts/${id}/publish`, jsonPost(rw));
    assert.deepEqual([r.status, r.body.id, r.body.status], [200, id, "published"]);
    r = await powerpost(`/posts/${id}/publish`, jsonPost(rw));
    assert.equal(r.status, 409);
    assert.equal(r.body.error.code, "ALREADY_PUBLISHED");
    r = await powerpost("/posts/post_nope/publish", jsonPost(rw));
    assert.equal(r.body.error.code, "NOT_FOUND");
    assert.deepEqual((await powerpost("/account/credits", withKey(rw))).body, { balance: 41 });
    // a post of another workspace is not visible
    r = await powerpost(`/posts/${id}`, withKey({ ...rw, "X-Workspace-Id": K.powerpost.secondWorkspaceId }));
    assert.equal(r.status, 404);
  });

  test("content generation spends credits; out of credits is 402 INSUFFICIENT_CREDITS; media upload", T, async () => {
    const e = await startEmulator({ powerpost: { credits: 1 } });
    try {
      const gen = () => call(`${e.urls.powerpost}/content/generate`, jsonPost(rw, { prompt: "launch day" }));
      assert.equal((await gen()).status, 200);
      const r = await gen();
      assert.equal(r.status, 402);
      assert.equal(r.body.error.code, "INSUFFICIENT_CREDITS");
      const up = await call(`${e.urls.powerpost}/media`, { method: "POST", headers: rw, body: fileForm("file", "pic.png", "PNG") });
      assert.equal(up.status, 201);
      assert.equal(up.body.name, "pic.png");
    } finally {
      await e.close();
    }
  });

  test("rate limit: 429 RATE_LIMIT_EXCEEDED with retryAfter in the body", T, async () => {
    const e = await startEmulator({ rateLimit: { powerpost: { limit: 2, windowSec: 20 } } });
    try {
      const get = () => call(`${e.urls.powerpost}/account/credits`, { headers: { "x-api-key": K.powerpost.apiKey } });
      await get();
      await get();
      const r = await get();
      assert.equal(r.status, 429);
      assert.equal(r.body.error.code, "RATE_LIMIT_EXCEEDED");
      assert.ok(r.body.retryAfter >= 1 && r.body.retryAfter <= 20);
      assert.equal(r.body.error.retryAfter, r.body.retryAfter);
      assert.equal(r.headers.get("retry-after"), null);
      assert.equal(r.headers.get("x-ratelimit-remaining"), "0");
    } finally {
      await e.close();
    }
  });
});

describe("Postiz", () => {
  const key = { Authorization: K.postiz.apiKey };

  test("Authorization is read raw: key, pos_ token; Bearer fails; missing; no subscription", T, async () => {
    let r = await postiz("/integrations", withKey(key));
    assert.equal(r.status, 200);
    assert.ok(Array.isArray(r.body));
    assert.equal(r.body[0].id, "int_x_demo");
    assert.equal((await postiz("/integrations", withKey({ Authorization: K.postiz.oauthToken }))).status, 200);
    const cases = [
      [{}, "No API Key found"],
      [{ Authorization: `Bearer ${K.postiz.apiKey}` }, "Invalid API key"],
      [{ Authorization: "0".repeat(64) }, "Invalid API key"],
      [{ Authorization: `Bearer ${K.postiz.oauthToken}` }, "Invalid API key"],
      [{ Authorization: "pos_" + "A".repeat(40) }, "Invalid OAuth token"],
      [{ Authorization: K.postiz.noSubscriptionKey }, "No subscription found"],
      [{ Authorization: K.postiz.noSubscriptionOAuthToken }, "No subscription found"],
      [{ "X-API-Key": K.postiz.apiKey }, "No API Key found"],
    ];
    for (const [headers, msg] of cases) {
      r = await postiz("/integrations", { headers });
      assert.deepEqual([r.status, r.body], [401, { msg }], msg);
    }
  });

  const validPost = (content = "hi", extra = {}) =>
    JSON.stringify({ type: "draft", shortLink: false, date: "2030-01-01T10:00:00Z", tags: [], posts: [{ integration: { id: "int_x_demo" }, value: [{ content, image: [] }] }], ...extra });
  const range = "?startDate=2020-01-01T00:00:00Z&endDate=2040-01-01T00:00:00Z";

  test("self-hosted mount shares data and skips the subscription check", T, async () => {
    const self = (path, init) => call(`${emu.urls.postizSelf}${path}`, init);
    assert.equal((await self("/is-connected", withKey({ Authorization: K.postiz.noSubscriptionKey }))).status, 200);
    const created = await self("/posts", { method: "POST", headers: { ...key, "content-type": "application/json" }, body: validPost() });
    assert.equal(created.status, 201);
    const listed = await postiz(`/posts${range}`, withKey(key));
    assert.equal(listed.body.posts.length, 1);
    assert.equal(emu.counts({ provider: "postiz" }), 3);
    assert.equal(emu.counts({ provider: "postiz-self" }), 2);
    assert.equal(emu.counts({ provider: "postiz", variant: "hosted" }), 1);
  });

  test("is-connected, posts create/list/delete, upload (the server's shapes)", T, async () => {
    assert.deepEqual((await postiz("/is-connected", withKey(key))).body, { connected: true });
    let r = await postiz("/posts", {
      method: "POST",
      headers: { ...key, "content-type": "application/json" },
      body: JSON.stringify({
        type: "schedule",
        shortLink: false,
        date: "2030-01-01T10:00:00Z",
        tags: [],
        posts: [
          { integration: { id: "int_x_demo" }, value: [{ content: "x", image: [] }] },
          { integration: { id: "int_linkedin_demo" }, value: [{ content: "li", image: [] }] },
        ],
      }),
    });
    assert.equal(r.status, 201);
    assert.deepEqual(r.body.map((p) => Object.keys(p).sort()), [["integration", "postId"], ["integration", "postId"]]);
    assert.equal(r.body[0].integration, "int_x_demo");
    assert.equal(r.headers.get("x-ratelimit-limit"), "30");
    assert.equal(r.headers.get("x-ratelimit-remaining"), "29");
    const postId = r.body[0].postId;
    assert.equal((await postiz(`/posts${range}`, withKey(key))).body.posts.length, 2);
    r = await postiz(`/posts/${postId}`, { method: "DELETE", headers: key });
    assert.deepEqual([r.status, r.body], [200, { error: true }]); // posts.service.ts deletePost's answer
    assert.equal((await postiz(`/posts${range}`, withKey(key))).body.posts.length, 1);
    // an unknown id: getPost reads posts[0] of an empty list, an uncaught error
    assert.deepEqual((await postiz(`/posts/${postId}`, { method: "DELETE", headers: key })).body, { statusCode: 500, message: "Internal server error" });
    r = await postiz("/posts", { method: "POST", headers: { ...key, "content-type": "application/json" }, body: JSON.stringify({ posts: [{ integration: { id: "int_nope" } }] }) });
    assert.deepEqual([r.status, r.body.message], [400, "Integration with id int_nope not found"]);
    const png = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
    r = await postiz("/upload", { method: "POST", headers: key, body: fileForm("file", "photo.jpg", png) });
    assert.equal(r.status, 201);
    assert.deepEqual(Object.keys(r.body).sort(), ["alt", "id", "name", "originalName", "path", "thumbnail"]);
    assert.equal(r.body.name, "photo.png", "the extension follows the sniffed type");
    r = await postiz("/upload", { method: "POST", headers: key, body: fileForm("other", "photo.jpg", png) });
    assert.deepEqual([r.status, r.body], [400, { msg: "No file provided" }]);
    r = await postiz("/nope", withKey(key));
    assert.deepEqual([r.status, r.body], [404, { message: "Cannot GET /public/v1/nope", error: "Not Found", statusCode: 404 }]);
  });

  test("post creation is throttled per organization: X-RateLimit-* while allowed, only Retry-After once blocked", T, async () => {
    const e = await startEmulator({ postiz: { postRateLimit: 2 } });
    try {
      const create = (auth) => call(`${e.urls.postiz}/posts`, { method: "POST", headers: { Authorization: auth, "content-type": "application/json" }, body: validPost() });
      assert.equal((await create(K.postiz.apiKey)).status, 201);
      const second = await create(K.postiz.oauthToken); // same organization
      assert.deepEqual([second.status, second.headers.get("x-ratelimit-limit"), second.headers.get("x-ratelimit-remaining")], [201, "2", "0"]);
      const r = await create(K.postiz.apiKey);
      assert.equal(r.status, 429);
      assert.equal(r.headers.get("retry-after"), "3600", "the block lasts a whole window from the refused request");
      for (const h of ["x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"]) assert.equal(r.headers.get(h), null, h);
      assert.deepEqual(r.body, { statusCode: 429, message: "ThrottlerException: Too Many Requests" });
      assert.equal(e.stats().refused.postiz, 1);
      // other endpoints are not throttled
      assert.equal((await call(`${e.urls.postiz}/integrations`, { headers: { Authorization: K.postiz.apiKey } })).status, 200);
    } finally {
      await e.close();
    }
  });

  test("plan limit: 402 {statusCode, message, url}", T, async () => {
    const e = await startEmulator({ postiz: { planLimitReached: true } });
    try {
      const r = await call(`${e.urls.postiz}/posts`, {
        method: "POST",
        headers: { Authorization: K.postiz.apiKey, "content-type": "application/json" },
        body: "{}",
      });
      assert.equal(r.status, 402);
      assert.deepEqual(Object.keys(r.body).sort(), ["message", "statusCode", "url"]);
      assert.equal(r.body.statusCode, 402);
    } finally {
      await e.close();
    }
  });
});

describe("headers, CORS and the log", () => {
  test("every response carries a unique X-Request-ID, except Postiz's (its server sets none)", T, async () => {
    const responses = await Promise.all([
      poesius("/presentations"),
      poesius("/presentations", withKey({ "X-API-Key": K.poesius.apiKey })),
      poesius("/nope"),
      poelis("/workspaces"),
      poelis("/workspaces", withKey({ Authorization: `Bearer ${K.poelis.apiKey}` })),
      powerpost("/account/credits"),
      powerpost("/posts", withKey({ "x-api-key": K.powerpost.apiKey })),
      call(`${emu.urls.poelis}/workspaces`, { method: "OPTIONS", headers: { Origin: "https://example.com", "Access-Control-Request-Method": "GET" } }),
      call(`${emu.url}/unknown`),
      call(`${emu.url}/`),
    ]);
    const ids = responses.map((r) => r.headers.get("x-request-id"));
    for (const id of ids) assert.match(id ?? "", /^req_[0-9a-z]+$/);
    assert.equal(new Set(ids).size, ids.length);
    const logged = emu.log.find((e) => e.requestId === ids[1]);
    assert.equal(logged.status, 200);
    const pz = await Promise.all([
      postiz("/integrations"),
      postiz("/integrations", withKey({ Authorization: K.postiz.apiKey })),
      postiz("/integrations", withKey({ Authorization: K.postiz.apiKey, "X-Keygate-Fault": "503" })),
      postiz("/integrations", withKey({ "X-Keygate-Fault": "html:502" })),
      postiz("/integrations", withKey({ "X-Keygate-Fault": "redirect-same" })),
      postiz("/integrations", withKey({ "X-Keygate-Fault": "bogus" })),
    ]);
    for (const r of pz) assert.equal(r.headers.get("x-request-id"), null);
    assert.equal(emu.counts({ provider: "postiz" }), 6, "the log still numbers them");
  });

  test("X-Keygate-Echo is echoed back", T, async () => {
    const r = await poelis("/workspaces", withKey({ Authorization: `Bearer ${K.poelis.apiKey}`, "X-Keygate-Echo": "load-42" }));
    assert.equal(r.headers.get("x-keygate-echo"), "load-42");
    assert.equal(emu.log.at(-1).echo, "load-42");
  });

  test("under concurrent load every response carries its own request's X-Keygate-Echo", T, async () => {
    const n = 200;
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        powerpost("/account/credits", withKey({ "x-api-key": K.powerpost.apiKey, "X-Keygate-Echo": `req-${i}` })).then((r) => [
          i,
          r.headers.get("x-keygate-echo"),
          r.status,
        ]),
      ),
    );
    for (const [i, echo, status] of results) assert.deepEqual([echo, status], [`req-${i}`, 200]);
    assert.equal(emu.counts({ provider: "powerpost", path: "/account/credits" }), n);
  });

  test("preflights allow the providers' headers and expose the useful ones", T, async () => {
    const r = await call(`${emu.urls.powerpost}/posts`, {
      method: "OPTIONS",
      headers: {
        Origin: "https://app.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "x-api-key, x-workspace-id, content-type, idempotency-key, x-keygate-fault",
      },
    });
    assert.equal(r.status, 204);
    assert.equal(r.headers.get("access-control-allow-origin"), "https://app.example");
    const allowed = r.headers.get("access-control-allow-headers").toLowerCase();
    for (const h of ["authorization", "x-api-key", "x-workspace-id", "content-type", "idempotency-key", "x-keygate-fault"]) {
      assert.ok(allowed.split(/,\s*/).includes(h), h);
    }
    assert.match(r.headers.get("access-control-allow-methods"), /POST/);
    const get = await powerpost("/account/credits", withKey({ "x-api-key": K.powerpost.apiKey, Origin: "https://app.example" }));
    const exposed = get.headers.get("access-control-expose-headers").toLowerCase();
    for (const h of ["x-request-id", "retry-after", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"]) {
      assert.ok(exposed.includes(h), h);
    }
    assert.equal(emu.counts({ provider: "powerpost", path: "/posts" }), 0, "preflights are not counted by default");
    assert.equal(emu.counts({ provider: "powerpost", path: "/posts", method: "OPTIONS" }), 1);
  });

  test("cors.postiz strict: only https://platform.postiz.com may read", T, async () => {
    const e = await startEmulator({ cors: { postiz: "strict" } });
    try {
      const pre = (origin) =>
        call(`${e.urls.postiz}/integrations`, {
          method: "OPTIONS",
          headers: { Origin: origin, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization" },
        });
      assert.equal((await pre("https://myapp.example")).headers.get("access-control-allow-origin"), null);
      assert.equal((await pre("https://platform.postiz.com")).headers.get("access-control-allow-origin"), "https://platform.postiz.com");
      const r = await call(`${e.urls.postiz}/integrations`, { headers: { Authorization: K.postiz.apiKey, Origin: "https://myapp.example" } });
      assert.equal(r.status, 200); // the server answers; a browser would hide it
      assert.equal(r.headers.get("access-control-allow-origin"), null);
      // other providers stay open
      const p = await call(`${e.urls.poelis}/workspaces`, { method: "OPTIONS", headers: { Origin: "https://myapp.example", "Access-Control-Request-Method": "GET" } });
      assert.equal(p.headers.get("access-control-allow-origin"), "https://myapp.example");
    } finally {
      await e.close();
    }
  });

  test("the log never holds a full credential; Idempotency-Key and attempts are recorded", T, async () => {
    const all = [
      ...Object.values(K.poesius),
      ...Object.values(K.poelis),
      K.powerpost.apiKey,
      K.powerpost.draftKey,
      ...Object.values(K.postiz),
    ];
    await poesius("/presentations", withKey({ "X-API-Key": K.poesius.apiKey }));
    await poesius("/presentations", withKey({ Authorization: `Bearer ${K.poesius.jwt}` }));
    await poesius("/presentations", withKey({ Authorization: `Bearer ${K.poesius.oauthToken}` }));
    await poelis("/workspaces", withKey({ Authorization: `Bearer ${K.poelis.apiKey}`, "X-Other": K.poelis.secondApiKey }));
    await powerpost("/account/credits", withKey({ "x-api-key": K.powerpost.apiKey }));
    await powerpost("/account/credits", withKey({ Authorization: `Bearer ${K.powerpost.draftKey}` }));
    await postiz(`/integrations?token=${K.postiz.oauthToken}`, withKey({ Authorization: K.postiz.apiKey }));
    await postiz(`/posts/${K.postiz.noSubscriptionKey}`, withKey({ Authorization: K.postiz.noSubscriptionOAuthToken }));
    await postiz("/integrations", withKey({ Authorization: "some-unknown-secret-value-xyz" }));
    for (let i = 0; i < 2; i += 1) {
      await powerpost("/posts", {
        method: "POST",
        headers: { "x-api-key": K.powerpost.apiKey, "X-Workspace-Id": "ws_123", "Idempotency-Key": "idem-123", "X-Keygate-Fault": i ? "" : "503" },
        body: "{}",
      });
    }
    const dump = JSON.stringify(emu.log);
    for (const secret of [...all, "some-unknown-secret-value-xyz"]) assert.ok(!dump.includes(secret), `log leaks ${redactSecret(secret)}`);
    assert.ok(dump.includes("pk_…R3nB"));
    const idem = emu.log.filter((e) => e.idempotencyKey === "idem-123");
    assert.deepEqual(idem.map((e) => [e.status, e.attempt]), [[503, 1], [201, 2]]);
    assert.equal(emu.counts({ provider: "powerpost", method: "POST", path: "/posts" }), 2);
    assert.equal(emu.counts({ idempotencyKey: "idem-123", status: 201 }), 1);
  });

  test("redactSecret keeps a prefix and the last four characters", T, () => {
    assert.equal(redactSecret("pp_live_sk_abcdefghijkl9f2c"), "pp_live_sk_…9f2c");
    assert.equal(redactSecret("pk_short"), "pk_…");
    assert.equal(redactSecret(K.postiz.apiKey), `…${K.postiz.apiKey.slice(-4)}`);
  });

  test("emulator's own paths: index, counts and trap over HTTP, unknown 404", T, async () => {
    const index = await call(`${emu.url}/`);
    assert.equal(index.body.urls.poelis, emu.urls.poelis);
    await poelis("/workspaces");
    assert.deepEqual((await call(`${emu.url}/_emulator/counts?provider=poelis`)).body, { count: 1 });
    assert.equal((await call(`${emu.url}/unknown/path`)).status, 404);
    const added = await call(`${emu.url}/_emulator/scenarios`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ match: { provider: "poelis" }, faults: ["500"] }),
    });
    assert.equal(added.status, 200);
    assert.equal((await poelis("/workspaces")).status, 500);
    assert.equal((await call(`${emu.url}/_emulator/reset`, { method: "POST" })).status, 200);
    assert.equal(emu.log.length, 0);
  });
});

describe("multipart parser", () => {
  test("parses fields and files, quoted boundaries and RFC 5987 filenames", T, () => {
    const boundary = "----keygate boundary";
    assert.equal(multipartBoundary(`multipart/form-data; boundary="${boundary}"`), boundary);
    assert.equal(multipartBoundary("application/json"), null);
    const bin = Buffer.from([0, 1, 2, 13, 10, 45, 45, 255]);
    const body = multipartBody(boundary, [
      { name: "num_slides", data: "5" },
      { name: "document", filename: "deck.pdf", contentType: "application/pdf", data: bin },
    ]);
    const parts = parseMultipart(body, boundary);
    assert.equal(parts.length, 2);
    assert.deepEqual([parts[0].name, parts[0].filename, parts[0].data.toString()], ["num_slides", null, "5"]);
    assert.deepEqual([parts[1].filename, parts[1].contentType], ["deck.pdf", "application/pdf"]);
    assert.ok(parts[1].data.equals(bin));
    const star = Buffer.from(
      `--b\r\nContent-Disposition: form-data; name="file"; filename="x.txt"; filename*=UTF-8''r%C3%A9sum%C3%A9.txt\r\n\r\nhi\r\n--b--\r\n`,
    );
    assert.equal(parseMultipart(star, "b")[0].filename, "résumé.txt");
    assert.throws(() => parseMultipart(Buffer.from("garbage"), "b"));
  });

  test("a hand-built multipart upload reaches the Poesius endpoint intact", T, async () => {
    const boundary = "XyZ123";
    const data = Buffer.alloc(3000, 0x61);
    const body = multipartBody(boundary, [{ name: "document", filename: "big.txt", contentType: "text/plain", data }]);
    const r = await rawRequest(`${emu.urls.poesius}/slides/generate-from-doc`, {
      method: "POST",
      headers: { "X-API-Key": K.poesius.apiKey, "Content-Type": `multipart/form-data; boundary=${boundary}` },
      body,
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.size_bytes, 3000);
  });
});

describe("lifecycle", () => {
  test("close() resolves promptly with requests in flight and refuses new ones", T, async () => {
    const e = await startEmulator();
    const pending = fetch(`${e.urls.poelis}/workspaces`, {
      headers: { Authorization: `Bearer ${K.poelis.apiKey}`, "X-Keygate-Fault": "delay:15000" },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    }).then(
      () => "answered",
      () => "failed",
    );
    const slow = fetch(`${e.urls.poelis}/workspaces`, {
      headers: { Authorization: `Bearer ${K.poelis.apiKey}`, "X-Keygate-Fault": "slow-body:15000" },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    }).then(
      (r) => r.text().then(() => "answered", () => "failed"),
      () => "failed",
    );
    await new Promise((r) => setTimeout(r, 150));
    const t0 = Date.now();
    await e.close();
    assert.ok(Date.now() - t0 < 2000, `close took ${Date.now() - t0} ms`);
    assert.equal(await pending, "failed");
    assert.equal(await slow, "failed");
    await e.close(); // idempotent
    await assert.rejects(fetch(`${e.urls.poelis}/workspaces`, { signal: AbortSignal.timeout(TIMEOUT_MS) }));
  });

  test("keepAlive: false answers everything with Connection: close; the default keeps connections", T, async () => {
    assert.equal(DEFAULT_CONFIG.keepAlive, true);
    assert.throws(() => mergeConfig({ keepAlive: "no" }), ConfigError);
    const e = await startEmulator({ keepAlive: false });
    try {
      const auth = { authorization: `Bearer ${K.poelis.apiKey}` };
      for (const url of [`${e.urls.poelis}/workspaces`, `${e.url}/_emulator/health`]) {
        const r = await rawRequest(url, { headers: { ...auth, connection: "keep-alive" } });
        assert.equal(r.status, 200, url);
        assert.equal(r.headers.connection, "close", url);
      }
      const faulted = await rawRequest(`${e.urls.poelis}/workspaces`, { headers: { ...auth, "x-keygate-fault": "503" } });
      assert.equal(faulted.status, 503);
      assert.equal(faulted.headers.connection, "close");
      const kept = await rawRequest(`${emu.urls.poelis}/workspaces`, { headers: { ...auth, connection: "keep-alive" } });
      assert.equal(kept.headers.connection, "keep-alive");
    } finally {
      await e.close();
    }
  });

  test("a config file path is accepted; a busy port rejects", T, async () => {
    const { writeFileSync, mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = mkdtempSync(join(tmpdir(), "kg-emu-"));
    const file = join(dir, "emu.json");
    writeFileSync(file, JSON.stringify({ powerpost: { credits: 7 } }));
    const e = await startEmulator(file);
    try {
      const r = await call(`${e.urls.powerpost}/account/credits`, { headers: { "x-api-key": K.powerpost.apiKey } });
      assert.deepEqual(r.body, { balance: 7 });
      await assert.rejects(startEmulator({}, { port: e.port }), /EADDRINUSE/);
    } finally {
      await e.close();
    }
  });
});
