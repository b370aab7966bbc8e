// `make build`, last step: bundles the wasm-bindgen glue (web target) and pkg/src/core.js into one
// minified module per module system, and packs the optimised .wasm for the entries that cannot
// load a file at run time:
//   pkg/wasm/keygate_bg.wasm  the one binary copy (browsers fetch it; workerd and Next's edge
//                             runtime import it as a compiled module)
//   pkg/wasm/keygate.js       ESM glue + core (browsers, workers, workerd, edge, keygate/inline)
//   pkg/wasm/keygate.cjs      CommonJS glue + core + the wasm in base64 (not compressed: decoding
//                             takes ~0.2 ms where inflating cost 1-2 ms more of cold start), instantiated synchronously on require (Node, Deno, Bun; the ESM Node
//                             entry loads this one too). No file read, no __dirname: a bundler for
//                             Node (esbuild, bun build, Next/Turbopack, webpack) carries it as code.
//   pkg/wasm/inline.js        ESM: the wasm deflate-raw compressed, in base64 (what goes over the wire matters here), for `keygate/inline` (bundlers
//                             that do not copy assets: esbuild, Rollup, bun build for browsers)
// Usage: node scripts/bundle.mjs <wasm-bindgen web dir> <optimised .wasm>
import { execFileSync } from "node:child_process";
import { build } from "esbuild";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { inflateRawSync } from "node:zlib";
import { slimClientGlue, slimSmallGlue } from "./slim-glue.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

// wasm-bindgen names every import `__wbg_<name>_<16 hex digits>` under the module
// "./keygate_bg.js", and the glue reads the exports by their Rust names: about 2.3 KB of names in
// the .wasm and as many in the glue, the hashes incompressible. wasm-opt renames them all to one or
// two letters (`--minify-imports-and-exports-and-modules`) and prints the mapping; the glue's import
// object and its `wasm.<export>` reads are rewritten to match, every name checked to be found
// (about 1.2 KB gzip less over the worker bundle; issue 19).
const FEATURES = ["--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--enable-sign-ext", "--enable-mutable-globals", "--enable-reference-types", "--enable-multivalue"];
function minifyNames(wasmIn, wasmOut, glueText, moduleName) {
  const before = WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(wasmIn)));
  if (!before.every((i) => i.module === moduleName)) throw new Error(`bundle.mjs: ${wasmIn} does not import from ${moduleName} only (already minified? run make build)`);
  const out = execFileSync(join(ROOT, "node_modules", ".bin", "wasm-opt"), [wasmIn, "--minify-imports-and-exports-and-modules", ...FEATURES, "-o", wasmOut], { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  const map = JSON.parse(out.slice(out.indexOf("{")));
  const after = WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(wasmOut)));
  const modules = new Set(after.map((i) => i.module));
  if (modules.size !== 1) throw new Error(`bundle.mjs: minified ${wasmOut} imports from ${modules.size} modules`);
  const [mod] = modules;
  let text = glueText;
  const once = (from, to, what) => {
    const n = text.split(from).length - 1;
    if (n !== 1) throw new Error(`bundle.mjs: ${what} found ${n} times in the glue (expected once)`);
    text = text.replace(from, to);
  };
  once(`${JSON.stringify(moduleName)}: import0,`, `${JSON.stringify(mod)}: import0,`, `the import module ${moduleName}`);
  for (const [m, name, short] of map.imports) {
    if (m !== moduleName) throw new Error(`bundle.mjs: unexpected import module ${m}`);
    once(`\n        ${name}: function(`, `\n        ${short}: function(`, `the import ${name}`);
  }
  const exported = new Map(map.exports);
  text = text.replace(/\bwasm\.([A-Za-z_$][\w$]*)/g, (all, name) => {
    if (!exported.has(name)) throw new Error(`bundle.mjs: the glue reads wasm.${name}, which the wasm does not export`);
    return `wasm.${exported.get(name)}`;
  });
  return text;
}
// Deflate-raw with zopfli (@gfx/zopfli, a dev dependency): the same format DecompressionStream
// ("deflate-raw") reads, about 6% smaller than zlib's level 9 (keygate/validate's wasm 14,835 ->
// 13,918 B; issue 19). Each output is inflated again with zlib and compared before it ships.
// Its emscripten loader adds process-wide uncaughtException / unhandledRejection handlers (which
// print the whole loader with any later error): they are removed again once it has loaded.
const before = ["uncaughtException", "unhandledRejection"].map((e) => [e, process.listeners(e)]);
const { deflateAsync } = await import("@gfx/zopfli");
for (const [e, kept] of before) for (const l of process.listeners(e)) if (!kept.includes(l)) process.off(e, l);
async function deflate(bytes) {
  const out = Buffer.from(await deflateAsync(bytes, { numiterations: 15 }));
  if (!inflateRawSync(out).equals(bytes)) throw new Error("bundle.mjs: zopfli's output does not inflate to its input");
  return out;
}
const [web, wasmFile] = process.argv.slice(2).map((d) => d && resolve(ROOT, d));
if (!web || !wasmFile) {
  console.error("usage: node scripts/bundle.mjs <web glue dir> <optimised .wasm>");
  process.exit(2);
}
const OUT = join(ROOT, "pkg", "wasm");

