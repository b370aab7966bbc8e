// The contract suite in Node through CommonJS: `require("keygate")` (the exports map's
// node/require condition: pkg/src/node.cjs, which carries the wasm inside wasm/keygate.cjs). The cases and the
// emulator are ES modules, loaded with import().
//   node tests/runtimes/node.cjs [--only=regex] [--groups=a,b] [--quiet]
"use strict";
const k = require("keygate");
const kv = require("keygate/validate");
const kp = require("keygate/pace");

const RUNTIME = "node-cjs";
const LIMIT_MS = 150_000;
setTimeout(() => {
  console.error(`[${RUNTIME}] gave up after ${LIMIT_MS} ms`);
  process.exit(3);
}, LIMIT_MS).unref();

// Every unhandled rejection, for the faultgrid group's check (with a listener, Node does not crash).
const unhandled = [];
process.on("unhandledRejection", (reason) => unhandled.push(reason));

async function main() {
  const { startEmulator, DEMO_KEYS } = await import("keygate/emulator");
  const { cases } = await import("../contract/cases.js");
  const h = await import("../contract/harness.js");
  const { parseRunnerArgs, caseLogger } = await import("./args.js");
  const { runWithValidateEntry } = await import("./validate-entry.js");
  const args = parseRunnerArgs(process.argv.slice(2));
  if (typeof k.Client !== "function" || k.Client.name !== "Client") throw new Error("require(\"keygate\") gave no Client");
  const emu = await startEmulator(h.EMULATOR_CONFIG);
  const strict = await startEmulator(h.STRICT_CORS_CONFIG);
  const grid = await startEmulator(h.FAULTGRID_CONFIG);
  try {
    Object.assign(process.env, h.envVars(emu.urls, DEMO_KEYS));
    const ctx = h.makeContext({
      k, kp, runtime: RUNTIME, DEMO_KEYS, env: process.env,
      emulator: h.describeEmulator(emu), strict: h.describeEmulator(strict), grid: h.describeEmulator(grid), unhandled,
    });
    const result = await runWithValidateEntry(h.runCases, cases, ctx, kv, { only: args.only, groups: args.groups, log: caseLogger(RUNTIME, args.quiet, console.error) });
    console.log(h.matrixLine(RUNTIME, result, { entry: require.resolve("keygate") }));
    process.exitCode = result.failures.length ? 1 : 0;
  } finally {
    await Promise.all([emu.close(), strict.close(), grid.close()]);
  }
}

main().catch((e) => {
  console.error(`[${RUNTIME}] runner crashed: ${e && e.stack ? e.stack : e}`);
  process.exitCode = 2;
});
