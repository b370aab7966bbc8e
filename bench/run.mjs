// `make bench` (full) and `make bench-quick` (BENCH_QUICK=1, every count about 1/50).
//
// Measures keygate side by side with a baseline in one run and prints one table; the same goes to
// target/bench/results.json. Goals are reported, never asserted: the exit code is 0 whatever the
// figures, and non-zero only when the bench itself breaks (a crash, a child process failing, keygate
// answering wrongly). BENCH_STRICT=1 additionally exits 2 on a missed goal (full mode only).
//
// Figures:
//   size     .wasm + JS glue shipped to a worker, gzip -9 per file (as scripts/sizes.mjs)
//   cold     fresh `node -e 'import("keygate")…validateKey'` (and the same with require) vs bare
//            `node -e ""`, interleaved, median
//   ops/s    validateKey, buildHeaders vs bench/baseline.mjs (plain JS, same rules), interleaved rounds
//   latency  client.request GET vs raw fetch, ky and ofetch (retries and timeouts on for all three
//            libraries) against a loopback node:http server, interleaved, p50/p99; then a CPU
//            profile of a bounded run per side splits the per-request time into parts (bench/profile.mjs)
//   workerd  a fresh Miniflare per run (bench/workerd-cold.mjs): a Worker importing keygate vs the
//            same Worker without it, startup and first request, medians with p10-p90
//   peers    size: ky and ofetch bundled by esbuild (minified, Worker conditions), gzip
//   memory   wasm memory and RSS in a fresh process over 1M validateKey + 10k requests after warm-up;
//            wasm memory over POSTs of 8 MiB bodies (bench/big-body.mjs), bounded by count and time
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { gzipSync } from "node:zlib";

import * as baseline from "./baseline.mjs";
import { peerSides } from "./peer-sides.mjs";
import { peerSizes } from "./peer-sizes.mjs";
import { SIZE_GOALS, validateBundle, workerBundle } from "../scripts/size-measures.mjs";
import { profileSides } from "./profile.mjs";
import { HEADER_AGREEMENT, HEADER_MIX, KEYS, VALIDATE_AGREEMENT, VALIDATE_MIX } from "./corpus.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const OUT = join(ROOT, "target", "bench", "results.json");
const QUICK = ["1", "true", "yes"].includes(String(process.env.BENCH_QUICK ?? "").toLowerCase());
const STRICT = !QUICK && ["1", "true", "yes"].includes(String(process.env.BENCH_STRICT ?? "").toLowerCase());
const SCALE = QUICK ? 50 : 1;
const scaled = (full, min) => Math.max(min, Math.round(full / SCALE));

const COUNTS = {
  coldRuns: scaled(40, 5), // per side, after 2 discarded warm-up runs each
  opsRounds: QUICK ? 3 : 9,
  opsBatchMs: QUICK ? 20 : 200, // one timed batch per side per round
  opsBatchCap: QUICK ? 200_000 : 5_000_000, // calls per batch at most
  latencyWarm: scaled(500, 20), // rounds before timing
  latencyPairs: scaled(5000, 100), // timed rounds (one request per side each: keygate, fetch, ky, ofetch, fetchLikeKeygate)
  profileRequests: scaled(3000, 100), // per side, sequential, under the CPU profiler
  workerdRuns: scaled(15, 3), // per side, after one discarded pair
  bigBodies: { json: QUICK ? 3 : 1000, body: QUICK ? 3 : 100 }, // 8 MiB bodies of each kind, each kind bounded by bigBodyMs
  memory: {
    warmValidate: scaled(100_000, 2000), // warm-up = one tenth of the measured work
    warmRequests: scaled(1000, 20),
    validate: scaled(1_000_000, 1000),
    requests: scaled(10_000, 100),
    budgetMs: QUICK ? { warm: 3000, run: 8000 } : { warm: 20_000, run: 120_000 },
  },
};
// Wall-clock budgets per figure: a loop stops at its count or its budget, whichever comes first.
// Typical: quick ~5 s, full ~2-3 min (the 1,000 8 MiB json bodies alone take 40-80 s); worst
// case (a very slow machine) stays near 7 min.
const BUDGET_MS = QUICK
  ? { cold: 8000, ops: 6000, latency: 6000, profile: 3000, workerd: 10_000, workerdChild: 60_000, bigBodyMs: 6000, bigBodyChild: 30_000, memoryChild: 20_000, spawn: 15_000 }
  : { cold: 30_000, ops: 30_000, latency: 45_000, profile: 15_000, workerd: 30_000, workerdChild: 90_000, bigBodyMs: 120_000, bigBodyChild: 260_000, memoryChild: 160_000, spawn: 30_000 };

