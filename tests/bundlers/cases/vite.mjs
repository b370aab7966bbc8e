// Vite 7 and 8, each as `vite build` + `vite preview` and as `vite dev`, with the vanilla
// template's shape: index.html at the root loading /main.js, no vite.config at all.
import { rm } from "node:fs/promises";
import path from "node:path";

const INDEX = `<!doctype html>
<html lang="en">
  <head><meta charset="UTF-8" /><title>keygate probe</title></head>
  <body>
    <div id="app"></div>
    <script type="module" src="/main.js"></script>
  </body>
</html>
`;

// Vite 7's dev server pre-bundles dependencies with esbuild into node_modules/.vite/deps/, which
// breaks a dependency's `new URL("../wasm/x.wasm", import.meta.url)`; the documented fix is to
// leave keygate out of pre-bundling. Vite 8 (Rolldown) handles it with zero config.
const DEV_FALLBACK = new Map([
  ["vite7", {
    line: 'optimizeDeps: { exclude: ["keygate"] }',
    config: 'import { defineConfig } from "vite";\n\nexport default defineConfig({\n  optimizeDeps: { exclude: ["keygate"] },\n});\n',
  }],
]);

async function scaffold(ctx) {
  await ctx.write("package.json", JSON.stringify({
    name: "vite-probe", private: true, type: "module",
    scripts: { dev: "vite", build: "vite build", preview: "vite preview" },
    dependencies: { keygate: "*" },
  }, null, 2));
  await ctx.write("index.html", INDEX);
  await ctx.installKeygate();
  await ctx.writeProbe(".", { entry: "browser", entryName: "main.js" });
}

function viteCases(set) {
  return [
    {
      id: `${set}-build`,
      toolset: set,
      async run(ctx) {
        await scaffold(ctx);
        const vite = ctx.toolsetBin("vite");
        await ctx.mustExec(vite, ["build"], { timeoutMs: 120_000 });
        const port = await ctx.freePort();
        const url = `http://127.0.0.1:${port}/`;
        await ctx.spawnServer(vite, ["preview", "--host", "127.0.0.1", "--port", String(port), "--strictPort"], { readyUrl: url });
        return { ...(await ctx.probePage(url)), note: `dist/: ${await ctx.bundleSize("dist")}` };
      },
    },
    {
      id: `${set}-dev`,
      toolset: set,
      async run(ctx) {
        await scaffold(ctx);
        const dev = async () => {
          const port = await ctx.freePort();
          const url = `http://127.0.0.1:${port}/`;
          const server = await ctx.spawnServer(ctx.toolsetBin("vite"), ["--host", "127.0.0.1", "--port", String(port), "--strictPort"], { readyUrl: url });
          try {
            return await ctx.probePage(url, { timeoutMs: 90_000 });
          } finally {
            await server.stop();
          }
        };
        if (!DEV_FALLBACK.has(set)) return dev();
        // Zero config first. Should it fail, the README's one documented line for this Vite's dev
        // server, and the row says so (the failure that made it necessary is printed with it).
        let zeroError;
        try {
          const r = await dev();
          if (Object.values(r.detail ?? {}).length === 0) return { ...r, note: "zero config" };
          zeroError = Object.values(r.detail)[0];
        } catch (e) {
          const lines = e.message.split("\n");
          zeroError = lines.find((l) => l.startsWith("page error")) ?? lines.find((l) => /error/i.test(l)) ?? lines[0];
        }
        await rm(path.join(ctx.dir, "node_modules/.vite"), { recursive: true, force: true });
        await ctx.write("vite.config.js", DEV_FALLBACK.get(set).config);
        const r = await dev();
        return { ...r, note: `zero config fails (${zeroError.slice(0, 160)}); passes with the documented line ${DEV_FALLBACK.get(set).line}` };
      },
    },
  ];
}

export const cases = [...viteCases("vite7"), ...viteCases("vite8")];
