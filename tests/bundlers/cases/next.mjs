// Next.js 15 and 16, each built with Turbopack and with webpack (Next 15 builds with webpack unless
// given --turbopack; Next 16 builds with Turbopack unless given --webpack), in the default scaffold's
// shape: app router, a minimal app/layout.js and app/page.js, an empty next.config.mjs. Per build:
//   -node        a route handler with `runtime = "nodejs"`, fetched from `next start`
//   -edge        a route handler with `runtime = "edge"`, fetched from `next start`
//   -client      a "use client" page, run in Chromium (it is also prerendered on the server)
//   -standalone  `output: "standalone"`: .next/standalone (+ .next/static, as Next's docs say) copied
//                to a directory outside the toolset tree, the project's node_modules renamed away,
//                `node server.js` serving the node route and the client page (the Node server is
//                what moves; the edge route has its own case, so its failure is not charged here)
// The node, edge and client cases share one build of one app with all three routes (one build instead
// of three); if that build fails, each of them builds an app with only its own route, so a failure is
// charged to the route that causes it. At most one `next build` runs at a time (2 cores).
import { existsSync } from "node:fs";
import { cp, mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";

const LAYOUT = `export const metadata = {
  title: "keygate probe",
};

export default function RootLayout({ children }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
`;

const PAGE = `export default function Home() {
  return <main>keygate probe</main>;
}
`;

const config = (options) => `/** @type {import('next').NextConfig} */
const nextConfig = ${options ? JSON.stringify(options) : "{}"};

export default nextConfig;
`;

// The probe's argument (emulator URLs, demo keys) comes in the POST body, never in a URL or a log.
const route = (runtime) => `import { probe } from "../../../../lib/probe.js";

export const runtime = ${JSON.stringify(runtime)};

export async function POST(request) {
  try {
    return Response.json({ result: await probe(await request.json()) });
  } catch (e) {
    return Response.json({ error: String((e && e.stack) || e) }, { status: 500 });
  }
}
`;

// Renders the same text on the server and on first paint (no hydration mismatch); the probe runs
// in the browser, its argument in the URL fragment (see ctx.probePage).
const CLIENT_PAGE = `"use client";
import { useEffect, useState } from "react";
import { probe } from "../../lib/probe.js";

export default function ClientProbe() {
  const [state, setState] = useState("pending");
  useEffect(() => {
    const arg = JSON.parse(decodeURIComponent(location.hash.slice(1)));
    probe(arg).then(
      (result) => {
        window.__keygateProbe = result;
        setState("done");
      },
      (e) => {
        window.__keygateProbe = { error: String((e && e.stack) || e) };
        setState("error");
      },
    );
  }, []);
  return <main id="probe">{state}</main>;
}
`;

const TARGETS = {
  node: { file: "app/api/probe/node/route.js", text: route("nodejs"), path: "/api/probe/node" },
  edge: { file: "app/api/probe/edge/route.js", text: route("edge"), path: "/api/probe/edge" },
  client: { file: "app/client/page.js", text: CLIENT_PAGE, path: "/client" },
};

const BUILDS = [
  { set: "next16", bundler: "turbopack", args: [] },
  { set: "next16", bundler: "webpack", args: ["--webpack"] },
  { set: "next15", bundler: "webpack", args: [] },
  { set: "next15", bundler: "turbopack", args: ["--turbopack"] },
];

const BUILD_MS = 300_000;

// One `next build` at a time, whichever case asks.
let buildChain = Promise.resolve();
function oneAtATime(fn) {
  const p = buildChain.then(fn, fn);
  buildChain = p.catch(() => {});
  return p;
}

/** Writes a fresh app into dir with the given targets and keygate from the tarball. */
async function scaffold(ctx, dir, targets, nextOptions) {
  const write = async (rel, text) => {
    const file = path.join(dir, rel);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text);
  };
  await write("package.json", JSON.stringify({
    name: "next-probe",
    version: "0.1.0",
    private: true,
    scripts: { dev: "next dev", build: "next build", start: "next start" },
    dependencies: { keygate: "*", next: "*", react: "*", "react-dom": "*" },
  }, null, 2));
  await write("next.config.mjs", config(nextOptions));
  await write("app/layout.js", LAYOUT);
  await write("app/page.js", PAGE);
  await write("lib/probe.js", ctx.probe());
  for (const t of targets) await write(TARGETS[t].file, TARGETS[t].text);
  await ctx.installKeygate(dir);
}

