// keygate's JavaScript layer, shared by every runtime entry. It supplies what only JS has (fetch,
// timers, body decoding, the error classes) and wraps the wasm exports; the rules live in Rust.
// This file is ESM source; `make build` bundles it with the wasm-bindgen glue (scripts/bundle.mjs)
// into wasm/keygate.js (ESM) and wasm-cjs/keygate.js (CommonJS), which the entries load.

import { helpers } from "./helpers.js";
import { INSPECT, SEP, keyApi } from "./key-api.js";
import { configError, errors, ownValue, packClient, packHeaders, packSpec, readBag, unreadable } from "./options.js";
import { readPace } from "./pace-hook.js";

// ---------------------------------------------------------------- errors

class KeygateError extends Error {
  constructor(message, fields = {}) {
    super(message);
    this.code = fields.code ?? "keygate_error";
    this.provider = fields.provider ?? null;
    this.status = fields.status ?? null;
    this.providerCode = fields.providerCode ?? null;
    this.requestId = fields.requestId ?? null;
    this.rateLimit = fields.rateLimit ?? null;
    if (fields.retryAfterMs !== undefined) this.retryAfterMs = fields.retryAfterMs;
  }
  toJSON() {
    const out = { name: this.name, code: this.code, message: this.message };
    for (const k of ["provider", "status", "providerCode", "requestId", "retryAfterMs", "rateLimit"]) {
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

errors.KeygateError = KeygateError;
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
  try {
    if (raw instanceof KeygateError) return raw;
    if (raw !== null && typeof raw === "object" && Object.getPrototypeOf(raw) === Object.prototype && raw.__keygate === true) {
      // A descriptor from the wasm side (a plain object it made).
      const cls = Object.hasOwn(errors, raw.name) ? errors[raw.name] : KeygateError;
      err = new cls(raw.message, raw);
    }
  } catch {
    err = undefined;
  }
  if (err === undefined) err = new KeygateError("internal error in keygate", { code: "internal" });
  if (caller && typeof Error.captureStackTrace === "function") Error.captureStackTrace(err, caller);
  return err;
}

// ---------------------------------------------------------------- reading caller objects
//
// Every caller object (options bags, request specs, helper options, env objects) is read here, in
// JS, BEFORE any wasm call: own properties only (a polluted Object.prototype adds nothing), each
// read once (a getter cannot answer differently later), and a getter or proxy trap that throws is a
// ConfigError, never "absent". What crosses into wasm is a null-prototype object of the values
// read, so no caller code runs while Rust state is borrowed.

/** A copy of a record option (`query`, `headers`): own enumerable string keys; arrays copied. */
function readRecord(obj, what, provider) {
  if (obj === null || typeof obj !== "object") return obj; // the wasm side names the wrong type
  const out = Object.create(null);
  try {
    for (const k of Reflect.ownKeys(obj)) {
      if (typeof k !== "string") continue;
      const d = Reflect.getOwnPropertyDescriptor(obj, k);
      if (!d || !d.enumerable) continue;
      let v = obj[k];
      if (Array.isArray(v)) v = Array.from({ length: Number(v.length) >>> 0 }, (_, i) => v[i]);
      out[k] = v;
    }
  } catch {
    throw unreadable(what, "a property", provider);
  }
  return out;
}

/** The caller's `signal`: an AbortSignal (checked by reading it once), else a ConfigError. */
function readSignal(signal, what, provider) {
  if (signal === undefined || signal === null) return undefined;
  let aborted, add;
  try {
    aborted = signal.aborted;
    add = signal.addEventListener;
  } catch {
    throw unreadable(what, "signal", provider);
  }
  if (typeof aborted !== "boolean" || typeof add !== "function") throw configError(`${what}: signal must be an AbortSignal`, provider);
  return signal;
}

function isAborted(signal) {
  try {
    return signal !== undefined && signal.aborted === true;
  } catch {
    return true;
  }
}

function listen(signal, fn) {
  try {
    signal?.addEventListener("abort", fn, { once: true });
  } catch {
    // A signal that cannot be listened to was checked when read; nothing to do here.
  }
}

function unlisten(signal, fn) {
  try {
    signal?.removeEventListener("abort", fn);
  } catch {
    // as above
  }
}

/** `body` of a request: the types fetch sends as they are; anything else is a ConfigError. */
function checkBody(body, provider) {
  if (body === undefined || body === null || typeof body === "string") return body;
  const is = (name) => typeof globalThis[name] === "function" && body instanceof globalThis[name];
  try {
    if (is("Blob") || is("ArrayBuffer") || ArrayBuffer.isView(body) || is("FormData") || is("URLSearchParams") || is("ReadableStream")) return body;
  } catch {
    throw unreadable("request(spec)", "body", provider);
  }
  throw configError("body must be a string, Blob, ArrayBuffer, typed array, FormData, URLSearchParams or ReadableStream (use json for objects)", provider);
}

const SPEC_NAMES = ["method", "path", "query", "headers", "json", "body", "signal", "idempotencyKey", "target", "endpoint", "timeoutMs", "maxRetries"];

/** A request spec as the wasm side reads it: own values, records copied, json serialised here. */
function readSpec(spec, provider) {
  if (spec === null || typeof spec !== "object") throw configError(`options must be an object, not ${typeof spec}`, provider);
  const s = readBag(spec, SPEC_NAMES, "request(spec)", provider);
  if (s.query !== undefined) s.query = readRecord(s.query, "request(spec) query", provider);
  if (s.headers !== undefined) s.headers = readRecord(s.headers, "request(spec) headers", provider);
  if (s.json !== undefined && s.json !== null) {
    if (s.body !== undefined && s.body !== null) throw configError("give json or body, not both", provider);
    let text;
    try {
      text = JSON.stringify(s.json);
    } catch {
      text = undefined;
    }
    if (typeof text !== "string") {
      throw new errors.ConfigError("json could not be serialised (cycle, BigInt, function, or a getter that threw?)", { code: "invalid_json", provider });
    }
    delete s.json;
    s.jsonText = text;
  }
  s.body = checkBody(s.body, provider);
  const signal = readSignal(s.signal, "request(spec)", provider);
  delete s.signal;
  return { spec: s, signal };
}

// ---------------------------------------------------------------- the request driver

const decoder = new TextDecoder();

/** Body decoding by content type: JSON when announced, else text; `undefined` = invalid JSON. */
function decodeBody(bytes, contentType, status) {
  if (status === 204 || status === 205 || bytes.byteLength === 0) return null;
  const text = decoder.decode(bytes);
  // A missing type (null, undefined) reads as "null"/"undefined": not JSON either.
  if (!/\bjson\b/i.test(contentType)) return text;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** One response header, or null (also for a fetch stand-in without `Headers`). */
function headerOf(resp, name) {
  try {
    const v = resp.headers.get(name);
    return typeof v === "string" ? v : null;
  } catch {
    return null;
  }
}

/** Every response header as a plain object (`{}` for a fetch stand-in without iterable headers). */
function allHeaders(resp) {
  const out = {};
  try {
    for (const [k, v] of resp.headers) out[k] = v;
  } catch {
    // A fetch stand-in without iterable headers.
  }
  return out;
}

/**
 * The headers the exchange reads, packed (`flat`), and for the runtime's own `Headers` class
 * (not a subclass or stand-in, whose `get` and iteration might disagree) every header read in the
 * same pass (`all`, the answer's `headers`): one iteration instead of a `get` per name.
 */
function headerView(resp, names) {
  let h, all = null;
  try {
    h = resp.headers;
    if (typeof Headers === "function" && h !== null && typeof h === "object" && Object.getPrototypeOf(h) === Headers.prototype) {
      all = {};
      for (const [k, v] of h) all[k] = v;
    }
  } catch {
    all = null;
  }
  let flat = "";
  for (const name of names) {
    const v = all !== null ? (Object.hasOwn(all, name) ? all[name] : null) : headerOf(resp, name);
    if (v !== null) flat += name + SEP + v + SEP;
  }
  return { flat, all };
}

const NO_BYTES = new Uint8Array(0);
const TIMED_OUT = Object.freeze({ ended: 1 });
const CALLER_ABORTED = Object.freeze({ ended: 0 });
const gotOk = (ok) => ({ ok });
const gotErr = (err) => ({ err });

/** Waits `ms` unless `signal` fires first; resolves to whether the wait completed. */
function wait(ms, signal) {
  return new Promise((resolve) => {
    if (isAborted(signal)) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      unlisten(signal, onAbort);
      resolve(true);
    }, ms);
    listen(signal, onAbort);
  });
}

/** Cancels a response body nobody will read (frees the connection); never throws. */
function discard(resp, reader) {
  try {
    if (reader) reader.cancel().catch(() => {});
    else resp?.body?.cancel?.().catch?.(() => {});
  } catch {
    // a stand-in without a cancellable body
  }
}

const ONLY_DIGITS = /^[0-9]+$/;
const IN_WORKERD = typeof navigator !== "undefined" && navigator.userAgent === "Cloudflare-Workers";

/**
 * Reads at most `limit` bytes of the body, incrementally from `response.body` when it is a
 * stream (else `arrayBuffer()`); `{ over: true }` past the limit (Content-Length included), the
 * stream cancelled. `track.reader` lets the attempt's timer cancel a stalled read.
 */
async function readBody(resp, limit, track) {
  const announced = headerOf(resp, "content-length");
  if (announced !== null && ONLY_DIGITS.test(announced.trim()) && Number(announced.trim()) > limit) {
    discard(resp);
    return { over: true };
  }
  let stream;
  try {
    stream = resp.body;
  } catch {
    stream = undefined;
  }
  // workerd: arrayBuffer() (the cap then checked after the read, Content-Length before it). A JS
  // reader on a fetch body there makes workerd report the stream's error (a timeout's abort, a lost
  // connection) as an unhandled rejection from inside its fetch, observed or not.
  if (stream && typeof stream.getReader === "function" && !IN_WORKERD) {
    const reader = stream.getReader();
    track.reader = reader;
    // A body that errors (connection lost) or is cancelled rejects `closed`: workerd reports that
    // as an unhandled rejection unless someone observes it.
    reader.closed?.catch?.(() => {});
    const chunks = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const chunk = value instanceof Uint8Array ? value : ArrayBuffer.isView(value) ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength) : null;
      if (chunk === null) throw new TypeError("the response body stream gave a chunk that is not bytes");
      size += chunk.byteLength;
      if (size > limit) {
        discard(resp, reader);
        return { over: true };
      }
      chunks.push(chunk);
    }
    if (chunks.length === 1) return { bytes: chunks[0] };
    const bytes = new Uint8Array(size);
    let at = 0;
    for (const c of chunks) {
      bytes.set(c, at);
      at += c.byteLength;
    }
    return { bytes };
  }
  if (typeof resp.arrayBuffer !== "function") return { bytes: NO_BYTES };
  const bytes = new Uint8Array(await resp.arrayBuffer());
  return bytes.byteLength > limit ? { over: true } : { bytes };
}

