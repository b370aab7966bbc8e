// Runs the contract suite (tests/contract/cases.js) in every runtime and prints the matrix.
//   node tests/runtimes/run.mjs [--jobs=N] [--only=regex] [--groups=a,b] [--verbose]
// Runtimes: node-esm, node-cjs, deno, bun, chromium + chromium-worker (one runner), workerd.
// Node-hosted runners (node, chromium, workerd) start their emulators in-process; for Deno and Bun
// this driver starts them (127.0.0.1, port 0) and passes their URLs. Every runner prints one
// `MATRIX {...}` line per runtime. Exit status is non-zero if any cell failed, any runtime printed
// no MATRIX line (crash, timeout), or a runner exited non-zero: nothing is ever skipped.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startEmulator } from "keygate/emulator";
import { GROUPS as CASE_GROUPS } from "../contract/cases.js";
import { VALIDATE_GROUP } from "./validate-entry.js";
import { EMULATOR_CONFIG, STRICT_CORS_CONFIG, FAULTGRID_CONFIG, describeEmulator } from "../contract/harness.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = (name) => path.join(ROOT, "node_modules/.bin", name);
const RUNNER_MS = 160_000;
const TOTAL_MS = 175_000;
// The validation cases also run against keygate/validate in every runtime (validate-entry.js).
const GROUPS = [...CASE_GROUPS.slice(0, CASE_GROUPS.indexOf("validation") + 1), VALIDATE_GROUP, ...CASE_GROUPS.slice(CASE_GROUPS.indexOf("validation") + 1)];
const BROWSER_RUNTIMES = new Set(["chromium", "chromium-worker"]);

const argv = process.argv.slice(2);
const opt = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const jobs = Math.max(1, Number(opt("jobs") ?? 3));
const verbose = argv.includes("--verbose");
const passThrough = argv.filter((a) => a.startsWith("--only=") || a.startsWith("--groups="));
const filtered = passThrough.length > 0;
const quiet = verbose ? [] : ["--quiet"];

const overall = setTimeout(() => {
  console.error(`run.mjs: gave up after ${TOTAL_MS} ms`);
  process.exit(3);
}, TOTAL_MS);
overall.unref();

// Emulators for the runtimes that cannot host one (Deno and Bun get one set each: the main one,
// one with Postiz's strict CORS, and the fault grid's).
const emulators = [];
async function emulatorSet() {
  const main = await startEmulator(EMULATOR_CONFIG);
  const strict = await startEmulator(STRICT_CORS_CONFIG);
  const grid = await startEmulator(FAULTGRID_CONFIG);
  emulators.push(main, strict, grid);
  return JSON.stringify({ main: describeEmulator(main), strict: describeEmulator(strict), grid: describeEmulator(grid) });
}

const runners = [
  { name: "node-esm", runtimes: ["node-esm"], cmd: process.execPath, args: ["tests/runtimes/node.mjs"] },
  { name: "node-cjs", runtimes: ["node-cjs"], cmd: process.execPath, args: ["tests/runtimes/node.cjs"] },
  { name: "chromium", runtimes: ["chromium", "chromium-worker"], cmd: process.execPath, args: ["tests/runtimes/chromium.mjs"] },
  {
    name: "deno", runtimes: ["deno"], cmd: BIN("deno"),
    args: async () => ["run", "--allow-read", "--allow-net=127.0.0.1", "--allow-env", "tests/runtimes/deno.mjs", await emulatorSet()],
  },
  { name: "bun", runtimes: ["bun"], cmd: BIN("bun"), args: async () => ["tests/runtimes/bun.mjs", await emulatorSet()] },
  { name: "workerd", runtimes: ["workerd"], cmd: process.execPath, args: ["tests/runtimes/workerd.mjs"] },
];

/** Runs one runner as its own process group; resolves with its MATRIX lines and output. */
async function run(r) {
  const args = [...(typeof r.args === "function" ? await r.args() : r.args), ...passThrough, ...quiet];
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(r.cmd, args, {
      cwd: ROOT, detached: true, stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    });
    let out = "";
    let err = "";
    let timedOut = false;
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => {
      err += d;
      if (verbose) process.stderr.write(d);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, "SIGKILL"); // the runner's own process group (browser, workerd, ...)
      } catch {
        child.kill("SIGKILL");
      }
    }, RUNNER_MS);
    const finish = (code, signal, spawnError) => {
      clearTimeout(timer);
      const matrix = out.split("\n").filter((l) => l.startsWith("MATRIX ")).map((l) => {
        try {
          return JSON.parse(l.slice(7));
        } catch {
          return null;
        }
      }).filter(Boolean);
      resolve({ runner: r, code, signal, timedOut, spawnError, matrix, out, err, ms: Date.now() - t0 });
    };
    child.on("error", (e) => finish(null, null, e));
    child.on("close", (code, signal) => finish(code, signal));
  });
}

