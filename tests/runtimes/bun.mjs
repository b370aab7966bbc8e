// The contract suite in Bun: `import * as k from "keygate"`, resolved by Bun from node_modules
// through the exports map (Bun matches the `node`/`import` condition: pkg/src/node.js). The
// emulator runs in the Node parent (tests/runtimes/run.mjs), which passes its URLs:
//   bun tests/runtimes/bun.mjs '<json>' [--only=..]
// where <json> is {"main": {url, urls, crossOrigin}, "strict": {...}, "grid": {...}} (the fault grid's).
import * as k from "keygate";
import * as kv from "keygate/validate";
import * as kp from "keygate/pace";
import { runWithValidateEntry } from "./validate-entry.js";
import { DEMO_KEYS } from "keygate/emulator";
import { cases } from "../contract/cases.js";
import { envVars, makeContext, runCases, matrixLine } from "../contract/harness.js";
import { parseRunnerArgs, caseLogger } from "./args.js";

const RUNTIME = "bun";
const LIMIT_MS = 150_000;
setTimeout(() => {
  console.error(`[${RUNTIME}] gave up after ${LIMIT_MS} ms`);
  process.exit(3);
}, LIMIT_MS).unref();

// Every unhandled rejection, for the faultgrid group's check. Bun has both Node's event and the
// web one; one listener (Node's), so each rejection is recorded once.
const unhandled = [];
process.on("unhandledRejection", (reason) => unhandled.push(reason));

const args = parseRunnerArgs(process.argv.slice(2));
if (args.rest.length !== 1) {
  console.error("usage: bun tests/runtimes/bun.mjs '<emulator json>'");
  process.exit(2);
}
const emulators = JSON.parse(args.rest[0]);
Object.assign(Bun.env, envVars(emulators.main.urls, DEMO_KEYS));
const ctx = makeContext({
  k, kp, runtime: RUNTIME, DEMO_KEYS, env: Bun.env,
  emulator: emulators.main, strict: emulators.strict, grid: emulators.grid, unhandled,
});
const result = await runWithValidateEntry(runCases, cases, ctx, kv, { only: args.only, groups: args.groups, log: caseLogger(RUNTIME, args.quiet, console.error) });
console.log(matrixLine(RUNTIME, result, { entry: import.meta.resolve("keygate"), version: Bun.version }));
process.exit(result.failures.length ? 1 : 0);
