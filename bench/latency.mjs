// A smaller latency run than `make bench` (issue 19, the wasm boundary's work): client.request GET
// vs ky and ofetch against the loopback server (bench/server.mjs, its own process), interleaved,
// each with 2 retries and a 10 s timeout, as bench/run.mjs runs them; then the same keygate request
// against an in-process fetch stand-in (no network), which isolates keygate's own per-request work
// (JS driver + wasm boundary + core) from the network's noise.
//
//   node bench/latency.mjs [pairs]     (default 3000 pairs; bounded by count and by 60 s)
//   KEYGATE_ENTRY=/work/main/pkg/src/node.js node bench/latency.mjs   (another build, same runs)
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { KEYS } from "./corpus.mjs";
import { peerSides } from "./peer-sides.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const PAIRS = Math.min(Number(process.argv[2]) || 3000, 20_000);
const WARM = 300;
const BUDGET_MS = 60_000;
const STUB_CALLS = 20_000;

function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

function startServer() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, "bench", "server.mjs")], {
      env: { ...process.env, BENCH_SERVER_MAX_MS: "180000" },
      stdio: ["pipe", "pipe", "inherit"],
    });
    let buf = "";
    child.on("error", reject);
    child.stdout.on("data", (d) => {
      buf += d;
      const nl = buf.indexOf("\n");
      if (nl < 0) return;
      const { port } = JSON.parse(buf.slice(0, nl));
      resolve({ url: `http://127.0.0.1:${port}`, stop: () => child.stdin.end() });
    });
  });
}

// KEYGATE_ENTRY=/path/to/pkg/src/node.js measures another build (e.g. the main checkout) the same way.
const api = await import(process.env.KEYGATE_ENTRY ?? "keygate");
const server = await startServer();
try {
  const peer = peerSides(api, server.url, (ok, message) => {
    if (!ok) throw new Error(message);
  });
  const sides = { keygate: peer.keygate, ky: peer.ky, ofetch: peer.ofetch };
  const names = Object.keys(sides);
  const times = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 0; i < WARM; i++) for (const n of names) await sides[n]();
  const deadline = performance.now() + BUDGET_MS;
  for (let i = 0; i < PAIRS && performance.now() < deadline; i++) {
    for (let j = 0; j < names.length; j++) {
      const n = names[(i + j) % names.length];
      const t = performance.now();
      await sides[n]();
      times[n].push(performance.now() - t);
    }
  }
  const st = Object.fromEntries(names.map((n) => [n, { p50: percentile(times[n], 50), p99: percentile(times[n], 99) }]));
  const us = (x) => `${(x * 1000).toFixed(0)} µs`;
  console.log(`loopback GET, ${times.keygate.length} interleaved rounds`);
  for (const n of names) console.log(`  ${n.padEnd(8)} p50 ${us(st[n].p50)}  p99 ${us(st[n].p99)}`);
  for (const peer of ["ky", "ofetch"]) {
    console.log(`  keygate/${peer}: p50 ${(st.keygate.p50 / st[peer].p50).toFixed(3)}x  p99 ${(st.keygate.p99 / st[peer].p99).toFixed(3)}x`);
  }

  // keygate's own work per request: a fetch stand-in answering at once (a real Response).
  const body = JSON.stringify({ items: [{ id: "ws_1", name: "Bench" }], count: 1 });
  const stub = async () => new Response(body, { status: 200, headers: { "content-type": "application/json", "x-request-id": "req_bench" } });
  const local = new api.Client({ provider: "poelis", apiKey: KEYS.poelis, baseUrl: "http://127.0.0.1:9/v1/public", maxRetries: 2, timeoutMs: 10_000, fetch: stub });
  const bare = async () => {
    const r = await stub();
    const data = JSON.parse(new TextDecoder().decode(new Uint8Array(await r.arrayBuffer())));
    if (data.count !== 1) throw new Error("stub answered wrongly");
  };
  const one = async () => {
    const r = await local.request({ path: "/workspaces" });
    if (r.data?.count !== 1) throw new Error("keygate answered wrongly");
  };
  const lt = [], bt = [];
  for (let i = 0; i < 2000; i++) {
    await one();
    await bare();
  }
  const d2 = performance.now() + 20_000;
  for (let i = 0; i < STUB_CALLS && performance.now() < d2; i++) {
    let t = performance.now();
    await one();
    lt.push(performance.now() - t);
    t = performance.now();
    await bare();
    bt.push(performance.now() - t);
  }
  console.log(`in-process stand-in fetch, ${lt.length} rounds: keygate p50 ${us(percentile(lt, 50))} p99 ${us(percentile(lt, 99))}; the stand-in alone + decode p50 ${us(percentile(bt, 50))} p99 ${us(percentile(bt, 99))}; keygate's own p50 ≈ ${us(percentile(lt, 50) - percentile(bt, 50))}`);
} finally {
  server.stop();
}
