// keygate's JavaScript layer, shared by every runtime entry. It supplies what only JS has (fetch,
// timers, body decoding, the error classes) and wraps the wasm exports; the rules live in Rust.
// This file is ESM source; `make build` bundles it with the wasm-bindgen glue (scripts/bundle.mjs)
// into wasm/keygate.js (ESM) and wasm-cjs/keygate.js (CommonJS), which the entries load.

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

// ---------------------------------------------------------------- errors

class KeygateError extends Error {
  constructor(message, fields = {}) {
    super(message);
    this.code = fields.code ?? "keygate_error";
    this.provider = fields.provider ?? null;
    this.status = fields.status ?? null;
    this.providerCode = fields.providerCode ?? null;
    this.requestId = fields.requestId ?? null;
    if (fields.retryAfterMs !== undefined) this.retryAfterMs = fields.retryAfterMs;
  }
  toJSON() {
    const out = { name: this.name, code: this.code, message: this.message };
    for (const k of ["provider", "status", "providerCode", "requestId", "retryAfterMs"]) {
      if (this[k] !== null && this[k] !== undefined) out[k] = this[k];
    }
    return out;
  }
}

const CLASS_NAMES = [
  "KeyFormatError", "ConfigError", "BadRequestError", "AuthenticationError", "PaymentRequiredError",
  "PermissionError", "NotFoundError", "SubscriptionError", "RateLimitError", "ServerError",
  "NetworkError", "TimeoutError", "AbortError", "ApiError",
];

const errors = { KeygateError };
Object.defineProperty(KeygateError.prototype, "name", { value: "KeygateError", writable: true, configurable: true });
for (const name of CLASS_NAMES) {
  // A named class per kind, so `instanceof` and `err.name` work everywhere.
  const cls = { [name]: class extends KeygateError {} }[name];
  Object.defineProperty(cls.prototype, "name", { value: name, writable: true, configurable: true });
  errors[name] = cls;
}
// SubscriptionError is a kind of authentication failure (Postiz sends it as a 401).
Object.setPrototypeOf(errors.SubscriptionError.prototype, errors.AuthenticationError.prototype);
Object.setPrototypeOf(errors.SubscriptionError, errors.AuthenticationError);

/** Turns a wasm error descriptor (or anything thrown) into a keygate error class. */
function toError(raw, caller) {
  let err;
  if (raw && raw.__keygate) {
    const cls = errors[raw.name] ?? KeygateError;
    err = new cls(raw.message, raw);
  } else if (raw instanceof KeygateError) {
    return raw;
  } else {
    err = new KeygateError("internal error in keygate", { code: "internal" });
  }
  if (caller && typeof Error.captureStackTrace === "function") Error.captureStackTrace(err, caller);
  return err;
}

// ---------------------------------------------------------------- the request driver

const SEP = "\u001f";
const decoder = new TextDecoder();

/** Body decoding by content type: JSON when announced, else text; `undefined` = invalid JSON. */
function decodeBody(bytes, contentType, status) {
  if (status === 204 || status === 205 || bytes.byteLength === 0) return null;
  const text = decoder.decode(bytes);
  if (!/\bjson\b/i.test(contentType ?? "")) return text;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** One response header, or null (also for a fetch stand-in without `Headers`). */
function headerOf(resp, name) {
  try {
    return resp.headers.get(name);
  } catch {
    return null;
  }
}

/** The caller's `signal` (own property only, like every other option). */
function ownSignal(spec) {
  try {
    return Object.hasOwn(spec, "signal") ? spec.signal ?? undefined : undefined;
  } catch {
    return undefined;
  }
}

/** Waits `ms` unless `signal` fires first; resolves to whether the wait completed. */
function wait(ms, signal) {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener?.("abort", onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener?.("abort", onAbort, { once: true });
  });
}

/**
 * Runs one exchange: the wasm side decides every step (fetch, wait, done, fail: see
 * `WasmExchange` in src/wasm.rs); this only performs the fetches and waits it asks for, each
 * attempt under its own timeout combined with the caller's signal, and reports the outcome.
 */