const GOALS = {
  sizeBytes: SIZE_GOALS.worker,
  coldOverMs: 5,
  opsRatio: 0.5,
  latencyRatio: 1.05, // vs raw fetch
  peerLatencyRatio: 1.0, // vs ky and ofetch: at or below theirs
  wasmGrowthBytes: 64 * 1024, // one wasm page
  rssGrowthBytes: (start) => Math.max(8 * 1024 * 1024, start * 0.1),
};

// ------------------------------------------------------------------ helpers

const log = (...a) => console.log(...a);
const note = (s) => process.stderr.write(`bench: ${s}\n`);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
const kib = (b) => `${(b / 1024).toFixed(1)} KiB`;
const mib = (b) => `${(b / 1024 / 1024).toFixed(2)} MiB`;
const signed = (b, f) => (b >= 0 ? `+${f(b)}` : `-${f(-b)}`);
const ms = (x) => `${x.toFixed(Math.abs(x) < 1 ? 3 : 2)} ms`;
const signedMs = (x) => `${x >= 0 ? "+" : ""}${ms(x)}`;
function perSec(x) {
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)} M/s`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)} k/s`;
  return `${x.toFixed(0)} /s`;
}
/** p10-p90 of xs, as text: the spread printed next to a median. */
const spread = (xs) => `p10-p90 ${percentile(xs, 10).toFixed(1)}-${percentile(xs, 90).toFixed(1)}`;
const ratioText = (r) => (Number.isFinite(r) ? `${r.toFixed(r < 0.1 ? 3 : 2)}x` : "—");

class BenchError extends Error {}
function check(cond, message) {
  if (!cond) throw new BenchError(message);
}

/** Runs a child to completion (bounded by timeoutMs); resolves to its stdout. */
function runChild(args, { timeoutMs, env = process.env, stdinPipe = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: [stdinPipe ? "pipe" : "ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new BenchError(`child ${args.join(" ").slice(0, 80)} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new BenchError(`child ${args.join(" ").slice(0, 80)} exited with ${code ?? signal}:\n${err.slice(-2000)}`));
    });
  });
}

/** Starts the loopback server child; resolves to { url, stop }. */
function startServer() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, "bench", "server.mjs")], {
      cwd: ROOT,
      env: { ...process.env, BENCH_SERVER_MAX_MS: String(QUICK ? 120_000 : 600_000) },
      stdio: ["pipe", "pipe", "inherit"],
    });
    let buf = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new BenchError("the loopback server did not start within 10 s"));
    }, 10_000);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new BenchError(`the loopback server exited early (${code})`));
    });
    child.stdout.on("data", (d) => {
      buf += d;
      const nl = buf.indexOf("\n");
      if (nl < 0) return;
      clearTimeout(timer);
      const { port } = JSON.parse(buf.slice(0, nl));
      child.removeAllListeners("exit");
      resolve({
        url: `http://127.0.0.1:${port}`,
        stop: () =>
          new Promise((r) => {
            if (child.exitCode !== null || child.signalCode !== null) return r();
            const kill = setTimeout(() => child.kill("SIGKILL"), 2000);
            child.once("exit", () => {
              clearTimeout(kill);
              r();
            });
            child.stdin.end();
          }),
      });
    });
  });
}

// ------------------------------------------------------------------ figures

const rows = [];
const details = {};

function row(r) {
  rows.push(r);
  return r;
}

