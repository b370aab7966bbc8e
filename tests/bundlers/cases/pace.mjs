// `keygate/pace` bundled for Node by esbuild (the pacer's own wasm carried as code, like
// keygate/validate's), run with node: two paced requests, the second waiting its turn, and a
// paced request to the emulator refused with AuthenticationError; `pace: true` a ConfigError; and the client bundled without keygate/pace carries no pacer.
import { readFile } from "node:fs/promises";
import path from "node:path";

const MAIN = `import { Client, ConfigError, AuthenticationError } from "keygate";
import { pacer } from "keygate/pace";
const { poelis, keys } = JSON.parse(process.env.KEYGATE_PROBE);
const out = {};
// A fetch without rate-limit headers (the emulator's would replace the policy with its own limit).
const sent = [];
const stub = async () => (sent.push(Date.now()), new Response("[]", { status: 200, headers: { "content-type": "application/json" } }));
const c = new Client({ provider: "poelis", apiKey: keys.poelis, baseUrl: poelis, maxRetries: 0, fetch: stub, pace: pacer({ limit: 1, windowMs: 300, scope: "bundler-pace" }) });
await Promise.all([c.request({ path: "/workspaces" }), c.request({ path: "/workspaces" })]);
const waited = sent.length === 2 ? sent[1] - sent[0] : -1;
let unknown = false;
try { await new Client({ provider: "poelis", apiKey: keys.poelisUnknown, baseUrl: poelis, maxRetries: 0, pace: pacer() }).request({ path: "/workspaces" }); } catch (e) { unknown = e instanceof AuthenticationError; }
out.request = waited >= 290 && unknown;
if (!out.request) out.detail = { request: "second request " + waited + " ms after the first; AuthenticationError " + unknown };
let typed = false;
try { new Client({ provider: "poelis", apiKey: keys.poelis, pace: true }); } catch (e) { typed = e instanceof ConfigError && e.message.includes("keygate/pace"); }
out.typedErrors = typed;
out.validateKey = { skip: "the pace case checks pacing" };
out.detectProvider = { skip: "the pace case checks pacing" };
console.log("PROBE " + JSON.stringify(out));
`;
const PLAIN = `import { Client } from "keygate";\nconsole.log(typeof Client);\n`;

export const cases = [
  {
    id: "esbuild-pace-node",
    toolset: "common",
    note: 'esbuild --bundle --platform=node --format=esm of an app importing "keygate" and "keygate/pace", run with node',
    async run(ctx) {
      await ctx.write("package.json", JSON.stringify({ name: "probe-app", private: true, type: "module", dependencies: { keygate: "*" } }, null, 2));
      await ctx.installKeygate();
      await ctx.write("src/main.js", MAIN);
      await ctx.write("src/plain.js", PLAIN);
      for (const f of ["main", "plain"]) {
        await ctx.mustExec(ctx.toolsetBin("esbuild"), [`src/${f}.js`, "--bundle", "--platform=node", "--format=esm", `--outfile=dist/${f}.mjs`], { timeoutMs: 60_000 });
      }
      const plain = await readFile(path.join(ctx.dir, "dist/plain.mjs"), "utf8");
      if (plain.includes("WasmPacer") || plain.includes("acquireLoop")) throw new Error("a client bundled without keygate/pace carries the pacer");
      return ctx.probeCommand(process.execPath, ["dist/main.mjs"], { timeoutMs: 60_000 });
    },
  },
];
