// The contract suite in workerd (Cloudflare's runtime) through miniflare's API.
//   node tests/runtimes/workerd.mjs [--only=regex] [--groups=a,b] [--quiet]
// The emulator runs in this Node process; the Worker (tests/runtimes/worker.mjs) reaches it over
// loopback. Miniflare does not resolve npm packages (wrangler bundles first), so this runner does
// the bundler's resolution step and nothing else: a bare specifier such as "keygate" is resolved
// through the package's exports map with wrangler's conditions (workerd, worker, browser, import,
// default) and rewritten to the file's relative path. The package's own files load unchanged, and
// its .wasm import becomes a CompiledWasm module, as wrangler uploads it.
import { readFileSync, realpathSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";
import { startEmulator, DEMO_KEYS } from "keygate/emulator";
import { GROUPS } from "../contract/cases.js";
import { EMULATOR_CONFIG, STRICT_CORS_CONFIG, FAULTGRID_CONFIG, describeEmulator, envVars, matrixLine } from "../contract/harness.js";
import { parseRunnerArgs, caseLogger } from "./args.js";

const RUNTIME = "workerd";
const LIMIT_MS = 150_000;
const GROUP_MS = 60_000;
setTimeout(() => {
  console.error(`[${RUNTIME}] gave up after ${LIMIT_MS} ms`);
  process.exit(3);
}, LIMIT_MS).unref();

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const ENTRY = path.join(ROOT, "tests/runtimes/worker.mjs");
const CONDITIONS = ["workerd", "worker", "browser", "import", "default"];

/** Resolve an exports-map target for `conditions` (first matching key wins, as in esbuild). */
function pickTarget(target) {
  if (typeof target === "string") return target;
  if (Array.isArray(target)) {
    for (const t of target) {
      const r = pickTarget(t);
      if (r) return r;
    }
    return null;
  }
  if (target && typeof target === "object") {
    for (const [key, value] of Object.entries(target)) {
      if (CONDITIONS.includes(key)) {
        const r = pickTarget(value);
        if (r) return r;
      }
    }
  }
  return null;
}

/** A bare specifier ("keygate", "keygate/emulator") -> absolute file path, via node_modules. */
function resolveBare(spec, fromFile) {
  const parts = spec.split("/");
  const name = spec.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
  const sub = `.${spec.slice(name.length)}` || ".";
  for (let dir = path.dirname(fromFile); ; dir = path.dirname(dir)) {
    const pkgDir = path.join(dir, "node_modules", name);
    let pkg;
    try {
      pkg = JSON.parse(readFileSync(path.join(pkgDir, "package.json"), "utf8"));
    } catch {
      if (dir === path.dirname(dir)) throw new Error(`cannot resolve "${spec}" from ${fromFile}`);
      continue;
    }
    const exp = pkg.exports;
    const entry = exp && (typeof exp === "string" || Array.isArray(exp) || !Object.keys(exp).some((k) => k.startsWith(".")))
      ? { ".": exp }
      : exp;
    const target = entry ? pickTarget(entry[sub === "." ? "." : sub]) : sub === "." ? pkg.module ?? pkg.main : sub;
    if (!target) throw new Error(`"${spec}": no export for conditions ${CONDITIONS.join(", ")}`);
    return path.join(pkgDir, target);
  }
}

const IMPORT_RE = /(\bimport\s*(?:[\w*{}\s,$]+\s*from\s*)?|\bexport\s*(?:\*(?:\s*as\s+\w+)?|\{[^}]*\})\s*from\s*)(["'])([^"']+)\2/g;

/** The Worker's modules: every file reachable from the entry, bare specifiers rewritten. */
function collectModules(entry) {
  const modules = [];
  const seen = new Set();
  const resolved = {};
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    if (file.endsWith(".wasm")) {
      modules.push({ type: "CompiledWasm", path: file });
      return;
    }
    const record = { type: "ESModule", path: file, contents: "" };
    modules.push(record); // the entry must come first
    record.contents = readFileSync(file, "utf8").replace(IMPORT_RE, (all, head, quote, spec) => {
      let target;
      let rewritten = spec;
      if (spec.startsWith("./") || spec.startsWith("../")) target = path.resolve(path.dirname(file), spec);
      else if (/^(node|cloudflare):/.test(spec)) return all;
      else {
        target = resolveBare(spec, file);
        resolved[spec] = path.relative(ROOT, realpathSync(target));
        rewritten = path.relative(path.dirname(file), target);
        if (!rewritten.startsWith(".")) rewritten = `./${rewritten}`;
      }
      visit(target);
      return `${head}${quote}${rewritten}${quote}`;
    });
  };
  visit(entry);
  return { modules, resolved };
}

const args = parseRunnerArgs(process.argv.slice(2));
const emu = await startEmulator(EMULATOR_CONFIG);
const strict = await startEmulator(STRICT_CORS_CONFIG);
const grid = await startEmulator(FAULTGRID_CONFIG);
let mf;
try {
  const { modules, resolved } = collectModules(ENTRY);
  mf = new Miniflare({
    modules,
    modulesRoot: ROOT,
    compatibilityDate: "2024-09-23",
    bindings: {
      ...envVars(emu.urls, DEMO_KEYS),
      DEMO_KEYS: structuredClone(DEMO_KEYS),
      EMULATORS: { main: describeEmulator(emu), strict: describeEmulator(strict), grid: describeEmulator(grid) },
    },
  });
  const log = caseLogger(RUNTIME, args.quiet, console.error);
  const health = await (await mf.dispatchFetch("http://worker.test/health")).json();
  if (health.client !== "function") throw new Error(`the Worker could not load keygate: ${JSON.stringify(health)}`);
  const total = { groups: {}, failures: [], skipped: [], ms: 0 };
  const started = Date.now();
  for (const group of args.groups ?? GROUPS) {
    const q = new URLSearchParams({ group });
    if (args.only) q.set("only", args.only.source);
    let timer;
    const res = await Promise.race([
      mf.dispatchFetch(`http://worker.test/run?${q}`),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`group ${group} did not finish within ${GROUP_MS} ms`)), GROUP_MS);
      }),
    ]).finally(() => clearTimeout(timer));
    if (!res.ok) throw new Error(`the Worker answered ${res.status} for group ${group}: ${(await res.text()).slice(0, 500)}`);
    const r = await res.json();
    for (const line of r.lines) log(line);
    Object.assign(total.groups, r.groups);
    total.failures.push(...r.failures);
    total.skipped.push(...(r.skipped ?? []));
  }
  total.ms = Date.now() - started;
  console.log(matrixLine(RUNTIME, total, { entry: resolved.keygate, conditions: CONDITIONS }));
  process.exitCode = total.failures.length ? 1 : 0;
} catch (e) {
  console.error(`[${RUNTIME}] runner crashed: ${e?.stack ?? e}`);
  process.exitCode = 2;
} finally {
  await mf?.dispose().catch(() => {});
  await Promise.all([emu.close(), strict.close(), grid.close()]);
}