// The client's glue is cut to what keygate uses (scripts/slim-glue.mjs: no async init, whose
// default `new URL('keygate_bg.wasm', import.meta.url)` would also make bundlers emit the .wasm
// for entries that never load it; the entries pass their own wasm).
const glue = readFileSync(join(web, "keygate.js"), "utf8");
const patched = join(web, "keygate.patched.js");
writeFileSync(patched, minifyNames(wasmFile, wasmFile, slimClientGlue(glue), "./keygate_bg.js"));

const wasmBytes = readFileSync(wasmFile);
const packed = (await deflate(wasmBytes)).toString("base64");

const core = JSON.stringify(join(ROOT, "pkg", "src", "core.js"));
const q = JSON.stringify(patched);
// KEYGATE_NO_MINIFY=1 keeps the bundle readable (for profiling and debugging).
const minify = !["1", "true"].includes(String(process.env.KEYGATE_NO_MINIFY ?? ""));
// No `keepNames`: its `__name(fn, "...")` call for every function and class cost 790 B gzip of the
// worker bundle. What a caller can see keeps its name: `named` (below, in every bundle) gives each
// function of the returned API (`Client`, `validateKey`, `KeygateError`, ...) its export name; the
// error subclasses are named by their computed keys and methods by their property names anyway.
const common = { bundle: true, minify, legalComments: "none", logLevel: "warning", target: "es2022" };
// The glue bundles' esbuild options (the client's and the small wasms'): the glue's internal fields
// (`__wbg_ptr`, ...), which no caller sees (core.js keeps the glue's objects private; pace-core.js
// and cloudflare.js only call WasmPacer's methods), get short names.
const client = { ...common, mangleProps: /^(__wbg_ptr|__destroy_into_raw|__wrap)$/ };
const NAMED = "function named(api) { for (const k of Object.keys(api)) if (typeof api[k] === \"function\" && api[k].name !== k) Object.defineProperty(api[k], \"name\", { value: k, configurable: true }); return api; }";

await build({
  ...client,
  stdin: { contents: `export * from ${q};\nimport { createApi as make } from ${core};\n${NAMED}\nexport function createApi(wasm) { return named(make(wasm)); }\n`, resolveDir: ROOT, sourcefile: "keygate-esm.js" },
  format: "esm",
  platform: "neutral",
  outfile: join(OUT, "keygate.js"),
});
await build({
  ...client,
  stdin: {
    contents: [
      `import * as glue from ${q};`,
      `import { createApi as make } from ${core};`,
      NAMED,
      "function createApi(wasm) { return named(make(wasm)); }",
      `const b64 = ${JSON.stringify(wasmBytes.toString("base64"))};`,
      // No require() of a builtin: an ESM bundle of this file (esbuild --format=esm) cannot require.
      `const bytes = typeof globalThis.Buffer === "function" ? globalThis.Buffer.from(b64, "base64") : Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));`,
      `glue.initSync({ module: bytes });`,
      `export * from ${q};`,
      `export { createApi };`,
    ].join("\n"),
    resolveDir: ROOT,
    sourcefile: "keygate-cjs.js",
  },
  format: "cjs",
  platform: "node",
  outfile: join(OUT, "keygate.cjs"),
});
// Next.js 15's Turbopack rejects the private name `#_` that esbuild's minifier can pick ("Ecmascript
// file had an error" at its declaration; Next 16, webpack, Vite, esbuild and the engines accept it):
// give it a name of its own, checked to be unused.
for (const file of ["keygate.js", "keygate.cjs"]) {
  const path = join(OUT, file);
  const code = readFileSync(path, "utf8");
  const bare = /#_(?![\w$])/g;
  if (!bare.test(code)) continue;
  if (code.includes("#kg_")) throw new Error(`${file}: #kg_ is taken; pick another name for #_`);
  writeFileSync(path, code.replace(bare, "#kg_"));
}
writeFileSync(join(OUT, "inline.js"),
  `// The optimised keygate wasm, deflate-raw compressed and base64-encoded (made by scripts/bundle.mjs).\nexport default ${JSON.stringify(packed)};\n`);

