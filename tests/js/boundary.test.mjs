// The JS/wasm boundary (issue 14, items 1, 4-9): errors built in JS pass the sanitiser, header
// maps that console.dir/console.table cannot print, responses that left the origin, the response
// size cap, keygate's own timer whatever fetch does, and prototype pollution. Loopback only
// (tests/js/server.mjs); every wait is bounded.
import { test } from "node:test";
import assert from "node:assert/strict";
import util from "node:util";
import { Console } from "node:console";
import { Writable } from "node:stream";
import { Client, buildHeaders, ApiError, PaymentRequiredError, TimeoutError, AbortError, ConfigError, KeygateError } from "keygate";
import { startServer, json, KEYS, BODIES, assertNoSecret } from "./server.mjs";

const everything = (e) => [e.message, e.providerCode, e.requestId, String(e), JSON.stringify(e), util.inspect(e), e.stack].join("\n");

test("item 1: mcpCall / generateSlides errors built from the JSON-RPC body never carry the key", { timeout: 20_000 }, async () => {
  const key = KEYS.poesius;
  const answers = [
    { jsonrpc: "2.0", id: 1, error: { code: -32000, message: `Invalid API key ${key}` } },
    { jsonrpc: "2.0", id: 1, error: { code: key, message: "bad" } },
    { jsonrpc: "2.0", id: 1, error: { code: `x-${key}-y`, message: `key=${key}&z` } },
    { jsonrpc: "2.0", id: 1, result: { isError: true, error_code: "CREDITS_EXHAUSTED", error: `Insufficient credits for ${key}` } },
    { jsonrpc: "2.0", id: 1, result: { isError: true, structuredContent: { error_code: "CREDITS_EXHAUSTED" }, message: `no credits (${key})` } },
  ];
  let i = 0;
  const srv = await startServer((req, res) => json(res, 200, answers[i++ % answers.length], { "x-request-id": `req_${key}` }));
  try {
    const c = new Client({ provider: "poesius", apiKey: key, baseUrl: srv.url, maxRetries: 0 });
    for (let n = 0; n < answers.length; n++) {
      const call = n % 2 ? c.generateSlides({ prompt: "x" }) : c.mcpCall("list_templates");
      const e = await call.then(() => assert.fail("expected a rejection"), (x) => x);
      assert.ok(e instanceof ApiError || e instanceof PaymentRequiredError, e.name);
      assertNoSecret(assert, everything(e), `answer ${n}`);
      assert.ok(!everything(e).includes(key.slice(3, -4)), `answer ${n}: key body`);
      if (answers[n].result) assert.equal(e.providerCode, "CREDITS_EXHAUSTED");
    }
  } finally {
    await srv.close();
  }
});

/** What console.dir and console.table print (Node's console, to a string). */
function printed(value) {
  let out = "";
  const sink = new Writable({ write(chunk, _enc, cb) { out += chunk; cb(); } });
  const con = new Console({ stdout: sink, stderr: sink, colorMode: false });
  con.dir(value);
  con.dir(value, { showHidden: true, depth: 5 });
  con.table(value);
  con.log(value);
  con.log("%o %O %j %s", value, value, value, value);
  return out;
}

test("item 4: buildHeaders(..., { as: \"headers\" }) is a Headers that console.dir/console.table cannot print; the plain form is documented", { timeout: 20_000 }, async () => {
  const rows = [
    [{ provider: "poesius", apiKey: KEYS.poesius }, "x-api-key"],
    [{ provider: "poelis", apiKey: KEYS.poelis }, "authorization"],
    [{ provider: "powerpost", apiKey: KEYS.powerpost, workspaceId: "ws_1" }, "x-api-key"],
    [{ provider: "postiz", apiKey: KEYS.postiz }, "authorization"],
    [{ provider: "postiz", oauthToken: KEYS.postizOauth }, "authorization"],
  ];
  const srv = await startServer((req, res) => json(res, 200, {}));
  try {
    for (const [opts, name] of rows) {
      const h = buildHeaders(opts, { as: "headers" });
      assert.ok(h instanceof Headers, "a Headers instance");
      assertNoSecret(assert, printed(h), `${opts.provider} Headers`);
      assertNoSecret(assert, `${JSON.stringify(h)} ${String(h)} ${util.inspect(h)}`, opts.provider);
      // fetch takes it as is, and sends the real value.
      await fetch(srv.url, { headers: h });
      const sent = srv.requests.at(-1).headers[name];
      assert.ok(sent.endsWith((opts.apiKey ?? opts.oauthToken).slice(-8)), `${opts.provider}: the real value is sent`);
      if (opts.workspaceId) assert.equal(srv.requests.at(-1).headers["x-workspace-id"], "ws_1");
    }
  } finally {
    await srv.close();
  }
  // The default plain object: console.log / util.inspect / JSON / String are redacted (what the README says).
  const plain = buildHeaders({ provider: "poelis", apiKey: KEYS.poelis });
  assertNoSecret(assert, `${util.inspect(plain)} ${JSON.stringify(plain)} ${String(plain)}`, "plain");
  assert.throws(() => buildHeaders({ provider: "poelis", apiKey: KEYS.poelis }, { as: "map" }), ConfigError);
});

