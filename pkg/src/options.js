// Reading caller objects, shared by pkg/src/core.js (the full package) and pkg/src/validate-core.js
// (`keygate/validate`): own properties only (a polluted Object.prototype adds nothing), each read
// once, and a getter or proxy trap that throws is a ConfigError (`invalid_option`), never "absent".
// scripts/bundle.mjs bundles this file into both (wasm/keygate*.js, wasm/validate*.js).

/** The options `buildHeaders(options)` reads. */
export const HEADER_OPTIONS = ["provider", "apiKey", "jwt", "oauthToken", "scheme", "workspaceId"];

/**
 * The bundle's error classes by name: core.js and validate-core.js each fill it with their own
 * (they are never in one bundle: each bundle has its own copy of this module), and `configError`
 * throws its ConfigError.
 */
export const errors = {};

export function configError(message, provider) {
  // KeygateError's constructor makes a missing provider null.
  return new errors.ConfigError(message, { code: "invalid_option", provider });
}

export function unreadable(what, name, provider) {
  return configError(`${what}: ${name} could not be read (a getter or proxy trap threw)`, provider);
}

/** One own property (a data value, or a getter's result, read once); inherited ones are absent. */
export function ownValue(obj, name, what, provider) {
  try {
    return Object.hasOwn(obj, name) ? obj[name] : undefined;
  } catch {
    throw unreadable(what, name, provider);
  }
}

/** The own properties `names` of an options object, as a null-prototype object (`undefined`/`null`: empty). */
export function readBag(obj, names, what, provider) {
  const out = Object.create(null);
  if (obj === undefined || obj === null) return out;
  let isArray;
  // `ownValue`'s read, inline, so that keygate/validate (which reads bags only) carries neither it
  // nor `unreadable`.
  const bad = (name) => configError(`${what}: ${name} could not be read (a getter or proxy trap threw)`, provider);
  try {
    isArray = Array.isArray(obj);
  } catch {
    throw bad("the options object");
  }
  if (typeof obj !== "object" || isArray) throw configError(`${what} must be an object, not ${isArray ? "an array" : typeof obj}`, provider);
  for (const name of names) {
    let v;
    try {
      v = Object.hasOwn(obj, name) ? obj[name] : undefined;
    } catch {
      throw bad(name);
    }
    if (v !== undefined) out[name] = v;
  }
  return out;
}
