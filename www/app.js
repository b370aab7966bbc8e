// keygate demo page. Everything about keys (detection, validation, redaction, headers, the client) is
// the package's; this file only wires the inputs to it and renders what it returns.
//
// Secret hygiene: the key lives in the input's value and in local variables while a check runs. The
// page writes text with textContent only, shows the package's redacted forms, never logs, and every
// string it renders also passes through scrub() as a last line of defence.
import { validateKey, detectProvider, buildHeaders, redact, Client, providers, ready } from "keygate";

await ready;

const $ = (id) => document.getElementById(id);
const els = {
  app: $("app"),
  boot: $("boot-status"),
  provider: $("provider"),
  kind: $("kind"),
  key: $("key"),
  toggle: $("toggle-key"),
  clear: $("clear-key"),
  ppOptions: $("powerpost-options"),
  workspace: $("workspace"),
  scheme: $("scheme"),
  result: $("result"),
  resultEmpty: $("result-empty"),
  resultBody: $("result-body"),
  outProvider: $("out-provider"),
  outProviderHow: $("out-provider-how"),
  outKind: $("out-kind"),
  outKindHow: $("out-kind-how"),
  outStatus: $("out-status"),
  outCode: $("out-code"),
  outMessage: $("out-message"),
  outRedacted: $("out-redacted"),
  outWarnings: $("out-warnings"),
  headersNone: $("headers-none"),
  headersTable: $("headers-table"),
  headers: $("headers"),
  emulatorUrl: $("emulator-url"),
  testKey: $("test-key"),
  testCall: $("test-call"),
  testResult: $("test-result"),
  testTitle: $("test-title"),
  testFacts: $("test-facts"),
  testDataBox: $("test-data-box"),
  testData: $("test-data"),
  curlEmpty: $("curl-empty"),
  curlBody: $("curl-body"),
  curlEnv: $("curl-env"),
  curlWhat: $("curl-what"),
  curl: $("curl"),
  curlEmu: $("curl-emu"),
  copyCurl: $("copy-curl"),
  copyStatus: $("copy-status"),
};

const INFO = Object.fromEntries(providers.map((p) => [p.id, p]));
const KIND_LABEL = { api_key: "API key", jwt: "JWT", oauth_token: "OAuth token" };

// The cheap, read-only "is this key valid" call of each provider: the one its documents use where they
// name one (Poesius GET /presentations?limit=1, Postiz and PowerPost in their curl examples, Poelis in
// its quick start), the client helper that makes it, and where the emulator mounts the provider.
const CHECKS = {
  poesius: { helper: "listPresentations", method: "GET", path: "/presentations?limit=1", emulatorBase: "/poesius/api/v1" },
  poelis: { helper: "listWorkspaces", method: "GET", path: "/workspaces", emulatorBase: "/poelis/v1/public" },
  powerpost: { helper: "getCredits", method: "GET", path: "/account/credits", emulatorBase: "/powerpost/api/v1" },
  // Postiz takes the backend root as baseUrl and appends /public/v1 itself.
  postiz: { helper: "listIntegrations", method: "GET", path: "/integrations", emulatorBase: "/postiz", restSuffix: "/public/v1" },
};

// ---------------------------------------------------------------- secret hygiene

/** Replaces the current key (as typed, and trimmed) by its redacted form in any text. */
function scrub(text) {
  let out = String(text ?? "");
  const raw = els.key.value;
  for (const secret of new Set([raw, raw.trim()])) {
    if (secret.length >= 6 && out.includes(secret)) out = out.split(secret).join(redact(secret) || "…");
  }
  return out;
}

function setText(el, text) {
  el.textContent = scrub(text);
}

function clear(el) {
  el.replaceChildren();
}

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = scrub(text);
  if (className) node.className = className;
  return node;
}

// ---------------------------------------------------------------- reading the form

