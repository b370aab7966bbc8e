// wrangler (the `deploy --dry-run` bundle run in workerd through miniflare) and the test runners:
// Vitest (node and jsdom environments, no config file) and Jest (a CommonJS test file, no config).
import { readFile } from "node:fs/promises";
import path from "node:path";

async function scaffold(ctx, { type = "module", cjs = false, dir = "." } = {}) {
  await ctx.write("package.json", JSON.stringify({ name: "probe-app", private: true, ...(type ? { type } : {}), dependencies: { keygate: "*" } }, null, 2));
  await ctx.installKeygate();
  await ctx.writeProbe(dir, { cjs });
}

async function readResult(ctx, out) {
  let text;
  try {
    text = await readFile(path.join(ctx.dir, "result.json"), "utf8");
  } catch {
    const lines = `${out.stderr}\n${out.stdout}`.split("\n").filter((l) => /Error|error|FAIL|Cannot|✗|×/.test(l)).slice(0, 10);
    throw new Error(`the test wrote no result (exit ${out.code})\n${lines.join("\n")}`);
  }
  return JSON.parse(text);
}

const testFile = ({ cjs = false, jsdom = false } = {}) => `${jsdom ? "// @vitest-environment jsdom\n" : ""}${cjs
  ? 'const { writeFileSync } = require("node:fs");\nconst { probe } = require("./probe.js");\n'
  : 'import { test, expect } from "vitest";\nimport { writeFileSync } from "node:fs";\nimport { probe } from "./probe.js";\n'}
test("keygate works in this environment", async () => {
  ${jsdom ? 'expect(typeof window.document).toBe("object");\n  ' : ""}const result = await probe(JSON.parse(process.env.KEYGATE_PROBE));
  writeFileSync(${JSON.stringify("result.json")}, JSON.stringify(result));
  expect(result.detail).toEqual({});
});
`;

export const cases = [
  {
    id: "wrangler",
    toolset: "wrangler",
    note: "wrangler deploy --dry-run --outdir dist (no login, no network), dist/ run in workerd by miniflare",
    async run(ctx) {
      await scaffold(ctx, { dir: "src" });
      await ctx.write("wrangler.jsonc", JSON.stringify({ name: "keygate-probe", main: "src/index.js", compatibility_date: "2024-09-23" }, null, 2));
      await ctx.write("src/index.js", `import { probe } from "./probe.js";

export default {
  async fetch(request) {
    const arg = JSON.parse(new URL(request.url).searchParams.get("arg"));
    return Response.json(await probe(arg));
  },
};
`);
      await ctx.mustExec(ctx.toolsetBin("wrangler"), ["deploy", "--dry-run", "--outdir", "dist"], {
        timeoutMs: 120_000,
        env: { WRANGLER_LOG_PATH: path.join(ctx.dir, ".wrangler-logs"), XDG_CONFIG_HOME: path.join(ctx.dir, ".config") },
      });
      const dist = path.join(ctx.dir, "dist");
      const { Miniflare } = await import("miniflare");
      const mf = new Miniflare({
        modules: true,
        scriptPath: path.join(dist, "index.js"),
        modulesRoot: dist,
        modulesRules: [
          { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
          { type: "CompiledWasm", include: ["**/*.wasm"] },
        ],
        compatibilityDate: "2024-09-23",
      });
      try {
        const res = await mf.dispatchFetch(`http://worker.test/?arg=${encodeURIComponent(JSON.stringify(ctx.baseUrls))}`);
        const text = await res.text();
        if (res.status !== 200) throw new Error(`the Worker answered ${res.status}: ${text.split("\n")[0].slice(0, 300)}`);
        return { ...JSON.parse(text), note: `dist/: ${await ctx.bundleSize("dist")}` };
      } finally {
        await mf.dispose();
      }
    },
  },
  {
    id: "vitest-node",
    toolset: "testrunners",
    note: "vitest run, no config file (node environment)",
    async run(ctx) {
      await scaffold(ctx);
      await ctx.write("probe.test.js", testFile());
      const out = await ctx.exec(ctx.toolsetBin("vitest"), ["run"], { env: ctx.probeEnv, timeoutMs: 150_000 });
      return readResult(ctx, out);
    },
  },
  {
    id: "vitest-jsdom",
    toolset: "testrunners",
    note: "vitest run, no config file; the test file picks jsdom with a // @vitest-environment jsdom comment",
    async run(ctx) {
      await scaffold(ctx);
      await ctx.write("probe.test.js", testFile({ jsdom: true }));
      const out = await ctx.exec(ctx.toolsetBin("vitest"), ["run"], { env: ctx.probeEnv, timeoutMs: 150_000 });
      return readResult(ctx, out);
    },
  },
  {
    id: "jest-cjs",
    toolset: "testrunners",
    note: "jest, no config, a CommonJS test file requiring keygate",
    async run(ctx) {
      await scaffold(ctx, { type: null, cjs: true });
      await ctx.write("probe.test.js", testFile({ cjs: true }));
      const out = await ctx.exec(ctx.toolsetBin("jest"), ["--ci"], { env: ctx.probeEnv, timeoutMs: 150_000 });
      return readResult(ctx, out);
    },
  },
];
