// The JavaScript layer of `keygate/validate`: the four validation functions over the small wasm
// (crates/keygate-validate), with the same results as the full package's (pkg/src/core.js reads
// options and unpacks results the same way; tests/runtimes runs the contract's validation cases
// against both; both read options with pkg/src/options.js). `make build` bundles this file with that
// wasm's glue (scripts/bundle.mjs).

import { HEADER_OPTIONS, configError, errors, readBag } from "./options.js";

const SEP = "\u001f";
const INSPECT = Symbol.for("nodejs.util.inspect.custom");

class KeygateError extends Error {
  constructor(message, fields = {}) {
    super(message);
    this.code = fields.code ?? "keygate_error";
    this.provider = fields.provider ?? null;
    this.status = null;
    this.providerCode = null;
    this.requestId = null;
    this.rateLimit = null;
  }
  toJSON() {
    const out = { name: this.name, code: this.code, message: this.message };
    if (this.provider !== null) out.provider = this.provider;
    return out;
  }
}
// The classes go into options.js's `errors` (its ConfigError is what the option readers throw).
for (const name of ["KeygateError", "KeyFormatError", "ConfigError", "ApiError"]) {
  const cls = name === "KeygateError" ? KeygateError : { [name]: class extends KeygateError {} }[name];
  Object.defineProperty(cls.prototype, "name", { value: name, writable: true, configurable: true });
  errors[name] = cls;
}

function createValidate(wasm, providers) {
  function validateKey(provider, key, kind) {
    const f = wasm.validateKey(provider, key, kind).split(SEP);
    const out = { ok: f[0] === "1", provider: f[1] || null, kind: f[2], code: f[3], message: f[4], redacted: f[5] };
    if (f[6]) out.env = f[6];
    out.warnings = [];
    for (let i = 7; i + 1 < f.length; i += 2) out.warnings.push({ code: f[i], message: f[i + 1] });
    return out;
  }

  const detectProvider = (key) => wasm.detectProvider(key);
  const redact = (key) => wasm.redact(key);

  const display = (h) => JSON.stringify(h);
  let SafeHeaders;
  function entriesOf(h) {
    const plain = Object.create(null);
    try {
      for (const [k, v] of Headers.prototype.entries.call(h)) plain[k] = v;
    } catch {
      return {};
    }
    return wasm.redactHeaders(plain);
  }
  function safeHeaders() {
    if (SafeHeaders) return SafeHeaders;
    if (typeof Headers !== "function") throw configError('buildHeaders(options, { as: "headers" }) needs a runtime with Headers');
    SafeHeaders = class KeygateHeaders extends Headers {
      // Its name kept through minification (scripts/bundle.mjs builds without keepNames).
      static { Object.defineProperty(this, "name", { value: "KeygateHeaders", configurable: true }); }
      toJSON() { return entriesOf(this); }
      toString() { return display(entriesOf(this)); }
      [INSPECT]() { return `KeygateHeaders ${display(entriesOf(this))}`; }
      [Symbol.for("Deno.customInspect")]() { return `KeygateHeaders ${display(entriesOf(this))}`; }
    };
    return SafeHeaders;
  }
  const headerDisplay = {};
  for (const [k, fn] of [
    ["toJSON", function () { return wasm.redactHeaders(this); }],
    ["toString", function () { return display(wasm.redactHeaders(this)); }],
    [INSPECT, function () { return wasm.redactHeaders(this); }],
    [Symbol.for("Deno.customInspect"), function () { return display(wasm.redactHeaders(this)); }],
  ]) Object.defineProperty(headerDisplay, k, { value: fn, enumerable: false });

  function buildHeaders(options, format) {
    let packed, as, err;
    try {
      if (options === null || typeof options !== "object") throw configError(`buildHeaders(options): options must be an object, not ${options === null ? "null" : typeof options}`);
      as = readBag(format, ["as"], "buildHeaders(options, format)").as ?? "object";
      if (as !== "object" && as !== "headers") throw configError('buildHeaders(options, { as }): as must be "object" or "headers"');
      packed = wasm.buildHeaders(readBag(options, HEADER_OPTIONS, "buildHeaders(options)")).split(SEP);
      if (packed[0][0] === "\u001e") {
        const [name, code, message, provider] = [packed[0].slice(1), ...packed.slice(1)];
        err = new errors[name](message, { code, provider: provider || null });
      }
    } catch (e) {
      err = e instanceof KeygateError ? e : new KeygateError("internal error in keygate", { code: "internal" });
    }
    if (err) {
      if (typeof Error.captureStackTrace === "function") Error.captureStackTrace(err, buildHeaders);
      throw err;
    }
    let headers = Object.create(headerDisplay);
    if (as === "headers") headers = new (safeHeaders())();
    for (let i = 0; i + 1 < packed.length; i += 2) {
      if (as === "headers") headers.append(packed[i], packed[i + 1]);
      else headers[packed[i]] = packed[i + 1];
    }
    return headers;
  }

  return { validateKey, detectProvider, redact, buildHeaders, providers, ...errors };
}

export { createValidate };
