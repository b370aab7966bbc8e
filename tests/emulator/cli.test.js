// The CLI: start, print URLs, serve, stop cleanly on SIGTERM/SIGINT.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEMO_KEYS as K } from "../../pkg/emulator/index.js";
import { main, parseArgs } from "../../pkg/emulator/cli.js";
import { call } from "./helpers.js";

const CLI = fileURLToPath(new URL("../../pkg/emulator/cli.js", import.meta.url));
const T = { timeout: 20000 };

/** Spawn the CLI; resolves once `ready(stdout)` is true. */
function spawnCli(args, ready = (out) => out.includes("cross-origin trap")) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal, stdout, stderr })));
  child.stderr.on("data", (d) => (stderr += d));
  const started = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`CLI did not start: ${stdout} ${stderr}`)), 8000);
    child.stdout.on("data", (d) => {
      stdout += d;
      if (ready(stdout)) {
        clearTimeout(timer);
        resolve(stdout);
      }
    });
    child.on("exit", () => {
      clearTimeout(timer);
      reject(new Error(`CLI exited early: ${stdout} ${stderr}`));
    });
  });
  return { child, started, exited };
}

function withDeadline(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms))),
  ]);
}

for (const signal of ["SIGTERM", "SIGINT"]) {
  test(`CLI prints every provider URL, serves, and exits 0 on ${signal}`, T, async () => {
    const { child, started, exited } = spawnCli(["emulator", "--port", "0"]);
    try {
      const out = await started;
      const url = (label) => new RegExp(`^\\s*${label}\\s+(http://127\\.0\\.0\\.1:\\d+\\S*)`, "m").exec(out)?.[1];
      const base = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)[1];
      assert.equal(url("poesius"), `${base}/poesius/api/v1`);
      assert.equal(url("poesius mcp"), `${base}/poesius/api/v1/mcp`);
      assert.equal(url("poelis"), `${base}/poelis/v1/public`);
      assert.equal(url("powerpost"), `${base}/powerpost/api/v1`);
      assert.equal(url("postiz"), `${base}/postiz/public/v1`);
      assert.match(url("cross-origin trap"), /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.ok(!out.includes(K.poelis.apiKey), "the banner prints no keys");
      const r = await call(`${url("poelis")}/workspaces`, { headers: { Authorization: `Bearer ${K.poelis.apiKey}` } });
      assert.equal(r.status, 200);
      child.kill(signal);
      const { code } = await withDeadline(exited, 5000, "shutdown");
      assert.equal(code, 0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
}

test("CLI --config and --json", T, async () => {
  const dir = mkdtempSync(join(tmpdir(), "kg-cli-"));
  const file = join(dir, "emu.json");
  writeFileSync(file, JSON.stringify({ defaults: false, poelis: { apiKeys: ["poelis_api_fromConfigFile_abcdefghijklmnop123"] } }));
  const { child, started, exited } = spawnCli(["emulator", "--port=0", "--config", file, "--json"], (out) => out.includes("\n"));
  try {
    const info = JSON.parse((await started).trim());
    const ok = await call(`${info.urls.poelis}/workspaces`, { headers: { Authorization: "Bearer poelis_api_fromConfigFile_abcdefghijklmnop123" } });
    assert.equal(ok.status, 200);
    const demo = await call(`${info.urls.poelis}/workspaces`, { headers: { Authorization: `Bearer ${K.poelis.apiKey}` } });
    assert.equal(demo.status, 401);
    assert.match(info.crossOrigin, /^http:\/\/127\.0\.0\.1:\d+$/);
    child.kill("SIGTERM");
    assert.equal((await withDeadline(exited, 5000, "shutdown")).code, 0);
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
  }
});

test("CLI --help exits 0; bad arguments and bad config exit 2", T, async () => {
  const run = (args) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    return withDeadline(new Promise((resolve) => child.on("exit", (code) => resolve({ code, out }))), 5000, args.join(" "));
  };
  let r = await run(["--help"]);
  assert.equal(r.code, 0);
  assert.match(r.out, /Usage: keygate emulator/);
  r = await run(["emulator", "--nope"]);
  assert.equal(r.code, 2);
  assert.match(r.out, /unknown argument/);
  r = await run(["emulator", "--port", "99999"]);
  assert.equal(r.code, 2);
  r = await run(["emulator", "--port", "0", "--config", "/nonexistent/emu.json"]);
  assert.equal(r.code, 2);
  assert.match(r.out, /cannot read config file/);
});

test("main(argv) can be driven in-process (as the keygate bin does)", T, async () => {
  assert.deepEqual(parseArgs(["emulator", "--port", "0", "--host", "127.0.0.1"]).port, 0);
  assert.equal(parseArgs(["--port=9"]).port, 9);
  let out = "";
  const stdout = { write: (s) => (out += s) };
  const emu = await main(["emulator", "--port", "0"], { stdout, stderr: stdout, handleSignals: false });
  try {
    assert.match(out, new RegExp(emu.urls.powerpost.replace(/[.]/g, "\\.")));
    const r = await call(`${emu.urls.powerpost}/account/credits`, { headers: { "x-api-key": K.powerpost.apiKey } });
    assert.deepEqual(r.body, { balance: 42 });
  } finally {
    await emu.close();
  }
  assert.equal(await main(["--help"], { stdout, stderr: stdout, handleSignals: false }), null);
});

test("CLI --host beyond loopback warns on stderr; loopback does not", T, async () => {
  const wide = spawnCli(["emulator", "--port", "0", "--host", "0.0.0.0"]);
  try {
    const out = await wide.started;
    const port = /listening on http:\/\/[^:]+:(\d+)/.exec(out)[1];
    // only ever contacted through loopback
    assert.equal((await call(`http://127.0.0.1:${port}/_emulator/health`)).status, 200);
    wide.child.kill("SIGTERM");
    const { code, stderr } = await withDeadline(wide.exited, 5000, "shutdown");
    assert.equal(code, 0);
    assert.match(stderr, /WARNING.*0\.0\.0\.0.*reachable beyond this machine/);
  } finally {
    if (wide.child.exitCode === null) wide.child.kill("SIGKILL");
  }
  const loop = spawnCli(["emulator", "--port", "0", "--host", "127.0.0.1"]);
  try {
    await loop.started;
    loop.child.kill("SIGTERM");
    const { code, stderr } = await withDeadline(loop.exited, 5000, "shutdown");
    assert.equal(code, 0);
    assert.doesNotMatch(stderr, /WARNING/);
  } finally {
    if (loop.child.exitCode === null) loop.child.kill("SIGKILL");
  }
});
