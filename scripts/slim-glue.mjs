// The wasm-bindgen glue (web target) of the client and of the small wasms (keygate/validate,
// keygate/pace), cut to what keygate uses before it is bundled (scripts/bundle.mjs; issue 19: about
// 1 KB gzip of the worker bundle). Every patch is checked to
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
//   A fallible string result (`Result<String, JsValue>`) throws its error or goes through the same
//   helper (`takeStringOrThrow`; an error's string is empty, whose free is a no-op in the wasm),
//   its string arguments passed first as they were (the client's `buildHeaders(packed)`).
// - No `Symbol.dispose` aliases of `free` (the glue's objects never leave core.js or
//   pace-core.js/cloudflare.js, which free them themselves).
// - The instance and module are not kept (`wasmInstance`, `wasmModule`: written, never read), nor
//   the memory views reset when they are still null.
//   The FinalizationRegistry stand-in stays: workerd without a recent compatibility date has none.
// The small wasms' glue (`slimSmallGlue`) keeps only `initSync` (their entries instantiate
// synchronously, from bytes or a compiled module), and no string result form is left unpatched.

// The patch helpers over one glue text: `once` (a pattern found exactly once) and `every` (`re`,
// global, matched at least `min` times, each match replaced by `to(...match)`, and `left`, a
// string, not occurring afterwards, or null); `every` returns its count.
function patcher(glue) {
  const p = { text: glue };
  p.once = (from, to, what) => {
    const n = p.text.split(from).length - 1;
    if (n !== 1) throw new Error(`slim-glue.mjs: ${what} found ${n} times in the glue (expected once); wasm-bindgen changed?`);
    p.text = p.text.replace(from, () => to);
  };
  p.every = (re, to, left, what, min = 1) => {
    let n = 0;
    p.text = p.text.replace(re, (...m) => {
      n += 1;
      return to(...m);
    });
    if (n < min) throw new Error(`slim-glue.mjs: ${what}: not found in the glue; wasm-bindgen changed?`);
    if (left !== null && p.text.includes(left)) throw new Error(`slim-glue.mjs: ${what}: ${JSON.stringify(left)} is left in the glue (a form the patch does not know)`);
    return n;
  };
  return p;
}