// The emulator for CommonJS test suites (Jest): `require("keygate/emulator")` gets one bundled
// CommonJS file made from the ESM sources, with the same declarations as a .d.cts (importing the
// generated per-provider part as ./providers.d.cts, as index.d.ts imports ./providers.d.ts).
const emu = join(ROOT, "pkg", "emulator");
await build({ ...common, minify: false, entryPoints: [join(emu, "index.js")], format: "cjs", platform: "node", outfile: join(emu, "index.cjs") });
const emuDts = readFileSync(join(emu, "index.d.ts"), "utf8");
if (!emuDts.includes('from "./providers.js";')) throw new Error("bundle.mjs: pkg/emulator/index.d.ts no longer imports ./providers.js; update the .d.cts step");
writeFileSync(join(emu, "index.d.cts"), emuDts.replaceAll('from "./providers.js";', 'from "./providers.cjs";'));

// `keygate/validate` (optional arguments 3 and 4: the validation-only wasm's web glue dir and its
// optimised .wasm, from crates/keygate-validate): the glue and pkg/src/validate-core.js, with the
// provider list as data (read from the full wasm's providerInfo(), so no JSON writer ships in the
// small wasm):
//   pkg/wasm/validate.js       ESM, the wasm deflate-raw compressed in base64, inflated and instantiated
//                              at load with top-level await (Node import, Deno, Bun, browsers, workers, default)
//   pkg/wasm/validate.cjs      CommonJS (require), the wasm in plain base64, instantiated synchronously
//   pkg/wasm/validate-glue.js  ESM without the wasm, for workerd and edge-light, which import
//                              pkg/wasm/validate_bg.wasm as a compiled module (no compiling from bytes there)
// The small wasm entries (keygate/validate, keygate/pace) in their three forms, from `name`'s web
// glue dir and optimised .wasm: the glue slimmed (scripts/slim-glue.mjs `slimSmallGlue`), the .wasm's names
// minified, then bundled with `core` (pkg/src/<name>-core.js, whose `factory` takes `params`):
// `wasmNames` are the glue's exports the entry uses, `create` the expression that makes the API,
// `glueTail` the glue entry's lines after the shared head.
async function smallWasm({ name, web, wasmFile, wasmNames, factory, params, create, glueTail }) {
  const glue = readFileSync(join(web, `${name}.js`), "utf8");
  const patched = join(web, `${name}.patched.js`);
  const min = wasmFile.replace(/\.wasm$/, ".min.wasm");
  // Cut like the client's (scripts/slim-glue.mjs: initSync only, which accepts a compiled module
  // from another realm, one string helper each way, no Symbol.dispose aliases).
  writeFileSync(patched, minifyNames(wasmFile, min, slimSmallGlue(glue, name), `./${name}_bg.js`));
  const bytes = readFileSync(min);
  writeFileSync(join(OUT, `${name}_bg.wasm`), bytes);
  const core = JSON.stringify(join(ROOT, "pkg", "src", `${name}-core.js`));
  const head = [`import { initSync, ${wasmNames} } from ${JSON.stringify(patched)};`, `import { ${factory} as make } from ${core};`, NAMED, `const ${factory} = (${params}) => named(make(${params}));`];
  // ESM: the wasm deflate-raw compressed in base64 (it then weighs about what the .wasm does
  // gzipped, where plain base64 gzips to a third more), inflated with the platform's
  // DecompressionStream and instantiated before the module finishes loading (top-level await).
  // The base64 text is a module of its own, imported first, so it opens the bundle: gzip then codes
  // it in blocks of its own rather than mixed with the JS (keygate/validate -430 B gzip).
  const bytesModule = join(web, `${name}.bytes.js`);
  writeFileSync(bytesModule, `export default ${JSON.stringify((await deflate(bytes)).toString("base64"))};\n`);
  const esmInit = [
    "const bin = atob(deflated);",
    "const z = new Uint8Array(bin.length);",
    "for (let i = 0; i < bin.length; i++) z[i] = bin.charCodeAt(i);",
    'initSync({ module: await new Response(new Blob([z]).stream().pipeThrough(new DecompressionStream("deflate-raw"))).arrayBuffer() });',
    `const api = ${create};`,
    "export default api;",
  ];
  // CommonJS (require: Node, Bun): plain base64, decoded and instantiated synchronously.
  const cjsInit = [
    `const b64 = ${JSON.stringify(bytes.toString("base64"))};`,
    `initSync({ module: typeof globalThis.Buffer === "function" ? globalThis.Buffer.from(b64, "base64") : Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)) });`,
    `module.exports = ${create};`,
  ];
  for (const [file, format, init] of [[`${name}.js`, "esm", esmInit], [`${name}.cjs`, "cjs", cjsInit]]) {
    const first = format === "esm" ? [`import deflated from ${JSON.stringify(bytesModule)};`] : [];
    await build({
      ...client,
      stdin: { contents: [...first, ...head, ...init].join("\n"), resolveDir: ROOT, sourcefile: `keygate-${file}` },
      format,
      platform: "neutral",
      outfile: join(OUT, file),
    });
  }
  await build({
    ...client,
    stdin: { contents: [...head, ...glueTail(core)].join("\n"), resolveDir: ROOT, sourcefile: `keygate-${name}-glue.js` },
    format: "esm",
    platform: "neutral",
    outfile: join(OUT, `${name}-glue.js`),
  });
}

