// Load: N requests at C concurrent from Node through keygate against the emulator, faults mixed in.
// Every response is matched to its request by an echoed id; none may be lost or duplicated beyond
// the allowed retries. Loopback only; bounded in count and time. LOAD_N / LOAD_C override the size.
import { setMaxListeners } from "node:events";
import { Client, ServerError, TimeoutError } from "keygate";
import { startEmulator, DEMO_KEYS } from "keygate/emulator";

const N = Number(process.env.LOAD_N ?? 10_000);
const C = Number(process.env.LOAD_C ?? 100);
const DEADLINE_MS = Number(process.env.LOAD_DEADLINE_MS ?? 120_000);
const emu = await startEmulator({ rateLimit: { poelis: { limit: 1_000_000, windowSec: 60 } } });
const client = new Client({ provider: "poelis", apiKey: DEMO_KEYS.poelis.apiKey, baseUrl: emu.urls.poelis, maxRetries: 2, timeoutMs: 5000 });

/** Every 25th request fails for good with 503 (3 attempts), every 40th is slowed by 20 ms. */
function faultFor(i) {
  if (i % 25 === 0) return "503";
  if (i % 40 === 0) return "delay:20";
  return undefined;
}

const latencies = [];
const outcomes = new Map();
let failures = 0;
let mismatched = 0;
const started = Date.now();
const rssBefore = process.memoryUsage().rss;
let next = 0;
const deadline = AbortSignal.timeout(DEADLINE_MS);
setMaxListeners(C + 10, deadline); // every in-flight request listens to the shared deadline

async function worker() {
  while (next < N && !deadline.aborted) {
    const i = next++;
    const id = `req-${i}`;
    const headers = { "X-Keygate-Echo": id };
    const fault = faultFor(i);
    if (fault) headers["X-Keygate-Fault"] = fault;
    const t0 = performance.now();
    try {
      const res = await client.request({ path: "/workspaces", headers, signal: deadline });
      if (res.headers["x-keygate-echo"] !== id) mismatched++;
      outcomes.set(id, "ok");
    } catch (e) {
      failures++;
      outcomes.set(id, e.name);
      if (!(e instanceof ServerError && fault === "503") && !(e instanceof TimeoutError)) {
        console.error(`unexpected ${e.name} for ${id}: ${e.message}`);
      }
    }
    latencies.push(performance.now() - t0);
  }
}

await Promise.all(Array.from({ length: C }, worker));
const elapsed = Date.now() - started;
globalThis.gc?.();
const rssAfter = process.memoryUsage().rss;

// Match the emulator's view with ours: each id seen once, or 1 + maxRetries times for 503s.
const seen = new Map();
for (const entry of emu.log) if (entry.echo) seen.set(entry.echo, (seen.get(entry.echo) ?? 0) + 1);
let lost = 0;
let duplicated = 0;
let retries = 0;
for (let i = 0; i < N; i++) {
  const id = `req-${i}`;
  const n = seen.get(id) ?? 0;
  const allowed = faultFor(i) === "503" ? 3 : 1;
  if (!outcomes.has(id) || n === 0) lost++;
  if (n > allowed) duplicated++;
  retries += Math.max(0, n - 1);
}
await emu.close();

latencies.sort((a, b) => a - b);
const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]?.toFixed(1);
const expectedFailures = Array.from({ length: N }, (_, i) => faultFor(i) === "503").filter(Boolean).length;
const figure = {
  requests: N, concurrency: C, elapsedMs: elapsed, failures, expectedFailures, retries, lost, duplicated, mismatched,
  p50Ms: Number(pct(50)), p99Ms: Number(pct(99)), rssBeforeMB: +(rssBefore / 2 ** 20).toFixed(1), rssAfterMB: +(rssAfter / 2 ** 20).toFixed(1),
};
console.log(`LOAD ${JSON.stringify(figure)}`);
const ok = outcomes.size === N && lost === 0 && duplicated === 0 && mismatched === 0 && failures === expectedFailures && retries === 2 * expectedFailures;
if (!ok) {
  console.error("load test failed: every request must be answered once, matched by id, with retries only on injected 503s");
  process.exit(1);
}
