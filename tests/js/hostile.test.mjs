// The contract suite's `hostile` group (tests/contract/cases.js) in `node --test`: every hostile
// object kind at every entry point, then a fresh and an existing client still work. The matrix
// runs the same group in every runtime.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as k from "keygate";
import { startEmulator, DEMO_KEYS } from "keygate/emulator";
import { cases } from "../contract/cases.js";
import { EMULATOR_CONFIG, describeEmulator, makeContext, runCases } from "../contract/harness.js";

let emu;
before(async () => {
  emu = await startEmulator(EMULATOR_CONFIG);
});
after(() => emu.close());

test("hostile objects at every entry point: typed errors, and the instance keeps working", { timeout: 60_000 }, async () => {
  const ctx = makeContext({ k, runtime: "node-test", DEMO_KEYS, emulator: describeEmulator(emu), unhandled: [] });
  const result = await runCases(cases, ctx, { groups: ["hostile"] });
  assert.deepEqual(result.failures, []);
  assert.ok(result.groups.hostile.pass >= 4, JSON.stringify(result.groups));
});
