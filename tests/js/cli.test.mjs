// `keygate doctor --live` against the emulator reports each seeded failure in plain words.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { startEmulator, DEMO_KEYS as K } from "keygate/emulator";

const run = promisify(execFile);
const bin = new URL("../../pkg/bin/keygate.js", import.meta.url).pathname;

test("doctor --live: revoked key, no subscription, rate limit, success; --json for machines", { timeout: 60_000 }, async () => {
  const emu = await startEmulator({ scenarios: [{ match: { provider: "powerpost", path: "/account/credits" }, faults: ["429:120", "429:120"] }] });
  try {
    const env = {
      ...process.env,
      POESIUS_API_KEY: K.poesius.revokedKey,
      POELIS_API_KEY: K.poelis.apiKey,
      POWERPOST_API_KEY: K.powerpost.apiKey,
      POSTIZ_API_KEY: K.postiz.noSubscriptionKey,
    };
    const bases = ["poesius", "poelis", "powerpost"].flatMap((p) => ["--base-url", `${p}=${emu.urls[p]}`]).concat(["--base-url", `postiz=${emu.urls.postizRoot}`]);
    const text = await run(process.execPath, [bin, "doctor", "--live", ...bases], { env, timeout: 30_000 }).catch((e) => e);
    assert.equal(text.code, 1);
    assert.match(text.stdout, /poesius .*\n\s+live: FAILED, the key was refused: revoked, mistyped or for another account \(API key has been revoked\)/);
    assert.match(text.stdout, /poelis .*: ok\n\s+live: authenticated call succeeded/);
    assert.match(text.stdout, /powerpost .*\n\s+live: FAILED, rate limited until \d{4}-\d\d-\d\dT/);
    assert.match(text.stdout, /postiz .*\n\s+live: FAILED, the account has no active subscription/);
    const j = await run(process.execPath, [bin, "doctor", "--live", "--json", ...bases], { env, timeout: 30_000 }).catch((e) => e);
    const report = JSON.parse(j.stdout);
    assert.equal(report.ok, false);
    const byId = Object.fromEntries(report.providers.map((p) => [p.provider, p]));
    assert.equal(byId.poesius.live.error, "AuthenticationError");
    assert.equal(byId.poelis.live.ok, true);
    assert.equal(byId.powerpost.live.error, "RateLimitError");
    assert.equal(byId.postiz.live.error, "SubscriptionError");
    for (const k of [K.poesius.revokedKey, K.poelis.apiKey, K.powerpost.apiKey, K.postiz.noSubscriptionKey]) {
      assert.ok(!`${text.stdout}${j.stdout}`.includes(k.slice(4, -4)));
    }
  } finally {
    await emu.close();
  }
});

test("usage errors exit 2; a missing key is reported, not crashed on", { timeout: 30_000 }, async () => {
  const bad = await run(process.execPath, [bin, "frobnicate"]).catch((e) => e);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown command/);
  const env = { PATH: process.env.PATH };
  const none = await run(process.execPath, [bin, "doctor"], { env });
  assert.match(none.stdout, /POELIS_API_KEY not set/);
  const wrong = await run(process.execPath, [bin, "doctor"], { env: { ...env, POWERPOST_API_KEY: K.poelis.apiKey } }).catch((e) => e);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stdout, /BAD powerpost .*wrong_prefix\n.*looks like a Poelis key/);
});

test("keygate emulator stays up until SIGTERM/SIGINT, serves the printed URL, then exits 0", { timeout: 60_000 }, async () => {
  const { spawn } = await import("node:child_process");
  for (const signal of ["SIGTERM", "SIGINT"]) {
    const child = spawn(process.execPath, [bin, "emulator", "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise((resolve) => child.on("exit", (code, sig) => resolve({ code, sig })));
    try {
      const banner = await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no banner in 10 s: ${stdout} ${stderr}`)), 10_000);
        child.stdout.on("data", (d) => {
          stdout += d;
          if (stdout.includes("Press Ctrl+C")) {
            clearTimeout(timer);
            resolve(stdout);
          }
        });
        child.on("exit", (code) => {
          clearTimeout(timer);
          reject(new Error(`exited ${code} right after the banner: ${stdout} ${stderr}`));
        });
      });
      // still up a moment later (it used to exit 1 right after printing)
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(child.exitCode, null, `exited early: ${stderr}`);
      const url = /^\s*poelis\s+(http:\/\/127\.0\.0\.1:\d+\S*)/m.exec(banner)[1];
      const r = await fetch(`${url}/workspaces`, { headers: { authorization: `Bearer ${K.poelis.apiKey}` }, signal: AbortSignal.timeout(5000) });
      assert.equal(r.status, 200);
      child.kill(signal);
      let timer;
      const done = await Promise.race([exited, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error("no exit 5 s after the signal")), 5000)))]).finally(() => clearTimeout(timer));
      assert.equal(done.code, 0, `${signal}: exit ${done.code ?? done.sig}: ${stderr}`);
      assert.doesNotMatch(stderr, /ERR_INVALID_ARG_TYPE|TypeError/);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  }
});
