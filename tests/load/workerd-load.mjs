// Load through a workerd worker (miniflare): LOAD_N requests (default 1,000) in batches of 100,
// 20 concurrent inside the worker, faults mixed in; every answer matched by its echoed id.
import { Miniflare } from "miniflare";
import { startEmulator, DEMO_KEYS } from "keygate/emulator";
import { ROOT, workerOptions } from "../support/miniflare.mjs";

const N = Number(process.env.LOAD_N ?? 1000);
const BATCH = 100;
const emu = await startEmulator({ rateLimit: { poelis: { limit: 1_000_000, windowSec: 60 } } });
const mf = new Miniflare(
  workerOptions(`${ROOT}tests/load/worker.js`, { POELIS_API_KEY: DEMO_KEYS.poelis.apiKey, POELIS_BASE_URL: emu.urls.poelis }),
);
const t0 = Date.now();
const totals = { ok: 0, failures: 0, mismatched: 0, errors: {} };
try {
  for (let start = 0; start < N; start += BATCH) {
    const res = await mf.dispatchFetch(`http://worker/?start=${start}&n=${Math.min(BATCH, N - start)}&c=20`, { signal: AbortSignal.timeout(60_000) });
    const r = await res.json();
    totals.ok += r.ok;
    totals.failures += r.failures;
    totals.mismatched += r.mismatched;
    for (const [k, v] of Object.entries(r.errors)) totals.errors[k] = (totals.errors[k] ?? 0) + v;
  }
} finally {
  await mf.dispose();
}
const seen = new Map();
for (const e of emu.log) if (e.echo) seen.set(e.echo, (seen.get(e.echo) ?? 0) + 1);
await emu.close();
let lost = 0, duplicated = 0, retries = 0;
const expectedFailures = Math.ceil(N / 25);
for (let i = 0; i < N; i++) {
  const n = seen.get(`w-${i}`) ?? 0;
  if (n === 0) lost++;
  if (n > (i % 25 === 0 ? 3 : 1)) duplicated++;
  retries += Math.max(0, n - 1);
}
const figure = { runtime: "workerd", requests: N, elapsedMs: Date.now() - t0, ...totals, expectedFailures, lost, duplicated, retries };
console.log(`LOAD ${JSON.stringify(figure)}`);
const good = totals.ok + totals.failures === N && totals.mismatched === 0 && lost === 0 && duplicated === 0
  && totals.failures === expectedFailures && (totals.errors.ServerError ?? 0) === expectedFailures && retries === 2 * expectedFailures;
if (!good) {
  console.error("workerd load failed: every request answered once, matched by id, retries only on injected 503s");
  process.exit(1);
}
