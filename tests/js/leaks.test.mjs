// Secret-leak proofs: for random keys of every provider and kind, nothing observable contains the
// key body: errors (message, stack, toString, JSON, inspect), clients, header maps, the emulator's
// log, and the CLI's output. The only place a key may appear is the outgoing auth header.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import util from "node:util";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { Client, buildHeaders, validateKey, KeyFormatError } from "keygate";
import { startEmulator } from "keygate/emulator";

const run = promisify(execFile);
let seed = 0x5eed;
const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
const pick = (alphabet, n) => Array.from({ length: n }, () => alphabet[Math.floor(rand() * alphabet.length)]).join("");
const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const HEX = "0123456789abcdef";
const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");

/** [provider, credential option, key, secret body] for one random credential of each kind. */
function randomCredentials() {
  const jwt = `${b64({ alg: "HS256" })}.${b64({ sub: pick(B64URL, 12), exp: 4102444800 })}.${pick(B64URL, 43)}`;
  const cases = [
    ["poesius", "apiKey", `pk_${pick(B64URL, 32)}`],
    ["poesius", "jwt", jwt],
    ["poesius", "oauthToken", pick(B64URL, 40)],
    ["poelis", "apiKey", `poelis_api_${pick(B64URL, 40)}`],
    ["powerpost", "apiKey", `pp_live_sk_${pick(B64URL, 32)}`],
    ["postiz", "apiKey", pick(HEX, 64)],
    ["postiz", "oauthToken", `pos_${pick(B64URL.slice(0, 62), 40)}`],
  ];
  // The secret part: everything but the public prefix and the 4 characters `redacted` shows.
  return cases.map(([p, opt, key]) => [p, opt, key, key.replace(/^(pk_|poelis_api_|pp_live_sk_|pos_)/, "").slice(0, -4)]);
}

let emu;
before(async () => {
  emu = await startEmulator({ rateLimit: { poelis: { limit: 100_000, windowSec: 60 } } });
});
after(() => emu.close());

const BASES = () => ({ poesius: emu.urls.poesius, poelis: emu.urls.poelis, powerpost: emu.urls.powerpost, postiz: emu.urls.postizRoot });
const CALLS = { poesius: (c) => c.listPresentations(), poelis: (c) => c.listWorkspaces(), powerpost: (c) => c.getCredits(), postiz: (c) => c.listIntegrations() };

function observe(x) {
  return [String(x), JSON.stringify(x), util.inspect(x), util.inspect(x, { showHidden: true, depth: 10 }), util.format("%s %o %j", x, x, x),
    x instanceof Error ? `${x.message} ${x.stack}` : ""].join("\n");
}

test("random keys: clients, headers, errors and the emulator log never show a key body", { timeout: 60_000 }, async () => {
  emu.reset();
  const sent = [];
  for (let round = 0; round < 20; round++) {
    for (const [provider, opt, key, secret] of randomCredentials()) {
      const seen = [];
      seen.push(observe(validateKey(provider, key, opt === "jwt" ? "jwt" : opt === "oauthToken" ? "oauth_token" : "api_key")));
      seen.push(observe(buildHeaders({ provider, [opt]: key })));
      const client = new Client({ provider, [opt]: key, baseUrl: BASES()[provider], maxRetries: 0 });
      seen.push(observe(client));
      const before = emu.log.length;
      const err = await CALLS[provider](client).catch((e) => e);
      assert.ok(emu.log.length > before, `${provider} ${opt}: the request never reached the emulator`);
      sent.push([provider, opt, secret]);
      assert.equal(err.name, "AuthenticationError", `${provider} ${opt}: ${err.name} ${err.message}`);
      seen.push(observe(err));
      // A bad key of the same shape (one character broken) fails validation without an echo.
      const broken = `${key.slice(0, -6)}!${key.slice(-5)}`;
      // It must throw (a test that only looked inside a catch passed when nothing was thrown).
      let thrown = null;
      try {
        new Client({ provider, [opt]: broken });
      } catch (e) {
        thrown = e;
      }
      assert.ok(thrown instanceof KeyFormatError, `${provider} ${opt}: new Client(broken key) must throw a KeyFormatError, got ${thrown?.name ?? "nothing"}`);
      seen.push(observe(thrown));
      const text = seen.join("\n");
      assert.ok(!text.includes(secret), `${provider} ${opt} leaked: ${text.slice(text.indexOf(secret) - 80, text.indexOf(secret) + 20)}`);
      assert.ok(!text.includes(broken.slice(3, -5)), `${provider} ${opt} leaked the broken key`);
    }
  }
  // The keys that were actually sent (not a fresh draw of the generator) against the log as kept
  // and as served over HTTP.
  assert.equal(sent.length, 20 * 7);
  const log = JSON.stringify(emu.log);
  const served = await (await fetch(`${emu.url}/_emulator/log`, { signal: AbortSignal.timeout(5000) })).text();
  assert.ok(log.length > 1000 && served.length > 1000, "the log is empty");
  for (const [provider, opt, secret] of sent) {
    assert.ok(!log.includes(secret), `${provider} ${opt}: a sent key body is in emu.log`);
    assert.ok(!served.includes(secret), `${provider} ${opt}: a sent key body is in GET /_emulator/log`);
  }
});

test("the CLI never prints the key (check from stdin, doctor from env)", { timeout: 60_000 }, async () => {
  const bin = new URL("../../pkg/bin/keygate.js", import.meta.url).pathname;
  for (const [provider, opt, key, secret] of randomCredentials()) {
    if (opt !== "apiKey") continue;
    const child = execFile(process.execPath, [bin, "check", "--provider", provider, "--json"], { timeout: 20_000 });
    child.stdin.end(`${key}\n`);
    const out = await new Promise((resolve) => {
      let s = "";
      child.stdout.on("data", (d) => (s += d));
      child.stderr.on("data", (d) => (s += d));
      child.on("close", (code) => resolve({ s, code }));
    });
    assert.equal(out.code, 0, out.s);
    assert.equal(JSON.parse(out.s).ok, true);
    assert.ok(!out.s.includes(secret), out.s);
    const env = { ...process.env, [`${provider.toUpperCase()}_API_KEY`]: key };
    const doc = await run(process.execPath, [bin, "doctor", "--live", "--base-url", `${provider}=${BASES()[provider]}`], { env, timeout: 20_000 }).catch((e) => e);
    assert.equal(doc.code, 1, "an unknown key fails the live check");
    assert.match(doc.stdout, /live: FAILED, the key was refused/);
    assert.ok(!`${doc.stdout}${doc.stderr}`.includes(secret));
  }
});
