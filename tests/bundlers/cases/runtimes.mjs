// Runtimes that load keygate from node_modules with no build step: Node (ESM and CommonJS), Deno
// (npm package from node_modules via package.json), Bun, tsx. Each gets a fresh project with the
// tarball installed and runs the probe.
import path from "node:path";

const pkgJson = (type) => JSON.stringify({ name: "probe-app", private: true, type, dependencies: { keygate: "*" } }, null, 2);

async function project(ctx, { type = "module", entry = "esm" } = {}) {
  await ctx.write("package.json", pkgJson(type));
  await ctx.installKeygate();
  await ctx.writeProbe(".", { cjs: entry === "cjs", entry });
}

export const cases = [
  {
    id: "node-esm",
    toolset: "common",
    async run(ctx) {
      await project(ctx);
      return ctx.probeCommand(process.execPath, ["main.mjs"]);
    },
  },
  {
    id: "node-cjs",
    toolset: "common",
    async run(ctx) {
      await project(ctx, { type: "commonjs", entry: "cjs" });
      return ctx.probeCommand(process.execPath, ["main.cjs"]);
    },
  },
  {
    id: "deno",
    toolset: "common",
    note: "deno run with the package.json's node_modules (no npm: specifier, no flags beyond permissions)",
    async run(ctx) {
      await project(ctx);
      return ctx.probeCommand(ctx.repoBin("deno"), ["run", "--allow-read", "--allow-env", "--allow-net=127.0.0.1", "main.mjs"], {
        env: { DENO_NO_UPDATE_CHECK: "1", DENO_DIR: path.join(ctx.scratch, ".deno") },
      });
    },
  },
  {
    id: "bun",
    toolset: "common",
    async run(ctx) {
      await project(ctx);
      return ctx.probeCommand(ctx.repoBin("bun"), ["main.mjs"], { env: { BUN_INSTALL_CACHE_DIR: path.join(ctx.scratch, ".bun") } });
    },
  },
  {
    id: "tsx",
    toolset: "common",
    async run(ctx) {
      await project(ctx);
      await ctx.write("main.ts", ctx.entries.esm.replace('"./probe.js"', '"./probe.js"'));
      return ctx.probeCommand(ctx.toolsetBin("tsx"), ["main.ts"]);
    },
  },
];
