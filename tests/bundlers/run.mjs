// The bundler matrix (issue 13): one fresh project per case, built with the tool's default config
// from the tarball `npm pack` makes of pkg/, and run for real (pages in Chromium, servers fetched on
// loopback, workers in workerd), each checking validateKey, detectProvider, the typed errors and one
// request to the provider emulator (tests/bundlers/probe/probe.js).
//   node tests/bundlers/run.mjs [--only=regex] [--jobs=N] [--tarball=file.tgz] [--verbose]
// --tarball (or $KEYGATE_TARBALL) tests a given tarball instead of packing pkg/ (an older build, say).
// Scratch: $KEYGATE_BUNDLERS_DIR or /tmp/keygate-bundlers (outside the repo, so no ancestor
// lockfile confuses a tool's root inference). Tools: tests/bundlers/toolsets/<set>/ (pinned
// package.json + package-lock.json), installed with `npm ci` into <scratch>/<set>/ unless its stamp
// says the lockfile is unchanged. Cases: tests/bundlers/cases/*.mjs export `cases`, an array of
// { id, toolset, checks?, note?, timeoutMs?, run(ctx) }; run returns { validateKey, detectProvider,
// typedErrors, request } (true, false or { skip: "reason" }), or throws. Nothing is ever skipped
// silently: a tool that cannot run here fails its case with the reason.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { cp, mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import { gzipSync } from "node:zlib";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { startEmulator, DEMO_KEYS } from "keygate/emulator";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "../..");
const PKG = path.join(ROOT, "pkg");
const BIN = (name) => path.join(ROOT, "node_modules/.bin", name);
const SCRATCH = path.resolve(process.env.KEYGATE_BUNDLERS_DIR ?? "/tmp/keygate-bundlers");
const CASE_MS = 240_000;
const INSTALL_MS = 600_000;
const TOTAL_MS = 25 * 60_000;
export const CHECKS = ["validateKey", "detectProvider", "typedErrors", "request"];

const argv = process.argv.slice(2);
const opt = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const jobs = Math.max(1, Number(opt("jobs") ?? 2));
const only = opt("only") ? new RegExp(opt("only")) : null;
const verbose = argv.includes("--verbose");

setTimeout(() => {
  console.error(`bundlers: gave up after ${TOTAL_MS / 1000} s`);
  process.exit(3);
}, TOTAL_MS).unref();

const say = (...a) => console.error("bundlers:", ...a);
const secretList = [];
const redactText = (s) => {
  let out = String(s);
  for (const k of secretList) out = out.split(k).join("<key>");
  return out;
};

// ------------------------------------------------------------------ processes
const BASE_ENV = {
  ...process.env,
  NO_COLOR: "1",
  FORCE_COLOR: "0",
  npm_config_update_notifier: "false",
  npm_config_fund: "false",
  npm_config_audit: "false",
  WRANGLER_SEND_METRICS: "false",
  NEXT_TELEMETRY_DISABLED: "1",
  DO_NOT_TRACK: "1",
  BROWSERSLIST_IGNORE_OLD_DATA: "1",
};
delete BASE_ENV.NODE_OPTIONS;

function killGroup(child) {
  if (!child.pid || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    try {
      child.kill("SIGKILL");
    } catch {}
  }
}

/** Runs a command in its own process group; resolves { code, stdout, stderr } (never rejects on a
 * non-zero exit; code is null with timedOut set when it was killed). */
function exec(cmd, args = [], { cwd, env, timeoutMs = 120_000, input, tracker } = {}) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    let child;
    try {
      child = spawn(cmd, args, { cwd, env: { ...BASE_ENV, ...env }, detached: true, stdio: [input ? "pipe" : "ignore", "pipe", "pipe"] });
    } catch (e) {
      resolve({ code: null, stdout: "", stderr: `could not start ${cmd}: ${e.message}`, ms: 0 });
      return;
    }
    tracker?.add(child);
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    if (input) child.stdin.end(input);
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, timeoutMs);
    let done = false;
    const finish = (code, err) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      tracker?.delete(child);
      if (err) stderr += `\ncould not start ${cmd}: ${err.message}`;
      if (timedOut) stderr += `\n${path.basename(cmd)} killed after ${timeoutMs} ms`;
      resolve({ code: timedOut ? null : code, stdout, stderr, timedOut, ms: Date.now() - t0 });
    };
    child.on("error", (e) => finish(null, e));
    child.on("close", (code) => finish(code));
  });
}