async function sizeFigure() {
  const { files: per, gzip: total, raw: rawTotal } = workerBundle(ROOT);
  const base = gzipSync(readFileSync(join(ROOT, "bench", "baseline.mjs")), { level: 9 }).length;
  const peers = await peerSizes();
  const toolchain = (() => {
    try {
      return readFileSync(join(ROOT, "target", "wasm-toolchain"), "utf8").trim();
    } catch {
      return "unknown";
    }
  })();
  details.size = { files: per, totalGzip: total, totalRaw: rawTotal, baselineGzip: base, baselineFile: "bench/baseline.mjs", peers, toolchain };
  row({
    id: "size",
    figure: `worker bundle (.wasm + glue), gzip [${toolchain}]`,
    keygate: kib(total),
    baseline: `${kib(base)} (baseline.mjs); ky ${peers.ky.version} ${kib(peers.ky.gzip)}; ofetch ${peers.ofetch.version} ${kib(peers.ofetch.gzip)}`,
    ratio: `${ratioText(total / base)}; ${ratioText(total / peers.ky.gzip)} ky; ${ratioText(total / peers.ofetch.gzip)} ofetch`,
    goal: `≤ ${kib(GOALS.sizeBytes)}`,
    pass: total <= GOALS.sizeBytes,
    timing: false,
    values: { keygate: total, baseline: base, ky: peers.ky.gzip, ofetch: peers.ofetch.gzip },
  });
  const v = validateBundle(ROOT);
  details.validateSize = v;
  row({
    id: "validate-size",
    figure: `keygate/validate (entry + glue + inlined wasm, one gzip stream) [${toolchain}]`,
    keygate: `${kib(v.gzip)} (its wasm alone ${kib(v.wasmGzip)})`,
    baseline: `${kib(total)} (the full package's worker bundle)`,
    ratio: ratioText(v.gzip / total),
    goal: `≤ ${kib(SIZE_GOALS.validate)}`,
    pass: v.gzip <= SIZE_GOALS.validate,
    timing: false,
    values: { keygate: v.gzip, wasm: v.wasmGzip, full: total },
  });
}

function agreementCheck(api) {
  // The baseline must give the same answers as keygate, or its timings mean nothing.
  const plain = (v) => JSON.parse(JSON.stringify(v));
  const mismatches = [];
  for (const [i, c] of VALIDATE_AGREEMENT.entries()) {
    const a = plain(api.validateKey(...c));
    const b = plain(baseline.validateKey(...c));
    if (!isDeepStrictEqual(a, b)) mismatches.push({ what: "validateKey", case: i, provider: c[0], kind: c[2] ?? null, keygate: a.code, baseline: b.code, fields: Object.keys(a).filter((k) => !isDeepStrictEqual(a[k], b[k])) });
  }
  const run = (f, o) => {
    try {
      const h = f(o);
      return { ok: true, headers: { ...h }, shown: JSON.stringify(h), text: String(h) };
    } catch (e) {
      return { ok: false, name: e.name, code: e.code, message: e.message, provider: e.provider ?? null };
    }
  };
  for (const [i, o] of HEADER_AGREEMENT.entries()) {
    const a = run(api.buildHeaders, o);
    const b = run(baseline.buildHeaders, o);
    if (!isDeepStrictEqual(a, b)) mismatches.push({ what: "buildHeaders", case: i, keygate: a.code ?? "ok", baseline: b.code ?? "ok", fields: Object.keys(a).filter((k) => !isDeepStrictEqual(a[k], b[k])) });
  }
  // keygate itself must answer the timed mix as expected (first 8 valid, the rest refused).
  for (const [i, c] of VALIDATE_MIX.entries()) {
    const v = api.validateKey(...c);
    check(v.ok === i < 8, `keygate validateKey gave ok=${v.ok} (${v.code}) for mix case ${i}`);
  }
  for (const o of HEADER_MIX) check(Object.keys(api.buildHeaders(o)).length >= 1, "keygate buildHeaders returned no header");
  details.agreement = { cases: VALIDATE_AGREEMENT.length + HEADER_AGREEMENT.length, mismatches };
  if (mismatches.length) {
    note(`WARNING: baseline.mjs disagrees with keygate on ${mismatches.length} case(s); its timings compare different work:`);
    for (const m of mismatches.slice(0, 10)) note(`  ${JSON.stringify(m)}`);
  }
}

