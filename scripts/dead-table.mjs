// Drops wasm-bindgen's closure adapters from a wasm that makes no closures (issue 19, size).
//
// wasm-bindgen describes every closure signature a crate's bindings mention (js-sys's typed-array
// callbacks, JSON.parse's reviver, ...) by taking the address of an `invoke` adapter, so each
// adapter gets a slot in the function table; the describe code is removed after it ran, the slots
// are not, and no optimiser can drop a function a table slot names. keygate's wasms make no
// closures: their glue has no closure code (checked below: this fails the build if it ever does),
// and nothing else holds those slots' indices (a function pointer taken only by the removed
// describe code). So every such slot is pointed at one of the adapters, and wasm-opt (which runs
// next) removes the others. The table keeps its size and every other slot.
//
//   node scripts/dead-table.mjs <wasm-bindgen output .wasm> <its glue .js>   (rewrites the .wasm)
import { readFileSync, writeFileSync } from "node:fs";

/** Whether a function name (from the name section) is a wasm-bindgen closure adapter: v0-mangled
 * (the nightly release build: `wasm_bindgen[hash]::…::invoke::<types>`) or legacy (stable:
 * `wasm_bindgen::…::invoke::h<16 hex>`). */
export const isClosureAdapter = (name) => /^wasm_bindgen(\[[0-9a-f]+\])?::convert::closures::_::invoke::(<|h[0-9a-f]{16}$)/.test(name);

/** The element segments' function names after the rewrite, and how many slots changed. */
export function redirect(segments) {
  let changed = 0;
  const out = segments.map((names) => {
    const keep = names.find(isClosureAdapter);
    return names.map((n) => {
      if (keep === undefined || !isClosureAdapter(n) || n === keep) return n;
      changed += 1;
      return keep;
    });
  });
  return { segments: out, changed };
}

export async function dropClosureAdapters(wasmPath, gluePath) {
  const glue = readFileSync(gluePath, "utf8");
  // The glue's closure support (its finalization of closures, the adapters it calls) is named so.
  if (/closure/i.test(glue)) throw new Error(`dead-table.mjs: ${gluePath} has closure code: the wasm makes closures, its adapters must stay`);
  const { default: binaryen } = await import("binaryen");
  const mod = binaryen.readBinary(readFileSync(wasmPath));
  try {
    // The features the build's wasm-opt flags enable (Makefile WASM_OPT_FLAGS), no others.
    const F = binaryen.Features;
    mod.setFeatures(F.MVP | F.BulkMemory | F.BulkMemoryOpt | F.NontrappingFPToInt | F.SignExt | F.MutableGlobals | F.ReferenceTypes | F.CallIndirectOverlong | F.Multivalue);
    const infos = [];
    for (let i = 0; i < mod.getNumElementSegments(); i++) infos.push(binaryen.getElementSegmentInfo(mod.getElementSegmentByIndex(i)));
    if (infos.some((s) => s.isPassive)) throw new Error(`dead-table.mjs: ${wasmPath} has a passive element segment (not expected from wasm-bindgen)`);
    // Without the name section nothing can be told apart: run this on wasm-bindgen's output.
    if (!infos.some((s) => s.data.some((n) => n.includes("::")))) throw new Error(`dead-table.mjs: ${wasmPath} has no function names (run it on wasm-bindgen's output, before wasm-opt)`);
    const { segments, changed } = redirect(infos.map((s) => s.data));
    infos.forEach((s, i) => {
      if (segments[i].every((n, j) => n === s.data[j])) return;
      const at = binaryen.getExpressionInfo(s.offset);
      if (at.id !== binaryen.ConstId) throw new Error(`dead-table.mjs: ${wasmPath}: element segment ${s.name} has a computed offset`);
      mod.removeElementSegment(s.name);
      mod.addActiveElementSegment(s.table, s.name, segments[i], mod.i32.const(at.value));
    });
    if (!mod.validate()) throw new Error(`dead-table.mjs: ${wasmPath} does not validate after the rewrite`);
    binaryen.setDebugInfo(true); // keep the names for wasm-opt's -g-less run and for twiggy
    writeFileSync(wasmPath, mod.emitBinary());
    return changed;
  } finally {
    mod.dispose();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [wasm, glue] = process.argv.slice(2);
  if (!wasm || !glue) {
    console.error("usage: node scripts/dead-table.mjs <wasm-bindgen output .wasm> <its glue .js>");
    process.exit(2);
  }
  const n = await dropClosureAdapters(wasm, glue);
  console.log(`dead-table: ${wasm}: ${n} closure-adapter table slots pointed at one adapter`);
}
