// Module Web Worker of the Chromium matrix. A worker has no import map, so it imports the file
// the exports map's `worker` condition names (pkg/src/browser.js) by path.
//   {suite: cfg}  run the contract suite here (runtime "chromium-worker"), post {log} and {done}
//   {probe: {provider, apiKey, baseUrl}}  build a client with a secret key, make one call, post {probeResult}
import * as k from "../../pkg/src/browser.js";
import * as kv from "../../pkg/src/validate.js";
import * as kp from "../../pkg/src/pace.js";
import { runWithValidateEntry } from "./validate-entry.js";
import { cases } from "../contract/cases.js";
import { makeContext, runCases, BROWSER_LANES } from "../contract/harness.js";

// Every unhandled rejection, for the faultgrid group's check (preventDefault: not a worker error).
const unhandled = [];
self.addEventListener("unhandledrejection", (e) => {
  e.preventDefault();
  unhandled.push(e.reason);
});

async function probe({ provider, apiKey, baseUrl }) {
  try {
    const c = new k.Client({ provider, apiKey, baseUrl, timeoutMs: 4000, maxRetries: 0 });
    const data = provider === "powerpost" ? await c.getCredits() : (await c.request({ path: "/" })).data;
    return { ok: true, data };
  } catch (e) {
    return { ok: false, error: `${e.name}(${e.code}): ${e.message}` };
  }
}

self.onmessage = async (ev) => {
  try {
    if (ev.data?.probe) {
      self.postMessage({ probeResult: await probe(ev.data.probe) });
      return;
    }
    if (ev.data?.suite) {
      const cfg = ev.data.suite;
      const ctx = makeContext({
        k, kp, runtime: "chromium-worker", browser: "worker", DEMO_KEYS: cfg.DEMO_KEYS,
        emulator: cfg.emulators.main, strict: cfg.emulators.strict, grid: cfg.emulators.grid, unhandled, laneConcurrency: BROWSER_LANES,
      });
      const result = await runWithValidateEntry(runCases, cases, ctx, kv, {
        groups: cfg.groups, only: cfg.only ? new RegExp(cfg.only, "i") : null,
        log: (line) => self.postMessage({ log: line }),
      });
      self.postMessage({ done: result });
    }
  } catch (e) {
    self.postMessage({ crash: String(e?.stack ?? e) });
  }
};
// keygate's browser entry awaits the wasm at the top level, so this module finishes evaluating
// (and the handler above exists) only after that: the page waits for this before posting.
self.postMessage({ ready: true });
