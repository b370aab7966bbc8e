// The official `postiz` CLI (npm, pinned in tests/official/package-lock.json) against the
// emulator: every command that talks to the public API, then its error paths. The CLI has no
// error classes: a failed call is `Error("Request failed: API Error (<status>): <body>")`, printed,
// and exit code 1; that is what "its own typed errors" means for it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, DEMO_KEYS as K } from "../../pkg/emulator/index.js";
import { requiredPath, run } from "./support.mjs";

const CLI = requiredPath("POSTIZ_CLI");
const T = { timeout: 60000 };
const REVOKED = "5b0c6a3e1f2d4c5b6a7980f1e2d3c4b5a69788f0e1d2c3b4a5968778f9e0d1c2";
const PNG = Buffer.from("89504e470d0a1a0a0000000d4948445200000001", "hex");
let emu;
let home;

before(async () => {
  emu = await startEmulator({
    postiz: {
      apiKeys: { [REVOKED]: { revoked: true, organization: "org_demo" } },
      tools: { x: [{ methodName: "getLists", description: "Lists of the account", output: [{ id: "l1", name: "Friends" }] }] },
      posts: [{ id: "post_seed_missing", integrationId: "int_x_demo", releaseId: "missing" }],
      missingContent: [{ id: "tw_123", url: "https://x.com/keygate_demo/status/123" }],
    },
  });
  // an empty HOME: the CLI reads ~/.postiz/credentials.json before POSTIZ_API_KEY
  home = mkdtempSync(join(tmpdir(), "keygate-postiz-cli-"));
  writeFileSync(join(home, "logo.png"), PNG);
});
after(async () => {
  await emu.close();
  rmSync(home, { recursive: true, force: true });
});

const cli = (args, { key = K.postiz.apiKey, url = emu.urls.postizRoot } = {}) =>
  run(process.execPath, [CLI, ...args], { env: { HOME: home, POSTIZ_API_KEY: key, POSTIZ_API_URL: url }, timeoutMs: 20000 });

/** The JSON the CLI prints (after a status line for most commands). */
function printed(r) {
  const at = r.stdout.search(/^[[{]/m);
  return JSON.parse(r.stdout.slice(at));
}

test("its whole call set runs with no failure, on the hosted and the self-hosted mount", T, async () => {
  for (const url of [emu.urls.postizRoot, emu.urls.postizSelfRoot]) {
    emu.reset();
    const ok = async (args) => {
      const r = await cli(args, { url });
      assert.equal(r.code, 0, `postiz ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
      return r;
    };
    const integrations = printed(await ok(["integrations:list"]));
    assert.deepEqual(integrations.map((i) => i.id), ["int_x_demo", "int_linkedin_demo"]);
    assert.equal(printed(await ok(["integrations:settings", "int_x_demo"])).output.maxLength, 280);
    assert.deepEqual(printed(await ok(["integrations:trigger", "int_x_demo", "getLists", "-d", "{}"])).output, [{ id: "l1", name: "Friends" }]);
    const upload = printed(await ok(["upload", join(home, "logo.png")]));
    assert.equal(upload.name, "logo.png");
    const created = printed(await ok(["posts:create", "-c", "hello from the CLI", "-m", upload.path, "-i", "int_x_demo", "-s", "2030-01-01T10:00:00Z"]));
    assert.deepEqual(Object.keys(created[0]).sort(), ["integration", "postId"]);
    const listed = printed(await ok(["posts:list", "--startDate", "2029-01-01T00:00:00Z", "--endDate", "2031-01-01T00:00:00Z"]));
    assert.deepEqual(listed.posts.map((p) => p.id), [created[0].postId]);
    assert.deepEqual(printed(await ok(["posts:missing", "post_seed_missing"])), [{ id: "tw_123", url: "https://x.com/keygate_demo/status/123" }]);
    await ok(["posts:connect", "post_seed_missing", "--release-id", "tw_123"]);
    assert.ok(Array.isArray(printed(await ok(["analytics:platform", "int_x_demo", "-d", "7"]))));
    assert.deepEqual(printed(await ok(["analytics:post", created[0].postId, "-d", "7"])), []);
    await ok(["posts:delete", created[0].postId]);
    assert.equal(emu.state().postiz.posts, 1, "only the seeded post is left");
    assert.ok(emu.log.every((e) => e.status < 400), emu.log.map((e) => `${e.method} ${e.path} ${e.status}`).join("\n"));
  }
});

async function fails(args, opts, status, body) {
  const r = await cli(args, opts);
  assert.equal(r.code, 1, `exit code of a failed call: ${r.stdout}`);
  assert.ok(r.stderr.includes(`Request failed: API Error (${status}): ${body}`), r.stderr);
  return r;
}

test("a bad key, a revoked key and no subscription fail with API Error (401) and the server's {msg}", T, async () => {
  await fails(["integrations:list"], { key: "0".repeat(64) }, 401, '{"msg":"Invalid API key"}');
  await fails(["integrations:list"], { key: REVOKED }, 401, '{"msg":"Invalid API key"}');
  await fails(["integrations:list"], { key: K.postiz.noSubscriptionKey }, 401, '{"msg":"No subscription found"}');
  // the self-hosted server checks no subscription (STRIPE_SECRET_KEY unset)
  assert.equal((await cli(["integrations:list"], { key: K.postiz.noSubscriptionKey, url: emu.urls.postizSelfRoot })).code, 0);
});

test("429 then success: the CLI does not retry, so a blocked run fails and the next run succeeds", T, async () => {
  emu.reset();
  emu.addScenario({ match: { provider: "postiz", method: "POST", path: "/posts" }, faults: ["429:1"] });
  const args = ["posts:create", "-c", "again", "-i", "int_x_demo", "-s", "2030-01-01T10:00:00Z"];
  await fails(args, {}, 429, '{"statusCode":429,"message":"ThrottlerException: Too Many Requests"}');
  const r = await cli(args);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(emu.log.map((e) => e.status), [429, 201]);
});

test("the server's own throttle (limit set to 1): the next post of the hour fails with 429", T, async () => {
  const e = await startEmulator({ postiz: { postRateLimit: 1 } });
  try {
    const args = ["posts:create", "-c", "one", "-i", "int_x_demo", "-s", "2030-01-01T10:00:00Z"];
    assert.equal((await cli(args, { url: e.urls.postizRoot })).code, 0);
    await fails(args, { url: e.urls.postizRoot }, 429, '{"statusCode":429,"message":"ThrottlerException: Too Many Requests"}');
    assert.equal(e.stats().refused.postiz, 1);
  } finally {
    await e.close();
  }
});