async function drive(ex, fetchImpl, signal, readHeaders) {
  try {
    return await steps(ex, fetchImpl, signal, readHeaders);
  } finally {
    ex.free();
  }
}

async function steps(ex, fetchImpl, signal, readHeaders) {
  const headers = {};
  const packed = ex.headers().split(SEP);
  for (let i = 0; i + 1 < packed.length; i += 2) headers[packed[i]] = packed[i + 1];
  const timeoutMs = ex.timeoutMs();
  for (;;) {
    let step = -1;
    if (signal?.aborted) step = ex.failed(0);
    else {
      const controller = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort(new DOMException("keygate timeout", "TimeoutError"));
      }, timeoutMs);
      const onAbort = () => controller.abort(signal.reason);
      signal?.addEventListener?.("abort", onAbort, { once: true });
      let resp, bytes;
      try {
        const init = { method: ex.method(), headers, redirect: "manual", signal: controller.signal };
        const body = ex.body();
        if (body !== undefined && body !== null) init.body = body;
        resp = await fetchImpl(ex.url(), init);
        bytes = new Uint8Array(await resp.arrayBuffer());
      } catch (e) {
        if (signal?.aborted) step = ex.failed(0);
        else if (timedOut) step = ex.failed(1);
        else step = ex.failed(2, typeof e?.message === "string" ? e.message : undefined, typeof e?.cause?.code === "string" ? e.cause.code : undefined);
      } finally {
        clearTimeout(timer);
        signal?.removeEventListener?.("abort", onAbort);
      }
      if (step === -1) {
        // Only the headers the exchange reads cross into wasm.
        let flat = "";
        for (const name of readHeaders) {
          const v = headerOf(resp, name);
          if (typeof v === "string") flat += name + SEP + v + SEP;
        }
        const status = Number(resp.status) || 0;
        step = ex.response(status, resp.type === "opaqueredirect" || (status === 0 && resp.type !== "error"), flat, bytes);
        if (step === -2) {
          const out = {};
          try {
            for (const [k, v] of resp.headers) out[k] = v;
          } catch {
            // A fetch stand-in without iterable headers.
          }
          const data = decodeBody(bytes, out["content-type"], status);
          if (data === undefined) throw ex.invalidJson();
          return { status, headers: out, data, requestId: ex.requestId() };
        }
      }
    }
    if (step >= 0 && !(await wait(step, signal))) step = ex.failed(0);
    if (step === -3) throw ex.error();
  }
}

function isBrowserWindow() {
  return (
    typeof window !== "undefined" &&
    typeof window.document !== "undefined" &&
    typeof navigator !== "undefined" &&
    navigator.userAgent !== "Cloudflare-Workers"
  );
}

function toBlob(doc, what) {
  if (typeof Blob !== "undefined" && doc instanceof Blob) return doc;
  if (doc instanceof Uint8Array || doc instanceof ArrayBuffer) return new Blob([doc]);
  if (typeof doc === "string") return new Blob([doc], { type: "text/plain" });
  throw new errors.ConfigError(`${what} must be a Blob, File, Uint8Array, ArrayBuffer or string`, { code: "invalid_option" });
}

function filenameOf(doc, fallback) {
  return typeof doc?.name === "string" && doc.name ? doc.name : fallback;
}

// ---------------------------------------------------------------- API factory