const tail = (s, n = 12) => redactText(s).trim().split("\n").filter(Boolean).slice(-n).join("\n");
const head = (s, n = 12) => redactText(s).trim().split("\n").filter(Boolean).slice(0, n).join("\n");

function httpGet(url, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(null));
  });
}

/** A long-running server in its own process group, ready once a GET to readyUrl answers. */
async function spawnServer(cmd, args = [], { cwd, env, readyUrl, timeoutMs = 90_000, tracker } = {}) {
  if (!readyUrl || !/^http:\/\/127\.0\.0\.1[:/]/.test(readyUrl)) throw new Error(`spawnServer: readyUrl must be http://127.0.0.1:…, got ${readyUrl}`);
  const child = spawn(cmd, args, { cwd, env: { ...BASE_ENV, ...env }, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  tracker?.add(child);
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  let exited = null;
  const closed = new Promise((r) => child.on("close", (code, sig) => r((exited = `exited with ${code ?? sig}`))));
  child.on("error", (e) => (exited = `could not start ${cmd}: ${e.message}`));
  const stop = async () => {
    killGroup(child);
    await Promise.race([closed, new Promise((r) => setTimeout(r, 3000))]);
    tracker?.delete(child);
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited) break;
    if ((await httpGet(readyUrl)) !== null) return { url: readyUrl, stop, output: () => output, child };
    await new Promise((r) => setTimeout(r, 300));
  }
  await stop();
  throw new Error(`${path.basename(cmd)} ${args.join(" ")}: ${exited ?? `no answer on ${readyUrl} within ${timeoutMs} ms`}\n${tail(output)}`);
}

const MIME = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css", ".json": "application/json", ".wasm": "application/wasm", ".map": "application/json",
};

/** A loopback static server for a built directory (index.html for "/"; application/wasm). */
async function serveStatic(root) {
  const base = path.resolve(root);
  const server = http.createServer(async (req, res) => {
    try {
      let rel = decodeURIComponent(new URL(req.url, "http://x").pathname);
      if (rel.endsWith("/")) rel += "index.html";
      const file = path.resolve(base, `.${rel}`);
      if (file !== base && !file.startsWith(base + path.sep)) throw new Error("outside");
      const body = await readFile(file);
      res.writeHead(200, { "content-type": MIME[path.extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
      res.end(body);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found");
    }
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    stop: () => new Promise((r) => {
      server.closeAllConnections?.();
      server.close(() => r());
    }),
  };
}

/** "N KB js (N KB gzip) + N KB wasm" for the files a build wrote (source maps left out). */
async function bundleSize(root) {
  let js = 0;
  let gz = 0;
  let wasm = 0;
  const walk = async (d) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const f = path.join(d, e.name);
      if (e.isDirectory()) await walk(f);
      else if (/\.(m|c)?js$/.test(e.name)) {
        const b = await readFile(f);
        js += b.length;
        gz += gzipSync(b).length;
      } else if (e.name.endsWith(".wasm")) wasm += (await readFile(f)).length;
    }
  };
  await walk(root);
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  return `${kb(js)} js (${kb(gz)} gzip)${wasm ? ` + ${kb(wasm)} wasm` : ""}`;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// ------------------------------------------------------------------ Chromium (one, shared)
export const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
  "--disable-sync", "--disable-quic", "--no-first-run", "--disable-dev-shm-usage",
];
let browserPromise = null;
function sharedBrowser() {
  browserPromise ??= (async () => {
    const { chromium } = await import("playwright-core");
    return chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS, timeout: 60_000 });
  })();
  return browserPromise;
}

