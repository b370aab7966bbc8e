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
