// Vite 7 and 8, each as `vite build` + `vite preview` and as `vite dev`, with the vanilla
// template's shape: index.html at the root loading /main.js, no vite.config at all.

const INDEX = `<!doctype html>
<html lang="en">
  <head><meta charset="UTF-8" /><title>keygate probe</title></head>
  <body>
    <div id="app"></div>
    <script type="module" src="/main.js"></script>
  </body>
</html>
`;

// `vite dev` pre-bundles dependencies into node_modules/.vite/deps/ (Vite 7 with esbuild), which
// would break a dependency's `new URL("../wasm/x.wasm", import.meta.url)`; keygate's exports map
// sends dev servers (the `development` condition) to its inline entry, so both run with zero config.

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
        const port = await ctx.freePort();
        const url = `http://127.0.0.1:${port}/`;
        await ctx.spawnServer(ctx.toolsetBin("vite"), ["--host", "127.0.0.1", "--port", String(port), "--strictPort"], { readyUrl: url });
        return { ...(await ctx.probePage(url, { timeoutMs: 90_000 })), note: "vite dev, no config file" };
      },
    },
  ];
}

export const cases = [...viteCases("vite7"), ...viteCases("vite8")];
