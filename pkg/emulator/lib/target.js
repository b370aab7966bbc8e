// Request targets, Host headers and bind addresses: everything the emulator reads from the wire
// before routing, parsed so that no request line, however malformed, can throw past the handler.
import { isIP } from "node:net";
import http from "node:http";

/** Longest request target served; longer ones are answered 414 (no real client needs more). */
export const MAX_TARGET_LENGTH = 8192;

/** `[::1]` for an IPv6 literal, the input otherwise. */
export function formatHost(host) {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

const unbracket = (h) => (h.startsWith("[") && h.endsWith("]") ? h.slice(1, -1) : h);

/** 127.0.0.0/8, ::1 (also IPv4-mapped) and `localhost`: only this machine can reach them. */
export function isLoopbackHost(host) {
  const h = unbracket(String(host ?? "").toLowerCase()).replace(/\.$/, "");
  if (h === "localhost" || h.endsWith(".localhost")) return true;
  if (isIP(h) === 4) return h.startsWith("127.");
  if (isIP(h) === 6) {
    if (h === "::1" || h === "0:0:0:0:0:0:0:1") return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
    return mapped !== null && mapped[1].startsWith("127.");
  }
  return false;
}

/** `0.0.0.0`, `::` and the like: every interface. */
export function isWildcardHost(host) {
  const h = unbracket(String(host ?? "").toLowerCase());
  return h === "0.0.0.0" || h === "::" || h === "0:0:0:0:0:0:0:0" || h === "";
}

/**
 * Whether an authority (`host[:port]`, as `URL#host` gives it: lower case, IPv6 bracketed, the
 * default port dropped) names this listener: a loopback name or the bound address, with its port.
 */
export function isOwnAuthority(authority, bindHost, port) {
  let u;
  try {
    u = new URL(`http://${authority}`);
  } catch {
    return false;
  }
  if (u.username || u.password || u.pathname !== "/" || u.search || u.hash) return false;
  const p = u.port === "" ? 80 : Number(u.port);
  if (p !== port) return false;
  if (isLoopbackHost(u.hostname)) return true;
  if (isWildcardHost(bindHost)) return false;
  return u.hostname === formatHost(String(bindHost).toLowerCase());
}

/**
 * Whether a Host header's name is this machine's loopback or the bound address (the port is not
 * compared: a DNS-rebinding page is caught by its name). Bound to every interface, any IP literal.
 */
export function isOwnHostName(hostHeader, bindHost) {
  let u;
  try {
    u = new URL(`http://${hostHeader}`);
  } catch {
    return false;
  }
  if (u.username || u.password || u.pathname !== "/" || u.search || u.hash) return false;
  if (isLoopbackHost(u.hostname)) return true;
  if (isWildcardHost(bindHost)) return isIP(unbracket(u.hostname)) !== 0;
  return u.hostname === formatHost(String(bindHost).toLowerCase());
}

const bad = (status, reason) => ({ ok: false, status, reason });

/**
 * Parse a raw request target into a URL whose path and query are the target's.
 * Origin-form (`/path?q`) is read against a fixed base, so `//[` is a path, not an authority.
 * Absolute-form is served only when it names this listener (the emulator is not a proxy).
 * @returns {{ok:true, url:URL} | {ok:false, status:number, reason:string}}
 */
export function parseRequestTarget(target, bindHost, port) {
  if (typeof target !== "string" || target === "") return bad(400, "empty request target");
  if (target.length > MAX_TARGET_LENGTH) return bad(414, `request target longer than ${MAX_TARGET_LENGTH} characters`);
  if (/[^\x21-\x7e]/.test(target)) return bad(400, "request target has a space, control or non-ASCII character");
  if (/%(?![0-9A-Fa-f]{2})/.test(target)) return bad(400, "request target has an invalid percent-encoding");
  let pathAndQuery;
  if (target.startsWith("//")) {
    // Valid as an empty first segment, but every URL parser reads it as `//authority`.
    return bad(400, "request target starts with // (read as a network-path reference)");
  } else if (target.startsWith("/")) {
    pathAndQuery = target;
  } else if (/^http:\/\//i.test(target)) {
    let u;
    try {
      u = new URL(target);
    } catch {
      return bad(400, "absolute request target is not a valid URL");
    }
    if (!isOwnAuthority(u.host, bindHost, port)) return bad(400, "absolute request target names another host (the emulator is not a proxy)");
    pathAndQuery = `${u.pathname}${u.search}`;
  } else {
    return bad(400, "request target must start with / (or be this emulator's own absolute URL)");
  }
  let url;
  try {
    url = new URL(`http://emulator.invalid${pathAndQuery}`);
  } catch {
    return bad(400, "request target is not a valid path");
  }
  if (url.host !== "emulator.invalid") return bad(400, "request target is not a valid path");
  return { ok: true, url };
}

/**
 * Why a request must be refused before routing (bad target, bad Host), or null.
 * @returns {{ok:true, url:URL} | {ok:false, status:number, reason:string}}
 */
export function checkRequest(req, bindHost, port) {
  const host = req.headers.host;
  if (host !== undefined && cleanHostHeader(host) === null) return bad(400, "invalid Host header");
  return parseRequestTarget(req.url, bindHost, port);
}

/** The Host header if it is a plain `name[:port]` / `[v6][:port]`, else null. */
export function cleanHostHeader(value) {
  const v = String(value ?? "");
  if (v.length > 255) return null;
  return /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/.test(v) ? v : null;
}

/** A complete, minimal HTTP/1.1 error answer written straight to a socket (then closed). */
export function rawErrorResponse(status, reason) {
  const body = JSON.stringify({ emulator_error: reason });
  return (
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? "Error"}\r\n` +
    "content-type: application/json; charset=utf-8\r\n" +
    `content-length: ${Buffer.byteLength(body)}\r\n` +
    "connection: close\r\n\r\n" +
    body
  );
}