const JWT_SHAPE = /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
// For detection only: a pasted header line or scheme word in front of the key.
const PASTED_SCHEME = /^(?:(?:authorization|x-api-key)\s*:\s*)?(?:(?:bearer|basic|token)\s+)?/i;

/** Which provider the key is for, and how we know. */
function resolveProvider(value) {
  const chosen = els.provider.value;
  if (chosen !== "auto") return { id: chosen, how: "chosen" };
  if (value === "") return { id: null, how: "" };
  const direct = detectProvider(value);
  if (direct) return { id: direct, how: "detected from its prefix" };
  const cleaned = value.trim().replace(PASTED_SCHEME, "").trim();
  const loose = cleaned ? detectProvider(cleaned) : null;
  if (loose) return { id: loose, how: "detected from its prefix (ignoring what surrounds the key)" };
  if (JWT_SHAPE.test(cleaned)) return { id: "poesius", how: "guessed: a JWT, and only Poesius takes JWTs" };
  return { id: null, how: "" };
}

/** Which credential kind to validate as. */
function resolveKind(providerId, value) {
  const chosen = els.kind.value;
  if (chosen !== "auto") return { kind: chosen, how: "chosen" };
  const v = value.trim().replace(PASTED_SCHEME, "").trim();
  if (providerId === "poesius" && JWT_SHAPE.test(v)) return { kind: "jwt", how: "guessed from its shape" };
  // keygate itself treats a Postiz `pos_` value as an OAuth token whatever kind is passed.
  return { kind: "api_key", how: "default" };
}

const CREDENTIAL_FIELD = { api_key: "apiKey", jwt: "jwt", oauth_token: "oauthToken" };

/** The current state of the form, validated. `value` is the key: keep it in locals only. */
function readForm() {
  const value = els.key.value;
  const provider = resolveProvider(value);
  const kind = provider.id ? resolveKind(provider.id, value) : { kind: "api_key", how: "" };
  const validation = provider.id && value !== "" ? validateKey(provider.id, value, kind.kind) : null;
  const workspaceId = els.workspace.value.trim();
  const scheme = els.scheme.value;
  return { value, provider, kind, validation, workspaceId, scheme };
}

function credentialOptions(state) {
  // The package reports the kind it validated (a Postiz `pos_` token is an OAuth token).
  const kind = state.validation?.kind ?? state.kind.kind;
  const opts = { provider: state.provider.id, [CREDENTIAL_FIELD[kind]]: state.value };
  if (state.provider.id === "powerpost") {
    if (state.scheme === "bearer") opts.scheme = "bearer";
    if (state.workspaceId) opts.workspaceId = state.workspaceId;
  }
  return opts;
}

// ---------------------------------------------------------------- rendering

function render() {
  abortTest();
  const state = readForm();
  const pid = state.provider.id;
  els.ppOptions.hidden = pid !== "powerpost";

  renderResult(state);
  renderCurl(state);

  els.testKey.disabled = !(pid && state.value !== "");
  hideTestResult();
  if (pid) {
    const c = CHECKS[pid];
    setText(
      els.testCall,
      `Calls client.${c.helper}() (${c.method} ${c.path}) on the emulator's ${INFO[pid].name}, ` +
        "with dangerouslyAllowBrowser: true (see below).",
    );
  } else {
    setText(els.testCall, "Calls one cheap read-only endpoint of the provider on the emulator.");
  }
}