function createApi(wasm) {
  const infos = JSON.parse(wasm.providerInfo());
  const readHeaders = wasm.responseHeaders().split(SEP);
  const byId = Object.fromEntries(infos.map((p) => [p.id, p]));

  // The wasm packs results into one string (fields separated by U+001F) so a call crosses the
  // boundary once; messages never contain the separator and inputs are never echoed.
  function validateKey(provider, key, kind) {
    let f;
    try {
      f = wasm.validateKey(provider, key, kind).split("\u001f");
    } catch (e) {
      throw toError(e, validateKey);
    }
    const out = { ok: f[0] === "1", provider: f[1] || null, kind: f[2], code: f[3], message: f[4], redacted: f[5] };
    if (f[6]) out.env = f[6];
    out.warnings = [];
    for (let i = 7; i + 1 < f.length; i += 2) out.warnings.push({ code: f[i], message: f[i + 1] });
    return out;
  }

  function detectProvider(key) {
    return wasm.detectProvider(key);
  }

  function redact(key) {
    return wasm.redact(key);
  }

  function buildHeaders(options) {
    let packed;
    try {
      packed = wasm.buildHeaders(options).split("\u001f");
    } catch (e) {
      throw toError(e, buildHeaders);
    }
    const headers = Object.create(headerDisplay);
    for (let i = 0; i + 1 < packed.length; i += 2) headers[packed[i]] = packed[i + 1];
    return headers;
  }

  // The prototype of `buildHeaders` results: the real values are own properties (what `fetch`
  // and `new Headers()` read); display goes through these inherited methods, redacted.
  const headerDisplay = {};
  for (const [k, fn] of [
    ["toJSON", function () { return wasm.redactHeaders(this); }],
    ["toString", function () { return JSON.stringify(wasm.redactHeaders(this)); }],
    [INSPECT, function () { return wasm.redactHeaders(this); }],
  ]) {
    Object.defineProperty(headerDisplay, k, { value: fn, enumerable: false });
  }

  class Client {
    #inner;
    #fetch;

    constructor(options) {
      if (options === null || typeof options !== "object" || Array.isArray(options)) {
        throw toError({ __keygate: true, name: "ConfigError", code: "invalid_option", message: "new Client(options): options must be an object" }, Client);
      }
      const fetchImpl = Object.hasOwn(options, "fetch") ? options.fetch : globalThis.fetch?.bind(globalThis);
      if (typeof fetchImpl !== "function") {
        throw toError({ __keygate: true, name: "ConfigError", code: "no_fetch", message: "no fetch: pass options.fetch or use a runtime with a global fetch" }, Client);
      }
      try {
        this.#inner = new wasm.WasmClient(options, isBrowserWindow());
      } catch (e) {
        throw toError(e, Client);
      }
      this.#fetch = fetchImpl;
    }

    /** Builds a client from environment variables (`process.env`, a Worker's `env`, any object). */
    static fromEnv(provider, env, overrides = {}) {
      const info = byId[provider];
      if (!info) {
        throw toError({ __keygate: true, name: "ConfigError", code: "unknown_provider", message: 'provider must be one of "poesius", "poelis", "powerpost", "postiz"' }, Client.fromEnv);
      }
      if (env === null || (typeof env !== "object" && typeof env !== "function")) {
        throw toError({ __keygate: true, name: "ConfigError", code: "invalid_option", provider, message: "fromEnv(provider, env): env must be an object such as process.env or a Worker's env" }, Client.fromEnv);
      }
      const read = (name) => {
        if (!name) return undefined;
        const v = Object.hasOwn(env, name) ? env[name] : typeof env.get === "function" ? env.get(name) : undefined;
        return v === "" ? undefined : v;
      };
      const opts = { provider, apiKey: read(info.envApiKey) };
      if (opts.apiKey === undefined) {
        throw toError({ __keygate: true, name: "KeyFormatError", code: "empty", provider, message: `${info.envApiKey} is not set` }, Client.fromEnv);
      }
      const base = read(info.envBaseUrl);
      if (base !== undefined) opts.baseUrl = base;
      const ws = read(info.envWorkspaceId);
      if (ws !== undefined) opts.workspaceId = ws;
      return new Client(Object.assign(opts, overrides));
    }

    get provider() {
      return this.#inner.describe().provider;
    }

    toJSON() {
      return this.#inner.describe();
    }

    toString() {
      const d = this.#inner.describe();
      return `Client(${d.provider} ${d.baseUrl} ${d.credential})`;
    }

    [INSPECT]() {
      return `Client ${JSON.stringify(this.#inner.describe())}`;
    }

    /** Any request under the base URL: resolves to `{ status, headers, data, requestId }`. */
    async request(spec) {
      try {
        return await this.#send(spec);
      } catch (e) {
        throw toError(e, this.request);
      }
    }

    /**
     * Starts the wasm exchange for `spec` and drives it. `async`, so a local refusal (thrown by
     * `start`) rejects a promise its caller already awaits: workerd reports a promise that is
     * born rejected as an unhandled rejection even when a handler follows in the same turn.
     */
    async #send(spec) {
      return drive(this.#inner.start(spec), this.#fetch, ownSignal(spec), readHeaders);
    }

    async #call(endpoint, spec) {
      try {
        return (await this.#send({ ...spec, endpoint })).data;
      } catch (e) {
        throw toError(e);
      }
    }

    // Poesius
    async generateFromDoc(document, { templateId, numSlides, filename, signal } = {}) {
      const form = new FormData();
      form.append("document", toBlob(document, "document"), filenameOf(document, filename ?? "document.pdf"));
      if (templateId !== undefined) form.append("template_id", String(templateId));
      if (numSlides !== undefined) form.append("num_slides", String(numSlides));
      return this.#call("generateFromDoc", { method: "POST", path: "/slides/generate-from-doc", body: form, signal });
    }
    async listPresentations({ limit = 1, signal } = {}) {
      return this.#call("listPresentations", { method: "GET", path: "/presentations", query: { limit }, signal });
    }
    async createApiKey({ name, description, signal } = {}) {
      return this.#call("createApiKey", { method: "POST", path: "/api-keys/", json: { name, description }, signal });
    }
    async mcpCall(tool, args = {}, { signal, id } = {}) {
      const rpc = { jsonrpc: "2.0", id: id ?? Date.now(), method: "tools/call", params: { name: tool, arguments: args } };
      const data = await this.#call("mcpCall", { method: "POST", target: "mcp", json: rpc, signal, idempotencyKey: undefined });
      if (data && data.error) {
        throw new errors.ApiError(String(data.error.message ?? "MCP error"), {
          code: "mcp_error", provider: "poesius", providerCode: data.error.code !== undefined ? String(data.error.code) : null,
        });
      }
      // A tool can fail inside a successful JSON-RPC answer (`isError`); out of credits is the
      // same PaymentRequiredError the REST API gives (SPEC §5, Poesius CREDITS_EXHAUSTED).
      const r = data?.result;
      if (r && r.isError && (r.error_code === "CREDITS_EXHAUSTED" || r.structuredContent?.error_code === "CREDITS_EXHAUSTED")) {
        throw new errors.PaymentRequiredError(String(r.error ?? r.message ?? "Insufficient credits"), {
          code: "payment_required", provider: "poesius", providerCode: "CREDITS_EXHAUSTED",
        });
      }
      return data?.result;
    }
    async generateSlides(args, opts) {
      return this.mcpCall("generate_slides", args, opts);
    }

    // Poelis
    async listWorkspaces({ signal } = {}) {
      return this.#call("listWorkspaces", { method: "GET", path: "/workspaces", signal });
    }

    // PowerPost
    async getCredits({ signal } = {}) {
      return this.#call("getCredits", { method: "GET", path: "/account/credits", signal });
    }
    async publishPost(id, { signal, idempotencyKey } = {}) {
      if (typeof id !== "string" || id === "") {
        throw new errors.ConfigError("publishPost(id): id must be a non-empty string", { code: "invalid_option", provider: "powerpost" });
      }
      return this.#call("publishPost", { method: "POST", path: `/posts/${encodeURIComponent(id)}/publish`, signal, idempotencyKey });
    }

    // Postiz
    async listIntegrations({ signal } = {}) {
      return this.#call("listIntegrations", { method: "GET", path: "/integrations", signal });
    }
    async isConnected({ signal } = {}) {
      return this.#call("isConnected", { method: "GET", path: "/is-connected", signal });
    }
    async createPost(post, { signal, idempotencyKey } = {}) {
      return this.#call("createPost", { method: "POST", path: "/posts", json: post, signal, idempotencyKey });
    }
    async upload(file, { filename, signal } = {}) {
      const form = new FormData();
      form.append("file", toBlob(file, "file"), filenameOf(file, filename ?? "upload.bin"));
      return this.#call("upload", { method: "POST", path: "/upload", body: form, signal });
    }
  }

  return {
    Client,
    validateKey,
    detectProvider,
    buildHeaders,
    redact,
    providers: infos,
    ...errors,
  };
}

export { createApi };
