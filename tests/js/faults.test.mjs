// Fault matrix: every fault the emulator injects, against every provider's helpers: the expected
// error class, the right number of attempts, no unhandled rejection, no hang.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { Client, ServerError, RateLimitError, TimeoutError, NetworkError, ApiError } from "keygate";
import { startEmulator, DEMO_KEYS as K } from "keygate/emulator";

let emu;
const unhandled = [];
const onUnhandled = (e) => unhandled.push(e);
before(async () => {
  process.on("unhandledRejection", onUnhandled);
  emu = await startEmulator({ rateLimit: { poelis: { limit: 100_000, windowSec: 60 } } });
});
after(async () => {
  await emu.close();
  process.off("unhandledRejection", onUnhandled);
});

const HELPERS = {
  poesius: { opts: () => ({ apiKey: K.poesius.apiKey, baseUrl: emu.urls.poesius }), path: "/presentations", method: "GET", call: (c) => c.listPresentations() },
  poelis: { opts: () => ({ apiKey: K.poelis.apiKey, baseUrl: emu.urls.poelis }), path: "/workspaces", method: "GET", call: (c) => c.listWorkspaces() },
  powerpost: { opts: () => ({ apiKey: K.powerpost.apiKey, baseUrl: emu.urls.powerpost }), path: "/account/credits", method: "GET", call: (c) => c.getCredits() },
  postiz: { opts: () => ({ apiKey: K.postiz.apiKey, baseUrl: emu.urls.postizRoot }), path: "/integrations", method: "GET", call: (c) => c.listIntegrations() },
  "postiz createPost": { provider: "postiz", opts: () => ({ apiKey: K.postiz.apiKey, baseUrl: emu.urls.postizRoot }), path: "/posts", method: "POST", call: (c) => c.createPost({ content: "x" }) },
  "powerpost publishPost": { provider: "powerpost", opts: () => ({ apiKey: K.powerpost.apiKey, workspaceId: K.powerpost.workspaceId, baseUrl: emu.urls.powerpost }), path: "/posts/*/publish", method: "POST",
    call: async (c) => c.publishPost((await c.request({ method: "POST", path: "/posts", json: { content: "x" }, headers: { "X-Keygate-Fault": "ok" } })).data.id) },
};

// fault -> [expected class (null = success), attempts for an idempotent call, extra check]
const FAULTS = {
  500: [ServerError, 3], 502: [ServerError, 3], 503: [ServerError, 3], 504: [ServerError, 3],
  "429:0": [RateLimitError, 3, (e) => assert.equal(e.retryAfterMs, 0)],
  "429-date:120": [RateLimitError, 1, (e) => assert.ok(e.retryAfterMs > 60_000 && e.retryAfterMs <= 122_000, String(e.retryAfterMs))],
  "429-body:90": [RateLimitError, 1, (e) => assert.equal(e.retryAfterMs, 90_000)],
  "delay:400": [TimeoutError, 3],
  "slow-body:600": [TimeoutError, 3],
  reset: [NetworkError, 3],
  hangup: [NetworkError, 3],
  "truncated-json": [ApiError, 1, (e) => assert.equal(e.code, "invalid_json")],
  "malformed-json:500": [ServerError, 3],
  "empty-body:502": [ServerError, 3],
  "html:503": [ServerError, 3],
  "oversized:300000:500": [ServerError, 3],
  "oversized:300000": [null, 1],
  "redirect-same": [null, 2],
  "redirect-same:307": [null, 2],
  "redirect-cross": [ApiError, 1, (e) => assert.equal(e.code, "redirect_refused")],
  "redirect-cross-307": [ApiError, 1, (e) => assert.equal(e.code, "redirect_refused")],
};

