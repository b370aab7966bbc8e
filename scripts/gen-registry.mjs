// The registries scripts/gen.mjs writes from the provider files themselves, so that no other file
// names a provider (issue 15's grep test, tests/ids/provider-ids.mjs):
//   src/providers/registry.rs        the core's registry (`mod <id>;`, `ProviderId`, `ALL`, the
//                                    per-provider match arms), from src/providers/<id>.rs
//   pkg/emulator/providers/index.js  the emulator's registry (one static import per provider file)
//   pkg/emulator/providers.d.ts      the emulator's per-provider typings (index.d.ts imports them)
// The Rust registry is read from the files' text (it must exist before cargo can build the
// description), the emulator's from its provider modules' `EMULATOR` and `TYPES`.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const fail = (msg) => {
  throw new Error(`gen.mjs: ${msg}`);
};

/**
 * The core's provider files, in registry order: a file of src/providers that defines
 * `pub(super) static PROVIDER: Provider` is one; its `ORDER` is its place, its `kind:
 * ProviderId::<Variant>` the variant, the doc comment on `PROVIDER` the variant's doc.
 */
export function rustProviders(root) {
  const dir = join(root, "src/providers");
  const list = [];
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith(".rs") || file === "mod.rs" || file === "registry.rs") continue;
    const text = readFileSync(join(dir, file), "utf8");
    const lines = text.split("\n");
    const at = lines.findIndex((l) => l.startsWith("pub(super) static PROVIDER: Provider = Provider {"));
    if (at < 0) continue; // a helper module (describe.rs), not a provider
    const id = file.slice(0, -3);
    if (!/^[a-z][a-z0-9_]*$/.test(id)) fail(`src/providers/${file}: a provider file's name is its id (lowercase)`);
    const kind = text.match(/^\s*kind: ProviderId::([A-Z][A-Za-z0-9]*),$/m)?.[1] ?? fail(`src/providers/${file}: no \`kind: ProviderId::<Variant>,\` in PROVIDER`);
    if (!new RegExp(`^\\s*id: "${id}",$`, "m").test(text)) fail(`src/providers/${file}: PROVIDER's id must be "${id}" (the file's name)`);
    const order = Number(text.match(/^pub\(super\) const ORDER: usize = (\d+);$/m)?.[1] ?? fail(`src/providers/${file}: no \`pub(super) const ORDER: usize = <n>;\``));
    const doc = [];
    for (let i = at - 1; i >= 0 && lines[i].startsWith("///"); i--) doc.unshift(lines[i]);
    if (!doc.length) fail(`src/providers/${file}: PROVIDER has no doc comment (it becomes the ProviderId variant's)`);
    for (const name of ["SUBSCRIPTION_401", "RULES", "KEYS"]) {
      if (!new RegExp(`^pub\\(super\\) (const|static) ${name}:`, "m").test(text)) fail(`src/providers/${file}: no pub(super) ${name}`);
    }
    list.push({ id, kind, order, doc });
  }
  list.sort((a, b) => a.order - b.order);
  list.forEach((p, i) => {
    if (p.order !== i) fail(`src/providers/${p.id}.rs: ORDER ${p.order}, expected ${i} (the ORDERs are 0, 1, 2, … without gaps or repeats)`);
  });
  if (new Set(list.map((p) => p.kind)).size !== list.length) fail("two provider files name the same ProviderId variant");
  if (!list.length) fail("no provider files in src/providers");
  return list;
}

