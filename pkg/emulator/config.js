// Emulator configuration: demo credentials, defaults, merging and loading.
import { readFileSync } from "node:fs";
import { validateScenario, FaultSpecError } from "./lib/faults.js";

export class ConfigError extends Error {
  constructor(message) {
    super(message);
    this.name = "ConfigError";
  }
}

const b64 = (value) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");

/** A JWT with base64url JSON header and payload and a fake signature (never verified). */
export function makeFakeJwt(payload) {
  return `${b64({ alg: "HS256", typ: "JWT" })}.${b64(payload)}.${b64("keygate-emulator-fake-signature")}`;
}

/**
 * Named demo credentials. Every value is fake and valid only against the emulator.
 * The same values are registered in DEFAULT_CONFIG.
 */
export const DEMO_KEYS = Object.freeze({
  poesius: Object.freeze({
    apiKey: "pk_demo_Kq7vT2mX9pL4sW8zR3nB",
    revokedKey: "pk_revoked_H5cN8dQ2rV6yJ1tF",
    jwt: makeFakeJwt({ sub: "user_demo", email: "demo@keygate.test", iat: 1700000000, exp: 4102444800 }),
    expiredJwt: makeFakeJwt({ sub: "user_demo", email: "demo@keygate.test", iat: 1500000000, exp: 1500003600 }),
    oauthToken: "oauth_demo_Wq4Tz8Lm2Vx6Np0Rb3Ks7Hd",
  }),
  poelis: Object.freeze({
    apiKey: "poelis_api_demo-K3yRw9Xq2Lm7Vt4Zp8Ns1Bc6_Hd0Jf",
    secondApiKey: "poelis_api_second_Q8mT3vX6kR1pW9zL4nB7cH2sD5",
    revokedKey: "poelis_api_revoked_T4nW8qZ1xM6vR3kP9sB2dL7h",
  }),
  powerpost: Object.freeze({
    apiKey: "pp_live_sk_demoRW_4tG8kL2mQ9xV7cN3bZ",
    draftKey: "pp_live_sk_demoDraft_8pR2wS6yH1jK5nM",
    revokedKey: "pp_live_sk_demoRevoked_3fT7uJ1qW5eX",
    workspaceId: "ws_123",
    secondWorkspaceId: "ws_456",
    foreignWorkspaceId: "ws_999",
  }),
  postiz: Object.freeze({
    apiKey: "af4bd559375af54ee1b9feb61b2d0793a97deb3864a8493ea50da9f221a5f861",
    noSubscriptionKey: "680d9e3fa32a91409de78c977e54d24813b0131c500c11dd1cfa9e68ce6df79e",
    oauthToken: "pos_7kQ2xR9vL4tW8zN3bH6cJ1pF5sY0gA2eK7uMdZp1",
    noSubscriptionOAuthToken: "pos_Xn5bT8qW2mK7rD4vH9cL3pS6yF1gJ0zA8eU5tRw2",
  }),
});

const K = DEMO_KEYS;

