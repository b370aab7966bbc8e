// The emulator core: one listener for the four providers (by path prefix), one
// cross-origin trap listener, fault injection, CORS, rate limits and the request log.
import http from "node:http";
import { mergeConfig, loadConfigFile, DEMO_KEYS } from "./config.js";
import { createIdSource } from "./lib/ids.js";
import { encodeBody, readBody, JSON_TYPE, statusText, parseJsonBody } from "./lib/http.js";
import { headerValue } from "./lib/auth.js";
import { createScrubber, CREDENTIAL_HEADERS } from "./lib/redact.js";
import { parseFault, createScenarioQueue, matchesScenario, FaultSpecError } from "./lib/faults.js";
import { createLimiter, createTokenBucket } from "./lib/ratelimit.js";
import { formatHost, checkRequest, cleanHostHeader, rawErrorResponse, isOwnAuthority, isOwnHostName, isLoopbackHost } from "./lib/target.js";
import { corsResponseHeaders, corsPreflightHeaders, trapCorsHeaders } from "./lib/cors.js";
import { EMULATED } from "./providers/index.js";

/**
 * Where each provider is mounted (each provider file's `EMULATOR.mounts`). `key` names the mount
 * in scenarios and the request log, `corsKey` in the CORS config.
 */
export const MOUNTS = Object.freeze(EMULATED.flatMap((p) => p.mounts.map((m) => Object.freeze({ prefix: m.prefix, provider: p.id, key: m.key, corsKey: m.corsKey, variant: m.variant }))));

/** The providers without a request-id header (`EMULATOR.requestId: false`). */
const NO_REQUEST_ID = new Set(EMULATED.filter((p) => p.requestId === false).map((p) => p.id));

/** Query parameter added to a `redirect-same` Location: the header fault is skipped there. */
export const BYPASS_PARAM = "__kg_fault";

const MAX_TRAP_BODY = 1024 * 1024;

function findMount(pathname) {
  return MOUNTS.find((m) => pathname === m.prefix || pathname.startsWith(`${m.prefix}/`)) ?? null;
}

function cleanEcho(value) {
  if (!value) return null;
  const v = value.slice(0, 256);
  return /^[\x20-\x7e]*$/.test(v) ? v : null;
}

function httpDate(secondsAhead) {
  return new Date(Math.ceil((Date.now() + secondsAhead * 1000) / 1000) * 1000).toUTCString();
}

function htmlPage(status) {
  const text = `${status} ${statusText(status)}`;
  return `<!DOCTYPE html>\n<html><head><title>${text}</title></head>\n<body><center><h1>${text}</h1></center><hr><center>emulated-proxy</center></body></html>\n`;
}

function truncate(buffer) {
  const text = buffer.toString("utf8");
  let cut = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
  try {
    JSON.parse(cut);
    cut = `${cut.slice(0, -1) || ""}{"truncat`;
  } catch {
    /* invalid, as wanted */
  }
  return Buffer.from(cut);
}

function malform(buffer) {
  const text = buffer.toString("utf8") || "{";
  return Buffer.from(`${text.slice(0, -1)},,}`);
}

/** Pad a JSON body to `bytes` (a `_padding` field, or an extra array element). */
function pad(response, bytes) {
  let body = response.body;
  if (body === undefined || body === null || response.raw !== undefined) {
    const buf = encodeBody(response).buffer;
    const extra = Math.max(0, bytes - buf.length);
    return { ...response, raw: Buffer.concat([buf, Buffer.alloc(extra, 0x20)]) };
  }
  const isArray = Array.isArray(body);
  body = isArray ? [...body, ""] : typeof body === "object" ? { ...body, _padding: "" } : { value: body, _padding: "" };
  const size = Buffer.byteLength(JSON.stringify(body));
  const fill = "x".repeat(Math.max(0, bytes - size));
  if (isArray) body[body.length - 1] = fill;
  else body._padding = fill;
  return { ...response, body };
}

/** The raw idempotency key and echo of a log entry (the entry itself keeps them scrubbed). */
const rawFields = new WeakMap();

