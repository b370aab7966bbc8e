// Fault matrix: every fault the emulator injects, against every provider's helpers: the expected
// error class, the right number of attempts, no unhandled rejection, no hang. The FAULTS and HELPERS
// tables and the per-cell checks are shared with the contract suite's "faultgrid" group (every
// runtime): tests/contract/faultgrid.js. Here the emulator runs in-process.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as k from "keygate";
import { Client } from "keygate";
import { startEmulator, DEMO_KEYS as K } from "keygate/emulator";
import { planGrid, runFaultCell } from "../contract/faultgrid.js";
import { FAULTGRID_CONFIG } from "../contract/harness.js";

let emu;
const unhandled = [];
const onUnhandled = (e) => unhandled.push(e);
before(async () => {
  process.on("unhandledRejection", onUnhandled);
  emu = await startEmulator(FAULTGRID_CONFIG);
});
after(async () => {
  await emu.close();
  process.off("unhandledRejection", onUnhandled);
});

/** Requests each scenario key saw, as counted by its cells: `JSON(match) -> {match, attempts}`. */
const seen = new Map();

function env() {
  return {
    k,
    D: K,
    urls: emu.urls,
    assert,
    opaqueRedirects: false,
    scenario: async (s) => emu.addScenario(s),
    counts: async (filter) => emu.counts(filter),
    onAttempts(match, attempts) {
      const key = JSON.stringify(match);
      const s = seen.get(key) ?? { match, attempts: 0 };
      s.attempts += attempts;
      seen.set(key, s);
    },
  };
}

test("fault matrix: every fault × every provider's helpers", { timeout: 180_000, concurrency: true }, async (t) => {
  // One subtest per lane (helpers sharing provider + method + path), lanes concurrently; the
  // cells of a lane one after another, each its own subtest (skipped ones with their reason).
  const lanes = new Map();
  for (const cell of planGrid()) {
    if (!lanes.has(cell.lane)) lanes.set(cell.lane, []);
    lanes.get(cell.lane).push(cell);
  }
  await Promise.all(
    [...lanes].map(([lane, cells]) =>
      t.test(lane, async (tl) => {
        for (const { fault, helper, skip } of cells) {
          const name = `${helper.name} × ${fault.spec}`;
          if (skip) await tl.test(name, { skip }, () => {});
          else await tl.test(name, () => runFaultCell(env(), fault, helper));
        }
      }),
    ),
  );
});

test("after the matrix: every scenario fault consumed, no late request, nothing reached the cross-origin trap, no unhandled rejection", async () => {
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(emu.pendingScenarios().filter((s) => s.faults.length > 0), []);
  assert.ok(seen.size > 0);
  for (const { match, attempts } of seen.values()) assert.equal(emu.counts(match), attempts, JSON.stringify(match));
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