function sameOrigin(a, b) {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

/**
 * One attempt: the fetch, the checks on what it returned and the body read. Resolves to
 * `{ resp, status, opaque, bytes }` or `{ refuse: [what, status, limit] }`; rejects as fetch does.
 */
async function attempt(url, fetchImpl, init, limits, track) {
  const resp = await fetchImpl(url, init);
  let status, type, redirected, finalUrl;
  try {
    status = resp.status;
    type = resp.type;
    redirected = resp.redirected === true;
    finalUrl = resp.url;
  } catch {
    throw new TypeError("the fetch function returned an unusable response");
  }
  if (resp === null || typeof resp !== "object") throw new TypeError("the fetch function returned no response");
  status = typeof status === "number" && Number.isInteger(status) && status >= 0 && status <= 999 ? status : 0;
  const opaque = type === "opaqueredirect" || (status === 0 && type !== "error");
  // A fetch that followed a redirect itself (a custom fetch dropping `redirect: "manual"`), or
  // whose answer names another origin: its body is never returned.
  if (redirected || (typeof finalUrl === "string" && finalUrl !== "" && finalUrl !== url && !sameOrigin(finalUrl, url))) {
    discard(resp);
    return { resp, refuse: [0, status, 0] };
  }
  const ok = status >= 200 && status < 300;
  // An error body is read only as far as the core reads one (longer: classified by status alone).
  const limit = ok ? limits.max : Math.min(limits.max, limits.errorBody + 1);
  const read = await readBody(resp, limit, track);
  if (read.over) return ok ? { resp, refuse: [1, status, limits.max] } : { resp, status, opaque, bytes: NO_BYTES };
  return { resp, status, opaque, bytes: read.bytes };
}

// ---------------------------------------------------------------- hooks and logs
//
// Every value a hook or a log line gets is already redacted: the URL through the core's
// sanitiser (`safeUrl`), the request id as the core cleaned it, numbers otherwise; no header
// values at all. A hook or logger that throws (or returns a rejecting promise) is ignored.

/** What `steps` returns when the request is to be sent again with the fresh credential value. */
const ROTATE = Symbol("rotate");
const CREDENTIAL_NAMES = ["apiKey", "jwt", "oauthToken"];

const HOOK_NAMES = ["onRequest", "onResponse", "onRetry", "onRateLimit"];
const LOG_LEVELS = ["debug", "info", "warn"];
const LOG_METHODS = ["debug", "info", "warn", "error"];

/** Calls `fn(...args)`, swallowing a throw or a rejection (never logged: it may hold anything). */
function quietly(fn, ...args) {
  if (typeof fn !== "function") return;
  try {
    const r = Reflect.apply(fn, undefined, args);
    if (r !== null && (typeof r === "object" || typeof r === "function")) {
      const then = r.then;
      if (typeof then === "function") Reflect.apply(then, r, [undefined, () => {}]);
    }
  } catch {
    // a hook's failure never breaks a request
  }
}

/** The hooks and logger of a client's options, checked (a wrong type is a ConfigError). */
function readObserver(opts, provider) {
  const obs = Object.create(null);
  for (const name of HOOK_NAMES) {
    const v = opts[name];
    delete opts[name];
    if (v === undefined || v === null) continue;
    if (typeof v !== "function") throw configError(`${name} must be a function`, provider);
    obs[name] = v;
  }
  const logger = opts.logger;
  const level = opts.logLevel;
  delete opts.logger;
  delete opts.logLevel;
  if (level !== undefined && level !== null && !LOG_LEVELS.includes(level)) {
    throw configError("logLevel must be debug, info or warn", provider);
  }
  if (logger !== undefined && logger !== null) {
    const methods = Object.create(null);
    for (const m of LOG_METHODS) {
      let f;
      try {
        f = logger[m];
      } catch {
        f = undefined;
      }
      if (typeof f !== "function") throw configError(`logger.${m} must be a function`, provider);
      methods[m] = f;
    }
    const min = LOG_LEVELS.indexOf(level ?? "info");
    obs.log = (lvl, line) => {
      if (LOG_METHODS.indexOf(lvl) < min) return;
      try {
        Reflect.apply(methods[lvl], logger, [line]);
      } catch {
        // a logger's failure never breaks a request
      }
    };
  }
  return Object.keys(obs).length ? obs : null;
}

/** One log line: method, URL (sanitised), status, attempt, wait and request id. */
function logLine(event, method, url, fields) {
  let line = `keygate ${event} ${method} ${url}`;
  for (const [k, v] of Object.entries(fields)) if (v !== undefined && v !== null) line += ` ${k}=${v}`;
  return line;
}

function retryReason(status, how) {
  if (status === 429) return "rate_limited";
  if (status >= 500) return "server_error";
  if (status !== undefined) return "status";
  return how === 1 ? "timeout" : "network";
}

/**
 * Runs one exchange: the wasm side decides every step (fetch, wait, done, fail: see
 * `WasmExchange` in crates/keygate-wasm/src/lib.rs); this only performs the fetches and waits it asks for, and
 * reports each outcome. Each attempt (fetch and body read) is raced against keygate's own timer
 * and the caller's signal, so neither depends on `fetch` honouring `init.signal`.
 */
async function drive(ex, payload, fetchImpl, signal, readHeaders, limits, obs, rot, pace) {
  try {
    return await steps(ex, payload, fetchImpl, signal, readHeaders, limits, obs ?? null, rot ?? null, pace ? pace(ex) : null);
  } finally {
    ex.free();
  }
}

/**
 * A step's result packed by the wasm (`packed::step_result`): the step number, and the next
 * fetch (`cur`: url, method, send) and the rate limit updated in place; the request id last.
 */
function stepOf(packed, cur) {
  const f = packed.split(SEP);
  if (f[1] !== "") {
    cur.url = f[1];
    cur.method = f[2];
    cur.send = f[3] === "1";
  }
  const n = (v) => (v === "" ? null : Number(v));
  cur.rateLimit = f[4] === "1" ? { limit: n(f[5]), remaining: n(f[6]), resetAt: n(f[7]) } : null;
  cur.requestId = (f.length === 9 ? f[8] : f.slice(8).join(SEP)) || null;
  return Number(f[0]);
}

async function steps(ex, payload, fetchImpl, signal, readHeaders, limits, obs, rot, pc) {
  const headers = Object.create(null);
  // The first fetch (`packed::first`): timeout, url, method, whether to send the body, headers.
  const packed = ex.next().split(SEP);
  for (let i = 4; i + 1 < packed.length; i += 2) headers[packed[i]] = packed[i + 1];
  const timeoutMs = Number(packed[0]);
  const cur = { url: packed[1], method: packed[2], send: packed[3] === "1", rateLimit: null, requestId: null };
  let attemptNo = 0;
  let err;
  for (;;) {
    let step = -1;
    // What the observer sees of this attempt (only redacted values).
    let seen = null;
    // Pacing: wait for this attempt's turn (an abort while waiting gives up the place).
    const grant = pc && !isAborted(signal) ? await pc.acquire(signal) : -1;
    if (isAborted(signal)) step = stepOf(ex.failed(0), cur);
    else {
      attemptNo += 1;
      let started = 0;
      if (obs) {
        seen = { method: cur.method, url: ex.safeUrl(), attempt: attemptNo };
        quietly(obs.onRequest, { method: seen.method, url: seen.url, attempt: attemptNo });
        obs.log?.("debug", logLine("request", seen.method, seen.url, { attempt: attemptNo }));
        started = Date.now();
      }
      const controller = new AbortController();
      // Built on a null prototype, so an inherited `body`, `redirect` or `duplex` cannot reach
      // fetch; `body`, `window` and `referrer` are always set, their defaults spelled out: Node's
      // fetch converts the init into a plain `{}` whose missing members it then reads through
      // Object.prototype (measured with Node 20's undici).
      const init = Object.create(null);
      init.method = cur.method;
      init.headers = headers;
      init.redirect = "manual";
      init.signal = controller.signal;
      init.body = cur.send && payload !== undefined ? payload : null;
      init.window = null;
      init.referrer = "about:client";
      const track = { reader: null };
      // `attempt` is async (it never throws synchronously); raced against keygate's timer and the
      // caller's signal in one promise (no Promise.race, no deadline promise of its own).
      const work = attempt(cur.url, fetchImpl, init, limits, track).then(gotOk, gotErr);
      let timer, onAbort;
      const outcome = await new Promise((resolve) => {
        timer = setTimeout(resolve, timeoutMs, TIMED_OUT);
        if (signal !== undefined) {
          onAbort = () => resolve(CALLER_ABORTED);
          listen(signal, onAbort);
        }
        work.then(resolve);
      });
      clearTimeout(timer);
      if (signal !== undefined) unlisten(signal, onAbort);
      if (outcome.ended !== undefined) {
        // keygate's timer or the caller's signal: abort the fetch, cancel a stalled body read,
        // and move on whatever the fetch function does with that.
        try {
          controller.abort(new DOMException(outcome.ended ? "keygate timeout" : "aborted by the caller", outcome.ended ? "TimeoutError" : "AbortError"));
        } catch {
          // a runtime without DOMException reasons
        }
        // A body read still pending (a stand-in fetch that ignores the signal) is left to the
        // garbage collector: cancelling it makes workerd report "Stream was cancelled" as an
        // unhandled rejection from inside its fetch.
        work.then(({ ok }) => ok && !track.reader && discard(ok.resp));
        step = stepOf(ex.failed(isAborted(signal) ? 0 : outcome.ended), cur);
        if (seen) seen.how = isAborted(signal) ? 0 : outcome.ended;
      } else if (outcome.err !== undefined) {
        const e = outcome.err;
        if (isAborted(signal)) step = stepOf(ex.failed(0), cur);
        else {
          let message, cause;
          try {
            message = typeof e?.message === "string" ? e.message : undefined;
            cause = typeof e?.cause?.code === "string" ? e.cause.code : undefined;
          } catch {
            message = undefined;
          }
          step = stepOf(ex.failed(2, message, cause), cur);
          if (seen) seen.how = 2;
        }
      } else {
        const { resp, status, opaque, bytes, refuse } = outcome.ok;
        // Only the headers the exchange reads cross into wasm.
        const view = headerView(resp, readHeaders);
        const flat = view.flat;
        if (refuse) throw ex.refuse(refuse[0], refuse[1], flat);
        // The body crosses only when the core reads it: an error body within its limit.
        step = stepOf(ex.response(status, opaque, flat, (status >= 200 && status < 300) || bytes.byteLength > limits.errorBody ? NO_BYTES : bytes), cur);
        pc?.observe(grant, status, cur.rateLimit, step);
        if (seen) {
          if (step === -3) err = ex.error();
          observeResponse(obs, seen, status, step, err, Date.now() - started, cur);
        }
        if (step === -2) {
          const out = view.all ?? allHeaders(resp);
          const data = decodeBody(bytes, view.all ? view.all["content-type"] : headerOf(resp, "content-type"), status);
          if (data === undefined) throw ex.invalidJson();
          return { status, headers: out, data, requestId: cur.requestId, rateLimit: cur.rateLimit };
        }
      }
    }
    if (seen && step >= 0) {
      const retry = { attempt: attemptNo + 1, delayMs: step, reason: retryReason(seen.status, seen.how) };
      if (seen.status !== undefined) retry.status = seen.status;
      quietly(obs.onRetry, retry);
      obs.log?.("warn", logLine("retry", seen.method, seen.url, { status: seen.status, attempt: retry.attempt, wait: `${step}ms`, reason: retry.reason }));
    }
    if (step >= 0 && !(await wait(step, signal))) step = stepOf(ex.failed(0), cur);
    if (step === -3) {
      const e = err ?? ex.error();
      if (seen && seen.status === undefined) {
        obs.log?.("warn", logLine("failed", seen.method, seen.url, { attempt: attemptNo, error: e?.name, code: e?.code }));
      }
      // Key rotation: the core's rule says whether this 401 is about the key, then whether the
      // fresh value may be used (once, and never the refused value).
      if (rot && ex.wantsFresh()) {
        let fresh;
        try {
          fresh = await rot.next();
        } catch {
          fresh = undefined;
        }
        if (ex.decide(rot.value, typeof fresh === "string" ? fresh : undefined) === 0) return ROTATE;
      }
      throw e;
    }
  }
}

/** The hooks and the log line of one response. */
function observeResponse(obs, seen, status, step, err, durationMs, cur) {
  seen.status = status;
  // A final error carries its own (cleaned) request id; a retried one is not read.
  const requestId = step === -3 ? (err?.requestId ?? null) : step === -2 ? cur.requestId : null;
  const rateLimit = cur.rateLimit === null ? null : { ...cur.rateLimit };
  quietly(obs.onResponse, { method: seen.method, url: seen.url, status, attempt: seen.attempt, requestId, rateLimit, durationMs });
  if (rateLimit !== null && (status === 429 || rateLimit.remaining === 0)) {
    let retryAfterMs = step >= 0 ? step : null;
    if (retryAfterMs === null && typeof err?.retryAfterMs === "number") retryAfterMs = err.retryAfterMs;
    quietly(obs.onRateLimit, { rateLimit: cur.rateLimit === null ? null : { ...cur.rateLimit }, retryAfterMs });
  }
  const wait = step >= 0 ? `${step}ms` : undefined;
  obs.log?.(status >= 200 && status < 400 ? "info" : "warn", logLine("response", seen.method, seen.url, { status, attempt: seen.attempt, wait, requestId, durationMs: `${durationMs}ms` }));
}

function isBrowserWindow() {
  return (
    typeof window !== "undefined" &&
    typeof window.document !== "undefined" &&
    typeof navigator !== "undefined" &&
    navigator.userAgent !== "Cloudflare-Workers"
  );
}

function toBlob(doc, what, provider) {
  try {
    if (typeof Blob !== "undefined" && doc instanceof Blob) return doc;
    if (doc instanceof Uint8Array || doc instanceof ArrayBuffer) return new Blob([doc]);
  } catch {
    throw unreadable(what, "the value", provider);
  }
  if (typeof doc === "string") return new Blob([doc], { type: "text/plain" });
  throw configError(`${what} must be a Blob, File, Uint8Array, ArrayBuffer or string`, provider);
}

function filenameOf(doc, fallback) {
  try {
    const name = typeof File !== "undefined" && doc instanceof File ? doc.name : undefined;
    return typeof name === "string" && name ? name : fallback;
  } catch {
    return fallback;
  }
}

/** A multipart body with one file field (and extra text fields); a hostile value is a ConfigError. */
function formWith(field, doc, filename, fallback, what, provider, extra = []) {
  const blob = toBlob(doc, what, provider);
  const form = new FormData();
  try {
    form.append(field, blob, filenameOf(doc, filename ?? fallback));
  } catch {
    throw configError(`${what} could not be added to the form`, provider);
  }
  for (const [k, v] of extra) form.append(k, v);
  return form;
}

/** An optional text option of a helper: a string or a finite number, else a ConfigError. */
function textOption(v, what, provider) {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string") return v;
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  throw configError(`${what} must be a string or a finite number, not ${typeof v}`, provider);
}

function stringOption(v, what, provider) {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string") return v;
  throw configError(`${what} must be a string, not ${typeof v}`, provider);
}

// ---------------------------------------------------------------- API factory

const CLIENT_OPTIONS = [
  "provider", "apiKey", "jwt", "oauthToken", "scheme", "workspaceId", "keyType", "baseUrl", "mcpUrl", "allowInsecureHttp",
  "timeoutMs", "maxRetries", "maxResponseBytes", "dangerouslyAllowBrowser", "fetch",
  ...HOOK_NAMES, "logger", "logLevel", "pace",
];

function createApi(wasm) {
  const infos = JSON.parse(wasm.providerInfo());
  const readHeaders = wasm.responseHeaders().split(SEP);
  const errorBody = wasm.errorBodyLimit();
  const byId = Object.fromEntries(infos.map((p) => [p.id, p]));

  // validateKey, detectProvider, redact and buildHeaders: the same code as keygate/validate's; this
  // wasm's buildHeaders takes the options packed (options.js `packHeaders`), keygate/validate's the bag.
  const { validateKey, detectProvider, redact, buildHeaders } = keyApi({ ...wasm, buildHeaders: (o) => wasm.buildHeaders(packHeaders(o)) }, toError);

  let kit;
  class Client {
    #inner;
    #fetch;
    #limits;
    #provider;
    #obs;
    #credFn;
    #credName;
    #template;
    #value;
    #pace;

    constructor(options) {
      let opts;
      try {
        if (options === null || typeof options !== "object") throw configError("new Client(options): options must be an object");
        opts = readBag(options, CLIENT_OPTIONS, "new Client(options)");
      } catch (e) {
        throw toError(e, Client);
      }
      let obs;
      try {
        obs = readObserver(opts, typeof opts.provider === "string" ? opts.provider : undefined);
      } catch (e) {
        throw toError(e, Client);
      }
      try {
        this.#pace = readPace(wasm, opts.pace, typeof opts.provider === "string" ? opts.provider : undefined);
      } catch (e) {
        throw toError(e, Client);
      }
      delete opts.pace;
      const fetchImpl = opts.fetch ?? globalThis.fetch?.bind(globalThis);
      delete opts.fetch;
      if (typeof fetchImpl !== "function") {
        throw toError({ __keygate: true, name: "ConfigError", code: "no_fetch", message: "no fetch: pass options.fetch or use a runtime with a global fetch" }, Client);
      }
      this.#provider = opts.provider;
      this.#fetch = fetchImpl;
      const fn = CREDENTIAL_NAMES.find((n) => typeof opts[n] === "function");
      if (fn !== undefined) {
        // A credential function: called before each request (and once more after a 401 the core
        // says is about the key); each value it returns is checked as a key given directly is,
        // and a new WasmClient is built only when the value changes.
        this.#credFn = opts[fn];
        this.#credName = fn;
        delete opts[fn];
        this.#template = opts;
      } else {
        try {
          this.#inner = new wasm.WasmClient(...packClient(opts), isBrowserWindow());
        } catch (e) {
          throw toError(e, Client);
        }
        this.#limits = { max: this.#inner.maxResponseBytes(), errorBody };
      }
      this.#obs = obs;
    }

    /** Builds a client from environment variables (`process.env`, a Worker's `env`, any object). */
    static fromEnv(provider, env, overrides) {
      const info = typeof provider === "string" && Object.hasOwn(byId, provider) ? byId[provider] : undefined;
      if (!info) {
        throw toError({ __keygate: true, name: "ConfigError", code: "unknown_provider", message: `provider must be one of ${infos.map((p) => JSON.stringify(p.id)).join(", ")}` }, Client.fromEnv);
      }
      if (env === null || (typeof env !== "object" && typeof env !== "function")) {
        throw toError({ __keygate: true, name: "ConfigError", code: "invalid_option", provider, message: "fromEnv(provider, env): env must be an object such as process.env or a Worker's env" }, Client.fromEnv);
      }
      const read = (name) => {
        if (!name) return undefined;
        let v;
        try {
          if (Object.hasOwn(env, name)) v = env[name];
          else {
            // A Map-like env (Deno.env): its own class's get, never one planted on Object.prototype.
            const get = env.get;
            if (typeof get === "function" && get !== Object.prototype.get) v = Reflect.apply(get, env, [name]);
          }
        } catch {
          throw toError(unreadable("fromEnv(provider, env)", name, provider), Client.fromEnv);
        }
        return v === "" ? undefined : v;
      };
      const opts = Object.create(null);
      opts.provider = provider;
      opts.apiKey = read(info.envApiKey);
      if (opts.apiKey === undefined) {
        throw toError({ __keygate: true, name: "KeyFormatError", code: "empty", provider, message: `${info.envApiKey} is not set` }, Client.fromEnv);
      }
      const base = read(info.envBaseUrl);
      if (base !== undefined) opts.baseUrl = base;
      const ws = read(info.envWorkspaceId);
      if (ws !== undefined) opts.workspaceId = ws;
      let extra;
      try {
        extra = readBag(overrides, CLIENT_OPTIONS, "fromEnv(provider, env, overrides)", provider);
      } catch (e) {
        throw toError(e, Client.fromEnv);
      }
      // KEYGATE_LOG=debug|info|warn: the log level, printing to `console` unless a logger is given.
      const logEnv = read("KEYGATE_LOG");
      if (logEnv !== undefined) {
        if (!LOG_LEVELS.includes(logEnv)) {
          throw toError(configError("KEYGATE_LOG must be debug, info or warn", provider), Client.fromEnv);
        }
        opts.logLevel = logEnv;
        if (typeof console !== "undefined") opts.logger = console;
      }
      return new Client(Object.assign(opts, extra));
    }

    get provider() {
      return this.#describe().provider;
    }

    #describe() {
      // A credential function not called yet: nothing more is known.
      if (this.#inner === undefined) return { provider: this.#provider, credential: "(function)" };
      return this.#inner.describe();
    }

    toJSON() {
      return this.#describe();
    }

    toString() {
      const d = this.#describe();
      return `Client(${d.provider} ${d.baseUrl} ${d.credential})`;
    }

    [INSPECT]() {
      return `Client ${JSON.stringify(this.#describe())}`;
    }

    /** Calls the credential function; resolves to the value, its WasmClient made current. */
    async #current() {
      let value;
      try {
        value = await Reflect.apply(this.#credFn, undefined, []);
      } catch {
        // Its error could hold anything (the secret store's answer): not passed on.
        value = undefined;
      }
      if (typeof value !== "string") throw configError(`${this.#credName}() threw or gave no string`, this.#provider);
      if (this.#inner === undefined || this.#value !== value) {
        const o = Object.assign(Object.create(null), this.#template);
        o[this.#credName] = value;
        const inner = new wasm.WasmClient(...packClient(o), isBrowserWindow());
        this.#inner = inner;
        this.#value = value;
        this.#limits = { max: inner.maxResponseBytes(), errorBody };
      }
      return { value, inner: this.#inner };
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
     * Reads `spec` (in JS, before any wasm call), starts the wasm exchange and drives it. `async`,
     * so a local refusal rejects a promise its caller already awaits: workerd reports a promise
     * that is born rejected as an unhandled rejection even when a handler follows in the same turn.
     */
    async #send(spec) {
      const { spec: clean, signal } = readSpec(spec, this.#provider);
      // The spec packed once (pkg/src/options.js); its body stays here, sent when the exchange says.
      const args = packSpec(clean);
      const payload = clean.jsonText ?? clean.body;
      if (this.#credFn === undefined) return await drive(this.#inner.start(...args), payload, this.#fetch, signal, readHeaders, this.#limits, this.#obs, undefined, this.#pace);
      // Each call's WasmClient travels with its value (a concurrent request may change #inner).
      const now = await this.#current();
      const rot = {
        value: now.value,
        next: async () => {
          rot.fresh = await this.#current();
          return rot.fresh.value;
        },
      };
      const first = await drive(now.inner.start(...args), payload, this.#fetch, signal, readHeaders, this.#limits, this.#obs, rot, this.#pace);
      if (first !== ROTATE) return first;
      // Once, with the fresh value (the core's `decide` said it differs): no further rotation.
      return drive(rot.fresh.inner.start(...args), payload, this.#fetch, signal, readHeaders, this.#limits, this.#obs, undefined, this.#pace);
    }

    async #call(endpoint, spec) {
      try {
        return (await this.#send({ ...spec, endpoint })).data;
      } catch (e) {
        throw toError(e);
      }
    }

    /** A helper's options: own properties only, read once (a throwing getter is a ConfigError). */
    #opts(options, names, what) {
      return readBag(options, names, `${what}(options)`, this.#provider);
    }

    #rethrow(e) {
      throw toError(e);
    }

    // The helpers of the endpoint rows are generated (./helpers.js) and installed below; the
    // JSON-RPC ones are written here.
    async mcpCall(tool, args = {}, options) {
      let o, res;
      try {
        o = this.#opts(options, ["signal", "id"], "mcpCall");
        if (o.id !== undefined && o.id !== null && typeof o.id !== "string" && !(typeof o.id === "number" && Number.isFinite(o.id))) {
          throw configError("mcpCall(tool, args, { id }): id must be a string or a finite number", this.#provider);
        }
        const rpc = { jsonrpc: "2.0", id: o.id ?? Date.now(), method: "tools/call", params: { name: tool, arguments: args } };
        res = await this.#send({ method: "POST", target: "mcp", json: rpc, signal: o.signal, endpoint: "mcpCall" });
      } catch (e) {
        this.#rethrow(e);
      }
      // The core's rule (classify_mcp) reads the JSON-RPC answer: a JSON-RPC error, or a tool's
      // out-of-credits result (the PaymentRequiredError the REST API gives), every field cleaned
      // of the credential.
      const data = res.data;
      let text;
      try {
        text = JSON.stringify(data ?? null);
      } catch {
        text = "null";
      }
      const described = this.#inner.mcpError(res.status, res.requestId ?? undefined, text ?? "null");
      if (described) this.#rethrow(described);
      return data?.result;
    }
    /**
     * GraphQL (Poelis `POST {host}/v1/graphql`, the official SDK's endpoint): resolves to `data`;
     * an answer with `errors` throws the typed error the core's rule (classify_graphql) picks.
     */
    async graphql(query, variables, options) {
      let res;
      try {
        if (typeof query !== "string" || query.trim() === "") {
          throw configError("graphql(query): query must be a non-empty string", this.#provider);
        }
        if (variables !== undefined && variables !== null && (typeof variables !== "object" || Array.isArray(variables))) {
          throw configError("graphql(query, variables): variables must be an object", this.#provider);
        }
        const o = this.#opts(options, ["signal", "operationName"], "graphql");
        if (o.operationName !== undefined && typeof o.operationName !== "string") {
          throw configError("graphql(query, variables, { operationName }): operationName must be a string", this.#provider);
        }
        // The body the official SDK sends (`variables` always present), plus operationName if given.
        const json = { query, variables: variables ?? {} };
        if (o.operationName !== undefined) json.operationName = o.operationName;
        res = await this.#send({ method: "POST", target: "graphql", json, signal: o.signal });
      } catch (e) {
        this.#rethrow(e);
      }
      const data = res.data;
      if (data?.errors !== undefined && data?.errors !== null) {
        let text;
        try {
          text = JSON.stringify(data);
        } catch {
          text = "null";
        }
        const described = this.#inner.graphqlError(res.status, res.requestId ?? undefined, text ?? "null");
        if (described) this.#rethrow(described);
      }
      return data?.data ?? null;
    }
    async generateSlides(args, opts) {
      // `return await`: a bare `return` hands on a promise that may be born rejected, and workerd
      // reports that as unhandled before the outer promise adopts it.
      return await this.mcpCall("generate_slides", args, opts);
    }

    static {
      // What the generated helpers (./helpers.js) need from the class: its private request path.
      kit = {
        call: (client, endpoint, spec) => client.#call(endpoint, spec),
        opts: (client, options, names, what) => client.#opts(options, names, what),
        rethrow: (e) => {
          throw toError(e);
        },
        textOption,
        stringOption,
        formWith,
        errors,
      };
    }
  }

  for (const [name, fn] of Object.entries(helpers(kit))) {
    // Like a class method: on the prototype, not enumerable.
    Object.defineProperty(Client.prototype, name, { value: fn, writable: true, configurable: true });
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
