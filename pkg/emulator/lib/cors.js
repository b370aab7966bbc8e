// CORS as the emulated providers would answer it.
import { EMULATED } from "../providers/index.js";

export const ALLOW_HEADERS = [
  "Authorization",
  "X-API-Key",
  "x-api-key",
  "X-Workspace-Id",
  "Content-Type",
  "Idempotency-Key",
  "X-Keygate-Fault",
  "X-Keygate-Echo",
  "Mcp-Session-Id",
  "Mcp-Protocol-Version",
];

export const EXPOSE_HEADERS = [
  "X-Request-ID",
  "Retry-After",
  "X-RateLimit-Limit",
  "X-RateLimit-Remaining",
  "X-RateLimit-Reset",
  "X-Keygate-Echo",
  "Mcp-Session-Id",
];

export const ALLOW_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";

/** The providers' own front ends: the only origins a "strict" policy allows (each provider's `EMULATOR.origins`). */
export const OWN_ORIGINS = Object.freeze(Object.assign({}, ...EMULATED.map((p) => p.origins)));

/** A provider's own CORS answer under "strict" (`EMULATOR.cors`, by CORS key), where it has one. */
const OWN_CORS = Object.freeze(
  Object.fromEntries(EMULATED.flatMap((p) => (p.cors ? p.mounts.map((m) => [m.corsKey, p.cors]) : []))),
);

/** A backend's own CORS headers (`own`: its allowed and exposed headers and methods). */
function ownCors(own, policy, providerKey, origin, preflight) {
  const out = { vary: "Origin", "access-control-allow-credentials": "true" };
  if (origin && originAllowed(policy, providerKey, origin)) out["access-control-allow-origin"] = origin;
  if (preflight) {
    out["access-control-allow-methods"] = own.methods;
    out["access-control-allow-headers"] = own.allowHeaders;
  }
  out["access-control-expose-headers"] = own.exposeHeaders;
  return out;
}

/**
 * Whether `origin` may read responses under `policy`:
 * "open" (any origin), "strict" (the provider's own front end), "none" (no CORS
 * headers at all), or an array of allowed origins.
 */
export function originAllowed(policy, providerKey, origin) {
  if (policy === "none") return false;
  if (policy === "open" || policy === undefined || policy === null) return true;
  const list = policy === "strict" ? OWN_ORIGINS[providerKey] ?? [] : Array.isArray(policy) ? policy : [];
  return origin !== "" && list.includes(origin);
}

/** Headers added to an ordinary response. */
export function corsResponseHeaders(policy, providerKey, origin) {
  if (policy === "strict" && OWN_CORS[providerKey]) return ownCors(OWN_CORS[providerKey], policy, providerKey, origin, false);
  if (!originAllowed(policy, providerKey, origin)) return {};
  return {
    "access-control-allow-origin": origin || "*",
    "access-control-expose-headers": EXPOSE_HEADERS.join(", "),
    vary: "Origin",
  };
}

/** Headers of a preflight answer (always 204; no CORS headers when refused). */
export function corsPreflightHeaders(policy, providerKey, origin, requestHeaders) {
  if (policy === "strict" && OWN_CORS[providerKey]) return ownCors(OWN_CORS[providerKey], policy, providerKey, origin, true);
  if (!originAllowed(policy, providerKey, origin)) return { vary: "Origin" };
  const out = {
    "access-control-allow-origin": origin || "*",
    "access-control-allow-methods": ALLOW_METHODS,
    "access-control-allow-headers": ALLOW_HEADERS.join(", "),
    "access-control-max-age": "600",
    vary: "Origin, Access-Control-Request-Headers",
  };
  if (String(requestHeaders["access-control-request-private-network"] ?? "") === "true") {
    out["access-control-allow-private-network"] = "true";
  }
  return out;
}

/** The cross-origin trap lets any browser request through so it can record it. */
export function trapCorsHeaders(requestHeaders, preflight) {
  const origin = requestHeaders.origin ?? "*";
  const out = { "access-control-allow-origin": origin, "access-control-expose-headers": "*", vary: "Origin" };
  if (preflight) {
    out["access-control-allow-methods"] = requestHeaders["access-control-request-method"] ?? ALLOW_METHODS;
    out["access-control-allow-headers"] = requestHeaders["access-control-request-headers"] ?? "*";
    out["access-control-max-age"] = "0";
    if (String(requestHeaders["access-control-request-private-network"] ?? "") === "true") {
      out["access-control-allow-private-network"] = "true";
    }
  }
  return out;
}
