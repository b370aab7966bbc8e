// The demo page (www/) in Debian's Chromium, driven by playwright-core: the page, its static server and
// the emulator all run in this process (www/serve.mjs `start`), on free loopback ports.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { start } from "../../www/serve.mjs";
import { DEMO_KEYS as D } from "../../pkg/emulator/index.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const SHOTS = path.join(ROOT, "test-results", "www");
const WAIT = 10_000; // every wait below is bounded by this (or a stated longer bound)
const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

let app;
let browser;
let page;
const consoleMessages = [];
const pageErrors = [];
const requestUrls = [];
const usedKeys = new Set();

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    }),
  ]);
}

before(async () => {
  await mkdir(SHOTS, { recursive: true });
  app = await start({ port: 0, emulatorPort: 0 });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
    ],
    timeout: 30_000,
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: "light" });
  context.setDefaultTimeout(WAIT);
  context.setDefaultNavigationTimeout(WAIT);
  page = await context.newPage();
  page.on("console", (msg) => consoleMessages.push({ type: msg.type(), text: msg.text(), url: msg.location()?.url ?? "" }));
  page.on("pageerror", (err) => pageErrors.push(String(err?.stack ?? err)));
  page.on("request", (req) => requestUrls.push(req.url()));
  await page.goto(app.pageUrl, { waitUntil: "load" });
  await page.waitForSelector("html[data-ready='true']", { timeout: 20_000, state: "attached" });
}, { timeout: 60_000 });

after(async () => {
  if (browser) await withTimeout(browser.close(), 15_000, "browser.close").catch(() => {});
  if (app) await withTimeout(app.close(), 10_000, "server close").catch(() => {});
}, { timeout: 30_000 });

// ---------------------------------------------------------------- helpers

/** Selects provider and kind, then pastes `key` into the key field as one insertion. */
async function paste(key, { provider = "auto", kind = "auto" } = {}) {
  usedKeys.add(key);
  await page.selectOption("#provider", provider);
  await page.selectOption("#kind", kind);
  await page.fill("#key", "");
  await page.focus("#key");
  await page.keyboard.insertText(key);
  assert.equal(await page.inputValue("#key"), key.replace(/[\r\n]/g, ""), "the field holds what was pasted");
}

async function setWorkspace(value) {
  await page.evaluate((v) => {
    const input = document.getElementById("workspace");
    input.value = v;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }, value);
}

/** What the page shows about the current key. */
function shown() {
  return page.evaluate(() => {
    const $ = (id) => document.getElementById(id);
    const text = (id) => $(id).textContent.trim();
    return {
      state: $("result").dataset.state,
      empty: $("result-empty").hidden ? null : text("result-empty"),
      provider: text("out-provider"),
      kind: text("out-kind"),
      status: text("out-status"),
      code: text("out-code"),
      message: text("out-message"),
      redacted: text("out-redacted"),
      warnings: [...document.querySelectorAll("#out-warnings li code")].map((c) => c.textContent),
      headers: $("headers-table").hidden
        ? null
        : Object.fromEntries([...document.querySelectorAll("#headers tr")].map((tr) => [tr.cells[0].textContent, tr.cells[1].textContent])),
      curl: $("curl-body").hidden ? null : text("curl"),
      curlEnv: $("curl-body").hidden ? null : text("curl-env"),
      curlEmu: $("curl-body").hidden ? null : text("curl-emu"),
      testEnabled: !$("test-key").disabled,
      workspaceShown: !$("powerpost-options").hidden,
    };
  });
}

/** Clicks "Test this key" and returns the outcome once it is in (bounded). */
async function testThisKey() {
  await page.click("#test-key");
  await page.waitForSelector("#test-result[data-state='ok'], #test-result[data-state='error']", { timeout: WAIT });
  return page.evaluate(() => ({
    state: document.getElementById("test-result").dataset.state,
    title: document.getElementById("test-title").textContent.trim(),
    facts: Object.fromEntries(
      [...document.querySelectorAll("#test-facts dd")].map((dd) => [dd.dataset.field, dd.textContent.trim()]),
    ),
  }));
}