function coldStart() {
  // The children report their inner timings with fs.writeSync: creating process.stdout for a pipe
  // alone costs about 3 ms, which the bare baseline does not pay.
  const afterLoad = [
    "const t1 = performance.now();",
    `const v = k.validateKey("poelis", ${JSON.stringify(KEYS.poelis)});`,
    "const t2 = performance.now();",
    "if (!v.ok) process.exit(3);",
    'require("node:fs").writeSync(1, JSON.stringify({ boot: t0, importMs: t1 - t0, firstCallMs: t2 - t1 }));',
  ];
  const script = ["const t0 = performance.now();", 'import("keygate").then((k) => {', ...afterLoad, "});"].join("\n");
  const cjsScript = ["const t0 = performance.now();", 'const k = require("keygate");', ...afterLoad].join("\n");
  // "esm" is informational: the floor any `import()` of a file pays for Node's ESM loader,
  // keygate or not (bench/empty.mjs is an empty module).
  const sides = {
    bare: { args: ["-e", ""], times: [] },
    esm: { args: ["-e", 'import("./bench/empty.mjs").then(() => {})'], times: [] },
    keygate: { args: ["-e", script], times: [], inner: [] },
    keygateCjs: { args: ["-e", cjsScript], times: [], inner: [] },
  };
  const once = (name, record) => {
    const t = process.hrtime.bigint();
    const r = spawnSync(process.execPath, sides[name].args, { cwd: ROOT, encoding: "utf8", timeout: BUDGET_MS.spawn, stdio: ["ignore", "pipe", "pipe"] });
    const elapsed = Number(process.hrtime.bigint() - t) / 1e6;
    check(!r.error && r.status === 0, `cold start (${name}) failed: ${r.error?.message ?? `exit ${r.status}`} ${String(r.stderr).slice(0, 500)}`);
    if (!record) return;
    sides[name].times.push(elapsed);
    if (sides[name].inner) sides[name].inner.push(JSON.parse(r.stdout));
  };
  const names = Object.keys(sides);
  for (let i = 0; i < 2; i++) for (const name of names) once(name, false);
  const deadline = performance.now() + BUDGET_MS.cold;
  for (let i = 0; i < COUNTS.coldRuns && performance.now() < deadline; i++) {
    // Rotate the order so no side always runs first (or right after another).
    for (let j = 0; j < names.length; j++) once(names[(i + j) % names.length], true);
  }
  const kg = median(sides.keygate.times);
  const bare = median(sides.bare.times);
  const esm = median(sides.esm.times);
  const inChild = (side) => ({
    loadMs: median(side.inner.map((x) => x.importMs)),
    firstCallMs: median(side.inner.map((x) => x.firstCallMs)),
  });
  details.cold = {
    runs: sides.keygate.times.length,
    keygateMs: sides.keygate.times,
    requireMs: sides.keygateCjs.times,
    bareMs: sides.bare.times,
    esmFloorMs: sides.esm.times,
    medianKeygateMs: kg,
    medianRequireMs: median(sides.keygateCjs.times),
    medianBareMs: bare,
    medianEsmFloorMs: esm,
    medianOverMs: kg - bare,
    medianOverEsmFloorMs: kg - esm,
    medianInChild: { import: inChild(sides.keygate), require: inChild(sides.keygateCjs) },
  };
  for (const [id, how, side] of [["cold_start", "import", sides.keygate], ["cold_start_require", "require", sides.keygateCjs]]) {
    const t = median(side.times);
    row({
      id,
      figure: `cold start: ${how} + 1st validateKey (median of ${side.times.length})`,
      keygate: `${ms(t)} (${signedMs(t - bare)}; ${spread(side.times)})`,
      baseline: `${ms(bare)} (node -e ""; ${spread(sides.bare.times)})`,
      ratio: ratioText(t / bare),
      goal: `≤ +${GOALS.coldOverMs} ms`,
      pass: t - bare <= GOALS.coldOverMs,
      timing: true,
      values: { keygate: t, baseline: bare, overMs: t - bare },
    });
  }
}

function opsFigure(api) {
  let sink = 0;
  const L = VALIDATE_MIX.length;
  const H = HEADER_MIX.length;
  const impls = {
    validateKey: {
      keygate: (i) => api.validateKey(VALIDATE_MIX[i % L][0], VALIDATE_MIX[i % L][1], VALIDATE_MIX[i % L][2]).code.length,
      baseline: (i) => baseline.validateKey(VALIDATE_MIX[i % L][0], VALIDATE_MIX[i % L][1], VALIDATE_MIX[i % L][2]).code.length,
    },
    buildHeaders: {
      keygate: (i) => Object.keys(api.buildHeaders(HEADER_MIX[i % H])).length,
      baseline: (i) => Object.keys(baseline.buildHeaders(HEADER_MIX[i % H])).length,
    },
  };
  // One batch: calls in groups of 64 until the batch time or the call cap is reached.
  const batch = (fn, batchMs) => {
    let n = 0;
    const t0 = performance.now();
    let t = t0;
    while (n < COUNTS.opsBatchCap) {
      for (let j = 0; j < 64; j++) sink += fn(n + j);
      n += 64;
      t = performance.now();
      if (t - t0 >= batchMs) break;
    }
    return n / ((t - t0) / 1000);
  };
  const deadline = performance.now() + BUDGET_MS.ops;
  details.ops = {};
  for (const [name, sides] of Object.entries(impls)) {
    batch(sides.keygate, COUNTS.opsBatchMs); // warm-up (JIT, wasm tier-up)
    batch(sides.baseline, COUNTS.opsBatchMs);
    const got = { keygate: [], baseline: [] };
    for (let r = 0; r < COUNTS.opsRounds && (r === 0 || performance.now() < deadline); r++) {
      const order = r % 2 ? ["baseline", "keygate"] : ["keygate", "baseline"];
      for (const side of order) got[side].push(batch(sides[side], COUNTS.opsBatchMs));
    }
    const kg = median(got.keygate);
    const base = median(got.baseline);
    details.ops[name] = { rounds: got.keygate.length, keygatePerSec: got.keygate, baselinePerSec: got.baseline, medianKeygate: kg, medianBaseline: base, usPerCallKeygate: 1e6 / kg, usPerCallBaseline: 1e6 / base };
    row({
      id: `ops_${name}`,
      figure: `${name} calls/s (median of ${got.keygate.length} rounds)`,
      keygate: `${perSec(kg)} (${(1e6 / kg).toFixed(2)} µs)`,
      baseline: `${perSec(base)} (${(1e6 / base).toFixed(2)} µs)`,
      ratio: ratioText(kg / base),
      goal: `≥ ${GOALS.opsRatio}x`,
      pass: kg / base >= GOALS.opsRatio,
      timing: true,
      values: { keygate: kg, baseline: base },
    });
  }
  details.ops.sink = sink;
}

