// `keygate/validate` bundled for the browser by esbuild (no asset handling needed: its wasm is
// inside the module), run in Chromium, with the bundle's gzip size against the entry's goal.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { gzipSync } from "node:zlib";

// The same goal and ceiling as scripts/sizes.mjs prints for the entry.
const GOAL = 16 * 1024;
const CEILING = 24_000;

const MAIN = `import { validateKey, detectProvider, redact, buildHeaders, KeyFormatError, providers } from "keygate/validate";
const { keys } = JSON.parse(decodeURIComponent(location.hash.slice(1)));
const out = {};
const v = validateKey("poelis", keys.poelis);
const bad = validateKey("poelis", "Bearer " + keys.poelis);
out.validateKey = v.ok === true && v.provider === "poelis" && bad.ok === false && !JSON.stringify([v, bad]).includes(keys.poelis);
out.detectProvider = detectProvider(keys.poelis) === "poelis" && detectProvider(keys.poesius) === "poesius" && detectProvider("hello") === null;
let typed = false;
try { buildHeaders({ provider: "poelis", apiKey: 3 }); } catch (e) { typed = e instanceof KeyFormatError && e.code === "not_a_string"; }
const h = buildHeaders({ provider: "poelis", apiKey: keys.poelis });
out.typedErrors = typed && Object.values(h).some((x) => x.includes(keys.poelis)) && !JSON.stringify(h).includes(keys.poelis)
  && redact(keys.poelis) !== keys.poelis && providers.length === 4;
out.request = { skip: "keygate/validate has no client" };
window.__keygateProbe = out;
`;

export const cases = [
  {
    id: "esbuild-validate",
    toolset: "common",
    note: 'esbuild --bundle --format=esm --minify of an app importing "keygate/validate", run in Chromium',
    async run(ctx) {
      await ctx.write("package.json", JSON.stringify({ name: "probe-app", private: true, type: "module", dependencies: { keygate: "*" } }, null, 2));
      await ctx.installKeygate();
      await ctx.write("src/main.js", MAIN);
      await ctx.mustExec(ctx.toolsetBin("esbuild"), ["src/main.js", "--bundle", "--format=esm", "--minify", "--outdir=dist"], { timeoutMs: 60_000 });
      await ctx.write("dist/index.html", '<!doctype html><meta charset="utf-8"><title>keygate/validate</title><script type="module" src="main.js"></script>\n');
      const gz = gzipSync(await readFile(path.join(ctx.dir, "dist/main.js")), { level: 9 }).length;
      if (gz > CEILING) throw new Error(`the keygate/validate bundle is ${gz} B gzip, over its ceiling of ${CEILING} B`);
      const s = await ctx.serveStatic("dist");
      const r = await ctx.probePage(s.url);
      return { ...r, note: `dist/main.js: ${gz} B gzip; goal ${GOAL} B: ${gz <= GOAL ? "PASS" : `missed by ${gz - GOAL} B`}` };
    },
  },
];
