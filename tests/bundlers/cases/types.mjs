// TypeScript consumers, one fresh project per moduleResolution (node10, node16 ESM .mts, node16
// CommonJS .cts, nodenext, bundler): a file exercising the API must pass `tsc --noEmit`, and the
// same file plus deliberately wrong calls must fail with the expected errors in the wrong file only
// (so the types are really checked, not `any`). Then the package checks: @arethetypeswrong/cli on
// the tarball and `publint --strict`.
import path from "node:path";

const GOOD = (ext) => `import {
  validateKey, detectProvider, buildHeaders, Client, KeygateError, KeyFormatError, ConfigError, AuthenticationError,
} from "keygate";
import type { Validation, ProviderId, KeygateResponse } from "keygate";

const v: Validation = validateKey("poelis", "poelis_api_x");
export const code: string = v.code;
export const ok: boolean = v.ok;
export const provider: ProviderId | null = detectProvider("pk_x");
export function describe(e: unknown): string {
  if (e instanceof KeyFormatError) return e.code;
  if (e instanceof ConfigError) return e.name;
  if (e instanceof AuthenticationError) return String(e.status ?? 0);
  if (e instanceof KeygateError) return e.message + (e.requestId ?? "");
  return "";
}
export const headers: Record<string, string> = buildHeaders({ provider: "poelis", apiKey: "poelis_api_x" });
const client = new Client({ provider: "poelis", apiKey: "poelis_api_x", baseUrl: "http://127.0.0.1:1" });
export const workspaces: Promise<{ items: unknown[]; count: number }> = client.listWorkspaces();
export const raw: Promise<KeygateResponse<{ id: string }>> = client.request<{ id: string }>({ path: "/x" });
// ${ext}
`;

// Each line must be an error: a wrong provider id, a number for a key, a non-string result used as
// a string, two credentials at once.
const BAD = `import { validateKey, detectProvider, Client } from "keygate";
validateKey("nope", "k");
validateKey("poelis", 42);
export const n: number = detectProvider("k");
new Client({ provider: "poelis", apiKey: "a", jwt: "b" });
`;
const BAD_LINES = 4;

const MODES = [
  { id: "ts-node10", type: null, ext: "ts", options: { module: "commonjs", moduleResolution: "node10" } },
  { id: "ts-node16-esm", type: null, ext: "mts", options: { module: "node16", moduleResolution: "node16" } },
  { id: "ts-node16-cjs", type: null, ext: "cts", options: { module: "node16", moduleResolution: "node16" } },
  { id: "ts-nodenext", type: "module", ext: "ts", options: { module: "nodenext", moduleResolution: "nodenext" } },
  { id: "ts-bundler", type: "module", ext: "ts", options: { module: "esnext", moduleResolution: "bundler" } },
];

const tsconfig = (options, files) => JSON.stringify({
  compilerOptions: { ...options, target: "es2022", lib: ["es2022", "dom"], strict: true, noEmit: true, types: [], skipLibCheck: false },
  files,
}, null, 2);

const errorsOf = (out) => `${out.stdout}\n${out.stderr}`.split("\n").filter((l) => /error TS\d+/.test(l));

function typeCase({ id, type, ext, options }) {
  return {
    id,
    toolset: "common",
    note: `tsc --noEmit, module ${options.module}, moduleResolution ${options.moduleResolution}, consumer file .${ext}${type ? ` in a "type": "${type}" package` : ""}`,
    async run(ctx) {
      await ctx.write("package.json", JSON.stringify({ name: "types-probe", private: true, ...(type ? { type } : {}), dependencies: { keygate: "*" } }, null, 2));
      await ctx.installKeygate();
      await ctx.write(`good.${ext}`, GOOD(ext));
      await ctx.write(`bad.${ext}`, BAD);
      await ctx.write("tsconfig.json", tsconfig(options, [`good.${ext}`]));
      await ctx.write("tsconfig.bad.json", tsconfig(options, [`good.${ext}`, `bad.${ext}`]));
      const tsc = ctx.toolsetBin("tsc");
      const good = await ctx.exec(tsc, ["-p", "tsconfig.json"], { timeoutMs: 120_000 });
      if (good.code !== 0) throw new Error(`tsc rejected the correct file (exit ${good.code})\n${errorsOf(good).slice(0, 6).join("\n") || good.stdout.slice(0, 500)}`);
      const bad = await ctx.exec(tsc, ["-p", "tsconfig.bad.json"], { timeoutMs: 120_000 });
      const errors = errorsOf(bad);
      const wrongPlace = errors.filter((l) => !l.startsWith(`bad.${ext}(`));
      const lines = new Set(errors.map((l) => /\((\d+),/.exec(l)?.[1]));
      if (bad.code === 0) throw new Error("tsc accepted the deliberately wrong calls (the types are too loose)");
      if (wrongPlace.length) throw new Error(`the wrong calls made errors elsewhere:\n${wrongPlace.slice(0, 4).join("\n")}`);
      if (lines.size < BAD_LINES) throw new Error(`only ${lines.size} of the ${BAD_LINES} wrong lines were caught:\n${errors.join("\n")}`);
      const skip = { skip: "type check only" };
      return { validateKey: true, detectProvider: true, typedErrors: true, request: skip };
    },
  };
}

// The one entry point that is ESM only (see the attw case).
const ESM_ONLY = "./cloudflare";

export const cases = [
  ...MODES.map(typeCase),
  {
    id: "attw",
    toolset: "common",
    checks: ["package"],
    note: "@arethetypeswrong/cli on the packed tarball (every entry point, every resolution mode; keygate/cloudflare, an ESM-only Durable Object module for workers, under the esm-only profile): no problems",
    async run(ctx) {
      // keygate/cloudflare is ESM by design (workerd runs ES modules; a Durable Object class is
      // exported from the worker's ES module), so `require()` of it is not a supported use: it is
      // checked with attw's esm-only profile, every other entry point with the strict default.
      for (const args of [["--exclude-entrypoints", ESM_ONLY], ["--entrypoints", ESM_ONLY, "--profile", "esm-only"]]) {
        const out = await ctx.exec(ctx.toolsetBin("attw"), [ctx.tarball, "--format", "ascii", ...args], { timeoutMs: 120_000 });
        if (out.code !== 0) {
          const lines = out.stdout.split("\n").map((l) => l.trim()).filter((l) => /❌|💀|🐛|🥴|⚠️|problem|Masquerad|Error|error/i.test(l));
          throw new Error(`attw ${args.join(" ")} found problems (exit ${out.code})\n${[...new Set(lines)].slice(0, 10).join("\n") || out.stderr.slice(0, 400)}`);
        }
      }
      return { package: true };
    },
  },
  {
    id: "publint",
    toolset: "common",
    checks: ["package"],
    note: "publint --strict on the tarball's contents",
    async run(ctx) {
      await ctx.mustExec("tar", ["-xzf", ctx.tarball, "-C", ctx.dir]);
      const out = await ctx.exec(ctx.toolsetBin("publint"), ["--strict", path.join(ctx.dir, "package")], { timeoutMs: 120_000 });
      const text = `${out.stdout}\n${out.stderr}`;
      if (out.code !== 0 || /Errors?:|Warnings?:/.test(text)) {
        throw new Error(`publint --strict (exit ${out.code}):\n${text.split("\n").filter((l) => l.trim()).slice(0, 10).join("\n")}`);
      }
      return { package: true };
    },
  },
];