const PREFIX = /^(pk_|poelis_api_|pp_(live|test)_sk_|pos_)/;

/** The key, its body without the recognised prefix, and every 10-character window of that body. */
function secretParts(key) {
  const body = key.trim().replace(PREFIX, "");
  const parts = new Set([key.trim(), body]);
  for (let i = 0; i + 10 <= body.length; i++) parts.add(body.slice(i, i + 10));
  return [...parts];
}

function assertAbsent(haystack, key, where) {
  for (const [i, part] of secretParts(key).entries()) {
    assert.ok(!haystack.includes(part), `${where} contains part #${i} of a key (redacted: ${part.slice(0, 3)}…)`);
  }
}

/** The key must not be anywhere in the document but the input's value (which is not serialised). */
async function assertNotInDom(key) {
  const { html, valueAttr, title } = await page.evaluate(() => {
    const input = document.getElementById("key");
    const clone = document.documentElement.cloneNode(true);
    const clonedInput = clone.querySelector("#key");
    clonedInput.value = "";
    clonedInput.removeAttribute("value");
    return { html: clone.outerHTML, valueAttr: input.getAttribute("value"), title: document.title };
  });
  assert.equal(valueAttr, null, "the key field has no value attribute");
  assertAbsent(html, key, "document.documentElement.outerHTML");
  assertAbsent(title + page.url(), key, "title or URL");
}

// ---------------------------------------------------------------- tests

test("the page loads keygate through its import map, from this server only", async () => {
  assert.equal(await page.title(), "keygate · check an API key");
  const s = await shown();
  assert.equal(s.state, "empty");
  assert.match(s.empty, /Paste a key/);
  assert.equal(s.testEnabled, false);
  assert.equal(await page.getAttribute("#key", "type"), "password");
  assert.equal(await page.inputValue("#emulator-url"), app.emulator.url, "?emulator= fills the emulator URL");
  assert.equal(await page.isVisible("#boot-status"), false, "the loading banner is gone");

  // The import map maps the bare specifier to the package's browser entry; its hash is in the CSP.
  const html = await (await fetch(`${app.url}/www/`, { signal: AbortSignal.timeout(WAIT) })).text();
  const map = html.match(/<script type="importmap">([\s\S]*?)<\/script>/)[1];
  assert.deepEqual(JSON.parse(map), { imports: { keygate: "../pkg/src/browser.js" } });
  const hash = createHash("sha256").update(map).digest("base64");
  assert.ok(html.includes(`'sha256-${hash}'`), "the CSP allows exactly this import map");

  // Offline: every request so far went to the page's own server (no CDN, no web fonts).
  const origins = new Set(requestUrls.map((u) => new URL(u).origin));
  assert.deepEqual([...origins], [app.url]);
  assert.ok(requestUrls.some((u) => u.endsWith("/pkg/wasm/keygate_bg.wasm")), "the wasm was fetched");
  assert.ok(requestUrls.some((u) => u.endsWith("/pkg/src/browser.js")), "the package's browser entry was loaded");
});

test("the static server: MIME types, and nothing outside www/ and pkg/", async () => {
  const get = (p) => fetch(`${app.url}${p}`, { signal: AbortSignal.timeout(WAIT), redirect: "manual" });
  assert.equal((await get("/pkg/wasm/keygate_bg.wasm")).headers.get("content-type"), "application/wasm");
  assert.match((await get("/www/app.js")).headers.get("content-type"), /^text\/javascript/);
  assert.match((await get("/pkg/src/browser.js")).headers.get("content-type"), /^text\/javascript/);
  assert.equal((await get("/")).status, 302);
  for (const p of ["/.git/config", "/Makefile", "/target/", "/www/%2e%2e/Makefile", "/pkg/..%2fCargo.toml", "/node_modules/"]) {
    assert.equal((await get(p)).status, 404, p);
  }
});

