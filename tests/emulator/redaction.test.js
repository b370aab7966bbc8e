// The request log redacts every form of a secret (issue 14, item 12).
// Only 127.0.0.1 is ever contacted; every wait is bounded.
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startEmulator, DEMO_KEYS as K } from "../../pkg/emulator/index.js";
import { call } from "./helpers.js";
import { startChildEmulator, rawExchange, rawGet } from "./helpers-child.js";

const T = { timeout: 30_000 };


// ------------------------------------------------------------------ 4. every secret form redacted in the log

/** A random credential that the emulator has never been configured with. */
function randomKey(prefix, n) {
  const a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  let s = "";
  for (let i = 0; i < n; i++) s += a[Math.floor(Math.random() * a.length)];
  return `${prefix}${s}`;
}

/** Every form of `key` that must not appear in the log. */
function forms(key, body) {
  const b64 = (s) => Buffer.from(s).toString("base64");
  const b64url = (s) => Buffer.from(s).toString("base64url");
  return {
    body,
    urlEncoded: encodeURIComponent(key),
    base64: b64(key).replace(/=+$/, ""),
    base64url: b64url(key),
    basic: b64(`${key}:`).replace(/=+$/, ""),
    basicUser: b64(`user:${key}`).slice(8, -4),
  };
}

function assertClean(text, key, body, where) {
  for (const [name, form] of Object.entries(forms(key, body))) {
    assert.ok(!text.includes(form), `${where}: the ${name} form leaked: …${text.slice(Math.max(0, text.indexOf(form) - 60), text.indexOf(form) + form.length + 10)}…`);
  }
}

describe("the log redacts every secret form", () => {
  let emu;
  before(async () => {
    emu = await startEmulator();
  });
  after(() => emu.close());

  const KEYS = [
    ["poelis", () => randomKey("poelis_api_", 36), "poelis_api_".length],
    ["powerpost", () => randomKey("pp_live_sk_", 32), "pp_live_sk_".length],
    ["poesius oauth (no prefix)", () => randomKey("", 40), 0],
    ["poesius jwt", () => `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify({ sub: randomKey("", 12) })).toString("base64url")}.${randomKey("", 43)}`, 0],
    ["postiz oauth", () => randomKey("pos_", 40), 4],
  ];

  for (const [name, make, prefixLen] of KEYS) {
    test(`${name}: presented as the credential and repeated in every other place`, T, async () => {
      emu.reset();
      const key = make();
      const body = key.slice(prefixLen, -4);
      const b64 = Buffer.from(`${key}:`).toString("base64");
      const places = [
        { path: `/poelis/v1/public/workspaces?api_key=${encodeURIComponent(key)}`, headers: { authorization: `Bearer ${key}` } },
        { path: `/poelis/v1/public/workspaces/${encodeURIComponent(key)}`, headers: { authorization: `Bearer ${key}` } },
        { path: `/poelis/v1/public/workspaces?q=${encodeURIComponent(key)}&token=${key}`, headers: { "x-api-key": key } },
        { path: "/powerpost/api/v1/account/credits", headers: { "x-api-key": key, "idempotency-key": key, "x-keygate-echo": key } },
        { path: "/powerpost/api/v1/account/credits", headers: { authorization: `Basic ${b64}`, "x-forwarded-authorization": `Bearer ${key}`, "x-token": key } },
        { path: `/postiz/public/v1/integrations?x=${Buffer.from(key).toString("base64url")}`, headers: { authorization: key, "x-keygate-echo": `id-${encodeURIComponent(key)}` } },
        { path: "/poesius/api/v1/templates", headers: { authorization: `Bearer ${key}`, "idempotency-key": `retry-${key}-1`, origin: `https://x.example/${key}` } },
        { path: "/nowhere", headers: { authorization: `Bearer ${key}`, "x-keygate-echo": key } },
      ];
      for (const p of places) await call(`${emu.url}${p.path}`, { method: p.path.includes("credits") ? "GET" : "GET", headers: p.headers });
      // the same in the trap
      await call(`${emu.crossOrigin.url}/steal?api_key=${encodeURIComponent(key)}`, { headers: { authorization: `Bearer ${key}`, "x-keygate-echo": key, "idempotency-key": key } });
      assert.ok(emu.log.length >= places.length);
      assertClean(JSON.stringify(emu.log), key, body, "emu.log");
      assertClean((await call(`${emu.url}/_emulator/log`)).text, key, body, "GET /_emulator/log");
      assertClean((await call(`${emu.url}/_emulator/trap`)).text, key, body, "GET /_emulator/trap");
    });
  }

  test("keys that were never presented are still caught by shape in URLs, echoes and idempotency keys", T, async () => {
    emu.reset();
    const keys = [randomKey("poelis_api_", 36), randomKey("pp_live_sk_", 32), randomKey("pos_", 40), randomKey("pk_", 32)];
    for (const key of keys) {
      await call(`${emu.urls.poelis}/workspaces/${encodeURIComponent(key)}?k=${encodeURIComponent(key)}`, {
        headers: { "x-keygate-echo": `e-${key}`, "idempotency-key": key, "x-other": `Basic ${Buffer.from(`${key}:`).toString("base64")}` },
      });
    }
    const text = JSON.stringify(emu.log);
    for (const key of keys) {
      const body = key.slice(key.indexOf("_", 3) + 1, -4).slice(0, 20);
      assert.ok(!text.includes(body), `${key.slice(0, 6)} leaked`);
      assert.ok(!text.includes(Buffer.from(`${key}:`).toString("base64").slice(0, 20)), "basic form leaked");
    }
  });

  test("ordinary idempotency keys and echoes are kept, so tests can still match on them", T, async () => {
    emu.reset();
    await call(`${emu.urls.powerpost}/account/credits`, { headers: { "x-api-key": K.powerpost.apiKey, "idempotency-key": "idem-123", "x-keygate-echo": "load-7" } });
    assert.equal(emu.counts({ idempotencyKey: "idem-123" }), 1);
    assert.equal(emu.counts({ echo: "load-7" }), 1);
    assert.equal(emu.log[0].idempotencyKey, "idem-123");
    assert.equal(emu.log[0].echo, "load-7");
  });
});

