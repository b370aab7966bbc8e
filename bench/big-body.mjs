// Wasm memory with big request bodies (issue 19 item 4), in a fresh process: keygate's wasm linear
// memory before and after POSTs of an 8 MiB `json` body and of an 8 MiB `Uint8Array` body to the
// loopback server, bounded in count and time (each kind its own count and budget). Wasm memory
// never shrinks, so every page a body adds stays.
// Usage: node bench/big-body.mjs <server url> <json requests> <Uint8Array requests> <budget ms per kind>
import { createRequire } from "node:module";
import { KEYS } from "./corpus.mjs";

const [serverUrl, jsonArg, bodyArg, budgetArg] = process.argv.slice(2);
const counts = { json: Math.max(1, Number(jsonArg) || 10), body: Math.max(1, Number(bodyArg) || 10) };
const budgetMs = Math.max(1000, Number(budgetArg) || 30_000);
const api = await import("keygate");
const require = createRequire(import.meta.url);
const gluePath = require.resolve("../pkg/wasm/keygate.cjs");
const sameInstance = Object.hasOwn(require.cache, gluePath);
const glue = require(gluePath);
const client = new api.Client({ provider: "poelis", apiKey: KEYS.poelis, baseUrl: `${serverUrl}/v1/public`, maxRetries: 0, timeoutMs: 30_000 });
const SIZE = 8 * 1024 * 1024;
const json = { data: "x".repeat(SIZE - 11) }; // serialises to exactly 8 MiB
const raw = new Uint8Array(SIZE).fill(120);
// The Uint8Array first, so each kind starts from the small-request baseline.
const kinds = { body: { body: raw, headers: { "content-type": "application/octet-stream" } }, json: { json } };

// One small request first, so the instance's baseline includes a request's ordinary working set.
await client.request({ method: "POST", path: "/sink", json: { small: true } });
const out = { sameInstance, start: glue.wasmMemoryBytes(), kinds: {} };
for (const [kind, extra] of Object.entries(kinds)) {
  const n = counts[kind];
  const deadline = performance.now() + budgetMs;
  const before = glue.wasmMemoryBytes();
  let done = 0;
  for (; done < n && performance.now() < deadline; done++) {
    const r = await client.request({ method: "POST", path: "/sink", ...extra });
    if (r.status !== 200 || r.data?.bytes !== SIZE) throw new Error(`sink answered ${r.status} ${JSON.stringify(r.data)}`);
  }
  out.kinds[kind] = { requests: done, asked: n, before, after: glue.wasmMemoryBytes() };
}
out.end = glue.wasmMemoryBytes();
process.stdout.write(`${JSON.stringify(out)}\n`);
