// Strings across keygate/validate's slimmed wasm-bindgen glue (scripts/slim-glue.mjs
// `slimSmallGlue`): multi-byte keys go in (passStringToWasm0: the ASCII prefix copied, the rest
// through TextEncoder.encodeInto and realloc) and multi-byte results come out (`…`, through
// `takeString`), in each of the entry's three forms: ESM (pkg/wasm/validate.js, the deflated wasm),
// CommonJS (require) and the glue that takes a compiled module (workerd, edge). A key cut short,
// padded or mis-decoded at the boundary shows as a wrong code, a lost tail or a thrown error.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const full = require("keygate");
const pkg = new URL("../../pkg/", import.meta.url);
const forms = {
  esm: (await import(new URL("src/validate.js", pkg))).default,
  cjs: require("keygate/validate"),
  glue: (await import(new URL("wasm/validate-glue.js", pkg))).load(new WebAssembly.Module(readFileSync(new URL("wasm/validate_bg.wasm", pkg)))),
};

const KEY = "poelis_api_yyRCEbuLi8ugnBWNixCZQL4xKlLKBh-Gi_6zFf4CCIE";
// Non-ASCII at the end, in the middle, first and throughout (many characters, so realloc grows the
// first allocation well past it), each followed by an ASCII tail where one is kept; within the
// 512-byte limit of an API key.
const NON_ASCII = [
  `${KEY.slice(0, -1)}😀`,
  `${KEY.slice(0, 20)}\u2019${KEY.slice(21)}`,
  `\u201c${KEY}\u201d`,
  `${KEY.slice(0, -4)}é${KEY.slice(-4)}`,
  `${"é".repeat(100)}${KEY}`,
  `poelis_api_${"😀".repeat(100)}wxyz`,
];

for (const [name, kv] of Object.entries(forms)) {
  test(`keygate/validate (${name}): a non-ASCII key is non_ascii, as in the full package`, () => {
    for (const key of NON_ASCII) {
      const v = kv.validateKey("poelis", key);
      assert.equal(v.code, "non_ascii", key);
      assert.equal(v.ok, false);
      assert.match(v.message, /non-ASCII/);
      assert.deepEqual(v, full.validateKey("poelis", key), key);
    }
    assert.equal(kv.validateKey("poelis", KEY).ok, true);
    // The limit is in UTF-8 bytes: 533 bytes in 293 UTF-16 code units is too long.
    assert.equal(kv.validateKey("poelis", `${"é".repeat(240)}${KEY}`).code, "too_long");
  });

  test(`keygate/validate (${name}): redact() of non-ASCII text keeps the ASCII tail and does not throw`, () => {
    for (const key of NON_ASCII) {
      const r = kv.redact(key);
      assert.equal(typeof r, "string");
      assert.equal(r, full.redact(key), key);
      assert.ok(r.includes("…"), r);
    }
    // The tail after the multi-byte characters arrived whole: the key's byte length was right.
    assert.ok(kv.redact(`pk_${"a".repeat(20)}😀abcd`).endsWith("…abcd"));
    assert.ok(kv.redact(`${KEY.slice(0, -4)}é${KEY.slice(-4)}`).endsWith(`…${KEY.slice(-4)}`));
    assert.ok(kv.redact(`poelis_api_${"😀".repeat(100)}wxyz`).endsWith("…wxyz"));
    assert.equal(kv.redact("é"), "…");
    assert.equal(kv.detectProvider(`${KEY.slice(0, -1)}😀`), "poelis");
  });
}
