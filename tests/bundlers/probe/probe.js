// The bundler matrix's probe (tests/bundlers/run.mjs): every case copies this file into its fresh
// project and runs `probe(baseUrls)` in whatever the tool built. It imports keygate by name, so the
// tool's own resolution (exports conditions, asset handling, pre-bundling) is what is tested.
//
// `baseUrls` (the runner's `ctx.baseUrls`, JSON): { poelis, poesius, keys: { poelis, poesius,
// poelisUnknown } }, the emulator's URLs and demo keys. Returns { validateKey, detectProvider,
// typedErrors, request, detail }: four booleans and, for each false, a line in `detail` saying why
// (keys never appear in it: they are replaced by "<key>").
//
// Browser pages build the same module; the secret-key refusal in a window is lifted with
// dangerouslyAllowBrowser, since the only server it talks to is the loopback emulator.
import {
  validateKey,
  detectProvider,
  buildHeaders,
  Client,
  KeygateError,
  KeyFormatError,
  ConfigError,
  AuthenticationError,
} from "keygate";

export async function probe(baseUrls) {
  const keys = baseUrls.keys;
  const secrets = Object.values(keys);
  const detail = {};
  const clean = (s) => {
    let out = String(s);
    for (const k of secrets) out = out.split(k).join("<key>");
    return out.split("\n")[0].slice(0, 300);
  };
  const check = async (name, fn) => {
    try {
      const why = await fn();
      if (why === true) return true;
      detail[name] = clean(why);
    } catch (e) {
      detail[name] = clean(`threw ${e && e.name}: ${e && e.message}`);
    }
    return false;
  };

  const results = {};
  results.validateKey = await check("validateKey", () => {
    const good = validateKey("poelis", keys.poelis);
    if (!good.ok || good.code !== "ok") return `valid key gave ${good.code}`;
    if (good.redacted.includes(keys.poelis)) return "redacted form contains the key";
    const bad = validateKey("poelis", `Bearer ${keys.poelis}`);
    if (bad.ok || bad.code !== "has_scheme") return `"Bearer <key>" gave ${bad.code}, expected has_scheme`;
    return true;
  });
  results.detectProvider = await check("detectProvider", () => {
    const a = detectProvider(keys.poelis);
    const b = detectProvider(keys.poesius);
    if (a !== "poelis") return `poelis key detected as ${a}`;
    if (b !== "poesius") return `poesius key detected as ${b}`;
    if (detectProvider("hello") !== null) return "a non-key was detected";
    return true;
  });
  results.typedErrors = await check("typedErrors", () => {
    let e1;
    try {
      buildHeaders({ provider: "poelis", apiKey: `Bearer ${keys.poelis}` });
      return "buildHeaders accepted a key with a scheme";
    } catch (e) {
      e1 = e;
    }
    if (!(e1 instanceof KeyFormatError)) return `buildHeaders threw ${e1 && e1.name}, not a KeyFormatError instance`;
    if (!(e1 instanceof KeygateError)) return "KeyFormatError is not instanceof KeygateError";
    if (e1.name !== "KeyFormatError" || e1.code !== "has_scheme") return `got ${e1.name}/${e1.code}`;
    if (String(e1.message).includes(keys.poelis)) return "the error message contains the key";
    let e2;
    try {
      new Client({ provider: "poelis", apiKey: keys.poelis, baseUrl: "ftp://127.0.0.1/", dangerouslyAllowBrowser: true });
      return "Client accepted an ftp:// base URL";
    } catch (e) {
      e2 = e;
    }
    if (!(e2 instanceof ConfigError) || !(e2 instanceof KeygateError)) return `Client threw ${e2 && e2.name}, not a ConfigError instance`;
    if (e2.name !== "ConfigError" || e2.code !== "invalid_base_url") return `got ${e2.name}/${e2.code}`;
    if (String(e2.message).includes(keys.poelis)) return "the error message contains the key";
    return true;
  });
  results.request = await check("request", async () => {
    const common = { provider: "poelis", baseUrl: baseUrls.poelis, maxRetries: 0, timeoutMs: 10000, dangerouslyAllowBrowser: true };
    const client = new Client({ ...common, apiKey: keys.poelis });
    const { items, count } = await client.listWorkspaces();
    if (!Array.isArray(items) || typeof count !== "number" || count < 1) return `listWorkspaces gave ${count} workspaces`;
    try {
      await new Client({ ...common, apiKey: keys.poelisUnknown }).listWorkspaces();
      return "an unknown key was accepted";
    } catch (e) {
      if (!(e instanceof AuthenticationError) || !(e instanceof KeygateError)) return `an unknown key threw ${e && e.name}: ${e && e.message}`;
      if (e.status !== 401) return `an unknown key gave status ${e.status}`;
    }
    return true;
  });
  return { ...results, detail };
}