test("fault matrix: every fault × every provider's helpers", { timeout: 180_000, concurrency: true }, async (t) => {
  const runs = Object.entries(HELPERS).map(([name, h]) =>
    t.test(name, async () => {
      const provider = h.provider ?? name;
      for (const [fault, [cls, idempotentAttempts, extra]] of Object.entries(FAULTS)) {
        // A 302 turns a POST into a GET (as fetch does), which these POST-only paths refuse.
        if (fault === "redirect-same" && h.method === "POST") continue;
        const attemptsExpected = h.method === "GET" || !cls || cls === ApiError ? idempotentAttempts : 1;
        // Exactly as many faults as attempts, so no fault is left over for the next case; a
        // followed same-origin redirect finds no fault left and succeeds.
        const faults = Array(fault.startsWith("redirect-same") ? 1 : attemptsExpected).fill(fault);
        emu.addScenario({ match: { provider, method: h.method, path: h.path }, faults });
        const before = emu.counts({ provider, method: h.method, path: h.path });
        const client = new Client({ provider, timeoutMs: 200, maxRetries: 2, ...h.opts() });
        const started = Date.now();
        const outcome = await h.call(client).then((v) => ({ ok: v }), (e) => ({ err: e }));
        // The emulator logs a request when its response finishes, which can trail the client by a
        // moment: wait (bounded) for the count to reach what is expected before comparing.
        const count = () => emu.counts({ provider, method: h.method, path: h.path }) - before;
        for (let i = 0; i < 100 && count() < attemptsExpected; i++) await new Promise((r) => setTimeout(r, 10));
        const attempts = count();
        const label = `${name} × ${fault}`;
        if (cls === null) {
          assert.ok(outcome.ok !== undefined, `${label}: expected success, got ${outcome.err?.name} ${outcome.err?.message}`);
        } else {
          assert.ok(outcome.err instanceof cls, `${label}: expected ${cls.name}, got ${outcome.err?.name ?? "success"} ${outcome.err?.message ?? ""}`);
          assert.equal(outcome.err.provider, provider, label);
          extra?.(outcome.err);
        }
        assert.equal(attempts, attemptsExpected, `${label}: attempts`);
        assert.ok(Date.now() - started < 15_000, `${label}: bounded`);
      }
    }),
  );
  await Promise.all(runs);
});

test("after the matrix: no unhandled rejection, nothing reached the cross-origin trap", () => {
  assert.equal(emu.crossOrigin.received.length, 0);
  assert.deepEqual(unhandled, []);
  emu.reset();
});

test("a caller abort during a retry wait sends no further request", { timeout: 20_000 }, async () => {
  emu.addScenario({ match: { provider: "poelis", method: "GET", path: "/workspaces" }, faults: ["429:5", "ok"] });
  const client = new Client({ provider: "poelis", apiKey: K.poelis.apiKey, baseUrl: emu.urls.poelis });
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 300);
  const e = await client.listWorkspaces({ signal: ac.signal }).catch((x) => x);
  assert.equal(e.name, "AbortError");
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(emu.counts({ provider: "poelis", path: "/workspaces" }), 1);
  emu.reset();
});

test("Retry-After as an HTTP date is honoured (measured clock)", { timeout: 20_000 }, async () => {
  emu.addScenario({ match: { provider: "poelis", method: "GET", path: "/workspaces" }, faults: ["429-date:2"] });
  const client = new Client({ provider: "poelis", apiKey: K.poelis.apiKey, baseUrl: emu.urls.poelis });
  const t0 = Date.now();
  await client.listWorkspaces();
  const waited = Date.now() - t0;
  assert.ok(waited >= 900 && waited < 4_000, `waited ${waited} ms`);
  for (let i = 0; i < 100 && emu.counts({ provider: "poelis", path: "/workspaces" }) < 2; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(emu.counts({ provider: "poelis", path: "/workspaces" }), 2);
  emu.reset();
});

test("MCP tool out of credits is a PaymentRequiredError, like the REST API", { timeout: 20_000 }, async () => {
  const { PaymentRequiredError } = await import("keygate");
  const poor = await startEmulator({ poesius: { credits: 0 } });
  try {
    const client = new Client({ provider: "poesius", apiKey: K.poesius.apiKey, baseUrl: poor.urls.poesius });
    const e = await client.generateSlides({ instructions: "x", template_id: "tpl_pitch" }).catch((x) => x);
    assert.ok(e instanceof PaymentRequiredError, e?.name);
    assert.equal(e.providerCode, "CREDITS_EXHAUSTED");
    const rest = await client.generateFromDoc(new Uint8Array([1, 2, 3]), { filename: "a.txt" }).catch((x) => x);
    assert.ok(rest instanceof PaymentRequiredError, rest?.name);
  } finally {
    await poor.close();
  }
});
