// `make demo`: a short tour of keygate, through the published package, against the local emulator.
// Every key printed is redacted; the full keys only ever travel in the auth header to 127.0.0.1.
import { Client, validateKey, detectProvider, buildHeaders, KeygateError } from "keygate";
import { startEmulator, DEMO_KEYS as K } from "keygate/emulator";

const emu = await startEmulator();
const line = (s = "") => console.log(s);
const base = {
  poesius: emu.urls.poesius,
  poelis: emu.urls.poelis,
  powerpost: emu.urls.powerpost,
  postiz: emu.urls.postizRoot,
};

function showValidation(provider, key, label) {
  const v = validateKey(provider, key, detectProvider(key) === "postiz" ? "oauth_token" : "api_key");
  const detected = detectProvider(key) ?? "(no prefix)";
  line(`  ${label.padEnd(20)} detected ${detected.padEnd(11)} ${v.ok ? "valid  " : "INVALID"} ${v.redacted}  [${v.code}]`);
  if (!v.ok) line(`  ${"".padEnd(20)} ${v.message}`);
  for (const w of v.warnings) line(`  ${"".padEnd(20)} warning ${w.code}: ${w.message}`);
}

async function showError(what, fn) {
  const before = emu.log.length;
  try {
    await fn();
    line(`  ${what}: unexpectedly succeeded`);
    process.exitCode = 1;
  } catch (e) {
    if (!(e instanceof KeygateError)) throw e;
    const sent = emu.log.length - before;
    const extra = [e.status && `status ${e.status}`, e.providerCode && `provider code ${e.providerCode}`, e.requestId && `request ${e.requestId}`]
      .filter(Boolean)
      .join(", ");
    line(`  ${what}: ${e.name} [${e.code}] "${e.message}"${extra ? ` (${extra})` : ""}`);
    line(`  ${"".padEnd(what.length)}  requests that reached the server: ${sent}`);
  }
}

const tours = [
  {
    provider: "poesius",
    good: K.poesius.apiKey,
    bad: `${K.poesius.apiKey}\n`,
    badLabel: "pasted with newline",
    call: ["listPresentations()", (c) => c.listPresentations({ limit: 1 }), (d) => `${d.items?.length ?? 0} presentation(s)`],
    error: ["revoked key", () => new Client({ provider: "poesius", apiKey: K.poesius.revokedKey, baseUrl: base.poesius }).listPresentations()],
  },
  {
    provider: "poelis",
    good: K.poelis.apiKey,
    bad: `Bearer ${K.poelis.apiKey}`,
    badLabel: "pasted with Bearer",
    call: ["listWorkspaces()", (c) => c.listWorkspaces(), (d) => `${d.count} workspace(s)`],
    error: ["unknown key (401)", () => new Client({ provider: "poelis", apiKey: "poelis_api_NotARealKeyButWellFormed0123456789", baseUrl: base.poelis }).listWorkspaces()],
  },
  {
    provider: "powerpost",
    good: K.powerpost.apiKey,
    bad: K.poelis.apiKey,
    badLabel: "a Poelis key",
    opts: { workspaceId: K.powerpost.workspaceId },
    call: ["getCredits()", (c) => c.getCredits(), (d) => `balance ${d.balance}`],
    error: [
      "draft key publish",
      () => new Client({ provider: "powerpost", apiKey: K.powerpost.draftKey, keyType: "read_draft", workspaceId: K.powerpost.workspaceId, baseUrl: base.powerpost }).publishPost("post_1"),
    ],
  },
  {
    provider: "postiz",
    good: K.postiz.apiKey,
    bad: ` ${K.postiz.apiKey} `,
    badLabel: "pasted with spaces",
    call: ["listIntegrations()", (c) => c.listIntegrations(), (d) => `${d.length} integration(s)`],
    error: ["invalid key", () => new Client({ provider: "postiz", apiKey: "0".repeat(64), baseUrl: base.postiz }).listIntegrations()],
  },
];

line(`keygate demo: the provider emulator is listening on ${emu.url} (loopback only)`);
for (const t of tours) {
  line();
  line(`== ${t.provider}`);
  showValidation(t.provider, t.good, "good key");
  showValidation(t.provider, t.bad, t.badLabel);
  const headers = buildHeaders({ provider: t.provider, apiKey: t.good, ...(t.opts ?? {}) });
  line(`  headers it sends   ${JSON.stringify(headers)}`);
  const client = new Client({ provider: t.provider, apiKey: t.good, baseUrl: base[t.provider], ...(t.opts ?? {}) });
  line(`  client             ${client}`);
  const [name, call, summary] = t.call;
  const data = await call(client);
  line(`  ${name.padEnd(20)} ok: ${summary(data)}`);
  await showError(t.error[0], t.error[1]);
}
line();
line(`The emulator saw ${emu.log.length} requests; the cross-origin trap saw ${emu.crossOrigin.received.length}.`);
await emu.close();
line("Emulator stopped. Done.");