test("item 5: a fetch that follows a redirect by itself: a response that left the origin is refused, no body returned", { timeout: 20_000 }, async () => {
  const other = await startServer((req, res) => json(res, 200, { stolen: true }));
  const srv = await startServer((req, res) => {
    res.writeHead(302, { location: `${other.url}/elsewhere` });
    res.end();
  });
  try {
    // A custom fetch that drops init.redirect (so it follows the 302 itself).
    const follow = (url, init) => fetch(url, { method: init.method, headers: init.headers, body: init.body, signal: init.signal });
    const c = new Client({ provider: "poelis", apiKey: KEYS.poelis, baseUrl: srv.url, fetch: follow, maxRetries: 0 });
    const e = await c.request({ path: "/items" }).then((r) => r, (x) => x);
    assert.ok(e instanceof ApiError, `expected ApiError, got ${e?.name ?? JSON.stringify(e?.data)}`);
    assert.equal(e.code, "redirect_refused");
    // Stand-ins: `redirected: true` on the same origin, and a `url` on another origin.
    for (const fake of [{ redirected: true, url: `${srv.url}/items` }, { redirected: false, url: `${other.url}/x` }, { url: "https://evil.example/x" }]) {
      const f = async () => {
        const r = new Response('{"stolen":true}', { status: 200, headers: { "content-type": "application/json" } });
        Object.defineProperty(r, "redirected", { value: fake.redirected ?? false });
        Object.defineProperty(r, "url", { value: fake.url });
        return r;
      };
      const c2 = new Client({ provider: "poelis", apiKey: KEYS.poelis, baseUrl: srv.url, fetch: f, maxRetries: 0 });
      const e2 = await c2.request({ path: "/items" }).then((r) => r, (x) => x);
      assert.ok(e2 instanceof ApiError, `${JSON.stringify(fake)}: expected ApiError, got ${e2?.name ?? JSON.stringify(e2?.data)}`);
      assert.equal(e2.code, "redirect_refused");
    }
    // The same origin, not redirected, an empty url (stand-ins): fine.
    const ok = async () => new Response('{"a":1}', { status: 200, headers: { "content-type": "application/json" } });
    const c3 = new Client({ provider: "poelis", apiKey: KEYS.poelis, baseUrl: srv.url, fetch: ok, maxRetries: 0 });
    assert.deepEqual((await c3.request({ path: "/items" })).data, { a: 1 });
  } finally {
    await srv.close();
    await other.close();
  }
});

