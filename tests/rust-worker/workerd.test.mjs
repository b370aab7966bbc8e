// The Rust worker (tests/rust-worker, keygate's `gloo` transport in a plain wasm-bindgen cdylib)
// in workerd through miniflare, against the emulator started here on 127.0.0.1. The worker runs
// one contract case per request (`/?case=...`) and answers JSON; this file asserts the answers.
// `make test-rust-gloo` builds the wasm and its wasm-bindgen glue into target/rust-worker/glue
// first; without them this fails (it never skips).
//   node --test tests/rust-worker/
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";
import { startEmulator, DEMO_KEYS } from "keygate/emulator";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const GLUE = path.join(ROOT, "target/rust-worker/glue");
const JS = path.join(GLUE, "keygate_rust_worker.js");
const WASM = path.join(GLUE, "keygate_rust_worker_bg.wasm");
const CASE_MS = 30_000;
const WRONG_KEY = "poelis_api_notRegistered-Aa1Bb2Cc3Dd4Ee5Ff6";

// The worker's entry: instantiate the wasm (a CompiledWasm module, as wrangler uploads it) once,
// then hand each request's case to Rust.
const ENTRY = `import wasm from "./keygate_rust_worker_bg.wasm";
import { initSync, run_case } from "./keygate_rust_worker.js";
initSync({ module: wasm });
export default {
  async fetch(request, env) {
    const name = new URL(request.url).searchParams.get("case") ?? "";
    return new Response(await run_case(name, env.EMU), { headers: { "content-type": "application/json" } });
  },
};
`;

let emu;
let mf;

before(async () => {
  for (const f of [JS, WASM]) {
    assert.ok(existsSync(f), `${path.relative(ROOT, f)} is missing: run \`make test-rust-gloo\` (it builds the Rust worker)`);
  }
  emu = await startEmulator();
  const keys = structuredClone(DEMO_KEYS);
  keys.poelis.wrongKey = WRONG_KEY;
  mf = new Miniflare({
    modules: [
      { type: "ESModule", path: path.join(GLUE, "worker.mjs"), contents: ENTRY },
      { type: "ESModule", path: JS, contents: readFileSync(JS, "utf8") },
      { type: "CompiledWasm", path: WASM },
    ],
    modulesRoot: GLUE,
    compatibilityDate: "2024-09-23",
    bindings: { EMU: JSON.stringify({ urls: emu.urls, keys }) },
  });
});

after(async () => {
  await mf?.dispose().catch(() => {});
  await emu?.close();
});

const ALL_KEYS = [
  ...Object.values(DEMO_KEYS).flatMap((k) => Object.entries(k).filter(([n]) => /key|token|jwt/i.test(n)).map(([, v]) => v)),
  WRONG_KEY,
];

/** One case through the worker; its raw text never holds a credential. */
async function run(name) {
  let timer;
  const res = await Promise.race([
    mf.dispatchFetch(`http://worker.test/?case=${name}`),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`case ${name}: no answer within ${CASE_MS} ms`)), CASE_MS);
    }),
  ]).finally(() => clearTimeout(timer));
  const text = await res.text();
  assert.equal(res.status, 200, text.slice(0, 500));
  for (const k of ALL_KEYS) {
    assert.ok(!text.includes(k) && !text.includes(k.slice(-12)), `case ${name}: a credential in the answer`);
  }
  const out = JSON.parse(text);
  assert.equal(out.setupError, undefined, JSON.stringify(out.setupError));
  return out;
}

test("each provider answers through the gloo transport in workerd", async () => {
  const out = await run("providers");
  for (const p of ["poesius", "poelis", "powerpost", "postiz"]) {
    assert.equal(out[p].status, 200, `${p}: ${JSON.stringify(out[p])}`);
    assert.equal(typeof out[p].requestId === "string", p !== "postiz", p);
  }
  assert.ok(Array.isArray(out.poesius.json.items));
  assert.equal(out.poelis.json.count, 2);
  assert.equal(typeof out.powerpost.json.balance, "number");
  assert.ok(Array.isArray(out.postiz.json));
});

