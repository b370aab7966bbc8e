// The grep test of issue 15: a provider id (poesius, poelis, powerpost, postiz, any case, as a whole
// word) in code appears only in that provider's own files, in generated files, and in the places
// listed below. Comments count as documentation. Everything that lists providers elsewhere must
// derive the list from the provider description (src/providers, scripts/gen.mjs's output).
//
// Run by `make test-ids` (mk/drift.mk, part of `make test`); `node tests/ids/provider-ids.mjs`.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
// The ids come from the description (the generated provider list), not from this file.
const ids = [...readFileSync(join(ROOT, "pkg/providers.d.ts"), "utf8").match(/export type ProviderId = ([^;]+);/)[1].matchAll(/"([^"]+)"/g)].map((m) => m[1]);
if (ids.length < 2) throw new Error("could not read the provider ids from pkg/providers.d.ts");
const WORD = new RegExp(`\\b(${ids.join("|")})\\b`, "i");
const GENERATED = execFileSync("node", [join(ROOT, "scripts/gen.mjs"), "--list"], { encoding: "utf8" }).trim().split("\n");

// Places where provider ids are expected: each a path test and the reason.
const ALLOWED = [
  [(f, id) => f === `src/providers/${id}.rs` || f === `pkg/emulator/providers/${id}.js`, "the provider's own files (its own id only)"],
  [(f) => GENERATED.includes(f), "generated from the description by scripts/gen.mjs"],
  [(f) => /^(tests|fuzz|bench)\//.test(f) || /^crates\/[^/]+\/tests\//.test(f), "tests, fuzz targets and corpora, benchmarks and their data"],
  [(f) => /^(examples|www)\//.test(f), "examples and the www demo content"],
  [(f) => f === "mk/official.mk", "the make target installing and running the providers' official clients (tests)"],
  [(f) => f === "mk/rust-client.mk", "the make targets running the Rust client's tests and examples/reqwest.rs against the emulator"],
  [(f) => /(^|\/)(README|CHANGELOG|CONTRIBUTING|LICENSE)[^/]*$/.test(f) || f.endsWith(".md"), "documentation"],
  [(f) => f === "Cargo.toml" || f === "pkg/package.json", "package metadata (description, keywords)"],
];

// Code that still names providers, each with why it has not been derived yet (file: reason). Keep
// this empty: the registries are generated too (src/providers/registry.rs, the emulator's
// providers/index.js and providers.d.ts, by scripts/gen.mjs from the provider files).
const EXCEPTIONS = {};

/** The code of a line with its comment removed (`//` at a start or after a space; `*` lines of a block). */
function codeOf(line) {
  const t = line.trim();
  if (t.startsWith("//") || t.startsWith("/*") || t.startsWith("*") || t.startsWith("#")) return "";
  return line.replace(/(^|[\s;,)}])\/\/.*$/, "$1");
}

const files = execFileSync("git", ["ls-files", "-co", "--exclude-standard"], { cwd: ROOT, encoding: "utf8" }).split("\n").filter(Boolean);
const CODE = /\.(rs|js|mjs|cjs|ts|mts|cts|json|toml|mk|sh|html|css)$|(^|\/)Makefile$/;
const bad = [];
const used = new Set();
for (const f of files) {
  if (!CODE.test(f)) continue;
  let text;
  try {
    text = readFileSync(join(ROOT, f), "utf8");
  } catch {
    continue; // listed but deleted in the work tree
  }
  let lines = text.split("\n");
  // A Rust file's unit tests (the `#[cfg(test)] mod …` at its end) are test code.
  if (f.endsWith(".rs")) {
    const t = lines.findIndex((l, i) => l.trim() === "#[cfg(test)]" && /^\s*mod\s/.test(lines[i + 1] ?? ""));
    if (t >= 0) lines = lines.slice(0, t);
  }
  lines.forEach((line, i) => {
    const code = f.endsWith(".json") ? line : codeOf(line);
    const m = WORD.exec(code);
    if (!m) return;
    const id = m[1].toLowerCase();
    if (ALLOWED.some(([test]) => test(f, id))) {
      // A provider's own file may name only its own id.
      const own = ids.find((x) => f === `src/providers/${x}.rs` || f === `pkg/emulator/providers/${x}.js`);
      if (!own) return;
      const others = [...code.matchAll(new RegExp(WORD.source, "gi"))].map((x) => x[1].toLowerCase()).filter((x) => x !== own);
      if (others.length === 0) return;
    }
    if (Object.hasOwn(EXCEPTIONS, f)) {
      used.add(f);
      return;
    }
    bad.push(`${f}:${i + 1}: ${line.trim().slice(0, 140)}`);
  });
}

// An exception that is no longer needed is removed, so the list stays the true one.
for (const f of Object.keys(EXCEPTIONS)) {
  if (!used.has(f)) bad.push(`${f}: the exception for it is no longer needed; remove it from EXCEPTIONS`);
}
if (bad.length) {
  console.error(`provider-ids: provider ids in code outside the provider files and the allowed places (tests/ids/provider-ids.mjs):\n${bad.join("\n")}`);
  console.error("Derive the list from the provider description (pkg/bin/providers.js, the wasm's providers, pkg/providers.d.ts) instead.");
  process.exit(1);
}
console.log(`provider-ids: ok (${files.length} files; ${used.size ? `${used.size} named exceptions: ${[...used].join(", ")}` : "no exceptions"})`);
