// A warning when the emulator is bound beyond loopback (issue 14, item 12).
// Only 127.0.0.1 is ever contacted; every wait is bounded.
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startEmulator, DEMO_KEYS as K } from "../../pkg/emulator/index.js";
import { call } from "./helpers.js";
import { startChildEmulator, rawExchange, rawGet } from "./helpers-child.js";

const T = { timeout: 30_000 };


// ------------------------------------------------------------------ 5. a warning when bound beyond loopback

describe("binding beyond loopback warns", () => {
  test("startEmulator on 0.0.0.0 emits a warning; loopback hosts do not", T, async () => {
    const warnings = [];
    const onWarning = (w) => warnings.push(w);
    process.on("warning", onWarning);
    try {
      const loop = await startEmulator({}, { host: "127.0.0.1" });
      await loop.close();
      await new Promise((r) => setImmediate(r));
      assert.equal(warnings.filter((w) => w.code === "KEYGATE_EMULATOR_EXPOSED").length, 0);
      const wide = await startEmulator({}, { host: "0.0.0.0" });
      try {
        assert.equal(wide.exposed, true);
        await new Promise((r) => setImmediate(r));
        const w = warnings.find((x) => x.code === "KEYGATE_EMULATOR_EXPOSED");
        assert.ok(w, "no warning");
        assert.match(w.message, /0\.0\.0\.0.*beyond this machine/);
        // reachable through loopback all the same
        assert.equal((await call(`http://127.0.0.1:${wide.port}/_emulator/health`)).status, 200);
      } finally {
        await wide.close();
      }
    } finally {
      process.off("warning", onWarning);
    }
  });
});
