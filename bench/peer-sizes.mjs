// What a user's bundler ships for each peer (issue 19): esbuild, minified, with the conditions a
// Worker build uses (wrangler's: workerd, worker, browser, import, default), one entry per library
// that re-exports its public API, gzip -9 of the output. keygate's own figure is the sum of its
// three shipped files (scripts/sizes.mjs); the peers are pure JS, so their bundle is the whole cost.
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const version = (name) => JSON.parse(readFileSync(join(ROOT, "node_modules", name, "package.json"), "utf8")).version;

export const PEERS = {
  ky: 'export { default } from "ky";\n',
  ofetch: 'export { ofetch, $fetch, createFetch, FetchError } from "ofetch";\n',
};

export async function peerSizes() {
  const out = {};
  for (const [name, contents] of Object.entries(PEERS)) {
    const r = await build({
      stdin: { contents, resolveDir: ROOT, sourcefile: `${name}-entry.js` },
      bundle: true,
      minify: true,
      format: "esm",
      platform: "neutral",
      mainFields: ["browser", "module", "main"],
      conditions: ["workerd", "worker", "browser"],
      target: "es2022",
      legalComments: "none",
      write: false,
      logLevel: "silent",
    });
    const bytes = r.outputFiles[0].contents;
    out[name] = { version: version(name), raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(JSON.stringify(await peerSizes(), null, 2));
