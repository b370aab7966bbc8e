// The client's wasm-bindgen glue (web target), cut to what keygate uses before it is bundled
// (scripts/bundle.mjs; issue 19: about 1 KB gzip of the worker bundle). Every patch is checked to
// apply (a pattern found exactly once, or a pattern found and none of its kind left), so a
// wasm-bindgen upgrade that changes what it emits fails the build loudly instead of shipping
// half-patched glue.
//
// - The async `init` (`__wbg_init`, `__wbg_load`: fetch, instantiateStreaming and its MIME
//   fallback, the deprecated-parameter warnings) is not exported: workerd, edge and CommonJS
//   instantiate synchronously with `initSync`, and the two entries that load asynchronously
//   (pkg/src/browser.js, pkg/src/inline.js) instantiate with the glue's `imports()` and hand the
//   instance to `start(instance, module)`. esbuild drops the unused functions.
// - `initSync` takes only `{ module }` (every caller passes that), and accepts a compiled module
//   from another realm (Next.js's edge runtime).
// - Strings are passed with the one allocator pair (no `malloc, realloc` arguments, no
//   TextEncoder.encode branch for a missing `realloc`), and returned through one helper that
//   frees them (`takeString`) instead of a try/finally per function.
// - No `Symbol.dispose` aliases of `free` (the glue's objects never leave core.js, which frees
//   them itself).
export function slimClientGlue(glue) {
  let text = glue;
  const once = (from, to, what) => {
    const n = text.split(from).length - 1;
    if (n !== 1) throw new Error(`slim-glue.mjs: ${what} found ${n} times in the glue (expected once); wasm-bindgen changed?`);
    text = text.replace(from, () => to);
  };
  // `re` (global) must match at least once (each match replaced by `to(...match)`), and `left` (a string) must not occur afterwards.
  const every = (re, to, left, what) => {
    let n = 0;
    text = text.replace(re, (...m) => {
      n += 1;
      return to(...m);
    });
    if (n === 0) throw new Error(`slim-glue.mjs: ${what}: not found in the glue; wasm-bindgen changed?`);
    if (text.includes(left)) throw new Error(`slim-glue.mjs: ${what}: ${JSON.stringify(left)} is left in the glue (a form the patch does not know)`);
  };

  // Synchronous instantiation, `{ module }` only.
  once(
    `    if (module !== undefined) {
        if (Object.getPrototypeOf(module) === Object.prototype) {
            ({module} = module)
        } else {
            console.warn('using deprecated parameters for \`initSync()\`; pass a single object instead')
        }
    }
`,
    "    ({ module } = module);\n",
    "initSync's parameter handling",
  );
  once("if (!(module instanceof WebAssembly.Module)) {", 'if (!(module instanceof WebAssembly.Module) && Object.prototype.toString.call(module) !== "[object WebAssembly.Module]") {', "initSync's module check");
  // The async init's default wasm URL: `import.meta` is not CommonJS (keygate.cjs bundles this
  // glue too), and the unexported init is dropped anyway.
  once("module_or_path = new URL('keygate_bg.wasm', import.meta.url);", 'throw new Error("keygate: no WebAssembly module given");', "the async init's default wasm URL");
  // The async init stays unexported (tree-shaken); the entries that load asynchronously get the
  // import object and a `start` that, like `__wbg_init`, keeps an instance already made.
  once(
    "export { initSync, __wbg_init as default };",
    [
      "function start(instance, module) {",
      "    return wasm !== undefined ? wasm : __wbg_finalize_init(instance, module);",
      "}",
      "export { initSync, start, __wbg_get_imports as imports };",
    ].join("\n"),
    "the glue's export line",
  );

  // Strings into wasm: one allocator pair, read from `wasm` at the call.
  once("function passStringToWasm0(arg, malloc, realloc) {", "function passStringToWasm0(arg) {\n    const malloc = wasm.__wbindgen_malloc, realloc = wasm.__wbindgen_realloc;", "passStringToWasm0's signature");
  once(
    `    if (realloc === undefined) {
        const buf = cachedTextEncoder.encode(arg);
        const ptr = malloc(buf.length, 1) >>> 0;
        getUint8ArrayMemory0().subarray(ptr, ptr + buf.length).set(buf);
        WASM_VECTOR_LEN = buf.length;
        return ptr;
    }
`,
    "",
    "passStringToWasm0's branch without realloc",
  );
  every(/passStringToWasm0\(([\w$]+), wasm\.__wbindgen_malloc, wasm\.__wbindgen_realloc\)/g, (_, arg) => `passStringToWasm0(${arg})`, "wasm.__wbindgen_malloc, wasm.__wbindgen_realloc", "string arguments");

  // Strings out of wasm: `return takeString(wasm.f(...))`.
  every(
    /let deferred(\d+)_0;\n\s+let deferred\1_1;\n\s+try \{\n\s+const ret = (wasm\.[\w$]+\([^()]*\));\n\s+deferred\1_0 = ret\[0\];\n\s+deferred\1_1 = ret\[1\];\n\s+return getStringFromWasm0\(ret\[0\], ret\[1\]\);\n\s+\} finally \{\n\s+wasm\.__wbindgen_free\(deferred\1_0, deferred\1_1, 1\);\n\s+\}/g,
    (_, _n, call) => `return takeString(${call});`,
    "deferred1_0",
    "string results",
  );
  text += `
function takeString(ret) {
    try {
        return getStringFromWasm0(ret[0], ret[1]);
    } finally {
        wasm.__wbindgen_free(ret[0], ret[1], 1);
    }
}
`;

  every(/^if \(Symbol\.dispose\) ([\w$]+)\.prototype\[Symbol\.dispose\] = \1\.prototype\.free;\n/gm, () => "", "Symbol.dispose", "the Symbol.dispose aliases");
  return text;
}
