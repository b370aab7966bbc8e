// The contract suite in Deno. `import * as k from "keygate"` is resolved by Deno 2 itself from
// node_modules (the workspace package.json lists keygate; the exports map's `deno` condition picks
// pkg/src/node.js, which loads node.cjs: the wasm travels inside it as text). The emulator runs in the Node parent
// (tests/runtimes/run.mjs), which passes its URLs:
//   deno run --allow-read --allow-net=127.0.0.1 --allow-env tests/runtimes/deno.mjs '<json>' [--only=..]
// where <json> is {"main": {url, urls, crossOrigin}, "strict": {...}, "grid": {...}} (the fault grid's).
import * as k from "keygate";
import * as kv from "keygate/validate";
import * as kp from "keygate/pace";
import { runWithValidateEntry } from "./validate-entry.js";
import { DEMO_KEYS } from "keygate/emulator";
import { cases } from "../contract/cases.js";
import { envVars, makeContext, runCases, matrixLine } from "../contract/harness.js";
import { parseRunnerArgs, caseLogger } from "./args.js";

const RUNTIME = "deno";
const LIMIT_MS = 150_000;
const guard = setTimeout(() => {
  console.error(`[${RUNTIME}] gave up after ${LIMIT_MS} ms`);
  Deno.exit(3);
}, LIMIT_MS);
Deno.unrefTimer(guard);

// Every unhandled rejection, for the faultgrid group's check (preventDefault: Deno would exit).
const unhandled = [];
globalThis.addEventListener("unhandledrejection", (e) => {
  e.preventDefault();
  unhandled.push(e.reason);
});

const args = parseRunnerArgs(Deno.args);
if (args.rest.length !== 1) {
  console.error("usage: deno run --allow-read --allow-net=127.0.0.1 --allow-env tests/runtimes/deno.mjs '<emulator json>'");
  Deno.exit(2);
}
const emulators = JSON.parse(args.rest[0]);
for (const [name, value] of Object.entries(envVars(emulators.main.urls, DEMO_KEYS))) Deno.env.set(name, value);
const ctx = makeContext({
  k, kp, runtime: RUNTIME, DEMO_KEYS, env: Deno.env, // Deno.env has get(): fromEnv reads it that way
  emulator: emulators.main, strict: emulators.strict, grid: emulators.grid, unhandled,
});
const result = await runWithValidateEntry(runCases, cases, ctx, kv, { only: args.only, groups: args.groups, log: caseLogger(RUNTIME, args.quiet, console.error) });
console.log(matrixLine(RUNTIME, result, { entry: import.meta.resolve("keygate"), version: Deno.version.deno }));
Deno.exit(result.failures.length ? 1 : 0);
