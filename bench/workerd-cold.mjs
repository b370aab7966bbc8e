// Cold start in workerd (miniflare), for `make bench`: a Worker that imports keygate and answers its
// first request with one validateKey, against the same Worker without keygate (it answers a
// constant). Each run is a fresh Miniflare (a fresh workerd process); the sides alternate. Timed
// from outside, because a Worker's clock does not advance while it runs:
//   startMs     new Miniflare() until `ready` (workerd spawned, the Worker's modules compiled and
//               evaluated: keygate's wasm is instantiated here, at module load)
//   firstMs     dispatchFetch of the first request until its body is read
//   totalMs     the two together
// Usage: node bench/workerd-cold.mjs <runs per side> <budget ms>; prints one JSON line.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const runs = Math.max(1, Number(process.argv[2]) || 10);
const budgetMs = Math.max(1000, Number(process.argv[3]) || 60_000);
const KEY = process.env.BENCH_POELIS_KEY ?? "";

const file = (p) => join(ROOT, p);
// The Worker imports the package's workerd entry (what wrangler resolves "keygate" to with its
// conditions); miniflare is given the package's own files unchanged, the .wasm as a compiled module.
const withKeygate = [
  {
    type: "ESModule",
    path: file("bench/_worker-keygate.mjs"),
    contents: `import { validateKey } from "../pkg/src/workerd.js";\nexport default { fetch(req, env) { return new Response(validateKey("poelis", env.KEY).code); } };\n`,
  },
  { type: "ESModule", path: file("pkg/src/workerd.js"), contents: readFileSync(file("pkg/src/workerd.js"), "utf8") },
  { type: "ESModule", path: file("pkg/wasm/keygate.js"), contents: readFileSync(file("pkg/wasm/keygate.js"), "utf8") },
  { type: "CompiledWasm", path: file("pkg/wasm/keygate_bg.wasm"), contents: readFileSync(file("pkg/wasm/keygate_bg.wasm")) },
];
const without = [
  {
    type: "ESModule",
    path: file("bench/_worker-bare.mjs"),
    contents: `export default { fetch(req, env) { return new Response(env.KEY.length > 0 ? "ok" : "empty"); } };\n`,
  },
];
const sides = { keygate: withKeygate, bare: without };

async function once(name) {
  const t0 = performance.now();
  const mf = new Miniflare({ modules: sides[name], modulesRoot: ROOT, compatibilityDate: "2025-01-01", bindings: { KEY } });
  try {
    await mf.ready;
    const t1 = performance.now();
    const res = await mf.dispatchFetch("http://localhost/");
    const body = await res.text();
    const t2 = performance.now();
    if (res.status !== 200 || body !== "ok") throw new Error(`${name} worker answered ${res.status} ${body}`);
    return { startMs: t1 - t0, firstMs: t2 - t1, totalMs: t2 - t0 };
  } finally {
    await mf.dispose();
  }
}

const out = { keygate: [], bare: [] };
// One discarded pair first (the workerd binary and miniflare's own modules warm the page cache).
await once("keygate");
await once("bare");
const deadline = performance.now() + budgetMs;
for (let i = 0; i < runs && performance.now() < deadline; i++) {
  for (const name of i % 2 ? ["bare", "keygate"] : ["keygate", "bare"]) out[name].push(await once(name));
}
process.stdout.write(`${JSON.stringify(out)}\n`);
