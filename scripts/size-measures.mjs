// The shipped-size measures, shared by scripts/sizes.mjs (the build's ceilings) and bench/run.mjs
// (the bench table), so both count the same bytes the same way (gzip -9 of each file).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;

/** What a worker ships: the optimised .wasm, the bundled glue + core.js, the workerd entry, each gzipped. */
export const WORKER_FILES = ["pkg/wasm/keygate_bg.wasm", "pkg/wasm/keygate.js", "pkg/src/workerd.js"];

export function workerBundle(root) {
  const files = WORKER_FILES.map((file) => {
    const bytes = readFileSync(join(root, file));
    return { file, raw: bytes.length, gzip: gz(bytes) };
  });
  return { files, raw: files.reduce((a, f) => a + f.raw, 0), gzip: files.reduce((a, f) => a + f.gzip, 0) };
}

/** `keygate/validate` as a browser bundle ships it: its entry and pkg/wasm/validate.js (glue, JS
 * layer, provider list and the deflated wasm in base64) as one gzip stream; and its wasm alone. */
export const VALIDATE_FILES = ["pkg/src/validate.js", "pkg/wasm/validate.js"];

export function validateBundle(root) {
  return {
    gzip: gz(Buffer.concat(VALIDATE_FILES.map((f) => readFileSync(join(root, f))))),
    wasmGzip: gz(readFileSync(join(root, "pkg/wasm/validate_bg.wasm"))),
  };
}

/** The issue 19 goals for both, in bytes of gzip. */
export const SIZE_GOALS = { worker: 40 * 1024, validate: 16 * 1024 };