function renderResult(state) {
  const { value, provider, validation } = state;
  if (value === "") {
    els.result.dataset.state = "empty";
    els.resultEmpty.hidden = false;
    setText(els.resultEmpty, "Paste a key to check it.");
    els.resultBody.hidden = true;
    return;
  }
  if (!provider.id) {
    els.result.dataset.state = "unknown";
    els.resultEmpty.hidden = false;
    const r = redact(value);
    setText(
      els.resultEmpty,
      `No known prefix${r && r !== "…" ? ` (${r})` : ""}. Choose the provider above: Postiz API keys have no ` +
        "prefix, and keygate recognises pk_ (Poesius), poelis_api_ (Poelis), pp_ (PowerPost) and pos_ (Postiz OAuth).",
    );
    els.resultBody.hidden = true;
    return;
  }
  els.resultEmpty.hidden = true;
  els.resultBody.hidden = false;
  els.result.dataset.state = validation.ok ? "ok" : "error";

  setText(els.outProvider, INFO[provider.id].name);
  setText(els.outProviderHow, provider.how ? `(${provider.how})` : "");
  setText(els.outKind, KIND_LABEL[validation.kind] ?? validation.kind);
  const kindNote =
    validation.kind !== state.kind.kind
      ? "(keygate recognised it)"
      : state.kind.how && state.kind.how !== "default"
        ? `(${state.kind.how})`
        : "";
  setText(els.outKindHow, kindNote);
  els.outStatus.className = `badge ${validation.ok ? "ok" : "bad"}`;
  setText(els.outStatus, validation.ok ? (validation.warnings.length ? "valid, with warnings" : "valid") : "invalid");
  setText(els.outCode, validation.code);
  setText(els.outMessage, validation.env ? `${validation.message} (env: ${validation.env})` : validation.message);
  setText(els.outRedacted, validation.redacted || "(nothing to show)");

  clear(els.outWarnings);
  els.outWarnings.hidden = validation.warnings.length === 0;
  for (const w of validation.warnings) {
    const li = el("li");
    li.append(el("code", w.code), document.createTextNode(" "), el("span", w.message));
    els.outWarnings.append(li);
  }

  renderHeaders(state);
}

function renderHeaders(state) {
  clear(els.headers);
  els.headersTable.hidden = true;
  els.headersNone.hidden = false;
  if (!state.validation.ok) {
    setText(els.headersNone, "None: keygate refuses to build headers from an invalid credential.");
    return;
  }
  let shown;
  try {
    // buildHeaders returns the real values; its toJSON() is the redacted view. Only that is rendered.
    shown = buildHeaders(credentialOptions(state)).toJSON();
  } catch (err) {
    setText(els.headersNone, `buildHeaders refused: ${err.name} (${err.code}): ${err.message}`);
    return;
  }
  for (const [name, redactedValue] of Object.entries(shown)) {
    const tr = el("tr");
    const th = el("th");
    th.scope = "row";
    th.append(el("code", name));
    const td = el("td");
    td.append(el("code", redactedValue));
    tr.append(th, td);
    els.headers.append(tr);
  }
  els.headersNone.hidden = true;
  els.headersTable.hidden = false;
}

/** The header line for curl, reading the credential from an environment variable. */
function curlAuthHeader(state) {
  const pid = state.provider.id;
  const kind = state.validation?.kind ?? state.kind.kind;
  const envVar = INFO[pid].envApiKey;
  switch (pid) {
    case "poesius":
      if (kind === "jwt") return { header: "Authorization: Bearer $POESIUS_JWT", envVar: "POESIUS_JWT" };
      if (kind === "oauth_token") return { header: "Authorization: Bearer $POESIUS_OAUTH_TOKEN", envVar: "POESIUS_OAUTH_TOKEN" };
      return { header: `X-API-Key: $${envVar}`, envVar };
    case "poelis":
      return { header: `Authorization: Bearer $${envVar}`, envVar };
    case "powerpost":
      return { header: state.scheme === "bearer" ? `Authorization: Bearer $${envVar}` : `x-api-key: $${envVar}`, envVar };
    case "postiz":
      // Raw, no scheme word, for API keys and pos_ OAuth tokens alike.
      return { header: `Authorization: $${envVar}`, envVar };
    default:
      return null;
  }
}

