// The contract suite in Chromium (Debian's /usr/bin/chromium driven by playwright-core), twice:
//   chromium         in the window, keygate imported by name through an import map that points
//                    at the package's browser entry (pkg/src/browser.js); plus the browser group
//                    (secret keys refused without dangerouslyAllowBrowser, user tokens allowed, a
//                    secret key allowed in a module Web Worker)
//   chromium-worker  the whole suite inside a module Web Worker (pkg/src/browser.js, the exports
//                    map's `worker` condition)
// Each page has its own emulators (started in this process; one with Postiz's strict CORS, one for
// the fault grid). A
// loopback static server serves pkg/ and tests/ (application/wasm for the .wasm).
//   node tests/runtimes/chromium.mjs [--only=regex] [--groups=a,b] [--quiet]
import http from "node:http";
import { readFile, realpath } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startEmulator, DEMO_KEYS } from "keygate/emulator";
import { EMULATOR_CONFIG, STRICT_CORS_CONFIG, FAULTGRID_CONFIG, describeEmulator, matrixLine } from "../contract/harness.js";
import { parseRunnerArgs, caseLogger } from "./args.js";

const LIMIT_MS = 150_000;
const PAGE_MS = 120_000;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const SERVED = ["pkg", "tests"];
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".cjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
};
export const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
  "--disable-sync", "--disable-quic", "--no-first-run",
];

setTimeout(() => {
  console.error(`[chromium] gave up after ${LIMIT_MS} ms`);
  process.exit(3);
}, LIMIT_MS).unref();

/** Static files under pkg/ and tests/, plus the per-page config at /config/<mode>.json. */
async function startStaticServer(configs) {
  const server = http.createServer(async (req, res) => {
    const send = (status, body, type = "text/plain; charset=utf-8") => {
      res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
      res.end(body);
    };
    try {
      const url = new URL(req.url, "http://static.invalid");
      const m = /^\/config\/(\w+)\.json$/.exec(url.pathname);
      if (m) return configs[m[1]] ? send(200, JSON.stringify(configs[m[1]]), TYPES[".json"]) : send(404, "no config");
      const rel = decodeURIComponent(url.pathname).replace(/^\/+/, "");
      const file = path.resolve(ROOT, rel);
      if (!SERVED.some((d) => file.startsWith(path.join(ROOT, d) + path.sep))) return send(404, "not served");
      const real = await realpath(file);
      if (!SERVED.some((d) => real.startsWith(path.join(ROOT, d) + path.sep))) return send(404, "not served");
      return send(200, await readFile(real), TYPES[path.extname(real)] ?? "application/octet-stream");
    } catch {
      return send(404, "not found");
    }
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }) };
}

async function runPage(browser, staticUrl, mode, runtime, log) {
  const page = await browser.newPage();
  let finish;
  const done = new Promise((resolve) => (finish = resolve));
  await page.exposeFunction("__log", (line) => log(line));
  await page.exposeFunction("__done", (json) => finish(JSON.parse(json)));
  page.on("pageerror", (e) => console.error(`[${runtime}] page error: ${e.message}`));
  page.on("console", (m) => {
    // HTTP errors and CORS refusals are what the cases provoke; anything else is worth seeing.
    if (m.type() === "error" && !/Failed to load resource|blocked by CORS policy/.test(m.text())) {
      console.error(`[${runtime}] console.error: ${m.text()}`);
    }
  });
  const t0 = Date.now();
  await page.goto(`${staticUrl}/tests/runtimes/chromium.html?mode=${mode}`);
  let timer;
  const outcome = await Promise.race([
    done,
    new Promise((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, error: `the page did not finish within ${PAGE_MS} ms` }), PAGE_MS);
    }),
  ]).finally(() => clearTimeout(timer));
  await page.close().catch(() => {});
  if (!outcome.ok) {
    console.error(`[${runtime}] page failed: ${outcome.error}`);
    return null;
  }
  return { ...outcome.result, pageMs: Date.now() - t0 };
}

const args = parseRunnerArgs(process.argv.slice(2));
const emulators = [];
const start = async (cfg) => {
  const e = await startEmulator(cfg);
  emulators.push(e);
  return describeEmulator(e);
};
const configs = {};
for (const mode of ["window", "worker"]) {
  configs[mode] = {
    DEMO_KEYS, groups: args.groups, only: args.only?.source ?? null,
    emulators: { main: await start(EMULATOR_CONFIG), strict: await start(STRICT_CORS_CONFIG), grid: await start(FAULTGRID_CONFIG) },
  };
}
const server = await startStaticServer(configs);
// The page is served from another loopback port: let it use the emulators' control endpoints.
for (const e of emulators) e.allowControlOrigin(server.url);
let browser;
let failed = false;
try {
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS, timeout: 30_000 });
  const version = browser.version();
  const runs = [
    ["window", "chromium", "pkg/src/browser.js (import map)"],
    ["worker", "chromium-worker", "pkg/src/browser.js (module Web Worker)"],
  ];
  const results = await Promise.all(
    runs.map(([mode, runtime]) => runPage(browser, server.url, mode, runtime, caseLogger(runtime, args.quiet, console.error))),
  );
  runs.forEach(([, runtime, entry], i) => {
    const r = results[i];
    if (!r) {
      failed = true;
      return;
    }
    if (r.failures.length) failed = true;
    console.log(matrixLine(runtime, r, { entry, version }));
  });
} catch (e) {
  console.error(`[chromium] runner crashed: ${e?.stack ?? e}`);
  failed = true;
} finally {
  await browser?.close().catch(() => {});
  await server.close();
  await Promise.all(emulators.map((e) => e.close()));
}
process.exitCode = failed ? 1 : 0;