async function latencyFigure(api, server) {
  // Every library with its retries and timeouts on (2 retries, 10 s), as a user would run it.
  const peer = peerSides(api, server.url, check);
  const { url, headers } = peer;
  const sides = {
    keygate: peer.keygate,
    fetch: async () => {
      const r = await fetch(url, { headers });
      const data = await r.json();
      check(r.status === 200 && data?.count === 1, `fetch answered ${r.status}`);
    },
    ky: peer.ky,
    ofetch: peer.ofetch,
    // Informational: raw fetch doing what keygate's JS runtime does around each attempt (its own
    // AbortController + timer, redirect "manual", arrayBuffer + TextDecoder + JSON.parse), so the
    // rest of the gap is keygate's request loop and the wasm boundary.
    fetchLikeKeygate: async () => {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 10_000);
      try {
        const r = await fetch(url, { method: "GET", headers: { ...headers }, redirect: "manual", signal: controller.signal });
        const data = JSON.parse(decoder.decode(new Uint8Array(await r.arrayBuffer())));
        check(r.status === 200 && data?.count === 1, `fetch answered ${r.status}`);
      } finally {
        clearTimeout(timer);
      }
    },
  };
  const decoder = new TextDecoder();
  const names = Object.keys(sides);
  const times = Object.fromEntries(names.map((n) => [n, []]));
  const timed = async (name) => {
    const t = performance.now();
    await sides[name]();
    return performance.now() - t;
  };
  for (let i = 0; i < COUNTS.latencyWarm; i++) for (const name of names) await timed(name);
  const deadline = performance.now() + BUDGET_MS.latency;
  for (let i = 0; i < COUNTS.latencyPairs && performance.now() < deadline; i++) {
    // Rotate the order so no side always goes first.
    for (let j = 0; j < names.length; j++) {
      const name = names[(i + j) % names.length];
      times[name].push(await timed(name));
    }
  }
  const stats = (xs) => ({ p50: percentile(xs, 50), p99: percentile(xs, 99), mean: xs.reduce((a, b) => a + b, 0) / xs.length });
  const st = Object.fromEntries(names.map((n) => [n, stats(times[n])]));
  const kg = st.keygate;
  details.latency = { pairs: times.keygate.length, ...st };
  for (const p of ["p50", "p99"]) {
    for (const [peer, label, goal] of [["fetch", "raw fetch", GOALS.latencyRatio], ["ky", "ky", GOALS.peerLatencyRatio], ["ofetch", "ofetch", GOALS.peerLatencyRatio]]) {
      const other = st[peer][p];
      row({
        id: peer === "fetch" ? `latency_${p}` : `latency_${p}_vs_${peer}`,
        figure: `client.request GET ${p} vs ${label} (${times.keygate.length} interleaved runs)`,
        keygate: ms(kg[p]),
        baseline: `${ms(other)} (${label})`,
        ratio: ratioText(kg[p] / other),
        goal: `≤ ${goal.toFixed(2)}x`,
        pass: kg[p] / other <= goal,
        timing: true,
        values: { keygate: kg[p], baseline: other },
      });
    }
  }
  // Where the time goes: the same requests under the CPU profiler, per side.
  details.latency.profile = await profileSides(
    { keygate: sides.keygate, fetch: sides.fetch, fetchLikeKeygate: sides.fetchLikeKeygate, ky: sides.ky, ofetch: sides.ofetch },
    { requests: COUNTS.profileRequests, budgetMs: BUDGET_MS.profile },
  );
}

