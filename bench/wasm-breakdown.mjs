// Size breakdown of the shipped wasm for the size work (`make bench-size`; needs twiggy in
// .tools/bin: `cargo install twiggy --root .tools`).
//
// The shipped pkg/wasm/keygate_bg.wasm has its names stripped, so this rebuilds the same thing with
// names kept: wasm-bindgen (as `make build`) and wasm-opt with the build's flags but `-g` instead of
// `--strip-debug`. Everything goes to target/bench/twiggy/. It prints twiggy's top items by retained
// size and the code+data bytes per crate (a heuristic on symbol names: the crate of the first path
// segment, or of the Self type for `<T as Trait>` impls; `core::fmt` machinery counted on its own;
// inlined request loop and export shims named as such).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const OUT = join(ROOT, "target", "bench", "twiggy");
const TWIGGY = join(ROOT, ".tools", "bin", "twiggy");
const WB = join(ROOT, ".tools", "bin", "wasm-bindgen");
const WASM_OPT = join(ROOT, "node_modules", ".bin", "wasm-opt");
const RAW = join(ROOT, "target", "wasm32-unknown-unknown", "release", "keygate_wasm.wasm");
const TOP = Number(process.env.TOP) || 25;

for (const [what, p] of [["twiggy", TWIGGY], ["wasm-bindgen", WB], ["wasm-opt", WASM_OPT], ["release wasm (make wasm-release)", RAW]]) {
  if (!existsSync(p)) {
    console.error(`wasm-breakdown: ${what} not found at ${p}`);
    process.exit(1);
  }
}
mkdirSync(OUT, { recursive: true });
const run = (cmd, args) => execFileSync(cmd, args, { cwd: ROOT, encoding: "utf8", maxBuffer: 256 * 1024 * 1024, timeout: 300_000 });

run(WB, ["--target", "web", "--weak-refs", "--no-typescript", "--out-dir", OUT, "--out-name", "keygate", RAW]);
const named = join(OUT, "keygate_named.wasm");
run(WASM_OPT, [
  "-Oz", "-g", "--strip-producers", "--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--enable-sign-ext",
  "--enable-mutable-globals", "--enable-reference-types", "--enable-multivalue", join(OUT, "keygate_bg.wasm"), "-o", named,
]);
// The shipped size is the same file minus its name section, with its import and export names
// minified as scripts/bundle.mjs does.
const stripped = join(OUT, "keygate_stripped.wasm");
run(WASM_OPT, [named, "--strip-debug", "--minify-imports-and-exports-and-modules", "--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--enable-sign-ext", "--enable-mutable-globals", "--enable-reference-types", "--enable-multivalue", "-o", stripped]);
const bytes = readFileSync(stripped);
console.log(`shipped-equivalent wasm: ${bytes.length} B raw, ${gzipSync(bytes, { level: 9 }).length} B gzip (names kept for analysis in ${named.slice(ROOT.length + 1)})`);

const topText = run(TWIGGY, ["top", "-n", String(TOP), "--retained", named]);
writeFileSync(join(OUT, "top-retained.txt"), topText);
console.log(`\ntwiggy top ${TOP} by retained size (optimised, names kept):\n${topText}`);
const domText = run(TWIGGY, ["dominators", "-d", "4", "-r", "60", named]);
writeFileSync(join(OUT, "dominators.txt"), domText);

// Per-crate shallow sizes (the name section itself excluded: it is not shipped).
const csv = run(TWIGGY, ["top", "-n", "1000000", "--format", "csv", named]);
const rows = csv.trim().split("\n").slice(1).map((line) => {
  const m = line.match(/^("(?:[^"]|"")*"|[^,]*),(\d+),/);
  return m ? { name: m[1].replace(/^"|"$/g, "").replace(/""/g, '"'), size: Number(m[2]) } : null;
}).filter(Boolean);

function crateOf(name) {
  if (/names" subsection|^custom section|^name section/.test(name)) return "(name/custom sections, not shipped)";
  if (/^data segment/.test(name)) return "(data segments: strings, tables)";
  if (/^(table|elem|export|import|global|type|memory|code)\[|^export "|^import |^wasm magic|^header|^section headers/.test(name)) return "(wasm structure: tables, exports, imports, headers)";
  // Inlining moves code under other names: each export's body (request planning in
  // `wasmclient_start`, classification in `wasmexchange_response`, ...) lands in its shim.
  if (/ externref shim/.test(name)) return "exports (keygate bodies inlined into externref shims)";
  if (/core::fmt|alloc::fmt|::fmt::h|Formatter|Arguments|core::panicking|pad_integral|\bDebug\b|\bDisplay\b/.test(name)) return "core::fmt + panicking";
  let s = name.replace(/\[[0-9a-f]{8,}\]/g, "");
  const asMatch = s.match(/^<([^<>]*?) as /);
  if (asMatch) s = asMatch[1].replace(/^&(mut )?/, "");
  s = s.replace(/^<+/, "").replace(/^&(mut )?/, "");
  const m = s.match(/^([A-Za-z_][A-Za-z0-9_]*)::/);
  if (m) return m[1];
  if (/^(__rust|__rdl|__rg|rust_)/.test(s)) return "std (alloc/panic shims)";
  if (/^(__wbindgen|__wbg|wasm_bindgen|__externref)/.test(s)) return "wasm_bindgen";
  return "(other/unnamed)";
}
const byCrate = new Map();
for (const r of rows) byCrate.set(crateOf(r.name), (byCrate.get(crateOf(r.name)) ?? 0) + r.size);
const total = [...byCrate].filter(([k]) => !k.startsWith("(name")).reduce((a, [, v]) => a + v, 0);
const table = [...byCrate].sort((a, b) => b[1] - a[1]);
let text = `shallow bytes per crate (heuristic), of ${total} B shipped:\n`;
for (const [k, v] of table) text += `  ${k.padEnd(64)} ${String(v).padStart(8)} B ${k.startsWith("(name") ? "" : `${((v / total) * 100).toFixed(1).padStart(5)}%`}\n`;
writeFileSync(join(OUT, "by-crate.txt"), text);
console.log(text);
console.log(`more: ${join(OUT, "dominators.txt").slice(ROOT.length + 1)}, ${join(OUT, "top-retained.txt").slice(ROOT.length + 1)}`);