const [vweb, vwasmFile] = process.argv.slice(4).map((d) => d && resolve(ROOT, d));
if (vweb && vwasmFile) {
  const { createRequire } = await import("node:module");
  const providers = createRequire(import.meta.url)(join(OUT, "keygate.cjs")).providerInfo();
  const wasmNames = "validateKey, detectProvider, redact, buildHeaders, redactHeader";
  const create = `createValidate({ ${wasmNames} }, JSON.parse(${JSON.stringify(JSON.stringify(JSON.parse(providers)))}))`;
  await smallWasm({
    name: "validate", web: vweb, wasmFile: vwasmFile, wasmNames, factory: "createValidate", params: "w, p", create,
    glueTail: () => [`export function load(module) { initSync({ module }); return ${create}; }`],
  });
}

// `keygate/pace` (optional arguments 5 and 6: the pacer-only wasm's web glue dir and its optimised
// .wasm, from crates/keygate-pace; issue 19: a client that never paces does not carry it): the
// glue and pkg/src/pace-core.js, in the same three forms as keygate/validate:
//   pkg/wasm/pace.js       ESM, the wasm deflate-raw compressed in base64, instantiated at load
//   pkg/wasm/pace.cjs      CommonJS (require), the wasm in plain base64, instantiated synchronously
//   pkg/wasm/pace-glue.js  ESM without the wasm, for workerd (keygate/cloudflare too) and edge-light,
//                          which import pkg/wasm/pace_bg.wasm as a compiled module
const [pweb, pwasmFile] = process.argv.slice(6).map((d) => d && resolve(ROOT, d));
if (pweb && pwasmFile) {
  const create = "createPace({ WasmPacer })";
  await smallWasm({
    name: "pace", web: pweb, wasmFile: pwasmFile, wasmNames: "WasmPacer", factory: "createPace", params: "w", create,
    // The glue for runtimes that import the compiled module; keygate/cloudflare also takes the
    // acquire loop and the observe helper from here (one wasm instance with keygate/pace's).
    glueTail: (core) => [
      `export { acquireLoop, num, pacerObserve } from ${core};`,
      "export { WasmPacer };",
      "let api;",
      `export function load(module) { if (!api) { initSync({ module }); api = ${create}; } return api; }`,
    ],
  });
}