// The patches the client's and the small wasms' glue share; `name` is the --out-name (the async
// init's default `<name>_bg.wasm`).
function slimCommon(p, name) {
  const { once, every } = p;
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
  // A compiled module may come from another realm (Next.js runs edge code in its own context, and
  // its `?module` import is made outside it), where `instanceof WebAssembly.Module` is false.
  once("if (!(module instanceof WebAssembly.Module)) {", 'if (!(module instanceof WebAssembly.Module) && Object.prototype.toString.call(module) !== "[object WebAssembly.Module]") {', "initSync's module check");
  // The async init's default wasm URL: `import.meta` is not CommonJS (keygate.cjs, validate.cjs
  // and pace.cjs bundle this glue too), and the unexported init is dropped anyway.
  once(`module_or_path = new URL('${name}_bg.wasm', import.meta.url);`, 'throw new Error("keygate: no WebAssembly module given");', "the async init's default wasm URL");
  // The instance and module, written and never read.
  once("let wasmModule, wasmInstance, wasm;", "let wasm;", "the glue's instance variables");
  once("    wasmInstance = instance;\n", "", "the instance kept by __wbg_finalize_init");
  once("    wasmModule = module;\n", "", "the module kept by __wbg_finalize_init");
  // The memory views are still null there: initSync (and the client's `start`) finalize once.
  // (A glue that reads no numbers out of memory has no DataView: keygate/validate's.)
  const views = p.text.includes("cachedDataViewMemory0 = null;\n    cachedUint8ArrayMemory0 = null;\n    wasm.__wbindgen_start();")
    ? "    cachedDataViewMemory0 = null;\n    cachedUint8ArrayMemory0 = null;\n"
    : "    cachedUint8ArrayMemory0 = null;\n";
  once(`${views}    wasm.__wbindgen_start();`, "    wasm.__wbindgen_start();", "the view resets of __wbg_finalize_init");

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

  // Strings out of wasm: `return takeString(wasm.f(...))`. With string arguments (keygate/validate's
  // exports take only strings), the glue passes them in a try whose catch frees those already
  // passed: one helper does the same for every such export, `wasm.f(...passStrings([a, b]))`.
  const withArgs = every(
    /let deferred(\d+)_0;\n\s+let deferred\1_1;\n\s+try \{\n(\s+let ptr0(?:, (?:ptr|len)\d+)*, len\d+;\n\s+try \{\n[\s\S]*?\n\s+\} catch \(e\) \{\n[\s\S]*?\n\s+throw e;\n\s+\}\n)\s+const ret = (wasm\.[\w$]+\([^()]*\));\n\s+deferred\1_0 = ret\[0\];\n\s+deferred\1_1 = ret\[1\];\n\s+return getStringFromWasm0\(ret\[0\], ret\[1\]\);\n\s+\} finally \{\n\s+wasm\.__wbindgen_free\(deferred\1_0, deferred\1_1, 1\);\n\s+\}/g,
    (_, _n, args, call) => {
      const names = [...args.matchAll(/ptr\d+ = passStringToWasm0\(([\w$]+)\)/g)].map((m) => m[1]);
      const method = call.slice(0, call.indexOf("("));
      const expected = `${method}(${names.map((_, i) => `ptr${i}, len${i}`).join(", ")})`;
      if (names.length === 0 || call !== expected) throw new Error(`slim-glue.mjs: ${call} does not pass exactly the strings ${names.join(", ")} in order; wasm-bindgen changed?`);
      return `return takeString(${method}(...passStrings([${names.join(", ")}])));`;
    },
    null, // what is left is checked below ("deferred1_0") and by slimSmallGlue ("deferred")
    "string results with string arguments",
    0,
  );
  every(
    /let deferred(\d+)_0;\n\s+let deferred\1_1;\n\s+try \{\n\s+const ret = (wasm\.[\w$]+\([^()]*\));\n\s+deferred\1_0 = ret\[0\];\n\s+deferred\1_1 = ret\[1\];\n\s+return getStringFromWasm0\(ret\[0\], ret\[1\]\);\n\s+\} finally \{\n\s+wasm\.__wbindgen_free\(deferred\1_0, deferred\1_1, 1\);\n\s+\}/g,
    (_, _n, call) => `return takeString(${call});`,
    "deferred1_0",
    "string results",
    withArgs > 0 ? 0 : 1,
  );
  if (withArgs > 0) p.text += `
function passStrings(args) {
    const out = [];
    try {
        for (const a of args) out.push(passStringToWasm0(a), WASM_VECTOR_LEN);
    } catch (e) {
        for (let i = 0; i < out.length; i += 2) wasm.__wbindgen_free(out[i], out[i + 1], 1);
        throw e;
    }
    return out;
}
`;
  p.text += `
function takeString(ret) {
    try {
        return getStringFromWasm0(ret[0], ret[1]);
    } finally {
        wasm.__wbindgen_free(ret[0], ret[1], 1);
    }
}
`;
  // Fallible string results: `return takeStringOrThrow(wasm.f(...))`, after the string arguments'
  // `passStringToWasm0` lines if there are any (kept as they are). On an error the glue set the
  // string to (0, 0) and freed that, which the wasm's free skips.
  const fallible = every(
    /let deferred(\d+)_0;\n\s+let deferred\1_1;\n\s+try \{\n((?:\s+const (?:ptr|len)\d+ = (?:passStringToWasm0\([\w$]+\)|WASM_VECTOR_LEN);\n)*)\s+const ret = (wasm\.[\w$]+\([^()]*\));\n\s+var ptr(\d+) = ret\[0\];\n\s+var len\4 = ret\[1\];\n\s+if \(ret\[3\]\) \{\n\s+ptr\4 = 0; len\4 = 0;\n\s+throw takeFromExternrefTable0\(ret\[2\]\);\n\s+\}\n\s+deferred\1_0 = ptr\4;\n\s+deferred\1_1 = len\4;\n\s+return getStringFromWasm0\(ptr\4, len\4\);\n\s+\} finally \{\n\s+wasm\.__wbindgen_free\(deferred\1_0, deferred\1_1, 1\);\n\s+\}/g,
    (_, _n, args, call) => `${args.trim().replace(/\n\s+/g, "\n    ")}${args ? "\n    " : ""}return takeStringOrThrow(${call});`,
    "ptr1 = 0; len1 = 0;",
    "fallible string results",
    0,
  );
  if (fallible > 0) {
    p.text += `
function takeStringOrThrow(ret) {
    if (ret[3]) throw takeFromExternrefTable0(ret[2]);
    return takeString(ret);
}
`;
  }

  every(/^if \(Symbol\.dispose\) ([\w$]+)\.prototype\[Symbol\.dispose\] = \1\.prototype\.free;\n/gm, () => "", "Symbol.dispose", "the Symbol.dispose aliases", 0);
}

export function slimClientGlue(glue) {
  const p = patcher(glue);
  slimCommon(p, "keygate");
  // The async init stays unexported (tree-shaken); the entries that load asynchronously get the
  // import object and a `start` that, like `__wbg_init`, keeps an instance already made.
  p.once(
    "export { initSync, __wbg_init as default };",
    [
      "function start(instance, module) {",
      "    return wasm !== undefined ? wasm : __wbg_finalize_init(instance, module);",
      "}",
      "export { initSync, start, __wbg_get_imports as imports };",
    ].join("\n"),
    "the glue's export line",
  );
  return p.text;
}

// keygate/validate's and keygate/pace's glue (`name`: validate, pace): only `initSync` and the
// exports, and every string result in a form patched above.
export function slimSmallGlue(glue, name) {
  const p = patcher(glue);
  slimCommon(p, name);
  p.once("export { initSync, __wbg_init as default };", "export { initSync };", "the glue's export line");
  if (p.text.includes("deferred")) throw new Error(`slim-glue.mjs: the ${name} glue has a string result in a form the patches do not know (\"deferred\" is left)`);
  return p.text;
}
