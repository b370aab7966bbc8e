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
  // [options, the option the hostile value sits in (null: the whole options)]. A test that only
  // checks inside a catch passes when nothing throws, so each case says whether it must throw:
  // always, except an absent optional option (undefined/null), maxRetries 0, and options
  // buildHeaders does not read.
  const mustThrow = (field, v, fn) => {
    // A function credential is valid (key rotation): it is called, and its value checked, per request.
    if (field === "apiKey") return !(fn === "new Client" && typeof v === "function");
    if (field === null || field === "provider") return true;
    if (fn === "buildHeaders" && ["baseUrl", "timeoutMs", "maxRetries", "fetch"].includes(field)) return false;
    if (v === undefined || v === null) return false;
    if (field === "maxRetries" && v === 0) return false;
    if (field === "fetch" && typeof v === "function") return false;
    return true;
  };
  for (const v of HOSTILE) {
    for (const [opts, field] of [[v, null], [{ provider: v, apiKey: KEYS.poelis }, "provider"], [{ provider: "poelis", apiKey: v }, "apiKey"], [{ provider: "powerpost", apiKey: KEYS.powerpost, workspaceId: v }, "workspaceId"],
      [{ provider: "poelis", apiKey: KEYS.poelis, baseUrl: v }, "baseUrl"], [{ provider: "poelis", apiKey: KEYS.poelis, timeoutMs: v }, "timeoutMs"], [{ provider: "poelis", apiKey: KEYS.poelis, maxRetries: v }, "maxRetries"],
      [{ provider: "powerpost", apiKey: KEYS.powerpost, scheme: v }, "scheme"], [{ provider: "poelis", apiKey: KEYS.poelis, fetch: v }, "fetch"]]) {
      for (const [fnName, fn] of [["buildHeaders", () => buildHeaders(opts)], ["new Client", () => new Client(opts)]]) {
        const label = `${fnName} ${field ?? "options"} = ${typeof v === "string" ? JSON.stringify(v.slice(0, 12)) : typeof v === "symbol" ? "Symbol" : typeof v === "bigint" ? "10n" : Array.isArray(v) ? "array" : typeof v}`;
        let thrown = null;
        try {
          fn();
        } catch (e) {
          thrown = e;
          assert.ok(e instanceof KeygateError, `${label}: ${e?.name}: ${e?.message}`);
          assert.ok(e instanceof ConfigError || e instanceof KeyFormatError, `${label}: ${e.name}`);
        }
        if (mustThrow(field, v, fnName)) assert.ok(thrown, `${label}: must throw, nothing was thrown`);
      }
    }
  }
  for (const bad of [-1, 0, 0.5, 600_001, NaN, Infinity, "1000", true]) {
    assert.throws(() => new Client({ provider: "poelis", apiKey: KEYS.poelis, timeoutMs: bad }), ConfigError, `timeoutMs ${bad}`);
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

test("one timeoutMs/maxRetries rule for the client and a request (1500.5 refused in both)", async () => {
  let calls = 0;
  const fetch = async () => { calls++; return new Response("{}", { headers: { "content-type": "application/json" } }); };
  const table = [["timeoutMs", 1500.5, false], ["timeoutMs", 0, false], ["timeoutMs", 600_001, false], ["timeoutMs", 1500, true],
    ["maxRetries", 1.5, false], ["maxRetries", 11, false], ["maxRetries", 2, true]];
  for (const [name, value, ok] of table) {
    const make = () => new Client({ provider: "poelis", apiKey: KEYS.poelis, baseUrl: "http://127.0.0.1:9/v1/public", fetch, [name]: value });
    if (ok) assert.doesNotThrow(make, `client ${name} ${value}`);
    else assert.throws(make, ConfigError, `client ${name} ${value}`);
    const client = new Client({ provider: "poelis", apiKey: KEYS.poelis, baseUrl: "http://127.0.0.1:9/v1/public", fetch, maxRetries: 0 });
    const before = calls;
    const run = client.request({ path: "/workspaces", [name]: value });
    if (ok) await run;
    else await assert.rejects(run, (e) => e instanceof ConfigError && e.code === "invalid_option", `request ${name} ${value}`);
    assert.equal(calls - before, ok ? 1 : 0, `${name} ${value}: requests sent`);
  }
});
