// scripts/slim-glue.mjs against the glue wasm-bindgen wrote in `make build` (target/glue/): each
// glue is cut as documented, and a glue the patches do not know (what a wasm-bindgen upgrade could
// emit) fails loudly instead of coming out half-patched.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { slimClientGlue, slimSmallGlue } from "../../scripts/slim-glue.mjs";

const read = (dir, name) => readFileSync(new URL(`../../target/glue/${dir}/${name}.js`, import.meta.url), "utf8");
const glues = { validate: read("validate", "validate"), pace: read("pace", "pace") };
const client = read("web", "keygate");

for (const [name, glue] of Object.entries(glues)) {
  test(`slimSmallGlue(${name}): initSync only, no per-call string plumbing, the cross-realm module check`, () => {
    const out = slimSmallGlue(glue, name);
    assert.ok(out.includes("\nexport { initSync };\n"));
    for (const gone of ["deferred", "console.warn('using deprecated parameters for `initSync()`", "realloc === undefined", "wasm.__wbindgen_malloc, wasm.__wbindgen_realloc)", "Symbol.dispose", "wasmModule", "wasmInstance", "import.meta.url", "encodeInto = function", "cachedDataViewMemory0 = null;\n    cachedUint8ArrayMemory0 = null;"]) {
      assert.ok(!out.includes(gone), `${name}: ${gone} is left`);
    }
    assert.equal(out.split('Object.prototype.toString.call(module) !== "[object WebAssembly.Module]"').length - 1, 1);
    assert.match(out, /return takeString\(wasm\./);
  });
}

test("slimClientGlue and slimSmallGlue share the patches: the client glue is cut too", () => {
  const out = slimClientGlue(client);
  assert.ok(out.includes("export { initSync, start, __wbg_get_imports as imports };"));
  assert.ok(!out.includes("wasmInstance") && !out.includes("Symbol.dispose") && !out.includes("ptr1 = 0; len1 = 0;"));
  assert.match(out, /return takeStringOrThrow\(wasm\.buildHeaders\(/);
});

test("a glue the patches do not know fails the build", () => {
  const { validate, pace } = glues;
  // A changed initSync, a changed string helper, a string result in an unknown form, no export line.
  assert.throws(() => slimSmallGlue(validate.replace("using deprecated parameters for `initSync()`", "deprecated"), "validate"), /initSync's parameter handling/);
  assert.throws(() => slimSmallGlue(validate.replace("function passStringToWasm0(arg, malloc, realloc) {", "function passStringToWasm0(arg, malloc) {"), "validate"), /passStringToWasm0's signature/);
  assert.throws(() => slimSmallGlue(pace.replace("deferred1_0 = ret[0];", "deferred1_0 = ret[0] >>> 0;"), "pace"), /string results|"deferred" is left/);
  assert.throws(() => slimSmallGlue(pace.replace("ptr1 = 0; len1 = 0;", "ptr1 = 0;\n                len1 = 0;"), "pace"), /deferred/);
  assert.throws(() => slimSmallGlue(validate.replace("export { initSync, __wbg_init as default };", "export { initSync };"), "validate"), /export line/);
  assert.throws(() => slimSmallGlue(validate, "pace"), /default wasm URL/);
});
