// The contract suite in Node, as an ES module user imports keygate: `import * as k from "keygate"`
// (the exports map's node/import condition: pkg/src/node.js). The emulator runs in-process.
//   node tests/runtimes/node.mjs [--only=regex] [--groups=a,b] [--quiet]
import * as k from "keygate";
import * as kv from "keygate/validate";
import * as kp from "keygate/pace";
import { runWithValidateEntry } from "./validate-entry.js";
import { startEmulator, DEMO_KEYS } from "keygate/emulator";
import { cases } from "../contract/cases.js";
import { EMULATOR_CONFIG, STRICT_CORS_CONFIG, FAULTGRID_CONFIG, describeEmulator, envVars, makeContext, runCases, matrixLine } from "../contract/harness.js";
import { parseRunnerArgs, caseLogger } from "./args.js";

const RUNTIME = "node-esm";
const LIMIT_MS = 150_000;
setTimeout(() => {
  console.error(`[${RUNTIME}] gave up after ${LIMIT_MS} ms`);
  process.exit(3);
}, LIMIT_MS).unref();

// Every unhandled rejection, for the faultgrid group's check (with a listener, Node does not crash).
const unhandled = [];
process.on("unhandledRejection", (reason) => unhandled.push(reason));

const args = parseRunnerArgs(process.argv.slice(2));
const emu = await startEmulator(EMULATOR_CONFIG);
const strict = await startEmulator(STRICT_CORS_CONFIG);
const grid = await startEmulator(FAULTGRID_CONFIG);
try {
  Object.assign(process.env, envVars(emu.urls, DEMO_KEYS));
  const ctx = makeContext({
    k, kp, runtime: RUNTIME, DEMO_KEYS, env: process.env,
    emulator: describeEmulator(emu), strict: describeEmulator(strict), grid: describeEmulator(grid), unhandled,
  });
  const result = await runWithValidateEntry(runCases, cases, ctx, kv, { only: args.only, groups: args.groups, log: caseLogger(RUNTIME, args.quiet, console.error) });
  console.log(matrixLine(RUNTIME, result, { entry: import.meta.resolve("keygate") }));
  process.exitCode = result.failures.length ? 1 : 0;
} finally {
  await Promise.all([emu.close(), strict.close(), grid.close()]);
}
