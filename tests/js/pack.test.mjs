// `npm pack --dry-run` lists only the intended files (entries, types, one wasm, emulator, CLI,
// README, LICENSE), and package.json carries what the npm page and registry tools read.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const cwd = fileURLToPath(new URL("../../pkg/", import.meta.url));
// One `npm pack --dry-run` for the tests that read the file list.
let listing;
const packed = () => (listing ??= JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd, encoding: "utf8" }))[0]);

test("npm pack ships exactly the intended files", { timeout: 60_000 }, () => {
  const files = packed().files.map((f) => f.path).sort();
  for (const must of ["package.json", "README.md", "LICENSE", "index.d.ts", "index.d.cts", "providers.d.ts", "providers.d.cts", "src/node.js", "src/node.cjs",
    "src/browser.js", "src/inline.js", "src/edge.js", "src/workerd.js", "wasm/keygate.js", "wasm/keygate.cjs",
    "wasm/inline.js", "wasm/keygate_bg.wasm", "validate.d.ts", "validate.d.cts", "validate/package.json", "src/validate.js", "src/validate.cjs", "src/validate-node.js", "src/validate-workerd.js", "src/validate-edge.js", "wasm/validate.js", "wasm/validate.cjs", "wasm/validate-glue.js", "wasm/validate_bg.wasm", "bin/keygate.js", "bin/providers.js", "emulator/index.js", "emulator/index.cjs", "emulator/index.d.ts", "emulator/index.d.cts", "emulator/providers.d.ts", "emulator/providers.d.cts", "emulator/cli.js", "cloudflare.d.ts", "src/cloudflare.js", "src/pace-hook.js", "pace.d.ts", "pace.d.cts", "pace/package.json", "src/pace.js", "src/pace.cjs", "src/pace-node.js", "src/pace-workerd.js", "src/pace-edge.js", "wasm/pace.js", "wasm/pace.cjs", "wasm/pace-glue.js", "wasm/pace_bg.wasm"]) {
    assert.ok(files.includes(must), `missing ${must}`);
  }
  const allowed = /^(package\.json|README\.md|LICENSE|(index|providers|validate|pace)\.d\.c?ts|cloudflare\.d\.ts|src\/(cloudflare\.js|pace-hook\.js|pace\.js|pace\.cjs|pace-node\.js|pace-workerd\.js|pace-edge\.js|node\.js|node\.cjs|browser\.js|inline\.js|edge\.js|workerd\.js|validate\.js|validate\.cjs|validate-node\.js|validate-workerd\.js|validate-edge\.js)|wasm\/(keygate\.js|keygate\.cjs|inline\.js|keygate_bg\.wasm|validate\.js|validate\.cjs|validate-glue\.js|validate_bg\.wasm|pace\.js|pace\.cjs|pace-glue\.js|pace_bg\.wasm)|(inline|validate|pace)\/package\.json|bin\/(keygate|providers)\.js|emulator\/.+\.(js|cjs|d\.c?ts|json|md))$/;
  for (const f of files) assert.match(f, allowed, `unexpected file in the package: ${f}`);
  assert.ok(!files.some((f) => f.includes("test")), "no tests in the package");
  assert.deepEqual(files.filter((f) => f.endsWith(".wasm")), ["wasm/keygate_bg.wasm", "wasm/pace_bg.wasm", "wasm/validate_bg.wasm"], "one copy of each wasm (the full one, keygate/pace's and keygate/validate's)");
});

test("package.json has the metadata npm shows and the entries point at shipped files", { timeout: 60_000 }, () => {
  const pkg = JSON.parse(readFileSync(new URL("package.json", `file://${cwd}`), "utf8"));
  assert.equal(pkg.license, "MIT");
  assert.match(readFileSync(new URL("LICENSE", `file://${cwd}`), "utf8"), /^MIT License/);
  assert.match(pkg.repository?.url ?? "", /^git\+https:\/\//);
  assert.match(pkg.homepage ?? "", /^https:\/\//);
  assert.match(pkg.bugs?.url ?? "", /^https:\/\//);
  assert.ok(Array.isArray(pkg.keywords) && pkg.keywords.length >= 5);
  const readme = readFileSync(new URL("README.md", `file://${cwd}`), "utf8");
  for (const word of ["npm install keygate", "keygate/inline", "Next.js", "Vite", "Cloudflare", "Deno", "Bun"]) {
    assert.ok(readme.includes(word), `pkg/README.md mentions ${word}`);
  }
  const files = new Set(packed().files.map((f) => f.path));
  const targets = [];
  const walk = (v) => (typeof v === "string" ? targets.push(v) : Object.values(v).forEach(walk));
  walk(pkg.exports);
  for (const t of [...targets, pkg.main, pkg.module, pkg.types]) assert.ok(files.has(t.replace(/^\.\//, "")), `${t} is in the tarball`);
});

test("npm publish --dry-run has nothing to correct", { timeout: 120_000 }, () => {
  const r = spawnSync("npm", ["publish", "--dry-run", "--ignore-scripts"], { cwd, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const warnings = r.stderr.split("\n").filter((l) => /npm warn/i.test(l) && !/requires you to be logged in/.test(l));
  assert.deepEqual(warnings, []);
});