/** The lines of Next's output that say what went wrong. */
function errorLines(text, n = 8) {
  const lines = String(text).split("\n").map((l) => l.trimEnd()).filter((l) => l.trim());
  const hits = lines.filter((l) => /error|fail|cannot|not found|enoent|module|⨯/i.test(l) && !/^\s+at /.test(l));
  return [...new Set(hits.length ? hits : lines.slice(-n))].slice(0, n).join("\n");
}

async function build(ctx, b, dir) {
  return oneAtATime(async () => {
    const out = await ctx.exec(ctx.toolsetBin("next"), ["build", ...b.args], {
      cwd: dir,
      env: { NEXT_TELEMETRY_DISABLED: "1" },
      timeoutMs: BUILD_MS,
    });
    const text = `${out.stdout}\n${out.stderr}`;
    ctx.log(`$ next build ${b.args.join(" ")} in ${path.basename(dir)} -> ${out.code} (${out.ms} ms)`);
    if (out.code !== 0) {
      return { error: `next build ${b.args.join(" ")} exited ${out.code ?? "(killed)"}\n${errorLines(text)}`, ms: out.ms };
    }
    // The bundler asked for is the one that ran ("▲ Next.js 16.x (Turbopack)" in the banner).
    const banner = text.split("\n").find((l) => /Next\.js \d/.test(l)) ?? "";
    if (/turbopack/i.test(banner) !== (b.bundler === "turbopack")) {
      return { error: `expected a ${b.bundler} build, the banner says: ${banner.trim()}`, ms: out.ms };
    }
    // Warnings (webpack's "topLevelAwait" one for the browser entry, say) go to the case's log.
    for (const w of new Set(text.split("\n").filter((l) => /⚠|warn/i.test(l)).map((l) => l.trim()))) ctx.log(`  ${w}`);
    return { ms: out.ms };
  });
}

// node, edge and client share one build per (version, bundler): the promise of { dir } or { error }.
const shared = new Map();
function sharedApp(ctx, b) {
  const key = `${b.set}-${b.bundler}`;
  if (!shared.has(key)) {
    shared.set(key, (async () => {
      const dir = path.join(ctx.toolsetDir, "cases", `${key}-app`);
      await rm(dir, { recursive: true, force: true });
      await scaffold(ctx, dir, ["node", "edge", "client"]);
      const r = await build(ctx, b, dir);
      return { ...r, dir };
    })());
  }
  return shared.get(key);
}

/** The app dir to serve `target` from: the shared build, or a build of this target alone. */
async function builtApp(ctx, b, target) {
  const s = await sharedApp(ctx, b);
  if (!s.error) {
    ctx.log(`shared ${b.set} ${b.bundler} build (${(s.ms / 1000).toFixed(1)} s)`);
    return s.dir;
  }
  ctx.log(`the shared build failed; building the ${target} route alone\n${s.error}`);
  await scaffold(ctx, ctx.dir, [target]);
  const r = await build(ctx, b, ctx.dir);
  if (r.error) throw new Error(r.error);
  return ctx.dir;
}

async function startServer(ctx, cmd, args, { cwd, env = {} }) {
  const port = await ctx.freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = await ctx.spawnServer(cmd, args(port), {
    cwd,
    env: { NEXT_TELEMETRY_DISABLED: "1", PORT: String(port), HOSTNAME: "127.0.0.1", ...env },
    readyUrl: `${url}/`,
    timeoutMs: 60_000,
  });
  return { ...server, base: url };
}