/** A fresh page (own context); records page errors, console errors and failed/404 responses. */
async function newPage(pages) {
  const browser = await sharedBrowser();
  const context = await browser.newContext();
  const page = await context.newPage();
  pages.add(context);
  const events = [];
  let onError;
  page.keygateError = new Promise((r) => (onError = r));
  page.on("pageerror", (e) => {
    events.push(`page error: ${e.message}`);
    onError(e);
  });
  page.on("console", (m) => {
    if (m.type() === "error") events.push(`console.error: ${m.text()}`);
  });
  page.on("requestfailed", (r) => events.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  page.on("response", (r) => {
    if (r.status() >= 400) events.push(`HTTP ${r.status()} ${r.url()}`);
  });
  page.keygateEvents = events;
  return page;
}

// ------------------------------------------------------------------ the probe, as each case uses it
const PROBE = path.join(HERE, "probe/probe.js");
const PROBE_SOURCE = readFileSync(PROBE, "utf8");

/** probe.js as ESM (spec: the module to import keygate from) or CommonJS. */
function probeSource({ cjs = false, spec = "keygate" } = {}) {
  let src = PROBE_SOURCE.replace(/from "keygate";/, `from ${JSON.stringify(spec)};`);
  if (cjs) {
    src = src
      .replace(/import \{([^}]*)\} from ("[^"]+");/, (_, names, s) => `const {${names}} = require(${s});`)
      .replace("export async function probe", "async function probe");
    src += "\nmodule.exports = { probe };\n";
  }
  return src;
}

// Entry modules: they run the probe and report one line (Node-like) or set window.__keygateProbe.
const ENTRIES = {
  // Node, Deno, Bun, tsx: the probe's argument comes in KEYGATE_PROBE.
  esm: `import { probe } from "./probe.js";
const raw = globalThis.Deno ? Deno.env.get("KEYGATE_PROBE") : process.env.KEYGATE_PROBE;
const result = await probe(JSON.parse(raw));
console.log("PROBE " + JSON.stringify(result));
`,
  cjs: `const { probe } = require("./probe.js");
probe(JSON.parse(process.env.KEYGATE_PROBE)).then(
  (result) => console.log("PROBE " + JSON.stringify(result)),
  (e) => { console.error(e); process.exitCode = 1; },
);
`,
  // Pages: the argument comes in the URL fragment (never sent to any server).
  browser: `import { probe } from "./probe.js";
const arg = JSON.parse(decodeURIComponent(location.hash.slice(1)));
probe(arg).then(
  (result) => { window.__keygateProbe = result; document.body.dataset.probe = "done"; },
  (e) => { window.__keygateProbe = { error: String((e && e.stack) || e) }; },
);
`,
};

function parseProbeLine(out, where) {
  const line = out.stdout.split("\n").find((l) => l.startsWith("PROBE "));
  if (!line) {
    throw new Error(`${where}: printed no PROBE line (exit ${out.code})\n${head(out.stderr || out.stdout)}`);
  }
  return JSON.parse(line.slice(6));
}

// ------------------------------------------------------------------ setup
async function pack() {
  await mkdir(SCRATCH, { recursive: true });
  const given = opt("tarball") ?? process.env.KEYGATE_TARBALL;
  if (given) {
    const tarball = path.join(SCRATCH, "keygate.tgz");
    await cp(path.resolve(given), tarball);
    return tarball;
  }
  const out = await exec("npm", ["pack", "--silent", "--pack-destination", SCRATCH], { cwd: PKG, timeoutMs: 120_000 });
  const name = out.stdout.trim().split("\n").pop();
  if (out.code !== 0 || !name) throw new Error(`npm pack failed: ${tail(out.stderr)}`);
  const tarball = path.join(SCRATCH, "keygate.tgz");
  await rename(path.join(SCRATCH, name), tarball);
  return tarball;
}

async function installToolset(set) {
  const src = path.join(HERE, "toolsets", set);
  const dir = path.join(SCRATCH, set);
  const lock = await readFile(path.join(src, "package-lock.json"));
  const manifest = await readFile(path.join(src, "package.json"));
  const hash = createHash("sha256").update(manifest).update(lock).update(process.version).digest("hex");
  const stamp = path.join(dir, ".installed-stamp");
  if (existsSync(stamp) && existsSync(path.join(dir, "node_modules")) && (await readFile(stamp, "utf8")) === hash) {
    return { set, ms: 0, cached: true };
  }
  await mkdir(dir, { recursive: true });
  await rm(stamp, { force: true });
  await writeFile(path.join(dir, "package.json"), manifest);
  await writeFile(path.join(dir, "package-lock.json"), lock);
  const t0 = Date.now();
  const out = await exec("npm", ["ci", "--no-audit", "--no-fund", "--prefer-offline"], { cwd: dir, timeoutMs: INSTALL_MS });
  if (out.code !== 0) throw new Error(`npm ci in ${dir} failed (exit ${out.code}):\n${tail(out.stderr, 20)}`);
  await writeFile(stamp, hash);
  return { set, ms: Date.now() - t0, cached: false };
}

async function pool(items, n, fn) {
  const results = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  }));
  return results;
}

