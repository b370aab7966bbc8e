// A small multipart/form-data parser (RFC 7578) for the upload endpoints.

export class MultipartError extends Error {}

/** The boundary of a multipart/form-data Content-Type, or null. */
export function multipartBoundary(contentType) {
  const ct = String(contentType ?? "");
  if (!/^\s*multipart\/form-data\b/i.test(ct)) return null;
  const m = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^\s;]+))/i.exec(ct);
  return m ? (m[1] ?? m[2]) : null;
}

function parseDisposition(value) {
  const out = {};
  const re = /;\s*([A-Za-z0-9_*-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
  let m;
  while ((m = re.exec(value))) {
    const key = m[1].toLowerCase();
    let v = m[2] !== undefined ? m[2].replace(/\\(.)/g, "$1") : m[3].trim();
    if (key.endsWith("*")) {
      // RFC 5987: charset'lang'percent-encoded
      const ext = /^([^']*)'[^']*'(.*)$/.exec(v);
      if (ext) {
        try {
          v = decodeURIComponent(ext[2]);
        } catch {
          /* keep raw */
        }
      }
      out[key.slice(0, -1)] = v;
    } else if (!(key in out)) {
      out[key] = v;
    }
  }
  return out;
}

/**
 * Parse a multipart body.
 * @returns {{name:string, filename:string|null, contentType:string|null, data:Buffer}[]}
 */
export function parseMultipart(buffer, boundary) {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts = [];
  let pos = buffer.indexOf(delimiter);
  if (pos === -1) throw new MultipartError("multipart boundary not found");
  for (;;) {
    pos += delimiter.length;
    // `--` right after a delimiter closes the body.
    if (buffer[pos] === 0x2d && buffer[pos + 1] === 0x2d) break;
    // skip transport padding and the CRLF after the delimiter
    while (buffer[pos] === 0x20 || buffer[pos] === 0x09) pos += 1;
    if (buffer[pos] === 0x0d && buffer[pos + 1] === 0x0a) pos += 2;
    else if (buffer[pos] === 0x0a) pos += 1;
    else throw new MultipartError("malformed multipart delimiter line");

    const headerEnd = buffer.indexOf("\r\n\r\n", pos);
    if (headerEnd === -1) throw new MultipartError("multipart part without header end");
    const headerText = buffer.subarray(pos, headerEnd).toString("utf8");
    const next = buffer.indexOf(Buffer.from(`\r\n--${boundary}`), headerEnd + 4);
    if (next === -1) throw new MultipartError("multipart part not terminated");

    const headers = {};
    for (const line of headerText.split("\r\n")) {
      const i = line.indexOf(":");
      if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    const disposition = headers["content-disposition"] ?? "";
    if (!/^\s*form-data\b/i.test(disposition)) throw new MultipartError("part without form-data disposition");
    const params = parseDisposition(disposition);
    parts.push({
      name: params.name ?? "",
      filename: params.filename ?? null,
      contentType: headers["content-type"] ?? null,
      data: buffer.subarray(headerEnd + 4, next),
    });
    pos = next + 2; // at the next delimiter
  }
  return parts;
}

/**
 * Parse the multipart body of a request context. Returns `{ok:true, parts}` or
 * `{ok:false, reason}` (not multipart / malformed).
 */
export function readMultipart(ctx) {
  const boundary = multipartBoundary(ctx.header("content-type"));
  if (!boundary) return { ok: false, reason: "not_multipart" };
  try {
    return { ok: true, parts: parseMultipart(ctx.body, boundary) };
  } catch (err) {
    return { ok: false, reason: "malformed", message: err.message };
  }
}
