// Big request bodies stay out of wasm memory (issue 19 item 4): a `json` body is serialised by JS
// and handed to fetch as the same JS string, so the wasm linear memory (which never shrinks) does
// not grow by the body's size. A loopback sink counts and drops each body.
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { createRequire } from "node:module";
import { Client } from "keygate";

const require = createRequire(import.meta.url);
// The glue module of the instance keygate uses (same real path, so the same cached module).
const gluePath = require.resolve("../../pkg/wasm/keygate.cjs");

async function startSink() {
  const server = http.createServer((req, res) => {
    let bytes = 0;
    req.on("data", (d) => (bytes += d.length));
    req.on("end", () => {
      const out = JSON.stringify({ bytes });
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(out) });
      res.end(out);
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

test("json and Uint8Array bodies of 4 MiB leave the wasm memory within 64 KiB of its start", { timeout: 30_000 }, async () => {
  assert.ok(Object.hasOwn(require.cache, gluePath), "keygate did not load its CommonJS glue: wrong instance measured");
  const glue = require(gluePath);
  assert.equal(typeof glue.wasmMemoryBytes, "function");
  const sink = await startSink();
  try {
    const client = new Client({ provider: "poelis", apiKey: `poelis_api_${"a".repeat(40)}`, baseUrl: sink.url, maxRetries: 0, timeoutMs: 10_000 });
    const SIZE = 4 * 1024 * 1024;
    const json = { data: "x".repeat(SIZE - 11) }; // serialises to exactly 4 MiB
    const raw = new Uint8Array(SIZE).fill(120);
    // One small request first: the baseline includes a request's ordinary working set.
    const warm = await client.request({ method: "POST", path: "/sink", json: { small: true } });
    assert.equal(warm.status, 200);
    const start = glue.wasmMemoryBytes();
    const bodies = [{ json }, { json }, { json }, { body: raw, headers: { "content-type": "application/octet-stream" } }];
    for (const extra of bodies) {
      const r = await client.request({ method: "POST", path: "/sink", ...extra });
      assert.equal(r.status, 200);
      assert.equal(r.data.bytes, SIZE, "the sink got the whole body");
    }
    const grown = glue.wasmMemoryBytes() - start;
    assert.ok(grown <= 64 * 1024, `wasm memory grew by ${grown} bytes over ${bodies.length} 4 MiB bodies`);
  } finally {
    await sink.close();
  }
});
