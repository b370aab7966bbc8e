// The same calls through keygate (the built package) and through each official client, sent to
// a loopback capture server: the auth headers and the paths must match byte for byte.
// Also: where each goes when the server redirects to another port.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "keygate";
import { startEmulator, DEMO_KEYS as K } from "../../pkg/emulator/index.js";
import { requiredPath, run } from "./support.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const PY = requiredPath("OFFICIAL_PYTHON");
const CLI = requiredPath("POSTIZ_CLI");
const T = { timeout: 60000 };
const AUTH = ["authorization", "x-api-key"];

/** A server that records every request and answers with a plausible body for the path. */
function capture() {
  const seen = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      // raw header pairs keep the bytes as sent (names in their case, values untouched)
      const raw = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) raw.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
      seen.push({ method: req.method, path: req.url, raw, body: Buffer.concat(chunks).toString("utf8") });
      let body = "{}";
      if (req.url.endsWith("/graphql")) body = JSON.stringify({ data: { workspaces: [] } });
      else if (req.url.includes("/workspaces")) body = JSON.stringify({ items: [], count: 0 });
      else if (req.url.includes("/integrations")) body = "[]";
      else if (req.url.includes("/posts") && req.method === "POST") body = "[]";
      res.writeHead(req.method === "POST" ? 201 : 200, { "content-type": "application/json" });
      res.end(body);
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, seen, url: `http://127.0.0.1:${server.address().port}` })));
}

const authOf = (r) => r.raw.filter(([n]) => AUTH.includes(n.toLowerCase())).map(([n, v]) => `${n.toLowerCase()}: ${v}`);
const line = (r) => `${r.method} ${r.path.split("?")[0]}`;

let cap;
let home;
before(async () => {
  cap = await capture();
  home = mkdtempSync(join(tmpdir(), "keygate-parity-"));
  writeFileSync(join(home, "logo.png"), Buffer.from("89504e470d0a1a0a", "hex"));
});
after(async () => {
  await new Promise((r) => cap.server.close(r));
  rmSync(home, { recursive: true, force: true });
});

test("Postiz: keygate and the postiz CLI send the same Authorization to the same paths", T, async () => {
  const cli = (args) => run(process.execPath, [CLI, ...args], { env: { HOME: home, POSTIZ_API_KEY: K.postiz.apiKey, POSTIZ_API_URL: cap.url } });
  const kg = new Client({ provider: "postiz", apiKey: K.postiz.apiKey, baseUrl: cap.url, maxRetries: 0 });
  const pairs = [
    [() => cli(["integrations:list"]), () => kg.listIntegrations()],
    [() => cli(["posts:create", "-c", "x", "-i", "int_x_demo", "-s", "2030-01-01T10:00:00Z"]), () => kg.createPost({ type: "schedule" })],
    [() => cli(["upload", join(home, "logo.png")]), () => kg.upload(new Uint8Array([137, 80, 78, 71]), { filename: "logo.png" })],
  ];
  for (const [official, ours] of pairs) {
    cap.seen.length = 0;
    const r = await official();
    assert.equal(r.code, 0, r.stderr);
    await ours();
    assert.equal(cap.seen.length, 2);
    const [a, b] = cap.seen;
    assert.equal(line(b), line(a), "same method and path");
    assert.deepEqual(authOf(b), authOf(a), `same auth header bytes on ${line(a)}`);
    assert.deepEqual(authOf(a), [`authorization: ${K.postiz.apiKey}`], "the raw key, no scheme");
  }
  // The CLI's other calls (posts:list with dates, posts:delete, posts:missing, posts:connect,
  // integrations:settings/trigger, analytics) go through keygate's generic request(): same header.
  cap.seen.length = 0;
  assert.equal((await cli(["integrations:settings", "int_x_demo"])).code, 0);
  await kg.request({ path: "/integration-settings/int_x_demo" });
  assert.deepEqual(cap.seen.map(line), ["GET /public/v1/integration-settings/int_x_demo", "GET /public/v1/integration-settings/int_x_demo"]);
  assert.deepEqual(authOf(cap.seen[1]), authOf(cap.seen[0]));
});

test("Poelis: keygate and poelis-sdk, from the same POELIS_BASE_URL, send the same Authorization, GraphQL path and body", T, async () => {
  cap.seen.length = 0;
  const env = { POELIS_BASE_URL: cap.url, POELIS_API_KEY: K.poelis.apiKey };
  const py = await run(PY, ["-c", "from poelis_sdk import PoelisClient as P; c = P.from_env(); c.enable_change_detection = False; c.workspaces.list()"], {
    env: { HOME: home, ...env },
  });
  assert.equal(py.code, 0, py.stderr);
  // keygate reads the same environment the SDK does (POELIS_BASE_URL is the host root).
  const kg = Client.fromEnv("poelis", env, { maxRetries: 0 });
  const sent = JSON.parse(cap.seen[0].body);
  await kg.graphql(sent.query, sent.variables);
  await kg.listWorkspaces();
  const [sdk, ours, rest] = cap.seen;
  assert.equal(cap.seen.length, 3);
  assert.equal(line(sdk), "POST /v1/graphql", "the SDK works over GraphQL at {host}/v1/graphql");
  assert.equal(line(ours), line(sdk), "keygate's graphql() posts to the same path");
  assert.deepEqual(JSON.parse(ours.body), sent, "the same GraphQL body ({query, variables})");
  assert.equal(line(rest), "GET /v1/public/workspaces", "REST under {host}/v1/public");
  assert.deepEqual(authOf(ours), authOf(sdk), "Authorization: Bearer <key>, byte for byte (GraphQL)");
  assert.deepEqual(authOf(rest), authOf(sdk), "Authorization: Bearer <key>, byte for byte (REST)");
  assert.deepEqual(authOf(sdk), [`authorization: Bearer ${K.poelis.apiKey}`]);
});

test("redirect to another port: the postiz CLI (node-fetch) sends the raw key there; keygate refuses", T, async () => {
  const emu = await startEmulator({ scenarios: [{ match: { provider: "postiz", path: "/integrations" }, faults: ["redirect-cross:302"] }] });
  try {
    const r = await run(process.execPath, [CLI, "integrations:list"], { env: { HOME: home, POSTIZ_API_KEY: K.postiz.apiKey, POSTIZ_API_URL: emu.urls.postizRoot } });
    assert.equal(r.code, 0, r.stderr);
    const trapped = emu.crossOrigin.received;
    assert.equal(trapped.length, 1, "the CLI followed the redirect to the other port");
    assert.equal(trapped[0].headers.authorization, K.postiz.apiKey, "and sent the raw key with it");
    emu.reset();
    const kg = new Client({ provider: "postiz", apiKey: K.postiz.apiKey, baseUrl: emu.urls.postizRoot, maxRetries: 0 });
    await assert.rejects(kg.listIntegrations(), (e) => e.code === "redirect_refused" || /redirect/i.test(e.message));
    assert.equal(emu.crossOrigin.received.length, 0, "keygate sent nothing to the other port");
  } finally {
    await emu.close();
  }
});
