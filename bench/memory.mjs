// Memory figure, run in a fresh process by run.mjs (with --expose-gc):
//   node --expose-gc bench/memory.mjs <keygate|baseline> <server url> '<counts json>'
// Warms up, then runs N validateKey calls and M client requests in ten rounds (N/10 calls, then
// M/10 requests), sampling the wasm linear memory (keygate only), the process RSS and the JS heap
// after a GC at the end of each round. Prints one JSON line on stdout.
import { createRequire } from "node:module";
import { KEYS, VALIDATE_MIX } from "./corpus.mjs";

const [mode, serverUrl, countsJson] = process.argv.slice(2);
const counts = JSON.parse(countsJson);
if (typeof globalThis.gc !== "function") throw new Error("run with --expose-gc");
if (mode !== "keygate" && mode !== "baseline") throw new Error(`unknown mode ${mode}`);

let validateKey;
let request;
let memory = null;
let sameInstance = null;

if (mode === "keygate") {
  const api = await import("keygate");
  // In Node the package's ESM entry loads its CommonJS entry, whose bundled glue module is the one
  // below (same real path, so the same cached module and wasm instance): it reports the linear
  // memory of the instance keygate uses. Had it not been loaded yet, this would be another one.
  const require = createRequire(import.meta.url);
  const gluePath = require.resolve("../pkg/wasm/keygate.cjs");
  sameInstance = Object.hasOwn(require.cache, gluePath);
  const glue = require(gluePath);
  if (typeof glue.wasmMemoryBytes !== "function") throw new Error("the wasm glue has no wasmMemoryBytes export");
  memory = { bytes: () => glue.wasmMemoryBytes() };
  validateKey = api.validateKey;
  const client = new api.Client({ provider: "poelis", apiKey: KEYS.poelis, baseUrl: `${serverUrl}/v1/public`, maxRetries: 0, timeoutMs: 10_000 });
  request = async () => {
    const r = await client.request({ path: "/workspaces" });
    if (r.status !== 200 || r.data?.count !== 1) throw new Error(`unexpected response ${r.status}`);
  };
} else {
  const base = await import("./baseline.mjs");
  validateKey = base.validateKey;
  const url = `${serverUrl}/v1/public/workspaces`;
  const headers = base.buildHeaders({ provider: "poelis", apiKey: KEYS.poelis });
  request = async () => {
    const r = await fetch(url, { headers: { ...headers }, redirect: "manual" });
    const data = await r.json();
    if (r.status !== 200 || data?.count !== 1) throw new Error(`unexpected response ${r.status}`);
  };
}

const tick = () => new Promise((r) => setImmediate(r));
async function sample(label, validations, requests) {
  // Two GCs with a turn of the event loop in between, so FinalizationRegistry callbacks (which free
  // wasm-side objects) have run before reading the figures.
  globalThis.gc();
  await tick();
  globalThis.gc();
  await tick();
  const mu = process.memoryUsage();
  return { label, validations, requests, wasm: memory ? memory.bytes() : null, rss: mu.rss, heapUsed: mu.heapUsed, external: mu.external };
}

let sink = 0;
function validations(n, deadline) {
  let done = 0;
  const L = VALIDATE_MIX.length;
  while (done < n) {
    const end = Math.min(n, done + 1000);
    for (; done < end; done++) {
      const c = VALIDATE_MIX[done % L];
      sink += validateKey(c[0], c[1], c[2]).code.length;
    }
    if (performance.now() > deadline) break;
  }
  return done;
}
async function requests(n, deadline) {
  let done = 0;
  for (; done < n; done++) {
    await request();
    if (performance.now() > deadline) {
      done++;
      break;
    }
  }
  return done;
}

const t0 = performance.now();
const samples = [];
let complete = true;
let v = 0;
let r = 0;

// One round of the mixed workload: n validateKey calls, then m requests, within the deadline.
async function round(n, m, deadline) {
  const gotV = validations(n, deadline);
  const gotR = gotV === n ? await requests(m, deadline) : 0;
  v += gotV;
  r += gotR;
  return gotV === n && gotR === m;
}

// Warm-up: the same mixed work as one tenth of the measured run (JIT tiers, allocator and
// connection pool reach their steady state), then 10 measured tenths with a sample after each.
samples.push(await sample("start", 0, 0));
complete = await round(counts.warmValidate, counts.warmRequests, t0 + counts.budgetMs.warm);
samples.push(await sample("after warm-up", v, r));
const v0 = v;
const r0 = r;
const deadline = performance.now() + counts.budgetMs.run;
for (let i = 0; i < 10 && complete; i++) {
  const n = Math.round((counts.validate * (i + 1)) / 10) - (v - v0);
  const m = Math.round((counts.requests * (i + 1)) / 10) - (r - r0);
  complete = await round(n, m, deadline);
  samples.push(await sample(`${i + 1}/10`, v - v0, r - r0));
}

process.stdout.write(
  `${JSON.stringify({ mode, sameInstance, complete, validations: v - v0, requests: r - r0, elapsedMs: performance.now() - t0, sink, samples })}\n`,
);