function deepFreeze(o) {
  if (o && typeof o === "object" && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

/** The configuration used when none is given. Frozen; merge to change it. */
export const DEFAULT_CONFIG = deepFreeze({
  maxBodyBytes: 60 * 1024 * 1024,
  keepAlive: true,
  poesius: {
    apiKeys: { [K.poesius.apiKey]: { revoked: false }, [K.poesius.revokedKey]: { revoked: true } },
    jwts: [K.poesius.jwt, K.poesius.expiredJwt],
    oauthTokens: [K.poesius.oauthToken],
    credits: 100,
    requireTemplate: false,
    maxUploadBytes: 50 * 1024 * 1024,
    templates: [
      { template_id: "tpl_corporate", template_name: "Corporate" },
      { template_id: "tpl_minimal", template_name: "Minimal" },
      { template_id: "tpl_pitch", template_name: "Pitch Deck" },
    ],
    presentations: [
      { id: "pres_demo_1", title: "Quarterly review", slide_count: 12, created_at: "2024-01-01T00:00:00Z" },
      { id: "pres_demo_2", title: "Product launch", slide_count: 8, created_at: "2024-02-01T00:00:00Z" },
    ],
  },
  poelis: {
    apiKeys: { [K.poelis.apiKey]: {}, [K.poelis.secondApiKey]: {}, [K.poelis.revokedKey]: { revoked: true } },
    workspaces: [
      { id: "ws_1", name: "Main" },
      { id: "ws_2", name: "Research" },
    ],
    // The GraphQL data (the official SDK's view); REST `/workspaces` lists the same workspaces.
    orgId: "org_demo",
    products: [
      { id: "prod_1", name: "Drone", description: "Demo product", readableId: "drone", workspaceId: "ws_1", baselineVersionNumber: 1, reviewers: [] },
      { id: "prod_2", name: "Rover", description: "", readableId: "rover", workspaceId: "ws_2", baselineVersionNumber: null, reviewers: [] },
    ],
    items: [
      { id: "item_1", name: "Airframe", description: "", readableId: "airframe", productId: "prod_1", parentId: null, position: 1, draftItemId: null },
      { id: "item_2", name: "Battery", description: "Li-ion pack", readableId: "battery", productId: "prod_1", parentId: "item_1", position: 2, draftItemId: null },
    ],
    versions: [{ productId: "prod_1", versionNumber: 1, title: "v1", description: "First release", createdAt: "2024-03-01T00:00:00Z" }],
    properties: [
      { id: "prop_1", readableId: "mass", itemId: "item_2", name: "Mass", position: 1, value: "1.2", category: "MASS", displayUnit: "kg", propertyType: "numeric", workspaceId: "ws_1", productId: "prod_1" },
      { id: "prop_2", readableId: "chemistry", itemId: "item_2", name: "Chemistry", position: 2, value: "Li-ion", category: null, displayUnit: null, propertyType: "text", workspaceId: "ws_1", productId: "prod_1" },
    ],
  },
  powerpost: {
    apiKeys: {
      [K.powerpost.apiKey]: { type: "read_write", workspaces: [K.powerpost.workspaceId, K.powerpost.secondWorkspaceId] },
      [K.powerpost.draftKey]: { type: "read_draft", workspaces: [K.powerpost.workspaceId] },
      [K.powerpost.revokedKey]: { type: "read_write", workspaces: [K.powerpost.workspaceId], revoked: true },
    },
    credits: 42,
    retryAfterIn: "both",
  },
  postiz: {
    apiKeys: {
      [K.postiz.apiKey]: { subscription: true, organization: "org_demo" },
      [K.postiz.noSubscriptionKey]: { subscription: false, organization: "org_nosub" },
    },
    oauthTokens: {
      [K.postiz.oauthToken]: { subscription: true, organization: "org_demo" },
      [K.postiz.noSubscriptionOAuthToken]: { subscription: false, organization: "org_nosub" },
    },
    integrations: [
      { id: "int_x_demo", name: "Demo on X", identifier: "x", picture: "", disabled: false, profile: "keygate_demo", customer: null },
      { id: "int_linkedin_demo", name: "Demo on LinkedIn", identifier: "linkedin", picture: "", disabled: false, profile: "keygate-demo", customer: null },
    ],
    // Posts per organization per window on POST /posts: hosted as the hosted docs say (30/hour),
    // self-hosted as the server's default (API_LIMIT = 90, apps/backend/src/app.module.ts).
    postRateLimit: 30,
    selfPostRateLimit: 90,
    postRateWindowSec: 3600,
    customers: [],
    notifications: [],
    /** Posts that exist from the start, e.g. `{id, integrationId, releaseId: "missing"}` for posts:connect. */
    posts: [],
    /** What GET /posts/:id/missing lists for a post whose releaseId is "missing": `[{id, url}]`. */
    missingContent: [],
    /** Tools per provider identifier, as integration-settings lists them: `[{methodName, output?}]`. */
    tools: {},
    /** URLs upload-from-url can "fetch" (the emulator never leaves loopback): url -> base64 bytes. */
    remoteFiles: {},
    planLimitReached: false,
  },
  rateLimit: {
    // docs.poelis.com: 60 requests a minute per organization, burst 10 (a token bucket).
    poelis: { limit: 60, windowSec: 60, burst: 10 },
    powerpost: { limit: 1000, windowSec: 60 },
  },
  cors: { poesius: "open", poelis: "open", powerpost: "open", postiz: "open", postizSelf: "open" },
  scenarios: [],
});

/** Collections of credentials: these merge (user keys are added to the demo ones). */
const CREDENTIAL_FIELDS = {
  poesius: ["apiKeys", "jwts", "oauthTokens"],
  poelis: ["apiKeys"],
  powerpost: ["apiKeys"],
  postiz: ["apiKeys", "oauthTokens"],
};

const isObj = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * Normalise a credential collection to `{ "<secret>": {props} }`. Accepts an
 * array of strings, an array of `{key, ...props}`, or an object map whose values
 * are props objects (or `true`).
 */
export function normalizeCredentials(value, where) {
  if (value === undefined || value === null) return {};
  const out = {};
  if (Array.isArray(value)) {
    for (const item of value) {
      if (typeof item === "string") out[item] = {};
      else if (isObj(item) && typeof item.key === "string") {
        const { key, ...props } = item;
        out[key] = props;
      } else throw new ConfigError(`${where}: entries must be strings or {key, ...} objects`);
    }
    return out;
  }
  if (isObj(value)) {
    for (const [key, props] of Object.entries(value)) {
      if (props === true || props === null || props === undefined) out[key] = {};
      else if (isObj(props)) out[key] = { ...props };
      else throw new ConfigError(`${where}["${key}"] must be an object of properties`);
    }
    return out;
  }
  throw new ConfigError(`${where} must be an array or an object`);
}

function clone(v) {
  return v === undefined ? undefined : structuredClone(v);
}

function mergeDeep(base, over) {
  if (!isObj(base) || !isObj(over)) return clone(over);
  const out = clone(base);
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    out[k] = isObj(v) && isObj(out[k]) ? mergeDeep(out[k], v) : clone(v);
  }
  return out;
}

/**
 * Merge a user config over DEFAULT_CONFIG. Objects merge recursively, arrays and
 * scalars replace, credential collections are added to the demo ones unless the
 * user config says `"defaults": false` (then no demo credentials or data remain).
 */
export function mergeConfig(user = {}) {
  if (!isObj(user)) throw new ConfigError("config must be a JSON object");
  const useDefaults = user.defaults !== false;
  let base = structuredClone(DEFAULT_CONFIG);
  if (!useDefaults) {
    for (const [provider, fields] of Object.entries(CREDENTIAL_FIELDS)) {
      for (const f of fields) base[provider][f] = {};
    }
    base.poesius.presentations = [];
    base.poelis.workspaces = [];
    base.postiz.integrations = [];
    base.poelis.products = [];
    base.poelis.items = [];
    base.poelis.versions = [];
    base.poelis.properties = [];
  }
  for (const [provider, fields] of Object.entries(CREDENTIAL_FIELDS)) {
    for (const f of fields) base[provider][f] = normalizeCredentials(base[provider][f], `${provider}.${f}`);
  }
  const { defaults: _ignored, ...rest } = user;
  const userCopy = clone(rest);
  for (const [provider, fields] of Object.entries(CREDENTIAL_FIELDS)) {
    if (userCopy[provider] !== undefined && !isObj(userCopy[provider])) {
      throw new ConfigError(`${provider} must be an object`);
    }
    for (const f of fields) {
      if (userCopy[provider]?.[f] !== undefined) {
        userCopy[provider][f] = normalizeCredentials(userCopy[provider][f], `${provider}.${f}`);
      }
    }
  }
  const merged = mergeDeep(base, userCopy);
  // A Poelis limit given without a burst is a plain window of that size (burst = limit).
  const upl = userCopy.rateLimit?.poelis;
  if (isObj(upl) && upl.limit !== undefined && upl.burst === undefined) merged.rateLimit.poelis.burst = upl.limit;
  validateConfig(merged);
  return merged;
}

function checkNumber(v, where, { min = 0 } = {}) {
  if (typeof v !== "number" || !Number.isFinite(v) || v < min) throw new ConfigError(`${where} must be a number >= ${min}`);
}

/** Structural checks on a merged config; throws ConfigError. */
export function validateConfig(c) {
  checkNumber(c.poesius.credits, "poesius.credits");
  checkNumber(c.powerpost.credits, "powerpost.credits");
  checkNumber(c.postiz.postRateLimit, "postiz.postRateLimit");
  checkNumber(c.postiz.selfPostRateLimit, "postiz.selfPostRateLimit");
  checkNumber(c.postiz.postRateWindowSec, "postiz.postRateWindowSec", { min: 1 });
  checkNumber(c.maxBodyBytes, "maxBodyBytes", { min: 1 });
  if (typeof c.keepAlive !== "boolean") throw new ConfigError("keepAlive must be true or false");
  for (const [name, list] of [
    ["poesius.templates", c.poesius.templates],
    ["poesius.presentations", c.poesius.presentations],
    ["poelis.workspaces", c.poelis.workspaces],
    ["postiz.integrations", c.postiz.integrations],
  ]) {
    if (!Array.isArray(list)) throw new ConfigError(`${name} must be an array`);
  }
  for (const [key, props] of Object.entries(c.powerpost.apiKeys)) {
    const type = props.type ?? "read_write";
    if (type !== "read_write" && type !== "read_draft") {
      throw new ConfigError(`powerpost.apiKeys["${key.slice(0, 11)}…"].type must be read_write or read_draft`);
    }
    if (props.workspaces !== undefined && props.workspaces !== "*" && !Array.isArray(props.workspaces)) {
      throw new ConfigError(`powerpost.apiKeys[…].workspaces must be an array of ids or "*"`);
    }
  }
  for (const [provider, rl] of Object.entries(c.rateLimit ?? {})) {
    if (rl === null || rl === false) continue;
    if (!isObj(rl)) throw new ConfigError(`rateLimit.${provider} must be an object or null`);
    checkNumber(rl.limit, `rateLimit.${provider}.limit`);
    checkNumber(rl.windowSec ?? 60, `rateLimit.${provider}.windowSec`, { min: 1 });
    if (rl.burst !== undefined) checkNumber(rl.burst, `rateLimit.${provider}.burst`, { min: 1 });
  }
  for (const [provider, policy] of Object.entries(c.cors ?? {})) {
    if (!["open", "strict", "none"].includes(policy) && !Array.isArray(policy)) {
      throw new ConfigError(`cors.${provider} must be "open", "strict", "none" or an array of origins`);
    }
  }
  if (!Array.isArray(c.scenarios)) throw new ConfigError("scenarios must be an array");
  c.scenarios.forEach((s, i) => {
    try {
      validateScenario(s, `scenarios[${i}]`);
    } catch (err) {
      if (err instanceof FaultSpecError) throw new ConfigError(err.message);
      throw err;
    }
  });
  return c;
}

/** Read a JSON config file (not merged). */
export function loadConfigFile(path) {
  let text;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new ConfigError(`cannot read config file ${path}: ${err.code ?? err.message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`config file ${path} is not valid JSON: ${err.message}`);
  }
}
