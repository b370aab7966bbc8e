// `make build`, last step: bundles the wasm-bindgen glue and pkg/src/core.js into one minified
// module per module system, next to the .wasm it loads:
//   pkg/wasm/keygate.js      ESM (browsers, workers, workerd, Node/Deno/Bun ESM entries)
//   pkg/wasm-cjs/keygate.js  CommonJS (the `require` entry)
// One module instead of two means one less load for the runtime at start-up, and minifying
// (names kept, so error classes and stack frames stay readable) cuts about 3 KB gzip from what a
// worker ships. Usage: node scripts/bundle.mjs <wasm-bindgen web dir> <wasm-bindgen nodejs dir>
import { build } from "esbuild";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const [web, node] = process.argv.slice(2).map((d) => resolve(ROOT, d));
if (!web || !node) {
  console.error("usage: node scripts/bundle.mjs <web glue dir> <nodejs glue dir>");
  process.exit(2);
}
const core = JSON.stringify(join(ROOT, "pkg", "src", "core.js"));
const q = (dir) => JSON.stringify(join(dir, "keygate.js"));
// KEYGATE_NO_MINIFY=1 keeps the bundle readable (for profiling and debugging).
const minify = !["1", "true"].includes(String(process.env.KEYGATE_NO_MINIFY ?? ""));
const common = { bundle: true, minify, keepNames: true, legalComments: "none", logLevel: "warning", target: "es2022" };

await build({
  ...common,
  stdin: { contents: `export * from ${q(web)};\nexport { default } from ${q(web)};\nexport { createApi } from ${core};\n`, resolveDir: ROOT, sourcefile: "keygate-esm.js" },
  format: "esm",
  platform: "neutral",
  outfile: join(ROOT, "pkg", "wasm", "keygate.js"),
});
await build({
  ...common,
  stdin: { contents: `const glue = require(${q(node)});\nconst { createApi } = require(${core});\nmodule.exports = { ...glue, createApi };\n`, resolveDir: ROOT, sourcefile: "keygate-cjs.js" },
  format: "cjs",
  platform: "node",
  outfile: join(ROOT, "pkg", "wasm-cjs", "keygate.js"),
});
