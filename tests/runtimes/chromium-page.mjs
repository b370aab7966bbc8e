// Chromium page of the matrix (loaded by chromium.html, driven by tests/runtimes/chromium.mjs).
//   ?mode=window  runs the contract suite in the window: `import * as k from "keygate"` through
//                 the page's import map (pkg/src/browser.js)
//   ?mode=worker  runs it inside a module Web Worker (tests/runtimes/chromium-worker.mjs)
// The runner exposes window.__log(line) and window.__done(json).
import * as k from "keygate";
import * as kv from "keygate/validate";
import * as kp from "keygate/pace";
import { runWithValidateEntry } from "./validate-entry.js";
import { cases } from "../contract/cases.js";
import { makeContext, runCases, BROWSER_LANES } from "../contract/harness.js";

const WORKER_URL = new URL("./chromium-worker.mjs", import.meta.url);

// Every unhandled rejection, for the faultgrid group's check (preventDefault: not a page error).
const unhandled = [];
window.addEventListener("unhandledrejection", (e) => {
  e.preventDefault();
  unhandled.push(e.reason);
});

/** Runs one request in a fresh module Web Worker with a secret key (no dangerouslyAllowBrowser). */
function spawnWorkerProbe(probe, timeoutMs = 10000) {
  return new Promise((resolve) => {
    const w = new Worker(WORKER_URL, { type: "module" });
    const timer = setTimeout(() => {
      w.terminate();
      resolve({ ok: false, error: "worker probe timed out" });
    }, timeoutMs);
    w.onmessage = (ev) => {
      if (ev.data?.ready) return w.postMessage({ probe });
      if (!ev.data || !("probeResult" in ev.data)) return;
      clearTimeout(timer);
      w.terminate();
      resolve(ev.data.probeResult);
    };
    w.onerror = (ev) => {
      clearTimeout(timer);
      w.terminate();
      resolve({ ok: false, error: `worker error: ${ev.message}` });
    };
  });
}

function runInWorker(cfg) {
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER_URL, { type: "module" });
    w.onmessage = (ev) => {
      if (ev.data?.ready) w.postMessage({ suite: cfg });
      if (ev.data?.log) window.__log(ev.data.log);
      if (ev.data?.done) {
        w.terminate();
        resolve(ev.data.done);
      }
      if (ev.data?.crash) reject(new Error(ev.data.crash));
    };
    w.onerror = (ev) => reject(new Error(`worker error: ${ev.message} (${ev.filename}:${ev.lineno})`));
  });
}

async function main() {
  const mode = new URL(location.href).searchParams.get("mode");
  const cfg = await (await fetch(`/config/${mode}.json`)).json();
  if (mode === "worker") return runInWorker(cfg);
  const ctx = makeContext({
    k, kp, runtime: "chromium", browser: "window", DEMO_KEYS: cfg.DEMO_KEYS,
    emulator: cfg.emulators.main, strict: cfg.emulators.strict, grid: cfg.emulators.grid, unhandled, laneConcurrency: BROWSER_LANES,
    clientDefaults: { dangerouslyAllowBrowser: true }, // the window needs it for secret keys (see the browser group)
  });
  ctx.spawnWorkerProbe = spawnWorkerProbe;
  return runWithValidateEntry(runCases, cases, ctx, kv, { groups: cfg.groups, only: cfg.only ? new RegExp(cfg.only, "i") : null, log: (l) => window.__log(l) });
}

main().then(
  (result) => window.__done(JSON.stringify({ ok: true, result })),
  (e) => window.__done(JSON.stringify({ ok: false, error: String(e?.stack ?? e) })),
);
