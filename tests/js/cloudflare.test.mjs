// keygate/cloudflare (issue 18): 4 worker isolates (miniflare) sending concurrently through one
// KeygatePacer Durable Object against the emulator at 3x its limit (windows shortened): no 429,
// none lost, none duplicated, throughput near the limit. The reduced run of tests/load/pace-load.mjs.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startEmulator, DEMO_KEYS as K } from "keygate/emulator";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { ROOT, workerOptions } from "../support/miniflare.mjs";
import { startFleet, runFleet, tally } from "../load/pace-fleet.mjs";

let emu, mf;
before(async () => {
  emu = await startEmulator({ rateLimit: { poelis: { limit: 60, windowSec: 3, burst: 10 }, postiz: { limit: 10, windowSec: 1 } } });
  mf = startFleet(emu, K);
  await mf.ready;
});
after(async () => {
  await mf?.dispose();
  await emu?.close();
});

test("Postiz post creation from 4 isolates through one Durable Object: 0 429s, 0 lost, 0 duplicated", { timeout: 60_000 }, async () => {
  emu.reset();
  const n = 40; // 4 windows of 10, asked for by 4 x 3 loops at once (12 in flight for a limit of 10 a second)
  const r = await runFleet(mf, { provider: "postiz", prefix: "cz", n, c: 3, limit: 10, windowMs: 1000 });
  const { lost, duplicated } = tally(emu, "cz", n);
  const ratio = (n - 10) / (((r.last - r.first) / 1000) * 10);
  console.log(`cloudflare postiz: ${JSON.stringify({ ...r, lost, duplicated, refused: emu.stats().refused.postiz, ratio: ratio.toFixed(3) })}`);
  assert.deepEqual(r.errors, {});
  assert.equal(r.rateLimited, 0);
  assert.equal(emu.stats().refused.postiz, 0);
  assert.equal(r.ok, n);
  assert.deepEqual({ lost, duplicated }, { lost: 0, duplicated: 0 });
  assert.ok(ratio <= 1.05, `never faster than the limit: ${ratio}`);
});

test("Poelis from 4 isolates: 0 429s, 0 lost, 0 duplicated", { timeout: 60_000 }, async () => {
  emu.reset();
  const n = 30;
  const r = await runFleet(mf, { provider: "poelis", prefix: "cp", n, c: 3, limit: 60, windowMs: 3000, burst: 10 });
  const { lost, duplicated } = tally(emu, "cp", n);
  console.log(`cloudflare poelis: ${JSON.stringify({ ...r, lost, duplicated, refused: emu.stats().refused.poelis })}`);
  assert.deepEqual(r.errors, {});
  assert.equal(emu.stats().refused.poelis, 0);
  assert.equal(r.ok, n);
  assert.deepEqual({ lost, duplicated }, { lost: 0, duplicated: 0 });
});

test("the bucket survives the object: a new workerd process over the same storage keeps the queue", { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "keygate-pace-do-"));
  const start = () => new Miniflare({ ...workerOptions(`${ROOT}tests/load/pace-worker.js`, {}), durableObjects: { KEYGATE_PACER: "KeygatePacer" }, durableObjectsPersist: dir });
  const acquire = async (m) => (await m.dispatchFetch("http://w/acquire?scope=persist&limit=1&windowMs=600000")).json();
  try {
    let m = start();
    assert.deepEqual(await acquire(m), { go: 1 });
    const wait = await acquire(m);
    assert.equal(wait.ticket, 1);
    assert.ok(wait.wait > 500_000, "one a 10-minute window: the second waits");
    await m.dispose();
    // A fresh process: only state.storage is left of the object.
    m = start();
    try {
      const again = await acquire(m);
      assert.equal(again.go, undefined, "the grant made before the restart still counts");
      assert.equal(again.ticket, 2, "the queue kept its first ticket");
    } finally {
      await m.dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