function filterMatches(entry, filter) {
  if (entry.preflight && filter.preflight !== true && String(filter.method ?? "").toUpperCase() !== "OPTIONS") return false;
  if (filter.provider && filter.provider !== entry.provider && filter.provider !== entry.mount) return false;
  if (filter.variant && filter.variant !== entry.variant) return false;
  if (filter.method && String(filter.method).toUpperCase() !== entry.method) return false;
  if (filter.path !== undefined && !matchesScenario({ path: filter.path }, { path: entry.path })) return false;
  const raw = rawFields.get(entry) ?? {};
  for (const k of ["status", "idempotencyKey", "echo", "fault", "requestId"]) {
    if (filter[k] !== undefined && filter[k] !== entry[k] && (raw[k] === undefined || filter[k] !== raw[k])) return false;
  }
  return true;
}

/** The one-line warning for a bind beyond loopback. */
export function exposureWarning(host, port, trapPort) {
  return (
    `keygate emulator bound to ${host} (ports ${port} and ${trapPort}): it is reachable beyond this machine, ` +
    "by anyone who can reach this host; its demo credentials are public and /_emulator/* can read its log and change its behaviour. " +
    "Use 127.0.0.1 unless that is what you want."
  );
}

/**
 * Start the emulator.
 * @param {object|string} [config] config object, or a path to a JSON config file
 * @param {{port?:number, host?:string, quiet?:boolean, crossOriginPort?:number}} [options]
 */
