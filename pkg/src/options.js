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

// ---------------------------------------------------------------- a request spec, packed for the wasm
//
// The client's wasm reads a request as one string of tokens (crates/keygate-wasm/src/packed.rs),
// in the order it applies its rules: `-` absent, `s<n>:text` a string (`n` its JS length), `t<n>:type`
// a value of another type (its `typeof`, for the wasm's message), one-byte marks otherwise.

/** One option of JS type `type`: its token (`mark` when it is present and not a string). */
function tok(v, type, mark) {
  if (v === undefined || v === null) return "-";
  const t = typeof v;
  if (t !== type) return `t${t.length}:${t}`;
  return type === "string" ? `s${v.length}:${v}` : mark;
}

/** A record option (`query`, `headers`: already copied by the caller): `o`, entries, `.`. */
function record(rec, entry) {
  if (rec === undefined || rec === null) return "-";
  if (typeof rec !== "object") return tok(rec, "object");
  let out = "o";
  for (const k of Object.keys(rec)) out += entry(`s${k.length}:${k}`, rec[k]);
  return out + ".";
}

/** A query value: a string, a number (finite: written as JS writes it; else `i`) or a boolean. */
function queryValue(v) {
  const t = typeof v;
  if (v === undefined || v === null) return "-";
  if (t === "string") return `s${v.length}:${v}`;
  if (t === "number") return Number.isFinite(v) ? `s${String(v).length}:${v}` : "i";
  if (t === "boolean") return v ? "s4:true" : "s5:false";
  return "x";
}

const queryEntry = (k, v) => {
  let out = "";
  for (const x of Array.isArray(v) ? v : [v]) out += k + queryValue(x);
  return out;
};
const headerEntry = (k, v) => k + (typeof v === "string" ? `s${v.length}:${v}` : "x");

/**
 * A request spec read by the caller (own values; `query`/`headers` copied; `json` serialised into
 * `jsonText`) as `[packed, timeoutMs, maxRetries]`, the arguments of the wasm's `start`.
 */
export function packSpec(s) {
  const num = (v) => (typeof v === "number" ? v : undefined);
  const packed =
    tok(s.method, "string") +
    tok(s.path, "string") +
    record(s.query, queryEntry) +
    record(s.headers, headerEntry) +
    (s.jsonText !== undefined ? "1" : "0") +
    (s.body !== undefined && s.body !== null ? "1" : "0") +
    tok(s.idempotencyKey, "string") +
    tok(s.target, "string") +
    tok(s.endpoint, "string") +
    tok(s.timeoutMs, "number", "n") +
    tok(s.maxRetries, "number", "n");
  return [packed, num(s.timeoutMs), num(s.maxRetries)];
}

// ---------------------------------------------------------------- a client's options, packed for the wasm
//
// `new WasmClient` reads the options as tokens too (packed.rs `client_config`), in the order it
// applies its rules: the strings (HEADER_OPTIONS first: all that `buildHeaders` reads), then the
// flags and numbers.

/** `buildHeaders`'s options read by the caller (`readBag`: HEADER_OPTIONS) as the wasm's argument. */
export function packHeaders(o) {
  let packed = "";
  for (const k of HEADER_OPTIONS) packed += tok(o[k], "string");
  return packed;
}

/**
 * A client's options read by the caller (own values, in a null-prototype object) as
 * `[packed, timeoutMs, maxRetries, maxResponseBytes]`, the first arguments of `new WasmClient`
 * (each number `0` unless its token says one was given).
 */
export function packClient(o) {
  let packed = packHeaders(o);
  for (const k of ["keyType", "baseUrl", "mcpUrl"]) packed += tok(o[k], "string");
  const flag = (v) => tok(v, "boolean", v ? "1" : "0");
  const nums = [];
  packed += flag(o.allowInsecureHttp);
  for (const k of ["timeoutMs", "maxRetries", "maxResponseBytes"]) {
    packed += tok(o[k], "number", "n");
    nums.push(typeof o[k] === "number" ? o[k] : 0);
  }
  return [packed + flag(o.dangerouslyAllowBrowser), ...nums];
}
