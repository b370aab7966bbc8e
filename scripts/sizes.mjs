// Prints the raw and gzip sizes of what a worker ships: the optimised .wasm plus the JS glue.
import { readFileSync, statSync } from "node:fs";
import { gzipSync } from "node:zlib";

// pkg/wasm/keygate.js is the wasm-bindgen glue and pkg/src/core.js, bundled and minified.
const files = ["pkg/wasm/keygate_bg.wasm", "pkg/wasm/keygate.js", "pkg/src/workerd.js"];
let raw = 0;
let gz = 0;
for (const f of files) {
  const bytes = readFileSync(f);
  const g = gzipSync(bytes, { level: 9 }).length;
  raw += statSync(f).size;
  gz += g;
  console.log(`${f.padEnd(28)} ${String(bytes.length).padStart(8)} B raw ${String(g).padStart(8)} B gzip`);
}
console.log(`${"total shipped to a worker".padEnd(28)} ${String(raw).padStart(8)} B raw ${String(gz).padStart(8)} B gzip (${(gz / 1024).toFixed(1)} KiB)`);