test("the show toggle switches the field between hidden and shown", async () => {
  await paste(D.poelis.apiKey);
  assert.equal(await page.getAttribute("#key", "type"), "password");
  await page.click("#toggle-key");
  assert.equal(await page.getAttribute("#key", "type"), "text");
  assert.equal(await page.getAttribute("#toggle-key", "aria-pressed"), "true");
  assert.equal((await page.textContent("#toggle-key")).trim(), "Hide");
  await assertNotInDom(D.poelis.apiKey);
  await page.click("#toggle-key");
  assert.equal(await page.getAttribute("#key", "type"), "password");
  assert.equal(await page.getAttribute("#toggle-key", "aria-pressed"), "false");
});

test("Poesius API key: detected, valid, X-API-Key header, curl from $POESIUS_API_KEY, accepted", async () => {
  const key = D.poesius.apiKey;
  await paste(key);
  const s = await shown();
  assert.equal(s.state, "ok");
  assert.equal(s.provider, "Poesius");
  assert.equal(s.kind, "API key");
  assert.equal(s.code, "ok");
  assert.equal(s.status, "valid");
  assert.equal(s.redacted, "pk_…R3nB");
  assert.deepEqual(s.headers, { "X-API-Key": "pk_…R3nB" });
  assert.equal(s.curl, 'curl -sS "https://poe.poesius.com/api/v1/presentations?limit=1" \\\n  -H "X-API-Key: $POESIUS_API_KEY"');
  assert.equal(s.curlEnv, "read -rs POESIUS_API_KEY && export POESIUS_API_KEY");
  await assertNotInDom(key);

  const before = app.emulator.counts({ provider: "poesius", path: "/presentations" });
  const r = await testThisKey();
  assert.equal(r.state, "ok", r.title);
  assert.equal(r.facts.status, "200");
  assert.match(r.facts.requestId, /^req_/);
  assert.match(r.facts.result, /2 presentations/);
  assert.match(r.facts.client, /^Client\(poesius http:\/\/127\.0\.0\.1:\d+\/poesius\/api\/v1 pk_…R3nB\)$/);
  assert.equal(app.emulator.counts({ provider: "poesius", path: "/presentations" }), before + 1);
  const entry = app.emulator.log.findLast((e) => e.provider === "poesius" && !e.preflight);
  assert.ok("x-api-key" in entry.headers, "the key went in X-API-Key");
  await assertNotInDom(key);
});

test("Poesius revoked key: AuthenticationError 401 with the provider's message and request id", async () => {
  const key = D.poesius.revokedKey;
  await paste(key);
  const s = await shown();
  assert.equal(s.code, "ok", "the format is fine; only the server knows it is revoked");
  const r = await testThisKey();
  assert.equal(r.state, "error");
  assert.equal(r.title, "✗ AuthenticationError");
  assert.equal(r.facts.class, "AuthenticationError → KeygateError");
  assert.equal(r.facts.code, "authentication_failed");
  assert.equal(r.facts.status, "401");
  assert.equal(r.facts.message, "API key has been revoked");
  assert.match(r.facts.requestId, /^req_/);
  await assertNotInDom(key);
});

test("Poesius JWT: kind guessed, Authorization: Bearer; an expired one is refused by the server", async () => {
  await paste(D.poesius.jwt);
  let s = await shown();
  assert.equal(s.provider, "Poesius");
  assert.equal(s.kind, "JWT");
  assert.equal(s.code, "ok");
  assert.deepEqual(Object.keys(s.headers), ["Authorization"]);
  assert.match(s.headers.Authorization, /^Bearer …[A-Za-z0-9_-]{4}$/);
  assert.match(s.curl, /-H "Authorization: Bearer \$POESIUS_JWT"$/);
  assert.equal((await testThisKey()).state, "ok");
  await assertNotInDom(D.poesius.jwt);

  await paste(D.poesius.expiredJwt);
  s = await shown();
  assert.equal(s.code, "ok");
  assert.ok(s.warnings.includes("jwt_expired"), `warnings: ${s.warnings}`);
  const r = await testThisKey();
  assert.equal(r.title, "✗ AuthenticationError");
  assert.equal(r.facts.status, "401");
  assert.equal(r.facts.message, "Token has expired");
  await assertNotInDom(D.poesius.expiredJwt);
});