/** POSTs the probe's argument to a route and returns the probe's result (or throws why not). */
async function probeRoute(ctx, server, target) {
  const where = `${TARGETS[target].path}`;
  let res;
  let text;
  try {
    res = await fetch(`${server.base}${where}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(ctx.baseUrls),
      signal: AbortSignal.timeout(60_000),
    });
    text = await res.text();
  } catch (e) {
    throw new Error(`POST ${where}: ${e.message}\n${errorLines(server.output())}`);
  }
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {}
  if (!body || !body.result) {
    const why = body?.error ? body.error.split("\n")[0] : `HTTP ${res.status} ${text.slice(0, 120).replace(/\s+/g, " ")}`;
    throw new Error(`POST ${where}: ${why}\n${errorLines(server.output())}`);
  }
  return body.result;
}

async function probeTarget(ctx, server, target) {
  if (target === "client") return ctx.probePage(`${server.base}${TARGETS.client.path}`, { timeoutMs: 60_000 });
  return probeRoute(ctx, server, target);
}

function routeCase(b, target) {
  return {
    id: `${b.set}-${b.bundler}-${target}`,
    toolset: b.set,
    timeoutMs: 600_000,
    async run(ctx) {
      const dir = await builtApp(ctx, b, target);
      const server = await startServer(ctx, ctx.toolsetBin("next"), (port) => ["start", "-p", String(port), "-H", "127.0.0.1"], { cwd: dir });
      return probeTarget(ctx, server, target);
    },
  };
}

/** The shallowest server.js under dir outside node_modules (Next nests it at the app's path
 * relative to the tracing root). */
async function findServer(dir, depth = 0) {
  const entries = await readdir(dir, { withFileTypes: true });
  if (entries.some((e) => e.isFile() && e.name === "server.js")) return path.join(dir, "server.js");
  if (depth > 6) return null;
  for (const e of entries) {
    if (!e.isDirectory() || e.name === "node_modules" || e.name.startsWith(".")) continue;
    const found = await findServer(path.join(dir, e.name), depth + 1);
    if (found) return found;
  }
  return null;
}

function standaloneCase(b) {
  return {
    id: `${b.set}-${b.bundler}-standalone`,
    toolset: b.set,
    timeoutMs: 600_000,
    async run(ctx) {
      const targets = ["node", "client"];
      await scaffold(ctx, ctx.dir, targets, { output: "standalone" });
      const r = await build(ctx, b, ctx.dir);
      if (r.error) throw new Error(r.error);
      // Another directory, with no node_modules on any ancestor: nothing resolves from the build tree.
      const moved = path.join(ctx.scratch, "moved", ctx.id);
      for (let d = path.dirname(moved); ; d = path.dirname(d)) {
        if (existsSync(path.join(d, "node_modules"))) throw new Error(`${d}/node_modules would let the moved server resolve modules`);
        if (path.dirname(d) === d) break;
      }
      await rm(moved, { recursive: true, force: true });
      await mkdir(path.dirname(moved), { recursive: true });
      await cp(path.join(ctx.dir, ".next/standalone"), moved, { recursive: true, verbatimSymlinks: true });
      const server = await findServer(moved);
      if (!server) throw new Error("no server.js in .next/standalone");
      await cp(path.join(ctx.dir, ".next/static"), path.join(path.dirname(server), ".next/static"), { recursive: true });
      // The original node_modules gone (keygate was installed there; next and react stay in the
      // toolset's, which the moved copy is not under).
      await rename(path.join(ctx.dir, "node_modules"), path.join(ctx.dir, "node_modules.gone"));
      ctx.log(`standalone server: ${path.relative(ctx.scratch, server)}`);
      const s = await startServer(ctx, process.execPath, () => [server], { cwd: path.dirname(server) });
      const results = {};
      const failures = [];
      for (const t of targets) {
        try {
          results[t] = await probeTarget(ctx, s, t);
        } catch (e) {
          failures.push(`${t}: ${e.message}`);
        }
      }
      if (failures.length) throw new Error(failures.join("\n"));
      // Each check passes only if it passed on every route.
      const out = { detail: {} };
      for (const k of ["validateKey", "detectProvider", "typedErrors", "request"]) {
        out[k] = targets.every((t) => results[t][k] === true);
        const why = targets.filter((t) => results[t][k] !== true).map((t) => `${t}: ${results[t].detail?.[k] ?? results[t][k]}`);
        if (why.length) out.detail[k] = why.join("; ");
      }
      return out;
    },
  };
}

export const cases = BUILDS.flatMap((b) => [
  routeCase(b, "node"),
  routeCase(b, "edge"),
  routeCase(b, "client"),
  standaloneCase(b),
]);
