// The display of buildHeaders results (toJSON, toString, util.inspect and the Headers form) in
// both bundles: pkg/src/key-api.js reads the map and the wasm redacts each value (its
// `redactHeader`). A result the caller changed afterwards still shows no credential: a value that
// is not a string shows as an empty one redacted ("…"), a map whose entries cannot be read (a
// getter throws) as {}.
import { test } from "node:test";
import assert from "node:assert/strict";
import util from "node:util";
import * as keygate from "keygate";
import validate from "keygate/validate";

const KEY = "pp_live_sk_a1B2c3D4e5F6g7H8i9J0kLmNoP";
const SHOWN = "Bearer pp_live_sk_…mNoP";

// [name, change to the plain result, expected toJSON()]
const CASES = [
  ["as built", () => {}, { Authorization: SHOWN, "X-Workspace-Id": "ws_1" }],
  ["a value added by the caller", (h) => { h["X-Other"] = KEY; }, { Authorization: SHOWN, "X-Workspace-Id": "ws_1", "X-Other": "pp_live_sk_…mNoP" }],
  ["a value that is not a string", (h) => { h.Authorization = { toString: () => KEY }; }, { Authorization: "…", "X-Workspace-Id": "ws_1" }],
  ["a number", (h) => { h.n = 5; }, { Authorization: SHOWN, "X-Workspace-Id": "ws_1", n: "…" }],
  ["a getter that throws", (h) => { Object.defineProperty(h, "boom", { enumerable: true, get() { throw new Error(KEY); } }); }, {}],
  ["a bearer credential under another name", (h) => { h["X-Token"] = `bearer ${KEY}`; }, { Authorization: SHOWN, "X-Workspace-Id": "ws_1", "X-Token": "bearer pp_live_sk_…mNoP" }],
];

for (const [pkg, api] of [["keygate", keygate], ["keygate/validate", validate]]) {
  test(`${pkg}: buildHeaders results show redacted, however the caller changed them`, () => {
    for (const [name, change, want] of CASES) {
      const h = api.buildHeaders({ provider: "powerpost", apiKey: KEY, scheme: "bearer", workspaceId: "ws_1" });
      assert.equal(h.Authorization, `Bearer ${KEY}`, name); // the real value, for fetch
      change(h);
      assert.deepEqual(h.toJSON(), want, name);
      assert.deepEqual(JSON.parse(JSON.stringify(h)), want, name);
      assert.equal(String(h), JSON.stringify(want), name);
      for (const shown of [util.inspect(h), JSON.stringify(h), String(h)]) assert.ok(!shown.includes("a1B2c3D4e5F6"), `${name}: ${shown}`);
    }
    // The display methods on another map (the prototype's, borrowed).
    const { toJSON } = Object.getPrototypeOf(api.buildHeaders({ provider: "poelis", apiKey: "poelis_api_yyRCEbuLi8ugnBWNixCZQL4xKlLKBh-Gi_6zFf4CCIE" }));
    assert.deepEqual(toJSON.call({ authorization: KEY, "x-workspace-id": "w" }), { authorization: "pp_live_sk_…mNoP", "x-workspace-id": "w" });
    // The Headers form.
    const hs = api.buildHeaders({ provider: "powerpost", apiKey: KEY, workspaceId: "ws_1" }, { as: "headers" });
    assert.deepEqual(hs.toJSON(), { "x-api-key": "pp_live_sk_…mNoP", "x-workspace-id": "ws_1" });
    assert.ok(!util.inspect(hs).includes("a1B2c3D4e5F6"), util.inspect(hs));
  });
}
