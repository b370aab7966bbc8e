// The four key functions, shared by pkg/src/core.js (the full package) and pkg/src/validate-core.js
// (`keygate/validate`): each bundle passes its wasm (both export validateKey, detectProvider,
// redact, buildHeaders and redactHeader with the same packed results) and its own error handling.
// scripts/bundle.mjs bundles this file into both.

import { HEADER_OPTIONS, configError, readBag } from "./options.js";

/** The field separator of the wasm's packed results (both wasms; core.js unpacks others with it). */
export const SEP = "\u001f";
/** Node's custom-inspect symbol (core.js's error and client classes use it too). */
export const INSPECT = Symbol.for("nodejs.util.inspect.custom");
const DENO_INSPECT = Symbol.for("Deno.customInspect");

/**
 * `fail(e, fn)`: the error to throw for what `fn`'s wasm call or option reads threw (a KeygateError
 * as it is, anything else as the bundle's internal error). `packedError(fields)` (optional): the
 * error that a packed `buildHeaders` answer carries, if it carries one (the small wasm answers
 * errors as text; the full wasm throws them).
 */
export function keyApi(wasm, fail, packedError) {
  // The wasm packs results into one string (fields separated by U+001F) so a call crosses the
  // boundary once; messages never contain the separator and inputs are never echoed.
  function validateKey(provider, key, kind) {
    let f;
    try {
      f = wasm.validateKey(provider, key, kind).split(SEP);
    } catch (e) {
      throw fail(e, validateKey);
    }
    const out = { ok: f[0] === "1", provider: f[1] || null, kind: f[2], code: f[3], message: f[4], redacted: f[5] };
    if (f[6]) out.env = f[6];
    out.warnings = [];
    for (let i = 7; i + 1 < f.length; i += 2) out.warnings.push({ code: f[i], message: f[i + 1] });
    return out;
  }

  const detectProvider = (key) => wasm.detectProvider(key);
  const redact = (key) => wasm.redact(key);

  /**
   * `buildHeaders(options, { as })`: `as: "object"` (default) a plain object for fetch and any
   * HTTP library; `as: "headers"` a `Headers` whose display (console.dir, console.table,
   * console.log, util.inspect, JSON) never shows a value.
   */
  function buildHeaders(options, format) {
    let packed, as;
    try {
      if (options === null || typeof options !== "object") throw configError(`buildHeaders(options): options must be an object, not ${options === null ? "null" : typeof options}`);
      as = readBag(format, ["as"], "buildHeaders(options, format)").as ?? "object";
      if (as !== "object" && as !== "headers") throw configError('buildHeaders(options, { as }): as must be "object" or "headers"');
      packed = wasm.buildHeaders(readBag(options, HEADER_OPTIONS, "buildHeaders(options)")).split(SEP);
      const err = packedError?.(packed);
      if (err) throw err;
    } catch (e) {
      throw fail(e, buildHeaders);
    }
    const headers = as === "headers" ? new (safeHeaders())() : Object.create(headerDisplay);
    for (let i = 0; i + 1 < packed.length; i += 2) {
      if (as === "headers") headers.append(packed[i], packed[i + 1]);
      else headers[packed[i]] = packed[i + 1];
    }
    return headers;
  }

  /** Redacted `{name: value}` of a Headers. */
  function redactedEntries(h) {
    const plain = Object.create(null);
    try {
      for (const [k, v] of Headers.prototype.entries.call(h)) plain[k] = v;
    } catch {
      return {};
    }
    return redactMap(plain);
  }

  // The display form of a header map: each value as the wasm shows it (a credential redacted, a
  // workspace id as is); a value that is not a string is redacted as an empty one ("…"), a map
  // whose entries cannot be read (a getter throws, not an object) shows as {}.
  function redactMap(h) {
    const out = {};
    let entries;
    try {
      entries = Object.entries(h);
    } catch {
      return out;
    }
    for (const [k, v] of entries) out[k] = wasm.redactHeader(k, typeof v === "string" ? v : "");
    return out;
  }

  let SafeHeaders;
  function safeHeaders() {
    if (SafeHeaders) return SafeHeaders;
    if (typeof Headers !== "function") throw configError('buildHeaders(options, { as: "headers" }) needs a runtime with Headers');
    // A real Headers (fetch takes it as is); only explicit reads (get, entries, iteration) see values.
    SafeHeaders = class KeygateHeaders extends Headers {
      // Its name kept through minification (scripts/bundle.mjs builds without keepNames).
      static { Object.defineProperty(this, "name", { value: "KeygateHeaders", configurable: true }); }
      toJSON() {
        return redactedEntries(this);
      }
      toString() {
        return JSON.stringify(redactedEntries(this));
      }
      [INSPECT]() {
        return `KeygateHeaders ${JSON.stringify(redactedEntries(this))}`;
      }
      [DENO_INSPECT]() {
        return `KeygateHeaders ${JSON.stringify(redactedEntries(this))}`;
      }
    };
    return SafeHeaders;
  }

  // The prototype of `buildHeaders` results: the real values are own properties (what `fetch`
  // and `new Headers()` read); display goes through these inherited methods, redacted.
  const headerDisplay = {};
  for (const [k, fn] of [
    ["toJSON", function () { return redactMap(this); }],
    ["toString", function () { return JSON.stringify(redactMap(this)); }],
    [INSPECT, function () { return redactMap(this); }],
    [DENO_INSPECT, function () { return JSON.stringify(redactMap(this)); }],
  ]) {
    Object.defineProperty(headerDisplay, k, { value: fn, enumerable: false });
  }

  return { validateKey, detectProvider, redact, buildHeaders };
}
