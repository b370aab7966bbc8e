// The official Python SDK poelis-sdk (pinned in mk/official.mk) against the emulator: its whole
// read/write call set, then its error paths, each raising the SDK's own exception class.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startEmulator, DEMO_KEYS as K } from "../../pkg/emulator/index.js";
import { requiredPath, run } from "./support.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const PY = requiredPath("OFFICIAL_PYTHON");
const T = { timeout: 60000 };
let emu;
before(async () => {
  emu = await startEmulator({}, { port: 0 });
});
after(() => emu.close());

async function sdk(mode, key = K.poelis.apiKey) {
  const r = await run(PY, [join(here, "poelis_sdk_calls.py"), mode], {
    env: { POELIS_BASE_URL: emu.urls.poelisRoot, POELIS_API_KEY: key, HOME: join(here, "..", "..", "target") },
  });
  assert.equal(r.code, 0, `poelis-sdk ${mode} exited ${r.code}: ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout.trim().split("\n").at(-1));
}

test("the whole call set runs over POST /v1/graphql with no failure", T, async () => {
  emu.reset();
  const out = await sdk("calls");
  const got = Object.fromEntries(out.ok.map((s) => [s.call, s.value]));
  assert.deepEqual(got, {
    "workspaces.list": ["ws_1", "ws_2"],
    "workspaces.get": "Main",
    "products.list_by_workspace": ["prod_1"],
    "products.iter_all": ["prod_1", "prod_2"],
    "products.list_product_versions": [1],
    "products.set_product_baseline_version": 1,
    "items.list_by_product": ["item_1", "item_2"],
    "items.list_by_product(root_only)": ["item_1"],
    "items.get": "Battery",
    "items.iter_all_by_product": ["item_1", "item_2"],
    "versions.list_items": ["item_1", "item_2"],
    "search.products": ["prod_1"],
    "search.items": ["item_2"],
    "search.properties": 1,
    "properties.update_numeric_property": 2.5,
    "properties.update_text_property": "NiMH",
  });
  const paths = new Set(emu.log.map((e) => `${e.method} ${e.url}`));
  assert.deepEqual([...paths], ["POST /poelis/v1/graphql"], "every call is one GraphQL POST");
  // ~20 requests in a row run past Poelis's burst of 10: the SDK waits each Retry-After (1 s) and
  // goes on, so a 429 here is the documented limit at work, never a failed call.
  assert.ok(emu.log.every((e) => e.status === 200 || e.status === 429));
  assert.equal(emu.counts({ provider: "poelis", status: 429 }), emu.stats().refused.poelis);
  // 16 calls; iter_all lists workspaces then pages each one, iter_all_by_product pages to an empty page
  assert.equal(emu.counts({ provider: "poelis", status: 200 }), 22);
});

test("a bad key and a revoked key raise UnauthorizedError", T, async () => {
  for (const key of ["poelis_api_notARealKeyAAAAAAAAAAAAAAAAAAAAAAAA", K.poelis.revokedKey]) {
    const out = await sdk(key === K.poelis.revokedKey ? "revoked-key" : "bad-key", key);
    assert.deepEqual([out.error, out.status, out.message], ["UnauthorizedError", 401, "Invalid or missing API key"]);
  }
});

test("429 then success: the SDK waits Retry-After and gets its answer", T, async () => {
  emu.reset();
  emu.addScenario({ match: { provider: "poelis", method: "POST" }, faults: ["429:1"] });
  const out = await sdk("rate-limited");
  assert.deepEqual(out.ok, ["ws_1", "ws_2"]);
  assert.ok(out.waited >= 0.9, `waited ${out.waited} s`);
  assert.deepEqual(emu.log.map((e) => e.status), [429, 200]);
});

test("429 on every attempt: after its three attempts the SDK raises RateLimitError with retry_after_seconds", T, async () => {
  emu.reset();
  emu.addScenario({ match: { provider: "poelis", method: "POST" }, faults: ["429:1", "429:1", "429:1"] });
  const out = await sdk("rate-limit-exhausted");
  assert.deepEqual([out.error, out.status, out.retry_after], ["RateLimitError", 429, 1]);
  assert.equal(emu.counts({ provider: "poelis", status: 429 }), 3);
});

test("the emulator's own limit refuses with the headers the SDK reads (Retry-After)", T, async () => {
  const e = await startEmulator({ rateLimit: { poelis: { limit: 60, windowSec: 60, burst: 2 } } });
  try {
    const r = await run(PY, [join(here, "poelis_sdk_calls.py"), "rate-limited"], {
      env: { POELIS_BASE_URL: e.urls.poelisRoot, POELIS_API_KEY: K.poelis.apiKey, HOME: join(here, "..", "..", "target") },
    });
    assert.equal(r.code, 0, r.stderr.slice(-1000));
    // burst 2 leaves the third call of a row to wait one token (1 s): do three calls
    const three = await run(PY, ["-c", "import os; from poelis_sdk import PoelisClient as P; c = P.from_env(); c.enable_change_detection = False; [c.workspaces.list() for _ in range(3)]; print('ok')"], {
      env: { POELIS_BASE_URL: e.urls.poelisRoot, POELIS_API_KEY: K.poelis.apiKey, HOME: join(here, "..", "..", "target") },
    });
    assert.equal(three.stdout.trim(), "ok", three.stderr.slice(-1000));
    assert.ok(e.stats().refused.poelis >= 1, "the emulator refused and counted at least one");
    assert.equal(e.counts({ provider: "poelis", status: 200 }), 4);
  } finally {
    await e.close();
  }
});

test("a GraphQL not_found error raises NotFoundError", T, async () => {
  const out = await sdk("not-found");
  assert.deepEqual([out.error, out.status], ["NotFoundError", 404]);
  assert.match(out.message, /not found/);
});
