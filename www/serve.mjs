// The keygate demo page's server: a small static server on loopback for the repository root
// (so both /www/ and /pkg/ resolve) plus the provider emulator the page tests keys against.
//
//   node www/serve.mjs [--port 8080] [--emulator-port 8787]     (or PORT=… EMULATOR_PORT=…)
//
// It stops on Ctrl+C (SIGINT) or SIGTERM. Tests import `start()` and run it in-process.
import http from "node:http";
import { createReadStream, promises as fs } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { startEmulator, DEMO_KEYS } from "../pkg/emulator/index.js";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const HOST = "127.0.0.1";

// Only these top-level folders are served: the page and the package it imports. Everything else in
// the repository (.git, target/, node_modules/, ...) answers 404.
const SERVED_DIRS = new Set(["www", "pkg"]);

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".cjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
  ".ts": "text/plain; charset=utf-8",
};

const BASE_HEADERS = {
  "Cache-Control": "no-store",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Opener-Policy": "same-origin",
};

function send(res, status, text, headers = {}) {
  res.writeHead(status, { ...BASE_HEADERS, "Content-Type": "text/plain; charset=utf-8", ...headers });
  res.end(res.req.method === "HEAD" ? undefined : text);
}

/** Maps a URL path to a file under ROOT, or null when it must not be served. */
function resolvePath(pathname) {
  let decoded;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes("\0") || decoded.includes("\\")) return null;
  const parts = decoded.split("/").filter(Boolean);
  // No dot segments and no hidden files anywhere in the path.
  if (parts.length === 0 || !SERVED_DIRS.has(parts[0]) || parts.some((p) => p.startsWith("."))) return null;
  const file = path.resolve(ROOT, ...parts);
  return file.startsWith(ROOT + path.sep) ? file : null;
}

async function handle(req, res) {
  if (req.method !== "GET" && req.method !== "HEAD") {
    return send(res, 405, "method not allowed\n", { Allow: "GET, HEAD" });
  }
  const url = new URL(req.url, `http://${HOST}`);
  if (url.pathname === "/" || url.pathname === "/www") {
    res.writeHead(302, { ...BASE_HEADERS, Location: `/www/${url.search}` });
    return res.end();
  }
  let file = resolvePath(url.pathname);
  if (!file) return send(res, 404, "not found\n");
  let stat;
  try {
    // Follow symlinks, but only to files that are still inside the repository.
    file = await fs.realpath(file);
    if (!file.startsWith(ROOT + path.sep)) return send(res, 404, "not found\n");
    stat = await fs.stat(file);
    if (stat.isDirectory()) {
      if (!url.pathname.endsWith("/")) {
        res.writeHead(301, { ...BASE_HEADERS, Location: `${url.pathname}/${url.search}` });
        return res.end();
      }
      file = path.join(file, "index.html");
      stat = await fs.stat(file);
    }
  } catch {
    return send(res, 404, "not found\n");
  }
  if (!stat.isFile()) return send(res, 404, "not found\n");
  const type = MIME[path.extname(file).toLowerCase()] ?? "application/octet-stream";
  res.writeHead(200, { ...BASE_HEADERS, "Content-Type": type, "Content-Length": stat.size });
  if (req.method === "HEAD") return res.end();
  const stream = createReadStream(file);
  stream.on("error", () => res.destroy());
  stream.pipe(res);
}

function listen(server, port) {
  return new Promise((resolve, reject) => {
    const onError = (err) => reject(err);
    server.once("error", onError);
    server.listen(port, HOST, () => {
      server.off("error", onError);
      resolve(server.address().port);
    });
  });
}

/**
 * Starts the static server and the emulator. `port` / `emulatorPort` 0 pick free ports.
 * Resolves to `{ url, pageUrl, port, emulator, close() }`; `pageUrl` tells the page where the
 * emulator is (`?emulator=`) when it is not on the page's default port 8787.
 */
