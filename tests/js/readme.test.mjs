// Every README code sample marked `// README: <name>` runs here, extracted verbatim.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, mkdirSync, writeFileSync } from "node:fs";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { startEmulator, DEMO_KEYS } from "keygate/emulator";
import { workerOptions } from "../support/miniflare.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const run = promisify(execFile);
const readme = readFileSync(`${root}README.md`, "utf8");
const samples = Object.fromEntries(
  [...readme.matchAll(/```js\n\/\/ README: ([\w-]+)\n([\s\S]*?)```/g)].map((m) => [m[1], m[2]]),
);
const dir = `${root}target/readme`;
mkdirSync(dir, { recursive: true });
// A worker sample in workerd (miniflare, with these options) answers 200 and the emulator's two
// Postiz integrations.
async function answersTwoIntegrations(options) {
  const { Miniflare } = await import("miniflare");
  const mf = new Miniflare(options);
  try {
    const res = await mf.dispatchFetch("http://localhost/");
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { integrations: 2 });
  } finally {
    await mf.dispose();
  }
}

function write(name, code) {
  const file = `${dir}/${name}.mjs`;
  writeFileSync(file, code);
  return file;
}

let emu;
before(async () => {
  emu = await startEmulator();
});
after(() => emu.close());

test("the README has the samples this test runs", () => {
  assert.deepEqual(Object.keys(samples).sort(), ["cloudflare-pacer", "emulator-example", "hooks", "key-rotation", "node-quickstart", "pacing", "rate-limits", "worker-quickstart"]);
});

test("Node quickstart, verbatim, against the emulator", { timeout: 30_000 }, async () => {
  const env = { ...process.env, POELIS_API_KEY: DEMO_KEYS.poelis.apiKey, POELIS_BASE_URL: emu.urls.poelis };
  const { stdout } = await run(process.execPath, [write("node-quickstart", samples["node-quickstart"])], { env, timeout: 20_000 });
  assert.match(stdout, /^2 workspaces: \S/);
  const bad = await run(process.execPath, [`${dir}/node-quickstart.mjs`], { env: { ...env, POELIS_API_KEY: "poelis_api_x y" }, timeout: 20_000 }).catch((e) => e);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /bad Poelis key: whitespace/);
});

test("emulator example, verbatim", { timeout: 30_000 }, async () => {
  const { stdout } = await run(process.execPath, [write("emulator-example", samples["emulator-example"])], { timeout: 20_000 });
  assert.match(stdout, /\{ balance: 42 \}/);
});

test("rate limits sample, verbatim", { timeout: 30_000 }, async () => {
  const { stdout } = await run(process.execPath, [write("rate-limits", samples["rate-limits"])], { timeout: 20_000 });
  assert.match(stdout, /^60 \d+ true\n429: limit 60 retry in 2000 ms\n$/);
});

test("hooks and logs sample, verbatim: every hook once in order, no key in any log line", { timeout: 30_000 }, async () => {
  const { stdout } = await run(process.execPath, [write("hooks", samples.hooks)], { timeout: 20_000 });
  assert.equal(stdout, "request GET 1\nresponse 429 1\nrate limited true 1000\nretry 2 rate_limited 1000\nrequest GET 2\nresponse 200 2\n3 false\n");
});

test("pacing sample, verbatim: 12 at once against a limit of 10 at once, none refused", { timeout: 30_000 }, async () => {
  const { stdout } = await run(process.execPath, [write("pacing", samples.pacing)], { timeout: 20_000 });
  assert.equal(stdout, "12 answered, 0 refused\n");
});

test("keygate/cloudflare sample in workerd (miniflare), its Durable Object bound as wrangler.toml says", { timeout: 60_000 }, async () => {
  const code = samples["cloudflare-pacer"].replace('from "keygate"', 'from "../../pkg/src/workerd.js"').replaceAll('from "keygate/cloudflare"', 'from "../../pkg/src/cloudflare.js"').replace('from "keygate/pace"', 'from "../../pkg/src/pace-workerd.js"');
  const scriptPath = write("cloudflare-pacer", code);
  await answersTwoIntegrations({ ...workerOptions(scriptPath, { POSTIZ_API_KEY: DEMO_KEYS.postiz.apiKey, POSTIZ_API_URL: emu.urls.postizRoot }), durableObjects: { KEYGATE_PACER: "KeygatePacer" } });
});

test("key rotation sample, verbatim: the revoked key's 401 reads the store once more", { timeout: 30_000 }, async () => {
  const { stdout } = await run(process.execPath, [write("key-rotation", samples["key-rotation"])], { timeout: 20_000 });
  assert.equal(stdout, "200 2\n");
});

test("Cloudflare Worker quickstart in workerd (miniflare), import resolved as wrangler would", { timeout: 60_000 }, async () => {
  // Wrangler resolves "keygate" through the package's `workerd` export condition.
  const code = samples["worker-quickstart"].replace('from "keygate"', 'from "../../pkg/src/workerd.js"');
  const scriptPath = write("worker-quickstart", code);
  await answersTwoIntegrations(workerOptions(scriptPath, { POSTIZ_API_KEY: DEMO_KEYS.postiz.apiKey, POSTIZ_API_URL: emu.urls.postizRoot }));
});
