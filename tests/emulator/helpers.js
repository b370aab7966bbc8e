// Shared helpers for the emulator tests (not a test file itself).
import http from "node:http";

export const TIMEOUT_MS = 5000;

/** fetch with a bounded time; returns status, headers, text and parsed JSON (if any). */
export async function call(url, init = {}) {
  const res = await fetch(url, {
    redirect: "manual",
    ...init,
    signal: init.signal ?? AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body };
}

/** A raw node:http request, so header-name case and arbitrary headers reach the wire as written. */
export function rawRequest(url, { method = "GET", headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, timeout: TIMEOUT_MS }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode, headers: res.headers, text, body: json });
      });
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("raw request timed out")));
    req.on("error", reject);
    if (body) req.write(body);
    req.end();
  });
}

/** A multipart body built by hand (to test the parser with exact bytes). */
export function multipartBody(boundary, parts) {
  const chunks = [];
  for (const p of parts) {
    let disposition = `form-data; name="${p.name}"`;
    if (p.filename !== undefined) disposition += `; filename="${p.filename}"`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n`));
    if (p.contentType) chunks.push(Buffer.from(`Content-Type: ${p.contentType}\r\n`));
    chunks.push(Buffer.from("\r\n"), Buffer.isBuffer(p.data) ? p.data : Buffer.from(p.data), Buffer.from("\r\n"));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

export function fileForm(field, filename, content, extra = {}) {
  const form = new FormData();
  form.append(field, new Blob([content], { type: "application/octet-stream" }), filename);
  for (const [k, v] of Object.entries(extra)) form.append(k, v);
  return form;
}
