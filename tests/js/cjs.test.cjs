// The CommonJS entry through the exports map ("require" condition).
const { test } = require("node:test");
const assert = require("node:assert/strict");
const keygate = require("keygate");

test("require('keygate') works without init and shares the API", () => {
  assert.equal(typeof keygate.Client, "function");
  assert.equal(keygate.validateKey("poelis", "poelis_api_yyRCEbuLi8ugnBWNixCZQL4xKlLKBh-Gi_6zFf4CCIE").ok, true);
  assert.equal(keygate.detectProvider("pos_x"), "postiz");
  const e = (() => { try { new keygate.Client({ provider: "poelis", apiKey: "pp_live_sk_abcdefgh1234" }); } catch (x) { return x; } })();
  assert.ok(e instanceof keygate.KeyFormatError);
  assert.equal(e.code, "wrong_prefix");
  assert.ok(require.resolve("keygate").endsWith("node.cjs"));
});

test("import and require share one instance: the same classes, so instanceof holds across them", async () => {
  const esm = await import("keygate");
  const cjs = require("keygate");
  assert.equal(esm.KeygateError, cjs.KeygateError);
  assert.equal(esm.Client, cjs.Client);
  assert.equal(esm.default, cjs.default);
  let caught;
  try {
    new cjs.Client({ provider: "poelis", apiKey: "nope" });
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof esm.KeyFormatError);
});