test("Poelis API key: Authorization: Bearer, curl from $POELIS_API_KEY, accepted", async () => {
  const key = D.poelis.apiKey;
  await paste(key);
  const s = await shown();
  assert.equal(s.provider, "Poelis");
  assert.equal(s.code, "ok");
  assert.equal(s.redacted, "poelis_api_…d0Jf");
  assert.deepEqual(s.headers, { Authorization: "Bearer poelis_api_…d0Jf" });
  assert.equal(s.curl, 'curl -sS "https://api.poelis.com/v1/public/workspaces" \\\n  -H "Authorization: Bearer $POELIS_API_KEY"');
  assert.ok(s.curlEmu.startsWith(`curl -sS "${app.emulator.url}/poelis/v1/public/workspaces"`), s.curlEmu);
  const r = await testThisKey();
  assert.equal(r.state, "ok", r.title);
  assert.match(r.facts.result, /^2 workspaces: Main, Research$/);
  assert.match(r.facts.requestId, /^req_/);
  await assertNotInDom(key);
});

test("PowerPost key with a workspace: x-api-key and X-Workspace-Id; getCredits answers; revoked is typed", async () => {
  const key = D.powerpost.apiKey;
  await paste(key);
  await setWorkspace(D.powerpost.workspaceId);
  let s = await shown();
  assert.equal(s.workspaceShown, true);
  assert.equal(s.provider, "PowerPost");
  assert.equal(s.code, "ok");
  assert.match(s.message, /env: live/);
  assert.equal(s.redacted, "pp_live_sk_…N3bZ");
  assert.deepEqual(s.headers, { "x-api-key": "pp_live_sk_…N3bZ", "X-Workspace-Id": "ws_123" });
  assert.equal(s.curl, 'curl -sS "https://powerpost.ai/api/v1/account/credits" \\\n  -H "x-api-key: $POWERPOST_API_KEY"');
  let r = await testThisKey();
  assert.equal(r.state, "ok", r.title);
  assert.equal(r.facts.result, "credit balance: 42");
  await assertNotInDom(key);

  await page.selectOption("#scheme", "bearer");
  s = await shown();
  assert.deepEqual(s.headers, { Authorization: "Bearer pp_live_sk_…N3bZ", "X-Workspace-Id": "ws_123" });
  assert.match(s.curl, /-H "Authorization: Bearer \$POWERPOST_API_KEY"$/);
  await page.selectOption("#scheme", "default");

  await paste(D.powerpost.revokedKey);
  r = await testThisKey();
  assert.equal(r.title, "✗ AuthenticationError");
  assert.equal(r.facts.status, "401");
  assert.equal(r.facts.providerCode, "INVALID_API_KEY");
  assert.match(r.facts.requestId, /^req_/);
  await assertNotInDom(D.powerpost.revokedKey);
  await setWorkspace("");
});