export async function start({ port = 8080, emulatorPort = 8787, emulatorConfig = {}, quiet = true } = {}) {
  const emulator = await startEmulator(emulatorConfig, { port: emulatorPort, host: HOST, quiet });
  const sockets = new Set();
  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, "internal error\n");
      else res.destroy();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  let actualPort;
  try {
    actualPort = await listen(server, port);
  } catch (err) {
    await emulator.close();
    throw err;
  }
  const url = `http://${HOST}:${actualPort}`;
  const pageUrl =
    emulator.port === 8787 ? `${url}/www/` : `${url}/www/?emulator=${encodeURIComponent(emulator.url)}`;
  let closing;
  return {
    url,
    pageUrl,
    port: actualPort,
    emulator,
    close() {
      closing ??= (async () => {
        const done = new Promise((resolve) => server.close(() => resolve()));
        for (const socket of sockets) socket.destroy();
        await done;
        await emulator.close();
      })();
      return closing;
    },
  };
}

function parsePort(value, name) {
  const n = Number(value);
  if (value === undefined || value === "" || !Number.isInteger(n) || n < 0 || n > 65535) {
    throw new Error(`${name} must be a port number (0-65535), got ${JSON.stringify(value ?? "")}`);
  }
  return n;
}

function parseArgs(argv, env) {
  const opts = { port: 8080, emulatorPort: 8787 };
  if (env.PORT) opts.port = parsePort(env.PORT, "PORT");
  if (env.EMULATOR_PORT) opts.emulatorPort = parsePort(env.EMULATOR_PORT, "EMULATOR_PORT");
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes("=") ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const value = () => (inline !== undefined ? inline : argv[++i]);
    if (flag === "--port" || flag === "-p") opts.port = parsePort(value(), "--port");
    else if (flag === "--emulator-port") opts.emulatorPort = parsePort(value(), "--emulator-port");
    else if (flag === "--help" || flag === "-h") opts.help = true;
    else if (/^\d+$/.test(arg)) opts.port = parsePort(arg, "port");
    else throw new Error(`unknown argument ${JSON.stringify(arg)} (try --help)`);
  }
  return opts;
}

async function main() {
  // Output piped into `head` and the like: a closed pipe is not a reason to crash while stopping.
  process.stdout.on("error", (err) => {
    if (err.code !== "EPIPE") throw err;
  });
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2), process.env);
  } catch (err) {
    console.error(`serve.mjs: ${err.message}`);
    process.exit(2);
  }
  if (opts.help) {
    console.log("usage: node www/serve.mjs [--port 8080] [--emulator-port 8787]   (or PORT=, EMULATOR_PORT=)");
    return;
  }
  let app;
  try {
    app = await start(opts);
  } catch (err) {
    const hint = err.code === "EADDRINUSE" ? " (port in use: pass --port / --emulator-port, 0 picks a free one)" : "";
    console.error(`serve.mjs: could not start: ${err.message}${hint}`);
    process.exit(1);
  }
  const u = app.emulator.urls;
  console.log(`keygate demo page   ${app.pageUrl}`);
  console.log(`keygate emulator    ${app.emulator.url}`);
  console.log(`  poesius ${u.poesius}   poelis ${u.poelis}`);
  console.log(`  powerpost ${u.powerpost}   postiz ${u.postiz}`);
  console.log("");
  console.log("Fake demo credentials (valid only against this emulator, safe to paste into the page):");
  const d = DEMO_KEYS;
  const rows = [
    ["Poesius API key", d.poesius.apiKey],
    ["Poesius revoked key", d.poesius.revokedKey],
    ["Poelis API key", d.poelis.apiKey],
    ["PowerPost API key", `${d.powerpost.apiKey}   (workspace ${d.powerpost.workspaceId})`],
    ["PowerPost revoked key", d.powerpost.revokedKey],
    ["Postiz API key", d.postiz.apiKey],
    ["Postiz, no subscription", d.postiz.noSubscriptionKey],
    ["Postiz OAuth token", d.postiz.oauthToken],
  ];
  for (const [name, value] of rows) console.log(`  ${name.padEnd(24)} ${value}`);
  console.log("");
  console.log("Ctrl+C stops both.");

  let stopping = false;
  const stop = (signal) => {
    if (stopping) {
      console.error(`serve.mjs: ${signal} again, exiting now`);
      process.exit(1);
    }
    stopping = true;
    console.log(`\n${signal}: stopping`);
    const force = setTimeout(() => process.exit(1), 5000);
    force.unref();
    app.close().then(
      () => process.exit(0),
      (err) => {
        console.error(`serve.mjs: error while stopping: ${err.message}`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await main();
}
