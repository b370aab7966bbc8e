// `npm pack --dry-run` lists only the intended files: entries, types, the built wasm, emulator, CLI.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

test("npm pack ships exactly the intended files", { timeout: 60_000 }, () => {
  const cwd = fileURLToPath(new URL("../../pkg/", import.meta.url));
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd, encoding: "utf8" });
  const files = JSON.parse(out)[0].files.map((f) => f.path).sort();
  for (const must of ["package.json", "index.d.ts", "src/node.js", "src/node.cjs", "src/browser.js",
    "src/workerd.js", "wasm/keygate.js", "wasm/keygate_bg.wasm", "wasm-cjs/keygate.js", "wasm-cjs/keygate_bg.wasm",
    "wasm-cjs/package.json", "bin/keygate.js", "emulator/index.js", "emulator/index.d.ts", "emulator/cli.js"]) {
    assert.ok(files.includes(must), `missing ${must}`);
  }
  const allowed = /^(package\.json|README\.md|index\.d\.ts|src\/(node\.js|node\.cjs|browser\.js|workerd\.js)|wasm\/keygate(\.js|_bg\.wasm)|wasm-cjs\/(keygate\.js|keygate_bg\.wasm|package\.json)|bin\/keygate\.js|emulator\/.+\.(js|d\.ts|json|md))$/;
  for (const f of files) assert.match(f, allowed, `unexpected file in the package: ${f}`);
  assert.ok(!files.some((f) => f.includes("test")), "no tests in the package");
});
