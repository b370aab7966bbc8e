// The packed client options (issue 19) against the recorded answers of the code before them: the same
// error (class, code, message, provider) or the same client (its toJSON, what a request sent, the hooks
// and log levels called) for every case of tests/js/fixtures/client-options-cases.mjs, and a client
// still usable after them all.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as api from "keygate";
import { KEYS } from "./server.mjs";
import { CASES, run } from "./fixtures/client-options-cases.mjs";

const expected = JSON.parse(readFileSync(new URL("./fixtures/client-options-oracle.json", import.meta.url), "utf8"));

test("client options cross as before: the same client or the same error, case by case", { timeout: 60_000 }, async () => {
  assert.ok(CASES.length >= 100);
  assert.deepEqual(Object.keys(expected), CASES.map(([label]) => label));
  const got = await run(api);
  for (const [label] of CASES) assert.deepEqual(got[label], expected[label], label);
  // No snapshot holds a test key.
  const text = JSON.stringify(expected);
  for (const k of Object.values(KEYS)) assert.ok(!text.includes(k.slice(-20)));
  // The shared instance still makes clients and sends requests.
  let sent;
  const fetch = async (url) => {
    sent = url;
    return new Response("{}", { status: 200, headers: { "content-type": "application/json" } });
  };
  const c = new api.Client({ provider: "poelis", apiKey: KEYS.poelis, baseUrl: "http://127.0.0.1:9/v1/public", fetch });
  await c.request({ path: "/w" });
  assert.equal(sent, "http://127.0.0.1:9/v1/public/w");
});
