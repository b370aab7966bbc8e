// A tiny programmable loopback server for the package tests: records every request it receives.
import http from "node:http";

export async function startServer(handler) {
  const requests = [];
  const sockets = new Set();
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const record = { method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks) };
    requests.push(record);
    try {
      await handler(req, res, record, requests);
    } catch (e) {
      res.statusCode = 599;
      res.end(String(e));
    }
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

export function json(res, status, body, headers = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

export const KEYS = {
  poesius: "pk_test0123456789abcdefSECRET",
  poelis: "poelis_api_yyRCEbuLi8ugnBWNixCZQL4xKlLKBh-Gi_6zFf4CCIE",
  powerpost: "pp_live_sk_a1B2c3D4e5F6g7H8i9J0SECRET",
  postiz: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
  postizOauth: "pos_abcdefghijABCDEFGHIJ0123456789klmnopqrst",
};

/** The secret part of each key (what must never appear outside the auth header). */
export const BODIES = [
  "test0123456789abcdefSECRET",
  "yyRCEbuLi8ugnBWNixCZQL4xKlLKBh-Gi_6zFf4CCIE",
  "a1B2c3D4e5F6g7H8i9J0SECRET",
  "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
  "abcdefghijABCDEFGHIJ0123456789klmnopqrst",
];

export function assertNoSecret(assert, text, where = "") {
  for (const b of BODIES) assert.ok(!String(text).includes(b), `secret leaked ${where}: ${String(text).slice(0, 200)}`);
}