async function workerdFigure() {
  const out = await runChild([join(ROOT, "bench", "workerd-cold.mjs"), String(COUNTS.workerdRuns), String(BUDGET_MS.workerd)], {
    timeoutMs: BUDGET_MS.workerdChild,
    env: { ...process.env, BENCH_POELIS_KEY: KEYS.poelis },
  });
  const r = JSON.parse(out.trim().split("\n").pop());
  check(r.keygate.length > 0 && r.bare.length > 0, "workerd cold start: no run finished");
  details.workerd = r;
  for (const [key, what] of [["startMs", "new Miniflare → ready (modules evaluated)"], ["firstMs", "first request dispatch → response read"]]) {
    const k = r.keygate.map((x) => x[key]);
    const b = r.bare.map((x) => x[key]);
    const over = median(k) - median(b);
    row({
      id: `workerd_${key}`,
      figure: `workerd cold start: ${what} (median of ${k.length})`,
      keygate: `${ms(median(k))} (${signedMs(over)}; ${spread(k)})`,
      baseline: `${ms(median(b))} (same Worker without keygate; ${spread(b)})`,
      ratio: ratioText(median(k) / median(b)),
      goal: `≤ +${GOALS.coldOverMs} ms`,
      pass: over <= GOALS.coldOverMs,
      timing: true,
      values: { keygate: median(k), baseline: median(b), overMs: over },
    });
  }
}

async function memoryFigure(server) {
  const results = {};
  for (const mode of ["keygate", "baseline"]) {
    const out = await runChild(["--expose-gc", join(ROOT, "bench", "memory.mjs"), mode, server.url, JSON.stringify(COUNTS.memory)], { timeoutMs: BUDGET_MS.memoryChild });
    results[mode] = JSON.parse(out.trim().split("\n").pop());
  }
  details.memory = results;
  const kg = results.keygate;
  const base = results.baseline;
  // Wasm memory never shrinks, so any page added after warm-up counts. RSS (and the JS heap) breathe
  // with V8's young generation and code space even right after a GC (swings of 10+ MiB between
  // rounds are normal), so their growth is floor to floor: the lowest sample of the last half of
  // the ten rounds minus the lowest of the first half. A leak lifts the floor; the swings do not.
  const steady = (r) => r.samples.slice(r.samples.findIndex((x) => x.label === "after warm-up"));
  const rounds = (r) => r.samples.filter((x) => /^\d+\/10$/.test(x.label));
  const growth = (xs) => {
    if (xs.length < 2) return 0;
    const h = xs.length >> 1;
    return Math.min(...xs.slice(-h)) - Math.min(...xs.slice(0, h));
  };
  const work = (r) => `${r.validations.toLocaleString("en")} validateKey + ${r.requests.toLocaleString("en")} requests${r.complete ? "" : " (budget hit)"}`;
  check(kg.sameInstance === true, "memory child did not measure the wasm instance keygate uses");
  const ks = steady(kg);
  const w0 = ks[0].wasm;
  const wMax = Math.max(...ks.map((x) => x.wasm));
  const w1 = ks[ks.length - 1].wasm;
  row({
    id: "memory_wasm",
    figure: `wasm memory, warm-up → after ${work(kg)}`,
    keygate: `${mib(w0)} → ${mib(w1)} (${signed(wMax - w0, kib)})${kg.sameInstance ? "" : " [own instance]"}`,
    baseline: "— (no wasm)",
    ratio: "—",
    goal: `flat (≤ +${kib(GOALS.wasmGrowthBytes)})`,
    pass: kg.complete && wMax - w0 <= GOALS.wasmGrowthBytes,
    timing: false,
    values: { keygate: { start: w0, end: w1, max: wMax } },
  });
  // Big request bodies (issue 19 item 4): a fresh process, wasm memory before and after.
  const big = JSON.parse((await runChild([join(ROOT, "bench", "big-body.mjs"), server.url, String(COUNTS.bigBodies.json), String(COUNTS.bigBodies.body), String(BUDGET_MS.bigBodyMs)], { timeoutMs: BUDGET_MS.bigBodyChild })).trim().split("\n").pop());
  check(big.sameInstance === true, "big-body child did not measure the wasm instance keygate uses");
  details.memory.bigBodies = big;
  for (const [kind, what] of [["body", "8 MiB Uint8Array body"], ["json", "8 MiB json body"]]) {
    const k = big.kinds[kind];
    row({
      id: `memory_wasm_big_${kind}`,
      figure: `wasm memory over ${k.requests} of ${k.asked} POSTs with an ${what}`,
      keygate: `${mib(k.before)} → ${mib(k.after)} (${signed(k.after - k.before, kib)})`,
      baseline: "— (no wasm)",
      ratio: "—",
      goal: `flat (≤ +${kib(GOALS.wasmGrowthBytes)}) after all ${k.asked}`,
      pass: k.requests === k.asked && k.after - k.before <= GOALS.wasmGrowthBytes,
      timing: false,
      values: { keygate: { start: k.before, end: k.after, requests: k.requests, asked: k.asked } },
    });
  }
  const rss = (xs) => xs.map((x) => x.rss);
  const heap = (xs) => xs.map((x) => x.heapUsed);
  const kr = rounds(kg);
  const br = rounds(base);
  const kGrowth = growth(rss(kr));
  const bGrowth = growth(rss(br));
  const floor = (xs) => Math.min(...rss(xs).slice(-Math.max(1, xs.length >> 1)));
  const rssGoal = GOALS.rssGrowthBytes(floor(kr));
  details.memory.growth = {
    method: "floor to floor: min of the last half of the 10 rounds minus min of the first half (after GC)",
    keygate: { rss: kGrowth, heapUsed: growth(heap(kr)), wasm: wMax - w0, rssMax: Math.max(...rss(kr)) },
    baseline: { rss: bGrowth, heapUsed: growth(heap(br)), rssMax: Math.max(...rss(br)) },
  };
  row({
    id: "memory_rss",
    figure: "process RSS after GC, floor of rounds 1-5 → 6-10",
    keygate: `${mib(floor(kr))} (${signed(kGrowth, mib)})`,
    baseline: `${mib(floor(br))} (${signed(bGrowth, mib)})`,
    ratio: ratioText(floor(kr) / floor(br)),
    goal: `flat (≤ +${mib(rssGoal)})`,
    pass: kg.complete && kGrowth <= rssGoal,
    timing: false,
    values: { keygate: { growth: kGrowth, floor: floor(kr) }, baseline: { growth: bGrowth, floor: floor(br) } },
  });
}

