// Small HTTP helpers shared by the providers and the core.

export const JSON_TYPE = "application/json; charset=utf-8";

/**
 * A provider's answer before delivery: status, headers, and either a JSON
 * `body` or a `raw` string/Buffer with its own content type.
 * @typedef {{status:number, body?:any, raw?:string|Buffer, headers?:Record<string,string>}} EmuResponse
 */

/** @returns {EmuResponse} */
export function json(status, body, headers = {}) {
  return { status, body, headers };
}

/** @returns {EmuResponse} */
export function raw(status, data, contentType, headers = {}) {
  return { status, raw: data, headers: { "content-type": contentType, ...headers } };
}

/** The bytes of a response body, and its content type. */
export function encodeBody(response) {
  if (response.raw !== undefined && response.raw !== null) {
    const buf = Buffer.isBuffer(response.raw) ? response.raw : Buffer.from(String(response.raw));
    return { buffer: buf, contentType: response.headers?.["content-type"] ?? "text/plain; charset=utf-8" };
  }
  if (response.body === undefined || response.body === null) {
    return { buffer: Buffer.alloc(0), contentType: null };
  }
  return { buffer: Buffer.from(JSON.stringify(response.body)), contentType: JSON_TYPE };
}

/**
 * Read a request body, keeping at most `limit` bytes. A larger body is drained
 * and reported as `tooLarge` so the caller can answer 413 on a healthy socket.
 */
export function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk) => {
      size += chunk.length;
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
      } else if (!tooLarge) {
        chunks.push(chunk);
      }
    });
    req.on("end", () => resolve({ buffer: tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks), size, tooLarge }));
    req.on("error", reject);
    req.on("aborted", () => reject(new Error("request aborted")));
  });
}

/** Parse a JSON request body; `{ok:false}` when it is empty or not JSON. */
export function parseJsonBody(buffer) {
  const text = buffer.toString("utf8");
  if (text.trim() === "") return { ok: false, empty: true };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, error: err.message };
  }
}

export function isPlainObject(v) {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

export const STATUS_TEXT = {
  400: "Bad Request",
  401: "Unauthorized",
  402: "Payment Required",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  409: "Conflict",
  413: "Payload Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Entity",
  429: "Too Many Requests",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

export function statusText(status) {
  return STATUS_TEXT[status] ?? "Error";
}
