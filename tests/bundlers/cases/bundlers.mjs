// Bundlers without a dev server: webpack 5, esbuild, Rollup + @rollup/plugin-node-resolve and
// `bun build`. Browser bundles are served from a loopback static server and run in Chromium; Node
// and Bun bundles are copied to a directory outside the project (no node_modules anywhere above
// it) and run there, as a deployed bundle would be.
import { cp, mkdir, rm } from "node:fs/promises";
import path from "node:path";

const INDEX = (script, type = "module") => `<!doctype html>
<html lang="en">
  <head><meta charset="UTF-8" /><title>keygate probe</title></head>
  <body><script ${type ? `type="${type}" ` : ""}src="${script}"></script></body>
</html>
`;
const INLINE_NOTE = 'imports "keygate/inline" (the documented line for bundlers that emit no assets: the wasm is inlined)';

async function scaffold(ctx, { type = "module", entry = "browser", spec = "keygate", dir = "src", entryName } = {}) {
  await ctx.write("package.json", JSON.stringify({ name: "probe-app", private: true, type, dependencies: { keygate: "*" } }, null, 2));
  await ctx.installKeygate();
  await ctx.writeProbe(dir, { entry, spec, cjs: entry === "cjs", entryName });
}

/** Copies the built files to <scratch>/moved/<id>/ (outside every project) and returns that dir. */
async function moveOut(ctx, from) {
  const to = path.join(ctx.scratch, "moved", ctx.id);
  await rm(to, { recursive: true, force: true });
  await mkdir(path.dirname(to), { recursive: true });
  await cp(path.join(ctx.dir, from), to, { recursive: true });
  ctx.log(`copied ${from} to ${to}`);
  return to;
}

async function servePage(ctx, root) {
  const size = await ctx.bundleSize(root);
  const s = await ctx.serveStatic(root);
  return { ...(await ctx.probePage(s.url)), note: `${root}/: ${size}` };
}

async function runMoved(ctx, cmd, file) {
  const size = await ctx.bundleSize("dist");
  const moved = await moveOut(ctx, "dist");
  return { ...(await ctx.probeCommand(cmd, [file], { cwd: moved })), note: `dist/: ${size}` };
}

export const cases = [
  {
    id: "webpack5",
    toolset: "common",
    note: "webpack with no config file (entry src/index.js, dist/main.js) and a hand-written dist/index.html",
    async run(ctx) {
      await scaffold(ctx, { type: undefined, entryName: "index.js" });
      await ctx.mustExec(ctx.toolsetBin("webpack"), ["--mode=production"], { timeoutMs: 180_000 });
      await ctx.write("dist/index.html", INDEX("main.js", ""));
      return servePage(ctx, "dist");
    },
  },
  {
    id: "esbuild-browser",
    toolset: "common",
    note: `esbuild --bundle --format=esm; ${INLINE_NOTE}`,
    async run(ctx) {
      await scaffold(ctx, { spec: "keygate/inline" });
      await ctx.mustExec(ctx.toolsetBin("esbuild"), ["src/main.js", "--bundle", "--format=esm", "--outdir=dist"], { timeoutMs: 60_000 });
      await ctx.write("dist/index.html", INDEX("main.js"));
      return servePage(ctx, "dist");
    },
  },
  {
    id: "esbuild-node-esm",
    toolset: "common",
    note: "esbuild --bundle --platform=node --format=esm, the bundle run with node from another directory",
    async run(ctx) {
      await scaffold(ctx, { entry: "esm" });
      await ctx.mustExec(ctx.toolsetBin("esbuild"), ["src/main.mjs", "--bundle", "--platform=node", "--format=esm", "--outfile=dist/main.mjs"], { timeoutMs: 60_000 });
      return runMoved(ctx, process.execPath, "main.mjs");
    },
  },
  {
    id: "esbuild-node-cjs",
    toolset: "common",
    note: "esbuild --bundle --platform=node (CommonJS), the bundle run with node from another directory",
    async run(ctx) {
      await scaffold(ctx, { type: "commonjs", entry: "cjs" });
      await ctx.mustExec(ctx.toolsetBin("esbuild"), ["src/main.cjs", "--bundle", "--platform=node", "--outfile=dist/main.cjs"], { timeoutMs: 60_000 });
      return runMoved(ctx, process.execPath, "main.cjs");
    },
  },
  {
    id: "rollup-browser",
    toolset: "common",
    note: `rollup -c with nodeResolve({ browser: true }) and output.format "es"; ${INLINE_NOTE}`,
    async run(ctx) {
      await scaffold(ctx, { spec: "keygate/inline" });
      await ctx.write("rollup.config.mjs", `import { nodeResolve } from "@rollup/plugin-node-resolve";

export default {
  input: "src/main.js",
  output: { dir: "dist", format: "es" },
  plugins: [nodeResolve({ browser: true })],
};
`);
      await ctx.mustExec(ctx.toolsetBin("rollup"), ["-c"], { timeoutMs: 90_000 });
      await ctx.write("dist/index.html", INDEX("main.js"));
      return servePage(ctx, "dist");
    },
  },
  {
    id: "bun-build-browser",
    toolset: "common",
    note: `bun build --outdir dist (target browser); ${INLINE_NOTE}`,
    async run(ctx) {
      await scaffold(ctx, { spec: "keygate/inline" });
      await ctx.mustExec(ctx.repoBin("bun"), ["build", "src/main.js", "--outdir", "dist"], { timeoutMs: 60_000 });
      await ctx.write("dist/index.html", INDEX("main.js"));
      return servePage(ctx, "dist");
    },
  },
  {
    id: "bun-build-bun",
    toolset: "common",
    note: "bun build --target bun, the bundle run with bun from another directory",
    async run(ctx) {
      await scaffold(ctx, { entry: "esm" });
      await ctx.mustExec(ctx.repoBin("bun"), ["build", "src/main.mjs", "--target", "bun", "--outdir", "dist"], { timeoutMs: 60_000 });
      return runMoved(ctx, ctx.repoBin("bun"), "main.js");
    },
  },
];
