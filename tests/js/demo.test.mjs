// `make demo` runs examples/demo.mjs: it must exit 0, show all four providers' calls and typed
// errors, and print no key body.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { DEMO_KEYS } from "keygate/emulator";

test("the demo tour runs end to end and leaks nothing", { timeout: 60_000 }, () => {
  const out = execFileSync(process.execPath, ["examples/demo.mjs"], { encoding: "utf8", timeout: 50_000 });
  for (const p of ["poesius", "poelis", "powerpost", "postiz"]) assert.match(out, new RegExp(`== ${p}`));
  assert.match(out, /listPresentations\(\)\s+ok/);
  assert.match(out, /listWorkspaces\(\)\s+ok/);
  assert.match(out, /getCredits\(\)\s+ok: balance \d+/);
  assert.match(out, /listIntegrations\(\)\s+ok/);
  assert.match(out, /revoked key: AuthenticationError .*API key has been revoked/);
  assert.match(out, /unknown key \(401\): AuthenticationError/);
  assert.match(out, /draft key publish: PermissionError \[draft_key_publish\][^\n]*\n\s+requests that reached the server: 0/);
  assert.match(out, /invalid key: AuthenticationError .*Invalid API key/);
  assert.match(out, /cross-origin trap saw 0/);
  for (const group of Object.values(DEMO_KEYS)) {
    for (const [name, key] of Object.entries(group)) {
      if (key.length < 16 || name.toLowerCase().includes("workspace")) continue;
      const body = key.replace(/^(pk_|poelis_api_|pp_live_sk_|pos_)/, "").slice(0, -4);
      assert.ok(!out.includes(body), `${name} leaked in the demo output`);
    }
  }
});
