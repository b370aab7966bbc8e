// Scenario globs are linear-time (issue 14, item 12).
// Only 127.0.0.1 is ever contacted; every wait is bounded.
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startEmulator, DEMO_KEYS as K } from "../../pkg/emulator/index.js";
import { call } from "./helpers.js";
import { startChildEmulator, rawExchange, rawGet } from "./helpers-child.js";

const T = { timeout: 30_000 };


// ------------------------------------------------------------------ 3. linear-time globs

const FAULTS = fileURLToPath(new URL("../../pkg/emulator/lib/faults.js", import.meta.url));

/** Run `matchesScenario` on a pathological glob in a child with a hard timeout. */
function matchInChild(glob, path, ms) {
  const script = `
    const { matchesScenario } = await import(${JSON.stringify(`file://${FAULTS}`)});
    const t0 = performance.now();
    const r = matchesScenario({ path: ${JSON.stringify(glob)} }, { path: ${JSON.stringify(path)} });
    process.stdout.write(JSON.stringify({ r, ms: performance.now() - t0 }));
  `;
  return new Promise((resolve) => {
    execFile(process.execPath, ["--input-type=module", "-e", script], { timeout: ms, killSignal: "SIGKILL" }, (err, stdout) => {
      resolve(err ? { error: err.killed ? `killed after ${ms} ms` : err.message } : JSON.parse(stdout));
    });
  });
}

describe("scenario globs are linear-time", () => {
  test("a pathological glob against a long path returns (in a child bounded at 10 s)", T, async () => {
    const glob = `${"*a".repeat(40)}*b`;
    const path = "a".repeat(8000);
    const out = await matchInChild(glob, path, 10_000);
    assert.equal(out.error, undefined, `the matcher did not return: ${out.error}`);
    assert.equal(out.r, false);
  });

  test("the same glob through HTTP: the event loop keeps answering", T, async () => {
    const emu = await startChildEmulator();
    try {
      const body = JSON.stringify({ match: { provider: "poelis", path: `${"*a".repeat(40)}*b` }, faults: ["503"] });
      const add = await rawExchange(emu.port, `POST /_emulator/scenarios HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
      assert.ok(add.status === 200 || add.status === 400, `${add.status}`);
      const long = await rawGet(emu.port, `/poelis/v1/public/${"a".repeat(6000)}`, { authorization: `Bearer ${K.poelis.apiKey}` });
      assert.ok(long.status !== null, `no answer to the long path (${long.closedBy})`);
      assert.equal((await rawGet(emu.port, "/_emulator/health")).status, 200);
    } finally {
      await emu.stop();
    }
  });

  test("glob semantics match the old regex on random small cases", T, async () => {
    const { matchesScenario } = await import("../../pkg/emulator/lib/faults.js");
    const oldRe = (g) => new RegExp(`^${g.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
    let seed = 7;
    const rand = (n) => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
    const alpha = "ab/*.?";
    for (let i = 0; i < 20_000; i++) {
      const glob = Array.from({ length: 1 + rand(7) }, () => alpha[rand(alpha.length)]).join("");
      if (!glob.includes("*")) continue;
      const path = Array.from({ length: rand(9) }, () => alpha[rand(alpha.length - 1)]).join("");
      assert.equal(matchesScenario({ path: glob }, { path }), oldRe(glob).test(path), `${glob} vs ${path}`);
    }
    assert.equal(matchesScenario({ path: "/posts/*" }, { path: "/posts/1/publish" }), true);
    assert.equal(matchesScenario({ path: "/posts/*/publish" }, { path: "/posts/1/publish" }), true);
    assert.equal(matchesScenario({ path: "*/publish" }, { path: "/posts/1" }), false);
    assert.equal(matchesScenario({ path: "/a*b*c" }, { path: "/abcbc" }), true);
  });
});