/** src/providers/registry.rs (formatted as rustfmt would). */
export function registryRs(header, list) {
  const arms = (f) => list.map((p) => `            ProviderId::${p.kind} => ${f(p.id)},`);
  return [
    `// ${header}.`,
    "// The provider registry, written from the provider files src/providers/<id>.rs (their `ORDER`,",
    "// `kind` and the doc comment on `PROVIDER`); src/providers/mod.rs includes it.",
    "",
    ...list.map((p) => `mod ${p.id};`).sort(),
    "",
    `/// A provider's stable id, as used in the API (${list.map((p) => `\`"${p.id}"\``).join(", ")}).`,
    "#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]",
    "#[non_exhaustive]",
    "pub enum ProviderId {",
    ...list.flatMap((p) => [...p.doc.map((l) => `    ${l}`), `    ${p.kind},`]),
    "}",
    "",
    "impl ProviderId {",
    "    /// The provider's full description.",
    "    pub fn provider(self) -> &'static Provider {",
    "        match self {",
    ...arms((id) => `&${id}::PROVIDER`),
    "        }",
    "    }",
    "",
    "    /// The provider's key rules (validation, detection, redaction, headers), from its file: what",
    "    /// `provider().keys` points to, without linking the rest of the [`Provider`].",
    "    pub fn keys(self) -> &'static KeyRules {",
    "        match self {",
    ...arms((id) => `&${id}::KEYS`),
    "        }",
    "    }",
    "",
    "    /// The message (exact) of a 401 that means the account has no subscription, not a bad key:",
    "    /// classified as [`ErrorKind::Subscription`](crate::ErrorKind::Subscription). The provider",
    "    /// file's `SUBSCRIPTION_401`, a constant rather than a [`Provider`] field so that the npm",
    "    /// wasm carries only the one message, not a field per provider.",
    "    pub fn subscription_401(self) -> Option<&'static str> {",
    "        match self {",
    ...arms((id) => `${id}::SUBSCRIPTION_401`),
    "        }",
    "    }",
    "",
    "    /// The provider's rules for a client's loop (rotation, pacing), from its file.",
    "    pub fn rules(self) -> &'static ClientRules {",
    "        match self {",
    ...arms((id) => `&${id}::RULES`),
    "        }",
    "    }",
    "}",
    "",
    "/// All providers, in the order of SPEC's table.",
    `pub const ALL: [&Provider; ${list.length}] = [`,
    ...list.map((p) => `    &${p.id}::PROVIDER,`),
    "];",
    "",
    "/// The key rules of all providers, in the order of [`ALL`].",
    `pub const ALL_KEYS: [&KeyRules; ${list.length}] = [`,
    ...list.map((p) => `    &${p.id}::KEYS,`),
    "];",
    "",
    "// Each provider file's `ORDER` is its place in `ALL`.",
    "const _: () = {",
    ...list.map((p, i) => `    assert!(${p.id}::ORDER == ${i});`),
    "};",
    "",
  ].join("\n");
}

/**
 * The emulator's provider modules (pkg/emulator/providers/<id>.js, loaded), in the core's registry
 * order; an emulator file for a provider the core does not describe is an error.
 */
export async function emulatorProviders(root, rust) {
  const dir = join(root, "pkg/emulator/providers");
  const ids = readdirSync(dir).filter((f) => f.endsWith(".js") && f !== "index.js").map((f) => f.slice(0, -3));
  const order = rust.map((p) => p.id);
  for (const id of ids) if (!order.includes(id)) fail(`pkg/emulator/providers/${id}.js: no src/providers/${id}.rs (an emulated provider is one the core describes)`);
  const list = [];
  for (const id of order.filter((x) => ids.includes(x))) {
    const mod = await import(pathToFileURL(join(dir, `${id}.js`)).href);
    const { EMULATOR, TYPES } = mod;
    if (!EMULATOR || EMULATOR.id !== id) fail(`pkg/emulator/providers/${id}.js: its EMULATOR.id must be "${id}"`);
    if (!TYPES || typeof TYPES.config !== "string") fail(`pkg/emulator/providers/${id}.js: no TYPES.config (its config's TypeScript type)`);
    for (const k of Object.keys(TYPES.urls ?? {})) if (!Object.hasOwn(EMULATOR.urls, k)) fail(`pkg/emulator/providers/${id}.js: TYPES.urls.${k} is no EMULATOR.urls entry`);
    list.push({ id, emulator: EMULATOR, types: TYPES });
  }
  return list;
}

/** pkg/emulator/providers/index.js */
export function emulatorIndexJs(header, list) {
  return [
    `// ${header}.`,
    "// The emulator's provider registry: one static import per provider file, in the order of the",
    "// core's registry (src/providers/registry.rs `ALL`). Static imports, so that esbuild can bundle the",
    "// CJS build (scripts/bundle.mjs). server.js, cli.js and lib/cors.js read everything else from each",
    "// provider's `EMULATOR` description.",
    ...list.map((p) => `import { EMULATOR as ${p.id} } from "./${p.id}.js";`),
    "",
    "/** Each emulated provider's description (`EMULATOR` of its file). */",
    `export const EMULATED = Object.freeze([${list.map((p) => p.id).join(", ")}]);`,
    "",
  ].join("\n");
}

/** A TypeScript object type written in a provider file (`{`, members, `}`), indented under a member. */
function objectTs(text, where) {
  const lines = text.trim().split("\n");
  if (lines[0] !== "{" || lines.at(-1).trim() !== "}") fail(`${where}: a TypeScript object type from "{" to "}"`);
  const body = lines.slice(1, -1).filter((l) => l.trim());
  const indent = Math.min(...body.map((l) => l.match(/^ */)[0].length));
  return ["{", ...body.map((l) => `    ${l.slice(indent)}`), "  }"];
}

/** pkg/emulator/providers.d.ts (and .d.cts: `indexModule` is where the shared types come from). */
export function emulatorDts(header, list, indexModule) {
  const q = (s) => JSON.stringify(s);
  const key = (k) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : q(k));
  const union = (xs) => [...new Set(xs)].map(q).join(" | ");
  const mounts = list.flatMap((p) => p.emulator.mounts);
  const out = [
    `// ${header}.`,
    "// The per-provider part of the emulator's types (pkg/emulator/providers/<id>.js: `EMULATOR`,",
    "// `TYPES`); index.d.ts imports it and adds the shared parts.",
    "",
    `import type { Credentials } from ${q(indexModule)};`,
    "",
    "/** An emulated provider's id. */",
    `export type ProviderId = ${union(list.map((p) => p.id))};`,
    "/** A mount's key (a provider, or its self-hosted variant): log entries, counts, scenarios, stats. */",
    `export type MountKey = ${union(mounts.map((m) => m.key))};`,
    "/** A mount's key in `EmulatorConfig.cors`. */",
    `export type CorsKey = ${union(mounts.map((m) => m.corsKey))};`,
    "",
    "/** Each provider's part of the emulator's config. */",
    "export interface ProviderConfigs {",
  ];
  for (const p of list) {
    const ts = objectTs(p.types.config, `pkg/emulator/providers/${p.id}.js TYPES.config`);
    out.push(`  ${key(p.id)}?: ${ts[0]}`, ...ts.slice(1, -1), `${ts.at(-1)};`);
  }
  out.push("}", "", "/** The emulator's URLs, per mount (`Emulator.urls`). */", "export interface EmulatorUrls {");
  for (const p of list) {
    for (const k of Object.keys(p.emulator.urls)) {
      const doc = p.types.urls?.[k];
      if (doc) out.push(`  /** ${doc} */`);
      out.push(`  ${key(k)}: string;`);
    }
  }
  out.push("}", "", "/** The demo credentials of each provider (`DEMO_KEYS`). */", "export interface DemoKeys {");
  for (const p of list) {
    out.push(`  readonly ${key(p.id)}: { ${Object.keys(p.emulator.demoKeys).map((k) => `readonly ${key(k)}: string`).join("; ")} };`);
  }
  out.push("}", "");
  return out.join("\n");
}