test("Postiz API key: no prefix, so the page asks; chosen, it is valid and listIntegrations answers", async () => {
  const key = D.postiz.apiKey;
  await paste(key);
  let s = await shown();
  assert.equal(s.state, "unknown");
  assert.match(s.empty, /Choose the provider/);
  assert.match(s.empty, /Postiz API keys have no prefix/);
  assert.equal(s.testEnabled, false);
  await assertNotInDom(key);

  await page.selectOption("#provider", "postiz");
  s = await shown();
  assert.equal(s.provider, "Postiz");
  assert.equal(s.code, "ok");
  assert.deepEqual(s.warnings, []);
  assert.equal(s.redacted, "…f861");
  assert.deepEqual(s.headers, { Authorization: "…f861" });
  assert.equal(s.curl, 'curl -sS "https://api.postiz.com/public/v1/integrations" \\\n  -H "Authorization: $POSTIZ_API_KEY"');
  assert.ok(s.curlEmu.startsWith(`curl -sS "${app.emulator.url}/postiz/public/v1/integrations"`), s.curlEmu);
  const r = await testThisKey();
  assert.equal(r.state, "ok", r.title);
  assert.match(r.facts.result, /^2 integrations: /);
  assert.match(r.facts.client, /\/postiz\/public\/v1 …f861\)$/);
  await assertNotInDom(key);
});

test("Postiz key without subscription: SubscriptionError (an AuthenticationError), 401", async () => {
  const key = D.postiz.noSubscriptionKey;
  await paste(key, { provider: "postiz" });
  assert.equal((await shown()).code, "ok");
  const r = await testThisKey();
  assert.equal(r.state, "error");
  assert.equal(r.title, "✗ SubscriptionError");
  assert.equal(r.facts.class, "SubscriptionError → AuthenticationError → KeygateError");
  assert.equal(r.facts.code, "subscription_required");
  assert.equal(r.facts.status, "401");
  assert.equal(r.facts.message, "No subscription found");
  assert.equal(r.facts.requestId, undefined, "Postiz's server sets no request id (the emulator models it)");
  await assertNotInDom(key);
});

test("Postiz OAuth token: detected from pos_, an OAuth token, raw Authorization", async () => {
  const key = D.postiz.oauthToken;
  await paste(key);
  const s = await shown();
  assert.equal(s.provider, "Postiz");
  assert.equal(s.kind, "OAuth token");
  assert.equal(s.code, "ok");
  assert.equal(s.redacted, "pos_…dZp1");
  assert.deepEqual(s.headers, { Authorization: "pos_…dZp1" });
  assert.equal((await testThisKey()).state, "ok");
  await assertNotInDom(key);
});

test("bad keys: whitespace paste error, wrong prefix, a pasted header; nothing is sent", async () => {
  const sent = () => app.emulator.log.filter((e) => !e.preflight).length;
  const before = sent();

  // Browsers drop line breaks from single-line fields, so the paste error that survives is spaces.
  await paste(` ${D.poelis.apiKey} `);
  let s = await shown();
  assert.equal(s.provider, "Poelis", "detected despite the spaces");
  assert.equal(s.state, "error");
  assert.equal(s.status, "invalid");
  assert.equal(s.code, "whitespace");
  assert.match(s.message, /paste error/);
  assert.equal(s.headers, null, "no headers for an invalid key");
  let r = await testThisKey();
  assert.equal(r.title, "✗ KeyFormatError");
  assert.equal(r.facts.code, "whitespace");
  assert.equal(r.facts.status, undefined);
  await assertNotInDom(D.poelis.apiKey);

  await paste(D.poesius.apiKey, { provider: "poelis" });
  s = await shown();
  assert.equal(s.provider, "Poelis");
  assert.equal(s.code, "wrong_prefix");
  assert.match(s.message, /poelis_api_/);
  assert.match(s.message, /Poesius/);
  assert.equal(s.headers, null);
  r = await testThisKey();
  assert.equal(r.title, "✗ KeyFormatError");
  assert.equal(r.facts.code, "wrong_prefix");
  await assertNotInDom(D.poesius.apiKey);

  await paste(`Bearer ${D.powerpost.apiKey}`);
  s = await shown();
  assert.equal(s.provider, "PowerPost");
  assert.equal(s.code, "has_scheme");
  assert.match(s.message, /Bearer/);
  await assertNotInDom(D.powerpost.apiKey);

  await paste("pp_live_pk_abcdefgh12345678");
  s = await shown();
  assert.equal(s.code, "not_secret_key");

  // Warnings keep the key valid and are listed with their codes.
  await paste("pp_test_sk_abcdefgh12345678");
  s = await shown();
  assert.equal(s.code, "ok");
  assert.equal(s.status, "valid, with warnings");
  assert.deepEqual(s.warnings, ["test_key"]);
  assert.match(s.message, /env: test/);
  await assertNotInDom("pp_test_sk_abcdefgh12345678");

  assert.equal(sent(), before, "an invalid key never reaches the network");
});

