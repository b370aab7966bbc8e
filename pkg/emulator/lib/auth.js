// Reading credentials from request headers. Node lower-cases header names, so
// `X-API-Key`, `x-api-key` and `X-Api-Key` all arrive as `x-api-key`.

/** One header value as a string ('' when absent). Repeated headers are joined. */
export function headerValue(headers, name) {
  const v = headers[name.toLowerCase()];
  if (v === undefined || v === null) return "";
  return Array.isArray(v) ? v.join(", ") : String(v);
}

/** `{scheme, token}` from an Authorization value, or null when it has no scheme word. */
export function parseAuthorization(value) {
  const m = /^\s*([A-Za-z][A-Za-z0-9_-]*)\s+(\S+)\s*$/.exec(value ?? "");
  if (!m) return null;
  return { scheme: m[1], token: m[2] };
}

/** The token of `Authorization: Bearer <token>` (scheme case-insensitive), else null. */
export function bearerToken(headers) {
  const parsed = parseAuthorization(headerValue(headers, "authorization"));
  if (!parsed || parsed.scheme.toLowerCase() !== "bearer") return null;
  return parsed.token;
}

/** Decode a JWT payload without verifying it; null when it is not a JWT. */
export function decodeJwtPayload(token) {
  const parts = String(token).split(".");
  if (parts.length !== 3) return null;
  try {
    return JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
  } catch {
    return null;
  }
}

const b64 = (value) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");

/** A JWT with base64url JSON header and payload and a fake signature (never verified). */
export function makeFakeJwt(payload) {
  return `${b64({ alg: "HS256", typ: "JWT" })}.${b64(payload)}.${b64("keygate-emulator-fake-signature")}`;
}
