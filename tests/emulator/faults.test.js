// Fault injection: the X-Keygate-Fault header, config scenarios, and the cross-origin trap.
import { test, describe, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { startEmulator, DEMO_KEYS as K, parseFault, FaultSpecError } from "../../pkg/emulator/index.js";
import { call, TIMEOUT_MS } from "./helpers.js";

const T = { timeout: 20000 };

let emu;
before(async () => {
  emu = await startEmulator();
});
after(async () => {
  await emu.close();
});
beforeEach(() => emu.reset());

const AUTH = () => ({
  poesius: { url: `${emu.urls.poesius}/presentations?limit=1`, headers: { "X-API-Key": K.poesius.apiKey } },
  poelis: { url: `${emu.urls.poelis}/workspaces`, headers: { Authorization: `Bearer ${K.poelis.apiKey}` } },
  powerpost: { url: `${emu.urls.powerpost}/account/credits`, headers: { "x-api-key": K.powerpost.apiKey } },
  postiz: { url: `${emu.urls.postiz}/integrations`, headers: { Authorization: K.postiz.apiKey } },
});

const faulty = (provider, fault, init = {}) => {
  const { url, headers } = AUTH()[provider];
  return call(url, { ...init, headers: { ...headers, "X-Keygate-Fault": fault, ...(init.headers ?? {}) } });
};

describe("status faults", () => {
  test("5xx faults answer in each provider's own error style", T, async () => {
    for (const status of [500, 502, 503, 504]) {
      let r = await faulty("poesius", String(status));
      assert.equal(r.status, status);
      assert.equal(typeof r.body.detail, "string");
      r = await faulty("poelis", String(status));
      assert.equal(r.status, status);
      assert.equal(typeof r.body.error, "string");
      assert.equal(typeof r.body.message, "string");
      assert.ok(r.headers.get("x-ratelimit-limit"));
      r = await faulty("powerpost", String(status));
      assert.equal(r.status, status);
      assert.equal(typeof r.body.error.code, "string");
      assert.equal(typeof r.body.error.message, "string");
      r = await faulty("postiz", String(status));
      assert.equal(r.status, status);
      assert.equal(r.body.statusCode, status);
      assert.equal(r.headers.get("x-request-id"), null, "Postiz sends no request id");
    }
    assert.equal((await faulty("poelis", "500")).body.error, "internal_error");
    assert.equal((await faulty("powerpost", "500")).body.error.code, "INTERNAL_ERROR");
    // faults come before auth: no side effects, no credentials needed
    const r = await call(`${emu.urls.poelis}/workspaces`, { headers: { "X-Keygate-Fault": "503" } });
    assert.equal(r.status, 503);
  });

  test("other statuses (408, 401, 404) can be injected too", T, async () => {
    assert.equal((await faulty("poelis", "408")).status, 408);
    const r = await faulty("postiz", "401");
    assert.deepEqual([r.status, r.body], [401, { msg: "Invalid API key" }]);
    assert.equal((await faulty("powerpost", "404")).body.error.code, "NOT_FOUND");
  });

  test("429: Retry-After seconds (default 1), 429:N, 429-date:N, 429-body:N", T, async () => {
    let r = await faulty("poelis", "429");
    assert.equal(r.status, 429);
    assert.equal(r.headers.get("retry-after"), "1");
    assert.equal(r.body.error, "rate_limit_exceeded");
    r = await faulty("poesius", "429:2");
    assert.equal(r.headers.get("retry-after"), "2");
    r = await faulty("postiz", "429-date:5");
    const when = Date.parse(r.headers.get("retry-after"));
    assert.ok(!Number.isNaN(when), r.headers.get("retry-after"));
    const ahead = (when - Date.now()) / 1000;
    assert.ok(ahead > 3.5 && ahead <= 6, `date is ${ahead}s ahead`);
    assert.match(r.headers.get("retry-after"), /GMT$/);
    r = await faulty("powerpost", "429-body:7");
    assert.equal(r.status, 429);
    assert.equal(r.headers.get("retry-after"), null);
    assert.equal(r.body.retryAfter, 7);
    assert.equal(r.body.error.retryAfter, 7);
    assert.equal(r.body.error.code, "RATE_LIMIT_EXCEEDED");
    // 429 with a header does not put retryAfter in the body (so clients must read the header)
    assert.equal((await faulty("powerpost", "429:3")).body.retryAfter, undefined);
  });

  test("an unknown fault spec is a 400 emulator_error", T, async () => {
    const r = await faulty("poelis", "explode");
    assert.equal(r.status, 400);
    assert.match(r.body.emulator_error, /explode/);
    assert.ok(r.headers.get("x-request-id"));
  });

  test("parseFault validates and combines a delay with one fault", T, () => {
    assert.deepEqual(parseFault("delay:50,503").terminal, { kind: "status", status: 503 });
    assert.equal(parseFault("delay:50,503").delayMs, 50);
    assert.equal(parseFault("ok").terminal, null);
    for (const bad of ["503,502", "429:x", "html:99", "redirect-same:200", "delay", "oversized:-1"]) {
      assert.throws(() => parseFault(bad), FaultSpecError, bad);
    }
  });
});

describe("timing and transport faults", () => {
  test("delay:MS waits before the headers, then answers normally", T, async () => {
    const t0 = Date.now();
    const r = await faulty("poelis", "delay:300");
    assert.ok(Date.now() - t0 >= 280, `took ${Date.now() - t0}`);
    assert.equal(r.status, 200);
    assert.equal(r.body.count, 2);
    const combined = await faulty("poelis", "delay:100,503");
    assert.equal(combined.status, 503);
    // a client timeout shorter than the delay aborts
    const { url, headers } = AUTH().poelis;
    await assert.rejects(
      fetch(url, { headers: { ...headers, "X-Keygate-Fault": "delay:2000" }, signal: AbortSignal.timeout(100) }),
      /TimeoutError|aborted/,
    );
  });

  test("slow-body:MS sends headers at once and dribbles the body", T, async () => {
    const { url, headers } = AUTH().postiz;
    const t0 = Date.now();
    const res = await fetch(url, { headers: { ...headers, "X-Keygate-Fault": "slow-body:500" }, signal: AbortSignal.timeout(TIMEOUT_MS) });
    const tHeaders = Date.now() - t0;
    const body = await res.json();
    const tBody = Date.now() - t0;
    assert.ok(tHeaders < 300, `headers after ${tHeaders} ms`);
    assert.ok(tBody >= 450, `body after ${tBody} ms`);
    assert.equal(body[0].id, "int_x_demo");
  });

  test("reset sends headers and part of the body, then drops the connection", T, async () => {
    const { url, headers } = AUTH().poelis;
    const res = await fetch(url, { headers: { ...headers, "X-Keygate-Fault": "reset" }, signal: AbortSignal.timeout(TIMEOUT_MS) });
    assert.equal(res.status, 200);
    assert.ok(res.headers.get("x-request-id"));
    await assert.rejects(res.text());
  });

  test("hangup drops the connection before any response", T, async () => {
    const { url, headers } = AUTH().poelis;
    await assert.rejects(fetch(url, { headers: { ...headers, "X-Keygate-Fault": "hangup" }, signal: AbortSignal.timeout(TIMEOUT_MS) }));
    assert.equal(emu.counts({ provider: "poelis" }), 1);
    assert.equal(emu.log.at(-1).aborted, true);
  });
});

describe("body faults", () => {
  const notJson = (text) => assert.throws(() => JSON.parse(text), SyntaxError, text);

  test("truncated-json and malformed-json keep the status and JSON content type", T, async () => {
    let r = await faulty("poelis", "truncated-json");
    assert.equal(r.status, 200);
    assert.match(r.headers.get("content-type"), /application\/json/);
    notJson(r.text);
    assert.ok(r.text.startsWith('{"items"'));
    r = await faulty("postiz", "truncated-json:500");
    assert.equal(r.status, 500);
    notJson(r.text);
    r = await faulty("powerpost", "malformed-json");
    assert.equal(r.status, 200);
    notJson(r.text);
    r = await faulty("poesius", "malformed-json:503");
    assert.equal(r.status, 503);
    notJson(r.text);
  });

  test("empty-body:STATUS and html:STATUS", T, async () => {
    let r = await faulty("postiz", "empty-body:401");
    assert.deepEqual([r.status, r.text], [401, ""]);
    r = await faulty("poelis", "empty-body:200");
    assert.deepEqual([r.status, r.text], [200, ""]);
    r = await faulty("powerpost", "html:502");
    assert.equal(r.status, 502);
    assert.match(r.headers.get("content-type"), /^text\/html/);
    assert.match(r.text, /<html>.*502 Bad Gateway/s);
    assert.equal(r.body, undefined);
  });

  test("oversized:BYTES pads a success body; oversized:BYTES:STATUS an error body", T, async () => {
    let r = await faulty("poelis", "oversized:200000");
    assert.equal(r.status, 200);
    assert.equal(Buffer.byteLength(r.text), 200000);
    assert.equal(r.body.count, 2);
    r = await faulty("postiz", "oversized:150000");
    assert.equal(Buffer.byteLength(r.text), 150000);
    assert.ok(Array.isArray(r.body));
    r = await faulty("powerpost", "oversized:3000000:500");
    assert.equal(r.status, 500);
    assert.equal(Buffer.byteLength(r.text), 3000000);
    assert.equal(r.body.error.code, "INTERNAL_ERROR");
  });
});

describe("redirects and the cross-origin trap", () => {
  test("redirect-same: 302 to the same path, which succeeds when followed", T, async () => {
    let r = await faulty("poesius", "redirect-same");
    assert.equal(r.status, 302);
    const location = new URL(r.headers.get("location"));
    assert.equal(location.origin, emu.url);
    assert.equal(location.pathname, "/poesius/api/v1/presentations");
    assert.equal(location.searchParams.get("limit"), "1");
    r = await faulty("poesius", "redirect-same", { redirect: "follow" });
    assert.equal(r.status, 200);
    assert.equal(r.body.items.length, 1);
    assert.equal(emu.counts({ provider: "poesius", path: "/presentations" }), 3);
    assert.equal((await faulty("poelis", "redirect-same:307")).status, 307);
  });

  test("redirect-cross: 302 to the trap, which records every header", T, async () => {
    let r = await faulty("powerpost", "redirect-cross");
    assert.equal(r.status, 302);
    assert.equal(new URL(r.headers.get("location")).origin, emu.crossOrigin.url);
    assert.equal(emu.crossOrigin.received.length, 0);
    // fetch follows it and (unlike Authorization) keeps X-API-Key: the trap sees the leak
    r = await faulty("powerpost", "redirect-cross", { redirect: "follow", headers: { "X-Custom": "yes" } });
    assert.deepEqual(r.body, { trap: true });
    assert.equal(emu.crossOrigin.received.length, 1);
    const got = emu.crossOrigin.received[0];
    assert.equal(got.method, "GET");
    assert.equal(got.url, "/powerpost/api/v1/account/credits");
    assert.equal(got.headers["x-api-key"], K.powerpost.apiKey);
    assert.equal(got.headers["x-custom"], "yes");
    // the main log holds the trap request too, redacted
    const trapEntry = emu.log.find((e) => e.provider === "cross-origin");
    assert.equal(trapEntry.headers["x-api-key"], `pp_live_sk_…${K.powerpost.apiKey.slice(-4)}`);
    assert.ok(!JSON.stringify(emu.log).includes(K.powerpost.apiKey));
    const view = await call(`${emu.url}/_emulator/trap`);
    assert.deepEqual(view.body.received[0].credentialHeaders, ["x-api-key"]);
    assert.ok(!view.text.includes(K.powerpost.apiKey));
  });

  test("redirect-cross-307 keeps the method and body; fetch drops Authorization cross-origin", T, async () => {
    const r = await call(`${emu.urls.poelis}/workspaces`, {
      method: "POST",
      redirect: "follow",
      headers: { Authorization: `Bearer ${K.poelis.apiKey}`, "X-Keygate-Fault": "redirect-cross-307", "content-type": "application/json" },
      body: JSON.stringify({ hello: "trap" }),
    });
    assert.deepEqual(r.body, { trap: true });
    const got = emu.crossOrigin.received.at(-1);
    assert.equal(got.method, "POST");
    assert.equal(got.body, '{"hello":"trap"}');
    assert.equal(got.headers.authorization, undefined);
  });

  test("the trap answers anything directly, preflights included", T, async () => {
    let r = await call(`${emu.crossOrigin.url}/anything?x=1`, { headers: { "X-API-Key": "pk_leakedKey1234" } });
    assert.deepEqual([r.status, r.body], [200, { trap: true }]);
    r = await call(`${emu.crossOrigin.url}/anything`, {
      method: "OPTIONS",
      headers: { Origin: "https://a.example", "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "x-api-key" },
    });
    assert.equal(r.status, 204);
    assert.equal(r.headers.get("access-control-allow-headers"), "x-api-key");
    assert.deepEqual(emu.crossOrigin.received.map((x) => [x.method, x.url]), [["GET", "/anything?x=1"], ["OPTIONS", "/anything"]]);
  });
});

describe("scenarios", () => {
  test("faults are consumed one per matching request, in order ('fail twice then succeed')", T, async () => {
    const e = await startEmulator({
      scenarios: [
        { match: { provider: "poelis", method: "GET", path: "/workspaces" }, faults: ["503", "429:1"] },
        { match: { provider: "postiz", path: "/posts/*" }, faults: ["ok", "500"] },
      ],
    });
    try {
      const ws = () => call(`${e.urls.poelis}/workspaces`, { headers: { Authorization: `Bearer ${K.poelis.apiKey}` } });
      // a non-matching request consumes nothing
      assert.equal((await call(`${e.urls.poelis}/workspaces/ws_1`, { headers: { Authorization: `Bearer ${K.poelis.apiKey}` } })).status, 200);
      assert.equal((await ws()).status, 503);
      const second = await ws();
      assert.equal(second.status, 429);
      assert.equal(second.headers.get("retry-after"), "1");
      assert.equal((await ws()).status, 200);
      assert.equal((await ws()).status, 200);
      assert.equal(e.counts({ provider: "poelis", method: "GET", path: "/workspaces" }), 4);
      assert.equal(e.log.filter((x) => x.faultSource === "scenario").length, 2);

      // PATCH is no route of Postiz's controller: Nest's 404, whatever the key
      const del = () => call(`${e.urls.postiz}/posts/p1`, { method: "PATCH", headers: { Authorization: K.postiz.apiKey } });
      assert.equal((await del()).status, 404); // "ok": answered normally
      assert.equal((await del()).status, 500);
      assert.equal((await del()).status, 404);
      assert.deepEqual(e.pendingScenarios().map((s) => s.faults), [[], []]);

      e.reset(); // re-arms the config's scenarios
      assert.equal((await ws()).status, 503);
    } finally {
      await e.close();
    }
  });

  test("addScenario at run time; the header fault wins over a scenario", T, async () => {
    emu.addScenario({ match: { provider: "powerpost" }, faults: ["502", "502"] });
    const { url, headers } = AUTH().powerpost;
    const r = await call(url, { headers: { ...headers, "X-Keygate-Fault": "504" } });
    assert.equal(r.status, 504);
    assert.equal((await call(url, { headers })).status, 502);
    assert.equal((await call(url, { headers })).status, 502);
    assert.equal((await call(url, { headers })).status, 200);
    assert.throws(() => emu.addScenario({ faults: ["nonsense"] }), FaultSpecError);
  });

  test("scenario-driven delays and transport faults work like header ones", T, async () => {
    emu.addScenario({ match: { provider: "poesius", path: "/presentations" }, faults: ["delay:200", "hangup"] });
    const { url, headers } = AUTH().poesius;
    const t0 = Date.now();
    assert.equal((await call(url, { headers })).status, 200);
    assert.ok(Date.now() - t0 >= 180);
    await assert.rejects(fetch(url, { headers, signal: AbortSignal.timeout(TIMEOUT_MS) }));
    assert.equal((await call(url, { headers })).status, 200);
  });
});