test("emulator URL problems are typed errors too: nothing listening, plain http to a remote host", async () => {
  const net = await import("node:net");
  const closedPort = await new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
  await paste(D.poelis.apiKey);
  await page.fill("#emulator-url", `http://127.0.0.1:${closedPort}`);
  assert.ok((await shown()).curlEmu.includes(`http://127.0.0.1:${closedPort}/poelis/v1/public/workspaces`));
  let r = await testThisKey();
  assert.equal(r.title, "✗ NetworkError");
  assert.match(r.facts.hint, /emulator running/);

  await page.fill("#emulator-url", "http://keygate.example");
  r = await testThisKey();
  assert.equal(r.title, "✗ ConfigError", JSON.stringify(r.facts));

  await page.fill("#emulator-url", app.emulator.url);
  assert.equal((await testThisKey()).state, "ok");
  await assertNotInDom(D.poelis.apiKey);
});

test("screenshots: desktop 1280x800 and phone 375x812, no horizontal scrolling", { timeout: 60_000 }, async () => {
  await paste(D.powerpost.apiKey);
  await setWorkspace(D.powerpost.workspaceId);
  assert.equal((await testThisKey()).state, "ok");
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: path.join(SHOTS, "desktop.png"), fullPage: true, timeout: WAIT });

  await paste(D.postiz.noSubscriptionKey, { provider: "postiz" });
  assert.equal((await testThisKey()).state, "error");
  await page.screenshot({ path: path.join(SHOTS, "desktop-error.png"), fullPage: true, timeout: WAIT });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: path.join(SHOTS, "desktop-dark.png"), fullPage: true, timeout: WAIT });
  await page.emulateMedia({ colorScheme: "light" });

  await page.setViewportSize({ width: 375, height: 812 });
  const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  assert.ok(widths.scroll <= widths.client, `no horizontal overflow at 375px: ${JSON.stringify(widths)}`);
  await page.screenshot({ path: path.join(SHOTS, "narrow.png"), fullPage: true, timeout: WAIT });
  await page.screenshot({ path: path.join(SHOTS, "narrow-top.png"), timeout: WAIT });
  await assertNotInDom(D.postiz.noSubscriptionKey);
  await page.setViewportSize({ width: 1280, height: 800 });
  await setWorkspace("");
});

test("no key ever reached the console, a request URL or an uncaught error", async () => {
  if (process.env.KEYGATE_WWW_DEBUG) for (const m of consoleMessages) console.log(`[console.${m.type}] ${m.text}`);
  const consoleText = consoleMessages.map((m) => `${m.type} ${m.text} ${m.url}`).join("\n");
  const urls = requestUrls.join("\n");
  assert.ok(usedKeys.size >= 10, "the tests above pasted the demo keys");
  for (const key of usedKeys) {
    assertAbsent(consoleText, key, "the console");
    assertAbsent(urls, key, "a request URL");
  }
  assert.deepEqual(pageErrors, [], "no uncaught errors");
  const csp = consoleMessages.filter((m) => /Content Security Policy/i.test(m.text));
  assert.deepEqual(csp, [], "no CSP violations");
  const logs = consoleMessages.filter((m) => m.type === "log" || m.type === "info" || m.type === "debug");
  assert.deepEqual(logs, [], "the page does not log");
});
