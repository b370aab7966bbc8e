// Bad input at every public entry point: a clear typed error (or a failed validation), never a
// crash, and the wasm instance keeps working afterwards.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Client, validateKey, detectProvider, buildHeaders, redact, ConfigError, KeyFormatError, KeygateError } from "keygate";
import { startServer, json, KEYS } from "./server.mjs";

const HOSTILE = [undefined, null, 0, -1, NaN, Infinity, 10n, true, "", "x".repeat(2_000_000), "\u0000", "\r\n", "é", "💥".repeat(1000),
  Symbol("s"), () => "k", [], ["pk_x"], {}, new Proxy({}, { get() { throw new Error("trap"); } }),
  JSON.parse('{"__proto__": {"apiKey": "pk_polluted_key_123456"}}'), Object.create(null)];

function stillWorks() {
  assert.equal(validateKey("poelis", KEYS.poelis).ok, true);
  assert.equal(new Client({ provider: "poelis", apiKey: KEYS.poelis }).provider, "poelis");
}

test("validateKey, detectProvider and redact never throw", () => {
  for (const v of HOSTILE) {
    for (const p of [v, "poelis", "postiz"]) {
      for (const kind of [undefined, v, "jwt"]) {
        const r = validateKey(p, v, kind);
        assert.equal(typeof r.ok, "boolean");
        assert.equal(typeof r.code, "string");
      }
    }
    const d = detectProvider(v);
    assert.ok(d === null || typeof d === "string");
    assert.equal(typeof redact(v), "string");
  }
  stillWorks();
});

test("buildHeaders and new Client throw typed errors only", () => {
  for (const v of HOSTILE) {
    for (const opts of [v, { provider: v, apiKey: KEYS.poelis }, { provider: "poelis", apiKey: v }, { provider: "powerpost", apiKey: KEYS.powerpost, workspaceId: v },
      { provider: "poelis", apiKey: KEYS.poelis, baseUrl: v }, { provider: "poelis", apiKey: KEYS.poelis, timeoutMs: v }, { provider: "poelis", apiKey: KEYS.poelis, maxRetries: v },
      { provider: "powerpost", apiKey: KEYS.powerpost, scheme: v }, { provider: "poelis", apiKey: KEYS.poelis, fetch: v }]) {
      for (const fn of [() => buildHeaders(opts), () => new Client(opts)]) {
        try {
          fn();
        } catch (e) {
          assert.ok(e instanceof KeygateError, `${e?.name}: ${e?.message}`);
          assert.ok(e instanceof ConfigError || e instanceof KeyFormatError, e.name);
        }
      }
    }
  }
  for (const url of ["", "http://", "https://a b", "https://[::1", "https://x:0", "https://x:70000", "file:///etc/passwd", "javascript:alert(1)", "https://user@x", "https://x/%zz", "//x"]) {
    assert.throws(() => new Client({ provider: "poelis", apiKey: KEYS.poelis, baseUrl: url }), ConfigError, url);
  }
  stillWorks();
});

test("request specs: wrong types are ConfigErrors before any network call", { timeout: 20_000 }, async () => {
  const srv = await startServer((req, res) => json(res, 200, {}));
  try {
    const c = new Client({ provider: "poelis", apiKey: KEYS.poelis, baseUrl: srv.url });
    const bad = [null, 5, "GET /x", [], { path: 5 }, { method: 5 }, { method: "TRACE" }, { method: "GET\r\nX: y" }, { query: 5 }, { query: { a: {} } }, { query: { a: NaN } },
      { headers: 5 }, { headers: { a: 5 } }, { headers: { "bad name": "v" } }, { headers: { a: "\n" } }, { headers: { Authorization: "x" } },
      { json: 1n }, { json: { a: 1 }, body: "x" }, { timeoutMs: -5 }, { timeoutMs: NaN }, { maxRetries: 99 }, { target: "ftp" }, { idempotencyKey: 5 }, { idempotencyKey: "a\rb" },
      { path: "x".repeat(100_000) + " " }];
    for (const spec of bad) {
      await assert.rejects(c.request(spec), (e) => e instanceof ConfigError, JSON.stringify(spec, (k, v) => (typeof v === "bigint" ? "1n" : v))?.slice(0, 80));
    }
    const cyclic = {};
    cyclic.self = cyclic;
    await assert.rejects(c.request({ method: "POST", json: cyclic }), ConfigError);
    assert.equal(srv.requests.length, 0);
    assert.equal((await c.request({ path: "/ok" })).status, 200);
  } finally {
    await srv.close();
  }
  stillWorks();
});

test("fromEnv with hostile env objects", () => {
  for (const env of [null, 5, "POELIS_API_KEY=x", { POELIS_API_KEY: 5 }, { POELIS_API_KEY: "" }, JSON.parse('{"__proto__": {"POELIS_API_KEY": "poelis_api_polluted000000000000"}}')]) {
    assert.throws(() => Client.fromEnv("poelis", env), (e) => e instanceof ConfigError || e instanceof KeyFormatError);
  }
  stillWorks();
});