test("the typed helpers (feature serde) answer serde types in workerd", async () => {
  const out = await run("helpers");
  assert.equal(out.setupError, undefined, JSON.stringify(out.setupError));
  assert.equal(out.workspaces.count, 2, JSON.stringify(out.workspaces));
  assert.ok(out.workspaces.items.every((w) => typeof w.id === "string" && w.id !== ""), JSON.stringify(out.workspaces));
  assert.equal(typeof out.credits.balance, "number");
  assert.equal(out.connected, true);
  assert.equal(out.presentations.limit, 1, "the table's default limit is sent");
});

test("a 401 is typed, not retried, and its Display/Debug carry no key", async () => {
  emu.reset();
  const { error: e } = await run("unauthorized");
  assert.equal(e.kind, "authentication");
  assert.equal(e.status, 401);
  assert.equal(e.providerCode, "unauthorized");
  assert.match(e.requestId, /^req_/);
  assert.match(e.display, /Invalid or missing API key/);
  assert.ok(e.debug.includes("Authentication"), e.debug);
  assert.equal(emu.counts({ provider: "poelis", path: "/workspaces" }), 1, "not retried");
});

test("a 404 is typed", async () => {
  const { error: e } = await run("not-found");
  assert.equal(e.kind, "not_found");
  assert.equal(e.status, 404);
  assert.match(e.display, /Workspace 'nope' not found/);
});

test("PowerPost: X-Workspace-Id is sent; a foreign workspace is a 403", async () => {
  emu.reset();
  const out = await run("workspace");
  assert.equal(out.own.status, 200, JSON.stringify(out.own));
  const sent = emu.log.filter((e) => e.provider === "powerpost" && e.path === "/posts");
  assert.equal(sent.length, 2);
  assert.deepEqual(sent.map((e) => e.headers["x-workspace-id"]), [DEMO_KEYS.powerpost.workspaceId, DEMO_KEYS.powerpost.foreignWorkspaceId]);
  assert.equal(out.foreign.error.kind, "permission");
  assert.equal(out.foreign.error.status, 403);
  assert.equal(out.foreign.error.providerCode, "FORBIDDEN");
});

test("a 429 is retried after its Retry-After, waited with the transport's timer", async () => {
  emu.reset();
  emu.addScenario({ match: { provider: "powerpost", method: "GET", path: "/account/credits" }, faults: ["429:1"] });
  const out = await run("rate-limit");
  assert.equal(out.answer.status, 200, JSON.stringify(out.answer));
  assert.ok(out.ms >= 950, `waited ${out.ms} ms`);
  assert.deepEqual(emu.log.filter((e) => e.path === "/account/credits").map((e) => e.status), [429, 200]);
});

test("a slow answer (headers or body) times out within the attempt's time", async () => {
  const out = await run("timeout");
  for (const fault of ["delay:3000", "slow-body:3000"]) {
    assert.equal(out[fault].answer.error?.kind, "timeout", `${fault}: ${JSON.stringify(out[fault])}`);
    assert.ok(out[fault].ms < 2500, `${fault}: ${out[fault].ms} ms`);
  }
});

test("cross-origin redirects are refused (the trap gets nothing); a same-origin one is followed", async () => {
  emu.reset();
  const out = await run("redirects");
  for (const fault of ["redirect-cross", "redirect-cross-307"]) {
    assert.equal(out[fault].error?.code, "redirect_refused", `${fault}: ${JSON.stringify(out[fault])}`);
  }
  assert.equal(emu.crossOrigin.received.length, 0, "the trap got a request");
  assert.equal(out["redirect-same"].status, 200, JSON.stringify(out["redirect-same"]));
  assert.equal(out["redirect-same"].json.count, 2);
});