test("item 6: maxResponseBytes: a body past it is a typed error (chunked and by Content-Length); the default is 10 MiB", { timeout: 30_000 }, async () => {
  let aborted = 0;
  const srv = await startServer(async (req, res) => {
    res.on("close", () => {
      if (!res.writableFinished) aborted++;
    });
    // A Poelis base URL is the host root; keygate adds /v1/public.
    const path = req.url.replace(/^\/v1\/public/, "");
    if (path.startsWith("/chunked")) {
      res.writeHead(200, { "content-type": "application/json" });
      // 4 MiB in 64 KiB chunks, no Content-Length; the client must stop reading (and cancel) early.
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      for (let i = 0; i < 64 && !res.destroyed; i++) {
        if (!res.write(chunk)) await new Promise((r) => res.once("drain", r).once("close", r));
      }
      res.end();
    } else if (path.startsWith("/length")) {
      res.writeHead(200, { "content-type": "application/json", "content-length": String(50 * 1024 * 1024) });
      res.write("[");
      // never finishes the announced body unless read
      setTimeout(() => res.destroy(), 3000);
    } else if (path.startsWith("/small")) {
      json(res, 200, { ok: true });
    } else {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ pad: "x".repeat(200_000) }));
    }
  });
  try {
    const c = new Client({ provider: "poelis", apiKey: KEYS.poelis, baseUrl: srv.url, maxRetries: 0, maxResponseBytes: 100_000 });
    for (const path of ["/chunked", "/length", "/big"]) {
      const t0 = Date.now();
      const e = await c.request({ path }).then((r) => r, (x) => x);
      assert.ok(e instanceof KeygateError, `${path}: expected an error, got status ${e?.status}`);
      assert.equal(e.name, "ApiError", path);
      assert.equal(e.code, "response_too_large", path);
      assert.equal(e.status, 200, path);
      assert.ok(Date.now() - t0 < 2500, `${path}: refused without reading the whole body`);
    }
    assert.deepEqual((await c.request({ path: "/small" })).data, { ok: true });
    assert.equal(new Client({ provider: "poelis", apiKey: KEYS.poelis }).toJSON().maxResponseBytes, 10 * 1024 * 1024);
    for (const bad of [0, -1, 1.5, NaN, "10", Infinity]) {
      assert.throws(() => new Client({ provider: "poelis", apiKey: KEYS.poelis, maxResponseBytes: bad }), ConfigError, String(bad));
    }
  } finally {
    await srv.close();
  }
});

test("item 7: keygate's own timer bounds fetch and the body read, and the caller's abort too, whatever fetch does", { timeout: 30_000 }, async () => {
  const never = () => new Promise(() => {});
  const stalledBuffer = async () => ({ status: 200, ok: true, headers: new Headers({ "content-type": "application/json" }), arrayBuffer: never, url: "", redirected: false });
  const stalledStream = async () =>
    new Response(new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode("[")); } }), { status: 200, headers: { "content-type": "application/json" } });
  for (const [label, f] of [["never settles", never], ["stalled arrayBuffer", stalledBuffer], ["stalled body stream", stalledStream]]) {
    const c = new Client({ provider: "poelis", apiKey: KEYS.poelis, baseUrl: "http://127.0.0.1:9", fetch: f, timeoutMs: 200, maxRetries: 1 });
    const t0 = Date.now();
    const e = await Promise.race([c.request({ path: "/w" }).then(() => "resolved", (x) => x), new Promise((r) => setTimeout(() => r("still pending"), 5000))]);
    assert.ok(e instanceof TimeoutError, `${label}: ${e?.name ?? e}`);
    assert.ok(Date.now() - t0 < 3000, `${label}: bounded (${Date.now() - t0} ms)`);
    const ac = new AbortController();
    const c2 = new Client({ provider: "poelis", apiKey: KEYS.poelis, baseUrl: "http://127.0.0.1:9", fetch: f, timeoutMs: 60_000, maxRetries: 0 });
    setTimeout(() => ac.abort(), 100);
    const t1 = Date.now();
    const a = await Promise.race([c2.request({ path: "/w", signal: ac.signal }).then(() => "resolved", (x) => x), new Promise((r) => setTimeout(() => r("still pending"), 5000))]);
    assert.ok(a instanceof AbortError, `${label} abort: ${a?.name ?? a}`);
    assert.ok(Date.now() - t1 < 2000, `${label} abort: bounded`);
  }
});

