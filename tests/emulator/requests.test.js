// The emulator against any request line (issue 14, item 12): a 4xx answer and the process keeps serving.
// Only 127.0.0.1 is ever contacted; every wait is bounded.
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startEmulator, DEMO_KEYS as K } from "../../pkg/emulator/index.js";
import { call } from "./helpers.js";
import { startChildEmulator, rawExchange, rawGet } from "./helpers-child.js";

const T = { timeout: 30_000 };


// ------------------------------------------------------------------ 1. any request line

const HOSTILE_REQUESTS = [
  ["scheme-relative target with a bad host", "GET //[ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"],
  ["absolute-form with a bad host", "GET http://[ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"],
  ["absolute-form to another host", "GET http://other.example/poelis/v1/public/workspaces HTTP/1.1\r\nHost: other.example\r\nConnection: close\r\n\r\n"],
  ["absolute-form to another host, own path", "POST http://other.example/_emulator/reset HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"],
  ["percent garbage", "GET /poelis/v1/public/workspaces/%zz%%E0%A4%A HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"],
  ["percent garbage on an own path", "GET /_emulator/%%%/x HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"],
  ["a 10 KB path", `GET /poelis/v1/public/${"a".repeat(10 * 1024)} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`],
  ["a NUL byte in the target", "GET /poelis/v1/public/work\0spaces HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"],
  ["a NUL byte in a header", "GET /_emulator/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: a\0b\r\nConnection: close\r\n\r\n"],
  ["a bad Host header", "GET /poelis/v1/public/workspaces HTTP/1.1\r\nHost: [\r\nX-Keygate-Fault: redirect-same\r\nConnection: close\r\n\r\n"],
  ["no request line at all", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n"],
];

describe("any request line: a 4xx answer, and the process keeps serving", () => {
  let emu;
  before(async () => {
    emu = await startChildEmulator();
  });
  after(() => emu?.stop());

  for (const listener of ["provider port", "trap listener"]) {
    for (const [name, bytes] of HOSTILE_REQUESTS) {
      test(`${listener}: ${name}`, T, async () => {
        const port = listener === "provider port" ? emu.port : emu.trapPort;
        const r = await rawExchange(port, bytes);
        assert.ok(r.status !== null && r.status >= 400 && r.status < 500, `expected a 4xx answer, got ${r.status} (${r.closedBy}): ${r.text.slice(0, 120)}`);
        assert.ok(emu.alive(), `the emulator process died: ${emu.stderr()}`);
        const health = await rawGet(emu.port, "/_emulator/health");
        assert.equal(health.status, 200, `no normal answer afterwards: ${emu.stderr()}`);
        const trap = await rawGet(emu.trapPort, "/after");
        assert.equal(trap.status, 200);
      });
    }
  }

  test("the refusals are the expected ones", T, async () => {
    const status = async (bytes) => (await rawExchange(emu.port, bytes)).status;
    assert.equal(await status(HOSTILE_REQUESTS[0][1]), 400);
    assert.equal(await status(HOSTILE_REQUESTS[2][1]), 400);
    assert.equal(await status(HOSTILE_REQUESTS[4][1]), 400);
    assert.equal(await status(HOSTILE_REQUESTS[6][1]), 414);
    assert.equal(await status(HOSTILE_REQUESTS[7][1]), 400);
    // absolute-form naming the emulator itself is served like origin-form
    const own = await rawExchange(emu.port, `GET http://127.0.0.1:${emu.port}/_emulator/health HTTP/1.1\r\nHost: 127.0.0.1:${emu.port}\r\nConnection: close\r\n\r\n`);
    assert.equal(own.status, 200);
    assert.ok(emu.alive());
  });
});