export async function startEmulator(config = {}, options = {}) {
  const cfg = mergeConfig(typeof config === "string" ? loadConfigFile(config) : config ?? {});
  const opts = { port: 0, host: "127.0.0.1", quiet: true, crossOriginPort: 0, controlOrigins: [], ...options };
  const controlOrigins = new Set();
  const addControlOrigin = (o) => {
    let u;
    try {
      u = new URL(String(o));
    } catch {
      throw new TypeError(`controlOrigins: ${JSON.stringify(String(o))} is not an origin (scheme://host[:port])`);
    }
    if (u.origin === "null") throw new TypeError(`controlOrigins: ${JSON.stringify(String(o))} is not an origin (scheme://host[:port])`);
    controlOrigins.add(u.origin);
  };
  if (!Array.isArray(opts.controlOrigins)) throw new TypeError("controlOrigins must be an array of origins");
  for (const o of opts.controlOrigins) addControlOrigin(o);
  const ids = createIdSource();
  const env = { config: cfg, ids, now: () => Date.now() };
  const providers = Object.fromEntries(EMULATED.map((p) => [p.id, p.create(env)]));
  const limited = EMULATED.filter((p) => p.limiter);
  const limiters = {};
  function buildLimiters() {
    for (const { id, limiter } of limited) {
      const rl = cfg.rateLimit?.[id];
      if (!rl) limiters[id] = null;
      else if (limiter === "bucket") limiters[id] = createTokenBucket({ limit: rl.limit, windowSec: rl.windowSec ?? 60, burst: rl.burst }, env.now);
      else limiters[id] = createLimiter({ limit: rl.limit, windowSec: rl.windowSec ?? 60 }, env.now);
    }
  }
  buildLimiters();
  /** Requests each limit refused, per mount: `/_emulator/stats` and `handle.stats()`. */
  function stats() {
    const refused = {};
    for (const { id } of limited) refused[id] = limiters[id]?.refused ?? 0;
    // A provider with its own throttler reports it per mount (`refused()`).
    for (const p of Object.values(providers)) if (typeof p.refused === "function") Object.assign(refused, p.refused());
    return { refused };
  }
  const scenarios = createScenarioQueue(cfg.scenarios);
  const log = [];
  const received = [];
  const attempts = new Map();
  const sleepers = new Set();
  const sockets = new Set();
  let seq = 0;
  let closing = null;
  let baseUrl = "";
  let trapUrl = "";

  const secrets = () => Object.values(providers).flatMap((p) => p.secrets());

  function sleep(ms) {
    return new Promise((resolve) => {
      const s = { resolve, timer: setTimeout(() => done(), ms) };
      function done() {
        clearTimeout(s.timer);
        sleepers.delete(s);
        resolve();
      }
      s.done = done;
      sleepers.add(s);
    });
  }

  function say(line) {
    if (!opts.quiet) process.stderr.write(`[keygate-emulator] ${line}\n`);
  }

  // ---- delivery -----------------------------------------------------------

  /** Write a response; `mode` is a post-handler fault (slow-body, reset) or null. */
  function deliver(res, entry, response, mode) {
    const { buffer, contentType } = encodeBody(response);
    const headers = { ...response.headers };
    if (contentType && !headers["content-type"]) headers["content-type"] = contentType;
    const noBody = response.status === 204 || response.status === 304;
    if (!noBody) headers["content-length"] = String(buffer.length);
    entry.status = response.status;
    entry.responseBytes = buffer.length;
    if (res.destroyed) return;

    if (mode?.kind === "slow-body" && !noBody) {
      res.writeHead(response.status, headers);
      res.flushHeaders();
      const pieces = Math.max(1, Math.min(10, buffer.length));
      const step = Math.ceil(buffer.length / pieces);
      const interval = mode.ms / pieces;
      (async () => {
        for (let i = 0; i < pieces; i += 1) {
          await sleep(interval);
          if (res.destroyed || closing) return;
          res.write(buffer.subarray(i * step, (i + 1) * step));
        }
        res.end();
      })();
      return;
    }
    if (mode?.kind === "reset") {
      const declared = Math.max(buffer.length, 64);
      headers["content-length"] = String(declared);
      res.writeHead(response.status, headers);
      const part = buffer.subarray(0, Math.floor(buffer.length / 2));
      entry.aborted = true;
      res.write(part, () => setTimeout(() => res.destroy(), 10).unref());
      return;
    }
    res.writeHead(response.status, headers);
    res.end(noBody ? undefined : buffer);
  }

  function rateHeaders(snap) {
    return {
      "x-ratelimit-limit": String(snap.limit),
      "x-ratelimit-remaining": String(snap.remaining),
      "x-ratelimit-reset": String(Math.ceil(snap.resetAt / 1000)),
    };
  }

  /** A response produced by a fault instead of the provider. */
  function faultResponse(t, provider, ctx) {
    switch (t.kind) {
      case "status": {
        const retry = t.retry;
        const body = provider.errorBody(t.status, { retryAfter: retry?.seconds, retryAfterInBody: retry?.mode === "body" });
        const headers = {};
        if (retry?.mode === "seconds") headers["retry-after"] = String(retry.seconds);
        if (retry?.mode === "date") headers["retry-after"] = httpDate(retry.seconds);
        return { status: t.status, body, headers };
      }
      case "empty-body":
        return { status: t.status, raw: Buffer.alloc(0), headers: {} };
      case "html":
        return { status: t.status, raw: htmlPage(t.status), headers: { "content-type": "text/html; charset=utf-8" } };
      case "redirect": {
        let location;
        if (t.target === "same") {
          const q = new URLSearchParams(ctx.query);
          q.set(BYPASS_PARAM, "off");
          location = `${ctx.selfOrigin}${ctx.basePath}${ctx.path}?${q}`;
        } else {
          location = `${trapUrl}${ctx.basePath}${ctx.path}${ctx.search}`;
        }
        return { status: t.status, raw: Buffer.alloc(0), headers: { location } };
      }
      case "truncated-json": {
        const r = { status: t.status, body: provider.errorBody(t.status) };
        return { status: t.status, raw: truncate(encodeBody(r).buffer), headers: { "content-type": JSON_TYPE } };
      }
      case "malformed-json": {
        const r = { status: t.status, body: provider.errorBody(t.status) };
        return { status: t.status, raw: malform(encodeBody(r).buffer), headers: { "content-type": JSON_TYPE } };
      }
      case "oversized":
        return pad({ status: t.status, body: provider.errorBody(t.status), headers: {} }, t.bytes);
      default:
        throw new Error(`unhandled fault ${t.kind}`);
    }
  }

  /** Transform the provider's own response for a post-handler fault. */
  function transform(response, t) {
    if (!t) return response;
    if (t.kind === "truncated-json") {
      return { ...response, raw: truncate(encodeBody(response).buffer), headers: { ...response.headers, "content-type": JSON_TYPE } };
    }
    if (t.kind === "malformed-json") {
      return { ...response, raw: malform(encodeBody(response).buffer), headers: { ...response.headers, "content-type": JSON_TYPE } };
    }
    if (t.kind === "oversized") return pad(response, t.bytes);
    return response;
  }

  /** A log entry: every string in it is scrubbed of the configured and the presented credentials. */
  function newEntry(req, fields, scrub) {
    seq += 1;
    const entry = {
      seq,
      time: new Date().toISOString(),
      method: req.method.toUpperCase(),
      status: null,
      aborted: false,
      preflight: false,
      fault: null,
      faultSource: null,
      headers: scrub.headers(req.headers),
      ...fields,
    };
    for (const k of ["idempotencyKey", "echo", "origin"]) {
      if (typeof entry[k] === "string") entry[k] = scrub.text(entry[k]);
    }
    if (typeof fields.url === "string") entry.url = scrub.url(fields.url);
    if (typeof fields.path === "string") entry.path = scrub.url(fields.path);
    rawFields.set(entry, { idempotencyKey: fields.idempotencyKey, echo: fields.echo });
    log.push(entry);
    return { entry, started: Date.now() };
  }

  // ---- provider requests ----------------------------------------------------

  async function handleProvider(req, res, url, mount, base) {
    const provider = providers[mount.provider];
    const method = req.method.toUpperCase();
    const relPath = url.pathname.slice(mount.prefix.length) || "/";
    const idempotencyKey = headerValue(req.headers, "idempotency-key") || null;
    const attemptKey = [mount.key, method, relPath, idempotencyKey ?? ""].join(" ");
    attempts.set(attemptKey, (attempts.get(attemptKey) ?? 0) + 1);
    const scrub = createScrubber(secrets(), req.headers);
    const { entry, started } = newEntry(req, {
      provider: mount.provider,
      mount: mount.key,
      variant: mount.variant,
      path: relPath,
      url: `${url.pathname}${url.search}`,
      requestId: base.requestId,
      idempotencyKey,
      attempt: attempts.get(attemptKey),
      echo: base.echo,
      origin: headerValue(req.headers, "origin") || null,
    }, scrub);
    res.on("close", () => {
      entry.durationMs = Date.now() - started;
      if (!res.writableFinished) entry.aborted = true;
      say(`${mount.key} ${method} ${entry.url} -> ${entry.status ?? "-"}${entry.aborted ? " (aborted)" : ""} ${entry.requestId}${entry.fault ? ` fault=${entry.fault}` : ""}`);
    });

    const origin = headerValue(req.headers, "origin");
    const policy = cfg.cors?.[mount.corsKey] ?? "open";
    const common = { ...base.headers };

    if (method === "OPTIONS") {
      entry.preflight = true;
      const headers = { ...common, ...corsPreflightHeaders(policy, mount.corsKey, origin, req.headers) };
      entry.corsAllowed = "access-control-allow-origin" in headers;
      req.resume();
      return deliver(res, entry, { status: 204, headers }, null);
    }
    const cors = corsResponseHeaders(policy, mount.corsKey, origin);
    entry.corsAllowed = origin ? "access-control-allow-origin" in cors : null;
    Object.assign(common, cors);

    // Which fault, if any: the header first, else the next one of a matching scenario.
    let faultText = "";
    const headerFault = headerValue(req.headers, "x-keygate-fault");
    if (headerFault && !base.bypass) {
      faultText = headerFault;
      entry.faultSource = "header";
    } else {
      const next = scenarios.take({ provider: mount.provider, providerKey: mount.key, variant: mount.variant, method, path: relPath });
      if (next !== undefined) {
        faultText = next ?? "";
        entry.faultSource = "scenario";
      }
    }
    let fault;
    try {
      fault = parseFault(faultText);
    } catch (err) {
      if (!(err instanceof FaultSpecError)) throw err;
      req.resume();
      entry.fault = scrub.text(faultText);
      return deliver(res, entry, { status: 400, body: { emulator_error: err.message }, headers: common }, null);
    }
    entry.fault = fault.spec ? scrub.text(fault.spec) : null;
    const t = fault.terminal;

    if (t?.kind === "hangup") {
      entry.aborted = true;
      req.socket.destroy();
      return;
    }

    let body;
    try {
      body = await readBody(req, cfg.maxBodyBytes);
    } catch {
      entry.aborted = true;
      return;
    }
    entry.requestBytes = body.size;
    if (fault.delayMs) {
      await sleep(fault.delayMs);
      if (res.destroyed || closing) return;
    }

    const ctx = {
      method,
      path: relPath,
      query: url.searchParams,
      search: url.search,
      headers: req.headers,
      header: (name) => headerValue(req.headers, name),
      body: body.buffer,
      bodyTooLarge: body.tooLarge,
      variant: mount.variant,
      basePath: mount.prefix,
      selfOrigin: base.selfOrigin,
      requestId: base.requestId,
      params: {},
    };

    const limiter = limiters[mount.provider] ?? null;
    const bucket = provider.rateBucket?.(ctx) || ctx.header("x-api-key") || ctx.header("authorization") || `anon:${req.socket.remoteAddress}`;
    let snap = null;
    let response;
    if (t && !t.post) {
      response = faultResponse(t, provider, ctx);
    } else {
      if (limiter) {
        snap = limiter.take(bucket);
        if (!snap.allowed) {
          const byBody = provider.rateLimitStyle === "body";
          response = {
            status: 429,
            body: provider.errorBody(429, { retryAfter: snap.resetInSec, retryAfterInBody: byBody }),
            headers: byBody ? {} : { "retry-after": String(snap.resetInSec) },
          };
        }
      }
      if (!response) {
        try {
          response = await provider.handle(ctx);
        } catch (err) {
          entry.error = scrub.text(err.message);
          say(`handler error: ${scrub.text(err.stack)}`);
          response = { status: 500, body: provider.errorBody(500), headers: {} };
        }
      }
      response = transform(response, t);
    }
    if (limiter) Object.assign(common, rateHeaders(snap ?? limiter.peek(bucket)));
    response = { ...response, headers: { ...(response.headers ?? {}), ...common } };
    if (closing) return;
    deliver(res, entry, response, t?.post ? t : null);
  }

  // ---- emulator's own paths ------------------------------------------------

  function describe() {
    return { name: "keygate provider emulator", url: baseUrl, urls: handle.urls, crossOrigin: { url: trapUrl } };
  }

  function trapView() {
    return received.map((r) => {
      const scrub = createScrubber(secrets(), r.headers);
      return {
      method: r.method,
      url: scrub.url(r.url),
      headers: scrub.headers(r.headers),
      credentialHeaders: Object.keys(r.headers).filter((h) => CREDENTIAL_HEADERS.has(h)),
      };
    });
  }

  /** Whether a browser page at `origin` may use the emulator's own endpoints. */
  function controlOriginAllowed(origin) {
    if (controlOrigins.has(origin)) return true;
    let u;
    try {
      u = new URL(origin);
    } catch {
      return false;
    }
    return u.protocol === "http:" && u.origin === origin && isOwnAuthority(u.host, opts.host, port);
  }

  /** Whether the Host header names this listener (a DNS-rebinding page sends its own name). */
  function controlHostAllowed(host) {
    return host === "" || isOwnHostName(host, opts.host);
  }

  /**
   * The rule for `/`, `/_emulator/*` and every other path of the emulator's own: a request with an
   * `Origin` is served only from the emulator's own origin (loopback or the bound address, this
   * port) or an origin allowed with `controlOrigins`; one without `Origin` that a browser marks
   * as coming from another site (`Sec-Fetch-Site`) is refused too; the Host must name this
   * listener. A POST body must be JSON (`application/json`), which no page on another site can
   * send without a preflight, and a preflight is answered only for an allowed origin.
   * @returns {string|null} why the request is refused
   */
  function controlRefusal(req) {
    if (!controlHostAllowed(headerValue(req.headers, "host"))) return "the Host header does not name this emulator";
    const origin = req.headers.origin;
    if (origin !== undefined) {
      if (!controlOriginAllowed(String(origin))) return "the emulator's own endpoints refuse cross-origin use (see controlOrigins)";
    } else {
      const site = headerValue(req.headers, "sec-fetch-site");
      if (site === "cross-site" || site === "same-site") return "the emulator's own endpoints refuse cross-origin use";
    }
    return null;
  }

  function jsonContentType(req) {
    const type = headerValue(req.headers, "content-type").split(";")[0].trim().toLowerCase();
    return type === "application/json" || /^application\/[a-z0-9.+-]+\+json$/.test(type);
  }

  async function handleOwn(req, res, url, base) {
    const method = req.method.toUpperCase();
    const origin = headerValue(req.headers, "origin");
    const refusal = controlRefusal(req);
    // CORS headers only ever name an allowed origin; nothing is reflected for any other.
    const allowedOrigin = refusal === null && origin !== "" ? origin : null;
    const cors = allowedOrigin ? { "access-control-allow-origin": allowedOrigin, vary: "Origin" } : { vary: "Origin" };
    const headers = { ...base.headers, ...cors };
    const send = (status, body) => {
      const { buffer } = encodeBody({ body });
      res.writeHead(status, { ...headers, "content-type": JSON_TYPE, "content-length": String(buffer.length) });
      res.end(buffer);
    };
    if (refusal !== null) {
      req.resume();
      return send(403, { emulator_error: refusal });
    }
    if (method === "OPTIONS") {
      req.resume();
      const pre = allowedOrigin ? corsPreflightHeaders("open", null, allowedOrigin, req.headers) : {};
      res.writeHead(204, { ...base.headers, ...pre, vary: "Origin, Access-Control-Request-Headers" });
      return res.end();
    }
    const { buffer, tooLarge } = await readBody(req, 1024 * 1024);
    if (tooLarge) return send(413, { emulator_error: "body over 1 MiB" });
    if (method !== "GET" && method !== "HEAD" && (buffer.length > 0 || headerValue(req.headers, "content-type") !== "") && !jsonContentType(req)) {
      return send(415, { emulator_error: "the emulator's own endpoints take only application/json bodies" });
    }
    const p = url.pathname;
    if (p === "/" && method === "GET") return send(200, describe());
    if (p === "/_emulator/health") return send(200, { ok: true });
    if (p === "/_emulator/log" && method === "GET") return send(200, { log });
    if (p === "/_emulator/counts" && method === "GET") {
      const filter = Object.fromEntries(url.searchParams);
      if (filter.status) filter.status = Number(filter.status);
      return send(200, { count: handle.counts(filter) });
    }
    if (p === "/_emulator/reset" && method === "POST") {
      handle.reset();
      return send(200, { ok: true });
    }
    if (p === "/_emulator/scenarios") {
      if (method === "GET") return send(200, { scenarios: scenarios.pending() });
      if (method === "POST") {
        const parsed = parseJsonBody(buffer);
        if (!parsed.ok) return send(400, { emulator_error: "body must be a scenario object or an array of them" });
        try {
          for (const s of Array.isArray(parsed.value) ? parsed.value : [parsed.value]) scenarios.add(s);
        } catch (err) {
          return send(400, { emulator_error: err.message });
        }
        return send(200, { scenarios: scenarios.pending() });
      }
    }
    if (p === "/_emulator/trap" && method === "GET") return send(200, { received: trapView() });
    if (p === "/_emulator/stats" && method === "GET") return send(200, stats());
    if (p === "/_emulator/state" && method === "GET") {
      return send(200, Object.fromEntries(Object.entries(providers).map(([k, v]) => [k, v.state?.() ?? {}])));
    }
    return send(404, { error: "not_found", message: "No emulated provider at this path; GET / lists them" });
  }

  // ---- listeners --------------------------------------------------------------

  /** Answer a request whose target could not be parsed, on a connection that then closes. */
  function refuseTarget(req, res, headers, target) {
    req.resume();
    const body = Buffer.from(JSON.stringify({ emulator_error: target.reason }));
    res.writeHead(target.status, { ...headers, "content-type": JSON_TYPE, "content-length": String(body.length), connection: "close" });
    res.end(body);
  }

  async function onRequest(req, res) {
    const requestId = ids.requestId();
    const headers = { "x-request-id": requestId };
    try {
      // keepAlive: false answers everything with `Connection: close`, so each request has a
      // connection of its own and a `hangup` never lands on a reused one (which fetch in Chromium,
      // Deno and Bun takes for a stale keep-alive connection and silently resends).
      if (cfg.keepAlive === false) res.setHeader("connection", "close");
      const echo = cleanEcho(headerValue(req.headers, "x-keygate-echo"));
      if (echo !== null) headers["x-keygate-echo"] = echo;
      const target = checkRequest(req, opts.host, port);
      if (!target.ok) return refuseTarget(req, res, headers, target);
      const { url } = target;
      const bypass = url.searchParams.get(BYPASS_PARAM) === "off";
      url.searchParams.delete(BYPASS_PARAM);
      const host = cleanHostHeader(headerValue(req.headers, "host")) ?? `${formatHost(opts.host)}:${port}`;
      const base = { requestId, echo, headers, bypass, selfOrigin: `http://${host}` };
      const mount = findMount(url.pathname);
      // A provider without a request-id header (EMULATOR.requestId); the log still numbers the request.
      if (mount && NO_REQUEST_ID.has(mount.provider)) delete headers["x-request-id"];
      if (mount) await handleProvider(req, res, url, mount, base);
      else await handleOwn(req, res, url, base);
    } catch (err) {
      say(`internal error: ${err.stack}`);
      try {
        if (!res.headersSent && !res.destroyed) {
          res.writeHead(500, { ...headers, "content-type": JSON_TYPE });
          res.end(JSON.stringify({ emulator_error: "internal emulator error" }));
        } else res.destroy();
      } catch {
        res.destroy();
      }
    }
  }

  function onTrapRequest(req, res) {
    try {
      trapRequest(req, res);
    } catch (err) {
      say(`trap error: ${err.stack}`);
      res.destroy();
    }
  }

  function trapRequest(req, res) {
    const requestId = ids.requestId();
    const target = checkRequest(req, opts.host, trapPort);
    const scrub = createScrubber(secrets(), req.headers);
    const record = { method: req.method.toUpperCase(), url: req.url, headers: { ...req.headers }, body: "", time: new Date().toISOString() };
    received.push(record);
    seq += 1;
    const entry = {
      seq,
      time: record.time,
      provider: "cross-origin",
      mount: "cross-origin",
      variant: null,
      method: record.method,
      path: scrub.url(target.ok ? target.url.pathname : ""),
      url: scrub.url(req.url),
      status: null,
      requestId,
      preflight: record.method === "OPTIONS",
      headers: scrub.headers(req.headers),
    };
    log.push(entry);
    const chunks = [];
    let size = 0;
    req.on("data", (c) => {
      size += c.length;
      if (size <= MAX_TRAP_BODY) chunks.push(c);
    });
    req.on("end", () => {
      record.body = Buffer.concat(chunks).toString("utf8");
      if (!target.ok) {
        entry.status = target.status;
        return refuseTarget(req, res, { "x-request-id": requestId }, target);
      }
      const preflight = record.method === "OPTIONS";
      const headers = { "x-request-id": requestId, ...trapCorsHeaders(req.headers, preflight) };
      entry.status = preflight ? 204 : 200;
      if (preflight) {
        res.writeHead(204, headers);
        return res.end();
      }
      const body = Buffer.from(JSON.stringify({ trap: true }));
      res.writeHead(200, { ...headers, "content-type": JSON_TYPE, "content-length": String(body.length) });
      res.end(body);
    });
    req.on("error", () => {});
  }

  const main = http.createServer((req, res) => {
    onRequest(req, res).catch(() => res.destroy());
  });
  const trap = http.createServer(onTrapRequest);
  for (const s of [main, trap]) {
    s.on("connection", (socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    // A request the HTTP parser refuses (NUL bytes, a bad request line, oversized headers) gets a
    // plain 4xx answer on its connection, which then closes; nothing reaches a handler.
    s.on("clientError", (err, socket) => {
      if (!socket.writable || err.code === "ECONNRESET" || socket.bytesWritten > 0) return socket.destroy();
      const status = err.code === "HPE_HEADER_OVERFLOW" ? 431 : err.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : 400;
      socket.end(rawErrorResponse(status, `malformed request (${String(err.code ?? "bad request")})`));
      socket.on("error", () => {});
    });
  }

  const listen = (server, port) =>
    new Promise((resolve, reject) => {
      const onError = (err) => reject(err);
      server.once("error", onError);
      server.listen({ port, host: opts.host }, () => {
        server.off("error", onError);
        resolve(server.address().port);
      });
    });

  const port = await listen(main, opts.port);
  let trapPort;
  try {
    trapPort = await listen(trap, opts.crossOriginPort);
  } catch (err) {
    await new Promise((r) => main.close(r));
    throw err;
  }
  const exposed = !isLoopbackHost(opts.host);
  if (exposed && opts.warnExposed !== false) process.emitWarning(exposureWarning(opts.host, port, trapPort), { code: "KEYGATE_EMULATOR_EXPOSED" });
  baseUrl = `http://${formatHost(opts.host)}:${port}`;
  trapUrl = `http://${formatHost(opts.host)}:${trapPort}`;

  const closeServer = (server) =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections?.();
    });

  const handle = {
    url: baseUrl,
    port,
    host: opts.host,
    /** true when bound to an address other machines can reach (anything but loopback). */
    exposed,
    // Each provider file's `EMULATOR.urls`, under this listener.
    urls: Object.fromEntries(EMULATED.flatMap((p) => Object.entries(p.urls).map(([name, path]) => [name, `${baseUrl}${path}`]))),
    crossOrigin: { url: trapUrl, port: trapPort, received },
    log,
    config: cfg,
    demo: DEMO_KEYS,
    /** How many requests matched `{provider, path, method, ...}` (preflights only when asked for). */
    counts(filter = {}) {
      return log.filter((e) => filterMatches(e, filter)).length;
    },
    /** Forget requests, trap records, rate-limit windows and data; re-arm the config's scenarios. */
    reset() {
      log.length = 0;
      received.length = 0;
      attempts.clear();
      for (const p of Object.values(providers)) p.reset();
      buildLimiters();
      scenarios.reset(cfg.scenarios);
    },
    /** Let a page at `origin` (e.g. a test page on another loopback port) use `/_emulator/*`. */
    allowControlOrigin(origin) {
      addControlOrigin(origin);
    },
    /** Add a scenario at run time: `{match, faults}`. */
    addScenario(scenario) {
      scenarios.add(scenario);
    },
    /** Faults not consumed yet, per scenario. */
    pendingScenarios() {
      return scenarios.pending();
    },
    /** How many requests each rate limit refused: `{refused: {poelis, powerpost, poesius, postiz, "postiz-self"}}`. */
    stats,
    /** Provider state worth asserting on (credits, counts). */
    state() {
      return Object.fromEntries(Object.entries(providers).map(([k, v]) => [k, v.state?.() ?? {}]));
    },
    /** Close both listeners, dropping open connections. Safe to call twice. */
    close() {
      if (!closing) {
        closing = (async () => {
          for (const s of [...sleepers]) s.done();
          const done = Promise.all([closeServer(main), closeServer(trap)]);
          for (const socket of sockets) socket.destroy();
          await done;
        })();
      }
      return closing;
    },
  };
  if (Symbol.asyncDispose) handle[Symbol.asyncDispose] = () => handle.close();
  return handle;
}