function emulatorRoot() {
  let url;
  try {
    url = new URL(els.emulatorUrl.value.trim());
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

function renderCurl(state) {
  const pid = state.provider.id;
  els.curlEmpty.hidden = Boolean(pid);
  els.curlBody.hidden = !pid;
  if (!pid) return;
  const check = CHECKS[pid];
  const auth = curlAuthHeader(state);
  const real = `${INFO[pid].baseUrl}${check.path}`;
  setText(els.curlEnv, `read -rs ${auth.envVar} && export ${auth.envVar}`);
  setText(els.curlWhat, `${INFO[pid].name}'s documented check, ${check.method} ${check.path}:`);
  setText(els.curl, `curl -sS "${real}" \\\n  -H "${auth.header}"`);
  const root = emulatorRoot() ?? "http://127.0.0.1:8787";
  setText(els.curlEmu, `curl -sS "${root}${check.emulatorBase}${check.restSuffix ?? ""}${check.path}" \\\n  -H "${auth.header}"`);
}

// ---------------------------------------------------------------- test this key

let testRun = 0;
let testController = null;

function abortTest() {
  testRun += 1;
  if (testController) {
    testController.abort(new DOMException("superseded", "AbortError"));
    testController = null;
  }
  els.testKey.removeAttribute("aria-busy");
}

function hideTestResult() {
  els.testResult.hidden = true;
  els.testResult.dataset.state = "idle";
}

function fact(dl, name, value, { code = false } = {}) {
  if (value === null || value === undefined || value === "") return;
  dl.append(el("dt", name));
  const dd = el("dd");
  dd.dataset.field = name;
  if (code) dd.append(el("code", String(value)));
  else dd.textContent = scrub(String(value));
  dl.append(dd);
}

/** "SubscriptionError → AuthenticationError → KeygateError": the classes an error is an instance of. */
function classChain(err) {
  const names = [];
  for (let c = err?.constructor; c && c.name && c !== Error && c !== Object; c = Object.getPrototypeOf(c)) {
    names.push(c.name);
  }
  return names.join(" → ");
}

function summarize(pid, data) {
  const names = (list) => list.map((x) => x?.name ?? x?.title ?? x?.id).filter(Boolean).slice(0, 4).join(", ");
  switch (pid) {
    case "poesius": {
      const n = data?.total ?? data?.items?.length;
      return `${n} presentation${n === 1 ? "" : "s"} in the account${data?.items?.length ? ` (first: ${names(data.items.slice(0, 1))})` : ""}`;
    }
    case "poelis":
      return `${data?.count ?? data?.items?.length} workspace${data?.count === 1 ? "" : "s"}: ${names(data?.items ?? [])}`;
    case "powerpost":
      return `credit balance: ${data?.balance}`;
    case "postiz":
      return Array.isArray(data) ? `${data.length} integration${data.length === 1 ? "" : "s"}: ${names(data)}` : "answered";
    default:
      return "answered";
  }
}

function showTestOutcome(state, title) {
  els.testResult.hidden = false;
  els.testResult.dataset.state = state;
  setText(els.testTitle, title);
  clear(els.testFacts);
  els.testDataBox.hidden = true;
  els.testData.textContent = "";
}

async function testKey() {
  abortTest();
  const run = testRun;
  const state = readForm();
  const pid = state.provider.id;
  if (!pid || state.value === "") return;
  const check = CHECKS[pid];
  const root = emulatorRoot();
  if (!root) {
    showTestOutcome("error", "Not sent: the emulator URL is not an http(s) URL.");
    return;
  }
  const controller = new AbortController();
  testController = controller;
  els.testKey.setAttribute("aria-busy", "true");
  showTestOutcome("pending", `Calling client.${check.helper}()…`);

  // Wrap fetch to show the status and request id of a success too (the helpers return the body only).
  let last = null;
  const seeResponses = async (url, init) => {
    const response = await fetch(url, init);
    last = { status: response.status, requestId: response.headers.get("x-request-id") };
    return response;
  };

  let outcome;
  let description = "";
  try {
    const client = new Client({
      ...credentialOptions(state),
      baseUrl: `${root}${check.emulatorBase}`,
      timeoutMs: 8000,
      maxRetries: 1,
      // A secret key in a browser window: see "Why dangerouslyAllowBrowser" on the page.
      dangerouslyAllowBrowser: true,
      fetch: seeResponses,
    });
    description = String(client); // redacted by keygate: Client(provider baseUrl pk_…abcd)
    const data = await client[check.helper]({ signal: controller.signal });
    outcome = { ok: true, data };
  } catch (err) {
    outcome = { ok: false, err };
  }
  if (run !== testRun) return; // the key or the form changed meanwhile
  testController = null;
  els.testKey.removeAttribute("aria-busy");

  if (outcome.ok) {
    showTestOutcome("ok", `✓ Accepted: client.${check.helper}() succeeded`);
    fact(els.testFacts, "status", last?.status);
    fact(els.testFacts, "result", summarize(pid, outcome.data));
    fact(els.testFacts, "requestId", last?.requestId, { code: true });
    fact(els.testFacts, "client", description, { code: true });
    els.testData.textContent = scrub(JSON.stringify(outcome.data, null, 2)).slice(0, 4000);
    els.testDataBox.hidden = false;
  } else {
    const err = outcome.err;
    const name = err?.name ?? "Error";
    showTestOutcome("error", `✗ ${name}`);
    fact(els.testFacts, "class", classChain(err) || name, { code: true });
    fact(els.testFacts, "code", err?.code, { code: true });
    fact(els.testFacts, "status", err?.status);
    fact(els.testFacts, "providerCode", err?.providerCode, { code: true });
    fact(els.testFacts, "message", err?.message);
    fact(els.testFacts, "requestId", err?.requestId, { code: true });
    fact(els.testFacts, "retryAfterMs", err?.retryAfterMs);
    fact(els.testFacts, "client", description, { code: true });
    if (name === "NetworkError" || name === "TimeoutError") {
      fact(els.testFacts, "hint", "Is the emulator running at that URL? `make www` starts it with the page.");
    }
  }
}

// ---------------------------------------------------------------- wiring

function setShown(shown) {
  els.key.type = shown ? "text" : "password";
  els.toggle.setAttribute("aria-pressed", String(shown));
  els.toggle.textContent = shown ? "Hide" : "Show";
}

els.key.addEventListener("input", render);
els.provider.addEventListener("change", render);
els.kind.addEventListener("change", render);
els.workspace.addEventListener("input", render);
els.scheme.addEventListener("change", render);
els.emulatorUrl.addEventListener("input", () => {
  const state = readForm();
  if (state.provider.id) renderCurl(state);
});
els.toggle.addEventListener("click", () => setShown(els.key.type === "password"));
els.clear.addEventListener("click", () => {
  els.key.value = "";
  setShown(false);
  render();
  els.key.focus();
});
els.testKey.addEventListener("click", () => {
  testKey();
});
els.key.addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !els.testKey.disabled) testKey();
});
els.copyCurl.addEventListener("click", async () => {
  const text = [els.curlEnv.textContent, els.curl.textContent].join("\n");
  try {
    await navigator.clipboard.writeText(text);
    els.copyStatus.textContent = "Copied (the command, not the key).";
  } catch {
    els.copyStatus.textContent = "Copy failed: select the text instead.";
  }
  setTimeout(() => {
    els.copyStatus.textContent = "";
  }, 3000);
});
// Leaving the page forgets the key (it is not kept for the back button either).
window.addEventListener("pagehide", () => {
  els.key.value = "";
});

// The emulator URL can come from ?emulator= (serve.mjs adds it when the emulator is not on 8787).
const fromQuery = new URLSearchParams(location.search).get("emulator");
if (fromQuery) {
  try {
    const u = new URL(fromQuery);
    if (u.protocol === "http:" || u.protocol === "https:") els.emulatorUrl.value = u.href.replace(/\/+$/, "");
  } catch {
    /* ignore a bad parameter */
  }
}

render();
els.boot.hidden = true;
els.app.setAttribute("aria-busy", "false");
document.documentElement.dataset.ready = "true";
