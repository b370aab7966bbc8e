// The JavaScript layer of `keygate/validate`: the four validation functions over the small wasm
// (crates/keygate-validate), with the same results as the full package's: both run the same code
// (pkg/src/key-api.js, over pkg/src/options.js's readers); tests/runtimes runs the contract's
// validation cases against both. `make build` bundles this file with that
// wasm's glue (scripts/bundle.mjs).

import { SEP, keyApi } from "./key-api.js";
import { HEADER_OPTIONS, errors } from "./options.js";

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

// What the wasm threw, or what an option read threw: a KeygateError as it is, anything else (a bug)
// as the internal error, with the stack from the caller's frame.
function fail(e, fn) {
  const err = e instanceof KeygateError ? e : new KeygateError("internal error in keygate", { code: "internal" });
  if (typeof Error.captureStackTrace === "function") Error.captureStackTrace(err, fn);
  return err;
}

// The small wasm answers a buildHeaders error as `\u001e` + class, code, message and provider.
function packedError(f) {
  if (f[0][0] !== "\u001e") return undefined;
  const [name, code, message, provider] = [f[0].slice(1), ...f.slice(1)];
  return new errors[name](message, { code, provider: provider || null });
}

// The small wasm takes only strings (no JS value crosses; crates/keygate-validate): each caller
// value as its text when it is a string (else ""), and the values' type names ("" for `undefined`
// and `null`) joined by SEP. What each means (absent, wrong type, the message naming the type)
// is the wasm's rule.
const text = (v) => (typeof v === "string" ? v : "");
const type = (v) => (v == null ? "" : typeof v);

function createValidate(wasm, providers) {
  const strings = {
    validateKey: (provider, key, kind) => wasm.validateKey(text(provider), text(key), text(kind), type(key) + SEP + type(kind)),
    detectProvider: (key) => wasm.detectProvider(text(key), type(key)) || null,
    redact: (key) => wasm.redact(text(key), type(key)),
    // `o`: the null-prototype bag key-api.js read from the caller's options (own data values only).
    buildHeaders: (o) => wasm.buildHeaders(...HEADER_OPTIONS.map((k) => text(o[k])), HEADER_OPTIONS.map((k) => type(o[k])).join(SEP)),
    redactHeader: wasm.redactHeader,
  };
  return { ...keyApi(strings, fail, packedError), providers, ...errors };
}

export { createValidate };