async function pool(items, n, fn) {
  const results = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
      const res = results[i];
      const status = res.matrix.length && res.code === 0 ? "done" : "FAILED";
      console.error(`run.mjs: ${res.runner.name} ${status} in ${(res.ms / 1000).toFixed(1)} s (exit ${res.code ?? res.signal ?? "-"})`);
    }
  }));
  return results;
}

const started = Date.now();
let results;
try {
  results = await pool(runners, jobs, run);
} finally {
  await Promise.all(emulators.map((e) => e.close()));
}
const wall = Date.now() - started;

// ------------------------------------------------------------------ the matrix
const problems = [];
const rows = [];
for (const res of results) {
  const { runner } = res;
  if (res.spawnError) problems.push(`${runner.name}: could not start ${runner.cmd}: ${res.spawnError.message}`);
  if (res.timedOut) problems.push(`${runner.name}: killed after ${RUNNER_MS} ms`);
  else if (res.code !== 0) problems.push(`${runner.name}: exited with ${res.code ?? res.signal}`);
  for (const runtime of runner.runtimes) {
    const m = res.matrix.find((x) => x.runtime === runtime);
    if (!m) {
      problems.push(`${runtime}: printed no MATRIX line (a crash or a timeout is a failure, never a skip)`);
      rows.push({ runtime, groups: null, ms: res.ms });
      continue;
    }
    rows.push({ runtime, groups: m.groups, ms: m.ms, entry: m.entry, failures: m.failures, skipped: m.skipped ?? [] });
    for (const f of m.failures ?? []) problems.push(`${runtime}: ${f.group} / ${f.name}: ${f.error}`);
    const ran = Object.values(m.groups).reduce((n, t) => n + t.pass + t.fail, 0);
    if (ran === 0) problems.push(`${runtime}: ran no cases`);
    if (!filtered) {
      for (const g of GROUPS) {
        if (g === "browser" && !BROWSER_RUNTIMES.has(runtime)) continue;
        if (!m.groups[g] || m.groups[g].pass + m.groups[g].fail === 0) problems.push(`${runtime}: group ${g} did not run`);
      }
    }
  }
  const failedRunner = res.code !== 0 || res.matrix.length < runner.runtimes.length;
  if (failedRunner && !verbose) {
    const tail = res.err.trim().split("\n").slice(-25).join("\n");
    if (tail) console.error(`---- ${runner.name} stderr (last lines) ----\n${tail}\n----`);
  }
}

const columns = GROUPS.filter((g) => rows.some((r) => r.groups && r.groups[g]));
const cell = (t) => {
  if (!t) return "-";
  const skipped = t.skip ? ` +${t.skip} skip` : "";
  return t.fail ? `FAIL ${t.pass}/${t.pass + t.fail}${skipped}` : `${t.pass}/${t.pass}${skipped}`;
};
const table = [["runtime", ...columns, "time"]];
for (const r of rows) {
  const expected = (g) => g !== "browser" || BROWSER_RUNTIMES.has(r.runtime);
  table.push([r.runtime, ...columns.map((g) => (r.groups ? cell(r.groups[g]) : expected(g) ? "NO RESULT" : "-")), `${((r.ms ?? 0) / 1000).toFixed(1)} s`]);
}
const widths = table[0].map((_, i) => Math.max(...table.map((row) => String(row[i]).length)));
const line = (row) => row.map((c, i) => String(c).padEnd(widths[i])).join("  ");
console.log("");
console.log(line(table[0]));
console.log(widths.map((w) => "-".repeat(w)).join("  "));
for (const row of table.slice(1)) console.log(line(row));
console.log("");
for (const r of rows) if (r.entry) console.log(`${r.runtime.padEnd(16)} keygate from ${r.entry}`);
// Skipped cases (cases that do not apply in a runtime), each with its reason: never silent.
const skips = new Map(); // reason -> Map(case -> [runtimes])
for (const r of rows) {
  for (const sk of r.skipped ?? []) {
    const byCase = skips.get(sk.reason) ?? new Map();
    skips.set(sk.reason, byCase);
    const where = byCase.get(`${sk.group} / ${sk.name}`) ?? [];
    byCase.set(`${sk.group} / ${sk.name}`, where);
    where.push(r.runtime);
  }
}
for (const [reason, byCase] of skips) {
  console.log(`\nskipped, ${reason}:`);
  for (const [name, where] of byCase) console.log(`  ${name} [${where.length === rows.length ? "every runtime" : where.join(", ")}]`);
}
console.log(`\nwall time ${(wall / 1000).toFixed(1)} s (jobs=${jobs})`);
if (problems.length) {
  console.log(`\n${problems.length} problem(s):`);
  for (const p of problems) console.log(`  - ${p}`);
  process.exitCode = 1;
} else {
  const total = rows.reduce((n, r) => n + Object.values(r.groups).reduce((a, t) => a + t.pass, 0), 0);
  const skipped = rows.reduce((n, r) => n + r.skipped.length, 0);
  console.log(`all green: ${rows.length} runtimes, ${total} case runs${skipped ? `, ${skipped} skipped (listed above with their reasons)` : ""}`);
}