async function loadCases() {
  const files = (await readdir(path.join(HERE, "cases"))).filter((f) => f.endsWith(".mjs")).sort();
  const all = [];
  for (const f of files) {
    const mod = await import(pathToFileURL(path.join(HERE, "cases", f)).href);
    if (!Array.isArray(mod.cases)) throw new Error(`cases/${f} exports no \`cases\` array`);
    for (const c of mod.cases) {
      if (!c.id || !c.toolset || typeof c.run !== "function") throw new Error(`cases/${f}: a case needs id, toolset and run`);
      all.push({ ...c, file: f });
    }
  }
  const ids = new Set();
  for (const c of all) {
    if (ids.has(c.id)) throw new Error(`duplicate case id ${c.id}`);
    ids.add(c.id);
  }
  return all;
}

// ------------------------------------------------------------------ one case
async function runCase(c, shared) {
  const dir = path.join(SCRATCH, c.toolset, "cases", c.id);
  const toolsetDir = path.join(SCRATCH, c.toolset);
  const tracker = new Set();
  const servers = new Set();
  const pages = new Set();
  const logs = [];
  const log = (...a) => {
    const line = redactText(a.join(" "));
    logs.push(line);
    if (verbose) console.error(`[${c.id}] ${line}`);
  };
  const ctx = {
    id: c.id,
    dir,
    scratch: SCRATCH,
    toolsetDir,
    toolsetBin: (name) => path.join(toolsetDir, "node_modules/.bin", name),
    repoBin: BIN,
    root: ROOT,
    tarball: shared.tarball,
    emulator: shared.emulator,
    baseUrls: shared.baseUrls,
    probeEnv: { KEYGATE_PROBE: JSON.stringify(shared.baseUrls) },
    probeSource: PROBE,
    probe: probeSource,
    entries: ENTRIES,
    log,
    freePort,
    async installKeygate(into = dir) {
      // The tarball's contents, for real (no symlink): what `npm install keygate.tgz` unpacks.
      const target = path.join(into, "node_modules", "keygate");
      await rm(target, { recursive: true, force: true });
      await mkdir(target, { recursive: true });
      const out = await exec("tar", ["-xzf", shared.tarball, "-C", target, "--strip-components=1"], { timeoutMs: 60_000, tracker });
      if (out.code !== 0) throw new Error(`extracting the tarball failed: ${tail(out.stderr)}`);
      return target;
    },
    async write(rel, text) {
      const file = path.resolve(dir, rel);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, text);
      return file;
    },
    async writeProbe(relDir = ".", { cjs = false, spec = "keygate", entry = null, entryName = null } = {}) {
      await ctx.write(path.join(relDir, "probe.js"), probeSource({ cjs, spec }));
      if (entry) await ctx.write(path.join(relDir, entryName ?? (entry === "cjs" ? "main.cjs" : entry === "esm" ? "main.mjs" : "main.js")), ENTRIES[entry]);
    },
    exec: (cmd, args, o = {}) => exec(cmd, args, { cwd: dir, ...o, tracker }),
    /** exec that throws (with the first lines of stderr) unless the command exits 0. */
    async mustExec(cmd, args, o = {}) {
      const out = await exec(cmd, args, { cwd: dir, ...o, tracker });
      log(`$ ${path.basename(cmd)} ${args.join(" ")} -> ${out.code} (${out.ms} ms)`);
      if (out.code !== 0) {
        const text = `${out.stderr}\n${out.stdout}`;
        throw new Error(`${path.basename(cmd)} ${args.join(" ")} exited ${out.code ?? "(killed)"}\n${importantLines(text)}`);
      }
      return out;
    },
    async spawnServer(cmd, args, o = {}) {
      const s = await spawnServer(cmd, args, { cwd: dir, ...o, tracker });
      servers.add(s);
      return s;
    },
    browser: () => newPage(pages),
    bundleSize: (rel) => bundleSize(path.resolve(dir, rel)),
    async serveStatic(root) {
      const s = await serveStatic(path.resolve(dir, root));
      servers.add(s);
      return s;
    },
    /** Opens url#<probe arg> in a fresh page and waits for the page's probe result. */
    async probePage(url, { timeoutMs = 60_000 } = {}) {
      const page = await newPage(pages);
      const target = `${url}#${encodeURIComponent(JSON.stringify(shared.baseUrls))}`;
      await page.goto(target, { timeout: timeoutMs, waitUntil: "load" });
      // An uncaught page error (keygate failing to load, say) ends the wait after a short grace.
      const failed = page.keygateError.then(() => new Promise((r) => setTimeout(() => r("error"), 1500)));
      const waited = await Promise.race([
        page.waitForFunction(() => window.__keygateProbe !== undefined, null, { timeout: timeoutMs, polling: 100 }).then(() => "ok", () => "timeout"),
        failed,
      ]);
      const ok = waited === "ok" || (await page.evaluate(() => window.__keygateProbe !== undefined).catch(() => false));
      if (!ok) {
        const why = waited === "error" ? "failed" : `produced no probe result within ${timeoutMs} ms`;
        throw new Error(`the page at ${url} ${why}\n${[...new Set(page.keygateEvents)].slice(0, 8).join("\n")}`);
      }
      const r = await page.evaluate(() => window.__keygateProbe);
      if (r.error) throw new Error(`the page's probe threw: ${r.error.split("\n")[0]}`);
      return r;
    },
    /** Runs a command that executes the probe and prints a PROBE line; returns the probe result. */
    async probeCommand(cmd, args, o = {}) {
      const out = await exec(cmd, args, { cwd: dir, ...o, env: { ...ctx.probeEnv, ...o.env }, tracker });
      log(`$ ${path.basename(cmd)} ${args.join(" ")} -> ${out.code} (${out.ms} ms)`);
      if (!out.stdout.includes("PROBE ")) {
        throw new Error(`${path.basename(cmd)} ${args.join(" ")} exited ${out.code ?? "(killed)"} without a result\n${importantLines(`${out.stderr}\n${out.stdout}`)}`);
      }
      return parseProbeLine(out, path.basename(cmd));
    },
  };
  const t0 = Date.now();
  let timer;
  try {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const limit = c.timeoutMs ?? CASE_MS;
    const result = await Promise.race([
      c.run(ctx),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${limit / 1000} s`)), limit);
      }),
    ]);
    return { case: c, result, ms: Date.now() - t0, logs };
  } catch (e) {
    return { case: c, error: redactText(e?.message ?? String(e)), ms: Date.now() - t0, logs };
  } finally {
    clearTimeout(timer);
    for (const s of servers) await s.stop().catch(() => {});
    for (const p of pages) await p.close().catch(() => {});
    for (const child of tracker) killGroup(child);
  }
}

/** The lines of a tool's output that say what went wrong (errors first), at most 12. */
function importantLines(text) {
  const lines = redactText(text).split("\n").map((l) => l.trimEnd()).filter((l) => l.trim());
  const hits = lines.filter((l) => /error|fail|cannot|not found|enoent|TS\d{4}|✘|magic word/i.test(l) && !/^\s+at /.test(l));
  return [...new Set(hits.length ? hits : lines)].slice(0, 12).join("\n");
}

// ------------------------------------------------------------------ main
const started = Date.now();
const allCases = await loadCases();
const selected = allCases.filter((c) => !only || only.test(c.id));
if (!selected.length) {
  console.error(`bundlers: no case matches ${only}`);
  process.exit(1);
}

// One run per scratch dir at a time: a second run would repack keygate.tgz under the first one's
// cases (and race its npm ci). The lock holds the pid; a dead holder's lock is taken over.
await mkdir(SCRATCH, { recursive: true });
const LOCK = path.join(SCRATCH, ".run-lock");
for (;;) {
  try {
    writeFileSync(LOCK, String(process.pid), { flag: "wx" });
    break;
  } catch (e) {
    if (e.code !== "EEXIST") throw e;
    const holder = Number(readFileSync(LOCK, "utf8"));
    let alive = false;
    try {
      alive = holder > 0 && holder !== process.pid && (process.kill(holder, 0), true);
    } catch {}
    if (alive) {
      console.error(`bundlers: another run (pid ${holder}) is using ${SCRATCH}; set KEYGATE_BUNDLERS_DIR to run beside it`);
      process.exit(2);
    }
    unlinkSync(LOCK);
  }
}
process.on("exit", () => {
  try {
    if (readFileSync(LOCK, "utf8") === String(process.pid)) unlinkSync(LOCK);
  } catch {}
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => process.exit(130));
say(`scratch ${SCRATCH}`);
const tarball = await pack();
say(opt("tarball") ?? process.env.KEYGATE_TARBALL ? `testing the given tarball ${opt("tarball") ?? process.env.KEYGATE_TARBALL}` : `packed ${path.relative(ROOT, PKG)} into ${tarball}`);

const sets = [...new Set(selected.map((c) => c.toolset))];
const installs = new Map();
const installResults = await pool(sets, 2, async (set) => {
  try {
    const r = await installToolset(set);
    say(`toolset ${set}: ${r.cached ? "up to date" : `npm ci in ${(r.ms / 1000).toFixed(1)} s`}`);
    installs.set(set, r);
    return r;
  } catch (e) {
    say(`toolset ${set}: ${e.message}`);
    installs.set(set, { set, error: e.message });
    return { set, error: e.message };
  }
});
const installMs = Date.now() - started;

const emulator = await startEmulator(undefined, { quiet: true });
const K = DEMO_KEYS;
const poelisUnknown = "poelis_api_NotARealKeyButWellFormed0123456789";
secretList.push(...Object.values(K).flatMap((v) => Object.values(v)).filter((v) => typeof v === "string" && v.length > 12), poelisUnknown);
const baseUrls = {
  poelis: emulator.urls.poelis,
  poesius: emulator.urls.poesius,
  keys: { poelis: K.poelis.apiKey, poesius: K.poesius.apiKey, poelisUnknown },
};

const shared = { tarball, emulator, baseUrls };
const t1 = Date.now();
let results;
try {
  results = await pool(selected, jobs, async (c) => {
    const inst = installs.get(c.toolset);
    const r = inst?.error
      ? { case: c, error: `toolset ${c.toolset} did not install: ${inst.error.split("\n")[0]}`, ms: 0, logs: [] }
      : await runCase(c, shared);
    const bad = r.error || Object.entries(r.result ?? {}).some(([k, v]) => k !== "detail" && v === false);
    say(`${c.id} ${bad ? "FAILED" : "done"} in ${(r.ms / 1000).toFixed(1)} s`);
    return r;
  });
} finally {
  if (browserPromise) await (await browserPromise.catch(() => null))?.close().catch(() => {});
}
const matrixMs = Date.now() - t1;
const trap = emulator.crossOrigin.received.length;
await emulator.close();

// ------------------------------------------------------------------ the table
const extraChecks = [...new Set(selected.flatMap((c) => c.checks ?? []).filter((k) => !CHECKS.includes(k)))];
const columns = [...CHECKS, ...extraChecks];
const table = [["case", ...columns, "time"]];
const problems = [];
const notes = [];
const naReasons = new Map(); // reason -> case ids
let passed = 0;
let failed = 0;
let skipped = 0;
for (const r of results) {
  const c = r.case;
  const checks = c.checks ?? CHECKS;
  const row = [c.id];
  const skipReasons = [];
  let caseFailed = false;
  for (const col of columns) {
    if (!checks.includes(col)) {
      row.push("-");
      continue;
    }
    if (r.error) {
      row.push("FAIL");
      continue;
    }
    const v = r.result?.[col];
    if (v === true) row.push("PASS");
    else if (v && typeof v === "object" && typeof v.skip === "string") {
      row.push("n-a");
      skipReasons.push(`${col}: ${v.skip}`);
    } else {
      row.push("FAIL");
      caseFailed = true;
      const why = r.result?.detail?.[col] ?? (v === undefined ? "no result" : `result ${JSON.stringify(v)}`);
      problems.push(`${c.id} / ${col}: ${redactText(why)}`);
    }
  }
  if (r.error) {
    caseFailed = true;
    problems.push(`${c.id}: ${r.error}`);
  }
  row.push(`${(r.ms / 1000).toFixed(1)} s`);
  table.push(row);
  if (caseFailed) failed++;
  else if (skipReasons.length === checks.length) skipped++;
  else passed++;
  if (c.note) notes.push(`${c.id}: ${c.note}`);
  if (r.result?.note) notes.push(`${c.id}: ${redactText(r.result.note)}`);
  for (const reason of new Set(skipReasons.map((s) => s.replace(/^\w+: /, "")))) {
    const list = naReasons.get(reason) ?? [];
    naReasons.set(reason, list);
    list.push(c.id);
  }
  if (caseFailed && verbose && r.logs.length) console.error(`---- ${c.id} log ----\n${r.logs.join("\n")}\n----`);
}
const widths = table[0].map((_, i) => Math.max(...table.map((row) => String(row[i]).length)));
const line = (row) => row.map((cell, i) => String(cell).padEnd(widths[i])).join("  ").trimEnd();
console.log("");
console.log(line(table[0]));
console.log(widths.map((w) => "-".repeat(w)).join("  "));
for (const row of table.slice(1)) console.log(line(row));
for (const [reason, ids] of naReasons) notes.push(`n-a (${reason}): ${ids.join(", ")}`);
if (notes.length) {
  console.log("\nnotes:");
  for (const n of notes) console.log(`  ${n}`);
}
const installLine = [...installs.values()].map((i) => `${i.set} ${i.error ? "FAILED" : i.cached ? "cached" : `${(i.ms / 1000).toFixed(1)} s`}`).join(", ");
console.log(`\ntoolsets: ${installLine} (setup ${(installMs / 1000).toFixed(1)} s); cases ${(matrixMs / 1000).toFixed(1)} s (jobs=${jobs}); total ${((Date.now() - started) / 1000).toFixed(1)} s`);
if (trap) problems.push(`the emulator's cross-origin trap received ${trap} request(s): something followed a redirect off the provider's origin`);
if (problems.length) {
  console.log(`\n${problems.length} problem(s):`);
  for (const p of problems) console.log(`  - ${p.replace(/\n/g, "\n      ")}`);
}
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exitCode = failed || trap || installResults.some((i) => i.error) ? 1 : 0;
