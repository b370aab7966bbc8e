// The /_emulator/* control endpoints refuse cross-origin use (issue 14, item 12).
// Only 127.0.0.1 is ever contacted; every wait is bounded.
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startEmulator, DEMO_KEYS as K } from "../../pkg/emulator/index.js";
import { call } from "./helpers.js";
import { startChildEmulator, rawExchange, rawGet } from "./helpers-child.js";

const T = { timeout: 30_000 };


// ------------------------------------------------------------------ 2. control endpoints, same origin only

describe("/_emulator/* refuses cross-origin use", () => {
  let emu;
  before(async () => {
    emu = await startEmulator();
  });
  after(() => emu.close());

  const FOREIGN = ["https://evil.example", "http://localhost.evil.example", "null", "http://127.0.0.1:1", "http://127.0.0.1.evil.example"];

  test("a foreign Origin gets 403 and no CORS headers, on every control path", T, async () => {
    for (const origin of FOREIGN) {
      for (const [method, path] of [["GET", "/_emulator/log"], ["GET", "/_emulator/trap"], ["GET", "/_emulator/state"], ["GET", "/_emulator/scenarios"], ["POST", "/_emulator/reset"], ["GET", "/"]]) {
        const r = await call(`${emu.url}${path}`, { method, headers: { origin } });
        assert.equal(r.status, 403, `${origin} ${method} ${path}`);
        assert.equal(r.headers.get("access-control-allow-origin"), null, `${origin} ${path} reflected`);
      }
      const pre = await call(`${emu.url}/_emulator/scenarios`, {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
      });
      assert.equal(pre.headers.get("access-control-allow-origin"), null, `${origin} preflight allowed`);
      assert.equal(pre.headers.get("access-control-allow-methods"), null);
    }
  });

  test("a simple-request CSRF (text/plain POST from a page on any site) adds no scenario and resets nothing", T, async () => {
    await call(`${emu.urls.poelis}/workspaces`, { headers: { authorization: `Bearer ${K.poelis.apiKey}` } });
    const before = emu.log.length;
    const body = JSON.stringify({ match: { provider: "poelis" }, faults: ["500"] });
    for (const headers of [
      { origin: "https://evil.example", "content-type": "text/plain" },
      { origin: "null", "content-type": "text/plain" },
      { "sec-fetch-site": "cross-site", "content-type": "text/plain" }, // no Origin at all
      { "content-type": "text/plain" }, // an old browser that sends no Origin: not JSON, refused
      { "content-type": "application/x-www-form-urlencoded" },
      { "content-type": "multipart/form-data; boundary=x" },
    ]) {
      const r = await call(`${emu.url}/_emulator/scenarios`, { method: "POST", headers, body });
      assert.ok(r.status === 403 || r.status === 415, `${JSON.stringify(headers)}: ${r.status}`);
      const reset = await call(`${emu.url}/_emulator/reset`, { method: "POST", headers, body: "x" });
      assert.ok(reset.status === 403 || reset.status === 415, `reset ${JSON.stringify(headers)}: ${reset.status}`);
    }
    assert.deepEqual(emu.pendingScenarios(), []);
    assert.equal(emu.log.length, before, "the log was not reset");
  });

  test("a DNS-rebinding Host (a name other than localhost) is refused", T, async () => {
    const only = await rawExchange(emu.port, `GET /_emulator/log HTTP/1.1\r\nHost: rebind.evil.example:${emu.port}\r\nConnection: close\r\n\r\n`);
    assert.equal(only.status, 403, only.text.slice(0, 200));
  });

  test("same origin, loopback of the same port, allowed extra origins, and no Origin at all are served", T, async () => {
    for (const origin of [emu.url, `http://localhost:${emu.port}`, `http://[::1]:${emu.port}`, `http://127.0.0.1:${emu.port}`]) {
      const r = await call(`${emu.url}/_emulator/scenarios`, {
        method: "POST",
        headers: { origin, "content-type": "application/json" },
        body: JSON.stringify({ match: { provider: "poelis" }, faults: ["503"] }),
      });
      assert.equal(r.status, 200, origin);
    }
    assert.equal(emu.pendingScenarios().length, 4);
    emu.reset();
    assert.equal((await call(`${emu.url}/_emulator/health`)).status, 200);
    assert.equal((await call(`${emu.url}/_emulator/reset`, { method: "POST" })).status, 200);
    // a test page served from another loopback port can be let in explicitly
    emu.allowControlOrigin("http://127.0.0.1:5173");
    const page = await call(`${emu.url}/_emulator/log`, { headers: { origin: "http://127.0.0.1:5173" } });
    assert.equal(page.status, 200);
    assert.equal(page.headers.get("access-control-allow-origin"), "http://127.0.0.1:5173");
    const pre = await call(`${emu.url}/_emulator/scenarios`, {
      method: "OPTIONS",
      headers: { origin: "http://127.0.0.1:5173", "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get("access-control-allow-origin"), "http://127.0.0.1:5173");
    assert.equal((await call(`${emu.url}/_emulator/log`, { headers: { origin: "http://127.0.0.1:5174" } })).status, 403);
    const cfg = await startEmulator({}, { controlOrigins: ["http://127.0.0.1:9"] });
    try {
      assert.equal((await call(`${cfg.url}/_emulator/log`, { headers: { origin: "http://127.0.0.1:9" } })).status, 200);
    } finally {
      await cfg.close();
    }
  });

  test("the providers' own CORS is unchanged (open by default)", T, async () => {
    const r = await call(`${emu.urls.poelis}/workspaces`, { headers: { origin: "https://app.example", authorization: `Bearer ${K.poelis.apiKey}` } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("access-control-allow-origin"), "https://app.example");
  });
});

