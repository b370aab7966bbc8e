// Instantiates the dependent's wasm (argument: its path) with no imports and checks that its own
// allocator served keygate's allocations, that keygate's calls gave the expected answers, and that
// the module exports only the dependent's own functions (none of keygate-wasm's bindings).
import { readFileSync } from "node:fs";
import assert from "node:assert/strict";

const bytes = readFileSync(process.argv[2]);
const module = new WebAssembly.Module(bytes);
const exports = WebAssembly.Module.exports(module).map((e) => e.name).sort();
// rustc also exports the linker's `__data_end` / `__heap_base` globals from a wasm32 cdylib.
const own = exports.filter((n) => n !== "__data_end" && n !== "__heap_base");
assert.deepEqual(own, ["allocs", "memory", "run"], `exports: ${exports.join(", ")}`);
assert.deepEqual(WebAssembly.Module.imports(module), [], "the dependent needs no imports");
const { instance } = await WebAssembly.instantiate(bytes, {});
assert.equal(instance.exports.run(), 31, "every keygate call answered as expected");
assert.ok(instance.exports.allocs() > 0, "the dependent's own allocator served the allocations");
console.log(`dependent: linked and ran (${bytes.length} B, exports: ${exports.join(", ")}, ${instance.exports.allocs()} allocations through its own allocator)`);
