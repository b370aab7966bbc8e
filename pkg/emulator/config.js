// Emulator configuration: demo credentials, defaults, merging and loading.
import { readFileSync } from "node:fs";
import { validateScenario, FaultSpecError } from "./lib/faults.js";
import { makeFakeJwt } from "./lib/auth.js";
import { EMULATED } from "./providers/index.js";

export { makeFakeJwt };

export class ConfigError extends Error {
  constructor(message) {
    super(message);
    this.name = "ConfigError";
  }
}

/**
 * Named demo credentials, per provider (each provider file's `EMULATOR.demoKeys`). Every value is
 * fake and valid only against the emulator. The same values are registered in DEFAULT_CONFIG.
 */
export const DEMO_KEYS = Object.freeze(Object.fromEntries(EMULATED.map((p) => [p.id, p.demoKeys])));

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
  // Each provider's section (its `EMULATOR.config.defaults`).
  ...Object.fromEntries(EMULATED.map((p) => [p.id, p.config.defaults])),
  // Providers with a shared limiter (server.js) and its documented default.
  rateLimit: Object.fromEntries(EMULATED.filter((p) => p.config.rateLimit).map((p) => [p.id, p.config.rateLimit])),
  // Every mount's CORS key, open by default.
  cors: Object.fromEntries(EMULATED.flatMap((p) => p.mounts.map((m) => [m.corsKey, "open"]))),
  scenarios: [],
});

/** Collections of credentials: these merge (user keys are added to the demo ones). */
const CREDENTIAL_FIELDS = Object.fromEntries(EMULATED.map((p) => [p.id, p.config.credentialFields]));


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
    for (const p of EMULATED) for (const f of p.config.data) base[p.id][f] = [];
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
  // A limit given without a burst, where the default has one, is a plain window of that size
  // (burst = limit; `EMULATOR.config.burstFromLimit`).
  for (const p of EMULATED.filter((x) => x.config.burstFromLimit)) {
    const upl = userCopy.rateLimit?.[p.id];
    if (isObj(upl) && upl.limit !== undefined && upl.burst === undefined) merged.rateLimit[p.id].burst = upl.limit;
  }
  validateConfig(merged);
  return merged;
}

function checkNumber(v, where, { min = 0 } = {}) {
  if (typeof v !== "number" || !Number.isFinite(v) || v < min) throw new ConfigError(`${where} must be a number >= ${min}`);
}

/** Structural checks on a merged config; throws ConfigError. */
export function validateConfig(c) {
  for (const p of EMULATED) {
    for (const [f, opts] of p.config.numbers) checkNumber(c[p.id][f], `${p.id}.${f}`, opts);
  }
  checkNumber(c.maxBodyBytes, "maxBodyBytes", { min: 1 });
  if (typeof c.keepAlive !== "boolean") throw new ConfigError("keepAlive must be true or false");
  for (const p of EMULATED) {
    for (const f of p.config.arrays) if (!Array.isArray(c[p.id][f])) throw new ConfigError(`${p.id}.${f} must be an array`);
  }
  // Provider-specific checks (`EMULATOR.config.validate`).
  for (const p of EMULATED) p.config.validate?.(c[p.id], { ConfigError });
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
