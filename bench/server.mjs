// Minimal loopback HTTP server for the request figures. Runs as its own process so its work and
// memory are not counted in the measured process. Prints `{"port": N}` once listening; exits when
// its stdin closes (the bench ended or died) or after BENCH_SERVER_MAX_MS at the latest.
import http from "node:http";

const maxMs = Number(process.env.BENCH_SERVER_MAX_MS) || 300_000;
const BODY = Buffer.from(JSON.stringify({ items: [{ id: "ws_1", name: "Bench" }], count: 1 }));

const server = http.createServer((req, res) => {
  let bytes = 0;
  req.on("data", (d) => (bytes += d.length));
  req.on("end", () => {
    if (req.method === "POST" && req.url.startsWith("/v1/public/sink")) {
      // The big-body memory figure: the request body is counted and dropped.
      const out = Buffer.from(JSON.stringify({ count: 1, bytes }));
      res.writeHead(200, { "content-type": "application/json", "content-length": out.length });
      res.end(out);
    } else if (req.method === "GET" && req.url.startsWith("/v1/public/workspaces")) {
      res.writeHead(200, { "content-type": "application/json", "content-length": BODY.length, "x-request-id": "req_bench" });
      res.end(BODY);
    } else {
      res.writeHead(404, { "content-type": "application/json" });
      res.end('{"error":"not_found","message":"no such route"}');
    }
  });
});
server.keepAliveTimeout = 30_000;

const stop = () => {
  server.close();
  server.closeAllConnections?.();
  process.exit(0);
};
setTimeout(stop, maxMs);
process.stdin.on("end", stop);
process.stdin.on("close", stop);
process.stdin.resume();

server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