test("item 8: a polluted Object.prototype changes nothing keygate sends (helper options, request specs, the fetch init)", { timeout: 20_000 }, async () => {
  // A recording fetch: what keygate hands to fetch, isolated from the runtime's own fetch (Node's
  // undici reads inherited members of objects it makes itself, which no caller can prevent: README).
  const seen = [];
  const fetchStandIn = async (url, init) => {
    const form = init.body instanceof FormData ? [...init.body.keys()] : null;
    seen.push({ url: String(url), proto: Object.getPrototypeOf(init), keys: Object.keys(init), method: init.method, body: init.body, form,
      headers: Object.keys(init.headers).map((k) => k.toLowerCase()), redirect: init.redirect });
    return new Response('{"ok":true}', { status: 200, headers: { "content-type": "application/json" } });
  };
  const names = ["body", "limit", "templateId", "numSlides", "filename", "name", "description", "idempotencyKey", "signal", "id", "query", "json", "headers", "method", "path",
    "target", "endpoint", "timeoutMs", "maxRetries", "duplex", "redirect", "window", "referrer", "dispatcher", "baseUrl", "mcpUrl", "allowInsecureHttp", "fetch", "maxResponseBytes", "as"];
  const values = { signal: AbortSignal.abort(), limit: 999, numSlides: 77, query: { polluted: 1 }, json: { polluted: 1 }, headers: { "x-polluted": "1" }, method: "DELETE",
    path: "/polluted", target: "mcp", timeoutMs: 1, maxRetries: 9, redirect: "follow", window: 1, dispatcher: { polluted: true }, baseUrl: "https://evil.example/polluted",
    allowInsecureHttp: true, fetch: () => Promise.reject(new Error("polluted fetch")), maxResponseBytes: 1, as: "polluted" };
  let plain;
  try {
    for (const n of names) Object.defineProperty(Object.prototype, n, { value: values[n] ?? "polluted", configurable: true, writable: true, enumerable: false });
    const poesius = new Client({ provider: "poesius", apiKey: KEYS.poesius, baseUrl: "http://127.0.0.1:9", maxRetries: 0, fetch: fetchStandIn });
    await poesius.listPresentations();
    await poesius.listPresentations({});
    await poesius.mcpCall("list_templates");
    await poesius.generateFromDoc(new Uint8Array([1]), {});
    const poelis = new Client({ provider: "poelis", apiKey: KEYS.poelis, baseUrl: "http://127.0.0.1:9", maxRetries: 0, fetch: fetchStandIn });
    await poelis.listWorkspaces();
    await poelis.request({ path: "/x" });
    const postiz = new Client({ provider: "postiz", apiKey: KEYS.postiz, baseUrl: "http://127.0.0.1:9", maxRetries: 0, fetch: fetchStandIn });
    await postiz.createPost({ a: 1 });
    plain = buildHeaders({ provider: "poelis", apiKey: KEYS.poelis });
  } finally {
    for (const n of names) delete Object.prototype[n];
  }
  assert.equal(seen.length, 7);
  const text = JSON.stringify(seen);
  assert.ok(!text.includes("polluted"), `a polluted property reached fetch: ${text.slice(Math.max(0, text.indexOf("polluted") - 160), text.indexOf("polluted") + 40)}`);
  for (const r of seen) {
    assert.equal(r.proto, null, "the fetch init has a null prototype");
    assert.equal(r.redirect, "manual");
    assert.ok(r.url.startsWith("http://127.0.0.1:9/"), r.url);
    assert.ok(!r.headers.includes("idempotency-key"), "no Idempotency-Key from the prototype");
  }
  const [p1, p2, mcp, doc, ws, x, post] = seen;
  for (const r of [p1, p2]) {
    assert.equal(r.url, "http://127.0.0.1:9/presentations?limit=1");
    assert.equal(r.body, null);
  }
  assert.equal(typeof JSON.parse(mcp.body).id, "number");
  assert.deepEqual(doc.form, ["document"]);
  for (const r of [ws, x]) {
    assert.equal(r.method, "GET");
    assert.equal(r.body, null);
  }
  assert.equal(post.body, '{"a":1}');
  assert.deepEqual(Object.keys(plain), ["Authorization"]);
});

test("item 9: a throwing option getter is a ConfigError, never absent (Postiz never falls back to api.postiz.com)", { timeout: 20_000 }, async () => {
  const sent = [];
  const fetchStandIn = async (url) => {
    sent.push(String(url));
    return new Response("[]", { status: 200, headers: { "content-type": "application/json" } });
  };
  for (const name of ["baseUrl", "timeoutMs", "maxRetries", "workspaceId", "scheme", "allowInsecureHttp", "mcpUrl", "keyType", "dangerouslyAllowBrowser", "maxResponseBytes", "fetch"]) {
    const opts = { provider: "postiz", apiKey: KEYS.postiz, fetch: fetchStandIn };
    Object.defineProperty(opts, name, { get() { throw new Error("getter"); }, enumerable: true, configurable: true });
    let err;
    try {
      await new Client(opts).listIntegrations();
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof ConfigError, `${name}: ${err?.name ?? "no error"}`);
    assert.equal(err.code, "invalid_option", name);
  }
  assert.deepEqual(sent, []);
});
