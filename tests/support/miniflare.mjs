// Miniflare options for running one of our workers the way wrangler would: ES modules for the
// JS (wasm-bindgen's glue included), the .wasm as a compiled module, no Request.cf fetch.
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export function workerOptions(scriptPath, bindings) {
  return {
    modules: true,
    scriptPath,
    modulesRoot: ROOT,
    modulesRules: [
      { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    compatibilityDate: "2024-09-23",
    bindings,
  };
}
