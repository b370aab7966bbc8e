// The packed request spec (issue 19) against the recorded answers of the code before it: the same
// fetch (URL, method, headers, body) or the same error (class, code, message, provider) for every
// case of tests/js/fixtures/spec-cases.mjs, and the client still usable after them all.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as api from "keygate";
import { CASES, run } from "./fixtures/spec-cases.mjs";

const expected = JSON.parse(readFileSync(new URL("./fixtures/spec-oracle.json", import.meta.url), "utf8"));

test("request specs cross as before: the same fetch or the same error, case by case", { timeout: 30_000 }, async () => {
  assert.equal(Object.keys(expected).length, CASES.length);
  const got = await run(api);
  for (const [label] of CASES) assert.deepEqual(got[label], expected[label], label);
});