// ------------------------------------------------------------------ report

function printTable() {
  const head = ["figure", "keygate", "baseline", "ratio", "goal", "result"];
  const body = rows.map((r) => {
    let result = r.pass ? "pass" : "MISS";
    if (QUICK && r.timing) result += " (quick)";
    return [r.figure, r.keygate, r.baseline, r.ratio, r.goal, result];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  log("");
  log(line(head));
  log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const b of body) log(line(b));
  log("");
}

async function main() {
  const started = performance.now();
  const env = {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpu: os.cpus()[0]?.model ?? "unknown",
    cpus: os.cpus().length,
    loadavg: os.loadavg().map((x) => Number(x.toFixed(2))),
  };
  log(`keygate bench (${QUICK ? "quick: counts /50, timings indicative only and never failing" : "full"}) — node ${env.node}, ${env.cpus}× ${env.cpu}, load ${env.loadavg.join(" ")}`);

  await sizeFigure();
  const api = await import("keygate");
  agreementCheck(api);
  note("cold start…");
  coldStart();
  note("workerd cold start (miniflare)…");
  await workerdFigure();
  note("calls per second…");
  opsFigure(api);
  const server = await startServer();
  try {
    note("request latency…");
    await latencyFigure(api, server);
    note(`memory (${COUNTS.memory.validate.toLocaleString("en")} validateKey + ${COUNTS.memory.requests.toLocaleString("en")} requests, fresh processes)…`);
    await memoryFigure(server);
  } finally {
    await server.stop();
  }

  printTable();
  const s = details.size;
  for (const f of s.files) log(`  ${f.file.padEnd(26)} ${String(f.raw).padStart(8)} B raw ${String(f.gzip).padStart(8)} B gzip`);
  const c = details.cold.medianInChild;
  const d = details.cold;
  log(`  cold start: Node's ESM loader alone (import of bench/empty.mjs) costs ${signedMs(d.medianEsmFloorMs - d.medianBareMs)}; keygate on top of that ${signedMs(d.medianOverEsmFloorMs)}`);
  log(`  cold start inside the child: import("keygate") ${ms(c.import.loadMs)}, first validateKey ${ms(c.import.firstCallMs)}; require("keygate") ${ms(c.require.loadMs)}, first validateKey ${ms(c.require.firstCallMs)}`);
  const l = details.latency;
  log(`  request latency p50/p99: keygate ${ms(l.keygate.p50)}/${ms(l.keygate.p99)}, raw fetch ${ms(l.fetch.p50)}/${ms(l.fetch.p99)}, ky ${ms(l.ky.p50)}/${ms(l.ky.p99)}, ofetch ${ms(l.ofetch.p50)}/${ms(l.ofetch.p99)}, fetch with keygate's per-attempt JS work (timer, AbortController, manual redirect, arrayBuffer+JSON.parse) ${ms(l.fetchLikeKeygate.p50)}/${ms(l.fetchLikeKeygate.p99)}`);
  const prof = l.profile;
  const parts = [...new Set(Object.values(prof).flatMap((x) => Object.keys(x.usPerRequest)))];
  const sideNames = Object.keys(prof);
  log(`  CPU time per request by part (µs, sampling profiler, ${prof.keygate.requests} sequential requests per side; idle excluded):`);
  log(`    ${"part".padEnd(46)} ${sideNames.map((n) => n.padStart(16)).join(" ")} ${"keygate-fetch".padStart(14)}`);
  for (const part of parts) {
    const v = (n) => prof[n].usPerRequest[part] ?? 0;
    log(`    ${part.padEnd(46)} ${sideNames.map((n) => v(n).toFixed(1).padStart(16)).join(" ")} ${(v("keygate") - v("fetch")).toFixed(1).padStart(14)}`);
  }
  const cpu = (n) => Object.values(prof[n].usPerRequest).reduce((a, b) => a + b, 0);
  log(`    ${"total CPU".padEnd(46)} ${sideNames.map((n) => cpu(n).toFixed(1).padStart(16)).join(" ")} ${(cpu("keygate") - cpu("fetch")).toFixed(1).padStart(14)}`);
  log(`    ${"wall time per request".padEnd(46)} ${sideNames.map((n) => prof[n].wallUsPerRequest.toFixed(1).padStart(16)).join(" ")} ${(prof.keygate.wallUsPerRequest - prof.fetch.wallUsPerRequest).toFixed(1).padStart(14)}`);
  const ps = details.size.peers;
  log(`  peers' bundles (esbuild --bundle --minify, Worker conditions, gzip -9): ky ${ps.ky.version} ${ps.ky.raw} B raw ${ps.ky.gzip} B gzip; ofetch ${ps.ofetch.version} ${ps.ofetch.raw} B raw ${ps.ofetch.gzip} B gzip`);
  const g = details.memory.growth;
  log(`  memory growth after warm-up (floor to floor): keygate wasm ${signed(g.keygate.wasm, kib)}, RSS ${signed(g.keygate.rss, mib)} (peak ${mib(g.keygate.rssMax)}), JS heap ${signed(g.keygate.heapUsed, mib)}; baseline RSS ${signed(g.baseline.rss, mib)} (peak ${mib(g.baseline.rssMax)}), JS heap ${signed(g.baseline.heapUsed, mib)}`);
  if (details.agreement.mismatches.length) log(`  WARNING: baseline disagrees with keygate on ${details.agreement.mismatches.length} case(s) (see results.json)`);
  const missed = rows.filter((r) => !r.pass);
  const elapsed = (performance.now() - started) / 1000;
  if (missed.length === 0) log("All goals met.");
  else {
    log(`Goals missed (${missed.length} of ${rows.length})${QUICK ? " — quick mode, timing figures are not meaningful at these counts" : ""}:`);
    for (const r of missed) log(`  - ${r.figure}: ${r.keygate} vs goal ${r.goal}${QUICK && r.timing ? " (timing, quick mode)" : ""}`);
  }
  log(`bench took ${elapsed.toFixed(1)} s; results in ${OUT.slice(ROOT.length + 1)}`);

  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(
    OUT,
    `${JSON.stringify({ mode: QUICK ? "quick" : "full", date: new Date().toISOString(), elapsedSeconds: elapsed, env, counts: COUNTS, goals: { ...GOALS, rssGrowthBytes: "max(8 MiB, 10% of the RSS floor)" }, rows, missed: missed.map((r) => r.id), details }, null, 2)}\n`,
  );
  if (STRICT && missed.length) process.exitCode = 2;
}

main().catch((e) => {
  console.error(`bench: FAILED: ${e?.stack ?? e}`);
  try {
    mkdirSync(dirname(OUT), { recursive: true });
    writeFileSync(OUT, `${JSON.stringify({ mode: QUICK ? "quick" : "full", date: new Date().toISOString(), error: String(e?.message ?? e), rows, details }, null, 2)}\n`);
  } catch {
    // the error above is what matters
  }
  process.exitCode = 1;
});
