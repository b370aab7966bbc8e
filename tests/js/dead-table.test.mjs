// scripts/dead-table.mjs: the closure adapters' table slots of a wasm that makes no closures are
// pointed at one adapter (wasm-opt then drops the others); every other slot stays as it was, and
// a glue with closure code is refused. Run on synthetic names and on the build's wasm-bindgen
// output (target/glue/, made by `make build`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dropClosureAdapters, isClosureAdapter, redirect } from "../../scripts/dead-table.mjs";

const A = (t) => `wasm_bindgen[0123abcd]::convert::closures::_::invoke::<${t}, true>`;

test("only closure adapters are redirected, each to the segment's first adapter", () => {
  const seg = ["Ref(String) -> Externref", "keygate::providers::poelis::check", A("JsValue"), "keygate::x", A("f64, u32"), A("JsString"), "js_sys[1]::futures::jspi::task_waker::raw_wake"];
  const { segments: [out], changed } = redirect([seg]);
  assert.equal(changed, 2);
  assert.deepEqual(out, ["Ref(String) -> Externref", "keygate::providers::poelis::check", A("JsValue"), "keygate::x", A("JsValue"), A("JsValue"), "js_sys[1]::futures::jspi::task_waker::raw_wake"]);
  assert.deepEqual(redirect([["a::b", "c::d"]]), { segments: [["a::b", "c::d"]], changed: 0 });
  for (const [name, want] of [
    [A("x"), true], ["wasm_bindgen::convert::closures::_::invoke::<u32>", true],
    ["wasm_bindgen::convert::closures::_::invoke::h1f3c766bae399c4c", true], // stable's legacy mangling
    ["wasm_bindgen::convert::closures::_::invoke::h1f3c", false], ["my::convert::closures::_::invoke::<u32>", false],
    ["wasm_bindgen[ab]::convert::closures::_::destroy::<u32>", false],
  ]) {
    assert.equal(isClosureAdapter(name), want, name);
  }
});

const glue = "target/glue/validate";
test("the build's wasm-bindgen output: a glue with closure code is refused; a second run changes nothing", async () => {
  assert.ok(existsSync(join(glue, "validate_bg.wasm")), "no target/glue/validate/validate_bg.wasm: run `make build` first (make test-js does)");
  const dir = mkdtempSync(join(tmpdir(), "dead-table-"));
  const wasm = join(dir, "v.wasm");
  copyFileSync(join(glue, "validate_bg.wasm"), wasm);
  const closureGlue = join(dir, "closure.js");
  writeFileSync(closureGlue, "const CLOSURE_DTORS = new FinalizationRegistry(() => {});");
  const before = readFileSync(wasm);
  await assert.rejects(dropClosureAdapters(wasm, closureGlue), /has closure code/);
  assert.deepEqual(readFileSync(wasm), before, "a refused rewrite leaves the file as it was");
  // The build already ran it on this output: every adapter slot names one function.
  assert.equal(await dropClosureAdapters(wasm, join(glue, "validate.js")), 0);
});
